/*
 * signin.c - the sign-in check and its limits (see signin.h).
 */
#define LOG_MODULE "http"
#include "core/compat.h"
#include "http/signin.h"
#include "core/crypto.h"
#include "core/err.h"
#include "core/log.h"
#include "core/time.h"
#include "domain/signin.h"
#include "store/store.h"
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>

/* ---- the dummy hash ------------------------------------------------------------------ */

static pthread_once_t setup_once = PTHREAD_ONCE_INIT;
static char dummy_hash[PASSWORD_HASH_MAX];
static unsigned char bucket_key[crypto_shorthash_KEYBYTES];
static int setup_rc;

static void setup(void)
{
    char secret[33];

    random_hex(secret, 16); /* nobody knows it: no password matches the dummy */
    setup_rc = password_hash(secret, dummy_hash);
    crypto_shorthash_keygen(bucket_key);
}

int signin_setup(void)
{
    pthread_once(&setup_once, setup);
    return setup_rc;
}

/* ---- attempts a minute, in memory -------------------------------------------------- */

#define EMAIL_TYPED_MAX 254 /* longer is no account's address: refused unchecked */
#define BUCKETS 4096 /* counters kept; a new key evicts an old one in its slot */

struct bucket {
    uint64_t key;     /* SipHash of the address or e-mail, 0: free */
    int64_t minute;   /* the minute counted (unix seconds / 60) */
    int64_t count;    /* attempts in it */
};

static struct bucket buckets[BUCKETS];
static pthread_mutex_t buckets_lock = PTHREAD_MUTEX_INITIALIZER;

/* Count an attempt for kind:key at now; the seconds to wait when over limit, else 0. */
static int64_t bucket_hit(char kind, const char *key, int64_t now, int64_t limit)
{
    unsigned char h[crypto_shorthash_BYTES];
    char text[EMAIL_TYPED_MAX + 8];
    int n = snprintf(text, sizeof(text), "%c:%s", kind, key);
    int64_t minute = now / 60, wait = 0;
    struct bucket *b;
    uint64_t k;

    crypto_shorthash(h, (const unsigned char *)text,
                     n > 0 && (size_t)n < sizeof(text) ? (size_t)n : sizeof(text) - 1, bucket_key);
    memcpy(&k, h, sizeof(k));
    k = k ? k : 1;
    pthread_mutex_lock(&buckets_lock);
    b = &buckets[k % BUCKETS];
    if (b->key != k || b->minute != minute)
        *b = (struct bucket){k, minute, 0};
    if (b->count >= limit)
        wait = (minute + 1) * 60 - now;
    else
        b->count++;
    pthread_mutex_unlock(&buckets_lock);
    return wait;
}

/* ---- the check --------------------------------------------------------------------- */

static atomic_int checks_running; /* argon2id checks in progress */

static const char wrong[] = "wrong e-mail address or password";

/* The e-mail in lower case (arena): one bucket and one failure count whatever the case. */
static const char *email_key(struct req *req, const char *email)
{
    char *k = arena_strdup(req->arena, email);

    for (char *p = k; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p + 32);
    return k;
}

static int limited(struct req *req, struct signin *s, int64_t wait, const char *what)
{
    s->retry_after = wait < 1 ? 1 : wait;
    s->message = arena_sprintf(req->arena, "%s; try again in %" PRId64 " seconds", what,
                               s->retry_after);
    log_info("msg=\"sign-in throttled\" address=%s wait=%" PRId64, req_address(req),
             s->retry_after);
    return DESK_ELIMIT;
}

/* The argon2id check, within the cap of concurrent ones. */
static int verify(struct req *req, struct signin *s, const char *hash, bool *ok)
{
    int64_t cap = req->conf && req->conf->password_checks ? req->conf->password_checks : 4;

    if (atomic_fetch_add(&checks_running, 1) >= cap) {
        atomic_fetch_sub(&checks_running, 1);
        s->retry_after = 1;
        s->message = "too many sign-ins at once; try again in a second";
        log_warn("msg=\"sign-in refused: password checks busy\" cap=%" PRId64, cap);
        return DESK_EBUSY;
    }
    *ok = password_verify(hash, s->password);
    atomic_fetch_sub(&checks_running, 1);
    return 0;
}

int signin_check(struct req *req, struct signin *s)
{
    const char *addr = req_address(req), *email, *hash = NULL;
    int64_t now = time_now(), wait;
    int64_t per_minute = req->conf && req->conf->sign_in_per_minute
                             ? req->conf->sign_in_per_minute
                             : 30;
    struct signin_counts counts;
    bool known, ok = false;
    int rc;

    memset(&s->user, 0, sizeof(s->user));
    s->retry_after = 0;
    s->message = wrong;
    if (signin_setup() < 0)
        return DESK_EIO;
    if (strlen(s->email) > EMAIL_TYPED_MAX)
        return DESK_EUNAUTH;
    email = email_key(req, s->email);
    if ((wait = bucket_hit('a', addr, now, per_minute)) ||
        (wait = bucket_hit('e', email, now, per_minute)))
        return limited(req, s, wait, "too many sign-in attempts");
    rc = store_user_by_email(req->store, email, &s->user, &hash, req->arena);
    if (rc < 0 && rc != DESK_ENOTFOUND)
        return rc;
    known = rc == 0;
    if ((rc = store_sign_in_counts(req->store, email, addr, known ? s->user.id : 0, now,
                                   SIGNIN_WINDOW, SIGNIN_ACCOUNT_CEILING,
                                   now - SIGNIN_KNOWN_DAYS * 86400, &counts)) < 0)
        return rc;
    if ((wait = signin_wait(&counts, now)))
        return limited(req, s, wait, "too many failed sign-ins for this account");
    /* the same work whether the account exists or has a password: the dummy otherwise */
    if (strlen(s->password) <= PASSWORD_MAX_LEN &&
        (rc = verify(req, s, known && hash ? hash : dummy_hash, &ok)) < 0)
        return rc;
    if (!ok || !known || !hash) {
        if ((rc = store_sign_in_failure_add(req->store, email, addr, known ? s->user.id : 0, now,
                                            SIGNIN_WINDOW)) < 0)
            return rc;
        log_info("msg=\"sign-in failed\" address=%s user=%" PRId64, addr,
                 known ? s->user.id : 0);
        memset(&s->user, 0, sizeof(s->user));
        s->message = wrong;
        return DESK_EUNAUTH;
    }
    if (s->user.disabled) {
        log_info("msg=\"sign-in refused: account disabled\" user=%" PRId64, s->user.id);
        s->message = "this account is disabled; ask an administrator";
        return DESK_EDENIED;
    }
    s->message = NULL;
    return 0;
}
