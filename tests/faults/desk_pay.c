/*
 * desk_pay.c: paten-desk's connection code recording one cash payment, for test_netcut.py.
 *
 *   desk_pay SERVER USER ASSESSMENT_ID AMOUNT     (the password in $PATEN_PASSWORD)
 *
 * A PatenConnection set up as paten-desk sets it (auto-reconnect, see
 * client-gtk/paten-application.c) connects, logs in, and sends one RecordPayment whose
 * idempotency key it leaves empty, so the connection fills it in. When the connection is lost
 * before the reply, the connection itself reconnects, resumes the session and sends the same
 * bytes again: this program does nothing of its own to retry. Prints the receipt number, exit 0;
 * an error reply or a local failure: a line on stderr, exit 1. Gives up after 60 s (exit 2), so a
 * hang fails the test instead of blocking.
 */
#include "paten-connection.h"

#include <stdio.h>
#include <stdlib.h>

typedef struct {
    GMainLoop *loop;
    PatenConnection *conn;
    const char *user;
    int64_t assessment_id;
    int64_t amount;
    guint give_up;
    int status;
} Run;

static void finish(Run *run, int status)
{
    run->status = status;
    g_main_loop_quit(run->loop);
}

/* Prints why a call failed: the server's Error, else the local GError. */
static void say_failure(const char *what, Paten__Error *e, const GError *err)
{
    if (e != NULL)
        fprintf(stderr, "desk_pay: %s refused: %d %s\n", what, e->code, e->message);
    else
        fprintf(stderr, "desk_pay: %s failed: %s\n", what, err ? err->message : "unknown");
}

static void on_paid(GObject *src, GAsyncResult *res, gpointer data)
{
    Run *run = data;
    Paten__Error *e = NULL;
    g_autoptr(GError) err = NULL;
    ProtobufCMessage *m = paten_connection_call_finish(PATEN_CONNECTION(src), res, &e, &err);
    Paten__PaymentReply *reply = (Paten__PaymentReply *)m;

    if (m == NULL || reply->payment == NULL) {
        say_failure("RecordPayment", e, err);
        if (e != NULL)
            protobuf_c_message_free_unpacked(&e->base, NULL);
        if (m != NULL)
            protobuf_c_message_free_unpacked(m, NULL);
        finish(run, 1);
        return;
    }
    printf("%s\n", reply->payment->receipt_number);
    protobuf_c_message_free_unpacked(m, NULL);
    finish(run, 0);
}

static void on_logged_in(GObject *src, GAsyncResult *res, gpointer data)
{
    Run *run = data;
    Paten__Error *e = NULL;
    g_autoptr(GError) err = NULL;
    ProtobufCMessage *m = paten_connection_call_finish(PATEN_CONNECTION(src), res, &e, &err);
    Paten__RecordPaymentRequest req = PATEN__RECORD_PAYMENT_REQUEST__INIT;

    if (m == NULL) {
        say_failure("Login", e, err);
        if (e != NULL)
            protobuf_c_message_free_unpacked(&e->base, NULL);
        finish(run, 1);
        return;
    }
    protobuf_c_message_free_unpacked(m, NULL);
    req.assessment_id = run->assessment_id;
    req.method = PATEN__PAYMENT_METHOD__PAYMENT_METHOD_CASH;
    req.amount = run->amount;
    paten_connection_call_async(run->conn, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_RECORD_PAYMENT,
                                &req.base, NULL, on_paid, run);
}

static void on_connected(GObject *src, GAsyncResult *res, gpointer data)
{
    Run *run = data;
    g_autoptr(GError) err = NULL;
    Paten__LoginRequest login = PATEN__LOGIN_REQUEST__INIT;

    if (!paten_connection_connect_finish(PATEN_CONNECTION(src), res, &err)) {
        say_failure("connect", NULL, err);
        finish(run, 1);
        return;
    }
    login.login = (char *)run->user;
    login.password = (char *)g_getenv("PATEN_PASSWORD");
    paten_connection_call_async(run->conn, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_LOGIN, &login.base,
                                NULL, on_logged_in, run);
}

static gboolean on_give_up(gpointer data)
{
    Run *run = data;

    fprintf(stderr, "desk_pay: no answer within 60 s\n");
    run->give_up = 0;
    finish(run, 2);
    return G_SOURCE_REMOVE;
}

int main(int argc, char **argv)
{
    Run run = { 0 };

    if (argc != 5 || g_getenv("PATEN_PASSWORD") == NULL) {
        fprintf(stderr, "usage: PATEN_PASSWORD=... desk_pay SERVER USER ASSESSMENT_ID AMOUNT\n");
        return 1;
    }
    run.user = argv[2];
    run.assessment_id = g_ascii_strtoll(argv[3], NULL, 10);
    run.amount = g_ascii_strtoll(argv[4], NULL, 10);
    run.loop = g_main_loop_new(NULL, FALSE);
    run.conn = paten_connection_new(argv[1], "desk-pay-test", "1");
    /* As paten-desk: reconnect by itself, resume the session, re-send what was in flight. */
    g_object_set(run.conn, "auto-reconnect", TRUE, "reconnect-min-delay", 50u, NULL);
    run.give_up = g_timeout_add_seconds(60, on_give_up, &run);
    paten_connection_connect_async(run.conn, NULL, on_connected, &run);
    g_main_loop_run(run.loop);
    if (run.give_up != 0)
        g_source_remove(run.give_up);
    paten_connection_close(run.conn);
    /* Callbacks of the close may still be queued on the loop. */
    while (g_main_context_iteration(NULL, FALSE))
        ;
    g_object_unref(run.conn);
    g_main_loop_unref(run.loop);
    return run.status;
}
