/*
 * fuzz-store.h - what the harnesses that run requests through the router into
 * the handlers share: one real SQLite file per process in /tmp, filled by
 * `svcdesk demo` (cmd_demo, in-process) on first use, live API tokens and
 * web sessions of each demo role, and a request built by hand as server.c
 * builds it from libmicrohttpd (method, path, decoded query arguments,
 * headers, a body or a posted form).
 *
 * Header-only (static functions): each harness is one file and links only
 * libsvcdesk.a.
 */
#ifndef FUZZ_STORE_H
#define FUZZ_STORE_H

#include "core/compat.h"
#include "cli/cmds.h"
#include "core/arena.h"
#include "core/conf.h"
#include "core/crypto.h"
#include "core/err.h"
#include "core/log.h"
#include "core/strbuf.h"
#include "core/time.h"
#include "core/xalloc.h"
#include "http/router.h"
#include "http/session.h"
#include "store/store.h"
#include <ctype.h>
#include <stdio.h>
#include <strings.h>
#include <unistd.h>

enum fz_role { FZ_NONE, FZ_ADMIN, FZ_AGENT, FZ_CUSTOMER, FZ_OTHER_CUSTOMER, FZ_ROLES };

static const char *const fz_emails[FZ_ROLES] = {
    NULL, "admin@vendor.demo", "agnes@vendor.demo", "mette@nordvand.demo", "lars@fjordby.demo",
};

struct fz_cred {
    char token[TOKEN_TEXT_LEN + 1];   /* a live bearer token */
    char session[TOKEN_TEXT_LEN + 1]; /* a live session cookie */
    char cookie[2 * TOKEN_TEXT_LEN + 64]; /* "svcdesk_session=..." */
    char csrf[128];                   /* the session's CSRF token */
};

static struct store *fz_st;
static struct conf fz_conf;
static struct fz_cred fz_creds[FZ_ROLES];
static int64_t fz_user_ids[FZ_ROLES];

/* A fresh token and session for role r (a request may have ended the old ones). */
static void fz_credentials(enum fz_role r)
{
    struct arena a = ARENA_INIT;
    struct user u;
    uint8_t hash[TOKEN_HASH_LEN];
    struct req req = {0};
    const char *csrf;
    int64_t now = time_now();

    if (r == FZ_NONE)
        return;
    if (!fz_user_ids[r]) {
        if (store_user_by_email(fz_st, fz_emails[r], &u, NULL, &a) < 0)
            BUG("the demo has no %s", fz_emails[r]);
        fz_user_ids[r] = u.id;
    }
    token_new(fz_creds[r].token, hash);
    if (store_token_create(fz_st, fz_user_ids[r], hash, now, now + TOKEN_LIFETIME) < 0)
        BUG("cannot create a token");
    token_new(fz_creds[r].session, hash);
    if (store_session_create(fz_st, fz_user_ids[r], hash, now, now + 86400) < 0)
        BUG("cannot create a session");
    snprintf(fz_creds[r].cookie, sizeof(fz_creds[r].cookie), "%s=%s", SESSION_COOKIE,
             fz_creds[r].session);
    req.arena = &a;
    req.has_session = true;
    req.session_token = fz_creds[r].session;
    csrf = session_csrf(&req, NULL);
    snprintf(fz_creds[r].csrf, sizeof(fz_creds[r].csrf), "%s", csrf ? csrf : "");
    arena_release(&a);
}

static char fz_dir[] = "/tmp/svcdesk-fuzz-XXXXXX";

/* At exit: close the store, remove its folder. */
static void fz_teardown(void)
{
    char cmd[sizeof(fz_dir) + 16];

    store_close(fz_st);
    fz_st = NULL;
    conf_release(&fz_conf);
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fz_dir);
    if (system(cmd) != 0)
        fprintf(stderr, "cannot remove %s\n", fz_dir);
}

/* Once per process: the demo database, its store, credentials of every role. */
static void fz_setup(void)
{
    char *dir = fz_dir;
    char db[256], *argv[4];
    struct strbuf err = STRBUF_INIT;
    int out;

    if (fz_st)
        return;
    if (!mkdtemp(dir))
        BUG("mkdtemp: %s", strerror(errno));
    snprintf(db, sizeof(db), "%s/fuzz.db", dir);
    argv[0] = "demo", argv[1] = "--db", argv[2] = db, argv[3] = NULL;
    fflush(stdout);
    out = dup(1); /* the demo prints its sign-ins: keep the fuzzer's output readable */
    if (freopen("/dev/null", "w", stdout) == NULL || cmd_demo(3, argv) != 0)
        BUG("svcdesk demo failed on %s", db);
    fflush(stdout);
    dup2(out, 1);
    close(out);
    if (store_open(db, STORE_MIGRATE, &fz_st, &err) < 0)
        BUG("store_open: %s", err.buf);
    strbuf_release(&err);
    conf_init(&fz_conf);
    log_set_level(LOG_ERROR);
    atexit(fz_teardown);
    for (int r = FZ_ADMIN; r < FZ_ROLES; r++)
        fz_credentials((enum fz_role)r);
}

/* Percent-decoding as libmicrohttpd does for query arguments ('+' is a space). */
static char *fz_unescape(struct arena *a, const char *s, size_t n)
{
    char *out = arena_alloc(a, n + 1), *o = out;

    for (size_t i = 0; i < n; i++) {
        if (s[i] == '+') {
            *o++ = ' ';
        } else if (s[i] == '%' && i + 2 < n && isxdigit((unsigned char)s[i + 1]) &&
                   isxdigit((unsigned char)s[i + 2])) {
            char hex[3] = {s[i + 1], s[i + 2], 0};
            *o++ = (char)strtol(hex, NULL, 16);
            i += 2;
        } else {
            *o++ = s[i];
        }
    }
    *o = '\0';
    return out;
}

