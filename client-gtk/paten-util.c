/*
 * paten-util.c: helpers shared by the widgets (paten-util.h).
 */
#include "paten-util.h"

#include "paten-desk.h"
#include "paten_error.h"

#include <stdlib.h>
#include <string.h>

gpointer paten_message_dup(const ProtobufCMessage *msg)
{
    g_autofree uint8_t *buf = NULL;
    size_t len;

    if (msg == NULL)
        return NULL;
    len = protobuf_c_message_get_packed_size(msg);
    buf = g_malloc(len ? len : 1);
    protobuf_c_message_pack(msg, buf);
    /* Packing what protobuf-c itself holds cannot produce bytes it fails to read back. */
    return protobuf_c_message_unpack(msg->descriptor, NULL, len, buf);
}

void paten_message_free(gpointer msg)
{
    if (msg != NULL)
        protobuf_c_message_free_unpacked(msg, NULL);
}

void paten_set_accessible_name(GtkWidget *widget, const char *name)
{
    AtkObject *acc = gtk_widget_get_accessible(widget);

    if (acc != NULL)
        atk_object_set_name(acc, name);
}

gboolean paten_error_is_connection(const GError *err)
{
    return err != NULL && err->domain == G_IO_ERROR && err->code != G_IO_ERROR_CANCELLED &&
           err->code != G_IO_ERROR_INVALID_ARGUMENT && err->code != G_IO_ERROR_MESSAGE_TOO_LARGE;
}

char *paten_error_text(const GError *err)
{
    if (err == NULL)
        return g_strdup(_("Something went wrong."));
    if (err->domain == PATEN_ERROR)
        return g_strdup(err->message[0] ? err->message : paten_err_message(err->code));
    if (err->domain == PATEN_CONNECTION_ERROR) {
        switch (err->code) {
        case PATEN_CONNECTION_ERROR_TLS_UNKNOWN_CA:
            return g_strdup(_("The server's certificate is not signed by the configured "
                              "authority (CA): the connection was refused."));
        case PATEN_CONNECTION_ERROR_TLS_PIN_MISMATCH:
            return g_strdup(_("The server's certificate is not the pinned one: the connection "
                              "was refused."));
        case PATEN_CONNECTION_ERROR_TLS_HOSTNAME_MISMATCH:
            return g_strdup(_("The server's certificate is for another address: the connection "
                              "was refused."));
        case PATEN_CONNECTION_ERROR_PLAINTEXT_REFUSED:
            return g_strdup(_("This server is not on this computer: set up TLS for it (tls-ca "
                              "or tls-pin in desk.ini) first."));
        default:
            break;
        }
    }
    if (err->domain == G_IO_ERROR) {
        switch (err->code) {
        case G_IO_ERROR_TIMED_OUT:
            return g_strdup(_("The server did not answer in time. Try again."));
        case G_IO_ERROR_CONNECTION_CLOSED:
        case G_IO_ERROR_CONNECTION_REFUSED:
        case G_IO_ERROR_HOST_NOT_FOUND:
        case G_IO_ERROR_HOST_UNREACHABLE:
        case G_IO_ERROR_NETWORK_UNREACHABLE:
        case G_IO_ERROR_NOT_CONNECTED:
            return g_strdup_printf(_("The server cannot be reached (%s)."), err->message);
        case G_IO_ERROR_CANCELLED:
            return g_strdup(_("Cancelled."));
        default:
            break;
        }
    }
    return g_strdup(err->message);
}

char *paten_format_time(gint64 ms, const char *tz, gboolean with_time)
{
    static const char *const months[] = {
        N_("January"),   N_("February"), N_("March"),    N_("April"),
        N_("May"),       N_("June"),     N_("July"),     N_("August"),
        N_("September"), N_("October"),  N_("November"), N_("December"),
    };
    g_autoptr(GTimeZone) zone = NULL;
    g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc(ms / 1000);
    g_autoptr(GDateTime) t = NULL;

    if (tz != NULL && tz[0] != '\0')
        zone = g_time_zone_new_identifier(tz);
    if (zone == NULL)
        zone = g_time_zone_new_local();
    if (utc == NULL)
        return g_strdup("?");
    t = g_date_time_to_timezone(utc, zone);
    /* Months by name from our own catalog: the C library's Indonesian locale is rarely
     * installed. Indonesian writes the time with a dot (14.05). */
    if (!with_time)
        return g_strdup_printf("%d %s %d", g_date_time_get_day_of_month(t),
                               _(months[g_date_time_get_month(t) - 1]), g_date_time_get_year(t));
    return g_strdup_printf("%d %s %d %02d.%02d", g_date_time_get_day_of_month(t),
                           _(months[g_date_time_get_month(t) - 1]), g_date_time_get_year(t),
                           g_date_time_get_hour(t), g_date_time_get_minute(t));
}

char *paten_format_rupiah(gint64 amount)
{
    /* Whole rupiah with a dot every three digits, as amounts are written in Indonesia (never
     * through the C library's locale, which is rarely Indonesian on these machines). */
    guint64 v = amount < 0 ? (guint64)(-(amount + 1)) + 1 : (guint64)amount;
    g_autofree char *digits = g_strdup_printf("%" G_GUINT64_FORMAT, v);
    size_t n = strlen(digits);
    GString *s = g_string_new(amount < 0 ? "-Rp " : "Rp ");

    for (size_t i = 0; i < n; i++) {
        if (i > 0 && (n - i) % 3 == 0)
            g_string_append_c(s, '.');
        g_string_append_c(s, digits[i]);
    }
    return g_string_free(s, FALSE);
}

void paten_label_show(GtkLabel *label, const char *text)
{
    if (label == NULL)
        return;
    gtk_label_set_text(label, text ? text : "");
    gtk_widget_set_visible(GTK_WIDGET(label), text != NULL && text[0] != '\0');
}

struct _PatenFieldErrors {
    GtkLabel *general;
    GHashTable *labels; /* field name -> GtkLabel (not referenced: they live in the form) */
};

PatenFieldErrors *paten_field_errors_new(GtkLabel *general)
{
    PatenFieldErrors *fe = g_new0(PatenFieldErrors, 1);

    fe->general = general;
    fe->labels = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    return fe;
}

void paten_field_errors_free(PatenFieldErrors *fe)
{
    if (fe == NULL)
        return;
    g_hash_table_unref(fe->labels);
    g_free(fe);
}

void paten_field_errors_add(PatenFieldErrors *fe, const char *field, GtkLabel *label)
{
    g_hash_table_replace(fe->labels, g_strdup(field), label);
}

void paten_field_errors_clear(PatenFieldErrors *fe)
{
    GHashTableIter it;
    gpointer label;

    g_hash_table_iter_init(&it, fe->labels);
    while (g_hash_table_iter_next(&it, NULL, &label))
        paten_label_show(label, NULL);
    paten_label_show(fe->general, NULL);
}

GtkLabel *paten_field_errors_show(PatenFieldErrors *fe, const char *field, const char *text)
{
    GtkLabel *label = field && field[0] ? g_hash_table_lookup(fe->labels, field) : NULL;

    if (label == NULL)
        label = fe->general;
    paten_label_show(label, text);
    return label;
}

GtkLabel *paten_field_errors_show_error(PatenFieldErrors *fe, const Paten__Error *reply,
                                        const GError *err)
{
    g_autofree char *text = paten_error_text(err);

    return paten_field_errors_show(fe, reply ? reply->field : NULL, text);
}
