/*
 * paten-confirm-dialog.c: PatenConfirmDialog (paten-confirm-dialog.h).
 *
 * The desk decides nothing about the money: the amount typed is sent as it is, and the server
 * says whether it is CONFIRMED or a DISCREPANCY. The difference shown while typing is only a
 * warning, in whole rupiah (gint64, never floating point). One idempotency key per intended
 * Confirm and one per intended ResolveDiscrepancy, kept across retries of the same decision.
 * A confirmation that matches closes the dialog (the page says so); a discrepancy keeps it open
 * on its resolution.
 */
#include "paten-confirm-dialog.h"

#include "paten-desk.h"
#include "paten-files.h"
#include "paten-util.h"
#include "paten_error.h"

#include <string.h>

struct _PatenConfirmDialog {
    GtkDialog parent_instance;

    GtkLabel *what_label;
    GtkGrid *form_grid;
    GtkEntry *date_entry;
    GtkEntry *reference_entry;
    GtkEntry *amount_entry;
    GtkLabel *date_error, *reference_error, *amount_error;
    GtkLabel *difference_label;
    GtkLabel *result_label;
    GtkBox *resolve_box;
    GtkEntry *reason_entry;
    GtkButton *resolve_button;
    GtkLabel *error_label;
    GtkSpinner *spinner;
    GtkButton *cancel_button;
    GtkButton *confirm_button;

    PatenConnection *conn;
    Paten__Deposit *deposit; /* exactly one of deposit and payment */
    Paten__Payment *payment;
    Paten__Confirmation *confirmation; /* the open discrepancy being resolved, if any */
    gint64 expected;
    PatenFieldErrors *errors;
    GCancellable *cancel;
    char *confirm_key;
    char *resolve_key;
    gboolean busy;
};

G_DEFINE_TYPE(PatenConfirmDialog, paten_confirm_dialog, GTK_TYPE_DIALOG)

enum { SIGNAL_CONFIRMED, N_SIGNALS };
static guint signals[N_SIGNALS];

gint64 paten_rupiah_parse(const char *text)
{
    g_autofree char *t = g_strstrip(g_strdup(text ? text : ""));
    const char *p = t;
    gint64 v = 0;
    int digits = 0, group = -1; /* digits since the last dot (-1: no dot yet) */

    /* "Rp 1.000", "Rp. 1.000", "Rp1000" */
    if (g_ascii_strncasecmp(p, "Rp", 2) == 0) {
        p += 2;
        if (*p == '.')
            p++;
        while (*p == ' ')
            p++;
    }
    if (*p == '\0')
        return -1;
    for (; *p; p++) {
        if (*p == '.') {
            /* A dot groups thousands: three digits after it, and not first. */
            if (digits == 0 || (group >= 0 && group != 3))
                return -1;
            group = 0;
            continue;
        }
        if (!g_ascii_isdigit(*p) || digits >= 15)
            return -1;
        v = v * 10 + (*p - '0');
        digits++;
        if (group >= 0)
            group++;
    }
    if (group >= 0 && group != 3)
        return -1;
    return v;
}

gint64 paten_confirm_dialog_get_deposit_id(PatenConfirmDialog *self)
{
    g_return_val_if_fail(PATEN_IS_CONFIRM_DIALOG(self), 0);
    if (self->deposit != NULL)
        return self->deposit->id;
    return self->confirmation != NULL ? self->confirmation->deposit_id : 0;
}

static void set_busy(PatenConfirmDialog *self, gboolean busy)
{
    self->busy = busy;
    gtk_widget_set_sensitive(GTK_WIDGET(self->confirm_button), !busy);
    gtk_widget_set_sensitive(GTK_WIDGET(self->resolve_button), !busy);
    gtk_widget_set_visible(GTK_WIDGET(self->spinner), busy);
    if (busy)
        gtk_spinner_start(self->spinner);
    else
        gtk_spinner_stop(self->spinner);
}

/* The difference between what is typed and what is expected, as a warning before sending. */
static void on_amount_changed(PatenConfirmDialog *self)
{
    gint64 amount = paten_rupiah_parse(gtk_entry_get_text(self->amount_entry));

    if (self->confirmation != NULL)
        return;
    if (amount < 0 || amount == self->expected) {
        paten_label_show(self->difference_label, NULL);
    } else {
        g_autofree char *exp = paten_format_rupiah(self->expected);
        g_autofree char *diff = paten_format_rupiah(amount - self->expected);
        g_autofree char *msg = g_strdup_printf(
            _("Expected %s: a difference of %s. Confirming records a discrepancy, open until "
              "it is resolved with a reason."),
            exp, diff);

        paten_label_show(self->difference_label, msg);
    }
}

