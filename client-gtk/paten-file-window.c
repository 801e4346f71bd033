/*
 * paten-file-window.c: PatenFileWindow (paten-file-window.h).
 *
 * What it shows is GetFile's answer (the file, its timeline, its dispositions) with the labels of
 * the service version the file was taken in under (GetService), reloaded whenever the bus says
 * the file changed. A newer reload makes the answers of older ones void (load_serial).
 *
 * Every change is a PatenFileActionDialog carrying the file's version at the time it was opened
 * and its own idempotency key. A CONFLICT (someone else changed the file first) closes the
 * dialog, says so above the file and reloads it; other refusals are shown in the dialog, next to
 * the field the server names. After a change that issues a document (survey report, meeting
 * minutes, rejection letter, SK) or a disposition, that document prints at once.
 *
 * A GtkApplicationWindow, so that its win.* actions take the application's accelerators.
 *
 * Window actions and their accelerators (for the main window's shortcuts overlay):
 *   win.print-latest  Ctrl+P        print the newest document issued for the file
 *   win.reload        F5, Ctrl+R    load the file again
 *   win.close         Ctrl+W        close the window
 *   win.return        Ctrl+Shift+K  return to the applicant (Kembalikan)
 *   win.resume        Ctrl+Shift+L  documents completed, resume (Lanjutkan)
 *   win.withdraw      Ctrl+Shift+B  withdrawn by the applicant (Batalkan)
 *   win.dispose       Ctrl+Shift+D  write a disposition
 *   win.set-survey    Ctrl+Shift+C  the Camat decides on a site survey (Cek lapangan)
 *   win.submit-survey Ctrl+Shift+S  the Tim Teknis survey report
 *   win.meeting       Ctrl+Shift+M  minute a meeting
 *   win.recommend     Ctrl+Shift+E  the secretariat's recommendation (rEkomendasi)
 *   win.decide        Ctrl+Shift+P  the Camat's decision (Putuskan)
 *   win.forward       Ctrl+Shift+T  forward to the agency (Teruskan)
 *   win.agency        Ctrl+Shift+H  record the agency's outcome (Hasil)
 *   win.sign          Ctrl+Shift+N  sign the decree (tandataNgani)
 *   win.hand-over     Ctrl+Shift+R  hand over to the applicant (seRahkan)
 * Each action button also has a mnemonic (Alt+underlined letter). An action is enabled only
 * while paten_file_actions() offers it to the session's roles.
 */
#include "paten-file-window.h"

#include "paten-desk.h"
#include "paten-file-action-dialog.h"
#include "paten-file-documents.h"
#include "paten-files.h"
#include "paten-roles.h"
#include "paten-session.h"
#include "paten-util.h"
#include "paten_error.h"

#include <string.h>

struct _PatenFileWindow {
    GtkApplicationWindow parent_instance;

    GtkLabel *notice_label;
    GtkLabel *heading_label;
    GtkLabel *due_label;
    GtkSpinner *spinner;
    GtkGrid *summary_grid;
    GtkLabel *form_heading;
    GtkGrid *form_grid;
    GtkBox *requirements_box;
    GtkListBox *timeline_list;
    GtkListBox *documents_list;
    GtkLabel *dispositions_heading;
    GtkListBox *dispositions_list;
    GtkBox *actions_box;

    PatenApplication *app; /* not a reference: the application outlives its windows */
    PatenConnection *conn;
    PatenEventBus *bus;
    PatenSession *session;
    gint64 file_id;
    Paten__FileReply *reply;           /* the last GetFile (or change) answer, or NULL */
    Paten__Service *service;           /* the file's service version, or NULL until loaded */
    Paten__ListUsersReply *colleagues; /* the office's staff, to dispose to, or NULL */
    gboolean colleagues_pending;       /* asked for, not yet answered: Dispose waits */
    guint load_serial;
    GCancellable *cancel;
    GtkWidget *buttons[16]; /* by action table index */
};

G_DEFINE_TYPE(PatenFileWindow, paten_file_window, GTK_TYPE_APPLICATION_WINDOW)

static void load(PatenFileWindow *self);

/* The actions of the action bar, in the order of the file's life. */
typedef struct {
    PatenFileAction bit;
    const char *name;  /* win.<name> */
    const char *label; /* with a mnemonic */
    const char *accel;
} ActionSpec;

static const ActionSpec action_specs[] = {
    { PATEN_FILE_ACTION_SET_SURVEY, "set-survey", N_("Site _survey…"), "<Primary><Shift>c" },
    { PATEN_FILE_ACTION_SUBMIT_SURVEY, "submit-survey", N_("Survey _report…"),
      "<Primary><Shift>s" },
    { PATEN_FILE_ACTION_RECORD_MEETING, "meeting", N_("_Meeting…"), "<Primary><Shift>m" },
    { PATEN_FILE_ACTION_RECOMMEND, "recommend", N_("R_ecommend…"), "<Primary><Shift>e" },
    { PATEN_FILE_ACTION_DECIDE, "decide", N_("_Decide…"), "<Primary><Shift>p" },
    { PATEN_FILE_ACTION_FORWARD, "forward", N_("_Forward…"), "<Primary><Shift>t" },
    { PATEN_FILE_ACTION_AGENCY_OUTCOME, "agency", N_("_Agency outcome…"), "<Primary><Shift>h" },
    { PATEN_FILE_ACTION_SIGN, "sign", N_("S_ign…"), "<Primary><Shift>n" },
    { PATEN_FILE_ACTION_HAND_OVER, "hand-over", N_("_Hand over…"), "<Primary><Shift>r" },
    { PATEN_FILE_ACTION_RESUME, "resume", N_("Res_ume…"), "<Primary><Shift>l" },
    { PATEN_FILE_ACTION_RETURN, "return", N_("Re_turn…"), "<Primary><Shift>k" },
    { PATEN_FILE_ACTION_DISPOSE, "dispose", N_("Dis_position…"), "<Primary><Shift>d" },
    { PATEN_FILE_ACTION_WITHDRAW, "withdraw", N_("_Withdraw…"), "<Primary><Shift>b" },
};

static const Paten__File *current_file(PatenFileWindow *self)
{
    return self->reply != NULL ? self->reply->file : NULL;
}

static void show_notice(PatenFileWindow *self, const char *text)
{
    paten_label_show(self->notice_label, text);
}

static void set_loading(PatenFileWindow *self, gboolean loading)
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

static const char *tz(PatenFileWindow *self)
{
    const char *zone = paten_session_get_time_zone(self->session);

    return zone[0] != '\0' ? zone : NULL;
}

/* ---- printing ----------------------------------------------------------------------------- */

/* Prints pd (consumed) and says how it went above the file. */
static void print_document(PatenFileWindow *self, PatenDocument *pd, const char *what)
{
    g_autofree char *said = paten_document_print_from(pd, GTK_WIDGET(self), what);

    if (said != NULL)
        show_notice(self, said);
    g_object_unref(pd);
}

static void fill_context(PatenFileWindow *self, PatenPrintContext *ctx)
{
    ctx->region_name = paten_session_get_region_name(self->session);
    ctx->time_zone = tz(self);
    ctx->now = g_date_time_new_now_local();
}

