/*
 * money.c - time entries, expenses, invoices and the billing
 * defaults, on SQLite.
 *
 * An invoice is built by domain/invoice.c from the agreement, its change
 * orders and the time and expenses not yet invoiced; this file numbers it
 * (per year of issue), stores it with its lines and marks what it billed,
 * in one transaction.
 */
#define LOG_MODULE "store"
#include "core/compat.h"
#include "store/internal.h"
#include "core/err.h"
#include "core/log.h"
#include "core/time.h"
#include "domain/invoice.h"
#include <jansson.h>


/* ---- time entries --------------------------------------------------------------------- */

#define TIME_COLS                                                                                  \
    "id, organization_id, coalesce(ticket_id, 0), coalesce(agreement_id, 0), user_id, minutes, "   \
    "kind, on_date, note, coalesce(invoice_id, 0), created_at "

static const char SQL_TIME_INSERT[] =
    "INSERT INTO time_entries (organization_id, ticket_id, agreement_id, user_id, minutes, kind, "
    "on_date, note, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id";
static const char SQL_TICKET_ORG[] =
    "SELECT coalesce(organization_id, 0) FROM tickets WHERE id = ?1 AND "
    "(CAST(?2 AS BIGINT) = 0 OR organization_id = ?2)";
/* The active enhanced or advanced agreement of an organisation on a date; enhanced first. */
static const char SQL_ACTIVE_BANK[] =
    "SELECT id FROM agreements WHERE organization_id = ?1 AND kind = 'enhanced' "
    "AND status = 'signed' AND starts_on <= ?2 AND (ends_on IS NULL OR ends_on >= ?2) "
    "ORDER BY starts_on DESC, id DESC LIMIT 1";
static const char SQL_TIME_BY_TICKET[] = "SELECT " TIME_COLS "FROM time_entries WHERE "
                                         "ticket_id = ?1 AND (?2 OR kind <> 'internal') "
                                         "ORDER BY on_date, id";
static const char SQL_TIME_BY_AGREEMENT[] = "SELECT " TIME_COLS "FROM time_entries WHERE "
                                            "agreement_id = ?1 AND (?2 OR kind <> 'internal') "
                                            "ORDER BY on_date, id";

/* The index of text s in a NULL-terminated name list (0 when absent). */
static int name_at(const char *const *names, const char *s)
{
    int i = 0;

    while (names[i] && s && strcmp(names[i], s))
        i++;
    return names[i] ? i : 0;
}

static void read_time(struct db_stmt *s, struct time_entry *t, struct arena *ar)
{
    t->id = db_col_int(s, 0);
    t->organization_id = db_col_int(s, 1);
    t->ticket_id = db_col_int(s, 2);
    t->agreement_id = db_col_int(s, 3);
    t->user_id = db_col_int(s, 4);
    t->minutes = db_col_int(s, 5);
    t->kind = (enum time_kind)name_at(time_kind_names, db_col_raw(s, 6));
    t->on = store__col_date(s, 7);
    t->note = db_col_text(s, 8, ar);
    t->invoice_id = db_col_int(s, 9);
    t->created_at = db_col_int(s, 10);
}

/* Rows of a statement whose first parameter is bound, read with read_time. */
static int read_times(struct db_stmt *s, struct time_entry **items, size_t *n,
                      struct arena *ar)
{
    struct time_entry *out = NULL;
    size_t alloc = 0;
    int rc;

    *n = 0;
    while ((rc = db_step(s)) == DB_ROW) {
        out = store__grow(ar, out, *n, &alloc, sizeof(*out));
        read_time(s, &out[(*n)++], ar);
    }
    *items = out;
    return db_done(s, rc == DB_DONE ? 0 : db_err(rc));
}

struct time_job {
    const struct caller *c;    /* who did the work */
    struct time_entry *t;      /* in/out */
    int64_t path_agreement;    /* the agreement of the route (POST /agreements/{id}/...) */
    int64_t now;               /* when */
    struct store_fault *fault; /* why it was refused */
    struct time_entry in;      /* *t as the caller gave it (a re-run starts from it) */
};

/* The organisation of the request or agreement the time is recorded on (404 when not visible). */
static int time_owner(struct db_conn *c, struct time_job *j, struct arena *ar)
{
    struct time_entry *t = j->t;
    struct agreement a;
    struct db_stmt *s;
    int rc;

    if (j->path_agreement) {
        if ((rc = store__agreement_read(c, j->c, j->path_agreement, &a, ar)) < 0)
            return rc;
        t->organization_id = a.organization_id;
        t->agreement_id = j->path_agreement;
        return 0;
    }
    s = db_stmt(c, SQL_TICKET_ORG);
    db_bind_int(s, 1, t->ticket_id);
    db_bind_int(s, 2, STORE_ORG_FILTER(j->c));
    if ((rc = db_step(s)) != DB_ROW)
        return db_done(s, rc == DB_DONE ? DESK_ENOTFOUND : db_err(rc));
    t->organization_id = db_col_int(s, 0);
    db_done(s, 0);
    if (!t->organization_id)
        return store__fault(j->fault, DESK_EINVAL, "ticket_id",
                             "request %" PRId64 " has no organization yet", t->ticket_id);
    return 0;
}

