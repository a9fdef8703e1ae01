/*
 * desk.c - the agents' pages under /desk/: the queue (sort=priority: the
 * customers with the priority_line extra first, then by due) with the SLA
 * state and the working time left, filters; a request with its whole
 * conversation (internal notes marked), reply or note, status, severity and
 * assignee, files.
 */
#include "core/compat.h"
#include "http/pages/pages.h"
#include "domain/timeline.h"
#include "core/err.h"
#include "core/time.h"
#include "domain/account.h"
#include "http/api/api.h"
#include "store/store.h"

#define PAGE_SIZE 50
#define MAX_BODY (256 * 1024)
#define OPEN_STATUSES "new,in_progress,waiting_customer" /* the queue's default */

/* ---- names ------------------------------------------------------------------------- */

struct names {
    struct named *orgs, *staff; /* pick lists */
    size_t norgs, nstaff;       /* their lengths */
};

static int load_names(struct req *req, struct names *nm)
{
    int rc = store_organization_names(req->store, &req->caller, &nm->orgs, &nm->norgs, req->arena);
    return rc < 0
               ? rc
               : store_staff_names(req->store, &req->caller, &nm->staff, &nm->nstaff, req->arena);
}

/* Options over names (labels beside them, or the names themselves when labels is NULL). */
static json_t *name_options(const char *const *names, const char *const *labels,
                            const char *selected, const char *any)
{
    json_t *o = json_array();

    if (any)
        json_array_append_new(o, json_pack("{s:s, s:s, s:b}", "value", "", "label", tr(any), "selected",
                                           !selected || !*selected));
    for (size_t i = 0; names[i]; i++)
        json_array_append_new(o, json_pack("{s:s, s:s, s:b}", "value", names[i], "label",
                                           labels ? tr(labels[i]) : names[i], "selected",
                                           selected && !strcmp(selected, names[i])));
    return o;
}

/* ---- the queue ----------------------------------------------------------------------- */

/* Parse a comma list of names into a bit set; false on an unknown name. */
static bool parse_bits(const char *list, int (*parse)(const char *, int *), unsigned *out)
{
    char buf[128];

    *out = 0;
    if (!list || !*list)
        return true;
    if (strlen(list) >= sizeof(buf))
        return false;
    snprintf(buf, sizeof(buf), "%s", list);
    for (char *p = buf, *comma; p; p = comma ? comma + 1 : NULL) {
        int v;
        if ((comma = strchr(p, ',')))
            *comma = '\0';
        if (parse(p, &v) < 0)
            return false;
        *out |= 1u << v;
    }
    return true;
}

static int parse_status(const char *s, int *v)
{
    enum ticket_status st;
    int rc = ticket_status_parse(s, &st);
    *v = (int)st;
    return rc;
}

static int parse_severity(const char *s, int *v)
{
    enum severity sev;
    int rc = severity_parse(s, &sev);
    *v = (int)sev;
    return rc;
}

static int64_t query_id(const struct req *req, const char *name)
{
    const char *s = req_query(req, name);
    char *end;
    long long v;

    if (!s || !*s)
        return 0;
    v = strtoll(s, &end, 10);
    return *end || v < 1 ? -1 : v;
}

/* The queue's views (?view=): name, label. */
static const char *const views[][2] = {
    {"", TR_NOOP("All open")},
    {"mine", TR_NOOP("Mine")},
    {"unassigned", TR_NOOP("Unassigned")},
    {"escalated", TR_NOOP("Escalated")},
    {"waiting", TR_NOOP("Waiting on customer")},
    {"breaching_today", TR_NOOP("Breaching today")},
};

/* View v (an index of views) into f: who, what, when. */
static void apply_view(struct req *req, size_t v, struct ticket_filter *f, const char **status)
{
    int64_t now = time_now();

    switch (v) {
    case 1:
        f->assignee_id = req->caller.user_id;
        break;
    case 2:
        f->unassigned = true;
        break;
    case 3:
        f->escalated = true;
        break;
    case 4:
        *status = "waiting_customer";
        break;
    case 5: /* due before the end of today (UTC) */
        f->due_before = floor_div(now, 86400) * 86400 + 86399;
        break;
    default:
        break;
    }
}

