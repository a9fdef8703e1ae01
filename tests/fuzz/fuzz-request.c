/*
 * fuzz-request.c - libFuzzer target for what an HTTP request brings before a
 * handler runs: the path against the route table (`:id` segments, methods),
 * a JSON body against the field checks of a route, and UTF-8 in query values.
 *
 * Input: METHOD '\n' PATH '\n' BODY. Any input must give a route or a clean
 * 404/405, and a body must be accepted or answered with 400/422 naming a
 * field of the body; never a crash, a leak or a non-error status.
 */
#include "core/compat.h"
#include "core/err.h"
#include "core/utf8.h"
#include "core/xalloc.h"
#include "http/input.h"
#include "http/router.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct field_spec fields[] = {
    {"subject", F_STRING, true, 1, 300, NULL},
    {"severity", F_ENUM, false, 0, 0, (const char *const[]){"A", "B", "C", "D", NULL}},
    {"organization_id", F_ID, false, 0, 0, NULL},
    {"minutes", F_INT, false, 1, 100000, NULL},
    {"internal", F_BOOL, false, 0, 0, NULL},
};

static void check_route(struct req *req)
{
    const struct route *r = NULL;
    const char *allow = NULL;

    switch (route_find(req, &r, &allow)) {
    case ROUTE_FOUND:
        if (!r || req->nparams > REQ_MAX_PARAMS)
            BUG("found a route without a route");
        for (size_t i = 0; i < req->nparams; i++)
            if (req->params[i] < 1)
                BUG("an :id segment gave %" PRId64, req->params[i]);
        break;
    case ROUTE_NO_METHOD:
        if (!allow || !*allow)
            BUG("405 without Allow");
        break;
    case ROUTE_NO_PATH:
        break;
    }
}

static void check_body(struct req *req)
{
    struct res res = {0};
    json_t *in;
    int rc = req_json(req, &res, &in);

    if (rc == 0) {
        res_release(&res);
        res = (struct res){0};
        rc = input_check(in, fields, ARRAY_SIZE(fields), &res);
        if (rc < 0 && (res.status != 422 || !strstr(res.body.buf, "\"field\"")))
            BUG("a refused body answered %d without a field", res.status);
    } else if (res.status != 400) {
        BUG("an unparsable body answered %d", res.status);
    }
    res_release(&res);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct arena a = ARENA_INIT;
    struct req req = {0};
    char *text = xstrndup((const char *)data, size), *nl1, *nl2;

    nl1 = strchr(text, '\n');
    nl2 = nl1 ? strchr(nl1 + 1, '\n') : NULL;
    if (nl1 && nl2) {
        *nl1 = *nl2 = '\0';
        req.arena = &a;
        req.method = text;
        req.path = nl1 + 1;
        req.body = nl2 + 1;
        req.body_len = strlen(nl2 + 1);
        check_route(&req);
        check_body(&req);
        utf8_valid(req.path, strlen(req.path));
    }
    free(text);
    arena_release(&a);
    return 0;
}
