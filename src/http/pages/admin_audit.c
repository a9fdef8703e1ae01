/*
 * admin_audit.c - GET /desk/admin/audit: the audit trail for admins with the
 * filters of GET /api/v1/audit-log (who, what, when) in a GET form, 50 rows a
 * page, newest first, an "older" link to the next page. Values are shown as
 * text (the before and after JSON too).
 */
#include "core/compat.h"
#include "http/pages/pages.h"
#include "core/err.h"
#include "core/time.h"
#include "http/api/api.h"
#include "store/store.h"

int page_admin_audit(struct req *req, struct res *res)
{
    static const char *const keep[] = {"entity", "entity_id", "actor_id", "from", "to"};
    struct audit_filter f;
    struct audit_entry *items;
    struct strbuf older = STRBUF_INIT;
    json_t *rows, *filters, *data;
    int64_t next;
    size_t n;
    int rc;

    if (audit_query(req, res, &f) < 0)
        return page_error(req, res, DESK_EBADREQ,
                          "a filter is not valid: the entity is a name (ticket, user, ...), ids "
                          "are numbers, times RFC 3339 or YYYY-MM-DD");
    if ((rc = store_audit_list(req->store, &f, &items, &n, &next, req->arena)) < 0)
        return page_error(req, res, rc, "the audit log cannot be shown");
    rows = json_array();
    for (size_t i = 0; i < n; i++) {
        char at[TIME_RFC3339_LEN];
        time_format_rfc3339(items[i].at, at);
        json_array_append_new(
            rows, json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "id",
                            (json_int_t)items[i].id, "at", at, "who",
                            items[i].actor_id ? (*items[i].actor_name ? items[i].actor_name
                                                                      : "(a user gone)")
                                              : "the system",
                            "action", items[i].action, "entity", items[i].entity, "entity_id",
                            items[i].entity_id
                                ? arena_sprintf(req->arena, "%" PRId64, items[i].entity_id)
                                : "",
                            "before", items[i].before ? items[i].before : "", "after",
                            items[i].after ? items[i].after : ""));
    }
    filters = json_object();
    strbuf_addstr(&older, "/desk/admin/audit?");
    for (size_t i = 0; i < ARRAY_SIZE(keep); i++) {
        const char *v = req_query(req, keep[i]);
        json_object_set_new(filters, keep[i], json_string(v && *v ? v : ""));
        if (v && *v) {
            strbuf_addf(&older, "%s=", keep[i]);
            page_url_encode(&older, v);
            strbuf_addch(&older, '&');
        }
    }
    if (next)
        strbuf_addf(&older, "cursor=%" PRId64, next);
    data = json_pack("{s:s, s:o, s:o, s:s?}", "title", "Audit log", "rows", rows, "filters",
                     filters, "older", next ? older.buf : NULL);
    strbuf_release(&older);
    return page_render(req, res, 200, "admin_audit", data);
}
