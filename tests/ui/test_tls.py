"""paten-desk over TLS: the desk configured the way an installer configures it (desk.ini's
[connection] group, paten-config.h) against a patend serving TLS with a certificate made for the
run (paten_test.TestPKI): with the CA it logs in; with a wrong pin the login window says, in
Indonesian, why the connection was refused."""

import os
import shutil
import tempfile

import desk_test as dt
import paten_test as pt

PKI = None


def setUpModule():
    global PKI
    PKI = pt.TestPKI(tempfile.mkdtemp(prefix="paten-tls-ui-"))


def tearDownModule():
    shutil.rmtree(PKI.dir, ignore_errors=True)


class DeskTlsTest(dt.DeskTestCase):

    def new_server(self):
        return pt.Patend(self.db.patend_args() + ["--demo", "--listen", "127.0.0.1:%d" % self.port]
                         + PKI.server_args(), env={"PATEN_DEMO_PASSWORD": dt.DEMO_PASSWORD})

    def start_configured_desk(self, lines):
        d = dt.Desk("127.0.0.1:%d" % self.port)
        conf = os.path.join(d.home, ".config", "paten-desk")
        os.makedirs(conf)
        with open(os.path.join(conf, "desk.ini"), "w") as f:
            f.write("[connection]\n" + "".join(l + "\n" for l in lines))
        self.desks.append(d)
        return d.start()

    def test_desk_logs_in_over_tls_with_the_ca_configured(self):
        mark = self.server.log_mark()
        d = self.start_configured_desk(["tls-ca = " + PKI.ca[0]])
        d.login("loket@kaloran")
        d.main_window("Loket Kecamatan Kaloran")
        self.server.wait_for_log(r"TLS TLSv1\.3 \S+ with 127\.0\.0\.1", start=mark)
        self.server.wait_for_log(r"loket@kaloran logged in", start=mark)

    def test_a_wrong_pin_is_refused_with_the_reason_shown(self):
        d = self.start_configured_desk(["tls-pin = " + "ab" * 32])
        win = d.login("loket@kaloran")
        d.label_with("Sertifikat server bukan sertifikat yang disematkan (pin)", root=win)
        self.assertNotIn("logged in", self.server.log_text())


if __name__ == "__main__":
    dt.main()
