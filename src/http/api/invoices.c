/*
 * invoices.c - POST /api/v1/agreements/{id}/invoices, POST
 * /api/v1/organizations/{id}/invoices (billable time without agreement),
 * GET /api/v1/invoices, GET /api/v1/invoices/{id} and its .html, .pdf and
 * .csv forms, and GET/PUT /api/v1/settings/billing (the default rate).
 */
#include "core/compat.h"
#include "http/api/api.h"
#include "core/err.h"
#include "core/time.h"
#include "domain/invoice.h"
#include "http/input.h"
#include "http/invoice_render.h"
#include "store/store.h"

static json_t *line_json(const struct invoice_line *l, size_t position)
{
    return json_pack("{s:I, s:s, s:s, s:o, s:I, s:s, s:I, s:I}", "position", (json_int_t)position,
                     "kind", line_kind_names[l->kind], "description", l->description, "on",
                     json_date(l->on), "quantity", (json_int_t)l->quantity, "unit",
                     line_unit_names[l->unit], "unit_price", (json_int_t)l->unit_price, "amount",
                     (json_int_t)l->amount);
}

/* The API form of an invoice; with_lines false for lists. */
static json_t *invoice_json(const struct invoice *inv, bool with_lines)
{
    const struct currency *cur = currency_find(inv->currency);
    char total[MONEY_TEXT_LEN];
    json_t *o;

    o = json_pack("{s:I, s:s, s:I, s:s, s:o, s:o, s:o, s:o, s:s, s:I, s:s, s:o}", "id",
                  (json_int_t)inv->id, "number", inv->number, "organization_id",
                  (json_int_t)inv->organization_id, "organization_name",
                  inv->organization_name ? inv->organization_name : "", "agreement_id",
                  json_id(inv->agreement_id), "period_start", json_date(inv->period_start),
                  "period_end", json_date(inv->period_end), "issued_on", json_date(inv->issued_on),
                  "currency", inv->currency, "total", (json_int_t)inv->total, "total_text",
                  cur ? money_format(inv->total, cur, 0, total) : "", "created_at",
                  json_time(inv->created_at));
    json_object_set_new(o, "kind", json_string(invoice_kind_names[inv->kind]));
    if (with_lines) {
        json_t *lines = json_array();
        for (size_t i = 0; i < inv->nlines; i++)
            json_array_append_new(lines, line_json(&inv->lines[i], i + 1));
        json_object_set_new(o, "lines", lines);
    }
    return o;
}

/* ---- issuing ------------------------------------------------------------------------------ */

static const struct field_spec period_fields[] = {
    {"period_start", F_DATE, true, 0, 0, NULL},
    {"period_end", F_DATE, true, 0, 0, NULL},
};

/* Issue an invoice: of agreement_id, or of org's time without agreement, or org's year. */
static int invoice_create(struct req *req, struct res *res, int64_t agreement_id, int64_t org,
                          bool yearly)
{
    struct store_fault fault = {0};
    struct invoice inv;
    int64_t start, end;
    json_t *in;
    int rc;

    if ((rc = req_json(req, res, &in)) < 0 ||
        (rc = input_check(in, period_fields, ARRAY_SIZE(period_fields), res)) < 0)
        return rc;
    start = input_date(in, "period_start", DATE_NONE);
    end = input_date(in, "period_end", DATE_NONE);
    if (end < start)
        return res_error(res, DESK_EINVAL, "period_end", "period_end is before period_start");
    rc = yearly ? store_invoice_create_yearly(req->store, &req->caller, org, start, end,
                                              time_now(), &inv, &fault, req->arena)
                : store_invoice_create(req->store, &req->caller, agreement_id, org, start, end,
                                       time_now(), &inv, &fault, req->arena);
    if (rc < 0)
        return api_fault(res, rc, &fault, "no %s", agreement_id ? "agreement" : "organization");
    res_header(res, "Location", arena_sprintf(req->arena, "/api/v1/invoices/%" PRId64, inv.id));
    return res_json(res, 201, invoice_json(&inv, true));
}

int api_agreement_invoice_create(struct req *req, struct res *res)
{
    return invoice_create(req, res, req->params[0], 0, false);
}

int api_organization_invoice_create(struct req *req, struct res *res)
{
    return invoice_create(req, res, 0, req->params[0], false);
}

int api_organization_invoice_yearly(struct req *req, struct res *res)
{
    return invoice_create(req, res, 0, req->params[0], true);
}

/* ---- reading -------------------------------------------------------------------------------- */

