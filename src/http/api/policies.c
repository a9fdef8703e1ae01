/*
 * policies.c - /api/v1/sla-policies: create and change (admins); list and
 * read (every role: policies are not tenant data).
 *
 * A new policy is the defaults (domain/policy.h) with the body applied as
 * a change, so creating and changing read the body the same way. Errors in
 * "targets" name the JSON path at fault ("targets.A.respons_hours").
 */
#include "core/compat.h"
#include "http/api/api.h"
#include "core/err.h"
#include "domain/policy.h"
#include "http/input.h"
#include "store/store.h"

static const struct field_spec create_fields[] = {
    {"name", F_LINE, true, 1, POLICY_NAME_MAX, NULL},
    {"calendar_id", F_ID, true, 0, 0, NULL},
    {"warn_at", F_NUMBER, false, 0, 0, NULL},
    {"targets", F_OBJECT, false, 0, 0, NULL},
    {"escalation_emails", F_ARRAY, false, 0, POLICY_MAX_ESCALATION, NULL},
};

static const struct field_spec update_fields[] = {
    {"name", F_LINE, false, 1, POLICY_NAME_MAX, NULL},
    {"calendar_id", F_ID, false, 0, 0, NULL},
    {"warn_at", F_NUMBER, false, 0, 0, NULL},
    {"targets", F_OBJECT, false, 0, 0, NULL},
    {"escalation_emails", F_ARRAY, false, 0, POLICY_MAX_ESCALATION, NULL},
};

/* The change a body (checked by input_check) asks for; 0, or an error with res filled. */
static int read_body(struct req *req, struct res *res, json_t *in, struct sla_policy_patch *p)
{
    json_t *targets = json_object_get(in, "targets");
    json_t *emails = json_object_get(in, "escalation_emails");
    struct strbuf err = STRBUF_INIT;
    const char *why;
    int rc = 0;

    memset(p, 0, sizeof(*p));
    p->name = input_str(in, "name");
    p->calendar_id = input_int(in, "calendar_id", 0);
    if (json_is_number(json_object_get(in, "warn_at")) &&
        policy_warn_permille(input_number(in, "warn_at", 0), &p->warn_permille, &why) < 0)
        return res_error(res, DESK_EINVAL, "warn_at", "warn_at %s", why);
    if (json_is_array(emails) &&
        (rc = api_strings(req, res, emails, "escalation_emails", api_check_email,
                          &p->escalation_emails, &p->escalation_nr)) < 0)
        return rc;
    if (json_is_object(targets) && policy_targets_from_json(targets, p->target, p->given, &err) < 0)
        rc = api_path_error(res, err.buf);
    strbuf_release(&err);
    return rc;
}

static bool patch_empty(const struct sla_policy_patch *p)
{
    for (int l = 0; l < POLICY_LEVELS; l++)
        if (p->given[l])
            return false;
    return !p->name && !p->calendar_id && !p->warn_permille && !p->escalation_emails;
}

int api_policy_create(struct req *req, struct res *res)
{
    struct sla_policy p = {0};
    struct sla_policy_patch body;
    struct store_fault f = {0};
    json_t *in;
    int rc;

    if ((rc = req_json(req, res, &in)) < 0 ||
        (rc = input_check(in, create_fields, ARRAY_SIZE(create_fields), res)) < 0 ||
        (rc = read_body(req, res, in, &body)) < 0)
        return rc;
    policy_defaults(&p);
    sla_policy_apply(&p, &body);
    if ((rc = store_policy_create(req->store, &req->caller, &p, &f)) < 0)
        return api_fault(res, rc, &f, "policy not created");
    return res_json(res, 201, sla_policy_to_json(&p));
}

int api_policy_list(struct req *req, struct res *res)
{
    struct sla_policy *items;
    struct store_page pg;
    json_t *arr;
    size_t nr;
    int rc;

    if ((rc = api_page(req, res, &pg)) < 0 ||
        (rc = store_policy_list(req->store, &pg, &items, &nr, req->arena)) < 0)
        return rc;
    arr = json_array();
    for (size_t i = 0; i < nr; i++)
        json_array_append_new(arr, sla_policy_to_json(&items[i]));
    return res_json(res, 200, api_page_json(arr, &pg, nr ? items[nr - 1].id : 0));
}

int api_policy_get(struct req *req, struct res *res)
{
    struct sla_policy p;
    int64_t id = req->params[0];
    int rc;

    if ((rc = store_policy_get(req->store, id, &p, req->arena)) < 0)
        return res_error(res, rc, NULL, "no policy %" PRId64, id);
    return res_json(res, 200, sla_policy_to_json(&p));
}

int api_policy_update(struct req *req, struct res *res)
{
    struct sla_policy_patch patch;
    struct store_fault f = {0};
    struct sla_policy p;
    int64_t id = req->params[0];
    json_t *in;
    int rc;

    if ((rc = req_json(req, res, &in)) < 0 ||
        (rc = input_check(in, update_fields, ARRAY_SIZE(update_fields), res)) < 0 ||
        (rc = read_body(req, res, in, &patch)) < 0)
        return rc;
    if (patch_empty(&patch))
        return api_policy_get(req, res); /* nothing to change */
    if ((rc = store_policy_update(req->store, &req->caller, id, &patch, &p, &f, req->arena)) < 0)
        return api_fault(res, rc, &f, "no policy %" PRId64, id);
    return res_json(res, 200, sla_policy_to_json(&p));
}