/* The queue's filters from the query; the link of this view (without a cursor) into base. */
static bool read_filter(struct req *req, struct ticket_filter *f, struct strbuf *base)
{
    const char *status = req_query(req, "status"), *sev = req_query(req, "severity");
    const char *q = req_query(req, "q");
    const char **words = ARENA_NEWN(req->arena, const char *, TICKET_QUERY_WORDS_MAX);

    const char *view = req_query(req, "view"), *sort = req_query(req, "sort");
    size_t v = 0;

    memset(f, 0, sizeof(*f));
    f->words = words;
    f->nwords = ticket_query_words(q, words, req->arena);
    while (view && *view && v < ARRAY_SIZE(views) && strcmp(views[v][0], view))
        v++;
    if (v == ARRAY_SIZE(views) || (sort && strcmp(sort, "due") && strcmp(sort, "priority")))
        return false;
    status = status ? status : OPEN_STATUSES;
    f->sort = sort && !strcmp(sort, "due") ? SORT_DUE : SORT_PRIORITY;
    f->limit = PAGE_SIZE;
    f->cursor = req_query(req, "cursor");
    f->organization_id = query_id(req, "organization_id");
    f->assignee_id = query_id(req, "assignee_id");
    apply_view(req, v, f, &status);
    strbuf_addstr(base, "/desk/?status=");
    page_url_encode(base, status);
    strbuf_addstr(base, "&severity=");
    page_url_encode(base, sev ? sev : "");
    if (f->organization_id > 0)
        strbuf_addf(base, "&organization_id=%" PRId64, f->organization_id);
    if (f->assignee_id > 0)
        strbuf_addf(base, "&assignee_id=%" PRId64, f->assignee_id);
    if (f->nwords) {
        strbuf_addstr(base, "&q=");
        page_url_encode(base, q);
    }
    if (v)
        strbuf_addf(base, "&view=%s", views[v][0]);
    if (f->sort == SORT_DUE)
        strbuf_addstr(base, "&sort=due");
    return parse_bits(status, parse_status, &f->statuses) &&
           parse_bits(sev, parse_severity, &f->severities) && f->organization_id >= 0 &&
           f->assignee_id >= 0;
}

/* Who sent a request opened by mail: "sender", and "unverified" when it is only a claim. */
static void sender_json(json_t *o, const struct ticket *t)
{
    json_object_set_new(o, "sender",
                        t->sender_address ? json_string(t->sender_address) : json_null());
    json_object_set_new(o, "unverified", json_boolean(t->sender_address && !t->sender_verified));
}

static json_t *queue_rows(const struct ticket *items, size_t n, const struct names *nm,
                          const struct ticket_filter *f)
{
    int64_t now = time_now();
    json_t *rows = json_array();

    for (size_t i = 0; i < n; i++) {
        json_t *o = page_ticket_json(&items[i], now);
        json_object_set_new(
            o, "organization",
            json_string(page_name_of(nm->orgs, nm->norgs, items[i].organization_id)));
        json_object_set_new(o, "assignee",
                            json_string(page_name_of(nm->staff, nm->nstaff, items[i].assignee_id)));
        sender_json(o, &items[i]);
        json_object_set_new(o, "subject_parts", page_highlight(items[i].subject, f->words,
                                                               f->nwords));
        json_array_append_new(rows, o);
    }
    return rows;
}

static json_t *filter_json(struct req *req, const struct ticket_filter *f, const struct names *nm)
{
    static const char *const status_choices[] = {
        OPEN_STATUSES, "new", "in_progress", "waiting_customer", "resolved", "closed", NULL};
    static const char *const status_labels[] = {
        TR_NOOP("open"),     TR_NOOP("new"),      TR_NOOP("in progress"), TR_NOOP("waiting for customer"),
        TR_NOOP("resolved"), TR_NOOP("closed")};
    const char *status = req_query(req, "status");

    const char *q = req_query(req, "q"), *view = req_query(req, "view");
    json_t *tabs = json_array(), *out;

    for (size_t i = 0; i < ARRAY_SIZE(views); i++)
        json_array_append_new(
            tabs, json_pack("{s:s, s:s, s:b}", "href",
                            *views[i][0] ? arena_sprintf(req->arena, "/desk/?view=%s", views[i][0])
                                         : "/desk/",
                            "label", tr(views[i][1]), "current",
                            !strcmp(views[i][0], view ? view : "")));
    out = json_pack(
        "{s:s, s:o, s:o, s:o, s:o}", "q", f->nwords && q ? q : "", "statuses",
        name_options(status_choices, status_labels, status ? status : OPEN_STATUSES, "any"),
        "severities", name_options(severity_names, NULL, req_query(req, "severity"), "any"),
        "organizations", page_options(nm->orgs, nm->norgs, f->organization_id, "any"), "assignees",
        page_options(nm->staff, nm->nstaff, f->assignee_id, "anyone"));
    json_object_set_new(out, "views", tabs);
    json_object_set_new(out, "view", json_string(view && *view ? view : ""));
    json_object_set_new(out, "by_due", json_boolean(f->sort == SORT_DUE));
    return out;
}

