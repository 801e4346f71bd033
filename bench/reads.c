/*
 * reads.c: paten-reads, the read benchmark at scale (issue 8 "Data at scale",
 * docs/performance.md "Reads at 1 million files").
 *
 * Drives the reads a desk makes against a patend whose database bench/gen_data.sql filled:
 * Inbox, SearchFiles by NIK and by register number, GetFile (the file with its timeline and
 * dispositions), ListRegister (a register's year) and Reconcile (one cashier-day), through the
 * real protocol, one request at a time (like a person at a desk: latency, not throughput, is
 * the figure), and prints p50 / p99 / p99.9 per read.
 *
 * The keys come from a file (bench/gen_data.py keys): one line per key, tab-separated,
 * "<read>\t<login>\t<argument>", all existing rows of the generated data. Every distinct login
 * gets one connection (Hello, Login with $PATEN_DEMO_PASSWORD) before the clock starts. Then
 * -n rounds each send one request of every read, with a key drawn at random among that read's,
 * in a shuffled order of reads, so that no read runs on a cache warmed by itself alone.
 *
 * A blocking client on purpose: one request in flight, nothing else to do while it is, and no
 * event loop to keep responsive (this is a tool, not patend). Exit status: 0 when every reply
 * was a success, 1 when a read was refused or a reply was empty where rows must exist, 2 on usage
 * or a connection failure.
 */
#include "bench_stats.h"
#include "paten_frame.h"
#include "paten_limits.h"
#include "paten_msg.h"

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum read_kind {
    R_INBOX,
    R_SEARCH_NIK,
    R_SEARCH_NUMBER,
    R_GET_FILE,
    R_LIST_REGISTER,
    R_RECONCILE,
    R_COUNT
};

static const char *const read_names[R_COUNT] = {
    [R_INBOX] = "inbox",
    [R_SEARCH_NIK] = "search_nik",
    [R_SEARCH_NUMBER] = "search_number",
    [R_GET_FILE] = "get_file",
    [R_LIST_REGISTER] = "list_register",
    [R_RECONCILE] = "reconcile",
};

static const char *const read_labels[R_COUNT] = {
    [R_INBOX] = "Inbox (with the last 50 done)",
    [R_SEARCH_NIK] = "SearchFiles by NIK",
    [R_SEARCH_NUMBER] = "SearchFiles by register number",
    [R_GET_FILE] = "GetFile (file, timeline, dispositions)",
    [R_LIST_REGISTER] = "ListRegister (one office's year)",
    [R_RECONCILE] = "Reconcile (one cashier-day)",
};

struct conn {
    char login[96];
    int fd;
    uint32_t next_rid;
    struct paten_decoder dec;
};

struct key {
    int conn;
    char arg[128];
};

static struct conn *conns;
static size_t n_conns;
static struct key *keys[R_COUNT];
static size_t n_keys[R_COUNT];
static struct bench_series series[R_COUNT];
static uint64_t empty_replies[R_COUNT];

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void die(const char *what)
{
    fprintf(stderr, "paten-reads: %s\n", what);
    exit(2);
}

/* Writes all of buf or dies. */
static void write_all(int fd, const uint8_t *buf, size_t len)
{
    while (len > 0) {
        ssize_t w = write(fd, buf, len);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            die(strerror(errno));
        }
        buf += w;
        len -= (size_t)w;
    }
}

/*
 * Sends msg as `rpc` on c and waits for its reply (pushed events are skipped). Returns the
 * unpacked reply in *u (the caller frees it) and 0, or 1 when the server refused (an Error frame,
 * printed), never anything else: a broken connection or frame ends the run.
 */
