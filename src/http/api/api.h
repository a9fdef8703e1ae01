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

/* JSON value of an instant: "YYYY-MM-DDTHH:MM:SSZ", or null for 0 when nullable. */
json_t *json_time(int64_t t);
/* JSON id, or null for 0. */
json_t *json_id(int64_t id);

#endif
