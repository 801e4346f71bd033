"""paten-desk: the ADMIN's Users page (create, deactivate, errors next to fields, conflicts),
and surviving a server restart with the session resumed."""

import uuid

import desk_test as dt

ADMIN = "admin@pemda-temanggung"
ADMIN_NAME = "Admin Pemerintah Kabupaten Temanggung"


def user_row(d, lst, username):
    return d.find(lambda n: n.roleName == "list item" and n.name == username,
                  "row of %s" % username, root=lst, recursive=False)


def open_users_page(d):
    main = d.main_window(ADMIN_NAME)
    d.activate(d.named("Pengguna", "radio button", d.named("Ruang kerja", root=main)))
    lst = d.named("Daftar pengguna", root=main)
    user_row(d, lst, "loket@kaloran")  # loaded
    return main, lst


def fill_new_user(d, main, username, name, office, roles, password):
    d.activate(d.named("Tambah pengguna", "push button", main))
    dlg = d.find(lambda n: n.roleName == "dialog" and n.name == "Tambah pengguna",
                 "the Tambah pengguna dialog")
    d.set_text(d.named("Nama pengguna", "text", dlg), username)
    d.set_text(d.named("Nama lengkap", "text", dlg), name)
    dt.choose(d.named("Kantor", "combo box", dlg), office)
    for role in roles:
        d.activate(d.named(role, "check box", dlg))
    d.set_text(d.named("Kata sandi awal", "text", dlg), password)
    return dlg


def dialog_gone(d, name):
    d.wait_gone(lambda n: n.roleName == "dialog" and n.name == name, "dialog %r" % name,
                recursive=False)


