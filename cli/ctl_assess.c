/*
 * ctl_assess.c: patenctl's tariff, assessment and taxpayer commands:
 *
 *   patenctl --user USER  tariff list [--history] [--json]
 *   patenctl --user USER  tariff show CODE [--version N]     (proto3 JSON of the Tariff)
 *   patenctl --user ADMIN tariff save FILE|-                 (that JSON, edited)
 *   patenctl --user USER  regime list [--json]
 *   patenctl --user ADMIN regime save FILE|-                 (an InterestRegime as JSON)
 *   patenctl --user OFFICER assess queue [--json]
 *   patenctl --user OFFICER assess preview FILE [--set FIELD=VALUE:REASON ...] [--json]
 *   patenctl --user OFFICER assess issue FILE --version V --principal P [--set ...]
 *                           [--taxpayer ID --sptpd-number N --sptpd-date YYYY-MM-DD] [--key K]
 *   patenctl --user OFFICER assess cancel ASSESSMENT_ID --file-version V --reason TEXT
 *   patenctl --user USER  assess show ID|NUMBER [--json]
 *   patenctl --user USER  assess list [--query Q] [--year Y] [--status S] [--json]
 *   patenctl --user USER  assess due ID|NUMBER [--as-of YYYY-MM-DD] [--json]
 *   patenctl --user OFFICER assess bill ID|NUMBER [--key K] [--json]
 *   patenctl --user PETUGAS_PAJAK taxpayer register --name N --address A (--nik NIK | --nib NIB)
 *   patenctl --user USER  taxpayer find NUMBER [--json]
 *
 * OFFICER is the assessing office's officer: PETUGAS_SKRD (DPMPTSP, SKRD) or PETUGAS_PAJAK
 * (BAPENDA, SKPD). FILE is a file's id or its register number (looked up in the caller's queue).
 *
 * Money is whole rupiah: amounts print as "Rp 1.234.567", formatted from the integer, and the
 * exact decimals of a calculation's trace are printed exactly as the server sent them; nothing
 * here does arithmetic on money. Dates on the command line are checked before anything is sent;
 * times are shown in the local time zone of this machine ($TZ).
 */
#include "ctl.h"

#include "paten_calendar.h"
#include "paten_ids.h"
#include "pbjson.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static gboolean o_json, o_history;
static int o_version, o_year;
static gint64 o_file_version = -1, o_principal = -1, o_taxpayer;
static char **o_set;
static char *o_key, *o_sptpd_number, *o_sptpd_date, *o_reason, *o_query, *o_status, *o_as_of;
static char *o_name, *o_address, *o_nik, *o_nib;

#define JSON_ENTRY                                                                \
    {                                                                             \
        "json", 0, 0, G_OPTION_ARG_NONE, &o_json, "print the reply as JSON", NULL \
    }
#define KEY_ENTRY                                                                           \
    {                                                                                       \
        "key", 0, 0, G_OPTION_ARG_STRING, &o_key,                                           \
            "the idempotency key (default: a new one; repeat a key to retry safely)", "KEY" \
    }
#define SET_ENTRY                                                                         \
    {                                                                                     \
        "set", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o_set,                                   \
            "correct one input of the calculation, with the reason (kept in the trace); " \
            "repeatable",                                                                 \
            "FIELD=VALUE:REASON"                                                          \
    }

static const GOptionEntry json_entries[] = {
    JSON_ENTRY,
    { NULL },
};

static const GOptionEntry tariff_list_entries[] = {
    { "history", 0, 0, G_OPTION_ARG_NONE, &o_history, "every version, not only the latest", NULL },
    JSON_ENTRY,
    { NULL },
};

static const GOptionEntry tariff_show_entries[] = {
    { "version", 0, 0, G_OPTION_ARG_INT, &o_version, "that version (default: the latest)", "N" },
    { NULL },
};

static const GOptionEntry preview_entries[] = {
    SET_ENTRY,
    JSON_ENTRY,
    { NULL },
};

static const GOptionEntry issue_entries[] = {
    { "version", 0, 0, G_OPTION_ARG_INT64, &o_file_version, "the file's version the preview showed",
      "V" },
    { "principal", 0, 0, G_OPTION_ARG_INT64, &o_principal,
      "the amount the preview showed, in whole rupiah (a different result is a CONFLICT)", "P" },
    SET_ENTRY,
    { "taxpayer", 0, 0, G_OPTION_ARG_INT64, &o_taxpayer,
      "SKPD: the taxpayer's id (taxpayer register / find)", "ID" },
    { "sptpd-number", 0, 0, G_OPTION_ARG_STRING, &o_sptpd_number,
      "SKPD: the number of the tax return (SPTPD)", "N" },
    { "sptpd-date", 0, 0, G_OPTION_ARG_STRING, &o_sptpd_date, "SKPD: the SPTPD's date",
      "YYYY-MM-DD" },
    KEY_ENTRY,
    JSON_ENTRY,
    { NULL },
};

static const GOptionEntry cancel_entries[] = {
    { "file-version", 0, 0, G_OPTION_ARG_INT64, &o_file_version,
      "the file's version (assess show prints it)", "V" },
    { "reason", 0, 0, G_OPTION_ARG_STRING, &o_reason, "why (kept in the register)", "TEXT" },
    KEY_ENTRY,
    JSON_ENTRY,
    { NULL },
};

static const GOptionEntry list_entries[] = {
    { "query", 'q', 0, G_OPTION_ARG_STRING, &o_query,
      "part of a number, a file's register number or an applicant's name", "Q" },
    { "year", 'y', 0, G_OPTION_ARG_INT, &o_year, "issued in this year (default: any)", "YYYY" },
    { "status", 0, 0, G_OPTION_ARG_STRING, &o_status, "only issued, cancelled or paid ones",
      "STATUS" },
    JSON_ENTRY,
    { NULL },
};

static const GOptionEntry due_entries[] = {
    { "as-of", 0, 0, G_OPTION_ARG_STRING, &o_as_of, "paid on this day (default: today)",
      "YYYY-MM-DD" },
    JSON_ENTRY,
    { NULL },
};

static const GOptionEntry bill_entries[] = {
    KEY_ENTRY,
    JSON_ENTRY,
    { NULL },
};

static const GOptionEntry register_entries[] = {
    { "name", 0, 0, G_OPTION_ARG_STRING, &o_name, "the taxpayer's name", "NAME" },
    { "address", 0, 0, G_OPTION_ARG_STRING, &o_address, "the taxpayer's address", "ADDRESS" },
    { "nik", 0, 0, G_OPTION_ARG_STRING, &o_nik, "a person: the 16-digit NIK", "NIK" },
    { "nib", 0, 0, G_OPTION_ARG_STRING, &o_nib, "an organisation: the 13-digit NIB", "NIB" },
    KEY_ENTRY,
    JSON_ENTRY,
    { NULL },
};

/* ---- formatting --------------------------------------------------------------------------- */

/*
 * "Rp 1.234.567": whole rupiah with '.' grouping thousands, "-Rp 5.000" below zero. Works on the
 * integer's digits only (INT64_MIN included), so no amount is ever rounded on its way to the
 * screen. g_free the result.
 */
