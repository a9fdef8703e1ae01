/*
 * inbox.c - the IMAP poll (see inbox.h).
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
