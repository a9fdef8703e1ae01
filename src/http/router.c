#define LOG_MODULE "http"
#include "core/compat.h"
#include "http/router.h"
#include "http/api/api.h"
#include "core/crypto.h"
#include "core/err.h"
#include "core/log.h"
#include "core/xalloc.h"
#include "core/time.h"
#include "http/pages/pages.h"
#include "http/session.h"
#include "store/store.h"
#include <strings.h>

/*
 * Does one pattern segment match one path segment? Fills *id for :params.
 * A param may carry a literal suffix after a dot: ":id.html" matches
 * "42.html" (the id is 42), never "42" or "42.pdf". A "*" segment matches
 * any non-empty segment (a token: the handler reads and checks it).
 */
static bool segment_matches(const char *pat, size_t plen, const char *seg, size_t slen,
                            int64_t *id, bool *is_param)
{
    const char *dot;
    size_t suffix;

    *is_param = plen && pat[0] == ':';
    if (plen == 1 && pat[0] == '*')
        return slen > 0;
    if (!*is_param)
        return plen == slen && !memcmp(pat, seg, slen);
    dot = memchr(pat, '.', plen);
    suffix = dot ? plen - (size_t)(dot - pat) : 0;
    if (suffix && (slen <= suffix || memcmp(seg + slen - suffix, dot, suffix)))
        return false;
    slen -= suffix;
    if (!slen || slen > 19 || seg[0] == '0')
        return false;
    *id = 0;
    for (size_t i = 0; i < slen; i++) {
        if (seg[i] < '0' || seg[i] > '9')
            return false;
        if (*id > (INT64_MAX - (seg[i] - '0')) / 10)
            return false;
        *id = *id * 10 + (seg[i] - '0');
    }
    return true;
}

static bool path_matches(const char *pattern, const char *path, struct req *req)
{
    size_t n = 0;

    while (*pattern && *path) {
        const char *pe = strchr(pattern + 1, '/'), *se = strchr(path + 1, '/');
        size_t plen, slen;
        int64_t id = 0;
        bool param;

        if (*pattern != '/' || *path != '/')
            return false;
        pe = pe ? pe : pattern + strlen(pattern);
        se = se ? se : path + strlen(path);
        plen = (size_t)(pe - pattern - 1);
        slen = (size_t)(se - path - 1);
        if (!segment_matches(pattern + 1, plen, path + 1, slen, &id, &param))
            return false;
        if (param) {
            if (n == REQ_MAX_PARAMS)
                return false;
            req->params[n++] = id;
        }
        pattern = pe;
        path = se;
    }
    if (*pattern || *path)
        return false;
    req->nparams = n;
    return true;
}

enum route_match route_find(struct req *req, const struct route **out, const char **allow)
{
    struct strbuf methods = STRBUF_INIT;
    bool path_known = false;

    for (size_t i = 0; i < routes_nr; i++) {
        if (!path_matches(routes[i].pattern, req->path, req))
            continue;
        if (!strcmp(routes[i].method, req->method) ||
            (!strcmp(req->method, "HEAD") && !strcmp(routes[i].method, "GET"))) {
            strbuf_release(&methods);
            *out = &routes[i];
            return ROUTE_FOUND;
        }
        path_known = true;
        strbuf_addf(&methods, "%s%s", methods.len ? ", " : "", routes[i].method);
    }
    if (path_known)
        *allow = arena_strdup(req->arena, methods.buf);
    strbuf_release(&methods);
    return path_known ? ROUTE_NO_METHOD : ROUTE_NO_PATH;
}

size_t route_body_limit(const struct route *r)
{
    return r->flags & ROUTE_UPLOAD ? MAX_UPLOAD : MAX_JSON_BODY;
}

/* The token of "Authorization: Bearer TOKEN", or NULL. */
static const char *bearer(const struct req *req)
{
    const char *h = req_header(req, "Authorization");

    if (!h || strncasecmp(h, "Bearer ", 7))
        return NULL;
    h += 7;
    while (*h == ' ')
        h++;
    return h;
}

/*
 * The store failed while it looked up who is asking: the database does not answer, so the
 * answer is that (503 with Retry-After), not "sign in" (401, or the login page).
 */
static bool store_failed(int rc)
{
    return rc == DESK_EBUSY || rc == DESK_EIO;
}

#define STORE_DOWN_MESSAGE "the database does not answer; try again in a moment"

static bool is_read(const struct req *req)
{
    return !strcmp(req->method, "GET") || !strcmp(req->method, "HEAD");
}

/*
 * A bearer token: the caller it names, its use recorded at most once a minute. Returns 0,
 * DESK_EUNAUTH, or the store's error when it could not tell (DESK_EBUSY, DESK_EIO).
 */
static int authenticate_token(struct req *req, const char *tok)
{
    struct credential cred;
    int64_t now = time_now();
    const char *ua;
    int rc;

    if (token_hash(tok, strlen(tok), req->token_hash) < 0)
        return DESK_EUNAUTH;
    rc = store_token_lookup(req->store, req->token_hash, now, &req->user, &cred, req->arena);
    if (rc < 0) {
        memset(&req->user, 0, sizeof(req->user));
        return store_failed(rc) ? rc : DESK_EUNAUTH;
    }
    req->has_token = true;
    req->credential_id = cred.id;
    req->caller = (struct caller){req->user.id, req->user.role, req->user.organization_id};
    if (now - cred.last_seen_at >= 60) {
        ua = req_header(req, "User-Agent");
        store_credential_seen(req->store, CRED_TOKEN, cred.id, now, req_address(req),
                              ua ? arena_strndup(req->arena, ua, strnlen(ua, 256)) : "");
    }
    return 0;
}

