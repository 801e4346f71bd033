/*
 * paten-tariff-dialog.c: PatenTariffDialog (paten-tariff-dialog.h).
 *
 * The inputs are a vertical box of rows built here, one per input the chosen formula takes, in
 * its order; changing the formula keeps the rows it still has (what was typed stays) and adds or
 * drops rows at the end. Each row carries an InputRow with its widgets; its accessible names
 * carry its position ("Masukan 2: sumber") so that a screen reader (and the UI tests) can tell
 * the rows apart.
 *
 * Numbers are exact text all the way: the form shows the server's decimals the Indonesian way
 * ("12.500", "0,75") and reads what is typed back with paten_decimal_parse() into the canonical
 * text the server takes ("15000", "0.75"); no value passes through a double.
 *
 * One idempotency key per intended save: kept across retries of the same save (a lost reply sends
 * the same key, so the version is added at most once), renewed when the form is reloaded after a
 * CONFLICT, since what is then saved is a different decision.
 */
#include "paten-tariff-dialog.h"

#include "paten-desk.h"
#include "paten-files.h"
#include "paten-util.h"
#include "paten_error.h"

#include <string.h>

#define MAX_INPUTS 7

/* The formulas, with what each of their inputs means (common/paten_tariff.h). */
static const struct {
    Paten__TariffFormula formula;
    const char *name; /* N_() msgids */
    const char *rule;
    const char *inputs[MAX_INPUTS + 1];
} formulas[] = {
    { PATEN__TARIFF_FORMULA__TARIFF_FORMULA_IMB,
      N_("Building permit (IMB)"),
      N_("area × integrated index × activity index × unit price"),
      { N_("Building area (m2)"), N_("Integrated index"), N_("Activity index"),
        N_("Unit price (Rp per m2)"), NULL } },
    { PATEN__TARIFF_FORMULA__TARIFF_FORMULA_HO,
      N_("Nuisance permit (HO)"),
      N_("area × the average of the nuisance and location indices × price"),
      { N_("Area (m2)"), N_("Nuisance index"), N_("Location index"), N_("Price (Rp per m2)"),
        NULL } },
    { PATEN__TARIFF_FORMULA__TARIFF_FORMULA_BURIAL,
      N_("Burial"),
      N_("plot area × plot price + tomb area × tomb IMB price"),
      { N_("Plot area (m2)"), N_("Plot price (Rp per m2)"), N_("Tomb area (m2)"),
        N_("Tomb IMB price (Rp per m2)"), NULL } },
    { PATEN__TARIFF_FORMULA__TARIFF_FORMULA_REKLAME_CHARGE,
      N_("Reklame at a published charge"),
      N_("width × height × faces × count × charge × periods"),
      { N_("Width (m)"), N_("Height (m)"), N_("Faces"), N_("Count"),
        N_("Charge (Rp per m2 per period)"), N_("Periods"), NULL } },
    { PATEN__TARIFF_FORMULA__TARIFF_FORMULA_REKLAME_TAX,
      N_("Reklame tax on the rental value"),
      N_("width × height × faces × count × rental value (NSR) × periods × tax rate"),
      { N_("Width (m)"), N_("Height (m)"), N_("Faces"), N_("Count"),
        N_("Rental value, NSR (Rp per m2 per period)"), N_("Periods"),
        N_("Tax rate (0,25 = 25%, at most that)"), NULL } },
};

static const struct {
    Paten__TariffSource source;
    const char *name;
} sources[] = {
    { PATEN__TARIFF_SOURCE__TARIFF_SOURCE_CONSTANT, N_("Fixed value") },
    { PATEN__TARIFF_SOURCE__TARIFF_SOURCE_FIELD, N_("Form field") },
    { PATEN__TARIFF_SOURCE__TARIFF_SOURCE_TABLE, N_("Index table by a form field") },
};

static const struct {
    Paten__RoundingMode mode;
    const char *name;
} roundings[] = {
    { PATEN__ROUNDING_MODE__ROUNDING_MODE_HALF_UP, N_("Half up") },
    { PATEN__ROUNDING_MODE__ROUNDING_MODE_DOWN, N_("Down") },
    { PATEN__ROUNDING_MODE__ROUNDING_MODE_UP, N_("Up") },
};

/* The editable parts of an input row, in the order of part_names. */
enum { PART_LABEL, PART_SOURCE, PART_VALUE, PART_FIELD, PART_TABLE, N_PARTS };
/* TRANSLATORS: the parts of a tariff input's row, in accessible names such as "Input 2:
 * source". */
static const char *const part_names[N_PARTS] = { N_("label"), N_("source"), N_("value"),
                                                 N_("form field"), N_("index table") };

typedef struct {
    GtkWidget *heading;        /* "2. Indeks terintegrasi" */
    GtkWidget *parts[N_PARTS]; /* PART_TABLE: the text view */
    GtkWidget *table_box;      /* the table's scroller and hint, shown for TABLE only */
    GtkWidget *error;          /* what is wrong with the row, found on this side */
} InputRow;

struct _PatenTariffDialog {
    GtkDialog parent_instance;

    GtkLabel *version_label;
    GtkBox *conflict_box;
    GtkLabel *conflict_label;
    GtkButton *reload_button;
    GtkScrolledWindow *scroller;
    GtkBox *form_box;
    GtkEntry *code_entry;
    GtkComboBoxText *service_combo;
    GtkEntry *name_entry;
    GtkComboBoxText *formula_combo;
    GtkLabel *formula_label;
    GtkTextView *legal_view;
    GtkEntry *effective_entry;
    GtkComboBoxText *rounding_combo;
    GtkSpinButton *unit_spin;
    GtkBox *inputs_box;
    GtkLabel *code_error, *service_error, *name_error, *formula_error, *legal_error,
        *effective_error, *rounding_error, *inputs_error;
    GtkLabel *error_label;
    GtkSpinner *spinner;
    GtkButton *cancel_button;
    GtkButton *save_button;

