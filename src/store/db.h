/*
 * db.h - the store's database driver: connections, statements, writes (private to src/store).
 *
 * The store's functions (src/store/<entity>.c) are written once against this interface;
 * a driver (db_sqlite.c today) implements it. The store holds its driver first, so that
 * every call below reaches the driver that opened it:
 *
 *     struct db_conn *c = db_get(st);              borrow a connection for a read
 *     struct db_stmt *s = db_stmt(c, SQL_X);        the cached statement of SQL_X
 *     db_bind_int(s, 1, id);
 *     while ((rc = db_step(s)) == DB_ROW) ... db_col_int(s, 0) ...
 *     rc = db_done(s, db_err(rc));                  reset; DB_DONE and DB_ROW give 0
 *     db_put(st, c);
 *
 * and a write is a function run by db_write() inside a transaction of its own
 * (db_write_fn). Errors are desk_err values, mapped and logged by the driver once:
 * a uniqueness or primary-key violation is DESK_ECONFLICT, a foreign key DESK_ENOTFOUND,
 * another constraint DESK_EINVAL; every failure of the database itself (busy, locked,
 * full, I/O, damaged, a statement that cannot be prepared, a connection that cannot
 * open) is DESK_EBUSY, which the API answers 503 with Retry-After.
 *
 * SQL is written once, in the portable subset both SQLite and PostgreSQL run: placeholders
 * ? and ?N (a driver rewrites them as its dialect needs), RETURNING for new ids,
 * ON CONFLICT for upserts, explicit CAST where a type cannot be inferred. The few
 * statements a dialect must say otherwise (full-text search, JSON lists) are written
 * twice, SQL_<NAME>_SQLITE and SQL_<NAME>_PG beside the function that uses them, which
 * picks one by db_dialect().
 */
#ifndef STORE_DB_H
#define STORE_DB_H

#include "core/compat.h"
#include "core/strbuf.h"

struct arena;
struct store;
struct db_driver;

/* The isolation of a write (db_write, db_write_new_rows). */
enum db_isolation { DB_SERIALIZABLE, DB_SNAPSHOT };

/* What a driver's connection and statement begin with (a driver embeds it first). */
struct db_conn {
    const struct db_driver *drv;
    uint64_t write_scope; /* 0 on a read; while a write runs, a number no other write had */
};
struct db_stmt {
    const struct db_driver *drv;
};

/* A write: runs inside a transaction on a connection of the driver's; 0 or a desk_err. */
typedef int (*db_write_fn)(struct db_conn *c, void *arg);

/* db_step's results besides errors (negative desk_err). */
enum { DB_ROW = 100, DB_DONE = 101 };

/* ---- what a driver implements ---------------------------------------------------- */

/* The SQL dialect a driver speaks (db_dialect), for the few statements written twice. */
enum db_dialect { DB_SQLITE, DB_POSTGRES };

struct db_driver {
    const char *name;
    enum db_dialect dialect;
    /* the database */
    void (*close)(struct store *st);
    void (*schema_versions)(struct store *st, int *db_version, int *binary_version);
    bool (*degraded)(struct store *st, struct strbuf *why);
    /* append the last reason the database failed, for people (no secrets); NULL: none */
    void (*why_unavailable)(struct store *st, struct strbuf *why);
    int (*integrity_check)(struct store *st, struct strbuf *err);
    int (*backup)(struct store *st, const char *path, struct strbuf *err);
    void (*write_stats)(struct store *st, uint64_t *commits, uint64_t *writes);
    int (*connection_limit)(struct store *st); /* NULL: none (store_connection_limit) */
    void (*set_disk_reserve)(struct store *st, uint64_t bytes); /* NULL: not a local file */
    /* connections and transactions */
    struct db_conn *(*get)(struct store *st);
    void (*put)(struct store *st, struct db_conn *c);
    int (*write)(struct store *st, db_write_fn fn, void *arg, enum db_isolation level);
    int64_t (*changes)(struct db_conn *c);
    /* statements: prepare returns NULL when it cannot (logged); the rest never see NULL */
    struct db_stmt *(*prepare)(struct db_conn *c, const char *sql);
    /* a statement of SQL text made at run time, not cached (NULL as prepare), and its end */
    struct db_stmt *(*prepare_uncached)(struct db_conn *c, const char *sql);
    void (*finalize)(struct db_stmt *s);
    void (*bind_null)(struct db_stmt *s, int i);
    void (*bind_int)(struct db_stmt *s, int i, int64_t v);
    void (*bind_text)(struct db_stmt *s, int i, const char *v);
    void (*bind_text_copy)(struct db_stmt *s, int i, const char *v);
    void (*bind_blob)(struct db_stmt *s, int i, const void *p, size_t n);
    int (*step)(struct db_stmt *s);
    void (*reset)(struct db_stmt *s);
    bool (*col_null)(struct db_stmt *s, int i);
    int64_t (*col_int)(struct db_stmt *s, int i);
    double (*col_double)(struct db_stmt *s, int i);
    const char *(*col_text)(struct db_stmt *s, int i, size_t *len);
    const void *(*col_blob)(struct db_stmt *s, int i, size_t *len);
};

/* What a store begins with: its driver (a driver's own state embeds it first). */
struct store {
    const struct db_driver *drv;
};

/* The SQLite driver (db_sqlite.c): path is a file. */
int db_sqlite_open(const char *path, unsigned flags, struct store **out, struct strbuf *err);
int db_sqlite_restore(const char *path, const char *file, struct strbuf *err);
/* The PostgreSQL driver (db_pg.c): url is postgres:// or postgresql://. */
int db_pg_open(const char *url, unsigned flags, struct store **out, struct strbuf *err);
int db_pg_restore(const char *url, const char *file, struct strbuf *err);

