/*
 * cmd_serve.c - `svcdesk serve`: migrate, serve HTTP, run the background
 * jobs, stop cleanly on SIGTERM or SIGINT.
 */
#define LOG_MODULE "serve"
#include "core/compat.h"
#include "core/i18n.h"
#include "cli/cli.h"
#include "cli/cmds.h"
#include "core/crypto.h"
#include "core/log.h"
#include "http/server.h"
#include "http/signin.h"
#include "jobs/backup.h"
#include "jobs/scheduler.h"
#include "mail/mail.h"
#include "store/store.h"
#include <malloc.h>
#include <pthread.h>
#include <signal.h>

#define SERVE_MALLOC_ARENAS 4 /* glibc malloc arenas for all threads (its default: 8 per core) */

static const char usage[] = "serve [--db URL] [--listen HOST:PORT] [--config FILE] [options]";

/* Block the stop signals in every thread; the main thread waits for them. */
static void block_signals(sigset_t *set)
{
    sigemptyset(set);
    sigaddset(set, SIGINT);
    sigaddset(set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, set, NULL);
    signal(SIGPIPE, SIG_IGN);
}

static void print_listening(const char *listen, int port)
{
    const char *colon = strrchr(listen, ':');

    printf("listening on %.*s:%d\n", (int)(colon - listen), listen, port);
    fflush(stdout);
}

/*
 * On a database with a connection limit (PostgreSQL's pool), the HTTP threads and the write
 * workers are at most that many: each waits on the database while it serves, so more only
 * queue for a connection while they take CPU from PostgreSQL's processes (on 2 cores, 32
 * threads on a pool of 8 served GET at p99 175-590 ms, 8 at 15 ms: docs/benchmarks.md).
 */
static void limit_threads(struct conf *c, int limit)
{
    if (limit <= 0)
        return;
    if (c->http_threads > limit || c->http_workers > limit)
        log_info("msg=\"HTTP threads and workers limited to the database connections\" "
                 "connections=%d http_threads=%" PRId64 " http_workers=%" PRId64, limit,
                 c->http_threads, c->http_workers);
    if (c->http_threads > limit)
        c->http_threads = limit;
    if (c->http_workers > limit)
        c->http_workers = limit;
}

int cmd_serve(int argc, char **argv)
{
    struct cli_opts co;
    struct conf c;
    struct store *st = NULL;
    struct server *srv = NULL;
    struct scheduler *jobs;
    struct strbuf err = STRBUF_INIT;
    sigset_t set;
    int i, rc, port, sig;

    cli_opts_init(&co, NULL, 0, NULL);
    if ((i = opts_parse("serve", usage, co.opts, co.nr, argc, argv)) < 0)
        return i == -OPTS_HELP ? 0 : 2;
    if (i < argc)
        return opts_error("serve", "unexpected argument '%s'", argv[i]);
    if ((rc = cli_conf(&co, "serve", &c)))
        return rc;
    log_set_level((enum log_level)log_level_parse(c.log_level));
    block_signals(&set);
    mail_setup(); /* GMime and libcurl, before the mail thread starts */
    i18n_init(c.locale_dir); /* the catalogues and their locales, before the HTTP threads */
    /* a hundred threads would each get a malloc arena that keeps its peak; four serve them
       (with the scheduler's malloc_trim, memory at rest stays flat over months) */
    mallopt(M_ARENA_MAX, SERVE_MALLOC_ARENAS);
    /* the dummy hash of unknown sign-ins, made before the first request (signin.h) */
    if (crypto_setup() < 0 || signin_setup() < 0 ||
        (rc = cli_open_store("serve", c.db, STORE_MIGRATE | STORE_IN_USE | STORE_CHECK, &st)))
        goto out;
    backup_warn_modes(c.backup_dir);
    store_set_disk_reserve(st, (uint64_t)c.disk_reserve_mib << 20);
    limit_threads(&c, store_connection_limit(st));
    if (server_start(&c, st, &srv, &port, &err) < 0) {
        fprintf(stderr, "svcdesk serve: %s\n", err.buf);
        rc = 1;
        goto out;
    }
    jobs = scheduler_start(st, &c, 1000);
    {
        struct strbuf db = STRBUF_INIT;
        store_url_redact(c.db, &db); /* a PostgreSQL URL may carry a password */
        log_info("msg=\"serving\" listen=%s port=%d db=%s", c.listen, port, db.buf);
        strbuf_release(&db);
    }
    if (c.imap_url && !c.mail_trusted_authserv)
        log_warn("msg=\"mail-trusted-authserv is not set: new requests by mail go to triage "
                 "(only replies to signed reply addresses are verified); see docs/mail.md\"");
    print_listening(c.listen, port);
    sigwait(&set, &sig);
    log_info("msg=\"stopping\" signal=%d", sig);
    scheduler_stop(jobs);
    server_stop(srv);
out:
    store_close(st);
    conf_release(&c);
    strbuf_release(&err);
    return rc;
}
