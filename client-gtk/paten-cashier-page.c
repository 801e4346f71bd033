/*
 * paten-cashier-page.c: PatenCashierPage (paten-cashier-page.h).
 *
 * The results of a search are FindOwed's answer for the text searched, shown whole; they are
 * searched again when an assessment changes (AssessmentChanged: issued or cancelled) and after a
 * payment (the bill paid leaves them). The undeposited cash and the alerts are ListUndeposited's
 * and ListDepositAlerts' answers, reloaded on any DepositChanged or DepositAlertChanged (taken
 * from the event bus' "event" signal), after each payment, on a missed-events notice and on a
 * resumed session; a newer reload makes the answers of older ones void (the serials). The
 * half-minute timer moves the deadlines' "time left" on; "Terlambat" is the server's word
 * (deposit_overdue) or the clock's, whichever comes first.
 */
#include "paten-cashier-page.h"

#include "paten-cash-close-dialog.h"
#include "paten-deposit-dialog.h"
#include "paten-desk.h"
#include "paten-file-documents.h"
#include "paten-files.h"
#include "paten-payment-dialog.h"
#include "paten-session.h"
#include "paten-util.h"

struct _PatenCashierPage {
    GtkBox parent_instance;

    GtkLabel *alerts_label;
    GtkLabel *message_label;
    GtkSearchEntry *owed_entry;
    GtkWidget *find_button;
    GtkSpinner *spinner;
    GtkLabel *owed_status_label;
    GtkListBox *owed_list;
    GtkLabel *undeposited_total_label;
    GtkWidget *deposit_button;
    GtkWidget *close_day_button;
    GtkLabel *undeposited_status_label;
    GtkListBox *undeposited_list;

    PatenApplication *app; /* not a reference: the application outlives its windows */
    PatenConnection *conn;
    PatenEventBus *bus;
    PatenSession *session;
    GCancellable *cancel;
    char *query;        /* the text of the last search, or NULL before any */
    guint owed_serial;  /* the FindOwed call whose answer counts */
    guint cash_serial;  /* the ListUndeposited call whose answer counts */
    guint alert_serial; /* the ListDepositAlerts call whose answer counts */
    guint tick;
    gboolean asked; /* the pending search is the cashier's (not a reload): "nothing" is said */
};

G_DEFINE_TYPE(PatenCashierPage, paten_cashier_page, GTK_TYPE_BOX)

static GtkWindow *toplevel(PatenCashierPage *self)
{
    GtkWidget *top = gtk_widget_get_toplevel(GTK_WIDGET(self));

    return GTK_IS_WINDOW(top) ? GTK_WINDOW(top) : NULL;
}

static const char *tz(PatenCashierPage *self)
{
    const char *zone = paten_session_get_time_zone(self->session);

    return zone[0] != '\0' ? zone : NULL;
}

static void clear_container(GtkContainer *c)
{
    g_autoptr(GList) children = gtk_container_get_children(c);

    for (GList *l = children; l != NULL; l = l->next)
        gtk_widget_destroy(l->data);
}

static GtkWidget *row_label(const char *text, gboolean dim)
{
    GtkWidget *l = gtk_label_new(text);

    gtk_label_set_xalign(GTK_LABEL(l), 0);
    gtk_label_set_line_wrap(GTK_LABEL(l), TRUE);
    gtk_label_set_selectable(GTK_LABEL(l), FALSE);
    if (dim)
        gtk_style_context_add_class(gtk_widget_get_style_context(l), "dim-label");
    return l;
}

char *paten_time_left_text(gint64 deadline_ms, gint64 now_ms)
{
    gint64 minutes = deadline_ms > now_ms ? (deadline_ms - now_ms) / 60000 : 0;

    if (minutes < 60)
        return g_strdup_printf(ngettext("%d minute", "%d minutes", (gulong)minutes), (int)minutes);
    /* TRANSLATORS: time left, "3 jam 12 menit". */
    return g_strdup_printf(_("%d h %d min"), (int)(minutes / 60), (int)(minutes % 60));
}

/* The load an answer belongs to: a newer load makes older answers void. */
typedef struct {
    PatenCashierPage *self; /* a reference */
    guint serial;
} Load;

