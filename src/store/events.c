/*
 * events.c - the changes a caller may see, read from the audit trail (GET /api/v1/events).
 * Every write audits its change in its own transaction, so the trail is the one source
 * that every server on the database sees; its ids are the events' ids. A live chat's
 * accept and close (entity chat, chats.c) are events of its request.
 */
#include "core/compat.h"
#include "store/internal.h"

/* Audit rows examined by one read at most: a customer's stream skips others' rows in steps. */
#define EVENTS_SCAN 5000

static const char SQL_EVENTS_HEAD[] = "SELECT coalesce(max(id), 0) FROM audit_log";

int store_events_head(struct store *st, int64_t *head)
{
    struct db_conn *conn = db_get(st);
    struct db_stmt *s = db_stmt(conn, SQL_EVENTS_HEAD);
    int rc = db_step(s);

    *head = rc == DB_ROW ? db_col_int(s, 0) : 0;
    rc = db_done(s, rc == DB_ROW ? 0 : db_err(rc));
    db_put(st, conn);
    return rc;
}

/* ?1 after, ?2 up to, ?3 the customer's organisation (0: staff), ?4 rows at most */
static const char SQL_EVENTS[] =
    "SELECT a.id, a.entity, a.action, t.id, t.channel, coalesce(m.id, 0), "
    "coalesce(m.staff, 0), coalesce(m.internal, 0) FROM audit_log a "
    "LEFT JOIN messages m ON a.entity = 'message' AND m.id = a.entity_id "
    "LEFT JOIN chats ch ON a.entity = 'chat' AND ch.id = a.entity_id "
    "JOIN tickets t ON t.id = (CASE WHEN a.entity = 'ticket' THEN a.entity_id "
    "WHEN a.entity = 'chat' THEN ch.ticket_id ELSE m.ticket_id END) "
    "WHERE a.id > ?1 AND a.id <= ?2 AND a.entity IN ('ticket', 'message', 'chat') "
    "AND (CAST(?3 AS BIGINT) = 0 OR (t.organization_id = ?3 AND coalesce(m.internal, 0) = 0)) "
    "ORDER BY a.id LIMIT ?4";

int store_events_after(struct store *st, const struct caller *c, int64_t after, size_t max,
                       struct store_event **items, size_t *n, int64_t *seen, struct arena *a)
{
    struct db_conn *conn;
    struct store_event *out = NULL;
    int64_t head = 0, upto;
    size_t alloc = 0;
    struct db_stmt *s;
    int rc;

    *n = 0;
    *seen = after;
    if ((rc = store_events_head(st, &head)) < 0 || head <= after)
        goto out;
    upto = head - after > EVENTS_SCAN ? after + EVENTS_SCAN : head;
    conn = db_get(st);
    s = db_stmt(conn, SQL_EVENTS);
    db_bind_int(s, 1, after);
    db_bind_int(s, 2, upto);
    db_bind_int(s, 3, STORE_ORG_FILTER(c));
    db_bind_int(s, 4, (int64_t)max);
    while ((rc = db_step(s)) == DB_ROW) {
        ARENA_GROW(a, out, *n, alloc);
        out[*n] = (struct store_event){db_col_int(s, 0),       db_col_text(s, 1, a),
                                       db_col_text(s, 2, a),   db_col_int(s, 3),
                                       db_col_text(s, 4, a),   db_col_int(s, 5),
                                       db_col_int(s, 6) != 0, db_col_int(s, 7) != 0};
        (*n)++;
    }
    rc = db_done(s, rc == DB_DONE ? 0 : db_err(rc));
    db_put(st, conn);
    /* a full answer ends at its last event; a shorter one saw every row up to upto */
    if (rc == 0)
        *seen = *n == max ? out[*n - 1].id : upto;
out:
    *items = out;
    return rc;
}
