/*
 * paten_tariff.h: the assessment formulas of the tariffs (domain.md, "Money rules"), computed
 * exactly and rounded once, with the trace of every step that the SKRD / SKPD prints.
 *
 * A tariff version supplies the parameters (prices, indices looked up from its tables, the tax
 * rate, the rounding); the file supplies the measurements. This module only calculates: which
 * index applies to which building class, and where the numbers come from, is the caller's.
 */
#ifndef PATEN_TARIFF_H
#define PATEN_TARIFF_H

#include "paten_money.h"

#include <stddef.h>

typedef enum {
    /* IMB: in[0] building area (m2) x in[1] integrated index x in[2] activity index x in[3] unit
     * price (Rp per m2). */
    PATEN_TARIFF_IMB = 1,
    /* Izin Gangguan: in[0] area (m2) x the average of in[1] nuisance index and in[2] location
     * index x in[3] price (Rp per m2). */
    PATEN_TARIFF_HO = 2,
    /* Burial: in[0] plot area (m2) x in[1] plot price + in[2] tomb area (m2) x in[3] tomb IMB
     * price (Rp per m2). */
    PATEN_TARIFF_BURIAL = 3,
    /* Reklame at a published charge: area = in[0] width x in[1] height x in[2] faces x in[3]
     * count (m2); area x in[4] price (Rp per m2 per period) x in[5] periods. */
    PATEN_TARIFF_REKLAME_CHARGE = 4,
    /* Reklame tax on the rental value: area as above; NSR = area x in[4] value (Rp per m2 per
     * period) x in[5] periods; tax = NSR x in[6] tax rate (0.25 = 25%, at most that). */
    PATEN_TARIFF_REKLAME_TAX = 5,
} paten_tariff_kind;

#define PATEN_TARIFF_MAX_INPUTS 7
#define PATEN_TARIFF_MAX_STEPS  4

/* One step of the calculation: what it is (a short Indonesian name for the document), and its
 * exact value before any rounding. */
typedef struct {
    const char *what;
    paten_exact value;
} paten_tariff_step;

typedef struct {
    paten_tariff_step steps[PATEN_TARIFF_MAX_STEPS];
    int n_steps;
    paten_exact exact; /* the amount before rounding */
    int64_t amount;    /* whole rupiah, rounded once */
} paten_tariff_result;

/* How many inputs a kind takes (0 for an unknown kind). */
int paten_tariff_n_inputs(paten_tariff_kind kind);

/*
 * Calculates kind over in (paten_tariff_n_inputs(kind) exact decimals, none negative; a tax rate
 * above 0.25 is refused) and rounds with r. Returns 0, or -1 for an unknown kind, a negative or
 * out-of-range input, or an overflow; *res is then unspecified.
 */
int paten_tariff_calculate(paten_tariff_kind kind, const paten_exact *in, paten_rounding r,
                           paten_tariff_result *res);

#endif
