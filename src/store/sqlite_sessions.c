/*
 * sqlite_sessions.c - web sessions and API tokens (made, looked up, used,
 * listed and ended together), and the drafts kept across a sign-in, on SQLite.
 *
 * A session or token row holds the SHA-256 of its secret, never the secret.
 * Lookups join the user and refuse a disabled one, on every request: ending
 * someone's access takes effect at once. Failed sign-ins, of the pages and
 * the API alike, are counted by sqlite_admin.c (store_sign_in_failure_add).
 */
#define LOG_MODULE "store"
#include "core/compat.h"
#include "store/sqlite.h"
#include "core/err.h"
#include "core/xalloc.h"

#define DRAFT_KEEP_SECS (7 * 86400) /* a draft nobody came back for is pruned after a week */

/* ---- making one ------------------------------------------------------------------ */

#define TOKEN_KEEP_SECS (30 * 86400) /* an ended token stays listed (and audited) this long */

static const char SQL_SESSION_PRUNE[] = "DELETE FROM sessions WHERE expires_at <= ?";
/* tokens that ended more than TOKEN_KEEP_SECS ago: the table does not grow with sign-ins */
static const char SQL_TOKEN_PRUNE[] = "DELETE FROM tokens WHERE expires_at <= ?1 OR revoked_at <= ?1";
static const char SQL_SESSION_INSERT[] =
    "INSERT INTO sessions (user_id, hash, created_at, expires_at, last_seen_at, address, "
    "user_agent) VALUES (?1, ?2, ?3, ?4, ?3, ?5, ?6)";
static const char SQL_TOKEN_INSERT[] =
    "INSERT INTO tokens (user_id, hash, created_at, expires_at, last_seen_at, address, "
    "user_agent) VALUES (?1, ?2, ?3, ?4, ?3, ?5, ?6)";
/* the user's live ones beyond the newest ?3 end now (the cap of live credentials) */
static const char SQL_SESSION_CAP[] =
    "UPDATE sessions SET ended_at = ?2 WHERE user_id = ?1 AND ended_at IS NULL AND "
    "expires_at > ?2 AND id NOT IN (SELECT id FROM sessions WHERE user_id = ?1 AND "
    "ended_at IS NULL AND expires_at > ?2 ORDER BY id DESC LIMIT ?3)";
static const char SQL_TOKEN_CAP[] =
    "UPDATE tokens SET revoked_at = ?2 WHERE user_id = ?1 AND revoked_at IS NULL AND "
    "expires_at > ?2 AND id NOT IN (SELECT id FROM tokens WHERE user_id = ?1 AND "
    "revoked_at IS NULL AND expires_at > ?2 ORDER BY id DESC LIMIT ?3)";

static int write_credential_create(struct sqlite_conn *c, void *arg)
{
    const struct credential_new *n = arg;
    bool session = n->kind == CRED_SESSION;
    sqlite3_stmt *s;
    int64_t id;
    int rc;

    s = store__stmt(c, session ? SQL_SESSION_PRUNE : SQL_TOKEN_PRUNE);
    store__bind_int(s, 1, session ? n->now : n->now - TOKEN_KEEP_SECS);
    if ((rc = store__exec(c, s, session ? "session prune" : "token prune")) < 0)
        return rc;
    s = store__stmt(c, session ? SQL_SESSION_INSERT : SQL_TOKEN_INSERT);
    store__bind_int(s, 1, n->user_id);
    sqlite3_bind_blob(s, 2, n->hash, 32, SQLITE_STATIC);
    store__bind_int(s, 3, n->now);
    store__bind_int(s, 4, n->expires_at);
    store__bind_text(s, 5, n->address ? n->address : "");
    store__bind_text(s, 6, n->user_agent ? n->user_agent : "");
    if ((rc = store__exec(c, s, session ? "session insert" : "token insert")) < 0)
        return rc;
    id = sqlite3_last_insert_rowid(store__db(c));
    if (n->keep_max > 0) {
        s = store__stmt(c, session ? SQL_SESSION_CAP : SQL_TOKEN_CAP);
        store__bind_int(s, 1, n->user_id);
        store__bind_int(s, 2, n->now);
        store__bind_int(s, 3, n->keep_max);
        if ((rc = store__exec(c, s, "credential cap")) < 0)
            return rc;
    }
    return store__audit(c, n->user_id, session ? "sign_in" : "create",
                        session ? "session" : "token", id, NULL, NULL);
}

int sqlite__credential_create(struct store *st, const struct credential_new *n)
{
    return store__write(st, write_credential_create, (void *)n);
}

/* ---- looking one up ------------------------------------------------------------- */

#define CRED_COLS "x.id, x.created_at, x.last_seen_at, x.expires_at, x.address, x.user_agent"

static const char SQL_TOKEN_LOOKUP[] =
    "SELECT " SQLITE_USER_COLS ", " CRED_COLS " FROM tokens x JOIN users u ON u.id = x.user_id "
    "WHERE x.hash = ?1 AND x.revoked_at IS NULL AND x.expires_at > ?2 AND u.disabled_at IS NULL";
