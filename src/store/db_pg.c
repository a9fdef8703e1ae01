/*
 * db_pg.c - the PostgreSQL driver (libpq): a pool of connections, statements prepared once
 * per connection, writes at SERIALIZABLE (or REPEATABLE READ, db_write_new_rows) re-run after a
 * serialization failure, migrations.
 *
 * Every connection of the pool serves reads (autocommit: each statement sees what was
 * committed before it) and writes (db_write: BEGIN ISOLATION LEVEL SERIALIZABLE, the
 * write function, COMMIT). PostgreSQL refuses a transaction that could have lost an update
 * with SQLSTATE 40001 (or 40P01, a deadlock); the driver then rolls back and runs the
 * write function again, which is why write functions are re-runnable (db.h, internal.h).
 * synchronous_commit stays as the server has it (on by default): COMMIT returns once the
 * commit is on disk.
 *
 * SQL is the store's portable SQL: ?N and ? placeholders are rewritten as $N here; every
 * parameter is sent as text (blobs as binary) and typed by PostgreSQL from its context,
 * results come back as text.
 *
 * A connection that breaks (PostgreSQL restarted, the session terminated) is reconnected
 * where that is safe, so that requests after the server is back see no error (the rules,
 * and why, in docs/internals/store.md, "When PostgreSQL goes away"):
 *   - a read re-runs its statement once on a new session;
 *   - a write whose transaction broke before COMMIT was sent runs again on a new session
 *     (it never committed; writes are re-runnable, db.h);
 *   - a write whose COMMIT broke answers DESK_EBUSY and does not run again: it may have
 *     committed, and running it again could do it twice.
 * A new session keeps the statement objects that callers may hold (a read holds several):
 * each connection counts its sessions (gen), and a statement prepared in an older one is
 * prepared again, under its name, at its next use. While PostgreSQL does not answer,
 * reconnecting fails at once (connection refused; connect_timeout for a host that does not
 * answer) and statements fail with DESK_EBUSY (503); one line is logged when the database
 * is lost and one when it is back.
 */
#define LOG_MODULE "store"
#include "core/compat.h"
#include "store/db.h"
#include "store/store.h"
#include "core/embed.h"
#include "core/err.h"
#include "core/log.h"
#include "core/strbuf.h"
#include "core/time.h"
#include "core/xalloc.h"
#include "store/calcache.h"
#include <fcntl.h>
#include <libpq-fe.h>
#include <pthread.h>
#include <spawn.h>
#include <stdatomic.h>
#include <sys/wait.h>
#include <unistd.h>

#define POOL_PER_CORE 4        /* connections per core (pool_size) */
#define POOL_MAX 32            /* connections at most */
#define STMT_CACHE_MIN 256     /* first size of a connection's statement table */
#define PARAMS_MAX DB_PARAMS_MAX /* parameters of a statement at most */
#define WRITE_TRIES 30         /* runs of a write before a conflict is answered 503 */
#define CONNECT_TIMEOUT_S "5"  /* libpq connect_timeout */
#define APP_SERVE "svcdesk serve" /* application_name of a server's sessions (restore) */
#define APP_OTHER "svcdesk"
#define BYTEA_OID 17           /* pg_type oids (catalog/pg_type_d.h, not installed) */
#define TEXT_OID 25
#define REASON_MAX 256         /* of the last reason the database failed (store_ping) */

struct pg_conn;
struct pool_waiter;

struct pg_stmt {
    struct db_stmt base;           /* must be first */
    struct pg_conn *conn;          /* its connection */
    const char *sql;               /* the store's SQL (for logs) */
    char *owned_sql;               /* sql, when it is a copy (prepare_uncached) */
    char name[16];                 /* the prepared statement's name on the connection */
    unsigned gen;                  /* the connection's session it is prepared in (0: none) */
    int nparams;                   /* $1..$nparams */
    const char *values[PARAMS_MAX];
    int lengths[PARAMS_MAX];
    int formats[PARAMS_MAX];
    char ints[PARAMS_MAX][24];     /* integers bound, as text */
    char *copies[PARAMS_MAX];      /* bind_text_copy's copies */
    PGresult *res;                 /* the result of the execution, while stepping */
    int row, nrows;                /* the current row, rows in res */
    unsigned char *blob;           /* the last bytea column decoded (PQunescapeBytea) */
};

struct pg_conn {
    struct db_conn base;           /* must be first */
    PGconn *pg;                    /* NULL when it could not connect */
    struct stmt_slot {
        const char *sql;           /* key: address of the SQL constant */
        struct pg_stmt *stmt;
    } *cache;                      /* open addressing; grows at half full */
    size_t cache_nr, cache_alloc;
    unsigned prepared;             /* statement names given on this connection (never reset:
                                      a name stays unique across its sessions) */
    unsigned gen;                  /* sessions opened so far: the current one's number */
    int64_t changes;               /* rows the last command changed */
    bool in_write;                 /* a write transaction is open */
    const char *begin;             /* its BEGIN, until sent with its first statement */
    bool failed;                   /* a statement of the open transaction failed */
    bool retry;                    /* ... with a serialization failure or deadlock, or the
                                      connection broke before COMMIT: run the write again */
    struct pg_store *owner;
    struct pg_conn *next;          /* free list */
};

struct pg_store {
    struct store base;             /* must be first */
    char *url;                     /* the connection string */
    const char *app_name;          /* application_name: "svcdesk serve" while serving */
    char *password;                /* the URL's password (NULL: none), kept out of reasons */
    int db_version;
    pthread_mutex_t pool_mu;       /* guards the five below */
    struct pg_conn *free_conns;
    struct pool_waiter *waiters, *waiters_tail; /* threads waiting for one, in order */
    int nconns;                    /* connections made */
    int pool_max;                  /* connections at most (pool_size) */
    pthread_mutex_t state_mu;      /* guards the two below */
    bool down;                     /* the last connection attempt failed */
    char reason[REASON_MAX];       /* the last reason the database failed, first line */
    atomic_uint_fast64_t write_scopes, commits, writes, retries;
};

#define PS(st) ((struct pg_store *)(st))
#define PC(c) ((struct pg_conn *)(c))
#define PST(s) ((struct pg_stmt *)(s))

static const struct db_driver pg_driver;

/* ---- SQL: placeholders ---------------------------------------------------------------- */

