/*
 * connbench.c: paten-connbench, the connection-scale benchmarks of issue 8 (docs/performance.md,
 * "Connections, fan-out and login storms"). Three modes, each printing its figures (and, with
 * --json FILE, writing them as JSON):
 *
 *   idle    N logged-in idle connections: S sessions are made by Login, each then resumed
 *           (Resume with its token) on further connections up to N in all; patend's resident
 *           memory (/proc/PID/status VmRSS and /proc/PID/smaps_rollup) is read before and with
 *           the N connections open. Plain TCP or, with --tls, TLS (OpenSSL, the server's
 *           certificate not verified: the figure is patend's memory, not a security check).
 *           Blocking sockets in batches: idle connections need no event loop, and a batch of B
 *           connections sends all its requests before reading any reply, so patend still serves
 *           them concurrently.
 *   fanout  N connections of the Kecamatan Taman staff (S sessions, logged in and resumed as
 *           above), all subscribed; a loket desk takes in E files one after another (TakeIn of the
 *           free service), each of which is a FileChanged event for every one of them. Reports
 *           the latency from the TakeIn being written to each event's arrival (and from its reply)
 *           as p50/p99/max, and how many arrived. On libuv, plain TCP.
 *   storm   a pinger sends Ping after Ping (one at a time, --ping-interval-ms from a reply to the
 *           next Ping) while K clients send L logins in all (Argon2id, hashed in patend's thread
 *           pool), all K at once and again until L are answered; reports the ping latency before
 *           the clients connect and during the storm. On libuv, plain TCP.
 *
 * The password is read from $PATEN_DEMO_PASSWORD (the demo default when unset). Exit status: 0
 * when everything asked was done without an error reply (and, for fanout, every event arrived),
 * 1 otherwise, 2 on a usage error.
 */
#include "bench_stats.h"
#include "paten_frame.h"
#include "paten_limits.h"
#include "paten_msg.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <signal.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include <uv.h>

#define DEFAULT_PASSWORD "rahasia-demo-2026"

enum mode { M_IDLE, M_FANOUT, M_STORM };

static struct {
    enum mode mode;
    const char *host;
    int port;
    int conns;            /* idle, fanout: connections in all */
    int sessions;         /* idle, fanout: sessions made by Login */
    int batch;            /* idle: connections set up per batch */
    int window;           /* fanout: connections being set up at once */
    int events;           /* fanout: TakeIns */
    int clients;          /* storm: clients logging in at once */
    int logins;           /* storm: logins in all */
    int baseline;         /* storm: pings before the storm */
    int ping_interval_ms; /* storm: from a Ping's reply to the next Ping */
    int pid;              /* idle: patend's pid, for its memory */
    bool tls;
    double hold_s;
    double timeout_s;
    const char *json_path;
    const char *password;
    const char *users;
} opt = {
    .mode = M_IDLE,
    .host = "127.0.0.1",
    .batch = 64,
    .window = 64,
    .events = 5,
    .baseline = 200,
    .ping_interval_ms = 2,
    .timeout_s = 60,
    .users = "loket@taman,sekretariat@taman,camat@taman",
};

static char *user_list[32];
static int n_users;

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("paten-connbench: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(1);
}

static double ms(uint64_t us)
{
    return (double)us / 1000.0;
}

/* Raises the soft limit on open files to the hard one: 10,000 connections need 10,000 fds. */
static void raise_nofile(int need)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
        die("getrlimit: %s", strerror(errno));
    if (rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
            die("setrlimit: %s", strerror(errno));
    }
    if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < (rlim_t)need + 32)
        die("the open files limit %llu is too low for %d connections (ulimit -Hn)",
            (unsigned long long)rl.rlim_cur, need);
}

/* Packs msg as a request of rpc name `rpc` with request id rid; dies on failure. */
static uint8_t *pack(const char *rpc, const ProtobufCMessage *msg, uint32_t rid, size_t *len,
                     const struct paten_msg_info **info_out)
{
    const struct paten_msg_info *info = paten_msg_by_name(rpc);
    uint8_t *buf = NULL;
    if (!info)
        die("no message type %s", rpc);
    if (paten_msg_pack_frame(info->type, 0, rid, msg, &buf, len) < 0)
        die("cannot pack %s", rpc);
    if (info_out)
        *info_out = info;
    return buf;
}

/* The error a refused request got, as "CODE: detail", into out. */
static void error_text(const uint8_t *payload, size_t len, char *out, size_t cap)
{
    struct paten_unpacked u = { 0 };
    snprintf(out, cap, "an undecodable error");
    if (paten_msg_unpack(&u, &paten__error__descriptor, payload, len,
                         paten_msg_unpack_limit(len)) == 0) {
        const Paten__Error *e = (const Paten__Error *)u.msg;
        const ProtobufCEnumValue *v =
            protobuf_c_enum_descriptor_get_value(&paten__error_code__descriptor, e->code);
        snprintf(out, cap, "%s: %s", v ? v->name : "?", e->detail);
    }
    paten_msg_unpacked_free(&u);
}

static void fill_hello(Paten__HelloRequest *m)
{
    paten__hello_request__init(m);
    m->protocol_major = PATEN_PROTOCOL_MAJOR;
    m->protocol_minor = PATEN_PROTOCOL_MINOR;
    m->client_name = "paten-connbench";
    m->client_version = PATEN_VERSION;
}

static FILE *json_open(void)
{
    FILE *f;
    if (!opt.json_path)
        return NULL;
    f = fopen(opt.json_path, "w");
    if (!f)
        die("cannot write %s: %s", opt.json_path, strerror(errno));
    return f;
}

static void json_series(FILE *f, const char *name, struct bench_series *s, bool last)
{
    bench_series_sort(s);
    fprintf(f,
            "  \"%s\": {\"count\": %zu, \"p50_ms\": %.3f, \"p99_ms\": %.3f, \"p999_ms\": %.3f, "
            "\"max_ms\": %.3f}%s\n",
            name, s->n, ms(bench_series_pct(s, 0.5)), ms(bench_series_pct(s, 0.99)),
            ms(bench_series_pct(s, 0.999)), ms(s->n ? s->us[s->n - 1] : 0), last ? "" : ",");
}

