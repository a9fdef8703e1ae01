/*
 * alerts.c - alerts of a monitoring system folded into requests (domain/alert.h).
 *
 * One write per alert: read the fingerprint's current alert and its request, then
 * fold into it, or open a new request (through the path of every request, so that
 * priority, entitlement and the SLA apply) with a new current alert. The unique index
 * alerts_current (sql/sqlite/0013_alerts.sql) holds one current alert per fingerprint:
 * of two first alerts at once, one inserts it and the other, refused (a serialization
 * failure on PostgreSQL, run again by the driver; or a uniqueness conflict, run again
 * here), then finds it and folds.
 */
#define LOG_MODULE "store"
#include "core/compat.h"
#include "store/internal.h"
#include "core/err.h"
#include "core/time.h"
#include "domain/alert.h"

#define ALERT_COLS                                                                                 \
    "a.id, a.organization_id, a.fingerprint, a.ticket_id, a.summary, a.severity, a.status, "      \
    "a.count, a.first_seen_at, a.last_seen_at, coalesce(a.resolved_at, 0), t.status, "            \
    "t.severity FROM alerts a JOIN tickets t ON t.id = a.ticket_id "

static void read_alert(struct db_stmt *s, struct alert *al, struct arena *a)
{
    memset(al, 0, sizeof(*al));
    al->id = db_col_int(s, 0);
    al->organization_id = db_col_int(s, 1);
    al->fingerprint = db_col_text(s, 2, a);
    al->ticket_id = db_col_int(s, 3);
    al->summary = db_col_text(s, 4, a);
    al->severity = db_col_text(s, 5, a);
    alert_status_parse(db_col_raw(s, 6), &al->status);
    al->count = db_col_int(s, 7);
    al->first_seen_at = db_col_int(s, 8);
    al->last_seen_at = db_col_int(s, 9);
    al->resolved_at = db_col_int(s, 10);
    ticket_status_parse(db_col_raw(s, 11), &al->ticket_status);
    severity_parse(db_col_raw(s, 12), &al->ticket_severity);
}

static void read_alert_row(struct db_stmt *s, void *item, struct arena *a)
{
    read_alert(s, item, a);
}

static json_t *alert_audit(const struct alert *al)
{
    return json_pack("{s:I, s:s, s:I, s:s, s:s, s:I}", "id", (json_int_t)al->id, "fingerprint",
                     al->fingerprint, "ticket_id", (json_int_t)al->ticket_id, "status",
                     alert_status_name(al->status), "severity", al->severity, "count",
                     (json_int_t)al->count);
}

/* ---- posting an alert ---------------------------------------------------------------- */

struct alert_job {
    const struct caller *c;    /* who posts it */
    const struct alert *in;    /* organization_id, fingerprint, summary, severity, status */
    struct alert *out;         /* the alert after it folded */
    bool *opened;              /* out: it opened a new request */
    int64_t now;               /* when it arrived */
    struct store_fault *fault; /* why it was refused */
    struct arena *a;           /* for the result */
};

static const char SQL_ALERT_CURRENT[] =
    "SELECT " ALERT_COLS "WHERE a.organization_id = ?1 AND a.fingerprint = ?2 "
    "AND a.retired_at IS NULL";

/* Step s (bound, ALERT_COLS) for one alert into *out: 0, DESK_ENOTFOUND or the error. */
static int step_alert(struct db_stmt *s, struct alert *out, struct arena *a)
{
    int rc = db_step(s);

    if (rc == DB_ROW)
        read_alert(s, out, a);
    return db_done(s, rc == DB_ROW ? 0 : rc == DB_DONE ? DESK_ENOTFOUND : db_err(rc));
}

/* The current alert of j's fingerprint into *cur; *has says whether there is one. */
static int current_alert(struct db_conn *c, const struct alert_job *j, struct alert *cur,
                         bool *has)
{
    struct db_stmt *s = db_stmt(c, SQL_ALERT_CURRENT);
    int rc;

    db_bind_int(s, 1, j->in->organization_id);
    db_bind_text(s, 2, j->in->fingerprint);
    rc = step_alert(s, cur, j->a);
    *has = rc == 0;
    return rc == DESK_ENOTFOUND ? 0 : rc;
}

static const char SQL_ORG_EXISTS[] = "SELECT 1 FROM organizations WHERE id = ?";

