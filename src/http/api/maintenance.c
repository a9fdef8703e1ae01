/*
 * maintenance.c - maintenance windows of vendor-hosted installations:
 * POST/GET /api/v1/maintenance-windows, GET/PATCH
 * /api/v1/maintenance-windows/{id}, POST .../{id}/complete.
 *
 * Customers read their organisation's windows (another's id is 404); staff
 * write. The notices (announce, reminder, updated, all-clear) are queued by
 * the store (store_maintenance_*, domain/maintenance.h) with the leads of
 * the settings maintenance-announce-hours and maintenance-reminder-hours.
 */
#include "core/compat.h"
#include "http/api/api.h"
#include "core/err.h"
#include "core/time.h"
#include "domain/maintenance.h"
#include "http/input.h"
#include "store/store.h"

json_t *maintenance_window_json(const struct maintenance_window *w)
{
    return json_pack("{s:I, s:I, s:o, s:s?, s:o, s:o, s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:o, "
                     "s:o}",
                     "id", (json_int_t)w->id, "organization_id", (json_int_t)w->organization_id,
                     "installation_id", json_id(w->installation_id), "installation_name",
                     w->installation_name, "starts_at", json_time(w->t.starts_at), "ends_at",
                     json_time(w->t.ends_at), "summary", w->summary, "details", w->details,
                     "status", maintenance_status_name(w->status), "completed_at",
                     json_time(w->completed_at), "announced_at", json_time(w->t.announced_at),
                     "reminded_at", json_time(w->t.reminded_at), "cleared_at",
                     json_time(w->t.cleared_at), "created_at", json_time(w->created_at),
                     "updated_at", json_time(w->updated_at));
}

/* 422 naming the field when the window's times do not hold: ends after it starts, not past. */
static int check_times(struct res *res, int64_t starts, int64_t ends, int64_t now)
{
    if (ends <= starts)
        return res_error(res, DESK_EINVAL, "ends_at", "ends_at is not after starts_at");
    if (ends <= now)
        return res_error(res, DESK_EINVAL, "ends_at", "ends_at is in the past");
    return 0;
}

/* ---- POST /api/v1/maintenance-windows ----------------------------------------------------- */

static const struct field_spec create_fields[] = {
    {"organization_id", F_ID, false, 0, 0, NULL},
    {"installation_id", F_ID, false, 0, 0, NULL},
    {"starts_at", F_STRING, true, 1, 64, NULL},
    {"ends_at", F_STRING, true, 1, 64, NULL},
    {"summary", F_LINE, true, 1, MAINTENANCE_SUMMARY_MAX, NULL},
    {"details", F_STRING, false, 0, MAINTENANCE_DETAILS_MAX, NULL},
};

int api_maintenance_create(struct req *req, struct res *res)
{
    struct maintenance_leads l = maintenance_leads_of(req->conf);
    struct store_fault fault = {0};
    struct maintenance_window w = {0};
    int64_t now = time_now();
    json_t *in;
    int rc;

    if ((rc = req_json(req, res, &in)) < 0 ||
        (rc = input_check(in, create_fields, ARRAY_SIZE(create_fields), res)) < 0 ||
        (rc = json_to_time(in, "starts_at", &w.t.starts_at, res)) < 0 ||
        (rc = json_to_time(in, "ends_at", &w.t.ends_at, res)) < 0 ||
        (rc = check_times(res, w.t.starts_at, w.t.ends_at, now)) < 0)
        return rc;
    w.organization_id = input_int(in, "organization_id", 0);
    w.installation_id = input_int(in, "installation_id", 0);
    if (!w.organization_id && !w.installation_id)
        return res_error(res, DESK_EINVAL, "installation_id",
                         "installation_id or organization_id is required");
    w.summary = input_str(in, "summary");
    w.details = input_str(in, "details") ? input_str(in, "details") : "";
    if ((rc = store_maintenance_create(req->store, &req->caller, &w, &l, now, &fault,
                                       req->arena)) < 0)
        return api_fault(res, rc, &fault, "maintenance window refused");
    res_header(res, "Location",
               arena_sprintf(req->arena, "/api/v1/maintenance-windows/%" PRId64, w.id));
    return res_json(res, 201, maintenance_window_json(&w));
}

