/*
 * paten-event-bus.c: PatenEventBus (paten-event-bus.h).
 */
#include "paten-event-bus.h"

struct _PatenEventBus {
    GObject parent_instance;
    PatenConnection *conn;
    gulong handlers[6];
};

G_DEFINE_TYPE(PatenEventBus, paten_event_bus, G_TYPE_OBJECT)

enum {
    SIGNAL_EVENT,
    SIGNAL_USER_CHANGED,
    SIGNAL_SESSION_ENDED,
    SIGNAL_DELEGATION_CHANGED,
    SIGNAL_SERVER_SHUTDOWN,
    SIGNAL_CALENDAR_CHANGED,
    SIGNAL_SERVICE_CHANGED,
    SIGNAL_FILE_CHANGED,
    SIGNAL_DISPOSITION_CHANGED,
    SIGNAL_ASSESSMENT_CHANGED,
    SIGNAL_DEPOSIT_CHANGED,
    SIGNAL_DEPOSIT_ALERT_CHANGED,
    SIGNAL_STATE_CHANGED,
    SIGNAL_ATTEMPT_FAILED,
    SIGNAL_SESSION_RESUMED,
    SIGNAL_SESSION_LOST,
    SIGNAL_EVENTS_MISSED,
    N_SIGNALS
};
static guint signals[N_SIGNALS];

void paten_event_bus_dispatch(PatenEventBus *self, const Paten__Event *ev)
{
    g_return_if_fail(PATEN_IS_EVENT_BUS(self));
    g_object_ref(self);
    g_signal_emit(self, signals[SIGNAL_EVENT], 0, ev);
    switch (ev->body_case) {
    case PATEN__EVENT__BODY_USER_CHANGED:
        g_signal_emit(self, signals[SIGNAL_USER_CHANGED], 0, ev->user_changed);
        break;
    case PATEN__EVENT__BODY_SESSION_ENDED:
        g_signal_emit(self, signals[SIGNAL_SESSION_ENDED], 0, ev->session_ended);
        break;
    case PATEN__EVENT__BODY_DELEGATION_CHANGED:
        g_signal_emit(self, signals[SIGNAL_DELEGATION_CHANGED], 0, ev->delegation_changed);
        break;
    case PATEN__EVENT__BODY_SERVER_SHUTDOWN:
        g_signal_emit(self, signals[SIGNAL_SERVER_SHUTDOWN], 0, ev->server_shutdown);
        break;
    case PATEN__EVENT__BODY_CALENDAR_CHANGED:
        g_signal_emit(self, signals[SIGNAL_CALENDAR_CHANGED], 0, ev->calendar_changed);
        break;
    case PATEN__EVENT__BODY_SERVICE_CHANGED:
        g_signal_emit(self, signals[SIGNAL_SERVICE_CHANGED], 0, ev->service_changed);
        break;
    case PATEN__EVENT__BODY_FILE_CHANGED:
        g_signal_emit(self, signals[SIGNAL_FILE_CHANGED], 0, ev->file_changed);
        break;
    case PATEN__EVENT__BODY_DISPOSITION_CHANGED:
        g_signal_emit(self, signals[SIGNAL_DISPOSITION_CHANGED], 0, ev->disposition_changed);
        break;
    case PATEN__EVENT__BODY_ASSESSMENT_CHANGED:
        g_signal_emit(self, signals[SIGNAL_ASSESSMENT_CHANGED], 0, ev->assessment_changed);
        break;
    case PATEN__EVENT__BODY_DEPOSIT_CHANGED:
        g_signal_emit(self, signals[SIGNAL_DEPOSIT_CHANGED], 0, ev->deposit_changed);
        break;
    case PATEN__EVENT__BODY_DEPOSIT_ALERT_CHANGED:
        g_signal_emit(self, signals[SIGNAL_DEPOSIT_ALERT_CHANGED], 0, ev->deposit_alert_changed);
        break;
    default:
        /* A kind this version does not know (a newer server): "event" has carried it. */
        break;
    }
    g_object_unref(self);
}

static void on_event(PatenConnection *conn, gpointer ev, gpointer data)
{
    (void)conn;
    paten_event_bus_dispatch(data, ev);
}

static void on_state(GObject *conn, GParamSpec *pspec, gpointer data)
{
    (void)pspec;
    g_signal_emit(data, signals[SIGNAL_STATE_CHANGED], 0,
                  paten_connection_get_state(PATEN_CONNECTION(conn)));
}

static void on_attempt_failed(PatenConnection *conn, GError *why, gpointer data)
{
    (void)conn;
    g_signal_emit(data, signals[SIGNAL_ATTEMPT_FAILED], 0, why);
}

static void on_session_resumed(PatenConnection *conn, gpointer info, gpointer data)
{
    (void)conn;
    g_signal_emit(data, signals[SIGNAL_SESSION_RESUMED], 0, info);
}

static void on_session_lost(PatenConnection *conn, GError *why, gpointer data)
{
    (void)conn;
    g_signal_emit(data, signals[SIGNAL_SESSION_LOST], 0, why);
}

