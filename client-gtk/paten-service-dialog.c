/*
 * paten-service-dialog.c: PatenServiceDialog (paten-service-dialog.h).
 *
 * The three list editors (form fields, requirements, criteria) are vertical boxes of rows built
 * here; each row carries a ListRow with its widgets, in the order the server gets them. A row's
 * accessible names carry its position ("Isian 2: nama"), renewed after every add, move and
 * remove, so that a screen reader (and the UI tests) can tell the rows apart.
 *
 * One idempotency key per intended save: it is kept across retries of the same save (a lost
 * reply sends the same key, so the version is added at most once) and renewed when the form is
 * reloaded after a CONFLICT, since what is then saved is a different decision.
 */
#include "paten-service-dialog.h"

#include "paten-desk.h"
#include "paten-files.h"
#include "paten-util.h"
#include "paten_error.h"

#include <string.h>

typedef enum { LIST_FIELDS, LIST_REQS, LIST_CRITERIA, N_LISTS } ListKind;

/* The editable parts of a row, in their order in the accessible-name tables below. */
enum {
    FIELD_NAME,
    FIELD_LABEL,
    FIELD_TYPE,
    FIELD_UNIT,
    FIELD_REQUIRED,
    FIELD_CHOICES,
    FIELD_MIN,
    FIELD_MAX,
    N_FIELD_PARTS
};
enum { REQ_CODE, REQ_TEXT, REQ_WHEN, N_REQ_PARTS };
enum { CRIT_RULE, CRIT_REASON, N_CRIT_PARTS };
#define MAX_PARTS N_FIELD_PARTS

/* TRANSLATORS: what the rows of the three lists are called, in accessible names such as
 * "Field 2: name" and "Move up: Field 2". */
static const char *const row_nouns[N_LISTS] = { N_("Field"), N_("Requirement"), N_("Criterion") };
/* TRANSLATORS: the parts of a list row, in accessible names such as "Field 2: name". */
static const char *const part_names[N_LISTS][MAX_PARTS] = {
    [LIST_FIELDS] = { N_("name"), N_("label"), N_("type"), N_("unit"), N_("required"),
                      N_("choices"), N_("minimum"), N_("maximum") },
    [LIST_REQS] = { N_("code"), N_("text"), N_("condition") },
    [LIST_CRITERIA] = { N_("rule"), N_("reason") },
};

typedef struct {
    ListKind kind;
    GtkWidget *number; /* "1." */
    GtkWidget *parts[MAX_PARTS];
    guint n_parts;
    GtkWidget *up, *down, *remove;
} ListRow;

struct _PatenServiceDialog {
    GtkDialog parent_instance;

    GtkLabel *version_label;
    GtkBox *conflict_box;
    GtkLabel *conflict_label;
    GtkButton *reload_button;
    GtkBox *form_box;
    GtkEntry *code_entry;
    GtkEntry *name_entry;
    GtkComboBoxText *kind_combo;
    GtkComboBoxText *survey_combo;
    GtkComboBoxText *authority_combo;
    GtkEntry *agency_entry;
    GtkComboBoxText *fee_combo;
    GtkComboBoxText *assessor_combo;
    GtkComboBoxText *treasurer_combo;
    GtkSpinButton *deadline_spin;
    GtkSpinButton *validity_spin;
    GtkComboBoxText *validity_combo;
    GtkTextView *legal_view;
    GtkCheckButton *active_check;
    GtkBox *fields_box;
    GtkBox *reqs_box;
    GtkBox *criteria_box;
    GtkButton *add_field_button, *add_req_button, *add_criterion_button;
    GtkScrolledWindow *scroller;
    GtkLabel *code_error, *name_error, *kind_error, *survey_error, *authority_error, *agency_error,
        *fee_error, *assessor_error, *treasurer_error, *deadline_error, *validity_error,
        *legal_error, *fields_error, *reqs_error, *criteria_error;
    GtkLabel *error_label;
    GtkSpinner *spinner;
    GtkButton *cancel_button;
    GtkButton *save_button;

    PatenConnection *conn;
    gint64 service_id;
    Paten__Service *loaded; /* the version being edited (NULL: a new service, or not loaded yet) */
    PatenFieldErrors *errors;
    GCancellable *cancel;
    char *key;
    gboolean busy;
};

G_DEFINE_TYPE(PatenServiceDialog, paten_service_dialog, GTK_TYPE_DIALOG)

enum { SIGNAL_SAVED, N_SIGNALS };
static guint signals[N_SIGNALS];

static GtkBox *list_box(PatenServiceDialog *self, ListKind kind)
{
    return kind == LIST_FIELDS ? self->fields_box
           : kind == LIST_REQS ? self->reqs_box
                               : self->criteria_box;
}

static void set_busy(PatenServiceDialog *self, gboolean busy)
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

/* ---- the list editors --------------------------------------------------------------------- */

static ListRow *row_data(GtkWidget *row)
{
    return g_object_get_data(G_OBJECT(row), "paten-list-row");
}

/* Gives every row of kind's list its position in its accessible names, and offers moving only
 * where there is room. */