static char *rupiah(int64_t amount)
{
    /* The magnitude as unsigned, without negating INT64_MIN. */
    uint64_t v = amount < 0 ? (uint64_t)0 - (uint64_t)amount : (uint64_t)amount;
    char digits[24];
    GString *s = g_string_new(amount < 0 ? "-Rp " : "Rp ");
    int n = snprintf(digits, sizeof digits, "%" PRIu64, v);

    for (int i = 0; i < n; i++) {
        if (i > 0 && (n - i) % 3 == 0)
            g_string_append_c(s, '.');
        g_string_append_c(s, digits[i]);
    }
    return g_string_free(s, FALSE);
}

/* The part of an enum value's proto name after prefix ("ASSESSMENT_STATUS_"), or "?". */
static const char *enum_text(const ProtobufCEnumDescriptor *desc, int value, const char *prefix)
{
    const ProtobufCEnumValue *v = protobuf_c_enum_descriptor_get_value(desc, value);

    if (v == NULL)
        return "?";
    return g_str_has_prefix(v->name, prefix) ? v->name + strlen(prefix) : v->name;
}

static const char *status_text(Paten__AssessmentStatus s)
{
    return enum_text(&paten__assessment_status__descriptor, s, "ASSESSMENT_STATUS_");
}

static const char *kind_text(Paten__AssessmentKind k)
{
    return enum_text(&paten__assessment_kind__descriptor, k, "ASSESSMENT_KIND_");
}

static const char *formula_text(Paten__TariffFormula f)
{
    return enum_text(&paten__tariff_formula__descriptor, f, "TARIFF_FORMULA_");
}

/* "half up to Rp 1", "down to Rp 100": how a tariff or a regime rounds. */
static char *rounding_text(Paten__RoundingMode mode, int64_t unit)
{
    g_autofree char *to = rupiah(unit > 1 ? unit : 1);
    const char *how;

    switch (mode) {
    case PATEN__ROUNDING_MODE__ROUNDING_MODE_DOWN:
        how = "down";
        break;
    case PATEN__ROUNDING_MODE__ROUNDING_MODE_UP:
        how = "up";
        break;
    default:
        how = "half up";
        break;
    }
    return g_strdup_printf("%s to %s", how, to);
}

/* Basis points as an exact percentage: 200 -> "2%", 150 -> "1.5%", 125 -> "1.25%". */
static char *percent_text(int32_t bp)
{
    int64_t v = bp < 0 ? -(int64_t)bp : bp;
    const char *sign = bp < 0 ? "-" : "";

    if (v % 100 == 0)
        return g_strdup_printf("%s%" PRId64 "%%", sign, v / 100);
    if (v % 10 == 0)
        return g_strdup_printf("%s%" PRId64 ".%" PRId64 "%%", sign, v / 100, v % 100 / 10);
    return g_strdup_printf("%s%" PRId64 ".%02" PRId64 "%%", sign, v / 100, v % 100);
}

/* An instant as local "YYYY-MM-DD HH:MM" of this machine's time zone; "" for 0. */
static char *local_time(int64_t ms)
{
    g_autoptr(GDateTime) t = NULL;

    if (ms == 0)
        return g_strdup("");
    t = g_date_time_new_from_unix_local(ms / 1000);
    return t ? g_date_time_format(t, "%Y-%m-%d %H:%M") : g_strdup("?");
}

/* Appends text padded with spaces to width characters (UTF-8 characters, not bytes, so that
 * Indonesian names with accents or a dash keep the columns), then two spaces; longer text is
 * kept whole. */
static void cell(GString *line, const char *text, int width)
{
    long len = g_utf8_strlen(text, -1);

    g_string_append(line, text);
    for (long i = len; i < width; i++)
        g_string_append_c(line, ' ');
    g_string_append(line, "  ");
}

/* As cell, right-aligned (amounts). */
static void cell_right(GString *line, const char *text, int width)
{
    for (long i = g_utf8_strlen(text, -1); i < width; i++)
        g_string_append_c(line, ' ');
    g_string_append(line, text);
    g_string_append(line, "  ");
}

/* Writes the line without its trailing spaces; frees it. FALSE when stdout cannot be written. */
static gboolean put_row(GString *line)
{
    gboolean ok = ctl_put_line(g_strchomp(line->str));

    g_string_free(line, TRUE);
    return ok;
}

/* "  Label:       value", the detail views' line. */
static gboolean put_field(const char *label, const char *value)
{
    g_autofree char *line = g_strdup_printf("  %-14s %s", label, value);

    return ctl_put_line(g_strchomp(line));
}

/* ---- arguments ---------------------------------------------------------------------------- */

/* A positive decimal id ("42") into *id; FALSE for anything else (a document's or a file's
 * number). */
static gboolean parse_id(const char *s, int64_t *id)
{
    guint64 v;

    if (s == NULL || *s == '\0' || !g_ascii_isdigit(*s))
        return FALSE;
    if (!g_ascii_string_to_unsigned(s, 10, 1, G_MAXINT64, &v, NULL))
        return FALSE;
    *id = (int64_t)v;
    return TRUE;
}

/* TRUE for NULL or a real "YYYY-MM-DD" date; else says which option is wrong. */
static gboolean check_date(const char *option, const char *value)
{
    paten_day d;

    if (value == NULL || paten_day_parse(value, &d) == 0)
        return TRUE;
    ctl_say_error("%s: '%s' is not a date (YYYY-MM-DD)", option, value);
    return FALSE;
}

/* The corrections of --set FIELD=VALUE:REASON, parsed in place (o_set's strings are cut at the
 * '=' and the first ':' after it, and the corrections point into them). */
typedef struct {
    Paten__AssessmentCorrection *items;
    Paten__AssessmentCorrection **ptrs;
    size_t n;
} Corrections;

static void corrections_clear(Corrections *c)
{
    g_free(c->items);
    g_free(c->ptrs);
    c->items = NULL;
    c->ptrs = NULL;
    c->n = 0;
}

/*
 * Fills c from o_set. Each --set must name a field, a value and a reason: a correction without
 * its reason would be a silent change of the bill. Returns FALSE after saying which one is
 * malformed (c is then empty).
 */
static gboolean parse_corrections(Corrections *c)
{
    size_t n = o_set ? g_strv_length(o_set) : 0;

    c->n = 0;
    c->items = g_new0(Paten__AssessmentCorrection, n ? n : 1);
    c->ptrs = g_new0(Paten__AssessmentCorrection *, n ? n : 1);
    for (size_t i = 0; i < n; i++) {
        char *s = o_set[i];
        char *eq = strchr(s, '=');
        char *colon = eq ? strchr(eq + 1, ':') : NULL;
        Paten__AssessmentCorrection *k = &c->items[i];

        if (eq == NULL || colon == NULL || eq == s || colon == eq + 1 || colon[1] == '\0') {
            ctl_say_error("--set '%s': expected FIELD=VALUE:REASON (e.g. --set "
                          "luas_bangunan=70.5:\"hasil ukur ulang\")",
                          s);
            corrections_clear(c);
            return FALSE;
        }
        *eq = '\0';
        *colon = '\0';
        paten__assessment_correction__init(k);
        k->field = s;
        k->value = eq + 1;
        k->reason = colon + 1;
        c->ptrs[i] = k;
    }
    c->n = n;
    return TRUE;
}

