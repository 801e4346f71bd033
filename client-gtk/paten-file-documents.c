/*
 * paten-file-documents.c: the printed documents of a file (paten-file-documents.h).
 *
 * Each builder lays out the same parts in the same order: the letterhead of the file's office,
 * the title and the document's number, who and what (fields), what the document says (headings,
 * items, paragraphs), the signature blocks, the footer, and the server's verification text for
 * the QR code.
 */
#include "paten-file-documents.h"

#include "paten-desk.h"
#include "paten-files.h"
#include "paten-roles.h"
#include "paten-util.h"

#include <string.h>

static const char *or_empty(const char *s)
{
    return s ? s : "";
}

/* The n strings of v (a repeated field) joined with ", ". Caller frees. */
static char *join(char *const *v, size_t n)
{
    GString *s = g_string_new(NULL);

    for (size_t i = 0; i < n; i++)
        g_string_append_printf(s, "%s%s", i ? ", " : "", v[i]);
    return g_string_free(s, FALSE);
}

const Paten__Document *paten_file_find_document(const Paten__File *f, Paten__DocumentKind kind)
{
    const Paten__Document *found = NULL;

    for (size_t i = 0; f != NULL && i < f->n_documents; i++)
        if (f->documents[i]->kind == kind)
            found = f->documents[i];
    return found;
}

/* The footer "Dicetak dari paten-desk pada ...". */
static void set_footer(PatenDocument *doc, const PatenPrintContext *ctx)
{
    g_autofree char *printed = NULL, *footer = NULL;

    if (ctx->now == NULL)
        return;
    printed = paten_format_time(g_date_time_to_unix(ctx->now) * 1000, ctx->time_zone, TRUE);
    footer = g_strdup_printf(_("Printed from paten-desk on %s"), printed);
    paten_document_set_footer(doc, footer);
}

/* A new document of kind with its letterhead, footer and the server's QR text. */
static PatenDocument *new_document(const char *kind, const char *number, const char *title,
                                   const char *office_name, const Paten__Document *issued,
                                   const PatenPrintContext *ctx)
{
    PatenDocument *doc = paten_document_new(
        kind, issued && issued->number && issued->number[0] ? issued->number : number, title);

    paten_document_set_letterhead(doc, office_name, ctx->region_name);
    set_footer(doc, ctx);
    if (issued != NULL)
        paten_document_set_verification(doc, issued->verification);
    return doc;
}

/* The day a document was issued, for people ("12 Mei 2026"). */
static char *issued_day(const Paten__Document *issued, const PatenPrintContext *ctx)
{
    if (issued != NULL && issued->issued_date && issued->issued_date[0])
        return paten_date_display(issued->issued_date);
    if (issued != NULL && issued->issued_at_ms != 0)
        return paten_format_time(issued->issued_at_ms, ctx->time_zone, FALSE);
    if (ctx->now != NULL)
        return paten_format_time(g_date_time_to_unix(ctx->now) * 1000, ctx->time_zone, FALSE);
    return g_strdup("");
}

/*
 * The signature block of the issuer: "<place>, <day>" then the `signed_as` line when the server
 * set one (a delegate signing "a.n."/"Plh."), else the position; the signer's name under it.
 */
static void add_issuer_signature(PatenDocument *doc, const char *office_name,
                                 const Paten__Document *issued, const char *position,
                                 const char *fallback_name, const PatenPrintContext *ctx)
{
    g_autofree char *place = paten_office_place(office_name);
    g_autofree char *day = issued_day(issued, ctx);
    const char *signed_as = issued ? or_empty(issued->signed_as) : "";
    const char *name = issued && issued->signed_by_name && issued->signed_by_name[0]
                           ? issued->signed_by_name
                           : or_empty(fallback_name);
    g_autofree char *above =
        g_strdup_printf("%s, %s\n%s", place, day, signed_as[0] ? signed_as : position);

    paten_document_add_signature(doc, above, name);
}

/* "Camat Taman": the position of the head of the file's kecamatan. */
static char *camat_position(const char *office_name)
{
    g_autofree char *place = paten_office_place(office_name);

    /* TRANSLATORS: a signature's position; %s is the kecamatan, "Taman". */
    return g_strdup_printf(_("Camat of %s"), place);
}

static void add_amount(PatenDocument *doc, const char *label, const Paten__Document *issued)
{
    if (issued != NULL && issued->amount > 0) {
        g_autofree char *amount = paten_format_rupiah(issued->amount);
        paten_document_add_field(doc, label, amount);
    }
}

/* The applicant's fields: name, numbers, the responsible person of an organisation, address,
 * phone, and who handed the file in for them. */
