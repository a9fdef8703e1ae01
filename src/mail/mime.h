/*
 * mime.h - one inbound RFC 5322 message as clean text, addresses and files
 * (GMime underneath).
 *
 * Everything returned is UTF-8 that text_clean() accepts, in the caller's
 * arena: header encoded words are decoded, every text part is converted
 * from its charset (ISO-8859-1 and US-ASCII read as windows-1252, the
 * superset mail clients actually send; a missing or unknown charset as UTF-8
 * when the bytes are UTF-8, else windows-1252), quoted-printable and base64
 * are undone, HTML without a plain alternative becomes text (mail/html.h),
 * and every other part is kept as an attachment with its name, type and size.
 *
 * The body is the text parts in order: in a multipart/alternative the plain
 * part, else the HTML one; parts marked as attachments, or with a file name,
 * are files. A forwarded message (message/rfc822) is a file "NAME.eml".
 * Nesting deeper than MIME_MAX_DEPTH and files past MIME_MAX_FILES are
 * dropped with a note in the body.
 */
#ifndef MAIL_MIME_H
#define MAIL_MIME_H

#include "core/compat.h"
#include "core/arena.h"
#include "core/strbuf.h"

#define MIME_MAX_DEPTH 32  /* nested multiparts followed */
#define MIME_MAX_FILES 100 /* attachments kept per message */
#define MIME_MAX_REFS 64   /* Message-IDs read from In-Reply-To and References */
#define MIME_MAX_AUTHRES 64 /* Authentication-Results fields kept, from the top */
#define MIME_MAX_RCPTS 64   /* addresses kept from To, Cc and Delivered-To */

struct mime_file {
    const char *filename;     /* as sent, without folders; "attachment-N" when none */
    const char *content_type; /* "type/subtype", lower case */
    const void *data;         /* the decoded bytes */
    size_t size;              /* their number */
};

struct mime_msg {
    const char *message_id;  /* without <>; NULL when the message has none */
    const char *from;        /* the first From address (addr-spec, lower case); NULL: none */
    const char *subject;     /* one line, trimmed; "" when none */
    const char *text;        /* the body as text, LF line ends */
    const char **refs;       /* In-Reply-To, then References newest first, each once */
    size_t nrefs;            /* entries in refs */
    struct mime_file *files; /* the attachments */
    size_t nfiles;           /* entries in files */
    bool automatic;          /* sent by a machine: Auto-Submitted (other than "no"),
                                Precedence bulk/junk/list, Return-Path <>, List-Id,
                                X-Auto-Response-Suppress, a mailer-daemon sender */
    size_t nfrom;            /* mailboxes in all From fields together (1 when from is the
                                one sender; 0 or more make the sender ambiguous) */
    const char **authres;    /* the values of the Authentication-Results fields, topmost
                                first, unparsed (mail/authres.h reads them) */
    size_t nauthres;         /* entries in authres */
    const char **rcpts;      /* the addresses of To, Cc and Delivered-To (lower case, each
                                once), where a signed reply address is looked for */
    size_t nrcpts;           /* entries in rcpts */
};

/*
 * Parse raw[0..len). Returns 0 with *out filled (strings in a), or
 * DESK_EINVAL with a reason in err when the input is empty or has no header
 * (anything else, however malformed, gives a best-effort message).
 */
int mime_parse(const char *raw, size_t len, struct mime_msg *out, struct arena *a,
               struct strbuf *err);

/*
 * The address (addr-spec, lower case) of the first mailbox in list, e.g.
 * "Support <Help@Example.com>" gives "help@example.com"; NULL when there is
 * none worth using. In the arena.
 */
const char *mime_first_address(const char *list, struct arena *a);

/* An addr-spec worth using: one '@' inside, no white space, control characters or <>". */
bool mime_address_ok(const char *s);

/*
 * Append bytes[0..n) in charset (NULL: none declared) to sb as clean UTF-8,
 * by the rules above.
 */
void mime_to_utf8(const char *bytes, size_t n, const char *charset, struct strbuf *sb);

#endif
