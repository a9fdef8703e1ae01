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
#define INBOX_IDLE_RETRY_SECS 300 /* IDLE is tried again this long after the server lacked it */
#define INBOX_IDLE_RECONNECT_SECS 10 /* ... after a watch was cut; doubling while it fails */

struct store;

/* Poll the mailbox of c->imap_url once (a job's run function). 0 or a desk_err. */
int inbox_run(struct store *st, const struct conf *c, int64_t now);

/*
 * Watch the mailbox of c->imap_url with IMAP IDLE (mail/imap.h) until pause
 * says to stop, calling wake(arg) whenever the server announces new mail and
 * once at the start of each watch (for mail that came before it): the caller
 * then runs the poll under its lease, so with several servers each watches
 * but only the lease holder reads. pause(arg, secs) waits up to secs (0: not
 * at all) and returns true when the server stops. Without IDLE (the server
 * does not offer it, or it fails) the poll alone reads the mailbox, every
 * imap-poll-seconds: that is logged once, and IDLE is tried again later
 * (INBOX_IDLE_RETRY_SECS when the server lacks it; when it failed, after
 * INBOX_IDLE_RECONNECT_SECS, doubling up to the former). Returns when pause
 * says to stop.
 */
void inbox_watch(const struct conf *c, bool (*pause)(void *arg, int secs),
                 void (*wake)(void *arg), void *arg);

#endif
