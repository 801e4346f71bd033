/*
 * pd_transport_tls.c: TLS over a plain TCP transport (see pd_transport.h), with OpenSSL driven
 * through two memory BIOs, so that OpenSSL never touches the socket and nothing blocks:
 *
 *   inner on_read (ciphertext) -> BIO_write(rbio) -> SSL_do_handshake / SSL_read -> owner on_read
 *   owner write_bufs -> SSL_write -> BIO_read(wbio) -> inner write_bufs (ciphertext)
 *
 * The inner transport is pd_transport_tcp.c's, owned by this one: it keeps its peer name, its
 * shared read buffer and its write requests; this layer adds the SSL object and a queue that
 * maps each inner write back to the owner's write it carries (handshake records and alerts are
 * writes of our own, not reported to the owner). Inner writes complete in order, as libuv writes
 * on one stream do.
 *
 * Plaintext is handed to the owner from one buffer shared by every connection, as the TCP
 * transport does with its reads. When the owner stops reading in the middle of a burst, what
 * OpenSSL has buffered stays there; read_start hands it over from a zero-delay timer, never from
 * inside read_start itself (the owner calls read_start from its own read callback).
 */
#include "pd_transport.h"

#include "pd_alloc.h"
#include "pd_log.h"

#include <errno.h>
#include <limits.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* TLS 1.2 suites: ECDHE key exchange (forward secrecy) and AEAD only. TLS 1.3's suites are all
 * of that kind; OpenSSL's default list for them is kept. */
#define TLS12_CIPHERS                                            \
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:" \
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:" \
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305"

/* One TLS record's worth of plaintext per SSL_read. */
#define PLAIN_BUFFER_SIZE (16 * 1024)

struct pd_tls {
    SSL_CTX *ctx;
};

/* One inner write in flight, oldest first. */
struct tls_write {
    struct tls_write *next;
    size_t owner_bytes; /* the owner's plaintext bytes it carries */
    bool owner;         /* false: handshake records, alerts, close_notify */
};

struct tls_transport {
    struct pd_transport base;
    struct pd_transport *inner; /* the TCP transport carrying the records */
    SSL *ssl;
    BIO *rbio, *wbio; /* owned by ssl */
    uv_timer_t drain; /* hands over buffered plaintext after reading resumes */
    struct tls_write *wq_head, *wq_tail;
    int open_handles; /* the inner transport and the timer, until both are closed */
    bool reading;     /* the owner wants on_read */
    bool inner_reading;
    bool handshake_done;
    bool failed; /* a fatal TLS error: no SSL call but SSL_free from now on */
    bool inner_eof;
    bool eof_delivered;
    bool closing;
};

static uint8_t plain_buffer[PLAIN_BUFFER_SIZE];

/* ---- OpenSSL's error queue ------------------------------------------------------------------ */

/* The reasons in OpenSSL's error queue, joined with "; " (the queue is emptied). */
static void openssl_reasons(char *buf, size_t cap)
{
    unsigned long e;
    size_t used = 0;

    buf[0] = '\0';
    while ((e = ERR_get_error()) != 0) {
        const char *r = ERR_reason_error_string(e);
        char code[32];

        if (r == NULL) {
            snprintf(code, sizeof code, "error %lx", e);
            r = code;
        }
        if (used < cap)
            used += (size_t)snprintf(buf + used, cap - used, "%s%s", used ? "; " : "", r);
    }
    if (buf[0] == '\0')
        snprintf(buf, cap, "unknown error");
}

/* ---- the context ------------------------------------------------------------------------- */

static int readable(const char *what, const char *path)
{
    if (access(path, R_OK) != 0) {
        pd_error(0, "cannot read the TLS %s %s: %s", what, path, strerror(errno));
        return -1;
    }
    return 0;
}

