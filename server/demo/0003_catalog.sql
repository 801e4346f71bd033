-- Demo data, part 3: the service catalog of the two demo regions (../shared/domain.md, "Services
-- (catalog) from the seeds" and "Demo data"), entered from the original SOPs:
--   Kabupaten Temanggung: seed 001, "SOP Pelayanan Administrasi Terpadu Satu Pintu Satu Hari,
--     Kecamatan Kaloran" (Keputusan Camat Kaloran Nomor 07 Tahun 2014), services 1-8.
--   Kabupaten Pemalang: seed 004, "Jenis Pelayanan Perizinan PATEN", A (terstruktur) and
--     B (tidak terstruktur).
-- Every service gets version 1, written at the business time (paten.now) by nobody (created_by
-- NULL). The formats of requirements, fields and criteria are those of
-- migrations/0003_calendar_catalog.sql and server/pd_criteria.h; they are also what the ADMIN's
-- SaveService accepts (requirement codes a-z 0-9 -, field names lower_snake_case, bounds only on
-- NUMBER fields, choices only on CHOICE fields), so that an ADMIN can re-save any of them.
--
-- Conventions used throughout:
--   * Requirement texts are the seed's words; only obvious typos and spacing are cleaned
--     ("Pemohonan" -> "Permohonan", "Penduiduk" -> "Penduduk", "Penyataan" -> "Pernyataan",
--     "Surat Ket." -> "Surat Keterangan", "Rp. 6.000,-" -> "Rp 6.000", ...).
--   * A requirement that the seed makes conditional carries "when": "represented" for power of
--     attorney, or "field=value" on a CHOICE or YES_NO field of the form that states the case.
--   * CHOICE values are upper-case codes (the schema has no label per choice): they double as the
--     keys of the region's tariff tables (kelas_bangunan, fungsi_bangunan, indeks_gangguan, ...),
--     which ADMIN maintains; the codes chosen here are placeholders the tariffs can key on.
--   * Amounts in rupiah are whole numbers, thresholds plain JSON integers.
--   * Survey policy: a step "Peninjauan lapangan oleh tim teknis" / "Tim Teknis Cek lapangan" is
--     REQUIRED; "Tim Teknis: Cek lapangan atau tanpa cek lapangan" is CAMAT_CHOICE; seed 004
--     defines its structured services as those "yang memerlukan survey lapangan", so REQUIRED;
--     unstructured services have none (NONE).
--   * Fees: retribusi is assessed by the region's DPMPTSP (SKRD) and paid on to DPMPTSP's
--     treasurer; the reklame tax is assessed by the region's BAPENDA (SPTPD/SKPD) and paid on to
--     BAPENDA's treasurer (domain.md, "Deposits"; seed 004: "bendahara pembantu DPMPTSP/BAPENDA").

INSERT INTO services (region_id, code)
SELECT r.id, s.code
FROM (VALUES
    ('temanggung', 'imb'), ('temanggung', 'ho'), ('temanggung', 'siup'),
    ('temanggung', 'pemakaman'), ('temanggung', 'oprit'), ('temanggung', 'tdp'),
    ('temanggung', 'tdi'), ('temanggung', 'reklame'),
    ('pemalang', 'imb'), ('pemalang', 'reklame'), ('pemalang', 'iumk'),
    ('pemalang', 'pariwisata-salon'), ('pemalang', 'pariwisata-rumah-makan'),
    ('pemalang', 'pariwisata-gelanggang'), ('pemalang', 'pariwisata-atraksi'),
    ('pemalang', 'sk-pindah'), ('pemalang', 'dispensasi-nikah'), ('pemalang', 'kelompok-kesenian')
) AS s (region, code)
JOIN regions r ON r.code = s.region;


-- =============================================================================================
-- Kabupaten Temanggung (seed 001, Kecamatan Kaloran). Deadlines: "1 (satu) hari" / "1 hari
-- setelah persyaratan lengkap" = 1 working day from the complete file (domain.md). The SOP gives
-- no validity for any of its permits: all NONE.
--
-- Issuing authority. The procedures of SIUP, Pemakaman, Oprit, TDP and Reklame all open with the
-- same boilerplate "Pemohon mengajukan permohonan ... kepada Bupati lewat Camat" (Oprit's even
-- names "Izin Pemakaman": copied), so that phrase alone cannot tell who decides: the permits are
-- the Bupati's, and the SOP is the Camat's decree on exercising them at the kecamatan. What does
-- tell is the KETERANGAN "Ditindaklanjuti ke Dinas terkait" together with the procedure:
--   * IMB: KETERANGAN says "Ditindaklanjuti ke Dinas terkait", but its own 13-step procedure has the
--     Camat dispose the survey, decide (D.9 "Apabila diterima maka Camat memberikan disposisi untuk
--     pencetakan izin dan SKRD"), collect the retribusi at the kecamatan and sign (D.12
--     "Penandatanganan izin oleh Camat"): CAMAT; the KETERANGAN is read as the follow-up to the
--     Dinas after issue (report, SKRD). This is the flow domain.md builds the fee flow from.
--   * HO: neither phrase; a fee computed from the kecamatan's formula and criteria that are a
--     kecamatan's delegated scope (<= 100 m2, <= 20 workers, perorangan): CAMAT.
--   * SIUP: "kepada Bupati lewat Camat" and "Ditindaklanjuti ke Dinas terkait", issued under a
--     Bupati's decree on issuing SIUP: FORWARDED.
--   * TDP, TDI: registrations kept by the regency under Bupati's decrees on issuing them (SK Bupati
--     510/71 and 53/94 of 2003, beside SIUP's 510/72); TDP's requirement list is SIUP's
--     legal-entity list: FORWARDED, like SIUP.
--   * Pemakaman, Oprit, Reklame: KETERANGAN "-", local permits with fees collected at the
--     kecamatan's "Loket Pembayaran" and the permit handed out at its "Loket Pengambilan": CAMAT.
-- The agency is named "DPMPTSP Kabupaten Temanggung": the regency's one-stop licensing office
-- that today issues what the 2014 SOP calls the "Dinas terkait".
-- =============================================================================================

-- 001.1 IZIN MENDIRIKAN BANGUNAN (IMB) for a house (rumah tinggal): <= 100 m2, not multi-storey.
-- C. PERSYARATAN: item 4 "Gambar rencana bangunan terdiri dari Denah: ..." is split into its four
-- sub-items so that each can be ticked; two of them carry the seed's own condition:
-- "(untuk konstruksi permanen)" -> kelas_bangunan=PERMANEN, "(untuk IMB perumahan)" -> a yes/no
-- field imb_perumahan (the house stands in a housing estate). Item 5 is the power of attorney
-- ("untuk yang pengurusan dikuasakan": represented); item 6 applies when the applicant's name is
-- not the one on the land title (nama_sesuai_surat_tanah=false).
-- F. BIAYA: "Luas bangunan X Indek Terintegrasi X Jenis Kegiatan", "berdasarkan kelas bangunan":
-- luas_bangunan, kelas_bangunan (the integrated index's class: permanence) and fungsi_bangunan
-- (the activity index; the functions of UU 28/2002, the first legal basis) feed the tariff.
-- D.6: the technical team's site survey is a fixed step: REQUIRED.
INSERT INTO service_versions (service_id, version, name, kind, survey, authority, forward_agency,
    fee, assessor_office_id, treasurer_office_id, deadline_working_days, validity_unit,
    validity_amount, legal_basis, requirements, fields, criteria, created_at)
SELECT s.id, 1, 'Izin Mendirikan Bangunan (IMB) Rumah Tinggal', 'STRUCTURED', 'REQUIRED', 'CAMAT',
    '', 'RETRIBUSI',
    (SELECT id FROM offices WHERE code = 'dpmptsp-temanggung'),
    (SELECT id FROM offices WHERE code = 'dpmptsp-temanggung'),
    1, 'NONE', 0,
    E'1. Undang-Undang Nomor 28 Tahun 2002 tentang Bangunan Gedung\n'
    '2. Peraturan Daerah Kabupaten Temanggung No. 15 Tahun 2011 tentang Bangunan Gedung\n'
    '3. Peraturan Daerah Kabupaten Temanggung No. 10 Tahun 2012 tentang Retribusi Izin Mendirikan Bangunan',
    '[
      {"code": "formulir", "text": "Isian formulir permohonan", "when": ""},
      {"code": "ktp", "text": "Copy KTP pemohon", "when": ""},
      {"code": "surat-tanah", "text": "Copy surat tanah (SKKT/segel/sertifikat tanah kering)", "when": ""},
      {"code": "denah-lokasi", "text": "Gambar rencana bangunan: denah lokasi", "when": ""},
      {"code": "tampak", "text": "Gambar rencana bangunan: tampak depan dan samping", "when": ""},
      {"code": "detail-pondasi", "text": "Gambar rencana bangunan: detail pondasi dan pembesian (untuk konstruksi permanen)", "when": "kelas_bangunan=PERMANEN"},
      {"code": "alih-guna-lahan", "text": "Izin alih guna lahan (untuk IMB perumahan)", "when": "imb_perumahan=true"},
      {"code": "surat-kuasa", "text": "Surat kuasa bermaterai Rp 6.000 dan copy KTP penerima kuasa (untuk yang pengurusan dikuasakan)", "when": "represented"},
      {"code": "kuasa-pemilik-tanah", "text": "Surat kuasa apabila nama pemohon tidak sama dengan nama di surat tanah", "when": "nama_sesuai_surat_tanah=false"},
      {"code": "pbb", "text": "Lunas PBB tahun terakhir", "when": ""}
    ]'::jsonb,
    '[
      {"name": "luas_bangunan", "label": "Luas bangunan", "type": "NUMBER", "unit": "m2", "required": true, "choices": [], "min": "0", "max": ""},
      {"name": "jumlah_lantai", "label": "Jumlah lantai", "type": "NUMBER", "unit": "lantai", "required": true, "choices": [], "min": "1", "max": ""},
      {"name": "fungsi_bangunan", "label": "Fungsi bangunan (jenis kegiatan)", "type": "CHOICE", "unit": "", "required": true, "choices": ["HUNIAN", "KEAGAMAAN", "USAHA", "SOSIAL_BUDAYA", "KHUSUS"], "min": "", "max": ""},
      {"name": "kelas_bangunan", "label": "Kelas bangunan (indeks terintegrasi)", "type": "CHOICE", "unit": "", "required": true, "choices": ["PERMANEN", "SEMI_PERMANEN", "DARURAT"], "min": "", "max": ""},
      {"name": "lokasi", "label": "Lokasi bangunan (alamat, desa)", "type": "TEXT", "unit": "", "required": true, "choices": [], "min": "", "max": ""},
      {"name": "imb_perumahan", "label": "IMB perumahan (bangunan di kawasan perumahan)", "type": "YES_NO", "unit": "", "required": true, "choices": [], "min": "", "max": ""},
      {"name": "nama_sesuai_surat_tanah", "label": "Nama pemohon sama dengan nama di surat tanah", "type": "YES_NO", "unit": "", "required": true, "choices": [], "min": "", "max": ""}
    ]'::jsonb,
    '[
      {"rule": {"field": "luas_bangunan", "op": "<=", "value": 100}, "reason": "IMB di kecamatan hanya untuk bangunan rumah tinggal dengan luas kurang dari atau sama dengan 100 m2"},
      {"rule": {"field": "jumlah_lantai", "op": "=", "value": 1}, "reason": "IMB di kecamatan hanya untuk bangunan rumah tinggal yang tidak bertingkat"},
      {"rule": {"field": "fungsi_bangunan", "op": "=", "value": "HUNIAN"}, "reason": "IMB di kecamatan hanya untuk bangunan rumah tinggal"}
    ]'::jsonb,
    current_setting('paten.now')::timestamptz
