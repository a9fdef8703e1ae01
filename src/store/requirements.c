/*
 * requirements.c - the yearly requirements of enhanced agreements (an
 * internal task per agreement year, completed by recording the year's
 * requirements) and the lapse notices of their hours banks (see store.h and
 * domain/requirements.h).
 *
 * Once each: a task row is unique per (agreement_id, year_start) and a
 * lapse notice is queued only by the write whose hour_lapse_notices row is
 * new, in the same transaction, whichever server or retry runs it.
 */
#define LOG_MODULE "store"
#include "core/compat.h"
#include "store/internal.h"
#include "core/crypto.h"
#include "core/err.h"
#include "core/strbuf.h"
#include "core/time.h"

#define REQ_COLS                                                                                   \
    "id, agreement_id, year_start, year_end, title, coalesce(assignee_id, 0), opened_at, scope, "  \
    "assumptions, schedule, roles, coalesce(rasci_matrix_id, 0), "                                 \
    "coalesce(requirements_completed_at, 0), coalesce(completed_by, 0) "

static void read_requirements(struct db_stmt *s, struct requirements *r, struct arena *a)
{
    r->id = db_col_int(s, 0);
    r->agreement_id = db_col_int(s, 1);
    r->year_start = store__col_date(s, 2);
    r->year_end = store__col_date(s, 3);
    r->title = db_col_text(s, 4, a);
    r->assignee_id = db_col_int(s, 5);
    r->opened_at = db_col_int(s, 6);
    r->scope = db_col_text_or_null(s, 7, a);
    r->assumptions = db_col_text_or_null(s, 8, a);
    r->schedule = db_col_text_or_null(s, 9, a);
    r->roles = db_col_text_or_null(s, 10, a);
    r->rasci_matrix_id = db_col_int(s, 11);
    r->completed_at = db_col_int(s, 12);
    r->completed_by = db_col_int(s, 13);
}

/* ---- reading ---------------------------------------------------------------------------- */

/* Customers see the years whose requirements are recorded; staff every task too. */
static const char SQL_REQ_LIST[] = "SELECT " REQ_COLS "FROM requirement_tasks WHERE "
                                   "agreement_id = ?1 AND (?2 = 0 OR "
                                   "requirements_completed_at IS NOT NULL) ORDER BY year_start";

int store_requirements_list(struct store *st, const struct caller *c, int64_t agreement_id,
                            struct requirements **items, size_t *n, struct arena *a)
{
    struct db_conn *conn = db_get(st);
    struct agreement ag;
    size_t alloc = 0;
    int rc = store__agreement_read(conn, c, agreement_id, &ag, a);
    struct db_stmt *s;

    *items = NULL;
    *n = 0;
    if (rc < 0) {
        db_put(st, conn);
        return rc;
    }
    s = db_stmt(conn, SQL_REQ_LIST);
    db_bind_int(s, 1, agreement_id);
    db_bind_int(s, 2, c->role == ROLE_CUSTOMER);
    while ((rc = db_step(s)) == DB_ROW) {
        ARENA_GROW(a, *items, *n, alloc);
        read_requirements(s, &(*items)[(*n)++], a);
    }
    rc = db_done(s, rc == DB_DONE ? 0 : db_err(rc));
    db_put(st, conn);
    return rc;
}

static const char SQL_REQ_GET[] =
    "SELECT " REQ_COLS "FROM requirement_tasks WHERE agreement_id = ?1 AND year_start = ?2";

/* The row of agreement_id's year from year_start; DESK_ENOTFOUND when there is none. */
static int requirements_read(struct db_conn *c, int64_t agreement_id, int64_t year_start,
                             struct requirements *out, struct arena *a)
{
    struct db_stmt *s = db_stmt(c, SQL_REQ_GET);
    int rc;

    db_bind_int(s, 1, agreement_id);
    store__bind_date(s, 2, year_start);
    if ((rc = db_step(s)) != DB_ROW)
        return db_done(s, rc == DB_DONE ? DESK_ENOTFOUND : db_err(rc));
    read_requirements(s, out, a);
    return db_done(s, 0);
}

/* ---- opening a year's task ---------------------------------------------------------------- */

static const char SQL_REPRESENTATIVE_EMAIL[] =
    "SELECT email FROM users WHERE id = ?1 AND role <> 'customer'";