static Load *load_new(PatenCashierPage *self, guint *serial)
{
    Load *load = g_new0(Load, 1);

    load->self = g_object_ref(self);
    load->serial = ++*serial;
    return load;
}

/* ---- what is owed ------------------------------------------------------------------------- */

static void on_paid(PatenPaymentDialog *dialog, const Paten__Payment *p, gpointer data);

static void on_pay_clicked(GtkButton *button, gpointer data)
{
    PatenCashierPage *self = data;
    GtkWidget *row = gtk_widget_get_ancestor(GTK_WIDGET(button), GTK_TYPE_LIST_BOX_ROW);
    const Paten__Owed *o = row ? g_object_get_data(G_OBJECT(row), "paten-owed") : NULL;
    g_autoptr(GList) tops = gtk_window_list_toplevels();
    PatenPaymentDialog *dialog;

    if (o == NULL)
        return;
    /* One dialog per bill: a second "Bayar" raises the one already open (and its key). */
    for (GList *l = tops; l != NULL; l = l->next) {
        if (PATEN_IS_PAYMENT_DIALOG(l->data) &&
            paten_payment_dialog_get_assessment_id(l->data) == o->assessment->id) {
            gtk_window_present(GTK_WINDOW(l->data));
            return;
        }
    }
    dialog = paten_payment_dialog_new(self->app, toplevel(self), o);
    g_signal_connect_object(dialog, "paid", G_CALLBACK(on_paid), self, 0);
    gtk_window_present(GTK_WINDOW(dialog));
}

/* A result: the applicant, the file and the assessment, the figures of today, and "Bayar". */
static GtkWidget *owed_row(PatenCashierPage *self, const Paten__Owed *o)
{
    const Paten__Assessment *a = o->assessment;
    GtkWidget *row = gtk_list_box_row_new();
    GtkWidget *box = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 12);
    GtkWidget *text = gtk_box_new(GTK_ORIENTATION_VERTICAL, 2);
    GtkWidget *button = gtk_button_new_with_mnemonic(_("_Pay…"));
    GtkWidget *total_label;
    g_autofree char *principal = paten_format_rupiah(o->principal);
    g_autofree char *interest = paten_format_rupiah(o->interest);
    g_autofree char *total = paten_format_rupiah(o->total);
    g_autofree char *title = g_strdup_printf("%s · %s", a->applicant_name, a->file_register_number);
    g_autofree char *what = g_strdup_printf("%s %s · %s", paten_assessment_kind_name(a->kind),
                                            a->number, a->service_name);
    g_autofree char *figures = g_strdup_printf(
        ngettext("Principal %s · %d month late · interest %s",
                 "Principal %s · %d months late · interest %s", (gulong)o->months_late),
        principal, o->months_late, interest);
    g_autofree char *due = g_strdup_printf(_("Due today %s"), total);
    g_autofree char *name = g_strdup_printf(_("Pay %s"), a->number);

    g_object_set_data_full(G_OBJECT(row), "paten-owed", paten_message_dup(&o->base),
                           paten_message_free);
    gtk_container_add(GTK_CONTAINER(text), row_label(title, FALSE));
    gtk_container_add(GTK_CONTAINER(text), row_label(what, TRUE));
    gtk_container_add(GTK_CONTAINER(text), row_label(figures, TRUE));
    if (o->bill != NULL && o->bill->number[0] != '\0') {
        /* The STRD / STPD of today's interest, already issued: paid with the principal. */
        g_autofree char *bill = g_strdup_printf(_("Interest billed on %s"), o->bill->number);
        gtk_container_add(GTK_CONTAINER(text), row_label(bill, TRUE));
    }
    gtk_widget_set_hexpand(text, TRUE);
    total_label = row_label(due, FALSE);
    gtk_style_context_add_class(gtk_widget_get_style_context(total_label), "paten-heading");
    gtk_widget_set_valign(total_label, GTK_ALIGN_CENTER);
    gtk_widget_set_valign(button, GTK_ALIGN_CENTER);
    paten_set_accessible_name(button, name);
    g_signal_connect_object(button, "clicked", G_CALLBACK(on_pay_clicked), self, 0);
    gtk_container_add(GTK_CONTAINER(box), text);
    gtk_container_add(GTK_CONTAINER(box), total_label);
    gtk_container_add(GTK_CONTAINER(box), button);
    g_object_set(box, "margin", 6, NULL);
    gtk_container_add(GTK_CONTAINER(row), box);
    /* The row is found by the assessment's number. */
    paten_set_accessible_name(row, a->number);
    gtk_widget_show_all(row);
    return row;
}

