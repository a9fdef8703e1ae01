/*
 * helpers.h - fixtures shared by the unit suites: a temporary SQLite store,
 * and an in-process HTTP exchange (the router with a fake request, no sockets).
 */
#ifndef TEST_HELPERS_H
#define TEST_HELPERS_H

#include "test.h"
#include "http/http.h"

struct store;

/*
 * The settings every in-process request sees: the defaults, with
 * sign-in-per-minute raised (tests may change fields and must restore them).
 */
struct conf *test_conf(void);
/* A fresh initialised store in a temporary folder; its path in path (size n). */
struct store *tmp_store(char *path, size_t n);
/* Close the store and remove its folder. */
void tmp_store_free(struct store *st, const char *path);
/* A file path beside the store of path, ending in suffix (a backup, a copy): in its folder on
   SQLite, in /tmp named after the database on PostgreSQL; tmp_store_free removes it. */
void tmp_store_file(const char *path, const char *suffix, char *out, size_t n);

struct exchange {
    struct arena arena; /* the request's memory */
    struct req req;     /* built by exchange_run */
    struct res res;     /* the answer */
    json_t *json;       /* the answer parsed, when JSON */
};

/*
 * Run one request through the router: method, path (may hold ?query),
 * body (NULL for none), bearer token (NULL for none). The answer is in
 * x->res and x->json; release with exchange_release.
 */
void exchange_run(struct exchange *x, struct store *st, const char *method, const char *path,
                  const char *body, const char *token);
void exchange_release(struct exchange *x);
/*
 * Run one page request: as exchange_run, with a Cookie header (NULL for
 * none) and a posted form given as name, value pairs ending with NULL
 * (form may be NULL). Further headers as "Name: value" strings in extra
 * (NULL-terminated, may be NULL).
 */
void exchange_page(struct exchange *x, struct store *st, const char *method, const char *path,
                   const char *cookie, const char *const *form, const char *const *extra);
/* The value of response header name (the first when repeated; any case), or NULL. */
const char *res_header_value(const struct res *res, const char *name);

/*
 * The backend under test. Tests reach the database through the store's public
 * functions (store/store.h) or the router; what only the SQLite file shows (its
 * pages, its internals, a table no function reads) goes through the sqlite_only_*
 * calls below, each use marked with a comment "sqlite-only: REASON" and behind
 * test_on_sqlite(), or the whole test starts with SQLITE_ONLY() (docs/testing.md).
 */
/* True unless SVCDESK_TEST_DB names another backend than sqlite (unset: sqlite). */
bool test_on_sqlite(void);
/* Skip the calling test (cmocka skip()) unless the backend is SQLite. */
#define SQLITE_ONLY()                                                                              \
    do {                                                                                           \
        if (!test_on_sqlite())                                                                     \
            skip();                                                                                \
    } while (0)
/* The first column of the first row of sql on the SQLite file path (0: no row). */
int64_t sqlite_only_int(const char *path, const char *sql);
/* The same as text, in a buffer of the caller (n bytes; "" for no row or NULL); returns out. */
char *sqlite_only_text(const char *path, const char *sql, char *out, size_t n);
/* Run sql (one or more statements) on the SQLite file path; a failure fails the test. */
void sqlite_only_exec(const char *path, const char *sql);

#endif
