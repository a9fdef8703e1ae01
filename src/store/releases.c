/*
 * releases.c - releases and their publishing, customers' installations
 * and their log of installed changes, and the known-error log, on SQLite.
 *
 * Versions are stored as written and beside them as sort keys
 * (domain/version.h), which SQL compares and indexes: "older than the
 * release" is `version_key < ?`, and a known error touches an installation
 * when their keys are equal. Customers are limited to their organisation in
 * every query (org_scope); anonymous callers see nothing here.
 */
#define LOG_MODULE "store"
#include "core/compat.h"
#include "store/internal.h"
#include "core/crypto.h"
#include "core/err.h"
#include "core/strbuf.h"
#include "core/time.h"
#include "domain/version.h"


/* The organisation a caller is limited to: 0 for staff (all), -1 for anonymous (none). */
static int64_t org_scope(const struct caller *c)
{
    if (c->role >= ROLE_AGENT)
        return 0;
    return c->role == ROLE_CUSTOMER ? c->organization_id : -1;
}

/* The sort key of version v into key, or DESK_EINVAL with fault naming field. */
static int key_of(const char *v, char key[VERSION_KEY_MAX], const char *field,
                  struct store_fault *fault)
{
    const char *why;

    if (version_key(v, key, &why) < 0)
        return store__fault(fault, DESK_EINVAL, field, "%s: '%s' is not a version (%s)", field,
                            v ? v : "", why);
    return 0;
}

/* Is there a row for this one-parameter existence query? */
static int exists(struct db_conn *c, const char *sql, int64_t id, bool *yes)
{
    struct db_stmt *s = db_stmt(c, sql);
    int rc;

    db_bind_int(s, 1, id);
    rc = db_step(s);
    *yes = rc == DB_ROW;
    return db_done(s, db_err(rc));
}

static bool page_ok(const struct kb_page *pg)
{
    return pg->limit >= 1 && pg->limit <= STORE_PAGE_MAX;
}

/* ---- releases --------------------------------------------------------------------- */

#define RELEASE_COLS                                                                               \
    "r.id, r.version, r.kind, r.released_on, r.notes, coalesce(r.published_at, 0), "               \
    "coalesce(r.published_by, 0), r.created_at "

static void read_release(struct db_stmt *s, struct release *r, struct arena *a)
{
    const char *day = db_col_raw(s, 3);

    memset(r, 0, sizeof(*r));
    r->id = db_col_int(s, 0);
    r->version = db_col_text(s, 1, a);
    release_kind_parse(db_col_raw(s, 2), &r->kind);
    if (!day || date_parse(day, strlen(day), &r->released_on) < 0)
        r->released_on = 0;
    r->notes = db_col_text(s, 4, a);
    r->published_at = db_col_int(s, 5);
    r->published_by = db_col_int(s, 6);
    r->created_at = db_col_int(s, 7);
}

/* Customers (?2 = 0) see published releases only. */
static const char SQL_RELEASE_GET[] = "SELECT " RELEASE_COLS "FROM releases r WHERE r.id = ?1 "
                                      "AND (?2 OR r.published_at IS NOT NULL)";

static int release_read(struct db_conn *c, const struct caller *who, int64_t id,
                        struct release *out, struct arena *a)
{
    struct db_stmt *s = db_stmt(c, SQL_RELEASE_GET);
    int rc;

    db_bind_int(s, 1, id);
    db_bind_int(s, 2, who->role >= ROLE_AGENT);
    if ((rc = db_step(s)) == DB_ROW) {
        read_release(s, out, a);
        return db_done(s, 0);
    }
    return db_done(s, rc == DB_DONE ? DESK_ENOTFOUND : db_err(rc));
}

int store_release_get(struct store *st, const struct caller *c, int64_t id, struct release *out,
                        struct arena *a)
{
    struct db_conn *conn = db_get(st);
    int rc = release_read(conn, c, id, out, a);

    db_put(st, conn);
    return rc;
}

struct release_job {
    const struct caller *c;     /* who */
    struct release *r;          /* create: in and out; publish: out */
    int64_t id;                 /* publish: which release */
    int64_t now;                /* when */
    int64_t update_at;          /* publish: when vendor-hosted installations are updated */
    struct publish_result *res; /* publish: what it did */
    struct store_fault *fault;  /* why it was refused */
    struct arena *a;            /* for strings */
};

static json_t *release_audit(const struct release *r)
{
    char day[DATE_LEN];

    date_format(r->released_on, day);
    return json_pack("{s:I, s:s, s:s, s:s, s:I}", "id", (json_int_t)r->id, "version", r->version,
                     "kind", release_kind_name(r->kind), "released_on", day, "published_at",
                     (json_int_t)r->published_at);
}

static const char SQL_RELEASE_BY_KEY[] = "SELECT id, version FROM releases WHERE version_key = ?";
static const char SQL_RELEASE_INSERT[] =
    "INSERT INTO releases (version, version_key, kind, released_on, notes, created_by, "
    "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id";

/* DESK_ECONFLICT with fault when a release of this version (as a version) exists. */
static int release_unique(struct db_conn *c, const char *key, const char *version,
                          struct store_fault *fault)
{
    struct db_stmt *s = db_stmt(c, SQL_RELEASE_BY_KEY);
    int rc;

    db_bind_text(s, 1, key);
    if ((rc = db_step(s)) == DB_ROW) {
        rc = store__fault(fault, DESK_ECONFLICT, "version",
                          "release %" PRId64 " has version '%s', the same as '%s'",
                          (int64_t)db_col_int(s, 0),
                          db_col_raw(s, 1), version);
        return db_done(s, rc);
    }
    return db_done(s, rc == DB_DONE ? 0 : db_err(rc));
}

static int write_release_create(struct db_conn *c, void *arg)
{
    struct release_job *j = arg;
    struct release *r = j->r;
    char key[VERSION_KEY_MAX], day[DATE_LEN];
    struct db_stmt *s;
    int rc;

    if ((rc = key_of(r->version, key, "version", j->fault)) < 0 ||
        (rc = release_unique(c, key, r->version, j->fault)) < 0)
        return rc;
    date_format(r->released_on, day);
    s = db_stmt(c, SQL_RELEASE_INSERT);
    db_bind_text(s, 1, r->version);
    db_bind_text(s, 2, key);
    db_bind_text(s, 3, release_kind_name(r->kind));
    db_bind_text(s, 4, day);
    db_bind_text(s, 5, r->notes);
    db_bind_id(s, 6, j->c->user_id);
    db_bind_int(s, 7, j->now);
    db_bind_int(s, 8, j->now);
    if ((rc = db_insert(s, &r->id)) < 0)
        return rc;
    r->created_at = j->now;
    return store__audit_json(c, j->c->user_id, "create", "release", r->id, NULL, release_audit(r));
}

int store_release_create(struct store *st, const struct caller *c, struct release *r, int64_t now,
                           struct store_fault *fault)
{
    struct release_job j = {c, r, 0, now, now, NULL, fault, NULL};
    return db_write(st, write_release_create, &j);
}

static const char SQL_RELEASE_LIST[] =
    "SELECT " RELEASE_COLS "FROM releases r WHERE (?2 OR r.published_at IS NOT NULL) "
    "AND (CAST(?3 AS TEXT) IS NULL OR r.version_key < ?3) ORDER BY r.version_key DESC LIMIT ?4";

/* A release cursor is "v.<sort key of the last row>"; NULL for the first page. */
static int release_cursor(const char *cur, const char **key)
{
    *key = NULL;
    if (!cur)
        return 0;
    if (cur[0] != 'v' || cur[1] != '.' || !version_key_valid(cur + 2))
        return DESK_EBADREQ;
    *key = cur + 2;
    return 0;
}

int store_release_list(struct store *st, const struct caller *c, const struct kb_page *pg,
                         struct release **items, size_t *n, const char **next, struct arena *a)
{
    size_t want = (size_t)pg->limit + 1;
    char last[VERSION_KEY_MAX];
    struct db_conn *conn;
    struct release *out;
    const char *key;
    struct db_stmt *s;
    int rc;

