/*
 * watchers.c - the watchers and CC addresses of a request (issue 15). A watcher is a user
 * who hears of the request as its side does (notify.c reads them): staff as the assignee,
 * customers (of the request's organisation) as the requester. A CC is an address outside
 * the users that gets the customer's notices. Each change is audited.
 */
#define LOG_MODULE "store"
#include "core/compat.h"
#include "store/internal.h"
#include "core/err.h"

static const char SQL_WATCH_ADD[] =
    "INSERT INTO ticket_watchers (ticket_id, user_id, created_at) VALUES (?1, ?2, ?3) "
    "ON CONFLICT DO NOTHING";
static const char SQL_WATCH_DROP[] =
    "DELETE FROM ticket_watchers WHERE ticket_id = ?1 AND user_id = ?2";
static const char SQL_CC_ADD[] =
    "INSERT INTO ticket_cc (ticket_id, address, created_at) VALUES (?1, ?2, ?3) "
    "ON CONFLICT DO NOTHING";
static const char SQL_CC_DROP[] = "DELETE FROM ticket_cc WHERE ticket_id = ?1 AND address = ?2";
static const char SQL_CC_COUNT[] = "SELECT count(*) FROM ticket_cc WHERE ticket_id = ?1";
/* a user who may watch request ?1: staff, or a customer of its organisation */
static const char SQL_WATCHER_OK[] =
    "SELECT 1 FROM users u, tickets t WHERE u.id = ?2 AND t.id = ?1 AND u.disabled_at IS NULL AND "
    "(u.role <> 'customer' OR u.organization_id = t.organization_id)";

struct follow_job {
    const struct caller *c;    /* who */
    int64_t ticket_id;         /* the request */
    int64_t user_id;           /* a watcher; 0: a CC */
    const char *address;       /* a CC (lower case) */
    bool on;                   /* add, or remove */
    int64_t now;               /* when */
    struct store_fault *fault; /* why it was refused */
};

static int write_follow(struct db_conn *c, void *arg)
{
    struct follow_job *j = arg;
    struct db_stmt *s;
    int64_t changed;
    int rc;

    if ((rc = store__ticket_visible(c, j->c, j->ticket_id)) < 0)
        return rc;
    if (j->user_id && j->on) {
        s = db_stmt(c, SQL_WATCHER_OK);
        db_bind_int(s, 1, j->ticket_id);
        db_bind_int(s, 2, j->user_id);
        rc = db_step(s);
        db_done(s, 0);
        if (rc != DB_ROW)
            return rc == DB_DONE ? store__fault(j->fault, DESK_EINVAL, "user_id",
                                                "user %" PRId64 " may not watch request %" PRId64,
                                                j->user_id, j->ticket_id)
                                 : db_err(rc);
    }
    if (!j->user_id && j->on) {
        s = db_stmt(c, SQL_CC_COUNT);
        db_bind_int(s, 1, j->ticket_id);
        rc = db_step(s) == DB_ROW && db_col_int(s, 0) >= TICKET_CC_MAX;
        db_done(s, 0);
        if (rc)
            return store__fault(j->fault, DESK_EINVAL, "email",
                                "request %" PRId64 " has %d CC addresses already, the most",
                                j->ticket_id, TICKET_CC_MAX);
    }
    s = db_stmt(c, j->user_id ? (j->on ? SQL_WATCH_ADD : SQL_WATCH_DROP)
                              : (j->on ? SQL_CC_ADD : SQL_CC_DROP));
    db_bind_int(s, 1, j->ticket_id);
    if (j->user_id)
        db_bind_int(s, 2, j->user_id);
    else
        db_bind_text(s, 2, j->address);
    if (j->on)
        db_bind_int(s, 3, j->now);
    if ((rc = db_exec(s)) < 0)
        return rc;
    if (!(changed = db_changes(c)))
        return 0; /* as it was: nothing to record */
    return store__audit_json(c, j->c->user_id, j->on ? "follow" : "unfollow", "ticket",
                             j->ticket_id, NULL,
                             j->user_id ? json_pack("{s:I}", "watcher_id", (json_int_t)j->user_id)
                                        : json_pack("{s:s}", "cc", j->address));
}

int store_watcher_set(struct store *st, const struct caller *c, int64_t ticket_id,
                      int64_t user_id, bool on, int64_t now, struct store_fault *fault)
{
    struct follow_job j = {c, ticket_id, user_id, NULL, on, now, fault};
    return db_write(st, write_follow, &j);
}

int store_cc_set(struct store *st, const struct caller *c, int64_t ticket_id,
                 const char *address, bool on, int64_t now, struct store_fault *fault)
{
    struct follow_job j = {c, ticket_id, 0, address, on, now, fault};
    return db_write(st, write_follow, &j);
}

static const char SQL_WATCHERS[] =
    "SELECT u.id, u.name, u.email, u.role <> 'customer' FROM ticket_watchers w JOIN users u "
    "ON u.id = w.user_id WHERE w.ticket_id = ?1 ORDER BY u.name, u.id LIMIT 200";
static const char SQL_CCS[] =
    "SELECT address FROM ticket_cc WHERE ticket_id = ?1 ORDER BY address LIMIT 200";

int store_followers(struct store *st, const struct caller *c, int64_t ticket_id,
                    struct follower **watchers, size_t *nw, const char ***cc, size_t *ncc,
                    struct arena *a)
{
    struct db_conn *conn = db_get(st);
    size_t alloc = 0;
    struct db_stmt *s;
    int rc;

    *watchers = NULL;
    *cc = NULL;
    *nw = *ncc = 0;
    if ((rc = store__ticket_visible(conn, c, ticket_id)) < 0)
        goto out;
    s = db_stmt(conn, SQL_WATCHERS);
    db_bind_int(s, 1, ticket_id);
    while ((rc = db_step(s)) == DB_ROW) {
        ARENA_GROW(a, *watchers, *nw, alloc);
        (*watchers)[(*nw)++] = (struct follower){db_col_int(s, 0), db_col_text(s, 1, a),
                                                 db_col_text(s, 2, a), db_col_int(s, 3) != 0};
    }
    if ((rc = db_done(s, rc == DB_DONE ? 0 : db_err(rc))) < 0)
        goto out;
    alloc = 0;
    s = db_stmt(conn, SQL_CCS);
    db_bind_int(s, 1, ticket_id);
    while ((rc = db_step(s)) == DB_ROW) {
        ARENA_GROW(a, *cc, *ncc, alloc);
        (*cc)[(*ncc)++] = db_col_text(s, 0, a);
    }
    rc = db_done(s, rc == DB_DONE ? 0 : db_err(rc));
out:
    db_put(st, conn);
    return rc;
}
