/*
 * test_money.c: exact money arithmetic, the tariff formulas and late interest
 * (common/paten_money.c, common/paten_tariff.c), on the worked examples of issue 5, each computed
 * by hand in the comment above it.
 */
#include "paten_decimal.h"
#include "paten_money.h"
#include "paten_tariff.h"

#include <glib.h>
#include <string.h>

static const paten_rounding RUPIAH = { PATEN_ROUND_HALF_UP, 1 };

/* The exact decimal written in text ("72.5"). */
static paten_exact D(const char *text)
{
    int64_t v;

    g_assert_cmpint(paten_decimal_parse(text, 6, &v), ==, 0);
    return paten_exact_of(v, 6);
}

static char *fmt(paten_exact a)
{
    char buf[64];

    paten_exact_format(a, buf, sizeof buf);
    return g_strdup(buf);
}

static void test_exact_and_rounding(void)
{
    paten_exact x;
    int64_t r;
    g_autofree char *s1 = NULL, *s2 = NULL, *s3 = NULL;

    /* 72.5 x 1.125 = 81.5625; x 0.85 = 69.328125; x 7.500 = 519.960,9375. */
    g_assert_cmpint(paten_exact_mul(D("72.5"), D("1.125"), &x), ==, 0);
    g_assert_cmpint(paten_exact_mul(x, D("0.85"), &x), ==, 0);
    g_assert_cmpint(paten_exact_mul(x, D("7500"), &x), ==, 0);
    s1 = fmt(x);
    g_assert_cmpstr(s1, ==, "519960.9375");
    g_assert_cmpint(paten_exact_round(x, RUPIAH, &r), ==, 0);
    g_assert_cmpint(r, ==, 519961);
    g_assert_cmpint(paten_exact_round(x, (paten_rounding){ PATEN_ROUND_DOWN, 1 }, &r), ==, 0);
    g_assert_cmpint(r, ==, 519960);
    /* To the hundred rupiah: 519.960,94 -> 520.000 half up, 519.900 down, 520.000 up. */
    g_assert_cmpint(paten_exact_round(x, (paten_rounding){ PATEN_ROUND_HALF_UP, 100 }, &r), ==, 0);
    g_assert_cmpint(r, ==, 520000);
    g_assert_cmpint(paten_exact_round(x, (paten_rounding){ PATEN_ROUND_DOWN, 100 }, &r), ==, 0);
    g_assert_cmpint(r, ==, 519900);
    g_assert_cmpint(paten_exact_round(x, (paten_rounding){ PATEN_ROUND_UP, 1000 }, &r), ==, 0);
    g_assert_cmpint(r, ==, 520000);
    /* Exactly half goes up; just under half goes down. */
    g_assert_cmpint(paten_exact_round(D("10.5"), RUPIAH, &r), ==, 0);
    g_assert_cmpint(r, ==, 11);
    g_assert_cmpint(paten_exact_round(D("10.499999"), RUPIAH, &r), ==, 0);
    g_assert_cmpint(r, ==, 10);
    /* Halves are exact: (1.5 + 2) / 2 = 1.75. */
    g_assert_cmpint(paten_exact_add(D("1.5"), D("2"), &x), ==, 0);
    g_assert_cmpint(paten_exact_half(x, &x), ==, 0);
    s2 = fmt(x);
    g_assert_cmpstr(s2, ==, "1.75");
    s3 = fmt(D("0.0125"));
    g_assert_cmpstr(s3, ==, "0.0125");
    /* A bad rounding and an amount beyond int64 are errors, never wrong numbers. */
    g_assert_cmpint(paten_exact_round(D("1"), (paten_rounding){ PATEN_ROUND_HALF_UP, 0 }, &r), ==,
                    -1);
    x = paten_exact_of(INT64_MAX, 0);
    g_assert_cmpint(paten_exact_mul(x, paten_exact_of(10, 0), &x), ==, 0);
    g_assert_cmpint(paten_exact_round(x, RUPIAH, &r), ==, -1);
    /* A product too long for 128 bits overflows loudly. */
    x = paten_exact_of(INT64_MAX, 0);
    for (int i = 0; i < 3 && paten_exact_mul(x, x, &x) == 0; i++)
        ;
    g_assert_cmpint(paten_exact_mul(x, x, &x), ==, -1);
}

