/*
 * addons.c - purchased add-ons of organisations (domain/addon.h): their
 * rows, the features they switch on, and the add-ons a yearly invoice bills.
 */
#include "core/compat.h"
#include "store/internal.h"
#include "core/err.h"
#include "core/strbuf.h"
#include "core/time.h"
#include "domain/addon.h"
#include "domain/catalogue.h"

#define ADDON_COLS                                                                                 \
    "d.id, d.organization_id, d.service_id, s.name, coalesce(s.feature, ''), d.starts_on, "       \
    "d.ends_on, d.currency, d.annual_price, d.note, d.created_at, d.updated_at "
#define ADDON_FROM "FROM addons d JOIN catalogue_services s ON s.id = d.service_id "

static const char SQL_ADDON_GET[] = "SELECT " ADDON_COLS ADDON_FROM
                                    "WHERE d.id = ?1 AND (CAST(?2 AS BIGINT) = 0 OR "
                                    "d.organization_id = ?2)";
static const char SQL_ADDON_LIST[] = "SELECT " ADDON_COLS ADDON_FROM
                                     "WHERE d.organization_id = ?1 ORDER BY d.starts_on, d.id";
static const char SQL_ADDONS_IN[] = "SELECT " ADDON_COLS ADDON_FROM
                                    "WHERE d.organization_id = ?1 AND d.annual_price > 0 AND "
                                    "d.starts_on <= ?3 AND "
                                    "(d.ends_on IS NULL OR d.ends_on >= ?2) ORDER BY d.starts_on, d.id";
static const char SQL_ORG_VISIBLE[] = "SELECT 1 FROM organizations WHERE id = ?1 AND "
                                      "(CAST(?2 AS BIGINT) = 0 OR id = ?2)";
/* The service, and the hosting model of the organisation's latest signed maintenance agreement. */
static const char SQL_ADDON_SERVICE[] =
    "SELECT s.vendor_inclusion, s.customer_inclusion, coalesce((SELECT a.hosting FROM "
    "agreements a WHERE a.organization_id = ?2 AND a.kind = 'maintenance' AND a.status = "
    "'signed' ORDER BY a.starts_on DESC, a.id DESC LIMIT 1), ''), s.retired_at "
    "FROM catalogue_services s WHERE s.id = ?1";
static const char SQL_ADDON_INSERT[] =
    "INSERT INTO addons (organization_id, service_id, starts_on, ends_on, currency, "
    "annual_price, note, created_by, created_at, updated_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9) RETURNING id";
static const char SQL_ADDON_UPDATE[] =
    "UPDATE addons SET ends_on = ?2, annual_price = ?3, note = ?4, updated_at = ?5 WHERE id = ?1";
/* An add-on of feature ?2 running on ?3, or an active signed agreement with it as an extra. */
static const char SQL_FEATURE_RUNS[] =
    "SELECT 1 FROM addons d JOIN catalogue_services s ON s.id = d.service_id WHERE "
    "d.organization_id = ?1 AND s.feature = ?2 AND d.starts_on <= ?3 AND "
    "(d.ends_on IS NULL OR d.ends_on >= ?3) UNION ALL SELECT 1 FROM agreements a, "
    "json_each(a.extras) e WHERE a.organization_id = ?1 AND a.status = 'signed' AND "
    "a.starts_on <= ?3 AND (a.ends_on IS NULL OR a.ends_on >= ?3) AND e.value = ?2 LIMIT 1";

static void read_addon(struct db_stmt *s, struct addon *d, struct arena *ar)
{
    const char *cur = db_col_raw(s, 7);

    memset(d, 0, sizeof(*d));
    d->id = db_col_int(s, 0);
    d->organization_id = db_col_int(s, 1);
    d->service_id = db_col_int(s, 2);
    d->service_name = db_col_text(s, 3, ar);
    d->feature = db_col_text(s, 4, ar);
    d->starts_on = store__col_date(s, 5);
    d->ends_on = store__col_date(s, 6);
    snprintf(d->currency, sizeof(d->currency), "%s", cur ? cur : "");
    d->annual_price = db_col_int(s, 8);
    d->note = db_col_text(s, 9, ar);
    d->created_at = db_col_int(s, 10);
    d->updated_at = db_col_int(s, 11);
}

/* Every row of statement s (bound) as add-ons in arena ar. */
static int read_addons(struct db_stmt *s, struct addon **items, size_t *n, struct arena *ar)
{
    size_t alloc = 0;
    int rc;

    *items = NULL;
    *n = 0;
    while ((rc = db_step(s)) == DB_ROW) {
        *items = store__grow(ar, *items, *n, &alloc, sizeof(**items));
        read_addon(s, &(*items)[(*n)++], ar);
    }
    return db_done(s, rc == DB_DONE ? 0 : db_err(rc));
}

