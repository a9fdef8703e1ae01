/*
 * desk_billing.c - what an agreement bills, on the desk's agreement page
 * (/desk/agreements/{id}): its time entries, expenses and invoices (lists),
 * with the forms that add to them, and a booking's rescheduling with its cost:
 *
 *   POST …/time                         minutes, kind, on (empty: today), note
 *   POST …/expenses                     kind actual: amount (decimal, in the
 *                                       agreement's currency), note, on;
 *                                       kind per_diem: days, note, on
 *   POST …/invoices                     period_start, period_end
 *   POST …/bookings/{bid}/reschedule    starts_on, ends_on, overlap_reason
 *                                       (non-empty: forces a double booking),
 *                                       and one cost:
 *                                       cost (decimal; empty: none), cost_note
 *
 * and, for an organisation (the agreements list filtered to it):
 *
 *   POST /desk/organizations/{id}/add-ons          service_id, starts_on, ends_on (empty:
 *                                                  runs on), currency, annual_price
 *                                                  (decimal), note
 *   POST /desk/organizations/{id}/invoices/yearly  period_start, period_end
 *
 * which answer 303 to /desk/agreements?organization_id={id}&saved=…, or the error page.
 *
 * Each agreement form answers 303 to the agreement's page, or shows it again
 * (page_desk_agreement_again) with 422 and why, or the store's status and
 * message (409 for an invoice period that overlaps another, or nothing to bill).
 */
#include "core/compat.h"
#include "core/err.h"
#include "core/time.h"
#include "domain/addon.h"
#include "domain/agreement.h"
#include "domain/invoice.h"
#include "domain/money.h"
#include "http/input.h"
#include "http/pages/pages.h"
#include "store/store.h"

#define NOTE_MAX 2000         /* characters of a time entry's or an expense's note (as the API) */
#define COST_NOTE_MAX 500     /* characters of a rescheduling cost's note (as the API) */
#define PER_DIEM_DAYS_MAX 366 /* days of one per-diem expense (as the API) */
#define INVOICES_MAX 100      /* invoices listed on the page, newest first */


static const char *money_text(int64_t amount, const struct currency *cur, struct arena *a)
{
    char *buf;

    if (!cur)
        return arena_sprintf(a, "%" PRId64, amount);
    buf = arena_alloc(a, MONEY_TEXT_LEN);
    return page_number(money_format(amount, cur, MONEY_GROUP, buf));
}

static json_t *time_json(const struct time_entry *t, size_t n, struct arena *a)
{
    json_t *list = json_array();

    for (size_t i = 0; i < n; i++)
        json_array_append_new(list, json_pack("{s:o, s:s, s:s, s:s, s:b}", "on", page_day_json(t[i].on),
                                              "time", page_hmm(t[i].minutes * 60, a), "kind",
                                              tr(time_kind_names[t[i].kind]), "note", t[i].note,
                                              "invoiced", t[i].invoice_id != 0));
    return list;
}

static json_t *expenses_json(const struct expense *e, size_t n, const struct currency *cur,
                             struct arena *a)
{
    json_t *list = json_array();

    for (size_t i = 0; i < n; i++)
        json_array_append_new(
            list, json_pack("{s:o, s:s, s:o, s:s, s:s, s:b}", "on", page_day_json(e[i].on), "kind",
                            expense_kind_names[e[i].kind], "days",
                            e[i].kind == EXPENSE_PER_DIEM ? json_integer(e[i].days) : json_null(),
                            "amount", money_text(e[i].amount, cur, a), "note", e[i].note,
                            "invoiced", e[i].invoice_id != 0));
    return list;
}

static json_t *invoices_json(const struct invoice *inv, size_t n, struct arena *a)
{
    json_t *list = json_array();

    for (size_t i = 0; i < n; i++)
        json_array_append_new(
            list,
            json_pack("{s:I, s:s, s:o, s:o, s:o, s:s, s:s}", "id", (json_int_t)inv[i].id, "number",
                      inv[i].number, "issued_on", page_day_json(inv[i].issued_on), "period_start",
                      page_day_json(inv[i].period_start), "period_end", page_day_json(inv[i].period_end),
                      "total", money_text(inv[i].total, currency_find(inv[i].currency), a),
                      "currency", inv[i].currency));
    return list;
}

