/*
 * pd_config.c: option table, INI file, environment and flag parsing (see pd_config.h).
 *
 * One table describes every option once; --help, the INI keys, the PATEN_* variables and the
 * getopt_long table are all derived from it, so they cannot drift apart.
 */
#include "pd_config.h"

#include "paten_limits.h"
#include "pd_log.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <glib.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum opt_kind { OPT_STRING, OPT_UINT, OPT_DURATION, OPT_SIZE, OPT_BOOL, OPT_LOGLEVEL };

struct opt_def {
    const char *name; /* flag and INI key */
    enum opt_kind kind;
    size_t offset;
    const char *def; /* default, in the same syntax as the flag; NULL: unset */
    const char *metavar;
    const char *help;
};

#define OFF(f) offsetof(struct pd_config, f)

static const struct opt_def opts[] = {
    { "config", OPT_STRING, OFF(config_file), NULL, "FILE",
      "read options from this INI file ([patend] section)" },
    { "listen", OPT_STRING, OFF(listen), "127.0.0.1:7450", "HOST:PORT",
      "address to accept clients on (an IP literal; port 0 picks one)" },
    { "tls-cert", OPT_STRING, OFF(tls_cert), NULL, "FILE",
      "serve TLS with this certificate chain (PEM, the server's certificate first)" },
    { "tls-key", OPT_STRING, OFF(tls_key), NULL, "FILE", "the private key of --tls-cert (PEM)" },
    { "tls-client-ca", OPT_STRING, OFF(tls_client_ca), NULL, "FILE",
      "require a client certificate signed by this CA (PEM): mutual TLS" },
    { "allow-plaintext", OPT_BOOL, OFF(allow_plaintext), "false", NULL,
      "allow plain TCP on a --listen address that is not loopback (no TLS; logged as a warning)" },
    { "data-dir", OPT_STRING, OFF(data_dir), "./var", "DIR",
      "where the embedded PostgreSQL and the lock file live" },
    { "db", OPT_STRING, OFF(db_uri), NULL, "URI",
      "use this existing PostgreSQL (libpq URI or key=value) instead of the embedded one" },
    { "db-owner", OPT_STRING, OFF(db_owner_uri), NULL, "URI",
      "connection that owns the schema and runs migrations (default: --db)" },
    { "db-pool", OPT_UINT, OFF(db_pool_size), "4", "N", "database connections in the pool" },
    { "db-query-timeout", OPT_DURATION, OFF(db_query_timeout_ms), "30s", "DURATION",
      "a database round trip taking longer fails with TIMEOUT" },
    { "db-queue-timeout", OPT_DURATION, OFF(db_queue_timeout_ms), "5s", "DURATION",
      "a request waiting longer for a free connection fails with UNAVAILABLE" },
    { "db-replica", OPT_STRING, OFF(db_replica_uri), NULL, "URI",
      "a streaming replica (hot standby) of --db for reports that tolerate its lag (SearchFiles, "
      "ListRegister, ListAudit, VerifyAudit); they fall back to --db when it is down" },
    { "db-replica-pool", OPT_UINT, OFF(db_replica_pool_size), "2", "N",
      "database connections to --db-replica" },
    { "hash-concurrency", OPT_UINT, OFF(hash_concurrency), "0", "N",
      "password hashes (Argon2id, 64 MiB each) computed at once; 0: one per CPU" },
    { "hash-queue", OPT_UINT, OFF(hash_queue), "1000", "N",
      "password hashes waiting at most; beyond it logins get RATE_LIMITED" },
    { "demo", OPT_BOOL, OFF(demo), "false", NULL, "load the demo data into an empty database" },
    { "create-admin", OPT_STRING, OFF(create_admin), NULL, "USERNAME",
      "create the first ADMIN of --region (password from PATEN_PASSWORD or a prompt), then exit" },
    { "region", OPT_STRING, OFF(region), NULL, "CODE",
      "with --create-admin: the region's code, e.g. temanggung" },
    { "region-name", OPT_STRING, OFF(region_name), NULL, "NAME",
      "with --create-admin: create the region with this name if it does not exist" },
    { "time-zone", OPT_STRING, OFF(time_zone), NULL, "TZ",
      "with --region-name: Asia/Jakarta (WIB), Asia/Makassar (WITA) or Asia/Jayapura (WIT)" },
    { "admin-name", OPT_STRING, OFF(admin_name), NULL, "NAME",
      "with --create-admin: the ADMIN's full name" },
    { "dump-handlers", OPT_BOOL, OFF(dump_handlers), "false", NULL,
      "print every request type with the roles allowed to call it (JSON lines), then exit" },
    { "log-level", OPT_LOGLEVEL, OFF(log_level), "info", "LEVEL", "debug, info, warn or error" },
    { "max-connections", OPT_UINT, OFF(max_connections), "20000", "N",
      "clients connected at once; more are refused" },
    { "max-connections-per-address", OPT_UINT, OFF(max_connections_per_address), "512", "N",
      "clients connected at once from one IP address (IPv6: one /64); more are refused; 0: no "
      "limit" },
    { "login-rate-per-address", OPT_UINT, OFF(login_rate_per_address), "30", "N",
      "failed logins a minute from one IP address (IPv6: one /64) before its logins get "
      "RATE_LIMITED without a password check; 0: no limit" },
    { "max-in-flight", OPT_UINT, OFF(max_in_flight), "64", "N",
      "requests read ahead of their replies per connection" },
    { "max-payload", OPT_SIZE, OFF(max_payload), "4M", "SIZE",
      "largest request payload once logged in" },
    { "max-payload-prelogin", OPT_SIZE, OFF(max_payload_prelogin), "16k", "SIZE",
      "largest request payload before Login or Resume succeeded" },
    { "hello-timeout", OPT_DURATION, OFF(hello_timeout_ms), "10s", "DURATION",
      "a connection must send Hello within this" },
    { "frame-timeout", OPT_DURATION, OFF(frame_timeout_ms), "30s", "DURATION",
      "a frame, once started, must arrive whole within this" },
    { "idle-timeout", OPT_DURATION, OFF(idle_timeout_ms), "10m", "DURATION",
      "a connection silent this long is closed" },
    { "write-soft-limit", OPT_SIZE, OFF(write_soft_limit), "256k", "SIZE",
      "unsent reply bytes past which a connection's reading pauses" },
    { "write-hard-limit", OPT_SIZE, OFF(write_hard_limit), "8M", "SIZE",
      "unsent reply bytes past which a connection is cut" },
    { "write-stall-timeout", OPT_DURATION, OFF(write_stall_timeout_ms), "30s", "DURATION",
      "a connection over the soft limit this long is cut" },
    { "shutdown-timeout", OPT_DURATION, OFF(shutdown_timeout_ms), "10s", "DURATION",
      "on SIGTERM, how long requests in flight may still finish" },
    { "deposit-watch", OPT_DURATION, OFF(deposit_watch_ms), "30s", "DURATION",
      "how often overdue cash deposits are looked for (alerts are raised once in any case)" },
    { "pg-bin", OPT_STRING, OFF(pg_bin_dir), NULL, "DIR",
      "PostgreSQL server programs (default: newest /usr/lib/postgresql/*/bin)" },
    { "pg-user", OPT_STRING, OFF(pg_user), "postgres", "USER",
      "when run as root, the user the embedded PostgreSQL runs as" },
    { "pg-fsync", OPT_BOOL, OFF(pg_fsync), "true", NULL,
      "embedded PostgreSQL flushes to disk (turn off only for throwaway test data)" },
};

