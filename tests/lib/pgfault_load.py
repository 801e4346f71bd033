"""Load and after-the-fact checks for the PostgreSQL fault tests (tests/faults/test_pg_restart.py,
tests/faults/test_disk_full.py).

A Desk is one simulated office PC: it carries IMB files from intake through routing,
assessment and payment, with one connection per role, each resuming a session its test logged
in once (Argon2id logins for 20 desks x 6 roles would only measure the password hash). Every
change is sent with an idempotency key and, when the answer is a retryable error or the
connection is lost, sent again with the same key, the way paten-desk does. What each desk was
told (acknowledged) is recorded, so that check_database can compare it with what the database
holds.

Errors a desk counts instead of failing: UNAVAILABLE and TIMEOUT (the database is away), and a
closed connection (counted separately: the tests assert there are none). Any other error, and a
reply that takes longer than the socket timeout (a hang), fails the desk.
"""

import socket
import threading
import time
import uuid

from paten_test import Client, Closed, PatenError, pb

RETRYABLE = ("UNAVAILABLE", "TIMEOUT")
IMB_REQS = ["formulir", "ktp", "surat-tanah", "denah-lokasi", "tampak", "pbb"]
SKRD_OFFICER = "petugas_skrd@dpmptsp-temanggung"
KEC_ROLES = ("loket", "camat", "tim_teknis", "sekretariat", "kasir")


def key():
    return str(uuid.uuid4())


def imb_fields(luas="72"):
    values = dict(luas_bangunan=luas, jumlah_lantai="1", fungsi_bangunan="HUNIAN",
                  kelas_bangunan="SEMI_PERMANEN", lokasi="Desa Kaloran", imb_perumahan="false",
                  nama_sesuai_surat_tanah="true")
    return [pb.FieldValue(name=k, value=v) for k, v in values.items()]


def applicant(n, name="Siti Aminah", address="Desa Taman"):
    """A person with a NIK unique to n (0 <= n < 10000)."""
    return pb.Applicant(kind=pb.APPLICANT_KIND_PERSON, nik="332701410190%04d" % n, name=name,
                        address=address, phone="081234567890")


class Hang(AssertionError):
    pass


class Stats:
    """What the desks saw, shared by all of them."""

    def __init__(self):
        self.lock = threading.Lock()
        self.errors = {}      # code -> count of retryable errors
        self.closed = 0       # connections patend closed under a desk
        self.fatal = []       # (desk, rpc, description): anything else

    def count(self, code):
        with self.lock:
            self.errors[code] = self.errors.get(code, 0) + 1

    def retryable_total(self):
        with self.lock:
            return sum(self.errors.values())


class Sessions:
    """One login per user, made once; desks resume these sessions on their own connections."""

    def __init__(self, port_fn, password):
        self.port_fn = port_fn
        self.password = password
        self.tokens = {}

    def token(self, user):
        if user not in self.tokens:
            c = Client(self.port_fn(), timeout=60)
            try:
                c.hello()
                self.tokens[user] = c.login(user, self.password).session_token
            finally:
                c.close()
        return self.tokens[user]


class Desk:
    """One PC of kecamatan `kec` (plus the DPMPTSP officer who assesses its files)."""

    def __init__(self, name, kec, port_fn, sessions, stats, services, timeout=30.0,
                 deadline_s=240.0):
        self.name = name
        self.kec = kec
        self.port_fn = port_fn
        self.sessions = sessions
        self.stats = stats
        self.services = services  # kec -> the IMB service (ListServices entry)
        self.timeout = timeout
        self.deadline_s = deadline_s
        self.conns = {}
        self.acked = []  # one dict per lifecycle finished: what this desk was told

    def close(self):
        for c in self.conns.values():
            c.close()
        self.conns = {}

    def _conn(self, user):
        c = self.conns.get(user)
        if c is None:
            c = Client(self.port_fn(), timeout=self.timeout)
            try:
                c.hello()
                c.session = c.rpc("Resume", session_token=self.sessions.token(user))
            except BaseException:
                c.close()
                raise
            self.conns[user] = c
        return c

    def _drop(self, user):
        c = self.conns.pop(user, None)
        if c is not None:
            c.close()

    def call(self, user, rpc, **fields):
        """rpc as user, the same request again after every retryable failure (a change carries
        its idempotency key in fields, so it is the same change). Backs off 20 ms doubling to
        320 ms between tries, as a desk would, so that twenty desks do not spin while PostgreSQL
        is down."""
        delay = 0.02
        deadline = time.monotonic() + self.deadline_s
        while True:
            try:
                return self._conn(user).rpc(rpc, **fields)
            except PatenError as e:
                if e.code not in RETRYABLE or not e.err.retryable:
                    self.stats.fatal.append((self.name, rpc, str(e)))
                    raise
                self.stats.count(e.code)
                if e.code == "TIMEOUT":
                    # A TIMEOUT may come from a dropped connection; start clean.
                    self._drop(user)
            except socket.timeout:
                self.stats.fatal.append((self.name, rpc, "no reply within %ss" % self.timeout))
                raise Hang("%s: %s got no reply within %ss" % (self.name, rpc, self.timeout))
            except (Closed, ConnectionError) as e:
                with self.stats.lock:
                    self.stats.closed += 1
                self._drop(user)
                if time.monotonic() > deadline:
                    raise AssertionError("%s: %s: connection lost: %s" % (self.name, rpc, e))
            if time.monotonic() > deadline:
                raise AssertionError("%s: %s still failing after %ss" % (self.name, rpc,
                                                                         self.deadline_s))
            time.sleep(delay)
            delay = min(delay * 2, 0.32)

    def act(self, role, rpc, f, **fields):
        return self.call(role + "@" + self.kec, rpc, idempotency_key=key(), file_id=f.id,
                         version=f.version, **fields).file

    def take_in(self, n, fields=None, **kw):
        svc = self.services[self.kec]
        return self.call("loket@" + self.kec, "TakeIn", idempotency_key=key(),
                         service_id=svc.id, applicant=applicant(n, **kw),
                         fields=fields or imb_fields(), requirements=IMB_REQS).file

    def route(self, f):
        """A taken-in file through survey, recommendation and the Camat's approval."""
        if f.survey_policy == pb.SURVEY_POLICY_CAMAT_CHOICE:
            f = self.act("camat", "SetSurvey", f, needed=True)
        f = self.act("tim_teknis", "SubmitSurvey", f, date="2026-11-23", team=["Agus"],
                     findings="Sesuai", measurements=[])
        f = self.act("sekretariat", "Recommend", f, can_process=True)
        f = self.act("camat", "Decide", f, approve=True)
        if f.state != pb.FILE_STATE_AWAITING_ASSESSMENT:
            raise AssertionError("%s: file %s in state %s after approval" % (self.name, f.id,
                                                                             f.state))
        return f

    def lifecycle(self, n):
        """Intake, routing, SKRD and payment of one file; returns (and records) what the desk
        was told."""
        f = self.take_in(n)
        rec = {"file_id": f.id, "register_number": f.register_number}
        f = self.route(f)
        p = self.call(SKRD_OFFICER, "PreviewAssessment", file_id=f.id).assessment
        a = self.call(SKRD_OFFICER, "IssueAssessment", idempotency_key=key(), file_id=f.id,
                      version=p.file_version, principal=p.principal).assessment
        rec.update(assessment_id=a.id, assessment_number=a.number)
        pay = self.call("kasir@" + self.kec, "RecordPayment", idempotency_key=key(),
                        assessment_id=a.id, method=pb.PAYMENT_METHOD_CASH,
                        amount=a.principal).payment
        rec.update(receipt_number=pay.receipt_number)
        self.acked.append(rec)
        return rec


