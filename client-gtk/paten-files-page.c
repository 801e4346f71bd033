/*
 * paten-files-page.c: PatenFilesPage (paten-files-page.h).
 *
 * One page of SearchFiles' answer at a time (newest first) in a list store. The results are a
 * snapshot of the search: FileChanged events update the rows shown (state, deadline) by file id,
 * never older over newer (the file's version decides), but add no rows, so that paging stays as
 * the server counted it. Answers of searches overtaken by a newer one are dropped.
 */
#include "paten-files-page.h"

#include "paten-desk.h"
#include "paten-file-window.h"
#include "paten-files.h"
#include "paten-session.h"
#include "paten-util.h"

/* Files per page: a screenful at the counter; the server allows up to 200. */
#define PAGE_SIZE 50

enum {
    COL_ID,
    COL_VERSION,
    COL_REGISTER,
    COL_DATE,
    COL_APPLICANT,
    COL_SERVICE,
    COL_STATE,
    COL_DUE,
    COL_DUE_WEIGHT,
    COL_DUE_COLOR,
    COL_OFFICE,
    COL_DEADLINE_MS, /* hidden: what the badge is recomputed from as time goes by */
    COL_OVERDUE,
    COL_STATE_VALUE,
    N_COLS
};

struct _PatenFilesPage {
    GtkBox parent_instance;

    GtkEntry *register_entry;
    GtkEntry *number_entry;
    GtkEntry *name_entry;
    GtkComboBoxText *service_combo;
    GtkComboBoxText *state_combo;
    GtkEntry *from_entry;
    GtkEntry *to_entry;
    GtkLabel *office_label;
    GtkComboBoxText *office_combo;
    GtkCheckButton *overdue_check;
    GtkLabel *register_error;
    GtkLabel *number_error;
    GtkLabel *name_error;
    GtkLabel *service_error;
    GtkLabel *state_error;
    GtkLabel *from_error;
    GtkLabel *to_error;
    GtkLabel *office_error;
    GtkButton *search_button;
    GtkSpinner *spinner;
    GtkLabel *status_label;
    GtkTreeView *tree;
    GtkButton *prev_button;
    GtkButton *next_button;
    GtkLabel *total_label;

    PatenApplication *app; /* not a reference: the application outlives its windows */
    PatenConnection *conn;
    PatenEventBus *bus;
    PatenSession *session;
    GtkListStore *store;
    PatenFieldErrors *errors;
    Paten__SearchFilesRequest *query; /* the search shown (a copy), NULL before the first */
    guint offset;                     /* of the page shown */
    guint total;
    guint serial; /* the search whose answer counts */
    GCancellable *cancel;
    GHashTable *office_names; /* office code -> name, for the region's readers' office column */
    GtkTreeViewColumn *office_column;
    gboolean region_wide; /* the session's office is the region's (PEMDA): every kecamatan */
    guint tick;           /* the minute timer that moves the deadline badges on */
};

G_DEFINE_TYPE(PatenFilesPage, paten_files_page, GTK_TYPE_BOX)

static GtkWindow *toplevel(PatenFilesPage *self)
{
    GtkWidget *top = gtk_widget_get_toplevel(GTK_WIDGET(self));

    return GTK_IS_WINDOW(top) ? GTK_WINDOW(top) : NULL;
}

static void set_loading(PatenFilesPage *self, gboolean loading)
{
    gtk_widget_set_visible(GTK_WIDGET(self->spinner), loading);
    if (loading)
        gtk_spinner_start(self->spinner);
    else
        gtk_spinner_stop(self->spinner);
}

/* ---- the results -------------------------------------------------------------------------- */