FROM services s JOIN regions r ON r.id = s.region_id
WHERE r.code = 'temanggung' AND s.code = 'imb';

-- 001.2 IZIN GANGGUAN / HINDER ORDONANTIE (HO), for a business of small environmental impact.
-- A. criteria: luas <= 100 m2, tenaga kerja <= 20 orang, perorangan (not PT/CV); "usaha yang
-- berdampak lingkungan kecil" is the nuisance class KECIL. bentuk_usaha is PERORANGAN or
-- BADAN_HUKUM (the seed's own split in SIUP: any PT, CV, koperasi, ... is the latter).
-- C. items 5 (akta pendirian, "bagi perusahaan yang berstatus Badan Hukum") and 6 (SPPMA/SPPMDN,
-- "bagi perusahaan dengan fasilitas PMA atau PMDN") are conditional; under the criteria item 5 never
-- applies, but it is the seed's list and the criteria are the region's to change.
-- F. BIAYA: "Luas X Rata-rata Indeks X harga (Rp 100)", written out in the seed's second line as
-- luas x (indeks gangguan + indeks lokasi) / 2 x Rp 100: the fields luas, indeks_gangguan and
-- indeks_lokasi (codes that the tariff maps to index values; location by the road's function).
-- D. has no survey step and no forwarding: the technical team may look (CAMAT_CHOICE), the Camat
-- decides (see the header above).
INSERT INTO service_versions (service_id, version, name, kind, survey, authority, forward_agency,
    fee, assessor_office_id, treasurer_office_id, deadline_working_days, validity_unit,
    validity_amount, legal_basis, requirements, fields, criteria, created_at)
SELECT s.id, 1, 'Izin Gangguan (HO)', 'STRUCTURED', 'CAMAT_CHOICE', 'CAMAT', '', 'RETRIBUSI',
    (SELECT id FROM offices WHERE code = 'dpmptsp-temanggung'),
    (SELECT id FROM offices WHERE code = 'dpmptsp-temanggung'),
    1, 'NONE', 0,
    'Peraturan Daerah Kabupaten Temanggung Nomor 12 Tahun 2012 tentang Retribusi Izin Gangguan (Lembaran Daerah Kabupaten Temanggung Tahun 2012 Nomor 12)',
    '[
      {"code": "ktp", "text": "Copy KTP yang masih berlaku 3 lembar", "when": ""},
      {"code": "surat-tanah", "text": "Copy surat tanah yang digunakan untuk kegiatan usaha", "when": ""},
      {"code": "persetujuan-tetangga", "text": "Persetujuan tetangga/masyarakat yang terdekat dengan perusahaan", "when": ""},
      {"code": "pbb", "text": "Copy tanda pelunasan PBB tahun terakhir", "when": ""},
      {"code": "akta-pendirian", "text": "Copy Akta Pendirian bagi perusahaan yang berstatus Badan Hukum", "when": "bentuk_usaha=BADAN_HUKUM"},
      {"code": "sppma-sppmdn", "text": "Copy Surat Persetujuan Penanaman Modal Asing (SPPMA), Surat Persetujuan Penanaman Modal Dalam Negeri (SPPMDN) bagi perusahaan dengan fasilitas PMA atau PMDN", "when": "fasilitas_pma_pmdn=true"},
      {"code": "denah-lokasi", "text": "Denah lokasi", "when": ""},
      {"code": "npwp", "text": "Copy NPWP", "when": ""},
      {"code": "materai", "text": "Materai Rp 6.000 2 lembar", "when": ""},
      {"code": "foto", "text": "Foto berwarna 4x6 sebanyak 2 lembar pemohon dan arsip", "when": ""},
      {"code": "sppl", "text": "Surat Pernyataan Pengelolaan Lingkungan (SPPL)", "when": ""}
    ]'::jsonb,
    '[
      {"name": "nama_usaha", "label": "Nama usaha", "type": "TEXT", "unit": "", "required": true, "choices": [], "min": "", "max": ""},
      {"name": "jenis_usaha", "label": "Jenis usaha/kegiatan", "type": "TEXT", "unit": "", "required": true, "choices": [], "min": "", "max": ""},
      {"name": "bentuk_usaha", "label": "Bentuk usaha (perorangan atau badan hukum/badan usaha: PT, CV, ...)", "type": "CHOICE", "unit": "", "required": true, "choices": ["PERORANGAN", "BADAN_HUKUM"], "min": "", "max": ""},
      {"name": "luas", "label": "Luas ruang tempat usaha", "type": "NUMBER", "unit": "m2", "required": true, "choices": [], "min": "0", "max": ""},
      {"name": "jumlah_tenaga_kerja", "label": "Jumlah tenaga kerja", "type": "NUMBER", "unit": "orang", "required": true, "choices": [], "min": "0", "max": ""},
      {"name": "indeks_gangguan", "label": "Tingkat gangguan (indeks gangguan)", "type": "CHOICE", "unit": "", "required": true, "choices": ["KECIL", "SEDANG", "BESAR"], "min": "", "max": ""},
      {"name": "indeks_lokasi", "label": "Letak tempat usaha menurut fungsi jalan (indeks lokasi)", "type": "CHOICE", "unit": "", "required": true, "choices": ["JALAN_ARTERI", "JALAN_KOLEKTOR", "JALAN_LOKAL", "JALAN_LINGKUNGAN"], "min": "", "max": ""},
      {"name": "lokasi", "label": "Alamat tempat usaha", "type": "TEXT", "unit": "", "required": true, "choices": [], "min": "", "max": ""},
      {"name": "fasilitas_pma_pmdn", "label": "Perusahaan dengan fasilitas PMA atau PMDN", "type": "YES_NO", "unit": "", "required": true, "choices": [], "min": "", "max": ""}
    ]'::jsonb,
    '[
      {"rule": {"field": "luas", "op": "<=", "value": 100}, "reason": "Izin Gangguan di kecamatan hanya untuk tempat usaha dengan luas kurang dari atau sama dengan 100 m2"},
      {"rule": {"field": "jumlah_tenaga_kerja", "op": "<=", "value": 20}, "reason": "Izin Gangguan di kecamatan hanya untuk usaha dengan tenaga kerja kurang dari atau sama dengan 20 orang"},
      {"rule": {"field": "bentuk_usaha", "op": "=", "value": "PERORANGAN"}, "reason": "Izin Gangguan di kecamatan hanya untuk perusahaan perorangan, tidak PT/CV"},
      {"rule": {"field": "indeks_gangguan", "op": "=", "value": "KECIL"}, "reason": "Izin Gangguan di kecamatan hanya untuk usaha yang berdampak lingkungan kecil"}
    ]'::jsonb,
    current_setting('paten.now')::timestamptz
FROM services s JOIN regions r ON r.id = s.region_id
WHERE r.code = 'temanggung' AND s.code = 'ho';

