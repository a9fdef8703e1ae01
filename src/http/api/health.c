/*
 * health.c - GET /healthz (no token) and GET /metrics (admins).
 */
#include "core/compat.h"
#include "http/api/api.h"
#include "core/err.h"
#include "http/metrics.h"
#include "store/store.h"

/*
 * 200 {"status":"ok"}; 503 (Retry-After) {"status":"degraded","reason"} when the file
 * was found damaged (the server goes on serving what it can read), 503 error when the
 * database does not answer, its message saying why when the driver knows ("the database
 * does not answer: connection to server ... failed: Connection refused").
 */
int api_healthz(struct req *req, struct res *res)
{
    struct strbuf why = STRBUF_INIT, down = STRBUF_INIT;
    int rc, ping = store_ping(req->store, &down); /* first: a damaged page it meets counts too */

    if (store_degraded(req->store, &why))
        rc = res_json(res, 503,
                      json_pack("{s:s,s:s}", "status", "degraded", "reason", why.buf));
    else if (ping < 0)
        rc = res_error(res, DESK_EBUSY, NULL, "the database does not answer%s%s",
                       down.len ? ": " : "", down.buf);
    else
        rc = res_json(res, 200, json_pack("{s:s}", "status", "ok"));
    strbuf_release(&why);
    strbuf_release(&down);
    return rc;
}

int api_metrics(struct req *req, struct res *res)
{
    res->status = 200;
    res->content_type = "text/plain; version=0.0.4";
    metrics_render(&res->body, req->store);
    return 0;
}
