"""patend killed with SIGKILL, twice, while 50 clients carry files through their whole lifecycle
(issue 7, "Faults").

Half the clients take an IMB in at Kaloran (Temanggung) and carry it through a disposition to the
technical team, the survey, the recommendation and the decision, the SKRD issued by DPMPTSP, the
cash payment at Kaloran's cashier, the deposit (STS) and its bank validation, the confirmation by
DPMPTSP's treasurer, the Camat's signature and the handover. The other half take a dispensasi
nikah in at Taman (Pemalang): a disposition to the secretariat, the recommendation, the decision,
the signature and the handover.

Every data-changing request carries an idempotency key chosen before its first send and reused on
every retry, as paten-desk does: after a closed connection, a timeout or a retryable error the
client waits for patend to be back, connects again, resumes its session (Resume) and sends the
same request again. patend is killed when about a third, then two thirds, of the changes are
acknowledged, with requests in flight, and started again on the same database each time. The
second time it is first stopped (SIGSTOP) until PostgreSQL has run everything patend sent, then
killed: the transactions already committing commit, and their replies are never sent.

Afterwards, against the clients' log of acknowledged replies: every acknowledged change is in the
database with the number the client was given (files, surveys, SKRD, receipts, STS, SK); nothing
is doubled (one file per intake key, one payment per assessment, one idempotency row per key,
each file's history the same sequence as every other file of its kind); every register is
numbered 1..N without a hole; the invariant check (AUDITOR) is clean; the audit chain of every
office verifies.
"""
import os
import signal
import socket
import sys
import threading
import time
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
sys.path.insert(0, os.path.join(HERE, "..", "server"))

from paten_test import (DEMO_PASSWORD, SET_TEST_CLOCK, Client, Closed, PatenError,  # noqa: E402
                        Patend, main, pb)
from test_assess import IMB_REQS, AssessTestCase, imb, person, wib_ms  # noqa: E402
from test_files import DISPENSASI, DISPENSASI_REQS  # noqa: E402

