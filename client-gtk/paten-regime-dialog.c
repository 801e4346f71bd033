/*
 * paten-regime-dialog.c: PatenRegimeDialog (paten-regime-dialog.h).
 *
 * The rate is typed as a percent and sent as whole basis points, converted digit by digit from
 * the text ("1,5" is 150): a rate with more than two decimal places of a percent cannot be said
 * in basis points and is refused here rather than rounded. The rounding of the interest is not
 * offered: it is kept as the version edited has it.
 *
 * One idempotency key per intended save, as in the other editors: renewed only when the form is
 * reloaded after a CONFLICT.
 */
#include "paten-regime-dialog.h"

#include "paten-desk.h"
#include "paten-files.h"
#include "paten-util.h"
#include "paten_error.h"

#include <string.h>

struct _PatenRegimeDialog {
    GtkDialog parent_instance;

    GtkLabel *version_label;
    GtkBox *conflict_box;
    GtkLabel *conflict_label;
    GtkButton *reload_button;
    GtkGrid *form_grid;
    GtkEntry *name_entry;
    GtkEntry *legal_entry;
    GtkEntry *effective_entry;
    GtkEntry *rate_entry;
    GtkSpinButton *cap_spin;
    GtkSwitch *started_switch;
    GtkSpinButton *due_spin;
    GtkLabel *rate_error, *effective_error;
    GtkLabel *error_label;
    GtkSpinner *spinner;
    GtkButton *cancel_button;
    GtkButton *save_button;

    PatenConnection *conn;
    Paten__InterestRegime *loaded; /* the version being edited (NULL: the region's first) */
    PatenFieldErrors *errors;
    GCancellable *cancel;
    char *key;
    gboolean busy;
};

G_DEFINE_TYPE(PatenRegimeDialog, paten_regime_dialog, GTK_TYPE_DIALOG)

enum { SIGNAL_SAVED, N_SIGNALS };
static guint signals[N_SIGNALS];

char *paten_rate_display(int32_t bp)
{
    g_autofree char *canonical = NULL;
    g_autofree char *shown = NULL;
    int32_t whole = bp / 100, frac = bp % 100;

    if (bp < 0)
        return g_strdup("?");
    if (frac == 0)
        canonical = g_strdup_printf("%d", whole);
    else if (frac % 10 == 0)
        canonical = g_strdup_printf("%d.%d", whole, frac / 10);
    else
        canonical = g_strdup_printf("%d.%02d", whole, frac);
    shown = paten_decimal_display(canonical);
    return g_strdup_printf("%s%%", shown);
}

int32_t paten_rate_parse(const char *text)
{
    g_autofree char *t = g_strstrip(g_strdup(text ? text : ""));
    g_autofree char *d = NULL;
    size_t n = strlen(t);
    const char *dot;
    int64_t whole = 0, frac = 0;

    if (n > 0 && t[n - 1] == '%')
        t[n - 1] = '\0';
    d = paten_decimal_parse(t);
    if (d == NULL || d[0] == '-')
        return -1;
    dot = strchr(d, '.');
    if (dot != NULL && strlen(dot + 1) > 2)
        return -1;
    if ((dot ? (size_t)(dot - d) : strlen(d)) > 3)
        return -1;
    for (const char *p = d; *p && *p != '.'; p++)
        whole = whole * 10 + (*p - '0');
    if (dot != NULL) {
        frac = (dot[1] - '0') * 10;
        if (dot[2] != '\0')
            frac += dot[2] - '0';
    }
    if (whole * 100 + frac > 10000)
        return -1;
    return (int32_t)(whole * 100 + frac);
}

static void set_busy(PatenRegimeDialog *self, gboolean busy)
{
    self->busy = busy;
    gtk_widget_set_sensitive(GTK_WIDGET(self->save_button), !busy);
    gtk_widget_set_sensitive(GTK_WIDGET(self->form_grid), !busy);
    gtk_widget_set_sensitive(GTK_WIDGET(self->reload_button), !busy);
    gtk_widget_set_visible(GTK_WIDGET(self->spinner), busy);
    if (busy)
        gtk_spinner_start(self->spinner);
    else
        gtk_spinner_stop(self->spinner);
}

