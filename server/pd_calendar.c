/*
 * pd_calendar.c: the calendar's data: listing a region's closed days, importing the national
 * holidays and cuti bersama of a year (patenctl calendar import), a region's own days, and
 * whether the region's counters stay open on cuti bersama. The arithmetic is in
 * common/paten_calendar.c.
 *
 * National days belong to every region: any region's ADMIN may import them (they come from the
 * same decree), and the import only adds what is missing and corrects what differs, so importing
 * the same file twice, from two regions, changes nothing the second time.
 */
#include "paten_calendar.h"
#include "paten_error.h"
#include "pd_alloc.h"
#include "pd_audit.h"
#include "pd_clock.h"
#include "pd_db.h"
#include "pd_dispatch.h"
#include "pd_events.h"
#include "pd_idem.h"
#include "pd_log.h"
#include "pd_server.h"

#include <glib.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_IMPORT 200

static const char *kind_db(int kind)
{
    switch (kind) {
    case PATEN__CLOSED_DAY_KIND__CLOSED_DAY_KIND_NATIONAL_HOLIDAY:
        return "NATIONAL_HOLIDAY";
    case PATEN__CLOSED_DAY_KIND__CLOSED_DAY_KIND_CUTI_BERSAMA:
        return "CUTI_BERSAMA";
    case PATEN__CLOSED_DAY_KIND__CLOSED_DAY_KIND_REGIONAL_HOLIDAY:
        return "REGIONAL_HOLIDAY";
    default:
        return NULL;
    }
}

static int kind_from_db(const char *s)
{
    for (int k = 1; k <= 3; k++)
        if (strcmp(kind_db(k), s) == 0)
            return k;
    return 0;
}

/* The caller's region's current year on the business clock. */
static int current_year(struct pd_request *req)
{
    int y, m, d;
    paten_day_to_ymd(paten_day_of(req->now_ms, 7 * 60), &y, &m, &d);
    return y;
}

/* Adds the listing of a year's closed days to b; reply_days reads it. */
static void add_list(struct pd_db_batch *b, struct pd_request *req, int year)
{
    pd_db_batch_add(b, PD_STMT_CLOSED_DAYS_OF_YEAR);
    pd_db_param_int(b, req->session->region_id);
    pd_db_param_int(b, year);
}

static void reply_days(struct pd_request *req, const PGresult *res, bool open)
{
    Paten__ListClosedDaysReply reply = PATEN__LIST_CLOSED_DAYS_REPLY__INIT;
    int n = PQntuples(res);
    Paten__ClosedDay *d = pd_xcalloc((size_t)(n ? n : 1), sizeof *d);
    Paten__ClosedDay **p = pd_xcalloc((size_t)(n ? n : 1), sizeof *p);

    for (int i = 0; i < n; i++) {
        paten__closed_day__init(&d[i]);
        d[i].date = (char *)pd_db_str(res, i, 0);
        d[i].kind = (Paten__ClosedDayKind)kind_from_db(pd_db_str(res, i, 1));
        d[i].name = (char *)pd_db_str(res, i, 2);
        p[i] = &d[i];
    }
    reply.days = p;
    reply.n_days = (size_t)n;
    reply.cuti_bersama_open = open;
    pd_request_reply(req, &reply.base);
    free(p);
    free(d);
}

static void days_listed(const struct pd_db_result *r, void *arg)
{
    struct pd_request *req = arg;

    if (r->status < 0) {
        pd_request_fail_db(req, r, "listing closed days");
        return;
    }
    /* The region's setting rides on every row; a year without closed days reads it from the
     * second statement. */
    reply_days(req, r->res[0], pd_db_get_bool(r->res[1], 0, 0));
}

