/*
 * paten_holidays.c: the holiday calendar file reader (see paten_holidays.h).
 */
#include "paten_holidays.h"

#include "paten_calendar.h"

#include <csv.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct reader {
    struct paten_holiday *days;
    size_t n, cap;
    char fields[3][256];
    int nfields;
    bool field_too_long;
    int line; /* the line of the record being read, 1-based */
    bool header_seen;
    char err[200];
};

static void on_field(void *s, size_t len, void *data)
{
    struct reader *r = data;

    if (r->nfields < 3) {
        if (len >= sizeof r->fields[0]) {
            r->field_too_long = true;
            len = sizeof r->fields[0] - 1;
        }
        if (len > 0)
            memcpy(r->fields[r->nfields], s, len);
        r->fields[r->nfields][len] = '\0';
    }
    r->nfields++;
}

static int kind_of(const char *s)
{
    if (strcmp(s, "libur_nasional") == 0)
        return PATEN_HOLIDAY_NATIONAL;
    if (strcmp(s, "cuti_bersama") == 0)
        return PATEN_HOLIDAY_CUTI_BERSAMA;
    return 0;
}

/* One record is complete: check it and keep it (the first error is the one reported). */
static void on_record(int c, void *data)
{
    struct reader *r = data;
    struct paten_holiday *h;
    paten_day d;
    int kind;

    (void)c;
    r->line++;
    if (r->err[0] != '\0')
        goto next;
    if (r->nfields == 1 && r->fields[0][0] == '\0')
        goto next; /* an empty line */
    if (!r->header_seen) {
        r->header_seen = true;
        if (r->nfields != 3 || strcmp(r->fields[0], "date") || strcmp(r->fields[1], "kind") ||
            strcmp(r->fields[2], "name"))
            snprintf(r->err, sizeof r->err, "line %d: the header must be date,kind,name", r->line);
        goto next;
    }
    if (r->nfields != 3) {
        snprintf(r->err, sizeof r->err, "line %d: %d fields, expected 3 (date,kind,name)", r->line,
                 r->nfields);
        goto next;
    }
    if (paten_day_parse(r->fields[0], &d) < 0) {
        snprintf(r->err, sizeof r->err, "line %d: '%s' is not a date (YYYY-MM-DD)", r->line,
                 r->fields[0]);
        goto next;
    }
    kind = kind_of(r->fields[1]);
    if (kind == 0) {
        snprintf(r->err, sizeof r->err,
                 "line %d: kind '%s' is neither libur_nasional nor cuti_bersama", r->line,
                 r->fields[1]);
        goto next;
    }
    if (r->fields[2][0] == '\0' || r->field_too_long || strlen(r->fields[2]) > 200) {
        snprintf(r->err, sizeof r->err, "line %d: the name must be 1 to 200 bytes", r->line);
        goto next;
    }
    for (size_t i = 0; i < r->n; i++)
        if (strcmp(r->days[i].date, r->fields[0]) == 0) {
            snprintf(r->err, sizeof r->err, "line %d: %s appears twice", r->line, r->fields[0]);
            goto next;
        }
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 32;
        struct paten_holiday *p = realloc(r->days, cap * sizeof *p);
        if (p == NULL) {
            snprintf(r->err, sizeof r->err, "out of memory");
            goto next;
        }
        r->days = p;
        r->cap = cap;
    }
    h = &r->days[r->n++];
    memcpy(h->date, r->fields[0], sizeof h->date);
    h->kind = (enum paten_holiday_kind)kind;
    snprintf(h->name, sizeof h->name, "%s", r->fields[2]);
next:
    r->nfields = 0;
    r->field_too_long = false;
}

int paten_holidays_parse(const char *data, size_t len, struct paten_holiday **out, char *err,
                         size_t errcap)
{
    struct csv_parser p;
    struct reader r;

    memset(&r, 0, sizeof r);
    if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI) != 0) {
        snprintf(err, errcap, "cannot start the CSV parser");
        return -1;
    }
    if (csv_parse(&p, data, len, on_field, on_record, &r) != len ||
        csv_fini(&p, on_field, on_record, &r) != 0) {
        snprintf(err, errcap, "line %d: %s", r.line + 1, csv_strerror(csv_error(&p)));
        csv_free(&p);
        free(r.days);
        return -1;
    }
    csv_free(&p);
    if (r.err[0] == '\0' && !r.header_seen)
        snprintf(r.err, sizeof r.err, "the file is empty");
    if (r.err[0] != '\0') {
        snprintf(err, errcap, "%s", r.err);
        free(r.days);
        return -1;
    }
    *out = r.days;
    return (int)r.n;
}
