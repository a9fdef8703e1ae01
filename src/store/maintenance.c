/*
 * maintenance.c - remote access to customers' installations (staff only,
 * secrets sealed by the caller) and maintenance windows of vendor-hosted
 * installations with their notices (see store.h and domain/maintenance.h).
 *
 * Every notice of a window is queued by the write that sets its column
 * (announced_at, reminded_at, cleared_at) from NULL, in one transaction:
 * whichever server or retry runs it, a notice is queued once.
 */
#define LOG_MODULE "store"
#include "core/compat.h"
#include "store/internal.h"
#include "core/crypto.h"
#include "core/err.h"
#include "core/strbuf.h"

/* Remote access is for staff: anyone else gets what a missing record gives. */
static bool staff(const struct caller *c)
{
    return c->role >= ROLE_AGENT;
}

/* ---- remote access ------------------------------------------------------------------ */

#define RA_COLS                                                                                    \
    "r.id, r.installation_id, r.method, r.host, r.username, r.notes, r.secret, "                  \
    "coalesce(r.created_by, 0), r.created_at, r.updated_at "

/* A row into ra (arena); the sealed secret only when with_secret. */
static void read_ra(struct db_stmt *s, bool with_secret, struct remote_access *ra,
                    struct arena *a)
{
    const void *blob;
    size_t len = 0;

    memset(ra, 0, sizeof(*ra));
    ra->id = db_col_int(s, 0);
    ra->installation_id = db_col_int(s, 1);
    ra->method = db_col_text(s, 2, a);
    ra->host = db_col_text(s, 3, a);
    ra->username = db_col_text(s, 4, a);
    ra->notes = db_col_text(s, 5, a);
    if ((ra->has_secret = !db_col_null(s, 6))) {
        if (with_secret && (blob = db_col_blob(s, 6, &len))) {
            uint8_t *copy = arena_alloc(a, len ? len : 1);
            memcpy(copy, blob, len);
            ra->sealed = copy;
            ra->sealed_len = len;
        }
    }
    ra->created_by = db_col_int(s, 7);
    ra->created_at = db_col_int(s, 8);
    ra->updated_at = db_col_int(s, 9);
}

static json_t *ra_audit(const struct remote_access *ra)
{
    return json_pack("{s:I, s:s, s:s, s:s, s:b}", "installation_id",
                     (json_int_t)ra->installation_id, "method", ra->method, "host", ra->host,
                     "username", ra->username, "secret", ra->has_secret);
}

static const char SQL_RA_GET[] = "SELECT " RA_COLS "FROM remote_access r WHERE r.id = ?";

static int ra_read(struct db_conn *c, int64_t id, bool with_secret, struct remote_access *out,
                   struct arena *a)
{
    struct db_stmt *s = db_stmt(c, SQL_RA_GET);
    int rc;

    db_bind_int(s, 1, id);
    if ((rc = db_step(s)) == DB_ROW) {
        read_ra(s, with_secret, out, a);
        return db_done(s, 0);
    }
    return db_done(s, rc == DB_DONE ? DESK_ENOTFOUND : db_err(rc));
}

struct ra_job {
    const struct caller *c;             /* who */
    int64_t id;                         /* the record (get, update, delete) */
    struct remote_access *ra;           /* create: in and out; others: out */
    const struct remote_access_patch *p; /* update */
    int64_t now;                        /* when */
    struct store_fault *fault;          /* why it was refused */
    struct arena *a;                    /* for strings */
};

static const char SQL_INSTALLATION_EXISTS[] = "SELECT 1 FROM installations WHERE id = ?";
static const char SQL_RA_INSERT[] =
    "INSERT INTO remote_access (installation_id, method, host, username, notes, secret, "
    "created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?8) RETURNING id";

static int installation_exists(struct db_conn *c, int64_t id)
{
    struct db_stmt *s = db_stmt(c, SQL_INSTALLATION_EXISTS);
    int rc;

    db_bind_int(s, 1, id);
    rc = db_step(s);
    return db_done(s, rc == DB_ROW ? 0 : rc == DB_DONE ? DESK_ENOTFOUND : db_err(rc));
}