int page_desk_queue(struct req *req, struct res *res)
{
    struct strbuf base = STRBUF_INIT;
    struct ticket_filter f;
    struct ticket *items;
    struct names nm;
    const char *next = NULL;
    json_t *data;
    size_t n = 0;
    int rc;

    if (!read_filter(req, &f, &base)) {
        strbuf_release(&base);
        return page_error(req, res, DESK_EBADREQ, "a filter of the queue is not one it offers");
    }
    if ((rc = load_names(req, &nm)) < 0 ||
        (rc = store_ticket_list(req->store, &req->caller, &f, &items, &n, &next, req->arena)) < 0) {
        strbuf_release(&base);
        return page_error(req, res, rc, "the queue cannot be shown (%s)", desk_err_code(rc));
    }
    data = json_pack("{s:s, s:o, s:o}", "title", f.nwords ? tr("Search") : tr("Queue"), "tickets",
                     queue_rows(items, n, &nm, &f), "filter", filter_json(req, &f, &nm));
    if (next) {
        strbuf_addstr(&base, "&cursor=");
        page_url_encode(&base, next);
        json_object_set_new(data, "next", json_string(base.buf));
    }
    strbuf_release(&base);
    return page_render(req, res, 200, "desk_queue", data);
}

/* ---- a request ------------------------------------------------------------------------- */

/* The facts of the alert a monitoring request folds: its count and last seen (tj's "alert"). */
static int alert_facts(struct req *req, const struct ticket *t, json_t *tj)
{
    struct alert al;
    int rc;

    if (t->channel != CH_MONITORING)
        return 0;
    rc = store_alert_of_ticket(req->store, &req->caller, t->id, &al, req->arena);
    if (rc == DESK_ENOTFOUND) /* channel monitoring set by hand: no alert behind it */
        return 0;
    if (rc < 0)
        return rc;
    json_object_set_new(tj, "alert",
                        json_pack("{s:s, s:s, s:I, s:o}", "fingerprint", al.fingerprint,
                                  "status", tr(alert_status_name(al.status)), "count",
                                  (json_int_t)al.count, "last_seen",
                                  page_time(al.last_seen_at, t->cal)));
    return 0;
}

/* Who asked: the requester's name and e-mail, at the top of the request page. */
static void requester_json(struct req *req, const struct ticket *t, json_t *tj)
{
    struct account a;

    if (t->requester_id &&
        store_account_get(req->store, &req->caller, t->requester_id, &a, req->arena) == 0)
        json_object_set_new(tj, "requester", json_pack("{s:s, s:s}", "name", a.user.name,
                                                       "email", a.user.email));
}

/*
 * The canned replies to choose from, and with ?canned=ID the chosen one filled in for t as the
 * reply's draft (the page without script; svcdesk.js inserts it where the cursor is instead).
 */
static int canned_choice(struct req *req, const struct ticket *t, json_t *data)
{
    const char *values[CP_COUNT];
    struct canned_reply *items, r;
    int64_t chosen = 0;
    json_t *list;
    size_t n;
    int rc;

    if (!strcmp(req->method, "GET") && req_query(req, "canned"))
        chosen = strtoll(req_query(req, "canned"), NULL, 10);
    if ((rc = store_canned_list(req->store, &items, &n, req->arena)) < 0)
        return rc;
    list = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(list, json_pack("{s:I, s:s, s:b}", "value", (json_int_t)items[i].id,
                                              "label", items[i].title, "selected",
                                              items[i].id == chosen));
    json_object_set_new(data, "canned", list);
    if (chosen > 0 && !json_object_get(data, "draft") &&
        store_canned_get(req->store, chosen, &r, req->arena) == 0 &&
        canned_values(req, t->id, values) == 0) {
        struct strbuf text = STRBUF_INIT;
        canned_expand(r.body, values, &text);
        json_object_set_new(data, "draft", json_string(text.buf));
        strbuf_release(&text);
    }
    return 0;
}

