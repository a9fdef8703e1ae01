/*
 * html.h - an HTML mail body as readable plain text.
 *
 * Not a browser: tags go, the content of script, style, head, title and the
 * like goes with them, block elements become line breaks and paragraphs,
 * list items "- ", quotes "> ", links "text <url>", entities their
 * characters. White space collapses as in HTML, except in <pre>. Anything,
 * however malformed, gives some text and never markup.
 */
#ifndef MAIL_HTML_H
#define MAIL_HTML_H

#include "core/compat.h"
#include "core/strbuf.h"

/* Append the text of html[0..len) (UTF-8) to out: no leading or trailing blank lines. */
void html_to_text(const char *html, size_t len, struct strbuf *out);

#endif