static void show_version_note(PatenRegimeDialog *self)
{
    g_autofree char *note = NULL;

    if (self->loaded == NULL)
        note = g_strdup(_("The region has no interest regime yet: this is version 1."));
    else
        note = g_strdup_printf(_("You are editing version %d. Saving adds version %d, which "
                                 "applies from its effective date; assessments already issued "
                                 "keep the terms they were issued under."),
                               self->loaded->version, self->loaded->version + 1);
    gtk_label_set_text(self->version_label, note);
}

/* Shows g (a copy is kept as the version edited) in the form. */
static void fill(PatenRegimeDialog *self, const Paten__InterestRegime *g)
{
    g_autofree char *rate = paten_rate_display(g->monthly_bp);
    unsigned y, m, d;
    char rest;

    paten_message_free(self->loaded);
    self->loaded = paten_message_dup(&g->base);
    /* Without the percent sign: the field's label says it. */
    rate[strlen(rate) - 1] = '\0';
    gtk_entry_set_text(self->name_entry, g->name);
    gtk_entry_set_text(self->legal_entry, g->legal_basis);
    if (sscanf(g->effective_from, "%4u-%2u-%2u%c", &y, &m, &d, &rest) == 3) {
        g_autofree char *date = g_strdup_printf("%02u-%02u-%04u", d, m, y);

        gtk_entry_set_text(self->effective_entry, date);
    } else {
        gtk_entry_set_text(self->effective_entry, g->effective_from);
    }
    gtk_entry_set_text(self->rate_entry, rate);
    gtk_spin_button_set_value(self->cap_spin, g->max_months);
    gtk_switch_set_active(self->started_switch, g->started_month_counts);
    gtk_spin_button_set_value(self->due_spin, g->due_days > 0 ? g->due_days : 30);
    show_version_note(self);
}

