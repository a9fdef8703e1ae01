/*
 * catalogue.c - the service catalogue: GET /api/v1/catalog (?hosting=),
 * POST /api/v1/catalog, PUT/PATCH /api/v1/catalog/{id}, POST
 * /api/v1/catalog/{id}/retire and .../restore (admins).
 *
 * Customers read the catalogue of their hosting model, that of their
 * organisation's active maintenance agreement (none: an empty list), and
 * what their active enhanced and advanced agreements add (extras and
 * supplemental services); a ?hosting= from them is ignored. A retired
 * service is left out of a customer's list; staff see it with retired_at.
 */
#include "core/compat.h"
#include "http/api/api.h"
#include "core/err.h"
#include "core/time.h"
#include "domain/agreement.h"
#include "domain/catalogue.h"
#include "http/input.h"
#include "store/store.h"

#define AGREEMENTS_READ 1000 /* a customer's agreements looked at */

/* ---- reading ---------------------------------------------------------------------------- */

static json_t *offer_json(const struct service_offer *o)
{
    return json_pack("{s:s, s:s}", "inclusion", inclusion_name(o->inclusion), "comment",
                     o->comment);
}

/* A service for one hosting model, or (HOSTING_NONE) with both models' offers. */
static json_t *service_json(const struct catalogue_service *s, enum hosting h)
{
    json_t *o = json_pack("{s:I, s:s, s:I, s:o}", "id", (json_int_t)s->id, "name", s->name,
                          "position", (json_int_t)s->position, "retired_at",
                          s->retired_at ? json_time(s->retired_at) : json_null());

    if (h == HOSTING_NONE) {
        json_object_set_new(o, "vendor_hosted", offer_json(&s->vendor));
        json_object_set_new(o, "customer_hosted", offer_json(&s->customer));
    } else {
        json_t *offer = offer_json(catalogue_offer(s, h));
        json_object_update(o, offer);
        json_decref(offer);
    }
    return o;
}

static json_t *flag_names(const char *const *names, unsigned bits)
{
    json_t *list = json_array();

    for (int i = 0; names[i]; i++)
        if (bits & (1u << i))
            json_array_append_new(list, json_string(names[i]));
    return list;
}

/*
 * A customer's hosting model (its active maintenance agreement's; HOSTING_NONE
 * without one) and, in *added, what its active other agreements add.
 */
static int customer_view(struct req *req, enum hosting *h, json_t *added)
{
    struct agreement_filter f = {0, -1, 0, AGREEMENTS_READ};
    int64_t next, today = floor_div(time_now(), 86400);
    struct agreement *items;
    size_t n;
    int rc;

    *h = HOSTING_NONE;
    rc = store_agreement_list(req->store, &req->caller, &f, &items, &n, &next, req->arena);
    for (size_t i = 0; i < n && rc == 0; i++) {
        const struct agreement *a = &items[i];
        if (!agreement_active_on(a, today))
            continue;
        if (a->kind == AK_MAINTENANCE)
            *h = a->hosting;
        else
            json_array_append_new(
                added, json_pack("{s:I, s:s, s:o, s:o}", "agreement_id", (json_int_t)a->id, "kind",
                                 agreement_kind_name(a->kind), "extras",
                                 flag_names(agreement_extra_names, a->extras), "services",
                                 flag_names(agreement_service_names, a->services)));
    }
    return rc;
}

int api_catalogue_list(struct req *req, struct res *res)
{
    const char *q = req_query(req, "hosting");
    enum hosting h = HOSTING_NONE;
    struct catalogue_service *items;
    json_t *added = NULL, *list, *out;
    size_t n;
    int rc;

    if (req->caller.role == ROLE_CUSTOMER) {
        added = json_array();
        if ((rc = customer_view(req, &h, added)) < 0) {
            json_decref(added);
            return rc;
        }
    } else if (q && hosting_parse(q, &h) < 0) {
        return res_error(res, DESK_EBADREQ, "hosting",
                         "hosting must be vendor_hosted or customer_hosted");
    }
    if ((rc = store_catalogue_list(req->store, &items, &n, req->arena)) < 0) {
        json_decref(added);
        return rc;
    }
    list = json_array();
    for (size_t i = 0; i < n && !(added && h == HOSTING_NONE); i++)
        if (!added || catalogue_offered(&items[i])) /* customers: what is offered */
            json_array_append_new(list, service_json(&items[i], h));
    out = api_list_json(list, 0);
    json_object_set_new(out, "hosting",
                        h == HOSTING_NONE ? json_null() : json_string(hosting_name(h)));
    if (added)
        json_object_set_new(out, "agreements", added);
    return res_json(res, 200, out);
}

