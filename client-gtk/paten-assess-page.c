/*
 * paten-assess-page.c: PatenAssessPage (paten-assess-page.h).
 *
 * The queue is AssessmentQueue's answer, shown whole: the server decides which files wait for
 * this office, so any event that may change that (a FileChanged, which the server sends to the
 * assessing office's officers when a file enters or leaves AWAITING_ASSESSMENT, an
 * AssessmentChanged, a missed-events notice, a resumed session) reloads it, and a newer reload
 * makes the answers of older ones void (queue_serial). Rows are rebuilt from each answer; the
 * minute timer moves their "waiting since" and deadline texts on. The register below is
 * SearchAssessments' answer for the search entry's text (newest first), reloaded the same way.
 */
#include "paten-assess-page.h"

#include "paten-assess-dialog.h"
#include "paten-desk.h"
#include "paten-file-documents.h"
#include "paten-files.h"
#include "paten-session.h"
#include "paten-util.h"

struct _PatenAssessPage {
    GtkBox parent_instance;

    GtkSpinner *spinner;
    GtkLabel *count_label;
    GtkLabel *message_label;
    GtkLabel *status_label;
    GtkListBox *queue_list;
    GtkSearchEntry *search_entry;
    GtkWidget *print_button;
    GtkLabel *register_status_label;
    GtkTreeView *register_tree;
    GtkLabel *total_label;

    PatenApplication *app; /* not a reference: the application outlives its windows */
    PatenConnection *conn;
    PatenEventBus *bus;
    PatenSession *session;
    GtkListStore *store;
    guint queue_serial;    /* the AssessmentQueue call whose answer counts */
    guint register_serial; /* the SearchAssessments call whose answer counts */
    GCancellable *cancel;
    guint tick;
};

G_DEFINE_TYPE(PatenAssessPage, paten_assess_page, GTK_TYPE_BOX)

enum {
    COL_ID,
    COL_NUMBER,
    COL_KIND,
    COL_DATE,
    COL_FILE,
    COL_APPLICANT,
    COL_AMOUNT,
    COL_DUE,
    COL_STATUS,
    N_COLS
};

static GtkWindow *toplevel(PatenAssessPage *self)
{
    GtkWidget *top = gtk_widget_get_toplevel(GTK_WIDGET(self));

    return GTK_IS_WINDOW(top) ? GTK_WINDOW(top) : NULL;
}

static const char *tz(PatenAssessPage *self)
{
    const char *zone = paten_session_get_time_zone(self->session);

    return zone[0] != '\0' ? zone : NULL;
}

static void set_loading(PatenAssessPage *self, gboolean loading)
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

/* "Menunggu 5 menit" / "3 jam" / "2 hari": how long a request has waited at now_ms. Caller
 * frees. */
static char *waited_text(gint64 since_ms, gint64 now_ms)
{
    gint64 minutes = since_ms > 0 && now_ms > since_ms ? (now_ms - since_ms) / 60000 : 0;

    if (minutes < 60)
        return g_strdup_printf(ngettext("Waiting %d minute", "Waiting %d minutes", (gulong)minutes),
                               (int)minutes);
    if (minutes < 24 * 60)
        return g_strdup_printf(
            ngettext("Waiting %d hour", "Waiting %d hours", (gulong)(minutes / 60)),
            (int)(minutes / 60));
    return g_strdup_printf(
        ngettext("Waiting %d day", "Waiting %d days", (gulong)(minutes / (24 * 60))),
        (int)(minutes / (24 * 60)));
}

/* ---- the queue ---------------------------------------------------------------------------- */

static const Paten__AssessmentQueueEntry *row_entry(GtkListBoxRow *row)
{
    return g_object_get_data(G_OBJECT(row), "paten-entry");
}