static void renumber(PatenServiceDialog *self, ListKind kind)
{
    g_autoptr(GList) rows = gtk_container_get_children(GTK_CONTAINER(list_box(self, kind)));
    guint n = g_list_length(rows), i = 0;

    for (GList *l = rows; l != NULL; l = l->next, i++) {
        ListRow *r = row_data(l->data);
        g_autofree char *number = g_strdup_printf("%u.", i + 1);
        g_autofree char *up = g_strdup_printf(_("Move up: %s %u"), _(row_nouns[kind]), i + 1);
        g_autofree char *down = g_strdup_printf(_("Move down: %s %u"), _(row_nouns[kind]), i + 1);
        g_autofree char *remove = g_strdup_printf(_("Remove: %s %u"), _(row_nouns[kind]), i + 1);

        gtk_label_set_text(GTK_LABEL(r->number), number);
        for (guint p = 0; p < r->n_parts; p++) {
            g_autofree char *name =
                g_strdup_printf("%s %u: %s", _(row_nouns[kind]), i + 1, _(part_names[kind][p]));

            paten_set_accessible_name(r->parts[p], name);
            gtk_widget_set_tooltip_text(r->parts[p], name);
        }
        paten_set_accessible_name(r->up, up);
        paten_set_accessible_name(r->down, down);
        paten_set_accessible_name(r->remove, remove);
        gtk_widget_set_sensitive(r->up, i > 0);
        gtk_widget_set_sensitive(r->down, i + 1 < n);
    }
}

static void move_row(PatenServiceDialog *self, GtkWidget *row, int by)
{
    ListRow *r = row_data(row);
    GtkBox *box = list_box(self, r->kind);
    int pos;

    gtk_container_child_get(GTK_CONTAINER(box), row, "position", &pos, NULL);
    if (pos + by < 0)
        return;
    gtk_box_reorder_child(box, row, pos + by);
    renumber(self, r->kind);
    /* The focus stays on the button pressed, now in the row's new place, when it can still move
     * that way; otherwise on the row's first part. */
    if (!gtk_widget_get_sensitive(by < 0 ? r->up : r->down))
        gtk_widget_grab_focus(r->parts[0]);
}

static void on_up_clicked(GtkButton *button, gpointer row)
{
    PatenServiceDialog *self = PATEN_SERVICE_DIALOG(gtk_widget_get_toplevel(GTK_WIDGET(button)));

    move_row(self, row, -1);
}

static void on_down_clicked(GtkButton *button, gpointer row)
{
    PatenServiceDialog *self = PATEN_SERVICE_DIALOG(gtk_widget_get_toplevel(GTK_WIDGET(button)));

    move_row(self, row, 1);
}

static void on_remove_clicked(GtkButton *button, gpointer row)
{
    PatenServiceDialog *self = PATEN_SERVICE_DIALOG(gtk_widget_get_toplevel(GTK_WIDGET(button)));
    ListKind kind = row_data(row)->kind;

    gtk_widget_destroy(row);
    renumber(self, kind);
}

static GtkWidget *icon_button(const char *icon)
{
    GtkWidget *b = gtk_button_new_from_icon_name(icon, GTK_ICON_SIZE_BUTTON);

    gtk_widget_set_valign(b, GTK_ALIGN_START);
    return b;
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

/* A row of kind's list holding the grid of its parts (already in r), with its number and its
 * move and remove buttons; appended, named, and its first part focused when focus is TRUE. */
static void add_row(PatenServiceDialog *self, ListRow *r, GtkWidget *grid, gboolean focus)
{
    GtkWidget *row = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 6);
    GtkBox *box = list_box(self, r->kind);

    r->number = gtk_label_new(NULL);
    gtk_widget_set_valign(r->number, GTK_ALIGN_START);
    gtk_widget_set_margin_top(r->number, 6);
    gtk_label_set_width_chars(GTK_LABEL(r->number), 3);
    r->up = icon_button("go-up-symbolic");
    r->down = icon_button("go-down-symbolic");
    r->remove = icon_button("list-remove-symbolic");
    g_object_set_data_full(G_OBJECT(row), "paten-list-row", r, g_free);
    g_signal_connect(r->up, "clicked", G_CALLBACK(on_up_clicked), row);
    g_signal_connect(r->down, "clicked", G_CALLBACK(on_down_clicked), row);
    g_signal_connect(r->remove, "clicked", G_CALLBACK(on_remove_clicked), row);
    gtk_box_pack_start(GTK_BOX(row), r->number, FALSE, FALSE, 0);
    gtk_box_pack_start(GTK_BOX(row), grid, TRUE, TRUE, 0);
    gtk_box_pack_start(GTK_BOX(row), r->up, FALSE, FALSE, 0);
    gtk_box_pack_start(GTK_BOX(row), r->down, FALSE, FALSE, 0);
    gtk_box_pack_start(GTK_BOX(row), r->remove, FALSE, FALSE, 0);
    gtk_widget_show_all(row);
    gtk_box_pack_start(box, row, FALSE, FALSE, 0);
    renumber(self, r->kind);
    if (focus)
        gtk_widget_grab_focus(r->parts[0]);
}

static const struct {
    Paten__FieldType type;
    const char *name;
} field_types[] = {
    { PATEN__FIELD_TYPE__FIELD_TYPE_NUMBER, N_("Number") },
    { PATEN__FIELD_TYPE__FIELD_TYPE_TEXT, N_("Text") },
    { PATEN__FIELD_TYPE__FIELD_TYPE_CHOICE, N_("Choice") },
    { PATEN__FIELD_TYPE__FIELD_TYPE_DATE, N_("Date") },
    { PATEN__FIELD_TYPE__FIELD_TYPE_YES_NO, N_("Yes/No") },
};

/* Offers a field's unit and bounds only for a NUMBER, its choices only for a CHOICE. */
static void on_field_type_changed(GtkComboBox *combo, gpointer data)
{
    ListRow *r = data;
    gint64 type = combo_id(GTK_COMBO_BOX_TEXT(combo));
    gboolean number = type == PATEN__FIELD_TYPE__FIELD_TYPE_NUMBER;

    gtk_widget_set_sensitive(r->parts[FIELD_UNIT], number);
    gtk_widget_set_sensitive(r->parts[FIELD_MIN], number);
    gtk_widget_set_sensitive(r->parts[FIELD_MAX], number);
    gtk_widget_set_sensitive(r->parts[FIELD_CHOICES], type == PATEN__FIELD_TYPE__FIELD_TYPE_CHOICE);
}