int page_agreement_billing(struct req *req, const struct agreement *g, json_t *data)
{
    struct invoice_filter f = {0, g->id, 0, INVOICES_MAX};
    const struct currency *cur = currency_find(g->currency);
    struct time_entry *te;
    struct expense *ex;
    struct invoice *inv;
    size_t nte, nex, ninv;
    int64_t next;
    int rc;

    rc = store_time_entry_list(req->store, &req->caller, 0, g->id, &te, &nte, req->arena);
    if (rc < 0 ||
        (rc = store_expense_list(req->store, &req->caller, g->id, &ex, &nex, req->arena)) < 0 ||
        (rc = store_invoice_list(req->store, &req->caller, &f, &inv, &ninv, &next, req->arena)) < 0)
        return rc;
    json_object_set_new(data, "time_entries", time_json(te, nte, req->arena));
    json_object_set_new(data, "time_kinds", page_word_options(time_kind_names));
    json_object_set_new(data, "expenses", expenses_json(ex, nex, cur, req->arena));
    json_object_set_new(data, "per_diem_rate",
                        json_string(money_text(g->per_diem_rate, cur, req->arena)));
    json_object_set_new(data, "invoices", invoices_json(inv, ninv, req->arena));
    return 0;
}

/* 303 to the agreement's page, or the page again with the store's status and message. */
static int done(struct req *req, struct res *res, int rc, const struct store_fault *f)
{
    if (rc == DESK_ENOTFOUND && !f->field && !*f->message)
        return page_error(req, res, rc, "there is no agreement %" PRId64, req->params[0]);
    if (rc < 0)
        return page_desk_agreement_again(req, res, http_status_from_err(rc),
                                         page_fault_message(rc, f));
    return page_saved(req, res,
                         arena_sprintf(req->arena, "/desk/agreements/%" PRId64, req->params[0]));
}

/* Form field `name` as a date into *day; an empty field is dflt. 0 or DESK_EINVAL. */
static int form_date(const struct req *req, const char *name, int64_t dflt, int64_t *day)
{
    const char *s = page_form_str(req, name);

    *day = dflt;
    if (!*s)
        return dflt == DATE_NONE ? DESK_EINVAL : 0;
    return date_parse(s, strlen(s), day) < 0 ? DESK_EINVAL : 0;
}

/* An invoice period from period_start and period_end: NULL, or why it is not one. */
static const char *form_period(const struct req *req, int64_t *start, int64_t *end)
{
    if (form_date(req, "period_start", DATE_NONE, start) < 0 ||
        form_date(req, "period_end", DATE_NONE, end) < 0)
        return "the period's dates must be YYYY-MM-DD";
    return *end < *start ? "the period ends before it starts" : NULL;
}

/* The agreement's currency into *cur; the page or the 404 page when it cannot be had. */
static int agreement_currency(struct req *req, struct res *res, const struct currency **cur)
{
    struct agreement g;
    int rc;

    if ((rc = store_agreement_get(req->store, &req->caller, req->params[0], &g, req->arena)) < 0)
        return page_error(req, res, rc, "there is no agreement %" PRId64, req->params[0]);
    if (!(*cur = currency_find(g.currency)))
        return page_desk_agreement_again(req, res, 422, "the agreement has no known currency");
    return 0;
}

/* A decimal amount of cur into *out (minor units, 0..MONEY_INPUT_MAX); else the message. */
static const char *amount_problem(struct req *req, const char *s, const struct currency *cur,
                                  int64_t *out)
{
    if (money_parse(page_number_text(req, s), cur, out) < 0 || *out < 0 || *out > MONEY_INPUT_MAX)
        return arena_sprintf(req->arena,
                             "the amount must be a number of %s with at most %d decimals",
                             cur->code, cur->exponent);
    return NULL;
}