static void print_series(const char *name, struct bench_series *s)
{
    bench_series_sort(s);
    printf("%-28s n=%-7zu p50 %8.2f ms  p99 %8.2f ms  p99.9 %8.2f ms  max %8.2f ms\n", name, s->n,
           ms(bench_series_pct(s, 0.5)), ms(bench_series_pct(s, 0.99)),
           ms(bench_series_pct(s, 0.999)), ms(s->n ? s->us[s->n - 1] : 0));
}

/* ==== idle: blocking sockets, optionally TLS ================================================ */

struct mem {
    long vmrss_kb, rss_kb, pss_kb, anon_kb, private_dirty_kb;
    int fds;
};

static long field_kb(const char *path, const char *name)
{
    char line[256];
    size_t n = strlen(name);
    long v = -1;
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    while (fgets(line, sizeof line, f))
        if (strncmp(line, name, n) == 0 && line[n] == ':') {
            v = strtol(line + n + 1, NULL, 10);
            break;
        }
    fclose(f);
    return v;
}

/* patend's memory and open descriptors now (-1 where /proc does not tell). */
static struct mem mem_of(int pid)
{
    char status[64], rollup[64], fddir[64];
    struct mem m;
    DIR *d;
    snprintf(status, sizeof status, "/proc/%d/status", pid);
    snprintf(rollup, sizeof rollup, "/proc/%d/smaps_rollup", pid);
    snprintf(fddir, sizeof fddir, "/proc/%d/fd", pid);
    m.vmrss_kb = field_kb(status, "VmRSS");
    m.rss_kb = field_kb(rollup, "Rss");
    m.pss_kb = field_kb(rollup, "Pss");
    m.anon_kb = field_kb(rollup, "Anonymous");
    m.private_dirty_kb = field_kb(rollup, "Private_Dirty");
    m.fds = -1;
    if ((d = opendir(fddir)) != NULL) {
        struct dirent *e;
        m.fds = 0;
        while ((e = readdir(d)) != NULL)
            m.fds += e->d_name[0] != '.';
        closedir(d);
    }
    return m;
}

static void print_mem(const char *what, struct mem m)
{
    printf("%-34s VmRSS %7.1f MB  Rss %7.1f MB  Pss %7.1f MB  Anonymous %7.1f MB  "
           "Private_Dirty %7.1f MB  fds %d\n",
           what, m.vmrss_kb / 1024.0, m.rss_kb / 1024.0, m.pss_kb / 1024.0, m.anon_kb / 1024.0,
           m.private_dirty_kb / 1024.0, m.fds);
}

static void json_mem(FILE *f, const char *name, struct mem m)
{
    fprintf(
        f,
        "  \"%s\": {\"vmrss_kb\": %ld, \"rss_kb\": %ld, \"pss_kb\": %ld, \"anonymous_kb\": %ld, "
        "\"private_dirty_kb\": %ld, \"fds\": %d},\n",
        name, m.vmrss_kb, m.rss_kb, m.pss_kb, m.anon_kb, m.private_dirty_kb, m.fds);
}

struct sconn {
    int fd;
    SSL *ssl;
    uint32_t rid;
};

static SSL_CTX *client_ctx;

/* Writes all len bytes (dies on failure or timeout: the run is void). */
static void s_write(struct sconn *c, const uint8_t *p, size_t len)
{
    while (len > 0) {
        ssize_t n;
        if (c->ssl) {
            int r = SSL_write(c->ssl, p, (int)len);
            if (r <= 0)
                die("TLS write failed (%d)", SSL_get_error(c->ssl, r));
            n = r;
        } else {
            n = write(c->fd, p, len);
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0)
                die("write: %s", strerror(errno));
        }
        p += n;
        len -= (size_t)n;
    }
}

/* Reads exactly len bytes (dies on end of stream, failure or timeout). */
static void s_read(struct sconn *c, uint8_t *p, size_t len)
{
    while (len > 0) {
        ssize_t n;
        if (c->ssl) {
            int r = SSL_read(c->ssl, p, (int)len);
            if (r <= 0)
                die("TLS read failed (%d): the server closed or did not answer within --timeout",
                    SSL_get_error(c->ssl, r));
            n = r;
        } else {
            n = read(c->fd, p, len);
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0)
                die("read: %s (no answer within --timeout?)", strerror(errno));
            if (n == 0)
                die("the server closed a connection");
        }
        p += n;
        len -= (size_t)n;
    }
}

/*
 * Reads the next reply on c, skipping pushed events, and unpacks it as info's reply into *u
 * (freed by the caller). Dies on an error reply, naming what: idle mode has no use for a
 * connection that was refused.
 */
static void s_reply(struct sconn *c, const struct paten_msg_info *info, struct paten_unpacked *u,
                    const char *what)
{
    for (;;) {
        uint8_t h[PATEN_FRAME_HEADER_SIZE];
        struct paten_frame_header hdr;
        uint8_t *payload;
        s_read(c, h, sizeof h);
        if (paten_frame_header_unpack(h, PATEN_PAYLOAD_MAX_DEFAULT, &hdr) < 0)
            die("a bad frame header from the server");
        payload = malloc(hdr.length ? hdr.length : 1);
        if (!payload)
            die("out of memory");
        s_read(c, payload, hdr.length);
        if (hdr.flags & PATEN_FLAG_EVENT) {
            free(payload);
            continue;
        }
        if (hdr.flags & PATEN_FLAG_ERROR) {
            char text[256];
            error_text(payload, hdr.length, text, sizeof text);
            die("%s refused: %s", what, text);
        }
        if (hdr.type != info->type)
            die("%s: a reply of type %u, not %u", what, hdr.type, info->type);
        memset(u, 0, sizeof *u);
        if (paten_msg_unpack(u, info->reply, payload, hdr.length,
                             paten_msg_unpack_limit(hdr.length)) < 0)
            die("%s: an undecodable reply", what);
        free(payload);
        return;
    }
}

