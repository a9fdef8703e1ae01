/*
 * imap.h - reading a mailbox over IMAP with libcurl: the unseen messages,
 * each handed to a function, then marked \Seen and, when a folder is set,
 * moved there (created when missing).
 *
 * The URL is imap://HOST:PORT/MAILBOX or imaps://... (INBOX when it names
 * none); the login is given apart. Each command gives up after
 * IMAP_TIMEOUT_SECS (connecting after IMAP_CONNECT_SECS). A second kind of
 * connection only waits for news with IDLE (below).
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

/* ---- waiting for mail with IDLE (RFC 2177) ---------------------------------- */

/*
 * A second connection that only waits: libcurl connects and logs in
 * (CURLOPT_CONNECT_ONLY), then we speak CAPABILITY, SELECT, IDLE and DONE
 * over it ourselves (tags "sdi1", "sdi2", ...). It never reads or changes a
 * message: the poll does that; the watcher only says when to poll.
 */
struct imap_idle;

/* Asked between short waits (at most IMAP_IDLE_STEP_MS): true to give up now. */
typedef bool (*imap_stop_fn)(void *arg);

#define IMAP_IDLE_STEP_MS 250       /* longest wait before stop is asked again */
#define IMAP_IDLE_RENEW_SECS (29 * 60) /* an IDLE is ended and issued again this often */

/*
 * Connect, log in, check that CAPABILITY lists IDLE and SELECT the mailbox.
 * *out is the connection, or NULL on failure. Returns 0; DESK_ENOTFOUND
 * when the server offers no IDLE; DESK_EIO with the reason in err when it
 * cannot be reached or refuses a command (or stop said so).
 */
int imap_idle_open(const struct imap_conf *c, imap_stop_fn stop, void *arg,
                   struct imap_idle **out, struct strbuf *err);

/*
 * IDLE until new mail is announced (EXISTS or RECENT), max_secs pass, or stop
 * says so; then DONE. Returns 1 for new mail, 0 for the others, DESK_EIO with
 * the reason in err when the connection fails (close it then).
 */
int imap_idle_wait(struct imap_idle *w, int max_secs, imap_stop_fn stop, void *arg,
                   struct strbuf *err);

/* Log out (briefly) and free; NULL is fine. */
void imap_idle_close(struct imap_idle *w);

/* ---- protocol lines (pure; for the above and its tests) ---------------------- */

/* Whether line[0..len) (no CRLF) is "* N EXISTS" or "* N RECENT", any case. */
bool imap_line_new_mail(const char *line, size_t len);
/* Whether line[0..len) is an untagged CAPABILITY answer that lists IDLE. */
bool imap_line_offers_idle(const char *line, size_t len);
/*
 * Whether line[0..len) is the tagged answer to tag: 1 for OK, -1 for NO or
 * BAD, 0 when it is not tagged with tag.
 */
int imap_line_tagged(const char *line, size_t len, const char *tag);

#endif
