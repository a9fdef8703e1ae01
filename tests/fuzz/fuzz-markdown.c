/*
 * fuzz-markdown.c - libFuzzer target for Markdown as the knowledge base, the
 * release notes, the known errors and (markdown_message_html) the messages of a
 * request show it: markdown_html (cmark, safe
 * mode, dangerous URLs dropped), the search words of a query (kb_terms), and
 * the HTML of a search snippet with hit markers (kb_snippet_html).
 *
 * Input: Markdown text; the same bytes are read as a search and as a raw
 * snippet (bytes 0x02/0x03 are the search engine's hit markers). The HTML is
 * valid UTF-8 and never holds raw HTML from the input (no <script, no
 * javascript: link); a snippet has only <mark> and </mark> as tags, balanced
 * and not nested, and is UTF-8 when its raw text is; search words are non-empty and free of query syntax.
 */
#include "core/compat.h"
#include "core/err.h"
#include "core/utf8.h"
#include "core/xalloc.h"
#include "domain/kb.h"
#include "core/markdown.h"
#include <strings.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_html(const char *html, const char *md)
{
    const char *p;

    if (!utf8_valid(html, strlen(html)))
        BUG("Markdown gave HTML that is not UTF-8");
    if (strcasestr(html, "<script") || strcasestr(html, "<iframe") ||
        strcasestr(html, "<style"))
        BUG("raw HTML passed through: %.200s", md);
    for (p = html; (p = strcasestr(p, "href=\"")); p += 6) {
        const char *u = p + 6;
        while (*u == ' ' || *u == '\t')
            u++;
        /* cmark keeps data: URLs of the raster image types (png, gif, jpeg, webp) */
        bool image = !strncasecmp(u, "data:image/png", 14) ||
                     !strncasecmp(u, "data:image/gif", 14) ||
                     !strncasecmp(u, "data:image/jpeg", 15) ||
                     !strncasecmp(u, "data:image/webp", 15);
        if (!strncasecmp(u, "javascript:", 11) || !strncasecmp(u, "vbscript:", 9) ||
            !strncasecmp(u, "file:", 5) || (!strncasecmp(u, "data:", 5) && !image))
            BUG("a dangerous link survived: %.80s", p);
    }
}

static void check_snippet(const char *html, bool raw_utf8)
{
    bool open = false;

    /* the raw snippet is the search engine's cut of stored text, so it is UTF-8 */
    if (raw_utf8 && !utf8_valid(html, strlen(html)))
        BUG("a snippet of UTF-8 is not UTF-8");
    for (const char *p = html; *p; p++) {
        if ((unsigned char)*p < 0x20 && *p != '\n' && *p != '\t')
            BUG("a control character in a snippet");
        if (*p == '>' || *p == '"' || *p == '\'')
            BUG("an unescaped '%c' in a snippet", *p);
        if (*p != '<')
            continue;
        if (!strncmp(p, "<mark>", 6)) {
            if (open)
                BUG("nested <mark>");
            open = true;
            p += 5;
        } else if (!strncmp(p, "</mark>", 7)) {
            if (!open)
                BUG("</mark> without <mark>");
            open = false;
            p += 6;
        } else {
            BUG("a tag other than mark in a snippet: %.20s", p);
        }
    }
    if (open)
        BUG("an unclosed <mark>");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct arena a = ARENA_INIT;
    const char *terms[KB_TERMS_MAX];
    size_t nterms = 0;
    char *md;

    if (size > 128 * 1024)
        return 0; /* cmark is linear, but keep each run short */
    md = xstrndup((const char *)data, size);
    check_html(markdown_html(md, &a), md);
    check_html(markdown_message_html(md, &a), md); /* a request's messages */
    if (kb_terms(md, terms, &nterms, &a) == 0) {
        if (nterms > KB_TERMS_MAX)
            BUG("%zu words", nterms);
        for (size_t i = 0; i < nterms; i++)
            if (!terms[i][0] || strpbrk(terms[i], "\"'()*:^ \t\n"))
                BUG("search word '%s' holds syntax", terms[i]);
    }
    check_snippet(kb_snippet_html(md, &a), utf8_valid(md, strlen(md)));
    free(md);
    arena_release(&a);
    return 0;
}
