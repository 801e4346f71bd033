/*
 * paten-connection-indicator.h: PatenConnectionIndicator, the connection's state in the header
 * bar ("Terhubung", "Terputus — menyambung ulang…"), an icon and a word, following the event
 * bus.
 */
#ifndef PATEN_CONNECTION_INDICATOR_H
#define PATEN_CONNECTION_INDICATOR_H

#include "paten-event-bus.h"

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define PATEN_TYPE_CONNECTION_INDICATOR (paten_connection_indicator_get_type())
G_DECLARE_FINAL_TYPE(PatenConnectionIndicator, paten_connection_indicator, PATEN,
                     CONNECTION_INDICATOR, GtkBox)

PatenConnectionIndicator *paten_connection_indicator_new(void);

/* Follows bus from now on (NULL: shows "not connected"). */
void paten_connection_indicator_set_bus(PatenConnectionIndicator *self, PatenEventBus *bus);

/* The text shown for state, for people. Static string. */
const char *paten_connection_state_text(PatenConnectionState state);

G_END_DECLS

#endif
