/*
 * paten-register-dialog.c: PatenRegisterDialog (paten-register-dialog.h).
 *
 * The table shows exactly the last ListRegister answer, and "Cetak" prints that answer, not
 * what the choices say now: a clerk who changes the year after looking must press "Tampilkan"
 * again before the print button works, so what is printed is what was seen.
 */
#include "paten-register-dialog.h"

#include "paten-desk.h"
#include "paten-files.h"
#include "paten-register-book.h"
#include "paten-util.h"

enum { COL_SEQ, COL_NUMBER, COL_DATE, COL_FILE, COL_APPLICANT, COL_SERVICE, COL_BY, N_COLS };

enum { RESPONSE_PRINT = 1, RESPONSE_SHOW = 2 };

struct _PatenRegisterDialog {
    GtkDialog parent_instance;

    GtkComboBoxText *kind_combo;
    GtkComboBoxText *service_combo;
    GtkComboBoxText *office_combo;
    GtkWidget *office_label;
    GtkSpinButton *year_spin;
    GtkEntry *from_entry;
    GtkEntry *to_entry;
    GtkSpinner *spinner;
    GtkLabel *status_label;
    GtkTreeView *table;
    GtkListStore *store;
    GtkWidget *print_button;
    GtkWidget *show_button;

    PatenApplication *app; /* NULL once disposed */
    PatenConnection *conn;
    GCancellable *cancel;
    Paten__ListRegisterReply *shown; /* the answer the table shows, or NULL */
    char *shown_period;
    gboolean region_wide;
};

G_DEFINE_TYPE(PatenRegisterDialog, paten_register_dialog, GTK_TYPE_DIALOG)

static const Paten__DocumentKind kinds[] = {
    PATEN__DOCUMENT_KIND__DOCUMENT_KIND_RECEIPT,
    PATEN__DOCUMENT_KIND__DOCUMENT_KIND_DECREE,
    PATEN__DOCUMENT_KIND__DOCUMENT_KIND_RETURN_SLIP,
    PATEN__DOCUMENT_KIND__DOCUMENT_KIND_SURVEY_REPORT,
    PATEN__DOCUMENT_KIND__DOCUMENT_KIND_MEETING_MINUTES,
    PATEN__DOCUMENT_KIND__DOCUMENT_KIND_REJECTION_LETTER,
};

static void set_busy(PatenRegisterDialog *self, gboolean busy)
{
    gtk_widget_set_visible(GTK_WIDGET(self->spinner), busy);
    if (busy)
        gtk_spinner_start(self->spinner);
    else
        gtk_spinner_stop(self->spinner);
    gtk_widget_set_sensitive(self->show_button, !busy);
    gtk_widget_set_sensitive(self->print_button, !busy && self->shown != NULL);
}

static Paten__DocumentKind chosen_kind(PatenRegisterDialog *self)
{
    const char *id = gtk_combo_box_get_active_id(GTK_COMBO_BOX(self->kind_combo));

    return id ? (Paten__DocumentKind)g_ascii_strtoll(id, NULL, 10)
              : PATEN__DOCUMENT_KIND__DOCUMENT_KIND_RECEIPT;
}

static gint64 chosen_id(GtkComboBoxText *combo)
{
    const char *id = gtk_combo_box_get_active_id(GTK_COMBO_BOX(combo));

    return id ? g_ascii_strtoll(id, NULL, 10) : 0;
}

/* What was chosen no longer matches what the table shows: printing waits for "Tampilkan". */
static void forget_shown(PatenRegisterDialog *self)
{
    g_clear_pointer(&self->shown, paten_message_free);
    g_clear_pointer(&self->shown_period, g_free);
    gtk_list_store_clear(self->store);
    gtk_widget_set_sensitive(self->print_button, FALSE);
}

static void on_kind_changed(PatenRegisterDialog *self)
{
    /* Only the SK registers are kept per service. */
    gtk_widget_set_sensitive(GTK_WIDGET(self->service_combo),
                             chosen_kind(self) == PATEN__DOCUMENT_KIND__DOCUMENT_KIND_DECREE);
    forget_shown(self);
}

static void on_choice_changed(PatenRegisterDialog *self)
{
    forget_shown(self);
}

/* ---- loading the choices ------------------------------------------------------------------ */

