/*
 * sessions.c - web sessions and API tokens (made, looked up, used,
 * listed and ended together), and the drafts kept across a sign-in, on SQLite.
 *
 * A session or token row holds the SHA-256 of its secret, never the secret.
 * Lookups join the user and refuse a disabled one, on every request: ending
 * someone's access takes effect at once. Failed sign-ins, of the pages and
 * the API alike, are counted by sqlite_admin.c (store_sign_in_failure_add).
 */
#define LOG_MODULE "store"
#include "core/compat.h"
#include "store/internal.h"
#include "core/err.h"
#include "core/xalloc.h"

#define DRAFT_KEEP_SECS (7 * 86400) /* a draft nobody came back for is pruned after a week */

/* ---- making one ------------------------------------------------------------------ */

#define TOKEN_KEEP_SECS (30 * 86400) /* an ended token stays listed (and audited) this long */

static const char SQL_SESSION_PRUNE[] = "DELETE FROM sessions WHERE expires_at <= ?";
/* tokens that ended more than TOKEN_KEEP_SECS ago: the table does not grow with sign-ins */
static const char SQL_TOKEN_PRUNE[] = "DELETE FROM tokens WHERE expires_at <= ?1 OR revoked_at "
                                      "<= ?1";
static const char SQL_SESSION_INSERT[] =
    "INSERT INTO sessions (user_id, hash, created_at, expires_at, last_seen_at, address, "
    "user_agent) VALUES (?1, ?2, ?3, ?4, ?3, ?5, ?6) RETURNING id";
static const char SQL_TOKEN_INSERT[] =
    "INSERT INTO tokens (user_id, hash, created_at, expires_at, last_seen_at, address, "
    "user_agent) VALUES (?1, ?2, ?3, ?4, ?3, ?5, ?6) RETURNING id";
/* the user's live ones beyond the newest ?3 end now (the cap of live credentials) */
static const char SQL_SESSION_CAP[] =
    "UPDATE sessions SET ended_at = ?2 WHERE user_id = ?1 AND ended_at IS NULL AND "
    "expires_at > ?2 AND id NOT IN (SELECT id FROM sessions WHERE user_id = ?1 AND "
    "ended_at IS NULL AND expires_at > ?2 ORDER BY id DESC LIMIT ?3)";
static const char SQL_TOKEN_CAP[] =
    "UPDATE tokens SET revoked_at = ?2 WHERE user_id = ?1 AND revoked_at IS NULL AND "
    "expires_at > ?2 AND id NOT IN (SELECT id FROM tokens WHERE user_id = ?1 AND "
    "revoked_at IS NULL AND expires_at > ?2 ORDER BY id DESC LIMIT ?3)";

static int write_credential_create(struct db_conn *c, void *arg)
{
    const struct credential_new *n = arg;
    bool session = n->kind == CRED_SESSION;
    struct db_stmt *s;
    int64_t id;
    int rc;

    s = db_stmt(c, session ? SQL_SESSION_PRUNE : SQL_TOKEN_PRUNE);
    db_bind_int(s, 1, session ? n->now : n->now - TOKEN_KEEP_SECS);
    if ((rc = db_exec(s)) < 0)
        return rc;
    s = db_stmt(c, session ? SQL_SESSION_INSERT : SQL_TOKEN_INSERT);
    db_bind_int(s, 1, n->user_id);
    db_bind_blob(s, 2, n->hash, 32);
    db_bind_int(s, 3, n->now);
    db_bind_int(s, 4, n->expires_at);
    db_bind_text(s, 5, n->address ? n->address : "");
    db_bind_text(s, 6, n->user_agent ? n->user_agent : "");
    if ((rc = db_insert(s, &id)) < 0)
        return rc;
    if (n->keep_max > 0) {
        s = db_stmt(c, session ? SQL_SESSION_CAP : SQL_TOKEN_CAP);
        db_bind_int(s, 1, n->user_id);
        db_bind_int(s, 2, n->now);
        db_bind_int(s, 3, n->keep_max);
        if ((rc = db_exec(s)) < 0)
            return rc;
    }
    return store__audit(c, n->user_id, session ? "sign_in" : "create",
                        session ? "session" : "token", id, NULL, NULL);
}

int store_credential_create(struct store *st, const struct credential_new *n)
{
    return db_write(st, write_credential_create, (void *)n);
}

int store_token_create(struct store *st, int64_t user_id, const uint8_t hash[32], int64_t now,
                       int64_t expires_at)
{
    struct credential_new n = {CRED_TOKEN, user_id, hash, now, expires_at, NULL, NULL, 0};
    return store_credential_create(st, &n);
}

int store_session_create(struct store *st, int64_t user_id, const uint8_t hash[32], int64_t now,
                         int64_t expires_at)
{
    struct credential_new n = {CRED_SESSION, user_id, hash, now, expires_at, NULL, NULL, 0};
    return store_credential_create(st, &n);
}

