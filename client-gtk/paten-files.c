/*
 * paten-files.c: names, form values, requirements and the actions of files (paten-files.h).
 */
#include "paten-files.h"

#include "paten-desk.h"
#include "paten-roles.h"
#include "paten-util.h"

#include <string.h>

const char *paten_file_state_name(Paten__FileState state)
{
    switch (state) {
    case PATEN__FILE_STATE__FILE_STATE_RECEIVED:
        /* TRANSLATORS: the states of a file. */
        return _("Received");
    case PATEN__FILE_STATE__FILE_STATE_SURVEYED:
        return _("Surveyed");
    case PATEN__FILE_STATE__FILE_STATE_RECOMMENDED:
        return _("Recommended");
    case PATEN__FILE_STATE__FILE_STATE_APPROVED:
        return _("Approved");
    case PATEN__FILE_STATE__FILE_STATE_REJECTED:
        return _("Rejected");
    case PATEN__FILE_STATE__FILE_STATE_AWAITING_ASSESSMENT:
        return _("Awaiting assessment");
    case PATEN__FILE_STATE__FILE_STATE_AWAITING_PAYMENT:
        return _("Awaiting payment");
    case PATEN__FILE_STATE__FILE_STATE_PAID:
        return _("Paid");
    case PATEN__FILE_STATE__FILE_STATE_SIGNED:
        return _("Signed");
    case PATEN__FILE_STATE__FILE_STATE_HANDED_OVER:
        return _("Handed over");
    case PATEN__FILE_STATE__FILE_STATE_RETURNED:
        return _("Returned to the applicant");
    case PATEN__FILE_STATE__FILE_STATE_WITHDRAWN:
        return _("Withdrawn");
    case PATEN__FILE_STATE__FILE_STATE_FORWARDED:
        return _("Forwarded to the agency");
    default:
        return "?";
    }
}

const char *paten_document_kind_name(Paten__DocumentKind kind)
{
    switch (kind) {
    case PATEN__DOCUMENT_KIND__DOCUMENT_KIND_RECEIPT:
        return _("File receipt");
    case PATEN__DOCUMENT_KIND__DOCUMENT_KIND_RETURN_SLIP:
        return _("Return slip");
    case PATEN__DOCUMENT_KIND__DOCUMENT_KIND_SURVEY_REPORT:
        return _("Site survey report");
    case PATEN__DOCUMENT_KIND__DOCUMENT_KIND_MEETING_MINUTES:
        return _("Meeting minutes");
    case PATEN__DOCUMENT_KIND__DOCUMENT_KIND_REJECTION_LETTER:
        return _("Rejection letter");
    case PATEN__DOCUMENT_KIND__DOCUMENT_KIND_DECREE:
        return _("Decree (SK)");
    case PATEN__DOCUMENT_KIND__DOCUMENT_KIND_SKRD:
        return _("Levy assessment (SKRD)");
    case PATEN__DOCUMENT_KIND__DOCUMENT_KIND_SKPD:
        return _("Tax assessment (SKPD)");
    case PATEN__DOCUMENT_KIND__DOCUMENT_KIND_STRD:
        return _("Levy bill (STRD)");
    case PATEN__DOCUMENT_KIND__DOCUMENT_KIND_STPD:
        return _("Tax bill (STPD)");
    default:
        return "?";
    }
}

const char *paten_assessment_kind_name(Paten__AssessmentKind kind)
{
    switch (kind) {
    case PATEN__ASSESSMENT_KIND__ASSESSMENT_KIND_SKRD:
        return "SKRD";
    case PATEN__ASSESSMENT_KIND__ASSESSMENT_KIND_SKPD:
        return "SKPD";
    default:
        return "?";
    }
}