static const char SQL_SESSION_LOOKUP[] =
    "SELECT " SQLITE_USER_COLS ", " CRED_COLS " FROM sessions x JOIN users u ON u.id = x.user_id "
    "WHERE x.hash = ?1 AND x.ended_at IS NULL AND u.disabled_at IS NULL";

static void read_credential(sqlite3_stmt *s, int col, enum credential_kind kind,
                            struct credential *cr, struct arena *a)
{
    cr->id = sqlite3_column_int64(s, col);
    cr->kind = kind;
    cr->created_at = sqlite3_column_int64(s, col + 1);
    cr->last_seen_at = sqlite3_column_int64(s, col + 2);
    cr->expires_at = sqlite3_column_int64(s, col + 3);
    cr->address = store__col_text(s, col + 4, a);
    cr->user_agent = store__col_text(s, col + 5, a);
    cr->expired = false;
}

/* One credential by hash: 0 with the user and the row, DESK_EUNAUTH, or a store error. */
static int lookup(struct store *st, const char *sql, enum credential_kind kind,
                  const uint8_t hash[32], int64_t now, struct user *out, struct credential *cred,
                  struct arena *a)
{
    struct sqlite_conn *c = store__get(st);
    sqlite3_stmt *s = store__stmt(c, sql);
    int rc;

    sqlite3_bind_blob(s, 1, hash, 32, SQLITE_STATIC);
    store__bind_int(s, 2, now);
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        sqlite__read_user(s, 0, out, a);
        read_credential(s, 7, kind, cred, a);
        cred->user_id = out->id;
        rc = 0;
    } else {
        rc = rc == SQLITE_DONE ? DESK_EUNAUTH : store__err(c, rc, "credential lookup");
    }
    store__done(s, rc);
    store__put(st, c);
    return rc;
}

int sqlite__token_lookup(struct store *st, const uint8_t hash[32], int64_t now, struct user *out,
                         struct credential *cred, struct arena *a)
{
    struct credential tmp;

    return lookup(st, SQL_TOKEN_LOOKUP, CRED_TOKEN, hash, now, out, cred ? cred : &tmp, a);
}

