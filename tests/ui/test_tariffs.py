"""paten-desk: the ADMIN's Tarif workspace: the region's tariffs and interest regime listed (and
every version with "Riwayat"), the IMB tariff's unit price edited into a new version from a new
date (the old version unchanged), decimals and index tables refused on the desk before anything is
sent, a stale version refused as a conflict with a reload offered, the interest regime's due days
edited into a new version; every interactive widget of the page and both dialogs has an accessible
name; and the screenshot tarif.png."""

import os
import uuid

import desk_test as dt
from test_account import unnamed_interactive

ADMIN = "admin@pemda-temanggung"
ADMIN_NAME = "Admin Pemerintah Kabupaten Temanggung"
# The demo tariffs of Kabupaten Temanggung (server/demo/0004_tariffs.sql).
TEMANGGUNG = {"imb": "Retribusi IMB", "ho": "Retribusi Izin Gangguan",
              "pemakaman": "Retribusi Izin Pemakaman", "reklame": "Pajak Reklame"}


def key():
    return str(uuid.uuid4())


def tariff_row(d, lst, code, version):
    name = "%s versi %d" % (code, version)
    return d.find(lambda n: n.roleName == "list item" and n.name == name, "row of " + name,
                  root=lst, recursive=False)


def regime_row(d, lst, version):
    name = "Ketentuan bunga versi %d" % version
    return d.find(lambda n: n.roleName == "list item" and n.name == name, "row of " + name,
                  root=lst, recursive=False)


def open_tariffs_page(d):
    main = d.workspace(d.main_window(ADMIN_NAME), "Tarif")
    lst = d.named("Daftar tarif", root=main)
    tariff_row(d, lst, "imb", 1)  # loaded
    return main, lst


def open_editor(d, row, code):
    d.activate(d.named("Ubah " + code, "push button", row))
    dlg = d.find(lambda n: n.roleName == "dialog" and n.name.startswith("Ubah tarif"),
                 "the tariff editor")
    d.find(lambda n: n.roleName == "text" and n.name == "Kode tarif" and n.text == code,
           "the code field holding %s" % code, root=dlg)
    return dlg


def dialog_gone(d, prefix):
    d.wait_gone(lambda n: n.roleName == "dialog" and n.name.startswith(prefix),
                "the dialog " + prefix, recursive=False)


