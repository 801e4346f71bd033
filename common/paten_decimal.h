/*
 * paten_decimal.h: exact decimals as scaled integers.
 *
 * No floating point touches money, rates, indices or measurements (../shared/domain.md, "Money
 * rules"): a decimal text such as "72.5" is held as an int64 counting 1/10^scale units. The scale
 * is the caller's choice (e.g. 4 for measurements and indices); parsing refuses more fractional
 * digits than the scale can hold rather than rounding silently.
 */
#ifndef PATEN_DECIMAL_H
#define PATEN_DECIMAL_H

#include <stddef.h>
#include <stdint.h>

/*
 * Parses s ("-12", "72.5", "0.0001"; no exponent, no thousands separators, no sign on zero
 * needed) as a number of 1/10^scale units into *out. Returns 0, or -1 when s is not such a
 * decimal, has more than scale fractional digits, or does not fit an int64. scale is 0..9.
 */
int paten_decimal_parse(const char *s, int scale, int64_t *out);

/* Writes v (in 1/10^scale units) as the shortest decimal text ("72.5", "100", "-0.25") into out,
 * which holds at least 32 bytes. */
void paten_decimal_format(int64_t v, int scale, char *out, size_t cap);

#endif