/*
 * Rewrite SQLite's placeholders as PostgreSQL's: ?N becomes $N, a bare ? the number after
 * the largest seen so far (SQLite's rule); used[N - 1] is set for each. Quoted strings and
 * names are copied as they are. Returns the number of parameters, or -1 when a number is
 * out of range.
 */
static int rewrite_placeholders(const char *sql, struct strbuf *out, bool *used)
{
    int top = 0;

    for (const char *p = sql; *p; p++) {
        if (*p == '\'' || *p == '"') {
            const char *q = strchr(p + 1, *p);
            size_t n = q ? (size_t)(q - p) + 1 : strlen(p);
            strbuf_add(out, p, n);
            p += n - 1;
            continue;
        }
        if (*p != '?') {
            strbuf_addch(out, *p);
            continue;
        }
        int n;
        if (p[1] >= '0' && p[1] <= '9') {
            char *end;
            n = (int)strtol(p + 1, &end, 10);
            p = end - 1;
        } else {
            n = top + 1;
        }
        if (n < 1 || n > PARAMS_MAX)
            return -1;
        if (n > top)
            top = n;
        used[n - 1] = true;
        strbuf_addf(out, "$%d", n);
    }
    return top;
}

/* ---- errors --------------------------------------------------------------------------- */

static bool sqlstate_is(const char *state, const char *prefix)
{
    return state && !strncmp(state, prefix, strlen(prefix));
}

/*
 * Keep the first line of msg as the reason the database failed (store_ping tells it), the
 * URL's password replaced by "***" should the message quote it.
 */
static void set_reason(struct pg_store *s, const char *msg)
{
    struct strbuf r = STRBUF_INIT;
    size_t n = strcspn(msg, "\r\n"), plen = s->password ? strlen(s->password) : 0;

    for (size_t i = 0; i < n; i++) {
        if (plen && i + plen <= n && !memcmp(msg + i, s->password, plen)) {
            strbuf_addstr(&r, "***");
            i += plen - 1;
            continue;
        }
        strbuf_addch(&r, msg[i]);
    }
    pthread_mutex_lock(&s->state_mu);
    snprintf(s->reason, sizeof(s->reason), "%s", r.buf);
    pthread_mutex_unlock(&s->state_mu);
    strbuf_release(&r);
}

/* A connection attempt failed with msg: one line when the database was answering before. */
static void note_lost(struct pg_store *s, const char *msg)
{
    char why[REASON_MAX], q[2 * REASON_MAX];
    bool was_down;

    set_reason(s, msg);
    pthread_mutex_lock(&s->state_mu);
    was_down = s->down;
    s->down = true;
    memcpy(why, s->reason, sizeof(why));
    pthread_mutex_unlock(&s->state_mu);
    if (!was_down)
        log_error("msg=\"database lost: cannot connect to PostgreSQL; requests answer 503 until "
                  "it is back\" error=\"%s\"",
                  log_quote(why, q, sizeof(q)));
}

/* A connection attempt succeeded: one line when the database was lost before. */
static void note_back(struct pg_store *s)
{
    bool was_down;

    pthread_mutex_lock(&s->state_mu);
    was_down = s->down;
    s->down = false;
    pthread_mutex_unlock(&s->state_mu);
    if (was_down)
        log_info("msg=\"database back: connected to PostgreSQL again\"");
}

static bool conn_broken(const struct pg_conn *c)
{
    return !c->pg || PQstatus(c->pg) == CONNECTION_BAD;
}

/*
 * Map a failed result to desk_err, as the SQLite driver does: a uniqueness violation is
 * DESK_ECONFLICT, a foreign key DESK_ENOTFOUND, another constraint or bad data DESK_EINVAL,
 * the rest (the server gone, a serialization failure, no memory) DESK_EBUSY, logged.
 */
static int map_error(struct pg_conn *c, const PGresult *r, const char *sql)
{
    const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    const char *msg = r ? PQresultErrorMessage(r) : PQerrorMessage(c->pg);
    char q[256], w[96];

    if (c->in_write)
        c->failed = true;
    if (sqlstate_is(state, "23505"))
        return DESK_ECONFLICT;
    if (sqlstate_is(state, "23503"))
        return DESK_ENOTFOUND;
    if (sqlstate_is(state, "23") || sqlstate_is(state, "22"))
        return DESK_EINVAL;
    if (sqlstate_is(state, "40001") || sqlstate_is(state, "40P01")) {
        c->retry = true; /* db_write runs it again; not an error worth a line */
        return DESK_EBUSY;
    }
    set_reason(c->owner, msg ? msg : "?");
    if (conn_broken(c)) /* reconnected, or logged once as lost (note_lost) */
        return DESK_EBUSY;
    log_error("msg=\"store unavailable\" sqlstate=%s error=\"%s\" sql=\"%s\"",
              state ? state : "none", log_quote(msg ? msg : "?", q, sizeof(q)),
              log_quote(sql, w, sizeof(w)));
    return DESK_EBUSY;
}

/* ---- connections ----------------------------------------------------------------------- */

static void stmt_clear(struct pg_stmt *s)
{
    PQclear(s->res);
    s->res = NULL;
    s->row = -1;
    s->nrows = 0;
    PQfreemem(s->blob);
    s->blob = NULL;
    for (int i = 0; i < s->nparams; i++) {
        free(s->copies[i]);
        s->copies[i] = NULL;
        s->values[i] = NULL;
        s->lengths[i] = 0;
        s->formats[i] = 0;
    }
}

/* Free the statements of c (it is going away). */
static void cache_drop(struct pg_conn *c)
{
    for (size_t i = 0; i < c->cache_alloc; i++)
        if (c->cache[i].stmt) {
            stmt_clear(c->cache[i].stmt);
            free(c->cache[i].stmt);
        }
    free(c->cache);
    c->cache = NULL;
    c->cache_nr = c->cache_alloc = 0;
}

static bool conn_ok(struct pg_conn *c)
{
    return c->pg && PQstatus(c->pg) == CONNECTION_OK;
}

static void notice_quiet(void *arg, const char *msg)
{
    (void)arg;
    (void)msg; /* NOTICEs (an IF NOT EXISTS that did nothing) are not log lines */
}