/* Reads FILE, or standard input for "-", for the save commands; NULL after saying why. */
static char *read_input(const char *path)
{
    g_autoptr(GError) err = NULL;
    char *text = NULL;

    if (strcmp(path, "-") == 0) {
        GString *in = g_string_new(NULL);
        char buf[4096];
        size_t n;
        while ((n = fread(buf, 1, sizeof buf, stdin)) > 0)
            g_string_append_len(in, buf, (gssize)n);
        if (ferror(stdin)) {
            ctl_say_error("cannot read standard input");
            g_string_free(in, TRUE);
            return NULL;
        }
        return g_string_free(in, FALSE);
    }
    if (!g_file_get_contents(path, &text, NULL, &err)) {
        ctl_say_error("%s", err->message);
        return NULL;
    }
    return text;
}

/* Prints msg as JSON with --json; returns the exit status. */
static int print_json(const ProtobufCMessage *msg)
{
    return ctl_print_reply(msg, FALSE, TRUE);
}

/* ---- tariff ------------------------------------------------------------------------------- */

static Paten__ListTariffsReply *list_tariffs(Ctl *ctl, gboolean history, int *status)
{
    Paten__ListTariffsRequest req = PATEN__LIST_TARIFFS_REQUEST__INIT;

    req.include_history = history;
    return (Paten__ListTariffsReply *)ctl_call(
        ctl, ctl_rpc(PATEN__MESSAGE_TYPE__MESSAGE_TYPE_LIST_TARIFFS), &req.base, status);
}

static int tariff_list(Ctl *ctl, char **args, int nargs)
{
    Paten__ListTariffsReply *reply;
    int status;

    (void)args;
    if (nargs != 0) {
        ctl_say_error("tariff list takes no arguments");
        return EXIT_USAGE;
    }
    if ((status = ctl_open(ctl)) != EXIT_OK)
        return status;
    if ((reply = list_tariffs(ctl, o_history, &status)) == NULL)
        return status;
    if (o_json) {
        status = print_json(&reply->base);
    } else {
        GString *head = g_string_new(NULL);
        cell(head, "CODE", 16);
        cell(head, "VER", 3);
        cell(head, "SERVICE", 14);
        cell(head, "FORMULA", 14);
        cell(head, "FROM", 10);
        cell(head, "ROUNDING", 16);
        g_string_append(head, "NAME");
        put_row(head);
        for (size_t i = 0; i < reply->n_tariffs; i++) {
            const Paten__Tariff *t = reply->tariffs[i];
            g_autofree char *ver = g_strdup_printf("%3d", t->version);
            g_autofree char *round = rounding_text(t->rounding_mode, t->rounding_unit);
            GString *line = g_string_new(NULL);
            cell(line, t->code, 16);
            cell(line, ver, 3);
            cell(line, t->service_code, 14);
            cell(line, formula_text(t->formula), 14);
            cell(line, t->effective_from, 10);
            cell(line, round, 16);
            g_string_append(line, t->name);
            put_row(line);
        }
        if (reply->n_tariffs == 0)
            ctl_put_line("(no tariffs in your region)");
    }
    protobuf_c_message_free_unpacked(&reply->base, NULL);
    return status;
}

/* Every field of one version of a tariff, ready to be edited and saved as the next version. */
static int tariff_show(Ctl *ctl, char **args, int nargs)
{
    Paten__ListTariffsReply *reply;
    const Paten__Tariff *found = NULL;
    int status;

    if (nargs != 1 || o_version < 0) {
        ctl_say_error("usage: patenctl tariff show CODE [--version N]");
        return EXIT_USAGE;
    }
    if ((status = ctl_open(ctl)) != EXIT_OK)
        return status;
    if ((reply = list_tariffs(ctl, TRUE, &status)) == NULL)
        return status;
    /* By code then version: the last match is the latest. */
    for (size_t i = 0; i < reply->n_tariffs; i++) {
        const Paten__Tariff *t = reply->tariffs[i];
        if (strcmp(t->code, args[0]) == 0 && (o_version == 0 || t->version == o_version))
            if (found == NULL || t->version > found->version)
                found = t;
    }
    if (found == NULL) {
        ctl_say_error("no tariff '%s'%s in your region (patenctl tariff list --history)", args[0],
                      o_version ? " of that version" : "");
        status = EXIT_USAGE;
    } else {
        status = ctl_print_reply(&found->base, TRUE, TRUE);
    }
    protobuf_c_message_free_unpacked(&reply->base, NULL);
    return status;
}

static int tariff_save(Ctl *ctl, char **args, int nargs)
{
    Paten__SaveTariffRequest req = PATEN__SAVE_TARIFF_REQUEST__INIT;
    Paten__TariffReply *reply;
    g_autoptr(GError) err = NULL;
    g_autofree char *text = NULL;
    g_autofree char *key = ctl_new_key();
    g_autofree char *line = NULL;
    ProtobufCMessage *tariff;
    int status;

    if (nargs != 1) {
        ctl_say_error("usage: patenctl tariff save FILE|- (a Tariff as proto3 JSON, as "
                      "'tariff show' prints it)");
        return EXIT_USAGE;
    }
    if ((text = read_input(args[0])) == NULL)
        return EXIT_USAGE;
    tariff = pbjson_parse(&paten__tariff__descriptor, text, &err);
    if (tariff == NULL) {
        ctl_say_error("%s: not a Tariff: %s", args[0], err->message);
        return EXIT_USAGE;
    }
    if ((status = ctl_open(ctl)) != EXIT_OK) {
        protobuf_c_message_free_unpacked(tariff, NULL);
        return status;
    }
    req.idempotency_key = key;
    req.tariff = (Paten__Tariff *)tariff;
    reply = (Paten__TariffReply *)ctl_call(
        ctl, ctl_rpc(PATEN__MESSAGE_TYPE__MESSAGE_TYPE_SAVE_TARIFF), &req.base, &status);
    protobuf_c_message_free_unpacked(tariff, NULL);
    if (reply == NULL)
        return status;
    line = g_strdup_printf("saved tariff %s version %d (id %" PRId64 "), effective from %s",
                           reply->tariff->code, reply->tariff->version, reply->tariff->id,
                           reply->tariff->effective_from);
    status = ctl_put_line(line) ? EXIT_OK : EXIT_ERROR_REPLY;
    protobuf_c_message_free_unpacked(&reply->base, NULL);
    return status;
}

static const struct ctl_sub tariff_subs[] = {
    { "list", "tariff list [--history] [--json]", tariff_list_entries, tariff_list },
    { "show", "tariff show CODE [--version N]", tariff_show_entries, tariff_show },
    { "save", "tariff save FILE|-", NULL, tariff_save },
};

int ctl_cmd_tariff(Ctl *ctl, char **args, int nargs)
{
    return ctl_run_sub(ctl, "tariff", "any user; ADMIN to save", tariff_subs,
                       G_N_ELEMENTS(tariff_subs), args, nargs);
}

