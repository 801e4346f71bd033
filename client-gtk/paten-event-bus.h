/*
 * paten-event-bus.h: PatenEventBus, the one way pushed events and connection changes reach the
 * widgets of paten-desk. The application owns one bus and points it at its PatenConnection;
 * widgets connect to the bus's signals, never to the socket, so they neither care which
 * connection is current nor how events arrived (live, or replayed after a reconnect).
 *
 * Signals (message pointers are owned by the emitter and valid only during the emission):
 *   "event"                    (Paten__Event *)         every event, before the specific signal
 *   "user-changed"             (Paten__UserChanged *)
 *   "session-ended"            (Paten__SessionEnded *)
 *   "delegation-changed"       (Paten__DelegationChanged *)
 *   "server-shutdown"          (Paten__ServerShutdown *)
 *   "calendar-changed"         (Paten__CalendarChanged *)
 *   "service-changed"          (Paten__ServiceChanged *)
 *   "file-changed"             (Paten__FileChanged *)
 *   "disposition-changed"      (Paten__DispositionChanged *)
 *   "assessment-changed"       (Paten__AssessmentChanged *)
 *   "deposit-changed"          (Paten__DepositChanged *)
 *   "deposit-alert-changed"    (Paten__DepositAlertChanged *)
 *   "connection-state-changed" (PatenConnectionState)
 *   "connection-attempt-failed"(GError *)               a (re)connect attempt failed
 *   "session-resumed"          (Paten__SessionInfo *)   a reconnect resumed the session
 *   "session-lost"             (GError *)               a reconnect found the session gone
 *   "events-missed"            ()                       reload: events could not be replayed
 */
#ifndef PATEN_EVENT_BUS_H
#define PATEN_EVENT_BUS_H

#include "paten-connection.h"

#include <glib-object.h>

G_BEGIN_DECLS

#define PATEN_TYPE_EVENT_BUS (paten_event_bus_get_type())
G_DECLARE_FINAL_TYPE(PatenEventBus, paten_event_bus, PATEN, EVENT_BUS, GObject)

PatenEventBus *paten_event_bus_new(void);

/* Follows conn from now on (NULL: none), forgetting the previous connection; emits
 * "connection-state-changed" with conn's state. The bus holds a reference to conn. */
void paten_event_bus_set_connection(PatenEventBus *self, PatenConnection *conn);

/* The state of the followed connection (DISCONNECTED when none). */
PatenConnectionState paten_event_bus_get_connection_state(PatenEventBus *self);

/* Emits "event" and then the signal of ev's kind, as if the connection had received it (the
 * connection's handler; tests use it to feed events). */
void paten_event_bus_dispatch(PatenEventBus *self, const Paten__Event *ev);

G_END_DECLS

#endif
