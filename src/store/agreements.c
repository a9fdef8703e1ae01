/*
 * agreements.c - agreements, change orders, bookings, the hours bank
 * and its warnings, and the priority line, on SQLite.
 *
 * The rules are in domain/agreement.c; this file reads rows into domain
 * structs, asks the rules, and writes the outcome with its audit row in one
 * transaction. Dates are TEXT 'YYYY-MM-DD' columns; extras, services and
 * phases are JSON texts.
 */
#define LOG_MODULE "store"
#include "core/compat.h"
#include "store/internal.h"
#include "core/crypto.h"
#include "core/err.h"
#include "core/time.h"
#include "core/xalloc.h"
#include "domain/agreement.h"
#include <jansson.h>


/* ---- agreements as rows ------------------------------------------------------------- */

static json_t *flags_json(const char *const *names, unsigned bits)
{
    json_t *list = json_array();

    for (int i = 0; names[i]; i++)
        if (bits & (1u << i))
            json_array_append_new(list, json_string(names[i]));
    return list;
}

static unsigned flags_parse(const char *const *names, const char *text)
{
    json_t *list = json_loads(text ? text : "[]", 0, NULL), *v;
    unsigned bits = 0;
    size_t i;

    json_array_foreach(list, i, v) bits |= agreement_flag(names, json_string_value(v));
    json_decref(list);
    return bits;
}

static json_t *phases_json(const struct agreement *a)
{
    json_t *list = json_array();

    for (size_t i = 0; i < a->nphases; i++) {
        char day[DATE_LEN];
        json_t *p = json_pack("{s:s, s:I}", "name", a->phases[i].name, "amount",
                              (json_int_t)a->phases[i].amount);
        if (a->phases[i].reached_on != DATE_NONE) {
            date_format(a->phases[i].reached_on, day);
            json_object_set_new(p, "reached_on", json_string(day));
        }
        json_array_append_new(list, p);
    }
    return list;
}

static void phases_parse(const char *text, struct agreement *a, struct arena *ar)
{
    json_t *list = json_loads(text ? text : "[]", 0, NULL), *v;
    struct phase *ph = ARENA_NEWN(ar, struct phase, json_array_size(list) + 1);
    size_t i;

    json_array_foreach(list, i, v)
    {
        const char *day = json_string_value(json_object_get(v, "reached_on"));
        const char *name = json_string_value(json_object_get(v, "name"));
        ph[i].name = arena_strdup(ar, name ? name : "");
        ph[i].amount = json_integer_value(json_object_get(v, "amount"));
        if (!day || date_parse(day, strlen(day), &ph[i].reached_on) < 0)
            ph[i].reached_on = DATE_NONE;
    }
    a->phases = ph;
    a->nphases = json_array_size(list);
    json_decref(list);
}

/* One party's signature of an entity as four columns: user id, name, address, time (0s and ""). */
#define SIGNATURE_ONE(col, dflt, entity, id, party)                                                \
    "coalesce((SELECT " col " FROM signatures WHERE entity = '" entity "' AND entity_id = " id    \
    " AND party = '" party "'), " dflt ")"
#define SIGNATURE_COLS(entity, id, party)                                                          \
    SIGNATURE_ONE("user_id", "0", entity, id, party)                                              \
    ", " SIGNATURE_ONE("name", "''", entity, id, party) ", " SIGNATURE_ONE("client_addr", "''",   \
                                                                       entity, id, party)         \
    ", " SIGNATURE_ONE("signed_at", "0", entity, id, party)

/* Read the two signatures of SIGNATURE_COLS from column `col` on into sig[2]. */
static void read_signatures(struct db_stmt *s, int col, struct signature sig[2], struct arena *ar)
{
    for (int p = 0; p < 2; p++, col += 4) {
        sig[p].user_id = db_col_int(s, col);
        sig[p].name = db_col_text(s, col + 1, ar);
        sig[p].client_addr = db_col_text(s, col + 2, ar);
        sig[p].signed_at = db_col_int(s, col + 3);
    }
}

#define AGREEMENT_COLS                                                                             \
    "a.id, a.organization_id, a.kind, a.status, a.starts_on, a.ends_on, a.hosting, "               \
    "coalesce(a.sla_policy_id, 0), coalesce(a.calendar_id, 0), coalesce(a.rasci_matrix_id, 0), "   \
    "a.currency, coalesce(a.annual_fee, 0), coalesce(a.rate, 0), "                                 \
    "coalesce(a.per_diem_rate, 0), coalesce(a.hours_minutes, 0), a.extras, a.services, "           \
    "a.invoicing, a.phases, coalesce(a.quote_amount, 0), a.quote_valid_until, "                    \
    "coalesce(a.quoted_at, 0), coalesce(a.signed_at, 0), a.notice_given_on, a.created_at, "        \
    "a.updated_at, coalesce(a.representative_id, 0), "                                           \
    SIGNATURE_COLS("agreement", "a.id", "vendor") ", "                                            \
    SIGNATURE_COLS("agreement", "a.id", "customer") ", "                                          \
    "coalesce((SELECT max(r.requirements_completed_at) FROM requirement_tasks r "                 \
    "WHERE r.agreement_id = a.id), 0) "

static void read_agreement(struct db_stmt *s, struct agreement *a, struct arena *ar)
{
    const char *cur = db_col_raw(s, 10);

    memset(a, 0, sizeof(*a));
    a->id = db_col_int(s, 0);
    a->organization_id = db_col_int(s, 1);
    agreement_kind_parse(db_col_raw(s, 2), &a->kind);
    agreement_status_parse(db_col_raw(s, 3), &a->status);
    a->starts_on = store__col_date(s, 4);
    a->ends_on = store__col_date(s, 5);
    if (hosting_parse(db_col_raw(s, 6), &a->hosting) < 0)
        a->hosting = HOSTING_NONE;
    a->sla_policy_id = db_col_int(s, 7);
    a->calendar_id = db_col_int(s, 8);
    a->rasci_matrix_id = db_col_int(s, 9);
    snprintf(a->currency, sizeof(a->currency), "%s", cur ? cur : "");
    a->annual_fee = db_col_int(s, 11);
    a->rate = db_col_int(s, 12);
    a->per_diem_rate = db_col_int(s, 13);
    a->hours_minutes = db_col_int(s, 14);
    a->extras = flags_parse(agreement_extra_names, db_col_raw(s, 15));
    a->services = flags_parse(agreement_service_names, db_col_raw(s, 16));
    if (invoicing_parse(db_col_raw(s, 17), &a->invoicing) < 0)
        a->invoicing = INVOICING_NONE;
    phases_parse(db_col_raw(s, 18), a, ar);
    a->quote_amount = db_col_int(s, 19);
    a->quote_valid_until = store__col_date(s, 20);
    a->quoted_at = db_col_int(s, 21);
    a->signed_at = db_col_int(s, 22);
    a->notice_given_on = store__col_date(s, 23);
    a->created_at = db_col_int(s, 24);
    a->updated_at = db_col_int(s, 25);
    a->representative_id = db_col_int(s, 26);
    read_signatures(s, 27, a->sig, ar);
    a->requirements_completed_at = db_col_int(s, 35);
}

static const char SQL_AGREEMENT_GET[] = "SELECT " AGREEMENT_COLS "FROM agreements a "
                                        "WHERE a.id = ?1 AND (CAST(?2 AS BIGINT) = 0 OR "
                                        "a.organization_id = ?2)";

int store__agreement_read(struct db_conn *c, const struct caller *who, int64_t id,
                           struct agreement *a, struct arena *ar)
{
    struct db_stmt *s = db_stmt(c, SQL_AGREEMENT_GET);
    int rc;

    db_bind_int(s, 1, id);
    db_bind_int(s, 2, STORE_ORG_FILTER(who));
    rc = db_step(s);
    if (rc != DB_ROW)
        return db_done(s, rc == DB_DONE ? DESK_ENOTFOUND : db_err(rc));
    read_agreement(s, a, ar);
    return db_done(s, 0);
}

int store_agreement_get(struct store *st, const struct caller *c, int64_t id, struct agreement *a,
                          struct arena *ar)
{
    struct db_conn *conn = db_get(st);
    int rc = store__agreement_read(conn, c, id, a, ar);

    db_put(st, conn);
    return rc;
}

static const char SQL_AGREEMENT_LIST[] =
    "SELECT " AGREEMENT_COLS "FROM agreements a WHERE (CAST(?1 AS BIGINT) = 0 OR "
    "a.organization_id = ?1) AND "
    "(CAST(?2 AS BIGINT) = 0 OR a.organization_id = ?2) AND (?3 = '' OR a.kind = ?3) AND "
    "(CAST(?4 AS BIGINT) = 0 OR a.id < ?4) ORDER BY a.id DESC LIMIT ?5";