/* ---- regime ------------------------------------------------------------------------------- */

static int regime_list(Ctl *ctl, char **args, int nargs)
{
    Paten__ListInterestRegimesRequest req = PATEN__LIST_INTEREST_REGIMES_REQUEST__INIT;
    Paten__ListInterestRegimesReply *reply;
    int status;

    (void)args;
    if (nargs != 0) {
        ctl_say_error("regime list takes no arguments");
        return EXIT_USAGE;
    }
    if ((status = ctl_open(ctl)) != EXIT_OK)
        return status;
    reply = (Paten__ListInterestRegimesReply *)ctl_call(
        ctl, ctl_rpc(PATEN__MESSAGE_TYPE__MESSAGE_TYPE_LIST_INTEREST_REGIMES), &req.base, &status);
    if (reply == NULL)
        return status;
    if (o_json) {
        status = print_json(&reply->base);
    } else {
        GString *head = g_string_new(NULL);
        cell(head, "VER", 3);
        cell(head, "FROM", 10);
        cell(head, "RATE/MONTH", 10);
        cell(head, "MAX", 9);
        cell(head, "PART MONTH", 10);
        cell(head, "DUE", 7);
        cell(head, "ROUNDING", 16);
        g_string_append(head, "NAME");
        put_row(head);
        for (size_t i = 0; i < reply->n_regimes; i++) {
            const Paten__InterestRegime *r = reply->regimes[i];
            g_autofree char *ver = g_strdup_printf("%3d", r->version);
            g_autofree char *rate = percent_text(r->monthly_bp);
            g_autofree char *max =
                r->max_months ? g_strdup_printf("%d months", r->max_months) : g_strdup("no cap");
            g_autofree char *due = g_strdup_printf("%d days", r->due_days);
            g_autofree char *round = rounding_text(r->rounding_mode, r->rounding_unit);
            GString *line = g_string_new(NULL);
            cell(line, ver, 3);
            cell(line, r->effective_from, 10);
            cell(line, rate, 10);
            cell(line, max, 9);
            cell(line, r->started_month_counts ? "counts" : "ignored", 10);
            cell(line, due, 7);
            cell(line, round, 16);
            g_string_append(line, r->name);
            put_row(line);
        }
        if (reply->n_regimes == 0)
            ctl_put_line("(no interest regimes in your region)");
    }
    protobuf_c_message_free_unpacked(&reply->base, NULL);
    return status;
}

static int regime_save(Ctl *ctl, char **args, int nargs)
{
    Paten__SaveInterestRegimeRequest req = PATEN__SAVE_INTEREST_REGIME_REQUEST__INIT;
    Paten__InterestRegimeReply *reply;
    g_autoptr(GError) err = NULL;
    g_autofree char *text = NULL;
    g_autofree char *key = ctl_new_key();
    g_autofree char *line = NULL;
    ProtobufCMessage *regime;
    int status;

    if (nargs != 1) {
        ctl_say_error("usage: patenctl regime save FILE|- (an InterestRegime as proto3 JSON; "
                      "version: the latest you saw, 0 for the first)");
        return EXIT_USAGE;
    }
    if ((text = read_input(args[0])) == NULL)
        return EXIT_USAGE;
    regime = pbjson_parse(&paten__interest_regime__descriptor, text, &err);
    if (regime == NULL) {
        ctl_say_error("%s: not an InterestRegime: %s", args[0], err->message);
        return EXIT_USAGE;
    }
    if ((status = ctl_open(ctl)) != EXIT_OK) {
        protobuf_c_message_free_unpacked(regime, NULL);
        return status;
    }
    req.idempotency_key = key;
    req.regime = (Paten__InterestRegime *)regime;
    reply = (Paten__InterestRegimeReply *)ctl_call(
        ctl, ctl_rpc(PATEN__MESSAGE_TYPE__MESSAGE_TYPE_SAVE_INTEREST_REGIME), &req.base, &status);
    protobuf_c_message_free_unpacked(regime, NULL);
    if (reply == NULL)
        return status;
    line =
        g_strdup_printf("saved interest regime version %d (id %" PRId64 "), effective from %s: %s",
                        reply->regime->version, reply->regime->id, reply->regime->effective_from,
                        reply->regime->name);
    status = ctl_put_line(line) ? EXIT_OK : EXIT_ERROR_REPLY;
    protobuf_c_message_free_unpacked(&reply->base, NULL);
    return status;
}

static const struct ctl_sub regime_subs[] = {
    { "list", "regime list [--json]", json_entries, regime_list },
    { "save", "regime save FILE|-", NULL, regime_save },
};

int ctl_cmd_regime(Ctl *ctl, char **args, int nargs)
{
    return ctl_run_sub(ctl, "regime", "any user; ADMIN to save", regime_subs,
                       G_N_ELEMENTS(regime_subs), args, nargs);
}

/* ---- assess: the queue, the preview and issuing ------------------------------------------ */

static Paten__AssessmentQueueReply *get_queue(Ctl *ctl, int *status)
{
    Paten__AssessmentQueueRequest req = PATEN__ASSESSMENT_QUEUE_REQUEST__INIT;

    return (Paten__AssessmentQueueReply *)ctl_call(
        ctl, ctl_rpc(PATEN__MESSAGE_TYPE__MESSAGE_TYPE_ASSESSMENT_QUEUE), &req.base, status);
}

/*
 * The id of the file named on the command line: its id as given, or its register number looked
 * up in the caller's queue (the only files an officer assesses). 0 after saying why, *status set.
 */
static int64_t file_arg(Ctl *ctl, const char *arg, int *status)
{
    Paten__AssessmentQueueReply *queue;
    int64_t id = 0;

    if (parse_id(arg, &id))
        return id;
    if ((queue = get_queue(ctl, status)) == NULL)
        return 0;
    for (size_t i = 0; i < queue->n_entries; i++)
        if (queue->entries[i]->file != NULL &&
            strcmp(queue->entries[i]->file->register_number, arg) == 0)
            id = queue->entries[i]->file->id;
    protobuf_c_message_free_unpacked(&queue->base, NULL);
    if (id == 0) {
        ctl_say_error("no file '%s' in your assessment queue (patenctl assess queue)", arg);
        *status = EXIT_USAGE;
    }
    return id;
}