    PatenConnection *conn;
    Paten__Tariff *loaded; /* the version being edited (NULL: a new tariff) */
    PatenFieldErrors *errors;
    GCancellable *cancel;
    char *key;
    gboolean busy;
};

G_DEFINE_TYPE(PatenTariffDialog, paten_tariff_dialog, GTK_TYPE_DIALOG)

enum { SIGNAL_SAVED, N_SIGNALS };
static guint signals[N_SIGNALS];

const char *paten_tariff_formula_name(Paten__TariffFormula formula)
{
    for (guint i = 0; i < G_N_ELEMENTS(formulas); i++)
        if (formulas[i].formula == formula)
            return _(formulas[i].name);
    return "?";
}

/* The inputs' meanings of formula (NULL-terminated msgids), or NULL for none chosen. */
static const char *const *formula_inputs(gint64 formula)
{
    for (guint i = 0; i < G_N_ELEMENTS(formulas); i++)
        if (formulas[i].formula == formula)
            return formulas[i].inputs;
    return NULL;
}

static void set_busy(PatenTariffDialog *self, gboolean busy)
{
    self->busy = busy;
    gtk_widget_set_sensitive(GTK_WIDGET(self->save_button), !busy);
    gtk_widget_set_sensitive(GTK_WIDGET(self->form_box), !busy);
    gtk_widget_set_sensitive(GTK_WIDGET(self->reload_button), !busy);
    gtk_widget_set_visible(GTK_WIDGET(self->spinner), busy);
    if (busy)
        gtk_spinner_start(self->spinner);
    else
        gtk_spinner_stop(self->spinner);
}

static char *text_view_text(GtkTextView *view)
{
    GtkTextBuffer *buf = gtk_text_view_get_buffer(view);
    GtkTextIter start, end;

    gtk_text_buffer_get_bounds(buf, &start, &end);
    return gtk_text_buffer_get_text(buf, &start, &end, FALSE);
}

static void set_combo_id(GtkComboBoxText *combo, gint64 id)
{
    g_autofree char *s = g_strdup_printf("%" G_GINT64_FORMAT, id);

    if (!gtk_combo_box_set_active_id(GTK_COMBO_BOX(combo), s))
        gtk_combo_box_set_active(GTK_COMBO_BOX(combo), -1);
}

static gint64 combo_id(GtkComboBoxText *combo)
{
    const char *id = gtk_combo_box_get_active_id(GTK_COMBO_BOX(combo));

    return id ? g_ascii_strtoll(id, NULL, 10) : 0;
}

/* "01-12-2026" for "2026-12-01" (the day-first way the desk's date fields take); "" for none.
 * Caller frees. */
static char *date_for_entry(const char *iso)
{
    unsigned y, m, d;
    char rest;

    if (iso == NULL || sscanf(iso, "%4u-%2u-%2u%c", &y, &m, &d, &rest) != 3)
        return g_strdup(iso ? iso : "");
    return g_strdup_printf("%02u-%02u-%04u", d, m, y);
}

/*
 * The canonical decimal of text as a tariff takes it (not negative, at most 9 decimal places), or
 * NULL with *why set to a sentence for people. Exact: text in, text out.
 */
static char *tariff_decimal(const char *text, const char **why)
{
    g_autofree char *d = paten_decimal_parse(text);
    const char *dot;

    if (d == NULL) {
        *why = _("not a number");
        return NULL;
    }
    if (d[0] == '-') {
        *why = _("a negative number");
        return NULL;
    }
    dot = strchr(d, '.');
    if (dot != NULL && strlen(dot + 1) > 9) {
        *why = _("more than 9 decimal places");
        return NULL;
    }
    return g_steal_pointer(&d);
}

/* ---- the input rows ----------------------------------------------------------------------- */

static InputRow *row_data(GtkWidget *row)
{
    return g_object_get_data(G_OBJECT(row), "paten-input-row");
}

/* Offers what a source uses: the value for a fixed value (and as the stand-in of a missing form
 * field), the form field for a field or a table, the table for a table. */
static void on_source_changed(GtkComboBox *combo, gpointer data)
{
    InputRow *r = data;
    gint64 source = combo_id(GTK_COMBO_BOX_TEXT(combo));

    gtk_widget_set_sensitive(r->parts[PART_VALUE],
                             source == PATEN__TARIFF_SOURCE__TARIFF_SOURCE_CONSTANT ||
                                 source == PATEN__TARIFF_SOURCE__TARIFF_SOURCE_FIELD);
    gtk_entry_set_placeholder_text(GTK_ENTRY(r->parts[PART_VALUE]),
                                   source == PATEN__TARIFF_SOURCE__TARIFF_SOURCE_FIELD
                                       ? _("when the form has none (optional)")
                                       : _("value, e.g. 12.500 or 0,75"));
    gtk_widget_set_sensitive(r->parts[PART_FIELD],
                             source == PATEN__TARIFF_SOURCE__TARIFF_SOURCE_FIELD ||
                                 source == PATEN__TARIFF_SOURCE__TARIFF_SOURCE_TABLE);
    gtk_widget_set_visible(r->table_box, source == PATEN__TARIFF_SOURCE__TARIFF_SOURCE_TABLE);
}

