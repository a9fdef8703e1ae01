/*
 * reports.c - the desk's reports (SPEC 3.3): GET /desk/reports shows SLA
 * compliance per customer, month and severity, and the hours used against
 * the banks of enhanced and advanced agreements, each with an inline SVG
 * bar chart drawn by the template (no script); GET /desk/reports/sla.csv
 * and /desk/reports/hours.csv give the same figures as CSV.
 *
 * The compliance rows come from store_sla_report, read with the same query
 * parameters as GET /api/v1/reports/sla (report_query); the banks from
 * store_agreement_balance for today.
 */
#include "core/compat.h"
#include "http/pages/pages.h"
#include "core/err.h"
#include "core/time.h"
#include "domain/agreement.h"
#include "http/api/api.h"
#include "store/store.h"

#define CHART_WIDTH 300 /* pixels of a full bar */
#define CHART_ROW 22    /* pixels between two bars */

/* The figures of both reports, for the page and the CSV files. */
struct reports {
    int64_t from, to, org;          /* the query */
    struct sla_report_row *rows;    /* compliance rows */
    size_t nrows;
    struct named *orgs;             /* organisation names */
    size_t norgs;
    struct agreement_row *banks;    /* enhanced and advanced agreements with a bank */
    struct hour_bank *bank;         /* their banks today, beside banks */
    size_t nbanks;
};

static const char *org_name(const struct reports *r, int64_t id)
{
    for (size_t i = 0; i < r->norgs; i++)
        if (r->orgs[i].id == id)
            return r->orgs[i].name;
    return "";
}

/* The signed enhanced and advanced agreements of the query's organisation, with their banks. */
static int load_banks(struct req *req, struct reports *r, int64_t now)
{
    struct agreement_row *all;
    size_t n, alloc = 0;
    int rc;

    rc = store_agreement_rows(req->store, &req->caller, r->org, floor_div(now, 86400), now, &all,
                              &n, req->arena);
    r->nbanks = 0;
    r->banks = NULL;
    r->bank = ARENA_NEWN(req->arena, struct hour_bank, n ? n : 1);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        struct store_fault fault = {0};

        if (!strcmp(all[i].kind, "maintenance") || strcmp(all[i].status, "signed"))
            continue;
        rc = store_agreement_balance(req->store, &req->caller, all[i].id, floor_div(now, 86400),
                                     &r->bank[r->nbanks], &fault);
        if (rc == DESK_EINVAL) { /* no bank for that day (outside its term) */
            rc = 0;
            continue;
        }
        ARENA_GROW(req->arena, r->banks, r->nbanks, alloc);
        r->banks[r->nbanks++] = all[i];
    }
    return rc;
}

/* Read the query and both reports; on an error the page is answered and the error returned. */
static int load(struct req *req, struct res *res, struct reports *r)
{
    const char *param, *why;
    int64_t now = time_now();
    int rc;

    memset(r, 0, sizeof(*r));
    if (report_query(req, &r->from, &r->to, &r->org, &param, &why) < 0)
        return page_error(req, res, DESK_EBADREQ, "%s", why);
    rc = store_sla_report(req->store, &req->caller, r->from, r->to, r->org, now, &r->rows,
                          &r->nrows, req->arena);
    if (rc == 0)
        rc = store_organization_names(req->store, &req->caller, &r->orgs, &r->norgs, req->arena);
    if (rc == 0)
        rc = load_banks(req, r, now);
    return rc < 0 ? page_error(req, res, rc, "the reports cannot be made") : 0;
}

/* ---- the page ------------------------------------------------------------------------------ */

static json_t *compliance_json(const struct reports *r, const struct sla_report_row *row,
                               size_t i, struct arena *a)
{
    double c;
    bool decided = report_compliance(row, &c);

    return json_pack("{s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:s, s:i, s:i, s:i, s:b}",
                     "organization", org_name(r, row->organization_id), "month",
                     report_month(row, a), "severity", severity_name(row->severity), "total",
                     (json_int_t)row->total, "met", (json_int_t)row->met, "missed",
                     (json_int_t)row->missed, "breached", (json_int_t)row->breached,
                     "compliance",
                     decided ? page_number(arena_sprintf(a, "%.1f %%", c * 100)) : "–", "y",
                     (int)(i * CHART_ROW), "ty", (int)(i * CHART_ROW + 14), "w",
                     decided ? (int)(c * CHART_WIDTH + 0.5) : 0, "decided", decided);
}

static json_t *bank_json(const struct agreement_row *g, const struct hour_bank *b, size_t i,
                         struct arena *a)
{
    char from[DATE_LEN], to[DATE_LEN];
    int64_t bought = b->purchased + b->change_orders;
    int64_t full = bought > b->used ? bought : b->used;