static int assess_queue(Ctl *ctl, char **args, int nargs)
{
    Paten__AssessmentQueueReply *reply;
    GString *head;
    int status;

    (void)args;
    if (nargs != 0) {
        ctl_say_error("assess queue takes no arguments");
        return EXIT_USAGE;
    }
    if ((status = ctl_open(ctl)) != EXIT_OK)
        return status;
    if ((reply = get_queue(ctl, &status)) == NULL)
        return status;
    if (o_json) {
        status = print_json(&reply->base);
        protobuf_c_message_free_unpacked(&reply->base, NULL);
        return status;
    }
    head = g_string_new(NULL);
    cell(head, "ID", 6);
    cell(head, "FILE", 24);
    cell(head, "KECAMATAN", 20);
    cell(head, "SERVICE", 44);
    cell(head, "APPLICANT", 22);
    cell(head, "REQUESTED", 16);
    g_string_append(head, "DEADLINE");
    put_row(head);
    /* In the server's order: oldest request first. */
    for (size_t i = 0; i < reply->n_entries; i++) {
        const Paten__AssessmentQueueEntry *e = reply->entries[i];
        const Paten__FileSummary *f = e->file;
        g_autofree char *id = NULL;
        g_autofree char *requested = local_time(e->requested_at_ms);
        g_autofree char *deadline = NULL;
        GString *line;

        if (f == NULL)
            continue;
        id = g_strdup_printf("%6" PRId64, f->id);
        deadline = local_time(f->deadline_ms);
        line = g_string_new(NULL);
        cell(line, id, 6);
        cell(line, f->register_number, 24);
        cell(line, e->kecamatan_name, 20);
        cell(line, f->service_name, 44);
        cell(line, f->applicant_name, 22);
        cell(line, requested, 16);
        g_string_append(line, deadline);
        if (f->overdue)
            g_string_append(line, " (overdue)");
        if (e->was_cancelled)
            g_string_append(line, "  [replaces a cancelled assessment]");
        put_row(line);
    }
    if (reply->n_entries == 0)
        ctl_put_line("(no files waiting for your office's assessment)");
    protobuf_c_message_free_unpacked(&reply->base, NULL);
    return EXIT_OK;
}

/* The calculation's trace: inputs, steps, the exact amount and how it was rounded. */
static void print_trace(const Paten__Assessment *a)
{
    GString *head = g_string_new("    ");

    ctl_put_line("  Inputs:");
    cell(head, "LABEL", 58);
    cell(head, "VALUE", 12);
    cell(head, "SOURCE", 9);
    g_string_append(head, "NOTE");
    put_row(head);
    for (size_t i = 0; i < a->n_inputs; i++) {
        const Paten__AssessmentInput *in = a->inputs[i];
        GString *line = g_string_new("    ");
        cell(line, in->label, 58);
        cell(line, in->value, 12);
        cell(line, in->source, 9);
        g_string_append(line, in->note);
        if (in->original[0] != '\0')
            g_string_append_printf(line, "%s(was %s)", in->note[0] ? " " : "", in->original);
        put_row(line);
    }
    ctl_put_line("  Steps:");
    for (size_t i = 0; i < a->n_steps; i++) {
        GString *line = g_string_new("    ");
        cell(line, a->steps[i]->what, 58);
        g_string_append(line, a->steps[i]->value);
        put_row(line);
    }
    put_field("Exact amount:", a->exact_amount);
    put_field("Rounding:", a->rounding);
}

/*
 * An assessment as a document shows it: who and what it is for, its trace (when the reply has
 * one: previews, show), the principal in rupiah, the due date, the tariff and the legal basis,
 * then what only an issued one has (number, issuer, taxpayer, cancellation, QR text).
 */
static void print_assessment(const Paten__Assessment *a, gboolean preview)
{
    g_autofree char *principal = rupiah(a->principal);
    g_autofree char *title = NULL;
    g_autofree char *file = g_strdup_printf("%s (id %" PRId64 ", version %" PRId64 ")",
                                            a->file_register_number, a->file_id, a->file_version);
    g_autofree char *tariff =
        g_strdup_printf("%s version %d: %s (formula %s)", a->tariff_code, a->tariff_version,
                        a->tariff_name, formula_text(a->formula));

    if (preview)
        title = g_strdup_printf("%s preview (nothing issued)", kind_text(a->kind));
    else
        title = g_strdup_printf("%s %s (id %" PRId64 "): %s", kind_text(a->kind), a->number, a->id,
                                status_text(a->status));
    ctl_put_line(title);
    put_field("File:", file);
    put_field("Service:", a->service_name);
    put_field("Kecamatan:", a->kecamatan_name);
    put_field("Applicant:", a->applicant_name);
    if (a->office_name[0] != '\0')
        put_field("Assessed by:", a->office_name);
    if (a->taxpayer != NULL && a->taxpayer->npwpd[0] != '\0') {
        g_autofree char *tp =
            g_strdup_printf("%s %s, %s (id %" PRId64 ")", a->taxpayer->npwpd, a->taxpayer->name,
                            a->taxpayer->address, a->taxpayer->id);
        put_field("Taxpayer:", tp);
    }
    if (a->sptpd_number[0] != '\0') {
        g_autofree char *sptpd = g_strdup_printf("%s of %s", a->sptpd_number, a->sptpd_date);
        put_field("SPTPD:", sptpd);
    }
    if (a->n_inputs > 0 || a->n_steps > 0)
        print_trace(a);
    put_field("Principal:", principal);
    if (!preview) {
        g_autofree char *issued = g_strdup_printf("%s by %s", a->issued_date, a->issued_by_name);
        put_field("Issued:", issued);
    }
    put_field("Due date:", a->due_date);
    put_field("Tariff:", tariff);
    put_field("Legal basis:", a->legal_basis);
    if (a->interest_regime[0] != '\0')
        put_field("Late interest:", a->interest_regime);
    if (a->replaces_number[0] != '\0')
        put_field("Replaces:", a->replaces_number);
    if (a->status == PATEN__ASSESSMENT_STATUS__ASSESSMENT_STATUS_CANCELLED) {
        g_autofree char *when = local_time(a->cancelled_at_ms);
        g_autofree char *why =
            g_strdup_printf("%s by %s: %s", when, a->cancelled_by_name, a->cancelled_reason);
        put_field("Cancelled:", why);
    }
    if (a->verification[0] != '\0')
        put_field("Verification:", a->verification);
}

static int assess_preview(Ctl *ctl, char **args, int nargs)
{
    Paten__PreviewAssessmentRequest req = PATEN__PREVIEW_ASSESSMENT_REQUEST__INIT;
    Paten__PreviewAssessmentReply *reply;
    Corrections fixes = { 0 };
    int status;

    if (nargs != 1) {
        ctl_say_error("usage: patenctl assess preview FILE [--set FIELD=VALUE:REASON ...] "
                      "(FILE: its id or register number)");
        return EXIT_USAGE;
    }
    if (!parse_corrections(&fixes))
        return EXIT_USAGE;
    if ((status = ctl_open(ctl)) != EXIT_OK ||
        (req.file_id = file_arg(ctl, args[0], &status)) == 0) {
        corrections_clear(&fixes);
        return status;
    }
    req.corrections = fixes.ptrs;
    req.n_corrections = fixes.n;
    reply = (Paten__PreviewAssessmentReply *)ctl_call(
        ctl, ctl_rpc(PATEN__MESSAGE_TYPE__MESSAGE_TYPE_PREVIEW_ASSESSMENT), &req.base, &status);
    corrections_clear(&fixes);
    if (reply == NULL)
        return status;
    if (o_json) {
        status = print_json(&reply->base);
    } else if (reply->assessment == NULL) {
        ctl_say_error("the server's preview has no assessment in it");
        status = EXIT_ERROR_REPLY;
    } else {
        const Paten__Assessment *a = reply->assessment;
        g_autofree char *next = NULL;

        print_assessment(a, TRUE);
        if (reply->survey != NULL && reply->survey->number[0] != '\0') {
            g_autofree char *survey =
                g_strdup_printf("%s of %s by %s: %s", reply->survey->number, reply->survey->date,
                                reply->survey->filed_by_name, reply->survey->findings);
            put_field("Survey:", survey);
        }
        next = g_strdup_printf("To issue it: patenctl assess issue %" PRId64 " --version %" PRId64
                               " --principal %" PRId64 "%s",
                               a->file_id, a->file_version, a->principal,
                               o_set ? " (with the same --set options)" : "");
        ctl_put_line("");
        ctl_put_line(next);
    }
    protobuf_c_message_free_unpacked(&reply->base, NULL);
    return status;
}

