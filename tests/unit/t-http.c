#include "helpers.h"
#include "core/crypto.h"
#include <strings.h>
#include "core/embed.h"
#include "core/err.h"
#include "http/api/api.h"
#include "http/router.h"
#include "store/store.h"

static struct store *st;
static char path[256];

static int setup(void **state)
{
    bool created;
    char hash[PASSWORD_HASH_MAX];

    (void)state;
    st = tmp_store(path, sizeof(path));
    assert_int_equal(password_hash("admin-password", hash), 0);
    assert_int_equal(store_admin_ensure(st, "root@example.test", hash, &created), 0);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    tmp_store_free(st, path);
    return 0;
}

static const char *header(const struct res *res, const char *name)
{
    for (size_t i = 0; i < res->nheaders; i++)
        if (!strcmp(res->headers[i].key, name))
            return res->headers[i].value;
    return NULL;
}

static const char *error_code(const struct exchange *x)
{
    return json_string_value(json_object_get(json_object_get(x->json, "error"), "code"));
}

static void test_check_order(void **state)
{
    struct exchange x;

    (void)state;
    exchange_run(&x, st, "GET", "/nope", NULL, NULL);
    assert_int_equal(x.res.status, 404);
    assert_string_equal(error_code(&x), "not_found");
    exchange_release(&x);
    exchange_run(&x, st, "PUT", "/api/v1/me", NULL, NULL); /* 405 before 401 */
    assert_int_equal(x.res.status, 405);
    assert_string_equal(header(&x.res, "Allow"), "GET");
    assert_string_equal(error_code(&x), "method_not_allowed");
    exchange_release(&x);
    exchange_run(&x, st, "GET", "/api/v1/me", NULL, NULL);
    assert_int_equal(x.res.status, 401);
    assert_string_equal(header(&x.res, "WWW-Authenticate"), "Bearer");
    exchange_release(&x);
    exchange_run(&x, st, "GET", "/api/v1/me", NULL, "0123");
    assert_int_equal(x.res.status, 401);
    exchange_release(&x);
    exchange_run(&x, st, "GET", "/healthz", NULL, NULL);
    assert_int_equal(x.res.status, 200);
    assert_string_equal(json_string_value(json_object_get(x.json, "status")), "ok");
    exchange_release(&x);
}

static void test_sign_in_and_me(void **state)
{
    struct exchange x;
    char token[TOKEN_TEXT_LEN + 1];

    (void)state;
    exchange_run(&x, st, "POST", "/api/v1/tokens",
                 "{\"email\":\"ROOT@example.test\",\"password\":\"wrong-password\"}", NULL);
    assert_int_equal(x.res.status, 401);
    exchange_release(&x);
    exchange_run(&x, st, "POST", "/api/v1/tokens", "{\"email\":\"root@example.test\"}", NULL);
    assert_int_equal(x.res.status, 422);
    assert_string_equal(json_string_value(json_object_get(json_object_get(x.json, "error"),
                                                          "field")),
                        "password");
    exchange_release(&x);
    exchange_run(&x, st, "POST", "/api/v1/tokens", "{\"email\":", NULL);
    assert_int_equal(x.res.status, 400);
    exchange_release(&x);
    exchange_run(&x, st, "POST", "/api/v1/tokens",
                 "{\"email\":\"root@example.test\",\"password\":\"admin-password\"}", NULL);
    assert_int_equal(x.res.status, 201);
    snprintf(token, sizeof(token), "%s",
             json_string_value(json_object_get(x.json, "token")));
    assert_int_equal(strlen(token), TOKEN_TEXT_LEN);
    exchange_release(&x);
    exchange_run(&x, st, "GET", "/api/v1/me", NULL, token);
    assert_int_equal(x.res.status, 200);
    assert_string_equal(json_string_value(json_object_get(x.json, "role")), "admin");
    assert_true(json_is_null(json_object_get(x.json, "organization_id")));
    exchange_release(&x);
    exchange_run(&x, st, "GET", "/metrics", NULL, token);
    assert_int_equal(x.res.status, 200);
    assert_non_null(strstr(x.res.body.buf, "svcdesk_http_requests_total"));
    exchange_release(&x);
    exchange_run(&x, st, "DELETE", "/api/v1/tokens/current", NULL, token);
    assert_int_equal(x.res.status, 204);
    exchange_release(&x);
    exchange_run(&x, st, "GET", "/api/v1/me", NULL, token);
    assert_int_equal(x.res.status, 401);
    exchange_release(&x);
}

/* "/api/v1/tickets/:id" -> "/api/v1/tickets/{id}", "/api/v1/invoices/:id.pdf" -> ".../{id}.pdf";
   a "*" segment (a token) is "{token}" */
