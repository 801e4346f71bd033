/*
 * paten_tariff.c: the assessment formulas (see paten_tariff.h).
 */
#include "paten_tariff.h"

int paten_tariff_n_inputs(paten_tariff_kind kind)
{
    switch (kind) {
    case PATEN_TARIFF_IMB:
    case PATEN_TARIFF_HO:
    case PATEN_TARIFF_BURIAL:
        return 4;
    case PATEN_TARIFF_REKLAME_CHARGE:
        return 6;
    case PATEN_TARIFF_REKLAME_TAX:
        return 7;
    }
    return 0;
}

static void step(paten_tariff_result *res, const char *what, paten_exact value)
{
    if (res->n_steps < PATEN_TARIFF_MAX_STEPS)
        res->steps[res->n_steps++] = (paten_tariff_step){ what, value };
}

/* The product of n inputs from in, or -1 on overflow. */
static int product(const paten_exact *in, int n, paten_exact *out)
{
    paten_exact p = paten_exact_of(1, 0);

    for (int i = 0; i < n; i++)
        if (paten_exact_mul(p, in[i], &p) < 0)
            return -1;
    *out = p;
    return 0;
}

int paten_tariff_calculate(paten_tariff_kind kind, const paten_exact *in, paten_rounding r,
                           paten_tariff_result *res)
{
    int n = paten_tariff_n_inputs(kind);
    paten_exact a, b, x = { 0, 0 };

    if (n == 0)
        return -1;
    for (int i = 0; i < n; i++)
        if (in[i].units < 0)
            return -1;
    res->n_steps = 0;
    switch (kind) {
    case PATEN_TARIFF_IMB:
        if (product(in, 4, &x) < 0)
            return -1;
        step(res, "Luas x indeks terintegrasi x indeks kegiatan x harga satuan", x);
        break;
    case PATEN_TARIFF_HO:
        if (paten_exact_add(in[1], in[2], &a) < 0 || paten_exact_half(a, &a) < 0)
            return -1;
        step(res, "Rata-rata indeks gangguan dan indeks lokasi", a);
        if (paten_exact_mul(in[0], a, &x) < 0 || paten_exact_mul(x, in[3], &x) < 0)
            return -1;
        step(res, "Luas x rata-rata indeks x tarif", x);
        break;
    case PATEN_TARIFF_BURIAL:
        if (paten_exact_mul(in[0], in[1], &a) < 0 || paten_exact_mul(in[2], in[3], &b) < 0 ||
            paten_exact_add(a, b, &x) < 0)
            return -1;
        step(res, "Luas petak x tarif petak", a);
        step(res, "Luas makam x tarif IMB makam", b);
        step(res, "Jumlah", x);
        break;
    case PATEN_TARIFF_REKLAME_CHARGE:
    case PATEN_TARIFF_REKLAME_TAX:
        if (product(in, 4, &a) < 0)
            return -1;
        step(res, "Luas reklame (lebar x tinggi x muka x jumlah)", a);
        if (paten_exact_mul(a, in[4], &x) < 0 || paten_exact_mul(x, in[5], &x) < 0)
            return -1;
        if (kind == PATEN_TARIFF_REKLAME_CHARGE) {
            step(res, "Luas x tarif x jangka waktu", x);
            break;
        }
        /* The law caps the rate of reklame tax at 25%. */
        if (in[6].units > 0 && paten_exact_add(in[6], paten_exact_of(-25, 2), &b) == 0 &&
            b.units > 0)
            return -1;
        step(res, "Nilai sewa reklame (luas x nilai x jangka waktu)", x);
        if (paten_exact_mul(x, in[6], &x) < 0)
            return -1;
        step(res, "Tarif pajak x nilai sewa reklame", x);
        break;
    }
    res->exact = x;
    return paten_exact_round(x, r, &res->amount);
}