/* Connect, or reconnect a broken connection: 0, or DESK_EBUSY with the reason logged. */
static int conn_connect(struct pg_conn *c)
{
    const char *keys[] = {"dbname", "connect_timeout", "application_name", NULL};
    const char *vals[] = {c->owner->url, CONNECT_TIMEOUT_S, c->owner->app_name, NULL};

    if (conn_ok(c))
        return 0;
    if (c->pg) {
        PQfinish(c->pg);
        log_debug("msg=\"reconnecting to PostgreSQL\"");
    }
    /* a new session: the statements of the cache stay (callers may hold them) and are
       prepared again at their next use (stmt_ready) */
    c->gen++;
    c->pg = PQconnectdbParams(keys, vals, 1);
    if (PQstatus(c->pg) == CONNECTION_OK) {
        PGresult *r;
        PQsetNoticeProcessor(c->pg, notice_quiet, NULL);
        r = PQexec(c->pg, "SET client_encoding = 'UTF8'; SET TIME ZONE 'UTC'");
        PQclear(r);
        note_back(c->owner);
        return 0;
    }
    note_lost(c->owner, c->pg ? PQerrorMessage(c->pg) : "out of memory");
    return DESK_EBUSY;
}

static struct pg_conn *conn_new(struct pg_store *s)
{
    struct pg_conn *c = xcalloc(1, sizeof(*c));

    c->base.drv = &pg_driver;
    c->owner = s;
    return c;
}

static void conn_free(struct pg_conn *c)
{
    cache_drop(c);
    if (c->pg)
        PQfinish(c->pg);
    free(c);
}

/*
 * Connections a server keeps: 4 a core, 4 to 32. More sessions than PostgreSQL can run at
 * once only queue in its processes: on 2 cores, 8 served GET 12,100/s at p99 15 ms and 32
 * served it at p99 120-280 ms (docs/benchmarks.md); a thread waits in the pool instead.
 */
static int pool_size(void)
{
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    long n = (cores > 0 ? cores : 1) * POOL_PER_CORE;
    return (int)(n < 4 ? 4 : n > POOL_MAX ? POOL_MAX : n);
}

/*
 * The pool hands connections out first come, first served: a thread that finds none free
 * queues, and pg_put gives the connection straight to the longest waiting one. With a
 * shared condition variable any waiter could take it, and under load some waited for
 * seconds (GET p99 62 ms against 15 ms in FIFO order, docs/benchmarks.md).
 */
struct pool_waiter {
    pthread_cond_t ready;          /* signalled once conn is set */
    struct pg_conn *conn;          /* the connection handed over */
    struct pool_waiter *next;      /* the next in line */
};

static struct db_conn *pg_get(struct store *st)
{
    struct pg_store *s = PS(st);
    struct pg_conn *c = NULL;

    pthread_mutex_lock(&s->pool_mu);
    if (!s->waiters && s->free_conns) {
        c = s->free_conns;
        s->free_conns = c->next;
    } else if (!s->waiters && s->nconns < s->pool_max) {
        s->nconns++;
    } else {
        struct pool_waiter w = {.conn = NULL, .next = NULL};
        pthread_cond_init(&w.ready, NULL);
        *(s->waiters ? &s->waiters_tail->next : &s->waiters) = &w;
        s->waiters_tail = &w;
        while (!w.conn)
            pthread_cond_wait(&w.ready, &s->pool_mu);
        pthread_cond_destroy(&w.ready);
        c = w.conn;
    }
    pthread_mutex_unlock(&s->pool_mu);
    if (!c)
        c = conn_new(s);
    conn_connect(c); /* a failure shows as NULL statements (503) */
    return &c->base;
}

static void pg_put(struct store *st, struct db_conn *dc)
{
    struct pg_store *s = PS(st);
    struct pg_conn *c = PC(dc);
    struct pool_waiter *w;

    pthread_mutex_lock(&s->pool_mu);
    if ((w = s->waiters)) {
        s->waiters = w->next;
        w->conn = c;
        pthread_cond_signal(&w->ready);
    } else {
        c->next = s->free_conns;
        s->free_conns = c;
    }
    pthread_mutex_unlock(&s->pool_mu);
}

/* ---- statements ------------------------------------------------------------------------ */

static size_t slot_of(const struct stmt_slot *t, size_t alloc, const char *sql)
{
    size_t h = ((uintptr_t)sql >> 4) & (alloc - 1);

    while (t[h].sql && t[h].sql != sql)
        h = (h + 1) & (alloc - 1);
    return h;
}

static void cache_grow(struct pg_conn *c)
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

/* Prepare s on the current session of c unless it is already: 0, or the mapped error. */
static int server_prepare(struct pg_conn *c, struct pg_stmt *s)
{
    struct strbuf text = STRBUF_INIT;
    bool used[PARAMS_MAX] = {false};
    Oid types[PARAMS_MAX];
    PGresult *r;
    int rc = 0;

    if (s->gen == c->gen)
        return 0;
    if (c->failed || !conn_ok(c))
        return DESK_EBUSY;
    rewrite_placeholders(s->sql, &text, used); /* checked when s was made (pg_prepare) */
    /* PostgreSQL types each parameter from where it stands; one the SQL does not use (bound
       for the statement's siblings) it cannot type, so it is declared text */
    for (int i = 0; i < s->nparams; i++)
        types[i] = used[i] ? 0 : TEXT_OID;
    r = PQprepare(c->pg, s->name, text.buf, s->nparams, types);
    if (PQresultStatus(r) == PGRES_COMMAND_OK)
        s->gen = c->gen;
    else
        rc = map_error(c, r, s->sql);
    PQclear(r);
    strbuf_release(&text);
    return rc;
}

/*
 * A read whose session broke during the last command (it was fine before): reconnect, so
 * that the caller runs the command once more. Not in a write: its transaction is gone with
 * the session, and pg_write decides whether it may run again.
 */
static bool reconnect_read(struct pg_conn *c, bool was_ok)
{
    return was_ok && !c->in_write && conn_broken(c) && conn_connect(c) == 0;
}

/* Make s ready to run on c's current session: 0, or the mapped error. */
static int stmt_ready(struct pg_conn *c, struct pg_stmt *s)
{
    bool was_ok = conn_ok(c);
    int rc = server_prepare(c, s);

    if (rc < 0 && reconnect_read(c, was_ok))
        rc = server_prepare(c, s);
    return rc;
}

/* The statement object of sql on c, made and cached at its first use (not yet prepared). */
/* A statement object of sql on c, not yet prepared and not cached; NULL for bad SQL. */
static struct pg_stmt *stmt_new(struct pg_conn *c, const char *sql)
{
    struct strbuf text = STRBUF_INIT;
    bool used[PARAMS_MAX] = {false};
    struct pg_stmt *s;
    int n = rewrite_placeholders(sql, &text, used);

