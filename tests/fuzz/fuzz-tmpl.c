/*
 * fuzz-tmpl.c - libFuzzer target for the template dialect (http/tmpl.h).
 *
 * Any input either is refused with a message or renders, beside a partial,
 * without a crash. And escaping holds: the input is rendered twice, with
 * data whose strings hold markup and with the same data with the markup
 * replaced by letters. Unless the template asks for raw output, both give
 * the same number of '<' (the values add none, only the template's text).
 * The input is also translated (every text in brackets) and its texts listed
 * as for the catalogue, without a crash.
 */
#include "core/compat.h"
#include "core/embed.h"
#include "core/strbuf.h"
#include "core/xalloc.h"
#include "http/tmpl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char markup[] =
    "{\"s\":\"<script>alert(1)</script>\",\"q\":\"\\\"'&<\",\"n\":7,\"t\":true,\"f\":false,"
    "\"list\":[{\"s\":\"<i>\"},{\"n\":2},[1,[2]],\"<x\"],\"o\":{\"a\":{\"b\":\"<b>\"}},\"e\":[]}";

static const char partial[] = "[{{s}}{{#list}}{{> t}}{{/list}}]";

static size_t count_lt(const char *s)
{
    size_t n = 0;

    while ((s = strchr(s, '<')))
        n++, s++;
    return n;
}

/* Render "t" with data json; the number of '<' in the output, or -1 when refused. */
static long render(struct tmpl_set *set, const char *json)
{
    struct strbuf err = STRBUF_INIT, out = STRBUF_INIT;
    json_t *j = json_loads(json, 0, NULL);
    long n = -1;

    if (!j)
        BUG("the fuzzer's data does not parse");
    if (tmpl_set_render(set, "t", j, &out, &err) == 0)
        n = (long)count_lt(out.buf);
    else if (!err.len)
        BUG("a template failed without a message");
    json_decref(j);
    strbuf_release(&err);
    strbuf_release(&out);
    return n;
}

static const char *bracketed(const char *msgid, void *ctx)
{
    static char out[256];

    (void)ctx;
    snprintf(out, sizeof(out), "[%s]", msgid);
    return out;
}

static void listed(void *ctx, const char *msgid, size_t line)
{
    if (!*msgid || !line)
        BUG("a listed text is empty or has no line");
    (*(size_t *)ctx)++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = xstrndup((const char *)data, size);
    struct embedded_file files[] = {
        {"t.html", text, strlen(text)},
        {"p.html", partial, sizeof(partial) - 1},
        {NULL, NULL, 0},
    };
    struct tmpl_set *set = tmpl_set_new(files);
    char *letters = xstrdup(markup);
    long a, b;

    for (char *p = letters; *p; p++)
        if (*p == '<' || *p == '>')
            *p = 'x';
    a = render(set, markup);
    b = render(set, letters);
    if (a != b && !strstr(text, "{{{") && !strstr(text, "{{&"))
        BUG("a value came out unescaped (%ld '<' with markup, %ld without)", a, b);
    tmpl_set_free(set);
    set = tmpl_set_new_translated(files, bracketed, NULL);
    render(set, markup);
    tmpl_set_free(set);
    {
        size_t n = 0;
        tmpl_texts(text, strlen(text), listed, &n);
    }
    free(letters);
    free(text);
    return 0;
}
