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

/* kb.c, known_errors.c, releases.c, installations.c */
int api_article_create(struct req *req, struct res *res);
int api_article_list(struct req *req, struct res *res);
int api_article_get(struct req *req, struct res *res);
int api_article_patch(struct req *req, struct res *res);
int api_known_error_create(struct req *req, struct res *res);
int api_known_error_list(struct req *req, struct res *res);
int api_known_error_get(struct req *req, struct res *res);
int api_known_error_patch(struct req *req, struct res *res);
int api_known_error_link(struct req *req, struct res *res);
int api_ticket_known_error(struct req *req, struct res *res);
int api_release_create(struct req *req, struct res *res);
int api_release_list(struct req *req, struct res *res);
int api_release_get(struct req *req, struct res *res);
int api_release_publish(struct req *req, struct res *res);
int api_installation_create(struct req *req, struct res *res);
int api_installation_list(struct req *req, struct res *res);
int api_installation_get(struct req *req, struct res *res);
int api_installation_change_create(struct req *req, struct res *res);
int api_installation_change_list(struct req *req, struct res *res);

struct kb_page;
/*
 * Read the paging query parameters: limit 1..1000 (default 50), cursor.
 * Returns 0, or fills res with 400 naming the parameter.
 */
int kb_page_read(struct req *req, struct kb_page *pg, struct res *res);
/* The list answer {"items": items, "next_cursor": next or null}; items is consumed. */
int res_list(struct res *res, json_t *items, const char *next);
/*
 * The strings of the JSON list `field` of in (arena; *n = 0 when absent or
 * null), each of min..max characters, or each a version when max is 0.
 * Returns 0, or fills res with 422 naming the field.
 */
int json_to_strings(json_t *in, const char *field, int64_t min, int64_t max, const char ***out,
                    size_t *n, struct req *req, struct res *res);
/* The positive ids of the JSON list `field` of in (arena), as json_to_strings. */
int json_to_ids(json_t *in, const char *field, int64_t **out, size_t *n, struct req *req,
                struct res *res);

/* JSON value of an instant: "YYYY-MM-DDTHH:MM:SSZ", or null for 0. */
json_t *json_time(int64_t t);
/* JSON id, or null for 0. */
json_t *json_id(int64_t id);

#endif
