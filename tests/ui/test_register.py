"""paten-desk: the register books (Buku register in the header bar): the numbers of the receipt
register and of a service's SK register shown, and the book printed to PDF."""

import os
import shutil
import subprocess
import tempfile
import uuid

import desk_test as dt
from paten_test import pb

DISPENSASI = dict(nama_calon_suami="Budi", nama_calon_istri="Ani", tanggal_nikah="2026-12-01",
                  tempat_nikah="KUA Taman", kurang_dari_10_hari="true",
                  duda_janda_tercatat_kawin="false")
DISPENSASI_REQS = ["surat-permohonan-desa", "ktp", "kk"]


def key():
    return str(uuid.uuid4())


class RegisterTest(dt.DeskTestCase):

    def setUp(self):
        super().setUp()
        self.tmp = tempfile.mkdtemp(prefix="paten-desk-register-")
        self.desk_env = {"PATEN_DESK_PRINT_TO": self.tmp + "/"}

    def tearDown(self):
        super().tearDown()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def take_in(self, loket, nik, name):
        svc = [s for s in loket.rpc("ListServices").services if s.code == "dispensasi-nikah"][0]
        return loket.rpc("TakeIn", idempotency_key=key(), service_id=svc.id,
                         applicant=pb.Applicant(kind=pb.APPLICANT_KIND_PERSON, nik=nik,
                                                name=name, address="Desa Taman"),
                         fields=[pb.FieldValue(name=k, value=v) for k, v in DISPENSASI.items()],
                         requirements=DISPENSASI_REQS).file

    def test_receipts_shown_and_printed(self):
        loket = self.client()
        loket.login("loket@taman")
        a = self.take_in(loket, "3327014101900001", "Siti Aminah")
        b = self.take_in(loket, "3327015202950002", "Dewi Sartika")
        d = self.start_desk()
        d.login("loket@taman")
        main = d.main_window("Loket Kecamatan Taman")
        d.activate(d.named("Buku register", "push button", main))
        dlg = d.find(lambda n: n.roleName == "dialog" and n.name == "Buku register",
                     "the register dialog")
        # The receipts are the first register; Enter shows it (Tampilkan is the default). The
        # year is the numbers' (the server's clock, whatever this machine's says).
        year = a.register_number[-4:]
        spin = d.named("Tahun", "spin button", dlg)
        d.set_text(spin, year)
        d.press_enter(spin)
        d.label_with("Buku Register Tanda Terima Berkas", root=dlg)
        d.label_with(": 2 nomor.", root=dlg)
        table = d.named("Nomor-nomor register", root=dlg)
        for f in (a, b):
            d.find(lambda n, f=f: n.name == f.register_number, f.register_number, root=table)
        d.find(lambda n: n.name == "Dewi Sartika", "the applicant's cell", root=table)
        folder = os.environ.get("PATEN_SCREENSHOT_DIR") or os.environ["PATEN_BUILD_SCREENSHOTS"]
        dt.screenshot(dlg, os.path.join(folder, "buku-register.png"))

        d.activate(d.named("Cetak", "push button", dlg))
        said = d.label_with("Buku register disimpan ke ", root=dlg)
        path = said.name.split(" disimpan ke ", 1)[1].rstrip(".")
        self.assertTrue(path.startswith(self.tmp), path)
        text = subprocess.run(["pdftotext", "-layout", path, "-"], check=True,
                              capture_output=True, text=True).stdout
        for expected in ["KABUPATEN PEMALANG", "KECAMATAN TAMAN", "Tahun " + year,
                         a.register_number, b.register_number, "Siti Aminah", "Dewi Sartika",
                         "Halaman 1 dari 1"]:
            self.assertIn(expected, text)

        # The SK register is per service: nothing signed yet.
        dt.choose(d.named("Register", "combo box", dlg), "Surat Keputusan (SK)")
        self.assertTrue(d.named("Layanan register", "combo box", dlg).sensitive)
        # What is shown no longer matches the choices: printing waits for Tampilkan.
        self.assertFalse(d.named("Cetak", "push button", dlg).sensitive)
        d.activate(d.named("Tampilkan", "push button", dlg))
        d.label_with(": 0 nomor.", root=dlg)

        # A date that is not one is named, and nothing is asked of the server.
        d.set_text(d.named("Dari tanggal", "text", dlg), "31-02-2026")
        d.activate(d.named("Tampilkan", "push button", dlg))
        d.label_with("Tanggal awal bukan tanggal", root=dlg)


if __name__ == "__main__":
    dt.main()
