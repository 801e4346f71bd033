/*
 * pd_files.h: files as the protocol shows them, and the one path every change of a file takes.
 *
 * A change (return, survey, decision, signature, ...) is a pd_file_op run by pd_file_op_start:
 *
 *   1. claim the idempotency key and lock the file's row (one round trip);
 *   2. check, in this order, that the file is the caller's region's (else NOT_FOUND), the
 *      caller's office's (PERMISSION_DENIED), at the version the client saw (CONFLICT), and in a
 *      state the change starts from (FAILED_PRECONDITION), both with the current state and
 *      version in the error; then the change's own checks;
 *   3. when the change issues a document: take its number and sign it (one round trip);
 *   4. write the change, its history row, the document, the audit row, and read the file back
 *      (one round trip);
 *   5. commit with the FileChanged event and the stored reply (one round trip).
 *
 * The database's trigger checks the transition again (file_transitions), so a bug here cannot
 * move a file where its service kind does not allow.
 */
#ifndef PD_FILES_H
#define PD_FILES_H

#include "pd_db.h"
#include "pd_dispatch.h"
#include "paten_calendar.h"
#include "pd_documents.h"
#include "pd_sql.h"

#include <glib.h>
#include <json-glib/json-glib.h>
#include <stdbool.h>
#include <stdint.h>

/* The database name of a FileState ("RECEIVED"), or NULL; and back (0 when unknown). */
const char *pd_file_state_db(int state);
int pd_file_state_from_db(const char *name);
#define PD_STATE_BIT(s) (1u << (s))

/* Whether the deadline runs in this state (the kecamatan's turn), for `overdue`. */
bool pd_file_state_running(int state);

/* A message with the memory its strings and lists live in (freed with pd_msg_buf_free). */
struct pd_msg_buf {
    GPtrArray *keep;    /* g_free'd */
    GPtrArray *parsers; /* JsonParser: strings read from JSON live in them */
};
void pd_msg_buf_init(struct pd_msg_buf *m);
void pd_msg_buf_clear(struct pd_msg_buf *m);
void *pd_msg_keep(struct pd_msg_buf *m, void *p);
/* Parses JSON text kept alive by m; NULL for "" or bad JSON. */
JsonNode *pd_msg_parse(struct pd_msg_buf *m, const char *text);
/* n as an object (an array), or NULL when it is missing or not one: with json_object_get_member
 * this reads an optional member without json-glib's critical warning for a missing one. */
JsonObject *pd_json_object(JsonNode *n);
JsonArray *pd_json_array(JsonNode *n);
/* A member of a JSON object: its string ("" when missing or not a string), its integer (0), its
 * boolean (false). */
char *pd_json_str(JsonObject *o, const char *name);
int64_t pd_json_int(JsonObject *o, const char *name);
bool pd_json_bool(JsonObject *o, const char *name);

/* Fills f from the PD_SQL_FILE_NCOLS columns of res at col0. Strings point into res or into m. */
void pd_file_from_row(Paten__File *f, struct pd_msg_buf *m, const PGresult *res, int row, int col0,
                      int64_t now_ms);
void pd_file_summary_from_row(Paten__FileSummary *s, const PGresult *res, int row, int col0,
                              int64_t now_ms);
void pd_disposition_from_row(Paten__Disposition *d, const PGresult *res, int row, int col0,
                             int64_t now_ms);
void pd_applicant_from_row(Paten__Applicant *a, const PGresult *res, int row, int col0);
/* A FileSummary of a File (pointing into it). */
void pd_file_summary_of(Paten__FileSummary *s, const Paten__File *f);

/* Adds FILE_GET, FILE_HISTORY and FILE_DISPOSITIONS of a file to b: pd_file_reply_build reads
 * the three results. */
void pd_file_add_readback(struct pd_db_batch *b, int64_t file_id, int64_t region_id);
/* Builds the FileReply from res[0..2] (as pd_file_add_readback ordered them); returns false when
 * the file row is missing. Strings point into the results and into m. */
bool pd_file_reply_build(Paten__FileReply *reply, struct pd_msg_buf *m,
                         const PGresult *const res[3], int64_t now_ms);

/* Adds the FileChanged event of f (to the file's office and the region's region-wide roles). */
void pd_file_add_event(struct pd_db_batch *b, int64_t at_ms, int64_t region_id,
                       const Paten__File *f, const char *action);

/* The same, to office_id's holders of roles (the assessing office's officers). */
void pd_file_add_event_to(struct pd_db_batch *b, int64_t at_ms, int64_t region_id,
                          int64_t office_id, pd_roleset roles, const Paten__File *f,
                          const char *action);

