/*
 * cmd_init.c - `svcdesk init`: create or migrate the database, make sure
 * its first admin exists and, unless --no-default-policy, give a database
 * without SLA policies the vendor's support hours and severity policy as an
 * editable default. Idempotent: a second run changes nothing, and an
 * existing admin's password is left alone.
 */
#include "core/compat.h"
#include "cli/cli.h"
#include "cli/cmds.h"
#include "core/crypto.h"
#include "core/err.h"
#include "core/strbuf.h"
#include "core/xalloc.h"
#include "domain/calendar.h"
#include "domain/policy.h"
#include "store/store.h"
#include <libgen.h>
#include <sys/stat.h>

static const char usage[] = "init [--db URL] --admin-email E (--admin-password P | "
                            "--admin-password-file FILE) [--no-default-policy]";

/* The password from the option, the file (first line) or SVCDESK_ADMIN_PASSWORD. */
static int read_password(const char *opt, const char *file, char *out, size_t n)
{
    const char *env = getenv("SVCDESK_ADMIN_PASSWORD");
    FILE *f;

    if (opt) {
        snprintf(out, n, "%s", opt);
        return 0;
    }
    if (file) {
        if (!(f = fopen(file, "r")))
            return opts_error("init", "cannot read --admin-password-file '%s': %s", file,
                              strerror(errno));
        if (!fgets(out, (int)n, f))
            out[0] = '\0';
        fclose(f);
        out[strcspn(out, "\r\n")] = '\0';
        return 0;
    }
    if (env) {
        snprintf(out, n, "%s", env);
        return 0;
    }
    return opts_error("init", "missing --admin-password (or --admin-password-file, or "
                              "SVCDESK_ADMIN_PASSWORD)");
}

/*
 * The default support hours and severity policy (domain/policy.h) on a
 * database without policies. Prints what it did; 0 or 1 (a message printed).
 */
static int default_policy(struct store *st)
{
    struct strbuf canon = STRBUF_INIT, err = STRBUF_INIT;
    struct calendar_entry ce = {0};
    struct sla_policy p = {0};
    struct store_fault f = {0};
    struct caller sys = CALLER_SYSTEM;
    struct calendar *cal;
    bool created = false;
    int rc;

    if (calendar_parse(policy_default_calendar_json, strlen(policy_default_calendar_json), &cal,
                       &err) < 0)
        BUG("the default calendar does not parse: %s", err.buf);
    calendar_to_json(cal, &canon);
    calendar_free(cal);
    ce.name = POLICY_DEFAULT_CALENDAR_NAME;
    ce.definition = canon.buf;
    policy_defaults(&p);
    p.name = POLICY_DEFAULT_NAME;
    rc = store_default_policy_ensure(st, &sys, &ce, &p, &f, &created);
    strbuf_release(&canon);
    strbuf_release(&err);
    if (rc < 0) {
        fprintf(stderr, "svcdesk init: cannot create the default SLA policy: %s\n",
                f.message[0] ? f.message : desk_err_code(rc));
        return 1;
    }
    if (created)
        printf("default support hours '%s' (calendar %" PRId64
               ") and SLA policy '%s' (policy %" PRId64 ") created\n",
               ce.name, ce.id, p.name, p.id);
    return 0;
}

/* Create the folder that will hold a SQLite file, when it is missing. */
static void make_parent_dir(const char *url)
{
    char *copy;

    if (strstr(url, "://"))
        return;
    copy = xstrdup(url);
    mkdir(dirname(copy), 0750);
    free(copy);
}

int cmd_init(int argc, char **argv)
{
    const char *email = NULL, *pw = NULL, *pw_file = NULL, *problem;
    char password[PASSWORD_MAX_LEN + 2], hash[PASSWORD_HASH_MAX];
    bool created, no_default = false;
    const struct opt own[] = {
        {"admin-email", OPT_STRING, &email, "E", "e-mail of the first admin", 0, 0, NULL},
        {"admin-password", OPT_STRING, &pw, "P", "password of the first admin", 0, 0, NULL},
        {"admin-password-file", OPT_STRING, &pw_file, "FILE", "read the password from FILE", 0, 0,
         NULL},
        {"no-default-policy", OPT_BOOL, &no_default, NULL,
         "do not create the default support hours and SLA policy", 0, 0, NULL},
    };
    static const char *const keys[] = {"db", NULL};
    struct cli_opts co;
    struct conf c;
    struct store *st = NULL;
    int i, rc, dbv, binv;

    cli_opts_init(&co, own, ARRAY_SIZE(own), keys);
    if ((i = opts_parse("init", usage, co.opts, co.nr, argc, argv)) < 0)
        return i == -OPTS_HELP ? 0 : 2;
    if (i < argc)
        return opts_error("init", "unexpected argument '%s'", argv[i]);
    if ((rc = cli_conf(&co, "init", &c)))
        return rc;
    if (!email)
        rc = opts_error("init", "missing --admin-email");
    else if (!email_valid(email))
        rc = opts_error("init", "--admin-email '%s' is not an e-mail address", email);
    else if (!(rc = read_password(pw, pw_file, password, sizeof(password))) &&
             (problem = password_problem(password)))
        rc = opts_error("init", "the admin password %s", problem);
    if (rc)
        goto out;
    make_parent_dir(c.db);
    if (crypto_setup() < 0 || password_hash(password, hash) < 0) {
        fprintf(stderr, "svcdesk init: cannot hash the password (out of memory?)\n");
        rc = 1;
        goto out;
    }
    if ((rc = cli_open_store("init", c.db, STORE_CREATE | STORE_MIGRATE, &st)))
        goto out;
    rc = store_admin_ensure(st, email, hash, &created);
    if (rc == DESK_ECONFLICT) {
        fprintf(stderr, "svcdesk init: '%s' belongs to a user who is not an admin\n", email);
        rc = 1;
        goto out;
    } else if (rc < 0) {
        fprintf(stderr, "svcdesk init: cannot create the admin (see the log)\n");
        rc = 1;
        goto out;
    }
    store_schema_versions(st, &dbv, &binv);
    printf("database %s ready (schema %d); admin %s %s\n", c.db, dbv, email,
           created ? "created" : "already present, left as it was");
    if (!no_default)
        rc = default_policy(st);
out:
    store_close(st);
    conf_release(&c);
    return rc;
}
