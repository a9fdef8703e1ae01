/*
 * inbox.c - the IMAP poll and its IDLE watch (see inbox.h).
 */
#define LOG_MODULE "inbox"
#include "core/compat.h"
#include "jobs/inbox.h"
#include "core/err.h"
#include "core/log.h"
#include "core/time.h"
#include "mail/imap.h"
#include "mail/inbound.h"

struct poll {
    struct store *st;              /* where mail goes */
    struct mail_settings settings; /* unknown senders, own address */
};

static int handle(const char *raw, size_t len, void *arg)
{
    struct poll *p = arg;
    struct strbuf err = STRBUF_INIT;
    struct mail_result res;
    char q[256];
    int rc = mail_inbound(p->st, &p->settings, raw, len, time_now(), &res, &err);

    if (rc == DESK_EINVAL) {
        log_warn("msg=\"not a mail message; marked seen\" error=\"%s\"",
                 log_quote(err.buf, q, sizeof(q)));
        rc = 0;
    }
    strbuf_release(&err);
    return rc;
}

int inbox_run(struct store *st, const struct conf *c, int64_t now)
{
    struct imap_conf ic = {c->imap_url, c->imap_user, c->imap_password, c->imap_move_to};
    struct poll p = {st, {0}};
    struct strbuf err = STRBUF_INIT;
    char q[512];
    int handled, rc;

    (void)now;
    if (!c->imap_url)
        return 0;
    mail_settings_from_conf(c, &p.settings);
    rc = imap_poll(&ic, INBOX_BATCH, handle, &p, &handled, &err);
    if (rc < 0)
        log_warn("msg=\"mailbox poll failed\" error=\"%s\"", log_quote(err.buf, q, sizeof(q)));
    if (handled)
        log_info("msg=\"mailbox polled\" messages=%d", handled);
    strbuf_release(&err);
    return rc;
}

struct watch {
    bool (*pause)(void *arg, int secs); /* waits; true: stop */
    void *arg;                          /* theirs */
};

static bool watch_stopping(void *arg)
{
    struct watch *w = arg;
    return w->pause(w->arg, 0);
}

/*
 * One watch: connect, then IDLE again and again until it fails or the server
 * stops. Returns 0 when stopping, or the error that ended it (*watched says
 * whether IDLE got going at all).
 */
static int watch_once(const struct imap_conf *ic, struct watch *w, void (*wake)(void *arg),
                      bool *watched, struct strbuf *err)
{
    struct imap_idle *conn;
    int rc;

    *watched = false;
    if ((rc = imap_idle_open(ic, watch_stopping, w, &conn, err)) < 0)
        return watch_stopping(w) ? 0 : rc;
    *watched = true;
    log_info("msg=\"mailbox watched with IMAP IDLE\" renew_seconds=%d", IMAP_IDLE_RENEW_SECS);
    wake(w->arg);
    while (!watch_stopping(w)) {
        if ((rc = imap_idle_wait(conn, IMAP_IDLE_RENEW_SECS, watch_stopping, w, err)) < 0)
            break;
        if (rc == 1)
            wake(w->arg);
        rc = 0;
    }
    imap_idle_close(conn);
    return rc;
}

void inbox_watch(const struct conf *c, bool (*pause)(void *arg, int secs),
                 void (*wake)(void *arg), void *arg)
{
    struct imap_conf ic = {c->imap_url, c->imap_user, c->imap_password, c->imap_move_to};
    struct watch w = {pause, arg};
    struct strbuf err = STRBUF_INIT;
    int last = 1; /* the last failure's code, logged once until IDLE works again */
    int retry = INBOX_IDLE_RECONNECT_SECS;
    char q[512];

    while (!pause(arg, 0)) {
        bool watched;
        int rc;

        strbuf_reset(&err);
        if ((rc = watch_once(&ic, &w, wake, &watched, &err)) == 0)
            continue;
        /* a server without IDLE will not get it soon; one that failed may be back soon */
        if (watched)
            retry = INBOX_IDLE_RECONNECT_SECS;
        else if (rc == DESK_ENOTFOUND)
            retry = INBOX_IDLE_RETRY_SECS;
        else if (rc == last)
            retry = retry * 2 < INBOX_IDLE_RETRY_SECS ? retry * 2 : INBOX_IDLE_RETRY_SECS;
        if (watched || rc != last)
            log_warn("msg=\"no IMAP IDLE; the mailbox is polled\" poll_seconds=%" PRId64 " "
                     "retry_idle_in=%d reason=\"%s\"",
                     c->imap_poll_seconds, retry, log_quote(err.buf, q, sizeof(q)));
        last = watched ? 1 : rc;
        pause(arg, retry);
    }
    strbuf_release(&err);
}
