"""The demo catalog (server/demo/0003_catalog.sql) checked against the seeds it was entered from:
seed 001 (Kecamatan Kaloran, Kabupaten Temanggung) and seed 004 (Kabupaten Pemalang), as
../shared/domain.md's table and "Demo data" assign them to the two demo regions.

Every service of the table exists in the right region with its kind, survey policy, issuing
authority, fee with its assessing and receiving office, deadline, validity, legal basis,
requirement list (count, exact texts, the cases a requirement is conditional on), the form fields
its fee formula and criteria need, and criteria that encode the seeds' limits; the criteria are
evaluated on accepted and refused example files with the semantics of server/pd_criteria.h. When
patend has the catalog's protocol (ListServices, SaveService), the demo services are also read
back through it and re-saved unchanged by the region's ADMIN, so that the server's own validation
accepts every one of them."""

import contextlib
import json
import os
import re
import sys
import unittest
import uuid
from decimal import Decimal, InvalidOperation

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))

from paten_test import DEMO_PASSWORD, TYPE, Database, Patend, main, pb  # noqa: E402

# ---------------------------------------------------------------------------------------------
# What the seeds say. Per (region, code): the service's settings, key words of its legal basis,
# its requirements (count and some exact texts with their condition), fields and criteria cases.

T, P = "temanggung", "pemalang"
FIELD_TYPES = {"NUMBER", "TEXT", "CHOICE", "DATE", "YES_NO"}
FIELD_KEYS = {"name", "label", "type", "unit", "required", "choices", "min", "max"}