-- 001.3 SURAT IZIN USAHA PERDAGANGAN (SIUP): FORWARDED (see the header). D.4 "Cek lapangan atau
-- tanpa cek lapangan": CAMAT_CHOICE. F. "Tidak ada biaya".
-- C. two lists: a. "Untuk yang Berbadan Hukum" (13 items) when bentuk_usaha=BADAN_HUKUM, b. "Untuk
-- perorangan" (4 items) when bentuk_usaha=PERORANGAN. Interpretation: a.11-13 (SIUP dilegalisir,
-- akta pembukaan cabang, surat penunjukan "untuk Kantor Cabang") are what a branch office adds (a
-- new head office has no SIUP to legalise); a "when" holds one condition only, so they are keyed on
-- kantor_cabang=true instead of on bentuk_usaha (a branch is a legal entity's in practice).
-- a.8 "Akta perubahan" only exists where the deed was amended; the seed does not say so and the
-- format has no "if any": entered as the seed words it.
INSERT INTO service_versions (service_id, version, name, kind, survey, authority, forward_agency,
    fee, assessor_office_id, treasurer_office_id, deadline_working_days, validity_unit,
    validity_amount, legal_basis, requirements, fields, criteria, created_at)
SELECT s.id, 1, 'Surat Izin Usaha Perdagangan (SIUP)', 'STRUCTURED', 'CAMAT_CHOICE', 'FORWARDED',
    'DPMPTSP Kabupaten Temanggung', 'NONE', NULL, NULL,
    1, 'NONE', 0,
    'SK Bupati Nomor 510/72 Tahun 2003 tentang Ketentuan Penerbitan Surat Izin Usaha Perdagangan (SIUP)',
    '[
      {"code": "bh-ktp", "text": "Foto copy KTP pemohon", "when": "bentuk_usaha=BADAN_HUKUM"},
      {"code": "bh-sk-desa", "text": "Surat Keterangan dari Kepala Desa yang diketahui oleh Camat", "when": "bentuk_usaha=BADAN_HUKUM"},
      {"code": "bh-ho", "text": "Surat Keterangan Tempat Usaha (HO)", "when": "bentuk_usaha=BADAN_HUKUM"},
      {"code": "bh-foto", "text": "Foto ukuran 4x6 sebanyak 4 lembar", "when": "bentuk_usaha=BADAN_HUKUM"},
      {"code": "bh-npwp", "text": "Nomor Pokok Wajib Pajak (NPWP)", "when": "bentuk_usaha=BADAN_HUKUM"},
      {"code": "bh-akta-pendirian", "text": "Akta pendirian perusahaan", "when": "bentuk_usaha=BADAN_HUKUM"},
      {"code": "bh-data-akta", "text": "Data akta pendirian perusahaan", "when": "bentuk_usaha=BADAN_HUKUM"},
      {"code": "bh-akta-perubahan", "text": "Akta perubahan pendirian perusahaan", "when": "bentuk_usaha=BADAN_HUKUM"},
      {"code": "bh-pengesahan", "text": "Keputusan pengesahan", "when": "bentuk_usaha=BADAN_HUKUM"},
      {"code": "bh-neraca", "text": "Neraca perusahaan terakhir", "when": "bentuk_usaha=BADAN_HUKUM"},
      {"code": "siup-legalisir", "text": "SIUP yang telah dilegalisir", "when": "kantor_cabang=true"},
      {"code": "akta-cabang", "text": "Akta pembukaan cabang", "when": "kantor_cabang=true"},
      {"code": "penunjukan-cabang", "text": "Surat penunjukan dari Kantor Pusat untuk Kantor Cabang yang disahkan oleh Notaris", "when": "kantor_cabang=true"},
      {"code": "po-ktp", "text": "Copy KTP pemohon yang masih berlaku 1 lembar", "when": "bentuk_usaha=PERORANGAN"},
      {"code": "po-sk-desa", "text": "Surat Keterangan dari Kepala Desa", "when": "bentuk_usaha=PERORANGAN"},
      {"code": "po-ho", "text": "Surat Keterangan Tempat Usaha (HO)", "when": "bentuk_usaha=PERORANGAN"},
      {"code": "po-npwp", "text": "Nomor Pokok Wajib Pajak (NPWP)", "when": "bentuk_usaha=PERORANGAN"}
    ]'::jsonb,
    '[
      {"name": "nama_perusahaan", "label": "Nama perusahaan", "type": "TEXT", "unit": "", "required": true, "choices": [], "min": "", "max": ""},
      {"name": "bentuk_usaha", "label": "Bentuk usaha (perorangan atau berbadan hukum)", "type": "CHOICE", "unit": "", "required": true, "choices": ["PERORANGAN", "BADAN_HUKUM"], "min": "", "max": ""},
      {"name": "kantor_cabang", "label": "Permohonan untuk kantor cabang", "type": "YES_NO", "unit": "", "required": true, "choices": [], "min": "", "max": ""},
      {"name": "kegiatan_usaha", "label": "Kegiatan usaha / barang dan jasa dagangan utama", "type": "TEXT", "unit": "", "required": true, "choices": [], "min": "", "max": ""},
      {"name": "lokasi", "label": "Alamat tempat usaha", "type": "TEXT", "unit": "", "required": true, "choices": [], "min": "", "max": ""}
    ]'::jsonb,
    '[]'::jsonb,
    current_setting('paten.now')::timestamptz
FROM services s JOIN regions r ON r.id = s.region_id
WHERE r.code = 'temanggung' AND s.code = 'siup';

-- 001.4 IZIN PEMAKAMAN (bagi yang menggunakan tanah Pemerintah Daerah). D.4 "Tim Teknis Cek
-- lapangan", without the "atau tanpa": REQUIRED. CAMAT (see the header).
-- F. "Izin tempat pemakaman Rp 8.000 per M2" and "Izin Mendirikan Bangunan Rp 10.000 per M2" (of
-- the tomb): one retribusi, luas_makam x Rp 8.000 + luas_bangunan_makam x Rp 10.000 (0 m2 when no
-- tomb is built), assessed by DPMPTSP like every retribusi of the region.
INSERT INTO service_versions (service_id, version, name, kind, survey, authority, forward_agency,
    fee, assessor_office_id, treasurer_office_id, deadline_working_days, validity_unit,
    validity_amount, legal_basis, requirements, fields, criteria, created_at)
SELECT s.id, 1, 'Izin Pemakaman (bagi yang menggunakan tanah Pemerintah Daerah)', 'STRUCTURED',
    'REQUIRED', 'CAMAT', '', 'RETRIBUSI',
    (SELECT id FROM offices WHERE code = 'dpmptsp-temanggung'),
    (SELECT id FROM offices WHERE code = 'dpmptsp-temanggung'),
    1, 'NONE', 0,
    'Peraturan Daerah Kabupaten Temanggung Nomor 13 Tahun 1994 tentang Tempat Pemakaman',
    '[
      {"code": "formulir", "text": "Isian formulir permohonan", "when": ""},
      {"code": "ktp", "text": "Foto copy KTP pemohon atau ahli waris (rangkap 3)", "when": ""},
      {"code": "identitas-jenazah", "text": "Foto copy identitas jenazah dan Surat Kematian dari dokter atau Kades/Kaur", "when": ""},
      {"code": "pernyataan", "text": "Surat pernyataan sanggup mentaati peraturan yang berlaku dan bermaterai Rp 6.000 (rangkap 3)", "when": ""}
    ]'::jsonb,
    '[
      {"name": "nama_jenazah", "label": "Nama jenazah", "type": "TEXT", "unit": "", "required": true, "choices": [], "min": "", "max": ""},
      {"name": "tanggal_meninggal", "label": "Tanggal meninggal", "type": "DATE", "unit": "", "required": true, "choices": [], "min": "", "max": ""},
      {"name": "lokasi_makam", "label": "Tempat pemakaman (tanah Pemerintah Daerah)", "type": "TEXT", "unit": "", "required": true, "choices": [], "min": "", "max": ""},
      {"name": "luas_makam", "label": "Luas tanah makam", "type": "NUMBER", "unit": "m2", "required": true, "choices": [], "min": "0", "max": ""},
      {"name": "luas_bangunan_makam", "label": "Luas bangunan makam (0 bila tanpa bangunan)", "type": "NUMBER", "unit": "m2", "required": true, "choices": [], "min": "0", "max": ""}
    ]'::jsonb,
    '[]'::jsonb,
    current_setting('paten.now')::timestamptz
FROM services s JOIN regions r ON r.id = s.region_id
WHERE r.code = 'temanggung' AND s.code = 'pemakaman';

-- 001.5 IZIN OPRIT (Perizinan Pembuatan Jalan Masuk). D.4 "Cek lapangan atau tanpa cek
-- lapangan": CAMAT_CHOICE. F. "Tanpa Biaya". CAMAT (see the header).
-- C.3 "Kades/Kalur" is kept as written (Kalur: Kepala Kelurahan or Kaur; not an obvious typo).
-- C.8 "apabila permohonan izin bukan pemilik tanah" reads "pemohon" (obvious) and applies when
-- pemohon_pemilik_tanah=false.
INSERT INTO service_versions (service_id, version, name, kind, survey, authority, forward_agency,
    fee, assessor_office_id, treasurer_office_id, deadline_working_days, validity_unit,
    validity_amount, legal_basis, requirements, fields, criteria, created_at)
SELECT s.id, 1, 'Izin Oprit (Pembuatan Jalan Masuk)', 'STRUCTURED', 'CAMAT_CHOICE', 'CAMAT', '',
    'NONE', NULL, NULL,
    1, 'NONE', 0,
    'Peraturan Daerah Kabupaten Temanggung Nomor 1 Tahun 1995 tentang Perizinan Pembuatan Jalan Masuk',
    '[
      {"code": "formulir", "text": "Isian formulir permohonan", "when": ""},
      {"code": "ktp", "text": "Foto copy KTP pemohon (rangkap 3)", "when": ""},
      {"code": "pengantar-desa", "text": "Surat pengantar dari Kades/Kalur", "when": ""},
      {"code": "surat-tanah", "text": "Foto copy surat tanah/sertifikat (rangkap 3)", "when": ""},
      {"code": "imb", "text": "Foto copy IMB (rangkap 3)", "when": ""},
      {"code": "pbb", "text": "Foto copy pelunasan PBB tahun terakhir (rangkap 3)", "when": ""},
      {"code": "gambar-rencana", "text": "Gambar rencana pembuatan jalan masuk (rangkap 3)", "when": ""},
      {"code": "izin-pemilik-tanah", "text": "Surat kuasa/surat izin dari pemilik tanah, apabila pemohon izin bukan pemilik tanah", "when": "pemohon_pemilik_tanah=false"}
    ]'::jsonb,
    '[
      {"name": "lokasi", "label": "Lokasi jalan masuk (alamat, desa)", "type": "TEXT", "unit": "", "required": true, "choices": [], "min": "", "max": ""},
      {"name": "ruas_jalan", "label": "Ruas jalan yang dihubungkan", "type": "TEXT", "unit": "", "required": true, "choices": [], "min": "", "max": ""},
      {"name": "lebar_jalan_masuk", "label": "Lebar jalan masuk", "type": "NUMBER", "unit": "m", "required": false, "choices": [], "min": "0", "max": ""},
      {"name": "pemohon_pemilik_tanah", "label": "Pemohon adalah pemilik tanah", "type": "YES_NO", "unit": "", "required": true, "choices": [], "min": "", "max": ""}
    ]'::jsonb,
    '[]'::jsonb,
    current_setting('paten.now')::timestamptz
FROM services s JOIN regions r ON r.id = s.region_id
WHERE r.code = 'temanggung' AND s.code = 'oprit';

-- 001.6 TANDA DAFTAR PERUSAHAAN (TDP). FORWARDED (see the header). D.4: CAMAT_CHOICE.
-- F. "Tidak ada biaya".
-- A. criterion: "modal disetor dan kekayaan bersih seluruhnya kurang dari atau sama dengan 200
-- juta rupiah, tidak termasuk tanah dan bangunan tempat usaha": both amounts <= Rp 200.000.000
-- ("kekayaan bersih seluruhnya" being the usual phrase for total net assets).
-- C. is one list of 12; its items 5-12 are SIUP's legal-entity items word for word, so they are
-- keyed the same way: 5-9 when bentuk_usaha=BADAN_HUKUM, 10-12 (TDP dilegalisir, akta pembukaan
-- cabang, surat penunjukan untuk Kantor Cabang) when kantor_cabang=true. Interpretation.
INSERT INTO service_versions (service_id, version, name, kind, survey, authority, forward_agency,
    fee, assessor_office_id, treasurer_office_id, deadline_working_days, validity_unit,
    validity_amount, legal_basis, requirements, fields, criteria, created_at)
