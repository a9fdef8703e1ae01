/*
 * canned.c - canned replies for staff: GET/POST /api/v1/canned-replies,
 * GET/PATCH/DELETE /api/v1/canned-replies/{id}. GET of one with
 * ?ticket_id= also answers `text`: the body with the placeholders of that
 * request filled in (domain/canned.h), ready to insert into a reply.
 */
#include "core/compat.h"
#include "http/api/api.h"
#include "core/err.h"
#include "core/time.h"
#include "domain/account.h"
#include "domain/canned.h"
#include "domain/organization.h"
#include "domain/ticket_sla.h"
#include "http/input.h"
#include "store/store.h"

static json_t *canned_json(const struct canned_reply *r)
{
    return json_pack("{s:I, s:s, s:s, s:I, s:s, s:o, s:o}", "id", (json_int_t)r->id, "title",
                     r->title, "body", r->body, "owner_id", (json_int_t)r->owner_id, "owner_name",
                     r->owner_name ? r->owner_name : "", "created_at", json_time(r->created_at),
                     "updated_at", json_time(r->updated_at));
}

static const struct field_spec create_fields[] = {
    {"title", F_LINE, true, 1, CANNED_TITLE_MAX, NULL},
    {"body", F_STRING, true, 1, CANNED_BODY_MAX, NULL},
};
static const struct field_spec patch_fields[] = {
    {"title", F_LINE, false, 1, CANNED_TITLE_MAX, NULL},
    {"body", F_STRING, false, 1, CANNED_BODY_MAX, NULL},
};

/* The body's placeholders known: 0, or 422 in res naming body. */
static int check_body(const char *body, struct res *res)
{
    struct strbuf err = STRBUF_INIT;
    int rc = canned_check(body, &err);

    if (rc < 0)
        rc = res_error(res, rc, "body", "%s", err.buf);
    strbuf_release(&err);
    return rc;
}

int api_canned_list(struct req *req, struct res *res)
{
    struct canned_reply *items;
    json_t *list;
    size_t n;
    int rc;

    if ((rc = store_canned_list(req->store, &items, &n, req->arena)) < 0)
        return rc;
    list = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(list, canned_json(&items[i]));
    return res_json(res, 200, api_list_json(list, 0));
}

int api_canned_create(struct req *req, struct res *res)
{
    struct canned_reply in = {0}, out;
    json_t *body;
    int rc;

    if ((rc = req_json(req, res, &body)) < 0 ||
        (rc = input_check(body, create_fields, ARRAY_SIZE(create_fields), res)) < 0)
        return rc;
    in.title = input_str(body, "title");
    in.body = input_str(body, "body");
    if ((rc = check_body(in.body, res)) < 0 ||
        (rc = store_canned_create(req->store, &req->caller, &in, time_now(), &out,
                                  req->arena)) < 0)
        return rc;
    res_header(res, "Location", arena_sprintf(req->arena, "/api/v1/canned-replies/%" PRId64,
                                              out.id));
    return res_json(res, 201, canned_json(&out));
}

int canned_values(struct req *req, int64_t ticket_id, const char *v[CP_COUNT])
{
    struct account requester, agent;
    struct organization org;
    struct ticket_clocks k;
    struct ticket t;
    char due[TIME_RFC3339_LEN];
    int64_t now = time_now();
    int rc;

    if ((rc = store_ticket_get(req->store, &req->caller, ticket_id, &t, req->arena)) < 0)
        return rc;
    memset(v, 0, CP_COUNT * sizeof(*v));
    if (t.requester_id &&
        store_account_get(req->store, &req->caller, t.requester_id, &requester, req->arena) == 0) {
        v[CP_REQUESTER_NAME] = requester.user.name;
        v[CP_REQUESTER_EMAIL] = requester.user.email;
    }
    if (t.organization_id &&
        store_org_get(req->store, &req->caller, t.organization_id, &org, req->arena) == 0)
        v[CP_ORGANIZATION] = org.name;
    if (store_account_get(req->store, &req->caller, req->caller.user_id, &agent, req->arena) == 0)
        v[CP_AGENT_NAME] = agent.user.name;
    v[CP_TICKET_ID] = arena_sprintf(req->arena, "%" PRId64, t.id);
    v[CP_SUBJECT] = t.subject;
    ticket_clocks_compute(&t, now, &k);
    if (k.sort_due_at) {
        time_format_rfc3339(k.sort_due_at, due);
        v[CP_DUE] = arena_sprintf(req->arena, "%.10s %.5s UTC", due, due + 11);
    }
    return 0;
}

int api_canned_get(struct req *req, struct res *res)
{
    static const char *const params[] = {"ticket_id", NULL};
    const char *values[CP_COUNT];
    struct canned_reply r;
    int64_t ticket_id = 0;
    json_t *out;
    int rc;

    if ((rc = api_query_known(req, res, params)) < 0 ||
        (rc = api_query_id(req, res, "ticket_id", &ticket_id)) < 0)
        return rc;
    if ((rc = store_canned_get(req->store, req->params[0], &r, req->arena)) < 0)
        return res_error(res, rc, NULL, "no canned reply %" PRId64, req->params[0]);
    out = canned_json(&r);
    if (ticket_id) {
        struct strbuf text = STRBUF_INIT;
        if ((rc = canned_values(req, ticket_id, values)) < 0) {
            json_decref(out);
            return res_error(res, rc, "ticket_id", "no ticket %" PRId64, ticket_id);
        }
        canned_expand(r.body, values, &text);
        json_object_set_new(out, "text", json_string(text.buf));
        strbuf_release(&text);
    }
    return res_json(res, 200, out);
}

int api_canned_update(struct req *req, struct res *res)
{
    struct canned_reply in, out;
    json_t *body;
    int rc;

    if ((rc = req_json(req, res, &body)) < 0 ||
        (rc = input_check(body, patch_fields, ARRAY_SIZE(patch_fields), res)) < 0)
        return rc;
    if ((rc = store_canned_get(req->store, req->params[0], &in, req->arena)) < 0)
        return res_error(res, rc, NULL, "no canned reply %" PRId64, req->params[0]);
    if (input_str(body, "title"))
        in.title = input_str(body, "title");
    if (input_str(body, "body"))
        in.body = input_str(body, "body");
    if ((rc = check_body(in.body, res)) < 0)
        return rc;
    rc = store_canned_update(req->store, &req->caller, req->params[0], &in, time_now(), &out,
                             req->arena);
    if (rc == DESK_EDENIED)
        return res_error(res, rc, NULL, "only its owner or an admin changes a canned reply");
    if (rc < 0)
        return res_error(res, rc, NULL, "no canned reply %" PRId64, req->params[0]);
    return res_json(res, 200, canned_json(&out));
}

int api_canned_delete(struct req *req, struct res *res)
{
    int rc = store_canned_delete(req->store, &req->caller, req->params[0], time_now());

    if (rc == DESK_EDENIED)
        return res_error(res, rc, NULL, "only its owner or an admin deletes a canned reply");
    if (rc < 0)
        return res_error(res, rc, NULL, "no canned reply %" PRId64, req->params[0]);
    res->status = 204;
    return 0;
}