int store_agreement_list(struct store *st, const struct caller *c,
                           const struct agreement_filter *f, struct agreement **items, size_t *n,
                           int64_t *next, struct arena *ar)
{
    struct db_conn *conn;
    struct db_stmt *s;
    int rc;

    *items = NULL;
    *n = 0;
    *next = 0;
    if (f->limit < 1 || f->limit > STORE_PAGE_MAX)
        return DESK_EBADREQ;
    *items = ARENA_NEWN(ar, struct agreement, (size_t)f->limit + 1);
    conn = db_get(st);
    s = db_stmt(conn, SQL_AGREEMENT_LIST);
    db_bind_int(s, 1, STORE_ORG_FILTER(c));
    db_bind_int(s, 2, f->organization_id);
    db_bind_text(s, 3, f->kind < 0 ? "" : agreement_kind_name((enum agreement_kind)f->kind));
    db_bind_int(s, 4, f->before_id);
    db_bind_int(s, 5, f->limit + 1);
    while ((rc = db_step(s)) == DB_ROW)
        read_agreement(s, &(*items)[(*n)++], ar);
    rc = db_done(s, rc == DB_DONE ? 0 : db_err(rc));
    db_put(st, conn);
    if (*n > (size_t)f->limit) {
        (*n)--;
        *next = (*items)[*n - 1].id;
    }
    return rc;
}

/* The audited view of an agreement: what a change can touch. */
static const char *agreement_audit(const struct agreement *a, struct arena *ar)
{
    char starts[DATE_LEN], ends[DATE_LEN] = "", notice[DATE_LEN] = "";
    json_t *o;

    date_format(a->starts_on, starts);
    if (a->ends_on != DATE_NONE)
        date_format(a->ends_on, ends);
    if (a->notice_given_on != DATE_NONE)
        date_format(a->notice_given_on, notice);
    o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:o, s:o, "
                  "s:o, s:s, s:I}",
                  "organization_id", (json_int_t)a->organization_id, "kind",
                  agreement_kind_name(a->kind), "status", agreement_status_name(a->status),
                  "starts_on", starts, "ends_on", ends, "currency", a->currency, "annual_fee",
                  (json_int_t)a->annual_fee, "rate", (json_int_t)a->rate, "per_diem_rate",
                  (json_int_t)a->per_diem_rate, "hours_minutes", (json_int_t)a->hours_minutes,
                  "sla_policy_id", (json_int_t)a->sla_policy_id, "calendar_id",
                  (json_int_t)a->calendar_id, "quote_amount", (json_int_t)a->quote_amount, "extras",
                  flags_json(agreement_extra_names, a->extras), "services",
                  flags_json(agreement_service_names, a->services), "phases", phases_json(a),
                  "notice_given_on", notice, "representative_id", (json_int_t)a->representative_id);
    return store__json_text(o, ar);
}

/* ---- references and the priority line ------------------------------------------------ */

static const char SQL_ORG_EXISTS[] = "SELECT 1 FROM organizations WHERE id = ?";
static const char SQL_POLICY_EXISTS[] = "SELECT 1 FROM sla_policies WHERE id = ?";
static const char SQL_CALENDAR_EXISTS[] = "SELECT 1 FROM calendars WHERE id = ?";
static const char SQL_RASCI_EXISTS[] = "SELECT 1 FROM rasci_matrices WHERE id = ?";

/* 0 when the row `id` of the SQL constant exists (or id is 0), else DESK_EINVAL naming field. */
static int reference(struct db_conn *c, const char *sql, int64_t id, const char *field,
                     struct store_fault *fault)
{
    struct db_stmt *s;
    int rc;

    if (!id)
        return 0;
    s = db_stmt(c, sql);
    db_bind_int(s, 1, id);
    rc = db_step(s);
    db_done(s, 0);
    if (rc == DB_ROW)
        return 0;
    if (rc != DB_DONE)
        return rc;
    return store__fault(fault, DESK_EINVAL, field, "%s %" PRId64 " does not exist", field, id);
}

static int check_references(struct db_conn *c, const struct agreement *a,
                            struct store_fault *fault)
{
    int rc;

    if ((rc = reference(c, SQL_ORG_EXISTS, a->organization_id, "organization_id", fault)) < 0 ||
        (rc = reference(c, SQL_POLICY_EXISTS, a->sla_policy_id, "sla_policy_id", fault)) < 0 ||
        (rc = reference(c, SQL_CALENDAR_EXISTS, a->calendar_id, "calendar_id", fault)) < 0)
        return rc;
    if (a->representative_id &&
        (rc = store__check_staff(c, a->representative_id, "representative_id", fault)) < 0)
        return rc;
    return reference(c, SQL_RASCI_EXISTS, a->rasci_matrix_id, "rasci_matrix_id", fault);
}

/* Organisations (one, or all with org 0) whose priority_line differs from what their agreements'
   extras and their priority-line add-ons give on date ?2. */
static const char SQL_PRIORITY_DRIFT[] =
    "SELECT id, want FROM (SELECT o.id, o.priority_line, CASE WHEN EXISTS (SELECT 1 FROM "
    "agreements a, json_each(a.extras) e WHERE a.organization_id = o.id AND a.status = 'signed' "
    "AND a.starts_on <= ?2 AND (a.ends_on IS NULL OR a.ends_on >= ?2) AND "
    "e.value = 'priority_line') OR EXISTS (SELECT 1 FROM addons d JOIN catalogue_services s "
    "ON s.id = d.service_id WHERE d.organization_id = o.id AND s.feature = 'priority_line' AND "
    "d.starts_on <= ?2 AND (d.ends_on IS NULL OR d.ends_on >= ?2)) THEN 1 ELSE 0 END AS want "
    "FROM organizations o WHERE CAST(?1 AS BIGINT) = 0 OR "
    "o.id = ?1) AS drift "
    "WHERE want <> priority_line";
static const char SQL_PRIORITY_SET[] =
    "UPDATE organizations SET priority_line = ?2, updated_at = ?3 WHERE id = ?1";
static const char SQL_PRIORITY_TICKETS[] =
    "UPDATE tickets SET priority = ?2 WHERE organization_id = ?1 AND "
    "status NOT IN ('resolved', 'closed') AND priority <> ?2";

static int set_priority(struct db_conn *c, int64_t org, bool on, int64_t now)
{
    struct db_stmt *s = db_stmt(c, SQL_PRIORITY_SET);
    int rc;

    db_bind_int(s, 1, org);
    db_bind_int(s, 2, on);
    db_bind_int(s, 3, now);
    if ((rc = db_exec(s)) < 0)
        return rc;
    s = db_stmt(c, SQL_PRIORITY_TICKETS);
    db_bind_int(s, 1, org);
    db_bind_int(s, 2, on);
    if ((rc = db_exec(s)) < 0)
        return rc;
    return store__audit(c, 0, "priority_line", "organization", org, on ? "0" : "1", on ? "1" : "0");
}

int store__priority_sync(struct db_conn *c, int64_t org, int64_t now, int *changed)
{
    struct db_stmt *s = db_stmt(c, SQL_PRIORITY_DRIFT);
    int64_t *ids = NULL;
    bool *want = NULL;
    size_t n = 0, alloc = 0, walloc = 0;
    int rc;

    db_bind_int(s, 1, org);
    store__bind_date(s, 2, store__today(now));
    while ((rc = db_step(s)) == DB_ROW) {
        ALLOC_GROW(ids, n + 1, alloc);
        ALLOC_GROW(want, n + 1, walloc);
        ids[n] = db_col_int(s, 0);
        want[n++] = (int)db_col_int(s, 1);
    }
    rc = db_done(s, rc == DB_DONE ? 0 : db_err(rc));
    for (size_t i = 0; i < n && rc == 0; i++)
        rc = set_priority(c, ids[i], want[i], now);
    if (changed)
        *changed = rc == 0 ? (int)n : 0;
    free(ids);
    free(want);
    return rc;
}

struct sync_job {
    int64_t now;  /* the date that counts */
    int *changed; /* out */
};

static int write_priority_sync(struct db_conn *c, void *arg)
{
    struct sync_job *j = arg;
    return store__priority_sync(c, 0, j->now, j->changed);
}

int store_priority_sync(struct store *st, int64_t now, int *changed)
{
    struct sync_job j = {now, changed};
    return db_write(st, write_priority_sync, &j);
}

/* ---- an enhanced agreement stands on a maintenance agreement ------------------------- */

static const char SQL_ORG_MAINTENANCE[] = "SELECT " AGREEMENT_COLS "FROM agreements a "
                                          "WHERE a.organization_id = ?1 AND "
                                          "a.kind = 'maintenance' ORDER BY a.id";

