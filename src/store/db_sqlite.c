/*
 * db_sqlite.c - the SQLite driver: connections, statements, group commit, migrations, backups.
 *
 * Threads: any number of request threads; one writer thread owns the write
 * connection. A request's write is queued; the writer takes everything
 * queued (up to WRITE_BATCH_MAX), runs it in one BEGIN IMMEDIATE ... COMMIT
 * with a SAVEPOINT per write, and wakes each caller after the COMMIT has
 * reached the disk (synchronous=FULL). So N concurrent writes cost one fsync.
 */
#define LOG_MODULE "store"
#include "core/compat.h"
#include "store/db.h"
#include "store/store.h"
#include "core/embed.h"
#include "core/err.h"
#include "core/log.h"
#include "core/time.h"
#include "core/xalloc.h"
#include "store/calcache.h"
#include <fcntl.h>
#include <pthread.h>
#include <sqlite3.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#define STMT_CACHE_MIN 256   /* first size of a connection's statement table (power of two) */
#define READERS_MAX 32       /* read connections at most */
#define WRITE_BATCH_MAX 1024 /* writes per group commit at most */
#define BUSY_TIMEOUT_MS 5000
#define QUICK_CHECK_MS 2000  /* serve's start-up check stops after this long (a huge file) */
#define COPY_BUSY_MAX 500    /* busy retries of a backup copy, 10 ms apart, before it fails */
#define LOCK_SUFFIX ".lock"  /* the in-use lock beside the database (flock) */

struct sqlite_store;

struct sqlite_stmt {
    struct db_stmt base;             /* must be first */
    sqlite3_stmt *stmt;              /* the prepared statement */
    struct sqlite_conn *conn;        /* its connection */
};

struct sqlite_conn {
    struct db_conn base;             /* must be first */
    sqlite3 *db;                     /* the connection; NULL when it could not open */
    struct stmt_slot {
        const char *sql;             /* key: address of the SQL constant */
        struct sqlite_stmt *stmt;    /* its prepared statement */
    } *cache;                        /* open addressing; grows at half full, never evicts */
    size_t cache_nr, cache_alloc;    /* slots used, slots in all (a power of two) */
    struct sqlite_store *owner;      /* the store (marked degraded on a damaged file) */
    struct sqlite_conn *next;        /* free list link */
};

struct write_job {
    db_write_fn fn;                  /* the write */
    void *arg;                       /* its argument */
    int rc;                          /* its result, valid once done */
    bool done;                       /* committed (or failed) */
    struct write_job *next;          /* queue link */
};

struct sqlite_store {
    struct store base;               /* must be first */
    char *path;                      /* database file */
    int db_version;                  /* schema version in the file */

    pthread_mutex_t pool_mu;         /* guards free_conns, nconns */
    pthread_cond_t pool_cv;          /* a connection was returned */
    struct sqlite_conn *free_conns;  /* idle read connections */
    int nconns;                      /* read connections open */

    pthread_mutex_t write_mu;        /* guards the queue, stopping, stats */
    pthread_cond_t work_cv;          /* the writer has work */
    pthread_cond_t done_cv;          /* a batch was committed */
    struct write_job *head, *tail;   /* queued writes */
    bool stopping;                   /* close() asked the writer to end */
    pthread_t writer;                /* the writer thread */
    struct sqlite_conn *wconn;       /* the writer's connection */
    uint64_t commits, writes;        /* counters for metrics and benchmarks */
    uint64_t write_scopes;           /* the last write scope handed out (writer thread) */
    uint64_t failed_batches;         /* batches rolled back as a whole (a full disk, I/O) */
    bool replay_writes;              /* tests: run each write twice, the first rolled back */
    int lock_fd;                     /* the in-use lock held (STORE_IN_USE), else -1 */
    char *dir;                       /* the folder of the file (its disk's free space) */
    uint64_t disk_reserve;           /* bytes kept free: writes refused below (write_mu) */
    bool disk_low;                   /* the last batch was refused for it (writer thread) */

    pthread_mutex_t health_mu;       /* guards degraded, why */
    bool degraded;                   /* the file was found damaged: sticks until restart */
    char why[256];                   /* what was found, for /healthz */
};

#define SS(st) ((struct sqlite_store *)(st))
#define SC(c) ((struct sqlite_conn *)(c))
#define ST(s) (((struct sqlite_stmt *)(s))->stmt)

static const struct db_driver sqlite_driver;

/* ---- connections and statements ----------------------------------------- */

/* Record that the file is damaged (the first reason found is kept); logged once. */
static void mark_degraded(struct sqlite_store *s, const char *fmt, ...) PRINTF_LIKE(2, 3);
static void mark_degraded(struct sqlite_store *s, const char *fmt, ...)
{
    bool first;
    va_list ap;

    pthread_mutex_lock(&s->health_mu);
    first = !s->degraded;
    if (first) {
        s->degraded = true;
        va_start(ap, fmt);
        vsnprintf(s->why, sizeof(s->why), fmt, ap);
        va_end(ap);
    }
    pthread_mutex_unlock(&s->health_mu);
    if (first) {
        char q[300];
        log_error("msg=\"database damaged: serving degraded; restore a backup\" why=\"%s\" "
                  "db=%s",
                  log_quote(s->why, q, sizeof(q)), s->path);
    }
}

static bool is_damage(int rc)
{
    return (rc & 0xff) == SQLITE_CORRUPT || (rc & 0xff) == SQLITE_NOTADB;
}