int store_token_user(struct store *st, const uint8_t hash[32], int64_t now, struct user *out,
                     struct arena *a)
{
    return store_token_lookup(st, hash, now, out, NULL, a);
}

/* ---- looking one up ------------------------------------------------------------- */

#define CRED_COLS "x.id, x.created_at, x.last_seen_at, x.expires_at, x.address, x.user_agent"

static const char SQL_TOKEN_LOOKUP[] =
    "SELECT " STORE_USER_COLS ", " CRED_COLS " FROM tokens x JOIN users u ON u.id = x.user_id "
    "WHERE x.hash = ?1 AND x.revoked_at IS NULL AND x.expires_at > ?2 AND u.disabled_at IS NULL";
static const char SQL_SESSION_LOOKUP[] =
    "SELECT " STORE_USER_COLS ", " CRED_COLS " FROM sessions x JOIN users u ON u.id = x.user_id "
    "WHERE x.hash = ?1 AND x.ended_at IS NULL AND u.disabled_at IS NULL";

static void read_credential(struct db_stmt *s, int col, enum credential_kind kind,
                            struct credential *cr, struct arena *a)
{
    cr->id = db_col_int(s, col);
    cr->kind = kind;
    cr->created_at = db_col_int(s, col + 1);
    cr->last_seen_at = db_col_int(s, col + 2);
    cr->expires_at = db_col_int(s, col + 3);
    cr->address = db_col_text(s, col + 4, a);
    cr->user_agent = db_col_text(s, col + 5, a);
    cr->expired = false;
}

/* One credential by hash: 0 with the user and the row, DESK_EUNAUTH, or a store error. */
static int lookup(struct store *st, const char *sql, enum credential_kind kind,
                  const uint8_t hash[32], int64_t now, struct user *out, struct credential *cred,
                  struct arena *a)
{
    struct db_conn *c = db_get(st);
    struct db_stmt *s = db_stmt(c, sql);
    int rc;

    db_bind_blob(s, 1, hash, 32);
    db_bind_int(s, 2, now);
    rc = db_step(s);
    if (rc == DB_ROW) {
        store__read_user(s, 0, out, a);
        read_credential(s, STORE_USER_NCOLS, kind, cred, a);
        cred->user_id = out->id;
        rc = 0;
    } else {
        rc = rc == DB_DONE ? DESK_EUNAUTH : db_err(rc);
    }
    db_done(s, rc);
    db_put(st, c);
    return rc;
}

int store_token_lookup(struct store *st, const uint8_t hash[32], int64_t now, struct user *out,
                         struct credential *cred, struct arena *a)
{
    struct credential tmp;

    return lookup(st, SQL_TOKEN_LOOKUP, CRED_TOKEN, hash, now, out, cred ? cred : &tmp, a);
}

int store_session_lookup(struct store *st, const uint8_t hash[32], int64_t now,
                           int64_t idle_secs, struct user *out, struct credential *cred,
                           struct arena *a)
{
    int rc = lookup(st, SQL_SESSION_LOOKUP, CRED_SESSION, hash, now, out, cred, a);

    if (rc < 0)
        return rc;
    if (cred->expires_at <= now || now - cred->last_seen_at >= idle_secs) {
        cred->expired = true;
        return DESK_EUNAUTH;
    }
    return 0;
}

/* ---- using one ------------------------------------------------------------------ */

struct seen_write {
    enum credential_kind kind;    /* which table */
    int64_t id, now;              /* which row, when */
    const char *address, *agent;  /* from where, with what */
};

static const char SQL_SESSION_SEEN[] =
    "UPDATE sessions SET last_seen_at = ?2, address = ?3, user_agent = ?4 WHERE id = ?1";
static const char SQL_TOKEN_SEEN[] =
    "UPDATE tokens SET last_seen_at = ?2, address = ?3, user_agent = ?4 WHERE id = ?1";

static int write_seen(struct db_conn *c, void *arg)
{
    struct seen_write *w = arg;
    struct db_stmt *s = db_stmt(c, w->kind == CRED_SESSION ? SQL_SESSION_SEEN : SQL_TOKEN_SEEN);

    db_bind_int(s, 1, w->id);
    db_bind_int(s, 2, w->now);
    db_bind_text(s, 3, w->address ? w->address : "");
    db_bind_text(s, 4, w->agent ? w->agent : "");
    return db_exec(s);
}

int store_credential_seen(struct store *st, enum credential_kind kind, int64_t id, int64_t now,
                            const char *address, const char *user_agent)
{
    struct seen_write w = {kind, id, now, address, user_agent};
    return db_write(st, write_seen, &w);
}

/* ---- ending them all ------------------------------------------------------------ */