static void add_field_row(PatenServiceDialog *self, const Paten__FieldSpec *f, gboolean focus)
{
    ListRow *r = g_new0(ListRow, 1);
    GtkWidget *grid = gtk_grid_new();
    GtkWidget *type = gtk_combo_box_text_new();
    g_autofree char *choices = NULL;

    r->kind = LIST_FIELDS;
    r->n_parts = N_FIELD_PARTS;
    if (f != NULL && f->n_choices > 0) {
        /* protobuf-c's repeated strings are counted, not NULL-terminated. */
        GString *joined = g_string_new(NULL);

        for (size_t i = 0; i < f->n_choices; i++)
            g_string_append_printf(joined, "%s%s", i ? ", " : "", f->choices[i]);
        choices = g_string_free(joined, FALSE);
    }
    for (guint i = 0; i < G_N_ELEMENTS(field_types); i++) {
        g_autofree char *id = g_strdup_printf("%d", field_types[i].type);

        gtk_combo_box_text_append(GTK_COMBO_BOX_TEXT(type), id, _(field_types[i].name));
    }
    set_combo_id(GTK_COMBO_BOX_TEXT(type), f ? f->type : PATEN__FIELD_TYPE__FIELD_TYPE_TEXT);
    r->parts[FIELD_NAME] = part_entry(_("name, e.g. luas_bangunan"), f ? f->name : NULL, 18);
    r->parts[FIELD_LABEL] = part_entry(_("label at the counter"), f ? f->label : NULL, 0);
    r->parts[FIELD_TYPE] = type;
    r->parts[FIELD_UNIT] = part_entry(_("unit, e.g. m2"), f ? f->unit : NULL, 8);
    r->parts[FIELD_REQUIRED] = gtk_check_button_new_with_label(_("Required"));
    gtk_toggle_button_set_active(GTK_TOGGLE_BUTTON(r->parts[FIELD_REQUIRED]),
                                 f ? f->required : TRUE);
    r->parts[FIELD_CHOICES] = part_entry(_("choices, separated by commas"), choices, 0);
    r->parts[FIELD_MIN] = part_entry(_("minimum"), f ? f->min : NULL, 8);
    r->parts[FIELD_MAX] = part_entry(_("maximum"), f ? f->max : NULL, 8);
    gtk_grid_set_row_spacing(GTK_GRID(grid), 4);
    gtk_grid_set_column_spacing(GTK_GRID(grid), 6);
    gtk_grid_attach(GTK_GRID(grid), r->parts[FIELD_NAME], 0, 0, 1, 1);
    gtk_grid_attach(GTK_GRID(grid), r->parts[FIELD_LABEL], 1, 0, 2, 1);
    gtk_grid_attach(GTK_GRID(grid), r->parts[FIELD_TYPE], 3, 0, 1, 1);
    gtk_grid_attach(GTK_GRID(grid), r->parts[FIELD_REQUIRED], 4, 0, 1, 1);
    gtk_grid_attach(GTK_GRID(grid), r->parts[FIELD_UNIT], 0, 1, 1, 1);
    gtk_grid_attach(GTK_GRID(grid), r->parts[FIELD_CHOICES], 1, 1, 1, 1);
    gtk_grid_attach(GTK_GRID(grid), r->parts[FIELD_MIN], 2, 1, 1, 1);
    gtk_grid_attach(GTK_GRID(grid), r->parts[FIELD_MAX], 3, 1, 1, 1);
    on_field_type_changed(GTK_COMBO_BOX(type), r);
    g_signal_connect(type, "changed", G_CALLBACK(on_field_type_changed), r);
    add_row(self, r, grid, focus);
}

static void add_req_row(PatenServiceDialog *self, const Paten__Requirement *q, gboolean focus)
{
    ListRow *r = g_new0(ListRow, 1);
    GtkWidget *grid = gtk_grid_new();

    r->kind = LIST_REQS;
    r->n_parts = N_REQ_PARTS;
    r->parts[REQ_CODE] = part_entry(_("code"), q ? q->code : NULL, 14);
    r->parts[REQ_TEXT] = part_entry(_("as the SOP words it"), q ? q->text : NULL, 0);
    r->parts[REQ_WHEN] = part_entry(_("when (empty: always)"), q ? q->when : NULL, 20);
    gtk_grid_set_column_spacing(GTK_GRID(grid), 6);
    gtk_grid_attach(GTK_GRID(grid), r->parts[REQ_CODE], 0, 0, 1, 1);
    gtk_grid_attach(GTK_GRID(grid), r->parts[REQ_TEXT], 1, 0, 1, 1);
    gtk_grid_attach(GTK_GRID(grid), r->parts[REQ_WHEN], 2, 0, 1, 1);
    add_row(self, r, grid, focus);
}