static void on_assessment_got(GObject *src, GAsyncResult *res, gpointer data)
{
    g_autoptr(PatenFileWindow) self = data;
    g_autoptr(GError) err = NULL;
    Paten__AssessmentReply *reply = (Paten__AssessmentReply *)paten_connection_call_finish(
        PATEN_CONNECTION(src), res, NULL, &err);

    if (g_error_matches(err, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
        paten_message_free(reply);
        return;
    }
    if (reply == NULL || reply->assessment == NULL) {
        g_autofree char *text = paten_error_text(err);
        g_autofree char *msg = g_strdup_printf(_("The assessment could not be loaded: %s"), text);

        show_notice(self, msg);
    } else {
        PatenPrintContext ctx;
        Paten__DocumentKind kind =
            reply->assessment->kind == PATEN__ASSESSMENT_KIND__ASSESSMENT_KIND_SKPD
                ? PATEN__DOCUMENT_KIND__DOCUMENT_KIND_SKPD
                : PATEN__DOCUMENT_KIND__DOCUMENT_KIND_SKRD;

        fill_context(self, &ctx);
        print_document(self, paten_assessment_document_new(reply->assessment, &ctx),
                       paten_document_kind_name(kind));
        g_date_time_unref(ctx.now);
    }
    paten_message_free(reply);
}

/* Prints the SKRD / SKPD numbered number: the file carries it without its trace, so the
 * assessment is asked for first (GetAssessment) and printed when it comes. */
static void print_assessment(PatenFileWindow *self, const char *number)
{
    Paten__GetAssessmentRequest req = PATEN__GET_ASSESSMENT_REQUEST__INIT;

    req.number = (char *)number;
    paten_connection_call_async(self->conn, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_GET_ASSESSMENT,
                                &req.base, self->cancel, on_assessment_got, g_object_ref(self));
}

/* Prints doc of f (the file's own document, laid out by paten_file_document_new; an SKRD or
 * SKPD by print_assessment). */
static void print_file_document(PatenFileWindow *self, const Paten__File *f,
                                const Paten__Document *doc)
{
    PatenPrintContext ctx;
    PatenDocument *pd;

    if (doc->kind == PATEN__DOCUMENT_KIND__DOCUMENT_KIND_SKRD ||
        doc->kind == PATEN__DOCUMENT_KIND__DOCUMENT_KIND_SKPD) {
        print_assessment(self, doc->number);
        return;
    }
    fill_context(self, &ctx);
    pd = paten_file_document_new(f, self->service, doc, &ctx);
    g_date_time_unref(ctx.now);
    if (pd == NULL) {
        show_notice(self, _("This kind of document cannot be printed by this version."));
        return;
    }
    print_document(self, pd, paten_document_kind_name(doc->kind));
}

static void on_print_clicked(GtkButton *button, gpointer data)
{
    PatenFileWindow *self = data;
    const Paten__File *f = current_file(self);
    guint i = GPOINTER_TO_UINT(g_object_get_data(G_OBJECT(button), "paten-document-index"));

    if (f != NULL && i < f->n_documents)
        print_file_document(self, f, f->documents[i]);
}

static void print_disposition(PatenFileWindow *self, const Paten__Disposition *d)
{
    PatenPrintContext ctx;
    PatenDocument *pd;
    const Paten__File *f = current_file(self);

    fill_context(self, &ctx);
    pd = paten_disposition_sheet_new(d, f, f ? f->office_name : "", &ctx);
    g_date_time_unref(ctx.now);
    print_document(self, pd, _("Disposition sheet"));
}

/* ---- showing the file --------------------------------------------------------------------- */

/* Appends "label: value" to grid at *row (nothing when value is empty). */
static GtkLabel *add_pair(GtkGrid *grid, int *row, const char *label, const char *value)
{
    GtkWidget *l, *v;

    if (value == NULL || value[0] == '\0')
        return NULL;
    l = gtk_label_new(label);
    v = gtk_label_new(value);
    gtk_label_set_xalign(GTK_LABEL(l), 0);
    gtk_widget_set_valign(l, GTK_ALIGN_START);
    gtk_style_context_add_class(gtk_widget_get_style_context(l), "dim-label");
    gtk_label_set_xalign(GTK_LABEL(v), 0);
    gtk_label_set_line_wrap(GTK_LABEL(v), TRUE);
    gtk_label_set_selectable(GTK_LABEL(v), TRUE);
    gtk_widget_set_can_focus(v, FALSE);
    gtk_widget_set_hexpand(v, TRUE);
    gtk_grid_attach(grid, l, 0, *row, 1, 1);
    gtk_grid_attach(grid, v, 1, *row, 1, 1);
    gtk_widget_show(l);
    gtk_widget_show(v);
    (*row)++;
    return GTK_LABEL(v);
}

static void on_renewal_clicked(GtkButton *button, gpointer data)
{
    PatenFileWindow *self = data;
    const Paten__File *f = current_file(self);

    (void)button;
    if (f != NULL && f->renewal_of_file_id != 0)
        /* Over the main window, not over this one: closing this must not close that. */
        paten_file_window_present(self->app, gtk_window_get_transient_for(GTK_WINDOW(self)),
                                  f->renewal_of_file_id);
}

static void show_summary(PatenFileWindow *self, const Paten__File *f)
{
    GtkGrid *g = self->summary_grid;
    int row = 0;
    g_autofree char *service = NULL, *state = NULL, *applicant = NULL, *numbers = NULL;
    g_autofree char *representative = NULL, *received = NULL, *signer = NULL;
    g_autofree char *valid = NULL, *agency = NULL, *handed = NULL, *returned = NULL;
    g_autofree char *survey = NULL, *recommendation = NULL, *meetings = NULL;

    clear_container(GTK_CONTAINER(g));
    add_pair(g, &row, _("Register number"), f->register_number);
    service = g_strdup_printf(_("%s (version %d)"), f->service_name, f->service_version);
    add_pair(g, &row, _("Service"), service);
    if (f->state == PATEN__FILE_STATE__FILE_STATE_RETURNED)
        state = g_strdup_printf(_("%s (goes back to: %s)"), paten_file_state_name(f->state),
                                paten_file_state_name(f->resumes_to));
    else
        state = g_strdup(paten_file_state_name(f->state));
    add_pair(g, &row, _("State"), state);
    if (f->applicant != NULL) {
        numbers = paten_applicant_numbers(f->applicant);
        applicant = g_strdup_printf("%s (%s)%s%s", f->applicant->name, numbers,
                                    f->applicant->address[0] ? ", " : "", f->applicant->address);
        add_pair(g, &row, _("Applicant"), applicant);
    }
    if (f->representative != NULL && f->representative->name[0] != '\0') {
        representative =
            f->representative->nik[0]
                ? g_strdup_printf("%s (NIK %s)", f->representative->name, f->representative->nik)
                : g_strdup(f->representative->name);
        add_pair(g, &row, _("Represented by"), representative);
    }
    if (f->received_at_ms != 0)
        received = paten_format_time(f->received_at_ms, tz(self), TRUE);
    add_pair(g, &row, _("Received"), received);
    if (f->state == PATEN__FILE_STATE__FILE_STATE_RETURNED) {
        g_autofree char *missing = g_strjoinv("; ", f->returned_missing);
        returned =
            g_strdup_printf(_("%s. Missing: %s"), f->returned_reason, missing[0] ? missing : "-");
        add_pair(g, &row, _("Returned"), returned);
    }
    if (f->kind == PATEN__SERVICE_KIND__SERVICE_KIND_STRUCTURED)
        survey = g_strdup(f->survey_needed ? _("Site survey needed") : _("No site survey"));
    add_pair(g, &row, _("Site survey"), survey);
    if (f->n_meetings > 0)
        meetings = g_strdup_printf(_("%zu minuted, the last: %s"), f->n_meetings,
                                   f->meetings[f->n_meetings - 1]->decision);
    add_pair(g, &row, _("Meetings"), meetings);
    if (f->recommendation_note[0] != '\0' || f->state == PATEN__FILE_STATE__FILE_STATE_RECOMMENDED)
        recommendation = g_strdup_printf(
            "%s%s%s", f->recommended_can_process ? _("Can be processed") : _("Cannot be processed"),
            f->recommendation_note[0] ? ": " : "", f->recommendation_note);
    add_pair(g, &row, _("Recommendation"), recommendation);
    add_pair(g, &row, _("Reason of rejection"), f->decision_reason);
    if (f->authority == PATEN__ISSUING_AUTHORITY__ISSUING_AUTHORITY_FORWARDED)
        agency = g_strdup_printf("%s%s%s", f->forward_agency,
                                 f->agency_document_number[0] ? _(", decision no. ") : "",
                                 f->agency_document_number);
    add_pair(g, &row, _("Agency"), agency);
    if (f->assessment != NULL && f->assessment->number[0] != '\0') {
        const Paten__Assessment *a = f->assessment;
        g_autofree char *amount = paten_format_rupiah(a->principal);
        g_autofree char *due = paten_date_display(a->due_date);
        g_autofree char *text =
            g_strdup_printf(_("%s %s: %s, due on %s (%s)"), paten_assessment_kind_name(a->kind),
                            a->number, amount, due, paten_assessment_status_name(a->status));

        add_pair(g, &row, _("Fee assessment"), text);
    }
    add_pair(g, &row, _("Decree number"), f->sk_number);
    if (f->signed_by_name[0] != '\0') {
        g_autofree char *when = paten_format_time(f->signed_at_ms, tz(self), TRUE);
        g_autofree char *by = g_strdup_printf(_("%s, on %s"), f->signed_by_name, when);

        /* The delegate's line ("a.n. Camat Kecamatan Taman", as the server words it) first, as
         * the SK shows it above the signer's name. */
        signer = f->signed_as[0] != '\0' ? g_strdup_printf("%s\n%s", f->signed_as, by)
                                         : g_steal_pointer(&by);
    }
    add_pair(g, &row, _("Signed by"), signer);
    if (f->valid_until[0] != '\0')
        valid = paten_date_display(f->valid_until);
    else if (f->sk_number[0] != '\0')
        valid = g_strdup(_("Does not expire"));
    add_pair(g, &row, _("Valid until"), valid);
    if (f->handed_over_at_ms != 0) {
        g_autofree char *when = paten_format_time(f->handed_over_at_ms, tz(self), TRUE);
        handed = g_strdup_printf(_("%s, on %s"), f->handed_to_name, when);
    }
    add_pair(g, &row, _("Handed over to"), handed);
    add_pair(g, &row, _("Reason of withdrawal"), f->withdrawn_reason);
    if (f->renewal_of_file_id != 0) {
        GtkWidget *l = gtk_label_new(_("Renewal of"));
        GtkWidget *b = gtk_button_new_with_label(f->renewal_of_register_number);
        g_autofree char *name = g_strdup_printf(_("Open file %s"), f->renewal_of_register_number);

        gtk_label_set_xalign(GTK_LABEL(l), 0);
        gtk_style_context_add_class(gtk_widget_get_style_context(l), "dim-label");
        gtk_button_set_relief(GTK_BUTTON(b), GTK_RELIEF_NONE);
        gtk_widget_set_halign(b, GTK_ALIGN_START);
        paten_set_accessible_name(b, name);
        g_signal_connect_object(b, "clicked", G_CALLBACK(on_renewal_clicked), self, 0);
        gtk_grid_attach(g, l, 0, row, 1, 1);
        gtk_grid_attach(g, b, 1, row, 1, 1);
        gtk_widget_show(l);
        gtk_widget_show(b);
    }
}

static void show_deadline(PatenFileWindow *self, const Paten__File *f)
{
    static const char *const styles[] = { "paten-due-later", "paten-due-today",
                                          "paten-due-overdue" };
    GtkStyleContext *sc = gtk_widget_get_style_context(GTK_WIDGET(self->due_label));
    PatenDueState due = PATEN_DUE_NONE;
    g_autofree char *text = NULL;

    for (guint i = 0; i < G_N_ELEMENTS(styles); i++)
        gtk_style_context_remove_class(sc, styles[i]);
    if (f->state == PATEN__FILE_STATE__FILE_STATE_RETURNED) {
        /* The clock stands still while the applicant completes the file. */
        text = g_strdup(_("Deadline paused"));
    } else {
        /* The deadline is the decision's (and, for an agency's services, the agency's): once
         * decided, the clock no longer runs against the office. */
        gboolean decided = f->state != PATEN__FILE_STATE__FILE_STATE_RECEIVED &&
                           f->state != PATEN__FILE_STATE__FILE_STATE_SURVEYED &&
                           f->state != PATEN__FILE_STATE__FILE_STATE_RECOMMENDED &&
                           f->state != PATEN__FILE_STATE__FILE_STATE_FORWARDED;

        text = paten_due_text(f->deadline_ms, g_get_real_time() / 1000, f->overdue, decided,
                              tz(self), &due);
        if (due == PATEN_DUE_LATER)
            gtk_style_context_add_class(sc, styles[0]);
        else if (due == PATEN_DUE_TODAY)
            gtk_style_context_add_class(sc, styles[1]);
        else if (due == PATEN_DUE_OVERDUE)
            gtk_style_context_add_class(sc, styles[2]);
    }
    paten_label_show(self->due_label, text);
    if (text != NULL && text[0] != '\0') {
        g_autofree char *name = g_strdup_printf(_("Deadline: %s"), text);
        paten_set_accessible_name(GTK_WIDGET(self->due_label), name);
    }
}

static void show_form(PatenFileWindow *self, const Paten__File *f)
{
    const Paten__Service *svc = self->service;
    int row = 0;

    clear_container(GTK_CONTAINER(self->form_grid));
    clear_container(GTK_CONTAINER(self->requirements_box));
    for (size_t i = 0; i < f->n_fields; i++) {
        const Paten__FieldSpec *spec =
            svc ? paten_field_spec_lookup(svc->fields, svc->n_fields, f->fields[i]->name) : NULL;
        g_autofree char *value = paten_field_value_display(spec, f->fields[i]->value);

        add_pair(self->form_grid, &row, spec ? spec->label : f->fields[i]->name, value);
    }
    for (size_t i = 0; i < f->n_requirements; i++) {
        const Paten__Requirement *r =
            svc ? paten_requirement_lookup(svc->requirements, svc->n_requirements,
                                           f->requirements[i])
                : NULL;
        g_autofree char *text = g_strdup_printf("✓ %s", r ? r->text : f->requirements[i]);
        GtkWidget *l = gtk_label_new(text);

        gtk_label_set_xalign(GTK_LABEL(l), 0);
        gtk_label_set_line_wrap(GTK_LABEL(l), TRUE);
        gtk_widget_show(l);
        gtk_container_add(GTK_CONTAINER(self->requirements_box), l);
    }
}

/* A list row of one line of text (and an optional widget at its end). */
static GtkWidget *text_row(const char *text, GtkWidget *end)
{
    GtkWidget *row = gtk_list_box_row_new();
    GtkWidget *box = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 12);
    GtkWidget *l = gtk_label_new(text);

    gtk_label_set_xalign(GTK_LABEL(l), 0);
    gtk_label_set_line_wrap(GTK_LABEL(l), TRUE);
    gtk_widget_set_hexpand(l, TRUE);
    gtk_container_add(GTK_CONTAINER(box), l);
    if (end != NULL)
        gtk_container_add(GTK_CONTAINER(box), end);
    gtk_widget_set_margin_top(box, 3);
    gtk_widget_set_margin_bottom(box, 3);
    gtk_container_add(GTK_CONTAINER(row), box);
    gtk_list_box_row_set_activatable(GTK_LIST_BOX_ROW(row), FALSE);
    /* The row is no stop of its own for Tab: its button (if any) is. */
    gtk_widget_set_can_focus(row, FALSE);
    paten_set_accessible_name(row, text);
    gtk_widget_show_all(row);
    return row;
}