static void add_applicant(PatenDocument *doc, const Paten__Applicant *a,
                          const Paten__Representative *rep)
{
    g_autofree char *numbers = paten_applicant_numbers(a);

    if (a == NULL)
        return;
    paten_document_add_field(doc, _("Applicant"), or_empty(a->name));
    paten_document_add_field(doc, _("Identity number"), numbers);
    if (a->kind == PATEN__APPLICANT_KIND__APPLICANT_KIND_ORGANIZATION) {
        g_autofree char *resp = g_strdup_printf("%s (NIK %s)", or_empty(a->responsible_name),
                                                or_empty(a->responsible_nik));
        paten_document_add_field(doc, _("Responsible person"), resp);
    }
    paten_document_add_field(doc, _("Address"), or_empty(a->address));
    if (a->phone && a->phone[0])
        paten_document_add_field(doc, _("Phone"), a->phone);
    if (rep != NULL && rep->name && rep->name[0]) {
        g_autofree char *by = NULL;

        if (rep->nik && rep->nik[0])
            /* TRANSLATORS: who handed the file in for the applicant. */
            by = g_strdup_printf(_("%s, NIK %s (power of attorney)"), rep->name, rep->nik);
        else
            by = g_strdup_printf(_("%s (power of attorney)"), rep->name);
        paten_document_add_field(doc, _("Handed in by"), by);
    }
}

/* The form's values as items "Label: value", labelled from the service's specs. */
static void add_form_items(PatenDocument *doc, const Paten__File *f, const Paten__Service *svc)
{
    for (size_t i = 0; i < f->n_fields; i++) {
        const Paten__FieldValue *v = f->fields[i];
        const Paten__FieldSpec *spec =
            svc ? paten_field_spec_lookup(svc->fields, svc->n_fields, v->name) : NULL;
        g_autofree char *value = paten_field_value_display(spec, v->value);
        g_autofree char *item =
            g_strdup_printf("%s: %s", spec && spec->label[0] ? spec->label : v->name, value);

        paten_document_add_item(doc, item);
    }
}

/* The text of requirement code (the code itself when the service does not know it). */
static const char *requirement_text(const Paten__Service *svc, const char *code)
{
    const Paten__Requirement *r =
        svc ? paten_requirement_lookup(svc->requirements, svc->n_requirements, code) : NULL;

    return r ? r->text : code;
}

static const char *service_name(const Paten__File *f, const Paten__Service *svc)
{
    if (f != NULL && f->service_name && f->service_name[0])
        return f->service_name;
    return svc ? svc->name : "";
}

/* The applicant's (or their representative's) name, for the applicant's signature. */
static const char *bearer_name(const Paten__Applicant *a, const Paten__Representative *rep)
{
    if (rep != NULL && rep->name && rep->name[0])
        return rep->name;
    if (a != NULL && a->kind == PATEN__APPLICANT_KIND__APPLICANT_KIND_ORGANIZATION &&
        a->responsible_name && a->responsible_name[0])
        return a->responsible_name;
    return a ? or_empty(a->name) : "";
}

/* ---- the receipt -------------------------------------------------------------------------- */

PatenDocument *paten_receipt_new(const Paten__File *f, const Paten__Service *svc,
                                 const Paten__Document *doc, const PatenPrintContext *ctx)
{
    PatenDocument *d =
        new_document("RECEIPT", f->register_number, _("FILE RECEIPT"), f->office_name, doc, ctx);
    g_autofree char *received = paten_format_time(f->received_at_ms, ctx->time_zone, TRUE);
    g_autofree char *deadline = NULL, *deadline_text = NULL;
    g_autofree char *applicant_above = NULL;

    paten_document_add_field(d, _("Register number"), f->register_number);
    paten_document_add_field(d, _("Service"), service_name(f, svc));
    add_applicant(d, f->applicant, f->representative);
    paten_document_add_field(d, _("Received on"), received);
    if (f->deadline_ms != 0) {
        deadline = paten_format_time(f->deadline_ms, ctx->time_zone, TRUE);
        deadline_text = g_strdup_printf(
            ngettext("%s (%u working day)", "%s (%u working days)", f->deadline_working_days),
            deadline, f->deadline_working_days);
        paten_document_add_field(d, _("Completion deadline"), deadline_text);
    }
    if (f->renewal_of_register_number && f->renewal_of_register_number[0])
        paten_document_add_field(d, _("Renewal of"), f->renewal_of_register_number);
    add_amount(d, _("Amount"), doc);

    if (f->n_fields > 0) {
        paten_document_add_heading(d, _("Application data"));
        add_form_items(d, f, svc);
    }
    paten_document_add_heading(d, _("Requirements received"));
    for (size_t i = 0; i < f->n_requirements; i++)
        paten_document_add_item(d, requirement_text(svc, f->requirements[i]));
    paten_document_add_paragraph(
        d, _("Keep this receipt: the file is handed over against it. The deadline stops while "
             "the file is back with the applicant."));

    applicant_above = g_strdup_printf("\n%s", _("Submitted by"));
    paten_document_add_signature(d, applicant_above, bearer_name(f->applicant, f->representative));
    add_issuer_signature(d, f->office_name, doc, _("Front office officer"), NULL, ctx);
    return d;
}

