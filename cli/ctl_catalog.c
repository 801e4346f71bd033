/*
 * ctl_catalog.c: patenctl's calendar and catalog commands:
 *
 *   patenctl --user USER  calendar list [YEAR] [--json]
 *   patenctl --user ADMIN calendar import FILE            (data/holidays/YYYY.csv)
 *   patenctl --user ADMIN calendar add-day YYYY-MM-DD NAME
 *   patenctl --user ADMIN calendar cuti-bersama open|closed
 *   patenctl --user USER  service list [--all] [--json]
 *   patenctl --user USER  service show CODE [--version N]  (proto3 JSON of the Service)
 *   patenctl --user ADMIN service save FILE|-               (that JSON, edited)
 *
 * The holiday file is read and checked here, with the line of the first problem named, before
 * anything is sent. `service show` prints every field, so that its output, edited, is what
 * `service save` takes: the id and version in it make the save a new version of that service (a
 * newer one saved meanwhile is a CONFLICT), no id creates the service.
 */
#include "ctl.h"

#include "paten_holidays.h"
#include "pbjson.h"

#include <stdio.h>
#include <string.h>

/* At most this many days per ImportHolidays request (the server's bound). */
#define IMPORT_CHUNK 200

static gboolean o_json, o_all;
static int o_version;

static const GOptionEntry json_entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &o_json, "print the reply as JSON", NULL },
    { NULL },
};

static const GOptionEntry list_entries[] = {
    { "all", 'a', 0, G_OPTION_ARG_NONE, &o_all, "include deactivated services", NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &o_json, "print the reply as JSON", NULL },
    { NULL },
};

static const GOptionEntry show_entries[] = {
    { "version", 0, 0, G_OPTION_ARG_INT, &o_version, "that version (default: the current one)",
      "N" },
    { NULL },
};

static const char *kind_text(Paten__ClosedDayKind k)
{
    switch (k) {
    case PATEN__CLOSED_DAY_KIND__CLOSED_DAY_KIND_NATIONAL_HOLIDAY:
        return "libur nasional";
    case PATEN__CLOSED_DAY_KIND__CLOSED_DAY_KIND_CUTI_BERSAMA:
        return "cuti bersama";
    case PATEN__CLOSED_DAY_KIND__CLOSED_DAY_KIND_REGIONAL_HOLIDAY:
        return "libur daerah";
    default:
        return "?";
    }
}

static void print_days(const Paten__ListClosedDaysReply *r)
{
    for (size_t i = 0; i < r->n_days; i++) {
        g_autofree char *line = g_strdup_printf("%s  %-14s  %s", r->days[i]->date,
                                                kind_text(r->days[i]->kind), r->days[i]->name);
        ctl_put_line(line);
    }
    ctl_put_line(r->cuti_bersama_open ? "cuti bersama: the region's counters stay open"
                                      : "cuti bersama: the region's counters are closed");
}

/* ---- calendar ----------------------------------------------------------------------------- */

static int calendar_list(Ctl *ctl, char **args, int nargs)
{
    Paten__ListClosedDaysRequest req = PATEN__LIST_CLOSED_DAYS_REQUEST__INIT;
    Paten__ListClosedDaysReply *reply;
    int status = EXIT_OK;

    if (nargs > 1 ||
        (nargs == 1 && (req.year = (int32_t)g_ascii_strtoll(args[0], NULL, 10)) < 2000)) {
        ctl_say_error("usage: patenctl calendar list [YEAR] (YEAR like 2026)");
        return EXIT_USAGE;
    }
    if ((status = ctl_open(ctl)) != EXIT_OK)
        return status;
    reply = (Paten__ListClosedDaysReply *)ctl_call(
        ctl, ctl_rpc(PATEN__MESSAGE_TYPE__MESSAGE_TYPE_LIST_CLOSED_DAYS), &req.base, &status);
    if (reply == NULL)
        return status;
    if (o_json)
        status = ctl_print_reply(&reply->base, FALSE, TRUE);
    else
        print_days(reply);
    protobuf_c_message_free_unpacked(&reply->base, NULL);
    return status;
}

