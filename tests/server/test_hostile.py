"""Hostile clients against a real patend over real sockets (issue 7): a connection flood from one
address, slowloris, the pre-login limits that hold until Login (not just Hello), and the login
rate limit per address (RATE_LIMITED without a password hash, audited as LOGIN_THROTTLED).

Per-account lockout (LOGIN_FAILED x4 then LOGIN_LOCKOUT audited, expiry on the business clock)
is tested in test_sessions.py: test_lockout_after_five_failures_and_its_expiry."""

import os
import socket
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))

from paten_test import (DEMO_PASSWORD, FLAG_ERROR, FLAG_REPLY, HELLO, PING, TYPE,  # noqa: E402
                        Client, PatendTestCase, PatenError, err_name, frame, header, main, pb)
from test_protocol import Pinger, decode_error  # noqa: E402

LOGIN = TYPE["Login"]


def closed_without_a_frame(sock, timeout=10):
    """True when the server closes sock without sending a byte."""
    sock.settimeout(timeout)
    try:
        return sock.recv(1) == b""
    except ConnectionResetError:
        return True


class ConnectionFloodTest(PatendTestCase):
    LIMIT = 8
    patend_extra_args = ["--max-connections-per-address", str(LIMIT)]

    def test_flood_from_one_address(self):
        mark = self.server.log_mark()
        # The limit's worth of connections, each through Hello and one logged in.
        held = [self.client() for _ in range(self.LIMIT - 1)] + [self.login("loket@kaloran")]
        # The next ones are closed at once, before anything is read: no frame, not even an error.
        refused = []
        for _ in range(20):
            s = socket.create_connection(("127.0.0.1", self.server.port), timeout=10)
            s.sendall(frame(PING, 1, b""))  # never read
            refused.append(s)
        for s in refused:
            self.assertTrue(closed_without_a_frame(s))
            s.close()
        # The first LIMIT still work.
        for c in held:
            self.assertIsInstance(c.call(PING), pb.PingReply)
        # One log line for the whole flood, naming the address and the option.
        self.server.wait_for_log(r"refused connection from 127\.0\.0\.1:\d+: 127\.0\.0\.1 already "
                                 r"has 8 connections open \(--max-connections-per-address\)",
                                 start=mark)
        lines = [l for l in self.server.lines[mark:] if l and "refused connection" in l]
        self.assertEqual(len(lines), 1, "\n".join(lines))
        # A connection that closes gives its place back.
        held.pop(0).close()
        deadline = time.monotonic() + 10
        while True:
            c = Client(self.server.port)
            try:
                c.hello()
                break
            except Exception as e:  # noqa: BLE001 - closed at once: not freed yet
                c.close()
                # The close of the connection above may not have been seen yet.
                if time.monotonic() > deadline:
                    raise AssertionError("no place freed: %r" % e)
        self.clients.append(c)
        self.assertIsInstance(c.call(PING), pb.PingReply)
        for c in held:
            self.assertIsInstance(c.call(PING), pb.PingReply)
        # ServerInfo counts each refusal, though the log said it once.
        info = c.rpc("ServerInfo")
        self.assertGreaterEqual(info.refused_per_address, 20)
        self.assertEqual(info.refused_connections, info.refused_per_address)


