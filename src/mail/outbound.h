/*
 * outbound.h - the bytes of a notice from the outbox, built with GMime.
 *
 * A multipart/alternative UTF-8 message: the notice's text, then the same
 * as HTML (the text read as Markdown with its line breaks kept, quoted lines
 * as quotes; core/markdown.h), each quoted-printable or base64 as needed,
 * CRLF line ends, with From (mail-from), To (the row's recipients), Subject,
 * Date, Message-ID <LOCAL@DOMAIN> where DOMAIN is that of mail-from (so the
 * same id on every attempt), In-Reply-To and References from the row's
 * thread, and Auto-Submitted (RFC 3834: "auto-replied" for receipts and
 * refusals, "auto-generated" for other machine notices, none for a reply a
 * person wrote) with X-Auto-Response-Suppress: All, so that well-behaved
 * systems do not answer them automatically.
 *
 * A notice about a request to one recipient carries Reply-To: the reply
 * address signed for that request and recipient (mail/replyto.h), so that
 * the answer comes back verified and finds its request. (Notices about a
 * request are queued one row per recipient; a row with several recipients,
 * or about no request, has no Reply-To.)
 */
#ifndef MAIL_OUTBOUND_H
#define MAIL_OUTBOUND_H

#include "core/compat.h"
#include "core/arena.h"
#include "core/strbuf.h"

struct outbox_msg;

/* A message ready for SMTP: the envelope and the bytes. */
struct outbound {
    const char *from;   /* envelope sender, addr-spec */
    const char **rcpt;  /* envelope recipients, addr-specs */
    size_t nrcpt;       /* how many (at least one) */
    struct strbuf data; /* the message, CRLF line ends (release with outbound_release) */
};

/*
 * Build m as sent from mail_from ("Name <addr>" or "addr") at now, with the
 * signed Reply-To made with reply_key (REPLYTO_KEY_LEN bytes; NULL: none).
 * Strings in a. Returns 0, or DESK_EINVAL with a reason in err when
 * mail_from or every recipient is not a usable address (recipients that are
 * not are skipped).
 */
int outbound_build(const struct outbox_msg *m, const char *mail_from, const uint8_t *reply_key,
                   int64_t now, struct outbound *out, struct arena *a, struct strbuf *err);
void outbound_release(struct outbound *out);

/* The full Message-ID (without <>) of token id: a local part gets "@" and mail_from's domain. */
const char *outbound_message_id(const char *id, const char *mail_from, struct arena *a);

#endif
