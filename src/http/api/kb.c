/*
 * kb.c - knowledge-base articles: POST/GET /api/v1/kb/articles (GET: a list,
 * or with q a ranked search), GET/PATCH /api/v1/kb/articles/{id}; and the
 * helpers this section's handlers share (paging, lists in bodies).
 *
 * The GET routes need no sign-in: anonymous callers read public articles,
 * customers public and customers ones, staff all (the store filters).
 */
#include "core/compat.h"
#include "http/api/api.h"
#include "core/err.h"
#include "core/time.h"
#include "domain/version.h"
#include "http/input.h"
#include "core/markdown.h"
#include "store/store.h"

#define DEFAULT_LIMIT 50
#define MAX_LIMIT 1000

/* ---- helpers of this section's handlers ---------------------------------------- */

int kb_page_read(struct req *req, struct kb_page *pg, struct res *res)
{
    const char *limit = req_query(req, "limit");
    char *end;
    long long v = DEFAULT_LIMIT;

    if (limit) {
        errno = 0;
        v = strtoll(limit, &end, 10);
        if (errno || end == limit || *end || v < 1 || v > MAX_LIMIT)
            return res_error(res, DESK_EBADREQ, "limit", "limit must be 1 to %d", MAX_LIMIT);
    }
    pg->limit = (int)v;
    pg->cursor = req_query(req, "cursor");
    return 0;
}

int res_list(struct res *res, json_t *items, const char *next)
{
    return res_json(res, 200,
                    json_pack("{s:o, s:o}", "items", items, "next_cursor",
                              next ? json_string(next) : json_null()));
}

int json_to_strings(json_t *in, const char *field, int64_t min, int64_t max, const char ***out,
                    size_t *n, struct req *req, struct res *res)
{
    json_t *arr = json_object_get(in, field), *v;
    const char *why;
    size_t i;

    *out = NULL;
    *n = 0;
    if (!arr || json_is_null(arr))
        return 0;
    *out = ARENA_NEWN(req->arena, const char *, json_array_size(arr) + 1);
    json_array_foreach(arr, i, v)
    {
        const char *s = json_string_value(v);
        char key[VERSION_KEY_MAX];
        size_t chars = s ? utf8_chars(s, json_string_length(v)) : 0;
        if (!s || strlen(s) != json_string_length(v))
            return res_error(res, DESK_EINVAL, field, "%s[%zu] must be a string", field, i);
        if (!max && version_key(s, key, &why) < 0)
            return res_error(res, DESK_EINVAL, field, "%s[%zu]: '%s' is not a version (%s)", field,
                             i, s, why);
        if (max && ((int64_t)chars < min || (int64_t)chars > max))
            return res_error(res, DESK_EINVAL, field,
                             "%s[%zu] must have %" PRId64 " to %" PRId64 " characters", field, i,
                             min, max);
        (*out)[(*n)++] = arena_strdup(req->arena, s);
    }
    return 0;
}

int json_to_ids(json_t *in, const char *field, int64_t **out, size_t *n, struct req *req,
                struct res *res)
{
    json_t *arr = json_object_get(in, field), *v;
    size_t i;

    *out = NULL;
    *n = 0;
    if (!arr || json_is_null(arr))
        return 0;
    *out = ARENA_NEWN(req->arena, int64_t, json_array_size(arr) + 1);
    json_array_foreach(arr, i, v)
    {
        if (!json_is_integer(v) || json_integer_value(v) < 1)
            return res_error(res, DESK_EINVAL, field, "%s[%zu] must be a positive integer id",
                             field, i);
        (*out)[(*n)++] = json_integer_value(v);
    }
    return 0;
}

/* ---- rendering ------------------------------------------------------------------ */

static json_t *tags_json(const struct kb_article *art)
{
    json_t *tags = json_array();

    for (size_t i = 0; i < art->ntags; i++)
        json_array_append_new(tags, json_string(art->tags[i]));
    return tags;
}

/* An article with its Markdown body and the body as safe HTML. */
static json_t *article_json(const struct kb_article *art, struct arena *a)
{
    return json_pack("{s:I, s:s, s:s, s:s, s:o, s:s, s:o, s:o, s:o}", "id", (json_int_t)art->id,
                     "title", art->title, "body", art->body, "html", markdown_html(art->body, a),
                     "tags", tags_json(art), "visibility", kb_visibility_name(art->visibility),
                     "author_id", json_id(art->author_id), "created_at", json_time(art->created_at),
                     "updated_at", json_time(art->updated_at));
}

/* A list or search entry: no body; score and snippet for a search (else null). */
static json_t *hit_json(const struct kb_hit *h)
{
    const struct kb_article *art = &h->article;

    return json_pack("{s:I, s:s, s:o, s:s, s:o, s:o, s:o}", "id", (json_int_t)art->id, "title",
                     art->title, "tags", tags_json(art), "visibility",
                     kb_visibility_name(art->visibility), "updated_at", json_time(art->updated_at),
                     "score", h->snippet ? json_real(h->score) : json_null(), "snippet",
                     h->snippet ? json_string(h->snippet) : json_null());
}