/* Check a named agreement: the same organisation, not maintenance, active for included time. */
static int check_time_agreement(struct db_conn *c, struct time_job *j, struct agreement *a,
                                struct arena *ar)
{
    struct caller sys = CALLER_SYSTEM;
    struct time_entry *t = j->t;
    char day[DATE_LEN];

    date_format(t->on, day);
    if (store__agreement_read(c, &sys, t->agreement_id, a, ar) < 0 ||
        a->organization_id != t->organization_id)
        return store__fault(j->fault, DESK_EINVAL, "agreement_id",
                             "agreement %" PRId64 " is not one of organization %" PRId64,
                             t->agreement_id, t->organization_id);
    if (a->kind == AK_MAINTENANCE)
        return store__fault(j->fault, DESK_EINVAL, "agreement_id",
                             "agreement %" PRId64 " is a maintenance agreement: it has no hours",
                             t->agreement_id);
    if (t->kind == TIME_INCLUDED && !agreement_active_on(a, t->on))
        return store__fault(j->fault, DESK_EINVAL, "agreement_id",
                             "agreement %" PRId64 " is not active on %s", t->agreement_id, day);
    return 0;
}

/*
 * An entry that names no agreement belongs to the organisation's active enhanced agreement
 * (the hours bank that covers support requests): an included one draws it, a billable one is
 * invoiced with it. Without one, billable time is time and materials (agreement 0) and
 * included time is refused. An advanced agreement (a statement of work) is never chosen for
 * an entry: its time names it (POST /agreements/{id}/time-entries or agreement_id).
 */
static int find_bank(struct db_conn *c, struct time_job *j)
{
    struct db_stmt *s = db_stmt(c, SQL_ACTIVE_BANK);
    struct time_entry *t = j->t;
    char day[DATE_LEN];
    int rc;

    db_bind_int(s, 1, t->organization_id);
    store__bind_date(s, 2, t->on);
    rc = db_step(s);
    t->agreement_id = rc == DB_ROW ? db_col_int(s, 0) : 0;
    db_done(s, 0);
    if (rc != DB_ROW && rc != DB_DONE)
        return db_err(rc);
    date_format(t->on, day);
    if (!t->agreement_id && t->kind == TIME_INCLUDED)
        return store__fault(j->fault, DESK_EINVAL, "agreement_id",
                             "organization %" PRId64 " has no active enhanced agreement on %s "
                             "(time on a statement of work names its agreement_id)",
                             t->organization_id, day);
    return 0;
}

static int insert_time(struct db_conn *c, const struct caller *who, struct time_entry *t,
                       int64_t now)
{
    struct db_stmt *s = db_stmt(c, SQL_TIME_INSERT);
    char day[DATE_LEN];
    int rc;

    date_format(t->on, day);
    t->user_id = who->user_id;
    t->created_at = now;
    db_bind_int(s, 1, t->organization_id);
    db_bind_id(s, 2, t->ticket_id);
    db_bind_id(s, 3, t->agreement_id);
    db_bind_int(s, 4, t->user_id);
    db_bind_int(s, 5, t->minutes);
    db_bind_text(s, 6, time_kind_names[t->kind]);
    store__bind_date(s, 7, t->on);
    db_bind_text(s, 8, t->note);
    db_bind_int(s, 9, now);
    if ((rc = db_insert(s, &t->id)) < 0)
        return rc;
    /* what was logged, for the request's history (domain/timeline.c) */
    return store__audit_json(c, who->user_id, "create", "time_entry", t->id, NULL,
                             json_pack("{s:I, s:I, s:I, s:s, s:s, s:s}", "ticket_id",
                                       (json_int_t)t->ticket_id, "agreement_id",
                                       (json_int_t)t->agreement_id, "minutes",
                                       (json_int_t)t->minutes, "kind", time_kind_names[t->kind],
                                       "on", day, "note", t->note ? t->note : ""));
}

static int write_time_create(struct db_conn *c, void *arg)
{
    struct time_job *j = arg;
    struct time_entry *t = j->t;
    struct arena ar = ARENA_INIT;
    struct agreement a;
    int rc;

    *t = j->in;
    if ((rc = time_owner(c, j, &ar)) < 0)
        goto out;
    if (!t->agreement_id && t->kind != TIME_INTERNAL && (rc = find_bank(c, j)) < 0)
        goto out;
    if (t->agreement_id && (rc = check_time_agreement(c, j, &a, &ar)) < 0)
        goto out;
    if ((rc = insert_time(c, j->c, t, j->now)) == 0 && t->kind == TIME_INCLUDED)
        rc = store__bank_warn(c, &a, t->on, j->now);
out:
    arena_release(&ar);
    return rc;
}

int store_time_entry_create(struct store *st, const struct caller *c, struct time_entry *t,
                              int64_t now, struct store_fault *fault)
{
    struct time_job j = {c, t, t->ticket_id ? 0 : t->agreement_id, now, fault, *t};

    return db_write(st, write_time_create, &j);
}

