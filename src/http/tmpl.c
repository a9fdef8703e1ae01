/*
 * tmpl.c - the template dialect of tmpl.h: a parser into a flat node list,
 * a renderer over a context stack, and the set that parses each template
 * once (double-checked with an atomic pointer, so rendering takes no lock).
 */
#define LOG_MODULE "tmpl"
#include "core/compat.h"
#include "http/tmpl.h"
#include "core/embed.h"
#include "core/err.h"
#include "core/i18n.h"
#include "core/log.h"
#include "core/xalloc.h"
#include <pthread.h>
#include <stdatomic.h>
#include <strings.h>

/* ---- the parse ----------------------------------------------------------------- */

enum node_kind {
    N_TEXT,     /* literal bytes */
    N_VAR,      /* {{name}}: escaped */
    N_RAW,      /* {{{name}}}, {{&name}}: as it is */
    N_SECTION,  /* {{#name}} */
    N_INVERTED, /* {{^name}} */
    N_PARTIAL,  /* {{> name}} */
};

struct node {
    enum node_kind kind; /* what it is */
    const char *text;    /* N_TEXT: the bytes; others: the name (in the template's source) */
    size_t len;          /* bytes of text */
    size_t end;          /* sections: the index after their last child */
};

struct tmpl {
    struct node *nodes; /* in source order; a section's children follow it */
    size_t nr, alloc;   /* nodes used, allocated */
    char *source;       /* a translated set's source, which the nodes point into; or NULL */
};

static struct node *add_node(struct tmpl *t, enum node_kind kind, const char *text, size_t len)
{
    ALLOC_GROW(t->nodes, t->nr + 1, t->alloc);
    t->nodes[t->nr] = (struct node){kind, text, len, 0};
    return &t->nodes[t->nr++];
}

static void tmpl_free(struct tmpl *t)
{
    if (t) {
        free(t->nodes);
        free(t->source);
    }
    free(t);
}

static size_t line_of(const char *src, const char *p)
{
    size_t line = 1;

    for (; src < p; src++)
        line += *src == '\n';
    return line;
}

/* Trim spaces around a tag's name; *len is updated. */
static const char *trim(const char *s, size_t *len)
{
    while (*len && (*s == ' ' || *s == '\t'))
        s++, (*len)--;
    while (*len && (s[*len - 1] == ' ' || s[*len - 1] == '\t'))
        (*len)--;
    return s;
}

struct parser {
    const char *src;             /* the whole template */
    struct tmpl *t;              /* being built */
    size_t open[TMPL_MAX_DEPTH]; /* indices of the sections still open */
    size_t nopen;                /* how many */
    struct strbuf *err;          /* why it failed */
};

/* A closing tag: it must close the innermost open section, by name. */
static int close_section(struct parser *p, const char *name, size_t len, const char *at)
{
    struct node *n;

    if (!p->nopen)
        return err_addf(p->err, DESK_EINVAL, "line %zu: {{/%.*s}} closes no section",
                        line_of(p->src, at), (int)len, name);
    n = &p->t->nodes[p->open[--p->nopen]];
    if (n->len != len || memcmp(n->text, name, len))
        return err_addf(p->err, DESK_EINVAL, "line %zu: {{/%.*s}} closes {{#%.*s}}",
                        line_of(p->src, at), (int)len, name, (int)n->len, n->text);
    n->end = p->t->nr;
    return 0;
}

/* One tag's contents (between the braces), at `at` in the source. */
static int parse_tag(struct parser *p, const char *in, size_t len, bool triple, const char *at)
{
    char sigil = triple ? '{' : (len ? in[0] : 0);
    enum node_kind kind = N_VAR;
    const char *name;

    if (sigil && strchr("#^/>!&", sigil))
        in++, len--;
    if (sigil == '!')
        return 0;
    name = trim(in, &len);
    if (!len)
        return err_addf(p->err, DESK_EINVAL, "line %zu: empty tag", line_of(p->src, at));
    switch (sigil) {
    case '/':
        return close_section(p, name, len, at);
    case '#':
    case '^':
        if (p->nopen == TMPL_MAX_DEPTH)
            return err_addf(p->err, DESK_EINVAL, "line %zu: sections nest too deep",
                            line_of(p->src, at));
        p->open[p->nopen++] = p->t->nr;
        kind = sigil == '#' ? N_SECTION : N_INVERTED;
        break;
    case '>':
        kind = N_PARTIAL;
        break;
    case '{':
    case '&':
        kind = N_RAW;
        break;
    default:
        break;
    }
    add_node(p->t, kind, name, len);
    return 0;
}