const char *paten_assessment_status_name(Paten__AssessmentStatus status)
{
    switch (status) {
    case PATEN__ASSESSMENT_STATUS__ASSESSMENT_STATUS_ISSUED:
        /* TRANSLATORS: the states of an assessment (SKRD / SKPD). */
        return _("Issued, awaiting payment");
    case PATEN__ASSESSMENT_STATUS__ASSESSMENT_STATUS_CANCELLED:
        return C_("assessment", "Cancelled");
    case PATEN__ASSESSMENT_STATUS__ASSESSMENT_STATUS_PAID:
        return C_("assessment", "Paid");
    default:
        return "?";
    }
}

const char *paten_service_kind_name(Paten__ServiceKind kind)
{
    switch (kind) {
    case PATEN__SERVICE_KIND__SERVICE_KIND_STRUCTURED:
        return _("Structured");
    case PATEN__SERVICE_KIND__SERVICE_KIND_UNSTRUCTURED:
        return _("Unstructured");
    default:
        return "?";
    }
}

const char *paten_survey_policy_name(Paten__SurveyPolicy policy)
{
    switch (policy) {
    case PATEN__SURVEY_POLICY__SURVEY_POLICY_REQUIRED:
        return _("Site survey required");
    case PATEN__SURVEY_POLICY__SURVEY_POLICY_CAMAT_CHOICE:
        return _("Site survey at the Camat's choice");
    case PATEN__SURVEY_POLICY__SURVEY_POLICY_NONE:
        return _("No site survey");
    default:
        return "?";
    }
}

const char *paten_authority_name(Paten__IssuingAuthority authority)
{
    switch (authority) {
    case PATEN__ISSUING_AUTHORITY__ISSUING_AUTHORITY_CAMAT:
        return _("Decided by the Camat");
    case PATEN__ISSUING_AUTHORITY__ISSUING_AUTHORITY_FORWARDED:
        return _("Forwarded to an agency");
    default:
        return "?";
    }
}

const char *paten_fee_kind_name(Paten__FeeKind fee)
{
    switch (fee) {
    case PATEN__FEE_KIND__FEE_KIND_NONE:
        return _("Free of charge");
    case PATEN__FEE_KIND__FEE_KIND_RETRIBUSI:
        return _("Levy (retribusi, SKRD)");
    case PATEN__FEE_KIND__FEE_KIND_PAJAK:
        return _("Tax (pajak, SKPD)");
    default:
        return "?";
    }
}

const char *paten_validity_unit_name(Paten__ValidityUnit unit)
{
    switch (unit) {
    case PATEN__VALIDITY_UNIT__VALIDITY_UNIT_NONE:
        return _("Does not expire");
    case PATEN__VALIDITY_UNIT__VALIDITY_UNIT_YEARS:
        return _("Years");
    case PATEN__VALIDITY_UNIT__VALIDITY_UNIT_MONTHS:
        return _("Months");
    case PATEN__VALIDITY_UNIT__VALIDITY_UNIT_WORKING_DAYS:
        return _("Working days");
    default:
        return "?";
    }
}

const char *paten_history_action_name(const char *action)
{
    static const struct {
        const char *code;
        const char *name;
    } names[] = {
        /* TRANSLATORS: the steps of a file's timeline. */
        { "TAKEN_IN", N_("Taken in at the counter") },
        { "RETURNED", N_("Returned to the applicant") },
        { "RESUMED", N_("Documents completed, processing resumed") },
        { "SURVEY_SET", N_("Site survey decided") },
        { "SURVEYED", N_("Site survey report filed") },
        { "MEETING", N_("Meeting minuted") },
        { "RECOMMENDED", N_("Recommendation given") },
        { "APPROVED", N_("Approved") },
        { "REJECTED", N_("Rejected") },
        { "FORWARDED", N_("Forwarded to the agency") },
        { "AGENCY_APPROVED", N_("Approved by the agency") },
        { "AGENCY_REJECTED", N_("Rejected by the agency") },
        { "ASSESSMENT_REQUESTED", N_("Fee assessment requested") },
        { "ASSESSED", N_("Fee assessed") },
        { "ASSESSMENT_CANCELLED", N_("Fee assessment cancelled") },
        { "SIGNED", N_("Decree signed") },
        { "HANDED_OVER", N_("Handed over to the applicant") },
        { "WITHDRAWN", N_("Withdrawn by the applicant") },
        { "DISPOSED", N_("Disposition made") },
        { "DISPOSITION_READ", N_("Disposition read") },
        { "DISPOSITION_DONE", N_("Disposition completed") },
    };

    for (guint i = 0; action != NULL && i < G_N_ELEMENTS(names); i++)
        if (strcmp(names[i].code, action) == 0)
            return _(names[i].name);
    return action ? action : "?";
}

