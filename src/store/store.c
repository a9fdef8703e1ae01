/*
 * store.c - opening a store on the driver its URL names, and what every driver answers
 * alike (see store.h for the contract; the entity functions live in src/store/<entity>.c).
 */
#include "core/compat.h"
#include "store/store.h"
#include "core/err.h"
#include "store/db.h"

bool store_url_is_postgres(const char *url)
{
    return !strncmp(url, "postgres://", 11) || !strncmp(url, "postgresql://", 13);
}

int store_open(const char *url, unsigned flags, struct store **out, struct strbuf *err)
{
    if (store_url_is_postgres(url))
        return db_pg_open(url, flags, out, err);
    return db_sqlite_open(url, flags, out, err);
}

void store_url_redact(const char *url, struct strbuf *out)
{
    const char *p = strstr(url, "://"), *end, *at, *colon, *q;

    if (!store_url_is_postgres(url) || !p) {
        strbuf_addstr(out, url);
        return;
    }
    p += 3;
    end = p + strcspn(p, "/?");
    at = memrchr(p, '@', (size_t)(end - p));
    colon = at ? memchr(p, ':', (size_t)(at - p)) : NULL;
    if (colon) {
        strbuf_add(out, url, (size_t)(colon + 1 - url));
        strbuf_addstr(out, "***");
        p = at;
    } else {
        strbuf_add(out, url, (size_t)(p - url));
    }
    /* every password= parameter, not only the first "password=" in the text */
    for (q = strstr(p, "password="); q; q = strstr(q, "password=")) {
        if (q[-1] != '?' && q[-1] != '&') { /* part of another name or value */
            q += 9;
            continue;
        }
        strbuf_add(out, p, (size_t)(q + 9 - p));
        strbuf_addstr(out, "***");
        p = q = q + 9 + strcspn(q + 9, "&");
    }
    strbuf_addstr(out, p);
}

int store_restore(const char *url, const char *file, struct strbuf *err)
{
    if (store_url_is_postgres(url))
        return db_pg_restore(url, file, err);
    return db_sqlite_restore(url, file, err);
}

void store_close(struct store *st)
{
    if (st)
        st->drv->close(st);
}

void store_schema_versions(struct store *st, int *db_version, int *binary_version)
{
    st->drv->schema_versions(st, db_version, binary_version);
}

/* Reads a table (pages of the file), so that a file gone bad is seen, not just the driver. */
static const char SQL_PING[] = "SELECT count(*) FROM schema_migrations";

int store_ping(struct store *st, struct strbuf *why)
{
    struct db_conn *c = db_get(st);
    struct db_stmt *s = db_stmt(c, SQL_PING);
    int rc = db_step(s);

    rc = db_done(s, db_err(rc));
    db_put(st, c);
    if (rc < 0 && why && st->drv->why_unavailable)
        st->drv->why_unavailable(st, why);
    return rc < 0 ? DESK_EBUSY : 0;
}

bool store_degraded(struct store *st, struct strbuf *why)
{
    return st->drv->degraded(st, why);
}

int store_integrity_check(struct store *st, struct strbuf *err)
{
    return st->drv->integrity_check(st, err);
}

int store_backup(struct store *st, const char *path, struct strbuf *err)
{
    return st->drv->backup(st, path, err);
}

int store_connection_limit(struct store *st)
{
    return st->drv->connection_limit ? st->drv->connection_limit(st) : 0;
}

void store_set_disk_reserve(struct store *st, uint64_t bytes)
{
    if (st->drv->set_disk_reserve)
        st->drv->set_disk_reserve(st, bytes);
}

void store_write_stats(struct store *st, uint64_t *commits, uint64_t *writes)
{
    st->drv->write_stats(st, commits, writes);
}
