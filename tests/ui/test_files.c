/*
 * test_files.c: what paten-desk knows about files without a display or a server
 * (client-gtk/paten-files.h, paten_format_rupiah): when a requirement applies, the counter's
 * decimals and dates, the actions a file offers each role, deadline badges and the inbox order.
 */
#include "paten-desk.h"
#include "paten-files.h"
#include "paten-util.h"

#include <string.h>

/* ---- requirements ------------------------------------------------------------------------- */

static const char *lookup_table(const char *name, gpointer data)
{
    const char *const *kv = data;

    for (; kv[0] != NULL; kv += 2)
        if (strcmp(kv[0], name) == 0)
            return kv[1];
    return NULL;
}

static void test_requirement_when(void)
{
    Paten__Requirement r = PATEN__REQUIREMENT__INIT;
    const char *form[] = { "duda_janda_tercatat_kawin", "true", "kelas_bangunan", "PERMANEN",
                           NULL };
    const char *empty[] = { NULL };

    r.code = "ktp";
    r.text = "Fotokopi KTP";
    r.when = "";
    g_assert_true(paten_requirement_applies(&r, lookup_table, form, FALSE));
    r.when = "represented";
    g_assert_false(paten_requirement_applies(&r, lookup_table, form, FALSE));
    g_assert_true(paten_requirement_applies(&r, lookup_table, form, TRUE));
    r.when = "duda_janda_tercatat_kawin=true";
    g_assert_true(paten_requirement_applies(&r, lookup_table, form, FALSE));
    r.when = "duda_janda_tercatat_kawin=false";
    g_assert_false(paten_requirement_applies(&r, lookup_table, form, FALSE));
    r.when = "kelas_bangunan=PERMANEN";
    g_assert_true(paten_requirement_applies(&r, lookup_table, form, FALSE));
    r.when = "kelas_bangunan=SEMI_PERMANEN";
    g_assert_false(paten_requirement_applies(&r, lookup_table, form, TRUE));
    /* A field without a value: the case is not stated, the requirement does not apply yet. */
    r.when = "kelas_bangunan=PERMANEN";
    g_assert_false(paten_requirement_applies(&r, lookup_table, empty, FALSE));
}

/* ---- values ------------------------------------------------------------------------------- */

static void test_decimal_parse(void)
{
    static const struct {
        const char *in, *out;
    } cases[] = {
        { "72.5", "72.5" },
        { "72,5", "72.5" },
        { "1.500", "1500" },
        { "1.500.000", "1500000" },
        { "1.250,75", "1250.75" },
        { "1250,750", "1250.75" },
        { " 100 ", "100" },
        { "007", "7" },
        { "0.500", "0.5" },
        { "-3", "-3" },
        { "-0", "0" },
        { "1234.567", "1234.567" },
        { ",5", "0.5" },
        { "50.000.000", "50000000" },
        { "abc", NULL },
        { "", NULL },
        { "1,2,3", NULL },
        { "1.50.000", NULL },
        { "1.500,5.0", NULL },
        { "12e3", NULL },
        { "-", NULL },
    };

    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *got = paten_decimal_parse(cases[i].in);
        if (g_strcmp0(got, cases[i].out) != 0)
            g_error("paten_decimal_parse(\"%s\") = %s, expected %s", cases[i].in,
                    got ? got : "NULL", cases[i].out ? cases[i].out : "NULL");
    }
}

static void test_decimal_compare_and_display(void)
{
    g_autofree char *a = paten_decimal_display("1500000");
    g_autofree char *b = paten_decimal_display("72.5");
    g_autofree char *c = paten_decimal_display("-1234.05");
    /* A table's key in an assessment's trace is not a decimal: shown as it is. */
    g_autofree char *d = paten_decimal_display("SEMI_PERMANEN");

    g_assert_cmpint(paten_decimal_compare("100", "100"), ==, 0);
    g_assert_cmpint(paten_decimal_compare("100", "99.99"), >, 0);
    g_assert_cmpint(paten_decimal_compare("100.1", "100.09"), >, 0);
    g_assert_cmpint(paten_decimal_compare("100.1", "100.10"), ==, 0);
    g_assert_cmpint(paten_decimal_compare("-5", "3"), <, 0);
    g_assert_cmpint(paten_decimal_compare("-5", "-3"), <, 0);
    g_assert_cmpint(paten_decimal_compare("2500000000", "300000000"), >, 0);
    g_assert_cmpstr(a, ==, "1.500.000");
    g_assert_cmpstr(b, ==, "72,5");
    g_assert_cmpstr(c, ==, "-1.234,05");
    g_assert_cmpstr(d, ==, "SEMI_PERMANEN");
}

