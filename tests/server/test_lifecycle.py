"""patend on its embedded PostgreSQL: graceful shutdown, the data-directory lock, dying with
patend, and the demo data."""

import os
import select
import shutil
import signal
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))

import pgcluster  # noqa: E402
from paten_test import (DEMO_PASSWORD, EVENT, FLAG_EVENT, PING, SERVER_INFO, Patend,  # noqa: E402
                        main, pb)


def postmaster_pid(data_dir):
    with open(os.path.join(data_dir, "pg", "postmaster.pid")) as f:
        return int(f.readline())


def wait_pid_gone(pid, timeout=60):
    """Waits for a process that is not our child to exit, through a pidfd (no polling)."""
    try:
        fd = os.pidfd_open(pid)
    except ProcessLookupError:
        return True
    try:
        p = select.poll()
        p.register(fd, select.POLLIN)
        return bool(p.poll(timeout * 1000))
    finally:
        os.close(fd)


def processes_mentioning(text):
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open("/proc/%s/cmdline" % pid, "rb") as f:
                if text.encode() in f.read():
                    found.append(int(pid))
        except OSError:
            pass
    return found


class EmbeddedTest(unittest.TestCase):

    def setUp(self):
        self.root = pgcluster.temp_root("paten-emb-")
        self.data_dir = os.path.join(self.root, "var")

    def tearDown(self):
        for pid in processes_mentioning(self.data_dir):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        shutil.rmtree(self.root, ignore_errors=True)

    def patend(self, *extra):
        return Patend(["--data-dir", self.data_dir, "--pg-fsync=false"] + list(extra),
                      env={"PATEN_DEMO_PASSWORD": DEMO_PASSWORD})

    def test_sigterm_with_clients_connected(self):
        s = self.patend("--demo").start(timeout=120)
        pg = postmaster_pid(self.data_dir)
        clients = [s.client() for _ in range(3)]
        clients[0].login("auditor@pemda-pemalang")
        info = clients[0].call(SERVER_INFO)
        self.assertTrue(info.database_embedded)
        self.assertEqual(info.database_state, pb.DATABASE_STATE_CONNECTED)
        clients[1].call(PING, pb.PingRequest(check_database=True))

        s.proc.send_signal(signal.SIGTERM)
        for c in clients:
            frames = c.wait_closed()
            events = [f for f in frames if f[1] & FLAG_EVENT and f[2] == EVENT]
            self.assertEqual(len(events), 1, "each client is told the server is stopping")
            ev = pb.Event()
            ev.ParseFromString(events[0][4])
            self.assertEqual(ev.WhichOneof("body"), "server_shutdown")
            c.close()
        self.assertEqual(s.stop(sig=None), 0, s.log_text())
        self.assertIn("embedded PostgreSQL stopped", s.log_text())
        self.assertTrue(wait_pid_gone(pg))
        self.assertEqual(processes_mentioning(self.data_dir), [])

    def test_second_patend_on_same_data_dir_refused(self):
        s = self.patend().start(timeout=120)
        other = self.patend()
        with self.assertRaises(AssertionError):
            other.start()
        self.assertNotEqual(other.proc.wait(timeout=30), 0)
        self.assertIn("another patend", other.log_text())
        # The first one is unharmed.
        c = s.client()
        c.call(PING, pb.PingRequest(check_database=True))
        c.close()
        self.assertEqual(s.stop(), 0)

    def test_postgres_follows_a_killed_patend(self):
        s = self.patend().start(timeout=120)
        pg = postmaster_pid(self.data_dir)
        s.kill()
        self.assertTrue(wait_pid_gone(pg), "postgres outlived a SIGKILLed patend")
        # A new patend starts on the same data directory and serves.
        s2 = self.patend().start(timeout=120)
        c = s2.client()
        self.assertGreater(c.call(PING, pb.PingRequest(check_database=True))
                           .database_round_trip_us, 0)
        c.close()
        self.assertEqual(s2.stop(), 0)

    def test_demo_data_loaded_once(self):
        s = self.patend("--demo").start(timeout=120)
        self.assertIn("demo data loaded", s.log_text())
        self.assertEqual(s.stop(), 0)
        s = self.patend("--demo").start(timeout=120)
        self.assertIn("demo data already loaded", s.log_text())
        self.assertEqual(s.stop(), 0)


if __name__ == "__main__":
    main()
