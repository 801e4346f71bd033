/*
 * ctl_pay.c: patenctl's cashier, deposit and invariant commands:
 *
 *   patenctl --user KASIR pay find QUERY [--json]        (assessment number, file number or NIK)
 *   patenctl --user KASIR pay record ASSESSMENT --amount N [--method cash|transfer|qris
 *                         --reference R] [--key K] [--json]
 *   patenctl --user CAMAT pay reverse PAYMENT_ID --reason TEXT [--key K] [--json]
 *   patenctl --user USER  pay list [--day YYYY-MM-DD] [--cashier ID] [--json]
 *   patenctl --user KASIR pay undeposited [--json]       (each with its deadline, OVERDUE marked)
 *   patenctl --user KASIR deposit create --treasurer OFFICE [PAYMENT_ID ...] [--key K] [--json]
 *   patenctl --user KASIR deposit validate DEPOSIT_ID --reference R --at 'YYYY-MM-DD HH:MM'
 *                         [--key K] [--json]
 *   patenctl --user USER  deposit list [--unconfirmed] [--from DATE] [--to DATE] [--json]
 *   patenctl --user BENDAHARA deposit confirm (--deposit ID | --payment ID) --bank-date DATE
 *                         --reference R --amount N [--key K] [--json]
 *   patenctl --user BENDAHARA deposit resolve CONFIRMATION_ID --reason TEXT [--key K] [--json]
 *   patenctl --user USER  deposit alerts [--json]
 *   patenctl --user AUDITOR check [--json]               (exit 1 when a money invariant fails)
 *
 * ASSESSMENT is an assessment's id, or a number FindOwed finds exactly one unpaid assessment for.
 * OFFICE is the treasurer's office: its id or its code ("dpmptsp-temanggung").
 *
 * Money is whole rupiah: amounts on the command line are integers ("337500", or grouped as
 * "337.500"), checked before anything is sent, and print as "Rp 337.500", formatted from the
 * integer; only pay list adds amounts up, in integers. --at is the bank's time in the region's
 * own time zone (the session's region, WIB for the demo), converted exactly to milliseconds.
 * Times in tables are shown in this machine's time zone ($TZ), as the other commands do.
 * Each change is sent with a fresh idempotency key unless --key gives one (repeat a key to
 * retry safely). The server's refusals are printed as JSON on stderr, exit 1.
 */
#include "ctl.h"

#include "paten_calendar.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static gboolean o_json, o_unconfirmed;
static char *o_key, *o_method, *o_reference, *o_reason, *o_day, *o_treasurer, *o_at;
static char *o_bank_date, *o_amount, *o_from, *o_to;
static gint64 o_cashier, o_deposit, o_payment;

#define JSON_ENTRY                                                                \
    {                                                                             \
        "json", 0, 0, G_OPTION_ARG_NONE, &o_json, "print the reply as JSON", NULL \
    }
#define KEY_ENTRY                                                                           \
    {                                                                                       \
        "key", 0, 0, G_OPTION_ARG_STRING, &o_key,                                           \
            "the idempotency key (default: a new one; repeat a key to retry safely)", "KEY" \
    }

static const GOptionEntry json_entries[] = {
    JSON_ENTRY,
    { NULL },
};

static const GOptionEntry record_entries[] = {
    { "amount", 0, 0, G_OPTION_ARG_STRING, &o_amount,
      "what the payer hands over, in whole rupiah: the total 'pay find' shows", "N" },
    { "method", 0, 0, G_OPTION_ARG_STRING, &o_method, "cash (default), transfer or qris",
      "METHOD" },
    { "reference", 0, 0, G_OPTION_ARG_STRING, &o_reference,
      "transfer, qris: the bank's or the QRIS reference", "R" },
    KEY_ENTRY,
    JSON_ENTRY,
    { NULL },
};

static const GOptionEntry reverse_entries[] = {
    { "reason", 0, 0, G_OPTION_ARG_STRING, &o_reason, "why (kept with the reversal)", "TEXT" },
    KEY_ENTRY,
    JSON_ENTRY,
    { NULL },
};

static const GOptionEntry resolve_entries[] = {
    { "reason", 0, 0, G_OPTION_ARG_STRING, &o_reason,
      "why the bank's amount differs and what was done (kept with the confirmation)", "TEXT" },
    KEY_ENTRY,
    JSON_ENTRY,
    { NULL },
};

static const GOptionEntry list_entries[] = {
    { "day", 0, 0, G_OPTION_ARG_STRING, &o_day, "the day (default: today)", "YYYY-MM-DD" },
    { "cashier", 0, 0, G_OPTION_ARG_INT64, &o_cashier, "only this cashier's (a user id)", "ID" },
    JSON_ENTRY,
    { NULL },
};

static const GOptionEntry create_entries[] = {
    { "treasurer", 0, 0, G_OPTION_ARG_STRING, &o_treasurer,
      "the treasurer's office the payments are owed to (its id or code)", "OFFICE" },
    KEY_ENTRY,
    JSON_ENTRY,
    { NULL },
};

static const GOptionEntry validate_entries[] = {
    { "reference", 0, 0, G_OPTION_ARG_STRING, &o_reference, "the bank's validation reference",
      "R" },
    { "at", 0, 0, G_OPTION_ARG_STRING, &o_at,
      "when the bank validated it, in the region's local time", "'YYYY-MM-DD HH:MM'" },
    KEY_ENTRY,
    JSON_ENTRY,
    { NULL },
};

static const GOptionEntry deposit_list_entries[] = {
    { "unconfirmed", 0, 0, G_OPTION_ARG_NONE, &o_unconfirmed,
      "only those the treasurer has not confirmed yet", NULL },
    { "from", 0, 0, G_OPTION_ARG_STRING, &o_from, "created on or after this day", "YYYY-MM-DD" },
    { "to", 0, 0, G_OPTION_ARG_STRING, &o_to, "created on or before this day", "YYYY-MM-DD" },
    JSON_ENTRY,
    { NULL },
};

static const GOptionEntry confirm_entries[] = {
    { "deposit", 0, 0, G_OPTION_ARG_INT64, &o_deposit, "a validated deposit (STS)", "ID" },
    { "payment", 0, 0, G_OPTION_ARG_INT64, &o_payment, "or a transfer or QRIS payment", "ID" },
    { "bank-date", 0, 0, G_OPTION_ARG_STRING, &o_bank_date, "the day on the bank statement",
      "YYYY-MM-DD" },
    { "reference", 0, 0, G_OPTION_ARG_STRING, &o_reference, "the reference on the bank statement",
      "R" },
    { "amount", 0, 0, G_OPTION_ARG_STRING, &o_amount,
      "what the bank statement shows, in whole rupiah", "N" },
    KEY_ENTRY,
    JSON_ENTRY,
    { NULL },
};

