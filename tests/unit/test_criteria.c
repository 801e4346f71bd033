/*
 * test_criteria.c: field checks and criteria rules (server/pd_criteria.c), with the seeds' own
 * limits: an IMB at a kecamatan is at most 100 m2 and single storey (seed 001/004); an IUMK is
 * micro (net assets <= Rp 50 juta or yearly sales <= Rp 300 juta) or small (sales <= Rp 2,5 M).
 */
#include "pd_criteria.h"

#include <glib.h>
#include <stdbool.h>
#include <string.h>

static Paten__FieldSpec f_luas, f_lantai, f_fungsi, f_tanggal, f_kuasa, f_aset, f_omzet, f_nama;
static Paten__FieldSpec *fields[8];
static char *fungsi_choices[] = { "hunian", "usaha" };

static void setup_fields(void)
{
    Paten__FieldSpec *all[] = { &f_luas,  &f_lantai, &f_fungsi, &f_tanggal,
                                &f_kuasa, &f_aset,   &f_omzet,  &f_nama };
    for (size_t i = 0; i < 8; i++) {
        paten__field_spec__init(all[i]);
        fields[i] = all[i];
    }
    f_luas.name = "luas_bangunan", f_luas.label = "Luas bangunan";
    f_luas.type = PATEN__FIELD_TYPE__FIELD_TYPE_NUMBER, f_luas.unit = "m2";
    f_luas.required = true, f_luas.min = "1", f_luas.max = "10000";
    f_lantai.name = "jumlah_lantai", f_lantai.label = "Jumlah lantai";
    f_lantai.type = PATEN__FIELD_TYPE__FIELD_TYPE_NUMBER;
    f_fungsi.name = "fungsi", f_fungsi.label = "Fungsi bangunan";
    f_fungsi.type = PATEN__FIELD_TYPE__FIELD_TYPE_CHOICE;
    f_fungsi.choices = fungsi_choices, f_fungsi.n_choices = 2;
    f_tanggal.name = "tanggal", f_tanggal.label = "Tanggal";
    f_tanggal.type = PATEN__FIELD_TYPE__FIELD_TYPE_DATE;
    f_kuasa.name = "dikuasakan", f_kuasa.label = "Dikuasakan";
    f_kuasa.type = PATEN__FIELD_TYPE__FIELD_TYPE_YES_NO;
    f_aset.name = "kekayaan_bersih", f_aset.label = "Kekayaan bersih";
    f_aset.type = PATEN__FIELD_TYPE__FIELD_TYPE_NUMBER, f_aset.unit = "Rp";
    f_omzet.name = "penjualan_tahunan", f_omzet.label = "Penjualan tahunan";
    f_omzet.type = PATEN__FIELD_TYPE__FIELD_TYPE_NUMBER, f_omzet.unit = "Rp";
    f_nama.name = "nama_usaha", f_nama.label = "Nama usaha";
    f_nama.type = PATEN__FIELD_TYPE__FIELD_TYPE_TEXT;
}

/* Evaluates rule over "name=value" pairs. */
static int eval(const char *rule, const char *const *pairs)
{
    Paten__FieldValue vals[8], *pv[8];
    char names[8][64];
    size_t n = 0;
    char err[256];
    int r;

    for (; pairs && pairs[n]; n++) {
        const char *eq = strchr(pairs[n], '=');
        paten__field_value__init(&vals[n]);
        g_snprintf(names[n], sizeof names[n], "%.*s", (int)(eq - pairs[n]), pairs[n]);
        vals[n].name = names[n];
        vals[n].value = (char *)eq + 1;
        pv[n] = &vals[n];
    }
    g_assert_cmpint(pd_rule_validate(rule, fields, 8, err, sizeof err), ==, 0);
    r = pd_rule_eval(rule, fields, 8, pv, n, err, sizeof err);
    g_assert_cmpint(r, >=, 0);
    return r;
}

static void test_imb_criteria(void)
{
    const char *imb = "{\"all\": [{\"field\": \"luas_bangunan\", \"op\": \"<=\", \"value\": 100},"
                      " {\"field\": \"jumlah_lantai\", \"op\": \"=\", \"value\": 1}]}";
    const char *ok[] = { "luas_bangunan=72", "jumlah_lantai=1", NULL };
    const char *exactly[] = { "luas_bangunan=100", "jumlah_lantai=1", NULL };
    const char *big[] = { "luas_bangunan=100.5", "jumlah_lantai=1", NULL };
    const char *tall[] = { "luas_bangunan=72", "jumlah_lantai=2", NULL };
    const char *missing[] = { "luas_bangunan=72", NULL };

    g_assert_cmpint(eval(imb, ok), ==, 1);
    g_assert_cmpint(eval(imb, exactly), ==, 1);
    g_assert_cmpint(eval(imb, big), ==, 0);
    g_assert_cmpint(eval(imb, tall), ==, 0);
    /* A comparison with an empty field is false, so the rule does not hold. */
    g_assert_cmpint(eval(imb, missing), ==, 0);
}

