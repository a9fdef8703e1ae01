/*
 * api.h - the handlers of /api/v1 and the operational endpoints, one file a
 * resource (http/api/<resource>.c). The route table in http/routes.c names them.
 */
#ifndef HTTP_API_H
#define HTTP_API_H

#include "http/http.h"
#include "domain/ticket.h"

struct attachment;

/* health.c */
int api_healthz(struct req *req, struct res *res);
/* GET /api/v1/events: the events after Last-Event-ID (or ?after=), or res->hold when none yet. */
int api_events(struct req *req, struct res *res);
/*
 * Answer the events req->caller may see after *after into res (text/event-stream) and return
 * true; with none yet return false (res untouched, *after moved past rows read) unless last,
 * which answers without events.
 */
bool api_events_answer(struct req *req, struct res *res, int64_t *after, bool last);
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
struct calendar_entry;
/* Change the name or definition of e (arena strings); 0, or an error with res filled. */
typedef int (*api_calendar_change_fn)(struct req *req, struct res *res, struct calendar_entry *e,
                                      void *arg);
/*
 * Read calendar id into *e, change it with fn and write it back when fn changed something
 * (the store recomputes the requests that use it); again when another change came first.
 * Returns 0 with *e as stored, or an error with res filled (the desk's forms read it).
 */
int api_calendar_change(struct req *req, struct res *res, int64_t id, api_calendar_change_fn fn,
                        void *arg, struct calendar_entry *e);
/* An api_calendar_change_fn: the members of PATCH body arg (json_t *, checked) laid over e. */
int api_calendar_patch(struct req *req, struct res *res, struct calendar_entry *e, void *arg);
/* PATCH /api/v1/calendars/{id} with body in: its fields checked, then the change made. */
int api_calendar_patch_body(struct req *req, struct res *res, int64_t id, json_t *in,
                            struct calendar_entry *e);
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
/* A list's store error: 400 naming `cursor` for DESK_EBADREQ (a cursor that does not parse), else rc. */
int api_cursor_error(struct res *res, int rc);
/* {"items": list, "next_cursor": "<next>" or null for 0}; consumes list. */
json_t *api_list_json(json_t *list, int64_t next);
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

/* tokens.c: answering a refused sign-in */
struct signin;
/*
 * Answer a refused sign-in check (http/signin.h) rc: 401, 403, 429 or 503
 * with s->message (and Retry-After for the last two); a store error is
 * returned as it is. Returns rc.
 */
int api_sign_in_refused(struct req *req, struct res *res, int rc, const struct signin *s);

/* users.c: passwords, shared with the pages (/desk/admin/users, /account/password) */
/*
 * Check password (password_problem) and hash it with argon2id into *out
 * (arena). Returns 0; DESK_EINVAL with the reason in *why ("is too short"),
 * or DESK_EIO.
 */
int api_password_hash(struct req *req, const char *password, const char **out,
                      const char **why);
/* A change of the signed-in user's own password. */
struct password_change {
    const char *old_password; /* in: what the user typed as the current password */
    const char *new_password; /* in: the new one */
    const char *field;        /* out on DESK_EINVAL: "old_password" or "new_password" */
    const char *message;      /* out on DESK_EINVAL, DESK_ELIMIT, DESK_EBUSY: for people */
    int64_t retry_after;      /* out on DESK_ELIMIT, DESK_EBUSY: seconds to wait */
};
/*
 * Change the caller's password when old_password is right (checked as a
 * sign-in, http/signin.h: a wrong one counts as a failed sign-in, so the
 * change cannot be used to guess faster than the sign-in form allows, and
 * the same throttle applies). Every other session and token of the user
 * ends; the one of this request stays. Returns 0, DESK_EINVAL, DESK_ELIMIT
 * or DESK_EBUSY (with pc's out fields) or a store error.
 */
int api_password_change_own(struct req *req, struct password_change *pc);
/* The hash of the credential req came with (its token or session), or NULL. */
const uint8_t *api_credential_in_use(const struct req *req);
struct credential;
/* {"id","kind","created_at","last_seen_at","expires_at","address","user_agent"}: new ref. */
json_t *api_credential_json(const struct credential *c);
int api_user_sessions(struct req *req, struct res *res);
int api_user_sessions_end(struct req *req, struct res *res);

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
int api_ticket_triage(struct req *req, struct res *res);
/* watchers.c: the watchers and CC of a request; followers_json also serves the desk */
struct follower;
json_t *followers_json(const struct follower *w, size_t nw, const char *const *cc, size_t ncc);
int api_followers_get(struct req *req, struct res *res);
int api_watcher_add(struct req *req, struct res *res);
int api_watcher_remove(struct req *req, struct res *res);
int api_cc_add(struct req *req, struct res *res);
int api_cc_remove(struct req *req, struct res *res);
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
/*
 * The ?filename= and Content-Type of an upload (the raw body): 0, or a 422 in res naming
 * filename, content_type or body (an empty file). A missing type is
 * application/octet-stream.
 */
