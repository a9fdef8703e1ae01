/*
 * desk_installations.c - customers' installations on the desk (agents,
 * admins): GET /desk/installations lists every one; GET
 * /desk/installations/{id} shows its facts, its maintenance windows (its
 * own and its organisation's "all hosted installations" ones) with forms to
 * schedule, reschedule and complete one, and its remote-access records
 * without their secrets, with forms to add, change and delete one; its log
 * of installed changes, newest first, with a form to log one (POST
 * .../changes: installed at once, dated later or proposed to the customer).
 * POST /desk/installations records an installation.
 *
 * A secret is shown only in the answer to POST
 * .../remote-access/{rid}/secret, read through store_remote_access_get
 * exactly as the API's GET: the read is written to the audit trail first.
 * Times are typed and shown as "YYYY-MM-DD HH:MM", UTC. Forms answer 303 to
 * the installation, or show it again with the status and the reason.
 */
#include "core/compat.h"
#include "http/pages/pages.h"
#include "core/err.h"
#include "core/time.h"
#include "domain/maintenance.h"
#include "domain/release.h"
#include "domain/version.h"
#include "http/remote_secret.h"
#include "store/store.h"

#include <sodium.h>

#define LIST_MAX 1000 /* installations, windows a page shows */

/* ---- GET /desk/installations ----------------------------------------------------------- */

/* The list of installations with the form to record one (typed values kept), with status. */
static int show_list(struct req *req, struct res *res, int status, const char *error)
{
    struct kb_page pg = {NULL, LIST_MAX};
    struct installation *in;
    struct named *orgs;
    const char *next, *hosting = page_form_str(req, "hosting");
    size_t n, norgs;
    json_t *list, *hostings = json_array();
    int rc;

    if ((rc = store_installation_list(req->store, &req->caller, 0, &pg, &in, &n, &next,
                                      req->arena)) < 0 ||
        (rc = store_organization_names(req->store, &req->caller, &orgs, &norgs, req->arena)) < 0) {
        json_decref(hostings);
        return page_error(req, res, rc, "the installations cannot be shown");
    }
    list = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(
            list, json_pack("{s:I, s:s, s:s, s:s, s:s}", "id", (json_int_t)in[i].id, "organization",
                            page_name_of(orgs, norgs, in[i].organization_id), "name", in[i].name,
                            "hosting", in[i].vendor_hosted ? tr("vendor-hosted") : tr("customer-hosted"),
                            "version", in[i].version));
    for (size_t i = 0; hosting_model_names[i]; i++)
        json_array_append_new(hostings,
                              json_pack("{s:s, s:s, s:b}", "value", hosting_model_names[i],
                                        "label", i == 0 ? tr("vendor-hosted") : tr("customer-hosted"),
                                        "selected", !strcmp(hosting, hosting_model_names[i])));
    return page_render(
        req, res, status, "desk_installations",
        json_pack("{s:s, s:s?, s:o, s:o, s:o, s:s, s:s}", "title", tr("Installations"), "error", error,
                  "installations", list, "organizations",
                  page_options(orgs, norgs, page_form_id(req, "organization_id"), "choose"),
                  "hostings", hostings, "name", page_form_str(req, "name"), "version",
                  page_form_str(req, "version")));
}

int page_desk_installations(struct req *req, struct res *res)
{
    return show_list(req, res, 200, NULL);
}

/* ---- POST /desk/installations ---------------------------------------------------------- */

int page_desk_installation_create(struct req *req, struct res *res)
{
    struct store_fault fault = {0};
    struct installation in = {0};
    const char *why;
    int rc;

    in.organization_id = page_form_id(req, "organization_id");
    in.name = page_form_str(req, "name");
    in.version = page_form_str(req, "version");
    if (!in.organization_id)
        return show_list(req, res, 422, "choose the organisation");
    if (!*in.name)
        return show_list(req, res, 422, "give the installation a name");
    if ((why = page_line_problem("the name", in.name, INSTALLATION_NAME_MAX, req->arena)))
        return show_list(req, res, 422, why);
    if (hosting_model_parse(page_form_str(req, "hosting"), &in.vendor_hosted) < 0)
        return show_list(req, res, 422, "choose the hosting");
    if (!*in.version)
        return show_list(req, res, 422, "give the version");
    if ((why = page_line_problem("the version", in.version, VERSION_MAX_LEN, req->arena)))
        return show_list(req, res, 422, why);
    if ((rc = store_installation_create(req->store, &req->caller, &in, time_now(), &fault)) < 0)
        return show_list(req, res, http_status_from_err(rc), page_fault_message(rc, &fault));
    return page_saved(req, res,
                      arena_sprintf(req->arena, "/desk/installations/%" PRId64, in.id));
}

