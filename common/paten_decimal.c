/*
 * paten_decimal.c: decimal text <-> scaled integers (see paten_decimal.h).
 */
#include "paten_decimal.h"

#include <stdbool.h>
#include <stdio.h>

int paten_decimal_parse(const char *s, int scale, int64_t *out)
{
    bool neg = false, any = false;
    uint64_t v = 0;
    int frac = -1; /* fractional digits seen, -1 before the point */
    const uint64_t limit = (uint64_t)INT64_MAX;

    if (s == NULL || scale < 0 || scale > 9)
        return -1;
    if (*s == '-' || *s == '+') {
        neg = *s == '-';
        s++;
    }
    for (; *s; s++) {
        if (*s == '.') {
            if (frac >= 0)
                return -1;
            frac = 0;
            continue;
        }
        if (*s < '0' || *s > '9')
            return -1;
        if (frac >= 0 && ++frac > scale)
            return -1;
        if (v > (limit - (uint64_t)(*s - '0')) / 10)
            return -1;
        v = v * 10 + (uint64_t)(*s - '0');
        any = true;
    }
    if (!any || frac == 0) /* "", "-", "." and "5." are not numbers */
        return -1;
    for (int i = frac < 0 ? 0 : frac; i < scale; i++) {
        if (v > limit / 10)
            return -1;
        v *= 10;
    }
    *out = neg ? -(int64_t)v : (int64_t)v;
    return 0;
}

void paten_decimal_format(int64_t v, int scale, char *out, size_t cap)
{
    uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    uint64_t unit = 1;
    uint64_t whole, frac;
    char digits[16];
    int n;

    for (int i = 0; i < scale; i++)
        unit *= 10;
    whole = mag / unit;
    frac = mag % unit;
    if (frac == 0) {
        snprintf(out, cap, "%s%llu", v < 0 ? "-" : "", (unsigned long long)whole);
        return;
    }
    n = snprintf(digits, sizeof digits, "%0*llu", scale, (unsigned long long)frac);
    while (n > 0 && digits[n - 1] == '0')
        digits[--n] = '\0';
    snprintf(out, cap, "%s%llu.%s", v < 0 ? "-" : "", (unsigned long long)whole, digits);
}
