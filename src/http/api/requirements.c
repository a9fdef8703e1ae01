/*
 * requirements.c - the yearly requirements of enhanced agreements:
 * GET /api/v1/agreements/{id}/years and POST …/requirements (records a
 * year's scope, assumptions, schedule and roles, completing its task). The
 * task itself (title, assignee, opened_at) is staff-only; customers see the
 * recorded requirements of their organisation's agreements.
 */
#include "core/compat.h"
#include "http/api/api.h"
#include "core/err.h"
#include "core/time.h"
#include "domain/requirements.h"
#include "http/input.h"
#include "store/store.h"

static json_t *text_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

static json_t *requirements_json(const struct requirements *r, bool staff)
{
    json_t *o = json_pack(
        "{s:I, s:o, s:o, s:s, s:o, s:o, s:o, s:o, s:o, s:o}", "agreement_id",
        (json_int_t)r->agreement_id, "year_start", json_date(r->year_start), "year_end",
        json_date(r->year_end), "status", r->completed_at ? "complete" : "open", "scope",
        text_or_null(r->scope), "assumptions", text_or_null(r->assumptions), "schedule",
        text_or_null(r->schedule), "roles", text_or_null(r->roles), "rasci_matrix_id",
        json_id(r->rasci_matrix_id), "requirements_completed_at", json_time(r->completed_at));

    if (staff)
        json_object_set_new(o, "task",
                            json_pack("{s:I, s:s, s:o, s:o, s:o}", "id", (json_int_t)r->id,
                                      "title", r->title, "assignee_id", json_id(r->assignee_id),
                                      "opened_at", json_time(r->opened_at), "completed_by",
                                      json_id(r->completed_by)));
    return o;
}

int api_agreement_years(struct req *req, struct res *res)
{
    struct requirements *items;
    json_t *list;
    size_t n;
    int rc;

    rc = store_requirements_list(req->store, &req->caller, req->params[0], &items, &n,
                                 req->arena);
    if (rc < 0)
        return res_error(res, rc, NULL, "no agreement %" PRId64, req->params[0]);
    list = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(list, requirements_json(&items[i], req->caller.role >= ROLE_AGENT));
    return res_json(res, 200, api_list_json(list, 0));
}

static const struct field_spec record_fields[] = {
    {"year_start", F_DATE, true, 0, 0, NULL},
    {"scope", F_STRING, true, 1, REQUIREMENTS_TEXT_MAX, NULL},
    {"assumptions", F_STRING, false, 0, REQUIREMENTS_TEXT_MAX, NULL},
    {"schedule", F_STRING, false, 0, REQUIREMENTS_TEXT_MAX, NULL},
    {"roles", F_STRING, false, 0, REQUIREMENTS_TEXT_MAX, NULL},
    {"rasci_matrix_id", F_ID, false, 0, 0, NULL},
};

static const char *text_or_empty(json_t *in, const char *key)
{
    const char *s = input_str(in, key);
    return s ? s : "";
}

int api_requirements_record(struct req *req, struct res *res)
{
    struct store_fault fault = {0};
    struct requirements in = {0}, out;
    json_t *body;
    int rc;

    if ((rc = req_json(req, res, &body)) < 0 ||
        (rc = input_check(body, record_fields, ARRAY_SIZE(record_fields), res)) < 0)
        return rc;
    in.year_start = input_date(body, "year_start", DATE_NONE);
    in.scope = input_str(body, "scope");
    in.assumptions = text_or_empty(body, "assumptions");
    in.schedule = text_or_empty(body, "schedule");
    in.roles = text_or_empty(body, "roles");
    in.rasci_matrix_id = input_int(body, "rasci_matrix_id", 0);
    rc = store_requirements_record(req->store, &req->caller, req->params[0], &in, time_now(),
                                   &out, &fault, req->arena);
    if (rc < 0)
        return api_fault(res, rc, &fault, "no agreement %" PRId64, req->params[0]);
    return res_json(res, 200, requirements_json(&out, true));
}
