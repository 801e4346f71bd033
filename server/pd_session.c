/*
 * pd_session.c: roles and the in-memory session registry (see pd_session.h).
 */
#include "pd_session.h"

#include "pd_alloc.h"
#include "pd_server.h"

#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const role_names[] = {
    [PATEN__ROLE__ROLE_LOKET] = "LOKET",
    [PATEN__ROLE__ROLE_CAMAT] = "CAMAT",
    [PATEN__ROLE__ROLE_SEKRETARIAT] = "SEKRETARIAT",
    [PATEN__ROLE__ROLE_TIM_TEKNIS] = "TIM_TEKNIS",
    [PATEN__ROLE__ROLE_KASIR] = "KASIR",
    [PATEN__ROLE__ROLE_PETUGAS_SKRD] = "PETUGAS_SKRD",
    [PATEN__ROLE__ROLE_PETUGAS_PAJAK] = "PETUGAS_PAJAK",
    [PATEN__ROLE__ROLE_BENDAHARA] = "BENDAHARA",
    [PATEN__ROLE__ROLE_PIMPINAN] = "PIMPINAN",
    [PATEN__ROLE__ROLE_AUDITOR] = "AUDITOR",
    [PATEN__ROLE__ROLE_ADMIN] = "ADMIN",
};

#define N_ROLES ((int)(sizeof role_names / sizeof role_names[0]))

const char *pd_role_name(int role)
{
    return role > 0 && role < N_ROLES ? role_names[role] : NULL;
}

int pd_role_parse(const char *name)
{
    for (int r = 1; r < N_ROLES; r++)
        if (strcmp(role_names[r], name) == 0)
            return r;
    return 0;
}

pd_roleset pd_roles_parse_csv(const char *csv)
{
    pd_roleset set = 0;
    char buf[256];
    char *save = NULL;

    if (csv == NULL)
        return 0;
    snprintf(buf, sizeof buf, "%s", csv);
    for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        int r = pd_role_parse(t);
        if (r)
            set |= PD_ROLE_BIT(r);
    }
    return set;
}

void pd_roles_to_array(pd_roleset roles, char *out, size_t cap)
{
    size_t n = 0;

    n += (size_t)snprintf(out + n, cap - n, "{");
    for (int r = 1; r < N_ROLES && n < cap; r++) {
        if (roles & PD_ROLE_BIT(r))
            n += (size_t)snprintf(out + n, cap - n, "%s%s", n > 1 ? "," : "", role_names[r]);
    }
    if (n < cap)
        snprintf(out + n, cap - n, "}");
}

pd_roleset pd_session_effective_roles(const struct pd_session *s, int64_t now_ms)
{
    pd_roleset set = s->roles;

    for (int i = 0; i < s->nacting; i++) {
        const struct pd_acting *a = &s->acting[i];
        if (a->valid_from_ms <= now_ms && now_ms < a->valid_until_ms)
            set |= PD_ROLE_BIT(a->role);
    }
    return set;
}

bool pd_session_region_wide(const struct pd_session *s)
{
    return s->office_kind == PATEN__OFFICE_KIND__OFFICE_KIND_PEMDA &&
           (s->roles & PD_ROLES_REGION_WIDE) != 0;
}

static GHashTable *registry(struct pd_server *srv)
{
    if (srv->sessions == NULL)
        srv->sessions = g_hash_table_new(g_int64_hash, g_int64_equal);
    return srv->sessions;
}

struct pd_session *pd_session_find(struct pd_server *srv, int64_t session_id)
{
    return g_hash_table_lookup(registry(srv), &session_id);
}

struct pd_session *pd_session_get(struct pd_server *srv, int64_t session_id)
{
    struct pd_session *s = pd_session_find(srv, session_id);

    if (s == NULL) {
        s = pd_xcalloc(1, sizeof *s);
        s->id = session_id;
        g_hash_table_insert(registry(srv), &s->id, s);
    }
    s->refs++;
    return s;
}

void pd_session_unref(struct pd_server *srv, struct pd_session *s)
{
    if (s == NULL || --s->refs > 0)
        return;
    g_hash_table_remove(registry(srv), &s->id);
    free(s->acting);
    free(s);
}

void pd_session_set_acting(struct pd_session *s, const struct pd_acting *a, int n)
{
    free(s->acting);
    s->acting = NULL;
    s->nacting = 0;
    if (n > 0) {
        s->acting = pd_xmalloc((size_t)n * sizeof *a);
        memcpy(s->acting, a, (size_t)n * sizeof *a);
        s->nacting = n;
    }
}

void pd_session_foreach_user(struct pd_server *srv, int64_t user_id,
                             void (*fn)(struct pd_session *s, void *arg), void *arg)
{
    GHashTableIter it;
    gpointer key, value;
    GPtrArray *match = g_ptr_array_new();

    /* Collected first: fn may end sessions, which changes the table. */
    g_hash_table_iter_init(&it, registry(srv));
    while (g_hash_table_iter_next(&it, &key, &value)) {
        struct pd_session *s = value;
        if (s->user_id == user_id) {
            s->refs++;
            g_ptr_array_add(match, s);
        }
    }
    for (guint i = 0; i < match->len; i++) {
        fn(match->pdata[i], arg);
        pd_session_unref(srv, match->pdata[i]);
    }
    g_ptr_array_free(match, TRUE);
}

void pd_session_registry_free(struct pd_server *srv)
{
    if (srv->sessions) {
        g_hash_table_destroy(srv->sessions);
        srv->sessions = NULL;
    }
}