static int check_organization(struct db_conn *c, const struct alert_job *j)
{
    struct db_stmt *s = db_stmt(c, SQL_ORG_EXISTS);
    int rc;

    db_bind_int(s, 1, j->in->organization_id);
    rc = db_step(s);
    db_done(s, 0);
    if (rc == DB_ROW)
        return 0;
    return rc == DB_DONE ? store__fault(j->fault, DESK_ENOTFOUND, "organization_id",
                                        "no organization %" PRId64, j->in->organization_id)
                         : db_err(rc);
}

/* The text of the request an alert opens (arena). */
static const char *request_body(const struct alert *in, int64_t now, struct arena *a)
{
    char at[TIME_RFC3339_LEN];

    time_format_rfc3339(now, at);
    return arena_sprintf(a,
                         "Opened by monitoring: alert '%s' (severity %s) fired at %s.\n\n%s\n\n"
                         "Later alerts of this fingerprint fold into this request (their count "
                         "and last seen in GET /api/v1/alerts); a resolved one adds an internal "
                         "note and leaves the request to an agent.",
                         in->fingerprint, in->severity, at, in->summary);
}

static const char SQL_ALERT_RETIRE[] =
    "UPDATE alerts SET retired_at = ?2, updated_at = ?2 WHERE id = ?1";
static const char SQL_ALERT_INSERT[] =
    "INSERT INTO alerts (organization_id, fingerprint, ticket_id, summary, severity, status, "
    "count, first_seen_at, last_seen_at, created_at, updated_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, 1, ?7, ?7, ?7, ?7) RETURNING id";

/* Retire the current alert (when there is one) and open a request with a new one. */
static int open_request(struct db_conn *c, const struct alert_job *j, const struct alert *cur)
{
    struct alert *al = j->out;
    struct ticket t = {0};
    struct db_stmt *s;
    int rc;

    if (cur) {
        s = db_stmt(c, SQL_ALERT_RETIRE);
        db_bind_int(s, 1, cur->id);
        db_bind_int(s, 2, j->now);
        if ((rc = db_exec(s)) < 0)
            return rc;
    }
    if ((rc = check_organization(c, j)) < 0)
        return rc;
    t.organization_id = al->organization_id;
    t.channel = CH_MONITORING;
    t.type = TT_ERROR;
    alert_severity_map(al->severity, &t.severity);
    t.subject = al->summary;
    t.body = request_body(al, j->now, j->a);
    t.received_at = j->now;
    if ((rc = store__ticket_create_in(c, j->c, &t, j->now, j->fault, j->a)) < 0)
        return rc;
    s = db_stmt(c, SQL_ALERT_INSERT);
    db_bind_int(s, 1, al->organization_id);
    db_bind_text(s, 2, al->fingerprint);
    db_bind_int(s, 3, t.id);
    db_bind_text(s, 4, al->summary);
    db_bind_text(s, 5, al->severity);
    db_bind_text(s, 6, alert_status_name(al->status));
    db_bind_int(s, 7, j->now);
    if ((rc = db_insert(s, &al->id)) < 0)
        return rc;
    al->ticket_id = t.id;
    al->count = 1;
    al->first_seen_at = al->last_seen_at = j->now;
    al->resolved_at = al->status == ALERT_RESOLVED ? j->now : 0;
    al->ticket_status = t.status;
    al->ticket_severity = t.severity;
    *j->opened = true;
    return store__audit_json(c, j->c->user_id, "create", "alert", al->id, NULL, alert_audit(al));
}

static const char SQL_ALERT_FOLD[] =
    "UPDATE alerts SET count = ?2, last_seen_at = ?3, status = ?4, severity = ?5, "
    "resolved_at = ?6, updated_at = ?3 WHERE id = ?1";

/* The internal note of an alert that resolved, by the system (no author). */
static int note_resolved(struct db_conn *c, const struct alert_job *j)
{
    const struct alert *al = j->out;
    struct caller sys = CALLER_SYSTEM;
    char at[TIME_RFC3339_LEN], first[TIME_RFC3339_LEN];
    struct message m = {0};

    time_format_rfc3339(j->now, at);
    time_format_rfc3339(al->first_seen_at, first);
    m.ticket_id = al->ticket_id;
    m.internal = true;
    m.body = arena_sprintf(j->a,
                           "Monitoring: alert '%s' resolved at %s, after %" PRId64
                           " alerts since %s. The request stays open: an agent decides "
                           "whether it is resolved.",
                           al->fingerprint, at, al->count, first);
    return store__message_add_in(c, &sys, &m, j->now, j->fault);
}

