/*
 * paten-tariffs-page.c: PatenTariffsPage (paten-tariffs-page.h).
 *
 * Both lists are the server's answers as they came (ListTariffs: by code then version;
 * ListInterestRegimes: oldest first), rebuilt whole on every answer: nothing pushes tariffs or
 * regimes, so the page reloads after each save of its own and when "Riwayat" is toggled. Each
 * list has a serial: an answer to an older request than the latest is dropped. The rows are built
 * here: labels, and on each code's latest tariff version its "Ubah" button.
 */
#include "paten-tariffs-page.h"

#include "paten-desk.h"
#include "paten-files.h"
#include "paten-regime-dialog.h"
#include "paten-tariff-dialog.h"
#include "paten-util.h"

struct _PatenTariffsPage {
    GtkBox parent_instance;

    GtkSpinner *spinner;
    GtkToggleButton *history_toggle;
    GtkButton *add_button;
    GtkButton *regime_button;
    GtkLabel *status_label;
    GtkListBox *tariffs_list;
    GtkListBox *regimes_list;

    PatenApplication *app; /* not a reference: the application outlives its windows */
    PatenConnection *conn;
    PatenEventBus *bus;
    GPtrArray *services;           /* Paten__Service copies: names, and the dialog's choice */
    Paten__InterestRegime *regime; /* the latest version, or NULL */
    guint tariffs_serial, regimes_serial;
    guint loading; /* requests under way */
    GCancellable *cancel;
};

G_DEFINE_TYPE(PatenTariffsPage, paten_tariffs_page, GTK_TYPE_BOX)

static GtkWindow *toplevel(PatenTariffsPage *self)
{
    GtkWidget *top = gtk_widget_get_toplevel(GTK_WIDGET(self));

    return GTK_IS_WINDOW(top) ? GTK_WINDOW(top) : NULL;
}

static void loading_changed(PatenTariffsPage *self, int by)
{
    self->loading += by;
    gtk_widget_set_visible(GTK_WIDGET(self->spinner), self->loading > 0);
    if (self->loading > 0)
        gtk_spinner_start(self->spinner);
    else
        gtk_spinner_stop(self->spinner);
}

static const Paten__Service *service_by_code(PatenTariffsPage *self, const char *code)
{
    for (guint i = 0; i < self->services->len; i++) {
        const Paten__Service *s = self->services->pdata[i];

        if (g_strcmp0(s->code, code) == 0)
            return s;
    }
    return NULL;
}

static void clear_list(GtkListBox *list)
{
    g_autoptr(GList) rows = gtk_container_get_children(GTK_CONTAINER(list));

    for (GList *l = rows; l != NULL; l = l->next)
        gtk_widget_destroy(l->data);
}

static GtkLabel *row_label(GtkBox *box, const char *text, const char *style)
{
    GtkWidget *label = gtk_label_new(text);

    gtk_label_set_xalign(GTK_LABEL(label), 0);
    gtk_label_set_ellipsize(GTK_LABEL(label), PANGO_ELLIPSIZE_END);
    gtk_widget_set_tooltip_text(label, text);
    if (style != NULL)
        gtk_style_context_add_class(gtk_widget_get_style_context(label), style);
    gtk_widget_set_valign(label, GTK_ALIGN_CENTER);
    gtk_box_pack_start(box, label, FALSE, FALSE, 0);
    return GTK_LABEL(label);
}

/* A row of three lines (title, detail, legal basis) and, on the right, when it takes effect and
 * its version; returns the row and, in *right, the box more can be packed into. */
