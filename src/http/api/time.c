/*
 * time.c - time entries (POST/GET /api/v1/tickets/{id}/time-entries and
 * /api/v1/agreements/{id}/time-entries) and travel and living expenses
 * (POST/GET /api/v1/agreements/{id}/expenses).
 */
#include "core/compat.h"
#include "http/api/api.h"
#include "core/err.h"
#include "core/time.h"
#include "domain/agreement.h"
#include "http/input.h"
#include "store/store.h"

#define NOTE_MAX 2000
#define PER_DIEM_DAYS_MAX 366

/* ---- time entries ------------------------------------------------------------------------- */

static json_t *time_json(const struct time_entry *t)
{
    return json_pack("{s:I, s:I, s:o, s:o, s:I, s:I, s:o, s:s, s:o, s:s, s:o, s:o}", "id",
                     (json_int_t)t->id, "organization_id", (json_int_t)t->organization_id,
                     "ticket_id", json_id(t->ticket_id), "agreement_id", json_id(t->agreement_id),
                     "user_id", (json_int_t)t->user_id, "minutes", (json_int_t)t->minutes, "hours",
                     json_hours(t->minutes), "kind", time_kind_names[t->kind], "on",
                     json_date(t->on), "note", t->note, "invoice_id", json_id(t->invoice_id),
                     "created_at", json_time(t->created_at));
}

static const struct field_spec time_fields[] = {
    {"minutes", F_INT, true, 1, TIME_MINUTES_MAX, NULL},
    {"kind", F_ENUM, true, 0, 0, time_kind_names},
    {"agreement_id", F_ID, false, 0, 0, NULL},
    {"on", F_DATE, false, 0, 0, NULL},
    {"note", F_STRING, false, 0, NOTE_MAX, NULL},
};

/* Record time on request ticket_id or agreement agreement_id (the route's; the other 0). */
static int time_create(struct req *req, struct res *res, int64_t ticket_id, int64_t agreement_id)
{
    struct store_fault fault = {0};
    struct time_entry t = {0};
    int64_t now = time_now();
    const char *kind;
    json_t *in;
    int rc;

    if ((rc = req_json(req, res, &in)) < 0 ||
        (rc = input_check(in, time_fields, ARRAY_SIZE(time_fields), res)) < 0)
        return rc;
    t.agreement_id = input_int(in, "agreement_id", agreement_id);
    if (agreement_id && t.agreement_id != agreement_id)
        return res_error(res, DESK_EINVAL, "agreement_id",
                         "agreement_id must be the agreement of the path (%" PRId64 ")",
                         agreement_id);
    kind = input_str(in, "kind");
    for (int k = 0; time_kind_names[k]; k++)
        if (!strcmp(time_kind_names[k], kind))
            t.kind = (enum time_kind)k;
    t.ticket_id = ticket_id;
    t.minutes = input_int(in, "minutes", 0);
    t.on = input_date(in, "on", floor_div(now, 86400));
    t.note = input_str(in, "note") ? input_str(in, "note") : "";
    if ((rc = store_time_entry_create(req->store, &req->caller, &t, now, &fault)) < 0)
        return api_fault(res, rc, &fault, "no %s", ticket_id ? "ticket" : "agreement");
    return res_json(res, 201, time_json(&t));
}

static int time_list(struct req *req, struct res *res, int64_t ticket_id, int64_t agreement_id)
{
    struct time_entry *items;
    json_t *list;
    size_t n;
    int rc;

    rc = store_time_entry_list(req->store, &req->caller, ticket_id, agreement_id, &items, &n,
                               req->arena);
    if (rc < 0)
        return res_error(res, rc, NULL, "no %s %" PRId64, ticket_id ? "ticket" : "agreement",
                         req->params[0]);
    list = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(list, time_json(&items[i]));
    return res_json(res, 200, api_list_json(list, 0));
}

int api_ticket_time_create(struct req *req, struct res *res)
{
    return time_create(req, res, req->params[0], 0);
}

