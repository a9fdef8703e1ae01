/*
 * kb.c - knowledge-base articles and their full-text search on SQLite,
 * and the helpers the files of this section share (sqlite.h).
 *
 * kb_articles_fts (FTS5, porter stemming) indexes title, tags and body; the
 * triggers of schema 0007 keep it in the writing transaction. A search binds
 * one FTS5 query made of the caller's words, each quoted as a string, so no
 * word is ever read as FTS5 syntax (operators, column filters, prefixes).
 * Visibility is filtered in SQL from the caller's role.
 */
#define LOG_MODULE "store"
#include "core/compat.h"
#include "store/internal.h"
#include "core/err.h"
#include "core/strbuf.h"


/* The bm25 weights of title, tags and body: a title hit counts most. */
#define KB_RANK "bm25(kb_articles_fts, 10.0, 4.0, 1.0)"
/* An article's visibility as a level, to compare with the reader's (kb_visibility order). */
#define KB_LEVEL "(CASE a.visibility WHEN 'public' THEN 0 WHEN 'customers' THEN 1 ELSE 2 END)"
#define SNIPPET_TOKENS "16"

/* ---- reading articles ------------------------------------------------------------ */

#define ARTICLE_COLS                                                                               \
    "a.id, a.title, a.body, a.tags, a.visibility, coalesce(a.author_id, 0), a.created_at, "        \
    "a.updated_at "

/* An article row (ARTICLE_COLS from column 0); with_body false leaves body NULL. */
static void read_article(struct db_stmt *s, struct kb_article *art, bool with_body, struct arena *a)
{
    memset(art, 0, sizeof(*art));
    art->id = db_col_int(s, 0);
    art->title = db_col_text(s, 1, a);
    art->body = with_body ? db_col_text(s, 2, a) : NULL;
    art->tags = store__json_list(db_col_raw(s, 3), &art->ntags, a);
    if (kb_visibility_parse(db_col_raw(s, 4), &art->visibility) < 0)
        art->visibility = KB_INTERNAL;
    art->author_id = db_col_int(s, 5);
    art->created_at = db_col_int(s, 6);
    art->updated_at = db_col_int(s, 7);
}

static const char SQL_ARTICLE_GET[] =
    "SELECT " ARTICLE_COLS "FROM kb_articles a WHERE a.id = ?1 AND " KB_LEVEL " <= ?2";

static int article_read(struct db_conn *c, enum kb_visibility level, int64_t id,
                        struct kb_article *out, struct arena *a)
{
    struct db_stmt *s = db_stmt(c, SQL_ARTICLE_GET);
    int rc;

    db_bind_int(s, 1, id);
    db_bind_int(s, 2, level);
    if ((rc = db_step(s)) == DB_ROW) {
        read_article(s, out, true, a);
        return db_done(s, 0);
    }
    return db_done(s, rc == DB_DONE ? DESK_ENOTFOUND : db_err(rc));
}

int store_article_get(struct store *st, const struct caller *c, int64_t id,
                        struct kb_article *out, struct arena *a)
{
    struct db_conn *conn = db_get(st);
    int rc = article_read(conn, kb_visibility_for(c->role), id, out, a);

    db_put(st, conn);
    return rc;
}

/* ---- writing articles ------------------------------------------------------------- */

struct article_job {
    const struct caller *c;           /* the author or editor */
    struct kb_article *art;           /* create: in and out; update: out */
    const struct kb_article_patch *p; /* update: the change */
    int64_t id;                       /* update: which article */
    int64_t now;                      /* when */
    struct arena *a;                  /* for strings read back */
};

static json_t *article_audit(const struct kb_article *art, struct arena *a)
{
    return json_pack("{s:I, s:s, s:s, s:s, s:s}", "id", (json_int_t)art->id, "title", art->title,
                     "body", art->body ? art->body : "", "tags",
                     store__json_strings(art->tags, art->ntags, a), "visibility",
                     kb_visibility_name(art->visibility));
}

static const char SQL_ARTICLE_INSERT[] =
    "INSERT INTO kb_articles (title, body, tags, visibility, author_id, created_at, updated_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id";

