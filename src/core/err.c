#include "core/compat.h"
#include "core/i18n.h"
#include "core/err.h"
#include "core/strbuf.h"

static const struct {
    int err;
    int status;
    const char *code;
} errs[] = {
    {DESK_OK, 200, "ok"},
    {DESK_EBADREQ, 400, "bad_request"},
    {DESK_EUNAUTH, 401, "unauthorized"},
    {DESK_EDENIED, 403, "forbidden"},
    {DESK_ENOTFOUND, 404, "not_found"},
    {DESK_EMETHOD, 405, "method_not_allowed"},
    {DESK_ECONFLICT, 409, "conflict"},
    {DESK_ETOOBIG, 413, "too_large"},
    {DESK_EINVAL, 422, "invalid"},
    {DESK_ELIMIT, 429, "too_many_requests"},
    {DESK_EBUSY, 503, "unavailable"},
    {DESK_EIO, 500, "internal"},
};

int http_status_from_err(int err)
{
    for (size_t i = 0; i < ARRAY_SIZE(errs); i++)
        if (errs[i].err == err)
            return errs[i].status;
    return 500;
}

const char *desk_err_code(int err)
{
    for (size_t i = 0; i < ARRAY_SIZE(errs); i++)
        if (errs[i].err == err)
            return errs[i].code;
    return "internal";
}

int err_addf(struct strbuf *err, int rc, const char *fmt, ...)
{
    va_list ap;

    if (err) {
        va_start(ap, fmt);
        strbuf_vaddf(err, tr(fmt), ap); /* in this thread's language (core/i18n.h) */
        va_end(ap);
    }
    return rc;
}
