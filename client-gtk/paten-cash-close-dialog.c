/*
 * paten-cash-close-dialog.c: PatenCashCloseDialog (paten-cash-close-dialog.h).
 *
 * The figures are Reconcile's for the cashier's today, by treasurer and in total; the desk adds
 * nothing up. The count is compared with the total on hand only to ask for the reason before
 * sending: the server decides (its expected cash is the records' at the moment of closing) and
 * its refusal is shown as it comes. The close has one idempotency key per dialog, kept until it
 * succeeds (a retry after a lost reply gets the first close).
 */
#include "paten-cash-close-dialog.h"

#include "paten-desk.h"
#include "paten-document.h"
#include "paten-file-documents.h"
#include "paten-files.h"
#include "paten-payment-dialog.h"
#include "paten-session.h"
#include "paten-util.h"

struct _PatenCashCloseDialog {
    GtkDialog parent_instance;

    GtkLabel *day_label;
    GtkSpinner *spinner;
    GtkGrid *figures_grid;
    GtkEntry *counted_entry;
    GtkEntry *reason_entry;
    GtkLabel *error_label;
    GtkLabel *notice_label;
    GtkLabel *saved_label;
    GtkWidget *close_button;
    GtkWidget *print_button;
    GtkWidget *save_pdf_button;
    GtkWidget *submit_button;

    PatenApplication *app; /* not a reference: the application outlives its windows */
    PatenConnection *conn;
    PatenSession *session;
    GCancellable *cancel;
    Paten__ReconcileReply *figures; /* Reconcile's answer, or NULL */
    Paten__CashClose *closed;       /* CloseCashDay's answer, or NULL */
    char *key;
    gboolean busy;
};

G_DEFINE_TYPE(PatenCashCloseDialog, paten_cash_close_dialog, GTK_TYPE_DIALOG)

static const char *tz(PatenCashCloseDialog *self)
{
    const char *zone = paten_session_get_time_zone(self->session);

    return zone[0] != '\0' ? zone : NULL;
}

static void update(PatenCashCloseDialog *self)
{
    gboolean closed = self->closed != NULL;

    gtk_widget_set_visible(GTK_WIDGET(self->spinner), self->busy);
    if (self->busy)
        gtk_spinner_start(self->spinner);
    else
        gtk_spinner_stop(self->spinner);
    gtk_widget_set_visible(self->submit_button, !closed);
    gtk_widget_set_sensitive(self->submit_button, !closed && !self->busy && self->figures != NULL);
    gtk_widget_set_sensitive(GTK_WIDGET(self->counted_entry), !closed && !self->busy);
    gtk_widget_set_sensitive(GTK_WIDGET(self->reason_entry), !closed && !self->busy);
    gtk_widget_set_visible(self->print_button, closed);
    gtk_widget_set_visible(self->save_pdf_button, closed);
}

static void cell(PatenCashCloseDialog *self, int col, int row, const char *text, gboolean head)
{
    GtkWidget *l = gtk_label_new(text);

    gtk_label_set_xalign(GTK_LABEL(l), col == 0 ? 0 : 1);
    gtk_label_set_selectable(GTK_LABEL(l), TRUE);
    if (head)
        gtk_style_context_add_class(gtk_widget_get_style_context(l), "dim-label");
    gtk_grid_attach(self->figures_grid, l, col, row, 1, 1);
    gtk_widget_show(l);
}

static void line(PatenCashCloseDialog *self, int row, const char *name,
                 const Paten__ReconcileLine *r)
{
    g_autofree char *collected = paten_format_rupiah(r->collected);
    g_autofree char *confirmed = paten_format_rupiah(r->confirmed);
    g_autofree char *unconfirmed = paten_format_rupiah(r->deposited_unconfirmed);
    g_autofree char *on_hand = paten_format_rupiah(r->on_hand);

    cell(self, 0, row, name, FALSE);
    cell(self, 1, row, collected, FALSE);
    cell(self, 2, row, confirmed, FALSE);
    cell(self, 3, row, unconfirmed, FALSE);
    cell(self, 4, row, on_hand, FALSE);
}

