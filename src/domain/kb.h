/*
 * kb.h - the knowledge base (SPEC 2.5, 5): articles, who may read them,
 * the words of a search and the safe HTML of a result's snippet. Pure: no I/O.
 *
 * Visibility is ordered: public < customers < internal. A reader sees the
 * articles at or below its level: anonymous visitors public ones,
 * customers public and customers ones, staff all.
 *
 * A search is a list of words that must all match; the store quotes each
 * word for its search engine, so nothing a user types is ever read as
 * query syntax. The engine marks hits in a snippet with KB_MARK_OPEN and
 * KB_MARK_CLOSE; kb_snippet_html() escapes everything else and turns the
 * markers (and only them) into <mark> elements.
 */
#ifndef DOMAIN_KB_H
#define DOMAIN_KB_H

#include "core/compat.h"
#include "core/arena.h"
#include "domain/user.h"

enum kb_visibility { KB_PUBLIC, KB_CUSTOMERS, KB_INTERNAL };

#define KB_TITLE_MAX 300         /* characters of a title */
#define KB_BODY_MAX (256 * 1024) /* characters of a body (Markdown) */
#define KB_TAGS_MAX 20           /* tags of an article */
#define KB_TAG_MAX 50            /* characters of a tag */
#define KB_QUERY_MAX 256         /* bytes of a search */
#define KB_TERMS_MAX 16          /* words of a search */
#define KB_MARK_OPEN "\x02"      /* the search engine's hit markers in a raw snippet */
#define KB_MARK_CLOSE "\x03"

struct kb_article {
    int64_t id;                    /* 0 until stored */
    const char *title;             /* 1..KB_TITLE_MAX characters */
    const char *body;              /* Markdown, at most KB_BODY_MAX characters */
    const char *const *tags;       /* ntags strings of 1..KB_TAG_MAX characters */
    size_t ntags;                  /* at most KB_TAGS_MAX */
    enum kb_visibility visibility; /* who may read it */
    int64_t author_id;             /* who wrote it; 0: unknown */
    int64_t created_at;            /* UTC seconds */
    int64_t updated_at;            /* UTC seconds */
};

/* Changes a PATCH asks for: NULL strings and has_* false leave a field alone. */
struct kb_article_patch {
    const char *title;             /* new title, or NULL */
    const char *body;              /* new body, or NULL */
    bool has_tags;                 /* replace the tags by tags[0..ntags) */
    const char *const *tags;       /* the new tags */
    size_t ntags;                  /* how many */
    bool has_visibility;           /* change the visibility */
    enum kb_visibility visibility; /* the new one */
};

/* One search result: the article (without its body), its rank and snippet. */
struct kb_hit {
    struct kb_article article; /* body is NULL */
    double score;              /* higher is a better match; 0 when listed without a search */
    const char *snippet; /* HTML: escaped text with <mark> around hits; NULL without a search */
};

/* A search or a listing of the articles a caller may read. */
struct kb_query {
    bool search;              /* q was given: rank by terms (none: nothing matches) */
    const char *const *terms; /* the words that must all match */
    size_t nterms;            /* at most KB_TERMS_MAX */
    const char *cursor;       /* from the previous page's next_cursor; NULL: first page */
    int limit;                /* 1..1000 */
};

/* NULL-terminated names: public, customers, internal. */
extern const char *const kb_visibility_names[];
const char *kb_visibility_name(enum kb_visibility v);
/* Parse a name; 0 or DESK_EINVAL. */
int kb_visibility_parse(const char *s, enum kb_visibility *out);
/* The widest visibility role r may read (ROLE_NONE: public). */
enum kb_visibility kb_visibility_for(enum role r);

/*
 * Split a search into words (arena copies) in terms[KB_TERMS_MAX]: runs
 * of ASCII letters and digits and of non-ASCII characters; everything
 * else (quotes, operators, parentheses, '*', ':') separates words. Sets *n.
 * Returns 0, or DESK_EBADREQ when q is longer than KB_QUERY_MAX bytes, is
 * not UTF-8 or has more than KB_TERMS_MAX words.
 */
int kb_terms(const char *q, const char *terms[KB_TERMS_MAX], size_t *n, struct arena *a);
/*
 * The HTML of a raw snippet (arena): text HTML-escaped, control characters
 * dropped, KB_MARK_OPEN/KB_MARK_CLOSE turned into <mark>/</mark>, always
 * balanced, never nested, whatever the raw text holds.
 */
const char *kb_snippet_html(const char *raw, struct arena *a);

#endif