static void bind_sealed(struct db_stmt *s, int i, const uint8_t *sealed, size_t len)
{
    if (sealed)
        db_bind_blob(s, i, sealed, len);
    else
        db_bind_null(s, i);
}

static int write_ra_create(struct db_conn *c, void *arg)
{
    struct ra_job *j = arg;
    struct remote_access *ra = j->ra;
    struct db_stmt *s;
    int rc;

    if ((rc = installation_exists(c, ra->installation_id)) < 0)
        return rc;
    s = db_stmt(c, SQL_RA_INSERT);
    db_bind_int(s, 1, ra->installation_id);
    db_bind_text(s, 2, ra->method);
    db_bind_text(s, 3, ra->host);
    db_bind_text(s, 4, ra->username);
    db_bind_text(s, 5, ra->notes);
    bind_sealed(s, 6, ra->sealed, ra->sealed_len);
    db_bind_id(s, 7, j->c->user_id);
    db_bind_int(s, 8, j->now);
    if ((rc = db_insert(s, &ra->id)) < 0)
        return rc;
    ra->has_secret = ra->sealed != NULL;
    ra->created_by = j->c->user_id;
    ra->created_at = ra->updated_at = j->now;
    return store__audit_json(c, j->c->user_id, "create", "remote_access", ra->id, NULL,
                             ra_audit(ra));
}

int store_remote_access_create(struct store *st, const struct caller *c, struct remote_access *ra,
                               int64_t now, struct store_fault *fault)
{
    struct ra_job j = {c, 0, ra, NULL, now, fault, NULL};

    if (!staff(c))
        return DESK_ENOTFOUND;
    return db_write(st, write_ra_create, &j);
}

static const char SQL_RA_LIST[] = "SELECT " RA_COLS "FROM remote_access r "
                                  "WHERE r.installation_id = ? ORDER BY r.id LIMIT 1000";

int store_remote_access_list(struct store *st, const struct caller *c, int64_t installation_id,
                             struct remote_access **items, size_t *n, struct arena *a)
{
    struct db_conn *conn;
    size_t alloc = 0;
    struct db_stmt *s;
    int rc;

    *items = NULL;
    *n = 0;
    if (!staff(c))
        return DESK_ENOTFOUND;
    conn = db_get(st);
    if ((rc = installation_exists(conn, installation_id)) == 0) {
        s = db_stmt(conn, SQL_RA_LIST);
        db_bind_int(s, 1, installation_id);
        while ((rc = db_step(s)) == DB_ROW) {
            ARENA_GROW(a, *items, *n, alloc);
            read_ra(s, false, &(*items)[(*n)++], a);
        }
        rc = db_done(s, rc == DB_DONE ? 0 : db_err(rc));
    }
    db_put(st, conn);
    return rc;
}

static int write_ra_get(struct db_conn *c, void *arg)
{
    struct ra_job *j = arg;
    int rc;

    if ((rc = ra_read(c, j->id, true, j->ra, j->a)) < 0 || !j->ra->sealed)
        return rc;
    return store__audit_json(c, j->c->user_id, "read_secret", "remote_access", j->id, NULL,
                             json_pack("{s:I}", "installation_id",
                                       (json_int_t)j->ra->installation_id));
}

int store_remote_access_get(struct store *st, const struct caller *c, int64_t id, int64_t now,
                            struct remote_access *out, struct arena *a)
{
    struct ra_job j = {c, id, out, NULL, now, NULL, a};

    if (!staff(c))
        return DESK_ENOTFOUND;
    return db_write(st, write_ra_get, &j);
}

static const char SQL_RA_UPDATE[] =
    "UPDATE remote_access SET method = ?2, host = ?3, username = ?4, notes = ?5, updated_at = ?6 "
    "WHERE id = ?1";
static const char SQL_RA_SET_SECRET[] = "UPDATE remote_access SET secret = ?2 WHERE id = ?1";

static void apply_ra_patch(struct remote_access *ra, const struct remote_access_patch *p)
{
    if (p->has_method)
        ra->method = p->method;
    if (p->has_host)
        ra->host = p->host;
    if (p->has_username)
        ra->username = p->username;
    if (p->has_notes)
        ra->notes = p->notes;
}