int api_invoice_list(struct req *req, struct res *res)
{
    struct invoice_filter f = {0, 0, 0, 0};
    struct invoice *items;
    int64_t next;
    json_t *list;
    size_t n;
    int rc;

    if ((rc = api_page_params(req, res, &f.limit, &f.before_id)) < 0 ||
        (rc = api_query_id(req, res, "organization_id", &f.organization_id)) < 0 ||
        (rc = api_query_id(req, res, "agreement_id", &f.agreement_id)) < 0)
        return rc;
    if ((rc = store_invoice_list(req->store, &req->caller, &f, &items, &n, &next, req->arena)) < 0)
        return rc;
    list = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(list, invoice_json(&items[i], false));
    return res_json(res, 200, api_list_json(list, next));
}

static int load(struct req *req, struct res *res, struct invoice *inv)
{
    int rc = store_invoice_get(req->store, &req->caller, req->params[0], inv, req->arena);

    if (rc < 0)
        return res_error(res, rc, NULL, "no invoice %" PRId64, req->params[0]);
    return 0;
}

int api_invoice_get(struct req *req, struct res *res)
{
    struct invoice inv;
    int rc;

    if ((rc = load(req, res, &inv)) < 0)
        return rc;
    return res_json(res, 200, invoice_json(&inv, true));
}

void api_printable(struct req *req, struct res *res, const char *type, const char *filename)
{
    res->status = 200;
    res->content_type = type;
    res_header(res, "Cache-Control", "private, no-store");
    if (filename) {
        res_header(res, "Content-Disposition",
                   arena_sprintf(req->arena, "attachment; filename=\"%s\"", filename));
        return;
    }
    /* the page holds its own <style> and nothing else: no script, no frame, no form */
    res_header(res, "Content-Security-Policy",
               "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
               "base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
    res_header(res, "Referrer-Policy", "same-origin");
}

int api_invoice_html(struct req *req, struct res *res)
{
    struct invoice inv;
    int rc;

    if ((rc = load(req, res, &inv)) < 0)
        return rc;
    strbuf_reset(&res->body);
    invoice_render_html(&inv, &res->body);
    api_printable(req, res, "text/html; charset=utf-8", NULL);
    return 0;
}

/* A download named invoice-NUMBER.EXT (numbers are digits and '-'). */
static void download(struct req *req, struct res *res, const struct invoice *inv, const char *type,
                     const char *ext)
{
    api_printable(req, res, type,
                  arena_sprintf(req->arena, "invoice-%s.%s", inv->number, ext));
}

int api_invoice_pdf(struct req *req, struct res *res)
{
    struct invoice inv;
    int rc;

    if ((rc = load(req, res, &inv)) < 0)
        return rc;
    strbuf_reset(&res->body);
    if ((rc = invoice_render_pdf(&inv, &res->body)) < 0)
        return rc;
    download(req, res, &inv, "application/pdf", "pdf");
    return 0;
}

int api_invoice_csv(struct req *req, struct res *res)
{
    struct invoice inv;
    int rc;

    if ((rc = load(req, res, &inv)) < 0)
        return rc;
    strbuf_reset(&res->body);
    invoice_render_csv(&inv, &res->body);
    download(req, res, &inv, "text/csv; charset=utf-8", "csv");
    return 0;
}

/* ---- the default rate -------------------------------------------------------------------------
 */

int api_billing_get(struct req *req, struct res *res)
{
    const char *rate, *currency;
    int rc;

    if ((rc = store_meta_get(req->store, BILLING_RATE_KEY, &rate, req->arena)) < 0 ||
        (rc = store_meta_get(req->store, BILLING_CURRENCY_KEY, &currency, req->arena)) < 0)
        return rc == DESK_ENOTFOUND ? DESK_EIO : rc;
    return res_json(res, 200,
                    json_pack("{s:I, s:s}", "default_rate", (json_int_t)strtoll(rate, NULL, 10),
                              "currency", currency));
}

static const struct field_spec billing_fields[] = {
    {"default_rate", F_MONEY, true, 0, 0, NULL},
    {"currency", F_STRING, true, 3, 3, NULL},
};

int api_billing_put(struct req *req, struct res *res)
{
    const char *currency;
    json_t *in;
    int rc;

    if ((rc = req_json(req, res, &in)) < 0 ||
        (rc = input_check(in, billing_fields, ARRAY_SIZE(billing_fields), res)) < 0)
        return rc;
    currency = input_str(in, "currency");
    if (!currency_find(currency))
        return res_error(res, DESK_EINVAL, "currency",
                         "currency '%s' is not an ISO 4217 code (like EUR)", currency);
    rc = store_billing_set(req->store, &req->caller, input_int(in, "default_rate", 0), currency);
    if (rc < 0)
        return rc;
    return res_json(res, 200,
                    json_pack("{s:I, s:s}", "default_rate",
                              (json_int_t)input_int(in, "default_rate", 0), "currency", currency));
}
