/*
 * crypto.h - passwords and API tokens (libsodium).
 *
 * Passwords are hashed with argon2id (crypto_pwhash_str); the hash string
 * carries its own salt and parameters. Tokens are 256 random bits, given to
 * the user once as 64 hex characters; only their SHA-256 is stored, so a
 * token is checked with one hash and one indexed lookup.
 *
 * Secrets kept for staff (remote access, issue 16) are sealed with
 * crypto_secretbox (XSalsa20-Poly1305) under a 32-byte key read from a file
 * outside the database, with a random nonce per value: a sealed value is
 * nonce || box, SECRET_SEAL_OVERHEAD bytes longer than the plain text.
 */
#ifndef CORE_CRYPTO_H
#define CORE_CRYPTO_H

#include "core/compat.h"
#include "core/strbuf.h"

#define PASSWORD_HASH_MAX 128 /* crypto_pwhash_STRBYTES */
#define TOKEN_TEXT_LEN 64     /* hex characters of a token */
#define TOKEN_HASH_LEN 32     /* SHA-256 */
#define TOKEN_LIFETIME (90 * 86400) /* SPEC 5: API tokens expire after 90 days */
#define PASSWORD_MIN_LEN 8
#define PASSWORD_MAX_LEN 1024

/* Initialise libsodium; call once before threads start. Returns 0 or DESK_EIO. */
int crypto_setup(void);
/* Hash password into out (NUL-terminated). Returns 0 or DESK_EIO (out of memory). */
int password_hash(const char *password, char out[PASSWORD_HASH_MAX]);
/* True when password matches the stored hash. */
bool password_verify(const char *hash, const char *password);
/*
 * Check a new password's length; returns NULL when acceptable or a reason
 * ("is shorter than 8 characters").
 */
const char *password_problem(const char *password);
/* A new token: its text (NUL-terminated) and the hash to store. */
void token_new(char text[TOKEN_TEXT_LEN + 1], uint8_t hash[TOKEN_HASH_LEN]);
/* Hash a presented token. Returns 0, or DESK_EUNAUTH when it is not 64 hex characters. */
int token_hash(const char *text, size_t len, uint8_t hash[TOKEN_HASH_LEN]);
/* Random bytes as hex (2n characters plus NUL into out). */
void random_hex(char *out, size_t n);
/* The SHA-256 of p[0..n) as 64 lower-case hex characters plus NUL (a file's checksum). */
#define SHA256_HEX_LEN 64
void sha256_hex(const void *p, size_t n, char out[SHA256_HEX_LEN + 1]);

#define SECRET_KEY_LEN 32 /* crypto_secretbox_KEYBYTES */
#define SECRET_SEAL_OVERHEAD 40 /* crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES */

/*
 * Read the secret key from the file at path into key. A missing file is
 * created (mode 0600, a new random key, written and synced) when create is
 * true. Refused with DESK_EIO and a reason in err: a missing file when
 * create is false, a file group or others may read or write, one that is
 * not exactly SECRET_KEY_LEN bytes, any I/O error.
 */
int secret_key_load(const char *path, bool create, uint8_t key[SECRET_KEY_LEN],
                    struct strbuf *err);
/* Seal plain[0..len) into out (len + SECRET_SEAL_OVERHEAD bytes), a new random nonce. */
void secret_seal(const uint8_t key[SECRET_KEY_LEN], const void *plain, size_t len, uint8_t *out);
/*
 * Open sealed[0..len) into out (len - SECRET_SEAL_OVERHEAD bytes, plus a
 * NUL). Returns 0, or DESK_EIO when it is too short or the key does not
 * open it (another key, or altered bytes).
 */
int secret_open(const uint8_t key[SECRET_KEY_LEN], const uint8_t *sealed, size_t len, char *out);

#endif
