/*
 * agreements.c - service agreements: POST/GET /api/v1/agreements, GET/PATCH
 * /api/v1/agreements/{id}, POST …/quote, …/sign, …/cancel, GET …/balance.
 * The rules are domain/agreement.c's; which agreements a caller sees is the
 * store's.
 */
#include "core/compat.h"
#include "core/utf8.h"
#include "http/api/api.h"
#include "core/err.h"
#include "core/time.h"
#include "domain/agreement.h"
#include "http/input.h"
#include "store/store.h"

#define PAGE_DEFAULT 50
#define PAGE_MAX 1000
#define HOURS_MAX 1000000 /* MINUTES_MAX / 60 */

/* ---- helpers shared by the money handlers -------------------------------------------- */

json_t *json_date(int64_t day)
{
    char buf[DATE_LEN];

    if (day == DATE_NONE)
        return json_null();
    date_format(day, buf);
    return json_string(buf);
}

json_t *json_hours(int64_t minutes)
{
    return json_real((double)minutes_to_centihours(minutes) / 100.0);
}

int64_t hours_to_minutes(double hours)
{
    double m = hours * 60.0;

    return (int64_t)(m < 0 ? m - 0.5 : m + 0.5);
}

int api_query_id(struct req *req, struct res *res, const char *name, int64_t *out)
{
    const char *s = req_query(req, name);
    char *end;
    long long v;

    *out = 0;
    if (!s)
        return 0;
    errno = 0;
    v = strtoll(s, &end, 10);
    if (errno || end == s || *end || v < 1)
        return res_error(res, DESK_EBADREQ, name, "%s must be a positive integer", name);
    *out = v;
    return 0;
}

int api_query_known(struct req *req, struct res *res, const char *const *names)
{
    for (size_t i = 0; i < req->nquery; i++) {
        const char *const *n = names;
        while (*n && strcmp(*n, req->query[i].key))
            n++;
        if (!*n) {
            const char *key = req->query[i].key;
            if (strlen(key) > 64 || utf8_line_problem(key, strlen(key))) /* not a JSON string */
                return res_error(res, DESK_EBADREQ, "query",
                                 "an unknown query parameter (not a name)");
            return res_error(res, DESK_EBADREQ, key, "unknown query parameter '%s'", key);
        }
    }
    return 0;
}

int api_page_params(struct req *req, struct res *res, int *limit, int64_t *before)
{
    int64_t lim;
    int rc;

    *limit = PAGE_DEFAULT;
    if ((rc = api_query_id(req, res, "cursor", before)) < 0)
        return rc;
    if (req_query(req, "limit") && (api_query_id(req, res, "limit", &lim) < 0 || lim > PAGE_MAX))
        return res_error(res, DESK_EBADREQ, "limit", "limit must be 1 to %d", PAGE_MAX);
    if (req_query(req, "limit"))
        *limit = (int)lim;
    return 0;
}

int api_optional_json(struct req *req, struct res *res, const struct field_spec *specs, size_t n,
                      json_t **in)
{
    int rc;

    *in = NULL;
    if (!req->body_len)
        return 0;
    if ((rc = req_json(req, res, in)) < 0)
        return rc;
    return input_check(*in, specs, n, res);
}

/* ---- rendering --------------------------------------------------------------------------- */

static json_t *flags_json(const char *const *names, unsigned bits)
{
    json_t *list = json_array();

    for (int i = 0; names[i]; i++)
        if (bits & (1u << i))
            json_array_append_new(list, json_string(names[i]));
    return list;
}

static json_t *phases_json(const struct agreement *a)
{
    json_t *list = json_array();

    for (size_t i = 0; i < a->nphases; i++)
        json_array_append_new(list, json_pack("{s:s, s:I, s:o}", "name", a->phases[i].name,
                                              "amount", (json_int_t)a->phases[i].amount,
                                              "reached_on", json_date(a->phases[i].reached_on)));
    return list;
}

static json_t *nullable_string(const char *s)
{
    return s ? json_string(s) : json_null();
}

