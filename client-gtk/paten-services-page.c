/*
 * paten-services-page.c: PatenServicesPage (paten-services-page.h).
 *
 * The list is ListServices' answer (the region's current versions, retired ones included and
 * marked) kept current by ServiceChanged events: a row is added or replaced by service id, never
 * older over newer (the version decides), so events and list answers may arrive in either order.
 * Events that arrive while a ListServices is under way are held and applied on top of its
 * answer. The rows are built here: a row is only labels and its "Ubah" button.
 */
#include "paten-services-page.h"

#include "paten-desk.h"
#include "paten-files.h"
#include "paten-service-dialog.h"
#include "paten-util.h"

struct _PatenServicesPage {
    GtkBox parent_instance;

    GtkSpinner *spinner;
    GtkButton *add_button;
    GtkLabel *status_label;
    GtkListBox *list;

    PatenApplication *app; /* not a reference: the application outlives its windows */
    PatenConnection *conn;
    PatenEventBus *bus;
    GHashTable *rows;   /* service id (gint64 *) -> GtkListBoxRow, owned by the list */
    GPtrArray *offices; /* Paten__Office copies, for the names of fee offices and the dialog */
    guint load_serial;  /* the ListServices whose answer counts */
    GPtrArray *held;    /* Paten__Service copies from events during a load, or NULL */
    GCancellable *cancel;
};

G_DEFINE_TYPE(PatenServicesPage, paten_services_page, GTK_TYPE_BOX)

/* The widgets of one row, and the service it shows (owned). */
typedef struct {
    GtkLabel *name, *detail, *terms, *version, *deadline, *status;
    GtkButton *edit;
    Paten__Service *service;
} ServiceRow;

static void service_row_free(gpointer p)
{
    ServiceRow *r = p;

    paten_message_free(r->service);
    g_free(r);
}

static ServiceRow *row_data(GtkWidget *row)
{
    return g_object_get_data(G_OBJECT(row), "paten-service-row");
}

static GtkWindow *toplevel(PatenServicesPage *self)
{
    GtkWidget *top = gtk_widget_get_toplevel(GTK_WIDGET(self));

    return GTK_IS_WINDOW(top) ? GTK_WINDOW(top) : NULL;
}

static void set_loading(PatenServicesPage *self, gboolean loading)
{
    gtk_widget_set_visible(GTK_WIDGET(self->spinner), loading);
    if (loading)
        gtk_spinner_start(self->spinner);
    else
        gtk_spinner_stop(self->spinner);
}

static const char *office_name(PatenServicesPage *self, gint64 id)
{
    for (guint i = 0; i < self->offices->len; i++) {
        const Paten__Office *o = self->offices->pdata[i];

        if (o->id == id)
            return o->name;
    }
    return "?";
}

/* ---- rows --------------------------------------------------------------------------------- */

static void show_service(PatenServicesPage *self, GtkWidget *row)
{
    ServiceRow *r = row_data(row);
    const Paten__Service *s = r->service;
    g_autofree char *detail = g_strdup_printf("%s · %s", s->code, paten_service_kind_name(s->kind));
    g_autofree char *authority = NULL, *fee = NULL, *terms = NULL, *version = NULL,
                    *deadline = NULL, *edit = NULL;

    if (s->authority == PATEN__ISSUING_AUTHORITY__ISSUING_AUTHORITY_FORWARDED)
        authority =
            g_strdup_printf("%s (%s)", paten_authority_name(s->authority), s->forward_agency);
    else
        authority = g_strdup(paten_authority_name(s->authority));
    if (s->fee == PATEN__FEE_KIND__FEE_KIND_RETRIBUSI || s->fee == PATEN__FEE_KIND__FEE_KIND_PAJAK)
        /* TRANSLATORS: a fee kind and the office that assesses it. */
        fee = g_strdup_printf(_("%s, assessed by %s"), paten_fee_kind_name(s->fee),
                              office_name(self, s->assessor_office_id));
    else
        fee = g_strdup(paten_fee_kind_name(s->fee));
    terms = g_strdup_printf("%s · %s", authority, fee);
    version = g_strdup_printf(_("Version %d"), s->version);
    deadline =
        g_strdup_printf(ngettext("%u working day", "%u working days", s->deadline_working_days),
                        s->deadline_working_days);
    gtk_label_set_text(r->name, s->name);
    gtk_label_set_text(r->detail, detail);
    gtk_label_set_text(r->terms, terms);
    gtk_label_set_text(r->version, version);
    gtk_label_set_text(r->deadline, deadline);
    gtk_label_set_text(r->status, s->active ? _("Active") : _("Retired"));
    gtk_widget_set_opacity(GTK_WIDGET(r->name), s->active ? 1.0 : 0.6);
    /* Stable names per service, so that assistive technology (and the tests) can tell the rows
     * and their buttons apart. */
    paten_set_accessible_name(row, s->code);
    edit = g_strdup_printf(_("Edit %s"), s->code);
    paten_set_accessible_name(GTK_WIDGET(r->edit), edit);
    gtk_list_box_row_changed(GTK_LIST_BOX_ROW(row)); /* its place in the sort may change */
}

