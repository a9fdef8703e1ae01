#include "helpers.h"
#include "core/crypto.h"
#include "core/err.h"
#include "core/time.h"
#include "domain/account.h"
#include "domain/sla.h"
#include "store/calcache.h"
#include "store/db.h"
#include "store/store.h"
#include <pthread.h>
#include <sqlite3.h>

/* The accounts the store lists (as the system, every page). */
static size_t accounts(struct store *st)
{
    struct caller sys = CALLER_SYSTEM;
    struct store_page pg = {0, 1000, false};
    struct account *items;
    struct arena a = ARENA_INIT;
    size_t nr, total = 0;

    do {
        assert_int_equal(store_account_list(st, &sys, &pg, &items, &nr, &a), 0);
        total += nr;
        if (nr)
            pg.after = items[nr - 1].user.id;
    } while (pg.more);
    arena_release(&a);
    return total;
}

static void test_users_and_audit(void **state)
{
    char path[256];
    struct store *st = tmp_store(path, sizeof(path));
    struct caller sys = CALLER_SYSTEM;
    struct user u = {0, "Agent@Example.test", "Agent Smith", ROLE_AGENT, 0, 0, false, NULL, NULL}, got;
    struct user dup = {0, "agent@example.TEST", "Other", ROLE_AGENT, 0, 0, false, NULL, NULL};
    struct user orphan = {0, "c@example.test", "Customer", ROLE_CUSTOMER, 4242, 0, false, NULL, NULL};
    struct arena a = ARENA_INIT;
    const char *hash;
    bool created;

    (void)state;
    assert_int_equal(store_user_create(st, &sys, &u, "h"), 0);
    assert_true(u.id > 0);
    assert_int_equal(store_user_create(st, &sys, &dup, "h"), DESK_ECONFLICT);
    assert_int_equal(store_user_create(st, &sys, &orphan, "h"), DESK_ENOTFOUND);
    assert_int_equal(store_user_by_email(st, "AGENT@example.test", &got, &hash, &a), 0);
    assert_int_equal(got.id, u.id);
    assert_string_equal(got.name, "Agent Smith");
    assert_int_equal(got.role, ROLE_AGENT);
    assert_string_equal(hash, "h");
    assert_int_equal(store_user_by_email(st, "nobody@example.test", &got, NULL, &a),
                     DESK_ENOTFOUND);
    assert_int_equal(store_admin_ensure(st, "root@example.test", "h1", &created), 0);
    assert_true(created);
    assert_int_equal(store_admin_ensure(st, "ROOT@example.test", "h2", &created), 0);
    assert_false(created);
    assert_int_equal(store_user_by_email(st, "root@example.test", &got, &hash, &a), 0);
    assert_string_equal(hash, "h1"); /* the second init left the password alone */
    assert_int_equal(store_admin_ensure(st, "agent@example.test", "h", &created),
                     DESK_ECONFLICT);
    /* failed writes stored nothing */
    assert_int_equal(accounts(st), 2);
    /* sqlite-only: one audit row per stored change; the audit log has no read function */
    if (test_on_sqlite())
        assert_int_equal(
            sqlite_only_int(path, "SELECT count(*) FROM audit_log WHERE entity = 'user'"), 2);
    arena_release(&a);
    tmp_store_free(st, path);
}

