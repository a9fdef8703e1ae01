/*
 * portal_info.c - what the portal shows besides requests (SPEC 3.3), all
 * read-only and read through the store with the customer as caller:
 *
 *   /portal/agreements/{id}  one agreement: its hours bank as an inline SVG
 *                            chart (used against the balance) and its change orders
 *   /portal/responsibilities the RASCI matrices of the organisation's agreements
 *                            and the default one
 *   /portal/catalogue        the service catalogue of the organisation's hosting model
 *   /portal/releases         published releases with their notes, and the known
 *                            errors touching the organisation's installations
 *   /portal/invoices         the invoices, linked to the API's .html and .pdf
 *                            (which take the session cookie for GET)
 *   /portal/maintenance      the organisation's maintenance windows: when, what, status
 *
 * Another organisation's agreement is the same 404 page as a missing one.
 */
#include "core/compat.h"
#include "http/pages/pages.h"
#include "http/api/api.h"
#include "core/err.h"
#include "core/time.h"
#include "domain/agreement.h"
#include "domain/catalogue.h"
#include "domain/invoice.h"
#include "domain/maintenance.h"
#include "domain/money.h"
#include "domain/rasci.h"
#include "domain/release.h"
#include "store/store.h"

#define LIST_MAX 200     /* releases, known errors and invoices shown */
#define CHART_WIDTH 400  /* pixels of the hours chart */


/* ---- one agreement ---------------------------------------------------------------------------- */

/* The hours bank and its chart: used and what is left, on one bar as wide as the larger side. */
static json_t *bank_json(const struct hour_bank *b, struct arena *a)
{
    int64_t bought = b->purchased + b->change_orders;
    int64_t full = bought > b->used ? bought : b->used;
    int uw = page_bar_width(b->used, full, CHART_WIDTH);

    return json_pack("{s:o, s:o, s:s, s:s, s:s, s:s, s:s, s:i, s:i, s:i, s:i, s:b}", "from",
                     page_day_json(b->from), "to", page_day_json(b->to), "purchased",
                     page_hours(b->purchased, a), "change_orders",
                     page_hours(b->change_orders, a), "bought", page_hours(bought, a), "used",
                     page_hours(b->used, a), "balance", page_hours(b->balance, a), "width",
                     CHART_WIDTH, "uw", uw, "bx", uw, "bw",
                     page_bar_width(b->balance, full, CHART_WIDTH), "over", b->balance < 0);
}

/* The signatures as the pages show them: "signed by NAME on TIME" or who is missing. */
static json_t *signatures_page_json(const struct signature sig[2])
{
    json_t *o = json_object();

    for (int p = 0; p < 2; p++)
        json_object_set_new(o, party_names[p],
                            sig[p].signed_at
                                ? json_pack("{s:s, s:o}", "name",
                                            *sig[p].name ? sig[p].name : "(on paper)", "at",
                                            page_time(sig[p].signed_at, NULL))
                                : json_null());
    return o;
}

static json_t *change_orders_json(const struct change_order *co, size_t n, bool customer,
                                  struct arena *a)
{
    json_t *list = json_array();

    for (size_t i = 0; i < n; i++) {
        struct strbuf sb = STRBUF_INIT;
        json_t *o;
        for (size_t k = 0; k < co[i].nbookings; k++)
            strbuf_addf(&sb, "%s#%" PRId64, k ? ", " : "", co[i].booking_ids[k]);
        o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:o, s:o, s:s, s:b}", "id", (json_int_t)co[i].id,
                      "hours", page_hours(co[i].minutes, a), "reason", co[i].reason, "applies_to",
                      change_order_scope_names[co[i].applies_to], "status",
                      tr(change_order_status_names[co[i].status]), "signed_on",
                      page_day_json(co[i].signed_on), "signatures", signatures_page_json(co[i].sig),
                      "bookings", sb.buf,
                      "can_accept", customer && co[i].status == CO_PROPOSED &&
                                        !co[i].sig[PARTY_CUSTOMER].signed_at);
        strbuf_release(&sb);
        json_array_append_new(list, o);
    }
    return list;
}