/*
 * 0 when organisation org has a maintenance agreement that supports an
 * enhanced one on today (agreement_supports_enhanced: to create it, or to
 * sign it), else DESK_ECONFLICT naming organization_id.
 */
static int check_maintenance(struct db_conn *c, int64_t org, int64_t today, bool to_sign,
                             struct store_fault *fault)
{
    struct db_stmt *s = db_stmt(c, SQL_ORG_MAINTENANCE);
    struct arena ar = ARENA_INIT;
    struct agreement m;
    bool found = false;
    int rc;

    db_bind_int(s, 1, org);
    while (!found && (rc = db_step(s)) == DB_ROW) {
        read_agreement(s, &m, &ar);
        found = agreement_supports_enhanced(&m, today, to_sign);
    }
    rc = db_done(s, found || rc == DB_DONE ? 0 : db_err(rc));
    arena_release(&ar);
    if (rc < 0 || found)
        return rc;
    if (to_sign)
        return store__fault(fault, DESK_ECONFLICT, "organization_id",
                            "organization %" PRId64 " has no signed maintenance agreement", org);
    return store__fault(fault, DESK_ECONFLICT, "organization_id",
                        "organization %" PRId64 " has no maintenance agreement (an enhanced "
                        "agreement needs one, signed before the enhanced one is signed)",
                        org);
}

/* ---- creating and saving ------------------------------------------------------------- */

static const char SQL_AGREEMENT_INSERT[] =
    "INSERT INTO agreements (organization_id, kind, status, starts_on, ends_on, hosting, "
    "sla_policy_id, calendar_id, rasci_matrix_id, currency, annual_fee, rate, per_diem_rate, "
    "hours_minutes, extras, services, invoicing, phases, created_at, updated_at, "
    "representative_id) VALUES (?1, ?2, 'requested', ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, "
    "?13, ?14, ?15, ?16, ?17, ?18, ?18, ?19) RETURNING id";
static const char SQL_AGREEMENT_SAVE[] =
    "UPDATE agreements SET status = ?2, starts_on = ?3, ends_on = ?4, hosting = ?5, "
    "sla_policy_id = ?6, calendar_id = ?7, rasci_matrix_id = ?8, currency = ?9, "
    "annual_fee = ?10, rate = ?11, per_diem_rate = ?12, hours_minutes = ?13, extras = ?14, "
    "services = ?15, invoicing = ?16, phases = ?17, updated_at = ?18, quote_amount = ?19, "
    "quote_valid_until = ?20, quoted_at = ?21, signed_at = ?22, notice_given_on = ?23, "
    "representative_id = ?24 WHERE id = ?1";

/* Bind the terms shared by insert and save (parameters 3..17). */
static void bind_terms(struct db_stmt *s, const struct agreement *a, struct arena *ar)
{
    store__bind_date(s, 3, a->starts_on);
    store__bind_date(s, 4, a->ends_on);
    db_bind_text(s, 5, hosting_name(a->hosting));
    db_bind_id(s, 6, a->sla_policy_id);
    db_bind_id(s, 7, a->calendar_id);
    db_bind_id(s, 8, a->rasci_matrix_id);
    db_bind_text(s, 9, a->currency);
    db_bind_int(s, 10, a->annual_fee);
    db_bind_int(s, 11, a->rate);
    db_bind_int(s, 12, a->per_diem_rate);
    db_bind_int(s, 13, a->hours_minutes);
    db_bind_text(s, 14, store__json_text(flags_json(agreement_extra_names, a->extras), ar));
    db_bind_text(s, 15,
                     store__json_text(flags_json(agreement_service_names, a->services), ar));
    db_bind_text(s, 16, invoicing_name(a->invoicing));
    db_bind_text(s, 17, store__json_text(phases_json(a), ar));
}

static int save_agreement(struct db_conn *c, struct agreement *a, int64_t now, struct arena *ar)
{
    struct db_stmt *s = db_stmt(c, SQL_AGREEMENT_SAVE);

    a->updated_at = now;
    db_bind_int(s, 1, a->id);
    db_bind_text(s, 2, agreement_status_name(a->status));
    bind_terms(s, a, ar);
    db_bind_int(s, 18, now);
    db_bind_int(s, 19, a->quote_amount);
    store__bind_date(s, 20, a->quote_valid_until);
    db_bind_id(s, 21, a->quoted_at);
    db_bind_id(s, 22, a->signed_at);
    store__bind_date(s, 23, a->notice_given_on);
    db_bind_id(s, 24, a->representative_id);
    return db_exec(s);
}

struct agreement_job {
    const struct caller *c;          /* who */
    int64_t id;                      /* which agreement (not create) */
    struct agreement *a;             /* create: in/out; others: out */
    const struct agreement_patch *p; /* update */
    const struct agreement_move *m;  /* move */
    int64_t now;                     /* when */
    struct store_fault *fault;       /* why it was refused */
    struct arena *ar;                /* for the result */
};

static int check_terms(const struct agreement *a, struct store_fault *fault)
{
    struct strbuf err = STRBUF_INIT;
    const char *field = NULL;
    int rc = agreement_check(a, &field, &err);

    if (rc < 0)
        store__fault(fault, rc, field, "%s", err.buf);
    strbuf_release(&err);
    return rc;
}

/* The default SLA policy (STORE_DEFAULT_POLICY_KEY), 0 when there is none. */
static int64_t default_policy(struct db_conn *c, struct arena *ar)
{
    const char *v = store__meta_value(c, STORE_DEFAULT_POLICY_KEY, ar);

    return v ? strtoll(v, NULL, 10) : 0;
}

static int write_agreement_create(struct db_conn *c, void *arg)
{
    struct agreement_job *j = arg;
    struct agreement *a = j->a;
    struct arena ar = ARENA_INIT;
    struct db_stmt *s;
    int rc;

    a->status = AS_REQUESTED;
    a->quote_valid_until = a->notice_given_on = DATE_NONE;
    a->created_at = a->updated_at = j->now;
    if (a->kind == AK_MAINTENANCE && !a->sla_policy_id)
        a->sla_policy_id = default_policy(c, &ar);
    if ((rc = check_terms(a, j->fault)) < 0 || (rc = check_references(c, a, j->fault)) < 0)
        goto out;
    if (a->kind == AK_ENHANCED &&
        (rc = check_maintenance(c, a->organization_id, store__today(j->now), false, j->fault)) < 0)
        goto out;
    s = db_stmt(c, SQL_AGREEMENT_INSERT);
    db_bind_int(s, 1, a->organization_id);
    db_bind_text(s, 2, agreement_kind_name(a->kind));
    bind_terms(s, a, &ar);
    db_bind_int(s, 18, j->now);
    db_bind_id(s, 19, a->representative_id);
    if ((rc = db_insert(s, &a->id)) < 0)
        goto out;
    rc =
        store__audit(c, j->c->user_id, "create", "agreement", a->id, NULL, agreement_audit(a, &ar));
out:
    arena_release(&ar);
    return rc;
}

int store_agreement_create(struct store *st, const struct caller *c, struct agreement *a,
                             int64_t now, struct store_fault *fault)
{
    struct agreement_job j = {c, 0, a, NULL, NULL, now, fault, NULL};
    return db_write(st, write_agreement_create, &j);
}

/* Save a after a change from `before`, with its effects: audit, priority line, SLA clocks. */
static int finish_change(struct db_conn *c, struct agreement_job *j,
                         const struct agreement *before, const char *action)
{
    struct agreement *a = j->a;
    int rc;

    if ((rc = save_agreement(c, a, j->now, j->ar)) < 0 ||
        (rc = store__audit(c, j->c->user_id, action, "agreement", a->id,
                           agreement_audit(before, j->ar), agreement_audit(a, j->ar))) < 0 ||
        (rc = store__priority_sync(c, a->organization_id, j->now, NULL)) < 0)
        return rc;
    if (a->calendar_id != before->calendar_id || a->sla_policy_id != before->sla_policy_id)
        rc = store__recompute_tickets(c, a->calendar_id, a->sla_policy_id);
    return rc;
}

static int write_agreement_update(struct db_conn *c, void *arg)
{
    struct agreement_job *j = arg;
    struct strbuf err = STRBUF_INIT;
    struct agreement before;
    const char *field = NULL;
    int rc;

    if ((rc = store__agreement_read(c, j->c, j->id, j->a, j->ar)) < 0)
        return rc;
    before = *j->a;
    if ((rc = agreement_patch_apply(j->a, j->p, &field, &err)) < 0)
        store__fault(j->fault, rc, field, "%s", err.buf);
    strbuf_release(&err);
    if (rc < 0 || (rc = check_references(c, j->a, j->fault)) < 0)
        return rc;
    return finish_change(c, j, &before, "update");
}

