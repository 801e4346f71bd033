/*
 * pd_server.c: listener, per-iteration flush, timeout sweep, signals and graceful shutdown.
 *
 * Shutdown runs in steps on the loop: stop accepting and reading, tell every client with a
 * ServerShutdown event, wait (at most shutdown-timeout) for requests in flight, close the
 * connections after their last replies, then the database pool, then the embedded PostgreSQL,
 * then the server's own handles. When the last handle is closed uv_run returns in main().
 */
#include "pd_server.h"

#include "pd_payments.h"

#include "paten_msg.h"
#include "pd_clock.h"
#include "pd_cluster.h"
#include "pd_conn.h"
#include "pd_db.h"
#include "pd_log.h"
#include "pd_ratelimit.h"

#include <assert.h>
#include <errno.h>
#include <stddef.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static void server_close_connections(struct pd_server *srv);

/*
 * Tells systemd (Type=notify) how patend is doing: one datagram to $NOTIFY_SOCKET, the protocol
 * sd_notify(3) documents as stable, written here rather than linking libsystemd for it. The
 * socket is non-blocking and a message that cannot go out at once is dropped, so the loop never
 * waits on it. Without NOTIFY_SOCKET (not under systemd) nothing happens.
 */
static void notify_systemd(const char *state)
{
    const char *path = getenv("NOTIFY_SOCKET");
    struct sockaddr_un sa;
    socklen_t len;
    size_t plen;
    int fd;

    if (path == NULL || (path[0] != '/' && path[0] != '@'))
        return;
    plen = strlen(path);
    if (plen >= sizeof sa.sun_path) {
        pd_warn(0, "NOTIFY_SOCKET is too long; not telling systemd '%s'", state);
        return;
    }
    memset(&sa, 0, sizeof sa);
    sa.sun_family = AF_UNIX;
    memcpy(sa.sun_path, path, plen);
    if (path[0] == '@') /* an abstract socket */
        sa.sun_path[0] = '\0';
    len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + plen);
    fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) {
        pd_warn(0, "cannot tell systemd '%s': socket: %s", state, strerror(errno));
        return;
    }
    if (sendto(fd, state, strlen(state), MSG_NOSIGNAL, (struct sockaddr *)&sa, len) < 0)
        pd_warn(0, "cannot tell systemd '%s': %s", state, strerror(errno));
    else
        pd_debug(0, "told systemd %s", state);
    close(fd);
}

static void on_connection(uv_stream_t *listener, int status)
{
    struct pd_server *srv = listener->data;

    if (status < 0) {
        pd_warn(0, "listener error: %s", uv_strerror(status));
        return;
    }
    pd_conn_accept(srv);
}

static void on_flush_check(uv_check_t *h)
{
    pd_conn_flush_all(h->data);
}

static void on_sweep(uv_timer_t *t)
{
    pd_conn_sweep(t->data);
}

static void on_signal(uv_signal_t *h, int signum)
{
    struct pd_server *srv = h->data;

    if (srv->state >= PD_SERVER_DRAINING) {
        pd_warn(0, "second signal %d during shutdown: exiting now", signum);
        exit(1);
    }
    pd_info(0, "received %s: shutting down", signum == SIGINT ? "SIGINT" : "SIGTERM");
    pd_server_shutdown(srv);
}

/* The sweep runs often enough for the shortest configured timeout to be honoured within ~25%. */
static uint64_t sweep_interval_ms(const struct pd_config *cfg)
{
    uint32_t m = cfg->hello_timeout_ms;
    if (cfg->frame_timeout_ms < m)
        m = cfg->frame_timeout_ms;
    if (cfg->write_stall_timeout_ms < m)
        m = cfg->write_stall_timeout_ms;
    if (cfg->idle_timeout_ms < m)
        m = cfg->idle_timeout_ms;
    m /= 4;
    return m < 20 ? 20 : m > 1000 ? 1000 : m;
}

