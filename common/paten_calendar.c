/*
 * paten_calendar.c: working-day arithmetic (see paten_calendar.h).
 *
 * The civil-date conversions are the classic days-from-civil algorithm over 400-year eras,
 * exact for every proleptic Gregorian date in range.
 */
#include "paten_calendar.h"

#include <stdio.h>
#include <string.h>

#define MS_PER_MIN 60000LL
#define MS_PER_DAY 86400000LL

int paten_tz_offset_minutes(const char *tz_name)
{
    if (tz_name == NULL)
        return -1;
    if (strcmp(tz_name, "Asia/Jakarta") == 0 || strcmp(tz_name, "Asia/Pontianak") == 0)
        return 420;
    if (strcmp(tz_name, "Asia/Makassar") == 0)
        return 480;
    if (strcmp(tz_name, "Asia/Jayapura") == 0)
        return 540;
    return -1;
}

paten_day paten_day_from_ymd(int year, int month, int day)
{
    int y = month <= 2 ? year - 1 : year;
    int era = (y >= 0 ? y : y - 399) / 400;
    int yoe = y - era * 400;
    int mp = (month + 9) % 12; /* March = 0 */
    int doy = (153 * mp + 2) / 5 + day - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (paten_day)(era * 146097 + doe - 719468);
}

void paten_day_to_ymd(paten_day d, int *year, int *month, int *day)
{
    int z = d + 719468;
    int era = (z >= 0 ? z : z - 146096) / 146097;
    int doe = z - era * 146097;
    int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int mp = (5 * doy + 2) / 153;
    int dd = doy - (153 * mp + 2) / 5 + 1;
    int mm = mp < 10 ? mp + 3 : mp - 9;
    *year = yoe + era * 400 + (mm <= 2);
    *month = mm;
    *day = dd;
}

int paten_day_weekday(paten_day d)
{
    /* 1970-01-01 was a Thursday (3 when Monday is 0). */
    int w = (d + 3) % 7;
    return w < 0 ? w + 7 : w;
}

int paten_day_parse(const char *iso, paten_day *out)
{
    int y, m, dd, n = 0;
    int yy, mm, ddd;

    if (iso == NULL || sscanf(iso, "%4d-%2d-%2d%n", &y, &m, &dd, &n) != 3 || n != 10 ||
        iso[10] != '\0' || m < 1 || m > 12 || dd < 1 || dd > 31)
        return -1;
    *out = paten_day_from_ymd(y, m, dd);
    /* 2026-02-30 would silently become March 2nd: refuse days a month does not have. */
    paten_day_to_ymd(*out, &yy, &mm, &ddd);
    return yy == y && mm == m && ddd == dd ? 0 : -1;
}

void paten_day_format(paten_day d, char out[11])
{
    int y, m, dd;
    paten_day_to_ymd(d, &y, &m, &dd);
    snprintf(out, 11, "%04d-%02d-%02d", y, m, dd);
}

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

paten_day paten_day_of(int64_t at_ms, int tz_offset_min)
{
    return (paten_day)floor_div(at_ms + tz_offset_min * MS_PER_MIN, MS_PER_DAY);
}

int64_t paten_day_start_ms(paten_day d, int tz_offset_min)
{
    return (int64_t)d * MS_PER_DAY - tz_offset_min * MS_PER_MIN;
}

static bool is_closed(const struct paten_calendar *c, paten_day d)
{
    size_t lo = 0, hi = c ? c->n_closed : 0;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->closed[mid] == d)
            return true;
        if (c->closed[mid] < d)
            lo = mid + 1;
        else
            hi = mid;
    }
    return false;
}

bool paten_cal_is_working(const struct paten_calendar *c, paten_day d)
{
    return paten_day_weekday(d) < 5 && !is_closed(c, d);
}

paten_day paten_cal_add_working(const struct paten_calendar *c, paten_day d, int n)
{
    while (n > 0) {
        d++;
        if (paten_cal_is_working(c, d))
            n--;
    }
    return d;
}

int paten_cal_count_working(const struct paten_calendar *c, paten_day from, paten_day to)
{
    int n = 0;
    for (paten_day d = from + 1; d <= to; d++)
        if (paten_cal_is_working(c, d))
            n++;
    return n;
}

int64_t paten_cal_deadline(const struct paten_calendar *c, int tz_offset_min,
                           int64_t complete_at_ms, int n, int paused, int closing_minute)
{
    paten_day start = paten_day_of(complete_at_ms, tz_offset_min);
    paten_day last = paten_cal_add_working(c, start, n + paused);
    return paten_day_start_ms(last, tz_offset_min) + closing_minute * MS_PER_MIN;
}

int paten_cal_paused_days(const struct paten_calendar *c, int tz_offset_min, int64_t returned_at_ms,
                          int64_t resumed_at_ms)
{
    return paten_cal_count_working(c, paten_day_of(returned_at_ms, tz_offset_min),
                                   paten_day_of(resumed_at_ms, tz_offset_min));
}

int64_t paten_cal_deposit_deadline(const struct paten_calendar *c, int tz_offset_min,
                                   int64_t paid_at_ms, bool shift)
{
    int64_t due = paid_at_ms + MS_PER_DAY;
    paten_day d = paten_day_of(due, tz_offset_min);

    if (!shift || paten_cal_is_working(c, d))
        return due;
    /* Same local time of day, on the next working day. */
    return due + (int64_t)(paten_cal_add_working(c, d, 1) - d) * MS_PER_DAY;
}
