/*
 * pd_assess.h: assessments (SKRD / SKPD), their calculation from a tariff version and a file,
 * late interest and its bills (STRD / STPD), and the tariff, regime and taxpayer data they rest
 * on (../shared/domain.md, "Money rules"; docs/protocol.md, "Assessments").
 *
 * pd_assess_calc.c calculates (no I/O); pd_assess_rows.c turns the database's JSON rows into
 * messages; pd_assess.c and pd_tariffs.c hold the handlers.
 */
#ifndef PD_ASSESS_H
#define PD_ASSESS_H

#include "paten_tariff.h"
#include "pd_dispatch.h"
#include "pd_files.h"

#include <json-glib/json-glib.h>
#include <stdbool.h>
#include <stdint.h>

/* One input as the trace records it. */
struct pd_calc_input {
    char label[160];
    char field[64];
    char value[48];    /* the exact decimal used */
    char source[16];   /* tarif, formulir, survei, tabel, koreksi */
    char note[240];    /* the table's key, or the correction's reason */
    char original[48]; /* corrected: the value before */
};

struct pd_calc {
    int formula; /* Paten__TariffFormula, = paten_tariff_kind */
    struct pd_calc_input in[PATEN_TARIFF_MAX_INPUTS];
    int n_in;
    paten_tariff_result res;
    char exact[64];
    char rounding[96];
};

/* A correction of one input by the officer (from AssessmentCorrection). */
struct pd_calc_fix {
    const char *field;
    const char *value;
    const char *reason;
};

/*
 * Calculates a tariff version (formula and rounding as the database names them, inputs as its
 * JSON) over a file's form fields and survey measurements ([{"name", "value"}] JSON; a measured
 * value wins over the form's) and the officer's fixes (each must name a field the tariff reads;
 * a fix of a TABLE input gives the key, of any other the decimal). Returns 0, or an error code
 * (PATEN_ERR_INVALID_ARGUMENT for a bad fix, PATEN_ERR_FAILED_PRECONDITION for a value the file
 * lacks or a tariff that cannot be computed) with an Indonesian message in msg and the
 * offending field ("corrections" or "") in field.
 */
int pd_assess_calculate(const char *formula_db, const char *inputs_json, const char *rounding_db,
                        int64_t rounding_unit, const char *fields_json, const char *survey_json,
                        const struct pd_calc_fix *fixes, size_t n_fixes, struct pd_calc *out,
                        char *msg, size_t msg_cap);

/* The trace the assessment stores: {"inputs": [...], "steps": [...], "exact", "rounding"}
 * (g_free). */
char *pd_assess_trace_json(const struct pd_calc *c);

/* Fills a with c's inputs and steps (strings kept by m). */
void pd_assess_calc_to_msg(const struct pd_calc *c, Paten__Assessment *a, struct pd_msg_buf *m);

/* The late interest on a's principal if paid on as_of under regime r (its due date is a's):
 * the months charged and the amount. Returns 0, or -1 on overflow. */
int pd_assess_interest(const Paten__Assessment *a, const Paten__InterestRegime *r, paten_day as_of,
                       int *months, int64_t *interest);

/* v as "Rp 1.458.000" (a minus sign before "Rp" when negative) into out. */
void pd_format_rupiah(int64_t v, char *out, size_t cap);

/* Names of enums in the database. */
const char *pd_formula_db(int formula);
int pd_formula_from_db(const char *name);
const char *pd_rounding_db(int mode);
int pd_rounding_from_db(const char *name);

/* Fills a from one assessment_view row as JSON (row_to_json); with_trace adds inputs and steps
 * from its trace. Strings are kept by m. */
void pd_assessment_from_json(Paten__Assessment *a, struct pd_msg_buf *m, JsonObject *o,
                             bool with_trace);
/* Parses text (one row_to_json of assessment_view) into a new Assessment kept by m; NULL for "". */
Paten__Assessment *pd_assessment_parse(struct pd_msg_buf *m, const char *text, bool with_trace);

/* Tariffs, regimes and taxpayers from their row_to_json text (kept by m). */
Paten__Tariff *pd_tariff_parse(struct pd_msg_buf *m, const char *text);
/* A tariff's inputs as the tariffs table keeps them (JSON text; g_free it). */
char *pd_tariff_inputs_json(const Paten__Tariff *t);
Paten__InterestRegime *pd_regime_parse(struct pd_msg_buf *m, const char *text);
Paten__Taxpayer *pd_taxpayer_parse(struct pd_msg_buf *m, const char *text);

/* Adds the AssessmentChanged event of a (its trace left out) to b: to the assessing office's
 * officers and to the staff and cashier of the file's kecamatan (kecamatan_id). */
void pd_assess_add_event(struct pd_db_batch *b, const struct pd_request *req, Paten__Assessment *a,
                         int64_t kecamatan_id, const char *change);

/* Handlers. */
void pd_handle_list_tariffs(struct pd_request *req, const ProtobufCMessage *msg);
void pd_handle_save_tariff(struct pd_request *req, const ProtobufCMessage *msg);
void pd_handle_list_interest_regimes(struct pd_request *req, const ProtobufCMessage *msg);
void pd_handle_save_interest_regime(struct pd_request *req, const ProtobufCMessage *msg);
void pd_handle_register_taxpayer(struct pd_request *req, const ProtobufCMessage *msg);
void pd_handle_find_taxpayer(struct pd_request *req, const ProtobufCMessage *msg);
void pd_handle_assessment_queue(struct pd_request *req, const ProtobufCMessage *msg);
void pd_handle_preview_assessment(struct pd_request *req, const ProtobufCMessage *msg);
void pd_handle_issue_assessment(struct pd_request *req, const ProtobufCMessage *msg);
void pd_handle_cancel_assessment(struct pd_request *req, const ProtobufCMessage *msg);
void pd_handle_get_assessment(struct pd_request *req, const ProtobufCMessage *msg);
void pd_handle_search_assessments(struct pd_request *req, const ProtobufCMessage *msg);
void pd_handle_amount_due(struct pd_request *req, const ProtobufCMessage *msg);
void pd_handle_issue_bill(struct pd_request *req, const ProtobufCMessage *msg);
void pd_handle_find_owed(struct pd_request *req, const ProtobufCMessage *msg);
void pd_handle_record_payment(struct pd_request *req, const ProtobufCMessage *msg);
void pd_handle_reverse_payment(struct pd_request *req, const ProtobufCMessage *msg);
void pd_handle_list_payments(struct pd_request *req, const ProtobufCMessage *msg);

#endif
