/*
 * pages.h - the server-rendered HTML pages (SPEC 3.3), one file an area:
 * login.c (/, /login, /logout), static.c (/static/...), portal.c
 * (/portal/..., customers), desk*.c (/desk/..., agents and admins),
 * admin_*.c (/desk/admin/..., admins; /account/password) and common.c
 * (rendering, errors, the forms' shared pieces).
 *
 * Pages are routes flagged ROUTE_PAGE (http/router.h): the router signs the
 * visitor in by the session cookie, redirects or refuses by role, and checks
 * the CSRF token of every POST before a handler runs. Handlers build a JSON
 * object and render a template of web/templates (http/tmpl.h), which
 * escapes every value. A customer's pages read through the store with the
 * caller, so another organisation's request answers 404 like a missing one.
 * Forms post with POST and answer 303 to the page to show next (post,
 * redirect, get); a form with a mistake is shown again with 422.
 */
#ifndef HTTP_PAGES_H
#define HTTP_PAGES_H

#include "http/http.h"
#include "core/i18n.h"

struct ticket;
struct calendar;

/* ---- common.c ------------------------------------------------------------------ */

/*
 * Render template `name` with data (consumed) as res, with status. Adds
 * what every page shows: "me" (the signed-in user), "staff" (agent or
 * admin), "admin", "csrf" (the forms' token; without a session this sets the
 * pre-session cookie), "asset" (the stylesheet's version). Returns 0.
 */
int page_render(struct req *req, struct res *res, int status, const char *name, json_t *data);
/* An error page with the status of err and a message for people; returns err. */
int page_error(struct req *req, struct res *res, int err, const char *fmt, ...) PRINTF_LIKE(4, 5);
/* 303 See Other to location (a local path, kept as given). Returns 0. */
int page_redirect(struct res *res, const char *location);
/* page_redirect after a form did what it asked: the page there says "Saved." once. */
int page_saved(struct req *req, struct res *res, const char *location);
/* "/login?next=<this path, URL-encoded>" (arena). */
const char *page_login_url(struct req *req);
/* Is path under /portal/ or /desk/ (so a missing page answers with HTML)? */
bool page_path(const char *path);
/* Append s URL-encoded (RFC 3986 unreserved characters kept) to sb. */
void page_url_encode(struct strbuf *sb, const char *s);

struct named;
/*
 * A <select>'s options over a pick list, [{"value","label","selected"}], after
 * a first option "" labelled any (selected when selected is 0).
 */
json_t *page_options(const struct named *list, size_t n, int64_t selected, const char *any);
/* The name of weekday d (0 Monday .. 6 Sunday) in the page's language. */
const char *page_weekday(int d);
/* Options over a NULL-ended list of names: value the name, label its words (tr(name)). */
json_t *page_word_options(const char *const *names);
/* The name of id in list[0..n) (borrowed), "" when it is not there or id is 0. */
const char *page_name_of(const struct named *list, size_t n, int64_t id);
/*
 * {"text": the local time, "iso": RFC 3339 UTC}, or null for 0: local in the zone the
 * signed-in user chose (its account page), else cal's zone, else UTC. page_time_utc: in UTC
 * whatever the user chose (where the page says UTC).
 */
json_t *page_time(int64_t t, const struct calendar *cal);
json_t *page_time_utc(int64_t t);
/* A day (days since 1970-01-01) as "YYYY-MM-DD"; "" for DATE_NONE. */
json_t *page_day_json(int64_t day);
/*
 * The signed-in user's time zone for the page the router runs on this thread (page_time),
 * from page_viewer_begin(req) to page_viewer_end().
 */
void page_viewer_begin(const struct req *req);
void page_viewer_end(void);
/* Minutes as decimal hours with two decimals ("12.50", "-3.00"), into the arena. */
const char *page_hours(int64_t minutes, struct arena *a);
/* A number written the English way ("1,234.50") rewritten in place for the page's language. */
char *page_number(char *s);
/* The date of "YYYY-MM-DD..." as the page's language writes it, in out. */
const char *page_date_text(const char *ymd, char out[24]);
/* The length of value's bar in a chart width wide whose full bar is max (0..width). */
int page_bar_width(int64_t value, int64_t max, int width);
/*
 * Answer csv (released) as a CSV download: 200, text/csv, Content-Disposition
 * `disposition` (e.g. "attachment; filename=\"sla.csv\""). Returns 0.
 */
