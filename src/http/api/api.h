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
int api_org_create(struct req *req, struct res *res);
int api_org_list(struct req *req, struct res *res);
int api_org_get(struct req *req, struct res *res);
int api_org_update(struct req *req, struct res *res);
int api_user_create(struct req *req, struct res *res);
int api_user_list(struct req *req, struct res *res);
int api_user_get(struct req *req, struct res *res);
int api_user_update(struct req *req, struct res *res);
int api_password_change(struct req *req, struct res *res);
int api_calendar_create(struct req *req, struct res *res);
int api_calendar_list(struct req *req, struct res *res);
int api_calendar_get(struct req *req, struct res *res);
int api_calendar_update(struct req *req, struct res *res);
int api_calendar_holidays(struct req *req, struct res *res);
int api_policy_create(struct req *req, struct res *res);
int api_policy_list(struct req *req, struct res *res);
int api_policy_get(struct req *req, struct res *res);
int api_policy_update(struct req *req, struct res *res);

/* admin_common.c: helpers of the admin handlers */
struct store_page;
struct store_fault;
/*
 * Read the list parameters `limit` (1..1000, default 50) and `cursor` (as
 * given in next_cursor) into pg. Returns 0, or fills res with 400 naming
 * the parameter and returns DESK_EBADREQ.
 */
int api_page(struct req *req, struct res *res, struct store_page *pg);
/* The `limit` query parameter: 1..1000, 50 when absent; 400 (in res) otherwise. */
int api_limit(struct req *req, struct res *res, int64_t *n);
/* {"items": items, "next_cursor": "<last_id>" or null when pg says no more follow}. */
json_t *api_page_json(json_t *items, const struct store_page *pg, int64_t last_id);
/*
 * The error of a refused store write: the fault's field and message when
 * the store gave one, a generic message for DESK_EIO/DESK_EBUSY, else
 * `fallback` (printf format) with no field.
 * Returns rc.
 */
int api_fault(struct res *res, int rc, const struct store_fault *f, const char *fallback, ...)
    PRINTF_LIKE(4, 5);
/*
 * 422 for a domain message that starts with the JSON path at fault
 * ("hours.fri[0]: end 08:00 is not after start 14:30"): the path becomes
 * `field`, the whole message the message. Returns DESK_EINVAL.
 */
int api_path_error(struct res *res, const char *msg);
/*
 * Check one string of a list: returns NULL when `in` is acceptable, with
 * its normal form in *out (arena a), else the reason ("is not ...").
 */
typedef const char *(*api_string_check)(const char *in, const char **out, struct arena *a);
/*
 * The strings of the JSON list `list` (checked by input_check as F_ARRAY),
 * each passed through check, duplicates (after it) dropped, into *out
 * (arena; never NULL) and *nr. A bad entry is 422 naming "field[i]".
 */
int api_strings(struct req *req, struct res *res, json_t *list, const char *field,
                api_string_check check, const char *const **out, size_t *nr);
/* api_string_check for e-mail addresses (kept as given). */
const char *api_check_email(const char *in, const char **out, struct arena *a);

/* tokens.c: the sign-in limit of SPEC 5 (5 failures in 15 minutes an account) */
/*
 * 0 when user_id may try a password now; otherwise fills res with 429 and
 * Retry-After (seconds until the oldest of the last 5 failures leaves the
 * window) and returns DESK_ELIMIT.
 */
int api_sign_in_limit(struct req *req, struct res *res, int64_t user_id);
/* Count a wrong password for user_id. Returns 0 or a store error. */
int api_sign_in_failed(struct req *req, int64_t user_id);

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

/* agreements.c, time.c, invoices.c, catalogue.c, rasci.c */

/* kb.c, known_errors.c, releases.c, installations.c */

/* JSON value of an instant: "YYYY-MM-DDTHH:MM:SSZ", or null for 0. */
json_t *json_time(int64_t t);
/* JSON id, or null for 0. */
json_t *json_id(int64_t id);

#endif