/* ---- what the store's functions call ----------------------------------------------- */

/* Borrow a connection for reads (blocks while all are busy); give it back with db_put. */
static inline struct db_conn *db_get(struct store *st)
{
    return st->drv->get(st);
}
static inline void db_put(struct store *st, struct db_conn *c)
{
    st->drv->put(st, c);
}
/*
 * Run fn(c, arg) in a transaction and return its result once committed; fn's changes are
 * undone when it fails. fn may run again after a conflict with another writer, so it must
 * have no effect outside the transaction (no mail sent, no file written, no process state
 * changed): what it does outside is done by the caller after db_write returns 0.
 */
static inline int db_write(struct store *st, db_write_fn fn, void *arg)
{
    return st->drv->write(st, fn, arg, DB_SERIALIZABLE);
}
/*
 * db_write for a write that only inserts rows and changes rows it inserted itself (a new
 * request, with its history, audit entry and notices): no other transaction can change what
 * it changes, so no update of it can be lost, and what it reads (organisations, agreements,
 * policies, calendars) it does not write, so a concurrent change of those orders it before
 * or after that change. On PostgreSQL it runs at REPEATABLE READ (one snapshot, a row
 * changed by another transaction meanwhile is a serialization failure and runs again)
 * instead of SERIALIZABLE, whose predicate locks cancel most concurrent creations: each
 * reads its new row back through the index page the others insert into (measured in
 * docs/benchmarks.md). Its reads of rows it did not insert are committed data, so on
 * PostgreSQL its write scope is 0 (a calendar compiled for it serves every request); fn must
 * not insert calendars. SQLite has one writer, whose batches share a transaction: the same
 * as db_write there.
 */
static inline int db_write_new_rows(struct store *st, db_write_fn fn, void *arg)
{
    return st->drv->write(st, fn, arg, DB_SNAPSHOT);
}
/*
 * 0 when c reads committed data only; while a write function runs on c, a number unique to
 * that run in this process. What a write computes from the rows it sees may be cached under
 * its scope only: those rows are not committed, may be rolled back, and their version
 * numbers may then come again with other contents (calcache.h).
 */
static inline uint64_t db_write_scope(const struct db_conn *c)
{
    return c->write_scope;
}
/* The dialect of c: a statement written per dialect picks SQL_<NAME>_SQLITE or _PG by it. */
static inline enum db_dialect db_dialect(const struct db_conn *c)
{
    return c->drv->dialect;
}
/* Rows the last INSERT, UPDATE or DELETE on c changed. */
static inline int64_t db_changes(struct db_conn *c)
{
    return c->drv->changes(c);
}

/*
 * The statement of the SQL constant sql on c, prepared once per connection and cached by
 * the constant's address (always pass the named constant). NULL when it cannot be prepared:
 * binding NULL does nothing and stepping it answers DESK_EBUSY.
 */
struct db_stmt *db_stmt(struct db_conn *c, const char *sql);

/*
 * A statement of SQL text made at run time (store_copy: names read from the schema), which
 * db_stmt must not see: its cache keys on the address, which a freed buffer's next contents
 * would share. The text is copied; the statement is prepared anew on each call, is not
 * shared, and must be given back with db_stmt_free (NULL is ignored). NULL when it cannot
 * be prepared, as db_stmt. Names in it must be quoted as identifiers, values bound.
 */
struct db_stmt *db_stmt_uncached(struct db_conn *c, const char *sql);
void db_stmt_free(struct db_stmt *s);

/* Parameters of a statement at most (the PostgreSQL driver's arrays). */
#define DB_PARAMS_MAX 64

/* Bind parameter i (from 1): text and blob are used as they are, so keep them alive until
   db_done; text NULL binds NULL; _id binds NULL for 0. */
void db_bind_text(struct db_stmt *s, int i, const char *v);
/* Bind a copy of v (for a buffer that ends before db_done). */
void db_bind_text_copy(struct db_stmt *s, int i, const char *v);
void db_bind_int(struct db_stmt *s, int i, int64_t v);
void db_bind_id(struct db_stmt *s, int i, int64_t id);
void db_bind_null(struct db_stmt *s, int i);
void db_bind_blob(struct db_stmt *s, int i, const void *p, size_t n);

/* DB_ROW, DB_DONE, or a negative desk_err (mapped and logged by the driver). */
int db_step(struct db_stmt *s);
/* Reset s and clear its bindings; returns rc unchanged (for tail calls). */
int db_done(struct db_stmt *s, int rc);
/* 0 for DB_ROW and DB_DONE, else rc: the error of a step. */
static inline int db_err(int rc)
{
    return rc < 0 ? rc : 0;
}
/* Step a statement that returns no row and reset it: 0 or the error. */
int db_exec(struct db_stmt *s);
/* Step an INSERT ... RETURNING id, set *id (0: no row, as after ON CONFLICT DO NOTHING)
   and reset it: 0 or the error. */
int db_insert(struct db_stmt *s, int64_t *id);

/* Column i (from 0) of the current row. Text: NULL for NULL, valid until the next step
   (db_col_text copies into the arena, "" for NULL unless _or_null). */
bool db_col_null(struct db_stmt *s, int i);
int64_t db_col_int(struct db_stmt *s, int i);
double db_col_double(struct db_stmt *s, int i);
const char *db_col_raw(struct db_stmt *s, int i);
const char *db_col_text(struct db_stmt *s, int i, struct arena *a);
const char *db_col_text_or_null(struct db_stmt *s, int i, struct arena *a);
const void *db_col_blob(struct db_stmt *s, int i, size_t *len);

#endif
