/*
 * paten-inbox-row.c: PatenInboxRow (paten-inbox-row.h).
 *
 * Signals "open", "respond" and "print": the user asked for that action on the row's
 * disposition; the page acts and reports back with paten_inbox_row_show_error/set_busy.
 */
#include "paten-inbox-row.h"

#include "paten-desk.h"
#include "paten-files.h"
#include "paten-roles.h"
#include "paten-util.h"

struct _PatenInboxRow {
    GtkListBoxRow parent_instance;

    GtkLabel *title_label;
    GtkLabel *detail_label;
    GtkLabel *instruction_label;
    GtkLabel *from_label;
    GtkLabel *response_label;
    GtkLabel *error_label;
    GtkLabel *claim_label;
    GtkLabel *due_label;
    GtkSpinner *spinner;
    GtkButton *open_button;
    GtkButton *respond_button;
    GtkButton *print_button;

    Paten__Disposition *disposition;
    gint64 me;
    char *tz;
    gboolean busy;
};

G_DEFINE_TYPE(PatenInboxRow, paten_inbox_row, GTK_TYPE_LIST_BOX_ROW)

enum { SIGNAL_OPEN, SIGNAL_RESPOND, SIGNAL_PRINT, N_SIGNALS };
static guint signals[N_SIGNALS];

static void set_bold(GtkLabel *label, gboolean bold)
{
    PangoAttrList *attrs = pango_attr_list_new();

    if (bold)
        pango_attr_list_insert(attrs, pango_attr_weight_new(PANGO_WEIGHT_BOLD));
    gtk_label_set_attributes(label, attrs);
    pango_attr_list_unref(attrs);
}

void paten_inbox_row_refresh_due(PatenInboxRow *self)
{
    const Paten__Disposition *d;
    PatenDueState state = PATEN_DUE_NONE;
    g_autofree char *text = NULL;
    GtkStyleContext *sc;

    g_return_if_fail(PATEN_IS_INBOX_ROW(self));
    d = self->disposition;
    text = paten_due_text(d->due_ms, g_get_real_time() / 1000, d->overdue, d->completed_at_ms != 0,
                          self->tz, &state);
    paten_label_show(self->due_label, text);
    /* Late in the error colour, due today in bold: the two a clerk must not miss. */
    sc = gtk_widget_get_style_context(GTK_WIDGET(self->due_label));
    if (state == PATEN_DUE_OVERDUE)
        gtk_style_context_add_class(sc, "paten-error");
    else
        gtk_style_context_remove_class(sc, "paten-error");
    set_bold(self->due_label, state == PATEN_DUE_OVERDUE || state == PATEN_DUE_TODAY);
}

static void show_disposition(PatenInboxRow *self)
{
    const Paten__Disposition *d = self->disposition;
    gboolean done = d->completed_at_ms != 0;
    gboolean mine = d->to_user_id != 0 && d->to_user_id == self->me;
    g_autofree char *title = NULL, *detail = NULL, *from = NULL, *sent = NULL, *claim = NULL;
    g_autofree char *response = NULL, *open_name = NULL, *respond_name = NULL;
    g_autofree char *print_name = NULL;

    title = g_strdup_printf("%s · %s", d->file_register_number, d->service_name);
    gtk_label_set_text(self->title_label, title);
    /* Unread in bold, as in a mail inbox: what has not been looked at yet stands out. */
    set_bold(self->title_label, d->read_at_ms == 0 && !done);
    detail = g_strdup_printf(_("Applicant: %s"), d->applicant_name);
    gtk_label_set_text(self->detail_label, detail);
    gtk_label_set_text(self->instruction_label, d->instruction);
    sent = paten_format_time(d->created_at_ms, self->tz, TRUE);
    if (d->from_as != NULL && d->from_as[0] != '\0')
        from = g_strdup_printf(_("From %s (%s), %s"), d->from_name, d->from_as, sent);
    else
        from = g_strdup_printf(_("From %s, %s"), d->from_name, sent);
    gtk_label_set_text(self->from_label, from);
    if (d->to_role != PATEN__ROLE__ROLE_UNSPECIFIED && d->to_user_id != 0)
        claim = g_strdup_printf(_("Claimed by %s"), d->to_name);
    else if (d->to_role != PATEN__ROLE__ROLE_UNSPECIFIED)
        claim = g_strdup_printf(_("For every %s"), paten_role_name(d->to_role));
    paten_label_show(self->claim_label, claim);
    if (done)
        response = g_strdup_printf(_("Response: %s"), d->response);
    paten_label_show(self->response_label, response);
    paten_inbox_row_refresh_due(self);

    gtk_widget_set_visible(GTK_WIDGET(self->respond_button), mine && !done);
    /* Stable names per disposition, so that assistive technology (and the tests) can tell the
     * buttons of one row from another's. */
    paten_set_accessible_name(GTK_WIDGET(self), d->file_register_number);
    open_name = g_strdup_printf(_("Open %s"), d->file_register_number);
    respond_name = g_strdup_printf(_("Respond to %s"), d->file_register_number);
    print_name = g_strdup_printf(_("Print the disposition sheet of %s"), d->file_register_number);
    paten_set_accessible_name(GTK_WIDGET(self->open_button), open_name);
    paten_set_accessible_name(GTK_WIDGET(self->respond_button), respond_name);
    paten_set_accessible_name(GTK_WIDGET(self->print_button), print_name);
}

