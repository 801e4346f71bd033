"""patenctl end to end: the real binary (PATENCTL) against a real patend on a real PostgreSQL.

Each test gets its own database with the demo people and its own patend (PatendTestCase).
patenctl is built with the sanitizers; every run of it is checked for a sanitizer report on its
stderr, leaks included.
"""

import json
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))

import pgcluster  # noqa: E402
from paten_test import (DEMO_PASSWORD, FLAG_ERROR, FLAG_REPLY, SERVER_INFO, Patend,  # noqa: E402
                        PatendTestCase, main, pb)

PATENCTL = os.environ.get("PATENCTL", "patenctl")
SANITIZER_REPORT = re.compile(r"AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|"
                              r"runtime error:|ThreadSanitizer")
FROZEN_MS = "1767225600000"  # 2026-01-01T00:00:00Z
ADMIN = "admin@pemda-temanggung"  # a demo user (password DEMO_PASSWORD)


def ctl_env(**extra):
    env = dict(os.environ)
    env.pop("PATEN_SERVER", None)
    env.setdefault("ASAN_OPTIONS", "detect_leaks=1:abort_on_error=0")
    env.setdefault("UBSAN_OPTIONS", "halt_on_error=1:print_stacktrace=1")
    env.pop("PATEN_USER", None)
    env["PATEN_PASSWORD"] = DEMO_PASSWORD
    # English system messages ("Connection refused") whatever the machine's locale.
    env["LC_ALL"] = "C.UTF-8"
    env.update(extra)
    return env


class LineReader(threading.Thread):
    """Collects a background process's stdout lines, so a test can wait for the next one with a
    time limit instead of sleeping."""

    def __init__(self, stream):
        super().__init__(daemon=True)
        self.stream = stream
        self.lines = queue.Queue()
        self.start()

    def run(self):
        for line in self.stream:
            self.lines.put(line)
        self.lines.put(None)

    def next(self, timeout=30):
        return self.lines.get(timeout=timeout)


