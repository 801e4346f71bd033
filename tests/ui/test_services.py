"""paten-desk: the ADMIN's Layanan workspace: the region's catalog listed, a service edited into a
new version (deadline and a requirement), a version saved at another desk pushed into the list,
an invalid criterion refused by the server with its error shown in place, a stale version
refused as a conflict with a reload offered; and the screenshot docs/screenshots/layanan.png."""

import os
import uuid

import desk_test as dt

ADMIN = "admin@pemda-temanggung"
ADMIN_NAME = "Admin Pemerintah Kabupaten Temanggung"
# The demo catalog of Kabupaten Temanggung (server/demo/0003_catalog.sql).
TEMANGGUNG = ["imb", "ho", "siup", "pemakaman", "oprit", "tdp", "tdi", "reklame"]


def service_row(d, lst, code):
    return d.find(lambda n: n.roleName == "list item" and n.name == code,
                  "row of %s" % code, root=lst, recursive=False)


def open_services_page(d):
    main = d.workspace(d.main_window(ADMIN_NAME), "Layanan")
    lst = d.named("Daftar layanan", root=main)
    service_row(d, lst, "imb")  # loaded
    return main, lst


def open_editor(d, main, row, code):
    d.activate(d.named("Ubah " + code, "push button", row))
    dlg = d.find(lambda n: n.roleName == "dialog" and n.name.startswith("Ubah layanan"),
                 "the service editor")
    # Loaded: the code shows in its field.
    d.find(lambda n: n.roleName == "text" and n.name == "Kode layanan" and n.text == code,
           "the code field holding %s" % code, root=dlg)
    return dlg


def dialog_gone(d, prefix="Ubah layanan"):
    d.wait_gone(lambda n: n.roleName == "dialog" and n.name.startswith(prefix),
                "the service editor", recursive=False)


def key():
    return str(uuid.uuid4())


