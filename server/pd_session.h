/*
 * pd_session.h: logged-in sessions as this patend holds them in memory.
 *
 * The session row in PostgreSQL is the truth (a random 256-bit token, stored only as its SHA-256);
 * a pd_session is this process's copy of who the user is and what they may do, shared by every
 * connection of the session on this process (two windows on one desk). Roles are a bit set of
 * the proto's Role numbers. A delegation of the Camat's role counts only within its period, on
 * the business clock.
 */
#ifndef PD_SESSION_H
#define PD_SESSION_H

#include "paten.pb-c.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct pd_server;

typedef uint32_t pd_roleset;

#define PD_ROLE_BIT(r) ((pd_roleset)1u << (r))
/* Every real role (bits 1..11). */
#define PD_ROLES_ALL ((pd_roleset)0xffeu)
#define PD_ROLES_REGION_WIDE                                                         \
    (PD_ROLE_BIT(PATEN__ROLE__ROLE_ADMIN) | PD_ROLE_BIT(PATEN__ROLE__ROLE_AUDITOR) | \
     PD_ROLE_BIT(PATEN__ROLE__ROLE_PIMPINAN))

struct pd_acting {
    int64_t delegation_id;
    int role;
    int64_t valid_from_ms;
    int64_t valid_until_ms;
};

struct pd_session {
    unsigned refs;
    int64_t id;
    int64_t user_id;
    int64_t office_id;
    int64_t region_id;
    int office_kind; /* Paten__OfficeKind */
    char username[72];
    pd_roleset roles; /* own roles */
    struct pd_acting *acting;
    int nacting;
    bool must_change_password;
    bool ended;
    uint32_t idle_timeout_s;
    int64_t last_activity_ms;     /* business clock */
    int64_t last_seen_written_ms; /* when sessions.last_seen_at was last updated */
};

/* Role names as in the database enum ("LOKET"), by Paten__Role number; NULL when out of range. */
const char *pd_role_name(int role);
/* The Paten__Role of a name, or 0. */
int pd_role_parse(const char *name);
/* Parses "LOKET,CAMAT" (as user_view.roles renders them). */
pd_roleset pd_roles_parse_csv(const char *csv);
/* Renders a set as a PostgreSQL array literal "{LOKET,CAMAT}" into out. */
void pd_roles_to_array(pd_roleset roles, char *out, size_t cap);

/* Own roles plus the roles delegated to the user that are in force at now_ms. */
pd_roleset pd_session_effective_roles(const struct pd_session *s, int64_t now_ms);

/* Whether the session sees its whole region (a region-wide role held at the PEMDA office). */
bool pd_session_region_wide(const struct pd_session *s);

/* The registry: one pd_session per session id on this process. pd_session_get returns it with
 * a new reference, creating an empty one (refs 1, id set, everything else zero) when absent. */
struct pd_session *pd_session_get(struct pd_server *srv, int64_t session_id);
struct pd_session *pd_session_find(struct pd_server *srv, int64_t session_id);
void pd_session_unref(struct pd_server *srv, struct pd_session *s);
/* Replaces the acting delegations (copies n entries). */
void pd_session_set_acting(struct pd_session *s, const struct pd_acting *a, int n);

/* Calls fn for every session of user_id on this process (session_id 0: every session). */
void pd_session_foreach_user(struct pd_server *srv, int64_t user_id,
                             void (*fn)(struct pd_session *s, void *arg), void *arg);

void pd_session_registry_free(struct pd_server *srv);

#endif