/* Opens a connection (and its TLS session with --tls); reads and writes time out. */
static void s_connect(struct sconn *c)
{
    struct sockaddr_in a;
    struct timeval tv = { (time_t)opt.timeout_s, 0 };
    int one = 1;
    memset(c, 0, sizeof *c);
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)opt.port);
    if (uv_inet_pton(AF_INET, opt.host, &a.sin_addr) != 0)
        die("--host must be a numeric IPv4 address");
    c->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (c->fd < 0)
        die("socket: %s", strerror(errno));
    if (setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) != 0 ||
        setsockopt(c->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) != 0 ||
        setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) != 0)
        die("setsockopt: %s", strerror(errno));
    if (connect(c->fd, (struct sockaddr *)&a, sizeof a) != 0)
        die("connect to %s:%d: %s", opt.host, opt.port, strerror(errno));
    if (opt.tls) {
        int r;
        c->ssl = SSL_new(client_ctx);
        if (!c->ssl || SSL_set_fd(c->ssl, c->fd) != 1)
            die("cannot set up a TLS session");
        r = SSL_connect(c->ssl);
        if (r != 1) {
            const char *why = ERR_reason_error_string(ERR_get_error());
            die("TLS handshake failed (%d, %s)", SSL_get_error(c->ssl, r), why ? why : "no reason");
        }
    }
}

static void s_close(struct sconn *c)
{
    if (c->ssl) {
        SSL_free(c->ssl);
        c->ssl = NULL;
    }
    if (c->fd >= 0)
        close(c->fd);
    c->fd = -1;
}

/* Sends Hello and then rpc/msg on c in one write (pre-login, patend reads up to 4 ahead). */
static void s_send_hello_and(struct sconn *c, const char *rpc, const ProtobufCMessage *msg)
{
    Paten__HelloRequest hello;
    size_t l1, l2;
    uint8_t *b1, *b2, *both;
    fill_hello(&hello);
    b1 = pack("Hello", &hello.base, ++c->rid, &l1, NULL);
    b2 = pack(rpc, msg, ++c->rid, &l2, NULL);
    both = malloc(l1 + l2);
    if (!both)
        die("out of memory");
    memcpy(both, b1, l1);
    memcpy(both + l1, b2, l2);
    s_write(c, both, l1 + l2);
    free(both);
    free(b1);
    free(b2);
}

static int run_idle(void)
{
    struct sconn *cs = calloc((size_t)opt.conns, sizeof *cs);
    uint8_t(*toks)[32] = calloc((size_t)opt.sessions, 32);
    const struct paten_msg_info *hello_info = paten_msg_by_name("Hello"),
                                *login_info = paten_msg_by_name("Login"),
                                *resume_info = paten_msg_by_name("Resume");
    struct mem before, logged, with, held;
    uint64_t t0, t_login, t_all;
    FILE *jf;

    if (!cs || !toks || !hello_info || !login_info || !resume_info)
        die("out of memory");
    for (int i = 0; i < opt.conns; i++)
        cs[i].fd = -1;
    if (opt.tls) {
        client_ctx = SSL_CTX_new(TLS_client_method());
        if (!client_ctx)
            die("cannot create the TLS client context");
        /* The bench measures the server's memory; the certificate is the bench's own. */
        SSL_CTX_set_verify(client_ctx, SSL_VERIFY_NONE, NULL);
        SSL_CTX_set_mode(client_ctx, SSL_MODE_RELEASE_BUFFERS);
    }
    before = mem_of(opt.pid);
    t0 = uv_hrtime();
    /* Sessions: Login on the first S connections, a batch at a time. */
    for (int b = 0; b < opt.sessions; b += opt.batch) {
        int e = b + opt.batch < opt.sessions ? b + opt.batch : opt.sessions;
        for (int i = b; i < e; i++) {
            Paten__LoginRequest m = PATEN__LOGIN_REQUEST__INIT;
            s_connect(&cs[i]);
            m.login = user_list[i % n_users];
            m.password = (char *)opt.password;
            s_send_hello_and(&cs[i], "Login", &m.base);
        }
        for (int i = b; i < e; i++) {
            struct paten_unpacked u;
            const Paten__SessionReply *r;
            s_reply(&cs[i], hello_info, &u, "Hello");
            paten_msg_unpacked_free(&u);
            s_reply(&cs[i], login_info, &u, "Login");
            r = (const Paten__SessionReply *)u.msg;
            if (r->session_token.len != 32)
                die("Login gave no 32-byte session token");
            memcpy(toks[i], r->session_token.data, 32);
            paten_msg_unpacked_free(&u);
        }
    }
    t_login = uv_hrtime();
    logged = mem_of(opt.pid);
    /* The rest: Resume, round robin over the sessions. */
    for (int b = opt.sessions; b < opt.conns; b += opt.batch) {
        int e = b + opt.batch < opt.conns ? b + opt.batch : opt.conns;
        for (int i = b; i < e; i++) {
            Paten__ResumeRequest m = PATEN__RESUME_REQUEST__INIT;
            s_connect(&cs[i]);
            m.session_token.data = toks[i % opt.sessions];
            m.session_token.len = 32;
            s_send_hello_and(&cs[i], "Resume", &m.base);
        }
        for (int i = b; i < e; i++) {
            struct paten_unpacked u;
            s_reply(&cs[i], hello_info, &u, "Hello");
            paten_msg_unpacked_free(&u);
            s_reply(&cs[i], resume_info, &u, "Resume");
            paten_msg_unpacked_free(&u);
        }
    }
    t_all = uv_hrtime();
    with = mem_of(opt.pid);
    if (opt.hold_s > 0) {
        struct timespec ts = { (time_t)opt.hold_s,
                               (long)((opt.hold_s - (double)(time_t)opt.hold_s) * 1e9) };
        /* A benchmark, not a test: it holds the connections idle for a while on purpose. */
        nanosleep(&ts, NULL);
    }
    held = mem_of(opt.pid);

    printf("idle connections (%s): %d connections, %d sessions (Login), %d resumed\n",
           opt.tls ? "TLS" : "plain TCP", opt.conns, opt.sessions, opt.conns - opt.sessions);
    printf("set-up: logins %.2f s, resumes %.2f s\n", (double)(t_login - t0) / 1e9,
           (double)(t_all - t_login) / 1e9);
    print_mem("patend before:", before);
    print_mem("patend after the logins:", logged);
    print_mem("patend with all connections:", with);
    if (opt.hold_s > 0)
        print_mem("patend after holding them:", held);
    printf("growth with %d connections: VmRSS %+.1f MB (%.2f kB a connection), Rss %+.1f MB\n",
           opt.conns, (with.vmrss_kb - before.vmrss_kb) / 1024.0,
           (double)(with.vmrss_kb - before.vmrss_kb) / opt.conns,
           (with.rss_kb - before.rss_kb) / 1024.0);
    if ((jf = json_open()) != NULL) {
        fprintf(jf,
                "{\n  \"mode\": \"idle\",\n  \"tls\": %s,\n  \"connections\": %d,\n"
                "  \"sessions\": %d,\n  \"login_s\": %.3f,\n  \"resume_s\": %.3f,\n"
                "  \"hold_s\": %.1f,\n",
                opt.tls ? "true" : "false", opt.conns, opt.sessions, (double)(t_login - t0) / 1e9,
                (double)(t_all - t_login) / 1e9, opt.hold_s);
        json_mem(jf, "before", before);
        json_mem(jf, "after_logins", logged);
        json_mem(jf, "with_connections", with);
        json_mem(jf, "held", held);
        fprintf(jf,
                "  \"growth_vmrss_kb\": %ld,\n  \"growth_rss_kb\": %ld,\n"
                "  \"per_connection_kb\": %.3f\n}\n",
                with.vmrss_kb - before.vmrss_kb, with.rss_kb - before.rss_kb,
                (double)(with.vmrss_kb - before.vmrss_kb) / opt.conns);
        fclose(jf);
    }
    for (int i = 0; i < opt.conns; i++)
        s_close(&cs[i]);
    free(cs);
    free(toks);
    if (client_ctx)
        SSL_CTX_free(client_ctx);
    return 0;
}

