/*
 * admin_users.c - GET /desk/admin/ (the admin's index), the accounts at
 * /desk/admin/users (list; create with e-mail, name, role, organisation and
 * password; set an account's password), one account at /desk/admin/users/{id}
 * (its live sessions and tokens, a switch to disable or enable it, "sign out
 * everywhere") and /account/password, where any signed-in user changes its
 * own password knowing the old one.
 *
 * Passwords are checked and hashed (argon2id) by the API's helpers before
 * the write; neither they nor their hashes are shown or logged. A wrong old
 * password counts as a failed sign-in, as for POST /api/v1/me/password.
 */
#define LOG_MODULE "pages"
#include "core/compat.h"
#include "http/pages/pages.h"
#include "core/i18n.h"
#include "domain/tz.h"
#include "core/err.h"
#include "core/log.h"
#include "core/time.h"
#include "http/session.h"
#include "domain/account.h"
#include "domain/organization.h"
#include "http/api/api.h"
#include "store/store.h"

#define LIST_MAX 1000 /* accounts and organisations a page shows */

int page_admin_home(struct req *req, struct res *res)
{
    return page_render(req, res, 200, "admin", json_pack("{s:s}", "title", tr("Administration")));
}

/* The organisations as options [{"value","label","selected"}], and *orgs for their names. */
static int org_options(struct req *req, int64_t selected, json_t **out, struct organization **orgs,
                       size_t *nr)
{
    struct store_page pg = {0, LIST_MAX, false};
    int rc;

    if ((rc = store_org_list(req->store, &req->caller, &pg, orgs, nr, req->arena)) < 0)
        return rc;
    *out = json_array();
    for (size_t i = 0; i < *nr; i++)
        json_array_append_new(*out, json_pack("{s:I, s:s, s:b}", "value", (json_int_t)(*orgs)[i].id,
                                              "label", (*orgs)[i].name,
                                              "selected", (*orgs)[i].id == selected));
    return 0;
}

static const char *org_name(const struct organization *o, size_t n, int64_t id)
{
    for (size_t i = 0; i < n; i++)
        if (o[i].id == id)
            return o[i].name;
    return "";
}

static json_t *accounts_json(const struct account *a, size_t n, const struct organization *o,
                             size_t norg)
{
    json_t *list = json_array();

    for (size_t i = 0; i < n; i++) {
        const struct user *u = &a[i].user;
        json_array_append_new(list, json_pack("{s:I, s:s, s:s, s:s, s:s, s:b}", "id",
                                              (json_int_t)u->id, "email", u->email, "name",
                                              u->name, "role", role_name(u->role),
                                              "organization",
                                              org_name(o, norg, u->organization_id),
                                              "disabled", u->disabled));
    }
    return list;
}

/* The accounts page, with status and an error; what was typed in the create form is kept. */
static int users_show(struct req *req, struct res *res, int status, const char *error)
{
    struct store_page pg = {0, LIST_MAX, false};
    struct organization *orgs;
    struct account *accounts;
    json_t *options;
    size_t n, norg;
    int rc;

    if ((rc = org_options(req, page_form_id(req, "organization_id"), &options, &orgs, &norg)) < 0)
        return page_error(req, res, rc, "the accounts cannot be shown");
    if ((rc = store_account_list(req->store, &req->caller, &pg, &accounts, &n, req->arena)) < 0) {
        json_decref(options);
        return page_error(req, res, rc, "the accounts cannot be shown");
    }
    return page_render(req, res, status, "admin_users",
                       json_pack("{s:s, s:s?, s:o, s:o, s:{s:s, s:s, s:s}}", "title", tr("Accounts"),
                                 "error", error, "users", accounts_json(accounts, n, orgs, norg),
                                 "organizations", options, "typed", "email",
                                 page_form_str(req, "email"), "name", page_form_str(req, "name"),
                                 "role", page_form_str(req, "role")));
}

int page_admin_users(struct req *req, struct res *res) { return users_show(req, res, 200, NULL); }

/* Read the create form into u; NULL when it is fine, else why (arena). */
static const char *read_user(struct req *req, struct user *u)
{
    const char *why;

    u->email = page_form_str(req, "email");
    u->name = page_form_str(req, "name");
    u->organization_id = page_form_id(req, "organization_id");
    if (!email_valid(u->email))
        return arena_sprintf(req->arena, "'%s' is not an e-mail address", u->email);
    if (!*u->name)
        return "give the name";
    if ((why = page_line_problem("the name", u->name, USER_NAME_MAX, req->arena)))
        return why;
    if (role_parse(page_form_str(req, "role"), &u->role) < 0)
        return "choose the role";
    if (u->role != ROLE_CUSTOMER)
        u->organization_id = 0;
    return account_org_problem(u->role, u->organization_id);
}

