"""The ADMIN's users, idempotency keys, versions, the audit chain, events across a disconnect,
and the Camat's delegation (moving the test clock, never sleeping)."""

import os
import sys
import threading
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))

from paten_test import DEMO_PASSWORD, Patend, PatendTestCase, main, pb  # noqa: E402

HOUR = 3600 * 1000


def key():
    return str(uuid.uuid4())


class UsersTest(PatendTestCase):

    def setUp(self):
        super().setUp()
        self.admin = self.login("admin@pemda-temanggung")
        self.offices = {o.code: o for o in self.admin.rpc("ListOffices").offices}

    def create(self, username, office="kaloran", roles=(pb.ROLE_LOKET,), k=None, c=None):
        return (c or self.admin).rpc("CreateUser", idempotency_key=k or key(), username=username,
                                     name="Pegawai " + username, office_id=self.offices[office].id,
                                     roles=list(roles), initial_password="awal-rahasia-1").user

    def test_offices_are_the_callers_region(self):
        self.assertEqual(sorted(self.offices), ["bapenda-temanggung", "dpmptsp-temanggung",
                                                "kaloran", "kandangan", "pemda-temanggung"])
        other = self.login("loket@taman")
        self.assertEqual(sorted(o.code for o in other.rpc("ListOffices").offices),
                         ["bapenda-pemalang", "dpmptsp-pemalang", "pemda-pemalang", "taman",
                          "uppu-pemalang"])

    def test_create_list_update_deactivate(self):
        u = self.create("budi@kaloran", roles=[pb.ROLE_LOKET, pb.ROLE_KASIR])
        self.assertEqual((u.version, u.active, u.must_change_password), (1, True, True))
        self.assertEqual(sorted(u.roles), [pb.ROLE_LOKET, pb.ROLE_KASIR])
        listed = self.admin.rpc("ListUsers", office_id=self.offices["kaloran"].id).users
        self.assertIn("budi@kaloran", [x.username for x in listed])
        self.assertTrue(all(x.office.code == "kaloran" for x in listed))

        u2 = self.admin.rpc("UpdateUser", idempotency_key=key(), user_id=u.id, version=1,
                            name="Budi Santoso", nip="198502022010011002",
                            roles=[pb.ROLE_KASIR]).user
        self.assertEqual((u2.version, u2.name, list(u2.roles)), (2, "Budi Santoso",
                                                                 [pb.ROLE_KASIR]))
        # A stale version changes nothing.
        e = self.admin.rpc_error("UpdateUser", idempotency_key=key(), user_id=u.id, version=1,
                                 name="Orang Lain", roles=[pb.ROLE_KASIR])
        self.assertEqual((e.code, e.err.field), ("CONFLICT", "version"))
        self.assertEqual(self.db.sql("SELECT name FROM users WHERE id = %d" % u.id),
                         "Budi Santoso")

        u3 = self.admin.rpc("DeactivateUser", idempotency_key=key(), user_id=u.id, version=2,
                            reason="pindah tugas").user
        self.assertFalse(u3.active)
        self.assertNotIn("budi@kaloran", [x.username for x in self.admin.rpc("ListUsers").users])
        self.assertIn("budi@kaloran", [x.username for x in
                                       self.admin.rpc("ListUsers", include_inactive=True).users])
        e = self.client().rpc_error("Login", login="budi@kaloran", password="awal-rahasia-1")
        self.assertEqual(e.code, "UNAUTHENTICATED")
        # Audited, with the user before and after, in the user's office chain.
        rows = self.db.sql("SELECT a.action, a.before IS NOT NULL, a.after->>'active' FROM "
                           "audit_log a JOIN offices o ON o.id = a.office_id WHERE o.code = "
                           "'kaloran' AND a.entity = 'user' AND a.entity_id = '%d' ORDER BY seq"
                           % u.id).split("\n")
        self.assertEqual(rows, ["USER_CREATED|f|true", "USER_UPDATED|t|true",
                                "USER_DEACTIVATED|t|false"])

    def test_invalid_input_is_named(self):
        cases = [
            (dict(username="X"), "username"),
            (dict(username="ok-user", nip="123"), "nip"),
            (dict(username="ok-user", name=""), "name"),
            (dict(username="ok-user", roles=[]), "roles"),
            (dict(username="ok-user", roles=[pb.ROLE_PETUGAS_SKRD]), "roles"),
            (dict(username="ok-user", initial_password="pendek"), "initial_password"),
            (dict(username="ok-user", idempotency_key="bukan-uuid"), "idempotency_key"),
        ]
        for fields, field in cases:
            req = dict(idempotency_key=key(), username="ok-user", name="Nama",
                       office_id=self.offices["kaloran"].id, roles=[pb.ROLE_LOKET],
                       initial_password="awal-rahasia-1")
            req.update(fields)
            e = self.admin.rpc_error("CreateUser", **req)
            self.assertEqual((e.code, e.err.field), ("INVALID_ARGUMENT", field), fields)
        self.assertEqual(self.db.sql("SELECT count(*) FROM users WHERE username = 'ok-user'"), "0")
        self.create("dupe@kaloran")
        e = self.admin.rpc_error("CreateUser", idempotency_key=key(), username="dupe@kaloran",
                                 name="Lagi", office_id=self.offices["kaloran"].id,
                                 roles=[pb.ROLE_LOKET], initial_password="awal-rahasia-1")
        self.assertEqual((e.code, e.err.field), ("ALREADY_EXISTS", "username"))

    def test_idempotency_key(self):
        k = key()
        u1 = self.create("sekali@kaloran", k=k)
        u2 = self.create("sekali@kaloran", k=k)  # a retry after a lost reply
        self.assertEqual(u1, u2)
        self.assertEqual(self.db.sql("SELECT count(*) FROM users WHERE username = 'sekali@kaloran'"),
                         "1")
        e = self.admin.rpc_error("CreateUser", idempotency_key=k, username="lain@kaloran",
                                 name="Lain", office_id=self.offices["kaloran"].id,
                                 roles=[pb.ROLE_LOKET], initial_password="awal-rahasia-1")
        self.assertEqual((e.code, e.err.field), ("IDEMPOTENCY_MISMATCH", "idempotency_key"))
        self.assertEqual(self.db.sql("SELECT count(*) FROM users WHERE username = 'lain@kaloran'"),
                         "0")

    def test_two_copies_of_one_request_at_once(self):
        k = key()
        token = self.admin.session.session_token
        results, errors = [], []

        def send(c):
            try:
                results.append(self.create("kembar@kaloran", k=k, c=c))
            except Exception as ex:  # noqa: BLE001
                errors.append(ex)

        conns = []
        for _ in range(4):
            c = self.client()
            c.rpc("Resume", session_token=token)
            conns.append(c)
        threads = [threading.Thread(target=send, args=(c,)) for c in conns]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(errors, [])
        self.assertEqual(len(results), 4)
        self.assertTrue(all(r == results[0] for r in results))
        self.assertEqual(self.db.sql("SELECT count(*) FROM users WHERE username = 'kembar@kaloran'"),
                         "1")

    def test_other_region_is_out_of_reach(self):
        other = self.login("admin@pemda-pemalang")
        kaloran = self.offices["kaloran"].id
        self.assertEqual(other.rpc_error("ListUsers", office_id=kaloran).code, "PERMISSION_DENIED")
        e = other.rpc_error("CreateUser", idempotency_key=key(), username="x@kaloran", name="X",
                            office_id=kaloran, roles=[pb.ROLE_LOKET],
                            initial_password="awal-rahasia-1")
        self.assertEqual(e.code, "PERMISSION_DENIED")
        loket = [u for u in self.admin.rpc("ListUsers").users if u.username == "loket@kaloran"][0]
        # A user of another region and a user that does not exist are refused alike.
        for uid in (loket.id, 999999):
            e = other.rpc_error("DeactivateUser", idempotency_key=key(), user_id=uid, version=1,
                                reason="coba")
            self.assertEqual(e.code, "PERMISSION_DENIED")
        self.assertEqual(other.rpc_error("ListUsers", office_id=999999).code, "PERMISSION_DENIED")
        self.assertTrue(all(u.office.region_code == "pemalang"
                            for u in other.rpc("ListUsers").users))

    def test_kecamatan_staff_see_their_own_colleagues(self):
        camat = self.login("camat@kaloran")
        names = sorted(u.username for u in camat.rpc("ListUsers", include_inactive=True).users)
        self.assertEqual(names, sorted(["%s@kaloran" % r for r in (
            "loket", "camat", "sekretariat", "tim_teknis", "kasir", "pimpinan", "auditor")]))
        # Another office is refused, not silently answered with their own.
        e = camat.rpc_error("ListUsers", office_id=self.offices["kandangan"].id)
        self.assertEqual(e.code, "PERMISSION_DENIED")
        self.assertEqual(self.login("kasir@kaloran").rpc_error("ListUsers").code,
                         "PERMISSION_DENIED")

    def test_deactivation_and_reset_end_the_users_sessions(self):
        victim = self.login("kasir@kandangan")
        victim.rpc("Subscribe", from_now=True)
        uid = victim.session.session.user.id
        self.admin.rpc("ResetPassword", idempotency_key=key(), user_id=uid,
                       new_password="sementara-456")
        ev = victim.next_event()
        self.assertEqual(ev.WhichOneof("body"), "session_ended")
        self.assertEqual(victim.rpc_error("ListOffices").code, "UNAUTHENTICATED")
        s = self.client().login("kasir@kandangan", "sementara-456").session
        self.assertTrue(s.must_change_password)