static void on_owed_done(GObject *src, GAsyncResult *res, gpointer data)
{
    Load *load = data;
    g_autoptr(PatenCashierPage) self = load->self;
    g_autoptr(GError) err = NULL;
    Paten__FindOwedReply *reply = (Paten__FindOwedReply *)paten_connection_call_finish(
        PATEN_CONNECTION(src), res, NULL, &err);

    if (load->serial != self->owed_serial || self->app == NULL) {
        paten_message_free(reply);
        g_free(load);
        return;
    }
    g_free(load);
    gtk_spinner_stop(self->spinner);
    gtk_widget_set_visible(GTK_WIDGET(self->spinner), FALSE);
    if (reply == NULL) {
        g_autofree char *text = paten_error_text(err);
        g_autofree char *msg = g_strdup_printf(_("The search failed: %s"), text);

        paten_label_show(self->owed_status_label, msg);
        return;
    }
    clear_container(GTK_CONTAINER(self->owed_list));
    for (size_t i = 0; i < reply->n_owed; i++)
        if (reply->owed[i]->assessment != NULL)
            gtk_container_add(GTK_CONTAINER(self->owed_list), owed_row(self, reply->owed[i]));
    /* A reload that finds nothing (the bill was just paid) clears the results quietly. */
    paten_label_show(self->owed_status_label, reply->n_owed == 0 && self->asked
                                                  ? _("Nothing is owed under this number.")
                                                  : NULL);
    self->asked = FALSE;
    paten_message_free(reply);
}

static void find_owed(PatenCashierPage *self)
{
    Paten__FindOwedRequest req = PATEN__FIND_OWED_REQUEST__INIT;

    if (self->query == NULL || self->query[0] == '\0')
        return;
    req.query = self->query;
    gtk_widget_set_visible(GTK_WIDGET(self->spinner), TRUE);
    gtk_spinner_start(self->spinner);
    paten_connection_call_async(self->conn, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_FIND_OWED, &req.base,
                                self->cancel, on_owed_done, load_new(self, &self->owed_serial));
}

static void on_find_clicked(PatenCashierPage *self)
{
    g_free(self->query);
    self->query = g_strstrip(g_strdup(gtk_entry_get_text(GTK_ENTRY(self->owed_entry))));
    if (self->query[0] == '\0') {
        paten_label_show(self->owed_status_label,
                         _("Enter an assessment number, a file number or a NIK."));
        return;
    }
    paten_label_show(self->owed_status_label, NULL);
    find_owed(self);
    self->asked = TRUE;
}

/* ---- the cash not yet deposited ----------------------------------------------------------- */

static void refresh_deadline(PatenCashierPage *self, GtkListBoxRow *row)
{
    const Paten__Payment *p = g_object_get_data(G_OBJECT(row), "paten-payment");
    GtkLabel *label = g_object_get_data(G_OBJECT(row), "paten-deadline");
    GtkStyleContext *sc = gtk_widget_get_style_context(GTK_WIDGET(label));
    gint64 now = g_get_real_time() / 1000;
    g_autofree char *when = paten_format_time(p->deposit_deadline_ms, tz(self), TRUE);
    g_autofree char *text = NULL;
    gboolean late =
        p->deposit_overdue || (p->deposit_deadline_ms != 0 && now >= p->deposit_deadline_ms);

    if (p->deposit_deadline_ms == 0) {
        text = g_strdup("");
    } else if (late) {
        text = g_strdup_printf(_("Late: due %s"), when);
    } else {
        g_autofree char *left = paten_time_left_text(p->deposit_deadline_ms, now);
        text = g_strdup_printf(_("Deposit by %s (%s left)"), when, left);
    }
    gtk_label_set_text(label, text);
    if (late)
        gtk_style_context_add_class(sc, "paten-due-overdue");
    else
        gtk_style_context_remove_class(sc, "paten-due-overdue");
}

