/*
 * portal_kb.c - GET /portal/kb?q=: the knowledge base searched from the
 * portal, as the signed-in customer may read it (public and customers
 * articles; store_article_search filters by the caller's role). Results
 * link to the article pages under /kb/, which take the session cookie.
 *
 * The new-request form suggests articles as the subject is typed: the
 * optional script web/static/svcdesk.js reads GET /api/v1/kb/articles?q=
 * with the session cookie. The form works the same without it.
 */
#include "core/compat.h"
#include "http/pages/pages.h"
#include "core/err.h"
#include "domain/kb.h"
#include "store/store.h"

#define RESULTS_MAX 20 /* articles a page */

static json_t *hit_json(const struct kb_hit *h)
{
    json_t *tags = json_array();

    for (size_t i = 0; i < h->article.ntags; i++)
        json_array_append_new(tags, json_string(h->article.tags[i]));
    return json_pack("{s:I, s:s, s:o, s:o}", "id", (json_int_t)h->article.id, "title",
                     h->article.title, "tags", tags, "updated",
                     page_time(h->article.updated_at, NULL));
}

int page_portal_kb(struct req *req, struct res *res)
{
    const char *q = req_query(req, "q");
    const char **terms = ARENA_NEWN(req->arena, const char *, KB_TERMS_MAX);
    struct kb_query kq = {q && *q, terms, 0, NULL, RESULTS_MAX};
    struct kb_hit *hits;
    const char *next;
    json_t *list;
    size_t n;
    int rc;

    if (kq.search && kb_terms(q, terms, &kq.nterms, req->arena) < 0)
        return page_error(req, res, DESK_EBADREQ, "the search has too many words");
    rc = store_article_search(req->store, &req->caller, &kq, &hits, &n, &next, req->arena);
    if (rc < 0)
        return page_error(req, res, rc, "the knowledge base cannot be searched");
    list = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(list, hit_json(&hits[i]));
    return page_render(req, res, 200, "portal_kb",
                       json_pack("{s:s, s:s, s:b, s:o}", "title", tr("Knowledge base"), "q",
                                 q ? q : "", "searched", kq.search, "articles", list));
}
