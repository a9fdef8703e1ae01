/*
 * cmd_mail_in.c - `svcdesk mail-in`: one RFC 5322 message on stdin (an MTA
 * pipe) becomes a request, a message on one, a triage request or a refusal
 * (mail/inbound.h). Prints one line: "ticket N created|updated|duplicate",
 * "ticket N triage" or "rejected"; exit 0. Empty or headerless input (and
 * input over MAX_MAIL_SIZE) exits 2; a database failure exits 1 with nothing
 * recorded, so the MTA keeps the message and tries again.
 */
#include "core/compat.h"
#include "cli/cli.h"
#include "cli/cmds.h"
#include "core/crypto.h"
#include "core/err.h"
#include "core/log.h"
#include "core/time.h"
#include "mail/inbound.h"
#include "mail/mail.h"
#include "store/store.h"

static const char usage[] = "mail-in [--db URL] [--config FILE] < MESSAGE";

/* Read all of stdin into sb (capped at MAX_MAIL_SIZE); exit code or 0. */
static int read_stdin(struct strbuf *sb)
{
    char buf[65536];
    size_t n;

    strbuf_init_max(sb, MAX_MAIL_SIZE);
    while ((n = fread(buf, 1, sizeof(buf), stdin)) > 0 && !strbuf_overflowed(sb))
        strbuf_add(sb, buf, n);
    if (ferror(stdin)) {
        fprintf(stderr, "svcdesk mail-in: cannot read the message: %s\n", strerror(errno));
        return 1;
    }
    if (strbuf_overflowed(sb))
        return opts_error("mail-in", "the message is larger than %u MiB", MAX_MAIL_SIZE >> 20);
    return 0;
}

/* The store, refusing a schema older than the binary (serve or init migrates it). */
static int open_store(const char *db, struct store **st)
{
    int have, want, rc = cli_open_store("mail-in", db, 0, st);

    if (rc)
        return rc;
    store_schema_versions(*st, &have, &want);
    if (have < want) {
        fprintf(stderr,
                "svcdesk mail-in: database schema %d is older than this svcdesk "
                "(schema %d); run 'svcdesk init'\n",
                have, want);
        return 1;
    }
    return 0;
}

int cmd_mail_in(int argc, char **argv)
{
    static const char *const keys[] = {"db",
                                       "mail-from",
                                       "unknown-senders",
                                       "mail-trusted-authserv",
                                       "mail-authres-fields",
                                       "log-level",
                                       NULL};
    struct strbuf msg = STRBUF_INIT, err = STRBUF_INIT, line = STRBUF_INIT;
    struct mail_settings ms;
    struct mail_result res;
    struct store *st = NULL;
    struct cli_opts co;
    struct conf c;
    int i, rc;

    cli_opts_init(&co, NULL, 0, keys);
    if ((i = opts_parse("mail-in", usage, co.opts, co.nr, argc, argv)) < 0)
        return i == -OPTS_HELP ? 0 : 2;
    if (i < argc)
        return opts_error("mail-in", "unexpected argument '%s'", argv[i]);
    if ((rc = cli_conf(&co, "mail-in", &c)))
        return rc;
    log_set_level((enum log_level)log_level_parse(c.log_level));
    if ((rc = read_stdin(&msg)))
        goto out;
    mail_setup();
    if (crypto_setup() < 0 || (rc = open_store(c.db, &st)))
        goto out;
    mail_settings_from_conf(&c, &ms);
    if ((rc = mail_inbound(st, &ms, msg.buf, msg.len, time_now(), &res, &err)) < 0) {
        fprintf(stderr, "svcdesk mail-in: %s\n", err.buf);
        rc = rc == DESK_EINVAL ? 2 : 1;
        goto out;
    }
    mail_result_line(&res, &line);
    printf("%s\n", line.buf);
out:
    store_close(st);
    conf_release(&c);
    strbuf_release(&msg);
    strbuf_release(&err);
    strbuf_release(&line);
    return rc;
}
