"""patend and its database: UNAVAILABLE while PostgreSQL is down and recovery without a restart,
migrations under concurrency and their refusals, the app role's limited grants."""

import os
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))

import pgcluster  # noqa: E402
from paten_test import (DEMO_PASSWORD, PING, SERVER_INFO, Database, Patend,  # noqa: E402
                        PatenError, main, pb)

MIGRATIONS = sorted(f for f in os.listdir(os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                       "..", "..", "migrations"))
                    if f.endswith(".sql"))
import unittest  # noqa: E402


class PostgresRestartTest(unittest.TestCase):
    """Uses a private cluster: stopping the shared one would disturb the other tests."""

    def setUp(self):
        self.cluster = pgcluster.Cluster(pgcluster.temp_root("paten-pgr-"))
        self.cluster.start()
        self.db = Database(self.cluster)
        self.server = Patend(self.db.patend_args() + ["--db-pool", "3", "--demo"],
                             env={"PATEN_DEMO_PASSWORD": DEMO_PASSWORD}).start()
        self.c = self.server.client()
        self.c.login("auditor@pemda-temanggung")

    def tearDown(self):
        self.c.close()
        rc = self.server.stop()
        self.cluster.destroy()
        self.assertEqual(rc, 0, self.server.log_text())

    def _restart(self, mode):
        ping = pb.PingRequest(check_database=True)
        self.assertGreater(self.c.call(PING, ping).database_round_trip_us, 0)

        mark = self.server.log_mark()
        self.cluster.stop(mode)
        stopped_at = time.monotonic()
        # The pool notices the lost connections by itself (no request needed)...
        self.server.wait_for_log("database unavailable", start=mark, timeout=5)
        # ...and a request that needs the database fails fast with a retryable UNAVAILABLE.
        t0 = time.monotonic()
        with self.assertRaises(PatenError) as cm:
            self.c.call(PING, ping)
        self.assertLess(time.monotonic() - t0, 1.0)
        self.assertLess(time.monotonic() - stopped_at, 5.0)
        self.assertEqual(cm.exception.code, "UNAVAILABLE")
        self.assertTrue(cm.exception.err.retryable)
        # Requests that do not need the database are still served.
        self.assertIsInstance(self.c.call(PING), pb.PingReply)
        info = self.c.call(SERVER_INFO)
        self.assertEqual(info.database_state, pb.DATABASE_STATE_UNAVAILABLE)

        mark = self.server.log_mark()
        self.cluster.start()
        # Every pool connection comes back without restarting patend.
        self.server.wait_for_count(r"db-\d+: database connection restored", 3, start=mark)
        self.assertGreater(self.c.call(PING, ping).database_round_trip_us, 0)
        info = self.c.call(SERVER_INFO)
        self.assertEqual(info.database_state, pb.DATABASE_STATE_CONNECTED)
        self.assertGreaterEqual(info.database_reconnects, 3)

    def test_fast_stop_and_start(self):
        self._restart("fast")

    def test_immediate_stop_and_start(self):
        self._restart("immediate")