static GtkWidget *new_row(const char *title, const char *detail, const char *basis,
                          const char *effective_from, int version, gboolean current, GtkBox **right)
{
    GtkWidget *row = gtk_list_box_row_new();
    GtkWidget *hbox = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 12);
    GtkWidget *lines = gtk_box_new(GTK_ORIENTATION_VERTICAL, 2);
    g_autofree char *date = paten_date_display(effective_from);
    /* TRANSLATORS: when a tariff or interest version takes effect: "Berlaku 1 Januari 2026". */
    g_autofree char *effective = g_strdup_printf(_("From %s"), date);
    g_autofree char *ver = g_strdup_printf(_("Version %d"), version);
    GtkLabel *name;

    gtk_list_box_row_set_activatable(GTK_LIST_BOX_ROW(row), FALSE);
    gtk_list_box_row_set_selectable(GTK_LIST_BOX_ROW(row), FALSE);
    g_object_set(hbox, "margin-start", 12, "margin-end", 12, "margin-top", 8, "margin-bottom", 8,
                 NULL);
    name = row_label(GTK_BOX(lines), title, "paten-user");
    row_label(GTK_BOX(lines), detail, NULL);
    row_label(GTK_BOX(lines), basis, "dim-label");
    /* Older versions are history: shown, but fainter. */
    gtk_widget_set_opacity(GTK_WIDGET(name), current ? 1.0 : 0.6);
    gtk_box_pack_start(GTK_BOX(hbox), lines, TRUE, TRUE, 0);
    row_label(GTK_BOX(hbox), effective, NULL);
    row_label(GTK_BOX(hbox), ver, "paten-badge");
    gtk_container_add(GTK_CONTAINER(row), hbox);
    *right = GTK_BOX(hbox);
    return row;
}

/* ---- tariffs ------------------------------------------------------------------------------ */

static void on_tariff_saved(PatenTariffDialog *dialog, gpointer tariff, gpointer data);

static void on_edit_clicked(GtkButton *button, gpointer data)
{
    PatenTariffsPage *self = data;
    const Paten__Tariff *t = g_object_get_data(G_OBJECT(button), "paten-tariff");
    PatenTariffDialog *dialog;

    if (t == NULL)
        return;
    dialog = paten_tariff_dialog_new(toplevel(self), self->conn, self->services, t);
    g_signal_connect_object(dialog, "saved", G_CALLBACK(on_tariff_saved), self, 0);
    gtk_window_present(GTK_WINDOW(dialog));
}

/* Adds the row of t; latest: it is its code's latest version (the one a new version follows). */
static void add_tariff_row(PatenTariffsPage *self, const Paten__Tariff *t, gboolean latest)
{
    const Paten__Service *s = service_by_code(self, t->service_code);
    /* TRANSLATORS: a tariff's code, the service it assesses, its formula: "imb · layanan Izin
     * Mendirikan Bangunan · rumus IMB". */
    g_autofree char *detail = g_strdup_printf(_("%s · service %s · formula %s"), t->code,
                                              s != NULL ? s->name : t->service_code,
                                              paten_tariff_formula_name(t->formula));
    /* TRANSLATORS: the accessible name of a tariff's row: its code and version, "imb versi 2". */
    g_autofree char *name = g_strdup_printf(_("%s version %d"), t->code, t->version);
    GtkBox *right;
    GtkWidget *row =
        new_row(t->name, detail, t->legal_basis, t->effective_from, t->version, latest, &right);

    if (latest) {
        GtkWidget *edit = gtk_button_new_with_mnemonic(_("_Edit"));
        g_autofree char *edit_name = g_strdup_printf(_("Edit %s"), t->code);

        gtk_widget_set_valign(edit, GTK_ALIGN_CENTER);
        paten_set_accessible_name(edit, edit_name);
        g_object_set_data_full(G_OBJECT(edit), "paten-tariff", paten_message_dup(&t->base),
                               paten_message_free);
        g_signal_connect_object(edit, "clicked", G_CALLBACK(on_edit_clicked), self, 0);
        gtk_box_pack_start(right, edit, FALSE, FALSE, 0);
    } else {
        /* Keeps the columns of history rows in line with the editable rows. */
        GtkWidget *spacer = gtk_label_new(NULL);

        gtk_label_set_width_chars(GTK_LABEL(spacer), 6);
        gtk_box_pack_start(right, spacer, FALSE, FALSE, 0);
    }
    paten_set_accessible_name(row, name);
    gtk_widget_show_all(row);
    gtk_container_add(GTK_CONTAINER(self->tariffs_list), row);
}