static GtkWidget *cash_row(PatenCashierPage *self, const Paten__Payment *p)
{
    GtkWidget *row = gtk_list_box_row_new();
    GtkWidget *box = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 12);
    GtkWidget *text = gtk_box_new(GTK_ORIENTATION_VERTICAL, 2);
    GtkWidget *deadline = row_label("", FALSE);
    GtkWidget *amount_label;
    g_autofree char *amount = paten_format_rupiah(p->amount);
    g_autofree char *received = paten_format_time(p->received_at_ms, tz(self), TRUE);
    g_autofree char *title = g_strdup_printf("%s · %s · %s", p->receipt_number,
                                             p->file_register_number, p->applicant_name);
    g_autofree char *what =
        g_strdup_printf(_("Received %s · owed to %s"), received, p->treasurer_office_name);

    g_object_set_data_full(G_OBJECT(row), "paten-payment", paten_message_dup(&p->base),
                           paten_message_free);
    g_object_set_data(G_OBJECT(row), "paten-deadline", deadline);
    gtk_container_add(GTK_CONTAINER(text), row_label(title, FALSE));
    gtk_container_add(GTK_CONTAINER(text), row_label(what, TRUE));
    gtk_container_add(GTK_CONTAINER(text), deadline);
    gtk_widget_set_hexpand(text, TRUE);
    amount_label = row_label(amount, FALSE);
    gtk_widget_set_valign(amount_label, GTK_ALIGN_CENTER);
    gtk_container_add(GTK_CONTAINER(box), text);
    gtk_container_add(GTK_CONTAINER(box), amount_label);
    g_object_set(box, "margin", 6, NULL);
    gtk_container_add(GTK_CONTAINER(row), box);
    /* The row is found by the receipt's number. */
    paten_set_accessible_name(row, p->receipt_number);
    refresh_deadline(self, GTK_LIST_BOX_ROW(row));
    gtk_widget_show_all(row);
    return row;
}

static void on_cash_done(GObject *src, GAsyncResult *res, gpointer data)
{
    Load *load = data;
    g_autoptr(PatenCashierPage) self = load->self;
    g_autoptr(GError) err = NULL;
    Paten__ListPaymentsReply *reply = (Paten__ListPaymentsReply *)paten_connection_call_finish(
        PATEN_CONNECTION(src), res, NULL, &err);
    gint64 total = 0;
    g_autofree char *amount = NULL, *count = NULL;

    if (load->serial != self->cash_serial || self->app == NULL) {
        paten_message_free(reply);
        g_free(load);
        return;
    }
    g_free(load);
    if (reply == NULL) {
        g_autofree char *text = paten_error_text(err);
        g_autofree char *msg =
            g_strdup_printf(_("The cash not yet deposited could not be loaded: %s"), text);

        /* The rows shown stay: they were right a moment ago. */
        paten_label_show(self->undeposited_status_label, msg);
        return;
    }
    paten_label_show(self->undeposited_status_label, NULL);
    clear_container(GTK_CONTAINER(self->undeposited_list));
    /* The server's order: the oldest first. */
    for (size_t i = 0; i < reply->n_payments; i++) {
        gtk_container_add(GTK_CONTAINER(self->undeposited_list),
                          cash_row(self, reply->payments[i]));
        total += reply->payments[i]->amount;
    }
    amount = paten_format_rupiah(total);
    count =
        g_strdup_printf(ngettext("%zu payment, %s", "%zu payments, %s", (gulong)reply->n_payments),
                        reply->n_payments, amount);
    gtk_label_set_text(self->undeposited_total_label, count);
    gtk_widget_set_sensitive(self->deposit_button, reply->n_payments > 0);
    paten_message_free(reply);
}

