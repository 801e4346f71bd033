/*
 * paten_money.c: exact money arithmetic and late interest (see paten_money.h).
 *
 * Results are kept normalised (no trailing fractional zeros), so that a long product of short
 * decimals stays far from the 36 decimal places a 128-bit integer can carry.
 */
#include "paten_money.h"

#include <stdio.h>
#include <string.h>

#define MAX_SCALE 36

static __int128 pow10_128(int n)
{
    __int128 p = 1;
    while (n-- > 0)
        p *= 10;
    return p;
}

static paten_exact normalise(paten_exact a)
{
    while (a.scale > 0 && a.units % 10 == 0) {
        a.units /= 10;
        a.scale--;
    }
    if (a.units == 0)
        a.scale = 0;
    return a;
}

paten_exact paten_exact_of(int64_t v, int scale)
{
    paten_exact a = { v, scale < 0 ? 0 : scale };
    return normalise(a);
}

int paten_exact_mul(paten_exact a, paten_exact b, paten_exact *out)
{
    paten_exact r;

    if (__builtin_mul_overflow(a.units, b.units, &r.units))
        return -1;
    r.scale = a.scale + b.scale;
    r = normalise(r);
    if (r.scale > MAX_SCALE)
        return -1;
    *out = r;
    return 0;
}

/* a with its scale raised to scale (>= a.scale). */
static int rescale(paten_exact a, int scale, paten_exact *out)
{
    __int128 f = pow10_128(scale - a.scale);

    if (__builtin_mul_overflow(a.units, f, &out->units))
        return -1;
    out->scale = scale;
    return 0;
}

int paten_exact_add(paten_exact a, paten_exact b, paten_exact *out)
{
    int scale = a.scale > b.scale ? a.scale : b.scale;
    paten_exact x, y, r;

    if (rescale(a, scale, &x) < 0 || rescale(b, scale, &y) < 0)
        return -1;
    if (__builtin_add_overflow(x.units, y.units, &r.units))
        return -1;
    r.scale = scale;
    *out = normalise(r);
    return 0;
}

int paten_exact_half(paten_exact a, paten_exact *out)
{
    paten_exact five = { 5, 1 };
    return paten_exact_mul(a, five, out);
}

int paten_exact_round(paten_exact a, paten_rounding r, int64_t *rupiah)
{
    __int128 d, q, rem, result;

    if (r.unit < 1 ||
        (r.mode != PATEN_ROUND_HALF_UP && r.mode != PATEN_ROUND_DOWN && r.mode != PATEN_ROUND_UP))
        return -1;
    if (__builtin_mul_overflow(pow10_128(a.scale), (__int128)r.unit, &d))
        return -1;
    q = a.units / d;
    rem = a.units % d;
    if (rem != 0) {
        __int128 mag = rem < 0 ? -rem : rem;
        bool away = r.mode == PATEN_ROUND_UP || (r.mode == PATEN_ROUND_HALF_UP && mag * 2 >= d);
        if (away)
            q += a.units < 0 ? -1 : 1;
    }
    if (__builtin_mul_overflow(q, (__int128)r.unit, &result) || result > INT64_MAX ||
        result < INT64_MIN)
        return -1;
    *rupiah = (int64_t)result;
    return 0;
}

void paten_exact_format(paten_exact a, char *out, size_t cap)
{
    char digits[48];
    int n = 0;
    unsigned __int128 u;
    size_t k = 0;

    a = normalise(a);
    u = a.units < 0 ? (unsigned __int128)(-(a.units + 1)) + 1 : (unsigned __int128)a.units;
    do {
        digits[n++] = (char)('0' + (int)(u % 10));
        u /= 10;
    } while (u != 0 && n < (int)sizeof digits - 1);
    while (n <= a.scale) /* at least one digit before the point */
        digits[n++] = '0';
    if (cap == 0)
        return;
    if (a.units < 0 && k + 1 < cap)
        out[k++] = '-';
    for (int i = n - 1; i >= 0 && k + 1 < cap; i--) {
        out[k++] = digits[i];
        if (i == a.scale && a.scale > 0 && k + 1 < cap)
            out[k++] = '.';
    }
    out[k] = '\0';
}

/* ---- late interest ------------------------------------------------------------------------ */

static int days_in_month(int year, int month)
{
    int ny = month == 12 ? year + 1 : year, nm = month == 12 ? 1 : month + 1;
    return (int)(paten_day_from_ymd(ny, nm, 1) - paten_day_from_ymd(year, month, 1));
}

/* The day n calendar months after d; the day of the month is kept, or the month's last day
 * when it has fewer (31 January + 1 month = 28 or 29 February). */
static paten_day add_months(paten_day d, int n)
{
    int y, m, day, total, dim;

    paten_day_to_ymd(d, &y, &m, &day);
    total = y * 12 + (m - 1) + n;
    y = total / 12;
    m = total % 12 + 1;
    dim = days_in_month(y, m);
    return paten_day_from_ymd(y, m, day < dim ? day : dim);
}

int paten_interest_months(const paten_interest_regime *r, paten_day due, paten_day paid)
{
    int dy, dm, dd, py, pm, pd, months;

    if (paid <= due)
        return 0;
    paten_day_to_ymd(due, &dy, &dm, &dd);
    paten_day_to_ymd(paid, &py, &pm, &pd);
    /* Whole months passed: the calendar difference, less one when its anniversary is still to
     * come. */
    months = (py * 12 + pm) - (dy * 12 + dm);
    if (add_months(due, months) > paid)
        months--;
    if (r->started_month_counts && add_months(due, months) < paid)
        months++;
    if (r->max_months > 0 && months > r->max_months)
        months = r->max_months;
    return months;
}

int paten_interest_amount(const paten_interest_regime *r, int64_t principal, int months,
                          int64_t *interest)
{
    paten_exact rate = paten_exact_of(r->monthly_bp, 4); /* 200 bp = 0.0200 */
    paten_exact amount;

    if (principal < 0 || months < 0 || r->monthly_bp < 0)
        return -1;
    if (paten_exact_mul(paten_exact_of(principal, 0), rate, &amount) < 0 ||
        paten_exact_mul(amount, paten_exact_of(months, 0), &amount) < 0)
        return -1;
    return paten_exact_round(amount, r->rounding, interest);
}
