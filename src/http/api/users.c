/*
 * users.c - /api/v1/users (admins create and change; admins and agents
 * list; a customer reads only itself, the store filters) and
 * POST /api/v1/me/password (any signed-in user, knowing the old password),
 * and an account's sessions and tokens: GET and DELETE
 * /api/v1/users/{id}/sessions (admins).
 *
 * Ending access: {"disabled": true} refuses sign-in and ends every session
 * and token of the user in the same write; lookups refuse a disabled user on
 * every request besides. A new password ends every other session and token
 * of the user: all of them when an admin sets it for someone else, all but
 * the one in use when it is the user's own change.
 *
 * Passwords are hashed here, before the write (argon2id is slow and the
 * store has one writer); neither they nor their hashes are ever answered
 * or logged.
 */
#define LOG_MODULE "api"
#include "core/compat.h"
#include "http/api/api.h"
#include "core/crypto.h"
#include "core/err.h"
#include "core/log.h"
#include "domain/account.h"
#include "core/time.h"
#include "http/input.h"
#include "http/session.h"
#include "http/signin.h"
#include "store/store.h"

static const char *const role_values[] = {"admin", "agent", "customer", NULL};

static const struct field_spec create_fields[] = {
    {"email", F_STRING, true, 1, EMAIL_MAX, NULL},
    {"name", F_LINE, true, 1, USER_NAME_MAX, NULL},
    {"role", F_ENUM, true, 0, 0, role_values},
    {"organization_id", F_ID, false, 0, 0, NULL},
    {"password", F_STRING, true, 0, PASSWORD_MAX_LEN, NULL},
};

static const struct field_spec update_fields[] = {
    {"name", F_LINE, false, 1, USER_NAME_MAX, NULL},
    {"role", F_ENUM, false, 0, 0, role_values},
    {"organization_id", F_ID, false, 0, 0, NULL},
    {"password", F_STRING, false, 0, PASSWORD_MAX_LEN, NULL},
    {"notify", F_BOOL, false, 0, 0, NULL},
    {"disabled", F_BOOL, false, 0, 0, NULL},
};

static const struct field_spec password_fields[] = {
    {"old_password", F_STRING, true, 0, PASSWORD_MAX_LEN, NULL},
    {"new_password", F_STRING, true, 0, PASSWORD_MAX_LEN, NULL},
};

int api_password_hash(struct req *req, const char *password, const char **out,
                      const char **why)
{
    char *hash;
    int rc;

    if ((*why = password_problem(password)))
        return DESK_EINVAL;
    hash = arena_alloc(req->arena, PASSWORD_HASH_MAX);
    if ((rc = password_hash(password, hash)) < 0)
        return rc;
    *out = hash;
    return 0;
}

/* Check a new password (field names it) and hash it into out (arena). */
static int hash_new_password(struct req *req, struct res *res, const char *field,
                             const char *password, const char **out)
{
    const char *why = NULL;
    int rc = api_password_hash(req, password, out, &why);

    if (why)
        return res_error(res, rc, field, "%s %s", field, why);
    return rc;
}

/* role (ROLE_NONE when not given) and organization_id (0) of a checked body into u. */
static void read_role_org(json_t *in, struct user *u)
{
    if (input_str(in, "role"))
        role_parse(input_str(in, "role"), &u->role);
    u->organization_id = input_int(in, "organization_id", 0);
}

int api_user_create(struct req *req, struct res *res)
{
    struct account acc = {{0}, false};
    struct user *u = &acc.user;
    const char *hash = NULL, *why;
    json_t *in;
    int rc;

    if ((rc = req_json(req, res, &in)) < 0 ||
        (rc = input_check(in, create_fields, ARRAY_SIZE(create_fields), res)) < 0)
        return rc;
    u->email = input_str(in, "email");
    u->name = input_str(in, "name");
    read_role_org(in, u);
    if (!email_valid(u->email))
        return res_error(res, DESK_EINVAL, "email", "email '%s' is not an e-mail address",
                         u->email);
    if ((why = account_org_problem(u->role, u->organization_id)))
        return res_error(res, DESK_EINVAL, "organization_id", "%s", why);
    if ((rc = hash_new_password(req, res, "password", input_str(in, "password"), &hash)) < 0)
        return rc;
    rc = store_user_create(req->store, &req->caller, u, hash);
    if (rc == DESK_ECONFLICT)
        return res_error(res, rc, "email", "e-mail '%s' is taken", u->email);
    if (rc == DESK_ENOTFOUND)
        return res_error(res, DESK_EINVAL, "organization_id", "no organisation %" PRId64,
                         u->organization_id);
    if (rc < 0)
        return rc;
    return res_json(res, 201, account_to_json(&acc));
}

