/*
 * authres.c - the Authentication-Results parser and its verdict (see authres.h).
 *
 * A cursor walks the value once; every reader returns 0 or -1 and never
 * reads past the end. Text is copied into the arena only once an item is
 * whole, so a malformed field costs no more than its length.
 */
#include "core/compat.h"
#include "mail/authres.h"
#include "core/err.h"
#include "core/strbuf.h"
#include <strings.h>

struct cur {
    const char *p;   /* next byte */
    const char *end; /* one past the last */
};

/* ---- lexical items ------------------------------------------------------------------------ */

static bool more(const struct cur *c)
{
    return c->p < c->end;
}

static bool is_ws(char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
}

/* A comment starting at '(' (nested, with quoted pairs); -1 when it never ends or nests deep. */
static int skip_comment(struct cur *c)
{
    int depth = 0;

    while (more(c)) {
        char ch = *c->p++;
        if (ch == '\\') {
            if (!more(c))
                return -1;
            c->p++;
        } else if (ch == '(') {
            if (++depth > AUTHRES_MAX_DEPTH)
                return -1;
        } else if (ch == ')') {
            if (--depth == 0)
                return 0;
        }
    }
    return -1;
}

/* Folding white space and comments. */
static int skip_cfws(struct cur *c)
{
    for (;;) {
        while (more(c) && is_ws(*c->p))
            c->p++;
        if (!more(c) || *c->p != '(')
            return 0;
        if (skip_comment(c) < 0)
            return -1;
    }
}

/* Is the next byte ch (after white space and comments)? Consumes it when it is. */
static bool take(struct cur *c, char ch)
{
    if (skip_cfws(c) < 0 || !more(c) || *c->p != ch)
        return false;
    c->p++;
    return true;
}

static bool is_keyword_char(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           ch == '-' || ch == '_';
}

/* RFC 2045 token: printable ASCII but for the tspecials. */
static bool is_token_char(char ch)
{
    return ch > ' ' && ch < 0x7f && !strchr("()<>@,;:\\\"/[]?=", ch);
}

/* A byte of an unquoted property value: anything printable but the delimiters (UTF-8 too). */
static bool is_pvalue_char(char ch)
{
    unsigned char u = (unsigned char)ch;

    return (u > ' ' && u != 0x7f && !strchr("();\"\\", ch));
}

/* A keyword (letters, digits, '-', '_'), lower case, into the arena; -1 when there is none. */
static int keyword(struct cur *c, const char **out, struct arena *a)
{
    const char *start;
    char *s;

    if (skip_cfws(c) < 0)
        return -1;
    start = c->p;
    while (more(c) && is_keyword_char(*c->p))
        c->p++;
    if (c->p == start)
        return -1;
    s = arena_strndup(a, start, (size_t)(c->p - start));
    for (char *q = s; *q; q++)
        if (*q >= 'A' && *q <= 'Z')
            *q = (char)(*q + 32);
    *out = s;
    return 0;
}

/* A quoted string at '"', escapes undone, into the arena; -1 when it never ends. */
static int quoted(struct cur *c, const char **out, struct arena *a)
{
    struct strbuf sb = STRBUF_INIT;
    int rc = -1;

    c->p++;
    while (more(c)) {
        char ch = *c->p++;
        if (ch == '"') {
            rc = 0;
            break;
        }
        if (ch == '\\') {
            if (!more(c))
                break;
            ch = *c->p++;
        }
        if ((unsigned char)ch < ' ' && !is_ws(ch))
            break; /* a control character */
        strbuf_addch(&sb, ch);
    }
    if (rc == 0)
        *out = arena_strndup(a, sb.buf, sb.len);
    strbuf_release(&sb);
    return rc;
}

/* A run of bytes accepted by ok, into the arena; -1 when empty. */
static int run(struct cur *c, bool (*ok)(char), const char **out, struct arena *a)
{
    const char *start = c->p;

    while (more(c) && ok(*c->p))
        c->p++;
    if (c->p == start)
        return -1;
    *out = arena_strndup(a, start, (size_t)(c->p - start));
    return 0;
}

