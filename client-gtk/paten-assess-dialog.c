/*
 * paten-assess-dialog.c: PatenAssessDialog (paten-assess-dialog.h).
 *
 * The desk computes nothing: every figure shown is the server's (PreviewAssessment), amounts are
 * whole rupiah printed by paten_format_rupiah, exact decimals are shown as the server wrote them
 * (in the Indonesian way). A correction is sent with the ones already made, and becomes one of
 * them only when the server's preview accepts it. "Terbitkan" sends what the officer saw: the
 * file version and the principal of the preview on screen, the corrections it was computed with,
 * and an idempotency key made for that preview (a retry of the same issue reuses it; a new
 * preview makes a new one). A newer preview makes the answers of older ones void
 * (preview_serial).
 */
#include "paten-assess-dialog.h"

#include "paten-desk.h"
#include "paten-document.h"
#include "paten-file-documents.h"
#include "paten-files.h"
#include "paten-session.h"
#include "paten-util.h"
#include "paten_error.h"

#include <string.h>

struct _PatenAssessDialog {
    GtkDialog parent_instance;

    GtkScrolledWindow *scroller;
    GtkBox *content_box;
    GtkLabel *file_label;
    GtkLabel *applicant_label;
    GtkSpinner *spinner;
    GtkLabel *notice_label;
    GtkLabel *error_label;
    GtkGrid *inputs_grid;
    GtkGrid *steps_grid;
    GtkGrid *result_grid;
    GtkLabel *amount_label;
    GtkExpander *correction_expander;
    GtkComboBoxText *correction_combo;
    GtkEntry *correction_value_entry;
    GtkLabel *correction_hint_label;
    GtkEntry *correction_reason_entry;
    GtkLabel *correction_error_label;
    GtkWidget *correct_button;
    GtkWidget *clear_corrections_button;
    GtkLabel *corrections_label;
    GtkGrid *tax_grid;
    GtkEntry *taxpayer_number_entry;
    GtkWidget *find_taxpayer_button;
    GtkLabel *taxpayer_label;
    GtkExpander *register_expander;
    GtkEntry *taxpayer_name_entry;
    GtkEntry *taxpayer_address_entry;
    GtkEntry *taxpayer_nik_entry;
    GtkEntry *taxpayer_nib_entry;
    GtkWidget *register_taxpayer_button;
    GtkEntry *sptpd_number_entry;
    GtkEntry *sptpd_date_entry;
    GtkLabel *tax_error_label;
    GtkWidget *close_button;
    GtkWidget *print_button;
    GtkWidget *save_pdf_button;
    GtkWidget *issue_button;

    PatenApplication *app; /* not a reference: the application outlives its windows */
    PatenConnection *conn;
    PatenSession *session;
    GCancellable *cancel;
    Paten__AssessmentQueueEntry *entry;
    Paten__PreviewAssessmentReply *preview; /* the preview on screen, or NULL */
    GPtrArray *corrections;                 /* Paten__AssessmentCorrection *, accepted ones */
    Paten__Taxpayer *taxpayer;              /* SKPD: the taxpayer chosen, or NULL */
    Paten__Assessment *issued;              /* once issued (with its trace), or NULL */
    char *issue_key;                        /* IssueAssessment's key for the preview shown */
    char *taxpayer_key;                     /* RegisterTaxpayer's key until it succeeds */
    char *reload_reason; /* said above the preview the pending reload brings, or NULL */
    guint preview_serial;
    gboolean issuing;
};

G_DEFINE_TYPE(PatenAssessDialog, paten_assess_dialog, GTK_TYPE_DIALOG)

/* ---- corrections -------------------------------------------------------------------------- */

static Paten__AssessmentCorrection *correction_new(const char *field, const char *value,
                                                   const char *reason)
{
    Paten__AssessmentCorrection *c = g_new0(Paten__AssessmentCorrection, 1);

    paten__assessment_correction__init(c);
    c->field = g_strdup(field);
    c->value = g_strdup(value);
    c->reason = g_strdup(reason);
    return c;
}

static void correction_free(gpointer data)
{
    Paten__AssessmentCorrection *c = data;

    g_free(c->field);
    g_free(c->value);
    g_free(c->reason);
    g_free(c);
}

/* The accepted corrections with candidate (may be NULL) in place of the one of its field: a
 * new array of borrowed pointers. */
static GPtrArray *corrections_with(PatenAssessDialog *self, Paten__AssessmentCorrection *candidate)
{
    GPtrArray *all = g_ptr_array_new();

    for (guint i = 0; i < self->corrections->len; i++) {
        Paten__AssessmentCorrection *c = self->corrections->pdata[i];

        if (candidate == NULL || g_strcmp0(c->field, candidate->field) != 0)
            g_ptr_array_add(all, c);
    }
    if (candidate != NULL)
        g_ptr_array_add(all, candidate);
    return all;
}

/* ---- showing ------------------------------------------------------------------------------ */

static const char *tz(PatenAssessDialog *self)
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

/* The notice and the general error are at the top of the scrolled part: brings them into view. */
static void scroll_to_top(PatenAssessDialog *self)
{
    GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment(self->scroller);

    gtk_adjustment_set_value(adj, gtk_adjustment_get_lower(adj));
}

