/*
 * smtp.h - sending one message over SMTP with libcurl.
 *
 * The URL is the smtp setting: smtp://HOST:PORT (STARTTLS used when the
 * server offers it) or smtps://HOST:PORT, with user:password@ before the
 * host when the relay wants a login. Recipients the server refuses are
 * skipped as long as one is accepted. Connecting gives up after
 * SMTP_CONNECT_SECS and the whole transfer after SMTP_TIMEOUT_SECS.
 */
#ifndef MAIL_SMTP_H
#define MAIL_SMTP_H

#include "core/compat.h"
#include "core/strbuf.h"

#define SMTP_CONNECT_SECS 5
#define SMTP_TIMEOUT_SECS 30

struct outbound;

/*
 * Send msg through the relay at url. Returns 0 once the server accepted the
 * message, or DESK_EIO with the reason (curl's and the server's) in err.
 */
int smtp_send(const char *url, const struct outbound *msg, struct strbuf *err);

#endif