/* The quote as the pages show it: amount in the currency, valid until; NULL before a quote. */
static json_t *quote_page_json(const struct agreement *g)
{
    const struct currency *cur = currency_find(g->currency);
    char amount[MONEY_TEXT_LEN];

    if (!g->quoted_at || !cur)
        return NULL;
    page_number(money_format(g->quote_amount, cur, MONEY_GROUP, amount));
    return json_pack("{s:s, s:s, s:o}", "amount", amount, "currency", g->currency,
                     "valid_until", page_day_json(g->quote_valid_until));
}

/*
 * The agreement's years with their requirements (texts "" until recorded); staff also get the
 * internal task (title, assignee), customers only the recorded years (the store's rule).
 */
static int years_json(struct req *req, int64_t id, json_t **out)
{
    bool staff = req->caller.role >= ROLE_AGENT;
    struct requirements *r;
    struct named *names = NULL;
    size_t n, nnames = 0;
    int rc;

    if ((rc = store_requirements_list(req->store, &req->caller, id, &r, &n, req->arena)) < 0 ||
        (staff && (rc = store_staff_names(req->store, &req->caller, &names, &nnames,
                                          req->arena)) < 0))
        return rc;
    *out = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *y = json_pack(
            "{s:o, s:o, s:b, s:s, s:s, s:s, s:s, s:o}", "year_start", page_day_json(r[i].year_start),
            "year_end", page_day_json(r[i].year_end), "complete", r[i].completed_at != 0, "scope",
            r[i].scope ? r[i].scope : "", "assumptions", r[i].assumptions ? r[i].assumptions : "",
            "schedule", r[i].schedule ? r[i].schedule : "", "roles", r[i].roles ? r[i].roles : "",
            "completed_at", page_time(r[i].completed_at, NULL));
        if (r[i].rasci_matrix_id)
            json_object_set_new(y, "rasci_matrix_id", json_integer(r[i].rasci_matrix_id));
        if (staff)
            json_object_set_new(y, "task",
                                json_pack("{s:s, s:s}", "title", r[i].title, "assignee",
                                          r[i].assignee_id
                                              ? page_name_of(names, nnames, r[i].assignee_id)
                                              : "unassigned"));
        json_array_append_new(*out, y);
    }
    return 0;
}

/* The agreement's bookings: when, who (the technical resource, by name), tentative or not. */
static int bookings_json(struct req *req, int64_t id, json_t *out)
{
    const struct caller sys = CALLER_SYSTEM; /* staff names: a customer is told its own */
    struct booking *items;
    struct named *staff;
    size_t n, nstaff;
    json_t *list;
    int rc;

    if ((rc = store_booking_list(req->store, &req->caller, id, &items, &n, req->arena)) < 0 ||
        (rc = store_staff_names(req->store, &sys, &staff, &nstaff, req->arena)) < 0)
        return rc;
    list = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(
            list, json_pack("{s:o, s:o, s:s, s:s}", "from", page_day_json(items[i].starts_on), "to",
                            page_day_json(items[i].ends_on), "who",
                            page_name_of(staff, nstaff, items[i].user_id), "status",
                            tr(booking_status_names[items[i].status])));
    json_object_set_new(out, "bookings", list);
    return 0;
}