static void test_iumk_criteria(void)
{
    const char *iumk =
        "{\"any\": [{\"field\": \"kekayaan_bersih\", \"op\": \"<=\", \"value\": 50000000},"
        " {\"field\": \"penjualan_tahunan\", \"op\": \"<=\", \"value\": 2500000000}]}";
    const char *micro[] = { "kekayaan_bersih=40000000", "penjualan_tahunan=3000000000", NULL };
    const char *small[] = { "kekayaan_bersih=900000000", "penjualan_tahunan=2500000000", NULL };
    const char *large[] = { "kekayaan_bersih=900000000", "penjualan_tahunan=2500000000.5", NULL };

    g_assert_cmpint(eval(iumk, micro), ==, 1);
    g_assert_cmpint(eval(iumk, small), ==, 1);
    g_assert_cmpint(eval(iumk, large), ==, 0);
}

static void test_other_ops(void)
{
    const char *in = "{\"field\": \"fungsi\", \"op\": \"in\", \"value\": [\"hunian\"]}";
    const char *not_in =
        "{\"not\": {\"field\": \"fungsi\", \"op\": \"in\", \"value\": [\"hunian\"]}}";
    const char *date = "{\"field\": \"tanggal\", \"op\": \">=\", \"value\": \"2026-01-01\"}";
    const char *yes = "{\"field\": \"dikuasakan\", \"op\": \"=\", \"value\": true}";
    const char *frac = "{\"field\": \"luas_bangunan\", \"op\": \">\", \"value\": 0.5}";
    const char *ne = "{\"field\": \"nama_usaha\", \"op\": \"!=\", \"value\": \"\"}";
    const char *hunian[] = { "fungsi=hunian",      "tanggal=2026-03-18", "dikuasakan=true",
                             "luas_bangunan=0.75", "nama_usaha=Warung",  NULL };
    const char *usaha[] = { "fungsi=usaha", "tanggal=2025-12-31", "dikuasakan=false",
                            "luas_bangunan=0.5", NULL };

    g_assert_cmpint(eval(in, hunian), ==, 1);
    g_assert_cmpint(eval(in, usaha), ==, 0);
    g_assert_cmpint(eval(not_in, usaha), ==, 1);
    g_assert_cmpint(eval(date, hunian), ==, 1);
    g_assert_cmpint(eval(date, usaha), ==, 0);
    g_assert_cmpint(eval(yes, hunian), ==, 1);
    g_assert_cmpint(eval(yes, usaha), ==, 0);
    g_assert_cmpint(eval(frac, hunian), ==, 1);
    g_assert_cmpint(eval(frac, usaha), ==, 0);
    g_assert_cmpint(eval(ne, hunian), ==, 1);
    g_assert_cmpint(eval("{\"field\": \"luas_bangunan\", \"op\": \"<\", \"value\": \"1\"}", hunian),
                    ==, 1);
}

static void test_invalid_rules(void)
{
    char err[256];
    const char *bad[][2] = {
        { "not json", "not JSON" },
        { "[1]", "JSON object" },
        { "{\"all\": []}", "non-empty" },
        { "{\"all\": [], \"any\": []}", "nothing else" },
        { "{\"not\": {}, \"x\": 1}", "nothing else" },
        { "{\"field\": \"tinggi\", \"op\": \"=\", \"value\": 1}", "does not have" },
        { "{\"field\": \"luas_bangunan\", \"op\": \"~\", \"value\": 1}", "unknown op" },
        { "{\"field\": \"luas_bangunan\", \"op\": \"=\", \"value\": \"besar\"}", "type" },
        { "{\"field\": \"luas_bangunan\", \"op\": \"=\"}", "comparison" },
        { "{\"field\": \"dikuasakan\", \"op\": \"<\", \"value\": true}", "yes/no" },
        { "{\"field\": \"fungsi\", \"op\": \"in\", \"value\": \"hunian\"}", "list" },
        { "{\"field\": \"luas_bangunan\", \"op\": \"in\", \"value\": [\"x\"]}", "type" },
        { "{\"field\": \"luas_bangunan\", \"op\": \"=\", \"value\": 0.00001}", "type" },
    };
    GString *deep = g_string_new(NULL);

    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        if (pd_rule_validate(bad[i][0], fields, 8, err, sizeof err) != -1)
            g_error("rule %s was accepted", bad[i][0]);
        if (strstr(err, bad[i][1]) == NULL)
            g_error("rule %s: error '%s' lacks '%s'", bad[i][0], err, bad[i][1]);
    }
    for (int i = 0; i < 20; i++)
        g_string_append(deep, "{\"not\": ");
    g_string_append(deep, "{\"field\": \"luas_bangunan\", \"op\": \"=\", \"value\": 1}");
    for (int i = 0; i < 20; i++)
        g_string_append(deep, "}");
    g_assert_cmpint(pd_rule_validate(deep->str, fields, 8, err, sizeof err), ==, -1);
    g_assert_nonnull(strstr(err, "deeper"));
    g_string_free(deep, TRUE);
}

