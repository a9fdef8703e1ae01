/*
 * session.c - the session cookie and CSRF tokens of the pages (see session.h).
 */
#define LOG_MODULE "http"
#include "core/compat.h"
#include "http/session.h"
#include "core/crypto.h"
#include "core/err.h"
#include "core/log.h"
#include "core/time.h"
#include "store/store.h"
#include <sodium.h>
#include <strings.h>

static const char csrf_label[] = "svcdesk csrf v1";

const char *req_cookie(const struct req *req, const char *name)
{
    size_t nlen = strlen(name);

    for (size_t i = 0; i < req->nheaders; i++) {
        const char *p = req->headers[i].value;
        if (strcasecmp(req->headers[i].key, "Cookie"))
            continue;
        while (p && *p) {
            size_t len;
            while (*p == ' ' || *p == ';')
                p++;
            len = strcspn(p, ";");
            if (len > nlen && !strncmp(p, name, nlen) && p[nlen] == '=')
                return arena_strndup(req->arena, p + nlen + 1, len - nlen - 1);
            p += len;
        }
    }
    return NULL;
}

int session_authenticate(struct req *req)
{
    const char *tok = req_cookie(req, SESSION_COOKIE);

    if (!tok || token_hash(tok, strlen(tok), req->session_hash) < 0 ||
        store_session_user(req->store, req->session_hash, time_now(), &req->user, req->arena) < 0)
        return DESK_EUNAUTH;
    req->session_token = tok;
    req->has_session = true;
    req->caller = (struct caller){req->user.id, req->user.role, req->user.organization_id};
    return 0;
}

/* The derived token of a session: hex of HMAC-SHA256(key = session token, label). */
static const char *derive_csrf(const char *session_token, struct arena *a)
{
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_state st;
    char *hex = arena_alloc(a, CSRF_TEXT_LEN + 1);

    crypto_auth_hmacsha256_init(&st, (const unsigned char *)session_token, strlen(session_token));
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)csrf_label, sizeof(csrf_label) - 1);
    crypto_auth_hmacsha256_final(&st, mac);
    sodium_bin2hex(hex, CSRF_TEXT_LEN + 1, mac, sizeof(mac));
    return hex;
}

static bool is_tls(const struct req *req)
{
    const char *proto = req_header(req, "X-Forwarded-Proto");
    return proto && !strcasecmp(proto, "https");
}

/* Set-Cookie for name=value; max_age < 0: a browser-session cookie; 0: delete it. */
static void set_cookie(struct req *req, struct res *res, const char *name, const char *value,
                       int64_t max_age)
{
    char age[48] = "";

    if (max_age >= 0)
        snprintf(age, sizeof(age), "; Max-Age=%" PRId64, max_age);
    res_header(res, "Set-Cookie",
               arena_sprintf(req->arena, "%s=%s; Path=/; HttpOnly; SameSite=Lax%s%s", name, value,
                             age, is_tls(req) ? "; Secure" : ""));
}

/* A pre-session token from the cookie, when it looks like one. */
static const char *presession_csrf(const struct req *req)
{
    const char *c = req_cookie(req, CSRF_COOKIE);

    if (!c || strlen(c) != CSRF_TEXT_LEN || strspn(c, "0123456789abcdef") != CSRF_TEXT_LEN)
        return NULL;
    return c;
}

const char *session_csrf(struct req *req, struct res *res)
{
    const char *c;
    char *fresh;

    if (req->has_session)
        return derive_csrf(req->session_token, req->arena);
    if ((c = presession_csrf(req)) || !res)
        return c;
    fresh = arena_alloc(req->arena, CSRF_TEXT_LEN + 1);
    random_hex(fresh, CSRF_TEXT_LEN / 2);
    set_cookie(req, res, CSRF_COOKIE, fresh, -1);
    return fresh;
}

bool session_csrf_ok(struct req *req)
{
    const char *want = session_csrf(req, NULL), *got = req_form(req, CSRF_FIELD);

    return want && got && strlen(got) == CSRF_TEXT_LEN &&
           sodium_memcmp(want, got, CSRF_TEXT_LEN) == 0;
}

int session_start(struct req *req, struct res *res, const struct user *u)
{
    char text[TOKEN_TEXT_LEN + 1];
    uint8_t hash[TOKEN_HASH_LEN];
    int64_t now = time_now();
    int rc;

    token_new(text, hash);
    if ((rc = store_session_create(req->store, u->id, hash, now, now + SESSION_LIFETIME)) < 0)
        return rc;
    set_cookie(req, res, SESSION_COOKIE, text, SESSION_LIFETIME);
    set_cookie(req, res, CSRF_COOKIE, "", 0);
    log_info("msg=\"signed in\" user=%" PRId64, u->id);
    return 0;
}

void session_end(struct req *req, struct res *res)
{
    if (req->has_session && store_session_end(req->store, req->session_hash, time_now()) == 0)
        log_info("msg=\"signed out\" user=%" PRId64, req->user.id);
    set_cookie(req, res, SESSION_COOKIE, "", 0);
}