/* ---- GET /api/v1/maintenance-windows[/{id}] ------------------------------------------------- */

int api_maintenance_get(struct req *req, struct res *res)
{
    struct maintenance_window w;
    int rc = store_maintenance_get(req->store, &req->caller, req->params[0], &w, req->arena);

    if (rc < 0)
        return res_error(res, rc, NULL, "no maintenance window %" PRId64, req->params[0]);
    return res_json(res, 200, maintenance_window_json(&w));
}

int api_maintenance_list(struct req *req, struct res *res)
{
    const char *org = req_query(req, "organization_id");
    struct maintenance_window *items;
    int64_t org_id = 0;
    struct kb_page pg;
    const char *next;
    json_t *list;
    char *end;
    size_t n;
    int rc;

    if ((rc = kb_page_read(req, &pg, res)) < 0)
        return rc;
    if (org) {
        errno = 0;
        org_id = strtoll(org, &end, 10);
        if (errno || end == org || *end || org_id < 1)
            return res_error(res, DESK_EBADREQ, "organization_id", "organization_id is not an id");
    }
    rc = store_maintenance_list(req->store, &req->caller, org_id, &pg, &items, &n, &next,
                                req->arena);
    if (rc < 0)
        return api_cursor_error(res, rc);
    list = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(list, maintenance_window_json(&items[i]));
    return res_list(res, list, next);
}

/* ---- PATCH /api/v1/maintenance-windows/{id}, POST .../{id}/complete ---------------------- */

static const struct field_spec patch_fields[] = {
    {"starts_at", F_STRING, false, 1, 64, NULL},
    {"ends_at", F_STRING, false, 1, 64, NULL},
    {"summary", F_LINE, false, 1, MAINTENANCE_SUMMARY_MAX, NULL},
    {"details", F_STRING, false, 0, MAINTENANCE_DETAILS_MAX, NULL},
};

int api_maintenance_update(struct req *req, struct res *res)
{
    struct maintenance_leads l = maintenance_leads_of(req->conf);
    struct store_fault fault = {0};
    struct maintenance_patch p = {0};
    struct maintenance_window w;
    int64_t now = time_now();
    json_t *in;
    int rc;

    if ((rc = req_json(req, res, &in)) < 0 ||
        (rc = input_check(in, patch_fields, ARRAY_SIZE(patch_fields), res)) < 0 ||
        (rc = json_to_time(in, "starts_at", &p.starts_at, res)) < 0 ||
        (rc = json_to_time(in, "ends_at", &p.ends_at, res)) < 0)
        return rc;
    p.has_starts_at = input_str(in, "starts_at") != NULL;
    p.has_ends_at = input_str(in, "ends_at") != NULL;
    if (p.has_ends_at && p.ends_at <= now)
        return res_error(res, DESK_EINVAL, "ends_at", "ends_at is in the past");
    p.has_summary = (p.summary = input_str(in, "summary")) != NULL;
    p.has_details = (p.details = input_str(in, "details")) != NULL;
    rc = store_maintenance_update(req->store, &req->caller, req->params[0], &p, &l, now, &w,
                                  &fault, req->arena);
    if (rc < 0)
        return api_fault(res, rc, &fault, "no maintenance window %" PRId64, req->params[0]);
    return res_json(res, 200, maintenance_window_json(&w));
}

int api_maintenance_complete(struct req *req, struct res *res)
{
    struct maintenance_leads l = maintenance_leads_of(req->conf);
    struct maintenance_window w;
    int rc = store_maintenance_complete(req->store, &req->caller, req->params[0], &l, time_now(),
                                        &w, req->arena);

    if (rc == DESK_ECONFLICT)
        return res_error(res, rc, NULL, "maintenance window %" PRId64 " is completed already",
                         req->params[0]);
    if (rc < 0)
        return res_error(res, rc, NULL, "no maintenance window %" PRId64, req->params[0]);
    return res_json(res, 200, maintenance_window_json(&w));
}
