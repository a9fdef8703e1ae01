/*
 * known_errors.c - the known-error log: POST/GET /api/v1/known-errors,
 * GET/PATCH /api/v1/known-errors/{id}, POST …/{id}/tickets (link a request),
 * POST /api/v1/tickets/{id}/known-error (create one from a request, linked).
 *
 * Customers read the known errors that touch the versions of their
 * organisation's installations (the store filters); others answer 404.
 */
#include "core/compat.h"
#include "http/api/api.h"
#include "core/err.h"
#include "core/time.h"
#include "http/input.h"
#include "store/store.h"

static json_t *known_error_json(const struct known_error *k)
{
    json_t *versions = json_array(), *tickets = json_array();

    for (size_t i = 0; i < k->nversions; i++)
        json_array_append_new(versions, json_string(k->versions[i]));
    for (size_t i = 0; i < k->ntickets; i++)
        json_array_append_new(tickets, json_integer(k->ticket_ids[i]));
    return json_pack("{s:I, s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "id",
                     (json_int_t)k->id, "title", k->title, "description", k->description, "status",
                     known_error_status_name(k->status), "workaround",
                     k->workaround ? json_string(k->workaround) : json_null(), "affected_versions",
                     versions, "fixed_in_release_id", json_id(k->fixed_in_release_id), "ticket_ids",
                     tickets, "created_by", json_id(k->created_by), "created_at",
                     json_time(k->created_at), "updated_at", json_time(k->updated_at));
}

/* Answer a store error of this resource: the fault's field and message, else "no known error". */
static int known_error_error(struct res *res, int rc, const struct store_fault *f, int64_t id)
{
    if (f->message[0] || rc != DESK_ENOTFOUND)
        return api_fault(res, rc, f, "no known error");
    return res_error(res, rc, NULL, "no known error %" PRId64, id);
}

/* ---- POST /api/v1/known-errors, POST /api/v1/tickets/{id}/known-error ------------------ */

static const struct field_spec create_fields[] = {
    {"title", F_LINE, true, 1, KNOWN_ERROR_TITLE_MAX, NULL},
    {"description", F_STRING, true, 0, KNOWN_ERROR_TEXT_MAX, NULL},
    {"status", F_ENUM, true, 0, 0, known_error_status_names},
    {"affected_versions", F_ARRAY, true, 0, KNOWN_ERROR_VERSIONS_MAX, NULL},
    {"workaround", F_STRING, false, 0, KNOWN_ERROR_TEXT_MAX, NULL},
    {"fixed_in_release_id", F_ID, false, 0, 0, NULL},
    {"ticket_ids", F_ARRAY, false, 0, KNOWN_ERROR_TICKETS_MAX, NULL},
};

/* From a request only the title is required: the rest defaults from it. */
static const struct field_spec from_ticket_fields[] = {
    {"title", F_LINE, true, 1, KNOWN_ERROR_TITLE_MAX, NULL},
    {"description", F_STRING, false, 0, KNOWN_ERROR_TEXT_MAX, NULL},
    {"status", F_ENUM, false, 0, 0, known_error_status_names},
    {"affected_versions", F_ARRAY, false, 0, KNOWN_ERROR_VERSIONS_MAX, NULL},
    {"workaround", F_STRING, false, 0, KNOWN_ERROR_TEXT_MAX, NULL},
    {"fixed_in_release_id", F_ID, false, 0, 0, NULL},
};

/* "" is no workaround. */
static const char *workaround_of(json_t *in)
{
    const char *w = input_str(in, "workaround");
    return w && *w ? w : NULL;
}

/* Fill k from a checked body: the fields both create routes share. */
static int read_known_error(struct req *req, json_t *in, struct known_error *k, struct res *res)
{
    const char **versions;
    int64_t *tickets;
    int rc;

    memset(k, 0, sizeof(*k));
    if ((rc = json_to_strings(in, "affected_versions", 0, 0, &versions, &k->nversions, req, res)) <
            0 ||
        (rc = json_to_ids(in, "ticket_ids", &tickets, &k->ntickets, req, res)) < 0)
        return rc;
    k->versions = versions;
    k->ticket_ids = tickets;
    k->title = input_str(in, "title");
    k->description = input_str(in, "description") ? input_str(in, "description") : "";
    k->status = KE_INVESTIGATING;
    known_error_status_parse(input_str(in, "status"), &k->status);
    k->workaround = workaround_of(in);
    k->fixed_in_release_id = input_int(in, "fixed_in_release_id", 0);
    return 0;
}

static int create(struct req *req, struct res *res, struct known_error *k, int64_t ticket_id)
{
    struct store_fault fault = {0};
    int rc;

    rc = store_known_error_create(req->store, &req->caller, k, ticket_id, time_now(), &fault,
                                  req->arena);
    if (rc == DESK_ENOTFOUND && !fault.message[0])
        return res_error(res, rc, NULL, "no ticket %" PRId64, ticket_id);
    if (rc < 0)
        return api_fault(res, rc, &fault, "no known error");
    res_header(res, "Location", arena_sprintf(req->arena, "/api/v1/known-errors/%" PRId64, k->id));
    return res_json(res, 201, known_error_json(k));
}

int api_known_error_create(struct req *req, struct res *res)
{
    struct known_error k;
    json_t *in;
    int rc;

    if ((rc = req_json(req, res, &in)) < 0 ||
        (rc = input_check(in, create_fields, ARRAY_SIZE(create_fields), res)) < 0 ||
        (rc = read_known_error(req, in, &k, res)) < 0)
        return rc;
    return create(req, res, &k, 0);
}

