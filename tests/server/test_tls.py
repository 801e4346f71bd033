"""TLS in patend (server/pd_transport_tls.c): handshakes, versions, mutual TLS, the plaintext
rule, and what hostile or broken clients do to a TLS port. Real patend, real sockets, Python's
ssl module as the client; the certificates are made for the run with the openssl command line
(paten_test.TestPKI). patend runs under AddressSanitizer with leak detection: every test ends
with its exit status checked, so a leaked SSL object or buffer fails the test that leaked it.
"""

import os
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))

import paten_test as pt  # noqa: E402
from paten_test import (HELLO, Closed, Database, Patend,  # noqa: E402
                        PatendTestCase, TestPKI, main, pb)

PKI = None
ADMIN = "admin@pemda-temanggung"
HELLO_TIMEOUT_S = 1.0


def setUpModule():
    global PKI
    PKI = TestPKI(tempfile.mkdtemp(prefix="paten-tls-"))


def tearDownModule():
    shutil.rmtree(PKI.dir, ignore_errors=True)


def hello_frame(request_id=1):
    return pt.frame(HELLO, request_id, pb.HelloRequest(
        protocol_major=1, protocol_minor=0, client_name="plain", client_version="1"
    ).SerializeToString())


def closed_within(sock, seconds):
    """Reads until the peer closes (EOF or reset); returns the time it took, or None when the
    socket is still open after seconds."""
    t0 = time.monotonic()
    sock.settimeout(0.1)
    while time.monotonic() - t0 < seconds:
        try:
            data = sock.recv(65536)
        except socket.timeout:
            continue
        except (ConnectionResetError, ssl.SSLError, OSError):
            return time.monotonic() - t0
        if not data:
            return time.monotonic() - t0
    return None


class TlsTestCase(PatendTestCase):
    """A patend serving TLS with the test PKI's server certificate."""

    client_ca = None
    extra = []

    def setUp(self):
        self.patend_extra_args = PKI.server_args(client_ca=self.client_ca) + self.extra
        super().setUp()

    def tls_client(self, cert=None, **kw):
        return self.client(tls=PKI.client_context(cert=cert), **kw)

    def assert_still_serving(self):
        c = self.tls_client()
        self.assertEqual(c.call(pt.PING, pb.PingRequest()).__class__, pb.PingReply)