/* Sends days[from, to) as one ImportHolidays; adds its counts to *total. */
static int import_chunk(Ctl *ctl, const struct paten_holiday *days, size_t from, size_t to,
                        Paten__ImportHolidaysReply *total)
{
    Paten__ImportHolidaysRequest req = PATEN__IMPORT_HOLIDAYS_REQUEST__INIT;
    Paten__ImportHolidaysReply *reply;
    g_autofree Paten__ClosedDay *d = g_new0(Paten__ClosedDay, to - from);
    g_autofree Paten__ClosedDay **p = g_new0(Paten__ClosedDay *, to - from);
    g_autofree char *key = ctl_new_key();
    int status = EXIT_OK;

    for (size_t i = from; i < to; i++) {
        Paten__ClosedDay *c = &d[i - from];
        paten__closed_day__init(c);
        c->date = (char *)days[i].date;
        c->kind = days[i].kind == PATEN_HOLIDAY_CUTI_BERSAMA
                      ? PATEN__CLOSED_DAY_KIND__CLOSED_DAY_KIND_CUTI_BERSAMA
                      : PATEN__CLOSED_DAY_KIND__CLOSED_DAY_KIND_NATIONAL_HOLIDAY;
        c->name = (char *)days[i].name;
        p[i - from] = c;
    }
    req.idempotency_key = key;
    req.days = p;
    req.n_days = to - from;
    reply = (Paten__ImportHolidaysReply *)ctl_call(
        ctl, ctl_rpc(PATEN__MESSAGE_TYPE__MESSAGE_TYPE_IMPORT_HOLIDAYS), &req.base, &status);
    if (reply == NULL)
        return status;
    total->added += reply->added;
    total->updated += reply->updated;
    total->unchanged += reply->unchanged;
    protobuf_c_message_free_unpacked(&reply->base, NULL);
    return EXIT_OK;
}

static int calendar_import(Ctl *ctl, char **args, int nargs)
{
    Paten__ImportHolidaysReply total = PATEN__IMPORT_HOLIDAYS_REPLY__INIT;
    g_autoptr(GError) err = NULL;
    g_autofree char *data = NULL;
    g_autofree char *line = NULL;
    struct paten_holiday *days = NULL;
    char why[200];
    gsize len;
    int n, status;

    if (nargs != 1) {
        ctl_say_error("usage: patenctl calendar import FILE (a data/holidays/YYYY.csv file)");
        return EXIT_USAGE;
    }
    if (!g_file_get_contents(args[0], &data, &len, &err)) {
        ctl_say_error("%s", err->message);
        return EXIT_USAGE;
    }
    n = paten_holidays_parse(data, len, &days, why, sizeof why);
    if (n < 0) {
        ctl_say_error("%s: %s", args[0], why);
        return EXIT_USAGE;
    }
    if (n == 0) {
        ctl_say_error("%s: no days in the file", args[0]);
        return EXIT_USAGE;
    }
    status = ctl_open(ctl);
    for (size_t from = 0; status == EXIT_OK && from < (size_t)n; from += IMPORT_CHUNK)
        status = import_chunk(ctl, days, from, MIN(from + IMPORT_CHUNK, (size_t)n), &total);
    free(days);
    if (status != EXIT_OK)
        return status;
    if (o_json)
        return ctl_print_reply(&total.base, TRUE, TRUE);
    line = g_strdup_printf("%s: %u added, %u updated, %u unchanged", args[0], total.added,
                           total.updated, total.unchanged);
    return ctl_put_line(line) ? EXIT_OK : EXIT_ERROR_REPLY;
}

static int calendar_add_day(Ctl *ctl, char **args, int nargs)
{
    Paten__AddRegionalDayRequest req = PATEN__ADD_REGIONAL_DAY_REQUEST__INIT;
    Paten__ClosedDayReply *reply;
    g_autofree char *key = ctl_new_key();
    g_autofree char *line = NULL;
    int status;

    if (nargs != 2) {
        ctl_say_error("usage: patenctl calendar add-day YYYY-MM-DD NAME");
        return EXIT_USAGE;
    }
    if ((status = ctl_open(ctl)) != EXIT_OK)
        return status;
    req.idempotency_key = key;
    req.date = args[0];
    req.name = args[1];
    reply = (Paten__ClosedDayReply *)ctl_call(
        ctl, ctl_rpc(PATEN__MESSAGE_TYPE__MESSAGE_TYPE_ADD_REGIONAL_DAY), &req.base, &status);
    if (reply == NULL)
        return status;
    line = g_strdup_printf("added %s  %s  %s", reply->day->date, kind_text(reply->day->kind),
                           reply->day->name);
    ctl_put_line(line);
    protobuf_c_message_free_unpacked(&reply->base, NULL);
    return EXIT_OK;
}