static void on_services_listed(GObject *src, GAsyncResult *res, gpointer data)
{
    g_autoptr(PatenRegisterDialog) self = data;
    g_autoptr(GError) err = NULL;
    Paten__ListServicesReply *reply = (Paten__ListServicesReply *)paten_connection_call_finish(
        PATEN_CONNECTION(src), res, NULL, &err);

    if (self->app == NULL) {
        paten_message_free(reply);
        return;
    }
    if (reply == NULL) {
        g_autofree char *text = paten_error_text(err);
        g_autofree char *msg = g_strdup_printf(_("The services could not be loaded: %s"), text);
        paten_label_show(self->status_label, msg);
        return;
    }
    for (size_t i = 0; i < reply->n_services; i++) {
        g_autofree char *id = g_strdup_printf("%" G_GINT64_FORMAT, reply->services[i]->id);
        gtk_combo_box_text_append(self->service_combo, id, reply->services[i]->name);
    }
    if (reply->n_services > 0)
        gtk_combo_box_set_active(GTK_COMBO_BOX(self->service_combo), 0);
    paten_message_free(reply);
}

static void on_offices_listed(GObject *src, GAsyncResult *res, gpointer data)
{
    g_autoptr(PatenRegisterDialog) self = data;
    g_autoptr(GError) err = NULL;
    Paten__ListOfficesReply *reply = (Paten__ListOfficesReply *)paten_connection_call_finish(
        PATEN_CONNECTION(src), res, NULL, &err);

    if (self->app == NULL) {
        paten_message_free(reply);
        return;
    }
    if (reply == NULL) {
        g_autofree char *text = paten_error_text(err);
        g_autofree char *msg = g_strdup_printf(_("The offices could not be loaded: %s"), text);
        paten_label_show(self->status_label, msg);
        return;
    }
    /* Registers are kept by the kecamatan: only they are offered. */
    for (size_t i = 0; i < reply->n_offices; i++) {
        const Paten__Office *o = reply->offices[i];
        g_autofree char *id = g_strdup_printf("%" G_GINT64_FORMAT, o->id);

        if (o->kind == PATEN__OFFICE_KIND__OFFICE_KIND_KECAMATAN)
            gtk_combo_box_text_append(self->office_combo, id, o->name);
    }
    gtk_combo_box_set_active(GTK_COMBO_BOX(self->office_combo), 0);
    paten_message_free(reply);
}

/* ---- showing ------------------------------------------------------------------------------ */

/* The canonical date typed in entry, "" when empty, or NULL (after saying so) when it is not a
 * date. Caller frees. */
static char *date_of(PatenRegisterDialog *self, GtkEntry *entry, const char *what)
{
    const char *text = gtk_entry_get_text(entry);
    char *iso;

    if (text[0] == '\0')
        return g_strdup("");
    if ((iso = paten_date_parse(text)) == NULL) {
        g_autofree char *msg =
            g_strdup_printf(_("%s is not a date: write it like 31-05-2026."), what);
        paten_label_show(self->status_label, msg);
        gtk_widget_grab_focus(GTK_WIDGET(entry));
    }
    return iso;
}

static void fill_table(PatenRegisterDialog *self)
{
    gtk_list_store_clear(self->store);
    for (size_t i = 0; i < self->shown->n_entries; i++) {
        const Paten__RegisterEntry *e = self->shown->entries[i];
        g_autofree char *date = paten_date_display(e->issued_date);
        g_autofree char *by = e->voided_reason[0] ? g_strdup_printf(_("VOID: %s"), e->voided_reason)
                                                  : g_strdup(e->issued_by_name);

        gtk_list_store_insert_with_values(self->store, NULL, -1, COL_SEQ, e->seq, COL_NUMBER,
                                          e->number, COL_DATE, date, COL_FILE,
                                          e->file_register_number, COL_APPLICANT, e->applicant_name,
                                          COL_SERVICE, e->service_name, COL_BY, by, -1);
    }
}

typedef struct {
    PatenRegisterDialog *self; /* a reference */
    char *period;
} ShowCall;

static void on_register_listed(GObject *src, GAsyncResult *res, gpointer data)
{
    ShowCall *call = data;
    g_autoptr(PatenRegisterDialog) self = call->self;
    g_autofree char *period = call->period;
    g_autoptr(GError) err = NULL;
    Paten__ListRegisterReply *reply;

    g_free(call);
    reply = (Paten__ListRegisterReply *)paten_connection_call_finish(PATEN_CONNECTION(src), res,
                                                                     NULL, &err);
    if (self->app == NULL) {
        paten_message_free(reply);
        return;
    }
    if (reply == NULL) {
        g_autofree char *text = paten_error_text(err);
        set_busy(self, FALSE);
        paten_label_show(self->status_label, text);
        return;
    }
    forget_shown(self);
    self->shown = reply;
    self->shown_period = g_steal_pointer(&period);
    fill_table(self);
    set_busy(self, FALSE);
    {
        g_autofree char *msg = g_strdup_printf(
            g_dngettext(NULL, "%s: %u number.", "%s: %u numbers.", reply->n_entries), reply->title,
            (guint)reply->n_entries);
        paten_label_show(self->status_label, msg);
    }
}