static void on_dialog_saved(PatenServiceDialog *dialog, gpointer service, gpointer data);

static void on_edit_clicked(GtkButton *button, gpointer data)
{
    PatenServicesPage *self = data;
    GtkWidget *row = gtk_widget_get_ancestor(GTK_WIDGET(button), GTK_TYPE_LIST_BOX_ROW);
    PatenServiceDialog *dialog;

    if (row == NULL)
        return;
    dialog = paten_service_dialog_new(toplevel(self), self->conn, self->offices,
                                      row_data(row)->service->id);
    g_signal_connect_object(dialog, "saved", G_CALLBACK(on_dialog_saved), self, 0);
    gtk_window_present(GTK_WINDOW(dialog));
}

static GtkLabel *row_label(GtkBox *box, const char *style, gboolean expand)
{
    GtkWidget *label = gtk_label_new(NULL);

    gtk_label_set_xalign(GTK_LABEL(label), 0);
    gtk_label_set_ellipsize(GTK_LABEL(label), PANGO_ELLIPSIZE_END);
    if (style != NULL)
        gtk_style_context_add_class(gtk_widget_get_style_context(label), style);
    gtk_widget_set_valign(label, GTK_ALIGN_CENTER);
    gtk_box_pack_start(box, label, expand, expand, 0);
    return GTK_LABEL(label);
}

static GtkWidget *new_row(PatenServicesPage *self)
{
    GtkWidget *row = gtk_list_box_row_new();
    GtkWidget *hbox = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 12);
    GtkWidget *lines = gtk_box_new(GTK_ORIENTATION_VERTICAL, 2);
    ServiceRow *r = g_new0(ServiceRow, 1);

    gtk_list_box_row_set_activatable(GTK_LIST_BOX_ROW(row), FALSE);
    gtk_list_box_row_set_selectable(GTK_LIST_BOX_ROW(row), FALSE);
    g_object_set(hbox, "margin-start", 12, "margin-end", 12, "margin-top", 8, "margin-bottom", 8,
                 NULL);
    gtk_widget_set_hexpand(lines, TRUE);
    r->name = row_label(GTK_BOX(lines), "paten-user", FALSE);
    r->detail = row_label(GTK_BOX(lines), NULL, FALSE);
    r->terms = row_label(GTK_BOX(lines), "dim-label", FALSE);
    gtk_box_pack_start(GTK_BOX(hbox), lines, TRUE, TRUE, 0);
    r->deadline = row_label(GTK_BOX(hbox), NULL, FALSE);
    r->version = row_label(GTK_BOX(hbox), "paten-badge", FALSE);
    r->status = row_label(GTK_BOX(hbox), "paten-badge", FALSE);
    r->edit = GTK_BUTTON(gtk_button_new_with_mnemonic(_("_Edit")));
    gtk_widget_set_valign(GTK_WIDGET(r->edit), GTK_ALIGN_CENTER);
    g_signal_connect_object(r->edit, "clicked", G_CALLBACK(on_edit_clicked), self, 0);
    gtk_box_pack_start(GTK_BOX(hbox), GTK_WIDGET(r->edit), FALSE, FALSE, 0);
    gtk_container_add(GTK_CONTAINER(row), hbox);
    g_object_set_data_full(G_OBJECT(row), "paten-service-row", r, service_row_free);
    gtk_widget_show_all(row);
    return row;
}

/* Shows s, added or replacing its row; an older version than the row's is ignored. */
static void apply_service(PatenServicesPage *self, const Paten__Service *s)
{
    GtkWidget *row = g_hash_table_lookup(self->rows, &s->id);
    ServiceRow *r;

    if (row != NULL && row_data(row)->service->version > s->version)
        return;
    if (row == NULL) {
        row = new_row(self);
        row_data(row)->service = paten_message_dup(&s->base);
        show_service(self, row);
        g_hash_table_insert(self->rows, g_memdup2(&s->id, sizeof s->id), row);
        gtk_container_add(GTK_CONTAINER(self->list), row);
        return;
    }
    r = row_data(row);
    paten_message_free(r->service);
    r->service = paten_message_dup(&s->base);
    show_service(self, row);
}