int page_agreement_json(struct req *req, int64_t id, json_t **out)
{
    int64_t today = floor_div(time_now(), 86400);
    bool customer = req->caller.role == ROLE_CUSTOMER;
    struct store_fault fault = {0};
    enum agreement_status shown;
    struct change_order *co;
    struct agreement g;
    json_t *q;
    struct hour_bank b;
    size_t n;
    int rc;

    if ((rc = store_agreement_get(req->store, &req->caller, id, &g, req->arena)) < 0)
        return rc;
    if ((rc = store_change_order_list(req->store, &req->caller, id, &co, &n, req->arena)) < 0)
        return rc;
    shown = agreement_status_on(&g, today);
    *out = json_pack("{s:I, s:s, s:s, s:o, s:o, s:s, s:o, s:b}", "id", (json_int_t)g.id, "kind",
                     agreement_kind_name(g.kind), "status", tr(agreement_status_name(g.status)),
                     "starts_on", page_day_json(g.starts_on), "ends_on", page_day_json(g.ends_on),
                     "hours", page_hours(g.hours_minutes, req->arena), "change_orders",
                     change_orders_json(co, n, customer, req->arena), "maintenance",
                     g.kind == AK_MAINTENANCE);
    json_object_set_new(*out, "organization_id", json_integer(g.organization_id));
    /* hours bought and the bank only once in effect: before, the quote is what counts */
    json_object_set_new(*out, "signed", json_boolean(g.status == AS_SIGNED));
    json_object_set_new(*out, "signatures", signatures_page_json(g.sig));
    if ((q = quote_page_json(&g)))
        json_object_set_new(*out, "quote", q);
    json_object_set_new(*out, "can_accept",
                        json_boolean(customer && (shown == AS_REQUESTED || shown == AS_QUOTED) &&
                                     !g.sig[PARTY_CUSTOMER].signed_at));
    if (g.kind != AK_MAINTENANCE && (g.status == AS_SIGNED || !customer) &&
        store_agreement_balance(req->store, &req->caller, id, today, &b, &fault) == 0)
        json_object_set_new(*out, "bank", bank_json(&b, req->arena));
    if ((rc = bookings_json(req, id, *out)) < 0)
        return rc;
    if (g.kind == AK_ENHANCED) {
        json_t *years;
        if ((rc = years_json(req, id, &years)) < 0)
            return rc;
        json_object_set_new(*out, "years", years);
        json_object_set_new(*out, "enhanced", json_true());
    }
    return 0;
}

static int show_agreement(struct req *req, struct res *res, int status, const char *error)
{
    json_t *g;
    int rc;

    if ((rc = page_agreement_json(req, req->params[0], &g)) < 0)
        return page_error(req, res, rc, "no agreement %" PRId64, req->params[0]);
    return page_render(req, res, status, "agreement",
                       json_pack("{s:s, s:o, s:s?}", "title", tr("Agreement"), "agreement", g,
                                 "error", error));
}

int page_portal_agreement(struct req *req, struct res *res)
{
    return show_agreement(req, res, 200, NULL);
}

/* The typed full name of a portal acceptance, or NULL with *why set. */
static const char *typed_name(struct req *req, const char **why)
{
    const char *name = page_form_str(req, "name");

    *why = NULL;
    for (const char *p = name; *p; p++)
        if (*p != ' ')
            return (*why = page_line_problem("your name", name, SIGNER_NAME_MAX, req->arena))
                       ? NULL
                       : name;
    *why = "type your full name to sign";
    return NULL;
}

/* The store's answer to an acceptance: 303 back to the agreement, its page with the refusal. */
static int accepted(struct req *req, struct res *res, int rc, const struct store_fault *f)
{
    if (rc == DESK_ENOTFOUND && !*f->message)
        return page_error(req, res, rc, "no agreement %" PRId64, req->params[0]);
    if (rc < 0)
        return show_agreement(req, res, http_status_from_err(rc), page_fault_message(rc, f));
    return page_redirect(res, arena_sprintf(req->arena, "/portal/agreements/%" PRId64 "?accepted=1",
                                            req->params[0]));
}

/* POST /portal/agreements/{id}/accept (name): the customer signs the quote or SOW. */
int page_portal_agreement_accept(struct req *req, struct res *res)
{
    struct agreement_move m = {.kind = MOVE_ACCEPT, .client_addr = req->client_addr};
    struct store_fault fault = {0};
    struct agreement out;
    const char *why;
    int rc;

    if (req->caller.role != ROLE_CUSTOMER)
        return page_error(req, res, DESK_EDENIED, "only a customer of the organisation accepts");
    if (!(m.name = typed_name(req, &why)))
        return show_agreement(req, res, 422, why);
    rc = store_agreement_move(req->store, &req->caller, req->params[0], &m, time_now(), &out,
                              &fault, req->arena);
    return accepted(req, res, rc, &fault);
}

