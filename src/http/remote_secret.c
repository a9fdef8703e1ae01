/*
 * remote_secret.c - remote-access secrets sealed and opened with the key
 * file (see remote_secret.h).
 */
#define LOG_MODULE "http"
#include "core/compat.h"
#include "http/remote_secret.h"
#include "core/crypto.h"
#include "core/err.h"
#include "core/log.h"
#include "domain/maintenance.h"
#include "store/store.h"
#include <sodium.h>

/*
 * The sealing key into key. A write may make a missing key file (create),
 * but only while no secret is stored (a new key would not open the old
 * ones). Returns 0, or an error with *why.
 */
static int load_key(struct req *req, bool create, uint8_t key[SECRET_KEY_LEN], const char **why)
{
    struct strbuf err = STRBUF_INIT;
    const char *path = req->conf ? req->conf->remote_access_key_file : NULL;
    int64_t sealed = 0;
    char q[512];
    int rc;

    if (create && (rc = store_remote_access_sealed_count(req->store, &sealed)) < 0) {
        *why = "cannot count stored secrets";
        return rc;
    }
    if ((rc = secret_key_load(path, create && sealed == 0, key, &err)) < 0) {
        log_error("msg=\"remote-access key unusable\" error=\"%s\"",
                  log_quote(err.buf, q, sizeof(q)));
        *why = arena_sprintf(req->arena, "remote-access secrets are unavailable: %s", err.buf);
        rc = DESK_EIO;
    }
    strbuf_release(&err);
    return rc;
}

int remote_secret_seal(struct req *req, const char *secret, const uint8_t **sealed, size_t *len,
                       const char **why)
{
    uint8_t key[SECRET_KEY_LEN], *out;
    int rc;

    *sealed = NULL;
    *len = 0;
    if (!secret || !*secret)
        return 0;
    if ((rc = load_key(req, true, key, why)) < 0)
        return rc;
    *len = strlen(secret) + SECRET_SEAL_OVERHEAD;
    out = arena_alloc(req->arena, *len);
    secret_seal(key, secret, strlen(secret), out);
    sodium_memzero(key, sizeof(key));
    *sealed = out;
    return 0;
}

int remote_secret_open(struct req *req, const struct remote_access *ra, const char **plain,
                       const char **why)
{
    uint8_t key[SECRET_KEY_LEN];
    char *out;
    int rc;

    *plain = NULL;
    if (!ra->sealed)
        return 0;
    if ((rc = load_key(req, false, key, why)) < 0)
        return rc;
    out = arena_alloc(req->arena, ra->sealed_len + 1);
    rc = secret_open(key, ra->sealed, ra->sealed_len, out);
    sodium_memzero(key, sizeof(key));
    if (rc < 0) {
        log_error("msg=\"remote-access secret does not open: wrong key file?\" id=%" PRId64,
                  ra->id);
        *why = arena_sprintf(req->arena,
                             "the secret of remote access %" PRId64 " does not open with the key "
                             "file (replaced or lost?)",
                             ra->id);
        return DESK_EIO;
    }
    *plain = out;
    return 0;
}