/* The task was opened: its assignee, the agreement's representative, is told by mail. */
static int notice_task(struct db_conn *c, const struct agreement *a, const char *title,
                       int64_t year_start, int64_t now)
{
    struct db_stmt *s = db_stmt(c, SQL_REPRESENTATIVE_EMAIL);
    struct arena ar = ARENA_INIT;
    const char *email = NULL;
    char mid[33], day[DATE_LEN];
    int rc = 0;

    db_bind_int(s, 1, a->representative_id);
    if (db_step(s) == DB_ROW)
        email = db_col_text(s, 0, &ar);
    db_done(s, 0);
    if (email) {
        random_hex(mid, 16);
        date_format(year_start, day);
        rc = store__outbox_mail(
            c, "requirements_task", store__json_strings(&email, 1, &ar),
            arena_sprintf(&ar, "%s (agreement #%" PRId64 ")", title, a->id),
            arena_sprintf(&ar,
                          "%s: the year of agreement #%" PRId64 " from %s needs its scope, "
                          "assumptions, schedule and roles gathered with the customer, then "
                          "its quote. Record them on the agreement's page in the desk.\n",
                          title, a->id, day),
            arena_sprintf(&ar, "%s.requirements.%" PRId64 ".%s", mid, a->id, day), now);
    }
    arena_release(&ar);
    return rc;
}

static const char SQL_REQ_OPEN[] =
    "INSERT INTO requirement_tasks (agreement_id, year_start, year_end, title, assignee_id, "
    "opened_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO NOTHING";

/* Open the row of a's year from year_start unless it exists; *opened when this write did. */
static int requirements_open(struct db_conn *c, const struct agreement *a, int64_t year_start,
                             int64_t now, bool *opened)
{
    char title[REQUIREMENTS_TITLE_LEN];
    int64_t from, to;
    struct db_stmt *s;
    int rc;

    agreement_year(a->starts_on, year_start, &from, &to);
    requirements_title(year_start, title);
    s = db_stmt(c, SQL_REQ_OPEN);
    db_bind_int(s, 1, a->id);
    store__bind_date(s, 2, year_start);
    store__bind_date(s, 3, to);
    db_bind_text(s, 4, title);
    if (a->representative_id)
        db_bind_int(s, 5, a->representative_id);
    else
        db_bind_null(s, 5);
    db_bind_int(s, 6, now);
    if ((rc = db_exec(s)) < 0)
        return rc;
    *opened = db_changes(c) > 0;
    if (!*opened)
        return 0;
    if (a->representative_id && (rc = notice_task(c, a, title, year_start, now)) < 0)
        return rc;
    return store__audit_json(c, 0, "open", "requirement_task", a->id, NULL,
                             json_pack("{s:s, s:I}", "title", title, "assignee_id",
                                       (json_int_t)a->representative_id));
}

/* ---- recording the requirements ------------------------------------------------------------- */

struct req_job {
    const struct caller *c;         /* who */
    int64_t agreement_id;           /* the agreement */
    const struct requirements *in;  /* the caller's input */
    struct requirements *out;       /* the row as stored */
    int64_t now;                    /* when */
    struct store_fault *fault;      /* why it was refused */
    struct arena *a;                /* strings of out */
};

static const char SQL_REQ_RECORD[] =
    "UPDATE requirement_tasks SET scope = ?3, assumptions = ?4, schedule = ?5, roles = ?6, "
    "rasci_matrix_id = ?7, requirements_completed_at = coalesce(requirements_completed_at, ?8), "
    "completed_by = coalesce(completed_by, ?9) WHERE agreement_id = ?1 AND year_start = ?2";
static const char SQL_RASCI_EXISTS[] = "SELECT 1 FROM rasci_matrices WHERE id = ?";

static int check_record(struct db_conn *c, struct req_job *j, const struct agreement *a)
{
    struct db_stmt *s;
    int rc;

    if (a->kind != AK_ENHANCED || a->status != AS_SIGNED)
        return store__fault(j->fault, DESK_ECONFLICT, NULL,
                            "agreement %" PRId64 " is not a signed enhanced agreement", a->id);
    if (!agreement_year_starts_on(a, j->in->year_start))
        return store__fault(j->fault, DESK_EINVAL, "year_start",
                            "year_start is not the first day of a year of agreement %" PRId64,
                            a->id);
    if (!j->in->rasci_matrix_id)
        return 0;
    s = db_stmt(c, SQL_RASCI_EXISTS);
    db_bind_int(s, 1, j->in->rasci_matrix_id);
    rc = db_step(s);
    db_done(s, 0);
    if (rc == DB_ROW)
        return 0;
    return rc != DB_DONE ? db_err(rc)
                         : store__fault(j->fault, DESK_EINVAL, "rasci_matrix_id",
                                        "rasci_matrix_id %" PRId64 " does not exist",
                                        j->in->rasci_matrix_id);
}