/* ---- GET /desk/installations/{id} ------------------------------------------------------ */

/* t as "YYYY-MM-DD HH:MM" (UTC), the form's way of typing it (arena). */
static const char *input_time(int64_t t, struct arena *a)
{
    return arena_strndup(a, page_utc_text(t, a), 16);
}

/* Is window w one the installation in shows (its own, or all of its organisation's)? */
static bool window_of(const struct maintenance_window *w, const struct installation *in)
{
    return w->installation_id ? w->installation_id == in->id
                              : w->organization_id == in->organization_id;
}

static json_t *windows_json(struct req *req, const struct installation *in,
                            const struct maintenance_window *w, size_t n)
{
    json_t *list = json_array();

    for (size_t i = 0; i < n; i++) {
        if (!window_of(&w[i], in))
            continue;
        json_array_append_new(
            list,
            json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b}", "id", (json_int_t)w[i].id,
                      "starts_at", page_utc_text(w[i].t.starts_at, req->arena), "ends_at",
                      page_utc_text(w[i].t.ends_at, req->arena), "starts_input",
                      input_time(w[i].t.starts_at, req->arena), "ends_input",
                      input_time(w[i].t.ends_at, req->arena), "summary", w[i].summary, "details",
                      w[i].details, "where",
                      w[i].installation_id ? tr("this installation")
                                           : tr("all hosted installations"),
                      "scheduled", w[i].status == MAINTENANCE_SCHEDULED));
    }
    return list;
}

/* A <select>'s options over remote_method_names with chosen selected. */
static json_t *method_options(const char *chosen)
{
    json_t *o = json_array();

    for (size_t i = 0; remote_method_names[i]; i++)
        json_array_append_new(o,
                              json_pack("{s:s, s:b}", "value", remote_method_names[i], "selected",
                                        chosen && !strcmp(chosen, remote_method_names[i])));
    return o;
}

/* The records as the page shows them; `secret` beside record shown_id only. */
static json_t *remote_json(const struct remote_access *ra, size_t n, int64_t shown_id,
                           const char *secret)
{
    json_t *list = json_array();

    for (size_t i = 0; i < n; i++) {
        json_t *j = json_pack("{s:I, s:s, s:s, s:s, s:s, s:b, s:o}", "id", (json_int_t)ra[i].id,
                              "method", ra[i].method, "host", ra[i].host, "username",
                              ra[i].username, "notes", ra[i].notes, "has_secret", ra[i].has_secret,
                              "methods", method_options(ra[i].method));

        if (ra[i].id == shown_id)
            json_object_set_new(j, "secret", json_string(secret ? secret : ""));
        json_array_append_new(list, j);
    }
    return list;
}

/* The log of installed changes, newest first (the store reads it oldest first). */
static json_t *changes_json(struct req *req, const struct installation_change *ch, size_t n)
{
    json_t *list = json_array();

    for (size_t i = n; i-- > 0;)
        json_array_append_new(
            list, json_pack("{s:I, s:s, s:s, s:s, s:s, s:s?, s:s?, s:s}", "id",
                            (json_int_t)ch[i].id, "at", page_utc_text(ch[i].at, req->arena),
                            "what", ch[i].what, "by", *ch[i].by_name ? ch[i].by_name : "the system",
                            "documentation", ch[i].documentation ? ch[i].documentation : "",
                            "from_version", ch[i].from_version, "to_version", ch[i].to_version,
                            "status", tr(change_status_name(ch[i].status))));
    return list;
}

