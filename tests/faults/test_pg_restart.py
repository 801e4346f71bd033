"""PostgreSQL restarted under load (issue 7, Faults): twenty desks carry IMB files from intake
through routing, SKRD and payment, each change sent with an idempotency key and sent again with
the same key after a retryable error, while PostgreSQL is restarted with `pg_ctl restart -m fast`
(one test) and `-m immediate` (the other; crash recovery on start). The desks see only typed,
retryable UNAVAILABLE or TIMEOUT errors (never INTERNAL, never a closed connection, never a
request left without an answer), retry, and finish; patend reconnects by itself, its LISTEN
connection included (an event of a change made after the restart reaches a subscriber who
subscribed before it). Afterwards the database holds exactly the acknowledged files, SKRDs and
payments, each once; every register is gapless; CheckInvariants and VerifyAudit are clean.

The cluster is private to this file: the run's shared cluster must never be restarted."""

import calendar
import os
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))

import pgcluster  # noqa: E402
import pgfault_load as load  # noqa: E402
from paten_test import (DEMO_PASSWORD, SERVER_INFO, SET_TEST_CLOCK, Database, Patend,  # noqa: E402
                        main, pb)

DESKS = 20
KECAMATAN = ("kaloran", "kandangan")


def business_now_offset():
    """Offset putting patend's clock at Monday 2026-11-23 09:00 WIB (office hours)."""
    at = calendar.timegm((2026, 11, 23, 2, 0, 0)) * 1000
    return at - int(time.time() * 1000)


def restart_cluster(cluster, mode):
    """pg_ctl restart -m mode; returns once PostgreSQL accepts connections again. The log file
    is named again because a restarted postmaster would otherwise write to our pipe."""
    cluster._run([os.path.join(cluster.bin, "pg_ctl"), "-D", cluster.data, "-m", mode,
                  "-l", cluster.log, "-w", "-t", "120", "restart"])


class PgRestartTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.cluster = pgcluster.Cluster(pgcluster.temp_root("paten-pgfault-"))
        cls.cluster.start()

    @classmethod
    def tearDownClass(cls):
        cls.cluster.destroy()

    def setUp(self):
        self.db = Database(self.cluster)
        self.server = Patend(self.db.patend_args() + ["--demo"],
                             env={"PATEN_DEMO_PASSWORD": DEMO_PASSWORD}).start()
        self.to_close = []
        c = self.client()
        c.call(SET_TEST_CLOCK, pb.SetTestClockRequest(offset_ms=business_now_offset()))

    def tearDown(self):
        for c in self.to_close:
            c.close()
        rc = self.server.stop()
        if self.cluster.running():
            self.db.drop()
        self.assertEqual(rc, 0, "patend exited with %s:\n%s" % (rc, self.server.log_text()))

    def client(self, user=None):
        c = self.server.client(timeout=60)
        self.to_close.append(c)
        if user:
            c.login(user)
        return c

    def run_restart(self, mode):
        port = lambda: self.server.port  # noqa: E731
        sessions = load.Sessions(port, DEMO_PASSWORD)
        services = {}
        for kec in KECAMATAN:
            svcs = self.client("loket@" + kec).rpc("ListServices").services
            services[kec] = [s for s in svcs if s.code == "imb"][0]
        # Subscribed before the restart, on a connection that lives through it.
        officer = self.client(load.SKRD_OFFICER)
        officer.rpc("Subscribe", from_now=True)
        watcher = load.EventWatcher(officer)
        watcher.start()
        auditor = self.client("auditor@kaloran")

        stats = load.Stats()
        desks = [load.Desk("desk%02d" % i, KECAMATAN[i % 2], port, sessions, stats, services)
                 for i in range(DESKS)]
        # Every login first, so that the desks' work is all that runs during the restart.
        for kec in KECAMATAN:
            for role in load.KEC_ROLES:
                sessions.token(role + "@" + kec)
        sessions.token(load.SKRD_OFFICER)

        cond = threading.Condition()
        state = {"n": 0, "restarted_at": None, "warm": 0, "failed": []}

        def next_n():
            with cond:
                state["n"] += 1
                return state["n"]

        def work(d):
            try:
                while True:
                    started = time.monotonic()
                    d.lifecycle(next_n())
                    with cond:
                        if len(d.acked) == 1:
                            state["warm"] += 1
                            cond.notify_all()
                        r = state["restarted_at"]
                    # Done once a whole lifecycle began after PostgreSQL was back.
                    if r is not None and started > r:
                        return
            except BaseException as e:  # noqa: BLE001
                with cond:
                    state["failed"].append("%s: %r" % (d.name, e))
                    cond.notify_all()
            finally:
                d.close()

        threads = [threading.Thread(target=work, args=(d,)) for d in desks]
        for t in threads:
            t.start()
        try:
            with cond:
                # Under load: every desk has finished one lifecycle and is in its next.
                self.assertTrue(cond.wait_for(lambda: state["warm"] == DESKS or state["failed"],
                                              timeout=300), "desks did not warm up")
            self.assertEqual(state["failed"], [])
            mark = self.server.log_mark()
            t0 = time.monotonic()
            restart_cluster(self.cluster, mode)
            restart_s = time.monotonic() - t0
            with cond:
                state["restarted_at"] = time.monotonic()
        finally:
            for t in threads:
                t.join(timeout=600)
        self.assertFalse(any(t.is_alive() for t in threads), "a desk hung")
        self.assertEqual(state["failed"], [])
        self.assertEqual(stats.fatal, [])
        # The restart hit the desks mid-work, and what they saw was typed and retryable.
        self.assertGreater(stats.retryable_total(), 0, "no desk saw the restart")
        self.assertEqual(set(stats.errors) - set(load.RETRYABLE), set())
        self.assertEqual(stats.closed, 0, "patend closed desks' connections")
        log = self.server.lines[mark:]
        replays = sum(1 for l in log if l and "replayed from idempotency key" in l)
        sys.stdout.write("# %s: restart took %.1fs; desks saw %s; %d lifecycles; %d changes "
                         "answered from their idempotency key\n" % (
                             mode, restart_s, stats.errors, sum(len(d.acked) for d in desks),
                             replays))
        # An INTERNAL answer is logged at ERROR; nothing else may be either.
        self.assertEqual([l for l in log if l and " ERROR " in l], [])
        for why in sorted({l.split("database unavailable: ", 1)[1] for l in log
                           if l and "database unavailable: " in l}):
            sys.stdout.write("#   patend: database unavailable: %s\n" % why)

        # patend came back by itself: the pool and the LISTEN connection.
        self.server.wait_for_log(r"db-listen: database connection restored", start=mark,
                                 timeout=30)
        info = self.client("auditor@kandangan").call(SERVER_INFO)
        self.assertEqual(info.database_state, pb.DATABASE_STATE_CONNECTED)
        self.assertTrue(info.database_listener_connected)
        self.assertGreaterEqual(info.database_reconnects, info.database_pool_size + 1)
        # A change made now is pushed to the officer who subscribed before the restart.
        late = load.Desk("late", "kaloran", port, sessions, stats, services)
        try:
            f = late.route(late.take_in(next_n()))
            ev = watcher.wait_for(lambda e: e.HasField("file_changed") and
                                  e.file_changed.file.id == f.id and
                                  e.file_changed.file.state == pb.FILE_STATE_AWAITING_ASSESSMENT)
            self.assertEqual(ev.file_changed.file.register_number, f.register_number)
            late.acked.append({"file_id": f.id, "register_number": f.register_number})
        finally:
            late.close()

        acked = [r for d in desks + [late] for r in d.acked]
        load.check_database(self, self.db, acked, auditor)
        officer.sock.shutdown(2)

    def test_fast_restart_under_load(self):
        self.run_restart("fast")

    def test_immediate_restart_under_load(self):
        self.run_restart("immediate")


if __name__ == "__main__":
    main()