static void test_tokens(void **state)
{
    char path[256], text[TOKEN_TEXT_LEN + 1];
    uint8_t hash[TOKEN_HASH_LEN], other[TOKEN_HASH_LEN];
    struct store *st = tmp_store(path, sizeof(path));
    struct arena a = ARENA_INIT;
    struct user u;
    bool created;

    (void)state;
    assert_int_equal(store_admin_ensure(st, "root@example.test", "h", &created), 0);
    assert_int_equal(store_user_by_email(st, "root@example.test", &u, NULL, &a), 0);
    token_new(text, hash);
    token_new(text, other);
    assert_int_equal(store_token_create(st, u.id, hash, 1000, 2000), 0);
    assert_int_equal(store_token_user(st, hash, 1999, &u, &a), 0);
    assert_string_equal(u.email, "root@example.test");
    assert_int_equal(store_token_user(st, hash, 2000, &u, &a), DESK_EUNAUTH); /* expired */
    assert_int_equal(store_token_user(st, other, 1500, &u, &a), DESK_EUNAUTH);
    assert_int_equal(store_token_revoke(st, hash, 1500), 0);
    assert_int_equal(store_token_user(st, hash, 1501, &u, &a), DESK_EUNAUTH);
    assert_int_equal(store_token_revoke(st, hash, 1502), DESK_EUNAUTH);
    /*
     * sqlite-only: tokens that ended a month before a new one is made are gone, so the table
     * stays small; no function reads ended tokens
     */
    if (test_on_sqlite())
        assert_int_equal(sqlite_only_int(path, "SELECT count(*) FROM tokens"), 1);
    assert_int_equal(store_token_create(st, u.id, other, 1502 + 30 * 86400, 1502 + 60 * 86400), 0);
    if (test_on_sqlite())
        assert_int_equal(sqlite_only_int(path, "SELECT count(*) FROM tokens"), 1);
    assert_int_equal(store_token_user(st, other, 1502 + 30 * 86400 + 1, &u, &a), 0);
    arena_release(&a);
    tmp_store_free(st, path);
}

#define WRITERS 8
#define WRITES_EACH 150

struct writer_arg {
    struct store *st;
    int n;
    int failures;
};

static void *writer(void *p)
{
    struct writer_arg *w = p;
    struct caller sys = CALLER_SYSTEM;
    char email[64];

    for (int i = 0; i < WRITES_EACH; i++) {
        struct user u = {0, email, "Agent", ROLE_AGENT, 0, 0, false, NULL, NULL};
        snprintf(email, sizeof(email), "a%d-%d@example.test", w->n, i);
        if (store_user_create(w->st, &sys, &u, NULL) < 0)
            w->failures++;
        /* every writer also tries a duplicate: it must fail alone, not its batch */
        u.email = "dup@example.test";
        store_user_create(w->st, &sys, &u, NULL);
    }
    return NULL;
}

static void test_group_commit(void **state)
{
    char path[256];
    struct store *st = tmp_store(path, sizeof(path));
    pthread_t t[WRITERS];
    struct writer_arg args[WRITERS];
    uint64_t commits, writes;

    (void)state;
    for (int i = 0; i < WRITERS; i++) {
        args[i] = (struct writer_arg){st, i, 0};
        pthread_create(&t[i], NULL, writer, &args[i]);
    }
    for (int i = 0; i < WRITERS; i++) {
        pthread_join(t[i], NULL);
        assert_int_equal(args[i].failures, 0);
    }
    store_write_stats(st, &commits, &writes);
    assert_int_equal(writes, 2 * WRITERS * WRITES_EACH);
    /* sqlite-only: concurrent writes shared transactions (group commit; PostgreSQL runs each
       in its own) */
    if (test_on_sqlite())
        assert_true(commits < writes);
    assert_int_equal(accounts(st), WRITERS * WRITES_EACH + 1);
    tmp_store_free(st, path);
}

static void test_schema_guards(void **state)
{
    char path[256];
    struct strbuf err = STRBUF_INIT;
    struct store *st = tmp_store(path, sizeof(path)), *again = NULL;
    int dbv, binv;

    (void)state;
    store_schema_versions(st, &dbv, &binv);
    assert_int_equal(dbv, binv);
    assert_true(binv >= 1);
    store_close(st);
    assert_int_equal(store_open("/nonexistent/dir/x.db", 0, &again, &err), DESK_ENOTFOUND);
    assert_non_null(strstr(err.buf, "svcdesk init"));
    strbuf_reset(&err);
    /* sqlite-only: a schema from the future is made by writing schema_migrations in the file */
    if (test_on_sqlite()) {
        sqlite_only_exec(path, "INSERT INTO schema_migrations VALUES (9999, 'future', 0)");
        assert_int_equal(store_open(path, STORE_MIGRATE, &again, &err), DESK_EIO);
        assert_non_null(strstr(err.buf, "newer than this svcdesk"));
        assert_null(again);
    }
    strbuf_release(&err);
    st = tmp_store(path, sizeof(path));
    tmp_store_free(st, path);
}