#define HISTORY_MAX 500 /* audit rows of a request its history shows, the newest */

static const char *named_lookup(const struct named *list, size_t n, int64_t id)
{
    for (size_t i = 0; i < n; i++)
        if (list[i].id == id)
            return list[i].name;
    return NULL;
}
static const char *staff_name(void *ctx, int64_t id)
{
    const struct names *nm = ctx;
    return named_lookup(nm->staff, nm->nstaff, id);
}
static const char *org_name(void *ctx, int64_t id)
{
    const struct names *nm = ctx;
    return named_lookup(nm->orgs, nm->norgs, id);
}

/* The request's history from the audit trail, oldest first, in words (domain/timeline.h). */
static int ticket_events(struct req *req, const struct ticket *t, const struct names *nm,
                         struct page_event **out, size_t *n)
{
    struct timeline_names tn = {staff_name, org_name, (void *)nm};
    struct audit_entry *items;
    size_t count;
    int rc;

    *out = NULL;
    *n = 0;
    if ((rc = store_ticket_history(req->store, t->id, HISTORY_MAX, &items, &count,
                                   req->arena)) < 0)
        return rc;
    *out = ARENA_NEWN(req->arena, struct page_event, count + 1);
    for (size_t i = count; i-- > 0;) { /* newest first in the trail */
        struct strbuf sb = STRBUF_INIT;
        if (timeline_words(items[i].entity, items[i].action, items[i].before, items[i].after,
                           &tn, &sb))
            (*out)[(*n)++] = (struct page_event){
                items[i].at,
                items[i].actor_id ? (*items[i].actor_name ? items[i].actor_name : "a user gone")
                                  : "The system",
                arena_strdup(req->arena, sb.buf)};
        strbuf_release(&sb);
    }
    return 0;
}

/* The watchers and CC of t, and whether the agent watches it (the "Watch" button's state). */
static int followers_page(struct req *req, const struct ticket *t, json_t *data)
{
    struct follower *w;
    const char **cc;
    size_t nw, ncc;
    bool mine = false;
    int rc;

    if ((rc = store_followers(req->store, &req->caller, t->id, &w, &nw, &cc, &ncc,
                              req->arena)) < 0)
        return rc;
    for (size_t i = 0; i < nw; i++)
        mine = mine || w[i].user_id == req->caller.user_id;
    json_object_set_new(data, "followers", followers_json(w, nw, cc, ncc));
    json_object_set_new(data, "watching", json_boolean(mine));
    return 0;
}

/* The other agents writing a reply to t now: the page warns (store_replying_list). */
static int replying_json(struct req *req, const struct ticket *t, json_t *data)
{
    struct replying *items;
    json_t *list;
    size_t n;
    int rc;

    if ((rc = store_replying_list(req->store, &req->caller, t->id, time_now(), &items, &n,
                                  req->arena)) < 0)
        return rc;
    list = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(list, json_pack("{s:s}", "name", items[i].name));
    json_object_set_new(data, "replying", list);
    return 0;
}

/* POST /desk/tickets/{id}/replying, state=typing|done (svcdesk.js): 204. */
int page_desk_replying(struct req *req, struct res *res)
{
    const char *state = page_form_str(req, "state");
    int rc;

    if (strcmp(state, "typing") && strcmp(state, "done"))
        return res_error(res, DESK_EINVAL, "state", "state must be typing or done");
    rc = store_replying_mark(req->store, &req->caller, req->params[0], time_now(),
                             !strcmp(state, "done"));
    if (rc < 0)
        return res_error(res, rc, NULL, "no request %" PRId64, req->params[0]);
    res->status = 204;
    return 0;
}

/* The requests linked to t (its parent, children, related ones) and where it was merged. */
static int links_json(struct req *req, const struct ticket *t, json_t *data)
{
    struct ticket_link *items;
    json_t *list = json_array();
    size_t n;
    int rc;

    if ((rc = store_ticket_links(req->store, &req->caller, t->id, &items, &n, req->arena)) < 0) {
        json_decref(list);
        return rc;
    }
    for (size_t i = 0; i < n; i++) {
        enum ticket_status st;
        const char *status = ticket_status_parse(items[i].status, &st) == 0
                                 ? tr(ticket_status_labels[st])
                                 : items[i].status;
        json_array_append_new(list, json_pack("{s:I, s:s, s:s, s:s}", "id",
                                              (json_int_t)items[i].ticket_id, "kind",
                                              tr(items[i].kind), "subject", items[i].subject,
                                              "status", status));
    }
    json_object_set_new(data, "links", list);
    if (t->merged_into_id)
        json_object_set_new(data, "merged_into", json_integer(t->merged_into_id));
    json_object_set_new(data, "link_kinds", page_word_options(link_kinds()));
    return 0;
}

