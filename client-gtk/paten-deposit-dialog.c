/*
 * paten-deposit-dialog.c: PatenDepositDialog (paten-deposit-dialog.h).
 *
 * The payments offered are ListUndeposited's answer when the dialog opens, grouped by the
 * treasurer each is owed to (the server's treasurer_office_id and name); the STS sends the ids of
 * those ticked, and its total is the server's. Each change has its own idempotency key, made when
 * the dialog opens and kept until the change succeeds: a retry after a lost reply reuses it and
 * gets the first STS (or validation); a refused request stores nothing, so the corrected one may
 * reuse it. The validation time is typed in the office's time zone and sent in milliseconds.
 */
#include "paten-deposit-dialog.h"

#include "paten-desk.h"
#include "paten-document.h"
#include "paten-file-documents.h"
#include "paten-session.h"
#include "paten-util.h"

#include <stdio.h>

struct _PatenDepositDialog {
    GtkDialog parent_instance;

    GtkComboBoxText *treasurer_combo;
    GtkSpinner *spinner;
    GtkListBox *payments_list;
    GtkLabel *total_label;
    GtkLabel *error_label;
    GtkLabel *notice_label;
    GtkLabel *saved_label;
    GtkWidget *validation_grid;
    GtkEntry *bank_reference_entry;
    GtkEntry *validated_at_entry;
    GtkWidget *validate_button;
    GtkWidget *close_button;
    GtkWidget *print_button;
    GtkWidget *save_pdf_button;
    GtkWidget *create_button;

    PatenApplication *app; /* not a reference: the application outlives its windows */
    PatenConnection *conn;
    PatenSession *session;
    GCancellable *cancel;
    Paten__ListPaymentsReply *undeposited; /* as loaded when the dialog opened */
    Paten__Deposit *deposit;               /* CreateDeposit's answer (with its payments), or NULL */
    Paten__Deposit *validated;             /* ValidateDeposit's answer, or NULL */
    char *create_key;
    char *validate_key;
    gboolean busy;
};

G_DEFINE_TYPE(PatenDepositDialog, paten_deposit_dialog, GTK_TYPE_DIALOG)