int page_csv(struct res *res, const char *disposition, struct strbuf *csv);
/* Working seconds as "h:mm" ("-h:mm" when negative), into the arena. */
const char *page_hmm(int64_t secs, struct arena *a);
/*
 * A request as the pages show it: subject, status, severity and their
 * labels, the SLA state of the pending clock (response until handling
 * starts, then resolution) with its due time and the working time left.
 */
json_t *page_ticket_json(const struct ticket *t, int64_t now);
/*
 * text cut where it holds one of words[0..n) (ASCII case folded) into
 * [{"t": text, "hit": bool}], for a template to mark the hits; one part
 * without a hit when there is none. A word is matched whole where it starts,
 * never inside a UTF-8 sequence's continuation (words start at a character).
 */
json_t *page_highlight(const char *text, const char *const *words, size_t n);
/* A size for people: "812 bytes", "12.4 KiB", "3.1 MiB" (arena). */
const char *page_size_text(int64_t bytes, struct arena *a);
/*
 * The conversation and the files of request t as caller may see them,
 * added to data as "messages" (each with the "files" it came with) and
 * "attachments" (the request's own; links under link_prefix, e.g.
 * "/portal/attachments/"), each file with its size in words, whether it is
 * an image or a PDF, and a text file's beginning as "preview". Returns 0 or
 * a store error. With events[0..nevents) (oldest first) also "timeline": the
 * messages and those events in time order, each {"message": ...} or {"event":
 * {"who", "text", "at"}}.
 */
struct page_event {
    int64_t at;       /* UTC seconds */
    const char *who;  /* who did it ("the system") */
    const char *text; /* what: "changed the status from New to In progress" */
};
int page_ticket_extras(struct req *req, const struct ticket *t, const char *link_prefix,
                       const struct page_event *events, size_t nevents, json_t *data);
/* The label and meaning of a severity (SPEC 2.1). */
const char *severity_label(int sev);
const char *severity_meaning(int sev);
/* A posted text field checked: valid UTF-8, max_chars at most; NULL when fine, else why. */
const char *page_text_problem(const char *label, const char *s, size_t max_chars, struct arena *a);
/* t as "2027-03-04 08:00 UTC" (arena). */
const char *page_utc_text(int64_t t, struct arena *a);
/* As page_text_problem, for one line of visible text (a subject, a name): utf8_line_problem. */
const char *page_line_problem(const char *label, const char *s, size_t max_chars, struct arena *a);
#define PAGE_FILES_MAX 10 /* files one form sends at once (an input with `multiple`) */
/* The first file part of form field `field`, or NULL when there is none or none was chosen. */
const struct form_field *page_file_chosen(const struct req *req, const char *field);
/*
 * Why the files of form field `field` cannot be stored; NULL when fine or none
 * was chosen. A file over the upload limit (form_field.too_large) is one, and
 * more than PAGE_FILES_MAX files.
 */
const char *page_file_problem(struct req *req, const char *field);
/* The status of a refused form: 413 when a file was over the limit, else 422. */
int page_form_status(const struct req *req);
/*
 * Store each file of form field `field` on request ticket_id, with the message
 * message_id (0: the request's own), when any was chosen (an empty file input
 * is skipped). Returns 0, or an error with its reason in *why (arena).
 */
int page_save_file(struct req *req, int64_t ticket_id, int64_t message_id, const char *field,
                   const char **why);
/* Form field `name` as a positive integer (an id, minutes): 0 when absent or not one. */
int64_t page_form_id(const struct req *req, const char *name);
/*
 * A number as typed in a form ("1.500,25", "12,5") in the form the parsers read ("1500.25";
 * domain/money.h number_text_normalize), or s itself when it is not one (the parser then
 * refuses it). In the arena.
 */
const char *page_number_text(struct req *req, const char *s);
/* Form field `name`, "" when absent (never NULL). */
const char *page_form_str(const struct req *req, const char *name);
/* items[0..n) joined by ", " (arena): tags, versions as a form shows them. */
const char *page_join(const char *const *items, size_t n, struct arena *a);
struct store_fault;
/*
 * The message of the API's refusal in r (an API handler's piece run by a page, so that the
 * page checks its input where the API does), and in *field (when non-NULL) the field it
 * names or NULL; both in the arena. Releases r.
 */
