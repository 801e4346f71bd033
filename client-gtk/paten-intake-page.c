/*
 * paten-intake-page.c: PatenIntakePage (paten-intake-page.h), the counter's "Loket" workspace.
 *
 * Made for a clerk with a queue waiting, on the keyboard: the service is found by typing in the
 * search (Enter takes the first match), the applicant by typing a number and Enter
 * (FindApplicant fills what the region knows), Enter in the other entries moves on like Tab, the
 * requirements are ticked one by one or all at once, Alt+T or Ctrl+Enter takes the file in,
 * Ctrl+N clears the counter for the next applicant.
 *
 * The form's rows and the requirement checklist are built from the GetService answer. Which
 * requirements show follows paten_requirement_applies() on the form as it is now and on
 * "represented"; only the shown and ticked ones are sent. The desk only narrows (a number or a
 * date it cannot read is not sent); everything else is the server's to decide, and its Error is
 * shown next to the field it names (Error.detail names the form's field for "fields" errors).
 *
 * TakeIn's idempotency key belongs to an attempt: it is made when "Terima berkas" is pressed and
 * kept until something on the form changes or the counter is cleared, so pressing again after
 * a lost reply sends the same key and can never start a second file.
 */
#include "paten-intake-page.h"

#include "paten-desk.h"
#include "paten-file-documents.h"
#include "paten-files.h"
#include "paten-session.h"
#include "paten-util.h"
#include "paten_error.h"

/* One row of the service's form: its spec (owned by the page's service), the input widget (an
 * entry, a combo box or a check button, by type) and its error label (NULL for YES_NO). */
typedef struct {
    const Paten__FieldSpec *spec;
    GtkWidget *input;
    GtkLabel *error;
} FieldRow;

struct _PatenIntakePage {
    GtkBox parent_instance;

    GtkSearchEntry *search_entry;
    GtkListBox *service_list;
    GtkSpinner *spinner;
    GtkButton *new_button;
    GtkLabel *status_label;
    GtkLabel *notice_label;
    GtkScrolledWindow *form_scroll;
    GtkWidget *form_inner;
    GtkLabel *service_title;
    GtkLabel *service_info;
    GtkWidget *form_box;
    GtkComboBoxText *kind_combo;
    GtkWidget *nik_label;
    GtkEntry *nik_entry;
    GtkLabel *nik_error;
    GtkWidget *nib_label;
    GtkEntry *nib_entry;
    GtkLabel *nib_error;
    GtkWidget *npwp_label;
    GtkEntry *npwp_entry;
    GtkLabel *npwp_error;
    GtkWidget *resp_nik_label;
    GtkEntry *resp_nik_entry;
    GtkLabel *resp_nik_error;
    GtkWidget *resp_name_label;
    GtkEntry *resp_name_entry;
    GtkEntry *name_entry;
    GtkLabel *name_error;
    GtkEntry *address_entry;
    GtkLabel *address_error;
    GtkEntry *phone_entry;
    GtkLabel *phone_error;
    GtkLabel *applicant_note;
    GtkWidget *renewal_box;
    GtkComboBoxText *renewal_combo;
    GtkToggleButton *represented_check;
    GtkWidget *rep_grid;
    GtkEntry *rep_name_entry;
    GtkLabel *rep_name_error;
    GtkEntry *rep_nik_entry;
    GtkLabel *rep_nik_error;
    GtkGrid *fields_grid;
    GtkLabel *fields_error;
    GtkButton *tick_all_button;
    GtkBox *req_box;
    GtkLabel *req_error;
    GtkLabel *error_label;
    GtkButton *take_in_button;
    GtkLabel *result_label;

    PatenApplication *app; /* not a reference: the application outlives its windows */
    PatenConnection *conn;
    PatenEventBus *bus;
    GCancellable *cancel;
    PatenFieldErrors *errors;
    GPtrArray *services;          /* Paten__Service copies from ListServices, the server's order */
    Paten__Service *service;      /* the chosen service as GetService returned it, or NULL */
    Paten__ApplicantReply *found; /* the applicant's record and files, or NULL */
    GPtrArray *field_rows;        /* FieldRow, one per spec of service */
    GPtrArray *req_checks;        /* GtkCheckButton, one per requirement of service */
    char *key;                    /* the idempotency key of the current TakeIn attempt, or NULL */
    guint busy;                   /* calls under way (the spinner shows while > 0) */
    gboolean taking_in;           /* a TakeIn is under way */
    gboolean taken;               /* a file was taken in: the form waits for "Berkas baru" */
    gboolean filling;             /* the code is filling the form: no key reset, no re-evaluation */
    guint list_serial;            /* the ListServices whose answer counts */
    guint service_serial;         /* the GetService whose answer counts */
    guint find_serial;            /* the FindApplicant whose answer counts */
};

G_DEFINE_TYPE(PatenIntakePage, paten_intake_page, GTK_TYPE_BOX)

static void update_requirements(PatenIntakePage *self);
static void update_renewal(PatenIntakePage *self);

/* ---- small helpers ------------------------------------------------------------------------ */

/* What may be used now: taking in waits for every other answer (the form must be the one the
 * clerk sees); while a TakeIn runs nothing on the form changes; after a file was taken in the form
 * and the service search wait for "Berkas baru". */
static void update_sensitivity(PatenIntakePage *self)
{
    gtk_widget_set_visible(GTK_WIDGET(self->spinner), self->busy > 0);
    if (self->busy > 0)
        gtk_spinner_start(self->spinner);
    else
        gtk_spinner_stop(self->spinner);
    gtk_widget_set_sensitive(GTK_WIDGET(self->take_in_button),
                             self->busy == 0 && !self->taken && self->service != NULL);
    gtk_widget_set_sensitive(GTK_WIDGET(self->new_button), !self->taking_in);
    gtk_widget_set_sensitive(self->form_box, !self->taking_in && !self->taken);
    gtk_widget_set_sensitive(GTK_WIDGET(self->service_list), !self->taking_in && !self->taken);
    gtk_widget_set_sensitive(GTK_WIDGET(self->search_entry), !self->taking_in && !self->taken);
}

/* Counts a call starting (busy) or ending. */
static void set_busy(PatenIntakePage *self, gboolean busy)
{
    if (busy)
        self->busy++;
    else if (self->busy > 0)
        self->busy--;
    update_sensitivity(self);
}

/* The trimmed text of an entry. Caller frees. */
static char *entry_text(GtkEntry *entry)
{
    return g_strstrip(g_strdup(gtk_entry_get_text(entry)));
}

/* Moves the focus on as Tab would: Enter at the counter goes to the next field. */
static void focus_next(GtkWidget *from)
{
    GtkWidget *top = gtk_widget_get_toplevel(from);

    if (gtk_widget_is_toplevel(top))
        gtk_widget_child_focus(top, GTK_DIR_TAB_FORWARD);
}

static gboolean is_organization(PatenIntakePage *self)
{
    return g_strcmp0(gtk_combo_box_get_active_id(GTK_COMBO_BOX(self->kind_combo)), "org") == 0;
}

static gboolean is_represented(PatenIntakePage *self)
{
    return gtk_toggle_button_get_active(self->represented_check);
}

static void clear_errors(PatenIntakePage *self)
{
    paten_field_errors_clear(self->errors);
    for (guint i = 0; i < self->field_rows->len; i++) {
        FieldRow *row = self->field_rows->pdata[i];

        if (row->error != NULL)
            paten_label_show(row->error, NULL);
    }
}

/* ---- the service list --------------------------------------------------------------------- */

static const Paten__Service *row_service(GtkListBoxRow *row)
{
    return g_object_get_data(G_OBJECT(row), "paten-service");
}

/* A row passes when the search is empty or is part of the service's name or code, in any
 * case. */