static void show_timeline(PatenFileWindow *self, const Paten__FileReply *r)
{
    clear_container(GTK_CONTAINER(self->timeline_list));
    for (size_t i = 0; i < r->n_history; i++) {
        const Paten__FileHistoryEntry *h = r->history[i];
        g_autofree char *when = paten_format_time(h->at_ms, tz(self), TRUE);
        g_autofree char *who = h->actor_as[0]
                                   ? g_strdup_printf("%s (%s)", h->actor_name, h->actor_as)
                                   : g_strdup(h->actor_name);
        g_autofree char *text =
            g_strdup_printf("%s — %s — %s%s%s", when, paten_history_action_name(h->action), who,
                            h->note[0] ? ": " : "", h->note);

        gtk_container_add(GTK_CONTAINER(self->timeline_list), text_row(text, NULL));
    }
}

static void on_print_assessment_clicked(GtkButton *button, gpointer data)
{
    PatenFileWindow *self = data;
    const Paten__File *f = current_file(self);

    (void)button;
    if (f != NULL && f->assessment != NULL && f->assessment->number[0] != '\0')
        print_assessment(self, f->assessment->number);
}

/* Whether f's documents list its assessment already (the server lists its SKRD / SKPD among
 * the file's documents; the file's `assessment` is shown as one when it does not). */
static gboolean documents_have_assessment(const Paten__File *f)
{
    for (size_t i = 0; i < f->n_documents; i++)
        if ((f->documents[i]->kind == PATEN__DOCUMENT_KIND__DOCUMENT_KIND_SKRD ||
             f->documents[i]->kind == PATEN__DOCUMENT_KIND__DOCUMENT_KIND_SKPD) &&
            g_strcmp0(f->documents[i]->number, f->assessment->number) == 0)
            return TRUE;
    return FALSE;
}

static void show_documents(PatenFileWindow *self, const Paten__File *f)
{
    gboolean assessment =
        f->assessment != NULL && f->assessment->number[0] != '\0' && !documents_have_assessment(f);

    clear_container(GTK_CONTAINER(self->documents_list));
    if (f->n_documents == 0 && !assessment)
        gtk_container_add(GTK_CONTAINER(self->documents_list),
                          text_row(_("No documents issued yet."), NULL));
    for (size_t i = 0; i < f->n_documents; i++) {
        const Paten__Document *d = f->documents[i];
        const char *kind = paten_document_kind_name(d->kind);
        g_autofree char *day = paten_date_display(d->issued_date);
        g_autofree char *text = g_strdup_printf(
            "%s %s, %s%s%s%s%s", kind, d->number, day, d->signed_by_name[0] ? " — " : "",
            d->signed_by_name, d->voided_reason[0] ? _(" — VOID: ") : "", d->voided_reason);
        GtkWidget *b = gtk_button_new_with_label(_("Print"));
        g_autofree char *name = g_strdup_printf(_("Print %s %s"), kind, d->number);

        paten_set_accessible_name(b, name);
        gtk_widget_set_valign(b, GTK_ALIGN_CENTER);
        g_object_set_data(G_OBJECT(b), "paten-document-index", GUINT_TO_POINTER((guint)i));
        g_signal_connect_object(b, "clicked", G_CALLBACK(on_print_clicked), self, 0);
        gtk_container_add(GTK_CONTAINER(self->documents_list), text_row(text, b));
    }
    if (assessment) {
        const Paten__Assessment *a = f->assessment;
        const char *kind =
            paten_document_kind_name(a->kind == PATEN__ASSESSMENT_KIND__ASSESSMENT_KIND_SKPD
                                         ? PATEN__DOCUMENT_KIND__DOCUMENT_KIND_SKPD
                                         : PATEN__DOCUMENT_KIND__DOCUMENT_KIND_SKRD);
        g_autofree char *day = paten_date_display(a->issued_date);
        g_autofree char *text =
            g_strdup_printf("%s %s, %s%s%s", kind, a->number, day,
                            a->issued_by_name[0] ? " — " : "", a->issued_by_name);
        GtkWidget *b = gtk_button_new_with_label(_("Print"));
        g_autofree char *name = g_strdup_printf(_("Print %s %s"), kind, a->number);

        paten_set_accessible_name(b, name);
        gtk_widget_set_valign(b, GTK_ALIGN_CENTER);
        g_signal_connect_object(b, "clicked", G_CALLBACK(on_print_assessment_clicked), self, 0);
        gtk_container_add(GTK_CONTAINER(self->documents_list), text_row(text, b));
    }
}

static void show_dispositions(PatenFileWindow *self, const Paten__FileReply *r)
{
    gboolean any = r->n_dispositions > 0;

    clear_container(GTK_CONTAINER(self->dispositions_list));
    gtk_widget_set_visible(GTK_WIDGET(self->dispositions_heading), any);
    gtk_widget_set_visible(GTK_WIDGET(self->dispositions_list), any);
    for (size_t i = 0; i < r->n_dispositions; i++) {
        const Paten__Disposition *d = r->dispositions[i];
        gboolean done = d->completed_at_ms != 0;
        PatenDueState state;
        g_autofree char *due =
            paten_due_text(d->due_ms, g_get_real_time() / 1000, d->overdue, done, tz(self), &state);
        g_autofree char *text =
            g_strdup_printf("%s → %s: %s (%s)%s%s", d->from_name, paten_disposition_addressee(d),
                            d->instruction, due, d->response[0] ? " — " : "", d->response);

        gtk_container_add(GTK_CONTAINER(self->dispositions_list), text_row(text, NULL));
    }
}

static void update_actions(PatenFileWindow *self)
{
    const Paten__File *f = current_file(self);
    const Paten__SessionInfo *info = paten_session_get_info(self->session);
    guint offered = f ? paten_file_actions(f, info->effective_roles, info->n_effective_roles) : 0;
    GAction *print = g_action_map_lookup_action(G_ACTION_MAP(self), "print-latest");

    for (guint i = 0; i < G_N_ELEMENTS(action_specs); i++) {
        gboolean on = (offered & action_specs[i].bit) != 0;
        GAction *a = g_action_map_lookup_action(G_ACTION_MAP(self), action_specs[i].name);

        /* The people to address arrive a moment after the window: wait for them, or the
         * dialog would offer only the roles. */
        if (action_specs[i].bit == PATEN_FILE_ACTION_DISPOSE && self->colleagues_pending)
            on = FALSE;
        g_simple_action_set_enabled(G_SIMPLE_ACTION(a), on);
        gtk_widget_set_visible(self->buttons[i], on);
    }
    g_simple_action_set_enabled(G_SIMPLE_ACTION(print), f != NULL && f->n_documents > 0);
}

static void show_file(PatenFileWindow *self)
{
    const Paten__File *f = current_file(self);
    g_autofree char *title = NULL, *heading = NULL;

    if (f == NULL)
        return;
    title = g_strdup_printf(_("File %s"), f->register_number);
    gtk_window_set_title(GTK_WINDOW(self), title);
    heading = g_strdup_printf("%s — %s", f->register_number, f->service_name);
    gtk_label_set_text(self->heading_label, heading);
    show_deadline(self, f);
    show_summary(self, f);
    show_form(self, f);
    show_timeline(self, self->reply);
    show_documents(self, f);
    show_dispositions(self, self->reply);
    update_actions(self);
}