static void open_entry(PatenAssessPage *self, const Paten__AssessmentQueueEntry *e)
{
    g_autoptr(GList) tops = gtk_window_list_toplevels();

    /* One dialog per file: a second "Tetapkan" raises the one already open. */
    for (GList *l = tops; l != NULL; l = l->next) {
        if (PATEN_IS_ASSESS_DIALOG(l->data) &&
            paten_assess_dialog_get_file_id(l->data) == e->file->id) {
            gtk_window_present(GTK_WINDOW(l->data));
            return;
        }
    }
    gtk_window_present(GTK_WINDOW(paten_assess_dialog_new(self->app, toplevel(self), e)));
}

static void on_assess_clicked(GtkButton *button, gpointer data)
{
    PatenAssessPage *self = data;
    GtkWidget *row = gtk_widget_get_ancestor(GTK_WIDGET(button), GTK_TYPE_LIST_BOX_ROW);

    if (row != NULL && row_entry(GTK_LIST_BOX_ROW(row)) != NULL)
        open_entry(self, row_entry(GTK_LIST_BOX_ROW(row)));
}

static void on_queue_row_activated(PatenAssessPage *self, GtkListBoxRow *row)
{
    if (row_entry(row) != NULL)
        open_entry(self, row_entry(row));
}

static GtkWidget *row_label(const char *text, gboolean dim)
{
    GtkWidget *l = gtk_label_new(text);

    gtk_label_set_xalign(GTK_LABEL(l), 0);
    gtk_label_set_line_wrap(GTK_LABEL(l), TRUE);
    if (dim)
        gtk_style_context_add_class(gtk_widget_get_style_context(l), "dim-label");
    return l;
}

/* Sets the row's time texts (waited, the file's deadline) against the clock now. */
static void refresh_times(PatenAssessPage *self, GtkListBoxRow *row)
{
    const Paten__AssessmentQueueEntry *e = row_entry(row);
    GtkLabel *waited = g_object_get_data(G_OBJECT(row), "paten-waited");
    GtkLabel *due = g_object_get_data(G_OBJECT(row), "paten-due");
    gint64 now = g_get_real_time() / 1000;
    PatenDueState state;
    g_autofree char *w = waited_text(e->requested_at_ms, now);
    g_autofree char *d =
        paten_due_text(e->file->deadline_ms, now, e->file->overdue, FALSE, tz(self), &state);
    g_autofree char *dl = g_strdup_printf(_("File deadline: %s"), d[0] ? d : "-");
    GtkStyleContext *sc = gtk_widget_get_style_context(GTK_WIDGET(due));

    gtk_label_set_text(waited, w);
    gtk_label_set_text(due, dl);
    gtk_style_context_remove_class(sc, "paten-due-overdue");
    gtk_style_context_remove_class(sc, "paten-due-today");
    if (state == PATEN_DUE_OVERDUE)
        gtk_style_context_add_class(sc, "paten-due-overdue");
    else if (state == PATEN_DUE_TODAY)
        gtk_style_context_add_class(sc, "paten-due-today");
}

/* A queue row: the file's number and service, kecamatan and applicant, how long it has waited,
 * the file's deadline, and the button that opens the calculation. */