const char *paten_field_values_lookup(Paten__FieldValue *const *values, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (values[i] != NULL && g_strcmp0(values[i]->name, name) == 0)
            return values[i]->value;
    return NULL;
}

const Paten__FieldSpec *paten_field_spec_lookup(Paten__FieldSpec *const *specs, size_t n,
                                                const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (specs[i] != NULL && g_strcmp0(specs[i]->name, name) == 0)
            return specs[i];
    return NULL;
}

const Paten__Requirement *paten_requirement_lookup(Paten__Requirement *const *reqs, size_t n,
                                                   const char *code)
{
    for (size_t i = 0; i < n; i++)
        if (reqs[i] != NULL && g_strcmp0(reqs[i]->code, code) == 0)
            return reqs[i];
    return NULL;
}

gboolean paten_requirement_applies(const Paten__Requirement *r, PatenFieldLookup lookup,
                                   gpointer data, gboolean represented)
{
    const char *when = r->when ? r->when : "";
    const char *eq;
    g_autofree char *name = NULL;
    const char *value;

    if (when[0] == '\0')
        return TRUE;
    if (strcmp(when, "represented") == 0)
        return represented;
    eq = strchr(when, '=');
    if (eq == NULL || eq == when)
        return TRUE;
    name = g_strndup(when, eq - when);
    value = lookup ? lookup(name, data) : NULL;
    return value != NULL && strcmp(value, eq + 1) == 0;
}

/* ---- decimals ----------------------------------------------------------------------------- */

static gboolean all_digits(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (!g_ascii_isdigit(s[i]))
            return FALSE;
    return TRUE;
}

/* TRUE when s (len bytes) is digit groups joined by dots: 1-3 digits, then groups of 3. */
static gboolean grouped(const char *s, size_t len)
{
    size_t i = 0;

    while (i < len && g_ascii_isdigit(s[i]))
        i++;
    if (i == 0 || i > 3)
        return FALSE;
    while (i < len) {
        if (len - i < 4 || s[i] != '.' || !all_digits(s + i + 1, 3))
            return FALSE;
        i += 4;
    }
    return TRUE;
}

/* Appends the digits of s (len bytes), skipping dots. */
static void append_digits(GString *out, const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (s[i] != '.')
            g_string_append_c(out, s[i]);
}