static void on_events_missed(PatenConnection *conn, gpointer data)
{
    (void)conn;
    g_signal_emit(data, signals[SIGNAL_EVENTS_MISSED], 0);
}

static void detach(PatenEventBus *self)
{
    if (self->conn == NULL)
        return;
    for (guint i = 0; i < G_N_ELEMENTS(self->handlers); i++)
        g_clear_signal_handler(&self->handlers[i], self->conn);
    g_clear_object(&self->conn);
}

void paten_event_bus_set_connection(PatenEventBus *self, PatenConnection *conn)
{
    g_return_if_fail(PATEN_IS_EVENT_BUS(self));
    detach(self);
    if (conn != NULL) {
        self->conn = g_object_ref(conn);
        self->handlers[0] = g_signal_connect(conn, "event", G_CALLBACK(on_event), self);
        self->handlers[1] = g_signal_connect(conn, "notify::state", G_CALLBACK(on_state), self);
        self->handlers[2] =
            g_signal_connect(conn, "attempt-failed", G_CALLBACK(on_attempt_failed), self);
        self->handlers[3] =
            g_signal_connect(conn, "session-resumed", G_CALLBACK(on_session_resumed), self);
        self->handlers[4] =
            g_signal_connect(conn, "session-lost", G_CALLBACK(on_session_lost), self);
        self->handlers[5] =
            g_signal_connect(conn, "events-missed", G_CALLBACK(on_events_missed), self);
    }
    g_signal_emit(self, signals[SIGNAL_STATE_CHANGED], 0,
                  paten_event_bus_get_connection_state(self));
}

PatenConnectionState paten_event_bus_get_connection_state(PatenEventBus *self)
{
    g_return_val_if_fail(PATEN_IS_EVENT_BUS(self), PATEN_CONNECTION_STATE_DISCONNECTED);
    return self->conn ? paten_connection_get_state(self->conn)
                      : PATEN_CONNECTION_STATE_DISCONNECTED;
}

PatenEventBus *paten_event_bus_new(void)
{
    return g_object_new(PATEN_TYPE_EVENT_BUS, NULL);
}

static void paten_event_bus_dispose(GObject *obj)
{
    detach(PATEN_EVENT_BUS(obj));
    G_OBJECT_CLASS(paten_event_bus_parent_class)->dispose(obj);
}

static guint new_pointer_signal(GObjectClass *oc, const char *name)
{
    return g_signal_new(name, G_TYPE_FROM_CLASS(oc), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                        G_TYPE_NONE, 1, G_TYPE_POINTER);
}

static void paten_event_bus_class_init(PatenEventBusClass *klass)
{
    GObjectClass *oc = G_OBJECT_CLASS(klass);

    oc->dispose = paten_event_bus_dispose;
    signals[SIGNAL_EVENT] = new_pointer_signal(oc, "event");
    signals[SIGNAL_USER_CHANGED] = new_pointer_signal(oc, "user-changed");
    signals[SIGNAL_SESSION_ENDED] = new_pointer_signal(oc, "session-ended");
    signals[SIGNAL_DELEGATION_CHANGED] = new_pointer_signal(oc, "delegation-changed");
    signals[SIGNAL_SERVER_SHUTDOWN] = new_pointer_signal(oc, "server-shutdown");
    signals[SIGNAL_CALENDAR_CHANGED] = new_pointer_signal(oc, "calendar-changed");
    signals[SIGNAL_SERVICE_CHANGED] = new_pointer_signal(oc, "service-changed");
    signals[SIGNAL_FILE_CHANGED] = new_pointer_signal(oc, "file-changed");
    signals[SIGNAL_DISPOSITION_CHANGED] = new_pointer_signal(oc, "disposition-changed");
    signals[SIGNAL_ASSESSMENT_CHANGED] = new_pointer_signal(oc, "assessment-changed");
    signals[SIGNAL_DEPOSIT_CHANGED] = new_pointer_signal(oc, "deposit-changed");
    signals[SIGNAL_DEPOSIT_ALERT_CHANGED] = new_pointer_signal(oc, "deposit-alert-changed");
    signals[SIGNAL_SESSION_RESUMED] = new_pointer_signal(oc, "session-resumed");
    signals[SIGNAL_STATE_CHANGED] =
        g_signal_new("connection-state-changed", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0,
                     NULL, NULL, NULL, G_TYPE_NONE, 1, PATEN_TYPE_CONNECTION_STATE);
    signals[SIGNAL_ATTEMPT_FAILED] =
        g_signal_new("connection-attempt-failed", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0,
                     NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR | G_SIGNAL_TYPE_STATIC_SCOPE);
    signals[SIGNAL_SESSION_LOST] =
        g_signal_new("session-lost", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                     NULL, G_TYPE_NONE, 1, G_TYPE_ERROR | G_SIGNAL_TYPE_STATIC_SCOPE);
    signals[SIGNAL_EVENTS_MISSED] =
        g_signal_new("events-missed", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                     NULL, G_TYPE_NONE, 0);
}

static void paten_event_bus_init(PatenEventBus *self)
{
    (void)self;
}
