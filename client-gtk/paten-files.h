/*
 * paten-files.h: what the desk knows about files, their forms and their dispositions, apart
 * from any widget: names for people (file states, document kinds, timeline steps, catalog
 * settings), when a requirement applies, the canonical form of the values a service's form
 * holds (decimals, dates), and which actions a file offers to the session's roles.
 *
 * Like paten-roles, this only narrows what the desk offers: patend checks every rule again and
 * its answer is the one shown.
 */
#ifndef PATEN_FILES_H
#define PATEN_FILES_H

#include "paten.pb-c.h"

#include <glib.h>

G_BEGIN_DECLS

/* Names for people, in the UI's language; "?" for unknown values. Static strings. */
const char *paten_file_state_name(Paten__FileState state);
const char *paten_document_kind_name(Paten__DocumentKind kind);
const char *paten_service_kind_name(Paten__ServiceKind kind);
const char *paten_survey_policy_name(Paten__SurveyPolicy policy);
const char *paten_authority_name(Paten__IssuingAuthority authority);
const char *paten_fee_kind_name(Paten__FeeKind fee);
const char *paten_validity_unit_name(Paten__ValidityUnit unit);
/* "SKRD" / "SKPD" (the same in every language). */
const char *paten_assessment_kind_name(Paten__AssessmentKind kind);
const char *paten_assessment_status_name(Paten__AssessmentStatus status);

/* A timeline step ("TAKEN_IN", FileHistoryEntry.action) for people; an action this version does
 * not know is shown as it came. Static string or action itself. */
const char *paten_history_action_name(const char *action);

/* The value of the field called name among n values, or NULL. */
const char *paten_field_values_lookup(Paten__FieldValue *const *values, size_t n, const char *name);

/* The spec of the field called name among n specs, or NULL. */
const Paten__FieldSpec *paten_field_spec_lookup(Paten__FieldSpec *const *specs, size_t n,
                                                const char *name);

/* The requirement whose code is code among n, or NULL. */
const Paten__Requirement *paten_requirement_lookup(Paten__Requirement *const *reqs, size_t n,
                                                   const char *code);

/* Looks up the form's current value of a field (canonical form, NULL when it has none). */
typedef const char *(*PatenFieldLookup)(const char *name, gpointer data);

/*
 * Whether requirement r applies to a submission: its `when` is "" (always), "represented" (when
 * someone hands the file in for the applicant), or "field=value" (when the form's field holds
 * exactly that canonical value: a CHOICE's value, "true"/"false" for YES_NO). A field without a
 * value makes a "field=value" requirement not apply; an unknown form of `when` applies (the
 * counter asks for too much rather than too little; the server decides).
 */
gboolean paten_requirement_applies(const Paten__Requirement *r, PatenFieldLookup lookup,
                                   gpointer data, gboolean represented);

/*
 * The canonical decimal ("1500", "72.5", "-3") of what someone typed at the counter, or NULL
 * when it is not a number. Indonesian writing is accepted: a comma is the decimal separator and
 * dots group thousands ("1.500.000", "72,5", "1.250,75"); a single dot followed by other than
 * three digits is read as a decimal point ("72.5"). Spaces are ignored, leading zeros and
 * trailing fractional zeros dropped. Caller frees.
 */
char *paten_decimal_parse(const char *text);

/* Compares two canonical decimals exactly (no floating point): <0, 0, >0. */
int paten_decimal_compare(const char *a, const char *b);

/* A canonical decimal written the Indonesian way: "1.500", "72,5"; text that is not one
 * ("HUNIAN") as it is. Caller frees. */
char *paten_decimal_display(const char *canonical);

/*
 * The canonical date "YYYY-MM-DD" of what someone typed: "2026-05-12", or the Indonesian
 * day-first "12-05-2026", "12/05/2026", "12.05.2026"; NULL when it is not a real day. Caller
 * frees.
 */
char *paten_date_parse(const char *text);

/* "12 Mei 2026" for "2026-05-12"; the text itself when it is not a canonical date. Caller
 * frees. */
char *paten_date_display(const char *iso);

/* A form value for people: YES_NO "Ya"/"Tidak", NUMBER "72,5 m2", DATE "12 Mei 2026", others
 * as they are; "-" for none. spec may be NULL (then the value as it is). Caller frees. */
char *paten_field_value_display(const Paten__FieldSpec *spec, const char *value);

/* The applicant's numbers for people: "NIK 3327…", "NIB 1234…", "NPWP …", joined with ", ".
 * Caller frees. */
char *paten_applicant_numbers(const Paten__Applicant *a);

/* The place a kecamatan signs at: "Taman" for "Kecamatan Taman" (the name as it is otherwise).
 * Caller frees. */
char *paten_office_place(const char *office_name);

/* The actions a file may offer (a bit each). */
typedef enum {
    PATEN_FILE_ACTION_RETURN = 1 << 0,
    PATEN_FILE_ACTION_RESUME = 1 << 1,
    PATEN_FILE_ACTION_WITHDRAW = 1 << 2,
    PATEN_FILE_ACTION_SET_SURVEY = 1 << 3,
    PATEN_FILE_ACTION_SUBMIT_SURVEY = 1 << 4,
    PATEN_FILE_ACTION_RECORD_MEETING = 1 << 5,
    PATEN_FILE_ACTION_RECOMMEND = 1 << 6,
    PATEN_FILE_ACTION_DECIDE = 1 << 7,
    PATEN_FILE_ACTION_FORWARD = 1 << 8,
    PATEN_FILE_ACTION_AGENCY_OUTCOME = 1 << 9,
    PATEN_FILE_ACTION_SIGN = 1 << 10,
    PATEN_FILE_ACTION_HAND_OVER = 1 << 11,
    PATEN_FILE_ACTION_DISPOSE = 1 << 12,
} PatenFileAction;

/*
 * The actions f offers someone holding the n roles (the session's effective roles): those the
 * role may take (docs/protocol.md) from the state the file is in, given its service's kind,
 * survey policy, authority and fee. The server checks them again.
 */
guint paten_file_actions(const Paten__File *f, const Paten__Role *roles, size_t n);

/* TRUE when the state is final (nothing more happens to the file). */
gboolean paten_file_state_is_final(Paten__FileState state);

/* How a deadline stands, for its badge. */
typedef enum {
    PATEN_DUE_NONE,    /* no deadline, or done */
    PATEN_DUE_LATER,   /* after today */
    PATEN_DUE_TODAY,   /* later today */
    PATEN_DUE_OVERDUE, /* passed */
} PatenDueState;

/*
 * The badge of a deadline at due_ms seen at now_ms, days counted in time zone tz ("Asia/Jakarta";
 * NULL: local): "Terlambat 2 hari", "Hari ini 16.00", "Besok 16.00", "12 Mei 16.00"; *state says
 * which (for its style). overdue is the server's word and wins over the clock. done (completed)
 * gives "Selesai" and PATEN_DUE_NONE; due_ms 0 gives "" and NONE. Caller frees.
 */
char *paten_due_text(gint64 due_ms, gint64 now_ms, gboolean overdue, gboolean done, const char *tz,
                     PatenDueState *state);

/* Orders dispositions for the inbox: open before completed, overdue first, then by due time,
 * then the newest. A GCompareFunc over const Paten__Disposition pointers. */
int paten_disposition_compare(const Paten__Disposition *a, const Paten__Disposition *b);

/* "Camat" / "Tim teknis" for a disposition's addressee: the person's name, or the role's name
 * when addressed to a role and not yet claimed. Static or owned by d. */
const char *paten_disposition_addressee(const Paten__Disposition *d);

G_END_DECLS

#endif