static int write_ra_update(struct db_conn *c, void *arg)
{
    struct ra_job *j = arg;
    struct remote_access before;
    struct db_stmt *s;
    int rc;

    if ((rc = ra_read(c, j->id, false, j->ra, j->a)) < 0)
        return rc;
    before = *j->ra;
    apply_ra_patch(j->ra, j->p);
    j->ra->updated_at = j->now;
    s = db_stmt(c, SQL_RA_UPDATE);
    db_bind_int(s, 1, j->id);
    db_bind_text(s, 2, j->ra->method);
    db_bind_text(s, 3, j->ra->host);
    db_bind_text(s, 4, j->ra->username);
    db_bind_text(s, 5, j->ra->notes);
    db_bind_int(s, 6, j->now);
    if ((rc = db_exec(s)) < 0)
        return rc;
    if (j->p->has_secret) {
        s = db_stmt(c, SQL_RA_SET_SECRET);
        db_bind_int(s, 1, j->id);
        bind_sealed(s, 2, j->p->sealed, j->p->sealed_len);
        if ((rc = db_exec(s)) < 0)
            return rc;
        j->ra->has_secret = j->p->sealed != NULL;
    }
    return store__audit_json(c, j->c->user_id, "update", "remote_access", j->id, ra_audit(&before),
                             ra_audit(j->ra));
}

int store_remote_access_update(struct store *st, const struct caller *c, int64_t id,
                               const struct remote_access_patch *p, int64_t now,
                               struct remote_access *out, struct store_fault *fault,
                               struct arena *a)
{
    struct ra_job j = {c, id, out, p, now, fault, a};

    if (!staff(c))
        return DESK_ENOTFOUND;
    return db_write(st, write_ra_update, &j);
}

static const char SQL_RA_DELETE[] = "DELETE FROM remote_access WHERE id = ?";

static int write_ra_delete(struct db_conn *c, void *arg)
{
    struct ra_job *j = arg;
    struct remote_access ra;
    struct db_stmt *s;
    int rc;

    if ((rc = ra_read(c, j->id, false, &ra, j->a)) < 0)
        return rc;
    s = db_stmt(c, SQL_RA_DELETE);
    db_bind_int(s, 1, j->id);
    if ((rc = db_exec(s)) < 0)
        return rc;
    return store__audit_json(c, j->c->user_id, "delete", "remote_access", j->id, ra_audit(&ra),
                             NULL);
}

int store_remote_access_delete(struct store *st, const struct caller *c, int64_t id, int64_t now)
{
    struct arena a = ARENA_INIT;
    struct ra_job j = {c, id, NULL, NULL, now, NULL, &a};
    int rc;

    if (!staff(c))
        return DESK_ENOTFOUND;
    rc = db_write(st, write_ra_delete, &j);
    arena_release(&a);
    return rc;
}

static const char SQL_RA_SEALED[] = "SELECT count(*) FROM remote_access WHERE secret IS NOT NULL";

int store_remote_access_sealed_count(struct store *st, int64_t *n)
{
    struct db_conn *conn = db_get(st);
    struct db_stmt *s = db_stmt(conn, SQL_RA_SEALED);
    int rc;

    *n = 0;
    if ((rc = db_step(s)) == DB_ROW)
        *n = db_col_int(s, 0);
    rc = db_done(s, db_err(rc));
    db_put(st, conn);
    return rc;
}

/* ---- maintenance windows: reading --------------------------------------------------- */

#define MW_COLS                                                                                    \
    "w.id, w.organization_id, coalesce(w.installation_id, 0), i.name, w.starts_at, w.ends_at, "   \
    "w.summary, w.details, w.status, coalesce(w.completed_at, 0), coalesce(w.announced_at, 0), "  \
    "coalesce(w.reminded_at, 0), coalesce(w.cleared_at, 0), coalesce(w.created_by, 0), "          \
    "w.created_at, w.updated_at "
#define MW_FROM "FROM maintenance_windows w LEFT JOIN installations i ON i.id = w.installation_id "