int store_time_entry_list(struct store *st, const struct caller *c, int64_t ticket_id,
                            int64_t agreement_id, struct time_entry **items, size_t *n,
                            struct arena *ar)
{
    struct db_conn *conn = db_get(st);
    struct db_stmt *s = NULL;
    struct agreement a;
    int rc;

    *items = NULL;
    *n = 0;
    if (ticket_id) {
        s = db_stmt(conn, SQL_TICKET_ORG);
        db_bind_int(s, 1, ticket_id);
        db_bind_int(s, 2, STORE_ORG_FILTER(c));
        rc = db_step(s);
        rc = db_done(s, rc == DB_ROW    ? 0
                            : rc == DB_DONE ? DESK_ENOTFOUND
                                                : db_err(rc));
    } else {
        rc = store__agreement_read(conn, c, agreement_id, &a, ar);
    }
    if (rc == 0) {
        s = db_stmt(conn, ticket_id ? SQL_TIME_BY_TICKET : SQL_TIME_BY_AGREEMENT);
        db_bind_int(s, 1, ticket_id ? ticket_id : agreement_id);
        db_bind_int(s, 2, c->role >= ROLE_AGENT);
        rc = read_times(s, items, n, ar);
    }
    db_put(st, conn);
    return rc;
}

/* ---- expenses ------------------------------------------------------------------------------ */

#define EXPENSE_COLS                                                                               \
    "id, agreement_id, kind, amount, coalesce(days, 0), note, on_date, coalesce(booking_id, 0), "  \
    "coalesce(invoice_id, 0), created_at "

static const char SQL_EXPENSE_INSERT[] =
    "INSERT INTO expenses (agreement_id, kind, amount, days, note, on_date, booking_id, "
    "created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id";
static const char SQL_EXPENSES[] =
    "SELECT " EXPENSE_COLS "FROM expenses WHERE agreement_id = ? ORDER BY on_date, id";

static void read_expense(struct db_stmt *s, struct expense *e, struct arena *ar)
{
    e->id = db_col_int(s, 0);
    e->agreement_id = db_col_int(s, 1);
    e->kind = strcmp(db_col_raw(s, 2), "per_diem") ? EXPENSE_ACTUAL
                                                                          : EXPENSE_PER_DIEM;
    e->amount = db_col_int(s, 3);
    e->days = db_col_int(s, 4);
    e->note = db_col_text(s, 5, ar);
    e->on = store__col_date(s, 6);
    e->booking_id = db_col_int(s, 7);
    e->invoice_id = db_col_int(s, 8);
    e->created_at = db_col_int(s, 9);
}

static int read_expenses(struct db_conn *c, int64_t agreement_id, struct expense **items,
                         size_t *n, struct arena *ar)
{
    struct db_stmt *s = db_stmt(c, SQL_EXPENSES);
    struct expense *out = NULL;
    size_t alloc = 0;
    int rc;

    *n = 0;
    db_bind_int(s, 1, agreement_id);
    while ((rc = db_step(s)) == DB_ROW) {
        out = store__grow(ar, out, *n, &alloc, sizeof(*out));
        read_expense(s, &out[(*n)++], ar);
    }
    *items = out;
    return db_done(s, rc == DB_DONE ? 0 : db_err(rc));
}

int store__expense_insert(struct db_conn *c, const struct caller *who, struct expense *e,
                           int64_t now)
{
    struct db_stmt *s = db_stmt(c, SQL_EXPENSE_INSERT);
    int rc;

    e->created_at = now;
    db_bind_int(s, 1, e->agreement_id);
    db_bind_text(s, 2, expense_kind_names[e->kind]);
    db_bind_int(s, 3, e->amount);
    db_bind_id(s, 4, e->kind == EXPENSE_PER_DIEM ? e->days : 0);
    db_bind_text(s, 5, e->note);
    store__bind_date(s, 6, e->on);
    db_bind_id(s, 7, e->booking_id);
    db_bind_id(s, 8, who->user_id);
    db_bind_int(s, 9, now);
    if ((rc = db_insert(s, &e->id)) < 0)
        return rc;
    return store__audit(c, who->user_id, "create", "expense", e->id, NULL, NULL);
}

struct expense_job {
    const struct caller *c;    /* who */
    struct expense *e;         /* in/out */
    int64_t now;               /* when */
    struct store_fault *fault; /* why it was refused */
};

static int write_expense_create(struct db_conn *c, void *arg)
{
    struct expense_job *j = arg;
    struct expense *e = j->e;
    struct arena ar = ARENA_INIT;
    struct agreement a;
    int rc;

    if ((rc = store__agreement_read(c, j->c, e->agreement_id, &a, &ar)) < 0)
        goto out;
    if (e->kind == EXPENSE_PER_DIEM && !a.per_diem_rate)
        rc = store__fault(j->fault, DESK_EINVAL, "days",
                           "agreement %" PRId64 " has no per_diem_rate", a.id);
    else if (e->kind == EXPENSE_PER_DIEM && money_muldiv(e->days, a.per_diem_rate, 1, &e->amount))
        rc = store__fault(j->fault, DESK_EINVAL, "days", "the amount does not fit");
    if (rc == 0)
        rc = store__expense_insert(c, j->c, e, j->now);
out:
    arena_release(&ar);
    return rc;
}

