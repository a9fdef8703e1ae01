/*
 * sqlite_users.c - users, ending API tokens, job leases and metadata on SQLite
 * (making and looking up sessions and tokens: sqlite_sessions.c).
 */
#define LOG_MODULE "store"
#include "core/compat.h"
#include "store/sqlite.h"
#include "core/err.h"
#include "core/time.h"
#include <jansson.h>

/* ---- audit ----------------------------------------------------------------- */

static const char SQL_AUDIT[] = "INSERT INTO audit_log (at, actor_id, action, entity, entity_id, "
                                "before, after) VALUES (?, ?, ?, ?, ?, ?, ?)";

int store__audit(struct sqlite_conn *c, int64_t actor_id, const char *action, const char *entity,
                 int64_t entity_id, const char *before, const char *after)
{
    sqlite3_stmt *s = store__stmt(c, SQL_AUDIT);
    int rc;

    store__bind_int(s, 1, time_now());
    store__bind_id(s, 2, actor_id);
    store__bind_text(s, 3, action);
    store__bind_text(s, 4, entity);
    store__bind_id(s, 5, entity_id);
    store__bind_text(s, 6, before);
    store__bind_text(s, 7, after);
    rc = sqlite3_step(s);
    return store__done(s, rc == SQLITE_DONE ? 0 : store__err(c, rc, "audit"));
}

/* ---- users ----------------------------------------------------------------- */

#define USER_COLS SQLITE_USER_COLS

void sqlite__read_user(sqlite3_stmt *s, int col, struct user *u, struct arena *a)
{
    u->id = sqlite3_column_int64(s, col);
    u->email = store__col_text(s, col + 1, a);
    u->name = store__col_text(s, col + 2, a);
    if (role_parse((const char *)sqlite3_column_text(s, col + 3), &u->role) < 0)
        u->role = ROLE_NONE;
    u->organization_id = sqlite3_column_int64(s, col + 4);
    u->created_at = sqlite3_column_int64(s, col + 5);
    u->disabled = sqlite3_column_int(s, col + 6) != 0;
}

static char *user_json(const struct user *u)
{
    json_t *o = json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)u->id, "email", u->email,
                          "name", u->name, "role", role_name(u->role));
    char *s;

    if (u->organization_id)
        json_object_set_new(o, "organization_id", json_integer(u->organization_id));
    s = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(o);
    return s;
}

struct user_create {
    const struct caller *actor; /* who creates it */
    struct user *u;             /* in: fields; out: id, created_at */
    const char *hash;           /* argon2id string or NULL */
};

static const char SQL_USER_INSERT[] = "INSERT INTO users (email, name, role, organization_id, "
                                      "password_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)";

static int write_user_create(struct sqlite_conn *c, void *arg)
{
    struct user_create *w = arg;
    sqlite3_stmt *s = store__stmt(c, SQL_USER_INSERT);
    char *after;
    int rc;

    w->u->created_at = time_now();
    store__bind_text(s, 1, w->u->email);
    store__bind_text(s, 2, w->u->name);
    store__bind_text(s, 3, role_name(w->u->role));
    store__bind_id(s, 4, w->u->organization_id);
    store__bind_text(s, 5, w->hash);
    store__bind_int(s, 6, w->u->created_at);
    rc = sqlite3_step(s);
    rc = store__done(s, rc == SQLITE_DONE ? 0 : store__err(c, rc, "user insert"));
    if (rc < 0)
        return rc;
    w->u->id = sqlite3_last_insert_rowid(store__db(c));
    after = user_json(w->u);
    rc = store__audit(c, w->actor->user_id, "create", "user", w->u->id, NULL, after);
    free(after);
    return rc;
}

int sqlite__user_create(struct store *st, const struct caller *actor, struct user *u,
                        const char *password_hash)
{
    struct user_create w = {actor, u, password_hash};
    return store__write(st, write_user_create, &w);
}

struct admin_ensure {
    const char *email;    /* the admin's address */
    const char *hash;     /* password for a new admin */
    bool *created;        /* out */
};

static const char SQL_USER_ROLE_BY_EMAIL[] = "SELECT role FROM users WHERE email = ?";