static void on_reconciled(GObject *src, GAsyncResult *res, gpointer data)
{
    g_autoptr(PatenCashCloseDialog) self = data;
    g_autoptr(GError) err = NULL;
    Paten__ReconcileReply *reply = (Paten__ReconcileReply *)paten_connection_call_finish(
        PATEN_CONNECTION(src), res, NULL, &err);
    g_autofree char *day = NULL, *title = NULL;
    int row = 1;

    if (self->app == NULL) {
        paten_message_free(reply);
        return;
    }
    self->busy = FALSE;
    if (reply == NULL) {
        g_autofree char *text = paten_error_text(err);
        g_autofree char *msg = g_strdup_printf(_("Today's figures could not be loaded: %s"), text);

        paten_label_show(self->error_label, msg);
        update(self);
        return;
    }
    self->figures = reply;
    day = paten_date_display(reply->from_date);
    title = g_strdup_printf(_("Cash day of %s"), day);
    gtk_label_set_text(self->day_label, title);
    cell(self, 0, 0, _("Treasurer"), TRUE);
    cell(self, 1, 0, _("Collected"), TRUE);
    cell(self, 2, 0, _("Confirmed"), TRUE);
    cell(self, 3, 0, _("Deposited, unconfirmed"), TRUE);
    cell(self, 4, 0, _("On hand"), TRUE);
    for (size_t i = 0; i < reply->n_lines; i++)
        line(self, row++, reply->lines[i]->treasurer_office_name, reply->lines[i]);
    if (reply->total != NULL)
        line(self, row, _("Total"), reply->total);
    update(self);
    gtk_widget_grab_focus(GTK_WIDGET(self->counted_entry));
}

/* ---- the close ---------------------------------------------------------------------------- */