/* ==== fanout and storm: libuv ================================================================ */

enum cstate { CS_CONNECTING, CS_HELLO, CS_AUTH, CS_SUBSCRIBE, CS_LIST, CS_READY, CS_BUSY };

struct aconn {
    uv_tcp_t tcp;
    uv_connect_t creq;
    struct paten_decoder dec;
    int idx;
    bool opened;
    enum cstate st;
    uint32_t rid;
    const struct paten_msg_info *info; /* the request in flight */
    uint64_t sent_ns;
    int got; /* fanout: the last trigger whose event arrived here */
};

static uv_loop_t *loop;
static uv_timer_t watchdog;
static struct aconn *conns; /* fanout: opt.conns, then the trigger; storm: clients, then pinger */
static int n_aconns;
static bool failed, finished;
static uint64_t last_progress_ns;
static uint8_t (*tokens)[32];
static char read_buffer[64 * 1024];

static void a_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void on_reply(struct aconn *c, const struct paten_frame *f, const ProtobufCMessage *msg);
static void on_event(struct aconn *c, const struct paten_frame *f);

static void on_closed(uv_handle_t *h)
{
    (void)h;
}

static uv_timer_t ping_timer; /* storm: paces the pinger */
static bool ping_timer_open;

static void close_all(void)
{
    if (!uv_is_closing((uv_handle_t *)&watchdog))
        uv_close((uv_handle_t *)&watchdog, on_closed);
    if (ping_timer_open && !uv_is_closing((uv_handle_t *)&ping_timer))
        uv_close((uv_handle_t *)&ping_timer, on_closed);
    for (int i = 0; i < n_aconns; i++)
        if (conns[i].opened && !uv_is_closing((uv_handle_t *)&conns[i].tcp))
            uv_close((uv_handle_t *)&conns[i].tcp, on_closed);
}

static void a_fail(const char *fmt, ...)
{
    va_list ap;
    if (failed)
        return;
    va_start(ap, fmt);
    fputs("paten-connbench: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    failed = true;
    close_all();
}

static void on_write(uv_write_t *req, int status)
{
    free(req->data);
    free(req);
    if (status < 0 && status != UV_ECANCELED)
        a_fail("write: %s", uv_strerror(status));
}

/* Sends rpc/msg on c as its one request in flight. */
static void a_send(struct aconn *c, const char *rpc, const ProtobufCMessage *msg)
{
    size_t len;
    uv_write_t *w = malloc(sizeof *w);
    uint8_t *buf;
    uv_buf_t b;
    int rc;
    if (!w) {
        a_fail("out of memory");
        return;
    }
    buf = pack(rpc, msg, ++c->rid, &len, &c->info);
    w->data = buf;
    b = uv_buf_init((char *)buf, (unsigned)len);
    c->sent_ns = uv_hrtime();
    rc = uv_write(w, (uv_stream_t *)&c->tcp, &b, 1, on_write);
    if (rc < 0) {
        free(buf);
        free(w);
        a_fail("uv_write: %s", uv_strerror(rc));
    }
}

static void a_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
    (void)h;
    (void)suggested;
    *buf = uv_buf_init(read_buffer, sizeof read_buffer);
}

static void a_frame(struct aconn *c, const struct paten_frame *f)
{
    struct paten_unpacked u = { 0 };
    const struct paten_msg_info *info = c->info;
    last_progress_ns = uv_hrtime();
    if (f->hdr.flags & PATEN_FLAG_EVENT) {
        on_event(c, f);
        return;
    }
    if (!info || f->hdr.request_id != c->rid || f->hdr.type != info->type) {
        a_fail("connection %d: an unexpected frame (type %u)", c->idx, f->hdr.type);
        return;
    }
    c->info = NULL;
    if (f->hdr.flags & PATEN_FLAG_ERROR) {
        char text[256];
        error_text(f->payload, f->hdr.length, text, sizeof text);
        a_fail("connection %d: %s refused: %s", c->idx, info->name, text);
        return;
    }
    if (paten_msg_unpack(&u, info->reply, f->payload, f->hdr.length,
                         paten_msg_unpack_limit(f->hdr.length)) < 0) {
        a_fail("connection %d: an undecodable %s reply", c->idx, info->name);
        return;
    }
    on_reply(c, f, u.msg);
    paten_msg_unpacked_free(&u);
}