/*
 * A property value: a quoted string, or a run of printable bytes (a token,
 * a domain, "local@domain", "@domain", the base64 start of a signature).
 */
static int pvalue(struct cur *c, const char **out, struct arena *a)
{
    const char *local;

    if (skip_cfws(c) < 0 || !more(c))
        return -1;
    if (*c->p != '"')
        return run(c, is_pvalue_char, out, a);
    if (quoted(c, &local, a) < 0)
        return -1;
    if (more(c) && *c->p == '@') { /* "quoted local part"@domain */
        const char *domain;
        if (run(c, is_pvalue_char, &domain, a) < 0)
            return -1;
        *out = arena_sprintf(a, "%s%s", local, domain);
        return 0;
    }
    *out = local;
    return 0;
}

/* ---- the grammar -------------------------------------------------------------------------- */

/* authserv-id = value (token or quoted string), lower case. */
static int authserv_id(struct cur *c, const char **out, struct arena *a)
{
    char *s;

    if (skip_cfws(c) < 0 || !more(c))
        return -1;
    if (*c->p == '"' ? quoted(c, out, a) < 0 : run(c, is_token_char, out, a) < 0)
        return -1;
    if (!**out)
        return -1;
    s = (char *)*out;
    for (; *s; s++) {
        if ((unsigned char)*s < ' ' || (unsigned char)*s >= 0x7f)
            return -1;
        if (*s >= 'A' && *s <= 'Z')
            *s = (char)(*s + 32);
    }
    return 0;
}

/* An optional version after the authserv-id: it must be 1 when given. */
static int version(struct cur *c)
{
    const char *start;
    long v = 0;

    if (skip_cfws(c) < 0)
        return -1;
    start = c->p;
    while (more(c) && *c->p >= '0' && *c->p <= '9' && c->p - start < 9)
        v = v * 10 + (*c->p++ - '0');
    if (c->p == start)
        return 0;
    if (more(c) && *c->p >= '0' && *c->p <= '9')
        return -1; /* absurdly long */
    return v == 1 ? 0 : -1;
}

/* method [ "/" version ] "=" result */
static int methodspec(struct cur *c, struct authres_result *r, struct arena *a)
{
    if (keyword(c, &r->method, a) < 0)
        return -1;
    if (take(c, '/')) {
        if (skip_cfws(c) < 0 || !more(c) || *c->p < '0' || *c->p > '9')
            return -1;
        while (more(c) && *c->p >= '0' && *c->p <= '9')
            c->p++;
    }
    if (!take(c, '='))
        return -1;
    return keyword(c, &r->result, a);
}

/* What follows a methodspec: reason=value and ptype.property=value, up to ';' or the end. */
static int properties(struct cur *c, struct authres_result *r, struct arena *a)
{
    for (;;) {
        const char *word;
        struct authres_prop *p;

        if (skip_cfws(c) < 0)
            return -1;
        if (!more(c) || *c->p == ';')
            return 0;
        if (keyword(c, &word, a) < 0)
            return -1;
        if (!strcmp(word, "reason") && take(c, '=')) {
            if (r->reason || r->nprops || pvalue(c, &r->reason, a) < 0)
                return -1; /* one reason, before the properties */
            continue;
        }
        if (r->nprops == AUTHRES_MAX_PROPS)
            return -1;
        p = &r->props[r->nprops];
        p->ptype = word;
        if (!take(c, '.') || keyword(c, &p->property, a) < 0 || !take(c, '=') ||
            pvalue(c, &p->value, a) < 0)
            return -1;
        r->nprops++;
    }
}

/* 1*( ";" resinfo ), or "; none"; then the end. */
static int results(struct cur *c, struct authres *out, struct arena *a)
{
    size_t alloc = 0;

    if (!take(c, ';'))
        return -1;
    for (;;) {
        struct authres_result *r;
        struct cur save = *c;
        const char *word;

        if (out->nresults == 0 && keyword(c, &word, a) == 0 && !strcmp(word, "none") &&
            skip_cfws(c) == 0 && !more(c))
            return 0; /* no-result */
        *c = save;
        if (out->nresults == AUTHRES_MAX_RESULTS)
            return -1;
        ARENA_GROW(a, out->results, out->nresults, alloc);
        r = &out->results[out->nresults];
        memset(r, 0, sizeof(*r));
        if (methodspec(c, r, a) < 0 || properties(c, r, a) < 0)
            return -1;
        out->nresults++;
        if (!more(c))
            return 0;
        c->p++; /* the ';' that properties() stopped at */
        if (skip_cfws(c) < 0)
            return -1;
        if (!more(c))
            return 0; /* a trailing ';' */
    }
}

