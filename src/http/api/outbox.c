/*
 * outbox.c - GET /api/v1/outbox: the mail svcdesk queued, newest first, for
 * admins: what went out, to whom, when, and what is still waiting and why
 * (attempts, the last error, the next attempt). Filters ticket_id, kind and
 * state (pending, sent); a page with limit and cursor as every list. The
 * body of a password reset is withheld (it holds a one-time link).
 */
#include "core/compat.h"
#include "http/api/api.h"
#include "core/err.h"
#include "store/store.h"

#define KIND_MAX 64 /* characters of a kind filter */

static const char *const outbox_params[] = {"ticket_id", "kind", "state", "limit", "cursor",
                                            NULL};

int outbox_query(struct req *req, struct res *res, struct outbox_filter *f)
{
    const char *kind = req_query(req, "kind"), *state = req_query(req, "state");
    int rc;

    *f = (struct outbox_filter){0, NULL, OUTBOX_ANY, 0, 0};
    if ((rc = api_query_known(req, res, outbox_params)) < 0 ||
        (rc = api_page_params(req, res, &f->limit, &f->before_id)) < 0 ||
        (rc = api_query_id(req, res, "ticket_id", &f->ticket_id)) < 0)
        return rc;
    if (kind && *kind) {
        for (const char *p = kind; *p; p++)
            if (!((*p >= 'a' && *p <= 'z') || *p == '_') || p - kind >= KIND_MAX)
                return res_error(res, DESK_EBADREQ, "kind",
                                 "kind must be a notice kind such as reply or sla_breach");
        f->kind = kind;
    }
    if (state && *state) {
        if (!strcmp(state, "pending"))
            f->state = OUTBOX_PENDING;
        else if (!strcmp(state, "sent"))
            f->state = OUTBOX_SENT;
        else
            return res_error(res, DESK_EBADREQ, "state", "state must be pending or sent");
    }
    return 0;
}

/* A password reset's body holds its one-time link: nobody reads it here, an admin neither. */
static const char *shown_body(const struct outbox_entry *e)
{
    return strcmp(e->msg.kind, "password_reset") ? e->msg.body
                                                 : "(withheld: it holds a one-time link)";
}

static json_t *outbox_entry_json(const struct outbox_entry *e)
{
    json_t *to = json_loads(e->msg.recipients, 0, NULL);
    json_t *o = json_pack(
        "{s:I, s:s, s:o, s:o, s:s, s:s, s:s, s:i, s:o, s:o, s:o, s:o, s:o}", "id",
        (json_int_t)e->msg.id, "kind", e->msg.kind, "ticket_id", json_id(e->msg.ticket_id),
        "recipients", json_is_array(to) ? to : (json_decref(to), json_array()), "subject",
        e->msg.subject, "body", shown_body(e), "message_id", e->msg.message_id, "attempts",
        e->msg.attempts, "created_at", json_time(e->created_at), "not_before",
        json_time(e->not_before), "next_attempt_at", json_time(e->sent_at ? 0 : e->next_attempt_at),
        "sent_at", json_time(e->sent_at), "last_error",
        e->last_error ? json_string(e->last_error) : json_null());

    json_object_set_new(o, "state", json_string(e->sent_at ? "sent" : "pending"));
    return o;
}

int api_outbox_list(struct req *req, struct res *res)
{
    struct outbox_filter f;
    struct outbox_entry *items;
    int64_t next;
    json_t *list;
    size_t n;
    int rc;

    if ((rc = outbox_query(req, res, &f)) < 0)
        return rc;
    if ((rc = store_outbox_list(req->store, &f, &items, &n, &next, req->arena)) < 0)
        return rc;
    list = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(list, outbox_entry_json(&items[i]));
    return res_json(res, 200, api_list_json(list, next));
}