static int assess_issue(Ctl *ctl, char **args, int nargs)
{
    Paten__IssueAssessmentRequest req = PATEN__ISSUE_ASSESSMENT_REQUEST__INIT;
    Paten__AssessmentReply *reply;
    g_autofree char *key = o_key ? g_strdup(o_key) : ctl_new_key();
    Corrections fixes = { 0 };
    int status;

    if (nargs != 1 || o_file_version < 1 || o_principal < 0) {
        ctl_say_error("usage: patenctl assess issue FILE --version V --principal P "
                      "[--set FIELD=VALUE:REASON ...] [--taxpayer ID --sptpd-number N "
                      "--sptpd-date YYYY-MM-DD] [--key K] (V and P: as the preview showed them)");
        return EXIT_USAGE;
    }
    if (o_taxpayer < 0) {
        ctl_say_error("--taxpayer: a taxpayer's id (patenctl taxpayer find NUMBER)");
        return EXIT_USAGE;
    }
    if (!check_date("--sptpd-date", o_sptpd_date) || !parse_corrections(&fixes))
        return EXIT_USAGE;
    if ((status = ctl_open(ctl)) != EXIT_OK ||
        (req.file_id = file_arg(ctl, args[0], &status)) == 0) {
        corrections_clear(&fixes);
        return status;
    }
    req.idempotency_key = key;
    req.version = o_file_version;
    req.principal = o_principal;
    req.corrections = fixes.ptrs;
    req.n_corrections = fixes.n;
    req.taxpayer_id = o_taxpayer;
    req.sptpd_number = o_sptpd_number ? o_sptpd_number : "";
    req.sptpd_date = o_sptpd_date ? o_sptpd_date : "";
    reply = (Paten__AssessmentReply *)ctl_call(
        ctl, ctl_rpc(PATEN__MESSAGE_TYPE__MESSAGE_TYPE_ISSUE_ASSESSMENT), &req.base, &status);
    corrections_clear(&fixes);
    if (reply == NULL)
        return status;
    if (o_json) {
        status = print_json(&reply->base);
    } else if (reply->assessment == NULL) {
        ctl_say_error("the server's reply has no assessment in it");
        status = EXIT_ERROR_REPLY;
    } else {
        const Paten__Assessment *a = reply->assessment;
        g_autofree char *amount = rupiah(a->principal);
        g_autofree char *line =
            g_strdup_printf("issued %s %s (id %" PRId64 ") for %s: %s, due %s", kind_text(a->kind),
                            a->number, a->id, a->file_register_number, amount, a->due_date);
        status = ctl_put_line(line) ? EXIT_OK : EXIT_ERROR_REPLY;
    }
    protobuf_c_message_free_unpacked(&reply->base, NULL);
    return status;
}

static int assess_cancel(Ctl *ctl, char **args, int nargs)
{
    Paten__CancelAssessmentRequest req = PATEN__CANCEL_ASSESSMENT_REQUEST__INIT;
    Paten__AssessmentReply *reply;
    g_autofree char *key = o_key ? g_strdup(o_key) : ctl_new_key();
    int status;

    if (nargs != 1 || !parse_id(args[0], &req.assessment_id) || o_file_version < 1 ||
        o_reason == NULL || *o_reason == '\0') {
        ctl_say_error("usage: patenctl assess cancel ASSESSMENT_ID --file-version V --reason TEXT "
                      "(assess show prints both numbers)");
        return EXIT_USAGE;
    }
    if ((status = ctl_open(ctl)) != EXIT_OK)
        return status;
    req.idempotency_key = key;
    req.file_version = o_file_version;
    req.reason = o_reason;
    reply = (Paten__AssessmentReply *)ctl_call(
        ctl, ctl_rpc(PATEN__MESSAGE_TYPE__MESSAGE_TYPE_CANCEL_ASSESSMENT), &req.base, &status);
    if (reply == NULL)
        return status;
    if (o_json) {
        status = print_json(&reply->base);
    } else if (reply->assessment == NULL) {
        ctl_say_error("the server's reply has no assessment in it");
        status = EXIT_ERROR_REPLY;
    } else {
        const Paten__Assessment *a = reply->assessment;
        g_autofree char *line = g_strdup_printf(
            "cancelled %s %s (id %" PRId64 "): %s; file %s is back in the queue",
            kind_text(a->kind), a->number, a->id, a->cancelled_reason, a->file_register_number);
        status = ctl_put_line(line) ? EXIT_OK : EXIT_ERROR_REPLY;
    }
    protobuf_c_message_free_unpacked(&reply->base, NULL);
    return status;
}

/* ---- assess: reading the register --------------------------------------------------------- */

/* One assessment named by its id ("42") or its number. NULL after saying why. */
static Paten__AssessmentReply *get_assessment(Ctl *ctl, const char *arg, int *status)
{
    Paten__GetAssessmentRequest req = PATEN__GET_ASSESSMENT_REQUEST__INIT;

    if (!parse_id(arg, &req.assessment_id))
        req.number = (char *)arg;
    return (Paten__AssessmentReply *)ctl_call(
        ctl, ctl_rpc(PATEN__MESSAGE_TYPE__MESSAGE_TYPE_GET_ASSESSMENT), &req.base, status);
}

static int assess_show(Ctl *ctl, char **args, int nargs)
{
    Paten__AssessmentReply *reply;
    int status;

    if (nargs != 1) {
        ctl_say_error("usage: patenctl assess show ID|NUMBER");
        return EXIT_USAGE;
    }
    if ((status = ctl_open(ctl)) != EXIT_OK)
        return status;
    if ((reply = get_assessment(ctl, args[0], &status)) == NULL)
        return status;
    if (o_json) {
        status = print_json(&reply->base);
    } else if (reply->assessment == NULL) {
        ctl_say_error("the server's reply has no assessment in it");
        status = EXIT_ERROR_REPLY;
    } else {
        print_assessment(reply->assessment, FALSE);
    }
    protobuf_c_message_free_unpacked(&reply->base, NULL);
    return status;
}

/* --status's word as the enum; 0 for an unknown word. */
static Paten__AssessmentStatus status_from_arg(const char *arg)
{
    g_autofree char *up = g_ascii_strup(arg, -1);
    g_autofree char *name = g_strconcat("ASSESSMENT_STATUS_", up, NULL);
    const ProtobufCEnumValue *v =
        protobuf_c_enum_descriptor_get_value_by_name(&paten__assessment_status__descriptor, name);

    return v ? (Paten__AssessmentStatus)v->value
             : PATEN__ASSESSMENT_STATUS__ASSESSMENT_STATUS_UNSPECIFIED;
}

