/*
 * reports.c - GET /api/v1/reports/sla: SLA compliance per organisation, UTC
 * month of received_at and severity (SPEC 3.2 and 5 "Reports"). The store
 * computes the clocks (store_sla_report); this file reads the query and
 * writes the rows, and shares the query and the row's figures with the
 * desk's report pages (pages/reports.c).
 */
#include "core/compat.h"
#include "http/api/api.h"
#include "core/err.h"
#include "core/time.h"
#include "store/store.h"

#define REPORT_MONTHS 12 /* the default range: this month and the eleven before */

/* The UTC date of query parameter name into *day (left alone when absent); false when it does not parse. */
static bool query_date(struct req *req, const char *name, int64_t *day)
{
    const char *s = req_query(req, name);

    return !s || date_parse(s, strlen(s), day) == 0;
}

int report_query(struct req *req, int64_t *from, int64_t *to, int64_t *org, const char **param,
                 const char **why)
{
    const char *o = req_query(req, "organization_id");
    int64_t y;
    unsigned m, d;
    char *end;

    *to = floor_div(time_now(), 86400);
    civil_from_days(*to, &y, &m, &d);
    *from = days_from_civil(m > REPORT_MONTHS - 1 ? y : y - 1,
                            (m + 12 - (REPORT_MONTHS - 1) - 1) % 12 + 1, 1);
    *org = 0;
    if (!query_date(req, "to", to))
        return *param = "to", *why = "to must be a date YYYY-MM-DD", DESK_EBADREQ;
    if (!query_date(req, "from", from))
        return *param = "from", *why = "from must be a date YYYY-MM-DD", DESK_EBADREQ;
    if (o && *o) {
        errno = 0;
        *org = strtoll(o, &end, 10);
        if (errno || *end || *org < 1)
            return *param = "organization_id",
                   *why = "organization_id must be a positive integer", DESK_EBADREQ;
    }
    return 0;
}

const char *report_month(const struct sla_report_row *r, struct arena *a)
{
    return arena_sprintf(a, "%04d-%02d", r->year, r->month);
}

bool report_compliance(const struct sla_report_row *r, double *out)
{
    int64_t decided = r->met + r->missed + r->breached;

    *out = decided ? (double)r->met / (double)decided : 0;
    return decided > 0;
}

static json_t *row_json(const struct sla_report_row *r, struct arena *a)
{
    double c;
    json_t *o = json_pack("{s:I, s:s, s:s, s:I, s:I, s:I, s:I}", "organization_id",
                          (json_int_t)r->organization_id, "month", report_month(r, a),
                          "severity", severity_name(r->severity), "total", (json_int_t)r->total,
                          "met", (json_int_t)r->met, "missed", (json_int_t)r->missed,
                          "breached", (json_int_t)r->breached);

    json_object_set_new(o, "compliance", report_compliance(r, &c) ? json_real(c) : json_null());
    return o;
}

int api_report_sla(struct req *req, struct res *res)
{
    const char *param, *why;
    struct sla_report_row *rows;
    int64_t from, to, org;
    json_t *list;
    size_t n;
    int rc;

    if (report_query(req, &from, &to, &org, &param, &why) < 0)
        return res_error(res, DESK_EBADREQ, param, "%s", why);
    rc = store_sla_report(req->store, &req->caller, from, to, org, time_now(), &rows, &n,
                          req->arena);
    if (rc < 0)
        return res_error(res, rc, NULL, "the report cannot be made");
    list = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(list, row_json(&rows[i], req->arena));
    return res_json(res, 200, json_pack("{s:o}", "rows", list));
}