const char *page_api_refusal(struct req *req, struct res *r, const char **field);
/* A refused store write for people: the fault's message, else the error's code. */
const char *page_fault_message(int rc, const struct store_fault *f);
/* GET .../attachments/:id: the file as a download, or a 404 page. */
int page_send_attachment(struct req *req, struct res *res);
/* admin_audit.c: GET /desk/admin/audit */
int page_admin_audit(struct req *req, struct res *res);
int page_admin_outbox(struct req *req, struct res *res);
/*
 * The filters keep[0..n) of a list page as the query has them ("" when absent) into
 * filters, and the link to the page after, path?FILTERS&cursor=next (NULL when next is 0;
 * arena).
 */
const char *page_list_filters(struct req *req, const char *path, const char *const *keep,
                              size_t n, int64_t next, json_t *filters);
/* reset.c: GET/POST /login/forgot, GET/POST /reset/{token} */
int page_forgot_form(struct req *req, struct res *res);
int page_forgot(struct req *req, struct res *res);
int page_reset_form(struct req *req, struct res *res);
int page_reset(struct req *req, struct res *res);
/* POST /portal/quote-requests: ask for a quote for a supplemental service (portal_info.c). */
int page_portal_quote_request(struct req *req, struct res *res);
/* GET /portal/release-files/{id}, /desk/release-files/{id}: a hot-fix file (portal_info.c). */
int page_send_release_file(struct req *req, struct res *res);

/* ---- login.c -------------------------------------------------------------------- */
int page_home(struct req *req, struct res *res);
int page_login_form(struct req *req, struct res *res);
int page_login(struct req *req, struct res *res);
int page_logout(struct req *req, struct res *res);
/* Is next a local path we may redirect to ("/x", never "//", "/\" or a scheme)? */
bool page_next_ok(const char *next);
/*
 * A reply posted to a ROUTE_DRAFT page whose session ended by its lifetime
 * or idle timeout (req->draft_pending): its "body" is kept for that user and
 * the request page (the path without its last segment) when the form
 * carries that session's CSRF token, and the visitor is sent to sign in with
 * next= that page. Returns 0.
 */
int page_draft_keep(struct req *req, struct res *res);
/*
 * Add "draft" to data: the signed-in user's kept reply for this page, taken
 * (shown once, then gone). 0 or a store error.
 */
int page_draft_json(struct req *req, json_t *data);

/* ---- static.c ---------------------------------------------------------------------- */
int page_static(struct req *req, struct res *res);
/* A short hash of the static files, for cache-busting URLs. */
const char *page_asset_version(void);

/* ---- portal.c ---------------------------------------------------------------------- */
int page_portal_list(struct req *req, struct res *res);
int page_portal_new(struct req *req, struct res *res);
int page_portal_create(struct req *req, struct res *res);
int page_portal_request(struct req *req, struct res *res);
int page_portal_reply(struct req *req, struct res *res);
int page_portal_escalate(struct req *req, struct res *res);
int page_portal_status(struct req *req, struct res *res);
int page_portal_levels(struct req *req, struct res *res);

/* ---- portal_info.c: agreements, responsibilities, catalogue, releases, invoices ------------ */
int page_portal_agreement(struct req *req, struct res *res);
int page_portal_agreement_accept(struct req *req, struct res *res);
int page_portal_change_order_accept(struct req *req, struct res *res);
int page_portal_rasci(struct req *req, struct res *res);
int page_portal_catalogue(struct req *req, struct res *res);
int page_portal_releases(struct req *req, struct res *res);
int page_portal_invoices(struct req *req, struct res *res);
int page_portal_maintenance(struct req *req, struct res *res);
int page_portal_changes(struct req *req, struct res *res);
int page_portal_change_approve(struct req *req, struct res *res);
int page_portal_change_decline(struct req *req, struct res *res);
/*
 * Agreement id as the caller may see it, for the page "agreement": facts,
 * change orders and (enhanced, advanced) the bank today with its chart's
 * bar widths. Returns 0 or a store error (DESK_ENOTFOUND for another
 * organisation's).
 */
int page_agreement_json(struct req *req, int64_t id, json_t **out);
struct rasci_matrix;
/* Matrices for the template "rasci": name, parties and rows of cells as text. */
json_t *page_matrices_json(const struct rasci_matrix *m, size_t n);
/* Add "releases" and "known_errors" as the caller may see them to data. 0 or a store error. */
int page_releases_json(struct req *req, json_t *data);

