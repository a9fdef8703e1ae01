/*
 * links.c - merging and linking requests (staff): POST
 * /api/v1/tickets/{id}/merge {"into_id"}, POST /api/v1/tickets/{id}/links
 * {"ticket_id","kind"} and GET /api/v1/tickets/{id}/links (everyone who sees
 * the request; customers see links to their own organisation's requests).
 */
#include "core/compat.h"
#include "http/api/api.h"
#include "core/err.h"
#include "core/time.h"
#include "http/input.h"
#include "store/store.h"

static const struct field_spec merge_fields[] = {
    {"into_id", F_ID, true, 0, 0, NULL},
};

int api_ticket_merge(struct req *req, struct res *res)
{
    struct store_fault fault = {0};
    int64_t now = time_now();
    struct ticket t;
    json_t *in;
    int rc;

    if ((rc = req_json(req, res, &in)) < 0 ||
        (rc = input_check(in, merge_fields, ARRAY_SIZE(merge_fields), res)) < 0)
        return rc;
    rc = store_ticket_merge(req->store, &req->caller, req->params[0], input_int(in, "into_id", 0),
                            now, &t, &fault, req->arena);
    if (rc < 0)
        return api_fault(res, rc, &fault, "no ticket %" PRId64, req->params[0]);
    return res_json(res, 200, ticket_to_json(&t, now));
}

static const struct field_spec link_fields[] = {
    {"ticket_id", F_ID, true, 0, 0, NULL},
    {"kind", F_ENUM, true, 0, 0, NULL}, /* values set below: link_kinds() */
};

int api_ticket_link(struct req *req, struct res *res)
{
    struct field_spec specs[ARRAY_SIZE(link_fields)];
    struct store_fault fault = {0};
    json_t *in;
    int kind, rc;

    memcpy(specs, link_fields, sizeof(specs));
    specs[1].values = link_kinds();
    if ((rc = req_json(req, res, &in)) < 0 ||
        (rc = input_check(in, specs, ARRAY_SIZE(specs), res)) < 0)
        return rc;
    link_kind_parse(input_str(in, "kind"), &kind);
    rc = store_ticket_link(req->store, &req->caller, req->params[0], input_int(in, "ticket_id", 0),
                           kind, time_now(), &fault);
    if (rc < 0)
        return api_fault(res, rc, &fault, "no ticket %" PRId64, req->params[0]);
    if ((rc = api_ticket_links(req, res)) == 0) /* the links after, as GET answers them */
        res->status = 201;
    return rc;
}

int api_ticket_links(struct req *req, struct res *res)
{
    struct ticket_link *items;
    json_t *list;
    size_t n;
    int rc = store_ticket_links(req->store, &req->caller, req->params[0], &items, &n, req->arena);

    if (rc < 0)
        return res_error(res, rc, NULL, "no ticket %" PRId64, req->params[0]);
    list = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(list, json_pack("{s:I, s:s, s:s, s:s}", "ticket_id",
                                              (json_int_t)items[i].ticket_id, "kind",
                                              items[i].kind, "subject", items[i].subject,
                                              "status", items[i].status));
    return res_json(res, 200, api_list_json(list, 0));
}
