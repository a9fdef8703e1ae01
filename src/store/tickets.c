/*
 * tickets.c - requests, their history, messages and attachments, the
 * stored due times, and the escalation sweep, on SQLite.
 *
 * Clocks are derived (domain/ticket_sla.c) from the status history each time
 * a request is read; only the due times that order the queue are stored,
 * and every write that moves them recomputes them in its own transaction.
 */
#define LOG_MODULE "store"
#include "core/compat.h"
#include "store/internal.h"
#include "core/crypto.h"
#include "core/err.h"
#include "core/log.h"
#include "core/time.h"
#include "core/xalloc.h"
#include "domain/sla.h"
#include "domain/ticket_sla.h"
#include "store/calcache.h"
#include <jansson.h>

#define MAX_LOG 4096  /* status changes read per request */

/* ---- reading a request ------------------------------------------------------ */

/* The SLA inputs of a request under agreement a (TICKET_SELECT, SQL_ORG_TERMS): its
   calendar's id and version, and the targets of its level (read_sla_inputs). */
#define SLA_INPUT_COLS                                                                             \
    "coalesce(k.id, 0), coalesce(k.version, 0), coalesce(p.warn_at_permille, 750), "              \
    "coalesce(g.response_secs, 0), coalesce(g.update_secs, 0), coalesce(g.resolution_secs, 0) "
#define SLA_INPUT_JOINS(LEVEL)                                                                     \
    "LEFT JOIN sla_policies p ON p.id = a.sla_policy_id "                                         \
    "LEFT JOIN calendars k ON k.id = coalesce(a.calendar_id, p.calendar_id) "                     \
    "LEFT JOIN sla_targets g ON g.policy_id = p.id AND g.level = " LEVEL " "

#define TICKET_SELECT                                                                              \
    "SELECT t.id, coalesce(t.organization_id, 0), coalesce(t.requester_id, 0), "                  \
    "coalesce(t.assignee_id, 0), coalesce(t.agreement_id, 0), t.channel, t.type, t.severity, "    \
    "t.status, t.subject, t.body, t.received_at, coalesce(t.handling_initiated_at, 0), "          \
    "coalesce(t.last_staff_reply_at, 0), coalesce(t.resolved_at, 0), t.created_at, "             \
    "t.updated_at, t.billable, t.escalation_level, t.priority, t.root_cause, "                    \
    SLA_INPUT_COLS ", coalesce(t.sort_due_at, 0), coalesce(t.release_id, 0), t.sender_address, "                   \
    "coalesce(t.sender_verified, 0), coalesce(t.merged_into_id, 0) "                               \
    "FROM tickets t LEFT JOIN agreements a ON a.id = t.agreement_id "                             \
    SLA_INPUT_JOINS("CASE WHEN t.type = 'enhancement' THEN 'enhancement' ELSE t.severity END")

/* Calendar id and version of a row, kept until its calendar is loaded. */
struct cal_key {
    int64_t id, version;
};

/* SLA_INPUT_COLS, from column col on. */
static void read_sla_inputs(struct db_stmt *s, int col, struct ticket *t, struct cal_key *k)
{
    k->id = db_col_int(s, col);
    k->version = db_col_int(s, col + 1);
    t->targets.warn_permille = (int)db_col_int(s, col + 2);
    t->targets.response = db_col_int(s, col + 3);
    t->targets.update = db_col_int(s, col + 4);
    t->targets.resolution = db_col_int(s, col + 5);
}

static void read_ticket(struct db_stmt *s, struct ticket *t, struct cal_key *k, int64_t *sort_due,
                        struct arena *a)
{
    memset(t, 0, sizeof(*t));
    t->id = db_col_int(s, 0);
    t->organization_id = db_col_int(s, 1);
    t->requester_id = db_col_int(s, 2);
    t->assignee_id = db_col_int(s, 3);
    t->agreement_id = db_col_int(s, 4);
    channel_parse(db_col_raw(s, 5), &t->channel);
    ticket_type_parse(db_col_raw(s, 6), &t->type);
    severity_parse(db_col_raw(s, 7), &t->severity);
    ticket_status_parse(db_col_raw(s, 8), &t->status);
    t->subject = db_col_text(s, 9, a);
    t->body = db_col_text(s, 10, a);
    t->received_at = db_col_int(s, 11);
    t->handling_initiated_at = db_col_int(s, 12);
    t->last_staff_reply_at = db_col_int(s, 13);
    t->resolved_at = db_col_int(s, 14);
    t->created_at = db_col_int(s, 15);
    t->updated_at = db_col_int(s, 16);
    t->billable = (int)db_col_int(s, 17);
    t->escalation_level = (int)db_col_int(s, 18);
    t->priority = (int)db_col_int(s, 19);
    t->root_cause = db_col_text_or_null(s, 20, a);
    read_sla_inputs(s, 21, t, k);
    if (sort_due)
        *sort_due = db_col_int(s, 27);
    t->release_id = db_col_int(s, 28);
    t->sender_address = db_col_text_or_null(s, 29, a);
    t->sender_verified = (int)db_col_int(s, 30);
    t->merged_into_id = db_col_int(s, 31);
}

static const char SQL_CALENDAR_DEFINITION[] = "SELECT definition FROM calendars WHERE id = ?";

static const struct calendar *load_calendar(struct db_conn *c, const struct cal_key *k,
                                            struct arena *a)
{
    uint64_t scope = db_write_scope(c);
    const struct calendar *cal;
    struct db_stmt *s;

    if (!k->id)
        return NULL;
    /* a committed version's entry serves writes too: a write that changed the calendar
       has a version no committed row had */
    if ((cal = calcache_find(k->id, k->version, 0, a)) ||
        (scope && (cal = calcache_find(k->id, k->version, scope, a))))
        return cal;
    s = db_stmt(c, SQL_CALENDAR_DEFINITION);
    db_bind_int(s, 1, k->id);
    if (db_step(s) == DB_ROW)
        cal = calcache_add(k->id, k->version, scope, db_col_raw(s, 0), a);
    db_done(s, 0);
    return cal;
}

static const char SQL_STATUS_LOG[] =
    "SELECT at, status FROM ticket_status_log WHERE ticket_id = ? ORDER BY id";

static int load_log(struct db_conn *c, struct ticket *t, struct arena *a)
{
    struct db_stmt *s = db_stmt(c, SQL_STATUS_LOG);
    struct status_change *log = NULL;
    size_t n = 0, alloc = 0;
    int rc;

    db_bind_int(s, 1, t->id);
    while ((rc = db_step(s)) == DB_ROW && n < MAX_LOG) {
        ARENA_GROW(a, log, n, alloc);
        log[n].at = db_col_int(s, 0);
        ticket_status_parse(db_col_raw(s, 1), &log[n].status);
        n++;
    }
    t->log = log;
    t->nlog = n;
    return db_done(s, rc == DB_ROW || rc == DB_DONE ? 0 : db_err(rc));
}

/* The SLA inputs of a row just read: its calendar and its history. */
static int finish_ticket(struct db_conn *c, struct ticket *t, const struct cal_key *k,
                         struct arena *a)
{
    t->cal = t->agreement_id ? load_calendar(c, k, a) : NULL;
    return load_log(c, t, a);
}

static const char SQL_TICKET_GET[] = TICKET_SELECT "WHERE t.id = ?1 AND (CAST(?2 AS BIGINT) = 0 OR "
                                                   "t.organization_id = ?2)";

/* Read request id as caller c may see it, on connection conn. */
static int ticket_read(struct db_conn *conn, const struct caller *c, int64_t id,
                       struct ticket *t, struct arena *a)
{
    struct db_stmt *s = db_stmt(conn, SQL_TICKET_GET);
    struct cal_key k;
    int rc;

    db_bind_int(s, 1, id);
    db_bind_int(s, 2, STORE_ORG_FILTER(c));
    rc = db_step(s);
    if (rc != DB_ROW)
        return db_done(s, rc == DB_DONE ? DESK_ENOTFOUND : db_err(rc));
    read_ticket(s, t, &k, NULL, a);
    db_done(s, 0);
    return finish_ticket(conn, t, &k, a);
}

int store_ticket_get(struct store *st, const struct caller *c, int64_t id, struct ticket *t,
                       struct arena *a)
{
    struct db_conn *conn = db_get(st);
    int rc = ticket_read(conn, c, id, t, a);

    db_put(st, conn);
    return rc;
}

static const char SQL_TICKETS_RECEIVED[] =
    TICKET_SELECT "WHERE t.organization_id IS NOT NULL AND (CAST(?1 AS BIGINT) = 0 OR "
                  "t.organization_id = ?1) "
                  "AND t.received_at >= ?2 AND t.received_at < ?3 "
                  "ORDER BY t.organization_id, t.received_at, t.id";

