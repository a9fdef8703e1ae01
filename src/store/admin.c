/*
 * admin.c - organisations, accounts, sign-in failures, calendars and
 * SLA policies on SQLite (see store.h for the contracts).
 *
 * Writes run on the writer thread (store__write) and add their audit row
 * in the same transaction; reads borrow a pooled connection. Lists page by
 * id: each query fetches limit + 1 rows to learn whether more follow.
 */
#define LOG_MODULE "store"
#include "core/compat.h"
#include "store/internal.h"
#include "core/err.h"
#include "core/time.h"
#include "domain/account.h"
#include "domain/organization.h"
#include "domain/policy.h"
#include "domain/signin.h"
#include <jansson.h>

/* ---- helpers ------------------------------------------------------------------ */

/* The customer's own id for queries that filter by it, 0 for staff (no filter). */
static int64_t customer_scope(const struct caller *who, int64_t own)
{
    return who->role == ROLE_CUSTOMER ? own : 0;
}


typedef void (*read_row_fn)(struct db_stmt *s, void *item, struct arena *a);

/*
 * Step a list query bound to fetch pg->limit + 1 rows into a new arena
 * array of items of `size` bytes, read by fn; sets pg->more.
 */
static int read_page(struct db_stmt *s, struct store_page *pg, size_t size,
                     read_row_fn fn, void **items, size_t *nr, struct arena *a)
{
    char *arr = arena_zalloc(a, size * pg->limit);
    int rc;

    *nr = 0;
    pg->more = false;
    while ((rc = db_step(s)) == DB_ROW) {
        if (*nr == pg->limit) {
            pg->more = true;
            break;
        }
        fn(s, arr + *nr * size, a);
        (*nr)++;
    }
    *items = arr;
    rc = rc == DB_ROW || rc == DB_DONE ? 0 : db_err(rc);
    return db_done(s, rc);
}

/* Step a query for one row read by fn; DESK_ENOTFOUND when there is none. */
static int read_one(struct db_stmt *s, read_row_fn fn, void *item,
                    struct arena *a)
{
    int rc = db_step(s);

    if (rc == DB_ROW) {
        fn(s, item, a);
        rc = 0;
    } else {
        rc = rc == DB_DONE ? DESK_ENOTFOUND : db_err(rc);
    }
    return db_done(s, rc);
}

/* ---- organisations ---------------------------------------------------------------- */

#define ORG_COLS "o.id, o.name, o.domains, o.created_at, coalesce(o.account_executive_id, 0)"

static void read_org(struct db_stmt *s, void *item, struct arena *a)
{
    struct organization *o = item;

    o->id = db_col_int(s, 0);
    o->name = db_col_text(s, 1, a);
    o->domains = store__json_list(db_col_text(s, 2, a), &o->domains_nr, a);
    o->created_at = db_col_int(s, 3);
    o->account_executive_id = db_col_int(s, 4);
}

struct org_write {
    const struct caller *actor;       /* who writes */
    struct organization *o;           /* create: in/out; update: out */
    const struct organization *patch; /* update: the change */
    struct store_fault *f;            /* why it was refused */
    struct arena *a;                  /* for what is read back */
};

static const char SQL_ORG_DOMAIN_TAKEN[] =
    "SELECT d.value, o.name FROM organizations o, json_each(o.domains) d "
    "WHERE o.id <> ?1 AND d.value IN (SELECT value FROM json_each(?2)) LIMIT 1";

/* DESK_ECONFLICT when one of domains (JSON text) belongs to an organisation other than id. */
static int check_domains(struct db_conn *c, int64_t id, const char *domains,
                         struct store_fault *f)
{
    struct db_stmt *s = db_stmt(c, SQL_ORG_DOMAIN_TAKEN);
    int rc;

    db_bind_int(s, 1, id);
    db_bind_text(s, 2, domains);
    rc = db_step(s);
    if (rc == DB_ROW)
        rc =
            store__fault(f, DESK_ECONFLICT, "domains", "domain '%s' belongs to organisation '%s'",
                  db_col_raw(s, 0), db_col_raw(s, 1));
    else
        rc = rc == DB_DONE ? 0 : db_err(rc);
    return db_done(s, rc);
}

static int name_conflict(int rc, struct store_fault *f, const char *what, const char *name)
{
    if (rc == DESK_ECONFLICT)
        return store__fault(f, rc, "name", "%s name '%s' is taken", what, name);
    return rc;
}

static const char SQL_ORG_INSERT[] =
    "INSERT INTO organizations (name, domains, created_at, updated_at, account_executive_id) "
    "VALUES (?1, ?2, ?3, ?3, ?4) RETURNING id";