json_t *signatures_json(const struct signature *sig)
{
    json_t *o = json_object();

    for (int p = 0; p < 2; p++)
        json_object_set_new(
            o, party_names[p],
            sig[p].signed_at
                ? json_pack("{s:o, s:s, s:s, s:o}", "user_id", json_id(sig[p].user_id), "name",
                            sig[p].name, "client_addr", sig[p].client_addr, "signed_at",
                            json_time(sig[p].signed_at))
                : json_null());
    return o;
}

json_t *agreement_to_json(const struct agreement *a, int64_t now)
{
    json_t *o;
    int64_t today = floor_div(now, 86400);
    json_t *quote =
        a->quoted_at
            ? json_pack("{s:I, s:o, s:o}", "amount", (json_int_t)a->quote_amount, "valid_until",
                        json_date(a->quote_valid_until), "quoted_at", json_time(a->quoted_at))
            : json_null();

    o = json_pack(
        "{s:I, s:I, s:s, s:s, s:b, s:b, s:o, s:o, s:o, s:o, s:o, s:o, s:s, s:I, s:I, s:I, s:o, "
        "s:I, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}",
        "id", (json_int_t)a->id, "organization_id", (json_int_t)a->organization_id, "kind",
        agreement_kind_name(a->kind), "status",
        agreement_status_name(agreement_status_on(a, today)), "active",
        agreement_active_on(a, today), "quote_overdue", agreement_quote_overdue(a, now),
        "starts_on", json_date(a->starts_on), "ends_on", json_date(a->ends_on), "hosting",
        nullable_string(hosting_name(a->hosting)), "sla_policy_id", json_id(a->sla_policy_id),
        "calendar_id", json_id(a->calendar_id), "rasci_matrix_id", json_id(a->rasci_matrix_id),
        "currency", a->currency, "annual_fee", (json_int_t)a->annual_fee, "rate",
        (json_int_t)a->rate, "per_diem_rate", (json_int_t)a->per_diem_rate, "hours",
        json_hours(a->hours_minutes), "hours_minutes", (json_int_t)a->hours_minutes, "extras",
        flags_json(agreement_extra_names, a->extras), "services",
        flags_json(agreement_service_names, a->services), "invoicing",
        nullable_string(invoicing_name(a->invoicing)), "phases", phases_json(a), "quote", quote,
        "signed_at", json_time(a->signed_at), "notice_given_on", json_date(a->notice_given_on),
        "created_at", json_time(a->created_at), "updated_at", json_time(a->updated_at),
        "representative_id", json_id(a->representative_id));
    json_object_set_new(o, "signatures", signatures_json(a->sig));
    json_object_set_new(o, "quote_due_at",
                        a->status == AS_REQUESTED && !a->quoted_at
                            ? json_time(agreement_quote_due_at(a))
                            : json_null());
    json_object_set_new(o, "requirements_completed_at", json_time(a->requirements_completed_at));
    return o;
}

/* ---- reading the terms --------------------------------------------------------------------- */

/* The fields of POST; PATCH takes the same but the first two, none of them required. */
static const struct field_spec term_fields[] = {
    {"organization_id", F_ID, true, 0, 0, NULL},
    {"kind", F_ENUM, true, 0, 0, agreement_kind_names},
    {"starts_on", F_DATE, true, 0, 0, NULL},
    {"currency", F_STRING, true, 3, 3, NULL},
    {"ends_on", F_DATE, false, 0, 0, NULL},
    {"hosting", F_ENUM, false, 0, 0, hosting_names},
    {"sla_policy_id", F_ID, false, 0, 0, NULL},
    {"calendar_id", F_ID, false, 0, 0, NULL},
    {"rasci_matrix_id", F_ID, false, 0, 0, NULL},
    {"hours", F_NUMBER, false, 0, HOURS_MAX, NULL},
    {"annual_fee", F_MONEY, false, 0, 0, NULL},
    {"rate", F_MONEY, false, 0, 0, NULL},
    {"per_diem_rate", F_MONEY, false, 0, 0, NULL},
    {"extras", F_ARRAY, false, 0, 0, NULL},
    {"services", F_ARRAY, false, 0, 0, NULL},
    {"invoicing", F_ENUM, false, 0, 0, invoicing_names},
    {"phases", F_ARRAY, false, 0, PHASES_MAX, NULL},
    {"representative_id", F_ID, false, 0, 0, NULL},
};
#define PATCH_SKIP 2 /* organization_id and kind are fixed */

