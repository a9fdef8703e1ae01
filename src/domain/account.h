/*
 * account.h - a user as the admin API manages it: the identity of
 * domain/user.h plus its settings, the rule that ties a role to an
 * organisation, and the JSON form shared by the API and the audit log
 * (it never holds a password or its hash). Pure: no I/O.
 */
#ifndef DOMAIN_ACCOUNT_H
#define DOMAIN_ACCOUNT_H

#include "core/compat.h"
#include "domain/user.h"
#include <jansson.h>

#define USER_NAME_MAX 200 /* characters of a display name */
#define EMAIL_MAX 254     /* characters of an e-mail address */

struct account {
    struct user user; /* id, e-mail, name, role, organisation, created_at */
    bool notify;      /* a contact who opted in to every notice of its organisation */
};

/*
 * Does organization_id fit role? A customer belongs to one organisation,
 * staff (agents and admins) to none. Returns NULL when it fits, else the
 * reason, about the field organization_id.
 */
const char *account_org_problem(enum role role, int64_t organization_id);

/*
 * The API form {"id","email","name","role","organization_id","notify",
 * "disabled","created_at"} (organization_id null for staff): a new reference.
 */
json_t *account_to_json(const struct account *a);

#endif