/* Gives every row its position and its formula's meaning, in its heading and accessible
 * names. */
static void renumber(PatenTariffDialog *self)
{
    g_autoptr(GList) rows = gtk_container_get_children(GTK_CONTAINER(self->inputs_box));
    const char *const *meanings = formula_inputs(combo_id(self->formula_combo));
    guint i = 0;

    for (GList *l = rows; l != NULL; l = l->next, i++) {
        InputRow *r = row_data(l->data);
        g_autofree char *heading =
            g_strdup_printf("%u. %s", i + 1, meanings != NULL ? _(meanings[i]) : "");

        gtk_label_set_text(GTK_LABEL(r->heading), heading);
        for (guint p = 0; p < N_PARTS; p++) {
            /* TRANSLATORS: "Masukan 2: sumber": a tariff input's number and one of its parts. */
            g_autofree char *name = g_strdup_printf(_("Input %u: %s"), i + 1, _(part_names[p]));

            paten_set_accessible_name(r->parts[p], name);
            gtk_widget_set_tooltip_text(r->parts[p], name);
        }
    }
}

static GtkWidget *part_entry(const char *placeholder, const char *text, int width_chars)
{
    GtkWidget *e = gtk_entry_new();

    gtk_entry_set_placeholder_text(GTK_ENTRY(e), placeholder);
    gtk_entry_set_text(GTK_ENTRY(e), text ? text : "");
    gtk_entry_set_activates_default(GTK_ENTRY(e), TRUE);
    if (width_chars > 0)
        gtk_entry_set_width_chars(GTK_ENTRY(e), width_chars);
    else
        gtk_widget_set_hexpand(e, TRUE);
    return e;
}

/* "PERMANEN = 1" lines, the values written the Indonesian way. Caller frees. */
static char *table_text(const Paten__TariffInput *in)
{
    GString *s = g_string_new(NULL);

    for (size_t k = 0; in != NULL && k < in->n_table; k++) {
        g_autofree char *value = paten_decimal_display(in->table[k]->value);

        g_string_append_printf(s, "%s%s = %s", k ? "\n" : "", in->table[k]->key, value);
    }
    return g_string_free(s, FALSE);
}

/* Appends a row for an input (in: its values, or NULL for an empty one). */
static void add_input_row(PatenTariffDialog *self, const Paten__TariffInput *in)
{
    InputRow *r = g_new0(InputRow, 1);
    GtkWidget *row = gtk_box_new(GTK_ORIENTATION_VERTICAL, 4);
    GtkWidget *grid = gtk_grid_new();
    GtkWidget *source = gtk_combo_box_text_new();
    GtkWidget *scroller = gtk_scrolled_window_new(NULL, NULL);
    GtkWidget *view = gtk_text_view_new();
    GtkWidget *hint = gtk_label_new(
        _("One entry a line: a choice of the form field, \"=\", its index (\"SEMI_PERMANEN = "
          "0,75\"); \"*\" stands for any other choice."));
    g_autofree char *value = in != NULL && in->value[0] ? paten_decimal_display(in->value) : NULL;
    g_autofree char *table = table_text(in);

    r->heading = gtk_label_new(NULL);
    gtk_label_set_xalign(GTK_LABEL(r->heading), 0);
    gtk_style_context_add_class(gtk_widget_get_style_context(r->heading), "paten-user");
    for (guint i = 0; i < G_N_ELEMENTS(sources); i++) {
        g_autofree char *id = g_strdup_printf("%d", sources[i].source);

        gtk_combo_box_text_append(GTK_COMBO_BOX_TEXT(source), id, _(sources[i].name));
    }
    set_combo_id(GTK_COMBO_BOX_TEXT(source),
                 in != NULL ? in->source : PATEN__TARIFF_SOURCE__TARIFF_SOURCE_CONSTANT);
    r->parts[PART_LABEL] = part_entry(_("label printed in the trace"), in ? in->label : NULL, 0);
    r->parts[PART_SOURCE] = source;
    r->parts[PART_VALUE] = part_entry(NULL, value, 14);
    r->parts[PART_FIELD] =
        part_entry(_("form field, e.g. luas_bangunan"), in ? in->field : NULL, 20);
    gtk_text_view_set_monospace(GTK_TEXT_VIEW(view), TRUE);
    /* Tab moves on, as everywhere else in the form. */
    gtk_text_view_set_accepts_tab(GTK_TEXT_VIEW(view), FALSE);
    gtk_text_buffer_set_text(gtk_text_view_get_buffer(GTK_TEXT_VIEW(view)), table, -1);
    r->parts[PART_TABLE] = view;
    gtk_scrolled_window_set_shadow_type(GTK_SCROLLED_WINDOW(scroller), GTK_SHADOW_IN);
    gtk_scrolled_window_set_policy(GTK_SCROLLED_WINDOW(scroller), GTK_POLICY_NEVER,
                                   GTK_POLICY_AUTOMATIC);
    gtk_scrolled_window_set_min_content_height(GTK_SCROLLED_WINDOW(scroller), 90);
    gtk_container_add(GTK_CONTAINER(scroller), view);
    gtk_label_set_xalign(GTK_LABEL(hint), 0);
    gtk_label_set_line_wrap(GTK_LABEL(hint), TRUE);
    gtk_style_context_add_class(gtk_widget_get_style_context(hint), "dim-label");
    r->table_box = gtk_box_new(GTK_ORIENTATION_VERTICAL, 2);
    gtk_box_pack_start(GTK_BOX(r->table_box), scroller, FALSE, FALSE, 0);
    gtk_box_pack_start(GTK_BOX(r->table_box), hint, FALSE, FALSE, 0);
    gtk_grid_set_row_spacing(GTK_GRID(grid), 4);
    gtk_grid_set_column_spacing(GTK_GRID(grid), 6);
    gtk_grid_attach(GTK_GRID(grid), r->parts[PART_LABEL], 0, 0, 3, 1);
    gtk_grid_attach(GTK_GRID(grid), r->parts[PART_SOURCE], 0, 1, 1, 1);
    gtk_grid_attach(GTK_GRID(grid), r->parts[PART_FIELD], 1, 1, 1, 1);
    gtk_grid_attach(GTK_GRID(grid), r->parts[PART_VALUE], 2, 1, 1, 1);
    gtk_grid_attach(GTK_GRID(grid), r->table_box, 0, 2, 3, 1);
    gtk_widget_set_margin_start(grid, 18);
    gtk_box_pack_start(GTK_BOX(row), r->heading, FALSE, FALSE, 0);
    gtk_box_pack_start(GTK_BOX(row), grid, FALSE, FALSE, 0);
    r->error = gtk_label_new(NULL);
    gtk_label_set_xalign(GTK_LABEL(r->error), 0);
    gtk_label_set_line_wrap(GTK_LABEL(r->error), TRUE);
    gtk_widget_set_margin_start(r->error, 18);
    gtk_style_context_add_class(gtk_widget_get_style_context(r->error), "paten-error");
    gtk_box_pack_start(GTK_BOX(row), r->error, FALSE, FALSE, 0);
    g_object_set_data_full(G_OBJECT(row), "paten-input-row", r, g_free);
    gtk_widget_show_all(row);
    gtk_widget_hide(r->error);
    on_source_changed(GTK_COMBO_BOX(source), r);
    g_signal_connect(source, "changed", G_CALLBACK(on_source_changed), r);
    gtk_box_pack_start(self->inputs_box, row, FALSE, FALSE, 0);
}