int attachment_upload_read(struct req *req, struct res *res, const char **name,
                           const char **type);
/* Content-Disposition: attachment, with an ASCII fallback and the UTF-8 name (arena). */
const char *attachment_disposition(const char *name, struct arena *a);
/*
 * The Content-Type a stored file is served with: the uploader's type only when
 * it is an image (png, jpeg, gif, webp) or PDF, without its parameters;
 * application/octet-stream for anything else (HTML, SVG, scripts, text...).
 */
const char *attachment_served_type(const char *uploaded);
/*
 * Answer a stored file (API and pages alike): Content-Security-Policy: sandbox
 * always; inline with its type for attachment_served_type's images and PDF,
 * otherwise a download (Content-Disposition: attachment) as
 * application/octet-stream; Cache-Control: private, no-store. Returns 0.
 */
int attachment_send(struct req *req, struct res *res, const struct attachment *a);

struct ticket;
struct store_fault;
/* The API form of a request, with its SLA block computed at now. */
json_t *ticket_to_json(const struct ticket *t, int64_t now);
/* q split at spaces into at most TICKET_QUERY_WORDS_MAX lower-case words (arena): the search
   of GET /api/v1/tickets, the desk and the portal. */
#define TICKET_QUERY_WORDS_MAX 16
size_t ticket_query_words(const char *q, const char **words, struct arena *a);
/*
 * Read the RFC 3339 string field of in into *out (left alone when absent).
 * Returns 0, or fills res with 422 naming the field (also for a leap second
 * and for a time before 1970).
 */
int json_to_time(json_t *in, const char *field, int64_t *out, struct res *res);
/*
 * For a customer, 404 (in res) when request req->params[0] is not its
 * organisation's: checked before a field-level 403, so that another
 * organisation's id answers exactly like a missing one. 0 otherwise.
 */
int customer_may_see(struct req *req, struct res *res);

/* agreements.c, time.c, invoices.c, catalogue.c, rasci.c */
int api_agreement_create(struct req *req, struct res *res);
int api_agreement_list(struct req *req, struct res *res);
int api_agreement_get(struct req *req, struct res *res);
int api_agreement_patch(struct req *req, struct res *res);
struct agreement;
/*
 * POST /api/v1/agreements and PATCH /api/v1/agreements/{id} with body in (a JSON object):
 * its fields checked and the agreement written into *a (arena strings). Returns 0, or an
 * error with res filled (the desk's forms read it: the same checks and messages).
 */
int api_agreement_create_body(struct req *req, struct res *res, json_t *in, struct agreement *a);
int api_agreement_patch_body(struct req *req, struct res *res, int64_t id, json_t *in,
                             struct agreement *a);
int api_agreement_quote(struct req *req, struct res *res);
int api_agreement_sign(struct req *req, struct res *res);
int api_agreement_accept(struct req *req, struct res *res);
int api_agreement_quotes(struct req *req, struct res *res);
/* sow.c */
int api_agreement_sow_html(struct req *req, struct res *res);
int api_agreement_sow_pdf(struct req *req, struct res *res);
/*
 * Answer 200 with the body already in res as a printable document of type:
 * not cached; with filename, a download of that name; without, a page whose
 * Content-Security-Policy allows its own style and nothing else.
 */
void api_printable(struct req *req, struct res *res, const char *type, const char *filename);
int api_agreement_cancel(struct req *req, struct res *res);
int api_agreement_balance(struct req *req, struct res *res);
/* change_orders.c, bookings.c */
int api_change_order_create(struct req *req, struct res *res);
int api_change_order_list(struct req *req, struct res *res);
int api_change_order_sign(struct req *req, struct res *res);
int api_change_order_accept(struct req *req, struct res *res);
/* requirements.c: the yearly requirements of enhanced agreements */
int api_agreement_years(struct req *req, struct res *res);
int api_requirements_record(struct req *req, struct res *res);
int api_booking_create(struct req *req, struct res *res);
int api_booking_list(struct req *req, struct res *res);
int api_booking_reschedule(struct req *req, struct res *res);
/* time.c: time entries and expenses */
int api_ticket_time_create(struct req *req, struct res *res);
int api_ticket_time_list(struct req *req, struct res *res);
int api_agreement_time_create(struct req *req, struct res *res);
int api_agreement_time_list(struct req *req, struct res *res);
int api_expense_create(struct req *req, struct res *res);
int api_expense_list(struct req *req, struct res *res);
/* invoices.c (invoice_render.c draws the HTML, CSV and PDF) */
int api_agreement_invoice_create(struct req *req, struct res *res);
int api_organization_invoice_create(struct req *req, struct res *res);
int api_organization_invoice_yearly(struct req *req, struct res *res);
/* quote_requests.c */
int api_supplemental_services(struct req *req, struct res *res);
int api_quote_request_create(struct req *req, struct res *res);
/* The supplemental services the active agreements of organisation org cover (bits of
   agreement_service_names), as the caller may see them. */