class UsersTest(dt.DeskTestCase):

    def test_create_appears_by_push_then_deactivate(self):
        d = self.start_desk()
        d.login(ADMIN)
        main, lst = open_users_page(d)
        before = len(lst.children)
        # The ADMIN's own row does not offer deactivating oneself (the server refuses it).
        own = user_row(d, lst, ADMIN)
        d.named("Atur ulang kata sandi " + ADMIN, "push button", own)
        self.assertFalse([n for n in own.findChildren(lambda n: n.name == "Nonaktifkan " + ADMIN)
                          if n.showing])
        # The roles offered follow the office: a kecamatan has no Administrator.
        dlg = fill_new_user(d, main, "budi@kaloran", "Budi Santoso", "Kecamatan Kaloran",
                            ["Petugas Loket", "Kasir"], "sandi-awal-123")
        self.assertFalse(d.named("Administrator", "check box", dlg).showing)
        d.activate(d.named("Simpan", "push button", dlg))
        dialog_gone(d, "Tambah pengguna")
        # The row comes from the UserChanged event the server pushes (the desk does not
        # reload the list after creating).
        row = user_row(d, lst, "budi@kaloran")
        d.named("Budi Santoso", "label", row)
        d.named("Petugas Loket, Kasir", "label", row)
        self.assertEqual(len(lst.children), before + 1)
        # A user created at another desk appears the same way, with nothing done here.
        c = self.client()
        c.login(ADMIN)
        kaloran = [o for o in c.rpc("ListOffices").offices if o.code == "kaloran"][0]
        c.rpc("CreateUser", idempotency_key=str(uuid.uuid4()), username="eko@kaloran",
              name="Eko Prasetyo", office_id=kaloran.id, roles=[1], initial_password="sandi-eko-123")
        d.named("Eko Prasetyo", "label", user_row(d, lst, "eko@kaloran"))

        # Deactivate it, with a reason.
        d.activate(d.named("Nonaktifkan budi@kaloran", "push button", row))
        dlg = d.find(lambda n: n.roleName == "dialog" and n.name == "Nonaktifkan pengguna",
                     "the deactivate dialog")
        d.activate(d.named("Nonaktifkan", "push button", dlg))
        d.label_with("Isi alasannya.", root=dlg)  # a reason is required
        d.set_text(d.named("Alasan", "text", dlg), "Pindah tugas")
        d.activate(d.named("Nonaktifkan", "push button", dlg))
        dialog_gone(d, "Nonaktifkan pengguna")
        # Inactive users are hidden unless asked for.
        d.wait_gone(lambda n: n.roleName == "list item" and n.name == "budi@kaloran",
                    "row of budi@kaloran", root=lst, recursive=False)
        d.activate(d.named("Tampilkan pengguna nonaktif", "check box", main))
        row = user_row(d, lst, "budi@kaloran")
        d.named("Nonaktif", "label", row)
        # Over the protocol, the user is indeed inactive.
        users = {u.username: u for u in c.rpc("ListUsers", include_inactive=True).users}
        self.assertFalse(users["budi@kaloran"].active)

    def test_server_errors_are_shown_next_to_their_field(self):
        d = self.start_desk()
        d.login(ADMIN)
        main, lst = open_users_page(d)
        dlg = fill_new_user(d, main, "loket@kaloran", "Nama Kembar", "Kecamatan Kaloran",
                            ["Petugas Loket"], "sandi-awal-123")
        d.activate(d.named("Simpan", "push button", dlg))
        err = d.label_with("sudah ada", root=dlg)  # ALREADY_EXISTS, field "username"
        username = d.named("Nama pengguna", "text", dlg)
        nip = d.named("NIP", "text", dlg)
        # Under the username field, above the next one.
        d.wait_between(err, username, nip)
        d.find(lambda n: n == username and n.focused, "focus on the username field",
               root=username.parent)
        # A too short password is the server's to refuse, under its own field.
        d.set_text(username, "citra@kaloran")
        d.set_text(d.named("Kata sandi awal", "text", dlg), "pendek")
        d.activate(d.named("Simpan", "push button", dlg))
        perr = d.label_with("8", root=dlg)
        d.wait_between(perr, d.named("Kata sandi awal", "text", dlg),
                       d.named("Simpan", "push button", dlg))
        d.activate(d.named("Batal", "push button", dlg))
        dialog_gone(d, "Tambah pengguna")

    def test_deactivate_with_a_stale_version_is_a_conflict(self):
        d = self.start_desk()
        d.login(ADMIN)
        main, lst = open_users_page(d)
        row = user_row(d, lst, "sekretariat@kandangan")
        d.activate(d.named("Nonaktifkan sekretariat@kandangan", "push button", row))
        dlg = d.find(lambda n: n.roleName == "dialog" and n.name == "Nonaktifkan pengguna",
                     "the deactivate dialog")
        # Meanwhile another admin desk renames the user (a new version).
        c = self.client()
        c.login(ADMIN)
        u = [u for u in c.rpc("ListUsers").users if u.username == "sekretariat@kandangan"][0]
        c.rpc("UpdateUser", idempotency_key=str(uuid.uuid4()), user_id=u.id, version=u.version,
              name="Sekretariat Baru", nip=u.nip, roles=list(u.roles))
        d.named("Sekretariat Baru", "label", row)  # pushed into the list
        d.set_text(d.named("Alasan", "text", dlg), "Pensiun")
        d.activate(d.named("Nonaktifkan", "push button", dlg))
        d.label_with("Data telah diubah, muat ulang.", root=dlg)
        d.activate(d.named("Batal", "push button", dlg))
        dialog_gone(d, "Nonaktifkan pengguna")
        users = {u.username: u for u in c.rpc("ListUsers").users}
        self.assertTrue(users["sekretariat@kandangan"].active)

    def test_server_killed_and_restarted_resumes_the_session(self):
        d = self.start_desk()
        d.login(ADMIN)
        main, lst = open_users_page(d)
        status = d.named("Status koneksi", root=d.named("Bilah judul", root=main))
        d.named("Terhubung", "label", status)

        self.server.kill()  # SIGKILL: no goodbye, the socket just drops
        d.named("Terputus — menyambung ulang…", "label", status)
        self.restart_server()
        self.server.wait_for_log(r"admin@pemda-temanggung resumed session")
        d.named("Terhubung", "label", status)
        # No new login: still the main window, and no login window came back.
        self.assertFalse([w for w in d.app.children if w.name.startswith("PATEN — Masuk")])
        self.assertNotIn("logged in", self.server.log_text())

        # The Users page still works: create a user, and it is pushed into the list (the
        # subscription was renewed after the restart).
        dlg = fill_new_user(d, main, "dewi@kaloran", "Dewi Lestari", "Kecamatan Kaloran",
                            ["Sekretariat"], "sandi-awal-123")
        d.activate(d.named("Simpan", "push button", dlg))
        dialog_gone(d, "Tambah pengguna")
        user_row(d, lst, "dewi@kaloran")


if __name__ == "__main__":
    dt.main()
