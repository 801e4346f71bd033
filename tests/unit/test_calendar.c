/*
 * test_calendar.c: working days and deadlines (common/paten_calendar.c) across weekends, the
 * Idul Fitri 2026 block, year ends, and the three Indonesian time zones. Expected values are
 * worked out by hand in the comments.
 */
#include "paten_calendar.h"

#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WIB      420
#define WITA     480
#define WIT      540
#define CLOSE_16 (16 * 60)

/* Every closed day of 2026 from data/holidays/2026.csv (holidays and cuti bersama), read by the
 * test so that the data the product imports is the data tested. */
static paten_day closed_all[64];
static size_t n_closed_all;
/* The same without the cuti bersama, for a region whose counters stay open on them. */
static paten_day closed_holidays[64];
static size_t n_closed_holidays;

static int cmp_day(const void *a, const void *b)
{
    paten_day x = *(const paten_day *)a, y = *(const paten_day *)b;
    return x < y ? -1 : x > y;
}

static void load_holidays(const char *path)
{
    FILE *f = fopen(path, "r");
    char line[256];

    g_assert_nonnull(f);
    g_assert_nonnull(fgets(line, sizeof line, f)); /* header */
    while (fgets(line, sizeof line, f)) {
        char date[11], kind[32];
        paten_day d;
        if (sscanf(line, "%10[^,],%31[^,]", date, kind) != 2)
            continue;
        g_assert_cmpint(paten_day_parse(date, &d), ==, 0);
        closed_all[n_closed_all++] = d;
        if (strcmp(kind, "libur_nasional") == 0)
            closed_holidays[n_closed_holidays++] = d;
        else
            g_assert_cmpstr(kind, ==, "cuti_bersama");
    }
    fclose(f);
    qsort(closed_all, n_closed_all, sizeof closed_all[0], cmp_day);
    qsort(closed_holidays, n_closed_holidays, sizeof closed_holidays[0], cmp_day);
    /* 17 holidays and 8 cuti bersama, as the decree lists them. */
    g_assert_cmpuint(n_closed_all, ==, 25);
    g_assert_cmpuint(n_closed_holidays, ==, 17);
}

static paten_day D(const char *iso)
{
    paten_day d;
    g_assert_cmpint(paten_day_parse(iso, &d), ==, 0);
    return d;
}

/* Unix ms of a local date and time in the zone. */
static int64_t at(const char *iso, int hh, int mm, int tz)
{
    return paten_day_start_ms(D(iso), tz) + ((int64_t)hh * 60 + mm) * 60000;
}

static const char *fmt_local(int64_t ms, int tz, char *buf)
{
    paten_day d = paten_day_of(ms, tz);
    int64_t minute = (ms - paten_day_start_ms(d, tz)) / 60000;
    char date[11];
    paten_day_format(d, date);
    sprintf(buf, "%s %02d:%02d", date, (int)(minute / 60), (int)(minute % 60));
    return buf;
}

#define ASSERT_LOCAL(ms, tz, expect)                              \
    do {                                                          \
        char b_[32];                                              \
        g_assert_cmpstr(fmt_local((ms), (tz), b_), ==, (expect)); \
    } while (0)