static void test_dates(void)
{
    static const struct {
        const char *in, *out;
    } cases[] = {
        { "2026-05-12", "2026-05-12" },
        { "12-05-2026", "2026-05-12" },
        { "12/5/2026", "2026-05-12" },
        { "1.6.2026", "2026-06-01" },
        { "2026-02-30", NULL },
        { "31/04/2026", NULL },
        { "12 Mei 2026", NULL },
        { "2026-05-12x", NULL },
        { "", NULL },
    };
    g_autofree char *shown = paten_date_display("2026-05-12");
    g_autofree char *odd = paten_date_display("kemarin");

    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *got = paten_date_parse(cases[i].in);
        if (g_strcmp0(got, cases[i].out) != 0)
            g_error("paten_date_parse(\"%s\") = %s, expected %s", cases[i].in, got ? got : "NULL",
                    cases[i].out ? cases[i].out : "NULL");
    }
    g_assert_cmpstr(shown, ==, "12 Mei 2026");
    g_assert_cmpstr(odd, ==, "kemarin");
}

static void test_field_display_and_money(void)
{
    Paten__FieldSpec spec = PATEN__FIELD_SPEC__INIT;
    g_autofree char *area = NULL, *yes = NULL, *no = NULL, *none = NULL, *rp = NULL;
    g_autofree char *m1 = paten_format_rupiah(1234567);
    g_autofree char *m2 = paten_format_rupiah(0);
    g_autofree char *m3 = paten_format_rupiah(-121500);
    g_autofree char *m4 = paten_format_rupiah(999);
    g_autofree char *m5 = paten_format_rupiah(G_MININT64);

    spec.type = PATEN__FIELD_TYPE__FIELD_TYPE_NUMBER;
    spec.unit = "m2";
    area = paten_field_value_display(&spec, "72.5");
    spec.unit = "Rp";
    rp = paten_field_value_display(&spec, "50000000");
    spec.type = PATEN__FIELD_TYPE__FIELD_TYPE_YES_NO;
    yes = paten_field_value_display(&spec, "true");
    no = paten_field_value_display(&spec, "false");
    none = paten_field_value_display(&spec, "");
    g_assert_cmpstr(area, ==, "72,5 m2");
    g_assert_cmpstr(rp, ==, "Rp 50.000.000");
    g_assert_cmpstr(yes, ==, "Ya");
    g_assert_cmpstr(no, ==, "Tidak");
    g_assert_cmpstr(none, ==, "-");
    g_assert_cmpstr(m1, ==, "Rp 1.234.567");
    g_assert_cmpstr(m2, ==, "Rp 0");
    g_assert_cmpstr(m3, ==, "-Rp 121.500");
    g_assert_cmpstr(m4, ==, "Rp 999");
    g_assert_cmpstr(m5, ==, "-Rp 9.223.372.036.854.775.808");
}

/* ---- actions ------------------------------------------------------------------------------ */