int api_ticket_known_error(struct req *req, struct res *res)
{
    struct known_error k;
    struct ticket t;
    json_t *in;
    int rc;

    if ((rc = req_json(req, res, &in)) < 0)
        return rc;
    if ((rc = store_ticket_get(req->store, &req->caller, req->params[0], &t, req->arena)) < 0)
        return res_error(res, rc, NULL, "no ticket %" PRId64, req->params[0]);
    if ((rc = input_check(in, from_ticket_fields, ARRAY_SIZE(from_ticket_fields), res)) < 0 ||
        (rc = read_known_error(req, in, &k, res)) < 0)
        return rc;
    if (!input_str(in, "description"))
        k.description = *t.body ? t.body : t.subject;
    return create(req, res, &k, t.id);
}

/* ---- PATCH /api/v1/known-errors/{id}, POST …/{id}/tickets -------------------------------- */

static const struct field_spec patch_fields[] = {
    {"title", F_LINE, false, 1, KNOWN_ERROR_TITLE_MAX, NULL},
    {"description", F_STRING, false, 0, KNOWN_ERROR_TEXT_MAX, NULL},
    {"status", F_ENUM, false, 0, 0, known_error_status_names},
    {"affected_versions", F_ARRAY, false, 0, KNOWN_ERROR_VERSIONS_MAX, NULL},
    {"workaround", F_STRING, false, 0, KNOWN_ERROR_TEXT_MAX, NULL},
    {"fixed_in_release_id", F_INT, false, 0, INT64_MAX, NULL},
    {"ticket_ids", F_ARRAY, false, 0, KNOWN_ERROR_TICKETS_MAX, NULL},
};

/* Is field present with a value (null is the same as absent)? */
static bool given(json_t *in, const char *field)
{
    json_t *v = json_object_get(in, field);
    return v && !json_is_null(v);
}

static int read_patch(struct req *req, json_t *in, struct known_error_patch *p, struct res *res)
{
    const char **versions;
    int64_t *tickets;
    int rc;

    memset(p, 0, sizeof(*p));
    if ((rc = json_to_strings(in, "affected_versions", 0, 0, &versions, &p->nversions, req, res)) <
            0 ||
        (rc = json_to_ids(in, "ticket_ids", &tickets, &p->ntickets, req, res)) < 0)
        return rc;
    p->title = input_str(in, "title");
    p->description = input_str(in, "description");
    p->has_status = known_error_status_parse(input_str(in, "status"), &p->status) == 0;
    p->has_workaround = given(in, "workaround");
    p->workaround = workaround_of(in);
    p->has_versions = given(in, "affected_versions");
    p->versions = versions;
    p->has_fixed_in = given(in, "fixed_in_release_id");
    p->fixed_in_release_id = input_int(in, "fixed_in_release_id", 0); /* 0 removes it */
    p->has_tickets = given(in, "ticket_ids");
    p->ticket_ids = tickets;
    return 0;
}

int api_known_error_patch(struct req *req, struct res *res)
{
    struct store_fault fault = {0};
    struct known_error_patch p;
    struct known_error k;
    json_t *in;
    int rc;

    if ((rc = req_json(req, res, &in)) < 0 ||
        (rc = input_check(in, patch_fields, ARRAY_SIZE(patch_fields), res)) < 0 ||
        (rc = read_patch(req, in, &p, res)) < 0)
        return rc;
    rc = store_known_error_update(req->store, &req->caller, req->params[0], &p, time_now(), &k,
                                  &fault, req->arena);
    if (rc < 0)
        return known_error_error(res, rc, &fault, req->params[0]);
    return res_json(res, 200, known_error_json(&k));
}

static const struct field_spec link_fields[] = {
    {"ticket_id", F_ID, true, 0, 0, NULL},
};

int api_known_error_link(struct req *req, struct res *res)
{
    struct store_fault fault = {0};
    struct known_error k;
    json_t *in;
    int rc;

    if ((rc = req_json(req, res, &in)) < 0 ||
        (rc = input_check(in, link_fields, ARRAY_SIZE(link_fields), res)) < 0)
        return rc;
    rc = store_known_error_link(req->store, &req->caller, req->params[0],
                                input_int(in, "ticket_id", 0), time_now(), &k, &fault, req->arena);
    if (rc < 0)
        return known_error_error(res, rc, &fault, req->params[0]);
    return res_json(res, 200, known_error_json(&k));
}

/* ---- GET /api/v1/known-errors, GET /api/v1/known-errors/{id} ------------------------------ */

int api_known_error_get(struct req *req, struct res *res)
{
    struct known_error k;
    int rc;

    if ((rc = store_known_error_get(req->store, &req->caller, req->params[0], &k, req->arena)) < 0)
        return res_error(res, rc, NULL, "no known error %" PRId64, req->params[0]);
    return res_json(res, 200, known_error_json(&k));
}

int api_known_error_list(struct req *req, struct res *res)
{
    struct known_error *items;
    struct kb_page pg;
    const char *next;
    json_t *list;
    size_t n;
    int rc;

    if ((rc = kb_page_read(req, &pg, res)) < 0)
        return rc;
    rc = store_known_error_list(req->store, &req->caller, &pg, &items, &n, &next, req->arena);
    if (rc < 0)
        return api_cursor_error(res, rc);
    list = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(list, known_error_json(&items[i]));
    return res_list(res, list, next);
}
