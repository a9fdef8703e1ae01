/*
 * cmd_token.c - `svcdesk token create --email E`: a new API token for a user
 * (for scripts and monitoring), printed once; only its hash is stored.
 */
#include "core/compat.h"
#include "cli/cli.h"
#include "cli/cmds.h"
#include "core/crypto.h"
#include "core/err.h"
#include "core/time.h"
#include "store/store.h"


static const char usage[] = "token create --email E [--db URL]";

int cmd_token(int argc, char **argv)
{
    const char *email = NULL;
    const struct opt own[] = {
        {"email", OPT_STRING, &email, "E", "the user the token signs in as", 0, 0, NULL},
    };
    static const char *const keys[] = {"db", NULL};
    char text[TOKEN_TEXT_LEN + 1];
    uint8_t hash[TOKEN_HASH_LEN];
    struct arena a = ARENA_INIT;
    struct cli_opts co;
    struct conf c;
    struct store *st = NULL;
    struct user u;
    int i, rc;

    if (argc < 2 || strcmp(argv[1], "create")) {
        if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
            printf("usage: svcdesk %s\n", usage);
            return 0;
        }
        return opts_error("token", argc < 2 ? "missing subcommand (create)%s"
                                            : "unknown subcommand '%s'",
                          argc < 2 ? "" : argv[1]);
    }
    cli_opts_init(&co, own, ARRAY_SIZE(own), keys);
    if ((i = opts_parse("token create", usage, co.opts, co.nr, argc - 1, argv + 1)) < 0)
        return i == -OPTS_HELP ? 0 : 2;
    if (i < argc - 1)
        return opts_error("token create", "unexpected argument '%s'", argv[i + 1]);
    if (!email)
        return opts_error("token create", "missing --email");
    if ((rc = cli_conf(&co, "token create", &c)))
        return rc;
    if (crypto_setup() < 0 || (rc = cli_open_store("token create", c.db, 0, &st)))
        goto out;
    if (store_user_by_email(st, email, &u, NULL, &a) < 0) {
        fprintf(stderr, "svcdesk token create: no user '%s'\n", email);
        rc = 1;
        goto out;
    }
    token_new(text, hash);
    if (store_token_create(st, u.id, hash, time_now(), time_now() + TOKEN_LIFETIME) < 0) {
        fprintf(stderr, "svcdesk token create: cannot store the token (see the log)\n");
        rc = 1;
        goto out;
    }
    printf("%s\n", text);
out:
    arena_release(&a);
    store_close(st);
    conf_release(&c);
    return rc;
}
