/*
 * admin_audit.c - GET /desk/admin/audit: the audit trail for admins with the
 * filters of GET /api/v1/audit-log (who, what, when) in a GET form, 50 rows a
 * page, newest first, an "older" link to the next page. Values are shown as
 * text (the before and after JSON too). GET /desk/admin/outbox: the mail
 * queue in the same way (GET /api/v1/outbox's filters).
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
    data = json_pack("{s:s, s:o, s:o, s:s?}", "title", tr("Audit log"), "rows", rows, "filters",
                     filters, "older",
                     page_list_filters(req, "/desk/admin/audit", keep, ARRAY_SIZE(keep), next,
                                       filters));
    return page_render(req, res, 200, "admin_audit", data);
}

const char *page_list_filters(struct req *req, const char *path, const char *const *keep,
                              size_t n, int64_t next, json_t *filters)
{
    struct strbuf older = STRBUF_INIT;
    const char *out;

    strbuf_addf(&older, "%s?", path);
    for (size_t i = 0; i < n; i++) {
        const char *v = req_query(req, keep[i]);
        json_object_set_new(filters, keep[i], json_string(v && *v ? v : ""));
        if (v && *v) {
            strbuf_addf(&older, "%s=", keep[i]);
            page_url_encode(&older, v);
            strbuf_addch(&older, '&');
        }
    }
    strbuf_addf(&older, "cursor=%" PRId64, next);
    out = next ? arena_strdup(req->arena, older.buf) : NULL;
    strbuf_release(&older);
    return out;
}

/* GET /desk/admin/outbox: the mail queue with GET /api/v1/outbox's filters, newest first. */
int page_admin_outbox(struct req *req, struct res *res)
{
    static const char *const keep[] = {"ticket_id", "kind", "state"};
    struct outbox_filter f;
    struct outbox_entry *items;
    json_t *rows, *filters, *data;
    int64_t next;
    size_t n;
    int rc;

    if (outbox_query(req, res, &f) < 0)
        return page_error(req, res, DESK_EBADREQ,
                          "a filter is not valid: the request is a number, the kind a name "
                          "(reply, status, ...), the state pending or sent");
    if ((rc = store_outbox_list(req->store, &f, &items, &n, &next, req->arena)) < 0)
        return page_error(req, res, rc, "the mail queue cannot be shown");
    rows = json_array();
    for (size_t i = 0; i < n; i++) {
        const struct outbox_entry *e = &items[i];
        char at[TIME_RFC3339_LEN], sent[TIME_RFC3339_LEN] = "";
        json_t *to = json_loads(e->msg.recipients, 0, NULL);
        char *to_text = json_is_array(to) ? json_dumps(to, JSON_COMPACT) : NULL;

        time_format_rfc3339(e->created_at, at);
        if (e->sent_at)
            time_format_rfc3339(e->sent_at, sent);
        json_array_append_new(
            rows, json_pack("{s:I, s:s, s:s, s:s, s:s, s:s?, s:i, s:s, s:s?}", "id",
                            (json_int_t)e->msg.id, "at", at, "kind", e->msg.kind, "to",
                            to_text ? to_text : e->msg.recipients, "subject", e->msg.subject,
                            "ticket",
                            e->msg.ticket_id
                                ? arena_sprintf(req->arena, "%" PRId64, e->msg.ticket_id)
                                : NULL,
                            "attempts", e->msg.attempts, "sent", e->sent_at ? sent : "not yet",
                            "error", e->last_error));
        free(to_text);
        json_decref(to);
    }
    filters = json_object();
    data = json_pack("{s:s, s:o, s:o, s:s?}", "title", tr("Mail queue"), "rows", rows, "filters",
                     filters, "older",
                     page_list_filters(req, "/desk/admin/outbox", keep, ARRAY_SIZE(keep), next,
                                       filters));
    json_object_set_new(data, "pending", json_boolean(f.state == OUTBOX_PENDING));
    json_object_set_new(data, "sent", json_boolean(f.state == OUTBOX_SENT));
    return page_render(req, res, 200, "admin_outbox", data);
}
