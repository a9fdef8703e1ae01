/*
 * portal.c - the customers' pages under /portal/: the organisation's
 * requests, opening one (with a file), a request's conversation with reply,
 * escalate, reopen and close, the files, and the support hours and service
 * levels. Every read goes through the store with the caller, so another
 * organisation's request is a 404 page like a missing one; internal notes
 * never reach a customer (the store leaves them out).
 */
#include "core/compat.h"
#include "http/pages/pages.h"
#include "core/err.h"
#include "core/time.h"
#include "http/api/api.h"
#include "domain/calendar.h"
#include "domain/tz.h"
#include "store/store.h"

#define PAGE_SIZE 50
#define MAX_SUBJECT 300
#define MAX_BODY (256 * 1024)
#define MAX_HOLIDAYS_SHOWN 20

/* ---- the list ---------------------------------------------------------------------- */

/* A request as a customer is shown it: a waiting request waits for them. */
static json_t *portal_ticket_json(const struct ticket *t, int64_t now)
{
    json_t *o = page_ticket_json(t, now);

    if (t->status == TS_WAITING_CUSTOMER)
        json_object_set_new(o, "status_label", json_string(tr("Waiting for your answer")));
    return o;
}

/* "/portal/?cursor=..." for the next page, or null on the last. */
static json_t *next_link(const char *base, const char *next)
{
    struct strbuf sb = STRBUF_INIT;
    json_t *j;

    if (!next)
        return json_null();
    strbuf_addf(&sb, "%s%scursor=", base, strchr(base, '?') ? "&" : "?");
    page_url_encode(&sb, next);
    j = json_string(sb.buf);
    strbuf_release(&sb);
    return j;
}

int page_portal_list(struct req *req, struct res *res)
{
    struct ticket_filter f = {.sort = SORT_NEWEST, .limit = PAGE_SIZE};
    const char **words = ARENA_NEWN(req->arena, const char *, TICKET_QUERY_WORDS_MAX);
    const char *q = req_query(req, "q");
    struct strbuf base = STRBUF_INIT;
    int64_t now = time_now();
    struct ticket *items;
    const char *next;
    json_t *list, *data;
    size_t n;
    int rc;

    f.cursor = req_query(req, "cursor");
    f.words = words;
    f.nwords = ticket_query_words(q, words, req->arena);
    rc = store_ticket_list(req->store, &req->caller, &f, &items, &n, &next, req->arena);
    if (rc < 0)
        return page_error(req, res, rc, "the list cannot be shown (%s)", desk_err_code(rc));
    list = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *o = portal_ticket_json(&items[i], now);
        json_object_set_new(o, "subject_parts",
                            page_highlight(items[i].subject, f.words, f.nwords));
        json_array_append_new(list, o);
    }
    strbuf_addstr(&base, "/portal/");
    if (f.nwords) {
        strbuf_addstr(&base, "?q=");
        page_url_encode(&base, q);
    }
    data = json_pack("{s:s, s:o, s:o, s:s}", "title", f.nwords ? tr("Search") : tr("Your requests"),
                     "tickets", list, "next", next_link(base.buf, next), "q",
                     f.nwords ? q : "");
    strbuf_release(&base);
    return page_render(req, res, 200, "portal_list", data);
}

/* ---- service levels -------------------------------------------------------------------- */

static const char *hours_text(int64_t secs, struct arena *a)
{
    if (!secs)
        return "";
    if (secs % 3600 == 0)
        return arena_sprintf(a, tr("%" PRId64 " h"), secs / 3600);
    return page_number(arena_sprintf(a, tr("%.2f h"), (double)secs / 3600));
}

/* The targets of a policy, one row a level (A..D, then enhancement when it has one). */
static json_t *targets_json(const struct service_level *l, struct arena *a)
{
    json_t *rows = json_array();

    for (int i = 0; i <= SEV_COUNT; i++) {
        const struct sla_targets *g = &l->targets[i];
        if (i == SEV_COUNT && !g->response && !g->resolution)
            continue;
        json_array_append_new(
            rows, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "level",
                            i < SEV_COUNT ? severity_name((enum severity)i) : "", "label",
                            i < SEV_COUNT ? severity_label(i) : tr("Enhancement request"), "meaning",
                            i < SEV_COUNT ? severity_meaning(i) : "", "response",
                            hours_text(g->response, a), "update", hours_text(g->update, a),
                            "resolution", hours_text(g->resolution, a)));
    }
    return rows;
}

static json_t *week_json(const struct calendar *cal)
{
    json_t *rows = json_array();

    for (int d = 0; d < 7; d++) {
        const struct cal_interval *iv;
        size_t n = calendar_hours(cal, d, &iv);
        struct strbuf sb = STRBUF_INIT;
        for (size_t i = 0; i < n; i++)
            strbuf_addf(&sb, "%s%02d:%02d–%02d:%02d", i ? ", " : "", iv[i].start / 3600,
                        iv[i].start / 60 % 60, iv[i].end / 3600, iv[i].end / 60 % 60);
        json_array_append_new(rows, json_pack("{s:s, s:s, s:b}", "day", page_weekday(d), "hours",
                                              n ? sb.buf : tr("closed"), "closed", n == 0));
        strbuf_release(&sb);
    }
    return rows;
}

