/*
 * authres.h - Authentication-Results header fields (RFC 8601), read by a
 * small parser of our own (Debian has no C library for them), and the one
 * question inbound mail asks of them: did our receiving MTA vouch for the
 * domain of the From address?
 *
 * Pure: no I/O, no globals; strings go into the caller's arena.
 *
 * The parser takes the field's value (what follows "Authentication-Results:",
 * folded or not) and accepts the RFC 8601 grammar: an authserv-id (a token
 * or a quoted string), an optional version (it must be 1), then "; none" or
 * one or more "; method[/version]=result [reason=value] [ptype.property=value
 * ...]". Comments (nested up to AUTHRES_MAX_DEPTH) and folding white space
 * may stand between any two items. Anything else (a control character, an
 * unterminated comment or quoted string, a missing "=", a field longer than
 * AUTHRES_MAX_LEN or with more than AUTHRES_MAX_RESULTS results or
 * AUTHRES_MAX_PROPS properties to a result) makes the whole field malformed:
 * it then says nothing at all (DESK_EINVAL), never half of what it holds.
 *
 * Which fields count (authres_vouches): every MTA on the way adds its field
 * at the top, so the fields of the MTA that received the mail for us are the
 * topmost ones with its authserv-id, and whatever a sender wrote lies below
 * them. Walking the fields from the top, a field whose authserv-id is not in
 * the trusted list is skipped (it says nothing); the first `max_fields`
 * fields whose authserv-id is trusted are read, and nothing below them. A
 * trusted field that is malformed still takes its place among them. So a
 * forged field with our authserv-id, lower in the message, is never read as
 * long as our MTA adds its own field(s) to every message, or removes fields
 * that carry its authserv-id (RFC 8601 section 5), as it must.
 *
 * A field vouches for domain D when one of its results is
 *   - dkim=pass with header.d equal to D, or header.i whose domain (after the
 *     '@') is D (strict alignment; a parent domain's signature does not
 *     count: for relaxed alignment rely on DMARC), or
 *   - dmarc=pass with header.from equal to D.
 * Domains are compared without regard to ASCII case or a final dot.
 */
#ifndef MAIL_AUTHRES_H
#define MAIL_AUTHRES_H

#include "core/compat.h"
#include "core/arena.h"

#define AUTHRES_MAX_LEN 16384   /* bytes of one field's value; longer is malformed */
#define AUTHRES_MAX_RESULTS 32  /* results in one field */
#define AUTHRES_MAX_PROPS 16    /* properties of one result */
#define AUTHRES_MAX_DEPTH 8     /* nested comments */
#define AUTHRES_MAX_FIELDS 8    /* the most trusted fields read (mail-authres-fields) */

struct authres_prop {
    const char *ptype;    /* "header", "smtp", "body", "policy", ... (lower case) */
    const char *property; /* "d", "i", "from", "mailfrom", ... (lower case) */
    const char *value;    /* as written, quotes and escapes undone */
};

struct authres_result {
    const char *method;                          /* "dkim", "dmarc", "spf", ... (lower case) */
    const char *result;                          /* "pass", "fail", "none", ... (lower case) */
    const char *reason;                          /* the reason=... text; NULL: none */
    struct authres_prop props[AUTHRES_MAX_PROPS]; /* in the order written */
    size_t nprops;                               /* entries used */
};

struct authres {
    const char *authserv_id;        /* lower case; set whenever it could be read */
    struct authres_result *results; /* in the order written (arena) */
    size_t nresults;                /* 0 for "; none" */
};

/*
 * Parse value[0..len). Returns 0 with *out filled, or DESK_EINVAL when the
 * field is malformed (out->authserv_id is still set when the authserv-id
 * itself could be read, NULL otherwise).
 */
int authres_parse(const char *value, size_t len, struct authres *out, struct arena *a);

/* Does the parsed field vouch for domain (rules above)? */
bool authres_field_vouches(const struct authres *ar, const char *domain);

/*
 * Do the trusted fields among fields[0..n) (values, topmost first) vouch
 * for domain? trusted is a list of authserv-ids separated by commas or
 * spaces (NULL or "": none is trusted, so the answer is false); max_fields
 * (1..AUTHRES_MAX_FIELDS) is how many trusted fields are read from the top.
 */
bool authres_vouches(const char *const *fields, size_t n, const char *trusted, int max_fields,
                     const char *domain, struct arena *a);

#endif
