/*
 * alerts.c - solution monitoring: POST /api/v1/alerts (a monitoring system's
 * alert, folded into one request per fingerprint) and GET /api/v1/alerts.
 *
 * Who may post (docs/api.md): staff tokens for any organisation, a customer's
 * token for its own only (another organisation is 404, as a missing one; the
 * store checks). The folding rules are domain/alert.h's.
 */
#include "core/compat.h"
#include "http/api/api.h"
#include "core/err.h"
#include "core/time.h"
#include "domain/alert.h"
#include "http/input.h"
#include "store/store.h"

static json_t *alert_json(const struct alert *al)
{
    return json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:I, s:o, s:o, s:o, s:{s:I, s:s, s:s}}",
                     "id", (json_int_t)al->id, "organization_id",
                     (json_int_t)al->organization_id, "fingerprint", al->fingerprint, "summary",
                     al->summary, "severity", al->severity, "status",
                     alert_status_name(al->status), "count", (json_int_t)al->count,
                     "first_seen_at", json_time(al->first_seen_at), "last_seen_at",
                     json_time(al->last_seen_at), "resolved_at", json_time(al->resolved_at),
                     "ticket", "id", (json_int_t)al->ticket_id, "status",
                     ticket_status_name(al->ticket_status), "severity",
                     severity_name(al->ticket_severity));
}

/* ---- POST /api/v1/alerts ------------------------------------------------------------- */

static const struct field_spec post_fields[] = {
    {"fingerprint", F_LINE, true, 1, ALERT_FINGERPRINT_MAX, NULL},
    {"summary", F_LINE, true, 1, ALERT_SUMMARY_MAX, NULL},
    {"severity", F_ENUM, true, 0, 0, alert_severity_names},
    {"status", F_ENUM, false, 0, 0, alert_status_names},
    {"organization_id", F_ID, false, 0, 0, NULL},
};

static int read_post(struct req *req, json_t *in, struct alert *al, struct res *res)
{
    const struct caller *c = &req->caller;

    memset(al, 0, sizeof(*al));
    al->organization_id = input_int(in, "organization_id", 0);
    if (!al->organization_id && c->role == ROLE_CUSTOMER)
        al->organization_id = c->organization_id;
    if (!al->organization_id)
        return res_error(res, DESK_EINVAL, "organization_id", "organization_id is required");
    al->fingerprint = input_str(in, "fingerprint");
    al->summary = input_str(in, "summary");
    al->severity = input_str(in, "severity");
    al->status = ALERT_FIRING;
    if (input_str(in, "status"))
        alert_status_parse(input_str(in, "status"), &al->status);
    return 0;
}

int api_alert_post(struct req *req, struct res *res)
{
    struct store_fault fault = {0};
    struct alert in, out;
    bool opened;
    json_t *body;
    int rc;

    if ((rc = req_json(req, res, &body)) < 0 ||
        (rc = input_check(body, post_fields, ARRAY_SIZE(post_fields), res)) < 0 ||
        (rc = read_post(req, body, &in, res)) < 0)
        return rc;
    /* a customer's own monitoring needs solution monitoring (an add-on or an enhanced extra) */
    if (req->caller.role == ROLE_CUSTOMER && in.organization_id == req->caller.organization_id &&
        (rc = store_feature_runs(req->store, in.organization_id, "solution_monitoring",
                                 time_now())) <= 0)
        return rc < 0 ? rc
                      : res_error(res, DESK_EDENIED, NULL,
                                  "organization %" PRId64 " has no solution monitoring (an "
                                  "add-on, or an extra of an enhanced agreement)",
                                  in.organization_id);
    rc = store_alert_post(req->store, &req->caller, &in, time_now(), &out, &opened, &fault,
                          req->arena);
    if (rc < 0)
        return api_fault(res, rc, &fault, "alert '%s' refused", in.fingerprint);
    if (opened)
        res_header(res, "Location",
                   arena_sprintf(req->arena, "/api/v1/tickets/%" PRId64, out.ticket_id));
    return res_json(res, opened ? 201 : 200, alert_json(&out));
}

/* ---- GET /api/v1/alerts ----------------------------------------------------------------- */

static const char *const list_params[] = {"organization_id", "limit", "cursor", NULL};

int api_alert_list(struct req *req, struct res *res)
{
    struct store_page pg;
    struct alert *items;
    int64_t org;
    json_t *arr;
    size_t n;
    int rc;

    if ((rc = api_query_known(req, res, list_params)) < 0 ||
        (rc = api_query_id(req, res, "organization_id", &org)) < 0 ||
        (rc = api_page(req, res, &pg)) < 0)
        return rc;
    if ((rc = store_alert_list(req->store, &req->caller, org, &pg, &items, &n, req->arena)) < 0)
        return rc;
    arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, alert_json(&items[i]));
    return res_json(res, 200, api_page_json(arr, &pg, n ? items[n - 1].id : 0));
}
