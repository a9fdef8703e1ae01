/*
 * watchers.c - the watchers and CC addresses of a request (issue 15):
 * GET /api/v1/tickets/{id}/followers ({"watchers":[...],"cc":[...]}), POST and DELETE
 * /api/v1/tickets/{id}/watchers[/{user_id}] (staff), POST /api/v1/tickets/{id}/cc {"email"}
 * and DELETE /api/v1/tickets/{id}/cc?email= (every role on a request it may see).
 */
#include "core/compat.h"
#include "http/api/api.h"
#include "core/err.h"
#include "core/time.h"
#include "http/input.h"
#include "store/store.h"

json_t *followers_json(const struct follower *w, size_t nw, const char *const *cc, size_t ncc)
{
    json_t *list = json_array(), *ccs = json_array();

    for (size_t i = 0; i < nw; i++)
        json_array_append_new(list, json_pack("{s:I, s:s, s:s, s:b}", "user_id",
                                              (json_int_t)w[i].user_id, "name", w[i].name,
                                              "email", w[i].email, "staff", w[i].staff));
    for (size_t i = 0; i < ncc; i++)
        json_array_append_new(ccs, json_string(cc[i]));
    return json_pack("{s:o, s:o}", "watchers", list, "cc", ccs);
}

static int answer_followers(struct req *req, struct res *res, int status)
{
    struct follower *w;
    const char **cc;
    size_t nw, ncc;
    int rc = store_followers(req->store, &req->caller, req->params[0], &w, &nw, &cc, &ncc,
                             req->arena);

    if (rc < 0)
        return res_error(res, rc, NULL, "no ticket %" PRId64, req->params[0]);
    return res_json(res, status, followers_json(w, nw, cc, ncc));
}

int api_followers_get(struct req *req, struct res *res)
{
    return answer_followers(req, res, 200);
}

static const struct field_spec watcher_fields[] = {
    {"user_id", F_ID, true, 0, 0, NULL},
};

int api_watcher_add(struct req *req, struct res *res)
{
    struct store_fault fault = {0};
    json_t *in;
    int rc;

    if ((rc = req_json(req, res, &in)) < 0 ||
        (rc = input_check(in, watcher_fields, ARRAY_SIZE(watcher_fields), res)) < 0)
        return rc;
    if ((rc = store_watcher_set(req->store, &req->caller, req->params[0],
                                input_int(in, "user_id", 0), true, time_now(), &fault)) < 0)
        return api_fault(res, rc, &fault, "no ticket %" PRId64, req->params[0]);
    return answer_followers(req, res, 200);
}

int api_watcher_remove(struct req *req, struct res *res)
{
    struct store_fault fault = {0};
    int rc = store_watcher_set(req->store, &req->caller, req->params[0], req->params[1], false,
                               time_now(), &fault);

    if (rc < 0)
        return api_fault(res, rc, &fault, "no ticket %" PRId64, req->params[0]);
    return answer_followers(req, res, 200);
}

/* An e-mail address of the body or the query, in lower case; 422 naming "email". */
static int read_address(struct req *req, struct res *res, const char *given, const char **out)
{
    const char *why = given ? api_check_email(given, out, req->arena) : "is required";
    char *low;

    if (why)
        return res_error(res, DESK_EINVAL, "email", "email %s", why);
    low = arena_strdup(req->arena, *out);
    for (char *p = low; *p; p++)
        *p = (char)((*p >= 'A' && *p <= 'Z') ? *p + 32 : *p);
    *out = low;
    return 0;
}

static int cc_change(struct req *req, struct res *res, const char *given, bool on)
{
    struct store_fault fault = {0};
    const char *address;
    int rc;

    if ((rc = read_address(req, res, given, &address)) < 0)
        return rc;
    if ((rc = store_cc_set(req->store, &req->caller, req->params[0], address, on, time_now(),
                           &fault)) < 0)
        return api_fault(res, rc, &fault, "no ticket %" PRId64, req->params[0]);
    return answer_followers(req, res, 200);
}

static const struct field_spec cc_fields[] = {
    {"email", F_STRING, true, 3, 254, NULL},
};

int api_cc_add(struct req *req, struct res *res)
{
    json_t *in;
    int rc;

    if ((rc = req_json(req, res, &in)) < 0 ||
        (rc = input_check(in, cc_fields, ARRAY_SIZE(cc_fields), res)) < 0)
        return rc;
    return cc_change(req, res, input_str(in, "email"), true);
}

int api_cc_remove(struct req *req, struct res *res)
{
    static const char *const params[] = {"email", NULL};
    int rc;

    if ((rc = api_query_known(req, res, params)) < 0)
        return rc;
    return cc_change(req, res, req_query(req, "email"), false);
}