/*
 * Map a failed step's result code to desk_err, logging what the database itself failed at
 * (with the statement's first words): constraints are the caller's answer, the rest is
 * DESK_EBUSY (503), and a damaged file marks the store degraded.
 */
static int map_error(struct sqlite_conn *c, int rc, const char *sql)
{
    char q[256], w[96];
    const char *msg;

    switch (rc & 0xff) {
    case SQLITE_CONSTRAINT:
        if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY)
            return DESK_ECONFLICT;
        if (rc == SQLITE_CONSTRAINT_FOREIGNKEY)
            return DESK_ENOTFOUND;
        return DESK_EINVAL;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        log_warn("msg=\"database busy\" sql=\"%s\"", log_quote(sql, w, sizeof(w)));
        return DESK_EBUSY;
    default:
        /* a full disk, an I/O error, a damaged file, no memory: the store cannot serve
           now, the request may succeed later (503), and nothing was half written */
        msg = c->db ? sqlite3_errmsg(c->db) : sqlite3_errstr(rc);
        log_error("msg=\"store unavailable\" rc=%d error=\"%s\" sql=\"%s\"", rc,
                  log_quote(msg, q, sizeof(q)), log_quote(sql, w, sizeof(w)));
        if (c->owner && is_damage(rc))
            mark_degraded(c->owner, "%s (%.40s)", msg, sql);
        return DESK_EBUSY;
    }
}

static size_t slot_of(const struct stmt_slot *t, size_t alloc, const char *sql)
{
    size_t h = ((uintptr_t)sql >> 4) & (alloc - 1);

    while (t[h].sql && t[h].sql != sql)
        h = (h + 1) & (alloc - 1);
    return h;
}

/* Double the table: the statements are SQL constants, so it stops growing at their number. */
static void cache_grow(struct sqlite_conn *c)
{
    size_t alloc = c->cache_alloc ? c->cache_alloc * 2 : STMT_CACHE_MIN;
    struct stmt_slot *t = xcalloc(alloc, sizeof(*t));

    for (size_t i = 0; i < c->cache_alloc; i++)
        if (c->cache[i].sql)
            t[slot_of(t, alloc, c->cache[i].sql)] = c->cache[i];
    free(c->cache);
    c->cache = t;
    c->cache_alloc = alloc;
}

/* Prepare sql on c: the statement, or NULL with the reason logged (flags: sqlite3_prepare_v3). */
static sqlite3_stmt *prepare_logged(struct sqlite_conn *c, const char *sql, unsigned flags)
{
    sqlite3_stmt *s;
    int rc;

    if (!c->db) { /* a connection that could not open (get) */
        char q[96];
        log_error("msg=\"store unavailable: no connection\" sql=\"%s\"",
                  log_quote(sql, q, sizeof(q)));
        return NULL;
    }
    rc = sqlite3_prepare_v3(c->db, sql, -1, flags, &s, NULL);
    if (rc != SQLITE_OK) {
        /* a locked schema, a full disk, a damaged file: the caller's step on NULL
           answers DESK_EBUSY */
        char q[256], e[256];
        log_error("msg=\"store unavailable: cannot prepare statement\" rc=%d error=\"%s\" "
                  "sql=\"%s\"",
                  rc, log_quote(sqlite3_errmsg(c->db), e, sizeof(e)),
                  log_quote(sql, q, sizeof(q)));
        if (c->owner && is_damage(rc))
            mark_degraded(c->owner, "%s (%.40s)", sqlite3_errmsg(c->db), sql);
        return NULL;
    }
    return s;
}

static struct sqlite_stmt *stmt_wrap(struct sqlite_conn *c, sqlite3_stmt *s)
{
    struct sqlite_stmt *w = xcalloc(1, sizeof(*w));

    w->base.drv = &sqlite_driver;
    w->stmt = s;
    w->conn = c;
    return w;
}

static struct db_stmt *sq_prepare(struct db_conn *dc, const char *sql)
{
    struct sqlite_conn *c = SC(dc);
    struct stmt_slot *slot;
    sqlite3_stmt *s;

    if (c->db && 2 * (c->cache_nr + 1) > c->cache_alloc)
        cache_grow(c);
    slot = c->db ? &c->cache[slot_of(c->cache, c->cache_alloc, sql)] : NULL;
    if (slot && slot->sql)
        return &slot->stmt->base;
    if (!(s = prepare_logged(c, sql, SQLITE_PREPARE_PERSISTENT)))
        return NULL;
    slot->sql = sql;
    slot->stmt = stmt_wrap(c, s);
    c->cache_nr++;
    return &slot->stmt->base;
}

/* SQLite copies the text into the statement (sqlite3_sql), so sql may go after this. */
static struct db_stmt *sq_prepare_uncached(struct db_conn *dc, const char *sql)
{
    struct sqlite_conn *c = SC(dc);
    sqlite3_stmt *s = prepare_logged(c, sql, 0);

    return s ? &stmt_wrap(c, s)->base : NULL;
}

static void sq_finalize(struct db_stmt *ds)
{
    sqlite3_finalize(ST(ds));
    free(ds);
}

static int sq_step(struct db_stmt *ds)
{
    struct sqlite_stmt *s = (struct sqlite_stmt *)ds;
    int rc = sqlite3_step(s->stmt);

    if (rc == SQLITE_ROW)
        return DB_ROW;
    if (rc == SQLITE_DONE)
        return DB_DONE;
    return map_error(s->conn, rc, sqlite3_sql(s->stmt));
}