static void add_criterion_row(PatenServiceDialog *self, const Paten__Criterion *c, gboolean focus)
{
    ListRow *r = g_new0(ListRow, 1);
    GtkWidget *grid = gtk_grid_new();
    GtkWidget *scroller = gtk_scrolled_window_new(NULL, NULL);
    GtkWidget *view = gtk_text_view_new();

    r->kind = LIST_CRITERIA;
    r->n_parts = N_CRIT_PARTS;
    gtk_text_view_set_monospace(GTK_TEXT_VIEW(view), TRUE);
    gtk_text_view_set_wrap_mode(GTK_TEXT_VIEW(view), GTK_WRAP_CHAR);
    /* Tab moves on to the reason, as everywhere else in the form. */
    gtk_text_view_set_accepts_tab(GTK_TEXT_VIEW(view), FALSE);
    gtk_text_buffer_set_text(gtk_text_view_get_buffer(GTK_TEXT_VIEW(view)),
                             c && c->rule_json ? c->rule_json : "", -1);
    gtk_scrolled_window_set_shadow_type(GTK_SCROLLED_WINDOW(scroller), GTK_SHADOW_IN);
    gtk_scrolled_window_set_policy(GTK_SCROLLED_WINDOW(scroller), GTK_POLICY_NEVER,
                                   GTK_POLICY_AUTOMATIC);
    gtk_scrolled_window_set_min_content_height(GTK_SCROLLED_WINDOW(scroller), 54);
    gtk_widget_set_hexpand(scroller, TRUE);
    gtk_container_add(GTK_CONTAINER(scroller), view);
    r->parts[CRIT_RULE] = view;
    r->parts[CRIT_REASON] =
        part_entry(_("reason shown when the rule is not met"), c ? c->reason : NULL, 0);
    gtk_grid_set_row_spacing(GTK_GRID(grid), 4);
    gtk_grid_attach(GTK_GRID(grid), scroller, 0, 0, 1, 1);
    gtk_grid_attach(GTK_GRID(grid), r->parts[CRIT_REASON], 0, 1, 1, 1);
    add_row(self, r, grid, focus);
}

static void clear_list(PatenServiceDialog *self, ListKind kind)
{
    g_autoptr(GList) rows = gtk_container_get_children(GTK_CONTAINER(list_box(self, kind)));

    for (GList *l = rows; l != NULL; l = l->next)
        gtk_widget_destroy(l->data);
}

static void on_add_field_clicked(PatenServiceDialog *self, GtkButton *button)
{
    (void)button;
    add_field_row(self, NULL, TRUE);
}

static void on_add_req_clicked(PatenServiceDialog *self, GtkButton *button)
{
    (void)button;
    add_req_row(self, NULL, TRUE);
}

static void on_add_criterion_clicked(PatenServiceDialog *self, GtkButton *button)
{
    (void)button;
    add_criterion_row(self, NULL, TRUE);
}

/* ---- the form ----------------------------------------------------------------------------- */

/* Offers the settings that depend on others only where they mean something. */
static void on_settings_changed(PatenServiceDialog *self, GtkComboBox *combo)
{
    gint64 authority = combo_id(self->authority_combo);
    gint64 fee = combo_id(self->fee_combo);
    gint64 unit = combo_id(self->validity_combo);

    (void)combo;
    gtk_widget_set_sensitive(GTK_WIDGET(self->agency_entry),
                             authority == PATEN__ISSUING_AUTHORITY__ISSUING_AUTHORITY_FORWARDED);
    gtk_widget_set_sensitive(GTK_WIDGET(self->assessor_combo),
                             fee == PATEN__FEE_KIND__FEE_KIND_RETRIBUSI ||
                                 fee == PATEN__FEE_KIND__FEE_KIND_PAJAK);
    gtk_widget_set_sensitive(GTK_WIDGET(self->treasurer_combo),
                             fee == PATEN__FEE_KIND__FEE_KIND_RETRIBUSI ||
                                 fee == PATEN__FEE_KIND__FEE_KIND_PAJAK);
    gtk_widget_set_sensitive(GTK_WIDGET(self->validity_spin),
                             unit != PATEN__VALIDITY_UNIT__VALIDITY_UNIT_NONE && unit != 0);
}

static void show_version_note(PatenServiceDialog *self)
{
    g_autofree char *note = NULL;
    g_autofree char *title = NULL;

    if (self->loaded == NULL) {
        note = g_strdup(_("A new service starts at version 1 and is offered at the counter at "
                          "once."));
        title = g_strdup(_("New service"));
    } else {
        note = g_strdup_printf(_("You are editing version %d. Saving adds version %d; files "
                                 "already taken in keep the version they were taken in under."),
                               self->loaded->version, self->loaded->version + 1);
        title = g_strdup_printf(_("Edit service: %s"), self->loaded->name);
    }
    gtk_label_set_text(self->version_label, note);
    gtk_window_set_title(GTK_WINDOW(self), title);
}

/* Shows s (a copy is kept as the version edited) in the form, replacing whatever was there. */
static void fill(PatenServiceDialog *self, const Paten__Service *s)
{
    paten_message_free(self->loaded);
    self->loaded = paten_message_dup(&s->base);
    gtk_entry_set_text(self->code_entry, s->code);
    /* The code names the service for good: the server refuses a change. */
    gtk_widget_set_sensitive(GTK_WIDGET(self->code_entry), FALSE);
    gtk_entry_set_text(self->name_entry, s->name);
    set_combo_id(self->kind_combo, s->kind);
    set_combo_id(self->survey_combo, s->survey);
    set_combo_id(self->authority_combo, s->authority);
    gtk_entry_set_text(self->agency_entry, s->forward_agency);
    set_combo_id(self->fee_combo, s->fee);
    set_combo_id(self->assessor_combo, s->assessor_office_id);
    set_combo_id(self->treasurer_combo, s->treasurer_office_id);
    gtk_spin_button_set_value(self->deadline_spin, s->deadline_working_days);
    gtk_spin_button_set_value(self->validity_spin, s->validity_amount);
    set_combo_id(self->validity_combo, s->validity_unit);
    gtk_text_buffer_set_text(gtk_text_view_get_buffer(self->legal_view), s->legal_basis, -1);
    gtk_toggle_button_set_active(GTK_TOGGLE_BUTTON(self->active_check), s->active);
    for (ListKind k = 0; k < N_LISTS; k++)
        clear_list(self, k);
    for (size_t i = 0; i < s->n_fields; i++)
        add_field_row(self, s->fields[i], FALSE);
    for (size_t i = 0; i < s->n_requirements; i++)
        add_req_row(self, s->requirements[i], FALSE);
    for (size_t i = 0; i < s->n_criteria; i++)
        add_criterion_row(self, s->criteria[i], FALSE);
    on_settings_changed(self, NULL);
    show_version_note(self);
}

