/*
 * paten-treasurer-page.c: PatenTreasurerPage (paten-treasurer-page.h).
 *
 * Every list is the server's answer, shown whole: ListDeposits (the server decides which
 * deposits are the office's, newest first), ListDepositAlerts and Reconcile. A DepositChanged
 * (a deposit created, validated, confirmed, found different, resolved), a missed-events notice
 * or a resumed session reloads the deposits and the reconciliation; a DepositAlertChanged the
 * banner. A newer reload makes the answers of older ones void (the serials). Money is whole
 * rupiah (gint64) from the server, printed "Rp 1.234.567"; the desk adds nothing up itself.
 *
 * Files are read and written asynchronously (GFile), the choosers are GtkFileChooserNative
 * without blocking the window.
 */
#include "paten-treasurer-page.h"

#include "paten-confirm-dialog.h"
#include "paten-desk.h"
#include "paten-files.h"
#include "paten-session.h"
#include "paten-util.h"

#include <string.h>

#define IMPORT_FROM_ENV "PATEN_DESK_IMPORT_FROM"
#define EXPORT_TO_ENV   "PATEN_DESK_EXPORT_TO"

struct _PatenTreasurerPage {
    GtkBox parent_instance;

    GtkSpinner *spinner;
    GtkLabel *count_label;
    GtkWidget *import_button;
    GtkLabel *alert_label;
    GtkLabel *message_label;
    GtkLabel *status_label;
    GtkListBox *deposit_list;
    GtkLabel *import_label;
    GtkBox *import_actions;
    GtkEntry *from_entry;
    GtkEntry *to_entry;
    GtkWidget *reconcile_button;
    GtkWidget *export_button;
    GtkLabel *reconcile_status_label;
    GtkTreeView *lines_tree;
    GtkLabel *payments_label;
    GtkWidget *pay_confirm_button;
    GtkTreeView *payments_tree;

    PatenApplication *app; /* not a reference: the application outlives its windows */
    PatenConnection *conn;
    PatenEventBus *bus;
    PatenSession *session;
    GtkListStore *lines_store;
    GtkListStore *payments_store;
    Paten__ReconcileReply *reconcile; /* the reconciliation shown (what is exported) */
    guint deposits_serial;
    guint alerts_serial;
    guint reconcile_serial;
    GCancellable *cancel;
};

G_DEFINE_TYPE(PatenTreasurerPage, paten_treasurer_page, GTK_TYPE_BOX)

enum {
    LINE_NAME,
    LINE_COLLECTED,
    LINE_CONFIRMED,
    LINE_UNCONFIRMED,
    LINE_DISCREPANCY,
    LINE_ON_HAND,
    LINE_PAYMENTS,
    N_LINE_COLS
};

enum {
    PAY_INDEX,
    PAY_RECEIPT,
    PAY_DATE,
    PAY_APPLICANT,
    PAY_ASSESSMENT,
    PAY_METHOD,
    PAY_REFERENCE,
    PAY_AMOUNT,
    PAY_CASHIER,
    PAY_DEPOSIT,
    PAY_CONFIRMATION,
    N_PAY_COLS
};

static GtkWindow *toplevel(PatenTreasurerPage *self)
{
    GtkWidget *top = gtk_widget_get_toplevel(GTK_WIDGET(self));

    return GTK_IS_WINDOW(top) ? GTK_WINDOW(top) : NULL;
}

static const char *tz(PatenTreasurerPage *self)
{
    const char *zone = paten_session_get_time_zone(self->session);

    return zone[0] != '\0' ? zone : NULL;
}

/* The office's local day today, "YYYY-MM-DD" (first_of_month: the month's first). Caller
 * frees. */
static char *local_day(PatenTreasurerPage *self, gboolean first_of_month)
{
    g_autoptr(GTimeZone) zone = tz(self) ? g_time_zone_new_identifier(tz(self)) : NULL;
    g_autoptr(GDateTime) now = NULL;

    if (zone == NULL)
        zone = g_time_zone_new_local();
    now = g_date_time_new_now(zone);
    return g_strdup_printf("%04d-%02d-%02d", g_date_time_get_year(now), g_date_time_get_month(now),
                           first_of_month ? 1 : g_date_time_get_day_of_month(now));
}

/* "dd-mm-yyyy" for "YYYY-MM-DD", as the date entries are written. Caller frees. */
static char *entry_day(const char *iso)
{
    return g_strdup_printf("%.2s-%.2s-%.4s", iso + 8, iso + 5, iso);
}

static gint64 office_id(PatenTreasurerPage *self)
{
    const Paten__User *u = paten_session_get_user(self->session);

    return u != NULL && u->office != NULL ? u->office->id : 0;
}

static void set_loading(PatenTreasurerPage *self, gboolean loading)
{
    gtk_widget_set_visible(GTK_WIDGET(self->spinner), loading);
    if (loading)
        gtk_spinner_start(self->spinner);
    else
        gtk_spinner_stop(self->spinner);
}

static void clear_container(GtkContainer *c)
{
    g_autoptr(GList) children = gtk_container_get_children(c);

    for (GList *l = children; l != NULL; l = l->next)
        gtk_widget_destroy(l->data);
}

static const char *confirmation_name(Paten__ConfirmationStatus s)
{
    switch (s) {
    case PATEN__CONFIRMATION_STATUS__CONFIRMATION_STATUS_CONFIRMED:
        return _("Confirmed");
    case PATEN__CONFIRMATION_STATUS__CONFIRMATION_STATUS_DISCREPANCY:
        return _("Discrepancy open");
    case PATEN__CONFIRMATION_STATUS__CONFIRMATION_STATUS_RESOLVED:
        return _("Discrepancy resolved");
    default:
        return _("Not confirmed");
    }
}

static const char *method_name(Paten__PaymentMethod m)
{
    switch (m) {
    case PATEN__PAYMENT_METHOD__PAYMENT_METHOD_CASH:
        return _("Cash");
    case PATEN__PAYMENT_METHOD__PAYMENT_METHOD_TRANSFER:
        return _("Transfer");
    case PATEN__PAYMENT_METHOD__PAYMENT_METHOD_QRIS:
        return C_("payment", "QRIS");
    default:
        return "?";
    }
}