class EventsTest(PatendTestCase):

    def test_events_missed_while_disconnected_arrive_after_resume(self):
        watcher = self.login("admin@pemda-temanggung")
        first = watcher.rpc("Subscribe", from_now=True).last_sequence
        token = watcher.session.session_token
        watcher.close()
        # Meanwhile, from another desk of the same ADMIN:
        admin = self.login("admin@pemda-temanggung")
        kaloran = [o for o in admin.rpc("ListOffices").offices if o.code == "kaloran"][0].id
        for name in ("satu@kaloran", "dua@kaloran"):
            admin.rpc("CreateUser", idempotency_key=key(), username=name, name=name,
                      office_id=kaloran, roles=[pb.ROLE_LOKET], initial_password="awal-rahasia-1")
        back = self.client()
        back.rpc("Resume", session_token=token)
        r = back.rpc("Subscribe", after_sequence=first)
        self.assertEqual(r.replayed, 2)
        evs = [back.next_event(), back.next_event()]
        self.assertEqual([e.user_changed.user.username for e in evs],
                         ["satu@kaloran", "dua@kaloran"])
        self.assertTrue(first < evs[0].sequence < evs[1].sequence <= r.last_sequence)
        # Live from now on, and only what this session may see: a LOKET sees no user events.
        loket = self.login("loket@kaloran")
        loket.rpc("Subscribe", from_now=True)
        admin.rpc("CreateUser", idempotency_key=key(), username="tiga@kaloran", name="Tiga",
                  office_id=kaloran, roles=[pb.ROLE_LOKET], initial_password="awal-rahasia-1")
        self.assertEqual(back.next_event().user_changed.user.username, "tiga@kaloran")
        loket.rpc("Ping")
        self.assertEqual(loket.events, [])
        # Another region's ADMIN never sees them either.
        other = self.login("admin@pemda-pemalang")
        self.assertEqual(other.rpc("Subscribe", after_sequence=first).replayed, 0)


    def test_an_event_reaches_desks_on_another_patend(self):
        second = Patend(self.db.patend_args()).start()
        try:
            watcher = second.client()
            watcher.login("admin@pemda-temanggung", DEMO_PASSWORD)
            watcher.rpc("Subscribe", from_now=True)
            admin = self.login("admin@pemda-temanggung")
            kaloran = [o for o in admin.rpc("ListOffices").offices if o.code == "kaloran"][0].id
            admin.rpc("CreateUser", idempotency_key=key(), username="jauh@kaloran", name="Jauh",
                      office_id=kaloran, roles=[pb.ROLE_LOKET], initial_password="awal-rahasia-1")
            ev = watcher.next_event()
            self.assertEqual(ev.user_changed.user.username, "jauh@kaloran")
            # A session ended through one patend is ended on the other too.
            victim = second.client()
            victim.login("loket@kandangan", DEMO_PASSWORD)
            uid = victim.session.session.user.id
            admin.rpc("ResetPassword", idempotency_key=key(), user_id=uid,
                      new_password="sementara-789")
            # Both events of the reset commit together, so the second patend has applied the
            # session's end by the time it delivers the change.
            self.assertEqual(watcher.next_event().user_changed.change, "PASSWORD_RESET")
            self.assertEqual(victim.rpc_error("ListOffices").code, "UNAUTHENTICATED")
            watcher.close()
            victim.close()
        finally:
            self.assertEqual(second.stop(), 0, second.log_text())


