/*
 * tickets.c - support requests: POST/GET /api/v1/tickets, GET/PATCH
 * /api/v1/tickets/{id}, POST …/escalate, GET …/sla.
 */
#include "core/compat.h"
#include "http/api/api.h"
#include "core/err.h"
#include "core/time.h"
#include "domain/ticket_sla.h"
#include "http/input.h"
#include "store/store.h"
#include <ctype.h>

#define MAX_SUBJECT 300
#define MAX_BODY (256 * 1024)
#define MAX_REASON 2000
#define MAX_ROOT_CAUSE 2000
#define FUTURE_SLACK 60 /* received_at may be at most this far ahead */

/* ---- rendering ------------------------------------------------------------ */

static json_t *sla_json(const struct ticket *t, int64_t now)
{
    struct ticket_clocks k;
    const struct clock_result *r, *u, *s;

    ticket_clocks_compute(t, now, &k);
    r = &k.clock[CLOCK_RESPONSE];
    u = &k.clock[CLOCK_UPDATE];
    s = &k.clock[CLOCK_RESOLUTION];
    return json_pack("{s:s, s:o, s:o, s:I, s:s, s:o, s:o, s:s, s:I}", "state",
                     sla_state_name(r->state), "response_due_at", json_time(r->due_at),
                     "handling_initiated_at", json_time(t->handling_initiated_at),
                     "working_seconds_elapsed", (json_int_t)r->working_secs, "update_state",
                     sla_state_name(u->state), "update_due_at", json_time(u->due_at),
                     "resolution_due_at", json_time(s->due_at), "resolution_state",
                     sla_state_name(s->state), "resolution_working_seconds",
                     (json_int_t)s->working_secs);
}

json_t *ticket_to_json(const struct ticket *t, int64_t now)
{
    json_t *o = json_pack(
        "{s:I, s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:s, s:o, s:b, s:b, s:I, s:o, s:b, s:o, "
        "s:o, s:o, s:o}",
        "id", (json_int_t)t->id, "subject", t->subject, "body", t->body, "severity",
        severity_name(t->severity), "type", ticket_type_name(t->type), "status",
        ticket_status_name(t->status), "organization_id", json_id(t->organization_id),
        "requester_id", json_id(t->requester_id), "assignee_id", json_id(t->assignee_id),
        "channel", channel_name(t->channel), "received_at", json_time(t->received_at),
        "entitled", t->agreement_id != 0, "billable", t->billable, "escalation_level",
        (json_int_t)t->escalation_level, "agreement_id", json_id(t->agreement_id), "priority",
        t->priority, "resolved_at", json_time(t->resolved_at), "created_at",
        json_time(t->created_at), "updated_at", json_time(t->updated_at), "sla",
        sla_json(t, now));

    json_object_set_new(o, "root_cause", t->root_cause ? json_string(t->root_cause) : json_null());
    json_object_set_new(o, "release_id", json_id(t->release_id));
    /* a duplicate merged into another request points at it */
    json_object_set_new(o, "merged_into_id", json_id(t->merged_into_id));
    /* a request opened by mail: its From address and whether it was verified (docs/mail.md) */
    json_object_set_new(o, "sender_address",
                        t->sender_address ? json_string(t->sender_address) : json_null());
    json_object_set_new(o, "sender_verified",
                        t->sender_address ? json_boolean(t->sender_verified) : json_null());
    return o;
}

/* ---- POST /api/v1/tickets --------------------------------------------------- */

static const struct field_spec create_fields[] = {
    {"subject", F_LINE, true, 1, MAX_SUBJECT, NULL},
    {"body", F_STRING, false, 0, MAX_BODY, NULL},
    {"severity", F_ENUM, false, 0, 0, severity_names},
    {"type", F_ENUM, false, 0, 0, ticket_type_names},
    {"channel", F_ENUM, false, 0, 0, channel_names},
    {"organization_id", F_ID, false, 0, 0, NULL},
    {"requester_id", F_ID, false, 0, 0, NULL},
    {"assignee_id", F_ID, false, 0, 0, NULL},
    {"received_at", F_STRING, false, 1, 64, NULL},
};