    date_format(b->from, from);
    date_format(b->to, to);
    return json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:i, s:i, s:i, s:b}",
                     "id", (json_int_t)g->id, "organization", g->organization, "kind", g->kind,
                     "period", arena_sprintf(a, "%s – %s", from, to), "bought",
                     page_hours(bought, a), "used", page_hours(b->used, a), "balance",
                     page_hours(b->balance, a), "label",
                     arena_sprintf(a, "#%" PRId64 " %s", g->id, g->organization), "y",
                     (int)(i * CHART_ROW), "ty", (int)(i * CHART_ROW + 14), "bw",
                     page_bar_width(bought, full, CHART_WIDTH), "uw",
                     page_bar_width(b->used, full, CHART_WIDTH), "over", b->balance < 0);
}

/* The query as text for the form and the CSV links. */
static void query_json(const struct reports *r, json_t *data)
{
    char from[DATE_LEN], to[DATE_LEN];
    struct strbuf q = STRBUF_INIT;

    date_format(r->from, from);
    date_format(r->to, to);
    strbuf_addf(&q, "from=%s&to=%s", from, to);
    if (r->org)
        strbuf_addf(&q, "&organization_id=%" PRId64, r->org);
    json_object_set_new(data, "from", json_string(from));
    json_object_set_new(data, "to", json_string(to));
    json_object_set_new(data, "query", json_string(q.buf));
    json_object_set_new(data, "organizations", page_options(r->orgs, r->norgs, r->org, "any"));
    strbuf_release(&q);
}

int page_desk_reports(struct req *req, struct res *res)
{
    struct reports r;
    json_t *rows = json_array(), *banks = json_array(), *data;
    int rc;

    if ((rc = load(req, res, &r)) < 0) {
        json_decref(rows);
        json_decref(banks);
        return rc;
    }
    for (size_t i = 0; i < r.nrows; i++)
        json_array_append_new(rows, compliance_json(&r, &r.rows[i], i, req->arena));
    for (size_t i = 0; i < r.nbanks; i++)
        json_array_append_new(banks, bank_json(&r.banks[i], &r.bank[i], i, req->arena));
    data = json_pack("{s:s, s:o, s:o, s:i, s:i, s:i}", "title", tr("Reports"), "rows", rows,
                     "banks", banks, "width", CHART_WIDTH, "rows_height",
                     (int)(r.nrows * CHART_ROW), "banks_height", (int)(r.nbanks * CHART_ROW));
    query_json(&r, data);
    return page_render(req, res, 200, "desk_reports", data);
}

/* ---- CSV ----------------------------------------------------------------------------------- */

int page_desk_reports_sla_csv(struct req *req, struct res *res)
{
    struct strbuf csv = STRBUF_INIT;
    struct reports r;
    int rc;

    if ((rc = load(req, res, &r)) < 0)
        return rc;
    strbuf_addstr(&csv, "organization_id,organization,month,severity,total,met,missed,breached,"
                        "compliance\r\n");
    for (size_t i = 0; i < r.nrows; i++) {
        const struct sla_report_row *row = &r.rows[i];
        double c;

        strbuf_addf(&csv, "%" PRId64 ",", row->organization_id);
        strbuf_add_csv(&csv, org_name(&r, row->organization_id), false);
        strbuf_addf(&csv, "%s,%s,%" PRId64 ",%" PRId64 ",%" PRId64 ",%" PRId64 ",",
                    report_month(row, req->arena), severity_name(row->severity), row->total,
                    row->met, row->missed, row->breached);
        if (report_compliance(row, &c))
            strbuf_addf(&csv, "%.4f", c);
        strbuf_addstr(&csv, "\r\n");
    }
    return page_csv(res, "attachment; filename=\"sla.csv\"", &csv);
}

int page_desk_reports_hours_csv(struct req *req, struct res *res)
{
    struct strbuf csv = STRBUF_INIT;
    struct reports r;
    int rc;

    if ((rc = load(req, res, &r)) < 0)
        return rc;
    strbuf_addstr(&csv, "agreement_id,organization,kind,period_start,period_end,purchased_hours,"
                        "change_order_hours,used_hours,balance_hours\r\n");
    for (size_t i = 0; i < r.nbanks; i++) {
        const struct hour_bank *b = &r.bank[i];
        char from[DATE_LEN], to[DATE_LEN];

        date_format(b->from, from);
        date_format(b->to, to);
        strbuf_addf(&csv, "%" PRId64 ",", r.banks[i].id);
        strbuf_add_csv(&csv, r.banks[i].organization, false);
        strbuf_addf(&csv, "%s,%s,%s,%s,%s,%s,%s\r\n", r.banks[i].kind, from, to,
                    page_hours(b->purchased, req->arena), page_hours(b->change_orders, req->arena),
                    page_hours(b->used, req->arena), page_hours(b->balance, req->arena));
    }
    return page_csv(res, "attachment; filename=\"hours.csv\"", &csv);
}