int store_expense_create(struct store *st, const struct caller *c, struct expense *e, int64_t now,
                           struct store_fault *fault)
{
    struct expense_job j = {c, e, now, fault};
    return db_write(st, write_expense_create, &j);
}

int store_expense_list(struct store *st, const struct caller *c, int64_t agreement_id,
                         struct expense **items, size_t *n, struct arena *ar)
{
    struct db_conn *conn = db_get(st);
    struct agreement a;
    int rc = store__agreement_read(conn, c, agreement_id, &a, ar);

    *items = NULL;
    *n = 0;
    if (rc == 0)
        rc = read_expenses(conn, agreement_id, items, n, ar);
    db_put(st, conn);
    return rc;
}

/* ---- invoices -------------------------------------------------------------------------------- */

/* An invoice of agreement ?1 (alone, or in a yearly invoice) overlapping [?2, ?3]. */
static const char SQL_INVOICE_OVERLAP[] =
    "SELECT i.number FROM invoices i WHERE (i.agreement_id = ?1 OR EXISTS (SELECT 1 FROM "
    "invoice_agreements x WHERE x.invoice_id = i.id AND x.agreement_id = ?1)) AND "
    "i.period_start <= ?3 AND i.period_end >= ?2 LIMIT 1";
static const char SQL_YEARLY_OVERLAP[] =
    "SELECT number FROM invoices WHERE organization_id = ?1 AND kind = 'yearly' AND "
    "period_start <= ?3 AND period_end >= ?2 LIMIT 1";
/* The maintenance and enhanced agreements a yearly invoice of [?2, ?3] carries. */
static const char SQL_YEARLY_AGREEMENTS[] =
    "SELECT id FROM agreements WHERE organization_id = ?1 AND kind IN ('maintenance', "
    "'enhanced') AND signed_at IS NOT NULL AND starts_on <= ?3 AND (ends_on IS NULL OR "
    "ends_on >= ?2) ORDER BY kind = 'enhanced', starts_on, id";
static const char SQL_INVOICE_AGREEMENT_INSERT[] =
    "INSERT INTO invoice_agreements (invoice_id, agreement_id) VALUES (?1, ?2)";
static const char SQL_UNBILLED_TIME[] =
    "SELECT " TIME_COLS "FROM time_entries WHERE organization_id = ?1 AND "
    "(CASE WHEN ?2 = 0 THEN agreement_id IS NULL ELSE agreement_id = ?2 END) AND "
    "invoice_id IS NULL AND (kind = 'billable' OR (?4 AND kind = 'included')) AND on_date <= ?3 "
    "ORDER BY on_date, id";
static const char SQL_NEXT_SEQ[] = "SELECT coalesce(max(seq), 0) + 1 FROM invoices WHERE year = ?";
static const char SQL_INVOICE_INSERT[] =
    "INSERT INTO invoices (number, year, seq, organization_id, agreement_id, period_start, "
    "period_end, issued_on, currency, total, created_by, created_at, kind) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id";
static const char SQL_LINE_INSERT[] =
    "INSERT INTO invoice_lines (invoice_id, position, kind, description, on_date, quantity, "
    "unit, unit_price, amount) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
static const char SQL_TIME_BILLED[] = "UPDATE time_entries SET invoice_id = ?2 WHERE id = ?1";
static const char SQL_EXPENSE_BILLED[] = "UPDATE expenses SET invoice_id = ?2 WHERE id = ?1";
static const char SQL_ORG_NAME[] = "SELECT name FROM organizations WHERE id = ?";

struct invoice_job {
    const struct caller *c;    /* who issues it */
    int64_t agreement_id;      /* 0: the organisation's time without agreement, or its year */
    int64_t organization_id;   /* with agreement_id 0 */
    bool yearly;               /* the organisation's yearly invoice */
    int64_t start, end;        /* the period */
    int64_t now;               /* when */
    struct invoice *inv;       /* out */
    struct store_fault *fault; /* why it was refused */
    struct arena *ar;          /* for the result */
};

static int org_name(struct db_conn *c, int64_t org, const char **name, struct arena *ar)
{
    struct db_stmt *s = db_stmt(c, SQL_ORG_NAME);
    int rc;

    db_bind_int(s, 1, org);
    if ((rc = db_step(s)) != DB_ROW)
        return db_done(s, rc == DB_DONE ? DESK_ENOTFOUND : db_err(rc));
    *name = db_col_text(s, 0, ar);
    return db_done(s, 0);
}

/* The billing defaults from meta (the migration seeds them). */
static int billing_defaults(struct db_conn *c, int64_t *rate, const char **currency,
                            struct arena *ar);