/* Sets the deadline badge of the row at it from its hidden columns, against the clock now. */
static void set_due(PatenFilesPage *self, GtkTreeIter *it)
{
    GtkTreeModel *model = GTK_TREE_MODEL(self->store);
    PatenDueState due_state = PATEN_DUE_NONE;
    gint64 deadline_ms = 0;
    gboolean overdue = FALSE;
    int state = 0;
    g_autofree char *due = NULL;

    gtk_tree_model_get(model, it, COL_DEADLINE_MS, &deadline_ms, COL_OVERDUE, &overdue,
                       COL_STATE_VALUE, &state, -1);
    /* While the file waits for the applicant its clock stands still: no countdown to show. */
    if (state == PATEN__FILE_STATE__FILE_STATE_RETURNED)
        due = g_strdup(_("Paused"));
    else
        due = paten_due_text(deadline_ms, g_get_real_time() / 1000, overdue,
                             paten_file_state_is_final((Paten__FileState)state),
                             paten_session_get_time_zone(self->session), &due_state);
    gtk_list_store_set(self->store, it, COL_DUE, due, COL_DUE_WEIGHT,
                       due_state == PATEN_DUE_OVERDUE || due_state == PATEN_DUE_TODAY
                           ? PANGO_WEIGHT_BOLD
                           : PANGO_WEIGHT_NORMAL,
                       COL_DUE_COLOR, due_state == PATEN_DUE_OVERDUE ? "#c01c28" : NULL, -1);
}

/* Fills the row at it from f. */
static void set_row(PatenFilesPage *self, GtkTreeIter *it, const Paten__FileSummary *f)
{
    const char *tz = paten_session_get_time_zone(self->session);
    g_autofree char *date = paten_format_time(f->received_at_ms, tz, TRUE);
    const char *office = g_hash_table_lookup(self->office_names, f->office_code);

    gtk_list_store_set(self->store, it, COL_ID, f->id, COL_VERSION, f->version, COL_REGISTER,
                       f->register_number, COL_DATE, date, COL_APPLICANT, f->applicant_name,
                       COL_SERVICE, f->service_name, COL_STATE, paten_file_state_name(f->state),
                       COL_OFFICE, office ? office : f->office_code, COL_DEADLINE_MS,
                       f->deadline_ms, COL_OVERDUE, f->overdue, COL_STATE_VALUE, (int)f->state, -1);
    set_due(self, it);
}

static gboolean on_tick(gpointer data)
{
    PatenFilesPage *self = data;
    GtkTreeModel *model = GTK_TREE_MODEL(self->store);
    GtkTreeIter it;
    gboolean more;

    for (more = gtk_tree_model_get_iter_first(model, &it); more;
         more = gtk_tree_model_iter_next(model, &it))
        set_due(self, &it);
    return G_SOURCE_CONTINUE;
}

static void show_paging(PatenFilesPage *self, guint shown)
{
    g_autofree char *text = NULL;

    if (self->total == 0)
        text = g_strdup(_("No files found."));
    else
        text = g_strdup_printf(_("Files %u–%u of %u"), self->offset + 1, self->offset + shown,
                               self->total);
    gtk_label_set_text(self->total_label, text);
    gtk_widget_set_sensitive(GTK_WIDGET(self->prev_button), self->offset > 0);
    gtk_widget_set_sensitive(GTK_WIDGET(self->next_button), self->offset + shown < self->total);
}

/* The answer a search is waiting for: a newer search makes older answers void. */
typedef struct {
    PatenFilesPage *self;
    guint serial;
    guint offset;
} Search;