static void test_dates(void)
{
    paten_day d;
    char s[11];
    int y, m, dd;

    g_assert_cmpint(paten_day_from_ymd(1970, 1, 1), ==, 0);
    g_assert_cmpint(paten_day_weekday(0), ==, 3);               /* Thursday */
    g_assert_cmpint(paten_day_weekday(D("2026-03-18")), ==, 2); /* Wednesday */
    g_assert_cmpint(paten_day_weekday(D("2027-01-01")), ==, 4); /* Friday */
    g_assert_cmpint(paten_day_weekday(D("1969-12-31")), ==, 2); /* before the epoch too */
    /* Every day from 1900 to 2100 round-trips, and consecutive days are consecutive numbers. */
    for (d = paten_day_from_ymd(1900, 1, 1); d < paten_day_from_ymd(2100, 12, 31); d++) {
        paten_day_to_ymd(d, &y, &m, &dd);
        g_assert_cmpint(paten_day_from_ymd(y, m, dd), ==, d);
    }
    paten_day_format(D("2024-02-29"), s);
    g_assert_cmpstr(s, ==, "2024-02-29");
    g_assert_cmpint(paten_day_parse("2026-02-29", &d), ==, -1); /* not a leap year */
    g_assert_cmpint(paten_day_parse("2026-13-01", &d), ==, -1);
    g_assert_cmpint(paten_day_parse("2026-1-1", &d), ==, -1);
    g_assert_cmpint(paten_day_parse("2026-01-01x", &d), ==, -1);
    g_assert_cmpint(paten_day_parse(NULL, &d), ==, -1);
    g_assert_cmpint(paten_tz_offset_minutes("Asia/Jakarta"), ==, WIB);
    g_assert_cmpint(paten_tz_offset_minutes("Asia/Makassar"), ==, WITA);
    g_assert_cmpint(paten_tz_offset_minutes("Asia/Jayapura"), ==, WIT);
    g_assert_cmpint(paten_tz_offset_minutes("Europe/Paris"), ==, -1);
    /* Local days: 2026-01-08T16:30Z is Thursday 23:30 WIB but Friday 00:30 WITA. */
    g_assert_cmpint(paten_day_of(at("2026-01-08", 16, 30, 0), WIB), ==, D("2026-01-08"));
    g_assert_cmpint(paten_day_of(at("2026-01-08", 16, 30, 0), WITA), ==, D("2026-01-09"));
    g_assert_cmpint(paten_day_of(-1, 0), ==, -1);
}

static void test_weekends(void)
{
    struct paten_calendar c = { closed_all, n_closed_all };

    /* Friday 9 January: one working day later is Monday the 12th. */
    g_assert_true(paten_cal_is_working(&c, D("2026-01-09")));
    g_assert_false(paten_cal_is_working(&c, D("2026-01-10")));
    g_assert_false(paten_cal_is_working(&c, D("2026-01-11")));
    g_assert_cmpint(paten_cal_add_working(&c, D("2026-01-09"), 1), ==, D("2026-01-12"));
    g_assert_cmpint(paten_cal_add_working(&c, D("2026-01-09"), 0), ==, D("2026-01-09"));
    /* A file complete on Friday at 10:00 with "1 hari": Monday 16:00. */
    ASSERT_LOCAL(paten_cal_deadline(&c, WIB, at("2026-01-09", 10, 0, WIB), 1, 0, CLOSE_16), WIB,
                 "2026-01-12 16:00");
    /* Taken in on a Saturday (a counter open at the weekend): counted from Saturday. */
    ASSERT_LOCAL(paten_cal_deadline(&c, WIB, at("2026-01-10", 9, 0, WIB), 2, 0, CLOSE_16), WIB,
                 "2026-01-13 16:00");
    /* Mon 12 to Mon 19: Tue, Wed, Thu (Friday 16 is Isra Mikraj) and Monday. To <= from: none. */
    g_assert_cmpint(paten_cal_count_working(&c, D("2026-01-12"), D("2026-01-19")), ==, 4);
    g_assert_cmpint(paten_cal_count_working(&c, D("2026-01-16"), D("2026-01-12")), ==, 0);
    /* Isra Mikraj, Friday 16 January, is closed. */
    g_assert_false(paten_cal_is_working(&c, D("2026-01-16")));
    g_assert_cmpint(paten_cal_add_working(&c, D("2026-01-15"), 1), ==, D("2026-01-19"));
}