/* As many rows as the chosen formula takes: the first ones kept as they are, missing ones added
 * empty, extra ones dropped; and the formula's rule shown. */
static void on_formula_changed(PatenTariffDialog *self, GtkComboBox *combo)
{
    gint64 formula = combo_id(self->formula_combo);
    const char *const *meanings = formula_inputs(formula);
    g_autoptr(GList) rows = gtk_container_get_children(GTK_CONTAINER(self->inputs_box));
    guint want = 0, have = g_list_length(rows), i = 0;

    (void)combo;
    while (meanings != NULL && meanings[want] != NULL)
        want++;
    for (GList *l = rows; l != NULL; l = l->next, i++)
        if (i >= want)
            gtk_widget_destroy(l->data);
    for (i = have; i < want; i++)
        add_input_row(self, NULL);
    for (guint f = 0; f < G_N_ELEMENTS(formulas); f++)
        if (formulas[f].formula == formula) {
            /* TRANSLATORS: a formula's rule: "Rumus: luas × indeks ...". */
            g_autofree char *rule = g_strdup_printf(_("Formula: %s"), _(formulas[f].rule));

            gtk_label_set_text(self->formula_label, rule);
        }
    gtk_widget_set_visible(GTK_WIDGET(self->formula_label), meanings != NULL);
    renumber(self);
}

/* ---- the form ----------------------------------------------------------------------------- */

/* Hides every error shown, the server's and the rows' own. */
static void clear_errors(PatenTariffDialog *self)
{
    g_autoptr(GList) rows = gtk_container_get_children(GTK_CONTAINER(self->inputs_box));

    paten_field_errors_clear(self->errors);
    for (GList *l = rows; l != NULL; l = l->next)
        gtk_widget_hide(row_data(l->data)->error);
}

static void show_version_note(PatenTariffDialog *self)
{
    g_autofree char *note = NULL;
    g_autofree char *title = NULL;

    if (self->loaded == NULL) {
        note = g_strdup(_("A new tariff starts at version 1 and applies from its effective "
                          "date."));
        title = g_strdup(_("New tariff"));
    } else {
        note = g_strdup_printf(_("You are editing version %d. Saving adds version %d, which "
                                 "applies from its effective date; assessments already issued "
                                 "keep the version they were issued under."),
                               self->loaded->version, self->loaded->version + 1);
        title = g_strdup_printf(_("Edit tariff: %s"), self->loaded->name);
    }
    gtk_label_set_text(self->version_label, note);
    gtk_window_set_title(GTK_WINDOW(self), title);
}

