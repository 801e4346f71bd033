/*
 * paten-payment-dialog.c: PatenPaymentDialog (paten-payment-dialog.h).
 *
 * The desk computes nothing: the figures are FindOwed's, and the amount sent is what the cashier
 * typed (pre-filled with Owed.total), so that a wrong count is the server's refusal, which names
 * the difference. The idempotency key is made once per dialog: every "Bayar" of this dialog (a
 * retry after a lost reply or a dropped connection, or the corrected amount after a refusal, which
 * stores nothing on the server) sends the same key, so the money is taken at most once and a
 * retry gets the first receipt. Once paid the form is frozen and only the receipt remains.
 */
#include "paten-payment-dialog.h"

#include "paten-desk.h"
#include "paten-document.h"
#include "paten-file-documents.h"
#include "paten-files.h"
#include "paten-session.h"
#include "paten-util.h"
#include "paten_error.h"

#include <string.h>

struct _PatenPaymentDialog {
    GtkDialog parent_instance;

    GtkGrid *owed_grid;
    GtkComboBoxText *method_combo;
    GtkWidget *reference_caption;
    GtkEntry *reference_entry;
    GtkEntry *amount_entry;
    GtkSpinner *spinner;
    GtkLabel *error_label;
    GtkLabel *notice_label;
    GtkLabel *saved_label;
    GtkWidget *close_button;
    GtkWidget *print_button;
    GtkWidget *save_pdf_button;
    GtkWidget *pay_button;

    PatenApplication *app; /* not a reference: the application outlives its windows */
    PatenConnection *conn;
    PatenSession *session;
    GCancellable *cancel;
    Paten__Owed *owed;
    Paten__Payment *paid; /* once paid, or NULL */
    char *key;            /* RecordPayment's key: this dialog's one payment */
    gboolean paying;
};

G_DEFINE_TYPE(PatenPaymentDialog, paten_payment_dialog, GTK_TYPE_DIALOG)

enum { SIGNAL_PAID, N_SIGNALS };
static guint signals[N_SIGNALS];

gboolean paten_payment_amount_parse(const char *text, gint64 *amount)
{
    g_autofree char *t = g_strstrip(g_strdup(text ? text : ""));
    const char *s = t;
    gint64 v = 0;
    gboolean digit = FALSE;

    if (g_ascii_strncasecmp(s, "Rp", 2) == 0)
        s += 2;
    while (*s == ' ')
        s++;
    for (; *s != '\0'; s++) {
        if (*s == '.' && digit)
            continue;
        if (!g_ascii_isdigit(*s))
            return FALSE;
        if (v > (G_MAXINT64 - (*s - '0')) / 10)
            return FALSE;
        v = v * 10 + (*s - '0');
        digit = TRUE;
    }
    if (!digit)
        return FALSE;
    *amount = v;
    return TRUE;
}

static const char *tz(PatenPaymentDialog *self)
{
    const char *zone = paten_session_get_time_zone(self->session);

    return zone[0] != '\0' ? zone : NULL;
}

static void add_row(PatenPaymentDialog *self, int row, const char *caption, const char *value,
                    gboolean strong)
{
    GtkWidget *c = gtk_label_new(caption);
    GtkWidget *v = gtk_label_new(value);

    gtk_label_set_xalign(GTK_LABEL(c), 1);
    gtk_label_set_xalign(GTK_LABEL(v), 0);
    gtk_label_set_selectable(GTK_LABEL(v), TRUE);
    gtk_label_set_line_wrap(GTK_LABEL(v), TRUE);
    gtk_style_context_add_class(gtk_widget_get_style_context(c), "dim-label");
    if (strong)
        gtk_style_context_add_class(gtk_widget_get_style_context(v), "paten-heading");
    /* A screen reader reads the pair as one ("Jumlah hari ini Rp 337.500"). */
    {
        g_autofree char *name = g_strdup_printf("%s %s", caption, value);
        paten_set_accessible_name(v, name);
    }
    gtk_grid_attach(self->owed_grid, c, 0, row, 1, 1);
    gtk_grid_attach(self->owed_grid, v, 1, row, 1, 1);
    gtk_widget_show(c);
    gtk_widget_show(v);
}