/* Agreement id to invoice (signed, the period not billed before) and its change orders. */
static int invoice_agreement(struct db_conn *c, struct invoice_job *j, int64_t id,
                             struct agreement *a, struct invoice_input *in)
{
    struct change_order *cos;
    struct db_stmt *s;
    int rc;

    if ((rc = store__agreement_read(c, j->c, id, a, j->ar)) < 0)
        return rc;
    if (!a->signed_at)
        return store__fault(j->fault, DESK_ECONFLICT, NULL,
                             "agreement %" PRId64 " was never signed", a->id);
    s = db_stmt(c, SQL_INVOICE_OVERLAP);
    db_bind_int(s, 1, a->id);
    store__bind_date(s, 2, j->start);
    store__bind_date(s, 3, j->end);
    if ((rc = db_step(s)) == DB_ROW) {
        rc = store__fault(j->fault, DESK_ECONFLICT, "period_start",
                           "the period overlaps invoice %s", db_col_raw(s, 0));
        return db_done(s, rc);
    }
    if ((rc = db_done(s, rc == DB_DONE ? 0 : db_err(rc))) < 0)
        return rc;
    j->organization_id = a->organization_id;
    in->agreement = a;
    in->currency = a->currency;
    in->rate = a->rate;
    rc = store__change_orders_read(c, a->id, &cos, &in->nco, j->ar);
    in->cos = cos;
    return rc;
}

/* What is not billed yet: time (and, with an agreement, expenses) dated up to the period's end. */
static int unbilled(struct db_conn *c, struct invoice_job *j, struct invoice_input *in)
{
    const struct agreement *a = in->agreement;
    struct db_stmt *s = db_stmt(c, SQL_UNBILLED_TIME);
    struct time_entry *time;
    struct expense *expenses;
    int rc;

    db_bind_int(s, 1, j->organization_id);
    db_bind_int(s, 2, a ? a->id : 0);
    store__bind_date(s, 3, j->end);
    /* included time is billed only as the work of an advanced project invoiced monthly */
    db_bind_int(s, 4, a && a->kind == AK_ADVANCED && a->invoicing == INVOICING_MONTHLY);
    rc = read_times(s, &time, &in->ntime, j->ar);
    in->time = time;
    if (rc < 0 || !a)
        return rc;
    rc = read_expenses(c, a->id, &expenses, &in->nexpenses, j->ar);
    in->expenses = expenses;
    return rc;
}

/* Number the invoice: the next of the year of issue. */
static int number_invoice(struct db_conn *c, struct invoice *inv, int64_t *year, int64_t *seq)
{
    struct db_stmt *s = db_stmt(c, SQL_NEXT_SEQ);
    unsigned m, d;
    int rc;

    civil_from_days(inv->issued_on, year, &m, &d);
    db_bind_int(s, 1, *year);
    if ((rc = db_step(s)) != DB_ROW)
        return db_done(s, db_err(rc));
    *seq = db_col_int(s, 0);
    invoice_number(*year, *seq, inv->number);
    return db_done(s, 0);
}

static int insert_lines(struct db_conn *c, const struct invoice *inv)
{
    int rc = 0;

    for (size_t i = 0; i < inv->nlines && rc == 0; i++) {
        const struct invoice_line *l = &inv->lines[i];
        struct db_stmt *s = db_stmt(c, SQL_LINE_INSERT);
        db_bind_int(s, 1, inv->id);
        db_bind_int(s, 2, (int64_t)i + 1);
        db_bind_text(s, 3, line_kind_names[l->kind]);
        db_bind_text(s, 4, l->description);
        store__bind_date(s, 5, l->on);
        db_bind_int(s, 6, l->quantity);
        db_bind_text(s, 7, line_unit_names[l->unit]);
        db_bind_int(s, 8, l->unit_price);
        db_bind_int(s, 9, l->amount);
        if ((rc = db_exec(s)) < 0)
            break;
        if (l->source == SRC_NONE)
            continue;
        s = db_stmt(c, l->source == SRC_TIME ? SQL_TIME_BILLED : SQL_EXPENSE_BILLED);
        db_bind_int(s, 1, l->source_id);
        db_bind_int(s, 2, inv->id);
        rc = db_exec(s);
    }
    return rc;
}

static int insert_invoice(struct db_conn *c, struct invoice_job *j)
{
    struct invoice *inv = j->inv;
    int64_t year = 0, seq = 0;
    struct db_stmt *s;
    int rc;

    if ((rc = number_invoice(c, inv, &year, &seq)) < 0)
        return rc;
    s = db_stmt(c, SQL_INVOICE_INSERT);
    db_bind_text(s, 1, inv->number);
    db_bind_int(s, 2, year);
    db_bind_int(s, 3, seq);
    db_bind_int(s, 4, inv->organization_id);
    db_bind_id(s, 5, inv->agreement_id);
    store__bind_date(s, 6, inv->period_start);
    store__bind_date(s, 7, inv->period_end);
    store__bind_date(s, 8, inv->issued_on);
    db_bind_text(s, 9, inv->currency);
    db_bind_int(s, 10, inv->total);
    db_bind_id(s, 11, j->c->user_id);
    db_bind_int(s, 12, j->now);
    db_bind_text(s, 13, invoice_kind_names[inv->kind]);
    if ((rc = db_insert(s, &inv->id)) < 0)
        return rc;
    if ((rc = insert_lines(c, inv)) < 0)
        return rc;
    return store__audit(
        c, j->c->user_id, "create", "invoice", inv->id, NULL,
        arena_sprintf(j->ar, "{\"number\":\"%s\",\"total\":%" PRId64 "}", inv->number, inv->total));
}