/* Fields a customer may not set (SPEC 5): each is 403. */
static const char *const staff_only_fields[] = {"received_at", "channel", "requester_id",
                                                "assignee_id", NULL};

static int forbid_fields(json_t *in, const char *const *fields, struct res *res)
{
    for (const char *const *f = fields; *f; f++) {
        json_t *v = json_object_get(in, *f);
        if (v && !json_is_null(v))
            return res_error(res, DESK_EDENIED, *f, "a customer may not set %s", *f);
    }
    return 0;
}

int json_to_time(json_t *in, const char *field, int64_t *out, struct res *res)
{
    const char *s = input_str(in, field), *why;

    if (!s)
        return 0;
    if (time_parse_rfc3339(s, strlen(s), out, &why) < 0)
        return res_error(res, DESK_EINVAL, field, "%s: '%s' is not an RFC 3339 time (%s)", field,
                         s, why);
    if (*out < 0) /* year 0001 is a typo, not when a request came in */
        return res_error(res, DESK_EINVAL, field, "%s: '%s' is before 1970", field, s);
    return 0;
}

static int read_create(struct req *req, json_t *in, struct ticket *t, int64_t now,
                       struct res *res)
{
    const struct caller *c = &req->caller;
    int64_t org = input_int(in, "organization_id", 0);
    int rc;

    memset(t, 0, sizeof(*t));
    t->subject = input_str(in, "subject");
    t->body = input_str(in, "body") ? input_str(in, "body") : "";
    ticket_type_parse(input_str(in, "type") ? input_str(in, "type") : "error", &t->type);
    t->severity = ticket_default_severity(t->type);
    if (input_str(in, "severity"))
        severity_parse(input_str(in, "severity"), &t->severity);
    t->channel = CH_API;
    if (input_str(in, "channel"))
        channel_parse(input_str(in, "channel"), &t->channel);
    t->received_at = now;
    if ((rc = json_to_time(in, "received_at", &t->received_at, res)) < 0)
        return rc;
    if (t->received_at > now + FUTURE_SLACK)
        return res_error(res, DESK_EINVAL, "received_at", "received_at is in the future");
    if (c->role == ROLE_CUSTOMER && org && org != c->organization_id)
        return res_error(res, DESK_EINVAL, "organization_id",
                         "a customer opens requests for its own organization only");
    if (c->role >= ROLE_AGENT && !org)
        return res_error(res, DESK_EINVAL, "organization_id", "organization_id is required");
    t->organization_id = c->role == ROLE_CUSTOMER ? c->organization_id : org;
    t->requester_id = input_int(in, "requester_id", 0);
    t->assignee_id = input_int(in, "assignee_id", 0);
    return 0;
}

int api_ticket_create(struct req *req, struct res *res)
{
    struct store_fault fault = {0};
    int64_t now = time_now();
    struct ticket t;
    json_t *in;
    int rc;

    if ((rc = req_json(req, res, &in)) < 0)
        return rc;
    if (req->caller.role == ROLE_CUSTOMER && (rc = forbid_fields(in, staff_only_fields, res)) < 0)
        return rc;
    if ((rc = input_check(in, create_fields, ARRAY_SIZE(create_fields), res)) < 0 ||
        (rc = read_create(req, in, &t, now, res)) < 0)
        return rc;
    if ((rc = store_ticket_create(req->store, &req->caller, &t, now, &fault, req->arena)) < 0)
        return api_fault(res, rc, &fault, "no ticket %" PRId64, req->params[0]);
    res_header(res, "Location", arena_sprintf(req->arena, "/api/v1/tickets/%" PRId64, t.id));
    return res_json(res, 201, ticket_to_json(&t, now));
}

/* ---- GET /api/v1/tickets/{id}, PATCH --------------------------------------------- */