int store__ticket_each_received(struct store *st, int64_t organization_id, int64_t from,
                                 int64_t to, store__ticket_fn fn, void *arg)
{
    struct db_conn *conn = db_get(st);
    struct db_stmt *s = db_stmt(conn, SQL_TICKETS_RECEIVED);
    struct arena row = ARENA_INIT;
    struct ticket t;
    struct cal_key k;
    int rc, ret = 0;

    db_bind_int(s, 1, organization_id);
    db_bind_int(s, 2, from);
    db_bind_int(s, 3, to);
    while (ret == 0 && (rc = db_step(s)) == DB_ROW) {
        read_ticket(s, &t, &k, NULL, &row);
        if ((ret = finish_ticket(conn, &t, &k, &row)) == 0)
            ret = fn(&t, arg);
        arena_release(&row);
    }
    if (ret == 0 && rc != DB_DONE)
        ret = db_err(rc);
    db_done(s, 0);
    db_put(st, conn);
    return ret;
}

/* ---- stored due times -------------------------------------------------------------- */

static const char SQL_SET_DUES[] = "UPDATE tickets SET response_due_at = ?2, "
                                   "resolution_due_at = ?3, sort_due_at = ?4 WHERE id = ?1";

static int store_dues(struct db_conn *c, const struct ticket *t, int64_t now)
{
    struct db_stmt *s = db_stmt(c, SQL_SET_DUES);
    struct ticket_clocks k;

    ticket_clocks_compute(t, now, &k);
    db_bind_int(s, 1, t->id);
    db_bind_id(s, 2, k.clock[CLOCK_RESPONSE].due_at);
    db_bind_id(s, 3, k.clock[CLOCK_RESOLUTION].due_at);
    db_bind_id(s, 4, k.sort_due_at);
    return db_exec(s);
}

/* Re-read request id inside the write transaction and store its due times. */
static int recompute_one(struct db_conn *c, int64_t id, int64_t now, struct ticket *out,
                         struct arena *a)
{
    struct caller sys = CALLER_SYSTEM;
    int rc = ticket_read(c, &sys, id, out, a);

    return rc < 0 ? rc : store_dues(c, out, now);
}

static const char SQL_RECOMPUTE_SET[] =
    "SELECT t.id FROM tickets t JOIN agreements a ON a.id = t.agreement_id "
    "LEFT JOIN sla_policies p ON p.id = a.sla_policy_id "
    "WHERE t.status NOT IN ('resolved', 'closed') AND "
    "((?1 <> 0 AND coalesce(a.calendar_id, p.calendar_id) = ?1) OR (?2 <> 0 AND p.id = ?2))";

int store__recompute_tickets(struct db_conn *c, int64_t calendar_id, int64_t policy_id)
{
    struct db_stmt *s = db_stmt(c, SQL_RECOMPUTE_SET);
    int64_t *ids = NULL, now = time_now();
    size_t n = 0, alloc = 0;
    int rc;

    db_bind_int(s, 1, calendar_id);
    db_bind_int(s, 2, policy_id);
    while ((rc = db_step(s)) == DB_ROW) {
        ALLOC_GROW(ids, n + 1, alloc);
        ids[n++] = db_col_int(s, 0);
    }
    rc = db_done(s, rc == DB_DONE ? 0 : db_err(rc));
    for (size_t i = 0; i < n && rc == 0; i++) {
        struct arena a = ARENA_INIT;
        struct ticket t;
        rc = recompute_one(c, ids[i], now, &t, &a);
        arena_release(&a);
    }
    free(ids);
    return rc;
}

/* ---- history and audit helpers ---------------------------------------------------- */

static const char SQL_LOG_INSERT[] =
    "INSERT INTO ticket_status_log (ticket_id, at, status, actor_id) VALUES (?, ?, ?, ?)";

static int log_status(struct db_conn *c, int64_t id, int64_t at, enum ticket_status st,
                      int64_t actor)
{
    struct db_stmt *s = db_stmt(c, SQL_LOG_INSERT);

    db_bind_int(s, 1, id);
    db_bind_int(s, 2, at);
    db_bind_text(s, 3, ticket_status_name(st));
    db_bind_id(s, 4, actor);
    return db_exec(s);
}

/* The audited view of a request: the fields a change can touch. */
static char *ticket_audit_json(const struct ticket *t)
{
    json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:I, s:b, s:I}", "id", (json_int_t)t->id,
                          "status", ticket_status_name(t->status), "severity",
                          severity_name(t->severity), "type", ticket_type_name(t->type),
                          "assignee_id", (json_int_t)t->assignee_id, "billable", t->billable,
                          "escalation_level", (json_int_t)t->escalation_level);
    char *s = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);

    json_decref(o);
    return s;
}

static int audit_change(struct db_conn *c, const struct caller *who, const char *action,
                        const char *entity, const struct ticket *before,
                        const struct ticket *after)
{
    char *b = before ? ticket_audit_json(before) : NULL, *af = ticket_audit_json(after);
    int rc = store__audit(c, who->user_id, action, entity, after->id, b, af);

    free(b);
    free(af);
    return rc;
}

/* ---- creating a request -------------------------------------------------------- */

struct create_job {
    const struct caller *c;    /* who */
    struct ticket *t;          /* in: fields; out: the stored request */
    int64_t now;               /* creation time */
    struct store_fault *fault; /* why it was refused */
    struct arena *a;           /* for the result */
};

static const char SQL_USER_ROLE_ORG[] =
    "SELECT role, coalesce(organization_id, 0) FROM users WHERE id = ?";
/* The organisation ?1's priority_line flag, the maintenance agreement entitling a request
   received on day ?2 (0: none) and, under its policy, the SLA inputs of level ?3. */
static const char SQL_ORG_TERMS[] =
    "SELECT o.priority_line, coalesce(a.id, 0), " SLA_INPUT_COLS
    "FROM organizations o LEFT JOIN agreements a ON a.id = "
    "(SELECT x.id FROM agreements x WHERE x.organization_id = o.id AND x.kind = 'maintenance' "
    "AND x.status = 'signed' AND x.starts_on <= ?2 AND (x.ends_on IS NULL OR x.ends_on >= ?2) "
    "ORDER BY x.starts_on DESC, x.id DESC LIMIT 1) " SLA_INPUT_JOINS("?3") "WHERE o.id = ?1";
static const char SQL_TICKET_INSERT[] =
    "INSERT INTO tickets (organization_id, requester_id, assignee_id, agreement_id, channel, "
    "type, severity, status, subject, body, received_at, billable, priority, created_at, "
    "updated_at, response_due_at, resolution_due_at, sort_due_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, 'new', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id";

/* A user's role and organisation; DESK_ENOTFOUND when there is none. */
static int user_role_org(struct db_conn *c, int64_t id, enum role *role, int64_t *org)
{
    struct db_stmt *s = db_stmt(c, SQL_USER_ROLE_ORG);
    int rc;

    db_bind_int(s, 1, id);
    if ((rc = db_step(s)) != DB_ROW)
        return db_done(s, rc == DB_DONE ? DESK_ENOTFOUND : db_err(rc));
    if (role_parse(db_col_raw(s, 0), role) < 0)
        *role = ROLE_NONE;
    *org = db_col_int(s, 1);
    return db_done(s, 0);
}

static const char SQL_RELEASE_EXISTS[] = "SELECT 1 FROM releases WHERE id = ?";

static int check_release(struct db_conn *c, int64_t id, struct store_fault *fault)
{
    struct db_stmt *s = db_stmt(c, SQL_RELEASE_EXISTS);
    int rc;

    db_bind_int(s, 1, id);
    rc = db_step(s);
    db_done(s, 0);
    if (rc == DB_ROW)
        return 0;
    return rc == DB_DONE ? store__fault(fault, DESK_EINVAL, "release_id",
                                            "no release %" PRId64, id)
                             : db_err(rc);
}

static int check_staff(struct db_conn *c, int64_t id, struct store_fault *fault)
{
    enum role role;
    int64_t org;

    if (!id)
        return 0;
    if (user_role_org(c, id, &role, &org) < 0 || role < ROLE_AGENT)
        return store__fault(fault, DESK_EINVAL, "assignee_id", "assignee %" PRId64
                         " is not an agent or admin", id);
    return 0;
}

/*
 * What the organisation of new request t gives it, in one query (each is a round trip on
 * PostgreSQL): t->priority, the entitling agreement t->agreement_id (0: none), its targets
 * and calendar. DESK_EINVAL when the organisation does not exist; a request held for triage
 * (organisation 0) has none of them.
 */
static int organization_terms(struct db_conn *c, struct ticket *t, struct cal_key *k,
                              struct store_fault *fault, struct arena *a)
{
    struct db_stmt *s;
    char day[DATE_LEN];
    int rc;