/* Takes reply (a FileReply) as what the window shows. */
static void set_reply(PatenFileWindow *self, Paten__FileReply *reply);

/* ---- loading ------------------------------------------------------------------------------ */

typedef struct {
    PatenFileWindow *self; /* a reference */
    guint serial;
} Load;

static void on_service_loaded(GObject *src, GAsyncResult *res, gpointer data)
{
    Load *load = data;
    g_autoptr(PatenFileWindow) self = load->self;
    g_autoptr(GError) err = NULL;
    Paten__ServiceReply *reply =
        (Paten__ServiceReply *)paten_connection_call_finish(PATEN_CONNECTION(src), res, NULL, &err);

    g_free(load);
    if (reply == NULL) {
        if (!g_error_matches(err, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
            g_autofree char *text = paten_error_text(err);
            g_autofree char *msg =
                g_strdup_printf(_("The service's labels could not be loaded: %s"), text);
            show_notice(self, msg);
        }
        return;
    }
    if (reply->service != NULL) {
        paten_message_free(self->service);
        self->service = paten_message_dup(&reply->service->base);
        show_file(self);
    }
    paten_message_free(reply);
}

/* Loads the service version f was taken in under, unless it is the one already held. */
static void load_service(PatenFileWindow *self, const Paten__File *f)
{
    Paten__GetServiceRequest req = PATEN__GET_SERVICE_REQUEST__INIT;
    Load *load;

    if (self->service != NULL && self->service->id == f->service_id &&
        self->service->version == f->service_version)
        return;
    load = g_new0(Load, 1);
    load->self = g_object_ref(self);
    req.service_id = f->service_id;
    req.version = f->service_version;
    paten_connection_call_async(self->conn, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_GET_SERVICE,
                                &req.base, self->cancel, on_service_loaded, load);
}

static void set_reply(PatenFileWindow *self, Paten__FileReply *reply)
{
    paten_message_free(self->reply);
    self->reply = reply;
    if (reply->file != NULL)
        load_service(self, reply->file);
    show_file(self);
}

static void on_file_loaded(GObject *src, GAsyncResult *res, gpointer data)
{
    Load *load = data;
    g_autoptr(PatenFileWindow) self = load->self;
    g_autoptr(GError) err = NULL;
    Paten__FileReply *reply =
        (Paten__FileReply *)paten_connection_call_finish(PATEN_CONNECTION(src), res, NULL, &err);
    gboolean current = load->serial == self->load_serial;

    g_free(load);
    if (g_error_matches(err, G_IO_ERROR, G_IO_ERROR_CANCELLED) || !current) {
        paten_message_free(reply);
        return;
    }
    set_loading(self, FALSE);
    if (reply == NULL || reply->file == NULL) {
        g_autofree char *text = paten_error_text(err);
        g_autofree char *msg = g_strdup_printf(_("The file could not be loaded: %s"), text);

        gtk_label_set_text(self->heading_label, msg);
        paten_message_free(reply);
        return;
    }
    set_reply(self, reply);
}

static void load(PatenFileWindow *self)
{
    Paten__GetFileRequest req = PATEN__GET_FILE_REQUEST__INIT;
    Load *load = g_new0(Load, 1);

    load->self = g_object_ref(self);
    load->serial = ++self->load_serial;
    req.file_id = self->file_id;
    set_loading(self, TRUE);
    paten_connection_call_async(self->conn, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_GET_FILE, &req.base,
                                self->cancel, on_file_loaded, load);
}

static void on_file_changed(PatenEventBus *bus, gpointer ev, gpointer data)
{
    PatenFileWindow *self = data;
    const Paten__FileChanged *fc = ev;

    (void)bus;
    if (fc->file != NULL && fc->file->id == self->file_id)
        load(self);
}

static void on_disposition_changed(PatenEventBus *bus, gpointer ev, gpointer data)
{
    PatenFileWindow *self = data;
    const Paten__DispositionChanged *dc = ev;

    (void)bus;
    if (dc->disposition != NULL && dc->disposition->file_id == self->file_id)
        load(self);
}

/* The file's SKRD / SKPD was issued or cancelled (to the kecamatan's staff too). */
static void on_assessment_changed(PatenEventBus *bus, gpointer ev, gpointer data)
{
    PatenFileWindow *self = data;
    const Paten__AssessmentChanged *ac = ev;

    (void)bus;
    if (ac->assessment != NULL && ac->assessment->file_id == self->file_id)
        load(self);
}

static void on_events_missed(PatenEventBus *bus, gpointer data)
{
    (void)bus;
    load(data);
}

/* ---- changes ------------------------------------------------------------------------------ */

/* A change on its way: what to do with its answer. */
typedef struct {
    PatenFileWindow *self;         /* a reference */
    PatenFileActionDialog *dialog; /* a reference */
    PatenFileAction action;
    gboolean reject; /* DECIDE: a rejection (its letter prints) */
} Change;

static void change_free(Change *c)
{
    g_object_unref(c->self);
    g_object_unref(c->dialog);
    g_free(c);
}

/* The document a successful change issued, printed at once. */
static void print_after(PatenFileWindow *self, const Change *c)
{
    const Paten__File *f = current_file(self);
    Paten__DocumentKind kind;
    const Paten__Document *doc;

    switch (c->action) {
    case PATEN_FILE_ACTION_SUBMIT_SURVEY:
        kind = PATEN__DOCUMENT_KIND__DOCUMENT_KIND_SURVEY_REPORT;
        break;
    case PATEN_FILE_ACTION_RECORD_MEETING:
        kind = PATEN__DOCUMENT_KIND__DOCUMENT_KIND_MEETING_MINUTES;
        break;
    case PATEN_FILE_ACTION_DECIDE:
        if (!c->reject)
            return;
        kind = PATEN__DOCUMENT_KIND__DOCUMENT_KIND_REJECTION_LETTER;
        break;
    case PATEN_FILE_ACTION_SIGN:
        kind = PATEN__DOCUMENT_KIND__DOCUMENT_KIND_DECREE;
        break;
    default:
        return;
    }
    doc = f ? paten_file_find_document(f, kind) : NULL;
    if (doc != NULL)
        print_file_document(self, f, doc);
}

static void on_change_done(GObject *src, GAsyncResult *res, gpointer data)
{
    Change *c = data;
    PatenFileWindow *self = c->self;
    g_autoptr(GError) err = NULL;
    Paten__Error *error_reply = NULL;
    gpointer reply = paten_connection_call_finish(PATEN_CONNECTION(src), res, &error_reply, &err);

    if (g_error_matches(err, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
        /* The window went away: its dialog goes with it. */
        gtk_widget_destroy(GTK_WIDGET(c->dialog));
    } else if (reply != NULL) {
        gtk_widget_destroy(GTK_WIDGET(c->dialog));
        show_notice(self, NULL);
        if (c->action == PATEN_FILE_ACTION_DISPOSE) {
            const Paten__DispositionReply *dr = reply;

            if (dr->disposition != NULL)
                print_disposition(self, dr->disposition);
            load(self);
        } else {
            /* The answer is the file as it is now: show it without another round trip. */
            self->load_serial++;
            set_loading(self, FALSE);
            set_reply(self, g_steal_pointer(&reply));
            print_after(self, c);
        }
    } else if (g_error_matches(err, PATEN_ERROR, PATEN_ERR_CONFLICT)) {
        /* Someone else changed the file since the dialog opened: what was decided may no
         * longer fit. Show the file as it is and let the person decide again. */
        gtk_widget_destroy(GTK_WIDGET(c->dialog));
        show_notice(self, _("Someone else changed this file in the meantime. It has been "
                            "reloaded: check it and decide again."));
        load(self);
    } else {
        paten_file_action_dialog_set_busy(c->dialog, FALSE);
        paten_file_action_dialog_show_call_error(c->dialog, error_reply, err);
        /* Not allowed in the state it is in now: show where it is. */
        if (g_error_matches(err, PATEN_ERROR, PATEN_ERR_FAILED_PRECONDITION))
            load(self);
    }
    paten_message_free(reply);
    paten_message_free(error_reply);
    change_free(c);
}

/* Sends req (of message type `type`) for dialog's action; the reply comes to on_change_done. */
static void send_change(PatenFileWindow *self, PatenFileActionDialog *dialog,
                        PatenFileAction action, uint16_t type, const ProtobufCMessage *req,
                        gboolean reject)
{
    Change *c = g_new0(Change, 1);

    c->self = g_object_ref(self);
    c->dialog = g_object_ref(dialog);
    c->action = action;
    c->reject = reject;
    paten_file_action_dialog_set_busy(dialog, TRUE);
    paten_connection_call_async(self->conn, type, req, self->cancel, on_change_done, c);
}

/* Splits text at any of the characters in seps into trimmed non-empty items (a strv). Names
 * are split at newlines only: "Ir. Agus Santoso, M.T." is one person. */
static char **split_items(const char *text, const char *seps)
{
    g_auto(GStrv) parts = g_strsplit_set(text, seps, -1);
    GPtrArray *items = g_ptr_array_new();

    for (guint i = 0; parts != NULL && parts[i] != NULL; i++) {
        char *item = g_strstrip(g_strdup(parts[i]));

        if (item[0] != '\0')
            g_ptr_array_add(items, item);
        else
            g_free(item);
    }
    g_ptr_array_add(items, NULL);
    return (char **)g_ptr_array_free(items, FALSE);
}

/* The canonical date of the dialog's row key, or NULL after showing why not. Caller frees. */
static char *dialog_date(PatenFileActionDialog *dialog, const char *key)
{
    g_autofree char *text = paten_file_action_dialog_get_text(dialog, key);
    char *iso = paten_date_parse(text);

    if (iso == NULL)
        paten_file_action_dialog_show_error(dialog, key, _("Enter a date such as 20-11-2026."));
    return iso;
}

/* The region's time zone (the local one when the session names none, or one GLib does not
 * know). */
static GTimeZone *region_zone(PatenFileWindow *self)
{
    GTimeZone *zone = tz(self) ? g_time_zone_new_identifier(tz(self)) : NULL;

    return zone != NULL ? zone : g_time_zone_new_local();
}

static char *today_text(PatenFileWindow *self)
{
    g_autoptr(GTimeZone) zone = region_zone(self);
    g_autoptr(GDateTime) now = g_date_time_new_now(zone);

    return g_date_time_format(now, "%d-%m-%Y");
}

#define FILE_REQ(req, dialog, f)                                                  \
    do {                                                                          \
        (req).idempotency_key = (char *)paten_file_action_dialog_get_key(dialog); \
        (req).file_id = (f)->id;                                                  \
        (req).version = paten_file_action_dialog_get_version(dialog);             \
    } while (0)

static void on_return_submit(PatenFileActionDialog *dialog, gpointer data)
{
    PatenFileWindow *self = data;
    const Paten__File *f = current_file(self);
    const Paten__Service *svc = self->service;
    Paten__ReturnFileRequest req = PATEN__RETURN_FILE_REQUEST__INIT;
    g_autofree char *reason = paten_file_action_dialog_get_text(dialog, "reason");
    g_autofree char *other = paten_file_action_dialog_get_text(dialog, "missing_other");
    g_auto(GStrv) others = split_items(other, ";\n");
    g_autoptr(GPtrArray) missing = g_ptr_array_new();

    if (f == NULL)
        return;
    for (size_t i = 0; svc != NULL && i < svc->n_requirements; i++) {
        g_autofree char *key = g_strconcat("missing:", svc->requirements[i]->code, NULL);

        if (paten_file_action_dialog_get_active(dialog, key))
            g_ptr_array_add(missing, svc->requirements[i]->code);
    }
    for (guint i = 0; others[i] != NULL; i++)
        g_ptr_array_add(missing, others[i]);
    if (reason[0] == '\0') {
        paten_file_action_dialog_show_error(dialog, "reason", _("Give the reason."));
        return;
    }
    FILE_REQ(req, dialog, f);
    req.reason = reason;
    req.n_missing = missing->len;
    req.missing = (char **)missing->pdata;
    send_change(self, dialog, PATEN_FILE_ACTION_RETURN,
                PATEN__MESSAGE_TYPE__MESSAGE_TYPE_RETURN_FILE, &req.base, FALSE);
}

static void on_resume_submit(PatenFileActionDialog *dialog, gpointer data)
{
    PatenFileWindow *self = data;
    const Paten__File *f = current_file(self);
    Paten__ResumeFileRequest req = PATEN__RESUME_FILE_REQUEST__INIT;
    g_autoptr(GPtrArray) codes = g_ptr_array_new();

    if (f == NULL)
        return;
    for (size_t i = 0; i < f->n_returned_missing; i++) {
        g_autofree char *key = g_strconcat("requirements:", f->returned_missing[i], NULL);

        if (paten_file_action_dialog_get_active(dialog, key))
            g_ptr_array_add(codes, f->returned_missing[i]);
    }
    FILE_REQ(req, dialog, f);
    req.n_requirements = codes->len;
    req.requirements = (char **)codes->pdata;
    send_change(self, dialog, PATEN_FILE_ACTION_RESUME,
                PATEN__MESSAGE_TYPE__MESSAGE_TYPE_RESUME_FILE, &req.base, FALSE);
}

static void on_withdraw_submit(PatenFileActionDialog *dialog, gpointer data)
{
    PatenFileWindow *self = data;
    const Paten__File *f = current_file(self);
    Paten__WithdrawFileRequest req = PATEN__WITHDRAW_FILE_REQUEST__INIT;
    g_autofree char *reason = paten_file_action_dialog_get_text(dialog, "reason");

    if (f == NULL)
        return;
    if (reason[0] == '\0') {
        paten_file_action_dialog_show_error(dialog, "reason", _("Give the reason."));
        return;
    }
    FILE_REQ(req, dialog, f);
    req.reason = reason;
    send_change(self, dialog, PATEN_FILE_ACTION_WITHDRAW,
                PATEN__MESSAGE_TYPE__MESSAGE_TYPE_WITHDRAW_FILE, &req.base, FALSE);
}

static void on_dispose_submit(PatenFileActionDialog *dialog, gpointer data)
{
    PatenFileWindow *self = data;
    const Paten__File *f = current_file(self);
    Paten__DisposeRequest req = PATEN__DISPOSE_REQUEST__INIT;
    const char *to = paten_file_action_dialog_get_choice(dialog, "to_role");
    g_autofree char *instruction = paten_file_action_dialog_get_text(dialog, "instruction");
    g_autofree char *due_day = paten_file_action_dialog_get_text(dialog, "due_date");
    g_autofree char *due_time = paten_file_action_dialog_get_text(dialog, "due_time");

    if (f == NULL)
        return;
    if (to == NULL) {
        paten_file_action_dialog_show_error(dialog, "to_role", _("Choose who it goes to."));
        return;
    }
    if (instruction[0] == '\0') {
        paten_file_action_dialog_show_error(dialog, "instruction", _("Write the instruction."));
        return;
    }
    if (due_day[0] != '\0') {
        g_autofree char *iso = dialog_date(dialog, "due_date");
        int y, mo, d, h = 16, mi = 0;
        g_autoptr(GTimeZone) zone = NULL;
        g_autoptr(GDateTime) due = NULL;

        if (iso == NULL)
            return;
        if (due_time[0] != '\0' && sscanf(due_time, "%d%*[.:]%d", &h, &mi) != 2) {
            paten_file_action_dialog_show_error(dialog, "due_ms", _("Enter a time such as 14.00."));
            return;
        }
        if (sscanf(iso, "%d-%d-%d", &y, &mo, &d) != 3)
            return;
        zone = region_zone(self);
        due = g_date_time_new(zone, y, mo, d, h, mi, 0);
        if (due == NULL) {
            paten_file_action_dialog_show_error(dialog, "due_ms", _("Enter a time such as 14.00."));
            return;
        }
        req.due_ms = g_date_time_to_unix(due) * 1000;
    }
    req.idempotency_key = (char *)paten_file_action_dialog_get_key(dialog);
    req.file_id = f->id;
    /* "role:<n>" or "user:<id>" (dispose_targets). */
    if (g_str_has_prefix(to, "user:"))
        req.to_user_id = g_ascii_strtoll(to + 5, NULL, 10);
    else
        req.to_role = (Paten__Role)g_ascii_strtoll(to + 5, NULL, 10);
    req.instruction = instruction;
    send_change(self, dialog, PATEN_FILE_ACTION_DISPOSE, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_DISPOSE,
                &req.base, FALSE);
}

static void on_set_survey_submit(PatenFileActionDialog *dialog, gpointer data)
{
    PatenFileWindow *self = data;
    const Paten__File *f = current_file(self);
    Paten__SetSurveyRequest req = PATEN__SET_SURVEY_REQUEST__INIT;
    g_autofree char *reason = paten_file_action_dialog_get_text(dialog, "reason");

    if (f == NULL)
        return;
    FILE_REQ(req, dialog, f);
    req.needed = paten_file_action_dialog_get_active(dialog, "needed");
    req.reason = reason;
    send_change(self, dialog, PATEN_FILE_ACTION_SET_SURVEY,
                PATEN__MESSAGE_TYPE__MESSAGE_TYPE_SET_SURVEY, &req.base, FALSE);
}

/* The service's fields the survey measures: its NUMBER fields (SurveyReport.measurements). */
static gboolean is_measurement(const Paten__FieldSpec *spec)
{
    return spec->type == PATEN__FIELD_TYPE__FIELD_TYPE_NUMBER;
}

static void on_submit_survey_submit(PatenFileActionDialog *dialog, gpointer data)
{
    PatenFileWindow *self = data;
    const Paten__File *f = current_file(self);
    const Paten__Service *svc = self->service;
    Paten__SubmitSurveyRequest req = PATEN__SUBMIT_SURVEY_REQUEST__INIT;
    g_autofree char *date = NULL;
    g_autofree char *team_text = paten_file_action_dialog_get_text(dialog, "team");
    g_autofree char *findings = paten_file_action_dialog_get_text(dialog, "findings");
    g_auto(GStrv) team = split_items(team_text, "\n");
    g_autoptr(GPtrArray) values = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GPtrArray) canon = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GPtrArray) ptrs = g_ptr_array_new();

    if (f == NULL)
        return;
    date = dialog_date(dialog, "date");
    if (date == NULL)
        return;
    if (team[0] == NULL) {
        paten_file_action_dialog_show_error(dialog, "team", _("Name the members of the team."));
        return;
    }
    if (findings[0] == '\0') {
        paten_file_action_dialog_show_error(dialog, "findings", _("Write the findings."));
        return;
    }
    for (size_t i = 0; svc != NULL && i < svc->n_fields; i++) {
        const Paten__FieldSpec *spec = svc->fields[i];
        g_autofree char *key = NULL, *text = NULL;
        char *value;
        Paten__FieldValue *fv;

        if (!is_measurement(spec))
            continue;
        key = g_strconcat("m:", spec->name, NULL);
        text = paten_file_action_dialog_get_text(dialog, key);
        if (text[0] == '\0')
            continue; /* not measured; the server says whether it must be */
        value = paten_decimal_parse(text);
        if (value == NULL) {
            paten_file_action_dialog_show_error(dialog, key,
                                                _("Enter a number, such as 3,5 or 1.250."));
            return;
        }
        g_ptr_array_add(canon, value);
        fv = g_new0(Paten__FieldValue, 1);
        paten__field_value__init(fv);
        fv->name = spec->name;
        fv->value = value;
        g_ptr_array_add(values, fv);
        g_ptr_array_add(ptrs, fv);
    }
    FILE_REQ(req, dialog, f);
    req.date = date;
    req.n_team = g_strv_length(team);
    req.team = team;
    req.findings = findings;
    req.n_measurements = ptrs->len;
    req.measurements = (Paten__FieldValue **)ptrs->pdata;
    send_change(self, dialog, PATEN_FILE_ACTION_SUBMIT_SURVEY,
                PATEN__MESSAGE_TYPE__MESSAGE_TYPE_SUBMIT_SURVEY, &req.base, FALSE);
}