static void sq_reset(struct db_stmt *s)
{
    sqlite3_reset(ST(s));
    sqlite3_clear_bindings(ST(s));
}

static void sq_bind_null(struct db_stmt *s, int i)
{
    sqlite3_bind_null(ST(s), i);
}

static void sq_bind_int(struct db_stmt *s, int i, int64_t v)
{
    sqlite3_bind_int64(ST(s), i, v);
}

static void sq_bind_text(struct db_stmt *s, int i, const char *v)
{
    sqlite3_bind_text(ST(s), i, v, -1, SQLITE_STATIC);
}

static void sq_bind_text_copy(struct db_stmt *s, int i, const char *v)
{
    sqlite3_bind_text(ST(s), i, v, -1, SQLITE_TRANSIENT);
}

static void sq_bind_blob(struct db_stmt *s, int i, const void *p, size_t n)
{
    sqlite3_bind_blob64(ST(s), i, p, (sqlite3_uint64)n, SQLITE_STATIC);
}

static bool sq_col_null(struct db_stmt *s, int i)
{
    return sqlite3_column_type(ST(s), i) == SQLITE_NULL;
}

static int64_t sq_col_int(struct db_stmt *s, int i)
{
    return sqlite3_column_int64(ST(s), i);
}

static double sq_col_double(struct db_stmt *s, int i)
{
    return sqlite3_column_double(ST(s), i);
}

static const char *sq_col_text(struct db_stmt *s, int i, size_t *len)
{
    const char *t = (const char *)sqlite3_column_text(ST(s), i);
    *len = t ? (size_t)sqlite3_column_bytes(ST(s), i) : 0;
    return t;
}

static const void *sq_col_blob(struct db_stmt *s, int i, size_t *len)
{
    const void *p = sqlite3_column_blob(ST(s), i);
    *len = (size_t)sqlite3_column_bytes(ST(s), i);
    return p;
}

static int64_t sq_changes(struct db_conn *c)
{
    return SC(c)->db ? sqlite3_changes64(SC(c)->db) : 0;
}

static const char *const conn_pragmas =
    "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
    "PRAGMA cache_size=-1024; PRAGMA temp_store=MEMORY;";

/*
 * Create path empty with mode 0600 when it does not exist, so that SQLite opens a private
 * file (an empty file is an empty database): SQLite creates the -wal, -shm and -journal
 * files with the mode of the database file. 0, or -1 with errno (EEXIST when exclusive
 * and it exists).
 */
static int create_private(const char *path, bool exclusive)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | (exclusive ? O_EXCL : 0), 0600);

    if (fd < 0)
        return -1;
    close(fd);
    return 0;
}

static int conn_open(struct sqlite_store *st, int oflags, bool reader, struct sqlite_conn **out,
                     struct strbuf *err)
{
    struct sqlite_conn *c = xcalloc(1, sizeof(*c));
    int rc = sqlite3_open_v2(st->path, &c->db, oflags | SQLITE_OPEN_NOMUTEX, NULL);

    c->base.drv = &sqlite_driver;
    c->owner = st;
    if (rc == SQLITE_OK) {
        sqlite3_busy_timeout(c->db, BUSY_TIMEOUT_MS);
        sqlite3_extended_result_codes(c->db, 1);
        rc = sqlite3_exec(c->db, conn_pragmas, NULL, NULL, NULL);
    }
    if (rc == SQLITE_OK && reader)
        rc = sqlite3_exec(c->db, "PRAGMA query_only=1", NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        strbuf_addf(err, "cannot open database '%s': %s", st->path,
                    c->db ? sqlite3_errmsg(c->db) : sqlite3_errstr(rc));
        if ((rc & 0xff) == SQLITE_CORRUPT || (rc & 0xff) == SQLITE_NOTADB)
            mark_degraded(st, "%s", c->db ? sqlite3_errmsg(c->db) : sqlite3_errstr(rc));
        sqlite3_close(c->db);
        free(c);
        return DESK_EIO;
    }
    *out = c;
    return 0;
}

/* A connection without a database (it could not open): each statement on it fails as
   unavailable (503); the pool drops it and the writer replaces it. */
static struct sqlite_conn *conn_unopened(struct sqlite_store *st)
{
    struct sqlite_conn *c = xcalloc(1, sizeof(*c));

    c->base.drv = &sqlite_driver;
    c->owner = st;
    return c;
}

static void conn_close(struct sqlite_conn *c)
{
    for (size_t i = 0; i < c->cache_alloc; i++)
        if (c->cache[i].stmt) {
            sqlite3_finalize(c->cache[i].stmt->stmt);
            free(c->cache[i].stmt);
        }
    free(c->cache);
    sqlite3_close(c->db);
    free(c);
}

static struct db_conn *sq_get(struct store *st)
{
    struct sqlite_store *s = SS(st);
    struct sqlite_conn *c = NULL;

    pthread_mutex_lock(&s->pool_mu);
    while (!s->free_conns && s->nconns >= READERS_MAX)
        pthread_cond_wait(&s->pool_cv, &s->pool_mu);
    if (s->free_conns) {
        c = s->free_conns;
        s->free_conns = c->next;
    } else {
        s->nconns++;
    }
    pthread_mutex_unlock(&s->pool_mu);
    if (!c) {
        struct strbuf err = STRBUF_INIT;
        if (conn_open(s, SQLITE_OPEN_READWRITE, true, &c, &err) < 0) {
            /* out of file descriptors or memory: sq_put drops it */
            char q[256];
            log_error("msg=\"%s\"", log_quote(err.buf, q, sizeof(q)));
            c = conn_unopened(s);
        }
        strbuf_release(&err);
    }
    return &c->base;
}