int customer_may_see(struct req *req, struct res *res)
{
    struct ticket t;
    int rc;

    if (req->caller.role != ROLE_CUSTOMER)
        return 0;
    if ((rc = store_ticket_get(req->store, &req->caller, req->params[0], &t, req->arena)) < 0)
        return res_error(res, rc, NULL, "no ticket %" PRId64, req->params[0]);
    return 0;
}

int api_ticket_get(struct req *req, struct res *res)
{
    struct ticket t;
    int rc;

    if ((rc = store_ticket_get(req->store, &req->caller, req->params[0], &t, req->arena)) < 0)
        return res_error(res, rc, NULL, "no ticket %" PRId64, req->params[0]);
    return res_json(res, 200, ticket_to_json(&t, time_now()));
}

static const struct field_spec patch_fields[] = {
    {"status", F_ENUM, false, 0, 0, ticket_status_names},
    {"severity", F_ENUM, false, 0, 0, severity_names},
    {"assignee_id", F_INT, false, 0, INT64_MAX, NULL},
    {"billable", F_BOOL, false, 0, 0, NULL},
    {"root_cause", F_STRING, false, 0, MAX_ROOT_CAUSE, NULL},
    {"release_id", F_INT, false, 0, INT64_MAX, NULL},
};

static const char *const staff_patch_fields[] = {"severity", "assignee_id", "billable",
                                                 "root_cause", "release_id", NULL};

static void read_patch(json_t *in, struct ticket_patch *p)
{
    json_t *v;

    memset(p, 0, sizeof(*p));
    if ((p->has_status = input_str(in, "status") != NULL))
        ticket_status_parse(input_str(in, "status"), &p->status);
    if ((p->has_severity = input_str(in, "severity") != NULL))
        severity_parse(input_str(in, "severity"), &p->severity);
    v = json_object_get(in, "assignee_id");
    /* null unassigns: the one field where null is not "left out" */
    if ((p->has_assignee = v != NULL))
        p->assignee_id = json_is_integer(v) ? json_integer_value(v) : 0;
    v = json_object_get(in, "billable");
    if ((p->has_billable = json_is_boolean(v)))
        p->billable = json_is_true(v);
    /* null clears these two as it unassigns: "left out" is leaving the key out */
    v = json_object_get(in, "root_cause");
    if ((p->has_root_cause = v != NULL))
        p->root_cause = json_string_value(v);
    v = json_object_get(in, "release_id");
    if ((p->has_release = v != NULL))
        p->release_id = json_is_integer(v) ? json_integer_value(v) : 0;
}

int api_ticket_patch(struct req *req, struct res *res)
{
    struct store_fault fault = {0};
    struct ticket_patch p;
    int64_t now = time_now();
    struct ticket t;
    json_t *in;
    int rc;

    if ((rc = req_json(req, res, &in)) < 0 || (rc = customer_may_see(req, res)) < 0)
        return rc;
    if (req->caller.role == ROLE_CUSTOMER &&
        (rc = forbid_fields(in, staff_patch_fields, res)) < 0)
        return rc;
    if ((rc = input_check(in, patch_fields, ARRAY_SIZE(patch_fields), res)) < 0)
        return rc;
    read_patch(in, &p);
    rc = store_ticket_update(req->store, &req->caller, req->params[0], &p, now, &t, &fault,
                             req->arena);
    if (rc < 0)
        return api_fault(res, rc, &fault, "no ticket %" PRId64, req->params[0]);
    return res_json(res, 200, ticket_to_json(&t, now));
}

/* ---- POST /api/v1/tickets/{id}/escalate ------------------------------------------- */

static const struct field_spec escalate_fields[] = {
    {"reason", F_STRING, true, 1, MAX_REASON, NULL},
};

