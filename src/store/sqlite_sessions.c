/*
 * sqlite_sessions.c - web sessions on SQLite.
 *
 * A session row holds the SHA-256 of the cookie's token, never the token.
 * Failed sign-ins, of the pages and the API alike, are counted by the
 * admin store functions (store_sign_in_failure_add/_nth).
 */
#define LOG_MODULE "store"
#include "core/compat.h"
#include "store/sqlite.h"
#include "core/err.h"

/* ---- sessions ------------------------------------------------------------------- */

struct session_write {
    int64_t user_id;     /* owner (create) */
    const uint8_t *hash; /* SHA-256 of the token */
    int64_t now;         /* when */
    int64_t expires_at;  /* create only */
};

static const char SQL_SESSION_PRUNE[] = "DELETE FROM sessions WHERE expires_at <= ?";
static const char SQL_SESSION_INSERT[] =
    "INSERT INTO sessions (user_id, hash, created_at, expires_at) VALUES (?, ?, ?, ?)";

static int write_session_create(struct sqlite_conn *c, void *arg)
{
    struct session_write *w = arg;
    sqlite3_stmt *s = store__stmt(c, SQL_SESSION_PRUNE);
    int rc;

    store__bind_int(s, 1, w->now);
    if ((rc = store__exec(c, s, "session prune")) < 0)
        return rc;
    s = store__stmt(c, SQL_SESSION_INSERT);
    store__bind_int(s, 1, w->user_id);
    sqlite3_bind_blob(s, 2, w->hash, 32, SQLITE_STATIC);
    store__bind_int(s, 3, w->now);
    store__bind_int(s, 4, w->expires_at);
    if ((rc = store__exec(c, s, "session insert")) < 0)
        return rc;
    return store__audit(c, w->user_id, "sign_in", "session",
                        sqlite3_last_insert_rowid(store__db(c)), NULL, NULL);
}

int sqlite__session_create(struct store *st, int64_t user_id, const uint8_t hash[32], int64_t now,
                           int64_t expires_at)
{
    struct session_write w = {user_id, hash, now, expires_at};
    return store__write(st, write_session_create, &w);
}

static const char SQL_SESSION_USER[] = "SELECT user_id FROM sessions WHERE hash = ? AND "
                                       "ended_at IS NULL AND expires_at > ?";

int sqlite__session_user(struct store *st, const uint8_t hash[32], int64_t now, struct user *out,
                         struct arena *a)
{
    struct sqlite_conn *c = store__get(st);
    sqlite3_stmt *s = store__stmt(c, SQL_SESSION_USER);
    struct caller sys = CALLER_SYSTEM;
    int64_t user = 0;
    int rc;

    sqlite3_bind_blob(s, 1, hash, 32, SQLITE_STATIC);
    store__bind_int(s, 2, now);
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW)
        user = sqlite3_column_int64(s, 0);
    rc = store__done(s, rc == SQLITE_ROW    ? 0
                        : rc == SQLITE_DONE ? DESK_EUNAUTH
                                            : store__err(c, rc, "session lookup"));
    store__put(st, c);
    if (rc < 0)
        return rc;
    rc = sqlite__user_get(st, &sys, user, out, a);
    return rc == DESK_ENOTFOUND ? DESK_EUNAUTH : rc;
}

static const char SQL_SESSION_END[] = "UPDATE sessions SET ended_at = ?1 WHERE hash = ?2 AND "
                                      "ended_at IS NULL AND expires_at > ?1 "
                                      "RETURNING id, user_id";

int sqlite__session_end(struct store *st, const uint8_t hash[32], int64_t now)
{
    return store__credential_end(st, SQL_SESSION_END, "sign_out", "session", hash, now);
}

