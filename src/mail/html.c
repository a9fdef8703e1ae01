/*
 * html.c - HTML to text for mail bodies (see html.h).
 *
 * One pass over the input: text runs are written with white space
 * collapsed, tags only move the state (pending line breaks, quote depth,
 * <pre>, the open link), and a last pass tidies the lines.
 */
#include "core/compat.h"
#include "mail/html.h"
#include "mail/text.h"
#include <strings.h>

#define TAG_NAME_MAX 16 /* longer names are no element we know */
#define HREF_MAX 2048   /* a longer link is not repeated after its text */
#define ENTITY_MAX 32   /* characters of an entity name */

struct h2t {
    struct strbuf *out;  /* where the text goes */
    size_t start;        /* where this conversion began in out */
    int quote;           /* <blockquote> depth */
    int pre;             /* <pre> depth: white space kept */
    int newlines;        /* line breaks pending before the next text (at most 2) */
    bool space;          /* a collapsed space pending */
    bool line_start;     /* nothing written on the current line yet */
    char href[HREF_MAX]; /* the open link's target; "" for none */
    size_t link_start;   /* where the open link's text began */
};

/* ---- writing text ----------------------------------------------------------------------- */

static void quote_prefix(struct h2t *h)
{
    for (int i = 0; i < h->quote; i++)
        strbuf_addch(h->out, '>');
    if (h->quote)
        strbuf_addch(h->out, ' ');
}

/* Write what is pending (line breaks, a space, the quote prefix) before visible text. */
static void begin_text(struct h2t *h)
{
    if (h->newlines && h->out->len > h->start) {
        for (int i = 0; i < h->newlines; i++)
            strbuf_addch(h->out, '\n');
        h->line_start = true;
    } else if (h->space && !h->line_start) {
        strbuf_addch(h->out, ' ');
    }
    if (h->line_start)
        quote_prefix(h);
    h->line_start = false;
    h->newlines = 0;
    h->space = false;
}

static void want_break(struct h2t *h, int n)
{
    if (h->newlines < n)
        h->newlines = n;
    h->space = false;
}