char *paten_decimal_parse(const char *text)
{
    g_autoptr(GString) clean = g_string_new(NULL);
    g_autoptr(GString) whole = g_string_new(NULL);
    g_autoptr(GString) frac = g_string_new(NULL);
    const char *s, *comma, *dot, *ip;
    gboolean negative = FALSE;
    size_t ilen;
    const char *w;

    if (text == NULL)
        return NULL;
    for (const char *p = text; *p; p++)
        if (*p != ' ')
            g_string_append_c(clean, *p);
    s = clean->str;
    if (*s == '-' || *s == '+') {
        negative = *s == '-';
        s++;
    }
    if (*s == '\0')
        return NULL;
    for (const char *p = s; *p; p++)
        if (!g_ascii_isdigit(*p) && *p != '.' && *p != ',')
            return NULL;
    comma = strchr(s, ',');
    if (comma != NULL) {
        /* Indonesian: dots group the whole part, the comma starts the fraction. */
        if (strchr(comma + 1, ',') != NULL || strchr(comma + 1, '.') != NULL)
            return NULL;
        ilen = comma - s;
        if (ilen > 0 && !grouped(s, ilen) && !all_digits(s, ilen))
            return NULL;
        if (comma[1] == '\0' && ilen == 0)
            return NULL;
        append_digits(whole, s, ilen);
        g_string_append(frac, comma + 1);
    } else if ((dot = strchr(s, '.')) != NULL) {
        ip = s;
        ilen = dot - s;
        if (strchr(dot + 1, '.') != NULL ||
            (strlen(dot + 1) == 3 && ilen >= 1 && ilen <= 3 && !(ilen == 1 && s[0] == '0'))) {
            /* "1.500.000", "1.500": dots group thousands. */
            if (!grouped(s, strlen(s)))
                return NULL;
            append_digits(whole, s, strlen(s));
        } else {
            /* "72.5": a decimal point. */
            if (dot[1] == '\0' && ilen == 0)
                return NULL;
            g_string_append_len(whole, ip, ilen);
            g_string_append(frac, dot + 1);
        }
    } else {
        g_string_append(whole, s);
    }
    /* Leading zeros of the whole part, trailing zeros of the fraction. */
    w = whole->str;
    while (w[0] == '0' && w[1] != '\0')
        w++;
    while (frac->len > 0 && frac->str[frac->len - 1] == '0')
        g_string_truncate(frac, frac->len - 1);
    if (w[0] == '\0')
        w = "0";
    if (strcmp(w, "0") == 0 && frac->len == 0)
        negative = FALSE;
    return g_strdup_printf("%s%s%s%s", negative ? "-" : "", w, frac->len ? "." : "", frac->str);
}

/* Compares the magnitudes of two canonical decimals without sign. */
static int compare_magnitude(const char *a, const char *b)
{
    const char *da = strchr(a, '.'), *db = strchr(b, '.');
    size_t la = da ? (size_t)(da - a) : strlen(a), lb = db ? (size_t)(db - b) : strlen(b);
    const char *fa = da ? da + 1 : "", *fb = db ? db + 1 : "";
    int c;

    if (la != lb)
        return la < lb ? -1 : 1;
    c = strncmp(a, b, la);
    if (c != 0)
        return c < 0 ? -1 : 1;
    while (*fa || *fb) {
        char ca = *fa ? *fa++ : '0', cb = *fb ? *fb++ : '0';
        if (ca != cb)
            return ca < cb ? -1 : 1;
    }
    return 0;
}

int paten_decimal_compare(const char *a, const char *b)
{
    gboolean na = a[0] == '-', nb = b[0] == '-';

    if (na != nb)
        return na ? -1 : 1;
    if (na)
        return -compare_magnitude(a + 1, b + 1);
    return compare_magnitude(a, b);
}

char *paten_decimal_display(const char *canonical)
{
    const char *s = canonical ? canonical : "";
    const char *dot;
    size_t n;
    GString *out = g_string_new(NULL);

    /* Anything else (a table's key such as "HUNIAN", an empty value) is shown as it is. */
    if (!g_regex_match_simple("^-?[0-9]+(\\.[0-9]+)?$", s, 0, 0)) {
        g_string_append(out, s);
        return g_string_free(out, FALSE);
    }
    if (*s == '-') {
        g_string_append_c(out, '-');
        s++;
    }
    dot = strchr(s, '.');
    n = dot ? (size_t)(dot - s) : strlen(s);
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && (n - i) % 3 == 0)
            g_string_append_c(out, '.');
        g_string_append_c(out, s[i]);
    }
    if (dot != NULL) {
        g_string_append_c(out, ',');
        g_string_append(out, dot + 1);
    }
    return g_string_free(out, FALSE);
}

/* ---- dates -------------------------------------------------------------------------------- */

