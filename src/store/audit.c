/*
 * audit.c - the audit trail: one row per change, written in the change's own transaction.
 */
#include "core/compat.h"
#include "store/internal.h"
#include "core/err.h"
#include "core/time.h"

static const char SQL_AUDIT[] = "INSERT INTO audit_log (at, actor_id, action, entity, entity_id, "
                                "before, after) VALUES (?, ?, ?, ?, ?, ?, ?)";

int store__audit(struct db_conn *c, int64_t actor_id, const char *action, const char *entity,
                 int64_t entity_id, const char *before, const char *after)
{
    struct db_stmt *s = db_stmt(c, SQL_AUDIT);

    db_bind_int(s, 1, time_now());
    db_bind_id(s, 2, actor_id);
    db_bind_text(s, 3, action);
    db_bind_text(s, 4, entity);
    db_bind_id(s, 5, entity_id);
    db_bind_text(s, 6, before);
    db_bind_text(s, 7, after);
    return db_exec(s);
}

int store__audit_json(struct db_conn *c, int64_t actor_id, const char *action,
                      const char *entity, int64_t entity_id, json_t *before, json_t *after)
{
    char *b = before ? json_dumps(before, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    char *af = after ? json_dumps(after, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    int rc = store__audit(c, actor_id, action, entity, entity_id, b, af);

    free(b);
    free(af);
    json_decref(before);
    json_decref(after);
    return rc;
}

/* ---- reading the trail (GET /api/v1/audit-log) ---------------------------------------- */

static const char SQL_AUDIT_LIST[] =
    "SELECT a.id, a.at, coalesce(a.actor_id, 0), coalesce(u.name, ''), a.action, a.entity, "
    "coalesce(a.entity_id, 0), a.before, a.after FROM audit_log a LEFT JOIN users u ON "
    "u.id = a.actor_id WHERE (CAST(?1 AS TEXT) IS NULL OR a.entity = ?1) AND "
    "(CAST(?2 AS BIGINT) = 0 OR a.entity_id = ?2) AND (CAST(?3 AS BIGINT) = 0 OR "
    "a.actor_id = ?3) AND a.at >= ?4 AND a.at <= ?5 AND (CAST(?6 AS BIGINT) = 0 OR a.id < ?6) "
    "ORDER BY a.id DESC LIMIT ?7";

static void read_audit_entry(struct db_stmt *s, void *item, struct arena *ar)
{
    struct audit_entry *e = item;

    e->id = db_col_int(s, 0);
    e->at = db_col_int(s, 1);
    e->actor_id = db_col_int(s, 2);
    e->actor_name = db_col_text(s, 3, ar);
    e->action = db_col_text(s, 4, ar);
    e->entity = db_col_text(s, 5, ar);
    e->entity_id = db_col_int(s, 6);
    e->before = db_col_text_or_null(s, 7, ar);
    e->after = db_col_text_or_null(s, 8, ar);
}

int store_audit_list(struct store *st, const struct audit_filter *f, struct audit_entry **items,
                     size_t *n, int64_t *next, struct arena *ar)
{
    struct store_page pg = {0, (size_t)f->limit, false};
    struct db_conn *c;
    struct db_stmt *s;
    int rc;

    *items = NULL;
    *n = 0;
    *next = 0;
    if (f->limit < 1 || f->limit > STORE_PAGE_MAX)
        return DESK_EBADREQ;
    *items = ARENA_NEWN(ar, struct audit_entry, (size_t)f->limit);
    c = db_get(st);
    s = db_stmt(c, SQL_AUDIT_LIST);
    db_bind_text(s, 1, f->entity);
    db_bind_int(s, 2, f->entity_id);
    db_bind_int(s, 3, f->actor_id);
    db_bind_int(s, 4, f->from);
    db_bind_int(s, 5, f->to);
    db_bind_int(s, 6, f->before_id);
    db_bind_int(s, 7, f->limit + 1);
    rc = store__page_rows(s, &pg, *items, sizeof(**items), n, read_audit_entry, ar);
    db_put(st, c);
    if (pg.more)
        *next = (*items)[*n - 1].id;
    return rc;
}

/* ---- a request's history (the desk's timeline) ------------------------------------------- */

static const char SQL_TICKET_HISTORY[] =
    "SELECT a.id, a.at, coalesce(a.actor_id, 0), coalesce(u.name, ''), a.action, a.entity, "
    "coalesce(a.entity_id, 0), a.before, a.after FROM audit_log a LEFT JOIN users u ON "
    "u.id = a.actor_id WHERE (a.entity = 'ticket' AND a.entity_id = ?1) OR "
    "(a.entity = 'time_entry' AND a.entity_id IN (SELECT id FROM time_entries WHERE "
    "ticket_id = ?1)) ORDER BY a.id DESC LIMIT ?2";

int store_ticket_history(struct store *st, int64_t ticket_id, int limit,
                         struct audit_entry **items, size_t *n, struct arena *ar)
{
    struct store_page pg = {0, (size_t)limit, false};
    struct db_conn *c;
    struct db_stmt *s;
    int rc;

    *items = NULL;
    *n = 0;
    if (limit < 1 || limit > STORE_PAGE_MAX)
        return DESK_EBADREQ;
    *items = ARENA_NEWN(ar, struct audit_entry, (size_t)limit + 1);
    c = db_get(st);
    s = db_stmt(c, SQL_TICKET_HISTORY);
    db_bind_int(s, 1, ticket_id);
    db_bind_int(s, 2, limit);
    rc = store__page_rows(s, &pg, *items, sizeof(**items), n, read_audit_entry, ar);
    db_put(st, c);
    return rc;
}