    *items = NULL;
    *n = 0;
    *next = NULL;
    if (!page_ok(pg) || release_cursor(pg->cursor, &key) < 0)
        return DESK_EBADREQ;
    out = ARENA_NEWN(a, struct release, want);
    conn = db_get(st);
    s = db_stmt(conn, SQL_RELEASE_LIST);
    db_bind_int(s, 2, c->role >= ROLE_AGENT);
    db_bind_text(s, 3, key);
    db_bind_int(s, 4, (int64_t)want);
    while ((rc = db_step(s)) == DB_ROW)
        read_release(s, &out[(*n)++], a);
    rc = db_done(s, rc == DB_DONE ? 0 : db_err(rc));
    db_put(st, conn);
    if (*n == want) {
        (*n)--;
        if (version_key(out[*n - 1].version, last, NULL) == 0)
            *next = arena_sprintf(a, "v.%s", last);
    }
    *items = out;
    return rc;
}

/* ---- hot-fix files ------------------------------------------------------------------ */

#define RELEASE_FILE_COLS                                                                          \
    "f.id, f.release_id, f.filename, f.content_type, f.size, f.sha256, "                          \
    "coalesce(f.uploaded_by, 0), f.created_at "

static const char SQL_RELEASE_FILE_INSERT[] =
    "INSERT INTO release_files (release_id, filename, content_type, size, sha256, data, "
    "uploaded_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id";
static const char SQL_RELEASE_FILES[] =
    "SELECT " RELEASE_FILE_COLS "FROM release_files f WHERE f.release_id = ? ORDER BY f.id";
static const char SQL_RELEASE_FILE_GET[] =
    "SELECT " RELEASE_FILE_COLS ", f.data FROM release_files f WHERE f.id = ?";
/* Is organisation ?1 entitled on date ?2: an active signed maintenance agreement? */
static const char SQL_ENTITLED[] =
    "SELECT 1 FROM agreements WHERE organization_id = ?1 AND kind = 'maintenance' AND "
    "status = 'signed' AND starts_on <= ?2 AND (ends_on IS NULL OR ends_on >= ?2) LIMIT 1";

static void read_release_file(struct db_stmt *s, struct release_file *f, struct arena *a)
{
    const char *sum = db_col_raw(s, 5);

    memset(f, 0, sizeof(*f));
    f->id = db_col_int(s, 0);
    f->release_id = db_col_int(s, 1);
    f->filename = db_col_text(s, 2, a);
    f->content_type = db_col_text(s, 3, a);
    f->size = db_col_int(s, 4);
    snprintf(f->sha256, sizeof(f->sha256), "%s", sum ? sum : "");
    f->uploaded_by = db_col_int(s, 6);
    f->created_at = db_col_int(s, 7);
}

struct release_file_job {
    const struct caller *c;    /* the uploader */
    struct release_file *f;    /* in: fields and bytes; out: id, checksum */
    int64_t now;               /* when */
    struct store_fault *fault; /* why it was refused */
};

static int write_release_file_add(struct db_conn *c, void *arg)
{
    struct release_file_job *j = arg;
    struct release_file *f = j->f;
    struct arena a = ARENA_INIT;
    struct release r;
    struct db_stmt *s;
    int rc = release_read(c, j->c, f->release_id, &r, &a);

    arena_release(&a);
    if (rc < 0)
        return rc;
    sha256_hex(f->data, (size_t)f->size, f->sha256);
    s = db_stmt(c, SQL_RELEASE_FILE_INSERT);
    db_bind_int(s, 1, f->release_id);
    db_bind_text(s, 2, f->filename);
    db_bind_text(s, 3, f->content_type);
    db_bind_int(s, 4, f->size);
    db_bind_text(s, 5, f->sha256);
    db_bind_blob(s, 6, f->data, (size_t)f->size);
    db_bind_id(s, 7, j->c->user_id);
    db_bind_int(s, 8, j->now);
    if ((rc = db_insert(s, &f->id)) < 0)
        return rc;
    if (!f->id)
        return store__fault(j->fault, DESK_ECONFLICT, "filename",
                            "release %" PRId64 " has a file named '%s' already", f->release_id,
                            f->filename);
    f->uploaded_by = j->c->user_id;
    f->created_at = j->now;
    return store__audit_json(c, j->c->user_id, "create", "release_file", f->id, NULL,
                             json_pack("{s:I, s:s, s:I, s:s}", "release_id",
                                       (json_int_t)f->release_id, "filename", f->filename, "size",
                                       (json_int_t)f->size, "sha256", f->sha256));
}

int store_release_file_add(struct store *st, const struct caller *c, struct release_file *f,
                           int64_t now, struct store_fault *fault)
{
    struct release_file_job j = {c, f, now, fault};

    return db_write(st, write_release_file_add, &j);
}

/* 0 when caller c may download the files of release r at now: staff, or a customer whose
   organisation is entitled (DESK_EDENIED). */
static int may_download(struct db_conn *c, const struct caller *who, int64_t now)
{
    struct db_stmt *s;
    int rc;

    if (who->role >= ROLE_AGENT)
        return 0;
    s = db_stmt(c, SQL_ENTITLED);
    db_bind_int(s, 1, who->organization_id);
    store__bind_date(s, 2, store__today(now));
    rc = db_step(s);
    return db_done(s, rc == DB_ROW ? 0 : rc == DB_DONE ? DESK_EDENIED : db_err(rc));
}

int store_release_file_list(struct store *st, const struct caller *c, int64_t release_id,
                            int64_t now, struct release_file **items, size_t *n, bool *entitled,
                            struct arena *a)
{
    struct db_conn *conn = db_get(st);
    struct release r;
    size_t alloc = 0;
    int rc = release_read(conn, c, release_id, &r, a);

    *items = NULL;
    *n = 0;
    if (rc == 0) {
        rc = may_download(conn, c, now);
        *entitled = rc == 0;
        rc = rc == DESK_EDENIED ? 0 : rc;
    }
    if (rc == 0) {
        struct db_stmt *s = db_stmt(conn, SQL_RELEASE_FILES);
        db_bind_int(s, 1, release_id);
        while ((rc = db_step(s)) == DB_ROW) {
            ARENA_GROW(a, *items, *n, alloc);
            read_release_file(s, &(*items)[(*n)++], a);
        }
        rc = db_done(s, rc == DB_DONE ? 0 : db_err(rc));
    }
    db_put(st, conn);
    return rc;
}

int store_release_file_get(struct store *st, const struct caller *c, int64_t id, int64_t now,
                           struct release_file *f, struct arena *a)
{
    struct db_conn *conn = db_get(st);
    struct db_stmt *s = db_stmt(conn, SQL_RELEASE_FILE_GET);
    struct release r;
    int rc;

    db_bind_int(s, 1, id);
    if ((rc = db_step(s)) == DB_ROW) {
        size_t len;
        const void *p = db_col_blob(s, 8, &len);
        read_release_file(s, f, a);
        f->data = arena_memdup(a, p, len);
        rc = 0;
    } else {
        rc = rc == DB_DONE ? DESK_ENOTFOUND : db_err(rc);
    }
    db_done(s, rc);
    /* a customer sees the files of published releases, and downloads them when entitled */
    if (rc == 0 && (rc = release_read(conn, c, f->release_id, &r, a)) == 0)
        rc = may_download(conn, c, now);
    db_put(st, conn);
    return rc;
}

/* ---- publishing ---------------------------------------------------------------------- */

/* An installation on an older version than the release being published. */
struct older {
    int64_t id, organization_id; /* the installation and its customer */
    const char *name, *version;  /* for the change log and the notice */
};

static const char SQL_RELEASE_SET_PUBLISHED[] =
    "UPDATE releases SET published_at = ?2, published_by = ?3, updated_at = ?2 WHERE id = ?1";
static const char SQL_OLDER[] =
    "SELECT id, organization_id, name, version FROM installations "
    "WHERE hosting = ?1 AND version_key < ?2 ORDER BY organization_id, id";

/* The installations of one hosting model below version key (arena). */
static int older_installations(struct db_conn *c, const char *hosting, const char *key,
                               struct older **out, size_t *n, struct arena *a)
{
    struct db_stmt *s = db_stmt(c, SQL_OLDER);
    size_t alloc = 0;
    int rc;

    *out = NULL;
    *n = 0;
    db_bind_text(s, 1, hosting);
    db_bind_text(s, 2, key);
    while ((rc = db_step(s)) == DB_ROW) {
        ARENA_GROW(a, *out, *n, alloc);
        (*out)[(*n)++] = (struct older){db_col_int(s, 0), db_col_int(s, 1),
                                        db_col_text(s, 2, a), db_col_text(s, 3, a)};
    }
    return db_done(s, rc == DB_DONE ? 0 : db_err(rc));
}

static const char SQL_CHANGE_INSERT[] =
    "INSERT INTO installation_changes (installation_id, what, at, by_id, documentation, "
    "from_version, to_version, release_id, created_at, status) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id";
