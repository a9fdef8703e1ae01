/*
 * installations.c - customers' installations and their log of installed
 * changes: POST/GET /api/v1/installations, GET /api/v1/installations/{id},
 * POST/GET /api/v1/installations/{id}/changes,
 * POST /api/v1/installation-changes/{id}/approve and .../decline.
 *
 * Customers read their organisation's installations and logs (the store
 * filters: another organisation's id is 404); staff write them. A change
 * staff propose waits for a customer of the organisation to approve or
 * decline it; a change dated later waits for the sweep (domain/release.h).
 */
#include "core/compat.h"
#include "http/api/api.h"
#include "core/err.h"
#include "core/time.h"
#include "domain/version.h"
#include "http/input.h"
#include "store/store.h"

static json_t *installation_json(const struct installation *in)
{
    return json_pack("{s:I, s:I, s:s, s:s, s:s, s:o, s:o}", "id", (json_int_t)in->id,
                     "organization_id", (json_int_t)in->organization_id, "name", in->name,
                     "hosting", hosting_model_name(in->vendor_hosted), "version", in->version,
                     "created_at", json_time(in->created_at), "updated_at",
                     json_time(in->updated_at));
}

static json_t *change_json(const struct installation_change *ch)
{
    json_t *j = json_pack("{s:I, s:I, s:s, s:o, s:o, s:s, s:s, s:s?, s:s?, s:o, s:o}", "id",
                          (json_int_t)ch->id, "installation_id", (json_int_t)ch->installation_id,
                          "what", ch->what, "at", json_time(ch->at), "by", json_id(ch->by),
                          "by_name", ch->by_name ? ch->by_name : "", "documentation",
                          ch->documentation ? ch->documentation : "", "from_version",
                          ch->from_version, "to_version", ch->to_version, "release_id",
                          json_id(ch->release_id), "created_at", json_time(ch->created_at));

    json_object_set_new(j, "status", json_string(change_status_name(ch->status)));
    json_object_set_new(j, "decided_by", json_id(ch->decided_by));
    json_object_set_new(j, "decided_at", ch->decided_at ? json_time(ch->decided_at) : json_null());
    json_object_set_new(j, "decline_reason",
                        json_string(ch->decline_reason ? ch->decline_reason : ""));
    return j;
}

/* 422 naming field when the string field of in is present and not a version. */
static int check_version(json_t *in, const char *field, struct res *res)
{
    const char *v = input_str(in, field), *why;
    char key[VERSION_KEY_MAX];

    if (v && version_key(v, key, &why) < 0)
        return res_error(res, DESK_EINVAL, field, "%s: '%s' is not a version (%s)", field, v, why);
    return 0;
}

/* ---- POST /api/v1/installations ------------------------------------------------------- */

static const struct field_spec create_fields[] = {
    {"organization_id", F_ID, true, 0, 0, NULL},
    {"name", F_LINE, true, 1, INSTALLATION_NAME_MAX, NULL},
    {"hosting", F_ENUM, true, 0, 0, hosting_model_names},
    {"version", F_STRING, true, 1, VERSION_MAX_LEN, NULL},
};

int api_installation_create(struct req *req, struct res *res)
{
    struct store_fault fault = {0};
    struct installation in = {0};
    json_t *body;
    int rc;

    if ((rc = req_json(req, res, &body)) < 0 ||
        (rc = input_check(body, create_fields, ARRAY_SIZE(create_fields), res)) < 0 ||
        (rc = check_version(body, "version", res)) < 0)
        return rc;
    in.organization_id = input_int(body, "organization_id", 0);
    in.name = input_str(body, "name");
    hosting_model_parse(input_str(body, "hosting"), &in.vendor_hosted);
    in.version = input_str(body, "version");
    if ((rc = store_installation_create(req->store, &req->caller, &in, time_now(), &fault)) < 0)
        return api_fault(res, rc, &fault, "no installation");
    res_header(res, "Location", arena_sprintf(req->arena, "/api/v1/installations/%" PRId64, in.id));
    return res_json(res, 201, installation_json(&in));
}

/* ---- GET /api/v1/installations, GET /api/v1/installations/{id} ------------------------------ */

int api_installation_get(struct req *req, struct res *res)
{
    struct installation in;
    int rc;

    rc = store_installation_get(req->store, &req->caller, req->params[0], &in, req->arena);
    if (rc < 0)
        return res_error(res, rc, NULL, "no installation %" PRId64, req->params[0]);
    return res_json(res, 200, installation_json(&in));
}