static void show_owed(PatenPaymentDialog *self)
{
    const Paten__Owed *o = self->owed;
    const Paten__Assessment *a = o->assessment;
    g_autofree char *principal = paten_format_rupiah(o->principal);
    g_autofree char *interest = paten_format_rupiah(o->interest);
    g_autofree char *total = paten_format_rupiah(o->total);
    g_autofree char *months = g_strdup_printf("%d", o->months_late);
    g_autofree char *due = paten_date_display(a->due_date);
    g_autofree char *title = g_strdup_printf(_("Payment of %s"), a->number);
    g_autofree char *plain = g_strdup_printf("%" G_GINT64_FORMAT, o->total);
    int r = 0;

    gtk_window_set_title(GTK_WINDOW(self), title);
    add_row(self, r++, _("Applicant"), a->applicant_name, FALSE);
    add_row(self, r++, _("File"), a->file_register_number, FALSE);
    add_row(self, r++, paten_assessment_kind_name(a->kind), a->number, FALSE);
    add_row(self, r++, _("Due date"), due, FALSE);
    add_row(self, r++, _("Principal"), principal, FALSE);
    add_row(self, r++, _("Months late"), months, FALSE);
    add_row(self, r++, _("Late interest"), interest, FALSE);
    if (o->bill != NULL && o->bill->number[0] != '\0')
        add_row(self, r++, _("Bill (interest)"), o->bill->number, FALSE);
    add_row(self, r++, _("Total due today"), total, TRUE);
    gtk_entry_set_text(self->amount_entry, plain);
}

static void update_buttons(PatenPaymentDialog *self)
{
    gboolean paid = self->paid != NULL;

    gtk_widget_set_sensitive(self->pay_button, !paid && !self->paying);
    gtk_widget_set_visible(self->pay_button, !paid);
    gtk_widget_set_visible(self->print_button, paid);
    gtk_widget_set_visible(self->save_pdf_button, paid);
    gtk_widget_set_sensitive(GTK_WIDGET(self->method_combo), !paid && !self->paying);
    gtk_widget_set_sensitive(GTK_WIDGET(self->reference_entry), !paid && !self->paying);
    gtk_widget_set_sensitive(GTK_WIDGET(self->amount_entry), !paid && !self->paying);
    gtk_widget_set_visible(GTK_WIDGET(self->spinner), self->paying);
    if (self->paying)
        gtk_spinner_start(self->spinner);
    else
        gtk_spinner_stop(self->spinner);
}

static Paten__PaymentMethod chosen_method(PatenPaymentDialog *self)
{
    const char *id = gtk_combo_box_get_active_id(GTK_COMBO_BOX(self->method_combo));

    if (g_strcmp0(id, "transfer") == 0)
        return PATEN__PAYMENT_METHOD__PAYMENT_METHOD_TRANSFER;
    if (g_strcmp0(id, "qris") == 0)
        return PATEN__PAYMENT_METHOD__PAYMENT_METHOD_QRIS;
    return PATEN__PAYMENT_METHOD__PAYMENT_METHOD_CASH;
}

static void on_method_changed(PatenPaymentDialog *self)
{
    gboolean ref = chosen_method(self) != PATEN__PAYMENT_METHOD__PAYMENT_METHOD_CASH;

    gtk_widget_set_visible(self->reference_caption, ref);
    gtk_widget_set_visible(GTK_WIDGET(self->reference_entry), ref);
}