static int write_org_create(struct db_conn *c, void *arg)
{
    struct org_write *w = arg;
    struct arena ar = ARENA_INIT;
    const char *domains = store__json_strings(w->o->domains, w->o->domains_nr, &ar);
    struct db_stmt *s;
    int rc;

    if ((rc = check_domains(c, 0, domains, w->f)) < 0 ||
        (w->o->account_executive_id && (rc = store__check_staff(c, w->o->account_executive_id,
                                                                "account_executive_id", w->f)) < 0))
        goto out;
    w->o->created_at = time_now();
    s = db_stmt(c, SQL_ORG_INSERT);
    db_bind_text(s, 1, w->o->name);
    db_bind_text(s, 2, domains);
    db_bind_int(s, 3, w->o->created_at);
    db_bind_id(s, 4, w->o->account_executive_id);
    if ((rc = name_conflict(db_insert(s, &w->o->id), w->f, "organisation",
                            w->o->name)) < 0)
        goto out;
    rc = store__audit_json(c, w->actor->user_id, "create", "organization", w->o->id, NULL,
                    organization_to_json(w->o));
out:
    arena_release(&ar);
    return rc;
}

int store_org_create(struct store *st, const struct caller *actor, struct organization *o,
                       struct store_fault *f)
{
    struct org_write w = {actor, o, NULL, f, NULL};
    return db_write(st, write_org_create, &w);
}

static const char SQL_ORG_BY_ID[] = "SELECT " ORG_COLS " FROM organizations o WHERE o.id = ?1";
static const char SQL_ORG_UPDATE[] = "UPDATE organizations SET name = ?2, domains = ?3, "
                                     "updated_at = ?4, account_executive_id = ?5 WHERE id = ?1";

static int write_org_update(struct db_conn *c, void *arg)
{
    struct org_write *w = arg;
    struct db_stmt *s = db_stmt(c, SQL_ORG_BY_ID);
    struct organization before;
    const char *domains;
    int rc;

    db_bind_int(s, 1, w->patch->id);
    if ((rc = read_one(s, read_org, &before, w->a)) < 0)
        return rc;
    *w->o = before;
    if (w->patch->name)
        w->o->name = w->patch->name;
    if (w->patch->domains) {
        w->o->domains = w->patch->domains;
        w->o->domains_nr = w->patch->domains_nr;
    }
    if (w->patch->account_executive_id)
        w->o->account_executive_id =
            w->patch->account_executive_id == ORG_CLEAR ? 0 : w->patch->account_executive_id;
    domains = store__json_strings(w->o->domains, w->o->domains_nr, w->a);
    if ((rc = check_domains(c, before.id, domains, w->f)) < 0)
        return rc;
    if (w->patch->account_executive_id > 0 &&
        (rc = store__check_staff(c, w->o->account_executive_id, "account_executive_id", w->f)) < 0)
        return rc;
    s = db_stmt(c, SQL_ORG_UPDATE);
    db_bind_int(s, 1, before.id);
    db_bind_text(s, 2, w->o->name);
    db_bind_text(s, 3, domains);
    db_bind_int(s, 4, time_now());
    db_bind_id(s, 5, w->o->account_executive_id);
    if ((rc = name_conflict(db_exec(s), w->f, "organisation", w->o->name)) < 0)
        return rc;
    return store__audit_json(c, w->actor->user_id, "update", "organization", before.id,
                      organization_to_json(&before), organization_to_json(w->o));
}

int store_org_update(struct store *st, const struct caller *actor,
                       const struct organization *patch, struct organization *out,
                       struct store_fault *f, struct arena *a)
{
    struct org_write w = {actor, out, patch, f, a};
    return db_write(st, write_org_update, &w);
}

/* ?2: a customer's organisation, 0 for staff. */
static const char SQL_ORG_GET[] =
    "SELECT " ORG_COLS " FROM organizations o WHERE o.id = ?1 AND (CAST(?2 AS BIGINT) = 0 OR "
    "o.id = ?2)";

int store_org_get(struct store *st, const struct caller *who, int64_t id,
                    struct organization *out, struct arena *a)
{
    struct db_conn *c = db_get(st);
    struct db_stmt *s = db_stmt(c, SQL_ORG_GET);
    int rc;

    db_bind_int(s, 1, id);
    db_bind_int(s, 2, customer_scope(who, who->organization_id));
    rc = read_one(s, read_org, out, a);
    db_put(st, c);
    return rc;
}

static const char SQL_ORG_LIST[] = "SELECT " ORG_COLS " FROM organizations o WHERE o.id > ?1 AND "
                                   "(CAST(?2 AS BIGINT) = 0 OR o.id = ?2) ORDER BY o.id LIMIT ?3";

