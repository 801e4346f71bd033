/*
 * test_docsig.c: document verification payloads (common/paten_docsig.c): a signed payload reads
 * back and verifies; any changed byte, another key, and malformed payloads are refused.
 */
#include "paten_docsig.h"

#include <glib.h>
#include <sodium.h>
#include <string.h>

static unsigned char pk[32], sk[64], pk2[32], sk2[64];

static struct paten_docsig sample(void)
{
    struct paten_docsig d;

    memset(&d, 0, sizeof d);
    strcpy(d.region, "temanggung");
    d.kind = 6;
    strcpy(d.number, "503/0012/IMB/KEC-KALORAN/2026");
    strcpy(d.date, "2026-11-23");
    d.amount = 1234567;
    strcpy(d.subject, "Siti | 100% Aminah");
    return d;
}

static void test_round_trip(void)
{
    struct paten_docsig d = sample(), back;
    char payload[PATEN_DOCSIG_MAX];
    char key_id[9];
    int n = paten_docsig_sign(&d, pk, sk, payload, sizeof payload);

    g_assert_cmpint(n, >, 0);
    g_assert_cmpint(n, ==, (int)strlen(payload));
    g_assert_true(g_str_has_prefix(payload, "PATEN1|temanggung|"));
    /* The separator and the percent in the name are escaped, so the fields still split. */
    g_assert_nonnull(strstr(payload, "|Siti %7C 100%25 Aminah|"));
    g_assert_cmpint(paten_docsig_verify(payload, pk, &back), ==, PATEN_DOCSIG_OK);
    paten_docsig_key_id(pk, key_id);
    g_assert_cmpstr(back.key_id, ==, key_id);
    g_assert_cmpstr(back.region, ==, d.region);
    g_assert_cmpstr(back.number, ==, d.number);
    g_assert_cmpstr(back.date, ==, d.date);
    g_assert_cmpstr(back.subject, ==, d.subject);
    g_assert_cmpint(back.kind, ==, 6);
    g_assert_cmpint(back.amount, ==, 1234567);
}

static void test_tampering_and_other_keys(void)
{
    struct paten_docsig d = sample(), back;
    char payload[PATEN_DOCSIG_MAX], copy[PATEN_DOCSIG_MAX];
    int n = paten_docsig_sign(&d, pk, sk, payload, sizeof payload);

    /* Every digit of the amount, and every other byte of the signed part, matters. */
    for (int i = (int)strlen("PATEN1|"); i < n - 87; i++) {
        int rc;
        memcpy(copy, payload, (size_t)n + 1);
        if (copy[i] == '|' || copy[i] == '%')
            continue;
        copy[i] = copy[i] == '1' ? '2' : '1';
        rc = paten_docsig_verify(copy, pk, &back);
        if (rc == PATEN_DOCSIG_OK)
            g_error("byte %d changed and still verified: %s", i, copy);
    }
    /* Another region's key: refused, whether or not the key id was rewritten. */
    g_assert_cmpint(paten_docsig_verify(payload, pk2, &back), ==, PATEN_DOCSIG_BAD_SIGNATURE);
    {
        char other_id[9];
        paten_docsig_key_id(pk2, other_id);
        memcpy(copy, payload, (size_t)n + 1);
        memcpy(strstr(copy, back.key_id), other_id, 8);
        g_assert_cmpint(paten_docsig_verify(copy, pk2, &back), ==, PATEN_DOCSIG_BAD_SIGNATURE);
    }
    /* Signed with the other key: verifies only with it. */
    g_assert_cmpint(paten_docsig_sign(&d, pk2, sk2, copy, sizeof copy), >, 0);
    g_assert_cmpint(paten_docsig_verify(copy, pk2, &back), ==, PATEN_DOCSIG_OK);
    g_assert_cmpint(paten_docsig_verify(copy, pk, &back), ==, PATEN_DOCSIG_BAD_SIGNATURE);
}

static void test_malformed(void)
{
    struct paten_docsig d = sample(), back;
    char payload[PATEN_DOCSIG_MAX], copy[PATEN_DOCSIG_MAX + 8];
    int n = paten_docsig_sign(&d, pk, sk, payload, sizeof payload);
    const char *bad[] = {
        "",
        "PATEN2|x|00000000|6|N|2026-01-01|0|S|AAAA",
        "PATEN1|x|00000000|6|N|2026-01-01|0|S",
        "PATEN1|x|0000000|6|N|2026-01-01|0|S|" /* short key id */,
        "PATEN1|x|00000000|six|N|2026-01-01|0|S|",
        "PATEN1|x|00000000|6|N|2026-01-01|-5|S|",
        "PATEN1|x|00000000|6|N%2|2026-01-01|0|S|",
        "PATEN1|x|00000000|6|N%00|2026-01-01|0|S|",
        "PATEN1||00000000|6|N|2026-01-01|0|S|",
    };

    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++)
        g_assert_cmpint(paten_docsig_verify(bad[i], pk, &back), ==, PATEN_DOCSIG_MALFORMED);
    /* A tenth field, a truncated signature, an over-long payload. */
    g_snprintf(copy, sizeof copy, "%s|x", payload);
    g_assert_cmpint(paten_docsig_verify(copy, pk, &back), ==, PATEN_DOCSIG_MALFORMED);
    memcpy(copy, payload, (size_t)n + 1);
    copy[n - 1] = '\0';
    g_assert_cmpint(paten_docsig_verify(copy, pk, &back), ==, PATEN_DOCSIG_MALFORMED);
    memset(copy, 'A', sizeof copy - 1);
    memcpy(copy, "PATEN1|", 7);
    copy[sizeof copy - 1] = '\0';
    g_assert_cmpint(paten_docsig_verify(copy, pk, &back), ==, PATEN_DOCSIG_MALFORMED);
    /* A field too long to sign. */
    memset(d.subject, 'x', sizeof d.subject - 1);
    d.subject[sizeof d.subject - 1] = '\0';
    memset(d.number, '|', sizeof d.number - 1);
    d.number[sizeof d.number - 1] = '\0';
    g_assert_cmpint(paten_docsig_sign(&d, pk, sk, payload, 300), ==, PATEN_DOCSIG_TOO_LONG);
}

int main(int argc, char **argv)
{
    g_assert_cmpint(sodium_init(), >=, 0);
    crypto_sign_keypair(pk, sk);
    crypto_sign_keypair(pk2, sk2);
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/docsig/round-trip", test_round_trip);
    g_test_add_func("/docsig/tampering-and-other-keys", test_tampering_and_other_keys);
    g_test_add_func("/docsig/malformed", test_malformed);
    return g_test_run();
}