static void test_actions(void)
{
    Paten__File f = PATEN__FILE__INIT;
    const Paten__Role loket[] = { PATEN__ROLE__ROLE_LOKET };
    const Paten__Role camat[] = { PATEN__ROLE__ROLE_CAMAT };
    const Paten__Role sekretariat[] = { PATEN__ROLE__ROLE_SEKRETARIAT };
    const Paten__Role teknis[] = { PATEN__ROLE__ROLE_TIM_TEKNIS };
    const Paten__Role kasir[] = { PATEN__ROLE__ROLE_KASIR };
    /* loket@kaloran acting as Plh. Camat. */
    const Paten__Role loket_plh[] = { PATEN__ROLE__ROLE_LOKET, PATEN__ROLE__ROLE_CAMAT };

    f.authority = PATEN__ISSUING_AUTHORITY__ISSUING_AUTHORITY_CAMAT;
    f.fee = PATEN__FEE_KIND__FEE_KIND_NONE;
    f.survey_policy = PATEN__SURVEY_POLICY__SURVEY_POLICY_NONE;
    f.state = PATEN__FILE_STATE__FILE_STATE_RECEIVED;
    g_assert_cmpuint(paten_file_actions(&f, loket, 1), ==,
                     PATEN_FILE_ACTION_DISPOSE | PATEN_FILE_ACTION_RETURN |
                         PATEN_FILE_ACTION_WITHDRAW);
    g_assert_cmpuint(paten_file_actions(&f, camat, 1), ==,
                     PATEN_FILE_ACTION_DISPOSE | PATEN_FILE_ACTION_RETURN);
    g_assert_cmpuint(paten_file_actions(&f, sekretariat, 1), ==,
                     PATEN_FILE_ACTION_DISPOSE | PATEN_FILE_ACTION_RETURN |
                         PATEN_FILE_ACTION_RECORD_MEETING | PATEN_FILE_ACTION_RECOMMEND);
    g_assert_cmpuint(paten_file_actions(&f, kasir, 1), ==, 0);
    /* A survey to do: the team files it; no recommendation before it. */
    f.survey_needed = TRUE;
    g_assert_true(paten_file_actions(&f, teknis, 1) & PATEN_FILE_ACTION_SUBMIT_SURVEY);
    g_assert_false(paten_file_actions(&f, sekretariat, 1) & PATEN_FILE_ACTION_RECOMMEND);
    f.survey_policy = PATEN__SURVEY_POLICY__SURVEY_POLICY_CAMAT_CHOICE;
    g_assert_true(paten_file_actions(&f, camat, 1) & PATEN_FILE_ACTION_SET_SURVEY);
    f.state = PATEN__FILE_STATE__FILE_STATE_RECOMMENDED;
    g_assert_true(paten_file_actions(&f, camat, 1) & PATEN_FILE_ACTION_DECIDE);
    g_assert_false(paten_file_actions(&f, camat, 1) & PATEN_FILE_ACTION_FORWARD);
    g_assert_true(paten_file_actions(&f, loket_plh, 2) & PATEN_FILE_ACTION_DECIDE);
    f.state = PATEN__FILE_STATE__FILE_STATE_APPROVED;
    g_assert_true(paten_file_actions(&f, camat, 1) & PATEN_FILE_ACTION_SIGN);
    g_assert_false(paten_file_actions(&f, loket, 1) & PATEN_FILE_ACTION_HAND_OVER);
    f.fee = PATEN__FEE_KIND__FEE_KIND_RETRIBUSI;
    g_assert_false(paten_file_actions(&f, camat, 1) & PATEN_FILE_ACTION_SIGN);
    f.state = PATEN__FILE_STATE__FILE_STATE_PAID;
    g_assert_true(paten_file_actions(&f, camat, 1) & PATEN_FILE_ACTION_SIGN);
    f.state = PATEN__FILE_STATE__FILE_STATE_SIGNED;
    g_assert_true(paten_file_actions(&f, loket, 1) & PATEN_FILE_ACTION_HAND_OVER);
    f.state = PATEN__FILE_STATE__FILE_STATE_RETURNED;
    g_assert_cmpuint(paten_file_actions(&f, loket, 1), ==,
                     PATEN_FILE_ACTION_DISPOSE | PATEN_FILE_ACTION_RESUME |
                         PATEN_FILE_ACTION_WITHDRAW);
    /* Forwarded services: forward, record the agency's outcome, hand over the approved. */
    f.authority = PATEN__ISSUING_AUTHORITY__ISSUING_AUTHORITY_FORWARDED;
    f.fee = PATEN__FEE_KIND__FEE_KIND_NONE;
    f.state = PATEN__FILE_STATE__FILE_STATE_RECOMMENDED;
    g_assert_true(paten_file_actions(&f, camat, 1) & PATEN_FILE_ACTION_FORWARD);
    g_assert_false(paten_file_actions(&f, camat, 1) & PATEN_FILE_ACTION_DECIDE);
    f.state = PATEN__FILE_STATE__FILE_STATE_FORWARDED;
    g_assert_true(paten_file_actions(&f, sekretariat, 1) & PATEN_FILE_ACTION_AGENCY_OUTCOME);
    g_assert_true(paten_file_actions(&f, loket, 1) & PATEN_FILE_ACTION_AGENCY_OUTCOME);
    f.state = PATEN__FILE_STATE__FILE_STATE_APPROVED;
    g_assert_true(paten_file_actions(&f, loket, 1) & PATEN_FILE_ACTION_HAND_OVER);
    g_assert_false(paten_file_actions(&f, camat, 1) & PATEN_FILE_ACTION_SIGN);
    /* Final states offer nothing. */
    f.state = PATEN__FILE_STATE__FILE_STATE_HANDED_OVER;
    g_assert_cmpuint(paten_file_actions(&f, loket_plh, 2), ==, 0);
    f.state = PATEN__FILE_STATE__FILE_STATE_REJECTED;
    g_assert_cmpuint(paten_file_actions(&f, loket_plh, 2), ==, 0);
}

/* ---- deadlines and the inbox -------------------------------------------------------------- */

/* 12 May 2026 10:00 WIB. */
#define NOW_MS G_GINT64_CONSTANT(1778554800000)
#define HOUR   G_GINT64_CONSTANT(3600000)