static void on_closed(GObject *src, GAsyncResult *res, gpointer data)
{
    g_autoptr(PatenCashCloseDialog) self = data;
    g_autoptr(GError) err = NULL;
    Paten__Error *error_reply = NULL;
    Paten__CashCloseReply *reply = (Paten__CashCloseReply *)paten_connection_call_finish(
        PATEN_CONNECTION(src), res, &error_reply, &err);

    if (self->app == NULL || g_error_matches(err, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
        paten_message_free(reply);
        paten_message_free(error_reply);
        return;
    }
    self->busy = FALSE;
    if (reply != NULL && reply->close != NULL) {
        const Paten__CashClose *c = reply->close;
        g_autofree char *expected = paten_format_rupiah(c->expected);
        g_autofree char *counted = paten_format_rupiah(c->counted);
        g_autofree char *difference = paten_format_rupiah(c->difference);
        g_autofree char *msg =
            g_strdup_printf(_("The cash day is closed: %s counted, %s by the records, "
                              "difference %s."),
                            counted, expected, difference);

        self->closed = paten_message_dup(&c->base);
        paten_label_show(self->error_label, NULL);
        paten_label_show(self->notice_label, msg);
    } else {
        g_autofree char *text = paten_error_text(err);

        paten_label_show(self->error_label, text);
        if (error_reply != NULL && g_strcmp0(error_reply->field, "reason") == 0)
            gtk_widget_grab_focus(GTK_WIDGET(self->reason_entry));
        else if (error_reply != NULL && g_strcmp0(error_reply->field, "counted") == 0)
            gtk_widget_grab_focus(GTK_WIDGET(self->counted_entry));
    }
    update(self);
    paten_message_free(reply);
    paten_message_free(error_reply);
}

static void on_submit_clicked(PatenCashCloseDialog *self)
{
    Paten__CloseCashDayRequest req = PATEN__CLOSE_CASH_DAY_REQUEST__INIT;
    g_autofree char *reason = g_strstrip(g_strdup(gtk_entry_get_text(self->reason_entry)));
    gint64 counted = 0;

    if (self->busy || self->closed != NULL || self->figures == NULL)
        return;
    if (!paten_payment_amount_parse(gtk_entry_get_text(self->counted_entry), &counted)) {
        paten_label_show(self->error_label,
                         _("Enter the cash counted in whole rupiah (such as 337.500)."));
        gtk_widget_grab_focus(GTK_WIDGET(self->counted_entry));
        return;
    }
    if (self->figures->total != NULL && counted != self->figures->total->on_hand &&
        reason[0] == '\0') {
        g_autofree char *on_hand = paten_format_rupiah(self->figures->total->on_hand);
        g_autofree char *msg = g_strdup_printf(
            _("The count differs from the %s on hand by the records: give the reason."), on_hand);

        paten_label_show(self->error_label, msg);
        gtk_widget_grab_focus(GTK_WIDGET(self->reason_entry));
        return;
    }
    req.idempotency_key = self->key;
    req.day = self->figures->from_date;
    req.counted = counted;
    req.reason = reason;
    self->busy = TRUE;
    paten_label_show(self->error_label, NULL);
    update(self);
    paten_connection_call_async(self->conn, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_CLOSE_CASH_DAY,
                                &req.base, self->cancel, on_closed, g_object_ref(self));
}

/* ---- the sheet ---------------------------------------------------------------------------- */

static PatenDocument *sheet(PatenCashCloseDialog *self)
{
    g_autoptr(GDateTime) now = g_date_time_new_now_utc();
    PatenPrintContext ctx = {
        .region_name = paten_session_get_region_name(self->session),
        .time_zone = tz(self),
        .now = now,
    };

    return paten_cash_close_sheet_new(self->closed, self->figures,
                                      paten_session_get_office_name(self->session), &ctx);
}

static void on_print_clicked(PatenCashCloseDialog *self)
{
    g_autoptr(PatenDocument) doc = NULL;
    g_autofree char *said = NULL;

    if (self->closed == NULL)
        return;
    doc = sheet(self);
    said = paten_document_print_from(doc, GTK_WIDGET(self), _("Cash close"));
    if (said != NULL)
        paten_label_show(self->saved_label, said);
}

static void on_save_pdf_clicked(PatenCashCloseDialog *self)
{
    g_autoptr(PatenDocument) doc = NULL;

    if (self->closed == NULL)
        return;
    doc = sheet(self);
    paten_document_save_pdf_from(doc, GTK_WIDGET(self), _("Cash close"), self->saved_label);
}

static void on_close_clicked(PatenCashCloseDialog *self)
{
    gtk_widget_destroy(GTK_WIDGET(self));
}

/* ---- life --------------------------------------------------------------------------------- */

PatenCashCloseDialog *paten_cash_close_dialog_new(PatenApplication *app, GtkWindow *parent)
{
    PatenCashCloseDialog *self = g_object_new(PATEN_TYPE_CASH_CLOSE_DIALOG, "transient-for", parent,
                                              "use-header-bar", FALSE, NULL);
    Paten__ReconcileRequest req = PATEN__RECONCILE_REQUEST__INIT;

    self->app = app;
    self->conn = g_object_ref(paten_application_get_connection(app));
    self->session = g_object_ref(paten_application_get_session(app));
    self->busy = TRUE;
    update(self);
    /* The caller's own day, today. */
    paten_connection_call_async(self->conn, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_RECONCILE, &req.base,
                                self->cancel, on_reconciled, g_object_ref(self));
    return self;
}

static void paten_cash_close_dialog_dispose(GObject *obj)
{
    PatenCashCloseDialog *self = PATEN_CASH_CLOSE_DIALOG(obj);

    g_cancellable_cancel(self->cancel);
    g_clear_object(&self->conn);
    g_clear_object(&self->session);
    self->app = NULL;
    G_OBJECT_CLASS(paten_cash_close_dialog_parent_class)->dispose(obj);
}

static void paten_cash_close_dialog_finalize(GObject *obj)
{
    PatenCashCloseDialog *self = PATEN_CASH_CLOSE_DIALOG(obj);

    g_clear_object(&self->cancel);
    paten_message_free(self->figures);
    paten_message_free(self->closed);
    g_free(self->key);
    G_OBJECT_CLASS(paten_cash_close_dialog_parent_class)->finalize(obj);
}

static void paten_cash_close_dialog_class_init(PatenCashCloseDialogClass *klass)
{
    GtkWidgetClass *wc = GTK_WIDGET_CLASS(klass);

    G_OBJECT_CLASS(klass)->dispose = paten_cash_close_dialog_dispose;
    G_OBJECT_CLASS(klass)->finalize = paten_cash_close_dialog_finalize;
    gtk_widget_class_set_template_from_resource(wc, "/id/paten/desk/paten-cash-close-dialog.ui");
    gtk_widget_class_bind_template_child(wc, PatenCashCloseDialog, day_label);
    gtk_widget_class_bind_template_child(wc, PatenCashCloseDialog, spinner);
    gtk_widget_class_bind_template_child(wc, PatenCashCloseDialog, figures_grid);
    gtk_widget_class_bind_template_child(wc, PatenCashCloseDialog, counted_entry);
    gtk_widget_class_bind_template_child(wc, PatenCashCloseDialog, reason_entry);
    gtk_widget_class_bind_template_child(wc, PatenCashCloseDialog, error_label);
    gtk_widget_class_bind_template_child(wc, PatenCashCloseDialog, notice_label);
    gtk_widget_class_bind_template_child(wc, PatenCashCloseDialog, saved_label);
    gtk_widget_class_bind_template_child(wc, PatenCashCloseDialog, close_button);
    gtk_widget_class_bind_template_child(wc, PatenCashCloseDialog, print_button);
    gtk_widget_class_bind_template_child(wc, PatenCashCloseDialog, save_pdf_button);
    gtk_widget_class_bind_template_child(wc, PatenCashCloseDialog, submit_button);
    gtk_widget_class_bind_template_callback(wc, on_submit_clicked);
    gtk_widget_class_bind_template_callback(wc, on_print_clicked);
    gtk_widget_class_bind_template_callback(wc, on_save_pdf_clicked);
    gtk_widget_class_bind_template_callback(wc, on_close_clicked);
}

static void paten_cash_close_dialog_init(PatenCashCloseDialog *self)
{
    self->cancel = g_cancellable_new();
    self->key = g_uuid_string_random();
    gtk_widget_init_template(GTK_WIDGET(self));
}
