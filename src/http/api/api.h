/*
 * api.h - the handlers of /api/v1 and the operational endpoints, one file a
 * resource (http/api/<resource>.c). The route table in http/routes.c names them.
 */
#ifndef HTTP_API_H
#define HTTP_API_H

#include "http/http.h"

/* health.c */
int api_healthz(struct req *req, struct res *res);
int api_metrics(struct req *req, struct res *res);
/* openapi.c */
int api_openapi(struct req *req, struct res *res);
/* organizations.c, users.c, calendars.c, policies.c */

/* tokens.c */
int api_token_create(struct req *req, struct res *res);
int api_token_revoke(struct req *req, struct res *res);
int api_me(struct req *req, struct res *res);

/* tickets.c, messages.c, attachments.c */
int api_ticket_create(struct req *req, struct res *res);
int api_ticket_list(struct req *req, struct res *res);
int api_ticket_get(struct req *req, struct res *res);
int api_ticket_patch(struct req *req, struct res *res);
int api_ticket_escalate(struct req *req, struct res *res);
int api_ticket_sla(struct req *req, struct res *res);
int api_message_create(struct req *req, struct res *res);
int api_message_list(struct req *req, struct res *res);
int api_attachment_create(struct req *req, struct res *res);
int api_attachment_list(struct req *req, struct res *res);
int api_attachment_get(struct req *req, struct res *res);
/* Why a file name may not be stored (NULL when fine): empty, too long, not UTF-8, a path. */
const char *attachment_filename_problem(const char *f);
/* Is t a media type (type/subtype[; params], printable ASCII, at most 127 bytes)? */
bool attachment_type_ok(const char *t);
/* Content-Disposition: attachment, with an ASCII fallback and the UTF-8 name (arena). */
const char *attachment_disposition(const char *name, struct arena *a);

struct ticket;
struct store_fault;
/* The API form of a request, with its SLA block computed at now. */
json_t *ticket_to_json(const struct ticket *t, int64_t now);
/*
 * Read the RFC 3339 string field of in into *out (left alone when absent).
 * Returns 0, or fills res with 422 naming the field.
 */
int json_to_time(json_t *in, const char *field, int64_t *out, struct res *res);
/*
 * For a customer, 404 (in res) when request req->params[0] is not its
 * organisation's: checked before a field-level 403, so that another
 * organisation's id answers exactly like a missing one. 0 otherwise.
 */
int customer_may_see(struct req *req, struct res *res);
/* Answer a refused store write: its fault's field and message, or a plain error. */
int res_store_error(struct res *res, int rc, const struct store_fault *f, const char *what);

/* agreements.c, time.c, invoices.c, catalogue.c, rasci.c */

/* JSON value of an instant: "YYYY-MM-DDTHH:MM:SSZ", or null for 0. */
json_t *json_time(int64_t t);
/* JSON id, or null for 0. */
json_t *json_id(int64_t id);

#endif