static void test_formulas(void)
{
    paten_tariff_result res;

    /* IMB, 72 m2 at an integrated index of 1.1 and an activity index of 1 (a dwelling) at
     * Rp 10.000 a m2: 72 x 1,1 = 79,2; x 1 x 10.000 = Rp 792.000. */
    paten_exact imb[] = { D("72"), D("1.1"), D("1"), D("10000") };
    g_assert_cmpint(paten_tariff_calculate(PATEN_TARIFF_IMB, imb, RUPIAH, &res), ==, 0);
    g_assert_cmpint(res.amount, ==, 792000);
    g_assert_cmpint(res.n_steps, ==, 1);

    /* HO, 50 m2, nuisance index 3 and location index 2 (average 2,5), seed 001's Rp 100:
     * 50 x 2,5 x 100 = Rp 12.500. */
    paten_exact ho[] = { D("50"), D("3"), D("2"), D("100") };
    g_assert_cmpint(paten_tariff_calculate(PATEN_TARIFF_HO, ho, RUPIAH, &res), ==, 0);
    g_assert_cmpint(res.amount, ==, 12500);
    {
        g_autofree char *avg = fmt(res.steps[0].value);
        g_assert_cmpstr(avg, ==, "2.5");
    }

    /* Burial, a 2 m2 plot at Rp 8.000 and a 2 m2 tomb at Rp 10.000 (seed 001):
     * 16.000 + 20.000 = Rp 36.000. */
    paten_exact burial[] = { D("2"), D("8000"), D("2"), D("10000") };
    g_assert_cmpint(paten_tariff_calculate(PATEN_TARIFF_BURIAL, burial, RUPIAH, &res), ==, 0);
    g_assert_cmpint(res.amount, ==, 36000);
    g_assert_cmpint(res.n_steps, ==, 3);

    /* Reklame 2 m x 3 m, two faces, one board: 12 m2. Pemalang (seed 004), a year at
     * Rp 121.500 a m2 a year: 12 x 121.500 = Rp 1.458.000. */
    paten_exact year[] = { D("2"), D("3"), D("2"), D("1"), D("121500"), D("1") };
    g_assert_cmpint(paten_tariff_calculate(PATEN_TARIFF_REKLAME_CHARGE, year, RUPIAH, &res), ==, 0);
    g_assert_cmpint(res.amount, ==, 1458000);
    {
        g_autofree char *area = fmt(res.steps[0].value);
        g_assert_cmpstr(area, ==, "12");
    }
    /* Three months at Rp 10.125 a m2 a month: 12 x 10.125 x 3 = Rp 364.500. */
    paten_exact months[] = { D("2"), D("3"), D("2"), D("1"), D("10125"), D("3") };
    g_assert_cmpint(paten_tariff_calculate(PATEN_TARIFF_REKLAME_CHARGE, months, RUPIAH, &res), ==,
                    0);
    g_assert_cmpint(res.amount, ==, 364500);
    /* Temanggung (seed 001), Rp 25.000 a m2 per permit: 12 x 25.000 = Rp 300.000. */
    paten_exact permit[] = { D("2"), D("3"), D("2"), D("1"), D("25000"), D("1") };
    g_assert_cmpint(paten_tariff_calculate(PATEN_TARIFF_REKLAME_CHARGE, permit, RUPIAH, &res), ==,
                    0);
    g_assert_cmpint(res.amount, ==, 300000);

    /* Reklame tax on the rental value: 12 m2 x Rp 50.000 a m2 a year x 1 = NSR Rp 600.000;
     * 25% of it = Rp 150.000. A rate above the legal 25% is refused. */
    paten_exact tax[] = { D("2"), D("3"), D("2"), D("1"), D("50000"), D("1"), D("0.25") };
    g_assert_cmpint(paten_tariff_calculate(PATEN_TARIFF_REKLAME_TAX, tax, RUPIAH, &res), ==, 0);
    g_assert_cmpint(res.amount, ==, 150000);
    g_assert_cmpint(res.n_steps, ==, 3);
    tax[6] = D("0.2501");
    g_assert_cmpint(paten_tariff_calculate(PATEN_TARIFF_REKLAME_TAX, tax, RUPIAH, &res), ==, -1);

    /* A negative measurement or an unknown formula is refused. */
    imb[0] = D("-72");
    g_assert_cmpint(paten_tariff_calculate(PATEN_TARIFF_IMB, imb, RUPIAH, &res), ==, -1);
    g_assert_cmpint(paten_tariff_calculate((paten_tariff_kind)99, imb, RUPIAH, &res), ==, -1);
}

