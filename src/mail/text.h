/*
 * text.h - making text from mail safe to store and show: valid UTF-8, LF line
 * ends, no control characters, cut at character boundaries.
 */
#ifndef MAIL_TEXT_H
#define MAIL_TEXT_H

#include "core/compat.h"
#include "core/strbuf.h"

/* Append code point cp as UTF-8 (U+FFFD for surrogates, 0 and values past U+10FFFF). */
void text_put_utf8(struct strbuf *sb, uint32_t cp);
/*
 * Append s[0..n) cleaned: each byte that is not part of well-formed UTF-8
 * becomes U+FFFD, CRLF and lone CR become LF, NUL and the other control
 * characters but TAB and LF are dropped.
 */
void text_clean(struct strbuf *sb, const char *s, size_t n);
/* Make sb[from..] one line: runs of white space become one space; trimmed. */
void text_one_line(struct strbuf *sb, size_t from);

#endif
