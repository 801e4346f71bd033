/*
 * test_ids.c: NIK, NIP, NPWP and NIB checks (common/paten_ids.c), every branch.
 */
#include "paten_ids.h"

#include <glib.h>
#include <string.h>

static void test_nik(void)
{
    struct paten_nik_info i;

    /* Central Java (33), Temanggung (23), district 05, a man born 12 August 1985, serial 0001. */
    g_assert_cmpint(paten_nik_check("3323051208850001", &i), ==, PATEN_ID_OK);
    g_assert_cmpint(i.province, ==, 33);
    g_assert_cmpint(i.regency, ==, 23);
    g_assert_cmpint(i.district, ==, 5);
    g_assert_cmpint(i.birth_day, ==, 12);
    g_assert_cmpint(i.birth_month, ==, 8);
    g_assert_cmpint(i.birth_yy, ==, 85);
    g_assert_false(i.female);
    /* A woman born 25 January 2001: day 25 + 40 = 65. Bontang (64, Kaltim), WITA. */
    g_assert_cmpint(paten_nik_check("6474016501010123", &i), ==, PATEN_ID_OK);
    g_assert_true(i.female);
    g_assert_cmpint(i.birth_day, ==, 25);
    /* 29 February: fine in a year divisible by 4, not otherwise. */
    g_assert_cmpint(paten_nik_check("3323052902000001", NULL), ==, PATEN_ID_OK);
    g_assert_cmpint(paten_nik_check("3323052902010001", NULL), ==, PATEN_ID_BIRTH_DATE);
    g_assert_cmpint(paten_nik_check("3323053104900001", NULL), ==, PATEN_ID_BIRTH_DATE);
    g_assert_cmpint(paten_nik_check("3323050013900001", NULL), ==, PATEN_ID_BIRTH_DATE);
    g_assert_cmpint(paten_nik_check("3323057201900001", NULL), ==, PATEN_ID_BIRTH_DATE);
    g_assert_cmpint(paten_nik_check("3323050000900001", NULL), ==, PATEN_ID_BIRTH_DATE);
    /* Regions: no province 20 or 99; regency and district cannot be 00. */
    g_assert_cmpint(paten_nik_check("2023051208850001", NULL), ==, PATEN_ID_REGION);
    g_assert_cmpint(paten_nik_check("9923051208850001", NULL), ==, PATEN_ID_REGION);
    g_assert_cmpint(paten_nik_check("3300051208850001", NULL), ==, PATEN_ID_REGION);
    g_assert_cmpint(paten_nik_check("3323001208850001", NULL), ==, PATEN_ID_REGION);
    /* Papua Pegunungan (95), created in 2022. */
    g_assert_cmpint(paten_nik_check("9501011208850001", NULL), ==, PATEN_ID_OK);
    g_assert_cmpint(paten_nik_check("3323051208850000", NULL), ==, PATEN_ID_SERIAL);
    g_assert_cmpint(paten_nik_check("332305120885000", NULL), ==, PATEN_ID_LENGTH);
    g_assert_cmpint(paten_nik_check("33230512088500011", NULL), ==, PATEN_ID_LENGTH);
    g_assert_cmpint(paten_nik_check("3323-51208850001", NULL), ==, PATEN_ID_DIGITS);
    g_assert_cmpint(paten_nik_check(NULL, NULL), ==, PATEN_ID_LENGTH);
}

static void test_nip(void)
{
    /* Born 1 January 1980, appointed May 2005, a man, serial 001. */
    g_assert_cmpint(paten_nip_check("198001012005051001"), ==, PATEN_ID_OK);
    g_assert_cmpint(paten_nip_check("198002302005051001"), ==, PATEN_ID_BIRTH_DATE);
    g_assert_cmpint(paten_nip_check("198413012005051001"), ==, PATEN_ID_BIRTH_DATE);
    g_assert_cmpint(paten_nip_check("180001012005051001"), ==, PATEN_ID_BIRTH_DATE);
    g_assert_cmpint(paten_nip_check("198402292005051001"), ==, PATEN_ID_OK); /* leap year */
    g_assert_cmpint(paten_nip_check("198001012005131001"), ==, PATEN_ID_APPOINTED);
    g_assert_cmpint(paten_nip_check("198001011979051001"), ==, PATEN_ID_APPOINTED);
    g_assert_cmpint(paten_nip_check("198001012005053001"), ==, PATEN_ID_SEX);
    g_assert_cmpint(paten_nip_check("19800101200505100"), ==, PATEN_ID_LENGTH);
    g_assert_cmpint(paten_nip_check("19800101200505100x"), ==, PATEN_ID_DIGITS);
}

static void test_npwp_and_nib(void)
{
    char out[17];

    g_assert_cmpint(paten_npwp_normalize("01.234.567.8-901.000", out), ==, PATEN_ID_OK);
    g_assert_cmpstr(out, ==, "012345678901000");
    g_assert_cmpint(paten_npwp_normalize("3323051208850001", out), ==, PATEN_ID_OK);
    g_assert_cmpint(paten_npwp_normalize("01.234.567.8-901", out), ==, PATEN_ID_LENGTH);
    g_assert_cmpint(paten_npwp_normalize("01.234.567.8-901.000.0000", out), ==, PATEN_ID_LENGTH);
    g_assert_cmpint(paten_npwp_normalize("01.234.567.8/901.000", out), ==, PATEN_ID_DIGITS);
    g_assert_cmpint(paten_npwp_normalize(NULL, out), ==, PATEN_ID_LENGTH);
    g_assert_cmpint(paten_nib_check("9120001234567"), ==, PATEN_ID_OK);
    g_assert_cmpint(paten_nib_check("912000123456"), ==, PATEN_ID_LENGTH);
    for (int e = PATEN_ID_OK; e <= PATEN_ID_SEX; e++)
        g_assert_cmpuint(strlen(paten_id_error_text((enum paten_id_error)e)), >, 3);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/ids/nik", test_nik);
    g_test_add_func("/ids/nip", test_nip);
    g_test_add_func("/ids/npwp-and-nib", test_npwp_and_nib);
    return g_test_run();
}