static int addon_read(struct db_conn *c, const struct caller *who, int64_t id, struct addon *d,
                      struct arena *ar)
{
    struct db_stmt *s = db_stmt(c, SQL_ADDON_GET);
    int rc;

    db_bind_int(s, 1, id);
    db_bind_int(s, 2, STORE_ORG_FILTER(who));
    if ((rc = db_step(s)) == DB_ROW)
        read_addon(s, d, ar);
    return db_done(s, rc == DB_ROW ? 0 : rc == DB_DONE ? DESK_ENOTFOUND : db_err(rc));
}

/* 0 when the caller may see organisation org, else DESK_ENOTFOUND (or an error). */
static int org_visible(struct db_conn *c, const struct caller *who, int64_t org)
{
    struct db_stmt *s = db_stmt(c, SQL_ORG_VISIBLE);
    int rc;

    db_bind_int(s, 1, org);
    db_bind_int(s, 2, STORE_ORG_FILTER(who));
    rc = db_step(s);
    return db_done(s, rc == DB_ROW ? 0 : rc == DB_DONE ? DESK_ENOTFOUND : db_err(rc));
}

static json_t *addon_audit(const struct addon *d)
{
    char from[DATE_LEN], to[DATE_LEN] = "";

    date_format(d->starts_on, from);
    if (d->ends_on != DATE_NONE)
        date_format(d->ends_on, to);
    return json_pack("{s:I, s:I, s:s, s:s?, s:s, s:I, s:s}", "organization_id",
                     (json_int_t)d->organization_id, "service_id", (json_int_t)d->service_id,
                     "starts_on", from, "ends_on", d->ends_on == DATE_NONE ? NULL : to,
                     "currency", d->currency, "annual_price", (json_int_t)d->annual_price, "note",
                     d->note);
}

/*
 * The service must be offered (not retired) and an add-on for the organisation's hosting
 * model (that of its latest signed maintenance agreement), or for either model when it has
 * none.
 */
static int check_service(struct db_conn *c, const struct addon *d, struct store_fault *fault)
{
    struct db_stmt *s = db_stmt(c, SQL_ADDON_SERVICE);
    enum inclusion vendor = INCL_NOT_OFFERED, customer = INCL_NOT_OFFERED;
    struct catalogue_service svc = {.id = d->service_id};
    enum hosting h = HOSTING_NONE;
    bool add_on;
    int rc;

    db_bind_int(s, 1, d->service_id);
    db_bind_int(s, 2, d->organization_id);
    if ((rc = db_step(s)) != DB_ROW) {
        rc = rc == DB_DONE ? store__fault(fault, DESK_EINVAL, "service_id",
                                          "no catalogue service %" PRId64, d->service_id)
                           : db_err(rc);
        return db_done(s, rc);
    }
    inclusion_parse(db_col_raw(s, 0), &vendor);
    inclusion_parse(db_col_raw(s, 1), &customer);
    hosting_parse(db_col_raw(s, 2), &h);
    svc.retired_at = db_col_int(s, 3);
    db_done(s, 0);
    if (!catalogue_offered(&svc))
        return store__fault(fault, DESK_EINVAL, "service_id",
                            "catalogue service %" PRId64 " is retired", d->service_id);
    add_on = h == HOSTING_VENDOR     ? vendor == INCL_ADD_ON
             : h == HOSTING_CUSTOMER ? customer == INCL_ADD_ON
                                     : vendor == INCL_ADD_ON || customer == INCL_ADD_ON;
    if (!add_on)
        return store__fault(fault, DESK_EINVAL, "service_id",
                            "catalogue service %" PRId64 " is not an add-on%s%s",
                            d->service_id, h == HOSTING_NONE ? "" : " for ",
                            h == HOSTING_NONE ? "" : hosting_name(h));
    return 0;
}

struct addon_job {
    const struct caller *c;    /* who */
    struct addon in;           /* create: the add-on; update: the changed terms */
    int64_t id;                /* update: which */
    int64_t now;               /* when */
    struct addon *out;         /* as stored */
    struct store_fault *fault; /* why it was refused */
    struct arena *ar;          /* for the result */
};

static int check_terms(const struct addon *d, struct store_fault *fault)
{
    struct strbuf err = STRBUF_INIT;
    const char *field = NULL;
    int rc = addon_check(d, &field, &err);

    if (rc < 0)
        store__fault(fault, rc, field, "%s", err.buf);
    strbuf_release(&err);
    return rc;
}