int page_admin_user_create(struct req *req, struct res *res)
{
    struct user u = {0};
    const char *why, *hash = NULL;
    int rc;

    if ((why = read_user(req, &u)))
        return users_show(req, res, 422, why);
    rc = api_password_hash(req, page_form_str(req, "password"), &hash, &why);
    if (why)
        return users_show(req, res, 422, arena_sprintf(req->arena, "the password %s", why));
    if (rc < 0)
        return page_error(req, res, rc, "the account was not created");
    rc = store_user_create(req->store, &req->caller, &u, hash);
    if (rc == DESK_ECONFLICT)
        return users_show(req, res, 409, arena_sprintf(req->arena, "e-mail '%s' is taken",
                                                       u.email));
    if (rc == DESK_ENOTFOUND)
        return users_show(req, res, 422, "there is no such organisation");
    if (rc < 0)
        return page_error(req, res, rc, "the account was not created");
    return page_saved(req, res, "/desk/admin/users");
}

int page_admin_user_password(struct req *req, struct res *res)
{
    struct account_patch p = ACCOUNT_PATCH_INIT;
    struct store_fault f = {0};
    struct account acc;
    const char *why = NULL;
    int rc = api_password_hash(req, page_form_str(req, "password"), &p.password_hash, &why);

    if (why)
        return users_show(req, res, 422, arena_sprintf(req->arena, "the password %s", why));
    /* every session and token of the account ends; an admin's own change keeps this one */
    p.keep = req->params[0] == req->caller.user_id ? req->session_hash : NULL;
    if (rc < 0 || (rc = store_account_update(req->store, &req->caller, req->params[0], &p, &acc,
                                             &f, req->arena)) < 0)
        return page_error(req, res, rc, "the password was not set");
    log_info("msg=\"password set by an admin\" user=%" PRId64 " admin=%" PRId64, req->params[0],
             req->caller.user_id);
    return page_saved(req, res, "/desk/admin/users");
}

/* ---- one account: its sessions, disable, sign out everywhere ------------------------- */

static int account_show(struct req *req, struct res *res, int status, const char *error)
{
    int64_t id = req->params[0], now = time_now();
    struct credential *items;
    struct account acc;
    json_t *list;
    size_t nr;
    int rc;

    if ((rc = store_account_get(req->store, &req->caller, id, &acc, req->arena)) < 0)
        return page_error(req, res, rc, "there is no account %" PRId64, id);
    if ((rc = store_credential_list(req->store, id, now,
                                    req->conf->session_idle_seconds ? req->conf->session_idle_seconds
                                                                    : SESSION_IDLE_DEFAULT,
                                    &items, &nr, req->arena)) < 0)
        return page_error(req, res, rc, "the sessions cannot be shown");
    list = json_array();
    for (size_t i = 0; i < nr; i++)
        json_array_append_new(
            list, json_pack("{s:I, s:s, s:o, s:o, s:s, s:s}", "id", (json_int_t)items[i].id,
                            "kind", items[i].kind == CRED_SESSION ? "session" : "token",
                            "created", page_time(items[i].created_at, NULL), "last_seen",
                            page_time(items[i].last_seen_at, NULL), "address",
                            items[i].address, "user_agent", items[i].user_agent));
    return page_render(req, res, status, "admin_user",
                       json_pack("{s:s, s:s?, s:{s:I, s:s, s:s, s:s, s:b, s:b}, s:o}", "title",
                                 acc.user.email, "error", error, "account", "id",
                                 (json_int_t)id, "email", acc.user.email, "name", acc.user.name,
                                 "role", role_name(acc.user.role), "disabled", acc.user.disabled,
                                 "self", id == req->caller.user_id, "sessions", list));
}

int page_admin_user_sessions(struct req *req, struct res *res)
{
    return account_show(req, res, 200, NULL);
}

static int back_to_account(struct req *req, struct res *res)
{
    return page_saved(req, res,
                         arena_sprintf(req->arena, "/desk/admin/users/%" PRId64, req->params[0]));
}