static void test_backup_and_restore(void **state)
{
    char path[256], bak[300], restored[256];
    struct strbuf err = STRBUF_INIT;
    struct store *st = tmp_store(path, sizeof(path)), *back;
    struct arena a = ARENA_INIT;
    struct user u;
    bool created;

    (void)state;
    assert_int_equal(store_admin_ensure(st, "root@example.test", "h", &created), 0);
    tmp_store_file(path, ".bak", bak, sizeof(bak));
    store_close(tmp_store(restored, sizeof(restored))); /* a database to restore into */
    assert_int_equal(store_backup(st, bak, &err), 0);
    assert_int_equal(store_backup(st, bak, &err), DESK_ECONFLICT); /* never overwrites */
    assert_int_equal(store_restore(restored, bak, &err), 0);
    assert_int_equal(store_open(restored, STORE_MIGRATE, &back, &err), 0);
    assert_int_equal(store_integrity_check(back, &err), 0);
    assert_int_equal(store_user_by_email(back, "root@example.test", &u, NULL, &a), 0);
    store_close(back);
    strbuf_reset(&err);
    assert_int_not_equal(store_restore(restored, "/etc/hostname", &err), 0);
    assert_true(err.len > 0);
    arena_release(&a);
    strbuf_release(&err);
    assert_int_equal(store_open(restored, 0, &back, &err), 0);
    tmp_store_free(back, restored);
    tmp_store_free(st, path);
}

static void test_job_lease(void **state)
{
    char path[256];
    struct store *st = tmp_store(path, sizeof(path));
    bool got;

    (void)state;
    assert_int_equal(store_job_lease(st, "backup", "a", 1000, 600, 900, &got), 0);
    assert_true(got);
    assert_int_equal(store_job_lease(st, "backup", "b", 1001, 600, 900, &got), 0);
    assert_false(got); /* a holds it */
    assert_int_equal(store_job_done(st, "backup", "a", 1002), 0);
    assert_int_equal(store_job_lease(st, "backup", "b", 1003, 600, 900, &got), 0);
    assert_false(got); /* ran at 1002, not due again until after it */
    assert_int_equal(store_job_lease(st, "backup", "b", 1003, 600, 1003, &got), 0);
    assert_true(got);
    assert_int_equal(store_job_lease(st, "backup", "a", 1004, 600, 1003, &got), 0);
    assert_false(got);
    assert_int_equal(store_job_lease(st, "backup", "a", 1003 + 600, 600, 1003, &got), 0);
    assert_true(got); /* b's lease ran out */
    tmp_store_free(st, path);
}

/* Far more distinct statements than any fixed table held: none aborts, each answers. */
static char many_sql[1000][48];

/* The driver's statement cache (store/db.h), through the driver interface: any backend. */
static void test_statement_cache_grows(void **state)
{
    char path[256];
    struct store *st = tmp_store(path, sizeof(path));
    struct db_conn *c;
    struct db_stmt *s;

    (void)state;
    c = db_get(st);
    for (int round = 0; round < 2; round++) /* the second round finds each one cached */
        for (int i = 0; i < 1000; i++) {
            if (!round)
                snprintf(many_sql[i], sizeof(many_sql[i]), "SELECT %d", i);
            s = db_stmt(c, many_sql[i]);
            assert_non_null(s);
            assert_int_equal(db_step(s), DB_ROW);
            assert_int_equal(db_col_int(s, 0), i);
            assert_int_equal(db_done(s, 0), 0);
        }
    /* a statement that cannot be prepared is an answer (503), not an abort */
    s = db_stmt(c, "SELECT * FROM no_such_table");
    assert_null(s);
    assert_int_equal(db_exec(s), DESK_EBUSY);
    db_put(st, c);
    tmp_store_free(st, path);
}