static gboolean filter_services(GtkListBoxRow *row, gpointer data)
{
    PatenIntakePage *self = data;
    const Paten__Service *s = row_service(row);
    g_autofree char *needle =
        g_utf8_casefold(gtk_entry_get_text(GTK_ENTRY(self->search_entry)), -1);
    g_autofree char *name = NULL;
    g_autofree char *code = NULL;

    g_strstrip(needle);
    if (needle[0] == '\0')
        return TRUE;
    name = g_utf8_casefold(s->name, -1);
    code = g_utf8_casefold(s->code, -1);
    return strstr(name, needle) != NULL || strstr(code, needle) != NULL;
}

static GtkWidget *service_row_new(const Paten__Service *s)
{
    GtkWidget *row = gtk_list_box_row_new();
    GtkWidget *box = gtk_box_new(GTK_ORIENTATION_VERTICAL, 0);
    GtkWidget *name = gtk_label_new(s->name);
    GtkWidget *code = gtk_label_new(s->code);

    gtk_label_set_xalign(GTK_LABEL(name), 0);
    gtk_label_set_line_wrap(GTK_LABEL(name), TRUE);
    gtk_label_set_xalign(GTK_LABEL(code), 0);
    gtk_style_context_add_class(gtk_widget_get_style_context(code), "dim-label");
    gtk_widget_set_margin_start(box, 6);
    gtk_widget_set_margin_end(box, 6);
    gtk_widget_set_margin_top(box, 4);
    gtk_widget_set_margin_bottom(box, 4);
    gtk_container_add(GTK_CONTAINER(box), name);
    gtk_container_add(GTK_CONTAINER(box), code);
    gtk_container_add(GTK_CONTAINER(row), box);
    paten_set_accessible_name(row, s->name);
    gtk_widget_show_all(row);
    return row;
}

/* The first row the search lets through, or NULL. The search is read now, not through the rows'
 * visibility: GtkSearchEntry reports changes a moment late, and Enter typed right after the text
 * must take what was typed. */
static GtkListBoxRow *first_visible_row(PatenIntakePage *self)
{
    gtk_list_box_invalidate_filter(self->service_list);
    for (int i = 0;; i++) {
        GtkListBoxRow *row = gtk_list_box_get_row_at_index(self->service_list, i);

        if (row == NULL || filter_services(row, self))
            return row;
    }
}

static void select_current_service(PatenIntakePage *self)
{
    for (int i = 0; self->service != NULL; i++) {
        GtkListBoxRow *row = gtk_list_box_get_row_at_index(self->service_list, i);

        if (row == NULL)
            break;
        if (row_service(row)->id == self->service->id) {
            gtk_list_box_select_row(self->service_list, row);
            return;
        }
    }
    gtk_list_box_unselect_all(self->service_list);
}

static void on_services_listed(GObject *src, GAsyncResult *res, gpointer data);

/* The answer a reload is waiting for: a newer reload makes older answers void. */
typedef struct {
    PatenIntakePage *self;
    guint serial;
} Call;

static Call *call_new(PatenIntakePage *self, guint serial)
{
    Call *c = g_new0(Call, 1);

    c->self = g_object_ref(self);
    c->serial = serial;
    set_busy(self, TRUE);
    return c;
}

/* Ends a call: FALSE when its answer no longer counts (the page went away, or a newer call of
 * the same kind was made), in which case reply is freed. */