static void on_searched(GObject *src, GAsyncResult *res, gpointer data)
{
    Search *s = data;
    PatenFilesPage *self = s->self;
    g_autoptr(GError) err = NULL;
    Paten__Error *error_reply = NULL;
    Paten__SearchFilesReply *reply = (Paten__SearchFilesReply *)paten_connection_call_finish(
        PATEN_CONNECTION(src), res, &error_reply, &err);

    if (g_error_matches(err, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->app == NULL ||
        s->serial != self->serial)
        goto out;
    set_loading(self, FALSE);
    if (reply == NULL) {
        /* The server's Error next to the field it names (a date it could not read, ...). */
        paten_field_errors_show_error(self->errors, error_reply, err);
        goto out;
    }
    gtk_list_store_clear(self->store);
    for (size_t i = 0; i < reply->n_files; i++) {
        GtkTreeIter it;

        gtk_list_store_append(self->store, &it);
        set_row(self, &it, reply->files[i]);
    }
    self->offset = s->offset;
    self->total = reply->total;
    show_paging(self, (guint)reply->n_files);

out:
    paten_message_free(reply);
    paten_message_free(error_reply);
    g_object_unref(s->self);
    g_free(s);
}

/* Runs self->query from offset. */
static void run_query(PatenFilesPage *self, guint offset)
{
    Search *s = g_new0(Search, 1);

    s->self = g_object_ref(self);
    s->serial = ++self->serial;
    s->offset = offset;
    self->query->offset = offset;
    self->query->limit = PAGE_SIZE;
    paten_field_errors_clear(self->errors);
    set_loading(self, TRUE);
    paten_connection_call_async(self->conn, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_SEARCH_FILES,
                                &self->query->base, self->cancel, on_searched, s);
}

/* The canonical day typed into entry, "" when empty; NULL (with the error shown next to it)
 * when it is not a day. Caller frees. */
static char *read_date(PatenFilesPage *self, GtkEntry *entry, const char *field)
{
    g_autofree char *text = g_strstrip(g_strdup(gtk_entry_get_text(entry)));
    char *iso;

    if (text[0] == '\0')
        return g_strdup("");
    iso = paten_date_parse(text);
    if (iso == NULL)
        paten_field_errors_show(self->errors, field, _("Not a date; write it as 12-05-2026."));
    return iso;
}

static char *entry_text(GtkEntry *entry)
{
    return g_strstrip(g_strdup(gtk_entry_get_text(entry)));
}

/* Reads the form into a new query and runs its first page; nothing when a date is wrong. */
static void on_search(PatenFilesPage *self, GtkWidget *source)
{
    Paten__SearchFilesRequest q = PATEN__SEARCH_FILES_REQUEST__INIT;
    const char *service = gtk_combo_box_get_active_id(GTK_COMBO_BOX(self->service_combo));
    const char *state = gtk_combo_box_get_active_id(GTK_COMBO_BOX(self->state_combo));
    g_autofree char *from = NULL, *to = NULL, *reg = NULL, *number = NULL, *name = NULL;

    (void)source;
    paten_field_errors_clear(self->errors);
    from = read_date(self, self->from_entry, "from_date");
    to = read_date(self, self->to_entry, "to_date");
    if (from == NULL || to == NULL)
        return;
    reg = entry_text(self->register_entry);
    number = entry_text(self->number_entry);
    name = entry_text(self->name_entry);
    q.register_number = reg;
    q.number = number;
    q.name = name;
    q.service_id = service ? g_ascii_strtoll(service, NULL, 10) : 0;
    q.state = state ? (Paten__FileState)g_ascii_strtoll(state, NULL, 10)
                    : PATEN__FILE_STATE__FILE_STATE_UNSPECIFIED;
    q.from_date = from;
    q.to_date = to;
    q.overdue_only = gtk_toggle_button_get_active(GTK_TOGGLE_BUTTON(self->overdue_check));
    if (self->region_wide) {
        const char *office = gtk_combo_box_get_active_id(GTK_COMBO_BOX(self->office_combo));

        q.office_id = office ? g_ascii_strtoll(office, NULL, 10) : 0;
    }
    /* Kept for the paging buttons: the next page is the same search, not what the form says
     * by then. */
    paten_message_free(self->query);
    self->query = paten_message_dup(&q.base);
    run_query(self, 0);
}

static void on_prev_clicked(PatenFilesPage *self, GtkButton *button)
{
    (void)button;
    if (self->query != NULL && self->offset > 0)
        run_query(self, self->offset > PAGE_SIZE ? self->offset - PAGE_SIZE : 0);
}

static void on_next_clicked(PatenFilesPage *self, GtkButton *button)
{
    (void)button;
    if (self->query != NULL && self->offset + PAGE_SIZE < self->total)
        run_query(self, self->offset + PAGE_SIZE);
}

static void on_row_activated(PatenFilesPage *self, GtkTreePath *path, GtkTreeViewColumn *column,
                             GtkTreeView *tree)
{
    GtkTreeIter it;
    gint64 id = 0;

    (void)column;
    (void)tree;
    if (!gtk_tree_model_get_iter(GTK_TREE_MODEL(self->store), &it, path))
        return;
    gtk_tree_model_get(GTK_TREE_MODEL(self->store), &it, COL_ID, &id, -1);
    paten_file_window_present(self->app, toplevel(self), id);
}

static void on_file_changed(PatenEventBus *bus, gpointer ev, gpointer data)
{
    PatenFilesPage *self = data;
    const Paten__FileChanged *fc = ev;
    GtkTreeModel *model = GTK_TREE_MODEL(self->store);
    GtkTreeIter it;
    gboolean more;

    (void)bus;
    if (fc->file == NULL)
        return;
    for (more = gtk_tree_model_get_iter_first(model, &it); more;
         more = gtk_tree_model_iter_next(model, &it)) {
        gint64 id = 0, version = 0;

        gtk_tree_model_get(model, &it, COL_ID, &id, COL_VERSION, &version, -1);
        if (id == fc->file->id) {
            if (fc->file->version >= version)
                set_row(self, &it, fc->file);
            return;
        }
    }
}

/* The search shown again, on the page shown: what the desk may have missed (a reconnect, events
 * lost) or what changed under every row (the calendar moves deadlines). */
static void on_rerun(PatenFilesPage *self)
{
    if (self->query != NULL)
        run_query(self, self->offset);
}

static void on_events_missed(PatenEventBus *bus, gpointer data)
{
    (void)bus;
    on_rerun(data);
}

static void on_bus_pointer_rerun(PatenEventBus *bus, gpointer what, gpointer data)
{
    (void)bus;
    (void)what;
    on_rerun(data);
}

/* ---- the filters -------------------------------------------------------------------------- */

static void on_services_listed(GObject *src, GAsyncResult *res, gpointer data)
{
    g_autoptr(PatenFilesPage) self = data;
    g_autoptr(GError) err = NULL;
    Paten__ListServicesReply *reply = (Paten__ListServicesReply *)paten_connection_call_finish(
        PATEN_CONNECTION(src), res, NULL, &err);

    if (g_error_matches(err, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->app == NULL) {
        paten_message_free(reply);
        return;
    }
    if (reply == NULL) {
        g_autofree char *text = paten_error_text(err);
        g_autofree char *msg = g_strdup_printf(_("The services could not be loaded: %s"), text);

        paten_label_show(self->service_error, msg);
        return;
    }
    for (size_t i = 0; i < reply->n_services; i++) {
        g_autofree char *id = g_strdup_printf("%" G_GINT64_FORMAT, reply->services[i]->id);

        gtk_combo_box_text_append(self->service_combo, id, reply->services[i]->name);
    }
    paten_message_free(reply);
}

static void on_offices_listed(GObject *src, GAsyncResult *res, gpointer data)
{
    g_autoptr(PatenFilesPage) self = data;
    g_autoptr(GError) err = NULL;
    Paten__ListOfficesReply *reply = (Paten__ListOfficesReply *)paten_connection_call_finish(
        PATEN_CONNECTION(src), res, NULL, &err);

    if (g_error_matches(err, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->app == NULL) {
        paten_message_free(reply);
        return;
    }
    if (reply == NULL) {
        g_autofree char *text = paten_error_text(err);
        g_autofree char *msg = g_strdup_printf(_("The offices could not be loaded: %s"), text);

        paten_label_show(self->office_error, msg);
        return;
    }
    /* Only kecamatan hold files. */
    for (size_t i = 0; i < reply->n_offices; i++) {
        const Paten__Office *o = reply->offices[i];
        g_autofree char *id = NULL;

        if (o->kind != PATEN__OFFICE_KIND__OFFICE_KIND_KECAMATAN)
            continue;
        id = g_strdup_printf("%" G_GINT64_FORMAT, o->id);
        gtk_combo_box_text_append(self->office_combo, id, o->name);
        g_hash_table_insert(self->office_names, g_strdup(o->code), g_strdup(o->name));
    }
    /* Rows shown before the names came show the office's code: name them now. */
    {
        GtkTreeModel *model = GTK_TREE_MODEL(self->store);
        GtkTreeIter it;
        gboolean more;

        for (more = gtk_tree_model_get_iter_first(model, &it); more;
             more = gtk_tree_model_iter_next(model, &it)) {
            g_autofree char *code = NULL;
            const char *name;

            gtk_tree_model_get(model, &it, COL_OFFICE, &code, -1);
            name = code ? g_hash_table_lookup(self->office_names, code) : NULL;
            if (name != NULL)
                gtk_list_store_set(self->store, &it, COL_OFFICE, name, -1);
        }
    }
    paten_message_free(reply);
}

static void fill_states(PatenFilesPage *self)
{
    const ProtobufCEnumDescriptor *desc = &paten__file_state__descriptor;

    gtk_combo_box_text_append(self->state_combo, "0", _("All states"));
    for (unsigned i = 0; i < desc->n_values; i++) {
        int v = desc->values[i].value;
        g_autofree char *id = NULL;

        if (v == PATEN__FILE_STATE__FILE_STATE_UNSPECIFIED)
            continue;
        id = g_strdup_printf("%d", v);
        gtk_combo_box_text_append(self->state_combo, id,
                                  paten_file_state_name((Paten__FileState)v));
    }
    gtk_combo_box_set_active_id(GTK_COMBO_BOX(self->state_combo), "0");
}

static GtkTreeViewColumn *add_column(PatenFilesPage *self, const char *title, int col)
{
    GtkCellRenderer *cell = gtk_cell_renderer_text_new();
    GtkTreeViewColumn *column =
        gtk_tree_view_column_new_with_attributes(title, cell, "text", col, NULL);

    if (col == COL_DUE) {
        gtk_tree_view_column_add_attribute(column, cell, "weight", COL_DUE_WEIGHT);
        gtk_tree_view_column_add_attribute(column, cell, "foreground", COL_DUE_COLOR);
    }
    if (col == COL_APPLICANT || col == COL_SERVICE) {
        g_object_set(cell, "ellipsize", PANGO_ELLIPSIZE_END, NULL);
        gtk_tree_view_column_set_expand(column, TRUE);
    }
    gtk_tree_view_column_set_resizable(column, TRUE);
    gtk_tree_view_append_column(self->tree, column);
    return column;
}

/* ---- life --------------------------------------------------------------------------------- */

PatenFilesPage *paten_files_page_new(PatenApplication *app)
{
    PatenFilesPage *self = g_object_new(PATEN_TYPE_FILES_PAGE, NULL);

    self->app = app;
    self->conn = g_object_ref(paten_application_get_connection(app));
    self->bus = g_object_ref(paten_application_get_bus(app));
    self->session = g_object_ref(paten_application_get_session(app));
    g_signal_connect_object(self->bus, "file-changed", G_CALLBACK(on_file_changed), self, 0);
    g_signal_connect_object(self->bus, "events-missed", G_CALLBACK(on_events_missed), self, 0);
    g_signal_connect_object(self->bus, "session-resumed", G_CALLBACK(on_bus_pointer_rerun), self,
                            0);
    g_signal_connect_object(self->bus, "calendar-changed", G_CALLBACK(on_bus_pointer_rerun), self,
                            0);
    {
        const Paten__User *me = paten_session_get_user(self->session);

        self->region_wide =
            me->office != NULL && me->office->kind == PATEN__OFFICE_KIND__OFFICE_KIND_PEMDA;
    }
    /* The region's readers see every kecamatan: which one, as a filter and a column. */
    gtk_widget_set_visible(GTK_WIDGET(self->office_label), self->region_wide);
    gtk_widget_set_visible(GTK_WIDGET(self->office_combo), self->region_wide);
    gtk_tree_view_column_set_visible(self->office_column, self->region_wide);
    if (self->region_wide)
        paten_connection_call_async(self->conn, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_LIST_OFFICES,
                                    NULL, self->cancel, on_offices_listed, g_object_ref(self));
    paten_connection_call_async(self->conn, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_LIST_SERVICES, NULL,
                                self->cancel, on_services_listed, g_object_ref(self));
    /* The newest files first, before anything is typed. */
    on_search(self, NULL);
    /* A filter chosen searches at once (connected only now: filling them must not search). */
    g_signal_connect_swapped(self->service_combo, "changed", G_CALLBACK(on_search), self);
    g_signal_connect_swapped(self->state_combo, "changed", G_CALLBACK(on_search), self);
    g_signal_connect_swapped(self->office_combo, "changed", G_CALLBACK(on_search), self);
    g_signal_connect_swapped(self->overdue_check, "toggled", G_CALLBACK(on_search), self);
    return self;
}

static void paten_files_page_dispose(GObject *obj)
{
    PatenFilesPage *self = PATEN_FILES_PAGE(obj);

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
    G_OBJECT_CLASS(paten_files_page_parent_class)->dispose(obj);
}

static void paten_files_page_finalize(GObject *obj)
{
    PatenFilesPage *self = PATEN_FILES_PAGE(obj);

    g_clear_object(&self->cancel);
    g_clear_object(&self->store);
    paten_field_errors_free(self->errors);
    paten_message_free(self->query);
    g_hash_table_unref(self->office_names);
    G_OBJECT_CLASS(paten_files_page_parent_class)->finalize(obj);
}

static void paten_files_page_class_init(PatenFilesPageClass *klass)
{
    GtkWidgetClass *wc = GTK_WIDGET_CLASS(klass);

    G_OBJECT_CLASS(klass)->dispose = paten_files_page_dispose;
    G_OBJECT_CLASS(klass)->finalize = paten_files_page_finalize;
    gtk_widget_class_set_template_from_resource(wc, "/id/paten/desk/paten-files-page.ui");
    gtk_widget_class_bind_template_child(wc, PatenFilesPage, register_entry);
    gtk_widget_class_bind_template_child(wc, PatenFilesPage, number_entry);
    gtk_widget_class_bind_template_child(wc, PatenFilesPage, name_entry);
    gtk_widget_class_bind_template_child(wc, PatenFilesPage, service_combo);
    gtk_widget_class_bind_template_child(wc, PatenFilesPage, state_combo);
    gtk_widget_class_bind_template_child(wc, PatenFilesPage, from_entry);
    gtk_widget_class_bind_template_child(wc, PatenFilesPage, to_entry);
    gtk_widget_class_bind_template_child(wc, PatenFilesPage, office_label);
    gtk_widget_class_bind_template_child(wc, PatenFilesPage, office_combo);
    gtk_widget_class_bind_template_child(wc, PatenFilesPage, overdue_check);
    gtk_widget_class_bind_template_child(wc, PatenFilesPage, office_error);
    gtk_widget_class_bind_template_child(wc, PatenFilesPage, register_error);
    gtk_widget_class_bind_template_child(wc, PatenFilesPage, number_error);
    gtk_widget_class_bind_template_child(wc, PatenFilesPage, name_error);
    gtk_widget_class_bind_template_child(wc, PatenFilesPage, service_error);
    gtk_widget_class_bind_template_child(wc, PatenFilesPage, state_error);
    gtk_widget_class_bind_template_child(wc, PatenFilesPage, from_error);
    gtk_widget_class_bind_template_child(wc, PatenFilesPage, to_error);
    gtk_widget_class_bind_template_child(wc, PatenFilesPage, search_button);
    gtk_widget_class_bind_template_child(wc, PatenFilesPage, spinner);
    gtk_widget_class_bind_template_child(wc, PatenFilesPage, status_label);
    gtk_widget_class_bind_template_child(wc, PatenFilesPage, tree);
    gtk_widget_class_bind_template_child(wc, PatenFilesPage, prev_button);
    gtk_widget_class_bind_template_child(wc, PatenFilesPage, next_button);
    gtk_widget_class_bind_template_child(wc, PatenFilesPage, total_label);
    gtk_widget_class_bind_template_callback(wc, on_search);
    gtk_widget_class_bind_template_callback(wc, on_prev_clicked);
    gtk_widget_class_bind_template_callback(wc, on_next_clicked);
    gtk_widget_class_bind_template_callback(wc, on_row_activated);
}

static void paten_files_page_init(PatenFilesPage *self)
{
    self->cancel = g_cancellable_new();
    self->office_names = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    gtk_widget_init_template(GTK_WIDGET(self));
    self->store =
        gtk_list_store_new(N_COLS, G_TYPE_INT64, G_TYPE_INT64, G_TYPE_STRING, G_TYPE_STRING,
                           G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_INT,
                           G_TYPE_STRING, G_TYPE_STRING, G_TYPE_INT64, G_TYPE_BOOLEAN, G_TYPE_INT);
    gtk_tree_view_set_model(self->tree, GTK_TREE_MODEL(self->store));
    self->office_column = add_column(self, _("Office"), COL_OFFICE);
    add_column(self, _("Register number"), COL_REGISTER);
    add_column(self, _("Received on"), COL_DATE);
    add_column(self, _("Applicant"), COL_APPLICANT);
    add_column(self, _("Service"), COL_SERVICE);
    add_column(self, _("State"), COL_STATE);
    add_column(self, _("Deadline"), COL_DUE);
    self->errors = paten_field_errors_new(self->status_label);
    paten_field_errors_add(self->errors, "register_number", self->register_error);
    paten_field_errors_add(self->errors, "number", self->number_error);
    paten_field_errors_add(self->errors, "name", self->name_error);
    paten_field_errors_add(self->errors, "service_id", self->service_error);
    paten_field_errors_add(self->errors, "state", self->state_error);
    paten_field_errors_add(self->errors, "from_date", self->from_error);
    paten_field_errors_add(self->errors, "to_date", self->to_error);
    paten_field_errors_add(self->errors, "office_id", self->office_error);
    gtk_combo_box_text_append(self->office_combo, "0", _("All offices"));
    gtk_combo_box_set_active_id(GTK_COMBO_BOX(self->office_combo), "0");
    /* Service names are long ("Izin Oprit (Pembuatan Jalan Masuk)"): the combo box ellipsizes
     * them rather than widening the form past the window. */
    {
        GList *cells = gtk_cell_layout_get_cells(GTK_CELL_LAYOUT(self->service_combo));

        for (GList *l = cells; l != NULL; l = l->next)
            g_object_set(l->data, "ellipsize", PANGO_ELLIPSIZE_END, "width-chars", 16, NULL);
        g_list_free(cells);
    }
    gtk_combo_box_text_append(self->service_combo, "0", _("All services"));
    gtk_combo_box_set_active_id(GTK_COMBO_BOX(self->service_combo), "0");
    fill_states(self);
    /* Deadline badges say "today" and "late" relative to the clock: move them on each minute. */
    self->tick = g_timeout_add_seconds(60, on_tick, self);
}
