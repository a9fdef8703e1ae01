/*
 * change_orders.c - POST/GET /api/v1/agreements/{id}/change-orders and
 * POST …/change-orders/{cid}/sign (the vendor) and …/accept (the customer).
 * A change order adds or removes hours (domain/agreement.h has the rules) and
 * may name the bookings it reschedules; it is proposed, then applied when
 * both parties have signed.
 */
#include "core/compat.h"
#include "http/api/api.h"
#include "core/err.h"
#include "core/time.h"
#include "domain/agreement.h"
#include "http/input.h"
#include "store/store.h"

#define REASON_MAX 2000
#define CHANGE_HOURS_MAX 1000000

static json_t *change_order_json(const struct change_order *co)
{
    json_t *o, *ids = json_array();

    for (size_t i = 0; i < co->nbookings; i++)
        json_array_append_new(ids, json_integer(co->booking_ids[i]));
    o = json_pack("{s:I, s:I, s:o, s:I, s:s, s:s, s:s, s:o, s:o, s:o}", "id", (json_int_t)co->id,
                     "agreement_id", (json_int_t)co->agreement_id, "hours", json_hours(co->minutes),
                     "minutes", (json_int_t)co->minutes, "reason", co->reason, "applies_to",
                     change_order_scope_names[co->applies_to], "status",
                     change_order_status_names[co->status], "signed_on", json_date(co->signed_on),
                     "signed_at", json_time(co->signed_at), "created_at",
                     json_time(co->created_at));
    json_object_set_new(o, "booking_ids", ids);
    json_object_set_new(o, "signatures", signatures_json(co->sig));
    return o;
}

static const struct field_spec create_fields[] = {
    {"hours", F_NUMBER, true, -CHANGE_HOURS_MAX, CHANGE_HOURS_MAX, NULL},
    {"reason", F_STRING, true, 1, REASON_MAX, NULL},
    {"applies_to", F_ENUM, false, 0, 0, change_order_scope_names},
    {"booking_ids", F_ARRAY, false, 0, CHANGE_ORDER_BOOKINGS_MAX, NULL},
};

/* booking_ids (a list of positive ids) into co; 422 naming the field. */
static int read_booking_ids(struct req *req, json_t *in, struct change_order *co, struct res *res)
{
    json_t *list = json_object_get(in, "booking_ids"), *v;
    int64_t *ids = ARENA_NEWN(req->arena, int64_t, json_array_size(list) + 1);
    size_t i;

    json_array_foreach(list, i, v)
    {
        if (!json_is_integer(v) || json_integer_value(v) < 1)
            return res_error(res, DESK_EINVAL, "booking_ids",
                             "booking_ids[%zu] must be the id of a booking", i);
        ids[i] = json_integer_value(v);
    }
    co->booking_ids = ids;
    co->nbookings = json_array_size(list);
    return 0;
}

int api_change_order_create(struct req *req, struct res *res)
{
    struct store_fault fault = {0};
    struct change_order co = {0};
    const char *scope;
    json_t *in;
    int rc;

    if ((rc = req_json(req, res, &in)) < 0 ||
        (rc = input_check(in, create_fields, ARRAY_SIZE(create_fields), res)) < 0 ||
        (rc = read_booking_ids(req, in, &co, res)) < 0)
        return rc;
    scope = input_str(in, "applies_to");
    co.agreement_id = req->params[0];
    co.minutes = hours_to_minutes(input_number(in, "hours", 0));
    co.reason = input_str(in, "reason");
    co.applies_to =
        scope && !strcmp(scope, "following_years") ? CO_FOLLOWING_YEARS : CO_CURRENT_YEAR;
    if ((rc = store_change_order_create(req->store, &req->caller, &co, time_now(), &fault)) < 0)
        return api_fault(res, rc, &fault, "no agreement");
    return res_json(res, 201, change_order_json(&co));
}

int api_change_order_list(struct req *req, struct res *res)
{
    struct change_order *items;
    json_t *list;
    size_t n;
    int rc;

    rc = store_change_order_list(req->store, &req->caller, req->params[0], &items, &n, req->arena);
    if (rc < 0)
        return res_error(res, rc, NULL, "no agreement %" PRId64, req->params[0]);
    list = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(list, change_order_json(&items[i]));
    return res_json(res, 200, api_list_json(list, 0));
}

static int run_sign(struct req *req, struct res *res, const struct signing *by)
{
    struct store_fault fault = {0};
    struct change_order co;
    int rc;

    rc = store_change_order_sign(req->store, &req->caller, req->params[0], req->params[1], by,
                                 time_now(), &co, &fault, req->arena);
    if (rc < 0)
        return api_fault(res, rc, &fault, "no change order");
    return res_json(res, 200, change_order_json(&co));
}

/* POST …/change-orders/{cid}/sign: the vendor's signature (staff). */
int api_change_order_sign(struct req *req, struct res *res)
{
    struct signing by = {PARTY_VENDOR, NULL, req->client_addr};
    json_t *in;
    int rc;

    if ((rc = api_optional_json(req, res, NULL, 0, &in)) < 0)
        return rc;
    return run_sign(req, res, &by);
}

/* POST …/change-orders/{cid}/accept {"name"}: the customer's signature. */
int api_change_order_accept(struct req *req, struct res *res)
{
    struct signing by = {PARTY_CUSTOMER, NULL, req->client_addr};
    int rc;

    if ((rc = api_accept_name(req, res, &by.name)) < 0)
        return rc;
    return run_sign(req, res, &by);
}