static void on_dialog_saved(PatenServiceDialog *dialog, gpointer service, gpointer data)
{
    (void)dialog;
    /* At once from the answer; the ServiceChanged event that follows changes nothing more. */
    apply_service(data, service);
}

static void clear_rows(PatenServicesPage *self)
{
    GHashTableIter it;
    gpointer row;

    g_hash_table_iter_init(&it, self->rows);
    while (g_hash_table_iter_next(&it, NULL, &row)) {
        g_hash_table_iter_remove(&it);
        gtk_widget_destroy(row);
    }
}

/* Active services first, then by name. */
static int sort_rows(GtkListBoxRow *a, GtkListBoxRow *b, gpointer data)
{
    const Paten__Service *sa = row_data(GTK_WIDGET(a))->service;
    const Paten__Service *sb = row_data(GTK_WIDGET(b))->service;
    int c;

    (void)data;
    if (sa == NULL || sb == NULL)
        return (sa == NULL) - (sb == NULL);
    if (sa->active != sb->active)
        return sa->active ? -1 : 1;
    c = g_utf8_collate(sa->name, sb->name);
    return c != 0 ? c : g_strcmp0(sa->code, sb->code);
}

/* ---- loading ------------------------------------------------------------------------------ */

static void load_services(PatenServicesPage *self);