SELECT s.id, 1, 'Tanda Daftar Perusahaan (TDP)', 'STRUCTURED', 'CAMAT_CHOICE', 'FORWARDED',
    'DPMPTSP Kabupaten Temanggung', 'NONE', NULL, NULL,
    1, 'NONE', 0,
    'SK Bupati Nomor 510/71 Tahun 2003 tentang Ketentuan Penerbitan Tanda Daftar Perusahaan (TDP)',
    '[
      {"code": "ktp", "text": "Foto copy KTP pemohon yang masih berlaku", "when": ""},
      {"code": "sk-desa", "text": "Surat Keterangan dari Kepala Desa yang diketahui oleh Camat", "when": ""},
      {"code": "ho", "text": "Surat Keterangan Tempat Usaha (HO)", "when": ""},
      {"code": "npwp", "text": "Nomor Pokok Wajib Pajak (NPWP)", "when": ""},
      {"code": "akta-pendirian", "text": "Akta pendirian perusahaan", "when": "bentuk_usaha=BADAN_HUKUM"},
      {"code": "data-akta", "text": "Data akta pendirian perusahaan", "when": "bentuk_usaha=BADAN_HUKUM"},
      {"code": "akta-perubahan", "text": "Akta perubahan pendirian perusahaan", "when": "bentuk_usaha=BADAN_HUKUM"},
      {"code": "pengesahan", "text": "Keputusan pengesahan", "when": "bentuk_usaha=BADAN_HUKUM"},
      {"code": "neraca", "text": "Neraca perusahaan terakhir", "when": "bentuk_usaha=BADAN_HUKUM"},
      {"code": "tdp-legalisir", "text": "TDP yang telah dilegalisir", "when": "kantor_cabang=true"},
      {"code": "akta-cabang", "text": "Akta pembukaan cabang", "when": "kantor_cabang=true"},
      {"code": "penunjukan-cabang", "text": "Surat penunjukan dari Kantor Pusat untuk Kantor Cabang yang disahkan oleh Notaris", "when": "kantor_cabang=true"}
    ]'::jsonb,
    '[
      {"name": "nama_perusahaan", "label": "Nama perusahaan", "type": "TEXT", "unit": "", "required": true, "choices": [], "min": "", "max": ""},
      {"name": "bentuk_usaha", "label": "Bentuk usaha (perorangan atau berbadan hukum)", "type": "CHOICE", "unit": "", "required": true, "choices": ["PERORANGAN", "BADAN_HUKUM"], "min": "", "max": ""},
      {"name": "kantor_cabang", "label": "Pendaftaran kantor cabang", "type": "YES_NO", "unit": "", "required": true, "choices": [], "min": "", "max": ""},
      {"name": "kegiatan_usaha", "label": "Kegiatan usaha pokok", "type": "TEXT", "unit": "", "required": true, "choices": [], "min": "", "max": ""},
      {"name": "modal_disetor", "label": "Modal disetor", "type": "NUMBER", "unit": "Rp", "required": true, "choices": [], "min": "0", "max": ""},
      {"name": "kekayaan_bersih", "label": "Kekayaan bersih seluruhnya (tidak termasuk tanah dan bangunan tempat usaha)", "type": "NUMBER", "unit": "Rp", "required": true, "choices": [], "min": "0", "max": ""},
      {"name": "lokasi", "label": "Alamat tempat usaha", "type": "TEXT", "unit": "", "required": true, "choices": [], "min": "", "max": ""}
    ]'::jsonb,
    '[
      {"rule": {"all": [{"field": "modal_disetor", "op": "<=", "value": 200000000}, {"field": "kekayaan_bersih", "op": "<=", "value": 200000000}]}, "reason": "TDP di kecamatan hanya untuk perusahaan dengan modal disetor dan kekayaan bersih seluruhnya kurang dari atau sama dengan Rp 200.000.000, tidak termasuk tanah dan bangunan tempat usaha"}
    ]'::jsonb,
    current_setting('paten.now')::timestamptz
FROM services s JOIN regions r ON r.id = s.region_id
WHERE r.code = 'temanggung' AND s.code = 'tdp';

-- 001.7 TANDA DAFTAR INDUSTRI (TDI). The seed gives only A (the name), B (SK Bupati 53/94 Tahun
-- 2003), E (1 hari setelah persyaratan lengkap) and G; C. PERSYARATAN, D. PROSEDUR and F. BIAYA
-- are empty. Entered like its siblings SIUP and TDP: FORWARDED, CAMAT_CHOICE, no fee (domain.md).
-- NOT FROM THE SEED: the requirement list, the short standard list for a small industry's
-- registration in the words the seed uses for SIUP/TDP; and the form fields. No criteria.
INSERT INTO service_versions (service_id, version, name, kind, survey, authority, forward_agency,
    fee, assessor_office_id, treasurer_office_id, deadline_working_days, validity_unit,
    validity_amount, legal_basis, requirements, fields, criteria, created_at)
SELECT s.id, 1, 'Tanda Daftar Industri (TDI)', 'STRUCTURED', 'CAMAT_CHOICE', 'FORWARDED',
    'DPMPTSP Kabupaten Temanggung', 'NONE', NULL, NULL,
    1, 'NONE', 0,
    'SK Bupati Nomor 53/94 Tahun 2003 tentang Ketentuan Penerbitan Bidang Industri',
    '[
      {"code": "formulir", "text": "Isian formulir permohonan", "when": ""},
      {"code": "ktp", "text": "Foto copy KTP pemohon yang masih berlaku", "when": ""},
      {"code": "sk-desa", "text": "Surat Keterangan dari Kepala Desa yang diketahui oleh Camat", "when": ""},
      {"code": "ho", "text": "Surat Keterangan Tempat Usaha (HO)", "when": ""},
      {"code": "npwp", "text": "Nomor Pokok Wajib Pajak (NPWP)", "when": ""},
      {"code": "akta-pendirian", "text": "Akta pendirian perusahaan", "when": "bentuk_usaha=BADAN_HUKUM"}
    ]'::jsonb,
    '[
      {"name": "nama_perusahaan", "label": "Nama perusahaan", "type": "TEXT", "unit": "", "required": true, "choices": [], "min": "", "max": ""},
      {"name": "bentuk_usaha", "label": "Bentuk usaha (perorangan atau berbadan hukum)", "type": "CHOICE", "unit": "", "required": true, "choices": ["PERORANGAN", "BADAN_HUKUM"], "min": "", "max": ""},
      {"name": "jenis_industri", "label": "Jenis industri / komoditas", "type": "TEXT", "unit": "", "required": true, "choices": [], "min": "", "max": ""},
      {"name": "nilai_investasi", "label": "Nilai investasi (tidak termasuk tanah dan bangunan tempat usaha)", "type": "NUMBER", "unit": "Rp", "required": false, "choices": [], "min": "0", "max": ""},
      {"name": "lokasi", "label": "Alamat tempat usaha", "type": "TEXT", "unit": "", "required": true, "choices": [], "min": "", "max": ""}
    ]'::jsonb,
    '[]'::jsonb,
    current_setting('paten.now')::timestamptz
FROM services s JOIN regions r ON r.id = s.region_id
WHERE r.code = 'temanggung' AND s.code = 'tdi';

-- 001.8 IZIN PEMASANGAN REKLAME: billboard/papan, spanduk/layar/umbul-umbul, poster/stiker/
-- selebaran. D.4 "Cek lapangan atau tanpa cek lapangan": CAMAT_CHOICE. CAMAT (see the header).
-- F. "Rp 25.000 per meter": the reklame tax (PAJAK) set by BAPENDA, read as Rp 25.000 per m2 per
-- permit (domain.md); the area is lebar x tinggi x jumlah_muka x jumlah_buah.
-- C. two lists: a. permanen (8 items), b. non permanen (3 items). The three items of b. (KTP, NPWP,
-- surat kuasa) are a.2-a.4 in other words, so each document is entered once: KTP and NPWP always,
-- the power of attorney when represented, and the five items only a. has when
-- jenis_reklame=PERMANEN. The checklist of each case is exactly the seed's list.
-- No validity: seed 001 gives none (the permit covers the lama_pemasangan applied for).
-- Criterion (interpretation; seed 001 states none): the Camat's permit covers the kecamatan's own
-- territory, so the location must lie in it.
INSERT INTO service_versions (service_id, version, name, kind, survey, authority, forward_agency,
    fee, assessor_office_id, treasurer_office_id, deadline_working_days, validity_unit,
    validity_amount, legal_basis, requirements, fields, criteria, created_at)