static int parse(const char *src, size_t len, struct tmpl **out, struct strbuf *err)
{
    struct tmpl *t = xcalloc(1, sizeof(*t));
    struct parser p = {src, t, {0}, 0, err};
    const char *s = src, *end = src + len;
    int rc = 0;

    while (s < end && rc == 0) {
        const char *open = memmem(s, (size_t)(end - s), "{{", 2), *close;
        bool triple;

        if (!open) {
            add_node(t, N_TEXT, s, (size_t)(end - s));
            break;
        }
        if (open > s)
            add_node(t, N_TEXT, s, (size_t)(open - s));
        triple = open + 2 < end && open[2] == '{';
        close = memmem(open, (size_t)(end - open), triple ? "}}}" : "}}", triple ? 3 : 2);
        if (!close) {
            rc = err_addf(err, DESK_EINVAL, "line %zu: tag not closed", line_of(src, open));
            break;
        }
        rc = parse_tag(&p, open + 2 + triple, (size_t)(close - open - 2 - triple), triple, open);
        s = close + 2 + triple;
    }
    if (rc == 0 && p.nopen) {
        const struct node *n = &t->nodes[p.open[p.nopen - 1]];
        rc = err_addf(err, DESK_EINVAL, "line %zu: {{#%.*s}} is not closed", line_of(src, n->text),
                      (int)n->len, n->text);
    }
    if (rc < 0) {
        tmpl_free(t);
        return rc;
    }
    *out = t;
    return 0;
}

/* ---- the texts a reader sees (translation) ---------------------------------------------- */

/*
 * A walk over a template's source in pieces: markup, which stays as it is, and runs of text
 * (between markup and tags, or in a translated attribute's value). The HTML is that of our
 * own templates: tags, quoted attributes, comments; <script> and <style> hold no text.
 */
enum scan_state { S_TEXT, S_TAG, S_VALUE, S_COMMENT, S_RAW };

typedef void (*scan_piece)(void *ctx, const char *p, size_t n, bool run);

static bool name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '_';
}

static bool translated_attribute(const char *name, size_t len)
{
    static const char *const names[] = {"title", "placeholder", "aria-label", "alt",
                                        "data-label"};

    for (size_t i = 0; i < ARRAY_SIZE(names); i++)
        if (strlen(names[i]) == len && !strncasecmp(names[i], name, len))
            return true;
    return false;
}