static void a_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
    struct aconn *c = s->data;
    const uint8_t *p = (const uint8_t *)buf->base;
    size_t left = (size_t)(nread > 0 ? nread : 0);
    if (nread < 0) {
        if (!finished)
            a_fail("connection %d closed: %s", c->idx, uv_strerror((int)nread));
        return;
    }
    while (left > 0 && !failed) {
        struct paten_frame f;
        size_t used = 0;
        int rc = paten_decoder_feed(&c->dec, p, left, &used, &f);
        if (rc < 0) {
            a_fail("connection %d: a bad frame (%d)", c->idx, rc);
            return;
        }
        if (rc == 0)
            break;
        p += used;
        left -= used;
        a_frame(c, &f);
        free(f.payload);
    }
}

static void a_connected(uv_connect_t *req, int status)
{
    struct aconn *c = req->data;
    Paten__HelloRequest m;
    int rc;
    if (status == UV_ECANCELED || failed)
        return;
    if (status < 0) {
        a_fail("connect: %s", uv_strerror(status));
        return;
    }
    if ((rc = uv_read_start((uv_stream_t *)&c->tcp, a_alloc, a_read)) < 0) {
        a_fail("uv_read_start: %s", uv_strerror(rc));
        return;
    }
    c->st = CS_HELLO;
    fill_hello(&m);
    a_send(c, "Hello", &m.base);
}

static void a_connect(struct aconn *c)
{
    struct sockaddr_in a;
    int rc;
    if ((rc = uv_ip4_addr(opt.host, opt.port, &a)) < 0) {
        a_fail("--host must be a numeric IPv4 address");
        return;
    }
    if ((rc = uv_tcp_init(loop, &c->tcp)) < 0) {
        a_fail("uv_tcp_init: %s", uv_strerror(rc));
        return;
    }
    c->opened = true;
    c->tcp.data = c;
    c->creq.data = c;
    c->st = CS_CONNECTING;
    (void)uv_tcp_nodelay(&c->tcp, 1);
    if ((rc = uv_tcp_connect(&c->creq, &c->tcp, (const struct sockaddr *)&a, a_connected)) < 0)
        a_fail("uv_tcp_connect: %s", uv_strerror(rc));
}

static void on_watchdog(uv_timer_t *t)
{
    (void)t;
    if (uv_hrtime() - last_progress_ns > (uint64_t)(opt.timeout_s * 1e9))
        a_fail("nothing arrived for %.0f s (--timeout)", opt.timeout_s);
}

static void a_login(struct aconn *c, const char *user)
{
    Paten__LoginRequest m = PATEN__LOGIN_REQUEST__INIT;
    m.login = (char *)user;
    m.password = (char *)opt.password;
    c->st = CS_AUTH;
    a_send(c, "Login", &m.base);
}

/* ---- fanout ---- */

static struct aconn *trigger;
static int setup_next, setup_done, fan_trigger_no;
static int64_t free_service_id;
static int64_t *trigger_files;
static uint64_t trigger_sent_ns, trigger_reply_ns;
static int arrivals;
static bool trigger_replied;
static struct bench_series from_send, from_reply, reply_lat;
static int before_reply;
static unsigned nik_base;

static void fan_start_setups(void);
static void fan_next_trigger(void);

static void fan_send_take_in(void)
{
    char key[37], nik[17], wedding[11];
    uint8_t b[16];
    time_t t = time(NULL) + 7 * 3600 + 5 * 86400;
    struct tm tm;
    static char *reqs[] = { "surat-permohonan-desa", "ktp", "kk" };
    Paten__Applicant ap = PATEN__APPLICANT__INIT;
    Paten__FieldValue fvs[6], *fp[6];
    const char *names[6] = {
        "nama_calon_suami", "nama_calon_istri",    "tanggal_nikah",
        "tempat_nikah",     "kurang_dari_10_hari", "duda_janda_tercatat_kawin"
    };
    const char *values[6] = { "Budi", "Ani", wedding, "KUA Taman", "true", "false" };
    Paten__TakeInRequest m = PATEN__TAKE_IN_REQUEST__INIT;

    gmtime_r(&t, &tm);
    strftime(wedding, sizeof wedding, "%Y-%m-%d", &tm);
    randombytes_buf(b, sizeof b);
    b[6] = (uint8_t)((b[6] & 0x0f) | 0x40);
    b[8] = (uint8_t)((b[8] & 0x3f) | 0x80);
    snprintf(key, sizeof key,
             "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
             b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14],
             b[15]);
    /* A well-formed NIK (33.27.01, a real birth date) new to this run and trigger. */
    snprintf(nik, sizeof nik, "332701%02u%02u%02u%04u", nik_base % 28 + 1, nik_base / 28 % 12 + 1,
             nik_base / 336 % 100, (unsigned)fan_trigger_no + 1);
    ap.kind = PATEN__APPLICANT_KIND__APPLICANT_KIND_PERSON;
    ap.nik = nik;
    ap.name = "Siti Aminah";
    ap.address = "Desa Taman";
    ap.phone = "081234567890";
    for (int i = 0; i < 6; i++) {
        paten__field_value__init(&fvs[i]);
        fvs[i].name = (char *)names[i];
        fvs[i].value = (char *)values[i];
        fp[i] = &fvs[i];
    }
    m.idempotency_key = key;
    m.service_id = free_service_id;
    m.applicant = &ap;
    m.n_fields = 6;
    m.fields = fp;
    m.n_requirements = 3;
    m.requirements = reqs;
    trigger->st = CS_BUSY;
    arrivals = 0;
    trigger_replied = false;
    trigger_files[fan_trigger_no] = 0;
    a_send(trigger, "TakeIn", &m.base);
    trigger_sent_ns = trigger->sent_ns;
}