static int write_article_create(struct db_conn *c, void *arg)
{
    struct article_job *j = arg;
    struct kb_article *art = j->art;
    struct db_stmt *s = db_stmt(c, SQL_ARTICLE_INSERT);
    struct arena a = ARENA_INIT;
    int rc;

    db_bind_text(s, 1, art->title);
    db_bind_text(s, 2, art->body);
    db_bind_text(s, 3, store__json_strings(art->tags, art->ntags, &a));
    db_bind_text(s, 4, kb_visibility_name(art->visibility));
    db_bind_id(s, 5, j->c->user_id);
    db_bind_int(s, 6, j->now);
    db_bind_int(s, 7, j->now);
    if ((rc = db_insert(s, &art->id)) == 0) {
        art->author_id = j->c->user_id;
        art->created_at = art->updated_at = j->now;
        rc = store__audit_json(c, j->c->user_id, "create", "kb_article", art->id, NULL,
                               article_audit(art, &a));
    }
    arena_release(&a);
    return rc;
}

int store_article_create(struct store *st, const struct caller *c, struct kb_article *art,
                           int64_t now)
{
    struct article_job j = {c, art, NULL, 0, now, NULL};
    return db_write(st, write_article_create, &j);
}

static const char SQL_ARTICLE_SET[] = "UPDATE kb_articles SET title = ?2, body = ?3, tags = ?4, "
                                      "visibility = ?5, updated_at = ?6 WHERE id = ?1";

static void apply_article_patch(struct kb_article *art, const struct kb_article_patch *p)
{
    if (p->title)
        art->title = p->title;
    if (p->body)
        art->body = p->body;
    if (p->has_tags) {
        art->tags = p->tags;
        art->ntags = p->ntags;
    }
    if (p->has_visibility)
        art->visibility = p->visibility;
}

static int write_article_update(struct db_conn *c, void *arg)
{
    struct article_job *j = arg;
    struct kb_article *art = j->art, before;
    struct db_stmt *s;
    int rc;

    if ((rc = article_read(c, KB_INTERNAL, j->id, art, j->a)) < 0)
        return rc;
    before = *art;
    apply_article_patch(art, j->p);
    art->updated_at = j->now;
    s = db_stmt(c, SQL_ARTICLE_SET);
    db_bind_int(s, 1, art->id);
    db_bind_text(s, 2, art->title);
    db_bind_text(s, 3, art->body);
    db_bind_text(s, 4, store__json_strings(art->tags, art->ntags, j->a));
    db_bind_text(s, 5, kb_visibility_name(art->visibility));
    db_bind_int(s, 6, j->now);
    if ((rc = db_exec(s)) < 0)
        return rc;
    return store__audit_json(c, j->c->user_id, "update", "kb_article", art->id,
                             article_audit(&before, j->a), article_audit(art, j->a));
}

int store_article_update(struct store *st, const struct caller *c, int64_t id,
                           const struct kb_article_patch *p, int64_t now, struct kb_article *out,
                           struct arena *a)
{
    struct article_job j = {c, out, p, id, now, a};
    return db_write(st, write_article_update, &j);
}

/* ---- search and listing ------------------------------------------------------------ */

/*
 * The FTS5 query for terms: each one a quoted string ("" inside doubles),
 * joined by spaces (FTS5's implicit AND). A quoted string is only ever a
 * phrase of the tokens it holds: never an operator, a column filter or a
 * prefix. The porter tokenizer of the table stems it like the text.
 */
static const char SQL_ARTICLE_SEARCH_SQLITE[] =
    "SELECT " ARTICLE_COLS ", -" KB_RANK ", snippet(kb_articles_fts, -1, char(2), char(3), "
    "'\xe2\x80\xa6', " SNIPPET_TOKENS ") FROM kb_articles_fts JOIN kb_articles a "
    "ON a.id = kb_articles_fts.rowid WHERE kb_articles_fts MATCH ?1 AND " KB_LEVEL " <= ?2 "
    "ORDER BY " KB_RANK ", a.id LIMIT ?3 OFFSET ?4";