static void sq_put(struct store *st, struct db_conn *dc)
{
    struct sqlite_store *s = SS(st);
    struct sqlite_conn *c = SC(dc);

    pthread_mutex_lock(&s->pool_mu);
    if (c->db) {
        c->next = s->free_conns;
        s->free_conns = c;
    } else { /* never opened: the next sq_get tries again */
        s->nconns--;
        free(c);
    }
    pthread_cond_signal(&s->pool_cv);
    pthread_mutex_unlock(&s->pool_mu);
}

/* ---- group commit ----------------------------------------------------------- */

static const char SQL_BEGIN[] = "BEGIN IMMEDIATE";
static const char SQL_COMMIT[] = "COMMIT";
static const char SQL_ROLLBACK[] = "ROLLBACK";
static const char SQL_SAVEPOINT[] = "SAVEPOINT w";
static const char SQL_ROLLBACK_TO[] = "ROLLBACK TO w";
static const char SQL_RELEASE[] = "RELEASE w";

static int exec_cached(struct sqlite_conn *c, const char *sql)
{
    return db_exec(db_stmt(&c->base, sql));
}

/*
 * After a failed batch the transaction must be gone: SQLite rolls some failures back by
 * itself (SQLITE_FULL, SQLITE_IOERR, SQLITE_NOMEM), others leave it open, so ROLLBACK
 * whatever is left. A connection that stays inside a transaction, or never opened, is
 * replaced by a new one, so that the next batch starts clean.
 */
static void writer_recover(struct sqlite_store *s)
{
    struct sqlite_conn *c = s->wconn;
    struct strbuf err = STRBUF_INIT;
    char q[256];

    if (c->db && !sqlite3_get_autocommit(c->db))
        exec_cached(c, SQL_ROLLBACK);
    if (c->db && sqlite3_get_autocommit(c->db))
        return;
    log_warn("msg=\"reopening the write connection\" db=%s", s->path);
    conn_close(c);
    if (conn_open(s, SQLITE_OPEN_READWRITE, false, &s->wconn, &err) < 0) {
        log_error("msg=\"%s\"", log_quote(err.buf, q, sizeof(q)));
        s->wconn = conn_unopened(s); /* the next batch fails (503) and tries again */
    }
    strbuf_release(&err);
}

/*
 * A disk with less than the reserve free refuses the batch before it begins (503). SQLite
 * alone would take writes while its journal has room inside the space it holds already,
 * and refuse them once it must grow: which writes fail on a full disk would depend on the
 * journal's size. The reserve makes it the disk's free space, and leaves the room that a
 * checkpoint of the journal into the file needs. Logged when it begins and when it ends.
 */
/* The folder holding path ("." for a bare name), malloc'd. */
static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');

    if (!slash)
        return xstrdup(".");
    return slash == path ? xstrdup("/") : xstrndup(path, (size_t)(slash - path));
}

static bool disk_too_full(struct sqlite_store *s, uint64_t reserve)
{
    struct statvfs v;
    uint64_t free_bytes;
    bool low;

    if (!reserve || statvfs(s->dir, &v) != 0)
        return false;
    free_bytes = (uint64_t)v.f_bavail * v.f_frsize;
    low = free_bytes < reserve;
    if (low && !s->disk_low)
        log_error("msg=\"database or disk is full: writes refused until space is freed\" "
                  "free_bytes=%" PRIu64 " disk_reserve_bytes=%" PRIu64 " db=%s",
                  free_bytes, reserve, s->path);
    else if (!low && s->disk_low)
        log_info("msg=\"disk space back: writes taken again\" free_bytes=%" PRIu64 " db=%s",
                 free_bytes, s->path);
    s->disk_low = low;
    return low;
}

static int run_batch(struct sqlite_store *s, struct write_job *batch, uint64_t reserve)
{
    struct sqlite_conn *c;
    struct write_job *j;
    int rc;

    if (disk_too_full(s, reserve)) {
        for (j = batch; j; j = j->next)
            j->rc = DESK_EBUSY;
        return DESK_EBUSY;
    }
    if (!s->wconn->db) /* the last reopen failed: try again */
        writer_recover(s);
    c = s->wconn;
    rc = exec_cached(c, SQL_BEGIN);
    for (j = batch; j && rc == 0; j = j->next) {
        if ((rc = exec_cached(c, SQL_SAVEPOINT)) < 0)
            break;
        if (s->replay_writes) { /* as a driver re-running after a conflict would (db.h) */
            c->base.write_scope = ++s->write_scopes;
            j->fn(&c->base, j->arg);
            if ((rc = exec_cached(c, SQL_ROLLBACK_TO)) < 0)
                break;
        }
        c->base.write_scope = ++s->write_scopes;
        j->rc = j->fn(&c->base, j->arg);
        c->base.write_scope = 0;
        if (j->rc < 0 && (rc = exec_cached(c, SQL_ROLLBACK_TO)) < 0)
            break;
        rc = exec_cached(c, SQL_RELEASE);
    }
    if (rc == 0)
        rc = exec_cached(c, SQL_COMMIT);
    if (rc < 0) {
        /* nothing of the batch is durable: every write fails, the next batch starts clean */
        for (j = batch; j; j = j->next)
            j->rc = rc;
        writer_recover(s);
    }
    return rc;
}

