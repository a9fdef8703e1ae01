/*
 * main.c - the svcdesk command table (git's git.c).
 */
#include "core/compat.h"
#include "cli/cmds.h"
#include "cli/opts.h"

#ifndef SVCDESK_VERSION
#define SVCDESK_VERSION "0.1.0"
#endif

static const struct cmd {
    const char *name;              /* as typed */
    int (*fn)(int, char **);       /* runs it; returns the exit code */
    const char *summary;           /* one line for `svcdesk --help` */
} commands[] = {
    {"init", cmd_init, "create or migrate the database and its first admin"},
    {"serve", cmd_serve, "serve the API and the pages over HTTP"},
    {"demo", cmd_demo, "load the demo: a vendor, customers, agreements, requests"},
    {"sla", cmd_sla, "working-hours SLA clock: due, elapsed, batch, spans, holidays"},
    {"token", cmd_token, "create an API token for a user"},
    {"user", cmd_user, "disable or enable an account, or sign it out everywhere"},
    {"mail-in", cmd_mail_in, "record one mail message read on stdin (an MTA pipe)"},
    {"backup", cmd_backup, "write a verified backup of the database"},
    {"restore", cmd_restore, "replace the database with a backup"},
    {"copy", cmd_copy, "move an installation from SQLite into an empty PostgreSQL database"},
    {"version", cmd_version, "print the version"},
};

static void usage(FILE *f)
{
    fputs("usage: svcdesk COMMAND [OPTIONS]\n\ncommands:\n", f);
    for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
        fprintf(f, "    %-10s %s\n", commands[i].name, commands[i].summary);
    fputs("\n'svcdesk COMMAND --help' describes a command and its options.\n", f);
}

int cmd_version(int argc, char **argv)
{
    int i = opts_parse("version", "version", NULL, 0, argc, argv);

    if (i < 0)
        return i == -OPTS_HELP ? 0 : 2;
    if (i < argc)
        return opts_error("version", "unexpected argument '%s'", argv[i]);
    printf("svcdesk %s\n", SVCDESK_VERSION);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return 0;
    }
    if (!strcmp(argv[1], "--version"))
        return cmd_version(1, argv + 1);
    for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
        if (!strcmp(argv[1], commands[i].name))
            return commands[i].fn(argc - 1, argv + 1);
    if (argv[1][0] == '-')
        fprintf(stderr, "svcdesk: unknown option '%s' (see 'svcdesk --help')\n", argv[1]);
    else
        fprintf(stderr, "svcdesk: unknown command '%s' (see 'svcdesk --help')\n", argv[1]);
    return 2;
}
