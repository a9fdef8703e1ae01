/*
 * account.c - the role/organisation rule and the JSON form of accounts.
 */
#include "core/compat.h"
#include "domain/account.h"
#include "core/time.h"

const char *account_org_problem(enum role role, int64_t organization_id)
{
    if (role == ROLE_CUSTOMER && !organization_id)
        return "a customer needs an organization_id";
    if (role != ROLE_CUSTOMER && organization_id)
        return "staff (admins and agents) belong to no organisation";
    return NULL;
}

json_t *account_to_json(const struct account *a)
{
    const struct user *u = &a->user;
    char created[TIME_RFC3339_LEN];

    time_format_rfc3339(u->created_at, created);
    return json_pack("{s:I, s:s, s:s, s:s, s:o, s:b, s:b, s:s}", "id", (json_int_t)u->id, "email",
                     u->email, "name", u->name, "role", role_name(u->role), "organization_id",
                     u->organization_id ? json_integer(u->organization_id) : json_null(), "notify",
                     a->notify, "disabled", u->disabled, "created_at", created);
}