class TariffsTest(dt.DeskTestCase):

    def setUp(self):
        super().setUp()
        self.c = self.client()
        self.c.login(ADMIN)
        self.tariffs = {t.code: t for t in self.c.rpc("ListTariffs").tariffs}
        self.regimes = list(self.c.rpc("ListInterestRegimes").regimes)

    def history(self, code):
        return [t for t in self.c.rpc("ListTariffs", include_history=True).tariffs
                if t.code == code]

    def test_edit_the_imb_unit_price_into_a_new_version(self):
        d = self.start_desk()
        d.login(ADMIN)
        main, lst = open_tariffs_page(d)
        for code, name in TEMANGGUNG.items():
            row = tariff_row(d, lst, code, 1)
            d.named(name, "label", row)
        # Only the region's own: Pemalang's tariffs (the same codes) are not listed twice.
        self.assertEqual(len(lst.children), len(TEMANGGUNG))
        row = tariff_row(d, lst, "imb", 1)
        d.named("Berlaku 1 Januari 2026", "label", row)
        d.label_with("Izin Mendirikan Bangunan (IMB)", root=row)

        dlg = open_editor(d, row, "imb")
        d.label_with("ditambahkan versi 2", root=dlg)
        d.label_with("luas × indeks terintegrasi", root=dlg)
        # The inputs as the server has them, written the Indonesian way.
        self.assertEqual(d.named("Masukan 1: isian formulir", "text", dlg).text, "luas_bangunan")
        table = d.named("Masukan 2: tabel indeks", "text", dlg)
        self.assertIn("SEMI_PERMANEN = 0,75", table.text)
        price = d.named("Masukan 4: nilai", "text", dlg)
        self.assertEqual(price.text, "12.500")
        d.set_text(price, "15000")
        d.set_text(d.named("Berlaku mulai", "text", dlg), "01-12-2026")
        d.activate(d.named("Simpan", "push button", dlg))
        dialog_gone(d, "Ubah tarif")
        # The list is reloaded: version 2 is the one offered for editing.
        row = tariff_row(d, lst, "imb", 2)
        d.named("Berlaku 1 Desember 2026", "label", row)
        d.named("Ubah imb", "push button", row)

        # Over the protocol: version 2 with the new price and date; version 1 as it was.
        before = self.tariffs["imb"]
        versions = self.history("imb")
        self.assertEqual([t.version for t in versions], [1, 2])
        v1, v2 = versions
        self.assertEqual(v1, before)
        self.assertEqual(v2.inputs[3].value, "15000")
        self.assertEqual(v2.effective_from, "2026-12-01")
        # Everything else went through unchanged (the index tables exactly, as text).
        self.assertEqual(list(v2.inputs[:3]), list(v1.inputs[:3]))
        self.assertEqual((v2.inputs[3].label, v2.inputs[3].source),
                         (v1.inputs[3].label, v1.inputs[3].source))
        self.assertEqual((v2.service_code, v2.name, v2.formula, v2.legal_basis, v2.rounding_mode,
                          v2.rounding_unit),
                         (v1.service_code, v1.name, v1.formula, v1.legal_basis, v1.rounding_mode,
                          v1.rounding_unit))

        # "Riwayat" shows version 1 too, without an edit button.
        d.activate(d.named("Riwayat", "toggle button", main))
        old = tariff_row(d, lst, "imb", 1)
        d.named("Berlaku 1 Januari 2026", "label", old)
        self.assertFalse([n for n in old.findChildren(
            dt.Where(lambda n: n.roleName == "push button", "a button"))])
        tariff_row(d, lst, "imb", 2)

    def test_decimals_and_tables_are_checked_before_sending(self):
        d = self.start_desk()
        d.login(ADMIN)
        main, lst = open_tariffs_page(d)
        dlg = open_editor(d, tariff_row(d, lst, "imb", 1), "imb")
        price = d.named("Masukan 4: nilai", "text", dlg)
        d.set_text(price, "12,5,0")
        d.activate(d.named("Simpan", "push button", dlg))
        d.label_with("Masukan 4: nilai “12,5,0” bukan bilangan", root=dlg)
        d.set_text(price, "-5")
        d.activate(d.named("Simpan", "push button", dlg))
        d.label_with("Masukan 4: nilai “-5” bernilai negatif", root=dlg)
        d.set_text(price, "15000")
        d.set_text(d.named("Masukan 2: tabel indeks", "text", dlg),
                   "PERMANEN = 1\nSEMI_PERMANEN 0,75")
        d.activate(d.named("Simpan", "push button", dlg))
        d.label_with("Masukan 2, baris 2: tulis pilihan", root=dlg)
        d.set_text(d.named("Masukan 2: tabel indeks", "text", dlg),
                   "PERMANEN = 1\nPERMANEN = 0,5")
        d.activate(d.named("Simpan", "push button", dlg))
        d.label_with("“PERMANEN” tercantum dua kali", root=dlg)
        d.set_text(d.named("Berlaku mulai", "text", dlg), "31-02-2026")
        d.set_text(d.named("Masukan 2: tabel indeks", "text", dlg),
                   "PERMANEN = 1\n* = 0,5")
        d.activate(d.named("Simpan", "push button", dlg))
        d.label_with("Tulis tanggal sebagai hh-bb-tttt", root=dlg)
        # Nothing was sent.
        self.assertEqual([t.version for t in self.history("imb")], [1])
        d.set_text(d.named("Berlaku mulai", "text", dlg), "2026-12-01")
        d.activate(d.named("Simpan", "push button", dlg))
        dialog_gone(d, "Ubah tarif")
        tariff_row(d, lst, "imb", 2)
        v2 = self.history("imb")[1]
        self.assertEqual({e.key: e.value for e in v2.inputs[1].table},
                         {"PERMANEN": "1", "*": "0.5"})

    def test_a_stale_version_is_a_conflict_and_reload_is_offered(self):
        d = self.start_desk()
        d.login(ADMIN)
        main, lst = open_tariffs_page(d)
        dlg = open_editor(d, tariff_row(d, lst, "ho", 1), "ho")
        # Meanwhile another ADMIN desk saves version 2.
        t = self.tariffs["ho"]
        t.name = "Retribusi Izin Gangguan (baru)"
        self.assertEqual(self.c.rpc("SaveTariff", idempotency_key=key(), tariff=t).tariff.version,
                         2)
        d.set_text(d.named("Masukan 4: nilai", "text", dlg), "150")
        d.activate(d.named("Simpan", "push button", dlg))
        d.label_with("Muat ulang versi terkini", root=dlg)
        self.assertEqual([x.version for x in self.history("ho")], [1, 2])
        d.activate(d.named("Muat ulang", "push button", dlg))
        d.find(lambda n: n.roleName == "text" and n.name == "Nama tarif"
               and n.text == "Retribusi Izin Gangguan (baru)", "the reloaded name", root=dlg)
        d.label_with("ditambahkan versi 3", root=dlg)
        d.set_text(d.named("Masukan 4: nilai", "text", dlg), "150")
        d.activate(d.named("Simpan", "push button", dlg))
        dialog_gone(d, "Ubah tarif")
        tariff_row(d, lst, "ho", 3)
        v3 = self.history("ho")[2]
        self.assertEqual((v3.name, v3.inputs[3].value), ("Retribusi Izin Gangguan (baru)", "150"))

    def test_a_new_tariff(self):
        d = self.start_desk()
        d.login(ADMIN)
        main, lst = open_tariffs_page(d)
        d.activate(d.named("Tambah tarif", "push button", main))
        dlg = d.find(lambda n: n.roleName == "dialog" and n.name == "Tarif baru",
                     "the new tariff dialog")
        d.set_text(d.named("Kode tarif", "text", dlg), "reklame-pajak")
        dt.choose(d.named("Layanan tarif", "combo box", dlg), "Izin Pemasangan Reklame (reklame)")
        d.set_text(d.named("Nama tarif", "text", dlg), "Pajak Reklame (NSR)")
        dt.choose(d.named("Rumus", "combo box", dlg), "Pajak reklame atas nilai sewa (NSR)")
        d.set_text(d.named("Dasar hukum", "text", dlg), "Perda uji")
        d.set_text(d.named("Berlaku mulai", "text", dlg), "01-01-2027")
        inputs = [("Lebar (m)", "Isian formulir", "lebar", ""),
                  ("Tinggi (m)", "Isian formulir", "tinggi", ""),
                  ("Jumlah muka", "Isian formulir", "jumlah_muka", "1"),
                  ("Jumlah buah", "Isian formulir", "jumlah_buah", "1"),
                  ("NSR (Rp per m2 per bulan)", "Nilai tetap", "", "10.125"),
                  ("Lama (bulan)", "Nilai tetap", "", "12"),
                  ("Tarif pajak", "Nilai tetap", "", "0,25")]
        for i, (label, source, field, value) in enumerate(inputs, 1):
            d.set_text(d.named("Masukan %d: label" % i, "text", dlg), label)
            dt.choose(d.named("Masukan %d: sumber" % i, "combo box", dlg), source)
            if field:
                d.set_text(d.named("Masukan %d: isian formulir" % i, "text", dlg), field)
            if value:
                d.set_text(d.named("Masukan %d: nilai" % i, "text", dlg), value)
        d.activate(d.named("Simpan", "push button", dlg))
        dialog_gone(d, "Tarif baru")
        tariff_row(d, lst, "reklame-pajak", 1)
        t = self.history("reklame-pajak")[0]
        self.assertEqual((t.service_code, t.name, t.formula, t.effective_from, t.legal_basis),
                         ("reklame", "Pajak Reklame (NSR)", 5, "2027-01-01", "Perda uji"))
        self.assertEqual([(x.label, x.source, x.field, x.value) for x in t.inputs],
                         [("Lebar (m)", 2, "lebar", ""), ("Tinggi (m)", 2, "tinggi", ""),
                          ("Jumlah muka", 2, "jumlah_muka", "1"),
                          ("Jumlah buah", 2, "jumlah_buah", "1"),
                          ("NSR (Rp per m2 per bulan)", 1, "", "10125"),
                          ("Lama (bulan)", 1, "", "12"), ("Tarif pajak", 1, "", "0.25")])

    def test_edit_the_interest_regime_due_days(self):
        d = self.start_desk()
        d.login(ADMIN)
        main, lst = open_tariffs_page(d)
        regimes = d.named("Daftar ketentuan bunga", root=main)
        row = regime_row(d, regimes, 1)
        d.named("Bunga 2% sebulan, paling lama 6 bulan", "label", row)
        d.label_with("2% per bulan · paling lama 6 bulan", root=row)
        d.label_with("jatuh tempo 30 hari", root=row)
        d.activate(d.named("Ubah ketentuan bunga", "push button", main))
        dlg = d.find(lambda n: n.roleName == "dialog" and n.name == "Ketentuan bunga",
                     "the interest regime dialog")
        d.label_with("ditambahkan versi 2", root=dlg)
        self.assertEqual(d.named("Bunga per bulan (%)", "text", dlg).text, "2")
        self.assertEqual(d.named("Berlaku mulai", "text", dlg).text, "01-01-2026")
        # A rate that is no whole number of basis points is refused here.
        d.set_text(d.named("Bunga per bulan (%)", "text", dlg), "1,555")
        d.activate(d.named("Simpan", "push button", dlg))
        d.label_with("paling banyak dua angka desimal", root=dlg)
        d.set_text(d.named("Bunga per bulan (%)", "text", dlg), "2")
        d.set_text(d.named("Jatuh tempo (hari)", "spin button", dlg), "15")
        d.set_text(d.named("Berlaku mulai", "text", dlg), "01-12-2026")
        d.activate(d.named("Simpan", "push button", dlg))
        dialog_gone(d, "Ketentuan bunga")
        row = regime_row(d, regimes, 2)
        d.label_with("jatuh tempo 15 hari", root=row)
        got = list(self.c.rpc("ListInterestRegimes").regimes)
        self.assertEqual([g.version for g in got], [1, 2])
        self.assertEqual(got[0], self.regimes[0])
        v1, v2 = got
        self.assertEqual((v2.due_days, v2.effective_from), (15, "2026-12-01"))
        self.assertEqual((v2.name, v2.legal_basis, v2.monthly_bp, v2.max_months,
                          v2.started_month_counts, v2.rounding_mode, v2.rounding_unit),
                         (v1.name, v1.legal_basis, v1.monthly_bp, v1.max_months,
                          v1.started_month_counts, v1.rounding_mode, v1.rounding_unit))
        # "Riwayat" shows the first version again.
        d.activate(d.named("Riwayat", "toggle button", main))
        d.label_with("jatuh tempo 30 hari", root=regime_row(d, regimes, 1))

    def test_every_interactive_widget_has_an_accessible_name(self):
        d = self.start_desk()
        d.login(ADMIN)
        main, lst = open_tariffs_page(d)
        regime_row(d, d.named("Daftar ketentuan bunga", root=main), 1)
        seen = []
        self.assertEqual(unnamed_interactive(main, seen), [])
        self.assertGreaterEqual(seen.count("list item"), 5)  # four tariffs and the regime
        dlg = open_editor(d, tariff_row(d, lst, "imb", 1), "imb")
        seen = []
        self.assertEqual(unnamed_interactive(dlg, seen), [])
        self.assertGreaterEqual(seen.count("combo box"), 4)  # service, formula, rounding, source
        d.activate(d.named("Batal", "push button", dlg))
        dialog_gone(d, "Ubah tarif")
        d.activate(d.named("Ubah ketentuan bunga", "push button", main))
        dlg = d.find(lambda n: n.roleName == "dialog" and n.name == "Ketentuan bunga",
                     "the interest regime dialog")
        d.label_with("versi 2", root=dlg)
        seen = []
        self.assertEqual(unnamed_interactive(dlg, seen), [])
        self.assertGreaterEqual(len(seen), 8)
        d.activate(d.named("Batal", "push button", dlg))

    def test_screenshot(self):
        d = self.start_desk()
        d.login(ADMIN)
        main, lst = open_tariffs_page(d)
        for code in TEMANGGUNG:
            tariff_row(d, lst, code, 1)
        regime_row(d, d.named("Daftar ketentuan bunga", root=main), 1)
        d.named("Terhubung", "label", d.named("Status koneksi", root=main))
        folder = os.environ.get("PATEN_SCREENSHOT_DIR") or os.environ["PATEN_BUILD_SCREENSHOTS"]
        os.makedirs(folder, exist_ok=True)
        path = os.path.join(folder, "tarif.png")
        dt.screenshot(main, path)
        with open(path, "rb") as f:
            self.assertEqual(f.read(8), b"\x89PNG\r\n\x1a\n")
        self.assertGreater(os.path.getsize(path), 20000)


if __name__ == "__main__":
    dt.main()
