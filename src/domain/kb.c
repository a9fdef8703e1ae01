/*
 * kb.c - knowledge-base rules: visibility, search words, snippet HTML (see kb.h).
 */
#include "core/compat.h"
#include "domain/kb.h"
#include "core/err.h"
#include "core/strbuf.h"
#include "core/utf8.h"

const char *const kb_visibility_names[] = {"public", "customers", "internal", NULL};

const char *kb_visibility_name(enum kb_visibility v) { return kb_visibility_names[v]; }

int kb_visibility_parse(const char *s, enum kb_visibility *out)
{
    for (int i = 0; s && kb_visibility_names[i]; i++)
        if (!strcmp(s, kb_visibility_names[i])) {
            *out = (enum kb_visibility)i;
            return 0;
        }
    return DESK_EINVAL;
}

enum kb_visibility kb_visibility_for(enum role r)
{
    if (r >= ROLE_AGENT)
        return KB_INTERNAL;
    return r == ROLE_CUSTOMER ? KB_CUSTOMERS : KB_PUBLIC;
}

/* Part of a word: an ASCII letter or digit, or any byte of a non-ASCII character. */
static bool word_byte(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
}

int kb_terms(const char *q, const char *terms[KB_TERMS_MAX], size_t *n, struct arena *a)
{
    size_t len = q ? strlen(q) : 0, i = 0;

    *n = 0;
    if (len > KB_QUERY_MAX || !utf8_valid(q ? q : "", len))
        return DESK_EBADREQ;
    while (i < len) {
        size_t start;
        while (i < len && !word_byte((unsigned char)q[i]))
            i++;
        if (i == len)
            break;
        if (*n == KB_TERMS_MAX)
            return DESK_EBADREQ;
        for (start = i; i < len && word_byte((unsigned char)q[i]); i++)
            ;
        terms[(*n)++] = arena_strndup(a, q + start, i - start);
    }
    return 0;
}

const char *kb_snippet_html(const char *raw, struct arena *a)
{
    struct strbuf sb = STRBUF_INIT;
    const char *p = raw ? raw : "", *run = p;
    bool open = false;
    char *out;

    for (;; p++) {
        unsigned char c = (unsigned char)*p;
        if (c >= 0x20 || c == '\t' || c == '\n')
            continue;
        strbuf_add_html(&sb, run, (size_t)(p - run));
        run = p + 1;
        if (c == KB_MARK_OPEN[0] && !open)
            strbuf_addstr(&sb, "<mark>"), open = true;
        else if (c == KB_MARK_CLOSE[0] && open)
            strbuf_addstr(&sb, "</mark>"), open = false;
        if (!c)
            break;
    }
    if (open)
        strbuf_addstr(&sb, "</mark>");
    out = arena_memdup(a, sb.buf, sb.len);
    strbuf_release(&sb);
    return out;
}