    strbuf_release(&text);
    if (n < 0) {
        char q[96];
        log_error("msg=\"BUG: bad placeholder\" sql=\"%s\"", log_quote(sql, q, sizeof(q)));
        return NULL;
    }
    s = xcalloc(1, sizeof(*s));
    s->base.drv = &pg_driver;
    s->conn = c;
    s->sql = sql;
    s->nparams = n;
    s->row = -1;
    snprintf(s->name, sizeof(s->name), "s%u", ++c->prepared);
    return s;
}

/* The statement object of sql on c, made and cached at its first use (not yet prepared). */
static struct pg_stmt *stmt_of(struct pg_conn *c, const char *sql)
{
    struct stmt_slot *slot;
    struct pg_stmt *s;

    if (2 * (c->cache_nr + 1) > c->cache_alloc)
        cache_grow(c);
    slot = &c->cache[slot_of(c->cache, c->cache_alloc, sql)];
    if (slot->sql)
        return slot->stmt;
    if (!(s = stmt_new(c, sql)))
        return NULL;
    slot->sql = sql;
    slot->stmt = s;
    c->cache_nr++;
    return s;
}

static struct db_stmt *pg_prepare(struct db_conn *dc, const char *sql)
{
    struct pg_conn *c = PC(dc);
    struct pg_stmt *s;

    /* an aborted transaction runs nothing more; a connection that could not connect is
       tried again at its next borrow (pg_get, write_once) */
    if (c->failed || !conn_ok(c))
        return NULL;
    s = stmt_of(c, sql);
    return s && stmt_ready(c, s) == 0 ? &s->base : NULL;
}

/* The text is kept (owned_sql) for the logs; the statement is deallocated by pg_finalize. */
static struct db_stmt *pg_prepare_uncached(struct db_conn *dc, const char *sql)
{
    struct pg_conn *c = PC(dc);
    char *copy;
    struct pg_stmt *s;

    if (c->failed || !conn_ok(c))
        return NULL;
    copy = xstrdup(sql);
    if (!(s = stmt_new(c, copy))) {
        free(copy);
        return NULL;
    }
    s->owned_sql = copy;
    if (stmt_ready(c, s) < 0) {
        free(copy);
        free(s);
        return NULL;
    }
    return &s->base;
}

static void pg_finalize(struct db_stmt *ds)
{
    struct pg_stmt *s = PST(ds);
    char sql[32];

    stmt_clear(s);
    /* DEALLOCATE is not transactional and fails only in an aborted transaction: the name is
       then left on the connection, unused (names are never used twice on a connection) */
    snprintf(sql, sizeof(sql), "DEALLOCATE %s", s->name);
    if (s->gen == s->conn->gen && conn_ok(s->conn) && !s->conn->failed)
        PQclear(PQexec(s->conn->pg, sql));
    free(s->owned_sql);
    free(s);
}

static void pg_bind_null(struct db_stmt *ds, int i)
{
    struct pg_stmt *s = PST(ds);

    if (i >= 1 && i <= s->nparams) {
        free(s->copies[i - 1]);
        s->copies[i - 1] = NULL;
        s->values[i - 1] = NULL;
        s->formats[i - 1] = 0;
    }
}

static void pg_bind_int(struct db_stmt *ds, int i, int64_t v)
{
    struct pg_stmt *s = PST(ds);

    if (i >= 1 && i <= s->nparams) {
        pg_bind_null(ds, i);
        snprintf(s->ints[i - 1], sizeof(s->ints[i - 1]), "%" PRId64, v);
        s->values[i - 1] = s->ints[i - 1];
    }
}

static void pg_bind_text(struct db_stmt *ds, int i, const char *v)
{
    struct pg_stmt *s = PST(ds);

    if (i >= 1 && i <= s->nparams) {
        pg_bind_null(ds, i);
        s->values[i - 1] = v;
    }
}

static void pg_bind_text_copy(struct db_stmt *ds, int i, const char *v)
{
    struct pg_stmt *s = PST(ds);

    if (i >= 1 && i <= s->nparams) {
        pg_bind_null(ds, i);
        if (v)
            s->values[i - 1] = s->copies[i - 1] = xstrdup(v);
    }
}

static void pg_bind_blob(struct db_stmt *ds, int i, const void *p, size_t n)
{
    struct pg_stmt *s = PST(ds);

    if (i >= 1 && i <= s->nparams && n <= INT_MAX) {
        pg_bind_null(ds, i);
        s->values[i - 1] = p;
        s->lengths[i - 1] = (int)n;
        s->formats[i - 1] = 1;
    }
}

/*
 * Execute s; in a write whose BEGIN is not sent yet, send that BEGIN and s together (libpq's
 * pipeline mode: one round trip for both, where each was one: a write of six statements
 * had eight). The result is s's, or BEGIN's when BEGIN failed; NULL when nothing could be
 * sent.
 */
static PGresult *exec_stmt(struct pg_conn *c, struct pg_stmt *s)
{
    PGresult *r, *begin_res = NULL, *res = NULL;
    const char *begin = c->begin;
    bool sent;

    if (!begin)
        return PQexecPrepared(c->pg, s->name, s->nparams, s->values, s->lengths, s->formats, 0);
    c->begin = NULL;
    if (!PQenterPipelineMode(c->pg))
        return NULL;
    sent = PQsendQueryParams(c->pg, begin, 0, NULL, NULL, NULL, NULL, 0) &&
           PQsendQueryPrepared(c->pg, s->name, s->nparams, s->values, s->lengths, s->formats,
                               0) &&
           PQpipelineSync(c->pg);
    /* each query's results end with NULL; then the sync (nothing more when the connection
       broke) */
    for (int query = 0; sent && query < 2;) {
        if (!(r = PQgetResult(c->pg))) {
            query++;
            continue;
        }
        PQclear(query ? res : begin_res);
        *(query ? &res : &begin_res) = r;
        if (conn_broken(c))
            break;
    }
    if (sent && !conn_broken(c) && (r = PQgetResult(c->pg)))
        PQclear(r); /* PGRES_PIPELINE_SYNC */
    PQexitPipelineMode(c->pg);
    if (begin_res && PQresultStatus(begin_res) != PGRES_COMMAND_OK) {
        PQclear(res);
        return begin_res;
    }
    PQclear(begin_res);
    return res;
}

