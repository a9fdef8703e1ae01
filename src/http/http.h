/*
 * http.h - a request and its response, as handlers see them.
 *
 * The server (server.c) fills a struct req from libmicrohttpd, or a test
 * builds one by hand (no sockets): handlers never see MHD. Everything a
 * handler allocates comes from req->arena and is freed after the response
 * is sent. A handler returns 0 after filling res, or a negative desk_err
 * that the router turns into an error body when res is still empty.
 */
#ifndef HTTP_HTTP_H
#define HTTP_HTTP_H

#include "core/compat.h"
#include "core/arena.h"
#include "core/conf.h"
#include "core/strbuf.h"
#include "domain/user.h"
#include <jansson.h>

struct store;

#define REQ_MAX_PARAMS 4   /* :id segments in a route */
#define REQ_MAX_HEADERS 64 /* request headers kept */
#define REQ_MAX_QUERY 32   /* query arguments kept */
#define RES_MAX_HEADERS 8
#define REQ_MAX_FORM 64    /* fields of a posted form kept (a calendar's hours: 7 days x 7) */

struct kv {
    const char *key;   /* header names compare case-insensitively */
    const char *value; /* NUL-terminated */
};

/* A field of a posted form (urlencoded or multipart), parsed by the server. */
struct form_field {
    const char *name;         /* field name */
    const char *value;        /* the bytes, NUL-terminated (a file may hold NULs too) */
    size_t len;               /* bytes in value */
    const char *filename;     /* a file part: the name the browser sent; NULL otherwise */
    const char *content_type; /* a file part: its type as sent; NULL otherwise */
    bool too_large;           /* over the route's limit: value dropped (empty), the rest kept */
};

struct req {
    struct arena *arena;        /* freed after the response */
    struct store *store;        /* the database */
    const struct conf *conf;    /* server settings */
    const char *method;         /* "GET", ... */
    const char *path;           /* without the query string */
    const char *body;           /* NUL-terminated (the bytes may hold NULs too) */
    size_t body_len;            /* bytes in body */
    struct kv headers[REQ_MAX_HEADERS];
    size_t nheaders;
    struct kv query[REQ_MAX_QUERY];
    size_t nquery;
    int64_t params[REQ_MAX_PARAMS]; /* numeric :id segments, in order */
    size_t nparams;
    struct user user;           /* the signed-in user (id 0: anonymous) */
    struct caller caller;       /* who is asking, for the store */
    uint8_t token_hash[32];     /* the bearer token's hash, when has_token */
    bool has_token;             /* authenticated by a bearer token */
    const char *session_token;  /* the session cookie's token, when has_session */
    uint8_t session_hash[32];   /* its hash, when has_session */
    bool has_session;           /* authenticated by a session cookie (http/session.h) */
    int64_t credential_id;      /* the row of the token or session, when either */
    int64_t expired_user;       /* the session cookie names a session of this user that
                                   ended by its lifetime or idle timeout (0: none) */
    bool draft_pending;         /* a reply posted with such a session: kept, then sign-in */
    const char *client_addr;    /* the peer's IP address as text ("" unknown) */
    struct form_field form[REQ_MAX_FORM]; /* a page's posted form */
    size_t nform;               /* fields in form */
    uint64_t id;                /* request id for the log */
};

struct res {
    int status;                 /* 0 until a handler sets it */
    const char *content_type;   /* static or arena string */
    struct strbuf body;         /* the bytes */
    struct kv headers[RES_MAX_HEADERS];
    size_t nheaders;
    bool hold;                  /* GET /api/v1/events: no event yet, the server holds the
                                   request (http/waiters.h) and asks again from hold_after */
    int64_t hold_after;
};

/*
 * The client's address (arena or borrowed): the peer's IP, or with
 * trust-forwarded-for the last entry of X-Forwarded-For (what the proxy in
 * front saw). "" when unknown (in-process tests).
 */
const char *req_address(const struct req *req);
/* Header (any case) or query argument, NULL when absent. */
const char *req_header(const struct req *req, const char *name);
const char *req_query(const struct req *req, const char *name);
/* The first posted form field called name, or NULL; req_form gives its value. */
const struct form_field *req_form_field(const struct req *req, const char *name);
const char *req_form(const struct req *req, const char *name);
/*
 * Parse the body as a JSON object into *out (owned by the arena). Returns 0,
 * or fills res with 400 (not a JSON object, invalid UTF-8) and returns
 * DESK_EBADREQ.
 */
int req_json(struct req *req, struct res *res, json_t **out);

void res_header(struct res *res, const char *name, const char *value);
/* Set status and a JSON body (j is consumed: decref'd). Returns 0. */
int res_json(struct res *res, int status, json_t *j);
/* Set status and a body of the given type (copied). Returns 0. */
int res_bytes(struct res *res, int status, const char *type, const void *data, size_t len);
/*
 * The error body {"error":{"code","message","field"?}} with the status of
 * err (core/err.h). field may be NULL. Returns err, so handlers can
 * `return res_error(...)`.
 */
int res_error(struct res *res, int err, const char *field, const char *fmt, ...)
    PRINTF_LIKE(4, 5);
void res_release(struct res *res);

#endif
