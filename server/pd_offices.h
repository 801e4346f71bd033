/*
 * pd_offices.h: which region and kind each office is, in memory, so that the dispatcher can
 * check a request's office against the caller's scope before any handler or query runs.
 *
 * Loaded once the pool is up and again whenever an OFFICES_CHANGED event says an office was
 * added (by any patend). Until the first load completes, requests naming an office are refused
 * with UNAVAILABLE rather than guessed.
 */
#ifndef PD_OFFICES_H
#define PD_OFFICES_H

#include <stdbool.h>
#include <stdint.h>

struct pd_server;

struct pd_office_entry {
    int64_t id;
    int64_t region_id;
    int kind; /* Paten__OfficeKind */
    char code[48];
    int tz_offset_min; /* the region's offset from UTC (WIB 420, WITA 480, WIT 540) */
};

struct pd_offices;

struct pd_offices *pd_offices_new(void);
void pd_offices_free(struct pd_offices *o);

/* Starts an asynchronous (re)load through the pool. */
void pd_offices_reload(struct pd_server *srv);

/* Whether a load has completed. */
bool pd_offices_loaded(const struct pd_offices *o);

/* The office, or NULL when it does not exist (as of the last load). */
const struct pd_office_entry *pd_offices_get(const struct pd_offices *o, int64_t id);

/* The offset from UTC, in minutes, of office_id's region (WIB when unknown): its local day. */
int pd_offices_tz(const struct pd_offices *o, int64_t office_id);

/* The Paten__OfficeKind of a database office_kind name ("KECAMATAN"), or 0. */
int pd_office_kind_parse(const char *name);

#endif
