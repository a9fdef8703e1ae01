/*
 * t-pages.c - the pages in-process: sign-in and sessions, the redirects and
 * refusals of the router, CSRF on every POST, tenant isolation, `next`.
 */
#include "helpers.h"
#include "core/crypto.h"
#include "core/err.h"
#include "core/time.h"
#include "domain/organization.h"
#include "http/pages/pages.h"
#include "http/session.h"
#include "store/store.h"

static struct store *st;
static char path[256];

#define PASSWORD "page-password-1"

/* Two organisations, an agent (2), a customer of each (3: Acme, 4: Beta), a request of Acme (1). */
static int setup(void **state)
{
    char hash[PASSWORD_HASH_MAX];
    struct caller sys = CALLER_SYSTEM;
    struct organization acme = {0, "Acme", NULL, 0, 0, 0}, beta = {0, "Beta", NULL, 0, 0, 0};
    struct user agent = {0, "agent@vendor.test", "Agnes", ROLE_AGENT, 0, 0, false, NULL, NULL};
    struct user ca = {0, "ca@acme.test", "Carl", ROLE_CUSTOMER, 1, 0, false, NULL, NULL};
    struct user cb = {0, "cb@beta.test", "Berit", ROLE_CUSTOMER, 2, 0, false, NULL, NULL};
    bool created;

    (void)state;
    st = tmp_store(path, sizeof(path));
    assert_int_equal(password_hash(PASSWORD, hash), 0);
    assert_int_equal(store_admin_ensure(st, "root@example.test", hash, &created), 0);
    assert_int_equal(store_org_create(st, &sys, &acme, NULL), 0);
    assert_int_equal(store_org_create(st, &sys, &beta, NULL), 0);
    assert_int_equal(acme.id * 10 + beta.id, 12);
    assert_int_equal(store_user_create(st, &sys, &agent, hash), 0);
    assert_int_equal(store_user_create(st, &sys, &ca, hash), 0);
    assert_int_equal(store_user_create(st, &sys, &cb, hash), 0);
    assert_int_equal(agent.id * 100 + ca.id * 10 + cb.id, 234);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    tmp_store_free(st, path);
    return 0;
}

/* The live sessions of every user (1 to 4), through the store. */
static size_t live_sessions(void)
{
    struct credential *items;
    struct arena a = ARENA_INIT;
    size_t nr, n = 0;

    for (int64_t user = 1; user <= 4; user++) {
        assert_int_equal(store_credential_list(st, user, time_now(), SESSION_IDLE_DEFAULT, &items,
                                               &nr, &a),
                         0);
        for (size_t i = 0; i < nr; i++)
            n += items[i].kind == CRED_SESSION;
    }
    arena_release(&a);
    return n;
}

/* The messages of request id, through the store. */
static size_t messages_of(int64_t id)
{
    struct caller sys = CALLER_SYSTEM;
    struct message *items;
    struct arena a = ARENA_INIT;
    size_t n;

    assert_int_equal(store_message_list(st, &sys, id, &items, &n, &a), 0);
    arena_release(&a);
    return n;
}

/* The value of cookie name in the response's Set-Cookie headers, copied into out. */
static bool set_cookie(const struct res *res, const char *name, char *out, size_t n)
{
    size_t len = strlen(name);

    for (size_t i = 0; i < res->nheaders; i++) {
        const char *v = res->headers[i].value;
        if (strcmp(res->headers[i].key, "Set-Cookie") || strncmp(v, name, len) || v[len] != '=')
            continue;
        snprintf(out, n, "%.*s", (int)strcspn(v + len + 1, ";"), v + len + 1);
        return true;
    }
    return false;
}

/* Sign in as email; the Cookie header to send afterwards goes into cookie. */
static void sign_in(const char *email, char *cookie, size_t n)
{
    char csrf[CSRF_TEXT_LEN + 1], pre[128], session[TOKEN_TEXT_LEN + 1];
    struct exchange x;

    exchange_page(&x, st, "GET", "/login", NULL, NULL, NULL);
    assert_int_equal(x.res.status, 200);
    assert_true(set_cookie(&x.res, CSRF_COOKIE, csrf, sizeof(csrf)));
    exchange_release(&x);
    snprintf(pre, sizeof(pre), CSRF_COOKIE "=%s", csrf);
    exchange_page(&x, st, "POST", "/login", pre,
                  (const char *const[]){"email", email, "password", PASSWORD, "csrf", csrf, NULL},
                  NULL);
    assert_int_equal(x.res.status, 303);
    assert_true(set_cookie(&x.res, SESSION_COOKIE, session, sizeof(session)));
    exchange_release(&x);
    snprintf(cookie, n, SESSION_COOKIE "=%s", session);
}

