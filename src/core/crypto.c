#include "core/compat.h"
#include "core/crypto.h"
#include "core/err.h"
#include <sodium.h>

int crypto_setup(void)
{
    return sodium_init() < 0 ? DESK_EIO : 0;
}

int password_hash(const char *password, char out[PASSWORD_HASH_MAX])
{
    if (crypto_pwhash_str_alg(out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                              crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13))
        return DESK_EIO;
    return 0;
}

bool password_verify(const char *hash, const char *password)
{
    if (!hash || !*hash)
        return false;
    return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}

const char *password_problem(const char *password)
{
    size_t n = strlen(password);

    if (n < PASSWORD_MIN_LEN)
        return "is shorter than 8 characters";
    if (n > PASSWORD_MAX_LEN)
        return "is longer than 1024 characters";
    return NULL;
}

void random_hex(char *out, size_t n)
{
    unsigned char buf[64];

    while (n) {
        size_t k = n < sizeof(buf) ? n : sizeof(buf);
        randombytes_buf(buf, k);
        sodium_bin2hex(out, 2 * k + 1, buf, k);
        out += 2 * k;
        n -= k;
    }
}

void token_new(char text[TOKEN_TEXT_LEN + 1], uint8_t hash[TOKEN_HASH_LEN])
{
    random_hex(text, TOKEN_TEXT_LEN / 2);
    crypto_hash_sha256(hash, (const unsigned char *)text, TOKEN_TEXT_LEN);
}

int token_hash(const char *text, size_t len, uint8_t hash[TOKEN_HASH_LEN])
{
    if (len != TOKEN_TEXT_LEN)
        return DESK_EUNAUTH;
    for (size_t i = 0; i < len; i++)
        if (!((text[i] >= '0' && text[i] <= '9') || (text[i] >= 'a' && text[i] <= 'f')))
            return DESK_EUNAUTH;
    crypto_hash_sha256(hash, (const unsigned char *)text, len);
    return 0;
}

void sha256_hex(const void *p, size_t n, char out[SHA256_HEX_LEN + 1])
{
    unsigned char h[crypto_hash_sha256_BYTES];

    crypto_hash_sha256(h, p, n);
    sodium_bin2hex(out, SHA256_HEX_LEN + 1, h, sizeof(h));
}