/* The dialog on an open discrepancy: the bank's figures shown, only the resolution offered. */
static void show_discrepancy(PatenConfirmDialog *self, const Paten__Confirmation *c)
{
    g_autofree char *amount = paten_format_rupiah(c->amount);
    g_autofree char *exp = paten_format_rupiah(c->expected);
    g_autofree char *diff = paten_format_rupiah(c->amount - c->expected);
    g_autofree char *day = paten_date_display(c->bank_date);
    g_autofree char *msg =
        g_strdup_printf(_("Discrepancy: the bank shows %s on %s (reference %s) where %s was "
                          "expected, a difference of %s. It stays open until it is resolved "
                          "with a reason."),
                        amount, day, c->bank_reference, exp, diff);

    paten_message_free(self->confirmation);
    self->confirmation = paten_message_dup(&c->base);
    paten_label_show(self->difference_label, NULL);
    paten_label_show(self->result_label, msg);
    gtk_widget_set_sensitive(GTK_WIDGET(self->form_grid), FALSE);
    gtk_widget_hide(GTK_WIDGET(self->confirm_button));
    gtk_widget_show(GTK_WIDGET(self->resolve_box));
    gtk_window_set_default(GTK_WINDOW(self), GTK_WIDGET(self->resolve_button));
    gtk_widget_grab_focus(GTK_WIDGET(self->reason_entry));
}

