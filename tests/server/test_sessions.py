"""Sessions: login by username and NIP, wrong passwords, lockout and its expiry, resume after a
reconnect, idle expiry, logout, forced password change (moving the test clock, never sleeping)."""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))

from paten_test import DEMO_PASSWORD, SERVER_INFO, PatendTestCase, main, pb  # noqa: E402

MINUTE = 60 * 1000


class LoginTest(PatendTestCase):

    def test_login_by_username_and_by_nip(self):
        c = self.client()
        s = c.login("loket@kaloran").session
        self.assertEqual(s.user.username, "loket@kaloran")
        self.assertEqual(s.user.office.code, "kaloran")
        self.assertEqual(s.user.office.kind, pb.OFFICE_KIND_KECAMATAN)
        self.assertEqual(list(s.effective_roles), [pb.ROLE_LOKET])
        self.assertEqual(s.region.code, "temanggung")
        self.assertEqual(s.region.time_zone, "Asia/Jakarta")
        self.assertEqual(len(c.session.session_token), 32)
        nip = s.user.nip
        self.assertEqual(len(nip), 18)
        c2 = self.client()
        self.assertEqual(c2.login(nip).session.user.username, "loket@kaloran")
        # Two logins are two sessions with different tokens.
        self.assertNotEqual(c.session.session_token, c2.session.session_token)
        # The token is stored only as its hash.
        self.assertEqual(self.db.sql("SELECT count(*) FROM sessions WHERE token_hash = '\\x%s'"
                                     % c.session.session_token.hex()), "0")

    def test_wrong_password_and_unknown_user_look_alike(self):
        c = self.client()
        e1 = c.rpc_error("Login", login="loket@kaloran", password="salah-sekali")
        e2 = c.rpc_error("Login", login="nobody@nowhere", password="salah-sekali")
        self.assertEqual((e1.code, e2.code), ("UNAUTHENTICATED", "UNAUTHENTICATED"))
        self.assertEqual(e1.err.message, e2.err.message)
        # Nothing works without a session, except what is public.
        self.assertEqual(c.expect_error(SERVER_INFO).code, "UNAUTHENTICATED")
        self.assertEqual(c.rpc_error("ListOffices").code, "UNAUTHENTICATED")
        c.rpc("Ping")
        self.assertEqual(c.rpc_error("Login", login="", password="x").err.field, "login")

    def test_lockout_after_five_failures_and_its_expiry(self):
        c = self.client()
        for i in range(4):
            self.assertEqual(c.rpc_error("Login", login="kasir@kaloran",
                                         password="salah-%d" % i).code, "UNAUTHENTICATED")
        e = c.rpc_error("Login", login="kasir@kaloran", password="salah-5")
        self.assertEqual(e.code, "ACCOUNT_LOCKED")
        self.assertAlmostEqual(e.err.retry_after_ms, 15 * MINUTE, delta=5000)
        self.assertIn("15 menit", e.err.message)
        # Locked: even the right password is refused, saying how long is left.
        e = c.rpc_error("Login", login="kasir@kaloran", password=DEMO_PASSWORD)
        self.assertEqual(e.code, "ACCOUNT_LOCKED")
        self.assertIn("menit", e.err.message)
        # Other accounts are not affected.
        self.client().login("loket@kaloran")
        # The failures and the lockout are audited in the user's office chain.
        actions = self.db.sql("SELECT action FROM audit_log a JOIN offices o ON o.id = a.office_id "
                              "WHERE o.code = 'kaloran' AND entity = 'user' ORDER BY seq")
        self.assertEqual(actions.split("\n"), ["LOGIN_FAILED"] * 4 + ["LOGIN_LOCKOUT"])
        # Fourteen minutes later still locked; sixteen minutes later the password works.
        self.set_clock(offset_ms=14 * MINUTE)
        self.assertEqual(c.rpc_error("Login", login="kasir@kaloran",
                                     password=DEMO_PASSWORD).code, "ACCOUNT_LOCKED")
        self.set_clock(offset_ms=16 * MINUTE)
        self.assertEqual(c.login("kasir@kaloran").session.user.username, "kasir@kaloran")
        # A fresh count starts after the lock: one failure does not lock again.
        self.assertEqual(c.rpc_error("Login", login="kasir@kaloran",
                                     password="salah").code, "UNAUTHENTICATED")


