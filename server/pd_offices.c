/*
 * pd_offices.c: the office cache (see pd_offices.h).
 */
#include "pd_offices.h"

#include "paten_calendar.h"

#include "paten.pb-c.h"
#include "pd_alloc.h"
#include "pd_db.h"
#include "pd_log.h"
#include "pd_server.h"

#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct pd_offices {
    GHashTable *by_id; /* int64 id -> struct pd_office_entry */
    bool loaded;
    bool loading;
    bool reload_again; /* a change arrived during a load */
};

struct pd_offices *pd_offices_new(void)
{
    struct pd_offices *o = pd_xcalloc(1, sizeof *o);
    o->by_id = g_hash_table_new_full(g_int64_hash, g_int64_equal, NULL, free);
    return o;
}

void pd_offices_free(struct pd_offices *o)
{
    if (o == NULL)
        return;
    g_hash_table_destroy(o->by_id);
    free(o);
}

int pd_office_kind_parse(const char *name)
{
    static const char *const kinds[] = { NULL, "KECAMATAN", "DPMPTSP", "BAPENDA", "UPPU", "PEMDA" };
    for (int k = 1; k < 6; k++)
        if (name && strcmp(kinds[k], name) == 0)
            return k;
    return 0;
}

static void loaded(const struct pd_db_result *r, void *arg)
{
    struct pd_server *srv = arg;
    struct pd_offices *o = srv->offices;

    o->loading = false;
    if (r->status < 0) {
        pd_warn(0, "cannot load the offices: %s; retrying with the next change or request",
                r->message);
    } else {
        const PGresult *res = r->res[0];
        g_hash_table_remove_all(o->by_id);
        for (int i = 0; i < PQntuples(res); i++) {
            struct pd_office_entry *e = pd_xcalloc(1, sizeof *e);
            e->id = pd_db_get_int(res, i, 0);
            e->region_id = pd_db_get_int(res, i, 1);
            e->kind = pd_office_kind_parse(pd_db_get(res, i, 2));
            snprintf(e->code, sizeof e->code, "%s", pd_db_get(res, i, 3));
            e->tz_offset_min = paten_tz_offset_minutes(pd_db_get(res, i, 4));
            if (e->tz_offset_min < 0)
                e->tz_offset_min = 7 * 60;
            g_hash_table_insert(o->by_id, &e->id, e);
        }
        o->loaded = true;
        pd_debug(0, "loaded %u offices", g_hash_table_size(o->by_id));
    }
    if (o->reload_again) {
        o->reload_again = false;
        pd_offices_reload(srv);
    }
}

void pd_offices_reload(struct pd_server *srv)
{
    struct pd_offices *o = srv->offices;
    struct pd_db_batch *b;

    if (o->loading) {
        o->reload_again = true;
        return;
    }
    o->loading = true;
    b = pd_db_batch_new();
    pd_db_batch_add(b, PD_STMT_OFFICES_ALL);
    pd_db_run(srv->db, b, loaded, srv);
}

bool pd_offices_loaded(const struct pd_offices *o)
{
    return o->loaded;
}

const struct pd_office_entry *pd_offices_get(const struct pd_offices *o, int64_t id)
{
    return g_hash_table_lookup(o->by_id, &id);
}

int pd_offices_tz(const struct pd_offices *o, int64_t office_id)
{
    const struct pd_office_entry *e = pd_offices_get(o, office_id);
    return e ? e->tz_offset_min : 7 * 60;
}
