/*
 * strbuf.h - growable byte buffer with an optional maximum size.
 *
 * Invariants (git strbuf): `buf` is never NULL and always NUL-terminated,
 * `len` bytes are in use, `alloc` is the capacity (0 while `buf` points at
 * the shared empty slop buffer). With a maximum (curl dynbuf), an append
 * that would grow `len` beyond `max` appends nothing and sets the sticky
 * `overflow` flag; check it once with strbuf_overflowed() at the end.
 *
 *     struct strbuf sb = STRBUF_INIT;
 *     strbuf_init_max(&sb, MAX_JSON_BODY);
 *     strbuf_addf(&sb, "%d", 42);
 *     if (strbuf_overflowed(&sb)) ...
 *     strbuf_release(&sb);
 */
#ifndef CORE_STRBUF_H
#define CORE_STRBUF_H

#include "core/compat.h"

/* Named size limits used across the tree. */
#define MAX_JSON_BODY (1u << 20)           /* JSON request bodies */
#define MAX_UPLOAD (25u << 20)             /* one attachment */
#define MAX_MAIL_SIZE (40u << 20)          /* one inbound message (base64 grows by a third) */
#define MAX_CONFIG_FILE (64u << 10)        /* svcdesk.conf */

struct strbuf {
    size_t alloc; /* capacity of buf, 0 when buf is the slop buffer */
    size_t len;   /* bytes in use, not counting the NUL */
    size_t max;   /* largest len allowed, 0 for no maximum */
    bool overflow; /* sticky: an append was refused because of max */
    char *buf;    /* the bytes, NUL-terminated */
};

extern char strbuf_slopbuf[];
#define STRBUF_INIT {0, 0, 0, false, strbuf_slopbuf}

void strbuf_init(struct strbuf *sb, size_t hint);
/* As strbuf_init, with a maximum length. */
void strbuf_init_max(struct strbuf *sb, size_t max);
/* Free the bytes and reinitialise (the maximum is kept). */
void strbuf_release(struct strbuf *sb);
/* Hand the bytes to the caller (free() them); the buffer is reinitialised. */
char *strbuf_detach(struct strbuf *sb, size_t *len);
/* Empty the buffer and clear the overflow flag; keeps the allocation. */
void strbuf_reset(struct strbuf *sb);
/* Make room for extra more bytes; returns false (and sets overflow) past max. */
bool strbuf_grow(struct strbuf *sb, size_t extra);
void strbuf_setlen(struct strbuf *sb, size_t len);

void strbuf_add(struct strbuf *sb, const void *data, size_t len);
void strbuf_addstr(struct strbuf *sb, const char *s);
void strbuf_addch(struct strbuf *sb, int c);
void strbuf_addf(struct strbuf *sb, const char *fmt, ...) PRINTF_LIKE(2, 3);
void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap) PRINTF_LIKE(2, 0);
/* Append s with &<>"' replaced by HTML entities. */
void strbuf_add_html(struct strbuf *sb, const char *s, size_t len);
/*
 * Append s as one CSV field (RFC 4180): quoted when it holds a comma, quote
 * or line break, quotes doubled; a leading = + - @ tab or CR gets a ' so that
 * a spreadsheet does not run it as a formula. Then "," or, when last, CRLF.
 */
void strbuf_add_csv(struct strbuf *sb, const char *s, bool last);

static inline bool strbuf_overflowed(const struct strbuf *sb)
{
    return sb->overflow;
}

#endif
