/*
 * t-agreement-api.c - the agreement routes in-process (router + handlers +
 * SQLite store, no sockets), and the router's ":id.ext" segments.
 *
 * Organisations and customers are inserted with SQL: they have no API on this
 * branch yet (temporary fixtures until the admin API lands).
 */
#include "helpers.h"
#include "core/crypto.h"
#include "core/err.h"
#include "http/router.h"
#include "store/store.h"

static struct store *st;
static char path[256];
static char admin[TOKEN_TEXT_LEN + 1], ann[TOKEN_TEXT_LEN + 1], bob[TOKEN_TEXT_LEN + 1];

/* A token for user id, stored directly. */
static void token_for(int64_t id, char text[TOKEN_TEXT_LEN + 1])
{
    uint8_t hash[TOKEN_HASH_LEN];

    token_new(text, hash);
    assert_int_equal(store_token_create(st, id, hash, time(NULL), time(NULL) + 3600), 0);
}

/* POST body to path as the admin; the new thing must get id want. */
static void make(const char *path_, const char *body, int64_t want)
{
    struct exchange x;

    exchange_run(&x, st, "POST", path_, body, admin);
    if (x.res.status != 201)
        fail_msg("POST %s: %d", path_, x.res.status);
    assert_int_equal(json_integer_value(json_object_get(x.json, "id")), want);
    exchange_release(&x);
}

/* POST path (body may be NULL) as token, which must answer 200. */
static void sign_fixture_as(const char *path_, const char *body, const char *token)
{
    struct exchange x;

    exchange_run(&x, st, "POST", path_, body, token);
    if (x.res.status != 200)
        fail_msg("POST %s: %d", path_, x.res.status);
    exchange_release(&x);
}

static int setup(void **state)
{
    bool created;
    char hash[PASSWORD_HASH_MAX];

    (void)state;
    st = tmp_store(path, sizeof(path));
    assert_int_equal(password_hash("admin-password", hash), 0);
    assert_int_equal(store_admin_ensure(st, "root@example.test", hash, &created), 0);
    token_for(1, admin);
    make("/api/v1/organizations", "{\"name\":\"Acme\"}", 1);
    make("/api/v1/organizations", "{\"name\":\"Other\"}", 2);
    make("/api/v1/users",
         "{\"email\":\"ann@acme.test\",\"name\":\"Ann\",\"role\":\"customer\","
         "\"organization_id\":1,\"password\":\"ann-password-1\"}",
         2);
    make("/api/v1/users",
         "{\"email\":\"bob@other.test\",\"name\":\"Bob\",\"role\":\"customer\","
         "\"organization_id\":2,\"password\":\"bob-password-1\"}",
         3);
    make("/api/v1/calendars",
         "{\"name\":\"utc\",\"timezone\":\"UTC\",\"hours\":{\"mon\":[\"09:00-17:00\"]}}", 1);
    make("/api/v1/sla-policies", "{\"name\":\"p\",\"calendar_id\":1}", 1);
    /* Acme's signed maintenance agreement: its enhanced agreements stand on it */
    make("/api/v1/agreements",
         "{\"organization_id\":1,\"kind\":\"maintenance\",\"starts_on\":\"2020-01-01\","
         "\"currency\":\"EUR\",\"hosting\":\"vendor_hosted\",\"sla_policy_id\":1}",
         1);
    token_for(2, ann);
    token_for(3, bob);
    /* in effect: signed by both parties */
    sign_fixture_as("/api/v1/agreements/1/accept", "{\"name\":\"Ann Acme\"}", ann);
    sign_fixture_as("/api/v1/agreements/1/sign", NULL, admin);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    tmp_store_free(st, path);
    return 0;
}

static const char *field(const struct exchange *x)
{
    return json_string_value(json_object_get(json_object_get(x->json, "error"), "field"));
}

/* Run a request and check its status; the exchange is released unless keep. */
static int64_t run(struct exchange *x, const char *method, const char *p, const char *body,
                   const char *token, int want, bool keep)
{
    int64_t id;

    exchange_run(x, st, method, p, body, token);
    if (x->res.status != want)
        fail_msg("%s %s: %d, want %d: %s", method, p, x->res.status, want, x->res.body.buf);
    id = json_integer_value(json_object_get(x->json, "id"));
    if (!keep)
        exchange_release(x);
    return id;
}

