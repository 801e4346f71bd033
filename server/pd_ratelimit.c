/*
 * pd_ratelimit.c: connections and failed logins per client address (see pd_ratelimit.h).
 */
#include "pd_ratelimit.h"

#include "pd_alloc.h"

#include <arpa/inet.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Refusals of one address are logged (and logins audited) at most once in this long. */
#define REPORT_EVERY_MS 60000

void pd_addr_key(const char *peer, char out[PD_ADDR_KEY_MAX])
{
    char host[64];
    const char *end;
    size_t len;
    unsigned char a[16];

    snprintf(out, PD_ADDR_KEY_MAX, "?");
    if (peer == NULL)
        return;
    if (peer[0] == '[') {
        end = strchr(peer, ']');
        if (end == NULL)
            return;
        peer++;
    } else {
        end = strrchr(peer, ':');
        if (end == NULL)
            end = peer + strlen(peer);
    }
    len = (size_t)(end - peer);
    if (len == 0 || len >= sizeof host)
        return;
    memcpy(host, peer, len);
    host[len] = '\0';
    if (inet_pton(AF_INET, host, a) == 1) {
        inet_ntop(AF_INET, a, out, PD_ADDR_KEY_MAX);
        return;
    }
    if (inet_pton(AF_INET6, host, a) != 1)
        return;
    if (memcmp(a, "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12) == 0) {
        inet_ntop(AF_INET, a + 12, out, PD_ADDR_KEY_MAX);
        return;
    }
    /* The /64 prefix, written the way inet_ntop writes it, with the length. */
    memset(a + 8, 0, 8);
    inet_ntop(AF_INET6, a, host, sizeof host);
    snprintf(out, PD_ADDR_KEY_MAX, "%s/64", host);
}

/* ---- connections per address ----------------------------------------------------------- */

struct pd_addr_slot {
    char key[PD_ADDR_KEY_MAX];
    uint32_t count;
    uint64_t last_log_ms; /* 0: never logged */
    uint64_t suppressed;  /* refusals since that line */
    GList *cooling;       /* link in t->cooling while count is 0 but a line was logged lately */
};

struct pd_addr_conns {
    GHashTable *slots; /* key -> struct pd_addr_slot (owned) */
    GQueue cooling;    /* slots without connections kept to remember when they were logged */
};

struct pd_addr_conns *pd_addr_conns_new(void)
{
    struct pd_addr_conns *t = pd_xcalloc(1, sizeof *t);

    t->slots = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, free);
    g_queue_init(&t->cooling);
    return t;
}

void pd_addr_conns_free(struct pd_addr_conns *t)
{
    if (t == NULL)
        return;
    g_queue_clear(&t->cooling);
    g_hash_table_destroy(t->slots);
    free(t);
}

/* Forgets the slots without connections whose last line is over a minute old. The queue is in
 * the order the slots lost their last connection, not of their lines, so one may wait behind
 * another for up to a minute more: the memory stays bounded all the same. */
static void addr_conns_cool(struct pd_addr_conns *t, uint64_t now)
{
    struct pd_addr_slot *s;

    while ((s = g_queue_peek_head(&t->cooling)) != NULL &&
           now - s->last_log_ms >= REPORT_EVERY_MS) {
        g_queue_pop_head(&t->cooling);
        s->cooling = NULL;
        if (s->count == 0)
            g_hash_table_remove(t->slots, s->key);
    }
}

int pd_addr_conns_acquire(struct pd_addr_conns *t, const char *key, uint32_t limit,
                          uint64_t now_mono_ms, struct pd_addr_slot **slot, bool *log_now,
                          uint64_t *suppressed)
{
    struct pd_addr_slot *s;

    *slot = NULL;
    *log_now = false;
    *suppressed = 0;
    if (limit == 0)
        return 0;
    addr_conns_cool(t, now_mono_ms);
    s = g_hash_table_lookup(t->slots, key);
    if (s == NULL) {
        s = pd_xcalloc(1, sizeof *s);
        snprintf(s->key, sizeof s->key, "%s", key);
        g_hash_table_insert(t->slots, s->key, s);
    }
    if (s->count >= limit) {
        if (s->last_log_ms == 0 || now_mono_ms - s->last_log_ms >= REPORT_EVERY_MS) {
            *log_now = true;
            *suppressed = s->suppressed;
            s->suppressed = 0;
            s->last_log_ms = now_mono_ms ? now_mono_ms : 1;
        } else {
            s->suppressed++;
        }
        return -1;
    }
    if (s->cooling) {
        g_queue_delete_link(&t->cooling, s->cooling);
        s->cooling = NULL;
    }
    s->count++;
    *slot = s;
    return 0;
}

void pd_addr_conns_release(struct pd_addr_conns *t, struct pd_addr_slot *s, uint64_t now_mono_ms)
{
    if (s == NULL)
        return;
    if (--s->count == 0) {
        if (s->last_log_ms != 0 && now_mono_ms - s->last_log_ms < REPORT_EVERY_MS) {
            g_queue_push_tail(&t->cooling, s);
            s->cooling = g_queue_peek_tail_link(&t->cooling);
        } else {
            g_hash_table_remove(t->slots, s->key);
        }
    }
    addr_conns_cool(t, now_mono_ms);
}

uint32_t pd_addr_conns_count(const struct pd_addr_conns *t, const char *key)
{
    const struct pd_addr_slot *s = g_hash_table_lookup(t->slots, key);
    return s ? s->count : 0;
}

