/*
 * inbox.h - the IMAP poll: a job of `serve` with imap-url set (scheduler.c,
 * the mail thread), every imap-poll-seconds.
 *
 * Each run fetches up to INBOX_BATCH unseen messages and records each as
 * `mail-in` would (mail/inbound.h); a processed message is marked \Seen and
 * moved to imap-move-to when set. A message that could not be recorded (the
 * database was busy) stays unseen for the next run; one that is not mail at
 * all is marked seen (and moved) too, with a warning, so that it does not
 * come back forever.
 */
#ifndef JOBS_INBOX_H
#define JOBS_INBOX_H

#include "core/compat.h"
#include "core/conf.h"

#define INBOX_BATCH 50 /* messages handled per run at most */

struct store;

/* Poll the mailbox of c->imap_url once (a job's run function). 0 or a desk_err. */
int inbox_run(struct store *st, const struct conf *c, int64_t now);

#endif
