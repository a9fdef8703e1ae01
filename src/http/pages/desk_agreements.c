/*
 * desk_agreements.c - one agreement on the desk, GET /desk/agreements/{id}
 * (agents, admins): its terms, quote, notice, hours bank (enhanced and
 * advanced), change orders and bookings, with the forms that change it:
 *
 *   POST …/quote                        amount (decimal, in the agreement's
 *                                       currency) and valid_until
 *   POST …/sign                         sign it (confirms the bookings)
 *   POST …/cancel                       notice_given_on (empty: today); the
 *                                       page then shows the resulting ends_on
 *   POST …/change-orders                hours (decimal, negative removes),
 *                                       reason, applies_to, booking_ids ("3, 4":
 *                                       the bookings it reschedules)
 *   POST …/change-orders/{cid}/sign     apply one
 *   POST …/bookings                     user_id (staff), starts_on, ends_on,
 *                                       overlap_reason (non-empty: forces a
 *                                       double booking)
 *
 * Each answers 303 to the agreement's page, or shows it again with the
 * store's status (409, 422) and message; a missing agreement is the 404 page.
 * Its time entries, expenses, invoices and a booking's rescheduling are
 * desk_billing.c's.
 */
#include "core/compat.h"
#include "http/pages/pages.h"
#include "core/err.h"
#include "core/time.h"
#include "domain/agreement.h"
#include "domain/money.h"
#include "http/api/api.h"
#include "http/input.h"
#include "store/store.h"

#define REASON_MAX 2000          /* characters of a change order's reason (as the API) */
#define CHANGE_HOURS_MAX 1000000 /* hours of one change order, either way (as the API) */


/* The bookings with the booked person's name. */
static json_t *bookings_json(const struct booking *b, size_t n, const struct named *staff,
                             size_t nstaff)
{
    json_t *list = json_array();

    for (size_t i = 0; i < n; i++)
        json_array_append_new(
            list,
            json_pack("{s:I, s:s, s:o, s:o, s:s, s:s?}", "id", (json_int_t)b[i].id, "user",
                      page_name_of(staff, nstaff, b[i].user_id), "starts_on",
                      page_day_json(b[i].starts_on), "ends_on", page_day_json(b[i].ends_on), "status",
                      tr(booking_status_names[b[i].status]), "overlap_reason",
                      b[i].overlap_reason));
    return list;
}

/* Mark the proposed change orders of the page's list, for their sign buttons. */
static void mark_proposed(json_t *agreement)
{
    json_t *list = json_object_get(agreement, "change_orders"), *co;
    size_t i;

    json_array_foreach(list, i, co)
    {
        const char *st = json_string_value(json_object_get(co, "status"));
        json_t *vendor = json_object_get(json_object_get(co, "signatures"), "vendor");
        json_object_set_new(co, "proposed", json_boolean(st && !strcmp(st, "proposed") &&
                                                         json_is_null(vendor)));
    }
}

/* What the desk adds to the portal's view of agreement g: money, notice, what may be done. */
static void add_terms(json_t *o, const struct agreement *g, const char *org)
{
    const struct currency *cur = currency_find(g->currency);
    bool open = g->status == AS_REQUESTED || g->status == AS_QUOTED;
    char amount[MONEY_TEXT_LEN];

    json_object_set_new(o, "organization", json_string(org));
    json_object_set_new(o, "currency", json_string(g->currency));
    json_object_set_new(o, "exponent", json_integer(cur ? cur->exponent : 0));
    if (g->quoted_at && cur) {
        page_number(money_format(g->quote_amount, cur, MONEY_GROUP, amount));
        json_object_set_new(o, "quote",
                            json_pack("{s:s, s:o}", "amount", amount, "valid_until",
                                      page_day_json(g->quote_valid_until)));
    }
    if (g->notice_given_on != DATE_NONE)
        json_object_set_new(o, "notice_given_on", page_day_json(g->notice_given_on));
    json_object_set_new(o, "can_quote", json_boolean(open));
    json_object_set_new(o, "can_sign", json_boolean(open && !g->sig[PARTY_VENDOR].signed_at));
    json_object_set_new(o, "can_cancel", json_boolean(g->status != AS_CANCELLED &&
                                                      g->notice_given_on == DATE_NONE));
    json_object_set_new(o, "can_change", json_boolean(g->kind != AK_MAINTENANCE));
    if (g->kind == AK_ENHANCED && g->status == AS_SIGNED) { /* requirements by year */
        int64_t from, to;
        agreement_year(g->starts_on, floor_div(time_now(), 86400), &from, &to);
        json_object_set_new(o, "can_record", json_true());
        json_object_set_new(o, "next_year_start", page_day_json(to + 1));
    }
}