struct end_all_write {
    const struct caller *actor; /* who ends them */
    int64_t user_id, now;       /* whose, when */
    const uint8_t *keep;        /* the hash that survives, or NULL */
    int64_t *ended;             /* out: how many */
};

static const char SQL_USER_EXISTS[] = "SELECT 1 FROM users WHERE id = ?";
static const char SQL_SESSIONS_END_ALL[] =
    "UPDATE sessions SET ended_at = ?2 WHERE user_id = ?1 AND ended_at IS NULL AND "
    "expires_at > ?2 AND hash IS DISTINCT FROM ?3";
static const char SQL_TOKENS_END_ALL[] =
    "UPDATE tokens SET revoked_at = ?2 WHERE user_id = ?1 AND revoked_at IS NULL AND "
    "expires_at > ?2 AND hash IS DISTINCT FROM ?3";

/* End them in table sql; adds the rows changed to *n. */
static int end_all_in(struct db_conn *c, const char *sql, const struct end_all_write *w,
                      int64_t *n)
{
    struct db_stmt *s = db_stmt(c, sql);
    int rc;

    db_bind_int(s, 1, w->user_id);
    db_bind_int(s, 2, w->now);
    if (w->keep)
        db_bind_blob(s, 3, w->keep, 32);
    else
        db_bind_null(s, 3);
    if ((rc = db_exec(s)) < 0)
        return rc;
    *n += db_changes(c);
    return 0;
}

int store__credentials_end_in(struct db_conn *c, const struct caller *actor, int64_t user_id,
                              int64_t now, const uint8_t *keep, int64_t *ended)
{
    struct end_all_write w = {actor, user_id, now, keep, ended};
    char after[64];
    int64_t n = 0;
    int rc;

    if ((rc = end_all_in(c, SQL_SESSIONS_END_ALL, &w, &n)) < 0 ||
        (rc = end_all_in(c, SQL_TOKENS_END_ALL, &w, &n)) < 0)
        return rc;
    if (ended)
        *ended = n;
    snprintf(after, sizeof(after), "{\"ended\":%" PRId64 "}", n);
    return store__audit(c, actor->user_id, "sign_out_everywhere", "user", user_id, NULL, after);
}

static int write_end_all(struct db_conn *c, void *arg)
{
    struct end_all_write *w = arg;
    struct db_stmt *s = db_stmt(c, SQL_USER_EXISTS);
    int rc;

    db_bind_int(s, 1, w->user_id);
    rc = db_step(s);
    rc = db_done(s, rc == DB_ROW    ? 0
                        : rc == DB_DONE ? DESK_ENOTFOUND
                                            : db_err(rc));
    if (rc < 0)
        return rc;
    return store__credentials_end_in(c, w->actor, w->user_id, w->now, w->keep, w->ended);
}

int store_credentials_end(struct store *st, const struct caller *actor, int64_t user_id,
                            int64_t now, const uint8_t *keep, int64_t *ended)
{
    struct end_all_write w = {actor, user_id, now, keep, ended};
    return db_write(st, write_end_all, &w);
}

/* ---- the list ------------------------------------------------------------------- */

static const char SQL_SESSION_LIST[] =
    "SELECT " CRED_COLS " FROM sessions x WHERE x.user_id = ?1 AND x.ended_at IS NULL AND "
    "x.expires_at > ?2 AND x.last_seen_at > ?2 - ?3";
static const char SQL_TOKEN_LIST[] =
    "SELECT " CRED_COLS " FROM tokens x WHERE x.user_id = ?1 AND x.revoked_at IS NULL AND "
    "x.expires_at > ?2 AND ?3 = ?3";

static int list_kind(struct db_conn *c, const char *sql, enum credential_kind kind,
                     int64_t user_id, int64_t now, int64_t idle, struct credential **items,
                     size_t *nr, size_t *alloc, struct arena *a)
{
    struct db_stmt *s = db_stmt(c, sql);
    int rc;

    db_bind_int(s, 1, user_id);
    db_bind_int(s, 2, now);
    db_bind_int(s, 3, idle);
    while ((rc = db_step(s)) == DB_ROW) {
        ALLOC_GROW(*items, *nr + 1, *alloc);
        read_credential(s, 0, kind, &(*items)[*nr], a);
        (*items)[(*nr)++].user_id = user_id;
    }
    return db_done(s, rc == DB_DONE ? 0 : db_err(rc));
}

static int by_last_seen(const void *pa, const void *pb)
{
    const struct credential *x = pa, *y = pb;

    if (x->last_seen_at != y->last_seen_at)
        return x->last_seen_at < y->last_seen_at ? 1 : -1;
    return x->kind != y->kind ? (int)x->kind - (int)y->kind : (x->id < y->id ? 1 : -1);
}