static void *writer_main(void *arg)
{
    struct sqlite_store *s = arg;

    pthread_mutex_lock(&s->write_mu);
    for (;;) {
        struct write_job *batch, *j, *last;
        uint64_t reserve;
        size_t n = 1;
        int rc;

        while (!s->head && !s->stopping)
            pthread_cond_wait(&s->work_cv, &s->write_mu);
        if (!s->head)
            break;
        batch = last = s->head;
        while (last->next && n < WRITE_BATCH_MAX) {
            last = last->next;
            n++;
        }
        s->head = last->next;
        if (!s->head)
            s->tail = NULL;
        last->next = NULL;
        reserve = s->disk_reserve;
        pthread_mutex_unlock(&s->write_mu);

        rc = run_batch(s, batch, reserve);

        pthread_mutex_lock(&s->write_mu);
        if (rc < 0) {
            s->failed_batches++;
            log_warn("msg=\"write batch rolled back\" writes=%zu failed_batches=%" PRIu64, n,
                     s->failed_batches);
        } else {
            s->commits++;
        }
        s->writes += n;
        for (j = batch; j; j = j->next)
            j->done = true;
        pthread_cond_broadcast(&s->done_cv);
    }
    pthread_mutex_unlock(&s->write_mu);
    return NULL;
}

static int sq_write(struct store *st, db_write_fn fn, void *arg, enum db_isolation level)
{
    struct sqlite_store *s = SS(st);
    struct write_job job = {fn, arg, 0, false, NULL};

    (void)level; /* one writer: every write is serializable */
    pthread_mutex_lock(&s->write_mu);
    if (s->tail)
        s->tail->next = &job;
    else
        s->head = &job;
    s->tail = &job;
    pthread_cond_signal(&s->work_cv);
    while (!job.done)
        pthread_cond_wait(&s->done_cv, &s->write_mu);
    pthread_mutex_unlock(&s->write_mu);
    return job.rc;
}

static void sqlite_set_disk_reserve(struct store *st, uint64_t bytes)
{
    struct sqlite_store *s = SS(st);

    pthread_mutex_lock(&s->write_mu);
    s->disk_reserve = bytes;
    pthread_mutex_unlock(&s->write_mu);
}

static void sqlite_write_stats(struct store *st, uint64_t *commits, uint64_t *writes)
{
    struct sqlite_store *s = SS(st);

    pthread_mutex_lock(&s->write_mu);
    *commits = s->commits;
    *writes = s->writes;
    pthread_mutex_unlock(&s->write_mu);
}

/* ---- migrations --------------------------------------------------------------- */

static int binary_schema_version(void)
{
    int v = 0;
    for (const struct embedded_file *f = embedded_sql; f->name; f++)
        v = (int)strtol(f->name, NULL, 10);
    return v;
}

/* The schema version recorded in the file, 0 when it has no schema_migrations table. */
static int read_db_version(sqlite3 *db, int *version)
{
    sqlite3_stmt *s;
    int rc = sqlite3_prepare_v2(db,
                                "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND "
                                "name = 'schema_migrations'",
                                -1, &s, NULL);

    *version = 0;
    if (rc != SQLITE_OK)
        return DESK_EIO;
    rc = sqlite3_step(s) == SQLITE_ROW && sqlite3_column_int(s, 0) == 1;
    sqlite3_finalize(s);
    if (!rc)
        return 0;
    if (sqlite3_prepare_v2(db, "SELECT coalesce(max(version), 0) FROM schema_migrations", -1, &s,
                           NULL) != SQLITE_OK)
        return DESK_EIO;
    if (sqlite3_step(s) == SQLITE_ROW)
        *version = sqlite3_column_int(s, 0);
    sqlite3_finalize(s);
    return 0;
}

static bool migration_applied(sqlite3 *db, int version)
{
    sqlite3_stmt *s;
    bool applied = false;

    if (sqlite3_prepare_v2(db, "SELECT 1 FROM schema_migrations WHERE version = ?", -1, &s,
                           NULL) != SQLITE_OK)
        return false; /* no table yet: nothing applied */
    sqlite3_bind_int(s, 1, version);
    applied = sqlite3_step(s) == SQLITE_ROW;
    sqlite3_finalize(s);
    return applied;
}

static int apply_migration(sqlite3 *db, const struct embedded_file *f, int version,
                           struct strbuf *err)
{
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);

    if (rc == SQLITE_OK)
        rc = sqlite3_exec(db,
                          "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER "
                          "PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)",
                          NULL, NULL, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(db, f->data, NULL, NULL, NULL); /* embedded SQL, not input */
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(db,
                                "INSERT INTO schema_migrations (version, name, applied_at) "
                                "VALUES (?, ?, strftime('%s', 'now'))",
                                -1, &s, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_int(s, 1, version);
        sqlite3_bind_text(s, 2, f->name, -1, SQLITE_STATIC);
        rc = sqlite3_step(s) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(db);
    }
    sqlite3_finalize(s);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        strbuf_addf(err, "migration %s failed: %s", f->name, sqlite3_errmsg(db));
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
        return DESK_EIO;
    }
    log_info("msg=\"migration applied\" name=%s", f->name);
    return 0;
}