int api_ticket_escalate(struct req *req, struct res *res)
{
    struct store_fault fault = {0};
    int64_t now = time_now();
    struct ticket t;
    json_t *in;
    int rc;

    if ((rc = req_json(req, res, &in)) < 0 ||
        (rc = input_check(in, escalate_fields, ARRAY_SIZE(escalate_fields), res)) < 0)
        return rc;
    rc = store_ticket_escalate(req->store, &req->caller, req->params[0], input_str(in, "reason"),
                               now, &t, &fault, req->arena);
    if (rc < 0)
        return api_fault(res, rc, &fault, "no ticket %" PRId64, req->params[0]);
    return res_json(res, 200, ticket_to_json(&t, now));
}

/* ---- POST /api/v1/tickets/{id}/triage ----------------------------------------------------- */

static const struct field_spec triage_fields[] = {
    {"organization_id", F_ID, true, 0, 0, NULL},
    {"add_contact", F_BOOL, false, 0, 0, NULL},
    {"contact_name", F_LINE, false, 1, 200, NULL},
};

int api_ticket_triage(struct req *req, struct res *res)
{
    struct store_fault fault = {0};
    int64_t now = time_now();
    const char *name;
    struct ticket t;
    json_t *in;
    int rc;

    if ((rc = req_json(req, res, &in)) < 0 ||
        (rc = input_check(in, triage_fields, ARRAY_SIZE(triage_fields), res)) < 0)
        return rc;
    name = json_is_true(json_object_get(in, "add_contact"))
               ? (input_str(in, "contact_name") ? input_str(in, "contact_name") : "")
               : NULL;
    rc = store_ticket_triage(req->store, &req->caller, req->params[0],
                             input_int(in, "organization_id", 0), name, now, &t, &fault,
                             req->arena);
    if (rc < 0)
        return api_fault(res, rc, &fault, "no ticket %" PRId64, req->params[0]);
    return res_json(res, 200, ticket_to_json(&t, now));
}

/* ---- GET /api/v1/tickets/{id}/sla ----------------------------------------------------- */

#define MAX_SEGMENTS 1000

int api_ticket_sla(struct req *req, struct res *res)
{
    struct clock_segment *segs = ARENA_NEWN(req->arena, struct clock_segment, MAX_SEGMENTS);
    int64_t now = time_now();
    struct ticket_clocks k;
    struct ticket t;
    json_t *out;
    int rc;

    if ((rc = store_ticket_get(req->store, &req->caller, req->params[0], &t, req->arena)) < 0)
        return res_error(res, rc, NULL, "no ticket %" PRId64, req->params[0]);
    ticket_clocks_compute(&t, now, &k);
    out = json_object();
    for (int c = 0; c < CLOCK_COUNT; c++) {
        size_t n = ticket_clock_segments(&t, (enum clock_kind)c, now, segs, MAX_SEGMENTS);
        json_t *list = json_array();
        for (size_t i = 0; i < n && i < MAX_SEGMENTS; i++)
            json_array_append_new(
                list, json_pack("{s:o, s:o, s:s, s:s, s:I}", "from", json_time(segs[i].from),
                                "to", json_time(segs[i].to), "status",
                                ticket_status_name(segs[i].status), "clock",
                                segment_mode_name(segs[i].mode), "working_seconds",
                                (json_int_t)segs[i].working_secs));
        if (c == CLOCK_RESOLUTION)
            json_object_set(out, "segments", list); /* the whole history, as SPEC 5 shows it */
        json_object_set_new(
            out, clock_kind_name((enum clock_kind)c),
            json_pack("{s:s, s:o, s:I, s:o}", "state", sla_state_name(k.clock[c].state),
                      "due_at", json_time(k.clock[c].due_at), "working_seconds",
                      (json_int_t)k.clock[c].working_secs, "segments", list));
    }
    return res_json(res, 200, out);
}

/* ---- GET /api/v1/tickets -------------------------------------------------------------- */