SELECT s.id, 1, 'Izin Pemasangan Reklame', 'STRUCTURED', 'CAMAT_CHOICE', 'CAMAT', '', 'PAJAK',
    (SELECT id FROM offices WHERE code = 'bapenda-temanggung'),
    (SELECT id FROM offices WHERE code = 'bapenda-temanggung'),
    1, 'NONE', 0,
    E'1. Perda Kab. Temanggung No. 15 Tahun 2011 tentang Bangunan Gedung\n'
    '2. Perda Kab. Temanggung No. 33 Tahun 2011 tentang Penyelenggaraan Reklame',
    '[
      {"code": "formulir", "text": "Mengisi formulir yang telah disediakan", "when": "jenis_reklame=PERMANEN"},
      {"code": "ktp", "text": "Fotocopy KTP dengan menunjukkan aslinya", "when": ""},
      {"code": "npwp", "text": "Fotocopy NPWP dengan menunjukkan aslinya", "when": ""},
      {"code": "surat-kuasa", "text": "Surat kuasa bermeterai dari pemohon bila pengajuan permohonan dikuasakan pada orang lain", "when": "represented"},
      {"code": "sketsa-lokasi", "text": "Sketsa titik lokasi penyelenggaraan reklame", "when": "jenis_reklame=PERMANEN"},
      {"code": "desain", "text": "Desain dan tipologi reklame", "when": "jenis_reklame=PERMANEN"},
      {"code": "foto-lokasi", "text": "Foto terbaru rencana lokasi penempatan reklame berukuran 4R", "when": "jenis_reklame=PERMANEN"},
      {"code": "imb", "text": "Wajib melampirkan Izin Mendirikan Bangunan (IMB)", "when": "jenis_reklame=PERMANEN"}
    ]'::jsonb,
    '[
      {"name": "jenis_reklame", "label": "Jenis reklame", "type": "CHOICE", "unit": "", "required": true, "choices": ["PERMANEN", "NON_PERMANEN"], "min": "", "max": ""},
      {"name": "bentuk", "label": "Bentuk reklame", "type": "CHOICE", "unit": "", "required": true, "choices": ["PAPAN_BILLBOARD", "SPANDUK_LAYAR_UMBUL_UMBUL", "POSTER_STIKER_SELEBARAN"], "min": "", "max": ""},
      {"name": "lebar", "label": "Lebar", "type": "NUMBER", "unit": "m", "required": true, "choices": [], "min": "0", "max": ""},
      {"name": "tinggi", "label": "Tinggi", "type": "NUMBER", "unit": "m", "required": true, "choices": [], "min": "0", "max": ""},
      {"name": "jumlah_muka", "label": "Jumlah muka", "type": "NUMBER", "unit": "muka", "required": true, "choices": [], "min": "1", "max": ""},
      {"name": "jumlah_buah", "label": "Jumlah", "type": "NUMBER", "unit": "buah", "required": true, "choices": [], "min": "1", "max": ""},
      {"name": "lokasi", "label": "Lokasi pemasangan/penyebaran", "type": "TEXT", "unit": "", "required": true, "choices": [], "min": "", "max": ""},
      {"name": "lama_pemasangan", "label": "Lama pemasangan", "type": "NUMBER", "unit": "bulan", "required": true, "choices": [], "min": "1", "max": ""},
      {"name": "naskah", "label": "Naskah reklame", "type": "TEXT", "unit": "", "required": true, "choices": [], "min": "", "max": ""},
      {"name": "dalam_satu_kecamatan", "label": "Lokasi pemasangan/penyebaran seluruhnya dalam wilayah kecamatan ini", "type": "YES_NO", "unit": "", "required": true, "choices": [], "min": "", "max": ""}
    ]'::jsonb,
    '[
      {"rule": {"field": "dalam_satu_kecamatan", "op": "=", "value": true}, "reason": "Izin reklame dari Camat hanya untuk pemasangan/penyebaran dalam wilayah kecamatan"}
    ]'::jsonb,
    current_setting('paten.now')::timestamptz
FROM services s JOIN regions r ON r.id = s.region_id
WHERE r.code = 'temanggung' AND s.code = 'reklame';


-- =============================================================================================
-- Kabupaten Pemalang (seed 004). Every service ends in an "SK Camat" or a letter of the Camat:
-- CAMAT throughout. Deadlines "Selambat-lambatnya N hari kerja setelah permohonan diterima
-- lengkap". A. PERIZINAN TERSTRUKTUR: "pelayanan perizinan yang memerlukan survey lapangan":
-- STRUCTURED with a REQUIRED survey (the individual procedures do not repeat that step; IMB's has
-- UPPU measure). B. PERIZINAN TIDAK TERSTRUKTUR: "yang tidak survey lapangan": UNSTRUCTURED.
-- =============================================================================================

-- 004.A IMB: "Diberikan untuk luas bangunan sampai dengan 100 m2 kecuali: bangunan bertingkat,
-- bangunan tower dan bangunan kolektif" (any use, not only houses): criteria luas_bangunan <= 100,
-- jumlah_lantai = 1, tipe_bangunan not TOWER or KOLEKTIF (KOLEKTIF: several buildings under one
-- permit, as for a housing estate). The Camat asks UPPU to measure and price (UPPU's TIM_TEKNIS
-- surveys), then DPMPTSP for the SKRD; the cashier pays on to DPMPTSP's treasurer within 1 x 24 h.
-- Biaya: "luas bangunan x 0,25% x koefisien bangunan x (luas, tinggi, guna bangunan, hirarki
-- kota/wilayah, koefisien jalan, kelas jalan)": luas_bangunan, jumlah_lantai (tinggi),
-- fungsi_bangunan (guna), kelas_bangunan from the form; the road and area coefficients are UPPU's
-- measurements (its berita acara), not asked at the counter.
INSERT INTO service_versions (service_id, version, name, kind, survey, authority, forward_agency,
    fee, assessor_office_id, treasurer_office_id, deadline_working_days, validity_unit,
    validity_amount, legal_basis, requirements, fields, criteria, created_at)
SELECT s.id, 1, 'Izin Mendirikan Bangunan (IMB)', 'STRUCTURED', 'REQUIRED', 'CAMAT', '',
    'RETRIBUSI',
    (SELECT id FROM offices WHERE code = 'dpmptsp-pemalang'),
    (SELECT id FROM offices WHERE code = 'dpmptsp-pemalang'),
    5, 'NONE', 0,
    'Peraturan Daerah Kabupaten Pemalang Nomor 4 Tahun 2012 tentang Retribusi Perizinan Tertentu',
    '[
      {"code": "ktp", "text": "Fotokopi KTP Pemilik Bangunan", "when": ""},
      {"code": "persetujuan-tetangga", "text": "Surat Pernyataan Persetujuan Tetangga (bermaterai)", "when": ""},
      {"code": "bukti-tanah", "text": "Fotokopi Bukti Kepemilikan Tanah", "when": ""},
      {"code": "pbb", "text": "Fotokopi SPPT PBB tahun terakhir", "when": ""},
      {"code": "gambar-rencana", "text": "Gambar Rencana Bangunan", "when": ""},
      {"code": "pengantar-desa", "text": "Surat Pengantar IMB dari Desa/Kelurahan", "when": ""}
    ]'::jsonb,
    '[
      {"name": "luas_bangunan", "label": "Luas bangunan", "type": "NUMBER", "unit": "m2", "required": true, "choices": [], "min": "0", "max": ""},
      {"name": "jumlah_lantai", "label": "Jumlah lantai", "type": "NUMBER", "unit": "lantai", "required": true, "choices": [], "min": "1", "max": ""},
      {"name": "fungsi_bangunan", "label": "Fungsi (guna) bangunan", "type": "CHOICE", "unit": "", "required": true, "choices": ["HUNIAN", "KEAGAMAAN", "USAHA", "SOSIAL_BUDAYA", "KHUSUS"], "min": "", "max": ""},
      {"name": "kelas_bangunan", "label": "Kelas bangunan (koefisien bangunan)", "type": "CHOICE", "unit": "", "required": true, "choices": ["PERMANEN", "SEMI_PERMANEN", "DARURAT"], "min": "", "max": ""},
      {"name": "tipe_bangunan", "label": "Tipe bangunan (tunggal, kolektif, tower)", "type": "CHOICE", "unit": "", "required": true, "choices": ["TUNGGAL", "KOLEKTIF", "TOWER"], "min": "", "max": ""},
      {"name": "lokasi", "label": "Lokasi bangunan (alamat, desa/kelurahan)", "type": "TEXT", "unit": "", "required": true, "choices": [], "min": "", "max": ""}
    ]'::jsonb,
    '[
      {"rule": {"field": "luas_bangunan", "op": "<=", "value": 100}, "reason": "IMB di kecamatan hanya untuk luas bangunan sampai dengan 100 m2"},
      {"rule": {"field": "jumlah_lantai", "op": "=", "value": 1}, "reason": "Bangunan bertingkat tidak termasuk IMB yang diberikan di kecamatan"},
      {"rule": {"not": {"field": "tipe_bangunan", "op": "in", "value": ["TOWER", "KOLEKTIF"]}}, "reason": "Bangunan tower dan bangunan kolektif tidak termasuk IMB yang diberikan di kecamatan"}
    ]'::jsonb,
    current_setting('paten.now')::timestamptz
FROM services s JOIN regions r ON r.id = s.region_id
WHERE r.code = 'pemalang' AND s.code = 'imb';

