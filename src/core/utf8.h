/*
 * utf8.h - UTF-8 checks for text that does not come through the JSON parser
 * (query strings, headers, file names).
 */
#ifndef CORE_UTF8_H
#define CORE_UTF8_H

#include "core/compat.h"
#include "core/strbuf.h"

/*
 * The well-formed UTF-8 character at s[0..n): its length in bytes (1-4) with its code point
 * in *cp, or 0 when there is none (malformed, overlong, a surrogate, past U+10FFFF, cut off).
 */
size_t utf8_decode(const char *s, size_t n, unsigned *cp);
/* True when s[0..n) is well-formed UTF-8: no overlongs, surrogates or code points past U+10FFFF. */
bool utf8_valid(const char *s, size_t n);
/* The length of the longest prefix of s[0..n) of at most max bytes ending on a character. */
size_t utf8_cut(const char *s, size_t n, size_t max);
/* Append s[0..n) to out with every byte that is not part of a well-formed sequence as U+FFFD. */
void utf8_sanitize(struct strbuf *out, const char *s, size_t n);

/*
 * Why s[0..n) is not an acceptable one-line text (a subject, a name, a title),
 * as a phrase to follow the field's name ("must not be blank"), or NULL when
 * it is: valid UTF-8, no control characters (C0, DEL, C1: so no CR or LF), no
 * bidirectional embeddings, overrides or isolates (U+202A-202E, U+2066-2069),
 * and something besides spaces and invisible characters. Pure.
 */
const char *utf8_line_problem(const char *s, size_t n);
/*
 * s[0..n) made acceptable to utf8_line_problem where it can be: control
 * characters become one space, bidirectional controls and malformed bytes go,
 * trailing spaces go; "" when nothing visible is left. For text that must not
 * be refused (a mail's subject). The caller frees the result; *len (if not
 * NULL) receives its length.
 */
char *utf8_line_clean(const char *s, size_t n, size_t *len);

#endif
