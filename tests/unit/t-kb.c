/*
 * t-kb.c - the knowledge base: search words, snippet HTML, safe Markdown, and
 * the article routes in-process (visibility per role, hostile search input).
 */
#include "helpers.h"
#include "core/crypto.h"
#include "core/err.h"
#include "domain/kb.h"
#include "domain/organization.h"
#include "core/markdown.h"
#include "store/store.h"

static const char *snippet(const char *raw, struct arena *a) { return kb_snippet_html(raw, a); }

static void test_snippet_escapes_and_marks(void **state)
{
    struct arena a = ARENA_INIT;

    (void)state;
    assert_string_equal(snippet("run the \x02"
                                "backup\x03 <b>now</b> & \"then\" 'x'",
                                &a),
                        "run the <mark>backup</mark> &lt;b&gt;now&lt;/b&gt; &amp; "
                        "&quot;then&quot; &#39;x&#39;");
    assert_string_equal(snippet("<script>\x02"
                                "alert\x03(1)</script>",
                                &a),
                        "&lt;script&gt;<mark>alert</mark>(1)&lt;/script&gt;");
    assert_string_equal(snippet("", &a), "");
    assert_string_equal(snippet(NULL, &a), "");
    arena_release(&a);
}

static void test_snippet_markers_always_balance(void **state)
{
    struct arena a = ARENA_INIT;

    (void)state;
    /* markers in the article text itself can only make balanced, unnested <mark> */
    assert_string_equal(snippet("\x02\x02x\x03\x03y", &a), "<mark>x</mark>y");
    assert_string_equal(snippet("a\x02"
                                "b",
                                &a),
                        "a<mark>b</mark>");
    assert_string_equal(snippet("\x03"
                                "a",
                                &a),
                        "a");
    /* other control characters are dropped; tabs and newlines stay */
    assert_string_equal(snippet("a\x01\x1b[31mb\tc\nd\x7f", &a), "a[31mb\tc\nd\x7f");
    arena_release(&a);
}

static size_t terms(const char *q, const char **out, struct arena *a)
{
    size_t n = 99;

    assert_int_equal(kb_terms(q, out, &n, a), 0);
    return n;
}