static int call(struct conn *c, const char *rpc, const ProtobufCMessage *msg,
                struct paten_unpacked *u)
{
    const struct paten_msg_info *info = paten_msg_by_name(rpc);
    if (!info)
        die("unknown rpc");
    uint8_t *buf = NULL;
    size_t len = 0;
    uint32_t rid = ++c->next_rid;
    if (paten_msg_pack_frame(info->type, 0, rid, msg, &buf, &len) < 0)
        die("cannot pack a request");
    write_all(c->fd, buf, len);
    free(buf);
    uint8_t rbuf[64 * 1024];
    for (;;) {
        ssize_t n = read(c->fd, rbuf, sizeof rbuf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            die(n == 0 ? "patend closed the connection" : strerror(errno));
        const uint8_t *p = rbuf;
        size_t left = (size_t)n;
        while (left > 0) {
            struct paten_frame f;
            size_t used = 0;
            int rc = paten_decoder_feed(&c->dec, p, left, &used, &f);
            if (rc < 0)
                die("bad frame from patend");
            if (rc == 0)
                break;
            p += used;
            left -= used;
            if ((f.hdr.flags & PATEN_FLAG_EVENT) || f.hdr.request_id != rid) {
                free(f.payload);
                continue;
            }
            /* Whatever follows the reply can only be events: fed to the decoder and dropped,
             * so that a frame split across reads stays whole. */
            while (left > 0) {
                struct paten_frame ev;
                size_t eused = 0;
                int erc = paten_decoder_feed(&c->dec, p, left, &eused, &ev);
                if (erc < 0)
                    die("bad frame from patend");
                if (erc == 0)
                    break;
                free(ev.payload);
                p += eused;
                left -= eused;
            }
            int result = 0;
            if (f.hdr.flags & PATEN_FLAG_ERROR) {
                struct paten_unpacked e = { 0 };
                if (paten_msg_unpack(&e, &paten__error__descriptor, f.payload, f.hdr.length,
                                     paten_msg_unpack_limit(f.hdr.length)) == 0) {
                    const Paten__Error *err = (const Paten__Error *)e.msg;
                    fprintf(stderr, "paten-reads: %s as %s refused: %s\n", rpc, c->login,
                            err->message);
                }
                paten_msg_unpacked_free(&e);
                result = 1;
            } else if (paten_msg_unpack(u, info->reply, f.payload, f.hdr.length,
                                        paten_msg_unpack_limit(f.hdr.length)) < 0) {
                die("bad reply");
            }
            free(f.payload);
            return result;
        }
    }
}

static void open_conn(struct conn *c, const char *host, int port, const char *password)
{
    struct sockaddr_in a = { 0 };
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)port);
    if (inet_pton(AF_INET, host, &a.sin_addr) != 1)
        die("-H wants a numeric IPv4 address");
    c->fd = socket(AF_INET, SOCK_STREAM, 0);
    if (c->fd < 0)
        die(strerror(errno));
    int one = 1;
    if (setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) < 0)
        die(strerror(errno));
    if (connect(c->fd, (struct sockaddr *)&a, sizeof a) < 0)
        die(strerror(errno));
    paten_decoder_init(&c->dec, PATEN_PAYLOAD_MAX_DEFAULT);
    struct paten_unpacked u = { 0 };
    Paten__HelloRequest h = PATEN__HELLO_REQUEST__INIT;
    h.protocol_major = PATEN_PROTOCOL_MAJOR;
    h.protocol_minor = PATEN_PROTOCOL_MINOR;
    h.client_name = "paten-reads";
    h.client_version = PATEN_VERSION;
    if (call(c, "Hello", &h.base, &u) != 0)
        die("Hello refused");
    paten_msg_unpacked_free(&u);
    Paten__LoginRequest l = PATEN__LOGIN_REQUEST__INIT;
    l.login = c->login;
    l.password = (char *)password;
    if (call(c, "Login", &l.base, &u) != 0) {
        fprintf(stderr, "paten-reads: login of %s refused\n", c->login);
        exit(2);
    }
    paten_msg_unpacked_free(&u);
}

static int conn_of(const char *login)
{
    for (size_t i = 0; i < n_conns; i++)
        if (strcmp(conns[i].login, login) == 0)
            return (int)i;
    struct conn *n = realloc(conns, (n_conns + 1) * sizeof *conns);
    if (!n)
        die("out of memory");
    conns = n;
    memset(&conns[n_conns], 0, sizeof *conns);
    snprintf(conns[n_conns].login, sizeof conns[n_conns].login, "%s", login);
    conns[n_conns].fd = -1;
    return (int)n_conns++;
}