static int show(struct req *req, struct res *res, int status, const char *error)
{
    int64_t id = req->params[0];
    struct named *orgs, *staff;
    size_t norgs, nstaff, nb;
    struct booking *b;
    struct agreement g;
    json_t *o, *scopes;
    int rc;

    if ((rc = store_agreement_get(req->store, &req->caller, id, &g, req->arena)) < 0)
        return page_error(req, res, rc, "there is no agreement %" PRId64, id);
    if ((rc = store_organization_names(req->store, &req->caller, &orgs, &norgs, req->arena)) < 0 ||
        (rc = store_staff_names(req->store, &req->caller, &staff, &nstaff, req->arena)) < 0 ||
        (rc = store_booking_list(req->store, &req->caller, id, &b, &nb, req->arena)) < 0 ||
        (rc = page_agreement_json(req, id, &o)) < 0 ||
        (rc = page_agreement_billing(req, &g, o)) < 0)
        return page_error(req, res, rc, "agreement %" PRId64 " cannot be shown", id);
    add_terms(o, &g, page_name_of(orgs, norgs, g.organization_id));
    json_object_set_new(o, "representative",
                        json_string(page_name_of(staff, nstaff, g.representative_id)));
    mark_proposed(o);
    json_object_set_new(o, "bookings", bookings_json(b, nb, staff, nstaff));
    /* the terms form: what was typed when it was the form refused */
    json_object_set_new(o, "terms",
                        page_agreement_terms_json(req, &g, req_form(req, "terms_form") != NULL));
    scopes = json_array();
    for (size_t i = 0; change_order_scope_names[i]; i++)
        json_array_append_new(scopes, json_string(change_order_scope_names[i]));
    return page_render(req, res, status, "desk_agreement",
                       json_pack("{s:s, s:o, s:s?, s:o, s:o, s:o}", "title",
                                 arena_sprintf(req->arena, tr("Agreement #%" PRId64), id),
                                 "agreement", o, "error", error, "scopes", scopes, "staff_options",
                                 page_options(staff, nstaff, 0, "choose"), "representative_options",
                                 page_options(staff, nstaff, g.representative_id, "none")));
}

int page_desk_agreement(struct req *req, struct res *res) { return show(req, res, 200, NULL); }

int page_desk_agreement_again(struct req *req, struct res *res, int status, const char *error)
{
    return show(req, res, status, error);
}