static void read_window(struct db_stmt *s, struct maintenance_window *w, struct arena *a)
{
    memset(w, 0, sizeof(*w));
    w->id = db_col_int(s, 0);
    w->organization_id = db_col_int(s, 1);
    w->installation_id = db_col_int(s, 2);
    w->installation_name = db_col_text_or_null(s, 3, a);
    w->t.starts_at = db_col_int(s, 4);
    w->t.ends_at = db_col_int(s, 5);
    w->summary = db_col_text(s, 6, a);
    w->details = db_col_text(s, 7, a);
    w->status = !strcmp(db_col_raw(s, 8), "completed") ? MAINTENANCE_COMPLETED
                                                       : MAINTENANCE_SCHEDULED;
    w->t.completed = w->status == MAINTENANCE_COMPLETED;
    w->completed_at = db_col_int(s, 9);
    w->t.announced_at = db_col_int(s, 10);
    w->t.reminded_at = db_col_int(s, 11);
    w->t.cleared_at = db_col_int(s, 12);
    w->created_by = db_col_int(s, 13);
    w->created_at = db_col_int(s, 14);
    w->updated_at = db_col_int(s, 15);
}

static const char SQL_MW_GET[] = "SELECT " MW_COLS MW_FROM "WHERE w.id = ?1 AND "
                                 "(CAST(?2 AS BIGINT) = 0 OR w.organization_id = ?2)";

static int window_read(struct db_conn *c, const struct caller *who, int64_t id,
                       struct maintenance_window *out, struct arena *a)
{
    struct db_stmt *s;
    int rc;

    if (who->role < ROLE_CUSTOMER)
        return DESK_ENOTFOUND;
    s = db_stmt(c, SQL_MW_GET);
    db_bind_int(s, 1, id);
    db_bind_int(s, 2, STORE_ORG_FILTER(who));
    if ((rc = db_step(s)) == DB_ROW) {
        read_window(s, out, a);
        return db_done(s, 0);
    }
    return db_done(s, rc == DB_DONE ? DESK_ENOTFOUND : db_err(rc));
}

int store_maintenance_get(struct store *st, const struct caller *c, int64_t id,
                          struct maintenance_window *out, struct arena *a)
{
    struct db_conn *conn = db_get(st);
    int rc = window_read(conn, c, id, out, a);

    db_put(st, conn);
    return rc;
}

/* Newest first; the cursor "m.<id>" is the last id of a page. */
static const char SQL_MW_LIST[] =
    "SELECT " MW_COLS MW_FROM "WHERE (CAST(?1 AS BIGINT) = 0 OR w.organization_id = ?1) "
    "AND (CAST(?2 AS BIGINT) = 0 OR w.organization_id = ?2) "
    "AND (CAST(?3 AS BIGINT) = 0 OR w.id < ?3) ORDER BY w.id DESC LIMIT ?4";

int store_maintenance_list(struct store *st, const struct caller *c, int64_t organization_id,
                           const struct kb_page *pg, struct maintenance_window **items, size_t *n,
                           const char **next, struct arena *a)
{
    size_t want = (size_t)pg->limit + 1;
    struct maintenance_window *out;
    struct db_conn *conn;
    struct db_stmt *s;
    int64_t before;
    int rc;

    *items = NULL;
    *n = 0;
    *next = NULL;
    if (pg->limit < 1 || pg->limit > STORE_PAGE_MAX ||
        store__cursor_id(pg->cursor, 'm', &before) < 0)
        return DESK_EBADREQ;
    if (c->role < ROLE_CUSTOMER)
        return 0;
    out = ARENA_NEWN(a, struct maintenance_window, want);
    conn = db_get(st);
    s = db_stmt(conn, SQL_MW_LIST);
    db_bind_int(s, 1, STORE_ORG_FILTER(c));
    db_bind_int(s, 2, organization_id);
    db_bind_int(s, 3, before);
    db_bind_int(s, 4, (int64_t)want);
    while ((rc = db_step(s)) == DB_ROW)
        read_window(s, &out[(*n)++], a);
    rc = db_done(s, rc == DB_DONE ? 0 : db_err(rc));
    db_put(st, conn);
    if (*n == want) {
        (*n)--;
        *next = store__cursor_make('m', out[*n - 1].id, a);
    }
    *items = out;
    return rc;
}