static void on_services_listed(PatenServicesPage *self, GObject *src, GAsyncResult *res)
{
    g_autoptr(GError) err = NULL;
    Paten__ListServicesReply *reply = (Paten__ListServicesReply *)paten_connection_call_finish(
        PATEN_CONNECTION(src), res, NULL, &err);
    g_autoptr(GPtrArray) held = NULL;

    if (g_error_matches(err, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->app == NULL) {
        paten_message_free(reply);
        return;
    }
    held = g_steal_pointer(&self->held);
    set_loading(self, FALSE);
    if (reply == NULL) {
        g_autofree char *text = paten_error_text(err);
        g_autofree char *msg = g_strdup_printf(_("The services could not be loaded: %s"), text);

        paten_label_show(self->status_label, msg);
        return;
    }
    paten_label_show(self->status_label, NULL);
    clear_rows(self);
    for (size_t i = 0; i < reply->n_services; i++)
        apply_service(self, reply->services[i]);
    for (guint i = 0; held != NULL && i < held->len; i++)
        apply_service(self, held->pdata[i]);
    paten_message_free(reply);
}

/* The answer a reload is waiting for: a newer reload makes older answers void. */
typedef struct {
    PatenServicesPage *self;
    guint serial;
} Load;

static void on_load_done(GObject *src, GAsyncResult *res, gpointer data)
{
    Load *load = data;

    if (load->serial == load->self->load_serial)
        on_services_listed(load->self, src, res);
    else
        paten_message_free(paten_connection_call_finish(PATEN_CONNECTION(src), res, NULL, NULL));
    g_object_unref(load->self);
    g_free(load);
}

static void load_services(PatenServicesPage *self)
{
    Paten__ListServicesRequest req = PATEN__LIST_SERVICES_REQUEST__INIT;
    Load *load = g_new0(Load, 1);

    load->self = g_object_ref(self);
    load->serial = ++self->load_serial;
    if (self->held == NULL)
        self->held = g_ptr_array_new_with_free_func(paten_message_free);
    /* Retired services stay listed (marked): a new version can bring them back. */
    req.include_inactive = TRUE;
    set_loading(self, TRUE);
    paten_connection_call_async(self->conn, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_LIST_SERVICES,
                                &req.base, self->cancel, on_load_done, load);
}

static void on_service_changed(PatenEventBus *bus, gpointer ev, gpointer data)
{
    PatenServicesPage *self = data;
    const Paten__ServiceChanged *sc = ev;

    (void)bus;
    if (sc->service == NULL)
        return;
    if (self->held != NULL)
        g_ptr_array_add(self->held, paten_message_dup(&sc->service->base));
    else
        apply_service(self, sc->service);
}

static void on_events_missed(PatenEventBus *bus, gpointer data)
{
    (void)bus;
    load_services(data);
}

static void on_offices_listed(GObject *src, GAsyncResult *res, gpointer data)
{
    g_autoptr(PatenServicesPage) self = data;
    g_autoptr(GError) err = NULL;
    Paten__ListOfficesReply *reply = (Paten__ListOfficesReply *)paten_connection_call_finish(
        PATEN_CONNECTION(src), res, NULL, &err);
    GHashTableIter it;
    gpointer row;

    if (g_error_matches(err, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->app == NULL) {
        paten_message_free(reply);
        return;
    }
    if (reply == NULL) {
        g_autofree char *text = paten_error_text(err);
        g_autofree char *msg = g_strdup_printf(_("The offices could not be loaded: %s"), text);

        paten_label_show(self->status_label, msg);
        return;
    }
    g_ptr_array_set_size(self->offices, 0);
    for (size_t i = 0; i < reply->n_offices; i++)
        g_ptr_array_add(self->offices, paten_message_dup(&reply->offices[i]->base));
    /* Rows shown before the offices came now get their offices' names. */
    g_hash_table_iter_init(&it, self->rows);
    while (g_hash_table_iter_next(&it, NULL, &row))
        show_service(self, row);
    gtk_widget_set_sensitive(GTK_WIDGET(self->add_button), TRUE);
    paten_message_free(reply);
}

static void on_add_clicked(PatenServicesPage *self, GtkButton *button)
{
    PatenServiceDialog *dialog =
        paten_service_dialog_new(toplevel(self), self->conn, self->offices, 0);

    (void)button;
    g_signal_connect_object(dialog, "saved", G_CALLBACK(on_dialog_saved), self, 0);
    gtk_window_present(GTK_WINDOW(dialog));
}

/* ---- life --------------------------------------------------------------------------------- */

PatenServicesPage *paten_services_page_new(PatenApplication *app)
{
    PatenServicesPage *self = g_object_new(PATEN_TYPE_SERVICES_PAGE, NULL);

    self->app = app;
    self->conn = g_object_ref(paten_application_get_connection(app));
    self->bus = g_object_ref(paten_application_get_bus(app));
    g_signal_connect_object(self->bus, "service-changed", G_CALLBACK(on_service_changed), self, 0);
    g_signal_connect_object(self->bus, "events-missed", G_CALLBACK(on_events_missed), self, 0);
    paten_connection_call_async(self->conn, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_LIST_OFFICES, NULL,
                                self->cancel, on_offices_listed, g_object_ref(self));
    load_services(self);
    return self;
}

static void paten_services_page_dispose(GObject *obj)
{
    PatenServicesPage *self = PATEN_SERVICES_PAGE(obj);

    g_cancellable_cancel(self->cancel);
    if (self->bus != NULL)
        g_signal_handlers_disconnect_by_data(self->bus, self);
    g_clear_object(&self->bus);
    g_clear_object(&self->conn);
    self->app = NULL;
    G_OBJECT_CLASS(paten_services_page_parent_class)->dispose(obj);
}

static void paten_services_page_finalize(GObject *obj)
{
    PatenServicesPage *self = PATEN_SERVICES_PAGE(obj);

    g_clear_object(&self->cancel);
    g_hash_table_unref(self->rows);
    g_ptr_array_unref(self->offices);
    g_clear_pointer(&self->held, g_ptr_array_unref);
    G_OBJECT_CLASS(paten_services_page_parent_class)->finalize(obj);
}

static void paten_services_page_class_init(PatenServicesPageClass *klass)
{
    GtkWidgetClass *wc = GTK_WIDGET_CLASS(klass);

    G_OBJECT_CLASS(klass)->dispose = paten_services_page_dispose;
    G_OBJECT_CLASS(klass)->finalize = paten_services_page_finalize;
    gtk_widget_class_set_template_from_resource(wc, "/id/paten/desk/paten-services-page.ui");
    gtk_widget_class_bind_template_child(wc, PatenServicesPage, spinner);
    gtk_widget_class_bind_template_child(wc, PatenServicesPage, add_button);
    gtk_widget_class_bind_template_child(wc, PatenServicesPage, status_label);
    gtk_widget_class_bind_template_child(wc, PatenServicesPage, list);
    gtk_widget_class_bind_template_callback(wc, on_add_clicked);
}

static void paten_services_page_init(PatenServicesPage *self)
{
    GtkWidget *placeholder;

    self->rows = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
    self->offices = g_ptr_array_new_with_free_func(paten_message_free);
    self->cancel = g_cancellable_new();
    gtk_widget_init_template(GTK_WIDGET(self));
    gtk_list_box_set_sort_func(self->list, sort_rows, NULL, NULL);
    placeholder = gtk_label_new(_("No services to show."));
    gtk_style_context_add_class(gtk_widget_get_style_context(placeholder), "dim-label");
    gtk_widget_show(placeholder);
    gtk_list_box_set_placeholder(self->list, placeholder);
}