static void fan_maybe_next(void)
{
    if (trigger_replied && arrivals == opt.conns) {
        fan_trigger_no++;
        fan_next_trigger();
    }
}

static void fan_next_trigger(void)
{
    if (fan_trigger_no == opt.events) {
        finished = true;
        close_all();
        return;
    }
    fan_send_take_in();
}

static void fan_on_event(struct aconn *c, const struct paten_frame *f)
{
    struct paten_unpacked u = { 0 };
    const Paten__Event *ev;
    uint64_t now = uv_hrtime();
    if (c == trigger || c->st != CS_READY)
        return;
    if (paten_msg_unpack(&u, &paten__event__descriptor, f->payload, f->hdr.length,
                         paten_msg_unpack_limit(f->hdr.length)) < 0) {
        a_fail("connection %d: an undecodable event", c->idx);
        return;
    }
    ev = (const Paten__Event *)u.msg;
    if (ev->body_case == PATEN__EVENT__BODY_FILE_CHANGED && ev->file_changed->file &&
        fan_trigger_no < opt.events && trigger->st == CS_BUSY && c->got <= fan_trigger_no) {
        int64_t id = ev->file_changed->file->id;
        bool old = false;
        for (int k = 0; k < fan_trigger_no; k++)
            old |= trigger_files[k] == id;
        if (!old && (!trigger_replied || trigger_files[fan_trigger_no] == id)) {
            c->got = fan_trigger_no + 1;
            arrivals++;
            if (bench_series_add(&from_send, (now - trigger_sent_ns) / 1000) < 0 ||
                (trigger_replied &&
                 bench_series_add(&from_reply, (now - trigger_reply_ns) / 1000) < 0))
                a_fail("out of memory");
            if (!trigger_replied) {
                before_reply++;
                if (bench_series_add(&from_reply, 0) < 0)
                    a_fail("out of memory");
            }
            fan_maybe_next();
        }
    }
    paten_msg_unpacked_free(&u);
}

static void fan_on_reply(struct aconn *c, const ProtobufCMessage *msg)
{
    int i = c->idx;
    switch (c->st) {
    case CS_HELLO:
        if (c == trigger) {
            a_login(c, "loket@taman");
        } else if (i < opt.sessions) {
            a_login(c, user_list[i % n_users]);
        } else {
            Paten__ResumeRequest m = PATEN__RESUME_REQUEST__INIT;
            m.session_token.data = tokens[i % opt.sessions];
            m.session_token.len = 32;
            c->st = CS_AUTH;
            a_send(c, "Resume", &m.base);
        }
        return;
    case CS_AUTH:
        if (c == trigger) {
            Paten__ListServicesRequest m = PATEN__LIST_SERVICES_REQUEST__INIT;
            c->st = CS_LIST;
            a_send(c, "ListServices", &m.base);
        } else {
            Paten__SubscribeRequest m = PATEN__SUBSCRIBE_REQUEST__INIT;
            const Paten__SessionReply *r = (const Paten__SessionReply *)msg;
            if (i < opt.sessions) {
                if (r->session_token.len != 32) {
                    a_fail("Login gave no session token");
                    return;
                }
                memcpy(tokens[i], r->session_token.data, 32);
            }
            m.from_now = 1;
            c->st = CS_SUBSCRIBE;
            a_send(c, "Subscribe", &m.base);
        }
        return;
    case CS_LIST: {
        const Paten__ListServicesReply *r = (const Paten__ListServicesReply *)msg;
        for (size_t k = 0; k < r->n_services; k++)
            if (strcmp(r->services[k]->code, "dispensasi-nikah") == 0)
                free_service_id = r->services[k]->id;
        if (!free_service_id) {
            a_fail("dispensasi-nikah is not in the catalog of loket@taman");
            return;
        }
        c->st = CS_READY;
        if (setup_done == opt.conns)
            fan_next_trigger();
        return;
    }
    case CS_SUBSCRIBE:
        c->st = CS_READY;
        setup_done++;
        fan_start_setups();
        if (setup_done == opt.conns && trigger->st == CS_READY)
            fan_next_trigger();
        return;
    case CS_BUSY: {
        const Paten__TakeInReply *r = (const Paten__TakeInReply *)msg;
        if (!r->complete || !r->file) {
            a_fail("TakeIn did not take the file in");
            return;
        }
        trigger_reply_ns = uv_hrtime();
        if (bench_series_add(&reply_lat, (trigger_reply_ns - trigger_sent_ns) / 1000) < 0)
            a_fail("out of memory");
        trigger_files[fan_trigger_no] = r->file->id;
        trigger_replied = true;
        fan_maybe_next();
        return;
    }
    default:
        a_fail("connection %d: a reply in state %d", i, (int)c->st);
    }
}

/*
 * Keeps at most opt.window connections being set up; Resume waits for every Login, since the
 * resumed connections need the tokens.
 */
static void fan_start_setups(void)
{
    while (!failed && setup_next < opt.conns && setup_next - setup_done < opt.window) {
        if (setup_next >= opt.sessions && setup_done < opt.sessions)
            return;
        a_connect(&conns[setup_next++]);
    }
}

