/*
 * text.c - clean UTF-8 text (see text.h).
 */
#include "core/compat.h"
#include "mail/text.h"
#include "core/utf8.h"

void text_put_utf8(struct strbuf *sb, uint32_t cp)
{
    char b[4];

    if (cp == 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        cp = 0xfffd;
    if (cp < 0x80) {
        strbuf_addch(sb, (int)cp);
    } else if (cp < 0x800) {
        b[0] = (char)(0xc0 | (cp >> 6));
        b[1] = (char)(0x80 | (cp & 0x3f));
        strbuf_add(sb, b, 2);
    } else if (cp < 0x10000) {
        b[0] = (char)(0xe0 | (cp >> 12));
        b[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        b[2] = (char)(0x80 | (cp & 0x3f));
        strbuf_add(sb, b, 3);
    } else {
        b[0] = (char)(0xf0 | (cp >> 18));
        b[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
        b[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
        b[3] = (char)(0x80 | (cp & 0x3f));
        strbuf_add(sb, b, 4);
    }
}

void text_clean(struct strbuf *sb, const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0, k;
    unsigned cp;

    while (i < n) {
        unsigned c = s[i];
        if (c == '\r') {
            strbuf_addch(sb, '\n');
            i += i + 1 < n && s[i + 1] == '\n' ? 2 : 1;
        } else if (c < 0x20 || c == 0x7f) {
            if (c == '\n' || c == '\t')
                strbuf_addch(sb, (int)c);
            i++;
        } else if ((k = utf8_decode((const char *)s + i, n - i, &cp)) == 0) {
            text_put_utf8(sb, 0xfffd);
            i++;
        } else {
            strbuf_add(sb, s + i, k);
            i += k;
        }
    }
}

void text_one_line(struct strbuf *sb, size_t from)
{
    size_t out = from;
    bool space = true; /* drops leading white space */

    for (size_t i = from; i < sb->len; i++) {
        char c = sb->buf[i];
        bool white = c == ' ' || c == '\t' || c == '\n' || c == '\r';
        if (white && space)
            continue;
        sb->buf[out++] = white ? ' ' : c;
        space = white;
    }
    if (out > from && sb->buf[out - 1] == ' ')
        out--;
    strbuf_setlen(sb, out);
}
