/*
 * paten-util.h: small helpers shared by the widgets of paten-desk: copying protobuf messages,
 * accessible names, turning errors into sentences for people, formatting times, and showing a
 * server Error next to the field it names.
 */
#ifndef PATEN_UTIL_H
#define PATEN_UTIL_H

#include "paten-connection.h"

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* A deep copy of msg, freed with paten_message_free(); NULL stays NULL. */
gpointer paten_message_dup(const ProtobufCMessage *msg);

/* Frees a message from paten_message_dup or paten_connection_call_finish; NULL is fine. */
void paten_message_free(gpointer msg);

/* Sets the accessible name assistive technology (and the UI tests) find widget by. */
void paten_set_accessible_name(GtkWidget *widget, const char *name);

/*
 * A sentence for people about err from a call or a connect: the server's own (Indonesian)
 * message for PATEN_ERROR, a translated sentence for the connection problems on this side
 * (cannot reach the server, no reply, connection lost). Caller frees.
 */
char *paten_error_text(const GError *err);

/* TRUE when err says the server could not be reached or the connection broke (as opposed to
 * the server answering with an error). */
gboolean paten_error_is_connection(const GError *err);

/* "12 Mei 2026 14.05" for Unix milliseconds, in time zone tz ("Asia/Jakarta"; NULL or unknown:
 * local time); with_time FALSE leaves the time out. Caller frees. */
char *paten_format_time(gint64 ms, const char *tz, gboolean with_time);

/* "Rp 1.234.567" for an amount in whole rupiah (a minus sign before "Rp" when negative).
 * Caller frees. */
char *paten_format_rupiah(gint64 amount);

/* Shows a label with text, or hides it when text is NULL or empty. */
void paten_label_show(GtkLabel *label, const char *text);

/*
 * Error labels keyed by request field name (proto names: "username", "initial_password"): a
 * form shows a server Error.field next to the field it names, and anything else in its general
 * label.
 */
typedef struct _PatenFieldErrors PatenFieldErrors;

PatenFieldErrors *paten_field_errors_new(GtkLabel *general);
void paten_field_errors_free(PatenFieldErrors *fe);
void paten_field_errors_add(PatenFieldErrors *fe, const char *field, GtkLabel *label);
/* Hides every label. */
void paten_field_errors_clear(PatenFieldErrors *fe);
/* Shows text next to field (the general label when field is unknown or NULL). Returns the label
 * used. */
GtkLabel *paten_field_errors_show(PatenFieldErrors *fe, const char *field, const char *text);
/* Shows the outcome of a failed call: the server's Error next to its field, anything else in the
 * general label. Returns the label used. */
GtkLabel *paten_field_errors_show_error(PatenFieldErrors *fe, const Paten__Error *reply,
                                        const GError *err);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(PatenFieldErrors, paten_field_errors_free)

G_END_DECLS

#endif
