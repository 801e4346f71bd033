"""paten-desk: logging in (what each role sees, errors in place, keyboard only)."""

import desk_test as dt
from dogtail import rawinput


class LoginTest(dt.DeskTestCase):

    def test_loket_sees_the_workspaces_of_the_counter(self):
        d = self.start_desk()
        # Keyboard only: the focus starts in the login field; Enter in the password field logs
        # in (login() presses Return).
        win = d.window("PATEN — Masuk")
        login = d.named("NIP atau nama pengguna", "text", win)
        self.assertTrue(login.focused, "the focus should start in the NIP/username field")
        d.login("loket@kaloran", keyboard=True)
        main = d.main_window("Loket Kecamatan Kaloran")
        header = d.named("Bilah judul", root=main)
        switcher = d.named("Ruang kerja", root=header)
        self.assertEqual([c.name for c in switcher.children],
                         ["Loket", "Disposisi", "Berkas", "Akun"])
        d.named("Loket Kecamatan Kaloran", "label", header)
        d.named("Kecamatan Kaloran", "label", header)
        status = d.named("Status koneksi", root=header)
        d.named("Terhubung", "label", status)
        # The account page shows the user in Indonesian.
        d.activate(d.named("Akun", "radio button", switcher))
        d.named("Petugas Loket", "label", main)
        d.named("loket@kaloran", "label", main)
        # The login window is gone.
        self.assertFalse([w for w in d.app.children if w.name.startswith("PATEN — Masuk")])

    def test_keyboard_shortcuts(self):
        d = self.start_desk()
        d.login("loket@taman")
        main = d.main_window("Loket Kecamatan Taman")
        switcher = d.named("Ruang kerja", root=main)
        # Alt+3 is the third workspace shown (Berkas for a clerk), Alt+1 back to the counter.
        for key, title in (("<Alt>3", "Berkas"), ("<Alt>4", "Akun"), ("<Alt>1", "Loket")):
            rawinput.keyCombo(key)
            d.find(lambda n: n.name == title and n.roleName == "radio button" and n.checked,
                   "%s chosen after %s" % (title, key), root=switcher)
        # F1 shows the overlay listing the counter's shortcuts; Escape closes it.
        rawinput.pressKey("F1")
        help_ = d.window("Pintasan papan ketik")
        d.label_with("Berkas baru", root=help_)
        rawinput.pressKey("Escape")
        d.wait_gone(lambda n: n.name == "Pintasan papan ketik" and n.showing,
                    "the shortcuts overlay", recursive=False)

    def test_logout_from_the_main_menu(self):
        d = self.start_desk()
        d.login("camat@taman")
        main = d.main_window("Camat Kecamatan Taman")
        # From the working workspace, not only from Akun: F10 opens the menu.
        rawinput.pressKey("F10")
        item = d.find(lambda n: n.name == "Keluar" and n.showing, "Keluar in the main menu",
                      root=main)
        d.activate(item)
        d.window("PATEN — Masuk")
        d.wait_gone(lambda n: n.roleName == "frame" and n.name.startswith("PATEN — Camat"),
                    "the main window", recursive=False)
        self.server.wait_for_log(r"camat@taman logged out")
        self.assertIsNotNone(main)

    def test_admin_sees_services_tariffs_users_and_account(self):
        d = self.start_desk()
        d.login("admin@pemda-temanggung", keyboard=False)
        main = d.main_window("Admin Pemerintah Kabupaten Temanggung")
        switcher = d.named("Ruang kerja", root=main)
        self.assertEqual([c.name for c in switcher.children],
                         ["Layanan", "Tarif", "Pengguna", "Akun"])

    def test_wrong_password_is_shown_in_place(self):
        d = self.start_desk()
        win = d.login("loket@kaloran", password="salah-sekali")
        d.label_with("NIP/nama pengguna atau kata sandi salah", root=win)
        pw = d.named("Kata sandi", "password text", win)
        # The window stays and the password field keeps the focus, ready for another try.
        d.find(lambda n: n == pw and n.focused, "focus in the password field", root=pw.parent)
        self.assertEqual(d.window("PATEN — Masuk"), win)
        # The right password then works from the same window.
        d.set_text(pw, dt.DEMO_PASSWORD)
        d.press_enter(pw)
        d.main_window("Loket Kecamatan Kaloran")

    def test_locked_account_shows_the_minutes_left(self):
        # Five failures in a row lock the account (done over the protocol: quicker); the fifth
        # is answered ACCOUNT_LOCKED already.
        c = self.client()
        codes = [c.rpc_error("Login", login="kasir@kaloran", password="bukan-ini").code
                 for _ in range(5)]
        self.assertEqual(codes, ["UNAUTHENTICATED"] * 4 + ["ACCOUNT_LOCKED"])
        d = self.start_desk()
        win = d.login("kasir@kaloran")
        d.label_with("Akun terkunci. Coba lagi dalam 15 menit.", root=win)
        pw = d.named("Kata sandi", "password text", win)
        d.find(lambda n: n == pw and n.focused, "focus in the password field", root=pw.parent)

    def test_unreachable_server_is_shown_in_place(self):
        # Nothing listens on this port: the desk keeps trying in the background, and a login
        # attempt says the server cannot be reached.
        self.server.stop()
        d = self.start_desk()
        win = d.login("loket@kaloran")
        # In place under the form (the status line below says it too, with "Mencoba lagi").
        d.find(lambda n: n.roleName == "label" and n.showing
               and n.name.startswith("Server tidak dapat dihubungi")
               and "Mencoba lagi" not in n.name, "the login's error", root=win)
        self.assertEqual(d.window("PATEN — Masuk"), win)
        # The server comes up: the desk connects by itself and the same login now works.
        self.restart_server()
        d.label_with("Terhubung ke 127.0.0.1:%d" % self.port, root=win)
        d.press_enter(d.named("Kata sandi", "password text", win))
        d.main_window("Loket Kecamatan Kaloran")

    def test_indonesian_whatever_lang_says(self):
        # The desks run in Indonesian offices on machines set up in English or with LANG=C.
        d = self.start_desk(env={"LANG": "en_US.UTF-8", "LC_ALL": "", "LANGUAGE": "en"})
        win = d.window("PATEN — Masuk")
        d.named("Masuk", "push button", win)
        # PATEN_DESK_LANG chooses another language: English is the msgids themselves.
        e = self.start_desk(env={"PATEN_DESK_LANG": "en"})
        en = e.window("PATEN — Log in")
        e.named("Log in", "push button", en)
        e.named("NIP or username", "text", en)

    def test_server_address_is_remembered(self):
        d = self.start_desk()
        d.login("loket@kaloran")
        d.main_window("Loket Kecamatan Kaloran")
        with open(d.home + "/.config/paten-desk/desk.ini") as f:
            self.assertIn("server=127.0.0.1:%d" % self.port, f.read())


if __name__ == "__main__":
    dt.main()