-- 004.A Izin Reklame dengan Kriteria Tertentu. Kriteria: a papan at/above/in front of the
-- shop/warung or in the business's yard; spanduk/layar/umbul-umbul and poster/stiker/selebaran
-- within one kecamatan: two criteria over bentuk and two yes/no fields. The Camat asks BAPENDA to
-- set the SPTPD; the cashier pays on to BAPENDA's treasurer within 1 x 24 h: PAJAK, BAPENDA.
-- Biaya "Rp 121.500 per 1 m2/tahun atau Rp 10.125 per 1 m2/bulan" (tariff data): area
-- lebar x tinggi x jumlah_muka x jumlah_buah, lama_pemasangan in months (at most 12: "Izin berlaku
-- selama 1 (satu) tahun" -> validity 1 YEARS). Seed 004 does not distinguish permanent from
-- non-permanent reklame, so the form has no jenis_reklame.
-- Lampiran 4 "bila dikuasakan": represented; 5 "bagi pemohon berbadan hukum":
-- pemohon_badan_hukum=true; 7 "apabila perpanjangan": perpanjangan=true.
INSERT INTO service_versions (service_id, version, name, kind, survey, authority, forward_agency,
    fee, assessor_office_id, treasurer_office_id, deadline_working_days, validity_unit,
    validity_amount, legal_basis, requirements, fields, criteria, created_at)
SELECT s.id, 1, 'Izin Reklame dengan Kriteria Tertentu', 'STRUCTURED', 'REQUIRED', 'CAMAT', '',
    'PAJAK',
    (SELECT id FROM offices WHERE code = 'bapenda-pemalang'),
    (SELECT id FROM offices WHERE code = 'bapenda-pemalang'),
    2, 'YEARS', 1,
    'Peraturan Bupati Pemalang Nomor 90 Tahun 2017 tentang Petunjuk Pelaksanaan Peraturan Daerah Kabupaten Pemalang Nomor 12 Tahun 2013 tentang Penyelenggaraan Reklame',
    '[
      {"code": "ktp", "text": "Fotokopi KTP", "when": ""},
      {"code": "npwp", "text": "Fotokopi NPWP", "when": ""},
      {"code": "contoh-reklame", "text": "Contoh reklame/daftar naskah/selebaran reklame", "when": ""},
      {"code": "surat-kuasa", "text": "Surat Kuasa bermeterai dari Pemohon bila dikuasakan kepada orang lain", "when": "represented"},
      {"code": "akta-pendirian", "text": "Fotokopi akte pendirian perusahaan bagi pemohon berbadan hukum", "when": "pemohon_badan_hukum=true"},
      {"code": "persetujuan-tempat", "text": "Surat persetujuan atau rekomendasi pemasangan/penempatan reklame dari orang/instansi berwenang yang menguasai tempat atau tanah", "when": ""},
      {"code": "izin-sebelumnya", "text": "Fotokopi ijin reklame sebelumnya apabila perpanjangan", "when": "perpanjangan=true"},
      {"code": "pengantar-desa", "text": "Surat Pengantar Izin Reklame dari Desa/Kelurahan", "when": ""}
    ]'::jsonb,
    '[
      {"name": "bentuk", "label": "Bentuk reklame", "type": "CHOICE", "unit": "", "required": true, "choices": ["PAPAN", "SPANDUK_LAYAR_UMBUL_UMBUL", "POSTER_STIKER_SELEBARAN"], "min": "", "max": ""},
      {"name": "lebar", "label": "Lebar", "type": "NUMBER", "unit": "m", "required": true, "choices": [], "min": "0", "max": ""},
      {"name": "tinggi", "label": "Tinggi", "type": "NUMBER", "unit": "m", "required": true, "choices": [], "min": "0", "max": ""},
      {"name": "jumlah_muka", "label": "Jumlah muka", "type": "NUMBER", "unit": "muka", "required": true, "choices": [], "min": "1", "max": ""},
      {"name": "jumlah_buah", "label": "Jumlah", "type": "NUMBER", "unit": "buah", "required": true, "choices": [], "min": "1", "max": ""},
      {"name": "lokasi", "label": "Lokasi pemasangan/penyebaran", "type": "TEXT", "unit": "", "required": true, "choices": [], "min": "", "max": ""},
      {"name": "lama_pemasangan", "label": "Lama pemasangan", "type": "NUMBER", "unit": "bulan", "required": true, "choices": [], "min": "1", "max": "12"},
      {"name": "naskah", "label": "Naskah reklame", "type": "TEXT", "unit": "", "required": true, "choices": [], "min": "", "max": ""},
      {"name": "di_tempat_usaha", "label": "Dipasang di atas/depan toko/warung atau di halaman pekarangan tempat usaha", "type": "YES_NO", "unit": "", "required": true, "choices": [], "min": "", "max": ""},
      {"name": "dalam_satu_kecamatan", "label": "Lokasi pemasangan/penyebaran dalam satu wilayah kecamatan", "type": "YES_NO", "unit": "", "required": true, "choices": [], "min": "", "max": ""},
      {"name": "pemohon_badan_hukum", "label": "Pemohon berbadan hukum", "type": "YES_NO", "unit": "", "required": true, "choices": [], "min": "", "max": ""},
      {"name": "perpanjangan", "label": "Perpanjangan izin reklame", "type": "YES_NO", "unit": "", "required": true, "choices": [], "min": "", "max": ""}
    ]'::jsonb,
    '[
      {"rule": {"any": [{"field": "bentuk", "op": "!=", "value": "PAPAN"}, {"field": "di_tempat_usaha", "op": "=", "value": true}]}, "reason": "Papan reklame hanya dapat diizinkan Camat bila dipasang di atas/depan toko/warung atau di halaman pekarangan tempat usaha"},
      {"rule": {"any": [{"field": "bentuk", "op": "=", "value": "PAPAN"}, {"field": "dalam_satu_kecamatan", "op": "=", "value": true}]}, "reason": "Spanduk/layar/umbul-umbul dan poster/stiker/selebaran hanya dapat diizinkan Camat bila dipasang/disebarkan dalam satu wilayah kecamatan"}
    ]'::jsonb,
    current_setting('paten.now')::timestamptz
FROM services s JOIN regions r ON r.id = s.region_id
WHERE r.code = 'pemalang' AND s.code = 'reklame';

-- 004.A IUMK dengan Kriteria Tertentu. "Tidak dipungut biaya". The form's "Data usaha (bentuk,
-- kegiatan, sarana, modal, omset usaha)" gives the fields.
-- Kriteria as domain.md encodes them: micro (kekayaan bersih <= Rp 50.000.000 or penjualan
-- tahunan <= Rp 300.000.000) or small (penjualan tahunan <= Rp 2.500.000.000). Note: the seed's
-- "Usaha Kecil memiliki kekayaan bersih lebih dari Rp 50.000.000" has lost its upper bound (the
-- law it quotes has "sampai dengan Rp 500.000.000"); read literally it would admit every business,
-- so its asset branch is left out, as in domain.md.
INSERT INTO service_versions (service_id, version, name, kind, survey, authority, forward_agency,
    fee, assessor_office_id, treasurer_office_id, deadline_working_days, validity_unit,
    validity_amount, legal_basis, requirements, fields, criteria, created_at)
SELECT s.id, 1, 'Izin Usaha Mikro dan Kecil (IUMK)', 'STRUCTURED', 'REQUIRED', 'CAMAT', '',
    'NONE', NULL, NULL,
    2, 'NONE', 0,
    'Peraturan Menteri Dalam Negeri RI Nomor 83 Tahun 2014 tentang Pedoman Pemberian Ijin Usaha Mikro Kecil',
    '[
      {"code": "pengantar-rt-rw", "text": "Surat Pengantar RT/RW terkait lokasi usaha", "when": ""},
      {"code": "ktp", "text": "Fotokopi KTP", "when": ""},
      {"code": "kk", "text": "Fotokopi Kartu Keluarga", "when": ""},
      {"code": "pas-foto", "text": "Pas Foto terbaru ukuran 4 x 6 sebanyak 2 (dua) lembar", "when": ""}
    ]'::jsonb,
    '[
      {"name": "nama_usaha", "label": "Nama usaha", "type": "TEXT", "unit": "", "required": true, "choices": [], "min": "", "max": ""},
      {"name": "bentuk_usaha", "label": "Bentuk usaha", "type": "TEXT", "unit": "", "required": true, "choices": [], "min": "", "max": ""},
      {"name": "jenis_usaha", "label": "Kegiatan/jenis usaha", "type": "TEXT", "unit": "", "required": true, "choices": [], "min": "", "max": ""},
      {"name": "sarana_usaha", "label": "Sarana usaha", "type": "TEXT", "unit": "", "required": false, "choices": [], "min": "", "max": ""},
      {"name": "kekayaan_bersih", "label": "Kekayaan bersih/modal usaha (tidak termasuk tanah dan bangunan tempat usaha)", "type": "NUMBER", "unit": "Rp", "required": true, "choices": [], "min": "0", "max": ""},
      {"name": "penjualan_tahunan", "label": "Hasil penjualan tahunan (omset)", "type": "NUMBER", "unit": "Rp", "required": true, "choices": [], "min": "0", "max": ""},
      {"name": "lokasi", "label": "Lokasi usaha", "type": "TEXT", "unit": "", "required": true, "choices": [], "min": "", "max": ""}
    ]'::jsonb,
    '[
      {"rule": {"any": [{"any": [{"field": "kekayaan_bersih", "op": "<=", "value": 50000000}, {"field": "penjualan_tahunan", "op": "<=", "value": 300000000}]}, {"field": "penjualan_tahunan", "op": "<=", "value": 2500000000}]}, "reason": "Bukan usaha mikro atau kecil: usaha mikro memiliki kekayaan bersih paling banyak Rp 50.000.000 (tidak termasuk tanah dan bangunan tempat usaha) atau hasil penjualan tahunan paling banyak Rp 300.000.000; usaha kecil memiliki hasil penjualan tahunan paling banyak Rp 2.500.000.000"}
    ]'::jsonb,
    current_setting('paten.now')::timestamptz
FROM services s JOIN regions r ON r.id = s.region_id
WHERE r.code = 'pemalang' AND s.code = 'iumk';

-- 004.A Izin Usaha Pariwisata: four services, not one with a choice field. The seed gives each its
-- own procedure, its own lampiran and its own decree ("SK Camat tentang Ijin Usaha Salon
-- Kecantikan", "... Rumah Makan", ...); at the counter an applicant asks for "izin salon" or "izin
-- rumah makan", the officer picks that service and sees exactly its list, and only the restaurant
-- asks for a floor area. (One service would need requirements keyed on two types at once, which a
-- single "when" cannot say.) All four: Perbup Pemalang 50/2017, 2 hari kerja, no fee.
-- Besides the lampiran, step 2 of each has the applicant fill in "formulir permohonan bermaterai":
-- a stamped paper the counter must receive, entered as a requirement.

-- 1) Salon Kecantikan.
INSERT INTO service_versions (service_id, version, name, kind, survey, authority, forward_agency,
    fee, assessor_office_id, treasurer_office_id, deadline_working_days, validity_unit,
    validity_amount, legal_basis, requirements, fields, criteria, created_at)
SELECT s.id, 1, 'Izin Usaha Pariwisata: Salon Kecantikan', 'STRUCTURED', 'REQUIRED', 'CAMAT', '',
    'NONE', NULL, NULL,
    2, 'NONE', 0,
    'Peraturan Bupati Pemalang Nomor 50 Tahun 2017 tentang Tata Cara Pelimpahan Sebagian Kewenangan Bupati kepada Camat',
    '[
      {"code": "pengantar-desa", "text": "Surat Pengantar Desa/Kelurahan terkait lokasi usaha", "when": ""},
      {"code": "ktp", "text": "Fotokopi KTP", "when": ""},
      {"code": "formulir", "text": "Formulir permohonan bermaterai yang memuat data identitas pemohon dan data usaha", "when": ""}
    ]'::jsonb,
    '[
      {"name": "nama_usaha", "label": "Nama salon kecantikan", "type": "TEXT", "unit": "", "required": true, "choices": [], "min": "", "max": ""},
      {"name": "lokasi", "label": "Lokasi usaha", "type": "TEXT", "unit": "", "required": true, "choices": [], "min": "", "max": ""}
    ]'::jsonb,
    '[]'::jsonb,
    current_setting('paten.now')::timestamptz
FROM services s JOIN regions r ON r.id = s.region_id
WHERE r.code = 'pemalang' AND s.code = 'pariwisata-salon';