static void scan(const char *src, size_t len, scan_piece piece, void *ctx)
{
    enum scan_state st = S_TEXT;
    const char *s = src, *end = src + len, *mark = src; /* mark: where the pending piece starts */
    const char *attr = NULL;                             /* the last attribute name in a tag */
    size_t attr_len = 0;
    char quote = 0;
    bool raw_after = false, run = false; /* the tag opens <script>/<style>; the piece is a run */

#define FLUSH()                                                                                   \
    do {                                                                                          \
        if (s > mark)                                                                             \
            piece(ctx, mark, (size_t)(s - mark), run);                                            \
        mark = s;                                                                                 \
    } while (0)

    while (s < end) {
        if (s + 1 < end && s[0] == '{' && s[1] == '{') { /* a tag: markup, and a run ends */
            bool triple = s + 2 < end && s[2] == '{';
            const char *close = memmem(s, (size_t)(end - s), triple ? "}}}" : "}}", triple ? 3 : 2);
            FLUSH();
            s = close ? close + 2 + triple : end;
            run = false;
            FLUSH();
            run = st == S_TEXT || (st == S_VALUE && attr);
            continue;
        }
        switch (st) {
        case S_TEXT:
            if (*s == '<') {
                FLUSH();
                run = false;
                st = s + 3 < end && !memcmp(s, "<!--", 4) ? S_COMMENT : S_TAG;
                raw_after = st == S_TAG && end - s > 6 &&
                            (!strncasecmp(s + 1, "script", 6) || !strncasecmp(s + 1, "style", 5));
                attr = NULL;
                break;
            }
            if (!run) {
                FLUSH();
                run = true;
            }
            break;
        case S_TAG:
            if (*s == '>') {
                st = raw_after ? S_RAW : S_TEXT;
                s++;
                FLUSH();
                run = st == S_TEXT;
                continue;
            }
            if (name_char(*s) && (s == src || !name_char(s[-1])))
                attr = s, attr_len = 0;
            if (name_char(*s) && attr)
                attr_len++;
            if (*s == '"' || *s == '\'') {
                quote = *s++;
                st = S_VALUE;
                if (attr && !translated_attribute(attr, attr_len))
                    attr = NULL;
                FLUSH();
                run = attr != NULL;
                continue;
            }
            break;
        case S_VALUE:
            if (*s == quote) {
                FLUSH();
                run = false;
                st = S_TAG;
                attr = NULL;
            }
            break;
        case S_COMMENT:
            if (s + 2 < end && !memcmp(s, "-->", 3)) {
                s += 3;
                st = S_TEXT;
                FLUSH();
                run = true;
                continue;
            }
            break;
        case S_RAW:
            if (s + 1 < end && s[0] == '<' && s[1] == '/') {
                st = S_TAG;
                raw_after = false;
            }
            break;
        }
        s++;
    }
    FLUSH();
#undef FLUSH
}

static bool has_letter(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((p[i] >= 'a' && p[i] <= 'z') || (p[i] >= 'A' && p[i] <= 'Z') ||
            (unsigned char)p[i] >= 0x80)
            return true;
    return false;
}

static bool space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/*
 * The msgid of a run into id (its spaces folded, none at either end), and the lengths of the
 * spaces before and after it; false when the run has no words to translate.
 */
static bool run_msgid(const char *p, size_t n, struct strbuf *id, size_t *lead, size_t *trail)
{
    size_t a = 0, b = n;

    while (a < n && space(p[a]))
        a++;
    while (b > a && space(p[b - 1]))
        b--;
    if (!has_letter(p + a, b - a))
        return false;
    strbuf_reset(id);
    for (size_t i = a; i < b; i++) {
        if (space(p[i]) && space(p[i - 1]))
            continue;
        strbuf_addch(id, space(p[i]) ? ' ' : p[i]);
    }
    *lead = a;
    *trail = n - b;
    return true;
}

struct translation {
    struct strbuf out, id;  /* the translated source; a run's msgid */
    tmpl_translate_fn fn;   /* the language */
    void *ctx;
};

static void translate_piece(void *ctx, const char *p, size_t n, bool run)
{
    struct translation *t = ctx;
    size_t lead, trail;
    const char *s;

    if (!run || !run_msgid(p, n, &t->id, &lead, &trail) ||
        (s = t->fn(t->id.buf, t->ctx)) == t->id.buf || !strcmp(s, t->id.buf)) {
        strbuf_add(&t->out, p, n);
        return;
    }
    strbuf_add(&t->out, p, lead);
    strbuf_addstr(&t->out, s);
    strbuf_add(&t->out, p + n - trail, trail);
}

/* The source translated (malloc'd, *out_len bytes). */
static char *translate_source(const char *src, size_t len, tmpl_translate_fn fn, void *fn_ctx,
                              size_t *out_len)
{
    struct translation t = {STRBUF_INIT, STRBUF_INIT, fn, fn_ctx};

    scan(src, len, translate_piece, &t);
    strbuf_release(&t.id);
    return strbuf_detach(&t.out, out_len);
}

struct listing {
    const char *src;                                  /* for line numbers */
    struct strbuf id;                                 /* a run's msgid */
    void (*fn)(void *ctx, const char *msgid, size_t line);
    void *ctx;
};

