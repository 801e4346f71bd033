/*
 * test_decimal.c: decimal text <-> scaled integers (common/paten_decimal.c).
 */
#include "paten_decimal.h"

#include <glib.h>
#include <stdint.h>

static void test_parse(void)
{
    int64_t v;

    g_assert_cmpint(paten_decimal_parse("72.5", 4, &v), ==, 0);
    g_assert_cmpint(v, ==, 725000);
    g_assert_cmpint(paten_decimal_parse("100", 4, &v), ==, 0);
    g_assert_cmpint(v, ==, 1000000);
    g_assert_cmpint(paten_decimal_parse("-0.25", 4, &v), ==, 0);
    g_assert_cmpint(v, ==, -2500);
    g_assert_cmpint(paten_decimal_parse("+3", 0, &v), ==, 0);
    g_assert_cmpint(v, ==, 3);
    g_assert_cmpint(paten_decimal_parse(".5", 2, &v), ==, 0);
    g_assert_cmpint(v, ==, 50);
    /* Rp 2.500.000.000 as a plain number, exactly. */
    g_assert_cmpint(paten_decimal_parse("2500000000", 4, &v), ==, 0);
    g_assert_cmpint(v, ==, 25000000000000LL);
    /* More fractional digits than the scale: refused, not rounded. */
    g_assert_cmpint(paten_decimal_parse("0.00001", 4, &v), ==, -1);
    g_assert_cmpint(paten_decimal_parse("1.10", 1, &v), ==, -1);
    /* Not numbers. */
    const char *bad[] = { "", "-", ".", "5.", "1.2.3", "1e3", "1,5", "12a", " 1", "--1", NULL };
    for (int i = 0; bad[i]; i++)
        g_assert_cmpint(paten_decimal_parse(bad[i], 4, &v), ==, -1);
    g_assert_cmpint(paten_decimal_parse(NULL, 4, &v), ==, -1);
    g_assert_cmpint(paten_decimal_parse("1", 10, &v), ==, -1);
    /* Overflow is refused, at the digits and at the scaling. */
    g_assert_cmpint(paten_decimal_parse("9223372036854775807", 0, &v), ==, 0);
    g_assert_cmpint(v, ==, INT64_MAX);
    g_assert_cmpint(paten_decimal_parse("9223372036854775808", 0, &v), ==, -1);
    g_assert_cmpint(paten_decimal_parse("922337203685477", 4, &v), ==, 0);
    g_assert_cmpint(paten_decimal_parse("922337203685478", 4, &v), ==, -1);
}

static void test_format(void)
{
    char s[32];
    int64_t v;
    const char *round_trip[] = { "0", "72.5", "100", "-0.25", "0.0001", "123456789.1234", NULL };

    paten_decimal_format(725000, 4, s, sizeof s);
    g_assert_cmpstr(s, ==, "72.5");
    paten_decimal_format(-2500, 4, s, sizeof s);
    g_assert_cmpstr(s, ==, "-0.25");
    paten_decimal_format(INT64_MIN, 0, s, sizeof s);
    g_assert_cmpstr(s, ==, "-9223372036854775808");
    for (int i = 0; round_trip[i]; i++) {
        g_assert_cmpint(paten_decimal_parse(round_trip[i], 4, &v), ==, 0);
        paten_decimal_format(v, 4, s, sizeof s);
        g_assert_cmpstr(s, ==, round_trip[i]);
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/decimal/parse", test_parse);
    g_test_add_func("/decimal/format", test_format);
    return g_test_run();
}