-- 2) Rumah Makan "dengan luas sampai dengan 40 m2 dengan bangunan permanen": criteria luas <= 40
-- and bangunan_permanen = true.
INSERT INTO service_versions (service_id, version, name, kind, survey, authority, forward_agency,
    fee, assessor_office_id, treasurer_office_id, deadline_working_days, validity_unit,
    validity_amount, legal_basis, requirements, fields, criteria, created_at)
SELECT s.id, 1, 'Izin Usaha Pariwisata: Rumah Makan', 'STRUCTURED', 'REQUIRED', 'CAMAT', '',
    'NONE', NULL, NULL,
    2, 'NONE', 0,
    'Peraturan Bupati Pemalang Nomor 50 Tahun 2017 tentang Tata Cara Pelimpahan Sebagian Kewenangan Bupati kepada Camat',
    '[
      {"code": "pengantar-desa", "text": "Surat Pengantar Desa/Kelurahan terkait lokasi usaha", "when": ""},
      {"code": "ktp", "text": "Fotokopi KTP", "when": ""},
      {"code": "formulir", "text": "Formulir permohonan bermaterai yang memuat data identitas pemohon dan data usaha", "when": ""}
    ]'::jsonb,
    '[
      {"name": "nama_usaha", "label": "Nama rumah makan", "type": "TEXT", "unit": "", "required": true, "choices": [], "min": "", "max": ""},
      {"name": "lokasi", "label": "Lokasi usaha", "type": "TEXT", "unit": "", "required": true, "choices": [], "min": "", "max": ""},
      {"name": "luas", "label": "Luas rumah makan", "type": "NUMBER", "unit": "m2", "required": true, "choices": [], "min": "0", "max": ""},
      {"name": "bangunan_permanen", "label": "Bangunan permanen", "type": "YES_NO", "unit": "", "required": true, "choices": [], "min": "", "max": ""}
    ]'::jsonb,
    '[
      {"rule": {"field": "luas", "op": "<=", "value": 40}, "reason": "Izin Usaha Rumah Makan di kecamatan hanya untuk rumah makan dengan luas sampai dengan 40 m2"},
      {"rule": {"field": "bangunan_permanen", "op": "=", "value": true}, "reason": "Izin Usaha Rumah Makan di kecamatan hanya untuk rumah makan dengan bangunan permanen"}
    ]'::jsonb,
    current_setting('paten.now')::timestamptz
FROM services s JOIN regions r ON r.id = s.region_id
WHERE r.code = 'pemalang' AND s.code = 'pariwisata-rumah-makan';

-- 3) Gelanggang Ketangkasan ("Surat Penyataan" -> "Pernyataan").
INSERT INTO service_versions (service_id, version, name, kind, survey, authority, forward_agency,
    fee, assessor_office_id, treasurer_office_id, deadline_working_days, validity_unit,
    validity_amount, legal_basis, requirements, fields, criteria, created_at)
SELECT s.id, 1, 'Izin Usaha Pariwisata: Gelanggang Ketangkasan', 'STRUCTURED', 'REQUIRED', 'CAMAT',
    '', 'NONE', NULL, NULL,
    2, 'NONE', 0,
    'Peraturan Bupati Pemalang Nomor 50 Tahun 2017 tentang Tata Cara Pelimpahan Sebagian Kewenangan Bupati kepada Camat',
    '[
      {"code": "ktp", "text": "Fotokopi KTP", "when": ""},
      {"code": "pengantar-desa", "text": "Surat Pengantar Desa/Kelurahan terkait lokasi usaha", "when": ""},
      {"code": "pernyataan", "text": "Surat Pernyataan Bermaterai yang diketahui Desa/Kelurahan", "when": ""},
      {"code": "formulir", "text": "Formulir permohonan bermaterai yang memuat data identitas pemohon dan data usaha", "when": ""}
    ]'::jsonb,
    '[
      {"name": "nama_usaha", "label": "Nama gelanggang ketangkasan", "type": "TEXT", "unit": "", "required": true, "choices": [], "min": "", "max": ""},
      {"name": "jenis_permainan", "label": "Jenis permainan ketangkasan", "type": "TEXT", "unit": "", "required": true, "choices": [], "min": "", "max": ""},
      {"name": "lokasi", "label": "Lokasi usaha", "type": "TEXT", "unit": "", "required": true, "choices": [], "min": "", "max": ""}
    ]'::jsonb,
    '[]'::jsonb,
    current_setting('paten.now')::timestamptz
FROM services s JOIN regions r ON r.id = s.region_id
WHERE r.code = 'pemalang' AND s.code = 'pariwisata-gelanggang';

-- 4) Atraksi Wisata.
INSERT INTO service_versions (service_id, version, name, kind, survey, authority, forward_agency,
    fee, assessor_office_id, treasurer_office_id, deadline_working_days, validity_unit,
    validity_amount, legal_basis, requirements, fields, criteria, created_at)
SELECT s.id, 1, 'Izin Usaha Pariwisata: Atraksi Wisata', 'STRUCTURED', 'REQUIRED', 'CAMAT', '',
    'NONE', NULL, NULL,
    2, 'NONE', 0,
    'Peraturan Bupati Pemalang Nomor 50 Tahun 2017 tentang Tata Cara Pelimpahan Sebagian Kewenangan Bupati kepada Camat',
    '[
      {"code": "ktp", "text": "Fotokopi KTP", "when": ""},
      {"code": "pengantar-desa", "text": "Surat Pengantar Desa/Kelurahan terkait lokasi usaha", "when": ""},
      {"code": "pernyataan", "text": "Surat Pernyataan Bermaterai yang diketahui Desa/Kelurahan", "when": ""},
      {"code": "struktur-organisasi", "text": "Fotokopi Struktur Organisasi Perusahaan", "when": ""},
      {"code": "formulir", "text": "Formulir permohonan bermaterai yang memuat data identitas pemohon dan data usaha", "when": ""}
    ]'::jsonb,
    '[
      {"name": "nama_usaha", "label": "Nama usaha atraksi wisata", "type": "TEXT", "unit": "", "required": true, "choices": [], "min": "", "max": ""},
      {"name": "jenis_atraksi", "label": "Jenis atraksi wisata", "type": "TEXT", "unit": "", "required": true, "choices": [], "min": "", "max": ""},
      {"name": "lokasi", "label": "Lokasi usaha", "type": "TEXT", "unit": "", "required": true, "choices": [], "min": "", "max": ""}
    ]'::jsonb,
    '[]'::jsonb,
    current_setting('paten.now')::timestamptz
FROM services s JOIN regions r ON r.id = s.region_id
WHERE r.code = 'pemalang' AND s.code = 'pariwisata-atraksi';

-- 004.B.1 Surat Keterangan Pindah Penduduk. "Surat Keterangan Pindah berlaku selama 30 (tiga
-- puluh) hari kerja": validity 30 WORKING_DAYS. One service with the five cases of the seed as a
-- choice (jenis_pindah); each case's list keyed on it:
--   A antar desa (ANTAR_DESA): the lampiran of step 1, plus the village's two papers the applicant
--     brings to the kecamatan in step 3 (the "surat pengantar pindah" of step 1 and the "pengantar
--     pembuatan KTP dan KK baru" of step 2);
--   B pindah pergi antar kecamatan, C pindah datang antar kecamatan, D pindah pergi antar
--     kabupaten, E pindah datang antar kabupaten: their lampiran as listed.
-- D's "(jika ada perubahan status)", "apabila dipersyaratkan oleh daerah tujuan", "(jika
-- suami/istri yang pindah)" and E's "(jika ada perubahan status)" are conditions inside a case; a
-- "when" holds one condition, so these stay keyed on the case with the condition in their text.
-- "SKPDWN" is kept as written.
INSERT INTO service_versions (service_id, version, name, kind, survey, authority, forward_agency,
    fee, assessor_office_id, treasurer_office_id, deadline_working_days, validity_unit,
    validity_amount, legal_basis, requirements, fields, criteria, created_at)
