/*
 * pd_catalog.h: services of the catalog as protobuf messages, for the catalog's own handlers and
 * for intake (which takes a file in under a service version).
 */
#ifndef PD_CATALOG_H
#define PD_CATALOG_H

#include "paten.pb-c.h"

#include <glib.h>
#include <libpq-fe.h>

/* A Service with the memory behind its strings and lists. */
struct pd_service_buf {
    Paten__Service service;
    GPtrArray *keep;    /* g_free'd */
    GPtrArray *parsers; /* JsonParser: the strings read from JSON live in them */
};

/* Reads the PD_SQL_SERVICE_NCOLS service columns of res at col0. Strings of plain columns point
 * into res: use the result before res is freed. Free with pd_service_buf_free. */
struct pd_service_buf *pd_service_from_row(const PGresult *res, int row, int col0);
void pd_service_buf_free(struct pd_service_buf *b);

#endif