EXPECTED = {
    # ---- seed 001, Kecamatan Kaloran --------------------------------------------------------
    (T, "imb"): dict(
        name="Izin Mendirikan Bangunan (IMB) Rumah Tinggal", kind="STRUCTURED",
        survey="REQUIRED", authority="CAMAT", fee="RETRIBUSI", office="dpmptsp-temanggung",
        deadline=1, validity=("NONE", 0),
        legal=["Undang-Undang Nomor 28 Tahun 2002 tentang Bangunan Gedung",
               "Peraturan Daerah Kabupaten Temanggung No. 15 Tahun 2011 tentang Bangunan Gedung",
               "No. 10 Tahun 2012 tentang Retribusi Izin Mendirikan Bangunan"],
        n_req=10,
        req={"formulir": ("Isian formulir permohonan", ""),
             "surat-tanah": ("Copy surat tanah (SKKT/segel/sertifikat tanah kering)", ""),
             "detail-pondasi": ("Gambar rencana bangunan: detail pondasi dan pembesian (untuk "
                                "konstruksi permanen)", "kelas_bangunan=PERMANEN"),
             "surat-kuasa": ("Surat kuasa bermaterai Rp 6.000 dan copy KTP penerima kuasa (untuk "
                             "yang pengurusan dikuasakan)", "represented"),
             "kuasa-pemilik-tanah": ("Surat kuasa apabila nama pemohon tidak sama dengan nama di "
                                     "surat tanah", "nama_sesuai_surat_tanah=false"),
             "pbb": ("Lunas PBB tahun terakhir", "")},
        fields={"luas_bangunan": ("NUMBER", "m2"), "jumlah_lantai": ("NUMBER", "lantai"),
                "fungsi_bangunan": ("CHOICE", ["HUNIAN", "USAHA", "SOSIAL_BUDAYA"]),
                "kelas_bangunan": ("CHOICE", ["PERMANEN"]), "lokasi": ("TEXT", "")}),
    (T, "ho"): dict(
        name="Izin Gangguan (HO)", kind="STRUCTURED", survey="CAMAT_CHOICE", authority="CAMAT",
        fee="RETRIBUSI", office="dpmptsp-temanggung", deadline=1, validity=("NONE", 0),
        legal=["Peraturan Daerah Kabupaten Temanggung Nomor 12 Tahun 2012 tentang Retribusi Izin "
               "Gangguan"],
        n_req=11,
        req={"persetujuan-tetangga": ("Persetujuan tetangga/masyarakat yang terdekat dengan "
                                      "perusahaan", ""),
             "akta-pendirian": ("Copy Akta Pendirian bagi perusahaan yang berstatus Badan Hukum",
                                "bentuk_usaha=BADAN_HUKUM"),
             "sppl": ("Surat Pernyataan Pengelolaan Lingkungan (SPPL)", "")},
        fields={"luas": ("NUMBER", "m2"), "jumlah_tenaga_kerja": ("NUMBER", "orang"),
                "bentuk_usaha": ("CHOICE", ["PERORANGAN", "BADAN_HUKUM"]),
                "indeks_gangguan": ("CHOICE", ["KECIL"]), "indeks_lokasi": ("CHOICE", []),
                "lokasi": ("TEXT", "")}),
    (T, "siup"): dict(
        name="Surat Izin Usaha Perdagangan (SIUP)", kind="STRUCTURED", survey="CAMAT_CHOICE",
        authority="FORWARDED", agency="DPMPTSP Kabupaten Temanggung", fee="NONE", deadline=1,
        validity=("NONE", 0),
        legal=["SK Bupati Nomor 510/72 Tahun 2003 tentang Ketentuan Penerbitan Surat Izin Usaha "
               "Perdagangan (SIUP)"],
        n_req=17,
        req={"bh-sk-desa": ("Surat Keterangan dari Kepala Desa yang diketahui oleh Camat",
                            "bentuk_usaha=BADAN_HUKUM"),
             "bh-neraca": ("Neraca perusahaan terakhir", "bentuk_usaha=BADAN_HUKUM"),
             "penunjukan-cabang": ("Surat penunjukan dari Kantor Pusat untuk Kantor Cabang yang "
                                   "disahkan oleh Notaris", "kantor_cabang=true"),
             "po-ktp": ("Copy KTP pemohon yang masih berlaku 1 lembar", "bentuk_usaha=PERORANGAN"),
             "po-sk-desa": ("Surat Keterangan dari Kepala Desa", "bentuk_usaha=PERORANGAN")},
        fields={"bentuk_usaha": ("CHOICE", ["PERORANGAN", "BADAN_HUKUM"]),
                "kantor_cabang": ("YES_NO", "")}),
    (T, "pemakaman"): dict(
        name="Izin Pemakaman (bagi yang menggunakan tanah Pemerintah Daerah)",
        kind="STRUCTURED", survey="REQUIRED", authority="CAMAT", fee="RETRIBUSI",
        office="dpmptsp-temanggung", deadline=1, validity=("NONE", 0),
        legal=["Peraturan Daerah Kabupaten Temanggung Nomor 13 Tahun 1994 tentang Tempat "
               "Pemakaman"],
        n_req=4,
        req={"identitas-jenazah": ("Foto copy identitas jenazah dan Surat Kematian dari dokter "
                                   "atau Kades/Kaur", ""),
             "pernyataan": ("Surat pernyataan sanggup mentaati peraturan yang berlaku dan "
                            "bermaterai Rp 6.000 (rangkap 3)", "")},
        fields={"luas_makam": ("NUMBER", "m2"), "luas_bangunan_makam": ("NUMBER", "m2"),
                "nama_jenazah": ("TEXT", ""), "tanggal_meninggal": ("DATE", "")}),
    (T, "oprit"): dict(
        name="Izin Oprit (Pembuatan Jalan Masuk)", kind="STRUCTURED", survey="CAMAT_CHOICE",
        authority="CAMAT", fee="NONE", deadline=1, validity=("NONE", 0),
        legal=["Peraturan Daerah Kabupaten Temanggung Nomor 1 Tahun 1995 tentang Perizinan "
               "Pembuatan Jalan Masuk"],
        n_req=8,
        req={"pengantar-desa": ("Surat pengantar dari Kades/Kalur", ""),
             "imb": ("Foto copy IMB (rangkap 3)", ""),
             "gambar-rencana": ("Gambar rencana pembuatan jalan masuk (rangkap 3)", ""),
             "izin-pemilik-tanah": ("Surat kuasa/surat izin dari pemilik tanah, apabila pemohon "
                                    "izin bukan pemilik tanah", "pemohon_pemilik_tanah=false")},
        fields={"pemohon_pemilik_tanah": ("YES_NO", ""), "lokasi": ("TEXT", "")}),
    (T, "tdp"): dict(
        name="Tanda Daftar Perusahaan (TDP)", kind="STRUCTURED", survey="CAMAT_CHOICE",
        authority="FORWARDED", agency="DPMPTSP Kabupaten Temanggung", fee="NONE", deadline=1,
        validity=("NONE", 0),
        legal=["SK Bupati Nomor 510/71 Tahun 2003 tentang Ketentuan Penerbitan Tanda Daftar "
               "Perusahaan (TDP)"],
        n_req=12,
        req={"ktp": ("Foto copy KTP pemohon yang masih berlaku", ""),
             "ho": ("Surat Keterangan Tempat Usaha (HO)", ""),
             "akta-pendirian": ("Akta pendirian perusahaan", "bentuk_usaha=BADAN_HUKUM"),
             "tdp-legalisir": ("TDP yang telah dilegalisir", "kantor_cabang=true")},
        fields={"modal_disetor": ("NUMBER", "Rp"), "kekayaan_bersih": ("NUMBER", "Rp"),
                "bentuk_usaha": ("CHOICE", ["PERORANGAN", "BADAN_HUKUM"])}),
    (T, "tdi"): dict(
        name="Tanda Daftar Industri (TDI)", kind="STRUCTURED", survey="CAMAT_CHOICE",
        authority="FORWARDED", agency="DPMPTSP Kabupaten Temanggung", fee="NONE", deadline=1,
        validity=("NONE", 0),
        legal=["SK Bupati Nomor 53/94 Tahun 2003 tentang Ketentuan Penerbitan Bidang Industri"],
        # Seed 001 leaves TDI's requirements empty: the entered list is marked as not the seed's.
        n_req=6,
        req={"ho": ("Surat Keterangan Tempat Usaha (HO)", ""),
             "akta-pendirian": ("Akta pendirian perusahaan", "bentuk_usaha=BADAN_HUKUM")},
        fields={"jenis_industri": ("TEXT", ""), "lokasi": ("TEXT", "")}),
    (T, "reklame"): dict(
        name="Izin Pemasangan Reklame", kind="STRUCTURED", survey="CAMAT_CHOICE",
        authority="CAMAT", fee="PAJAK", office="bapenda-temanggung", deadline=1,
        validity=("NONE", 0),
        legal=["Perda Kab. Temanggung No. 15 Tahun 2011 tentang Bangunan Gedung",
               "Perda Kab. Temanggung No. 33 Tahun 2011 tentang Penyelenggaraan Reklame"],
        n_req=8,
        req={"ktp": ("Fotocopy KTP dengan menunjukkan aslinya", ""),
             "npwp": ("Fotocopy NPWP dengan menunjukkan aslinya", ""),
             "surat-kuasa": ("Surat kuasa bermeterai dari pemohon bila pengajuan permohonan "
                             "dikuasakan pada orang lain", "represented"),
             "foto-lokasi": ("Foto terbaru rencana lokasi penempatan reklame berukuran 4R",
                             "jenis_reklame=PERMANEN"),
             "imb": ("Wajib melampirkan Izin Mendirikan Bangunan (IMB)", "jenis_reklame=PERMANEN")},
        fields={"jenis_reklame": ("CHOICE", ["PERMANEN", "NON_PERMANEN"]),
                "bentuk": ("CHOICE", ["PAPAN_BILLBOARD", "SPANDUK_LAYAR_UMBUL_UMBUL",
                                      "POSTER_STIKER_SELEBARAN"]),
                "lebar": ("NUMBER", "m"), "tinggi": ("NUMBER", "m"),
                "jumlah_muka": ("NUMBER", "muka"), "jumlah_buah": ("NUMBER", "buah"),
                "lokasi": ("TEXT", ""), "lama_pemasangan": ("NUMBER", "bulan"),
                "naskah": ("TEXT", ""), "dalam_satu_kecamatan": ("YES_NO", "")}),
    # ---- seed 004, Kabupaten Pemalang ---------------------------------------------------------
    (P, "imb"): dict(
        name="Izin Mendirikan Bangunan (IMB)", kind="STRUCTURED", survey="REQUIRED",
        authority="CAMAT", fee="RETRIBUSI", office="dpmptsp-pemalang", deadline=5,
        validity=("NONE", 0),
        legal=["Peraturan Daerah Kabupaten Pemalang Nomor 4 Tahun 2012 tentang Retribusi "
               "Perizinan Tertentu"],
        n_req=6,
        req={"ktp": ("Fotokopi KTP Pemilik Bangunan", ""),
             "persetujuan-tetangga": ("Surat Pernyataan Persetujuan Tetangga (bermaterai)", ""),
             "pbb": ("Fotokopi SPPT PBB tahun terakhir", ""),
             "pengantar-desa": ("Surat Pengantar IMB dari Desa/Kelurahan", "")},
        fields={"luas_bangunan": ("NUMBER", "m2"), "jumlah_lantai": ("NUMBER", "lantai"),
                "fungsi_bangunan": ("CHOICE", ["HUNIAN", "USAHA"]),
                "kelas_bangunan": ("CHOICE", []),
                "tipe_bangunan": ("CHOICE", ["TUNGGAL", "KOLEKTIF", "TOWER"]),
                "lokasi": ("TEXT", "")}),
    (P, "reklame"): dict(
        name="Izin Reklame dengan Kriteria Tertentu", kind="STRUCTURED", survey="REQUIRED",
        authority="CAMAT", fee="PAJAK", office="bapenda-pemalang", deadline=2,
        validity=("YEARS", 1),
        legal=["Peraturan Bupati Pemalang Nomor 90 Tahun 2017",
               "Peraturan Daerah Kabupaten Pemalang Nomor 12 Tahun 2013 tentang Penyelenggaraan "
               "Reklame"],
        n_req=8,
        req={"contoh-reklame": ("Contoh reklame/daftar naskah/selebaran reklame", ""),
             "surat-kuasa": ("Surat Kuasa bermeterai dari Pemohon bila dikuasakan kepada orang "
                             "lain", "represented"),
             "akta-pendirian": ("Fotokopi akte pendirian perusahaan bagi pemohon berbadan hukum",
                                "pemohon_badan_hukum=true"),
             "izin-sebelumnya": ("Fotokopi ijin reklame sebelumnya apabila perpanjangan",
                                 "perpanjangan=true"),
             "pengantar-desa": ("Surat Pengantar Izin Reklame dari Desa/Kelurahan", "")},
        fields={"bentuk": ("CHOICE", ["PAPAN", "SPANDUK_LAYAR_UMBUL_UMBUL",
                                      "POSTER_STIKER_SELEBARAN"]),
                "lebar": ("NUMBER", "m"), "tinggi": ("NUMBER", "m"),
                "jumlah_muka": ("NUMBER", "muka"), "jumlah_buah": ("NUMBER", "buah"),
                "lokasi": ("TEXT", ""), "lama_pemasangan": ("NUMBER", "bulan"),
                "naskah": ("TEXT", ""), "dalam_satu_kecamatan": ("YES_NO", ""),
                "di_tempat_usaha": ("YES_NO", "")}),
    (P, "iumk"): dict(
        name="Izin Usaha Mikro dan Kecil (IUMK)", kind="STRUCTURED", survey="REQUIRED",
        authority="CAMAT", fee="NONE", deadline=2, validity=("NONE", 0),
        legal=["Peraturan Menteri Dalam Negeri RI Nomor 83 Tahun 2014"],
        n_req=4,
        req={"pengantar-rt-rw": ("Surat Pengantar RT/RW terkait lokasi usaha", ""),
             "kk": ("Fotokopi Kartu Keluarga", ""),
             "pas-foto": ("Pas Foto terbaru ukuran 4 x 6 sebanyak 2 (dua) lembar", "")},
        fields={"kekayaan_bersih": ("NUMBER", "Rp"), "penjualan_tahunan": ("NUMBER", "Rp"),
                "jenis_usaha": ("TEXT", ""), "lokasi": ("TEXT", "")}),
    (P, "pariwisata-salon"): dict(
        name="Izin Usaha Pariwisata: Salon Kecantikan", kind="STRUCTURED", survey="REQUIRED",
        authority="CAMAT", fee="NONE", deadline=2, validity=("NONE", 0),
        legal=["Peraturan Bupati Pemalang Nomor 50 Tahun 2017 tentang Tata Cara Pelimpahan "
               "Sebagian Kewenangan Bupati kepada Camat"],
        n_req=3,
        req={"pengantar-desa": ("Surat Pengantar Desa/Kelurahan terkait lokasi usaha", ""),
             "ktp": ("Fotokopi KTP", "")},
        fields={"nama_usaha": ("TEXT", ""), "lokasi": ("TEXT", "")}),
    (P, "pariwisata-rumah-makan"): dict(
        name="Izin Usaha Pariwisata: Rumah Makan", kind="STRUCTURED", survey="REQUIRED",
        authority="CAMAT", fee="NONE", deadline=2, validity=("NONE", 0),
        legal=["Peraturan Bupati Pemalang Nomor 50 Tahun 2017"],
        n_req=3,
        req={"pengantar-desa": ("Surat Pengantar Desa/Kelurahan terkait lokasi usaha", "")},
        fields={"luas": ("NUMBER", "m2"), "bangunan_permanen": ("YES_NO", "")}),
    (P, "pariwisata-gelanggang"): dict(
        name="Izin Usaha Pariwisata: Gelanggang Ketangkasan", kind="STRUCTURED",
        survey="REQUIRED", authority="CAMAT", fee="NONE", deadline=2, validity=("NONE", 0),
        legal=["Peraturan Bupati Pemalang Nomor 50 Tahun 2017"],
        n_req=4,
        req={"pernyataan": ("Surat Pernyataan Bermaterai yang diketahui Desa/Kelurahan", "")},
        fields={"jenis_permainan": ("TEXT", "")}),
    (P, "pariwisata-atraksi"): dict(
        name="Izin Usaha Pariwisata: Atraksi Wisata", kind="STRUCTURED", survey="REQUIRED",
        authority="CAMAT", fee="NONE", deadline=2, validity=("NONE", 0),
        legal=["Peraturan Bupati Pemalang Nomor 50 Tahun 2017"],
        n_req=5,
        req={"struktur-organisasi": ("Fotokopi Struktur Organisasi Perusahaan", ""),
             "pernyataan": ("Surat Pernyataan Bermaterai yang diketahui Desa/Kelurahan", "")},
        fields={"jenis_atraksi": ("TEXT", "")}),
    (P, "sk-pindah"): dict(
        name="Surat Keterangan Pindah Penduduk", kind="UNSTRUCTURED", survey="NONE",
        authority="CAMAT", fee="NONE", deadline=2, validity=("WORKING_DAYS", 30),
        legal=["Undang-undang Nomor 24 Tahun 2013 tentang Perubahan Undang-undang Nomor 23 Tahun "
               "2006 tentang Administrasi Kependudukan",
               "Peraturan Menteri Dalam Negeri Nomor 19 Tahun 2010"],
        n_req=25,
        req={"b-fotokopi-kk": ("Fotokopi KK sebanyak 6 (enam) lembar",
                               "jenis_pindah=PERGI_ANTAR_KECAMATAN"),
             "b-form-1-29": ("Formulir permohonan pindah dari Desa/Kelurahan asal (form. 1-29)",
                             "jenis_pindah=PERGI_ANTAR_KECAMATAN"),
             "c-form-1-30": ("Surat Keterangan pindah pergi dari Kecamatan asal (form. 1-30)",
                             "jenis_pindah=DATANG_ANTAR_KECAMATAN"),
             "d-skck": ("SKCK asli apabila dipersyaratkan oleh daerah tujuan",
                        "jenis_pindah=PERGI_ANTAR_KABUPATEN"),
             "e-skck": ("SKCK (Surat Keterangan Catatan Kelakuan Baik) dari Polres "
                        "Kabupaten/Kota asal", "jenis_pindah=DATANG_ANTAR_KABUPATEN")},
        fields={"jenis_pindah": ("CHOICE", ["ANTAR_DESA", "PERGI_ANTAR_KECAMATAN",
                                            "DATANG_ANTAR_KECAMATAN", "PERGI_ANTAR_KABUPATEN",
                                            "DATANG_ANTAR_KABUPATEN"])}),
    (P, "dispensasi-nikah"): dict(
        name="Dispensasi Nikah", kind="UNSTRUCTURED", survey="NONE", authority="CAMAT",
        fee="NONE", deadline=2, validity=("NONE", 0),
        legal=["Keputusan Menteri Agama Nomor 477 Tahun 2004 tentang Pencatatan Nikah"],
        n_req=4,
        req={"ktp": ("Fotokopi KTP pemohon (calon suami/istri) diketahui Desa/Kelurahan", ""),
             "kk": ("Fotokopi KK", ""),
             "akte-cerai": ("Bagi duda/janda yang di KK/KTP-nya masih berstatus kawin, "
                            "dilampiri fotokopi akte cerai", "duda_janda_tercatat_kawin=true")},
        fields={"tanggal_nikah": ("DATE", ""), "kurang_dari_10_hari": ("YES_NO", "")}),
    (P, "kelompok-kesenian"): dict(
        name="Rekomendasi Pendirian Kelompok Kesenian", kind="UNSTRUCTURED", survey="NONE",
        authority="CAMAT", fee="NONE", deadline=2, validity=("NONE", 0),
        # Seed 004 has no legal basis for it: the entered one is marked as not the seed's.
        legal=["Peraturan Menteri Dalam Negeri Nomor 4 Tahun 2010"],
        n_req=5,
        req={"pengantar-desa": ("Surat pengantar dari Desa/Kelurahan terkait lokasi "
                                "sanggar/kelompok kesenian", ""),
             "ktp-ketua": ("Fotokopi KTP ketua pengurus", ""),
             "susunan-pengurus": ("Susunan pengurus", ""),
             "jadwal-latihan": ("Jadwal latihan", "")},
        fields={"nama_kelompok": ("TEXT", "")}),
}

