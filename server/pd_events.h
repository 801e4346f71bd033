/*
 * pd_events.h: the event outbox, from the transaction that writes an event to the desks that
 * may see it.
 *
 * A change adds its events to its own transaction (pd_event_add); the database numbers them in
 * commit order and NOTIFYs. Every patend then reads the new rows once, applies what concerns
 * itself (a session ended elsewhere, a delegation changed, offices were added) and pushes each
 * event to the subscribed connections whose session may see it. A client that reconnects sends
 * Subscribe with the last sequence it saw and receives what it missed first.
 */
#ifndef PD_EVENTS_H
#define PD_EVENTS_H

#include "paten.pb-c.h"
#include "pd_db.h"
#include "pd_session.h"

#include <stdint.h>

struct pd_server;
struct pd_events;

struct pd_events *pd_events_new(void);
void pd_events_free(struct pd_events *e);

/* Starts delivering events after last_seq (the newest event when patend became ready). */
void pd_events_start(struct pd_server *srv, uint64_t last_seq);

/* A NOTIFY arrived, or the LISTEN connection came back (events may have been missed): read
 * whatever is new. */
void pd_events_poll(struct pd_server *srv);

/* The newest event this process has read. */
uint64_t pd_events_seen(const struct pd_server *srv);

/*
 * Adds the emission of ev to batch b. Who sees it: user_id (when not 0) alone; else office_id's
 * sessions, plus the region-wide roles of its region, holding one of roles (0: any role); else
 * region_id's sessions holding one of roles. kind names it for the outbox ("USER_CHANGED").
 */
void pd_event_add(struct pd_db_batch *b, int64_t at_ms, const char *kind, int64_t region_id,
                  int64_t office_id, pd_roleset roles, int64_t user_id, const Paten__Event *ev);

#endif