/* ---- the return slip ---------------------------------------------------------------------- */

/* The slip's body: the service, the applicant, the missing items, the signatures. */
static PatenDocument *return_slip(const char *service, const char *office_name,
                                  const Paten__Applicant *a, const Paten__Representative *rep,
                                  const char *const *missing, size_t n, const Paten__Document *doc,
                                  const PatenPrintContext *ctx)
{
    PatenDocument *d = new_document("RETURN_SLIP", "", _("RETURN SLIP"), office_name, doc, ctx);
    g_autofree char *day = issued_day(doc, ctx);
    g_autofree char *applicant_above = g_strdup_printf("\n%s", _("Received back by"));

    paten_document_add_paragraph(
        d, _("The application below cannot be processed yet because its requirements are "
             "incomplete. Please come back with the missing items: the process starts when the "
             "file is complete."));
    paten_document_add_field(d, _("Service"), service);
    add_applicant(d, a, rep);
    paten_document_add_field(d, _("Date"), day);
    paten_document_add_heading(d, _("Missing requirements"));
    for (size_t i = 0; i < n; i++)
        paten_document_add_item(d, missing[i]);
    paten_document_add_signature(d, applicant_above, bearer_name(a, rep));
    add_issuer_signature(d, office_name, doc, _("Front office officer"), NULL, ctx);
    return d;
}

PatenDocument *paten_return_slip_new(const Paten__Service *svc, const char *office_name,
                                     const Paten__Applicant *applicant,
                                     const Paten__Representative *representative,
                                     Paten__Requirement *const *missing, size_t n,
                                     const Paten__Document *doc, const PatenPrintContext *ctx)
{
    g_autofree const char **texts = g_new0(const char *, n + 1);

    for (size_t i = 0; i < n; i++)
        texts[i] = missing[i]->text && missing[i]->text[0] ? missing[i]->text : missing[i]->code;
    return return_slip(svc ? svc->name : "", office_name, applicant, representative, texts, n, doc,
                       ctx);
}

/* ---- the disposition sheet ---------------------------------------------------------------- */

PatenDocument *paten_disposition_sheet_new(const Paten__Disposition *dp, const Paten__File *f,
                                           const char *office_name, const PatenPrintContext *ctx)
{
    g_autofree char *number = g_strdup_printf("DISP-%" G_GINT64_FORMAT, dp->id);
    PatenDocument *d =
        new_document("DISPOSITION_SHEET", number, _("DISPOSITION SHEET"), office_name, NULL, ctx);
    g_autofree char *from = NULL, *to = NULL, *made = NULL, *due = NULL, *above = NULL;
    g_autofree char *place = paten_office_place(office_name);
    g_autofree char *day = paten_format_time(dp->created_at_ms, ctx->time_zone, FALSE);

    paten_document_add_field(d, _("Register number"), dp->file_register_number);
    paten_document_add_field(d, _("Service"), dp->service_name);
    paten_document_add_field(d, _("Applicant"), dp->applicant_name);
    if (f != NULL && f->received_at_ms != 0) {
        g_autofree char *received = paten_format_time(f->received_at_ms, ctx->time_zone, TRUE);
        paten_document_add_field(d, _("Received on"), received);
    }
    paten_document_add_field(d, _("File state"), paten_file_state_name(dp->file_state));
    from = dp->from_as && dp->from_as[0] ? g_strdup_printf("%s (%s)", dp->from_name, dp->from_as)
                                         : g_strdup(dp->from_name);
    paten_document_add_field(d, _("From"), from);
    if (dp->to_user_id != 0 && dp->to_role != PATEN__ROLE__ROLE_UNSPECIFIED)
        to = g_strdup_printf("%s (%s)", paten_disposition_addressee(dp),
                             paten_role_name(dp->to_role));
    else
        to = g_strdup(paten_disposition_addressee(dp));
    paten_document_add_field(d, _("To"), to);
    made = paten_format_time(dp->created_at_ms, ctx->time_zone, TRUE);
    paten_document_add_field(d, _("Disposed on"), made);
    due = dp->due_ms ? paten_format_time(dp->due_ms, ctx->time_zone, TRUE) : g_strdup("-");
    paten_document_add_field(d, _("Due"), due);
    paten_document_add_heading(d, _("Instruction"));
    paten_document_add_paragraph(d, dp->instruction);
    if (dp->completed_at_ms != 0) {
        g_autofree char *done = paten_format_time(dp->completed_at_ms, ctx->time_zone, TRUE);
        g_autofree char *heading = g_strdup_printf(_("Response (%s)"), done);

        paten_document_add_heading(d, heading);
        paten_document_add_paragraph(d, dp->response);
    }
    above = g_strdup_printf("%s, %s\n%s", place, day, or_empty(dp->from_as));
    paten_document_add_signature(d, above, dp->from_name);
    return d;
}