static int write_requirements_record(struct db_conn *c, void *arg)
{
    struct req_job *j = arg;
    const struct requirements *in = j->in;
    struct agreement a;
    struct db_stmt *s;
    bool opened;
    int rc;

    if ((rc = store__agreement_read(c, j->c, j->agreement_id, &a, j->a)) < 0 ||
        (rc = check_record(c, j, &a)) < 0 ||
        (rc = requirements_open(c, &a, in->year_start, j->now, &opened)) < 0)
        return rc;
    s = db_stmt(c, SQL_REQ_RECORD);
    db_bind_int(s, 1, a.id);
    store__bind_date(s, 2, in->year_start);
    db_bind_text(s, 3, in->scope);
    db_bind_text(s, 4, in->assumptions);
    db_bind_text(s, 5, in->schedule);
    db_bind_text(s, 6, in->roles);
    if (in->rasci_matrix_id)
        db_bind_int(s, 7, in->rasci_matrix_id);
    else
        db_bind_null(s, 7);
    db_bind_int(s, 8, j->now);
    if (j->c->user_id)
        db_bind_int(s, 9, j->c->user_id);
    else
        db_bind_null(s, 9); /* the system */
    if ((rc = db_exec(s)) < 0 ||
        (rc = requirements_read(c, a.id, in->year_start, j->out, j->a)) < 0)
        return rc;
    return store__audit_json(c, j->c->user_id, "record", "requirement_task", j->out->id, NULL,
                             json_pack("{s:I, s:s, s:I}", "agreement_id", (json_int_t)a.id,
                                       "title", j->out->title, "rasci_matrix_id",
                                       (json_int_t)in->rasci_matrix_id));
}

int store_requirements_record(struct store *st, const struct caller *c, int64_t agreement_id,
                              const struct requirements *in, int64_t now,
                              struct requirements *out, struct store_fault *fault,
                              struct arena *a)
{
    struct req_job j = {c, agreement_id, in, out, now, fault, a};
    return db_write(st, write_requirements_record, &j);
}

/* ---- the sweeps ------------------------------------------------------------------------------ */

#define SWEEP_BATCH 500 /* agreements looked at in one sweep at most; the rest next time */

static const char SQL_ENHANCED_SIGNED[] =
    "SELECT id FROM agreements WHERE kind = 'enhanced' AND status = 'signed' AND "
    "id > ?1 ORDER BY id LIMIT 500";
_Static_assert(SWEEP_BATCH == 500, "SQL_ENHANCED_SIGNED's LIMIT");

/* Is fn's work due for agreement a at today (read side; the write checks again)? */
typedef bool (*due_fn)(struct db_conn *c, const struct agreement *a, const void *arg,
                       int64_t today);
/* The write for one agreement whose work was due. */
typedef int (*write_fn)(struct db_conn *c, void *arg);

struct sweep_job {
    int64_t id;          /* the agreement */
    const void *arg;     /* the sweep's settings */
    int64_t now;         /* when */
    int done;            /* tasks opened or notices queued by this run */
    struct arena *a;     /* strings */
};

/*
 * The ids after *after of the signed enhanced agreements whose work is due
 * (arena); *after moves to the last id looked at, *more when a batch was full.
 */