static bool present(json_t *in, const char *key)
{
    json_t *v = json_object_get(in, key);
    return v && !json_is_null(v);
}

/* A list of names (extras, services) as bits; each known and listed once. */
static int read_flags(json_t *in, const char *key, const char *const *names, unsigned *out,
                      struct res *res)
{
    json_t *v;
    size_t i;

    *out = 0;
    json_array_foreach(json_object_get(in, key), i, v)
    {
        unsigned bit = agreement_flag(names, json_string_value(v));
        if (!bit)
            return res_error(res, DESK_EINVAL, key, "%s[%zu] is not one of the known %s", key, i,
                             key);
        if (*out & bit)
            return res_error(res, DESK_EINVAL, key, "%s lists '%s' twice", key,
                             json_string_value(v));
        *out |= bit;
    }
    return 0;
}

/* Is v a phase: {"name" (1..200 characters), "amount" (minor units), "reached_on"? (a date)}? */
static bool phase_ok(json_t *v)
{
    const char *key, *name = json_string_value(json_object_get(v, "name"));
    json_t *amount = json_object_get(v, "amount"), *x;
    int64_t day;

    json_object_foreach(v, key, x)
    {
        if (strcmp(key, "name") && strcmp(key, "amount") && strcmp(key, "reached_on"))
            return false;
    }
    x = json_object_get(v, "reached_on");
    return name && *name && utf8_chars(name, strlen(name)) <= PHASE_NAME_MAX &&
           json_is_integer(amount) && json_integer_value(amount) >= 0 &&
           json_integer_value(amount) <= MONEY_INPUT_MAX &&
           (!x || json_is_null(x) ||
            (json_is_string(x) &&
             date_parse(json_string_value(x), json_string_length(x), &day) == 0));
}

static int read_phases(struct req *req, json_t *in, struct agreement *to, struct res *res)
{
    json_t *list = json_object_get(in, "phases"), *v;
    struct phase *ph = ARENA_NEWN(req->arena, struct phase, json_array_size(list) + 1);
    size_t i;

    json_array_foreach(list, i, v)
    {
        if (!json_is_object(v) || !phase_ok(v))
            return res_error(res, DESK_EINVAL, "phases",
                             "phases[%zu] must be {\"name\", \"amount\", \"reached_on\"?} with "
                             "a name, a whole non-negative amount and a date",
                             i);
        ph[i] = (struct phase){input_str(v, "name"), input_int(v, "amount", 0),
                               input_date(v, "reached_on", DATE_NONE)};
    }
    to->phases = ph;
    to->nphases = json_array_size(list);
    return 0;
}

/* The scalar fields present in `in`, into p (fields bits and values). */
static void read_scalars(json_t *in, struct agreement_patch *p)
{
    struct agreement *to = &p->to;
    static const struct {
        const char *key;
        unsigned bit;
        size_t offset;
    } ids[] = {
        {"sla_policy_id", AF_SLA_POLICY, offsetof(struct agreement, sla_policy_id)},
        {"calendar_id", AF_CALENDAR, offsetof(struct agreement, calendar_id)},
        {"rasci_matrix_id", AF_RASCI, offsetof(struct agreement, rasci_matrix_id)},
        {"annual_fee", AF_ANNUAL_FEE, offsetof(struct agreement, annual_fee)},
        {"rate", AF_RATE, offsetof(struct agreement, rate)},
        {"per_diem_rate", AF_PER_DIEM, offsetof(struct agreement, per_diem_rate)},
        {"representative_id", AF_REPRESENTATIVE, offsetof(struct agreement, representative_id)},
    };

    for (size_t i = 0; i < ARRAY_SIZE(ids); i++)
        if (present(in, ids[i].key)) {
            p->fields |= ids[i].bit;
            *(int64_t *)((char *)to + ids[i].offset) = input_int(in, ids[i].key, 0);
        }
    if (json_is_null(json_object_get(in, "representative_id")))
        p->fields |= AF_REPRESENTATIVE; /* null clears it (to->representative_id stays 0) */
    if (present(in, "starts_on"))
        p->fields |= AF_STARTS_ON;
    to->starts_on = input_date(in, "starts_on", DATE_NONE);
    if (present(in, "ends_on"))
        p->fields |= AF_ENDS_ON;
    to->ends_on = input_date(in, "ends_on", DATE_NONE);
    if (present(in, "hosting") && hosting_parse(input_str(in, "hosting"), &to->hosting) == 0)
        p->fields |= AF_HOSTING;
    if (present(in, "invoicing") &&
        invoicing_parse(input_str(in, "invoicing"), &to->invoicing) == 0)
        p->fields |= AF_INVOICING;
    if (present(in, "hours")) {
        p->fields |= AF_HOURS;
        to->hours_minutes = hours_to_minutes(input_number(in, "hours", 0));
    }
}