int pd_server_init(struct pd_server *srv)
{
    const struct pd_config *cfg = srv->cfg;
    uint64_t every = sweep_interval_ms(cfg);
    int rc;

    srv->state = PD_SERVER_STARTING;
    srv->addr_conns = pd_addr_conns_new();
    srv->login_limits = pd_login_limits_new(cfg->login_rate_per_address);
    srv->started_wall_ms = pd_clock_wall_ms();
    srv->started_mono_ms = pd_clock_mono_ms();
    if ((rc = uv_check_init(srv->loop, &srv->flush_check)) < 0 ||
        (rc = uv_check_start(&srv->flush_check, on_flush_check)) < 0)
        goto fail;
    srv->flush_check.data = srv;
    if ((rc = uv_timer_init(srv->loop, &srv->sweep_timer)) < 0 ||
        (rc = uv_timer_start(&srv->sweep_timer, on_sweep, every, every)) < 0)
        goto fail;
    srv->sweep_timer.data = srv;
    if ((rc = uv_timer_init(srv->loop, &srv->drain_timer)) < 0)
        goto fail;
    srv->drain_timer.data = srv;
    if ((rc = uv_timer_init(srv->loop, &srv->startup_timer)) < 0)
        goto fail;
    srv->startup_timer.data = srv;
    if ((rc = uv_signal_init(srv->loop, &srv->sig_int)) < 0 ||
        (rc = uv_signal_start(&srv->sig_int, on_signal, SIGINT)) < 0)
        goto fail;
    srv->sig_int.data = srv;
    if ((rc = uv_signal_init(srv->loop, &srv->sig_term)) < 0 ||
        (rc = uv_signal_start(&srv->sig_term, on_signal, SIGTERM)) < 0)
        goto fail;
    srv->sig_term.data = srv;
    return 0;
fail:
    pd_error(0, "cannot set up the event loop: %s", uv_strerror(rc));
    return rc;
}

int pd_server_listen(struct pd_server *srv)
{
    const struct pd_config *cfg = srv->cfg;
    struct sockaddr_storage addr;
    struct sockaddr_storage bound;
    int len = sizeof bound;
    char host[64] = "";
    const char *lb, *rb;
    int port = 0;
    int rc;

    if (uv_ip4_addr(cfg->listen_host, cfg->listen_port, (struct sockaddr_in *)&addr) != 0 &&
        uv_ip6_addr(cfg->listen_host, cfg->listen_port, (struct sockaddr_in6 *)&addr) != 0) {
        pd_error(0, "invalid listen address %s", cfg->listen);
        return UV_EINVAL;
    }
    if ((rc = uv_tcp_init(srv->loop, &srv->listener)) < 0)
        goto fail;
    srv->listener.data = srv;
    srv->listener_open = true;
    if ((rc = uv_tcp_bind(&srv->listener, (struct sockaddr *)&addr, 0)) < 0 ||
        (rc = uv_listen((uv_stream_t *)&srv->listener, 511, on_connection)) < 0 ||
        (rc = uv_tcp_getsockname(&srv->listener, (struct sockaddr *)&bound, &len)) < 0)
        goto fail;
    if (bound.ss_family == AF_INET) {
        uv_ip4_name((struct sockaddr_in *)&bound, host, sizeof host);
        port = ntohs(((struct sockaddr_in *)&bound)->sin_port);
    } else {
        uv_ip6_name((struct sockaddr_in6 *)&bound, host, sizeof host);
        port = ntohs(((struct sockaddr_in6 *)&bound)->sin6_port);
    }
    srv->state = PD_SERVER_RUNNING;
    lb = bound.ss_family == AF_INET6 ? "[" : "";
    rb = bound.ss_family == AF_INET6 ? "]" : "";
    if (srv->tls == NULL && !pd_config_listen_is_loopback(cfg))
        pd_warn(0,
                "PLAINTEXT on %s (--allow-plaintext): passwords, session tokens and data "
                "cross the network unencrypted and unauthenticated; configure --tls-cert and "
                "--tls-key",
                cfg->listen);
    /* Tests and scripts wait for this exact line. */
    pd_info(0, "ready: listening on %s%s%s:%d%s", lb, host, rb, port,
            srv->tls ? " (TLS)" : " (plain TCP)");
    pd_info(0, "connect with: patenctl --server %s%s%s:%d%s ping", lb, host, rb, port,
            srv->tls ? " --ca CA-OF-THE-CERTIFICATE.pem" : "");
    notify_systemd("READY=1");
    return 0;
fail:
    pd_error(0, "cannot listen on %s: %s", cfg->listen, uv_strerror(rc));
    return rc;
}

void pd_server_free(struct pd_server *srv)
{
    pd_addr_conns_free(srv->addr_conns);
    srv->addr_conns = NULL;
    pd_login_limits_free(srv->login_limits);
    srv->login_limits = NULL;
}

static void close_handle(uv_handle_t *h)
{
    if (h->loop && !uv_is_closing(h))
        uv_close(h, NULL);
}