static void list_piece(void *ctx, const char *p, size_t n, bool run)
{
    struct listing *l = ctx;
    size_t lead, trail;

    if (run && run_msgid(p, n, &l->id, &lead, &trail))
        l->fn(l->ctx, l->id.buf, line_of(l->src, p + lead));
}

void tmpl_texts(const char *src, size_t len,
                void (*fn)(void *ctx, const char *msgid, size_t line), void *ctx)
{
    struct listing l = {src, STRBUF_INIT, fn, ctx};

    scan(src, len, list_piece, &l);
    strbuf_release(&l.id);
}

/* ---- the set ---------------------------------------------------------------------- */

struct slot {
    const struct embedded_file *file; /* the source */
    _Atomic(struct tmpl *) parsed;    /* NULL until first use */
    char *error;                      /* why it does not parse (under mu); NULL: fine */
};

struct tmpl_set {
    struct slot *slots;        /* one per file */
    size_t nr;                 /* how many */
    pthread_mutex_t mu;        /* serialises parsing */
    tmpl_translate_fn translate; /* NULL: the sources as they are */
    void *translate_ctx;
};

struct tmpl_set *tmpl_set_new_translated(const struct embedded_file *files, tmpl_translate_fn fn,
                                         void *ctx)
{
    struct tmpl_set *set = tmpl_set_new(files);

    set->translate = fn;
    set->translate_ctx = ctx;
    return set;
}

struct tmpl_set *tmpl_set_new(const struct embedded_file *files)
{
    struct tmpl_set *set = xcalloc(1, sizeof(*set));

    while (files[set->nr].name)
        set->nr++;
    set->slots = xcalloc(set->nr ? set->nr : 1, sizeof(*set->slots));
    for (size_t i = 0; i < set->nr; i++) {
        set->slots[i].file = &files[i];
        atomic_init(&set->slots[i].parsed, NULL);
    }
    pthread_mutex_init(&set->mu, NULL);
    return set;
}

void tmpl_set_free(struct tmpl_set *set)
{
    if (!set)
        return;
    for (size_t i = 0; i < set->nr; i++) {
        tmpl_free(atomic_load(&set->slots[i].parsed));
        free(set->slots[i].error);
    }
    pthread_mutex_destroy(&set->mu);
    free(set->slots);
    free(set);
}

/* The slot of template name ("x" for file "x.html"), or NULL. */
static struct slot *find_slot(struct tmpl_set *set, const char *name, size_t len)
{
    for (size_t i = 0; i < set->nr; i++) {
        const char *f = set->slots[i].file->name;
        if (!strncmp(f, name, len) && !strcmp(f + len, ".html"))
            return &set->slots[i];
    }
    return NULL;
}

/* The parsed template of a slot, parsing it on first use. */
static int slot_get(struct tmpl_set *set, struct slot *sl, const struct tmpl **out,
                    struct strbuf *err)
{
    struct tmpl *t = atomic_load_explicit(&sl->parsed, memory_order_acquire);
    struct strbuf why = STRBUF_INIT;
    int rc = 0;

    if (t) {
        *out = t;
        return 0;
    }
    pthread_mutex_lock(&set->mu);
    if (!(t = atomic_load_explicit(&sl->parsed, memory_order_relaxed)) && !sl->error) {
        const char *src = (const char *)sl->file->data;
        size_t len = sl->file->len;
        char *own = NULL;
        if (set->translate)
            src = own = translate_source(src, len, set->translate, set->translate_ctx, &len);
        if (parse(src, len, &t, &why) == 0) {
            t->source = own;
            atomic_store_explicit(&sl->parsed, t, memory_order_release);
        } else {
            free(own);
            sl->error = strbuf_detach(&why, NULL);
        }
    }
    if (!t)
        rc = err_addf(err, DESK_EINVAL, "%s: %s", sl->file->name, sl->error);
    pthread_mutex_unlock(&set->mu);
    *out = t;
    return rc;
}

/* ---- rendering ----------------------------------------------------------------------- */