/* A page's checks: the session cookie, then sign-in, portal or desk, role. */
static int authorize_page(const struct route *r, struct req *req, struct res *res)
{
    int auth = session_authenticate(req);

    if (r->min_role == ROLE_NONE)
        return 0;
    if (req->caller.role == ROLE_NONE && store_failed(auth))
        return page_error(req, res, auth, STORE_DOWN_MESSAGE);
    if (req->caller.role == ROLE_NONE && req->expired_user && (r->flags & ROUTE_DRAFT) &&
        !strcmp(req->method, "POST")) {
        req->draft_pending = true; /* read the form: route_run keeps the reply, then sign-in */
        return 0;
    }
    if (req->caller.role == ROLE_NONE)
        return page_redirect(res, page_login_url(req)), DESK_EUNAUTH;
    if ((r->flags & ROUTE_PORTAL) && req->caller.role >= ROLE_AGENT)
        return page_redirect(res, "/desk/"), DESK_EDENIED;
    if (req->caller.role < r->min_role)
        return page_error(req, res, DESK_EDENIED, "this page is for %ss; you are signed in as %s",
                          role_name(r->min_role), role_name(req->caller.role));
    return 0;
}

int route_authorize(const struct route *r, struct req *req, struct res *res)
{
    const char *tok;
    int auth = 0;

    if (r->flags & ROUTE_PAGE)
        return authorize_page(r, req, res);
    tok = bearer(req);
    if (tok)
        auth = authenticate_token(req, tok);
    else if (is_read(req))
        auth = session_authenticate(req); /* SPEC 5: the API accepts the cookie for reads */
    if (r->min_role == ROLE_NONE || req->caller.role >= r->min_role)
        return 0;
    if (req->caller.role == ROLE_NONE && store_failed(auth))
        return res_error(res, auth, NULL, STORE_DOWN_MESSAGE);
    if (req->caller.role == ROLE_NONE) {
        res_header(res, "WWW-Authenticate", "Bearer");
        return res_error(res, DESK_EUNAUTH, NULL,
                         tok ? "the token is not valid (unknown, expired or revoked)"
                             : "sign in: send Authorization: Bearer TOKEN");
    }
    return res_error(res, DESK_EDENIED, NULL, "a %s may not do this", role_name(req->caller.role));
}

int route_error(const struct route *r, struct req *req, struct res *res, int err,
                const char *message)
{
    if (r->flags & ROUTE_PAGE)
        return page_error(req, res, err, "%s", message);
    return res_error(res, err, NULL, "%s", message);
}

void route_run(const struct route *r, struct req *req, struct res *res)
{
    int rc;

    page_viewer_begin(req); /* the times of a page in the user's own zone (page_time) */
    if (req->draft_pending)
        rc = page_draft_keep(req, res);
    else if ((r->flags & ROUTE_PAGE) && !strcmp(req->method, "POST") && !session_csrf_ok(req))
        rc = page_error(req, res, DESK_EDENIED,
                        "this form is out of date or did not come from this site; "
                        "reload the page and send it again");
    else
        rc = r->handler(req, res);
    if (rc < 0 && !res->status)
        route_error(r, req, res, rc, rc == DESK_EIO ? "internal error (logged)"
                                                     : desk_err_code(rc));
    if (!res->status && !res->hold) { /* a handler's bug: answer and log it, the server goes on */
        log_error("msg=\"handler set no response\" method=%s route=%s rc=%d", r->method,
                  r->pattern, rc);
        route_error(r, req, res, DESK_EIO, "internal error (logged)");
    }
    page_viewer_end();
}

bool route_reads_oversized_form(const struct route *r, const struct req *req)
{
    const char *expect = req_header(req, "Expect");

    return (r->flags & ROUTE_PAGE) && (r->flags & ROUTE_UPLOAD) && !strcmp(req->method, "POST") &&
           !(expect && !strcasecmp(expect, "100-continue"));
}

static int prepare(struct req *req, struct res *res, const struct route **out, size_t body_len)
{
    const char *allow = NULL;
    int rc;

    switch (route_find(req, out, &allow)) {
    case ROUTE_NO_PATH:
        if (page_path(req->path))
            return page_error(req, res, DESK_ENOTFOUND, "there is no page %s", req->path);
        return res_error(res, DESK_ENOTFOUND, NULL, "no such path '%s'", req->path);
    case ROUTE_NO_METHOD:
        res_header(res, "Allow", allow);
        return res_error(res, DESK_EMETHOD, NULL, "%s is not allowed here; use %s", req->method,
                         allow);
    case ROUTE_FOUND:
        break;
    }
    if ((rc = route_authorize(*out, req, res)) < 0)
        return rc;
    if (body_len > route_body_limit(*out) && !route_reads_oversized_form(*out, req))
        return route_error(*out, req, res, DESK_ETOOBIG,
                           arena_sprintf(req->arena, "body larger than %zu bytes",
                                         route_body_limit(*out)));
    return 0;
}

int route_prepare(struct req *req, struct res *res, const struct route **out, size_t body_len)
{
    int rc;

    page_viewer_begin(req); /* a refusal's page in the browser's language */
    rc = prepare(req, res, out, body_len);
    page_viewer_end();
    return rc;
}

void route_dispatch(struct req *req, struct res *res)
{
    const struct route *r;

    if (route_prepare(req, res, &r, req->body_len) == 0)
        route_run(r, req, res);
    if (res->hold) { /* nothing here holds a request: answer it as a server stopping would */
        res->hold = false;
        api_events_answer(req, res, &res->hold_after, true);
    }
}
