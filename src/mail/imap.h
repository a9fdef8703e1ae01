/*
 * imap.h - reading a mailbox over IMAP with libcurl: the unseen messages,
 * each handed to a function, then marked \Seen and, when a folder is set,
 * moved there (created when missing).
 *
 * The URL is imap://HOST:PORT/MAILBOX or imaps://... (INBOX when it names
 * none); the login is given apart. Each command gives up after
 * IMAP_TIMEOUT_SECS (connecting after IMAP_CONNECT_SECS).
 */
#ifndef MAIL_IMAP_H
#define MAIL_IMAP_H

#include "core/compat.h"
#include "core/strbuf.h"

#define IMAP_CONNECT_SECS 5
#define IMAP_TIMEOUT_SECS 30

struct imap_conf {
    const char *url;      /* imap[s]://HOST:PORT/MAILBOX */
    const char *user;     /* login; NULL: from the URL or none */
    const char *password; /* password; NULL: none */
    const char *move_to;  /* folder for processed mail; NULL: left in place */
};

/*
 * Handle one message raw[0..len): return >= 0 when it is processed (it is
 * then marked \Seen and moved), < 0 when it should stay unseen and be
 * fetched again by the next poll (e.g. the database was busy).
 */
typedef int (*imap_handler)(const char *raw, size_t len, void *arg);

/*
 * Fetch up to max unseen messages, oldest first, and hand each to fn(arg).
 * *handled counts those fn processed. Returns 0, or DESK_EIO with the reason
 * in err when the server cannot be reached or refuses a command (messages
 * handled before that stay handled).
 */
int imap_poll(const struct imap_conf *c, int max, imap_handler fn, void *arg, int *handled,
              struct strbuf *err);

#endif