/* Parse a comma list of names into a bit set; DESK_EBADREQ on an unknown name. */
static int parse_set(const char *list, const char *const *names, unsigned *out)
{
    const char *p = list;

    *out = 0;
    while (p && *p) {
        const char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);
        int i;
        for (i = 0; names[i]; i++)
            if (strlen(names[i]) == n && !strncmp(names[i], p, n))
                break;
        if (!names[i])
            return DESK_EBADREQ;
        *out |= 1u << i;
        p = comma ? comma + 1 : NULL;
    }
    return 0;
}

size_t ticket_query_words(const char *q, const char **words, struct arena *a)
{
    size_t n = 0;

    while (q && *q && n < TICKET_QUERY_WORDS_MAX) {
        size_t len;
        char *w;
        while (*q == ' ' || *q == '\t')
            q++;
        len = strcspn(q, " \t");
        if (!len)
            break;
        w = arena_strndup(a, q, len);
        for (char *p = w; *p; p++)
            *p = (char)tolower((unsigned char)*p);
        words[n++] = w;
        q += len;
    }
    return n;
}

/* The query parameters GET /api/v1/tickets knows (docs/openapi.json); any other is a 400. */
static const char *const list_params[] = {"status", "severity", "type", "channel",
                                          "organization_id", "assignee_id", "q", "sort",
                                          "limit", "cursor", NULL};

static int read_filter(struct req *req, struct ticket_filter *f, struct res *res)
{
    const char *sort = req_query(req, "sort");
    const char **words = ARENA_NEWN(req->arena, const char *, TICKET_QUERY_WORDS_MAX);
    int64_t lim;
    int rc;

    memset(f, 0, sizeof(*f));
    if ((rc = api_query_known(req, res, list_params)) < 0)
        return rc;
    if (parse_set(req_query(req, "status"), ticket_status_names, &f->statuses) < 0)
        return res_error(res, DESK_EBADREQ, "status", "status: unknown status in '%s'",
                         req_query(req, "status"));
    if (parse_set(req_query(req, "severity"), severity_names, &f->severities) < 0)
        return res_error(res, DESK_EBADREQ, "severity", "severity: unknown level in '%s'",
                         req_query(req, "severity"));
    if (parse_set(req_query(req, "type"), ticket_type_names, &f->types) < 0)
        return res_error(res, DESK_EBADREQ, "type", "type: unknown type in '%s'",
                         req_query(req, "type"));
    if (parse_set(req_query(req, "channel"), channel_names, &f->channels) < 0)
        return res_error(res, DESK_EBADREQ, "channel", "channel: unknown channel in '%s'",
                         req_query(req, "channel"));
    if ((rc = api_query_id(req, res, "organization_id", &f->organization_id)) < 0 ||
        (rc = api_query_id(req, res, "assignee_id", &f->assignee_id)) < 0)
        return rc;
    if ((rc = api_limit(req, res, &lim)) < 0)
        return rc;
    f->limit = (int)lim;
    if (!sort || !strcmp(sort, "newest"))
        f->sort = SORT_NEWEST;
    else if (!strcmp(sort, "due"))
        f->sort = SORT_DUE;
    else if (!strcmp(sort, "priority"))
        f->sort = SORT_PRIORITY;
    else
        return res_error(res, DESK_EBADREQ, "sort", "sort must be newest, due or priority");
    f->words = words;
    f->nwords = ticket_query_words(req_query(req, "q"), words, req->arena);
    f->cursor = req_query(req, "cursor");
    return 0;
}

int api_ticket_list(struct req *req, struct res *res)
{
    struct ticket_filter f;
    struct ticket *items;
    const char *next;
    int64_t now = time_now();
    json_t *list;
    size_t n;
    int rc;

    if ((rc = read_filter(req, &f, res)) < 0)
        return rc;
    rc = store_ticket_list(req->store, &req->caller, &f, &items, &n, &next, req->arena);
    if (rc < 0)
        return api_cursor_error(res, rc);
    list = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(list, ticket_to_json(&items[i], now));
    return res_json(res, 200, json_pack("{s:o, s:o}", "items", list, "next_cursor",
                                        next ? json_string(next) : json_null()));
}