static int write_admin_ensure(struct sqlite_conn *c, void *arg)
{
    struct admin_ensure *w = arg;
    sqlite3_stmt *s = store__stmt(c, SQL_USER_ROLE_BY_EMAIL);
    struct caller sys = CALLER_SYSTEM;
    struct user u = {0, w->email, "Administrator", ROLE_ADMIN, 0, 0, false};
    struct user_create uc = {&sys, &u, w->hash};
    int rc;

    store__bind_text(s, 1, w->email);
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        bool admin = !strcmp((const char *)sqlite3_column_text(s, 0), "admin");
        *w->created = false;
        return store__done(s, admin ? 0 : DESK_ECONFLICT);
    }
    if ((rc = store__done(s, rc == SQLITE_DONE ? 0 : store__err(c, rc, "user lookup"))) < 0)
        return rc;
    *w->created = true;
    return write_user_create(c, &uc);
}

int sqlite__admin_ensure(struct store *st, const char *email, const char *password_hash,
                         bool *created)
{
    struct admin_ensure w = {email, password_hash, created};
    return store__write(st, write_admin_ensure, &w);
}

static const char SQL_USER_BY_EMAIL[] =
    "SELECT " USER_COLS ", u.password_hash FROM users u WHERE u.email = ?";

int sqlite__user_by_email(struct store *st, const char *email, struct user *out,
                          const char **password_hash, struct arena *a)
{
    struct sqlite_conn *c = store__get(st);
    sqlite3_stmt *s = store__stmt(c, SQL_USER_BY_EMAIL);
    int rc;

    store__bind_text(s, 1, email);
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        sqlite__read_user(s, 0, out, a);
        if (password_hash)
            *password_hash = store__col_text_or_null(s, 7, a);
        rc = 0;
    } else {
        rc = rc == SQLITE_DONE ? DESK_ENOTFOUND : store__err(c, rc, "user by email");
    }
    store__done(s, rc);
    store__put(st, c);
    return rc;
}

/* Customers see themselves and the users of their own organisation; staff see everyone. */
static const char SQL_USER_GET[] = "SELECT " USER_COLS " FROM users u WHERE u.id = ?1 AND "
                                   "(?2 = 0 OR u.id = ?3 OR u.organization_id = ?2)";

int sqlite__user_get(struct store *st, const struct caller *who, int64_t id, struct user *out,
                     struct arena *a)
{
    struct sqlite_conn *c = store__get(st);
    sqlite3_stmt *s = store__stmt(c, SQL_USER_GET);
    int rc;

    store__bind_int(s, 1, id);
    store__bind_int(s, 2, who->role == ROLE_CUSTOMER ? who->organization_id : 0);
    store__bind_int(s, 3, who->user_id);
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        sqlite__read_user(s, 0, out, a);
        rc = 0;
    } else {
        rc = rc == SQLITE_DONE ? DESK_ENOTFOUND : store__err(c, rc, "user get");
    }
    store__done(s, rc);
    store__put(st, c);
    return rc;
}

/* ---- tokens ----------------------------------------------------------------- */

static const char SQL_TOKEN_REVOKE[] = "UPDATE tokens SET revoked_at = ?1 WHERE hash = ?2 AND "
                                       "revoked_at IS NULL AND expires_at > ?1 "
                                       "RETURNING id, user_id";

/* Ending a credential (a token revoked, a session signed out): one shape for both. */
struct credential_end {
    const char *sql;      /* UPDATE ... WHERE hash = ?2 ... RETURNING id, user_id */
    const char *action;   /* for the audit row */
    const char *entity;   /* for the audit row */
    const uint8_t *hash;  /* SHA-256 of the credential */
    int64_t now;          /* when it ends */
};

static int write_credential_end(struct sqlite_conn *c, void *arg)
{
    struct credential_end *w = arg;
    sqlite3_stmt *s = store__stmt(c, w->sql);
    int64_t id, user;
    int rc;

    store__bind_int(s, 1, w->now);
    sqlite3_bind_blob(s, 2, w->hash, 32, SQLITE_STATIC);
    rc = sqlite3_step(s);
    if (rc != SQLITE_ROW)
        return store__done(s, rc == SQLITE_DONE ? DESK_EUNAUTH : store__err(c, rc, w->entity));
    id = sqlite3_column_int64(s, 0);
    user = sqlite3_column_int64(s, 1);
    store__done(s, 0);
    return store__audit(c, user, w->action, w->entity, id, NULL, NULL);
}

int store__credential_end(struct store *st, const char *sql, const char *action,
                          const char *entity, const uint8_t hash[32], int64_t now)
{
    struct credential_end w = {sql, action, entity, hash, now};
    return store__write(st, write_credential_end, &w);
}

int sqlite__token_revoke(struct store *st, const uint8_t hash[32], int64_t now)
{
    return store__credential_end(st, SQL_TOKEN_REVOKE, "revoke", "token", hash, now);
}

