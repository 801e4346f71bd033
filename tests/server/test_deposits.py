"""Deposits and the treasurer on a real patend and PostgreSQL (issue 6, second step): cash
grouped into an STS per treasurer (its total computed), never twice and never to the wrong
treasurer, a deposited payment never reversed, the bank's validation recorded once, the
treasurer's confirmation (equal: confirmed; different: a discrepancy open until resolved), the
deadline of 24 hours moved past closed days, overdue alerts pushed to the cashier, the Camat and
the treasurer and cleared by the deposit, raised once by two patend processes, and the invariant
check. The business clock is moved, never slept on."""
import os
import sys
import time
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))

from paten_test import DEMO_PASSWORD, Patend, pb  # noqa: E402
from test_assess import (IMB_REQS, REKLAME_PML, REKLAME_PML_REQS, AssessTestCase, imb,  # noqa: E402
                         person, wib_ms)
from paten_test import main  # noqa: E402

CASH = pb.PAYMENT_METHOD_CASH


def key():
    return str(uuid.uuid4())


class DepositTestCase(AssessTestCase):
    patend_extra_args = ["--deposit-watch", "200ms"]

    def paid_imb(self, nik="3327014101900001"):
        f = self.approved("kaloran", "imb", imb(), IMB_REQS, applicant=person(nik=nik))
        a = self.issue("petugas_skrd@dpmptsp-temanggung", f)
        p = self.as_("kasir@kaloran").rpc("RecordPayment", idempotency_key=key(),
                                          assessment_id=a.id, method=CASH,
                                          amount=a.principal).payment
        return f, a, p

    def deposit(self, treasurer, ids=(), user="kasir@kaloran"):
        return self.as_(user).rpc("CreateDeposit", idempotency_key=key(),
                                  treasurer_office_id=treasurer, payment_ids=list(ids)).deposit

    def validate(self, d, at=None, user="kasir@kaloran"):
        return self.as_(user).rpc("ValidateDeposit", idempotency_key=key(), deposit_id=d.id,
                                  bank_reference="BANK-%d" % d.id,
                                  validated_at_ms=at or self.now()).deposit

    def now(self):
        return self.client().call(pb.MessageType.Value("MESSAGE_TYPE_PING"),
                                  pb.PingRequest()).server_time_ms

    def event(self, c, kind, pred=lambda e: True):
        while True:
            ev = c.next_event()
            if ev.HasField(kind) and pred(getattr(ev, kind)):
                return getattr(ev, kind)