static void test_field_checks(void)
{
    char msg[256];

    g_assert_cmpint(pd_field_check(&f_luas, "72.5", msg, sizeof msg), ==, 0);
    g_assert_cmpint(pd_field_check(&f_luas, "", msg, sizeof msg), ==, -1);
    g_assert_nonnull(strstr(msg, "wajib"));
    g_assert_cmpint(pd_field_check(&f_luas, "0.5", msg, sizeof msg), ==, -1);
    g_assert_nonnull(strstr(msg, "paling sedikit 1 m2"));
    g_assert_cmpint(pd_field_check(&f_luas, "10001", msg, sizeof msg), ==, -1);
    g_assert_cmpint(pd_field_check(&f_luas, "72,5", msg, sizeof msg), ==, -1);
    g_assert_nonnull(strstr(msg, "angka"));
    g_assert_cmpint(pd_field_check(&f_lantai, "", msg, sizeof msg), ==, 0); /* optional */
    g_assert_cmpint(pd_field_check(&f_fungsi, "hunian", msg, sizeof msg), ==, 0);
    g_assert_cmpint(pd_field_check(&f_fungsi, "pabrik", msg, sizeof msg), ==, -1);
    g_assert_cmpint(pd_field_check(&f_tanggal, "2026-02-29", msg, sizeof msg), ==, -1);
    g_assert_cmpint(pd_field_check(&f_tanggal, "2026-02-28", msg, sizeof msg), ==, 0);
    g_assert_cmpint(pd_field_check(&f_kuasa, "ya", msg, sizeof msg), ==, -1);
    g_assert_cmpint(pd_field_check(&f_kuasa, "false", msg, sizeof msg), ==, 0);
    g_assert_cmpint(pd_field_check(&f_nama, "Warung Bu Sri", msg, sizeof msg), ==, 0);
}

static void test_field_lists(void)
{
    char err[256];
    Paten__FieldSpec bad = PATEN__FIELD_SPEC__INIT;
    Paten__FieldSpec *two[] = { &f_luas, &bad };

    g_assert_cmpint(pd_fields_validate(fields, 8, err, sizeof err), ==, 0);
    bad.name = "Luas", bad.label = "x", bad.type = PATEN__FIELD_TYPE__FIELD_TYPE_TEXT;
    g_assert_cmpint(pd_fields_validate(two, 2, err, sizeof err), ==, -1);
    g_assert_nonnull(strstr(err, "snake_case"));
    bad.name = "luas_bangunan";
    g_assert_cmpint(pd_fields_validate(two, 2, err, sizeof err), ==, -1);
    g_assert_nonnull(strstr(err, "twice"));
    bad.name = "pilihan", bad.type = PATEN__FIELD_TYPE__FIELD_TYPE_CHOICE;
    g_assert_cmpint(pd_fields_validate(two, 2, err, sizeof err), ==, -1);
    g_assert_nonnull(strstr(err, "choices"));
    bad.type = PATEN__FIELD_TYPE__FIELD_TYPE_TEXT, bad.min = "1";
    g_assert_cmpint(pd_fields_validate(two, 2, err, sizeof err), ==, -1);
    g_assert_nonnull(strstr(err, "bounds"));
    bad.type = PATEN__FIELD_TYPE__FIELD_TYPE_NUMBER, bad.min = "satu";
    g_assert_cmpint(pd_fields_validate(two, 2, err, sizeof err), ==, -1);
    bad.type = PATEN__FIELD_TYPE__FIELD_TYPE_UNSPECIFIED, bad.min = "";
    g_assert_cmpint(pd_fields_validate(two, 2, err, sizeof err), ==, -1);
    g_assert_nonnull(strstr(err, "type"));
    bad.type = PATEN__FIELD_TYPE__FIELD_TYPE_TEXT, bad.label = "";
    g_assert_cmpint(pd_fields_validate(two, 2, err, sizeof err), ==, -1);
    g_assert_nonnull(strstr(err, "label"));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    setup_fields();
    g_test_add_func("/criteria/imb", test_imb_criteria);
    g_test_add_func("/criteria/iumk", test_iumk_criteria);
    g_test_add_func("/criteria/other-ops", test_other_ops);
    g_test_add_func("/criteria/invalid-rules", test_invalid_rules);
    g_test_add_func("/fields/checks", test_field_checks);
    g_test_add_func("/fields/lists", test_field_lists);
    return g_test_run();
}