/* ---- maintenance windows: notices ------------------------------------------------------ */


/* Queue notice n of window w to its organisation's contacts (none: nothing queued). */
static int queue_notice(struct db_conn *c, const struct maintenance_window *w,
                        enum maintenance_notice n, int64_t now, int *queued, struct arena *a)
{
    const char *to = store__org_contacts(c, w->organization_id, a);
    struct strbuf subject = STRBUF_INIT, body = STRBUF_INIT;
    struct maintenance_text t = {
        w->summary, w->details,
        w->installation_name
            ? arena_sprintf(a, "installation '%s'", w->installation_name)
            : "the installations we host for you",
        w->t.starts_at, w->t.ends_at};
    char rnd[33];
    int rc;

    if (!to)
        return 0;
    maintenance_notice_render(n, &t, &subject, &body);
    random_hex(rnd, 16);
    rc = store__outbox_mail(c, arena_sprintf(a, "maintenance_%s", maintenance_notice_name(n)), to,
                            subject.buf, body.buf,
                            arena_sprintf(a, "%s.maintenance.%" PRId64 ".%s", rnd, w->id,
                                          maintenance_notice_name(n)),
                            now);
    strbuf_release(&subject);
    strbuf_release(&body);
    if (rc == 0 && queued)
        (*queued)++;
    return rc;
}

/* Set the notice's column from NULL (RETURNING: *won when this write set it). */
static const char *const SQL_MW_MARK[] = {
    [MAINTENANCE_NOTICE_ANNOUNCE] = "UPDATE maintenance_windows SET announced_at = ?2 "
                                    "WHERE id = ?1 AND announced_at IS NULL RETURNING id",
    [MAINTENANCE_NOTICE_REMINDER] = "UPDATE maintenance_windows SET reminded_at = ?2 "
                                    "WHERE id = ?1 AND reminded_at IS NULL RETURNING id",
    [MAINTENANCE_NOTICE_ALL_CLEAR] = "UPDATE maintenance_windows SET cleared_at = ?2 "
                                     "WHERE id = ?1 AND cleared_at IS NULL RETURNING id",
};

static int mark_notice(struct db_conn *c, struct maintenance_window *w,
                       enum maintenance_notice n, int64_t now, bool *won)
{
    struct db_stmt *s = db_stmt(c, SQL_MW_MARK[n]);
    int rc;

    db_bind_int(s, 1, w->id);
    db_bind_int(s, 2, now);
    rc = db_step(s);
    *won = rc == DB_ROW;
    if (n == MAINTENANCE_NOTICE_ANNOUNCE)
        w->t.announced_at = now;
    else if (n == MAINTENANCE_NOTICE_REMINDER)
        w->t.reminded_at = now;
    else
        w->t.cleared_at = now;
    return db_done(s, db_err(rc));
}

/* Queue, in the caller's write, each notice of w due at now (at most one of each). */
static int queue_due_notices(struct db_conn *c, struct maintenance_window *w,
                             const struct maintenance_leads *l, int64_t now, int *queued,
                             struct arena *a)
{
    for (int i = 0; i < 3; i++) {
        enum maintenance_notice n = maintenance_notice_due(&w->t, l->announce, l->remind, now);
        bool silent = maintenance_notice_silent(&w->t, n), won;
        int rc;

        if (n == MAINTENANCE_NOTICE_NONE)
            return 0;
        if ((rc = mark_notice(c, w, n, now, &won)) < 0)
            return rc;
        if (won && !silent && (rc = queue_notice(c, w, n, now, queued, a)) < 0)
            return rc;
    }
    return 0;
}

/* ---- maintenance windows: writing ---------------------------------------------------------- */

struct mw_job {
    const struct caller *c;              /* who */
    int64_t id;                          /* the window (update, complete, sweep) */
    struct maintenance_window *w;        /* create: in and out; others: out */
    struct maintenance_window in;        /* create: the caller's input, restored at each run */
    const struct maintenance_patch *p;   /* update */
    const struct maintenance_leads *l;   /* notice leads */
    int64_t now;                         /* when */
    int queued;                          /* sweep: mails queued */
    struct store_fault *fault;           /* why it was refused */
    struct arena *a;                     /* for strings */
};

