#include "test.h"
#include "core/crypto.h"
#include "core/err.h"
#include <sys/stat.h>
#include <unistd.h>

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

static void test_secret_seals_and_opens(void **state)
{
    uint8_t key[SECRET_KEY_LEN], other[SECRET_KEY_LEN], a[64], b[64];
    const char *plain = "hunter2-and-more";
    size_t n = strlen(plain);
    char out[64];

    (void)state;
    memset(key, 7, sizeof(key));
    memset(other, 8, sizeof(other));
    secret_seal(key, plain, n, a);
    secret_seal(key, plain, n, b);
    assert_memory_not_equal(a, b, n + SECRET_SEAL_OVERHEAD); /* a nonce per value */
    assert_null(memmem(a, n + SECRET_SEAL_OVERHEAD, plain, n));
    assert_int_equal(secret_open(key, a, n + SECRET_SEAL_OVERHEAD, out), 0);
    assert_string_equal(out, plain);
    assert_int_equal(secret_open(other, a, n + SECRET_SEAL_OVERHEAD, out), DESK_EIO);
    a[30] ^= 1;
    assert_int_equal(secret_open(key, a, n + SECRET_SEAL_OVERHEAD, out), DESK_EIO);
    assert_int_equal(secret_open(key, a, 10, out), DESK_EIO);
}

static void test_secret_key_file(void **state)
{
    char dir[] = "/tmp/t-crypto-XXXXXX", path[64];
    uint8_t k1[SECRET_KEY_LEN], k2[SECRET_KEY_LEN];
    struct strbuf err = STRBUF_INIT;
    struct stat sb;

    (void)state;
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/key", dir);
    assert_int_equal(secret_key_load(path, false, k1, &err), DESK_EIO); /* missing */
    assert_non_null(strstr(err.buf, "cannot open key file"));
    assert_int_equal(secret_key_load(path, true, k1, NULL), 0);
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0600);
    assert_int_equal(secret_key_load(path, true, k2, NULL), 0); /* read, not made again */
    assert_memory_equal(k1, k2, SECRET_KEY_LEN);
    assert_int_equal(chmod(path, 0644), 0);
    strbuf_reset(&err);
    assert_int_equal(secret_key_load(path, false, k2, &err), DESK_EIO);
    assert_non_null(strstr(err.buf, "open to others"));
    assert_int_equal(chmod(path, 0600), 0);
    assert_int_equal(truncate(path, 5), 0);
    strbuf_reset(&err);
    assert_int_equal(secret_key_load(path, false, k2, &err), DESK_EIO);
    assert_non_null(strstr(err.buf, "not a key"));
    unlink(path);
    rmdir(dir);
    strbuf_release(&err);
}

SUITE(crypto, cmocka_unit_test(test_password_hash_is_argon2id),
      cmocka_unit_test(test_tokens_are_random_and_hashed),
      cmocka_unit_test(test_secret_seals_and_opens), cmocka_unit_test(test_secret_key_file))