/* ---- the survey report and the meeting minutes -------------------------------------------- */

PatenDocument *paten_survey_report_new(const Paten__File *f, const Paten__Service *svc,
                                       const Paten__Document *doc, const PatenPrintContext *ctx)
{
    static const Paten__SurveyReport none = PATEN__SURVEY_REPORT__INIT;
    const Paten__SurveyReport *s = f->survey ? f->survey : &none;
    PatenDocument *d =
        new_document("SURVEY_REPORT", s->number, _("SITE SURVEY REPORT"), f->office_name, doc, ctx);
    g_autofree char *date = paten_date_display(s->date);
    g_autofree char *intro = NULL, *team = NULL;

    intro = g_strdup_printf(_("On %s the technical team surveyed the site of the application "
                              "below and reports as follows."),
                            date);
    paten_document_add_paragraph(d, intro);
    paten_document_add_field(d, _("Register number"), f->register_number);
    paten_document_add_field(d, _("Service"), service_name(f, svc));
    add_applicant(d, f->applicant, NULL);
    paten_document_add_field(d, _("Survey date"), date);
    team = join(s->team, s->n_team);
    paten_document_add_field(d, _("Survey team"), team);
    if (s->n_measurements > 0) {
        paten_document_add_heading(d, _("Measurements"));
        for (size_t i = 0; i < s->n_measurements; i++) {
            const Paten__FieldValue *m = s->measurements[i];
            const Paten__FieldSpec *spec =
                svc ? paten_field_spec_lookup(svc->fields, svc->n_fields, m->name) : NULL;
            g_autofree char *value = paten_field_value_display(spec, m->value);
            g_autofree char *item =
                g_strdup_printf("%s: %s", spec && spec->label[0] ? spec->label : m->name, value);

            paten_document_add_item(d, item);
        }
    }
    paten_document_add_heading(d, _("Findings"));
    paten_document_add_paragraph(d, or_empty(s->findings));
    add_issuer_signature(d, f->office_name, doc, _("Technical team"), s->filed_by_name, ctx);
    return d;
}

PatenDocument *paten_meeting_minutes_new(const Paten__File *f, const Paten__Document *doc,
                                         const PatenPrintContext *ctx)
{
    static const Paten__MeetingMinutes none = PATEN__MEETING_MINUTES__INIT;
    const Paten__MeetingMinutes *m = f->n_meetings ? f->meetings[f->n_meetings - 1] : &none;
    PatenDocument *d;
    g_autofree char *date = NULL, *participants = NULL;

    for (size_t i = 0; doc != NULL && i < f->n_meetings; i++)
        if (g_strcmp0(f->meetings[i]->number, doc->number) == 0)
            m = f->meetings[i];
    d = new_document("MEETING_MINUTES", m->number, _("MEETING MINUTES"), f->office_name, doc, ctx);
    date = paten_date_display(m->date);
    participants = join(m->participants, m->n_participants);
    paten_document_add_field(d, _("Register number"), f->register_number);
    paten_document_add_field(d, _("Service"), service_name(f, NULL));
    paten_document_add_field(d, _("Applicant"), f->applicant ? f->applicant->name : "");
    paten_document_add_field(d, _("Meeting date"), date);
    paten_document_add_field(d, _("Participants"), participants);
    paten_document_add_heading(d, _("Minutes"));
    paten_document_add_paragraph(d, or_empty(m->minutes));
    paten_document_add_heading(d, _("Decision"));
    paten_document_add_paragraph(d, or_empty(m->decision));
    add_issuer_signature(d, f->office_name, doc, _("Secretariat"), m->filed_by_name, ctx);
    return d;
}

/* ---- the rejection letter and the decree -------------------------------------------------- */