/* The store's refusal on the page, the 404 page for a missing agreement, or 303 back. */
static int done(struct req *req, struct res *res, int rc, const struct store_fault *f)
{
    if (rc == DESK_ENOTFOUND && !f->field && !*f->message)
        return page_error(req, res, rc, "there is no agreement %" PRId64, req->params[0]);
    if (rc < 0)
        return show(req, res, http_status_from_err(rc), page_fault_message(rc, f));
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

static int move(struct req *req, struct res *res, const struct agreement_move *m)
{
    struct store_fault fault = {0};
    struct agreement out;
    int rc;

    rc = store_agreement_move(req->store, &req->caller, req->params[0], m, time_now(), &out,
                              &fault, req->arena);
    return done(req, res, rc, &fault);
}

int page_desk_agreement_quote(struct req *req, struct res *res)
{
    struct agreement_move m = {.kind = MOVE_QUOTE};
    const struct currency *cur;
    struct agreement g;
    int rc;

    if ((rc = store_agreement_get(req->store, &req->caller, req->params[0], &g, req->arena)) < 0)
        return page_error(req, res, rc, "there is no agreement %" PRId64, req->params[0]);
    if (!(cur = currency_find(g.currency)))
        return show(req, res, 422, "the agreement has no known currency");
    if (money_parse(page_number_text(req, page_form_str(req, "amount")), cur, &m.amount) < 0 ||
        m.amount < 0 ||
        m.amount > MONEY_INPUT_MAX) /* the API's bound (http/input.h) */
        return show(req, res, 422,
                    arena_sprintf(req->arena,
                                  "the amount must be a number of %s with at most %d decimals",
                                  cur->code, cur->exponent));
    if (form_date(req, "valid_until", DATE_NONE, &m.valid_until) < 0)
        return show(req, res, 422, "valid until must be a date, YYYY-MM-DD");
    return move(req, res, &m);
}

int page_desk_agreement_sign(struct req *req, struct res *res)
{
    struct agreement_move m = {.kind = MOVE_SIGN};

    return move(req, res, &m);
}

int page_desk_agreement_cancel(struct req *req, struct res *res)
{
    struct agreement_move m = {.kind = MOVE_CANCEL};

    if (form_date(req, "notice_given_on", floor_div(time_now(), 86400), &m.notice) < 0)
        return show(req, res, 422, "the notice date must be a date, YYYY-MM-DD");
    return move(req, res, &m);
}

/* POST /desk/agreements/{id}/representative: one of the staff, or none ("" clears it). */
int page_desk_agreement_representative(struct req *req, struct res *res)
{
    struct agreement_patch p = {.fields = AF_REPRESENTATIVE};
    struct store_fault fault = {0};
    struct agreement out;
    int rc;

    p.to.representative_id = page_form_id(req, "representative_id");
    if (!p.to.representative_id && *page_form_str(req, "representative_id"))
        return show(req, res, 422, "choose the representative from the staff");
    rc = store_agreement_update(req->store, &req->caller, req->params[0], &p, time_now(), &out,
                                &fault, req->arena);
    return done(req, res, rc, &fault);
}

/* The form's booking_ids, "3, 4" (commas or spaces between ids), into co; 0 or DESK_EINVAL. */
static int form_booking_ids(struct req *req, struct change_order *co)
{
    const char *p = page_form_str(req, "booking_ids");
    int64_t *ids = ARENA_NEWN(req->arena, int64_t, CHANGE_ORDER_BOOKINGS_MAX);
    char *end;

    co->nbookings = 0;
    co->booking_ids = ids;
    while (*p) {
        long long v;
        if (*p == ',' || *p == ' ') {
            p++;
            continue;
        }
        errno = 0;
        v = strtoll(p, &end, 10);
        if (end == p || errno || v < 1 || co->nbookings == CHANGE_ORDER_BOOKINGS_MAX)
            return DESK_EINVAL;
        ids[co->nbookings++] = v;
        p = end;
    }
    return 0;
}

int page_desk_change_order_create(struct req *req, struct res *res)
{
    const char *hours = page_number_text(req, page_form_str(req, "hours"));
    const char *reason = page_form_str(req, "reason");
    struct change_order co = {.agreement_id = req->params[0]};
    struct store_fault fault = {0};
    const char *why;
    char *end;
    double h;
    int rc;

    errno = 0;
    h = strtod(hours, &end);
    if (!*hours || *end || errno || !(h >= -CHANGE_HOURS_MAX && h <= CHANGE_HOURS_MAX) ||
        !(co.minutes = hours_to_minutes(h)))
        return show(req, res, 422, "hours must be a number other than 0 (negative removes hours)");
    if (!*reason)
        return show(req, res, 422, "give the reason");
    if ((why = page_text_problem("the reason", reason, REASON_MAX, req->arena)))
        return show(req, res, 422, why);
    co.reason = reason;
    if (form_booking_ids(req, &co) < 0)
        return show(req, res, 422, "the bookings must be booking numbers, such as 3, 4");
    co.applies_to = !strcmp(page_form_str(req, "applies_to"), "following_years")
                        ? CO_FOLLOWING_YEARS
                        : CO_CURRENT_YEAR;
    rc = store_change_order_create(req->store, &req->caller, &co, time_now(), &fault);
    return done(req, res, rc, &fault);
}

int page_desk_change_order_sign(struct req *req, struct res *res)
{
    struct store_fault fault = {0};
    struct change_order out;
    int rc;

    struct signing by = {PARTY_VENDOR, NULL, req->client_addr};

    rc = store_change_order_sign(req->store, &req->caller, req->params[0], req->params[1], &by,
                                 time_now(), &out, &fault, req->arena);
    if (rc == DESK_ENOTFOUND && !*fault.message)
        return page_error(req, res, rc, "there is no change order %" PRId64, req->params[1]);
    return done(req, res, rc, &fault);
}

int page_desk_booking_create(struct req *req, struct res *res)
{
    struct booking b = {.agreement_id = req->params[0]};
    const char *reason = page_form_str(req, "overlap_reason"), *why;
    struct store_fault fault = {0};
    int rc;

    if (!(b.user_id = page_form_id(req, "user_id")))
        return show(req, res, 422, "choose who is booked");
    if (*reason && (why = page_line_problem("the reason", reason, BOOKING_REASON_MAX, req->arena)))
        return show(req, res, 422, why);
    b.overlap_reason = *reason ? reason : NULL;
    if (form_date(req, "starts_on", DATE_NONE, &b.starts_on) < 0 ||
        form_date(req, "ends_on", DATE_NONE, &b.ends_on) < 0)
        return show(req, res, 422, "the booking's dates must be YYYY-MM-DD");
    if (b.ends_on < b.starts_on)
        return show(req, res, 422, "the booking ends before it starts");
    rc = store_booking_create(req->store, &req->caller, &b, time_now(), &fault);
    return done(req, res, rc, &fault);
}