static void on_saved(GObject *src, GAsyncResult *res, gpointer data)
{
    g_autoptr(PatenRegimeDialog) self = data;
    g_autoptr(GError) err = NULL;
    Paten__Error *error_reply = NULL;
    Paten__InterestRegimeReply *reply = (Paten__InterestRegimeReply *)paten_connection_call_finish(
        PATEN_CONNECTION(src), res, &error_reply, &err);

    if (g_error_matches(err, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
        paten_message_free(error_reply);
        return;
    }
    set_busy(self, FALSE);
    if (reply != NULL) {
        if (reply->regime != NULL)
            g_signal_emit(self, signals[SIGNAL_SAVED], 0, reply->regime);
        paten_message_free(reply);
        gtk_widget_destroy(GTK_WIDGET(self));
        return;
    }
    if (g_error_matches(err, PATEN_ERROR, PATEN_ERR_CONFLICT)) {
        g_autofree char *text = paten_error_text(err);
        g_autofree char *msg = g_strdup_printf(
            _("%s Reload the current version, then make your changes again."), text);

        gtk_label_set_text(self->conflict_label, msg);
        gtk_widget_show(GTK_WIDGET(self->conflict_box));
        gtk_widget_grab_focus(GTK_WIDGET(self->reload_button));
    } else {
        paten_field_errors_show_error(self->errors, error_reply, err);
    }
    paten_message_free(error_reply);
}

static void on_save_clicked(PatenRegimeDialog *self, GtkButton *button)
{
    Paten__SaveInterestRegimeRequest req = PATEN__SAVE_INTEREST_REGIME_REQUEST__INIT;
    Paten__InterestRegime g = PATEN__INTEREST_REGIME__INIT;
    g_autofree char *name = g_strstrip(g_strdup(gtk_entry_get_text(self->name_entry)));
    g_autofree char *basis = g_strstrip(g_strdup(gtk_entry_get_text(self->legal_entry)));
    g_autofree char *date = paten_date_parse(gtk_entry_get_text(self->effective_entry));
    int32_t bp = paten_rate_parse(gtk_entry_get_text(self->rate_entry));

    (void)button;
    if (self->busy)
        return;
    paten_field_errors_clear(self->errors);
    if (bp < 0) {
        paten_label_show(self->rate_error, _("Write the rate as a percent from 0 to 100 with at "
                                             "most two decimal places, e.g. 2 or 1,5."));
        gtk_widget_grab_focus(GTK_WIDGET(self->rate_entry));
        return;
    }
    if (date == NULL) {
        paten_label_show(self->effective_error,
                         _("Write the date as dd-mm-yyyy, e.g. 01-12-2026."));
        gtk_widget_grab_focus(GTK_WIDGET(self->effective_entry));
        return;
    }
    gtk_spin_button_update(self->cap_spin);
    gtk_spin_button_update(self->due_spin);
    g.version = self->loaded ? self->loaded->version : 0;
    g.name = name;
    g.legal_basis = basis;
    g.effective_from = date;
    g.monthly_bp = bp;
    g.max_months = gtk_spin_button_get_value_as_int(self->cap_spin);
    g.started_month_counts = gtk_switch_get_active(self->started_switch);
    g.due_days = gtk_spin_button_get_value_as_int(self->due_spin);
    /* Not offered here: the interest is rounded as the version edited says. */
    g.rounding_mode =
        self->loaded ? self->loaded->rounding_mode : PATEN__ROUNDING_MODE__ROUNDING_MODE_HALF_UP;
    g.rounding_unit = self->loaded ? self->loaded->rounding_unit : 1;
    req.idempotency_key = self->key;
    req.regime = &g;
    set_busy(self, TRUE);
    paten_connection_call_async(self->conn, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_SAVE_INTEREST_REGIME,
                                &req.base, self->cancel, on_saved, g_object_ref(self));
}

static void on_reloaded(GObject *src, GAsyncResult *res, gpointer data)
{
    g_autoptr(PatenRegimeDialog) self = data;
    g_autoptr(GError) err = NULL;
    Paten__ListInterestRegimesReply *reply =
        (Paten__ListInterestRegimesReply *)paten_connection_call_finish(PATEN_CONNECTION(src), res,
                                                                        NULL, &err);

    if (g_error_matches(err, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
        paten_message_free(reply);
        return;
    }
    set_busy(self, FALSE);
    if (reply == NULL || reply->n_regimes == 0) {
        g_autofree char *text = err != NULL ? paten_error_text(err) : g_strdup("?");
        g_autofree char *msg =
            g_strdup_printf(_("The interest regime could not be loaded: %s"), text);

        paten_label_show(self->error_label, msg);
        paten_message_free(reply);
        return;
    }
    gtk_widget_hide(GTK_WIDGET(self->conflict_box));
    paten_field_errors_clear(self->errors);
    /* Oldest first: the current version is the last. */
    fill(self, reply->regimes[reply->n_regimes - 1]);
    gtk_widget_grab_focus(GTK_WIDGET(self->name_entry));
    paten_message_free(reply);
}

static void on_reload_clicked(PatenRegimeDialog *self, GtkButton *button)
{
    (void)button;
    if (self->busy)
        return;
    /* A new decision on a new version: a new key. */
    g_free(self->key);
    self->key = g_uuid_string_random();
    set_busy(self, TRUE);
    paten_connection_call_async(self->conn, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_LIST_INTEREST_REGIMES,
                                NULL, self->cancel, on_reloaded, g_object_ref(self));
}

/* ---- life --------------------------------------------------------------------------------- */

static void on_cancel_clicked(PatenRegimeDialog *self, GtkButton *button)
{
    (void)button;
    gtk_widget_destroy(GTK_WIDGET(self));
}

static void paten_regime_dialog_response(GtkDialog *dialog, int response)
{
    if (response == GTK_RESPONSE_DELETE_EVENT)
        gtk_widget_destroy(GTK_WIDGET(dialog));
}

static gboolean paten_regime_dialog_delete_event(GtkWidget *widget, GdkEventAny *event)
{
    (void)event;
    gtk_dialog_response(GTK_DIALOG(widget), GTK_RESPONSE_DELETE_EVENT);
    return TRUE;
}

PatenRegimeDialog *paten_regime_dialog_new(GtkWindow *parent, PatenConnection *conn,
                                           const Paten__InterestRegime *regime)
{
    PatenRegimeDialog *self =
        g_object_new(PATEN_TYPE_REGIME_DIALOG, "transient-for", parent, "modal", TRUE, NULL);

    self->conn = g_object_ref(conn);
    if (regime != NULL) {
        fill(self, regime);
    } else {
        /* A common start (domain.md): due in 30 days, a started month counts. */
        gtk_spin_button_set_value(self->due_spin, 30);
        gtk_switch_set_active(self->started_switch, TRUE);
        show_version_note(self);
    }
    gtk_widget_grab_focus(GTK_WIDGET(self->name_entry));
    return self;
}

static void paten_regime_dialog_dispose(GObject *obj)
{
    PatenRegimeDialog *self = PATEN_REGIME_DIALOG(obj);

    g_cancellable_cancel(self->cancel);
    g_clear_object(&self->conn);
    G_OBJECT_CLASS(paten_regime_dialog_parent_class)->dispose(obj);
}

static void paten_regime_dialog_finalize(GObject *obj)
{
    PatenRegimeDialog *self = PATEN_REGIME_DIALOG(obj);

    g_clear_object(&self->cancel);
    paten_message_free(self->loaded);
    paten_field_errors_free(self->errors);
    g_free(self->key);
    G_OBJECT_CLASS(paten_regime_dialog_parent_class)->finalize(obj);
}

static void paten_regime_dialog_class_init(PatenRegimeDialogClass *klass)
{
    GtkWidgetClass *wc = GTK_WIDGET_CLASS(klass);

    G_OBJECT_CLASS(klass)->dispose = paten_regime_dialog_dispose;
    G_OBJECT_CLASS(klass)->finalize = paten_regime_dialog_finalize;
    GTK_DIALOG_CLASS(klass)->response = paten_regime_dialog_response;
    wc->delete_event = paten_regime_dialog_delete_event;
    gtk_widget_class_set_template_from_resource(wc, "/id/paten/desk/paten-regime-dialog.ui");
#define BIND(name) gtk_widget_class_bind_template_child(wc, PatenRegimeDialog, name)
    BIND(version_label);
    BIND(conflict_box);
    BIND(conflict_label);
    BIND(reload_button);
    BIND(form_grid);
    BIND(name_entry);
    BIND(legal_entry);
    BIND(effective_entry);
    BIND(rate_entry);
    BIND(cap_spin);
    BIND(started_switch);
    BIND(due_spin);
    BIND(rate_error);
    BIND(effective_error);
    BIND(error_label);
    BIND(spinner);
    BIND(cancel_button);
    BIND(save_button);
#undef BIND
    gtk_widget_class_bind_template_callback(wc, on_reload_clicked);
    gtk_widget_class_bind_template_callback(wc, on_save_clicked);
    gtk_widget_class_bind_template_callback(wc, on_cancel_clicked);

    /** PatenRegimeDialog::saved: the regime as the server saved it (a Paten__InterestRegime *). */
    signals[SIGNAL_SAVED] = g_signal_new("saved", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0,
                                         NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
}

static void paten_regime_dialog_init(PatenRegimeDialog *self)
{
    gtk_widget_init_template(GTK_WIDGET(self));
    self->cancel = g_cancellable_new();
    self->key = g_uuid_string_random();
    /* The server names the whole regime in its errors ("regime"): they go in the general
     * label. */
    self->errors = paten_field_errors_new(self->error_label);
    paten_field_errors_add(self->errors, "regime.monthly_bp", self->rate_error);
    paten_field_errors_add(self->errors, "regime.effective_from", self->effective_error);
    gtk_window_set_default(GTK_WINDOW(self), GTK_WIDGET(self->save_button));
}