static void test_router_suffix(void **state)
{
    static const struct {
        const char *path;
        const char *pattern; /* NULL: no route */
        int64_t id;
    } cases[] = {
        {"/api/v1/invoices/42", "/api/v1/invoices/:id", 42},
        {"/api/v1/invoices/42.pdf", "/api/v1/invoices/:id.pdf", 42},
        {"/api/v1/invoices/7.html", "/api/v1/invoices/:id.html", 7},
        {"/api/v1/invoices/7.csv", "/api/v1/invoices/:id.csv", 7},
        {"/api/v1/invoices/7.doc", NULL, 0},
        {"/api/v1/invoices/.pdf", NULL, 0},
        {"/api/v1/invoices/07.pdf", NULL, 0},
        {"/api/v1/invoices/x7.pdf", NULL, 0},
        {"/api/v1/invoices/7.pdf.pdf", NULL, 0},
        {"/api/v1/invoices/pdf", NULL, 0},
    };

    (void)state;
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        struct arena a = ARENA_INIT;
        struct req req = {.arena = &a, .method = "GET", .path = cases[i].path};
        const struct route *r = NULL;
        const char *allow = NULL;
        enum route_match m = route_find(&req, &r, &allow);
        if (!cases[i].pattern) {
            assert_int_equal(m, ROUTE_NO_PATH);
        } else {
            assert_int_equal(m, ROUTE_FOUND);
            assert_string_equal(r->pattern, cases[i].pattern);
            assert_int_equal(req.params[0], cases[i].id);
        }
        arena_release(&a);
    }
}

static void test_life_cycle(void **state)
{
    struct exchange x;
    int64_t id;
    char p[128];

    (void)state;
    id = run(&x, "POST", "/api/v1/agreements",
             "{\"organization_id\":1,\"kind\":\"enhanced\",\"starts_on\":\"2026-01-01\","
             "\"currency\":\"EUR\",\"hours\":12.5,\"annual_fee\":100000}",
             admin, 201, true);
    assert_string_equal(json_string_value(json_object_get(x.json, "status")), "requested");
    assert_int_equal(json_integer_value(json_object_get(x.json, "hours_minutes")), 750);
    exchange_release(&x);
    snprintf(p, sizeof(p), "/api/v1/agreements/%" PRId64, id);
    run(&x, "GET", p, NULL, ann, 200, false);
    run(&x, "GET", p, NULL, bob, 404, false);
    snprintf(p, sizeof(p), "/api/v1/agreements/%" PRId64 "/sign", id);
    run(&x, "POST", p, NULL, ann, 403, false);
    run(&x, "POST", p, "{\"when\":1}", admin, 422, false);
    snprintf(p, sizeof(p), "/api/v1/agreements/%" PRId64 "/accept", id);
    run(&x, "POST", p, "{\"name\":\"Ann Acme\"}", ann, 200, false);
    snprintf(p, sizeof(p), "/api/v1/agreements/%" PRId64 "/sign", id);
    run(&x, "POST", p, NULL, admin, 200, false);
    run(&x, "POST", p, NULL, admin, 409, false);
    snprintf(p, sizeof(p), "/api/v1/agreements/%" PRId64 "/balance?on=2026-02-01", id);
    run(&x, "GET", p, NULL, ann, 200, true);
    assert_true(json_real_value(json_object_get(x.json, "balance_hours")) == 12.5);
    exchange_release(&x);
    run(&x, "GET", p, NULL, bob, 404, false);
    snprintf(p, sizeof(p), "/api/v1/agreements/%" PRId64, id);
    run(&x, "PATCH", p, "{\"annual_fee\":5}", admin, 409, true);
    assert_string_equal(field(&x), "annual_fee");
    exchange_release(&x);
    run(&x, "PATCH", p, "{\"organization_id\":2}", admin, 422, false);
}