class DepositTest(DepositTestCase):

    def test_deposit_validate_confirm_and_check(self):
        self.set_clock(freeze_at_ms=wib_ms(2026, 11, 23, 9))
        bendahara = self.as_("bendahara@dpmptsp-temanggung")
        bendahara.rpc("Subscribe", from_now=True)
        f, a, p = self.paid_imb()
        g, b, q = self.paid_imb(nik="3327014101900002")
        kasir = self.as_("kasir@kaloran")
        on_hand = kasir.rpc("ListUndeposited").payments
        self.assertEqual([x.id for x in on_hand], [p.id, q.id])
        # Paid on Monday 09:00: due at the bank by Tuesday 09:00.
        self.assertEqual(on_hand[0].deposit_deadline_ms, wib_ms(2026, 11, 24, 9))
        self.assertFalse(on_hand[0].deposit_overdue)
        dpmptsp = p.treasurer_office_id
        bapenda = [o.id for o in kasir.rpc("ListOffices").offices
                   if o.code == "bapenda-temanggung"][0]
        # The wrong treasurer is refused, naming the payment; nothing is numbered.
        e = kasir.rpc_error("CreateDeposit", idempotency_key=key(), treasurer_office_id=bapenda,
                            payment_ids=[p.id])
        self.assertEqual((e.code, e.err.field), ("INVALID_ARGUMENT", "payment_ids"))
        self.assertIn(p.receipt_number, e.err.message)
        e = kasir.rpc_error("CreateDeposit", idempotency_key=key(), treasurer_office_id=bapenda)
        self.assertEqual(e.code, "FAILED_PRECONDITION")
        self.assertEqual(self.count("registers WHERE kind = 'STS'"), 0)
        d = self.deposit(dpmptsp, [p.id])
        self.assertEqual((d.number, d.total, [x.id for x in d.payments]),
                         ("STS/0001/KEC-KALORAN/2026", 337500, [p.id]))
        ev = self.event(bendahara, "deposit_changed")
        self.assertEqual((ev.deposit.number, ev.change), (d.number, "CREATED"))
        # A payment in two deposits, and the reversal of a deposited payment, are refused.
        e = kasir.rpc_error("CreateDeposit", idempotency_key=key(), treasurer_office_id=dpmptsp,
                            payment_ids=[p.id, q.id])
        self.assertEqual(e.code, "FAILED_PRECONDITION")
        e = self.as_("camat@kaloran").rpc_error("ReversePayment", idempotency_key=key(),
                                                payment_id=p.id, reason="salah")
        self.assertEqual(e.code, "FAILED_PRECONDITION")
        # The rest of the cash: every undeposited payment to that treasurer.
        d2 = self.deposit(dpmptsp)
        self.assertEqual(([x.id for x in d2.payments], d2.total), ([q.id], 337500))
        self.assertEqual(len(kasir.rpc("ListUndeposited").payments), 0)
        # Confirmation waits for the bank's validation; the validation is recorded once.
        e = bendahara.rpc_error("Confirm", idempotency_key=key(), deposit_id=d.id,
                                bank_date="2026-11-23", bank_reference="X", amount=337500)
        self.assertEqual(e.code, "FAILED_PRECONDITION")
        v = self.validate(d)
        self.assertTrue(v.bank_reference)
        e = kasir.rpc_error("ValidateDeposit", idempotency_key=key(), deposit_id=d.id,
                            bank_reference="again", validated_at_ms=self.now())
        self.assertEqual(e.code, "ALREADY_EXISTS")
        e = self.as_("bendahara@bapenda-temanggung").rpc_error(
            "Confirm", idempotency_key=key(), deposit_id=d.id, bank_date="2026-11-23",
            bank_reference="X", amount=337500)
        self.assertEqual(e.code, "PERMISSION_DENIED")
        c = bendahara.rpc("Confirm", idempotency_key=key(), deposit_id=d.id,
                          bank_date="2026-11-23", bank_reference="BANK-1",
                          amount=337500).confirmation
        self.assertEqual(c.status, pb.CONFIRMATION_STATUS_CONFIRMED)
        listed = bendahara.rpc("ListDeposits").deposits
        self.assertEqual([(x.number, x.confirmation.status) for x in listed],
                         [(d2.number, pb.CONFIRMATION_STATUS_UNCONFIRMED),
                          (d.number, pb.CONFIRMATION_STATUS_CONFIRMED)])
        self.assertEqual([x.number for x in bendahara.rpc("ListDeposits",
                                                          unconfirmed_only=True).deposits],
                         [d2.number])
        r = self.as_("auditor@kaloran").rpc("CheckInvariants")
        self.assertEqual((list(r.violations), r.payments, r.deposits), ([], 2, 2))
        # Rows are never changed: a forged total is named by the check.
        self.db.sql("ALTER TABLE deposits DISABLE TRIGGER deposits_append_only; "
                    "UPDATE deposits SET total = 1 WHERE id = %d; "
                    "ALTER TABLE deposits ENABLE TRIGGER deposits_append_only" % d2.id)
        r = self.as_("auditor@kaloran").rpc("CheckInvariants")
        self.assertEqual(len(r.violations), 1)
        self.assertIn(d2.number, r.violations[0])

    def test_transfer_confirmed_with_a_discrepancy_then_resolved(self):
        pj = "petugas_pajak@bapenda-pemalang"
        tp = self.as_(pj).rpc("RegisterTaxpayer", idempotency_key=key(), name="Siti",
                              address="Desa Taman", nik="3327014101900001").taxpayer
        f = self.approved("taman", "reklame", REKLAME_PML, REKLAME_PML_REQS)
        a = self.issue(pj, f, taxpayer_id=tp.id, sptpd_number="S-1", sptpd_date="2026-11-23")
        p = self.as_("kasir@taman").rpc("RecordPayment", idempotency_key=key(),
                                        assessment_id=a.id, method=pb.PAYMENT_METHOD_TRANSFER,
                                        reference="TRF-889", amount=1458000).payment
        self.assertEqual(p.deposit_deadline_ms, 0)
        # No STS for a transfer.
        e = self.as_("kasir@taman").rpc_error("CreateDeposit", idempotency_key=key(),
                                              treasurer_office_id=p.treasurer_office_id,
                                              payment_ids=[p.id])
        self.assertEqual(e.code, "INVALID_ARGUMENT")
        b = self.as_("bendahara@bapenda-pemalang")
        c = b.rpc("Confirm", idempotency_key=key(), payment_id=p.id, bank_date="2026-11-23",
                  bank_reference="TRF-889", amount=1450000).confirmation
        self.assertEqual((c.status, c.expected, c.amount),
                         (pb.CONFIRMATION_STATUS_DISCREPANCY, 1458000, 1450000))
        e = b.rpc_error("Confirm", idempotency_key=key(), payment_id=p.id, bank_date="2026-11-23",
                        bank_reference="TRF-889", amount=1458000)
        self.assertEqual(e.code, "ALREADY_EXISTS")
        r = b.rpc("ResolveDiscrepancy", idempotency_key=key(), confirmation_id=c.id,
                  reason="Biaya transfer Rp 8.000 dipotong bank; disetor ulang").confirmation
        self.assertEqual(r.status, pb.CONFIRMATION_STATUS_RESOLVED)
        e = b.rpc_error("ResolveDiscrepancy", idempotency_key=key(), confirmation_id=c.id,
                        reason="lagi")
        self.assertEqual(e.code, "FAILED_PRECONDITION")