int api_installation_list(struct req *req, struct res *res)
{
    const char *org = req_query(req, "organization_id");
    struct installation *items;
    int64_t org_id = 0;
    struct kb_page pg;
    const char *next;
    json_t *list;
    char *end;
    size_t n;
    int rc;

    if ((rc = kb_page_read(req, &pg, res)) < 0)
        return rc;
    if (org) {
        errno = 0;
        org_id = strtoll(org, &end, 10);
        if (errno || end == org || *end || org_id < 1)
            return res_error(res, DESK_EBADREQ, "organization_id", "organization_id is not an id");
    }
    rc = store_installation_list(req->store, &req->caller, org_id, &pg, &items, &n, &next,
                                 req->arena);
    if (rc < 0)
        return api_cursor_error(res, rc);
    list = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(list, installation_json(&items[i]));
    return res_list(res, list, next);
}

/* ---- POST/GET /api/v1/installations/{id}/changes ---------------------------------------- */

static const struct field_spec change_fields[] = {
    {"what", F_STRING, true, 1, CHANGE_WHAT_MAX, NULL},
    {"at", F_STRING, false, 1, 64, NULL},
    {"documentation", F_STRING, false, 0, CHANGE_DOC_MAX, NULL},
    {"version", F_STRING, false, 1, VERSION_MAX_LEN, NULL},
    {"proposed", F_BOOL, false, 0, 0, NULL},
};

int api_installation_change_create(struct req *req, struct res *res)
{
    struct store_fault fault = {0};
    struct installation_change ch = {0};
    int64_t now = time_now();
    json_t *in;
    int rc;

    if ((rc = req_json(req, res, &in)) < 0 ||
        (rc = input_check(in, change_fields, ARRAY_SIZE(change_fields), res)) < 0 ||
        (rc = check_version(in, "version", res)) < 0)
        return rc;
    ch.installation_id = req->params[0];
    ch.what = input_str(in, "what");
    ch.at = now;
    if ((rc = json_to_time(in, "at", &ch.at, res)) < 0)
        return rc;
    ch.documentation = input_str(in, "documentation") ? input_str(in, "documentation") : "";
    rc = store_installation_change_add(req->store, &req->caller, &ch, input_str(in, "version"),
                                       json_is_true(json_object_get(in, "proposed")), now, &fault,
                                       req->arena);
    if (rc == DESK_ENOTFOUND)
        return res_error(res, rc, NULL, "no installation %" PRId64, req->params[0]);
    if (rc < 0)
        return api_fault(res, rc, &fault, "no installation");
    return res_json(res, 201, change_json(&ch));
}

int api_installation_change_list(struct req *req, struct res *res)
{
    struct installation_change *items;
    struct kb_page pg;
    const char *next;
    json_t *list;
    size_t n;
    int rc;

    if ((rc = kb_page_read(req, &pg, res)) < 0)
        return rc;
    rc = store_installation_changes(req->store, &req->caller, req->params[0], &pg, &items, &n,
                                    &next, req->arena);
    if (rc == DESK_EBADREQ)
        return res_error(res, rc, "cursor", "cursor does not parse");
    if (rc < 0)
        return res_error(res, rc, NULL, "no installation %" PRId64, req->params[0]);
    list = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(list, change_json(&items[i]));
    return res_list(res, list, next);
}

/* ---- POST /api/v1/installation-changes/{id}/approve, .../decline ------------------------- */

static const struct field_spec decline_fields[] = {
    {"reason", F_STRING, false, 0, CHANGE_REASON_MAX, NULL},
};

/* A customer's decision on a proposed change of its organisation (the body may be empty). */
static int decide(struct req *req, struct res *res, enum change_action act)
{
    struct store_fault fault = {0};
    struct installation_change ch;
    const char *reason = NULL;
    json_t *in;
    int rc;

    if (req->body_len) {
        if ((rc = req_json(req, res, &in)) < 0 ||
            (rc = input_check(in, decline_fields, act == CA_DECLINE ? 1 : 0, res)) < 0)
            return rc;
        reason = input_str(in, "reason");
    }
    rc = store_installation_change_decide(req->store, &req->caller, req->params[0], act, reason,
                                          time_now(), &ch, &fault, req->arena);
    if (rc == DESK_ENOTFOUND)
        return res_error(res, rc, NULL, "no installation change %" PRId64, req->params[0]);
    if (rc < 0)
        return api_fault(res, rc, &fault, "no installation change");
    return res_json(res, 200, change_json(&ch));
}

int api_installation_change_approve(struct req *req, struct res *res)
{
    return decide(req, res, CA_APPROVE);
}

int api_installation_change_decline(struct req *req, struct res *res)
{
    return decide(req, res, CA_DECLINE);
}