/* POST /portal/agreements/{id}/change-orders/{cid}/accept (name): the customer signs one. */
int page_portal_change_order_accept(struct req *req, struct res *res)
{
    struct signing by = {PARTY_CUSTOMER, NULL, req->client_addr};
    struct store_fault fault = {0};
    struct change_order out;
    const char *why;
    int rc;

    if (req->caller.role != ROLE_CUSTOMER)
        return page_error(req, res, DESK_EDENIED, "only a customer of the organisation accepts");
    if (!(by.name = typed_name(req, &why)))
        return show_agreement(req, res, 422, why);
    rc = store_change_order_sign(req->store, &req->caller, req->params[0], req->params[1], &by,
                                 time_now(), &out, &fault, req->arena);
    return accepted(req, res, rc, &fault);
}

/* ---- RASCI -------------------------------------------------------------------------------- */

static json_t *matrix_json(const struct rasci_matrix *m)
{
    json_t *parties = json_array(), *rows = json_array();
    char cell[RASCI_CELL_LEN];

    for (size_t p = 0; p < m->nparties; p++)
        json_array_append_new(parties, json_string(m->parties[p]));
    for (size_t r = 0; r < m->nrows; r++) {
        json_t *cells = json_array();

        for (size_t p = 0; p < m->nparties; p++)
            json_array_append_new(cells,
                                  json_string(rasci_cell_format(m->rows[r].cells[p], cell)));
        json_array_append_new(rows, json_pack("{s:s, s:o}", "activity", m->rows[r].activity,
                                              "cells", cells));
    }
    return json_pack("{s:I, s:s, s:b, s:o, s:o}", "id", (json_int_t)m->id, "name", m->name,
                     "is_default", m->is_default, "parties", parties, "rows", rows);
}

json_t *page_matrices_json(const struct rasci_matrix *m, size_t n)
{
    json_t *list = json_array();

    for (size_t i = 0; i < n; i++)
        json_array_append_new(list, matrix_json(&m[i]));
    return list;
}

int page_portal_rasci(struct req *req, struct res *res)
{
    struct rasci_matrix *m;
    size_t n;
    int rc;

    if ((rc = store_rasci_list(req->store, &req->caller, &m, &n, req->arena)) < 0)
        return page_error(req, res, rc, "the responsibilities cannot be shown");
    return page_render(req, res, 200, "rasci",
                       json_pack("{s:s, s:o}", "title", tr("Responsibilities"), "matrices",
                                 page_matrices_json(m, n)));
}

/* ---- the catalogue ------------------------------------------------------------------------- */

/* The hosting model of the organisation's maintenance agreement in force; HOSTING_NONE without. */
static int hosting_of(struct req *req, enum hosting *h)
{
    int64_t now = time_now();
    struct agreement_row *rows;
    size_t n;
    int rc;

    *h = HOSTING_NONE;
    rc = store_agreement_rows(req->store, &req->caller, 0, floor_div(now, 86400), now, &rows, &n,
                              req->arena);
    for (size_t i = 0; rc == 0 && i < n; i++)
        if (rows[i].active && !strcmp(rows[i].kind, "maintenance"))
            hosting_parse(rows[i].hosting, h);
    return rc;
}