static void openapi_path(const char *pattern, char *out, size_t n)
{
    size_t j = 0;

    for (const char *p = pattern; *p && j + 8 < n; p++) {
        if (*p == '*') {
            j += (size_t)snprintf(out + j, n - j, "{token}");
        } else if (*p == ':') {
            size_t len = strcspn(p + 1, "/.");
            j += (size_t)snprintf(out + j, n - j, "{%.*s}", (int)len, p + 1);
            p += len;
        } else {
            out[j++] = *p;
        }
    }
    out[j] = '\0';
}

static void test_openapi_matches_routes(void **state)
{
    json_t *doc = json_loads(embedded_openapi[0].data, 0, NULL), *paths, *ops;
    const char *p, *m;
    size_t listed = 0, api_routes = 0;

    (void)state;
    assert_non_null(doc);
    paths = json_object_get(doc, "paths");
    for (size_t i = 0; i < routes_nr; i++) {
        char want[256], method[16];
        size_t k;
        if (routes[i].flags & ROUTE_PAGE)
            continue; /* pages are HTML for people, not the API */
        api_routes++;
        openapi_path(routes[i].pattern, want, sizeof(want));
        for (k = 0; routes[i].method[k] && k + 1 < sizeof(method); k++)
            method[k] = (char)(routes[i].method[k] | 0x20);
        method[k] = '\0';
        if (!json_object_get(json_object_get(paths, want), method))
            fail_msg("route %s %s is not in docs/openapi.json", routes[i].method, want);
    }
    json_object_foreach(paths, p, ops)
    {
        json_t *op;
        json_object_foreach(ops, m, op)
        {
            bool found = false;
            for (size_t i = 0; i < routes_nr && !found; i++) {
                char want[256];
                if (routes[i].flags & ROUTE_PAGE)
                    continue;
                openapi_path(routes[i].pattern, want, sizeof(want));
                found = !strcmp(want, p) && !strcasecmp(routes[i].method, m);
            }
            if (!found)
                fail_msg("docs/openapi.json lists %s %s, which is not a route", m, p);
            listed++;
        }
    }
    assert_int_equal(listed, api_routes);
    json_decref(doc);
}

/* Stored files: the uploader's type only for images and PDF, bytes for anything else. */
static void test_attachment_served_type(void **state)
{
    (void)state;
    assert_string_equal(attachment_served_type("image/png"), "image/png");
    assert_string_equal(attachment_served_type("IMAGE/JPEG; name=x.jpg"), "image/jpeg");
    assert_string_equal(attachment_served_type("image/gif"), "image/gif");
    assert_string_equal(attachment_served_type("image/webp\t"), "image/webp");
    assert_string_equal(attachment_served_type("application/pdf"), "application/pdf");
    assert_string_equal(attachment_served_type("text/html"), "application/octet-stream");
    assert_string_equal(attachment_served_type("image/svg+xml"), "application/octet-stream");
    assert_string_equal(attachment_served_type("image/pngx"), "application/octet-stream");
    assert_string_equal(attachment_served_type("image/pn"), "application/octet-stream");
    assert_string_equal(attachment_served_type("text/plain"), "application/octet-stream");
    assert_string_equal(attachment_served_type(""), "application/octet-stream");
    assert_string_equal(attachment_served_type(NULL), "application/octet-stream");
}

/* A path or query value that is not UTF-8, quoted in an error message, still gives a JSON
   error body (jansson refuses such strings: the body was empty, found by fuzz-handlers). */
static void test_error_quotes_bad_utf8(void **state)
{
    struct exchange x;

    (void)state;
    exchange_run(&x, st, "GET", "/api/v1/\xff\xfe", NULL, NULL);
    assert_int_equal(x.res.status, 404);
    assert_non_null(x.json);
    assert_string_equal(error_code(&x), "not_found");
    assert_non_null(strcasestr(x.res.body.buf, "\\ufffd\\ufffd")); /* JSON_ENSURE_ASCII */
    exchange_release(&x);
    exchange_run(&x, st, "GET", "/de\xf3k/admin/rasci", NULL, NULL);
    assert_int_equal(x.res.status, 404);
    assert_true(x.res.body.len > 1);
    exchange_release(&x);
}

SUITE(http, cmocka_unit_test_setup_teardown(test_check_order, setup, teardown),
      cmocka_unit_test(test_attachment_served_type),
      cmocka_unit_test_setup_teardown(test_error_quotes_bad_utf8, setup, teardown),
      cmocka_unit_test_setup_teardown(test_sign_in_and_me, setup, teardown),
      cmocka_unit_test(test_openapi_matches_routes))
