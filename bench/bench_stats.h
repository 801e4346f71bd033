/*
 * bench_stats.h: latency samples of the load generator and their percentiles.
 *
 * Every latency is kept (a sorted array of samples, not a bucketed histogram): a benchmark run
 * holds at most a few million samples, and exact percentiles avoid arguing about bucket error
 * at p99.9.
 */
#ifndef BENCH_STATS_H
#define BENCH_STATS_H

#include <stddef.h>
#include <stdint.h>

struct bench_series {
    uint64_t *us; /* latencies in microseconds, in arrival order until bench_series_sort */
    size_t n;
    size_t cap;
    uint64_t errors;
};

/* Appends one latency. Returns 0, or -1 when memory runs out (the sample is then lost and the
 * caller must treat the run as failed). */
int bench_series_add(struct bench_series *s, uint64_t us);

/* Appends every sample of src to dst (for the per-class totals). Returns 0 or -1 as above. */
int bench_series_merge(struct bench_series *dst, const struct bench_series *src);

/* Sorts the samples; percentiles need it. */
void bench_series_sort(struct bench_series *s);

/* The q-quantile (0 < q <= 1) of a sorted series by the nearest-rank method; 0 when empty. */
uint64_t bench_series_pct(const struct bench_series *s, double q);

/* Frees the samples; the struct may be reused after. */
void bench_series_free(struct bench_series *s);

#endif
