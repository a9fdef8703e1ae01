/*
 * resets.c - password resets by e-mail: a one-time link valid RESET_LIFETIME,
 * mailed through the outbox. Only the SHA-256 of the link's token is stored.
 * Asking answers the same whether or not the address has an account (the
 * caller says "if it has one, a link is on its way"); at most
 * RESETS_PER_HOUR links go to one account an hour and RESETS_PER_ADDRESS_HOUR
 * are made for one client address, more are dropped quietly.
 * Using a link sets the password (argon2id, hashed by the caller), ends
 * every session and token of the account and spends the link and any other
 * live link of the account, in one transaction.
 */
#include "core/compat.h"
#include "store/internal.h"
#include "core/crypto.h"
#include "core/err.h"
#include "domain/account.h"

static const char SQL_RESET_USER[] =
    "SELECT id, email, name FROM users WHERE email = ?1 AND disabled_at IS NULL AND "
    "password_hash IS NOT NULL";
static const char SQL_RESETS_RECENT[] =
    "SELECT count(*) FROM password_resets WHERE user_id = ?1 AND created_at > ?2";
static const char SQL_RESETS_FROM[] =
    "SELECT count(*) FROM password_resets WHERE address = ?1 AND created_at > ?2";
static const char SQL_RESET_INSERT[] =
    "INSERT INTO password_resets (user_id, hash, created_at, expires_at, address) "
    "VALUES (?1, ?2, ?3, ?4, ?5)";
static const char SQL_RESET_LIVE[] =
    "SELECT r.id, r.user_id FROM password_resets r JOIN users u ON u.id = r.user_id WHERE "
    "r.hash = ?1 AND r.used_at IS NULL AND r.expires_at > ?2 AND u.disabled_at IS NULL";
static const char SQL_RESETS_SPEND[] =
    "UPDATE password_resets SET used_at = ?2 WHERE user_id = ?1 AND used_at IS NULL";

struct reset_ask {
    const char *email;        /* as typed */
    const uint8_t *hash;      /* of the new link's token */
    const char *link;         /* the link to mail */
    const char *address;      /* the client asking */
    int64_t now;
};

static int write_reset_ask(struct db_conn *c, void *arg)
{
    struct reset_ask *w = arg;
    struct arena a = ARENA_INIT;
    struct db_stmt *s = db_stmt(c, SQL_RESET_USER);
    const char *email, *name, *to;
    int64_t user, recent;
    char rnd[33];
    int rc;

    db_bind_text(s, 1, w->email);
    if ((rc = db_step(s)) != DB_ROW) { /* no such account (or no password): nothing to do */
        db_done(s, 0);
        arena_release(&a);
        return rc == DB_DONE ? 0 : db_err(rc);
    }
    user = db_col_int(s, 0);
    email = db_col_text(s, 1, &a);
    name = db_col_text(s, 2, &a);
    db_done(s, 0);
    s = db_stmt(c, SQL_RESETS_RECENT);
    db_bind_int(s, 1, user);
    db_bind_int(s, 2, w->now - 3600);
    rc = db_step(s);
    recent = rc == DB_ROW ? db_col_int(s, 0) : 0;
    if ((rc = db_done(s, db_err(rc))) < 0 || recent >= RESETS_PER_HOUR)
        goto out;
    if (w->address) { /* and at most RESETS_PER_ADDRESS_HOUR asked from one client an hour */
        s = db_stmt(c, SQL_RESETS_FROM);
        db_bind_text(s, 1, w->address);
        db_bind_int(s, 2, w->now - 3600);
        rc = db_step(s);
        recent = rc == DB_ROW ? db_col_int(s, 0) : 0;
        if ((rc = db_done(s, db_err(rc))) < 0 || recent >= RESETS_PER_ADDRESS_HOUR)
            goto out;
    }
    s = db_stmt(c, SQL_RESET_INSERT);
    db_bind_int(s, 1, user);
    db_bind_blob(s, 2, w->hash, 32);
    db_bind_int(s, 3, w->now);
    db_bind_int(s, 4, w->now + RESET_LIFETIME);
    db_bind_text(s, 5, w->address);
    if ((rc = db_exec(s)) < 0)
        goto out;
    to = store__json_strings(&email, 1, &a);
    random_hex(rnd, 16);
    rc = store__outbox_mail(
        c, "password_reset", to, "Reset your password",
        arena_sprintf(&a,
                      "Hello %s,\n\nsomeone (we hope you) asked to reset the password of your "
                      "account %s. To choose a new one, open this link within the hour:\n\n%s\n\n"
                      "The link works once. If you did not ask, ignore this mail: your password "
                      "stays as it is.\n",
                      name, email, w->link),
        arena_sprintf(&a, "%s.reset.%" PRId64, rnd, user), w->now);
    if (rc == 0)
        rc = store__audit(c, user, "password_reset_requested", "user", user, NULL, NULL);
out:
    arena_release(&a);
    return rc;
}

int store_password_reset_ask(struct store *st, const char *email, const uint8_t hash[32],
                             const char *link, const char *address, int64_t now)
{
    struct reset_ask w = {email, hash, link, address, now};

    return db_write(st, write_reset_ask, &w);
}

struct reset_use {
    const uint8_t *hash;       /* of the link's token */
    const char *password_hash; /* the new password, argon2id */
    int64_t now;
    int64_t *user_id;          /* out */
};

static int write_reset_use(struct db_conn *c, void *arg)
{
    struct reset_use *w = arg;
    struct arena a = ARENA_INIT;
    struct db_stmt *s = db_stmt(c, SQL_RESET_LIVE);
    struct account_patch p = ACCOUNT_PATCH_INIT;
    struct store_fault f = {0};
    struct account out;
    struct caller who = CALLER_SYSTEM;
    int rc;

    db_bind_blob(s, 1, w->hash, 32);
    db_bind_int(s, 2, w->now);
    if ((rc = db_step(s)) != DB_ROW)
        return db_done(s, rc == DB_DONE ? DESK_ENOTFOUND : db_err(rc));
    *w->user_id = db_col_int(s, 1);
    db_done(s, 0);
    who.user_id = *w->user_id; /* the account owner, proven by the link */
    p.password_hash = w->password_hash;
    if ((rc = store__account_update_in(c, &who, *w->user_id, &p, &out, &f, &a)) == 0) {
        s = db_stmt(c, SQL_RESETS_SPEND);
        db_bind_int(s, 1, *w->user_id);
        db_bind_int(s, 2, w->now);
        rc = db_exec(s);
    }
    if (rc == 0)
        rc = store__audit(c, *w->user_id, "password_reset", "user", *w->user_id, NULL, NULL);
    arena_release(&a);
    return rc;
}

int store_password_reset_use(struct store *st, const uint8_t hash[32], const char *password_hash,
                             int64_t now, int64_t *user_id)
{
    struct reset_use w = {hash, password_hash, now, user_id};

    *user_id = 0;
    return db_write(st, write_reset_use, &w);
}

int store_password_reset_valid(struct store *st, const uint8_t hash[32], int64_t now)
{
    struct db_conn *c = db_get(st);
    struct db_stmt *s = db_stmt(c, SQL_RESET_LIVE);
    int rc;

    db_bind_blob(s, 1, hash, 32);
    db_bind_int(s, 2, now);
    rc = db_step(s);
    rc = db_done(s, rc == DB_ROW ? 0 : rc == DB_DONE ? DESK_ENOTFOUND : db_err(rc));
    db_put(st, c);
    return rc;
}
