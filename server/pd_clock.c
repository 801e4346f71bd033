/*
 * pd_clock.c: business, wall and monotonic clocks (see pd_clock.h).
 */
#include "pd_clock.h"

#include <time.h>

enum clock_mode { CLOCK_REAL, CLOCK_FROZEN, CLOCK_SHIFTED };

static enum clock_mode mode = CLOCK_REAL;
static int64_t frozen_at_ms;
static int64_t offset_ms;

int64_t pd_clock_wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

uint64_t pd_clock_mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

int64_t pd_clock_now_ms(void)
{
    switch (mode) {
    case CLOCK_FROZEN:
        return frozen_at_ms;
    case CLOCK_SHIFTED:
        return pd_clock_wall_ms() + offset_ms;
    case CLOCK_REAL:
    default:
        return pd_clock_wall_ms();
    }
}

bool pd_clock_is_overridden(void)
{
    return mode != CLOCK_REAL;
}

#ifdef PATEN_TEST_HOOKS
void pd_clock_freeze(int64_t at_ms)
{
    mode = CLOCK_FROZEN;
    frozen_at_ms = at_ms;
}

void pd_clock_offset(int64_t off)
{
    mode = CLOCK_SHIFTED;
    offset_ms = off;
}

void pd_clock_reset(void)
{
    mode = CLOCK_REAL;
}
#endif
