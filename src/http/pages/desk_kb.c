/*
 * desk_kb.c - knowledge-base editing on the desk (agents, admins):
 *
 *   GET /desk/kb            every article (public, customers, internal),
 *                           newest first, paged, with a form to write one
 *   POST /desk/kb           create: title, body (Markdown), tags (comma-
 *                           separated), visibility; 303 to its page
 *   GET /desk/kb/{id}       the edit form and a preview of the body rendered
 *                           by markdown_html (escaped at its source), with a
 *                           link to /kb/{id} when the article is public
 *   POST /desk/kb/{id}      save the form; 303 to the same page
 *
 * A form with a mistake is shown again with 422 and what was typed.
 */
#include "core/compat.h"
#include "http/pages/pages.h"
#include "core/err.h"
#include "core/time.h"
#include "http/input.h"
#include "domain/kb.h"
#include "core/markdown.h"
#include "store/store.h"

#define LIST_LIMIT 100 /* articles a page of the list */

/* The article form as typed (or as stored), for the templates. */
struct article_form {
    const char *title, *body, *tags; /* tags as "a, b, c" */
    enum kb_visibility visibility;   /* the selected one */
};

static json_t *form_json(const struct article_form *f)
{
    json_t *vis = json_array();

    for (size_t i = 0; kb_visibility_names[i]; i++)
        json_array_append_new(vis, json_pack("{s:s, s:b}", "value", kb_visibility_names[i],
                                             "selected", (size_t)f->visibility == i));
    return json_pack("{s:s, s:s, s:s, s:o}", "title", f->title, "body", f->body, "tags", f->tags,
                     "visibilities", vis);
}

static const char *tags_text(const struct kb_article *art, struct arena *a)
{
    return page_join(art->tags, art->ntags, a);
}

/*
 * Read the posted form into *f and *art (tags split on commas, trimmed,
 * empty ones skipped; arena copies). NULL when fine, else why (arena).
 */
static const char *read_form(struct req *req, struct article_form *f, struct kb_article *art)
{
    const char **tags = ARENA_NEWN(req->arena, const char *, KB_TAGS_MAX);
    const char *why, *p;

    f->title = page_form_str(req, "title");
    f->body = page_form_str(req, "body");
    f->tags = page_form_str(req, "tags");
    f->visibility = KB_INTERNAL;
    if (kb_visibility_parse(page_form_str(req, "visibility"), &f->visibility) < 0)
        return "choose who may read the article";
    if (!*f->title)
        return "give the title";
    if ((why = page_line_problem("the title", f->title, KB_TITLE_MAX, req->arena)) ||
        (why = page_text_problem("the body", f->body, KB_BODY_MAX, req->arena)) ||
        (why = page_text_problem("the tags", f->tags, KB_TAGS_MAX * (KB_TAG_MAX + 2), req->arena)))
        return why;
    *art = (struct kb_article){.title = f->title, .body = f->body, .visibility = f->visibility};
    for (p = f->tags; *p;) {
        const char *end = strchr(p, ','), *s = p, *e;

        e = end ? end : p + strlen(p);
        p = end ? end + 1 : e;
        while (s < e && strchr(" \t\r\n", *s))
            s++;
        while (e > s && strchr(" \t\r\n", e[-1]))
            e--;
        if (s == e)
            continue;
        if (art->ntags == KB_TAGS_MAX)
            return arena_sprintf(req->arena, "at most %d tags", KB_TAGS_MAX);
        if (utf8_chars(s, (size_t)(e - s)) > KB_TAG_MAX)
            return arena_sprintf(req->arena, "a tag has at most %d characters", KB_TAG_MAX);
        tags[art->ntags++] = arena_strndup(req->arena, s, (size_t)(e - s));
    }
    art->tags = tags;
    return NULL;
}

/* ---- the list and the new article ----------------------------------------------------- */