    *k = (struct cal_key){0, 0};
    t->targets = (struct sla_targets){0};
    t->targets.warn_permille = 750;
    t->agreement_id = 0;
    t->cal = NULL;
    if (!t->organization_id)
        return 0;
    s = db_stmt(c, SQL_ORG_TERMS);
    date_format(floor_div(t->received_at, 86400), day);
    db_bind_int(s, 1, t->organization_id);
    db_bind_text(s, 2, day);
    db_bind_text(s, 3, t->type == TT_ENHANCEMENT ? "enhancement" : severity_name(t->severity));
    rc = db_step(s);
    if (rc != DB_ROW) {
        db_done(s, 0);
        if (rc != DB_DONE)
            return db_err(rc);
        return store__fault(fault, DESK_EINVAL, "organization_id", "no organization %" PRId64,
                            t->organization_id);
    }
    t->priority = (int)db_col_int(s, 0);
    t->agreement_id = db_col_int(s, 1);
    read_sla_inputs(s, 2, t, k);
    if ((rc = db_done(s, 0)) < 0)
        return rc;
    t->cal = t->agreement_id ? load_calendar(c, k, a) : NULL;
    return 0;
}

/*
 * New request t as its row will read: what the INSERT does not write is empty, its history
 * is its one status (received_at, new). So its due times are computed before the INSERT
 * and written by it, without reading the row back.
 */
static void new_ticket_row(struct ticket *t, int64_t now, struct arena *a)
{
    struct status_change *log = arena_alloc(a, sizeof(*log));

    t->status = TS_NEW;
    t->handling_initiated_at = t->last_staff_reply_at = t->resolved_at = 0;
    t->created_at = t->updated_at = now;
    t->billable = !t->agreement_id; /* not entitled: billable by default */
    t->escalation_level = 0;
    t->root_cause = NULL;
    t->release_id = 0;
    t->sender_address = NULL;
    t->sender_verified = false;
    log->at = t->received_at;
    log->status = TS_NEW;
    t->log = log;
    t->nlog = 1;
}

static int check_requester(struct db_conn *c, struct ticket *t, struct store_fault *fault)
{
    enum role role;
    int64_t org;

    if (!t->requester_id)
        return 0;
    if (user_role_org(c, t->requester_id, &role, &org) < 0 || role != ROLE_CUSTOMER ||
        org != t->organization_id)
        return store__fault(fault, DESK_EINVAL, "requester_id",
                         "user %" PRId64 " is not a contact of organization %" PRId64,
                         t->requester_id, t->organization_id);
    return 0;
}

static int write_ticket_create(struct db_conn *c, void *arg)
{
    struct create_job *j = arg;
    struct ticket *t = j->t;
    struct ticket_clocks clk;
    struct cal_key k;
    struct db_stmt *s;
    int rc;

    if (j->c->role == ROLE_CUSTOMER) {
        t->organization_id = j->c->organization_id;
        t->requester_id = j->c->user_id;
    }
    /* organization_id 0 is a request held for triage (mail from an unknown sender) */
    if ((rc = organization_terms(c, t, &k, j->fault, j->a)) < 0 ||
        (rc = check_requester(c, t, j->fault)) < 0 ||
        (rc = check_staff(c, t->assignee_id, j->fault)) < 0)
        return rc;
    new_ticket_row(t, j->now, j->a);
    ticket_clocks_compute(t, j->now, &clk);
    s = db_stmt(c, SQL_TICKET_INSERT);
    db_bind_id(s, 1, t->organization_id);
    db_bind_id(s, 2, t->requester_id);
    db_bind_id(s, 3, t->assignee_id);
    db_bind_id(s, 4, t->agreement_id);
    db_bind_text(s, 5, channel_name(t->channel));
    db_bind_text(s, 6, ticket_type_name(t->type));
    db_bind_text(s, 7, severity_name(t->severity));
    db_bind_text(s, 8, t->subject);
    db_bind_text(s, 9, t->body);
    db_bind_int(s, 10, t->received_at);
    db_bind_int(s, 11, t->billable);
    db_bind_int(s, 12, t->priority);
    db_bind_int(s, 13, j->now);
    db_bind_int(s, 14, j->now);
    db_bind_id(s, 15, clk.clock[CLOCK_RESPONSE].due_at);
    db_bind_id(s, 16, clk.clock[CLOCK_RESOLUTION].due_at);
    db_bind_id(s, 17, clk.sort_due_at);
    if ((rc = db_insert(s, &t->id)) < 0)
        return rc;
    if ((rc = log_status(c, t->id, t->received_at, TS_NEW, j->c->user_id)) < 0 ||
        (rc = store__notify(c, NOTICE_RECEIVED, t, NULL, j->now)) < 0)
        return rc;
    return audit_change(c, j->c, "create", "ticket", NULL, t);
}

int store_ticket_create(struct store *st, const struct caller *c, struct ticket *t, int64_t now,
                          struct store_fault *fault, struct arena *a)
{
    struct create_job j = {c, t, now, fault, a};
    return db_write_new_rows(st, write_ticket_create, &j); /* new rows only (db.h) */
}

int store__ticket_create_in(struct db_conn *conn, const struct caller *c, struct ticket *t,
                             int64_t now, struct store_fault *fault, struct arena *a)
{
    struct create_job j = {c, t, now, fault, a};
    return write_ticket_create(conn, &j);
}

/* ---- changing a request -------------------------------------------------------------- */

struct update_job {
    const struct caller *c;        /* who */
    int64_t id;                    /* which request */
    const struct ticket_patch *p;  /* the change (update) */
    const char *reason;            /* the escalation reason (escalate) */
    int64_t now;                   /* when */
    struct ticket *t;              /* out: the request after */
    struct store_fault *fault;     /* why it was refused */
    struct arena *a;               /* for the result */
};

static const char SQL_TICKET_SET[] =
    "UPDATE tickets SET status = ?2, severity = ?3, assignee_id = ?4, billable = ?5, "
    "handling_initiated_at = ?6, resolved_at = ?7, escalation_level = ?8, "
    "last_staff_reply_at = ?9, updated_at = ?10, root_cause = ?11, release_id = ?12 WHERE id = ?1";

/* Write the mutable fields of t (as changed in memory) and its status history. */
static int save_ticket(struct db_conn *c, const struct caller *who, const struct ticket *before,
                       struct ticket *t, int64_t now)
{
    struct db_stmt *s = db_stmt(c, SQL_TICKET_SET);
    int rc;

    db_bind_int(s, 1, t->id);
    db_bind_text(s, 2, ticket_status_name(t->status));
    db_bind_text(s, 3, severity_name(t->severity));
    db_bind_id(s, 4, t->assignee_id);
    db_bind_int(s, 5, t->billable);
    db_bind_id(s, 6, t->handling_initiated_at);
    db_bind_id(s, 7, t->resolved_at);
    db_bind_int(s, 8, t->escalation_level);
    db_bind_id(s, 9, t->last_staff_reply_at);
    db_bind_int(s, 10, now);
    db_bind_text(s, 11, t->root_cause && *t->root_cause ? t->root_cause : NULL);
    db_bind_id(s, 12, t->release_id);
    if ((rc = db_exec(s)) < 0)
        return rc;
    if (t->status != before->status && (rc = log_status(c, t->id, now, t->status, who->user_id)))
        return rc;
    return 0;
}

static int write_ticket_update(struct db_conn *c, void *arg)
{
    struct update_job *j = arg;
    const struct ticket_patch *p = j->p;
    struct ticket before, *t = j->t;
    int rc;

    if ((rc = ticket_read(c, j->c, j->id, t, j->a)) < 0)
        return rc;
    before = *t;
    if ((rc = ticket_status_change(t, j->c->role, p->has_status, p->status, j->now)) < 0) {
        if (before.status == TS_CLOSED)
            return store__fault(j->fault, rc, NULL, "request %" PRId64 " is closed", j->id);
        return store__fault(j->fault, rc, "status", "cannot move from %s to %s%s",
                            ticket_status_name(before.status), ticket_status_name(p->status),
                            rc == DESK_EDENIED ? " as a customer" : "");
    }
    if (p->has_assignee && (rc = check_staff(c, p->assignee_id, j->fault)) < 0)
        return rc;
    if (p->has_assignee)
        t->assignee_id = p->assignee_id;
    if (p->has_severity)
        t->severity = p->severity;
    if (p->has_billable)
        t->billable = p->billable;
    if (p->has_root_cause)
        t->root_cause = p->root_cause;
    if (p->has_release && p->release_id && (rc = check_release(c, p->release_id, j->fault)) < 0)
        return rc;
    if (p->has_release)
        t->release_id = p->release_id;
    if ((rc = save_ticket(c, j->c, &before, t, j->now)) < 0 ||
        (rc = recompute_one(c, t->id, j->now, t, j->a)) < 0)
        return rc;
    if (t->status != before.status && (rc = store__notify(c, NOTICE_STATUS, t, NULL, j->now)) < 0)
        return rc;
    return audit_change(c, j->c, "update", "ticket", &before, t);
}

int store_ticket_update(struct store *st, const struct caller *c, int64_t id,
                          const struct ticket_patch *p, int64_t now, struct ticket *t,
                          struct store_fault *fault, struct arena *a)
{
    struct update_job j = {c, id, p, NULL, now, t, fault, a};
    return db_write(st, write_ticket_update, &j);
}