/* Every term present in `in` (already checked by input_check) into p. */
static int read_terms(struct req *req, json_t *in, struct agreement_patch *p, struct res *res)
{
    struct agreement *to = &p->to;
    const char *cur = input_str(in, "currency");
    int rc;

    memset(p, 0, sizeof(*p));
    read_scalars(in, p);
    if (cur && !currency_find(cur))
        return res_error(res, DESK_EINVAL, "currency",
                         "currency '%s' is not an ISO 4217 code (like EUR)", cur);
    if (cur) {
        p->fields |= AF_CURRENCY;
        snprintf(to->currency, sizeof(to->currency), "%s", cur);
    }
    if (present(in, "extras")) {
        p->fields |= AF_EXTRAS;
        if ((rc = read_flags(in, "extras", agreement_extra_names, &to->extras, res)) < 0)
            return rc;
    }
    if (present(in, "services")) {
        p->fields |= AF_SERVICES;
        if ((rc = read_flags(in, "services", agreement_service_names, &to->services, res)) < 0)
            return rc;
    }
    if (present(in, "phases")) {
        p->fields |= AF_PHASES;
        return read_phases(req, in, to, res);
    }
    return 0;
}

/* ---- POST /api/v1/agreements, GET list, GET one, PATCH ---------------------------------- */

int api_agreement_create_body(struct req *req, struct res *res, json_t *in, struct agreement *a)
{
    struct store_fault fault = {0};
    struct agreement_patch p;
    int rc;

    if ((rc = input_check(in, term_fields, ARRAY_SIZE(term_fields), res)) < 0 ||
        (rc = read_terms(req, in, &p, res)) < 0)
        return rc;
    *a = p.to;
    a->organization_id = input_int(in, "organization_id", 0);
    agreement_kind_parse(input_str(in, "kind"), &a->kind);
    if ((rc = store_agreement_create(req->store, &req->caller, a, time_now(), &fault)) < 0)
        return api_fault(res, rc, &fault, "no agreement");
    return 0;
}

int api_agreement_create(struct req *req, struct res *res)
{
    struct agreement a;
    json_t *in;
    int rc;

    if ((rc = req_json(req, res, &in)) < 0 ||
        (rc = api_agreement_create_body(req, res, in, &a)) < 0)
        return rc;
    res_header(res, "Location", arena_sprintf(req->arena, "/api/v1/agreements/%" PRId64, a.id));
    return res_json(res, 201, agreement_to_json(&a, time_now()));
}

int api_agreement_get(struct req *req, struct res *res)
{
    struct agreement a;
    int rc;

    if ((rc = store_agreement_get(req->store, &req->caller, req->params[0], &a, req->arena)) < 0)
        return res_error(res, rc, NULL, "no agreement %" PRId64, req->params[0]);
    return res_json(res, 200, agreement_to_json(&a, time_now()));
}

