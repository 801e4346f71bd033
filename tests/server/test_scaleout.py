"""Scale-out (issue 8): two patend processes on one database behind HAProxy in TCP mode, with
the repository's own deploy/haproxy/haproxy.cfg (its global section replaced by one for the test,
its addresses replaced by the test's ports). Real processes: Debian's haproxy, two patend, one
PostgreSQL.

- HAProxy's health check, which speaks the PATEN protocol (Hello, then Ping with
  check_database), passes on both processes (L7OK), and leastconn puts two desks on two processes;
- a disposition made by a desk on one process reaches the addressee's desk on the other within
  100 ms of the Dispose's reply;
- register numbers stay gapless and unique under 20 concurrent intakes split over both processes;
- killing one process: its desk reconnects through HAProxy to the other, resumes its session
  (sessions live in the database), and its retries with the same idempotency keys get the replies
  already stored, including the reply the kill swallowed, without a second file.

The deposit deadline watch with two processes (each alert raised once) is covered by
test_deposits.py DeadlineTest.test_overdue_alert_pushed_to_three_roles_cleared_by_the_deposit,
which runs a second patend on the same database; it does not depend on how desks reach patend.

haproxy must be installed (scripts/lib.sh TEST_PACKAGES): without it this test fails, it does
not skip."""

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))

from paten_test import (DEMO_PASSWORD, SET_TEST_CLOCK, Client, Closed, Database, Patend,  # noqa: E402
                        main, pb)
import unittest  # noqa: E402

TOP = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
TEMPLATE = os.path.join(TOP, "deploy", "haproxy", "haproxy.cfg")
HOUR = 3600 * 1000
WIB = 7 * HOUR
# Behind a proxy every desk has the proxy's address: the per-address limits go (haproxy.cfg).
LIMITS_OFF = ["--max-connections-per-address", "0", "--login-rate-per-address", "0"]


def key():
    return str(uuid.uuid4())


def fv(**values):
    return [pb.FieldValue(name=k, value=v) for k, v in values.items()]


def person(nik):
    return pb.Applicant(kind=pb.APPLICANT_KIND_PERSON, nik=nik, name="Siti Aminah",
                        address="Desa Kaloran", phone="081234567890")


OPRIT = fv(lokasi="Desa Tepusen", ruas_jalan="Jalan Kaloran-Temanggung",
           lebar_jalan_masuk="3.5", pemohon_pemilik_tanah="true")
OPRIT_REQS = ["formulir", "ktp", "pengantar-desa", "surat-tanah", "imb", "pbb", "gambar-rencana"]


def wib_ms(y, mo, d, h=0, mi=0):
    import calendar
    return calendar.timegm((y, mo, d, h, mi, 0)) * 1000 - WIB


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class HAProxy:
    """haproxy in the foreground (-db) with the repository's config made to point at ports."""

    def __init__(self, dir, backends):
        self.dir = dir
        self.port = free_port()
        self.sock = os.path.join(dir, "admin.sock")
        self.cfg = os.path.join(dir, "haproxy.cfg")
        text = open(TEMPLATE).read()
        # The production global section (chroot, user, daemon, syslog) is replaced; defaults,
        # frontend and backend are the repository's, with the addresses changed.
        body = text[text.index("\ndefaults\n"):]
        body, n_bind = re.subn(r"(?m)^(\s*bind )\S+$", r"\g<1>127.0.0.1:%d" % self.port, body)
        servers = iter(backends)
        body, n_srv = re.subn(r"(?m)^(\s*server (\S+) )\S+",
                              lambda m: "%s127.0.0.1:%d" % (m.group(1), next(servers)), body)
        assert (n_bind, n_srv) == (1, len(backends)), \
            "haproxy.cfg no longer has one bind and %d server lines" % len(backends)
        with open(self.cfg, "w") as f:
            f.write("global\n    log stderr format short local0 info\n"
                    "    stats socket %s mode 600 level admin\n    maxconn 1000\n" % self.sock)
            f.write(body)
        self.log = open(os.path.join(dir, "haproxy.log"), "w+")
        exe = shutil.which("haproxy") or "/usr/sbin/haproxy"
        self.proc = subprocess.Popen([exe, "-f", self.cfg, "-db"], stdin=subprocess.DEVNULL,
                                     stdout=self.log, stderr=subprocess.STDOUT)

    def log_text(self):
        self.log.flush()
        with open(self.log.name) as f:
            return f.read()

    def command(self, cmd):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(5)
        s.connect(self.sock)
        s.sendall(cmd.encode() + b"\n")
        out = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            out += chunk
        s.close()
        return out.decode()

    def servers(self):
        """{server name: (status, check_status)} from "show stat"."""
        lines = self.command("show stat").splitlines()
        cols = lines[0].lstrip("# ").split(",")
        out = {}
        for l in lines[1:]:
            row = dict(zip(cols, l.split(",")))
            if row.get("pxname") == "patend" and row.get("svname") not in ("BACKEND", None):
                out[row["svname"]] = (row["status"], row["check_status"])
        return out

    def wait(self, cond, what, timeout=30):
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError("haproxy exited (%s):\n%s" % (self.proc.returncode,
                                                                   self.log_text()))
            try:
                last = self.servers()
                if cond(last):
                    return last
            except (FileNotFoundError, ConnectionRefusedError):
                pass
            # Polls a real observable (HAProxy's own view) until the deadline.
            time.sleep(0.05)
        raise AssertionError("haproxy: %s not reached within %ss (last: %r)\n%s"
                             % (what, timeout, last, self.log_text()))

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