char *paten_date_parse(const char *text)
{
    g_autofree char *t = g_strstrip(g_strdup(text ? text : ""));
    unsigned a, b, c;
    char s1, s2, rest;
    unsigned y, m, d;

    if (sscanf(t, "%u%c%u%c%u%c", &a, &s1, &b, &s2, &c, &rest) != 5 || s1 != s2)
        return NULL;
    if (s1 == '-' && strlen(t) == 10 && t[4] == '-') {
        y = a;
        m = b;
        d = c;
    } else if (s1 == '-' || s1 == '/' || s1 == '.') {
        d = a;
        m = b;
        y = c;
    } else {
        return NULL;
    }
    if (y < 1900 || y > 9999 || m < 1 || m > 12 || d < 1 ||
        !g_date_valid_dmy((GDateDay)d, (GDateMonth)m, (GDateYear)y))
        return NULL;
    return g_strdup_printf("%04u-%02u-%02u", y, m, d);
}

char *paten_date_display(const char *iso)
{
    static const char *const months[] = {
        N_("January"),   N_("February"), N_("March"),    N_("April"),
        N_("May"),       N_("June"),     N_("July"),     N_("August"),
        N_("September"), N_("October"),  N_("November"), N_("December"),
    };
    unsigned y, m, d;
    char rest;

    if (iso == NULL)
        return g_strdup("");
    if (strlen(iso) != 10 || sscanf(iso, "%4u-%2u-%2u%c", &y, &m, &d, &rest) != 3 || m < 1 ||
        m > 12)
        return g_strdup(iso);
    return g_strdup_printf("%u %s %u", d, _(months[m - 1]), y);
}

char *paten_field_value_display(const Paten__FieldSpec *spec, const char *value)
{
    if (value == NULL || value[0] == '\0')
        return g_strdup("-");
    if (spec == NULL)
        return g_strdup(value);
    switch (spec->type) {
    case PATEN__FIELD_TYPE__FIELD_TYPE_YES_NO:
        return g_strdup(strcmp(value, "true") == 0 ? _("Yes") : _("No"));
    case PATEN__FIELD_TYPE__FIELD_TYPE_NUMBER: {
        g_autofree char *n = paten_decimal_display(value);
        if (spec->unit == NULL || spec->unit[0] == '\0')
            return g_steal_pointer(&n);
        if (strcmp(spec->unit, "Rp") == 0)
            return g_strdup_printf("Rp %s", n);
        return g_strdup_printf("%s %s", n, spec->unit);
    }
    case PATEN__FIELD_TYPE__FIELD_TYPE_DATE:
        return paten_date_display(value);
    default:
        return g_strdup(value);
    }
}

char *paten_applicant_numbers(const Paten__Applicant *a)
{
    GString *s = g_string_new(NULL);

    if (a == NULL)
        return g_string_free(s, FALSE);
    if (a->nik && a->nik[0])
        g_string_append_printf(s, "NIK %s", a->nik);
    if (a->nib && a->nib[0])
        g_string_append_printf(s, "%sNIB %s", s->len ? ", " : "", a->nib);
    if (a->npwp && a->npwp[0])
        g_string_append_printf(s, "%sNPWP %s", s->len ? ", " : "", a->npwp);
    return g_string_free(s, FALSE);
}

char *paten_office_place(const char *office_name)
{
    static const char prefix[] = "Kecamatan ";

    if (office_name == NULL)
        return g_strdup("");
    if (g_str_has_prefix(office_name, prefix) && office_name[sizeof prefix - 1] != '\0')
        return g_strdup(office_name + sizeof prefix - 1);
    return g_strdup(office_name);
}

/* ---- actions ------------------------------------------------------------------------------ */

gboolean paten_file_state_is_final(Paten__FileState state)
{
    return state == PATEN__FILE_STATE__FILE_STATE_HANDED_OVER ||
           state == PATEN__FILE_STATE__FILE_STATE_WITHDRAWN ||
           state == PATEN__FILE_STATE__FILE_STATE_REJECTED;
}