void paten_inbox_row_set_disposition(PatenInboxRow *self, const Paten__Disposition *d)
{
    g_return_if_fail(PATEN_IS_INBOX_ROW(self));
    g_return_if_fail(d != NULL);
    paten_message_free(self->disposition);
    self->disposition = paten_message_dup(&d->base);
    show_disposition(self);
    gtk_list_box_row_changed(GTK_LIST_BOX_ROW(self)); /* its place in the sort may change */
}

const Paten__Disposition *paten_inbox_row_get_disposition(PatenInboxRow *self)
{
    g_return_val_if_fail(PATEN_IS_INBOX_ROW(self), NULL);
    return self->disposition;
}

void paten_inbox_row_show_error(PatenInboxRow *self, const char *text)
{
    g_return_if_fail(PATEN_IS_INBOX_ROW(self));
    paten_label_show(self->error_label, text);
}

void paten_inbox_row_set_busy(PatenInboxRow *self, gboolean busy)
{
    g_return_if_fail(PATEN_IS_INBOX_ROW(self));
    self->busy = busy;
    gtk_widget_set_sensitive(GTK_WIDGET(self->open_button), !busy);
    gtk_widget_set_sensitive(GTK_WIDGET(self->respond_button), !busy);
    gtk_widget_set_visible(GTK_WIDGET(self->spinner), busy);
    if (busy)
        gtk_spinner_start(self->spinner);
    else
        gtk_spinner_stop(self->spinner);
}

PatenInboxRow *paten_inbox_row_new(const Paten__Disposition *d, gint64 me, const char *tz)
{
    PatenInboxRow *self = g_object_new(PATEN_TYPE_INBOX_ROW, NULL);

    self->me = me;
    self->tz = g_strdup(tz);
    paten_inbox_row_set_disposition(self, d);
    return self;
}

static void on_open_clicked(PatenInboxRow *self, GtkButton *button)
{
    (void)button;
    if (!self->busy)
        g_signal_emit(self, signals[SIGNAL_OPEN], 0);
}

static void on_respond_clicked(PatenInboxRow *self, GtkButton *button)
{
    (void)button;
    if (!self->busy)
        g_signal_emit(self, signals[SIGNAL_RESPOND], 0);
}

static void on_print_clicked(PatenInboxRow *self, GtkButton *button)
{
    (void)button;
    g_signal_emit(self, signals[SIGNAL_PRINT], 0);
}

static void paten_inbox_row_finalize(GObject *obj)
{
    PatenInboxRow *self = PATEN_INBOX_ROW(obj);

    paten_message_free(self->disposition);
    g_free(self->tz);
    G_OBJECT_CLASS(paten_inbox_row_parent_class)->finalize(obj);
}

static void paten_inbox_row_class_init(PatenInboxRowClass *klass)
{
    GtkWidgetClass *wc = GTK_WIDGET_CLASS(klass);

    G_OBJECT_CLASS(klass)->finalize = paten_inbox_row_finalize;
    gtk_widget_class_set_template_from_resource(wc, "/id/paten/desk/paten-inbox-row.ui");
    gtk_widget_class_bind_template_child(wc, PatenInboxRow, title_label);
    gtk_widget_class_bind_template_child(wc, PatenInboxRow, detail_label);
    gtk_widget_class_bind_template_child(wc, PatenInboxRow, instruction_label);
    gtk_widget_class_bind_template_child(wc, PatenInboxRow, from_label);
    gtk_widget_class_bind_template_child(wc, PatenInboxRow, response_label);
    gtk_widget_class_bind_template_child(wc, PatenInboxRow, error_label);
    gtk_widget_class_bind_template_child(wc, PatenInboxRow, claim_label);
    gtk_widget_class_bind_template_child(wc, PatenInboxRow, due_label);
    gtk_widget_class_bind_template_child(wc, PatenInboxRow, spinner);
    gtk_widget_class_bind_template_child(wc, PatenInboxRow, open_button);
    gtk_widget_class_bind_template_child(wc, PatenInboxRow, respond_button);
    gtk_widget_class_bind_template_child(wc, PatenInboxRow, print_button);
    gtk_widget_class_bind_template_callback(wc, on_open_clicked);
    gtk_widget_class_bind_template_callback(wc, on_respond_clicked);
    gtk_widget_class_bind_template_callback(wc, on_print_clicked);

    /** PatenInboxRow::open: "Buka" (mark read, claim, show the file). */
    signals[SIGNAL_OPEN] = g_signal_new("open", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0,
                                        NULL, NULL, NULL, G_TYPE_NONE, 0);
    /** PatenInboxRow::respond: "Tanggapi" (complete it with a response). */
    signals[SIGNAL_RESPOND] = g_signal_new("respond", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST,
                                           0, NULL, NULL, NULL, G_TYPE_NONE, 0);
    /** PatenInboxRow::print: "Cetak lembar disposisi". */
    signals[SIGNAL_PRINT] = g_signal_new("print", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0,
                                         NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void paten_inbox_row_init(PatenInboxRow *self)
{
    gtk_widget_init_template(GTK_WIDGET(self));
}
