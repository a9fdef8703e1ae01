/*
 * cmd_copy.c - `svcdesk copy --from FILE --to URL`: move an installation from its SQLite
 * file into an empty PostgreSQL database, in one transaction, and print the verification
 * (store_copy in src/store/copy.c does the work).
 */
#include "core/compat.h"
#include "cli/cli.h"
#include "cli/cmds.h"
#include "core/err.h"
#include "core/log.h"
#include "store/store.h"
#include <sys/stat.h>

static const char usage[] = "copy --from FILE --to postgresql://...";

/* Check both options before anything is opened: a message naming the option, or 0. */
static int check_options(const char *from, const char *to)
{
    struct stat sb;

    if (!from)
        return opts_error("copy", "missing --from (the SQLite file of the installation)");
    if (!to)
        return opts_error("copy", "missing --to (the PostgreSQL database, postgresql://...)");
    if (strstr(from, "://"))
        return opts_error("copy", "--from '%s' must be the path of a SQLite file, not a URL",
                          from);
    if (stat(from, &sb) != 0)
        return opts_error("copy", "--from '%s': %s", from, strerror(errno));
    if (!S_ISREG(sb.st_mode))
        return opts_error("copy", "--from '%s' is not a file", from);
    if (!store_url_is_postgres(to))
        return opts_error("copy", "--to '%s' must be a PostgreSQL URL (postgres:// or "
                                  "postgresql://)",
                          to);
    return 0;
}

static void print_report(const struct store_copy_report *rep)
{
    printf("%-24s %10s  %-64s  %s\n", "table", "rows", "checksum", "ok");
    for (size_t i = 0; i < rep->nr; i++) {
        const struct store_copy_table *t = &rep->tables[i];
        if (t->derived)
            printf("%-24s %10" PRId64 "  %-64s  %s\n", t->name, t->rows_to,
                   "(search index, rebuilt by the target)", "ok");
        else if (t->ok)
            printf("%-24s %10" PRId64 "  %-64s  %s\n", t->name, t->rows_to, t->sum_to, "ok");
        else
            printf("%-24s %10" PRId64 "  %-64s  DIFFERS (source: %" PRId64 " rows, %s)\n",
                   t->name, t->rows_to, t->sum_to, t->rows_from, t->sum_from);
    }
}

int cmd_copy(int argc, char **argv)
{
    const char *from = NULL, *to = NULL;
    const struct opt opts[] = {
        {"from", OPT_STRING, &from, "FILE", "the installation's SQLite file", 0, 0, NULL},
        {"to", OPT_STRING, &to, "URL", "an empty PostgreSQL database (postgresql://...)", 0, 0,
         NULL},
    };
    struct store_copy_report rep = STORE_COPY_REPORT_INIT;
    struct strbuf err = STRBUF_INIT;
    int i, rc;

    if ((i = opts_parse("copy", usage, opts, ARRAY_SIZE(opts), argc, argv)) < 0)
        return i == -OPTS_HELP ? 0 : 2;
    if (i < argc)
        return opts_error("copy", "unexpected argument '%s'", argv[i]);
    if ((rc = check_options(from, to)))
        return rc;
    log_set_level(LOG_WARN); /* the report is the output; the scratch database also migrates */
    rc = store_copy(from, to, &rep, &err);
    print_report(&rep);
    if (rc < 0) {
        fprintf(stderr, "svcdesk copy: %s%s\n", err.buf,
                rep.nr ? "; nothing was written (rolled back)" : "");
        rc = 1;
    } else {
        size_t copied = 0;
        for (size_t k = 0; k < rep.nr; k++)
            copied += !rep.tables[k].derived;
        printf("copied %s to %s: %zu tables, all verified\n", from, to, copied);
    }
    store_copy_report_release(&rep);
    strbuf_release(&err);
    return rc;
}
