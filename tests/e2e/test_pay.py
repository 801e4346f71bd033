"""patenctl's cashier, deposit and invariant commands end to end: the real binary (PATENCTL)
against a real patend on the demo data and a real PostgreSQL, the business clock on Monday
23 November 2026, 09:00 WIB.

  (a) a Temanggung IMB file (HUNIAN, 72 m2, SEMI_PERMANEN: SKRD Rp 337.500) from the counter to
      the SKRD, paid in cash at the Kaloran cashier (SSRD receipt), signed by the Camat and
      handed over; deposited in an STS to DPMPTSP's treasurer, validated with the bank's time,
      confirmed by that treasurer with the same amount; `patenctl check` clean;
  (b) a Pemalang reklame SKPD paid by transfer with its reference, confirmed directly by
      BAPENDA's treasurer with another amount (DISCREPANCY), then resolved with a reason;
  (c) the refusals: a wrong amount (the difference shown), a reversal by the cashier and by the
      Camat, a deposited payment's reversal, a payment in a second deposit, a deposit to the
      wrong treasurer, a handover before payment; and bad input refused before anything is
      sent;
  (d) cash kept past its deadline: OVERDUE in `pay undeposited`, an open alert until deposited;
      a deadline falling on a closed day moved to the next working day.

Steps without a command of their own (intake, the file's transitions, GetFile) go through
`patenctl call`, as in test_assess.py. Every patenctl run is checked for sanitizer reports.
"""

import json
import os
import re
import signal
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))

import test_assess as ta  # noqa: E402  (AssessTestCase: ok, fails, call, take_in, ...)
from paten_test import main  # noqa: E402

KASIR = "kasir@kaloran"
CAMAT = "camat@kaloran"
SKRD_OFFICER = ta.SKRD_OFFICER
SKPD_OFFICER = ta.SKPD_OFFICER
BENDAHARA_DPMPTSP = "bendahara@dpmptsp-temanggung"
BENDAHARA_BAPENDA = "bendahara@bapenda-pemalang"
AUDITOR = "auditor@pemda-temanggung"
HUNIAN = dict(ta.IMB_FIELDS, fungsi_bangunan="HUNIAN")


class PayTestCase(ta.AssessTestCase):

    def move_clock(self, *when):
        """The business clock to a WIB time of 2026 (y, mo, d, h, mi)."""
        self.set_clock(offset_ms=ta.wib_ms(*when) - int(time.time() * 1000))

    def skrd(self, nik="3323014101900001", name="Siti Aminah"):
        """A Kaloran IMB for a house of 72 m2, SEMI_PERMANEN, with its SKRD: 72 x 0.75 x 0.5 x
        Rp 12.500 = Rp 337.500. (file JSON, assessment number, assessment id)."""
        r = self.take_in("loket@kaloran", "imb", HUNIAN, ta.IMB_REQS, nik=nik, name=name)
        self.assertTrue(r["complete"])
        f = self.to_assessment("kaloran", r["file"], {"luas_bangunan": "72"})
        out = self.ok(SKRD_OFFICER, "assess", "issue", str(f["id"]), "--version",
                      str(f["version"]), "--principal", "337500")
        m = re.match(r"^issued SKRD (\S+) \(id (\d+)\) for .*: Rp 337\.500, due \d{4}-\d\d-\d\d\n$",
                     out)
        self.assertIsNotNone(m, out)
        return f, m.group(1), m.group(2)

    def pay(self, assessment, amount="337500", user=KASIR, *extra):
        """pay record; (payment id, receipt number, output)."""
        out = self.ok(user, "pay", "record", assessment, "--amount", amount, *extra)
        m = re.match(r"^payment (\d+): (SSRD|SSPD) (\S+)\n", out)
        self.assertIsNotNone(m, out)
        return m.group(1), m.group(3), out

    def deposit(self, treasurer, *payments, user=KASIR):
        """deposit create; (deposit id, STS number, output)."""
        out = self.ok(user, "deposit", "create", "--treasurer", treasurer, *payments)
        m = re.match(r"^created STS (\S+) \(deposit (\d+)\): ", out)
        self.assertIsNotNone(m, out)
        return m.group(2), m.group(1), out

    def deposit_changes(self, user, after, count):
        """The first count DepositChanged events user is sent after sequence `after`, replayed
        by patenctl watch: [(change, STS number)]."""
        proc = self.popen_watch("--after", str(after), user=user)
        changes = []
        try:
            lines = ta.e2e.LineReader(proc.stdout)
            while len(changes) < count:
                line = lines.next()
                self.assertIsNotNone(line, "the watch ended after %r" % changes)
                event = json.loads(line)
                if "depositChanged" in event:
                    d = event["depositChanged"]
                    changes.append((d["change"], d["deposit"]["number"]))
            proc.send_signal(signal.SIGINT)
        finally:
            proc.stdout = None  # read by the LineReader
            status, _, err = self.finish(proc)
        self.assertEqual(status, 0, err)
        return changes

    def check_clean(self, user=AUDITOR):
        p = self.as_(user, "check")
        self.assertEqual(p.returncode, 0, "check is not clean:\n%s%s" % (p.stdout, p.stderr))
        self.assertNotIn("VIOLATION", p.stdout)
        self.assertRegex(p.stdout, r"^checked \d+ payment\(s\), \d+ deposit\(s\), \d+ "
                                   r"register\(s\): 0 violation\(s\)\n$")
        return p.stdout


