-- Demo data, part 4: the tariffs and the interest regimes of the two demo regions
-- (../shared/domain.md, "Money rules" and "Demo data"), in the format of
-- migrations/0005_assessments.sql. Legal bases are the seeds'; where a seed names the formula but
-- not its indices (IMB, Izin Gangguan), the index tables are placeholders an ADMIN replaces with
-- the region's Perda by saving a new version.
--   Temanggung (seed 001): IMB = luas x indeks terintegrasi x indeks kegiatan x harga satuan;
--     HO = luas x rata-rata (indeks gangguan, indeks lokasi) x Rp 100; pemakaman Rp 8.000 per m2
--     plus IMB makam Rp 10.000 per m2; reklame Rp 25.000 per m2 per izin (read as in domain.md);
--     bunga 2% sebulan, paling lama 6 bulan.
--   Pemalang (seed 004): IMB with its own placeholder indices; reklame Rp 10.125 per m2 per month
--     (Rp 121.500 per m2 per year = 12 x Rp 10.125); bunga per UU 1/2022: 1% sebulan, paling
--     lama 24 bulan.
-- Everything takes effect on 1 January 2026 and is written at the business time (paten.now).

INSERT INTO tariffs (region_id, code, version, service_code, name, formula, legal_basis,
                     effective_from, rounding_mode, rounding_unit, inputs, created_at)
SELECT r.id, t.code, 1, t.service, t.name, t.formula::tariff_formula, t.basis, '2026-01-01',
       'HALF_UP', 1, t.inputs::jsonb, current_setting('paten.now')::timestamptz
