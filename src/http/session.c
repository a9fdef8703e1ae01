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
static const char login_label[] = "svcdesk login csrf v1";

#define LOGIN_SECRET_KEY "login_csrf_secret" /* meta key (0009) */
#define LOGIN_HEAD_HEX 32                     /* time and nonce of a sign-in form's token */
#define LOGIN_MAC_HEX 32                      /* its MAC (128 bits) */
#define LOGIN_TOKEN_MAX_AGE (12 * 3600)       /* a sign-in form left open half a day still works */
#define USER_AGENT_MAX 256                    /* characters of User-Agent recorded */

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

/* The cookies' names: with an https public URL the __Host- prefix (Secure, Path=/, no Domain). */
const char *session_cookie_name(const struct req *req)
{
    return conf_https(req->conf) ? "__Host-" SESSION_COOKIE : SESSION_COOKIE;
}

static const char *csrf_cookie_name(const struct req *req)
{
    return conf_https(req->conf) ? "__Host-" CSRF_COOKIE : CSRF_COOKIE;
}

static int64_t idle_secs(const struct req *req)
{
    return req->conf && req->conf->session_idle_seconds ? req->conf->session_idle_seconds
                                                        : SESSION_IDLE_DEFAULT;
}

/* The User-Agent to record, cut to a sane length (arena). */
static const char *user_agent(const struct req *req)
{
    const char *ua = req_header(req, "User-Agent");

    return ua ? arena_strndup(req->arena, ua, strnlen(ua, USER_AGENT_MAX)) : "";
}

int session_authenticate(struct req *req)
{
    const char *tok = req_cookie(req, session_cookie_name(req));
    struct credential cred = {0};
    int64_t now = time_now(), idle = idle_secs(req), every;
    int rc;

    if (!tok || token_hash(tok, strlen(tok), req->session_hash) < 0)
        return DESK_EUNAUTH;
    rc = store_session_lookup(req->store, req->session_hash, now, idle, &req->user, &cred,
                              req->arena);
    if (rc < 0) {
        if (rc == DESK_EUNAUTH && cred.expired) {
            req->expired_user = req->user.id; /* a draft may be kept for this user */
            req->session_token = tok;
        }
        memset(&req->user, 0, sizeof(req->user));
        return rc == DESK_EBUSY || rc == DESK_EIO ? rc : DESK_EUNAUTH;
    }
    req->session_token = tok;
    req->has_session = true;
    req->credential_id = cred.id;
    req->caller = (struct caller){req->user.id, req->user.role, req->user.organization_id};
    /* the idle clock: record the use, at most once a minute (finer for short timeouts) */
    every = idle / 2 < 60 ? idle / 2 : 60;
    if (now - cred.last_seen_at >= (every < 1 ? 1 : every))
        store_credential_seen(req->store, CRED_SESSION, cred.id, now, req_address(req),
                              user_agent(req));
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
    return conf_https(req->conf) || (proto && !strcasecmp(proto, "https"));
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

/* ---- a notice for the next page ("saved"), across the redirect after a form ------------ */

#define FLASH_COOKIE "svcdesk_flash"
#define FLASH_SECS 60 /* the redirect follows at once; a stale notice must not linger */

static const char *flash_cookie_name(const struct req *req)
{
    return conf_https(req->conf) ? "__Host-" FLASH_COOKIE : FLASH_COOKIE;
}

void session_flash_set(struct req *req, struct res *res, const char *code)
{
    set_cookie(req, res, flash_cookie_name(req), code, FLASH_SECS);
}

const char *session_flash_take(struct req *req, struct res *res)
{
    const char *code = req_cookie(req, flash_cookie_name(req));

    if (!code || !*code)
        return NULL;
    set_cookie(req, res, flash_cookie_name(req), "", 0);
    return code;
}

/* ---- the sign-in form's token: bound to the installation's secret ---------------- */

/* The installation's secret (meta 'login_csrf_secret', made by 0009); NULL when unreadable. */
static const char *login_secret(struct req *req)
{
    const char *v = NULL;
    char fresh[65];
    int rc = store_meta_get(req->store, LOGIN_SECRET_KEY, &v, req->arena);

    if (rc == DESK_ENOTFOUND) { /* a database from before 0009 and edited by hand */
        random_hex(fresh, 32);
        if (store_meta_set(req->store, LOGIN_SECRET_KEY, fresh) == 0)
            rc = store_meta_get(req->store, LOGIN_SECRET_KEY, &v, req->arena);
    }
    if (rc < 0 || !v || strlen(v) < 32) {
        log_warn("msg=\"the sign-in form's secret cannot be read\" rc=%d", rc);
        return NULL;
    }
    return v;
}

/* Hex of HMAC-SHA256(secret, label . head), cut to LOGIN_MAC_HEX characters, into mac. */
static void login_mac(const char *secret, const char *head, char mac[LOGIN_MAC_HEX + 1])
{
    unsigned char full[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_state st;

    crypto_auth_hmacsha256_init(&st, (const unsigned char *)secret, strlen(secret));
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)login_label,
                                  sizeof(login_label) - 1);
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)head, LOGIN_HEAD_HEX);
    crypto_auth_hmacsha256_final(&st, full);
    sodium_bin2hex(mac, LOGIN_MAC_HEX + 1, full, LOGIN_MAC_HEX / 2);
}