class ServicesTest(dt.DeskTestCase):

    def setUp(self):
        super().setUp()
        self.c = self.client()
        self.c.login(ADMIN)
        self.catalog = {s.code: s for s in self.c.rpc("ListServices").services}

    def test_edit_makes_a_new_version(self):
        d = self.start_desk()
        d.login(ADMIN)
        main, lst = open_services_page(d)
        for code in TEMANGGUNG:
            row = service_row(d, lst, code)
            d.named(self.catalog[code].name, "label", row)
        imb = self.catalog["imb"]
        row = service_row(d, lst, "imb")
        d.named("Versi %d" % imb.version, "label", row)
        d.named("%d hari kerja" % imb.deadline_working_days, "label", row)
        # Another region's services are not listed.
        self.assertNotIn("dispensasi-nikah", [n.name for n in lst.children])

        dlg = open_editor(d, main, row, "imb")
        # The dialog says what saving does to the versions.
        d.label_with("menjadi versi %d" % (imb.version + 1), root=dlg)
        d.label_with("tetap memakai versi", root=dlg)
        new_deadline = imb.deadline_working_days + 2
        d.set_text(d.named("Batas waktu (hari kerja)", "spin button", dlg), str(new_deadline))
        first = imb.requirements[0]
        text = d.named("Persyaratan 1: teks", "text", dlg)
        self.assertEqual(text.text, first.text)
        d.set_text(text, first.text + " (asli)")
        d.activate(d.named("Simpan", "push button", dlg))
        dialog_gone(d)
        # The row shows the new version and deadline.
        d.named("Versi %d" % (imb.version + 1), "label", row)
        d.named("%d hari kerja" % new_deadline, "label", row)
        # Over the protocol: a new version with both changes, and the old one unchanged.
        got = self.c.rpc("GetService", service_id=imb.id).service
        self.assertEqual((got.version, got.deadline_working_days),
                         (imb.version + 1, new_deadline))
        self.assertEqual(got.requirements[0].text, first.text + " (asli)")
        self.assertEqual(got.requirements[0].code, first.code)
        # Everything else went through unchanged.
        self.assertEqual([r.code for r in got.requirements], [r.code for r in imb.requirements])
        self.assertEqual(list(got.fields), list(imb.fields))
        self.assertEqual(list(got.criteria), list(imb.criteria))
        self.assertEqual((got.fee, got.assessor_office_id, got.treasurer_office_id,
                          got.legal_basis, got.active),
                         (imb.fee, imb.assessor_office_id, imb.treasurer_office_id,
                          imb.legal_basis, imb.active))
        old = self.c.rpc("GetService", service_id=imb.id, version=imb.version).service
        self.assertEqual(old.deadline_working_days, imb.deadline_working_days)

    def test_saving_unchanged_keeps_every_setting(self):
        """Every demo service through the editor and back: the new version equals the old one
        in everything but its version (nothing is lost or rewritten on the way)."""
        d = self.start_desk()
        d.login(ADMIN)
        main, lst = open_services_page(d)
        for code in TEMANGGUNG:
            before = self.catalog[code]
            row = service_row(d, lst, code)
            dlg = open_editor(d, main, row, code)
            d.activate(d.named("Simpan", "push button", dlg))
            dialog_gone(d)
            d.named("Versi %d" % (before.version + 1), "label", row)
            after = self.c.rpc("GetService", service_id=before.id).service
            self.assertEqual(after.version, before.version + 1, code)
            after.version = before.version
            self.assertEqual(after, before, code)

    def test_new_service_with_list_editing(self):
        d = self.start_desk()
        d.login(ADMIN)
        main, lst = open_services_page(d)
        d.activate(d.named("Tambah layanan", "push button", main))
        dlg = d.find(lambda n: n.roleName == "dialog" and n.name == "Layanan baru",
                     "the new service dialog")
        d.label_with("dimulai pada versi 1", root=dlg)
        d.set_text(d.named("Kode layanan", "text", dlg), "uji-kesenian")
        d.set_text(d.named("Dasar hukum", "text", dlg), "Perbup uji")
        # A CHOICE field with its choices.
        d.activate(d.named("Tambah isian", "push button", dlg))
        d.set_text(d.named("Isian 1: nama", "text", dlg), "jenis_kesenian")
        d.set_text(d.named("Isian 1: label", "text", dlg), "Jenis kesenian")
        dt.choose(d.named("Isian 1: jenis", "combo box", dlg), "Pilihan")
        d.set_text(d.named("Isian 1: pilihan", "text", dlg), "TARI, MUSIK")
        # Three requirements; the third removed, the second moved up.
        reqs = [("ktp", "Fotokopi KTP", ""), ("alat", "Daftar alat musik", "jenis_kesenian=MUSIK"),
                ("hapus", "Dihapus lagi", "")]
        for _ in reqs:
            d.activate(d.named("Tambah persyaratan", "push button", dlg))
        for i, (code, text, when) in enumerate(reqs, 1):
            d.set_text(d.named("Persyaratan %d: kode" % i, "text", dlg), code)
            d.set_text(d.named("Persyaratan %d: teks" % i, "text", dlg), text)
            d.set_text(d.named("Persyaratan %d: syarat berlaku" % i, "text", dlg), when)
        d.activate(d.named("Hapus: Persyaratan 3", "push button", dlg))
        d.wait_gone(lambda n: n.name == "Persyaratan 3: kode", "the third requirement",
                    root=dlg)
        d.activate(d.named("Naikkan: Persyaratan 2", "push button", dlg))
        d.find(lambda n: n.name == "Persyaratan 1: kode" and n.text == "alat",
               "alat moved first", root=dlg)
        # Enter in a field saves (the default button).
        name = d.named("Nama layanan", "text", dlg)
        d.set_text(name, "Rekomendasi Uji Kesenian")
        d.press_enter(name)
        dialog_gone(d, "Layanan baru")
        row = service_row(d, lst, "uji-kesenian")
        d.named("Versi 1", "label", row)
        d.named("Rekomendasi Uji Kesenian", "label", row)
        s = [s for s in self.c.rpc("ListServices").services if s.code == "uji-kesenian"][0]
        self.assertEqual([(r.code, r.text, r.when) for r in s.requirements],
                         [("alat", "Daftar alat musik", "jenis_kesenian=MUSIK"),
                          ("ktp", "Fotokopi KTP", "")])
        self.assertEqual([(f.name, f.label, f.type, list(f.choices)) for f in s.fields],
                         [("jenis_kesenian", "Jenis kesenian", 3, ["TARI", "MUSIK"])])
        self.assertEqual((s.kind, s.survey, s.fee, s.deadline_working_days, s.legal_basis,
                          s.active), (2, 3, 1, 2, "Perbup uji", True))

    def test_a_version_saved_elsewhere_appears_by_itself(self):
        d = self.start_desk()
        d.login(ADMIN)
        main, lst = open_services_page(d)
        oprit = self.catalog["oprit"]
        row = service_row(d, lst, "oprit")
        d.named("Versi %d" % oprit.version, "label", row)
        d.named("Aktif", "label", row)
        s = self.c.rpc("GetService", service_id=oprit.id).service
        s.deadline_working_days = 4
        s.active = False
        self.c.rpc("SaveService", idempotency_key=key(), service=s)
        d.named("Versi %d" % (oprit.version + 1), "label", row)
        d.named("4 hari kerja", "label", row)
        d.named("Tidak aktif", "label", row)

    def test_invalid_criteria_is_refused_in_place(self):
        d = self.start_desk()
        d.login(ADMIN)
        main, lst = open_services_page(d)
        imb = self.catalog["imb"]
        self.assertTrue(imb.criteria)
        dlg = open_editor(d, main, service_row(d, lst, "imb"), "imb")
        rule = d.named("Kriteria 1: aturan", "text", dlg)
        bad = '{"field": "luas_bangunan"'
        d.set_text(rule, bad)
        d.activate(d.named("Simpan", "push button", dlg))
        # The server's own message, under the criteria (between the last criterion and the
        # button that adds one).
        s = self.c.rpc("GetService", service_id=imb.id).service
        del s.criteria[:]
        s.criteria.add(rule_json=bad, reason=imb.criteria[0].reason)
        e = self.c.rpc_error("SaveService", idempotency_key=key(), service=s)
        self.assertEqual((e.code, e.err.field), ("INVALID_ARGUMENT", "service.criteria"))
        # The message says why, not only that it is invalid.
        self.assertEqual(e.err.message, "Isian layanan tidak valid: " + e.err.detail)
        err = d.find(lambda n: n.roleName == "label" and n.name == e.err.message and n.showing,
                     "the server's criteria error", root=dlg)
        # (The reason now says why, so the label may push the button out of the scrolled view:
        # its place in the form, not its position on screen, shows it comes before the button.)
        reason = d.named("Kriteria %d: alasan" % len(imb.criteria), "text", dlg)
        d.find(lambda n: n == err and n.position[1] > reason.position[1],
               "the error under the last criterion", root=err.parent, recursive=False)
        add = d.named("Tambah kriteria", "push button", dlg)
        self.assertEqual(add.parent, err.parent)
        self.assertLess(err.indexInParent, add.indexInParent)
        # Nothing saved; the dialog stays open with the text as typed.
        self.assertEqual(self.c.rpc("GetService", service_id=imb.id).service.version,
                         imb.version)
        self.assertEqual(rule.text, bad)
        # Escape cancels the dialog.
        rule.grabFocus()
        d.find(lambda n: n == rule and n.focused, "focus on the rule", root=rule.parent)
        dt.rawinput.pressKey("Escape")
        dialog_gone(d)
        d.named("Versi %d" % imb.version, "label", service_row(d, lst, "imb"))

    def test_a_stale_version_is_a_conflict_and_reload_is_offered(self):
        d = self.start_desk()
        d.login(ADMIN)
        main, lst = open_services_page(d)
        ho = self.catalog["ho"]
        dlg = open_editor(d, main, service_row(d, lst, "ho"), "ho")
        # Meanwhile another ADMIN desk saves a new version.
        s = self.c.rpc("GetService", service_id=ho.id).service
        s.name = "Izin Gangguan (HO) baru"
        self.c.rpc("SaveService", idempotency_key=key(), service=s)
        d.set_text(d.named("Batas waktu (hari kerja)", "spin button", dlg), "9")
        d.activate(d.named("Simpan", "push button", dlg))
        d.label_with("Muat ulang versi terkini", root=dlg)
        self.assertEqual(self.c.rpc("GetService", service_id=ho.id).service.version,
                         ho.version + 1)
        d.activate(d.named("Muat ulang", "push button", dlg))
        d.find(lambda n: n.roleName == "text" and n.name == "Nama layanan"
               and n.text == "Izin Gangguan (HO) baru", "the reloaded name", root=dlg)
        d.label_with("menjadi versi %d" % (ho.version + 2), root=dlg)
        d.set_text(d.named("Batas waktu (hari kerja)", "spin button", dlg), "9")
        d.activate(d.named("Simpan", "push button", dlg))
        dialog_gone(d)
        d.named("Versi %d" % (ho.version + 2), "label", service_row(d, lst, "ho"))
        got = self.c.rpc("GetService", service_id=ho.id).service
        self.assertEqual((got.version, got.name, got.deadline_working_days),
                         (ho.version + 2, "Izin Gangguan (HO) baru", 9))

    def test_screenshot(self):
        d = self.start_desk()
        d.login(ADMIN)
        main, lst = open_services_page(d)
        for code in TEMANGGUNG:
            service_row(d, lst, code)
        d.named("Terhubung", "label", d.named("Status koneksi", root=main))
        folder = os.environ.get("PATEN_SCREENSHOT_DIR") or os.environ["PATEN_BUILD_SCREENSHOTS"]
        os.makedirs(folder, exist_ok=True)
        path = os.path.join(folder, "layanan.png")
        dt.screenshot(main, path)
        with open(path, "rb") as f:
            self.assertEqual(f.read(8), b"\x89PNG\r\n\x1a\n")
        self.assertGreater(os.path.getsize(path), 20000)


if __name__ == "__main__":
    dt.main()