int api_user_list(struct req *req, struct res *res)
{
    struct account *items;
    struct store_page pg;
    json_t *arr;
    size_t nr;
    int rc;

    if ((rc = api_page(req, res, &pg)) < 0 ||
        (rc = store_account_list(req->store, &req->caller, &pg, &items, &nr, req->arena)) < 0)
        return rc;
    arr = json_array();
    for (size_t i = 0; i < nr; i++)
        json_array_append_new(arr, account_to_json(&items[i]));
    return res_json(res, 200, api_page_json(arr, &pg, nr ? items[nr - 1].user.id : 0));
}

int api_user_get(struct req *req, struct res *res)
{
    struct account acc;
    int64_t id = req->params[0];
    int rc;

    if ((rc = store_account_get(req->store, &req->caller, id, &acc, req->arena)) < 0)
        return res_error(res, rc, NULL, "no user %" PRId64, id);
    return res_json(res, 200, account_to_json(&acc));
}

/* The change a checked PATCH body asks for into p; 0, or an error with res filled. */
static int read_patch(struct req *req, struct res *res, json_t *in, int64_t id,
                      struct account_patch *p)
{
    struct user u = {0};
    json_t *notify = json_object_get(in, "notify"), *disabled = json_object_get(in, "disabled");
    const char *password = input_str(in, "password");

    read_role_org(in, &u);
    *p = (struct account_patch)ACCOUNT_PATCH_INIT;
    p->name = input_str(in, "name");
    p->role = u.role;
    p->organization_id = u.organization_id;
    if (json_is_boolean(notify))
        p->notify = json_is_true(notify);
    if (json_is_boolean(disabled))
        p->disabled = json_is_true(disabled);
    /* an admin who demoted itself could lock everyone out: another admin must do it */
    if (id == req->caller.user_id && p->role != ROLE_NONE && p->role != req->caller.role)
        return res_error(res, DESK_EINVAL, "role", "you may not change your own role");
    if (id == req->caller.user_id && p->disabled == 1)
        return res_error(res, DESK_EINVAL, "disabled", "you may not disable your own account");
    /* the admin's own change keeps the credential in use; someone else's ends them all */
    p->keep = id == req->caller.user_id ? api_credential_in_use(req) : NULL;
    return password ? hash_new_password(req, res, "password", password, &p->password_hash) : 0;
}

static bool patch_empty(const struct account_patch *p)
{
    return !p->name && p->role == ROLE_NONE && !p->organization_id && !p->password_hash &&
           p->notify < 0 && p->disabled < 0;
}

int api_user_update(struct req *req, struct res *res)
{
    struct account_patch p;
    struct store_fault f = {0};
    struct account acc;
    int64_t id = req->params[0];
    json_t *in;
    int rc;

    if ((rc = req_json(req, res, &in)) < 0 ||
        (rc = input_check(in, update_fields, ARRAY_SIZE(update_fields), res)) < 0 ||
        (rc = read_patch(req, res, in, id, &p)) < 0)
        return rc;
    if (patch_empty(&p))
        return api_user_get(req, res); /* nothing to change */
    if ((rc = store_account_update(req->store, &req->caller, id, &p, &acc, &f, req->arena)) < 0)
        return api_fault(res, rc, &f, "no user %" PRId64, id);
    if (p.disabled >= 0)
        log_info("msg=\"account %s\" user=%" PRId64 " admin=%" PRId64,
                 p.disabled ? "disabled" : "enabled", id, req->caller.user_id);
    return res_json(res, 200, account_to_json(&acc));
}

const uint8_t *api_credential_in_use(const struct req *req)
{
    if (req->has_token)
        return req->token_hash;
    return req->has_session ? req->session_hash : NULL;
}