static gboolean call_end(Call *c, guint current, const GError *err, gpointer reply)
{
    PatenIntakePage *self = c->self;

    if (g_error_matches(err, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->app == NULL) {
        paten_message_free(reply);
        return FALSE;
    }
    set_busy(self, FALSE);
    if (c->serial != current) {
        paten_message_free(reply);
        return FALSE;
    }
    return TRUE;
}

static void call_free(Call *c)
{
    g_object_unref(c->self);
    g_free(c);
}

static void load_services(PatenIntakePage *self)
{
    Paten__ListServicesRequest req = PATEN__LIST_SERVICES_REQUEST__INIT;

    /* Active services only: an inactive one is withdrawn from the counter. */
    paten_connection_call_async(self->conn, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_LIST_SERVICES,
                                &req.base, self->cancel, on_services_listed,
                                call_new(self, ++self->list_serial));
}

static void on_services_listed(GObject *src, GAsyncResult *res, gpointer data)
{
    Call *c = data;
    PatenIntakePage *self = c->self;
    g_autoptr(GError) err = NULL;
    Paten__ListServicesReply *reply = (Paten__ListServicesReply *)paten_connection_call_finish(
        PATEN_CONNECTION(src), res, NULL, &err);
    GList *children;

    if (!call_end(c, self->list_serial, err, reply)) {
        call_free(c);
        return;
    }
    if (reply == NULL) {
        g_autofree char *text = paten_error_text(err);
        g_autofree char *msg = g_strdup_printf(_("The services could not be loaded: %s"), text);

        paten_label_show(self->status_label, msg);
        call_free(c);
        return;
    }
    paten_label_show(self->status_label, NULL);
    children = gtk_container_get_children(GTK_CONTAINER(self->service_list));
    for (GList *l = children; l != NULL; l = l->next)
        gtk_widget_destroy(l->data);
    g_list_free(children);
    g_ptr_array_set_size(self->services, 0);
    for (size_t i = 0; i < reply->n_services; i++) {
        Paten__Service *s = paten_message_dup(&reply->services[i]->base);
        GtkWidget *row;

        if (!s->active) {
            paten_message_free(s);
            continue;
        }
        g_ptr_array_add(self->services, s);
        row = service_row_new(s);
        g_object_set_data(G_OBJECT(row), "paten-service", s);
        gtk_container_add(GTK_CONTAINER(self->service_list), row);
    }
    select_current_service(self);
    paten_message_free(reply);
    call_free(c);
}

/* ---- the service's form ------------------------------------------------------------------- */

static void field_row_free(gpointer p)
{
    g_free(p);
}

static void on_input_changed(PatenIntakePage *self);
static void on_entry_activate(PatenIntakePage *self, GtkEntry *entry);

/* The canonical value of row as the form holds it now; NULL when it holds none, or holds what
 * the desk cannot read (a number or a date; *unreadable is then TRUE). Caller frees. */
static char *field_row_value(const FieldRow *row, gboolean *unreadable)
{
    g_autofree char *text = NULL;

    if (unreadable != NULL)
        *unreadable = FALSE;
    switch (row->spec->type) {
    case PATEN__FIELD_TYPE__FIELD_TYPE_YES_NO:
        return g_strdup(gtk_toggle_button_get_active(GTK_TOGGLE_BUTTON(row->input)) ? "true"
                                                                                    : "false");
    case PATEN__FIELD_TYPE__FIELD_TYPE_CHOICE: {
        const char *id = gtk_combo_box_get_active_id(GTK_COMBO_BOX(row->input));

        return id != NULL && id[0] != '\0' ? g_strdup(id) : NULL;
    }
    default:
        break;
    }
    text = entry_text(GTK_ENTRY(row->input));
    if (text[0] == '\0')
        return NULL;
    if (row->spec->type == PATEN__FIELD_TYPE__FIELD_TYPE_NUMBER ||
        row->spec->type == PATEN__FIELD_TYPE__FIELD_TYPE_DATE) {
        char *canonical = row->spec->type == PATEN__FIELD_TYPE__FIELD_TYPE_NUMBER
                              ? paten_decimal_parse(text)
                              : paten_date_parse(text);

        if (canonical == NULL && unreadable != NULL)
            *unreadable = TRUE;
        return canonical;
    }
    return g_steal_pointer(&text);
}

static const FieldRow *field_row_lookup(PatenIntakePage *self, const char *name)
{
    for (guint i = 0; i < self->field_rows->len; i++) {
        const FieldRow *row = self->field_rows->pdata[i];

        if (g_strcmp0(row->spec->name, name) == 0)
            return row;
    }
    return NULL;
}

/* PatenFieldLookup over the page's form; data is a GHashTable name -> canonical value. */
static const char *lookup_value(const char *name, gpointer data)
{
    return g_hash_table_lookup(data, name);
}

/* Re-reads a NUMBER or DATE entry when the clerk leaves it: what cannot be read is said next to
 * it at once, while the applicant is still at the counter. */
static gboolean on_field_focus_out(GtkWidget *entry, GdkEvent *event, gpointer data)
{
    PatenIntakePage *self = data;

    (void)event;
    for (guint i = 0; i < self->field_rows->len; i++) {
        const FieldRow *row = self->field_rows->pdata[i];
        gboolean unreadable;
        g_autofree char *value = NULL;

        if (row->input != entry)
            continue;
        value = field_row_value(row, &unreadable);
        if (unreadable)
            paten_label_show(row->error, row->spec->type == PATEN__FIELD_TYPE__FIELD_TYPE_NUMBER
                                             ? _("This is not a number (e.g. 72,5 or 1.500).")
                                             : _("This is not a date (e.g. 12-05-2026)."));
        else
            paten_label_show(row->error, NULL);
    }
    return GDK_EVENT_PROPAGATE;
}

/* Adds the row of spec at grid line *line (two lines: the input, its error). */
static void add_field_row(PatenIntakePage *self, const Paten__FieldSpec *spec, int *line)
{
    FieldRow *row = g_new0(FieldRow, 1);
    g_autofree char *title =
        spec->required ? g_strdup_printf("%s *", spec->label) : g_strdup(spec->label);
    GtkWidget *label = NULL;
    GtkWidget *where;

    row->spec = spec;
    switch (spec->type) {
    case PATEN__FIELD_TYPE__FIELD_TYPE_YES_NO:
        /* Never marked required: unticked is an answer ("false"), always sent. */
        row->input = gtk_check_button_new_with_label(spec->label);
        gtk_label_set_line_wrap(GTK_LABEL(gtk_bin_get_child(GTK_BIN(row->input))), TRUE);
        g_signal_connect_object(row->input, "toggled", G_CALLBACK(on_input_changed), self,
                                G_CONNECT_SWAPPED);
        gtk_grid_attach(self->fields_grid, row->input, 1, *line, 1, 1);
        paten_set_accessible_name(row->input, spec->label);
        gtk_widget_show(row->input);
        g_ptr_array_add(self->field_rows, row);
        *line += 1;
        return;
    case PATEN__FIELD_TYPE__FIELD_TYPE_CHOICE:
        row->input = gtk_combo_box_text_new();
        gtk_widget_set_halign(row->input, GTK_ALIGN_START);
        /* An optional choice can be left empty again. */
        if (!spec->required)
            gtk_combo_box_text_append(GTK_COMBO_BOX_TEXT(row->input), "", "—");
        for (size_t i = 0; i < spec->n_choices; i++)
            gtk_combo_box_text_append(GTK_COMBO_BOX_TEXT(row->input), spec->choices[i],
                                      spec->choices[i]);
        g_signal_connect_object(row->input, "changed", G_CALLBACK(on_input_changed), self,
                                G_CONNECT_SWAPPED);
        where = row->input;
        break;
    default:
        row->input = gtk_entry_new();
        gtk_widget_set_hexpand(row->input, TRUE);
        g_signal_connect_object(row->input, "changed", G_CALLBACK(on_input_changed), self,
                                G_CONNECT_SWAPPED);
        g_signal_connect_object(row->input, "activate", G_CALLBACK(on_entry_activate), self,
                                G_CONNECT_SWAPPED);
        g_signal_connect_object(row->input, "focus-out-event", G_CALLBACK(on_field_focus_out), self,
                                0);
        where = row->input;
        if (spec->type == PATEN__FIELD_TYPE__FIELD_TYPE_DATE) {
            gtk_entry_set_placeholder_text(GTK_ENTRY(row->input), _("dd-mm-yyyy"));
            gtk_widget_set_hexpand(row->input, FALSE);
            gtk_widget_set_halign(row->input, GTK_ALIGN_START);
        } else if (spec->type == PATEN__FIELD_TYPE__FIELD_TYPE_NUMBER) {
            GtkWidget *unit = gtk_label_new(spec->unit);

            gtk_widget_set_hexpand(row->input, FALSE);
            gtk_entry_set_input_purpose(GTK_ENTRY(row->input), GTK_INPUT_PURPOSE_NUMBER);
            gtk_entry_set_alignment(GTK_ENTRY(row->input), 1.0);
            where = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 6);
            gtk_container_add(GTK_CONTAINER(where), row->input);
            gtk_container_add(GTK_CONTAINER(where), unit);
        }
        break;
    }
    label = gtk_label_new(title);
    gtk_label_set_xalign(GTK_LABEL(label), 1);
    gtk_label_set_line_wrap(GTK_LABEL(label), TRUE);
    gtk_label_set_max_width_chars(GTK_LABEL(label), 36);
    gtk_label_set_mnemonic_widget(GTK_LABEL(label), row->input);
    paten_set_accessible_name(row->input, spec->label);
    gtk_grid_attach(self->fields_grid, label, 0, *line, 1, 1);
    gtk_grid_attach(self->fields_grid, where, 1, *line, 1, 1);
    row->error = GTK_LABEL(gtk_label_new(NULL));
    gtk_label_set_xalign(row->error, 0);
    gtk_label_set_line_wrap(row->error, TRUE);
    gtk_style_context_add_class(gtk_widget_get_style_context(GTK_WIDGET(row->error)),
                                "paten-error");
    gtk_grid_attach(self->fields_grid, GTK_WIDGET(row->error), 1, *line + 1, 1, 1);
    gtk_widget_show(label);
    gtk_widget_show_all(where);
    g_ptr_array_add(self->field_rows, row);
    *line += 2;
}

static void clear_container(GtkContainer *c)
{
    GList *children = gtk_container_get_children(c);

    for (GList *l = children; l != NULL; l = l->next)
        gtk_widget_destroy(l->data);
    g_list_free(children);
}

/*
 * What the clerk put on the form, to be put back on a new version of the same service: field name
 * -> "<type>|<text>" (an entry's text, a choice, "1" for a ticked check) and "requirement|<code>"
 * -> "1" for each ticked requirement. Its strings are owned by the table.
 */
static GHashTable *form_snapshot(PatenIntakePage *self)
{
    GHashTable *kept = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);

    for (guint i = 0; i < self->field_rows->len; i++) {
        const FieldRow *row = self->field_rows->pdata[i];
        const char *text = NULL;

        if (GTK_IS_ENTRY(row->input))
            text = gtk_entry_get_text(GTK_ENTRY(row->input));
        else if (GTK_IS_COMBO_BOX(row->input))
            text = gtk_combo_box_get_active_id(GTK_COMBO_BOX(row->input));
        else
            text = gtk_toggle_button_get_active(GTK_TOGGLE_BUTTON(row->input)) ? "1" : "";
        g_hash_table_insert(kept, g_strdup(row->spec->name),
                            g_strdup_printf("%d|%s", row->spec->type, text ? text : ""));
    }
    for (guint i = 0; i < self->req_checks->len; i++) {
        GtkWidget *check = self->req_checks->pdata[i];
        const Paten__Requirement *r = g_object_get_data(G_OBJECT(check), "paten-requirement");

        if (gtk_toggle_button_get_active(GTK_TOGGLE_BUTTON(check)))
            g_hash_table_insert(kept, g_strconcat("requirement|", r->code, NULL), g_strdup("1"));
    }
    return kept;
}

