/*
 * paten-connection-indicator.c: PatenConnectionIndicator (paten-connection-indicator.h).
 */
#include "paten-connection-indicator.h"

#include "paten-desk.h"

struct _PatenConnectionIndicator {
    GtkBox parent_instance;
    GtkImage *icon;
    GtkLabel *label;
    PatenEventBus *bus;
};

G_DEFINE_TYPE(PatenConnectionIndicator, paten_connection_indicator, GTK_TYPE_BOX)

const char *paten_connection_state_text(PatenConnectionState state)
{
    switch (state) {
    case PATEN_CONNECTION_STATE_CONNECTED:
        return _("Connected");
    case PATEN_CONNECTION_STATE_CONNECTING:
        return _("Connecting…");
    case PATEN_CONNECTION_STATE_RECONNECTING:
        return _("Disconnected — reconnecting…");
    default:
        return _("Disconnected");
    }
}

static void show_state(PatenConnectionIndicator *self, PatenConnectionState state)
{
    GtkStyleContext *style = gtk_widget_get_style_context(GTK_WIDGET(self));
    gboolean up = state == PATEN_CONNECTION_STATE_CONNECTED;

    gtk_label_set_text(self->label, paten_connection_state_text(state));
    gtk_image_set_from_icon_name(
        self->icon, up ? "network-transmit-receive-symbolic" : "network-offline-symbolic",
        GTK_ICON_SIZE_BUTTON);
    if (up)
        gtk_style_context_remove_class(style, "paten-offline");
    else
        gtk_style_context_add_class(style, "paten-offline");
}

static void on_state_changed(PatenEventBus *bus, PatenConnectionState state, gpointer data)
{
    (void)bus;
    show_state(data, state);
}

void paten_connection_indicator_set_bus(PatenConnectionIndicator *self, PatenEventBus *bus)
{
    g_return_if_fail(PATEN_IS_CONNECTION_INDICATOR(self));
    if (self->bus != NULL)
        g_signal_handlers_disconnect_by_data(self->bus, self);
    g_set_object(&self->bus, bus);
    if (bus != NULL)
        g_signal_connect(bus, "connection-state-changed", G_CALLBACK(on_state_changed), self);
    show_state(self, bus ? paten_event_bus_get_connection_state(bus)
                         : PATEN_CONNECTION_STATE_DISCONNECTED);
}

PatenConnectionIndicator *paten_connection_indicator_new(void)
{
    return g_object_new(PATEN_TYPE_CONNECTION_INDICATOR, NULL);
}

static void paten_connection_indicator_dispose(GObject *obj)
{
    PatenConnectionIndicator *self = PATEN_CONNECTION_INDICATOR(obj);

    if (self->bus != NULL)
        g_signal_handlers_disconnect_by_data(self->bus, self);
    g_clear_object(&self->bus);
    G_OBJECT_CLASS(paten_connection_indicator_parent_class)->dispose(obj);
}

static void paten_connection_indicator_class_init(PatenConnectionIndicatorClass *klass)
{
    GtkWidgetClass *wc = GTK_WIDGET_CLASS(klass);

    G_OBJECT_CLASS(klass)->dispose = paten_connection_indicator_dispose;
    gtk_widget_class_set_template_from_resource(wc, "/id/paten/desk/paten-connection-indicator.ui");
    gtk_widget_class_bind_template_child(wc, PatenConnectionIndicator, icon);
    gtk_widget_class_bind_template_child(wc, PatenConnectionIndicator, label);
}

static void paten_connection_indicator_init(PatenConnectionIndicator *self)
{
    gtk_widget_init_template(GTK_WIDGET(self));
    show_state(self, PATEN_CONNECTION_STATE_DISCONNECTED);
}