/* The CSRF token the pages of a session carry (from its cookie header). */
static const char *csrf_of(const char *cookie, struct arena *a)
{
    struct req req = {.arena = a, .store = st};

    req.headers[req.nheaders++] = (struct kv){"Cookie", cookie};
    assert_int_equal(session_authenticate(&req), 0);
    return session_csrf(&req, NULL);
}

static void test_anonymous_goes_to_login(void **state)
{
    struct exchange x;

    (void)state;
    exchange_page(&x, st, "GET", "/portal/", NULL, NULL, NULL);
    assert_int_equal(x.res.status, 303);
    assert_string_equal(res_header_value(&x.res, "Location"), "/login?next=%2Fportal%2F");
    exchange_release(&x);
    exchange_page(&x, st, "GET", "/desk/tickets/5", NULL, NULL, NULL);
    assert_int_equal(x.res.status, 303);
    assert_string_equal(res_header_value(&x.res, "Location"), "/login?next=%2Fdesk%2Ftickets%2F5");
    exchange_release(&x);
    exchange_page(&x, st, "GET", "/portal/nope", NULL, NULL, NULL);
    assert_int_equal(x.res.status, 404);
    assert_string_equal(x.res.content_type, "text/html; charset=utf-8");
    exchange_release(&x);
    exchange_page(&x, st, "GET", "/static/svcdesk.css", NULL, NULL, NULL);
    assert_int_equal(x.res.status, 200);
    assert_non_null(strstr(res_header_value(&x.res, "Cache-Control"), "max-age=31536000"));
    exchange_release(&x);
}

static void test_sign_in(void **state)
{
    char csrf[CSRF_TEXT_LEN + 1], pre[128], cookie[128];
    const char *c;
    struct exchange x;

    (void)state;
    exchange_page(&x, st, "GET", "/login?next=/portal/", NULL, NULL,
                  (const char *const[]){"X-Forwarded-Proto: https", NULL});
    assert_true(set_cookie(&x.res, CSRF_COOKIE, csrf, sizeof(csrf)));
    assert_non_null(strstr(x.res.body.buf, csrf)); /* the form carries it */
    assert_non_null(strstr(res_header_value(&x.res, "Set-Cookie"), "; Secure"));
    exchange_release(&x);
    snprintf(pre, sizeof(pre), CSRF_COOKIE "=%s", csrf);
    /* without the token: 403, no session */
    exchange_page(&x, st, "POST", "/login", pre,
                  (const char *const[]){"email", "ca@acme.test", "password", PASSWORD, NULL}, NULL);
    assert_int_equal(x.res.status, 403);
    exchange_release(&x);
    assert_int_equal(live_sessions(), 0);
    /* a wrong password: the form again, 401 */
    exchange_page(
        &x, st, "POST", "/login", pre,
        (const char *const[]){"email", "ca@acme.test", "password", "wrong-one", "csrf", csrf, NULL},
        NULL);
    assert_int_equal(x.res.status, 401);
    assert_non_null(strstr(x.res.body.buf, "name=\"password\""));
    exchange_release(&x);
    /* right: 303 to next with the cookie, HttpOnly and SameSite=Lax, no Secure over plain HTTP */
    exchange_page(&x, st, "POST", "/login", pre,
                  (const char *const[]){"email", "CA@acme.test", "password", PASSWORD, "csrf", csrf,
                                        "next", "/portal/requests/new", NULL},
                  NULL);
    assert_int_equal(x.res.status, 303);
    assert_string_equal(res_header_value(&x.res, "Location"), "/portal/requests/new");
    c = res_header_value(&x.res, "Set-Cookie");
    assert_non_null(strstr(c, SESSION_COOKIE "="));
    assert_non_null(strstr(c, "; Path=/; HttpOnly; SameSite=Lax; Max-Age=604800"));
    assert_null(strstr(c, "Secure"));
    assert_true(set_cookie(&x.res, SESSION_COOKIE, cookie, sizeof(cookie)));
    exchange_release(&x);
    assert_int_equal(live_sessions(), 1);
    /* sqlite-only: only the session token's 32-byte hash is stored; no function reads it */
    if (test_on_sqlite())
        assert_int_equal(sqlite_only_int(path, "SELECT count(*) FROM sessions WHERE length(hash) = 32"),
                         1);
}