static void on_meeting_submit(PatenFileActionDialog *dialog, gpointer data)
{
    PatenFileWindow *self = data;
    const Paten__File *f = current_file(self);
    Paten__RecordMeetingRequest req = PATEN__RECORD_MEETING_REQUEST__INIT;
    g_autofree char *date = NULL;
    g_autofree char *people = paten_file_action_dialog_get_text(dialog, "participants");
    g_autofree char *minutes = paten_file_action_dialog_get_text(dialog, "minutes");
    g_autofree char *decision = paten_file_action_dialog_get_text(dialog, "decision");
    g_auto(GStrv) participants = split_items(people, "\n");

    if (f == NULL)
        return;
    date = dialog_date(dialog, "date");
    if (date == NULL)
        return;
    FILE_REQ(req, dialog, f);
    req.date = date;
    req.n_participants = g_strv_length(participants);
    req.participants = participants;
    req.minutes = minutes;
    req.decision = decision;
    send_change(self, dialog, PATEN_FILE_ACTION_RECORD_MEETING,
                PATEN__MESSAGE_TYPE__MESSAGE_TYPE_RECORD_MEETING, &req.base, FALSE);
}

static void on_recommend_submit(PatenFileActionDialog *dialog, gpointer data)
{
    PatenFileWindow *self = data;
    const Paten__File *f = current_file(self);
    Paten__RecommendRequest req = PATEN__RECOMMEND_REQUEST__INIT;
    g_autofree char *note = paten_file_action_dialog_get_text(dialog, "note");
    const char *choice = paten_file_action_dialog_get_choice(dialog, "can_process");

    if (f == NULL)
        return;
    FILE_REQ(req, dialog, f);
    req.can_process = g_strcmp0(choice, "yes") == 0;
    req.note = note;
    send_change(self, dialog, PATEN_FILE_ACTION_RECOMMEND,
                PATEN__MESSAGE_TYPE__MESSAGE_TYPE_RECOMMEND, &req.base, FALSE);
}