class CashToConfirmedTest(PayTestCase):
    """(a) Temanggung IMB: SKRD, cash at Kaloran, SK signed and handed over, STS to DPMPTSP,
    validated, confirmed with the same amount; the invariants hold."""

    def test_imb_paid_in_cash_deposited_and_confirmed(self):
        f, number, aid = self.skrd()
        regno = f["registerNumber"]

        # What is owed, found by the assessment's number, the file's number and the NIK.
        for q in (number, regno, "3323014101900001"):
            rows = self.ok(KASIR, "pay", "find", q).splitlines()
            self.assertRegex(rows[0], r"^ID\s+ASSESSMENT\s+FILE\s+APPLICANT\s+DUE\s+PRINCIPAL\s+"
                                      r"LATE\s+INTEREST\s+TOTAL$")
            self.assertEqual(len(rows), 3, rows)
            self.assertRegex(rows[1], r"^\s*%s\s+SKRD %s\s+%s\s+Siti Aminah\s+2026-12-23\s+"
                                      r"Rp 337\.500\s+0\s+Rp 0\s+Rp 337\.500$"
                             % (aid, re.escape(number), re.escape(regno)))
            self.assertEqual(rows[2], "(amounts as of 2026-11-23: pay the TOTAL)")
        owed = self.ok_json(KASIR, "pay", "find", regno)["owed"]
        self.assertEqual([(o["assessment"]["id"], o["total"]) for o in owed], [(aid, "337500")])
        # Another kecamatan's cashier finds nothing.
        self.assertIn("(nothing owed found at your office)",
                      self.ok("kasir@kandangan", "pay", "find", number))

        # Paid in cash, the assessment named by its number; the SSRD receipt of Kaloran's
        # register. Grouped thousands are accepted as printed.
        pid, receipt, out = self.pay(number, amount="337.500")
        self.assertEqual(receipt, "SSRD/0001/KEC-KALORAN/2026")
        self.assertIn("  Assessment:    SKRD %s (id %s)\n" % (number, aid), out)
        self.assertIn("  Amount:        Rp 337.500\n", out)
        self.assertIn("  Method:        CASH\n", out)
        self.assertIn("  Treasurer:     DPMPTSP Kabupaten Temanggung\n", out)
        self.assertRegex(out, r"\n  Deposit by:    2026-11-24 09:\d\d\n")
        self.assertIn("  State:         ON HAND\n", out)
        self.assertRegex(out, r"\n  Verification:  \S+")
        self.assertIn("(nothing owed found at your office)", self.ok(KASIR, "pay", "find", number))

        # The SK is signed and handed over now that it is paid.
        g = self.get_file("loket@kaloran", f)
        self.assertEqual(g["state"], "FILE_STATE_PAID")
        g = self.act(CAMAT, "Sign", g)
        g = self.act("loket@kaloran", "HandOver", g, receivedByName="Siti Aminah")
        self.assertEqual(g["state"], "FILE_STATE_HANDED_OVER")

        # The day's payments, and the cash on hand with its deadline (24 hours).
        rows = self.ok(KASIR, "pay", "list").splitlines()
        self.assertRegex(rows[0], r"^ID\s+RECEIPT\s+RECEIVED\s+ASSESSMENT\s+APPLICANT\s+METHOD\s+"
                                  r"AMOUNT\s+STATE$")
        self.assertRegex(rows[1], r"^\s*%s\s+%s\s+2026-11-23 09:\d\d\s+%s\s+Siti Aminah\s+CASH\s+"
                                  r"Rp 337\.500\s+ON HAND$"
                         % (pid, re.escape(receipt), re.escape(number)))
        self.assertEqual(rows[2], "1 payment(s) standing, 0 reversed: total Rp 337.500")
        self.assertEqual(self.ok(KASIR, "pay", "list", "--day", "2026-11-22").splitlines()[1:],
                         ["(no payments)"])
        rows = self.ok(KASIR, "pay", "undeposited").splitlines()
        self.assertRegex(rows[0], r"^ID\s+RECEIPT\s+RECEIVED\s+ASSESSMENT\s+APPLICANT\s+METHOD\s+"
                                  r"AMOUNT\s+TREASURER\s+DEPOSIT BY$")
        self.assertRegex(rows[1], r"^\s*%s\s+%s\s+.*Rp 337\.500\s+DPMPTSP Kabupaten Temanggung\s+"
                                  r"2026-11-24 09:\d\d$" % (pid, re.escape(receipt)))
        self.assertEqual(len(rows), 2, rows)
        listed = self.ok_json(KASIR, "pay", "undeposited")["payments"]
        self.assertEqual([(p["id"], p.get("depositOverdue", False)) for p in listed],
                         [(pid, False)])
        self.assertEqual(int(listed[0]["depositDeadlineMs"]) - int(listed[0]["receivedAtMs"]),
                         24 * ta.HOUR)

        # Where the treasurer's event stream stands before the STS (replayed below).
        seq = self.login(BENDAHARA_DPMPTSP).rpc("Subscribe", from_now=True).last_sequence

        # The STS to DPMPTSP's treasurer, of all the cash on hand owed to it.
        did, sts, out = self.deposit("dpmptsp-temanggung")
        self.assertTrue(out.startswith("created STS %s (deposit %s): 1 payment(s), Rp 337.500, "
                                       "to DPMPTSP Kabupaten Temanggung\n" % (sts, did)), out)
        self.assertIn("  Total:         Rp 337.500\n", out)
        self.assertIn("  Validated:     not yet (patenctl deposit validate)\n", out)
        self.assertRegex(out, r"\n\s*%s\s+%s\s+.*Rp 337\.500\s+STS %s, UNCONFIRMED\n"
                         % (pid, re.escape(receipt), re.escape(sts)))
        self.assertEqual(self.ok(KASIR, "pay", "undeposited").splitlines()[1:],
                         ["(no cash on hand: every payment is deposited)"])

        # The bank validated it at 10:30 WIB; recorded at 11:00. --at is the region's local
        # time, converted exactly, whatever this machine's time zone.
        self.move_clock(2026, 11, 23, 11)
        env = ta.ctl_env()
        env["TZ"] = "America/New_York"
        p = self.ctl("--user", KASIR, "deposit", "validate", did, "--reference", "BPD-VAL-0001",
                     "--at", "2026-11-23 10:30", env=env)
        self.assertEqual(p.returncode, 0, p.stderr)
        out = p.stdout
        self.assertRegex(out, r"^validated STS %s \(deposit %s\): (1 payment\(s\), )?Rp 337\.500, "
                              r"to DPMPTSP Kabupaten Temanggung\n" % (re.escape(sts), did))
        # Shown in this machine's zone: 10:30 WIB is 22:30 the evening before in New York.
        self.assertIn("  Validated:     reference BPD-VAL-0001 at 2026-11-22 22:30, recorded by "
                      "Kasir Kecamatan Kaloran\n", out)
        shown = self.ok_json(KASIR, "deposit", "list")["deposits"]
        self.assertEqual([(d["id"], d["number"], d["total"], d["bankReference"],
                           d["validatedAtMs"]) for d in shown],
                         [(did, sts, "337500", "BPD-VAL-0001",
                           str(ta.wib_ms(2026, 11, 23, 10, 30)))])

        # The treasurer sees it unconfirmed, and confirms it against the bank: the same amount.
        rows = self.ok(BENDAHARA_DPMPTSP, "deposit", "list", "--unconfirmed").splitlines()
        self.assertRegex(rows[0], r"^ID\s+STS\s+CREATED\s+CASHIER\s+TREASURER\s+TOTAL\s+"
                                  r"VALIDATED\s+CONFIRMATION$")
        self.assertEqual(len(rows), 2, rows)
        self.assertRegex(rows[1], r"^\s*%s\s+%s\s+2026-11-23 09:\d\d\s+Kasir .*Rp 337\.500\s+"
                                  r"2026-11-23 10:30 BPD-VAL-0001\s+UNCONFIRMED$"
                         % (did, re.escape(sts)))
        out = self.ok(BENDAHARA_DPMPTSP, "deposit", "confirm", "--deposit", did, "--bank-date",
                      "2026-11-23", "--reference", "BPD-VAL-0001", "--amount", "337500")
        m = re.match(r"^confirmation (\d+) of deposit %s: CONFIRMED\n" % did, out)
        self.assertIsNotNone(m, out)
        self.assertIn("  Bank amount:   Rp 337.500\n", out)
        self.assertIn("  Expected:      Rp 337.500\n", out)
        self.assertNotIn("Difference", out)
        self.assertEqual(self.ok(BENDAHARA_DPMPTSP, "deposit", "list",
                                 "--unconfirmed").splitlines()[1:], ["(no deposits)"])
        rows = self.ok(BENDAHARA_DPMPTSP, "deposit", "list").splitlines()
        self.assertRegex(rows[1], r"CONFIRMED \(%s\)$" % m.group(1))
        # Confirmed once only.
        err = self.fails(BENDAHARA_DPMPTSP, "deposit", "confirm", "--deposit", did, "--bank-date",
                         "2026-11-23", "--reference", "BPD-VAL-0001", "--amount", "337500")
        self.assertIn(err["code"], ("ALREADY_EXISTS", "FAILED_PRECONDITION"), err)
        # The cashier's list shows where the money is.
        rows = self.ok(KASIR, "pay", "list", "--day", "2026-11-23").splitlines()
        self.assertTrue(rows[1].endswith("STS %s, CONFIRMED" % sts), rows)

        # The treasurer's office was told of each step: DepositChanged, replayed by watch.
        self.assertEqual(self.deposit_changes(BENDAHARA_DPMPTSP, seq, 3),
                         [("CREATED", sts), ("VALIDATED", sts), ("CONFIRMED", sts)])

        self.check_clean()
        shown = json.loads(self.ok(AUDITOR, "check", "--json"))
        self.assertNotIn("violations", shown)
        self.assertGreaterEqual(int(shown["payments"]), 1)
        self.assertGreaterEqual(int(shown["deposits"]), 1)