static int show_ticket(struct req *req, struct res *res, int64_t id, int status, const char *error)
{
    struct page_event *events;
    size_t nevents;
    struct ticket t;
    struct names nm;
    json_t *data, *tj;
    int rc;

    if ((rc = store_ticket_get(req->store, &req->caller, id, &t, req->arena)) < 0)
        return page_error(req, res, rc, "there is no request %" PRId64, id);
    if ((rc = load_names(req, &nm)) < 0)
        return page_error(req, res, rc, "request %" PRId64 " cannot be shown", id);
    tj = page_ticket_json(&t, time_now());
    json_object_set_new(tj, "organization",
                        json_string(page_name_of(nm.orgs, nm.norgs, t.organization_id)));
    json_object_set_new(tj, "assignee",
                        json_string(page_name_of(nm.staff, nm.nstaff, t.assignee_id)));
    sender_json(tj, &t);
    requester_json(req, &t, tj);
    if ((rc = alert_facts(req, &t, tj)) < 0) {
        json_decref(tj);
        return page_error(req, res, rc, "request %" PRId64 " cannot be shown", id);
    }
    data =
        json_pack("{s:s, s:o, s:s?, s:o, s:o, s:o}", "title", t.subject, "ticket", tj, "error",
                  error, "statuses",
                  name_options(ticket_status_names, ticket_status_labels,
                               ticket_status_name(t.status), NULL),
                  "severities", name_options(severity_names, NULL, severity_name(t.severity), NULL),
                  "assignees", page_options(nm.staff, nm.nstaff, t.assignee_id, "nobody"));
    if (!t.organization_id) /* held for triage: move it to an organisation */
        json_object_set_new(
            data, "triage",
            json_pack("{s:o, s:s}", "organizations",
                      page_options(nm.orgs, nm.norgs, page_form_id(req, "organization_id"),
                                   "choose one"),
                      "name",
                      t.sender_address ? arena_strndup(req->arena, t.sender_address,
                                                       strcspn(t.sender_address, "@"))
                                       : ""));
    if (t.assignee_id != req->caller.user_id) /* "Take it": assign the request to me */
        json_object_set_new(data, "take", json_integer(req->caller.user_id));
    if (!strcmp(req->method, "POST") && req_form(req, "body")) { /* a refused reply, kept */
        json_object_set_new(data, "draft", json_string(req_form(req, "body")));
        json_object_set_new(data, "draft_internal", json_boolean(req_form(req, "internal")));
    }
    if ((rc = links_json(req, &t, data)) < 0 || (rc = canned_choice(req, &t, data)) < 0 ||
        (rc = replying_json(req, &t, data)) < 0 || (rc = followers_page(req, &t, data)) < 0) {
        json_decref(data);
        return page_error(req, res, rc, "request %" PRId64 " cannot be shown", id);
    }
    if ((rc = ticket_events(req, &t, &nm, &events, &nevents)) < 0 ||
        (rc = page_ticket_extras(req, &t, "/desk/attachments/", events, nevents, data)) < 0 ||
        (rc = page_ticket_work(req, &t, data)) < 0 || (rc = page_draft_json(req, data)) < 0) {
        json_decref(data);
        return page_error(req, res, rc, "request %" PRId64 " cannot be shown", id);
    }
    return page_render(req, res, status, "desk_ticket", data);
}

int page_desk_ticket(struct req *req, struct res *res)
{
    return show_ticket(req, res, req->params[0], 200, NULL);
}

int page_desk_ticket_again(struct req *req, struct res *res, int status, const char *error)
{
    return show_ticket(req, res, req->params[0], status, error);
}

static int refused(struct req *req, struct res *res, int rc, const char *why)
{
    if (rc == DESK_ENOTFOUND)
        return page_error(req, res, rc, "there is no request %" PRId64, req->params[0]);
    return show_ticket(req, res, req->params[0], http_status_from_err(rc),
                       why && *why ? why : desk_err_code(rc));
}