guint paten_file_actions(const Paten__File *f, const Paten__Role *roles, size_t n)
{
    const gboolean loket = paten_roles_contain(roles, n, PATEN__ROLE__ROLE_LOKET);
    const gboolean camat = paten_roles_contain(roles, n, PATEN__ROLE__ROLE_CAMAT);
    const gboolean sekretariat = paten_roles_contain(roles, n, PATEN__ROLE__ROLE_SEKRETARIAT);
    const gboolean teknis = paten_roles_contain(roles, n, PATEN__ROLE__ROLE_TIM_TEKNIS);
    const gboolean staff = loket || camat || sekretariat || teknis;
    const gboolean forwarded =
        f->authority == PATEN__ISSUING_AUTHORITY__ISSUING_AUTHORITY_FORWARDED;
    const Paten__FileState s = f->state;
    const gboolean in_process = s == PATEN__FILE_STATE__FILE_STATE_RECEIVED ||
                                s == PATEN__FILE_STATE__FILE_STATE_SURVEYED ||
                                s == PATEN__FILE_STATE__FILE_STATE_RECOMMENDED;
    guint a = 0;

    if (s == PATEN__FILE_STATE__FILE_STATE_UNSPECIFIED || paten_file_state_is_final(s))
        return 0;
    if (staff)
        a |= PATEN_FILE_ACTION_DISPOSE;
    if (staff && in_process)
        a |= PATEN_FILE_ACTION_RETURN;
    if (loket && s == PATEN__FILE_STATE__FILE_STATE_RETURNED)
        a |= PATEN_FILE_ACTION_RESUME;
    if (loket)
        a |= PATEN_FILE_ACTION_WITHDRAW;
    if (camat && s == PATEN__FILE_STATE__FILE_STATE_RECEIVED &&
        f->survey_policy == PATEN__SURVEY_POLICY__SURVEY_POLICY_CAMAT_CHOICE)
        a |= PATEN_FILE_ACTION_SET_SURVEY;
    if (teknis && s == PATEN__FILE_STATE__FILE_STATE_RECEIVED && f->survey_needed)
        a |= PATEN_FILE_ACTION_SUBMIT_SURVEY;
    if (sekretariat && (s == PATEN__FILE_STATE__FILE_STATE_RECEIVED ||
                        s == PATEN__FILE_STATE__FILE_STATE_SURVEYED))
        a |= PATEN_FILE_ACTION_RECORD_MEETING;
    if (sekretariat && ((s == PATEN__FILE_STATE__FILE_STATE_RECEIVED && !f->survey_needed) ||
                        s == PATEN__FILE_STATE__FILE_STATE_SURVEYED))
        a |= PATEN_FILE_ACTION_RECOMMEND;
    if (camat && s == PATEN__FILE_STATE__FILE_STATE_RECOMMENDED)
        a |= forwarded ? PATEN_FILE_ACTION_FORWARD : PATEN_FILE_ACTION_DECIDE;
    if ((loket || sekretariat) && s == PATEN__FILE_STATE__FILE_STATE_FORWARDED)
        a |= PATEN_FILE_ACTION_AGENCY_OUTCOME;
    if (camat && !forwarded &&
        ((s == PATEN__FILE_STATE__FILE_STATE_APPROVED &&
          f->fee == PATEN__FEE_KIND__FEE_KIND_NONE) ||
         s == PATEN__FILE_STATE__FILE_STATE_PAID))
        a |= PATEN_FILE_ACTION_SIGN;
    if (loket && (s == PATEN__FILE_STATE__FILE_STATE_SIGNED ||
                  (forwarded && s == PATEN__FILE_STATE__FILE_STATE_APPROVED)))
        a |= PATEN_FILE_ACTION_HAND_OVER;
    return a;
}

/* ---- deadlines and dispositions ----------------------------------------------------------- */