/* Everything allocated for one SaveServiceRequest, freed together after sending it. */
typedef struct {
    Paten__Service service;
    GPtrArray *mem; /* strings and arrays owned */
} Draft;

static void draft_clear(Draft *d)
{
    g_ptr_array_unref(d->mem);
}

static gpointer keep(Draft *d, gpointer p)
{
    g_ptr_array_add(d->mem, p);
    return p;
}

static char *entry_text(Draft *d, GtkWidget *entry)
{
    return keep(d, g_strstrip(g_strdup(gtk_entry_get_text(GTK_ENTRY(entry)))));
}

/* The choices typed as "A, B, C" (empty pieces dropped). */
static void parse_choices(Draft *d, GtkWidget *entry, Paten__FieldSpec *f)
{
    char **pieces = g_strsplit(gtk_entry_get_text(GTK_ENTRY(entry)), ",", -1);
    guint n = g_strv_length(pieces);

    keep(d, pieces);
    f->choices = keep(d, g_new0(char *, n + 1));
    for (guint i = 0; i < n; i++) {
        char *c = g_strstrip(keep(d, pieces[i]));

        if (c[0] != '\0')
            f->choices[f->n_choices++] = c;
    }
}

/* The service as the form has it, ready to send: read from the widgets, with the id and version
 * of the version loaded (0 and 0 for a new service). */
static void read_form(PatenServiceDialog *self, Draft *d)
{
    Paten__Service *s = &d->service;
    const ListKind kinds[] = { LIST_FIELDS, LIST_REQS, LIST_CRITERIA };
    gboolean forwarded, with_fee, expires;

    paten__service__init(s);
    d->mem = g_ptr_array_new_with_free_func(g_free);
    gtk_spin_button_update(self->deadline_spin);
    gtk_spin_button_update(self->validity_spin);
    s->id = self->loaded ? self->loaded->id : 0;
    s->version = self->loaded ? self->loaded->version : 0;
    s->code = entry_text(d, GTK_WIDGET(self->code_entry));
    s->name = entry_text(d, GTK_WIDGET(self->name_entry));
    s->kind = combo_id(self->kind_combo);
    s->survey = combo_id(self->survey_combo);
    s->authority = combo_id(self->authority_combo);
    s->fee = combo_id(self->fee_combo);
    s->validity_unit = combo_id(self->validity_combo);
    /* What a setting does not apply to is sent empty: the server refuses an agency for the
     * Camat's services, and offices for a free one. */
    forwarded = gtk_widget_get_sensitive(GTK_WIDGET(self->agency_entry));
    with_fee = gtk_widget_get_sensitive(GTK_WIDGET(self->assessor_combo));
    expires = gtk_widget_get_sensitive(GTK_WIDGET(self->validity_spin));
    s->forward_agency = forwarded ? entry_text(d, GTK_WIDGET(self->agency_entry)) : "";
    s->assessor_office_id = with_fee ? combo_id(self->assessor_combo) : 0;
    s->treasurer_office_id = with_fee ? combo_id(self->treasurer_combo) : 0;
    s->deadline_working_days = (uint32_t)gtk_spin_button_get_value_as_int(self->deadline_spin);
    s->validity_amount =
        expires ? (uint32_t)gtk_spin_button_get_value_as_int(self->validity_spin) : 0;
    s->legal_basis = keep(d, g_strstrip(text_view_text(self->legal_view)));
    s->active = gtk_toggle_button_get_active(GTK_TOGGLE_BUTTON(self->active_check));
    if (self->loaded != NULL)
        s->region_code = self->loaded->region_code;

    for (guint k = 0; k < G_N_ELEMENTS(kinds); k++) {
        g_autoptr(GList) rows = gtk_container_get_children(GTK_CONTAINER(list_box(self, kinds[k])));
        guint n = g_list_length(rows), i = 0;

        if (kinds[k] == LIST_FIELDS)
            s->fields = keep(d, g_new0(Paten__FieldSpec *, n + 1));
        else if (kinds[k] == LIST_REQS)
            s->requirements = keep(d, g_new0(Paten__Requirement *, n + 1));
        else
            s->criteria = keep(d, g_new0(Paten__Criterion *, n + 1));
        for (GList *l = rows; l != NULL; l = l->next, i++) {
            ListRow *r = row_data(l->data);

            if (kinds[k] == LIST_FIELDS) {
                Paten__FieldSpec *f = keep(d, g_malloc(sizeof *f));

                paten__field_spec__init(f);
                f->name = entry_text(d, r->parts[FIELD_NAME]);
                f->label = entry_text(d, r->parts[FIELD_LABEL]);
                f->type = combo_id(GTK_COMBO_BOX_TEXT(r->parts[FIELD_TYPE]));
                f->required =
                    gtk_toggle_button_get_active(GTK_TOGGLE_BUTTON(r->parts[FIELD_REQUIRED]));
                /* What the type does not use is left out (kept in the row while the ADMIN
                 * switches types back and forth). */
                if (gtk_widget_get_sensitive(r->parts[FIELD_CHOICES]))
                    parse_choices(d, r->parts[FIELD_CHOICES], f);
                if (gtk_widget_get_sensitive(r->parts[FIELD_UNIT])) {
                    f->unit = entry_text(d, r->parts[FIELD_UNIT]);
                    f->min = entry_text(d, r->parts[FIELD_MIN]);
                    f->max = entry_text(d, r->parts[FIELD_MAX]);
                }
                s->fields[s->n_fields++] = f;
            } else if (kinds[k] == LIST_REQS) {
                Paten__Requirement *q = keep(d, g_malloc(sizeof *q));

                paten__requirement__init(q);
                q->code = entry_text(d, r->parts[REQ_CODE]);
                q->text = entry_text(d, r->parts[REQ_TEXT]);
                q->when = entry_text(d, r->parts[REQ_WHEN]);
                s->requirements[s->n_requirements++] = q;
            } else {
                Paten__Criterion *c = keep(d, g_malloc(sizeof *c));

                paten__criterion__init(c);
                c->rule_json = keep(d, text_view_text(GTK_TEXT_VIEW(r->parts[CRIT_RULE])));
                c->reason = entry_text(d, r->parts[CRIT_REASON]);
                s->criteria[s->n_criteria++] = c;
            }
        }
    }
}