static int due_agreements(struct store *st, due_fn due, const void *arg, int64_t today,
                          int64_t *after, bool *more, int64_t **ids, size_t *n, struct arena *a)
{
    const struct caller sys = CALLER_SYSTEM;
    struct db_conn *conn = db_get(st);
    struct db_stmt *s = db_stmt(conn, SQL_ENHANCED_SIGNED);
    int64_t *all = ARENA_NEWN(a, int64_t, SWEEP_BATCH);
    size_t seen = 0;
    int rc;

    *ids = ARENA_NEWN(a, int64_t, SWEEP_BATCH);
    *n = 0;
    db_bind_int(s, 1, *after);
    while ((rc = db_step(s)) == DB_ROW && seen < SWEEP_BATCH)
        all[seen++] = db_col_int(s, 0);
    rc = db_done(s, db_err(rc));
    for (size_t i = 0; i < seen && rc == 0; i++) {
        struct agreement ag;
        if ((rc = store__agreement_read(conn, &sys, all[i], &ag, a)) == 0 &&
            due(conn, &ag, arg, today))
            (*ids)[(*n)++] = ag.id;
    }
    db_put(st, conn);
    *more = seen == SWEEP_BATCH;
    if (seen)
        *after = all[seen - 1];
    return rc;
}

/* Run write for each agreement with due work, a batch at a time; *done adds up their counts. */
static int sweep(struct store *st, due_fn due, write_fn write, const void *arg, int64_t now,
                 int *done)
{
    int64_t after = 0;
    bool more = true;
    int rc = 0;

    *done = 0;
    while (more && rc == 0) {
        struct arena a = ARENA_INIT;
        int64_t *ids;
        size_t n;
        rc = due_agreements(st, due, arg, store__today(now), &after, &more, &ids, &n, &a);
        for (size_t i = 0; i < n && rc == 0; i++) {
            struct sweep_job j = {ids[i], arg, now, 0, &a};
            if ((rc = db_write(st, write, &j)) == 0)
                *done += j.done;
        }
        arena_release(&a);
    }
    return rc;
}

/* The agreement of a sweep's write, read again inside it (gone: nothing to do). */
static int sweep_agreement(struct db_conn *c, struct sweep_job *j, struct agreement *a)
{
    const struct caller sys = CALLER_SYSTEM;

    j->done = 0; /* re-runnable: counts start again */
    return store__agreement_read(c, &sys, j->id, a, j->a);
}

/* ---- requirements tasks ---- */

static bool task_due(struct db_conn *c, const struct agreement *a, const void *arg, int64_t today)
{
    struct arena ar = ARENA_INIT;
    struct requirements r;
    int64_t year_start;
    bool due = requirements_due(a, *(const int64_t *)arg, today, &year_start) &&
               requirements_read(c, a->id, year_start, &r, &ar) == DESK_ENOTFOUND;

    arena_release(&ar);
    return due;
}

static int write_task_open(struct db_conn *c, void *arg)
{
    struct sweep_job *j = arg;
    struct agreement a;
    int64_t year_start;
    bool opened = false;
    int rc;

    if ((rc = sweep_agreement(c, j, &a)) < 0)
        return rc == DESK_ENOTFOUND ? 0 : rc;
    if (!requirements_due(&a, *(const int64_t *)j->arg, store__today(j->now), &year_start))
        return 0;
    rc = requirements_open(c, &a, year_start, j->now, &opened);
    j->done = opened;
    return rc;
}

int store_requirements_sweep(struct store *st, int64_t lead_days, int64_t now, int *opened)
{
    return sweep(st, task_due, write_task_open, &lead_days, now, opened);
}

/* ---- lapse notices ---- */

static const char SQL_LAPSE_SENT[] = "SELECT days_before FROM hour_lapse_notices WHERE "
                                     "agreement_id = ?1 AND period_start = ?2";
static const char SQL_LAPSE_ONCE[] =
    "INSERT INTO hour_lapse_notices (agreement_id, period_start, days_before, created_at) "
    "VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING";
static const char SQL_LAPSE_TO[] =
    "SELECT email FROM users WHERE (organization_id = ?1 AND role = 'customer') OR "
    "(id = ?2 AND role <> 'customer') ORDER BY id";

/* The thresholds of l due at today for a and not yet recorded (bits of l->days). */
static unsigned lapse_pending(struct db_conn *c, const struct agreement *a,
                              const struct lapse_days *l, int64_t today)
{
    int64_t last, from, to;
    unsigned due;
    struct db_stmt *s;

    if (!lapse_year_end(a, today, &last) || !(due = lapse_notices_due(l, last, today)))
        return 0;
    agreement_year(a->starts_on, today, &from, &to);
    s = db_stmt(c, SQL_LAPSE_SENT);
    db_bind_int(s, 1, a->id);
    store__bind_date(s, 2, from);
    while (db_step(s) == DB_ROW)
        for (size_t i = 0; i < l->n; i++)
            if (l->days[i] == db_col_int(s, 0))
                due &= ~(1u << i);
    db_done(s, 0);
    return due;
}

