/*
 * kb.c - GET /kb/ and GET /kb/{id}: the knowledge base as HTML pages (see kb.h).
 *
 * Written with strbuf and strbuf_add_html until the pages move to the
 * template engine: each value goes through html() or, for a URL query,
 * page_url_encode(); the only raw HTML is what markdown_html() and the store's
 * snippets produce, both escaped at their source.
 */
#define LOG_MODULE "http"
#include "core/compat.h"
#include "http/pages/kb.h"
#include "http/pages/pages.h"
#include "core/err.h"
#include "core/log.h"
#include "core/strbuf.h"
#include "core/time.h"
#include "domain/kb.h"
#include "core/markdown.h"
#include "store/store.h"

#define PAGE_LIMIT 20        /* results per page */
#define PAGE_MAX (16u << 20) /* bytes of a page: a 256 KiB article escaped is far below */

static const char page_style[] =
    "body{font:16px/1.5 system-ui,sans-serif;max-width:46em;margin:2em auto;padding:0 1em}"
    "mark{background:#fe8}ol{padding-left:1.2em}li{margin:.8em 0}.meta{color:#666;"
    "font-size:.9em}input[type=search]{width:70%}";

static void html(struct strbuf *sb, const char *s) { strbuf_add_html(sb, s, strlen(s)); }

static void page_open(struct strbuf *sb, const char *title)
{
    strbuf_addstr(sb, "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                      "<title>");
    html(sb, title);
    strbuf_addf(sb, " - Knowledge base</title><style>%s</style></head><body>\n", page_style);
}

/* Finish the page and answer it with status (DESK_EIO when it outgrew PAGE_MAX). */
static int page_send(struct res *res, int status, struct strbuf *sb)
{
    strbuf_addstr(sb, "</body></html>\n");
    if (strbuf_overflowed(sb)) {
        log_error("msg=\"page larger than its maximum\" max=%u", PAGE_MAX);
        strbuf_release(sb);
        return DESK_EIO;
    }
    res_header(res, "Content-Security-Policy",
               "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' https: data:; "
               "form-action 'self'; base-uri 'none'; frame-ancestors 'none'");
    res_header(res, "Referrer-Policy", "same-origin");
    res_bytes(res, status, "text/html; charset=utf-8", sb->buf, sb->len);
    strbuf_release(sb);
    return 0;
}

static void search_form(struct strbuf *sb, const char *q)
{
    strbuf_addstr(sb, "<form method=\"get\" action=\"/kb/\" role=\"search\">"
                      "<input type=\"search\" name=\"q\" aria-label=\"Search\" value=\"");
    html(sb, q ? q : "");
    strbuf_addstr(sb, "\"> <button type=\"submit\">Search</button></form>\n");
}

static void tags_line(struct strbuf *sb, const struct kb_article *art)
{
    for (size_t i = 0; i < art->ntags; i++) {
        strbuf_addstr(sb, i ? ", " : " · ");
        html(sb, art->tags[i]);
    }
}

static void result_item(struct strbuf *sb, const struct kb_hit *h)
{
    char when[TIME_RFC3339_LEN];

    time_format_rfc3339(h->article.updated_at, when);
    strbuf_addf(sb, "<li><a href=\"/kb/%" PRId64 "\">", h->article.id);
    html(sb, h->article.title);
    strbuf_addstr(sb, "</a>");
    if (h->snippet)
        strbuf_addf(sb, "<br>%s", h->snippet); /* escaped HTML with <mark> (kb_snippet_html) */
    strbuf_addf(sb, "<div class=\"meta\">updated %.10s", when);
    tags_line(sb, &h->article);
    strbuf_addstr(sb, "</div></li>\n");
}

static void next_link(struct strbuf *sb, const char *q, const char *next)
{
    strbuf_addstr(sb, "<p><a rel=\"next\" href=\"/kb/?");
    if (q) {
        strbuf_addstr(sb, "q=");
        page_url_encode(sb, q);
        strbuf_addstr(sb, "&amp;");
    }
    strbuf_addstr(sb, "cursor=");
    page_url_encode(sb, next);
    strbuf_addstr(sb, "\">More results</a></p>\n");
}

/* The results part of /kb/: a list, or why there is none. */
static int results(struct req *req, struct strbuf *sb, const char *q, const char *cursor)
{
    const char **terms = ARENA_NEWN(req->arena, const char *, KB_TERMS_MAX);
    struct kb_query kq = {q && *q, terms, 0, cursor, PAGE_LIMIT};
    struct kb_hit *items;
    const char *next;
    size_t n;
    int rc;

    if (kb_terms(q, terms, &kq.nterms, req->arena) < 0) {
        strbuf_addf(sb, "<p>Search with at most %d words.</p>\n", KB_TERMS_MAX);
        return 400;
    }
    rc = store_article_search(req->store, &req->caller, &kq, &items, &n, &next, req->arena);
    if (rc == DESK_EBADREQ) {
        strbuf_addstr(sb, "<p>This page link is not valid; search again.</p>\n");
        return 400;
    }
    if (rc < 0)
        return http_status_from_err(rc);
    if (!n)
        strbuf_addstr(sb, kq.search ? "<p>No article matches every word.</p>\n"
                                    : "<p>No articles yet.</p>\n");
    strbuf_addstr(sb, n ? "<ol class=\"results\">\n" : "");
    for (size_t i = 0; i < n; i++)
        result_item(sb, &items[i]);
    strbuf_addstr(sb, n ? "</ol>\n" : "");
    if (next)
        next_link(sb, kq.search ? q : NULL, next);
    return 200;
}

int page_kb_index(struct req *req, struct res *res)
{
    const char *q = req_query(req, "q");
    struct strbuf sb = STRBUF_INIT;
    int status;

    strbuf_init_max(&sb, PAGE_MAX);
    page_open(&sb, q && *q ? "Search" : "Articles");
    strbuf_addstr(&sb, "<h1>Knowledge base</h1>\n");
    search_form(&sb, q);
    status = results(req, &sb, q, req_query(req, "cursor"));
    if (status >= 500) {
        strbuf_release(&sb);
        return DESK_EIO;
    }
    return page_send(res, status, &sb);
}

int page_kb_article(struct req *req, struct res *res)
{
    struct strbuf sb = STRBUF_INIT;
    char when[TIME_RFC3339_LEN];
    struct kb_article art;
    int rc;

    strbuf_init_max(&sb, PAGE_MAX);
    rc = store_article_get(req->store, &req->caller, req->params[0], &art, req->arena);
    if (rc == DESK_ENOTFOUND) {
        page_open(&sb, "Not found");
        strbuf_addstr(&sb, "<h1>Not found</h1><p>There is no such article here.</p>"
                           "<p><a href=\"/kb/\">Knowledge base</a></p>\n");
        return page_send(res, 404, &sb);
    }
    if (rc < 0) {
        strbuf_release(&sb);
        return rc;
    }
    time_format_rfc3339(art.updated_at, when);
    page_open(&sb, art.title);
    strbuf_addstr(&sb, "<p><a href=\"/kb/\">Knowledge base</a></p>\n<article><h1>");
    html(&sb, art.title);
    strbuf_addf(&sb, "</h1><div class=\"meta\">updated %.10s", when);
    tags_line(&sb, &art);
    strbuf_addf(&sb, "</div>\n%s</article>\n", markdown_html(art.body, req->arena));
    return page_send(res, 200, &sb);
}
