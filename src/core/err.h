/*
 * err.h - the one error enum of svcdesk, and its mapping to HTTP.
 *
 * Functions return 0 or a negative enum desk_err (libuv style). Each value
 * is one status of SPEC 3.2; http_status_from_err() is the only place an
 * error becomes a status, desk_err_code() the only place it becomes the
 * API's "code" string.
 */
#ifndef CORE_ERR_H
#define CORE_ERR_H

#include "core/compat.h"

enum desk_err {
    DESK_OK = 0,
    DESK_EBADREQ = -1,   /* 400: not JSON, a query parameter that does not parse */
    DESK_EUNAUTH = -2,   /* 401: no or bad token */
    DESK_EDENIED = -3,   /* 403: the role may not */
    DESK_ENOTFOUND = -4, /* 404: absent, not yours, or a non-numeric id */
    DESK_EMETHOD = -5,   /* 405: known path, wrong method */
    DESK_ECONFLICT = -6, /* 409: forbidden state move, duplicate */
    DESK_ETOOBIG = -7,   /* 413: body over its limit */
    DESK_EINVAL = -8,    /* 422: well-formed but invalid; a field is at fault */
    DESK_ELIMIT = -9,    /* 429: too many attempts */
    DESK_EBUSY = -10,    /* 503: the store cannot serve now (locked, full, I/O error, damaged); Retry-After */
    DESK_EIO = -11,      /* 500: failure already logged */
};

/* The HTTP status for err (500 for anything unknown). */
int http_status_from_err(int err);
/* The API's error code string: "not_found", "invalid", ... */
const char *desk_err_code(int err);

struct strbuf;
/*
 * Append a message for people to err (when non-NULL) and return rc: the
 * one-line way to fail with a reason, `return err_addf(err, DESK_EINVAL,
 * "holidays[%zu]: '%s' is not a date", i, s);`.
 */
int err_addf(struct strbuf *err, int rc, const char *fmt, ...) PRINTF_LIKE(3, 4);

#endif
