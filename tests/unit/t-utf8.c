#include "test.h"
#include "core/utf8.h"

static const char *problem(const char *s)
{
    return utf8_line_problem(s, strlen(s));
}

static void test_line_problem(void **state)
{
    (void)state;
    assert_null(problem("Meter import fails after 5.2.1"));
    assert_null(problem("Måleraflæsning — fejl"));
    assert_null(problem("  leading and trailing  "));
    assert_null(problem("\u200fRLM is a mark, not an override"));
    assert_string_equal(problem(""), "must not be blank");
    assert_string_equal(problem("   "), "must not be blank");
    assert_string_equal(problem("\u00a0\u2003\u200b\u3000\ufeff"), "must not be blank");
    assert_non_null(problem("a\r\nBcc: x@example.test"));
    assert_non_null(problem("tab\there"));
    assert_non_null(problem("del\x7f"));
    assert_non_null(problem("c1\xc2\x85"));
    assert_string_equal(problem("file\u202egnp.exe"), "must not contain bidirectional overrides");
    assert_non_null(problem("isolate\u2066x\u2069"));
    assert_string_equal(problem("bad \xc3\x28"), "is not valid UTF-8");
}

static void test_line_clean(void **state)
{
    struct {
        const char *in, *want;
    } cases[] = {
        {"Plain subject", "Plain subject"},
        {"two\r\nlines", "two lines"},
        {"a\tb\x7f" "c", "a b c"},
        {"file\u202egnp.exe", "filegnp.exe"},
        {"   ", ""},
        {"\u200b\u202e", ""},
        {"stray \xff byte", "stray  byte"},
        {"trailing\r\n", "trailing"},
    };
    size_t len;

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *out = utf8_line_clean(cases[i].in, strlen(cases[i].in), &len);
        assert_string_equal(out, cases[i].want);
        assert_int_equal(len, strlen(out));
        /* what is left is always acceptable, or empty */
        assert_true(!*out || !utf8_line_problem(out, len));
        free(out);
    }
}

SUITE(utf8, cmocka_unit_test(test_line_problem), cmocka_unit_test(test_line_clean))
