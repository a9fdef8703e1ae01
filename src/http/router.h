/*
 * router.h - the route table and the checks every request passes first.
 *
 * Order (SPEC 5): unknown path 404, wrong method 405 (with Allow), no valid
 * token 401 (with WWW-Authenticate: Bearer), role 403; then the handler
 * checks the body. `:id` segments match only decimal ids (1..2^63-1), so a
 * non-numeric id is an unknown path: 404. A param may end in a literal
 * suffix: ":id.pdf" matches "42.pdf".
 *
 * Pages (ROUTE_PAGE) sign in by the session cookie (http/session.h), not a
 * bearer token, and answer people: an anonymous visitor is sent to
 * /login?next=PATH (303), a role below the route's gets a 403 page, a
 * ROUTE_PORTAL page sends staff to /desk/ (303), and every POST must carry
 * the form's CSRF token (403 otherwise, before the handler runs). Their
 * errors are HTML. The API takes the session cookie too, for GET and HEAD
 * only, when no bearer token is sent.
 */
#ifndef HTTP_ROUTER_H
#define HTTP_ROUTER_H

#include "http/http.h"

typedef int (*handler_fn)(struct req *req, struct res *res);

enum route_flags {
    ROUTE_UPLOAD = 1 << 0, /* the body may be an upload (MAX_UPLOAD), not JSON (MAX_JSON_BODY) */
    ROUTE_PAGE = 1 << 1,   /* an HTML page: session cookie, redirects, CSRF on POST */
    ROUTE_PORTAL = 1 << 2, /* a customers' page: staff are sent to /desk/ */
    ROUTE_DRAFT = 1 << 3,  /* a page's reply form: its "body" is kept when the session ended
                              meanwhile, and the visitor signs in to come back to it */
    ROUTE_SLOW = 1 << 4,   /* a read that takes milliseconds (a PDF, a report): it runs on a
                              worker, not on the thread that serves other connections */
};

struct route {
    const char *method;  /* "GET", "POST", "PATCH", "DELETE" */
    const char *pattern; /* "/api/v1/tickets/:id" */
    handler_fn handler;  /* does the work */
    enum role min_role;  /* ROLE_NONE: no sign-in needed */
    unsigned flags;      /* enum route_flags */
    const char *summary; /* one line, for the OpenAPI document */
};

extern const struct route routes[];
extern const size_t routes_nr;

enum route_match { ROUTE_FOUND, ROUTE_NO_PATH, ROUTE_NO_METHOD };

/*
 * Find the route for method and path; fills req->params. On ROUTE_NO_METHOD,
 * *allow (arena) lists the methods the path takes.
 */
enum route_match route_find(struct req *req, const struct route **out, const char **allow);
/* Body limit of a route (bytes). */
size_t route_body_limit(const struct route *r);
/*
 * Authenticate the bearer token of req (if any) into req->user/caller.
 * Returns 0, or DESK_EUNAUTH / DESK_EDENIED (with res filled) when the
 * route needs more than the caller has.
 */
int route_authorize(const struct route *r, struct req *req, struct res *res);
/*
 * Answer err with message: an HTML page for a page route, the API's JSON
 * error body otherwise. Returns err.
 */
int route_error(const struct route *r, struct req *req, struct res *res, int err,
                const char *message);
/* Run the route's handler; an error without a body becomes one. */
void route_run(const struct route *r, struct req *req, struct res *res);
/*
 * A page's form with a file (POST to a ROUTE_PAGE | ROUTE_UPLOAD route) from
 * a client that does not wait for "100 Continue" (a browser) is read even
 * when it is announced larger than the limit: the server keeps its fields,
 * drops a file over the limit (form_field.too_large) and the handler
 * answers the form again with what was typed.
 */
bool route_reads_oversized_form(const struct route *r, const struct req *req);
/*
 * The checks before the body, in SPEC order: find (404, 405), authorise
 * (401, 403), then the announced body size (413, except for
 * route_reads_oversized_form). Returns 0 with *out set when the handler
 * may run; otherwise res holds the error.
 */
int route_prepare(struct req *req, struct res *res, const struct route **out, size_t body_len);
/* Find, authorise and run: the whole pipeline for a request whose body is read. */
void route_dispatch(struct req *req, struct res *res);

#endif
