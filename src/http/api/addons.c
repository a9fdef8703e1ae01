/*
 * addons.c - purchased add-ons: GET/POST /api/v1/organizations/{id}/add-ons,
 * GET/PATCH /api/v1/add-ons/{id} (domain/addon.h). Their yearly price goes
 * on the organisation's yearly invoice (invoices.c).
 */
#include "core/compat.h"
#include "http/api/api.h"
#include "core/err.h"
#include "core/time.h"
#include "domain/addon.h"
#include "http/input.h"
#include "store/store.h"

static json_t *addon_json(const struct addon *d)
{
    const struct currency *cur = currency_find(d->currency);
    char price[MONEY_TEXT_LEN];

    return json_pack("{s:I, s:I, s:I, s:s, s:o, s:o, s:o, s:s, s:I, s:s, s:s, s:o, s:o}", "id",
                     (json_int_t)d->id, "organization_id", (json_int_t)d->organization_id,
                     "service_id", (json_int_t)d->service_id, "service", d->service_name,
                     "feature", *d->feature ? json_string(d->feature) : json_null(), "starts_on",
                     json_date(d->starts_on), "ends_on", json_date(d->ends_on), "currency",
                     d->currency, "annual_price", (json_int_t)d->annual_price, "annual_price_text",
                     cur ? money_format(d->annual_price, cur, 0, price) : "", "note", d->note,
                     "created_at", json_time(d->created_at), "updated_at",
                     json_time(d->updated_at));
}

static const struct field_spec create_fields[] = {
    {"service_id", F_ID, true, 0, 0, NULL},
    {"starts_on", F_DATE, true, 0, 0, NULL},
    {"ends_on", F_DATE, false, 0, 0, NULL},
    {"currency", F_STRING, true, 3, 3, NULL},
    {"annual_price", F_MONEY, true, 0, 0, NULL},
    {"note", F_STRING, false, 0, ADDON_NOTE_MAX, NULL},
};

int api_addon_create(struct req *req, struct res *res)
{
    struct store_fault fault = {0};
    struct addon d = {0}, out;
    const char *note, *currency;
    json_t *in;
    int rc;

    if ((rc = req_json(req, res, &in)) < 0 ||
        (rc = input_check(in, create_fields, ARRAY_SIZE(create_fields), res)) < 0)
        return rc;
    d.organization_id = req->params[0];
    d.service_id = input_int(in, "service_id", 0);
    d.starts_on = input_date(in, "starts_on", DATE_NONE);
    d.ends_on = input_date(in, "ends_on", DATE_NONE);
    currency = input_str(in, "currency");
    snprintf(d.currency, sizeof(d.currency), "%s", currency);
    d.annual_price = input_int(in, "annual_price", 0);
    d.note = (note = input_str(in, "note")) ? note : "";
    rc = store_addon_create(req->store, &req->caller, &d, time_now(), &out, &fault, req->arena);
    if (rc < 0)
        return api_fault(res, rc, &fault, "no organization %" PRId64, req->params[0]);
    res_header(res, "Location", arena_sprintf(req->arena, "/api/v1/add-ons/%" PRId64, out.id));
    return res_json(res, 201, addon_json(&out));
}

int api_addon_list(struct req *req, struct res *res)
{
    struct addon *items;
    json_t *list;
    size_t n;
    int rc;

    rc = store_addon_list(req->store, &req->caller, req->params[0], &items, &n, req->arena);
    if (rc < 0)
        return res_error(res, rc, NULL, "no organization %" PRId64, req->params[0]);
    list = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(list, addon_json(&items[i]));
    return res_json(res, 200, api_list_json(list, 0));
}

int api_addon_get(struct req *req, struct res *res)
{
    struct addon d;
    int rc = store_addon_get(req->store, &req->caller, req->params[0], &d, req->arena);

    if (rc < 0)
        return res_error(res, rc, NULL, "no add-on %" PRId64, req->params[0]);
    return res_json(res, 200, addon_json(&d));
}

static const struct field_spec patch_fields[] = {
    {"ends_on", F_DATE, false, 0, 0, NULL},
    {"annual_price", F_MONEY, false, 0, 0, NULL},
    {"note", F_STRING, false, 0, ADDON_NOTE_MAX, NULL},
};

/* PATCH: a field present changes (ends_on null: runs on); absent keeps the stored one. */
int api_addon_update(struct req *req, struct res *res)
{
    struct store_fault fault = {0};
    struct addon d, out;
    const char *note;
    json_t *in;
    int rc;

    if ((rc = req_json(req, res, &in)) < 0 ||
        (rc = input_check(in, patch_fields, ARRAY_SIZE(patch_fields), res)) < 0)
        return rc;
    if ((rc = store_addon_get(req->store, &req->caller, req->params[0], &d, req->arena)) < 0)
        return res_error(res, rc, NULL, "no add-on %" PRId64, req->params[0]);
    if (json_object_get(in, "ends_on"))
        d.ends_on = input_date(in, "ends_on", DATE_NONE);
    d.annual_price = input_int(in, "annual_price", d.annual_price);
    if ((note = input_str(in, "note")))
        d.note = note;
    rc = store_addon_update(req->store, &req->caller, req->params[0], &d, time_now(), &out, &fault,
                            req->arena);
    if (rc < 0)
        return api_fault(res, rc, &fault, "no add-on %" PRId64, req->params[0]);
    return res_json(res, 200, addon_json(&out));
}
