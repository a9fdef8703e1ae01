/*
 * utf8.h - UTF-8 checks for text that does not come through the JSON parser
 * (query strings, headers, file names).
 */
#ifndef CORE_UTF8_H
#define CORE_UTF8_H

#include "core/compat.h"

/* True when s[0..n) is well-formed UTF-8: no overlongs, surrogates or code points past U+10FFFF. */
bool utf8_valid(const char *s, size_t n);

#endif