int store_org_list(struct store *st, const struct caller *who, struct store_page *pg,
                     struct organization **items, size_t *nr, struct arena *a)
{
    struct db_conn *c = db_get(st);
    struct db_stmt *s = db_stmt(c, SQL_ORG_LIST);
    int rc;

    db_bind_int(s, 1, pg->after);
    db_bind_int(s, 2, customer_scope(who, who->organization_id));
    db_bind_int(s, 3, (int64_t)pg->limit + 1);
    rc = read_page(s, pg, sizeof(**items), read_org, (void **)items, nr, a);
    db_put(st, c);
    return rc;
}

/* ---- accounts ------------------------------------------------------------------------ */

#define ACCOUNT_COLS                                                                               \
    "u.id, u.email, u.name, u.role, coalesce(u.organization_id, 0), u.created_at, u.notify, "     \
    "u.disabled_at IS NOT NULL"

static void read_account(struct db_stmt *s, void *item, struct arena *a)
{
    struct account *acc = item;
    struct user *u = &acc->user;

    u->id = db_col_int(s, 0);
    u->email = db_col_text(s, 1, a);
    u->name = db_col_text(s, 2, a);
    if (role_parse(db_col_text(s, 3, a), &u->role) < 0)
        u->role = ROLE_NONE;
    u->organization_id = db_col_int(s, 4);
    u->created_at = db_col_int(s, 5);
    acc->notify = (int)db_col_int(s, 6) != 0;
    u->disabled = (int)db_col_int(s, 7) != 0;
}

/* ?2: a customer's own user id, 0 for staff. */
static const char SQL_ACCOUNT_GET[] =
    "SELECT " ACCOUNT_COLS " FROM users u WHERE u.id = ?1 AND (CAST(?2 AS BIGINT) = 0 OR u.id = "
    "?2)";

int store_account_get(struct store *st, const struct caller *who, int64_t id, struct account *out,
                        struct arena *a)
{
    struct db_conn *c = db_get(st);
    struct db_stmt *s = db_stmt(c, SQL_ACCOUNT_GET);
    int rc;

    db_bind_int(s, 1, id);
    db_bind_int(s, 2, customer_scope(who, who->user_id));
    rc = read_one(s, read_account, out, a);
    db_put(st, c);
    return rc;
}

static const char SQL_ACCOUNT_LIST[] = "SELECT " ACCOUNT_COLS " FROM users u WHERE u.id > ?1 AND "
                                       "(CAST(?2 AS BIGINT) = 0 OR u.id = ?2) ORDER BY u.id "
                                       "LIMIT ?3";

int store_account_list(struct store *st, const struct caller *who, struct store_page *pg,
                         struct account **items, size_t *nr, struct arena *a)
{
    struct db_conn *c = db_get(st);
    struct db_stmt *s = db_stmt(c, SQL_ACCOUNT_LIST);
    int rc;

    db_bind_int(s, 1, pg->after);
    db_bind_int(s, 2, customer_scope(who, who->user_id));
    db_bind_int(s, 3, (int64_t)pg->limit + 1);
    rc = read_page(s, pg, sizeof(**items), read_account, (void **)items, nr, a);
    db_put(st, c);
    return rc;
}

struct account_write {
    const struct caller *actor;    /* who writes */
    int64_t id;                    /* the account */
    const struct account_patch *p; /* the change */
    struct account *out;           /* the account afterwards */
    struct store_fault *f;         /* why it was refused */
    struct arena *a;               /* for what is read back */
};

/* The account after patch p, checked against the role/organisation rule. */
static int apply_account_patch(const struct account *before, const struct account_patch *p,
                               struct account *after, struct store_fault *f)
{
    const char *why;

    *after = *before;
    if (p->name)
        after->user.name = p->name;
    if (p->role != ROLE_NONE) {
        after->user.role = p->role;
        if (p->role != ROLE_CUSTOMER)
            after->user.organization_id = 0; /* staff belong to no organisation */
    }
    if (p->organization_id)
        after->user.organization_id = p->organization_id;
    if (p->notify >= 0)
        after->notify = p->notify != 0;
    if (p->disabled >= 0)
        after->user.disabled = p->disabled != 0;
    if ((why = account_org_problem(after->user.role, after->user.organization_id)))
        return store__fault(f, DESK_EINVAL, "organization_id", "%s", why);
    return 0;
}