class SessionTest(PatendTestCase):

    def test_resume_on_a_new_connection(self):
        c = self.login("camat@kaloran")
        token = c.session.session_token
        c.close()
        c2 = self.client()
        s = c2.rpc("Resume", session_token=token).session
        self.assertEqual(s.user.username, "camat@kaloran")
        self.assertEqual(c2.rpc("GetSession").session.user.username, "camat@kaloran")
        c2.call(SERVER_INFO)
        # Two connections can hold one session (two windows on one desk).
        c3 = self.client()
        c3.rpc("Resume", session_token=token)
        c3.rpc("ListOffices")
        self.assertEqual(self.client().rpc_error("Resume", session_token=b"x" * 32).code,
                         "UNAUTHENTICATED")
        self.assertEqual(self.client().rpc_error("Resume", session_token=b"short").err.field,
                         "session_token")

    def test_idle_session_expires(self):
        c = self.login("sekretariat@kaloran")
        token = c.session.session_token
        self.assertEqual(c.session.session.idle_timeout_s, 8 * 3600)
        # Seven hours idle is fine and counts as activity again.
        self.set_clock(offset_ms=7 * 3600 * 1000)
        c.rpc("ListOffices")
        # Then eight hours and a minute without a request ends it.
        self.set_clock(offset_ms=(15 * 60 + 1) * MINUTE)
        e = c.rpc_error("ListOffices")
        self.assertEqual(e.code, "UNAUTHENTICATED")
        self.assertIn("tidak dipakai", e.err.message)
        self.assertEqual(self.client().rpc_error("Resume", session_token=token).code,
                         "UNAUTHENTICATED")
        # The refusal is immediate; the row is ended by a write patend logs when it is done.
        self.server.wait_for_log(r"session \d+ of sekretariat@kaloran expired after 28800 s idle")
        self.assertEqual(self.db.sql("SELECT ended_reason FROM sessions s JOIN users u ON "
                                     "u.id = s.user_id WHERE u.username = 'sekretariat@kaloran'"),
                         "idle")

    def test_logout_ends_the_session_on_every_connection(self):
        c = self.login("tim_teknis@kaloran")
        token = c.session.session_token
        other = self.client()
        other.rpc("Resume", session_token=token)
        other.rpc("Subscribe", from_now=True)
        c.rpc("Logout")
        self.assertEqual(c.rpc_error("ListOffices").code, "UNAUTHENTICATED")
        ev = other.next_event()
        self.assertEqual(ev.WhichOneof("body"), "session_ended")
        self.assertEqual(ev.session_ended.reason, "logout")
        self.assertEqual(other.rpc_error("ListOffices").code, "UNAUTHENTICATED")
        self.assertEqual(self.client().rpc_error("Resume", session_token=token).code,
                         "UNAUTHENTICATED")
        self.assertIn("LOGOUT", self.db.sql("SELECT string_agg(action, ',') FROM audit_log"))

    def test_new_user_must_change_password_first(self):
        admin = self.login("admin@pemda-temanggung")
        office = [o for o in admin.rpc("ListOffices").offices if o.code == "kaloran"][0]
        admin.rpc("CreateUser", idempotency_key="11111111-1111-4111-8111-111111111111",
                  username="loket2@kaloran", name="Siti Aminah", office_id=office.id,
                  roles=[pb.ROLE_LOKET], initial_password="sementara-123")
        c = self.client()
        s = c.login("loket2@kaloran", "sementara-123").session
        self.assertTrue(s.must_change_password)
        self.assertEqual(c.rpc_error("ListOffices").code, "PASSWORD_CHANGE_REQUIRED")
        e = c.rpc_error("ChangePassword", idempotency_key="22222222-2222-4222-8222-222222222222",
                        old_password="salah-lama", new_password="baru-rahasia-1")
        self.assertEqual((e.code, e.err.field), ("INVALID_ARGUMENT", "old_password"))
        e = c.rpc_error("ChangePassword", idempotency_key="33333333-3333-4333-8333-333333333333",
                        old_password="sementara-123", new_password="pendek")
        self.assertEqual(e.err.field, "new_password")
        key = "44444444-4444-4444-8444-444444444444"
        c.rpc("ChangePassword", idempotency_key=key, old_password="sementara-123",
              new_password="baru-rahasia-1")
        c.rpc("ListOffices")
        # A retry after a lost reply gets the same answer, though the old password changed.
        c.rpc("ChangePassword", idempotency_key=key, old_password="sementara-123",
              new_password="baru-rahasia-1")
        self.assertEqual(self.client().login("loket2@kaloran", "baru-rahasia-1")
                         .session.must_change_password, False)


if __name__ == "__main__":
    main()