/* The widget to focus for an error label, so the ADMIN lands where the problem is. */
static GtkWidget *field_widget(PatenServiceDialog *self, GtkLabel *where)
{
    const struct {
        GtkLabel *label;
        gpointer widget;
    } map[] = {
        { self->code_error, self->code_entry },
        { self->name_error, self->name_entry },
        { self->kind_error, self->kind_combo },
        { self->survey_error, self->survey_combo },
        { self->authority_error, self->authority_combo },
        { self->agency_error, self->agency_entry },
        { self->fee_error, self->fee_combo },
        { self->assessor_error, self->assessor_combo },
        { self->treasurer_error, self->treasurer_combo },
        { self->deadline_error, self->deadline_spin },
        { self->validity_error, self->validity_spin },
        { self->legal_error, self->legal_view },
        /* A list's error sits just above the list's add button: focusing the button scrolls
         * the error into view too. */
        { self->fields_error, self->add_field_button },
        { self->reqs_error, self->add_req_button },
        { self->criteria_error, self->add_criterion_button },
    };

    for (guint i = 0; i < G_N_ELEMENTS(map); i++)
        if (map[i].label == where)
            return GTK_WIDGET(map[i].widget);
    return NULL;
}

static void on_saved(GObject *src, GAsyncResult *res, gpointer data)
{
    g_autoptr(PatenServiceDialog) self = data;
    g_autoptr(GError) err = NULL;
    Paten__Error *error_reply = NULL;
    Paten__ServiceReply *reply = (Paten__ServiceReply *)paten_connection_call_finish(
        PATEN_CONNECTION(src), res, &error_reply, &err);

    if (g_error_matches(err, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
        paten_message_free(error_reply);
        return; /* the dialog went away */
    }
    set_busy(self, FALSE);
    if (reply != NULL) {
        if (reply->service != NULL)
            g_signal_emit(self, signals[SIGNAL_SAVED], 0, reply->service);
        paten_message_free(reply);
        gtk_widget_destroy(GTK_WIDGET(self));
        return;
    }
    if (g_error_matches(err, PATEN_ERROR, PATEN_ERR_CONFLICT)) {
        /* Someone saved a newer version since this one was loaded: nothing was written. The
         * ADMIN reloads and decides again on the current version. */
        g_autofree char *text = paten_error_text(err);
        g_autofree char *msg = g_strdup_printf(
            _("%s Reload the current version, then make your changes again."), text);

        gtk_label_set_text(self->conflict_label, msg);
        gtk_widget_show(GTK_WIDGET(self->conflict_box));
        gtk_widget_grab_focus(GTK_WIDGET(self->reload_button));
    } else {
        GtkLabel *where = paten_field_errors_show_error(self->errors, error_reply, err);
        GtkWidget *focus = field_widget(self, where);

        if (focus != NULL)
            gtk_widget_grab_focus(focus);
    }
    paten_message_free(error_reply);
}

static void on_save_clicked(PatenServiceDialog *self, GtkButton *button)
{
    Paten__SaveServiceRequest req = PATEN__SAVE_SERVICE_REQUEST__INIT;
    Draft d;

    (void)button;
    if (self->busy || (self->service_id != 0 && self->loaded == NULL))
        return;
    paten_field_errors_clear(self->errors);
    read_form(self, &d);
    req.idempotency_key = self->key;
    req.service = &d.service;
    set_busy(self, TRUE);
    paten_connection_call_async(self->conn, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_SAVE_SERVICE,
                                &req.base, self->cancel, on_saved, g_object_ref(self));
    draft_clear(&d); /* the request was encoded by the call */
}

/* ---- loading ------------------------------------------------------------------------------ */

static void on_loaded(GObject *src, GAsyncResult *res, gpointer data)
{
    g_autoptr(PatenServiceDialog) self = data;
    g_autoptr(GError) err = NULL;
    Paten__ServiceReply *reply =
        (Paten__ServiceReply *)paten_connection_call_finish(PATEN_CONNECTION(src), res, NULL, &err);

    if (g_error_matches(err, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
        paten_message_free(reply);
        return;
    }
    set_busy(self, FALSE);
    if (reply == NULL || reply->service == NULL) {
        g_autofree char *text = paten_error_text(err);
        g_autofree char *msg =
            g_strdup_printf(_("The service could not be loaded: %s"), text ? text : "?");

        paten_label_show(self->error_label, msg);
        gtk_widget_set_sensitive(GTK_WIDGET(self->save_button), FALSE);
        paten_message_free(reply);
        return;
    }
    gtk_widget_hide(GTK_WIDGET(self->conflict_box));
    paten_field_errors_clear(self->errors);
    fill(self, reply->service);
    gtk_widget_grab_focus(GTK_WIDGET(self->name_entry));
    paten_message_free(reply);
}

static void load(PatenServiceDialog *self)
{
    Paten__GetServiceRequest req = PATEN__GET_SERVICE_REQUEST__INIT;

    req.service_id = self->service_id;
    req.version = 0; /* the current one */
    set_busy(self, TRUE);
    paten_connection_call_async(self->conn, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_GET_SERVICE,
                                &req.base, self->cancel, on_loaded, g_object_ref(self));
}

static void on_reload_clicked(PatenServiceDialog *self, GtkButton *button)
{
    (void)button;
    if (self->busy)
        return;
    /* A new decision on a new version: a new key. */
    g_free(self->key);
    self->key = g_uuid_string_random();
    load(self);
}

/* ---- life --------------------------------------------------------------------------------- */

static void on_cancel_clicked(PatenServiceDialog *self, GtkButton *button)
{
    (void)button;
    gtk_widget_destroy(GTK_WIDGET(self));
}

static void paten_service_dialog_response(GtkDialog *dialog, int response)
{
    /* Escape and the window's close button; a save under way is cancelled with the dialog (a
     * retry from a new dialog is a new decision). */
    if (response == GTK_RESPONSE_DELETE_EVENT)
        gtk_widget_destroy(GTK_WIDGET(dialog));
}

static gboolean paten_service_dialog_delete_event(GtkWidget *widget, GdkEventAny *event)
{
    (void)event;
    gtk_dialog_response(GTK_DIALOG(widget), GTK_RESPONSE_DELETE_EVENT);
    return TRUE;
}

static void fill_choices(GtkComboBoxText *combo, const int *values, const char *(*name)(int),
                         guint n)
{
    for (guint i = 0; i < n; i++) {
        g_autofree char *id = g_strdup_printf("%d", values[i]);

        gtk_combo_box_text_append(combo, id, name(values[i]));
    }
}

static const char *kind_name(int v)
{
    return paten_service_kind_name(v);
}
static const char *survey_name(int v)
{
    return paten_survey_policy_name(v);
}
static const char *authority_name(int v)
{
    return paten_authority_name(v);
}
static const char *fee_name(int v)
{
    return paten_fee_kind_name(v);
}
static const char *unit_name(int v)
{
    return paten_validity_unit_name(v);
}

PatenServiceDialog *paten_service_dialog_new(GtkWindow *parent, PatenConnection *conn,
                                             GPtrArray *offices, gint64 service_id)
{
    PatenServiceDialog *self =
        g_object_new(PATEN_TYPE_SERVICE_DIALOG, "transient-for", parent, "modal", TRUE, NULL);

    self->conn = g_object_ref(conn);
    self->service_id = service_id;
    for (guint i = 0; offices != NULL && i < offices->len; i++) {
        const Paten__Office *o = offices->pdata[i];
        g_autofree char *id = g_strdup_printf("%" G_GINT64_FORMAT, o->id);

        /* Fees are assessed and received by the region's DPMPTSP or BAPENDA (domain.md). */
        if (o->kind != PATEN__OFFICE_KIND__OFFICE_KIND_DPMPTSP &&
            o->kind != PATEN__OFFICE_KIND__OFFICE_KIND_BAPENDA)
            continue;
        gtk_combo_box_text_append(self->assessor_combo, id, o->name);
        gtk_combo_box_text_append(self->treasurer_combo, id, o->name);
    }
    if (service_id != 0) {
        load(self);
    } else {
        /* A sensible start for a new service; the ADMIN changes what differs. */
        set_combo_id(self->kind_combo, PATEN__SERVICE_KIND__SERVICE_KIND_UNSTRUCTURED);
        set_combo_id(self->survey_combo, PATEN__SURVEY_POLICY__SURVEY_POLICY_NONE);
        set_combo_id(self->authority_combo, PATEN__ISSUING_AUTHORITY__ISSUING_AUTHORITY_CAMAT);
        set_combo_id(self->fee_combo, PATEN__FEE_KIND__FEE_KIND_NONE);
        set_combo_id(self->validity_combo, PATEN__VALIDITY_UNIT__VALIDITY_UNIT_NONE);
        gtk_spin_button_set_value(self->deadline_spin, 2);
        gtk_toggle_button_set_active(GTK_TOGGLE_BUTTON(self->active_check), TRUE);
        on_settings_changed(self, NULL);
        show_version_note(self);
    }
    return self;
}

static void paten_service_dialog_dispose(GObject *obj)
{
    PatenServiceDialog *self = PATEN_SERVICE_DIALOG(obj);

    g_cancellable_cancel(self->cancel);
    g_clear_object(&self->conn);
    G_OBJECT_CLASS(paten_service_dialog_parent_class)->dispose(obj);
}

static void paten_service_dialog_finalize(GObject *obj)
{
    PatenServiceDialog *self = PATEN_SERVICE_DIALOG(obj);

    g_clear_object(&self->cancel);
    paten_message_free(self->loaded);
    paten_field_errors_free(self->errors);
    g_free(self->key);
    G_OBJECT_CLASS(paten_service_dialog_parent_class)->finalize(obj);
}

static void paten_service_dialog_class_init(PatenServiceDialogClass *klass)
{
    GtkWidgetClass *wc = GTK_WIDGET_CLASS(klass);

    G_OBJECT_CLASS(klass)->dispose = paten_service_dialog_dispose;
    G_OBJECT_CLASS(klass)->finalize = paten_service_dialog_finalize;
    GTK_DIALOG_CLASS(klass)->response = paten_service_dialog_response;
    wc->delete_event = paten_service_dialog_delete_event;
    gtk_widget_class_set_template_from_resource(wc, "/id/paten/desk/paten-service-dialog.ui");
#define BIND(name) gtk_widget_class_bind_template_child(wc, PatenServiceDialog, name)
    BIND(version_label);
    BIND(conflict_box);
    BIND(conflict_label);
    BIND(reload_button);
    BIND(form_box);
    BIND(code_entry);
    BIND(name_entry);
    BIND(kind_combo);
    BIND(survey_combo);
    BIND(authority_combo);
    BIND(agency_entry);
    BIND(fee_combo);
    BIND(assessor_combo);
    BIND(treasurer_combo);
    BIND(deadline_spin);
    BIND(validity_spin);
    BIND(validity_combo);
    BIND(legal_view);
    BIND(active_check);
    BIND(fields_box);
    BIND(reqs_box);
    BIND(criteria_box);
    BIND(add_field_button);
    BIND(add_req_button);
    BIND(add_criterion_button);
    BIND(scroller);
    BIND(code_error);
    BIND(name_error);
    BIND(kind_error);
    BIND(survey_error);
    BIND(authority_error);
    BIND(agency_error);
    BIND(fee_error);
    BIND(assessor_error);
    BIND(treasurer_error);
    BIND(deadline_error);
    BIND(validity_error);
    BIND(legal_error);
    BIND(fields_error);
    BIND(reqs_error);
    BIND(criteria_error);
    BIND(error_label);
    BIND(spinner);
    BIND(cancel_button);
    BIND(save_button);
#undef BIND
    gtk_widget_class_bind_template_callback(wc, on_settings_changed);
    gtk_widget_class_bind_template_callback(wc, on_add_field_clicked);
    gtk_widget_class_bind_template_callback(wc, on_add_req_clicked);
    gtk_widget_class_bind_template_callback(wc, on_add_criterion_clicked);
    gtk_widget_class_bind_template_callback(wc, on_reload_clicked);
    gtk_widget_class_bind_template_callback(wc, on_save_clicked);
    gtk_widget_class_bind_template_callback(wc, on_cancel_clicked);

    /** PatenServiceDialog::saved: the service as the server saved it (a Paten__Service *). */
    signals[SIGNAL_SAVED] = g_signal_new("saved", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0,
                                         NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
}

static void paten_service_dialog_init(PatenServiceDialog *self)
{
    static const int kinds[] = { PATEN__SERVICE_KIND__SERVICE_KIND_STRUCTURED,
                                 PATEN__SERVICE_KIND__SERVICE_KIND_UNSTRUCTURED };
    static const int surveys[] = { PATEN__SURVEY_POLICY__SURVEY_POLICY_REQUIRED,
                                   PATEN__SURVEY_POLICY__SURVEY_POLICY_CAMAT_CHOICE,
                                   PATEN__SURVEY_POLICY__SURVEY_POLICY_NONE };
    static const int authorities[] = { PATEN__ISSUING_AUTHORITY__ISSUING_AUTHORITY_CAMAT,
                                       PATEN__ISSUING_AUTHORITY__ISSUING_AUTHORITY_FORWARDED };
    static const int fees[] = { PATEN__FEE_KIND__FEE_KIND_NONE, PATEN__FEE_KIND__FEE_KIND_RETRIBUSI,
                                PATEN__FEE_KIND__FEE_KIND_PAJAK };
    static const int units[] = { PATEN__VALIDITY_UNIT__VALIDITY_UNIT_NONE,
                                 PATEN__VALIDITY_UNIT__VALIDITY_UNIT_YEARS,
                                 PATEN__VALIDITY_UNIT__VALIDITY_UNIT_MONTHS,
                                 PATEN__VALIDITY_UNIT__VALIDITY_UNIT_WORKING_DAYS };

    gtk_widget_init_template(GTK_WIDGET(self));
    /* The form scrolls to whatever gets the focus (Tab, an error): keyboard use at the counter. */
    gtk_container_set_focus_vadjustment(GTK_CONTAINER(self->form_box),
                                        gtk_scrolled_window_get_vadjustment(self->scroller));
    self->cancel = g_cancellable_new();
    self->key = g_uuid_string_random();
    fill_choices(self->kind_combo, kinds, kind_name, G_N_ELEMENTS(kinds));
    fill_choices(self->survey_combo, surveys, survey_name, G_N_ELEMENTS(surveys));
    fill_choices(self->authority_combo, authorities, authority_name, G_N_ELEMENTS(authorities));
    fill_choices(self->fee_combo, fees, fee_name, G_N_ELEMENTS(fees));
    fill_choices(self->validity_combo, units, unit_name, G_N_ELEMENTS(units));
    self->errors = paten_field_errors_new(self->error_label);
    paten_field_errors_add(self->errors, "service.code", self->code_error);
    paten_field_errors_add(self->errors, "service.name", self->name_error);
    paten_field_errors_add(self->errors, "service.kind", self->kind_error);
    paten_field_errors_add(self->errors, "service.survey", self->survey_error);
    paten_field_errors_add(self->errors, "service.authority", self->authority_error);
    paten_field_errors_add(self->errors, "service.forward_agency", self->agency_error);
    paten_field_errors_add(self->errors, "service.fee", self->fee_error);
    paten_field_errors_add(self->errors, "service.assessor_office_id", self->assessor_error);
    paten_field_errors_add(self->errors, "service.treasurer_office_id", self->treasurer_error);
    paten_field_errors_add(self->errors, "service.deadline_working_days", self->deadline_error);
    paten_field_errors_add(self->errors, "service.validity_amount", self->validity_error);
    paten_field_errors_add(self->errors, "service.validity_unit", self->validity_error);
    paten_field_errors_add(self->errors, "service.legal_basis", self->legal_error);
    paten_field_errors_add(self->errors, "service.fields", self->fields_error);
    paten_field_errors_add(self->errors, "service.requirements", self->reqs_error);
    paten_field_errors_add(self->errors, "service.criteria", self->criteria_error);
    gtk_window_set_default(GTK_WINDOW(self), GTK_WIDGET(self->save_button));
}