static void put_char(struct h2t *h, const char *s, size_t n)
{
    bool white = n == 1 && (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' || *s == '\f');

    if (h->pre && n == 1 && *s == '\n') {
        strbuf_addch(h->out, '\n');
        h->line_start = true;
        return;
    }
    if (white && !h->pre) {
        h->space = true;
        return;
    }
    if (*s == '\r')
        return;
    begin_text(h);
    strbuf_add(h->out, s, n);
}

/* ---- entities --------------------------------------------------------------------------- */

/* The Latin-1 entities, U+00A0 to U+00FF in order (HTML 4), eight to a row. */
/* clang-format off */
static const char *const latin1[96] = {
    "nbsp",   "iexcl",  "cent",   "pound",  "curren", "yen",    "brvbar", "sect",
    "uml",    "copy",   "ordf",   "laquo",  "not",    "shy",    "reg",    "macr",
    "deg",    "plusmn", "sup2",   "sup3",   "acute",  "micro",  "para",   "middot",
    "cedil",  "sup1",   "ordm",   "raquo",  "frac14", "frac12", "frac34", "iquest",
    "Agrave", "Aacute", "Acirc",  "Atilde", "Auml",   "Aring",  "AElig",  "Ccedil",
    "Egrave", "Eacute", "Ecirc",  "Euml",   "Igrave", "Iacute", "Icirc",  "Iuml",
    "ETH",    "Ntilde", "Ograve", "Oacute", "Ocirc",  "Otilde", "Ouml",   "times",
    "Oslash", "Ugrave", "Uacute", "Ucirc",  "Uuml",   "Yacute", "THORN",  "szlig",
    "agrave", "aacute", "acirc",  "atilde", "auml",   "aring",  "aelig",  "ccedil",
    "egrave", "eacute", "ecirc",  "euml",   "igrave", "iacute", "icirc",  "iuml",
    "eth",    "ntilde", "ograve", "oacute", "ocirc",  "otilde", "ouml",   "divide",
    "oslash", "ugrave", "uacute", "ucirc",  "uuml",   "yacute", "thorn",  "yuml",
};
/* clang-format on */

static const struct {
    const char *name;
    uint32_t cp;
} named[] = {
    {"amp", '&'},       {"lt", '<'},        {"gt", '>'},        {"quot", '"'},
    {"apos", '\''},     {"ndash", 0x2013},  {"mdash", 0x2014},  {"lsquo", 0x2018},
    {"rsquo", 0x2019},  {"sbquo", 0x201a},  {"ldquo", 0x201c},  {"rdquo", 0x201d},
    {"bdquo", 0x201e},  {"bull", 0x2022},   {"hellip", 0x2026}, {"euro", 0x20ac},
    {"trade", 0x2122},  {"dagger", 0x2020}, {"Dagger", 0x2021}, {"permil", 0x2030},
    {"lsaquo", 0x2039}, {"rsaquo", 0x203a}, {"OElig", 0x152},   {"oelig", 0x153},
    {"Scaron", 0x160},  {"scaron", 0x161},  {"Yuml", 0x178},    {"fnof", 0x192},
    {"circ", 0x2c6},    {"tilde", 0x2dc},   {"ensp", 0x2002},   {"emsp", 0x2003},
    {"thinsp", 0x2009}, {"zwnj", 0x200c},   {"zwj", 0x200d},    {"minus", 0x2212},
};

/* The code point of entity name[0..n) (without & and ;), or 0 when unknown. */
static uint32_t entity_code(const char *name, size_t n)
{
    if (n > 1 && name[0] == '#') {
        bool hex = name[1] == 'x' || name[1] == 'X';
        uint32_t cp = 0;
        size_t i = hex ? 2 : 1;
        if (i == n)
            return 0;
        for (; i < n; i++) {
            int d = name[i] >= '0' && name[i] <= '9'          ? name[i] - '0'
                    : hex && name[i] >= 'a' && name[i] <= 'f' ? name[i] - 'a' + 10
                    : hex && name[i] >= 'A' && name[i] <= 'F' ? name[i] - 'A' + 10
                                                              : -1;
            if (d < 0)
                return 0;
            cp = cp * (hex ? 16 : 10) + (uint32_t)d;
            if (cp > 0x10ffff)
                return 0xfffd;
        }
        return cp ? cp : 0xfffd;
    }
    for (size_t i = 0; i < ARRAY_SIZE(named); i++)
        if (strlen(named[i].name) == n && !memcmp(named[i].name, name, n))
            return named[i].cp;
    for (size_t i = 0; i < ARRAY_SIZE(latin1); i++)
        if (strlen(latin1[i]) == n && !memcmp(latin1[i], name, n))
            return 0xa0 + (uint32_t)i;
    return 0;
}

/* Decode the entity at s[0..n) (s[0] == '&'); 0 when it is none (then '&' is literal). */
static size_t entity(const char *s, size_t n, uint32_t *cp)
{
    size_t i = 1;

    while (i < n && i <= ENTITY_MAX &&
           (s[i] == '#' || (s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'z') ||
            (s[i] >= 'A' && s[i] <= 'Z')))
        i++;
    if (i >= n || s[i] != ';' || i == 1 || !(*cp = entity_code(s + 1, i - 1)))
        return 0;
    return i + 1;
}

static void put_entity(struct h2t *h, uint32_t cp)
{
    if (cp == 0xa0) {
        char sp = ' ';
        put_char(h, &sp, 1);
        return;
    }
    begin_text(h);
    text_put_utf8(h->out, cp);
}

/* ---- tags ------------------------------------------------------------------------------- */

static bool name_is(const char *name, const char *const *list)
{
    for (; *list; list++)
        if (!strcmp(name, *list))
            return true;
    return false;
}

/* Elements whose content is not text; the first two are dropped to the end when unclosed. */
static const char *const hidden[] = {"script", "style", "head",   "title",  "noscript", "template",
                                     "svg",    "math",  "iframe", "object", "xml",      NULL};
static const char *const paragraphs[] = {
    "p",     "h1", "h2",      "h3",      "h4",     "h5",     "h6",      "ul",     "ol", "dl",
    "table", "hr", "section", "article", "header", "footer", "address", "figure", NULL};
static const char *const lines[] = {"div",      "tr",     "dt",   "dd",    "form",
                                    "center",   "nav",    "main", "aside", "caption",
                                    "fieldset", "legend", NULL};

/* Copy the value of attribute href in tag text s[0..n) (after the name) into h->href. */
static void read_href(struct h2t *h, const char *s, size_t n)
{
    size_t i = 0;

    h->href[0] = '\0';
    while (i < n) {
        size_t name = i, vstart, vend;
        while (i < n && s[i] != '=' && s[i] != ' ' && s[i] != '\t' && s[i] != '\n')
            i++;
        bool is_href = i - name == 4 && !strncasecmp(s + name, "href", 4);
        if (i >= n || s[i] != '=') {
            i++;
            continue;
        }
        i++;
        char q = i < n && (s[i] == '"' || s[i] == '\'') ? s[i++] : 0;
        vstart = i;
        while (i < n && (q ? s[i] != q : (s[i] != ' ' && s[i] != '\t' && s[i] != '\n')))
            i++;
        vend = i++;
        if (is_href && vend - vstart < sizeof(h->href)) {
            memcpy(h->href, s + vstart, vend - vstart);
            h->href[vend - vstart] = '\0';
            return;
        }
    }
}

static bool link_worth_showing(const char *href)
{
    return !strncasecmp(href, "http://", 7) || !strncasecmp(href, "https://", 8) ||
           !strncasecmp(href, "mailto:", 7);
}

/* At </a>: repeat the target after the text when the text does not show it. */
static void close_link(struct h2t *h)
{
    const char *text = h->out->buf + h->link_start;
    size_t tlen = h->out->len - h->link_start;
    const char *shown = !strncasecmp(h->href, "mailto:", 7) ? h->href + 7 : h->href;

    if (h->href[0] && link_worth_showing(h->href) && h->link_start <= h->out->len &&
        !(tlen == strlen(shown) && !memcmp(text, shown, tlen)) &&
        !(tlen == strlen(h->href) && !memcmp(text, h->href, tlen))) {
        begin_text(h);
        strbuf_addf(h->out, "%s<%s>", tlen ? " " : "", h->href);
    }
    h->href[0] = '\0';
}

static void open_or_close(struct h2t *h, const char *name, bool closing, const char *attrs,
                          size_t alen)
{
    if (!strcmp(name, "br")) {
        h->newlines = h->newlines < 2 ? h->newlines + 1 : 2;
        h->space = false;
    } else if (!strcmp(name, "blockquote")) {
        want_break(h, 2);
        h->quote += closing ? (h->quote > 0 ? -1 : 0) : 1;
    } else if (!strcmp(name, "pre")) {
        want_break(h, 2);
        h->pre += closing ? (h->pre > 0 ? -1 : 0) : 1;
    } else if (!strcmp(name, "li")) {
        want_break(h, 1);
        if (!closing) {
            begin_text(h);
            strbuf_addstr(h->out, "- ");
            h->line_start = false;
        }
    } else if (!strcmp(name, "td") || !strcmp(name, "th")) {
        h->space = true;
    } else if (!strcmp(name, "a")) {
        if (closing) {
            close_link(h);
        } else {
            read_href(h, attrs, alen);
            begin_text(h);
            h->link_start = h->out->len;
        }
    } else if (name_is(name, paragraphs)) {
        want_break(h, 2);
    } else if (name_is(name, lines)) {
        want_break(h, 1);
    }
}

/* Skip past the end of tag `name`'s content ("</name...>"); returns the new position. */
static size_t skip_hidden(const char *s, size_t n, size_t i, const char *name)
{
    size_t len = strlen(name);

    for (; i + 2 + len <= n; i++)
        if (s[i] == '<' && s[i + 1] == '/' && !strncasecmp(s + i + 2, name, len)) {
            const char *gt = memchr(s + i, '>', n - i);
            return gt ? (size_t)(gt - s) + 1 : n;
        }
    /* unclosed: a script or style runs to the end; for the others, ignore the tag */
    return !strcmp(name, "script") || !strcmp(name, "style") ? n : SIZE_MAX;
}

/* The end of the tag that starts at s[i] == '<' (past its '>', quotes respected). */
static size_t tag_end(const char *s, size_t n, size_t i)
{
    char q = 0;

    for (i++; i < n; i++) {
        if (q) {
            if (s[i] == q)
                q = 0;
        } else if (s[i] == '"' || s[i] == '\'') {
            q = s[i];
        } else if (s[i] == '>') {
            return i + 1;
        }
    }
    return n;
}

/* Handle the markup at s[i] == '<'; returns the position after it. */
static size_t markup(struct h2t *h, const char *s, size_t n, size_t i)
{
    char name[TAG_NAME_MAX + 1];
    size_t j = i + 1, k = 0, end;
    bool closing = false;

    if (n - i >= 4 && !memcmp(s + i, "<!--", 4)) {
        const char *e = memmem(s + i + 4, n - i - 4, "-->", 3);
        return e ? (size_t)(e - s) + 3 : n;
    }
    if (j < n && (s[j] == '!' || s[j] == '?'))
        return tag_end(s, n, i);
    if (j < n && s[j] == '/')
        closing = true, j++;
    while (j < n && k < TAG_NAME_MAX &&
           ((s[j] >= 'a' && s[j] <= 'z') || (s[j] >= 'A' && s[j] <= 'Z') ||
            (k && ((s[j] >= '0' && s[j] <= '9') || s[j] == ':' || s[j] == '-')))) {
        name[k++] = (char)(s[j] >= 'A' && s[j] <= 'Z' ? s[j] + 32 : s[j]);
        j++;
    }
    name[k] = '\0';
    if (!k) {
        put_char(h, "<", 1); /* a lone '<' in text */
        return i + 1;
    }
    end = tag_end(s, n, i);
    if (!closing && name_is(name, hidden)) {
        size_t after = skip_hidden(s, n, end, name);
        if (after != SIZE_MAX)
            return after;
    }
    open_or_close(h, name, closing, s + j, end > j ? end - j - 1 : 0);
    return end;
}

/* ---- the last pass ------------------------------------------------------------------------- */

/* Trailing blanks off each line, at most one empty line in a row, none at either end. */
static void tidy(struct strbuf *out, size_t start)
{
    size_t w = start, blank_run = 0;
    size_t i = start;

    while (i < out->len) {
        size_t e = i, last;
        while (e < out->len && out->buf[e] != '\n')
            e++;
        last = e;
        while (last > i && (out->buf[last - 1] == ' ' || out->buf[last - 1] == '\t'))
            last--;
        if (last == i) {
            blank_run++;
        } else {
            if (w > start)
                for (size_t b = 0; b < (blank_run ? 2 : 1); b++)
                    out->buf[w++] = '\n';
            memmove(out->buf + w, out->buf + i, last - i);
            w += last - i;
            blank_run = 0;
        }
        i = e + 1;
    }
    strbuf_setlen(out, w);
}

void html_to_text(const char *s, size_t n, struct strbuf *out)
{
    struct h2t hs, *h = &hs;
    size_t i = 0;
    uint32_t cp;

    memset(h, 0, sizeof(*h));
    h->out = out;
    h->start = out->len;
    h->line_start = true;
    while (i < n) {
        size_t k;
        if (s[i] == '<') {
            i = markup(h, s, n, i);
        } else if (s[i] == '&' && (k = entity(s + i, n - i, &cp))) {
            put_entity(h, cp);
            i += k;
        } else {
            k = ((unsigned char)s[i] & 0xe0) == 0xc0   ? 2
                : ((unsigned char)s[i] & 0xf0) == 0xe0 ? 3
                : ((unsigned char)s[i] & 0xf8) == 0xf0 ? 4
                                                       : 1;
            k = k <= n - i ? k : 1;
            put_char(h, s + i, k);
            i += k;
        }
    }
    tidy(out, h->start);
}