/* Logs what failed (a printf format) with OpenSSL's reasons, frees ctx and returns -1. */
static int tls_fail(SSL_CTX *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int tls_fail(SSL_CTX *ctx, const char *fmt, ...)
{
    char reasons[512];
    char what[512];
    va_list ap;

    openssl_reasons(reasons, sizeof reasons);
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    pd_error(0, "%s: %s", what, reasons);
    SSL_CTX_free(ctx);
    return -1;
}

int pd_tls_create(const char *cert_file, const char *key_file, const char *client_ca_file,
                  struct pd_tls **out)
{
    SSL_CTX *ctx;
    struct stat st;
    X509 *leaf;

    *out = NULL;
    if (readable("certificate chain", cert_file) < 0 || readable("private key", key_file) < 0 ||
        (client_ca_file && readable("client CA", client_ca_file) < 0))
        return -1;
    ERR_clear_error();
    ctx = SSL_CTX_new(TLS_server_method());
    if (ctx == NULL)
        return tls_fail(NULL, "cannot create the TLS context");
    if (SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1)
        return tls_fail(ctx, "cannot require TLS 1.2");
    SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION |
                                 SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_TICKET);
    /* Idle connections (most of them) give their record buffers back. */
    SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
    /* No resumption: every connection makes a full handshake (and so a full client check). */
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
    if (SSL_CTX_set_num_tickets(ctx, 0) != 1)
        return tls_fail(ctx, "cannot turn session tickets off");
    if (SSL_CTX_set_cipher_list(ctx, TLS12_CIPHERS) != 1)
        return tls_fail(ctx, "cannot set the TLS 1.2 cipher list");
    if (SSL_CTX_use_certificate_chain_file(ctx, cert_file) != 1)
        return tls_fail(ctx, "cannot load the TLS certificate chain from %s", cert_file);
    if (SSL_CTX_use_PrivateKey_file(ctx, key_file, SSL_FILETYPE_PEM) != 1)
        return tls_fail(ctx, "cannot load the TLS private key from %s", key_file);
    if (SSL_CTX_check_private_key(ctx) != 1)
        return tls_fail(ctx, "the TLS private key does not belong to the certificate in %s",
                        cert_file);
    if (stat(key_file, &st) == 0 && (st.st_mode & 077))
        pd_warn(0, "the TLS private key %s can be read by other users: chmod 600 it", key_file);
    leaf = SSL_CTX_get0_certificate(ctx);
    if (leaf != NULL && X509_cmp_current_time(X509_get0_notAfter(leaf)) <= 0)
        pd_warn(0, "the TLS certificate in %s has expired: clients will refuse it", cert_file);
    else if (leaf != NULL && X509_cmp_current_time(X509_get0_notBefore(leaf)) >= 0)
        pd_warn(0, "the TLS certificate in %s is not valid yet: clients will refuse it", cert_file);

    if (client_ca_file != NULL) {
        STACK_OF(X509_NAME) * names;

        if (SSL_CTX_load_verify_locations(ctx, client_ca_file, NULL) != 1)
            return tls_fail(ctx, "cannot load the client CA from %s", client_ca_file);
        names = SSL_load_client_CA_file(client_ca_file);
        if (names == NULL)
            return tls_fail(ctx, "no CA certificate in %s", client_ca_file);
        SSL_CTX_set_client_CA_list(ctx, names);
        SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
        if (SSL_CTX_set_session_id_context(ctx, (const unsigned char *)"patend", 6) != 1)
            return tls_fail(ctx, "cannot set the session id context");
    }
    *out = pd_xcalloc(1, sizeof **out);
    (*out)->ctx = ctx;
    pd_info(0, "TLS: certificate chain %s, key %s%s%s", cert_file, key_file,
            client_ca_file ? "; client certificates signed by " : "",
            client_ca_file ? client_ca_file : "");
    return 0;
}

void pd_tls_free(struct pd_tls *tls)
{
    if (tls == NULL)
        return;
    SSL_CTX_free(tls->ctx);
    free(tls);
}

/* ---- writing ------------------------------------------------------------------------------ */

/*
 * Sends whatever OpenSSL has put in the write BIO as one inner write, queued as the owner's
 * write of owner_bytes when owner is set. Returns 0 (also when there was nothing to send) or a
 * negative uv error.
 */
static int flush_output(struct tls_transport *t, bool owner, size_t owner_bytes)
{
    size_t pending = BIO_ctrl_pending(t->wbio);
    struct tls_write *w, *old_tail = t->wq_tail;
    uv_buf_t b;
    char *buf;
    int n, rc;

    if (pending == 0)
        return owner ? UV_EPROTO : 0;
    if (pending > INT_MAX)
        return UV_E2BIG;
    buf = pd_xmalloc(pending);
    n = BIO_read(t->wbio, buf, (int)pending);
    if (n <= 0 || (size_t)n != pending) {
        free(buf);
        return UV_EPROTO;
    }
    w = pd_xcalloc(1, sizeof *w);
    w->owner = owner;
    w->owner_bytes = owner_bytes;
    if (t->wq_tail)
        t->wq_tail->next = w;
    else
        t->wq_head = w;
    t->wq_tail = w;
    b = uv_buf_init(buf, (unsigned)n);
    rc = t->inner->ops->write_bufs(t->inner, &b, 1); /* frees buf, also on failure */
    if (rc < 0) {
        if (old_tail)
            old_tail->next = NULL;
        else
            t->wq_head = NULL;
        t->wq_tail = old_tail;
        free(w);
    }
    return rc;
}