static void on_pay_done(GObject *src, GAsyncResult *res, gpointer data)
{
    g_autoptr(PatenPaymentDialog) self = data;
    g_autoptr(GError) err = NULL;
    Paten__Error *error_reply = NULL;
    Paten__PaymentReply *reply = (Paten__PaymentReply *)paten_connection_call_finish(
        PATEN_CONNECTION(src), res, &error_reply, &err);

    if (self->app == NULL || g_error_matches(err, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
        paten_message_free(reply);
        paten_message_free(error_reply);
        return;
    }
    self->paying = FALSE;
    if (reply != NULL && reply->payment != NULL) {
        const Paten__Payment *p = reply->payment;
        g_autofree char *amount = paten_format_rupiah(p->amount);
        g_autofree char *msg =
            g_strdup_printf(_("Paid: %s. Receipt number %s."), amount, p->receipt_number);

        self->paid = paten_message_dup(&p->base);
        paten_label_show(self->error_label, NULL);
        paten_label_show(self->notice_label, msg);
        g_signal_emit(self, signals[SIGNAL_PAID], 0, self->paid);
        gtk_widget_grab_focus(self->print_button);
    } else {
        g_autofree char *text = paten_error_text(err);

        /* The key stays: the same payment tried again (a lost reply gets the first receipt; a
         * refused one stored nothing, so the corrected one may use it). */
        paten_label_show(self->error_label, text);
        if (error_reply != NULL && g_strcmp0(error_reply->field, "amount") == 0)
            gtk_widget_grab_focus(GTK_WIDGET(self->amount_entry));
        else if (error_reply != NULL && g_strcmp0(error_reply->field, "reference") == 0)
            gtk_widget_grab_focus(GTK_WIDGET(self->reference_entry));
    }
    update_buttons(self);
    paten_message_free(reply);
    paten_message_free(error_reply);
}

static void on_pay_clicked(PatenPaymentDialog *self)
{
    Paten__RecordPaymentRequest req = PATEN__RECORD_PAYMENT_REQUEST__INIT;
    g_autofree char *reference = g_strstrip(g_strdup(gtk_entry_get_text(self->reference_entry)));
    gint64 amount = 0;

    if (self->paying || self->paid != NULL)
        return;
    if (!paten_payment_amount_parse(gtk_entry_get_text(self->amount_entry), &amount)) {
        paten_label_show(self->error_label,
                         _("Enter the amount received in whole rupiah (such as 337.500)."));
        gtk_widget_grab_focus(GTK_WIDGET(self->amount_entry));
        return;
    }
    req.idempotency_key = self->key;
    req.assessment_id = self->owed->assessment->id;
    req.method = chosen_method(self);
    if (req.method != PATEN__PAYMENT_METHOD__PAYMENT_METHOD_CASH)
        req.reference = reference;
    req.amount = amount;
    self->paying = TRUE;
    paten_label_show(self->error_label, NULL);
    update_buttons(self);
    paten_connection_call_async(self->conn, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_RECORD_PAYMENT,
                                &req.base, self->cancel, on_pay_done, g_object_ref(self));
}

/* ---- the receipt -------------------------------------------------------------------------- */

static PatenDocument *receipt(PatenPaymentDialog *self)
{
    g_autoptr(GDateTime) now = g_date_time_new_now_utc();
    PatenPrintContext ctx = {
        .region_name = paten_session_get_region_name(self->session),
        .time_zone = tz(self),
        .now = now,
    };

    return paten_payment_receipt_new(self->paid, paten_session_get_office_name(self->session),
                                     &ctx);
}

static const char *receipt_name(PatenPaymentDialog *self)
{
    return self->paid->assessment_kind == PATEN__ASSESSMENT_KIND__ASSESSMENT_KIND_SKPD ? "SSPD"
                                                                                       : "SSRD";
}

static void on_print_clicked(PatenPaymentDialog *self)
{
    g_autoptr(PatenDocument) doc = NULL;
    g_autofree char *said = NULL;

    if (self->paid == NULL)
        return;
    doc = receipt(self);
    said = paten_document_print_from(doc, GTK_WIDGET(self), receipt_name(self));
    if (said != NULL)
        paten_label_show(self->saved_label, said);
}

static void on_save_pdf_clicked(PatenPaymentDialog *self)
{
    g_autoptr(PatenDocument) doc = NULL;

    if (self->paid == NULL)
        return;
    doc = receipt(self);
    paten_document_save_pdf_from(doc, GTK_WIDGET(self), receipt_name(self), self->saved_label);
}

static void on_close_clicked(PatenPaymentDialog *self)
{
    gtk_widget_destroy(GTK_WIDGET(self));
}

/* ---- life --------------------------------------------------------------------------------- */

PatenPaymentDialog *paten_payment_dialog_new(PatenApplication *app, GtkWindow *parent,
                                             const Paten__Owed *owed)
{
    PatenPaymentDialog *self = g_object_new(PATEN_TYPE_PAYMENT_DIALOG, "transient-for", parent,
                                            "use-header-bar", FALSE, NULL);

    self->app = app;
    self->conn = g_object_ref(paten_application_get_connection(app));
    self->session = g_object_ref(paten_application_get_session(app));
    self->owed = paten_message_dup(&owed->base);
    show_owed(self);
    update_buttons(self);
    gtk_widget_grab_focus(GTK_WIDGET(self->amount_entry));
    return self;
}

gint64 paten_payment_dialog_get_assessment_id(PatenPaymentDialog *self)
{
    g_return_val_if_fail(PATEN_IS_PAYMENT_DIALOG(self), 0);
    return self->owed->assessment->id;
}

static void paten_payment_dialog_dispose(GObject *obj)
{
    PatenPaymentDialog *self = PATEN_PAYMENT_DIALOG(obj);

    g_cancellable_cancel(self->cancel);
    g_clear_object(&self->conn);
    g_clear_object(&self->session);
    self->app = NULL;
    G_OBJECT_CLASS(paten_payment_dialog_parent_class)->dispose(obj);
}

static void paten_payment_dialog_finalize(GObject *obj)
{
    PatenPaymentDialog *self = PATEN_PAYMENT_DIALOG(obj);

    g_clear_object(&self->cancel);
    paten_message_free(self->owed);
    paten_message_free(self->paid);
    g_free(self->key);
    G_OBJECT_CLASS(paten_payment_dialog_parent_class)->finalize(obj);
}

static void paten_payment_dialog_class_init(PatenPaymentDialogClass *klass)
{
    GtkWidgetClass *wc = GTK_WIDGET_CLASS(klass);

    G_OBJECT_CLASS(klass)->dispose = paten_payment_dialog_dispose;
    G_OBJECT_CLASS(klass)->finalize = paten_payment_dialog_finalize;
    /* "paid" (const Paten__Payment *payment): the server took the money. */
    signals[SIGNAL_PAID] = g_signal_new("paid", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0,
                                        NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
    gtk_widget_class_set_template_from_resource(wc, "/id/paten/desk/paten-payment-dialog.ui");
    gtk_widget_class_bind_template_child(wc, PatenPaymentDialog, owed_grid);
    gtk_widget_class_bind_template_child(wc, PatenPaymentDialog, method_combo);
    gtk_widget_class_bind_template_child(wc, PatenPaymentDialog, reference_caption);
    gtk_widget_class_bind_template_child(wc, PatenPaymentDialog, reference_entry);
    gtk_widget_class_bind_template_child(wc, PatenPaymentDialog, amount_entry);
    gtk_widget_class_bind_template_child(wc, PatenPaymentDialog, spinner);
    gtk_widget_class_bind_template_child(wc, PatenPaymentDialog, error_label);
    gtk_widget_class_bind_template_child(wc, PatenPaymentDialog, notice_label);
    gtk_widget_class_bind_template_child(wc, PatenPaymentDialog, saved_label);
    gtk_widget_class_bind_template_child(wc, PatenPaymentDialog, close_button);
    gtk_widget_class_bind_template_child(wc, PatenPaymentDialog, print_button);
    gtk_widget_class_bind_template_child(wc, PatenPaymentDialog, save_pdf_button);
    gtk_widget_class_bind_template_child(wc, PatenPaymentDialog, pay_button);
    gtk_widget_class_bind_template_callback(wc, on_method_changed);
    gtk_widget_class_bind_template_callback(wc, on_pay_clicked);
    gtk_widget_class_bind_template_callback(wc, on_print_clicked);
    gtk_widget_class_bind_template_callback(wc, on_save_pdf_clicked);
    gtk_widget_class_bind_template_callback(wc, on_close_clicked);
}

static void paten_payment_dialog_init(PatenPaymentDialog *self)
{
    self->cancel = g_cancellable_new();
    self->key = g_uuid_string_random();
    gtk_widget_init_template(GTK_WIDGET(self));
    gtk_combo_box_text_append(self->method_combo, "cash", _("Cash"));
    gtk_combo_box_text_append(self->method_combo, "transfer", _("Bank transfer"));
    gtk_combo_box_text_append(self->method_combo, "qris", "QRIS");
    gtk_combo_box_set_active_id(GTK_COMBO_BOX(self->method_combo), "cash");
    gtk_widget_grab_default(self->pay_button);
}