# A valid file per service whose criteria must accept it, and changes to it with the index of the
# criterion that must refuse them (None: still accepted).
CRITERIA_CASES = {
    (T, "imb"): (
        dict(luas_bangunan="100", jumlah_lantai="1", fungsi_bangunan="HUNIAN",
             kelas_bangunan="PERMANEN", lokasi="Desa Kaloran RT 01", imb_perumahan="false",
             nama_sesuai_surat_tanah="true"),
        [(dict(luas_bangunan="100.01"), 0), (dict(luas_bangunan="36"), None),
         (dict(jumlah_lantai="2"), 1), (dict(fungsi_bangunan="USAHA"), 2),
         (dict(luas_bangunan=""), 0)]),
    (T, "ho"): (
        dict(nama_usaha="Bengkel Maju", jenis_usaha="bengkel sepeda", bentuk_usaha="PERORANGAN",
             luas="100", jumlah_tenaga_kerja="20", indeks_gangguan="KECIL",
             indeks_lokasi="JALAN_LOKAL", lokasi="Desa Tleter", fasilitas_pma_pmdn="false"),
        [(dict(luas="101"), 0), (dict(jumlah_tenaga_kerja="21"), 1),
         (dict(bentuk_usaha="BADAN_HUKUM"), 2), (dict(indeks_gangguan="SEDANG"), 3)]),
    (T, "tdp"): (
        dict(nama_perusahaan="UD Sumber Rejeki", bentuk_usaha="PERORANGAN", kantor_cabang="false",
             kegiatan_usaha="perdagangan kopi", modal_disetor="200000000",
             kekayaan_bersih="200000000", lokasi="Desa Kaloran"),
        [(dict(modal_disetor="200000001"), 0), (dict(kekayaan_bersih="250000000"), 0),
         (dict(modal_disetor="5000000", kekayaan_bersih="10000000"), None)]),
    (T, "reklame"): (
        dict(jenis_reklame="NON_PERMANEN", bentuk="SPANDUK_LAYAR_UMBUL_UMBUL", lebar="1",
             tinggi="5", jumlah_muka="1", jumlah_buah="10", lokasi="Jalan Raya Kaloran",
             lama_pemasangan="1", naskah="Pasar murah", dalam_satu_kecamatan="true"),
        [(dict(dalam_satu_kecamatan="false"), 0)]),
    (P, "imb"): (
        dict(luas_bangunan="100", jumlah_lantai="1", fungsi_bangunan="USAHA",
             kelas_bangunan="SEMI_PERMANEN", tipe_bangunan="TUNGGAL", lokasi="Desa Taman"),
        [(dict(luas_bangunan="120"), 0), (dict(jumlah_lantai="2"), 1),
         (dict(tipe_bangunan="TOWER"), 2), (dict(tipe_bangunan="KOLEKTIF"), 2)]),
    (P, "reklame"): (
        dict(bentuk="PAPAN", lebar="2", tinggi="1", jumlah_muka="2", jumlah_buah="1",
             lokasi="Toko Sinar, Jl. Raya Taman", lama_pemasangan="12", naskah="Toko Sinar",
             di_tempat_usaha="true", dalam_satu_kecamatan="true", pemohon_badan_hukum="false",
             perpanjangan="false"),
        [(dict(di_tempat_usaha="false"), 0),
         (dict(bentuk="SPANDUK_LAYAR_UMBUL_UMBUL", di_tempat_usaha="false"), None),
         (dict(bentuk="SPANDUK_LAYAR_UMBUL_UMBUL", dalam_satu_kecamatan="false"), 1),
         (dict(bentuk="POSTER_STIKER_SELEBARAN", dalam_satu_kecamatan="false"), 1),
         (dict(dalam_satu_kecamatan="false"), None)]),
    (P, "iumk"): (
        dict(nama_usaha="Warung Bu Sri", bentuk_usaha="perorangan", jenis_usaha="warung makan",
             sarana_usaha="gerobak, 4 meja", kekayaan_bersih="50000000", penjualan_tahunan="5000000000", lokasi="Desa Taman"),
        [(dict(kekayaan_bersih="60000000", penjualan_tahunan="300000000"), None),
         (dict(kekayaan_bersih="400000000", penjualan_tahunan="2500000000"), None),
         (dict(kekayaan_bersih="60000000", penjualan_tahunan="2500000001"), 0),
         (dict(kekayaan_bersih="", penjualan_tahunan="100000000"), None)]),
    (P, "pariwisata-rumah-makan"): (
        dict(nama_usaha="RM Sederhana", lokasi="Desa Taman", luas="40",
             bangunan_permanen="true"),
        [(dict(luas="40.5"), 0), (dict(bangunan_permanen="false"), 1)]),
    (P, "dispensasi-nikah"): (
        dict(nama_calon_suami="Budi", nama_calon_istri="Sari", tanggal_nikah="2026-03-14",
             tempat_nikah="KUA Taman", kurang_dari_10_hari="true",
             duda_janda_tercatat_kawin="false"),
        [(dict(kurang_dari_10_hari="false"), 0)]),
}