struct render {
    struct tmpl_set *set;          /* for partials */
    json_t *stack[TMPL_MAX_DEPTH]; /* contexts, innermost last */
    size_t depth;                  /* contexts on the stack */
    struct strbuf *out, *err;      /* where to */
    size_t steps;                  /* nodes visited so far (TMPL_MAX_STEPS) */
    size_t out_start;              /* out->len before this rendering (TMPL_MAX_OUTPUT) */
};

/* Member seg of an object, or element seg (decimal) of an array; NULL when missing. */
static json_t *member(json_t *v, const char *seg, size_t len)
{
    size_t i = 0;

    if (!json_is_array(v))
        return json_object_getn(v, seg, len);
    if (!len || len > 9)
        return NULL;
    for (size_t k = 0; k < len; k++) {
        if (seg[k] < '0' || seg[k] > '9')
            return NULL;
        i = i * 10 + (size_t)(seg[k] - '0');
    }
    return json_array_get(v, i);
}

/* Look a dotted name up in the context stack; NULL when missing. */
static json_t *lookup(const struct render *r, const char *name, size_t len)
{
    const char *dot;
    json_t *v = NULL;
    size_t seg;

    if (len == 1 && name[0] == '.')
        return r->stack[r->depth - 1];
    dot = memchr(name, '.', len);
    seg = dot ? (size_t)(dot - name) : len;
    for (size_t i = r->depth; i-- > 0 && !v;)
        v = json_object_getn(r->stack[i], name, seg);
    while (v && dot) {
        name = dot + 1;
        len -= seg + 1;
        dot = memchr(name, '.', len);
        seg = dot ? (size_t)(dot - name) : len;
        v = member(v, name, seg);
    }
    return v;
}

static bool truthy(const json_t *v)
{
    switch (v ? json_typeof(v) : JSON_NULL) {
    case JSON_OBJECT:
        return json_object_size(v) > 0;
    case JSON_ARRAY:
        return json_array_size(v) > 0;
    case JSON_STRING:
        return json_string_length(v) > 0;
    case JSON_INTEGER:
        return json_integer_value(v) != 0;
    case JSON_REAL:
        return json_real_value(v) != 0;
    case JSON_TRUE:
        return true;
    default:
        return false;
    }
}

static void put_value(struct strbuf *out, const json_t *v, bool escape)
{
    char num[32];

    switch (v ? json_typeof(v) : JSON_NULL) {
    case JSON_STRING:
        if (escape)
            strbuf_add_html(out, json_string_value(v), json_string_length(v));
        else
            strbuf_add(out, json_string_value(v), json_string_length(v));
        return;
    case JSON_INTEGER:
        snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        strbuf_addstr(out, num);
        return;
    case JSON_REAL:
        snprintf(num, sizeof(num), "%g", json_real_value(v));
        strbuf_addstr(out, num);
        return;
    case JSON_TRUE:
        strbuf_addstr(out, "true");
        return;
    default:
        return;
    }
}

static int render_nodes(struct render *r, const struct tmpl *t, size_t from, size_t to);

static int render_template(struct render *r, const char *name, size_t len)
{
    struct slot *sl = find_slot(r->set, name, len);
    const struct tmpl *t;
    int rc;

    if (!sl)
        return err_addf(r->err, DESK_ENOTFOUND, "no template '%.*s'", (int)len, name);
    if ((rc = slot_get(r->set, sl, &t, r->err)) < 0)
        return rc;
    return render_nodes(r, t, 0, t->nr);
}

/* Render children [from, to) once with ctx on top of the stack (NULL: no push). */
static int render_with(struct render *r, const struct tmpl *t, size_t from, size_t to, json_t *ctx)
{
    int rc;

    if (r->depth == TMPL_MAX_DEPTH)
        return err_addf(r->err, DESK_EINVAL, "templates nest deeper than %d", TMPL_MAX_DEPTH);
    r->stack[r->depth] = ctx ? ctx : r->stack[r->depth - 1];
    r->depth++;
    rc = render_nodes(r, t, from, to);
    r->depth--;
    return rc;
}

