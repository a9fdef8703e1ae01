/*
 * markdown.h - Markdown (CommonMark, cmark) to HTML that is safe to serve.
 *
 * Raw HTML in the source is never passed through (cmark's safe mode: it
 * becomes an HTML comment, "raw HTML omitted"), and links or images with
 * javascript:, vbscript:, file: or data: URLs (other than images) lose
 * their URL. Text is escaped. So an article, release note or any other
 * Markdown a user wrote can be shown in a page as it is rendered.
 */
#ifndef CORE_MARKDOWN_H
#define CORE_MARKDOWN_H

#include "core/compat.h"
#include "core/arena.h"

/* The HTML of the Markdown text md (arena). Invalid UTF-8 is replaced, never passed on. */
const char *markdown_html(const char *md, struct arena *a);
/*
 * As markdown_html, for the messages of a request, which are often plain text from a mail
 * client: every line break kept (a <br>), and raw HTML shown as the text it is (an HTML
 * block as a code block), never omitted and never markup.
 */
const char *markdown_message_html(const char *md, struct arena *a);

#endif
