/*
 * kb.h - the public knowledge-base pages: /kb/ (a search form and its
 * results, or the newest articles) and /kb/{id} (one article).
 *
 * Server-rendered HTML that works without JavaScript; every value is
 * HTML-escaped, article bodies are Markdown rendered safely
 * (core/markdown.h), and snippets are the store's escaped HTML. Readers
 * see what their role may (anonymous: public articles).
 */
#ifndef HTTP_PAGES_KB_H
#define HTTP_PAGES_KB_H

#include "http/http.h"

int page_kb_index(struct req *req, struct res *res);
int page_kb_article(struct req *req, struct res *res);

#endif