static int migrate(struct sqlite_store *s, unsigned flags, struct strbuf *err)
{
    sqlite3 *db = s->wconn->db;
    int have, newest = binary_schema_version();

    if (read_db_version(db, &have) < 0) {
        strbuf_addf(err, "cannot read the schema of '%s': %s", s->path, sqlite3_errmsg(db));
        return DESK_EIO;
    }
    if (have > newest) {
        strbuf_addf(err,
                    "database schema %d of '%s' is newer than this svcdesk (schema %d); "
                    "upgrade svcdesk",
                    have, s->path, newest);
        return DESK_EIO;
    }
    if (have == 0 && !(flags & STORE_CREATE)) {
        strbuf_addf(err, "database '%s' is not initialised; run 'svcdesk init'", s->path);
        return DESK_ENOTFOUND;
    }
    if (flags & STORE_MIGRATE) {
        /* every migration not recorded yet, in order: also one numbered below the newest
           applied, as when branches that each added a migration meet */
        for (const struct embedded_file *f = embedded_sql; f->name; f++) {
            int v = (int)strtol(f->name, NULL, 10);
            if (!migration_applied(db, v) && apply_migration(db, f, v, err) < 0)
                return DESK_EIO;
        }
        have = newest;
    }
    s->db_version = have;
    return 0;
}

static void sqlite_schema_versions(struct store *st, int *db_version, int *binary_version)
{
    *db_version = SS(st)->db_version;
    *binary_version = binary_schema_version();
}

/* ---- open and close ------------------------------------------------------------- */

static void sqlite_close(struct store *st)
{
    struct sqlite_store *s = SS(st);

    pthread_mutex_lock(&s->write_mu);
    s->stopping = true;
    pthread_cond_signal(&s->work_cv);
    pthread_mutex_unlock(&s->write_mu);
    pthread_join(s->writer, NULL);
    while (s->free_conns) {
        struct sqlite_conn *c = s->free_conns;
        s->free_conns = c->next;
        conn_close(c);
    }
    conn_close(s->wconn);
    if (s->lock_fd >= 0)
        close(s->lock_fd); /* after the last connection: a restore may begin now */
    calcache_clear();
    pthread_mutex_destroy(&s->health_mu);
    pthread_mutex_destroy(&s->pool_mu);
    pthread_cond_destroy(&s->pool_cv);
    pthread_mutex_destroy(&s->write_mu);
    pthread_cond_destroy(&s->work_cv);
    pthread_cond_destroy(&s->done_cv);
    free(s->dir);
    free(s->path);
    free(s);
}

static bool sqlite_degraded(struct store *st, struct strbuf *why)
{
    struct sqlite_store *s = SS(st);
    bool d;

    pthread_mutex_lock(&s->health_mu);
    d = s->degraded;
    if (d && why)
        strbuf_addstr(why, s->why);
    pthread_mutex_unlock(&s->health_mu);
    return d;
}

/* Progress handler of the start-up check: non-zero (interrupt) once the deadline passed. */
static int check_deadline(void *arg)
{
    return time_mono_ns() > *(int64_t *)arg;
}

/*
 * PRAGMA quick_check at start, stopped after QUICK_CHECK_MS (a huge file must not hold
 * back the start; what was not checked is logged). A damage found marks the store
 * degraded; the server then answers what it still can.
 */
static void quick_check(struct sqlite_store *s)
{
    sqlite3 *db = s->wconn->db;
    int64_t started = time_mono_ns(), deadline = started + QUICK_CHECK_MS * 1000000LL;
    sqlite3_stmt *st = NULL;
    struct strbuf found = STRBUF_INIT;
    int rc, problems = 0;

    sqlite3_progress_handler(db, 1000, check_deadline, &deadline);
    rc = sqlite3_prepare_v2(db, "PRAGMA quick_check(20)", -1, &st, NULL);
    while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *r = (const char *)sqlite3_column_text(st, 0);

        rc = SQLITE_OK;
        if (r && !strcmp(r, "ok"))
            continue;
        if (problems++ < 3)
            strbuf_addf(&found, "%s%s", found.len ? "; " : "", r ? r : "?");
    }
    if (rc == SQLITE_DONE)
        rc = SQLITE_OK;
    sqlite3_finalize(st);
    sqlite3_progress_handler(db, 0, NULL, NULL);
    if (rc == SQLITE_INTERRUPT) {
        log_warn("msg=\"quick_check not finished, the rest of the file was not checked\" "
                 "limit_ms=%d db=%s",
                 QUICK_CHECK_MS, s->path);
    } else if (rc != SQLITE_OK) {
        mark_degraded(s, "quick_check failed: %s", sqlite3_errmsg(db));
    } else if (problems) {
        mark_degraded(s, "quick_check found %d problem(s): %s", problems, found.buf);
    } else {
        log_info("msg=\"quick_check ok\" ms=%" PRId64 " db=%s",
                 (time_mono_ns() - started) / 1000000, s->path);
    }
    strbuf_release(&found);
}