int authres_parse(const char *value, size_t len, struct authres *out, struct arena *a)
{
    struct cur c = {value, value + len};

    memset(out, 0, sizeof(*out));
    if (!value || len > AUTHRES_MAX_LEN)
        return DESK_EINVAL;
    for (size_t i = 0; i < len; i++) {
        unsigned char u = (unsigned char)value[i];
        if ((u < ' ' && !is_ws((char)u)) || u == 0x7f)
            return DESK_EINVAL; /* NUL and other control characters */
    }
    if (authserv_id(&c, &out->authserv_id, a) < 0) {
        out->authserv_id = NULL;
        return DESK_EINVAL;
    }
    if (version(&c) < 0 || results(&c, out, a) < 0) {
        out->results = NULL;
        out->nresults = 0;
        return DESK_EINVAL;
    }
    return 0;
}

/* ---- the verdict -------------------------------------------------------------------------- */

/* Domain names equal, ignoring ASCII case and a final dot on either. */
static bool same_domain(const char *x, const char *y)
{
    size_t nx = strlen(x), ny = strlen(y);

    if (nx && x[nx - 1] == '.')
        nx--;
    if (ny && y[ny - 1] == '.')
        ny--;
    return nx && nx == ny && !strncasecmp(x, y, nx);
}

static bool prop_is(const struct authres_prop *p, const char *ptype, const char *property)
{
    return !strcmp(p->ptype, ptype) && !strcmp(p->property, property);
}

static bool result_vouches(const struct authres_result *r, const char *domain)
{
    bool dkim = !strcmp(r->method, "dkim"), dmarc = !strcmp(r->method, "dmarc");

    if ((!dkim && !dmarc) || strcmp(r->result, "pass"))
        return false;
    for (size_t i = 0; i < r->nprops; i++) {
        const struct authres_prop *p = &r->props[i];
        const char *at;
        if (dkim && prop_is(p, "header", "d") && same_domain(p->value, domain))
            return true;
        if (dkim && prop_is(p, "header", "i") && (at = strrchr(p->value, '@')) &&
            same_domain(at + 1, domain))
            return true;
        if (dmarc && prop_is(p, "header", "from") && same_domain(p->value, domain))
            return true;
    }
    return false;
}

bool authres_field_vouches(const struct authres *ar, const char *domain)
{
    if (!domain || !*domain)
        return false;
    for (size_t i = 0; i < ar->nresults; i++)
        if (result_vouches(&ar->results[i], domain))
            return true;
    return false;
}

/* Is id one of the authserv-ids in list (commas or spaces between them, any case)? */
static bool trusted_id(const char *list, const char *id)
{
    size_t n = strlen(id);

    for (const char *p = list; p && *p;) {
        size_t w;
        while (*p == ',' || *p == ' ' || *p == '\t')
            p++;
        w = strcspn(p, ", \t");
        if (w && w == n && !strncasecmp(p, id, n))
            return true;
        p += w;
    }
    return false;
}

bool authres_vouches(const char *const *fields, size_t n, const char *trusted, int max_fields,
                     const char *domain, struct arena *a)
{
    int counted = 0;

    if (!trusted || !*trusted || !domain || !*domain)
        return false;
    for (size_t i = 0; i < n && counted < max_fields; i++) {
        struct authres ar;
        int rc = authres_parse(fields[i], strlen(fields[i]), &ar, a);
        if (!ar.authserv_id || !trusted_id(trusted, ar.authserv_id))
            continue; /* another server's field (or no readable id): says nothing */
        counted++;
        if (rc == 0 && authres_field_vouches(&ar, domain))
            return true;
    }
    return false;
}
