/*
 * ctl_register.c: the register books (buku register) as a printable table:
 *
 *   patenctl --user USER register KIND [--service CODE] [--year YYYY] [--from DATE] [--to DATE]
 *            [--office CODE] [--json]
 *
 * KIND is a document kind: receipt, return-slip, survey-report, meeting-minutes,
 * rejection-letter, decree (SK registers are per service, so decree needs --service), and the
 * assessing offices' skrd, skpd, strd, stpd. The
 * table is plain text in columns, one line per number, ready for `lp`; voided numbers stay in
 * their place with the reason, since a register's worth is that no number is missing.
 */
#include "ctl.h"

#include <stdio.h>
#include <string.h>

static char *o_service, *o_from, *o_to, *o_office;
static int o_year;
static gboolean o_json;

const GOptionEntry ctl_register_entries[] = {
    { "service", 's', 0, G_OPTION_ARG_STRING, &o_service,
      "the service (its code), for the SK register (decree)", "CODE" },
    { "year", 'y', 0, G_OPTION_ARG_INT, &o_year, "the register's year (default: this year)",
      "YYYY" },
    { "from", 0, 0, G_OPTION_ARG_STRING, &o_from, "first day (YYYY-MM-DD)", "DATE" },
    { "to", 0, 0, G_OPTION_ARG_STRING, &o_to, "last day (YYYY-MM-DD)", "DATE" },
    { "office", 'o', 0, G_OPTION_ARG_STRING, &o_office,
      "the office (its code), for region-wide roles", "CODE" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &o_json, "print the reply as JSON", NULL },
    { NULL },
};

/* The document kind named on the command line ("return-slip", or the enum's own name in any
 * case, "RETURN_SLIP"), or 0. */
static int kind_from_arg(const char *arg)
{
    g_autofree char *up = g_ascii_strup(arg, -1);
    g_autofree char *name = NULL;
    const ProtobufCEnumValue *v;

    g_strdelimit(up, "-", '_');
    name = g_str_has_prefix(up, "DOCUMENT_KIND_") ? g_strdup(up)
                                                  : g_strconcat("DOCUMENT_KIND_", up, NULL);
    v = protobuf_c_enum_descriptor_get_value_by_name(&paten__document_kind__descriptor, name);
    return v ? v->value : 0;
}

/* The id of the service whose code is code (any version, active or not), or 0 after saying
 * why. */
static int64_t service_id(Ctl *ctl, const char *code, int *status)
{
    Paten__ListServicesRequest req = PATEN__LIST_SERVICES_REQUEST__INIT;
    Paten__ListServicesReply *reply;
    int64_t id = 0;

    req.include_inactive = TRUE;
    reply = (Paten__ListServicesReply *)ctl_call(
        ctl, ctl_rpc(PATEN__MESSAGE_TYPE__MESSAGE_TYPE_LIST_SERVICES), &req.base, status);
    if (reply == NULL)
        return 0;
    for (size_t i = 0; i < reply->n_services; i++)
        if (strcmp(reply->services[i]->code, code) == 0)
            id = reply->services[i]->id;
    protobuf_c_message_free_unpacked(&reply->base, NULL);
    if (id == 0) {
        ctl_say_error("no service '%s' in your region (patenctl service list --all)", code);
        *status = EXIT_USAGE;
    }
    return id;
}

static void print_table(const Paten__ListRegisterReply *r)
{
    g_autofree char *title = g_strdup_printf("%s — %s", r->title, r->office_name);

    ctl_put_line(title);
    ctl_put_line("");
    ctl_put_line("  NO  NUMBER                    DATE        FILE                      "
                 "APPLICANT                 ISSUED BY");
    for (size_t i = 0; i < r->n_entries; i++) {
        const Paten__RegisterEntry *e = r->entries[i];
        g_autofree char *line = g_strdup_printf(
            "%4u  %-24s  %-10s  %-24s  %-24s  %s%s%s", e->seq, e->number, e->issued_date,
            e->file_register_number, e->applicant_name, e->issued_by_name,
            e->voided_reason[0] ? "  VOID: " : "", e->voided_reason);
        ctl_put_line(line);
    }
    if (r->n_entries == 0)
        ctl_put_line("  (no numbers issued in this period)");
}

int ctl_cmd_register(Ctl *ctl, char **args, int nargs)
{
    Paten__ListRegisterRequest req = PATEN__LIST_REGISTER_REQUEST__INIT;
    Paten__ListRegisterReply *reply;
    int status;

    if (nargs != 1 || (req.kind = kind_from_arg(args[0])) == 0) {
        ctl_say_error("usage: patenctl register KIND [--service CODE] [--year YYYY] [--from DATE] "
                      "[--to DATE] [--office CODE] [--json] (KIND: receipt, return-slip, "
                      "survey-report, meeting-minutes, rejection-letter, decree, skrd, skpd, "
                      "strd, stpd)");
        return EXIT_USAGE;
    }
    if ((status = ctl_open(ctl)) != EXIT_OK)
        return status;
    if (o_service && (req.service_id = service_id(ctl, o_service, &status)) == 0)
        return status;
    if (o_office && (req.office_id = ctl_office_id(ctl, o_office, &status)) == 0)
        return status;
    req.year = o_year;
    req.from_date = o_from ? o_from : "";
    req.to_date = o_to ? o_to : "";
    reply = (Paten__ListRegisterReply *)ctl_call(
        ctl, ctl_rpc(PATEN__MESSAGE_TYPE__MESSAGE_TYPE_LIST_REGISTER), &req.base, &status);
    if (reply == NULL)
        return status;
    if (o_json)
        status = ctl_print_reply(&reply->base, FALSE, TRUE);
    else
        print_table(reply);
    protobuf_c_message_free_unpacked(&reply->base, NULL);
    return status;
}