/* ---- chat.c: live chat, /portal/chat and /desk/chats ----------------------------------- */
int page_portal_chat(struct req *req, struct res *res);
int page_portal_chat_open(struct req *req, struct res *res);
int page_portal_chat_line(struct req *req, struct res *res);
int page_portal_chat_close(struct req *req, struct res *res);
int page_desk_chats(struct req *req, struct res *res);
int page_desk_chat_accept(struct req *req, struct res *res);
int page_desk_chat_line(struct req *req, struct res *res);
int page_desk_chat_close(struct req *req, struct res *res);
/* ---- portal_kb.c ------------------------------------------------------------------------ */
int page_portal_kb(struct req *req, struct res *res);

/* ---- agreements.c (both /portal/agreements and /desk/agreements) ---------------------- */
int page_agreements(struct req *req, struct res *res);

/*
 * The request page of req->params[0] again, with status and a message
 * (a form that failed); a missing request is the 404 page. Returns 0.
 */
int page_desk_ticket_again(struct req *req, struct res *res, int status, const char *error);

/* ---- desk_work.c: time entries and the known error of a request --------------------- */
struct ticket;
/* Add "time_entries", "time_kinds", "known_errors" and "root_cause" of t to data. */
int page_ticket_work(struct req *req, const struct ticket *t, json_t *data);
int page_desk_time(struct req *req, struct res *res);
int page_desk_known_error(struct req *req, struct res *res);
int page_desk_root_cause(struct req *req, struct res *res);

/* ---- desk_agreement_form.c: agreements created and their terms changed ------------------ */
struct agreement;
/*
 * The fields of the terms form (template partial agreement_terms): g's terms (NULL: a new
 * agreement's defaults), or with typed what was posted; with the options of the selects.
 */
json_t *page_agreement_terms_json(struct req *req, const struct agreement *g, bool typed);
int page_desk_agreement_new(struct req *req, struct res *res);
int page_desk_agreement_create(struct req *req, struct res *res);
int page_desk_agreement_update(struct req *req, struct res *res);
/* ---- desk_agreements.c: one agreement on the desk and the forms that change it ------- */
int page_desk_agreement(struct req *req, struct res *res);
int page_desk_agreement_quote(struct req *req, struct res *res);
int page_desk_agreement_sign(struct req *req, struct res *res);
int page_desk_agreement_cancel(struct req *req, struct res *res);
int page_desk_agreement_representative(struct req *req, struct res *res);
int page_desk_change_order_create(struct req *req, struct res *res);
int page_desk_change_order_sign(struct req *req, struct res *res);
int page_desk_booking_create(struct req *req, struct res *res);
/*
 * The agreement page of req->params[0] again, with status and a message
 * (a form that failed); a missing agreement is the 404 page. Returns 0.
 */
int page_desk_agreement_again(struct req *req, struct res *res, int status, const char *error);
/* desk_requirements.c: POST /desk/agreements/{id}/requirements */
int page_desk_requirements_record(struct req *req, struct res *res);

/* ---- desk_billing.c: an agreement's time, expenses, invoices; rescheduling -------------- */
struct agreement;
/* Add "time_entries", "time_kinds", "expenses", "per_diem_rate" and "invoices" of g to data. */
int page_agreement_billing(struct req *req, const struct agreement *g, json_t *data);
int page_desk_agreement_time(struct req *req, struct res *res);
int page_desk_agreement_expense(struct req *req, struct res *res);
int page_desk_agreement_invoice(struct req *req, struct res *res);
int page_desk_addon_create(struct req *req, struct res *res);
int page_desk_yearly_invoice(struct req *req, struct res *res);
int page_desk_booking_reschedule(struct req *req, struct res *res);

/* ---- desk_kb.c: knowledge-base editing ----------------------------------------------- */
int page_desk_kb(struct req *req, struct res *res);
int page_desk_kb_create(struct req *req, struct res *res);
int page_desk_kb_article(struct req *req, struct res *res);
int page_desk_kb_update(struct req *req, struct res *res);

/* ---- desk_releases.c: list, record and publish releases ---------------------------------- */
int page_desk_releases(struct req *req, struct res *res);
int page_desk_release_create(struct req *req, struct res *res);
int page_desk_release_publish(struct req *req, struct res *res);

/* ---- desk_installations.c: installations, maintenance windows, remote access -------------- */
int page_desk_installations(struct req *req, struct res *res);
int page_desk_installation(struct req *req, struct res *res);
int page_desk_maintenance_create(struct req *req, struct res *res);
int page_desk_maintenance_update(struct req *req, struct res *res);
int page_desk_maintenance_complete(struct req *req, struct res *res);
int page_desk_remote_create(struct req *req, struct res *res);
int page_desk_remote_update(struct req *req, struct res *res);
int page_desk_remote_secret(struct req *req, struct res *res);
int page_desk_installation_create(struct req *req, struct res *res);
int page_desk_change_create(struct req *req, struct res *res);
int page_desk_remote_delete(struct req *req, struct res *res);