static void set_busy(PatenAssessDialog *self, gboolean busy)
{
    gtk_widget_set_visible(GTK_WIDGET(self->spinner), busy);
    if (busy)
        gtk_spinner_start(self->spinner);
    else
        gtk_spinner_stop(self->spinner);
}

static GtkWidget *cell(const char *text, gboolean dim, gboolean bold)
{
    GtkWidget *l = gtk_label_new(text ? text : "");

    gtk_label_set_xalign(GTK_LABEL(l), 0);
    gtk_label_set_line_wrap(GTK_LABEL(l), TRUE);
    gtk_label_set_selectable(GTK_LABEL(l), TRUE);
    gtk_widget_set_can_focus(l, FALSE);
    gtk_widget_set_valign(l, GTK_ALIGN_START);
    if (dim)
        gtk_style_context_add_class(gtk_widget_get_style_context(l), "dim-label");
    if (bold)
        gtk_style_context_add_class(gtk_widget_get_style_context(l), "paten-user");
    gtk_widget_show(l);
    return l;
}

/* Appends "label: value" to grid at *row (nothing when value is empty). */
static void add_pair(GtkGrid *grid, int *row, const char *label, const char *value)
{
    GtkWidget *v;

    if (value == NULL || value[0] == '\0')
        return;
    v = cell(value, FALSE, FALSE);
    gtk_widget_set_hexpand(v, TRUE);
    gtk_grid_attach(grid, cell(label, TRUE, FALSE), 0, *row, 1, 1);
    gtk_grid_attach(grid, v, 1, *row, 1, 1);
    (*row)++;
}

/* The tariff's input for field, or NULL. */
static const Paten__TariffInput *tariff_input(PatenAssessDialog *self, const char *field)
{
    const Paten__Tariff *t = self->preview ? self->preview->tariff : NULL;

    for (size_t i = 0; t != NULL && field != NULL && i < t->n_inputs; i++)
        if (g_strcmp0(t->inputs[i]->field, field) == 0)
            return t->inputs[i];
    return NULL;
}

/* An input's label (the preview's), by its field; the field itself when unknown. */
static const char *input_label(PatenAssessDialog *self, const char *field)
{
    const Paten__Assessment *a = self->preview ? self->preview->assessment : NULL;

    for (size_t i = 0; a != NULL && i < a->n_inputs; i++)
        if (g_strcmp0(a->inputs[i]->field, field) == 0)
            return a->inputs[i]->label;
    return field;
}

static void show_inputs(PatenAssessDialog *self, const Paten__Assessment *a)
{
    static const char *const heads[] = { N_("Input"), N_("Value"), N_("Source"), N_("Note") };

    clear_container(GTK_CONTAINER(self->inputs_grid));
    for (guint c = 0; c < G_N_ELEMENTS(heads); c++)
        gtk_grid_attach(self->inputs_grid, cell(_(heads[c]), TRUE, TRUE), (int)c, 0, 1, 1);
    for (size_t i = 0; i < a->n_inputs; i++) {
        const Paten__AssessmentInput *in = a->inputs[i];
        g_autofree char *value = paten_decimal_display(in->value);
        g_autofree char *note = NULL;
        GtkWidget *label = cell(in->label, FALSE, FALSE);

        if (in->original[0] != '\0') {
            g_autofree char *was = paten_decimal_display(in->original);

            /* TRANSLATORS: a corrected input: the correction's reason, then the value before. */
            note = g_strdup_printf(_("%s (was %s)"), in->note, was);
        } else {
            note = g_strdup(in->note);
        }
        gtk_widget_set_hexpand(label, TRUE);
        gtk_grid_attach(self->inputs_grid, label, 0, (int)i + 1, 1, 1);
        gtk_grid_attach(self->inputs_grid, cell(value, FALSE, FALSE), 1, (int)i + 1, 1, 1);
        gtk_grid_attach(self->inputs_grid, cell(in->source, TRUE, FALSE), 2, (int)i + 1, 1, 1);
        gtk_grid_attach(self->inputs_grid, cell(note, TRUE, FALSE), 3, (int)i + 1, 1, 1);
    }
}

static void show_steps(PatenAssessDialog *self, const Paten__Assessment *a)
{
    clear_container(GTK_CONTAINER(self->steps_grid));
    for (size_t i = 0; i < a->n_steps; i++) {
        g_autofree char *value = paten_decimal_display(a->steps[i]->value);
        GtkWidget *what = cell(a->steps[i]->what, FALSE, FALSE);

        gtk_widget_set_hexpand(what, TRUE);
        gtk_grid_attach(self->steps_grid, what, 0, (int)i, 1, 1);
        gtk_grid_attach(self->steps_grid, cell(value, FALSE, FALSE), 1, (int)i, 1, 1);
    }
}