static void show_register(PatenRegisterDialog *self)
{
    Paten__ListRegisterRequest req = PATEN__LIST_REGISTER_REQUEST__INIT;
    g_autofree char *from = NULL, *to = NULL;
    ShowCall *call;

    paten_label_show(self->status_label, NULL);
    if ((from = date_of(self, self->from_entry, _("The first day"))) == NULL ||
        (to = date_of(self, self->to_entry, _("The last day"))) == NULL)
        return;
    req.kind = chosen_kind(self);
    req.year = gtk_spin_button_get_value_as_int(self->year_spin);
    req.from_date = from;
    req.to_date = to;
    if (req.kind == PATEN__DOCUMENT_KIND__DOCUMENT_KIND_DECREE)
        req.service_id = chosen_id(self->service_combo);
    if (self->region_wide)
        req.office_id = chosen_id(self->office_combo);
    call = g_new0(ShowCall, 1);
    call->self = g_object_ref(self);
    if (from[0] || to[0]) {
        g_autofree char *a = from[0] ? paten_date_display(from) : g_strdup("…");
        g_autofree char *b = to[0] ? paten_date_display(to) : g_strdup("…");
        call->period = g_strdup_printf(_("Year %d, %s to %s"), req.year, a, b);
    } else {
        call->period = g_strdup_printf(_("Year %d"), req.year);
    }
    set_busy(self, TRUE);
    paten_connection_call_async(self->conn, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_LIST_REGISTER,
                                &req.base, self->cancel, on_register_listed, call);
}

static void print_register(PatenRegisterDialog *self)
{
    PatenSession *session = paten_application_get_session(self->app);
    g_autoptr(GDateTime) now = g_date_time_new_now_local();
    g_autofree char *when =
        paten_format_time(g_date_time_to_unix(now) * 1000,
                          session ? paten_session_get_time_zone(session) : NULL, TRUE);
    g_autofree char *footer = g_strdup_printf(_("Printed from paten-desk on %s"), when);
    g_autoptr(PatenRegisterBook) book = NULL;
    g_autofree char *said = NULL;

    if (self->shown == NULL)
        return;
    book =
        paten_register_book_new(self->shown, session ? paten_session_get_region_name(session) : "",
                                self->shown_period, footer);
    said = paten_register_book_print_from(book, GTK_WIDGET(self));
    if (said != NULL)
        paten_label_show(self->status_label, said);
}

static void paten_register_dialog_response(GtkDialog *dialog, int response)
{
    PatenRegisterDialog *self = PATEN_REGISTER_DIALOG(dialog);

    switch (response) {
    case RESPONSE_SHOW:
        show_register(self);
        break;
    case RESPONSE_PRINT:
        print_register(self);
        break;
    default:
        gtk_widget_destroy(GTK_WIDGET(self));
        break;
    }
}

/* ---- construction ------------------------------------------------------------------------- */

static void add_column(PatenRegisterDialog *self, int col, const char *title, gboolean expand)
{
    GtkCellRenderer *r = gtk_cell_renderer_text_new();
    GtkTreeViewColumn *c = gtk_tree_view_column_new_with_attributes(title, r, "text", col, NULL);

    /* Numbers and dates are read whole; names may lose their end (the PDF has room). */
    if (expand)
        g_object_set(r, "ellipsize", PANGO_ELLIPSIZE_END, NULL);
    gtk_tree_view_column_set_resizable(c, TRUE);
    gtk_tree_view_column_set_expand(c, expand);
    gtk_tree_view_append_column(self->table, c);
}