static void on_alerts_done(GObject *src, GAsyncResult *res, gpointer data)
{
    Load *load = data;
    g_autoptr(PatenCashierPage) self = load->self;
    g_autoptr(GError) err = NULL;
    Paten__ListDepositAlertsReply *reply =
        (Paten__ListDepositAlertsReply *)paten_connection_call_finish(PATEN_CONNECTION(src), res,
                                                                      NULL, &err);
    g_autoptr(GString) s = NULL;

    if (load->serial != self->alert_serial || self->app == NULL) {
        paten_message_free(reply);
        g_free(load);
        return;
    }
    g_free(load);
    if (reply == NULL)
        return; /* the banner shown stays; the list below says the connection's trouble */
    s = g_string_new(NULL);
    if (reply->n_alerts > 0)
        g_string_append(s, ngettext("A cash payment is late for deposit:",
                                    "Cash payments late for deposit:", (gulong)reply->n_alerts));
    for (size_t i = 0; i < reply->n_alerts; i++) {
        const Paten__Payment *p = reply->alerts[i]->payment;
        g_autofree char *amount = NULL, *when = NULL;

        if (p == NULL)
            continue;
        amount = paten_format_rupiah(p->amount);
        when = paten_format_time(p->deposit_deadline_ms, tz(self), TRUE);
        g_string_append_printf(s, "\n");
        g_string_append_printf(s, _("%s · %s · %s, due %s"), p->receipt_number, p->applicant_name,
                               amount, when);
    }
    paten_label_show(self->alerts_label, s->str);
    paten_message_free(reply);
}

static void load_cash(PatenCashierPage *self)
{
    Paten__ListUndepositedRequest req = PATEN__LIST_UNDEPOSITED_REQUEST__INIT;
    Paten__ListDepositAlertsRequest areq = PATEN__LIST_DEPOSIT_ALERTS_REQUEST__INIT;

    paten_connection_call_async(self->conn, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_LIST_UNDEPOSITED,
                                &req.base, self->cancel, on_cash_done,
                                load_new(self, &self->cash_serial));
    paten_connection_call_async(self->conn, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_LIST_DEPOSIT_ALERTS,
                                &areq.base, self->cancel, on_alerts_done,
                                load_new(self, &self->alert_serial));
}

static void on_paid(PatenPaymentDialog *dialog, const Paten__Payment *p, gpointer data)
{
    PatenCashierPage *self = data;
    g_autofree char *amount = paten_format_rupiah(p->amount);
    g_autofree char *msg = g_strdup_printf(_("Received %s from %s: receipt %s."), amount,
                                           p->applicant_name, p->receipt_number);

    (void)dialog;
    paten_label_show(self->message_label, msg);
    find_owed(self);
    load_cash(self);
}

/* ---- the STS and the daily close ---------------------------------------------------------- */

static void on_deposit_made(PatenDepositDialog *dialog, gpointer data)
{
    (void)dialog;
    load_cash(data);
}

static void on_deposit_clicked(PatenCashierPage *self)
{
    PatenDepositDialog *dialog = paten_deposit_dialog_new(self->app, toplevel(self));

    g_signal_connect_object(dialog, "changed", G_CALLBACK(on_deposit_made), self, 0);
    gtk_window_present(GTK_WINDOW(dialog));
}

static void on_close_day_clicked(PatenCashierPage *self)
{
    gtk_window_present(GTK_WINDOW(paten_cash_close_dialog_new(self->app, toplevel(self))));
}

/* ---- events ------------------------------------------------------------------------------- */

static void on_event(PatenEventBus *bus, gpointer event, gpointer data)
{
    const Paten__Event *ev = event;
    PatenCashierPage *self = data;

    (void)bus;
    switch (ev->body_case) {
    case PATEN__EVENT__BODY_DEPOSIT_CHANGED:
    case PATEN__EVENT__BODY_DEPOSIT_ALERT_CHANGED:
        load_cash(self);
        break;
    case PATEN__EVENT__BODY_ASSESSMENT_CHANGED:
        find_owed(self);
        break;
    default:
        break;
    }
}

static void reload_all(PatenCashierPage *self)
{
    find_owed(self);
    load_cash(self);
}

static void on_events_missed(PatenEventBus *bus, gpointer data)
{
    (void)bus;
    reload_all(data);
}

static void on_bus_pointer_reload(PatenEventBus *bus, gpointer what, gpointer data)
{
    (void)bus;
    (void)what;
    reload_all(data);
}

static gboolean on_tick(gpointer data)
{
    PatenCashierPage *self = data;
    g_autoptr(GList) rows = gtk_container_get_children(GTK_CONTAINER(self->undeposited_list));

    for (GList *l = rows; l != NULL; l = l->next)
        if (g_object_get_data(l->data, "paten-payment") != NULL)
            refresh_deadline(self, l->data);
    return G_SOURCE_CONTINUE;
}

/* ---- life --------------------------------------------------------------------------------- */