class TransferDiscrepancyTest(PayTestCase):
    """(b) Pemalang reklame: SKPD paid by transfer, confirmed by BAPENDA's treasurer with
    another amount, the discrepancy resolved with a reason."""

    def test_reklame_transfer_discrepancy_resolved(self):
        r = self.take_in("loket@taman", "reklame", ta.REKLAME_FIELDS, ta.REKLAME_REQS,
                         nik="3327014101900001", name="Budi Santoso", address="Desa Taman")
        self.assertTrue(r["complete"])
        f = self.to_assessment("taman", r["file"], {"lebar": "2", "tinggi": "3"})
        out = self.ok(SKPD_OFFICER, "taxpayer", "register", "--name", "Budi Santoso",
                      "--address", "Jl. Jend. Sudirman 12, Taman", "--nik", "3327014101900001")
        taxpayer = re.match(r"^registered NPWPD \S+: Budi Santoso \(id (\d+)\)\n$", out).group(1)
        # 2 m x 3 m x 2 faces = 12 m2 x Rp 10.125 x 12 months = Rp 1.458.000.
        out = self.ok(SKPD_OFFICER, "assess", "issue", str(f["id"]), "--version",
                      str(f["version"]), "--principal", "1458000", "--taxpayer", taxpayer,
                      "--sptpd-number", "SPTPD/0007/2026", "--sptpd-date", "2026-11-23")
        number = re.match(r"^issued SKPD (\S+) \(id (\d+)\)", out).group(1)

        # Paid by transfer to BAPENDA's account: the SSPD receipt, nothing on hand.
        pid, receipt, out = self.pay(number, "1458000", "kasir@taman", "--method", "transfer",
                                     "--reference", "TRF-20261123-778899")
        self.assertRegex(receipt, r"^SSPD/0001/")
        self.assertIn("  Method:        TRANSFER, reference TRF-20261123-778899\n", out)
        self.assertIn("  Treasurer:     BAPENDA Kabupaten Pemalang\n", out)
        self.assertIn("  State:         UNCONFIRMED\n", out)
        self.assertNotIn("Deposit by", out)
        self.assertEqual(self.ok("kasir@taman", "pay", "undeposited").splitlines()[1:],
                         ["(no cash on hand: every payment is deposited)"])

        # The statement shows Rp 1.450.000: a DISCREPANCY of Rp 8.000, open until resolved.
        out = self.ok(BENDAHARA_BAPENDA, "deposit", "confirm", "--payment", pid, "--bank-date",
                      "2026-11-23", "--reference", "TRF-20261123-778899", "--amount", "1450000")
        m = re.match(r"^confirmation (\d+) of payment %s: DISCREPANCY\n" % pid, out)
        self.assertIsNotNone(m, out)
        cid = m.group(1)
        self.assertIn("  Bank amount:   Rp 1.450.000\n", out)
        self.assertIn("  Expected:      Rp 1.458.000\n", out)
        self.assertIn("  Difference:    Rp 8.000 less than expected\n", out)
        self.assertNotIn("Resolved", out)
        rows = self.ok("kasir@taman", "pay", "list").splitlines()
        self.assertRegex(rows[1], r"\sTRANSFER\s+Rp 1\.458\.000\s+DISCREPANCY$")

        # Resolving needs a reason; with one, RESOLVED, naming who and why.
        p = self.as_(BENDAHARA_BAPENDA, "deposit", "resolve", cid)
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertIn("--reason is required", p.stderr)
        reason = "Biaya transfer antarbank Rp 8.000 dipotong bank pengirim; disetor ulang"
        resolve = ["deposit", "resolve", cid, "--reason", reason,
                   "--key", "c0ffee00-0000-4000-8000-00000000000b"]
        out = self.ok(BENDAHARA_BAPENDA, *resolve)
        self.assertTrue(out.startswith("confirmation %s of payment %s: RESOLVED\n" % (cid, pid)),
                        out)
        self.assertRegex(out, r"\n  Resolved:      2026-11-23 \d\d:\d\d by .+: %s\n"
                         % re.escape(reason))
        # Retried with its key: the same answer; asked again with a fresh key: nothing open.
        shown = self.ok_json(BENDAHARA_BAPENDA, *resolve)["confirmation"]
        self.assertEqual((shown["status"], shown["resolvedReason"]),
                         ("CONFIRMATION_STATUS_RESOLVED", reason))
        err = self.fails(BENDAHARA_BAPENDA, "deposit", "resolve", cid, "--reason", "lagi")
        self.assertEqual((err["code"], err["field"]), ("FAILED_PRECONDITION", "confirmation_id"),
                         err)
        rows = self.ok("kasir@taman", "pay", "list").splitlines()
        self.assertTrue(rows[1].endswith("RESOLVED"), rows)
        # Not another region's treasurer's to confirm.
        err = self.fails(BENDAHARA_DPMPTSP, "deposit", "confirm", "--payment", pid,
                         "--bank-date", "2026-11-23", "--reference", "X", "--amount", "1458000")
        self.assertIn(err["code"], ("PERMISSION_DENIED", "NOT_FOUND"), err)

        self.check_clean("auditor@pemda-pemalang")