static void test_due_text(void)
{
    static const struct {
        gint64 due;
        gboolean overdue, done;
        const char *text;
        PatenDueState state;
    } cases[] = {
        { NOW_MS + 6 * HOUR, FALSE, FALSE, "Hari ini 16.00", PATEN_DUE_TODAY },
        { NOW_MS + 30 * HOUR, FALSE, FALSE, "Besok 16.00", PATEN_DUE_LATER },
        { NOW_MS + 54 * HOUR, FALSE, FALSE, "Tenggat 14 Mei 2026 16.00", PATEN_DUE_LATER },
        { NOW_MS - 2 * HOUR, FALSE, FALSE, "Terlambat sejak 08.00", PATEN_DUE_OVERDUE },
        { NOW_MS - 42 * HOUR, FALSE, FALSE, "Terlambat 2 hari", PATEN_DUE_OVERDUE },
        /* The server's word wins over the clock. */
        { NOW_MS + 6 * HOUR, TRUE, FALSE, "Terlambat sejak 16.00", PATEN_DUE_OVERDUE },
        { NOW_MS - 2 * HOUR, TRUE, TRUE, "Selesai", PATEN_DUE_NONE },
        { 0, FALSE, FALSE, "", PATEN_DUE_NONE },
    };

    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        PatenDueState st;
        g_autofree char *t = paten_due_text(cases[i].due, NOW_MS, cases[i].overdue, cases[i].done,
                                            "Asia/Jakarta", &st);
        if (strcmp(t, cases[i].text) != 0 || st != cases[i].state)
            g_error("case %u: \"%s\" (%d), expected \"%s\" (%d)", i, t, st, cases[i].text,
                    cases[i].state);
    }
}

static int compare_ptr(gconstpointer a, gconstpointer b)
{
    return paten_disposition_compare(*(Paten__Disposition *const *)a,
                                     *(Paten__Disposition *const *)b);
}

static void test_inbox_order(void)
{
    Paten__Disposition d[5];
    Paten__Disposition *order[5];

    for (guint i = 0; i < 5; i++) {
        d[i] = (Paten__Disposition)PATEN__DISPOSITION__INIT;
        d[i].id = i + 1;
        d[i].created_at_ms = NOW_MS - (gint64)i * HOUR;
        order[i] = &d[i];
    }
    d[0].due_ms = NOW_MS + 50 * HOUR;                               /* later */
    d[1].due_ms = NOW_MS + 2 * HOUR;                                /* soon */
    d[2].due_ms = NOW_MS - HOUR, d[2].overdue = TRUE;               /* overdue */
    d[3].due_ms = NOW_MS - 9 * HOUR, d[3].completed_at_ms = NOW_MS; /* done */
    d[4].due_ms = 0;                                                /* no due time */
    qsort(order, 5, sizeof order[0], compare_ptr);
    g_assert_cmpint(order[0]->id, ==, 3);
    g_assert_cmpint(order[1]->id, ==, 2);
    g_assert_cmpint(order[2]->id, ==, 1);
    g_assert_cmpint(order[3]->id, ==, 5);
    g_assert_cmpint(order[4]->id, ==, 4);
}

static void test_names(void)
{
    g_autofree char *place = paten_office_place("Kecamatan Taman");
    g_autofree char *other = paten_office_place("DPMPTSP");

    g_assert_cmpstr(place, ==, "Taman");
    g_assert_cmpstr(other, ==, "DPMPTSP");
    g_assert_cmpstr(paten_file_state_name(PATEN__FILE_STATE__FILE_STATE_RETURNED), ==,
                    "Dikembalikan ke pemohon");
    g_assert_cmpstr(paten_history_action_name("TAKEN_IN"), ==, "Diterima di loket");
    g_assert_cmpstr(paten_history_action_name("SOMETHING_NEW"), ==, "SOMETHING_NEW");
}

int main(int argc, char **argv)
{
    g_setenv("PATEN_DESK_LANG", "id", TRUE);
    paten_desk_init_i18n();
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/files/requirement-when", test_requirement_when);
    g_test_add_func("/files/decimal-parse", test_decimal_parse);
    g_test_add_func("/files/decimal-compare-display", test_decimal_compare_and_display);
    g_test_add_func("/files/dates", test_dates);
    g_test_add_func("/files/field-display-and-money", test_field_display_and_money);
    g_test_add_func("/files/actions", test_actions);
    g_test_add_func("/files/due-text", test_due_text);
    g_test_add_func("/files/inbox-order", test_inbox_order);
    g_test_add_func("/files/names", test_names);
    return g_test_run();
}