int api_password_change_own(struct req *req, struct password_change *pc)
{
    struct account_patch p = ACCOUNT_PATCH_INIT;
    struct store_fault f = {0};
    struct signin s = {req->user.email, pc->old_password, {0}, 0, NULL};
    const char *why = NULL;
    struct account acc;
    int rc;

    if ((rc = api_password_hash(req, pc->new_password, &p.password_hash, &why)) < 0) {
        if (why) {
            pc->field = "new_password";
            pc->message = arena_sprintf(req->arena, "new_password %s", why);
        }
        return rc;
    }
    rc = signin_check(req, &s);
    if (rc == DESK_ELIMIT || rc == DESK_EBUSY) {
        pc->retry_after = s.retry_after;
        pc->message = s.message;
        return rc;
    }
    if (rc == DESK_EUNAUTH || rc == DESK_EDENIED) {
        pc->field = "old_password";
        pc->message = "old_password is wrong";
        return DESK_EINVAL;
    }
    if (rc < 0)
        return rc;
    p.keep = api_credential_in_use(req); /* the others end: a thief's copy stops working */
    if ((rc = store_account_update(req->store, &req->caller, s.user.id, &p, &acc, &f,
                                   req->arena)) < 0)
        return rc;
    log_info("msg=\"password changed\" user=%" PRId64, s.user.id);
    return 0;
}

/*
 * A wrong old password is 422 naming old_password, and counts as a failed
 * sign-in of the account: a stolen token cannot be used to guess the
 * password faster than the sign-in form allows. The caller's other tokens
 * and sessions end; this one stays valid.
 */
int api_password_change(struct req *req, struct res *res)
{
    struct password_change pc = {NULL, NULL, NULL, NULL, 0};
    json_t *in;
    int rc;

    if ((rc = req_json(req, res, &in)) < 0 ||
        (rc = input_check(in, password_fields, ARRAY_SIZE(password_fields), res)) < 0)
        return rc;
    pc.old_password = input_str(in, "old_password");
    pc.new_password = input_str(in, "new_password");
    rc = api_password_change_own(req, &pc);
    if (rc == DESK_ELIMIT || rc == DESK_EBUSY)
        res_header(res, "Retry-After", arena_sprintf(req->arena, "%" PRId64, pc.retry_after));
    if (rc < 0)
        return pc.message ? res_error(res, rc, pc.field, "%s", pc.message) : rc;
    res->status = 204;
    return 0;
}

/* ---- an account's sessions and tokens --------------------------------------------- */

json_t *api_credential_json(const struct credential *c)
{
    return json_pack("{s:I, s:s, s:o, s:o, s:o, s:s, s:s}", "id", (json_int_t)c->id, "kind",
                     c->kind == CRED_SESSION ? "session" : "token", "created_at",
                     json_time(c->created_at), "last_seen_at", json_time(c->last_seen_at),
                     "expires_at", json_time(c->expires_at), "address", c->address,
                     "user_agent", c->user_agent);
}

int api_user_sessions(struct req *req, struct res *res)
{
    struct credential *items;
    struct account acc;
    int64_t id = req->params[0], idle = req->conf && req->conf->session_idle_seconds
                                            ? req->conf->session_idle_seconds
                                            : SESSION_IDLE_DEFAULT;
    json_t *arr;
    size_t nr;
    int rc;

    if ((rc = store_account_get(req->store, &req->caller, id, &acc, req->arena)) < 0)
        return res_error(res, rc, NULL, "no user %" PRId64, id);
    if ((rc = store_credential_list(req->store, id, time_now(), idle, &items, &nr,
                                    req->arena)) < 0)
        return rc;
    arr = json_array();
    for (size_t i = 0; i < nr; i++)
        json_array_append_new(arr, api_credential_json(&items[i]));
    return res_json(res, 200, json_pack("{s:o}", "items", arr));
}

int api_user_sessions_end(struct req *req, struct res *res)
{
    int64_t id = req->params[0], ended = 0;
    int rc = store_credentials_end(req->store, &req->caller, id, time_now(), NULL, &ended);

    if (rc < 0)
        return res_error(res, rc, NULL, "no user %" PRId64, id);
    log_info("msg=\"signed out everywhere\" user=%" PRId64 " admin=%" PRId64 " ended=%" PRId64,
             id, req->caller.user_id, ended);
    res->status = 204;
    return 0;
}
