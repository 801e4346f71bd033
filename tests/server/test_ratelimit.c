/*
 * test_ratelimit.c: the per-address tables of server/pd_ratelimit.c without a server: how a peer
 * becomes an address key (IPv6 by /64, IPv4-mapped as IPv4), the connection count and its
 * once-a-minute log, the login token bucket on the business clock, and the bound on its memory.
 */
#include "pd_ratelimit.h"

#include <glib.h>
#include <stdio.h>

static void test_keys(void)
{
    char k[PD_ADDR_KEY_MAX];

    pd_addr_key("192.0.2.7:5678", k);
    g_assert_cmpstr(k, ==, "192.0.2.7");
    pd_addr_key("[2001:db8:1:2:3:4:5:6]:443", k);
    g_assert_cmpstr(k, ==, "2001:db8:1:2::/64");
    pd_addr_key("[2001:db8:1:2:ffff::1]:1", k);
    g_assert_cmpstr(k, ==, "2001:db8:1:2::/64");
    pd_addr_key("[::ffff:198.51.100.9]:80", k);
    g_assert_cmpstr(k, ==, "198.51.100.9");
    pd_addr_key("[::1]:7450", k);
    g_assert_cmpstr(k, ==, "::/64");
    pd_addr_key("?", k);
    g_assert_cmpstr(k, ==, "?");
    pd_addr_key("not-an-address:1", k);
    g_assert_cmpstr(k, ==, "?");
}

static void test_connections(void)
{
    struct pd_addr_conns *t = pd_addr_conns_new();
    struct pd_addr_slot *s[3], *none;
    uint64_t suppressed;
    bool log_now;

    for (int i = 0; i < 3; i++)
        g_assert_cmpint(pd_addr_conns_acquire(t, "a", 3, 1000, &s[i], &log_now, &suppressed), ==,
                        0);
    g_assert_cmpuint(pd_addr_conns_count(t, "a"), ==, 3);
    /* Over the limit: refused; logged once, then counted until a minute has passed. */
    g_assert_cmpint(pd_addr_conns_acquire(t, "a", 3, 1000, &none, &log_now, &suppressed), ==, -1);
    g_assert_true(log_now);
    g_assert_null(none);
    for (int i = 0; i < 5; i++) {
        g_assert_cmpint(pd_addr_conns_acquire(t, "a", 3, 2000 + i, &none, &log_now, &suppressed),
                        ==, -1);
        g_assert_false(log_now);
    }
    /* Another address is not affected. */
    g_assert_cmpint(pd_addr_conns_acquire(t, "b", 3, 2000, &none, &log_now, &suppressed), ==, 0);
    pd_addr_conns_release(t, none, 2000);
    g_assert_cmpuint(pd_addr_conns_count(t, "b"), ==, 0);
    /* Every connection gone, the refusals a moment ago are still remembered ... */
    for (int i = 0; i < 3; i++)
        pd_addr_conns_release(t, s[i], 3000);
    g_assert_cmpuint(pd_addr_conns_count(t, "a"), ==, 0);
    for (int i = 0; i < 3; i++)
        g_assert_cmpint(pd_addr_conns_acquire(t, "a", 3, 4000, &s[i], &log_now, &suppressed), ==,
                        0);
    g_assert_cmpint(pd_addr_conns_acquire(t, "a", 3, 5000, &none, &log_now, &suppressed), ==, -1);
    g_assert_false(log_now);
    /* ... and a minute after the line, the next refusal is logged with the count in between. */
    g_assert_cmpint(pd_addr_conns_acquire(t, "a", 3, 61000, &none, &log_now, &suppressed), ==, -1);
    g_assert_true(log_now);
    g_assert_cmpuint(suppressed, ==, 6);
    for (int i = 0; i < 3; i++)
        pd_addr_conns_release(t, s[i], 200000);
    /* A limit of 0 counts nothing. */
    g_assert_cmpint(pd_addr_conns_acquire(t, "c", 0, 1, &none, &log_now, &suppressed), ==, 0);
    g_assert_null(none);
    pd_addr_conns_free(t);
}

static void test_logins(void)
{
    struct pd_login_limits *l = pd_login_limits_new(6); /* one token every 10 s */
    uint64_t refused;
    bool report;
    int64_t t0 = 1000000;

    for (int i = 0; i < 6; i++) {
        g_assert_cmpint(pd_login_limits_begin(l, "a", t0, &report, &refused), ==, 0);
        pd_login_limits_end(l, "a", t0, true);
    }
    /* Successful logins cost nothing: the address still has no token left. */
    g_assert_cmpint(pd_login_limits_begin(l, "a", t0, &report, &refused), ==, 10001);
    g_assert_true(report);
    g_assert_cmpuint(refused, ==, 1);
    g_assert_cmpint(pd_login_limits_begin(l, "a", t0 + 5000, &report, &refused), ==, 5001);
    g_assert_false(report);
    /* Ten seconds later one token is back. */
    g_assert_cmpint(pd_login_limits_begin(l, "a", t0 + 10000, &report, &refused), ==, 0);
    pd_login_limits_end(l, "a", t0 + 10000, false);
    g_assert_cmpint(pd_login_limits_begin(l, "a", t0 + 10000, &report, &refused), ==, 0);
    /* Pending logins count against the tokens: a burst cannot overdraw. */
    g_assert_cmpint(pd_login_limits_begin(l, "a", t0 + 10000, &report, &refused), >, 0);
    pd_login_limits_end(l, "a", t0 + 10000, true);
    /* A minute after its last report, a refusal is reported again, counting those between. */
    g_assert_cmpint(pd_login_limits_begin(l, "a", t0 + 10001, &report, &refused), >, 0);
    int allowed = 0;
    while (pd_login_limits_begin(l, "a", t0 + 61000, &report, &refused) == 0) {
        pd_login_limits_end(l, "a", t0 + 61000, true);
        allowed++;
    }
    g_assert_cmpint(allowed, ==, 5); /* 51 s refilled 5.1 tokens */
    g_assert_true(report);
    g_assert_cmpuint(refused, ==, 4);
    pd_login_limits_free(l);
}

static void test_bounded(void)
{
    struct pd_login_limits *l = pd_login_limits_new(30);
    char key[32];
    uint64_t refused;
    bool report;

    /* An attacker with many addresses fills the table: it stays at its cap. */
    for (int i = 0; i < PD_LOGIN_TABLE_MAX + 1000; i++) {
        snprintf(key, sizeof key, "10.%d.%d.%d", i >> 16, (i >> 8) & 255, i & 255);
        g_assert_cmpint(pd_login_limits_begin(l, key, 1000, &report, &refused), ==, 0);
        pd_login_limits_end(l, key, 1000, true);
    }
    g_assert_cmpuint(pd_login_limits_size(l), ==, PD_LOGIN_TABLE_MAX);
    /* Entries whose bucket refilled are forgotten as soon as the table is used again. */
    g_assert_cmpint(pd_login_limits_begin(l, "x", 1000 + 3 * 60000, &report, &refused), ==, 0);
    pd_login_limits_end(l, "x", 1000 + 3 * 60000, false);
    g_assert_cmpuint(pd_login_limits_size(l), ==, 1);
    pd_login_limits_free(l);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/ratelimit/keys", test_keys);
    g_test_add_func("/ratelimit/connections", test_connections);
    g_test_add_func("/ratelimit/logins", test_logins);
    g_test_add_func("/ratelimit/bounded", test_bounded);
    return g_test_run();
}