static int show_list(struct req *req, struct res *res, int status, const char *error,
                     const struct article_form *typed)
{
    struct kb_query q = {false, NULL, 0, req_query(req, "cursor"), LIST_LIMIT};
    struct article_form blank = {"", "", "", KB_INTERNAL};
    struct kb_hit *items;
    const char *next;
    json_t *list;
    size_t n;
    int rc;

    if (q.cursor && !*q.cursor)
        q.cursor = NULL;
    rc = store_article_search(req->store, &req->caller, &q, &items, &n, &next, req->arena);
    if (rc < 0)
        return page_error(req, res, rc, "the articles cannot be shown");
    list = json_array();
    for (size_t i = 0; i < n; i++) {
        const struct kb_article *art = &items[i].article;

        json_array_append_new(
            list, json_pack("{s:I, s:s, s:s, s:s, s:b, s:o}", "id", (json_int_t)art->id, "title",
                            art->title, "tags", tags_text(art, req->arena), "visibility",
                            kb_visibility_name(art->visibility), "public",
                            art->visibility == KB_PUBLIC, "updated",
                            page_time(art->updated_at, NULL)));
    }
    return page_render(req, res, status, "desk_kb",
                       json_pack("{s:s, s:o, s:s?, s:s?, s:o}", "title", tr("Knowledge base"),
                                 "articles", list, "next", next, "error", error, "form",
                                 form_json(typed ? typed : &blank)));
}

int page_desk_kb(struct req *req, struct res *res)
{
    return show_list(req, res, 200, NULL, NULL);
}

int page_desk_kb_create(struct req *req, struct res *res)
{
    struct article_form f;
    struct kb_article art;
    const char *why;
    int rc;

    if ((why = read_form(req, &f, &art)))
        return show_list(req, res, 422, why, &f);
    art.author_id = req->user.id;
    if ((rc = store_article_create(req->store, &req->caller, &art, time_now())) < 0)
        return show_list(req, res, http_status_from_err(rc), desk_err_code(rc), &f);
    return page_saved(req, res, arena_sprintf(req->arena, "/desk/kb/%" PRId64, art.id));
}

/* ---- one article ------------------------------------------------------------------------------ */

static int show_article(struct req *req, struct res *res, int status, const char *error,
                        const struct article_form *typed)
{
    struct article_form stored;
    struct kb_article art;
    int rc;

    rc = store_article_get(req->store, &req->caller, req->params[0], &art, req->arena);
    if (rc < 0)
        return page_error(req, res, rc, "there is no article %" PRId64, req->params[0]);
    stored = (struct article_form){art.title, art.body, tags_text(&art, req->arena),
                                   art.visibility};
    return page_render(
        req, res, status, "desk_kb_article",
        json_pack("{s:s, s:I, s:s, s:s, s:b, s:s, s:o, s:o, s:s?, s:o}", "title", art.title, "id",
                  (json_int_t)art.id, "visibility", kb_visibility_name(art.visibility),
                  "preview", markdown_html(art.body, req->arena), "public",
                  art.visibility == KB_PUBLIC, "tags", stored.tags, "updated",
                  page_time(art.updated_at, NULL), "created", page_time(art.created_at, NULL),
                  "error", error, "form", form_json(typed ? typed : &stored)));
}

int page_desk_kb_article(struct req *req, struct res *res)
{
    return show_article(req, res, 200, NULL, NULL);
}

int page_desk_kb_update(struct req *req, struct res *res)
{
    struct kb_article_patch p;
    struct article_form f;
    struct kb_article art, out;
    const char *why;
    int rc;

    if ((why = read_form(req, &f, &art)))
        return show_article(req, res, 422, why, &f);
    p = (struct kb_article_patch){art.title, art.body, true, art.tags, art.ntags, true,
                                  art.visibility};
    rc = store_article_update(req->store, &req->caller, req->params[0], &p, time_now(), &out,
                              req->arena);
    if (rc == DESK_ENOTFOUND)
        return page_error(req, res, rc, "there is no article %" PRId64, req->params[0]);
    if (rc < 0)
        return show_article(req, res, http_status_from_err(rc), desk_err_code(rc), &f);
    return page_saved(req, res, arena_sprintf(req->arena, "/desk/kb/%" PRId64, req->params[0]));
}