FROM (VALUES
    ('temanggung', 'imb', 'imb', 'Retribusi IMB', 'IMB',
     'Peraturan Daerah Kabupaten Temanggung Nomor 10 Tahun 2012 tentang Retribusi Izin Mendirikan Bangunan',
     '[{"label": "Luas bangunan (m2)", "source": "FIELD", "field": "luas_bangunan", "value": ""},
       {"label": "Indeks terintegrasi (kelas bangunan)", "source": "TABLE", "field": "kelas_bangunan",
        "table": {"PERMANEN": "1", "SEMI_PERMANEN": "0.75", "DARURAT": "0.5"}},
       {"label": "Indeks kegiatan (fungsi bangunan)", "source": "TABLE", "field": "fungsi_bangunan",
        "table": {"HUNIAN": "0.5", "KEAGAMAAN": "0", "USAHA": "1.5", "SOSIAL_BUDAYA": "0.75", "KHUSUS": "2"}},
       {"label": "Harga satuan (Rp per m2)", "source": "CONSTANT", "value": "12500"}]'),
    ('temanggung', 'ho', 'ho', 'Retribusi Izin Gangguan', 'HO',
     'Peraturan Daerah Kabupaten Temanggung Nomor 12 Tahun 2012 tentang Retribusi Izin Gangguan',
     '[{"label": "Luas ruang tempat usaha (m2)", "source": "FIELD", "field": "luas", "value": ""},
       {"label": "Indeks gangguan", "source": "TABLE", "field": "indeks_gangguan",
        "table": {"KECIL": "1", "SEDANG": "3", "BESAR": "5"}},
       {"label": "Indeks lokasi", "source": "TABLE", "field": "indeks_lokasi",
        "table": {"JALAN_ARTERI": "3", "JALAN_KOLEKTOR": "2", "JALAN_LOKAL": "1", "JALAN_LINGKUNGAN": "1"}},
       {"label": "Harga (Rp per m2)", "source": "CONSTANT", "value": "100"}]'),
    ('temanggung', 'pemakaman', 'pemakaman', 'Retribusi Izin Pemakaman', 'BURIAL',
     'Peraturan Daerah Kabupaten Temanggung Nomor 13 Tahun 1994 tentang Tempat Pemakaman',
     '[{"label": "Luas tanah makam (m2)", "source": "FIELD", "field": "luas_makam", "value": ""},
       {"label": "Tarif tempat pemakaman (Rp per m2)", "source": "CONSTANT", "value": "8000"},
       {"label": "Luas bangunan makam (m2)", "source": "FIELD", "field": "luas_bangunan_makam", "value": "0"},
       {"label": "Tarif IMB makam (Rp per m2)", "source": "CONSTANT", "value": "10000"}]'),
    ('temanggung', 'reklame', 'reklame', 'Pajak Reklame', 'REKLAME_CHARGE',
     'Peraturan Daerah Kabupaten Temanggung Nomor 33 Tahun 2011 tentang Penyelenggaraan Reklame',
     '[{"label": "Lebar (m)", "source": "FIELD", "field": "lebar", "value": ""},
       {"label": "Tinggi (m)", "source": "FIELD", "field": "tinggi", "value": ""},
       {"label": "Jumlah muka", "source": "FIELD", "field": "jumlah_muka", "value": "1"},
       {"label": "Jumlah buah", "source": "FIELD", "field": "jumlah_buah", "value": "1"},
       {"label": "Tarif (Rp per m2 per izin)", "source": "CONSTANT", "value": "25000"},
       {"label": "Jumlah izin", "source": "CONSTANT", "value": "1"}]'),
    ('pemalang', 'imb', 'imb', 'Retribusi IMB', 'IMB',
     'Peraturan Daerah Kabupaten Pemalang Nomor 4 Tahun 2012 tentang Retribusi Perizinan Tertentu',
     '[{"label": "Luas bangunan (m2)", "source": "FIELD", "field": "luas_bangunan", "value": ""},
       {"label": "Koefisien kelas bangunan", "source": "TABLE", "field": "kelas_bangunan",
        "table": {"PERMANEN": "1", "SEMI_PERMANEN": "0.7", "DARURAT": "0.4"}},
       {"label": "Koefisien guna bangunan", "source": "TABLE", "field": "fungsi_bangunan",
        "table": {"HUNIAN": "1", "KEAGAMAAN": "0", "USAHA": "1.75", "SOSIAL_BUDAYA": "0.5", "KHUSUS": "2"}},
       {"label": "Harga satuan (Rp per m2)", "source": "CONSTANT", "value": "10000"}]'),
    ('pemalang', 'reklame', 'reklame', 'Pajak Reklame', 'REKLAME_CHARGE',
     'Peraturan Bupati Pemalang Nomor 90 Tahun 2017 tentang Petunjuk Pelaksanaan Peraturan Daerah Kabupaten Pemalang Nomor 12 Tahun 2013 tentang Penyelenggaraan Reklame',
     '[{"label": "Lebar (m)", "source": "FIELD", "field": "lebar", "value": ""},
       {"label": "Tinggi (m)", "source": "FIELD", "field": "tinggi", "value": ""},
       {"label": "Jumlah muka", "source": "FIELD", "field": "jumlah_muka", "value": "1"},
       {"label": "Jumlah buah", "source": "FIELD", "field": "jumlah_buah", "value": "1"},
       {"label": "Tarif (Rp per m2 per bulan; Rp 121.500 per m2 per tahun)", "source": "CONSTANT", "value": "10125"},
       {"label": "Lama pemasangan (bulan)", "source": "FIELD", "field": "lama_pemasangan", "value": ""}]')
) AS t (region, code, service, name, formula, basis, inputs)
JOIN regions r ON r.code = t.region;

INSERT INTO interest_regimes (region_id, version, name, legal_basis, effective_from, monthly_bp,
                              max_months, started_month_counts, due_days, created_at)
SELECT r.id, 1, t.name, t.basis, '2026-01-01', t.bp, t.months, true, 30,
       current_setting('paten.now')::timestamptz
FROM (VALUES
    ('temanggung', 'Bunga 2% sebulan, paling lama 6 bulan',
     'Peraturan Daerah Kabupaten Temanggung Nomor 10 Tahun 2012 (sanksi administrasi)', 200, 6),
    ('pemalang', 'Bunga 1% sebulan, paling lama 24 bulan',
     'Undang-Undang Nomor 1 Tahun 2022 tentang Hubungan Keuangan antara Pemerintah Pusat dan Pemerintahan Daerah',
     100, 24)
) AS t (region, name, basis, bp, months)
JOIN regions r ON r.code = t.region;