static void on_tariffs_listed(PatenTariffsPage *self, GObject *src, GAsyncResult *res)
{
    g_autoptr(GError) err = NULL;
    Paten__ListTariffsReply *reply = (Paten__ListTariffsReply *)paten_connection_call_finish(
        PATEN_CONNECTION(src), res, NULL, &err);

    if (reply == NULL) {
        g_autofree char *text = paten_error_text(err);
        g_autofree char *msg = g_strdup_printf(_("The tariffs could not be loaded: %s"), text);

        paten_label_show(self->status_label, msg);
        return;
    }
    paten_label_show(self->status_label, NULL);
    clear_list(self->tariffs_list);
    /* By code then version: a code's latest version is the last of its run. */
    for (size_t i = 0; i < reply->n_tariffs; i++) {
        const Paten__Tariff *t = reply->tariffs[i];
        gboolean latest =
            i + 1 == reply->n_tariffs || g_strcmp0(reply->tariffs[i + 1]->code, t->code) != 0;

        add_tariff_row(self, t, latest);
    }
    paten_message_free(reply);
}

/* ---- interest regimes --------------------------------------------------------------------- */

/* "2% per bulan · paling lama 6 bulan · bulan yang berjalan dihitung penuh · jatuh tempo 30
 * hari" for people. Caller frees. */
static char *regime_terms(const Paten__InterestRegime *g)
{
    g_autofree char *rate = paten_rate_display(g->monthly_bp);
    g_autofree char *cap = NULL, *due = NULL;

    cap = g->max_months > 0 ? g_strdup_printf(ngettext("at most %d month", "at most %d months",
                                                       (gulong)g->max_months),
                                              g->max_months)
                            : g_strdup(_("no cap"));
    due = g_strdup_printf(
        ngettext("due %d day after issue", "due %d days after issue", (gulong)g->due_days),
        g->due_days);
    /* TRANSLATORS: rate, cap, the started-month rule, due days: "2% per bulan · paling lama 6
     * bulan · ...". */
    return g_strdup_printf(_("%s a month · %s · %s · %s"), rate, cap,
                           g->started_month_counts ? _("a started month counts as a whole one")
                                                   : _("only whole months count"),
                           due);
}

static void on_regime_saved(PatenRegimeDialog *dialog, gpointer regime, gpointer data);

static void on_regime_clicked(PatenTariffsPage *self, GtkButton *button)
{
    PatenRegimeDialog *dialog = paten_regime_dialog_new(toplevel(self), self->conn, self->regime);

    (void)button;
    g_signal_connect_object(dialog, "saved", G_CALLBACK(on_regime_saved), self, 0);
    gtk_window_present(GTK_WINDOW(dialog));
}

static void add_regime_row(PatenTariffsPage *self, const Paten__InterestRegime *g, gboolean latest)
{
    g_autofree char *terms = regime_terms(g);
    /* TRANSLATORS: the accessible name of an interest regime's row: "Ketentuan bunga versi 2". */
    g_autofree char *name = g_strdup_printf(_("Interest regime version %d"), g->version);
    GtkBox *right;
    GtkWidget *row =
        new_row(g->name, terms, g->legal_basis, g->effective_from, g->version, latest, &right);

    paten_set_accessible_name(row, name);
    gtk_widget_show_all(row);
    gtk_container_add(GTK_CONTAINER(self->regimes_list), row);
}

static void on_regimes_listed(PatenTariffsPage *self, GObject *src, GAsyncResult *res)
{
    g_autoptr(GError) err = NULL;
    Paten__ListInterestRegimesReply *reply =
        (Paten__ListInterestRegimesReply *)paten_connection_call_finish(PATEN_CONNECTION(src), res,
                                                                        NULL, &err);
    gboolean history = gtk_toggle_button_get_active(self->history_toggle);

    if (reply == NULL) {
        g_autofree char *text = paten_error_text(err);
        g_autofree char *msg =
            g_strdup_printf(_("The interest regimes could not be loaded: %s"), text);

        paten_label_show(self->status_label, msg);
        return;
    }
    clear_list(self->regimes_list);
    g_clear_pointer(&self->regime, paten_message_free);
    if (reply->n_regimes > 0)
        self->regime = paten_message_dup(&reply->regimes[reply->n_regimes - 1]->base);
    /* Oldest first: the latest is the last; without "Riwayat" only the latest is shown. */
    for (size_t i = history ? 0 : (reply->n_regimes > 0 ? reply->n_regimes - 1 : 0);
         i < reply->n_regimes; i++)
        add_regime_row(self, reply->regimes[i], i + 1 == reply->n_regimes);
    gtk_widget_set_sensitive(GTK_WIDGET(self->regime_button), TRUE);
    paten_message_free(reply);
}