const GOptionEntry ctl_check_entries[] = {
    JSON_ENTRY,
    { NULL },
};

/* ---- arguments ---------------------------------------------------------------------------- */

/*
 * Whole rupiah from the command line into *amount: digits ("337500"), or digits grouped by
 * thousands with '.' as amounts are printed ("337.500", "Rp 337.500" too). Anything else (a
 * decimal part, a sign, a misplaced dot) is FALSE: an amount is never guessed at.
 */
static gboolean parse_amount(const char *s, int64_t *amount)
{
    g_autoptr(GString) digits = g_string_new(NULL);
    const char *p = s;
    int group = 0; /* digits since the last dot */
    gboolean dotted = FALSE;
    guint64 v;

    if (s == NULL)
        return FALSE;
    if (g_str_has_prefix(p, "Rp "))
        p += 3;
    else if (g_str_has_prefix(p, "Rp"))
        p += 2;
    for (; *p != '\0'; p++) {
        if (g_ascii_isdigit(*p)) {
            g_string_append_c(digits, *p);
            group++;
        } else if (*p == '.') {
            /* the first group has 1 to 3 digits, every later one exactly 3 */
            if (group == 0 || group > 3 || (dotted && group != 3))
                return FALSE;
            dotted = TRUE;
            group = 0;
        } else {
            return FALSE;
        }
    }
    if (digits->len == 0 || (dotted && group != 3))
        return FALSE;
    if (!g_ascii_string_to_unsigned(digits->str, 10, 0, G_MAXINT64, &v, NULL))
        return FALSE;
    *amount = (int64_t)v;
    return TRUE;
}

