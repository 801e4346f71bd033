/*
 * pd_people.h: reading users, offices and delegations out of query results into protobuf
 * messages (shared by sessions, people and delegation handlers).
 *
 * Strings in the filled messages point into the PGresult: build and send the reply before the
 * result is freed (that is, inside the database callback).
 */
#ifndef PD_PEOPLE_H
#define PD_PEOPLE_H

#include "paten.pb-c.h"
#include "pd_sql.h"

#include <libpq-fe.h>

struct pd_acting;

/* A User with the storage its sub-messages need. */
struct pd_user_buf {
    Paten__User user;
    Paten__Office office;
    Paten__Role roles[PATEN__ROLE__ROLE_ADMIN + 1];
};

/* Fills b from the PD_SQL_USER_NCOLS user columns of res starting at col0. */
void pd_user_from_row(const PGresult *res, int row, int col0, struct pd_user_buf *b);

/* The columns of a user row the caller needs besides the User message. */
#define PD_USER_COL_REGION_ID   14
#define PD_USER_COL_REGION_CODE 15
#define PD_USER_COL_REGION_NAME 16
#define PD_USER_COL_TIME_ZONE   17

/* Fills d from the PD_SQL_DELEGATION_NCOLS delegation columns of res starting at col0. */
void pd_delegation_from_row(const PGresult *res, int row, int col0, Paten__Delegation *d);

/* The delegations in res (PD_SQL_DELEGATION_COLUMNS from column 0) as a session's acting list:
 * a new array (free it) and its length in *n. */
struct pd_acting *pd_acting_from_rows(const PGresult *res, int *n);

/* DELEGATION_KIND_PLH <-> "PLH". */
const char *pd_delegation_kind_name(int kind);

#endif