static int issue(struct db_conn *c, struct invoice_job *j);

static int write_invoice_create(struct db_conn *c, void *arg)
{
    struct invoice_job *j = arg;
    struct invoice_input in = {0};
    struct strbuf err = STRBUF_INIT;
    struct agreement a;
    int rc;

    memset(j->inv, 0, sizeof(*j->inv));
    in.period_start = j->start;
    in.period_end = j->end;
    rc = j->agreement_id ? invoice_agreement(c, j, j->agreement_id, &a, &in)
                         : billing_defaults(c, &in.rate, &in.currency, j->ar);
    if (rc < 0 || (rc = org_name(c, j->organization_id, &j->inv->organization_name, j->ar)) < 0 ||
        (rc = unbilled(c, j, &in)) < 0)
        return rc;
    if ((rc = invoice_build(&in, j->inv, j->ar, &err)) < 0)
        store__fault(j->fault, rc, "period_end", "%s", err.buf);
    strbuf_release(&err);
    if (rc < 0)
        return rc;
    j->inv->kind = j->agreement_id ? INVOICE_AGREEMENT : INVOICE_TIME;
    return issue(c, j);
}

/* Stamp and store the built invoice j->inv; nothing to bill is DESK_ECONFLICT. */
static int issue(struct db_conn *c, struct invoice_job *j)
{
    if (!j->inv->nlines)
        return store__fault(j->fault, DESK_ECONFLICT, NULL,
                             "nothing to invoice up to the end of the period");
    j->inv->organization_id = j->organization_id;
    j->inv->agreement_id = j->agreement_id;
    j->inv->issued_on = store__today(j->now);
    j->inv->created_at = j->now;
    return insert_invoice(c, j);
}

/* The ids of the agreements a yearly invoice carries (arena). */
static int yearly_agreements(struct db_conn *c, struct invoice_job *j, int64_t **ids, size_t *n)
{
    struct db_stmt *s = db_stmt(c, SQL_YEARLY_AGREEMENTS);
    size_t alloc = 0;
    int rc;

    *ids = NULL;
    *n = 0;
    db_bind_int(s, 1, j->organization_id);
    store__bind_date(s, 2, j->start);
    store__bind_date(s, 3, j->end);
    while ((rc = db_step(s)) == DB_ROW) {
        *ids = store__grow(j->ar, *ids, *n, &alloc, sizeof(**ids));
        (*ids)[(*n)++] = db_col_int(s, 0);
    }
    return db_done(s, rc == DB_DONE ? 0 : db_err(rc));
}

/* A yearly invoice of the organisation overlapping the period: DESK_ECONFLICT naming it. */
static int yearly_overlap(struct db_conn *c, struct invoice_job *j)
{
    struct db_stmt *s = db_stmt(c, SQL_YEARLY_OVERLAP);
    int rc;

    db_bind_int(s, 1, j->organization_id);
    store__bind_date(s, 2, j->start);
    store__bind_date(s, 3, j->end);
    if ((rc = db_step(s)) == DB_ROW)
        return db_done(s, store__fault(j->fault, DESK_ECONFLICT, "period_start",
                                       "the period overlaps yearly invoice %s",
                                       db_col_raw(s, 0)));
    return db_done(s, rc == DB_DONE ? 0 : db_err(rc));
}

/*
 * The organisation's yearly invoice: each signed maintenance and enhanced agreement of the
 * period (its fees, change orders, billable time and expenses, as its own invoice would
 * bill them) and the add-ons running in it, in one invoice; the agreements are recorded in
 * invoice_agreements so that neither kind of invoice bills their period again.
 */