int page_desk_agreement_time(struct req *req, struct res *res)
{
    const char *kind = page_form_str(req, "kind"), *note = page_form_str(req, "note"), *why;
    struct time_entry t = {.agreement_id = req->params[0], .user_id = req->user.id};
    struct store_fault fault = {0};
    bool known = false;

    t.minutes = page_form_id(req, "minutes");
    if (t.minutes < 1 || t.minutes > TIME_MINUTES_MAX)
        return page_desk_agreement_again(req, res, 422, "minutes must be 1 to 100000");
    for (int i = 0; time_kind_names[i]; i++)
        if (!strcmp(kind, time_kind_names[i]))
            t.kind = (enum time_kind)i, known = true;
    if (!known)
        return page_desk_agreement_again(req, res, 422, "choose the kind of time");
    if (form_date(req, "on", floor_div(time_now(), 86400), &t.on) < 0)
        return page_desk_agreement_again(req, res, 422, "the date must be YYYY-MM-DD");
    if ((why = page_text_problem("the note", note, NOTE_MAX, req->arena)))
        return page_desk_agreement_again(req, res, 422, why);
    t.note = note;
    return done(req, res, store_time_entry_create(req->store, &req->caller, &t, time_now(), &fault),
                &fault);
}

int page_desk_agreement_expense(struct req *req, struct res *res)
{
    const char *note = page_form_str(req, "note"), *why;
    struct expense e = {.agreement_id = req->params[0]};
    struct store_fault fault = {0};
    const struct currency *cur;
    int rc;

    if (!strcmp(page_form_str(req, "kind"), "per_diem")) {
        e.kind = EXPENSE_PER_DIEM;
        e.days = page_form_id(req, "days");
        if (e.days < 1 || e.days > PER_DIEM_DAYS_MAX)
            return page_desk_agreement_again(req, res, 422,
                                             "a per-diem expense needs 1 to 366 days");
    } else if (!strcmp(page_form_str(req, "kind"), "actual")) {
        e.kind = EXPENSE_ACTUAL;
        if ((rc = agreement_currency(req, res, &cur)) != 0)
            return rc;
        if ((why = amount_problem(req, page_form_str(req, "amount"), cur, &e.amount)))
            return page_desk_agreement_again(req, res, 422, why);
    } else {
        return page_desk_agreement_again(req, res, 422, "choose the kind of expense");
    }
    if (!*note)
        return page_desk_agreement_again(req, res, 422, "give the receipt or purpose in the note");
    if ((why = page_text_problem("the note", note, NOTE_MAX, req->arena)))
        return page_desk_agreement_again(req, res, 422, why);
    e.note = note;
    if (form_date(req, "on", floor_div(time_now(), 86400), &e.on) < 0)
        return page_desk_agreement_again(req, res, 422, "the date must be YYYY-MM-DD");
    return done(req, res, store_expense_create(req->store, &req->caller, &e, time_now(), &fault),
                &fault);
}

int page_desk_agreement_invoice(struct req *req, struct res *res)
{
    struct store_fault fault = {0};
    int64_t start, end;
    struct invoice inv;
    const char *why;
    int rc;

    if ((why = form_period(req, &start, &end)))
        return page_desk_agreement_again(req, res, 422, why);
    rc = store_invoice_create(req->store, &req->caller, req->params[0], 0, start, end, time_now(),
                              &inv, &fault, req->arena);
    return done(req, res, rc, &fault);
}

