/*
 * paten_ids.c: NIK, NIP, NPWP and NIB checks (see paten_ids.h).
 */
#include "paten_ids.h"

#include <ctype.h>
#include <string.h>

/* The province codes of Kemendagri, including the Papuan provinces created in 2022. */
static const int provinces[] = { 11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 31, 32, 33,
                                 34, 35, 36, 51, 52, 53, 61, 62, 63, 64, 65, 71, 72,
                                 73, 74, 75, 76, 81, 82, 91, 92, 93, 94, 95, 96 };

const char *paten_id_error_text(enum paten_id_error e)
{
    switch (e) {
    case PATEN_ID_OK:
        return "valid";
    case PATEN_ID_LENGTH:
        return "wrong number of digits";
    case PATEN_ID_DIGITS:
        return "only digits are allowed";
    case PATEN_ID_REGION:
        return "the region code does not exist";
    case PATEN_ID_BIRTH_DATE:
        return "the birth date is not a real date";
    case PATEN_ID_SERIAL:
        return "the serial number cannot be zero";
    case PATEN_ID_APPOINTED:
        return "the appointment date is not valid";
    case PATEN_ID_SEX:
        return "the sex digit must be 1 or 2";
    }
    return "invalid";
}

static bool all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]))
            return false;
    return true;
}

static int num(const char *s, size_t n)
{
    int v = 0;
    for (size_t i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

static int days_in_month(int month, bool leap)
{
    static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    return month == 2 && leap ? 29 : days[month - 1];
}

static bool is_leap(int year)
{
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

/* Checks the digit-count and digits-only rules common to every number. */
static enum paten_id_error shape(const char *s, size_t want)
{
    size_t n;

    if (s == NULL)
        return PATEN_ID_LENGTH;
    n = strlen(s);
    if (!all_digits(s, n))
        return PATEN_ID_DIGITS;
    return n == want ? PATEN_ID_OK : PATEN_ID_LENGTH;
}

enum paten_id_error paten_nik_check(const char *nik, struct paten_nik_info *info)
{
    enum paten_id_error e = shape(nik, 16);
    struct paten_nik_info i;
    bool known = false;

    if (e != PATEN_ID_OK)
        return e;
    i.province = num(nik, 2);
    i.regency = num(nik + 2, 2);
    i.district = num(nik + 4, 2);
    for (size_t p = 0; p < sizeof provinces / sizeof provinces[0]; p++)
        known = known || provinces[p] == i.province;
    if (!known || i.regency == 0 || i.district == 0)
        return PATEN_ID_REGION;
    i.birth_day = num(nik + 6, 2);
    i.birth_month = num(nik + 8, 2);
    i.birth_yy = num(nik + 10, 2);
    i.female = i.birth_day > 40;
    if (i.female)
        i.birth_day -= 40;
    /* The century is unknown, so 29 February is allowed in any year divisible by 4 (2000 was a
     * leap year, and 1900 is beyond any living applicant). */
    if (i.birth_month < 1 || i.birth_month > 12 || i.birth_day < 1 ||
        i.birth_day > days_in_month(i.birth_month, i.birth_yy % 4 == 0))
        return PATEN_ID_BIRTH_DATE;
    if (num(nik + 12, 4) == 0)
        return PATEN_ID_SERIAL;
    if (info)
        *info = i;
    return PATEN_ID_OK;
}

enum paten_id_error paten_nip_check(const char *nip)
{
    enum paten_id_error e = shape(nip, 18);
    int by, bm, bd, ay, am;

    if (e != PATEN_ID_OK)
        return e;
    by = num(nip, 4);
    bm = num(nip + 4, 2);
    bd = num(nip + 6, 2);
    if (by < 1900 || bm < 1 || bm > 12 || bd < 1 || bd > days_in_month(bm, is_leap(by)))
        return PATEN_ID_BIRTH_DATE;
    ay = num(nip + 8, 4);
    am = num(nip + 12, 2);
    if (am < 1 || am > 12 || ay * 12 + am <= by * 12 + bm)
        return PATEN_ID_APPOINTED;
    if (nip[14] != '1' && nip[14] != '2')
        return PATEN_ID_SEX;
    return PATEN_ID_OK;
}

enum paten_id_error paten_npwp_normalize(const char *npwp, char out[17])
{
    size_t n = 0;

    out[0] = '\0';
    if (npwp == NULL)
        return PATEN_ID_LENGTH;
    for (const char *p = npwp; *p; p++) {
        if (*p == '.' || *p == '-' || *p == ' ')
            continue;
        if (!isdigit((unsigned char)*p))
            return PATEN_ID_DIGITS;
        if (n == 16)
            return PATEN_ID_LENGTH;
        out[n++] = *p;
    }
    out[n] = '\0';
    return n == 15 || n == 16 ? PATEN_ID_OK : PATEN_ID_LENGTH;
}

enum paten_id_error paten_nib_check(const char *nib)
{
    return shape(nib, 13);
}
