/*
 * test_treasury.c: the Bendahara workspace's exact text without a display or a server
 * (client-gtk/paten-confirm-dialog.h, paten-treasurer-page.h): an amount typed at the bank's
 * confirmation read into whole rupiah digit by digit (dots only grouping thousands), and the
 * reconciliation's CSV (its header, amounts as plain whole rupiah, fields quoted when they hold
 * a separator or a quote).
 */
#include "paten-confirm-dialog.h"
#include "paten-desk.h"
#include "paten-treasurer-page.h"

#include <string.h>

static void test_rupiah_parse(void)
{
    static const struct {
        const char *in;
        gint64 rp;
    } cases[] = {
        { "337500", 337500 },
        { "337.500", 337500 },
        { "Rp 337.500", 337500 },
        { "Rp. 1.234.567", 1234567 },
        { "rp1000", 1000 },
        { " 0 ", 0 },
        { "999.999.999.999.999", 999999999999999 },
        /* Refused: not whole rupiah, badly grouped, negative, empty or too long. */
        { "", -1 },
        { "Rp", -1 },
        { "337,5", -1 },
        { "337.5", -1 },
        { "3375.00", -1 },
        { ".500", -1 },
        { "337.", -1 },
        { "-500", -1 },
        { "1e3", -1 },
        { "1 000", -1 },
        { "1000000000000000", -1 },
    };

    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        gint64 got = paten_rupiah_parse(cases[i].in);

        if (got != cases[i].rp)
            g_error("paten_rupiah_parse(\"%s\") = %" G_GINT64_FORMAT ", want %" G_GINT64_FORMAT,
                    cases[i].in, got, cases[i].rp);
    }
}

static void test_reconcile_csv(void)
{
    Paten__Payment a = PATEN__PAYMENT__INIT, b = PATEN__PAYMENT__INIT;
    Paten__Payment *payments[] = { &a, &b };
    Paten__ReconcileReply r = PATEN__RECONCILE_REPLY__INIT;
    g_autofree char *csv = NULL;

    a.receipt_number = (char *)"SSRD/0001/KEC-KALORAN/2026";
    a.received_date = (char *)"2026-12-06";
    a.applicant_name = (char *)"Siti Aminah";
    a.assessment_number = (char *)"974/0001/SKRD/DPMPTSP-TEMANGGUNG/2026";
    a.file_register_number = (char *)"503/0001/IMB/KEC-KALORAN/2026";
    a.method = PATEN__PAYMENT_METHOD__PAYMENT_METHOD_CASH;
    a.amount = 337500;
    a.cashier_name = (char *)"Kasir Kecamatan Kaloran";
    a.treasurer_office_name = (char *)"DPMPTSP Kabupaten Temanggung";
    a.deposit_number = (char *)"STS/0001/KEC-KALORAN/2026";
    a.confirmation = PATEN__CONFIRMATION_STATUS__CONFIRMATION_STATUS_CONFIRMED;
    b = a;
    b.receipt_number = (char *)"SSRD/0002/KEC-KALORAN/2026";
    b.applicant_name = (char *)"Toko \"Maju\", Jaya";
    b.method = PATEN__PAYMENT_METHOD__PAYMENT_METHOD_QRIS;
    b.reference = (char *)"QR-77";
    b.amount = 1458000;
    b.deposit_number = (char *)"";
    b.confirmation = PATEN__CONFIRMATION_STATUS__CONFIRMATION_STATUS_UNCONFIRMED;
    r.n_payments = 2;
    r.payments = payments;
    csv = paten_reconcile_csv(&r);
    g_assert_cmpstr(csv, ==,
                    "tanda_terima,tanggal,pemohon,ketetapan,berkas,cara,referensi,jumlah,kasir,"
                    "bendahara,setoran,konfirmasi\r\n"
                    "SSRD/0001/KEC-KALORAN/2026,2026-12-06,Siti Aminah,"
                    "974/0001/SKRD/DPMPTSP-TEMANGGUNG/2026,503/0001/IMB/KEC-KALORAN/2026,Tunai,,"
                    "337500,Kasir Kecamatan Kaloran,DPMPTSP Kabupaten Temanggung,"
                    "STS/0001/KEC-KALORAN/2026,Dikonfirmasi\r\n"
                    "SSRD/0002/KEC-KALORAN/2026,2026-12-06,\"Toko \"\"Maju\"\", Jaya\","
                    "974/0001/SKRD/DPMPTSP-TEMANGGUNG/2026,503/0001/IMB/KEC-KALORAN/2026,QRIS,"
                    "QR-77,1458000,Kasir Kecamatan Kaloran,DPMPTSP Kabupaten Temanggung,,"
                    "Belum dikonfirmasi\r\n");
}

int main(int argc, char **argv)
{
    g_setenv("PATEN_DESK_LANG", "id", TRUE);
    paten_desk_init_i18n();
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/treasury/rupiah-parse", test_rupiah_parse);
    g_test_add_func("/treasury/reconcile-csv", test_reconcile_csv);
    return g_test_run();
}