int store__ticket_update_in(struct db_conn *c, const struct caller *who, int64_t id,
                            const struct ticket_patch *p, int64_t now, struct ticket *t,
                            struct store_fault *fault, struct arena *a)
{
    struct update_job j = {who, id, p, NULL, now, t, fault, a};
    return write_ticket_update(c, &j);
}

int store__ticket_read(struct db_conn *c, const struct caller *who, int64_t id, struct ticket *t,
                       struct arena *a)
{
    return ticket_read(c, who, id, t, a);
}

static const char SQL_MESSAGE_INSERT[] = "INSERT INTO messages (ticket_id, author_id, staff, "
                                         "internal, body, created_at) VALUES (?, ?, ?, ?, ?, ?) "
                                         "RETURNING id";

static int insert_message(struct db_conn *c, struct message *m)
{
    struct db_stmt *s = db_stmt(c, SQL_MESSAGE_INSERT);

    db_bind_int(s, 1, m->ticket_id);
    db_bind_id(s, 2, m->author_id);
    db_bind_int(s, 3, m->staff);
    db_bind_int(s, 4, m->internal);
    db_bind_text(s, 5, m->body);
    db_bind_int(s, 6, m->created_at);
    return db_insert(s, &m->id);
}

static int write_ticket_escalate(struct db_conn *c, void *arg)
{
    struct update_job *j = arg;
    struct ticket before, *t = j->t;
    struct message m = {0};
    int rc;

    if ((rc = ticket_read(c, j->c, j->id, t, j->a)) < 0)
        return rc;
    before = *t;
    if ((rc = ticket_escalate(t)) < 0)
        return store__fault(j->fault, rc, NULL, "request %" PRId64 " is %s already", j->id,
                            ticket_status_name(t->status));
    m = (struct message){0, t->id, j->c->user_id, "", j->c->role >= ROLE_AGENT, false,
                         arena_sprintf(j->a, "Escalated: %s", j->reason), j->now};
    if ((rc = insert_message(c, &m)) < 0 || (rc = save_ticket(c, j->c, &before, t, j->now)) < 0 ||
        (rc = store__notify(c, NOTICE_ESCALATION, t, &m, j->now)) < 0)
        return rc;
    return audit_change(c, j->c, "escalate", "ticket", &before, t);
}

int store_ticket_escalate(struct store *st, const struct caller *c, int64_t id,
                            const char *reason, int64_t now, struct ticket *t,
                            struct store_fault *fault, struct arena *a)
{
    struct update_job j = {c, id, NULL, reason, now, t, fault, a};
    return db_write(st, write_ticket_escalate, &j);
}

/* ---- triage: a request from an unknown sender moved to its organisation ------------ */

struct triage_job {
    const struct caller *c;        /* the agent */
    int64_t id, organization_id;   /* which request, to which organisation */
    const char *contact_name;      /* add the sender as a contact by this name; NULL: not */
    int64_t now;                   /* when */
    struct ticket *t;              /* out: the request after */
    struct store_fault *fault;     /* why it was refused */
    struct arena *a;               /* for the result */
};

static const char SQL_TICKET_TRIAGE[] =
    "UPDATE tickets SET organization_id = ?2, agreement_id = ?3, priority = ?4, billable = ?5, "
    "requester_id = coalesce(?6, requester_id), updated_at = ?7 WHERE id = ?1";
static const char SQL_USER_BY_ADDRESS[] = "SELECT id FROM users WHERE email = ?1";

/* The sender of t as a contact of its new organisation: the user it is, or a new one. */
static int triage_contact(struct db_conn *c, const struct triage_job *j, const struct ticket *t,
                          int64_t *requester)
{
    struct db_stmt *s = db_stmt(c, SQL_USER_BY_ADDRESS);
    struct user u = {0};
    enum role role;
    int64_t org;
    int rc;

    if (!t->sender_address || !*t->sender_address)
        return store__fault(j->fault, DESK_EINVAL, "add_contact",
                            "request %" PRId64 " came from no mail sender", t->id);
    db_bind_text(s, 1, t->sender_address);
    rc = db_step(s);
    *requester = rc == DB_ROW ? db_col_int(s, 0) : 0;
    if ((rc = db_done(s, rc == DB_ROW || rc == DB_DONE ? 0 : db_err(rc))) < 0)
        return rc;
    if (*requester) {
        if (user_role_org(c, *requester, &role, &org) < 0 || role != ROLE_CUSTOMER ||
            org != j->organization_id)
            return store__fault(j->fault, DESK_ECONFLICT, "add_contact",
                                "%s is a user already, not a contact of organization %" PRId64,
                                t->sender_address, j->organization_id);
        return 0;
    }
    u = (struct user){.email = t->sender_address,
                      .name = *j->contact_name ? j->contact_name
                                               : arena_strndup(j->a, t->sender_address,
                                                               strcspn(t->sender_address, "@")),
                      .role = ROLE_CUSTOMER,
                      .organization_id = j->organization_id};
    if ((rc = store__user_create_in(c, j->c, &u, NULL)) < 0)
        return rc;
    *requester = u.id;
    return 0;
}

static int write_ticket_triage(struct db_conn *c, void *arg)
{
    struct triage_job *j = arg;
    struct ticket *t = j->t;
    struct cal_key k;
    struct db_stmt *s;
    int64_t requester = 0;
    int rc;

    if ((rc = ticket_read(c, j->c, j->id, t, j->a)) < 0)
        return rc;
    if (t->organization_id)
        return store__fault(j->fault, DESK_ECONFLICT, "organization_id",
                            "request %" PRId64 " belongs to an organization already", j->id);
    t->organization_id = j->organization_id;
    if ((rc = organization_terms(c, t, &k, j->fault, j->a)) < 0 ||
        (j->contact_name && (rc = triage_contact(c, j, t, &requester)) < 0))
        return rc;
    s = db_stmt(c, SQL_TICKET_TRIAGE);
    db_bind_int(s, 1, t->id);
    db_bind_int(s, 2, t->organization_id);
    db_bind_id(s, 3, t->agreement_id);
    db_bind_int(s, 4, t->priority);
    db_bind_int(s, 5, !t->agreement_id); /* not entitled: billable, as a new request */
    db_bind_id(s, 6, requester);
    db_bind_int(s, 7, j->now);
    if ((rc = db_exec(s)) < 0 || (rc = recompute_one(c, t->id, j->now, t, j->a)) < 0)
        return rc;
    return store__audit_json(c, j->c->user_id, "triage", "ticket", t->id,
                             json_pack("{s:n}", "organization_id"),
                             json_pack("{s:I, s:o}", "organization_id",
                                       (json_int_t)t->organization_id, "requester_id",
                                       t->requester_id ? json_integer(t->requester_id)
                                                       : json_null()));
}

int store_ticket_triage(struct store *st, const struct caller *c, int64_t id,
                        int64_t organization_id, const char *contact_name, int64_t now,
                        struct ticket *t, struct store_fault *fault, struct arena *a)
{
    struct triage_job j = {c, id, organization_id, contact_name, now, t, fault, a};
    return db_write(st, write_ticket_triage, &j);
}

/* ---- messages ---------------------------------------------------------------------- */

struct message_job {
    const struct caller *c;    /* the author */
    struct message *m;         /* in: ticket_id, body, internal; out: id, created_at */
    int64_t now;               /* when */
    struct store_fault *fault; /* why it was refused */
};

static int write_message_add(struct db_conn *c, void *arg)
{
    struct message_job *j = arg;
    struct arena a = ARENA_INIT;
    struct ticket t, before;
    int rc;

    if ((rc = ticket_read(c, j->c, j->m->ticket_id, &t, &a)) < 0)
        goto out;
    before = t;
    if ((rc = ticket_reply(&t, j->c->role, j->m->internal, j->now)) < 0) {
        rc = store__fault(j->fault, rc, NULL, "request %" PRId64 " is %s", t.id,
                       ticket_status_name(t.status));
        goto out;
    }
    j->m->author_id = j->c->user_id;
    j->m->staff = j->c->role >= ROLE_AGENT;
    j->m->created_at = j->now;
    if ((rc = insert_message(c, j->m)) < 0)
        goto out;
    if ((rc = save_ticket(c, j->c, &before, &t, j->now)) < 0 ||
        (rc = recompute_one(c, t.id, j->now, &t, &a)) < 0 ||
        (rc = store__notify(c, NOTICE_REPLY, &t, j->m, j->now)) < 0)
        goto out;
    rc = store__audit(c, j->c->user_id, "create", "message", j->m->id, NULL, NULL);
out:
    arena_release(&a);
    return rc;
}

int store_message_add(struct store *st, const struct caller *c, struct message *m, int64_t now,
                        struct store_fault *fault)
{
    struct message_job j = {c, m, now, fault};
    return db_write(st, write_message_add, &j);
}