PatenDocument *paten_rejection_letter_new(const Paten__File *f, const Paten__Service *svc,
                                          const Paten__Document *doc, const PatenPrintContext *ctx)
{
    PatenDocument *d =
        new_document("REJECTION_LETTER", "", _("NOTICE OF REJECTION"), f->office_name, doc, ctx);
    g_autofree char *applied = paten_format_time(f->received_at_ms, ctx->time_zone, FALSE);
    g_autofree char *position = camat_position(f->office_name);

    paten_document_add_paragraph(d, _("With reference to the application below, we inform you "
                                      "that it cannot be granted, for the reason stated."));
    paten_document_add_field(d, _("Register number"), f->register_number);
    paten_document_add_field(d, _("Service"), service_name(f, svc));
    add_applicant(d, f->applicant, NULL);
    paten_document_add_field(d, _("Application date"), applied);
    paten_document_add_field(d, _("Reason for rejection"), or_empty(f->decision_reason));
    add_issuer_signature(d, f->office_name, doc, position, f->signed_by_name, ctx);
    return d;
}

PatenDocument *paten_decree_new(const Paten__File *f, const Paten__Service *svc,
                                const Paten__Document *doc, const PatenPrintContext *ctx)
{
    g_autofree char *place = paten_office_place(f->office_name);
    g_autofree char *place_up = g_utf8_strup(place, -1);
    g_autofree char *service_up = g_utf8_strup(service_name(f, svc), -1);
    /* TRANSLATORS: the decree's title; %s is the kecamatan in capitals, "TAMAN". */
    g_autofree char *title = g_strdup_printf(_("DECREE OF THE CAMAT OF %s"), place_up);
    /* TRANSLATORS: the decree's subject; %s is the service in capitals. */
    g_autofree char *subtitle = g_strdup_printf(_("ON %s"), service_up);
    PatenDocument *d = new_document("DECREE", f->sk_number, title, f->office_name, doc, ctx);
    g_autofree char *grant = NULL, *valid = NULL, *day = issued_day(doc, ctx);
    g_autofree char *position = camat_position(f->office_name);
    g_autofree char *above = NULL;
    const char *signed_as = doc ? or_empty(doc->signed_as) : or_empty(f->signed_as);
    const char *signer = doc && doc->signed_by_name && doc->signed_by_name[0]
                             ? doc->signed_by_name
                             : or_empty(f->signed_by_name);

    paten_document_set_subtitle(d, subtitle);
    if (svc != NULL && svc->legal_basis && svc->legal_basis[0]) {
        paten_document_add_heading(d, _("Having regard to"));
        paten_document_add_paragraph(d, svc->legal_basis);
    }
    paten_document_add_heading(d, _("DECIDES"));
    grant = g_strdup_printf(_("To grant %s to:"), service_name(f, svc));
    paten_document_add_paragraph(d, grant);
    add_applicant(d, f->applicant, NULL);
    paten_document_add_field(d, _("File register number"), f->register_number);
    valid = f->valid_until && f->valid_until[0] ? paten_date_display(f->valid_until)
                                                : g_strdup(_("No expiry"));
    paten_document_add_field(d, _("Valid until"), valid);
    add_amount(d, _("Fee paid"), doc);
    if (f->n_fields > 0) {
        paten_document_add_heading(d, _("Particulars"));
        add_form_items(d, f, svc);
    }
    paten_document_add_paragraph(d, _("This decree takes effect on the day it is set. Should it "
                                      "prove mistaken, it will be corrected as due."));
    /* TRANSLATORS: "Ditetapkan di Taman, pada tanggal 12 Mei 2026". */
    above =
        g_strdup_printf(_("Set at %s\non %s\n%s"), place, day, signed_as[0] ? signed_as : position);
    paten_document_add_signature(d, above, signer);
    return d;
}

/* ---- the assessment (SKRD / SKPD) --------------------------------------------------------- */

/* "Temanggung" for "Kabupaten Temanggung" (where a regency's agency signs). Caller frees. */
static char *region_place(const char *region_name)
{
    static const char *const prefixes[] = { "Kabupaten ", "Kota " };

    for (guint i = 0; region_name != NULL && i < G_N_ELEMENTS(prefixes); i++)
        if (g_str_has_prefix(region_name, prefixes[i]) && region_name[strlen(prefixes[i])])
            return g_strdup(region_name + strlen(prefixes[i]));
    return g_strdup(or_empty(region_name));
}

/* One input of the trace as the document prints it: "Label: 72 (formulir)", with the table's key
 * or the correction's reason and the value it replaced. Caller frees. */
static char *input_item(const Paten__AssessmentInput *in)
{
    g_autofree char *value = paten_decimal_display(in->value);
    GString *s = g_string_new(NULL);

    g_string_append_printf(s, "%s: %s", in->label, value);
    if (in->source[0] != '\0' || in->note[0] != '\0') {
        g_string_append(s, " (");
        g_string_append(s, in->source);
        if (in->note[0] != '\0')
            g_string_append_printf(s, "%s%s", in->source[0] ? "; " : "", in->note);
        if (in->original[0] != '\0') {
            g_autofree char *was = paten_decimal_display(in->original);
            /* TRANSLATORS: a corrected input of an assessment: the value before the correction. */
            g_string_append_printf(s, _("; was %s"), was);
        }
        g_string_append_c(s, ')');
    }
    return g_string_free(s, FALSE);
}