static int back_to_ticket(struct req *req, struct res *res)
{
    return page_saved(req, res, arena_sprintf(req->arena, "/desk/tickets/%" PRId64, req->params[0]));
}

int page_desk_reply(struct req *req, struct res *res)
{
    const char *body = req_form(req, "body"), *why;
    struct store_fault fault = {0};
    struct message m = {0};
    int rc;

    if (!(body && *body) && !page_file_chosen(req, "file"))
        return show_ticket(req, res, req->params[0], 422, "write a reply or choose a file");
    if ((why = page_text_problem("the reply", body, MAX_BODY, req->arena)) ||
        (why = page_file_problem(req, "file")))
        return show_ticket(req, res, req->params[0], page_form_status(req), why);
    if (body && *body) {
        m = (struct message){.ticket_id = req->params[0],
                             .body = body,
                             .author_name = req->user.name,
                             .internal = req_form(req, "internal") != NULL};
        if ((rc = store_message_add(req->store, &req->caller, &m, time_now(), &fault)) < 0)
            return refused(req, res, rc, fault.message);
    }
    if ((rc = page_save_file(req, req->params[0], m.id, "file", &why)) < 0)
        return refused(req, res, rc, why);
    store_replying_mark(req->store, &req->caller, req->params[0], time_now(), true); /* sent */
    return back_to_ticket(req, res);
}

/* Staff escalate as customers do (issue 15): the reason becomes a message, level + 1. */
int page_desk_escalate(struct req *req, struct res *res)
{
    const char *reason, *why;
    struct store_fault fault = {0};
    struct ticket t;
    int rc;

    if ((why = page_reason_problem(req, &reason)))
        return show_ticket(req, res, req->params[0], 422, why);
    rc = store_ticket_escalate(req->store, &req->caller, req->params[0], reason, time_now(), &t,
                               &fault, req->arena);
    return rc < 0 ? refused(req, res, rc, fault.message) : back_to_ticket(req, res);
}

/* POST /desk/tickets/{id}/watch, on=1|0: the agent watches the request, or stops. */
int page_desk_watch(struct req *req, struct res *res)
{
    struct store_fault fault = {0};
    int rc = store_watcher_set(req->store, &req->caller, req->params[0], req->caller.user_id,
                               !strcmp(page_form_str(req, "on"), "1"), time_now(), &fault);

    return rc < 0 ? refused(req, res, rc, fault.message) : back_to_ticket(req, res);
}

/* POST /desk/tickets/{id}/cc, email (and remove=1 to take it off). */
int page_desk_cc(struct req *req, struct res *res)
{
    const char *email = page_form_str(req, "email"), *address;
    struct store_fault fault = {0};
    char *low;
    int rc;

    if (api_check_email(email, &address, req->arena))
        return show_ticket(req, res, req->params[0], 422,
                           arena_sprintf(req->arena, "'%s' is not an e-mail address", email));
    low = arena_strdup(req->arena, address);
    for (char *p = low; *p; p++)
        *p = (char)((*p >= 'A' && *p <= 'Z') ? *p + 32 : *p);
    rc = store_cc_set(req->store, &req->caller, req->params[0], low,
                      strcmp(page_form_str(req, "remove"), "1") != 0, time_now(), &fault);
    return rc < 0 ? refused(req, res, rc, fault.message) : back_to_ticket(req, res);
}

/* Merge this request into the one named (#N): its messages, files and time go there. */
int page_desk_merge(struct req *req, struct res *res)
{
    int64_t into = page_form_id(req, "into_id");
    struct store_fault fault = {0};
    struct ticket t;
    int rc;

    if (!into)
        return show_ticket(req, res, req->params[0], 422, "give the number of the request to merge into");
    rc = store_ticket_merge(req->store, &req->caller, req->params[0], into, time_now(), &t, &fault,
                            req->arena);
    if (rc < 0)
        return refused(req, res, rc, fault.message);
    return page_saved(req, res, arena_sprintf(req->arena, "/desk/tickets/%" PRId64, into));
}