class LifecycleTest(DepositTestCase):

    def test_imb_and_reklame_from_intake_to_handover_paid_deposited_confirmed(self):
        """Temanggung: an IMB (SKRD by DPMPTSP) and a reklame (SKPD by BAPENDA) taken in at
        Kaloran, both paid in cash, each deposited to its own treasurer, both confirmed, both
        signed and handed over; the invariants hold."""
        self.set_clock(freeze_at_ms=wib_ms(2026, 11, 23, 9))
        kasir = self.as_("kasir@kaloran")
        imb_file, imb_a, imb_p = self.paid_imb()
        svc = self.service("loket@kaloran", "reklame")
        values = dict(jenis_reklame="NON_PERMANEN", bentuk="SPANDUK_LAYAR_UMBUL_UMBUL", lebar="2",
                      tinggi="3", jumlah_muka="2", jumlah_buah="1", lokasi="Pasar Kaloran",
                      lama_pemasangan="1", naskah="Promo", dalam_satu_kecamatan="true")
        reqs = [r.code for r in svc.requirements if not r.when]
        rk = self.approved("kaloran", "reklame",
                           [pb.FieldValue(name=k, value=v) for k, v in values.items()], reqs,
                           applicant=person(nik="3327014101900009"))
        pj = "petugas_pajak@bapenda-temanggung"
        tp = self.as_(pj).rpc("RegisterTaxpayer", idempotency_key=key(), name="Siti Aminah",
                              address="Desa Kaloran", nik="3327014101900009").taxpayer
        rk_a = self.issue(pj, rk, taxpayer_id=tp.id, sptpd_number="SPTPD/7/2026",
                          sptpd_date="2026-11-23")
        self.assertEqual(rk_a.principal, 300000)
        rk_p = kasir.rpc("RecordPayment", idempotency_key=key(), assessment_id=rk_a.id,
                         method=CASH, amount=300000).payment
        self.assertEqual(rk_p.receipt_number, "SSPD/0001/KEC-KALORAN/2026")
        self.assertNotEqual(rk_p.treasurer_office_id, imb_p.treasurer_office_id)
        for p, treasurer in ((imb_p, "bendahara@dpmptsp-temanggung"),
                             (rk_p, "bendahara@bapenda-temanggung")):
            d = self.validate(self.deposit(p.treasurer_office_id, [p.id]))
            c = self.as_(treasurer).rpc("Confirm", idempotency_key=key(), deposit_id=d.id,
                                        bank_date="2026-11-23", bank_reference=d.bank_reference,
                                        amount=p.amount).confirmation
            self.assertEqual(c.status, pb.CONFIRMATION_STATUS_CONFIRMED)
        for f in (imb_file, rk):
            g = self.as_("loket@kaloran").rpc("GetFile", file_id=f.id).file
            g = self.act("camat@kaloran", "Sign", g)
            g = self.act("loket@kaloran", "HandOver", g, received_by_name="Siti Aminah")
            self.assertEqual(g.state, pb.FILE_STATE_HANDED_OVER)
        r = kasir.rpc("Reconcile")
        self.assertEqual((r.total.collected, r.total.confirmed, r.total.on_hand),
                         (637500, 637500, 0))
        self.assertEqual(list(self.as_("auditor@kaloran").rpc("CheckInvariants").violations),
                         [])