int store_agreement_update(struct store *st, const struct caller *c, int64_t id,
                             const struct agreement_patch *p, int64_t now, struct agreement *out,
                             struct store_fault *fault, struct arena *ar)
{
    struct agreement_job j = {c, id, out, p, NULL, now, fault, ar};
    return db_write(st, write_agreement_update, &j);
}

/* ---- notices where someone must act ------------------------------------------------------ */

static const char SQL_CONTACTS[] = "SELECT email FROM users WHERE organization_id = ? AND "
                                   "role = 'customer' ORDER BY id";
static const char SQL_STAFF_EMAIL[] = "SELECT email FROM users WHERE id = ? AND role <> 'customer'";

/* The addresses the SQL constant (one id bound) reads, as a JSON list (arena). */
static const char *emails_json(struct db_conn *c, const char *sql, int64_t id, struct arena *ar)
{
    struct db_stmt *s = db_stmt(c, sql);
    json_t *list = json_array();

    db_bind_int(s, 1, id);
    while (db_step(s) == DB_ROW)
        json_array_append_new(list, json_string(db_col_raw(s, 0)));
    db_done(s, 0);
    return store__json_text(list, ar);
}

/* The organisation's customer contacts as a JSON list (arena). */
static const char *contacts_json(struct db_conn *c, int64_t org, struct arena *ar)
{
    return emails_json(c, SQL_CONTACTS, org, ar);
}

/*
 * Queue a notice of `kind` about id to the JSON list `to`; nobody to tell
 * (an empty list) queues nothing. Its Message-ID is RANDOM.tag.ID.
 */
static int queue_mail(struct db_conn *c, const char *kind, const char *tag, const char *to,
                      const char *subject, const char *body, int64_t id, int64_t now,
                      struct arena *ar)
{
    char mid[33];

    if (!strcmp(to, "[]"))
        return 0;
    random_hex(mid, 16);
    return store__outbox_mail(c, kind, to, subject, body,
                              arena_sprintf(ar, "%s.%s.%" PRId64, mid, tag, id), now);
}

/* A quote was issued: the customer's contacts are asked to accept it in the portal. */
static int notice_quote(struct db_conn *c, const struct agreement *a, int64_t now,
                        struct arena *ar)
{
    const struct currency *cur = currency_find(a->currency);
    char amount[MONEY_TEXT_LEN] = "", until[DATE_LEN];

    if (cur)
        money_format(a->quote_amount, cur, MONEY_GROUP, amount);
    date_format(a->quote_valid_until, until);
    return queue_mail(
        c, "quote", "quote", contacts_json(c, a->organization_id, ar),
        arena_sprintf(ar, "Quote for agreement #%" PRId64 ": %s %s", a->id, amount, a->currency),
        arena_sprintf(ar,
                      "Agreement #%" PRId64 " is quoted at %s %s, valid until %s.\n"
                      "Read the statement of work and accept it in the portal under "
                      "Agreements; it is in effect once both sides have signed.\n",
                      a->id, amount, a->currency, until),
        a->id, now, ar);
}

/*
 * The customer (name) accepted `what` ("agreement #3", "change order #5 of
 * agreement #3"; id is its id) and the vendor has yet to sign: the
 * agreement's representative is told.
 */
static int notice_accepted(struct db_conn *c, const struct agreement *a, const char *name,
                           const char *what, int64_t id, int64_t now, struct arena *ar)
{
    if (!a->representative_id)
        return 0;
    return queue_mail(c, "signature_wanted", "accepted",
                      emails_json(c, SQL_STAFF_EMAIL, a->representative_id, ar),
                      arena_sprintf(ar, "Accepted by the customer, to sign: %s", what),
                      arena_sprintf(ar,
                                    "%s accepted %s for the customer. It is in effect once the "
                                    "vendor has signed it on the desk.\n",
                                    name, what),
                      id, now, ar);
}

/* ---- quote, sign, cancel ----------------------------------------------------------------- */

static const char SQL_BOOKINGS_CONFIRM[] =
    "UPDATE bookings SET status = 'confirmed', updated_at = ?2 WHERE agreement_id = ?1 AND "
    "status = 'tentative'";

static const char SQL_QUOTE_INSERT[] =
    "INSERT INTO agreement_quotes (agreement_id, amount, currency, valid_until, quoted_by, "
    "quoted_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)";

/* A new quote: the agreement's latest, and a row of its history. */
static int move_quote(struct db_conn *c, struct agreement_job *j, enum agreement_status now)
{
    struct agreement *a = j->a;
    struct db_stmt *s;
    int rc;

    if (now != AS_REQUESTED && now != AS_QUOTED)
        return store__fault(j->fault, DESK_ECONFLICT, NULL, "agreement %" PRId64 " is %s", a->id,
                             agreement_status_name(now));
    if (j->m->valid_until < store__today(j->now))
        return store__fault(j->fault, DESK_EINVAL, "valid_until", "valid_until is in the past");
    a->status = AS_QUOTED;
    a->quote_amount = j->m->amount;
    a->quote_valid_until = j->m->valid_until;
    a->quoted_at = j->now;
    s = db_stmt(c, SQL_QUOTE_INSERT);
    db_bind_int(s, 1, a->id);
    db_bind_int(s, 2, a->quote_amount);
    db_bind_text(s, 3, a->currency);
    store__bind_date(s, 4, a->quote_valid_until);
    db_bind_id(s, 5, j->c->user_id);
    db_bind_int(s, 6, j->now);
    if ((rc = db_exec(s)) < 0)
        return rc;
    return notice_quote(c, a, j->now, j->ar);
}

static const char SQL_SIGNATURE_INSERT[] =
    "INSERT INTO signatures (entity, entity_id, party, user_id, name, client_addr, signed_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
static const char SQL_USER_NAME[] = "SELECT name FROM users WHERE id = ?";

/*
 * Record party p's signature of entity id by who (name: typed, or NULL for
 * the user's own name; addr: the client's address) into *sig, with its row in
 * the audit trail.
 */
static int add_signature(struct db_conn *c, const char *entity, int64_t id, enum party p,
                         const struct caller *who, const char *name, const char *addr,
                         int64_t now, struct signature *sig, struct arena *ar)
{
    struct db_stmt *s;
    int rc;

    if (!name) {
        s = db_stmt(c, SQL_USER_NAME);
        db_bind_int(s, 1, who->user_id);
        name = db_step(s) == DB_ROW ? db_col_text(s, 0, ar) : "svcdesk";
        db_done(s, 0);
    }
    *sig = (struct signature){who->user_id, name, addr ? addr : "", now};
    s = db_stmt(c, SQL_SIGNATURE_INSERT);
    db_bind_text(s, 1, entity);
    db_bind_int(s, 2, id);
    db_bind_text(s, 3, party_names[p]);
    db_bind_id(s, 4, who->user_id);
    db_bind_text(s, 5, sig->name);
    db_bind_text(s, 6, sig->client_addr);
    db_bind_int(s, 7, now);
    if ((rc = db_exec(s)) < 0)
        return rc;
    return store__audit_json(c, who->user_id, p == PARTY_CUSTOMER ? "accept" : "sign", entity, id,
                             NULL,
                             json_pack("{s:s, s:s, s:s, s:I}", "party", party_names[p], "name",
                                       sig->name, "client_addr", sig->client_addr, "signed_at",
                                       (json_int_t)now));
}

/*
 * Party p signs: the vendor (…/sign, staff) or the customer (…/accept). The
 * second signature puts the agreement in effect: signed, bookings confirmed.
 */
static int move_sign(struct db_conn *c, struct agreement_job *j, enum party p)
{
    struct agreement *a = j->a;
    struct strbuf err = STRBUF_INIT;
    struct db_stmt *s;
    bool completes;
    int rc = agreement_sign_check(a, store__today(j->now), p, &completes, &err);

    if (rc < 0)
        store__fault(j->fault, rc, NULL, "%s", err.buf);
    strbuf_release(&err);
    if (rc < 0)
        return rc;
    if (a->kind == AK_ENHANCED &&
        (rc = check_maintenance(c, a->organization_id, store__today(j->now), true, j->fault)) < 0)
        return rc;
    if ((rc = add_signature(c, "agreement", a->id, p, j->c, j->m->name, j->m->client_addr,
                            j->now, &a->sig[p], j->ar)) < 0)
        return rc;
    if (!completes)
        return p == PARTY_CUSTOMER
                   ? notice_accepted(c, a, a->sig[p].name,
                                     arena_sprintf(j->ar, "agreement #%" PRId64, a->id), a->id,
                                     j->now, j->ar)
                   : 0;
    a->status = AS_SIGNED;
    a->signed_at = j->now;
    s = db_stmt(c, SQL_BOOKINGS_CONFIRM);
    db_bind_int(s, 1, a->id);
    db_bind_int(s, 2, j->now);
    return db_exec(s);
}