class AuditTest(PatendTestCase):

    def test_verify_detects_an_edited_row(self):
        admin = self.login("admin@pemda-temanggung")
        kaloran = [o for o in admin.rpc("ListOffices").offices if o.code == "kaloran"][0].id
        for i in range(3):
            admin.rpc("CreateUser", idempotency_key=key(), username="a%d@kaloran" % i,
                      name="A", office_id=kaloran, roles=[pb.ROLE_LOKET],
                      initial_password="awal-rahasia-1")
        auditor = self.login("auditor@pemda-temanggung")
        r = auditor.rpc("VerifyAudit")
        self.assertTrue(r.intact)
        chain = [c for c in r.chains if c.office_code == "kaloran"][0]
        self.assertEqual(chain.rows, 3)  # one row per created user
        # Nobody may change the log, not even the owner of the schema.
        with self.assertRaises(RuntimeError):
            self.db.sql("UPDATE audit_log SET action = 'X' WHERE seq = 2", user="paten_owner")
        with self.assertRaises(RuntimeError):
            self.db.sql("DELETE FROM audit_log WHERE seq = 2", user="paten_app")
        # A superuser bypassing the triggers can, and verify names the row.
        self.db.sql("SET session_replication_role = replica; UPDATE audit_log SET "
                    "action = 'USER_DELETED' WHERE seq = 2 AND office_id = %d" % kaloran)
        r = auditor.rpc("VerifyAudit")
        self.assertFalse(r.intact)
        chain = [c for c in r.chains if c.office_code == "kaloran"][0]
        self.assertEqual((chain.intact, chain.first_broken_seq), (False, 2))
        self.assertIn("changed", chain.problem)
        # Other offices' chains are unaffected.
        self.assertTrue(all(c.intact for c in r.chains if c.office_code != "kaloran"))

    def test_verify_detects_a_deleted_row(self):
        admin = self.login("admin@pemda-temanggung")
        kaloran = [o for o in admin.rpc("ListOffices").offices if o.code == "kaloran"][0].id
        for i in range(2):
            admin.rpc("CreateUser", idempotency_key=key(), username="d%d@kaloran" % i,
                      name="D", office_id=kaloran, roles=[pb.ROLE_LOKET],
                      initial_password="awal-rahasia-1")
        self.db.sql("SET session_replication_role = replica; DELETE FROM audit_log "
                    "WHERE seq = 1 AND office_id = %d" % kaloran)
        chain = [c for c in self.login("auditor@pemda-temanggung").rpc("VerifyAudit").chains
                 if c.office_code == "kaloran"][0]
        self.assertFalse(chain.intact)
        self.assertEqual(chain.first_broken_seq, 2)
        entries = self.login("auditor@kaloran").rpc("ListAudit").entries
        # Newest first: the auditor's own login, then the surviving creation by the ADMIN.
        self.assertEqual([(e.action, e.actor) for e in entries[:2]],
                         [("LOGIN", "auditor@kaloran"), ("USER_CREATED", "admin@pemda-temanggung")])
        self.assertEqual(entries[0].seq, entries[1].seq + 1)