static void test_idul_fitri_block(void)
{
    struct paten_calendar all = { closed_all, n_closed_all };
    struct paten_calendar open = { closed_holidays, n_closed_holidays };

    /* 18 March (cuti Nyepi) to 24 March (cuti Idul Fitri) are all closed; 17 and 25 are open. */
    for (paten_day d = D("2026-03-18"); d <= D("2026-03-24"); d++)
        g_assert_false(paten_cal_is_working(&all, d));
    g_assert_true(paten_cal_is_working(&all, D("2026-03-17")));
    g_assert_true(paten_cal_is_working(&all, D("2026-03-25")));
    /* Complete Tuesday 17 March: "1 hari" ends Wednesday 25 March, 16:00. */
    ASSERT_LOCAL(paten_cal_deadline(&all, WIB, at("2026-03-17", 11, 0, WIB), 1, 0, CLOSE_16), WIB,
                 "2026-03-25 16:00");
    /* IMB in Pemalang, 5 working days: 25, 26, 27, 30, 31 March. */
    ASSERT_LOCAL(paten_cal_deadline(&all, WIB, at("2026-03-17", 11, 0, WIB), 5, 0, CLOSE_16), WIB,
                 "2026-03-31 16:00");
    /* A region whose counters stay open on cuti bersama: Wednesday 18 (cuti) is a working day,
     * 19 (Nyepi) is not, 20 (cuti) is, then 23 and 24 (cuti). */
    g_assert_cmpint(paten_cal_add_working(&open, D("2026-03-17"), 1), ==, D("2026-03-18"));
    g_assert_cmpint(paten_cal_add_working(&open, D("2026-03-17"), 2), ==, D("2026-03-20"));
    g_assert_cmpint(paten_cal_add_working(&open, D("2026-03-17"), 3), ==, D("2026-03-23"));
}

static void test_year_end(void)
{
    struct paten_calendar c2026 = { closed_all, n_closed_all };
    paten_day with_2027[65];
    struct paten_calendar c = { with_2027, n_closed_all + 1 };

    /* Wednesday 23 December: 24 (cuti) and 25 (Christmas) closed, then the weekend. */
    g_assert_cmpint(paten_cal_add_working(&c2026, D("2026-12-23"), 1), ==, D("2026-12-28"));
    g_assert_cmpint(paten_cal_add_working(&c2026, D("2026-12-23"), 3), ==, D("2026-12-30"));
    /* Across the year: with New Year 2027 (Friday) imported, Thursday 31 December 2026 plus one
     * working day is Monday 4 January 2027. */
    memcpy(with_2027, closed_all, n_closed_all * sizeof closed_all[0]);
    with_2027[n_closed_all] = D("2027-01-01");
    g_assert_cmpint(paten_cal_add_working(&c, D("2026-12-31"), 1), ==, D("2027-01-04"));
    ASSERT_LOCAL(paten_cal_deadline(&c, WIB, at("2026-12-31", 15, 59, WIB), 1, 0, CLOSE_16), WIB,
                 "2027-01-04 16:00");
    /* Without the 2027 data the first of January would count: the calendar is data. */
    g_assert_cmpint(paten_cal_add_working(&c2026, D("2026-12-31"), 1), ==, D("2027-01-01"));
}

static void test_time_zones(void)
{
    struct paten_calendar c = { closed_all, n_closed_all };
    /* One instant, 2026-01-08T16:30Z: Thursday 23:30 WIB, Friday 00:30 WITA, Friday 01:30 WIT. */
    int64_t t = at("2026-01-08", 16, 30, 0);
    int64_t wib = paten_cal_deadline(&c, WIB, t, 1, 0, CLOSE_16);
    int64_t wita = paten_cal_deadline(&c, WITA, t, 1, 0, CLOSE_16);
    int64_t wit = paten_cal_deadline(&c, WIT, t, 1, 0, CLOSE_16);

    /* WIB: complete Thursday, deadline Friday 16:00 WIB = 09:00 UTC. */
    ASSERT_LOCAL(wib, WIB, "2026-01-09 16:00");
    ASSERT_LOCAL(wib, 0, "2026-01-09 09:00");
    /* WITA and WIT: complete Friday, deadline Monday 16:00 local. */
    ASSERT_LOCAL(wita, WITA, "2026-01-12 16:00");
    ASSERT_LOCAL(wita, 0, "2026-01-12 08:00");
    ASSERT_LOCAL(wit, WIT, "2026-01-12 16:00");
    ASSERT_LOCAL(wit, 0, "2026-01-12 07:00");
    /* Closing time is office data: 15:30 in Kecamatan Taman. */
    ASSERT_LOCAL(paten_cal_deadline(&c, WIB, at("2026-01-05", 9, 0, WIB), 2, 0, 15 * 60 + 30), WIB,
                 "2026-01-07 15:30");
}