int supplemental_covered(struct req *req, int64_t org, unsigned *covered);
/* The supplemental services [{name, label, covered}] (covered: bits as above). */
json_t *supplemental_services_json(unsigned covered);
/*
 * Open org's request for a quote for supplemental service `service` (a name of
 * agreement_service_names; else DESK_EINVAL naming service in fault) with the customer's
 * note: a request of type service, "Quote request: <label>", through store_ticket_create.
 */
int quote_request_create(struct req *req, int64_t org, const char *service, const char *note,
                         enum channel channel, struct ticket *t, struct store_fault *fault);
/* links.c */
int api_ticket_merge(struct req *req, struct res *res);
int api_ticket_link(struct req *req, struct res *res);
int api_ticket_links(struct req *req, struct res *res);
/* canned.c; canned_values: the placeholders' values for request ticket_id as the caller
   inserts a reply (0 or a store error: DESK_ENOTFOUND for a request it may not see) */
#include "domain/canned.h"
int canned_values(struct req *req, int64_t ticket_id, const char *v[CP_COUNT]);
int api_canned_list(struct req *req, struct res *res);
int api_canned_create(struct req *req, struct res *res);
int api_canned_get(struct req *req, struct res *res);
int api_canned_update(struct req *req, struct res *res);
int api_canned_delete(struct req *req, struct res *res);
/* audit.c */
struct audit_filter;
struct audit_entry;
int api_audit_list(struct req *req, struct res *res);
/* outbox.c: GET /api/v1/outbox (admins); its filters read from the query (a 400 answered) */
int api_outbox_list(struct req *req, struct res *res);
struct outbox_filter;
int outbox_query(struct req *req, struct res *res, struct outbox_filter *f);
/* The audit-log filters of req's query into *f: 0, or 400 in res naming the parameter. */
int audit_query(struct req *req, struct res *res, struct audit_filter *f);
json_t *audit_entry_json(const struct audit_entry *e);
/* password_resets.c: what the API and the sign-in pages share */
/* Mail a reset link for the account of email, if there is one (store_password_reset_ask). */
int password_reset_ask(struct req *req, const char *email);
/* The hash of the token in the last segment of path; DESK_ENOTFOUND when it is not one. */
int password_reset_token(const char *path, uint8_t hash[32]);
/*
 * Set the password of the link of hash to password: 0; DESK_EINVAL (*why: the password's
 * problem), DESK_ENOTFOUND (*why: the link is unknown, used or expired), or another error
 * (*why NULL).
 */
int password_reset_use(struct req *req, const uint8_t hash[32], const char *password,
                       const char **why);
int api_password_reset_ask(struct req *req, struct res *res);
int api_password_reset_use(struct req *req, struct res *res);
/* release_files.c */
#define RELEASE_FILE_DENIED "hot-fix files are for customers with an active maintenance agreement"
struct release_file; /* domain/release.h */
/* Send hot-fix file f as attachment_send does, with Digest: sha-256=HEX. */
int release_file_send(struct req *req, struct res *res, const struct release_file *f);
int api_release_file_add(struct req *req, struct res *res);
int api_release_file_list(struct req *req, struct res *res);
int api_release_file_get(struct req *req, struct res *res);
/* addons.c */
int api_addon_create(struct req *req, struct res *res);
int api_addon_list(struct req *req, struct res *res);
int api_addon_get(struct req *req, struct res *res);
int api_addon_update(struct req *req, struct res *res);
int api_invoice_list(struct req *req, struct res *res);
int api_invoice_get(struct req *req, struct res *res);
int api_invoice_html(struct req *req, struct res *res);
int api_invoice_pdf(struct req *req, struct res *res);
int api_invoice_csv(struct req *req, struct res *res);
int api_billing_get(struct req *req, struct res *res);
int api_billing_put(struct req *req, struct res *res);
/* catalogue.c */
int api_catalogue_list(struct req *req, struct res *res);
int api_catalogue_create(struct req *req, struct res *res);
int api_catalogue_put(struct req *req, struct res *res);
int api_catalogue_patch(struct req *req, struct res *res);
int api_catalogue_retire(struct req *req, struct res *res);
int api_catalogue_restore(struct req *req, struct res *res);
/* rasci.c */
int api_rasci_create(struct req *req, struct res *res);
int api_rasci_list(struct req *req, struct res *res);
int api_rasci_get(struct req *req, struct res *res);