static const char SQL_ACCOUNT_BY_ID[] = "SELECT " ACCOUNT_COLS " FROM users u WHERE u.id = ?1";
static const char SQL_ACCOUNT_UPDATE[] =
    "UPDATE users SET name = ?2, role = ?3, organization_id = ?4, notify = ?5, "
    "password_hash = coalesce(?6, password_hash), "
    "disabled_at = CASE WHEN ?7 = 0 THEN NULL ELSE coalesce(disabled_at, ?8) END WHERE id = ?1";

static int write_account_update(struct db_conn *c, void *arg)
{
    struct account_write *w = arg;
    struct db_stmt *s = db_stmt(c, SQL_ACCOUNT_BY_ID);
    struct account before;
    json_t *after;
    int rc;

    db_bind_int(s, 1, w->id);
    if ((rc = read_one(s, read_account, &before, w->a)) < 0 ||
        (rc = apply_account_patch(&before, w->p, w->out, w->f)) < 0)
        return rc;
    s = db_stmt(c, SQL_ACCOUNT_UPDATE);
    db_bind_int(s, 1, w->id);
    db_bind_text(s, 2, w->out->user.name);
    db_bind_text(s, 3, role_name(w->out->user.role));
    db_bind_id(s, 4, w->out->user.organization_id);
    db_bind_int(s, 5, w->out->notify);
    db_bind_text(s, 6, w->p->password_hash);
    db_bind_int(s, 7, w->out->user.disabled);
    db_bind_int(s, 8, time_now());
    if ((rc = db_exec(s)) == DESK_ENOTFOUND)
        return store__fault(w->f, DESK_EINVAL, "organization_id", "no organisation %" PRId64,
                     w->out->user.organization_id);
    if (rc < 0)
        return rc;
    /* disabling ends every session and token; a new password all but the one in use */
    if ((w->p->disabled == 1 || w->p->password_hash) &&
        (rc = store__credentials_end_in(c, w->actor, w->id, time_now(),
                                        w->p->disabled == 1 ? NULL : w->p->keep, NULL)) < 0)
        return rc;
    after = account_to_json(w->out);
    if (w->p->password_hash)
        json_object_set_new(after, "password_changed", json_true());
    return store__audit_json(c, w->actor->user_id, "update", "user", w->id,
                             account_to_json(&before), after);
}

int store_account_update(struct store *st, const struct caller *actor, int64_t id,
                           const struct account_patch *p, struct account *out,
                           struct store_fault *f, struct arena *a)
{
    struct account_write w = {actor, id, p, out, f, a};
    return db_write(st, write_account_update, &w);
}

int store__account_update_in(struct db_conn *c, const struct caller *actor, int64_t id,
                             const struct account_patch *p, struct account *out,
                             struct store_fault *f, struct arena *a)
{
    struct account_write w = {actor, id, p, out, f, a};
    return write_account_update(c, &w);
}

/* ---- sign-in failures ------------------------------------------------------------------ */

struct failure_write {
    const char *email;   /* as typed */
    const char *address; /* the client's */
    int64_t user_id;     /* the account of email, 0: none */
    int64_t now;         /* when */
    int64_t window;      /* how long a failure counts */
};

static const char SQL_FAILURE_INSERT[] =
    "INSERT INTO sign_in_failures (email, address, at) VALUES (?1, ?2, ?3)";
static const char SQL_FAILURE_PRUNE[] = "DELETE FROM sign_in_failures WHERE at <= ?1";

static int write_failure(struct db_conn *c, void *arg)
{
    struct failure_write *w = arg;
    struct db_stmt *s = db_stmt(c, SQL_FAILURE_PRUNE);
    int rc;

    db_bind_int(s, 1, w->now - w->window);
    if ((rc = db_exec(s)) < 0)
        return rc;
    s = db_stmt(c, SQL_FAILURE_INSERT);
    db_bind_text(s, 1, w->email);
    db_bind_text(s, 2, w->address);
    db_bind_int(s, 3, w->now);
    if ((rc = db_exec(s)) < 0)
        return rc;
    if (!w->user_id)
        return 0;
    return store__audit(c, w->user_id, "sign_in_failed", "user", w->user_id, NULL, NULL);
}

int store_sign_in_failure_add(struct store *st, const char *email, const char *address,
                                int64_t user_id, int64_t now, int64_t window)
{
    struct failure_write w = {email, address, user_id, now, window};
    return db_write(st, write_failure, &w);
}

static const char SQL_FAILURE_PAIR[] =
    "SELECT count(*), coalesce(max(at), 0) FROM sign_in_failures WHERE email = ?1 AND "
    "address = ?2 AND at > ?3";
static const char SQL_FAILURE_NTH[] = "SELECT at FROM sign_in_failures WHERE email = ?1 AND "
                                      "at > ?2 ORDER BY at DESC LIMIT 1 OFFSET ?3";