int store__message_add_in(struct db_conn *conn, const struct caller *c, struct message *m,
                           int64_t now, struct store_fault *fault)
{
    struct message_job j = {c, m, now, fault};
    return write_message_add(conn, &j);
}

static const char SQL_TICKET_VISIBLE[] =
    "SELECT 1 FROM tickets WHERE id = ?1 AND (CAST(?2 AS BIGINT) = 0 OR organization_id = ?2)";

int store__ticket_visible(struct db_conn *c, const struct caller *who, int64_t id)
{
    struct db_stmt *s = db_stmt(c, SQL_TICKET_VISIBLE);
    int rc;

    db_bind_int(s, 1, id);
    db_bind_int(s, 2, STORE_ORG_FILTER(who));
    rc = db_step(s);
    return db_done(s, rc == DB_ROW    ? 0
                          : rc == DB_DONE ? DESK_ENOTFOUND
                                              : db_err(rc));
}

static const char SQL_MESSAGES[] =
    "SELECT m.id, m.ticket_id, coalesce(m.author_id, 0), coalesce(u.name, ''), m.staff, "
    "m.internal, m.body, m.created_at FROM messages m LEFT JOIN users u ON u.id = m.author_id "
    "WHERE m.ticket_id = ?1 AND (?2 OR m.internal = 0) ORDER BY m.id";

int store_message_list(struct store *st, const struct caller *c, int64_t ticket_id,
                         struct message **items, size_t *n, struct arena *a)
{
    struct db_conn *conn = db_get(st);
    struct message *out = NULL;
    size_t alloc = 0;
    struct db_stmt *s;
    int rc;

    *n = 0;
    if ((rc = store__ticket_visible(conn, c, ticket_id)) < 0)
        goto out;
    s = db_stmt(conn, SQL_MESSAGES);
    db_bind_int(s, 1, ticket_id);
    db_bind_int(s, 2, c->role >= ROLE_AGENT);
    while ((rc = db_step(s)) == DB_ROW) {
        ARENA_GROW(a, out, *n, alloc);
        out[*n] = (struct message){db_col_int(s, 0),
                                   db_col_int(s, 1),
                                   db_col_int(s, 2),
                                   db_col_text(s, 3, a),
                                   (int)db_col_int(s, 4),
                                   (int)db_col_int(s, 5),
                                   db_col_text(s, 6, a),
                                   db_col_int(s, 7)};
        (*n)++;
    }
    rc = db_done(s, rc == DB_DONE ? 0 : db_err(rc));
out:
    *items = out;
    db_put(st, conn);
    return rc;
}

/* ---- attachments ------------------------------------------------------------------ */

struct attachment_job {
    const struct caller *c;    /* the uploader */
    struct attachment *at;     /* in: fields and bytes; out: id */
    int64_t now;               /* when */
    struct store_fault *fault; /* why it was refused */
};

static const char SQL_TICKET_STATUS[] =
    "SELECT status FROM tickets WHERE id = ?1 AND (CAST(?2 AS BIGINT) = 0 OR organization_id = ?2)";
static const char SQL_ATTACHMENT_INSERT[] =
    "INSERT INTO attachments (ticket_id, filename, content_type, size, data, uploaded_by, "
    "created_at, message_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id";
/* The message a file comes with is of its request and the uploader may see it (a customer:
   not an internal note). */
static const char SQL_ATTACHMENT_MESSAGE[] =
    "SELECT 1 FROM messages WHERE id = ?1 AND ticket_id = ?2 AND (?3 = 0 OR internal = 0)";

static int write_attachment_add(struct db_conn *c, void *arg)
{
    struct attachment_job *j = arg;
    struct attachment *at = j->at;
    struct db_stmt *s = db_stmt(c, SQL_TICKET_STATUS);
    int rc;
    bool closed;

    db_bind_int(s, 1, at->ticket_id);
    db_bind_int(s, 2, STORE_ORG_FILTER(j->c));
    if ((rc = db_step(s)) != DB_ROW)
        return db_done(s, rc == DB_DONE ? DESK_ENOTFOUND : db_err(rc));
    closed = !strcmp(db_col_raw(s, 0), "closed");
    db_done(s, 0);
    if (closed)
        return store__fault(j->fault, DESK_ECONFLICT, NULL, "request %" PRId64 " is closed",
                         at->ticket_id);
    if (at->message_id) {
        s = db_stmt(c, SQL_ATTACHMENT_MESSAGE);
        db_bind_int(s, 1, at->message_id);
        db_bind_int(s, 2, at->ticket_id);
        db_bind_int(s, 3, j->c->role < ROLE_AGENT);
        rc = db_step(s);
        db_done(s, 0);
        if (rc != DB_ROW)
            return rc == DB_DONE ? store__fault(j->fault, DESK_EINVAL, "message_id",
                                                "request %" PRId64 " has no message %" PRId64,
                                                at->ticket_id, at->message_id)
                                 : db_err(rc);
    }
    s = db_stmt(c, SQL_ATTACHMENT_INSERT);
    db_bind_int(s, 1, at->ticket_id);
    db_bind_text(s, 2, at->filename);
    db_bind_text(s, 3, at->content_type);
    db_bind_int(s, 4, at->size);
    db_bind_blob(s, 5, at->data ? at->data : "", at->size);
    db_bind_id(s, 6, j->c->user_id); /* 0: the system or a mail sender without account */
    db_bind_int(s, 7, j->now);
    db_bind_id(s, 8, at->message_id);
    if ((rc = db_insert(s, &at->id)) < 0)
        return rc;
    at->uploaded_by = j->c->user_id;
    at->created_at = j->now;
    return store__audit(c, j->c->user_id, "create", "attachment", at->id, NULL, NULL);
}

int store_attachment_add(struct store *st, const struct caller *c, struct attachment *at,
                           int64_t now, struct store_fault *fault)
{
    struct attachment_job j = {c, at, now, fault};
    return db_write(st, write_attachment_add, &j);
}

int store__attachment_add_in(struct db_conn *conn, const struct caller *c,
                              struct attachment *at, int64_t now, struct store_fault *fault)
{
    struct attachment_job j = {c, at, now, fault};
    return write_attachment_add(conn, &j);
}

#define ATTACHMENT_COLS                                                                            \
    "x.id, x.ticket_id, x.filename, x.content_type, x.size, coalesce(x.uploaded_by, 0), "         \
    "x.created_at, coalesce(x.message_id, 0) "
/* ?9: a customer's query: the files of internal notes are not there (404 as missing) */
#define ATTACHMENT_PUBLIC(P)                                                                       \
    "(CAST(" P " AS BIGINT) = 0 OR x.message_id IS NULL OR NOT EXISTS (SELECT 1 FROM messages "   \
    "n WHERE n.id = x.message_id AND n.internal = 1))"

static void read_attachment(struct db_stmt *s, struct attachment *at, struct arena *a)
{
    *at = (struct attachment){.id = db_col_int(s, 0),
                              .ticket_id = db_col_int(s, 1),
                              .filename = db_col_text(s, 2, a),
                              .content_type = db_col_text(s, 3, a),
                              .size = db_col_int(s, 4),
                              .uploaded_by = db_col_int(s, 5),
                              .created_at = db_col_int(s, 6),
                              .message_id = db_col_int(s, 7)};
}

/* The list: with the first bytes (ATTACHMENT_PREVIEW_BYTES) of text files (text/..., JSON,
   XML) for the page to show. */
static const char SQL_ATTACHMENTS[] =
    "SELECT " ATTACHMENT_COLS ", CASE WHEN x.content_type LIKE 'text/%' OR x.content_type "
    "LIKE 'application/json%' OR x.content_type LIKE 'application/xml%' THEN substr(x.data, 1, "
    "2048) END FROM attachments x WHERE x.ticket_id = ?1 AND " ATTACHMENT_PUBLIC("?2")
    " ORDER BY x.id";

int store_attachment_list(struct store *st, const struct caller *c, int64_t ticket_id,
                            struct attachment **items, size_t *n, struct arena *a)
{
    struct db_conn *conn = db_get(st);
    struct attachment *out = NULL;
    size_t alloc = 0;
    struct db_stmt *s;
    int rc;

    *n = 0;
    if ((rc = store__ticket_visible(conn, c, ticket_id)) < 0)
        goto out;
    s = db_stmt(conn, SQL_ATTACHMENTS);
    db_bind_int(s, 1, ticket_id);
    db_bind_int(s, 2, c->role < ROLE_AGENT);
    while ((rc = db_step(s)) == DB_ROW) {
        struct attachment *at;
        const void *p;
        ARENA_GROW(a, out, *n, alloc);
        at = &out[(*n)++];
        read_attachment(s, at, a);
        if (!db_col_null(s, 8) && (p = db_col_blob(s, 8, &at->preview_len)))
            at->preview = arena_memdup(a, p, at->preview_len);
    }
    rc = db_done(s, rc == DB_DONE ? 0 : db_err(rc));
out:
    *items = out;
    db_put(st, conn);
    return rc;
}