static const char SQL_INSTALLATION_SET_VERSION[] =
    "UPDATE installations SET version = ?2, version_key = ?3, updated_at = ?4 WHERE id = ?1";

/* Insert change ch (by_id, created_at as given); ch->id is set. */
static int insert_change(struct db_conn *c, struct installation_change *ch)
{
    struct db_stmt *s = db_stmt(c, SQL_CHANGE_INSERT);

    db_bind_int(s, 1, ch->installation_id);
    db_bind_text(s, 2, ch->what);
    db_bind_int(s, 3, ch->at);
    db_bind_id(s, 4, ch->by);
    db_bind_text(s, 5, ch->documentation ? ch->documentation : "");
    db_bind_text(s, 6, ch->from_version);
    db_bind_text(s, 7, ch->to_version);
    db_bind_id(s, 8, ch->release_id);
    db_bind_int(s, 9, ch->created_at);
    db_bind_text(s, 10, change_status_name(ch->status));
    return db_insert(s, &ch->id);
}

static int set_version(struct db_conn *c, int64_t id, const char *version, const char *key,
                       int64_t now)
{
    struct db_stmt *s = db_stmt(c, SQL_INSTALLATION_SET_VERSION);

    db_bind_int(s, 1, id);
    db_bind_text(s, 2, version);
    db_bind_text(s, 3, key);
    db_bind_int(s, 4, now);
    return db_exec(s);
}

/*
 * Update each vendor-hosted installation v[0..n) below the release, logging the update: at
 * once, or, with update_at later than now, as a change scheduled then (the sweep applies it).
 */
static int update_vendor_hosted(struct db_conn *c, struct release_job *j, const struct older *v,
                                size_t n, const char *key)
{
    const struct release *r = j->r;
    enum change_status status = change_status_new(false, j->update_at, j->now);
    int rc = 0;

    for (size_t i = 0; i < n && rc == 0; i++) {
        struct installation_change ch = {
            .installation_id = v[i].id,
            .what = arena_sprintf(j->a, "Update from %s to %s scheduled (%s release)",
                                  v[i].version, r->version, release_kind_name(r->kind)),
            .at = status == CS_INSTALLED ? j->now : j->update_at,
            .by = j->c->user_id,
            .documentation = arena_sprintf(j->a, "Release %s: /api/v1/releases/%" PRId64 "\n\n%s",
                                           r->version, r->id, r->notes),
            .from_version = status == CS_INSTALLED ? v[i].version : NULL,
            .to_version = r->version,
            .release_id = r->id,
            .created_at = j->now,
            .status = status};
        if ((rc = insert_change(c, &ch)) == 0 && status == CS_INSTALLED)
            rc = set_version(c, v[i].id, r->version, key, j->now);
        if (status == CS_INSTALLED)
            j->res->updated++;
        else
            j->res->scheduled++;
    }
    return rc;
}

static const char SQL_ORG_CONTACTS[] =
    "SELECT email FROM users WHERE organization_id = ?1 AND role = 'customer' ORDER BY id";

const char *store__org_contacts(struct db_conn *c, int64_t org, struct arena *a)
{
    struct db_stmt *s = db_stmt(c, SQL_ORG_CONTACTS);
    const char **emails = NULL;
    size_t n = 0, alloc = 0;

    db_bind_int(s, 1, org);
    while (db_step(s) == DB_ROW) {
        ARENA_GROW(a, emails, n, alloc);
        emails[n++] = db_col_text(s, 0, a);
    }
    db_done(s, 0);
    return n ? store__json_strings(emails, n, a) : NULL;
}

/* One organisation's installations in a publish: those updated for it, those it updates. */
struct org_part {
    int64_t organization_id;
    const struct older *updated; /* vendor-hosted, updated by the publish */
    size_t nupdated;
    const struct older *older; /* customer-hosted, on an older version */
    size_t nolder;
};

/* "2027-03-04 08:00 UTC" (arena) */
static const char *when_text(int64_t t, struct arena *a)
{
    char s[TIME_UTC_TEXT_LEN];

    time_format_utc_text(t, s);
    return arena_strdup(a, s);
}

/* The subject of the release notice: installed (or to be, on when; 0: done), available. */
static const char *release_subject(const struct release *r, const struct org_part *p,
                                   int64_t when, struct arena *a)
{
    const char *done = when ? arena_sprintf(a, "will be installed for you on %s",
                                            when_text(when, a))
                            : "was installed for you";

    if (!p->nolder)
        return arena_sprintf(a, "Release %s %s", r->version, done);
    if (p->nupdated)
        return arena_sprintf(a, "Release %s: %s, available for your own installations",
                             r->version,
                             when ? arena_sprintf(a, "to be installed for you on %s",
                                                  when_text(when, a))
                                  : "installed for you");
    return arena_sprintf(a, "Release %s is available", r->version);
}

/*
 * The subject and text of the release notice to one organisation (arena); when: the time its
 * vendor-hosted installations will be updated, 0 when they were.
 */
static void release_notice(const struct release *r, const struct org_part *p, int64_t when,
                           const char **subject, struct strbuf *body, struct arena *a)
{
    char day[DATE_LEN];

    date_format(r->released_on, day);
    *subject = release_subject(r, p, when, a);
    strbuf_addf(body, "Release %s (%s, released on %s) is %s.\n\n", r->version,
                release_kind_name(r->kind), day, p->nolder ? "available" : "out");
    if (p->nupdated && when)
        strbuf_addf(body, "We will update the installations we host for you on %s:\n",
                    when_text(when, a));
    else if (p->nupdated)
        strbuf_addstr(body, "We updated the installations we host for you:\n");
    for (size_t i = 0; i < p->nupdated; i++)
        strbuf_addf(body, "- %s (%s to %s)\n", p->updated[i].name, p->updated[i].version,
                    r->version);
    if (p->nupdated && p->nolder)
        strbuf_addch(body, '\n');
    if (p->nolder)
        strbuf_addstr(body, "Your installations on an older version:\n");
    for (size_t i = 0; i < p->nolder; i++)
        strbuf_addf(body, "- %s (%s)\n", p->older[i].name, p->older[i].version);
    strbuf_addf(body, "\nRelease notes:\n\n%s\n", r->notes);
}

/* Queue the release notice for the contacts of one organisation (none without contacts). */
static int notify_org(struct db_conn *c, struct release_job *j, const struct org_part *p)
{
    const char *to = store__org_contacts(c, p->organization_id, j->a), *subject;
    struct strbuf body = STRBUF_INIT;
    char rnd[33];
    int rc;

    if (!to)
        return 0; /* no contact to tell */
    release_notice(j->r, p, j->update_at > j->now ? j->update_at : 0, &subject, &body, j->a);
    random_hex(rnd, 16);
    rc = store__outbox_mail(c, "release", to, subject, body.buf,
                            arena_sprintf(j->a, "%s.release.%" PRId64 ".%" PRId64, rnd,
                                          j->r->id, p->organization_id),
                            j->now);
    strbuf_release(&body);
    if (rc == 0) {
        j->res->notices++;
        j->res->notified += (int64_t)(p->nupdated + p->nolder);
    }
    return rc;
}

/* The leading run of v[0..n) of one organisation: its length. */
static size_t org_run(const struct older *v, size_t n, int64_t org)
{
    size_t k = 0;

    while (k < n && v[k].organization_id == org)
        k++;
    return k;
}

/*
 * Notify once per organisation: the vendor-hosted installations updated (vend, by
 * organisation) and the customer-hosted ones below the release (cust, by organisation).
 */
static int notify_orgs(struct db_conn *c, struct release_job *j, const struct older *vend,
                       size_t nvend, const struct older *cust, size_t ncust)
{
    int rc = 0;

    while (rc == 0 && (nvend || ncust)) {
        int64_t org = !ncust ? vend->organization_id
                      : !nvend ? cust->organization_id
                               : vend->organization_id < cust->organization_id
                                     ? vend->organization_id
                                     : cust->organization_id;
        struct org_part p = {org, vend, org_run(vend, nvend, org), cust, org_run(cust, ncust, org)};

        rc = notify_org(c, j, &p);
        vend += p.nupdated, nvend -= p.nupdated;
        cust += p.nolder, ncust -= p.nolder;
    }
    return rc;
}