class ReconcileTest(DepositTestCase):

    def test_statement_reconciliation_and_daily_close(self):
        self.set_clock(freeze_at_ms=wib_ms(2026, 11, 23, 9))
        kasir = self.as_("kasir@kaloran")
        f1, a1, p1 = self.paid_imb()
        f2, a2, p2 = self.paid_imb(nik="3327014101900002")
        f3 = self.approved("kaloran", "imb", imb(), IMB_REQS,
                           applicant=person(nik="3327014101900003"))
        a3 = self.issue("petugas_skrd@dpmptsp-temanggung", f3)
        p3 = kasir.rpc("RecordPayment", idempotency_key=key(), assessment_id=a3.id,
                       method=pb.PAYMENT_METHOD_QRIS, reference="QR-77",
                       amount=a3.principal).payment
        treasurer = p1.treasurer_office_id
        d1 = self.validate(self.deposit(treasurer, [p1.id]))
        # Rp 337.500 x 3 collected: p1 deposited (validated), p3 by QRIS, p2 cash on hand.
        r = kasir.rpc("Reconcile")
        self.assertEqual((r.total.collected, r.total.confirmed, r.total.deposited_unconfirmed,
                          r.total.on_hand), (1012500, 0, 675000, 337500))
        self.assertEqual(len(r.payments), 3)
        # The bank's statement: the STS matches, the QRIS differs, one reference is unknown.
        csv = ("Tanggal;Referensi;Jumlah\n"
               "23/11/2026;%s;337.500\n"
               "2026-11-23;QR-77;337000\n"
               "2026-11-23;TAK-DIKENAL;5000\n") % d1.bank_reference
        b = self.as_("bendahara@dpmptsp-temanggung")
        imp = b.rpc("ImportBankStatement", idempotency_key=key(), csv=csv)
        self.assertEqual([(c.deposit_id, c.payment_id, c.status) for c in imp.confirmations],
                         [(d1.id, 0, pb.CONFIRMATION_STATUS_CONFIRMED),
                          (0, p3.id, pb.CONFIRMATION_STATUS_DISCREPANCY)])
        self.assertEqual([(x.line, x.reference) for x in imp.unmatched_lines],
                         [(4, "TAK-DIKENAL")])
        self.assertEqual((len(imp.unmatched_deposits), len(imp.unmatched_payments)), (0, 0))
        e = b.rpc_error("ImportBankStatement", idempotency_key=key(), csv="a,b\n1,2\n")
        self.assertEqual((e.code, e.err.field), ("INVALID_ARGUMENT", "csv"))
        r = kasir.rpc("Reconcile")
        self.assertEqual((r.total.collected, r.total.confirmed, r.total.deposited_unconfirmed,
                          r.total.discrepancy, r.total.on_hand),
                         (1012500, 337500, 337500, 337500, 337500))
        t = b.rpc("Reconcile", treasurer_office_id=treasurer, from_date="2026-11-01",
                  to_date="2026-11-30")
        self.assertEqual([x.collected for x in t.lines], [1012500])
        self.assertEqual([(x.cashier_name, x.day, x.collected, x.on_hand) for x in t.cashier_days],
                         [("Kasir Kecamatan Kaloran", "2026-11-23", 1012500, 337500)])
        # The daily close: Rp 337.500 should be in the drawer.
        e = kasir.rpc_error("CloseCashDay", idempotency_key=key(), counted=330000)
        self.assertEqual((e.code, e.err.field), ("INVALID_ARGUMENT", "reason"))
        c = kasir.rpc("CloseCashDay", idempotency_key=key(), counted=330000,
                      reason="Uang kembalian kurang").close
        self.assertEqual((c.expected, c.counted, c.difference, c.collected),
                         (337500, 330000, -7500, 1012500))
        e = kasir.rpc_error("CloseCashDay", idempotency_key=key(), counted=337500)
        self.assertEqual(e.code, "ALREADY_EXISTS")
        seen = self.as_("camat@kaloran").rpc("ListCashCloses", differences_only=True).closes
        self.assertEqual([(x.difference, x.reason) for x in seen],
                         [(-7500, "Uang kembalian kurang")])