/* ---- writing (admins) ------------------------------------------------------------------------ */

static const struct field_spec service_fields[] = {
    {"name", F_LINE, true, 1, SERVICE_NAME_MAX, NULL},
    {"vendor_hosted", F_OBJECT, true, 0, 0, NULL},
    {"customer_hosted", F_OBJECT, true, 0, 0, NULL},
    {"position", F_INT, false, 1, 1000000, NULL},
};

/* An offer object {"inclusion", "comment"?}; it replaces the model's whole offer. */
static int read_offer(json_t *in, const char *key, struct service_offer *o, struct res *res)
{
    json_t *v = json_object_get(in, key);
    const char *incl = json_string_value(json_object_get(v, "inclusion"));
    json_t *comment = json_object_get(v, "comment");
    size_t known = 1 + (comment != NULL);

    if (!incl || inclusion_parse(incl, &o->inclusion) < 0 || json_object_size(v) != known ||
        (comment && !json_is_string(comment) && !json_is_null(comment)))
        return res_error(res, DESK_EINVAL, key,
                         "%s must be {\"inclusion\": included|add_on|not_offered, "
                         "\"comment\"?: text}",
                         key);
    o->comment = json_is_string(comment) ? json_string_value(comment) : "";
    if (utf8_chars(o->comment, strlen(o->comment)) > SERVICE_COMMENT_MAX)
        return res_error(res, DESK_EINVAL, key, "%s.comment has more than %d characters", key,
                         SERVICE_COMMENT_MAX);
    return 0;
}

/* Check in against service_fields (all optional with partial) and read what is present. */
static int read_service(json_t *in, bool partial, struct catalogue_service *s, unsigned *fields,
                        struct res *res)
{
    struct field_spec specs[ARRAY_SIZE(service_fields)];
    int rc;

    memcpy(specs, service_fields, sizeof(specs));
    for (size_t i = 0; partial && i < ARRAY_SIZE(specs); i++)
        specs[i].required = false;
    if ((rc = input_check(in, specs, ARRAY_SIZE(specs), res)) < 0)
        return rc;
    *fields = 0;
    if ((s->name = input_str(in, "name")))
        *fields |= CF_NAME;
    if (json_is_integer(json_object_get(in, "position"))) {
        s->position = input_int(in, "position", 0);
        *fields |= CF_POSITION;
    }
    if (json_is_object(json_object_get(in, "vendor_hosted"))) {
        if ((rc = read_offer(in, "vendor_hosted", &s->vendor, res)) < 0)
            return rc;
        *fields |= CF_VENDOR;
    }
    if (json_is_object(json_object_get(in, "customer_hosted"))) {
        if ((rc = read_offer(in, "customer_hosted", &s->customer, res)) < 0)
            return rc;
        *fields |= CF_CUSTOMER;
    }
    return 0;
}

static int save(struct req *req, struct res *res, int64_t id, bool partial)
{
    struct store_fault fault = {0};
    struct catalogue_service s = {0};
    unsigned fields;
    json_t *in;
    int rc;

    if ((rc = req_json(req, res, &in)) < 0 ||
        (rc = read_service(in, partial, &s, &fields, res)) < 0)
        return rc;
    s.id = id;
    if ((rc = store_catalogue_save(req->store, &req->caller, &s, fields, time_now(), &fault,
                                   req->arena)) < 0)
        return api_fault(res, rc, &fault, "no service");
    return res_json(res, id ? 200 : 201, service_json(&s, HOSTING_NONE));
}

int api_catalogue_create(struct req *req, struct res *res)
{
    return save(req, res, 0, false);
}

int api_catalogue_put(struct req *req, struct res *res)
{
    return save(req, res, req->params[0], false);
}

int api_catalogue_patch(struct req *req, struct res *res)
{
    return save(req, res, req->params[0], true);
}

/* ---- POST /api/v1/catalog/{id}/retire, .../restore (admins) ---------------------------------- */

static int retire(struct req *req, struct res *res, bool retired)
{
    struct catalogue_service s;
    int rc;

    if ((rc = store_catalogue_retire(req->store, &req->caller, req->params[0], retired, time_now(),
                                     &s, req->arena)) < 0)
        return res_error(res, rc, NULL, "no service %" PRId64, req->params[0]);
    return res_json(res, 200, service_json(&s, HOSTING_NONE));
}

int api_catalogue_retire(struct req *req, struct res *res)
{
    return retire(req, res, true);
}

int api_catalogue_restore(struct req *req, struct res *res)
{
    return retire(req, res, false);
}