SELECT s.id, 1, 'Surat Keterangan Pindah Penduduk', 'UNSTRUCTURED', 'NONE', 'CAMAT', '',
    'NONE', NULL, NULL,
    2, 'WORKING_DAYS', 30,
    E'1. Undang-undang Nomor 24 Tahun 2013 tentang Perubahan Undang-undang Nomor 23 Tahun 2006 tentang Administrasi Kependudukan\n'
    '2. Peraturan Menteri Dalam Negeri Nomor 19 Tahun 2010 tentang Formulir dan Buku yang Digunakan dalam Pendaftaran Penduduk dan Pencatatan Sipil',
    '[
      {"code": "a-pengantar-pindah", "text": "Surat pengantar pindah pergi/datang dari Desa/Kelurahan", "when": "jenis_pindah=ANTAR_DESA"},
      {"code": "a-ktp", "text": "KTP asli", "when": "jenis_pindah=ANTAR_DESA"},
      {"code": "a-kk", "text": "KK asli", "when": "jenis_pindah=ANTAR_DESA"},
      {"code": "a-pengantar-rt-rw", "text": "Surat Pengantar dari RT/RW", "when": "jenis_pindah=ANTAR_DESA"},
      {"code": "a-pengantar-ktp-kk", "text": "Pengantar pembuatan KTP dan KK baru dari Desa/Kelurahan", "when": "jenis_pindah=ANTAR_DESA"},
      {"code": "b-ktp", "text": "KTP asli", "when": "jenis_pindah=PERGI_ANTAR_KECAMATAN"},
      {"code": "b-kk", "text": "KK asli", "when": "jenis_pindah=PERGI_ANTAR_KECAMATAN"},
      {"code": "b-fotokopi-kk", "text": "Fotokopi KK sebanyak 6 (enam) lembar", "when": "jenis_pindah=PERGI_ANTAR_KECAMATAN"},
      {"code": "b-pengantar-rt-rw", "text": "Surat Pengantar dari RT/RW", "when": "jenis_pindah=PERGI_ANTAR_KECAMATAN"},
      {"code": "b-form-1-29", "text": "Formulir permohonan pindah dari Desa/Kelurahan asal (form. 1-29)", "when": "jenis_pindah=PERGI_ANTAR_KECAMATAN"},
      {"code": "c-pengantar-desa", "text": "Pengantar pembuatan KK dan KTP dari Desa/Kelurahan", "when": "jenis_pindah=DATANG_ANTAR_KECAMATAN"},
      {"code": "c-form-1-31", "text": "Permohonan pindah datang di Desa/Kelurahan (form. 1-31)", "when": "jenis_pindah=DATANG_ANTAR_KECAMATAN"},
      {"code": "c-form-1-30", "text": "Surat Keterangan pindah pergi dari Kecamatan asal (form. 1-30)", "when": "jenis_pindah=DATANG_ANTAR_KECAMATAN"},
      {"code": "d-pengantar-rt-rw", "text": "Surat Pengantar RT/RW", "when": "jenis_pindah=PERGI_ANTAR_KABUPATEN"},
      {"code": "d-ktp", "text": "KTP asli, termasuk pengikut yang telah memiliki KTP", "when": "jenis_pindah=PERGI_ANTAR_KABUPATEN"},
      {"code": "d-kk", "text": "KK asli", "when": "jenis_pindah=PERGI_ANTAR_KABUPATEN"},
      {"code": "d-fotokopi-kk", "text": "Fotokopi KK sebanyak 6 (enam) lembar", "when": "jenis_pindah=PERGI_ANTAR_KABUPATEN"},
      {"code": "d-surat-nikah", "text": "Fotokopi surat nikah sebanyak 5 (lima) lembar (jika ada perubahan status)", "when": "jenis_pindah=PERGI_ANTAR_KABUPATEN"},
      {"code": "d-skck", "text": "SKCK asli apabila dipersyaratkan oleh daerah tujuan", "when": "jenis_pindah=PERGI_ANTAR_KABUPATEN"},
      {"code": "d-pernyataan", "text": "Surat pernyataan suami/istri (jika suami/istri yang pindah)", "when": "jenis_pindah=PERGI_ANTAR_KABUPATEN"},
      {"code": "e-skpdwn", "text": "Surat Keterangan Pindah WNI (SKPDWN)", "when": "jenis_pindah=DATANG_ANTAR_KABUPATEN"},
      {"code": "e-form-1-38", "text": "Surat permohonan pindah datang di Desa/Kelurahan tujuan (form. 1-38)", "when": "jenis_pindah=DATANG_ANTAR_KABUPATEN"},
      {"code": "e-form-1-39", "text": "Surat permohonan pindah datang di Kecamatan tujuan (form. 1-39)", "when": "jenis_pindah=DATANG_ANTAR_KABUPATEN"},
      {"code": "e-surat-nikah", "text": "Fotokopi surat nikah sebanyak 3 (tiga) lembar (jika ada perubahan status)", "when": "jenis_pindah=DATANG_ANTAR_KABUPATEN"},
      {"code": "e-skck", "text": "SKCK (Surat Keterangan Catatan Kelakuan Baik) dari Polres Kabupaten/Kota asal", "when": "jenis_pindah=DATANG_ANTAR_KABUPATEN"}
    ]'::jsonb,
    '[
      {"name": "jenis_pindah", "label": "Jenis pindah", "type": "CHOICE", "unit": "", "required": true, "choices": ["ANTAR_DESA", "PERGI_ANTAR_KECAMATAN", "DATANG_ANTAR_KECAMATAN", "PERGI_ANTAR_KABUPATEN", "DATANG_ANTAR_KABUPATEN"], "min": "", "max": ""},
      {"name": "alamat_asal", "label": "Alamat asal", "type": "TEXT", "unit": "", "required": true, "choices": [], "min": "", "max": ""},
      {"name": "alamat_tujuan", "label": "Alamat tujuan", "type": "TEXT", "unit": "", "required": true, "choices": [], "min": "", "max": ""},
      {"name": "jumlah_pengikut", "label": "Jumlah anggota keluarga yang ikut pindah", "type": "NUMBER", "unit": "orang", "required": true, "choices": [], "min": "0", "max": ""},
      {"name": "alasan_pindah", "label": "Alasan pindah", "type": "TEXT", "unit": "", "required": false, "choices": [], "min": "", "max": ""}
    ]'::jsonb,
    '[]'::jsonb,
    current_setting('paten.now')::timestamptz
FROM services s JOIN regions r ON r.id = s.region_id
WHERE r.code = 'pemalang' AND s.code = 'sk-pindah';

-- 004.B.2 Dispensasi Nikah. The seed does give the requirements: the "surat permohonan dispensasi
-- nikah dari Desa/Kelurahan" the procedure opens with, and lampiran 1)-3); 3) applies to a
-- divorcee whose KK/KTP still says married (duda_janda_tercatat_kawin=true).
-- Kriteria "pengurusan kurang dari 10 (sepuluh) hari [sebelum] pernikahan": the rule format
-- compares a field with a constant, not a date with today, so the counter states it as a yes/no
-- field (the wedding date is recorded beside it).
INSERT INTO service_versions (service_id, version, name, kind, survey, authority, forward_agency,
    fee, assessor_office_id, treasurer_office_id, deadline_working_days, validity_unit,
    validity_amount, legal_basis, requirements, fields, criteria, created_at)
SELECT s.id, 1, 'Dispensasi Nikah', 'UNSTRUCTURED', 'NONE', 'CAMAT', '', 'NONE', NULL, NULL,
    2, 'NONE', 0,
    'Keputusan Menteri Agama Nomor 477 Tahun 2004 tentang Pencatatan Nikah',
    '[
      {"code": "surat-permohonan-desa", "text": "Surat permohonan dispensasi nikah dari Desa/Kelurahan", "when": ""},
      {"code": "ktp", "text": "Fotokopi KTP pemohon (calon suami/istri) diketahui Desa/Kelurahan", "when": ""},
      {"code": "kk", "text": "Fotokopi KK", "when": ""},
      {"code": "akte-cerai", "text": "Bagi duda/janda yang di KK/KTP-nya masih berstatus kawin, dilampiri fotokopi akte cerai", "when": "duda_janda_tercatat_kawin=true"}
    ]'::jsonb,
    '[
      {"name": "nama_calon_suami", "label": "Nama calon suami", "type": "TEXT", "unit": "", "required": true, "choices": [], "min": "", "max": ""},
      {"name": "nama_calon_istri", "label": "Nama calon istri", "type": "TEXT", "unit": "", "required": true, "choices": [], "min": "", "max": ""},
      {"name": "tanggal_nikah", "label": "Tanggal pernikahan", "type": "DATE", "unit": "", "required": true, "choices": [], "min": "", "max": ""},
      {"name": "tempat_nikah", "label": "Tempat pernikahan / KUA", "type": "TEXT", "unit": "", "required": true, "choices": [], "min": "", "max": ""},
      {"name": "kurang_dari_10_hari", "label": "Pengurusan kurang dari 10 (sepuluh) hari sebelum pernikahan", "type": "YES_NO", "unit": "", "required": true, "choices": [], "min": "", "max": ""},
      {"name": "duda_janda_tercatat_kawin", "label": "Calon duda/janda yang di KK/KTP-nya masih berstatus kawin", "type": "YES_NO", "unit": "", "required": true, "choices": [], "min": "", "max": ""}
    ]'::jsonb,
    '[
      {"rule": {"field": "kurang_dari_10_hari", "op": "=", "value": true}, "reason": "Dispensasi nikah hanya untuk pernikahan dengan waktu pengurusan kurang dari 10 (sepuluh) hari sebelum pernikahan"}
    ]'::jsonb,
    current_setting('paten.now')::timestamptz
FROM services s JOIN regions r ON r.id = s.region_id
WHERE r.code = 'pemalang' AND s.code = 'dispensasi-nikah';

-- 004.B Rekomendasi Pendirian Kelompok Kesenian/Sanggar Seni. The seed gives the requirements (the
-- "surat permohonan" the procedure opens with, and lampiran 1)-4)) but NO Dasar Hukum.
-- NOT FROM THE SEED: the legal basis, Permendagri 4/2010 on PATEN itself, the regulation under
-- which a kecamatan serves at one counter; to be replaced by the region's own.
INSERT INTO service_versions (service_id, version, name, kind, survey, authority, forward_agency,
    fee, assessor_office_id, treasurer_office_id, deadline_working_days, validity_unit,
    validity_amount, legal_basis, requirements, fields, criteria, created_at)
SELECT s.id, 1, 'Rekomendasi Pendirian Kelompok Kesenian', 'UNSTRUCTURED', 'NONE', 'CAMAT', '',
    'NONE', NULL, NULL,
    2, 'NONE', 0,
    'Peraturan Menteri Dalam Negeri Nomor 4 Tahun 2010 tentang Pedoman Pelayanan Administrasi Terpadu Kecamatan',
    '[
      {"code": "surat-permohonan", "text": "Surat permohonan Rekomendasi Pendirian Kelompok Kesenian/Sanggar Seni", "when": ""},
      {"code": "pengantar-desa", "text": "Surat pengantar dari Desa/Kelurahan terkait lokasi sanggar/kelompok kesenian", "when": ""},
      {"code": "ktp-ketua", "text": "Fotokopi KTP ketua pengurus", "when": ""},
      {"code": "susunan-pengurus", "text": "Susunan pengurus", "when": ""},
      {"code": "jadwal-latihan", "text": "Jadwal latihan", "when": ""}
    ]'::jsonb,
    '[
      {"name": "nama_kelompok", "label": "Nama kelompok kesenian/sanggar seni", "type": "TEXT", "unit": "", "required": true, "choices": [], "min": "", "max": ""},
      {"name": "jenis_kesenian", "label": "Jenis kesenian", "type": "TEXT", "unit": "", "required": true, "choices": [], "min": "", "max": ""},
      {"name": "nama_ketua", "label": "Nama ketua pengurus", "type": "TEXT", "unit": "", "required": true, "choices": [], "min": "", "max": ""},
      {"name": "jumlah_anggota", "label": "Jumlah anggota", "type": "NUMBER", "unit": "orang", "required": false, "choices": [], "min": "1", "max": ""},
      {"name": "lokasi", "label": "Alamat sanggar/tempat latihan", "type": "TEXT", "unit": "", "required": true, "choices": [], "min": "", "max": ""}
    ]'::jsonb,
    '[]'::jsonb,
    current_setting('paten.now')::timestamptz
FROM services s JOIN regions r ON r.id = s.region_id
WHERE r.code = 'pemalang' AND s.code = 'kelompok-kesenian';