static void on_decide_submit(PatenFileActionDialog *dialog, gpointer data)
{
    PatenFileWindow *self = data;
    const Paten__File *f = current_file(self);
    Paten__DecideRequest req = PATEN__DECIDE_REQUEST__INIT;
    g_autofree char *reason = paten_file_action_dialog_get_text(dialog, "reason");
    gboolean approve =
        g_strcmp0(paten_file_action_dialog_get_choice(dialog, "approve"), "yes") == 0;

    if (f == NULL)
        return;
    if (!approve && reason[0] == '\0') {
        paten_file_action_dialog_show_error(
            dialog, "reason", _("Give the reason of the rejection: it goes on the letter."));
        return;
    }
    FILE_REQ(req, dialog, f);
    req.approve = approve;
    req.reason = reason;
    send_change(self, dialog, PATEN_FILE_ACTION_DECIDE, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_DECIDE,
                &req.base, !approve);
}

static void on_forward_submit(PatenFileActionDialog *dialog, gpointer data)
{
    PatenFileWindow *self = data;
    const Paten__File *f = current_file(self);
    Paten__ForwardRequest req = PATEN__FORWARD_REQUEST__INIT;
    g_autofree char *note = paten_file_action_dialog_get_text(dialog, "note");

    if (f == NULL)
        return;
    FILE_REQ(req, dialog, f);
    req.note = note;
    send_change(self, dialog, PATEN_FILE_ACTION_FORWARD, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_FORWARD,
                &req.base, FALSE);
}

static void on_agency_submit(PatenFileActionDialog *dialog, gpointer data)
{
    PatenFileWindow *self = data;
    const Paten__File *f = current_file(self);
    Paten__RecordAgencyOutcomeRequest req = PATEN__RECORD_AGENCY_OUTCOME_REQUEST__INIT;
    g_autofree char *number = paten_file_action_dialog_get_text(dialog, "document_number");
    g_autofree char *reason = paten_file_action_dialog_get_text(dialog, "reason");
    gboolean approved =
        g_strcmp0(paten_file_action_dialog_get_choice(dialog, "approved"), "yes") == 0;

    if (f == NULL)
        return;
    if (!approved && reason[0] == '\0') {
        paten_file_action_dialog_show_error(dialog, "reason", _("Give the reason."));
        return;
    }
    FILE_REQ(req, dialog, f);
    req.approved = approved;
    req.document_number = number;
    req.reason = reason;
    send_change(self, dialog, PATEN_FILE_ACTION_AGENCY_OUTCOME,
                PATEN__MESSAGE_TYPE__MESSAGE_TYPE_RECORD_AGENCY_OUTCOME, &req.base, FALSE);
}

static void on_sign_submit(PatenFileActionDialog *dialog, gpointer data)
{
    PatenFileWindow *self = data;
    const Paten__File *f = current_file(self);
    Paten__SignRequest req = PATEN__SIGN_REQUEST__INIT;

    if (f == NULL)
        return;
    FILE_REQ(req, dialog, f);
    send_change(self, dialog, PATEN_FILE_ACTION_SIGN, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_SIGN,
                &req.base, FALSE);
}

static void on_hand_over_submit(PatenFileActionDialog *dialog, gpointer data)
{
    PatenFileWindow *self = data;
    const Paten__File *f = current_file(self);
    Paten__HandOverRequest req = PATEN__HAND_OVER_REQUEST__INIT;
    g_autofree char *name = paten_file_action_dialog_get_text(dialog, "received_by_name");
    g_autofree char *nik = paten_file_action_dialog_get_text(dialog, "received_by_nik");

    if (f == NULL)
        return;
    if (name[0] == '\0') {
        paten_file_action_dialog_show_error(dialog, "received_by_name",
                                            _("Write who receives the documents."));
        return;
    }
    FILE_REQ(req, dialog, f);
    req.received_by_name = name;
    req.received_by_nik = nik;
    send_change(self, dialog, PATEN_FILE_ACTION_HAND_OVER,
                PATEN__MESSAGE_TYPE__MESSAGE_TYPE_HAND_OVER, &req.base, FALSE);
}

/* ---- the dialogs of the actions ----------------------------------------------------------- */

static PatenFileActionDialog *new_dialog(PatenFileWindow *self, const char *title,
                                         const char *message, const char *confirm, GCallback submit)
{
    const Paten__File *f = current_file(self);
    g_autofree char *full = g_strdup_printf(_("%s — file %s"), title, f->register_number);
    PatenFileActionDialog *d =
        paten_file_action_dialog_new(GTK_WINDOW(self), full, message, confirm, f->version);

    g_signal_connect_object(d, "submit", submit, self, 0);
    return d;
}

static const char *const yes_no_ids[] = { "yes", "no" };

static gboolean has_id(GPtrArray *ids, const char *id)
{
    for (guint i = 0; i < ids->len; i++)
        if (strcmp(ids->pdata[i], id) == 0)
            return TRUE;
    return FALSE;
}

/*
 * Who a disposition may go to, as choice ids ("role:<n>", "user:<id>") and names: the kecamatan
 * roles of the office, then the people of the office this file's dispositions already name
 * (the desk has no list of the office's people: ListUsers is the ADMIN's), the session's user
 * left out.
 */
static void on_colleagues_listed(GObject *src, GAsyncResult *res, gpointer data)
{
    g_autoptr(PatenFileWindow) self = data;
    Paten__ListUsersReply *reply = (Paten__ListUsersReply *)paten_connection_call_finish(
        PATEN_CONNECTION(src), res, NULL, NULL);

    if (g_cancellable_is_cancelled(self->cancel)) { /* the window is gone */
        paten_message_free(reply);
        return;
    }
    self->colleagues_pending = FALSE;
    /* Without the list, the roles and the people the file's dispositions name are offered. */
    if (reply != NULL) {
        paten_message_free(self->colleagues);
        self->colleagues = reply;
    }
    update_actions(self);
}

/* Asks for the office's staff (kecamatan staff may list their own colleagues), so that a
 * disposition can go to a person by name. */
static void load_colleagues(PatenFileWindow *self)
{
    static const Paten__Role staff[] = { PATEN__ROLE__ROLE_CAMAT, PATEN__ROLE__ROLE_SEKRETARIAT,
                                         PATEN__ROLE__ROLE_TIM_TEKNIS, PATEN__ROLE__ROLE_LOKET };

    for (guint i = 0; i < G_N_ELEMENTS(staff); i++)
        if (paten_session_has_role(self->session, staff[i])) {
            self->colleagues_pending = TRUE;
            paten_connection_call_async(self->conn, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_LIST_USERS,
                                        NULL, self->cancel, on_colleagues_listed,
                                        g_object_ref(self));
            return;
        }
}

static void dispose_targets(PatenFileWindow *self, GPtrArray *ids, GPtrArray *names)
{
    static const Paten__Role roles[] = { PATEN__ROLE__ROLE_CAMAT, PATEN__ROLE__ROLE_SEKRETARIAT,
                                         PATEN__ROLE__ROLE_TIM_TEKNIS, PATEN__ROLE__ROLE_LOKET };
    const gint64 me = paten_session_get_user(self->session)->id;

    for (guint i = 0; i < G_N_ELEMENTS(roles); i++) {
        g_ptr_array_add(ids, g_strdup_printf("role:%d", (int)roles[i]));
        g_ptr_array_add(names, g_strdup_printf(_("%s (role)"), paten_role_name(roles[i])));
    }
    for (size_t i = 0; self->colleagues != NULL && i < self->colleagues->n_users; i++) {
        const Paten__User *u = self->colleagues->users[i];
        g_autofree char *id = g_strdup_printf("user:%" G_GINT64_FORMAT, u->id);

        if (u->id == me || has_id(ids, id))
            continue;
        g_ptr_array_add(ids, g_steal_pointer(&id));
        g_ptr_array_add(names, g_strdup(u->name));
    }
    for (size_t i = 0; self->reply != NULL && i < self->reply->n_dispositions; i++) {
        const Paten__Disposition *d = self->reply->dispositions[i];
        const gint64 uid[] = { d->from_user_id, d->to_user_id };
        const char *uname[] = { d->from_name, d->to_name };

        for (guint k = 0; k < 2; k++) {
            g_autofree char *id = g_strdup_printf("user:%" G_GINT64_FORMAT, uid[k]);

            if (uid[k] == 0 || uid[k] == me || uname[k][0] == '\0' || has_id(ids, id))
                continue;
            g_ptr_array_add(ids, g_steal_pointer(&id));
            g_ptr_array_add(names, g_strdup(uname[k]));
        }
    }
}

