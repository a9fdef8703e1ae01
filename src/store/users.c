/*
 * users.c - users, ending API tokens, job leases and metadata on SQLite
 * (making and looking up sessions and tokens: sqlite_sessions.c).
 */
#define LOG_MODULE "store"
#include "core/compat.h"
#include "store/internal.h"
#include "core/err.h"
#include "core/time.h"
#include <jansson.h>

/* ---- users ----------------------------------------------------------------- */

#define USER_COLS STORE_USER_COLS

void store__read_user(struct db_stmt *s, int col, struct user *u, struct arena *a)
{
    u->id = db_col_int(s, col);
    u->email = db_col_text(s, col + 1, a);
    u->name = db_col_text(s, col + 2, a);
    if (role_parse(db_col_raw(s, col + 3), &u->role) < 0)
        u->role = ROLE_NONE;
    u->organization_id = db_col_int(s, col + 4);
    u->created_at = db_col_int(s, col + 5);
    u->disabled = (int)db_col_int(s, col + 6) != 0;
    u->time_zone = db_col_text_or_null(s, col + 7, a);
    u->language = db_col_text_or_null(s, col + 8, a);
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
                                      "password_hash, created_at) VALUES (?, ?, ?, ?, ?, ?) "
                                      "RETURNING id";

static int write_user_create(struct db_conn *c, void *arg)
{
    struct user_create *w = arg;
    struct db_stmt *s = db_stmt(c, SQL_USER_INSERT);
    char *after;
    int rc;

    w->u->created_at = time_now();
    db_bind_text(s, 1, w->u->email);
    db_bind_text(s, 2, w->u->name);
    db_bind_text(s, 3, role_name(w->u->role));
    db_bind_id(s, 4, w->u->organization_id);
    db_bind_text(s, 5, w->hash);
    db_bind_int(s, 6, w->u->created_at);
    if ((rc = db_insert(s, &w->u->id)) < 0)
        return rc;
    after = user_json(w->u);
    rc = store__audit(c, w->actor->user_id, "create", "user", w->u->id, NULL, after);
    free(after);
    return rc;
}

int store__user_create_in(struct db_conn *c, const struct caller *actor, struct user *u,
                          const char *password_hash)
{
    struct user_create w = {actor, u, password_hash};
    return write_user_create(c, &w);
}

int store_user_create(struct store *st, const struct caller *actor, struct user *u,
                        const char *password_hash)
{
    struct user_create w = {actor, u, password_hash};
    return db_write(st, write_user_create, &w);
}

struct admin_ensure {
    const char *email;    /* the admin's address */
    const char *hash;     /* password for a new admin */
    bool *created;        /* out */
};

static const char SQL_USER_ROLE_BY_EMAIL[] = "SELECT role FROM users WHERE email = ?";

static int write_admin_ensure(struct db_conn *c, void *arg)
{
    struct admin_ensure *w = arg;
    struct db_stmt *s = db_stmt(c, SQL_USER_ROLE_BY_EMAIL);
    struct caller sys = CALLER_SYSTEM;
    struct user u = {0, w->email, "Administrator", ROLE_ADMIN, 0, 0, false, NULL, NULL};
    struct user_create uc = {&sys, &u, w->hash};
    int rc;

    db_bind_text(s, 1, w->email);
    rc = db_step(s);
    if (rc == DB_ROW) {
        bool admin = !strcmp(db_col_raw(s, 0), "admin");
        *w->created = false;
        return db_done(s, admin ? 0 : DESK_ECONFLICT);
    }
    if ((rc = db_done(s, rc == DB_DONE ? 0 : db_err(rc))) < 0)
        return rc;
    *w->created = true;
    return write_user_create(c, &uc);
}

int store_admin_ensure(struct store *st, const char *email, const char *password_hash,
                         bool *created)
{
    struct admin_ensure w = {email, password_hash, created};
    return db_write(st, write_admin_ensure, &w);
}

static const char SQL_USER_BY_EMAIL[] =
    "SELECT " USER_COLS ", u.password_hash FROM users u WHERE u.email = ?";

int store_user_by_email(struct store *st, const char *email, struct user *out,
                          const char **password_hash, struct arena *a)
{
    struct db_conn *c = db_get(st);
    struct db_stmt *s = db_stmt(c, SQL_USER_BY_EMAIL);
    int rc;

    db_bind_text(s, 1, email);
    rc = db_step(s);
    if (rc == DB_ROW) {
        store__read_user(s, 0, out, a);
        if (password_hash)
            *password_hash = db_col_text_or_null(s, STORE_USER_NCOLS, a);
        rc = 0;
    } else {
        rc = rc == DB_DONE ? DESK_ENOTFOUND : db_err(rc);
    }
    db_done(s, rc);
    db_put(st, c);
    return rc;
}

/* Customers see themselves and the users of their own organisation; staff see everyone. */
static const char SQL_USER_GET[] = "SELECT " USER_COLS " FROM users u WHERE u.id = ?1 AND "
                                   "(CAST(?2 AS BIGINT) = 0 OR u.id = ?3 OR u.organization_id = "
                                   "?2)";

int store_user_get(struct store *st, const struct caller *who, int64_t id, struct user *out,
                     struct arena *a)
{
    struct db_conn *c = db_get(st);
    struct db_stmt *s = db_stmt(c, SQL_USER_GET);
    int rc;

    db_bind_int(s, 1, id);
    db_bind_int(s, 2, who->role == ROLE_CUSTOMER ? who->organization_id : 0);
    db_bind_int(s, 3, who->user_id);
    rc = db_step(s);
    if (rc == DB_ROW) {
        store__read_user(s, 0, out, a);
        rc = 0;
    } else {
        rc = rc == DB_DONE ? DESK_ENOTFOUND : db_err(rc);
    }
    db_done(s, rc);
    db_put(st, c);
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

static int write_credential_end(struct db_conn *c, void *arg)
{
    struct credential_end *w = arg;
    struct db_stmt *s = db_stmt(c, w->sql);
    int64_t id, user;
    int rc;

    db_bind_int(s, 1, w->now);
    db_bind_blob(s, 2, w->hash, 32);
    rc = db_step(s);
    if (rc != DB_ROW)
        return db_done(s, rc == DB_DONE ? DESK_EUNAUTH : db_err(rc));
    id = db_col_int(s, 0);
    user = db_col_int(s, 1);
    db_done(s, 0);
    return store__audit(c, user, w->action, w->entity, id, NULL, NULL);
}

int store__credential_end(struct store *st, const char *sql, const char *action,
                          const char *entity, const uint8_t hash[32], int64_t now)
{
    struct credential_end w = {sql, action, entity, hash, now};
    return db_write(st, write_credential_end, &w);
}

int store_token_revoke(struct store *st, const uint8_t hash[32], int64_t now)
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
    "INSERT INTO job_leases (name, holder, lease_until) VALUES (?, '', 0) ON CONFLICT DO NOTHING";
static const char SQL_LEASE_TAKE[] =
    "UPDATE job_leases SET holder = ?2, lease_until = ?3 + ?4 WHERE name = ?1 AND "
    "(lease_until <= ?3 OR holder = ?2) AND (last_run_at IS NULL OR last_run_at < ?5)";

static int write_lease(struct db_conn *c, void *arg)
{
    struct lease_write *w = arg;
    struct db_stmt *s = db_stmt(c, SQL_LEASE_SEED);
    int rc;

    db_bind_text(s, 1, w->name);
    rc = db_step(s);
    if ((rc = db_done(s, rc == DB_DONE ? 0 : db_err(rc))) < 0)
        return rc;
    s = db_stmt(c, SQL_LEASE_TAKE);
    db_bind_text(s, 1, w->name);
    db_bind_text(s, 2, w->holder);
    db_bind_int(s, 3, w->now);
    db_bind_int(s, 4, w->lease_secs);
    db_bind_int(s, 5, w->not_run_since);
    rc = db_step(s);
    *w->got = rc == DB_DONE && db_changes(c) == 1;
    return db_done(s, rc == DB_DONE ? 0 : db_err(rc));
}

int store_job_lease(struct store *st, const char *name, const char *holder, int64_t now,
                      int64_t lease_secs, int64_t not_run_since, bool *got)
{
    struct lease_write w = {name, holder, now, lease_secs, not_run_since, got};
    return db_write(st, write_lease, &w);
}

static const char SQL_LEASE_DONE[] = "UPDATE job_leases SET lease_until = 0, last_run_at = ?3 "
                                     "WHERE name = ?1 AND holder = ?2";

static int write_lease_done(struct db_conn *c, void *arg)
{
    struct lease_write *w = arg;
    struct db_stmt *s = db_stmt(c, SQL_LEASE_DONE);
    int rc;

    db_bind_text(s, 1, w->name);
    db_bind_text(s, 2, w->holder);
    db_bind_int(s, 3, w->now);
    rc = db_step(s);
    return db_done(s, rc == DB_DONE ? 0 : db_err(rc));
}

int store_job_done(struct store *st, const char *name, const char *holder, int64_t now)
{
    struct lease_write w = {name, holder, now, 0, 0, NULL};
    return db_write(st, write_lease_done, &w);
}

/* ---- metadata ------------------------------------------------------------------- */

static const char SQL_META_GET[] = "SELECT value FROM meta WHERE key = ?";

int store_meta_get(struct store *st, const char *key, const char **value, struct arena *a)
{
    struct db_conn *c = db_get(st);
    struct db_stmt *s = db_stmt(c, SQL_META_GET);
    int rc;

    db_bind_text(s, 1, key);
    rc = db_step(s);
    if (rc == DB_ROW) {
        *value = db_col_text(s, 0, a);
        rc = 0;
    } else {
        rc = rc == DB_DONE ? DESK_ENOTFOUND : db_err(rc);
    }
    db_done(s, rc);
    db_put(st, c);
    return rc;
}

struct meta_write {
    const char *key, *value;
};

static const char SQL_META_SET[] = "INSERT INTO meta (key, value) VALUES (?1, ?2) "
                                   "ON CONFLICT (key) DO UPDATE SET value = ?2";

static int write_meta(struct db_conn *c, void *arg)
{
    struct meta_write *w = arg;
    struct db_stmt *s = db_stmt(c, SQL_META_SET);
    int rc;

    db_bind_text(s, 1, w->key);
    db_bind_text(s, 2, w->value);
    rc = db_step(s);
    return db_done(s, rc == DB_DONE ? 0 : db_err(rc));
}

int store_meta_set(struct store *st, const char *key, const char *value)
{
    struct meta_write w = {key, value};
    return db_write(st, write_meta, &w);
}

/* ---- a user's own settings: the time zone and the language of its pages ------------------ */

static const struct {
    const char *column, *sql;
} settings[] = {
    [USER_SETTING_TIME_ZONE] = {"time_zone", "UPDATE users SET time_zone = ?2 WHERE id = ?1"},
    [USER_SETTING_LANGUAGE] = {"language", "UPDATE users SET language = ?2 WHERE id = ?1"},
};

struct setting_job {
    const struct caller *c;    /* the user itself */
    enum user_setting setting; /* which */
    const char *value;         /* NULL: clear */
};

static int write_setting(struct db_conn *c, void *arg)
{
    struct setting_job *j = arg;
    struct db_stmt *s = db_stmt(c, settings[j->setting].sql);
    int rc;

    db_bind_int(s, 1, j->c->user_id);
    db_bind_text(s, 2, j->value);
    if ((rc = db_exec(s)) < 0)
        return rc;
    return store__audit_json(c, j->c->user_id, "update", "user", j->c->user_id, NULL,
                             json_pack("{s:s?}", settings[j->setting].column, j->value));
}

int store_user_setting(struct store *st, const struct caller *c, enum user_setting setting,
                       const char *value)
{
    struct setting_job j = {c, setting, value};

    if ((size_t)setting >= ARRAY_SIZE(settings))
        return DESK_EINVAL;
    return db_write(st, write_setting, &j);
}