static int assess_list(Ctl *ctl, char **args, int nargs)
{
    Paten__SearchAssessmentsRequest req = PATEN__SEARCH_ASSESSMENTS_REQUEST__INIT;
    Paten__SearchAssessmentsReply *reply;
    GString *head;
    int status;

    (void)args;
    if (nargs != 0 || o_year < 0) {
        ctl_say_error("usage: patenctl assess list [--query Q] [--year YYYY] "
                      "[--status issued|cancelled|paid]");
        return EXIT_USAGE;
    }
    if (o_status && (req.status = status_from_arg(o_status)) == 0) {
        ctl_say_error("--status: '%s' is not issued, cancelled or paid", o_status);
        return EXIT_USAGE;
    }
    if ((status = ctl_open(ctl)) != EXIT_OK)
        return status;
    req.query = o_query ? o_query : "";
    req.year = o_year;
    req.limit = 200;
    reply = (Paten__SearchAssessmentsReply *)ctl_call(
        ctl, ctl_rpc(PATEN__MESSAGE_TYPE__MESSAGE_TYPE_SEARCH_ASSESSMENTS), &req.base, &status);
    if (reply == NULL)
        return status;
    if (o_json) {
        status = print_json(&reply->base);
        protobuf_c_message_free_unpacked(&reply->base, NULL);
        return status;
    }
    head = g_string_new(NULL);
    cell(head, "ID", 5);
    cell(head, "NUMBER", 38);
    cell(head, "STATUS", 9);
    cell(head, "ISSUED", 10);
    cell(head, "FILE", 24);
    cell(head, "APPLICANT", 22);
    cell_right(head, "PRINCIPAL", 15);
    g_string_append(head, "DUE");
    put_row(head);
    /* Newest first, as the server sends them. */
    for (size_t i = 0; i < reply->n_assessments; i++) {
        const Paten__Assessment *a = reply->assessments[i];
        g_autofree char *id = g_strdup_printf("%5" PRId64, a->id);
        g_autofree char *amount = rupiah(a->principal);
        GString *line = g_string_new(NULL);
        cell(line, id, 5);
        cell(line, a->number, 38);
        cell(line, status_text(a->status), 9);
        cell(line, a->issued_date, 10);
        cell(line, a->file_register_number, 24);
        cell(line, a->applicant_name, 22);
        cell_right(line, amount, 15);
        g_string_append(line, a->due_date);
        put_row(line);
    }
    if (reply->total > reply->n_assessments) {
        g_autofree char *more = g_strdup_printf("(%zu of %u shown: narrow the search)",
                                                reply->n_assessments, reply->total);
        ctl_put_line(more);
    } else if (reply->n_assessments == 0) {
        ctl_put_line("(no assessments found)");
    }
    protobuf_c_message_free_unpacked(&reply->base, NULL);
    return EXIT_OK;
}

static int assess_due(Ctl *ctl, char **args, int nargs)
{
    Paten__AmountDueRequest req = PATEN__AMOUNT_DUE_REQUEST__INIT;
    Paten__AmountDueReply *reply;
    int status;

    if (nargs != 1) {
        ctl_say_error("usage: patenctl assess due ID|NUMBER [--as-of YYYY-MM-DD]");
        return EXIT_USAGE;
    }
    if (!check_date("--as-of", o_as_of))
        return EXIT_USAGE;
    if ((status = ctl_open(ctl)) != EXIT_OK)
        return status;
    if (!parse_id(args[0], &req.assessment_id))
        req.number = args[0];
    req.as_of = o_as_of ? o_as_of : "";
    reply = (Paten__AmountDueReply *)ctl_call(
        ctl, ctl_rpc(PATEN__MESSAGE_TYPE__MESSAGE_TYPE_AMOUNT_DUE), &req.base, &status);
    if (reply == NULL)
        return status;
    if (o_json) {
        status = print_json(&reply->base);
    } else {
        const Paten__Assessment *a = reply->assessment;
        g_autofree char *title = NULL;
        g_autofree char *principal = rupiah(reply->principal);
        g_autofree char *interest = rupiah(reply->interest);
        g_autofree char *total = rupiah(reply->total);
        g_autofree char *months = g_strdup_printf("%d", reply->months_late);

        if (a != NULL)
            title = g_strdup_printf("%s %s (id %" PRId64 "): %s, file %s, %s", kind_text(a->kind),
                                    a->number, a->id, status_text(a->status),
                                    a->file_register_number, a->applicant_name);
        else
            title = g_strdup("(the reply names no assessment)");
        ctl_put_line(title);
        if (a != NULL)
            put_field("Due date:", a->due_date);
        put_field("As of:", reply->as_of);
        put_field("Principal:", principal);
        put_field("Months late:", months);
        put_field("Interest:", interest);
        put_field("Total:", total);
        if (reply->regime != NULL) {
            g_autofree char *rate = percent_text(reply->regime->monthly_bp);
            g_autofree char *regime = g_strdup_printf(
                "%s (%s a month, %s; %s)", reply->regime->name, rate,
                reply->regime->max_months ? "capped" : "no cap", reply->regime->legal_basis);
            put_field("Regime:", regime);
        }
        if (reply->bill != NULL && reply->bill->number[0] != '\0') {
            g_autofree char *when = local_time(reply->bill->issued_at_ms);
            g_autofree char *bill =
                g_strdup_printf("%s (id %" PRId64 "), issued %s by %s", reply->bill->number,
                                reply->bill->id, when, reply->bill->issued_by_name);
            put_field("Bill:", bill);
        }
    }
    protobuf_c_message_free_unpacked(&reply->base, NULL);
    return status;
}

static int assess_bill(Ctl *ctl, char **args, int nargs)
{
    Paten__IssueBillRequest req = PATEN__ISSUE_BILL_REQUEST__INIT;
    Paten__BillReply *reply;
    g_autofree char *key = o_key ? g_strdup(o_key) : ctl_new_key();
    int status;

    if (nargs != 1) {
        ctl_say_error("usage: patenctl assess bill ID|NUMBER (the assessment's)");
        return EXIT_USAGE;
    }
    if ((status = ctl_open(ctl)) != EXIT_OK)
        return status;
    if (!parse_id(args[0], &req.assessment_id)) {
        Paten__AssessmentReply *a = get_assessment(ctl, args[0], &status);
        if (a == NULL)
            return status;
        req.assessment_id = a->assessment ? a->assessment->id : 0;
        protobuf_c_message_free_unpacked(&a->base, NULL);
    }
    req.idempotency_key = key;
    reply = (Paten__BillReply *)ctl_call(ctl, ctl_rpc(PATEN__MESSAGE_TYPE__MESSAGE_TYPE_ISSUE_BILL),
                                         &req.base, &status);
    if (reply == NULL)
        return status;
    if (o_json) {
        status = print_json(&reply->base);
    } else if (reply->bill == NULL) {
        ctl_say_error("the server's reply has no bill in it");
        status = EXIT_ERROR_REPLY;
    } else {
        const Paten__Bill *b = reply->bill;
        g_autofree char *interest = rupiah(b->interest);
        g_autofree char *total = rupiah(b->total);
        g_autofree char *line = g_strdup_printf(
            "issued %s %s (id %" PRId64 ") for %s as of %s: %d month(s), interest %s, total %s",
            enum_text(&paten__document_kind__descriptor, b->kind, "DOCUMENT_KIND_"), b->number,
            b->id, b->assessment_number, b->as_of, b->months, interest, total);
        status = ctl_put_line(line) ? EXIT_OK : EXIT_ERROR_REPLY;
    }
    protobuf_c_message_free_unpacked(&reply->base, NULL);
    return status;
}