/* ---- loading ------------------------------------------------------------------------------ */

/* The answer a list is waiting for: a newer request for the same list makes older answers
 * void. */
typedef struct {
    PatenTariffsPage *self;
    gboolean tariffs; /* else the regimes */
    guint serial;
} Load;

static void on_load_done(GObject *src, GAsyncResult *res, gpointer data)
{
    Load *load = data;
    PatenTariffsPage *self = load->self;
    guint current = load->tariffs ? self->tariffs_serial : self->regimes_serial;

    if (self->app == NULL || load->serial != current) {
        paten_message_free(paten_connection_call_finish(PATEN_CONNECTION(src), res, NULL, NULL));
    } else {
        loading_changed(self, -1);
        if (load->tariffs)
            on_tariffs_listed(self, src, res);
        else
            on_regimes_listed(self, src, res);
    }
    g_object_unref(self);
    g_free(load);
}

static void load(PatenTariffsPage *self)
{
    Paten__ListTariffsRequest req = PATEN__LIST_TARIFFS_REQUEST__INIT;
    Load *tl = g_new0(Load, 1), *rl = g_new0(Load, 1);

    /* A request superseded before its answer no longer counts as under way. */
    self->loading = 0;
    tl->self = g_object_ref(self);
    tl->tariffs = TRUE;
    tl->serial = ++self->tariffs_serial;
    rl->self = g_object_ref(self);
    rl->serial = ++self->regimes_serial;
    req.include_history = gtk_toggle_button_get_active(self->history_toggle);
    loading_changed(self, 2);
    paten_connection_call_async(self->conn, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_LIST_TARIFFS,
                                &req.base, self->cancel, on_load_done, tl);
    paten_connection_call_async(self->conn, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_LIST_INTEREST_REGIMES,
                                NULL, self->cancel, on_load_done, rl);
}

static void on_tariff_saved(PatenTariffDialog *dialog, gpointer tariff, gpointer data)
{
    (void)dialog;
    (void)tariff;
    load(data);
}

static void on_regime_saved(PatenRegimeDialog *dialog, gpointer regime, gpointer data)
{
    (void)dialog;
    (void)regime;
    load(data);
}

static void on_history_toggled(PatenTariffsPage *self, GtkToggleButton *toggle)
{
    (void)toggle;
    load(self);
}

static void on_services_listed(GObject *src, GAsyncResult *res, gpointer data)
{
    g_autoptr(PatenTariffsPage) self = data;
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

        paten_label_show(self->status_label, msg);
        return;
    }
    g_ptr_array_set_size(self->services, 0);
    for (size_t i = 0; i < reply->n_services; i++)
        g_ptr_array_add(self->services, paten_message_dup(&reply->services[i]->base));
    gtk_widget_set_sensitive(GTK_WIDGET(self->add_button), TRUE);
    paten_message_free(reply);
    /* The rows shown before the services came get their services' names. */
    load(self);
}

static void load_services(PatenTariffsPage *self)
{
    Paten__ListServicesRequest req = PATEN__LIST_SERVICES_REQUEST__INIT;

    /* A retired service may still have a tariff: it is named too. */
    req.include_inactive = TRUE;
    paten_connection_call_async(self->conn, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_LIST_SERVICES,
                                &req.base, self->cancel, on_services_listed, g_object_ref(self));
}

static void on_add_clicked(PatenTariffsPage *self, GtkButton *button)
{
    PatenTariffDialog *dialog =
        paten_tariff_dialog_new(toplevel(self), self->conn, self->services, NULL);

    (void)button;
    g_signal_connect_object(dialog, "saved", G_CALLBACK(on_tariff_saved), self, 0);
    gtk_window_present(GTK_WINDOW(dialog));
}

