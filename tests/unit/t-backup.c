#include "helpers.h"
#include "jobs/backup.h"
#include "jobs/scheduler.h"
#include "core/time.h"
#include "store/store.h"
#include "core/err.h"
#include <unistd.h>
#include <sys/stat.h>

static int64_t ts(const char *s)
{
    int64_t t;
    assert_int_equal(time_parse_rfc3339(s, strlen(s), &t, NULL), 0);
    return t;
}

static void test_names_and_schedule(void **state)
{
    (void)state;
    assert_int_equal(backup_time_from_name("svcdesk-20261122T020000Z.db"),
                     ts("2026-11-22T02:00:00Z"));
    assert_int_equal(backup_time_from_name("svcdesk-20261122T020000Z.db-wal"), -1);
    assert_int_equal(backup_time_from_name("other-20261122T020000Z.db"), -1);
    assert_int_equal(backup_time_from_name("svcdesk-20261322T020000Z.db"), -1);
    /* 02:00 daily: at 01:59 the last due time was yesterday's */
    assert_int_equal(daily_due_since("02:00", ts("2026-11-22T01:59:00Z")),
                     ts("2026-11-21T02:00:00Z"));
    assert_int_equal(daily_due_since("02:00", ts("2026-11-22T02:00:00Z")),
                     ts("2026-11-22T02:00:00Z"));
    assert_int_equal(daily_due_since("23:30", ts("2026-12-31T23:45:00Z")),
                     ts("2026-12-31T23:30:00Z"));
}

static void test_write_and_prune(void **state)
{
    char path[256], dir[300], old[400], keep[400], other[400];
    struct strbuf err = STRBUF_INIT;
    struct store *st = tmp_store(path, sizeof(path));
    int64_t now = ts("2026-11-22T02:00:00Z");
    char *file = NULL;
    int removed;
    FILE *f;

    (void)state;
    tmp_store_file(path, ".d/backups", dir, sizeof(dir));
    assert_int_equal(backup_write(st, dir, now, &file, &err), 0);
    assert_non_null(strstr(file, "/svcdesk-20261122T020000Z.db"));
    snprintf(old, sizeof(old), "%s/svcdesk-20261022T020000Z.db", dir);  /* 31 days old */
    snprintf(keep, sizeof(keep), "%s/svcdesk-20261024T020000Z.db", dir); /* 29 days old */
    snprintf(other, sizeof(other), "%s/notes.txt", dir);
    fclose(fopen(old, "w"));
    fclose(fopen(keep, "w"));
    f = fopen(other, "w");
    fclose(f);
    assert_int_equal(backup_prune(dir, now, 30, &removed, &err), 0);
    assert_int_equal(removed, 1);
    assert_int_not_equal(access(old, F_OK), 0);
    assert_int_equal(access(keep, F_OK), 0);
    assert_int_equal(access(other, F_OK), 0);
    assert_int_equal(access(file, F_OK), 0);
    free(file);
    strbuf_release(&err);
    {
        char cmd[400];
        snprintf(cmd, sizeof(cmd), "rm -rf '%.*s'", (int)(strlen(dir) - strlen("/backups")), dir);
        assert_int_equal(system(cmd), 0);
    }
    tmp_store_free(st, path);
}

/* A store opened STORE_IN_USE (serve) keeps restore out; closed, restore goes ahead. */
static void test_restore_refused_in_use(void **state)
{
    char path[256], file[400];
    struct strbuf err = STRBUF_INIT;
    struct store *st = tmp_store(path, sizeof(path)), *served = NULL;
    struct stat sb;

    (void)state;
    tmp_store_file(path, ".copy", file, sizeof(file));
    assert_int_equal(store_backup(st, file, &err), 0);
    assert_int_equal(stat(file, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0600); /* backups hold password hashes */
    if (test_on_sqlite()) { /* the database file itself */
        assert_int_equal(stat(path, &sb), 0);
        assert_int_equal(sb.st_mode & 0777, 0600);
    }
    assert_int_equal(store_open(path, STORE_IN_USE, &served, &err), 0);
    assert_false(store_degraded(served, NULL));
    assert_int_equal(store_restore(path, file, &err), DESK_ECONFLICT);
    assert_non_null(strstr(err.buf, "stop the server first"));
    store_close(served);
    strbuf_reset(&err);
    assert_int_equal(store_restore(path, file, &err), 0);
    strbuf_release(&err);
    unlink(file);
    tmp_store_free(st, path);
}

SUITE(backup, cmocka_unit_test(test_names_and_schedule), cmocka_unit_test(test_write_and_prune),
      cmocka_unit_test(test_restore_refused_in_use))
