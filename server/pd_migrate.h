/*
 * pd_migrate.h: brings the database schema up to date at start-up.
 *
 * The migrations are the files migrations/NNNN_name.sql, embedded into patend with GResource
 * (prefix /org/paten/migrations). Each is applied once, in order, in its own transaction together
 * with its row in schema_migrations (version, name, SHA-256 checksum, applied_at). A database that
 * holds a migration this build does not have, or whose applied migration differs from the
 * embedded file, is refused: patend never runs against a schema it does not know.
 */
#ifndef PD_MIGRATE_H
#define PD_MIGRATE_H

#include <stddef.h>

/* The pg_advisory_lock key that serialises migration runners on one database ('PATENMIG'). */
#define PD_MIGRATE_LOCK_KEY 0x504154454E4D4947LL

/* One migration. The file name is "NNNN_what.sql" and version is NNNN. */
struct pd_migration {
    int version;
    const char *name;
    const char *sql;
    size_t sql_len;
};

/*
 * Blocking, at start-up. Connects with owner_conninfo (the role that owns the schema), checks role
 * paten_app exists, takes the advisory lock so that patend processes starting together do not
 * race, creates schema_migrations if missing, refuses a newer or altered schema, then applies the
 * missing embedded migrations in order. Returns 0 and *schema_version (the highest applied), or
 * -1 after one pd_error line saying what to do.
 */
int pd_migrate_run(const char *owner_conninfo, int *schema_version);

/*
 * The same with an explicit list (sorted by version, no duplicates), for tests and tools; the
 * strings are borrowed for the duration of the call.
 */
int pd_migrate_apply(const char *owner_conninfo, const struct pd_migration *list, size_t n,
                     int *schema_version);

/*
 * Loads the embedded migrations, sorted by version. Returns the count and *out (free with
 * pd_migrate_free_list), or -1 after pd_error (a misnamed or duplicated file).
 */
int pd_migrate_embedded(struct pd_migration **out);
void pd_migrate_free_list(struct pd_migration *list, size_t n);

/* Lower-case hex SHA-256 of data into out (65 bytes with the NUL). Returns 0 or -1. */
int pd_migrate_checksum(const void *data, size_t len, char out[65]);

#endif