struct agreement;
/* The API form of an agreement, its status and flags as of now. */
json_t *agreement_to_json(const struct agreement *a, int64_t now);
struct signature;
/* {"vendor": {user_id, name, client_addr, signed_at} | null, "customer": …} of sig[0..2). */
json_t *signatures_json(const struct signature *sig);
/*
 * The {"name"} of POST …/accept into *name (borrowed from the body): the
 * caller must be a customer (403), the name 1..200 characters, not blank (422).
 */
int api_accept_name(struct req *req, struct res *res, const char **name);
/* JSON of a date ("YYYY-MM-DD"), or null for DATE_NONE. */
json_t *json_date(int64_t day);
/* JSON hours of minutes, rounded half up to 2 decimals (90 -> 1.5). */
json_t *json_hours(int64_t minutes);
/* Decimal hours as whole minutes, rounded half away from zero (1.5 -> 90). */
int64_t hours_to_minutes(double hours);
/*
 * The paging query parameters `limit` (1..1000, default 50) and `cursor` (an
 * id from next_cursor). Returns 0, or fills res with 400 and returns DESK_EBADREQ.
 */
int api_page_params(struct req *req, struct res *res, int *limit, int64_t *before);
/* A positive id from query parameter name (0 when absent); 400 in res when it does not parse. */
int api_query_id(struct req *req, struct res *res, const char *name, int64_t *out);
/* 0 when every query parameter of req is one of names (NULL-terminated), else 400 in res
   naming the first that is not, and DESK_EBADREQ: a misspelt filter must not list all. */
int api_query_known(struct req *req, struct res *res, const char *const *names);
struct field_spec;
/*
 * A JSON body that may be left out: *in is NULL for an empty body, else the
 * object checked against specs (input_check). 0, or res filled (400, 422).
 */
int api_optional_json(struct req *req, struct res *res, const struct field_spec *specs, size_t n,
                      json_t **in);

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
int api_installation_change_approve(struct req *req, struct res *res);
int api_installation_change_decline(struct req *req, struct res *res);
/* remote_access.c, maintenance.c */
int api_remote_access_create(struct req *req, struct res *res);
int api_remote_access_list(struct req *req, struct res *res);
int api_remote_access_get(struct req *req, struct res *res);
int api_remote_access_update(struct req *req, struct res *res);
int api_remote_access_delete(struct req *req, struct res *res);
int api_maintenance_create(struct req *req, struct res *res);
int api_maintenance_list(struct req *req, struct res *res);
int api_maintenance_get(struct req *req, struct res *res);
int api_maintenance_update(struct req *req, struct res *res);
int api_maintenance_complete(struct req *req, struct res *res);
struct maintenance_window;
/* The API form of a maintenance window (new reference). */
json_t *maintenance_window_json(const struct maintenance_window *w);

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

/* reports.c: GET /api/v1/reports/sla, and what the desk's report pages share with it */
int api_report_sla(struct req *req, struct res *res);
struct sla_report_row;
/*
 * The report's query: `from` and `to` (inclusive UTC dates, default the
 * twelve months ending with today's) and `organization_id` (0 when absent).
 * Returns 0, or DESK_EBADREQ with the parameter at fault in *param and the
 * reason in *why (static strings).
 */
int report_query(struct req *req, int64_t *from, int64_t *to, int64_t *org, const char **param,
                 const char **why);
/* The row's month as "YYYY-MM" (arena a). */
const char *report_month(const struct sla_report_row *r, struct arena *a);
/* met / (met + missed + breached) into *out; false when none is decided (null). */
bool report_compliance(const struct sla_report_row *r, double *out);

/* alerts.c: POST/GET /api/v1/alerts (solution monitoring) */
int api_alert_post(struct req *req, struct res *res);
int api_alert_list(struct req *req, struct res *res);
/* chats.c: live chat (issue 16) */
int api_chat_open(struct req *req, struct res *res);
int api_chat_list(struct req *req, struct res *res);
int api_chat_get(struct req *req, struct res *res);
int api_chat_message_post(struct req *req, struct res *res);
int api_chat_message_list(struct req *req, struct res *res);
int api_chat_accept(struct req *req, struct res *res);
int api_chat_close(struct req *req, struct res *res);
struct chat;
/* A chat as the API shows it (also for the pages' scripts). */
json_t *api_chat_json(const struct chat *ch);


/* JSON value of an instant: "YYYY-MM-DDTHH:MM:SSZ", or null for 0. */
json_t *json_time(int64_t t);
/* JSON id, or null for 0. */
json_t *json_id(int64_t id);

#endif