# What the counter's checklist holds in some cases: (values, represented) -> requirement codes.
CHECKLISTS = {
    (T, "reklame"): [
        (dict(jenis_reklame="NON_PERMANEN"), False, ["ktp", "npwp"]),
        (dict(jenis_reklame="NON_PERMANEN"), True, ["ktp", "npwp", "surat-kuasa"]),
        (dict(jenis_reklame="PERMANEN"), False,
         ["formulir", "ktp", "npwp", "sketsa-lokasi", "desain", "foto-lokasi", "imb"]),
    ],
    (T, "siup"): [
        (dict(bentuk_usaha="PERORANGAN", kantor_cabang="false"), False,
         ["po-ktp", "po-sk-desa", "po-ho", "po-npwp"]),
        (dict(bentuk_usaha="BADAN_HUKUM", kantor_cabang="false"), False, 10),
        (dict(bentuk_usaha="BADAN_HUKUM", kantor_cabang="true"), False, 13),
    ],
    (T, "imb"): [
        (dict(kelas_bangunan="SEMI_PERMANEN", imb_perumahan="false",
              nama_sesuai_surat_tanah="true"), False,
         ["formulir", "ktp", "surat-tanah", "denah-lokasi", "tampak", "pbb"]),
        (dict(kelas_bangunan="PERMANEN", imb_perumahan="true", nama_sesuai_surat_tanah="false"),
         True, 10),
    ],
    (P, "sk-pindah"): [
        (dict(jenis_pindah="ANTAR_DESA"), False, 5),
        (dict(jenis_pindah="PERGI_ANTAR_KECAMATAN"), False, 5),
        (dict(jenis_pindah="DATANG_ANTAR_KECAMATAN"), False, 3),
        (dict(jenis_pindah="PERGI_ANTAR_KABUPATEN"), False, 7),
        (dict(jenis_pindah="DATANG_ANTAR_KABUPATEN"), False, 5),
    ],
    (P, "reklame"): [
        (dict(pemohon_badan_hukum="false", perpanjangan="false"), False, 5),
        (dict(pemohon_badan_hukum="true", perpanjangan="true"), True, 8),
    ],
}