/*
 * The same on PostgreSQL: kb_articles_fts.doc is the tsvector of title (weight A), tags (B)
 * and body (C); ts_rank weighs them about as bm25 above; ts_headline (only for the rows of
 * the page) marks the words with the same \2 and \3 as snippet().
 */
#define KB_QUERY_PG "svcdesk_tsquery(CAST(?1 AS TEXT))"
static const char SQL_ARTICLE_SEARCH_PG[] =
    "SELECT " ARTICLE_COLS ", r.score, ts_headline('english', a.body, " KB_QUERY_PG ", "
    "'StartSel=\x02, StopSel=\x03, MaxWords=" SNIPPET_TOKENS ", MinWords=6') FROM (SELECT f.id, "
    "ts_rank('{0.1, 0.1, 0.4, 1.0}', f.doc, " KB_QUERY_PG ") AS score FROM kb_articles_fts f "
    "WHERE f.doc @@ " KB_QUERY_PG ") r JOIN kb_articles a ON a.id = r.id WHERE " KB_LEVEL
    " <= ?2 ORDER BY r.score DESC, a.id LIMIT ?3 OFFSET ?4";
static const char SQL_ARTICLE_LIST[] =
    "SELECT " ARTICLE_COLS ", 0.0, NULL FROM kb_articles a WHERE " KB_LEVEL " <= ?2 AND "
    "(CAST(?4 AS BIGINT) = 0 OR a.id < ?4) ORDER BY a.id DESC LIMIT ?3"; /* ?1 unused */

struct hits {
    struct kb_hit *items; /* rows read */
    size_t n, want;       /* rows read, rows wanted (limit + 1) */
};

static int run_search(struct db_conn *c, const char *sql, const char *match, int level,
                      int64_t key, struct hits *h, struct arena *a)
{
    struct db_stmt *s = db_stmt(c, sql);
    int rc;

    db_bind_text(s, 1, match);
    db_bind_int(s, 2, level);
    db_bind_int(s, 3, (int64_t)h->want);
    db_bind_int(s, 4, key);
    while ((rc = db_step(s)) == DB_ROW) {
        struct kb_hit *hit = &h->items[h->n++];
        read_article(s, &hit->article, false, a);
        hit->score = db_col_double(s, 8);
        hit->snippet = match ? kb_snippet_html(db_col_raw(s, 9), a) : NULL;
    }
    return db_done(s, rc == DB_DONE ? 0 : db_err(rc));
}

int store_article_search(struct store *st, const struct caller *c, const struct kb_query *q,
                           struct kb_hit **items, size_t *n, const char **next, struct arena *a)
{
    struct hits h = {NULL, 0, (size_t)q->limit + 1};
    const char *match = NULL;
    struct db_conn *conn;
    int64_t key;
    int rc;

    *items = NULL;
    *n = 0;
    *next = NULL;
    if (q->limit < 1 || q->limit > STORE_PAGE_MAX ||
        store__cursor_id(q->cursor, q->search ? 'r' : 'n', &key) < 0)
        return DESK_EBADREQ;
    if (q->search && q->nterms == 0)
        return 0; /* a search without a word matches nothing */
    h.items = ARENA_NEWN(a, struct kb_hit, h.want);
    conn = db_get(st);
    if (q->search)
        match = store__fts_match(conn, q->terms, q->nterms, NULL, a);
    rc = run_search(conn,
                    !q->search                          ? SQL_ARTICLE_LIST
                    : db_dialect(conn) == DB_POSTGRES ? SQL_ARTICLE_SEARCH_PG
                                                        : SQL_ARTICLE_SEARCH_SQLITE,
                    match,
                    (int)kb_visibility_for(c->role), key, &h, a);
    db_put(st, conn);
    if (rc < 0)
        return rc;
    if (h.n == h.want) {
        h.n--;
        *next = q->search ? store__cursor_make('r', key + (int64_t)h.n, a)
                          : store__cursor_make('n', h.items[h.n - 1].article.id, a);
    }
    *items = h.items;
    *n = h.n;
    return 0;
}