/* The compiled calendars are a bounded cache: old ones go, a held one stays valid. */
static void test_calendar_cache_bounded(void **state)
{
    const char *def = "{\"timezone\": \"Europe/Copenhagen\", \"hours\": {\"mon\": [\"08:00-16:00\"]}}";
    struct arena held = ARENA_INIT, a = ARENA_INIT;
    const struct calendar *first;

    (void)state;
    first = calcache_add(1, 1, 0, def, &held);
    assert_non_null(first);
    for (int64_t id = 2; id <= 400; id++) {
        assert_non_null(calcache_add(id, 1, 0, def, &a));
        arena_release(&a);
    }
    assert_null(calcache_find(1, 1, 0, &a));      /* evicted long ago */
    assert_non_null(calcache_find(400, 1, 0, &a)); /* the newest is there */
    assert_non_null(calcache_find(300, 1, 0, &a));
    arena_release(&a);
    /* still usable while held (ASan would see a freed one): Monday 2026-11-23, 8 h of work */
    int64_t secs = 0;
    assert_int_equal(sla_elapsed(first, 1795388400, 1795388400 + 86400, &secs), 0);
    assert_int_equal(secs, 8 * 3600);
    arena_release(&held);
    calcache_clear();
}

/*
 * What a write compiled is its own: the write may be rolled back, and the next change of
 * the calendar then has the same version with other hours. Neither reads nor later writes
 * see it; the committed version compiles afresh.
 */
static void test_calendar_cache_write_scope(void **state)
{
    const char *mon = "{\"timezone\": \"UTC\", \"hours\": {\"mon\": [\"08:00-16:00\"]}}";
    const char *tue = "{\"timezone\": \"UTC\", \"hours\": {\"tue\": [\"08:00-16:00\"]}}";
    struct arena a = ARENA_INIT;
    const struct calendar *rolled, *committed;
    int64_t secs = -1;

    (void)state;
    rolled = calcache_add(7, 2, 41, mon, &a); /* write 41 saw version 2 = Mondays */
    assert_non_null(rolled);
    assert_ptr_equal(calcache_find(7, 2, 41, &a), rolled);
    assert_null(calcache_find(7, 2, 0, &a)); /* not for reads */
    assert_null(calcache_find(7, 2, 42, &a)); /* nor for the next write */
    committed = calcache_add(7, 2, 0, tue, &a); /* version 2 as committed: Tuesdays */
    assert_ptr_not_equal(committed, rolled);
    /* Tuesday 2026-11-24 00:00 UTC to Wednesday: 8 h on the committed calendar, 0 h on
       the rolled-back one */
    assert_int_equal(sla_elapsed(committed, 1795478400, 1795478400 + 86400, &secs), 0);
    assert_int_equal(secs, 8 * 3600);
    assert_int_equal(sla_elapsed(rolled, 1795478400, 1795478400 + 86400, &secs), 0);
    assert_int_equal(secs, 0);
    arena_release(&a);
    calcache_clear();
}

/* A URL in a log line or a message: a PostgreSQL URL's password is replaced, the rest kept. */
static void test_url_redact(void **state)
{
    static const char *const cases[][2] = {
        {"/var/lib/svcdesk/desk.db", "/var/lib/svcdesk/desk.db"},
        {"postgresql://desk@db:5432/desk", "postgresql://desk@db:5432/desk"},
        {"postgresql://desk:pw@db:5432/desk", "postgresql://desk:***@db:5432/desk"},
        {"postgres://desk:p%40ss@db/desk?sslmode=require",
         "postgres://desk:***@db/desk?sslmode=require"},
        {"postgresql://db/desk?user=desk&password=pw&sslmode=require",
         "postgresql://db/desk?user=desk&password=***&sslmode=require"},
        {"postgresql://db/desk?application_name=xpassword=1&password=pw",
         "postgresql://db/desk?application_name=xpassword=1&password=***"},
        {"postgresql://u:a@db/desk?password=b&password=c",
         "postgresql://u:***@db/desk?password=***&password=***"},
    };

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct strbuf out = STRBUF_INIT;
        store_url_redact(cases[i][0], &out);
        assert_string_equal(out.buf, cases[i][1]);
        strbuf_release(&out);
    }
}

SUITE(store, cmocka_unit_test(test_url_redact), cmocka_unit_test(test_users_and_audit), cmocka_unit_test(test_tokens),
      cmocka_unit_test(test_group_commit), cmocka_unit_test(test_schema_guards),
      cmocka_unit_test(test_backup_and_restore), cmocka_unit_test(test_job_lease),
      cmocka_unit_test(test_statement_cache_grows),
      cmocka_unit_test(test_calendar_cache_bounded),
      cmocka_unit_test(test_calendar_cache_write_scope))
