/*
 * pd_sql.c: the statement table of pd_sql.h.
 */
#include "pd_sql.h"

#include <stddef.h>

static const struct pd_sql_info sql_table[PD_STMT__COUNT] = {
#define PD_SQL_ROW(name, nparams, sql) [PD_STMT_##name] = { "pd_" #name, nparams, sql },
    PD_SQL_STATEMENTS(PD_SQL_ROW)
#undef PD_SQL_ROW
};

const struct pd_sql_info *pd_sql_info(enum pd_stmt stmt)
{
    return (unsigned)stmt < PD_STMT__COUNT ? &sql_table[stmt] : NULL;
}
