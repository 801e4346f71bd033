/*
 * pd_config.h: patend's configuration, from defaults, an INI file, PATEN_* environment variables
 * and command-line flags, in rising order of precedence. `patend --help` lists every option with
 * its environment variable; the INI file takes the same names (without "--") in [patend].
 */
#ifndef PD_CONFIG_H
#define PD_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct pd_config {
    char *config_file;

    /* network */
    char *listen;         /* "HOST:PORT" as given */
    char listen_host[64]; /* parsed: an IP literal */
    int listen_port;
    /* TLS (pd_transport_tls.c): plain TCP without tls_cert, allowed off loopback only with
     * allow_plaintext */
    char *tls_cert;      /* PEM certificate chain, the server's certificate first */
    char *tls_key;       /* PEM private key of tls_cert */
    char *tls_client_ca; /* PEM CA: client certificates signed by it are required (mutual TLS) */
    bool allow_plaintext;
    uint32_t max_connections;
    uint32_t max_connections_per_address; /* 0: no limit */
    uint32_t login_rate_per_address;      /* failed logins a minute; 0: no limit */
    uint32_t max_in_flight;
    uint32_t max_payload;
    uint32_t max_payload_prelogin;
    uint32_t hello_timeout_ms;
    uint32_t frame_timeout_ms;
    uint32_t idle_timeout_ms;
    uint64_t write_soft_limit;
    uint64_t write_hard_limit;
    uint32_t write_stall_timeout_ms;
    uint32_t shutdown_timeout_ms;
    uint32_t deposit_watch_ms; /* how often the deposit deadline's watch looks */

    /* database */
    char *data_dir;     /* absolute after pd_config_load */
    char *db_uri;       /* NULL: embedded cluster under data_dir */
    char *db_owner_uri; /* NULL: same as db_uri */
    uint32_t db_pool_size;
    uint32_t db_query_timeout_ms;
    uint32_t db_queue_timeout_ms;
    /* --db-replica: reports that tolerate its lag read there (pd_db_run_replica) */
    char *db_replica_uri; /* NULL: none, reports read from db_uri */
    uint32_t db_replica_pool_size;
    char *pg_bin_dir; /* NULL: newest /usr/lib/postgresql/<v>/bin */
    char *pg_user;    /* the unprivileged user the embedded cluster runs as under root */
    bool pg_fsync;

    /* passwords */
    uint32_t hash_concurrency; /* Argon2id hashes at once; 0: one per CPU */
    uint32_t hash_queue;       /* hashes waiting at most; more get RATE_LIMITED */

    /* start-up actions */
    bool demo;
    bool dump_handlers; /* print the dispatch table as JSON lines and exit */
    char *create_admin; /* create this ADMIN user, then exit */
    char *region;       /* ... in this region (code) */
    char *region_name;  /* ... creating the region when it does not exist yet */
    char *time_zone;
    char *admin_name;

    int log_level;
};

/*
 * Fills cfg from defaults, the INI file (--config or PATEN_CONFIG), the environment and argv.
 * Returns 0; 1 when --help or --version was printed (the caller exits 0); -1 after printing an
 * error to stderr that names the offending option (the caller exits 2).
 */
int pd_config_load(struct pd_config *cfg, int argc, char **argv);

/* Frees the strings cfg owns. */
void pd_config_free(struct pd_config *cfg);

/* TRUE when the listen address is a loopback one (127.0.0.0/8, ::1, ::ffff:127.x.x.x). */
bool pd_config_listen_is_loopback(const struct pd_config *cfg);

/* Parses "250ms", "10s", "5m", "1h" or a bare number of seconds into milliseconds. */
int pd_config_parse_duration(const char *s, uint32_t *out_ms);

/* Parses "512", "64k", "8M", "1G" (binary multiples) into bytes. */
int pd_config_parse_size(const char *s, uint64_t *out);

#endif
