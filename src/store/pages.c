/*
 * pages.c - what the pages read of tables that other sections own
 * (policies, calendars, organisations, users), read-only, filtered by the
 * caller like every other query.
 */
#define LOG_MODULE "store"
#include "core/compat.h"
#include "store/internal.h"
#include "core/err.h"
#include "core/time.h"

#define MAX_NAMES 10000 /* rows of a pick list */

/* ---- service levels ------------------------------------------------------------- */

#define LEVEL_COLS "p.id, p.name, k.name, k.definition, p.warn_at_permille "

static const char SQL_LEVELS_CUSTOMER[] =
    "SELECT DISTINCT " LEVEL_COLS "FROM agreements a JOIN sla_policies p ON p.id = a.sla_policy_id "
    "JOIN calendars k ON k.id = coalesce(a.calendar_id, p.calendar_id) "
    "WHERE a.organization_id = ?1 AND a.kind = 'maintenance' AND a.status = 'signed' "
    "AND a.starts_on <= ?2 AND (a.ends_on IS NULL OR a.ends_on >= ?2) ORDER BY p.name";
static const char SQL_LEVELS_STAFF[] =
    "SELECT " LEVEL_COLS "FROM sla_policies p JOIN calendars k ON k.id = p.calendar_id "
    "ORDER BY p.name";
static const char SQL_LEVEL_TARGETS[] =
    "SELECT level, coalesce(response_secs, 0), coalesce(update_secs, 0), "
    "coalesce(resolution_secs, 0) FROM sla_targets WHERE policy_id = ?";

static int level_index(const char *level)
{
    enum severity sev;

    if (level && !strcmp(level, "enhancement"))
        return SEV_COUNT;
    return level && severity_parse(level, &sev) == 0 ? (int)sev : -1;
}

static int read_targets(struct db_conn *c, struct service_level *l)
{
    struct db_stmt *s = db_stmt(c, SQL_LEVEL_TARGETS);
    int rc;

    db_bind_int(s, 1, l->policy_id);
    while ((rc = db_step(s)) == DB_ROW) {
        int i = level_index(db_col_raw(s, 0));
        if (i < 0)
            continue;
        l->targets[i].response = db_col_int(s, 1);
        l->targets[i].update = db_col_int(s, 2);
        l->targets[i].resolution = db_col_int(s, 3);
    }
    return db_done(s, rc == DB_DONE ? 0 : db_err(rc));
}

int store_service_levels(struct store *st, const struct caller *c, int64_t today,
                           struct service_level **items, size_t *n, struct arena *a)
{
    struct db_conn *conn = db_get(st);
    bool customer = c->role == ROLE_CUSTOMER;
    struct db_stmt *s = db_stmt(conn, customer ? SQL_LEVELS_CUSTOMER : SQL_LEVELS_STAFF);
    struct service_level *out = NULL;
    size_t alloc = 0;
    char date[DATE_LEN];
    int rc;

    *n = 0;
    date_format(today, date);
    if (customer) {
        db_bind_int(s, 1, c->organization_id);
        db_bind_text(s, 2, date);
    }
    while ((rc = db_step(s)) == DB_ROW && *n < MAX_NAMES) {
        struct service_level *l;
        if (*n == alloc) {
            struct service_level *bigger =
                ARENA_NEWN(a, struct service_level, alloc = alloc ? 2 * alloc : 4);
            if (*n)
                memcpy(bigger, out, *n * sizeof(*out));
            out = bigger;
        }
        l = &out[(*n)++];
        memset(l, 0, sizeof(*l));
        l->policy_id = db_col_int(s, 0);
        l->policy_name = db_col_text(s, 1, a);
        l->calendar_name = db_col_text(s, 2, a);
        l->calendar = db_col_text(s, 3, a);
        for (int i = 0; i <= SEV_COUNT; i++)
            l->targets[i].warn_permille = (int)db_col_int(s, 4);
    }
    rc = db_done(s, rc == DB_DONE || rc == DB_ROW ? 0 : db_err(rc));
    for (size_t i = 0; i < *n && rc == 0; i++)
        rc = read_targets(conn, &out[i]);
    db_put(st, conn);
    *items = out;
    return rc;
}