static int render_section(struct render *r, const struct tmpl *t, size_t i)
{
    const struct node *n = &t->nodes[i];
    json_t *v = lookup(r, n->text, n->len), *item;
    size_t k;
    int rc = 0;

    if (n->kind == N_INVERTED)
        return truthy(v) ? 0 : render_with(r, t, i + 1, n->end, NULL);
    if (!truthy(v))
        return 0;
    if (!json_is_array(v))
        return render_with(r, t, i + 1, n->end, json_is_object(v) ? v : NULL);
    json_array_foreach(v, k, item)
    {
        if ((rc = render_with(r, t, i + 1, n->end, item)) < 0)
            break;
    }
    return rc;
}

static int render_nodes(struct render *r, const struct tmpl *t, size_t from, size_t to)
{
    int rc = 0;

    for (size_t i = from; i < to && rc == 0;) {
        const struct node *n = &t->nodes[i];
        if (++r->steps > TMPL_MAX_STEPS)
            return err_addf(r->err, DESK_EINVAL, "rendering visits more than %u nodes",
                            TMPL_MAX_STEPS);
        if (r->out->len - r->out_start > TMPL_MAX_OUTPUT)
            return err_addf(r->err, DESK_EINVAL, "rendering makes more than %u bytes",
                            TMPL_MAX_OUTPUT);
        switch (n->kind) {
        case N_TEXT:
            strbuf_add(r->out, n->text, n->len);
            break;
        case N_VAR:
        case N_RAW:
            put_value(r->out, lookup(r, n->text, n->len), n->kind == N_VAR);
            break;
        case N_SECTION:
        case N_INVERTED:
            rc = render_section(r, t, i);
            i = n->end;
            continue;
        case N_PARTIAL:
            if (r->depth == TMPL_MAX_DEPTH)
                return err_addf(r->err, DESK_EINVAL, "partials nest deeper than %d",
                                TMPL_MAX_DEPTH);
            r->stack[r->depth] = r->stack[r->depth - 1];
            r->depth++;
            rc = render_template(r, n->text, n->len);
            r->depth--;
            break;
        }
        i++;
    }
    return rc;
}

int tmpl_set_render(struct tmpl_set *set, const char *name, json_t *data, struct strbuf *out,
                    struct strbuf *err)
{
    struct render r = {set, {data}, 1, out, err, 0, out->len};

    return render_template(&r, name, strlen(name));
}

/* ---- the compiled-in set ------------------------------------------------------------------ */

#define BUILTIN_LANGUAGES 8 /* sets, one per offered language (i18n.h), in its order */

static _Atomic(struct tmpl_set *) builtin[BUILTIN_LANGUAGES];
static pthread_mutex_t builtin_mu = PTHREAD_MUTEX_INITIALIZER;

static const char *translate_builtin(const char *msgid, void *ctx)
{
    return tr_in(ctx, msgid);
}

/* The compiled-in set in language code (English when it is not offered), made on first use. */
static struct tmpl_set *builtin_set(const char *code)
{
    const char *const *codes, *const *names;
    size_t n = i18n_languages(&codes, &names), i = 0;
    struct tmpl_set *set;

    while (i < n && i < BUILTIN_LANGUAGES && strcmp(codes[i], code))
        i++;
    if (i == n || i == BUILTIN_LANGUAGES)
        i = 0;
    if ((set = atomic_load_explicit(&builtin[i], memory_order_acquire)))
        return set;
    pthread_mutex_lock(&builtin_mu);
    if (!(set = atomic_load_explicit(&builtin[i], memory_order_relaxed))) {
        set = i ? tmpl_set_new_translated(embedded_templates, translate_builtin, (void *)codes[i])
                : tmpl_set_new(embedded_templates);
        atomic_store_explicit(&builtin[i], set, memory_order_release);
    }
    pthread_mutex_unlock(&builtin_mu);
    return set;
}

int tmpl_render(const char *name, json_t *data, struct strbuf *out)
{
    struct strbuf err = STRBUF_INIT;
    int rc;

    if ((rc = tmpl_set_render(builtin_set(i18n_current()), name, data, out, &err)) < 0) {
        char q[256];
        log_error("msg=\"template failed\" template=%s error=\"%s\"", name,
                  log_quote(err.buf, q, sizeof(q)));
    }
    strbuf_release(&err);
    return rc;
}