PatenDocument *paten_assessment_document_new(const Paten__Assessment *a,
                                             const PatenPrintContext *ctx)
{
    gboolean tax = a->kind == PATEN__ASSESSMENT_KIND__ASSESSMENT_KIND_SKPD;
    PatenDocument *d = paten_document_new(tax ? "SKPD" : "SKRD", a->number,
                                          tax ? _("REGIONAL TAX ASSESSMENT (SKPD)")
                                              : _("REGIONAL LEVY ASSESSMENT (SKRD)"));
    g_autofree char *amount = paten_format_rupiah(a->principal);
    g_autofree char *due = paten_date_display(a->due_date);
    g_autofree char *issued = NULL, *tariff = NULL, *exact = NULL, *above = NULL;
    g_autofree char *place = region_place(ctx->region_name);

    paten_document_set_letterhead(d, a->office_name, ctx->region_name);
    set_footer(d, ctx);
    paten_document_set_verification(d, a->verification);
    if (a->issued_date[0] != '\0')
        issued = paten_date_display(a->issued_date);
    else if (a->issued_at_ms != 0)
        issued = paten_format_time(a->issued_at_ms, ctx->time_zone, FALSE);
    else
        issued = g_strdup("-");

    paten_document_add_field(d, _("Applicant"), a->applicant_name);
    if (tax && a->taxpayer != NULL) {
        g_autofree char *tp =
            g_strdup_printf("%s — %s%s%s", a->taxpayer->npwpd, a->taxpayer->name,
                            a->taxpayer->address[0] ? ", " : "", a->taxpayer->address);
        paten_document_add_field(d, _("Taxpayer (NPWPD)"), tp);
    }
    if (tax && a->sptpd_number[0] != '\0') {
        g_autofree char *day = paten_date_display(a->sptpd_date);
        g_autofree char *sptpd = g_strdup_printf(_("%s of %s"), a->sptpd_number, day);
        paten_document_add_field(d, _("Tax return (SPTPD)"), sptpd);
    }
    paten_document_add_field(d, _("File register number"), a->file_register_number);
    paten_document_add_field(d, _("Kecamatan"), a->kecamatan_name);
    paten_document_add_field(d, _("Service"), a->service_name);
    paten_document_add_field(d, _("Issued on"), issued);
    paten_document_add_field(d, tax ? _("Tax due") : _("Levy due"), amount);
    paten_document_add_field(d, _("Due date"), due);
    if (a->replaces_number[0] != '\0')
        paten_document_add_field(d, _("Replaces"), a->replaces_number);

    tariff = g_strdup_printf(_("%s, version %d"), a->tariff_name, a->tariff_version);
    paten_document_add_heading(d, _("Calculation"));
    paten_document_add_paragraph(d, tariff);
    for (size_t i = 0; i < a->n_inputs; i++) {
        g_autofree char *item = input_item(a->inputs[i]);
        paten_document_add_item(d, item);
    }
    for (size_t i = 0; i < a->n_steps; i++) {
        g_autofree char *value = paten_decimal_display(a->steps[i]->value);
        g_autofree char *item = g_strdup_printf("%s = %s", a->steps[i]->what, value);
        paten_document_add_item(d, item);
    }
    {
        g_autofree char *exact_value = paten_decimal_display(a->exact_amount);
        exact = g_strdup_printf(_("Exact amount %s; %s; amount due %s."), exact_value,
                                or_empty(a->rounding), amount);
        paten_document_add_paragraph(d, exact);
    }
    if (a->legal_basis[0] != '\0') {
        paten_document_add_heading(d, _("Legal basis"));
        paten_document_add_paragraph(d, a->legal_basis);
    }
    {
        g_autofree char *terms = NULL;

        if (a->interest_regime[0] != '\0')
            terms = g_strdup_printf(_("Pay by %s at the PATEN cashier. Paid late, an "
                                      "administrative sanction (late interest) is added: %s."),
                                    due, a->interest_regime);
        else
            terms = g_strdup_printf(_("Pay by %s at the PATEN cashier. Paid late, an "
                                      "administrative sanction (late interest) is added."),
                                    due);
        paten_document_add_paragraph(d, terms);
    }
    /* TRANSLATORS: the signature of an SKRD / SKPD: "Temanggung, 12 Mei 2026", then the office. */
    above = g_strdup_printf(_("%s, %s\nAssessing officer\n%s"), place, issued, a->office_name);
    paten_document_add_signature(d, above, a->issued_by_name);
    return d;
}