static Paten__ConfirmationStatus deposit_status(const Paten__Deposit *d)
{
    return d->confirmation != NULL ? d->confirmation->status
                                   : PATEN__CONFIRMATION_STATUS__CONFIRMATION_STATUS_UNCONFIRMED;
}

/* The answer a reload is waiting for: a newer reload makes older answers void. */
typedef struct {
    PatenTreasurerPage *self; /* a reference */
    guint serial;
    guint *current;
    void (*loaded)(PatenTreasurerPage *self, GObject *src, GAsyncResult *res);
} Load;

static void on_load_done(GObject *src, GAsyncResult *res, gpointer data)
{
    Load *load = data;
    g_autoptr(PatenTreasurerPage) self = load->self;

    if (load->serial == *load->current && self->app != NULL) {
        load->loaded(self, src, res);
    } else {
        gpointer reply = paten_connection_call_finish(PATEN_CONNECTION(src), res, NULL, NULL);

        paten_message_free(reply);
    }
    g_free(load);
}

static void call(PatenTreasurerPage *self, Paten__MessageType type, const ProtobufCMessage *req,
                 guint *serial, void (*loaded)(PatenTreasurerPage *, GObject *, GAsyncResult *))
{
    Load *load = g_new0(Load, 1);

    load->self = g_object_ref(self);
    load->serial = ++*serial;
    load->current = serial;
    load->loaded = loaded;
    paten_connection_call_async(self->conn, type, req, self->cancel, on_load_done, load);
}

static void load_deposits(PatenTreasurerPage *self);
static void load_reconcile(PatenTreasurerPage *self);

/* ---- confirming ---------------------------------------------------------------------------- */

static void on_confirmation_made(PatenConfirmDialog *dialog, gpointer confirmation, gpointer data)
{
    PatenTreasurerPage *self = data;
    const Paten__Confirmation *c = confirmation;
    g_autofree char *amount = paten_format_rupiah(c->amount);
    g_autofree char *msg = NULL;

    (void)dialog;
    switch (c->status) {
    case PATEN__CONFIRMATION_STATUS__CONFIRMATION_STATUS_CONFIRMED:
        msg = g_strdup_printf(_("Confirmed against the bank: %s, reference %s."), amount,
                              c->bank_reference);
        break;
    case PATEN__CONFIRMATION_STATUS__CONFIRMATION_STATUS_RESOLVED:
        msg = g_strdup_printf(_("The discrepancy was resolved: %s."), c->resolved_reason);
        break;
    default:
        msg = g_strdup_printf(_("Recorded as a discrepancy: the bank shows %s."), amount);
        break;
    }
    paten_label_show(self->message_label, msg);
    /* The DepositChanged event reloads too; a payment's confirmation has none. */
    load_deposits(self);
    load_reconcile(self);
}

static void open_confirm(PatenTreasurerPage *self, const Paten__Deposit *d, const Paten__Payment *p)
{
    g_autofree char *today = local_day(self, FALSE);
    g_autoptr(GList) tops = gtk_window_list_toplevels();
    PatenConfirmDialog *dialog;

    /* One dialog per deposit: a second "Konfirmasi" raises the one already open. */
    for (GList *l = tops; d != NULL && l != NULL; l = l->next) {
        if (PATEN_IS_CONFIRM_DIALOG(l->data) &&
            paten_confirm_dialog_get_deposit_id(l->data) == d->id) {
            gtk_window_present(GTK_WINDOW(l->data));
            return;
        }
    }
    dialog = paten_confirm_dialog_new(toplevel(self), self->conn, d, p, today);
    g_signal_connect_object(dialog, "confirmed", G_CALLBACK(on_confirmation_made), self, 0);
    gtk_window_present(GTK_WINDOW(dialog));
}

/* ---- the deposits -------------------------------------------------------------------------- */

static const Paten__Deposit *row_deposit(GtkListBoxRow *row)
{
    return g_object_get_data(G_OBJECT(row), "paten-deposit");
}

/* Confirmable: validated by the bank and not yet confirmed, or with an open discrepancy. */
static gboolean deposit_actionable(const Paten__Deposit *d)
{
    Paten__ConfirmationStatus s = deposit_status(d);

    return (d->bank_reference[0] != '\0' &&
            s == PATEN__CONFIRMATION_STATUS__CONFIRMATION_STATUS_UNCONFIRMED) ||
           s == PATEN__CONFIRMATION_STATUS__CONFIRMATION_STATUS_DISCREPANCY;
}

static void on_deposit_button_clicked(GtkButton *button, gpointer data)
{
    PatenTreasurerPage *self = data;
    GtkWidget *row = gtk_widget_get_ancestor(GTK_WIDGET(button), GTK_TYPE_LIST_BOX_ROW);

    if (row != NULL && row_deposit(GTK_LIST_BOX_ROW(row)) != NULL)
        open_confirm(self, row_deposit(GTK_LIST_BOX_ROW(row)), NULL);
}

static void on_deposit_row_activated(PatenTreasurerPage *self, GtkListBoxRow *row)
{
    const Paten__Deposit *d = row_deposit(row);

    if (d != NULL && deposit_actionable(d))
        open_confirm(self, d, NULL);
}

static GtkWidget *row_label(const char *text, gboolean dim, float xalign)
{
    GtkWidget *l = gtk_label_new(text);

    gtk_label_set_xalign(GTK_LABEL(l), xalign);
    gtk_label_set_line_wrap(GTK_LABEL(l), TRUE);
    if (dim)
        gtk_style_context_add_class(gtk_widget_get_style_context(l), "dim-label");
    return l;
}

/* A deposit's row: number and kecamatan, cashier and time, total, the bank's validation, the
 * confirmation, and the button that confirms it (or resolves its discrepancy). */