static PatenFileActionDialog *build_dialog(PatenFileWindow *self, PatenFileAction action)
{
    const Paten__File *f = current_file(self);
    const Paten__Service *svc = self->service;
    PatenFileActionDialog *d = NULL;

    switch (action) {
    case PATEN_FILE_ACTION_RETURN:
        d = new_dialog(self, _("Return to the applicant"),
                       _("The file goes back to the applicant to complete; its deadline pauses "
                         "until the documents are in."),
                       _("_Return"), G_CALLBACK(on_return_submit));
        paten_file_action_dialog_add_entry(d, "reason", _("_Reason"), NULL);
        paten_file_action_dialog_add_heading(d, "missing", _("Missing requirements"));
        for (size_t i = 0; svc != NULL && i < svc->n_requirements; i++) {
            g_autofree char *key = g_strconcat("missing:", svc->requirements[i]->code, NULL);
            paten_file_action_dialog_add_check(d, key, svc->requirements[i]->text, FALSE);
        }
        paten_file_action_dialog_add_entry(d, "missing_other",
                                           _("_Other missing items (separated by ;)"), NULL);
        break;
    case PATEN_FILE_ACTION_RESUME:
        d = new_dialog(self, _("Resume processing"),
                       _("Tick what the applicant has brought now. Processing resumes and the "
                         "deadline moves on by the days the file was away."),
                       _("Res_ume"), G_CALLBACK(on_resume_submit));
        paten_file_action_dialog_add_heading(d, "requirements", _("Handed in now"));
        for (size_t i = 0; i < f->n_returned_missing; i++) {
            const char *code = f->returned_missing[i];
            const Paten__Requirement *r =
                svc ? paten_requirement_lookup(svc->requirements, svc->n_requirements, code) : NULL;
            g_autofree char *key = NULL;

            if (r == NULL)
                continue; /* a free-text item: nothing to record but that it came back */
            key = g_strconcat("requirements:", code, NULL);
            paten_file_action_dialog_add_check(d, key, r->text, TRUE);
        }
        break;
    case PATEN_FILE_ACTION_WITHDRAW:
        d = new_dialog(self, _("Withdraw the file"),
                       _("The applicant withdraws the application. This cannot be undone."),
                       _("_Withdraw"), G_CALLBACK(on_withdraw_submit));
        paten_file_action_dialog_add_entry(d, "reason", _("_Reason"), NULL);
        break;
    case PATEN_FILE_ACTION_DISPOSE: {
        g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func(g_free);
        g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);

        dispose_targets(self, ids, names);
        d = new_dialog(self, _("Disposition"),
                       _("A written instruction on this file, to a person or to a role of the "
                         "office (the first of the role's holders to open it takes it on). The "
                         "disposition sheet prints."),
                       _("_Send"), G_CALLBACK(on_dispose_submit));
        paten_file_action_dialog_add_choice(d, "to_role", _("_To"), (const char *const *)ids->pdata,
                                            (const char *const *)names->pdata, ids->len, NULL);
        paten_file_action_dialog_add_text(d, "instruction", _("_Instruction"), NULL);
        paten_file_action_dialog_add_entry(d, "due_date", _("_Due date (empty: next working day)"),
                                           NULL);
        paten_file_action_dialog_add_entry(d, "due_time", _("Due _time"), "16.00");
        break;
    }
    case PATEN_FILE_ACTION_SET_SURVEY:
        d = new_dialog(self, _("Site survey"),
                       _("Decide whether the technical team visits the site before the "
                         "recommendation."),
                       _("_Save"), G_CALLBACK(on_set_survey_submit));
        paten_file_action_dialog_add_check(d, "needed", _("Site survey _needed"), f->survey_needed);
        paten_file_action_dialog_add_entry(d, "reason", _("_Reason"), NULL);
        break;
    case PATEN_FILE_ACTION_SUBMIT_SURVEY: {
        g_autofree char *today = today_text(self);

        d = new_dialog(self, _("Site survey report"),
                       _("The berita acara of the site visit: who went, when, what was found, and "
                         "the measurements taken there. The report prints when it is filed."),
                       _("_File the report"), G_CALLBACK(on_submit_survey_submit));
        paten_file_action_dialog_add_entry(d, "date", _("_Date of the visit"), today);
        paten_file_action_dialog_add_text(d, "team", _("_Team members (one per line)"), NULL);
        paten_file_action_dialog_add_text(d, "findings", _("_Findings"), NULL);
        paten_file_action_dialog_add_heading(d, "measurements", _("Measurements"));
        for (size_t i = 0; svc != NULL && i < svc->n_fields; i++) {
            const Paten__FieldSpec *spec = svc->fields[i];
            const char *declared;
            g_autofree char *key = NULL, *label = NULL;
            GtkWidget *entry;

            if (!is_measurement(spec))
                continue;
            key = g_strconcat("m:", spec->name, NULL);
            label = spec->unit[0] ? g_strdup_printf("%s (%s)", spec->label, spec->unit)
                                  : g_strdup(spec->label);
            paten_file_action_dialog_add_entry(d, key, label, NULL);
            /* What the applicant declared, as a hint: the team writes what it measured. */
            declared = paten_field_values_lookup(f->fields, f->n_fields, spec->name);
            entry = paten_file_action_dialog_get_widget(d, key);
            if (declared != NULL) {
                g_autofree char *shown = paten_decimal_display(declared);
                g_autofree char *hint = g_strdup_printf(_("declared: %s"), shown);
                gtk_entry_set_placeholder_text(GTK_ENTRY(entry), hint);
            }
        }
        break;
    }
    case PATEN_FILE_ACTION_RECORD_MEETING: {
        g_autofree char *today = today_text(self);

        d = new_dialog(self, _("Meeting minutes"),
                       _("The berita acara of the coordination meeting on this file. The minutes "
                         "print when they are filed."),
                       _("_File the minutes"), G_CALLBACK(on_meeting_submit));
        paten_file_action_dialog_add_entry(d, "date", _("_Date of the meeting"), today);
        paten_file_action_dialog_add_text(d, "participants", _("_Participants (one per line)"),
                                          NULL);
        paten_file_action_dialog_add_text(d, "minutes", _("_Minutes"), NULL);
        paten_file_action_dialog_add_entry(d, "decision", _("_Conclusion"), NULL);
        break;
    }
    case PATEN_FILE_ACTION_RECOMMEND: {
        const char *names[] = { _("Can be processed"), _("Cannot be processed") };

        d = new_dialog(self, _("Recommendation"),
                       _("The secretariat's recommendation to the Camat."), _("_Recommend"),
                       G_CALLBACK(on_recommend_submit));
        paten_file_action_dialog_add_choice(d, "can_process", _("_Recommendation"), yes_no_ids,
                                            names, 2, "yes");
        paten_file_action_dialog_add_text(d, "note", _("_Note"), NULL);
        break;
    }
    case PATEN_FILE_ACTION_DECIDE: {
        const char *names[] = { _("Approve"), _("Reject") };
        g_autofree char *message = g_strdup_printf(
            _("The secretariat recommends: %s%s%s. A rejection prints the rejection letter with "
              "the reason."),
            f->recommended_can_process ? _("can be processed") : _("cannot be processed"),
            f->recommendation_note[0] ? " — " : "", f->recommendation_note);

        d = new_dialog(self, _("Decision"), message, _("_Decide"), G_CALLBACK(on_decide_submit));
        paten_file_action_dialog_add_choice(d, "approve", _("_Decision"), yes_no_ids, names, 2,
                                            "yes");
        paten_file_action_dialog_add_entry(d, "reason", _("_Reason (for a rejection)"), NULL);
        break;
    }
    case PATEN_FILE_ACTION_FORWARD: {
        g_autofree char *message =
            g_strdup_printf(_("The file goes to %s, which decides on it."), f->forward_agency);

        d = new_dialog(self, _("Forward to the agency"), message, _("_Forward"),
                       G_CALLBACK(on_forward_submit));
        paten_file_action_dialog_add_entry(d, "note", _("_Note"), NULL);
        break;
    }
    case PATEN_FILE_ACTION_AGENCY_OUTCOME: {
        const char *names[] = { _("Approved"), _("Not approved") };

        d = new_dialog(self, _("Agency outcome"), _("What the agency decided on this file."),
                       _("_Record"), G_CALLBACK(on_agency_submit));
        paten_file_action_dialog_add_choice(d, "approved", _("_Outcome"), yes_no_ids, names, 2,
                                            "yes");
        paten_file_action_dialog_add_entry(d, "document_number", _("Decision _number"), NULL);
        paten_file_action_dialog_add_entry(d, "reason", _("_Reason (when not approved)"), NULL);
        break;
    }
    case PATEN_FILE_ACTION_SIGN: {
        g_autofree char *message =
            g_strdup_printf(_("Sign the decree for %s? It gets its number now, and the SK prints."),
                            f->applicant ? f->applicant->name : f->register_number);

        d = new_dialog(self, _("Sign the decree"), message, _("_Sign"), G_CALLBACK(on_sign_submit));
        break;
    }
    case PATEN_FILE_ACTION_HAND_OVER:
        d = new_dialog(self, _("Hand over"),
                       _("Who receives the documents at the counter: the applicant, or someone "
                         "for them."),
                       _("_Hand over"), G_CALLBACK(on_hand_over_submit));
        paten_file_action_dialog_add_entry(d, "received_by_name", _("Received by _name"),
                                           f->applicant ? f->applicant->name : NULL);
        paten_file_action_dialog_add_entry(d, "received_by_nik", _("_NIK (optional)"),
                                           f->applicant ? f->applicant->nik : NULL);
        break;
    }
    return d;
}

