"""patenctl over TLS, end to end: the real binary (PATENCTL, through PatenConnection and GIO's
TLS backend) against a real patend serving TLS. Verification by CA file and by pin, the typed
errors of each way it can fail (exit status 3, the cause named), mutual TLS, and the plaintext
rule on the client side. Certificates are made for the run (paten_test.TestPKI).
"""

import os
import shutil
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))

from paten_test import DEMO_PASSWORD, Patend, PatendTestCase, TestPKI, main  # noqa: E402

PATENCTL = os.environ.get("PATENCTL", "patenctl")
SANITIZER_REPORT = re.compile(r"AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|"
                              r"runtime error:|Tracer caught")
ADMIN = "admin@pemda-temanggung"
PKI = None


def setUpModule():
    global PKI
    PKI = TestPKI(tempfile.mkdtemp(prefix="paten-tls-e2e-"))


def tearDownModule():
    shutil.rmtree(PKI.dir, ignore_errors=True)


def ctl_env(**extra):
    env = dict(os.environ)
    for v in ("PATEN_SERVER", "PATEN_USER", "PATEN_CA", "PATEN_PIN", "PATEN_CERT", "PATEN_CERT_KEY"):
        env.pop(v, None)
    env.setdefault("ASAN_OPTIONS", "detect_leaks=1:abort_on_error=0")
    env.setdefault("UBSAN_OPTIONS", "halt_on_error=1:print_stacktrace=1")
    env["PATEN_PASSWORD"] = DEMO_PASSWORD
    env["LC_ALL"] = "C.UTF-8"
    env.update(extra)
    return env


class PatenctlTlsTest(PatendTestCase):
    client_ca = None

    def setUp(self):
        self.patend_extra_args = PKI.server_args(client_ca=self.client_ca)
        super().setUp()

    def ctl(self, *args, server=None, env=None):
        server = server or "127.0.0.1:%d" % self.server.port
        r = subprocess.run([PATENCTL, "--server", server, "--timeout", "20"] + list(args),
                           stdin=subprocess.DEVNULL, capture_output=True, text=True,
                           env=ctl_env(**(env or {})), timeout=60)
        self.assertIsNone(SANITIZER_REPORT.search(r.stderr),
                          "sanitizer report from patenctl:\n" + r.stderr)
        return r

    def test_ca_verifies_the_server(self):
        r = self.ctl("--ca", PKI.ca[0], "ping")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertRegex(r.stdout, r"^pong from patend ")
        # localhost is in the certificate too; the CA from the environment.
        r = self.ctl("--user", ADMIN, "info", server="localhost:%d" % self.server.port,
                     env={"PATEN_CA": PKI.ca[0]})
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn('"serverVersion"', r.stdout)
        self.server.wait_for_log(r"admin@pemda-temanggung logged in")

    def test_a_server_of_another_ca_is_refused_by_name(self):
        r = self.ctl("--ca", PKI.other_ca[0], "ping")
        self.assertEqual(r.returncode, 3, r.stderr)
        self.assertIn("TLS: the server's certificate is not signed by a trusted CA (unknown CA; "
                      "trusted: %s)" % PKI.other_ca[0], r.stderr)
        self.assertEqual(r.stdout, "")

    def test_pin_right_and_wrong(self):
        pin = PKI.fingerprint(PKI.server_cert)
        r = self.ctl("--pin", pin, "ping")
        self.assertEqual(r.returncode, 0, r.stderr)
        # Colons and capitals, as `openssl x509 -fingerprint` prints it.
        colons = ":".join(pin[i:i + 2] for i in range(0, 64, 2)).upper()
        r = self.ctl("ping", env={"PATEN_PIN": colons})
        self.assertEqual(r.returncode, 0, r.stderr)
        wrong = "ab" * 32
        r = self.ctl("--pin", wrong, "ping")
        self.assertEqual(r.returncode, 3, r.stderr)
        self.assertIn("TLS: the server's certificate does not match the pinned SHA-256 %s (it is "
                      "%s)" % (wrong, pin), r.stderr)
        # A CA that accepts the certificate does not override a pin that does not match it.
        r = self.ctl("--ca", PKI.ca[0], "--pin", wrong, "ping")
        self.assertEqual(r.returncode, 3, r.stderr)
        self.assertIn("does not match the pinned SHA-256", r.stderr)
        # Not a SHA-256 at all: a usage error, before any connection.
        r = self.ctl("--pin", "1234", "ping")
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("--pin must be the SHA-256", r.stderr)

    def test_a_certificate_for_another_host_is_refused_by_name(self):
        cert, key = PKI.issue("elsewhere", "paten.elsewhere.example", PKI.ca,
                              san="DNS:paten.elsewhere.example")
        s = Patend(self.db.patend_args() + ["--tls-cert", cert, "--tls-key", key]).start()
        try:
            r = self.ctl("--ca", PKI.ca[0], "ping", server="127.0.0.1:%d" % s.port)
            self.assertEqual(r.returncode, 3, r.stderr)
            self.assertIn("TLS: the server's certificate is not valid for 127.0.0.1:%d (hostname "
                          "mismatch)" % s.port, r.stderr)
        finally:
            self.assertEqual(s.stop(), 0, s.log_text())

    def test_plaintext_to_a_tls_server_fails_and_unreadable_ca_is_named(self):
        r = self.ctl("ping")
        self.assertEqual(r.returncode, 3, r.stderr)
        self.assertIn("cannot connect to", r.stderr)
        missing = os.path.join(PKI.dir, "missing-ca.pem")
        r = self.ctl("--ca", missing, "ping")
        self.assertEqual(r.returncode, 3, r.stderr)
        self.assertIn("TLS: cannot read the CA file %s" % missing, r.stderr)

    def test_plaintext_off_loopback_is_refused_before_connecting(self):
        # 192.0.2.1 is TEST-NET-1: nothing is sent there, the refusal comes first.
        r = self.ctl("ping", server="192.0.2.1:7450")
        self.assertEqual(r.returncode, 3, r.stderr)
        self.assertIn("plain TCP to 192.0.2.1:7450, which is not on this machine, is refused",
                      r.stderr)


class PatenctlMutualTlsTest(PatenctlTlsTest):

    def setUp(self):
        self.client_ca = PKI.ca[0]
        super().setUp()

    def test_client_certificate_required(self):
        r = self.ctl("--ca", PKI.ca[0], "ping")
        self.assertEqual(r.returncode, 3, r.stderr)
        self.server.wait_for_log(r"peer did not return a certificate")
        desk = PKI.client_cert("ctl-admin-01")
        r = self.ctl("--ca", PKI.ca[0], "--cert", desk[0], "--cert-key", desk[1], "--user", ADMIN,
                     "ping")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.server.wait_for_log(r"client certificate CN=ctl-admin-01$")
        stranger = PKI.client_cert("ctl-stranger", ca=PKI.other_ca)
        r = self.ctl("ping", env={"PATEN_CA": PKI.ca[0], "PATEN_CERT": stranger[0],
                                  "PATEN_CERT_KEY": stranger[1]})
        self.assertEqual(r.returncode, 3, r.stderr)
        self.server.wait_for_log(r"certificate verify failed")

    # The base class's tests are not repeated with mutual TLS on.
    test_ca_verifies_the_server = None
    test_pin_right_and_wrong = None
    test_a_certificate_for_another_host_is_refused_by_name = None
    test_a_server_of_another_ca_is_refused_by_name = None
    test_plaintext_to_a_tls_server_fails_and_unreadable_ca_is_named = None
    test_plaintext_off_loopback_is_refused_before_connecting = None


if __name__ == "__main__":
    main()