/* ---- POST /api/v1/kb/articles, PATCH /api/v1/kb/articles/{id} --------------------- */

static const struct field_spec article_fields[] = {
    {"title", F_LINE, true, 1, KB_TITLE_MAX, NULL},
    {"body", F_STRING, false, 0, KB_BODY_MAX, NULL},
    {"tags", F_ARRAY, false, 0, KB_TAGS_MAX, NULL},
    {"visibility", F_ENUM, false, 0, 0, kb_visibility_names},
};

int api_article_create(struct req *req, struct res *res)
{
    struct kb_article art = {0};
    const char **tags;
    json_t *in;
    int rc;

    if ((rc = req_json(req, res, &in)) < 0 ||
        (rc = input_check(in, article_fields, ARRAY_SIZE(article_fields), res)) < 0 ||
        (rc = json_to_strings(in, "tags", 1, KB_TAG_MAX, &tags, &art.ntags, req, res)) < 0)
        return rc;
    art.title = input_str(in, "title");
    art.body = input_str(in, "body") ? input_str(in, "body") : "";
    art.tags = tags;
    art.visibility = KB_INTERNAL;
    kb_visibility_parse(input_str(in, "visibility"), &art.visibility);
    if ((rc = store_article_create(req->store, &req->caller, &art, time_now())) < 0)
        return rc;
    res_header(res, "Location", arena_sprintf(req->arena, "/api/v1/kb/articles/%" PRId64, art.id));
    return res_json(res, 201, article_json(&art, req->arena));
}

static const struct field_spec article_patch_fields[] = {
    {"title", F_LINE, false, 1, KB_TITLE_MAX, NULL},
    {"body", F_STRING, false, 0, KB_BODY_MAX, NULL},
    {"tags", F_ARRAY, false, 0, KB_TAGS_MAX, NULL},
    {"visibility", F_ENUM, false, 0, 0, kb_visibility_names},
};

int api_article_patch(struct req *req, struct res *res)
{
    struct kb_article_patch p = {0};
    struct kb_article art;
    const char **tags;
    json_t *in, *t;
    int rc;

    if ((rc = req_json(req, res, &in)) < 0 ||
        (rc = input_check(in, article_patch_fields, ARRAY_SIZE(article_patch_fields), res)) < 0 ||
        (rc = json_to_strings(in, "tags", 1, KB_TAG_MAX, &tags, &p.ntags, req, res)) < 0)
        return rc;
    p.title = input_str(in, "title");
    p.body = input_str(in, "body");
    t = json_object_get(in, "tags");
    p.has_tags = t && !json_is_null(t);
    p.tags = tags;
    p.has_visibility = kb_visibility_parse(input_str(in, "visibility"), &p.visibility) == 0;
    rc = store_article_update(req->store, &req->caller, req->params[0], &p, time_now(), &art,
                              req->arena);
    if (rc < 0)
        return res_error(res, rc, NULL, "no article %" PRId64, req->params[0]);
    return res_json(res, 200, article_json(&art, req->arena));
}

/* ---- GET /api/v1/kb/articles, GET /api/v1/kb/articles/{id} --------------------------- */

int api_article_get(struct req *req, struct res *res)
{
    struct kb_article art;
    int rc;

    if ((rc = store_article_get(req->store, &req->caller, req->params[0], &art, req->arena)) < 0)
        return res_error(res, rc, NULL, "no article %" PRId64, req->params[0]);
    return res_json(res, 200, article_json(&art, req->arena));
}

static int kb_query_read(struct req *req, struct kb_query *q, struct res *res)
{
    const char *text = req_query(req, "q");
    const char **terms = ARENA_NEWN(req->arena, const char *, KB_TERMS_MAX);
    struct kb_page pg;
    int rc;

    memset(q, 0, sizeof(*q));
    if ((rc = kb_page_read(req, &pg, res)) < 0)
        return rc;
    if (kb_terms(text, terms, &q->nterms, req->arena) < 0)
        return res_error(res, DESK_EBADREQ, "q", "q must be UTF-8 of at most %d bytes and %d words",
                         KB_QUERY_MAX, KB_TERMS_MAX);
    q->search = text && *text;
    q->terms = terms;
    q->cursor = pg.cursor;
    q->limit = pg.limit;
    return 0;
}

int api_article_list(struct req *req, struct res *res)
{
    struct kb_query q;
    struct kb_hit *items;
    const char *next;
    json_t *list;
    size_t n;
    int rc;

    if ((rc = kb_query_read(req, &q, res)) < 0)
        return rc;
    rc = store_article_search(req->store, &req->caller, &q, &items, &n, &next, req->arena);
    if (rc < 0)
        return api_cursor_error(res, rc);
    list = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(list, hit_json(&items[i]));
    return res_list(res, list, next);
}