static int calendar_cuti_bersama(Ctl *ctl, char **args, int nargs)
{
    Paten__SetCutiBersamaOpenRequest req = PATEN__SET_CUTI_BERSAMA_OPEN_REQUEST__INIT;
    Paten__ListClosedDaysReply *reply;
    g_autofree char *key = ctl_new_key();
    int status;

    if (nargs != 1 || (strcmp(args[0], "open") != 0 && strcmp(args[0], "closed") != 0)) {
        ctl_say_error("usage: patenctl calendar cuti-bersama open|closed (whether the region's "
                      "counters stay open on cuti bersama)");
        return EXIT_USAGE;
    }
    if ((status = ctl_open(ctl)) != EXIT_OK)
        return status;
    req.idempotency_key = key;
    req.open = strcmp(args[0], "open") == 0;
    reply = (Paten__ListClosedDaysReply *)ctl_call(
        ctl, ctl_rpc(PATEN__MESSAGE_TYPE__MESSAGE_TYPE_SET_CUTI_BERSAMA_OPEN), &req.base, &status);
    if (reply == NULL)
        return status;
    print_days(reply);
    protobuf_c_message_free_unpacked(&reply->base, NULL);
    return EXIT_OK;
}

static const struct ctl_sub calendar_subs[] = {
    { "list", "calendar list [YEAR] [--json]", json_entries, calendar_list },
    { "import", "calendar import FILE [--json]", json_entries, calendar_import },
    { "add-day", "calendar add-day YYYY-MM-DD NAME", NULL, calendar_add_day },
    { "cuti-bersama", "calendar cuti-bersama open|closed", NULL, calendar_cuti_bersama },
};

int ctl_cmd_calendar(Ctl *ctl, char **args, int nargs)
{
    return ctl_run_sub(ctl, "calendar", "any user; ADMIN to change it", calendar_subs,
                       G_N_ELEMENTS(calendar_subs), args, nargs);
}

/* ---- service ------------------------------------------------------------------------------ */

static Paten__ListServicesReply *list_services(Ctl *ctl, gboolean all, int *status)
{
    Paten__ListServicesRequest req = PATEN__LIST_SERVICES_REQUEST__INIT;

    req.include_inactive = all;
    return (Paten__ListServicesReply *)ctl_call(
        ctl, ctl_rpc(PATEN__MESSAGE_TYPE__MESSAGE_TYPE_LIST_SERVICES), &req.base, status);
}

static const char *fee_text(Paten__FeeKind f)
{
    switch (f) {
    case PATEN__FEE_KIND__FEE_KIND_RETRIBUSI:
        return "retribusi";
    case PATEN__FEE_KIND__FEE_KIND_PAJAK:
        return "pajak";
    default:
        return "gratis";
    }
}

static int service_list(Ctl *ctl, char **args, int nargs)
{
    Paten__ListServicesReply *reply;
    int status;

    (void)args;
    if (nargs != 0) {
        ctl_say_error("service list takes no arguments");
        return EXIT_USAGE;
    }
    if ((status = ctl_open(ctl)) != EXIT_OK)
        return status;
    if ((reply = list_services(ctl, o_all, &status)) == NULL)
        return status;
    if (o_json) {
        status = ctl_print_reply(&reply->base, FALSE, TRUE);
    } else {
        ctl_put_line("CODE                       VER  DAYS  FEE        NAME");
        for (size_t i = 0; i < reply->n_services; i++) {
            const Paten__Service *s = reply->services[i];
            g_autofree char *line = g_strdup_printf(
                "%-26s %3d  %4u  %-9s  %s%s", s->code, s->version, s->deadline_working_days,
                fee_text(s->fee), s->name, s->active ? "" : " (deactivated)");
            ctl_put_line(line);
        }
    }
    protobuf_c_message_free_unpacked(&reply->base, NULL);
    return status;
}