class ServerTlsTest(TlsTestCase):
    extra = ["--hello-timeout", "%gs" % HELLO_TIMEOUT_S]

    def test_handshake_and_login_over_tls_1_3(self):
        mark = self.server.log_mark()
        c = self.tls_client()
        self.assertEqual(c.sock.version(), "TLSv1.3")
        c.login(ADMIN)
        self.assertEqual(c.session.session.user.username, ADMIN)
        # The connection's log line names the version and the cipher.
        m = self.server.wait_for_log(r"\[c\d+\] TLS TLSv1\.3 (\S+) with 127\.0\.0\.1:%d$"
                                     % c.sock.getsockname()[1], start=mark)
        self.assertEqual(m.group(1), c.sock.cipher()[0])
        self.server.wait_for_log(r"ready: listening on .* \(TLS\)")

    def test_tls_1_2_is_accepted_and_1_1_refused(self):
        c = self.client(tls=PKI.client_context(maximum=ssl.TLSVersion.TLSv1_2))
        self.assertEqual(c.sock.version(), "TLSv1.2")
        # An AEAD suite with forward secrecy, never CBC or RSA key exchange.
        self.assertRegex(c.sock.cipher()[0], r"^ECDHE-(ECDSA|RSA)-(AES\d+-GCM|CHACHA20)")
        c.login(ADMIN)

        mark = self.server.log_mark()
        ctx = PKI.client_context(minimum=ssl.TLSVersion.TLSv1_1, maximum=ssl.TLSVersion.TLSv1_1)
        ctx.set_ciphers("DEFAULT:@SECLEVEL=0")  # let this client offer TLS 1.1 at all
        with self.assertRaises((ssl.SSLError, ConnectionError)):
            pt.Client(self.server.port, tls=ctx)
        # The server saw the ClientHello and refused it (not the client refusing to send it).
        self.server.wait_for_log(r"TLS handshake with 127\.0\.0\.1:\d+ failed: .*"
                                 r"unsupported protocol", start=mark)
        self.assert_still_serving()

    def test_plain_tcp_client_on_the_tls_port_is_cut_off(self):
        mark = self.server.log_mark()
        s = socket.create_connection(("127.0.0.1", self.server.port))
        try:
            s.sendall(hello_frame())
            self.assertIsNotNone(closed_within(s, 10), "the plaintext client was not cut off")
        finally:
            s.close()
        self.server.wait_for_log(r"TLS handshake with 127\.0\.0\.1:\d+ failed", start=mark)
        self.server.wait_for_log(r"disconnecting 127\.0\.0\.1:\d+: protocol error", start=mark)
        self.assert_still_serving()

    def test_a_handshake_never_finished_is_cut_at_hello_timeout(self):
        # Half a ClientHello (the record header announces 512 bytes; 5 come), then nothing.
        mark = self.server.log_mark()
        s = socket.create_connection(("127.0.0.1", self.server.port))
        try:
            s.sendall(b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03")
            took = closed_within(s, HELLO_TIMEOUT_S + 5)
        finally:
            s.close()
        self.assertIsNotNone(took, "a client stuck in the handshake was never cut off")
        # The sweep runs every hello-timeout/4: closed after the timeout, well before the
        # 5 s a closing connection is otherwise granted.
        self.assertGreaterEqual(took, HELLO_TIMEOUT_S * 0.9)
        self.assertLess(took, HELLO_TIMEOUT_S + 1.5)
        self.server.wait_for_log(r"the TLS handshake with 127\.0\.0\.1:\d+ did not complete",
                                 start=mark)
        self.assert_still_serving()

    def test_a_large_reply_burst_streams_whole(self):
        # About 40 x 12 KB of replies to pipelined requests, written back as one vectored write
        # (many TLS records, more than the socket buffers take at once), read back in pieces.
        c = self.tls_client(rcvbuf=8192)
        c.login(ADMIN)
        want = c.rpc("ListServices").SerializeToString()
        self.assertGreater(len(want), 8000)
        n = 40
        ids = [c.send(pt.TYPE["ListServices"], pb.ListServicesRequest()) for _ in range(n)]
        got = {}
        total = 0
        while len(got) < n:
            _, rid, m = c.recv_reply()
            self.assertNotIsInstance(m, pt.PatenError)
            got[rid] = m.SerializeToString()
            total += len(got[rid])
        self.assertEqual(sorted(got), sorted(ids))
        self.assertTrue(all(v == want for v in got.values()))
        self.assertGreater(total, 256 * 1024)

    def test_dropped_and_half_closed_connections_mid_request_are_cleaned_up(self):
        mark = self.server.log_mark()
        # Dropped in the middle of a frame (TCP closed under TLS, no close_notify).
        c1 = pt.Client(self.server.port, tls=PKI.client_context())
        c1.hello()
        f = pt.frame(pt.PING, 2, pb.PingRequest(check_database=True).SerializeToString())
        c1.sock.sendall(f[:7])
        c1.sock.close()
        # Dropped right after a request that needs the database, before its reply.
        c2 = pt.Client(self.server.port, tls=PKI.client_context())
        c2.hello()
        c2.send(pt.PING, pb.PingRequest(check_database=True))
        c2.sock.close()
        # Half-closed: close_notify right after the request. The server may still answer (Python
        # then complains of application data after its close_notify), and must then close.
        c3 = pt.Client(self.server.port, tls=PKI.client_context())
        c3.hello()
        c3.send(pt.PING, pb.PingRequest(check_database=True))
        try:
            c3.sock.unwrap()
        except ssl.SSLError as e:
            self.assertIn("APPLICATION_DATA_AFTER_CLOSE_NOTIFY", str(e))
        raw = socket.socket(fileno=c3.sock.detach())
        self.assertIsNotNone(closed_within(raw, 10), "a half-closed TLS client was not closed")
        raw.close()
        self.server.wait_for_count(r"\] closed$", 3, start=mark)
        self.assert_still_serving()
        # tearDown: patend exits 0, and LeakSanitizer found nothing at its exit.


class MutualTlsTest(TlsTestCase):

    def setUp(self):
        self.client_ca = PKI.ca[0]
        super().setUp()

    def try_login(self, cert):
        c = pt.Client(self.server.port, tls=PKI.client_context(cert=cert))
        self.clients.append(c)
        c.hello()
        return c.login(ADMIN)

    def test_no_client_certificate_is_refused(self):
        mark = self.server.log_mark()
        with self.assertRaises((ssl.SSLError, ConnectionError, Closed)):
            self.try_login(None)
        self.server.wait_for_log(r"TLS handshake with .* failed: .*peer did not return a "
                                 r"certificate", start=mark)

    def test_a_certificate_of_another_ca_is_refused(self):
        mark = self.server.log_mark()
        stranger = PKI.client_cert("desk-stranger", ca=PKI.other_ca)
        with self.assertRaises((ssl.SSLError, ConnectionError, Closed)):
            self.try_login(stranger)
        self.server.wait_for_log(r"TLS handshake with .* failed: certificate verify failed "
                                 r"\(client certificate: unable to get local issuer", start=mark)
        self.assertNotIn("desk-stranger", self.server.log_text())

    def test_the_right_certificate_logs_in_and_is_named_in_the_log(self):
        mark = self.server.log_mark()
        desk = PKI.client_cert("desk-kaloran-01")
        session = self.try_login(desk)
        self.assertEqual(session.session.user.username, ADMIN)
        self.server.wait_for_log(r"\[c\d+\] TLS TLSv1\.3 \S+ with 127\.0\.0\.1:\d+, client "
                                 r"certificate CN=desk-kaloran-01$", start=mark)


class PlaintextRuleTest(PatendTestCase):
    """Without TLS, patend listens in plain TCP on loopback only, unless told otherwise."""

    def setUp(self):
        self.db = Database()

    def tearDown(self):
        self.db.drop()

    def run_patend(self, *args):
        return subprocess.run([os.environ["PATEND"]] + self.db.patend_args() + list(args),
                              stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, timeout=60)

    def test_non_loopback_without_tls_is_refused_at_start_up(self):
        for listen in ("0.0.0.0:0", "[::]:0"):
            r = self.run_patend("--listen", listen)
            self.assertEqual(r.returncode, 2, r.stderr)
            self.assertIn("refusing to listen on %s in plain TCP" % listen, r.stderr)
            self.assertIn("--allow-plaintext", r.stderr)
            self.assertIn("--tls-cert", r.stderr)
        # The same from the environment, as a unit file would set it.
        r = subprocess.run([os.environ["PATEND"]] + self.db.patend_args(),
                           env=dict(os.environ, PATEN_LISTEN="0.0.0.0:0"),
                           stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 2, r.stderr)

    def test_allow_plaintext_starts_with_a_loud_warning(self):
        s = Patend(self.db.patend_args() + ["--listen", "0.0.0.0:0", "--allow-plaintext"]).start()
        try:
            s.wait_for_log(r"WARN .*PLAINTEXT on 0\.0\.0\.0:0 \(--allow-plaintext\)")
            s.wait_for_log(r"ready: listening on 0\.0\.0\.0:\d+ \(plain TCP\)")
            c = s.client()
            c.call(pt.PING, pb.PingRequest())
            c.close()
        finally:
            self.assertEqual(s.stop(), 0, s.log_text())

    def test_tls_on_any_address_needs_no_permission(self):
        s = Patend(self.db.patend_args() + ["--listen", "0.0.0.0:0"] + PKI.server_args()).start()
        try:
            c = s.client(tls=PKI.client_context())
            c.call(pt.PING, pb.PingRequest())
            c.close()
            self.assertNotIn("PLAINTEXT", s.log_text())
        finally:
            self.assertEqual(s.stop(), 0, s.log_text())

    def test_bad_tls_files_stop_start_up_with_the_file_named(self):
        r = self.run_patend("--tls-cert", PKI.server_cert)
        self.assertEqual(r.returncode, 2)
        self.assertIn("--tls-cert needs --tls-key", r.stderr)
        missing = os.path.join(PKI.dir, "no-such.pem")
        r = self.run_patend("--tls-cert", missing, "--tls-key", PKI.server_key)
        self.assertEqual(r.returncode, 1)
        self.assertIn("cannot read the TLS certificate chain %s" % missing, r.stderr)
        # A key that is not the certificate's.
        other_key = PKI.ca[1]
        r = self.run_patend("--tls-cert", PKI.server_cert, "--tls-key", other_key)
        self.assertEqual(r.returncode, 1)
        self.assertIn("cannot load the TLS private key from %s: key values mismatch" % other_key,
                      r.stderr)
        # Not a certificate at all.
        garbage = os.path.join(PKI.dir, "garbage.pem")
        with open(garbage, "w") as f:
            f.write("not a certificate\n")
        r = self.run_patend("--tls-cert", garbage, "--tls-key", PKI.server_key)
        self.assertEqual(r.returncode, 1)
        self.assertIn("cannot load the TLS certificate chain from %s" % garbage, r.stderr)


if __name__ == "__main__":
    main()