class DelegationTest(PatendTestCase):

    def test_plh_for_a_period(self):
        camat = self.login("camat@kaloran")
        sek = self.login("sekretariat@kaloran")
        sek.rpc("Subscribe", from_now=True)
        sek_id = sek.session.session.user.id
        now = camat.rpc("Ping").server_time_ms
        d = camat.rpc("CreateDelegation", idempotency_key=key(), to_user_id=sek_id,
                      kind=pb.DELEGATION_KIND_PLH, valid_from_ms=now - 1000,
                      valid_until_ms=now + 2 * HOUR, reason="Camat dinas luar").delegation
        self.assertEqual((d.from_name, d.to_user_id), ("Camat Kecamatan Kaloran", sek_id))
        ev = sek.next_event()
        self.assertEqual(ev.WhichOneof("body"), "delegation_changed")
        # The delegate now holds the Camat's role, in their own name.
        s = sek.rpc("GetSession").session
        self.assertIn(pb.ROLE_CAMAT, s.effective_roles)
        self.assertNotIn(pb.ROLE_CAMAT, s.user.roles)
        self.assertEqual([a.id for a in s.acting_for], [d.id])
        # A delegate cannot pass the role on.
        e = sek.rpc_error("CreateDelegation", idempotency_key=key(), to_user_id=sek_id + 1,
                          kind=pb.DELEGATION_KIND_PLH, valid_from_ms=now,
                          valid_until_ms=now + HOUR, reason="x")
        self.assertEqual(e.code, "PERMISSION_DENIED")
        # One delegation at a time.
        loket_id = self.login("loket@kaloran").session.session.user.id
        e = camat.rpc_error("CreateDelegation", idempotency_key=key(), to_user_id=loket_id,
                            kind=pb.DELEGATION_KIND_PLT, valid_from_ms=now + HOUR,
                            valid_until_ms=now + 3 * HOUR, reason="x")
        self.assertEqual(e.code, "FAILED_PRECONDITION")
        # Only officials of the office.
        taman = self.login("loket@taman").session.session.user.id
        e = camat.rpc_error("CreateDelegation", idempotency_key=key(), to_user_id=taman,
                            kind=pb.DELEGATION_KIND_PLH, valid_from_ms=now + 5 * HOUR,
                            valid_until_ms=now + 6 * HOUR, reason="x")
        self.assertEqual((e.code, e.err.field), ("INVALID_ARGUMENT", "to_user_id"))
        # When the period is over the role is gone.
        self.set_clock(offset_ms=2 * HOUR + 1000)
        self.assertNotIn(pb.ROLE_CAMAT, sek.rpc("GetSession").session.effective_roles)
        self.set_clock(reset=True)
        self.assertIn(pb.ROLE_CAMAT, sek.rpc("GetSession").session.effective_roles)
        # Ended early by the Camat: gone at once, audited with the before state.
        camat.rpc("EndDelegation", idempotency_key=key(), delegation_id=d.id, reason="sudah kembali")
        self.assertEqual(sek.next_event().WhichOneof("body"), "delegation_changed")
        self.assertNotIn(pb.ROLE_CAMAT, sek.rpc("GetSession").session.effective_roles)
        actions = self.db.sql("SELECT action || ':' || (before IS NOT NULL) FROM audit_log "
                              "WHERE entity = 'delegation' ORDER BY seq")
        self.assertEqual(actions.split("\n"), ["DELEGATION_CREATED:false",
                                               "DELEGATION_ENDED:true"])
        self.assertEqual(len(camat.rpc("ListDelegations", include_past=True).delegations), 1)
        self.assertEqual(len(camat.rpc("ListDelegations").delegations), 0)


if __name__ == "__main__":
    main()