static void load_keys(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        die(strerror(errno));
    char line[512];
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = 0;
        char *read = strtok(line, "\t");
        char *login = strtok(NULL, "\t");
        char *arg = strtok(NULL, "\t");
        if (!read || !login)
            continue;
        int r;
        for (r = 0; r < R_COUNT && strcmp(read_names[r], read) != 0; r++)
            ;
        if (r == R_COUNT)
            die("unknown read in the keys file");
        struct key *k = realloc(keys[r], (n_keys[r] + 1) * sizeof *k);
        if (!k)
            die("out of memory");
        keys[r] = k;
        k[n_keys[r]].conn = conn_of(login);
        snprintf(k[n_keys[r]].arg, sizeof k[n_keys[r]].arg, "%s", arg ? arg : "");
        n_keys[r]++;
    }
    fclose(f);
}

/* Sends read r with key k; records its latency. Returns 0, or 1 when refused. An empty reply
 * where the key says rows exist is counted in empty_replies (the run then fails). */
static int do_read(enum read_kind r, const struct key *k)
{
    struct conn *c = &conns[k->conn];
    struct paten_unpacked u = { 0 };
    int rc;
    uint64_t t0 = now_ns();
    bool empty = false;
    switch (r) {
    case R_INBOX: {
        Paten__InboxRequest m = PATEN__INBOX_REQUEST__INIT;
        m.include_completed = 1;
        rc = call(c, "Inbox", &m.base, &u);
        break;
    }
    case R_SEARCH_NIK:
    case R_SEARCH_NUMBER: {
        Paten__SearchFilesRequest m = PATEN__SEARCH_FILES_REQUEST__INIT;
        if (r == R_SEARCH_NIK)
            m.number = (char *)k->arg;
        else
            m.register_number = (char *)k->arg;
        rc = call(c, "SearchFiles", &m.base, &u);
        if (rc == 0)
            empty = ((Paten__SearchFilesReply *)u.msg)->n_files == 0;
        break;
    }
    case R_GET_FILE: {
        Paten__GetFileRequest m = PATEN__GET_FILE_REQUEST__INIT;
        m.file_id = strtoll(k->arg, NULL, 10);
        rc = call(c, "GetFile", &m.base, &u);
        if (rc == 0)
            empty = ((Paten__FileReply *)u.msg)->n_history == 0;
        break;
    }
    case R_LIST_REGISTER: {
        char kind[64];
        int year = 0;
        if (sscanf(k->arg, "%40s %d", kind, &year) != 2)
            die("list_register wants \"KIND YEAR\"");
        char full[80];
        snprintf(full, sizeof full, "DOCUMENT_KIND_%s", kind);
        const ProtobufCEnumValue *v =
            protobuf_c_enum_descriptor_get_value_by_name(&paten__document_kind__descriptor, full);
        if (!v)
            die("unknown document kind");
        Paten__ListRegisterRequest m = PATEN__LIST_REGISTER_REQUEST__INIT;
        m.kind = (Paten__DocumentKind)v->value;
        m.year = year;
        rc = call(c, "ListRegister", &m.base, &u);
        if (rc == 0)
            empty = ((Paten__ListRegisterReply *)u.msg)->n_entries == 0;
        break;
    }
    default: {
        Paten__ReconcileRequest m = PATEN__RECONCILE_REQUEST__INIT;
        m.day = (char *)k->arg;
        rc = call(c, "Reconcile", &m.base, &u);
        if (rc == 0)
            empty = ((Paten__ReconcileReply *)u.msg)->n_payments == 0;
        break;
    }
    }
    uint64_t us = (now_ns() - t0) / 1000;
    paten_msg_unpacked_free(&u);
    if (rc != 0) {
        series[r].errors++;
        return 1;
    }
    if (empty)
        empty_replies[r]++;
    if (bench_series_add(&series[r], us) < 0)
        die("out of memory for samples");
    return 0;
}

static void usage(void)
{
    fputs("usage: paten-reads -p PORT -k KEYS [-H 127.0.0.1] [-n ROUNDS] [--json FILE]\n"
          "  -k, --keys FILE   keys of the generated data (bench/gen_data.py keys)\n"
          "  -n, --rounds N    requests of each read (default 2000)\n"
          "  -j, --json FILE   also write the figures as JSON\n",
          stderr);
    exit(2);
}