static void test_next_must_be_local(void **state)
{
    (void)state;
    assert_true(page_next_ok("/portal/requests/1"));
    assert_true(page_next_ok("/desk/?status=new"));
    assert_false(page_next_ok(NULL));
    assert_false(page_next_ok(""));
    assert_false(page_next_ok("//evil.example/"));
    assert_false(page_next_ok("/\\evil.example/"));
    assert_false(page_next_ok("https://evil.example/"));
    assert_false(page_next_ok("javascript:alert(1)"));
    assert_false(page_next_ok("/x\r\nSet-Cookie: a=b"));
}

static void test_roles(void **state)
{
    char agent[128], customer[128];
    struct exchange x;

    (void)state;
    sign_in("agent@vendor.test", agent, sizeof(agent));
    sign_in("ca@acme.test", customer, sizeof(customer));
    exchange_page(&x, st, "GET", "/portal/", agent, NULL, NULL);
    assert_int_equal(x.res.status, 303);
    assert_string_equal(res_header_value(&x.res, "Location"), "/desk/");
    exchange_release(&x);
    exchange_page(&x, st, "GET", "/desk/", customer, NULL, NULL);
    assert_int_equal(x.res.status, 403);
    assert_string_equal(x.res.content_type, "text/html; charset=utf-8");
    exchange_release(&x);
    exchange_page(&x, st, "GET", "/desk/", agent, NULL, NULL);
    assert_int_equal(x.res.status, 200);
    exchange_release(&x);
    exchange_page(&x, st, "GET", "/", customer, NULL, NULL);
    assert_string_equal(res_header_value(&x.res, "Location"), "/portal/");
    exchange_release(&x);
    /* the API takes the cookie for reads, not for writes */
    exchange_page(&x, st, "GET", "/api/v1/me", customer, NULL, NULL);
    assert_int_equal(x.res.status, 200);
    assert_string_equal(json_string_value(json_object_get(x.json, "email")), "ca@acme.test");
    exchange_release(&x);
    exchange_page(&x, st, "POST", "/api/v1/tickets", customer, NULL, NULL);
    assert_int_equal(x.res.status, 401);
    exchange_release(&x);
}

/* Open a request of the signed-in customer through the portal; returns its id. */
static int64_t open_request(const char *cookie, const char *subject)
{
    struct arena a = ARENA_INIT;
    struct exchange x;
    int64_t id;

    exchange_page(&x, st, "POST", "/portal/requests", cookie,
                  (const char *const[]){"csrf", csrf_of(cookie, &a), "subject", subject, "body",
                                        "details", "severity", "B", "type", "error", NULL},
                  NULL);
    assert_int_equal(x.res.status, 303);
    id = strtoll(strrchr(res_header_value(&x.res, "Location"), '/') + 1, NULL, 10);
    exchange_release(&x);
    arena_release(&a);
    return id;
}

static void test_csrf_and_isolation(void **state)
{
    char ca[128], cb[128], url[64];
    struct arena a = ARENA_INIT;
    struct exchange x;
    int64_t id;

    (void)state;
    sign_in("ca@acme.test", ca, sizeof(ca));
    sign_in("cb@beta.test", cb, sizeof(cb));
    id = open_request(ca, "<b>bold</b> & \"quoted\"");
    snprintf(url, sizeof(url), "/portal/requests/%" PRId64, id);
    exchange_page(&x, st, "GET", url, ca, NULL, NULL);
    assert_int_equal(x.res.status, 200);
    assert_non_null(strstr(x.res.body.buf, "&lt;b&gt;bold&lt;/b&gt; &amp; &quot;quoted&quot;"));
    assert_null(strstr(x.res.body.buf, "<b>bold"));
    exchange_release(&x);
    /* another organisation's customer: 404, as for a missing id */
    exchange_page(&x, st, "GET", url, cb, NULL, NULL);
    assert_int_equal(x.res.status, 404);
    exchange_release(&x);
    exchange_page(&x, st, "GET", "/portal/requests/999999", cb, NULL, NULL);
    assert_int_equal(x.res.status, 404);
    exchange_release(&x);
    snprintf(url, sizeof(url), "/portal/requests/%" PRId64 "/reply", id);
    exchange_page(&x, st, "POST", url, cb,
                  (const char *const[]){"csrf", csrf_of(cb, &a), "body", "intruder", NULL}, NULL);
    assert_int_equal(x.res.status, 404);
    exchange_release(&x);
    /* a reply without the token, or with another session's: 403, nothing stored */
    exchange_page(&x, st, "POST", url, ca, (const char *const[]){"body", "no token", NULL}, NULL);
    assert_int_equal(x.res.status, 403);
    exchange_release(&x);
    exchange_page(&x, st, "POST", url, ca,
                  (const char *const[]){"csrf", csrf_of(cb, &a), "body", "wrong token", NULL},
                  NULL);
    assert_int_equal(x.res.status, 403);
    exchange_release(&x);
    assert_int_equal(messages_of(id), 0);
    exchange_page(&x, st, "POST", url, ca,
                  (const char *const[]){"csrf", csrf_of(ca, &a), "body", "with token", NULL}, NULL);
    assert_int_equal(x.res.status, 303);
    exchange_release(&x);
    assert_int_equal(messages_of(id), 1);
    arena_release(&a);
}