/* Puts back what form_snapshot() kept, where a field of the same name and type is still there. */
static void form_restore(PatenIntakePage *self, GHashTable *kept)
{
    for (guint i = 0; i < self->field_rows->len; i++) {
        const FieldRow *row = self->field_rows->pdata[i];
        g_autofree char *prefix = g_strdup_printf("%d|", row->spec->type);
        const char *v = g_hash_table_lookup(kept, row->spec->name);

        if (v == NULL || !g_str_has_prefix(v, prefix))
            continue;
        v += strlen(prefix);
        if (GTK_IS_ENTRY(row->input))
            gtk_entry_set_text(GTK_ENTRY(row->input), v);
        else if (GTK_IS_COMBO_BOX(row->input))
            gtk_combo_box_set_active_id(GTK_COMBO_BOX(row->input), v[0] ? v : NULL);
        else
            gtk_toggle_button_set_active(GTK_TOGGLE_BUTTON(row->input), v[0] != '\0');
    }
    for (guint i = 0; i < self->req_checks->len; i++) {
        GtkWidget *check = self->req_checks->pdata[i];
        const Paten__Requirement *r = g_object_get_data(G_OBJECT(check), "paten-requirement");
        g_autofree char *key = g_strconcat("requirement|", r->code, NULL);

        gtk_toggle_button_set_active(GTK_TOGGLE_BUTTON(check), g_hash_table_contains(kept, key));
    }
}

/* Builds the form and the checklist of self->service; kept (may be NULL) is what to put back
 * on it (form_snapshot). */
static void build_form(PatenIntakePage *self, GHashTable *kept)
{
    const Paten__Service *s = self->service;
    g_autofree char *deadline = NULL;
    g_autofree char *info = NULL;
    int line = 0;

    self->filling = TRUE;
    g_ptr_array_set_size(self->field_rows, 0);
    g_ptr_array_set_size(self->req_checks, 0);
    clear_container(GTK_CONTAINER(self->fields_grid));
    clear_container(GTK_CONTAINER(self->req_box));
    gtk_label_set_text(self->service_title, s->name);
    deadline = g_strdup_printf(ngettext("Done within %u working day", "Done within %u working days",
                                        s->deadline_working_days),
                               s->deadline_working_days);
    info = g_strdup_printf("%s · %s · %s\n%s", s->code, paten_service_kind_name(s->kind), deadline,
                           s->legal_basis);
    paten_label_show(self->service_info, info);
    for (size_t i = 0; i < s->n_fields; i++)
        add_field_row(self, s->fields[i], &line);
    if (s->n_fields == 0) {
        GtkWidget *none = gtk_label_new(_("This service has no form to fill."));

        gtk_style_context_add_class(gtk_widget_get_style_context(none), "dim-label");
        gtk_grid_attach(self->fields_grid, none, 0, 0, 2, 1);
        gtk_widget_show(none);
    }
    for (size_t i = 0; i < s->n_requirements; i++) {
        GtkWidget *check = gtk_check_button_new_with_label(s->requirements[i]->text);

        gtk_label_set_line_wrap(GTK_LABEL(gtk_bin_get_child(GTK_BIN(check))), TRUE);
        g_object_set_data(G_OBJECT(check), "paten-requirement", s->requirements[i]);
        paten_set_accessible_name(check, s->requirements[i]->text);
        g_signal_connect_object(check, "toggled", G_CALLBACK(on_input_changed), self,
                                G_CONNECT_SWAPPED);
        gtk_container_add(GTK_CONTAINER(self->req_box), check);
        g_ptr_array_add(self->req_checks, check);
    }
    if (kept != NULL)
        form_restore(self, kept);
    self->filling = FALSE;
    update_requirements(self);
    gtk_widget_show(self->form_box);
    update_sensitivity(self);
}

/* Shows the requirements that apply to the form as it is now (a hidden one keeps its tick for
 * when it applies again, but is not sent). */
static void update_requirements(PatenIntakePage *self)
{
    g_autoptr(GHashTable) values = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, g_free);
    gboolean represented = is_represented(self);

    for (guint i = 0; i < self->field_rows->len; i++) {
        const FieldRow *row = self->field_rows->pdata[i];
        char *v = field_row_value(row, NULL);

        if (v != NULL)
            g_hash_table_insert(values, row->spec->name, v);
    }
    for (guint i = 0; i < self->req_checks->len; i++) {
        GtkWidget *check = self->req_checks->pdata[i];
        const Paten__Requirement *r = g_object_get_data(G_OBJECT(check), "paten-requirement");

        gtk_widget_set_visible(check,
                               paten_requirement_applies(r, lookup_value, values, represented));
    }
}

static void on_service_got(GObject *src, GAsyncResult *res, gpointer data)
{
    Call *c = data;
    PatenIntakePage *self = c->self;
    g_autoptr(GError) err = NULL;
    Paten__ServiceReply *reply =
        (Paten__ServiceReply *)paten_connection_call_finish(PATEN_CONNECTION(src), res, NULL, &err);
    g_autoptr(GHashTable) kept = NULL;

    if (!call_end(c, self->service_serial, err, reply)) {
        call_free(c);
        return;
    }
    if (reply == NULL || reply->service == NULL) {
        g_autofree char *text = paten_error_text(err);
        g_autofree char *msg = g_strdup_printf(_("The service could not be loaded: %s"), text);

        paten_label_show(self->status_label, msg);
        paten_message_free(reply);
        call_free(c);
        return;
    }
    /* A new version of the service on the form keeps what was typed (the notice stays). */
    paten_label_show(self->status_label, NULL);
    if (self->service != NULL && self->service->id == reply->service->id)
        kept = form_snapshot(self);
    else {
        paten_label_show(self->notice_label, NULL);
        paten_label_show(self->result_label, NULL);
    }
    g_clear_pointer(&self->service, paten_message_free);
    self->service = paten_message_dup(&reply->service->base);
    g_clear_pointer(&self->key, g_free);
    clear_errors(self);
    build_form(self, kept);
    update_renewal(self);
    select_current_service(self);
    /* On to the applicant, unless it is already there (the clerk changed the service). */
    if (gtk_entry_get_text(self->name_entry)[0] == '\0')
        gtk_widget_grab_focus(
            GTK_WIDGET(is_organization(self) ? self->nib_entry : self->nik_entry));
    else if (self->field_rows->len > 0)
        gtk_widget_grab_focus(((FieldRow *)self->field_rows->pdata[0])->input);
    paten_message_free(reply);
    call_free(c);
}

static void choose_service(PatenIntakePage *self, const Paten__Service *s)
{
    Paten__GetServiceRequest req = PATEN__GET_SERVICE_REQUEST__INIT;

    if (self->taking_in || self->taken)
        return;
    req.service_id = s->id;
    paten_connection_call_async(self->conn, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_GET_SERVICE,
                                &req.base, self->cancel, on_service_got,
                                call_new(self, ++self->service_serial));
}

static void on_service_activated(PatenIntakePage *self, GtkListBoxRow *row, GtkListBox *list)
{
    (void)list;
    choose_service(self, row_service(row));
}

static void on_search_changed(PatenIntakePage *self, GtkSearchEntry *entry)
{
    (void)entry;
    gtk_list_box_invalidate_filter(self->service_list);
}

/* Enter in the search takes the first service it shows. */
static void on_search_activate(PatenIntakePage *self, GtkSearchEntry *entry)
{
    GtkListBoxRow *row = first_visible_row(self);

    (void)entry;
    if (row != NULL) {
        gtk_list_box_select_row(self->service_list, row);
        choose_service(self, row_service(row));
    }
}

/* Escape in the search empties it. */
static void on_search_stop(PatenIntakePage *self, GtkSearchEntry *entry)
{
    (void)self;
    gtk_entry_set_text(GTK_ENTRY(entry), "");
}

