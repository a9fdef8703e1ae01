/*
 * t-version.c - the rules of product versions (SPEC 5 "Knowledge and releases").
 */
#include "test.h"
#include "core/err.h"
#include "domain/version.h"

static int cmp(const char *a, const char *b)
{
    int out = 99;

    if (version_cmp(a, b, &out) < 0)
        fail_msg("'%s' or '%s' rejected", a, b);
    return out < 0 ? -1 : out > 0;
}

static void test_numbers_compare_as_numbers(void **state)
{
    (void)state;
    assert_int_equal(cmp("5.10.0", "5.9.3"), 1);
    assert_int_equal(cmp("5.9.3", "5.10.0"), -1);
    assert_int_equal(cmp("10", "9.99.99"), 1);
    assert_int_equal(cmp("1.2.3", "1.2.3"), 0);
    assert_int_equal(cmp("5.02", "5.2"), 0); /* leading zeros are ignored */
    assert_int_equal(cmp("999999999", "1000000"), 1);
}

static void test_missing_parts_are_zero(void **state)
{
    (void)state;
    assert_int_equal(cmp("5.10", "5.10.0"), 0);
    assert_int_equal(cmp("5", "5.0.0.0"), 0);
    assert_int_equal(cmp("0", "0.0"), 0);
    assert_int_equal(cmp("5.10", "5.10.1"), -1);
    assert_int_equal(cmp("5.0.1", "5"), 1);
    assert_int_equal(cmp("0.1", "0"), 1);
}

static void test_pre_release_sorts_first(void **state)
{
    (void)state;
    assert_int_equal(cmp("5.2.2-rc1", "5.2.2"), -1);
    assert_int_equal(cmp("5.2.2-rc1", "5.2.1"), 1);
    assert_int_equal(cmp("5.2.2-rc1", "5.2.2.1-alpha"), -1);
    assert_int_equal(cmp("5.2-rc1", "5.2.0-rc1"), 0);
    assert_int_equal(cmp("5.2.2-rc2", "5.2.2-rc10"), -1); /* natural order */
    assert_int_equal(cmp("5.2.2-alpha", "5.2.2-beta"), -1);
    assert_int_equal(cmp("5.2.2-rc", "5.2.2-rc1"), -1);
    assert_int_equal(cmp("5.2.2-rc1", "5.2.2-rca"), -1); /* digits before letters */
    assert_int_equal(cmp("5.2.2-RC1", "5.2.2-rc1"), 0);
    assert_int_equal(cmp("5.2.2-beta.2", "5.2.2-beta.10"), -1);
}

static void test_sort_key_orders_a_list(void **state)
{
    static const char *const sorted[] = {"0.9",      "1-alpha", "1-alpha.1", "1-beta", "1-rc2",
                                         "1-rc10",   "1",       "1.0.1-rc1", "1.0.1",  "1.2",
                                         "1.10-rc1", "1.10",    "2.0.0.1",   "10"};
    char prev[VERSION_KEY_MAX], key[VERSION_KEY_MAX];

    (void)state;
    assert_int_equal(version_key(sorted[0], prev, NULL), 0);
    for (size_t i = 1; i < ARRAY_SIZE(sorted); i++) {
        assert_int_equal(version_key(sorted[i], key, NULL), 0);
        if (strcmp(prev, key) >= 0)
            fail_msg("key of '%s' (%s) is not above that of '%s' (%s)", sorted[i], key,
                     sorted[i - 1], prev);
        assert_true(version_key_valid(key));
        memcpy(prev, key, sizeof(key));
    }
}

static void test_anything_else_is_invalid(void **state)
{
    static const char *const bad[] = {
        "",
        "v5.1",
        "5.",
        ".5",
        "5..1",
        "5.1-",
        "5.1-rc 1",
        " 5.1",
        "5.1 ",
        "5.1+build",
        "5.1-rc.",
        "5.1-.rc",
        "5.1-rc..1",
        "5.1-rc_1",
        "a.b",
        "5,1",
        "1.2.3.4.5.6.7.8.9",
        "1234567890",
        "5.1-rc1234567890",
        "5.1-abcdefghijklmnopqrstuvwxyz0123456789",
        "-1",
        "5.-1",
        "1.0.0-ü",
        "11111111111111111111111111111111111111111111111111111111111111111"};
    char key[VERSION_KEY_MAX];
    const char *why;
    int out;

    (void)state;
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        why = NULL;
        if (version_key(bad[i], key, &why) != DESK_EINVAL)
            fail_msg("'%s' was accepted", bad[i]);
        assert_non_null(why);
        assert_false(version_valid(bad[i]));
    }
    assert_int_equal(version_key(NULL, key, NULL), DESK_EINVAL);
    assert_int_equal(version_cmp("5.1", "five", &out), DESK_EINVAL);
    assert_true(version_valid("000000000000000000001.2"));
    assert_true(version_valid("1.2.3.4.5.6.7.8"));
    assert_false(version_key_valid(""));
    assert_false(version_key_valid("15#"));
}

SUITE(version, cmocka_unit_test(test_numbers_compare_as_numbers),
      cmocka_unit_test(test_missing_parts_are_zero), cmocka_unit_test(test_pre_release_sorts_first),
      cmocka_unit_test(test_sort_key_orders_a_list),
      cmocka_unit_test(test_anything_else_is_invalid))