PatenDocument *paten_file_document_new(const Paten__File *f, const Paten__Service *svc,
                                       const Paten__Document *doc, const PatenPrintContext *ctx)
{
    switch (doc->kind) {
    case PATEN__DOCUMENT_KIND__DOCUMENT_KIND_RECEIPT:
        return paten_receipt_new(f, svc, doc, ctx);
    case PATEN__DOCUMENT_KIND__DOCUMENT_KIND_RETURN_SLIP: {
        g_autofree const char **texts = g_new0(const char *, f->n_returned_missing + 1);

        for (size_t i = 0; i < f->n_returned_missing; i++)
            texts[i] = requirement_text(svc, f->returned_missing[i]);
        return return_slip(service_name(f, svc), f->office_name, f->applicant, f->representative,
                           texts, f->n_returned_missing, doc, ctx);
    }
    case PATEN__DOCUMENT_KIND__DOCUMENT_KIND_SURVEY_REPORT:
        return paten_survey_report_new(f, svc, doc, ctx);
    case PATEN__DOCUMENT_KIND__DOCUMENT_KIND_MEETING_MINUTES:
        return paten_meeting_minutes_new(f, doc, ctx);
    case PATEN__DOCUMENT_KIND__DOCUMENT_KIND_REJECTION_LETTER:
        return paten_rejection_letter_new(f, svc, doc, ctx);
    case PATEN__DOCUMENT_KIND__DOCUMENT_KIND_DECREE:
        return paten_decree_new(f, svc, doc, ctx);
    default:
        return NULL;
    }
}

/* ---- the cashier's documents -------------------------------------------------------------- */

const char *paten_payment_method_name(Paten__PaymentMethod method)
{
    switch (method) {
    case PATEN__PAYMENT_METHOD__PAYMENT_METHOD_CASH:
        return _("Cash");
    case PATEN__PAYMENT_METHOD__PAYMENT_METHOD_TRANSFER:
        return _("Bank transfer");
    case PATEN__PAYMENT_METHOD__PAYMENT_METHOD_QRIS:
        return "QRIS";
    default:
        return "-";
    }
}

PatenDocument *paten_payment_receipt_new(const Paten__Payment *p, const char *office_name,
                                         const PatenPrintContext *ctx)
{
    gboolean tax = p->assessment_kind == PATEN__ASSESSMENT_KIND__ASSESSMENT_KIND_SKPD;
    PatenDocument *d = paten_document_new(tax ? "SSPD" : "SSRD", p->receipt_number,
                                          tax ? _("REGIONAL TAX PAYMENT SLIP (SSPD)")
                                              : _("REGIONAL LEVY PAYMENT SLIP (SSRD)"));
    g_autofree char *principal = paten_format_rupiah(p->principal);
    g_autofree char *interest = paten_format_rupiah(p->interest);
    g_autofree char *amount = paten_format_rupiah(p->amount);
    g_autofree char *received = paten_format_time(p->received_at_ms, ctx->time_zone, TRUE);
    g_autofree char *day = paten_date_display(p->received_date);
    g_autofree char *place = region_place(ctx->region_name);
    g_autofree char *above = NULL, *method = NULL;

    paten_document_set_letterhead(d, office_name, ctx->region_name);
    set_footer(d, ctx);
    paten_document_set_verification(d, p->verification);
    paten_document_add_field(d, _("Applicant"), p->applicant_name);
    paten_document_add_field(d, _("File register number"), p->file_register_number);
    paten_document_add_field(d, tax ? _("Tax assessment (SKPD)") : _("Levy assessment (SKRD)"),
                             p->assessment_number);
    if (p->bill_number[0] != '\0')
        paten_document_add_field(d, _("Bill (interest)"), p->bill_number);
    paten_document_add_field(d, _("Principal"), principal);
    paten_document_add_field(d, _("Late interest"), interest);
    paten_document_add_field(d, _("Amount paid"), amount);
    if (p->reference[0] != '\0')
        method = g_strdup_printf("%s (%s)", paten_payment_method_name(p->method), p->reference);
    else
        method = g_strdup(paten_payment_method_name(p->method));
    paten_document_add_field(d, _("Paid by"), method);
    paten_document_add_field(d, _("Received on"), received);
    paten_document_add_field(d, _("Owed to (treasurer)"), p->treasurer_office_name);
    if (p->reversed) {
        g_autofree char *why = g_strdup_printf(_("Reversed: %s"), p->reversal_reason);
        paten_document_add_paragraph(d, why);
    }
    /* TRANSLATORS: the signature of a payment slip: "Temanggung, 12 Mei 2026", then "Cashier". */
    above = g_strdup_printf(_("%s, %s\nCashier"), place, day);
    paten_document_add_signature(d, above, p->cashier_name);
    return d;
}

