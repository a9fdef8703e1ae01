#include "core/compat.h"
#include "core/utf8.h"

/* Bytes of the well-formed sequence at s[0..n) (n > 0), or 0 when it is not one. */
static size_t seq_len(const unsigned char *s, size_t n)
{
    unsigned c = s[0], need, min, cp;

    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf)
        need = 1, min = 0x80, cp = c & 0x1f;
    else if (c >= 0xe0 && c <= 0xef)
        need = 2, min = 0x800, cp = c & 0x0f;
    else if (c >= 0xf0 && c <= 0xf4)
        need = 3, min = 0x10000, cp = c & 0x07;
    else
        return 0;
    for (unsigned k = 1; k <= need; k++) {
        if (k >= n || (s[k] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[k] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return need + 1;
}

bool utf8_valid(const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0, len;

    while (i < n) {
        if (!(len = seq_len(s + i, n - i)))
            return false;
        i += len;
    }
    return true;
}

void utf8_sanitize(struct strbuf *out, const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0, len;

    while (i < n) {
        if ((len = seq_len(s + i, n - i))) {
            strbuf_add(out, s + i, len);
            i += len;
        } else {
            strbuf_addstr(out, "\xef\xbf\xbd"); /* U+FFFD */
            i++;
        }
    }
}