static void show_result(PatenAssessDialog *self, const Paten__Assessment *a)
{
    GtkGrid *g = self->result_grid;
    int row = 0;
    g_autofree char *exact = paten_decimal_display(a->exact_amount);
    g_autofree char *due = paten_date_display(a->due_date);
    g_autofree char *amount = paten_format_rupiah(a->principal);
    g_autofree char *tariff = g_strdup_printf(_("%s, version %d (%s)"), a->tariff_name,
                                              a->tariff_version, a->tariff_code);
    g_autofree char *name = NULL;

    clear_container(GTK_CONTAINER(g));
    add_pair(g, &row, _("Kind"), paten_assessment_kind_name(a->kind));
    add_pair(g, &row, _("Exact amount"), exact);
    add_pair(g, &row, _("Rounding"), a->rounding);
    add_pair(g, &row, _("Due date"), due);
    add_pair(g, &row, _("Tariff"), tariff);
    add_pair(g, &row, _("Legal basis"), a->legal_basis);
    add_pair(g, &row, _("Late interest"), a->interest_regime);
    if (a->number[0] != '\0')
        add_pair(g, &row, C_("document", "Number"), a->number);
    gtk_label_set_text(self->amount_label, amount);
    /* TRANSLATORS: the accessible name of the amount: "Jumlah ketetapan Rp 1.012.500". */
    name = g_strdup_printf(_("Amount assessed %s"), amount);
    paten_set_accessible_name(GTK_WIDGET(self->amount_label), name);
}

static void show_corrections(PatenAssessDialog *self)
{
    GString *s = g_string_new(NULL);

    for (guint i = 0; i < self->corrections->len; i++) {
        const Paten__AssessmentCorrection *c = self->corrections->pdata[i];

        g_string_append_printf(s, "%s%s: %s — %s", i ? "\n" : "", input_label(self, c->field),
                               c->value, c->reason);
    }
    if (s->len > 0)
        g_string_prepend(s, _("Corrections sent with the calculation:\n"));
    paten_label_show(self->corrections_label, s->str);
    gtk_widget_set_visible(self->clear_corrections_button, self->corrections->len > 0);
    g_string_free(s, TRUE);
}

/* The choices of the correction: the inputs that come from the file (constants cannot be
 * corrected here: they are the tariff's). The choice shown stays when it is still there. */
static void fill_correction_choices(PatenAssessDialog *self, const Paten__Assessment *a)
{
    g_autofree char *was =
        g_strdup(gtk_combo_box_get_active_id(GTK_COMBO_BOX(self->correction_combo)));
    g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);

    gtk_combo_box_text_remove_all(self->correction_combo);
    for (size_t i = 0; i < a->n_inputs; i++) {
        const Paten__AssessmentInput *in = a->inputs[i];

        if (in->field[0] == '\0' || !g_hash_table_add(seen, in->field))
            continue;
        gtk_combo_box_text_append(self->correction_combo, in->field, in->label);
    }
    if (was == NULL || !gtk_combo_box_set_active_id(GTK_COMBO_BOX(self->correction_combo), was))
        gtk_combo_box_set_active(GTK_COMBO_BOX(self->correction_combo), 0);
    gtk_widget_set_sensitive(GTK_WIDGET(self->correction_expander), g_hash_table_size(seen) > 0);
}

/* The correction's hint: a table input takes one of its keys, others a number. */
static void on_correction_field_changed(GtkComboBox *combo, gpointer data)
{
    PatenAssessDialog *self = data;
    const Paten__TariffInput *ti = tariff_input(self, gtk_combo_box_get_active_id(combo));
    g_autoptr(GString) s = g_string_new(NULL);

    if (ti != NULL && ti->source == PATEN__TARIFF_SOURCE__TARIFF_SOURCE_TABLE) {
        for (size_t i = 0; i < ti->n_table; i++)
            if (g_strcmp0(ti->table[i]->key, "*") != 0)
                g_string_append_printf(s, "%s%s", s->len ? ", " : "", ti->table[i]->key);
        if (s->len > 0) {
            g_autofree char *hint = g_strdup_printf(_("One of: %s"), s->str);

            paten_label_show(self->correction_hint_label, hint);
            return;
        }
    }
    paten_label_show(self->correction_hint_label, ti ? _("A number, such as 72,5.") : NULL);
}

static gboolean is_tax(PatenAssessDialog *self)
{
    const Paten__Assessment *a = self->preview ? self->preview->assessment : NULL;

    if (a != NULL && a->kind != PATEN__ASSESSMENT_KIND__ASSESSMENT_KIND_UNSPECIFIED)
        return a->kind == PATEN__ASSESSMENT_KIND__ASSESSMENT_KIND_SKPD;
    return self->entry->fee == PATEN__FEE_KIND__FEE_KIND_PAJAK;
}

static void update_buttons(PatenAssessDialog *self)
{
    gboolean issued = self->issued != NULL;

    gtk_widget_set_visible(self->issue_button, !issued);
    gtk_widget_set_sensitive(self->issue_button, !issued && !self->issuing && self->preview);
    gtk_widget_set_visible(self->print_button, issued);
    gtk_widget_set_visible(self->save_pdf_button, issued);
    gtk_widget_set_sensitive(GTK_WIDGET(self->correction_expander),
                             !issued && !self->issuing && self->preview != NULL);
    gtk_widget_set_sensitive(GTK_WIDGET(self->tax_grid), !issued && !self->issuing);
    /* The grid is no-show-all: its children keep the visibility the template and the code give
     * them. */
    gtk_widget_set_visible(GTK_WIDGET(self->tax_grid), is_tax(self));
    paten_label_show(self->taxpayer_label, NULL);
    if (self->taxpayer != NULL) {
        const Paten__Taxpayer *t = self->taxpayer;
        g_autofree char *text = g_strdup_printf(_("NPWPD %s — %s%s%s"), t->npwpd, t->name,
                                                t->address[0] ? ", " : "", t->address);
        paten_label_show(self->taxpayer_label, text);
    }
}