PatenRegisterDialog *paten_register_dialog_new(PatenApplication *app, GtkWindow *parent)
{
    PatenRegisterDialog *self =
        g_object_new(PATEN_TYPE_REGISTER_DIALOG, "transient-for", parent, NULL);
    PatenSession *session = paten_application_get_session(app);
    const Paten__User *u = paten_session_get_user(session);
    g_autoptr(GDateTime) now = g_date_time_new_now_local();
    Paten__ListServicesRequest services = PATEN__LIST_SERVICES_REQUEST__INIT;

    self->app = app;
    self->conn = g_object_ref(paten_application_get_connection(app));
    self->region_wide =
        u->office == NULL || u->office->kind != PATEN__OFFICE_KIND__OFFICE_KIND_KECAMATAN;
    gtk_spin_button_set_value(self->year_spin, g_date_time_get_year(now));
    gtk_widget_set_visible(GTK_WIDGET(self->office_combo), self->region_wide);
    gtk_widget_set_visible(self->office_label, self->region_wide);
    services.include_inactive = TRUE; /* an SK register outlives the service */
    paten_connection_call_async(self->conn, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_LIST_SERVICES,
                                &services.base, self->cancel, on_services_listed,
                                g_object_ref(self));
    if (self->region_wide)
        paten_connection_call_async(self->conn, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_LIST_OFFICES,
                                    NULL, self->cancel, on_offices_listed, g_object_ref(self));
    return self;
}

static void paten_register_dialog_dispose(GObject *obj)
{
    PatenRegisterDialog *self = PATEN_REGISTER_DIALOG(obj);

    if (self->cancel != NULL)
        g_cancellable_cancel(self->cancel);
    self->app = NULL;
    G_OBJECT_CLASS(paten_register_dialog_parent_class)->dispose(obj);
}

static void paten_register_dialog_finalize(GObject *obj)
{
    PatenRegisterDialog *self = PATEN_REGISTER_DIALOG(obj);

    g_clear_object(&self->cancel);
    g_clear_object(&self->conn);
    paten_message_free(self->shown);
    g_free(self->shown_period);
    G_OBJECT_CLASS(paten_register_dialog_parent_class)->finalize(obj);
}

static void paten_register_dialog_class_init(PatenRegisterDialogClass *klass)
{
    GtkWidgetClass *wc = GTK_WIDGET_CLASS(klass);

    G_OBJECT_CLASS(klass)->dispose = paten_register_dialog_dispose;
    G_OBJECT_CLASS(klass)->finalize = paten_register_dialog_finalize;
    GTK_DIALOG_CLASS(klass)->response = paten_register_dialog_response;
    gtk_widget_class_set_template_from_resource(wc, "/id/paten/desk/paten-register-dialog.ui");
    gtk_widget_class_bind_template_child(wc, PatenRegisterDialog, kind_combo);
    gtk_widget_class_bind_template_child(wc, PatenRegisterDialog, service_combo);
    gtk_widget_class_bind_template_child(wc, PatenRegisterDialog, office_combo);
    gtk_widget_class_bind_template_child(wc, PatenRegisterDialog, office_label);
    gtk_widget_class_bind_template_child(wc, PatenRegisterDialog, year_spin);
    gtk_widget_class_bind_template_child(wc, PatenRegisterDialog, from_entry);
    gtk_widget_class_bind_template_child(wc, PatenRegisterDialog, to_entry);
    gtk_widget_class_bind_template_child(wc, PatenRegisterDialog, spinner);
    gtk_widget_class_bind_template_child(wc, PatenRegisterDialog, status_label);
    gtk_widget_class_bind_template_child(wc, PatenRegisterDialog, table);
    gtk_widget_class_bind_template_child(wc, PatenRegisterDialog, store);
    gtk_widget_class_bind_template_child(wc, PatenRegisterDialog, print_button);
    gtk_widget_class_bind_template_child(wc, PatenRegisterDialog, show_button);
    gtk_widget_class_bind_template_callback(wc, on_kind_changed);
    gtk_widget_class_bind_template_callback(wc, on_choice_changed);
}

static void paten_register_dialog_init(PatenRegisterDialog *self)
{
    self->cancel = g_cancellable_new();
    gtk_widget_init_template(GTK_WIDGET(self));
    for (guint i = 0; i < G_N_ELEMENTS(kinds); i++) {
        g_autofree char *id = g_strdup_printf("%d", kinds[i]);
        gtk_combo_box_text_append(self->kind_combo, id, paten_document_kind_name(kinds[i]));
    }
    gtk_combo_box_set_active(GTK_COMBO_BOX(self->kind_combo), 0);
    add_column(self, COL_SEQ, _("No."), FALSE);
    add_column(self, COL_NUMBER, _("Document number"), FALSE);
    add_column(self, COL_DATE, _("Date"), FALSE);
    add_column(self, COL_FILE, _("File"), FALSE);
    add_column(self, COL_APPLICANT, _("Applicant"), TRUE);
    add_column(self, COL_SERVICE, _("Service"), TRUE);
    add_column(self, COL_BY, _("Issued by"), TRUE);
    gtk_dialog_set_default_response(GTK_DIALOG(self), RESPONSE_SHOW);
}
