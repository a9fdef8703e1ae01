/*
 * messages.c - a request's conversation: POST and GET
 * /api/v1/tickets/{id}/messages. Customers never see internal notes and may
 * not write them.
 */
#include "core/compat.h"
#include "http/api/api.h"
#include "core/err.h"
#include "core/time.h"
#include "http/input.h"
#include "store/store.h"

#define MAX_MESSAGE (256 * 1024)

static json_t *message_json(const struct message *m)
{
    return json_pack("{s:I, s:I, s:o, s:s, s:b, s:b, s:s, s:o}", "id", (json_int_t)m->id,
                     "ticket_id", (json_int_t)m->ticket_id, "author_id", json_id(m->author_id),
                     "author_name", m->author_name ? m->author_name : "", "staff", m->staff,
                     "internal", m->internal, "body", m->body, "created_at",
                     json_time(m->created_at));
}

static const struct field_spec message_fields[] = {
    {"body", F_STRING, true, 1, MAX_MESSAGE, NULL},
    {"internal", F_BOOL, false, 0, 0, NULL},
};

int api_message_create(struct req *req, struct res *res)
{
    struct store_fault fault = {0};
    struct message m = {0};
    json_t *in;
    int rc;

    if ((rc = req_json(req, res, &in)) < 0 || (rc = customer_may_see(req, res)) < 0)
        return rc;
    if (req->caller.role == ROLE_CUSTOMER && json_is_true(json_object_get(in, "internal")))
        return res_error(res, DESK_EDENIED, "internal", "a customer may not write internal notes");
    if ((rc = input_check(in, message_fields, ARRAY_SIZE(message_fields), res)) < 0)
        return rc;
    m.ticket_id = req->params[0];
    m.body = input_str(in, "body");
    m.internal = json_is_true(json_object_get(in, "internal"));
    m.author_name = req->user.name;
    if ((rc = store_message_add(req->store, &req->caller, &m, time_now(), &fault)) < 0)
        return api_fault(res, rc, &fault, "no ticket %" PRId64, req->params[0]);
    return res_json(res, 201, message_json(&m));
}

int api_message_list(struct req *req, struct res *res)
{
    struct message *items;
    json_t *list;
    size_t n;
    int rc;

    rc = store_message_list(req->store, &req->caller, req->params[0], &items, &n, req->arena);
    if (rc < 0)
        return res_error(res, rc, NULL, "no ticket %" PRId64, req->params[0]);
    list = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(list, message_json(&items[i]));
    return res_json(res, 200, api_list_json(list, 0));
}
