/*
 * login.c - GET /, GET and POST /login, POST /logout.
 *
 * A wrong e-mail or password shows the form again with 401 (the same
 * message for both). Failed sign-ins are counted per account: the sixth
 * attempt within 15 minutes of the first of five failures answers 429 with
 * Retry-After, whatever the password (SPEC 5). `next` is followed only when
 * it is a local path.
 */
#define LOG_MODULE "pages"
#include "core/compat.h"
#include "http/api/api.h"
#include "http/pages/pages.h"
#include "core/crypto.h"
#include "core/err.h"
#include "core/log.h"
#include "core/time.h"
#include "http/session.h"
#include "store/store.h"


static const char *home_of(const struct req *req)
{
    if (req->caller.role >= ROLE_AGENT)
        return "/desk/";
    return req->caller.role == ROLE_CUSTOMER ? "/portal/" : "/login";
}

int page_home(struct req *req, struct res *res) { return page_redirect(res, home_of(req)); }

bool page_next_ok(const char *next)
{
    if (!next || next[0] != '/' || next[1] == '/' || next[1] == '\\')
        return false;
    for (const char *p = next; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f || *p == '\\')
            return false;
    return true;
}

static int show_form(struct req *req, struct res *res, int status, const char *email,
                     const char *error)
{
    const char *next = req_form(req, "next") ? req_form(req, "next") : req_query(req, "next");

    return page_render(req, res, status, "login",
                       json_pack("{s:s, s:s, s:s?, s:s?}", "title", "Sign in", "email",
                                 email ? email : "", "next", page_next_ok(next) ? next : NULL,
                                 "error", error));
}

int page_login_form(struct req *req, struct res *res)
{
    if (req->has_session) {
        const char *next = req_query(req, "next");
        return page_redirect(res, page_next_ok(next) ? next : home_of(req));
    }
    return show_form(req, res, 200, NULL, NULL);
}

/* 429 when the account has failed too often lately (the API's rule, sign_in_wait). */
static int check_failures(struct req *req, struct res *res, const struct user *u)
{
    int64_t wait;
    int rc;

    if ((rc = sign_in_wait(req, u->id, &wait)) < 0 || !wait)
        return rc;
    res_header(res, "Retry-After", arena_sprintf(req->arena, "%" PRId64, wait));
    show_form(req, res, 429, u->email,
              "too many failed sign-ins for this account; wait a few minutes and try again");
    return DESK_ELIMIT;
}

int page_login(struct req *req, struct res *res)
{
    const char *email = req_form(req, "email"), *password = req_form(req, "password");
    const char *next = req_form(req, "next"), *hash = NULL;
    struct user u;
    int rc;

    if (!email || !*email || !password || !*password)
        return show_form(req, res, 401, email, "enter your e-mail address and password");
    rc = store_user_by_email(req->store, email, &u, &hash, req->arena);
    if (rc == DESK_ENOTFOUND)
        return show_form(req, res, 401, email, "wrong e-mail address or password");
    if (rc < 0 || (rc = check_failures(req, res, &u)) < 0)
        return rc;
    if (!hash || strlen(password) > PASSWORD_MAX_LEN || !password_verify(hash, password)) {
        if ((rc = api_sign_in_failed(req, u.id)) < 0)
            return rc;
        log_info("msg=\"sign-in failed\" user=%" PRId64, u.id);
        return show_form(req, res, 401, email, "wrong e-mail address or password");
    }
    if ((rc = session_start(req, res, &u)) < 0)
        return rc;
    req->caller = (struct caller){u.id, u.role, u.organization_id};
    return page_redirect(res, page_next_ok(next) ? next : home_of(req));
}

int page_logout(struct req *req, struct res *res)
{
    session_end(req, res);
    return page_redirect(res, "/login");
}