/* Link this request to the one named, as its parent, child or a related one. */
int page_desk_link(struct req *req, struct res *res)
{
    int64_t other = page_form_id(req, "ticket_id");
    struct store_fault fault = {0};
    int kind, rc;

    if (!other)
        return show_ticket(req, res, req->params[0], 422, "give the number of the request to link");
    if (link_kind_parse(page_form_str(req, "kind"), &kind) < 0)
        return show_ticket(req, res, req->params[0], 422, "choose related, parent or child");
    rc = store_ticket_link(req->store, &req->caller, req->params[0], other, kind, time_now(),
                           &fault);
    return rc < 0 ? refused(req, res, rc, fault.message) : back_to_ticket(req, res);
}

/* Triage: the request to the organisation chosen, its sender (when ticked) to its contacts. */
int page_desk_triage(struct req *req, struct res *res)
{
    const char *name = page_form_str(req, "contact_name"), *why = NULL;
    int64_t org = page_form_id(req, "organization_id");
    struct store_fault fault = {0};
    struct ticket t;
    int rc;

    if (!org)
        return show_ticket(req, res, req->params[0], 422, "choose the organisation");
    if (req_form(req, "add_contact") && *name &&
        (why = page_line_problem("the contact's name", name, 200, req->arena)))
        return show_ticket(req, res, req->params[0], 422, why);
    rc = store_ticket_triage(req->store, &req->caller, req->params[0], org,
                             req_form(req, "add_contact") ? name : NULL, time_now(), &t, &fault,
                             req->arena);
    return rc < 0 ? refused(req, res, rc, fault.message) : back_to_ticket(req, res);
}

/* The fields of the form that differ from the request: PATCH semantics from a full form. */
static const char *read_update(struct req *req, const struct ticket *t, struct ticket_patch *p)
{
    const char *status = req_form(req, "status"), *sev = req_form(req, "severity");
    const char *assignee = req_form(req, "assignee_id");
    char *end;

    memset(p, 0, sizeof(*p));
    if (status && ticket_status_parse(status, &p->status) < 0)
        return "choose a status from the list";
    if (sev && severity_parse(sev, &p->severity) < 0)
        return "choose a severity from the list";
    if (assignee) {
        p->assignee_id = *assignee ? strtoll(assignee, &end, 10) : 0;
        if (*assignee && (*end || p->assignee_id < 1))
            return "choose an assignee from the list";
    }
    p->has_status = status && p->status != t->status;
    p->has_severity = sev && p->severity != t->severity;
    p->has_assignee = assignee && p->assignee_id != t->assignee_id;
    return NULL;
}

int page_desk_update(struct req *req, struct res *res)
{
    struct store_fault fault = {0};
    struct ticket_patch p;
    struct ticket t;
    const char *why;
    int rc;

    if ((rc = store_ticket_get(req->store, &req->caller, req->params[0], &t, req->arena)) < 0)
        return refused(req, res, rc, NULL);
    if ((why = read_update(req, &t, &p)))
        return show_ticket(req, res, req->params[0], 422, why);
    if (!p.has_status && !p.has_severity && !p.has_assignee)
        return back_to_ticket(req, res);
    rc = store_ticket_update(req->store, &req->caller, req->params[0], &p, time_now(), &t, &fault,
                             req->arena);
    return rc < 0 ? refused(req, res, rc, fault.message) : back_to_ticket(req, res);
}

/* ---- recording a request (a phone call, a chat) ------------------------------------------- */

#define MAX_SUBJECT 300
#define FUTURE_SLACK 60 /* SPEC 5: received_at at most this far ahead */

static json_t *severity_options(const char *selected)
{
    json_t *o = json_array();

    for (int i = 0; i < SEV_COUNT; i++) {
        const char *name = severity_name((enum severity)i);
        json_array_append_new(o, json_pack("{s:s, s:s, s:s, s:b}", "value", name, "level", name,
                                           "label", severity_label(i), "selected",
                                           selected ? !strcmp(selected, name) : i == SEV_C));
    }
    return o;
}

/* The id in form field name: 0 when empty, -1 when it is not an id. */
static int64_t form_id(const struct req *req, const char *name)
{
    const char *s = req_form(req, name);
    char *end;
    long long v;

    if (!s || !*s)
        return 0;
    v = strtoll(s, &end, 10);
    return *end || v < 1 ? -1 : v;
}

