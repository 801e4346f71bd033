"""Exactly once through a crash: patend is killed with SIGKILL while 20 desks pay 20 bills, each
retrying with its own idempotency key until it has an answer; patend is started again on the
same database and the desks carry on. Afterwards every bill is paid exactly once, every desk
holds the receipt the database holds, and the invariant check is clean."""
import os
import socket
import sys
import threading
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))

from paten_test import (DEMO_PASSWORD, TYPE, Client, Closed, PatenError, Patend,  # noqa: E402
                        main, pb)
from test_assess import IMB_REQS, AssessTestCase, imb, person  # noqa: E402

DESKS = 20
RETRYABLE = {"UNAVAILABLE", "SHUTTING_DOWN", "TIMEOUT", "UNAUTHENTICATED"}


class CrashTest(AssessTestCase):

    def test_sigkill_while_twenty_desks_pay(self):
        skrd = "petugas_skrd@dpmptsp-temanggung"
        bills = []
        for i in range(DESKS):
            f = self.approved("kaloran", "imb", imb(), IMB_REQS,
                              applicant=person(nik="33270141019%05d" % (i + 1)))
            bills.append(self.issue(skrd, f))
        for c in self.clients:
            c.close()
        self.clients = []
        self.users.clear()

        cond = threading.Condition()
        state = {"port": self.server.port, "generation": 0, "ready": 0, "sent": 0,
                 "fire": False}
        receipts = {}
        after_restart = []
        errors = []

        def pay(c, a, k):
            return c.rpc("RecordPayment", idempotency_key=k, assessment_id=a.id,
                         method=pb.PAYMENT_METHOD_CASH, amount=a.principal).payment

        def desk(a):
            k = str(uuid.uuid4())
            # First try: logged in, every desk sends its payment at once, and patend is killed
            # right after the last is sent, so the requests are in flight.
            c = Client(state["port"], timeout=30)
            try:
                c.hello()
                c.login("kasir@kaloran")
                with cond:
                    state["ready"] += 1
                    cond.notify_all()
                    cond.wait_for(lambda: state["fire"], timeout=120)
                rid = c.send(TYPE["RecordPayment"], pb.RecordPaymentRequest(
                    idempotency_key=k, assessment_id=a.id, method=pb.PAYMENT_METHOD_CASH,
                    amount=a.principal))
                with cond:
                    state["sent"] += 1
                    cond.notify_all()
                _, rrid, m = c.recv_reply()
                if isinstance(m, pb.PaymentReply) and rrid == rid:
                    with cond:
                        receipts[a.id] = m.payment.receipt_number
                    return
            except (OSError, Closed, socket.timeout, PatenError):
                pass
            finally:
                c.close()
            # Retries with the same key, on the restarted patend, until an answer.
            while True:
                with cond:
                    cond.wait_for(lambda: state["generation"] > 0, timeout=120)
                try:
                    c = Client(state["port"], timeout=30)
                    try:
                        c.hello()
                        c.login("kasir@kaloran")
                        p = pay(c, a, k)
                    finally:
                        c.close()
                    with cond:
                        receipts[a.id] = p.receipt_number
                        after_restart.append(a.id)
                    return
                except PatenError as e:
                    if e.code not in RETRYABLE:
                        errors.append((a.number, e.code, e.err.message))
                        return
                except (OSError, Closed, socket.timeout):
                    pass

        threads = [threading.Thread(target=desk, args=(a,)) for a in bills]
        for t in threads:
            t.start()
        with cond:
            self.assertTrue(cond.wait_for(lambda: state["ready"] == DESKS, timeout=120))
            state["fire"] = True
            cond.notify_all()
            self.assertTrue(cond.wait_for(lambda: state["sent"] == DESKS, timeout=120))
        self.server.kill()
        restarted = Patend(self.db.patend_args() + ["--demo"],
                           env={"PATEN_DEMO_PASSWORD": DEMO_PASSWORD})
        restarted.start()
        self.server = restarted
        with cond:
            state["port"] = restarted.port
            state["generation"] += 1
            cond.notify_all()
        for t in threads:
            t.join(timeout=300)
        # The kill interrupted some of them (they learnt their receipt only after the restart).
        self.assertGreater(len(after_restart), 0)
        self.assertEqual(errors, [])
        self.assertEqual(len(receipts), DESKS)
        # One standing payment per bill, and it is the one each desk was told about.
        rows = self.db.sql("SELECT assessment_id || ':' || receipt_number FROM payments "
                           "ORDER BY assessment_id").split("\n")
        self.assertEqual(sorted(rows), sorted("%d:%s" % kv for kv in receipts.items()))
        auditor = self.login("auditor@kaloran")
        r = auditor.rpc("CheckInvariants")
        self.assertEqual((list(r.violations), r.payments), ([], DESKS))
        self.assertEqual(self.db.sql("SELECT last_no FROM registers WHERE kind = 'SSRD'"),
                         str(DESKS))


if __name__ == "__main__":
    main()