static int pg_step(struct db_stmt *ds)
{
    struct pg_stmt *s = PST(ds);
    struct pg_conn *c = s->conn;
    ExecStatusType st;
    bool was_ok;
    int rc;

    if (s->res) { /* the next row of the result */
        PQfreemem(s->blob);
        s->blob = NULL;
        return ++s->row < s->nrows ? DB_ROW : DB_DONE;
    }
    if (c->failed) /* an earlier statement of this write failed: the transaction is over */
        return DESK_EBUSY;
    if ((rc = stmt_ready(c, s)) < 0) /* another statement of c's may have reconnected */
        return rc;
    was_ok = conn_ok(c);
    s->res = exec_stmt(c, s);
    st = PQresultStatus(s->res);
    if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK && conn_broken(c)) {
        PQclear(s->res);
        s->res = NULL;
        if (c->in_write) /* the transaction is gone: pg_write decides what happens next */
            return map_error(c, NULL, s->sql);
        if (!reconnect_read(c, was_ok) || (rc = stmt_ready(c, s)) < 0)
            return DESK_EBUSY; /* logged as lost (note_lost), or by map_error */
        s->res = PQexecPrepared(c->pg, s->name, s->nparams, s->values, s->lengths, s->formats,
                                0);
        st = PQresultStatus(s->res);
    }
    if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
        rc = map_error(c, s->res, s->sql);
        PQclear(s->res);
        s->res = NULL;
        return rc;
    }
    c->changes = strtoll(PQcmdTuples(s->res), NULL, 10);
    s->nrows = st == PGRES_TUPLES_OK ? PQntuples(s->res) : 0;
    s->row = 0;
    return s->nrows > 0 ? DB_ROW : DB_DONE;
}

static void pg_reset(struct db_stmt *ds)
{
    stmt_clear(PST(ds));
}

static bool in_row(const struct pg_stmt *s, int i)
{
    return s->res && s->row >= 0 && s->row < s->nrows && i >= 0 && i < PQnfields(s->res);
}

static bool pg_col_null(struct db_stmt *ds, int i)
{
    struct pg_stmt *s = PST(ds);
    return !in_row(s, i) || PQgetisnull(s->res, s->row, i);
}

/* An integer column; a boolean (a comparison selected as a value) is 1 or 0, as in SQLite. */
static int64_t pg_col_int(struct db_stmt *ds, int i)
{
    struct pg_stmt *s = PST(ds);
    const char *v;

    if (pg_col_null(ds, i))
        return 0;
    v = PQgetvalue(s->res, s->row, i);
    if (v[0] == 't' && !v[1])
        return 1;
    if (v[0] == 'f' && !v[1])
        return 0;
    if (strpbrk(v, ".eE"))
        return (int64_t)strtod(v, NULL);
    return strtoll(v, NULL, 10);
}

static double pg_col_double(struct db_stmt *ds, int i)
{
    struct pg_stmt *s = PST(ds);
    return pg_col_null(ds, i) ? 0 : strtod(PQgetvalue(s->res, s->row, i), NULL);
}

static const char *pg_col_text(struct db_stmt *ds, int i, size_t *len)
{
    struct pg_stmt *s = PST(ds);

    *len = 0;
    if (pg_col_null(ds, i))
        return NULL;
    *len = (size_t)PQgetlength(s->res, s->row, i);
    return PQgetvalue(s->res, s->row, i);
}


static const void *pg_col_blob(struct db_stmt *ds, int i, size_t *len)
{
    struct pg_stmt *s = PST(ds);

    *len = 0;
    if (pg_col_null(ds, i))
        return NULL;
    if (PQftype(s->res, i) != BYTEA_OID)
        return pg_col_text(ds, i, len);
    PQfreemem(s->blob);
    s->blob = PQunescapeBytea((const unsigned char *)PQgetvalue(s->res, s->row, i), len);
    return s->blob;
}

static int64_t pg_changes(struct db_conn *c)
{
    return PC(c)->changes;
}

/* ---- writes ---------------------------------------------------------------------------- */

/* Run a command outside the statement cache: 0, or the mapped error. */
static int run(struct pg_conn *c, const char *sql)
{
    PGresult *r = PQexec(c->pg, sql);
    int rc = 0;

    if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK)
        rc = map_error(c, r, sql);
    PQclear(r);
    return rc;
}

/* Sleep a little before the next run of a write that conflicted: 1..2^n ms, at most 64. */
static void backoff(int attempt)
{
    unsigned cap = 1u << (attempt < 6 ? attempt : 6);
    unsigned seed = (unsigned)time_mono_ns();
    struct timespec ts = {0, (long)(1 + (unsigned)rand_r(&seed) % cap) * 1000000L};

    nanosleep(&ts, NULL);
}

/*
 * One run of a write: BEGIN, fn, COMMIT (or ROLLBACK). Sets c->retry when it may run again:
 * PostgreSQL refused it for a conflict with another transaction, or the session broke
 * before COMMIT was sent, so that nothing of it committed (the next run reconnects). When
 * the session breaks during COMMIT, the server may have committed or not, and the answer
 * is lost with the session: running fn again could do its work twice (a second ticket),
 * so the write answers DESK_EBUSY and is not run again.
 */
static int write_once(struct pg_store *s, struct pg_conn *c, db_write_fn fn, void *arg,
                      enum db_isolation level)
{
    bool commit_sent = false;
    int rc;

    c->failed = c->retry = false;
    if (conn_connect(c) < 0)
        return DESK_EBUSY;
    c->in_write = true;
    /* sent with the write's first statement (exec_stmt) */
    c->begin = level == DB_SNAPSHOT ? "BEGIN ISOLATION LEVEL REPEATABLE READ"
                                    : "BEGIN ISOLATION LEVEL SERIALIZABLE";
    {
        /* a write of new rows reads only committed rows of its snapshot but those it
           inserts, and inserts no calendar: what it computes from them is shared (0) */
        c->base.write_scope = level == DB_SNAPSHOT ? 0 : atomic_fetch_add(&s->write_scopes, 1) + 1;
        rc = fn(&c->base, arg);
        c->base.write_scope = 0;
        if (rc == 0 && c->failed) {
            /* fn went on after a statement failed: the transaction is aborted */
            if (!c->retry && !conn_broken(c))
                log_error("msg=\"BUG: a write went on after a failed statement\"");
            rc = DESK_EBUSY;
        }
        c->in_write = false; /* COMMIT and ROLLBACK run whatever failed before */
        c->failed = false;
        if (c->begin) {
            c->begin = NULL; /* fn ran no statement: there is no transaction to end */
        } else if (rc == 0) {
            commit_sent = true;
            rc = run(c, "COMMIT"); /* a serialization failure may come here too */
        } else {
            run(c, "ROLLBACK");
        }
    }
    c->in_write = c->failed = false;
    if (rc < 0 && conn_broken(c)) {
        c->retry = !commit_sent;
        if (commit_sent)
            log_warn("msg=\"the connection to PostgreSQL broke during COMMIT: the write's "
                     "outcome is unknown; answered 503, not run again\"");
        return rc;
    }
    if (PQtransactionStatus(c->pg) != PQTRANS_IDLE && conn_ok(c))
        run(c, "ROLLBACK");
    return rc;
}

