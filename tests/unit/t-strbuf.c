#include "test.h"
#include "core/strbuf.h"

static void test_add_and_detach(void **state)
{
    struct strbuf sb = STRBUF_INIT;
    size_t len;
    char *p;

    (void)state;
    assert_string_equal(sb.buf, "");
    strbuf_addstr(&sb, "ticket");
    strbuf_addch(&sb, ' ');
    strbuf_addf(&sb, "#%d", 42);
    assert_string_equal(sb.buf, "ticket #42");
    assert_int_equal(sb.len, 10);
    p = strbuf_detach(&sb, &len);
    assert_int_equal(len, 10);
    assert_string_equal(p, "ticket #42");
    assert_string_equal(sb.buf, "");
    free(p);
}

static void test_max_is_sticky(void **state)
{
    struct strbuf sb;

    (void)state;
    strbuf_init_max(&sb, 8);
    strbuf_addstr(&sb, "12345");
    assert_false(strbuf_overflowed(&sb));
    strbuf_addstr(&sb, "6789"); /* would be 9 bytes: refused whole */
    assert_true(strbuf_overflowed(&sb));
    assert_string_equal(sb.buf, "12345");
    strbuf_addstr(&sb, "6"); /* fits, but the error stays */
    assert_true(strbuf_overflowed(&sb));
    strbuf_reset(&sb);
    assert_false(strbuf_overflowed(&sb));
    strbuf_addf(&sb, "%s", "123456789");
    assert_true(strbuf_overflowed(&sb));
    assert_int_equal(sb.len, 0);
    strbuf_release(&sb);
    assert_int_equal(sb.max, 8);
}

static void test_html_escaping(void **state)
{
    struct strbuf sb = STRBUF_INIT;
    const char *in = "<script>alert('x' & \"y\")</script>";

    (void)state;
    strbuf_add_html(&sb, in, strlen(in));
    assert_string_equal(sb.buf,
                        "&lt;script&gt;alert(&#39;x&#39; &amp; &quot;y&quot;)&lt;/script&gt;");
    strbuf_release(&sb);
}

static void test_grows_past_initial(void **state)
{
    struct strbuf sb = STRBUF_INIT;

    (void)state;
    for (int i = 0; i < 10000; i++)
        strbuf_addch(&sb, 'a' + i % 26);
    assert_int_equal(sb.len, 10000);
    assert_int_equal(sb.buf[9999], 'a' + 9999 % 26);
    assert_int_equal(sb.buf[10000], '\0');
    strbuf_release(&sb);
}

SUITE(strbuf, cmocka_unit_test(test_add_and_detach), cmocka_unit_test(test_max_is_sticky),
      cmocka_unit_test(test_html_escaping), cmocka_unit_test(test_grows_past_initial))