static GtkWidget *queue_row(PatenAssessPage *self, const Paten__AssessmentQueueEntry *e)
{
    const Paten__FileSummary *f = e->file;
    GtkWidget *row = gtk_list_box_row_new();
    GtkWidget *box = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 12);
    GtkWidget *text = gtk_box_new(GTK_ORIENTATION_VERTICAL, 2);
    GtkWidget *times = gtk_box_new(GTK_ORIENTATION_VERTICAL, 2);
    GtkWidget *button = gtk_button_new_with_mnemonic(_("_Assess…"));
    g_autofree char *title = g_strdup_printf("%s · %s", f->register_number, f->service_name);
    g_autofree char *who =
        g_strdup_printf(_("%s · Applicant: %s"), e->kecamatan_name, f->applicant_name);
    g_autofree char *name = g_strdup_printf(_("Assess %s"), f->register_number);
    GtkWidget *waited = row_label("", FALSE), *due = row_label("", FALSE);

    g_object_set_data_full(G_OBJECT(row), "paten-entry", paten_message_dup(&e->base),
                           paten_message_free);
    g_object_set_data(G_OBJECT(row), "paten-waited", waited);
    g_object_set_data(G_OBJECT(row), "paten-due", due);
    gtk_container_add(GTK_CONTAINER(text), row_label(title, FALSE));
    gtk_container_add(GTK_CONTAINER(text), row_label(who, TRUE));
    if (e->was_cancelled)
        gtk_container_add(
            GTK_CONTAINER(text),
            row_label(_("Its assessment was cancelled: issue a replacement."), FALSE));
    gtk_widget_set_hexpand(text, TRUE);
    gtk_label_set_xalign(GTK_LABEL(waited), 1);
    gtk_label_set_xalign(GTK_LABEL(due), 1);
    gtk_container_add(GTK_CONTAINER(times), waited);
    gtk_container_add(GTK_CONTAINER(times), due);
    gtk_widget_set_valign(button, GTK_ALIGN_CENTER);
    paten_set_accessible_name(button, name);
    g_signal_connect_object(button, "clicked", G_CALLBACK(on_assess_clicked), self, 0);
    gtk_container_add(GTK_CONTAINER(box), text);
    gtk_container_add(GTK_CONTAINER(box), times);
    gtk_container_add(GTK_CONTAINER(box), button);
    g_object_set(box, "margin", 6, NULL);
    gtk_container_add(GTK_CONTAINER(row), box);
    /* The row is found by the file's number (as the inbox's rows are). */
    paten_set_accessible_name(row, f->register_number);
    refresh_times(self, GTK_LIST_BOX_ROW(row));
    gtk_widget_show_all(row);
    return row;
}

static void on_queue_loaded(PatenAssessPage *self, GObject *src, GAsyncResult *res)
{
    g_autoptr(GError) err = NULL;
    Paten__AssessmentQueueReply *reply =
        (Paten__AssessmentQueueReply *)paten_connection_call_finish(PATEN_CONNECTION(src), res,
                                                                    NULL, &err);
    g_autofree char *count = NULL;

    set_loading(self, FALSE);
    if (reply == NULL) {
        g_autofree char *text = paten_error_text(err);
        g_autofree char *msg = g_strdup_printf(_("The queue could not be loaded: %s"), text);

        /* The rows shown stay: they were right a moment ago. */
        paten_label_show(self->status_label, msg);
        return;
    }
    paten_label_show(self->status_label, NULL);
    clear_container(GTK_CONTAINER(self->queue_list));
    /* The server's order: the oldest request first. */
    for (size_t i = 0; i < reply->n_entries; i++)
        if (reply->entries[i]->file != NULL)
            gtk_container_add(GTK_CONTAINER(self->queue_list), queue_row(self, reply->entries[i]));
    count = g_strdup_printf(_("Waiting: %zu"), reply->n_entries);
    gtk_label_set_text(self->count_label, count);
    paten_message_free(reply);
}

/* The answer a reload is waiting for: a newer reload makes older answers void. */
typedef struct {
    PatenAssessPage *self; /* a reference */
    guint serial;
} Load;

static void on_queue_done(GObject *src, GAsyncResult *res, gpointer data)
{
    Load *load = data;
    g_autoptr(PatenAssessPage) self = load->self;

    if (load->serial == self->queue_serial && self->app != NULL) {
        on_queue_loaded(self, src, res);
    } else {
        gpointer reply = paten_connection_call_finish(PATEN_CONNECTION(src), res, NULL, NULL);

        paten_message_free(reply);
    }
    g_free(load);
}

static void load_queue(PatenAssessPage *self)
{
    Paten__AssessmentQueueRequest req = PATEN__ASSESSMENT_QUEUE_REQUEST__INIT;
    Load *load = g_new0(Load, 1);

    load->self = g_object_ref(self);
    load->serial = ++self->queue_serial;
    set_loading(self, TRUE);
    paten_connection_call_async(self->conn, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_ASSESSMENT_QUEUE,
                                &req.base, self->cancel, on_queue_done, load);
}

/* ---- the register ------------------------------------------------------------------------- */