# ---------------------------------------------------------------------------------------------
# The rule format of server/pd_criteria.h, evaluated the same way: numbers as exact decimals,
# YES_NO as "true"/"false", choices/texts/dates as strings; a comparison with an empty field is
# false.

def _text(v, ftype):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return str(v)
    return v


def _cmp(ftype, a, b):
    if ftype == "NUMBER":
        x, y = Decimal(a), Decimal(b)
        return (x > y) - (x < y)
    return (a > b) - (a < b)


def evaluate(rule, fields, values):
    if "all" in rule:
        return all([evaluate(r, fields, values) for r in rule["all"]])
    if "any" in rule:
        return any([evaluate(r, fields, values) for r in rule["any"]])
    if "not" in rule:
        return not evaluate(rule["not"], fields, values)
    ftype = fields[rule["field"]]["type"]
    actual = values.get(rule["field"], "")
    if actual == "":
        return False
    if rule["op"] == "in":
        return any(_cmp(ftype, actual, _text(v, ftype)) == 0 for v in rule["value"])
    c = _cmp(ftype, actual, _text(rule["value"], ftype))
    return {"=": c == 0, "!=": c != 0, "<": c < 0, "<=": c <= 0, ">": c > 0,
            ">=": c >= 0}[rule["op"]]


def refused_by(service, values):
    """Index of the first criterion whose rule is false (the file's refusal), or None."""
    fields = {f["name"]: f for f in service["fields"]}
    for i, c in enumerate(service["criteria"]):
        if not evaluate(c["rule"], fields, values):
            return i
    return None


