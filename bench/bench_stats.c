/*
 * bench_stats.c: latency samples and nearest-rank percentiles (see bench_stats.h).
 */
#include "bench_stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int bench_series_add(struct bench_series *s, uint64_t us)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 1024;
        uint64_t *p = realloc(s->us, cap * sizeof *p);
        if (!p)
            return -1;
        s->us = p;
        s->cap = cap;
    }
    s->us[s->n++] = us;
    return 0;
}

int bench_series_merge(struct bench_series *dst, const struct bench_series *src)
{
    for (size_t i = 0; i < src->n; i++)
        if (bench_series_add(dst, src->us[i]) < 0)
            return -1;
    dst->errors += src->errors;
    return 0;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

void bench_series_sort(struct bench_series *s)
{
    if (s->n > 1)
        qsort(s->us, s->n, sizeof *s->us, cmp_u64);
}

uint64_t bench_series_pct(const struct bench_series *s, double q)
{
    if (s->n == 0)
        return 0;
    /* Nearest rank: the smallest sample with at least q of the samples at or below it. */
    double rank = ceil(q * (double)s->n);
    size_t i = rank < 1 ? 0 : (size_t)rank - 1;
    if (i >= s->n)
        i = s->n - 1;
    return s->us[i];
}

void bench_series_free(struct bench_series *s)
{
    free(s->us);
    memset(s, 0, sizeof *s);
}
