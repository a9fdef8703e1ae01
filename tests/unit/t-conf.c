#include "test.h"
#include "cli/cli.h"
#include "core/conf.h"
#include "core/err.h"
#include <unistd.h>

static void test_defaults_file_env_flags(void **state)
{
    char path[] = "/tmp/svcdesk-conf-XXXXXX";
    struct strbuf err = STRBUF_INIT;
    struct conf c;
    int fd = mkstemp(path);
    FILE *f = fdopen(fd, "w");

    (void)state;
    fputs("# comment\nlisten = 127.0.0.1:9000\n  backup-keep-days=7  \ndb = \"/x/y.db\"\n", f);
    fclose(f);
    conf_init(&c);
    assert_string_equal(c.listen, "127.0.0.1:8080");
    assert_int_equal(c.backup_keep_days, 30);
    assert_null(c.smtp);
    assert_int_equal(conf_load_file(&c, path, &err), 0);
    assert_string_equal(c.listen, "127.0.0.1:9000");
    assert_string_equal(c.db, "/x/y.db");
    assert_int_equal(c.backup_keep_days, 7);
    setenv("SVCDESK_LISTEN", "127.0.0.1:9001", 1);
    setenv("SVCDESK_BACKUP_KEEP_DAYS", "9", 1);
    assert_int_equal(conf_load_env(&c, &err), 0);
    assert_string_equal(c.listen, "127.0.0.1:9001"); /* environment beats the file */
    assert_int_equal(c.backup_keep_days, 9);
    assert_int_equal(conf_set(&c, "listen", "127.0.0.1:9002", &err), 0); /* option beats both */
    assert_string_equal(c.listen, "127.0.0.1:9002");
    unsetenv("SVCDESK_LISTEN");
    unsetenv("SVCDESK_BACKUP_KEEP_DAYS");
    conf_release(&c);
    unlink(path);
    strbuf_release(&err);
}

static void test_bad_values_name_the_key(void **state)
{
    struct strbuf err = STRBUF_INIT;
    struct conf c;

    (void)state;
    conf_init(&c);
    assert_int_equal(conf_set(&c, "backup-keep-days", "0", &err), DESK_EINVAL);
    assert_string_equal(err.buf, "backup-keep-days: 0 is outside 1..3650");
    strbuf_reset(&err);
    assert_int_equal(conf_set(&c, "backup-keep-days", "3x", &err), DESK_EINVAL);
    assert_string_equal(err.buf, "backup-keep-days: '3x' is not a whole number");
    strbuf_reset(&err);
    assert_int_equal(conf_set(&c, "backup-at", "25:00", &err), DESK_EINVAL);
    assert_string_equal(err.buf, "backup-at: '25:00' is not a time HH:MM");
    strbuf_reset(&err);
    assert_int_equal(conf_set(&c, "colour", "blue", &err), DESK_EINVAL);
    assert_string_equal(err.buf, "unknown setting 'colour'");
    strbuf_reset(&err);
    assert_int_equal(conf_set(&c, "smtp", "http://x", &err), DESK_EINVAL);
    assert_int_equal(c.backup_keep_days, 30); /* nothing changed by the failures */
    conf_release(&c);
    strbuf_release(&err);
}

/* Every setting is also an option of every command that takes them all (cli_opts_init). */
static void test_every_setting_is_an_option(void **state)
{
    struct cli_opts co;

    (void)state;
    assert_true(conf_table_nr + 16 <= CLI_MAX_OPTS); /* room for a command's own options */
    cli_opts_init(&co, NULL, 0, NULL);
    assert_int_equal(co.nkeys, conf_table_nr);
}

SUITE(conf, cmocka_unit_test(test_defaults_file_env_flags),
      cmocka_unit_test(test_bad_values_name_the_key), cmocka_unit_test(test_every_setting_is_an_option))