PatenCashierPage *paten_cashier_page_new(PatenApplication *app)
{
    PatenCashierPage *self = g_object_new(PATEN_TYPE_CASHIER_PAGE, NULL);

    self->app = app;
    self->conn = g_object_ref(paten_application_get_connection(app));
    self->bus = g_object_ref(paten_application_get_bus(app));
    self->session = g_object_ref(paten_application_get_session(app));
    g_signal_connect_object(self->bus, "event", G_CALLBACK(on_event), self, 0);
    g_signal_connect_object(self->bus, "events-missed", G_CALLBACK(on_events_missed), self, 0);
    g_signal_connect_object(self->bus, "session-resumed", G_CALLBACK(on_bus_pointer_reload), self,
                            0);
    load_cash(self);
    return self;
}

static void paten_cashier_page_dispose(GObject *obj)
{
    PatenCashierPage *self = PATEN_CASHIER_PAGE(obj);

    g_cancellable_cancel(self->cancel);
    if (self->tick != 0) {
        g_source_remove(self->tick);
        self->tick = 0;
    }
    if (self->bus != NULL)
        g_signal_handlers_disconnect_by_data(self->bus, self);
    g_clear_object(&self->bus);
    g_clear_object(&self->conn);
    g_clear_object(&self->session);
    self->app = NULL;
    G_OBJECT_CLASS(paten_cashier_page_parent_class)->dispose(obj);
}

static void paten_cashier_page_finalize(GObject *obj)
{
    PatenCashierPage *self = PATEN_CASHIER_PAGE(obj);

    g_clear_object(&self->cancel);
    g_free(self->query);
    G_OBJECT_CLASS(paten_cashier_page_parent_class)->finalize(obj);
}

static void paten_cashier_page_class_init(PatenCashierPageClass *klass)
{
    GtkWidgetClass *wc = GTK_WIDGET_CLASS(klass);

    G_OBJECT_CLASS(klass)->dispose = paten_cashier_page_dispose;
    G_OBJECT_CLASS(klass)->finalize = paten_cashier_page_finalize;
    gtk_widget_class_set_template_from_resource(wc, "/id/paten/desk/paten-cashier-page.ui");
    gtk_widget_class_bind_template_child(wc, PatenCashierPage, alerts_label);
    gtk_widget_class_bind_template_child(wc, PatenCashierPage, message_label);
    gtk_widget_class_bind_template_child(wc, PatenCashierPage, owed_entry);
    gtk_widget_class_bind_template_child(wc, PatenCashierPage, find_button);
    gtk_widget_class_bind_template_child(wc, PatenCashierPage, spinner);
    gtk_widget_class_bind_template_child(wc, PatenCashierPage, owed_status_label);
    gtk_widget_class_bind_template_child(wc, PatenCashierPage, owed_list);
    gtk_widget_class_bind_template_child(wc, PatenCashierPage, undeposited_total_label);
    gtk_widget_class_bind_template_child(wc, PatenCashierPage, deposit_button);
    gtk_widget_class_bind_template_child(wc, PatenCashierPage, close_day_button);
    gtk_widget_class_bind_template_child(wc, PatenCashierPage, undeposited_status_label);
    gtk_widget_class_bind_template_child(wc, PatenCashierPage, undeposited_list);
    gtk_widget_class_bind_template_callback(wc, on_find_clicked);
    gtk_widget_class_bind_template_callback(wc, on_deposit_clicked);
    gtk_widget_class_bind_template_callback(wc, on_close_day_clicked);
}

static void paten_cashier_page_init(PatenCashierPage *self)
{
    GtkWidget *placeholder;

    self->cancel = g_cancellable_new();
    gtk_widget_init_template(GTK_WIDGET(self));
    placeholder = gtk_label_new(_("No cash is waiting for a deposit."));
    gtk_style_context_add_class(gtk_widget_get_style_context(placeholder), "dim-label");
    g_object_set(placeholder, "margin", 12, NULL);
    gtk_widget_show(placeholder);
    gtk_list_box_set_placeholder(self->undeposited_list, placeholder);
    gtk_widget_set_sensitive(self->deposit_button, FALSE);
    /* The time left to each deadline moves on with the clock. */
    self->tick = g_timeout_add_seconds(30, on_tick, self);
}