static const char SQL_ATTACHMENT_GET[] =
    "SELECT " ATTACHMENT_COLS ", x.data FROM attachments x JOIN tickets t ON t.id = x.ticket_id "
    "WHERE x.id = ?1 AND (CAST(?2 AS BIGINT) = 0 OR t.organization_id = ?2) AND "
    ATTACHMENT_PUBLIC("?3");

int store_attachment_get(struct store *st, const struct caller *c, int64_t id,
                           struct attachment *at, struct arena *a)
{
    struct db_conn *conn = db_get(st);
    struct db_stmt *s = db_stmt(conn, SQL_ATTACHMENT_GET);
    int rc;

    db_bind_int(s, 1, id);
    db_bind_int(s, 2, STORE_ORG_FILTER(c));
    db_bind_int(s, 3, c->role < ROLE_AGENT);
    rc = db_step(s);
    if (rc == DB_ROW) {
        read_attachment(s, at, a);
        size_t len;
        const void *p = db_col_blob(s, 8, &len);
        at->data = arena_memdup(a, p, len);
        rc = 0;
    } else {
        rc = rc == DB_DONE ? DESK_ENOTFOUND : db_err(rc);
    }
    db_done(s, rc);
    db_put(st, conn);
    return rc;
}

/* ---- the list and the queue -------------------------------------------------------- */

/* The requests that hold every word of the full-text query ?6 (store__fts_match): FTS5 on
   ticket_search (schema 0007: stemmed tokens of the subject, body and messages of each
   request; internal notes in a column customers' queries do not name). */
#define TICKET_WORDS_SQLITE "t.id IN (SELECT rowid FROM ticket_search WHERE ticket_search MATCH ?6)"
/* The same on PostgreSQL: tsvector columns everything (public messages and internal notes:
   staff) and public (customers) of ticket_search, each with a GIN index, the documents
   holding the pairs of adjacent words that svcdesk_ticket_tsquery asks for besides each
   term's phrase, so that a phrase of common words is as rare as it is (schema 0012). A
   correlated EXISTS, which PostgreSQL plans as a join: it walks the requests newest first
   and probes each when the words are common, and reads the GIN index first when they are
   rare (an IN (...) list made it read every match: 190 ms for a word in every message). */
#define TICKET_WORDS_PG(COLUMN)                                                                    \
    "EXISTS (SELECT 1 FROM ticket_search s WHERE s.id = t.id AND "                                 \
    "s." COLUMN " @@ svcdesk_ticket_tsquery(CAST(?6 AS TEXT)))"

/* Without words: ?6 is NULL (no full-text condition). */
#define TICKET_NO_WORDS "CAST(?6 AS TEXT) IS NULL"

/* Filters shared by every order: ?1 caller's organisation, ?2 organization_id, ?3 statuses,
   ?4 severities, ?5 assignee, ?11 types, ?12 channels (bits in the order of ticket_type_names
   and channel_names), then WORDS: TICKET_NO_WORDS, or ?6 the words as a full-text
   query (store__fts_match) matched by TICKET_WORDS_SQLITE or _PG. Each has its own query
   (not "?6 IS NULL OR ..."), so that PostgreSQL can plan the words as a join. */
#define LIST_WHERE(WORDS)                                                                          \
    "WHERE (CAST(?1 AS BIGINT) = 0 OR t.organization_id = ?1) "                                    \
    "AND (CAST(?2 AS BIGINT) = 0 OR t.organization_id = ?2) "                                      \
    "AND (CAST(?3 AS BIGINT) = 0 OR (CASE t.status WHEN 'new' THEN 1 WHEN 'in_progress' THEN 2 "   \
    "WHEN 'waiting_customer' THEN 4 WHEN 'resolved' THEN 8 ELSE 16 END) & ?3 <> 0)"                    \
    "AND (CAST(?4 AS BIGINT) = 0 OR (CASE t.severity WHEN 'A' THEN 1 WHEN 'B' THEN 2 "             \
    "WHEN 'C' THEN 4 ELSE 8 END) & ?4 <> 0) "                                                      \
    "AND (CAST(?5 AS BIGINT) = 0 OR t.assignee_id = ?5) "                                          \
    "AND (CAST(?11 AS BIGINT) = 0 OR (CASE t.type WHEN 'error' THEN 1 WHEN 'assistance' THEN 2 "   \
    "WHEN 'enhancement' THEN 4 ELSE 8 END) & ?11 <> 0) "                                            \
    "AND (CAST(?12 AS BIGINT) = 0 OR (CASE t.channel WHEN 'portal' THEN 1 WHEN 'email' THEN 2 "    \
    "WHEN 'phone' THEN 4 WHEN 'chat' THEN 8 WHEN 'api' THEN 16 ELSE 32 END) & ?12 <> 0) "          \
    "AND (CAST(?13 AS BIGINT) = 0 OR t.assignee_id IS NULL) "                                      \
    "AND (CAST(?14 AS BIGINT) = 0 OR t.escalation_level > 0) "                                     \
    "AND (CAST(?15 AS BIGINT) = 0 OR t.sort_due_at <= ?15) "                                       \
    "AND " WORDS " "

/* Keyset parameters: ?7 due, ?8 id, ?9 priority, ?10 limit. */
#define SQL_LIST_NEWEST(WORDS)                                                                     \
    TICKET_SELECT LIST_WHERE(WORDS) "AND (CAST(?8 AS BIGINT) = 0 OR t.id < ?8) "                   \
                                    "ORDER BY t.id DESC LIMIT ?10"
#define SQL_LIST_DUE(WORDS)                                                                        \
    TICKET_SELECT LIST_WHERE(WORDS) "AND t.sort_due_at IS NOT NULL AND "                           \
                                    "(t.sort_due_at, t.id) > (?7, ?8) "                            \
                                    "ORDER BY t.sort_due_at, t.id LIMIT ?10"
#define SQL_LIST_DUE_NONE(WORDS)                                                                   \
    TICKET_SELECT LIST_WHERE(WORDS) "AND t.sort_due_at IS NULL AND t.id > ?8 ORDER BY t.id "       \
                                    "LIMIT ?10"
#define SQL_LIST_PRIORITY(WORDS)                                                                   \
    TICKET_SELECT LIST_WHERE(WORDS) "AND t.sort_due_at IS NOT NULL AND (t.priority < ?9 OR "       \
                                    "(t.priority = ?9 AND (t.sort_due_at > ?7 OR "                 \
                                    "(t.sort_due_at = ?7 AND t.id > ?8)))) "                       \
                                    "ORDER BY t.priority DESC, t.sort_due_at, t.id LIMIT ?10"
#define SQL_LIST_PRIORITY_NONE(WORDS)                                                              \
    TICKET_SELECT LIST_WHERE(WORDS) "AND t.sort_due_at IS NULL AND (t.priority < ?9 OR "           \
                                    "(t.priority = ?9 AND t.id > ?8)) "                            \
                                    "ORDER BY t.priority DESC, t.id LIMIT ?10"

/* The first query of each order (enum ticket_sort) and the one after it, per dialect,
   without words [0], with words searched by staff [1] and by customers [2]. */
#define LIST_FIRST(WORDS) {SQL_LIST_NEWEST(WORDS), SQL_LIST_DUE(WORDS), SQL_LIST_PRIORITY(WORDS)}
#define LIST_REST(WORDS) {NULL, SQL_LIST_DUE_NONE(WORDS), SQL_LIST_PRIORITY_NONE(WORDS)}
static const char *const list_first[][3][3] = {
    [DB_SQLITE] = {LIST_FIRST(TICKET_NO_WORDS), LIST_FIRST(TICKET_WORDS_SQLITE),
                   LIST_FIRST(TICKET_WORDS_SQLITE)},
    [DB_POSTGRES] = {LIST_FIRST(TICKET_NO_WORDS), LIST_FIRST(TICKET_WORDS_PG("everything")),
                     LIST_FIRST(TICKET_WORDS_PG("public"))},
};
static const char *const list_rest[][3][3] = {
    [DB_SQLITE] = {LIST_REST(TICKET_NO_WORDS), LIST_REST(TICKET_WORDS_SQLITE),
                   LIST_REST(TICKET_WORDS_SQLITE)},
    [DB_POSTGRES] = {LIST_REST(TICKET_NO_WORDS), LIST_REST(TICKET_WORDS_PG("everything")),
                     LIST_REST(TICKET_WORDS_PG("public"))},
};

/* Where a page starts: which query (phase) and the keys of the last row seen. */
struct keyset {
    int phase;        /* 1: requests with a due time, 2: the rest (newest: only 1) */
    int64_t due, id;  /* keys of the last row */
    int64_t priority; /* of the last row (priority order) */
};