static void cluster_stopped(struct pd_cluster *cl, void *arg)
{
    struct pd_server *srv = arg;
    (void)cl;
    pd_info(0, "embedded PostgreSQL stopped");
    close_handle((uv_handle_t *)&srv->sig_int);
    close_handle((uv_handle_t *)&srv->sig_term);
}

static void db_closed(void *arg)
{
    struct pd_server *srv = arg;

    srv->db = NULL;
    if (srv->cluster) {
        pd_cluster_stop(srv->cluster, cluster_stopped, srv);
        return;
    }
    close_handle((uv_handle_t *)&srv->sig_int);
    close_handle((uv_handle_t *)&srv->sig_term);
}

/* The report replica's pool is closed; now the primary's. */
static void replica_closed(void *arg)
{
    struct pd_server *srv = arg;

    srv->replica = NULL;
    if (srv->db)
        pd_db_close(srv->db, db_closed, srv);
    else
        db_closed(srv);
}

/* Last step of shutdown once every connection is gone. */
static void server_finish(struct pd_server *srv)
{
    srv->finishing = true;
    /* Frees connections that closed while waiting in the flush list. */
    pd_conn_flush_all(srv);
    close_handle((uv_handle_t *)&srv->flush_check);
    close_handle((uv_handle_t *)&srv->sweep_timer);
    close_handle((uv_handle_t *)&srv->drain_timer);
    close_handle((uv_handle_t *)&srv->startup_timer);
    pd_deposits_watch_stop(srv);
    /* The replica first: a read it fails meanwhile may still move to the primary. */
    if (srv->replica)
        pd_db_close(srv->replica, replica_closed, srv);
    else
        replica_closed(srv);
}

void pd_server_maybe_drained(struct pd_server *srv)
{
    if (srv->state == PD_SERVER_DRAINING && srv->in_flight == 0)
        server_close_connections(srv);
    else if (srv->state == PD_SERVER_CLOSING && !srv->finishing && srv->nconns == 0 &&
             (srv->in_flight == 0 || srv->drain_expired))
        server_finish(srv);
}

static void server_close_connections(struct pd_server *srv)
{
    struct pd_conn *c = srv->conns;

    srv->state = PD_SERVER_CLOSING;
    uv_timer_stop(&srv->drain_timer);
    while (c) {
        struct pd_conn *next = c->next;
        pd_conn_close_gracefully(c, "server shutting down");
        c = next;
    }
    pd_server_maybe_drained(srv);
}

static void on_drain_timeout(uv_timer_t *t)
{
    struct pd_server *srv = t->data;
    pd_warn(0, "%u requests still running after shutdown-timeout; closing anyway", srv->in_flight);
    /* Requests still running keep their connection objects alive and drop their replies; closing
     * the pool fails their database work with SHUTTING_DOWN, which ends them. */
    srv->drain_expired = true;
    server_close_connections(srv);
}

void pd_server_shutdown(struct pd_server *srv)
{
    Paten__Event ev = PATEN__EVENT__INIT;
    Paten__ServerShutdown sd = PATEN__SERVER_SHUTDOWN__INIT;
    uint8_t *frame;
    size_t len;

    if (srv->state >= PD_SERVER_DRAINING)
        return;
    srv->state = PD_SERVER_DRAINING;
    notify_systemd("STOPPING=1");
    uv_timer_stop(&srv->startup_timer);
    if (srv->listener_open) {
        close_handle((uv_handle_t *)&srv->listener);
        srv->listener_open = false;
    }
    sd.drain_ms = srv->cfg->shutdown_timeout_ms;
    ev.at_ms = pd_clock_now_ms();
    ev.body_case = PATEN__EVENT__BODY_SERVER_SHUTDOWN;
    ev.server_shutdown = &sd;
    for (struct pd_conn *c = srv->conns; c; c = c->next) {
        pd_conn_stop_reading(c);
        if (c->state == PD_CONN_READY &&
            paten_msg_pack_frame(PATEN__MESSAGE_TYPE__MESSAGE_TYPE_EVENT, PATEN_FLAG_EVENT, 0,
                                 &ev.base, &frame, &len) == 0)
            pd_conn_send(c, frame, len);
    }
    pd_info(0, "draining: %u connections, %u requests in flight", srv->nconns, srv->in_flight);
    if (srv->in_flight == 0) {
        server_close_connections(srv);
        return;
    }
    int rc = uv_timer_start(&srv->drain_timer, on_drain_timeout, srv->cfg->shutdown_timeout_ms, 0);
    assert(rc == 0);
    (void)rc;
}
