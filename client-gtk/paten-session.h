/*
 * paten-session.h: PatenSession, the logged-in session as the desk knows it: the SessionInfo of
 * the last Login, Resume or GetSession (the user, office, region, effective roles, delegations in
 * force, whether the password must change). Widgets read it and follow its "changed" signal;
 * only the application replaces what it holds.
 */
#ifndef PATEN_SESSION_H
#define PATEN_SESSION_H

#include "paten.pb-c.h"

#include <glib-object.h>

G_BEGIN_DECLS

#define PATEN_TYPE_SESSION (paten_session_get_type())
G_DECLARE_FINAL_TYPE(PatenSession, paten_session, PATEN, SESSION, GObject)

/* A session holding a copy of info. */
PatenSession *paten_session_new(const Paten__SessionInfo *info);

/* Replaces the info with a copy of info and emits "changed". */
void paten_session_update(PatenSession *self, const Paten__SessionInfo *info);

/* The info, owned by the session; valid until the next update. Never NULL. */
const Paten__SessionInfo *paten_session_get_info(PatenSession *self);

/* Shortcuts into the info; never NULL (empty strings when absent). */
const Paten__User *paten_session_get_user(PatenSession *self);
const char *paten_session_get_office_name(PatenSession *self);
const char *paten_session_get_region_name(PatenSession *self);
const char *paten_session_get_time_zone(PatenSession *self);

/* TRUE when the session's effective roles include role. */
gboolean paten_session_has_role(PatenSession *self, Paten__Role role);

/* TRUE while the password must be changed before anything else works. */
gboolean paten_session_must_change_password(PatenSession *self);

G_END_DECLS

#endif