static void on_confirmed(GObject *src, GAsyncResult *res, gpointer data)
{
    g_autoptr(PatenConfirmDialog) self = data;
    g_autoptr(GError) err = NULL;
    Paten__Error *error_reply = NULL;
    Paten__ConfirmationReply *reply = (Paten__ConfirmationReply *)paten_connection_call_finish(
        PATEN_CONNECTION(src), res, &error_reply, &err);

    if (g_error_matches(err, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
        paten_message_free(error_reply);
        return;
    }
    set_busy(self, FALSE);
    if (reply == NULL || reply->confirmation == NULL) {
        paten_field_errors_show_error(self->errors, error_reply, err);
        paten_message_free(error_reply);
        paten_message_free(reply);
        return;
    }
    g_signal_emit(self, signals[SIGNAL_CONFIRMED], 0, reply->confirmation);
    if (reply->confirmation->status == PATEN__CONFIRMATION_STATUS__CONFIRMATION_STATUS_DISCREPANCY)
        show_discrepancy(self, reply->confirmation);
    else
        gtk_widget_destroy(GTK_WIDGET(self));
    paten_message_free(reply);
}

static void on_confirm_clicked(PatenConfirmDialog *self)
{
    Paten__ConfirmRequest req = PATEN__CONFIRM_REQUEST__INIT;
    g_autofree char *date = paten_date_parse(gtk_entry_get_text(self->date_entry));
    g_autofree char *ref = g_strstrip(g_strdup(gtk_entry_get_text(self->reference_entry)));
    gint64 amount = paten_rupiah_parse(gtk_entry_get_text(self->amount_entry));

    if (self->busy || self->confirmation != NULL)
        return;
    paten_field_errors_clear(self->errors);
    if (date == NULL) {
        paten_label_show(self->date_error, _("Write the date as dd-mm-yyyy, e.g. 01-12-2026."));
        gtk_widget_grab_focus(GTK_WIDGET(self->date_entry));
        return;
    }
    if (ref[0] == '\0') {
        paten_label_show(self->reference_error, _("Write the reference the bank shows."));
        gtk_widget_grab_focus(GTK_WIDGET(self->reference_entry));
        return;
    }
    if (amount < 0) {
        paten_label_show(self->amount_error,
                         _("Write the amount in whole rupiah, e.g. 337.500 or 337500."));
        gtk_widget_grab_focus(GTK_WIDGET(self->amount_entry));
        return;
    }
    req.idempotency_key = self->confirm_key;
    req.deposit_id = self->deposit != NULL ? self->deposit->id : 0;
    req.payment_id = self->payment != NULL ? self->payment->id : 0;
    req.bank_date = date;
    req.bank_reference = ref;
    req.amount = amount;
    set_busy(self, TRUE);
    paten_connection_call_async(self->conn, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_CONFIRM, &req.base,
                                self->cancel, on_confirmed, g_object_ref(self));
}

static void on_resolved(GObject *src, GAsyncResult *res, gpointer data)
{
    g_autoptr(PatenConfirmDialog) self = data;
    g_autoptr(GError) err = NULL;
    Paten__Error *error_reply = NULL;
    Paten__ConfirmationReply *reply = (Paten__ConfirmationReply *)paten_connection_call_finish(
        PATEN_CONNECTION(src), res, &error_reply, &err);

    if (g_error_matches(err, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
        paten_message_free(error_reply);
        return;
    }
    set_busy(self, FALSE);
    if (reply == NULL || reply->confirmation == NULL) {
        paten_field_errors_show_error(self->errors, error_reply, err);
        paten_message_free(error_reply);
        paten_message_free(reply);
        return;
    }
    g_signal_emit(self, signals[SIGNAL_CONFIRMED], 0, reply->confirmation);
    paten_message_free(reply);
    gtk_widget_destroy(GTK_WIDGET(self));
}

static void on_resolve_clicked(PatenConfirmDialog *self)
{
    Paten__ResolveDiscrepancyRequest req = PATEN__RESOLVE_DISCREPANCY_REQUEST__INIT;
    g_autofree char *reason = g_strstrip(g_strdup(gtk_entry_get_text(self->reason_entry)));

    if (self->busy || self->confirmation == NULL)
        return;
    paten_field_errors_clear(self->errors);
    if (reason[0] == '\0') {
        paten_label_show(self->error_label, _("Give the reason for the discrepancy."));
        gtk_widget_grab_focus(GTK_WIDGET(self->reason_entry));
        return;
    }
    req.idempotency_key = self->resolve_key;
    req.confirmation_id = self->confirmation->id;
    req.reason = reason;
    set_busy(self, TRUE);
    paten_connection_call_async(self->conn, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_RESOLVE_DISCREPANCY,
                                &req.base, self->cancel, on_resolved, g_object_ref(self));
}

/* ---- life --------------------------------------------------------------------------------- */

static void on_cancel_clicked(PatenConfirmDialog *self)
{
    gtk_widget_destroy(GTK_WIDGET(self));
}

static void paten_confirm_dialog_response(GtkDialog *dialog, int response)
{
    if (response == GTK_RESPONSE_DELETE_EVENT)
        gtk_widget_destroy(GTK_WIDGET(dialog));
}

static gboolean paten_confirm_dialog_delete_event(GtkWidget *widget, GdkEventAny *event)
{
    (void)event;
    gtk_dialog_response(GTK_DIALOG(widget), GTK_RESPONSE_DELETE_EVENT);
    return TRUE;
}

PatenConfirmDialog *paten_confirm_dialog_new(GtkWindow *parent, PatenConnection *conn,
                                             const Paten__Deposit *deposit,
                                             const Paten__Payment *payment, const char *today)
{
    PatenConfirmDialog *self =
        g_object_new(PATEN_TYPE_CONFIRM_DIALOG, "transient-for", parent, "modal", TRUE, NULL);
    g_autofree char *day = NULL;
    g_autofree char *what = NULL;
    g_autofree char *title = NULL;
    g_autofree char *expected = NULL;
    g_autofree char *amount = NULL;
    const char *reference;

    g_return_val_if_fail((deposit == NULL) != (payment == NULL), self);
    self->conn = g_object_ref(conn);
    if (deposit != NULL) {
        self->deposit = paten_message_dup(&deposit->base);
        self->expected = deposit->total;
        reference = deposit->bank_reference;
        expected = paten_format_rupiah(deposit->total);
        title = g_strdup_printf(_("Confirm %s"), deposit->number);
        what = g_strdup_printf(_("Deposit %s of %s by %s: %s, validated by the bank as %s."),
                               deposit->number, deposit->office_name, deposit->cashier_name,
                               expected, deposit->bank_reference);
    } else {
        self->payment = paten_message_dup(&payment->base);
        self->expected = payment->amount;
        reference = payment->reference;
        expected = paten_format_rupiah(payment->amount);
        title = g_strdup_printf(_("Confirm %s"), payment->receipt_number);
        what = g_strdup_printf(_("Payment %s (%s, %s): %s, reference %s."), payment->receipt_number,
                               payment->applicant_name, payment->assessment_number, expected,
                               payment->reference);
    }
    gtk_window_set_title(GTK_WINDOW(self), title);
    gtk_label_set_text(self->what_label, what);
    /* What the bank should show: the bank date is today's unless the treasurer says otherwise. */
    day = g_strdup(today != NULL ? today : "");
    if (strlen(day) == 10 && day[4] == '-') {
        g_autofree char *dmy =
            g_strdup_printf("%.2s-%.2s-%.4s", day + 8, day + 5, day); /* dd-mm-yyyy */

        gtk_entry_set_text(self->date_entry, dmy);
    }
    gtk_entry_set_text(self->reference_entry, reference);
    amount = paten_format_rupiah(self->expected);
    gtk_entry_set_text(self->amount_entry, amount + strlen("Rp "));
    if (deposit != NULL && deposit->confirmation != NULL &&
        deposit->confirmation->status ==
            PATEN__CONFIRMATION_STATUS__CONFIRMATION_STATUS_DISCREPANCY)
        show_discrepancy(self, deposit->confirmation);
    else
        gtk_widget_grab_focus(GTK_WIDGET(self->amount_entry));
    return self;
}

PatenConfirmDialog *paten_confirm_dialog_new_resolve(GtkWindow *parent, PatenConnection *conn,
                                                     const Paten__Confirmation *c, const char *what)
{
    PatenConfirmDialog *self =
        g_object_new(PATEN_TYPE_CONFIRM_DIALOG, "transient-for", parent, "modal", TRUE, NULL);
    g_autofree char *title = g_strdup_printf(_("Resolve the discrepancy of %s"), what);
    g_autofree char *amount = paten_format_rupiah(c->amount);

    self->conn = g_object_ref(conn);
    self->expected = c->expected;
    gtk_window_set_title(GTK_WINDOW(self), title);
    gtk_label_set_text(self->what_label, title);
    if (strlen(c->bank_date) == 10) {
        g_autofree char *dmy =
            g_strdup_printf("%.2s-%.2s-%.4s", c->bank_date + 8, c->bank_date + 5, c->bank_date);

        gtk_entry_set_text(self->date_entry, dmy);
    }
    gtk_entry_set_text(self->reference_entry, c->bank_reference);
    gtk_entry_set_text(self->amount_entry, amount + strlen("Rp "));
    show_discrepancy(self, c);
    return self;
}

static void paten_confirm_dialog_dispose(GObject *obj)
{
    PatenConfirmDialog *self = PATEN_CONFIRM_DIALOG(obj);

    g_cancellable_cancel(self->cancel);
    g_clear_object(&self->conn);
    G_OBJECT_CLASS(paten_confirm_dialog_parent_class)->dispose(obj);
}

static void paten_confirm_dialog_finalize(GObject *obj)
{
    PatenConfirmDialog *self = PATEN_CONFIRM_DIALOG(obj);

    g_clear_object(&self->cancel);
    paten_message_free(self->deposit);
    paten_message_free(self->payment);
    paten_message_free(self->confirmation);
    paten_field_errors_free(self->errors);
    g_free(self->confirm_key);
    g_free(self->resolve_key);
    G_OBJECT_CLASS(paten_confirm_dialog_parent_class)->finalize(obj);
}

static void paten_confirm_dialog_class_init(PatenConfirmDialogClass *klass)
{
    GtkWidgetClass *wc = GTK_WIDGET_CLASS(klass);

    G_OBJECT_CLASS(klass)->dispose = paten_confirm_dialog_dispose;
    G_OBJECT_CLASS(klass)->finalize = paten_confirm_dialog_finalize;
    GTK_DIALOG_CLASS(klass)->response = paten_confirm_dialog_response;
    wc->delete_event = paten_confirm_dialog_delete_event;
    gtk_widget_class_set_template_from_resource(wc, "/id/paten/desk/paten-confirm-dialog.ui");
#define BIND(name) gtk_widget_class_bind_template_child(wc, PatenConfirmDialog, name)
    BIND(what_label);
    BIND(form_grid);
    BIND(date_entry);
    BIND(reference_entry);
    BIND(amount_entry);
    BIND(date_error);
    BIND(reference_error);
    BIND(amount_error);
    BIND(difference_label);
    BIND(result_label);
    BIND(resolve_box);
    BIND(reason_entry);
    BIND(resolve_button);
    BIND(error_label);
    BIND(spinner);
    BIND(cancel_button);
    BIND(confirm_button);
#undef BIND
    gtk_widget_class_bind_template_callback(wc, on_amount_changed);
    gtk_widget_class_bind_template_callback(wc, on_confirm_clicked);
    gtk_widget_class_bind_template_callback(wc, on_resolve_clicked);
    gtk_widget_class_bind_template_callback(wc, on_cancel_clicked);

    /** PatenConfirmDialog::confirmed: the server's Paten__Confirmation after a Confirm or a
     * ResolveDiscrepancy. */
    signals[SIGNAL_CONFIRMED] =
        g_signal_new("confirmed", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                     G_TYPE_NONE, 1, G_TYPE_POINTER);
}

static void paten_confirm_dialog_init(PatenConfirmDialog *self)
{
    gtk_widget_init_template(GTK_WIDGET(self));
    self->cancel = g_cancellable_new();
    self->confirm_key = g_uuid_string_random();
    self->resolve_key = g_uuid_string_random();
    self->errors = paten_field_errors_new(self->error_label);
    paten_field_errors_add(self->errors, "bank_date", self->date_error);
    paten_field_errors_add(self->errors, "bank_reference", self->reference_error);
    paten_field_errors_add(self->errors, "amount", self->amount_error);
    gtk_window_set_default(GTK_WINDOW(self), GTK_WIDGET(self->confirm_button));
}
