/*
 * canned.c - canned replies (domain/canned.h): staff only. Every agent reads
 * every one; its owner or an admin changes or deletes it (DESK_EDENIED
 * otherwise). Each change is audited.
 */
#include "core/compat.h"
#include "store/internal.h"
#include "core/err.h"
#include "domain/canned.h"

#define CANNED_COLS                                                                                \
    "c.id, c.title, c.body, c.owner_id, coalesce(u.name, ''), c.created_at, c.updated_at "
#define CANNED_FROM "FROM canned_replies c LEFT JOIN users u ON u.id = c.owner_id "

static const char SQL_CANNED_LIST[] = "SELECT " CANNED_COLS CANNED_FROM "ORDER BY c.title, c.id "
                                      "LIMIT ?1";
static const char SQL_CANNED_GET[] = "SELECT " CANNED_COLS CANNED_FROM "WHERE c.id = ?1";
static const char SQL_CANNED_INSERT[] =
    "INSERT INTO canned_replies (title, body, owner_id, created_at, updated_at) "
    "VALUES (?1, ?2, ?3, ?4, ?4) RETURNING id";
static const char SQL_CANNED_UPDATE[] =
    "UPDATE canned_replies SET title = ?2, body = ?3, updated_at = ?4 WHERE id = ?1";
static const char SQL_CANNED_DELETE[] = "DELETE FROM canned_replies WHERE id = ?1";

static void read_canned(struct db_stmt *s, struct canned_reply *r, struct arena *a)
{
    r->id = db_col_int(s, 0);
    r->title = db_col_text(s, 1, a);
    r->body = db_col_text(s, 2, a);
    r->owner_id = db_col_int(s, 3);
    r->owner_name = db_col_text(s, 4, a);
    r->created_at = db_col_int(s, 5);
    r->updated_at = db_col_int(s, 6);
}

static int canned_read(struct db_conn *c, int64_t id, struct canned_reply *r, struct arena *a)
{
    struct db_stmt *s = db_stmt(c, SQL_CANNED_GET);
    int rc;

    db_bind_int(s, 1, id);
    if ((rc = db_step(s)) == DB_ROW)
        read_canned(s, r, a);
    return db_done(s, rc == DB_ROW ? 0 : rc == DB_DONE ? DESK_ENOTFOUND : db_err(rc));
}

static json_t *canned_audit(const struct canned_reply *r)
{
    return json_pack("{s:s, s:s}", "title", r->title, "body", r->body);
}

struct canned_job {
    const struct caller *c;  /* who */
    int64_t id;              /* update, delete: which */
    struct canned_reply in;  /* create, update: title and body */
    bool remove;             /* delete */
    int64_t now;
    struct canned_reply *out; /* as stored (not for delete) */
    struct arena *a;
};

static int write_canned_create(struct db_conn *c, void *arg)
{
    struct canned_job *j = arg;
    struct db_stmt *s = db_stmt(c, SQL_CANNED_INSERT);
    int64_t id;
    int rc;

    db_bind_text(s, 1, j->in.title);
    db_bind_text(s, 2, j->in.body);
    db_bind_int(s, 3, j->c->user_id);
    db_bind_int(s, 4, j->now);
    if ((rc = db_insert(s, &id)) < 0 ||
        (rc = store__audit_json(c, j->c->user_id, "create", "canned_reply", id, NULL,
                                canned_audit(&j->in))) < 0)
        return rc;
    return canned_read(c, id, j->out, j->a);
}

/* Change (or delete) a reply: its owner or an admin. */
static int write_canned_change(struct db_conn *c, void *arg)
{
    struct canned_job *j = arg;
    struct canned_reply before;
    struct db_stmt *s;
    int rc;

    if ((rc = canned_read(c, j->id, &before, j->a)) < 0)
        return rc;
    if (before.owner_id != j->c->user_id && j->c->role != ROLE_ADMIN)
        return DESK_EDENIED;
    s = db_stmt(c, j->remove ? SQL_CANNED_DELETE : SQL_CANNED_UPDATE);
    db_bind_int(s, 1, j->id);
    if (!j->remove) {
        db_bind_text(s, 2, j->in.title);
        db_bind_text(s, 3, j->in.body);
        db_bind_int(s, 4, j->now);
    }
    if ((rc = db_exec(s)) < 0 ||
        (rc = store__audit_json(c, j->c->user_id, j->remove ? "delete" : "update",
                                "canned_reply", j->id, canned_audit(&before),
                                j->remove ? NULL : canned_audit(&j->in))) < 0)
        return rc;
    return j->remove ? 0 : canned_read(c, j->id, j->out, j->a);
}

int store_canned_create(struct store *st, const struct caller *c, const struct canned_reply *in,
                        int64_t now, struct canned_reply *out, struct arena *a)
{
    struct canned_job j = {c, 0, *in, false, now, out, a};

    return db_write(st, write_canned_create, &j);
}

int store_canned_update(struct store *st, const struct caller *c, int64_t id,
                        const struct canned_reply *in, int64_t now, struct canned_reply *out,
                        struct arena *a)
{
    struct canned_job j = {c, id, *in, false, now, out, a};

    return db_write(st, write_canned_change, &j);
}

int store_canned_delete(struct store *st, const struct caller *c, int64_t id, int64_t now)
{
    struct arena a = ARENA_INIT;
    struct canned_job j = {c, id, {0}, true, now, NULL, &a};
    int rc = db_write(st, write_canned_change, &j);

    arena_release(&a);
    return rc;
}

int store_canned_get(struct store *st, int64_t id, struct canned_reply *out, struct arena *a)
{
    struct db_conn *c = db_get(st);
    int rc = canned_read(c, id, out, a);

    db_put(st, c);
    return rc;
}

int store_canned_list(struct store *st, struct canned_reply **items, size_t *n, struct arena *a)
{
    struct db_conn *c = db_get(st);
    struct db_stmt *s = db_stmt(c, SQL_CANNED_LIST);
    size_t alloc = 0;
    int rc;

    *items = NULL;
    *n = 0;
    db_bind_int(s, 1, STORE_PAGE_MAX);
    while ((rc = db_step(s)) == DB_ROW) {
        *items = store__grow(a, *items, *n, &alloc, sizeof(**items));
        read_canned(s, &(*items)[(*n)++], a);
    }
    rc = db_done(s, rc == DB_DONE ? 0 : db_err(rc));
    db_put(st, c);
    return rc;
}