static bool lapse_due(struct db_conn *c, const struct agreement *a, const void *arg, int64_t today)
{
    return lapse_pending(c, a, arg, today) != 0;
}

/* The customer contacts and the representative, as a JSON list (arena); NULL for none. */
static const char *lapse_recipients(struct db_conn *c, const struct agreement *a,
                                    struct arena *ar)
{
    struct db_stmt *s = db_stmt(c, SQL_LAPSE_TO);
    const char **emails = NULL;
    size_t n = 0, alloc = 0;

    db_bind_int(s, 1, a->organization_id);
    db_bind_int(s, 2, a->representative_id);
    while (db_step(s) == DB_ROW) {
        ARENA_GROW(ar, emails, n, alloc);
        emails[n++] = db_col_text(s, 0, ar);
    }
    db_done(s, 0);
    return n ? store__json_strings(emails, n, ar) : NULL;
}

static int queue_lapse_notice(struct db_conn *c, const struct agreement *a,
                              const struct hour_bank *b, int64_t last, int64_t now, int *queued,
                              struct arena *ar)
{
    struct lapse_text t = {a->id, b->balance, b->from, last, a->services};
    struct strbuf subject = STRBUF_INIT, body = STRBUF_INIT;
    const char *to = lapse_recipients(c, a, ar);
    char mid[33];
    int rc;

    if (!to)
        return 0; /* nobody to tell: the notice is still recorded once */
    lapse_notice_render(&t, &subject, &body);
    random_hex(mid, 16);
    rc = store__outbox_mail(c, "hours_lapse", to, subject.buf, body.buf,
                            arena_sprintf(ar, "%s.lapse.%" PRId64, mid, a->id), now);
    strbuf_release(&subject);
    strbuf_release(&body);
    if (rc == 0)
        (*queued)++;
    return rc;
}

/* Record each threshold in due; the nearest newly recorded one, in *nearest (0: none). */
static int lapse_record(struct db_conn *c, const struct agreement *a, const struct lapse_days *l,
                        unsigned due, int64_t from, int64_t now, int64_t *nearest)
{
    int rc = 0;

    *nearest = 0;
    for (size_t i = 0; i < l->n && rc == 0; i++) {
        struct db_stmt *s;
        if (!(due & (1u << i)))
            continue;
        s = db_stmt(c, SQL_LAPSE_ONCE);
        db_bind_int(s, 1, a->id);
        store__bind_date(s, 2, from);
        db_bind_int(s, 3, l->days[i]);
        db_bind_int(s, 4, now);
        if ((rc = db_exec(s)) == 0 && db_changes(c) && (!*nearest || l->days[i] < *nearest))
            *nearest = l->days[i];
    }
    return rc;
}

static int write_lapse_notice(struct db_conn *c, void *arg)
{
    struct sweep_job *j = arg;
    int64_t today = store__today(j->now), last, nearest;
    struct hour_bank bank;
    struct agreement a;
    unsigned due;
    int rc;

    if ((rc = sweep_agreement(c, j, &a)) < 0)
        return rc == DESK_ENOTFOUND ? 0 : rc;
    if (!(due = lapse_pending(c, &a, j->arg, today)) || !lapse_year_end(&a, today, &last) ||
        (rc = store__bank_of(c, &a, today, &bank)) < 0 ||
        (rc = lapse_record(c, &a, j->arg, due, bank.from, j->now, &nearest)) < 0 || !nearest)
        return rc;
    /* several thresholds at once (a server down, a late signature): one mail */
    if (bank.balance > 0 && (rc = queue_lapse_notice(c, &a, &bank, last, j->now, &j->done, j->a)) < 0)
        return rc;
    return store__audit_json(c, 0, "hours_lapse_notice", "agreement", a.id, NULL,
                             json_pack("{s:I, s:I, s:b}", "days_before", (json_int_t)nearest,
                                       "unused_minutes", (json_int_t)bank.balance, "sent",
                                       bank.balance > 0));
}

int store_lapse_sweep(struct store *st, const struct lapse_days *l, int64_t now, int *queued)
{
    if (!l->n) {
        *queued = 0;
        return 0;
    }
    return sweep(st, lapse_due, write_lapse_notice, l, now, queued);
}