/* --amount checked, into *amount; FALSE after saying what is wrong. */
static gboolean amount_arg(int64_t *amount)
{
    if (o_amount == NULL) {
        ctl_say_error("--amount is required (whole rupiah, e.g. --amount 337500)");
        return FALSE;
    }
    if (!parse_amount(o_amount, amount)) {
        ctl_say_error("--amount '%s' is not a whole number of rupiah (e.g. 337500 or 337.500)",
                      o_amount);
        return FALSE;
    }
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

/* A non-empty text option; FALSE after naming it. */
static gboolean required(const char *option, const char *value)
{
    if (value != NULL && *value != '\0')
        return TRUE;
    ctl_say_error("%s is required", option);
    return FALSE;
}

/* --method as the enum; 0 after saying what is accepted. */
static Paten__PaymentMethod method_arg(void)
{
    if (o_method == NULL || g_ascii_strcasecmp(o_method, "cash") == 0)
        return PATEN__PAYMENT_METHOD__PAYMENT_METHOD_CASH;
    if (g_ascii_strcasecmp(o_method, "transfer") == 0)
        return PATEN__PAYMENT_METHOD__PAYMENT_METHOD_TRANSFER;
    if (g_ascii_strcasecmp(o_method, "qris") == 0)
        return PATEN__PAYMENT_METHOD__PAYMENT_METHOD_QRIS;
    ctl_say_error("--method '%s': cash, transfer or qris", o_method);
    return PATEN__PAYMENT_METHOD__PAYMENT_METHOD_UNSPECIFIED;
}

/* A local time of day as written on the command line. */
typedef struct {
    int year, month, day, hour, minute, second;
} LocalTime;

/* "YYYY-MM-DD HH:MM" or "YYYY-MM-DD HH:MM:SS", a real date and time of day, into *t; FALSE after
 * saying what is wrong with --at. */
static gboolean parse_at(const char *text, LocalTime *t)
{
    static const char form[] = "dddd-dd-dd dd:dd:dd";
    size_t len = strlen(text);
    paten_day day;
    char date[11];

    if (len != 16 && len != 19)
        goto bad;
    for (size_t i = 0; i < len; i++)
        if (form[i] == 'd' ? !g_ascii_isdigit(text[i]) : text[i] != form[i])
            goto bad;
    memcpy(date, text, 10);
    date[10] = '\0';
    t->year = atoi(text);
    t->month = atoi(text + 5);
    t->day = atoi(text + 8);
    t->hour = atoi(text + 11);
    t->minute = atoi(text + 14);
    t->second = len == 19 ? atoi(text + 17) : 0;
    if (paten_day_parse(date, &day) != 0 || t->hour > 23 || t->minute > 59 || t->second > 59)
        goto bad;
    return TRUE;
bad:
    ctl_say_error("--at '%s' is not a time 'YYYY-MM-DD HH:MM' (the bank's, in your region's "
                  "local time)",
                  text);
    return FALSE;
}

/*
 * The instant of local time t in the time zone tz_id ("Asia/Jakarta"), as Unix milliseconds:
 * whole seconds times 1000, exactly. FALSE after saying why: a zone this machine does not know,
 * or a time that does not exist in it (skipped by a clock change).
 */
static gboolean local_to_ms(const LocalTime *t, const char *tz_id, int64_t *ms)
{
    g_autoptr(GTimeZone) tz = g_time_zone_new_identifier(tz_id);
    g_autoptr(GDateTime) dt = NULL;

    if (tz == NULL) {
        ctl_say_error("the region's time zone '%s' is not known on this machine (tzdata)", tz_id);
        return FALSE;
    }
    dt = g_date_time_new(tz, t->year, t->month, t->day, t->hour, t->minute, (gdouble)t->second);
    if (dt == NULL || g_date_time_get_hour(dt) != t->hour ||
        g_date_time_get_minute(dt) != t->minute || g_date_time_get_day_of_month(dt) != t->day) {
        ctl_say_error("--at: that time does not exist in %s", tz_id);
        return FALSE;
    }
    *ms = g_date_time_to_unix(dt) * 1000;
    return TRUE;
}

/* The time zone of the caller's region ("Asia/Jakarta"), from the session; NULL after saying
 * why (g_free it). */
static char *region_time_zone(Ctl *ctl, int *status)
{
    Paten__GetSessionRequest req = PATEN__GET_SESSION_REQUEST__INIT;
    Paten__SessionReply *reply;
    char *tz = NULL;

    reply = (Paten__SessionReply *)ctl_call(
        ctl, ctl_rpc(PATEN__MESSAGE_TYPE__MESSAGE_TYPE_GET_SESSION), &req.base, status);
    if (reply == NULL)
        return NULL;
    if (reply->session != NULL && reply->session->region != NULL &&
        reply->session->region->time_zone[0] != '\0')
        tz = g_strdup(reply->session->region->time_zone);
    protobuf_c_message_free_unpacked(&reply->base, NULL);
    if (tz == NULL) {
        ctl_say_error("the server's session names no time zone for your region");
        *status = EXIT_ERROR_REPLY;
    }
    return tz;
}

/* Prints msg as JSON (--json); returns the exit status. */
static int print_json(const ProtobufCMessage *msg)
{
    return ctl_print_reply(msg, FALSE, TRUE);
}

/* ---- formatting --------------------------------------------------------------------------- */

static const char *method_text(Paten__PaymentMethod m)
{
    return ctl_enum_text(&paten__payment_method__descriptor, m, "PAYMENT_METHOD_");
}

static const char *kind_text(Paten__AssessmentKind k)
{
    return ctl_enum_text(&paten__assessment_kind__descriptor, k, "ASSESSMENT_KIND_");
}

static const char *doc_text(Paten__DocumentKind k)
{
    return ctl_enum_text(&paten__document_kind__descriptor, k, "DOCUMENT_KIND_");
}

static const char *confirmation_text(Paten__ConfirmationStatus s)
{
    return ctl_enum_text(&paten__confirmation_status__descriptor, s, "CONFIRMATION_STATUS_");
}

/* Where a payment's money stands: REVERSED, on hand (cash not in a deposit), the STS it is in,
 * and the treasurer's confirmation. g_free it. */
static char *payment_state(const Paten__Payment *p)
{
    if (p->reversed)
        return g_strdup("REVERSED");
    if (p->method == PATEN__PAYMENT_METHOD__PAYMENT_METHOD_CASH && p->deposit_id == 0)
        return g_strdup(p->deposit_overdue ? "ON HAND, OVERDUE" : "ON HAND");
    if (p->deposit_id != 0)
        return g_strdup_printf("STS %s, %s", p->deposit_number, confirmation_text(p->confirmation));
    return g_strdup(confirmation_text(p->confirmation));
}

/* One payment as its receipt shows it. */
static void print_payment(const Paten__Payment *p)
{
    g_autofree char *title =
        g_strdup_printf("payment %" PRId64 ": %s %s%s", p->id, doc_text(p->receipt_kind),
                        p->receipt_number, p->reversed ? " (REVERSED)" : "");
    g_autofree char *assessment =
        g_strdup_printf("%s %s (id %" PRId64 ")", kind_text(p->assessment_kind),
                        p->assessment_number, p->assessment_id);
    g_autofree char *file =
        g_strdup_printf("%s (id %" PRId64 ")", p->file_register_number, p->file_id);
    g_autofree char *principal = ctl_rupiah(p->principal);
    g_autofree char *interest = ctl_rupiah(p->interest);
    g_autofree char *amount = ctl_rupiah(p->amount);
    g_autofree char *when = ctl_local_time(p->received_at_ms);
    g_autofree char *received = g_strdup_printf("%s by %s", when, p->cashier_name);
    g_autofree char *state = payment_state(p);
    g_autofree char *method = g_strdup_printf("%s%s%s", method_text(p->method),
                                              p->reference[0] ? ", reference " : "", p->reference);

    ctl_put_line(title);
    ctl_put_field("Assessment:", assessment);
    ctl_put_field("File:", file);
    ctl_put_field("Applicant:", p->applicant_name);
    ctl_put_field("Principal:", principal);
    if (p->interest != 0 || p->bill_number[0] != '\0') {
        g_autofree char *bill =
            g_strdup_printf("%s%s%s", interest, p->bill_number[0] ? ", bill " : "", p->bill_number);
        ctl_put_field("Interest:", bill);
    }
    ctl_put_field("Amount:", amount);
    ctl_put_field("Method:", method);
    ctl_put_field("Received:", received);
    ctl_put_field("Treasurer:", p->treasurer_office_name);
    if (p->deposit_deadline_ms != 0 && p->deposit_id == 0 && !p->reversed) {
        g_autofree char *deadline = ctl_local_time(p->deposit_deadline_ms);
        g_autofree char *line =
            g_strdup_printf("%s%s", deadline, p->deposit_overdue ? " OVERDUE" : "");
        ctl_put_field("Deposit by:", line);
    }
    ctl_put_field("State:", state);
    if (p->reversed) {
        g_autofree char *at = ctl_local_time(p->reversed_at_ms);
        g_autofree char *why =
            g_strdup_printf("%s by %s: %s", at, p->reversed_by_name, p->reversal_reason);
        ctl_put_field("Reversed:", why);
    }
    if (p->verification[0] != '\0')
        ctl_put_field("Verification:", p->verification);
}

/* The payments' table: id, receipt, time, assessment, applicant, method, amount, state; with
 * deadlines, the deposit deadline of each cash payment, OVERDUE marked. */
static void print_payments(Paten__Payment *const *ps, size_t n, gboolean deadlines)
{
    GString *head = g_string_new(NULL);

    ctl_cell(head, "ID", 5);
    ctl_cell(head, "RECEIPT", 28);
    ctl_cell(head, "RECEIVED", 16);
    ctl_cell(head, "ASSESSMENT", 36);
    ctl_cell(head, "APPLICANT", 20);
    ctl_cell(head, "METHOD", 8);
    ctl_cell_right(head, "AMOUNT", 14);
    if (deadlines) {
        ctl_cell(head, "TREASURER", 30);
        g_string_append(head, "DEPOSIT BY");
    } else {
        g_string_append(head, "STATE");
    }
    ctl_put_row(head);
    for (size_t i = 0; i < n; i++) {
        const Paten__Payment *p = ps[i];
        g_autofree char *id = g_strdup_printf("%5" PRId64, p->id);
        g_autofree char *when = ctl_local_time(p->received_at_ms);
        g_autofree char *amount = ctl_rupiah(p->amount);
        GString *line = g_string_new(NULL);

        ctl_cell(line, id, 5);
        ctl_cell(line, p->receipt_number, 28);
        ctl_cell(line, when, 16);
        ctl_cell(line, p->assessment_number, 36);
        ctl_cell(line, p->applicant_name, 20);
        ctl_cell(line, method_text(p->method), 8);
        ctl_cell_right(line, amount, 14);
        if (deadlines) {
            g_autofree char *deadline = ctl_local_time(p->deposit_deadline_ms);
            ctl_cell(line, p->treasurer_office_name, 30);
            g_string_append(line, deadline);
            if (p->deposit_overdue)
                g_string_append(line, "  OVERDUE");
        } else {
            g_autofree char *state = payment_state(p);
            g_string_append(line, state);
        }
        ctl_put_row(line);
    }
}

static void print_confirmation(const Paten__Confirmation *c)
{
    g_autofree char *amount = ctl_rupiah(c->amount);
    g_autofree char *expected = ctl_rupiah(c->expected);
    g_autofree char *what = c->deposit_id ? g_strdup_printf("deposit %" PRId64, c->deposit_id)
                                          : g_strdup_printf("payment %" PRId64, c->payment_id);
    g_autofree char *title = g_strdup_printf("confirmation %" PRId64 " of %s: %s", c->id, what,
                                             confirmation_text(c->status));
    g_autofree char *when = ctl_local_time(c->confirmed_at_ms);
    g_autofree char *by = g_strdup_printf("%s by %s", when, c->confirmed_by_name);

    ctl_put_line(title);
    ctl_put_field("Bank date:", c->bank_date);
    ctl_put_field("Reference:", c->bank_reference);
    ctl_put_field("Bank amount:", amount);
    ctl_put_field("Expected:", expected);
    if (c->amount != c->expected) {
        /* The difference as the server's two integers give it; both are far below INT64_MAX
         * in any real deposit, but a wild value must not overflow. */
        int64_t diff;
        if (!__builtin_sub_overflow(c->amount, c->expected, &diff)) {
            g_autofree char *rp = ctl_rupiah(diff < 0 ? -diff : diff);
            g_autofree char *line = g_strdup_printf(
                "%s %s", rp, diff < 0 ? "less than expected" : "more than expected");
            ctl_put_field("Difference:", line);
        }
    }
    ctl_put_field("Confirmed:", by);
    if (c->resolved_at_ms != 0 || c->resolved_reason[0] != '\0') {
        g_autofree char *at = ctl_local_time(c->resolved_at_ms);
        g_autofree char *why =
            g_strdup_printf("%s by %s: %s", at, c->resolved_by_name, c->resolved_reason);
        ctl_put_field("Resolved:", why);
    }
}

/* A deposit as its STS shows it, with its payments when the reply has them. */
static void print_deposit(const Paten__Deposit *d)
{
    g_autofree char *title = g_strdup_printf("deposit %" PRId64 ": STS %s", d->id, d->number);
    g_autofree char *total = ctl_rupiah(d->total);
    g_autofree char *created = ctl_local_time(d->created_at_ms);
    g_autofree char *by = g_strdup_printf("%s by %s, %s", created, d->cashier_name, d->office_name);

    ctl_put_line(title);
    ctl_put_field("Treasurer:", d->treasurer_office_name);
    ctl_put_field("Total:", total);
    ctl_put_field("Created:", by);
    if (d->validated_at_ms != 0 || d->bank_reference[0] != '\0') {
        g_autofree char *at = ctl_local_time(d->validated_at_ms);
        g_autofree char *line = g_strdup_printf("reference %s at %s, recorded by %s",
                                                d->bank_reference, at, d->validated_by_name);
        ctl_put_field("Validated:", line);
    } else {
        ctl_put_field("Validated:", "not yet (patenctl deposit validate)");
    }
    if (d->confirmation != NULL && d->confirmation->id != 0) {
        g_autofree char *line =
            g_strdup_printf("%s (confirmation %" PRId64 ")",
                            confirmation_text(d->confirmation->status), d->confirmation->id);
        ctl_put_field("Confirmation:", line);
    } else {
        ctl_put_field("Confirmation:", "UNCONFIRMED");
    }
    if (d->verification[0] != '\0')
        ctl_put_field("Verification:", d->verification);
    if (d->n_payments > 0) {
        ctl_put_line("  Payments:");
        print_payments(d->payments, d->n_payments, FALSE);
    }
}

/* ---- pay ---------------------------------------------------------------------------------- */

static Paten__FindOwedReply *find_owed(Ctl *ctl, const char *query, int *status)
{
    Paten__FindOwedRequest req = PATEN__FIND_OWED_REQUEST__INIT;

    req.query = (char *)query;
    return (Paten__FindOwedReply *)ctl_call(
        ctl, ctl_rpc(PATEN__MESSAGE_TYPE__MESSAGE_TYPE_FIND_OWED), &req.base, status);
}

static int pay_find(Ctl *ctl, char **args, int nargs)
{
    Paten__FindOwedReply *reply;
    GString *head;
    int status;

    if (nargs != 1 || *args[0] == '\0') {
        ctl_say_error("usage: patenctl pay find QUERY (an assessment's number, a file's register "
                      "number or the applicant's NIK)");
        return EXIT_USAGE;
    }
    if ((status = ctl_open(ctl)) != EXIT_OK)
        return status;
    if ((reply = find_owed(ctl, args[0], &status)) == NULL)
        return status;
    if (o_json) {
        status = print_json(&reply->base);
        protobuf_c_message_free_unpacked(&reply->base, NULL);
        return status;
    }
    head = g_string_new(NULL);
    ctl_cell(head, "ID", 5);
    ctl_cell(head, "ASSESSMENT", 40);
    ctl_cell(head, "FILE", 24);
    ctl_cell(head, "APPLICANT", 20);
    ctl_cell(head, "DUE", 10);
    ctl_cell_right(head, "PRINCIPAL", 14);
    ctl_cell(head, "LATE", 4);
    ctl_cell_right(head, "INTEREST", 12);
    ctl_cell_right(head, "TOTAL", 14);
    ctl_put_row(head);
    for (size_t i = 0; i < reply->n_owed; i++) {
        const Paten__Owed *o = reply->owed[i];
        const Paten__Assessment *a = o->assessment;
        g_autofree char *id = NULL;
        g_autofree char *number = NULL;
        g_autofree char *principal = ctl_rupiah(o->principal);
        g_autofree char *interest = ctl_rupiah(o->interest);
        g_autofree char *total = ctl_rupiah(o->total);
        g_autofree char *late = g_strdup_printf("%4d", o->months_late);
        GString *line;

        if (a == NULL)
            continue;
        id = g_strdup_printf("%5" PRId64, a->id);
        number = g_strdup_printf("%s %s", kind_text(a->kind), a->number);
        line = g_string_new(NULL);
        ctl_cell(line, id, 5);
        ctl_cell(line, number, 40);
        ctl_cell(line, a->file_register_number, 24);
        ctl_cell(line, a->applicant_name, 20);
        ctl_cell(line, a->due_date, 10);
        ctl_cell_right(line, principal, 14);
        ctl_cell(line, late, 4);
        ctl_cell_right(line, interest, 12);
        ctl_cell_right(line, total, 14);
        if (o->bill != NULL && o->bill->number[0] != '\0')
            g_string_append_printf(line, "bill %s", o->bill->number);
        ctl_put_row(line);
    }
    if (reply->n_owed == 0)
        ctl_put_line("(nothing owed found at your office)");
    else if (reply->n_owed > 0 && reply->owed[0]->as_of[0] != '\0') {
        g_autofree char *note =
            g_strdup_printf("(amounts as of %s: pay the TOTAL)", reply->owed[0]->as_of);
        ctl_put_line(note);
    }
    protobuf_c_message_free_unpacked(&reply->base, NULL);
    return EXIT_OK;
}

/*
 * The id of the assessment whose number is exactly number, whether or not anything is still owed
 * on it; 0 when there is none (or the lookup failed: the caller then says what it found).
 */
static int64_t assessment_by_number(Ctl *ctl, const char *number)
{
    Paten__GetAssessmentRequest req = PATEN__GET_ASSESSMENT_REQUEST__INIT;
    g_autoptr(GAsyncResult) res = NULL;
    Paten__AssessmentReply *reply;
    Paten__Error *error_reply = NULL;
    int64_t id = 0;

    /* Not ctl_call: a number that is no assessment is not an error to print here. */
    req.number = (char *)number;
    paten_connection_call_async(ctl->conn, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_GET_ASSESSMENT,
                                &req.base, NULL, ctl_on_done, ctl);
    res = ctl_wait_result(ctl);
    reply =
        (Paten__AssessmentReply *)paten_connection_call_finish(ctl->conn, res, &error_reply, NULL);
    if (error_reply != NULL)
        protobuf_c_message_free_unpacked(&error_reply->base, NULL);
    if (reply == NULL)
        return 0;
    if (reply->assessment != NULL)
        id = reply->assessment->id;
    protobuf_c_message_free_unpacked(&reply->base, NULL);
    return id;
}

/*
 * The assessment named on the command line: its id as given, or the one unpaid assessment the
 * number (an assessment's, a file's or a NIK) finds. 0 after saying why, *status set.
 */
static int64_t assessment_arg(Ctl *ctl, const char *arg, int *status)
{
    Paten__FindOwedReply *reply;
    int64_t id = 0;

    if (ctl_parse_id(arg, &id) && strlen(arg) < 16) /* a NIK is 16 digits, an id is not */
        return id;
    if ((reply = find_owed(ctl, arg, status)) == NULL)
        return 0;
    if (reply->n_owed == 1 && reply->owed[0]->assessment != NULL)
        id = reply->owed[0]->assessment->id;
    else if (reply->n_owed == 0)
        /* Nothing is owed any more on an assessment number once it is paid, which is exactly
         * the case of a retry (same --key) after a lost reply: the server must see that retry
         * to answer it from the key, or say ALREADY_PAID for another key. */
        id = assessment_by_number(ctl, arg);
    if (id == 0) {
        ctl_say_error(reply->n_owed == 0
                          ? "nothing owed found for '%s' at your office (patenctl pay find)"
                          : "'%s' finds more than one assessment: give its id (patenctl pay find)",
                      arg);
        *status = EXIT_USAGE;
    }
    protobuf_c_message_free_unpacked(&reply->base, NULL);
    return id;
}

static int pay_record(Ctl *ctl, char **args, int nargs)
{
    Paten__RecordPaymentRequest req = PATEN__RECORD_PAYMENT_REQUEST__INIT;
    Paten__PaymentReply *reply;
    g_autofree char *key = o_key ? g_strdup(o_key) : ctl_new_key();
    int status;

    if (nargs != 1) {
        ctl_say_error("usage: patenctl pay record ASSESSMENT --amount N [--method "
                      "cash|transfer|qris --reference R] [--key K]");
        return EXIT_USAGE;
    }
    if (!amount_arg(&req.amount) || (req.method = method_arg()) == 0)
        return EXIT_USAGE;
    if (req.method != PATEN__PAYMENT_METHOD__PAYMENT_METHOD_CASH &&
        !required("--reference (a transfer or QRIS payment's)", o_reference))
        return EXIT_USAGE;
    if (req.method == PATEN__PAYMENT_METHOD__PAYMENT_METHOD_CASH && o_reference != NULL) {
        ctl_say_error("--reference is for transfer and qris payments, not cash");
        return EXIT_USAGE;
    }
    if ((status = ctl_open(ctl)) != EXIT_OK ||
        (req.assessment_id = assessment_arg(ctl, args[0], &status)) == 0)
        return status;
    req.idempotency_key = key;
    req.reference = o_reference ? o_reference : "";
    reply = (Paten__PaymentReply *)ctl_call(
        ctl, ctl_rpc(PATEN__MESSAGE_TYPE__MESSAGE_TYPE_RECORD_PAYMENT), &req.base, &status);
    if (reply == NULL)
        return status;
    if (o_json) {
        status = print_json(&reply->base);
    } else if (reply->payment == NULL) {
        ctl_say_error("the server's reply has no payment in it");
        status = EXIT_ERROR_REPLY;
    } else {
        print_payment(reply->payment);
    }
    protobuf_c_message_free_unpacked(&reply->base, NULL);
    return status;
}

static int pay_reverse(Ctl *ctl, char **args, int nargs)
{
    Paten__ReversePaymentRequest req = PATEN__REVERSE_PAYMENT_REQUEST__INIT;
    Paten__PaymentReply *reply;
    g_autofree char *key = o_key ? g_strdup(o_key) : ctl_new_key();
    int status;

    if (nargs != 1 || !ctl_parse_id(args[0], &req.payment_id)) {
        ctl_say_error("usage: patenctl pay reverse PAYMENT_ID --reason TEXT [--key K]");
        return EXIT_USAGE;
    }
    if (!required("--reason", o_reason))
        return EXIT_USAGE;
    if ((status = ctl_open(ctl)) != EXIT_OK)
        return status;
    req.idempotency_key = key;
    req.reason = o_reason;
    reply = (Paten__PaymentReply *)ctl_call(
        ctl, ctl_rpc(PATEN__MESSAGE_TYPE__MESSAGE_TYPE_REVERSE_PAYMENT), &req.base, &status);
    if (reply == NULL)
        return status;
    if (o_json) {
        status = print_json(&reply->base);
    } else if (reply->payment == NULL) {
        ctl_say_error("the server's reply has no payment in it");
        status = EXIT_ERROR_REPLY;
    } else {
        print_payment(reply->payment);
    }
    protobuf_c_message_free_unpacked(&reply->base, NULL);
    return status;
}

static int pay_list(Ctl *ctl, char **args, int nargs)
{
    Paten__ListPaymentsRequest req = PATEN__LIST_PAYMENTS_REQUEST__INIT;
    Paten__ListPaymentsReply *reply;
    int64_t total = 0;
    size_t standing = 0;
    gboolean overflow = FALSE;
    int status;

    (void)args;
    if (nargs != 0 || o_cashier < 0) {
        ctl_say_error("usage: patenctl pay list [--day YYYY-MM-DD] [--cashier ID]");
        return EXIT_USAGE;
    }
    if (!check_date("--day", o_day))
        return EXIT_USAGE;
    if ((status = ctl_open(ctl)) != EXIT_OK)
        return status;
    req.day = o_day ? o_day : "";
    req.cashier_id = o_cashier;
    reply = (Paten__ListPaymentsReply *)ctl_call(
        ctl, ctl_rpc(PATEN__MESSAGE_TYPE__MESSAGE_TYPE_LIST_PAYMENTS), &req.base, &status);
    if (reply == NULL)
        return status;
    if (o_json) {
        status = print_json(&reply->base);
        protobuf_c_message_free_unpacked(&reply->base, NULL);
        return status;
    }
    print_payments(reply->payments, reply->n_payments, FALSE);
    if (reply->n_payments == 0) {
        ctl_put_line("(no payments)");
    } else {
        /* The day's collection: the payments that stand, added in integers. */
        for (size_t i = 0; i < reply->n_payments; i++)
            if (!reply->payments[i]->reversed) {
                standing++;
                overflow |= __builtin_add_overflow(total, reply->payments[i]->amount, &total);
            }
        if (overflow) {
            ctl_say_error("the payments' total does not fit in 64 bits");
            status = EXIT_ERROR_REPLY;
        } else {
            g_autofree char *rp = ctl_rupiah(total);
            g_autofree char *line =
                g_strdup_printf("%zu payment(s) standing, %zu reversed: total %s", standing,
                                reply->n_payments - standing, rp);
            ctl_put_line(line);
        }
    }
    protobuf_c_message_free_unpacked(&reply->base, NULL);
    return status;
}

static int pay_undeposited(Ctl *ctl, char **args, int nargs)
{
    Paten__ListUndepositedRequest req = PATEN__LIST_UNDEPOSITED_REQUEST__INIT;
    Paten__ListPaymentsReply *reply;
    size_t overdue = 0;
    int status;

    (void)args;
    if (nargs != 0) {
        ctl_say_error("pay undeposited takes no arguments");
        return EXIT_USAGE;
    }
    if ((status = ctl_open(ctl)) != EXIT_OK)
        return status;
    reply = (Paten__ListPaymentsReply *)ctl_call(
        ctl, ctl_rpc(PATEN__MESSAGE_TYPE__MESSAGE_TYPE_LIST_UNDEPOSITED), &req.base, &status);
    if (reply == NULL)
        return status;
    if (o_json) {
        status = print_json(&reply->base);
        protobuf_c_message_free_unpacked(&reply->base, NULL);
        return status;
    }
    print_payments(reply->payments, reply->n_payments, TRUE);
    for (size_t i = 0; i < reply->n_payments; i++)
        overdue += reply->payments[i]->deposit_overdue ? 1 : 0;
    if (reply->n_payments == 0) {
        ctl_put_line("(no cash on hand: every payment is deposited)");
    } else if (overdue > 0) {
        g_autofree char *line =
            g_strdup_printf("%zu payment(s) OVERDUE for deposit: patenctl deposit create", overdue);
        ctl_put_line(line);
    }
    protobuf_c_message_free_unpacked(&reply->base, NULL);
    return EXIT_OK;
}

static const struct ctl_sub pay_subs[] = {
    { "find", "pay find QUERY [--json]", json_entries, pay_find },
    { "record",
      "pay record ASSESSMENT --amount N [--method cash|transfer|qris --reference R] [--key K] "
      "[--json]",
      record_entries, pay_record },
    { "reverse", "pay reverse PAYMENT_ID --reason TEXT [--key K] [--json]", reverse_entries,
      pay_reverse },
    { "list", "pay list [--day YYYY-MM-DD] [--cashier ID] [--json]", list_entries, pay_list },
    { "undeposited", "pay undeposited [--json]", json_entries, pay_undeposited },
};

int ctl_cmd_pay(Ctl *ctl, char **args, int nargs)
{
    return ctl_run_sub(ctl, "pay", "KASIR|CAMAT", pay_subs, G_N_ELEMENTS(pay_subs), args, nargs);
}

/* ---- deposit ------------------------------------------------------------------------------ */

/* Prints a DepositReply (or says it is empty); returns the exit status. */
static int show_deposit_reply(Paten__DepositReply *reply, const char *done)
{
    if (o_json)
        return print_json(&reply->base);
    if (reply->deposit == NULL) {
        ctl_say_error("the server's reply has no deposit in it");
        return EXIT_ERROR_REPLY;
    }
    if (done != NULL) {
        const Paten__Deposit *d = reply->deposit;
        g_autofree char *total = ctl_rupiah(d->total);
        /* A reply may come without the payments (ValidateDeposit's does): no count then. */
        g_autofree char *count =
            d->n_payments ? g_strdup_printf("%zu payment(s), ", d->n_payments) : g_strdup("");
        g_autofree char *line =
            g_strdup_printf("%s STS %s (deposit %" PRId64 "): %s%s, to %s", done, d->number, d->id,
                            count, total, d->treasurer_office_name);
        ctl_put_line(line);
    }
    print_deposit(reply->deposit);
    return EXIT_OK;
}

static int deposit_create(Ctl *ctl, char **args, int nargs)
{
    Paten__CreateDepositRequest req = PATEN__CREATE_DEPOSIT_REQUEST__INIT;
    Paten__DepositReply *reply;
    g_autofree char *key = o_key ? g_strdup(o_key) : ctl_new_key();
    g_autofree int64_t *ids = g_new0(int64_t, nargs > 0 ? nargs : 1);
    int status;

    if (o_treasurer == NULL || *o_treasurer == '\0') {
        ctl_say_error("usage: patenctl deposit create --treasurer OFFICE [PAYMENT_ID ...] "
                      "(OFFICE: the treasurer's office, its id or code; no PAYMENT_ID: all the "
                      "cash on hand owed to it)");
        return EXIT_USAGE;
    }
    for (int i = 0; i < nargs; i++)
        if (!ctl_parse_id(args[i], &ids[i])) {
            ctl_say_error("'%s' is not a payment id (patenctl pay undeposited)", args[i]);
            return EXIT_USAGE;
        }
    if ((status = ctl_open(ctl)) != EXIT_OK)
        return status;
    if (!ctl_parse_id(o_treasurer, &req.treasurer_office_id) &&
        (req.treasurer_office_id = ctl_office_id(ctl, o_treasurer, &status)) == 0)
        return status;
    req.idempotency_key = key;
    req.payment_ids = ids;
    req.n_payment_ids = (size_t)nargs;
    reply = (Paten__DepositReply *)ctl_call(
        ctl, ctl_rpc(PATEN__MESSAGE_TYPE__MESSAGE_TYPE_CREATE_DEPOSIT), &req.base, &status);
    if (reply == NULL)
        return status;
    status = show_deposit_reply(reply, "created");
    protobuf_c_message_free_unpacked(&reply->base, NULL);
    return status;
}

static int deposit_validate(Ctl *ctl, char **args, int nargs)
{
    Paten__ValidateDepositRequest req = PATEN__VALIDATE_DEPOSIT_REQUEST__INIT;
    Paten__DepositReply *reply;
    g_autofree char *key = o_key ? g_strdup(o_key) : ctl_new_key();
    g_autofree char *tz = NULL;
    LocalTime at;
    int status;

    if (nargs != 1 || !ctl_parse_id(args[0], &req.deposit_id)) {
        ctl_say_error("usage: patenctl deposit validate DEPOSIT_ID --reference R --at "
                      "'YYYY-MM-DD HH:MM' (the bank's time, your region's local time)");
        return EXIT_USAGE;
    }
    if (!required("--reference", o_reference) || !required("--at", o_at))
        return EXIT_USAGE;
    /* The form is checked before connecting; the zone comes from the session. */
    if (!parse_at(o_at, &at))
        return EXIT_USAGE;
    if ((status = ctl_open(ctl)) != EXIT_OK)
        return status;
    if ((tz = region_time_zone(ctl, &status)) == NULL)
        return status;
    if (!local_to_ms(&at, tz, &req.validated_at_ms))
        return EXIT_USAGE;
    req.idempotency_key = key;
    req.bank_reference = o_reference;
    reply = (Paten__DepositReply *)ctl_call(
        ctl, ctl_rpc(PATEN__MESSAGE_TYPE__MESSAGE_TYPE_VALIDATE_DEPOSIT), &req.base, &status);
    if (reply == NULL)
        return status;
    status = show_deposit_reply(reply, "validated");
    protobuf_c_message_free_unpacked(&reply->base, NULL);
    return status;
}

static int deposit_list(Ctl *ctl, char **args, int nargs)
{
    Paten__ListDepositsRequest req = PATEN__LIST_DEPOSITS_REQUEST__INIT;
    Paten__ListDepositsReply *reply;
    GString *head;
    int status;

    (void)args;
    if (nargs != 0) {
        ctl_say_error("usage: patenctl deposit list [--unconfirmed] [--from DATE] [--to DATE]");
        return EXIT_USAGE;
    }
    if (!check_date("--from", o_from) || !check_date("--to", o_to))
        return EXIT_USAGE;
    if ((status = ctl_open(ctl)) != EXIT_OK)
        return status;
    req.unconfirmed_only = o_unconfirmed;
    req.from_date = o_from ? o_from : "";
    req.to_date = o_to ? o_to : "";
    reply = (Paten__ListDepositsReply *)ctl_call(
        ctl, ctl_rpc(PATEN__MESSAGE_TYPE__MESSAGE_TYPE_LIST_DEPOSITS), &req.base, &status);
    if (reply == NULL)
        return status;
    if (o_json) {
        status = print_json(&reply->base);
        protobuf_c_message_free_unpacked(&reply->base, NULL);
        return status;
    }
    head = g_string_new(NULL);
    ctl_cell(head, "ID", 5);
    ctl_cell(head, "STS", 30);
    ctl_cell(head, "CREATED", 16);
    ctl_cell(head, "CASHIER", 24);
    ctl_cell(head, "TREASURER", 30);
    ctl_cell_right(head, "TOTAL", 14);
    ctl_cell(head, "VALIDATED", 30);
    g_string_append(head, "CONFIRMATION");
    ctl_put_row(head);
    /* Newest first, as the server sends them. */
    for (size_t i = 0; i < reply->n_deposits; i++) {
        const Paten__Deposit *d = reply->deposits[i];
        g_autofree char *id = g_strdup_printf("%5" PRId64, d->id);
        g_autofree char *created = ctl_local_time(d->created_at_ms);
        g_autofree char *total = ctl_rupiah(d->total);
        g_autofree char *at = ctl_local_time(d->validated_at_ms);
        g_autofree char *validated =
            d->validated_at_ms ? g_strdup_printf("%s %s", at, d->bank_reference) : g_strdup("-");
        const Paten__Confirmation *c = d->confirmation;
        GString *line = g_string_new(NULL);

        ctl_cell(line, id, 5);
        ctl_cell(line, d->number, 30);
        ctl_cell(line, created, 16);
        ctl_cell(line, d->cashier_name, 24);
        ctl_cell(line, d->treasurer_office_name, 30);
        ctl_cell_right(line, total, 14);
        ctl_cell(line, validated, 30);
        if (c != NULL && c->id != 0)
            g_string_append_printf(line, "%s (%" PRId64 ")", confirmation_text(c->status), c->id);
        else
            g_string_append(line, "UNCONFIRMED");
        ctl_put_row(line);
    }
    if (reply->n_deposits == 0)
        ctl_put_line("(no deposits)");
    protobuf_c_message_free_unpacked(&reply->base, NULL);
    return EXIT_OK;
}

/* Prints a ConfirmationReply; returns the exit status. */
static int show_confirmation_reply(Paten__ConfirmationReply *reply)
{
    if (o_json)
        return print_json(&reply->base);
    if (reply->confirmation == NULL) {
        ctl_say_error("the server's reply has no confirmation in it");
        return EXIT_ERROR_REPLY;
    }
    print_confirmation(reply->confirmation);
    return EXIT_OK;
}

static int deposit_confirm(Ctl *ctl, char **args, int nargs)
{
    Paten__ConfirmRequest req = PATEN__CONFIRM_REQUEST__INIT;
    Paten__ConfirmationReply *reply;
    g_autofree char *key = o_key ? g_strdup(o_key) : ctl_new_key();
    int status;

    (void)args;
    if (nargs != 0 || (o_deposit > 0) == (o_payment > 0) || o_deposit < 0 || o_payment < 0) {
        ctl_say_error("usage: patenctl deposit confirm (--deposit ID | --payment ID) --bank-date "
                      "YYYY-MM-DD --reference R --amount N (exactly one of --deposit, --payment)");
        return EXIT_USAGE;
    }
    if (!required("--bank-date", o_bank_date) || !check_date("--bank-date", o_bank_date) ||
        !required("--reference", o_reference) || !amount_arg(&req.amount))
        return EXIT_USAGE;
    if ((status = ctl_open(ctl)) != EXIT_OK)
        return status;
    req.idempotency_key = key;
    req.deposit_id = o_deposit;
    req.payment_id = o_payment;
    req.bank_date = o_bank_date;
    req.bank_reference = o_reference;
    reply = (Paten__ConfirmationReply *)ctl_call(
        ctl, ctl_rpc(PATEN__MESSAGE_TYPE__MESSAGE_TYPE_CONFIRM), &req.base, &status);
    if (reply == NULL)
        return status;
    status = show_confirmation_reply(reply);
    protobuf_c_message_free_unpacked(&reply->base, NULL);
    return status;
}

static int deposit_resolve(Ctl *ctl, char **args, int nargs)
{
    Paten__ResolveDiscrepancyRequest req = PATEN__RESOLVE_DISCREPANCY_REQUEST__INIT;
    Paten__ConfirmationReply *reply;
    g_autofree char *key = o_key ? g_strdup(o_key) : ctl_new_key();
    int status;

    if (nargs != 1 || !ctl_parse_id(args[0], &req.confirmation_id)) {
        ctl_say_error("usage: patenctl deposit resolve CONFIRMATION_ID --reason TEXT [--key K]");
        return EXIT_USAGE;
    }
    if (!required("--reason", o_reason))
        return EXIT_USAGE;
    if ((status = ctl_open(ctl)) != EXIT_OK)
        return status;
    req.idempotency_key = key;
    req.reason = o_reason;
    reply = (Paten__ConfirmationReply *)ctl_call(
        ctl, ctl_rpc(PATEN__MESSAGE_TYPE__MESSAGE_TYPE_RESOLVE_DISCREPANCY), &req.base, &status);
    if (reply == NULL)
        return status;
    status = show_confirmation_reply(reply);
    protobuf_c_message_free_unpacked(&reply->base, NULL);
    return status;
}

static int deposit_alerts(Ctl *ctl, char **args, int nargs)
{
    Paten__ListDepositAlertsRequest req = PATEN__LIST_DEPOSIT_ALERTS_REQUEST__INIT;
    Paten__ListDepositAlertsReply *reply;
    GString *head;
    int status;

    (void)args;
    if (nargs != 0) {
        ctl_say_error("deposit alerts takes no arguments");
        return EXIT_USAGE;
    }
    if ((status = ctl_open(ctl)) != EXIT_OK)
        return status;
    reply = (Paten__ListDepositAlertsReply *)ctl_call(
        ctl, ctl_rpc(PATEN__MESSAGE_TYPE__MESSAGE_TYPE_LIST_DEPOSIT_ALERTS), &req.base, &status);
    if (reply == NULL)
        return status;
    if (o_json) {
        status = print_json(&reply->base);
        protobuf_c_message_free_unpacked(&reply->base, NULL);
        return status;
    }
    head = g_string_new(NULL);
    ctl_cell(head, "PAYMENT", 7);
    ctl_cell(head, "RECEIPT", 28);
    ctl_cell(head, "CASHIER", 24);
    ctl_cell_right(head, "AMOUNT", 14);
    ctl_cell(head, "TREASURER", 30);
    ctl_cell(head, "DEPOSIT BY", 16);
    g_string_append(head, "RAISED");
    ctl_put_row(head);
    for (size_t i = 0; i < reply->n_alerts; i++) {
        const Paten__DepositAlert *al = reply->alerts[i];
        const Paten__Payment *p = al->payment;
        g_autofree char *id = NULL;
        g_autofree char *amount = NULL;
        g_autofree char *deadline = NULL;
        g_autofree char *raised = ctl_local_time(al->raised_at_ms);
        GString *line;

        if (p == NULL)
            continue;
        id = g_strdup_printf("%7" PRId64, p->id);
        amount = ctl_rupiah(p->amount);
        deadline = ctl_local_time(p->deposit_deadline_ms);
        line = g_string_new(NULL);
        ctl_cell(line, id, 7);
        ctl_cell(line, p->receipt_number, 28);
        ctl_cell(line, p->cashier_name, 24);
        ctl_cell_right(line, amount, 14);
        ctl_cell(line, p->treasurer_office_name, 30);
        ctl_cell(line, deadline, 16);
        g_string_append(line, raised);
        g_string_append(line, "  OVERDUE");
        ctl_put_row(line);
    }
    if (reply->n_alerts == 0)
        ctl_put_line("(no open deposit alerts)");
    protobuf_c_message_free_unpacked(&reply->base, NULL);
    return EXIT_OK;
}

static const struct ctl_sub deposit_subs[] = {
    { "create", "deposit create --treasurer OFFICE [PAYMENT_ID ...] [--key K] [--json]",
      create_entries, deposit_create },
    { "validate",
      "deposit validate DEPOSIT_ID --reference R --at 'YYYY-MM-DD HH:MM' [--key K] [--json]",
      validate_entries, deposit_validate },
    { "list", "deposit list [--unconfirmed] [--from DATE] [--to DATE] [--json]",
      deposit_list_entries, deposit_list },
    { "confirm",
      "deposit confirm (--deposit ID | --payment ID) --bank-date YYYY-MM-DD --reference R "
      "--amount N [--key K] [--json]",
      confirm_entries, deposit_confirm },
    { "resolve", "deposit resolve CONFIRMATION_ID --reason TEXT [--key K] [--json]",
      resolve_entries, deposit_resolve },
    { "alerts", "deposit alerts [--json]", json_entries, deposit_alerts },
};

int ctl_cmd_deposit(Ctl *ctl, char **args, int nargs)
{
    return ctl_run_sub(ctl, "deposit", "KASIR|BENDAHARA", deposit_subs, G_N_ELEMENTS(deposit_subs),
                       args, nargs);
}

/* ---- check -------------------------------------------------------------------------------- */

int ctl_cmd_check(Ctl *ctl, char **args, int nargs)
{
    Paten__CheckInvariantsRequest req = PATEN__CHECK_INVARIANTS_REQUEST__INIT;
    Paten__CheckInvariantsReply *reply;
    g_autofree char *summary = NULL;
    int status;

    (void)args;
    if (nargs != 0) {
        ctl_say_error("check takes no arguments (see patenctl check --help)");
        return EXIT_USAGE;
    }
    if ((status = ctl_open(ctl)) != EXIT_OK)
        return status;
    reply = (Paten__CheckInvariantsReply *)ctl_call(
        ctl, ctl_rpc(PATEN__MESSAGE_TYPE__MESSAGE_TYPE_CHECK_INVARIANTS), &req.base, &status);
    if (reply == NULL)
        return status;
    if (o_json) {
        status = print_json(&reply->base);
    } else {
        for (size_t i = 0; i < reply->n_violations; i++) {
            g_autofree char *line = g_strdup_printf("VIOLATION: %s", reply->violations[i]);
            ctl_put_line(line);
        }
        summary = g_strdup_printf("checked %" PRId64 " payment(s), %" PRId64 " deposit(s), %" PRId64
                                  " register(s): %zu violation(s)",
                                  reply->payments, reply->deposits, reply->registers,
                                  reply->n_violations);
        ctl_put_line(summary);
    }
    if (status == EXIT_OK && reply->n_violations > 0)
        status = EXIT_ERROR_REPLY;
    protobuf_c_message_free_unpacked(&reply->base, NULL);
    return status;
}