class BadInputTest(DepositTestCase):

    def test_every_money_request_names_what_is_wrong(self):
        """Malformed input to each new money request: a typed error naming the field, and
        nothing written."""
        cases = [
            ("kasir@kaloran", "FindOwed", dict(query="  "), "query"),
            ("kasir@kaloran", "RecordPayment", dict(idempotency_key=key(), assessment_id=0,
                                                    method=CASH, amount=1), "assessment_id"),
            ("kasir@kaloran", "RecordPayment", dict(idempotency_key=key(), assessment_id=1,
                                                    amount=1), "method"),
            ("kasir@kaloran", "RecordPayment", dict(idempotency_key=key(), assessment_id=1,
                                                    method=CASH, reference="x", amount=1),
             "reference"),
            ("kasir@kaloran", "RecordPayment", dict(idempotency_key="not-a-uuid",
                                                    assessment_id=1, method=CASH, amount=1),
             "idempotency_key"),
            ("kasir@kaloran", "ListPayments", dict(day="2026-13-01"), "day"),
            ("kasir@kaloran", "CreateDeposit", dict(idempotency_key=key()),
             "treasurer_office_id"),
            ("kasir@kaloran", "CreateDeposit", dict(idempotency_key=key(), treasurer_office_id=1,
                                                    payment_ids=[5, 5]), "payment_ids"),
            ("kasir@kaloran", "ValidateDeposit", dict(idempotency_key=key(), deposit_id=1),
             "bank_reference"),
            ("kasir@kaloran", "ValidateDeposit", dict(idempotency_key=key(), deposit_id=1,
                                                      bank_reference="B",
                                                      validated_at_ms=wib_ms(2030, 1, 1)),
             "validated_at_ms"),
            ("kasir@kaloran", "CloseCashDay", dict(idempotency_key=key(), counted=-1), "counted"),
            ("kasir@kaloran", "Reconcile", dict(day="kemarin"), "day"),
            ("bendahara@dpmptsp-temanggung", "Confirm",
             dict(idempotency_key=key(), deposit_id=1, payment_id=1, bank_date="2026-11-23",
                  bank_reference="B", amount=1), "deposit_id"),
            ("bendahara@dpmptsp-temanggung", "Confirm",
             dict(idempotency_key=key(), deposit_id=1, bank_date="2030-01-01",
                  bank_reference="B", amount=1), "bank_date"),
            ("bendahara@dpmptsp-temanggung", "ResolveDiscrepancy",
             dict(idempotency_key=key(), confirmation_id=1), "reason"),
            ("bendahara@dpmptsp-temanggung", "ImportBankStatement",
             dict(idempotency_key=key(), csv=""), "csv"),
            ("bendahara@dpmptsp-temanggung", "ListDeposits", dict(from_date="x"), "from_date"),
            ("petugas_skrd@dpmptsp-temanggung", "SearchAssessments", dict(limit=500), "limit"),
            ("petugas_skrd@dpmptsp-temanggung", "AmountDue", dict(number="X", as_of="31-12"),
             "as_of"),
            ("petugas_skrd@dpmptsp-temanggung", "GetAssessment", dict(), "assessment_id"),
            ("petugas_skrd@dpmptsp-temanggung", "PreviewAssessment", dict(file_id=0), "file_id"),
            ("petugas_pajak@bapenda-temanggung", "RegisterTaxpayer",
             dict(idempotency_key=key(), name="A", address="B", nik="123"), "nik"),
            ("petugas_pajak@bapenda-temanggung", "FindTaxpayer", dict(number=""), "number"),
            ("admin@pemda-temanggung", "SaveTariff", dict(idempotency_key=key()), "tariff"),
            ("admin@pemda-temanggung", "SaveInterestRegime",
             dict(idempotency_key=key(), regime=pb.InterestRegime(name="x", legal_basis="y",
                                                                  effective_from="2026-01-01",
                                                                  monthly_bp=20000)),
             "regime"),
        ]
        before = self.db.sql("SELECT (SELECT count(*) FROM payments) + (SELECT count(*) FROM "
                             "deposits) + (SELECT count(*) FROM confirmations) + (SELECT "
                             "count(*) FROM tariffs) + (SELECT count(*) FROM taxpayers)")
        for user, rpc, fields, field in cases:
            e = self.as_(user).rpc_error(rpc, **fields)
            self.assertEqual((e.code, e.err.field), ("INVALID_ARGUMENT", field), (rpc, fields))
        # Another office's treasury is not the caller's to reconcile.
        e = self.as_("bendahara@dpmptsp-temanggung").rpc_error("Reconcile",
                                                              treasurer_office_id=999)
        self.assertEqual((e.code, e.err.field), ("PERMISSION_DENIED", "treasurer_office_id"))
        after = self.db.sql("SELECT (SELECT count(*) FROM payments) + (SELECT count(*) FROM "
                            "deposits) + (SELECT count(*) FROM confirmations) + (SELECT "
                            "count(*) FROM tariffs) + (SELECT count(*) FROM taxpayers)")
        self.assertEqual(before, after)


