/*
 * paten-inbox-page.c: PatenInboxPage (paten-inbox-page.h).
 *
 * The list is Inbox's answer (open dispositions and the last ones I completed) kept current by
 * DispositionChanged events: a row is added, replaced or removed by disposition id, never older
 * over newer (the disposition's version decides), and only while the disposition is mine: to me,
 * or to a role I hold at my office and not claimed by someone else. The events also reach the one
 * who made a disposition, which is why each is checked rather than shown. Events that arrive
 * while an Inbox call is under way are held and applied on top of its answer, so that neither
 * order of the two loses a change.
 */
#include "paten-inbox-page.h"

#include "paten-desk.h"
#include "paten-file-documents.h"
#include "paten-file-window.h"
#include "paten-files.h"
#include "paten-inbox-row.h"
#include "paten-response-dialog.h"
#include "paten-session.h"
#include "paten-util.h"
#include "paten_error.h"

struct _PatenInboxPage {
    GtkBox parent_instance;

    GtkSpinner *spinner;
    GtkLabel *count_label;
    GtkLabel *message_label;
    GtkLabel *status_label;
    GtkListBox *list;

    PatenApplication *app; /* not a reference: the application outlives its windows */
    PatenConnection *conn;
    PatenEventBus *bus;
    PatenSession *session;
    GHashTable *rows;  /* disposition id (gint64 *) -> PatenInboxRow, owned by the list */
    guint load_serial; /* the Inbox call whose answer counts */
    GPtrArray *held;   /* Paten__Disposition copies from events during a load, or NULL */
    GCancellable *cancel;
    guint tick; /* the minute timer that moves the deadline badges on */
};

G_DEFINE_TYPE(PatenInboxPage, paten_inbox_page, GTK_TYPE_BOX)

static void load_inbox(PatenInboxPage *self);

static GtkWindow *toplevel(PatenInboxPage *self)
{
    GtkWidget *top = gtk_widget_get_toplevel(GTK_WIDGET(self));

    return GTK_IS_WINDOW(top) ? GTK_WINDOW(top) : NULL;
}

static void set_loading(PatenInboxPage *self, gboolean loading)
{
    gtk_widget_set_visible(GTK_WIDGET(self->spinner), loading);
    if (loading)
        gtk_spinner_start(self->spinner);
    else
        gtk_spinner_stop(self->spinner);
}

static gint64 my_id(PatenInboxPage *self)
{
    return paten_session_get_user(self->session)->id;
}

/*
 * Whether d belongs in my inbox: addressed to me (or claimed by me), or addressed to a role I
 * hold (delegated roles too) at my office and claimed by no one yet.
 */
static gboolean is_mine(PatenInboxPage *self, const Paten__Disposition *d)
{
    const Paten__User *me = paten_session_get_user(self->session);

    if (d->to_user_id != 0)
        return d->to_user_id == me->id;
    if (d->to_role == PATEN__ROLE__ROLE_UNSPECIFIED ||
        !paten_session_has_role(self->session, d->to_role))
        return FALSE;
    return me->office == NULL || d->to_office_id == 0 || d->to_office_id == me->office->id;
}

/* ---- the list ----------------------------------------------------------------------------- */

static void update_count(PatenInboxPage *self)
{
    GHashTableIter it;
    gpointer row;
    guint open = 0;
    g_autofree char *text = NULL;

    g_hash_table_iter_init(&it, self->rows);
    while (g_hash_table_iter_next(&it, NULL, &row))
        if (paten_inbox_row_get_disposition(row)->completed_at_ms == 0)
            open++;
    text = g_strdup_printf(_("Open: %u"), open);
    gtk_label_set_text(self->count_label, text);
}

static void on_row_open(PatenInboxRow *row, gpointer data);
static void on_row_respond(PatenInboxRow *row, gpointer data);
static void on_row_print(PatenInboxRow *row, gpointer data);

static void remove_row(PatenInboxPage *self, gint64 id)
{
    GtkWidget *row = g_hash_table_lookup(self->rows, &id);

    if (row != NULL) {
        g_hash_table_remove(self->rows, &id);
        gtk_widget_destroy(row);
    }
}

/* Shows d (added, replaced, or removed when it is no longer mine); an older version than the
 * row's is ignored: events and Inbox answers can arrive in either order. */