/* ---- pick lists ------------------------------------------------------------------ */

static const char SQL_ORG_NAMES[] =
    "SELECT id, name FROM organizations WHERE CAST(?1 AS BIGINT) = 0 OR id = ?1 ORDER BY name, id";
static const char SQL_CONTACT_NAMES[] =
    "SELECT u.id, u.name || ' <' || u.email || '> (' || o.name || ')' FROM users u "
    "JOIN organizations o ON o.id = u.organization_id WHERE u.role = 'customer' "
    "AND (CAST(?1 AS BIGINT) = 0 OR o.id = ?1) ORDER BY o.name, u.name, u.id";
static const char SQL_STAFF_NAMES[] =
    "SELECT id, name FROM users WHERE role IN ('agent', 'admin') AND CAST(?1 AS BIGINT) = 0 "
    "ORDER BY name, id";

static int read_names(struct store *st, const char *sql, int64_t param, struct named **items,
                      size_t *n, struct arena *a)
{
    struct db_conn *c = db_get(st);
    struct db_stmt *s = db_stmt(c, sql);
    struct named *out = NULL;
    size_t alloc = 0;
    int rc;

    *n = 0;
    db_bind_int(s, 1, param);
    while ((rc = db_step(s)) == DB_ROW && *n < MAX_NAMES) {
        if (*n == alloc) {
            struct named *bigger = ARENA_NEWN(a, struct named, alloc = alloc ? 2 * alloc : 16);
            if (*n)
                memcpy(bigger, out, *n * sizeof(*out));
            out = bigger;
        }
        out[(*n)++] = (struct named){db_col_int(s, 0), db_col_text(s, 1, a)};
    }
    rc = db_done(s, rc == DB_DONE || rc == DB_ROW ? 0 : db_err(rc));
    db_put(st, c);
    *items = out;
    return rc;
}

int store_organization_names(struct store *st, const struct caller *c, struct named **items,
                               size_t *n, struct arena *a)
{
    return read_names(st, SQL_ORG_NAMES, c->role == ROLE_CUSTOMER ? c->organization_id : 0, items,
                      n, a);
}

int store_staff_names(struct store *st, const struct caller *c, struct named **items, size_t *n,
                        struct arena *a)
{
    return read_names(st, SQL_STAFF_NAMES, c->role == ROLE_CUSTOMER, items, n, a);
}

int store_contact_names(struct store *st, const struct caller *c, struct named **items, size_t *n,
                          struct arena *a)
{
    return read_names(st, SQL_CONTACT_NAMES, c->role == ROLE_CUSTOMER ? c->organization_id : 0,
                      items, n, a);
}

/* ---- "Your contacts": the vendor's people of a customer's organisation ------------- */

/* ?1 the customer's organisation: its account executive, then its agreements' representatives. */
static const char SQL_YOUR_CONTACTS[] =
    "SELECT u.name, u.email, 0, '' FROM organizations o JOIN users u ON "
    "u.id = o.account_executive_id WHERE o.id = ?1 AND u.disabled_at IS NULL "
    "UNION ALL SELECT u.name, u.email, g.id, g.kind FROM agreements g JOIN users u ON "
    "u.id = g.representative_id WHERE g.organization_id = ?1 AND g.status <> 'cancelled' AND "
    "u.disabled_at IS NULL ORDER BY 3";

int store_your_contacts(struct store *st, const struct caller *c, struct your_contact **items,
                        size_t *n, struct arena *a)
{
    struct db_conn *conn;
    struct db_stmt *s;
    struct your_contact *out = NULL;
    size_t alloc = 0;
    int rc;

    *items = NULL;
    *n = 0;
    if (c->role != ROLE_CUSTOMER)
        return 0;
    conn = db_get(st);
    s = db_stmt(conn, SQL_YOUR_CONTACTS);
    db_bind_int(s, 1, c->organization_id);
    while ((rc = db_step(s)) == DB_ROW && *n < MAX_NAMES) {
        out = store__grow(a, out, *n, &alloc, sizeof(*out));
        out[(*n)++] = (struct your_contact){db_col_text(s, 0, a), db_col_text(s, 1, a),
                                            db_col_int(s, 2), db_col_text(s, 3, a)};
    }
    rc = db_done(s, rc == DB_DONE || rc == DB_ROW ? 0 : db_err(rc));
    db_put(st, conn);
    *items = out;
    return rc;
}