#define N_OPTS (sizeof opts / sizeof opts[0])

static void env_name(const char *name, char *out, size_t cap)
{
    size_t n = (size_t)snprintf(out, cap, "PATEN_%s", name);
    for (size_t i = 6; i < n && i < cap; i++)
        out[i] = out[i] == '-' ? '_' : (char)toupper((unsigned char)out[i]);
}

int pd_config_parse_duration(const char *s, uint32_t *out_ms)
{
    char *end;
    double mult = 1000.0;
    double v;

    if (s == NULL || *s == '\0')
        return -1;
    errno = 0;
    v = strtod(s, &end);
    if (errno != 0 || end == s || v < 0)
        return -1;
    if (strcmp(end, "ms") == 0)
        mult = 1;
    else if (strcmp(end, "s") == 0 || *end == '\0')
        mult = 1000;
    else if (strcmp(end, "m") == 0)
        mult = 60000;
    else if (strcmp(end, "h") == 0)
        mult = 3600000;
    else
        return -1;
    if (v * mult > (double)UINT32_MAX)
        return -1;
    *out_ms = (uint32_t)(v * mult + 0.5);
    return 0;
}

int pd_config_parse_size(const char *s, uint64_t *out)
{
    char *end;
    unsigned long long v;
    uint64_t mult = 1;

    if (s == NULL || !isdigit((unsigned char)*s))
        return -1;
    errno = 0;
    v = strtoull(s, &end, 10);
    if (errno != 0)
        return -1;
    switch (*end) {
    case '\0':
        break;
    case 'k':
    case 'K':
        mult = 1024;
        end++;
        break;
    case 'm':
    case 'M':
        mult = 1024 * 1024;
        end++;
        break;
    case 'g':
    case 'G':
        mult = 1024ull * 1024 * 1024;
        end++;
        break;
    default:
        return -1;
    }
    if (*end != '\0' || v > UINT64_MAX / mult)
        return -1;
    *out = v * mult;
    return 0;
}

