#include "helpers.h"
#include "core/crypto.h"
#include "http/router.h"
#include "store/store.h"
#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <strings.h>
#include <unistd.h>

/*
 * On PostgreSQL (SVCDESK_TEST_DB=postgres), a fresh database t_<pid>_<n> on the server of
 * SVCDESK_TEST_PG_URL (a URL ending in /postgres, as tests/pg.sh exports): path is its URL.
 */
static void pg_admin(const char *sql)
{
    const char *url = getenv("SVCDESK_TEST_PG_URL");
    PGconn *pg;
    PGresult *r;

    if (!url)
        fail_msg("SVCDESK_TEST_DB=postgres needs SVCDESK_TEST_PG_URL (tests/pg.sh)");
    pg = PQconnectdb(url);
    if (PQstatus(pg) != CONNECTION_OK)
        fail_msg("cannot connect to %s: %s", url, PQerrorMessage(pg));
    r = PQexec(pg, sql);
    if (PQresultStatus(r) != PGRES_COMMAND_OK)
        fail_msg("%s: %s", sql, PQresultErrorMessage(r));
    PQclear(r);
    PQfinish(pg);
}

struct store *tmp_store(char *path, size_t n)
{
    char dir[] = "/tmp/svcdesk-test-XXXXXX";
    struct strbuf err = STRBUF_INIT;
    struct store *st = NULL;

    assert_int_equal(crypto_setup(), 0);
    if (test_on_sqlite()) {
        assert_non_null(mkdtemp(dir));
        snprintf(path, n, "%s/t.db", dir);
    } else {
        static int made;
        const char *url = getenv("SVCDESK_TEST_PG_URL");
        char sql[128], name[64];

        snprintf(name, sizeof(name), "t_%d_%d", (int)getpid(), ++made);
        snprintf(sql, sizeof(sql), "CREATE DATABASE %s TEMPLATE template0", name);
        pg_admin(sql);
        snprintf(path, n, "%.*s/%s", (int)(strrchr(url, '/') - url), url, name);
    }
    if (store_open(path, STORE_CREATE | STORE_MIGRATE, &st, &err) < 0)
        fail_msg("store_open: %s", err.buf);
    strbuf_release(&err);
    return st;
}

void tmp_store_free(struct store *st, const char *path)
{
    char cmd[512];

    store_close(st);
    if (!test_on_sqlite()) {
        snprintf(cmd, sizeof(cmd), "DROP DATABASE %s WITH (FORCE)", strrchr(path, '/') + 1);
        pg_admin(cmd);
        snprintf(cmd, sizeof(cmd), "rm -rf /tmp/svcdesk-%s*", strrchr(path, '/') + 1);
        assert_int_equal(system(cmd), 0);
        return;
    }
    snprintf(cmd, sizeof(cmd), "rm -rf '%.*s'", (int)(strrchr(path, '/') - path), path);
    assert_int_equal(system(cmd), 0);
}

void tmp_store_file(const char *path, const char *suffix, char *out, size_t n)
{
    if (test_on_sqlite())
        snprintf(out, n, "%s%s", path, suffix);
    else
        snprintf(out, n, "/tmp/svcdesk-%s%s", strrchr(path, '/') + 1, suffix);
}

struct conf *test_conf(void)
{
    static struct conf conf;
    static bool ready;

    if (!ready) {
        conf_init(&conf);
        conf.sign_in_per_minute = 100000; /* the suites sign in often, all from "" */
        ready = true;
    }
    return &conf;
}

/* Fill the request's fields from method and path (with its ?query). */
static void request_init(struct exchange *x, struct store *st, const char *method,
                         const char *path)
{
    const char *q = strchr(path, '?');
    struct conf *conf = test_conf();

    memset(x, 0, sizeof(*x));
    x->req.arena = &x->arena;
    x->req.store = st;
    x->req.conf = conf;
    x->req.method = method;
    x->req.path = q ? arena_strndup(&x->arena, path, (size_t)(q - path)) : path;
    while (q && *q && x->req.nquery < REQ_MAX_QUERY) {
        const char *amp = strchr(q + 1, '&'), *eq;
        const char *end = amp ? amp : q + strlen(q);
        char *pair = arena_strndup(&x->arena, q + 1, (size_t)(end - q - 1));
        eq = strchr(pair, '=');
        if (eq)
            pair[eq - pair] = '\0';
        x->req.query[x->req.nquery++] = (struct kv){pair, eq ? eq + 1 : ""};
        q = amp;
    }
}