static void apply_disposition(PatenInboxPage *self, const Paten__Disposition *d)
{
    PatenInboxRow *row = g_hash_table_lookup(self->rows, &d->id);

    if (row != NULL && paten_inbox_row_get_disposition(row)->version > d->version)
        return;
    if (!is_mine(self, d)) {
        if (row != NULL && d->to_role != PATEN__ROLE__ROLE_UNSPECIFIED && d->to_user_id != 0) {
            /* Someone else holding the role took it first: say so, since the row goes. */
            g_autofree char *msg = g_strdup_printf(_("The disposition of file %s was taken by %s."),
                                                   d->file_register_number, d->to_name);
            paten_label_show(self->message_label, msg);
        }
        remove_row(self, d->id);
        update_count(self);
        return;
    }
    if (row != NULL) {
        paten_inbox_row_set_disposition(row, d);
        update_count(self);
        return;
    }
    row = paten_inbox_row_new(d, my_id(self), paten_session_get_time_zone(self->session));
    g_signal_connect_object(row, "open", G_CALLBACK(on_row_open), self, 0);
    g_signal_connect_object(row, "respond", G_CALLBACK(on_row_respond), self, 0);
    g_signal_connect_object(row, "print", G_CALLBACK(on_row_print), self, 0);
    g_hash_table_insert(self->rows, g_memdup2(&d->id, sizeof d->id), row);
    gtk_widget_show(GTK_WIDGET(row));
    gtk_container_add(GTK_CONTAINER(self->list), GTK_WIDGET(row));
    update_count(self);
}

static int sort_rows(GtkListBoxRow *a, GtkListBoxRow *b, gpointer data)
{
    (void)data;
    return paten_disposition_compare(paten_inbox_row_get_disposition(PATEN_INBOX_ROW(a)),
                                     paten_inbox_row_get_disposition(PATEN_INBOX_ROW(b)));
}

/* A "Selesai" heading above the first completed disposition (the sort puts them last). */
static void header_rows(GtkListBoxRow *row, GtkListBoxRow *before, gpointer data)
{
    gboolean done = paten_inbox_row_get_disposition(PATEN_INBOX_ROW(row))->completed_at_ms != 0;
    gboolean first_done =
        done && (before == NULL ||
                 paten_inbox_row_get_disposition(PATEN_INBOX_ROW(before))->completed_at_ms == 0);

    (void)data;
    if (!first_done) {
        gtk_list_box_row_set_header(row, NULL);
    } else if (gtk_list_box_row_get_header(row) == NULL) {
        GtkWidget *label = gtk_label_new(_("Done"));

        gtk_label_set_xalign(GTK_LABEL(label), 0);
        g_object_set(label, "margin", 8, NULL);
        gtk_style_context_add_class(gtk_widget_get_style_context(label), "dim-label");
        gtk_widget_show(label);
        gtk_list_box_row_set_header(row, label);
    }
}

static gboolean on_tick(gpointer data)
{
    PatenInboxPage *self = data;
    GHashTableIter it;
    gpointer row;

    g_hash_table_iter_init(&it, self->rows);
    while (g_hash_table_iter_next(&it, NULL, &row))
        paten_inbox_row_refresh_due(row);
    return G_SOURCE_CONTINUE;
}