/* Shows t (a copy is kept as the version edited) in the form, replacing whatever was there. */
static void fill(PatenTariffDialog *self, const Paten__Tariff *t)
{
    g_autofree char *date = date_for_entry(t->effective_from);
    g_autoptr(GList) rows = NULL;

    paten_message_free(self->loaded);
    self->loaded = paten_message_dup(&t->base);
    gtk_entry_set_text(self->code_entry, t->code);
    /* The code names the tariff across its versions: a new code is a new tariff. */
    gtk_widget_set_sensitive(GTK_WIDGET(self->code_entry), FALSE);
    if (!gtk_combo_box_set_active_id(GTK_COMBO_BOX(self->service_combo), t->service_code)) {
        /* A service that no longer has a fee keeps its tariff: it is offered all the same. */
        gtk_combo_box_text_append(self->service_combo, t->service_code, t->service_code);
        gtk_combo_box_set_active_id(GTK_COMBO_BOX(self->service_combo), t->service_code);
    }
    gtk_entry_set_text(self->name_entry, t->name);
    gtk_text_buffer_set_text(gtk_text_view_get_buffer(self->legal_view), t->legal_basis, -1);
    gtk_entry_set_text(self->effective_entry, date);
    set_combo_id(self->rounding_combo,
                 t->rounding_mode ? t->rounding_mode : PATEN__ROUNDING_MODE__ROUNDING_MODE_HALF_UP);
    gtk_spin_button_set_value(self->unit_spin, t->rounding_unit > 1 ? (double)t->rounding_unit : 1);
    rows = gtk_container_get_children(GTK_CONTAINER(self->inputs_box));
    for (GList *l = rows; l != NULL; l = l->next)
        gtk_widget_destroy(l->data);
    for (size_t i = 0; i < t->n_inputs; i++)
        add_input_row(self, t->inputs[i]);
    /* The formula last: its rows are the ones just added (more or fewer are fixed to fit). */
    g_signal_handlers_block_by_func(self->formula_combo, on_formula_changed, self);
    set_combo_id(self->formula_combo, t->formula);
    g_signal_handlers_unblock_by_func(self->formula_combo, on_formula_changed, self);
    on_formula_changed(self, NULL);
    show_version_note(self);
}

/* Everything allocated for one SaveTariffRequest, freed together after sending it. */
typedef struct {
    Paten__Tariff tariff;
    GPtrArray *mem;
} Draft;

static gpointer keep(Draft *d, gpointer p)
{
    g_ptr_array_add(d->mem, p);
    return p;
}

static char *entry_text(Draft *d, GtkWidget *entry)
{
    return keep(d, g_strstrip(g_strdup(gtk_entry_get_text(GTK_ENTRY(entry)))));
}

/* A mistake found on this side: shown next to where, the focus put on widget. */
typedef struct {
    GtkLabel *where;
    GtkWidget *widget;
    char *text;
} Problem;

static gboolean refuse(Problem *p, GtkLabel *where, GtkWidget *widget, char *text)
{
    if (p->text == NULL) {
        p->where = where;
        p->widget = widget;
        p->text = text;
    } else {
        g_free(text);
    }
    return FALSE;
}

/* Reads input row r (number n) into in; FALSE with *p set (shown under the row) when a number or
 * the table is not exact text the server takes. */
static gboolean read_input(Draft *d, InputRow *r, guint n, Paten__TariffInput *in, Problem *p)
{
    const char *why = NULL;
    g_autofree char *value_text = NULL;

    paten__tariff_input__init(in);
    in->label = entry_text(d, r->parts[PART_LABEL]);
    in->source = combo_id(GTK_COMBO_BOX_TEXT(r->parts[PART_SOURCE]));
    value_text = g_strstrip(g_strdup(gtk_entry_get_text(GTK_ENTRY(r->parts[PART_VALUE]))));
    if (in->source == PATEN__TARIFF_SOURCE__TARIFF_SOURCE_FIELD ||
        in->source == PATEN__TARIFF_SOURCE__TARIFF_SOURCE_TABLE)
        in->field = entry_text(d, r->parts[PART_FIELD]);
    if (in->source == PATEN__TARIFF_SOURCE__TARIFF_SOURCE_CONSTANT ||
        (in->source == PATEN__TARIFF_SOURCE__TARIFF_SOURCE_FIELD && value_text[0] != '\0')) {
        char *v = tariff_decimal(value_text, &why);

        if (v == NULL)
            /* TRANSLATORS: "Masukan 4: nilai «12,5,0» bukan bilangan". */
            return refuse(
                p, GTK_LABEL(r->error), r->parts[PART_VALUE],
                g_strdup_printf(_("Input %u: the value “%s” is %s."), n, value_text, why));
        in->value = keep(d, v);
    }
    if (in->source == PATEN__TARIFF_SOURCE__TARIFF_SOURCE_TABLE) {
        g_autofree char *text = text_view_text(GTK_TEXT_VIEW(r->parts[PART_TABLE]));
        g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
        guint nl = g_strv_length(lines);

        in->table = keep(d, g_new0(Paten__TariffIndexEntry *, nl + 1));
        for (guint i = 0; i < nl; i++) {
            char *line = g_strstrip(lines[i]);
            char *eq = strchr(line, '=');
            Paten__TariffIndexEntry *e;
            char *key, *v;

            if (line[0] == '\0')
                continue;
            if (eq == NULL)
                return refuse(p, GTK_LABEL(r->error), r->parts[PART_TABLE],
                              g_strdup_printf(_("Input %u, line %u: write a choice, \"=\" and "
                                                "its index."),
                                              n, i + 1));
            *eq = '\0';
            key = g_strstrip(line);
            if (key[0] == '\0' || strchr(key, ' ') != NULL || strlen(key) > 63)
                return refuse(p, GTK_LABEL(r->error), r->parts[PART_TABLE],
                              g_strdup_printf(_("Input %u, line %u: “%s” is not a choice of a "
                                                "form field."),
                                              n, i + 1, key));
            for (size_t k = 0; k < in->n_table; k++)
                if (strcmp(in->table[k]->key, key) == 0)
                    return refuse(p, GTK_LABEL(r->error), r->parts[PART_TABLE],
                                  g_strdup_printf(_("Input %u, line %u: “%s” is in the table "
                                                    "twice."),
                                                  n, i + 1, key));
            v = tariff_decimal(g_strstrip(eq + 1), &why);
            if (v == NULL)
                return refuse(p, GTK_LABEL(r->error), r->parts[PART_TABLE],
                              g_strdup_printf(_("Input %u, line %u: the index of “%s” is %s."), n,
                                              i + 1, key, why));
            e = keep(d, g_malloc(sizeof *e));
            paten__tariff_index_entry__init(e);
            e->key = keep(d, g_strdup(key));
            e->value = keep(d, v);
            in->table[in->n_table++] = e;
        }
        if (in->n_table == 0)
            return refuse(p, GTK_LABEL(r->error), r->parts[PART_TABLE],
                          g_strdup_printf(_("Input %u: the index table is empty."), n));
    }
    return TRUE;
}