/* NAME=VALUE&... into kv (decoded), at most max pairs; a NUL from %00 ends a value. */
static size_t fz_pairs(struct arena *a, const char *s, size_t len, struct kv *kv, size_t max)
{
    size_t n = 0, i = 0;

    while (i < len && n < max) {
        size_t end = i, eq;
        while (end < len && s[end] != '&')
            end++;
        for (eq = i; eq < end && s[eq] != '='; eq++)
            ;
        if (end > i)
            kv[n++] = (struct kv){fz_unescape(a, s + i, eq - i),
                                  eq < end ? fz_unescape(a, s + eq + 1, end - eq - 1) : ""};
        i = end + 1;
    }
    return n;
}

struct fz_request {
    enum fz_role role;   /* whose credentials */
    const char *method;  /* NUL-terminated */
    const char *target;  /* path and ?query */
    const char *headers; /* "Name: value" lines, NUL-terminated; may be NULL */
    const char *body;    /* the bytes */
    size_t body_len;
};

/*
 * Run one request through the whole pipeline (route_dispatch) as server.c would:
 * an API route gets the role's bearer token, a page its session cookie, and a
 * page's POST its body as a urlencoded form with the session's CSRF token added
 * when the body has none. The answer is in *res (res_release it; arena a).
 */
static void fz_dispatch(const struct fz_request *in, struct arena *a, struct res *res,
                        const struct route **route)
{
    static uint64_t ids;
    struct req req = {0};
    const char *q = strchr(in->target, '?'), *allow;
    const struct route *r = NULL;
    bool page;

    req.arena = a;
    req.store = fz_st;
    req.conf = &fz_conf;
    req.method = in->method;
    req.id = ++ids;
    req.path = q ? arena_strndup(a, in->target, (size_t)(q - in->target)) : in->target;
    if (q)
        req.nquery = fz_pairs(a, q + 1, strlen(q + 1), req.query, REQ_MAX_QUERY);
    for (const char *h = in->headers; h && *h && req.nheaders < REQ_MAX_HEADERS - 2;) {
        const char *nl = strchr(h, '\n'), *colon;
        size_t len = nl ? (size_t)(nl - h) : strlen(h);
        char *line = arena_strndup(a, h, len);
        if ((colon = strchr(line, ':'))) {
            *(char *)colon = '\0';
            colon++;
            while (*colon == ' ')
                colon++;
            req.headers[req.nheaders++] = (struct kv){line, colon};
        }
        h += len + (nl != NULL);
    }
    page = route_find(&req, &r, &allow) == ROUTE_FOUND && (r->flags & ROUTE_PAGE);
    req.nparams = 0; /* route_dispatch finds it again */
    *route = r;
    if (in->role != FZ_NONE) {
        const struct fz_cred *c = &fz_creds[in->role];
        if (page || strncmp(req.path, "/api/", 5))
            req.headers[req.nheaders++] = (struct kv){"Cookie", c->cookie};
        else
            req.headers[req.nheaders++] =
                (struct kv){"Authorization", arena_sprintf(a, "Bearer %s", c->token)};
    }
    if (page && !strcmp(in->method, "POST")) {
        req.nform = 0;
        {
            struct kv kv[REQ_MAX_FORM];
            size_t n = fz_pairs(a, in->body, in->body_len, kv, REQ_MAX_FORM - 1);
            bool has_csrf = false;
            for (size_t i = 0; i < n; i++) {
                req.form[req.nform++] = (struct form_field){
                    kv[i].key, kv[i].value, strlen(kv[i].value), NULL, NULL, false};
                has_csrf |= !strcmp(kv[i].key, "csrf");
            }
            if (!has_csrf && in->role != FZ_NONE)
                req.form[req.nform++] =
                    (struct form_field){"csrf", fz_creds[in->role].csrf,
                                        strlen(fz_creds[in->role].csrf), NULL, NULL, false};
        }
    } else {
        req.body = arena_strndup(a, in->body, in->body_len);
        req.body_len = in->body_len;
    }
    memset(res, 0, sizeof(*res));
    route_dispatch(&req, res);
}

/* The store is allowed to be unavailable (503); anything else from 500 up is a defect. */
static void fz_check_answer(const struct fz_request *in, const struct route *r,
                            const struct res *res)
{
    const char *ct = res->content_type ? res->content_type : "";
    bool api = !strncmp(in->target, "/api/", 5) && !(r && (r->flags & ROUTE_PAGE));

    if (res->status < 100 || res->status > 599)
        BUG("%s %s answered no status (%d)", in->method, in->target, res->status);
    if (res->status >= 500 && res->status != 503)
        BUG("%s %s answered %d: %.*s", in->method, in->target, res->status,
            (int)(res->body.len < 300 ? res->body.len : 300), res->body.buf ? res->body.buf : "");
    if (!strcmp(ct, "application/json") || (api && res->status >= 400)) {
        json_error_t e;
        json_t *j = json_loadb(res->body.buf ? res->body.buf : "", res->body.len, 0, &e);
        if (!j)
            BUG("%s %s answered %d with JSON that does not parse (%s): %.*s", in->method,
                in->target, res->status, e.text, (int)(res->body.len < 300 ? res->body.len : 300),
                res->body.buf ? res->body.buf : "");
        if (res->status >= 400 && !json_is_object(json_object_get(j, "error")))
            BUG("%s %s answered %d without an error object", in->method, in->target,
                res->status);
        json_decref(j);
    }
}

#endif