static const char SQL_QUOTES[] =
    "SELECT q.id, q.agreement_id, q.amount, q.currency, q.valid_until, coalesce(q.quoted_by, 0), "
    "coalesce(u.name, ''), q.quoted_at FROM agreement_quotes q LEFT JOIN users u ON "
    "u.id = q.quoted_by WHERE q.agreement_id = ? ORDER BY q.id";

int store_agreement_quotes(struct store *st, const struct caller *c, int64_t id,
                           struct quote **items, size_t *n, struct arena *ar)
{
    struct db_conn *conn = db_get(st);
    struct quote *out = NULL;
    struct agreement a;
    struct db_stmt *s;
    size_t alloc = 0;
    int rc = store__agreement_read(conn, c, id, &a, ar);

    *n = 0;
    if (rc < 0)
        goto out;
    s = db_stmt(conn, SQL_QUOTES);
    db_bind_int(s, 1, id);
    while ((rc = db_step(s)) == DB_ROW) {
        struct quote *q;
        out = store__grow(ar, out, *n, &alloc, sizeof(*out));
        q = &out[(*n)++];
        q->id = db_col_int(s, 0);
        q->agreement_id = db_col_int(s, 1);
        q->amount = db_col_int(s, 2);
        snprintf(q->currency, sizeof(q->currency), "%s", db_col_raw(s, 3));
        q->valid_until = store__col_date(s, 4);
        q->quoted_by = db_col_int(s, 5);
        q->quoted_by_name = db_col_text(s, 6, ar);
        q->quoted_at = db_col_int(s, 7);
    }
    rc = db_done(s, rc == DB_DONE ? 0 : db_err(rc));
out:
    *items = out;
    db_put(st, conn);
    return rc;
}

static int remove_remaining_hours(struct db_conn *c, struct agreement_job *j, int64_t notice);

static int move_cancel(struct db_conn *c, struct agreement_job *j)
{
    struct agreement *a = j->a;
    struct strbuf err = STRBUF_INIT;
    struct cancel_plan plan;
    int rc = agreement_cancel(a, j->m->notice, store__today(j->now), &plan, &err);

    if (rc < 0)
        store__fault(j->fault, rc, rc == DESK_EINVAL ? "notice_given_on" : NULL, "%s", err.buf);
    strbuf_release(&err);
    if (rc < 0)
        return rc;
    a->notice_given_on = j->m->notice;
    if (plan.at_once) {
        a->status = AS_CANCELLED;
        return 0;
    }
    /* the hours left are those of the shortened term */
    a->ends_on = plan.ends_on;
    return plan.remove_hours ? remove_remaining_hours(c, j, j->m->notice) : 0;
}

static int write_agreement_move(struct db_conn *c, void *arg)
{
    static const char *const actions[] = {"quote", "sign", "cancel", "accept"};
    struct agreement_job *j = arg;
    struct agreement before;
    enum agreement_status now;
    int rc;

    if ((rc = store__agreement_read(c, j->c, j->id, j->a, j->ar)) < 0)
        return rc;
    before = *j->a;
    now = agreement_status_on(j->a, store__today(j->now));
    switch (j->m->kind) {
    case MOVE_QUOTE:
        rc = move_quote(c, j, now);
        break;
    case MOVE_SIGN:
        rc = move_sign(c, j, PARTY_VENDOR);
        break;
    case MOVE_ACCEPT:
        rc = move_sign(c, j, PARTY_CUSTOMER);
        break;
    case MOVE_CANCEL:
        rc = move_cancel(c, j);
        break;
    }
    return rc < 0 ? rc : finish_change(c, j, &before, actions[j->m->kind]);
}

int store_agreement_move(struct store *st, const struct caller *c, int64_t id,
                           const struct agreement_move *m, int64_t now, struct agreement *out,
                           struct store_fault *fault, struct arena *ar)
{
    struct agreement_job j = {c, id, out, NULL, m, now, fault, ar};
    return db_write(st, write_agreement_move, &j);
}

/* ---- change orders ----------------------------------------------------------------------- */

#define CHANGE_ORDER_COLS                                                                          \
    "id, agreement_id, minutes, reason, applies_to, status, signed_on, coalesce(signed_at, 0), "   \
    "created_at, " SIGNATURE_COLS("change_order", "change_orders.id", "vendor") ", "             \
    SIGNATURE_COLS("change_order", "change_orders.id", "customer") " "

static const char SQL_CHANGE_ORDERS[] =
    "SELECT " CHANGE_ORDER_COLS "FROM change_orders WHERE agreement_id = ? ORDER BY id";
static const char SQL_CHANGE_ORDER_INSERT[] =
    "INSERT INTO change_orders (agreement_id, minutes, reason, applies_to, status, signed_on, "
    "signed_at, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id";
static const char SQL_CHANGE_ORDER_SIGN[] =
    "UPDATE change_orders SET status = 'signed', signed_on = ?2, signed_at = ?3 WHERE id = ?1";

static void read_change_order(struct db_stmt *s, struct change_order *co, struct arena *ar)
{
    int v;

    co->id = db_col_int(s, 0);
    co->agreement_id = db_col_int(s, 1);
    co->minutes = db_col_int(s, 2);
    co->reason = db_col_text(s, 3, ar);
    v = !strcmp(db_col_raw(s, 4), "following_years");
    co->applies_to = v ? CO_FOLLOWING_YEARS : CO_CURRENT_YEAR;
    v = !strcmp(db_col_raw(s, 5), "signed");
    co->status = v ? CO_SIGNED : CO_PROPOSED;
    co->signed_on = store__col_date(s, 6);
    co->signed_at = db_col_int(s, 7);
    co->created_at = db_col_int(s, 8);
    read_signatures(s, 9, co->sig, ar);
    co->booking_ids = NULL;
    co->nbookings = 0;
}

static const char SQL_CHANGE_ORDER_BOOKINGS[] =
    "SELECT l.change_order_id, l.booking_id FROM change_order_bookings l JOIN change_orders o "
    "ON o.id = l.change_order_id WHERE o.agreement_id = ? ORDER BY l.change_order_id, "
    "l.booking_id";

/* Attach to cos[0..n) (of agreement_id) the bookings each reschedules. */
static int read_change_order_bookings(struct db_conn *c, int64_t agreement_id,
                                      struct change_order *cos, size_t n, struct arena *ar)
{
    struct db_stmt *s = db_stmt(c, SQL_CHANGE_ORDER_BOOKINGS);
    int64_t *ids = NULL;
    size_t i = 0, alloc = 0;
    int rc;

    db_bind_int(s, 1, agreement_id);
    while ((rc = db_step(s)) == DB_ROW) {
        int64_t co = db_col_int(s, 0);
        while (i < n && cos[i].id != co) {
            i++;
            ids = NULL;
            alloc = 0;
        }
        if (i == n)
            break;
        ids = store__grow(ar, ids, cos[i].nbookings, &alloc, sizeof(*ids));
        ids[cos[i].nbookings++] = db_col_int(s, 1);
        cos[i].booking_ids = ids;
    }
    return db_done(s, rc == DB_DONE || rc == DB_ROW ? 0 : db_err(rc));
}

int store__change_orders_read(struct db_conn *c, int64_t agreement_id,
                               struct change_order **items, size_t *n, struct arena *ar)
{
    struct db_stmt *s = db_stmt(c, SQL_CHANGE_ORDERS);
    struct change_order *out = NULL;
    size_t alloc = 0;
    int rc;

    *n = 0;
    db_bind_int(s, 1, agreement_id);
    while ((rc = db_step(s)) == DB_ROW) {
        out = store__grow(ar, out, *n, &alloc, sizeof(*out));
        read_change_order(s, &out[(*n)++], ar);
    }
    *items = out;
    if ((rc = db_done(s, rc == DB_DONE ? 0 : db_err(rc))) < 0 || !*n)
        return rc;
    return read_change_order_bookings(c, agreement_id, out, *n, ar);
}

static const char SQL_USED[] =
    "SELECT coalesce(sum(minutes), 0) FROM time_entries WHERE agreement_id = ?1 AND "
    "kind = 'included' AND on_date BETWEEN ?2 AND ?3";

/* The bank of a for the period holding day, with its change orders (*cos, *nco) read. */
static int bank_read(struct db_conn *c, const struct agreement *a, int64_t day,
                     struct hour_bank *bank, struct change_order **cos, size_t *nco,
                     struct arena *ar)
{
    int64_t from, to, used;
    struct db_stmt *s;
    int rc;