static int check_integrity(sqlite3 *db, struct strbuf *err)
{
    sqlite3_stmt *s;
    int rc = DESK_EIO;

    if (!db) {
        strbuf_addstr(err, "integrity check failed: the database cannot be opened now");
        return DESK_EBUSY;
    }
    if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &s, NULL) != SQLITE_OK) {
        strbuf_addf(err, "integrity check failed: %s", sqlite3_errmsg(db));
        return DESK_EIO;
    }
    if (sqlite3_step(s) == SQLITE_ROW) {
        const char *r = (const char *)sqlite3_column_text(s, 0);
        if (r && !strcmp(r, "ok"))
            rc = 0;
        else
            strbuf_addf(err, "integrity check failed: %s", r ? r : "no answer");
    } else {
        strbuf_addf(err, "integrity check failed: %s", sqlite3_errmsg(db));
    }
    sqlite3_finalize(s);
    return rc;
}

static int sqlite_integrity_check(struct store *st, struct strbuf *err)
{
    struct db_conn *c = db_get(st);
    int rc = check_integrity(SC(c)->db, err);

    db_put(st, c);
    return rc;
}

/* Copy all of src into dst with the online backup API; a consistent snapshot. */
static int copy_database(sqlite3 *src, sqlite3 *dst, struct strbuf *err)
{
    sqlite3_backup *b = src ? sqlite3_backup_init(dst, "main", src, "main") : NULL;
    int rc, tries = 0;

    if (!b) {
        strbuf_addf(err, "cannot start the copy: %s",
                    src ? sqlite3_errmsg(dst) : "the database cannot be opened now");
        return DESK_EIO;
    }
    while (((rc = sqlite3_backup_step(b, -1)) == SQLITE_BUSY || rc == SQLITE_LOCKED) &&
           tries++ < COPY_BUSY_MAX)
        sqlite3_sleep(10);
    sqlite3_backup_finish(b);
    if (rc != SQLITE_DONE) {
        strbuf_addf(err, "copy failed: %s", sqlite3_errstr(rc));
        return DESK_EIO;
    }
    return 0;
}