class RefusalsTest(PayTestCase):
    """(c) Each refusal a typed error on stderr, exit 1."""

    def test_refusals(self):
        f, number, aid = self.skrd()

        with self.subTest("handover before payment"):
            g = self.get_file("loket@kaloran", f)
            err = self.call_error("loket@kaloran", "HandOver",
                                  {"fileId": g["id"], "version": g["version"],
                                   "receivedByName": "Siti Aminah"})
            self.assertEqual(err["code"], "FAILED_PRECONDITION", err)
        with self.subTest("a wrong amount, the difference shown"):
            err = self.fails(KASIR, "pay", "record", aid, "--amount", "300000")
            self.assertEqual((err["code"], err["field"]), ("INVALID_ARGUMENT", "amount"), err)
            self.assertIn("kurang Rp 37.500", err["message"])
            err = self.fails(KASIR, "pay", "record", aid, "--amount", "340000")
            self.assertIn("lebih Rp 2.500", err["message"])
        self.assertEqual(self.ok_json(KASIR, "pay", "list"), {})

        p1, receipt1, _ = self.pay(aid)
        with self.subTest("paid twice"):
            err = self.fails(KASIR, "pay", "record", aid, "--amount", "337500")
            self.assertEqual(err["code"], "ALREADY_PAID", err)
        with self.subTest("the cashier reverses"):
            err = self.fails(KASIR, "pay", "reverse", p1, "--reason", "salah berkas")
            self.assertEqual(err["code"], "PERMISSION_DENIED", err)
        # The Camat reverses it, with a reason; the bill is payable again.
        out = self.ok(CAMAT, "pay", "reverse", p1, "--reason", "salah berkas")
        self.assertTrue(out.startswith("payment %s: SSRD %s (REVERSED)\n" % (p1, receipt1)), out)
        self.assertIn("  State:         REVERSED\n", out)
        self.assertRegex(out, r"\n  Reversed:      2026-11-23 \d\d:\d\d by .+: salah berkas\n")
        self.assertEqual(self.get_file("loket@kaloran", f)["state"],
                         "FILE_STATE_AWAITING_PAYMENT")
        with self.subTest("a reversed payment in a deposit"):
            err = self.fails(KASIR, "deposit", "create", "--treasurer", "dpmptsp-temanggung", p1)
            self.assertEqual(err["code"], "INVALID_ARGUMENT", err)

        p2, receipt2, _ = self.pay(number)
        self.assertEqual(receipt2, "SSRD/0002/KEC-KALORAN/2026")
        rows = self.ok(KASIR, "pay", "list").splitlines()
        self.assertTrue(rows[1].endswith("REVERSED"), rows)
        self.assertEqual(rows[3], "1 payment(s) standing, 1 reversed: total Rp 337.500")

        # Another house, paid too: cash owed to DPMPTSP's treasurer, never BAPENDA's.
        _, _, aid3 = self.skrd(nik="3323014101900002", name="Ahmad Fauzi")
        p3, receipt3, _ = self.pay(aid3)
        with self.subTest("a deposit to the wrong treasurer"):
            err = self.fails(KASIR, "deposit", "create", "--treasurer", "bapenda-temanggung", p3)
            self.assertEqual(err["code"], "INVALID_ARGUMENT", err)
            # naming the first payment that is not: by its receipt
            self.assertEqual(err["field"], "payment_ids", err)
            self.assertIn(receipt3, err["message"])
        with self.subTest("a treasurer's office that does not exist"):
            p = self.as_(KASIR, "deposit", "create", "--treasurer", "dpmptsp-atlantis", p3)
            self.assertEqual(p.returncode, 2, p.stderr)
            self.assertIn("no office 'dpmptsp-atlantis'", p.stderr)

        did, sts, out = self.deposit("dpmptsp-temanggung", p2)
        self.assertIn(": 1 payment(s), Rp 337.500, to DPMPTSP Kabupaten Temanggung\n", out)
        with self.subTest("the same payment in a second deposit"):
            # paten.proto, CreateDepositRequest: one already in a deposit is FAILED_PRECONDITION,
            # naming it; nothing of the new deposit is made.
            err = self.fails(KASIR, "deposit", "create", "--treasurer", "dpmptsp-temanggung", p2,
                             p3)
            self.assertEqual((err["code"], err["field"]), ("FAILED_PRECONDITION", "payment_ids"),
                             err)
            self.assertIn(receipt2, err["message"])
        with self.subTest("a deposited payment reversed"):
            err = self.fails(CAMAT, "pay", "reverse", p2, "--reason", "salah")
            self.assertEqual(err["code"], "FAILED_PRECONDITION", err)
        with self.subTest("the cashier confirms"):
            err = self.fails(KASIR, "deposit", "confirm", "--deposit", did, "--bank-date",
                             "2026-11-23", "--reference", "X", "--amount", "337500")
            self.assertEqual(err["code"], "PERMISSION_DENIED", err)
        with self.subTest("a deposit confirmed before the bank validated it"):
            err = self.fails(BENDAHARA_DPMPTSP, "deposit", "confirm", "--deposit", did,
                             "--bank-date", "2026-11-23", "--reference", "X", "--amount",
                             "337500")
            self.assertEqual(err["code"], "FAILED_PRECONDITION", err)
        with self.subTest("a validation in the future"):
            err = self.fails(KASIR, "deposit", "validate", did, "--reference", "BPD-1",
                             "--at", "2026-11-24 09:00")
            self.assertEqual(err["code"], "INVALID_ARGUMENT", err)
        self.move_clock(2026, 11, 23, 11)
        self.ok(KASIR, "deposit", "validate", did, "--reference", "BPD-1", "--at",
                "2026-11-23 10:00")
        with self.subTest("validated twice"):
            err = self.fails(KASIR, "deposit", "validate", did, "--reference", "BPD-1", "--at",
                             "2026-11-23 10:00")
            self.assertEqual(err["code"], "ALREADY_EXISTS", err)
        # p3 is still on hand, in a deposit of its own; p2 stays where it is.
        d2, _, out = self.deposit("dpmptsp-temanggung")
        self.assertIn(": 1 payment(s), Rp 337.500,", out)
        self.assertRegex(out, r"\n\s*%s\s+SSRD/0003/" % p3)
        rows = self.ok(KASIR, "deposit", "list").splitlines()[1:]
        self.assertEqual([r.split()[0] for r in rows], [d2, did])  # newest first
        self.check_clean()

    def test_bad_input_is_refused_before_anything_is_sent(self):
        for args, what in (
                (["pay", "record", "7"], "--amount is required"),
                (["pay", "record", "7", "--amount", "337500,00"], "not a whole number"),
                (["pay", "record", "7", "--amount", "3375.00"], "not a whole number"),
                (["pay", "record", "7", "--amount", "-5"], "not a whole number"),
                (["pay", "record", "7", "--amount", "5", "--method", "cek"], "--method 'cek'"),
                (["pay", "record", "7", "--amount", "5", "--method", "transfer"], "--reference"),
                (["pay", "record", "7", "--amount", "5", "--reference", "R"], "not cash"),
                (["pay", "reverse", "7"], "--reason is required"),
                (["pay", "reverse", "SSRD/1", "--reason", "x"], "PAYMENT_ID"),
                (["pay", "list", "--day", "kemarin"], "not a date"),
                (["deposit", "create", "7"], "--treasurer OFFICE"),
                (["deposit", "create", "--treasurer", "7", "x"], "'x' is not a payment id"),
                (["deposit", "validate", "3", "--reference", "R", "--at", "2026-11-23"],
                 "not a time"),
                (["deposit", "validate", "3", "--reference", "R", "--at", "2026-02-30 10:00"],
                 "not a time"),
                (["deposit", "validate", "3", "--at", "2026-11-23 10:00"], "--reference"),
                (["deposit", "confirm", "--deposit", "1", "--payment", "2", "--bank-date",
                  "2026-11-23", "--reference", "R", "--amount", "5"], "exactly one"),
                (["deposit", "confirm", "--deposit", "1", "--bank-date", "23/11/2026",
                  "--reference", "R", "--amount", "5"], "not a date"),
                (["deposit", "resolve", "1"], "--reason is required"),
                (["deposit", "frobnicate"], "deposit create|validate"),
                (["pay", "frobnicate"], "pay find|record"),
                (["check", "extra"], "no arguments")):
            with self.subTest(args=args):
                p = self.as_(KASIR, *args)
                self.assertEqual(p.returncode, 2, p.stderr)
                self.assertEqual(p.stdout, "")
                self.assertIn(what, p.stderr)


