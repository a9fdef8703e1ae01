/*
 * markdown.c - Markdown to safe HTML with cmark (see markdown.h).
 */
#include "core/compat.h"
#include "http/markdown.h"
#include <cmark.h>

/*
 * CMARK_OPT_SAFE is the default from cmark 0.29 on (and ignored there);
 * it is named so that an older library is safe too. CMARK_OPT_UNSAFE is
 * never given.
 */
#define MARKDOWN_OPTIONS (CMARK_OPT_DEFAULT | CMARK_OPT_SAFE | CMARK_OPT_VALIDATE_UTF8)

const char *markdown_html(const char *md, struct arena *a)
{
    const char *text = md ? md : "";
    char *html = cmark_markdown_to_html(text, strlen(text), MARKDOWN_OPTIONS);
    const char *out = arena_strdup(a, html ? html : "");

    free(html);
    return out;
}