static json_t *window_audit(const struct maintenance_window *w)
{
    return json_pack("{s:I, s:I, s:I, s:I, s:s, s:s}", "organization_id",
                     (json_int_t)w->organization_id, "installation_id",
                     (json_int_t)w->installation_id, "starts_at", (json_int_t)w->t.starts_at,
                     "ends_at", (json_int_t)w->t.ends_at, "summary", w->summary, "status",
                     maintenance_status_name(w->status));
}

static const char SQL_HOSTING_OF[] =
    "SELECT organization_id, hosting, name FROM installations WHERE id = ?";
static const char SQL_ORG_VENDOR_HOSTED[] =
    "SELECT count(*) FROM installations WHERE organization_id = ? AND hosting = 'vendor_hosted'";

/* The window's installation: vendor-hosted and, with an organisation given, of it. */
static int check_installation(struct db_conn *c, struct mw_job *j, struct maintenance_window *w)
{
    struct db_stmt *s = db_stmt(c, SQL_HOSTING_OF);
    int64_t org = 0;
    bool vendor = false;
    int rc;

    db_bind_int(s, 1, w->installation_id);
    if ((rc = db_step(s)) == DB_ROW) {
        org = db_col_int(s, 0);
        vendor = !strcmp(db_col_raw(s, 1), "vendor_hosted");
        w->installation_name = db_col_text(s, 2, j->a);
    }
    if ((rc = db_done(s, db_err(rc))) < 0)
        return rc;
    if (!org)
        return store__fault(j->fault, DESK_EINVAL, "installation_id",
                            "no installation %" PRId64, w->installation_id);
    if (!vendor)
        return store__fault(j->fault, DESK_EINVAL, "installation_id",
                            "installation %" PRId64 " is not vendor-hosted: it has no "
                            "maintenance windows", w->installation_id);
    if (w->organization_id && w->organization_id != org)
        return store__fault(j->fault, DESK_EINVAL, "organization_id",
                            "installation %" PRId64 " is not of organization %" PRId64,
                            w->installation_id, w->organization_id);
    w->organization_id = org;
    return 0;
}

/* A window of a whole organisation: it must have a vendor-hosted installation. */
static int check_organization(struct db_conn *c, struct mw_job *j, struct maintenance_window *w)
{
    struct db_stmt *s = db_stmt(c, SQL_ORG_VENDOR_HOSTED);
    int64_t n = 0;
    int rc;

    db_bind_int(s, 1, w->organization_id);
    if ((rc = db_step(s)) == DB_ROW)
        n = db_col_int(s, 0);
    if ((rc = db_done(s, db_err(rc))) < 0)
        return rc;
    if (!n)
        return store__fault(j->fault, DESK_EINVAL, "organization_id",
                            "organization %" PRId64 " has no vendor-hosted installation",
                            w->organization_id);
    return 0;
}

static const char SQL_MW_INSERT[] =
    "INSERT INTO maintenance_windows (organization_id, installation_id, starts_at, ends_at, "
    "summary, details, status, created_by, created_at, updated_at) "
    "VALUES (?, ?, ?, ?, ?, ?, 'scheduled', ?, ?, ?8) RETURNING id";

static int write_mw_create(struct db_conn *c, void *arg)
{
    struct mw_job *j = arg;
    struct maintenance_window *w = j->w;
    struct db_stmt *s;
    int rc;

    *w = j->in; /* re-runnable: the caller's input again */
    if ((rc = w->installation_id ? check_installation(c, j, w) : check_organization(c, j, w)) < 0)
        return rc;
    s = db_stmt(c, SQL_MW_INSERT);
    db_bind_int(s, 1, w->organization_id);
    db_bind_id(s, 2, w->installation_id);
    db_bind_int(s, 3, w->t.starts_at);
    db_bind_int(s, 4, w->t.ends_at);
    db_bind_text(s, 5, w->summary);
    db_bind_text(s, 6, w->details);
    db_bind_id(s, 7, j->c->user_id);
    db_bind_int(s, 8, j->now);
    if ((rc = db_insert(s, &w->id)) < 0)
        return rc;
    w->status = MAINTENANCE_SCHEDULED;
    w->created_by = j->c->user_id;
    w->created_at = w->updated_at = j->now;
    if ((rc = store__audit_json(c, j->c->user_id, "create", "maintenance_window", w->id, NULL,
                                window_audit(w))) < 0)
        return rc;
    return queue_due_notices(c, w, j->l, j->now, NULL, j->a);
}