def checklist(service, values, represented):
    out = []
    for r in service["requirements"]:
        w = r["when"]
        if w == "" or (w == "represented" and represented) or \
                ("=" in w and values.get(w.split("=", 1)[0]) == w.split("=", 1)[1]):
            out.append(r["code"])
    return out


def field_errors(f, value):
    """pd_field_check's verdict on one value, for the example files (None when valid)."""
    if value == "":
        return "required" if f["required"] else None
    if f["type"] == "NUMBER":
        try:
            v = Decimal(value)
        except InvalidOperation:
            return "not a number"
        if f["min"] and v < Decimal(f["min"]):
            return "below min"
        if f["max"] and v > Decimal(f["max"]):
            return "above max"
    if f["type"] == "CHOICE" and value not in f["choices"]:
        return "not a choice"
    if f["type"] == "YES_NO" and value not in ("true", "false"):
        return "not yes/no"
    if f["type"] == "DATE" and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return "not a date"
    return None


@contextlib.contextmanager
def about(what):
    """Names the service (and case) an assertion failed for; paten_test's TAP result does not
    report subTest failures, so each failure carries its own context."""
    try:
        yield
    except AssertionError as e:
        raise AssertionError("%s: %s" % (what, e)) from None


QUERY = """
SELECT coalesce(json_agg(json_build_object(
    'region', r.code, 'code', s.code, 'active', s.active, 'current_version', s.current_version,
    'versions', (SELECT count(*) FROM service_versions x WHERE x.service_id = s.id),
    'version', v.version, 'name', v.name, 'kind', v.kind, 'survey', v.survey,
    'authority', v.authority, 'forward_agency', v.forward_agency, 'fee', v.fee,
    'assessor', ao.code, 'assessor_kind', ao.kind, 'assessor_region', ar.code,
    'treasurer', tro.code, 'treasurer_kind', tro.kind, 'treasurer_region', tr.code,
    'deadline', v.deadline_working_days, 'validity_unit', v.validity_unit,
    'validity_amount', v.validity_amount, 'legal_basis', v.legal_basis,
    'requirements', v.requirements, 'fields', v.fields, 'criteria', v.criteria,
    'created_by', v.created_by,
    'created_at_is_demo_time', v.created_at = (SELECT updated_at FROM settings
                                               WHERE key = 'demo.loaded_at'))
    ORDER BY r.code, s.code), '[]')
FROM services s
JOIN regions r ON r.id = s.region_id
JOIN service_versions v ON v.service_id = s.id AND v.version = s.current_version
LEFT JOIN offices ao ON ao.id = v.assessor_office_id
LEFT JOIN regions ar ON ar.id = ao.region_id
LEFT JOIN offices tro ON tro.id = v.treasurer_office_id
LEFT JOIN regions tr ON tr.id = tro.region_id
"""


def start_demo():
    db = Database()
    try:
        server = Patend(db.patend_args() + ["--demo"],
                        env={"PATEN_DEMO_PASSWORD": DEMO_PASSWORD}).start()
    except Exception:
        db.drop()
        raise
    return db, server


def stop_demo(db, server):
    rc = server.stop()
    db.drop()
    assert rc == 0, "patend exited with %s:\n%s" % (rc, server.log_text())