/* Fold j's alert into the current one cur, with the note of a resolution when note. */
static int fold(struct db_conn *c, const struct alert_job *j, const struct alert *cur, bool note)
{
    struct alert *al = j->out;
    struct db_stmt *s = db_stmt(c, SQL_ALERT_FOLD);
    int rc;

    *al = *cur;
    al->count = cur->count + 1;
    al->last_seen_at = j->now;
    al->status = j->in->status;
    al->severity = j->in->severity;
    if (al->status == ALERT_RESOLVED && cur->status == ALERT_FIRING)
        al->resolved_at = j->now;
    db_bind_int(s, 1, al->id);
    db_bind_int(s, 2, al->count);
    db_bind_int(s, 3, al->last_seen_at);
    db_bind_text(s, 4, alert_status_name(al->status));
    db_bind_text(s, 5, al->severity);
    db_bind_id(s, 6, al->resolved_at);
    if ((rc = db_exec(s)) < 0 || (note && (rc = note_resolved(c, j)) < 0))
        return rc;
    return store__audit_json(c, j->c->user_id, "fold", "alert", al->id, NULL, alert_audit(al));
}

static int write_alert_post(struct db_conn *c, void *arg)
{
    struct alert_job *j = arg;
    struct alert cur;
    bool has, open;
    int rc;

    *j->out = *j->in; /* each run starts from the caller's alert */
    *j->opened = false;
    if (j->c->role == ROLE_CUSTOMER && j->in->organization_id != j->c->organization_id)
        return store__fault(j->fault, DESK_ENOTFOUND, "organization_id",
                            "no organization %" PRId64, j->in->organization_id);
    if ((rc = current_alert(c, j, &cur, &has)) < 0)
        return rc;
    open = has && !ticket_status_stopped(cur.ticket_status);
    switch (alert_decide(has, open, has ? cur.status : ALERT_FIRING, j->in->status)) {
    case ALERT_OPEN_REQUEST:
        return open_request(c, j, has ? &cur : NULL);
    case ALERT_FOLD:
        return fold(c, j, &cur, false);
    case ALERT_FOLD_NOTE:
        return fold(c, j, &cur, true);
    case ALERT_NONE:
        break;
    }
    return store__fault(j->fault, DESK_ENOTFOUND, "fingerprint",
                        "no alert '%s' fired: nothing to resolve", j->in->fingerprint);
}

int store_alert_post(struct store *st, const struct caller *c, const struct alert *in,
                     int64_t now, struct alert *out, bool *opened, struct store_fault *fault,
                     struct arena *a)
{
    struct alert_job j = {c, in, out, opened, now, fault, a};
    int rc = db_write(st, write_alert_post, &j);

    /* the other of two first alerts at once inserted the current alert: fold into it */
    if (rc == DESK_ECONFLICT)
        rc = db_write(st, write_alert_post, &j);
    return rc;
}

/* ---- listing alerts ---------------------------------------------------------------------- */

static const char SQL_ALERT_LIST[] =
    "SELECT " ALERT_COLS "WHERE (CAST(?1 AS BIGINT) = 0 OR a.organization_id = ?1) "
    "AND (CAST(?2 AS BIGINT) = 0 OR a.organization_id = ?2) AND a.id > ?3 ORDER BY a.id LIMIT ?4";

int store_alert_list(struct store *st, const struct caller *c, int64_t organization_id,
                     struct store_page *pg, struct alert **items, size_t *n, struct arena *a)
{
    struct db_conn *conn = db_get(st);
    struct db_stmt *s = db_stmt(conn, SQL_ALERT_LIST);
    struct alert *out = ARENA_NEWN(a, struct alert, pg->limit);
    int rc;

    db_bind_int(s, 1, STORE_ORG_FILTER(c));
    db_bind_int(s, 2, organization_id);
    db_bind_int(s, 3, pg->after);
    db_bind_int(s, 4, (int64_t)pg->limit + 1);
    rc = store__page_rows(s, pg, out, sizeof(*out), n, read_alert_row, a);
    *items = out;
    db_put(st, conn);
    return rc;
}

static const char SQL_ALERT_OF_TICKET[] =
    "SELECT " ALERT_COLS "WHERE a.ticket_id = ?1 AND (CAST(?2 AS BIGINT) = 0 OR "
    "a.organization_id = ?2)";

int store_alert_of_ticket(struct store *st, const struct caller *c, int64_t ticket_id,
                          struct alert *out, struct arena *a)
{
    struct db_conn *conn = db_get(st);
    struct db_stmt *s = db_stmt(conn, SQL_ALERT_OF_TICKET);
    int rc;

    db_bind_int(s, 1, ticket_id);
    db_bind_int(s, 2, STORE_ORG_FILTER(c));
    rc = step_alert(s, out, a);
    db_put(st, conn);
    return rc;
}