static int write_release_publish(struct db_conn *c, void *arg)
{
    struct release_job *j = arg;
    struct release before;
    char key[VERSION_KEY_MAX];
    struct older *vend, *cust;
    size_t nvend, ncust;
    struct db_stmt *s;
    int rc;

    memset(j->res, 0, sizeof(*j->res)); /* re-runnable: counts start again */
    if (j->update_at < j->now)
        j->update_at = j->now;
    if ((rc = release_read(c, j->c, j->id, j->r, j->a)) < 0)
        return rc;
    if (j->r->published_at)
        return store__fault(j->fault, DESK_ECONFLICT, NULL, "release %s is published already",
                            j->r->version);
    if ((rc = key_of(j->r->version, key, "version", j->fault)) < 0)
        return rc;
    before = *j->r;
    j->r->published_at = j->now;
    j->r->published_by = j->c->user_id;
    s = db_stmt(c, SQL_RELEASE_SET_PUBLISHED);
    db_bind_int(s, 1, j->id);
    db_bind_int(s, 2, j->now);
    db_bind_id(s, 3, j->c->user_id);
    if ((rc = db_exec(s)) < 0 ||
        (rc = older_installations(c, "vendor_hosted", key, &vend, &nvend, j->a)) < 0 ||
        (rc = older_installations(c, "customer_hosted", key, &cust, &ncust, j->a)) < 0 ||
        (rc = update_vendor_hosted(c, j, vend, nvend, key)) < 0 ||
        (rc = notify_orgs(c, j, vend, nvend, cust, ncust)) < 0)
        return rc;
    return store__audit_json(c, j->c->user_id, "publish", "release", j->id, release_audit(&before),
                             release_audit(j->r));
}

int store_release_publish(struct store *st, const struct caller *c, int64_t id, int64_t now,
                          int64_t update_at, struct release *out, struct publish_result *res,
                          struct store_fault *fault, struct arena *a)
{
    struct release_job j = {c, out, id, now, update_at, res, fault, a};

    return db_write(st, write_release_publish, &j);
}

/* ---- installations ---------------------------------------------------------------------- */

#define INSTALLATION_COLS                                                                          \
    "i.id, i.organization_id, i.name, i.hosting, i.version, i.created_at, i.updated_at "

static void read_installation(struct db_stmt *s, struct installation *in, struct arena *a)
{
    memset(in, 0, sizeof(*in));
    in->id = db_col_int(s, 0);
    in->organization_id = db_col_int(s, 1);
    in->name = db_col_text(s, 2, a);
    hosting_model_parse(db_col_raw(s, 3), &in->vendor_hosted);
    in->version = db_col_text(s, 4, a);
    in->created_at = db_col_int(s, 5);
    in->updated_at = db_col_int(s, 6);
}

static const char SQL_INSTALLATION_GET[] =
    "SELECT " INSTALLATION_COLS "FROM installations i WHERE i.id = ?1 AND "
    "(CAST(?2 AS BIGINT) = 0 OR i.organization_id = ?2)";

static int installation_read(struct db_conn *c, const struct caller *who, int64_t id,
                             struct installation *out, struct arena *a)
{
    struct db_stmt *s = db_stmt(c, SQL_INSTALLATION_GET);
    int rc;

    db_bind_int(s, 1, id);
    db_bind_int(s, 2, org_scope(who));
    if ((rc = db_step(s)) == DB_ROW) {
        read_installation(s, out, a);
        return db_done(s, 0);
    }
    return db_done(s, rc == DB_DONE ? DESK_ENOTFOUND : db_err(rc));
}

int store_installation_get(struct store *st, const struct caller *c, int64_t id,
                             struct installation *out, struct arena *a)
{
    struct db_conn *conn = db_get(st);
    int rc = installation_read(conn, c, id, out, a);

    db_put(st, conn);
    return rc;
}

struct installation_job {
    const struct caller *c;         /* who */
    struct installation *in;        /* create: in and out */
    int64_t now;                    /* when */
    struct store_fault *fault;      /* why it was refused */
    struct arena *a;                /* for strings */
};

static json_t *installation_audit(const struct installation *in)
{
    return json_pack("{s:I, s:I, s:s, s:s, s:s}", "id", (json_int_t)in->id, "organization_id",
                     (json_int_t)in->organization_id, "name", in->name, "hosting",
                     hosting_model_name(in->vendor_hosted), "version", in->version);
}

static const char SQL_ORG_EXISTS[] = "SELECT 1 FROM organizations WHERE id = ?";
static const char SQL_INSTALLATION_INSERT[] =
    "INSERT INTO installations (organization_id, name, hosting, version, version_key, "
    "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id";

static int write_installation_create(struct db_conn *c, void *arg)
{
    struct installation_job *j = arg;
    struct installation *in = j->in;
    char key[VERSION_KEY_MAX];
    struct db_stmt *s;
    bool org;
    int rc;

    if ((rc = exists(c, SQL_ORG_EXISTS, in->organization_id, &org)) < 0)
        return rc;
    if (!org)
        return store__fault(j->fault, DESK_EINVAL, "organization_id", "no organization %" PRId64,
                            in->organization_id);
    if ((rc = key_of(in->version, key, "version", j->fault)) < 0)
        return rc;
    s = db_stmt(c, SQL_INSTALLATION_INSERT);
    db_bind_int(s, 1, in->organization_id);
    db_bind_text(s, 2, in->name);
    db_bind_text(s, 3, hosting_model_name(in->vendor_hosted));
    db_bind_text(s, 4, in->version);
    db_bind_text(s, 5, key);
    db_bind_int(s, 6, j->now);
    db_bind_int(s, 7, j->now);
    if ((rc = db_insert(s, &in->id)) < 0)
        return rc;
    in->created_at = in->updated_at = j->now;
    return store__audit_json(c, j->c->user_id, "create", "installation", in->id, NULL,
                             installation_audit(in));
}

int store_installation_create(struct store *st, const struct caller *c, struct installation *in,
                                int64_t now, struct store_fault *fault)
{
    struct installation_job j = {c, in, now, fault, NULL};
    return db_write(st, write_installation_create, &j);
}

static const char SQL_INSTALLATION_LIST[] =
    "SELECT " INSTALLATION_COLS "FROM installations i WHERE (CAST(?1 AS BIGINT) = 0 OR "
    "i.organization_id = ?1) "
    "AND (CAST(?2 AS BIGINT) = 0 OR i.organization_id = ?2) AND i.id > ?3 ORDER BY i.id LIMIT ?4";

int store_installation_list(struct store *st, const struct caller *c, int64_t organization_id,
                              const struct kb_page *pg, struct installation **items, size_t *n,
                              const char **next, struct arena *a)
{
    size_t want = (size_t)pg->limit + 1;
    struct db_conn *conn;
    struct installation *out;
    struct db_stmt *s;
    int64_t after;
    int rc;

    *items = NULL;
    *n = 0;
    *next = NULL;
    if (!page_ok(pg) || store__cursor_id(pg->cursor, 'i', &after) < 0)
        return DESK_EBADREQ;
    out = ARENA_NEWN(a, struct installation, want);
    conn = db_get(st);
    s = db_stmt(conn, SQL_INSTALLATION_LIST);
    db_bind_int(s, 1, org_scope(c));
    db_bind_int(s, 2, organization_id);
    db_bind_int(s, 3, after);
    db_bind_int(s, 4, (int64_t)want);
    while ((rc = db_step(s)) == DB_ROW)
        read_installation(s, &out[(*n)++], a);
    rc = db_done(s, rc == DB_DONE ? 0 : db_err(rc));
    db_put(st, conn);
    if (*n == want) {
        (*n)--;
        *next = store__cursor_make('i', out[*n - 1].id, a);
    }
    *items = out;
    return rc;
}

/* ---- the log of installed changes ----------------------------------------------------------- */

#define CHANGE_COLS                                                                                \
    "ch.id, ch.installation_id, ch.what, ch.at, coalesce(ch.by_id, 0), coalesce(u.name, ''), "     \
    "ch.documentation, ch.from_version, ch.to_version, coalesce(ch.release_id, 0), "               \
    "ch.created_at, ch.status, coalesce(ch.decided_by, 0), coalesce(ch.decided_at, 0), "           \
    "ch.decline_reason, i.organization_id, i.name, i.hosting "
#define CHANGE_FROM                                                                                \
    "FROM installation_changes ch JOIN installations i ON i.id = ch.installation_id "             \
    "LEFT JOIN users u ON u.id = ch.by_id "

/* A change and, beside it, its installation's organisation, name and hosting. */
struct change_row {
    struct installation_change ch;
    int64_t organization_id;
    const char *installation_name;
    bool vendor_hosted;
};