/* The page of installation req->params[0], with status, error, and one record's secret. */
static int show(struct req *req, struct res *res, int status, const char *error, int64_t shown_id,
                const char *secret)
{
    struct kb_page pg = {NULL, LIST_MAX};
    int64_t id = req->params[0];
    struct maintenance_window *w;
    struct installation_change *ch;
    struct remote_access *ra;
    struct installation in;
    struct named *orgs;
    size_t nw, nra, norgs, nch;
    const char *next;
    json_t *data;
    int rc;

    if ((rc = store_installation_get(req->store, &req->caller, id, &in, req->arena)) < 0)
        return page_error(req, res, rc, "there is no installation %" PRId64, id);
    if ((rc = store_organization_names(req->store, &req->caller, &orgs, &norgs, req->arena)) < 0 ||
        (rc = store_maintenance_list(req->store, &req->caller, in.organization_id, &pg, &w, &nw,
                                     &next, req->arena)) < 0 ||
        (rc = store_remote_access_list(req->store, &req->caller, id, &ra, &nra, req->arena)) < 0 ||
        (rc = store_installation_changes(req->store, &req->caller, id, &pg, &ch, &nch, &next,
                                         req->arena)) < 0)
        return page_error(req, res, rc, "installation %" PRId64 " cannot be shown", id);
    data = json_pack(
        "{s:s, s:s?, s:{s:I, s:s, s:s, s:b, s:s, s:I}, s:o, s:o, s:o, s:s, s:s, s:s, s:s}", "title",
        arena_sprintf(req->arena, tr("Installation %s"), in.name), "error", error, "installation", "id",
        (json_int_t)in.id, "name", in.name, "organization",
        page_name_of(orgs, norgs, in.organization_id), "vendor_hosted", in.vendor_hosted, "version",
        in.version, "organization_id", (json_int_t)in.organization_id, "windows",
        windows_json(req, &in, w, nw), "remote", remote_json(ra, nra, shown_id, secret), "methods",
        method_options(NULL), "starts_at", page_form_str(req, "starts_at"), "ends_at",
        page_form_str(req, "ends_at"), "summary", page_form_str(req, "summary"), "details",
        page_form_str(req, "details"));
    json_object_set_new(data, "changes", changes_json(req, ch, nch));
    json_object_set_new(data, "change",
                        json_pack("{s:s, s:s, s:s, s:s, s:b}", "what", page_form_str(req, "what"),
                                  "at", page_form_str(req, "at"), "documentation",
                                  page_form_str(req, "documentation"), "version",
                                  page_form_str(req, "version"), "proposed",
                                  *page_form_str(req, "proposed") != 0));
    return page_render(req, res, status, "desk_installation", data);
}

int page_desk_installation(struct req *req, struct res *res)
{
    return show(req, res, 200, NULL, 0, NULL);
}

/* The store's refusal on the page, the 404 page for what is missing, or 303 back. */
static int done(struct req *req, struct res *res, int rc, const struct store_fault *f)
{
    if (rc == DESK_ENOTFOUND && !f->field && !*f->message)
        return page_error(req, res, rc, "there is no such installation, window or record");
    if (rc < 0)
        return show(req, res, http_status_from_err(rc), page_fault_message(rc, f), 0, NULL);
    return page_saved(req, res,
                      arena_sprintf(req->arena, "/desk/installations/%" PRId64, req->params[0]));
}

/* ---- maintenance windows --------------------------------------------------------------- */

/* Form field `name`, "YYYY-MM-DD HH:MM" (or with T, seconds) UTC, into *t; why not, or NULL. */
static const char *form_time(struct req *req, const char *name, int64_t *t)
{
    const char *s = page_form_str(req, name);
    size_t len = strlen(s);
    char buf[40];

    if (len != 16 && len != 19)
        return arena_sprintf(req->arena, "%s must be YYYY-MM-DD HH:MM (UTC)", name);
    snprintf(buf, sizeof(buf), "%s%s", s, len == 16 ? ":00Z" : "Z");
    if (time_parse_rfc3339(buf, strlen(buf), t, NULL) < 0 || *t < 0)
        return arena_sprintf(req->arena, "%s must be YYYY-MM-DD HH:MM (UTC)", name);
    return NULL;
}

/* The posted window's times and texts into w; NULL when they hold, else why. */
static const char *read_window(struct req *req, struct maintenance_window *w, int64_t now)
{
    const char *why;

    w->summary = page_form_str(req, "summary");
    w->details = page_form_str(req, "details");
    if ((why = form_time(req, "starts_at", &w->t.starts_at)) ||
        (why = form_time(req, "ends_at", &w->t.ends_at)))
        return why;
    if (w->t.ends_at <= w->t.starts_at)
        return "ends_at is not after starts_at";
    if (w->t.ends_at <= now)
        return "ends_at is in the past";
    if (!*w->summary)
        return "give the window a summary";
    if ((why = page_line_problem("the summary", w->summary, MAINTENANCE_SUMMARY_MAX, req->arena)) ||
        (why = page_text_problem("the details", w->details, MAINTENANCE_DETAILS_MAX, req->arena)))
        return why;
    return NULL;
}

