/*
 * bookings.c - resource bookings of an agreement: POST/GET
 * /api/v1/agreements/{id}/bookings and POST …/bookings/{bid}/reschedule,
 * whose costs already incurred become expenses billed to the customer.
 */
#include "core/compat.h"
#include "http/api/api.h"
#include "core/err.h"
#include "core/time.h"
#include "domain/agreement.h"
#include "http/input.h"
#include "store/store.h"

#define COSTS_MAX 50
#define NOTE_MAX 500

static json_t *booking_json(const struct booking *b)
{
    return json_pack("{s:I, s:I, s:I, s:o, s:o, s:s, s:o, s:o, s:o}", "id", (json_int_t)b->id,
                     "agreement_id", (json_int_t)b->agreement_id, "user_id", (json_int_t)b->user_id,
                     "starts_on", json_date(b->starts_on), "ends_on", json_date(b->ends_on),
                     "status", booking_status_names[b->status], "overlap_reason",
                     b->overlap_reason ? json_string(b->overlap_reason) : json_null(), "created_at",
                     json_time(b->created_at), "updated_at", json_time(b->updated_at));
}

/*
 * "force" and "reason" of in: the reason that forces a double booking, or
 * NULL. force true without a reason is 422 naming reason.
 */
static int read_force(json_t *in, const char **reason, struct res *res)
{
    *reason = NULL;
    if (!json_is_true(json_object_get(in, "force")))
        return 0;
    if (!(*reason = input_str(in, "reason")))
        return res_error(res, DESK_EINVAL, "reason",
                         "force needs a reason: say why the person may be booked twice");
    return 0;
}

/* starts_on and ends_on of in (checked as dates), ends_on not before starts_on. */
static int read_dates(json_t *in, struct booking *b, struct res *res)
{
    b->starts_on = input_date(in, "starts_on", DATE_NONE);
    b->ends_on = input_date(in, "ends_on", DATE_NONE);
    if (b->ends_on < b->starts_on)
        return res_error(res, DESK_EINVAL, "ends_on", "ends_on is before starts_on");
    return 0;
}

static const struct field_spec create_fields[] = {
    {"user_id", F_ID, true, 0, 0, NULL},
    {"starts_on", F_DATE, true, 0, 0, NULL},
    {"ends_on", F_DATE, true, 0, 0, NULL},
    {"force", F_BOOL, false, 0, 0, NULL},
    {"reason", F_LINE, false, 1, BOOKING_REASON_MAX, NULL},
};

int api_booking_create(struct req *req, struct res *res)
{
    struct store_fault fault = {0};
    struct booking b = {0};
    json_t *in;
    int rc;

    if ((rc = req_json(req, res, &in)) < 0 ||
        (rc = input_check(in, create_fields, ARRAY_SIZE(create_fields), res)) < 0 ||
        (rc = read_dates(in, &b, res)) < 0 || (rc = read_force(in, &b.overlap_reason, res)) < 0)
        return rc;
    b.agreement_id = req->params[0];
    b.user_id = input_int(in, "user_id", 0);
    if ((rc = store_booking_create(req->store, &req->caller, &b, time_now(), &fault)) < 0)
        return api_fault(res, rc, &fault, "no agreement");
    return res_json(res, 201, booking_json(&b));
}

int api_booking_list(struct req *req, struct res *res)
{
    struct booking *items;
    json_t *list;
    size_t n;
    int rc;

    rc = store_booking_list(req->store, &req->caller, req->params[0], &items, &n, req->arena);
    if (rc < 0)
        return res_error(res, rc, NULL, "no agreement %" PRId64, req->params[0]);
    list = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(list, booking_json(&items[i]));
    return res_json(res, 200, api_list_json(list, 0));
}

static const struct field_spec reschedule_fields[] = {
    {"starts_on", F_DATE, true, 0, 0, NULL},
    {"ends_on", F_DATE, true, 0, 0, NULL},
    {"costs", F_ARRAY, false, 0, COSTS_MAX, NULL},
    {"force", F_BOOL, false, 0, 0, NULL},
    {"reason", F_LINE, false, 1, BOOKING_REASON_MAX, NULL},
};

/* costs: [{"amount": minor units, "note": 1..500 characters}] as expenses (arena). */
static int read_costs(struct req *req, json_t *in, struct expense **out, size_t *n, struct res *res)
{
    json_t *list = json_object_get(in, "costs"), *v;
    size_t i;

    *n = json_array_size(list);
    *out = ARENA_NEWN(req->arena, struct expense, *n + 1);
    json_array_foreach(list, i, v)
    {
        json_t *amount = json_object_get(v, "amount");
        const char *note = json_string_value(json_object_get(v, "note"));
        if (!json_is_object(v) || json_object_size(v) != 2 || !json_is_integer(amount) ||
            json_integer_value(amount) < 0 || json_integer_value(amount) > MONEY_INPUT_MAX)
            return res_error(res, DESK_EINVAL, arena_sprintf(req->arena, "costs[%zu].amount", i),
                             "costs[%zu] must be {\"amount\", \"note\"} with a whole, "
                             "non-negative amount in minor units",
                             i);
        if (!note || !*note || utf8_chars(note, strlen(note)) > NOTE_MAX)
            return res_error(res, DESK_EINVAL, arena_sprintf(req->arena, "costs[%zu].note", i),
                             "costs[%zu].note must have 1 to %d characters", i, NOTE_MAX);
        (*out)[i].amount = json_integer_value(amount);
        (*out)[i].note = note;
    }
    return 0;
}

int api_booking_reschedule(struct req *req, struct res *res)
{
    struct store_fault fault = {0};
    struct expense *costs;
    struct booking b = {0};
    struct booking_move m;
    size_t n;
    json_t *in;
    int rc;

    if ((rc = req_json(req, res, &in)) < 0 ||
        (rc = input_check(in, reschedule_fields, ARRAY_SIZE(reschedule_fields), res)) < 0 ||
        (rc = read_dates(in, &b, res)) < 0 || (rc = read_costs(req, in, &costs, &n, res)) < 0 ||
        (rc = read_force(in, &m.force_reason, res)) < 0)
        return rc;
    m.starts_on = b.starts_on;
    m.ends_on = b.ends_on;
    m.costs = costs;
    m.ncosts = n;
    rc = store_booking_reschedule(req->store, &req->caller, req->params[0], req->params[1], &m,
                                  time_now(), &b, &fault, req->arena);
    if (rc < 0)
        return api_fault(res, rc, &fault, "no booking");
    return res_json(res, 200, booking_json(&b));
}
