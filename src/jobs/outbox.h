/*
 * outbox.h - the sender of the outbox: a job of `serve --smtp` (scheduler.c,
 * the mail thread) that runs every second.
 *
 * Each run leases up to OUTBOX_BATCH due rows (so several servers never send
 * one row at the same time), sends each through the relay, and marks it
 * sent; a failed attempt is counted and retried after mail-retry-seconds,
 * doubling each time up to OUTBOX_BACKOFF_MAX. A row is never dropped. A run
 * stops taking rows after outbox_budget() and gives the rest back, so a slow
 * relay cannot hold the mail thread; the rows' lease (outbox_lease()) outlasts
 * the budget and the longest send after it, so while the server that claimed
 * a row lives, no other server sends it. When that server dies, its rows go
 * out from another server once their lease ends.
 *
 * Delivery is at least once: a crash between the relay's acceptance and
 * the "sent" mark sends the row again after its lease ends, with the same
 * Message-ID (receivers may drop the copy).
 */
#ifndef JOBS_OUTBOX_H
#define JOBS_OUTBOX_H

#include "core/compat.h"
#include "core/conf.h"

#define OUTBOX_BATCH 16        /* rows leased per run */
#define OUTBOX_BUDGET_SECS 20  /* a run takes no new row after this (at most lease-seconds) */
#define OUTBOX_BACKOFF_MAX 300 /* the longest wait between attempts */

struct store;

/* Send the rows due at now through c->smtp (a job's run function). 0 or a desk_err. */
int outbox_run(struct store *st, const struct conf *c, int64_t now);
/* Seconds a run goes on taking rows: OUTBOX_BUDGET_SECS, or lease-seconds when shorter. */
int64_t outbox_budget(const struct conf *c);
/* Seconds a run's rows are leased: its budget, and the longest send begun within it. */
int64_t outbox_lease(const struct conf *c);
/* When to try again after a row's attempt number `attempts` (1 for the first) failed at now. */
int64_t outbox_retry_at(int64_t now, int attempts, int64_t first_delay);

#endif