static void on_register_loaded(PatenAssessPage *self, GObject *src, GAsyncResult *res)
{
    g_autoptr(GError) err = NULL;
    Paten__SearchAssessmentsReply *reply =
        (Paten__SearchAssessmentsReply *)paten_connection_call_finish(PATEN_CONNECTION(src), res,
                                                                      NULL, &err);
    g_autofree char *total = NULL;

    if (reply == NULL) {
        g_autofree char *text = paten_error_text(err);
        g_autofree char *msg = g_strdup_printf(_("The register could not be loaded: %s"), text);

        paten_label_show(self->register_status_label, msg);
        return;
    }
    paten_label_show(self->register_status_label, NULL);
    gtk_list_store_clear(self->store);
    for (size_t i = 0; i < reply->n_assessments; i++) {
        const Paten__Assessment *a = reply->assessments[i];
        g_autofree char *amount = paten_format_rupiah(a->principal);
        g_autofree char *day = paten_date_display(a->issued_date);
        g_autofree char *due = paten_date_display(a->due_date);
        GtkTreeIter it;

        gtk_list_store_append(self->store, &it);
        gtk_list_store_set(self->store, &it, COL_ID, a->id, COL_NUMBER, a->number, COL_KIND,
                           paten_assessment_kind_name(a->kind), COL_DATE, day, COL_FILE,
                           a->file_register_number, COL_APPLICANT, a->applicant_name, COL_AMOUNT,
                           amount, COL_DUE, due, COL_STATUS,
                           paten_assessment_status_name(a->status), -1);
    }
    total = g_strdup_printf(_("%zu of %u assessments"), reply->n_assessments, reply->total);
    gtk_label_set_text(self->total_label, total);
    paten_message_free(reply);
}

static void on_register_done(GObject *src, GAsyncResult *res, gpointer data)
{
    Load *load = data;
    g_autoptr(PatenAssessPage) self = load->self;

    if (load->serial == self->register_serial && self->app != NULL) {
        on_register_loaded(self, src, res);
    } else {
        gpointer reply = paten_connection_call_finish(PATEN_CONNECTION(src), res, NULL, NULL);

        paten_message_free(reply);
    }
    g_free(load);
}

static void load_register(PatenAssessPage *self)
{
    Paten__SearchAssessmentsRequest req = PATEN__SEARCH_ASSESSMENTS_REQUEST__INIT;
    g_autofree char *query =
        g_strstrip(g_strdup(gtk_entry_get_text(GTK_ENTRY(self->search_entry))));
    Load *load = g_new0(Load, 1);

    load->self = g_object_ref(self);
    load->serial = ++self->register_serial;
    req.query = query;
    req.limit = 100;
    paten_connection_call_async(self->conn, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_SEARCH_ASSESSMENTS,
                                &req.base, self->cancel, on_register_done, load);
}

static void on_search_changed(PatenAssessPage *self)
{
    load_register(self);
}

static void on_selection_changed(GtkTreeSelection *sel, gpointer data)
{
    PatenAssessPage *self = data;

    gtk_widget_set_sensitive(self->print_button, gtk_tree_selection_get_selected(sel, NULL, NULL));
}

/* The register's row carries no trace: GetAssessment's answer is what prints. */
static void on_assessment_got(GObject *src, GAsyncResult *res, gpointer data)
{
    g_autoptr(PatenAssessPage) self = data;
    g_autoptr(GError) err = NULL;
    Paten__AssessmentReply *reply = (Paten__AssessmentReply *)paten_connection_call_finish(
        PATEN_CONNECTION(src), res, NULL, &err);

    if (self->app == NULL) {
        paten_message_free(reply);
        return;
    }
    if (reply == NULL || reply->assessment == NULL) {
        g_autofree char *text = paten_error_text(err);
        g_autofree char *msg = g_strdup_printf(_("The assessment could not be loaded: %s"), text);

        paten_label_show(self->register_status_label, msg);
    } else {
        g_autoptr(GDateTime) now = g_date_time_new_now_utc();
        PatenPrintContext ctx = {
            .region_name = paten_session_get_region_name(self->session),
            .time_zone = tz(self),
            .now = now,
        };
        g_autoptr(PatenDocument) doc = paten_assessment_document_new(reply->assessment, &ctx);
        g_autofree char *said = paten_document_print_from(
            doc, GTK_WIDGET(self), paten_assessment_kind_name(reply->assessment->kind));

        if (said != NULL)
            paten_label_show(self->message_label, said);
    }
    paten_message_free(reply);
}