class MigrationTest(unittest.TestCase):

    def setUp(self):
        self.db = Database()

    def tearDown(self):
        self.db.drop()

    def test_applied_once_and_grants(self):
        s = Patend(self.db.patend_args()).start()
        self.assertEqual(s.stop(), 0)
        self.assertEqual(self.db.sql("SELECT name FROM schema_migrations ORDER BY version"),
                         "\n".join(MIGRATIONS))
        self.assertEqual(self.db.sql("SELECT count(*) FROM paten_instance"), "1")
        # The pool's role reads settings but cannot write them nor change the schema.
        self.assertEqual(self.db.sql("SELECT count(*) FROM settings", user="paten_app"), "0")
        with self.assertRaises(RuntimeError) as cm:
            self.db.sql("INSERT INTO settings VALUES ('k', 'v', now())", user="paten_app")
        self.assertIn("permission denied", str(cm.exception))
        with self.assertRaises(RuntimeError):
            self.db.sql("CREATE TABLE x (a int)", user="paten_app")
        # A second start applies nothing again.
        s = Patend(self.db.patend_args()).start()
        self.assertEqual(s.stop(), 0)
        self.assertEqual(self.db.sql("SELECT count(*) FROM schema_migrations"), str(len(MIGRATIONS)))

    def test_two_patend_starting_together(self):
        servers = [Patend(self.db.patend_args()) for _ in range(2)]
        errors = []

        def start(s):
            try:
                s.start()
            except Exception as e:  # noqa: BLE001
                errors.append(e)

        threads = [threading.Thread(target=start, args=(s,)) for s in servers]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(errors, [])
        for s in servers:
            self.assertEqual(s.stop(), 0, s.log_text())
        self.assertEqual(self.db.sql("SELECT count(*) FROM schema_migrations"), str(len(MIGRATIONS)))
        self.assertEqual(self.db.sql("SELECT count(*) FROM paten_instance"), "1")

    def _start_fails(self, *expect):
        s = Patend(self.db.patend_args())
        with self.assertRaises(AssertionError):
            s.start(timeout=60)
        rc = s.proc.wait(timeout=30)
        s.reader.join(10)
        self.assertNotEqual(rc, 0)
        for text in expect:
            self.assertIn(text, s.log_text())

    def test_changed_migration_refused(self):
        Patend(self.db.patend_args()).start().stop()
        self.db.sql("UPDATE schema_migrations SET checksum = repeat('0', 64) WHERE version = 1")
        self._start_fails("0001_foundation.sql", "changed")

    def test_newer_schema_refused(self):
        Patend(self.db.patend_args()).start().stop()
        self.db.sql("INSERT INTO schema_migrations (version, name, checksum, applied_at) "
                    "VALUES (9999, '9999_future.sql', repeat('0', 64), now())")
        self._start_fails("9999", "newer")

    def test_unreachable_database_refused_clearly(self):
        s = Patend(["--db", "host=/nonexistent-dir port=5432 dbname=x user=y"])
        with self.assertRaises(AssertionError):
            s.start()
        self.assertNotEqual(s.proc.wait(timeout=30), 0)
        self.assertIn("nonexistent-dir", s.log_text())


class CreateAdminTest(unittest.TestCase):
    """patend --create-admin: the first ADMIN of a real deployment."""

    def setUp(self):
        self.db = Database()

    def tearDown(self):
        self.db.drop()

    def create(self, *args, password="kuat-sekali-1"):
        env = dict(os.environ, PATEN_PASSWORD=password)
        return subprocess.run([os.environ["PATEND"]] + self.db.patend_args() + list(args),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                              stdin=subprocess.DEVNULL, timeout=120)

    def test_first_admin_of_a_new_region(self):
        r = self.create("--create-admin", "admin.kutai", "--region", "kutai")
        self.assertEqual(r.returncode, 1)
        self.assertIn("--region-name", r.stderr + r.stdout)
        r = self.create("--create-admin", "admin.kutai", "--region", "kutai", "--region-name",
                        "Kabupaten Kutai Kartanegara", "--time-zone", "Asia/Makassar",
                        "--admin-name", "Siti Rahma")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("created ADMIN admin.kutai", r.stdout)
        # The region, its PEMDA office, the user with the ADMIN role, an audit row; and the
        # database now refuses demo data.
        self.assertEqual(self.db.sql("SELECT time_zone FROM regions WHERE code = 'kutai'"),
                         "Asia/Makassar")
        self.assertEqual(self.db.sql("SELECT o.code || '|' || r.role FROM users u JOIN offices o "
                                     "ON o.id = u.office_id JOIN user_roles r ON r.user_id = u.id "
                                     "WHERE u.username = 'admin.kutai'"), "pemda-kutai|ADMIN")
        self.assertEqual(self.db.sql("SELECT action FROM audit_log"), "ADMIN_CREATED")
        s = Patend(self.db.patend_args() + ["--demo"])
        with self.assertRaises(AssertionError):
            s.start()
        self.assertNotEqual(s.proc.wait(timeout=30), 0)
        self.assertIn("not empty", s.log_text())
        # The ADMIN logs in and manages the region; a second ADMIN joins the existing region.
        s = Patend(self.db.patend_args()).start()
        try:
            c = s.client()
            c.login("admin.kutai", "kuat-sekali-1")
            self.assertEqual([o.code for o in c.rpc("ListOffices").offices], ["pemda-kutai"])
            self.assertEqual(self.create("--create-admin", "admin2.kutai", "--region",
                                         "kutai").returncode, 0)
            self.assertEqual(sorted(u.username for u in c.rpc("ListUsers").users),
                             ["admin.kutai", "admin2.kutai"])
            self.assertEqual(c.rpc("VerifyAudit").intact, True)
            c.close()
        finally:
            self.assertEqual(s.stop(), 0)
        # A weak password is refused before anything is written.
        r = self.create("--create-admin", "lemah", "--region", "kutai", password="pendek")
        self.assertEqual(r.returncode, 1)
        self.assertEqual(self.db.sql("SELECT count(*) FROM users WHERE username = 'lemah'"), "0")


