/*
 * paten_calendar.h: working days and deadlines, the arithmetic only (the holidays are data in
 * the database; patend hands them over as a sorted list).
 *
 * Rules (../shared/domain.md, "Deadlines in working days"): working days are Monday to Friday
 * minus the closed days (national holidays, cuti bersama unless the region keeps its counters
 * open, regional holidays). "N working days" ends at the office's closing time on the Nth
 * working day after the day the file became complete, in the office's time zone; while a file is
 * back with the applicant its clock pauses. Indonesian time zones have fixed offsets (WIB +7,
 * WITA +8, WIT +9; no daylight saving), so an offset in minutes is all a zone needs.
 *
 * Days are counted from 1970-01-01 (day 0) in local time; instants are Unix milliseconds (UTC).
 */
#ifndef PATEN_CALENDAR_H
#define PATEN_CALENDAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef int32_t paten_day;

/* Offset from UTC in minutes of "Asia/Jakarta" (WIB, 420), "Asia/Makassar" (WITA, 480) or
 * "Asia/Jayapura" (WIT, 540); -1 for any other name. */
int paten_tz_offset_minutes(const char *tz_name);

paten_day paten_day_from_ymd(int year, int month, int day);
void paten_day_to_ymd(paten_day d, int *year, int *month, int *day);
/* 0 Monday ... 6 Sunday. */
int paten_day_weekday(paten_day d);
/* Parses "YYYY-MM-DD" (a real date). Returns 0, or -1. */
int paten_day_parse(const char *iso, paten_day *out);
/* Writes "YYYY-MM-DD" (11 bytes with the NUL). */
void paten_day_format(paten_day d, char out[11]);

/* The local day of an instant, and the instant a local day starts. */
paten_day paten_day_of(int64_t at_ms, int tz_offset_min);
int64_t paten_day_start_ms(paten_day d, int tz_offset_min);

struct paten_calendar {
    const paten_day *closed; /* non-working days besides weekends: sorted, no duplicates */
    size_t n_closed;
};

bool paten_cal_is_working(const struct paten_calendar *c, paten_day d);

/* The nth working day after d (n >= 1); d itself when n is 0. */
paten_day paten_cal_add_working(const struct paten_calendar *c, paten_day d, int n);

/* The number of working days in (from, to]; 0 when to <= from. */
int paten_cal_count_working(const struct paten_calendar *c, paten_day from, paten_day to);

/*
 * The deadline of a service of n working days for a file that became complete at complete_at_ms:
 * closing_minute (minutes after local midnight, e.g. 960 for 16:00) of the (n + paused)th working
 * day after the local day of completion. paused is the working days the file spent back with the
 * applicant (paten_cal_paused_days). Returns Unix milliseconds.
 */
int64_t paten_cal_deadline(const struct paten_calendar *c, int tz_offset_min,
                           int64_t complete_at_ms, int n, int paused, int closing_minute);

/*
 * The working days a RETURNED file's clock stood still: those in (local day it was returned,
 * local day it came back]. A file returned and resumed on the same day loses nothing.
 */
int paten_cal_paused_days(const struct paten_calendar *c, int tz_offset_min, int64_t returned_at_ms,
                          int64_t resumed_at_ms);

/*
 * A cash deposit's deadline: 24 hours after the payment; when that instant falls on a day that
 * is not a working day and shift is true (a region setting), the same local time on the next
 * working day instead.
 */
int64_t paten_cal_deposit_deadline(const struct paten_calendar *c, int tz_offset_min,
                                   int64_t paid_at_ms, bool shift);

#endif