/* "a.n. Camat <office>" when the caller acts in a delegated role, else "". */
void pd_acting_as(const struct pd_request *req, const char *office_name, char *out, size_t cap);

/* ---- the change of a file ----------------------------------------------------------------- */

struct pd_file_op;

struct pd_file_op_spec {
    const char *action;   /* the history's action, e.g. "RECOMMENDED" (check may change it) */
    const char *verb;     /* Indonesian, for errors: "direkomendasikan" */
    uint32_t from_states; /* PD_STATE_BIT of every state the change starts from */
    int to_state;         /* where it goes, 0 for no transition (check may change it) */
    int doc_kind;         /* a Paten__DocumentKind it issues, or 0 (check may change it) */
    bool needs_calendar;  /* the change needs the region's closed days (op->cal) */
    /* The change's own checks on the locked row; returns 0, or -1 after pd_file_op_refuse. */
    int (*check)(struct pd_file_op *op);
    /* Adds the change's statements, after the history row (the UPDATE of the file first). */
    void (*change)(struct pd_file_op *op, struct pd_db_batch *b);
    /* The office that assesses the file's fee makes the change (an SKRD / SKPD), not the
     * kecamatan: the office check, the document's register and the audit chain are its. */
    bool by_assessor;
    /* The change does not depend on the version the client saw (it sends none). */
    bool any_version;
    /* Optional: adds reads to the first round trip, after the lock; check finds their results
     * in op->reads from op->first_read on (valid during check only). */
    void (*add_reads)(struct pd_file_op *op, struct pd_db_batch *b);
    /* Optional: adds statements after the document's row (rows that refer to it). */
    void (*after_doc)(struct pd_file_op *op, struct pd_db_batch *b);
    /* Optional: after the change and the read-back (r: the last round trip's results, the
     * read-back last), adds further events to events and returns the reply to send instead of
     * the FileReply (kept by m), or NULL for the FileReply. */
    const ProtobufCMessage *(*finish)(struct pd_file_op *op, const struct pd_db_result *r,
                                      const Paten__FileReply *fr, struct pd_db_batch *events,
                                      struct pd_msg_buf *m);
    /* Optional: frees what op->data points to (op->data itself is then freed with free). */
    void (*free_data)(void *data);
};

struct pd_file_op {
    struct pd_request *req;
    const struct pd_file_op_spec *spec;
    struct pd_db_txn *t;
    int64_t file_id;
    int64_t version;          /* the version the client saw */
    char *lock[PD_FL__COUNT]; /* the locked row (enum pd_file_lock_col), copied */
    int state;                /* the state it is in */
    const char *action;       /* the history's action (from the spec, or set by check) */
    int to_state;             /* where it goes, 0: no transition (from the spec, or set by check) */
    int doc_kind;             /* the document to issue (from the spec, or set by check) */
    struct paten_calendar cal; /* with needs_calendar: the region's closed days, from the
                                * local day the file was received until 800 days after today */
    paten_day *closed;
    struct pd_doc doc;
    /* A second document the change issues (the STRD of a late payment), set by check: its kind
     * and the office whose register numbers it; 0 for none. */
    int doc2_kind;
    int64_t doc2_office_id;
    struct pd_doc doc2;
    char actor_as[160];
    char note[512];                   /* the history row's note */
    const struct pd_db_result *reads; /* during check: the first round trip (spec->add_reads) */
    int first_read;                   /* the index of the first of add_reads' results */
    void *data;                       /* the change's own state (freed with free) */
};

/* Runs spec on the request's file (see the banner). data is the change's own state, freed with
 * free() whatever happens. */
void pd_file_op_start(struct pd_request *req, const struct pd_file_op_spec *spec,
                      const char *idempotency_key, int64_t file_id, int64_t version, void *data);

/* For a check: refuses the change (rolls back, fails the request with the file's current state
 * and version in the error). */
void pd_file_op_refuse(struct pd_file_op *op, int code, const char *message, const char *field,
                       const char *detail);

/* Adds a history row for an extra step a change makes (ASSESSMENT_REQUESTED after APPROVED). */
void pd_file_op_add_history(struct pd_file_op *op, struct pd_db_batch *b, const char *action,
                            int from, int to, const char *note);

/* The locked row's values. */
const char *pd_file_op_col(const struct pd_file_op *op, enum pd_file_lock_col c);
int64_t pd_file_op_int(const struct pd_file_op *op, enum pd_file_lock_col c);
bool pd_file_op_bool(const struct pd_file_op *op, enum pd_file_lock_col c);
int pd_file_op_tz(const struct pd_file_op *op); /* the region's offset from UTC, minutes */

#endif