void pd_handle_list_closed_days(struct pd_request *req, const ProtobufCMessage *msg)
{
    const Paten__ListClosedDaysRequest *m = (const Paten__ListClosedDaysRequest *)msg;
    struct pd_db_batch *b = pd_db_batch_new();
    int year = m->year ? m->year : current_year(req);

    if (year < 2000 || year > 2100) {
        pd_db_batch_free(b);
        pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT, NULL, "year", "year must be 2000-2100");
        return;
    }
    add_list(b, req, year);
    pd_db_batch_add(b, PD_STMT_REGION_CUTI_OPEN);
    pd_db_param_int(b, req->session->region_id);
    pd_db_run(req->srv->db, b, days_listed, req);
}

/* ---- changes ------------------------------------------------------------------------------ */

/* Adds the CalendarChanged event: to everyone for national days, to the region for its own. */
static void add_calendar_event(struct pd_db_batch *b, struct pd_request *req, bool national,
                               int32_t *years, size_t nyears)
{
    Paten__Event ev = PATEN__EVENT__INIT;
    Paten__CalendarChanged cc = PATEN__CALENDAR_CHANGED__INIT;

    cc.years = years;
    cc.n_years = nyears;
    ev.at_ms = req->now_ms;
    ev.body_case = PATEN__EVENT__BODY_CALENDAR_CHANGED;
    ev.calendar_changed = &cc;
    pd_event_add(b, req->now_ms, "CALENDAR_CHANGED", national ? 0 : req->session->region_id, 0, 0,
                 0, &ev);
}

/* ---- ImportHolidays ---------------------------------------------------------------------- */

struct import {
    int32_t years[16];
    size_t nyears;
};

/* The upsert ran in the claim's round trip (safe there: a replay rolls it back); audit, announce
 * and commit with the counts. */
static void import_claimed(struct pd_request *req, struct pd_db_txn *t,
                           const struct pd_db_result *r, void *arg)
{
    struct import *im = arg;
    Paten__ImportHolidaysReply reply = PATEN__IMPORT_HOLIDAYS_REPLY__INIT;
    struct pd_db_batch *b = pd_db_batch_new();
    char after[160];

    reply.added = (uint32_t)pd_db_get_int(r->res[0], 0, 0);
    reply.updated = (uint32_t)pd_db_get_int(r->res[0], 0, 1);
    reply.unchanged = (uint32_t)pd_db_get_int(r->res[0], 0, 2);
    snprintf(after, sizeof after, "{\"added\": %u, \"updated\": %u, \"unchanged\": %u}",
             reply.added, reply.updated, reply.unchanged);
    pd_audit_add(b, req, req->session->office_id, "HOLIDAYS_IMPORTED", "calendar", "national", NULL,
                 after);
    if (reply.added || reply.updated)
        add_calendar_event(b, req, true, im->years, im->nyears);
    pd_info(req->conn_id, "holidays imported by %s: %u added, %u updated, %u unchanged",
            req->session->username, reply.added, reply.updated, reply.unchanged);
    free(im);
    pd_idem_commit(req, t, b, &reply.base);
}