static int pg_write(struct store *st, db_write_fn fn, void *arg, enum db_isolation level)
{
    struct pg_store *s = PS(st);
    struct pg_conn *c = PC(pg_get(st));
    int rc = DESK_EBUSY;

    for (int attempt = 0; attempt < WRITE_TRIES; attempt++) {
        rc = write_once(s, c, fn, arg, level);
        if (!c->retry)
            break;
        c->retry = false;
        atomic_fetch_add(&s->retries, 1);
        backoff(attempt);
    }
    atomic_fetch_add(&s->writes, 1);
    if (rc == 0)
        atomic_fetch_add(&s->commits, 1);
    pg_put(st, &c->base);
    return rc;
}

static int pg_connection_limit(struct store *st)
{
    return PS(st)->pool_max;
}

static void pg_write_stats(struct store *st, uint64_t *commits, uint64_t *writes)
{
    *commits = atomic_load(&PS(st)->commits);
    *writes = atomic_load(&PS(st)->writes);
}

/* ---- migrations ------------------------------------------------------------------------ */

static int binary_schema_version(void)
{
    int v = 0;
    for (const struct embedded_file *f = embedded_pgsql; f->name; f++)
        v = (int)strtol(f->name, NULL, 10);
    return v;
}

/* A one-value query outside the cache (migrations): its text, or NULL (then *rc). */
static char *query_value(struct pg_conn *c, const char *sql, int nparams, const char *const *vals,
                         struct strbuf *err)
{
    PGresult *r = PQexecParams(c->pg, sql, nparams, NULL, vals, NULL, NULL, 0);
    char *v = NULL;

    if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) > 0 && !PQgetisnull(r, 0, 0))
        v = xstrdup(PQgetvalue(r, 0, 0));
    else if (PQresultStatus(r) != PGRES_TUPLES_OK)
        strbuf_addf(err, "%s", PQresultErrorMessage(r));
    PQclear(r);
    return v;
}

/* One server migrates at a time (the key is arbitrary, ours). */
static const char SQL_MIGRATION_LOCK[] = "SELECT pg_advisory_xact_lock(7463001)";
static const char SQL_MIGRATIONS_TABLE[] =
    "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT "
    "NULL, applied_at BIGINT NOT NULL)";

/* The newest migration recorded, 0 when there is no schema_migrations table; -1 on error. */
static int read_db_version(struct pg_conn *c, struct strbuf *err)
{
    char *v = query_value(c, "SELECT to_regclass('schema_migrations') IS NOT NULL", 0, NULL, err);
    int version = -1;

    if (v && !strcmp(v, "f"))
        version = 0;
    else if (v) {
        free(v);
        v = query_value(c, "SELECT coalesce(max(version), 0) FROM schema_migrations", 0, NULL,
                        err);
        if (v)
            version = (int)strtol(v, NULL, 10);
    }
    free(v);
    return version;
}

/* Apply what is not applied yet, in one transaction each, one server at a time. */
static int migrate_all(struct pg_conn *c, struct strbuf *err)
{
    for (const struct embedded_file *f = embedded_pgsql; f->name; f++) {
        char ver[16], now[24];
        const char *vals[3] = {ver, f->name, now};
        PGresult *r;
        char *done;
        int rc;

        snprintf(ver, sizeof(ver), "%d", (int)strtol(f->name, NULL, 10));
        snprintf(now, sizeof(now), "%" PRId64, time_now());
        if ((rc = run(c, "BEGIN")) < 0 ||
            (rc = run(c, SQL_MIGRATION_LOCK)) < 0 ||
            (rc = run(c, SQL_MIGRATIONS_TABLE)) < 0) {
            strbuf_addf(err, "cannot start migration %s: %s", f->name, PQerrorMessage(c->pg));
            run(c, "ROLLBACK");
            return DESK_EIO;
        }
        done = query_value(c, "SELECT 1 FROM schema_migrations WHERE version = $1::integer", 1,
                           vals, err);
        if (done) {
            free(done);
            run(c, "COMMIT");
            continue;
        }
        r = PQexec(c->pg, f->data); /* embedded SQL, not input; several statements */
        if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK) {
            strbuf_addf(err, "migration %s failed: %s", f->name, PQresultErrorMessage(r));
            PQclear(r);
            run(c, "ROLLBACK");
            return DESK_EIO;
        }
        PQclear(r);
        r = PQexecParams(c->pg,
                         "INSERT INTO schema_migrations (version, name, applied_at) VALUES "
                         "($1::integer, $2, $3::bigint)",
                         3, NULL, vals, NULL, NULL, 0);
        rc = PQresultStatus(r) == PGRES_COMMAND_OK ? run(c, "COMMIT") : DESK_EIO;
        if (rc < 0) {
            strbuf_addf(err, "migration %s failed: %s", f->name, PQresultErrorMessage(r));
            PQclear(r);
            run(c, "ROLLBACK");
            return DESK_EIO;
        }
        PQclear(r);
        log_info("msg=\"migration applied\" name=%s", f->name);
    }
    return 0;
}

static int migrate(struct pg_store *s, struct pg_conn *c, unsigned flags, struct strbuf *err)
{
    int have = read_db_version(c, err), newest = binary_schema_version();

    if (have < 0)
        return DESK_EIO; /* err says why */
    if (have > newest) {
        strbuf_addf(err,
                    "database schema %d is newer than this svcdesk (schema %d); upgrade svcdesk",
                    have, newest);
        return DESK_EIO;
    }
    if (have == 0 && !(flags & STORE_CREATE)) {
        strbuf_addstr(err, "the PostgreSQL database is not initialised; run 'svcdesk init'");
        return DESK_ENOTFOUND;
    }
    if (flags & STORE_MIGRATE) {
        if (migrate_all(c, err) < 0)
            return DESK_EIO;
        have = newest;
    }
    s->db_version = have;
    return 0;
}