/* Down in the search goes into the list, at the first service it shows. */
static gboolean on_search_key_press(PatenIntakePage *self, GdkEventKey *event, GtkWidget *entry)
{
    GtkListBoxRow *row;

    (void)entry;
    if (event->keyval != GDK_KEY_Down && event->keyval != GDK_KEY_KP_Down)
        return GDK_EVENT_PROPAGATE;
    row = first_visible_row(self);
    if (row == NULL)
        return GDK_EVENT_PROPAGATE;
    gtk_list_box_select_row(self->service_list, row);
    gtk_widget_grab_focus(GTK_WIDGET(row));
    return GDK_EVENT_STOP;
}

static void on_service_changed(PatenEventBus *bus, gpointer ev, gpointer data)
{
    PatenIntakePage *self = data;
    const Paten__ServiceChanged *sc = ev;

    (void)bus;
    load_services(self);
    /* A new version of the service on the form: its form may have changed. The clerk's input
     * is kept where the fields keep their names (build_form runs again on the new answer);
     * after a file was taken in there is nothing more to do. */
    if (sc->service != NULL && self->service != NULL && sc->service->id == self->service->id &&
        !self->taken && !self->taking_in) {
        paten_label_show(self->notice_label,
                         _("The administrator changed this service; its form was loaded again."));
        choose_service(self, sc->service);
    }
}

static void on_events_missed(PatenEventBus *bus, gpointer data)
{
    (void)bus;
    load_services(data);
}

/* ---- the applicant ------------------------------------------------------------------------ */

static void show_kind(PatenIntakePage *self)
{
    gboolean org = is_organization(self);
    GtkWidget *person[] = { self->nik_label, GTK_WIDGET(self->nik_entry) };
    GtkWidget *orgs[] = {
        self->nib_label,       GTK_WIDGET(self->nib_entry),
        self->npwp_label,      GTK_WIDGET(self->npwp_entry),
        self->resp_nik_label,  GTK_WIDGET(self->resp_nik_entry),
        self->resp_name_label, GTK_WIDGET(self->resp_name_entry),
    };

    for (guint i = 0; i < G_N_ELEMENTS(person); i++)
        gtk_widget_set_visible(person[i], !org);
    for (guint i = 0; i < G_N_ELEMENTS(orgs); i++)
        gtk_widget_set_visible(orgs[i], org);
    if (org)
        paten_label_show(self->nik_error, NULL);
    else {
        paten_label_show(self->nib_error, NULL);
        paten_label_show(self->npwp_error, NULL);
        paten_label_show(self->resp_nik_error, NULL);
    }
}

static void on_kind_changed(PatenIntakePage *self, GtkComboBox *combo)
{
    (void)combo;
    show_kind(self);
    on_input_changed(self);
}

static void on_represented_toggled(PatenIntakePage *self, GtkToggleButton *check)
{
    gtk_widget_set_visible(self->rep_grid, gtk_toggle_button_get_active(check));
    on_input_changed(self);
}

/* A FindApplicant on its way: which entry asked (its error label shows a refusal). */
typedef struct {
    Call *call;
    GtkEntry *entry;
    GtkLabel *error;
} Find;

static void set_entry(GtkEntry *entry, const char *text)
{
    gtk_entry_set_text(entry, text != NULL ? text : "");
}

/*
 * Offers the applicant's handed-over permits of the chosen service as what this file renews
 * (the server checks the same: same service, handed over); hides the choice when there are none.
 * Called when the applicant is found and when the service changes.
 */
static void update_renewal(PatenIntakePage *self)
{
    g_autofree char *was =
        g_strdup(gtk_combo_box_get_active_id(GTK_COMBO_BOX(self->renewal_combo)));
    gboolean filling = self->filling;
    guint n = 0;

    self->filling = TRUE; /* not the clerk's change: the key stays */
    gtk_combo_box_text_remove_all(self->renewal_combo);
    gtk_combo_box_text_append(self->renewal_combo, "0", _("None: a new application"));
    for (size_t i = 0; self->found != NULL && self->service != NULL && i < self->found->n_files;
         i++) {
        const Paten__FileSummary *f = self->found->files[i];
        g_autofree char *id = NULL;

        if (f->state != PATEN__FILE_STATE__FILE_STATE_HANDED_OVER ||
            strcmp(f->service_code, self->service->code) != 0)
            continue;
        id = g_strdup_printf("%" G_GINT64_FORMAT, f->id);
        gtk_combo_box_text_append(self->renewal_combo, id, f->register_number);
        n++;
    }
    /* A new version of the service keeps the clerk's choice. */
    if (was == NULL || !gtk_combo_box_set_active_id(GTK_COMBO_BOX(self->renewal_combo), was))
        gtk_combo_box_set_active(GTK_COMBO_BOX(self->renewal_combo), 0);
    gtk_widget_set_visible(self->renewal_box, n > 0);
    self->filling = filling;
}

static void fill_applicant(PatenIntakePage *self, const Paten__Applicant *a)
{
    gboolean org = a->kind == PATEN__APPLICANT_KIND__APPLICANT_KIND_ORGANIZATION;

    gtk_combo_box_set_active_id(GTK_COMBO_BOX(self->kind_combo), org ? "org" : "person");
    if (org) {
        set_entry(self->nib_entry, a->nib);
        set_entry(self->npwp_entry, a->npwp);
        set_entry(self->resp_nik_entry, a->responsible_nik);
        set_entry(self->resp_name_entry, a->responsible_name);
    } else
        set_entry(self->nik_entry, a->nik);
    set_entry(self->name_entry, a->name);
    set_entry(self->address_entry, a->address);
    set_entry(self->phone_entry, a->phone);
}

static void on_applicant_found(GObject *src, GAsyncResult *res, gpointer data)
{
    Find *f = data;
    PatenIntakePage *self = f->call->self;
    g_autoptr(GError) err = NULL;
    Paten__ApplicantReply *reply = (Paten__ApplicantReply *)paten_connection_call_finish(
        PATEN_CONNECTION(src), res, NULL, &err);

    if (!call_end(f->call, self->find_serial, err, reply))
        goto out;
    if (reply != NULL && reply->applicant != NULL) {
        g_autofree char *note = g_strdup_printf(
            ngettext("Known applicant, with %u earlier file here; check the address and "
                     "phone.",
                     "Known applicant, with %u earlier files here; check the address and "
                     "phone.",
                     (guint)reply->n_files),
            (guint)reply->n_files);

        fill_applicant(self, reply->applicant);
        paten_message_free(self->found);
        self->found = paten_message_dup(&reply->base);
        update_renewal(self);
        paten_label_show(self->applicant_note, note);
        gtk_widget_grab_focus(GTK_WIDGET(self->name_entry));
    } else if (g_error_matches(err, PATEN_ERROR, PATEN_ERR_NOT_FOUND)) {
        g_clear_pointer(&self->found, paten_message_free);
        update_renewal(self);
        paten_label_show(self->applicant_note,
                         _("New applicant: fill in the name, address and phone."));
        gtk_widget_grab_focus(GTK_WIDGET(self->name_entry));
    } else {
        g_autofree char *text = paten_error_text(err);

        paten_label_show(f->error, text);
        gtk_widget_grab_focus(GTK_WIDGET(f->entry));
    }
out:
    paten_message_free(reply);
    call_free(f->call);
    g_free(f);
}

/* Enter on a NIK, NIB or NPWP: the region's record of that applicant, if it has one. */
static void on_number_activate(PatenIntakePage *self, GtkEntry *entry)
{
    Paten__FindApplicantRequest req = PATEN__FIND_APPLICANT_REQUEST__INIT;
    g_autofree char *number = entry_text(entry);
    Find *f;

    if (number[0] == '\0') {
        focus_next(GTK_WIDGET(entry));
        return;
    }
    f = g_new0(Find, 1);
    f->entry = entry;
    f->error = entry == self->nik_entry   ? self->nik_error
               : entry == self->nib_entry ? self->nib_error
                                          : self->npwp_error;
    paten_label_show(f->error, NULL);
    paten_label_show(self->applicant_note, NULL);
    req.number = number;
    f->call = call_new(self, ++self->find_serial);
    paten_connection_call_async(self->conn, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_FIND_APPLICANT,
                                &req.base, self->cancel, on_applicant_found, f);
}