/* ---- job leases ---------------------------------------------------------------- */

struct lease_write {
    const char *name, *holder; /* job and server */
    int64_t now, lease_secs, not_run_since;
    bool *got;                 /* out: lease taken */
};

/* Take the lease when free or expired and the job is due; a row is created on first use. */
static const char SQL_LEASE_SEED[] =
    "INSERT OR IGNORE INTO job_leases (name, holder, lease_until) VALUES (?, '', 0)";
static const char SQL_LEASE_TAKE[] =
    "UPDATE job_leases SET holder = ?2, lease_until = ?3 + ?4 WHERE name = ?1 AND "
    "(lease_until <= ?3 OR holder = ?2) AND (last_run_at IS NULL OR last_run_at < ?5)";

static int write_lease(struct sqlite_conn *c, void *arg)
{
    struct lease_write *w = arg;
    sqlite3_stmt *s = store__stmt(c, SQL_LEASE_SEED);
    int rc;

    store__bind_text(s, 1, w->name);
    rc = sqlite3_step(s);
    if ((rc = store__done(s, rc == SQLITE_DONE ? 0 : store__err(c, rc, "lease seed"))) < 0)
        return rc;
    s = store__stmt(c, SQL_LEASE_TAKE);
    store__bind_text(s, 1, w->name);
    store__bind_text(s, 2, w->holder);
    store__bind_int(s, 3, w->now);
    store__bind_int(s, 4, w->lease_secs);
    store__bind_int(s, 5, w->not_run_since);
    rc = sqlite3_step(s);
    *w->got = rc == SQLITE_DONE && sqlite3_changes(store__db(c)) == 1;
    return store__done(s, rc == SQLITE_DONE ? 0 : store__err(c, rc, "lease take"));
}

int sqlite__job_lease(struct store *st, const char *name, const char *holder, int64_t now,
                      int64_t lease_secs, int64_t not_run_since, bool *got)
{
    struct lease_write w = {name, holder, now, lease_secs, not_run_since, got};
    return store__write(st, write_lease, &w);
}

static const char SQL_LEASE_DONE[] = "UPDATE job_leases SET lease_until = 0, last_run_at = ?3 "
                                     "WHERE name = ?1 AND holder = ?2";

static int write_lease_done(struct sqlite_conn *c, void *arg)
{
    struct lease_write *w = arg;
    sqlite3_stmt *s = store__stmt(c, SQL_LEASE_DONE);
    int rc;

    store__bind_text(s, 1, w->name);
    store__bind_text(s, 2, w->holder);
    store__bind_int(s, 3, w->now);
    rc = sqlite3_step(s);
    return store__done(s, rc == SQLITE_DONE ? 0 : store__err(c, rc, "lease done"));
}

int sqlite__job_done(struct store *st, const char *name, const char *holder, int64_t now)
{
    struct lease_write w = {name, holder, now, 0, 0, NULL};
    return store__write(st, write_lease_done, &w);
}

/* ---- metadata ------------------------------------------------------------------- */

static const char SQL_META_GET[] = "SELECT value FROM meta WHERE key = ?";

int sqlite__meta_get(struct store *st, const char *key, const char **value, struct arena *a)
{
    struct sqlite_conn *c = store__get(st);
    sqlite3_stmt *s = store__stmt(c, SQL_META_GET);
    int rc;

    store__bind_text(s, 1, key);
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        *value = store__col_text(s, 0, a);
        rc = 0;
    } else {
        rc = rc == SQLITE_DONE ? DESK_ENOTFOUND : store__err(c, rc, "meta get");
    }
    store__done(s, rc);
    store__put(st, c);
    return rc;
}

struct meta_write {
    const char *key, *value;
};

static const char SQL_META_SET[] = "INSERT INTO meta (key, value) VALUES (?1, ?2) "
                                   "ON CONFLICT (key) DO UPDATE SET value = ?2";

static int write_meta(struct sqlite_conn *c, void *arg)
{
    struct meta_write *w = arg;
    sqlite3_stmt *s = store__stmt(c, SQL_META_SET);
    int rc;

    store__bind_text(s, 1, w->key);
    store__bind_text(s, 2, w->value);
    rc = sqlite3_step(s);
    return store__done(s, rc == SQLITE_DONE ? 0 : store__err(c, rc, "meta set"));
}

int sqlite__meta_set(struct store *st, const char *key, const char *value)
{
    struct meta_write w = {key, value};
    return store__write(st, write_meta, &w);
}