class EventWatcher(threading.Thread):
    """Reads the events pushed to one subscribed connection for as long as it is open, so that
    patend never finds the subscriber slow; wait_for waits for one matching a predicate."""

    def __init__(self, client):
        super().__init__(daemon=True)
        self.client = client
        self.cond = threading.Condition()
        self.events = []
        self.error = None

    def run(self):
        self.client.sock.settimeout(None)
        try:
            while True:
                ev = self.client.next_event(timeout=None)
                with self.cond:
                    self.events.append(ev)
                    self.cond.notify_all()
        except (Closed, OSError) as e:
            with self.cond:
                self.error = e
                self.cond.notify_all()

    def wait_for(self, pred, timeout=60):
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                for ev in self.events:
                    if pred(ev):
                        return ev
                if self.error is not None:
                    raise AssertionError("the subscriber's connection ended: %s" % self.error)
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError("no matching event within %ss" % timeout)
                self.cond.wait(left)


GAPS_SQL = """
SELECT r.office_id || '/' || r.kind || '/' || r.series || '/' || r.year || ': last_no '
       || r.last_no || ', documents ' || count(d.id) || ', max ' || coalesce(max(d.seq), 0)
FROM registers r
LEFT JOIN documents d USING (office_id, kind, series, year)
GROUP BY r.office_id, r.kind, r.series, r.year, r.last_no
HAVING count(d.id) <> r.last_no OR coalesce(max(d.seq), 0) <> r.last_no
       OR coalesce(min(d.seq), 1) <> 1
UNION ALL
SELECT 'document ' || d.number || ' outside any register' FROM documents d
WHERE NOT EXISTS (SELECT 1 FROM registers r WHERE (r.office_id, r.kind, r.series, r.year)
                  = (d.office_id, d.kind, d.series, d.year))
"""


def register_gaps(db):
    """Every register whose numbers are not exactly 1..last_no, as text (empty: gapless)."""
    out = db.sql(GAPS_SQL)
    return [l for l in out.split("\n") if l]


def rows(db, query):
    out = db.sql(query)
    return sorted(l for l in out.split("\n") if l)


def check_database(test, db, acked, auditor):
    """Asserts that the database holds exactly the acknowledged files, assessments and payments
    (each once), that every register is gapless, that the invariant check and the audit chain
    verify (auditor: a logged-in Client of an AUDITOR)."""
    test.assertEqual(rows(db, "SELECT id || ' ' || register_number FROM files"),
                     sorted("%d %s" % (r["file_id"], r["register_number"]) for r in acked))
    test.assertEqual(rows(db, "SELECT file_id || ' ' || id || ' ' || number FROM assessments"),
                     sorted("%d %d %s" % (r["file_id"], r["assessment_id"],
                                          r["assessment_number"]) for r in acked
                            if "assessment_id" in r))
    test.assertEqual(rows(db, "SELECT assessment_id || ' ' || receipt_number FROM payments"),
                     sorted("%d %s" % (r["assessment_id"], r["receipt_number"]) for r in acked
                            if "receipt_number" in r))
    test.assertEqual(register_gaps(db), [])
    inv = auditor.rpc("CheckInvariants")
    test.assertEqual(list(inv.violations), [])
    test.assertEqual(inv.payments, sum(1 for r in acked if "receipt_number" in r))
    audit = auditor.rpc("VerifyAudit")
    test.assertTrue(audit.intact, [(c.office_code, c.first_broken_seq, c.problem)
                                   for c in audit.chains if not c.intact])