static json_t *holidays_json(const struct calendar *cal, int64_t today)
{
    const int64_t *days;
    size_t n = calendar_holidays(cal, &days), shown = 0;
    json_t *list = json_array();

    for (size_t i = 0; i < n && shown < MAX_HOLIDAYS_SHOWN; i++) {
        char date[DATE_LEN];
        if (days[i] < today)
            continue;
        date_format(days[i], date);
        json_array_append_new(list, json_string(date));
        shown++;
    }
    return list;
}

static json_t *level_json(const struct service_level *l, int64_t today, struct arena *a)
{
    struct calendar *cal = NULL;
    json_t *o = json_pack("{s:s, s:s, s:o}", "policy", l->policy_name, "calendar", l->calendar_name,
                          "targets", targets_json(l, a));

    if (calendar_parse(l->calendar, strlen(l->calendar), &cal, NULL) == 0) {
        json_object_set_new(o, "timezone", json_string(tz_name(calendar_tz(cal))));
        json_object_set_new(o, "week", week_json(cal));
        json_object_set_new(o, "holidays", holidays_json(cal, today));
        calendar_free(cal);
    }
    return o;
}

int page_portal_levels(struct req *req, struct res *res)
{
    int64_t today = floor_div(time_now(), 86400);
    struct service_level *l;
    json_t *list;
    size_t n;
    int rc;

    if ((rc = store_service_levels(req->store, &req->caller, today, &l, &n, req->arena)) < 0)
        return page_error(req, res, rc, "the service levels cannot be shown");
    list = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(list, level_json(&l[i], today, req->arena));
    return page_render(
        req, res, 200, "portal_levels",
        json_pack("{s:s, s:o}", "title", tr("Support hours and service levels"), "levels", list));
}

/* ---- a new request ------------------------------------------------------------------------ */

static const char *const type_labels[] = {TR_NOOP("An error"), TR_NOOP("A question (assistance)"),
                                          TR_NOOP("An enhancement request"),
                                          TR_NOOP("A service request"), NULL};

/* The form, filled with what was posted (or the defaults). */
static int show_new(struct req *req, struct res *res, int status, const char *error)
{
    int64_t today = floor_div(time_now(), 86400);
    const char *sev = req_form(req, "severity"), *type = req_form(req, "type");
    struct service_level *l = NULL;
    json_t *sevs = json_array(), *types = json_array();
    size_t n = 0;

    if (store_service_levels(req->store, &req->caller, today, &l, &n, req->arena) < 0)
        n = 0; /* the targets are a hint on this form: show it without them */
    for (int i = 0; i < SEV_COUNT; i++) {
        const char *name = severity_name((enum severity)i);
        json_array_append_new(sevs,
                              json_pack("{s:s, s:s, s:s, s:s, s:b}", "level", name, "label",
                                        severity_label(i), "meaning", severity_meaning(i), "target",
                                        n ? hours_text(l[0].targets[i].response, req->arena) : "",
                                        "checked", sev ? !strcmp(sev, name) : i == SEV_C));
    }
    for (int i = 0; type_labels[i]; i++)
        json_array_append_new(types, json_pack("{s:s, s:s, s:b}", "value", ticket_type_names[i],
                                               "label", tr(type_labels[i]), "selected",
                                               type && !strcmp(type, ticket_type_names[i])));
    return page_render(req, res, status, "portal_new",
                       json_pack("{s:s, s:o, s:o, s:s, s:s, s:s?}", "title", tr("New request"),
                                 "severities", sevs, "types", types, "subject",
                                 req_form(req, "subject") ? req_form(req, "subject") : "", "body",
                                 req_form(req, "body") ? req_form(req, "body") : "", "error",
                                 error));
}

int page_portal_new(struct req *req, struct res *res) { return show_new(req, res, 200, NULL); }

/* Read the posted form into t; NULL when it is fine, else what is wrong. */
static const char *read_new(struct req *req, struct ticket *t)
{
    const char *subject = req_form(req, "subject"), *body = req_form(req, "body");
    const char *sev = req_form(req, "severity"), *type = req_form(req, "type"), *why;

    memset(t, 0, sizeof(*t));
    if (!subject || !*subject)
        return "a subject is required";
    if ((why = page_line_problem("the subject", subject, MAX_SUBJECT, req->arena)) ||
        (why = page_text_problem("the description", body, MAX_BODY, req->arena)))
        return why;
    if (type && *type && ticket_type_parse(type, &t->type) < 0)
        return "choose a type from the list";
    t->severity = ticket_default_severity(t->type);
    if (sev && *sev && severity_parse(sev, &t->severity) < 0)
        return "choose a severity from the list";
    if ((why = page_file_problem(req, "file")))
        return why;
    t->subject = subject;
    t->body = body ? body : "";
    t->channel = CH_PORTAL;
    t->received_at = time_now();
    t->organization_id = req->caller.organization_id;
    return NULL;
}