PatenDocument *paten_deposit_slip_new(const Paten__Deposit *dep, const PatenPrintContext *ctx)
{
    PatenDocument *d = paten_document_new("STS", dep->number, _("DEPOSIT SLIP (STS)"));
    g_autofree char *total = paten_format_rupiah(dep->total);
    g_autofree char *created = paten_format_time(dep->created_at_ms, ctx->time_zone, TRUE);
    g_autofree char *place = region_place(ctx->region_name);
    g_autofree char *day = paten_format_time(dep->created_at_ms, ctx->time_zone, FALSE);
    g_autofree char *above = NULL;

    paten_document_set_letterhead(d, dep->office_name, ctx->region_name);
    set_footer(d, ctx);
    paten_document_set_verification(d, dep->verification);
    paten_document_add_field(d, _("Deposited to (treasurer)"), dep->treasurer_office_name);
    paten_document_add_field(d, _("Cashier"), dep->cashier_name);
    paten_document_add_field(d, _("Made on"), created);
    paten_document_add_field(d, _("Total"), total);
    if (dep->bank_reference[0] != '\0') {
        g_autofree char *at = paten_format_time(dep->validated_at_ms, ctx->time_zone, TRUE);
        g_autofree char *v = g_strdup_printf(_("%s on %s"), dep->bank_reference, at);
        paten_document_add_field(d, _("Bank validation"), v);
    }
    paten_document_add_heading(d, _("Payments"));
    for (size_t i = 0; i < dep->n_payments; i++) {
        const Paten__Payment *p = dep->payments[i];
        g_autofree char *amount = paten_format_rupiah(p->amount);
        g_autofree char *item = g_strdup_printf("%s · %s · %s · %s", p->receipt_number,
                                                p->file_register_number, p->applicant_name, amount);
        paten_document_add_item(d, item);
    }
    above = g_strdup_printf(_("%s, %s\nCashier"), place, day);
    paten_document_add_signature(d, above, dep->cashier_name);
    return d;
}

PatenDocument *paten_cash_close_sheet_new(const Paten__CashClose *c,
                                          const Paten__ReconcileReply *figures,
                                          const char *office_name, const PatenPrintContext *ctx)
{
    g_autofree char *number = g_strdup_printf("%s-%" G_GINT64_FORMAT, c->day, c->cashier_id);
    PatenDocument *d = paten_document_new("TUTUP-KAS", number, _("DAILY CASH CLOSE"));
    g_autofree char *day = paten_date_display(c->day);
    g_autofree char *collected = paten_format_rupiah(c->collected);
    g_autofree char *cash = paten_format_rupiah(c->cash_collected);
    g_autofree char *expected = paten_format_rupiah(c->expected);
    g_autofree char *counted = paten_format_rupiah(c->counted);
    g_autofree char *difference = paten_format_rupiah(c->difference);
    g_autofree char *closed = paten_format_time(c->closed_at_ms, ctx->time_zone, TRUE);
    g_autofree char *place = region_place(ctx->region_name);
    g_autofree char *above = NULL;

    paten_document_set_letterhead(d, office_name, ctx->region_name);
    set_footer(d, ctx);
    paten_document_add_field(d, _("Cashier"), c->cashier_name);
    paten_document_add_field(d, _("Day"), day);
    paten_document_add_field(d, _("Collected (every method)"), collected);
    paten_document_add_field(d, _("Collected in cash"), cash);
    paten_document_add_field(d, _("Cash on hand by the records"), expected);
    paten_document_add_field(d, _("Cash counted"), counted);
    paten_document_add_field(d, _("Difference"), difference);
    if (c->reason[0] != '\0')
        paten_document_add_field(d, _("Reason for the difference"), c->reason);
    paten_document_add_field(d, _("Closed at"), closed);
    if (figures != NULL && figures->n_lines > 0) {
        paten_document_add_heading(d, _("By treasurer"));
        for (size_t i = 0; i < figures->n_lines; i++) {
            const Paten__ReconcileLine *l = figures->lines[i];
            g_autofree char *got = paten_format_rupiah(l->collected);
            g_autofree char *confirmed = paten_format_rupiah(l->confirmed);
            g_autofree char *unconfirmed = paten_format_rupiah(l->deposited_unconfirmed);
            g_autofree char *on_hand = paten_format_rupiah(l->on_hand);
            g_autofree char *item =
                g_strdup_printf(_("%s: collected %s = confirmed %s + deposited, unconfirmed %s "
                                  "+ on hand %s"),
                                l->treasurer_office_name, got, confirmed, unconfirmed, on_hand);
            paten_document_add_item(d, item);
        }
    }
    above = g_strdup_printf(_("%s, %s\nCashier"), place, day);
    paten_document_add_signature(d, above, c->cashier_name);
    return d;
}