static void show_header(PatenAssessDialog *self)
{
    const Paten__FileSummary *f = self->entry->file;
    g_autofree char *title = g_strdup_printf("%s · %s", f->register_number, f->service_name);
    g_autofree char *who =
        g_strdup_printf(_("Applicant: %s · %s · %s"), f->applicant_name,
                        self->entry->kecamatan_name, paten_fee_kind_name(self->entry->fee));
    g_autofree char *wtitle = g_strdup_printf(_("Assessment of file %s"), f->register_number);

    gtk_label_set_text(self->file_label, title);
    gtk_label_set_text(self->applicant_label, who);
    gtk_window_set_title(GTK_WINDOW(self), wtitle);
}

static void show_assessment(PatenAssessDialog *self, const Paten__Assessment *a)
{
    show_inputs(self, a);
    show_steps(self, a);
    show_result(self, a);
}

/* ---- the preview -------------------------------------------------------------------------- */

typedef struct {
    PatenAssessDialog *self; /* a reference */
    guint serial;
    Paten__AssessmentCorrection *candidate; /* owned; NULL for a plain reload */
} Preview;

static void preview_free(Preview *p)
{
    g_object_unref(p->self);
    if (p->candidate != NULL)
        correction_free(p->candidate);
    g_free(p);
}