void pd_handle_import_holidays(struct pd_request *req, const ProtobufCMessage *msg)
{
    const Paten__ImportHolidaysRequest *m = (const Paten__ImportHolidaysRequest *)msg;
    g_autofree const char **dates = NULL;
    g_autofree const char **kinds = NULL;
    g_autofree const char **names = NULL;
    struct pd_db_batch *b;
    struct import *im;
    char field[32];

    if (m->n_days == 0 || m->n_days > MAX_IMPORT) {
        pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT,
                        "Daftar hari libur kosong atau terlalu "
                        "panjang",
                        "days", "1 to %d days per import", MAX_IMPORT);
        return;
    }
    im = pd_xcalloc(1, sizeof *im);
    dates = g_new0(const char *, m->n_days);
    kinds = g_new0(const char *, m->n_days);
    names = g_new0(const char *, m->n_days);
    for (size_t i = 0; i < m->n_days; i++) {
        const Paten__ClosedDay *d = m->days[i];
        paten_day day;
        int y, mo, dd;
        bool seen = false;

        snprintf(field, sizeof field, "days[%zu]", i);
        if (paten_day_parse(d->date, &day) < 0) {
            free(im);
            pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT, "Tanggal tidak valid", field,
                            "date '%s' is not YYYY-MM-DD", d->date);
            return;
        }
        if (d->kind != PATEN__CLOSED_DAY_KIND__CLOSED_DAY_KIND_NATIONAL_HOLIDAY &&
            d->kind != PATEN__CLOSED_DAY_KIND__CLOSED_DAY_KIND_CUTI_BERSAMA) {
            free(im);
            pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT,
                            "Hanya libur nasional dan cuti bersama yang diimpor", field,
                            "kind must be NATIONAL_HOLIDAY or CUTI_BERSAMA (regional days: "
                            "AddRegionalDay)");
            return;
        }
        if (d->name[0] == '\0' || strlen(d->name) > 200) {
            free(im);
            pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT, "Nama hari libur wajib diisi", field,
                            "name must be 1 to 200 bytes");
            return;
        }
        for (size_t k = 0; k < i; k++)
            if (strcmp(m->days[k]->date, d->date) == 0) {
                free(im);
                pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT, "Tanggal muncul dua kali", field,
                                "%s appears twice", d->date);
                return;
            }
        paten_day_to_ymd(day, &y, &mo, &dd);
        for (size_t k = 0; k < im->nyears; k++)
            seen = seen || im->years[k] == y;
        if (!seen && im->nyears < G_N_ELEMENTS(im->years))
            im->years[im->nyears++] = y;
        dates[i] = d->date;
        kinds[i] = kind_db(d->kind);
        names[i] = d->name;
    }
    b = pd_idem_start(req, m->idempotency_key);
    if (b == NULL) {
        free(im);
        return;
    }
    pd_db_batch_add(b, PD_STMT_HOLIDAYS_IMPORT);
    pd_db_param_text_array(b, dates, m->n_days);
    pd_db_param_text_array(b, kinds, m->n_days);
    pd_db_param_text_array(b, names, m->n_days);
    pd_db_param_int(b, req->now_ms);
    pd_db_param_int(b, req->session->user_id);
    pd_idem_begin(req, b, import_claimed, im, free);
}

/* ---- AddRegionalDay ----------------------------------------------------------------------- */

static void regional_claimed(struct pd_request *req, struct pd_db_txn *t,
                             const struct pd_db_result *r, void *arg)
{
    const Paten__AddRegionalDayRequest *m = (const Paten__AddRegionalDayRequest *)req->in.msg;
    Paten__ClosedDayReply reply = PATEN__CLOSED_DAY_REPLY__INIT;
    Paten__ClosedDay day = PATEN__CLOSED_DAY__INIT;
    struct pd_db_batch *b = pd_db_batch_new();
    int32_t year = (int32_t)strtol(m->date, NULL, 10);
    g_autofree char *name = g_strescape(m->name, NULL);
    g_autofree char *after = g_strdup_printf("{\"date\": \"%s\", \"name\": \"%s\"}", m->date, name);

    (void)r;
    (void)arg;
    /* In the commit's round trip: a second copy of this request that raced the first fails
     * here, after the claim showed it a replay, never before. */
    pd_db_batch_add(b, PD_STMT_REGIONAL_DAY_ADD);
    pd_db_param_text(b, m->date);
    pd_db_param_text(b, m->name);
    pd_db_param_int(b, req->session->region_id);
    pd_db_param_int(b, req->now_ms);
    pd_db_param_int(b, req->session->user_id);
    pd_audit_add(b, req, req->session->office_id, "REGIONAL_DAY_ADDED", "calendar", m->date, NULL,
                 after);
    add_calendar_event(b, req, false, &year, 1);
    day.date = m->date;
    day.kind = PATEN__CLOSED_DAY_KIND__CLOSED_DAY_KIND_REGIONAL_HOLIDAY;
    day.name = m->name;
    reply.day = &day;
    pd_idem_commit(req, t, b, &reply.base);
}

