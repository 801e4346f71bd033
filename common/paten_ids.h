/*
 * paten_ids.h: checking the Indonesian identity numbers an application carries.
 *
 * NIK (16 digits): province (2), regency/city (2), district (2), birth date DDMMYY with 40
 * added to the day for women, and a 4-digit serial. NIP (18 digits): birth date YYYYMMDD,
 * appointment YYYYMM, sex (1 man, 2 woman), serial (3). NPWP: 15 digits (or the 16 of the NIK
 * era), often written with dots and a dash. NIB: 13 digits.
 *
 * These check form and plausibility (a real date, a province that exists), not that the number
 * was issued: that is Dukcapil's and OSS's business.
 */
#ifndef PATEN_IDS_H
#define PATEN_IDS_H

#include <stdbool.h>
#include <stddef.h>

enum paten_id_error {
    PATEN_ID_OK = 0,
    PATEN_ID_LENGTH,     /* not the right number of digits */
    PATEN_ID_DIGITS,     /* something other than digits (after removing . - and spaces) */
    PATEN_ID_REGION,     /* NIK: no such province, or a zero regency or district */
    PATEN_ID_BIRTH_DATE, /* not a real date */
    PATEN_ID_SERIAL,     /* NIK serial 0000 */
    PATEN_ID_APPOINTED,  /* NIP: appointment month not real, or before the birth */
    PATEN_ID_SEX,        /* NIP: sex digit not 1 or 2 */
};

struct paten_nik_info {
    int province;
    int regency;
    int district;
    int birth_day;   /* 1..31 */
    int birth_month; /* 1..12 */
    int birth_yy;    /* two digits: the century is not in the NIK */
    bool female;
};

/* A short English description of the error, for details and logs. */
const char *paten_id_error_text(enum paten_id_error e);

/* Checks nik (exactly 16 digits, nothing else); fills info when given and valid. */
enum paten_id_error paten_nik_check(const char *nik, struct paten_nik_info *info);

/* Checks nip (exactly 18 digits). */
enum paten_id_error paten_nip_check(const char *nip);

/* Normalises an NPWP written with dots, dashes or spaces into out (17 bytes) and checks it has 15
 * or 16 digits. */
enum paten_id_error paten_npwp_normalize(const char *npwp, char out[17]);

/* Checks nib (exactly 13 digits). */
enum paten_id_error paten_nib_check(const char *nib);

#endif