static int run_fanout(void)
{
    FILE *jf;
    bool ok;
    nik_base = randombytes_uniform(336 * 100);
    trigger = &conns[opt.conns];
    trigger_files = calloc((size_t)opt.events, sizeof *trigger_files);
    if (!trigger_files)
        die("out of memory");
    a_connect(trigger);
    fan_start_setups();
    uv_run(loop, UV_RUN_DEFAULT);
    ok = !failed && fan_trigger_no == opt.events;
    printf("fan-out: %d subscribed connections (%d sessions), %d events (TakeIn at Kecamatan "
           "Taman)\n",
           opt.conns, opt.sessions, opt.events);
    printf("delivered %zu of %lld (%d before the TakeIn's reply)\n", from_send.n,
           (long long)opt.conns * opt.events, before_reply);
    print_series("TakeIn reply", &reply_lat);
    print_series("event, from the TakeIn sent", &from_send);
    print_series("event, from its reply", &from_reply);
    if ((jf = json_open()) != NULL) {
        fprintf(jf,
                "{\n  \"mode\": \"fanout\",\n  \"connections\": %d,\n  \"sessions\": %d,\n"
                "  \"events\": %d,\n  \"expected\": %lld,\n  \"delivered\": %zu,\n"
                "  \"before_reply\": %d,\n  \"ok\": %s,\n",
                opt.conns, opt.sessions, opt.events, (long long)opt.conns * opt.events, from_send.n,
                before_reply, ok ? "true" : "false");
        json_series(jf, "take_in_reply", &reply_lat, false);
        json_series(jf, "from_send", &from_send, false);
        json_series(jf, "from_reply", &from_reply, true);
        fprintf(jf, "}\n");
        fclose(jf);
    }
    free(trigger_files);
    return ok ? 0 : 1;
}

/* ---- storm ---- */

/*
 * The pinger sends one Ping, waits for its reply, then sends the next after --ping-interval-ms (a
 * timer): paced probes sample the loop's responsiveness at moments spread over the storm, where
 * back-to-back pings would mostly sample the moments the loop is free. Its phases: the baseline
 * (--baseline pings with nothing else connected), then the clients connect and say Hello (those
 * pings are not counted), then the storm (every ping until the last login is answered).
 */
static struct aconn *pinger;
static int storm_hellos, logins_sent, logins_done;
static bool storming, clients_connecting;
static uint64_t storm_start_ns, storm_end_ns;
static struct bench_series ping_base, ping_storm, login_lat;

static void storm_ping(uv_timer_t *t)
{
    Paten__PingRequest m = PATEN__PING_REQUEST__INIT;
    (void)t;
    if (failed || finished)
        return;
    pinger->st = CS_BUSY;
    a_send(pinger, "Ping", &m.base);
}

static void storm_begin(void)
{
    storming = true;
    storm_start_ns = uv_hrtime();
    for (int i = 0; i < opt.clients && logins_sent < opt.logins; i++) {
        logins_sent++;
        a_login(&conns[i], user_list[i % n_users]);
    }
}

static void storm_on_reply(struct aconn *c, const ProtobufCMessage *msg)
{
    uint64_t lat = (uv_hrtime() - c->sent_ns) / 1000;
    int rc;
    (void)msg;
    if (c == pinger) {
        if (c->st != CS_HELLO && (storming || !clients_connecting) &&
            bench_series_add(storming ? &ping_storm : &ping_base, lat) < 0) {
            a_fail("out of memory");
            return;
        }
        if (!clients_connecting && ping_base.n >= (size_t)opt.baseline) {
            clients_connecting = true;
            for (int i = 0; i < opt.clients; i++)
                a_connect(&conns[i]);
        }
        if (storming && logins_done == opt.logins) {
            finished = true;
            close_all();
            return;
        }
        c->st = CS_READY;
        if ((rc = uv_timer_start(&ping_timer, storm_ping, (uint64_t)opt.ping_interval_ms, 0)) < 0)
            a_fail("uv_timer_start: %s", uv_strerror(rc));
        return;
    }
    if (c->st == CS_HELLO) {
        c->st = CS_READY;
        if (++storm_hellos == opt.clients)
            storm_begin();
        return;
    }
    if (bench_series_add(&login_lat, lat) < 0) {
        a_fail("out of memory");
        return;
    }
    logins_done++;
    if (logins_done == opt.logins)
        storm_end_ns = uv_hrtime();
    if (logins_sent < opt.logins) {
        logins_sent++;
        a_login(c, user_list[c->idx % n_users]);
    }
}

static int run_storm(void)
{
    FILE *jf;
    bool ok;
    double secs;
    int rc;
    pinger = &conns[opt.clients];
    if ((rc = uv_timer_init(loop, &ping_timer)) < 0)
        die("uv_timer_init: %s", uv_strerror(rc));
    ping_timer_open = true;
    a_connect(pinger);
    uv_run(loop, UV_RUN_DEFAULT);
    ok = !failed && logins_done == opt.logins;
    secs = storm_end_ns > storm_start_ns ? (double)(storm_end_ns - storm_start_ns) / 1e9 : 0;
    printf("login storm: %d logins by %d clients at once (%.2f s, %.1f logins/s); a pinger "
           "alongside\n",
           logins_done, opt.clients, secs, secs > 0 ? logins_done / secs : 0);
    print_series("ping before the storm", &ping_base);
    print_series("ping during the storm", &ping_storm);
    print_series("login", &login_lat);
    if ((jf = json_open()) != NULL) {
        fprintf(jf,
                "{\n  \"mode\": \"storm\",\n  \"clients\": %d,\n  \"logins\": %d,\n"
                "  \"logins_done\": %d,\n  \"seconds\": %.3f,\n  \"ok\": %s,\n",
                opt.clients, opt.logins, logins_done, secs, ok ? "true" : "false");
        json_series(jf, "ping_before", &ping_base, false);
        json_series(jf, "ping_during", &ping_storm, false);
        json_series(jf, "login", &login_lat, true);
        fprintf(jf, "}\n");
        fclose(jf);
    }
    return ok ? 0 : 1;
}

static void on_reply(struct aconn *c, const struct paten_frame *f, const ProtobufCMessage *msg)
{
    (void)f;
    if (opt.mode == M_FANOUT)
        fan_on_reply(c, msg);
    else
        storm_on_reply(c, msg);
}

static void on_event(struct aconn *c, const struct paten_frame *f)
{
    if (opt.mode == M_FANOUT)
        fan_on_event(c, f);
}

/* ==== main ==================================================================================== */

static void usage(void)
{
    fputs("usage: paten-connbench idle|fanout|storm -p PORT [-H 127.0.0.1] [--json FILE]\n"
          "         [--timeout 60] [--users loket@taman,sekretariat@taman,camat@taman]\n"
          "  idle:   --pid PATEND_PID [-n 10000] [-s 250] [--batch 64] [--tls] [--hold SECONDS]\n"
          "  fanout: [-n 1000] [-s 100] [-e 5] [--window 64]\n"
          "  storm:  [-k 200 clients] [-l 200 logins] [--baseline 200 pings] [--ping-interval-ms "
          "2]\n",
          stderr);
}

