#include "core/compat.h"
#include "core/i18n.h"
#include "core/utf8.h"
#include "core/xalloc.h"

size_t utf8_decode(const char *str, size_t n, unsigned *out)
{
    const unsigned char *s = (const unsigned char *)str;
    unsigned c, need, min, cp;

    if (!n)
        return 0;
    if ((c = s[0]) < 0x80) {
        *out = c;
        return 1;
    }
    if (c >= 0xc2 && c <= 0xdf)
        need = 1, min = 0x80, cp = c & 0x1f;
    else if (c >= 0xe0 && c <= 0xef)
        need = 2, min = 0x800, cp = c & 0x0f;
    else if (c >= 0xf0 && c <= 0xf4)
        need = 3, min = 0x10000, cp = c & 0x07;
    else
        return 0;
    if (need >= n)
        return 0;
    for (unsigned k = 1; k <= need; k++) {
        if ((s[k] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[k] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    *out = cp;
    return need + 1;
}

/* Decode the code point at s[*i]; advance *i. False on malformed UTF-8. */
static bool next_cp(const unsigned char *s, size_t n, size_t *i, unsigned *out)
{
    size_t k = utf8_decode((const char *)s + *i, n - *i, out);

    *i += k;
    return k != 0;
}

bool utf8_valid(const char *str, size_t n)
{
    size_t i = 0;
    unsigned cp;

    while (i < n)
        if (!next_cp((const unsigned char *)str, n, &i, &cp))
            return false;
    return true;
}

/* Spaces of Unicode's Zs class and the invisible ones that read as nothing. */
static bool blank(unsigned cp)
{
    return cp == ' ' || cp == 0xa0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200d) ||
           cp == 0x202f || cp == 0x205f || cp == 0x2060 || cp == 0x3000 || cp == 0xfeff;
}

const char *utf8_line_problem(const char *str, size_t n)
{
    size_t i = 0;
    unsigned cp;
    bool seen = false;

    while (i < n) {
        if (!next_cp((const unsigned char *)str, n, &i, &cp))
            return TR_NOOP("is not valid UTF-8");
        if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f))
            return TR_NOOP("must be one line without control characters");
        if ((cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069))
            return TR_NOOP("must not contain bidirectional overrides");
        seen |= !blank(cp);
    }
    return seen ? NULL : "must not be blank";
}

char *utf8_line_clean(const char *str, size_t n, size_t *out_len)
{
    const unsigned char *s = (const unsigned char *)str;
    char *out = xmalloc(n + 1), *w = out;
    size_t i = 0, start;
    unsigned cp;
    bool seen = false;

    while (i < n) {
        start = i;
        if (!next_cp(s, n, &i, &cp)) {
            i = start + 1; /* a stray byte: dropped */
            continue;
        }
        if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f)) {
            if (w > out && w[-1] != ' ')
                *w++ = ' ';
            continue;
        }
        if ((cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069))
            continue;
        seen |= !blank(cp);
        memcpy(w, s + start, i - start);
        w += i - start;
    }
    while (w > out && w[-1] == ' ')
        w--;
    *w = '\0';
    if (!seen)
        *(w = out) = '\0';
    if (out_len)
        *out_len = (size_t)(w - out);
    return out;
}

void utf8_sanitize(struct strbuf *out, const char *s, size_t n)
{
    size_t i = 0, len;
    unsigned cp;

    while (i < n) {
        if ((len = utf8_decode(s + i, n - i, &cp))) {
            strbuf_add(out, s + i, len);
            i += len;
        } else {
            strbuf_addstr(out, "\xef\xbf\xbd"); /* U+FFFD */
            i++;
        }
    }
}

size_t utf8_cut(const char *s, size_t n, size_t max)
{
    if (n <= max)
        return n;
    while (max > 0 && ((unsigned char)s[max] & 0xc0) == 0x80)
        max--;
    return max;
}