int api_agreement_list(struct req *req, struct res *res)
{
    struct agreement_filter f = {0, -1, 0, PAGE_DEFAULT};
    const char *kind = req_query(req, "kind");
    struct agreement *items;
    enum agreement_kind k;
    int64_t next, now = time_now();
    json_t *list;
    size_t n;
    int rc;

    if ((rc = api_page_params(req, res, &f.limit, &f.before_id)) < 0 ||
        (rc = api_query_id(req, res, "organization_id", &f.organization_id)) < 0)
        return rc;
    if (kind && agreement_kind_parse(kind, &k) < 0)
        return res_error(res, DESK_EBADREQ, "kind",
                         "kind must be maintenance, enhanced or "
                         "advanced");
    f.kind = kind ? (int)k : -1;
    rc = store_agreement_list(req->store, &req->caller, &f, &items, &n, &next, req->arena);
    if (rc < 0)
        return rc;
    list = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(list, agreement_to_json(&items[i], now));
    return res_json(res, 200, api_list_json(list, next));
}

int api_agreement_patch_body(struct req *req, struct res *res, int64_t id, json_t *in,
                             struct agreement *a)
{
    struct field_spec specs[ARRAY_SIZE(term_fields) - PATCH_SKIP];
    struct store_fault fault = {0};
    struct agreement_patch p;
    int rc;

    memcpy(specs, term_fields + PATCH_SKIP, sizeof(specs));
    for (size_t i = 0; i < ARRAY_SIZE(specs); i++)
        specs[i].required = false;
    if ((rc = input_check(in, specs, ARRAY_SIZE(specs), res)) < 0 ||
        (rc = read_terms(req, in, &p, res)) < 0)
        return rc;
    rc = store_agreement_update(req->store, &req->caller, id, &p, time_now(), a, &fault,
                                req->arena);
    return rc < 0 ? api_fault(res, rc, &fault, "no agreement") : 0;
}

int api_agreement_patch(struct req *req, struct res *res)
{
    struct agreement a;
    json_t *in;
    int rc;

    if ((rc = req_json(req, res, &in)) < 0 ||
        (rc = api_agreement_patch_body(req, res, req->params[0], in, &a)) < 0)
        return rc;
    return res_json(res, 200, agreement_to_json(&a, time_now()));
}

/* ---- POST …/quote, …/sign, …/cancel ------------------------------------------------------- */

static int run_move(struct req *req, struct res *res, const struct agreement_move *m)
{
    struct store_fault fault = {0};
    struct agreement a;
    int64_t now = time_now();
    int rc;

    rc = store_agreement_move(req->store, &req->caller, req->params[0], m, now, &a, &fault,
                              req->arena);
    if (rc < 0)
        return api_fault(res, rc, &fault, "no agreement");
    return res_json(res, 200, agreement_to_json(&a, now));
}

static const struct field_spec quote_fields[] = {
    {"amount", F_MONEY, true, 0, 0, NULL},
    {"valid_until", F_DATE, true, 0, 0, NULL},
};

int api_agreement_quote(struct req *req, struct res *res)
{
    struct agreement_move m = {.kind = MOVE_QUOTE};
    json_t *in;
    int rc;

    if ((rc = req_json(req, res, &in)) < 0 ||
        (rc = input_check(in, quote_fields, ARRAY_SIZE(quote_fields), res)) < 0)
        return rc;
    m.amount = input_int(in, "amount", 0);
    m.valid_until = input_date(in, "valid_until", DATE_NONE);
    return run_move(req, res, &m);
}

int api_agreement_sign(struct req *req, struct res *res)
{
    struct agreement_move m = {.kind = MOVE_SIGN, .client_addr = req->client_addr};
    json_t *in;
    int rc;

    if ((rc = api_optional_json(req, res, NULL, 0, &in)) < 0)
        return rc;
    return run_move(req, res, &m);
}

static const struct field_spec api_accept_fields[] = {
    {"name", F_LINE, true, 1, SIGNER_NAME_MAX, NULL},
};