int api_agreement_time_create(struct req *req, struct res *res)
{
    return time_create(req, res, 0, req->params[0]);
}

int api_ticket_time_list(struct req *req, struct res *res)
{
    return time_list(req, res, req->params[0], 0);
}

int api_agreement_time_list(struct req *req, struct res *res)
{
    return time_list(req, res, 0, req->params[0]);
}

/* ---- expenses -------------------------------------------------------------------------------- */

static json_t *expense_json(const struct expense *e)
{
    return json_pack("{s:I, s:I, s:s, s:I, s:o, s:s, s:o, s:o, s:o, s:o}", "id", (json_int_t)e->id,
                     "agreement_id", (json_int_t)e->agreement_id, "kind",
                     expense_kind_names[e->kind], "amount", (json_int_t)e->amount, "days",
                     e->kind == EXPENSE_PER_DIEM ? json_integer(e->days) : json_null(), "note",
                     e->note, "on", json_date(e->on), "booking_id", json_id(e->booking_id),
                     "invoice_id", json_id(e->invoice_id), "created_at", json_time(e->created_at));
}

static const struct field_spec expense_fields[] = {
    {"kind", F_ENUM, true, 0, 0, expense_kind_names},
    {"note", F_STRING, true, 1, NOTE_MAX, NULL},
    {"amount", F_MONEY, false, 0, 0, NULL},
    {"days", F_INT, false, 1, PER_DIEM_DAYS_MAX, NULL},
    {"on", F_DATE, false, 0, 0, NULL},
};

/* actual: an amount and no days; per_diem: days and no amount (it is days x the rate). */
static int read_expense(json_t *in, struct expense *e, struct res *res)
{
    bool per_diem = !strcmp(input_str(in, "kind"), "per_diem");
    json_t *amount = json_object_get(in, "amount"), *days = json_object_get(in, "days");

    e->kind = per_diem ? EXPENSE_PER_DIEM : EXPENSE_ACTUAL;
    if (per_diem && (!days || json_is_null(days)))
        return res_error(res, DESK_EINVAL, "days", "a per_diem expense needs days");
    if (per_diem && amount && !json_is_null(amount))
        return res_error(res, DESK_EINVAL, "amount",
                         "a per_diem expense takes days; its amount is days x per_diem_rate");
    if (!per_diem && (!amount || json_is_null(amount)))
        return res_error(res, DESK_EINVAL, "amount", "an actual expense needs an amount");
    if (!per_diem && days && !json_is_null(days))
        return res_error(res, DESK_EINVAL, "days", "days go with per_diem expenses");
    e->amount = input_int(in, "amount", 0);
    e->days = input_int(in, "days", 0);
    e->note = input_str(in, "note");
    return 0;
}

int api_expense_create(struct req *req, struct res *res)
{
    struct store_fault fault = {0};
    struct expense e = {0};
    int64_t now = time_now();
    json_t *in;
    int rc;

    if ((rc = req_json(req, res, &in)) < 0 ||
        (rc = input_check(in, expense_fields, ARRAY_SIZE(expense_fields), res)) < 0 ||
        (rc = read_expense(in, &e, res)) < 0)
        return rc;
    e.agreement_id = req->params[0];
    e.on = input_date(in, "on", floor_div(now, 86400));
    if ((rc = store_expense_create(req->store, &req->caller, &e, now, &fault)) < 0)
        return api_fault(res, rc, &fault, "no %s", "agreement");
    return res_json(res, 201, expense_json(&e));
}

int api_expense_list(struct req *req, struct res *res)
{
    struct expense *items;
    json_t *list;
    size_t n;
    int rc;

    rc = store_expense_list(req->store, &req->caller, req->params[0], &items, &n, req->arena);
    if (rc < 0)
        return res_error(res, rc, NULL, "no agreement %" PRId64, req->params[0]);
    list = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(list, expense_json(&items[i]));
    return res_json(res, 200, api_list_json(list, 0));
}
