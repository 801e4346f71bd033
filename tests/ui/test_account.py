"""paten-desk: the Account page (a password set by an ADMIN must be changed first, errors in
place, logout) and a session ended elsewhere; every interactive widget has an accessible name."""

import uuid

import desk_test as dt

INTERACTIVE = {"push button", "toggle button", "radio button", "check box", "combo box", "text",
               "password text", "menu item", "spin button", "list item"}


def unnamed_interactive(node, seen, limit_children=8):
    """The interactive nodes under node without an accessible name (long lists are sampled:
    their first limit_children rows); seen counts the interactive nodes looked at."""
    found = []
    for i, child in enumerate(node.children):
        if i >= limit_children and node.roleName in ("list", "list box"):
            break
        if child.roleName in INTERACTIVE and child.showing:
            seen.append(child.roleName)
            if not child.name.strip():
                found.append("%s in %s %r" % (child.roleName, node.roleName, node.name))
        found += unnamed_interactive(child, seen, limit_children)
    return found


class AccountTest(dt.DeskTestCase):

    def test_password_set_by_admin_must_be_changed_first(self):
        admin = self.client()
        admin.login("admin@pemda-temanggung")
        u = [u for u in admin.rpc("ListUsers").users if u.username == "loket@kandangan"][0]
        admin.rpc("ResetPassword", idempotency_key=str(uuid.uuid4()), user_id=u.id,
                  new_password="sementara-123")

        d = self.start_desk()
        d.login("loket@kandangan", password="sementara-123")
        main = d.main_window("Loket Kecamatan Kandangan")
        d.label_with("Pilih kata sandi Anda sendiri", root=main)
        # Only the change-password form: no account details, no printing.
        self.assertFalse(d.named("Cetak lembar akun", "push button", main).showing)
        self.assertEqual([c.name for c in d.named("Ruang kerja", root=main).children], ["Akun"])

        old = d.named("Kata sandi saat ini", "password text", main)
        new = d.named("Kata sandi baru", "password text", main)
        repeat = d.named("Ulangi kata sandi baru", "password text", main)
        change = d.named("Ganti kata sandi", "push button", main)
        # Two different new passwords: refused here, under the repeat field.
        d.set_text(old, "sementara-123")
        d.set_text(new, "rahasia-baru-1")
        d.set_text(repeat, "rahasia-baru-2")
        d.activate(change)
        d.label_with("Kedua kata sandi baru tidak sama", root=main)
        # A wrong current password: the server's word, under the current password field.
        d.set_text(old, "bukan-ini-juga")
        d.set_text(repeat, "rahasia-baru-1")
        d.activate(change)
        err = d.label_with("Kata sandi lama salah", root=main)
        d.wait_between(err, old, new)
        d.find(lambda n: n == old and n.focused, "focus on the current password", root=old.parent)
        # Right: the form empties and the account shows.
        d.set_text(old, "sementara-123")
        d.activate(change)
        d.label_with("Kata sandi Anda telah diubah.", root=main)
        d.find(lambda n: n.name == "Cetak lembar akun" and n.showing, "the print button",
               root=main)
        d.named("Petugas Loket", "label", main)
        # The new password is the one that works now.
        c = self.client()
        self.assertFalse(c.login("loket@kandangan", password="rahasia-baru-1").session
                         .must_change_password)

    def test_logout_returns_to_the_login_window(self):
        d = self.start_desk()
        d.login("camat@kaloran")
        main = d.workspace(d.main_window("Camat Kecamatan Kaloran"), "Akun")
        d.activate(d.named("Keluar", "push button", main))
        win = d.window("PATEN — Masuk")
        d.wait_gone(lambda n: n.roleName == "frame" and n.name.startswith("PATEN — Camat"),
                    "the main window", recursive=False)
        self.server.wait_for_log(r"camat@kaloran logged out")
        # And in again, from the same window.
        d.login("camat@kaloran")
        d.main_window("Camat Kecamatan Kaloran")
        self.assertIsNotNone(win)

    def test_session_ended_elsewhere_returns_to_login(self):
        d = self.start_desk()
        d.login("kasir@kandangan")
        d.main_window("Kasir Kecamatan Kandangan")
        # An ADMIN deactivates the user: the server ends the sessions and says so (SessionEnded).
        admin = self.client()
        admin.login("admin@pemda-temanggung")
        u = [u for u in admin.rpc("ListUsers").users if u.username == "kasir@kandangan"][0]
        admin.rpc("DeactivateUser", idempotency_key=str(uuid.uuid4()), user_id=u.id,
                  version=u.version, reason="Mutasi")
        win = d.window("PATEN — Masuk")
        d.label_with("Sesi Anda telah berakhir", root=win)
        d.wait_gone(lambda n: n.roleName == "frame" and n.name.startswith("PATEN — Kasir"),
                    "the main window", recursive=False)

    def test_every_interactive_widget_has_an_accessible_name(self):
        d = self.start_desk()
        login = d.window("PATEN — Masuk")
        seen = []
        self.assertEqual(unnamed_interactive(login, seen), [])
        self.assertGreaterEqual(len(seen), 4)  # server, login, password, Masuk (and more)
        d.login("admin@pemda-temanggung")
        main = d.workspace(d.main_window("Admin Pemerintah Kabupaten Temanggung"), "Akun")
        seen = []
        self.assertEqual(unnamed_interactive(main, seen), [])  # the Account page
        self.assertGreaterEqual(len(seen), 7)
        d.activate(d.named("Pengguna", "radio button", d.named("Ruang kerja", root=main)))
        lst = d.named("Daftar pengguna", root=main)
        d.find(lambda n: n.name == "admin@pemda-temanggung", "a row", root=lst, recursive=False)
        seen = []
        self.assertEqual(unnamed_interactive(main, seen), [])
        self.assertGreaterEqual(seen.count("list item"), 8)
        d.activate(d.named("Tambah pengguna", "push button", main))
        dlg = d.find(lambda n: n.roleName == "dialog" and n.name == "Tambah pengguna",
                     "the Tambah pengguna dialog")
        dt.choose(d.named("Kantor", "combo box", dlg), "Kecamatan Kaloran")
        # The roles a kecamatan can hold replace the others once the office is chosen: wait
        # for the accessibility tree to show them before looking.
        def roles_shown(n):
            return n == dlg and len(n.findChildren(
                lambda c: c.roleName == "check box" and c.showing)) >= 5
        d.find(roles_shown, "the roles of a kecamatan offered", root=dlg.parent,
               recursive=False)
        seen = []
        self.assertEqual(unnamed_interactive(dlg, seen), [])
        self.assertGreaterEqual(seen.count("check box"), 5)  # the roles a kecamatan can hold
        d.activate(d.named("Batal", "push button", dlg))


if __name__ == "__main__":
    dt.main()
