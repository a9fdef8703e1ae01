/*
 * audit.c - GET /api/v1/audit-log: the audit trail for staff, newest first,
 * filtered by entity, entity_id, actor_id and a time range (from, to: RFC
 * 3339 times or YYYY-MM-DD dates, a date's whole day). The desk's audit page
 * (pages/admin_audit.c) reads it through audit_query.
 */
#include "core/compat.h"
#include "http/api/api.h"
#include "core/err.h"
#include "core/time.h"
#include "store/store.h"

#define ENTITY_MAX 64 /* characters of an entity name filter */

static const char *const audit_params[] = {"entity", "entity_id", "actor_id", "from", "to",
                                           "limit",  "cursor",    NULL};

/* Query parameter name as a time: RFC 3339, or a date (its first second, or with end its last). */
static int query_time(struct req *req, const char *name, bool end, int64_t *out, struct res *res)
{
    const char *s = req_query(req, name), *why;
    int64_t day;

    if (!s || !*s)
        return 0;
    if (strlen(s) == 10 && date_parse(s, 10, &day) == 0) {
        *out = day * 86400 + (end ? 86399 : 0);
        return 0;
    }
    if (time_parse_rfc3339(s, strlen(s), out, &why) == 0)
        return 0;
    return res_error(res, DESK_EBADREQ, name, "%s must be an RFC 3339 time or a date YYYY-MM-DD",
                     name);
}

int audit_query(struct req *req, struct res *res, struct audit_filter *f)
{
    const char *entity = req_query(req, "entity");
    int rc;

    *f = (struct audit_filter){NULL, 0, 0, 0, INT64_MAX, 0, 0};
    if ((rc = api_query_known(req, res, audit_params)) < 0 ||
        (rc = api_page_params(req, res, &f->limit, &f->before_id)) < 0 ||
        (rc = api_query_id(req, res, "entity_id", &f->entity_id)) < 0 ||
        (rc = api_query_id(req, res, "actor_id", &f->actor_id)) < 0 ||
        (rc = query_time(req, "from", false, &f->from, res)) < 0 ||
        (rc = query_time(req, "to", true, &f->to, res)) < 0)
        return rc;
    if (entity && *entity) {
        for (const char *p = entity; *p; p++)
            if (!((*p >= 'a' && *p <= 'z') || *p == '_') || p - entity >= ENTITY_MAX)
                return res_error(res, DESK_EBADREQ, "entity",
                                 "entity must be a name such as ticket or release_file");
        f->entity = entity;
    }
    return 0;
}

/* A stored JSON text as JSON (null when absent or, which it should never be, not JSON). */
static json_t *stored_json(const char *text)
{
    json_t *j = text ? json_loads(text, JSON_DECODE_ANY, NULL) : NULL;

    return j ? j : json_null();
}

json_t *audit_entry_json(const struct audit_entry *e)
{
    return json_pack("{s:I, s:o, s:o, s:s, s:s, s:s, s:o, s:o, s:o}", "id", (json_int_t)e->id,
                     "at", json_time(e->at), "actor_id", json_id(e->actor_id), "actor_name",
                     e->actor_name, "action", e->action, "entity", e->entity, "entity_id",
                     json_id(e->entity_id), "before", stored_json(e->before), "after",
                     stored_json(e->after));
}

int api_audit_list(struct req *req, struct res *res)
{
    struct audit_filter f;
    struct audit_entry *items;
    int64_t next;
    json_t *list;
    size_t n;
    int rc;

    if ((rc = audit_query(req, res, &f)) < 0)
        return rc;
    if ((rc = store_audit_list(req->store, &f, &items, &n, &next, req->arena)) < 0)
        return rc;
    list = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(list, audit_entry_json(&items[i]));
    return res_json(res, 200, api_list_json(list, next));
}