static int write_invoice_yearly(struct db_conn *c, void *arg)
{
    struct invoice_job *j = arg;
    struct strbuf err = STRBUF_INIT;
    struct invoice_input *parts;
    struct addon *addons;
    struct agreement *ags;
    size_t n, nags, naddons;
    int64_t *ids;
    int rc;

    memset(j->inv, 0, sizeof(*j->inv));
    if ((rc = org_name(c, j->organization_id, &j->inv->organization_name, j->ar)) < 0 ||
        (rc = yearly_overlap(c, j)) < 0 || (rc = yearly_agreements(c, j, &ids, &n)) < 0 ||
        (rc = store__addons_in(c, j->organization_id, j->start, j->end, &addons, &naddons,
                               j->ar)) < 0)
        return rc;
    parts = ARENA_NEWN(j->ar, struct invoice_input, n + 1);
    ags = ARENA_NEWN(j->ar, struct agreement, n + 1);
    for (size_t i = 0; i < n && rc == 0; i++) {
        parts[i] = (struct invoice_input){.period_start = j->start, .period_end = j->end};
        if ((rc = invoice_agreement(c, j, ids[i], &ags[i], &parts[i])) == 0)
            rc = unbilled(c, j, &parts[i]);
    }
    if (rc < 0)
        return rc;
    nags = n;
    if (naddons) /* the add-ons, in the currency of the first agreement (or their own) */
        parts[n++] = (struct invoice_input){.currency = nags ? parts[0].currency
                                                             : addons[0].currency,
                                            .period_start = j->start,
                                            .period_end = j->end,
                                            .addons = addons,
                                            .naddons = naddons};
    if (!n)
        return store__fault(j->fault, DESK_ECONFLICT, NULL,
                            "organization %" PRId64 " has no signed maintenance or enhanced "
                            "agreement and no add-on in the period",
                            j->organization_id);
    for (size_t i = 0; i < naddons && rc == 0; i++)
        if (strcmp(addons[i].currency, parts[n - 1].currency))
            rc = store__fault(j->fault, DESK_ECONFLICT, NULL,
                              "add-on %" PRId64 " is in %s, the invoice in %s", addons[i].id,
                              addons[i].currency, parts[n - 1].currency);
    if (rc == 0 && (rc = invoice_build_combined(parts, n, j->inv, j->ar, &err)) < 0)
        store__fault(j->fault, rc, rc == DESK_ECONFLICT ? NULL : "period_end", "%s", err.buf);
    strbuf_release(&err);
    if (rc < 0)
        return rc;
    j->inv->kind = INVOICE_YEARLY;
    if ((rc = issue(c, j)) < 0)
        return rc;
    for (size_t i = 0; i < nags && rc == 0; i++) {
        struct db_stmt *s = db_stmt(c, SQL_INVOICE_AGREEMENT_INSERT);
        db_bind_int(s, 1, j->inv->id);
        db_bind_int(s, 2, ags[i].id);
        rc = db_exec(s);
    }
    return rc;
}

int store_invoice_create_yearly(struct store *st, const struct caller *c, int64_t organization_id,
                                int64_t period_start, int64_t period_end, int64_t now,
                                struct invoice *out, struct store_fault *fault, struct arena *ar)
{
    struct invoice_job j = {c,   0,  organization_id, true,  period_start,
                            period_end, now, out,       fault, ar};
    return db_write(st, write_invoice_yearly, &j);
}

int store_invoice_create(struct store *st, const struct caller *c, int64_t agreement_id,
                           int64_t organization_id, int64_t period_start, int64_t period_end,
                           int64_t now, struct invoice *out, struct store_fault *fault,
                           struct arena *ar)
{
    struct invoice_job j = {
        c, agreement_id, organization_id, false, period_start, period_end, now, out, fault, ar};
    return db_write(st, write_invoice_create, &j);
}

#define INVOICE_COLS                                                                               \
    "i.id, i.number, i.organization_id, o.name, coalesce(i.agreement_id, 0), i.period_start, "     \
    "i.period_end, i.issued_on, i.currency, i.total, i.created_at, i.kind "

static const char SQL_INVOICE_GET[] =
    "SELECT " INVOICE_COLS "FROM invoices i JOIN organizations o ON o.id = i.organization_id "
    "WHERE i.id = ?1 AND (CAST(?2 AS BIGINT) = 0 OR i.organization_id = ?2)";
static const char SQL_INVOICE_LIST[] =
    "SELECT " INVOICE_COLS "FROM invoices i JOIN organizations o ON o.id = i.organization_id "
    "WHERE (CAST(?1 AS BIGINT) = 0 OR i.organization_id = ?1) AND (CAST(?2 AS BIGINT) = 0 OR "
    "i.organization_id = ?2) AND "
    "(CAST(?3 AS BIGINT) = 0 OR i.agreement_id = ?3) AND (CAST(?4 AS BIGINT) = 0 OR i.id < ?4) "
    "ORDER BY i.id DESC LIMIT ?5";
static const char SQL_LINES[] =
    "SELECT kind, description, on_date, quantity, unit, unit_price, amount FROM invoice_lines "
    "WHERE invoice_id = ? ORDER BY position";

static void read_invoice(struct db_stmt *s, struct invoice *inv, struct arena *ar)
{
    const char *number = db_col_raw(s, 1);
    const char *cur = db_col_raw(s, 8);

    memset(inv, 0, sizeof(*inv));
    inv->id = db_col_int(s, 0);
    snprintf(inv->number, sizeof(inv->number), "%s", number ? number : "");
    inv->organization_id = db_col_int(s, 2);
    inv->organization_name = db_col_text(s, 3, ar);
    inv->agreement_id = db_col_int(s, 4);
    inv->period_start = store__col_date(s, 5);
    inv->period_end = store__col_date(s, 6);
    inv->issued_on = store__col_date(s, 7);
    snprintf(inv->currency, sizeof(inv->currency), "%s", cur ? cur : "");
    inv->total = db_col_int(s, 9);
    inv->created_at = db_col_int(s, 10);
    inv->kind = (enum invoice_kind)name_at(invoice_kind_names, db_col_raw(s, 11));
}