int page_portal_catalogue(struct req *req, struct res *res)
{
    struct catalogue_service *s;
    json_t *list = json_array();
    unsigned covered = 0;
    enum hosting h;
    size_t n = 0;
    int rc;

    rc = hosting_of(req, &h);
    if (rc == 0 && h != HOSTING_NONE)
        rc = store_catalogue_list(req->store, &s, &n, req->arena);
    if (rc < 0) {
        json_decref(list);
        return page_error(req, res, rc, "the catalogue cannot be shown");
    }
    for (size_t i = 0; i < n; i++) {
        const struct service_offer *o = h == HOSTING_VENDOR ? &s[i].vendor : &s[i].customer;

        if (!catalogue_offered(&s[i])) /* retired: no longer offered */
            continue;
        json_array_append_new(list, json_pack("{s:s, s:s, s:s}", "name", s[i].name, "inclusion",
                                              tr(inclusion_words(o->inclusion)), "comment",
                                              o->comment));
    }
    if ((rc = supplemental_covered(req, req->caller.organization_id, &covered)) < 0) {
        json_decref(list);
        return page_error(req, res, rc, "the catalogue cannot be shown");
    }
    return page_render(req, res, 200, "catalogue",
                       json_pack("{s:s, s:s, s:o, s:o}", "title", tr("Service catalogue"), "hosting",
                                 h == HOSTING_NONE ? "" : tr(hosting_words(h)), "services", list,
                                 "supplemental", supplemental_services_json(covered)));
}

/* POST /portal/quote-requests (service, note): the request for a quote, then its page. */
int page_portal_quote_request(struct req *req, struct res *res)
{
    const char *service = req_form(req, "service"), *note = req_form(req, "note"), *why;
    struct store_fault fault = {0};
    struct ticket t;
    int rc;

    if ((why = page_text_problem("the note", note ? note : "", 10000, req->arena)))
        return page_error(req, res, DESK_EINVAL, "%s", why);
    rc = quote_request_create(req, req->caller.organization_id, service, note, CH_PORTAL, &t,
                              &fault);
    if (rc < 0)
        return page_error(req, res, rc, "%s", page_fault_message(rc, &fault));
    return page_saved(req, res, arena_sprintf(req->arena, "/portal/requests/%" PRId64, t.id));
}

/* ---- releases and known errors ----------------------------------------------------------- */

/* The hot-fix files of release id with their links under /portal/ or /desk/. */
static json_t *release_files_json(struct req *req, int64_t id, bool *downloadable)
{
    const char *area = req->caller.role >= ROLE_AGENT ? "desk" : "portal";
    json_t *list = json_array();
    struct release_file *f;
    size_t n = 0;

    *downloadable = false;
    if (store_release_file_list(req->store, &req->caller, id, time_now(), &f, &n, downloadable,
                                req->arena) < 0)
        return list;
    for (size_t i = 0; i < n; i++)
        json_array_append_new(
            list, json_pack("{s:s, s:s, s:I, s:s}", "filename", f[i].filename, "href",
                            arena_sprintf(req->arena, "/%s/release-files/%" PRId64, area, f[i].id),
                            "size", (json_int_t)f[i].size, "sha256", f[i].sha256));
    return list;
}

static json_t *releases_json(struct req *req, const struct release *r, size_t n)
{
    json_t *list = json_array();

    for (size_t i = 0; i < n; i++) {
        bool downloadable;
        json_t *files = release_files_json(req, r[i].id, &downloadable);
        json_array_append_new(
            list, json_pack("{s:I, s:s, s:s, s:o, s:s, s:b, s:o, s:b}", "id", (json_int_t)r[i].id,
                            "version", r[i].version, "kind", release_kind_name(r[i].kind),
                            "released_on", page_day_json(r[i].released_on), "notes", r[i].notes,
                            "published", r[i].published_at != 0, "files", files,
                            "downloadable", downloadable));
    }
    return list;
}

static json_t *known_errors_json(const struct known_error *k, size_t n)
{
    json_t *list = json_array();

    for (size_t i = 0; i < n; i++) {
        json_t *versions = json_array();

        for (size_t v = 0; v < k[i].nversions; v++)
            json_array_append_new(versions, json_string(k[i].versions[v]));
        json_array_append_new(
            list, json_pack("{s:I, s:s, s:s, s:s, s:s, s:o}", "id", (json_int_t)k[i].id, "title",
                            k[i].title, "description", k[i].description, "status",
                            tr(known_error_status_name(k[i].status)), "workaround",
                            k[i].workaround ? k[i].workaround : "", "versions", versions));
    }
    return list;
}