static void test_terms_are_plain_words(void **state)
{
    const char *t[KB_TERMS_MAX];
    struct arena a = ARENA_INIT;
    char big[KB_QUERY_MAX + 2];
    size_t n;

    (void)state;
    assert_int_equal(terms("", t, &a), 0);
    assert_int_equal(terms(NULL, t, &a), 0);
    assert_int_equal(terms("  \"\" * ( ) : ", t, &a), 0);
    assert_int_equal(terms("NEAR(backup \"nightly\") OR title:x*", t, &a), 6);
    assert_string_equal(t[0], "NEAR");
    assert_string_equal(t[1], "backup");
    assert_string_equal(t[2], "nightly");
    assert_string_equal(t[3], "OR");
    assert_string_equal(t[4], "title");
    assert_string_equal(t[5], "x");
    assert_int_equal(terms("'; DROP TABLE x; --", t, &a), 3);
    assert_int_equal(terms("wätchdog «timer»", t, &a), 2); /* non-ASCII stays in words */
    assert_string_equal(t[0], "wätchdog");
    assert_string_equal(t[1], "«timer»");
    memset(big, 'a', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    assert_int_equal(kb_terms(big, t, &n, &a), DESK_EBADREQ);
    assert_int_equal(kb_terms("a b c d e f g h i j k l m n o p q", t, &n, &a), DESK_EBADREQ);
    assert_int_equal(kb_terms("a b c d e f g h i j k l m n o p", t, &n, &a), 0);
    assert_int_equal(kb_terms("caf\xc3", t, &n, &a), DESK_EBADREQ);
    arena_release(&a);
}

static void test_visibility_by_role(void **state)
{
    enum kb_visibility v;

    (void)state;
    assert_int_equal(kb_visibility_for(ROLE_NONE), KB_PUBLIC);
    assert_int_equal(kb_visibility_for(ROLE_CUSTOMER), KB_CUSTOMERS);
    assert_int_equal(kb_visibility_for(ROLE_AGENT), KB_INTERNAL);
    assert_int_equal(kb_visibility_for(ROLE_ADMIN), KB_INTERNAL);
    assert_int_equal(kb_visibility_parse("customers", &v), 0);
    assert_int_equal(v, KB_CUSTOMERS);
    assert_int_equal(kb_visibility_parse("Public", &v), DESK_EINVAL);
    assert_int_equal(kb_visibility_parse(NULL, &v), DESK_EINVAL);
}

static void test_markdown_is_safe(void **state)
{
    struct arena a = ARENA_INIT;
    const char *h;

    (void)state;
    h = markdown_html("# T\n\n<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n"
                      "[a](javascript:alert(1)) [b](vbscript:x) ![c](data:text/html,x) "
                      "<a href=\"x\">raw</a> **ok**",
                      &a);
    assert_null(strstr(h, "<script"));
    assert_null(strstr(h, "<img src=x"));
    assert_null(strstr(h, "onerror"));
    assert_null(strstr(h, "javascript:"));
    assert_null(strstr(h, "vbscript:"));
    assert_null(strstr(h, "<a href=\"x\""));
    assert_non_null(strstr(h, "<h1>T</h1>"));
    assert_non_null(strstr(h, "<strong>ok</strong>"));
    assert_string_equal(markdown_html("a < b & \"c\"", &a),
                        "<p>a &lt; b &amp; &quot;c&quot;</p>\n");
    assert_string_equal(markdown_html(NULL, &a), "");
    arena_release(&a);
}

/* A message keeps its lines (mail clients write plain text) and is as safe as an article. */
static void test_markdown_message_keeps_lines(void **state)
{
    struct arena a = ARENA_INIT;
    const char *h;

    (void)state;
    assert_string_equal(markdown_message_html("Hello,\nthe meter stopped.\n\n-- \nAnn", &a),
                        "<p>Hello,<br />\nthe meter stopped.</p>\n<p>--<br />\nAnn</p>\n");
    h = markdown_message_html("see `log`, the <meter> tag\n[x](javascript:y)", &a);
    assert_non_null(strstr(h, "<code>log</code>"));
    assert_non_null(strstr(h, "the &lt;meter&gt; tag"));
    assert_null(strstr(h, "javascript:"));
    h = markdown_message_html("<script>alert(1)</script>\n<div onclick=x>", &a);
    assert_null(strstr(h, "<script"));
    assert_null(strstr(h, "<div"));
    assert_non_null(strstr(h, "<pre><code>&lt;script&gt;alert(1)&lt;/script&gt;"));
    arena_release(&a);
}

/* ---- the article routes in-process ---- */

static struct store *st;
static char path[256];
static char agent[TOKEN_TEXT_LEN + 1], customer[TOKEN_TEXT_LEN + 1];

static void token_for(const char *email, enum role role, char out[TOKEN_TEXT_LEN + 1])
{
    struct user u = {0, email, "T", role, role == ROLE_CUSTOMER ? 1 : 0, 0, false, NULL, NULL};
    struct caller sys = CALLER_SYSTEM;
    uint8_t hash[TOKEN_HASH_LEN];

    assert_int_equal(store_user_create(st, &sys, &u, NULL), 0);
    token_new(out, hash);
    assert_int_equal(store_token_create(st, u.id, hash, 0, INT64_MAX / 2), 0);
}

static int setup(void **state)
{
    struct exchange x;
    struct caller sys = CALLER_SYSTEM;
    struct organization acme = {0, "Acme", NULL, 0, 0, 0};

    (void)state;
    st = tmp_store(path, sizeof(path));
    /* an organisation for the customer (id 1) */
    assert_int_equal(store_org_create(st, &sys, &acme, NULL), 0);
    assert_int_equal(acme.id, 1);
    token_for("agent@t.test", ROLE_AGENT, agent);
    token_for("customer@t.test", ROLE_CUSTOMER, customer);
    exchange_run(
        &x, st, "POST", "/api/v1/kb/articles",
        "{\"title\":\"Backup how-to\",\"body\":\"nightly backups\",\"visibility\":\"public\"}",
        agent);
    assert_int_equal(x.res.status, 201);
    exchange_release(&x);
    exchange_run(&x, st, "POST", "/api/v1/kb/articles",
                 "{\"title\":\"Backup keys\",\"body\":\"where the backup keys are\"}", agent);
    assert_int_equal(x.res.status, 201);
    exchange_release(&x);
    exchange_run(&x, st, "POST", "/api/v1/kb/articles",
                 "{\"title\":\"Backups for customers\",\"visibility\":\"customers\"}", agent);
    assert_int_equal(x.res.status, 201);
    exchange_release(&x);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    tmp_store_free(st, path);
    return 0;
}

static size_t hits(const char *q, const char *token)
{
    struct exchange x;
    size_t n;

    exchange_run(&x, st, "GET", q, NULL, token);
    if (x.res.status != 200)
        fail_msg("GET %s: %d %s", q, x.res.status, x.res.body.buf);
    n = json_array_size(json_object_get(x.json, "items"));
    exchange_release(&x);
    return n;
}

static void test_article_routes_filter_by_role(void **state)
{
    struct exchange x;

    (void)state;
    assert_int_equal(hits("/api/v1/kb/articles?q=backup", NULL), 1);
    assert_int_equal(hits("/api/v1/kb/articles?q=backup", customer), 2);
    assert_int_equal(hits("/api/v1/kb/articles?q=backup", agent), 3);
    assert_int_equal(hits("/api/v1/kb/articles?q=keys", customer), 0);
    assert_int_equal(hits("/api/v1/kb/articles", NULL), 1);
    assert_int_equal(hits("/api/v1/kb/articles?q=backup\"%20OR%20\"keys", agent), 0);
    assert_int_equal(hits("/api/v1/kb/articles?q=(backup*", agent), 3);
    assert_int_equal(hits("/api/v1/kb/articles?q=NEAR(backup", agent), 0);
    exchange_run(&x, st, "GET", "/api/v1/kb/articles/2", NULL, customer);
    assert_int_equal(x.res.status, 404);
    exchange_release(&x);
    exchange_run(&x, st, "POST", "/api/v1/kb/articles", "{\"title\":\"x\"}", customer);
    assert_int_equal(x.res.status, 403);
    exchange_release(&x);
    exchange_run(&x, st, "POST", "/api/v1/kb/articles", "{\"title\":\"x\"}", NULL);
    assert_int_equal(x.res.status, 401);
    exchange_release(&x);
}

SUITE(kb, cmocka_unit_test(test_snippet_escapes_and_marks),
      cmocka_unit_test(test_snippet_markers_always_balance),
      cmocka_unit_test(test_terms_are_plain_words), cmocka_unit_test(test_visibility_by_role),
      cmocka_unit_test(test_markdown_is_safe),
      cmocka_unit_test(test_markdown_message_keeps_lines),
      cmocka_unit_test_setup_teardown(test_article_routes_filter_by_role, setup, teardown))
