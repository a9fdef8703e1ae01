/*
 * db.c - the driver calls of db.h that also take a statement that could not be prepared.
 */
#include "core/compat.h"
#include "store/db.h"
#include "core/arena.h"
#include "core/err.h"

struct db_stmt *db_stmt(struct db_conn *c, const char *sql)
{
    return c->drv->prepare(c, sql);
}

struct db_stmt *db_stmt_uncached(struct db_conn *c, const char *sql)
{
    return c->drv->prepare_uncached(c, sql);
}

void db_stmt_free(struct db_stmt *s)
{
    if (s)
        s->drv->finalize(s);
}

void db_bind_text(struct db_stmt *s, int i, const char *v)
{
    if (s && v)
        s->drv->bind_text(s, i, v);
    else if (s)
        s->drv->bind_null(s, i);
}

void db_bind_text_copy(struct db_stmt *s, int i, const char *v)
{
    if (s)
        s->drv->bind_text_copy(s, i, v);
}

void db_bind_int(struct db_stmt *s, int i, int64_t v)
{
    if (s)
        s->drv->bind_int(s, i, v);
}

void db_bind_id(struct db_stmt *s, int i, int64_t id)
{
    if (s && id)
        s->drv->bind_int(s, i, id);
    else if (s)
        s->drv->bind_null(s, i);
}

void db_bind_null(struct db_stmt *s, int i)
{
    if (s)
        s->drv->bind_null(s, i);
}

void db_bind_blob(struct db_stmt *s, int i, const void *p, size_t n)
{
    if (s)
        s->drv->bind_blob(s, i, p ? p : "", n);
}

int db_step(struct db_stmt *s)
{
    return s ? s->drv->step(s) : DESK_EBUSY; /* NULL: the prepare failed (logged) */
}

int db_done(struct db_stmt *s, int rc)
{
    if (s)
        s->drv->reset(s);
    return rc;
}

int db_exec(struct db_stmt *s)
{
    int rc = db_step(s);
    return db_done(s, db_err(rc));
}

int db_insert(struct db_stmt *s, int64_t *id)
{
    int rc = db_step(s);

    *id = rc == DB_ROW ? s->drv->col_int(s, 0) : 0;
    return db_done(s, db_err(rc));
}

bool db_col_null(struct db_stmt *s, int i)
{
    return s->drv->col_null(s, i);
}

int64_t db_col_int(struct db_stmt *s, int i)
{
    return s->drv->col_int(s, i);
}

double db_col_double(struct db_stmt *s, int i)
{
    return s->drv->col_double(s, i);
}

const char *db_col_raw(struct db_stmt *s, int i)
{
    size_t len;
    return s->drv->col_text(s, i, &len);
}

const char *db_col_text_or_null(struct db_stmt *s, int i, struct arena *a)
{
    size_t len;
    const char *t = s->drv->col_text(s, i, &len);
    return t ? arena_memdup(a, t, len) : NULL;
}

const char *db_col_text(struct db_stmt *s, int i, struct arena *a)
{
    const char *t = db_col_text_or_null(s, i, a);
    return t ? t : "";
}

const void *db_col_blob(struct db_stmt *s, int i, size_t *len)
{
    return s->drv->col_blob(s, i, len);
}