static const char SQL_KNOWN_ADDRESS[] =
    "SELECT EXISTS (SELECT 1 FROM sessions WHERE user_id = ?1 AND address = ?2 AND "
    "created_at > ?3) OR EXISTS (SELECT 1 FROM tokens WHERE user_id = ?1 AND address = ?2 AND "
    "created_at > ?3)";

int store_sign_in_counts(struct store *st, const char *email, const char *address,
                           int64_t user_id, int64_t now, int64_t window, int ceiling,
                           int64_t known_since, struct signin_counts *out)
{
    struct db_conn *c = db_get(st);
    struct db_stmt *s = db_stmt(c, SQL_FAILURE_PAIR);
    int rc;

    memset(out, 0, sizeof(*out));
    db_bind_text(s, 1, email);
    db_bind_text(s, 2, address);
    db_bind_int(s, 3, now - window);
    if ((rc = db_step(s)) == DB_ROW) {
        out->pair_failures = db_col_int(s, 0);
        out->pair_last = db_col_int(s, 1);
    }
    if ((rc = db_done(s, rc == DB_ROW ? 0 : db_err(rc))) < 0)
        goto out;
    s = db_stmt(c, SQL_FAILURE_NTH);
    db_bind_text(s, 1, email);
    db_bind_int(s, 2, now - window);
    db_bind_int(s, 3, ceiling - 1);
    rc = db_step(s);
    out->ceiling_oldest = rc == DB_ROW ? db_col_int(s, 0) : 0;
    rc = db_done(s, rc == DB_ROW || rc == DB_DONE ? 0
                                                               : db_err(rc));
    if (rc < 0 || !user_id || !out->ceiling_oldest)
        goto out;
    s = db_stmt(c, SQL_KNOWN_ADDRESS);
    db_bind_int(s, 1, user_id);
    db_bind_text(s, 2, address);
    db_bind_int(s, 3, known_since);
    if ((rc = db_step(s)) == DB_ROW)
        out->known_address = (int)db_col_int(s, 0) != 0;
    rc = db_done(s, rc == DB_ROW ? 0 : db_err(rc));
out:
    db_put(st, c);
    return rc;
}

/* ---- calendars ------------------------------------------------------------------------- */

#define CALENDAR_COLS "id, name, definition, version, created_at, updated_at"

static void read_calendar(struct db_stmt *s, void *item, struct arena *a)
{
    struct calendar_entry *e = item;

    e->id = db_col_int(s, 0);
    e->name = db_col_text(s, 1, a);
    e->definition = db_col_text(s, 2, a);
    e->version = db_col_int(s, 3);
    e->created_at = db_col_int(s, 4);
    e->updated_at = db_col_int(s, 5);
}

/* The audit form of a calendar: {"name","version","definition":{...}}. */
static json_t *calendar_audit(const struct calendar_entry *e)
{
    return json_pack("{s:s, s:I, s:o}", "name", e->name, "version", (json_int_t)e->version,
                     "definition", json_loads(e->definition, 0, NULL));
}

struct calendar_write {
    const struct caller *actor; /* who writes */
    struct calendar_entry *e;   /* in/out */
    struct store_fault *f;      /* why it was refused */
    struct arena a;             /* for the row read back (released by the caller) */
    int64_t expected;           /* update: the version the caller read */
};

static const char SQL_CALENDAR_INSERT[] = "INSERT INTO calendars (name, definition, version, "
                                          "created_at, updated_at) VALUES (?1, ?2, 1, ?3, ?3) "
                                          "RETURNING id";

static int write_calendar_create(struct db_conn *c, void *arg)
{
    struct calendar_write *w = arg;
    struct db_stmt *s = db_stmt(c, SQL_CALENDAR_INSERT);
    int rc;

    w->e->version = 1;
    w->e->created_at = w->e->updated_at = time_now();
    db_bind_text(s, 1, w->e->name);
    db_bind_text(s, 2, w->e->definition);
    db_bind_int(s, 3, w->e->created_at);
    if ((rc = name_conflict(db_insert(s, &w->e->id), w->f, "calendar", w->e->name)) < 0)
        return rc;
    return store__audit_json(c, w->actor->user_id, "create", "calendar", w->e->id,
                             NULL, calendar_audit(w->e));
}

int store_calendar_create(struct store *st, const struct caller *actor, struct calendar_entry *e,
                            struct store_fault *f)
{
    struct calendar_write w = {actor, e, f, ARENA_INIT, 0};
    return db_write(st, write_calendar_create, &w);
}