static void test_too_many_failures(void **state)
{
    char csrf[CSRF_TEXT_LEN + 1], pre[128];
    struct exchange x;

    (void)state;
    exchange_page(&x, st, "GET", "/login", NULL, NULL, NULL);
    assert_true(set_cookie(&x.res, CSRF_COOKIE, csrf, sizeof(csrf)));
    exchange_release(&x);
    snprintf(pre, sizeof(pre), CSRF_COOKIE "=%s", csrf);
    /* five failures are free; then the backoff (http/signin.h), the right password too */
    for (int i = 0; i < 6; i++) {
        exchange_page(&x, st, "POST", "/login", pre,
                      (const char *const[]){"email", "cb@beta.test", "password",
                                            i < 5 ? "wrong-password" : PASSWORD, "csrf", csrf,
                                            NULL},
                      NULL);
        assert_int_equal(x.res.status, i < 5 ? 401 : 429);
        if (i == 5)
            assert_true(strtol(res_header_value(&x.res, "Retry-After"), NULL, 10) > 0);
        exchange_release(&x);
    }
    /* counted per account: another account still signs in */
    exchange_page(
        &x, st, "POST", "/login", pre,
        (const char *const[]){"email", "ca@acme.test", "password", PASSWORD, "csrf", csrf, NULL},
        NULL);
    assert_int_equal(x.res.status, 303);
    exchange_release(&x);
}

static void test_sign_out_and_expiry(void **state)
{
    char cookie[128];
    struct credential cred;
    struct arena a = ARENA_INIT;
    struct exchange x;
    struct user u;
    uint8_t hash[TOKEN_HASH_LEN];

    (void)state;
    sign_in("agent@vendor.test", cookie, sizeof(cookie));
    assert_int_equal(token_hash(cookie + strlen(SESSION_COOKIE) + 1,
                                strlen(cookie) - strlen(SESSION_COOKIE) - 1, hash),
                     0);
    assert_int_equal(store_session_lookup(st, hash, time_now() + 60, SESSION_LIFETIME, &u, &cred,
                                          &a),
                     0);
    assert_int_equal(store_session_lookup(st, hash, time_now() + SESSION_LIFETIME + 60,
                                          2 * SESSION_LIFETIME, &u, &cred, &a),
                     DESK_EUNAUTH);
    assert_true(cred.expired); /* by its lifetime: the user is still named */
    assert_int_equal(u.id, 2);
    /* the idle timeout: unused for the setting's seconds, it has ended */
    assert_int_equal(store_session_lookup(st, hash, time_now() + 600, 600, &u, &cred, &a),
                     DESK_EUNAUTH);
    assert_true(cred.expired);
    exchange_page(&x, st, "POST", "/logout", cookie,
                  (const char *const[]){"csrf", csrf_of(cookie, &a), NULL}, NULL);
    assert_int_equal(x.res.status, 303);
    exchange_release(&x);
    exchange_page(&x, st, "GET", "/desk/", cookie, NULL, NULL);
    assert_int_equal(x.res.status, 303);
    exchange_release(&x);
    arena_release(&a);
}

#define T_(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
SUITE(pages, T_(test_anonymous_goes_to_login), T_(test_sign_in),
      cmocka_unit_test(test_next_must_be_local), T_(test_roles), T_(test_csrf_and_isolation),
      T_(test_too_many_failures), T_(test_sign_out_and_expiry))