static void read_change(struct db_stmt *s, struct change_row *r, struct arena *a)
{
    struct installation_change *ch = &r->ch;

    *ch = (struct installation_change){.id = db_col_int(s, 0),
                                       .installation_id = db_col_int(s, 1),
                                       .what = db_col_text(s, 2, a),
                                       .at = db_col_int(s, 3),
                                       .by = db_col_int(s, 4),
                                       .by_name = db_col_text(s, 5, a),
                                       .documentation = db_col_text(s, 6, a),
                                       .from_version = db_col_text_or_null(s, 7, a),
                                       .to_version = db_col_text_or_null(s, 8, a),
                                       .release_id = db_col_int(s, 9),
                                       .created_at = db_col_int(s, 10),
                                       .decided_by = db_col_int(s, 12),
                                       .decided_at = db_col_int(s, 13),
                                       .decline_reason = db_col_text(s, 14, a)};
    change_status_parse(db_col_raw(s, 11), &ch->status);
    r->organization_id = db_col_int(s, 15);
    r->installation_name = db_col_text(s, 16, a);
    hosting_model_parse(db_col_raw(s, 17), &r->vendor_hosted);
}

/* ?2: the caller's organisation scope (0: all). */
static const char SQL_CHANGE_GET[] = "SELECT " CHANGE_COLS CHANGE_FROM "WHERE ch.id = ?1 AND "
                                     "(CAST(?2 AS BIGINT) = 0 OR i.organization_id = ?2)";

static int change_read(struct db_conn *c, int64_t id, int64_t scope, struct change_row *out,
                       struct arena *a)
{
    struct db_stmt *s = db_stmt(c, SQL_CHANGE_GET);
    int rc;

    db_bind_int(s, 1, id);
    db_bind_int(s, 2, scope);
    if ((rc = db_step(s)) == DB_ROW) {
        read_change(s, out, a);
        return db_done(s, 0);
    }
    return db_done(s, rc == DB_DONE ? DESK_ENOTFOUND : db_err(rc));
}

struct change_job {
    const struct caller *c;         /* who */
    int64_t id;                     /* decide, apply: which change */
    struct installation_change *ch; /* add: in and out; decide: out */
    struct installation_change in;  /* add: *ch as given (a re-run starts from it) */
    const char *new_version;        /* add: the version it brings, or NULL */
    bool proposed;                  /* add: wait for the customer's approval */
    enum change_action act;         /* decide: approve or decline */
    const char *reason;             /* decline: the customer's reason, "" for none */
    int64_t now;                    /* when */
    int applied;                    /* apply: 1 when this run applied it */
    struct store_fault *fault;      /* why it was refused */
    struct arena *a;                /* for strings */
};

static json_t *change_audit(const struct installation_change *ch)
{
    return json_pack("{s:I, s:s, s:I, s:s?, s:s?, s:s}", "installation_id",
                     (json_int_t)ch->installation_id, "what", ch->what, "at", (json_int_t)ch->at,
                     "from_version", ch->from_version, "to_version", ch->to_version, "status",
                     change_status_name(ch->status));
}

/*
 * Apply change ch to its installation, which runs version now: the installation is set to
 * the change's to_version (when it has one) and the change records the version before.
 */
static int apply_change(struct db_conn *c, struct installation_change *ch, const char *version,
                        int64_t now, struct store_fault *fault)
{
    char key[VERSION_KEY_MAX];
    int rc;

    if (!ch->to_version)
        return 0;
    if ((rc = key_of(ch->to_version, key, "version", fault)) < 0)
        return rc;
    ch->from_version = version;
    return set_version(c, ch->installation_id, ch->to_version, key, now);
}


/* Tell the customer contacts of the installation's organisation of proposed change ch. */
static int notify_proposal(struct db_conn *c, const struct installation *in,
                           const struct installation_change *ch, int64_t now, struct arena *a)
{
    const char *to = store__org_contacts(c, in->organization_id, a);
    struct strbuf body = STRBUF_INIT;
    char rnd[33];
    int rc;

    if (!to)
        return 0;
    strbuf_addf(&body, "We propose a change to your installation '%s':\n\n%s\n\n", in->name,
                ch->what);
    if (ch->to_version)
        strbuf_addf(&body, "Version: %s to %s\n", in->version, ch->to_version);
    strbuf_addf(&body, "Planned for: %s\n", when_text(ch->at > now ? ch->at : now, a));
    if (ch->documentation && *ch->documentation)
        strbuf_addf(&body, "\nDocumentation:\n\n%s\n", ch->documentation);
    strbuf_addstr(&body, "\nNothing is changed until you approve it. Approve or decline it in "
                         "the portal, under Changes (/portal/changes).\n");
    random_hex(rnd, 16);
    rc = store__outbox_mail(c, "change_proposed", to,
                            arena_sprintf(a, "Your approval: a change to %s", in->name), body.buf,
                            arena_sprintf(a, "%s.change.%" PRId64 ".proposed", rnd, ch->id),
                            now);
    strbuf_release(&body);
    return rc;
}

static int write_change_add(struct db_conn *c, void *arg)
{
    struct change_job *j = arg;
    struct installation_change *ch = j->ch;
    struct change_row row;
    struct installation in;
    char key[VERSION_KEY_MAX];
    int rc;

    *ch = j->in;
    if ((rc = installation_read(c, j->c, ch->installation_id, &in, j->a)) < 0)
        return rc;
    if (j->new_version && (rc = key_of(j->new_version, key, "version", j->fault)) < 0)
        return rc;
    ch->by = j->c->user_id;
    ch->created_at = j->now;
    ch->status = change_status_new(j->proposed, ch->at, j->now);
    ch->to_version = j->new_version;
    if (change_applies(ch->status) && (rc = apply_change(c, ch, in.version, j->now, j->fault)) < 0)
        return rc;
    if ((rc = insert_change(c, ch)) < 0 ||
        (ch->status == CS_PROPOSED && (rc = notify_proposal(c, &in, ch, j->now, j->a)) < 0) ||
        (rc = change_read(c, ch->id, 0, &row, j->a)) < 0)
        return rc;
    *ch = row.ch;
    return store__audit_json(c, j->c->user_id, "create", "installation_change", ch->id, NULL,
                             change_audit(ch));
}

int store_installation_change_add(struct store *st, const struct caller *c,
                                  struct installation_change *ch, const char *new_version,
                                  bool proposed, int64_t now, struct store_fault *fault,
                                  struct arena *a)
{
    struct change_job j = {.c = c, .ch = ch, .in = *ch, .new_version = new_version,
                           .proposed = proposed, .now = now, .fault = fault, .a = a};

    return db_write(st, write_change_add, &j);
}

/* Record the move of change ch from status from (guarded: *won when this write made it). */
static const char SQL_CHANGE_MOVE[] =
    "UPDATE installation_changes SET status = ?3, at = ?4, from_version = ?5, decided_by = ?6, "
    "decided_at = ?7, decline_reason = ?8 WHERE id = ?1 AND status = ?2 RETURNING id";

static int move_change(struct db_conn *c, const struct installation_change *ch,
                       enum change_status from, bool *won)
{
    struct db_stmt *s = db_stmt(c, SQL_CHANGE_MOVE);
    int rc;

    db_bind_int(s, 1, ch->id);
    db_bind_text(s, 2, change_status_name(from));
    db_bind_text(s, 3, change_status_name(ch->status));
    db_bind_int(s, 4, ch->at);
    db_bind_text(s, 5, ch->from_version);
    db_bind_id(s, 6, ch->decided_by);
    db_bind_id(s, 7, ch->decided_at);
    db_bind_text(s, 8, ch->decline_reason ? ch->decline_reason : "");
    rc = db_step(s);
    *won = rc == DB_ROW;
    return db_done(s, db_err(rc));
}

/* The installation's version now (for from_version). */
static int installation_version(struct db_conn *c, int64_t id, const char **version,
                                struct arena *a)
{
    const struct caller sys = CALLER_SYSTEM;
    struct installation in;
    int rc = installation_read(c, &sys, id, &in, a);

    *version = rc == 0 ? in.version : NULL;
    return rc;
}

