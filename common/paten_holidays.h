/*
 * paten_holidays.h: reading a holiday calendar file (data/holidays/YYYY.csv, the format of the
 * joint ministerial decree's list): a header "date,kind,name", then one day per line, kind being
 * libur_nasional or cuti_bersama. CSV quoting (RFC 4180) is handled by libcsv.
 */
#ifndef PATEN_HOLIDAYS_H
#define PATEN_HOLIDAYS_H

#include <stddef.h>

enum paten_holiday_kind {
    PATEN_HOLIDAY_NATIONAL = 1, /* libur_nasional */
    PATEN_HOLIDAY_CUTI_BERSAMA = 2,
};

struct paten_holiday {
    char date[11]; /* "YYYY-MM-DD", a real date */
    enum paten_holiday_kind kind;
    char name[201];
};

/*
 * Parses the file's bytes. On success returns the number of days and *out (free() it); on error
 * returns -1 with an English message naming the line in err ("line 4: ..."). Empty lines are
 * skipped; a date may appear once.
 */
int paten_holidays_parse(const char *data, size_t len, struct paten_holiday **out, char *err,
                         size_t errcap);

#endif