static int write_addon_create(struct db_conn *c, void *arg)
{
    struct addon_job *j = arg;
    struct db_stmt *s;
    int64_t id = 0;
    int rc;

    if ((rc = org_visible(c, j->c, j->in.organization_id)) < 0 ||
        (rc = check_terms(&j->in, j->fault)) < 0 || (rc = check_service(c, &j->in, j->fault)) < 0)
        return rc;
    s = db_stmt(c, SQL_ADDON_INSERT);
    db_bind_int(s, 1, j->in.organization_id);
    db_bind_int(s, 2, j->in.service_id);
    store__bind_date(s, 3, j->in.starts_on);
    store__bind_date(s, 4, j->in.ends_on);
    db_bind_text(s, 5, j->in.currency);
    db_bind_int(s, 6, j->in.annual_price);
    db_bind_text(s, 7, j->in.note);
    db_bind_id(s, 8, j->c->user_id);
    db_bind_int(s, 9, j->now);
    if ((rc = db_insert(s, &id)) < 0 ||
        (rc = store__audit_json(c, j->c->user_id, "create", "addon", id, NULL,
                                addon_audit(&j->in))) < 0 ||
        (rc = store__priority_sync(c, j->in.organization_id, j->now, NULL)) < 0)
        return rc;
    return addon_read(c, j->c, id, j->out, j->ar);
}

int store_addon_create(struct store *st, const struct caller *c, const struct addon *in,
                       int64_t now, struct addon *out, struct store_fault *fault,
                       struct arena *ar)
{
    struct addon_job j = {c, *in, 0, now, out, fault, ar};

    return db_write(st, write_addon_create, &j);
}

static int write_addon_update(struct db_conn *c, void *arg)
{
    struct addon_job *j = arg;
    struct addon before, after;
    struct db_stmt *s;
    int rc;

    if ((rc = addon_read(c, j->c, j->id, &before, j->ar)) < 0)
        return rc;
    after = before;
    after.ends_on = j->in.ends_on;
    after.annual_price = j->in.annual_price;
    after.note = j->in.note;
    if ((rc = check_terms(&after, j->fault)) < 0)
        return rc;
    s = db_stmt(c, SQL_ADDON_UPDATE);
    db_bind_int(s, 1, j->id);
    store__bind_date(s, 2, after.ends_on);
    db_bind_int(s, 3, after.annual_price);
    db_bind_text(s, 4, after.note);
    db_bind_int(s, 5, j->now);
    if ((rc = db_exec(s)) < 0 ||
        (rc = store__audit_json(c, j->c->user_id, "update", "addon", j->id, addon_audit(&before),
                                addon_audit(&after))) < 0 ||
        (rc = store__priority_sync(c, before.organization_id, j->now, NULL)) < 0)
        return rc;
    return addon_read(c, j->c, j->id, j->out, j->ar);
}

int store_addon_update(struct store *st, const struct caller *c, int64_t id,
                       const struct addon *terms, int64_t now, struct addon *out,
                       struct store_fault *fault, struct arena *ar)
{
    struct addon_job j = {c, *terms, id, now, out, fault, ar};

    return db_write(st, write_addon_update, &j);
}

int store_addon_get(struct store *st, const struct caller *c, int64_t id, struct addon *out,
                    struct arena *ar)
{
    struct db_conn *conn = db_get(st);
    int rc = addon_read(conn, c, id, out, ar);

    db_put(st, conn);
    return rc;
}

int store_addon_list(struct store *st, const struct caller *c, int64_t organization_id,
                     struct addon **items, size_t *n, struct arena *ar)
{
    struct db_conn *conn = db_get(st);
    int rc = org_visible(conn, c, organization_id);

    *items = NULL;
    *n = 0;
    if (rc == 0) {
        struct db_stmt *s = db_stmt(conn, SQL_ADDON_LIST);
        db_bind_int(s, 1, organization_id);
        rc = read_addons(s, items, n, ar);
    }
    db_put(st, conn);
    return rc;
}

int store__addons_in(struct db_conn *c, int64_t organization_id, int64_t start, int64_t end,
                     struct addon **items, size_t *n, struct arena *ar)
{
    struct db_stmt *s = db_stmt(c, SQL_ADDONS_IN);

    db_bind_int(s, 1, organization_id);
    store__bind_date(s, 2, start);
    store__bind_date(s, 3, end);
    return read_addons(s, items, n, ar);
}

int store__feature_runs(struct db_conn *c, int64_t organization_id, const char *feature,
                        int64_t day)
{
    struct db_stmt *s = db_stmt(c, SQL_FEATURE_RUNS);
    int rc;

    db_bind_int(s, 1, organization_id);
    db_bind_text(s, 2, feature);
    store__bind_date(s, 3, day);
    rc = db_step(s);
    return db_done(s, rc == DB_ROW ? 1 : rc == DB_DONE ? 0 : db_err(rc));
}

int store_feature_runs(struct store *st, int64_t organization_id, const char *feature,
                       int64_t now)
{
    struct db_conn *conn = db_get(st);
    int rc = store__feature_runs(conn, organization_id, feature, store__today(now));

    db_put(st, conn);
    return rc;
}
