/*
 * pd_clock.h: the one clock for business times (deadlines, payment times, interest).
 *
 * Every business time patend uses comes from pd_clock_now_ms() and is passed to SQL as a parameter,
 * never taken from now() inside SQL, so tests can move time. Test builds (-Dtest_hooks=true) can
 * freeze or shift it through the SetTestClock message; production builds compile that out.
 */
#ifndef PD_CLOCK_H
#define PD_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

/* Business time, Unix milliseconds. */
int64_t pd_clock_now_ms(void);

/* Real wall-clock time, Unix milliseconds: for logs and uptime, never for business rules. */
int64_t pd_clock_wall_ms(void);

/* Monotonic milliseconds, for timeouts. */
uint64_t pd_clock_mono_ms(void);

/* Whether a test has moved the business clock. */
bool pd_clock_is_overridden(void);

#ifdef PATEN_TEST_HOOKS
void pd_clock_freeze(int64_t at_ms);
void pd_clock_offset(int64_t offset_ms);
void pd_clock_reset(void);
#endif

#endif
