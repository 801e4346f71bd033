"""paten-desk: the account sheet printed through GtkPrintOperation to a PDF, and the screenshot
of the main window (docs/screenshots/ keeps one; see test_screenshot_of_the_main_window)."""

import os
import shutil
import subprocess
import tempfile

import desk_test as dt


class DocumentsTest(dt.DeskTestCase):

    def setUp(self):
        super().setUp()
        self.tmp = tempfile.mkdtemp(prefix="paten-desk-print-")
        self.pdf = os.path.join(self.tmp, "lembar-akun.pdf")
        # The desk's print mode: "Cetak lembar akun" exports the print operation's pages to
        # this file instead of opening the print dialog.
        self.desk_env = {"PATEN_DESK_PRINT_TO": self.pdf}

    def tearDown(self):
        super().tearDown()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def test_account_sheet_prints_to_pdf(self):
        d = self.start_desk()
        d.login("loket@kaloran")
        main = d.workspace(d.main_window("Loket Kecamatan Kaloran"), "Akun")
        self.assertFalse(os.path.exists(self.pdf))
        d.activate(d.named("Cetak lembar akun", "push button", main))
        d.label_with("Lembar akun disimpan ke " + self.pdf, root=main)
        text = subprocess.run(["pdftotext", "-layout", self.pdf, "-"], check=True,
                              capture_output=True, text=True).stdout
        for expected in ["LEMBAR AKUN PENGGUNA", "PEMERINTAH KABUPATEN TEMANGGUNG",
                         "KECAMATAN KALORAN", "Loket Kecamatan Kaloran", "loket@kaloran",
                         "198001012005011019", "Petugas Loket", "Kode verifikasi"]:
            self.assertIn(expected, text)
        info = subprocess.run(["pdfinfo", self.pdf], check=True, capture_output=True,
                              text=True).stdout
        self.assertRegex(info, r"Pages:\s+1\n")
        self.assertRegex(info, r"Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)")

    def test_screenshot_of_the_main_window(self):
        d = self.start_desk()
        d.login("admin@pemda-temanggung")
        main = d.main_window("Admin Pemerintah Kabupaten Temanggung")
        d.activate(d.named("Pengguna", "radio button", d.named("Ruang kerja", root=main)))
        lst = d.named("Daftar pengguna", root=main)
        d.find(lambda n: n.roleName == "list item" and n.name == "admin@pemda-temanggung"
               and n.showing, "the list loaded", root=lst, recursive=False)
        d.named("Terhubung", "label", d.named("Status koneksi", root=main))
        # Into the build tree, so a test run never changes the checkout; to refresh the picture
        # the docs show: PATEN_SCREENSHOT_DIR=$PWD/docs/screenshots meson test ui-documents
        folder = os.environ.get("PATEN_SCREENSHOT_DIR") or os.environ["PATEN_BUILD_SCREENSHOTS"]
        os.makedirs(folder, exist_ok=True)
        path = os.path.join(folder, "main-window.png")
        dt.screenshot(main, path)
        with open(path, "rb") as f:
            self.assertEqual(f.read(8), b"\x89PNG\r\n\x1a\n")
        self.assertGreater(os.path.getsize(path), 20000)  # a real picture, not a blank


if __name__ == "__main__":
    dt.main()
