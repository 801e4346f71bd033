/*
 * paten-account-sheet.c: the account sheet (paten-account-sheet.h).
 */
#include "paten-account-sheet.h"

#include "paten-desk.h"
#include "paten-roles.h"
#include "paten-util.h"

static const char *or_dash(const char *s)
{
    return s && s[0] ? s : "-";
}

char *paten_account_sheet_delegations(const Paten__SessionInfo *info)
{
    const char *tz = info->region ? info->region->time_zone : NULL;
    GString *s = NULL;

    for (size_t i = 0; i < info->n_acting_for; i++) {
        const Paten__Delegation *d = info->acting_for[i];
        g_autofree char *from = paten_format_time(d->valid_from_ms, tz, TRUE);
        g_autofree char *until = paten_format_time(d->valid_until_ms, tz, TRUE);
        const char *kind = d->kind == PATEN__DELEGATION_KIND__DELEGATION_KIND_PLT ? "Plt" : "Plh";

        if (s == NULL)
            s = g_string_new(NULL);
        else
            g_string_append_c(s, '\n');
        /* "a.n." (atas nama, on behalf of) is how the offices write it in any language. */
        g_string_append_printf(s, "a.n. %s (%s), %s – %s",
                               d->role == PATEN__ROLE__ROLE_CAMAT ? "Camat"
                                                                  : paten_role_name(d->role),
                               kind, from, until);
        if (d->from_name != NULL && d->from_name[0] != '\0')
            /* TRANSLATORS: after a delegation, the official who delegated. */
            g_string_append_printf(s, _(", from %s"), d->from_name);
    }
    return s ? g_string_free(s, FALSE) : NULL;
}

PatenDocument *paten_account_sheet_new(const Paten__SessionInfo *info, GDateTime *now)
{
    static const Paten__User no_user = PATEN__USER__INIT;
    const Paten__User *u = info->user ? info->user : &no_user;
    const char *tz = info->region ? info->region->time_zone : NULL;
    const char *office = u->office ? u->office->name : "";
    const char *region = info->region ? info->region->name : "";
    g_autofree char *number = NULL, *roles = NULL, *delegations = NULL, *printed = NULL;
    g_autofree char *footer = NULL;
    PatenDocument *doc;

    /* Not a register number (an account sheet is not an issued document): the office, the
     * user and the version of the record it shows. */
    number = g_strdup_printf("AKUN/%s/%" G_GINT64_FORMAT "/%" G_GINT64_FORMAT,
                             u->office ? u->office->code : "-", u->id, u->version);
    doc = paten_document_new("ACCOUNT_SHEET", number, _("USER ACCOUNT SHEET"));
    paten_document_set_letterhead(doc, office, region);

    roles = paten_roles_join(info->effective_roles, info->n_effective_roles);
    delegations = paten_account_sheet_delegations(info);
    paten_document_add_field(doc, _("Name"), or_dash(u->name));
    paten_document_add_field(doc, _("Username"), or_dash(u->username));
    paten_document_add_field(doc, _("NIP"), or_dash(u->nip));
    paten_document_add_field(doc, _("Office"), or_dash(office));
    paten_document_add_field(doc, _("Region"), or_dash(region));
    paten_document_add_field(doc, _("Roles"), or_dash(roles));
    paten_document_add_field(doc, _("Delegation"), delegations ? delegations : _("None"));
    paten_document_add_field(doc, _("Account status"), u->active ? _("Active") : _("Inactive"));

    printed = paten_format_time(g_date_time_to_unix(now) * 1000, tz, TRUE);
    footer = g_strdup_printf(_("Printed from paten-desk on %s"), printed);
    paten_document_set_footer(doc, footer);
    return doc;
}