    if (agreement_bank_period(a, day, &from, &to) < 0)
        return DESK_EINVAL;
    if ((rc = store__change_orders_read(c, a->id, cos, nco, ar)) < 0)
        return rc;
    s = db_stmt(c, SQL_USED);
    db_bind_int(s, 1, a->id);
    store__bind_date(s, 2, from);
    store__bind_date(s, 3, to);
    if ((rc = db_step(s)) != DB_ROW)
        return db_done(s, db_err(rc));
    used = db_col_int(s, 0);
    db_done(s, 0);
    hour_bank_compute(a, *cos, *nco, used, from, to, bank);
    return 0;
}

int store__bank_of(struct db_conn *c, const struct agreement *a, int64_t day,
                   struct hour_bank *bank)
{
    struct arena ar = ARENA_INIT;
    struct change_order *cos;
    size_t n;
    int rc = bank_read(c, a, day, bank, &cos, &n, &ar);

    arena_release(&ar);
    return rc;
}

static const char SQL_CHANGE_ORDER_BOOKING_INSERT[] =
    "INSERT INTO change_order_bookings (change_order_id, booking_id) VALUES (?, ?)";

static int booking_read(struct db_conn *c, int64_t id, int64_t agreement_id, struct booking *b,
                        struct arena *ar);

/* Each booking co names is one of its agreement's (DESK_EINVAL naming booking_ids), and once. */
static int check_change_order_bookings(struct db_conn *c, const struct change_order *co,
                                       struct store_fault *fault)
{
    struct arena ar = ARENA_INIT;
    struct booking b;
    int rc = 0;

    for (size_t i = 0; i < co->nbookings && rc == 0; i++) {
        for (size_t k = 0; k < i; k++)
            if (co->booking_ids[k] == co->booking_ids[i])
                rc = store__fault(fault, DESK_EINVAL, "booking_ids",
                                  "booking_ids lists booking %" PRId64 " twice",
                                  co->booking_ids[i]);
        if (rc == 0 && (rc = booking_read(c, co->booking_ids[i], co->agreement_id, &b, &ar)) ==
                           DESK_ENOTFOUND)
            rc = store__fault(fault, DESK_EINVAL, "booking_ids",
                              "booking %" PRId64 " is not a booking of agreement %" PRId64,
                              co->booking_ids[i], co->agreement_id);
    }
    arena_release(&ar);
    return rc;
}

static int insert_change_order(struct db_conn *c, const struct caller *who,
                               struct change_order *co, int64_t now)
{
    struct db_stmt *s = db_stmt(c, SQL_CHANGE_ORDER_INSERT);
    int rc;

    co->created_at = now;
    db_bind_int(s, 1, co->agreement_id);
    db_bind_int(s, 2, co->minutes);
    db_bind_text(s, 3, co->reason);
    db_bind_text(s, 4, change_order_scope_names[co->applies_to]);
    db_bind_text(s, 5, change_order_status_names[co->status]);
    store__bind_date(s, 6, co->signed_on);
    db_bind_id(s, 7, co->signed_at);
    db_bind_id(s, 8, who->user_id);
    db_bind_int(s, 9, now);
    if ((rc = db_insert(s, &co->id)) < 0)
        return rc;
    for (size_t i = 0; i < co->nbookings && rc == 0; i++) {
        s = db_stmt(c, SQL_CHANGE_ORDER_BOOKING_INSERT);
        db_bind_int(s, 1, co->id);
        db_bind_int(s, 2, co->booking_ids[i]);
        rc = db_exec(s);
    }
    if (rc < 0)
        return rc;
    return store__audit(c, who->user_id, "create", "change_order", co->id, NULL,
                        co->status == CO_SIGNED ? "{\"status\":\"signed\"}"
                                                : "{\"status\":\"proposed\"}");
}

/* Advanced cancellation: a signed change order removes what is left of the bank. */
static int remove_remaining_hours(struct db_conn *c, struct agreement_job *j, int64_t notice)
{
    struct change_order *cos, co;
    struct hour_bank bank;
    char day[DATE_LEN];
    size_t n;
    int rc;

    if ((rc = bank_read(c, j->a, notice, &bank, &cos, &n, j->ar)) < 0 || bank.balance <= 0)
        return rc;
    date_format(notice, day);
    co = (struct change_order){.agreement_id = j->a->id,
                               .minutes = -bank.balance,
                               .applies_to = CO_CURRENT_YEAR,
                               .status = CO_SIGNED,
                               .signed_on = notice,
                               .signed_at = j->now};
    co.reason = arena_sprintf(j->ar, "cancellation: notice given on %s", day);
    return insert_change_order(c, j->c, &co, j->now);
}

/* Check co against a and its bank today (what a removal may take). */
static int check_change_order(struct db_conn *c, const struct agreement *a,
                              const struct change_order *co, int64_t now, struct store_fault *fault,
                              struct arena *ar)
{
    struct strbuf err = STRBUF_INIT;
    struct change_order *cos = NULL;
    struct hour_bank bank = {0};
    const char *field = NULL;
    size_t n = 0;
    int rc = 0;

    if (a->kind != AK_MAINTENANCE)
        rc = bank_read(c, a, store__today(now), &bank, &cos, &n, ar);
    if (rc == 0 && (rc = change_order_check(a, co, change_order_available(a, cos, n, &bank), &field,
                                            &err)) < 0)
        store__fault(fault, rc, field, "%s", err.buf);
    strbuf_release(&err);
    return rc;
}

struct change_order_job {
    const struct caller *c;    /* who */
    struct change_order *co;   /* create: in/out; sign: out */
    int64_t agreement_id;      /* sign */
    int64_t co_id;             /* sign */
    enum party party;          /* sign: who signs */
    const char *name;          /* sign: the customer's typed name; NULL: the user's name */
    const char *client_addr;   /* sign: the signer's address */
    int64_t now;               /* when */
    struct store_fault *fault; /* why it was refused */
    struct arena *ar;          /* for the result */
};

/* A change order was proposed: the customer's contacts are asked to accept it in the portal. */
static int notice_change_order(struct db_conn *c, const struct agreement *a,
                               const struct change_order *co, int64_t now, struct arena *ar)
{
    char hours[MONEY_TEXT_LEN];
    int64_t m = co->minutes < 0 ? -co->minutes : co->minutes;

    hours_format(m, hours);
    return queue_mail(
        c, "change_order", "change_order", contacts_json(c, a->organization_id, ar),
        arena_sprintf(ar, "Change order #%" PRId64 " of agreement #%" PRId64 ": %s %s h",
                      co->id, a->id, co->minutes < 0 ? "minus" : "plus", hours),
        arena_sprintf(ar,
                      "We propose change order #%" PRId64 " of agreement #%" PRId64
                      ": %s %s hours (%s).\n%s\n\nRead it and accept it in the portal under "
                      "Agreements; it applies once both sides have signed.\n",
                      co->id, a->id, co->minutes < 0 ? "removing" : "adding", hours,
                      co->applies_to == CO_CURRENT_YEAR ? "this year" : "the following years",
                      co->reason ? co->reason : ""),
        co->id, now, ar);
}

static int write_change_order_create(struct db_conn *c, void *arg)
{
    struct change_order_job *j = arg;
    struct arena ar = ARENA_INIT;
    struct agreement a;
    int rc;

    if ((rc = store__agreement_read(c, j->c, j->co->agreement_id, &a, &ar)) == 0 &&
        (rc = check_change_order(c, &a, j->co, j->now, j->fault, &ar)) == 0 &&
        (rc = check_change_order_bookings(c, j->co, j->fault)) == 0) {
        j->co->status = CO_PROPOSED;
        j->co->signed_on = DATE_NONE;
        j->co->signed_at = 0;
        if ((rc = insert_change_order(c, j->c, j->co, j->now)) == 0)
            rc = notice_change_order(c, &a, j->co, j->now, &ar);
    }
    arena_release(&ar);
    return rc;
}

int store_change_order_create(struct store *st, const struct caller *c, struct change_order *co,
                                int64_t now, struct store_fault *fault)
{
    struct change_order_job j = {c, co, 0, 0, PARTY_VENDOR, NULL, NULL, now, fault, NULL};
    return db_write(st, write_change_order_create, &j);
}

/* The change order co_id of agreement a, from the list read for it. */
static int find_change_order(struct db_conn *c, const struct agreement *a, int64_t co_id,
                             struct change_order *out, struct arena *ar)
{
    struct change_order *cos;
    size_t n;
    int rc = store__change_orders_read(c, a->id, &cos, &n, ar);

    for (size_t i = 0; i < n && rc == 0; i++)
        if (cos[i].id == co_id) {
            *out = cos[i];
            return 0;
        }
    return rc < 0 ? rc : DESK_ENOTFOUND;
}