static GtkWidget *deposit_row(PatenTreasurerPage *self, const Paten__Deposit *d)
{
    GtkWidget *row = gtk_list_box_row_new();
    GtkWidget *box = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 12);
    GtkWidget *text = gtk_box_new(GTK_ORIENTATION_VERTICAL, 2);
    GtkWidget *state = gtk_box_new(GTK_ORIENTATION_VERTICAL, 2);
    Paten__ConfirmationStatus s = deposit_status(d);
    g_autofree char *title = g_strdup_printf("%s · %s", d->number, d->office_name);
    g_autofree char *made = paten_format_time(d->created_at_ms, tz(self), TRUE);
    g_autofree char *who = g_strdup_printf(_("Cashier: %s · made %s"), d->cashier_name, made);
    g_autofree char *total = paten_format_rupiah(d->total);
    g_autofree char *validated = NULL;
    GtkWidget *total_label = row_label(total, FALSE, 1);

    if (d->bank_reference[0] != '\0') {
        g_autofree char *at = paten_format_time(d->validated_at_ms, tz(self), TRUE);

        validated = g_strdup_printf(_("Validated by the bank: %s, %s"), d->bank_reference, at);
    } else {
        validated = g_strdup(_("Not validated by the bank yet"));
    }
    g_object_set_data_full(G_OBJECT(row), "paten-deposit", paten_message_dup(&d->base),
                           paten_message_free);
    gtk_container_add(GTK_CONTAINER(text), row_label(title, FALSE, 0));
    gtk_container_add(GTK_CONTAINER(text), row_label(who, TRUE, 0));
    gtk_widget_set_hexpand(text, TRUE);
    gtk_style_context_add_class(gtk_widget_get_style_context(total_label), "paten-heading");
    gtk_container_add(GTK_CONTAINER(state), total_label);
    gtk_container_add(GTK_CONTAINER(state), row_label(validated, TRUE, 1));
    gtk_container_add(GTK_CONTAINER(state), row_label(confirmation_name(s), FALSE, 1));
    gtk_container_add(GTK_CONTAINER(box), text);
    gtk_container_add(GTK_CONTAINER(box), state);
    if (deposit_actionable(d)) {
        gboolean resolve = s == PATEN__CONFIRMATION_STATUS__CONFIRMATION_STATUS_DISCREPANCY;
        GtkWidget *button =
            gtk_button_new_with_mnemonic(resolve ? _("_Resolve…") : C_("bank", "_Confirm…"));
        g_autofree char *name = g_strdup_printf(
            resolve ? _("Resolve the discrepancy of %s") : _("Confirm %s"), d->number);

        gtk_widget_set_valign(button, GTK_ALIGN_CENTER);
        paten_set_accessible_name(button, name);
        g_signal_connect_object(button, "clicked", G_CALLBACK(on_deposit_button_clicked), self, 0);
        gtk_container_add(GTK_CONTAINER(box), button);
    }
    g_object_set(box, "margin", 6, NULL);
    gtk_container_add(GTK_CONTAINER(row), box);
    /* The row is found by the STS's number. */
    paten_set_accessible_name(row, d->number);
    gtk_widget_show_all(row);
    return row;
}

static void on_deposits_loaded(PatenTreasurerPage *self, GObject *src, GAsyncResult *res)
{
    g_autoptr(GError) err = NULL;
    Paten__ListDepositsReply *reply = (Paten__ListDepositsReply *)paten_connection_call_finish(
        PATEN_CONNECTION(src), res, NULL, &err);
    g_autofree char *count = NULL;
    size_t open = 0;

    set_loading(self, FALSE);
    if (reply == NULL) {
        g_autofree char *text = paten_error_text(err);
        g_autofree char *msg = g_strdup_printf(_("The deposits could not be loaded: %s"), text);

        /* The rows shown stay: they were right a moment ago. */
        paten_label_show(self->status_label, msg);
        return;
    }
    paten_label_show(self->status_label, NULL);
    clear_container(GTK_CONTAINER(self->deposit_list));
    /* The server's order: the newest first. */
    for (size_t i = 0; i < reply->n_deposits; i++) {
        gtk_container_add(GTK_CONTAINER(self->deposit_list), deposit_row(self, reply->deposits[i]));
        if (deposit_status(reply->deposits[i]) ==
                PATEN__CONFIRMATION_STATUS__CONFIRMATION_STATUS_UNCONFIRMED ||
            deposit_status(reply->deposits[i]) ==
                PATEN__CONFIRMATION_STATUS__CONFIRMATION_STATUS_DISCREPANCY)
            open++;
    }
    count = g_strdup_printf(_("Deposits: %zu, not confirmed: %zu"), reply->n_deposits, open);
    gtk_label_set_text(self->count_label, count);
    paten_message_free(reply);
}

static void load_deposits(PatenTreasurerPage *self)
{
    Paten__ListDepositsRequest req = PATEN__LIST_DEPOSITS_REQUEST__INIT;

    set_loading(self, TRUE);
    call(self, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_LIST_DEPOSITS, &req.base, &self->deposits_serial,
         on_deposits_loaded);
}

/* ---- the alerts ---------------------------------------------------------------------------- */

static void on_alerts_loaded(PatenTreasurerPage *self, GObject *src, GAsyncResult *res)
{
    g_autoptr(GError) err = NULL;
    Paten__ListDepositAlertsReply *reply =
        (Paten__ListDepositAlertsReply *)paten_connection_call_finish(PATEN_CONNECTION(src), res,
                                                                      NULL, &err);
    g_autoptr(GString) text = NULL;

    if (reply == NULL) {
        g_autofree char *why = paten_error_text(err);
        g_autofree char *msg = g_strdup_printf(_("The late deposits could not be loaded: %s"), why);

        paten_label_show(self->alert_label, msg);
        return;
    }
    if (reply->n_alerts == 0) {
        paten_label_show(self->alert_label, NULL);
        paten_message_free(reply);
        return;
    }
    text = g_string_new(NULL);
    g_string_printf(text,
                    ngettext("%zu cash payment is late for deposit:",
                             "%zu cash payments are late for deposit:", (gulong)reply->n_alerts),
                    reply->n_alerts);
    for (size_t i = 0; i < reply->n_alerts; i++) {
        const Paten__Payment *p = reply->alerts[i]->payment;
        g_autofree char *amount = NULL;
        g_autofree char *due = NULL;

        if (p == NULL)
            continue;
        amount = paten_format_rupiah(p->amount);
        due = paten_format_time(p->deposit_deadline_ms, tz(self), TRUE);
        g_string_append_c(text, '\n');
        /* TRANSLATORS: "SSRD/0001/... (Kasir Kaloran, Rp 337.500), due 24 November 2026
         * 09.00" */
        g_string_append_printf(text, _("%s (%s, %s), due %s"), p->receipt_number, p->cashier_name,
                               amount, due);
    }
    paten_label_show(self->alert_label, text->str);
    paten_message_free(reply);
}