static void test_paused_clock(void)
{
    struct paten_calendar c = { closed_all, n_closed_all };
    int paused;

    /* A 2-day service complete Friday 9 January is due Tuesday 13 at 16:00. Returned to the
     * applicant on Monday 12 at 10:00 and back on Thursday 15 at 09:00: Tuesday, Wednesday and
     * Thursday stood still, so the deadline moves three working days: Wednesday 14, Thursday 15,
     * and Monday 19 (Friday 16 is Isra Mikraj). */
    paused =
        paten_cal_paused_days(&c, WIB, at("2026-01-12", 10, 0, WIB), at("2026-01-15", 9, 0, WIB));
    g_assert_cmpint(paused, ==, 3);
    ASSERT_LOCAL(paten_cal_deadline(&c, WIB, at("2026-01-09", 10, 0, WIB), 2, 0, CLOSE_16), WIB,
                 "2026-01-13 16:00");
    ASSERT_LOCAL(paten_cal_deadline(&c, WIB, at("2026-01-09", 10, 0, WIB), 2, paused, CLOSE_16),
                 WIB, "2026-01-19 16:00");
    /* Returned and back the same day: nothing lost. Over a weekend only: nothing lost. */
    g_assert_cmpint(
        paten_cal_paused_days(&c, WIB, at("2026-01-12", 9, 0, WIB), at("2026-01-12", 15, 0, WIB)),
        ==, 0);
    g_assert_cmpint(
        paten_cal_paused_days(&c, WIB, at("2026-01-09", 15, 0, WIB), at("2026-01-11", 10, 0, WIB)),
        ==, 0);
}

static void test_deposit_deadline(void)
{
    struct paten_calendar c = { closed_all, n_closed_all };

    /* Thursday 14:00 -> Friday 14:00, a working day. */
    ASSERT_LOCAL(paten_cal_deposit_deadline(&c, WIB, at("2026-01-08", 14, 0, WIB), true), WIB,
                 "2026-01-09 14:00");
    /* Friday afternoon: Saturday 15:00 moves to Monday 15:00 when the region says so. */
    ASSERT_LOCAL(paten_cal_deposit_deadline(&c, WIB, at("2026-01-09", 15, 0, WIB), true), WIB,
                 "2026-01-12 15:00");
    ASSERT_LOCAL(paten_cal_deposit_deadline(&c, WIB, at("2026-01-09", 15, 0, WIB), false), WIB,
                 "2026-01-10 15:00");
    /* Tuesday 17 March 10:00: Wednesday 18 is cuti bersama, the banks reopen on the 25th. */
    ASSERT_LOCAL(paten_cal_deposit_deadline(&c, WIB, at("2026-03-17", 10, 0, WIB), true), WIB,
                 "2026-03-25 10:00");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    load_holidays(g_getenv("PATEN_HOLIDAYS_2026"));
    g_test_add_func("/calendar/dates", test_dates);
    g_test_add_func("/calendar/weekends", test_weekends);
    g_test_add_func("/calendar/idul-fitri-2026", test_idul_fitri_block);
    g_test_add_func("/calendar/year-end", test_year_end);
    g_test_add_func("/calendar/time-zones", test_time_zones);
    g_test_add_func("/calendar/paused-clock", test_paused_clock);
    g_test_add_func("/calendar/deposit-deadline", test_deposit_deadline);
    return g_test_run();
}
