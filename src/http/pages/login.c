/*
 * login.c - GET /, GET and POST /login, POST /logout.
 *
 * A wrong e-mail or password shows the form again with 401 (the same
 * message for both, and the same time: http/signin.c). The check and its
 * limits are shared with POST /api/v1/tokens (http/signin.h): failures back
 * off per (client address, account), with a looser ceiling per account;
 * attempts are capped a minute per address and per account (429 with
 * Retry-After), and concurrent password checks are capped (503 with
 * Retry-After). A disabled account is 403 once its password is right.
 * `next` is followed only when it is a local path.
 *
 * Also here: keeping a reply whose session ended while it was typed
 * (page_draft_keep, for routes flagged ROUTE_DRAFT).
 */
#define LOG_MODULE "pages"
#include "core/compat.h"
#include "http/api/api.h"
#include "http/pages/pages.h"
#include "core/crypto.h"
#include "core/err.h"
#include "core/log.h"
#include "core/time.h"
#include "core/utf8.h"
#include "http/session.h"
#include "http/signin.h"
#include "store/store.h"

#define DRAFT_MAX (256 * 1024) /* bytes of a kept reply: the reply forms' limit */


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
                       json_pack("{s:s, s:s, s:s?, s:s?, s:b, s:b}", "title", tr("Sign in"), "email",
                                 email ? email : "", "next", page_next_ok(next) ? next : NULL,
                                 "error", error, "kept", req_query(req, "kept") != NULL, "reset",
                                 req_query(req, "reset") != NULL));
}

int page_login_form(struct req *req, struct res *res)
{
    if (req->has_session) {
        const char *next = req_query(req, "next");
        return page_redirect(res, page_next_ok(next) ? next : home_of(req));
    }
    return show_form(req, res, 200, NULL, NULL);
}

int page_login(struct req *req, struct res *res)
{
    const char *email = req_form(req, "email"), *password = req_form(req, "password");
    const char *next = req_form(req, "next");
    struct signin s = {email, password, {0}, 0, NULL};
    int rc;

    if (!email || !*email || !password || !*password)
        return show_form(req, res, 401, email, "enter your e-mail address and password");
    rc = signin_check(req, &s);
    if (rc == DESK_ELIMIT || rc == DESK_EBUSY)
        res_header(res, "Retry-After", arena_sprintf(req->arena, "%" PRId64, s.retry_after));
    if (rc == DESK_EUNAUTH || rc == DESK_EDENIED || rc == DESK_ELIMIT || rc == DESK_EBUSY)
        return show_form(req, res, http_status_from_err(rc), email, s.message);
    if (rc < 0 || (rc = session_start(req, res, &s.user)) < 0)
        return rc;
    req->caller = (struct caller){s.user.id, s.user.role, s.user.organization_id};
    return page_redirect(res, page_next_ok(next) ? next : home_of(req));
}

/* ---- a reply kept across a sign-in -------------------------------------------------- */

int page_draft_keep(struct req *req, struct res *res)
{
    const char *body = req_form(req, "body"), *slash = strrchr(req->path, '/');
    const char *page = arena_strndup(req->arena, req->path,
                                     slash ? (size_t)(slash - req->path) : strlen(req->path));
    struct strbuf url = STRBUF_INIT;
    bool kept = false;

    /* the form must be the expired session's own (its CSRF token), as for any post */
    if (session_expired_csrf_ok(req) && body && *body && strlen(body) <= DRAFT_MAX &&
        utf8_valid(body, strlen(body)) &&
        store_draft_save(req->store, req->expired_user, page, body, time_now()) == 0) {
        kept = true;
        log_info("msg=\"reply kept across sign-in\" user=%" PRId64, req->expired_user);
    }
    strbuf_addstr(&url, "/login?next=");
    page_url_encode(&url, page);
    if (kept)
        strbuf_addstr(&url, "&kept=1");
    page_redirect(res, arena_strdup(req->arena, url.buf));
    strbuf_release(&url);
    return 0;
}

int page_draft_json(struct req *req, json_t *data)
{
    const char *body = NULL;
    int rc;

    if (!req->user.id)
        return 0;
    rc = store_draft_take(req->store, req->user.id, req->path, &body, req->arena);
    if (rc == 0)
        json_object_set_new(data, "draft", json_string(body));
    return rc == DESK_ENOTFOUND ? 0 : rc;
}

int page_logout(struct req *req, struct res *res)
{
    session_end(req, res);
    return page_redirect(res, "/login");
}