int store_maintenance_create(struct store *st, const struct caller *c,
                             struct maintenance_window *w, const struct maintenance_leads *l,
                             int64_t now, struct store_fault *fault, struct arena *a)
{
    struct mw_job j = {c, 0, w, *w, NULL, l, now, 0, fault, a};

    return db_write(st, write_mw_create, &j);
}

static const char SQL_MW_UPDATE[] =
    "UPDATE maintenance_windows SET starts_at = ?2, ends_at = ?3, summary = ?4, details = ?5, "
    "updated_at = ?6 WHERE id = ?1";
static const char SQL_MW_REMIND_AGAIN[] =
    "UPDATE maintenance_windows SET reminded_at = NULL WHERE id = ?1";

/* A window's times changed after its announcement: tell again, remind again. */
static int rescheduled(struct db_conn *c, struct mw_job *j, struct maintenance_window *w)
{
    struct db_stmt *s = db_stmt(c, SQL_MW_REMIND_AGAIN);
    int rc;

    db_bind_int(s, 1, w->id);
    if ((rc = db_exec(s)) < 0)
        return rc;
    w->t.reminded_at = 0;
    return queue_notice(c, w, MAINTENANCE_NOTICE_UPDATED, j->now, NULL, j->a);
}

static int write_mw_update(struct db_conn *c, void *arg)
{
    struct mw_job *j = arg;
    const struct maintenance_patch *p = j->p;
    struct maintenance_window *w = j->w, before;
    struct db_stmt *s;
    bool moved;
    int rc;

    if ((rc = window_read(c, j->c, j->id, w, j->a)) < 0)
        return rc;
    if (w->t.cleared_at || w->status == MAINTENANCE_COMPLETED)
        return store__fault(j->fault, DESK_ECONFLICT, NULL, "maintenance window %" PRId64
                            " is over", j->id);
    before = *w;
    w->t.starts_at = p->has_starts_at ? p->starts_at : w->t.starts_at;
    w->t.ends_at = p->has_ends_at ? p->ends_at : w->t.ends_at;
    w->summary = p->has_summary ? p->summary : w->summary;
    w->details = p->has_details ? p->details : w->details;
    if (w->t.ends_at <= w->t.starts_at)
        return store__fault(j->fault, DESK_EINVAL, p->has_ends_at ? "ends_at" : "starts_at",
                            "ends_at is not after starts_at");
    moved = w->t.starts_at != before.t.starts_at || w->t.ends_at != before.t.ends_at;
    w->updated_at = j->now;
    s = db_stmt(c, SQL_MW_UPDATE);
    db_bind_int(s, 1, w->id);
    db_bind_int(s, 2, w->t.starts_at);
    db_bind_int(s, 3, w->t.ends_at);
    db_bind_text(s, 4, w->summary);
    db_bind_text(s, 5, w->details);
    db_bind_int(s, 6, j->now);
    if ((rc = db_exec(s)) < 0 ||
        (rc = store__audit_json(c, j->c->user_id, "update", "maintenance_window", w->id,
                                window_audit(&before), window_audit(w))) < 0)
        return rc;
    if (moved && w->t.announced_at && (rc = rescheduled(c, j, w)) < 0)
        return rc;
    return queue_due_notices(c, w, j->l, j->now, NULL, j->a);
}

int store_maintenance_update(struct store *st, const struct caller *c, int64_t id,
                             const struct maintenance_patch *p, const struct maintenance_leads *l,
                             int64_t now, struct maintenance_window *out,
                             struct store_fault *fault, struct arena *a)
{
    struct mw_job j = {c, id, out, {0}, p, l, now, 0, fault, a};

    return db_write(st, write_mw_update, &j);
}