static int read_lines(struct db_conn *c, struct invoice *inv, struct arena *ar)
{
    struct db_stmt *s = db_stmt(c, SQL_LINES);
    struct invoice_line *out = NULL;
    size_t alloc = 0, n = 0;
    int rc;

    db_bind_int(s, 1, inv->id);
    while ((rc = db_step(s)) == DB_ROW) {
        out = store__grow(ar, out, n, &alloc, sizeof(*out));
        out[n++] = (struct invoice_line){
            (enum line_kind)name_at(line_kind_names, db_col_raw(s, 0)),
            db_col_text(s, 1, ar),
            store__col_date(s, 2),
            db_col_int(s, 3),
            (enum line_unit)name_at(line_unit_names, db_col_raw(s, 4)),
            db_col_int(s, 5),
            db_col_int(s, 6),
            SRC_NONE,
            0};
    }
    inv->lines = out;
    inv->nlines = n;
    return db_done(s, rc == DB_DONE ? 0 : db_err(rc));
}

int store_invoice_get(struct store *st, const struct caller *c, int64_t id, struct invoice *out,
                        struct arena *ar)
{
    struct db_conn *conn = db_get(st);
    struct db_stmt *s = db_stmt(conn, SQL_INVOICE_GET);
    int rc;

    db_bind_int(s, 1, id);
    db_bind_int(s, 2, STORE_ORG_FILTER(c));
    rc = db_step(s);
    if (rc == DB_ROW)
        read_invoice(s, out, ar);
    rc = db_done(s, rc == DB_ROW    ? 0
                        : rc == DB_DONE ? DESK_ENOTFOUND
                                            : db_err(rc));
    if (rc == 0)
        rc = read_lines(conn, out, ar);
    db_put(st, conn);
    return rc;
}

int store_invoice_list(struct store *st, const struct caller *c, const struct invoice_filter *f,
                         struct invoice **items, size_t *n, int64_t *next, struct arena *ar)
{
    struct db_conn *conn;
    struct db_stmt *s;
    int rc;

    *items = NULL;
    *n = 0;
    *next = 0;
    if (f->limit < 1 || f->limit > STORE_PAGE_MAX)
        return DESK_EBADREQ;
    *items = ARENA_NEWN(ar, struct invoice, (size_t)f->limit + 1);
    conn = db_get(st);
    s = db_stmt(conn, SQL_INVOICE_LIST);
    db_bind_int(s, 1, STORE_ORG_FILTER(c));
    db_bind_int(s, 2, f->organization_id);
    db_bind_int(s, 3, f->agreement_id);
    db_bind_int(s, 4, f->before_id);
    db_bind_int(s, 5, f->limit + 1);
    while ((rc = db_step(s)) == DB_ROW)
        read_invoice(s, &(*items)[(*n)++], ar);
    rc = db_done(s, rc == DB_DONE ? 0 : db_err(rc));
    db_put(st, conn);
    if (*n > (size_t)f->limit) {
        (*n)--;
        *next = (*items)[*n - 1].id;
    }
    return rc;
}

/* ---- billing defaults ---------------------------------------------------------------------- */

static int billing_defaults(struct db_conn *c, int64_t *rate, const char **currency,
                            struct arena *ar)
{
    const char *r = store__meta_value(c, BILLING_RATE_KEY, ar);

    *currency = store__meta_value(c, BILLING_CURRENCY_KEY, ar);
    if (!r || !*currency) {
        log_error("msg=\"billing defaults missing from meta\"");
        return DESK_EIO;
    }
    *rate = strtoll(r, NULL, 10);
    return 0;
}

struct billing_job {
    const struct caller *c; /* who */
    int64_t rate;           /* minor units an hour */
    const char *currency;   /* ISO 4217 */
};

static int write_billing(struct db_conn *c, void *arg)
{
    struct billing_job *j = arg;
    struct arena ar = ARENA_INIT;
    const char *before, *after;
    int64_t rate;
    const char *cur;
    int rc;

    if ((rc = billing_defaults(c, &rate, &cur, &ar)) == 0) {
        before =
            arena_sprintf(&ar, "{\"default_rate\":%" PRId64 ",\"currency\":\"%s\"}", rate, cur);
        after = arena_sprintf(&ar, "{\"default_rate\":%" PRId64 ",\"currency\":\"%s\"}", j->rate,
                              j->currency);
        if ((rc = store__meta_put(c, BILLING_RATE_KEY, arena_sprintf(&ar, "%" PRId64, j->rate))) ==
                0 &&
            (rc = store__meta_put(c, BILLING_CURRENCY_KEY, j->currency)) == 0)
            rc = store__audit(c, j->c->user_id, "update", "billing", 0, before, after);
    }
    arena_release(&ar);
    return rc;
}

int store_billing_set(struct store *st, const struct caller *c, int64_t rate,
                        const char *currency)
{
    struct billing_job j = {c, rate, currency};
    return db_write(st, write_billing, &j);
}