def free_port_without_listener():
    """A socket bound to a loopback port but not listening: connecting to it is refused, and no
    other process can take the port while the socket is open."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    return s


class PatenctlTestCase(PatendTestCase):

    def address(self):
        return "127.0.0.1:%d" % self.server.port

    def assert_clean_stderr(self, stderr):
        self.assertIsNone(SANITIZER_REPORT.search(stderr),
                          "sanitizer report from patenctl:\n" + stderr)

    def ctl(self, *args, stdin=None, server=True, env=None, timeout=60):
        """Runs patenctl to completion; returns the CompletedProcess (text mode)."""
        argv = [PATENCTL]
        if server:
            argv += ["--server", self.address()]
        argv += list(args)
        p = subprocess.run(argv, input=stdin if stdin is not None else "",
                           capture_output=True, text=True, env=env or ctl_env(),
                           timeout=timeout)
        self.assert_clean_stderr(p.stderr)
        return p

    def ctl_ok(self, *args, **kw):
        p = self.ctl(*args, **kw)
        self.assertEqual(p.returncode, 0, "patenctl %s failed:\n%s" % (" ".join(args), p.stderr))
        return p

    def call_json(self, *args, **kw):
        """patenctl [options] call ...; returns the reply parsed from stdout. Options (those
        starting with "--", with their values) go before "call"."""
        args = list(args)
        opts = []
        while args and args[0].startswith("--"):
            opts += args[:2]
            args = args[2:]
        p = self.ctl_ok(*opts, "call", *args, **kw)
        # stdout is a pipe, so the reply is compact: one line.
        self.assertEqual(p.stdout.count("\n"), 1, p.stdout)
        return json.loads(p.stdout)

    def error_json(self, p):
        """The error object patenctl printed on stderr for an error reply (exit 1)."""
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertEqual(p.stdout, "")
        lines = p.stderr.splitlines()
        self.assertEqual(len(lines), 1, p.stderr)
        obj = json.loads(lines[0])
        self.assertEqual(list(obj), ["error"])
        self.assertEqual(set(obj["error"]),
                         {"code", "message", "field", "retryable", "detail"})
        return obj["error"]

    def server_info(self):
        return self.login(ADMIN).call(SERVER_INFO)

    def popen_watch(self, *args, user=None):
        login = ["--user", user] if user else []
        return subprocess.Popen([PATENCTL, "--server", self.address()] + login + ["watch"] +
                                list(args),
                                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, env=ctl_env())

    def finish(self, proc, timeout=60):
        """Waits for a background patenctl; returns (status, stdout, stderr), stderr checked."""
        try:
            out, err = proc.communicate(timeout=timeout)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        self.assert_clean_stderr(err)
        return proc.returncode, out, err


class AdminCommandsTest(PatenctlTestCase):
    """patenctl user ... and patenctl audit verify, as an ADMIN and an AUDITOR would use them."""

    def admin(self, *args, new_password=None):
        env = ctl_env(PATEN_PASSWORD=DEMO_PASSWORD)
        if new_password:
            env["PATEN_NEW_PASSWORD"] = new_password
        return self.ctl("--user", ADMIN, *args, env=env)

    def test_user_add_list_reset_deactivate(self):
        p = self.admin("user", "add", "dewi@kaloran", "--name", "Dewi Lestari", "--office",
                       "kaloran", "--role", "loket,kasir", "--nip", "199001012015012001",
                       new_password="awal-rahasia-1")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertRegex(p.stdout, r"^created dewi@kaloran \(id \d+, version 1\)")
        # The new user exists, with the roles and the NIP, and must change the password.
        c = self.client()
        s = c.login("199001012015012001", "awal-rahasia-1").session
        self.assertEqual(sorted(s.user.roles), [pb.ROLE_LOKET, pb.ROLE_KASIR])
        self.assertTrue(s.must_change_password)

        p = self.admin("user", "list", "--office", "kaloran")
        self.assertEqual(p.returncode, 0, p.stderr)
        line = [l for l in p.stdout.splitlines() if l.startswith("dewi@kaloran")][0]
        self.assertIn("LOKET,KASIR", line)
        self.assertIn("Dewi Lestari", line)
        self.assertNotIn("pemda", p.stdout)
        listed = json.loads(self.admin("user", "list", "--json").stdout)
        self.assertIn("dewi@kaloran", [u["username"] for u in listed["users"]])

        p = self.admin("user", "reset-password", "dewi@kaloran", new_password="sementara-9")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.client().login("dewi@kaloran", "sementara-9")

        p = self.admin("user", "deactivate", "dewi@kaloran", "--reason", "pensiun")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertNotIn("dewi@kaloran", self.admin("user", "list").stdout)
        self.assertIn("(deactivated)", self.admin("user", "list", "--all").stdout)
        # Deactivating twice: the server's error, as JSON, exit 1.
        err = self.error_json(self.admin("user", "deactivate", "dewi@kaloran", "--reason", "x"))
        self.assertEqual(err["code"], "FAILED_PRECONDITION")

    def test_password_from_a_file(self):
        folder = pgcluster.temp_root("paten-pw-")
        path = os.path.join(folder, "admin.pw")
        with open(path, "w") as f:
            f.write(DEMO_PASSWORD + "\n")
        os.chmod(path, 0o600)
        env = ctl_env()
        env.pop("PATEN_PASSWORD", None)
        p = self.ctl("--user", ADMIN, "--password-file", path, "user", "list", env=env)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn(ADMIN, p.stdout)
        # A file others can read is no place for a password.
        os.chmod(path, 0o644)
        p = self.ctl("--user", ADMIN, "--password-file", path, "user", "list", env=env)
        self.assertEqual(p.returncode, 2)
        self.assertIn("chmod 600", p.stderr)
        p = self.ctl("--user", ADMIN, "--password-file", path + ".missing", "info", env=env)
        self.assertEqual(p.returncode, 2)

    def test_usage_errors(self):
        self.assertEqual(self.admin("user").returncode, 2)
        self.assertEqual(self.admin("user", "add", "x@kaloran").returncode, 2)
        p = self.admin("user", "add", "x@kaloran", "--name", "X", "--office", "kaloran",
                       "--role", "raja", new_password="awal-rahasia-1")
        self.assertEqual(p.returncode, 2)
        self.assertIn("unknown role 'raja'", p.stderr)
        p = self.admin("user", "add", "x@kaloran", "--name", "X", "--office", "atlantis",
                       "--role", "loket", new_password="awal-rahasia-1")
        self.assertEqual(p.returncode, 2)
        self.assertIn("no office 'atlantis'", p.stderr)
        p = self.admin("user", "deactivate", "nobody@kaloran", "--reason", "x")
        self.assertEqual(p.returncode, 2)
        self.assertIn("no user 'nobody@kaloran'", p.stderr)
        # Without a login, or as a role that may not.
        self.assertEqual(self.ctl("user", "list").returncode, 2)
        p = self.ctl("--user", "kasir@kaloran", "user", "list",
                     env=ctl_env(PATEN_PASSWORD=DEMO_PASSWORD))
        self.assertEqual(self.error_json(p)["code"], "PERMISSION_DENIED")

    def test_audit_verify(self):
        self.admin("user", "add", "eko@kaloran", "--name", "Eko", "--office", "kaloran",
                   "--role", "loket", new_password="awal-rahasia-1")
        env = ctl_env(PATEN_PASSWORD=DEMO_PASSWORD)
        p = self.ctl("--user", "auditor@pemda-temanggung", "audit", "verify", env=env)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("every audit chain is intact", p.stdout)
        self.assertRegex(p.stdout, r"kaloran\s+\d+ rows  intact")
        self.db.sql("SET session_replication_role = replica; UPDATE audit_log SET "
                    "action = 'FORGED' WHERE seq = 1 AND office_id = (SELECT id FROM offices "
                    "WHERE code = 'kaloran')")
        p = self.ctl("--user", "auditor@pemda-temanggung", "audit", "verify", env=env)
        self.assertEqual(p.returncode, 1)
        self.assertRegex(p.stdout, r"kaloran\s+\d+ rows  BROKEN at row 1: the row was changed")
        p = self.ctl("--user", "auditor@pemda-temanggung", "audit", "verify", "--json", env=env)
        self.assertFalse(json.loads(p.stdout).get("intact", False))


class CalendarServiceCommandsTest(PatenctlTestCase):
    """patenctl calendar ... and patenctl service ..., as a region's ADMIN uses them."""

    def as_user(self, user, *args, stdin=None):
        return self.ctl("--user", user, *args, stdin=stdin,
                        env=ctl_env(PATEN_PASSWORD=DEMO_PASSWORD))

    def test_calendar_import_list_add_day_cuti_bersama(self):
        folder = pgcluster.temp_root("paten-cal-")
        path = os.path.join(folder, "2027.csv")
        with open(path, "w") as f:
            f.write("date,kind,name\n2027-01-01,libur_nasional,Tahun Baru 2027 Masehi\n"
                    "2027-02-08,cuti_bersama,\"Cuti Bersama, Imlek\"\n")
        p = self.as_user(ADMIN, "calendar", "import", path)
        self.assertEqual((p.returncode, p.stdout), (0, path + ": 2 added, 0 updated, "
                                                       "0 unchanged\n"), p.stderr)
        # The demo's own 2026 file again: nothing changes.
        p = self.as_user(ADMIN, "calendar", "import", os.environ["PATEN_HOLIDAYS_2026"])
        self.assertIn("0 added, 0 updated, 25 unchanged", p.stdout)
        p = self.as_user("loket@kaloran", "calendar", "list", "2027")
        self.assertEqual(p.stdout.splitlines(), [
            "2027-01-01  libur nasional  Tahun Baru 2027 Masehi",
            "2027-02-08  cuti bersama    Cuti Bersama, Imlek",
            "cuti bersama: the region's counters are closed"])
        p = self.as_user(ADMIN, "calendar", "add-day", "2027-03-03", "Hari Jadi Temanggung")
        self.assertEqual(p.stdout, "added 2027-03-03  libur daerah  Hari Jadi Temanggung\n")
        p = self.as_user(ADMIN, "calendar", "cuti-bersama", "open")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("counters stay open", p.stdout)
        listed = json.loads(self.as_user("loket@kaloran", "calendar", "list", "2027",
                                         "--json").stdout)
        self.assertEqual(len(listed["days"]), 3)
        self.assertTrue(listed["cutiBersamaOpen"])
        # A broken file is refused before anything is sent, naming the line.
        with open(path, "a") as f:
            f.write("2027-02-30,libur_nasional,Tidak Ada\n")
        p = self.as_user(ADMIN, "calendar", "import", path)
        self.assertEqual(p.returncode, 2)
        self.assertIn("line 4: '2027-02-30' is not a date", p.stderr)
        # Only an ADMIN changes the calendar.
        p = self.as_user("loket@kaloran", "calendar", "add-day", "2027-03-04", "X")
        self.assertEqual(self.error_json(p)["code"], "PERMISSION_DENIED")
        self.assertEqual(self.as_user(ADMIN, "calendar", "cuti-bersama", "maybe").returncode, 2)

    def test_service_save_show_edit_save(self):
        offices = {o.code: o.id for o in self.login(ADMIN).rpc("ListOffices").offices}
        service = {"code": "uji-sktm", "name": "Surat Keterangan (uji)",
                   "kind": "SERVICE_KIND_UNSTRUCTURED", "survey": "SURVEY_POLICY_NONE",
                   "authority": "ISSUING_AUTHORITY_CAMAT", "fee": "FEE_KIND_NONE",
                   "deadlineWorkingDays": 3, "validityUnit": "VALIDITY_UNIT_MONTHS",
                   "validityAmount": 6,
                   "requirements": [{"code": "ktp", "text": "Fotokopi KTP"}]}
        p = self.as_user(ADMIN, "service", "save", "-", stdin=json.dumps(service))
        self.assertRegex(p.stdout, r"^saved uji-sktm version 1 \(id \d+\)$")
        shown = json.loads(self.as_user("loket@kaloran", "service", "show", "uji-sktm").stdout)
        self.assertEqual((shown["version"], shown["deadlineWorkingDays"]), (1, 3))
        self.assertIn("assessorOfficeId", shown)  # every field, ready to edit
        # The ADMIN edits what show printed: a fee now, assessed and received by DPMPTSP.
        shown.update(fee="FEE_KIND_RETRIBUSI", deadlineWorkingDays=5,
                     assessorOfficeId=str(offices["dpmptsp-temanggung"]),
                     treasurerOfficeId=str(offices["dpmptsp-temanggung"]))
        p = self.as_user(ADMIN, "service", "save", "-", stdin=json.dumps(shown))
        self.assertRegex(p.stdout, r"^saved uji-sktm version 2 ")
        p = self.as_user("loket@kaloran", "service", "list")
        line = [l for l in p.stdout.splitlines() if l.startswith("uji-sktm")][0]
        self.assertRegex(line, r"uji-sktm\s+2\s+5\s+retribusi\s+Surat Keterangan \(uji\)")
        old = json.loads(self.as_user("loket@kaloran", "service", "show", "uji-sktm",
                                      "--version", "1").stdout)
        self.assertEqual(old["fee"], "FEE_KIND_NONE")
        # Saving the same edited copy again: version 1 is stale now.
        p = self.as_user(ADMIN, "service", "save", "-", stdin=json.dumps(shown))
        err = self.error_json(p)
        self.assertEqual((err["code"], err["field"]), ("CONFLICT", "service.version"))
        p = self.as_user(ADMIN, "service", "save", "-", stdin='{"code": 5}')
        self.assertEqual(p.returncode, 2)
        self.assertIn("not a Service", p.stderr)
        p = self.as_user(ADMIN, "service", "show", "tidak-ada")
        self.assertEqual(p.returncode, 2)
        self.assertIn("no service 'tidak-ada'", p.stderr)