static void load_alerts(PatenTreasurerPage *self)
{
    Paten__ListDepositAlertsRequest req = PATEN__LIST_DEPOSIT_ALERTS_REQUEST__INIT;

    call(self, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_LIST_DEPOSIT_ALERTS, &req.base,
         &self->alerts_serial, on_alerts_loaded);
}

/* ---- the reconciliation -------------------------------------------------------------------- */

static void add_line(PatenTreasurerPage *self, const Paten__ReconcileLine *l, const char *name)
{
    g_autofree char *collected = paten_format_rupiah(l->collected);
    g_autofree char *confirmed = paten_format_rupiah(l->confirmed);
    g_autofree char *unconfirmed = paten_format_rupiah(l->deposited_unconfirmed);
    g_autofree char *discrepancy = paten_format_rupiah(l->discrepancy);
    g_autofree char *on_hand = paten_format_rupiah(l->on_hand);
    g_autofree char *payments = g_strdup_printf("%u", l->payments);
    GtkTreeIter it;

    gtk_list_store_append(self->lines_store, &it);
    gtk_list_store_set(self->lines_store, &it, LINE_NAME, name, LINE_COLLECTED, collected,
                       LINE_CONFIRMED, confirmed, LINE_UNCONFIRMED, unconfirmed, LINE_DISCREPANCY,
                       discrepancy, LINE_ON_HAND, on_hand, LINE_PAYMENTS, payments, -1);
}

static void on_reconcile_loaded(PatenTreasurerPage *self, GObject *src, GAsyncResult *res)
{
    g_autoptr(GError) err = NULL;
    Paten__ReconcileReply *reply = (Paten__ReconcileReply *)paten_connection_call_finish(
        PATEN_CONNECTION(src), res, NULL, &err);
    g_autofree char *from = NULL, *to = NULL, *said = NULL;

    if (reply == NULL) {
        g_autofree char *text = paten_error_text(err);
        g_autofree char *msg =
            g_strdup_printf(_("The reconciliation could not be loaded: %s"), text);

        paten_label_show(self->reconcile_status_label, msg);
        return;
    }
    paten_label_show(self->reconcile_status_label, NULL);
    paten_message_free(self->reconcile);
    self->reconcile = reply;
    gtk_list_store_clear(self->lines_store);
    gtk_list_store_clear(self->payments_store);
    for (size_t i = 0; i < reply->n_lines; i++)
        add_line(self, reply->lines[i], reply->lines[i]->treasurer_office_name);
    if (reply->total != NULL && reply->n_lines != 1)
        add_line(self, reply->total, _("Total"));
    /* Then the same figures per cashier and day, as the server groups them. */
    for (size_t i = 0; i < reply->n_cashier_days; i++) {
        const Paten__ReconcileLine *l = reply->cashier_days[i];
        g_autofree char *day = paten_date_display(l->day);
        g_autofree char *name = g_strdup_printf("%s · %s", l->cashier_name, day);
        add_line(self, l, name);
    }
    /* The server's order: by day, then cashier. */
    for (size_t i = 0; i < reply->n_payments; i++) {
        const Paten__Payment *p = reply->payments[i];
        g_autofree char *day = paten_date_display(p->received_date);
        g_autofree char *amount = paten_format_rupiah(p->amount);
        const char *confirmation = p->reversed ? _("Reversed") : confirmation_name(p->confirmation);
        GtkTreeIter it;

        gtk_list_store_append(self->payments_store, &it);
        gtk_list_store_set(
            self->payments_store, &it, PAY_INDEX, (gint)i, PAY_RECEIPT, p->receipt_number, PAY_DATE,
            day, PAY_APPLICANT, p->applicant_name, PAY_ASSESSMENT, p->assessment_number, PAY_METHOD,
            method_name(p->method), PAY_REFERENCE, p->reference, PAY_AMOUNT, amount, PAY_CASHIER,
            p->cashier_name, PAY_DEPOSIT, p->deposit_number, PAY_CONFIRMATION, confirmation, -1);
    }
    from = paten_date_display(reply->from_date);
    to = paten_date_display(reply->to_date);
    said = g_strdup_printf(_("Payments from %s to %s: %zu"), from, to, reply->n_payments);
    gtk_label_set_text(self->payments_label, said);
    gtk_widget_set_sensitive(self->export_button, TRUE);
}

static void load_reconcile(PatenTreasurerPage *self)
{
    Paten__ReconcileRequest req = PATEN__RECONCILE_REQUEST__INIT;
    g_autofree char *from = paten_date_parse(gtk_entry_get_text(self->from_entry));
    g_autofree char *to = paten_date_parse(gtk_entry_get_text(self->to_entry));

    if (from == NULL || to == NULL) {
        paten_label_show(self->reconcile_status_label,
                         _("Write the dates as dd-mm-yyyy, e.g. 01-12-2026."));
        gtk_widget_grab_focus(GTK_WIDGET(from == NULL ? self->from_entry : self->to_entry));
        return;
    }
    req.treasurer_office_id = office_id(self);
    req.from_date = from;
    req.to_date = to;
    call(self, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_RECONCILE, &req.base, &self->reconcile_serial,
         on_reconcile_loaded);
}

static void on_reconcile_clicked(PatenTreasurerPage *self)
{
    load_reconcile(self);
}

/* The payment of the chosen row, if it is one the treasurer confirms (a transfer or QRIS payment
 * standing and not yet confirmed). */
static const Paten__Payment *chosen_payment(PatenTreasurerPage *self)
{
    GtkTreeSelection *sel = gtk_tree_view_get_selection(self->payments_tree);
    GtkTreeModel *model;
    GtkTreeIter it;
    gint i = -1;
    const Paten__Payment *p;

    if (self->reconcile == NULL || !gtk_tree_selection_get_selected(sel, &model, &it))
        return NULL;
    gtk_tree_model_get(model, &it, PAY_INDEX, &i, -1);
    if (i < 0 || (size_t)i >= self->reconcile->n_payments)
        return NULL;
    p = self->reconcile->payments[i];
    if (p->method == PATEN__PAYMENT_METHOD__PAYMENT_METHOD_CASH || p->reversed ||
        p->confirmation != PATEN__CONFIRMATION_STATUS__CONFIRMATION_STATUS_UNCONFIRMED)
        return NULL;
    return p;
}