/*
 * The releases as a select's options in data "releases" (version and kind, highest first,
 * after "none"), selected chosen, and data "release" set to its version. 0 or a store error.
 * (desk_work.c)
 */
int page_release_options(struct req *req, int64_t selected, json_t *data);

/* ---- desk_known_errors.c: the known-error log ---------------------------------------------- */
int page_desk_known_errors(struct req *req, struct res *res);
int page_desk_known_error_create(struct req *req, struct res *res);
int page_desk_known_error_page(struct req *req, struct res *res);
int page_desk_known_error_save(struct req *req, struct res *res);
int page_desk_known_error_link(struct req *req, struct res *res);

/* ---- reports.c (/desk/reports and its CSV files) ------------------------------------- */
int page_desk_reports(struct req *req, struct res *res);
int page_desk_reports_sla_csv(struct req *req, struct res *res);
int page_desk_reports_hours_csv(struct req *req, struct res *res);

/* ---- admin_users.c: /desk/admin/ and its accounts, /account/password ----------------- */
int page_admin_home(struct req *req, struct res *res);
int page_admin_users(struct req *req, struct res *res);
int page_admin_user_create(struct req *req, struct res *res);
int page_admin_user_password(struct req *req, struct res *res);
int page_admin_user_sessions(struct req *req, struct res *res);
int page_admin_user_disabled(struct req *req, struct res *res);
int page_admin_user_sign_out(struct req *req, struct res *res);
int page_account_password_form(struct req *req, struct res *res);
int page_account_password(struct req *req, struct res *res);
int page_account_time_zone(struct req *req, struct res *res);
int page_account_language(struct req *req, struct res *res);

/* ---- admin_calendars.c: calendars, their preview and .ics import ------------------- */
int page_admin_calendars(struct req *req, struct res *res);
int page_admin_calendar_create(struct req *req, struct res *res);
int page_admin_calendar(struct req *req, struct res *res);
int page_admin_calendar_holidays(struct req *req, struct res *res);
int page_admin_calendar_update(struct req *req, struct res *res);
int page_admin_calendar_holiday(struct req *req, struct res *res);

/* ---- admin_rules.c: SLA policies, RASCI matrices, the service catalogue ------------- */
int page_admin_policies(struct req *req, struct res *res);
int page_admin_policy_create(struct req *req, struct res *res);
int page_admin_policy(struct req *req, struct res *res);
int page_admin_policy_update(struct req *req, struct res *res);
int page_admin_rasci(struct req *req, struct res *res);
int page_admin_rasci_create(struct req *req, struct res *res);
int page_admin_catalogue(struct req *req, struct res *res);
int page_admin_catalogue_save(struct req *req, struct res *res);
int page_admin_catalogue_retired(struct req *req, struct res *res);
int page_admin_catalogue_add(struct req *req, struct res *res);

/* ---- admin_orgs.c: the customers' organisations ---------------------------------------- */
int page_admin_orgs(struct req *req, struct res *res);
int page_admin_org_create(struct req *req, struct res *res);
int page_admin_org_executive(struct req *req, struct res *res);
int page_admin_org_update(struct req *req, struct res *res);

/* ---- desk.c ------------------------------------------------------------------------ */
int page_desk_queue(struct req *req, struct res *res);
int page_desk_ticket(struct req *req, struct res *res);
int page_desk_reply(struct req *req, struct res *res);
int page_desk_update(struct req *req, struct res *res);
int page_desk_escalate(struct req *req, struct res *res);
int page_desk_triage(struct req *req, struct res *res);
int page_desk_merge(struct req *req, struct res *res);
int page_desk_replying(struct req *req, struct res *res);
int page_desk_watch(struct req *req, struct res *res);
int page_desk_cc(struct req *req, struct res *res);
int page_desk_link(struct req *req, struct res *res);
#define PAGE_REASON_MAX 2000 /* characters of an escalation's reason (desk and portal) */
/* The posted escalation reason into *reason; NULL when fine, else why not (arena). */
const char *page_reason_problem(struct req *req, const char **reason);
int page_desk_new(struct req *req, struct res *res);
int page_desk_create(struct req *req, struct res *res);

#endif
