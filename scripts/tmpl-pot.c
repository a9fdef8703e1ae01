/*
 * tmpl-pot.c - the texts of templates as a gettext catalogue template (.pot), for `make po`:
 * exactly what a translated template set looks up (http/tmpl.h, tmpl_texts), each text once
 * with every place it stands.
 *
 *     build/tmpl-pot web/templates/x.html web/templates/y.html > build/templates.pot
 */
#include "core/compat.h"
#include "core/strbuf.h"
#include "core/xalloc.h"
#include "http/tmpl.h"

struct text {
    char *msgid;        /* the text */
    struct strbuf refs; /* "#: web/templates/x.html:12" lines */
};

struct texts {
    struct text *items;
    size_t nr, alloc;
    const char *file; /* the template being read */
};

static void add_text(void *ctx, const char *msgid, size_t line)
{
    struct texts *ts = ctx;
    struct text *t = NULL;

    for (size_t i = 0; i < ts->nr && !t; i++)
        if (!strcmp(ts->items[i].msgid, msgid))
            t = &ts->items[i];
    if (!t) {
        ALLOC_GROW(ts->items, ts->nr + 1, ts->alloc);
        t = &ts->items[ts->nr++];
        t->msgid = xstrdup(msgid);
        strbuf_init(&t->refs, 0);
    }
    strbuf_addf(&t->refs, "#: %s:%zu\n", ts->file, line);
}

/* A PO string: quoted, with \ " and control characters escaped. */
static void put_po_string(const char *s)
{
    putchar('"');
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            printf("\\%c", *s);
        else if (*s == '\t')
            fputs("\\t", stdout);
        else if (*s == '\n')
            fputs("\\n", stdout);
        else
            putchar(*s);
    }
    putchar('"');
}

int main(int argc, char **argv)
{
    struct texts ts = {NULL, 0, 0, NULL};

    for (int i = 1; i < argc; i++) {
        struct strbuf src = STRBUF_INIT;
        FILE *f = fopen(argv[i], "rb");
        char buf[8192];
        size_t n;

        if (!f) {
            fprintf(stderr, "tmpl-pot: cannot read %s\n", argv[i]);
            return 1;
        }
        while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
            strbuf_add(&src, buf, n);
        fclose(f);
        ts.file = argv[i];
        tmpl_texts(src.buf, src.len, add_text, &ts);
        strbuf_release(&src);
    }
    printf("msgid \"\"\nmsgstr \"\"\n\"Content-Type: text/plain; charset=UTF-8\\n\"\n\n");
    for (size_t i = 0; i < ts.nr; i++) {
        /* a text with a '%' is not a format: msgfmt --check must not take it for one */
        printf("%s%smsgid ", ts.items[i].refs.buf,
               strchr(ts.items[i].msgid, '%') ? "#, no-c-format\n" : "");
        put_po_string(ts.items[i].msgid);
        printf("\nmsgstr \"\"\n\n");
        free(ts.items[i].msgid);
        strbuf_release(&ts.items[i].refs);
    }
    free(ts.items);
    return 0;
}