static void on_payment_selection_changed(GtkTreeSelection *sel, gpointer data)
{
    PatenTreasurerPage *self = data;

    (void)sel;
    gtk_widget_set_sensitive(self->pay_confirm_button, chosen_payment(self) != NULL);
}

static void on_pay_confirm_clicked(PatenTreasurerPage *self)
{
    const Paten__Payment *p = chosen_payment(self);

    if (p != NULL)
        open_confirm(self, NULL, p);
}

static void on_payment_row_activated(PatenTreasurerPage *self, GtkTreePath *path,
                                     GtkTreeViewColumn *column)
{
    (void)column;
    /* The row activated is the one confirmed (activated through the accessibility tree, it
     * need not be selected yet). */
    gtk_tree_selection_select_path(gtk_tree_view_get_selection(self->payments_tree), path);
    on_pay_confirm_clicked(self);
}

/* ---- export -------------------------------------------------------------------------------- */

static void csv_field(GString *s, const char *v)
{
    if (strpbrk(v, ",\";\n\r") == NULL) {
        g_string_append(s, v);
        return;
    }
    g_string_append_c(s, '"');
    for (const char *p = v; *p; p++) {
        if (*p == '"')
            g_string_append_c(s, '"');
        g_string_append_c(s, *p);
    }
    g_string_append_c(s, '"');
}

char *paten_reconcile_csv(const Paten__ReconcileReply *r)
{
    const char *header[] = {
        C_("csv", "receipt"),    C_("csv", "date"),    C_("csv", "applicant"),
        C_("csv", "assessment"), C_("csv", "file"),    C_("csv", "method"),
        C_("csv", "reference"),  C_("csv", "amount"),  C_("csv", "cashier"),
        C_("csv", "treasurer"),  C_("csv", "deposit"), C_("csv", "confirmation"),
    };
    GString *s = g_string_new(NULL);

    for (size_t i = 0; i < G_N_ELEMENTS(header); i++) {
        if (i > 0)
            g_string_append_c(s, ',');
        csv_field(s, header[i]);
    }
    g_string_append(s, "\r\n");
    for (size_t i = 0; i < r->n_payments; i++) {
        const Paten__Payment *p = r->payments[i];
        g_autofree char *amount = g_strdup_printf("%" G_GINT64_FORMAT, (gint64)p->amount);
        const char *fields[] = {
            p->receipt_number,
            p->received_date,
            p->applicant_name,
            p->assessment_number,
            p->file_register_number,
            method_name(p->method),
            p->reference,
            amount,
            p->cashier_name,
            p->treasurer_office_name,
            p->deposit_number,
            p->reversed ? _("Reversed") : confirmation_name(p->confirmation),
        };

        for (size_t k = 0; k < G_N_ELEMENTS(fields); k++) {
            if (k > 0)
                g_string_append_c(s, ',');
            csv_field(s, fields[k]);
        }
        g_string_append(s, "\r\n");
    }
    return g_string_free(s, FALSE);
}

typedef struct {
    PatenTreasurerPage *self; /* a reference */
    char *path;
} Written;

