/*
 * test_cashier_text.c: the Kasir workspace's exact text without a display or a server
 * (client-gtk/paten-payment-dialog.h, paten-cashier-page.h, paten-file-documents.h): an amount of
 * rupiah as a cashier types it read digit by digit into an integer (never through a double,
 * nothing but digits and thousands dots accepted), the time left to a deposit deadline, and the
 * payment methods' names.
 */
#include "paten-cashier-page.h"
#include "paten-desk.h"
#include "paten-file-documents.h"
#include "paten-payment-dialog.h"

static void test_rupiah_parse(void)
{
    static const struct {
        const char *in;
        gboolean ok;
        gint64 amount;
    } cases[] = {
        { "337500", TRUE, 337500 },
        { "337.500", TRUE, 337500 },
        { "Rp 337.500", TRUE, 337500 },
        { "rp337.500", TRUE, 337500 },
        { " 1.234.567 ", TRUE, 1234567 },
        { "0", TRUE, 0 },
        { "9223372036854775807", TRUE, G_MAXINT64 },
        { "", FALSE, 0 },
        { "Rp", FALSE, 0 },
        { ".500", FALSE, 0 },
        { "337,500", FALSE, 0 },
        { "337500,00", FALSE, 0 },
        { "-5", FALSE, 0 },
        { "3e5", FALSE, 0 },
        { "337 500", FALSE, 0 },
        { "99999999999999999999", FALSE, 0 },
    };

    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        gint64 amount = -1;
        gboolean ok = paten_payment_amount_parse(cases[i].in, &amount);

        g_test_message("%s", cases[i].in);
        g_assert_cmpint(ok, ==, cases[i].ok);
        if (ok)
            g_assert_cmpint(amount, ==, cases[i].amount);
        else
            g_assert_cmpint(amount, ==, -1);
    }
}

static void test_time_left(void)
{
    gint64 now = 1764990000000;
    g_autofree char *a = paten_time_left_text(now + 5 * 60000 + 30000, now);
    g_autofree char *b = paten_time_left_text(now + (23 * 60 + 59) * 60000, now);
    g_autofree char *c = paten_time_left_text(now - 60000, now);

    g_assert_cmpstr(a, ==, "5 menit");
    g_assert_cmpstr(b, ==, "23 jam 59 menit");
    g_assert_cmpstr(c, ==, "0 menit");
}

static void test_method_names(void)
{
    g_assert_cmpstr(paten_payment_method_name(PATEN__PAYMENT_METHOD__PAYMENT_METHOD_CASH), ==,
                    "Tunai");
    g_assert_cmpstr(paten_payment_method_name(PATEN__PAYMENT_METHOD__PAYMENT_METHOD_TRANSFER), ==,
                    "Transfer");
    g_assert_cmpstr(paten_payment_method_name(PATEN__PAYMENT_METHOD__PAYMENT_METHOD_QRIS), ==,
                    "QRIS");
}

int main(int argc, char **argv)
{
    g_setenv("PATEN_DESK_LANG", "id", TRUE);
    paten_desk_init_i18n();
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/cashier/rupiah-parse", test_rupiah_parse);
    g_test_add_func("/cashier/time-left", test_time_left);
    g_test_add_func("/cashier/method-names", test_method_names);
    return g_test_run();
}
