/*
 * cmd_backup.c - `svcdesk backup` (a verified copy now, and pruning) and
 * `svcdesk restore FILE` (replace the database by a verified backup; stop
 * the server first).
 */
#include "core/compat.h"
#include "cli/cli.h"
#include "cli/cmds.h"
#include "core/time.h"
#include "jobs/backup.h"
#include "store/store.h"

int cmd_backup(int argc, char **argv)
{
    static const char usage[] = "backup [--db URL] [--dir DIR]";
    const char *dir = NULL;
    const struct opt own[] = {
        {"dir", OPT_STRING, &dir, "DIR", "where to write it (default: backup-dir)", 0, 0, NULL},
    };
    static const char *const keys[] = {"db", "backup-keep-days", NULL};
    struct strbuf err = STRBUF_INIT;
    struct cli_opts co;
    struct conf c;
    struct store *st = NULL;
    char *path = NULL;
    int i, rc, removed = 0;

    cli_opts_init(&co, own, ARRAY_SIZE(own), keys);
    if ((i = opts_parse("backup", usage, co.opts, co.nr, argc, argv)) < 0)
        return i == -OPTS_HELP ? 0 : 2;
    if (i < argc)
        return opts_error("backup", "unexpected argument '%s'", argv[i]);
    if ((rc = cli_conf(&co, "backup", &c)))
        return rc;
    if (!dir)
        dir = c.backup_dir;
    if ((rc = cli_open_store("backup", c.db, 0, &st)))
        goto out;
    if (backup_write(st, dir, time_now(), &path, &err) < 0 ||
        backup_prune(dir, time_now(), c.backup_keep_days, &removed, &err) < 0) {
        fprintf(stderr, "svcdesk backup: %s\n", err.buf);
        rc = 1;
        goto out;
    }
    printf("%s\n", path);
out:
    free(path);
    store_close(st);
    conf_release(&c);
    strbuf_release(&err);
    return rc;
}

int cmd_restore(int argc, char **argv)
{
    static const char usage[] = "restore [--db URL] FILE";
    static const char *const keys[] = {"db", NULL};
    struct strbuf err = STRBUF_INIT;
    struct cli_opts co;
    struct conf c;
    int i, rc;

    cli_opts_init(&co, NULL, 0, keys);
    if ((i = opts_parse("restore", usage, co.opts, co.nr, argc, argv)) < 0)
        return i == -OPTS_HELP ? 0 : 2;
    if (i != argc - 1)
        return opts_error("restore", i == argc ? "missing the backup FILE"
                                               : "unexpected argument '%s'",
                          i == argc ? "" : argv[i + 1]);
    if ((rc = cli_conf(&co, "restore", &c)))
        return rc;
    if (store_restore(c.db, argv[i], &err) < 0) {
        fprintf(stderr, "svcdesk restore: %s\n", err.buf);
        rc = 1;
    } else {
        printf("restored %s from %s\n", c.db, argv[i]);
    }
    conf_release(&c);
    strbuf_release(&err);
    return rc;
}