void pd_handle_add_regional_day(struct pd_request *req, const ProtobufCMessage *msg)
{
    const Paten__AddRegionalDayRequest *m = (const Paten__AddRegionalDayRequest *)msg;
    struct pd_db_batch *b;
    paten_day day;

    if (paten_day_parse(m->date, &day) < 0) {
        pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT, "Tanggal tidak valid", "date",
                        "date '%s' is not YYYY-MM-DD", m->date);
        return;
    }
    if (m->name[0] == '\0' || strlen(m->name) > 200) {
        pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT, "Nama hari libur wajib diisi", "name",
                        "name must be 1 to 200 bytes");
        return;
    }
    b = pd_idem_start(req, m->idempotency_key);
    if (b != NULL)
        pd_idem_begin(req, b, regional_claimed, NULL, NULL);
}

/* ---- SetCutiBersamaOpen ------------------------------------------------------------------- */

static void cuti_changed(struct pd_db_txn *t, const struct pd_db_result *r, void *arg)
{
    struct pd_request *req = arg;
    Paten__ListClosedDaysReply reply = PATEN__LIST_CLOSED_DAYS_REPLY__INIT;
    const Paten__SetCutiBersamaOpenRequest *m =
        (const Paten__SetCutiBersamaOpenRequest *)req->in.msg;
    const PGresult *res;
    int n;
    Paten__ClosedDay *d, **p;

    if (r->status < 0) {
        pd_idem_fail_db(req, r, "changing the cuti bersama setting");
        return;
    }
    res = r->res[r->n - 1];
    n = PQntuples(res);
    d = pd_xcalloc((size_t)(n ? n : 1), sizeof *d);
    p = pd_xcalloc((size_t)(n ? n : 1), sizeof *p);
    for (int i = 0; i < n; i++) {
        paten__closed_day__init(&d[i]);
        d[i].date = (char *)pd_db_str(res, i, 0);
        d[i].kind = (Paten__ClosedDayKind)kind_from_db(pd_db_str(res, i, 1));
        d[i].name = (char *)pd_db_str(res, i, 2);
        p[i] = &d[i];
    }
    reply.days = p;
    reply.n_days = (size_t)n;
    reply.cuti_bersama_open = m->open;
    pd_idem_commit(req, t, pd_db_batch_new(), &reply.base);
    free(p);
    free(d);
}

static void cuti_claimed(struct pd_request *req, struct pd_db_txn *t, const struct pd_db_result *r,
                         void *arg)
{
    const Paten__SetCutiBersamaOpenRequest *m =
        (const Paten__SetCutiBersamaOpenRequest *)req->in.msg;
    struct pd_db_batch *b = pd_db_batch_new();
    int32_t year = m->year ? m->year : current_year(req);

    (void)r;
    (void)arg;
    pd_db_batch_add(b, PD_STMT_REGION_SET_CUTI_OPEN);
    pd_db_param_int(b, req->session->region_id);
    pd_db_param_bool(b, m->open);
    pd_audit_add(b, req, req->session->office_id, "CUTI_BERSAMA_OPEN_SET", "region", "", NULL,
                 m->open ? "{\"cuti_bersama_open\": true}" : "{\"cuti_bersama_open\": false}");
    add_calendar_event(b, req, false, &year, 1);
    add_list(b, req, year);
    pd_db_txn_run(t, b, cuti_changed, req);
}

void pd_handle_set_cuti_bersama_open(struct pd_request *req, const ProtobufCMessage *msg)
{
    const Paten__SetCutiBersamaOpenRequest *m = (const Paten__SetCutiBersamaOpenRequest *)msg;
    struct pd_db_batch *b;

    if (m->year != 0 && (m->year < 2000 || m->year > 2100)) {
        pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT, NULL, "year", "year must be 2000-2100");
        return;
    }
    b = pd_idem_start(req, m->idempotency_key);
    if (b != NULL)
        pd_idem_begin(req, b, cuti_claimed, NULL, NULL);
}