static void on_entry_activate(PatenIntakePage *self, GtkEntry *entry)
{
    (void)self;
    focus_next(GTK_WIDGET(entry));
}

/* Anything typed, chosen or ticked: a new attempt (a new idempotency key at the next "Terima
 * berkas"), and the requirements that apply again. */
static void on_input_changed(PatenIntakePage *self)
{
    if (self->filling)
        return;
    g_clear_pointer(&self->key, g_free);
    update_requirements(self);
}

/* ---- the requirements --------------------------------------------------------------------- */

static void on_tick_all_clicked(PatenIntakePage *self, GtkButton *button)
{
    (void)button;
    for (guint i = 0; i < self->req_checks->len; i++) {
        GtkWidget *check = self->req_checks->pdata[i];

        if (gtk_widget_get_visible(check))
            gtk_toggle_button_set_active(GTK_TOGGLE_BUTTON(check), TRUE);
    }
}

/* ---- taking in ---------------------------------------------------------------------------- */

/* What the reply of a TakeIn needs: the applicant and representative as sent (the return slip
 * shows them) and the service the form was built from. */
typedef struct {
    PatenIntakePage *self;
    Paten__Applicant *applicant;
    Paten__Representative *representative; /* NULL unless represented */
    Paten__Service *service;
} TakeIn;

static void take_in_free(TakeIn *t)
{
    paten_message_free(t->applicant);
    paten_message_free(t->representative);
    paten_message_free(t->service);
    g_object_unref(t->self);
    g_free(t);
}

static PatenPrintContext print_context(PatenIntakePage *self, GDateTime *now)
{
    PatenSession *session = paten_application_get_session(self->app);
    PatenPrintContext ctx = { 0 };

    ctx.region_name = paten_session_get_region_name(session);
    ctx.time_zone = paten_session_get_time_zone(session);
    if (ctx.time_zone[0] == '\0')
        ctx.time_zone = NULL;
    ctx.now = now;
    return ctx;
}

/* Shows a refused TakeIn next to what it names, and puts the focus there. */
static void show_take_in_error(PatenIntakePage *self, const Paten__Error *error_reply,
                               const GError *err)
{
    g_autofree char *text = paten_error_text(err);
    const char *field = error_reply != NULL ? error_reply->field : NULL;
    GtkLabel *where;

    if (g_strcmp0(field, "fields") == 0 && error_reply->detail != NULL) {
        const FieldRow *row = field_row_lookup(self, error_reply->detail);

        if (row != NULL && row->error != NULL) {
            paten_label_show(row->error, text);
            gtk_widget_grab_focus(row->input);
            return;
        }
        if (row != NULL) {
            paten_label_show(self->fields_error, text);
            gtk_widget_grab_focus(row->input);
            return;
        }
    }
    if (paten_error_is_connection(err)) {
        g_autofree char *msg = g_strdup_printf(
            _("%s Press \"Take in the file\" again when the connection is back: the file will "
              "not be recorded twice."),
            text);

        paten_label_show(self->error_label, msg);
        gtk_widget_grab_focus(GTK_WIDGET(self->take_in_button));
        return;
    }
    where = paten_field_errors_show(self->errors, field, text);
    if (where == self->nik_error)
        gtk_widget_grab_focus(GTK_WIDGET(self->nik_entry));
    else if (where == self->name_error)
        gtk_widget_grab_focus(GTK_WIDGET(self->name_entry));
    else if (where == self->nib_error)
        gtk_widget_grab_focus(GTK_WIDGET(self->nib_entry));
    else if (where == self->rep_nik_error)
        gtk_widget_grab_focus(GTK_WIDGET(self->rep_nik_entry));
    else if (where == self->rep_name_error)
        gtk_widget_grab_focus(GTK_WIDGET(self->rep_name_entry));
}

static void took_in(PatenIntakePage *self, TakeIn *t, const Paten__TakeInReply *reply)
{
    PatenSession *session = paten_application_get_session(self->app);
    g_autoptr(GDateTime) now = g_date_time_new_now_local();
    PatenPrintContext ctx = print_context(self, now);
    g_autoptr(PatenDocument) doc = NULL;
    g_autofree char *printed = NULL;
    g_autofree char *outcome = NULL;
    GtkStyleContext *style = gtk_widget_get_style_context(GTK_WIDGET(self->result_label));

    if (reply->complete && reply->file != NULL) {
        const Paten__File *f = reply->file;
        g_autofree char *due = paten_format_time(f->deadline_ms, ctx.time_zone, TRUE);
        const Paten__Document *receipt =
            paten_file_find_document(f, PATEN__DOCUMENT_KIND__DOCUMENT_KIND_RECEIPT);

        self->taken = TRUE;
        if (receipt != NULL) {
            doc = paten_receipt_new(f, t->service, receipt, &ctx);
            printed = paten_document_print_from(doc, GTK_WIDGET(self), _("The receipt"));
        }
        outcome = g_strdup_printf(_("File taken in: register number %s, to be done by %s.\n%s\n"
                                    "Press Ctrl+N for the next applicant."),
                                  f->register_number, due, printed != NULL ? printed : "");
        gtk_style_context_remove_class(style, "paten-notice");
        gtk_style_context_add_class(style, "paten-success");
    } else {
        GString *missing = g_string_new(NULL);

        for (size_t i = 0; i < reply->n_missing; i++)
            g_string_append_printf(missing, "\n• %s", reply->missing[i]->text);
        if (reply->return_slip != NULL) {
            doc = paten_return_slip_new(t->service, paten_session_get_office_name(session),
                                        t->applicant, t->representative, reply->missing,
                                        reply->n_missing, reply->return_slip, &ctx);
            printed = paten_document_print_from(doc, GTK_WIDGET(self), _("The return slip"));
        }
        outcome = g_strdup_printf(_("Incomplete: no file was started. Missing:%s\n%s"),
                                  missing->str, printed != NULL ? printed : "");
        g_string_free(missing, TRUE);
        gtk_style_context_remove_class(style, "paten-success");
        gtk_style_context_add_class(style, "paten-notice");
    }
    paten_label_show(self->result_label, g_strstrip(outcome));
}