class CatalogDataTest(unittest.TestCase):
    """The rows the demo loader wrote, read straight from the database."""

    @classmethod
    def setUpClass(cls):
        cls.db, cls.server = start_demo()
        rows = json.loads(cls.db.sql(QUERY))
        cls.svc = {(x["region"], x["code"]): x for x in rows}

    @classmethod
    def tearDownClass(cls):
        stop_demo(cls.db, cls.server)

    def each(self):
        """(key, expected, row) of every service, in a stable order."""
        return [(key, EXPECTED[key], self.svc[key]) for key in sorted(EXPECTED)]

    def test_the_services_of_each_region(self):
        self.assertEqual(sorted(self.svc), sorted(EXPECTED))
        # The second kecamatan of Temanggung shares its region's catalog: services are per region.
        self.assertEqual(self.db.sql("SELECT count(*) FROM services WHERE region_id NOT IN "
                                     "(SELECT id FROM regions WHERE code IN ('temanggung', "
                                     "'pemalang'))"), "0")

    def test_one_first_version_each_written_at_demo_time(self):
        for key, _, s in self.each():
            with about("%s/%s" % key):
                self.assertEqual((s["version"], s["current_version"], s["versions"], s["active"]),
                                 (1, 1, 1, True))
                self.assertIsNone(s["created_by"])
                self.assertTrue(s["created_at_is_demo_time"])

    def test_name_kind_survey_authority_deadline_validity(self):
        for key, e, s in self.each():
            with about("%s/%s" % key):
                self.assertEqual(s["name"], e["name"])
                self.assertEqual((s["kind"], s["survey"], s["authority"]),
                                 (e["kind"], e["survey"], e["authority"]))
                self.assertEqual(s["forward_agency"], e.get("agency", ""))
                self.assertEqual(s["deadline"], e["deadline"])
                self.assertEqual((s["validity_unit"], s["validity_amount"]), e["validity"])
                if s["kind"] == "UNSTRUCTURED":
                    self.assertEqual(s["survey"], "NONE")

    def test_fee_and_its_offices(self):
        for key, e, s in self.each():
            with about("%s/%s" % key):
                self.assertEqual(s["fee"], e["fee"])
                if e["fee"] == "NONE":
                    self.assertEqual((s["assessor"], s["treasurer"]), (None, None))
                    continue
                # Retribusi: assessed by the region's DPMPTSP (SKRD) and paid on to its treasurer;
                # reklame tax: BAPENDA both ways.
                kind = {"RETRIBUSI": "DPMPTSP", "PAJAK": "BAPENDA"}[e["fee"]]
                self.assertEqual((s["assessor"], s["treasurer"]), (e["office"], e["office"]))
                self.assertEqual((s["assessor_kind"], s["treasurer_kind"]), (kind, kind))
                self.assertEqual((s["assessor_region"], s["treasurer_region"]), (key[0], key[0]))

    def test_legal_basis(self):
        for key, e, s in self.each():
            with about("%s/%s" % key):
                self.assertTrue(s["legal_basis"].strip())
                self.assertLessEqual(len(s["legal_basis"].encode()), 2000)
                self.assertNotIn("\\n", s["legal_basis"])
                for words in e["legal"]:
                    self.assertIn(words, s["legal_basis"])

    def test_requirements(self):
        for key, e, s in self.each():
            with about("%s/%s" % key):
                reqs = s["requirements"]
                self.assertEqual(len(reqs), e["n_req"])
                by_code = {r["code"]: r for r in reqs}
                self.assertEqual(len(by_code), len(reqs), "requirement codes are unique")
                for code, (text, when) in e["req"].items():
                    self.assertEqual((by_code[code]["text"], by_code[code]["when"]), (text, when))
                for r in reqs:
                    self.assertEqual(set(r), {"code", "text", "when"})
                    self.assertRegex(r["code"], r"^[a-z0-9][a-z0-9-]{1,39}$")
                    self.assertEqual(r["text"], r["text"].strip())
                    self.assertNotRegex(r["text"], r"\s{2,}")

    def test_power_of_attorney_items_wait_for_representation(self):
        represented = {k for k, s in self.svc.items()
                       if any(r["when"] == "represented" for r in s["requirements"])}
        self.assertEqual(represented, {(T, "imb"), (T, "reklame"), (P, "reklame")})
        for s in self.svc.values():
            for r in s["requirements"]:
                if re.match(r"(?i)surat kuasa berm[ae]terai", r["text"]):
                    self.assertEqual(r["when"], "represented", r["text"])

    def test_requirement_conditions_name_a_field_and_value(self):
        for key, _, s in self.each():
            with about("%s/%s" % key):
                fields = {f["name"]: f for f in s["fields"]}
                for r in s["requirements"]:
                    if r["when"] in ("", "represented"):
                        continue
                    name, value = r["when"].split("=", 1)
                    self.assertIn(name, fields, r["code"])
                    f = fields[name]
                    self.assertTrue(f["required"], "a condition's field must be answered: " + name)
                    if f["type"] == "YES_NO":
                        self.assertIn(value, ("true", "false"))
                    else:
                        self.assertEqual(f["type"], "CHOICE")
                        self.assertIn(value, f["choices"])

    def test_checklists_per_case(self):
        for key, cases in CHECKLISTS.items():
            s = self.svc[key]
            for values, represented, want in cases:
                with about("%s/%s %r represented=%s" % (key + (values, represented))):
                    got = checklist(s, values, represented)
                    if isinstance(want, int):
                        self.assertEqual(len(got), want)
                    else:
                        self.assertEqual(got, want)

    def test_fields_are_well_formed(self):
        # What SaveService (pd_fields_validate) would accept.
        for key, _, s in self.each():
            with about("%s/%s" % key):
                names = [f["name"] for f in s["fields"]]
                self.assertEqual(len(names), len(set(names)))
                for f in s["fields"]:
                    self.assertEqual(set(f), FIELD_KEYS, f["name"])
                    self.assertRegex(f["name"], r"^[a-z][a-z0-9_]{0,47}$")
                    self.assertTrue(f["label"])
                    self.assertIn(f["type"], FIELD_TYPES)
                    self.assertIsInstance(f["required"], bool)
                    self.assertEqual(bool(f["choices"]), f["type"] == "CHOICE", f["name"])
                    self.assertEqual(len(f["choices"]), len(set(f["choices"])))
                    for c in f["choices"]:
                        self.assertRegex(c, r"^[A-Z][A-Z0-9_]*$")
                    if f["type"] == "NUMBER":
                        self.assertTrue(f["unit"], "a number has a unit: " + f["name"])
                        for b in (f["min"], f["max"]):
                            if b:
                                self.assertRegex(b, r"^-?\d+(\.\d{1,4})?$")
                    else:
                        self.assertEqual((f["unit"], f["min"], f["max"]), ("", "", ""), f["name"])

    def test_fields_the_fees_and_criteria_need(self):
        for key, e, s in self.each():
            with about("%s/%s" % key):
                fields = {f["name"]: f for f in s["fields"]}
                for name, (ftype, detail) in e["fields"].items():
                    self.assertIn(name, fields)
                    self.assertEqual(fields[name]["type"], ftype, name)
                    if ftype == "NUMBER":
                        self.assertEqual(fields[name]["unit"], detail, name)
                    if ftype == "CHOICE":
                        self.assertTrue(set(detail) <= set(fields[name]["choices"]), name)
        # The reklame permit of Pemalang lasts a year: at most 12 months' installation.
        lama = [f for f in self.svc[P, "reklame"]["fields"] if f["name"] == "lama_pemasangan"][0]
        self.assertEqual(lama["max"], "12")

    def test_criteria_are_well_formed(self):
        # What SaveService (pd_rule_validate) would accept: known fields and ops, typed values.
        def check(rule, fields, depth=0):
            self.assertLess(depth, 16)
            self.assertIsInstance(rule, dict)
            if set(rule) & {"all", "any"}:
                self.assertEqual(len(rule), 1)
                items = list(rule.values())[0]
                self.assertTrue(isinstance(items, list) and items)
                for r in items:
                    check(r, fields, depth + 1)
                return
            if "not" in rule:
                self.assertEqual(len(rule), 1)
                check(rule["not"], fields, depth + 1)
                return
            self.assertEqual(set(rule), {"field", "op", "value"})
            f = fields[rule["field"]]
            self.assertIn(rule["op"], ("=", "!=", "<", "<=", ">", ">=", "in"))
            self.assertTrue(f["required"], "a criterion's field must be answered: " + f["name"])
            values = rule["value"] if rule["op"] == "in" else [rule["value"]]
            for v in values:
                if f["type"] == "NUMBER":
                    self.assertIsInstance(v, int, "thresholds are plain integers")
                    self.assertNotIsInstance(v, bool)
                elif f["type"] == "YES_NO":
                    self.assertIsInstance(v, bool)
                    self.assertIn(rule["op"], ("=", "!="))
                elif f["type"] == "CHOICE":
                    self.assertIn(v, f["choices"])
                else:
                    self.assertIsInstance(v, str)

        for key, _, s in self.each():
            with about("%s/%s" % key):
                fields = {f["name"]: f for f in s["fields"]}
                for c in s["criteria"]:
                    self.assertEqual(set(c), {"rule", "reason"})
                    self.assertTrue(c["reason"].strip())
                    check(c["rule"], fields)
        with_criteria = {k for k, s in self.svc.items() if s["criteria"]}
        self.assertEqual(with_criteria, set(CRITERIA_CASES))

    def test_criteria_encode_the_seeds_limits(self):
        for key, (base, variants) in sorted(CRITERIA_CASES.items()):
            s = self.svc[key]
            fields = {f["name"]: f for f in s["fields"]}
            self.assertEqual(set(base), set(fields), "the example file fills every field")
            for changes, want in [({}, None)] + variants:
                values = dict(base, **changes)
                with about("%s/%s with %r" % (key + (changes,))):
                    for name, v in values.items():
                        if name not in changes or v != "":
                            self.assertIsNone(field_errors(fields[name], v), name)
                    self.assertEqual(refused_by(s, values), want)

    def test_criteria_thresholds_and_reasons(self):
        def thresholds(key):
            out = {}

            def walk(rule):
                for k in ("all", "any"):
                    for r in rule.get(k, []):
                        walk(r)
                if "not" in rule:
                    walk(rule["not"])
                if "field" in rule:
                    out.setdefault(rule["field"], []).append((rule["op"], rule["value"]))
            for c in self.svc[key]["criteria"]:
                walk(c["rule"])
            return out

        self.assertEqual(thresholds((T, "imb")),
                         {"luas_bangunan": [("<=", 100)], "jumlah_lantai": [("=", 1)],
                          "fungsi_bangunan": [("=", "HUNIAN")]})
        self.assertEqual(thresholds((T, "ho")),
                         {"luas": [("<=", 100)], "jumlah_tenaga_kerja": [("<=", 20)],
                          "bentuk_usaha": [("=", "PERORANGAN")],
                          "indeks_gangguan": [("=", "KECIL")]})
        self.assertEqual(thresholds((T, "tdp")),
                         {"modal_disetor": [("<=", 200000000)],
                          "kekayaan_bersih": [("<=", 200000000)]})
        self.assertEqual(thresholds((P, "iumk")),
                         {"kekayaan_bersih": [("<=", 50000000)],
                          "penjualan_tahunan": [("<=", 300000000), ("<=", 2500000000)]})
        self.assertEqual(thresholds((P, "pariwisata-rumah-makan")),
                         {"luas": [("<=", 40)], "bangunan_permanen": [("=", True)]})
        self.assertEqual(thresholds((P, "imb"))["luas_bangunan"], [("<=", 100)])
        reasons = {k: " ".join(c["reason"] for c in s["criteria"]) for k, s in self.svc.items()}
        self.assertIn("100 m2", reasons[T, "imb"])
        self.assertIn("20 orang", reasons[T, "ho"])
        self.assertIn("Rp 200.000.000", reasons[T, "tdp"])
        self.assertIn("Rp 50.000.000", reasons[P, "iumk"])
        self.assertIn("Rp 2.500.000.000", reasons[P, "iumk"])
        self.assertIn("40 m2", reasons[P, "pariwisata-rumah-makan"])
        self.assertIn("tower", reasons[P, "imb"])


