#include "test.h"
#include "core/crypto.h"
#include "core/err.h"

static void test_password_hash_is_argon2id(void **state)
{
    char h[PASSWORD_HASH_MAX];

    (void)state;
    assert_int_equal(crypto_setup(), 0);
    assert_int_equal(password_hash("correct horse", h), 0);
    assert_memory_equal(h, "$argon2id$", 10);
    assert_true(password_verify(h, "correct horse"));
    assert_false(password_verify(h, "correct horsE"));
    assert_false(password_verify("", "x"));
    assert_false(password_verify(NULL, "x"));
    assert_non_null(password_problem("short"));
    assert_null(password_problem("long enough"));
}

static void test_tokens_are_random_and_hashed(void **state)
{
    char a[TOKEN_TEXT_LEN + 1], b[TOKEN_TEXT_LEN + 1];
    uint8_t ha[TOKEN_HASH_LEN], hb[TOKEN_HASH_LEN], again[TOKEN_HASH_LEN];

    (void)state;
    token_new(a, ha);
    token_new(b, hb);
    assert_int_equal(strlen(a), TOKEN_TEXT_LEN);
    assert_string_not_equal(a, b);
    assert_memory_not_equal(ha, hb, TOKEN_HASH_LEN);
    assert_int_equal(token_hash(a, strlen(a), again), 0);
    assert_memory_equal(ha, again, TOKEN_HASH_LEN);
    assert_int_equal(token_hash(a, 10, again), DESK_EUNAUTH);
    a[3] = 'G';
    assert_int_equal(token_hash(a, strlen(a), again), DESK_EUNAUTH);
}

SUITE(crypto, cmocka_unit_test(test_password_hash_is_argon2id),
      cmocka_unit_test(test_tokens_are_random_and_hashed))