class ScaleOutTest(unittest.TestCase):

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="paten-scaleout-")
        self.db = Database()
        env = {"PATEN_DEMO_PASSWORD": DEMO_PASSWORD}
        self.p1 = Patend(self.db.patend_args() + ["--demo"] + LIMITS_OFF, env=env).start()
        self.p2 = Patend(self.db.patend_args() + LIMITS_OFF, env=env).start()
        self.procs = [self.p1, self.p2]
        self.clients = []
        # Both processes on the same business day (a Monday of November 2026).
        offset = wib_ms(2026, 11, 23, 9) - int(time.time() * 1000)
        for p in self.procs:
            c = p.client()
            c.call(SET_TEST_CLOCK, pb.SetTestClockRequest(offset_ms=offset))
            c.close()
        self.started = {}
        for p in self.procs:
            c = p.client()
            c.login("admin@pemda-temanggung")
            self.started[c.rpc("ServerInfo").started_at_ms] = p
            c.close()
        self.assertEqual(len(self.started), 2, "two processes, two start times")
        self.haproxy = HAProxy(self.dir, [self.p1.port, self.p2.port])
        # Both servers pass the PATEN health check (L7OK: the Ping's reply header came back).
        self.haproxy.wait(lambda s: len(s) == 2 and all(v == ("UP", "L7OK") for v in s.values()),
                          "both patend UP with L7OK")

    def tearDown(self):
        for c in self.clients:
            c.close()
        self.haproxy.stop()
        for p in self.procs:
            if p.proc.poll() is None:
                rc = p.stop()
                self.assertEqual(rc, 0, "patend exited with %s:\n%s" % (rc, p.log_text()))
        self.db.drop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def desk(self, user=None, via=None):
        """A desk through HAProxy (or straight to `via`, a Patend), logged in as user."""
        c = Client(via.port if via else self.haproxy.port)
        c.hello()
        if user:
            c.login(user)
        self.clients.append(c)
        return c

    def process_of(self, c):
        return self.started[c.rpc("ServerInfo").started_at_ms]

    def take_in(self, c, nik, k=None):
        svc = [s for s in c.rpc("ListServices").services if s.code == "oprit"][0]
        return c.rpc("TakeIn", idempotency_key=k or key(), service_id=svc.id,
                     applicant=person(nik), fields=OPRIT, requirements=OPRIT_REQS)

    def test_a_disposition_reaches_a_desk_on_the_other_patend_within_100ms(self):
        camat = self.desk("camat@kaloran")
        sek = self.desk("sekretariat@kaloran")
        # leastconn: the second connection goes to the process without one.
        self.assertIsNot(self.process_of(camat), self.process_of(sek))
        sek_id = sek.session.session.user.id
        sek.rpc("Subscribe", from_now=True)
        loket = self.desk("loket@kaloran", via=self.p1)
        latencies, whole = [], []
        for i in range(5):
            f = self.take_in(loket, "33270141019%05d" % (i + 1)).file
            sent = time.monotonic()
            d = camat.rpc("Dispose", idempotency_key=key(), file_id=f.id, to_user_id=sek_id,
                          instruction="Mohon dikaji %d" % i).disposition
            replied = time.monotonic()
            deadline = replied + 10
            while True:
                ev = sek.next_event(timeout=max(0.01, deadline - time.monotonic()))
                if (ev.WhichOneof("body") == "disposition_changed"
                        and ev.disposition_changed.disposition.id == d.id):
                    break
            arrived = time.monotonic()
            self.assertEqual(ev.disposition_changed.change, "CREATED")
            latencies.append((arrived - replied) * 1000)
            whole.append((arrived - sent) * 1000)
        # The event often waits in the socket before the reply is read (it was delivered first);
        # the time from sending the Dispose bounds the whole path from above.
        print("# disposition to the other process, ms after the Dispose reply: %s; after "
              "sending it: %s" % (", ".join("%.1f" % x for x in latencies),
                                  ", ".join("%.1f" % x for x in whole)), flush=True)
        for ms in latencies:
            self.assertLess(ms, 100.0, latencies)

    def test_register_numbers_stay_gapless_under_concurrent_intake_through_both(self):
        desks = [self.desk("loket@kaloran") for _ in range(4)]
        on = [self.process_of(c) for c in desks]
        self.assertEqual(sorted(on.count(p) for p in self.procs), [2, 2], "two desks on each")
        svc = [s for s in desks[0].rpc("ListServices").services if s.code == "oprit"][0]
        results = []

        def intake(c, first):
            # Five intakes in flight at once on each connection: 20 at once over two processes.
            for i in range(first, first + 5):
                c.send(pb.MessageType.Value("MESSAGE_TYPE_TAKE_IN"),
                       pb.TakeInRequest(idempotency_key=key(), service_id=svc.id,
                                        applicant=person("33270141019%05d" % (i + 1)),
                                        fields=OPRIT, requirements=OPRIT_REQS))
            for _ in range(5):
                results.append((c, c.recv_reply()[2]))

        threads = [threading.Thread(target=intake, args=(c, 5 * i)) for i, c in enumerate(desks)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual([type(r).__name__ for _, r in results], ["TakeInReply"] * 20,
                         [str(r) for _, r in results if not isinstance(r, pb.TakeInReply)])
        numbers = sorted(r.file.register_number for _, r in results)
        self.assertEqual(numbers, ["TT/%04d/KEC-KALORAN/2026" % i for i in range(1, 21)])
        self.assertEqual(self.db.sql("SELECT string_agg(seq::text, ',' ORDER BY seq) FROM "
                                     "documents WHERE kind = 'RECEIPT'"),
                         ",".join(str(i) for i in range(1, 21)))
        # Each process issued some of them.
        by_proc = {p: 0 for p in self.procs}
        for c, _ in results:
            by_proc[on[desks.index(c)]] += 1
        self.assertEqual(sorted(by_proc.values()), [10, 10])

    def test_a_killed_patend_s_desks_resume_on_the_other_with_the_same_keys(self):
        loket = self.desk("loket@kaloran")
        other = self.desk("camat@kaloran")
        doomed, survivor = self.process_of(loket), self.process_of(other)
        self.assertIsNot(doomed, survivor)
        other.rpc("Subscribe", from_now=True)
        token = loket.session.session_token
        k1, k2 = key(), key()
        first = self.take_in(loket, "3327014101900001", k1).file
        # The second intake commits, and its process dies before the desk reads the reply.
        svc = [s for s in loket.rpc("ListServices").services if s.code == "oprit"][0]
        loket.send(pb.MessageType.Value("MESSAGE_TYPE_TAKE_IN"),
                   pb.TakeInRequest(idempotency_key=k2, service_id=svc.id,
                                    applicant=person("3327014101900002"), fields=OPRIT,
                                    requirements=OPRIT_REQS))
        deadline = time.monotonic() + 30
        while self.db.sql("SELECT count(*) FROM files f JOIN applicants a ON a.id = "
                          "f.applicant_id WHERE a.nik = '3327014101900002'") != "1":
            self.assertLess(time.monotonic(), deadline, "the second intake never committed")
            time.sleep(0.01)
        doomed.kill()
        with self.assertRaises((Closed, ConnectionResetError)):
            while True:
                loket.recv_frame()
        # The desk reconnects through HAProxy (which has not yet noticed: the refused
        # connection is redispatched) and resumes its session on the surviving process.
        again = self.desk()
        s = again.rpc("Resume", session_token=token)
        self.assertEqual(s.session.user.username, "loket@kaloran")
        self.assertIs(self.process_of(again), survivor)
        # Its retries, with the same keys, get the stored replies: no second file.
        self.assertEqual(self.take_in(again, "3327014101900001", k1).file.id, first.id)
        retried = self.take_in(again, "3327014101900002", k2).file
        self.assertEqual(self.db.sql("SELECT count(*) FROM files"), "2")
        self.assertEqual(retried.register_number, "TT/0002/KEC-KALORAN/2026")
        # And it carries on: a new intake takes the next number, and the desk on the surviving
        # process hears of it.
        third = self.take_in(again, "3327014101900003").file
        self.assertEqual(third.register_number, "TT/0003/KEC-KALORAN/2026")
        deadline = time.monotonic() + 10
        while True:
            ev = other.next_event(timeout=max(0.01, deadline - time.monotonic()))
            if (ev.WhichOneof("body") == "file_changed"
                    and ev.file_changed.file.id == third.id):
                break
        # HAProxy's health check takes the dead process out.
        name = "patend1" if doomed is self.p1 else "patend2"
        self.haproxy.wait(lambda st: st[name][0] == "DOWN", name + " DOWN")


if __name__ == "__main__":
    main()