def _has_rpc(*names):
    return all(n in TYPE for n in names)


@unittest.skipUnless(_has_rpc("ListServices", "SaveService"),
                     "this patend's protocol has no catalog rpcs")
class CatalogThroughTheServerTest(unittest.TestCase):
    """The same rows as patend reads them, and accepted by its own validation when re-saved."""

    @classmethod
    def setUpClass(cls):
        cls.db, cls.server = start_demo()
        cls.clients = []

    @classmethod
    def tearDownClass(cls):
        for c in cls.clients:
            c.close()
        stop_demo(cls.db, cls.server)

    def login(self, user):
        c = self.server.client()
        self.clients.append(c)
        c.login(user)
        return c

    def test_each_region_reads_its_own_catalog(self):
        for region, user in ((T, "loket@kaloran"), (T, "loket@kandangan"), (P, "loket@taman")):
            with about(user):
                got = self.login(user).rpc("ListServices").services
                self.assertEqual(sorted(s.code for s in got),
                                 sorted(c for r, c in EXPECTED if r == region))
                for s in got:
                    e = EXPECTED[region, s.code]
                    self.assertEqual((s.name, s.region_code, s.version, len(s.requirements)),
                                     (e["name"], region, 1, e["n_req"]))

    def test_every_service_survives_the_admins_validation(self):
        for region in (T, P):
            admin = self.login("admin@pemda-" + region)
            services = admin.rpc("ListServices").services
            self.assertEqual(len(services), len([k for k in EXPECTED if k[0] == region]))
            for s in services:
                with about("%s/%s" % (region, s.code)):
                    saved = admin.rpc("SaveService", idempotency_key=str(uuid.uuid4()),
                                      service=s).service
                    self.assertEqual(saved.version, 2)
                    again = pb.Service()
                    again.CopyFrom(saved)
                    again.version = s.version
                    self.assertEqual(again, s)


if __name__ == "__main__":
    main()