static void pg_schema_versions(struct store *st, int *db_version, int *binary_version)
{
    *db_version = PS(st)->db_version;
    *binary_version = binary_schema_version();
}

/* ---- the database ----------------------------------------------------------------------- */

static void pg_why_unavailable(struct store *st, struct strbuf *why)
{
    struct pg_store *s = PS(st);

    pthread_mutex_lock(&s->state_mu);
    strbuf_addstr(why, s->reason);
    pthread_mutex_unlock(&s->state_mu);
}

static bool pg_degraded(struct store *st, struct strbuf *why)
{
    (void)st;
    (void)why; /* PostgreSQL keeps its own pages sound; an outage is a failed ping */
    return false;
}

static int pg_integrity_check(struct store *st, struct strbuf *err)
{
    struct strbuf why = STRBUF_INIT;
    int rc = store_ping(st, &why);

    if (rc < 0)
        strbuf_addf(err, "integrity check failed: PostgreSQL does not answer%s%s",
                    why.len ? ": " : "", why.buf);
    strbuf_release(&why);
    return rc < 0 ? DESK_EIO : 0;
}

/* ---- backups: pg_dump and pg_restore -------------------------------------------------- */

#define TOOL_OUTPUT_MAX 2048 /* of a tool's stderr, kept for the error message */
extern char **environ;

/* Run argv (found on PATH) and wait: 0 when it exited 0, else DESK_EIO with its stderr. */
static int run_tool(char *const argv[], struct strbuf *err)
{
    posix_spawn_file_actions_t fa;
    char buf[512];
    int fds[2], status = 0, rc = DESK_EIO;
    struct strbuf out = STRBUF_INIT;
    pid_t pid;
    ssize_t n;

    if (pipe2(fds, O_CLOEXEC) < 0) {
        strbuf_addf(err, "cannot run %s: %s", argv[0], strerror(errno));
        return DESK_EIO;
    }
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fds[1], STDERR_FILENO);
    posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    if ((errno = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ)) != 0) {
        strbuf_addf(err, "cannot run %s: %s", argv[0], strerror(errno));
        posix_spawn_file_actions_destroy(&fa);
        close(fds[0]);
        close(fds[1]);
        return DESK_EIO;
    }
    posix_spawn_file_actions_destroy(&fa);
    close(fds[1]);
    while ((n = read(fds[0], buf, sizeof(buf))) > 0 || (n < 0 && errno == EINTR))
        if (n > 0 && out.len < TOOL_OUTPUT_MAX)
            strbuf_add(&out, buf, (size_t)n);
    close(fds[0]);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        rc = 0;
    else
        strbuf_addf(err, "%s failed: %.*s", argv[0], (int)strcspn(out.buf ? out.buf : "", "\n"),
                    out.buf ? out.buf : "");
    strbuf_release(&out);
    return rc;
}

/* The connection string of url with another database name, for the tools (-d). */
static int conninfo_with_db(const char *url, const char *dbname, struct strbuf *out)
{
    PQconninfoOption *opts = PQconninfoParse(url, NULL);

    if (!opts)
        return DESK_EINVAL;
    for (PQconninfoOption *o = opts; o->keyword; o++) {
        const char *v = !strcmp(o->keyword, "dbname") && dbname ? dbname : o->val;
        if (!v)
            continue;
        strbuf_addf(out, "%s%s='", out->len ? " " : "", o->keyword);
        for (const char *p = v; *p; p++) {
            if (*p == '\'' || *p == '\\')
                strbuf_addch(out, '\\');
            strbuf_addch(out, *p);
        }
        strbuf_addch(out, '\'');
    }
    PQconninfoFree(opts);
    return 0;
}

/* One command on a borrowed connection: 0, or DESK_EIO with the server's message. */
static int admin_run(struct pg_store *s, const char *sql, struct strbuf *err)
{
    struct pg_conn *c = PC(pg_get(&s->base));
    PGresult *r = conn_ok(c) ? PQexec(c->pg, sql) : NULL;
    int rc = 0;

    if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK) {
        const char *m = r ? PQresultErrorMessage(r) : "PostgreSQL does not answer";
        strbuf_addf(err, "%.*s", (int)strcspn(m, "\n"), m);
        rc = DESK_EIO;
    }
    PQclear(r);
    pg_put(&s->base, &c->base);
    return rc;
}

/*
 * Verify a dump by restoring it into a scratch database, which is dropped afterwards; where
 * the role may not create databases, by reading the archive's table of contents.
 */
static int verify_dump(struct pg_store *s, const char *path, struct strbuf *err)
{
    static atomic_uint made;
    struct strbuf sql = STRBUF_INIT, target = STRBUF_INIT, why = STRBUF_INIT;
    struct strbuf failed = STRBUF_INIT;
    char name[64];
    int rc;

    snprintf(name, sizeof(name), "svcdesk_verify_%d_%u", (int)getpid(), atomic_fetch_add(&made, 1));
    strbuf_addf(&sql, "CREATE DATABASE %s TEMPLATE template0", name);
    if (admin_run(s, sql.buf, &why) < 0) {
        char *argv[] = {"pg_restore", "--list", (char *)path, NULL};
        char q[256];
        log_warn("msg=\"backup checked by its table of contents only: cannot create a scratch "
                 "database\" error=\"%s\"",
                 log_quote(why.buf, q, sizeof(q)));
        rc = run_tool(argv, &failed);
        goto out;
    }
    conninfo_with_db(s->url, name, &target);
    {
        char *argv[] = {"pg_restore", "--exit-on-error", "--no-owner", "--single-transaction",
                        "-d", target.buf, (char *)path, NULL};
        rc = run_tool(argv, &failed);
    }
    strbuf_reset(&sql);
    strbuf_addf(&sql, "DROP DATABASE IF EXISTS %s WITH (FORCE)", name);
    strbuf_reset(&why);
    admin_run(s, sql.buf, &why);
out:
    if (rc < 0)
        strbuf_addf(err, "backup verification failed: %s", failed.buf);
    strbuf_release(&failed);
    strbuf_release(&sql);
    strbuf_release(&target);
    strbuf_release(&why);
    return rc;
}

