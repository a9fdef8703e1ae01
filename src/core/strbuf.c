#include "core/compat.h"
#include "core/strbuf.h"
#include "core/xalloc.h"

char strbuf_slopbuf[1];

void strbuf_init(struct strbuf *sb, size_t hint)
{
    *sb = (struct strbuf)STRBUF_INIT;
    if (hint)
        strbuf_grow(sb, hint);
}

void strbuf_init_max(struct strbuf *sb, size_t max)
{
    *sb = (struct strbuf)STRBUF_INIT;
    sb->max = max;
}

void strbuf_release(struct strbuf *sb)
{
    size_t max = sb->max;

    if (sb->alloc)
        free(sb->buf);
    *sb = (struct strbuf)STRBUF_INIT;
    sb->max = max;
}

char *strbuf_detach(struct strbuf *sb, size_t *len)
{
    char *p = sb->alloc ? sb->buf : xstrdup("");
    size_t max = sb->max;

    if (len)
        *len = sb->len;
    *sb = (struct strbuf)STRBUF_INIT;
    sb->max = max;
    return p;
}

void strbuf_reset(struct strbuf *sb)
{
    sb->overflow = false;
    strbuf_setlen(sb, 0);
}

bool strbuf_grow(struct strbuf *sb, size_t extra)
{
    size_t want;

    if (extra > SIZE_MAX - sb->len - 1 || (sb->max && sb->len + extra > sb->max)) {
        sb->overflow = true;
        return false;
    }
    want = sb->len + extra + 1;
    if (want <= sb->alloc)
        return true;
    if (!sb->alloc) {
        sb->buf = NULL;
        sb->alloc = 0;
    }
    {
        size_t n = sb->alloc ? sb->alloc : 64;
        while (n < want)
            n = n < SIZE_MAX / 2 ? n * 2 : want;
        sb->buf = xrealloc(sb->buf, n);
        if (!sb->alloc)
            sb->buf[0] = '\0';
        sb->alloc = n;
    }
    return true;
}

void strbuf_setlen(struct strbuf *sb, size_t len)
{
    if (!sb->alloc)
        return; /* slop buffer: len is 0 already */
    CHECK(len < sb->alloc);
    sb->len = len;
    sb->buf[len] = '\0';
}

void strbuf_add(struct strbuf *sb, const void *data, size_t len)
{
    if (!strbuf_grow(sb, len))
        return;
    if (len)
        memcpy(sb->buf + sb->len, data, len);
    sb->len += len;
    if (sb->alloc)
        sb->buf[sb->len] = '\0';
}

void strbuf_addstr(struct strbuf *sb, const char *s)
{
    strbuf_add(sb, s, strlen(s));
}

void strbuf_addch(struct strbuf *sb, int c)
{
    char ch = (char)c;
    strbuf_add(sb, &ch, 1);
}

void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap)
{
    va_list cp;
    int n;

    va_copy(cp, ap);
    n = vsnprintf(NULL, 0, fmt, cp);
    va_end(cp);
    if (n < 0 || !strbuf_grow(sb, (size_t)n))
        return;
    vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
    sb->len += (size_t)n;
}

void strbuf_addf(struct strbuf *sb, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    strbuf_vaddf(sb, fmt, ap);
    va_end(ap);
}

void strbuf_add_csv(struct strbuf *sb, const char *s, bool last)
{
    bool quote = strpbrk(s, ",\"\r\n") != NULL;

    if (quote)
        strbuf_addch(sb, '"');
    if (*s && strchr("=+-@\t\r", *s))
        strbuf_addch(sb, '\'');
    for (; *s; s++) {
        if (*s == '"')
            strbuf_addch(sb, '"');
        strbuf_addch(sb, *s);
    }
    if (quote)
        strbuf_addch(sb, '"');
    strbuf_addstr(sb, last ? "\r\n" : ",");
}

void strbuf_add_html(struct strbuf *sb, const char *s, size_t len)
{
    size_t i, start = 0;

    for (i = 0; i < len; i++) {
        const char *rep;
        switch (s[i]) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&quot;"; break;
        case '\'': rep = "&#39;"; break;
        default: continue;
        }
        strbuf_add(sb, s + start, i - start);
        strbuf_addstr(sb, rep);
        start = i + 1;
    }
    strbuf_add(sb, s + start, len - start);
}