static void print_selected(PatenAssessPage *self)
{
    GtkTreeSelection *sel = gtk_tree_view_get_selection(self->register_tree);
    Paten__GetAssessmentRequest req = PATEN__GET_ASSESSMENT_REQUEST__INIT;
    GtkTreeModel *model;
    GtkTreeIter it;
    gint64 id = 0;

    if (!gtk_tree_selection_get_selected(sel, &model, &it))
        return;
    gtk_tree_model_get(model, &it, COL_ID, &id, -1);
    req.assessment_id = id;
    paten_connection_call_async(self->conn, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_GET_ASSESSMENT,
                                &req.base, self->cancel, on_assessment_got, g_object_ref(self));
}

static void on_print_clicked(PatenAssessPage *self)
{
    print_selected(self);
}

static void on_register_row_activated(PatenAssessPage *self, GtkTreePath *path,
                                      GtkTreeViewColumn *column)
{
    (void)path;
    (void)column;
    print_selected(self);
}

static void add_column(PatenAssessPage *self, const char *title, int col, gboolean expand)
{
    GtkCellRenderer *cell = gtk_cell_renderer_text_new();
    GtkTreeViewColumn *column =
        gtk_tree_view_column_new_with_attributes(title, cell, "text", col, NULL);

    if (expand) {
        g_object_set(cell, "ellipsize", PANGO_ELLIPSIZE_END, NULL);
        gtk_tree_view_column_set_expand(column, TRUE);
    }
    if (col == COL_AMOUNT)
        g_object_set(cell, "xalign", 1.0, NULL);
    gtk_tree_view_column_set_resizable(column, TRUE);
    gtk_tree_view_append_column(self->register_tree, column);
}

/* ---- events ------------------------------------------------------------------------------- */

static void reload_all(PatenAssessPage *self)
{
    load_queue(self);
    load_register(self);
}

/* A file entered or left the queue (or changed while in it): the server's queue again. */
static void on_file_changed(PatenEventBus *bus, gpointer ev, gpointer data)
{
    (void)bus;
    (void)ev;
    load_queue(data);
}

/* Issued or cancelled, here or at another desk of the office: both lists again. */
static void on_assessment_changed(PatenEventBus *bus, gpointer ev, gpointer data)
{
    (void)bus;
    (void)ev;
    reload_all(data);
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
    PatenAssessPage *self = data;
    g_autoptr(GList) rows = gtk_container_get_children(GTK_CONTAINER(self->queue_list));

    for (GList *l = rows; l != NULL; l = l->next)
        if (row_entry(l->data) != NULL)
            refresh_times(self, l->data);
    return G_SOURCE_CONTINUE;
}

/* ---- life --------------------------------------------------------------------------------- */

PatenAssessPage *paten_assess_page_new(PatenApplication *app)
{
    PatenAssessPage *self = g_object_new(PATEN_TYPE_ASSESS_PAGE, NULL);

    self->app = app;
    self->conn = g_object_ref(paten_application_get_connection(app));
    self->bus = g_object_ref(paten_application_get_bus(app));
    self->session = g_object_ref(paten_application_get_session(app));
    g_signal_connect_object(self->bus, "file-changed", G_CALLBACK(on_file_changed), self, 0);
    g_signal_connect_object(self->bus, "assessment-changed", G_CALLBACK(on_assessment_changed),
                            self, 0);
    g_signal_connect_object(self->bus, "events-missed", G_CALLBACK(on_events_missed), self, 0);
    g_signal_connect_object(self->bus, "session-resumed", G_CALLBACK(on_bus_pointer_reload), self,
                            0);
    g_signal_connect_object(self->bus, "calendar-changed", G_CALLBACK(on_bus_pointer_reload), self,
                            0);
    reload_all(self);
    return self;
}