static void on_taken_in(GObject *src, GAsyncResult *res, gpointer data)
{
    TakeIn *t = data;
    PatenIntakePage *self = t->self;
    g_autoptr(GError) err = NULL;
    Paten__Error *error_reply = NULL;
    Paten__TakeInReply *reply = (Paten__TakeInReply *)paten_connection_call_finish(
        PATEN_CONNECTION(src), res, &error_reply, &err);

    if (g_error_matches(err, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->app == NULL)
        goto out;
    self->taking_in = FALSE;
    if (reply != NULL)
        took_in(self, t, reply);
    set_busy(self, FALSE);
    if (reply == NULL)
        show_take_in_error(self, error_reply, err);
    else if (self->taken)
        gtk_widget_grab_focus(GTK_WIDGET(self->new_button));
    else
        gtk_widget_grab_focus(GTK_WIDGET(self->take_in_button));
out:
    paten_message_free(reply);
    paten_message_free(error_reply);
    take_in_free(t);
}

/* The form's values for TakeIn into values (FieldValues owning their strings); FALSE when one
 * cannot be read (said next to it). */
static gboolean collect_fields(PatenIntakePage *self, GPtrArray *values)
{
    gboolean ok = TRUE;

    for (guint i = 0; i < self->field_rows->len; i++) {
        const FieldRow *row = self->field_rows->pdata[i];
        gboolean unreadable;
        char *v = field_row_value(row, &unreadable);
        Paten__FieldValue *fv;

        if (unreadable) {
            paten_label_show(row->error, row->spec->type == PATEN__FIELD_TYPE__FIELD_TYPE_NUMBER
                                             ? _("This is not a number (e.g. 72,5 or 1.500).")
                                             : _("This is not a date (e.g. 12-05-2026)."));
            if (ok)
                gtk_widget_grab_focus(row->input);
            ok = FALSE;
            continue;
        }
        if (v == NULL)
            continue; /* left empty: a required one is the server's to name */
        fv = g_new(Paten__FieldValue, 1);
        paten__field_value__init(fv);
        fv->name = g_strdup(row->spec->name);
        fv->value = v;
        g_ptr_array_add(values, fv);
    }
    return ok;
}

static void field_value_free(gpointer p)
{
    Paten__FieldValue *fv = p;

    g_free(fv->name);
    g_free(fv->value);
    g_free(fv);
}

static void on_take_in_clicked(PatenIntakePage *self, GtkButton *button)
{
    Paten__TakeInRequest req = PATEN__TAKE_IN_REQUEST__INIT;
    Paten__Applicant a = PATEN__APPLICANT__INIT;
    Paten__Representative rep = PATEN__REPRESENTATIVE__INIT;
    g_autoptr(GPtrArray) values = g_ptr_array_new_with_free_func(field_value_free);
    g_autoptr(GPtrArray) codes = g_ptr_array_new();
    g_autofree char *nik = entry_text(self->nik_entry);
    g_autofree char *nib = entry_text(self->nib_entry);
    g_autofree char *npwp = entry_text(self->npwp_entry);
    g_autofree char *resp_nik = entry_text(self->resp_nik_entry);
    g_autofree char *resp_name = entry_text(self->resp_name_entry);
    g_autofree char *name = entry_text(self->name_entry);
    g_autofree char *address = entry_text(self->address_entry);
    g_autofree char *phone = entry_text(self->phone_entry);
    g_autofree char *rep_name = entry_text(self->rep_name_entry);
    g_autofree char *rep_nik = entry_text(self->rep_nik_entry);
    TakeIn *t;

    (void)button;
    if (self->service == NULL || self->busy > 0 || self->taken)
        return;
    clear_errors(self);
    paten_label_show(self->result_label, NULL);
    if (!collect_fields(self, values))
        return;
    if (is_organization(self)) {
        a.kind = PATEN__APPLICANT_KIND__APPLICANT_KIND_ORGANIZATION;
        a.nib = nib;
        a.npwp = npwp;
        a.responsible_nik = resp_nik;
        a.responsible_name = resp_name;
    } else {
        a.kind = PATEN__APPLICANT_KIND__APPLICANT_KIND_PERSON;
        a.nik = nik;
    }
    a.name = name;
    a.address = address;
    a.phone = phone;
    for (guint i = 0; i < self->req_checks->len; i++) {
        GtkWidget *check = self->req_checks->pdata[i];
        const Paten__Requirement *r = g_object_get_data(G_OBJECT(check), "paten-requirement");

        if (gtk_widget_get_visible(check) && gtk_toggle_button_get_active(GTK_TOGGLE_BUTTON(check)))
            g_ptr_array_add(codes, r->code);
    }
    if (self->key == NULL)
        self->key = g_uuid_string_random();
    req.idempotency_key = self->key;
    req.service_id = self->service->id;
    req.applicant = &a;
    if (is_represented(self)) {
        rep.name = rep_name;
        rep.nik = rep_nik;
        req.representative = &rep;
    }
    if (gtk_widget_get_visible(self->renewal_box)) {
        const char *renews = gtk_combo_box_get_active_id(GTK_COMBO_BOX(self->renewal_combo));
        req.renewal_of_file_id = renews ? g_ascii_strtoll(renews, NULL, 10) : 0;
    }
    req.fields = (Paten__FieldValue **)values->pdata;
    req.n_fields = values->len;
    req.requirements = (char **)codes->pdata;
    req.n_requirements = codes->len;

    t = g_new0(TakeIn, 1);
    t->self = g_object_ref(self);
    t->applicant = paten_message_dup(&a.base);
    t->representative = req.representative != NULL ? paten_message_dup(&rep.base) : NULL;
    t->service = paten_message_dup(&self->service->base);
    self->taking_in = TRUE;
    set_busy(self, TRUE);
    paten_connection_call_async(self->conn, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_TAKE_IN, &req.base,
                                self->cancel, on_taken_in, t);
}

/* ---- the next applicant ------------------------------------------------------------------- */

/* Clears the counter for the next applicant: no service, no applicant, the search focused. */
static void new_file(PatenIntakePage *self)
{
    GtkEntry *entries[] = {
        self->nik_entry,       self->nib_entry,     self->npwp_entry,    self->resp_nik_entry,
        self->resp_name_entry, self->name_entry,    self->address_entry, self->phone_entry,
        self->rep_name_entry,  self->rep_nik_entry,
    };

    if (self->taking_in)
        return;
    self->filling = TRUE;
    self->taken = FALSE;
    self->service_serial++; /* a GetService under way no longer counts */
    self->find_serial++;
    g_clear_pointer(&self->key, g_free);
    for (guint i = 0; i < G_N_ELEMENTS(entries); i++)
        gtk_entry_set_text(entries[i], "");
    gtk_combo_box_set_active_id(GTK_COMBO_BOX(self->kind_combo), "person");
    gtk_toggle_button_set_active(self->represented_check, FALSE);
    g_ptr_array_set_size(self->field_rows, 0);
    g_ptr_array_set_size(self->req_checks, 0);
    clear_container(GTK_CONTAINER(self->fields_grid));
    clear_container(GTK_CONTAINER(self->req_box));
    g_clear_pointer(&self->service, paten_message_free);
    g_clear_pointer(&self->found, paten_message_free);
    self->filling = FALSE;
    update_renewal(self);
    clear_errors(self);
    paten_label_show(self->applicant_note, NULL);
    paten_label_show(self->result_label, NULL);
    paten_label_show(self->status_label, NULL);
    paten_label_show(self->notice_label, NULL);
    paten_label_show(self->service_info, NULL);
    gtk_label_set_text(self->service_title,
                       _("Choose a service: type part of its name or code, then Enter."));
    gtk_widget_hide(self->form_box);
    gtk_list_box_unselect_all(self->service_list);
    gtk_entry_set_text(GTK_ENTRY(self->search_entry), "");
    update_sensitivity(self);
    gtk_widget_grab_focus(GTK_WIDGET(self->search_entry));
}

static void on_new_clicked(PatenIntakePage *self, GtkButton *button)
{
    (void)button;
    new_file(self);
}

static gboolean on_key_press(PatenIntakePage *self, GdkEventKey *event, GtkWidget *widget)
{
    GdkModifierType mods = event->state & gtk_accelerator_get_default_mod_mask();

    (void)widget;
    if (mods == GDK_CONTROL_MASK && (event->keyval == GDK_KEY_n || event->keyval == GDK_KEY_N)) {
        new_file(self);
        return GDK_EVENT_STOP;
    }
    if (mods == GDK_CONTROL_MASK &&
        (event->keyval == GDK_KEY_Return || event->keyval == GDK_KEY_KP_Enter)) {
        if (gtk_widget_is_sensitive(GTK_WIDGET(self->take_in_button)))
            on_take_in_clicked(self, self->take_in_button);
        return GDK_EVENT_STOP;
    }
    return GDK_EVENT_PROPAGATE;
}

/* ---- life --------------------------------------------------------------------------------- */

PatenIntakePage *paten_intake_page_new(PatenApplication *app)
{
    PatenIntakePage *self = g_object_new(PATEN_TYPE_INTAKE_PAGE, NULL);

    self->app = app;
    self->conn = g_object_ref(paten_application_get_connection(app));
    self->bus = g_object_ref(paten_application_get_bus(app));
    g_signal_connect_object(self->bus, "service-changed", G_CALLBACK(on_service_changed), self, 0);
    g_signal_connect_object(self->bus, "events-missed", G_CALLBACK(on_events_missed), self, 0);
    load_services(self);
    return self;
}

static void paten_intake_page_map(GtkWidget *widget)
{
    PatenIntakePage *self = PATEN_INTAKE_PAGE(widget);

    GTK_WIDGET_CLASS(paten_intake_page_parent_class)->map(widget);
    /* The counter starts at the service search. */
    if (self->service == NULL)
        gtk_widget_grab_focus(GTK_WIDGET(self->search_entry));
}

static void paten_intake_page_dispose(GObject *obj)
{
    PatenIntakePage *self = PATEN_INTAKE_PAGE(obj);

    g_cancellable_cancel(self->cancel);
    if (self->bus != NULL)
        g_signal_handlers_disconnect_by_data(self->bus, self);
    g_clear_object(&self->bus);
    g_clear_object(&self->conn);
    self->app = NULL;
    G_OBJECT_CLASS(paten_intake_page_parent_class)->dispose(obj);
}

static void paten_intake_page_finalize(GObject *obj)
{
    PatenIntakePage *self = PATEN_INTAKE_PAGE(obj);

    g_clear_object(&self->cancel);
    g_clear_pointer(&self->errors, paten_field_errors_free);
    g_ptr_array_unref(self->field_rows);
    g_ptr_array_unref(self->req_checks);
    g_ptr_array_unref(self->services);
    g_clear_pointer(&self->service, paten_message_free);
    g_clear_pointer(&self->found, paten_message_free);
    g_free(self->key);
    G_OBJECT_CLASS(paten_intake_page_parent_class)->finalize(obj);
}

#define BIND(name) gtk_widget_class_bind_template_child(wc, PatenIntakePage, name)

static void paten_intake_page_class_init(PatenIntakePageClass *klass)
{
    GtkWidgetClass *wc = GTK_WIDGET_CLASS(klass);

    G_OBJECT_CLASS(klass)->dispose = paten_intake_page_dispose;
    G_OBJECT_CLASS(klass)->finalize = paten_intake_page_finalize;
    wc->map = paten_intake_page_map;
    gtk_widget_class_set_template_from_resource(wc, "/id/paten/desk/paten-intake-page.ui");
    BIND(search_entry);
    BIND(service_list);
    BIND(spinner);
    BIND(new_button);
    BIND(status_label);
    BIND(notice_label);
    BIND(form_scroll);
    BIND(form_inner);
    BIND(service_title);
    BIND(service_info);
    BIND(form_box);
    BIND(kind_combo);
    BIND(nik_label);
    BIND(nik_entry);
    BIND(nik_error);
    BIND(nib_label);
    BIND(nib_entry);
    BIND(nib_error);
    BIND(npwp_label);
    BIND(npwp_entry);
    BIND(npwp_error);
    BIND(resp_nik_label);
    BIND(resp_nik_entry);
    BIND(resp_nik_error);
    BIND(resp_name_label);
    BIND(resp_name_entry);
    BIND(name_entry);
    BIND(name_error);
    BIND(address_entry);
    BIND(address_error);
    BIND(phone_entry);
    BIND(phone_error);
    BIND(applicant_note);
    BIND(renewal_box);
    BIND(renewal_combo);
    BIND(represented_check);
    BIND(rep_grid);
    BIND(rep_name_entry);
    BIND(rep_name_error);
    BIND(rep_nik_entry);
    BIND(rep_nik_error);
    BIND(fields_grid);
    BIND(fields_error);
    BIND(tick_all_button);
    BIND(req_box);
    BIND(req_error);
    BIND(error_label);
    BIND(take_in_button);
    BIND(result_label);
    gtk_widget_class_bind_template_callback(wc, on_key_press);
    gtk_widget_class_bind_template_callback(wc, on_search_changed);
    gtk_widget_class_bind_template_callback(wc, on_search_activate);
    gtk_widget_class_bind_template_callback(wc, on_search_key_press);
    gtk_widget_class_bind_template_callback(wc, on_search_stop);
    gtk_widget_class_bind_template_callback(wc, on_service_activated);
    gtk_widget_class_bind_template_callback(wc, on_new_clicked);
    gtk_widget_class_bind_template_callback(wc, on_kind_changed);
    gtk_widget_class_bind_template_callback(wc, on_represented_toggled);
    gtk_widget_class_bind_template_callback(wc, on_input_changed);
    gtk_widget_class_bind_template_callback(wc, on_number_activate);
    gtk_widget_class_bind_template_callback(wc, on_entry_activate);
    gtk_widget_class_bind_template_callback(wc, on_tick_all_clicked);
    gtk_widget_class_bind_template_callback(wc, on_take_in_clicked);
}

static void paten_intake_page_init(PatenIntakePage *self)
{
    self->cancel = g_cancellable_new();
    self->services = g_ptr_array_new_with_free_func(paten_message_free);
    self->field_rows = g_ptr_array_new_with_free_func(field_row_free);
    self->req_checks = g_ptr_array_new();
    self->filling = TRUE;
    gtk_widget_init_template(GTK_WIDGET(self));
    /* The field with the focus (Tab, or an error shown next to it) scrolls into view. */
    gtk_container_set_focus_vadjustment(GTK_CONTAINER(self->form_inner),
                                        gtk_scrolled_window_get_vadjustment(self->form_scroll));
    update_sensitivity(self);
    gtk_combo_box_text_append(self->kind_combo, "person", _("Person (NIK)"));
    gtk_combo_box_text_append(self->kind_combo, "org", _("Organisation (NIB or NPWP)"));
    gtk_combo_box_set_active_id(GTK_COMBO_BOX(self->kind_combo), "person");
    show_kind(self);
    self->filling = FALSE;
    gtk_list_box_set_filter_func(self->service_list, filter_services, self, NULL);
    {
        GtkWidget *placeholder = gtk_label_new(_("No service matches."));

        gtk_style_context_add_class(gtk_widget_get_style_context(placeholder), "dim-label");
        gtk_widget_show(placeholder);
        gtk_list_box_set_placeholder(self->service_list, placeholder);
    }
    self->errors = paten_field_errors_new(self->error_label);
    paten_field_errors_add(self->errors, "applicant.nik", self->nik_error);
    paten_field_errors_add(self->errors, "applicant.kind", self->nik_error);
    paten_field_errors_add(self->errors, "applicant.nib", self->nib_error);
    paten_field_errors_add(self->errors, "applicant.npwp", self->npwp_error);
    paten_field_errors_add(self->errors, "applicant.responsible_nik", self->resp_nik_error);
    paten_field_errors_add(self->errors, "applicant.responsible_name", self->resp_nik_error);
    paten_field_errors_add(self->errors, "applicant", self->name_error);
    paten_field_errors_add(self->errors, "applicant.name", self->name_error);
    paten_field_errors_add(self->errors, "applicant.address", self->address_error);
    paten_field_errors_add(self->errors, "applicant.phone", self->phone_error);
    paten_field_errors_add(self->errors, "representative.name", self->rep_name_error);
    paten_field_errors_add(self->errors, "representative.nik", self->rep_nik_error);
    paten_field_errors_add(self->errors, "representative.phone", self->rep_nik_error);
    paten_field_errors_add(self->errors, "fields", self->fields_error);
    paten_field_errors_add(self->errors, "requirements", self->req_error);
}