class DeadlineTest(DepositTestCase):
    patend_extra_args = ["--deposit-watch", "200ms", "--log-level", "debug"]

    def test_friday_afternoon_is_not_overdue_on_saturday(self):
        self.set_clock(freeze_at_ms=wib_ms(2026, 11, 27, 14))  # Friday 14:00
        f, a, p = self.paid_imb()
        # 24 hours later is Saturday 14:00, a closed day: due Monday 14:00 instead.
        self.assertEqual(p.deposit_deadline_ms, wib_ms(2026, 11, 30, 14))
        self.set_clock(freeze_at_ms=wib_ms(2026, 11, 28, 15))  # Saturday 15:00
        self.users.clear()
        u = self.as_("kasir@kaloran").rpc("ListUndeposited").payments
        self.assertFalse(u[0].deposit_overdue)
        self.assertEqual(len(self.as_("kasir@kaloran").rpc("ListDepositAlerts").alerts), 0)

    def test_overdue_alert_pushed_to_three_roles_cleared_by_the_deposit(self):
        self.set_clock(freeze_at_ms=wib_ms(2026, 11, 23, 9))
        f, a, p = self.paid_imb()
        watchers = {u: self.login(u) for u in ("kasir@kaloran", "camat@kaloran",
                                               "bendahara@dpmptsp-temanggung")}
        for c in watchers.values():
            c.rpc("Subscribe", from_now=True)
        # A second patend on the same database watches too: the alert is still raised once.
        second = Patend(self.db.patend_args() + ["--deposit-watch", "150ms", "--log-level",
                                                 "debug"],
                        env={"PATEN_DEMO_PASSWORD": DEMO_PASSWORD})
        second.start()
        try:
            self.set_clock(freeze_at_ms=wib_ms(2026, 11, 24, 10))  # 25 hours later
            c2 = second.client()
            c2.call(pb.MessageType.Value("MESSAGE_TYPE_SET_TEST_CLOCK"),
                    pb.SetTestClockRequest(freeze_at_ms=wib_ms(2026, 11, 24, 10)))
            for user, c in watchers.items():
                ev = self.event(c, "deposit_alert_changed")
                self.assertEqual((ev.change, ev.alert.payment.receipt_number),
                                 ("RAISED", p.receipt_number), user)
                self.assertTrue(ev.alert.payment.deposit_overdue)
            # Later ticks of both processes find it raised: one row, one event per audience.
            for proc in (self.server, second):
                proc.wait_for_count("deposit watch at %d" % wib_ms(2026, 11, 24, 10), 3)
            self.assertEqual(self.count("deposit_alerts"), 1)
            self.assertEqual(self.count("events WHERE kind = 'DEPOSIT_ALERT'"), 2)
            c2.close()
        finally:
            second.stop()
        kasir = self.login("kasir@kaloran")
        self.assertEqual([x.payment.id for x in kasir.rpc("ListDepositAlerts").alerts], [p.id])
        self.assertEqual([x.payment.id for x in self.login("bendahara@dpmptsp-temanggung")
                          .rpc("ListDepositAlerts").alerts], [p.id])
        d = kasir.rpc("CreateDeposit", idempotency_key=key(),
                      treasurer_office_id=p.treasurer_office_id).deposit
        kasir.rpc("ValidateDeposit", idempotency_key=key(), deposit_id=d.id,
                  bank_reference="BNK-1", validated_at_ms=wib_ms(2026, 11, 24, 10))
        for user, c in watchers.items():
            ev = self.event(c, "deposit_alert_changed")
            self.assertEqual((ev.change, ev.alert.payment.id), ("CLEARED", p.id), user)
        self.assertEqual(len(kasir.rpc("ListDepositAlerts").alerts), 0)


if __name__ == "__main__":
    main()
