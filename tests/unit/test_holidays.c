/*
 * test_holidays.c: the holiday calendar file reader (common/paten_holidays.c) on the real 2026
 * file and on broken ones, each refused with the line named.
 */
#include "paten_holidays.h"

#include <glib.h>
#include <stdlib.h>
#include <string.h>

static int parse(const char *text, struct paten_holiday **out, char *err)
{
    return paten_holidays_parse(text, strlen(text), out, err, 200);
}

static void test_2026_file(void)
{
    g_autofree char *data = NULL;
    gsize len;
    struct paten_holiday *days = NULL;
    char err[200];
    int n, cuti = 0;

    g_assert_true(g_file_get_contents(g_getenv("PATEN_HOLIDAYS_2026"), &data, &len, NULL));
    n = paten_holidays_parse(data, len, &days, err, sizeof err);
    g_assert_cmpint(n, ==, 25);
    g_assert_cmpstr(days[0].date, ==, "2026-01-01");
    g_assert_cmpint(days[0].kind, ==, PATEN_HOLIDAY_NATIONAL);
    g_assert_cmpstr(days[0].name, ==, "Tahun Baru 2026 Masehi");
    for (int i = 0; i < n; i++)
        cuti += days[i].kind == PATEN_HOLIDAY_CUTI_BERSAMA;
    g_assert_cmpint(cuti, ==, 8);
    g_assert_cmpstr(days[n - 1].date, ==, "2026-12-25");
    free(days);
}

static void test_quoting_and_line_ends(void)
{
    struct paten_holiday *days = NULL;
    char err[200];
    const char *text = "date,kind,name\r\n"
                       "2027-01-01,libur_nasional,\"Tahun Baru, 2027\"\r\n"
                       "\r\n"
                       "2027-03-10,cuti_bersama,\"Cuti \"\"bersama\"\"\"\r\n";

    g_assert_cmpint(parse(text, &days, err), ==, 2);
    g_assert_cmpstr(days[0].name, ==, "Tahun Baru, 2027");
    g_assert_cmpstr(days[1].name, ==, "Cuti \"bersama\"");
    free(days);
}

static void test_errors(void)
{
    struct paten_holiday *days = NULL;
    char err[200];
    const char *cases[][2] = {
        { "", "empty" },
        { "tanggal,jenis,nama\n", "header" },
        { "date,kind,name\n2026-02-30,libur_nasional,X\n", "line 2: '2026-02-30' is not a date" },
        { "date,kind,name\n2026-01-01,libur_nasional,A\n2026-01-02,libur_daerah,B\n",
          "line 3: kind 'libur_daerah'" },
        { "date,kind,name\n2026-01-01,libur_nasional,A\n2026-01-01,cuti_bersama,B\n",
          "line 3: 2026-01-01 appears twice" },
        { "date,kind,name\n2026-01-01,libur_nasional\n", "line 2: 2 fields" },
        { "date,kind,name\n2026-01-01,libur_nasional,\n", "line 2: the name" },
        { "date,kind,name\n2026-01-01,libur_nasional,\"open\n", "line 2" },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        days = NULL;
        g_assert_cmpint(parse(cases[i][0], &days, err), ==, -1);
        g_assert_null(days);
        if (strstr(err, cases[i][1]) == NULL)
            g_error("case %zu: error '%s' lacks '%s'", i, err, cases[i][1]);
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/holidays/2026-file", test_2026_file);
    g_test_add_func("/holidays/quoting-and-line-ends", test_quoting_and_line_ends);
    g_test_add_func("/holidays/errors", test_errors);
    return g_test_run();
}