CLIENTS = 50
IMB_CLIENTS = 25
NOW = wib_ms(2026, 11, 23, 9)
# Changes per lifecycle (each one idempotency key): see imb_life and free_life.
IMB_CHANGES = 14
FREE_CHANGES = 8
TOTAL = IMB_CLIENTS * IMB_CHANGES + (CLIENTS - IMB_CLIENTS) * FREE_CHANGES
KILL_AT = (TOTAL // 3, 2 * TOTAL // 3)
RETRYABLE = {"UNAVAILABLE", "SHUTTING_DOWN", "TIMEOUT", "RATE_LIMITED"}
# A client that has found no working patend for this long fails the test instead of hanging.
GIVE_UP_S = 150


class World:
    """What the clients share: where patend is, whether it is up, how far they have come."""

    def __init__(self, port, tokens):
        self.cond = threading.Condition()
        self.port = port
        self.up = True
        self.generation = 0
        self.tokens = tokens          # user -> session token from one Login each
        self.acked = 0                # changes acknowledged
        self.acked_keys = []          # their idempotency keys
        self.in_flight = 0            # requests sent and not answered yet
        self.interrupted = [0, 0, 0]  # calls that lost their answer, by patend generation
        self.errors = []

    def wait_up(self):
        with self.cond:
            if not self.cond.wait_for(lambda: self.up, timeout=GIVE_UP_S):
                raise AssertionError("patend did not come back")
            return self.port, self.generation


class Actor:
    """One client's connection as one user; resumes the user's session on each new connection
    (the password is hashed once per user, in setUp, not 50 times)."""

    def __init__(self, world, user):
        self.world = world
        self.user = user
        self.c = None

    def _connect(self):
        port, gen = self.world.wait_up()
        c = Client(port, timeout=60)
        try:
            c.hello()
            c.rpc("Resume", session_token=self.world.tokens[self.user])
        except BaseException:
            c.close()
            raise
        self.c, self.gen = c, gen

    def _drop(self):
        if self.c is not None:
            self.c.close()
            self.c = None
            with self.world.cond:
                self.world.interrupted[self.gen] += 1

    def call(self, rpc, **fields):
        """rpc with these fields (the same key, when it has one) until patend answers it."""
        deadline = time.monotonic() + GIVE_UP_S
        while True:
            try:
                if self.c is None:
                    self._connect()
                with self.world.cond:
                    self.world.in_flight += 1
                    self.world.cond.notify_all()
                try:
                    return self.c.rpc(rpc, **fields)
                finally:
                    with self.world.cond:
                        self.world.in_flight -= 1
            except PatenError as e:
                if e.code not in RETRYABLE and not e.err.retryable:
                    raise
                self._drop()
            except (OSError, Closed, socket.timeout):
                self._drop()
            if time.monotonic() > deadline:
                raise AssertionError("%s %s: no answer within %ss" % (self.user, rpc, GIVE_UP_S))

    def change(self, rpc, **fields):
        """A data-changing rpc: a key of its own, kept across retries; counted when answered."""
        k = str(uuid.uuid4())
        r = self.call(rpc, idempotency_key=k, **fields)
        with self.world.cond:
            self.world.acked += 1
            self.world.acked_keys.append(k)
            self.world.cond.notify_all()
        return r

    def close(self):
        if self.c is not None:
            self.c.close()


def imb_life(world, i, log):
    """An IMB at Kaloran, intake to handover: IMB_CHANGES changes."""
    a = {u: Actor(world, u) for u in ("loket@kaloran", "camat@kaloran", "tim_teknis@kaloran",
                                      "sekretariat@kaloran", "petugas_skrd@dpmptsp-temanggung",
                                      "kasir@kaloran", "bendahara@dpmptsp-temanggung")}
    try:
        f = a["loket@kaloran"].change(
            "TakeIn", service_id=world.services["imb"], applicant=person(nik="33270141019%05d" % i),
            fields=imb(), requirements=IMB_REQS).file
        log["file"] = (f.id, f.register_number)
        d = a["camat@kaloran"].change("Dispose", file_id=f.id, to_role=pb.ROLE_TIM_TEKNIS,
                                      instruction="Mohon cek lapangan").disposition
        d = a["tim_teknis@kaloran"].change("OpenDisposition", disposition_id=d.id).disposition
        log["disposition"] = d.id
        if f.survey_policy == pb.SURVEY_POLICY_CAMAT_CHOICE:
            raise AssertionError("the demo IMB is surveyed always; this test counts on it")
        f = a["tim_teknis@kaloran"].change("SubmitSurvey", file_id=f.id, version=f.version,
                                           date="2026-11-23", team=["Agus"],
                                           findings="Sesuai").file
        log["survey"] = f.survey.number
        a["tim_teknis@kaloran"].change("CompleteDisposition", disposition_id=d.id,
                                       version=d.version, response="Sudah dicek")
        f = a["sekretariat@kaloran"].change("Recommend", file_id=f.id, version=f.version,
                                            can_process=True).file
        f = a["camat@kaloran"].change("Decide", file_id=f.id, version=f.version,
                                      approve=True).file
        skrd = a["petugas_skrd@dpmptsp-temanggung"]
        p = skrd.call("PreviewAssessment", file_id=f.id).assessment
        s = skrd.change("IssueAssessment", file_id=f.id, version=p.file_version,
                        principal=p.principal).assessment
        log["assessment"] = (s.id, s.number)
        kasir = a["kasir@kaloran"]
        pay = kasir.change("RecordPayment", assessment_id=s.id, method=pb.PAYMENT_METHOD_CASH,
                           amount=s.principal).payment
        log["payment"] = (pay.id, pay.receipt_number)
        dep = kasir.change("CreateDeposit", treasurer_office_id=pay.treasurer_office_id,
                           payment_ids=[pay.id]).deposit
        dep = kasir.change("ValidateDeposit", deposit_id=dep.id,
                           bank_reference="BANK-%d" % dep.id, validated_at_ms=NOW).deposit
        log["deposit"] = (dep.id, dep.number)
        c = a["bendahara@dpmptsp-temanggung"].change(
            "Confirm", deposit_id=dep.id, bank_date="2026-11-23",
            bank_reference=dep.bank_reference, amount=pay.amount).confirmation
        log["confirmation"] = (c.id, c.status)
        f = a["camat@kaloran"].call("GetFile", file_id=f.id).file
        f = a["camat@kaloran"].change("Sign", file_id=f.id, version=f.version).file
        log["sk"] = f.sk_number
        r = a["loket@kaloran"].change("HandOver", file_id=f.id, version=f.version,
                                      received_by_name="Pemohon %d" % i)
        log["state"] = r.file.state
        log["history"] = [h.action for h in r.history]
    finally:
        for x in a.values():
            x.close()


def free_life(world, i, log):
    """A dispensasi nikah at Taman, intake to handover: FREE_CHANGES changes."""
    a = {u: Actor(world, u) for u in ("loket@taman", "camat@taman", "sekretariat@taman")}
    try:
        f = a["loket@taman"].change(
            "TakeIn", service_id=world.services["dispensasi-nikah"],
            applicant=person(nik="33270141019%05d" % i), fields=DISPENSASI,
            requirements=DISPENSASI_REQS).file
        log["file"] = (f.id, f.register_number)
        d = a["camat@taman"].change("Dispose", file_id=f.id, to_role=pb.ROLE_SEKRETARIAT,
                                    instruction="Mohon diperiksa").disposition
        d = a["sekretariat@taman"].change("OpenDisposition", disposition_id=d.id).disposition
        log["disposition"] = d.id
        f = a["sekretariat@taman"].change("Recommend", file_id=f.id, version=f.version,
                                          can_process=True).file
        a["sekretariat@taman"].change("CompleteDisposition", disposition_id=d.id,
                                      version=d.version, response="Lengkap")
        f = a["camat@taman"].change("Decide", file_id=f.id, version=f.version, approve=True).file
        f = a["camat@taman"].change("Sign", file_id=f.id, version=f.version).file
        log["sk"] = f.sk_number
        r = a["loket@taman"].change("HandOver", file_id=f.id, version=f.version,
                                    received_by_name="Pemohon %d" % i)
        log["state"] = r.file.state
        log["history"] = [h.action for h in r.history]
    finally:
        for x in a.values():
            x.close()


class KillTest(AssessTestCase):

    def restart(self, world):
        """patend again on the same database, its business clock set before any client may
        reach it."""
        s = Patend(self.db.patend_args() + ["--demo"], env={"PATEN_DEMO_PASSWORD": DEMO_PASSWORD})
        s.start(timeout=120)
        self.server = s
        c = s.client()
        c.call(SET_TEST_CLOCK, pb.SetTestClockRequest(freeze_at_ms=NOW))
        c.close()
        with world.cond:
            world.port = s.port
            world.generation += 1
            world.up = True
            world.cond.notify_all()

    def freeze_then_kill(self):
        """SIGSTOP, then SIGKILL once PostgreSQL has done all patend had sent it: a commit already
        on its way completes, and its reply dies unsent in the stopped process (the kill between
        the commit and the reply; with patend's small pool that is 0 to 2 requests a time)."""
        self.server.proc.send_signal(signal.SIGSTOP)
        busy = ("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND "
                "usename = 'paten_app' AND state = 'active' AND "
                "coalesce(wait_event_type, '') <> 'Lock'")
        deadline = time.monotonic() + 60
        while self.db.sql(busy) != "0":
            self.assertLess(time.monotonic(), deadline, "PostgreSQL stays busy")
        self.server.kill()

    def test_sigkill_twice_under_fifty_lifecycles(self):
        t0 = time.monotonic()
        self.set_clock(freeze_at_ms=NOW)
        users = ["loket@kaloran", "camat@kaloran", "tim_teknis@kaloran", "sekretariat@kaloran",
                 "petugas_skrd@dpmptsp-temanggung", "kasir@kaloran",
                 "bendahara@dpmptsp-temanggung", "loket@taman", "camat@taman",
                 "sekretariat@taman"]
        tokens = {u: self.login(u).session.session_token for u in users}
        world = World(self.server.port, tokens)
        world.services = {"imb": self.service("loket@kaloran", "imb").id,
                          "dispensasi-nikah": self.service("loket@taman", "dispensasi-nikah").id}
        for c in self.clients:
            c.close()
        self.clients = []
        self.users.clear()

        logs = [{"kind": "imb" if i < IMB_CLIENTS else "free"} for i in range(CLIENTS)]

        def run(i):
            try:
                (imb_life if i < IMB_CLIENTS else free_life)(world, i + 1, logs[i])
            except BaseException as e:  # noqa: BLE001 - reported by the main thread
                with world.cond:
                    world.errors.append((i, repr(e)))
                    world.cond.notify_all()

        threads = [threading.Thread(target=run, args=(i,)) for i in range(CLIENTS)]
        for t in threads:
            t.start()
        acked_at_kill = []
        restarted = []
        for at in KILL_AT:
            with world.cond:
                # Killed with requests in flight, so that some are lost mid-way.
                self.assertTrue(world.cond.wait_for(
                    lambda: (world.acked >= at and world.in_flight >= 5) or world.errors,
                    timeout=GIVE_UP_S), world.acked)
                self.assertEqual(world.errors, [])
                world.up = False
                acked_at_kill.append(world.acked)
                acked_keys = set(world.acked_keys)
            if at == KILL_AT[1]:
                self.freeze_then_kill()
            else:
                self.server.kill()
            # Every change acknowledged before the kill is in the database (its key is stored
            # with it, in its transaction), before any client is back.
            stored = set(self.db.sql("SELECT key FROM idempotency").split("\n"))
            self.assertEqual(acked_keys - stored, set())
            self.restart(world)
            restarted.append(self.server)
        for t in threads:
            t.join(timeout=GIVE_UP_S)
            self.assertFalse(t.is_alive(), "a client is stuck")
        elapsed = time.monotonic() - t0
        # Changes committed before a kill whose answer the kill lost, answered on retry from the
        # stored reply.
        replays = [p.log_text().count("replayed from idempotency key") for p in restarted]
        print("# %d changes acknowledged, kills at %s; calls that lost their connection: %s; "
              "replayed after each restart: %s; %.1fs"
              % (world.acked, acked_at_kill, world.interrupted[:2], replays, elapsed))
        self.assertEqual(world.errors, [])
        self.assertEqual(world.acked, TOTAL)
        # Both kills caught requests in flight (the clients learnt those answers by retrying).
        self.assertGreater(world.interrupted[0], 0)
        self.assertGreater(world.interrupted[1], 0)
        self.check_database(logs, world)

    def rows(self, query):
        out = self.db.sql(query)
        return [tuple(line.split("|")) for line in out.split("\n")] if out else []

    def check_database(self, logs, world):
        imbs = [g for g in logs if g["kind"] == "imb"]
        frees = [g for g in logs if g["kind"] == "free"]
        # Every acknowledged file, with its number, handed over; no other file.
        self.assertEqual(sorted(self.rows("SELECT id, register_number, coalesce(sk_number, ''), "
                                          "state FROM files")),
                         sorted(("%d" % g["file"][0], g["file"][1], g["sk"], "HANDED_OVER")
                                for g in logs))
        self.assertTrue(all(g["state"] == pb.FILE_STATE_HANDED_OVER for g in logs))
        # One disposition per file, completed; the survey reports as acknowledged.
        self.assertEqual(sorted(self.rows("SELECT id, (completed_at IS NOT NULL)::text "
                                          "FROM dispositions")),
                         sorted(("%d" % g["disposition"], "true") for g in logs))
        self.assertEqual(sorted(self.rows("SELECT number FROM documents "
                                          "WHERE kind = 'SURVEY_REPORT'")),
                         sorted((g["survey"],) for g in imbs))
        # One SKRD per IMB file, one payment per SKRD, one STS and one confirmation per payment.
        self.assertEqual(sorted(self.rows("SELECT a.id, d.number FROM assessments a "
                                          "JOIN documents d ON d.id = a.document_id")),
                         sorted(("%d" % g["assessment"][0], g["assessment"][1]) for g in imbs))
        self.assertEqual(sorted(self.rows("SELECT p.id, p.receipt_number FROM payments p")),
                         sorted(("%d" % g["payment"][0], g["payment"][1]) for g in imbs))
        self.assertEqual(self.rows("SELECT count(DISTINCT assessment_id) FROM payments"),
                         [(str(IMB_CLIENTS),)])
        self.assertEqual(sorted(self.rows("SELECT d.id, d.number FROM deposits d")),
                         sorted(("%d" % g["deposit"][0], g["deposit"][1]) for g in imbs))
        self.assertEqual(self.rows("SELECT count(*), count(DISTINCT payment_id) "
                                   "FROM deposit_items"), [(str(IMB_CLIENTS),) * 2])
        self.assertEqual(sorted(self.rows("SELECT id, deposit_id IS NOT NULL FROM "
                                          "confirmations")),
                         sorted(("%d" % g["confirmation"][0], "t") for g in imbs))
        self.assertTrue(all(g["confirmation"][1] == pb.CONFIRMATION_STATUS_CONFIRMED
                            for g in imbs))
        # Each file's history is what its handover answered, and the same sequence as every
        # other file of its kind: a doubled step would show in one of them.
        for kind in (imbs, frees):
            self.assertEqual(len({tuple(g["history"]) for g in kind}), 1, kind[0]["history"])
        for g in logs:
            h = self.db.sql("SELECT string_agg(action, ',' ORDER BY id) FROM file_history "
                            "WHERE file_id = %d" % g["file"][0])
            self.assertEqual(h, ",".join(g["history"]), g["file"])
        # One stored reply per idempotency key: as many as acknowledged changes.
        self.assertEqual(self.db.sql("SELECT count(*) FROM idempotency"), str(TOTAL))
        self.assertEqual(set(self.db.sql("SELECT key FROM idempotency").split("\n")),
                         set(world.acked_keys))
        # Every register numbered 1..N, no hole, no number twice.
        holes = self.rows(
            "SELECT r.office_id, r.kind, r.series, r.last_no, count(d.seq), "
            "count(DISTINCT d.seq), coalesce(max(d.seq), 0) FROM registers r LEFT JOIN documents "
            "d ON (d.office_id, d.kind, d.series, d.year) = (r.office_id, r.kind, r.series, "
            "r.year) GROUP BY 1, 2, 3, 4, r.year HAVING count(d.seq) <> r.last_no OR "
            "count(DISTINCT d.seq) <> r.last_no OR coalesce(max(d.seq), 0) <> r.last_no")
        self.assertEqual(holes, [])
        self.assertEqual(self.db.sql("SELECT count(*) FROM documents d WHERE NOT EXISTS (SELECT 1 "
                                     "FROM registers r WHERE (d.office_id, d.kind, d.series, "
                                     "d.year) = (r.office_id, r.kind, r.series, r.year))"), "0")
        kinds = dict(self.rows("SELECT kind, count(*) FROM documents GROUP BY kind"))
        self.assertEqual((kinds["RECEIPT"], kinds["DECREE"], kinds["SKRD"], kinds["SSRD"],
                          kinds["STS"]), (str(CLIENTS), str(CLIENTS), str(IMB_CLIENTS),
                                          str(IMB_CLIENTS), str(IMB_CLIENTS)))
        # The invariant check and the audit chains, as an auditor sees them.
        r = self.login("auditor@kaloran").rpc("CheckInvariants")
        self.assertEqual((list(r.violations), r.payments, r.deposits),
                         ([], IMB_CLIENTS, IMB_CLIENTS))
        for region, offices in (("temanggung", {"kaloran", "dpmptsp-temanggung"}),
                                ("pemalang", {"taman"})):
            v = self.login("auditor@pemda-" + region).rpc("VerifyAudit")
            self.assertTrue(v.intact, [(c.office_code, c.problem) for c in v.chains])
            self.assertTrue(all(c.intact for c in v.chains))
            busy = {c.office_code for c in v.chains if c.rows > 0}
            self.assertTrue(offices <= busy, (region, busy))


if __name__ == "__main__":
    main()