static void test_bad_money(void **state)
{
    static const struct {
        const char *body;
        const char *field;
    } cases[] = {
        {"{\"organization_id\":1,\"kind\":\"enhanced\",\"starts_on\":\"2026-01-01\","
         "\"currency\":\"EUR\",\"rate\":-1}",
         "rate"},
        {"{\"organization_id\":1,\"kind\":\"enhanced\",\"starts_on\":\"2026-01-01\","
         "\"currency\":\"EUR\",\"per_diem_rate\":0.5}",
         "per_diem_rate"},
        {"{\"organization_id\":1,\"kind\":\"enhanced\",\"starts_on\":\"2026-01-01\","
         "\"currency\":\"eur\"}",
         "currency"},
        {"{\"organization_id\":1,\"kind\":\"advanced\",\"starts_on\":\"2026-01-01\","
         "\"ends_on\":\"2026-06-30\",\"currency\":\"EUR\",\"invoicing\":\"phases\","
         "\"phases\":[{\"name\":\"Design\",\"amount\":-3}]}",
         "phases"},
        {"{\"organization_id\":1,\"kind\":\"maintenance\",\"starts_on\":\"2026-01-01\","
         "\"currency\":\"EUR\",\"hosting\":\"vendor_hosted\"}",
         "sla_policy_id"},
    };
    struct exchange x;

    (void)state;
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        run(&x, "POST", "/api/v1/agreements", cases[i].body, admin, 422, true);
        assert_string_equal(field(&x), cases[i].field);
        exchange_release(&x);
    }
}

static void test_rasci_and_catalogue(void **state)
{
    struct exchange x;

    (void)state;
    run(&x, "POST", "/api/v1/rasci-matrices",
        "{\"name\":\"T\",\"parties\":[\"A\",\"B\"],\"rows\":[{\"activity\":\"x\","
        "\"cells\":{\"A\":\"R\",\"B\":\"C\"}}]}",
        admin, 422, true);
    assert_string_equal(field(&x), "rows[0].cells");
    exchange_release(&x);
    run(&x, "GET", "/api/v1/rasci-matrices/1", NULL, bob, 200, false); /* the default */
    run(&x, "GET", "/api/v1/catalog?hosting=vendor_hosted", NULL, admin, 200, true);
    assert_int_equal(json_array_size(json_object_get(x.json, "items")), 12); /* 8, and 4 add-ons (0016) */
    exchange_release(&x);
    run(&x, "PUT", "/api/v1/catalog/1",
        "{\"name\":\"IT system maintenance\",\"vendor_hosted\":{\"inclusion\":\"included\"},"
        "\"customer_hosted\":{\"inclusion\":\"add_on\",\"comment\":\"on request\"}}",
        admin, 200, true);
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(x.json, "customer_hosted"), "comment")),
        "on request");
    exchange_release(&x);
    run(&x, "POST", "/api/v1/catalog",
        "{\"name\":\"it system MAINTENANCE\",\"vendor_hosted\":{\"inclusion\":\"included\"},"
        "\"customer_hosted\":{\"inclusion\":\"included\"}}",
        admin, 409, false);
}

/* A signed priority_line agreement that starts later: the hourly job switches it on, then off. */
static void test_priority_sync(void **state)
{
    struct exchange x;
    int64_t id, start = 1798761600; /* 2027-01-01T00:00:00Z */
    int changed = -1;
    char p[128];

    (void)state;
    id = run(&x, "POST", "/api/v1/agreements",
             "{\"organization_id\":1,\"kind\":\"enhanced\",\"starts_on\":\"2027-01-01\","
             "\"ends_on\":\"2027-12-31\",\"currency\":\"EUR\",\"extras\":[\"priority_line\"]}",
             admin, 201, false);
    snprintf(p, sizeof(p), "/api/v1/agreements/%" PRId64 "/accept", id);
    run(&x, "POST", p, "{\"name\":\"Ann Acme\"}", ann, 200, false);
    snprintf(p, sizeof(p), "/api/v1/agreements/%" PRId64 "/sign", id);
    run(&x, "POST", p, NULL, admin, 200, false);
    assert_int_equal(store_priority_sync(st, start - 1, &changed), 0);
    assert_int_equal(changed, 0); /* not yet in its term */
    assert_int_equal(store_priority_sync(st, start, &changed), 0);
    assert_int_equal(changed, 1);
    assert_int_equal(store_priority_sync(st, start + 3600, &changed), 0);
    assert_int_equal(changed, 0); /* nothing left to do */
    assert_int_equal(store_priority_sync(st, start + 365 * 86400, &changed), 0);
    assert_int_equal(changed, 1); /* 2028-01-01: the term is over */
}

SUITE(agreement_api, cmocka_unit_test(test_router_suffix),
      cmocka_unit_test_setup_teardown(test_life_cycle, setup, teardown),
      cmocka_unit_test_setup_teardown(test_bad_money, setup, teardown),
      cmocka_unit_test_setup_teardown(test_rasci_and_catalogue, setup, teardown),
      cmocka_unit_test_setup_teardown(test_priority_sync, setup, teardown))