static int write_change_decide(struct db_conn *c, void *arg)
{
    struct change_job *j = arg;
    struct installation_change *ch = j->ch, before;
    enum change_status to;
    struct change_row row;
    const char *version;
    bool won;
    int rc;

    if (j->c->role != ROLE_CUSTOMER)
        return store__fault(j->fault, DESK_EDENIED, NULL,
                            "the customer decides on a proposed change");
    if ((rc = change_read(c, j->id, j->c->organization_id, &row, j->a)) < 0)
        return rc;
    *ch = before = row.ch;
    if (change_status_after(ch->status, j->act, ch->at, j->now, &to) < 0)
        return store__fault(j->fault, DESK_ECONFLICT, "status",
                            "change %" PRId64 " is %s, not proposed", ch->id,
                            change_status_name(ch->status));
    ch->status = to;
    ch->decided_by = j->c->user_id;
    ch->decided_at = j->now;
    ch->decline_reason = j->act == CA_DECLINE ? j->reason : "";
    if (change_applies(to)) {
        ch->at = j->now; /* installed when approved */
        if ((rc = installation_version(c, ch->installation_id, &version, j->a)) < 0 ||
            (rc = apply_change(c, ch, version, j->now, j->fault)) < 0)
            return rc;
    }
    if ((rc = move_change(c, ch, before.status, &won)) < 0)
        return rc;
    if (!won)
        return store__fault(j->fault, DESK_ECONFLICT, "status", "change %" PRId64 " was decided",
                            ch->id);
    return store__audit_json(c, j->c->user_id, j->act == CA_APPROVE ? "approve" : "decline",
                             "installation_change", ch->id, change_audit(&before),
                             change_audit(ch));
}

int store_installation_change_decide(struct store *st, const struct caller *c, int64_t id,
                                     enum change_action act, const char *reason, int64_t now,
                                     struct installation_change *out, struct store_fault *fault,
                                     struct arena *a)
{
    struct change_job j = {.c = c, .id = id, .ch = out, .act = act,
                           .reason = reason ? reason : "", .now = now, .fault = fault, .a = a};

    return db_write(st, write_change_decide, &j);
}

/* ---- the sweep: changes whose time has come ------------------------------------------------- */

#define CHANGE_SWEEP_BATCH 200 /* changes applied in one sweep at most; the rest next time */

static const char SQL_CHANGES_DUE[] =
    "SELECT id FROM installation_changes WHERE status IN ('approved', 'scheduled') AND at <= ?1 "
    "ORDER BY at, id LIMIT 200";
_Static_assert(CHANGE_SWEEP_BATCH == 200, "SQL_CHANGES_DUE's LIMIT");

/* Tell the contacts that the release of change ch (applied) was installed for them. */
static int notify_updated(struct db_conn *c, const struct change_row *row, int64_t now,
                          struct arena *a)
{
    const struct caller sys = CALLER_SYSTEM;
    const struct installation_change *ch = &row->ch;
    struct older one = {ch->installation_id, row->organization_id, row->installation_name,
                        ch->from_version ? ch->from_version : ""};
    struct org_part p = {row->organization_id, &one, 1, NULL, 0};
    struct publish_result res = {0};
    struct release r;
    struct release_job j = {&sys, &r, ch->release_id, now, now, &res, NULL, a};
    int rc;

    if ((rc = release_read(c, &sys, ch->release_id, &r, a)) < 0)
        return rc;
    return notify_org(c, &j, &p);
}

static int write_change_apply(struct db_conn *c, void *arg)
{
    struct change_job *j = arg;
    const struct caller *sys = j->c;
    enum change_status from, to;
    struct change_row row;
    const char *version;
    bool won;
    int rc;

    j->applied = 0; /* re-runnable */
    if ((rc = change_read(c, j->id, 0, &row, j->a)) < 0)
        return rc == DESK_ENOTFOUND ? 0 : rc;
    from = row.ch.status;
    if (change_status_after(from, CA_APPLY, row.ch.at, j->now, &to) < 0)
        return 0; /* applied or decided meanwhile (another server) */
    row.ch.status = to;
    if ((rc = installation_version(c, row.ch.installation_id, &version, j->a)) < 0 ||
        (rc = apply_change(c, &row.ch, version, j->now, j->fault)) < 0 ||
        (rc = move_change(c, &row.ch, from, &won)) < 0 || !won)
        return rc;
    j->applied = 1;
    if (row.ch.release_id && row.vendor_hosted && (rc = notify_updated(c, &row, j->now, j->a)) < 0)
        return rc;
    return store__audit_json(c, sys->user_id, "apply", "installation_change", row.ch.id, NULL,
                             change_audit(&row.ch));
}

/* The ids of the changes due at now (at most CHANGE_SWEEP_BATCH, arena). */
static int due_changes(struct store *st, int64_t now, int64_t **ids, size_t *n, struct arena *a)
{
    struct db_conn *conn = db_get(st);
    struct db_stmt *s = db_stmt(conn, SQL_CHANGES_DUE);
    int rc;

    *ids = ARENA_NEWN(a, int64_t, CHANGE_SWEEP_BATCH);
    *n = 0;
    db_bind_int(s, 1, now);
    while ((rc = db_step(s)) == DB_ROW && *n < CHANGE_SWEEP_BATCH)
        (*ids)[(*n)++] = db_col_int(s, 0);
    rc = db_done(s, rc == DB_DONE || rc == DB_ROW ? 0 : db_err(rc));
    db_put(st, conn);
    return rc;
}

int store_installation_change_sweep(struct store *st, int64_t now, int *applied)
{
    const struct caller sys = CALLER_SYSTEM;
    struct store_fault fault = {0};
    struct arena a = ARENA_INIT;
    int64_t *ids;
    size_t n;
    int rc;

    *applied = 0;
    rc = due_changes(st, now, &ids, &n, &a);
    for (size_t i = 0; i < n && rc == 0; i++) {
        struct change_job j = {.c = &sys, .id = ids[i], .now = now, .fault = &fault, .a = &a};
        if ((rc = db_write(st, write_change_apply, &j)) == 0)
            *applied += j.applied;
    }
    arena_release(&a);
    return rc;
}

/* ---- reading the log ------------------------------------------------------------------------ */

static const char SQL_CHANGES[] =
    "SELECT " CHANGE_COLS CHANGE_FROM "WHERE ch.installation_id = ?1 AND ch.id > ?2 "
    "ORDER BY ch.id LIMIT ?3";

int store_installation_changes(struct store *st, const struct caller *c, int64_t installation_id,
                                 const struct kb_page *pg, struct installation_change **items,
                                 size_t *n, const char **next, struct arena *a)
{
    size_t want = (size_t)pg->limit + 1;
    struct installation_change *out;
    struct db_conn *conn;
    struct installation in;
    struct change_row row;
    struct db_stmt *s;
    int64_t after;
    int rc;

    *items = NULL;
    *n = 0;
    *next = NULL;
    if (!page_ok(pg) || store__cursor_id(pg->cursor, 'c', &after) < 0)
        return DESK_EBADREQ;
    out = ARENA_NEWN(a, struct installation_change, want);
    conn = db_get(st);
    if ((rc = installation_read(conn, c, installation_id, &in, a)) == 0) {
        s = db_stmt(conn, SQL_CHANGES);
        db_bind_int(s, 1, installation_id);
        db_bind_int(s, 2, after);
        db_bind_int(s, 3, (int64_t)want);
        while ((rc = db_step(s)) == DB_ROW) {
            read_change(s, &row, a);
            out[(*n)++] = row.ch;
        }
        rc = db_done(s, rc == DB_DONE ? 0 : db_err(rc));
    }
    db_put(st, conn);
    if (*n == want) {
        (*n)--;
        *next = store__cursor_make('c', out[*n - 1].id, a);
    }
    *items = out;
    return rc;
}

static const char SQL_CHANGES_PROPOSED[] =
    "SELECT " CHANGE_COLS CHANGE_FROM "WHERE ch.status = 'proposed' AND i.organization_id = ?1 "
    "ORDER BY ch.at, ch.id LIMIT 200";

int store_installation_changes_proposed(struct store *st, const struct caller *c,
                                        struct installation_change **items,
                                        const char ***installation_names, size_t *n,
                                        struct arena *a)
{
    struct db_conn *conn;
    struct change_row row;
    struct db_stmt *s;
    size_t alloc = 0, nalloc = 0;
    int rc;

    *items = NULL;
    *installation_names = NULL;
    *n = 0;
    if (c->role != ROLE_CUSTOMER)
        return 0;
    conn = db_get(st);
    s = db_stmt(conn, SQL_CHANGES_PROPOSED);
    db_bind_int(s, 1, c->organization_id);
    while ((rc = db_step(s)) == DB_ROW) {
        read_change(s, &row, a);
        ARENA_GROW(a, *items, *n, alloc);
        ARENA_GROW(a, *installation_names, *n, nalloc);
        (*items)[*n] = row.ch;
        (*installation_names)[(*n)++] = row.installation_name;
    }
    rc = db_done(s, rc == DB_DONE ? 0 : db_err(rc));
    db_put(st, conn);
    return rc;
}

