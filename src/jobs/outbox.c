/*
 * outbox.c - sending the outbox (see outbox.h).
 */
#define LOG_MODULE "outbox"
#include "core/compat.h"
#include "jobs/outbox.h"
#include "core/crypto.h"
#include "core/err.h"
#include "core/log.h"
#include "core/time.h"
#include "mail/outbound.h"
#include "mail/replyto.h"
#include "mail/smtp.h"
#include "store/store.h"
#include <pthread.h>
#include <sodium.h>
#include <unistd.h>

static char holder[48];
static pthread_once_t holder_once = PTHREAD_ONCE_INIT;

/* This process's lease name for outbox rows. */
static void make_holder(void)
{
    char rnd[17];

    random_hex(rnd, 8);
    snprintf(holder, sizeof(holder), "outbox-%ld-%s", (long)getpid(), rnd);
}

int64_t outbox_retry_at(int64_t now, int attempts, int64_t first_delay)
{
    int64_t delay = first_delay;

    for (int i = 1; i < attempts && delay < OUTBOX_BACKOFF_MAX; i++)
        delay *= 2;
    return now + (delay < OUTBOX_BACKOFF_MAX ? delay : OUTBOX_BACKOFF_MAX);
}

/* Build and send one row; record the outcome. */
static int send_one(struct store *st, const struct conf *c, const uint8_t *key,
                    const struct outbox_msg *m)
{
    struct strbuf err = STRBUF_INIT;
    struct arena a = ARENA_INIT;
    struct outbound out;
    int64_t now = time_now();
    char q[512], id[256];
    int rc;

    log_quote(m->message_id, id, sizeof(id));
    if ((rc = outbound_build(m, c->mail_from, key, now, &out, &a, &err)) == 0)
        rc = smtp_send(c->smtp, &out, &err);
    outbound_release(&out);
    if (rc == 0) {
        log_info("msg=\"sent\" message_id=\"%s\" kind=%s attempts=%d", id, m->kind,
                 m->attempts + 1);
        rc = store_outbox_sent(st, m->id, time_now());
    } else {
        int64_t retry = outbox_retry_at(time_now(), m->attempts + 1, c->mail_retry_seconds);
        log_warn("msg=\"not sent\" message_id=\"%s\" attempts=%d retry_in=%" PRId64 " error=\"%s\"",
                 id, m->attempts + 1, retry - time_now(), log_quote(err.buf, q, sizeof(q)));
        rc = store_outbox_failed(st, m->id, holder, retry, err.buf);
    }
    strbuf_release(&err);
    arena_release(&a);
    return rc;
}

int64_t outbox_budget(const struct conf *c)
{
    return c->lease_seconds < OUTBOX_BUDGET_SECS ? c->lease_seconds : OUTBOX_BUDGET_SECS;
}

int64_t outbox_lease(const struct conf *c)
{
    return outbox_budget(c) + SMTP_CONNECT_SECS + SMTP_TIMEOUT_SECS + 1;
}

int outbox_run(struct store *st, const struct conf *c, int64_t now)
{
    struct arena a = ARENA_INIT;
    struct outbox_msg *rows;
    uint8_t key[REPLYTO_KEY_LEN];
    int64_t started = time_mono_ns();
    size_t n;
    int rc;

    if (!c->smtp)
        return 0;
    pthread_once(&holder_once, make_holder);
    if ((rc = store_outbox_claim(st, holder, now, outbox_lease(c), OUTBOX_BATCH, &rows, &n, &a)) <
        0) {
        arena_release(&a);
        return rc;
    }
    if (n && (rc = store_mail_key(st, MAIL_KEY_REPLY_TO, key, sizeof(key), now)) < 0) {
        /* without it replies would come back unverified: give the rows back for the next run */
        log_warn("msg=\"reply-to key unreadable; rows given back\" rc=%d", rc);
        for (size_t i = 0; i < n; i++)
            store_outbox_release(st, rows[i].id, holder);
        arena_release(&a);
        return rc;
    }
    for (size_t i = 0; i < n; i++) {
        if (time_mono_ns() - started > outbox_budget(c) * 1000000000LL)
            rc = store_outbox_release(st, rows[i].id, holder);
        else
            rc = send_one(st, c, key, &rows[i]);
        if (rc < 0)
            log_error("msg=\"outbox update failed\" row=%" PRId64 " rc=%d", rows[i].id, rc);
    }
    sodium_memzero(key, sizeof(key));
    arena_release(&a);
    return 0;
}
