/*
 * pd_audit.h: writing the audit log (one row per change, hash-chained per office by the database;
 * see migrations/0002_people.sql) and reading and verifying it.
 *
 * Audit rows are added to the same batch as the change they describe, so both commit together.
 */
#ifndef PD_AUDIT_H
#define PD_AUDIT_H

#include "pd_db.h"
#include "pd_dispatch.h"

#include <stdint.h>

/* Adds an audit row for a change by the request's user, chained in office_id. before and after
 * are JSON texts or NULL. */
void pd_audit_add(struct pd_db_batch *b, const struct pd_request *req, int64_t office_id,
                  const char *action, const char *entity, const char *entity_id,
                  const char *before_json, const char *after_json);

/* Adds an audit row for a change to a user (chained in the user's office; after = the user as
 * the database has it once the batch's earlier statements ran; extra_json is merged into it). */
void pd_audit_add_user(struct pd_db_batch *b, const struct pd_request *req, const char *action,
                       int64_t user_id, const char *before_json, const char *extra_json);

/* Adds an audit row for a change to a delegation of office_id. */
void pd_audit_add_delegation(struct pd_db_batch *b, const struct pd_request *req, int64_t office_id,
                             const char *action, int64_t delegation_id, const char *before_json);

#endif