/* The tariff as the form has it, ready to send, with the version edited (0 for a new tariff);
 * FALSE with *p set when something typed is not what a tariff takes. */
static gboolean read_form(PatenTariffDialog *self, Draft *d, Problem *p)
{
    Paten__Tariff *t = &d->tariff;
    const char *service = gtk_combo_box_get_active_id(GTK_COMBO_BOX(self->service_combo));
    const char *date_text = gtk_entry_get_text(self->effective_entry);
    char *date = paten_date_parse(date_text);
    g_autoptr(GList) rows = gtk_container_get_children(GTK_CONTAINER(self->inputs_box));
    guint n = g_list_length(rows), i = 0;
    gboolean ok = TRUE;

    paten__tariff__init(t);
    d->mem = g_ptr_array_new_with_free_func(g_free);
    gtk_spin_button_update(self->unit_spin);
    t->version = self->loaded ? self->loaded->version : 0;
    t->id = self->loaded ? self->loaded->id : 0;
    t->code = entry_text(d, GTK_WIDGET(self->code_entry));
    t->service_code = keep(d, g_strdup(service ? service : ""));
    t->name = entry_text(d, GTK_WIDGET(self->name_entry));
    t->formula = combo_id(self->formula_combo);
    t->legal_basis = keep(d, g_strstrip(text_view_text(self->legal_view)));
    if (date == NULL)
        ok = refuse(p, self->effective_error, GTK_WIDGET(self->effective_entry),
                    g_strdup(_("Write the date as dd-mm-yyyy, e.g. 01-12-2026.")));
    t->effective_from = keep(d, date ? date : g_strdup(""));
    t->rounding_mode = combo_id(self->rounding_combo);
    t->rounding_unit = gtk_spin_button_get_value_as_int(self->unit_spin);
    t->inputs = keep(d, g_new0(Paten__TariffInput *, n + 1));
    for (GList *l = rows; l != NULL; l = l->next, i++) {
        Paten__TariffInput *in = keep(d, g_malloc(sizeof *in));

        if (!read_input(d, row_data(l->data), i + 1, in, p))
            ok = FALSE;
        t->inputs[t->n_inputs++] = in;
    }
    return ok;
}

static void on_error_allocated(GtkWidget *label, GdkRectangle *alloc, gpointer data)
{
    PatenTariffDialog *self = data;
    GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment(self->scroller);
    double value = gtk_adjustment_get_value(adj), page = gtk_adjustment_get_page_size(adj);
    int x, y;

    g_signal_handlers_disconnect_by_func(label, on_error_allocated, self);
    if (!gtk_widget_translate_coordinates(label, GTK_WIDGET(self->form_box), 0, 0, &x, &y))
        return;
    if (y + alloc->height > value + page)
        gtk_adjustment_set_value(adj, y + alloc->height - page);
    else if (y < value)
        gtk_adjustment_set_value(adj, y);
}

/* Scrolls the form so that the error label just shown is in view, once it has its place: the
 * focus scrolls only to the widget it lands on, and the label under it may stay out of sight. */
static void reveal(PatenTariffDialog *self, GtkLabel *label)
{
    if (label == NULL || !gtk_widget_is_ancestor(GTK_WIDGET(label), GTK_WIDGET(self->form_box)))
        return;
    g_signal_handlers_disconnect_by_func(label, on_error_allocated, self);
    g_signal_connect_object(label, "size-allocate", G_CALLBACK(on_error_allocated), self,
                            G_CONNECT_AFTER);
}

/* The widget to focus for an error label, so the ADMIN lands where the problem is. */
static GtkWidget *field_widget(PatenTariffDialog *self, GtkLabel *where)
{
    const struct {
        GtkLabel *label;
        gpointer widget;
    } map[] = {
        { self->code_error, self->code_entry },    { self->service_error, self->service_combo },
        { self->name_error, self->name_entry },    { self->formula_error, self->formula_combo },
        { self->legal_error, self->legal_view },   { self->effective_error, self->effective_entry },
        { self->rounding_error, self->unit_spin },
    };

    for (guint i = 0; i < G_N_ELEMENTS(map); i++)
        if (map[i].label == where)
            return GTK_WIDGET(map[i].widget);
    if (where == self->inputs_error) {
        /* The server's error about the inputs sits under the last row. */
        g_autoptr(GList) rows = gtk_container_get_children(GTK_CONTAINER(self->inputs_box));
        GList *last = g_list_last(rows);

        return last != NULL ? row_data(last->data)->parts[PART_LABEL] : NULL;
    }
    return NULL;
}

