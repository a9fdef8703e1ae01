/*
 * cmd_user.c - `svcdesk user disable|enable|sign-out --email E`: end someone's
 * access from the shell, as an admin does under /desk/admin/users/{id} or with
 * PATCH /api/v1/users/{id} {"disabled": ...} and DELETE .../sessions.
 *
 * disable: sign-in refused, every session and token ended in the same write;
 * enable: sign-in allowed again (ended sessions stay ended); sign-out: every
 * session and token ended, the account stays enabled. A running server sees
 * each at its next request: it reads sessions and tokens on every one.
 */
#include "core/compat.h"
#include "cli/cli.h"
#include "cli/cmds.h"
#include "core/crypto.h"
#include "core/err.h"
#include "core/time.h"
#include "domain/account.h"
#include "store/store.h"

static const char usage[] = "user disable|enable|sign-out --email E [--db URL]";

/* Run subcommand sub for the user of email on st; prints the outcome. Returns the exit code. */
static int run(struct store *st, const char *sub, const char *email, struct arena *a)
{
    struct caller sys = CALLER_SYSTEM;
    struct account_patch p = ACCOUNT_PATCH_INIT;
    struct store_fault f = {0};
    struct account acc;
    struct user u;
    int64_t ended = 0;
    int rc;

    if (store_user_by_email(st, email, &u, NULL, a) < 0) {
        fprintf(stderr, "svcdesk user %s: no user '%s'\n", sub, email);
        return 1;
    }
    if (!strcmp(sub, "sign-out")) {
        rc = store_credentials_end(st, &sys, u.id, time_now(), NULL, &ended);
        if (rc == 0)
            printf("%s: %" PRId64 " sessions and tokens ended\n", u.email, ended);
    } else {
        p.disabled = !strcmp(sub, "disable");
        rc = store_account_update(st, &sys, u.id, &p, &acc, &f, a);
        if (rc == 0)
            printf("%s: %s\n", u.email, p.disabled ? "disabled; every session and token ended"
                                                   : "enabled");
    }
    if (rc < 0) {
        fprintf(stderr, "svcdesk user %s: cannot change '%s' (%s; see the log)\n", sub, email,
                desk_err_code(rc));
        return 1;
    }
    return 0;
}

int cmd_user(int argc, char **argv)
{
    const char *email = NULL, *sub = argc >= 2 ? argv[1] : NULL;
    const struct opt own[] = {
        {"email", OPT_STRING, &email, "E", "the account", 0, 0, NULL},
    };
    static const char *const keys[] = {"db", NULL};
    struct arena a = ARENA_INIT;
    struct cli_opts co;
    struct conf c;
    struct store *st = NULL;
    char name[32];
    int i, rc;

    if (!sub || (strcmp(sub, "disable") && strcmp(sub, "enable") && strcmp(sub, "sign-out"))) {
        if (sub && (!strcmp(sub, "--help") || !strcmp(sub, "-h"))) {
            printf("usage: svcdesk %s\n", usage);
            return 0;
        }
        return opts_error("user", sub ? "unknown subcommand '%s' (disable, enable, sign-out)"
                                      : "missing subcommand (disable, enable, sign-out)%s",
                          sub ? sub : "");
    }
    snprintf(name, sizeof(name), "user %s", sub);
    cli_opts_init(&co, own, ARRAY_SIZE(own), keys);
    if ((i = opts_parse(name, usage, co.opts, co.nr, argc - 1, argv + 1)) < 0)
        return i == -OPTS_HELP ? 0 : 2;
    if (i < argc - 1)
        return opts_error(name, "unexpected argument '%s'", argv[i + 1]);
    if (!email)
        return opts_error(name, "missing --email");
    if ((rc = cli_conf(&co, name, &c)))
        return rc;
    if (crypto_setup() < 0 || (rc = cli_open_store(name, c.db, 0, &st)))
        goto out;
    rc = run(st, sub, email, &a);
out:
    arena_release(&a);
    store_close(st);
    conf_release(&c);
    return rc;
}