static int parse_cursor(const char *cur, enum ticket_sort sort, struct keyset *k)
{
    char tag, tail;
    long long a = 0, b = 0, c = 0;
    int n;

    *k = (struct keyset){1, INT64_MIN, 0, 2};
    if (!cur)
        return 0;
    if (strlen(cur) > 80 || sscanf(cur, "%c.%lld.%lld.%lld%c", &tag, &a, &b, &c, &tail) < 2)
        return DESK_EBADREQ;
    n = sscanf(cur, "%c.%lld.%lld.%lld%c", &tag, &a, &b, &c, &tail);
    if (sort == SORT_NEWEST && tag == 'n' && n == 2 && a > 0)
        *k = (struct keyset){1, 0, a, 0};
    else if (sort == SORT_DUE && tag == 'd' && n == 3 && b > 0)
        *k = (struct keyset){1, a, b, 0};
    else if (sort == SORT_DUE && tag == 'z' && n == 2 && a >= 0)
        *k = (struct keyset){2, 0, a, 0};
    else if (sort == SORT_PRIORITY && tag == 'p' && n == 4 && (a == 0 || a == 1) && c > 0)
        *k = (struct keyset){1, b, c, a};
    else if (sort == SORT_PRIORITY && tag == 'q' && n == 3 && (a == 0 || a == 1) && b >= 0)
        *k = (struct keyset){2, 0, b, a};
    else
        return DESK_EBADREQ;
    return 0;
}

static const char *make_cursor(enum ticket_sort sort, const struct ticket *t, int64_t due,
                               struct arena *a)
{
    if (sort == SORT_NEWEST)
        return arena_sprintf(a, "n.%" PRId64, t->id);
    if (sort == SORT_DUE)
        return due ? arena_sprintf(a, "d.%" PRId64 ".%" PRId64, due, t->id)
                   : arena_sprintf(a, "z.%" PRId64, t->id);
    return due ? arena_sprintf(a, "p.%d.%" PRId64 ".%" PRId64, t->priority, due, t->id)
               : arena_sprintf(a, "q.%d.%" PRId64, t->priority, t->id);
}

struct page {
    struct ticket *items; /* rows so far */
    struct cal_key *keys; /* their calendars, loaded once the page is complete */
    int64_t *dues;        /* their sort_due_at (0: none) */
    size_t n, want;       /* rows read, rows wanted (limit + 1) */
};

static int run_page_query(struct db_conn *c, const char *sql, const struct caller *who,
                          const struct ticket_filter *f, const char *words,
                          const struct keyset *k, struct page *pg, struct arena *a)
{
    struct db_stmt *s = db_stmt(c, sql);
    int rc;

    db_bind_int(s, 1, STORE_ORG_FILTER(who));
    db_bind_int(s, 2, f->organization_id);
    db_bind_int(s, 3, f->statuses);
    db_bind_int(s, 4, f->severities);
    db_bind_int(s, 5, f->assignee_id);
    db_bind_text(s, 6, words);
    db_bind_int(s, 7, k->due);
    db_bind_int(s, 8, k->id);
    db_bind_int(s, 9, k->priority);
    db_bind_int(s, 10, (int64_t)(pg->want - pg->n));
    db_bind_int(s, 11, f->types);
    db_bind_int(s, 12, f->channels);
    db_bind_int(s, 13, f->unassigned);
    db_bind_int(s, 14, f->escalated);
    db_bind_int(s, 15, f->due_before);
    while ((rc = db_step(s)) == DB_ROW) {
        read_ticket(s, &pg->items[pg->n], &pg->keys[pg->n], &pg->dues[pg->n], a);
        pg->n++;
    }
    return db_done(s, rc == DB_DONE ? 0 : db_err(rc));
}

static const char SQL_STATUS_LOGS[] =
    "SELECT ticket_id, at, status FROM ticket_status_log WHERE ticket_id IN "
    "(SELECT CAST(value AS BIGINT) FROM json_each(?1)) ORDER BY ticket_id, id";

/* The request of pg with id, or NULL. */
static struct ticket *page_find(struct page *pg, int64_t id)
{
    for (size_t i = 0; i < pg->n; i++)
        if (pg->items[i].id == id)
            return &pg->items[i];
    return NULL;
}

/*
 * The SLA inputs of a page of requests: their calendars (cached), and their histories in one
 * query, not one a request (on PostgreSQL each is a round trip: 50 of them made the queue
 * of docs/benchmarks.md four times slower).
 */
static int finish_page(struct db_conn *c, struct page *pg, struct arena *a)
{
    struct strbuf ids = STRBUF_INIT;
    struct ticket *t = NULL;
    struct status_change *log = NULL;
    size_t alloc = 0;
    struct db_stmt *s;
    int rc;

    if (!pg->n)
        return 0;
    for (size_t i = 0; i < pg->n; i++) {
        struct ticket *it = &pg->items[i];
        it->cal = it->agreement_id ? load_calendar(c, &pg->keys[i], a) : NULL;
        it->log = NULL;
        it->nlog = 0;
        strbuf_addf(&ids, "%c%" PRId64, i ? ',' : '[', it->id);
    }
    strbuf_addch(&ids, ']');
    s = db_stmt(c, SQL_STATUS_LOGS);
    db_bind_text(s, 1, ids.buf);
    while ((rc = db_step(s)) == DB_ROW) {
        int64_t id = db_col_int(s, 0);
        if (!t || t->id != id) { /* rows come a request at a time */
            t = page_find(pg, id);
            log = NULL;
            alloc = 0;
        }
        if (!t || t->nlog >= MAX_LOG)
            continue;
        ARENA_GROW(a, log, t->nlog, alloc);
        log[t->nlog].at = db_col_int(s, 1);
        ticket_status_parse(db_col_raw(s, 2), &log[t->nlog].status);
        t->log = log;
        t->nlog++;
    }
    rc = db_done(s, rc == DB_DONE ? 0 : db_err(rc));
    strbuf_release(&ids);
    return rc;
}

int store_ticket_list(struct store *st, const struct caller *c, const struct ticket_filter *f,
                        struct ticket **items, size_t *n, const char **next, struct arena *a)
{
    struct page pg = {NULL, NULL, NULL, 0, (size_t)f->limit + 1};
    const char *const *first, *const *rest, *words;
    int which;
    struct db_conn *conn;
    struct keyset k;
    int rc;

    *items = NULL;
    *n = 0;
    *next = NULL;
    if (f->limit < 1 || f->limit > STORE_PAGE_MAX || parse_cursor(f->cursor, f->sort, &k) < 0)
        return DESK_EBADREQ;
    pg.items = ARENA_NEWN(a, struct ticket, pg.want);
    pg.keys = ARENA_NEWN(a, struct cal_key, pg.want);
    pg.dues = ARENA_NEWN(a, int64_t, pg.want);
    conn = db_get(st);
    /* staff search internal notes too; customers the public column only */
    words = store__fts_match(conn, f->words, f->nwords, c->role >= ROLE_AGENT ? NULL : "public",
                             a);
    which = !words ? 0 : c->role >= ROLE_AGENT ? 1 : 2;
    first = list_first[db_dialect(conn)][which];
    rest = list_rest[db_dialect(conn)][which];
    rc = k.phase == 1 ? run_page_query(conn, first[f->sort], c, f, words, &k, &pg, a) : 0;
    if (rc == 0 && rest[f->sort] && pg.n < pg.want) {
        if (k.phase == 1)
            k = (struct keyset){2, 0, 0, 2};
        rc = run_page_query(conn, rest[f->sort], c, f, words, &k, &pg, a);
    }
    if (pg.n == pg.want) {
        pg.n--;
        *next = make_cursor(f->sort, &pg.items[pg.n - 1], pg.dues[pg.n - 1], a);
    }
    if (rc == 0)
        rc = finish_page(conn, &pg, a);
    db_put(st, conn);
    *items = pg.items;
    *n = rc == 0 ? pg.n : 0;
    return rc;
}

/* ---- the escalation sweep ------------------------------------------------------------ */

static const char SQL_SWEEP_EXPIRED[] =
    "SELECT id FROM tickets WHERE status = 'resolved' AND resolved_at <= ?";
static const char SQL_SWEEP_OPEN[] =
    "SELECT id FROM tickets WHERE status IN ('new', 'in_progress', 'waiting_customer') "
    "AND agreement_id IS NOT NULL AND id > ? ORDER BY id LIMIT 500";
static const char SQL_NOTICE_SEEN[] =
    "SELECT 1 FROM sla_notices WHERE ticket_id = ? AND notice = ?";
static const char SQL_NOTICE_INSERT[] =
    "INSERT INTO sla_notices (ticket_id, notice, created_at) VALUES (?, ?, ?) ON CONFLICT DO "
    "NOTHING";
static const char SQL_RECIPIENTS[] =
    "SELECT coalesce(u.email, ''), coalesce(p.escalation_emails, '[]') FROM tickets t "
    "LEFT JOIN users u ON u.id = t.assignee_id LEFT JOIN agreements a ON a.id = t.agreement_id "
    "LEFT JOIN sla_policies p ON p.id = a.sla_policy_id WHERE t.id = ?";