/* The form, filled with what was posted (or the defaults: a phone call, severity C). */
static int show_new(struct req *req, struct res *res, int status, const char *error)
{
    const char *channel = req_form(req, "channel"), *body = req_form(req, "body");
    const char *subject = req_form(req, "subject"), *received = req_form(req, "received_at");
    struct named *orgs, *contacts;
    size_t norgs, ncontacts;
    int rc;

    if ((rc = store_organization_names(req->store, &req->caller, &orgs, &norgs, req->arena)) < 0 ||
        (rc = store_contact_names(req->store, &req->caller, &contacts, &ncontacts, req->arena)) < 0)
        return page_error(req, res, rc, "the form cannot be shown");
    return page_render(
        req, res, status, "desk_new",
        json_pack("{s:s, s:o, s:o, s:o, s:o, s:o, s:s, s:s, s:s, s:s?}", "title",
                  tr("Record a request"), "organizations",
                  page_options(orgs, norgs, form_id(req, "organization_id"), "choose one"),
                  "requesters",
                  page_options(contacts, ncontacts, form_id(req, "requester_id"), "nobody named"),
                  "channels", name_options(channel_names, NULL, channel ? channel : "phone", NULL),
                  "types", name_options(ticket_type_names, NULL, req_form(req, "type"), NULL),
                  "severities", severity_options(req_form(req, "severity")), "subject",
                  subject ? subject : "", "body", body ? body : "", "received_at",
                  received ? received : "", "error", error));
}

int page_desk_new(struct req *req, struct res *res) { return show_new(req, res, 200, NULL); }

/* "YYYY-MM-DDTHH:MM[:SS]" (a datetime-local field, read as UTC) or RFC 3339; 0 when empty. */
static const char *read_received(const char *s, int64_t now, int64_t *out)
{
    char buf[40];
    size_t len = s ? strlen(s) : 0;

    *out = now;
    if (!len)
        return NULL;
    snprintf(buf, sizeof(buf), "%s%s", s, len == 16 ? ":00Z" : len == 19 ? "Z" : "");
    if (len >= 32 || time_parse_rfc3339(buf, strlen(buf), out, NULL) < 0)
        return "received is not a time (YYYY-MM-DD HH:MM, UTC)";
    if (*out > now + FUTURE_SLACK)
        return "received is in the future";
    if (*out < 0)
        return "received is before 1970";
    return NULL;
}

/* Read the posted form into t; NULL when it is fine, else what is wrong. */
static const char *read_new(struct req *req, struct ticket *t, int64_t now)
{
    const char *subject = req_form(req, "subject"), *body = req_form(req, "body"), *why;
    const char *channel = req_form(req, "channel"), *type = req_form(req, "type");
    const char *sev = req_form(req, "severity");

    memset(t, 0, sizeof(*t));
    t->organization_id = form_id(req, "organization_id");
    t->requester_id = form_id(req, "requester_id");
    if (t->organization_id < 1)
        return "choose the organisation";
    if (t->requester_id < 0)
        return "choose a requester from the list";
    if (!subject || !*subject)
        return "a subject is required";
    if ((why = page_line_problem("the subject", subject, MAX_SUBJECT, req->arena)) ||
        (why = page_text_problem("the description", body, MAX_BODY, req->arena)) ||
        (why = read_received(req_form(req, "received_at"), now, &t->received_at)) ||
        (why = page_file_problem(req, "file")))
        return why;
    if ((channel && channel_parse(channel, &t->channel) < 0) ||
        (type && ticket_type_parse(type, &t->type) < 0) ||
        (sev && severity_parse(sev, &t->severity) < 0))
        return "choose the channel, type and severity from the lists";
    if (!sev)
        t->severity = ticket_default_severity(t->type);
    t->subject = subject;
    t->body = body ? body : "";
    return NULL;
}

int page_desk_create(struct req *req, struct res *res)
{
    struct store_fault fault = {0};
    int64_t now = time_now();
    const char *why;
    struct ticket t;
    int rc;

    if ((why = read_new(req, &t, now)))
        return show_new(req, res, page_form_status(req), why);
    if ((rc = store_ticket_create(req->store, &req->caller, &t, now, &fault, req->arena)) < 0)
        return show_new(req, res, http_status_from_err(rc),
                        fault.message[0] ? fault.message : desk_err_code(rc));
    if (page_save_file(req, t.id, 0, "file", &why) < 0)
        return page_error(req, res, DESK_EINVAL,
                          "request %" PRId64 " was recorded, but its file was not stored: %s", t.id,
                          why);
    return page_saved(req, res, arena_sprintf(req->arena, "/desk/tickets/%" PRId64, t.id));
}