static const struct ctl_sub assess_subs[] = {
    { "queue", "assess queue [--json]", json_entries, assess_queue },
    { "preview", "assess preview FILE [--set FIELD=VALUE:REASON ...] [--json]", preview_entries,
      assess_preview },
    { "issue",
      "assess issue FILE --version V --principal P [--set FIELD=VALUE:REASON ...] "
      "[--taxpayer ID --sptpd-number N --sptpd-date YYYY-MM-DD] [--key K] [--json]",
      issue_entries, assess_issue },
    { "cancel", "assess cancel ASSESSMENT_ID --file-version V --reason TEXT [--key K] [--json]",
      cancel_entries, assess_cancel },
    { "show", "assess show ID|NUMBER [--json]", json_entries, assess_show },
    { "list", "assess list [--query Q] [--year YYYY] [--status issued|cancelled|paid] [--json]",
      list_entries, assess_list },
    { "due", "assess due ID|NUMBER [--as-of YYYY-MM-DD] [--json]", due_entries, assess_due },
    { "bill", "assess bill ID|NUMBER [--key K] [--json]", bill_entries, assess_bill },
};

int ctl_cmd_assess(Ctl *ctl, char **args, int nargs)
{
    return ctl_run_sub(ctl, "assess", "PETUGAS_SKRD|PETUGAS_PAJAK", assess_subs,
                       G_N_ELEMENTS(assess_subs), args, nargs);
}

/* ---- taxpayer ----------------------------------------------------------------------------- */

static void print_taxpayer(const Paten__Taxpayer *t)
{
    g_autofree char *title = g_strdup_printf("NPWPD %s (id %" PRId64 ")", t->npwpd, t->id);
    g_autofree char *when = local_time(t->registered_at_ms);
    g_autofree char *registered = g_strdup_printf("%s by %s", when, t->registered_by_name);

    ctl_put_line(title);
    put_field("Name:", t->name);
    put_field("Address:", t->address);
    if (t->nik[0] != '\0')
        put_field("NIK:", t->nik);
    if (t->nib[0] != '\0')
        put_field("NIB:", t->nib);
    put_field("Registered:", registered);
}

static int taxpayer_register(Ctl *ctl, char **args, int nargs)
{
    Paten__RegisterTaxpayerRequest req = PATEN__REGISTER_TAXPAYER_REQUEST__INIT;
    Paten__TaxpayerReply *reply;
    g_autofree char *key = o_key ? g_strdup(o_key) : ctl_new_key();
    enum paten_id_error e;
    int status;

    (void)args;
    if (nargs != 0 || o_name == NULL || *o_name == '\0' || o_address == NULL ||
        *o_address == '\0' || (o_nik == NULL) == (o_nib == NULL)) {
        ctl_say_error("usage: patenctl taxpayer register --name NAME --address ADDRESS "
                      "(--nik NIK | --nib NIB)");
        return EXIT_USAGE;
    }
    if (o_nik && (e = paten_nik_check(o_nik, NULL)) != PATEN_ID_OK) {
        ctl_say_error("--nik '%s': %s", o_nik, paten_id_error_text(e));
        return EXIT_USAGE;
    }
    if (o_nib && (e = paten_nib_check(o_nib)) != PATEN_ID_OK) {
        ctl_say_error("--nib '%s': %s", o_nib, paten_id_error_text(e));
        return EXIT_USAGE;
    }
    if ((status = ctl_open(ctl)) != EXIT_OK)
        return status;
    req.idempotency_key = key;
    req.name = o_name;
    req.address = o_address;
    req.nik = o_nik ? o_nik : "";
    req.nib = o_nib ? o_nib : "";
    reply = (Paten__TaxpayerReply *)ctl_call(
        ctl, ctl_rpc(PATEN__MESSAGE_TYPE__MESSAGE_TYPE_REGISTER_TAXPAYER), &req.base, &status);
    if (reply == NULL)
        return status;
    if (o_json) {
        status = print_json(&reply->base);
    } else if (reply->taxpayer == NULL) {
        ctl_say_error("the server's reply has no taxpayer in it");
        status = EXIT_ERROR_REPLY;
    } else {
        g_autofree char *line =
            g_strdup_printf("registered NPWPD %s: %s (id %" PRId64 ")", reply->taxpayer->npwpd,
                            reply->taxpayer->name, reply->taxpayer->id);
        status = ctl_put_line(line) ? EXIT_OK : EXIT_ERROR_REPLY;
    }
    protobuf_c_message_free_unpacked(&reply->base, NULL);
    return status;
}

static int taxpayer_find(Ctl *ctl, char **args, int nargs)
{
    Paten__FindTaxpayerRequest req = PATEN__FIND_TAXPAYER_REQUEST__INIT;
    Paten__TaxpayerReply *reply;
    int status;

    if (nargs != 1) {
        ctl_say_error("usage: patenctl taxpayer find NUMBER (an NPWPD, a NIK or a NIB)");
        return EXIT_USAGE;
    }
    if ((status = ctl_open(ctl)) != EXIT_OK)
        return status;
    req.number = args[0];
    reply = (Paten__TaxpayerReply *)ctl_call(
        ctl, ctl_rpc(PATEN__MESSAGE_TYPE__MESSAGE_TYPE_FIND_TAXPAYER), &req.base, &status);
    if (reply == NULL)
        return status;
    if (o_json) {
        status = print_json(&reply->base);
    } else if (reply->taxpayer == NULL) {
        ctl_say_error("the server's reply has no taxpayer in it");
        status = EXIT_ERROR_REPLY;
    } else {
        print_taxpayer(reply->taxpayer);
    }
    protobuf_c_message_free_unpacked(&reply->base, NULL);
    return status;
}

static const struct ctl_sub taxpayer_subs[] = {
    { "register",
      "taxpayer register --name NAME --address ADDRESS (--nik NIK | --nib NIB) [--json]",
      register_entries, taxpayer_register },
    { "find", "taxpayer find NUMBER [--json]", json_entries, taxpayer_find },
};

int ctl_cmd_taxpayer(Ctl *ctl, char **args, int nargs)
{
    return ctl_run_sub(ctl, "taxpayer", "PETUGAS_PAJAK", taxpayer_subs, G_N_ELEMENTS(taxpayer_subs),
                       args, nargs);
}