/* ---- failed logins per address ----------------------------------------------------------- */

struct login_entry {
    char key[PD_ADDR_KEY_MAX];
    double tokens;
    int64_t last_ms;     /* business time tokens were last brought up to date */
    uint32_t pending;    /* logins let through and not over yet */
    int64_t reported_ms; /* the last refusal reported; INT64_MIN: none */
    uint64_t refused;    /* refusals since that report */
    GList lru;           /* in l->lru, newest at the head; lru.data is the entry */
};

struct pd_login_limits {
    uint32_t rate;
    GHashTable *entries; /* key -> struct login_entry (owned) */
    GQueue lru;
};

struct pd_login_limits *pd_login_limits_new(uint32_t rate_per_minute)
{
    struct pd_login_limits *l = pd_xcalloc(1, sizeof *l);

    l->rate = rate_per_minute;
    l->entries = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, free);
    g_queue_init(&l->lru);
    return l;
}

void pd_login_limits_free(struct pd_login_limits *l)
{
    if (l == NULL)
        return;
    /* The links are inside the entries, which the table frees. */
    g_hash_table_destroy(l->entries);
    free(l);
}

/* Brings e's tokens up to now. A clock moved backwards (a test) refills nothing. */
static void refill(const struct pd_login_limits *l, struct login_entry *e, int64_t now)
{
    if (now > e->last_ms) {
        e->tokens += (double)(now - e->last_ms) * l->rate / 60000.0;
        if (e->tokens > l->rate)
            e->tokens = l->rate;
    }
    e->last_ms = now;
}

static void entry_remove(struct pd_login_limits *l, struct login_entry *e)
{
    g_queue_unlink(&l->lru, &e->lru);
    g_hash_table_remove(l->entries, e->key);
}

/* An entry with a full bucket and nothing pending tells nothing an absent one would not, once its
 * last report is a minute old. */
static bool entry_idle(const struct pd_login_limits *l, const struct login_entry *e, int64_t now)
{
    double tokens = e->tokens;

    if (e->pending > 0)
        return false;
    if (e->reported_ms != INT64_MIN && now - e->reported_ms < REPORT_EVERY_MS)
        return false;
    if (now > e->last_ms)
        tokens += (double)(now - e->last_ms) * l->rate / 60000.0;
    return tokens >= l->rate;
}

static struct login_entry *entry_get(struct pd_login_limits *l, const char *key, int64_t now)
{
    struct login_entry *e;
    GList *link;

    /* Forget the idle entries at the cold end. */
    while ((link = g_queue_peek_tail_link(&l->lru)) != NULL && entry_idle(l, link->data, now))
        entry_remove(l, link->data);
    e = g_hash_table_lookup(l->entries, key);
    if (e != NULL) {
        g_queue_unlink(&l->lru, &e->lru);
        g_queue_push_head_link(&l->lru, &e->lru);
        return e;
    }
    if (g_hash_table_size(l->entries) >= PD_LOGIN_TABLE_MAX) {
        /* Full: the least recently used entry with no login in progress goes. */
        for (link = g_queue_peek_tail_link(&l->lru); link; link = link->prev) {
            struct login_entry *old = link->data;
            if (old->pending == 0) {
                entry_remove(l, old);
                break;
            }
        }
    }
    e = pd_xcalloc(1, sizeof *e);
    snprintf(e->key, sizeof e->key, "%s", key);
    e->tokens = l->rate;
    e->last_ms = now;
    e->reported_ms = INT64_MIN;
    e->lru.data = e;
    g_hash_table_insert(l->entries, e->key, e);
    g_queue_push_head_link(&l->lru, &e->lru);
    return e;
}

int64_t pd_login_limits_begin(struct pd_login_limits *l, const char *key, int64_t now_ms,
                              bool *report, uint64_t *refused_since)
{
    struct login_entry *e;
    double avail;
    int64_t wait;

    *report = false;
    *refused_since = 0;
    if (l == NULL || l->rate == 0)
        return 0;
    e = entry_get(l, key, now_ms);
    refill(l, e, now_ms);
    avail = e->tokens - e->pending;
    if (avail >= 1.0) {
        e->pending++;
        return 0;
    }
    e->refused++;
    if (e->reported_ms == INT64_MIN || now_ms - e->reported_ms >= REPORT_EVERY_MS ||
        now_ms < e->reported_ms) {
        *report = true;
        *refused_since = e->refused;
        e->refused = 0;
        e->reported_ms = now_ms;
    }
    /* Rounded up: asking again after it finds the token there. */
    wait = (int64_t)((1.0 - avail) * 60000.0 / l->rate) + 1;
    return wait;
}

void pd_login_limits_end(struct pd_login_limits *l, const char *key, int64_t now_ms, bool failed)
{
    struct login_entry *e;

    if (l == NULL || l->rate == 0)
        return;
    /* Entries with a login pending are never dropped, so it is there. */
    e = g_hash_table_lookup(l->entries, key);
    if (e == NULL || e->pending == 0)
        return;
    refill(l, e, now_ms);
    e->pending--;
    if (failed)
        e->tokens = e->tokens >= 1.0 ? e->tokens - 1.0 : 0.0;
}

size_t pd_login_limits_size(const struct pd_login_limits *l)
{
    return l ? g_hash_table_size(l->entries) : 0;
}