static int parse_bool(const char *s, bool *out)
{
    if (s == NULL || !strcmp(s, "1") || !g_ascii_strcasecmp(s, "true") ||
        !g_ascii_strcasecmp(s, "yes") || !g_ascii_strcasecmp(s, "on")) {
        *out = true;
        return 0;
    }
    if (!strcmp(s, "0") || !g_ascii_strcasecmp(s, "false") || !g_ascii_strcasecmp(s, "no") ||
        !g_ascii_strcasecmp(s, "off")) {
        *out = false;
        return 0;
    }
    return -1;
}

/* Stores value into the option's field; `source` names where it came from for the error text. */
static int opt_set(struct pd_config *cfg, const struct opt_def *o, const char *value,
                   const char *source)
{
    char *field = (char *)cfg + o->offset;
    uint64_t size;
    uint32_t ms;
    unsigned long ul;
    char *end;
    int lvl;

    switch (o->kind) {
    case OPT_STRING:
        free(*(char **)field);
        *(char **)field = value ? strdup(value) : NULL;
        return 0;
    case OPT_UINT:
        errno = 0;
        ul = value ? strtoul(value, &end, 10) : 0;
        if (!value || errno || *end || end == value || ul > UINT32_MAX)
            break;
        *(uint32_t *)field = (uint32_t)ul;
        return 0;
    case OPT_DURATION:
        if (pd_config_parse_duration(value, &ms) < 0)
            break;
        *(uint32_t *)field = ms;
        return 0;
    case OPT_SIZE:
        if (pd_config_parse_size(value, &size) < 0)
            break;
        if (o->offset == OFF(write_soft_limit) || o->offset == OFF(write_hard_limit)) {
            *(uint64_t *)field = size;
        } else {
            if (size > UINT32_MAX)
                break;
            *(uint32_t *)field = (uint32_t)size;
        }
        return 0;
    case OPT_BOOL:
        if (parse_bool(value, (bool *)field) < 0)
            break;
        return 0;
    case OPT_LOGLEVEL:
        lvl = value ? pd_log_parse_level(value) : -1;
        if (lvl < 0)
            break;
        *(int *)field = lvl;
        return 0;
    }
    fprintf(stderr, "patend: invalid value '%s' for %s (from %s)\n", value ? value : "", o->name,
            source);
    return -1;
}

static void print_help(void)
{
    char env[64];

    printf(
        "Usage: patend [OPTION]...\n"
        "The PATEN server: serves paten-desk and patenctl over the PATEN protocol.\n\n"
        "Each option can also be given as an environment variable (shown) or as a key in the\n"
        "[patend] section of the --config INI file. Flags beat the environment, which beats\n"
        "the file, which beats the defaults. Durations: 500ms, 10s, 5m, 1h. Sizes: 64k, 8M.\n\n");
    for (size_t i = 0; i < N_OPTS; i++) {
        const struct opt_def *o = &opts[i];
        char flag[64];
        env_name(o->name, env, sizeof env);
        if (o->kind == OPT_BOOL)
            snprintf(flag, sizeof flag, "--%s[=BOOL]", o->name);
        else
            snprintf(flag, sizeof flag, "--%s %s", o->name, o->metavar);
        printf("  %-32s %s\n  %-32s   [%s%s%s]\n", flag, o->help, "", env,
               o->def ? ", default " : "", o->def ? o->def : "");
    }
    printf("  %-32s %s\n", "--help", "show this help and exit");
    printf("  %-32s %s\n", "--version", "show the version and exit");
}

