/*
 * paten_money.h: exact money arithmetic for assessments and late interest.
 *
 * Money is whole rupiah; rates, indices and measurements are exact decimals (domain.md, "Money
 * rules"). A calculation multiplies and adds such decimals without ever rounding, as a
 * paten_exact (an integer count of 1/10^scale units, 128 bits wide), and rounds once, at the end,
 * to whole rupiah as the tariff says. Late interest counts calendar months from the due date.
 *
 * Every operation checks for overflow and reports it instead of wrapping: an amount that does not
 * fit is an input error (an area of a billion square metres), never a wrong bill.
 */
#ifndef PATEN_MONEY_H
#define PATEN_MONEY_H

#include "paten_calendar.h"

#include <stdbool.h>
#include <stdint.h>

/* An exact decimal: units / 10^scale. */
typedef struct {
    __int128 units;
    int scale; /* 0..36 */
} paten_exact;

/* How the final amount is rounded to whole rupiah (a tariff's or a regime's setting). */
typedef enum {
    PATEN_ROUND_HALF_UP = 0, /* the default: .5 and above up (away from zero) */
    PATEN_ROUND_DOWN = 1,    /* towards zero */
    PATEN_ROUND_UP = 2,      /* away from zero */
} paten_round_mode;

typedef struct {
    paten_round_mode mode;
    int64_t unit; /* round to a multiple of this many rupiah: 1, 100, 1000 (>= 1) */
} paten_rounding;

/* The decimal v / 10^scale (scale 0..9, as paten_decimal_parse gives it). */
paten_exact paten_exact_of(int64_t v, int scale);

/* a x b, a + b, a / 2 (exactly: one more decimal place). Return 0, or -1 on overflow (the
 * result is then unchanged). */
int paten_exact_mul(paten_exact a, paten_exact b, paten_exact *out);
int paten_exact_add(paten_exact a, paten_exact b, paten_exact *out);
int paten_exact_half(paten_exact a, paten_exact *out);

/* a rounded to whole rupiah by r. Returns 0, or -1 when the result does not fit an int64 or r
 * is not a valid rounding. */
int paten_exact_round(paten_exact a, paten_rounding r, int64_t *rupiah);

/* Writes a as decimal text without trailing fractional zeros ("72.5", "1458000", "0.0125") into
 * out (at least 48 bytes). */
void paten_exact_format(paten_exact a, char *out, size_t cap);

/* A regime of late interest (sanksi administrasi bunga). */
typedef struct {
    int32_t monthly_bp;        /* the rate a month in basis points: 200 = 2% */
    int32_t max_months;        /* at most this many months are charged (0: no cap) */
    bool started_month_counts; /* a started month counts as a whole one */
    paten_rounding rounding;
} paten_interest_regime;

/*
 * The months of interest owed when a bill due on `due` is paid on `paid`: calendar months from
 * the due date (due 31 January: one month has passed on 28 February, or 29 in a leap year),
 * paying on or before the due date costs none, a month begun counts only when the regime says
 * so, and never more than its cap.
 */
int paten_interest_months(const paten_interest_regime *r, paten_day due, paten_day paid);

/* The interest on principal (whole rupiah, >= 0) for months months under r: principal x rate x
 * months, rounded once. Returns 0, or -1 on overflow or a negative principal. */
int paten_interest_amount(const paten_interest_regime *r, int64_t principal, int months,
                          int64_t *interest);

#endif