int page_portal_create(struct req *req, struct res *res)
{
    struct store_fault fault = {0};
    const char *why;
    struct ticket t;
    int rc;

    if ((why = read_new(req, &t)))
        return show_new(req, res, page_form_status(req), why);
    rc = store_ticket_create(req->store, &req->caller, &t, time_now(), &fault, req->arena);
    if (rc < 0)
        return show_new(req, res, http_status_from_err(rc),
                        fault.message[0] ? fault.message : desk_err_code(rc));
    if (page_save_file(req, t.id, 0, "file", &why) < 0)
        return page_error(req, res, DESK_EINVAL,
                          "request %" PRId64 " was opened, but its file was not stored: %s", t.id,
                          why);
    return page_saved(req, res, arena_sprintf(req->arena, "/portal/requests/%" PRId64, t.id));
}

/* ---- a request ------------------------------------------------------------------------------ */

/* The request page; status and error for a form that was refused. */
static int show_request(struct req *req, struct res *res, int64_t id, int status, const char *error)
{
    int64_t now = time_now();
    struct ticket t;
    json_t *data;
    int rc;

    if ((rc = store_ticket_get(req->store, &req->caller, id, &t, req->arena)) < 0)
        return page_error(req, res, rc, "there is no request %" PRId64, id);
    /* a refused reply comes back with what was typed; one kept across a sign-in, too */
    data = json_pack("{s:s, s:o, s:s?, s:s?}", "title", t.subject, "ticket",
                     portal_ticket_json(&t, now), "error", error, "draft",
                     strcmp(req->method, "POST") ? NULL : req_form(req, "body"));
    if ((rc = page_ticket_extras(req, &t, "/portal/attachments/", NULL, 0, data)) < 0 ||
        (rc = page_draft_json(req, data)) < 0) {
        json_decref(data);
        return page_error(req, res, rc, "request %" PRId64 " cannot be shown", id);
    }
    return page_render(req, res, status, "portal_request", data);
}

int page_portal_request(struct req *req, struct res *res)
{
    return show_request(req, res, req->params[0], 200, NULL);
}

/* After a refused write: a 404 page for a request the caller may not see, else the form again. */
static int refused(struct req *req, struct res *res, int rc, const struct store_fault *f)
{
    if (rc == DESK_ENOTFOUND)
        return page_error(req, res, rc, "there is no request %" PRId64, req->params[0]);
    return show_request(req, res, req->params[0], http_status_from_err(rc),
                        f->message[0] ? f->message : desk_err_code(rc));
}

static int back_to_request(struct req *req, struct res *res)
{
    return page_saved(req, res,
                         arena_sprintf(req->arena, "/portal/requests/%" PRId64, req->params[0]));
}

int page_portal_reply(struct req *req, struct res *res)
{
    const char *body = req_form(req, "body"), *why;
    struct store_fault fault = {0};
    struct message m = {0};
    int rc;

    if (!(body && *body) && !page_file_chosen(req, "file"))
        return show_request(req, res, req->params[0], 422, "write a reply or choose a file");
    if ((why = page_text_problem("the reply", body, MAX_BODY, req->arena)) ||
        (why = page_file_problem(req, "file")))
        return show_request(req, res, req->params[0], page_form_status(req), why);
    if (body && *body) {
        m = (struct message){
            .ticket_id = req->params[0], .body = body, .author_name = req->user.name};
        if ((rc = store_message_add(req->store, &req->caller, &m, time_now(), &fault)) < 0)
            return refused(req, res, rc, &fault);
    }
    if ((rc = page_save_file(req, req->params[0], m.id, "file", &why)) < 0)
        return rc == DESK_ENOTFOUND
                   ? refused(req, res, rc, &fault)
                   : show_request(req, res, req->params[0], http_status_from_err(rc), why);
    return back_to_request(req, res);
}

int page_portal_escalate(struct req *req, struct res *res)
{
    const char *reason, *why;
    struct store_fault fault = {0};
    struct ticket t;
    int rc;

    if ((why = page_reason_problem(req, &reason)))
        return show_request(req, res, req->params[0], 422, why);
    rc = store_ticket_escalate(req->store, &req->caller, req->params[0], reason, time_now(), &t,
                               &fault, req->arena);
    return rc < 0 ? refused(req, res, rc, &fault) : back_to_request(req, res);
}

/* Reopen (in_progress) or close a resolved request: the moves a customer's buttons make. */
int page_portal_status(struct req *req, struct res *res)
{
    const char *status = req_form(req, "status");
    struct ticket_patch p = {.has_status = true};
    struct store_fault fault = {0};
    struct ticket t;
    int rc;

    if (!status || ticket_status_parse(status, &p.status) < 0 ||
        (p.status != TS_IN_PROGRESS && p.status != TS_CLOSED))
        return show_request(req, res, req->params[0], 422, "a request can be reopened or closed");
    rc = store_ticket_update(req->store, &req->caller, req->params[0], &p, time_now(), &t, &fault,
                             req->arena);
    return rc < 0 ? refused(req, res, rc, &fault) : back_to_request(req, res);
}
