/*
 * replying.c - who is writing a reply to a request now (issue 15), so that the desk warns
 * another agent who has it open. A mark lives REPLYING_SECS; the page's script renews it
 * while the reply box is in use and drops it when the reply is sent. Beginning to reply
 * writes an audit row ("replying") in the same transaction: GET /api/v1/events carries it,
 * and the other agents' pages fetch themselves again and show the warning.
 */
#define LOG_MODULE "store"
#include "core/compat.h"
#include "store/internal.h"
#include "core/err.h"

static const char SQL_REPLYING_OWN[] =
    "SELECT until FROM ticket_replying WHERE ticket_id = ?1 AND user_id = ?2";
static const char SQL_REPLYING_SET[] =
    "INSERT INTO ticket_replying (ticket_id, user_id, until) VALUES (?1, ?2, ?3) "
    "ON CONFLICT (ticket_id, user_id) DO UPDATE SET until = ?3";
static const char SQL_REPLYING_DROP[] =
    "DELETE FROM ticket_replying WHERE (ticket_id = ?1 AND user_id = ?2) OR until < ?3";
static const char SQL_TICKET_EXISTS[] = "SELECT 1 FROM tickets WHERE id = ?1";

struct replying_job {
    const struct caller *c; /* the agent */
    int64_t id, now;        /* the request, when */
    bool done;              /* the reply was sent, or the agent left */
};

static int write_replying(struct db_conn *c, void *arg)
{
    struct replying_job *j = arg;
    struct db_stmt *s = db_stmt(c, SQL_TICKET_EXISTS);
    bool active;
    int rc;

    db_bind_int(s, 1, j->id);
    if ((rc = db_step(s)) != DB_ROW)
        return db_done(s, rc == DB_DONE ? DESK_ENOTFOUND : db_err(rc));
    db_done(s, 0);
    s = db_stmt(c, SQL_REPLYING_OWN);
    db_bind_int(s, 1, j->id);
    db_bind_int(s, 2, j->c->user_id);
    rc = db_step(s);
    active = rc == DB_ROW && db_col_int(s, 0) > j->now;
    if ((rc = db_done(s, rc == DB_ROW || rc == DB_DONE ? 0 : db_err(rc))) < 0)
        return rc;
    s = db_stmt(c, SQL_REPLYING_DROP); /* its own when done, and everyone's long expired */
    db_bind_int(s, 1, j->id);
    db_bind_int(s, 2, j->done ? j->c->user_id : 0);
    db_bind_int(s, 3, j->now - 3600);
    if ((rc = db_exec(s)) < 0 || j->done)
        return rc;
    s = db_stmt(c, SQL_REPLYING_SET);
    db_bind_int(s, 1, j->id);
    db_bind_int(s, 2, j->c->user_id);
    db_bind_int(s, 3, j->now + REPLYING_SECS);
    if ((rc = db_exec(s)) < 0 || active)
        return rc;
    return store__audit(c, j->c->user_id, "replying", "ticket", j->id, NULL, NULL);
}

int store_replying_mark(struct store *st, const struct caller *c, int64_t id, int64_t now,
                        bool done)
{
    struct replying_job j = {c, id, now, done};
    return db_write(st, write_replying, &j);
}

static const char SQL_REPLYING_LIST[] =
    "SELECT r.user_id, u.name, r.until FROM ticket_replying r JOIN users u ON u.id = r.user_id "
    "WHERE r.ticket_id = ?1 AND r.user_id <> ?2 AND r.until > ?3 ORDER BY r.until DESC LIMIT 10";

int store_replying_list(struct store *st, const struct caller *c, int64_t id, int64_t now,
                        struct replying **items, size_t *n, struct arena *a)
{
    struct db_conn *conn = db_get(st);
    struct db_stmt *s = db_stmt(conn, SQL_REPLYING_LIST);
    size_t alloc = 0;
    int rc;

    *items = NULL;
    *n = 0;
    db_bind_int(s, 1, id);
    db_bind_int(s, 2, c->user_id);
    db_bind_int(s, 3, now);
    while ((rc = db_step(s)) == DB_ROW) {
        ARENA_GROW(a, *items, *n, alloc);
        (*items)[(*n)++] = (struct replying){db_col_int(s, 0), db_col_text(s, 1, a),
                                             db_col_int(s, 2)};
    }
    rc = db_done(s, rc == DB_DONE ? 0 : db_err(rc));
    db_put(st, conn);
    return rc;
}