static int write_change_order_sign(struct db_conn *c, void *arg)
{
    struct change_order_job *j = arg;
    struct strbuf err = STRBUF_INIT;
    struct agreement a;
    struct db_stmt *s;
    int64_t today = store__today(j->now);
    bool completes;
    int rc;

    if ((rc = store__agreement_read(c, j->c, j->agreement_id, &a, j->ar)) < 0 ||
        (rc = find_change_order(c, &a, j->co_id, j->co, j->ar)) < 0)
        return rc;
    if (j->co->status == CO_SIGNED)
        return store__fault(j->fault, DESK_ECONFLICT, NULL,
                             "change order %" PRId64 " is signed already", j->co_id);
    if (agreement_status_on(&a, today) != AS_SIGNED)
        return store__fault(j->fault, DESK_ECONFLICT, NULL,
                             "agreement %" PRId64 " is %s: it must be in effect first", a.id,
                             agreement_status_name(agreement_status_on(&a, today)));
    if ((rc = signature_add_check(j->co->sig, j->party, &completes, &err)) < 0)
        store__fault(j->fault, rc, NULL, "change order %" PRId64 ": %s", j->co_id, err.buf);
    strbuf_release(&err);
    if (rc < 0 || (rc = check_change_order(c, &a, j->co, j->now, j->fault, j->ar)) < 0)
        return rc;
    if ((rc = add_signature(c, "change_order", j->co->id, j->party, j->c, j->name, j->client_addr,
                            j->now, &j->co->sig[j->party], j->ar)) < 0)
        return rc;
    if (!completes)
        return j->party == PARTY_CUSTOMER
                   ? notice_accepted(c, &a, j->name,
                                     arena_sprintf(j->ar,
                                                   "change order #%" PRId64 " of agreement #%" PRId64,
                                                   j->co->id, a.id),
                                     j->co->id, j->now, j->ar)
                   : 0;
    j->co->status = CO_SIGNED;
    j->co->signed_on = today;
    j->co->signed_at = j->now;
    s = db_stmt(c, SQL_CHANGE_ORDER_SIGN);
    db_bind_int(s, 1, j->co->id);
    store__bind_date(s, 2, today);
    db_bind_int(s, 3, j->now);
    if ((rc = db_exec(s)) < 0 ||
        (rc = store__audit(c, j->c->user_id, "apply", "change_order", j->co->id,
                           "{\"status\":\"proposed\"}", "{\"status\":\"signed\"}")) < 0)
        return rc;
    return store__bank_warn(c, &a, today, j->now);
}

int store_change_order_sign(struct store *st, const struct caller *c, int64_t agreement_id,
                            int64_t co_id, const struct signing *by, int64_t now,
                            struct change_order *out, struct store_fault *fault, struct arena *ar)
{
    struct change_order_job j = {c,        out,      agreement_id,    co_id, by->party,
                                 by->name, by->client_addr, now,     fault, ar};
    return db_write(st, write_change_order_sign, &j);
}

int store_change_order_list(struct store *st, const struct caller *c, int64_t agreement_id,
                              struct change_order **items, size_t *n, struct arena *ar)
{
    struct db_conn *conn = db_get(st);
    struct agreement a;
    int rc = store__agreement_read(conn, c, agreement_id, &a, ar);

    *items = NULL;
    *n = 0;
    if (rc == 0)
        rc = store__change_orders_read(conn, agreement_id, items, n, ar);
    db_put(st, conn);
    return rc;
}

/* ---- the hours bank and its warnings -------------------------------------------------------- */

int store_agreement_balance(struct store *st, const struct caller *c, int64_t id, int64_t day,
                              struct hour_bank *bank, struct store_fault *fault)
{
    struct db_conn *conn = db_get(st);
    struct arena ar = ARENA_INIT;
    struct change_order *cos;
    struct agreement a;
    size_t n;
    int rc = store__agreement_read(conn, c, id, &a, &ar);

    if (rc == 0 && a.kind == AK_MAINTENANCE)
        rc = store__fault(fault, DESK_EINVAL, NULL,
                           "agreement %" PRId64 " is a maintenance agreement: it has no hours bank",
                           id);
    if (rc == 0)
        rc = bank_read(conn, &a, day, bank, &cos, &n, &ar);
    db_put(st, conn);
    arena_release(&ar);
    return rc;
}

static const char SQL_NOTICE_ONCE[] =
    "INSERT INTO hour_bank_notices (agreement_id, period_start, threshold, created_at) "
    "VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING";

static int queue_bank_warning(struct db_conn *c, const struct agreement *a,
                              const struct hour_bank *b, int threshold, int64_t now,
                              struct arena *ar)
{
    char used[MONEY_TEXT_LEN], total[MONEY_TEXT_LEN], from[DATE_LEN], until[DATE_LEN];

    hours_format(b->used, used);
    hours_format(b->purchased + b->change_orders, total);
    date_format(b->from, from);
    date_format(b->to, until);
    return queue_mail(
        c, "hours_warning", "hours", contacts_json(c, a->organization_id, ar),
        arena_sprintf(ar, "Hours bank of agreement #%" PRId64 ": %d %% used", a->id, threshold),
        arena_sprintf(ar, "Agreement #%" PRId64 ": %s h of %s h used from %s to %s.\n", a->id,
                      used, total, from, until),
        a->id, now, ar);
}

int store__bank_warn(struct db_conn *c, const struct agreement *a, int64_t day, int64_t now)
{
    static const int thresholds[] = {80, 100};
    struct arena ar = ARENA_INIT;
    struct change_order *cos;
    struct hour_bank bank;
    int rc, reached, newest = 0;
    size_t n;

    if (a->kind == AK_MAINTENANCE)
        return 0;
    if ((rc = bank_read(c, a, day, &bank, &cos, &n, &ar)) < 0)
        goto out;
    reached = hour_bank_threshold(&bank);
    for (size_t i = 0; i < ARRAY_SIZE(thresholds) && thresholds[i] <= reached && rc == 0; i++) {
        struct db_stmt *s = db_stmt(c, SQL_NOTICE_ONCE);
        db_bind_int(s, 1, a->id);
        store__bind_date(s, 2, bank.from);
        db_bind_int(s, 3, thresholds[i]);
        db_bind_int(s, 4, now);
        if ((rc = db_exec(s)) == 0 && db_changes(c))
            newest = thresholds[i];
    }
    /* both thresholds crossed at once: one mail, for the higher */
    if (rc == 0 && newest)
        rc = queue_bank_warning(c, a, &bank, newest, now, &ar);
    if (rc == 0 && newest)
        rc = store__audit(c, 0, "hours_warning", "agreement", a->id, NULL,
                          arena_sprintf(&ar, "{\"threshold\":%d}", newest));
out:
    arena_release(&ar);
    return rc;
}

/* ---- bookings ------------------------------------------------------------------------------ */

#define BOOKING_COLS                                                                               \
    "id, agreement_id, user_id, starts_on, ends_on, status, created_at, updated_at, "              \
    "overlap_reason "

static const char SQL_BOOKING_INSERT[] =
    "INSERT INTO bookings (agreement_id, user_id, starts_on, ends_on, status, created_at, "
    "updated_at, overlap_reason) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, ?7) RETURNING id";
static const char SQL_BOOKING_GET[] =
    "SELECT " BOOKING_COLS "FROM bookings WHERE id = ?1 AND agreement_id = ?2";
static const char SQL_BOOKING_MOVE[] = "UPDATE bookings SET starts_on = ?2, ends_on = ?3, "
                                       "updated_at = ?4, overlap_reason = ?5 WHERE id = ?1";
static const char SQL_BOOKINGS[] =
    "SELECT " BOOKING_COLS "FROM bookings WHERE agreement_id = ? ORDER BY starts_on, id";
/* The person's other bookings that count: those of agreements not cancelled unsigned. */
static const char SQL_PERSON_BOOKINGS[] =
    "SELECT b.id, b.agreement_id, b.starts_on, b.ends_on FROM bookings b "
    "JOIN agreements a ON a.id = b.agreement_id WHERE b.user_id = ?1 AND b.id <> ?2 AND "
    "a.status <> 'cancelled' ORDER BY b.starts_on, b.id";

static void read_booking(struct db_stmt *s, struct booking *b, struct arena *ar)
{
    b->id = db_col_int(s, 0);
    b->agreement_id = db_col_int(s, 1);
    b->user_id = db_col_int(s, 2);
    b->starts_on = store__col_date(s, 3);
    b->ends_on = store__col_date(s, 4);
    b->status = strcmp(db_col_raw(s, 5), "confirmed") ? BOOKING_TENTATIVE
                                                                             : BOOKING_CONFIRMED;
    b->created_at = db_col_int(s, 6);
    b->updated_at = db_col_int(s, 7);
    b->overlap_reason = db_col_text_or_null(s, 8, ar);
}