static int tls_write_bufs(struct pd_transport *base, uv_buf_t *bufs, unsigned n)
{
    struct tls_transport *t = (struct tls_transport *)base;
    size_t total = 0;
    int rc = 0;

    if (t->closing || t->failed) {
        rc = UV_EPIPE;
    } else if (!t->handshake_done) {
        /* Nothing can reach a peer that has not finished the handshake (this is the
         * hello-timeout's error for a client that never did). */
        pd_info(t->base.log_id, "the TLS handshake with %s did not complete",
                t->inner->ops->peer(t->inner));
        rc = UV_ENOTCONN;
    }
    for (unsigned i = 0; i < n; i++) {
        if (rc == 0 && bufs[i].len > 0) {
            int w;

            if (bufs[i].len > INT_MAX) {
                rc = UV_E2BIG;
            } else {
                ERR_clear_error();
                w = SSL_write(t->ssl, bufs[i].base, (int)bufs[i].len);
                if (w <= 0 || (size_t)w != bufs[i].len) {
                    char reasons[256];
                    openssl_reasons(reasons, sizeof reasons);
                    pd_info(t->base.log_id, "TLS write to %s failed: %s",
                            t->inner->ops->peer(t->inner), reasons);
                    t->failed = true;
                    rc = UV_EPROTO;
                }
            }
            total += bufs[i].len;
        }
        free(bufs[i].base);
    }
    if (rc == 0)
        rc = total > 0 ? flush_output(t, true, total) : UV_EINVAL;
    return rc;
}

/* ---- reading ------------------------------------------------------------------------------ */

static void deliver_eof(struct tls_transport *t)
{
    if (t->eof_delivered)
        return;
    t->eof_delivered = true;
    t->base.ev->on_read(t->base.owner, NULL, UV_EOF);
}

/* A fatal TLS error (err from SSL_get_error): logged with OpenSSL's reasons, the alert OpenSSL
 * prepared sent, and the owner told (UV_EPROTO; it then closes). */
static void fail_tls(struct tls_transport *t, int err, const char *during)
{
    char reasons[512];
    long verify = SSL_get_verify_result(t->ssl);

    if (err == SSL_ERROR_SYSCALL && ERR_peek_error() == 0)
        snprintf(reasons, sizeof reasons, "unexpected end of the TLS stream");
    else
        openssl_reasons(reasons, sizeof reasons);
    if (verify != X509_V_OK)
        pd_info(t->base.log_id, "TLS %s with %s failed: %s (client certificate: %s)", during,
                t->inner->ops->peer(t->inner), reasons, X509_verify_cert_error_string(verify));
    else
        pd_info(t->base.log_id, "TLS %s with %s failed: %s", during, t->inner->ops->peer(t->inner),
                reasons);
    t->failed = true;
    (void)flush_output(t, false, 0); /* the alert, if any */
    t->base.ev->on_read(t->base.owner, NULL, UV_EPROTO);
}

/* The subject CN of cert as printable UTF-8 (control characters replaced), or "" when none. */
static void subject_cn(X509 *cert, char *out, size_t cap)
{
    X509_NAME *name = X509_get_subject_name(cert);
    int idx = name ? X509_NAME_get_index_by_NID(name, NID_commonName, -1) : -1;
    unsigned char *utf8 = NULL;
    int len;

    out[0] = '\0';
    if (idx < 0)
        return;
    len = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, idx)));
    if (len < 0)
        return;
    snprintf(out, cap, "%.*s", len, (const char *)utf8);
    OPENSSL_free(utf8);
    for (char *p = out; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            *p = '?';
}

