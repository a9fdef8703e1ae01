/*
 * health.c - GET /healthz (no token) and GET /metrics (admins).
 */
#include "core/compat.h"
#include "http/api/api.h"
#include "core/err.h"
#include "http/metrics.h"
#include "store/store.h"

int api_healthz(struct req *req, struct res *res)
{
    if (store_ping(req->store) < 0)
        return res_error(res, DESK_EBUSY, NULL, "the database does not answer");
    return res_json(res, 200, json_pack("{s:s}", "status", "ok"));
}

int api_metrics(struct req *req, struct res *res)
{
    res->status = 200;
    res->content_type = "text/plain; version=0.0.4";
    metrics_render(&res->body, req->store);
    return 0;
}