/* ---- known errors --------------------------------------------------------------------------- */

/*
 * ?2: the caller's organisation scope. A customer sees a known error when an
 * installation of its organisation runs one of its affected versions, and a
 * fixed-in release only once that release is published.
 */
#define KNOWN_ERROR_SELECT                                                                         \
    "SELECT k.id, k.title, k.description, k.status, k.workaround, "                                \
    "CASE WHEN CAST(?2 AS BIGINT) = 0 OR EXISTS (SELECT 1 FROM releases r WHERE r.id = " \
    "k.fixed_in_release_id "     \
    "AND r.published_at IS NOT NULL) THEN coalesce(k.fixed_in_release_id, 0) ELSE 0 END, "         \
    "coalesce(k.created_by, 0), k.created_at, k.updated_at FROM known_errors k "
#define KNOWN_ERROR_VISIBLE                                                                        \
    "(CAST(?2 AS BIGINT) = 0 OR EXISTS (SELECT 1 FROM known_error_versions v JOIN installations " \
    "i "                \
    "ON i.version_key = v.version_key WHERE v.known_error_id = k.id AND i.organization_id = ?2)) "

static void read_known_error(struct db_stmt *s, struct known_error *k, struct arena *a)
{
    memset(k, 0, sizeof(*k));
    k->id = db_col_int(s, 0);
    k->title = db_col_text(s, 1, a);
    k->description = db_col_text(s, 2, a);
    known_error_status_parse(db_col_raw(s, 3), &k->status);
    k->workaround = db_col_text_or_null(s, 4, a);
    k->fixed_in_release_id = db_col_int(s, 5);
    k->created_by = db_col_int(s, 6);
    k->created_at = db_col_int(s, 7);
    k->updated_at = db_col_int(s, 8);
}

static const char SQL_KE_VERSIONS[] =
    "SELECT version FROM known_error_versions WHERE known_error_id = ? ORDER BY version_key";
static const char SQL_KE_TICKETS[] = "SELECT id FROM tickets WHERE known_error_id = ?1 AND "
                                     "(CAST(?2 AS BIGINT) = 0 OR organization_id = ?2) ORDER BY id";

/* The affected versions and the linked requests (those the caller may see) of k. */
static int known_error_lists(struct db_conn *c, const struct caller *who, struct known_error *k,
                             struct arena *a)
{
    struct db_stmt *s = db_stmt(c, SQL_KE_VERSIONS);
    const char **versions = NULL;
    int64_t *tickets = NULL;
    size_t alloc = 0;
    int rc;

    db_bind_int(s, 1, k->id);
    while ((rc = db_step(s)) == DB_ROW) {
        ARENA_GROW(a, versions, k->nversions, alloc);
        versions[k->nversions++] = db_col_text(s, 0, a);
    }
    if ((rc = db_done(s, rc == DB_DONE ? 0 : db_err(rc))) < 0)
        return rc;
    s = db_stmt(c, SQL_KE_TICKETS);
    db_bind_int(s, 1, k->id);
    db_bind_int(s, 2, org_scope(who));
    alloc = 0;
    while ((rc = db_step(s)) == DB_ROW) {
        ARENA_GROW(a, tickets, k->ntickets, alloc);
        tickets[k->ntickets++] = db_col_int(s, 0);
    }
    k->versions = versions;
    k->ticket_ids = tickets;
    return db_done(s, rc == DB_DONE ? 0 : db_err(rc));
}

static const char SQL_KE_GET[] = KNOWN_ERROR_SELECT "WHERE k.id = ?1 AND " KNOWN_ERROR_VISIBLE;

static int known_error_read(struct db_conn *c, const struct caller *who, int64_t id,
                            struct known_error *out, struct arena *a)
{
    struct db_stmt *s = db_stmt(c, SQL_KE_GET);
    int rc;

    db_bind_int(s, 1, id);
    db_bind_int(s, 2, org_scope(who));
    if ((rc = db_step(s)) != DB_ROW)
        return db_done(s,
                           rc == DB_DONE ? DESK_ENOTFOUND : db_err(rc));
    read_known_error(s, out, a);
    db_done(s, 0);
    return known_error_lists(c, who, out, a);
}

int store_known_error_get(struct store *st, const struct caller *c, int64_t id,
                            struct known_error *out, struct arena *a)
{
    struct db_conn *conn = db_get(st);
    int rc = known_error_read(conn, c, id, out, a);

    db_put(st, conn);
    return rc;
}

static const char SQL_KE_LIST[] =
    KNOWN_ERROR_SELECT "WHERE " KNOWN_ERROR_VISIBLE "AND (CAST(?1 AS BIGINT) = 0 OR k.id < ?1) "
                       "ORDER BY k.id DESC LIMIT ?3";

int store_known_error_list(struct store *st, const struct caller *c, const struct kb_page *pg,
                             struct known_error **items, size_t *n, const char **next,
                             struct arena *a)
{
    size_t want = (size_t)pg->limit + 1;
    struct known_error *out;
    struct db_conn *conn;
    struct db_stmt *s;
    int64_t before;
    int rc;

    *items = NULL;
    *n = 0;
    *next = NULL;
    if (!page_ok(pg) || store__cursor_id(pg->cursor, 'k', &before) < 0)
        return DESK_EBADREQ;
    out = ARENA_NEWN(a, struct known_error, want);
    conn = db_get(st);
    s = db_stmt(conn, SQL_KE_LIST);
    db_bind_int(s, 1, before);
    db_bind_int(s, 2, org_scope(c));
    db_bind_int(s, 3, (int64_t)want);
    while ((rc = db_step(s)) == DB_ROW)
        read_known_error(s, &out[(*n)++], a);
    rc = db_done(s, rc == DB_DONE ? 0 : db_err(rc));
    if (*n == want) {
        (*n)--;
        *next = store__cursor_make('k', out[*n - 1].id, a);
    }
    for (size_t i = 0; i < *n && rc == 0; i++)
        rc = known_error_lists(conn, c, &out[i], a);
    db_put(st, conn);
    *items = out;
    return rc;
}

struct known_error_job {
    const struct caller *c;            /* who */
    int64_t id;                        /* update, link: which known error */
    struct known_error *k;             /* create: in; all: the result */
    const struct known_error_patch *p; /* update: the change */
    int64_t ticket_id;                 /* create, link: the request to link; 0: none */
    int64_t now;                       /* when */
    struct store_fault *fault;         /* why it was refused */
    struct arena *a;                   /* for strings */
    struct known_error in;             /* create: *k as given (a re-run starts from it) */
};

static json_t *known_error_audit(const struct known_error *k, struct arena *a)
{
    json_t *tickets = json_array();

    for (size_t i = 0; i < k->ntickets; i++)
        json_array_append_new(tickets, json_integer(k->ticket_ids[i]));
    return json_pack("{s:I, s:s, s:s, s:s?, s:s, s:I, s:o}", "id", (json_int_t)k->id, "title",
                     k->title, "status", known_error_status_name(k->status), "workaround",
                     k->workaround, "affected_versions",
                     store__json_strings(k->versions, k->nversions, a), "fixed_in_release_id",
                     (json_int_t)k->fixed_in_release_id, "ticket_ids", tickets);
}

static const char SQL_RELEASE_EXISTS[] = "SELECT 1 FROM releases WHERE id = ?";
static const char SQL_TICKET_EXISTS[] = "SELECT 1 FROM tickets WHERE id = ?";
static const char SQL_KE_INSERT[] =
    "INSERT INTO known_errors (title, description, status, workaround, fixed_in_release_id, "
    "created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id";
static const char SQL_KE_SET[] =
    "UPDATE known_errors SET title = ?2, description = ?3, status = ?4, workaround = ?5, "
    "fixed_in_release_id = ?6, updated_at = ?7 WHERE id = ?1";
static const char SQL_KE_VERSIONS_CLEAR[] =
    "DELETE FROM known_error_versions WHERE known_error_id = ?";
static const char SQL_KE_VERSION_INSERT[] =
    "INSERT INTO known_error_versions "
    "(known_error_id, version_key, version) VALUES (?, ?, ?) ON CONFLICT DO NOTHING";