int main(int argc, char **argv)
{
    const char *host = "127.0.0.1", *keys_path = NULL, *json_path = NULL;
    int port = 0;
    long rounds = 2000;
    static const struct option lo[] = {
        { "port", required_argument, NULL, 'p' }, { "host", required_argument, NULL, 'H' },
        { "keys", required_argument, NULL, 'k' }, { "rounds", required_argument, NULL, 'n' },
        { "json", required_argument, NULL, 'j' }, { NULL, 0, NULL, 0 }
    };
    int ch;
    while ((ch = getopt_long(argc, argv, "p:H:k:n:j:", lo, NULL)) != -1) {
        switch (ch) {
        case 'p':
            port = atoi(optarg);
            break;
        case 'H':
            host = optarg;
            break;
        case 'k':
            keys_path = optarg;
            break;
        case 'n':
            rounds = atol(optarg);
            break;
        case 'j':
            json_path = optarg;
            break;
        default:
            usage();
        }
    }
    if (port <= 0 || !keys_path || rounds <= 0)
        usage();
    if (sodium_init() < 0)
        die("sodium_init failed");
    const char *password = getenv("PATEN_DEMO_PASSWORD");
    if (!password || !*password)
        password = "rahasia-demo-2026";
    load_keys(keys_path);
    for (size_t i = 0; i < n_conns; i++)
        open_conn(&conns[i], host, port, password);

    bool failed = false;
    enum read_kind order[R_COUNT];
    for (int r = 0; r < R_COUNT; r++)
        order[r] = (enum read_kind)r;
    for (long i = 0; i < rounds; i++) {
        for (int r = R_COUNT - 1; r > 0; r--) { /* a fresh order of reads each round */
            int j = (int)randombytes_uniform((uint32_t)r + 1);
            enum read_kind t = order[r];
            order[r] = order[j];
            order[j] = t;
        }
        for (int x = 0; x < R_COUNT; x++) {
            enum read_kind r = order[x];
            if (n_keys[r] == 0)
                continue;
            const struct key *k = &keys[r][randombytes_uniform((uint32_t)n_keys[r])];
            failed |= do_read(r, k) != 0;
        }
    }

    printf("%-40s %8s %9s %9s %9s %9s %6s %6s\n", "read", "count", "p50 ms", "p99 ms", "p99.9 ms",
           "max ms", "errors", "empty");
    for (int r = 0; r < R_COUNT; r++) {
        bench_series_sort(&series[r]);
        const struct bench_series *s = &series[r];
        printf("%-40s %8zu %9.3f %9.3f %9.3f %9.3f %6" PRIu64 " %6" PRIu64 "\n", read_labels[r],
               s->n, bench_series_pct(s, 0.5) / 1000.0, bench_series_pct(s, 0.99) / 1000.0,
               bench_series_pct(s, 0.999) / 1000.0, bench_series_pct(s, 1.0) / 1000.0, s->errors,
               empty_replies[r]);
        failed |= empty_replies[r] > 0;
    }
    if (json_path) {
        FILE *out = fopen(json_path, "w");
        if (!out)
            die(strerror(errno));
        fprintf(out, "{\"rounds\": %ld, \"reads\": [", rounds);
        for (int r = 0; r < R_COUNT; r++) {
            const struct bench_series *s = &series[r];
            fprintf(out,
                    "%s\n {\"read\": \"%s\", \"label\": \"%s\", \"keys\": %zu, \"count\": %zu, "
                    "\"errors\": %" PRIu64 ", \"empty\": %" PRIu64 ", \"p50_ms\": %.3f, "
                    "\"p99_ms\": %.3f, \"p999_ms\": %.3f, \"max_ms\": %.3f}",
                    r ? "," : "", read_names[r], read_labels[r], n_keys[r], s->n, s->errors,
                    empty_replies[r], bench_series_pct(s, 0.5) / 1000.0,
                    bench_series_pct(s, 0.99) / 1000.0, bench_series_pct(s, 0.999) / 1000.0,
                    bench_series_pct(s, 1.0) / 1000.0);
        }
        fprintf(out, "\n]}\n");
        if (fclose(out) != 0)
            die(strerror(errno));
    }
    for (size_t i = 0; i < n_conns; i++) {
        close(conns[i].fd);
        paten_decoder_free(&conns[i].dec);
    }
    for (int r = 0; r < R_COUNT; r++) {
        bench_series_free(&series[r]);
        free(keys[r]);
    }
    free(conns);
    return failed ? 1 : 0;
}