int page_releases_json(struct req *req, json_t *data)
{
    struct kb_page pg = {NULL, LIST_MAX};
    struct known_error *k;
    struct release *r;
    const char *next;
    size_t nr, nk;
    int rc;

    if ((rc = store_release_list(req->store, &req->caller, &pg, &r, &nr, &next, req->arena)) < 0)
        return rc;
    if ((rc = store_known_error_list(req->store, &req->caller, &pg, &k, &nk, &next,
                                     req->arena)) < 0)
        return rc;
    json_object_set_new(data, "releases", releases_json(req, r, nr));
    json_object_set_new(data, "known_errors", known_errors_json(k, nk));
    return 0;
}

int page_portal_releases(struct req *req, struct res *res)
{
    json_t *data = json_pack("{s:s}", "title", tr("Releases and known errors"));
    int rc;

    if ((rc = page_releases_json(req, data)) < 0) {
        json_decref(data);
        return page_error(req, res, rc, "the releases cannot be shown");
    }
    return page_render(req, res, 200, "releases", data);
}

/* ---- invoices -------------------------------------------------------------------------------- */

int page_portal_invoices(struct req *req, struct res *res)
{
    struct invoice_filter f = {0, 0, 0, LIST_MAX};
    char money[MONEY_TEXT_LEN];
    struct invoice *inv;
    json_t *list;
    int64_t next;
    size_t n;
    int rc;

    if ((rc = store_invoice_list(req->store, &req->caller, &f, &inv, &n, &next, req->arena)) < 0)
        return page_error(req, res, rc, "the invoices cannot be shown");
    list = json_array();
    for (size_t i = 0; i < n; i++) {
        const struct currency *cur = currency_find(inv[i].currency);

        json_array_append_new(
            list, json_pack("{s:I, s:s, s:o, s:o, s:o, s:s, s:s}", "id", (json_int_t)inv[i].id,
                            "number", inv[i].number, "issued_on", page_day_json(inv[i].issued_on),
                            "period_start", page_day_json(inv[i].period_start), "period_end",
                            page_day_json(inv[i].period_end), "total",
                            cur ? page_number(money_format(inv[i].total, cur, MONEY_GROUP, money))
                                : "",
                            "currency", inv[i].currency));
    }
    return page_render(req, res, 200, "invoices",
                       json_pack("{s:s, s:o}", "title", tr("Invoices"), "invoices", list));
}

int page_send_release_file(struct req *req, struct res *res)
{
    struct release_file f;
    int rc = store_release_file_get(req->store, &req->caller, req->params[0], time_now(), &f,
                                    req->arena);

    if (rc == DESK_EDENIED)
        return page_error(req, res, rc, "%s", RELEASE_FILE_DENIED);
    if (rc < 0)
        return page_error(req, res, rc, "there is no file %" PRId64, req->params[0]);
    return release_file_send(req, res, &f);
}

/* ---- maintenance windows ----------------------------------------------------------------- */


int page_portal_maintenance(struct req *req, struct res *res)
{
    struct kb_page pg = {NULL, LIST_MAX};
    struct maintenance_window *w;
    const char *next;
    json_t *list;
    size_t n;
    int rc;

    rc = store_maintenance_list(req->store, &req->caller, 0, &pg, &w, &n, &next, req->arena);
    if (rc < 0)
        return page_error(req, res, rc, "the maintenance windows cannot be shown");
    list = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(
            list, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "starts_at",
                            page_utc_text(w[i].t.starts_at, req->arena), "ends_at",
                            page_utc_text(w[i].t.ends_at, req->arena), "summary", w[i].summary,
                            "details", w[i].details, "where",
                            w[i].installation_name ? w[i].installation_name
                                                   : "all hosted installations",
                            "status", tr(maintenance_status_name(w[i].status))));
    return page_render(req, res, 200, "maintenance",
                       json_pack("{s:s, s:o}", "title", tr("Maintenance"), "windows", list));
}