/* A catalog change may rename a service or give one a fee: the names and the choice follow. */
static void on_service_changed(PatenEventBus *bus, gpointer ev, gpointer data)
{
    (void)bus;
    (void)ev;
    load_services(data);
}

static void on_events_missed(PatenEventBus *bus, gpointer data)
{
    (void)bus;
    load_services(data);
}

/* ---- life --------------------------------------------------------------------------------- */

PatenTariffsPage *paten_tariffs_page_new(PatenApplication *app)
{
    PatenTariffsPage *self = g_object_new(PATEN_TYPE_TARIFFS_PAGE, NULL);

    self->app = app;
    self->conn = g_object_ref(paten_application_get_connection(app));
    self->bus = g_object_ref(paten_application_get_bus(app));
    g_signal_connect_object(self->bus, "service-changed", G_CALLBACK(on_service_changed), self, 0);
    g_signal_connect_object(self->bus, "events-missed", G_CALLBACK(on_events_missed), self, 0);
    load(self);
    load_services(self);
    return self;
}

static void paten_tariffs_page_dispose(GObject *obj)
{
    PatenTariffsPage *self = PATEN_TARIFFS_PAGE(obj);

    g_cancellable_cancel(self->cancel);
    if (self->bus != NULL)
        g_signal_handlers_disconnect_by_data(self->bus, self);
    g_clear_object(&self->bus);
    g_clear_object(&self->conn);
    self->app = NULL;
    G_OBJECT_CLASS(paten_tariffs_page_parent_class)->dispose(obj);
}

static void paten_tariffs_page_finalize(GObject *obj)
{
    PatenTariffsPage *self = PATEN_TARIFFS_PAGE(obj);

    g_clear_object(&self->cancel);
    g_ptr_array_unref(self->services);
    paten_message_free(self->regime);
    G_OBJECT_CLASS(paten_tariffs_page_parent_class)->finalize(obj);
}

static void paten_tariffs_page_class_init(PatenTariffsPageClass *klass)
{
    GtkWidgetClass *wc = GTK_WIDGET_CLASS(klass);

    G_OBJECT_CLASS(klass)->dispose = paten_tariffs_page_dispose;
    G_OBJECT_CLASS(klass)->finalize = paten_tariffs_page_finalize;
    gtk_widget_class_set_template_from_resource(wc, "/id/paten/desk/paten-tariffs-page.ui");
    gtk_widget_class_bind_template_child(wc, PatenTariffsPage, spinner);
    gtk_widget_class_bind_template_child(wc, PatenTariffsPage, history_toggle);
    gtk_widget_class_bind_template_child(wc, PatenTariffsPage, add_button);
    gtk_widget_class_bind_template_child(wc, PatenTariffsPage, regime_button);
    gtk_widget_class_bind_template_child(wc, PatenTariffsPage, status_label);
    gtk_widget_class_bind_template_child(wc, PatenTariffsPage, tariffs_list);
    gtk_widget_class_bind_template_child(wc, PatenTariffsPage, regimes_list);
    gtk_widget_class_bind_template_callback(wc, on_add_clicked);
    gtk_widget_class_bind_template_callback(wc, on_regime_clicked);
    gtk_widget_class_bind_template_callback(wc, on_history_toggled);
}

static GtkWidget *placeholder(const char *text)
{
    GtkWidget *label = gtk_label_new(text);

    gtk_style_context_add_class(gtk_widget_get_style_context(label), "dim-label");
    gtk_widget_set_margin_top(label, 8);
    gtk_widget_set_margin_bottom(label, 8);
    gtk_widget_show(label);
    return label;
}

static void paten_tariffs_page_init(PatenTariffsPage *self)
{
    self->services = g_ptr_array_new_with_free_func(paten_message_free);
    self->cancel = g_cancellable_new();
    gtk_widget_init_template(GTK_WIDGET(self));
    gtk_list_box_set_placeholder(self->tariffs_list, placeholder(_("No tariffs to show.")));
    gtk_list_box_set_placeholder(self->regimes_list,
                                 placeholder(_("The region has no interest regime yet.")));
}