class FileAndVerifyTest(PatenctlTestCase):
    """A file through the counter and the Camat with patenctl call, and its SK checked with
    patenctl verify: online, and offline with the saved keys after the server has gone."""

    def setUp(self):
        super().setUp()
        # The numbers below are of 2026, whatever the real date.
        monday = 1795399200000  # 2026-11-23 09:00 WIB (02:00 UTC)
        self.set_clock(offset_ms=monday - int(time.time() * 1000))

    def call_as(self, user, rpc, body):
        p = self.ctl("--user", user, "call", rpc, "-", stdin=json.dumps(body),
                     env=ctl_env(PATEN_PASSWORD=DEMO_PASSWORD))
        self.assertEqual(p.returncode, 0, p.stderr)
        return json.loads(p.stdout)

    def test_intake_to_signature_and_verify_offline(self):
        services = self.call_as("loket@taman", "ListServices", {})["services"]
        svc = [s for s in services if s["code"] == "dispensasi-nikah"][0]
        fields = {"nama_calon_suami": "Budi", "nama_calon_istri": "Ani",
                  "tanggal_nikah": "2026-12-01", "tempat_nikah": "KUA Taman",
                  "kurang_dari_10_hari": "true", "duda_janda_tercatat_kawin": "false"}
        r = self.call_as("loket@taman", "TakeIn", {
            "serviceId": svc["id"],
            "applicant": {"kind": "APPLICANT_KIND_PERSON", "nik": "3327014101900001",
                          "name": "Siti Aminah"},
            "fields": [{"name": k, "value": v} for k, v in fields.items()],
            "requirements": ["surat-permohonan-desa", "ktp", "kk"]})
        f = r["file"]
        self.assertTrue(r["complete"])
        self.assertEqual(f["registerNumber"], "TT/0001/KEC-TAMAN/2026")
        f = self.call_as("sekretariat@taman", "Recommend", {
            "fileId": f["id"], "version": f["version"], "canProcess": True})["file"]
        f = self.call_as("camat@taman", "Decide", {
            "fileId": f["id"], "version": f["version"], "approve": True})["file"]
        f = self.call_as("camat@taman", "Sign", {"fileId": f["id"],
                                                 "version": f["version"]})["file"]
        sk = f["documents"][-1]["verification"]
        # A stale version through patenctl: the server's CONFLICT, exit 1, with the state.
        p = self.ctl("--user", "camat@taman", "call", "Sign", "-",
                     stdin=json.dumps({"fileId": f["id"], "version": 1}),
                     env=ctl_env(PATEN_PASSWORD=DEMO_PASSWORD))
        err = self.error_json(p)
        self.assertEqual((err["code"], err["field"]), ("CONFLICT", "version"))

        folder = pgcluster.temp_root("paten-keys-")
        keys = os.path.join(folder, "keys.json")
        p = self.ctl_ok("keys", "pemalang")
        with open(keys, "w") as out:
            out.write(p.stdout)
        self.assertEqual([k["regionCode"] for k in json.loads(p.stdout)["keys"]], ["pemalang"])
        p = self.ctl_ok("verify", sk)
        self.assertIn("valid (on record): DECREE 503/0001/DISPENSASI-NIKAH/KEC-TAMAN/2026",
                      p.stdout)
        # The register books: the SK register of the service, and the receipts.
        env = ctl_env(PATEN_PASSWORD=DEMO_PASSWORD)
        p = self.ctl("--user", "camat@taman", "register", "decree", "--service",
                     "dispensasi-nikah", env=env)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertRegex(p.stdout, r"\n +1  503/0001/DISPENSASI-NIKAH/KEC-TAMAN/2026 +\d{4}-\d\d-\d\d"
                                   r" +TT/0001/KEC-TAMAN/2026 +Siti Aminah +Camat Kecamatan Taman\n")
        p = self.ctl("--user", "loket@taman", "register", "receipt", "--json", env=env)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual([e["number"] for e in json.loads(p.stdout)["entries"]],
                         ["TT/0001/KEC-TAMAN/2026"])
        # The SK register needs its service; an unknown kind is a usage error.
        err = self.error_json(self.ctl("--user", "camat@taman", "register", "decree", env=env))
        self.assertEqual(err["field"], "service_id")
        p = self.ctl("--user", "camat@taman", "register", "izin", env=env)
        self.assertEqual(p.returncode, 2)
        self.assertIn("KIND: receipt", p.stderr)
        # Offline: no server at all.
        self.server.stop()
        p = self.ctl("verify", "--keys", keys, "-", stdin=sk + "\n", server=False)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("valid (offline): DECREE", p.stdout)
        self.assertIn("Siti Aminah", p.stdout)
        forged = sk.replace("Siti Aminah", "Siti Aminab")
        p = self.ctl("verify", "--keys", keys, forged, server=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn("NOT valid", p.stdout)
        p = self.ctl("verify", "--keys", keys, "bukan kode", server=False)
        self.assertEqual(p.returncode, 2)
        self.server = Patend(self.db.patend_args(), env={}).start()


class PingInfoTest(PatenctlTestCase):

    def test_ping(self):
        version = self.server_info().server_version
        p = self.ctl_ok("ping")
        self.assertRegex(p.stdout, r"^pong from patend %s in \d+\.\d+ ms\n$" % re.escape(version))

    def test_ping_db(self):
        p = self.ctl_ok("ping", "--db")
        m = re.match(r"^pong from patend \S+ in \d+\.\d+ ms, database round trip (\d+\.\d+) ms\n$",
                     p.stdout)
        self.assertIsNotNone(m, p.stdout)
        self.assertGreater(float(m.group(1)), 0)

    def test_server_from_environment(self):
        p = self.ctl("ping", server=False, env=ctl_env(PATEN_SERVER=self.address()))
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertTrue(p.stdout.startswith("pong from patend "), p.stdout)

    def test_info_shows_every_field(self):
        p = self.ctl_ok("--user", ADMIN, "info")
        self.assertGreater(p.stdout.count("\n"), 5, "info is pretty-printed")
        info = json.loads(p.stdout)
        expected = [f.json_name for f in pb.ServerInfoReply.DESCRIPTOR.fields]
        self.assertEqual(sorted(info), sorted(expected))
        self.assertEqual(info["databaseState"], "DATABASE_STATE_CONNECTED")
        self.assertEqual(info["protocolMajor"], 1)
        self.assertGreaterEqual(info["connections"], 1)
        self.assertIs(info["databaseEmbedded"], False)
        self.assertIs(info["testClock"], False)
        self.assertEqual(info["throttledTotal"], "0")  # uint64: a string in proto3 JSON
        self.assertGreaterEqual(info["schemaVersion"], 1)

    def test_info_needs_a_login(self):
        err = self.error_json(self.ctl("info"))
        self.assertEqual(err["code"], "UNAUTHENTICATED")
        self.assertTrue(err["message"])

    def test_wrong_password_is_an_error_reply(self):
        p = self.ctl("--user", ADMIN, "ping", env=ctl_env(PATEN_PASSWORD="salah-sekali"))
        self.assertEqual(self.error_json(p)["code"], "UNAUTHENTICATED")

    def test_no_password_and_no_terminal(self):
        env = ctl_env()
        del env["PATEN_PASSWORD"]
        # start_new_session: no controlling terminal to ask on, whatever runs the tests.
        p = subprocess.run([PATENCTL, "--server", self.address(), "--user", ADMIN, "info"],
                           capture_output=True, text=True, env=env, timeout=60,
                           start_new_session=True)
        self.assert_clean_stderr(p.stderr)
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertIn("PATEN_PASSWORD", p.stderr)

    def test_user_from_environment(self):
        reply = self.call_json("GetSession", server=True, env=ctl_env(PATEN_USER=ADMIN))
        self.assertEqual(reply["session"]["user"]["username"], ADMIN)

    def test_help_lists_commands_and_exit_statuses(self):
        p = self.ctl_ok("--help", server=False)
        for word in ("ping", "info", "call", "watch", "Ping", "ServerInfo", "SetTestClock"):
            self.assertIn(word, p.stdout)
        for status in ("0  success", "1  the server answered with an error", "2  usage",
                       "3  connection problem"):
            self.assertIn(status, p.stdout)

    def test_no_command_or_unknown_command(self):
        p = self.ctl(server=False)
        self.assertEqual(p.returncode, 2)
        self.assertIn("no command", p.stderr)
        p = self.ctl("frobnicate")
        self.assertEqual(p.returncode, 2)
        self.assertIn("unknown command 'frobnicate'", p.stderr)


class CallTest(PatenctlTestCase):

    def test_call_ping_by_rpc_and_message_name_any_case(self):
        before = time.time() * 1000
        for name in ("Ping", "ping", "PINGREQUEST"):
            reply = self.call_json(name, "{}")
            self.assertEqual(list(reply), ["serverTimeMs"])
            self.assertIsInstance(reply["serverTimeMs"], str)  # int64: a string
            self.assertLess(abs(int(reply["serverTimeMs"]) - before), 60000)

    def test_call_without_json_sends_an_empty_request(self):
        reply = self.call_json("Ping")
        self.assertIn("serverTimeMs", reply)

    def test_call_server_info(self):
        reply = self.call_json("--user", ADMIN, "ServerInfo")
        self.assertEqual(reply["databaseState"], "DATABASE_STATE_CONNECTED")
        self.assertEqual(reply["serverVersion"], self.server_info().server_version)
        # Defaults are left out of call's output (info shows them).
        self.assertNotIn("testClock", reply)

    def test_call_json_from_stdin(self):
        reply = self.call_json("Ping", "-", stdin='{"checkDatabase": true}\n')
        self.assertGreater(int(reply["databaseRoundTripUs"]), 0)

    def test_set_test_clock_then_ping(self):
        reply = self.call_json("SetTestClock", '{"freezeAtMs": "%s"}' % FROZEN_MS)
        self.assertEqual(reply, {"serverTimeMs": FROZEN_MS})
        self.assertEqual(self.call_json("Ping", "{}")["serverTimeMs"], FROZEN_MS)
        self.assertIs(self.server_info().test_clock, True)

    def test_call_fills_in_the_idempotency_key(self):
        admin = self.login(ADMIN)
        kaloran = [o.id for o in admin.rpc("ListOffices").offices if o.code == "kaloran"][0]
        request = {"username": "baru@kaloran", "name": "Pegawai Baru", "officeId": str(kaloran),
                   "roles": ["ROLE_LOKET"], "initialPassword": "awal-rahasia-1"}
        reply = self.call_json("--user", ADMIN, "CreateUser", json.dumps(request))
        self.assertEqual(reply["user"]["username"], "baru@kaloran")
        self.assertEqual(reply["user"]["roles"], ["ROLE_LOKET"])
        # A key given in the JSON is used as given: the same request again is answered from the
        # stored reply, not created twice.
        request["idempotencyKey"] = str(uuid.uuid4())
        request["username"] = "lagi@kaloran"
        first = self.call_json("--user", ADMIN, "CreateUser", json.dumps(request))
        again = self.call_json("--user", ADMIN, "CreateUser", json.dumps(request))
        self.assertEqual(first["user"]["id"], again["user"]["id"])

    def test_error_reply_is_json_on_stderr(self):
        err = self.error_json(self.ctl("call", "SetTestClock", "{}"))
        self.assertEqual(err["code"], "INVALID_ARGUMENT")
        self.assertEqual(err["field"], "change")
        self.assertIs(err["retryable"], False)
        self.assertTrue(err["message"])
        self.assertIn("freeze_at_ms", err["detail"])

    def test_error_reply_of_a_second_hello(self):
        err = self.error_json(self.ctl("call", "Hello", '{"protocolMajor": 1, '
                                       '"clientName": "again"}'))
        self.assertEqual(err["code"], "FAILED_PRECONDITION")

    def test_bad_json_text(self):
        # Bad input is refused before connecting: against an address nobody listens on, the
        # status is still 2, not 3.
        with free_port_without_listener() as s:
            p = self.ctl("--server", "127.0.0.1:%d" % s.getsockname()[1], "call", "Ping",
                         '{"checkDatabase": tru', server=False)
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertEqual(p.stdout, "")
        self.assertIn("PingRequest", p.stderr)
        self.assertRegex(p.stderr, r"line \d+|column \d+")

    def test_unknown_field_is_named(self):
        p = self.ctl("call", "Ping", '{"checkDatabse": true}')
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertIn("checkDatabse", p.stderr)

    def test_wrong_type_is_named(self):
        p = self.ctl("call", "Ping", '{"checkDatabase": "yes"}')
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertIn("checkDatabase", p.stderr)
        p = self.ctl("call", "SetTestClock", '{"freezeAtMs": "soon"}')
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertIn("freezeAtMs", p.stderr)

    def test_unknown_rpc_lists_known_ones(self):
        p = self.ctl("call", "Frobnicate", "{}")
        self.assertEqual(p.returncode, 2)
        self.assertIn("Frobnicate", p.stderr)
        for name in ("Hello", "Ping", "ServerInfo", "SetTestClock"):
            self.assertIn(name, p.stderr)

    def test_call_needs_an_rpc(self):
        p = self.ctl("call")
        self.assertEqual(p.returncode, 2)
        self.assertIn("usage", p.stderr)

    def test_connection_refused(self):
        with free_port_without_listener() as s:
            address = "127.0.0.1:%d" % s.getsockname()[1]
            p = self.ctl("--server", address, "call", "Ping", "{}", server=False)
        self.assertEqual(p.returncode, 3)
        self.assertEqual(p.stdout, "")
        self.assertIn(address, p.stderr)
        self.assertIn("refused", p.stderr.lower())

    def test_bad_timeout_option(self):
        p = self.ctl("--timeout", "-3", "ping")
        self.assertEqual(p.returncode, 2)
        self.assertIn("--timeout", p.stderr)


class WatchTest(PatenctlTestCase):

    def test_watch_prints_server_shutdown_and_exits_0(self):
        mark = self.server.log_mark()
        proc = self.popen_watch()
        try:
            self.server.wait_for_log(r"hello from \S+ patenctl ", start=mark)
            self.assertEqual(self.server.stop(), 0, self.server.log_text())
        finally:
            status, out, err = self.finish(proc)
        self.assertEqual(status, 0, err)
        lines = out.splitlines()
        self.assertEqual(len(lines), 1, out)
        event = json.loads(lines[0])
        self.assertIn("serverShutdown", event)
        self.assertEqual(event["serverShutdown"]["drainMs"], 10000)  # --shutdown-timeout 10s
        self.assertLess(abs(int(event["atMs"]) - time.time() * 1000), 60000)
        self.assertNotIn("sequence", event)  # a transient notice: sequence 0

    def test_watch_ends_on_sigint(self):
        mark = self.server.log_mark()
        proc = self.popen_watch()
        self.server.wait_for_log(r"hello from \S+ patenctl ", start=mark)
        proc.send_signal(signal.SIGINT)
        status, out, err = self.finish(proc)
        self.assertEqual(status, 0, err)
        self.assertEqual(out, "")


class WatchSubscribeTest(PatenctlTestCase):

    def create_user(self, admin, name):
        kaloran = [o.id for o in admin.rpc("ListOffices").offices if o.code == "kaloran"][0]
        admin.rpc("CreateUser", idempotency_key=str(uuid.uuid4()), username=name, name=name,
                  office_id=kaloran, roles=[pb.ROLE_LOKET], initial_password="awal-rahasia-1")

    def test_watch_with_user_replays_then_follows(self):
        admin = self.login(ADMIN)
        first = admin.rpc("Subscribe", from_now=True).last_sequence
        self.create_user(admin, "satu@kaloran")
        proc = self.popen_watch("--after", str(first), user=ADMIN)
        try:
            lines = LineReader(proc.stdout)
            # The replayed event: once it is out, the subscription is live.
            ev = json.loads(lines.next())
            self.assertEqual(ev["userChanged"]["user"]["username"], "satu@kaloran")
            self.assertGreater(int(ev["sequence"]), first)
            self.create_user(admin, "dua@kaloran")
            ev2 = json.loads(lines.next())
            self.assertEqual(ev2["userChanged"]["user"]["username"], "dua@kaloran")
            self.assertGreater(int(ev2["sequence"]), int(ev["sequence"]))
            proc.send_signal(signal.SIGINT)
            self.assertIsNone(lines.next())  # nothing more, then end of output
        finally:
            proc.stdout = None  # read by the LineReader
            status, _, err = self.finish(proc)
        self.assertEqual(status, 0, err)

    def test_after_needs_a_user(self):
        p = self.ctl("watch", "--after", "3")
        self.assertEqual(p.returncode, 2)
        self.assertIn("--after", p.stderr)


class WatchIdleTest(PatenctlTestCase):
    patend_extra_args = ["--idle-timeout", "1s"]

    def test_server_closing_without_shutdown_is_exit_3(self):
        mark = self.server.log_mark()
        proc = self.popen_watch("--keepalive", "0")
        self.server.wait_for_log(r"hello from \S+ patenctl ", start=mark)
        # Silent for longer than the idle timeout: the server cuts the connection.
        status, out, err = self.finish(proc)
        self.assertEqual(status, 3, err)
        self.assertEqual(out, "")
        self.assertIn("lost the connection to %s" % self.address(), err)
        self.assertIn("closed the connection", err)

    def test_keepalive_outlives_the_idle_timeout(self):
        mark = self.server.log_mark()
        proc = self.popen_watch("--keepalive", "0.2")
        try:
            self.server.wait_for_log(r"hello from \S+ patenctl ", start=mark)
            # A silent client that connected after the watch is the clock: once the server has
            # cut it as idle, the watch has been connected longer than the idle timeout.
            idle = self.client()
            frames = idle.wait_closed()
            self.assertEqual([f[1] for f in frames], [FLAG_REPLY | FLAG_ERROR])
            if proc.poll() is not None:
                self.fail("the watch ended with %s: %s" % (proc.returncode, proc.stderr.read()))
            # The server agrees: the watch and the asking client are its connections.
            self.assertEqual(self.server_info().connections, 2)
            proc.send_signal(signal.SIGINT)
        finally:
            status, out, err = self.finish(proc)
        self.assertEqual(status, 0, err)


if __name__ == "__main__":
    main()
