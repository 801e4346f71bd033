/*
 * pd_people_rows.c: result rows into User, Office and Delegation messages (see pd_people.h).
 */
#include "pd_people.h"

#include "pd_alloc.h"
#include "pd_db.h"
#include "pd_offices.h"
#include "pd_session.h"

#include <string.h>

void pd_user_from_row(const PGresult *res, int row, int col0, struct pd_user_buf *b)
{
    pd_roleset roles;
    size_t n = 0;

    paten__user__init(&b->user);
    paten__office__init(&b->office);
    b->user.id = pd_db_get_int(res, row, col0 + 0);
    b->user.username = (char *)pd_db_str(res, row, col0 + 1);
    b->user.nip = (char *)pd_db_str(res, row, col0 + 2);
    b->user.name = (char *)pd_db_str(res, row, col0 + 3);
    b->user.active = pd_db_get_bool(res, row, col0 + 4);
    b->user.must_change_password = pd_db_get_bool(res, row, col0 + 5);
    b->user.version = pd_db_get_int(res, row, col0 + 6);
    b->user.locked_until_ms = pd_db_get_int(res, row, col0 + 7);
    b->office.id = pd_db_get_int(res, row, col0 + 8);
    b->office.code = (char *)pd_db_str(res, row, col0 + 9);
    b->office.name = (char *)pd_db_str(res, row, col0 + 10);
    b->office.kind = (Paten__OfficeKind)pd_office_kind_parse(pd_db_str(res, row, col0 + 11));
    b->office.opens = (char *)pd_db_str(res, row, col0 + 12);
    b->office.closes = (char *)pd_db_str(res, row, col0 + 13);
    b->office.region_code = (char *)pd_db_str(res, row, col0 + PD_USER_COL_REGION_CODE);
    b->user.office = &b->office;
    roles = pd_roles_parse_csv(pd_db_str(res, row, col0 + 18));
    for (int r = 1; r <= PATEN__ROLE__ROLE_ADMIN; r++)
        if (roles & PD_ROLE_BIT(r))
            b->roles[n++] = (Paten__Role)r;
    b->user.roles = b->roles;
    b->user.n_roles = n;
}

struct pd_acting *pd_acting_from_rows(const PGresult *res, int *n)
{
    int rows = res ? PQntuples(res) : 0;
    struct pd_acting *a = pd_xcalloc((size_t)(rows ? rows : 1), sizeof *a);

    for (int i = 0; i < rows; i++) {
        a[i].delegation_id = pd_db_get_int(res, i, 0);
        a[i].role = pd_role_parse(pd_db_str(res, i, 1));
        a[i].valid_from_ms = pd_db_get_int(res, i, 7);
        a[i].valid_until_ms = pd_db_get_int(res, i, 8);
    }
    *n = rows;
    return a;
}

const char *pd_delegation_kind_name(int kind)
{
    switch (kind) {
    case PATEN__DELEGATION_KIND__DELEGATION_KIND_PLH:
        return "PLH";
    case PATEN__DELEGATION_KIND__DELEGATION_KIND_PLT:
        return "PLT";
    default:
        return NULL;
    }
}

void pd_delegation_from_row(const PGresult *res, int row, int col0, Paten__Delegation *d)
{
    const char *kind = pd_db_str(res, row, col0 + 2);

    paten__delegation__init(d);
    d->id = pd_db_get_int(res, row, col0 + 0);
    d->role = (Paten__Role)pd_role_parse(pd_db_str(res, row, col0 + 1));
    d->kind = strcmp(kind, "PLT") == 0 ? PATEN__DELEGATION_KIND__DELEGATION_KIND_PLT
                                       : PATEN__DELEGATION_KIND__DELEGATION_KIND_PLH;
    d->from_user_id = pd_db_get_int(res, row, col0 + 3);
    d->from_name = (char *)pd_db_str(res, row, col0 + 4);
    d->to_user_id = pd_db_get_int(res, row, col0 + 5);
    d->to_name = (char *)pd_db_str(res, row, col0 + 6);
    d->valid_from_ms = pd_db_get_int(res, row, col0 + 7);
    d->valid_until_ms = pd_db_get_int(res, row, col0 + 8);
    d->reason = (char *)pd_db_str(res, row, col0 + 9);
    d->ended_at_ms = pd_db_get_int(res, row, col0 + 10);
    d->office_id = pd_db_get_int(res, row, col0 + 11);
}