static void on_inbox_loaded(PatenInboxPage *self, GObject *src, GAsyncResult *res)
{
    g_autoptr(GError) err = NULL;
    Paten__InboxReply *reply =
        (Paten__InboxReply *)paten_connection_call_finish(PATEN_CONNECTION(src), res, NULL, &err);
    g_autoptr(GPtrArray) held = NULL;

    if (g_error_matches(err, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->app == NULL) {
        paten_message_free(reply);
        return;
    }
    held = g_steal_pointer(&self->held);
    set_loading(self, FALSE);
    if (reply == NULL) {
        g_autofree char *text = paten_error_text(err);
        g_autofree char *msg = g_strdup_printf(_("The dispositions could not be loaded: %s"), text);

        paten_label_show(self->status_label, msg);
        /* The rows shown stay; what was held is newer than them. */
        for (guint i = 0; held != NULL && i < held->len; i++)
            apply_disposition(self, held->pdata[i]);
        return;
    }
    paten_label_show(self->status_label, NULL);
    /* Rows the answer still has are updated in place (focus and the screen reader's place stay);
     * the others are gone from the server's list. */
    {
        g_autoptr(GHashTable) listed = g_hash_table_new(g_int64_hash, g_int64_equal);
        GHashTableIter it;
        gpointer id, row;

        for (size_t i = 0; i < reply->n_dispositions; i++)
            g_hash_table_add(listed, &reply->dispositions[i]->id);
        g_hash_table_iter_init(&it, self->rows);
        while (g_hash_table_iter_next(&it, &id, &row)) {
            if (!g_hash_table_contains(listed, id)) {
                g_hash_table_iter_remove(&it);
                gtk_widget_destroy(row);
            }
        }
    }
    for (size_t i = 0; i < reply->n_dispositions; i++)
        apply_disposition(self, reply->dispositions[i]);
    for (guint i = 0; held != NULL && i < held->len; i++)
        apply_disposition(self, held->pdata[i]);
    update_count(self);
    paten_message_free(reply);
}

/* The answer a reload is waiting for: a newer reload makes older answers void. */
typedef struct {
    PatenInboxPage *self;
    guint serial;
} Load;

static void on_load_done(GObject *src, GAsyncResult *res, gpointer data)
{
    Load *load = data;

    if (load->serial == load->self->load_serial) {
        on_inbox_loaded(load->self, src, res);
    } else {
        gpointer reply = paten_connection_call_finish(PATEN_CONNECTION(src), res, NULL, NULL);

        paten_message_free(reply);
    }
    g_object_unref(load->self);
    g_free(load);
}

static void load_inbox(PatenInboxPage *self)
{
    Paten__InboxRequest req = PATEN__INBOX_REQUEST__INIT;
    Load *load = g_new0(Load, 1);

    load->self = g_object_ref(self);
    load->serial = ++self->load_serial;
    /* From now until the answer, events are held: the answer may or may not contain them. */
    if (self->held == NULL)
        self->held = g_ptr_array_new_with_free_func(paten_message_free);
    req.include_completed = TRUE;
    set_loading(self, TRUE);
    paten_connection_call_async(self->conn, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_INBOX, &req.base,
                                self->cancel, on_load_done, load);
}

static void on_disposition_changed(PatenEventBus *bus, gpointer ev, gpointer data)
{
    PatenInboxPage *self = data;
    const Paten__DispositionChanged *dc = ev;

    (void)bus;
    if (dc->disposition == NULL)
        return;
    if (self->held != NULL)
        g_ptr_array_add(self->held, paten_message_dup(&dc->disposition->base));
    else
        apply_disposition(self, dc->disposition);
}

static void on_events_missed(PatenEventBus *bus, gpointer data)
{
    (void)bus;
    load_inbox(data);
}

/* A reconnect resumed the session, or the calendar changed (dispositions' overdue flags follow
 * the working days): the server's list again. */
static void on_bus_pointer_reload(PatenEventBus *bus, gpointer what, gpointer data)
{
    (void)bus;
    (void)what;
    load_inbox(data);
}

/* The session's roles changed (a delegation began or ended): a role's dispositions come or go. */
static void on_session_changed(PatenSession *session, gpointer data)
{
    (void)session;
    load_inbox(data);
}

/* ---- actions ------------------------------------------------------------------------------ */

/* What a row's call needs when its reply comes: the page, the row (references). */
typedef struct {
    PatenInboxPage *self;
    PatenInboxRow *row;
} RowCall;

static void row_call_free(RowCall *c)
{
    g_object_unref(c->self);
    g_object_unref(c->row);
    g_free(c);
}

static void on_opened(GObject *src, GAsyncResult *res, gpointer data)
{
    RowCall *c = data;
    g_autoptr(GError) err = NULL;
    Paten__DispositionReply *reply = (Paten__DispositionReply *)paten_connection_call_finish(
        PATEN_CONNECTION(src), res, NULL, &err);

    if (g_error_matches(err, G_IO_ERROR, G_IO_ERROR_CANCELLED) || c->self->app == NULL) {
        paten_message_free(reply);
        row_call_free(c);
        return;
    }
    paten_inbox_row_set_busy(c->row, FALSE);
    if (reply == NULL || reply->disposition == NULL) {
        /* Taken by another holder of the role (CONFLICT naming them), or any other refusal:
         * said on the row itself. */
        g_autofree char *text = paten_error_text(err);

        paten_inbox_row_show_error(c->row, text);
    } else {
        gint64 file_id = reply->disposition->file_id;

        apply_disposition(c->self, reply->disposition);
        paten_file_window_present(c->self->app, toplevel(c->self), file_id);
    }
    paten_message_free(reply);
    row_call_free(c);
}

static void on_row_open(PatenInboxRow *row, gpointer data)
{
    PatenInboxPage *self = data;
    Paten__OpenDispositionRequest req = PATEN__OPEN_DISPOSITION_REQUEST__INIT;
    g_autofree char *key = g_uuid_string_random();
    RowCall *c = g_new0(RowCall, 1);

    c->self = g_object_ref(self);
    c->row = g_object_ref(row);
    paten_inbox_row_show_error(row, NULL);
    paten_inbox_row_set_busy(row, TRUE);
    req.idempotency_key = key;
    req.disposition_id = paten_inbox_row_get_disposition(row)->id;
    paten_connection_call_async(self->conn, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_OPEN_DISPOSITION,
                                &req.base, self->cancel, on_opened, c);
}

/* What the completion needs when its reply comes: the page and the dialog (references). */
typedef struct {
    PatenInboxPage *self;
    PatenResponseDialog *dialog;
} Respond;

static void on_completed(GObject *src, GAsyncResult *res, gpointer data)
{
    Respond *r = data;
    g_autoptr(GError) err = NULL;
    Paten__Error *error_reply = NULL;
    Paten__DispositionReply *reply = (Paten__DispositionReply *)paten_connection_call_finish(
        PATEN_CONNECTION(src), res, &error_reply, &err);

    if (g_error_matches(err, G_IO_ERROR, G_IO_ERROR_CANCELLED) || r->self->app == NULL) {
        /* The page went away (logout): the dialog goes with it. */
        gtk_widget_destroy(GTK_WIDGET(r->dialog));
    } else if (reply != NULL && reply->disposition != NULL) {
        apply_disposition(r->self, reply->disposition);
        gtk_widget_destroy(GTK_WIDGET(r->dialog));
    } else {
        g_autofree char *text = paten_error_text(err);

        paten_response_dialog_set_busy(r->dialog, FALSE);
        paten_response_dialog_show_error(r->dialog, error_reply ? error_reply->field : NULL, text);
        /* Changed or completed elsewhere (another desk of mine hears nothing of it): show the
         * server's list again, so that the row says where the disposition stands. */
        if (g_error_matches(err, PATEN_ERROR, PATEN_ERR_CONFLICT) ||
            g_error_matches(err, PATEN_ERROR, PATEN_ERR_FAILED_PRECONDITION))
            load_inbox(r->self);
    }
    paten_message_free(reply);
    paten_message_free(error_reply);
    g_object_unref(r->self);
    g_object_unref(r->dialog);
    g_free(r);
}

static void on_response_submit(PatenResponseDialog *dialog, gpointer data)
{
    PatenInboxPage *self = data;
    const Paten__Disposition *d = g_object_get_data(G_OBJECT(dialog), "paten-disposition");
    Paten__CompleteDispositionRequest req = PATEN__COMPLETE_DISPOSITION_REQUEST__INIT;
    g_autofree char *text = paten_response_dialog_get_text(dialog);
    Respond *r;

    if (text[0] == '\0') {
        paten_response_dialog_show_error(dialog, "response", _("Write the response."));
        return;
    }
    r = g_new0(Respond, 1);
    r->self = g_object_ref(self);
    r->dialog = g_object_ref(dialog);
    paten_response_dialog_set_busy(dialog, TRUE);
    req.idempotency_key = (char *)paten_response_dialog_get_key(dialog);
    req.disposition_id = d->id;
    /* The version the dialog was opened on: a change since then is a CONFLICT, shown here. */
    req.version = d->version;
    req.response = text;
    paten_connection_call_async(self->conn, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_COMPLETE_DISPOSITION,
                                &req.base, self->cancel, on_completed, r);
}

static void on_row_respond(PatenInboxRow *row, gpointer data)
{
    PatenInboxPage *self = data;
    const Paten__Disposition *d = paten_inbox_row_get_disposition(row);
    PatenResponseDialog *dialog =
        paten_response_dialog_new(toplevel(self), d->file_register_number, d->instruction);

    g_object_set_data_full(G_OBJECT(dialog), "paten-disposition", paten_message_dup(&d->base),
                           paten_message_free);
    g_signal_connect_object(dialog, "submit", G_CALLBACK(on_response_submit), self, 0);
    gtk_window_present(GTK_WINDOW(dialog));
}

static void on_row_print(PatenInboxRow *row, gpointer data)
{
    PatenInboxPage *self = data;
    g_autoptr(GDateTime) now = g_date_time_new_now_utc();
    PatenPrintContext ctx = {
        .region_name = paten_session_get_region_name(self->session),
        .time_zone = paten_session_get_time_zone(self->session),
        .now = now,
    };
    g_autoptr(PatenDocument) doc =
        paten_disposition_sheet_new(paten_inbox_row_get_disposition(row), NULL,
                                    paten_session_get_office_name(self->session), &ctx);
    g_autofree char *said = paten_document_print_from(doc, GTK_WIDGET(row), _("Disposition sheet"));

    if (said != NULL)
        paten_label_show(self->message_label, said);
}

/* ---- life --------------------------------------------------------------------------------- */

PatenInboxPage *paten_inbox_page_new(PatenApplication *app)
{
    PatenInboxPage *self = g_object_new(PATEN_TYPE_INBOX_PAGE, NULL);

    self->app = app;
    self->conn = g_object_ref(paten_application_get_connection(app));
    self->bus = g_object_ref(paten_application_get_bus(app));
    self->session = g_object_ref(paten_application_get_session(app));
    g_signal_connect_object(self->bus, "disposition-changed", G_CALLBACK(on_disposition_changed),
                            self, 0);
    g_signal_connect_object(self->bus, "events-missed", G_CALLBACK(on_events_missed), self, 0);
    g_signal_connect_object(self->bus, "session-resumed", G_CALLBACK(on_bus_pointer_reload), self,
                            0);
    g_signal_connect_object(self->bus, "calendar-changed", G_CALLBACK(on_bus_pointer_reload), self,
                            0);
    g_signal_connect_object(self->session, "changed", G_CALLBACK(on_session_changed), self, 0);
    load_inbox(self);
    return self;
}

static void paten_inbox_page_dispose(GObject *obj)
{
    PatenInboxPage *self = PATEN_INBOX_PAGE(obj);

    g_cancellable_cancel(self->cancel);
    if (self->tick != 0) {
        g_source_remove(self->tick);
        self->tick = 0;
    }
    if (self->bus != NULL)
        g_signal_handlers_disconnect_by_data(self->bus, self);
    if (self->session != NULL)
        g_signal_handlers_disconnect_by_data(self->session, self);
    g_clear_object(&self->bus);
    g_clear_object(&self->conn);
    g_clear_object(&self->session);
    self->app = NULL;
    G_OBJECT_CLASS(paten_inbox_page_parent_class)->dispose(obj);
}

static void paten_inbox_page_finalize(GObject *obj)
{
    PatenInboxPage *self = PATEN_INBOX_PAGE(obj);

    g_clear_object(&self->cancel);
    g_hash_table_unref(self->rows);
    g_clear_pointer(&self->held, g_ptr_array_unref);
    G_OBJECT_CLASS(paten_inbox_page_parent_class)->finalize(obj);
}

static void paten_inbox_page_class_init(PatenInboxPageClass *klass)
{
    GtkWidgetClass *wc = GTK_WIDGET_CLASS(klass);

    G_OBJECT_CLASS(klass)->dispose = paten_inbox_page_dispose;
    G_OBJECT_CLASS(klass)->finalize = paten_inbox_page_finalize;
    gtk_widget_class_set_template_from_resource(wc, "/id/paten/desk/paten-inbox-page.ui");
    gtk_widget_class_bind_template_child(wc, PatenInboxPage, spinner);
    gtk_widget_class_bind_template_child(wc, PatenInboxPage, count_label);
    gtk_widget_class_bind_template_child(wc, PatenInboxPage, message_label);
    gtk_widget_class_bind_template_child(wc, PatenInboxPage, status_label);
    gtk_widget_class_bind_template_child(wc, PatenInboxPage, list);
}

static void paten_inbox_page_init(PatenInboxPage *self)
{
    GtkWidget *placeholder;

    self->rows = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
    self->cancel = g_cancellable_new();
    gtk_widget_init_template(GTK_WIDGET(self));
    gtk_list_box_set_sort_func(self->list, sort_rows, NULL, NULL);
    gtk_list_box_set_header_func(self->list, header_rows, NULL, NULL);
    placeholder = gtk_label_new(_("No dispositions for you."));
    gtk_style_context_add_class(gtk_widget_get_style_context(placeholder), "dim-label");
    gtk_widget_show(placeholder);
    gtk_list_box_set_placeholder(self->list, placeholder);
    /* Deadline badges say "today" and "late" relative to the clock: move them on each minute. */
    self->tick = g_timeout_add_seconds(60, on_tick, self);
}