static const char SQL_CALENDAR_GET[] = "SELECT " CALENDAR_COLS " FROM calendars WHERE id = ?1";
static const char SQL_CALENDAR_UPDATE[] =
    "UPDATE calendars SET name = ?2, definition = ?3, version = version + 1, updated_at = ?4 "
    "WHERE id = ?1";

static int calendar_save(struct db_conn *c, struct calendar_write *w,
                         const struct calendar_entry *before)
{
    struct db_stmt *s = db_stmt(c, SQL_CALENDAR_UPDATE);
    int rc;

    w->e->created_at = before->created_at;
    w->e->updated_at = time_now();
    db_bind_int(s, 1, before->id);
    db_bind_text(s, 2, w->e->name);
    db_bind_text(s, 3, w->e->definition);
    db_bind_int(s, 4, w->e->updated_at);
    if ((rc = name_conflict(db_exec(s), w->f, "calendar", w->e->name)) < 0)
        return rc;
    w->e->version = before->version + 1;
    if ((rc = store__audit_json(c, w->actor->user_id, "update", "calendar", before->id,
                                calendar_audit(before),
                         calendar_audit(w->e))) < 0)
        return rc;
    if (!strcmp(before->definition, w->e->definition))
        return 0; /* a new name moves no due time */
    return store__recompute_tickets(c, before->id, 0);
}

static int write_calendar_update(struct db_conn *c, void *arg)
{
    struct calendar_write *w = arg;
    struct db_stmt *s = db_stmt(c, SQL_CALENDAR_GET);
    struct calendar_entry before;
    int rc;

    db_bind_int(s, 1, w->e->id);
    if ((rc = read_one(s, read_calendar, &before, &w->a)) < 0)
        return rc;
    if (before.version != w->expected)
        return store__fault(w->f, DESK_ECONFLICT, NULL,
                     "calendar %" PRId64 " changed meanwhile; read it again", before.id);
    return calendar_save(c, w, &before);
}

int store_calendar_update(struct store *st, const struct caller *actor, struct calendar_entry *e,
                            struct store_fault *f)
{
    struct calendar_write w = {actor, e, f, ARENA_INIT, e->version};
    int rc = db_write(st, write_calendar_update, &w);

    arena_release(&w.a);
    return rc;
}

int store_calendar_get(struct store *st, int64_t id, struct calendar_entry *out, struct arena *a)
{
    struct db_conn *c = db_get(st);
    struct db_stmt *s = db_stmt(c, SQL_CALENDAR_GET);
    int rc;

    db_bind_int(s, 1, id);
    rc = read_one(s, read_calendar, out, a);
    db_put(st, c);
    return rc;
}

static const char SQL_CALENDAR_LIST[] =
    "SELECT " CALENDAR_COLS " FROM calendars WHERE id > ?1 ORDER BY id LIMIT ?2";

int store_calendar_list(struct store *st, struct store_page *pg, struct calendar_entry **items,
                          size_t *nr, struct arena *a)
{
    struct db_conn *c = db_get(st);
    struct db_stmt *s = db_stmt(c, SQL_CALENDAR_LIST);
    int rc;

    db_bind_int(s, 1, pg->after);
    db_bind_int(s, 2, (int64_t)pg->limit + 1);
    rc = read_page(s, pg, sizeof(**items), read_calendar, (void **)items, nr, a);
    db_put(st, c);
    return rc;
}

/* ---- SLA policies ----------------------------------------------------------------------- */

#define POLICY_COLS                                                                                \
    "id, name, calendar_id, warn_at_permille, escalation_emails, created_at, updated_at"

static void read_policy(struct db_stmt *s, void *item, struct arena *a)
{
    struct sla_policy *p = item;

    p->id = db_col_int(s, 0);
    p->name = db_col_text(s, 1, a);
    p->calendar_id = db_col_int(s, 2);
    p->warn_permille = (int)db_col_int(s, 3);
    p->escalation_emails = store__json_list(db_col_text(s, 4, a), &p->escalation_nr, a);
    p->created_at = db_col_int(s, 5);
    p->updated_at = db_col_int(s, 6);
}

static const char SQL_TARGETS_GET[] =
    "SELECT level, coalesce(response_secs, 0), coalesce(update_secs, 0), "
    "coalesce(resolution_secs, 0) FROM sla_targets WHERE policy_id = ?1";