/* ---- agreements ---------------------------------------------------------------------- */

#define QUOTE_OVERDUE_SECS (7 * 86400) /* SPEC 2.3: a request without a quote after 7 days */

/* ?1 caller's organisation, ?2 organisation filter, ?3 today, ?4 now - 7 days (the quote is due
   a week after the requirements were completed, else after the request: agreement_quote_due_at). */
static const char SQL_AGREEMENTS[] =
    "SELECT g.id, g.organization_id, o.name, g.kind, g.status, g.starts_on, "
    "coalesce(g.ends_on, ''), coalesce(g.hosting, ''), coalesce(p.name, ''), "
    "coalesce(g.hours_minutes, 0), g.extras, g.services, "
    "g.status = 'signed' AND g.starts_on <= ?3 AND (g.ends_on IS NULL OR g.ends_on >= ?3), "
    "g.status = 'requested' AND g.quoted_at IS NULL AND coalesce((SELECT "
    "max(r.requirements_completed_at) FROM requirement_tasks r WHERE r.agreement_id = g.id), "
    "g.created_at) < ?4 "
    "FROM agreements g JOIN organizations o ON o.id = g.organization_id "
    "LEFT JOIN sla_policies p ON p.id = g.sla_policy_id "
    "WHERE (CAST(?1 AS BIGINT) = 0 OR g.organization_id = ?1) AND (CAST(?2 AS BIGINT) = 0 OR "
    "g.organization_id = ?2) "
    "ORDER BY g.starts_on DESC, g.id DESC LIMIT 1000";

static void read_agreement(struct db_stmt *s, struct agreement_row *g, struct arena *a)
{
    g->id = db_col_int(s, 0);
    g->organization_id = db_col_int(s, 1);
    g->organization = db_col_text(s, 2, a);
    g->kind = db_col_text(s, 3, a);
    g->status = db_col_text(s, 4, a);
    g->starts_on = db_col_text(s, 5, a);
    g->ends_on = db_col_text(s, 6, a);
    g->hosting = db_col_text(s, 7, a);
    g->policy = db_col_text(s, 8, a);
    g->hours_minutes = db_col_int(s, 9);
    g->extras = db_col_text(s, 10, a);
    g->services = db_col_text(s, 11, a);
    g->active = (int)db_col_int(s, 12);
    g->quote_overdue = (int)db_col_int(s, 13);
}

int store_agreement_rows(struct store *st, const struct caller *c, int64_t organization_id,
                           int64_t today, int64_t now, struct agreement_row **items, size_t *n,
                           struct arena *a)
{
    struct db_conn *conn = db_get(st);
    struct db_stmt *s = db_stmt(conn, SQL_AGREEMENTS);
    struct agreement_row *out = NULL;
    size_t alloc = 0;
    char date[DATE_LEN];
    int rc;

    *n = 0;
    date_format(today, date);
    db_bind_int(s, 1, c->role == ROLE_CUSTOMER ? c->organization_id : 0);
    db_bind_int(s, 2, organization_id);
    db_bind_text(s, 3, date);
    db_bind_int(s, 4, now - QUOTE_OVERDUE_SECS);
    while ((rc = db_step(s)) == DB_ROW) {
        if (*n == alloc) {
            struct agreement_row *bigger =
                ARENA_NEWN(a, struct agreement_row, alloc = alloc ? 2 * alloc : 8);
            if (*n)
                memcpy(bigger, out, *n * sizeof(*out));
            out = bigger;
        }
        read_agreement(s, &out[(*n)++], a);
    }
    rc = db_done(s, rc == DB_DONE ? 0 : db_err(rc));
    db_put(st, conn);
    *items = out;
    return rc;
}