class ConfigTest(unittest.TestCase):

    def _run(self, *args, env=None):
        e = dict(os.environ)
        if env:
            e.update(env)
        return subprocess.run([os.environ["PATEND"]] + list(args), stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env=e, timeout=30)

    def test_help_lists_every_option_with_its_variable(self):
        r = self._run("--help")
        self.assertEqual(r.returncode, 0)
        for opt, var in [("--listen", "PATEN_LISTEN"), ("--data-dir", "PATEN_DATA_DIR"),
                         ("--db", "PATEN_DB"), ("--demo", "PATEN_DEMO"),
                         ("--log-level", "PATEN_LOG_LEVEL"), ("--config", "PATEN_CONFIG")]:
            self.assertIn(opt, r.stdout)
            self.assertIn(var, r.stdout)

    def test_bad_values_are_named(self):
        r = self._run("--listen", "nowhere")
        self.assertEqual(r.returncode, 2)
        self.assertIn("--listen", r.stderr)
        r = self._run("--idle-timeout", "soon")
        self.assertEqual(r.returncode, 2)
        self.assertIn("idle-timeout", r.stderr)
        r = self._run("--no-such-option")
        self.assertEqual(r.returncode, 2)
        r = self._run(env={"PATEN_DB_POOL": "zero"})
        self.assertEqual(r.returncode, 2)
        self.assertIn("PATEN_DB_POOL", r.stderr)

    def test_ini_file_then_environment_then_flags(self):
        db = Database()
        try:
            ini = os.path.join(pgcluster.temp_root("paten-ini-"), "patend.ini")
            with open(ini, "w") as f:
                f.write("[patend]\nmax-in-flight = 7\nlisten = 127.0.0.1:1\n")
            # The file sets max-in-flight; the environment overrides listen; a flag overrides
            # nothing here but --listen from Patend() wins over both.
            s = Patend(db.patend_args() + ["--config", ini],
                       env={"PATEN_LISTEN": "127.0.0.1:2"}).start()
            c = s.client(hello=False)
            self.assertEqual(c.hello().max_in_flight, 7)
            c.close()
            self.assertEqual(s.stop(), 0)
            with open(ini, "w") as f:
                f.write("[patend]\nno-such-key = 1\n")
            r = self._run("--config", ini)
            self.assertEqual(r.returncode, 2)
            self.assertIn("no-such-key", r.stderr)
        finally:
            db.drop()


if __name__ == "__main__":
    main()