static void on_csv_written(GObject *src, GAsyncResult *res, gpointer data)
{
    Written *w = data;
    g_autoptr(PatenTreasurerPage) self = w->self;
    g_autoptr(GError) err = NULL;
    g_autofree char *path = w->path;
    g_autofree char *msg = NULL;

    g_free(w);
    if (!g_file_replace_contents_finish(G_FILE(src), res, NULL, &err)) {
        if (g_error_matches(err, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            return;
        msg =
            g_strdup_printf(_("%s could not be saved: %s"), _("The reconciliation"), err->message);
    } else {
        msg = g_strdup_printf(_("%s was saved to %s."), _("The reconciliation"), path);
    }
    if (self->app != NULL)
        paten_label_show(self->message_label, msg);
}

static void write_csv(PatenTreasurerPage *self, const char *path)
{
    g_autoptr(GFile) file = g_file_new_for_path(path);
    char *csv = paten_reconcile_csv(self->reconcile);
    g_autoptr(GBytes) bytes = g_bytes_new_take(csv, strlen(csv));
    Written *w = g_new0(Written, 1);

    w->self = g_object_ref(self);
    w->path = g_strdup(path);
    g_file_replace_contents_bytes_async(file, bytes, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION,
                                        self->cancel, on_csv_written, w);
}

static void on_export_response(GtkNativeDialog *chooser, int response, gpointer data)
{
    g_autoptr(PatenTreasurerPage) self = data;

    if (response == GTK_RESPONSE_ACCEPT && self->app != NULL && self->reconcile != NULL) {
        g_autofree char *path = gtk_file_chooser_get_filename(GTK_FILE_CHOOSER(chooser));

        if (path != NULL)
            write_csv(self, path);
    }
    g_object_unref(chooser);
}

static void on_export_clicked(PatenTreasurerPage *self)
{
    const char *to = g_getenv(EXPORT_TO_ENV);
    GtkFileChooserNative *chooser;
    g_autofree char *name = NULL;

    if (self->reconcile == NULL)
        return;
    if (to != NULL && to[0] != '\0') {
        write_csv(self, to);
        return;
    }
    chooser = gtk_file_chooser_native_new(_("Export the reconciliation"), toplevel(self),
                                          GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
    gtk_file_chooser_set_do_overwrite_confirmation(GTK_FILE_CHOOSER(chooser), TRUE);
    name = g_strdup_printf("rekonsiliasi-%s-%s.csv", self->reconcile->from_date,
                           self->reconcile->to_date);
    gtk_file_chooser_set_current_name(GTK_FILE_CHOOSER(chooser), name);
    g_signal_connect(chooser, "response", G_CALLBACK(on_export_response), g_object_ref(self));
    gtk_native_dialog_show(GTK_NATIVE_DIALOG(chooser));
}

/* ---- the bank statement -------------------------------------------------------------------- */

/* "STS/0001/KEC-KALORAN/2026" for a confirmation's deposit, "SSRD/..." for its payment, as far
 * as the lists shown know them; else the ids. Caller frees. */
static char *confirmed_what(PatenTreasurerPage *self, const Paten__Confirmation *c)
{
    g_autoptr(GList) rows = gtk_container_get_children(GTK_CONTAINER(self->deposit_list));

    for (GList *l = rows; c->deposit_id != 0 && l != NULL; l = l->next) {
        const Paten__Deposit *d = row_deposit(l->data);

        if (d != NULL && d->id == c->deposit_id)
            return g_strdup(d->number);
    }
    for (size_t i = 0; self->reconcile != NULL && i < self->reconcile->n_payments; i++)
        if (c->payment_id != 0 && self->reconcile->payments[i]->id == c->payment_id)
            return g_strdup(self->reconcile->payments[i]->receipt_number);
    {
        g_autofree char *id = g_strdup_printf("%" G_GINT64_FORMAT,
                                              c->deposit_id != 0 ? c->deposit_id : c->payment_id);

        return g_strdup_printf(c->deposit_id != 0 ? _("deposit no. %s") : _("payment no. %s"), id);
    }
}

static void on_imported_resolved(PatenConfirmDialog *dialog, gpointer confirmation, gpointer data)
{
    (void)dialog;
    (void)confirmation;
    gtk_widget_destroy(data);
}

static void on_resolve_imported_clicked(GtkButton *button, gpointer data)
{
    PatenTreasurerPage *self = data;
    const Paten__Confirmation *c = g_object_get_data(G_OBJECT(button), "paten-confirmation");
    const char *what = g_object_get_data(G_OBJECT(button), "paten-what");
    PatenConfirmDialog *dialog =
        paten_confirm_dialog_new_resolve(toplevel(self), self->conn, c, what);

    g_signal_connect_object(dialog, "confirmed", G_CALLBACK(on_confirmation_made), self, 0);
    /* Once resolved, the button has had its use. */
    g_signal_connect_object(dialog, "confirmed", G_CALLBACK(on_imported_resolved), button, 0);
    gtk_window_present(GTK_WINDOW(dialog));
}

/* A button under the import's result for each discrepancy it recorded. */
static void add_resolve_button(PatenTreasurerPage *self, const Paten__Confirmation *c,
                               const char *what)
{
    g_autofree char *name = g_strdup_printf(_("Resolve the discrepancy of %s"), what);
    GtkWidget *button = gtk_button_new_with_label(name);

    g_object_set_data_full(G_OBJECT(button), "paten-confirmation", paten_message_dup(&c->base),
                           paten_message_free);
    g_object_set_data_full(G_OBJECT(button), "paten-what", g_strdup(what), g_free);
    paten_set_accessible_name(button, name);
    g_signal_connect_object(button, "clicked", G_CALLBACK(on_resolve_imported_clicked), self, 0);
    gtk_widget_show(button);
    gtk_container_add(GTK_CONTAINER(self->import_actions), button);
    gtk_widget_show(GTK_WIDGET(self->import_actions));
}

static void on_imported(GObject *src, GAsyncResult *res, gpointer data)
{
    g_autoptr(PatenTreasurerPage) self = data;
    g_autoptr(GError) err = NULL;
    Paten__ImportBankStatementReply *reply =
        (Paten__ImportBankStatementReply *)paten_connection_call_finish(PATEN_CONNECTION(src), res,
                                                                        NULL, &err);
    g_autoptr(GString) s = NULL;

    if (self->app == NULL) {
        paten_message_free(reply);
        return;
    }
    gtk_widget_set_sensitive(self->import_button, TRUE);
    if (reply == NULL) {
        g_autofree char *text = paten_error_text(err);
        g_autofree char *msg =
            g_strdup_printf(_("The bank statement could not be imported: %s"), text);

        paten_label_show(self->import_label, msg);
        return;
    }
    clear_container(GTK_CONTAINER(self->import_actions));
    gtk_widget_hide(GTK_WIDGET(self->import_actions));
    s = g_string_new(NULL);
    g_string_printf(s,
                    ngettext("The bank statement was imported: %zu confirmation made.",
                             "The bank statement was imported: %zu confirmations made.",
                             (gulong)reply->n_confirmations),
                    reply->n_confirmations);
    for (size_t i = 0; i < reply->n_confirmations; i++) {
        const Paten__Confirmation *c = reply->confirmations[i];
        g_autofree char *what = confirmed_what(self, c);
        g_autofree char *amount = paten_format_rupiah(c->amount);

        g_string_append_printf(s, "\n  %s: %s (%s)", what, confirmation_name(c->status), amount);
        if (c->status == PATEN__CONFIRMATION_STATUS__CONFIRMATION_STATUS_DISCREPANCY)
            add_resolve_button(self, c, what);
    }
    if (reply->n_unmatched_lines > 0)
        g_string_append_printf(s, "\n%s", _("Lines that matched nothing:"));
    for (size_t i = 0; i < reply->n_unmatched_lines; i++) {
        const Paten__StatementLine *l = reply->unmatched_lines[i];
        g_autofree char *amount = paten_format_rupiah(l->amount);

        /* TRANSLATORS: "baris 4: TAK-DIKENAL, Rp 5.000 — <the server's reason>" */
        g_string_append(s, "\n  ");
        g_string_append_printf(s, _("line %u: %s, %s — %s"), l->line, l->reference, amount,
                               l->problem);
    }
    if (reply->n_unmatched_deposits > 0)
        g_string_append_printf(s, "\n%s", _("Validated deposits still not confirmed:"));
    for (size_t i = 0; i < reply->n_unmatched_deposits; i++) {
        const Paten__Deposit *d = reply->unmatched_deposits[i];
        g_autofree char *amount = paten_format_rupiah(d->total);

        g_string_append_printf(s, "\n  %s: %s, %s", d->number, d->bank_reference, amount);
    }
    if (reply->n_unmatched_payments > 0)
        g_string_append_printf(s, "\n%s", _("Transfer and QRIS payments still not confirmed:"));
    for (size_t i = 0; i < reply->n_unmatched_payments; i++) {
        const Paten__Payment *p = reply->unmatched_payments[i];
        g_autofree char *amount = paten_format_rupiah(p->amount);

        g_string_append_printf(s, "\n  %s: %s %s, %s", p->receipt_number, method_name(p->method),
                               p->reference, amount);
    }
    paten_label_show(self->import_label, s->str);
    paten_message_free(reply);
    load_deposits(self);
    load_reconcile(self);
}

static void on_statement_read(GObject *src, GAsyncResult *res, gpointer data)
{
    g_autoptr(PatenTreasurerPage) self = data;
    g_autoptr(GError) err = NULL;
    g_autofree char *contents = NULL;
    gsize length = 0;
    Paten__ImportBankStatementRequest req = PATEN__IMPORT_BANK_STATEMENT_REQUEST__INIT;
    g_autofree char *key = NULL;

    if (!g_file_load_contents_finish(G_FILE(src), res, &contents, &length, NULL, &err)) {
        g_autofree char *msg = NULL;

        if (g_error_matches(err, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->app == NULL)
            return;
        msg = g_strdup_printf(_("The file could not be read: %s"), err->message);
        gtk_widget_set_sensitive(self->import_button, TRUE);
        paten_label_show(self->import_label, msg);
        return;
    }
    if (self->app == NULL)
        return;
    if (!g_utf8_validate(contents, (gssize)length, NULL) || strlen(contents) != length) {
        gtk_widget_set_sensitive(self->import_button, TRUE);
        paten_label_show(self->import_label,
                         _("The file is not a text CSV file (save the statement as CSV)."));
        return;
    }
    /* One import, one key: the statement is sent once. */
    key = g_uuid_string_random();
    req.idempotency_key = key;
    req.csv = contents;
    paten_label_show(self->import_label, _("Importing the bank statement…"));
    paten_connection_call_async(self->conn, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_IMPORT_BANK_STATEMENT,
                                &req.base, self->cancel, on_imported, g_object_ref(self));
}

static void import_from(PatenTreasurerPage *self, const char *path)
{
    g_autoptr(GFile) file = g_file_new_for_path(path);

    gtk_widget_set_sensitive(self->import_button, FALSE);
    g_file_load_contents_async(file, self->cancel, on_statement_read, g_object_ref(self));
}

static void on_import_response(GtkNativeDialog *chooser, int response, gpointer data)
{
    g_autoptr(PatenTreasurerPage) self = data;

    if (response == GTK_RESPONSE_ACCEPT && self->app != NULL) {
        g_autofree char *path = gtk_file_chooser_get_filename(GTK_FILE_CHOOSER(chooser));

        if (path != NULL)
            import_from(self, path);
    }
    g_object_unref(chooser);
}

static void on_import_clicked(PatenTreasurerPage *self)
{
    const char *from = g_getenv(IMPORT_FROM_ENV);
    GtkFileChooserNative *chooser;
    GtkFileFilter *filter;

    if (from != NULL && from[0] != '\0') {
        import_from(self, from);
        return;
    }
    chooser = gtk_file_chooser_native_new(_("Import bank statement"), toplevel(self),
                                          GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
    filter = gtk_file_filter_new();
    gtk_file_filter_set_name(filter, _("CSV files"));
    gtk_file_filter_add_pattern(filter, "*.csv");
    gtk_file_filter_add_pattern(filter, "*.CSV");
    gtk_file_filter_add_mime_type(filter, "text/csv");
    gtk_file_chooser_add_filter(GTK_FILE_CHOOSER(chooser), filter);
    g_signal_connect(chooser, "response", G_CALLBACK(on_import_response), g_object_ref(self));
    gtk_native_dialog_show(GTK_NATIVE_DIALOG(chooser));
}

/* ---- events -------------------------------------------------------------------------------- */

static void reload_all(PatenTreasurerPage *self)
{
    load_deposits(self);
    load_alerts(self);
    load_reconcile(self);
}

/* Created, validated, confirmed, found different or resolved: the deposits and the money. */
static void on_deposit_changed(PatenEventBus *bus, gpointer ev, gpointer data)
{
    (void)bus;
    (void)ev;
    load_deposits(data);
    load_reconcile(data);
}

static void on_alert_changed(PatenEventBus *bus, gpointer ev, gpointer data)
{
    (void)bus;
    (void)ev;
    load_alerts(data);
}

static void on_events_missed(PatenEventBus *bus, gpointer data)
{
    (void)bus;
    reload_all(data);
}

static void on_session_resumed(PatenEventBus *bus, gpointer info, gpointer data)
{
    (void)bus;
    (void)info;
    reload_all(data);
}

/* ---- life ---------------------------------------------------------------------------------- */

PatenTreasurerPage *paten_treasurer_page_new(PatenApplication *app)
{
    PatenTreasurerPage *self = g_object_new(PATEN_TYPE_TREASURER_PAGE, NULL);
    g_autofree char *first = NULL, *today = NULL, *from = NULL, *to = NULL;

    self->app = app;
    self->conn = g_object_ref(paten_application_get_connection(app));
    self->bus = g_object_ref(paten_application_get_bus(app));
    self->session = g_object_ref(paten_application_get_session(app));
    /* The reconciliation starts on this month so far. */
    first = local_day(self, TRUE);
    today = local_day(self, FALSE);
    from = entry_day(first);
    to = entry_day(today);
    gtk_entry_set_text(self->from_entry, from);
    gtk_entry_set_text(self->to_entry, to);
    g_signal_connect_object(self->bus, "deposit-changed", G_CALLBACK(on_deposit_changed), self, 0);
    g_signal_connect_object(self->bus, "deposit-alert-changed", G_CALLBACK(on_alert_changed), self,
                            0);
    g_signal_connect_object(self->bus, "events-missed", G_CALLBACK(on_events_missed), self, 0);
    g_signal_connect_object(self->bus, "session-resumed", G_CALLBACK(on_session_resumed), self, 0);
    reload_all(self);
    return self;
}

static void paten_treasurer_page_dispose(GObject *obj)
{
    PatenTreasurerPage *self = PATEN_TREASURER_PAGE(obj);

    g_cancellable_cancel(self->cancel);
    if (self->bus != NULL)
        g_signal_handlers_disconnect_by_data(self->bus, self);
    g_clear_object(&self->bus);
    g_clear_object(&self->conn);
    g_clear_object(&self->session);
    self->app = NULL;
    G_OBJECT_CLASS(paten_treasurer_page_parent_class)->dispose(obj);
}

static void paten_treasurer_page_finalize(GObject *obj)
{
    PatenTreasurerPage *self = PATEN_TREASURER_PAGE(obj);

    g_clear_object(&self->cancel);
    g_clear_object(&self->lines_store);
    g_clear_object(&self->payments_store);
    paten_message_free(self->reconcile);
    G_OBJECT_CLASS(paten_treasurer_page_parent_class)->finalize(obj);
}

static void add_column(GtkTreeView *tree, const char *title, int col, gboolean expand,
                       gboolean money)
{
    GtkCellRenderer *cell = gtk_cell_renderer_text_new();
    GtkTreeViewColumn *column =
        gtk_tree_view_column_new_with_attributes(title, cell, "text", col, NULL);

    if (expand) {
        g_object_set(cell, "ellipsize", PANGO_ELLIPSIZE_END, NULL);
        gtk_tree_view_column_set_expand(column, TRUE);
    }
    if (money)
        g_object_set(cell, "xalign", 1.0, NULL);
    gtk_tree_view_column_set_resizable(column, TRUE);
    gtk_tree_view_append_column(tree, column);
}

static void paten_treasurer_page_class_init(PatenTreasurerPageClass *klass)
{
    GtkWidgetClass *wc = GTK_WIDGET_CLASS(klass);

    G_OBJECT_CLASS(klass)->dispose = paten_treasurer_page_dispose;
    G_OBJECT_CLASS(klass)->finalize = paten_treasurer_page_finalize;
    gtk_widget_class_set_template_from_resource(wc, "/id/paten/desk/paten-treasurer-page.ui");
#define BIND(name) gtk_widget_class_bind_template_child(wc, PatenTreasurerPage, name)
    BIND(spinner);
    BIND(count_label);
    BIND(import_button);
    BIND(alert_label);
    BIND(message_label);
    BIND(status_label);
    BIND(deposit_list);
    BIND(import_label);
    BIND(import_actions);
    BIND(from_entry);
    BIND(to_entry);
    BIND(reconcile_button);
    BIND(export_button);
    BIND(reconcile_status_label);
    BIND(lines_tree);
    BIND(payments_label);
    BIND(pay_confirm_button);
    BIND(payments_tree);
#undef BIND
    gtk_widget_class_bind_template_callback(wc, on_import_clicked);
    gtk_widget_class_bind_template_callback(wc, on_deposit_row_activated);
    gtk_widget_class_bind_template_callback(wc, on_reconcile_clicked);
    gtk_widget_class_bind_template_callback(wc, on_export_clicked);
    gtk_widget_class_bind_template_callback(wc, on_pay_confirm_clicked);
    gtk_widget_class_bind_template_callback(wc, on_payment_row_activated);
}

static void paten_treasurer_page_init(PatenTreasurerPage *self)
{
    GtkWidget *placeholder;

    self->cancel = g_cancellable_new();
    gtk_widget_init_template(GTK_WIDGET(self));
    self->lines_store =
        gtk_list_store_new(N_LINE_COLS, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING,
                           G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING);
    gtk_tree_view_set_model(self->lines_tree, GTK_TREE_MODEL(self->lines_store));
    add_column(self->lines_tree, _("Treasurer"), LINE_NAME, TRUE, FALSE);
    add_column(self->lines_tree, _("Collected"), LINE_COLLECTED, FALSE, TRUE);
    add_column(self->lines_tree, _("Confirmed"), LINE_CONFIRMED, FALSE, TRUE);
    add_column(self->lines_tree, _("Deposited, unconfirmed"), LINE_UNCONFIRMED, FALSE, TRUE);
    add_column(self->lines_tree, _("Of which discrepancy"), LINE_DISCREPANCY, FALSE, TRUE);
    add_column(self->lines_tree, _("On hand"), LINE_ON_HAND, FALSE, TRUE);
    add_column(self->lines_tree, _("Payments"), LINE_PAYMENTS, FALSE, TRUE);
    self->payments_store = gtk_list_store_new(
        N_PAY_COLS, G_TYPE_INT, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING,
        G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING);
    gtk_tree_view_set_model(self->payments_tree, GTK_TREE_MODEL(self->payments_store));
    add_column(self->payments_tree, _("Receipt"), PAY_RECEIPT, FALSE, FALSE);
    add_column(self->payments_tree, _("Date"), PAY_DATE, FALSE, FALSE);
    add_column(self->payments_tree, _("Applicant"), PAY_APPLICANT, TRUE, FALSE);
    add_column(self->payments_tree, _("Assessment"), PAY_ASSESSMENT, FALSE, FALSE);
    add_column(self->payments_tree, _("Method"), PAY_METHOD, FALSE, FALSE);
    add_column(self->payments_tree, _("Reference"), PAY_REFERENCE, FALSE, FALSE);
    add_column(self->payments_tree, _("Amount"), PAY_AMOUNT, FALSE, TRUE);
    add_column(self->payments_tree, _("Cashier"), PAY_CASHIER, FALSE, FALSE);
    add_column(self->payments_tree, _("Deposit"), PAY_DEPOSIT, FALSE, FALSE);
    add_column(self->payments_tree, _("Confirmation"), PAY_CONFIRMATION, FALSE, FALSE);
    g_signal_connect_object(gtk_tree_view_get_selection(self->payments_tree), "changed",
                            G_CALLBACK(on_payment_selection_changed), self, 0);
    placeholder = gtk_label_new(_("No deposit has been made to this office."));
    gtk_style_context_add_class(gtk_widget_get_style_context(placeholder), "dim-label");
    g_object_set(placeholder, "margin", 12, NULL);
    gtk_widget_show(placeholder);
    gtk_list_box_set_placeholder(self->deposit_list, placeholder);
    gtk_label_set_text(self->count_label, "");
    gtk_label_set_text(self->payments_label, "");
}