int page_desk_booking_reschedule(struct req *req, struct res *res)
{
    const char *cost = page_form_str(req, "cost"), *note = page_form_str(req, "cost_note"), *why;
    const char *reason = page_form_str(req, "overlap_reason");
    struct expense costs[1] = {{0}};
    struct store_fault fault = {0};
    const struct currency *cur;
    int64_t starts_on, ends_on;
    struct booking out;
    size_t n = 0;
    int rc;

    if (form_date(req, "starts_on", DATE_NONE, &starts_on) < 0 ||
        form_date(req, "ends_on", DATE_NONE, &ends_on) < 0)
        return page_desk_agreement_again(req, res, 422, "the booking's dates must be YYYY-MM-DD");
    if (ends_on < starts_on)
        return page_desk_agreement_again(req, res, 422, "the booking ends before it starts");
    if (*cost || *note) {
        if ((rc = agreement_currency(req, res, &cur)) != 0)
            return rc;
        if ((why = amount_problem(req, cost, cur, &costs[0].amount)))
            return page_desk_agreement_again(req, res, 422, why);
        if (!*note)
            return page_desk_agreement_again(req, res, 422, "say what the cost is for");
        if ((why = page_text_problem("the cost's note", note, COST_NOTE_MAX, req->arena)))
            return page_desk_agreement_again(req, res, 422, why);
        costs[0].note = note;
        n = 1;
    }
    if (*reason && (why = page_line_problem("the reason", reason, BOOKING_REASON_MAX, req->arena)))
        return page_desk_agreement_again(req, res, 422, why);
    struct booking_move m = {starts_on, ends_on, *reason ? reason : NULL, costs, n};
    rc = store_booking_reschedule(req->store, &req->caller, req->params[0], req->params[1], &m,
                                  time_now(), &out, &fault, req->arena);
    if (rc == DESK_ENOTFOUND && !fault.field && !*fault.message)
        return page_error(req, res, rc, "there is no booking %" PRId64, req->params[1]);
    return done(req, res, rc, &fault);
}

/* ---- an organisation's add-ons and yearly invoice (/desk/agreements?organization_id=) ---- */

/* Back to the organisation's agreements, saying what was done (or the refusal, 4xx). */
static int org_done(struct req *req, struct res *res, int rc, const struct store_fault *f,
                    const char *saved)
{
    if (rc < 0)
        return page_error(req, res, rc, "%s", page_fault_message(rc, f));
    /* the page says what was done itself (?saved=), not only "Saved." */
    return page_redirect(res, arena_sprintf(req->arena,
                                            "/desk/agreements?organization_id=%" PRId64
                                            "&saved=%s",
                                            req->params[0], saved));
}

/* POST /desk/organizations/{id}/add-ons: service_id, starts_on, ends_on, currency, price, note */
int page_desk_addon_create(struct req *req, struct res *res)
{
    const char *currency = page_form_str(req, "currency"), *note = page_form_str(req, "note");
    struct store_fault fault = {0};
    const struct currency *cur;
    struct addon in = {0}, out;
    const char *why;
    int rc;

    in.organization_id = req->params[0];
    if (!(in.service_id = page_form_id(req, "service_id")))
        return page_error(req, res, DESK_EINVAL, "choose the service");
    in.ends_on = DATE_NONE; /* an empty end: it runs on */
    if (form_date(req, "starts_on", DATE_NONE, &in.starts_on) < 0 ||
        (*page_form_str(req, "ends_on") && form_date(req, "ends_on", DATE_NONE, &in.ends_on) < 0))
        return page_error(req, res, DESK_EINVAL, "the dates must be YYYY-MM-DD");
    if (!(cur = currency_find(currency)))
        return page_error(req, res, DESK_EINVAL, "the currency must be an ISO 4217 code");
    if ((why = amount_problem(req, page_form_str(req, "annual_price"), cur, &in.annual_price)) ||
        (why = page_text_problem("the note", note, ADDON_NOTE_MAX, req->arena)))
        return page_error(req, res, DESK_EINVAL, "%s", why);
    snprintf(in.currency, sizeof(in.currency), "%s", cur->code);
    in.note = note;
    rc = store_addon_create(req->store, &req->caller, &in, time_now(), &out, &fault, req->arena);
    return org_done(req, res, rc, &fault, "add-on");
}

/* POST /desk/organizations/{id}/invoices/yearly: period_start, period_end */
int page_desk_yearly_invoice(struct req *req, struct res *res)
{
    struct store_fault fault = {0};
    int64_t start, end;
    struct invoice inv;
    const char *why;
    int rc;

    if ((why = form_period(req, &start, &end)))
        return page_error(req, res, DESK_EINVAL, "%s", why);
    rc = store_invoice_create_yearly(req->store, &req->caller, req->params[0], start, end,
                                     time_now(), &inv, &fault, req->arena);
    return org_done(req, res, rc, &fault, rc < 0 ? "" : inv.number);
}
