/*
 * utf8.h - UTF-8 checks for text that does not come through the JSON parser
 * (query strings, headers, file names).
 */
#ifndef CORE_UTF8_H
#define CORE_UTF8_H

#include "core/compat.h"
#include "core/strbuf.h"

/* True when s[0..n) is well-formed UTF-8: no overlongs, surrogates or code points past U+10FFFF. */
bool utf8_valid(const char *s, size_t n);
/* Append s[0..n) to out with every byte that is not part of a well-formed sequence as U+FFFD. */
void utf8_sanitize(struct strbuf *out, const char *s, size_t n);

#endif