class SlowlorisTest(PatendTestCase):
    patend_extra_args = ["--frame-timeout", "500ms"]

    def test_half_frames_are_cut_while_others_are_served(self):
        p = Pinger(self.server)
        p.start()
        lorises = []
        for i in range(5):
            c = self.client(hello=(i % 2 == 0))  # before and after Hello
            data = frame(PING, 7, pb.PingRequest(check_database=True).SerializeToString())
            c.send_raw(data[:len(data) // 2] if i != 4 else data[:6])  # half a frame, a header part
            lorises.append(c)
        started = time.monotonic()
        for c in lorises:
            frames = c.wait_closed()
            self.assertEqual(len(frames), 1)
            self.assertEqual(frames[0][1], FLAG_REPLY | FLAG_ERROR)
            self.assertEqual(err_name(decode_error(frames[0][4]).code), "TRUNCATED_FRAME")
        elapsed = time.monotonic() - started
        # Cut within frame-timeout plus the sweep's granularity (a quarter of the shortest
        # timeout), not after the 10 minutes of idle-timeout.
        self.assertGreaterEqual(elapsed, 0.3)
        self.assertLess(elapsed, 3.0)
        # The other client was answered all along, and quickly.
        c = self.client()
        worst = 0.0
        for _ in range(20):
            t = time.monotonic()
            c.call(PING)
            worst = max(worst, time.monotonic() - t)
        self.assertLess(worst, 0.5)
        p.finish(self)


class PreLoginLimitsTest(PatendTestCase):

    def _frame_too_large(self, c, rid):
        frames = c.wait_closed()
        self.assertEqual(len(frames), 1)
        _, flags, _, got_rid, payload = frames[0]
        self.assertEqual((flags, got_rid), (FLAG_REPLY | FLAG_ERROR, rid))
        e = decode_error(payload)
        self.assertEqual(err_name(e.code), "FRAME_TOO_LARGE")
        self.assertIn("over the limit 16384", e.detail)

    def test_small_payload_until_login(self):
        big = pb.PingRequest().SerializeToString() + b"\x9a\x01" + b"\x80\x80\x01" + b"x" * 16384
        # After Hello but before Login: still the pre-login 16 KiB, refused by its header.
        c = self.client()
        c.send_raw(header(PING, 31, len(big)))
        self._frame_too_large(c, 31)
        # A failed login changes nothing.
        c = self.client()
        self.assertEqual(c.rpc_error("Login", login="loket@kaloran", password="salah-sekali").code,
                         "UNAUTHENTICATED")
        c.send_raw(header(PING, 32, len(big)))
        self._frame_too_large(c, 32)
        # Logged in: the same frame is read (and answered: proto3 skips the unknown field).
        c = self.login("loket@kaloran")
        c.send_raw(frame(PING, 33, big))
        _, rid, reply = c.recv_reply()
        self.assertEqual(rid, 33)
        self.assertIsInstance(reply, pb.PingReply)
        # Logged out: back to the pre-login limit.
        c.rpc("Logout")
        c.send_raw(header(PING, 34, len(big)))
        self._frame_too_large(c, 34)
        # HelloReply announces the limits after login, which is what a client plans for.
        self.assertEqual(self.client(hello=False).hello().max_payload, 4 * 1024 * 1024)

    def _order(self, c):
        """Sends 5 slow failed logins and then a Ping in one write; returns the order in which
        their replies arrive (request ids)."""
        login = pb.LoginRequest(login="tidak-ada-orang", password="salah-sekali")
        data = b"".join(frame(LOGIN, rid, login.SerializeToString()) for rid in range(101, 106))
        c.send_raw(data + frame(PING, 200, b""))
        got = [c.recv_reply() for _ in range(6)]
        for type_, rid, r in got:
            if rid != 200:
                self.assertEqual(r.code, "UNAUTHENTICATED")
        return [rid for _, rid, _ in got]

    def test_few_requests_in_flight_until_login(self):
        # Before login at most 4 requests are read ahead: the Ping behind 5 logins (each an
        # Argon2id check) is not even read until one of them is answered.
        order = self._order(self.client())
        self.assertNotEqual(order[0], 200, order)
        self.assertEqual(sorted(order), [101, 102, 103, 104, 105, 200])
        # Logged in, 64 are: the Ping is read at once and answered before any of the logins.
        order = self._order(self.login("loket@kaloran"))
        self.assertEqual(order[0], 200, order)


class LoginRateTest(PatendTestCase):
    RATE = 3
    patend_extra_args = ["--login-rate-per-address", str(RATE)]

    def test_failed_logins_per_address(self):
        c = self.client()
        self.assertEqual(c.rpc_error("Login", login="loket@kaloran", password="salah-1").code,
                         "UNAUTHENTICATED")
        self.assertEqual(c.rpc_error("Login", login="tidak-ada", password="salah-2").code,
                         "UNAUTHENTICATED")
        # A good login in between costs nothing.
        self.login("camat@kaloran")
        c = self.client()
        self.assertEqual(c.rpc_error("Login", login="loket@kaloran", password="salah-3").code,
                         "UNAUTHENTICATED")

        mark = self.server.log_mark()
        # Over the rate: refused, even with the right password, with the time to wait ...
        e = c.rpc_error("Login", login="admin@pemda-temanggung", password=DEMO_PASSWORD)
        self.assertEqual(e.code, "RATE_LIMITED")
        self.assertTrue(e.err.retryable)
        # ... one token back takes a minute / RATE.
        self.assertGreater(e.err.retry_after_ms, 60000 // self.RATE // 2)
        self.assertLessEqual(e.err.retry_after_ms, 60000 // self.RATE + 1)
        # Another account from the same address, on a new connection: refused too.
        e = self.client().rpc_error("Login", login="kasir@kaloran", password=DEMO_PASSWORD)
        self.assertEqual(e.code, "RATE_LIMITED")
        for _ in range(5):
            self.assertEqual(c.rpc_error("Login", login="loket@kaloran", password="x" * 9).code,
                             "RATE_LIMITED")
        # No password was checked for any of them (the log says each time one is), and the
        # refusals made one WARN line, not seven.
        c.call(PING)
        since = [l for l in self.server.lines[mark:] if l]
        self.assertEqual([l for l in since if "checking the password" in l], [])
        warns = [l for l in since if "login refused for 127.0.0.1" in l]
        self.assertEqual(len(warns), 1, "\n".join(since))
        self.assertIn("WARN", warns[0])
        self.assertIn("--login-rate-per-address", warns[0])

        # The first refusal is audited in the office of the user the login named, with the peer.
        rows = self.db.sql(
            "SELECT o.code, a.entity, u.username, a.actor_id IS NULL, a.after->>'peer', "
            "a.after->>'failed_logins_per_minute', a.connection LIKE '%127.0.0.1:%' "
            "FROM audit_log a JOIN offices o ON o.id = a.office_id "
            "JOIN users u ON u.id = a.entity_id::bigint WHERE a.action = 'LOGIN_THROTTLED'")
        self.assertEqual(rows.split("\n"),
                         ["pemda-temanggung|user|admin@pemda-temanggung|t|127.0.0.1|3|t"])

        # A minute later (on the business clock) the address may try again.
        self.set_clock(offset_ms=61000)
        c = self.client()
        c.login("admin@pemda-temanggung")
        self.assertTrue(c.session.session.session_id)
        verify = c.rpc("VerifyAudit")
        self.assertTrue(verify.intact, verify)
        # Every refusal counted: the two accounts' and the five retries.
        self.assertEqual(c.rpc("ServerInfo").logins_throttled, 7)

    def test_a_burst_at_once_cannot_overdraw(self):
        # Ten logins sent in one write on ten connections, before any has failed: only RATE are
        # let through to a password check; the rest are refused at once.
        conns = [self.client() for _ in range(10)]
        mark = self.server.log_mark()
        login = pb.LoginRequest(login="tidak-ada", password="salah-sekali").SerializeToString()
        for c in conns:
            c.send_raw(frame(LOGIN, 1, login))
        codes = sorted(c.recv_reply()[2].code for c in conns)
        self.assertEqual(codes, ["RATE_LIMITED"] * (10 - self.RATE) +
                         ["UNAUTHENTICATED"] * self.RATE)
        checked = [l for l in self.server.lines[mark:] if l and "checking the password" in l]
        self.assertEqual(len(checked), self.RATE)


if __name__ == "__main__":
    main()
