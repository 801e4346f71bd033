"""The kecamatan cashier on a real patend and PostgreSQL (issue 6, first step): what is owed,
found by assessment number, file number or NIK; a payment equal to the amount due, with its
numbered receipt; exactly once under retries and under two payments racing; a wrong amount shown
with its difference; a late payment that issues its STRD; the Camat's reversal (never the
cashier's), after which the bill is payable again; and no SK signed or handed over unpaid."""
import os
import sys
import threading
import time
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))

from paten_test import TYPE, PatendTestCase, main, pb  # noqa: E402
from test_assess import IMB_REQS, AssessTestCase, imb, person, wib_ms  # noqa: E402,F401


def key():
    return str(uuid.uuid4())


CASH = pb.PAYMENT_METHOD_CASH


class PaymentTest(AssessTestCase):

    def skrd(self, nik="3327014101900001"):
        f = self.approved("kaloran", "imb", imb(), IMB_REQS, applicant=person(nik=nik))
        return f, self.issue("petugas_skrd@dpmptsp-temanggung", f)

    def pay(self, a, amount, k=None, user="kasir@kaloran", **kw):
        return self.as_(user).rpc("RecordPayment", idempotency_key=k or key(), assessment_id=a.id,
                                  method=kw.pop("method", CASH), amount=amount, **kw).payment

    def test_find_pay_retry_and_receipt(self):
        f, a = self.skrd()
        kasir = self.as_("kasir@kaloran")
        for q in (a.number, f.register_number, "3327014101900001"):
            owed = kasir.rpc("FindOwed", query=q).owed
            self.assertEqual([(o.assessment.number, o.total, o.months_late) for o in owed],
                             [(a.number, 337500, 0)], q)
        # Another kecamatan's cashier does not see it.
        self.assertEqual(len(self.as_("kasir@kandangan").rpc("FindOwed", query=a.number).owed), 0)
        # Unpaid: no signature, no handover.
        for rpc in ("Sign", "HandOver"):
            g = self.as_("loket@kaloran").rpc("GetFile", file_id=f.id).file
            user = "camat@kaloran" if rpc == "Sign" else "loket@kaloran"
            extra = {"received_by_name": "Siti"} if rpc == "HandOver" else {}
            e = self.as_(user).rpc_error(rpc, idempotency_key=key(), file_id=f.id,
                                         version=g.version, **extra)
            self.assertEqual(e.code, "FAILED_PRECONDITION", rpc)
        # A wrong amount is refused with the difference.
        e = kasir.rpc_error("RecordPayment", idempotency_key=key(), assessment_id=a.id,
                            method=CASH, amount=300000)
        self.assertEqual((e.code, e.err.field), ("INVALID_ARGUMENT", "amount"))
        self.assertIn("kurang Rp 37.500", e.err.message)
        e = kasir.rpc_error("RecordPayment", idempotency_key=key(), assessment_id=a.id,
                            method=pb.PAYMENT_METHOD_TRANSFER, amount=337500)
        self.assertEqual((e.code, e.err.field), ("INVALID_ARGUMENT", "reference"))
        self.assertEqual(self.count("payments"), 0)
        # Paid; a retry after a lost reply returns the same receipt.
        k = key()
        c = self.server.client()
        c.login("kasir@kaloran")
        c.send(TYPE["RecordPayment"], pb.RecordPaymentRequest(
            idempotency_key=k, assessment_id=a.id, method=CASH, amount=337500))
        c.close()
        p = self.pay(a, 337500, k=k)
        self.assertEqual((p.receipt_number, p.amount, p.receipt_kind, p.treasurer_office_name),
                         ("SSRD/0001/KEC-KALORAN/2026", 337500, pb.DOCUMENT_KIND_SSRD,
                          "DPMPTSP Kabupaten Temanggung"))
        self.assertEqual(self.count("payments"), 1)
        v = self.client().rpc("VerifyDocument", payload=p.verification)
        self.assertTrue(v.valid, v.problem)
        self.assertEqual(v.amount, 337500)
        # Paid already: ALREADY_PAID for a fresh key; the assessment says so.
        e = kasir.rpc_error("RecordPayment", idempotency_key=key(), assessment_id=a.id,
                            method=CASH, amount=337500)
        self.assertEqual(e.code, "ALREADY_PAID")
        a2 = self.as_("petugas_skrd@dpmptsp-temanggung").rpc("GetAssessment",
                                                             assessment_id=a.id).assessment
        self.assertEqual(a2.status, pb.ASSESSMENT_STATUS_PAID)
        self.assertEqual(len(kasir.rpc("FindOwed", query=a.number).owed), 0)
        listed = kasir.rpc("ListPayments").payments
        self.assertEqual([x.receipt_number for x in listed], [p.receipt_number])
        # Payments are never edited.
        with self.assertRaises(Exception):
            self.db.sql("UPDATE payments SET amount = 1")
        # Now the SK is signed and handed over.
        g = self.as_("loket@kaloran").rpc("GetFile", file_id=f.id).file
        self.assertEqual(g.state, pb.FILE_STATE_PAID)
        g = self.act("camat@kaloran", "Sign", g)
        g = self.act("loket@kaloran", "HandOver", g, received_by_name="Siti Aminah")
        self.assertEqual(g.state, pb.FILE_STATE_HANDED_OVER)

    def test_two_cashiers_pay_one_bill_at_once(self):
        f, a = self.skrd()
        results = []

        def run():
            c = self.server.client()
            c.login("kasir@kaloran")
            try:
                c.rpc("RecordPayment", idempotency_key=key(), assessment_id=a.id, method=CASH,
                      amount=337500)
                results.append("ok")
            except Exception as ex:  # noqa: BLE001 - the code is asserted below
                results.append(getattr(ex, "code", repr(ex)))
            c.close()

        threads = [threading.Thread(target=run) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(sorted(results), ["ALREADY_PAID", "ok"])
        self.assertEqual(self.count("payments"), 1)

    def test_reversal_by_the_camat_and_payable_again(self):
        f, a = self.skrd()
        p = self.pay(a, 337500)
        # The cashier cannot reverse (not the Camat's role); the Camat can, with a reason.
        e = self.as_("kasir@kaloran").rpc_error("ReversePayment", idempotency_key=key(),
                                                payment_id=p.id, reason="salah")
        self.assertEqual(e.code, "PERMISSION_DENIED")
        e = self.as_("camat@kaloran").rpc_error("ReversePayment", idempotency_key=key(),
                                                payment_id=p.id)
        self.assertEqual((e.code, e.err.field), ("INVALID_ARGUMENT", "reason"))
        r = self.as_("camat@kaloran").rpc("ReversePayment", idempotency_key=key(),
                                          payment_id=p.id, reason="Salah berkas").payment
        self.assertEqual((r.reversed, r.reversal_reason), (True, "Salah berkas"))
        g = self.as_("loket@kaloran").rpc("GetFile", file_id=f.id).file
        self.assertEqual(g.state, pb.FILE_STATE_AWAITING_PAYMENT)
        # Both numbers stay in the register, the first voided; the bill is payable again.
        owed = self.as_("kasir@kaloran").rpc("FindOwed", query=a.number).owed
        self.assertEqual([o.total for o in owed], [337500])
        q = self.pay(a, 337500)
        self.assertEqual(q.receipt_number, "SSRD/0002/KEC-KALORAN/2026")
        book = self.as_("kasir@kaloran").rpc("ListRegister", kind=pb.DOCUMENT_KIND_SSRD,
                                             year=2026).entries
        self.assertEqual([(x.number, bool(x.voided_reason)) for x in book],
                         [(p.receipt_number, True), (q.receipt_number, False)])
        e = self.as_("camat@kaloran").rpc_error("ReversePayment", idempotency_key=key(),
                                                payment_id=p.id, reason="lagi")
        self.assertEqual(e.code, "FAILED_PRECONDITION")
        # Once the SK is signed, the payment stands.
        g = self.act("camat@kaloran", "Sign",
                     self.as_("loket@kaloran").rpc("GetFile", file_id=f.id).file)
        e = self.as_("camat@kaloran").rpc_error("ReversePayment", idempotency_key=key(),
                                                payment_id=q.id, reason="terlambat")
        self.assertEqual(e.code, "FAILED_PRECONDITION")

    def test_a_late_payment_issues_its_strd(self):
        f, a = self.skrd()
        # Two months late (due 2026-12-23): 2 x 2% x Rp 337.500 = Rp 13.500.
        self.set_clock(offset_ms=wib_ms(2027, 1, 24, 9) - int(time.time() * 1000))
        self.users.clear()
        owed = self.as_("kasir@kaloran").rpc("FindOwed", query=a.number).owed[0]
        self.assertEqual((owed.months_late, owed.interest, owed.total, owed.HasField("bill")),
                         (2, 13500, 351000, False))
        self.assertEqual(self.count("registers WHERE kind = 'STRD'"), 0)
        p = self.pay(a, 351000)
        self.assertEqual((p.principal, p.interest, p.bill_number, p.receipt_number),
                         (337500, 13500, "974/0001/STRD/DPMPTSP-TEMANGGUNG/2027",
                          "SSRD/0001/KEC-KALORAN/2027"))
        self.assertEqual(self.db.sql("SELECT months, interest FROM bills"), "2|13500")


if __name__ == "__main__":
    main()