int page_desk_maintenance_create(struct req *req, struct res *res)
{
    struct maintenance_leads l = maintenance_leads_of(req->conf);
    struct maintenance_window w = {0};
    struct store_fault fault = {0};
    struct installation in;
    int64_t now = time_now();
    const char *why;
    int rc;

    if ((rc = store_installation_get(req->store, &req->caller, req->params[0], &in, req->arena)) <
        0)
        return page_error(req, res, rc, "there is no installation %" PRId64, req->params[0]);
    if ((why = read_window(req, &w, now)))
        return show(req, res, 422, why, 0, NULL);
    w.organization_id = in.organization_id;
    w.installation_id = in.id;
    rc = store_maintenance_create(req->store, &req->caller, &w, &l, now, &fault, req->arena);
    return done(req, res, rc, &fault);
}

/* Window req->params[1] into w when it is one installation req->params[0] shows; else 404. */
static int window_get(struct req *req, struct maintenance_window *w)
{
    struct installation in;
    int rc;

    if ((rc = store_installation_get(req->store, &req->caller, req->params[0], &in, req->arena)) <
            0 ||
        (rc = store_maintenance_get(req->store, &req->caller, req->params[1], w, req->arena)) < 0)
        return rc;
    return window_of(w, &in) ? 0 : DESK_ENOTFOUND;
}

int page_desk_maintenance_update(struct req *req, struct res *res)
{
    struct maintenance_leads l = maintenance_leads_of(req->conf);
    struct maintenance_window w = {0}, out;
    struct store_fault fault = {0};
    struct maintenance_patch p = {
        .has_starts_at = true, .has_ends_at = true, .has_summary = true, .has_details = true};
    int64_t now = time_now();
    const char *why;
    int rc;

    if ((rc = window_get(req, &out)) < 0)
        return page_error(req, res, rc, "there is no such maintenance window");
    if ((why = read_window(req, &w, now)))
        return show(req, res, 422, why, 0, NULL);
    p.starts_at = w.t.starts_at;
    p.ends_at = w.t.ends_at;
    p.summary = w.summary;
    p.details = w.details;
    rc = store_maintenance_update(req->store, &req->caller, req->params[1], &p, &l, now, &out,
                                  &fault, req->arena);
    return done(req, res, rc, &fault);
}

int page_desk_maintenance_complete(struct req *req, struct res *res)
{
    struct maintenance_leads l = maintenance_leads_of(req->conf);
    struct store_fault fault = {0};
    struct maintenance_window w;
    int rc;

    if ((rc = window_get(req, &w)) < 0)
        return page_error(req, res, rc, "there is no such maintenance window");
    rc = store_maintenance_complete(req->store, &req->caller, req->params[1], &l, time_now(), &w,
                                    req->arena);
    if (rc == DESK_ECONFLICT)
        return show(req, res, 409, "the window is completed already", 0, NULL);
    return done(req, res, rc, &fault);
}

/* ---- remote access --------------------------------------------------------------------- */

/* The posted record into ra (secret: the posted one, "" for none); NULL, or why not. */
static const char *read_remote(struct req *req, struct remote_access *ra, const char **secret)
{
    const char *why;
    bool known = false;

    ra->method = page_form_str(req, "method");
    ra->host = page_form_str(req, "host");
    ra->username = page_form_str(req, "username");
    ra->notes = page_form_str(req, "notes");
    *secret = page_form_str(req, "secret");
    for (size_t i = 0; remote_method_names[i]; i++)
        known |= !strcmp(ra->method, remote_method_names[i]);
    if (!known)
        return "choose the method";
    if ((*ra->host &&
         (why = page_line_problem("the host", ra->host, REMOTE_HOST_MAX, req->arena))) ||
        (*ra->username && (why = page_line_problem("the user name", ra->username,
                                                   REMOTE_USERNAME_MAX, req->arena))) ||
        (why = page_text_problem("the notes", ra->notes, REMOTE_NOTES_MAX, req->arena)))
        return why;
    if (strlen(*secret) > REMOTE_SECRET_MAX)
        return "the secret is longer than 16384 bytes";
    return NULL;
}

int page_desk_remote_create(struct req *req, struct res *res)
{
    struct store_fault fault = {0};
    struct remote_access ra = {0};
    const char *why, *secret;
    int rc;

    if ((why = read_remote(req, &ra, &secret)))
        return show(req, res, 422, why, 0, NULL);
    if ((rc = remote_secret_seal(req, secret, &ra.sealed, &ra.sealed_len, &why)) < 0)
        return show(req, res, http_status_from_err(rc), why, 0, NULL);
    ra.installation_id = req->params[0];
    rc = store_remote_access_create(req->store, &req->caller, &ra, time_now(), &fault);
    return done(req, res, rc, &fault);
}