static paten_day day(const char *iso)
{
    paten_day d;

    g_assert_cmpint(paten_day_parse(iso, &d), ==, 0);
    return d;
}

static void test_interest(void)
{
    /* Temanggung (seed 001): 2% a month, at most 6. Pemalang (UU 1/2022): 1% a month, at most
     * 24. In both a started month counts whole. */
    const paten_interest_regime temanggung = { 200, 6, true, RUPIAH };
    const paten_interest_regime pemalang = { 100, 24, true, RUPIAH };
    /* Due 31 March 2026; the principal is the reklame of Rp 1.458.000. */
    const paten_day due = day("2026-03-31");
    static const struct {
        const char *paid;
        int months_temanggung, months_pemalang;
        int64_t temanggung, pemalang;
    } cases[] = {
        /* On the due date: nothing. */
        { "2026-03-31", 0, 0, 0, 0 },
        /* A day late: a started month. 2% of 1.458.000 = 29.160; 1% = 14.580. */
        { "2026-04-01", 1, 1, 29160, 14580 },
        /* One calendar month: 31 March + 1 month is 30 April (the month's last day). */
        { "2026-04-30", 1, 1, 29160, 14580 },
        /* A month and a day: two. */
        { "2026-05-01", 2, 2, 58320, 29160 },
        /* Six months: 6 x 29.160 = 174.960; 6 x 14.580 = 87.480. */
        { "2026-09-30", 6, 6, 174960, 87480 },
        /* Seven: Temanggung stops at six; 7 x 14.580 = 102.060. */
        { "2026-10-31", 6, 7, 174960, 102060 },
        /* Thirty: capped at 6 and 24; 24 x 14.580 = 349.920. */
        { "2028-09-30", 6, 24, 174960, 349920 },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        paten_day paid = day(cases[i].paid);
        int mt = paten_interest_months(&temanggung, due, paid);
        int mp = paten_interest_months(&pemalang, due, paid);
        int64_t it, ip;

        g_assert_cmpint(mt, ==, cases[i].months_temanggung);
        g_assert_cmpint(mp, ==, cases[i].months_pemalang);
        g_assert_cmpint(paten_interest_amount(&temanggung, 1458000, mt, &it), ==, 0);
        g_assert_cmpint(paten_interest_amount(&pemalang, 1458000, mp, &ip), ==, 0);
        g_assert_cmpint(it, ==, cases[i].temanggung);
        g_assert_cmpint(ip, ==, cases[i].pemalang);
    }
    /* Paid early: nothing. */
    g_assert_cmpint(paten_interest_months(&pemalang, due, day("2026-03-01")), ==, 0);

    /* Where only whole months count: a day late is nothing, a month and a day is one. */
    const paten_interest_regime whole = { 200, 0, false, RUPIAH };
    g_assert_cmpint(paten_interest_months(&whole, due, day("2026-04-01")), ==, 0);
    g_assert_cmpint(paten_interest_months(&whole, due, day("2026-04-30")), ==, 1);
    g_assert_cmpint(paten_interest_months(&whole, due, day("2026-05-01")), ==, 1);
    /* No cap: 30 months. */
    g_assert_cmpint(paten_interest_months(&whole, due, day("2028-09-30")), ==, 30);
    /* Due 31 January 2028 (a leap year): a month has passed on 29 February. */
    g_assert_cmpint(paten_interest_months(&whole, day("2028-01-31"), day("2028-02-28")), ==, 0);
    g_assert_cmpint(paten_interest_months(&whole, day("2028-01-31"), day("2028-02-29")), ==, 1);
    /* Rounded once: 2% of Rp 1.234 for a month = 24,68 -> Rp 25. */
    {
        int64_t i;
        g_assert_cmpint(paten_interest_amount(&whole, 1234, 1, &i), ==, 0);
        g_assert_cmpint(i, ==, 25);
        g_assert_cmpint(paten_interest_amount(&whole, -1, 1, &i), ==, -1);
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/money/exact-and-rounding", test_exact_and_rounding);
    g_test_add_func("/money/formulas", test_formulas);
    g_test_add_func("/money/interest", test_interest);
    return g_test_run();
}