static int sqlite_backup(struct store *st, const char *path, struct strbuf *err)
{
    struct db_conn *c;
    sqlite3 *dst;
    int rc;

    /* created here, 0600 and exclusively: it holds password and token hashes */
    if (create_private(path, true) < 0) {
        if (errno == EEXIST) {
            strbuf_addf(err, "backup file '%s' exists already", path);
            return DESK_ECONFLICT;
        }
        strbuf_addf(err, "cannot create backup '%s': %s", path, strerror(errno));
        return DESK_EIO;
    }
    if (sqlite3_open_v2(path, &dst, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
        strbuf_addf(err, "cannot create backup '%s': %s", path, sqlite3_errmsg(dst));
        sqlite3_close(dst);
        unlink(path);
        return DESK_EIO;
    }
    c = db_get(st);
    rc = copy_database(SC(c)->db, dst, err);
    db_put(st, c);
    if (rc == 0)
        rc = sqlite3_exec(dst, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL) == SQLITE_OK
                 ? check_integrity(dst, err)
                 : DESK_EIO;
    sqlite3_close(dst);
    if (rc < 0)
        unlink(path);
    return rc;
}

/* ---- the in-use lock ---------------------------------------------------------------- */

/*
 * `serve` holds a shared flock(2) on "<db>.lock" (created 0600 beside the database) for
 * its lifetime; `restore` takes it exclusively without waiting. flock, not fcntl: fcntl
 * locks belong to the process and SQLite's own close() of the database would drop them;
 * and a file of its own, not the database, so that SQLite's locking (WAL, -shm) is left
 * alone. The kernel drops the lock when the process ends, even by SIGKILL: never stale.
 * Returns the descriptor, or a negative desk_err with err filled.
 */
static int lock_take(const char *path, bool exclusive, struct strbuf *err)
{
    struct strbuf lp = STRBUF_INIT;
    int fd, rc;

    strbuf_addf(&lp, "%s" LOCK_SUFFIX, path);
    fd = open(lp.buf, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
        strbuf_addf(err, "cannot open the lock file '%s': %s", lp.buf, strerror(errno));
        strbuf_release(&lp);
        return DESK_EIO;
    }
    if (flock(fd, (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB) == 0) {
        strbuf_release(&lp);
        return fd;
    }
    rc = errno == EWOULDBLOCK ? DESK_ECONFLICT : DESK_EIO;
    if (rc == DESK_EIO)
        strbuf_addf(err, "cannot lock '%s': %s", lp.buf, strerror(errno));
    else if (exclusive)
        strbuf_addf(err,
                    "database '%s' is in use by a running 'svcdesk serve' (it holds '%s'); "
                    "stop the server first (systemctl stop svcdesk, or kill -TERM its pid; "
                    "'fuser %s' shows it), then restore",
                    path, lp.buf, lp.buf);
    else
        strbuf_addf(err, "database '%s' is being restored (a restore holds '%s'); try again "
                         "when it has finished",
                    path, lp.buf);
    close(fd);
    strbuf_release(&lp);
    return rc;
}

int db_sqlite_restore(const char *path, const char *file, struct strbuf *err)
{
    sqlite3 *src = NULL, *dst = NULL;
    int rc, version, lock;

    if ((lock = lock_take(path, true, err)) < 0)
        return lock;
    if (sqlite3_open_v2(file, &src, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        strbuf_addf(err, "cannot open backup '%s': %s", file, sqlite3_errmsg(src));
        rc = DESK_EIO;
        goto out;
    }
    if ((rc = check_integrity(src, err)) < 0)
        goto out;
    if (read_db_version(src, &version) < 0 || version == 0) {
        strbuf_addf(err, "'%s' is not a svcdesk database", file);
        rc = DESK_EINVAL;
        goto out;
    }
    if (version > binary_schema_version()) {
        strbuf_addf(err, "backup schema %d is newer than this svcdesk (schema %d)", version,
                    binary_schema_version());
        rc = DESK_EINVAL;
        goto out;
    }
    if (create_private(path, false) < 0 ||
        sqlite3_open_v2(path, &dst, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
        strbuf_addf(err, "cannot open database '%s': %s", path,
                    dst ? sqlite3_errmsg(dst) : strerror(errno));
        rc = DESK_EIO;
        goto out;
    }
    sqlite3_busy_timeout(dst, BUSY_TIMEOUT_MS);
    if ((rc = copy_database(src, dst, err)) == 0)
        rc = check_integrity(dst, err);
out:
    sqlite3_close(src);
    sqlite3_close(dst);
    close(lock);
    return rc;
}

/* Warn (a log line) about the database files that others than the owner may read. */
static void warn_modes(const char *path)
{
    static const char *const suffixes[] = {"", "-wal", "-shm", LOCK_SUFFIX};

    for (size_t i = 0; i < ARRAY_SIZE(suffixes); i++) {
        struct strbuf p = STRBUF_INIT;
        struct stat sb;

        strbuf_addf(&p, "%s%s", path, suffixes[i]);
        if (stat(p.buf, &sb) == 0 && (sb.st_mode & 077))
            log_warn("msg=\"database file readable by group or others: it holds password and "
                     "token hashes\" file=%s mode=%04o fix=\"chmod 600 %s*\"",
                     p.buf, (unsigned)(sb.st_mode & 07777), path);
        strbuf_release(&p);
    }
}

/*
 * SVCDESK_TEST_REPLAY_WRITES=1 (tests only, docs/testing.md): every write runs twice in its
 * transaction, the first run rolled back, as PostgreSQL's driver re-runs a write after a
 * serialization failure; a write that is not re-runnable (internal.h) then misbehaves.
 */
static bool replay_writes_asked(void)
{
    const char *v = getenv("SVCDESK_TEST_REPLAY_WRITES");

    return v && !strcmp(v, "1");
}

int db_sqlite_open(const char *path, unsigned flags, struct store **out, struct strbuf *err)
{
    struct sqlite_store *s;
    struct stat sb;
    int rc;

    if (!*path) {
        strbuf_addstr(err, "database path is empty");
        return DESK_EINVAL;
    }
    if (!(flags & STORE_CREATE) && stat(path, &sb) != 0) {
        strbuf_addf(err, "database '%s' does not exist; run 'svcdesk init'", path);
        return DESK_ENOTFOUND;
    }
    if ((flags & STORE_CREATE) && create_private(path, false) < 0) {
        strbuf_addf(err, "cannot create database '%s': %s", path, strerror(errno));
        return DESK_EIO;
    }
    s = xcalloc(1, sizeof(*s));
    s->base.drv = &sqlite_driver;
    s->path = xstrdup(path);
    s->dir = dir_of(path);
    s->lock_fd = -1;
    s->replay_writes = replay_writes_asked();
    pthread_mutex_init(&s->health_mu, NULL);
    if ((flags & STORE_IN_USE) && (rc = s->lock_fd = lock_take(path, false, err)) < 0)
        goto fail;
    if ((rc = conn_open(s, SQLITE_OPEN_READWRITE, false, &s->wconn, err)) < 0)
        goto fail;
    if (flags & STORE_CHECK) {
        warn_modes(path);
        quick_check(s);
    }
    if ((rc = migrate(s, flags, err)) < 0)
        goto fail;
    pthread_mutex_init(&s->pool_mu, NULL);
    pthread_cond_init(&s->pool_cv, NULL);
    pthread_mutex_init(&s->write_mu, NULL);
    pthread_cond_init(&s->work_cv, NULL);
    pthread_cond_init(&s->done_cv, NULL);
    if (pthread_create(&s->writer, NULL, writer_main, s))
        die("cannot start the database writer thread");
    *out = &s->base;
    return 0;
fail:
    if (s->wconn)
        conn_close(s->wconn);
    if (s->lock_fd >= 0)
        close(s->lock_fd);
    pthread_mutex_destroy(&s->health_mu);
    free(s->dir);
    free(s->path);
    free(s);
    return rc;
}

static const struct db_driver sqlite_driver = {
    .name = "sqlite",
    .dialect = DB_SQLITE,
    .close = sqlite_close,
    .schema_versions = sqlite_schema_versions,
    .degraded = sqlite_degraded,
    .integrity_check = sqlite_integrity_check,
    .backup = sqlite_backup,
    .write_stats = sqlite_write_stats,
    .set_disk_reserve = sqlite_set_disk_reserve,
    .get = sq_get,
    .put = sq_put,
    .write = sq_write,
    .changes = sq_changes,
    .prepare = sq_prepare,
    .prepare_uncached = sq_prepare_uncached,
    .finalize = sq_finalize,
    .bind_null = sq_bind_null,
    .bind_int = sq_bind_int,
    .bind_text = sq_bind_text,
    .bind_text_copy = sq_bind_text_copy,
    .bind_blob = sq_bind_blob,
    .step = sq_step,
    .reset = sq_reset,
    .col_null = sq_col_null,
    .col_int = sq_col_int,
    .col_double = sq_col_double,
    .col_text = sq_col_text,
    .col_blob = sq_col_blob,
};