/* Is record req->params[1] one of installation req->params[0]'s? 0 or DESK_ENOTFOUND. */
static int remote_of(struct req *req)
{
    struct remote_access *ra;
    size_t n;
    int rc =
        store_remote_access_list(req->store, &req->caller, req->params[0], &ra, &n, req->arena);

    for (size_t i = 0; rc == 0 && i < n; i++)
        if (ra[i].id == req->params[1])
            return 0;
    return rc < 0 ? rc : DESK_ENOTFOUND;
}

int page_desk_remote_update(struct req *req, struct res *res)
{
    struct remote_access_patch p = {
        .has_method = true, .has_host = true, .has_username = true, .has_notes = true};
    struct store_fault fault = {0};
    struct remote_access ra = {0};
    const char *why, *secret;
    int rc;

    if ((rc = remote_of(req)) < 0)
        return page_error(req, res, rc, "there is no such remote access");
    if ((why = read_remote(req, &ra, &secret)))
        return show(req, res, 422, why, 0, NULL);
    p.method = ra.method;
    p.host = ra.host;
    p.username = ra.username;
    p.notes = ra.notes;
    p.has_secret = *secret || *page_form_str(req, "remove_secret"); /* "": keep it */
    if ((rc = remote_secret_seal(req, secret, &p.sealed, &p.sealed_len, &why)) < 0)
        return show(req, res, http_status_from_err(rc), why, 0, NULL);
    rc = store_remote_access_update(req->store, &req->caller, req->params[1], &p, time_now(), &ra,
                                    &fault, req->arena);
    return done(req, res, rc, &fault);
}

int page_desk_remote_secret(struct req *req, struct res *res)
{
    struct remote_access ra;
    const char *plain, *why = "";
    int rc;

    if ((rc = remote_of(req)) < 0 ||
        (rc = store_remote_access_get(req->store, &req->caller, req->params[1], time_now(), &ra,
                                      req->arena)) < 0)
        return page_error(req, res, rc, "there is no such remote access");
    res_header(res, "Cache-Control", "no-store"); /* a secret is kept by no cache */
    if ((rc = remote_secret_open(req, &ra, &plain, &why)) < 0)
        return show(req, res, http_status_from_err(rc), why, 0, NULL);
    rc = show(req, res, 200, NULL, ra.id, plain ? plain : "(no secret is stored)");
    if (plain)
        sodium_memzero((char *)plain, strlen(plain));
    return rc;
}

int page_desk_remote_delete(struct req *req, struct res *res)
{
    struct store_fault fault = {0};
    int rc;

    if ((rc = remote_of(req)) < 0)
        return page_error(req, res, rc, "there is no such remote access");
    rc = store_remote_access_delete(req->store, &req->caller, req->params[1], time_now());
    return done(req, res, rc, &fault);
}

/* ---- the log of installed changes ------------------------------------------------------ */

int page_desk_change_create(struct req *req, struct res *res)
{
    const char *version = page_form_str(req, "version"), *why;
    struct installation_change ch = {0};
    struct store_fault fault = {0};
    struct installation in;
    int64_t now = time_now();
    int rc;

    if ((rc = store_installation_get(req->store, &req->caller, req->params[0], &in, req->arena)) <
        0)
        return page_error(req, res, rc, "there is no installation %" PRId64, req->params[0]);
    ch.installation_id = in.id;
    ch.what = page_form_str(req, "what");
    ch.documentation = page_form_str(req, "documentation");
    ch.at = now;
    if (!*ch.what)
        return show(req, res, 422, "say what was changed", 0, NULL);
    if ((why = page_text_problem("what was changed", ch.what, CHANGE_WHAT_MAX, req->arena)) ||
        (why = page_text_problem("the documentation", ch.documentation, CHANGE_DOC_MAX,
                                 req->arena)) ||
        (*version && (why = page_line_problem("the version", version, VERSION_MAX_LEN, req->arena))) ||
        (*page_form_str(req, "at") && (why = form_time(req, "at", &ch.at))))
        return show(req, res, 422, why, 0, NULL);
    rc = store_installation_change_add(req->store, &req->caller, &ch, *version ? version : NULL,
                                       *page_form_str(req, "proposed") != 0, now, &fault,
                                       req->arena);
    return done(req, res, rc, &fault);
}