static int parse_listen(struct pd_config *cfg)
{
    const char *s = cfg->listen;
    const char *colon;
    char host[64];
    size_t hlen;
    char *end;
    unsigned long port;
    unsigned char buf[16];

    if (s[0] == '[') {
        const char *close = strchr(s, ']');
        if (close == NULL || close[1] != ':')
            goto bad;
        hlen = (size_t)(close - s - 1);
        if (hlen >= sizeof host)
            goto bad;
        memcpy(host, s + 1, hlen);
        colon = close + 1;
    } else {
        colon = strrchr(s, ':');
        if (colon == NULL)
            goto bad;
        hlen = (size_t)(colon - s);
        if (hlen >= sizeof host)
            goto bad;
        memcpy(host, s, hlen);
    }
    host[hlen] = '\0';
    errno = 0;
    port = strtoul(colon + 1, &end, 10);
    if (errno || *end || end == colon + 1 || port > 65535)
        goto bad;
    /* No name lookup here or anywhere on the loop: the listen address is an IP literal. */
    if (strcmp(host, "localhost") == 0)
        strcpy(host, "127.0.0.1");
    if (inet_pton(AF_INET, host, buf) != 1 && inet_pton(AF_INET6, host, buf) != 1)
        goto bad;
    snprintf(cfg->listen_host, sizeof cfg->listen_host, "%s", host);
    cfg->listen_port = (int)port;
    return 0;
bad:
    fprintf(stderr,
            "patend: invalid --listen '%s': expected IP:PORT, e.g. 127.0.0.1:7450 or [::1]:7450\n",
            s);
    return -1;
}

bool pd_config_listen_is_loopback(const struct pd_config *cfg)
{
    struct in6_addr a6;
    struct in_addr a4;

    if (inet_pton(AF_INET, cfg->listen_host, &a4) == 1)
        return (ntohl(a4.s_addr) >> 24) == 127;
    if (inet_pton(AF_INET6, cfg->listen_host, &a6) == 1)
        return IN6_IS_ADDR_LOOPBACK(&a6) || (IN6_IS_ADDR_V4MAPPED(&a6) && a6.s6_addr[12] == 127);
    return false;
}

/* The TLS options fit together, and plain TCP leaves the machine only when asked for. */
static int check_tls(struct pd_config *cfg)
{
    char **files[] = { &cfg->tls_cert, &cfg->tls_key, &cfg->tls_client_ca };

    /* An empty value (PATEN_TLS_CERT= in a unit file) is no value. */
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        if (*files[i] != NULL && (*files[i])[0] == '\0') {
            free(*files[i]);
            *files[i] = NULL;
        }
    }
    if (cfg->tls_cert == NULL && (cfg->tls_key != NULL || cfg->tls_client_ca != NULL)) {
        fprintf(stderr, "patend: --tls-key and --tls-client-ca need --tls-cert\n");
        return -1;
    }
    if (cfg->tls_cert != NULL && cfg->tls_key == NULL) {
        fprintf(stderr, "patend: --tls-cert needs --tls-key (the certificate's private key)\n");
        return -1;
    }
    if (cfg->tls_cert == NULL && !cfg->allow_plaintext && !pd_config_listen_is_loopback(cfg)) {
        fprintf(stderr,
                "patend: refusing to listen on %s in plain TCP: it is not a loopback address, "
                "so passwords and data would cross the network unencrypted. Give --tls-cert and "
                "--tls-key (docs/deployment.md, \"TLS\"), or --allow-plaintext to accept that.\n",
                cfg->listen);
        return -1;
    }
    return 0;
}

/* --db-replica is parsed here, so that a mistyped one stops patend before anything starts. */
static int check_replica(struct pd_config *cfg)
{
    PQconninfoOption *o;
    char *err = NULL;

    if (cfg->db_replica_uri != NULL && cfg->db_replica_uri[0] == '\0') {
        free(cfg->db_replica_uri);
        cfg->db_replica_uri = NULL;
    }
    if (cfg->db_replica_uri == NULL)
        return 0;
    o = PQconninfoParse(cfg->db_replica_uri, &err);
    if (o == NULL) {
        fprintf(stderr, "patend: invalid --db-replica: %s", err ? err : "out of memory\n");
        PQfreemem(err);
        return -1;
    }
    PQconninfoFree(o);
    if (cfg->db_replica_pool_size < 1 || cfg->db_replica_pool_size > 256) {
        fprintf(stderr, "patend: --db-replica-pool must be between 1 and 256\n");
        return -1;
    }
    return 0;
}

static int load_ini(struct pd_config *cfg, const char *path)
{
    g_autoptr(GKeyFile) kf = g_key_file_new();
    g_autoptr(GError) err = NULL;
    g_auto(GStrv) keys = NULL;

    if (!g_key_file_load_from_file(kf, path, G_KEY_FILE_NONE, &err)) {
        fprintf(stderr, "patend: cannot read config file %s: %s\n", path, err->message);
        return -1;
    }
    keys = g_key_file_get_keys(kf, "patend", NULL, NULL);
    for (size_t k = 0; keys && keys[k]; k++) {
        const struct opt_def *o = NULL;
        for (size_t i = 0; i < N_OPTS; i++)
            if (strcmp(opts[i].name, keys[k]) == 0 && strcmp(opts[i].name, "config") != 0)
                o = &opts[i];
        if (o == NULL) {
            fprintf(stderr, "patend: unknown key '%s' in [patend] of %s\n", keys[k], path);
            return -1;
        }
        g_autofree char *v = g_key_file_get_string(kf, "patend", keys[k], NULL);
        if (opt_set(cfg, o, v, path) < 0)
            return -1;
    }
    return 0;
}