static GDateTime *local_time(gint64 ms, const char *tz)
{
    g_autoptr(GTimeZone) zone = NULL;
    g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc(ms / 1000);

    if (tz != NULL && tz[0] != '\0')
        zone = g_time_zone_new_identifier(tz);
    if (zone == NULL)
        zone = g_time_zone_new_local();
    return utc ? g_date_time_to_timezone(utc, zone) : NULL;
}

/* Days from now's local date to t's (negative when t is earlier). */
static int day_difference(GDateTime *now, GDateTime *t)
{
    GDate a, b;

    g_date_clear(&a, 1);
    g_date_clear(&b, 1);
    g_date_set_dmy(&a, (GDateDay)g_date_time_get_day_of_month(now),
                   (GDateMonth)g_date_time_get_month(now), (GDateYear)g_date_time_get_year(now));
    g_date_set_dmy(&b, (GDateDay)g_date_time_get_day_of_month(t),
                   (GDateMonth)g_date_time_get_month(t), (GDateYear)g_date_time_get_year(t));
    return g_date_days_between(&a, &b);
}

char *paten_due_text(gint64 due_ms, gint64 now_ms, gboolean overdue, gboolean done, const char *tz,
                     PatenDueState *state)
{
    g_autoptr(GDateTime) now = NULL;
    g_autoptr(GDateTime) due = NULL;
    g_autofree char *hm = NULL;
    int days;

    *state = PATEN_DUE_NONE;
    if (done)
        return g_strdup(_("Done"));
    if (due_ms == 0)
        return g_strdup("");
    now = local_time(now_ms, tz);
    due = local_time(due_ms, tz);
    if (now == NULL || due == NULL)
        return g_strdup("?");
    days = day_difference(now, due);
    hm = g_strdup_printf("%02d.%02d", g_date_time_get_hour(due), g_date_time_get_minute(due));
    if (overdue || due_ms <= now_ms) {
        *state = PATEN_DUE_OVERDUE;
        if (days >= 0)
            /* TRANSLATORS: a deadline that passed earlier today; %s is the time "14.00". */
            return g_strdup_printf(_("Overdue since %s"), hm);
        return g_strdup_printf(ngettext("Overdue by %d day", "Overdue by %d days", -days), -days);
    }
    if (days == 0) {
        *state = PATEN_DUE_TODAY;
        return g_strdup_printf(_("Today %s"), hm);
    }
    *state = PATEN_DUE_LATER;
    if (days == 1)
        return g_strdup_printf(_("Tomorrow %s"), hm);
    {
        g_autofree char *when = paten_format_time(due_ms, tz, TRUE);
        /* TRANSLATORS: a deadline; %s is "12 Mei 2026 16.00". */
        return g_strdup_printf(_("Due %s"), when);
    }
}

int paten_disposition_compare(const Paten__Disposition *a, const Paten__Disposition *b)
{
    gboolean da = a->completed_at_ms != 0, db = b->completed_at_ms != 0;

    if (da != db)
        return da ? 1 : -1;
    if (da) /* completed: the latest first */
        return a->completed_at_ms > b->completed_at_ms   ? -1
               : a->completed_at_ms < b->completed_at_ms ? 1
                                                         : 0;
    if (a->overdue != b->overdue)
        return a->overdue ? -1 : 1;
    if (a->due_ms != b->due_ms) {
        /* No due time sorts last. */
        if (a->due_ms == 0 || b->due_ms == 0)
            return a->due_ms == 0 ? 1 : -1;
        return a->due_ms < b->due_ms ? -1 : 1;
    }
    if (a->created_at_ms != b->created_at_ms)
        return a->created_at_ms > b->created_at_ms ? -1 : 1;
    return a->id > b->id ? -1 : a->id < b->id ? 1 : 0;
}

const char *paten_disposition_addressee(const Paten__Disposition *d)
{
    if (d->to_user_id != 0 && d->to_name != NULL && d->to_name[0] != '\0')
        return d->to_name;
    return paten_role_name(d->to_role);
}