class OverdueTest(PayTestCase):
    """(d) Cash kept past its 24 hours: OVERDUE, and an alert open until the deposit is
    validated. patend looks for overdue cash every --deposit-watch (30 s by default)."""

    patend_extra_args = ["--deposit-watch", "200ms"]

    def test_overdue_cash_alerts_until_deposited(self):
        _, _, aid = self.skrd()
        pid, receipt, _ = self.pay(aid)
        self.assertEqual(self.ok(KASIR, "deposit", "alerts").splitlines()[1:],
                         ["(no open deposit alerts)"])
        # Tuesday 10:00: the deadline (Tuesday 09:0x) has passed.
        self.move_clock(2026, 11, 24, 10)
        rows = self.ok(KASIR, "pay", "undeposited").splitlines()
        self.assertRegex(rows[1], r"^\s*%s\s+.*2026-11-24 09:\d\d  OVERDUE$" % pid)
        self.assertEqual(rows[2], "1 payment(s) OVERDUE for deposit: patenctl deposit create")
        # Raised at patend's next look for overdue cash.
        deadline = time.monotonic() + 15
        while (self.ok(KASIR, "deposit", "alerts").splitlines()[1:] ==
               ["(no open deposit alerts)"] and time.monotonic() < deadline):
            time.sleep(0.5)
        for user in (KASIR, CAMAT, BENDAHARA_DPMPTSP):
            with self.subTest("the alert, to", user=user):
                rows = self.ok(user, "deposit", "alerts").splitlines()
                self.assertRegex(rows[0], r"^PAYMENT\s+RECEIPT\s+CASHIER\s+AMOUNT\s+TREASURER\s+"
                                          r"DEPOSIT BY\s+RAISED$")
                self.assertEqual(len(rows), 2, rows)
                self.assertRegex(rows[1], r"^\s*%s\s+%s\s+.*Rp 337\.500\s+DPMPTSP Kabupaten "
                                          r"Temanggung\s+2026-11-24 09:\d\d\s+2026-11-24 \d\d:\d\d"
                                          r"  OVERDUE$" % (pid, re.escape(receipt)))
        # Deposited at 10:00 and validated by the bank at 10:30: the alert is cleared.
        did, _, _ = self.deposit("dpmptsp-temanggung")
        self.move_clock(2026, 11, 24, 11)
        self.ok(KASIR, "deposit", "validate", did, "--reference", "BPD-LATE-1", "--at",
                "2026-11-24 10:30")
        self.assertEqual(self.ok(KASIR, "deposit", "alerts").splitlines()[1:],
                         ["(no open deposit alerts)"])
        self.check_clean()

    def test_a_deadline_on_a_closed_day_moves_to_the_next_working_day(self):
        # Paid on Friday 27 November at 09:00: 24 hours end on Saturday, when the banks are
        # closed, so the deadline is Monday 30 November at the same hour.
        self.move_clock(2026, 11, 27, 9)
        _, _, aid = self.skrd()
        pid, _, out = self.pay(aid)
        self.assertRegex(out, r"\n  Deposit by:    2026-11-30 09:\d\d\n")
        rows = self.ok(KASIR, "pay", "undeposited").splitlines()
        self.assertRegex(rows[1], r"^\s*%s\s+.*\s2026-11-30 09:\d\d$" % pid)
        # Not overdue on Saturday afternoon.
        self.move_clock(2026, 11, 28, 15)
        rows = self.ok(KASIR, "pay", "undeposited").splitlines()
        self.assertNotIn("OVERDUE", rows[1])
        self.assertEqual(len(rows), 2, rows)


if __name__ == "__main__":
    main()
