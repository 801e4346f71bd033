/*
 * test_rates.c: the Tarif workspace's exact text without a display or a server
 * (client-gtk/paten-regime-dialog.h, paten-tariff-dialog.h): an interest rate typed as a percent
 * read into whole basis points digit by digit (never through a double), shown back the Indonesian
 * way, and the formulas' names.
 */
#include "paten-desk.h"
#include "paten-regime-dialog.h"
#include "paten-tariff-dialog.h"

#include <string.h>

static void test_rate_parse(void)
{
    static const struct {
        const char *in;
        int32_t bp;
    } cases[] = {
        { "2", 200 },
        { "1,5", 150 },
        { "1.5", 150 },
        { "0,25", 25 },
        { "2 %", 200 },
        { "2%", 200 },
        { " 1,05 ", 105 },
        { "2,50", 250 },
        { "0", 0 },
        { "100", 10000 },
        { "12,34", 1234 },
        { "0,1", 10 },
        /* Refused: not a percent, below 0, above 100, or finer than a basis point. */
        { "", -1 },
        { "%", -1 },
        { "abc", -1 },
        { "-1", -1 },
        { "100,01", -1 },
        { "1,555", -1 },
        { "0,001", -1 },
        { "1.000", -1 },
        { "1e2", -1 },
        { "2,5,0", -1 },
    };

    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        int32_t got = paten_rate_parse(cases[i].in);

        if (got != cases[i].bp)
            g_error("paten_rate_parse(\"%s\") = %d, want %d", cases[i].in, got, cases[i].bp);
    }
}

static void test_rate_display(void)
{
    static const struct {
        int32_t bp;
        const char *out;
    } cases[] = {
        { 200, "2%" }, { 150, "1,5%" },   { 25, "0,25%" },    { 105, "1,05%" },
        { 0, "0%" },   { 10000, "100%" }, { 1234, "12,34%" },
    };

    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *got = paten_rate_display(cases[i].bp);
        g_autofree char *bare = g_strndup(got, strlen(got) - 1);

        g_assert_cmpstr(got, ==, cases[i].out);
        /* What the dialog shows (without the sign) reads back to the same rate. */
        g_assert_cmpint(paten_rate_parse(bare), ==, cases[i].bp);
    }
}

static void test_formula_names(void)
{
    g_assert_cmpstr(paten_tariff_formula_name(PATEN__TARIFF_FORMULA__TARIFF_FORMULA_IMB), ==,
                    "Izin Mendirikan Bangunan (IMB)");
    g_assert_cmpstr(paten_tariff_formula_name(PATEN__TARIFF_FORMULA__TARIFF_FORMULA_REKLAME_TAX),
                    ==, "Pajak reklame atas nilai sewa (NSR)");
    g_assert_cmpstr(paten_tariff_formula_name(PATEN__TARIFF_FORMULA__TARIFF_FORMULA_UNSPECIFIED),
                    ==, "?");
}

int main(int argc, char **argv)
{
    g_setenv("PATEN_DESK_LANG", "id", TRUE);
    paten_desk_init_i18n();
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/rates/parse", test_rate_parse);
    g_test_add_func("/rates/display", test_rate_display);
    g_test_add_func("/rates/formula-names", test_formula_names);
    return g_test_run();
}