/* Fill p->target from sla_targets; levels without a row have no targets. */
static int read_targets(struct db_conn *c, struct sla_policy *p)
{
    struct db_stmt *s = db_stmt(c, SQL_TARGETS_GET);
    int rc;

    memset(p->target, 0, sizeof(p->target));
    db_bind_int(s, 1, p->id);
    while ((rc = db_step(s)) == DB_ROW) {
        const char *level = db_col_raw(s, 0);
        for (int l = 0; l < POLICY_LEVELS; l++) {
            if (!level || strcmp(level, policy_level_names[l]))
                continue;
            p->target[l].set = true;
            for (int k = 0; k < POLICY_TARGETS; k++)
                p->target[l].secs[k] = db_col_int(s, 1 + k);
        }
    }
    return db_done(s, rc == DB_DONE ? 0 : db_err(rc));
}

struct policy_write {
    const struct caller *actor;           /* who writes */
    struct sla_policy *p;                 /* create: in/out; update: out */
    const struct sla_policy_patch *patch; /* update: the change */
    struct store_fault *f;                /* why it was refused */
    struct arena *a;                      /* update: for the row read back */
};

static const char SQL_TARGETS_DELETE[] = "DELETE FROM sla_targets WHERE policy_id = ?1";
static const char SQL_TARGET_INSERT[] =
    "INSERT INTO sla_targets (policy_id, level, response_secs, update_secs, resolution_secs) "
    "VALUES (?1, ?2, ?3, ?4, ?5)";

/* Replace the sla_targets rows of p by its levels that are set. */
static int save_targets(struct db_conn *c, const struct sla_policy *p)
{
    struct db_stmt *s = db_stmt(c, SQL_TARGETS_DELETE);
    int rc;

    db_bind_int(s, 1, p->id);
    if ((rc = db_exec(s)) < 0)
        return rc;
    for (int l = 0; l < POLICY_LEVELS; l++) {
        if (!p->target[l].set)
            continue;
        s = db_stmt(c, SQL_TARGET_INSERT);
        db_bind_int(s, 1, p->id);
        db_bind_text(s, 2, policy_level_names[l]);
        for (int k = 0; k < POLICY_TARGETS; k++)
            db_bind_id(s, 3 + k, p->target[l].secs[k]); /* 0: NULL, no target */
        if ((rc = db_exec(s)) < 0)
            return rc;
    }
    return 0;
}

static const char SQL_POLICY_INSERT[] =
    "INSERT INTO sla_policies (name, calendar_id, warn_at_permille, escalation_emails, "
    "created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?5) RETURNING id";
static const char SQL_POLICY_UPDATE[] =
    "UPDATE sla_policies SET name = ?1, calendar_id = ?2, warn_at_permille = ?3, "
    "escalation_emails = ?4, updated_at = ?5 WHERE id = ?6";

/* Insert (p->id 0) or update the sla_policies row of p; blames a missing calendar or a taken name.
 */
static int save_policy_row(struct db_conn *c, struct sla_policy *p, struct store_fault *f)
{
    struct db_stmt *s = db_stmt(c, p->id ? SQL_POLICY_UPDATE : SQL_POLICY_INSERT);
    struct arena ar = ARENA_INIT;
    const char *emails = store__json_strings(p->escalation_emails, p->escalation_nr, &ar);
    int rc;

    p->updated_at = time_now();
    if (!p->id)
        p->created_at = p->updated_at;
    db_bind_text(s, 1, p->name);
    db_bind_int(s, 2, p->calendar_id);
    db_bind_int(s, 3, p->warn_permille);
    db_bind_text(s, 4, emails);
    db_bind_int(s, 5, p->updated_at);
    if (p->id)
        db_bind_int(s, 6, p->id);
    rc = name_conflict(p->id ? db_exec(s) : db_insert(s, &p->id), f, "policy", p->name);
    arena_release(&ar);
    if (rc == DESK_ENOTFOUND)
        return store__fault(f, DESK_EINVAL, "calendar_id", "no calendar %" PRId64, p->calendar_id);
    return rc;
}

static int write_policy_create(struct db_conn *c, void *arg)
{
    struct policy_write *w = arg;
    int rc;

    w->p->id = 0; /* re-runnable: a create inserts, whatever id a rolled-back run set */
    if ((rc = save_policy_row(c, w->p, w->f)) < 0 || (rc = save_targets(c, w->p)) < 0)
        return rc;
    return store__audit_json(c, w->actor->user_id, "create", "sla_policy", w->p->id, NULL,
                      sla_policy_to_json(w->p));
}

int store_policy_create(struct store *st, const struct caller *actor, struct sla_policy *p,
                          struct store_fault *f)
{
    struct policy_write w = {actor, p, NULL, f, NULL};
    return db_write(st, write_policy_create, &w);
}

static const char SQL_POLICY_GET[] = "SELECT " POLICY_COLS " FROM sla_policies WHERE id = ?1";

