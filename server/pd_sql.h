/*
 * pd_sql.h: every SQL statement patend runs, by name. Each is prepared once per pool connection
 * (server-side name "pd_<name>"), so the text is parsed and planned once; the benchmark replays
 * the same table. Business times are always parameters: no statement calls now() for them.
 */
#ifndef PD_SQL_H
#define PD_SQL_H

/* X(name, parameter count, SQL text) */
#define PD_SQL_STATEMENTS(X)                                                                       \
    X(PING, 0, "SELECT 1")                                                                         \
    X(SERVER_VERSION, 0, "SELECT current_setting('server_version')")                               \
    X(SETTING_GET, 1, "SELECT value FROM settings WHERE key = $1")

enum pd_stmt {
#define PD_SQL_ENUM(name, nparams, sql) PD_STMT_##name,
    PD_SQL_STATEMENTS(PD_SQL_ENUM)
#undef PD_SQL_ENUM
        PD_STMT__COUNT
};

struct pd_sql_info {
    const char *name; /* server-side prepared statement name */
    int nparams;
    const char *sql;
};

const struct pd_sql_info *pd_sql_info(enum pd_stmt stmt);

#endif
