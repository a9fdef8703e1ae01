#include "core/compat.h"
#include "core/crypto.h"
#include "core/err.h"
#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

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

/* ---- sealed secrets ------------------------------------------------------------------- */

_Static_assert(SECRET_KEY_LEN == crypto_secretbox_KEYBYTES, "secretbox key size");
_Static_assert(SECRET_SEAL_OVERHEAD == crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES,
               "secretbox overhead");

/* A new key file at path: O_EXCL, so two servers starting at once keep one key. */
static int key_create(const char *path, uint8_t key[SECRET_KEY_LEN], struct strbuf *err)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    bool ok;

    if (fd < 0) {
        if (errno == EEXIST)
            return 1; /* made meanwhile: read it */
        return err_addf(err, DESK_EIO, "cannot create key file '%s': %s", path,
                        strerror(errno));
    }
    randombytes_buf(key, SECRET_KEY_LEN);
    ok = write(fd, key, SECRET_KEY_LEN) == SECRET_KEY_LEN && fsync(fd) == 0;
    if (close(fd) < 0)
        ok = false;
    if (!ok) {
        unlink(path);
        sodium_memzero(key, SECRET_KEY_LEN);
        return err_addf(err, DESK_EIO, "cannot write key file '%s'", path);
    }
    return 0;
}

int secret_key_load(const char *path, bool create, uint8_t key[SECRET_KEY_LEN],
                    struct strbuf *err)
{
    struct stat sb;
    ssize_t got;
    int fd, rc;

    if (!path)
        return err_addf(err, DESK_EIO, "no remote-access-key-file is set");
    if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0) {
        if (errno != ENOENT || !create)
            return err_addf(err, DESK_EIO, "cannot open key file '%s': %s", path,
                            strerror(errno));
        if ((rc = key_create(path, key, err)) <= 0)
            return rc;
        return secret_key_load(path, false, key, err);
    }
    if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode)) {
        close(fd);
        return err_addf(err, DESK_EIO, "key file '%s' is not a regular file", path);
    }
    if (sb.st_mode & 077) {
        close(fd);
        return err_addf(err, DESK_EIO, "key file '%s' is open to others (mode %04o): chmod 600 it",
                        path, (unsigned)(sb.st_mode & 07777));
    }
    got = sb.st_size == SECRET_KEY_LEN ? read(fd, key, SECRET_KEY_LEN) : -1;
    close(fd);
    if (got != SECRET_KEY_LEN) {
        sodium_memzero(key, SECRET_KEY_LEN);
        return err_addf(err, DESK_EIO, "key file '%s' is not a key (%lld bytes, expected %d)",
                        path, (long long)sb.st_size, SECRET_KEY_LEN);
    }
    return 0;
}

void secret_seal(const uint8_t key[SECRET_KEY_LEN], const void *plain, size_t len, uint8_t *out)
{
    randombytes_buf(out, crypto_secretbox_NONCEBYTES);
    crypto_secretbox_easy(out + crypto_secretbox_NONCEBYTES, plain, len, out, key);
}

int secret_open(const uint8_t key[SECRET_KEY_LEN], const uint8_t *sealed, size_t len, char *out)
{
    if (len < SECRET_SEAL_OVERHEAD ||
        crypto_secretbox_open_easy((unsigned char *)out, sealed + crypto_secretbox_NONCEBYTES,
                                   len - crypto_secretbox_NONCEBYTES, sealed, key) != 0)
        return DESK_EIO;
    out[len - SECRET_SEAL_OVERHEAD] = '\0';
    return 0;
}
