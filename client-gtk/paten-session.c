/*
 * paten-session.c: PatenSession (paten-session.h).
 */
#include "paten-session.h"

#include "paten-roles.h"
#include "paten-util.h"

struct _PatenSession {
    GObject parent_instance;
    Paten__SessionInfo *info;
};

G_DEFINE_TYPE(PatenSession, paten_session, G_TYPE_OBJECT)

enum { SIGNAL_CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

/* Used when a reply lacks parts: callers never have to test for NULL. */
static const Paten__User empty_user = PATEN__USER__INIT;

static void paten_session_finalize(GObject *obj)
{
    PatenSession *self = PATEN_SESSION(obj);

    paten_message_free(self->info);
    G_OBJECT_CLASS(paten_session_parent_class)->finalize(obj);
}

static void paten_session_class_init(PatenSessionClass *klass)
{
    G_OBJECT_CLASS(klass)->finalize = paten_session_finalize;

    /**
     * PatenSession::changed:
     *
     * The info was replaced (a resume, a refresh after a password change or a delegation).
     */
    signals[SIGNAL_CHANGED] = g_signal_new("changed", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST,
                                           0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void paten_session_init(PatenSession *self)
{
    (void)self;
}

static Paten__SessionInfo *copy_info(const Paten__SessionInfo *info)
{
    Paten__SessionInfo empty = PATEN__SESSION_INFO__INIT;

    return paten_message_dup(info ? &info->base : &empty.base);
}

PatenSession *paten_session_new(const Paten__SessionInfo *info)
{
    PatenSession *self = g_object_new(PATEN_TYPE_SESSION, NULL);

    self->info = copy_info(info);
    return self;
}

void paten_session_update(PatenSession *self, const Paten__SessionInfo *info)
{
    g_return_if_fail(PATEN_IS_SESSION(self));
    paten_message_free(self->info);
    self->info = copy_info(info);
    g_signal_emit(self, signals[SIGNAL_CHANGED], 0);
}

const Paten__SessionInfo *paten_session_get_info(PatenSession *self)
{
    g_return_val_if_fail(PATEN_IS_SESSION(self), NULL);
    return self->info;
}

const Paten__User *paten_session_get_user(PatenSession *self)
{
    g_return_val_if_fail(PATEN_IS_SESSION(self), &empty_user);
    return self->info->user ? self->info->user : &empty_user;
}

const char *paten_session_get_office_name(PatenSession *self)
{
    const Paten__User *u = paten_session_get_user(self);

    return u->office && u->office->name ? u->office->name : "";
}

const char *paten_session_get_region_name(PatenSession *self)
{
    g_return_val_if_fail(PATEN_IS_SESSION(self), "");
    return self->info->region && self->info->region->name ? self->info->region->name : "";
}

const char *paten_session_get_time_zone(PatenSession *self)
{
    g_return_val_if_fail(PATEN_IS_SESSION(self), "");
    return self->info->region && self->info->region->time_zone ? self->info->region->time_zone : "";
}

gboolean paten_session_has_role(PatenSession *self, Paten__Role role)
{
    g_return_val_if_fail(PATEN_IS_SESSION(self), FALSE);
    return paten_roles_contain(self->info->effective_roles, self->info->n_effective_roles, role);
}

gboolean paten_session_must_change_password(PatenSession *self)
{
    g_return_val_if_fail(PATEN_IS_SESSION(self), FALSE);
    return self->info->must_change_password;
}