static const char SQL_KE_UNLINK_ALL[] =
    "UPDATE tickets SET known_error_id = NULL, updated_at = ?2 WHERE known_error_id = ?1";
static const char SQL_KE_LINK[] =
    "UPDATE tickets SET known_error_id = ?1, updated_at = ?3 WHERE id = ?2";

/* The checks of a known error about to be stored: its release, its status and workaround. */
static int check_known_error(struct db_conn *c, const struct known_error *k,
                             struct store_fault *fault)
{
    const char *field = known_error_problem(k->status, k->workaround);
    bool yes = true;
    int rc;

    if (field)
        return store__fault(fault, DESK_EINVAL, field, "a known error with status %s needs a %s",
                            known_error_status_name(k->status), field);
    if (k->fixed_in_release_id &&
        (rc = exists(c, SQL_RELEASE_EXISTS, k->fixed_in_release_id, &yes)) < 0)
        return rc;
    if (!yes)
        return store__fault(fault, DESK_EINVAL, "fixed_in_release_id", "no release %" PRId64,
                            k->fixed_in_release_id);
    return 0;
}

/* Store the affected versions of known error id (replacing any). */
static int save_versions(struct db_conn *c, int64_t id, const char *const *v, size_t n,
                         struct store_fault *fault)
{
    struct db_stmt *s = db_stmt(c, SQL_KE_VERSIONS_CLEAR);
    char key[VERSION_KEY_MAX];
    int rc;

    db_bind_int(s, 1, id);
    if ((rc = db_exec(s)) < 0)
        return rc;
    for (size_t i = 0; i < n && rc == 0; i++) {
        if ((rc = key_of(v[i], key, "affected_versions", fault)) < 0)
            break;
        s = db_stmt(c, SQL_KE_VERSION_INSERT);
        db_bind_int(s, 1, id);
        db_bind_text(s, 2, key);
        db_bind_text(s, 3, v[i]);
        rc = db_exec(s);
    }
    return rc;
}

/* Link request ticket to known error id; DESK_EINVAL with fault naming field when it is absent. */
static int link_ticket(struct db_conn *c, int64_t id, int64_t ticket, int64_t now,
                       const char *field, struct store_fault *fault)
{
    struct db_stmt *s;
    bool yes = true;
    int rc;

    if ((rc = exists(c, SQL_TICKET_EXISTS, ticket, &yes)) < 0)
        return rc;
    if (!yes)
        return store__fault(fault, DESK_EINVAL, field, "no ticket %" PRId64, ticket);
    s = db_stmt(c, SQL_KE_LINK);
    db_bind_int(s, 1, id);
    db_bind_int(s, 2, ticket);
    db_bind_int(s, 3, now);
    return db_exec(s);
}

/* Replace the requests linked to known error id by tickets[0..n). */
static int save_tickets(struct db_conn *c, int64_t id, const int64_t *tickets, size_t n,
                        int64_t now, struct store_fault *fault)
{
    struct db_stmt *s = db_stmt(c, SQL_KE_UNLINK_ALL);
    int rc;

    db_bind_int(s, 1, id);
    db_bind_int(s, 2, now);
    rc = db_exec(s);
    for (size_t i = 0; i < n && rc == 0; i++)
        rc = link_ticket(c, id, tickets[i], now, "ticket_ids", fault);
    return rc;
}

static int write_known_error_create(struct db_conn *c, void *arg)
{
    struct known_error_job *j = arg;
    struct known_error *k = j->k;
    struct db_stmt *s;
    bool yes = true;
    int rc;

    *k = j->in;
    if (j->ticket_id && (rc = exists(c, SQL_TICKET_EXISTS, j->ticket_id, &yes)) < 0)
        return rc;
    if (j->ticket_id && !yes)
        return DESK_ENOTFOUND; /* the request of the path */
    if ((rc = check_known_error(c, k, j->fault)) < 0)
        return rc;
    s = db_stmt(c, SQL_KE_INSERT);
    db_bind_text(s, 1, k->title);
    db_bind_text(s, 2, k->description);
    db_bind_text(s, 3, known_error_status_name(k->status));
    db_bind_text(s, 4, k->workaround);
    db_bind_id(s, 5, k->fixed_in_release_id);
    db_bind_id(s, 6, j->c->user_id);
    db_bind_int(s, 7, j->now);
    db_bind_int(s, 8, j->now);
    if ((rc = db_insert(s, &j->id)) < 0)
        return rc;
    if ((rc = save_versions(c, j->id, k->versions, k->nversions, j->fault)) < 0 ||
        (rc = save_tickets(c, j->id, k->ticket_ids, k->ntickets, j->now, j->fault)) < 0 ||
        (j->ticket_id && (rc = link_ticket(c, j->id, j->ticket_id, j->now, NULL, j->fault)) < 0) ||
        (rc = known_error_read(c, j->c, j->id, k, j->a)) < 0)
        return rc;
    return store__audit_json(c, j->c->user_id, "create", "known_error", j->id, NULL,
                             known_error_audit(k, j->a));
}

int store_known_error_create(struct store *st, const struct caller *c, struct known_error *k,
                               int64_t ticket_id, int64_t now, struct store_fault *fault,
                               struct arena *a)
{
    struct known_error_job j = {c, 0, k, NULL, ticket_id, now, fault, a, *k};
    return db_write(st, write_known_error_create, &j);
}

static void apply_known_error_patch(struct known_error *k, const struct known_error_patch *p)
{
    if (p->title)
        k->title = p->title;
    if (p->description)
        k->description = p->description;
    if (p->has_status)
        k->status = p->status;
    if (p->has_workaround)
        k->workaround = p->workaround;
    if (p->has_fixed_in)
        k->fixed_in_release_id = p->fixed_in_release_id;
}

static int write_known_error_update(struct db_conn *c, void *arg)
{
    struct known_error_job *j = arg;
    const struct known_error_patch *p = j->p;
    struct known_error before, *k = j->k;
    struct db_stmt *s;
    int rc;

    if ((rc = known_error_read(c, j->c, j->id, k, j->a)) < 0)
        return rc;
    before = *k;
    apply_known_error_patch(k, p);
    if ((rc = check_known_error(c, k, j->fault)) < 0)
        return rc;
    s = db_stmt(c, SQL_KE_SET);
    db_bind_int(s, 1, j->id);
    db_bind_text(s, 2, k->title);
    db_bind_text(s, 3, k->description);
    db_bind_text(s, 4, known_error_status_name(k->status));
    db_bind_text(s, 5, k->workaround);
    db_bind_id(s, 6, k->fixed_in_release_id);
    db_bind_int(s, 7, j->now);
    if ((rc = db_exec(s)) < 0 ||
        (p->has_versions &&
         (rc = save_versions(c, j->id, p->versions, p->nversions, j->fault)) < 0) ||
        (p->has_tickets &&
         (rc = save_tickets(c, j->id, p->ticket_ids, p->ntickets, j->now, j->fault)) < 0) ||
        (rc = known_error_read(c, j->c, j->id, k, j->a)) < 0)
        return rc;
    return store__audit_json(c, j->c->user_id, "update", "known_error", j->id,
                             known_error_audit(&before, j->a), known_error_audit(k, j->a));
}

int store_known_error_update(struct store *st, const struct caller *c, int64_t id,
                               const struct known_error_patch *p, int64_t now,
                               struct known_error *out, struct store_fault *fault, struct arena *a)
{
    struct known_error_job j = {c, id, out, p, 0, now, fault, a, {0}};
    return db_write(st, write_known_error_update, &j);
}

static int write_known_error_link(struct db_conn *c, void *arg)
{
    struct known_error_job *j = arg;
    int rc;

    if ((rc = known_error_read(c, j->c, j->id, j->k, j->a)) < 0 ||
        (rc = link_ticket(c, j->id, j->ticket_id, j->now, "ticket_id", j->fault)) < 0 ||
        (rc = known_error_read(c, j->c, j->id, j->k, j->a)) < 0)
        return rc;
    return store__audit_json(c, j->c->user_id, "link", "known_error", j->id, NULL,
                             json_pack("{s:I}", "ticket_id", (json_int_t)j->ticket_id));
}

int store_known_error_link(struct store *st, const struct caller *c, int64_t id,
                             int64_t ticket_id, int64_t now, struct known_error *out,
                             struct store_fault *fault, struct arena *a)
{
    struct known_error_job j = {c, id, out, NULL, ticket_id, now, fault, a, {0}};
    return db_write(st, write_known_error_link, &j);
}
