/*
 * organizations.c - /api/v1/organizations: create and change (admins), list
 * and read (every role; a customer sees only its own organisation, the
 * store filters).
 */
#include "core/compat.h"
#include "http/api/api.h"
#include "core/err.h"
#include "domain/organization.h"
#include "http/input.h"
#include "store/store.h"

static const struct field_spec create_fields[] = {
    {"name", F_LINE, true, 1, ORG_NAME_MAX, NULL},
    {"domains", F_ARRAY, false, 0, ORG_MAX_DOMAINS, NULL},
    {"account_executive_id", F_ID, false, 0, 0, NULL},
};

static const struct field_spec update_fields[] = {
    {"name", F_LINE, false, 1, ORG_NAME_MAX, NULL},
    {"domains", F_ARRAY, false, 0, ORG_MAX_DOMAINS, NULL},
    {"account_executive_id", F_ID, false, 0, 0, NULL},
};

/* api_string_check for mail domains: lower-cased. */
static const char *check_domain(const char *in, const char **out, struct arena *a)
{
    char *norm = arena_alloc(a, MAIL_DOMAIN_MAX + 1);
    const char *why = mail_domain_normalize(in, norm);

    *out = norm;
    return why;
}

/*
 * Name, domains and account executive of the body into o; domains stays NULL
 * when not given, account_executive_id 0 (ORG_CLEAR for null).
 */
static int read_body(struct req *req, struct res *res, json_t *in, struct organization *o)
{
    json_t *domains = json_object_get(in, "domains"),
           *ae = json_object_get(in, "account_executive_id");

    o->name = input_str(in, "name");
    o->account_executive_id =
        json_is_null(ae) ? ORG_CLEAR : input_int(in, "account_executive_id", 0);
    if (!domains || json_is_null(domains))
        return 0;
    return api_strings(req, res, domains, "domains", check_domain, &o->domains, &o->domains_nr);
}

int api_org_create(struct req *req, struct res *res)
{
    struct organization o = {0};
    struct store_fault f = {0};
    json_t *in;
    int rc;

    if ((rc = req_json(req, res, &in)) < 0 ||
        (rc = input_check(in, create_fields, ARRAY_SIZE(create_fields), res)) < 0 ||
        (rc = read_body(req, res, in, &o)) < 0)
        return rc;
    if (o.account_executive_id == ORG_CLEAR)
        o.account_executive_id = 0; /* null: none */
    if ((rc = store_org_create(req->store, &req->caller, &o, &f)) < 0)
        return api_fault(res, rc, &f, "organisation not created");
    return res_json(res, 201, organization_to_json(&o));
}

int api_org_list(struct req *req, struct res *res)
{
    struct organization *items;
    struct store_page pg;
    json_t *arr;
    size_t nr;
    int rc;

    if ((rc = api_page(req, res, &pg)) < 0 ||
        (rc = store_org_list(req->store, &req->caller, &pg, &items, &nr, req->arena)) < 0)
        return rc;
    arr = json_array();
    for (size_t i = 0; i < nr; i++)
        json_array_append_new(arr, organization_to_json(&items[i]));
    return res_json(res, 200, api_page_json(arr, &pg, nr ? items[nr - 1].id : 0));
}

int api_org_get(struct req *req, struct res *res)
{
    struct organization o;
    int64_t id = req->params[0];
    int rc;

    if ((rc = store_org_get(req->store, &req->caller, id, &o, req->arena)) < 0)
        return res_error(res, rc, NULL, "no organisation %" PRId64, id);
    return res_json(res, 200, organization_to_json(&o));
}

int api_org_update(struct req *req, struct res *res)
{
    struct organization patch = {.id = req->params[0]}, o;
    struct store_fault f = {0};
    json_t *in;
    int rc;

    if ((rc = req_json(req, res, &in)) < 0 ||
        (rc = input_check(in, update_fields, ARRAY_SIZE(update_fields), res)) < 0 ||
        (rc = read_body(req, res, in, &patch)) < 0)
        return rc;
    if (!patch.name && !patch.domains && !patch.account_executive_id)
        return api_org_get(req, res); /* nothing to change */
    if ((rc = store_org_update(req->store, &req->caller, &patch, &o, &f, req->arena)) < 0)
        return api_fault(res, rc, &f, "no organisation %" PRId64, patch.id);
    return res_json(res, 200, organization_to_json(&o));
}