/* The typed name of an acceptance into *name: a customer's (403 for staff), not blank. */
int api_accept_name(struct req *req, struct res *res, const char **name)
{
    json_t *in;
    int rc;

    if (req->caller.role != ROLE_CUSTOMER)
        return res_error(res, DESK_EDENIED, NULL,
                         "only a customer of the organisation accepts; staff sign with …/sign");
    if ((rc = req_json(req, res, &in)) < 0 ||
        (rc = input_check(in, api_accept_fields, ARRAY_SIZE(api_accept_fields), res)) < 0)
        return rc;
    *name = input_str(in, "name");
    for (const char *p = *name; *p; p++)
        if (*p != ' ' && *p != '\t')
            return 0;
    return res_error(res, DESK_EINVAL, "name", "name must be the signer's full name, not blank");
}

/* POST …/accept {"name"}: the customer signs the quote or SOW. */
int api_agreement_accept(struct req *req, struct res *res)
{
    struct agreement_move m = {.kind = MOVE_ACCEPT, .client_addr = req->client_addr};
    int rc;

    if ((rc = api_accept_name(req, res, &m.name)) < 0)
        return rc;
    return run_move(req, res, &m);
}

/* GET …/quotes: every quote issued, oldest first. */
int api_agreement_quotes(struct req *req, struct res *res)
{
    struct quote *q;
    json_t *list;
    size_t n;
    int rc = store_agreement_quotes(req->store, &req->caller, req->params[0], &q, &n, req->arena);

    if (rc < 0)
        return res_error(res, rc, NULL, "no agreement %" PRId64, req->params[0]);
    list = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(
            list, json_pack("{s:I, s:I, s:I, s:s, s:o, s:o, s:s, s:o}", "id", (json_int_t)q[i].id,
                            "agreement_id", (json_int_t)q[i].agreement_id, "amount",
                            (json_int_t)q[i].amount, "currency", q[i].currency, "valid_until",
                            json_date(q[i].valid_until), "quoted_by", json_id(q[i].quoted_by),
                            "quoted_by_name", q[i].quoted_by_name, "quoted_at",
                            json_time(q[i].quoted_at)));
    return res_json(res, 200, api_list_json(list, 0));
}

static const struct field_spec cancel_fields[] = {
    {"notice_given_on", F_DATE, false, 0, 0, NULL},
};

int api_agreement_cancel(struct req *req, struct res *res)
{
    struct agreement_move m = {.kind = MOVE_CANCEL};
    json_t *in;
    int rc;

    if ((rc = api_optional_json(req, res, cancel_fields, ARRAY_SIZE(cancel_fields), &in)) < 0)
        return rc;
    /* without a date the notice is given today */
    m.notice = input_date(in, "notice_given_on", floor_div(time_now(), 86400));
    return run_move(req, res, &m);
}

/* ---- GET …/balance ----------------------------------------------------------------------------
 */

int api_agreement_balance(struct req *req, struct res *res)
{
    const char *on = req_query(req, "on");
    struct store_fault fault = {0};
    int64_t day = floor_div(time_now(), 86400);
    struct hour_bank b;
    int rc;

    if (on && date_parse(on, strlen(on), &day) < 0)
        return res_error(res, DESK_EBADREQ, "on", "on must be a date YYYY-MM-DD");
    rc = store_agreement_balance(req->store, &req->caller, req->params[0], day, &b, &fault);
    if (rc < 0)
        return api_fault(res, rc, &fault, "no agreement");
    return res_json(res, 200,
                    json_pack("{s:I, s:o, s:o, s:o, s:I, s:o, s:I, s:o, s:I, s:o, s:I, s:i}",
                              "agreement_id", (json_int_t)req->params[0], "year_starts_on",
                              json_date(b.from), "year_ends_on", json_date(b.to), "purchased_hours",
                              json_hours(b.purchased), "purchased_minutes", (json_int_t)b.purchased,
                              "change_order_hours", json_hours(b.change_orders),
                              "change_order_minutes", (json_int_t)b.change_orders, "used_hours",
                              json_hours(b.used), "used_minutes", (json_int_t)b.used,
                              "balance_hours", json_hours(b.balance), "balance_minutes",
                              (json_int_t)b.balance, "warning_percent", hour_bank_threshold(&b)));
}