int page_admin_user_disabled(struct req *req, struct res *res)
{
    struct account_patch p = ACCOUNT_PATCH_INIT;
    struct store_fault f = {0};
    struct account acc;
    int rc;

    p.disabled = !strcmp(page_form_str(req, "disabled"), "1");
    if (p.disabled && req->params[0] == req->caller.user_id)
        return account_show(req, res, 422, "you may not disable your own account");
    if ((rc = store_account_update(req->store, &req->caller, req->params[0], &p, &acc, &f,
                                   req->arena)) < 0)
        return page_error(req, res, rc, "the account was not changed");
    log_info("msg=\"account %s\" user=%" PRId64 " admin=%" PRId64,
             p.disabled ? "disabled" : "enabled", req->params[0], req->caller.user_id);
    return back_to_account(req, res);
}

int page_admin_user_sign_out(struct req *req, struct res *res)
{
    int64_t ended = 0;
    int rc = store_credentials_end(req->store, &req->caller, req->params[0], time_now(), NULL,
                                   &ended);

    if (rc < 0)
        return page_error(req, res, rc, "the sessions were not ended");
    log_info("msg=\"signed out everywhere\" user=%" PRId64 " admin=%" PRId64 " ended=%" PRId64,
             req->params[0], req->caller.user_id, ended);
    return back_to_account(req, res);
}

/* ---- /account/password ---------------------------------------------------------- */

static int password_show(struct req *req, struct res *res, int status, const char *error,
                         bool done)
{
    const char *zone = !strcmp(req->method, "POST") && req_form(req, "time_zone")
                           ? page_form_str(req, "time_zone")
                           : req->user.time_zone;
    const char *const *codes, *const *names;
    size_t n = i18n_languages(&codes, &names);
    json_t *languages = json_array();

    /* each language in its own words; "" is the browser's choice */
    json_array_append_new(languages, json_pack("{s:s, s:s, s:b}", "value", "", "label",
                                               tr("As the browser asks"), "selected",
                                               !req->user.language));
    for (size_t i = 0; i < n; i++)
        json_array_append_new(
            languages, json_pack("{s:s, s:s, s:b}", "value", codes[i], "label", names[i],
                                 "selected",
                                 req->user.language && !strcmp(req->user.language, codes[i])));
    return page_render(req, res, status, "account_password",
                       json_pack("{s:s, s:s?, s:b, s:s, s:o}", "title", tr("Your account"),
                                 "error", error, "done", done, "time_zone", zone ? zone : "",
                                 "languages", languages));
}

int page_account_password_form(struct req *req, struct res *res)
{
    return password_show(req, res, 200, NULL, req_query(req, "done") != NULL);
}

/* POST /account/time-zone: the zone the user reads times in; empty: each request's calendar. */
int page_account_time_zone(struct req *req, struct res *res)
{
    const char *zone = page_form_str(req, "time_zone");
    const struct tz *tz;
    int rc;

    if (*zone && (strlen(zone) > TZ_NAME_MAX || tz_get(zone, &tz, NULL) < 0))
        return password_show(req, res, 422,
                             arena_sprintf(req->arena,
                                           "'%s' is not a time zone of the IANA database, "
                                           "such as Europe/Copenhagen",
                                           zone),
                             false);
    if ((rc = store_user_setting(req->store, &req->caller, USER_SETTING_TIME_ZONE,
                                 *zone ? zone : NULL)) < 0)
        return page_error(req, res, rc, "the time zone was not saved");
    return page_saved(req, res, "/account/password");
}

/* POST /account/language: the language of the user's pages; empty: the browser's choice. */
int page_account_language(struct req *req, struct res *res)
{
    const char *code = page_form_str(req, "language");
    int rc;

    if (*code && !i18n_offered(code))
        return password_show(req, res, 422,
                             arena_sprintf(req->arena, tr("'%s' is not a language offered here"),
                                           code),
                             false);
    if ((rc = store_user_setting(req->store, &req->caller, USER_SETTING_LANGUAGE,
                                 *code ? code : NULL)) < 0)
        return page_error(req, res, rc, "the language was not saved");
    return page_saved(req, res, "/account/password");
}

int page_account_password(struct req *req, struct res *res)
{
    struct password_change pc = {page_form_str(req, "old_password"),
                                 page_form_str(req, "new_password"), NULL, NULL, 0};
    int rc;

    if (strcmp(pc.new_password, page_form_str(req, "new_password_again")))
        return password_show(req, res, 422, tr("the new password and its repetition differ"), false);
    rc = api_password_change_own(req, &pc);
    if (rc == DESK_ELIMIT)
        res_header(res, "Retry-After", arena_sprintf(req->arena, "%" PRId64, pc.retry_after));
    if (rc < 0 && pc.message)
        return password_show(req, res, http_status_from_err(rc), pc.message, false);
    if (rc < 0)
        return page_error(req, res, rc, "the password was not changed");
    return page_redirect(res, "/account/password?done=1");
}