int store_credential_list(struct store *st, int64_t user_id, int64_t now, int64_t idle_secs,
                            struct credential **items, size_t *nr, struct arena *a)
{
    struct db_conn *c = db_get(st);
    struct credential *tmp = NULL;
    size_t n = 0, alloc = 0;
    int rc;

    if ((rc = list_kind(c, SQL_SESSION_LIST, CRED_SESSION, user_id, now, idle_secs, &tmp, &n,
                        &alloc, a)) == 0)
        rc = list_kind(c, SQL_TOKEN_LIST, CRED_TOKEN, user_id, now, idle_secs, &tmp, &n, &alloc,
                       a);
    db_put(st, c);
    if (rc == 0) {
        if (n)
            qsort(tmp, n, sizeof(*tmp), by_last_seen);
        *items = arena_alloc(a, (n ? n : 1) * sizeof(**items));
        if (n)
            memcpy(*items, tmp, n * sizeof(*tmp));
        *nr = n;
    }
    free(tmp);
    return rc;
}

/* ---- sign-out ------------------------------------------------------------------- */

static const char SQL_SESSION_END[] = "UPDATE sessions SET ended_at = ?1 WHERE hash = ?2 AND "
                                      "ended_at IS NULL AND expires_at > ?1 "
                                      "RETURNING id, user_id";

int store_session_end(struct store *st, const uint8_t hash[32], int64_t now)
{
    return store__credential_end(st, SQL_SESSION_END, "sign_out", "session", hash, now);
}

/* ---- drafts --------------------------------------------------------------------- */

struct draft_write {
    int64_t user_id;      /* whose */
    const char *path;     /* the page */
    const char *body;     /* save: the text; take: out */
    int64_t now;          /* save: when */
    const char **out;     /* take: the text (arena) */
    struct arena *a;      /* take */
};

static const char SQL_DRAFT_PRUNE[] = "DELETE FROM drafts WHERE saved_at <= ?";
static const char SQL_DRAFT_SAVE[] =
    "INSERT INTO drafts (user_id, path, body, saved_at) VALUES (?1, ?2, ?3, ?4) "
    "ON CONFLICT (user_id, path) DO UPDATE SET body = ?3, saved_at = ?4";
static const char SQL_DRAFT_TAKE[] =
    "DELETE FROM drafts WHERE user_id = ?1 AND path = ?2 RETURNING body";

static int write_draft_save(struct db_conn *c, void *arg)
{
    struct draft_write *w = arg;
    struct db_stmt *s = db_stmt(c, SQL_DRAFT_PRUNE);
    int rc;

    db_bind_int(s, 1, w->now - DRAFT_KEEP_SECS);
    if ((rc = db_exec(s)) < 0)
        return rc;
    s = db_stmt(c, SQL_DRAFT_SAVE);
    db_bind_int(s, 1, w->user_id);
    db_bind_text(s, 2, w->path);
    db_bind_text(s, 3, w->body);
    db_bind_int(s, 4, w->now);
    return db_exec(s);
}

int store_draft_save(struct store *st, int64_t user_id, const char *path, const char *body,
                       int64_t now)
{
    struct draft_write w = {user_id, path, body, now, NULL, NULL};
    return db_write(st, write_draft_save, &w);
}

static int write_draft_take(struct db_conn *c, void *arg)
{
    struct draft_write *w = arg;
    struct db_stmt *s = db_stmt(c, SQL_DRAFT_TAKE);
    int rc;

    db_bind_int(s, 1, w->user_id);
    db_bind_text(s, 2, w->path);
    rc = db_step(s);
    if (rc == DB_ROW) {
        *w->out = db_col_text(s, 0, w->a);
        /* finish the DELETE before resetting: RETURNING rows are produced first */
        while ((rc = db_step(s)) == DB_ROW)
            ;
        return db_done(s, rc == DB_DONE ? 0 : db_err(rc));
    }
    return db_done(s, rc == DB_DONE ? DESK_ENOTFOUND : db_err(rc));
}

static const char SQL_DRAFT_ANY[] = "SELECT 1 FROM drafts WHERE user_id = ?1 AND path = ?2";

int store_draft_take(struct store *st, int64_t user_id, const char *path, const char **body,
                       struct arena *a)
{
    struct draft_write w = {user_id, path, NULL, 0, body, a};
    struct db_conn *c = db_get(st);
    struct db_stmt *s = db_stmt(c, SQL_DRAFT_ANY);
    int rc;

    /* a read first: the request pages ask on every view, and rarely is there one */
    db_bind_int(s, 1, user_id);
    db_bind_text(s, 2, path);
    rc = db_step(s);
    rc = db_done(s, rc == DB_ROW    ? 0
                        : rc == DB_DONE ? DESK_ENOTFOUND
                                            : db_err(rc));
    db_put(st, c);
    return rc < 0 ? rc : db_write(st, write_draft_take, &w);
}
