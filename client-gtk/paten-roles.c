/*
 * paten-roles.c: role and office-kind names and the role/office-kind table (paten-roles.h).
 */
#include "paten-roles.h"

#include "paten-desk.h"

const Paten__Role paten_roles_all[PATEN_N_ROLES + 1] = {
    PATEN__ROLE__ROLE_LOKET,         PATEN__ROLE__ROLE_CAMAT,     PATEN__ROLE__ROLE_SEKRETARIAT,
    PATEN__ROLE__ROLE_TIM_TEKNIS,    PATEN__ROLE__ROLE_KASIR,     PATEN__ROLE__ROLE_PETUGAS_SKRD,
    PATEN__ROLE__ROLE_PETUGAS_PAJAK, PATEN__ROLE__ROLE_BENDAHARA, PATEN__ROLE__ROLE_PIMPINAN,
    PATEN__ROLE__ROLE_AUDITOR,       PATEN__ROLE__ROLE_ADMIN,     PATEN__ROLE__ROLE_UNSPECIFIED,
};

const char *paten_role_name(Paten__Role role)
{
    switch (role) {
    case PATEN__ROLE__ROLE_LOKET:
        /* TRANSLATORS: role names; the Indonesian ones are the offices' own words. */
        return _("Front office officer");
    case PATEN__ROLE__ROLE_CAMAT:
        return _("Head of sub-district (Camat)");
    case PATEN__ROLE__ROLE_SEKRETARIAT:
        return _("Secretariat");
    case PATEN__ROLE__ROLE_TIM_TEKNIS:
        return _("Technical team");
    case PATEN__ROLE__ROLE_KASIR:
        return _("Cashier");
    case PATEN__ROLE__ROLE_PETUGAS_SKRD:
        return _("Levy assessment officer (SKRD)");
    case PATEN__ROLE__ROLE_PETUGAS_PAJAK:
        return _("Tax officer");
    case PATEN__ROLE__ROLE_BENDAHARA:
        return _("Receiving treasurer");
    case PATEN__ROLE__ROLE_PIMPINAN:
        return _("Head of office");
    case PATEN__ROLE__ROLE_AUDITOR:
        return _("Auditor");
    case PATEN__ROLE__ROLE_ADMIN:
        return _("Administrator");
    default:
        return "?";
    }
}

const char *paten_office_kind_name(Paten__OfficeKind kind)
{
    switch (kind) {
    case PATEN__OFFICE_KIND__OFFICE_KIND_KECAMATAN:
        return _("Sub-district (Kecamatan)");
    case PATEN__OFFICE_KIND__OFFICE_KIND_DPMPTSP:
        return "DPMPTSP";
    case PATEN__OFFICE_KIND__OFFICE_KIND_BAPENDA:
        return "BAPENDA";
    case PATEN__OFFICE_KIND__OFFICE_KIND_UPPU:
        return "UPPU";
    case PATEN__OFFICE_KIND__OFFICE_KIND_PEMDA:
        return _("Regional government");
    default:
        return "?";
    }
}

gboolean paten_role_allowed_at(Paten__Role role, Paten__OfficeKind kind)
{
    switch (role) {
    case PATEN__ROLE__ROLE_LOKET:
    case PATEN__ROLE__ROLE_CAMAT:
    case PATEN__ROLE__ROLE_SEKRETARIAT:
    case PATEN__ROLE__ROLE_KASIR:
        return kind == PATEN__OFFICE_KIND__OFFICE_KIND_KECAMATAN;
    case PATEN__ROLE__ROLE_TIM_TEKNIS:
        return kind == PATEN__OFFICE_KIND__OFFICE_KIND_KECAMATAN ||
               kind == PATEN__OFFICE_KIND__OFFICE_KIND_UPPU;
    case PATEN__ROLE__ROLE_PETUGAS_SKRD:
        return kind == PATEN__OFFICE_KIND__OFFICE_KIND_DPMPTSP;
    case PATEN__ROLE__ROLE_PETUGAS_PAJAK:
        return kind == PATEN__OFFICE_KIND__OFFICE_KIND_BAPENDA;
    case PATEN__ROLE__ROLE_BENDAHARA:
        return kind == PATEN__OFFICE_KIND__OFFICE_KIND_DPMPTSP ||
               kind == PATEN__OFFICE_KIND__OFFICE_KIND_BAPENDA;
    case PATEN__ROLE__ROLE_ADMIN:
        return kind == PATEN__OFFICE_KIND__OFFICE_KIND_PEMDA;
    case PATEN__ROLE__ROLE_PIMPINAN:
    case PATEN__ROLE__ROLE_AUDITOR:
        return kind != PATEN__OFFICE_KIND__OFFICE_KIND_UNSPECIFIED;
    default:
        return FALSE;
    }
}

char *paten_roles_join(const Paten__Role *roles, size_t n)
{
    GString *s = g_string_new(NULL);

    for (size_t i = 0; i < n; i++) {
        if (i > 0)
            g_string_append(s, ", ");
        g_string_append(s, paten_role_name(roles[i]));
    }
    return g_string_free(s, FALSE);
}

gboolean paten_roles_contain(const Paten__Role *roles, size_t n, Paten__Role role)
{
    for (size_t i = 0; i < n; i++)
        if (roles[i] == role)
            return TRUE;
    return FALSE;
}