/*
 * Refuse b when it overlaps another booking of the same person (bookings of
 * agreements cancelled unsigned do not count), unless a reason forces it:
 * then b->overlap_reason is the reason. 0 or DESK_ECONFLICT (field starts_on).
 */
static int check_double_booking(struct db_conn *c, struct booking *b, const char *reason,
                                struct store_fault *fault)
{
    struct db_stmt *s = db_stmt(c, SQL_PERSON_BOOKINGS);
    int64_t other = 0, other_agreement = 0, from = 0, to = 0;
    int rc;

    b->overlap_reason = NULL;
    db_bind_int(s, 1, b->user_id);
    db_bind_int(s, 2, b->id);
    while ((rc = db_step(s)) == DB_ROW) {
        from = store__col_date(s, 2);
        to = store__col_date(s, 3);
        if (booking_dates_overlap(b->starts_on, b->ends_on, from, to)) {
            other = db_col_int(s, 0);
            other_agreement = db_col_int(s, 1);
            break;
        }
    }
    if ((rc = db_done(s, rc == DB_ROW || rc == DB_DONE ? 0 : db_err(rc))) < 0 || !other)
        return rc;
    if (reason) {
        b->overlap_reason = reason;
        return 0;
    }
    char f[DATE_LEN], t[DATE_LEN];
    date_format(from, f);
    date_format(to, t);
    return store__fault(fault, DESK_ECONFLICT, "starts_on",
                        "user %" PRId64 " is already booked from %s to %s (booking %" PRId64
                        " of agreement %" PRId64 "); a reason may force a double booking",
                        b->user_id, f, t, other, other_agreement);
}

/* The audit form of a booking: its dates, and the reason when it was forced. */
static json_t *booking_audit(const struct booking *b)
{
    char from[DATE_LEN], to[DATE_LEN];
    json_t *o;

    date_format(b->starts_on, from);
    date_format(b->ends_on, to);
    o = json_pack("{s:I, s:I, s:s, s:s}", "agreement_id", (json_int_t)b->agreement_id, "user_id",
                  (json_int_t)b->user_id, "starts_on", from, "ends_on", to);
    if (b->overlap_reason)
        json_object_set_new(o, "overlap_reason", json_string(b->overlap_reason));
    return o;
}

/* The agreement of a booking or expense: visible, and not cancelled or over. */
static int open_agreement(struct db_conn *c, const struct caller *who, int64_t id, int64_t now,
                          struct agreement *a, struct store_fault *fault, struct arena *ar)
{
    enum agreement_status st;
    int rc = store__agreement_read(c, who, id, a, ar);

    if (rc < 0)
        return rc;
    st = agreement_status_on(a, store__today(now));
    if (st == AS_CANCELLED || st == AS_COMPLETED || st == AS_EXPIRED)
        return store__fault(fault, DESK_ECONFLICT, NULL, "agreement %" PRId64 " is %s", id,
                             agreement_status_name(st));
    return 0;
}

struct booking_job {
    const struct caller *c;      /* who */
    struct booking *b;           /* in/out */
    const char *reason;          /* forces an overlap; NULL: an overlap is refused */
    int64_t booking_id;          /* reschedule */
    const struct expense *costs; /* reschedule: amounts and notes */
    size_t ncosts;
    int64_t now;               /* when */
    struct store_fault *fault; /* why it was refused */
    struct arena *ar;          /* reschedule: for the booking read back */
};

static int write_booking_create(struct db_conn *c, void *arg)
{
    struct booking_job *j = arg;
    struct booking *b = j->b;
    struct arena ar = ARENA_INIT;
    struct agreement a;
    struct db_stmt *s;
    int rc;

    if ((rc = open_agreement(c, j->c, b->agreement_id, j->now, &a, j->fault, &ar)) < 0 ||
        (rc = store__check_staff(c, b->user_id, "user_id", j->fault)) < 0)
        goto out;
    b->id = 0; /* re-runnable: a rolled-back run may have set it */
    if ((rc = check_double_booking(c, b, j->reason, j->fault)) < 0)
        goto out;
    b->status = booking_status_for(&a);
    b->created_at = b->updated_at = j->now;
    s = db_stmt(c, SQL_BOOKING_INSERT);
    db_bind_int(s, 1, b->agreement_id);
    db_bind_int(s, 2, b->user_id);
    store__bind_date(s, 3, b->starts_on);
    store__bind_date(s, 4, b->ends_on);
    db_bind_text(s, 5, booking_status_names[b->status]);
    db_bind_int(s, 6, j->now);
    db_bind_text(s, 7, b->overlap_reason);
    if ((rc = db_insert(s, &b->id)) < 0)
        goto out;
    rc = store__audit_json(c, j->c->user_id, "create", "booking", b->id, NULL, booking_audit(b));
out:
    arena_release(&ar);
    return rc;
}

int store_booking_create(struct store *st, const struct caller *c, struct booking *b, int64_t now,
                           struct store_fault *fault)
{
    struct booking_job j = {c, b, b->overlap_reason, 0, NULL, 0, now, fault, NULL};
    return db_write(st, write_booking_create, &j);
}

static int booking_read(struct db_conn *c, int64_t id, int64_t agreement_id, struct booking *b,
                        struct arena *ar)
{
    struct db_stmt *s = db_stmt(c, SQL_BOOKING_GET);
    int rc;

    db_bind_int(s, 1, id);
    db_bind_int(s, 2, agreement_id);
    if ((rc = db_step(s)) != DB_ROW)
        return db_done(s, rc == DB_DONE ? DESK_ENOTFOUND : db_err(rc));
    read_booking(s, b, ar);
    return db_done(s, 0);
}

static int write_booking_reschedule(struct db_conn *c, void *arg)
{
    struct booking_job *j = arg;
    struct arena ar = ARENA_INIT;
    struct booking before, after;
    struct agreement a;
    struct db_stmt *s;
    int rc;

    if ((rc = open_agreement(c, j->c, j->b->agreement_id, j->now, &a, j->fault, &ar)) < 0 ||
        (rc = booking_read(c, j->booking_id, a.id, &before, &ar)) < 0)
        goto out;
    after = before;
    after.starts_on = j->b->starts_on;
    after.ends_on = j->b->ends_on;
    if ((rc = check_double_booking(c, &after, j->reason, j->fault)) < 0)
        goto out;
    s = db_stmt(c, SQL_BOOKING_MOVE);
    db_bind_int(s, 1, before.id);
    store__bind_date(s, 2, after.starts_on);
    store__bind_date(s, 3, after.ends_on);
    db_bind_int(s, 4, j->now);
    db_bind_text(s, 5, after.overlap_reason);
    if ((rc = db_exec(s)) < 0)
        goto out;
    for (size_t i = 0; i < j->ncosts && rc == 0; i++) {
        struct expense e = j->costs[i];
        e.agreement_id = a.id;
        e.kind = EXPENSE_ACTUAL;
        e.on = store__today(j->now);
        e.booking_id = before.id;
        rc = store__expense_insert(c, j->c, &e, j->now);
    }
    if (rc == 0 && (rc = store__audit_json(c, j->c->user_id, "reschedule", "booking", before.id,
                                           booking_audit(&before), booking_audit(&after))) == 0)
        rc = booking_read(c, before.id, a.id, j->b, j->ar);
out:
    arena_release(&ar);
    return rc;
}

int store_booking_reschedule(struct store *st, const struct caller *c, int64_t agreement_id,
                             int64_t booking_id, const struct booking_move *m, int64_t now,
                             struct booking *out, struct store_fault *fault, struct arena *ar)
{
    struct booking_job j = {c, out, m->force_reason, booking_id, m->costs, m->ncosts, now, fault,
                            ar};

    out->agreement_id = agreement_id;
    out->starts_on = m->starts_on;
    out->ends_on = m->ends_on;
    return db_write(st, write_booking_reschedule, &j);
}

int store_booking_list(struct store *st, const struct caller *c, int64_t agreement_id,
                         struct booking **items, size_t *n, struct arena *ar)
{
    struct db_conn *conn = db_get(st);
    struct booking *out = NULL;
    size_t alloc = 0;
    struct agreement a;
    struct db_stmt *s;
    int rc = store__agreement_read(conn, c, agreement_id, &a, ar);

    *n = 0;
    if (rc < 0)
        goto out;
    s = db_stmt(conn, SQL_BOOKINGS);
    db_bind_int(s, 1, agreement_id);
    while ((rc = db_step(s)) == DB_ROW) {
        out = store__grow(ar, out, *n, &alloc, sizeof(*out));
        read_booking(s, &out[(*n)++], ar);
    }
    rc = db_done(s, rc == DB_DONE ? 0 : db_err(rc));
out:
    *items = out;
    db_put(st, conn);
    return rc;
}
