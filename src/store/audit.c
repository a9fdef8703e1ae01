/*
 * audit.c - the audit trail: one row per change, written in the change's own transaction.
 */
#include "core/compat.h"
#include "store/internal.h"
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