int pd_config_load(struct pd_config *cfg, int argc, char **argv)
{
    struct option longopts[N_OPTS + 3];
    char env[64];
    const char *config_path = NULL;
    int c, idx;

    memset(cfg, 0, sizeof *cfg);
    for (size_t i = 0; i < N_OPTS; i++) {
        longopts[i].name = opts[i].name;
        longopts[i].has_arg = opts[i].kind == OPT_BOOL ? optional_argument : required_argument;
        longopts[i].flag = NULL;
        longopts[i].val = 1000 + (int)i;
        if (opts[i].def && opt_set(cfg, &opts[i], opts[i].def, "default") < 0)
            return -1;
    }
    longopts[N_OPTS] = (struct option){ "help", no_argument, NULL, 'h' };
    longopts[N_OPTS + 1] = (struct option){ "version", no_argument, NULL, 'V' };
    longopts[N_OPTS + 2] = (struct option){ 0 };

    /* First pass: only --help, --version and --config, so the file can be read before the
     * environment and the remaining flags override it. */
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", longopts, &idx)) != -1) {
        if (c == 'h') {
            print_help();
            return 1;
        }
        if (c == 'V') {
            printf("patend %s\n", PATEN_VERSION);
            return 1;
        }
        if (c == '?') {
            fprintf(stderr, "patend: unknown or incomplete option '%s' (see patend --help)\n",
                    argv[optind - 1]);
            return -1;
        }
        if (c == 1000 && strcmp(opts[0].name, "config") == 0)
            config_path = optarg;
    }
    if (config_path == NULL)
        config_path = getenv("PATEN_CONFIG");
    if (config_path && opt_set(cfg, &opts[0], config_path, "flags") == 0 &&
        load_ini(cfg, config_path) < 0)
        return -1;

    for (size_t i = 0; i < N_OPTS; i++) {
        const char *v;
        env_name(opts[i].name, env, sizeof env);
        v = getenv(env);
        if (v && opt_set(cfg, &opts[i], v, env) < 0)
            return -1;
    }

    optind = 1;
    while ((c = getopt_long(argc, argv, "", longopts, &idx)) != -1) {
        if (c >= 1000) {
            const struct opt_def *o = &opts[c - 1000];
            char src[80];
            snprintf(src, sizeof src, "--%s", o->name);
            if (opt_set(cfg, o, optarg, src) < 0)
                return -1;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "patend: unexpected argument '%s' (see patend --help)\n", argv[optind]);
        return -1;
    }

    if (parse_listen(cfg) < 0)
        return -1;
    if (check_tls(cfg) < 0)
        return -1;
    if (check_replica(cfg) < 0)
        return -1;
    if (cfg->db_pool_size < 1 || cfg->db_pool_size > 256) {
        fprintf(stderr, "patend: --db-pool must be between 1 and 256\n");
        return -1;
    }
    if (cfg->max_in_flight < 1 || cfg->max_in_flight > 4096) {
        fprintf(stderr, "patend: --max-in-flight must be between 1 and 4096\n");
        return -1;
    }
    if (cfg->max_payload > PATEN_PAYLOAD_HARD_MAX || cfg->max_payload < 1024 ||
        cfg->max_payload_prelogin > cfg->max_payload || cfg->max_payload_prelogin < 256) {
        fprintf(stderr, "patend: payload limits must satisfy 256 <= --max-payload-prelogin <= "
                        "--max-payload <= 16M\n");
        return -1;
    }
    if (cfg->write_soft_limit > cfg->write_hard_limit) {
        fprintf(stderr, "patend: --write-soft-limit must not exceed --write-hard-limit\n");
        return -1;
    }
    {
        /* Relative to the working directory at start; canonical so logs and the lock name one
         * path whatever "./" or ".." it was written with. */
        char *abs = g_canonicalize_filename(cfg->data_dir, NULL);
        free(cfg->data_dir);
        cfg->data_dir = strdup(abs);
        g_free(abs);
    }
    pd_log_set_level((enum pd_log_level)cfg->log_level);
    return 0;
}

void pd_config_free(struct pd_config *cfg)
{
    for (size_t i = 0; i < N_OPTS; i++) {
        if (opts[i].kind == OPT_STRING) {
            char **p = (char **)((char *)cfg + opts[i].offset);
            free(*p);
            *p = NULL;
        }
    }
}