static const char SQL_MW_COMPLETE[] =
    "UPDATE maintenance_windows SET status = 'completed', completed_at = ?2, updated_at = ?2 "
    "WHERE id = ?1";

static int write_mw_complete(struct db_conn *c, void *arg)
{
    struct mw_job *j = arg;
    struct maintenance_window *w = j->w, before;
    struct db_stmt *s;
    int rc;

    if ((rc = window_read(c, j->c, j->id, w, j->a)) < 0)
        return rc;
    if (w->status == MAINTENANCE_COMPLETED)
        return DESK_ECONFLICT;
    before = *w;
    s = db_stmt(c, SQL_MW_COMPLETE);
    db_bind_int(s, 1, w->id);
    db_bind_int(s, 2, j->now);
    if ((rc = db_exec(s)) < 0)
        return rc;
    w->status = MAINTENANCE_COMPLETED;
    w->t.completed = true;
    w->completed_at = w->updated_at = j->now;
    if ((rc = store__audit_json(c, j->c->user_id, "complete", "maintenance_window", w->id,
                                window_audit(&before), window_audit(w))) < 0)
        return rc;
    return queue_due_notices(c, w, j->l, j->now, NULL, j->a);
}

int store_maintenance_complete(struct store *st, const struct caller *c, int64_t id,
                               const struct maintenance_leads *l, int64_t now,
                               struct maintenance_window *out, struct arena *a)
{
    struct mw_job j = {c, id, out, {0}, NULL, l, now, 0, NULL, a};

    return db_write(st, write_mw_complete, &j);
}

/* ---- the sweep ------------------------------------------------------------------------------ */

#define SWEEP_BATCH 200 /* windows looked at in one sweep at most; the rest next time */

static const char SQL_MW_PENDING[] = "SELECT " MW_COLS MW_FROM "WHERE w.cleared_at IS NULL "
                                     "ORDER BY w.starts_at, w.id LIMIT 200";
_Static_assert(SWEEP_BATCH == 200, "SQL_MW_PENDING's LIMIT");

static int write_mw_sweep_one(struct db_conn *c, void *arg)
{
    struct mw_job *j = arg;
    struct maintenance_window w;
    int rc;

    j->queued = 0; /* re-runnable: counts start again */
    if ((rc = window_read(c, j->c, j->id, &w, j->a)) < 0)
        return rc == DESK_ENOTFOUND ? 0 : rc;
    return queue_due_notices(c, &w, j->l, j->now, &j->queued, j->a);
}

/* The ids of the windows with a notice due at now (at most SWEEP_BATCH, arena). */
static int due_windows(struct store *st, const struct maintenance_leads *l, int64_t now,
                       int64_t **ids, size_t *n, struct arena *a)
{
    struct db_conn *conn = db_get(st);
    struct db_stmt *s = db_stmt(conn, SQL_MW_PENDING);
    struct maintenance_window w;
    int rc;

    *ids = ARENA_NEWN(a, int64_t, SWEEP_BATCH);
    *n = 0;
    while ((rc = db_step(s)) == DB_ROW && *n < SWEEP_BATCH) {
        read_window(s, &w, a);
        if (maintenance_notice_due(&w.t, l->announce, l->remind, now) != MAINTENANCE_NOTICE_NONE)
            (*ids)[(*n)++] = w.id;
    }
    rc = db_done(s, db_err(rc));
    db_put(st, conn);
    return rc;
}

int store_maintenance_sweep(struct store *st, const struct maintenance_leads *l, int64_t now,
                            int *queued)
{
    const struct caller sys = CALLER_SYSTEM;
    struct arena a = ARENA_INIT;
    int64_t *ids;
    size_t n;
    int rc;

    *queued = 0;
    rc = due_windows(st, l, now, &ids, &n, &a);
    for (size_t i = 0; i < n && rc == 0; i++) {
        struct mw_job j = {&sys, ids[i], NULL, {0}, NULL, l, now, 0, NULL, &a};
        if ((rc = db_write(st, write_mw_sweep_one, &j)) == 0)
            *queued += j.queued;
    }
    arena_release(&a);
    return rc;
}