static void log_established(struct tls_transport *t)
{
    X509 *peer = SSL_get0_peer_certificate(t->ssl);
    const char *addr = t->inner->ops->peer(t->inner);

    if (peer != NULL) {
        char cn[256];
        subject_cn(peer, cn, sizeof cn);
        pd_info(t->base.log_id, "TLS %s %s with %s, client certificate CN=%s",
                SSL_get_version(t->ssl), SSL_get_cipher_name(t->ssl), addr, cn);
    } else {
        pd_debug(t->base.log_id, "TLS %s %s with %s", SSL_get_version(t->ssl),
                 SSL_get_cipher_name(t->ssl), addr);
    }
}

/* Moves the handshake on and hands plaintext to the owner while it reads. */
static void pump(struct tls_transport *t)
{
    int rc, err;

    if (t->failed || t->closing)
        return;
    if (!t->handshake_done) {
        ERR_clear_error();
        rc = SSL_do_handshake(t->ssl);
        err = rc == 1 ? SSL_ERROR_NONE : SSL_get_error(t->ssl, rc);
        if (err != SSL_ERROR_NONE && err != SSL_ERROR_WANT_READ) {
            fail_tls(t, err, "handshake");
            return;
        }
        if ((rc = flush_output(t, false, 0)) < 0) {
            t->failed = true;
            t->base.ev->on_read(t->base.owner, NULL, rc);
            return;
        }
        if (err == SSL_ERROR_WANT_READ) {
            if (t->inner_eof) {
                pd_debug(t->base.log_id, "the peer left during the TLS handshake");
                deliver_eof(t);
            }
            return;
        }
        t->handshake_done = true;
        log_established(t);
    }
    while (t->reading && !t->closing && !t->failed) {
        ERR_clear_error();
        rc = SSL_read(t->ssl, plain_buffer, sizeof plain_buffer);
        if (rc > 0) {
            t->base.ev->on_read(t->base.owner, plain_buffer, rc);
            continue;
        }
        err = SSL_get_error(t->ssl, rc);
        if (err == SSL_ERROR_WANT_READ) {
            if (t->inner_eof)
                deliver_eof(t);
        } else if (err == SSL_ERROR_ZERO_RETURN) {
            deliver_eof(t); /* close_notify */
        } else {
            fail_tls(t, err, "read");
        }
        break;
    }
    /* Whatever reading produced (an answer to a key update, say). */
    if (!t->closing && !t->failed && (rc = flush_output(t, false, 0)) < 0) {
        t->failed = true;
        t->base.ev->on_read(t->base.owner, NULL, rc);
    }
}

static void on_drain(uv_timer_t *timer)
{
    pump(timer->data);
}

static int tls_read_start(struct pd_transport *base)
{
    struct tls_transport *t = (struct tls_transport *)base;
    int rc;

    if (t->closing)
        return UV_EPIPE;
    t->reading = true;
    if (!t->inner_reading && !t->inner_eof) {
        rc = t->inner->ops->read_start(t->inner);
        if (rc < 0)
            return rc;
        t->inner_reading = true;
    }
    if (t->handshake_done && !t->failed &&
        (SSL_has_pending(t->ssl) || (t->inner_eof && !t->eof_delivered)))
        return uv_timer_start(&t->drain, on_drain, 0, 0);
    return 0;
}

static int tls_read_stop(struct pd_transport *base)
{
    struct tls_transport *t = (struct tls_transport *)base;

    if (t->closing)
        return 0;
    t->reading = false;
    uv_timer_stop(&t->drain);
    if (t->inner_reading) {
        t->inner_reading = false;
        return t->inner->ops->read_stop(t->inner);
    }
    return 0;
}

/* ---- events of the inner transport --------------------------------------------------------- */

static void inner_on_read(void *owner, const uint8_t *data, ssize_t n)
{
    struct tls_transport *t = owner;

    if (t->closing)
        return;
    if (n < 0) {
        if (n == UV_EOF) {
            t->inner_eof = true;
            t->inner_reading = false; /* libuv stops reading at the end of the stream */
            pump(t);
        } else if (!t->failed) {
            t->failed = true;
            t->base.ev->on_read(t->base.owner, NULL, n);
        }
        return;
    }
    if (t->failed)
        return;
    if (n > INT_MAX || BIO_write(t->rbio, data, (int)n) != (int)n) {
        t->failed = true;
        t->base.ev->on_read(t->base.owner, NULL, UV_ENOMEM);
        return;
    }
    pump(t);
}