static const char SQL_RAISE_ESCALATION[] =
    "UPDATE tickets SET escalation_level = escalation_level + 1 WHERE id = ?";

/* One notice the sweep found due: what, for which request, when it may go out. */
struct notice_job {
    int64_t ticket_id;       /* the request */
    enum clock_kind clock;   /* which clock */
    bool breach;             /* breach (else warning) */
    const char *notice;      /* unique name per ticket, e.g. "update_warning@1795000000" */
    int64_t due_at;          /* the clock's due time */
    enum severity severity;  /* of the request */
    int64_t not_before;      /* A: now; else the next opening */
    int64_t now;             /* when found */
    bool queued;             /* out: a new notice was recorded */
};

/* The addresses a notice goes to, as a JSON list (arena); "[]" when there are none. */
static const char *sla_notice_recipients(struct db_conn *c, const struct notice_job *j,
                                     struct arena *a)
{
    struct db_stmt *s = db_stmt(c, SQL_RECIPIENTS);
    json_t *list = NULL, *out = json_array();
    const char *assignee = "", *text;
    char *dump;

    db_bind_int(s, 1, j->ticket_id);
    if (db_step(s) == DB_ROW) {
        assignee = db_col_text(s, 0, a);
        list = json_loads(db_col_raw(s, 1), 0, NULL);
    }
    db_done(s, 0);
    /* a warning goes to the assignee, or with none to the escalation contacts */
    if (!j->breach && *assignee)
        json_array_append_new(out, json_string(assignee));
    else if (json_is_array(list))
        json_array_extend(out, list);
    dump = json_dumps(out, JSON_COMPACT);
    text = arena_strdup(a, dump);
    free(dump);
    json_decref(out);
    json_decref(list);
    return text;
}

static int queue_notice(struct db_conn *c, const struct notice_job *j, struct arena *a)
{
    const char *to = sla_notice_recipients(c, j, a);

    if (!strcmp(to, "[]"))
        return 0; /* nobody to tell: the notice is still recorded once */
    return store__notify_sla(c, j->ticket_id, j->breach, clock_kind_name(j->clock), j->severity,
                             j->due_at, j->not_before, j->now, to);
}

static int write_notice(struct db_conn *c, void *arg)
{
    struct notice_job *j = arg;
    struct db_stmt *s = db_stmt(c, SQL_NOTICE_INSERT);
    struct arena a = ARENA_INIT;
    int rc;

    j->queued = false; /* re-runnable: set again only when this run queues it */
    db_bind_int(s, 1, j->ticket_id);
    db_bind_text(s, 2, j->notice);
    db_bind_int(s, 3, j->now);
    if ((rc = db_exec(s)) < 0 || db_changes(c) == 0)
        return rc; /* recorded before (by this server or another) */
    j->queued = true;
    rc = queue_notice(c, j, &a);
    if (rc == 0 && j->breach) {
        s = db_stmt(c, SQL_RAISE_ESCALATION);
        db_bind_int(s, 1, j->ticket_id);
        rc = db_exec(s);
    }
    if (rc == 0)
        rc = store__audit(c, 0, j->breach ? "sla_breach" : "sla_warning", "ticket",
                          j->ticket_id, NULL, j->notice);
    arena_release(&a);
    return rc;
}

static bool notice_seen(struct db_conn *c, int64_t ticket, const char *notice)
{
    struct db_stmt *s = db_stmt(c, SQL_NOTICE_SEEN);
    bool seen;

    db_bind_int(s, 1, ticket);
    db_bind_text(s, 2, notice);
    seen = db_step(s) == DB_ROW;
    db_done(s, 0);
    return seen;
}

/* The next instant the calendar is open at or after now (now when it is open). */
static int64_t next_opening(const struct calendar *cal, int64_t now)
{
    struct sla_span span;
    size_t n = 0;

    if (sla_spans(cal, now, 1, &span, &n) < 0 || n == 0)
        return now;
    return span.start > now ? span.start : now;
}

/* Queue the notices request t owes at now; counts them in *queued. */
static int sweep_ticket(struct store *st, const struct ticket *t, int64_t now, int *queued,
                        struct arena *a)
{
    struct db_conn *conn;
    struct ticket_clocks k;
    int rc = 0;

    if (ticket_clocks_compute(t, now, &k) < 0)
        return 0;
    for (int ck = 0; ck < CLOCK_COUNT && rc == 0; ck++) {
        const struct clock_result *r = &k.clock[ck];
        struct notice_job j;
        bool breach = r->state == SLA_BREACHED, seen;
        if (r->state != SLA_WARNING && !breach)
            continue;
        j = (struct notice_job){t->id, (enum clock_kind)ck, breach, NULL, r->due_at, t->severity,
                                t->severity == SEV_A ? now : next_opening(t->cal, now), now,
                                false};
        /* the update clock restarts at each staff reply: each cycle has its own notices */
        j.notice = ck == CLOCK_UPDATE
                       ? arena_sprintf(a, "update_%s@%" PRId64, breach ? "breach" : "warning",
                                       t->last_staff_reply_at)
                       : arena_sprintf(a, "%s_%s", clock_kind_name(j.clock),
                                       breach ? "breach" : "warning");
        conn = db_get(st);
        seen = notice_seen(conn, t->id, j.notice);
        db_put(st, conn);
        if (seen)
            continue;
        if ((rc = db_write(st, write_notice, &j)) == 0 && j.queued)
            (*queued)++;
    }
    return rc;
}

struct close_job {
    int64_t id;  /* the resolved request */
    int64_t now; /* when its window ended (the sweep's time) */
};

static int write_close_expired(struct db_conn *c, void *arg)
{
    struct close_job *j = arg;
    struct caller sys = CALLER_SYSTEM;
    struct arena a = ARENA_INIT;
    struct ticket t, before;
    int rc;

    if ((rc = ticket_read(c, &sys, j->id, &t, &a)) == 0 && t.status == TS_RESOLVED) {
        before = t;
        t.status = TS_CLOSED;
        if ((rc = save_ticket(c, &sys, &before, &t, j->now)) == 0)
            rc = audit_change(c, &sys, "close", "ticket", &before, &t);
    }
    arena_release(&a);
    return rc;
}

/* Ids from a one-column query with one integer parameter, into a growing array. */
static int select_ids(struct store *st, const char *sql, int64_t param, int64_t **ids, size_t *n)
{
    struct db_conn *conn = db_get(st);
    struct db_stmt *s = db_stmt(conn, sql);
    size_t alloc = 0;
    int rc;

    *ids = NULL;
    *n = 0;
    db_bind_int(s, 1, param);
    while ((rc = db_step(s)) == DB_ROW) {
        ALLOC_GROW(*ids, *n + 1, alloc);
        (*ids)[(*n)++] = db_col_int(s, 0);
    }
    rc = db_done(s, rc == DB_DONE ? 0 : db_err(rc));
    db_put(st, conn);
    return rc;
}

int store_sla_sweep(struct store *st, int64_t now, int *queued)
{
    struct caller sys = CALLER_SYSTEM;
    int64_t *ids, last = 0;
    size_t n;
    int rc;

    *queued = 0;
    if ((rc = select_ids(st, SQL_SWEEP_EXPIRED, now - REOPEN_WINDOW_SECS, &ids, &n)) < 0)
        return rc;
    for (size_t i = 0; i < n && rc == 0; i++) {
        struct close_job j = {ids[i], now};
        rc = db_write(st, write_close_expired, &j);
    }
    free(ids);
    while (rc == 0 && (rc = select_ids(st, SQL_SWEEP_OPEN, last, &ids, &n)) == 0 && n) {
        for (size_t i = 0; i < n && rc == 0; i++) {
            struct arena a = ARENA_INIT;
            struct ticket t;
            if ((rc = store_ticket_get(st, &sys, ids[i], &t, &a)) == 0)
                rc = sweep_ticket(st, &t, now, queued, &a);
            arena_release(&a);
        }
        last = ids[n - 1];
        free(ids);
    }
    return rc;
}

/* ---- counts for /metrics ------------------------------------------------------------- */

static const char SQL_TICKET_COUNTS[] = "SELECT status, count(*) FROM tickets GROUP BY status";

int store_ticket_counts(struct store *st, int64_t counts[TS_COUNT])
{
    struct db_conn *conn = db_get(st);
    struct db_stmt *s = db_stmt(conn, SQL_TICKET_COUNTS);
    enum ticket_status status;
    int rc;

    memset(counts, 0, TS_COUNT * sizeof(*counts));
    while ((rc = db_step(s)) == DB_ROW)
        if (ticket_status_parse(db_col_raw(s, 0), &status) == 0)
            counts[status] = db_col_int(s, 1);
    rc = db_done(s, rc == DB_DONE ? 0 : db_err(rc));
    db_put(st, conn);
    return rc;
}