static int service_show(Ctl *ctl, char **args, int nargs)
{
    Paten__GetServiceRequest req = PATEN__GET_SERVICE_REQUEST__INIT;
    Paten__ListServicesReply *list;
    Paten__ServiceReply *reply;
    int status;

    if (nargs != 1 || o_version < 0) {
        ctl_say_error("usage: patenctl service show CODE [--version N]");
        return EXIT_USAGE;
    }
    if ((status = ctl_open(ctl)) != EXIT_OK)
        return status;
    if ((list = list_services(ctl, TRUE, &status)) == NULL)
        return status;
    for (size_t i = 0; i < list->n_services; i++)
        if (strcmp(list->services[i]->code, args[0]) == 0)
            req.service_id = list->services[i]->id;
    protobuf_c_message_free_unpacked(&list->base, NULL);
    if (req.service_id == 0) {
        ctl_say_error("no service '%s' in your region (patenctl service list --all)", args[0]);
        return EXIT_USAGE;
    }
    req.version = o_version;
    reply = (Paten__ServiceReply *)ctl_call(
        ctl, ctl_rpc(PATEN__MESSAGE_TYPE__MESSAGE_TYPE_GET_SERVICE), &req.base, &status);
    if (reply == NULL)
        return status;
    status = ctl_print_reply(&reply->service->base, TRUE, TRUE);
    protobuf_c_message_free_unpacked(&reply->base, NULL);
    return status;
}

static int service_save(Ctl *ctl, char **args, int nargs)
{
    Paten__SaveServiceRequest req = PATEN__SAVE_SERVICE_REQUEST__INIT;
    Paten__ServiceReply *reply;
    g_autoptr(GError) err = NULL;
    g_autofree char *text = NULL;
    g_autofree char *key = ctl_new_key();
    g_autofree char *line = NULL;
    ProtobufCMessage *service;
    int status;

    if (nargs != 1) {
        ctl_say_error("usage: patenctl service save FILE|- (a Service as proto3 JSON, as "
                      "'service show' prints it)");
        return EXIT_USAGE;
    }
    if (strcmp(args[0], "-") == 0) {
        GString *in = g_string_new(NULL);
        char buf[4096];
        size_t n;
        while ((n = fread(buf, 1, sizeof buf, stdin)) > 0)
            g_string_append_len(in, buf, (gssize)n);
        text = g_string_free(in, FALSE);
    } else if (!g_file_get_contents(args[0], &text, NULL, &err)) {
        ctl_say_error("%s", err->message);
        return EXIT_USAGE;
    }
    service = pbjson_parse(&paten__service__descriptor, text, &err);
    if (service == NULL) {
        ctl_say_error("%s: not a Service: %s", args[0], err->message);
        return EXIT_USAGE;
    }
    if ((status = ctl_open(ctl)) != EXIT_OK) {
        protobuf_c_message_free_unpacked(service, NULL);
        return status;
    }
    req.idempotency_key = key;
    req.service = (Paten__Service *)service;
    reply = (Paten__ServiceReply *)ctl_call(
        ctl, ctl_rpc(PATEN__MESSAGE_TYPE__MESSAGE_TYPE_SAVE_SERVICE), &req.base, &status);
    protobuf_c_message_free_unpacked(service, NULL);
    if (reply == NULL)
        return status;
    line = g_strdup_printf("saved %s version %d (id %" G_GINT64_FORMAT ")", reply->service->code,
                           reply->service->version, reply->service->id);
    ctl_put_line(line);
    protobuf_c_message_free_unpacked(&reply->base, NULL);
    return EXIT_OK;
}

static const struct ctl_sub service_subs[] = {
    { "list", "service list [--all] [--json]", list_entries, service_list },
    { "show", "service show CODE [--version N]", show_entries, service_show },
    { "save", "service save FILE|-", NULL, service_save },
};

int ctl_cmd_service(Ctl *ctl, char **args, int nargs)
{
    return ctl_run_sub(ctl, "service", "any user; ADMIN to save", service_subs,
                       G_N_ELEMENTS(service_subs), args, nargs);
}
