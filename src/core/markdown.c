/*
 * markdown.c - Markdown to safe HTML with cmark (see markdown.h).
 */
#include "core/compat.h"
#include "core/markdown.h"
#include "core/xalloc.h"
#include <cmark.h>

/*
 * CMARK_OPT_SAFE is the default from cmark 0.29 on (and ignored there);
 * it is named so that an older library is safe too. CMARK_OPT_UNSAFE is
 * never given.
 */
#define MARKDOWN_OPTIONS (CMARK_OPT_DEFAULT | CMARK_OPT_SAFE | CMARK_OPT_VALIDATE_UTF8)

static const char *render(const char *md, int options, struct arena *a)
{
    const char *text = md ? md : "";
    char *html = cmark_markdown_to_html(text, strlen(text), options);
    const char *out = arena_strdup(a, html ? html : "");

    free(html);
    return out;
}

const char *markdown_html(const char *md, struct arena *a)
{
    return render(md, MARKDOWN_OPTIONS, a);
}

/*
 * A message's raw HTML is text its writer typed ("the <meter> tag is missing", a pasted
 * XML file): shown as such, not omitted. Inline HTML becomes a text node, an HTML block a
 * code block, so the renderer escapes them; the nodes are collected first and replaced
 * after the walk.
 */
static void html_as_text(cmark_node *doc)
{
    cmark_iter *it = cmark_iter_new(doc);
    cmark_node **found = NULL;
    size_t n = 0, alloc = 0;
    cmark_event_type ev;

    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *node = cmark_iter_get_node(it);
        cmark_node_type t = cmark_node_get_type(node);
        if (ev != CMARK_EVENT_ENTER || (t != CMARK_NODE_HTML_INLINE && t != CMARK_NODE_HTML_BLOCK))
            continue;
        if (n == alloc)
            found = xrealloc(found, (alloc = alloc ? 2 * alloc : 8) * sizeof(*found));
        found[n++] = node;
    }
    cmark_iter_free(it);
    for (size_t i = 0; i < n; i++) {
        bool block = cmark_node_get_type(found[i]) == CMARK_NODE_HTML_BLOCK;
        cmark_node *text = cmark_node_new(block ? CMARK_NODE_CODE_BLOCK : CMARK_NODE_TEXT);
        cmark_node_set_literal(text, cmark_node_get_literal(found[i]));
        cmark_node_replace(found[i], text);
        cmark_node_free(found[i]);
    }
    free(found);
}

const char *markdown_message_html(const char *md, struct arena *a)
{
    const int options = MARKDOWN_OPTIONS | CMARK_OPT_HARDBREAKS;
    const char *text = md ? md : "";
    cmark_node *doc = cmark_parse_document(text, strlen(text), options);
    char *html;
    const char *out;

    if (!doc)
        return arena_strdup(a, "");
    html_as_text(doc);
    html = cmark_render_html(doc, options);
    out = arena_strdup(a, html ? html : "");
    free(html);
    cmark_node_free(doc);
    return out;
}