static int pg_backup(struct store *st, const char *path, struct strbuf *err)
{
    struct pg_store *s = PS(st);
    struct strbuf target = STRBUF_INIT;
    int fd, rc;

    /* created here, 0600 and exclusively: it holds password and token hashes; pg_dump
       writes into it (an existing file keeps its mode) */
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0 && errno == EEXIST) {
        strbuf_addf(err, "backup file '%s' exists already", path);
        return DESK_ECONFLICT;
    }
    if (fd < 0) {
        strbuf_addf(err, "cannot create backup '%s': %s", path, strerror(errno));
        return DESK_EIO;
    }
    close(fd);
    conninfo_with_db(s->url, NULL, &target);
    {
        char *argv[] = {"pg_dump", "--format=custom", "--file", (char *)path, "-d", target.buf,
                        NULL};
        rc = run_tool(argv, err);
    }
    strbuf_release(&target);
    if (rc == 0)
        rc = verify_dump(s, path, err);
    if (rc < 0)
        unlink(path);
    return rc;
}

/* The password of the connection string url, or NULL when it has none (caller frees). */
static char *url_password(const char *url)
{
    PQconninfoOption *opts = PQconninfoParse(url, NULL);
    char *pw = NULL;

    for (PQconninfoOption *o = opts; o && o->keyword; o++)
        if (!strcmp(o->keyword, "password") && o->val && *o->val)
            pw = xstrdup(o->val);
    PQconninfoFree(opts);
    return pw;
}

static void pg_close(struct store *st)
{
    struct pg_store *s = PS(st);

    while (s->free_conns) {
        struct pg_conn *c = s->free_conns;
        s->free_conns = c->next;
        conn_free(c);
    }
    calcache_clear();
    pthread_mutex_destroy(&s->pool_mu);
    pthread_mutex_destroy(&s->state_mu);
    free(s->url);
    free(s->password);
    free(s);
}

int db_pg_open(const char *url, unsigned flags, struct store **out, struct strbuf *err)
{
    struct pg_store *s = xcalloc(1, sizeof(*s));
    struct pg_conn *c;
    int rc;

    s->base.drv = &pg_driver;
    s->url = xstrdup(url);
    s->app_name = flags & STORE_IN_USE ? APP_SERVE : APP_OTHER;
    s->password = url_password(url);
    pthread_mutex_init(&s->pool_mu, NULL);
    pthread_mutex_init(&s->state_mu, NULL);
    s->pool_max = pool_size();
    c = conn_new(s);
    s->nconns = 1;
    if (conn_connect(c) < 0) {
        const char *why = c->pg ? PQerrorMessage(c->pg) : "out of memory";
        strbuf_addf(err, "cannot connect to PostgreSQL: %.*s", (int)strcspn(why, "\n"), why);
        rc = DESK_EIO;
    } else {
        rc = migrate(s, c, flags, err);
    }
    pg_put(&s->base, &c->base);
    if (rc < 0) {
        pg_close(&s->base);
        return rc;
    }
    *out = &s->base;
    return 0;
}

/* Sessions of a serving svcdesk on the database of c (application_name, db_pg_open). */
static const char SQL_SERVERS[] =
    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND "
    "application_name = '" APP_SERVE "' AND pid <> pg_backend_pid()";

/*
 * Replace the database's contents by a pg_dump archive, in one transaction (pg_restore
 * --clean --single-transaction: all or nothing); refused while a server is connected.
 */
int db_pg_restore(const char *url, const char *file, struct strbuf *err)
{
    struct store *st = NULL;
    struct strbuf target = STRBUF_INIT;
    char *servers;
    int rc;

    if (access(file, R_OK) != 0) {
        strbuf_addf(err, "cannot open backup '%s': %s", file, strerror(errno));
        return DESK_EIO;
    }
    {
        char *argv[] = {"pg_restore", "--list", (char *)file, NULL};
        struct strbuf why = STRBUF_INIT;
        rc = run_tool(argv, &why);
        strbuf_release(&why);
        if (rc < 0) {
            strbuf_addf(err, "'%s' is not a PostgreSQL backup of svcdesk (pg_dump -Fc)", file);
            return DESK_EINVAL;
        }
    }
    if ((rc = db_pg_open(url, STORE_CREATE, &st, err)) < 0)
        return rc;
    {
        struct pg_conn *c = PC(pg_get(st));
        servers = conn_ok(c) ? query_value(c, SQL_SERVERS, 0, NULL, err) : NULL;
        pg_put(st, &c->base);
    }
    store_close(st);
    if (!servers)
        return DESK_EIO;
    rc = strcmp(servers, "0") ? DESK_ECONFLICT : 0;
    free(servers);
    if (rc < 0) {
        struct strbuf shown = STRBUF_INIT;
        store_url_redact(url, &shown); /* the message is printed: no password in it */
        strbuf_addf(err, "database '%s' is in use by a running 'svcdesk serve'; stop the server "
                         "first (every server on this database), then restore",
                    shown.buf);
        strbuf_release(&shown);
        return rc;
    }
    conninfo_with_db(url, NULL, &target);
    {
        char *argv[] = {"pg_restore", "--clean", "--if-exists", "--exit-on-error", "--no-owner",
                        "--single-transaction", "-d", target.buf, (char *)file, NULL};
        rc = run_tool(argv, err);
    }
    strbuf_release(&target);
    return rc;
}

static const struct db_driver pg_driver = {
    .name = "postgresql",
    .dialect = DB_POSTGRES,
    .close = pg_close,
    .schema_versions = pg_schema_versions,
    .degraded = pg_degraded,
    .why_unavailable = pg_why_unavailable,
    .integrity_check = pg_integrity_check,
    .backup = pg_backup,
    .write_stats = pg_write_stats,
    .connection_limit = pg_connection_limit,
    .get = pg_get,
    .put = pg_put,
    .write = pg_write,
    .changes = pg_changes,
    .prepare = pg_prepare,
    .prepare_uncached = pg_prepare_uncached,
    .finalize = pg_finalize,
    .bind_null = pg_bind_null,
    .bind_int = pg_bind_int,
    .bind_text = pg_bind_text,
    .bind_text_copy = pg_bind_text_copy,
    .bind_blob = pg_bind_blob,
    .step = pg_step,
    .reset = pg_reset,
    .col_null = pg_col_null,
    .col_int = pg_col_int,
    .col_double = pg_col_double,
    .col_text = pg_col_text,
    .col_blob = pg_col_blob,
};