static void on_preview_done(GObject *src, GAsyncResult *res, gpointer data)
{
    Preview *p = data;
    PatenAssessDialog *self = p->self;
    g_autoptr(GError) err = NULL;
    Paten__PreviewAssessmentReply *reply =
        (Paten__PreviewAssessmentReply *)paten_connection_call_finish(PATEN_CONNECTION(src), res,
                                                                      NULL, &err);

    if (p->serial != self->preview_serial || self->app == NULL ||
        g_error_matches(err, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
        paten_message_free(reply);
        preview_free(p);
        return;
    }
    set_busy(self, FALSE);
    if (reply == NULL || reply->assessment == NULL) {
        g_autofree char *text = paten_error_text(err);

        if (p->candidate != NULL) {
            /* The correction was refused: the preview shown stays as it was. */
            paten_label_show(self->correction_error_label, text);
        } else {
            g_autofree char *msg =
                g_strdup_printf(_("The calculation could not be loaded: %s"), text);
            paten_label_show(self->error_label, msg);
            scroll_to_top(self);
        }
        paten_message_free(reply);
        update_buttons(self);
        preview_free(p);
        return;
    }
    if (p->candidate != NULL) {
        for (guint i = 0; i < self->corrections->len; i++) {
            const Paten__AssessmentCorrection *c = self->corrections->pdata[i];

            if (g_strcmp0(c->field, p->candidate->field) == 0) {
                g_ptr_array_remove_index(self->corrections, i);
                break;
            }
        }
        g_ptr_array_add(self->corrections, g_steal_pointer(&p->candidate));
        gtk_entry_set_text(self->correction_value_entry, "");
        gtk_entry_set_text(self->correction_reason_entry, "");
    }
    /* Why the calculation was loaded again (a CONFLICT), or nothing. */
    paten_label_show(self->error_label, self->reload_reason);
    g_clear_pointer(&self->reload_reason, g_free);
    paten_label_show(self->correction_error_label, NULL);
    paten_message_free(self->preview);
    self->preview = reply;
    /* What "Terbitkan" sends now differs from before: a key of its own. */
    g_free(self->issue_key);
    self->issue_key = g_uuid_string_random();
    show_assessment(self, reply->assessment);
    fill_correction_choices(self, reply->assessment);
    show_corrections(self);
    update_buttons(self);
    preview_free(p);
}

/* Asks for the preview with the accepted corrections and candidate (taken; may be NULL). */
static void load_preview(PatenAssessDialog *self, Paten__AssessmentCorrection *candidate)
{
    Paten__PreviewAssessmentRequest req = PATEN__PREVIEW_ASSESSMENT_REQUEST__INIT;
    Preview *p = g_new0(Preview, 1);
    g_autoptr(GPtrArray) all = NULL;

    p->self = g_object_ref(self);
    p->serial = ++self->preview_serial;
    p->candidate = candidate;
    all = corrections_with(self, candidate);
    req.file_id = self->entry->file->id;
    req.n_corrections = all->len;
    req.corrections = (Paten__AssessmentCorrection **)all->pdata;
    set_busy(self, TRUE);
    paten_connection_call_async(self->conn, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_PREVIEW_ASSESSMENT,
                                &req.base, self->cancel, on_preview_done, p);
}

static void on_correct_clicked(PatenAssessDialog *self)
{
    const char *field = gtk_combo_box_get_active_id(GTK_COMBO_BOX(self->correction_combo));
    const Paten__TariffInput *ti = tariff_input(self, field);
    g_autofree char *typed = g_strstrip(g_strdup(gtk_entry_get_text(self->correction_value_entry)));
    g_autofree char *reason =
        g_strstrip(g_strdup(gtk_entry_get_text(self->correction_reason_entry)));
    g_autofree char *value = NULL;

    paten_label_show(self->correction_error_label, NULL);
    if (field == NULL || self->preview == NULL || self->issued != NULL)
        return;
    if (ti != NULL && ti->source == PATEN__TARIFF_SOURCE__TARIFF_SOURCE_TABLE)
        value = g_ascii_strup(typed, -1); /* a table's key: "PERMANEN" */
    else
        value = paten_decimal_parse(typed);
    if (value == NULL || value[0] == '\0') {
        paten_label_show(self->correction_error_label,
                         ti != NULL && ti->source == PATEN__TARIFF_SOURCE__TARIFF_SOURCE_TABLE
                             ? _("Enter one of the choices.")
                             : _("Enter a number, such as 72,5."));
        gtk_widget_grab_focus(GTK_WIDGET(self->correction_value_entry));
        return;
    }
    if (reason[0] == '\0') {
        paten_label_show(self->correction_error_label, _("Give the reason for the correction."));
        gtk_widget_grab_focus(GTK_WIDGET(self->correction_reason_entry));
        return;
    }
    load_preview(self, correction_new(field, value, reason));
}

static void on_clear_corrections_clicked(PatenAssessDialog *self)
{
    if (self->issued != NULL)
        return;
    g_ptr_array_set_size(self->corrections, 0);
    load_preview(self, NULL);
}

/* ---- the taxpayer (SKPD) ------------------------------------------------------------------ */

static void set_taxpayer(PatenAssessDialog *self, const Paten__Taxpayer *t)
{
    paten_message_free(self->taxpayer);
    self->taxpayer = paten_message_dup(&t->base);
    paten_label_show(self->tax_error_label, NULL);
    update_buttons(self);
}

static void on_taxpayer_found(GObject *src, GAsyncResult *res, gpointer data)
{
    g_autoptr(PatenAssessDialog) self = data;
    g_autoptr(GError) err = NULL;
    Paten__TaxpayerReply *reply = (Paten__TaxpayerReply *)paten_connection_call_finish(
        PATEN_CONNECTION(src), res, NULL, &err);

    if (self->app == NULL || g_error_matches(err, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
        paten_message_free(reply);
        return;
    }
    gtk_widget_set_sensitive(self->find_taxpayer_button, TRUE);
    gtk_widget_set_sensitive(self->register_taxpayer_button, TRUE);
    if (reply != NULL && reply->taxpayer != NULL) {
        set_taxpayer(self, reply->taxpayer);
    } else if (g_error_matches(err, PATEN_ERROR, PATEN_ERR_NOT_FOUND)) {
        const char *number = gtk_entry_get_text(self->taxpayer_number_entry);

        paten_label_show(self->tax_error_label,
                         _("No taxpayer has this number yet: register them below."));
        gtk_expander_set_expanded(self->register_expander, TRUE);
        gtk_widget_grab_focus(GTK_WIDGET(self->taxpayer_name_entry));
        /* A 16-digit number is a person's NIK, a 13-digit one an organisation's NIB. */
        if (strlen(number) == 16)
            gtk_entry_set_text(self->taxpayer_nik_entry, number);
        else if (strlen(number) == 13)
            gtk_entry_set_text(self->taxpayer_nib_entry, number);
    } else {
        g_autofree char *text = paten_error_text(err);

        paten_label_show(self->tax_error_label, text);
    }
    paten_message_free(reply);
}

static void on_find_taxpayer_clicked(PatenAssessDialog *self)
{
    Paten__FindTaxpayerRequest req = PATEN__FIND_TAXPAYER_REQUEST__INIT;
    g_autofree char *number = g_strstrip(g_strdup(gtk_entry_get_text(self->taxpayer_number_entry)));

    if (number[0] == '\0') {
        paten_label_show(self->tax_error_label, _("Enter the NIK, NIB or NPWPD."));
        return;
    }
    paten_label_show(self->tax_error_label, NULL);
    req.number = number;
    gtk_widget_set_sensitive(self->find_taxpayer_button, FALSE);
    paten_connection_call_async(self->conn, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_FIND_TAXPAYER,
                                &req.base, self->cancel, on_taxpayer_found, g_object_ref(self));
}

static void on_taxpayer_registered(GObject *src, GAsyncResult *res, gpointer data)
{
    g_autoptr(PatenAssessDialog) self = data;
    g_autoptr(GError) err = NULL;
    Paten__TaxpayerReply *reply = (Paten__TaxpayerReply *)paten_connection_call_finish(
        PATEN_CONNECTION(src), res, NULL, &err);

    if (self->app == NULL || g_error_matches(err, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
        paten_message_free(reply);
        return;
    }
    gtk_widget_set_sensitive(self->register_taxpayer_button, TRUE);
    if (reply != NULL && reply->taxpayer != NULL) {
        g_clear_pointer(&self->taxpayer_key, g_free);
        gtk_expander_set_expanded(self->register_expander, FALSE);
        gtk_entry_set_text(self->taxpayer_number_entry, reply->taxpayer->npwpd);
        set_taxpayer(self, reply->taxpayer);
    } else {
        g_autofree char *text = paten_error_text(err);

        paten_label_show(self->tax_error_label, text);
    }
    paten_message_free(reply);
}

static void on_register_taxpayer_clicked(PatenAssessDialog *self)
{
    Paten__RegisterTaxpayerRequest req = PATEN__REGISTER_TAXPAYER_REQUEST__INIT;
    g_autofree char *name = g_strstrip(g_strdup(gtk_entry_get_text(self->taxpayer_name_entry)));
    g_autofree char *address =
        g_strstrip(g_strdup(gtk_entry_get_text(self->taxpayer_address_entry)));
    g_autofree char *nik = g_strstrip(g_strdup(gtk_entry_get_text(self->taxpayer_nik_entry)));
    g_autofree char *nib = g_strstrip(g_strdup(gtk_entry_get_text(self->taxpayer_nib_entry)));

    if (name[0] == '\0' || address[0] == '\0') {
        paten_label_show(self->tax_error_label, _("Enter the taxpayer's name and address."));
        return;
    }
    if ((nik[0] == '\0') == (nib[0] == '\0')) {
        paten_label_show(self->tax_error_label, _("Enter either a NIK (a person) or a NIB (an "
                                                  "organisation)."));
        return;
    }
    paten_label_show(self->tax_error_label, NULL);
    if (self->taxpayer_key == NULL)
        self->taxpayer_key = g_uuid_string_random();
    req.idempotency_key = self->taxpayer_key;
    req.name = name;
    req.address = address;
    req.nik = nik;
    req.nib = nib;
    gtk_widget_set_sensitive(self->register_taxpayer_button, FALSE);
    paten_connection_call_async(self->conn, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_REGISTER_TAXPAYER,
                                &req.base, self->cancel, on_taxpayer_registered,
                                g_object_ref(self));
}

/* ---- issuing ------------------------------------------------------------------------------ */

static void show_issued(PatenAssessDialog *self)
{
    const Paten__Assessment *a = self->issued;
    g_autofree char *amount = paten_format_rupiah(a->principal);
    g_autofree char *due = paten_date_display(a->due_date);
    g_autofree char *said =
        g_strdup_printf(_("%s %s was issued: %s, due on %s."), paten_assessment_kind_name(a->kind),
                        a->number, amount, due);

    if (a->n_inputs > 0 || a->n_steps > 0)
        show_assessment(self, a);
    else
        show_result(self, a);
    paten_label_show(self->notice_label, said);
    update_buttons(self);
    gtk_widget_grab_focus(self->print_button);
    scroll_to_top(self);
}

/* The issue's answer lacked the trace: GetAssessment's answer is the one kept (and printed). */
static void on_issued_got(GObject *src, GAsyncResult *res, gpointer data)
{
    g_autoptr(PatenAssessDialog) self = data;
    Paten__AssessmentReply *reply = (Paten__AssessmentReply *)paten_connection_call_finish(
        PATEN_CONNECTION(src), res, NULL, NULL);

    if (self->app != NULL && reply != NULL && reply->assessment != NULL) {
        paten_message_free(self->issued);
        self->issued = paten_message_dup(&reply->assessment->base);
        show_issued(self);
    }
    paten_message_free(reply);
}

static void on_issue_done(GObject *src, GAsyncResult *res, gpointer data)
{
    g_autoptr(PatenAssessDialog) self = data;
    g_autoptr(GError) err = NULL;
    Paten__Error *error_reply = NULL;
    Paten__AssessmentReply *reply = (Paten__AssessmentReply *)paten_connection_call_finish(
        PATEN_CONNECTION(src), res, &error_reply, &err);

    if (self->app == NULL || g_error_matches(err, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
        paten_message_free(reply);
        paten_message_free(error_reply);
        return;
    }
    self->issuing = FALSE;
    set_busy(self, FALSE);
    if (reply != NULL && reply->assessment != NULL) {
        self->issued = paten_message_dup(&reply->assessment->base);
        show_issued(self);
        if (reply->assessment->n_inputs == 0 && reply->assessment->n_steps == 0) {
            Paten__GetAssessmentRequest req = PATEN__GET_ASSESSMENT_REQUEST__INIT;

            req.assessment_id = reply->assessment->id;
            paten_connection_call_async(self->conn,
                                        PATEN__MESSAGE_TYPE__MESSAGE_TYPE_GET_ASSESSMENT, &req.base,
                                        self->cancel, on_issued_got, g_object_ref(self));
        }
    } else {
        g_autofree char *text = paten_error_text(err);

        if (g_error_matches(err, PATEN_ERROR, PATEN_ERR_CONFLICT)) {
            /* The file or the tariff changed since the preview: show the calculation as it is
             * now and let the officer issue again. */
            g_autofree char *msg = g_strdup_printf(
                _("%s The calculation has been loaded again: check it and issue again."), text);

            paten_label_show(self->error_label, msg);
            scroll_to_top(self);
            g_free(self->reload_reason);
            self->reload_reason = g_steal_pointer(&msg);
            load_preview(self, NULL);
        } else if (error_reply != NULL &&
                   (g_strcmp0(error_reply->field, "taxpayer_id") == 0 ||
                    g_str_has_prefix(error_reply->field ? error_reply->field : "", "sptpd"))) {
            paten_label_show(self->tax_error_label, text);
            gtk_widget_grab_focus(GTK_WIDGET(self->taxpayer_number_entry));
        } else {
            paten_label_show(self->error_label, text);
            scroll_to_top(self);
        }
        update_buttons(self);
    }
    paten_message_free(reply);
    paten_message_free(error_reply);
}

static void on_issue_clicked(PatenAssessDialog *self)
{
    Paten__IssueAssessmentRequest req = PATEN__ISSUE_ASSESSMENT_REQUEST__INIT;
    const Paten__Assessment *a = self->preview ? self->preview->assessment : NULL;
    g_autofree char *sptpd_number =
        g_strstrip(g_strdup(gtk_entry_get_text(self->sptpd_number_entry)));
    g_autofree char *sptpd_date = NULL;
    g_autoptr(GPtrArray) all = NULL;

    if (a == NULL || self->issuing || self->issued != NULL)
        return;
    paten_label_show(self->error_label, NULL);
    if (is_tax(self)) {
        const char *typed = gtk_entry_get_text(self->sptpd_date_entry);

        if (self->taxpayer == NULL) {
            paten_label_show(self->tax_error_label,
                             _("Find the taxpayer (or register them) first."));
            gtk_widget_grab_focus(GTK_WIDGET(self->taxpayer_number_entry));
            return;
        }
        sptpd_date = paten_date_parse(typed);
        if (sptpd_number[0] == '\0' || sptpd_date == NULL) {
            paten_label_show(self->tax_error_label,
                             _("Enter the SPTPD's number and date (such as 20-11-2026)."));
            gtk_widget_grab_focus(GTK_WIDGET(sptpd_number[0] == '\0' ? self->sptpd_number_entry
                                                                     : self->sptpd_date_entry));
            return;
        }
        req.taxpayer_id = self->taxpayer->id;
        req.sptpd_number = sptpd_number;
        req.sptpd_date = sptpd_date;
    }
    all = corrections_with(self, NULL);
    req.idempotency_key = self->issue_key;
    req.file_id = self->entry->file->id;
    /* What the officer saw: the preview's file version and amount. */
    req.version = a->file_version;
    req.principal = a->principal;
    req.n_corrections = all->len;
    req.corrections = (Paten__AssessmentCorrection **)all->pdata;
    self->issuing = TRUE;
    set_busy(self, TRUE);
    update_buttons(self);
    paten_connection_call_async(self->conn, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_ISSUE_ASSESSMENT,
                                &req.base, self->cancel, on_issue_done, g_object_ref(self));
}

/* ---- the document ------------------------------------------------------------------------- */

static PatenDocument *issued_document(PatenAssessDialog *self)
{
    g_autoptr(GDateTime) now = g_date_time_new_now_utc();
    PatenPrintContext ctx = {
        .region_name = paten_session_get_region_name(self->session),
        .time_zone = tz(self),
        .now = now,
    };

    return paten_assessment_document_new(self->issued, &ctx);
}

static void on_print_clicked(PatenAssessDialog *self)
{
    g_autoptr(PatenDocument) doc = NULL;
    g_autofree char *said = NULL;

    if (self->issued == NULL)
        return;
    doc = issued_document(self);
    said = paten_document_print_from(doc, GTK_WIDGET(self),
                                     paten_assessment_kind_name(self->issued->kind));
    if (said != NULL)
        paten_label_show(self->notice_label, said);
}

static void on_save_pdf_clicked(PatenAssessDialog *self)
{
    g_autoptr(PatenDocument) doc = NULL;

    if (self->issued == NULL)
        return;
    doc = issued_document(self);
    paten_document_save_pdf_from(
        doc, GTK_WIDGET(self), paten_assessment_kind_name(self->issued->kind), self->notice_label);
}

static void on_close_clicked(PatenAssessDialog *self)
{
    gtk_widget_destroy(GTK_WIDGET(self));
}

/* ---- life --------------------------------------------------------------------------------- */

PatenAssessDialog *paten_assess_dialog_new(PatenApplication *app, GtkWindow *parent,
                                           const Paten__AssessmentQueueEntry *entry)
{
    PatenAssessDialog *self = g_object_new(PATEN_TYPE_ASSESS_DIALOG, "transient-for", parent,
                                           "use-header-bar", FALSE, NULL);

    self->app = app;
    self->conn = g_object_ref(paten_application_get_connection(app));
    self->session = g_object_ref(paten_application_get_session(app));
    self->entry = paten_message_dup(&entry->base);
    show_header(self);
    update_buttons(self);
    load_preview(self, NULL);
    return self;
}

gint64 paten_assess_dialog_get_file_id(PatenAssessDialog *self)
{
    g_return_val_if_fail(PATEN_IS_ASSESS_DIALOG(self), 0);
    return self->entry ? self->entry->file->id : 0;
}

static void paten_assess_dialog_dispose(GObject *obj)
{
    PatenAssessDialog *self = PATEN_ASSESS_DIALOG(obj);

    g_cancellable_cancel(self->cancel);
    g_clear_object(&self->conn);
    g_clear_object(&self->session);
    self->app = NULL;
    G_OBJECT_CLASS(paten_assess_dialog_parent_class)->dispose(obj);
}

static void paten_assess_dialog_finalize(GObject *obj)
{
    PatenAssessDialog *self = PATEN_ASSESS_DIALOG(obj);

    g_clear_object(&self->cancel);
    paten_message_free(self->entry);
    paten_message_free(self->preview);
    paten_message_free(self->taxpayer);
    paten_message_free(self->issued);
    g_ptr_array_unref(self->corrections);
    g_free(self->issue_key);
    g_free(self->taxpayer_key);
    g_free(self->reload_reason);
    G_OBJECT_CLASS(paten_assess_dialog_parent_class)->finalize(obj);
}

static void paten_assess_dialog_class_init(PatenAssessDialogClass *klass)
{
    GtkWidgetClass *wc = GTK_WIDGET_CLASS(klass);

    G_OBJECT_CLASS(klass)->dispose = paten_assess_dialog_dispose;
    G_OBJECT_CLASS(klass)->finalize = paten_assess_dialog_finalize;
    gtk_widget_class_set_template_from_resource(wc, "/id/paten/desk/paten-assess-dialog.ui");
    gtk_widget_class_bind_template_child(wc, PatenAssessDialog, scroller);
    gtk_widget_class_bind_template_child(wc, PatenAssessDialog, content_box);
    gtk_widget_class_bind_template_child(wc, PatenAssessDialog, file_label);
    gtk_widget_class_bind_template_child(wc, PatenAssessDialog, applicant_label);
    gtk_widget_class_bind_template_child(wc, PatenAssessDialog, spinner);
    gtk_widget_class_bind_template_child(wc, PatenAssessDialog, notice_label);
    gtk_widget_class_bind_template_child(wc, PatenAssessDialog, error_label);
    gtk_widget_class_bind_template_child(wc, PatenAssessDialog, inputs_grid);
    gtk_widget_class_bind_template_child(wc, PatenAssessDialog, steps_grid);
    gtk_widget_class_bind_template_child(wc, PatenAssessDialog, result_grid);
    gtk_widget_class_bind_template_child(wc, PatenAssessDialog, amount_label);
    gtk_widget_class_bind_template_child(wc, PatenAssessDialog, correction_expander);
    gtk_widget_class_bind_template_child(wc, PatenAssessDialog, correction_combo);
    gtk_widget_class_bind_template_child(wc, PatenAssessDialog, correction_value_entry);
    gtk_widget_class_bind_template_child(wc, PatenAssessDialog, correction_hint_label);
    gtk_widget_class_bind_template_child(wc, PatenAssessDialog, correction_reason_entry);
    gtk_widget_class_bind_template_child(wc, PatenAssessDialog, correction_error_label);
    gtk_widget_class_bind_template_child(wc, PatenAssessDialog, correct_button);
    gtk_widget_class_bind_template_child(wc, PatenAssessDialog, clear_corrections_button);
    gtk_widget_class_bind_template_child(wc, PatenAssessDialog, corrections_label);
    gtk_widget_class_bind_template_child(wc, PatenAssessDialog, tax_grid);
    gtk_widget_class_bind_template_child(wc, PatenAssessDialog, taxpayer_number_entry);
    gtk_widget_class_bind_template_child(wc, PatenAssessDialog, find_taxpayer_button);
    gtk_widget_class_bind_template_child(wc, PatenAssessDialog, taxpayer_label);
    gtk_widget_class_bind_template_child(wc, PatenAssessDialog, register_expander);
    gtk_widget_class_bind_template_child(wc, PatenAssessDialog, taxpayer_name_entry);
    gtk_widget_class_bind_template_child(wc, PatenAssessDialog, taxpayer_address_entry);
    gtk_widget_class_bind_template_child(wc, PatenAssessDialog, taxpayer_nik_entry);
    gtk_widget_class_bind_template_child(wc, PatenAssessDialog, taxpayer_nib_entry);
    gtk_widget_class_bind_template_child(wc, PatenAssessDialog, register_taxpayer_button);
    gtk_widget_class_bind_template_child(wc, PatenAssessDialog, sptpd_number_entry);
    gtk_widget_class_bind_template_child(wc, PatenAssessDialog, sptpd_date_entry);
    gtk_widget_class_bind_template_child(wc, PatenAssessDialog, tax_error_label);
    gtk_widget_class_bind_template_child(wc, PatenAssessDialog, close_button);
    gtk_widget_class_bind_template_child(wc, PatenAssessDialog, print_button);
    gtk_widget_class_bind_template_child(wc, PatenAssessDialog, save_pdf_button);
    gtk_widget_class_bind_template_child(wc, PatenAssessDialog, issue_button);
    gtk_widget_class_bind_template_callback(wc, on_correct_clicked);
    gtk_widget_class_bind_template_callback(wc, on_clear_corrections_clicked);
    gtk_widget_class_bind_template_callback(wc, on_find_taxpayer_clicked);
    gtk_widget_class_bind_template_callback(wc, on_register_taxpayer_clicked);
    gtk_widget_class_bind_template_callback(wc, on_close_clicked);
    gtk_widget_class_bind_template_callback(wc, on_print_clicked);
    gtk_widget_class_bind_template_callback(wc, on_save_pdf_clicked);
    gtk_widget_class_bind_template_callback(wc, on_issue_clicked);
}

static void paten_assess_dialog_init(PatenAssessDialog *self)
{
    self->cancel = g_cancellable_new();
    self->corrections = g_ptr_array_new_with_free_func(correction_free);
    gtk_widget_init_template(GTK_WIDGET(self));
    /* Tab (and a screen reader moving the focus) scrolls the focused field into view. */
    gtk_container_set_focus_vadjustment(GTK_CONTAINER(self->content_box),
                                        gtk_scrolled_window_get_vadjustment(self->scroller));
    g_signal_connect_object(self->correction_combo, "changed",
                            G_CALLBACK(on_correction_field_changed), self, 0);
}