/* A new token: 16 hex of the time, 16 hex random, 32 hex of the MAC over both (arena). */
static const char *login_token_new(struct req *req)
{
    const char *secret = login_secret(req);
    char *t = arena_alloc(req->arena, CSRF_TEXT_LEN + 1);

    snprintf(t, 17, "%016" PRIx64, (uint64_t)time_now());
    random_hex(t + 16, 8);
    if (secret)
        login_mac(secret, t, t + LOGIN_HEAD_HEX);
    else
        random_hex(t + LOGIN_HEAD_HEX, LOGIN_MAC_HEX / 2); /* fails the check, as it should */
    return t;
}

/* Is t a token this installation made, less than LOGIN_TOKEN_MAX_AGE old? */
static bool login_token_ok(struct req *req, const char *t)
{
    char mac[LOGIN_MAC_HEX + 1], head[17];
    const char *secret;
    int64_t made, now = time_now();

    if (!t || strlen(t) != CSRF_TEXT_LEN || strspn(t, "0123456789abcdef") != CSRF_TEXT_LEN)
        return false;
    memcpy(head, t, 16);
    head[16] = '\0';
    made = (int64_t)strtoull(head, NULL, 16);
    if (made > now + 60 || now - made > LOGIN_TOKEN_MAX_AGE || !(secret = login_secret(req)))
        return false;
    login_mac(secret, t, mac);
    return sodium_memcmp(mac, t + LOGIN_HEAD_HEX, LOGIN_MAC_HEX) == 0;
}

const char *session_csrf(struct req *req, struct res *res)
{
    const char *c = req_cookie(req, csrf_cookie_name(req));

    if (req->has_session)
        return derive_csrf(req->session_token, req->arena);
    if (login_token_ok(req, c))
        return c;
    if (!res)
        return NULL;
    c = login_token_new(req);
    set_cookie(req, res, csrf_cookie_name(req), c, -1);
    return c;
}

bool session_csrf_ok(struct req *req)
{
    const char *want = session_csrf(req, NULL), *got = req_form(req, CSRF_FIELD);

    return want && got && strlen(got) == CSRF_TEXT_LEN &&
           sodium_memcmp(want, got, CSRF_TEXT_LEN) == 0;
}

bool session_expired_csrf_ok(struct req *req)
{
    const char *got = req_form(req, CSRF_FIELD), *want;

    if (!req->expired_user || !req->session_token || !got || strlen(got) != CSRF_TEXT_LEN)
        return false;
    want = derive_csrf(req->session_token, req->arena);
    return sodium_memcmp(want, got, CSRF_TEXT_LEN) == 0;
}

int session_start(struct req *req, struct res *res, const struct user *u)
{
    char text[TOKEN_TEXT_LEN + 1];
    uint8_t hash[TOKEN_HASH_LEN];
    int64_t now = time_now();
    struct credential_new n = {CRED_SESSION, u->id, hash, now, now + SESSION_LIFETIME,
                               req_address(req), user_agent(req),
                               req->conf ? req->conf->tokens_per_user : 0};
    int rc;

    token_new(text, hash);
    if ((rc = store_credential_create(req->store, &n)) < 0)
        return rc;
    set_cookie(req, res, session_cookie_name(req), text, SESSION_LIFETIME);
    set_cookie(req, res, csrf_cookie_name(req), "", 0);
    log_info("msg=\"signed in\" user=%" PRId64, u->id);
    return 0;
}

void session_end(struct req *req, struct res *res)
{
    if (req->has_session && store_session_end(req->store, req->session_hash, time_now()) == 0)
        log_info("msg=\"signed out\" user=%" PRId64, req->user.id);
    set_cookie(req, res, session_cookie_name(req), "", 0);
}