enum { SIGNAL_CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

static const char *tz(PatenDepositDialog *self)
{
    const char *zone = paten_session_get_time_zone(self->session);

    return zone[0] != '\0' ? zone : NULL;
}

static GTimeZone *zone(PatenDepositDialog *self)
{
    GTimeZone *z = tz(self) ? g_time_zone_new_identifier(tz(self)) : NULL;

    return z != NULL ? z : g_time_zone_new_local();
}

static void set_busy(PatenDepositDialog *self, gboolean busy)
{
    self->busy = busy;
    gtk_widget_set_visible(GTK_WIDGET(self->spinner), busy);
    if (busy)
        gtk_spinner_start(self->spinner);
    else
        gtk_spinner_stop(self->spinner);
}

static gint64 chosen_treasurer(PatenDepositDialog *self)
{
    const char *id = gtk_combo_box_get_active_id(GTK_COMBO_BOX(self->treasurer_combo));

    return id ? g_ascii_strtoll(id, NULL, 10) : 0;
}

/* The ticked payments' ids (gint64) and their sum. */
static GArray *ticked(PatenDepositDialog *self, gint64 *total)
{
    GArray *ids = g_array_new(FALSE, FALSE, sizeof(int64_t));
    g_autoptr(GList) rows = gtk_container_get_children(GTK_CONTAINER(self->payments_list));

    *total = 0;
    for (GList *l = rows; l != NULL; l = l->next) {
        const Paten__Payment *p = g_object_get_data(l->data, "paten-payment");
        GtkToggleButton *check = g_object_get_data(l->data, "paten-check");

        if (p != NULL && gtk_toggle_button_get_active(check)) {
            int64_t id = p->id;

            g_array_append_val(ids, id);
            *total += p->amount;
        }
    }
    return ids;
}

static void update(PatenDepositDialog *self)
{
    gint64 total = 0;
    g_autoptr(GArray) ids = ticked(self, &total);
    g_autofree char *amount = paten_format_rupiah(total);
    g_autofree char *text = g_strdup_printf(
        ngettext("%u payment chosen: %s", "%u payments chosen: %s", ids->len), ids->len, amount);
    gboolean made = self->deposit != NULL;

    gtk_label_set_text(self->total_label, text);
    gtk_widget_set_visible(self->create_button, !made);
    gtk_widget_set_sensitive(self->create_button, !made && !self->busy && ids->len > 0);
    gtk_widget_set_sensitive(GTK_WIDGET(self->treasurer_combo), !made && !self->busy);
    gtk_widget_set_sensitive(GTK_WIDGET(self->payments_list), !made && !self->busy);
    gtk_widget_set_visible(self->print_button, made);
    gtk_widget_set_visible(self->save_pdf_button, made);
    gtk_widget_set_visible(self->validation_grid, made);
    gtk_widget_set_sensitive(self->validate_button, made && !self->busy && self->validated == NULL);
}

static void on_tick_toggled(GtkToggleButton *check, gpointer data)
{
    (void)check;
    update(data);
}

/* The payments owed to the chosen treasurer, each ticked. */
static void show_payments(PatenDepositDialog *self)
{
    g_autoptr(GList) rows = gtk_container_get_children(GTK_CONTAINER(self->payments_list));
    gint64 treasurer = chosen_treasurer(self);

    for (GList *l = rows; l != NULL; l = l->next)
        gtk_widget_destroy(l->data);
    for (size_t i = 0; self->undeposited != NULL && i < self->undeposited->n_payments; i++) {
        const Paten__Payment *p = self->undeposited->payments[i];
        GtkWidget *row, *check;
        g_autofree char *amount = NULL, *text = NULL;

        if (p->treasurer_office_id != treasurer)
            continue;
        amount = paten_format_rupiah(p->amount);
        text = g_strdup_printf("%s · %s · %s · %s", p->receipt_number, p->file_register_number,
                               p->applicant_name, amount);
        row = gtk_list_box_row_new();
        check = gtk_check_button_new_with_label(text);
        gtk_toggle_button_set_active(GTK_TOGGLE_BUTTON(check), TRUE);
        g_object_set(check, "margin", 4, NULL);
        paten_set_accessible_name(check, p->receipt_number);
        g_signal_connect_object(check, "toggled", G_CALLBACK(on_tick_toggled), self, 0);
        g_object_set_data(G_OBJECT(row), "paten-payment", (gpointer)p);
        g_object_set_data(G_OBJECT(row), "paten-check", check);
        gtk_container_add(GTK_CONTAINER(row), check);
        paten_set_accessible_name(row, p->receipt_number);
        gtk_list_box_row_set_activatable(GTK_LIST_BOX_ROW(row), FALSE);
        gtk_widget_show_all(row);
        gtk_container_add(GTK_CONTAINER(self->payments_list), row);
    }
    update(self);
}

static void on_treasurer_changed(PatenDepositDialog *self)
{
    show_payments(self);
}

static void on_loaded(GObject *src, GAsyncResult *res, gpointer data)
{
    g_autoptr(PatenDepositDialog) self = data;
    g_autoptr(GError) err = NULL;
    Paten__ListPaymentsReply *reply = (Paten__ListPaymentsReply *)paten_connection_call_finish(
        PATEN_CONNECTION(src), res, NULL, &err);
    g_autoptr(GHashTable) seen = NULL;

    if (self->app == NULL) {
        paten_message_free(reply);
        return;
    }
    set_busy(self, FALSE);
    if (reply == NULL) {
        g_autofree char *text = paten_error_text(err);
        g_autofree char *msg =
            g_strdup_printf(_("The cash not yet deposited could not be loaded: %s"), text);

        paten_label_show(self->error_label, msg);
        update(self);
        return;
    }
    self->undeposited = reply;
    seen = g_hash_table_new(g_int64_hash, g_int64_equal);
    for (size_t i = 0; i < reply->n_payments; i++) {
        Paten__Payment *p = reply->payments[i];
        g_autofree char *id = NULL;

        if (!g_hash_table_add(seen, &p->treasurer_office_id))
            continue;
        id = g_strdup_printf("%" G_GINT64_FORMAT, p->treasurer_office_id);
        gtk_combo_box_text_append(self->treasurer_combo, id, p->treasurer_office_name);
    }
    if (reply->n_payments == 0)
        paten_label_show(self->notice_label, _("No cash is waiting for a deposit."));
    gtk_combo_box_set_active(GTK_COMBO_BOX(self->treasurer_combo), 0);
    show_payments(self);
}

/* ---- the STS ------------------------------------------------------------------------------ */

static void on_created(GObject *src, GAsyncResult *res, gpointer data)
{
    g_autoptr(PatenDepositDialog) self = data;
    g_autoptr(GError) err = NULL;
    Paten__DepositReply *reply =
        (Paten__DepositReply *)paten_connection_call_finish(PATEN_CONNECTION(src), res, NULL, &err);

    if (self->app == NULL || g_error_matches(err, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
        paten_message_free(reply);
        return;
    }
    set_busy(self, FALSE);
    if (reply != NULL && reply->deposit != NULL) {
        const Paten__Deposit *d = reply->deposit;
        g_autofree char *total = paten_format_rupiah(d->total);
        g_autofree char *msg = g_strdup_printf(
            ngettext("STS %s made: %s, %zu payment, to %s.",
                     "STS %s made: %s, %zu payments, to %s.", (gulong)d->n_payments),
            d->number, total, d->n_payments, d->treasurer_office_name);
        g_autoptr(GDateTime) now = g_date_time_new_now(zone(self));
        g_autofree char *when = g_date_time_format(now, "%d-%m-%Y %H:%M");

        self->deposit = paten_message_dup(&d->base);
        paten_label_show(self->error_label, NULL);
        paten_label_show(self->notice_label, msg);
        gtk_entry_set_text(self->validated_at_entry, when);
        g_signal_emit(self, signals[SIGNAL_CHANGED], 0);
    } else {
        g_autofree char *text = paten_error_text(err);

        paten_label_show(self->error_label, text);
    }
    update(self);
    paten_message_free(reply);
}

static void on_create_clicked(PatenDepositDialog *self)
{
    Paten__CreateDepositRequest req = PATEN__CREATE_DEPOSIT_REQUEST__INIT;
    gint64 total = 0;
    g_autoptr(GArray) ids = ticked(self, &total);

    if (self->busy || self->deposit != NULL || ids->len == 0)
        return;
    req.idempotency_key = self->create_key;
    req.treasurer_office_id = chosen_treasurer(self);
    req.n_payment_ids = ids->len;
    req.payment_ids = (int64_t *)(void *)ids->data;
    set_busy(self, TRUE);
    paten_label_show(self->error_label, NULL);
    update(self);
    paten_connection_call_async(self->conn, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_CREATE_DEPOSIT,
                                &req.base, self->cancel, on_created, g_object_ref(self));
}

/* ---- the bank's validation ---------------------------------------------------------------- */

/* "06-12-2026 10:30" in the office's time zone, in ms; 0 when it is not such a time. */
static gint64 parse_time(PatenDepositDialog *self, const char *text)
{
    int d, m, y, hh, mm;
    char rest;
    g_autoptr(GTimeZone) z = NULL;
    g_autoptr(GDateTime) t = NULL;

    if (sscanf(text, "%d-%d-%d %d:%d %c", &d, &m, &y, &hh, &mm, &rest) != 5 &&
        sscanf(text, "%d-%d-%d %d.%d %c", &d, &m, &y, &hh, &mm, &rest) != 5)
        return 0;
    z = zone(self);
    t = g_date_time_new(z, y, m, d, hh, mm, 0);
    return t != NULL ? g_date_time_to_unix(t) * 1000 : 0;
}

static void on_validated(GObject *src, GAsyncResult *res, gpointer data)
{
    g_autoptr(PatenDepositDialog) self = data;
    g_autoptr(GError) err = NULL;
    Paten__DepositReply *reply =
        (Paten__DepositReply *)paten_connection_call_finish(PATEN_CONNECTION(src), res, NULL, &err);

    if (self->app == NULL || g_error_matches(err, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
        paten_message_free(reply);
        return;
    }
    set_busy(self, FALSE);
    if (reply != NULL && reply->deposit != NULL) {
        const Paten__Deposit *d = reply->deposit;
        g_autofree char *at = paten_format_time(d->validated_at_ms, tz(self), TRUE);
        g_autofree char *msg = g_strdup_printf(_("The bank's validation of STS %s was recorded: "
                                                 "%s on %s. The deposit is made."),
                                               d->number, d->bank_reference, at);

        self->validated = paten_message_dup(&d->base);
        paten_label_show(self->error_label, NULL);
        paten_label_show(self->notice_label, msg);
        g_signal_emit(self, signals[SIGNAL_CHANGED], 0);
    } else {
        g_autofree char *text = paten_error_text(err);

        paten_label_show(self->error_label, text);
    }
    update(self);
    paten_message_free(reply);
}

static void on_validate_clicked(PatenDepositDialog *self)
{
    Paten__ValidateDepositRequest req = PATEN__VALIDATE_DEPOSIT_REQUEST__INIT;
    g_autofree char *reference =
        g_strstrip(g_strdup(gtk_entry_get_text(self->bank_reference_entry)));
    gint64 at = parse_time(self, gtk_entry_get_text(self->validated_at_entry));

    if (self->busy || self->deposit == NULL || self->validated != NULL)
        return;
    if (reference[0] == '\0') {
        paten_label_show(self->error_label, _("Enter the reference the bank printed on the STS."));
        gtk_widget_grab_focus(GTK_WIDGET(self->bank_reference_entry));
        return;
    }
    if (at == 0) {
        paten_label_show(self->error_label,
                         _("Enter the bank's time of validation (such as 06-12-2026 10:30)."));
        gtk_widget_grab_focus(GTK_WIDGET(self->validated_at_entry));
        return;
    }
    /* Typed to the minute: a validation in the very minute the STS was made is not before it. */
    if (at / 60000 == self->deposit->created_at_ms / 60000 && at < self->deposit->created_at_ms)
        at = self->deposit->created_at_ms;
    req.idempotency_key = self->validate_key;
    req.deposit_id = self->deposit->id;
    req.bank_reference = reference;
    req.validated_at_ms = at;
    set_busy(self, TRUE);
    paten_label_show(self->error_label, NULL);
    update(self);
    paten_connection_call_async(self->conn, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_VALIDATE_DEPOSIT,
                                &req.base, self->cancel, on_validated, g_object_ref(self));
}

/* ---- the document ------------------------------------------------------------------------- */

static PatenDocument *slip(PatenDepositDialog *self)
{
    g_autoptr(GDateTime) now = g_date_time_new_now_utc();
    PatenPrintContext ctx = {
        .region_name = paten_session_get_region_name(self->session),
        .time_zone = tz(self),
        .now = now,
    };
    Paten__Deposit shown;

    if (self->validated == NULL)
        return paten_deposit_slip_new(self->deposit, &ctx);
    /* The validated deposit, with the payments CreateDeposit listed when it has none. */
    shown = *self->validated;
    if (shown.n_payments == 0) {
        shown.n_payments = self->deposit->n_payments;
        shown.payments = self->deposit->payments;
    }
    return paten_deposit_slip_new(&shown, &ctx);
}

static void on_print_clicked(PatenDepositDialog *self)
{
    g_autoptr(PatenDocument) doc = NULL;
    g_autofree char *said = NULL;

    if (self->deposit == NULL)
        return;
    doc = slip(self);
    said = paten_document_print_from(doc, GTK_WIDGET(self), "STS");
    if (said != NULL)
        paten_label_show(self->saved_label, said);
}

static void on_save_pdf_clicked(PatenDepositDialog *self)
{
    g_autoptr(PatenDocument) doc = NULL;

    if (self->deposit == NULL)
        return;
    doc = slip(self);
    paten_document_save_pdf_from(doc, GTK_WIDGET(self), "STS", self->saved_label);
}

static void on_close_clicked(PatenDepositDialog *self)
{
    gtk_widget_destroy(GTK_WIDGET(self));
}

/* ---- life --------------------------------------------------------------------------------- */

PatenDepositDialog *paten_deposit_dialog_new(PatenApplication *app, GtkWindow *parent)
{
    PatenDepositDialog *self = g_object_new(PATEN_TYPE_DEPOSIT_DIALOG, "transient-for", parent,
                                            "use-header-bar", FALSE, NULL);
    Paten__ListUndepositedRequest req = PATEN__LIST_UNDEPOSITED_REQUEST__INIT;

    self->app = app;
    self->conn = g_object_ref(paten_application_get_connection(app));
    self->session = g_object_ref(paten_application_get_session(app));
    set_busy(self, TRUE);
    update(self);
    paten_connection_call_async(self->conn, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_LIST_UNDEPOSITED,
                                &req.base, self->cancel, on_loaded, g_object_ref(self));
    return self;
}

static void paten_deposit_dialog_dispose(GObject *obj)
{
    PatenDepositDialog *self = PATEN_DEPOSIT_DIALOG(obj);

    g_cancellable_cancel(self->cancel);
    g_clear_object(&self->conn);
    g_clear_object(&self->session);
    self->app = NULL;
    G_OBJECT_CLASS(paten_deposit_dialog_parent_class)->dispose(obj);
}

static void paten_deposit_dialog_finalize(GObject *obj)
{
    PatenDepositDialog *self = PATEN_DEPOSIT_DIALOG(obj);

    g_clear_object(&self->cancel);
    paten_message_free(self->undeposited);
    paten_message_free(self->deposit);
    paten_message_free(self->validated);
    g_free(self->create_key);
    g_free(self->validate_key);
    G_OBJECT_CLASS(paten_deposit_dialog_parent_class)->finalize(obj);
}

static void paten_deposit_dialog_class_init(PatenDepositDialogClass *klass)
{
    GtkWidgetClass *wc = GTK_WIDGET_CLASS(klass);

    G_OBJECT_CLASS(klass)->dispose = paten_deposit_dialog_dispose;
    G_OBJECT_CLASS(klass)->finalize = paten_deposit_dialog_finalize;
    /* "changed": the STS was made, or its validation recorded. */
    signals[SIGNAL_CHANGED] = g_signal_new("changed", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST,
                                           0, NULL, NULL, NULL, G_TYPE_NONE, 0);
    gtk_widget_class_set_template_from_resource(wc, "/id/paten/desk/paten-deposit-dialog.ui");
    gtk_widget_class_bind_template_child(wc, PatenDepositDialog, treasurer_combo);
    gtk_widget_class_bind_template_child(wc, PatenDepositDialog, spinner);
    gtk_widget_class_bind_template_child(wc, PatenDepositDialog, payments_list);
    gtk_widget_class_bind_template_child(wc, PatenDepositDialog, total_label);
    gtk_widget_class_bind_template_child(wc, PatenDepositDialog, error_label);
    gtk_widget_class_bind_template_child(wc, PatenDepositDialog, notice_label);
    gtk_widget_class_bind_template_child(wc, PatenDepositDialog, saved_label);
    gtk_widget_class_bind_template_child(wc, PatenDepositDialog, validation_grid);
    gtk_widget_class_bind_template_child(wc, PatenDepositDialog, bank_reference_entry);
    gtk_widget_class_bind_template_child(wc, PatenDepositDialog, validated_at_entry);
    gtk_widget_class_bind_template_child(wc, PatenDepositDialog, validate_button);
    gtk_widget_class_bind_template_child(wc, PatenDepositDialog, close_button);
    gtk_widget_class_bind_template_child(wc, PatenDepositDialog, print_button);
    gtk_widget_class_bind_template_child(wc, PatenDepositDialog, save_pdf_button);
    gtk_widget_class_bind_template_child(wc, PatenDepositDialog, create_button);
    gtk_widget_class_bind_template_callback(wc, on_treasurer_changed);
    gtk_widget_class_bind_template_callback(wc, on_create_clicked);
    gtk_widget_class_bind_template_callback(wc, on_validate_clicked);
    gtk_widget_class_bind_template_callback(wc, on_print_clicked);
    gtk_widget_class_bind_template_callback(wc, on_save_pdf_clicked);
    gtk_widget_class_bind_template_callback(wc, on_close_clicked);
}

static void paten_deposit_dialog_init(PatenDepositDialog *self)
{
    self->cancel = g_cancellable_new();
    self->create_key = g_uuid_string_random();
    self->validate_key = g_uuid_string_random();
    gtk_widget_init_template(GTK_WIDGET(self));
}