static void paten_assess_page_dispose(GObject *obj)
{
    PatenAssessPage *self = PATEN_ASSESS_PAGE(obj);

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
    G_OBJECT_CLASS(paten_assess_page_parent_class)->dispose(obj);
}

static void paten_assess_page_finalize(GObject *obj)
{
    PatenAssessPage *self = PATEN_ASSESS_PAGE(obj);

    g_clear_object(&self->cancel);
    g_clear_object(&self->store);
    G_OBJECT_CLASS(paten_assess_page_parent_class)->finalize(obj);
}

static void paten_assess_page_class_init(PatenAssessPageClass *klass)
{
    GtkWidgetClass *wc = GTK_WIDGET_CLASS(klass);

    G_OBJECT_CLASS(klass)->dispose = paten_assess_page_dispose;
    G_OBJECT_CLASS(klass)->finalize = paten_assess_page_finalize;
    gtk_widget_class_set_template_from_resource(wc, "/id/paten/desk/paten-assess-page.ui");
    gtk_widget_class_bind_template_child(wc, PatenAssessPage, spinner);
    gtk_widget_class_bind_template_child(wc, PatenAssessPage, count_label);
    gtk_widget_class_bind_template_child(wc, PatenAssessPage, message_label);
    gtk_widget_class_bind_template_child(wc, PatenAssessPage, status_label);
    gtk_widget_class_bind_template_child(wc, PatenAssessPage, queue_list);
    gtk_widget_class_bind_template_child(wc, PatenAssessPage, search_entry);
    gtk_widget_class_bind_template_child(wc, PatenAssessPage, print_button);
    gtk_widget_class_bind_template_child(wc, PatenAssessPage, register_status_label);
    gtk_widget_class_bind_template_child(wc, PatenAssessPage, register_tree);
    gtk_widget_class_bind_template_child(wc, PatenAssessPage, total_label);
    gtk_widget_class_bind_template_callback(wc, on_queue_row_activated);
    gtk_widget_class_bind_template_callback(wc, on_search_changed);
    gtk_widget_class_bind_template_callback(wc, on_print_clicked);
    gtk_widget_class_bind_template_callback(wc, on_register_row_activated);
}

static void paten_assess_page_init(PatenAssessPage *self)
{
    GtkWidget *placeholder;

    self->cancel = g_cancellable_new();
    gtk_widget_init_template(GTK_WIDGET(self));
    self->store = gtk_list_store_new(N_COLS, G_TYPE_INT64, G_TYPE_STRING, G_TYPE_STRING,
                                     G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING,
                                     G_TYPE_STRING, G_TYPE_STRING);
    gtk_tree_view_set_model(self->register_tree, GTK_TREE_MODEL(self->store));
    add_column(self, C_("document", "Number"), COL_NUMBER, FALSE);
    add_column(self, _("Kind"), COL_KIND, FALSE);
    add_column(self, _("Issued on"), COL_DATE, FALSE);
    add_column(self, _("File"), COL_FILE, FALSE);
    add_column(self, _("Applicant"), COL_APPLICANT, TRUE);
    add_column(self, _("Amount"), COL_AMOUNT, FALSE);
    add_column(self, _("Due date"), COL_DUE, FALSE);
    add_column(self, _("Status"), COL_STATUS, FALSE);
    g_signal_connect_object(gtk_tree_view_get_selection(self->register_tree), "changed",
                            G_CALLBACK(on_selection_changed), self, 0);
    placeholder = gtk_label_new(_("No file is waiting for an assessment."));
    gtk_style_context_add_class(gtk_widget_get_style_context(placeholder), "dim-label");
    g_object_set(placeholder, "margin", 12, NULL);
    gtk_widget_show(placeholder);
    gtk_list_box_set_placeholder(self->queue_list, placeholder);
    gtk_label_set_text(self->count_label, "");
    /* "Waiting 5 minutes" and "today"/"late" move on with the clock: each minute. */
    self->tick = g_timeout_add_seconds(60, on_tick, self);
}