static void inner_on_written(void *owner, size_t bytes, int status)
{
    struct tls_transport *t = owner;
    struct tls_write *w = t->wq_head;

    (void)bytes;
    if (w == NULL)
        return;
    t->wq_head = w->next;
    if (t->wq_head == NULL)
        t->wq_tail = NULL;
    if (w->owner)
        t->base.ev->on_written(t->base.owner, w->owner_bytes, status);
    free(w);
}

static void handle_closed(struct tls_transport *t)
{
    if (--t->open_handles > 0)
        return;
    t->base.ev->on_closed(t->base.owner);
    while (t->wq_head) {
        struct tls_write *w = t->wq_head;
        t->wq_head = w->next;
        free(w);
    }
    SSL_free(t->ssl);
    free(t);
}

static void inner_on_closed(void *owner)
{
    handle_closed(owner);
}

static void drain_closed(uv_handle_t *h)
{
    handle_closed(h->data);
}

static const struct pd_transport_events inner_events = {
    .on_read = inner_on_read,
    .on_written = inner_on_written,
    .on_closed = inner_on_closed,
};

/* ---- the rest of the interface ------------------------------------------------------------- */

static void tls_close(struct pd_transport *base)
{
    struct tls_transport *t = (struct tls_transport *)base;

    if (t->closing)
        return;
    t->closing = true;
    uv_timer_stop(&t->drain);
    uv_close((uv_handle_t *)&t->drain, drain_closed);
    /* close_notify: it goes out when nothing else is waiting (a graceful close); an abort with
     * writes pending cancels it with them. */
    if (t->handshake_done && !t->failed) {
        ERR_clear_error();
        (void)SSL_shutdown(t->ssl);
        ERR_clear_error();
        (void)flush_output(t, false, 0);
    }
    t->inner->ops->close(t->inner);
}

static const char *tls_peer(const struct pd_transport *base)
{
    const struct tls_transport *t = (const struct tls_transport *)base;
    return t->inner->ops->peer(t->inner);
}

static const struct pd_transport_ops tls_ops = {
    .read_start = tls_read_start,
    .read_stop = tls_read_stop,
    .write_bufs = tls_write_bufs,
    .close = tls_close,
    .peer = tls_peer,
};

static void orphan_read(void *owner, const uint8_t *data, ssize_t n)
{
    (void)owner;
    (void)data;
    (void)n;
}

static void orphan_written(void *owner, size_t bytes, int status)
{
    (void)owner;
    (void)bytes;
    (void)status;
}

static void orphan_closed(void *owner)
{
    (void)owner;
}

/* For an inner transport closed before a TLS transport was built over it. */
static const struct pd_transport_events orphan_events = {
    .on_read = orphan_read,
    .on_written = orphan_written,
    .on_closed = orphan_closed,
};

int pd_transport_tls_accept(uv_stream_t *server, struct pd_tls *tls, struct pd_transport **out)
{
    struct pd_transport *inner;
    struct tls_transport *t;
    int rc;

    rc = pd_transport_tcp_accept(server, &inner);
    if (rc < 0)
        return rc;
    t = pd_xcalloc(1, sizeof *t);
    t->inner = inner;
    ERR_clear_error();
    t->ssl = SSL_new(tls->ctx);
    t->rbio = BIO_new(BIO_s_mem());
    t->wbio = BIO_new(BIO_s_mem());
    if (t->ssl == NULL || t->rbio == NULL || t->wbio == NULL ||
        (rc = uv_timer_init(server->loop, &t->drain)) < 0) {
        char reasons[256];
        openssl_reasons(reasons, sizeof reasons);
        pd_warn(0, "cannot set up TLS for %s: %s", inner->ops->peer(inner),
                rc < 0 ? uv_strerror(rc) : reasons);
        BIO_free(t->rbio);
        BIO_free(t->wbio);
        SSL_free(t->ssl);
        free(t);
        inner->ev = &orphan_events;
        inner->owner = NULL;
        inner->ops->close(inner);
        return rc < 0 ? rc : UV_ENOMEM;
    }
    /* An empty read BIO means "more to come", not the end of the stream. */
    BIO_set_mem_eof_return(t->rbio, -1);
    BIO_set_mem_eof_return(t->wbio, -1);
    SSL_set_bio(t->ssl, t->rbio, t->wbio);
    SSL_set_accept_state(t->ssl);
    t->drain.data = t;
    t->open_handles = 2;
    inner->ev = &inner_events;
    inner->owner = t;
    t->base.ops = &tls_ops;
    *out = &t->base;
    return 0;
}