int sqlite__session_lookup(struct store *st, const uint8_t hash[32], int64_t now,
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

static int write_seen(struct sqlite_conn *c, void *arg)
{
    struct seen_write *w = arg;
    sqlite3_stmt *s = store__stmt(c, w->kind == CRED_SESSION ? SQL_SESSION_SEEN : SQL_TOKEN_SEEN);

    store__bind_int(s, 1, w->id);
    store__bind_int(s, 2, w->now);
    store__bind_text(s, 3, w->address ? w->address : "");
    store__bind_text(s, 4, w->agent ? w->agent : "");
    return store__exec(c, s, "credential seen");
}

int sqlite__credential_seen(struct store *st, enum credential_kind kind, int64_t id, int64_t now,
                            const char *address, const char *user_agent)
{
    struct seen_write w = {kind, id, now, address, user_agent};
    return store__write(st, write_seen, &w);
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
    "expires_at > ?2 AND hash IS NOT ?3";
static const char SQL_TOKENS_END_ALL[] =
    "UPDATE tokens SET revoked_at = ?2 WHERE user_id = ?1 AND revoked_at IS NULL AND "
    "expires_at > ?2 AND hash IS NOT ?3";

/* End them in table sql; adds the rows changed to *n. */
static int end_all_in(struct sqlite_conn *c, const char *sql, const struct end_all_write *w,
                      int64_t *n)
{
    sqlite3_stmt *s = store__stmt(c, sql);
    int rc;

    store__bind_int(s, 1, w->user_id);
    store__bind_int(s, 2, w->now);
    if (w->keep)
        sqlite3_bind_blob(s, 3, w->keep, 32, SQLITE_STATIC);
    else
        sqlite3_bind_null(s, 3);
    if ((rc = store__exec(c, s, "credentials end")) < 0)
        return rc;
    *n += sqlite3_changes(store__db(c));
    return 0;
}

int store__credentials_end_in(struct sqlite_conn *c, const struct caller *actor, int64_t user_id,
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

static int write_end_all(struct sqlite_conn *c, void *arg)
{
    struct end_all_write *w = arg;
    sqlite3_stmt *s = store__stmt(c, SQL_USER_EXISTS);
    int rc;

    store__bind_int(s, 1, w->user_id);
    rc = sqlite3_step(s);
    rc = store__done(s, rc == SQLITE_ROW    ? 0
                        : rc == SQLITE_DONE ? DESK_ENOTFOUND
                                            : store__err(c, rc, "user lookup"));
    if (rc < 0)
        return rc;
    return store__credentials_end_in(c, w->actor, w->user_id, w->now, w->keep, w->ended);
}

int sqlite__credentials_end(struct store *st, const struct caller *actor, int64_t user_id,
                            int64_t now, const uint8_t *keep, int64_t *ended)
{
    struct end_all_write w = {actor, user_id, now, keep, ended};
    return store__write(st, write_end_all, &w);
}

/* ---- the list ------------------------------------------------------------------- */

static const char SQL_SESSION_LIST[] =
    "SELECT " CRED_COLS " FROM sessions x WHERE x.user_id = ?1 AND x.ended_at IS NULL AND "
    "x.expires_at > ?2 AND x.last_seen_at > ?2 - ?3";
static const char SQL_TOKEN_LIST[] =
    "SELECT " CRED_COLS " FROM tokens x WHERE x.user_id = ?1 AND x.revoked_at IS NULL AND "
    "x.expires_at > ?2 AND ?3 = ?3";

static int list_kind(struct sqlite_conn *c, const char *sql, enum credential_kind kind,
                     int64_t user_id, int64_t now, int64_t idle, struct credential **items,
                     size_t *nr, size_t *alloc, struct arena *a)
{
    sqlite3_stmt *s = store__stmt(c, sql);
    int rc;

    store__bind_int(s, 1, user_id);
    store__bind_int(s, 2, now);
    store__bind_int(s, 3, idle);
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        ALLOC_GROW(*items, *nr + 1, *alloc);
        read_credential(s, 0, kind, &(*items)[*nr], a);
        (*items)[(*nr)++].user_id = user_id;
    }
    return store__done(s, rc == SQLITE_DONE ? 0 : store__err(c, rc, "credential list"));
}

static int by_last_seen(const void *pa, const void *pb)
{
    const struct credential *x = pa, *y = pb;

    if (x->last_seen_at != y->last_seen_at)
        return x->last_seen_at < y->last_seen_at ? 1 : -1;
    return x->kind != y->kind ? (int)x->kind - (int)y->kind : (x->id < y->id ? 1 : -1);
}

int sqlite__credential_list(struct store *st, int64_t user_id, int64_t now, int64_t idle_secs,
                            struct credential **items, size_t *nr, struct arena *a)
{
    struct sqlite_conn *c = store__get(st);
    struct credential *tmp = NULL;
    size_t n = 0, alloc = 0;
    int rc;

    if ((rc = list_kind(c, SQL_SESSION_LIST, CRED_SESSION, user_id, now, idle_secs, &tmp, &n,
                        &alloc, a)) == 0)
        rc = list_kind(c, SQL_TOKEN_LIST, CRED_TOKEN, user_id, now, idle_secs, &tmp, &n, &alloc,
                       a);
    store__put(st, c);
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

int sqlite__session_end(struct store *st, const uint8_t hash[32], int64_t now)
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

static int write_draft_save(struct sqlite_conn *c, void *arg)
{
    struct draft_write *w = arg;
    sqlite3_stmt *s = store__stmt(c, SQL_DRAFT_PRUNE);
    int rc;

    store__bind_int(s, 1, w->now - DRAFT_KEEP_SECS);
    if ((rc = store__exec(c, s, "draft prune")) < 0)
        return rc;
    s = store__stmt(c, SQL_DRAFT_SAVE);
    store__bind_int(s, 1, w->user_id);
    store__bind_text(s, 2, w->path);
    store__bind_text(s, 3, w->body);
    store__bind_int(s, 4, w->now);
    return store__exec(c, s, "draft save");
}

int sqlite__draft_save(struct store *st, int64_t user_id, const char *path, const char *body,
                       int64_t now)
{
    struct draft_write w = {user_id, path, body, now, NULL, NULL};
    return store__write(st, write_draft_save, &w);
}

static int write_draft_take(struct sqlite_conn *c, void *arg)
{
    struct draft_write *w = arg;
    sqlite3_stmt *s = store__stmt(c, SQL_DRAFT_TAKE);
    int rc;

    store__bind_int(s, 1, w->user_id);
    store__bind_text(s, 2, w->path);
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        *w->out = store__col_text(s, 0, w->a);
        /* finish the DELETE before resetting: RETURNING rows are produced first */
        while ((rc = sqlite3_step(s)) == SQLITE_ROW)
            ;
        return store__done(s, rc == SQLITE_DONE ? 0 : store__err(c, rc, "draft take"));
    }
    return store__done(s, rc == SQLITE_DONE ? DESK_ENOTFOUND : store__err(c, rc, "draft take"));
}

static const char SQL_DRAFT_ANY[] = "SELECT 1 FROM drafts WHERE user_id = ?1 AND path = ?2";

int sqlite__draft_take(struct store *st, int64_t user_id, const char *path, const char **body,
                       struct arena *a)
{
    struct draft_write w = {user_id, path, NULL, 0, body, a};
    struct sqlite_conn *c = store__get(st);
    sqlite3_stmt *s = store__stmt(c, SQL_DRAFT_ANY);
    int rc;

    /* a read first: the request pages ask on every view, and rarely is there one */
    store__bind_int(s, 1, user_id);
    store__bind_text(s, 2, path);
    rc = sqlite3_step(s);
    rc = store__done(s, rc == SQLITE_ROW    ? 0
                        : rc == SQLITE_DONE ? DESK_ENOTFOUND
                                            : store__err(c, rc, "draft lookup"));
    store__put(st, c);
    return rc < 0 ? rc : store__write(st, write_draft_take, &w);
}