static int positive(const char *s, const char *what)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (*end || v <= 0 || v > 1000000) {
        fprintf(stderr, "paten-connbench: %s must be a positive number\n", what);
        exit(2);
    }
    return (int)v;
}

int main(int argc, char **argv)
{
    static const struct option lo[] = { { "port", required_argument, NULL, 'p' },
                                        { "host", required_argument, NULL, 'H' },
                                        { "json", required_argument, NULL, 'j' },
                                        { "timeout", required_argument, NULL, 't' },
                                        { "users", required_argument, NULL, 'u' },
                                        { "pid", required_argument, NULL, 'P' },
                                        { "batch", required_argument, NULL, 'b' },
                                        { "tls", no_argument, NULL, 'T' },
                                        { "hold", required_argument, NULL, 'o' },
                                        { "window", required_argument, NULL, 'w' },
                                        { "baseline", required_argument, NULL, 'B' },
                                        { "ping-interval-ms", required_argument, NULL, 'I' },
                                        { "help", no_argument, NULL, 'h' },
                                        { NULL, 0, NULL, 0 } };
    char *users;
    int c, rc;

    while ((c = getopt_long(argc, argv, "p:H:n:s:e:k:l:h", lo, NULL)) != -1) {
        switch (c) {
        case 'p':
            opt.port = positive(optarg, "--port");
            break;
        case 'H':
            opt.host = optarg;
            break;
        case 'j':
            opt.json_path = optarg;
            break;
        case 't':
            opt.timeout_s = positive(optarg, "--timeout");
            break;
        case 'u':
            opt.users = optarg;
            break;
        case 'P':
            opt.pid = positive(optarg, "--pid");
            break;
        case 'b':
            opt.batch = positive(optarg, "--batch");
            break;
        case 'T':
            opt.tls = true;
            break;
        case 'o':
            opt.hold_s = atof(optarg);
            break;
        case 'w':
            opt.window = positive(optarg, "--window");
            break;
        case 'B':
            opt.baseline = positive(optarg, "--baseline");
            break;
        case 'n':
            opt.conns = positive(optarg, "-n");
            break;
        case 's':
            opt.sessions = positive(optarg, "-s");
            break;
        case 'e':
            opt.events = positive(optarg, "-e");
            break;
        case 'k':
            opt.clients = positive(optarg, "-k");
            break;
        case 'l':
            opt.logins = positive(optarg, "-l");
            break;
        case 'h':
            usage();
            return 0;
        default:
            usage();
            return 2;
        }
    }
    if (optind != argc - 1 || opt.port == 0) {
        usage();
        return 2;
    }
    if (strcmp(argv[optind], "idle") == 0)
        opt.mode = M_IDLE;
    else if (strcmp(argv[optind], "fanout") == 0)
        opt.mode = M_FANOUT;
    else if (strcmp(argv[optind], "storm") == 0)
        opt.mode = M_STORM;
    else {
        usage();
        return 2;
    }
    if (!opt.conns)
        opt.conns = opt.mode == M_IDLE ? 10000 : 1000;
    if (!opt.sessions)
        opt.sessions = opt.mode == M_IDLE ? 250 : 100;
    if (opt.sessions > opt.conns)
        opt.sessions = opt.conns;
    if (!opt.clients)
        opt.clients = 200;
    if (!opt.logins)
        opt.logins = 200;
    if (opt.mode == M_IDLE && opt.pid == 0) {
        fputs("paten-connbench: idle needs --pid (patend's, for its memory)\n", stderr);
        return 2;
    }
    if (opt.mode != M_IDLE && opt.tls) {
        fputs("paten-connbench: --tls is for idle only\n", stderr);
        return 2;
    }
    opt.password = getenv("PATEN_DEMO_PASSWORD");
    if (!opt.password || !*opt.password)
        opt.password = DEFAULT_PASSWORD;
    users = strdup(opt.users);
    if (!users)
        die("out of memory");
    for (char *save = NULL, *t = strtok_r(users, ",", &save); t && n_users < 32;
         t = strtok_r(NULL, ",", &save))
        user_list[n_users++] = t;
    if (n_users == 0) {
        fputs("paten-connbench: --users names no one\n", stderr);
        return 2;
    }
    if (sodium_init() < 0)
        die("libsodium cannot be initialised");
    signal(SIGPIPE, SIG_IGN);
    raise_nofile((opt.mode == M_STORM ? opt.clients : opt.conns) + 1);

    if (opt.mode == M_IDLE) {
        rc = run_idle();
        free(users);
        return rc;
    }
    loop = uv_default_loop();
    n_aconns = (opt.mode == M_FANOUT ? opt.conns : opt.clients) + 1;
    conns = calloc((size_t)n_aconns, sizeof *conns);
    tokens = calloc((size_t)opt.sessions, 32);
    if (!conns || !tokens)
        die("out of memory");
    for (int i = 0; i < n_aconns; i++) {
        conns[i].idx = i;
        paten_decoder_init(&conns[i].dec, PATEN_PAYLOAD_MAX_DEFAULT);
    }
    if ((rc = uv_timer_init(loop, &watchdog)) < 0 ||
        (rc = uv_timer_start(&watchdog, on_watchdog, 1000, 1000)) < 0)
        die("watchdog timer: %s", uv_strerror(rc));
    last_progress_ns = uv_hrtime();
    rc = opt.mode == M_FANOUT ? run_fanout() : run_storm();
    for (int i = 0; i < n_aconns; i++)
        paten_decoder_free(&conns[i].dec);
    (void)uv_loop_close(loop);
    bench_series_free(&from_send);
    bench_series_free(&from_reply);
    bench_series_free(&reply_lat);
    bench_series_free(&ping_base);
    bench_series_free(&ping_storm);
    bench_series_free(&login_lat);
    free(conns);
    free(tokens);
    free(users);
    return rc;
}