static void on_saved(GObject *src, GAsyncResult *res, gpointer data)
{
    g_autoptr(PatenTariffDialog) self = data;
    g_autoptr(GError) err = NULL;
    Paten__Error *error_reply = NULL;
    Paten__TariffReply *reply = (Paten__TariffReply *)paten_connection_call_finish(
        PATEN_CONNECTION(src), res, &error_reply, &err);

    if (g_error_matches(err, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
        paten_message_free(error_reply);
        return; /* the dialog went away */
    }
    set_busy(self, FALSE);
    if (reply != NULL) {
        if (reply->tariff != NULL)
            g_signal_emit(self, signals[SIGNAL_SAVED], 0, reply->tariff);
        paten_message_free(reply);
        gtk_widget_destroy(GTK_WIDGET(self));
        return;
    }
    if (g_error_matches(err, PATEN_ERROR, PATEN_ERR_CONFLICT)) {
        /* Someone saved a newer version since this one was listed: nothing was written. The
         * ADMIN reloads and decides again on the current version. */
        g_autofree char *text = paten_error_text(err);
        g_autofree char *msg = g_strdup_printf(
            _("%s Reload the current version, then make your changes again."), text);

        gtk_label_set_text(self->conflict_label, msg);
        gtk_widget_show(GTK_WIDGET(self->conflict_box));
        gtk_widget_grab_focus(GTK_WIDGET(self->reload_button));
    } else if (g_error_matches(err, PATEN_ERROR, PATEN_ERR_ALREADY_EXISTS)) {
        /* A new tariff under a code the region has: the code is what to change. */
        g_autofree char *text = paten_error_text(err);

        paten_label_show(self->code_error, text);
        reveal(self, self->code_error);
        gtk_widget_grab_focus(GTK_WIDGET(self->code_entry));
    } else {
        GtkLabel *where = paten_field_errors_show_error(self->errors, error_reply, err);
        GtkWidget *focus = field_widget(self, where);

        reveal(self, where);
        if (focus != NULL)
            gtk_widget_grab_focus(focus);
    }
    paten_message_free(error_reply);
}

static void on_save_clicked(PatenTariffDialog *self, GtkButton *button)
{
    Paten__SaveTariffRequest req = PATEN__SAVE_TARIFF_REQUEST__INIT;
    Problem p = { 0 };
    Draft d;

    (void)button;
    if (self->busy)
        return;
    clear_errors(self);
    if (!read_form(self, &d, &p)) {
        paten_label_show(p.where, p.text);
        reveal(self, p.where);
        gtk_widget_grab_focus(p.widget);
        g_free(p.text);
        g_ptr_array_unref(d.mem);
        return;
    }
    req.idempotency_key = self->key;
    req.tariff = &d.tariff;
    set_busy(self, TRUE);
    paten_connection_call_async(self->conn, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_SAVE_TARIFF,
                                &req.base, self->cancel, on_saved, g_object_ref(self));
    g_ptr_array_unref(d.mem); /* the request was encoded by the call */
}

/* ---- reloading after a conflict ----------------------------------------------------------- */

static void on_reloaded(GObject *src, GAsyncResult *res, gpointer data)
{
    g_autoptr(PatenTariffDialog) self = data;
    g_autoptr(GError) err = NULL;
    Paten__ListTariffsReply *reply = (Paten__ListTariffsReply *)paten_connection_call_finish(
        PATEN_CONNECTION(src), res, NULL, &err);
    const Paten__Tariff *current = NULL;

    if (g_error_matches(err, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
        paten_message_free(reply);
        return;
    }
    set_busy(self, FALSE);
    for (size_t i = 0; reply != NULL && i < reply->n_tariffs; i++)
        if (strcmp(reply->tariffs[i]->code, self->loaded->code) == 0)
            current = reply->tariffs[i];
    if (current == NULL) {
        g_autofree char *text = err != NULL ? paten_error_text(err) : g_strdup("?");
        g_autofree char *msg = g_strdup_printf(_("The tariff could not be loaded: %s"), text);

        paten_label_show(self->error_label, msg);
        paten_message_free(reply);
        return;
    }
    gtk_widget_hide(GTK_WIDGET(self->conflict_box));
    clear_errors(self);
    fill(self, current);
    gtk_widget_grab_focus(GTK_WIDGET(self->name_entry));
    paten_message_free(reply);
}

static void on_reload_clicked(PatenTariffDialog *self, GtkButton *button)
{
    Paten__ListTariffsRequest req = PATEN__LIST_TARIFFS_REQUEST__INIT;

    (void)button;
    if (self->busy || self->loaded == NULL)
        return;
    /* A new decision on a new version: a new key. */
    g_free(self->key);
    self->key = g_uuid_string_random();
    set_busy(self, TRUE);
    paten_connection_call_async(self->conn, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_LIST_TARIFFS,
                                &req.base, self->cancel, on_reloaded, g_object_ref(self));
}

/* ---- life --------------------------------------------------------------------------------- */

static void on_cancel_clicked(PatenTariffDialog *self, GtkButton *button)
{
    (void)button;
    gtk_widget_destroy(GTK_WIDGET(self));
}

static void paten_tariff_dialog_response(GtkDialog *dialog, int response)
{
    /* Escape and the window's close button; a save under way is cancelled with the dialog. */
    if (response == GTK_RESPONSE_DELETE_EVENT)
        gtk_widget_destroy(GTK_WIDGET(dialog));
}

static gboolean paten_tariff_dialog_delete_event(GtkWidget *widget, GdkEventAny *event)
{
    (void)event;
    gtk_dialog_response(GTK_DIALOG(widget), GTK_RESPONSE_DELETE_EVENT);
    return TRUE;
}

PatenTariffDialog *paten_tariff_dialog_new(GtkWindow *parent, PatenConnection *conn,
                                           GPtrArray *services, const Paten__Tariff *tariff)
{
    PatenTariffDialog *self =
        g_object_new(PATEN_TYPE_TARIFF_DIALOG, "transient-for", parent, "modal", TRUE, NULL);

    self->conn = g_object_ref(conn);
    for (guint i = 0; services != NULL && i < services->len; i++) {
        const Paten__Service *s = services->pdata[i];
        g_autofree char *label = g_strdup_printf("%s (%s)", s->name, s->code);

        /* Only a service with a fee is assessed (domain.md, "Money rules"). */
        if (s->fee == PATEN__FEE_KIND__FEE_KIND_RETRIBUSI ||
            s->fee == PATEN__FEE_KIND__FEE_KIND_PAJAK)
            gtk_combo_box_text_append(self->service_combo, s->code, label);
    }
    if (tariff != NULL) {
        fill(self, tariff);
        gtk_widget_grab_focus(GTK_WIDGET(self->name_entry));
    } else {
        set_combo_id(self->rounding_combo, PATEN__ROUNDING_MODE__ROUNDING_MODE_HALF_UP);
        gtk_spin_button_set_value(self->unit_spin, 1);
        on_formula_changed(self, NULL);
        show_version_note(self);
    }
    return self;
}

static void paten_tariff_dialog_dispose(GObject *obj)
{
    PatenTariffDialog *self = PATEN_TARIFF_DIALOG(obj);

    g_cancellable_cancel(self->cancel);
    g_clear_object(&self->conn);
    G_OBJECT_CLASS(paten_tariff_dialog_parent_class)->dispose(obj);
}

static void paten_tariff_dialog_finalize(GObject *obj)
{
    PatenTariffDialog *self = PATEN_TARIFF_DIALOG(obj);

    g_clear_object(&self->cancel);
    paten_message_free(self->loaded);
    paten_field_errors_free(self->errors);
    g_free(self->key);
    G_OBJECT_CLASS(paten_tariff_dialog_parent_class)->finalize(obj);
}

static void paten_tariff_dialog_class_init(PatenTariffDialogClass *klass)
{
    GtkWidgetClass *wc = GTK_WIDGET_CLASS(klass);

    G_OBJECT_CLASS(klass)->dispose = paten_tariff_dialog_dispose;
    G_OBJECT_CLASS(klass)->finalize = paten_tariff_dialog_finalize;
    GTK_DIALOG_CLASS(klass)->response = paten_tariff_dialog_response;
    wc->delete_event = paten_tariff_dialog_delete_event;
    gtk_widget_class_set_template_from_resource(wc, "/id/paten/desk/paten-tariff-dialog.ui");
#define BIND(name) gtk_widget_class_bind_template_child(wc, PatenTariffDialog, name)
    BIND(version_label);
    BIND(conflict_box);
    BIND(conflict_label);
    BIND(reload_button);
    BIND(scroller);
    BIND(form_box);
    BIND(code_entry);
    BIND(service_combo);
    BIND(name_entry);
    BIND(formula_combo);
    BIND(formula_label);
    BIND(legal_view);
    BIND(effective_entry);
    BIND(rounding_combo);
    BIND(unit_spin);
    BIND(inputs_box);
    BIND(code_error);
    BIND(service_error);
    BIND(name_error);
    BIND(formula_error);
    BIND(legal_error);
    BIND(effective_error);
    BIND(rounding_error);
    BIND(inputs_error);
    BIND(error_label);
    BIND(spinner);
    BIND(cancel_button);
    BIND(save_button);
#undef BIND
    gtk_widget_class_bind_template_callback(wc, on_formula_changed);
    gtk_widget_class_bind_template_callback(wc, on_reload_clicked);
    gtk_widget_class_bind_template_callback(wc, on_save_clicked);
    gtk_widget_class_bind_template_callback(wc, on_cancel_clicked);

    /** PatenTariffDialog::saved: the tariff as the server saved it (a Paten__Tariff *). */
    signals[SIGNAL_SAVED] = g_signal_new("saved", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0,
                                         NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
}

static void paten_tariff_dialog_init(PatenTariffDialog *self)
{
    gtk_widget_init_template(GTK_WIDGET(self));
    /* The form scrolls to whatever gets the focus (Tab, an error). */
    gtk_container_set_focus_vadjustment(GTK_CONTAINER(self->form_box),
                                        gtk_scrolled_window_get_vadjustment(self->scroller));
    self->cancel = g_cancellable_new();
    self->key = g_uuid_string_random();
    for (guint i = 0; i < G_N_ELEMENTS(formulas); i++) {
        g_autofree char *id = g_strdup_printf("%d", formulas[i].formula);

        gtk_combo_box_text_append(self->formula_combo, id, _(formulas[i].name));
    }
    for (guint i = 0; i < G_N_ELEMENTS(roundings); i++) {
        g_autofree char *id = g_strdup_printf("%d", roundings[i].mode);

        gtk_combo_box_text_append(self->rounding_combo, id, _(roundings[i].name));
    }
    self->errors = paten_field_errors_new(self->error_label);
    paten_field_errors_add(self->errors, "tariff.code", self->code_error);
    paten_field_errors_add(self->errors, "tariff.version", self->code_error);
    paten_field_errors_add(self->errors, "tariff.service_code", self->service_error);
    paten_field_errors_add(self->errors, "tariff.name", self->name_error);
    paten_field_errors_add(self->errors, "tariff.formula", self->formula_error);
    paten_field_errors_add(self->errors, "tariff.legal_basis", self->legal_error);
    paten_field_errors_add(self->errors, "tariff.effective_from", self->effective_error);
    paten_field_errors_add(self->errors, "tariff.rounding_unit", self->rounding_error);
    paten_field_errors_add(self->errors, "tariff.inputs", self->inputs_error);
    gtk_window_set_default(GTK_WINDOW(self), GTK_WIDGET(self->save_button));
}