void exchange_run(struct exchange *x, struct store *st, const char *method, const char *path,
                  const char *body, const char *token)
{
    request_init(x, st, method, path);
    if (token) {
        x->req.headers[x->req.nheaders++] =
            (struct kv){"Authorization", arena_sprintf(&x->arena, "Bearer %s", token)};
    }
    x->req.body = body;
    x->req.body_len = body ? strlen(body) : 0;
    route_dispatch(&x->req, &x->res);
    if (x->res.content_type && !strcmp(x->res.content_type, "application/json"))
        x->json = json_loadb(x->res.body.buf, x->res.body.len, 0, NULL);
}

void exchange_page(struct exchange *x, struct store *st, const char *method, const char *path,
                   const char *cookie, const char *const *form, const char *const *extra)
{
    request_init(x, st, method, path);
    if (cookie)
        x->req.headers[x->req.nheaders++] = (struct kv){"Cookie", cookie};
    for (size_t i = 0; extra && extra[i]; i++) {
        const char *colon = strchr(extra[i], ':');
        x->req.headers[x->req.nheaders++] = (struct kv){
            arena_strndup(&x->arena, extra[i], (size_t)(colon - extra[i])), colon + 2};
    }
    for (size_t i = 0; form && form[i] && form[i + 1]; i += 2)
        x->req.form[x->req.nform++] =
            (struct form_field){form[i], form[i + 1], strlen(form[i + 1]), NULL, NULL, false};
    route_dispatch(&x->req, &x->res);
    if (x->res.content_type && !strcmp(x->res.content_type, "application/json"))
        x->json = json_loadb(x->res.body.buf, x->res.body.len, 0, NULL);
}

const char *res_header_value(const struct res *res, const char *name)
{
    for (size_t i = 0; i < res->nheaders; i++)
        if (!strcasecmp(res->headers[i].key, name))
            return res->headers[i].value;
    return NULL;
}

void exchange_release(struct exchange *x)
{
    json_decref(x->json);
    res_release(&x->res);
    arena_release(&x->arena);
}

/* ---- sqlite-only: reading and writing the SQLite file behind the store's back ---- */

bool test_on_sqlite(void)
{
    const char *db = getenv("SVCDESK_TEST_DB");

    return !db || !*db || !strcmp(db, "sqlite");
}

static sqlite3_stmt *sqlite_only_prepare(const char *path, const char *sql, sqlite3 **db)
{
    sqlite3_stmt *s;

    assert_true(test_on_sqlite());
    assert_int_equal(sqlite3_open(path, db), SQLITE_OK);
    sqlite3_busy_timeout(*db, 5000);
    if (sqlite3_prepare_v2(*db, sql, -1, &s, NULL) != SQLITE_OK)
        fail_msg("bad test SQL: %s: %s", sql, sqlite3_errmsg(*db));
    return s;
}

int64_t sqlite_only_int(const char *path, const char *sql)
{
    sqlite3 *db;
    sqlite3_stmt *s = sqlite_only_prepare(path, sql, &db);
    int64_t n = 0;

    if (sqlite3_step(s) == SQLITE_ROW)
        n = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    sqlite3_close(db);
    return n;
}

char *sqlite_only_text(const char *path, const char *sql, char *out, size_t n)
{
    sqlite3 *db;
    sqlite3_stmt *s = sqlite_only_prepare(path, sql, &db);

    out[0] = '\0';
    if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0))
        snprintf(out, n, "%s", (const char *)sqlite3_column_text(s, 0));
    sqlite3_finalize(s);
    sqlite3_close(db);
    return out;
}

void sqlite_only_exec(const char *path, const char *sql)
{
    sqlite3 *db;
    char *err = NULL;

    assert_true(test_on_sqlite());
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
        fail_msg("bad test SQL: %s: %s", sql, err ? err : "?");
    sqlite3_free(err);
    sqlite3_close(db);
}
