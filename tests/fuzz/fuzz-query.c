/*
 * fuzz-query.c - libFuzzer target for query strings: the list filters and
 * cursors (status/severity comma lists, ids, limit, cursor, q, sort, dates,
 * hosting), through the list routes into the handlers and the store (the
 * demo database, fuzz-store.h), and the parsers of the paging parameters
 * called directly.
 *
 * Input: one byte choosing the route (and the role), then the query string
 * as a client sends it (percent-encoded or not). Every answer is below 500
 * (503 excepted), a 400 names its parameter, a 200 of the API is a JSON
 * object, and the paging parsers either accept a value in range or refuse it
 * with 400 naming the parameter.
 */
#include "fuzz-store.h"
#include "domain/kb.h"
#include "http/api/api.h"
#include "store/store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const targets[] = {
    "/api/v1/tickets",          "/api/v1/agreements",        "/api/v1/invoices",
    "/api/v1/kb/articles",      "/api/v1/known-errors",      "/api/v1/releases",
    "/api/v1/installations",    "/api/v1/installations/1/changes", "/api/v1/reports/sla",
    "/api/v1/agreements/1/balance", "/api/v1/catalog",       "/api/v1/organizations",
    "/api/v1/users",            "/api/v1/calendars",         "/api/v1/sla-policies",
    "/api/v1/rasci-matrices",   "/api/v1/tickets/1/messages", "/kb/",
    "/desk/",                   "/desk/agreements",          "/desk/reports",
    "/desk/reports/sla.csv",    "/desk/reports/hours.csv",   "/portal/",
    "/portal/kb",               "/desk/releases",            "/login",
};

/* The paging parsers on their own: accepted values in range, refusals name the parameter. */
static void check_parsers(struct req *req)
{
    struct res res = {0};
    int64_t n, id;
    int limit = 0;
    int64_t before = 0;
    struct store_page pg;
    const char *terms[KB_TERMS_MAX];
    size_t nterms;

    if (api_limit(req, &res, &n) == 0) {
        if (n < 1 || n > 1000)
            BUG("limit %" PRId64 " accepted", n);
    } else if (res.status != 400 || !strstr(res.body.buf, "\"limit\"")) {
        BUG("a refused limit answered %d without naming it", res.status);
    }
    res_release(&res);
    res = (struct res){0};
    if (api_page(req, &res, &pg) == 0) {
        if (pg.limit < 1 || pg.limit > 1000)
            BUG("a page of %zu accepted", pg.limit);
    } else if (res.status != 400) {
        BUG("a refused page answered %d", res.status);
    }
    res_release(&res);
    res = (struct res){0};
    if (api_page_params(req, &res, &limit, &before) == 0) {
        if (limit < 1 || limit > 1000 || before < 0)
            BUG("page params %d, %" PRId64 " accepted", limit, before);
    } else if (res.status != 400) {
        BUG("refused page params answered %d", res.status);
    }
    res_release(&res);
    res = (struct res){0};
    if (api_query_id(req, &res, "organization_id", &id) == 0) {
        if (id < 0)
            BUG("organization_id %" PRId64 " accepted", id);
    } else if (res.status != 400 || !strstr(res.body.buf, "organization_id")) {
        BUG("a refused organization_id answered %d without naming it", res.status);
    }
    res_release(&res);
    if (req_query(req, "q") && kb_terms(req_query(req, "q"), terms, &nterms, req->arena) == 0) {
        if (nterms > KB_TERMS_MAX)
            BUG("%zu search words", nterms);
        for (size_t i = 0; i < nterms; i++)
            if (!terms[i][0] || strpbrk(terms[i], "\"'()*: "))
                BUG("search word '%s' holds syntax", terms[i]);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct arena a = ARENA_INIT;
    struct fz_request in = {0};
    struct req req = {0};
    struct res res;
    const struct route *r;
    size_t t;
    char *query;

    if (size < 1 || size > 8192)
        return 0;
    fz_setup();
    t = data[0] % ARRAY_SIZE(targets);
    query = arena_strndup(&a, (const char *)data + 1, size - 1);
    in.role = (enum fz_role)((data[0] / ARRAY_SIZE(targets)) % FZ_ROLES);
    if (!strncmp(targets[t], "/desk", 5) && in.role != FZ_NONE)
        in.role = (data[0] & 1) ? FZ_ADMIN : FZ_AGENT;
    if (!strncmp(targets[t], "/portal", 7) && in.role != FZ_NONE)
        in.role = FZ_CUSTOMER;
    in.method = "GET";
    in.target = arena_sprintf(&a, "%s?%s", targets[t], query);
    in.body = "";
    fz_dispatch(&in, &a, &res, &r);
    fz_check_answer(&in, r, &res);
    if (res.status == 400 && !strncmp(in.target, "/api/", 5) && !strstr(res.body.buf, "\"field\""))
        BUG("%s answered 400 without naming the parameter: %s", in.target, res.body.buf);
    res_release(&res);

    req.arena = &a;
    req.nquery = fz_pairs(&a, query, strlen(query), req.query, REQ_MAX_QUERY);
    check_parsers(&req);
    arena_release(&a);
    return 0;
}