static void on_action_activate(GSimpleAction *action, GVariant *param, gpointer data)
{
    PatenFileWindow *self = data;
    const char *name = g_action_get_name(G_ACTION(action));
    PatenFileActionDialog *d = NULL;

    (void)param;
    if (current_file(self) == NULL)
        return;
    for (guint i = 0; i < G_N_ELEMENTS(action_specs); i++)
        if (strcmp(action_specs[i].name, name) == 0)
            d = build_dialog(self, action_specs[i].bit);
    if (d != NULL)
        gtk_window_present(GTK_WINDOW(d));
}

static void on_print_latest(GSimpleAction *action, GVariant *param, gpointer data)
{
    PatenFileWindow *self = data;
    const Paten__File *f = current_file(self);

    (void)action;
    (void)param;
    if (f != NULL && f->n_documents > 0)
        print_file_document(self, f, f->documents[f->n_documents - 1]);
}

static void on_reload(GSimpleAction *action, GVariant *param, gpointer data)
{
    (void)action;
    (void)param;
    load(data);
}

static void on_close(GSimpleAction *action, GVariant *param, gpointer data)
{
    (void)action;
    (void)param;
    gtk_window_close(GTK_WINDOW(data));
}

static void add_actions(PatenFileWindow *self)
{
    static const GActionEntry entries[] = {
        { "print-latest", on_print_latest, NULL, NULL, NULL, { 0 } },
        { "reload", on_reload, NULL, NULL, NULL, { 0 } },
        { "close", on_close, NULL, NULL, NULL, { 0 } },
    };

    g_action_map_add_action_entries(G_ACTION_MAP(self), entries, G_N_ELEMENTS(entries), self);
    for (guint i = 0; i < G_N_ELEMENTS(action_specs); i++) {
        g_autoptr(GSimpleAction) a = g_simple_action_new(action_specs[i].name, NULL);
        g_autofree char *detailed = g_strconcat("win.", action_specs[i].name, NULL);
        GtkWidget *b = gtk_button_new_with_mnemonic(_(action_specs[i].label));
        g_autofree char *name = NULL;
        GString *plain = g_string_new(NULL);

        for (const char *p = _(action_specs[i].label); *p != '\0'; p++)
            if (*p != '_')
                g_string_append_c(plain, *p);
        /* The accessible name without the ellipsis: "Tandatangani". */
        if (g_str_has_suffix(plain->str, "…"))
            g_string_truncate(plain, plain->len - strlen("…"));
        name = g_string_free(plain, FALSE);
        g_signal_connect(a, "activate", G_CALLBACK(on_action_activate), self);
        g_simple_action_set_enabled(a, FALSE);
        g_action_map_add_action(G_ACTION_MAP(self), G_ACTION(a));
        gtk_actionable_set_action_name(GTK_ACTIONABLE(b), detailed);
        paten_set_accessible_name(b, name);
        gtk_widget_set_no_show_all(b, TRUE);
        gtk_container_add(GTK_CONTAINER(self->actions_box), b);
        self->buttons[i] = b;
    }
}

/* The accelerators of the window actions (see the comment at the top). */
static void set_accels(PatenApplication *app)
{
    static const struct {
        const char *action;
        const char *accels[3];
    } fixed[] = {
        { "win.print-latest", { "<Primary>p", NULL, NULL } },
        { "win.reload", { "F5", "<Primary>r", NULL } },
        { "win.close", { "<Primary>w", NULL, NULL } },
    };

    for (guint i = 0; i < G_N_ELEMENTS(fixed); i++)
        gtk_application_set_accels_for_action(GTK_APPLICATION(app), fixed[i].action,
                                              fixed[i].accels);
    for (guint i = 0; i < G_N_ELEMENTS(action_specs); i++) {
        g_autofree char *detailed = g_strconcat("win.", action_specs[i].name, NULL);
        const char *accels[] = { action_specs[i].accel, NULL };

        gtk_application_set_accels_for_action(GTK_APPLICATION(app), detailed, accels);
    }
}

/* The roles may have changed (a delegation began or ended): so may the actions offered. */
static void on_session_changed(PatenSession *session, gpointer data)
{
    (void)session;
    update_actions(data);
}

/* ---- the window --------------------------------------------------------------------------- */

PatenFileWindow *paten_file_window_present(PatenApplication *app, GtkWindow *parent, gint64 file_id)
{
    PatenFileWindow *self;

    g_return_val_if_fail(PATEN_IS_APPLICATION(app), NULL);
    for (GList *l = gtk_application_get_windows(GTK_APPLICATION(app)); l != NULL; l = l->next) {
        if (PATEN_IS_FILE_WINDOW(l->data) && PATEN_FILE_WINDOW(l->data)->file_id == file_id) {
            gtk_window_present(l->data);
            return l->data;
        }
    }
    if (paten_application_get_session(app) == NULL)
        return NULL;
    set_accels(app);
    self = g_object_new(PATEN_TYPE_FILE_WINDOW, "application", app, "transient-for", parent, NULL);
    self->app = app;
    self->file_id = file_id;
    self->conn = g_object_ref(paten_application_get_connection(app));
    self->bus = g_object_ref(paten_application_get_bus(app));
    self->session = g_object_ref(paten_application_get_session(app));
    g_signal_connect_object(self->bus, "file-changed", G_CALLBACK(on_file_changed), self, 0);
    g_signal_connect_object(self->bus, "disposition-changed", G_CALLBACK(on_disposition_changed),
                            self, 0);
    g_signal_connect_object(self->bus, "assessment-changed", G_CALLBACK(on_assessment_changed),
                            self, 0);
    g_signal_connect_object(self->bus, "events-missed", G_CALLBACK(on_events_missed), self, 0);
    g_signal_connect_object(self->session, "changed", G_CALLBACK(on_session_changed), self, 0);
    load(self);
    load_colleagues(self);
    gtk_window_present(GTK_WINDOW(self));
    return self;
}

/* A window to open once the main loop is idle again. */
typedef struct {
    PatenApplication *app; /* a reference */
    GtkWindow *parent;     /* a weak pointer */
    gint64 file_id;
} OpenLater;

static gboolean open_later(gpointer data)
{
    OpenLater *o = data;

    if (o->parent != NULL) {
        g_object_remove_weak_pointer(G_OBJECT(o->parent), (gpointer *)&o->parent);
        paten_file_window_present(o->app, o->parent, o->file_id);
    }
    g_object_unref(o->app);
    g_free(o);
    return G_SOURCE_REMOVE;
}

/* The support and test hook: PATEN_DESK_OPEN_FILE=<file id> in the environment opens that
 * file's window once the main window is up (a help-desk operator can start the desk on one
 * file; the UI tests open the window this way). Anything but a positive number is ignored. The
 * window opens from an idle callback: the main window is being built when this is called, and
 * presenting it afterwards would bury the file's window under it. */
void paten_file_window_open_from_env(PatenApplication *app, GtkWindow *parent)
{
    const char *env = g_getenv("PATEN_DESK_OPEN_FILE");
    OpenLater *o;
    gint64 id;
    char *end = NULL;

    if (env == NULL || env[0] == '\0')
        return;
    id = g_ascii_strtoll(env, &end, 10);
    if (end == NULL || *end != '\0' || id <= 0) {
        g_warning("paten-desk: PATEN_DESK_OPEN_FILE=%s is not a file id", env);
        return;
    }
    o = g_new0(OpenLater, 1);
    o->app = g_object_ref(app);
    o->parent = parent;
    o->file_id = id;
    g_object_add_weak_pointer(G_OBJECT(parent), (gpointer *)&o->parent);
    g_idle_add(open_later, o);
}

static void paten_file_window_dispose(GObject *obj)
{
    PatenFileWindow *self = PATEN_FILE_WINDOW(obj);

    if (self->cancel != NULL)
        g_cancellable_cancel(self->cancel);
    if (self->bus != NULL)
        g_signal_handlers_disconnect_by_data(self->bus, self);
    if (self->session != NULL)
        g_signal_handlers_disconnect_by_data(self->session, self);
    g_clear_object(&self->bus);
    g_clear_object(&self->session);
    g_clear_object(&self->conn);
    G_OBJECT_CLASS(paten_file_window_parent_class)->dispose(obj);
}

static void paten_file_window_finalize(GObject *obj)
{
    PatenFileWindow *self = PATEN_FILE_WINDOW(obj);

    paten_message_free(self->reply);
    paten_message_free(self->service);
    paten_message_free(self->colleagues);
    g_clear_object(&self->cancel);
    G_OBJECT_CLASS(paten_file_window_parent_class)->finalize(obj);
}

static void paten_file_window_class_init(PatenFileWindowClass *klass)
{
    GtkWidgetClass *wc = GTK_WIDGET_CLASS(klass);

    G_OBJECT_CLASS(klass)->dispose = paten_file_window_dispose;
    G_OBJECT_CLASS(klass)->finalize = paten_file_window_finalize;
    gtk_widget_class_set_template_from_resource(wc, "/id/paten/desk/paten-file-window.ui");
    gtk_widget_class_bind_template_child(wc, PatenFileWindow, notice_label);
    gtk_widget_class_bind_template_child(wc, PatenFileWindow, heading_label);
    gtk_widget_class_bind_template_child(wc, PatenFileWindow, due_label);
    gtk_widget_class_bind_template_child(wc, PatenFileWindow, spinner);
    gtk_widget_class_bind_template_child(wc, PatenFileWindow, summary_grid);
    gtk_widget_class_bind_template_child(wc, PatenFileWindow, form_heading);
    gtk_widget_class_bind_template_child(wc, PatenFileWindow, form_grid);
    gtk_widget_class_bind_template_child(wc, PatenFileWindow, requirements_box);
    gtk_widget_class_bind_template_child(wc, PatenFileWindow, timeline_list);
    gtk_widget_class_bind_template_child(wc, PatenFileWindow, documents_list);
    gtk_widget_class_bind_template_child(wc, PatenFileWindow, dispositions_heading);
    gtk_widget_class_bind_template_child(wc, PatenFileWindow, dispositions_list);
    gtk_widget_class_bind_template_child(wc, PatenFileWindow, actions_box);
}

static void paten_file_window_init(PatenFileWindow *self)
{
    gtk_widget_init_template(GTK_WIDGET(self));
    self->cancel = g_cancellable_new();
    add_actions(self);
}
