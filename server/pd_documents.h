/*
 * pd_documents.h: issued documents: their gapless register numbers, their signed verification
 * payloads (common/paten_docsig.h), and the handlers that read them back (VerifyDocument,
 * GetSigningKeys, ListRegister).
 *
 * Issuing takes two steps inside the change's transaction, because the signature covers the
 * number and only the database knows the next number: pd_doc_add_take adds the number's and the
 * region key's statements to a batch; once they ran, pd_doc_sign signs and pd_doc_add_insert adds
 * the document's row. A transaction that takes a number and does not insert its document cannot
 * commit (the registers_used trigger), so a number is never lost.
 */
#ifndef PD_DOCUMENTS_H
#define PD_DOCUMENTS_H

#include "paten_docsig.h"
#include "pd_db.h"
#include "pd_dispatch.h"

#include <stdbool.h>
#include <stdint.h>

struct pd_doc {
    /* Set by the caller before pd_doc_add_take. */
    int kind;        /* Paten__DocumentKind */
    char series[48]; /* "" except a DECREE's service code */
    int year;        /* the register's year: the local year of issue */
    int64_t office_id;
    int64_t region_id;
    char region_code[41];
    int64_t issued_at_ms;
    char issued_date[11]; /* local */
    int64_t amount;
    char subject[201];
    char file_number[96]; /* the file's register number, "" when none (a return slip) */
    char signed_as[160];
    /* Set by pd_doc_sign. */
    int seq;
    char number[96];
    char key_id[9];
    char verification[PATEN_DOCSIG_MAX];
};

/* The database name of a document kind ("DECREE"), or NULL. */
const char *pd_doc_kind_db(int kind);
int pd_doc_kind_from_db(const char *name);

/* Fills issued_at_ms, issued_date and year (local, in tz_offset_min) from now_ms. */
void pd_doc_set_time(struct pd_doc *d, int64_t now_ms, int tz_offset_min);

/* Adds TAKE_NUMBER and SIGNING_KEY to b (two statements, in that order). */
void pd_doc_add_take(struct pd_db_batch *b, const struct pd_doc *d);

/* Reads the two results of pd_doc_add_take and signs. Returns 0, or -1 with an English reason
 * in err (the region has no key: an operator problem). */
int pd_doc_sign(struct pd_doc *d, const PGresult *take, const PGresult *key, char *err, size_t cap);

/* Adds the document's row (after the file's row, when it belongs to a file). */
void pd_doc_add_insert(struct pd_db_batch *b, const struct pd_doc *d, int64_t user_id);

/* Start-up (blocking, before the loop serves anyone): gives every region without an active
 * signing key a new Ed25519 key. Returns 0, or -1 after logging why. */
int pd_documents_ensure_keys(const char *owner_conninfo);

/* Handlers. */
void pd_handle_verify_document(struct pd_request *req, const ProtobufCMessage *msg);
void pd_handle_get_signing_keys(struct pd_request *req, const ProtobufCMessage *msg);
void pd_handle_list_register(struct pd_request *req, const ProtobufCMessage *msg);

#endif