/* Policy id with its targets, on connection c. */
static int policy_read(struct db_conn *c, int64_t id, struct sla_policy *out, struct arena *a)
{
    struct db_stmt *s = db_stmt(c, SQL_POLICY_GET);
    int rc;

    db_bind_int(s, 1, id);
    if ((rc = read_one(s, read_policy, out, a)) < 0)
        return rc;
    return read_targets(c, out);
}

int store_policy_get(struct store *st, int64_t id, struct sla_policy *out, struct arena *a)
{
    struct db_conn *c = db_get(st);
    int rc = policy_read(c, id, out, a);

    db_put(st, c);
    return rc;
}

struct policy_update {
    struct policy_write w; /* actor, out, patch, fault, arena */
    int64_t id;            /* the policy */
};

static int write_policy_update(struct db_conn *c, void *arg)
{
    struct policy_update *u = arg;
    struct policy_write *w = &u->w;
    struct sla_policy before;
    bool moves;
    int rc;

    if ((rc = policy_read(c, u->id, &before, w->a)) < 0)
        return rc;
    *w->p = before;
    moves = sla_policy_apply(w->p, w->patch);
    if ((rc = save_policy_row(c, w->p, w->f)) < 0 || (rc = save_targets(c, w->p)) < 0)
        return rc;
    if ((rc = store__audit_json(c, w->actor->user_id, "update", "sla_policy", u->id,
                                sla_policy_to_json(&before),
                         sla_policy_to_json(w->p))) < 0)
        return rc;
    return moves ? store__recompute_tickets(c, 0, u->id) : 0;
}

int store_policy_update(struct store *st, const struct caller *actor, int64_t id,
                          const struct sla_policy_patch *patch, struct sla_policy *out,
                          struct store_fault *f, struct arena *a)
{
    struct policy_update u = {{actor, out, patch, f, a}, id};
    return db_write(st, write_policy_update, &u);
}

static const char SQL_POLICY_LIST[] =
    "SELECT " POLICY_COLS " FROM sla_policies WHERE id > ?1 ORDER BY id LIMIT ?2";

int store_policy_list(struct store *st, struct store_page *pg, struct sla_policy **items,
                        size_t *nr, struct arena *a)
{
    struct db_conn *c = db_get(st);
    struct db_stmt *s = db_stmt(c, SQL_POLICY_LIST);
    int rc;

    db_bind_int(s, 1, pg->after);
    db_bind_int(s, 2, (int64_t)pg->limit + 1);
    rc = read_page(s, pg, sizeof(**items), read_policy, (void **)items, nr, a);
    for (size_t i = 0; rc == 0 && i < *nr; i++)
        rc = read_targets(c, &(*items)[i]);
    db_put(st, c);
    return rc;
}

/* ---- the default support hours and severity policy ------------------------------------ */

static const char SQL_ANY_POLICY[] = "SELECT 1 FROM sla_policies LIMIT 1";

struct default_write {
    const struct caller *actor; /* who writes */
    struct calendar_entry *cal; /* in/out */
    struct sla_policy *p;       /* in/out */
    struct store_fault *f;      /* why it was refused */
    bool *created;              /* out */
};

/* Does any SLA policy exist? 0 or the error; *any set. */
static int any_policy(struct db_conn *c, bool *any)
{
    struct db_stmt *s = db_stmt(c, SQL_ANY_POLICY);
    int rc = db_step(s);

    *any = rc == DB_ROW;
    return db_done(s, rc == DB_ROW || rc == DB_DONE ? 0 : db_err(rc));
}

static int write_default_policy(struct db_conn *c, void *arg)
{
    struct default_write *w = arg;
    struct calendar_write cw = {w->actor, w->cal, w->f, ARENA_INIT, 0};
    struct policy_write pw = {w->actor, w->p, NULL, w->f, NULL};
    char id[24];
    bool any;
    int rc;

    *w->created = false;
    if ((rc = any_policy(c, &any)) < 0 || any)
        return rc; /* an installation with policies keeps its own */
    if ((rc = write_calendar_create(c, &cw)) < 0)
        return rc;
    w->p->calendar_id = w->cal->id;
    if ((rc = write_policy_create(c, &pw)) < 0)
        return rc;
    snprintf(id, sizeof(id), "%" PRId64, w->p->id);
    if ((rc = store__meta_put(c, STORE_DEFAULT_POLICY_KEY, id)) < 0)
        return rc;
    *w->created = true;
    return 0;
}

int store_default_policy_ensure(struct store *st, const struct caller *actor,
                                struct calendar_entry *cal, struct sla_policy *p,
                                struct store_fault *f, bool *created)
{
    struct default_write w = {actor, cal, p, f, created};
    return db_write(st, write_default_policy, &w);
}
