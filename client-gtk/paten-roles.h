/*
 * paten-roles.h: what the desk knows about roles and office kinds: their names for people (in
 * the UI's language), and which roles an office kind can hold (the same table the server keeps
 * in role_office_kinds; the server checks it again, this only narrows the choices offered).
 */
#ifndef PATEN_ROLES_H
#define PATEN_ROLES_H

#include "paten.pb-c.h"

#include <glib.h>

G_BEGIN_DECLS

/* How many assignable roles there are (ROLE_LOKET .. ROLE_ADMIN). */
#define PATEN_N_ROLES 11

/* Every assignable role, in display order, then ROLE_UNSPECIFIED. */
extern const Paten__Role paten_roles_all[PATEN_N_ROLES + 1];

/* "Petugas Loket" for ROLE_LOKET; "?" for unknown values. Static string. */
const char *paten_role_name(Paten__Role role);

/* "Kecamatan" for OFFICE_KIND_KECAMATAN. Static string. */
const char *paten_office_kind_name(Paten__OfficeKind kind);

/* TRUE when an office of kind can hold role. */
gboolean paten_role_allowed_at(Paten__Role role, Paten__OfficeKind kind);

/* The names of n roles joined with ", ". Caller frees. */
char *paten_roles_join(const Paten__Role *roles, size_t n);

/* TRUE when role is among the n roles. */
gboolean paten_roles_contain(const Paten__Role *roles, size_t n, Paten__Role role);

G_END_DECLS

#endif
