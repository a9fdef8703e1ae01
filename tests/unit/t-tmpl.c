/*
 * t-tmpl.c - the template dialect: escaping, raw output, sections, inverted
 * sections, partials, parse errors, and every compiled-in template parsing.
 */
#include "test.h"
#include "core/embed.h"
#include "core/err.h"
#include "core/i18n.h"
#include "http/tmpl.h"

#define FILE_(n, s)                                                                                \
    {                                                                                              \
        n, s, sizeof(s) - 1                                                                        \
    }

/* Render `text` (as template "t", beside a partial "p") with data given as JSON text. */
static int render(const char *text, const char *data, struct strbuf *out)
{
    struct embedded_file files[] = {
        {"t.html", text, strlen(text)},
        FILE_("p.html", "<b>{{name}}</b>"),
        FILE_("loop.html", "{{> loop}}"),
        {NULL, NULL, 0},
    };
    struct tmpl_set *set = tmpl_set_new(files);
    struct strbuf err = STRBUF_INIT;
    json_t *j = json_loads(data, 0, NULL);
    int rc;

    assert_non_null(j);
    strbuf_reset(out);
    rc = tmpl_set_render(set, "t", j, out, &err);
    if (rc < 0)
        strbuf_addf(out, "ERROR %s", err.buf);
    json_decref(j);
    strbuf_release(&err);
    tmpl_set_free(set);
    return rc;
}

static void check(const char *text, const char *data, const char *want)
{
    struct strbuf out = STRBUF_INIT;

    render(text, data, &out);
    assert_string_equal(out.buf, want);
    strbuf_release(&out);
}

static void test_escapes_by_default(void **state)
{
    (void)state;
    check("<p>{{s}}</p>", "{\"s\":\"<script>alert(1)</script>\"}",
          "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>");
    check("<input value=\"{{s}}\">", "{\"s\":\"\\\"><img src=x onerror=alert(1)>\"}",
          "<input value=\"&quot;&gt;&lt;img src=x onerror=alert(1)&gt;\">");
    check("<a title='{{s}}'>", "{\"s\":\"it's & more\"}", "<a title='it&#39;s &amp; more'>");
    check("{{{s}}}|{{& s}}", "{\"s\":\"<i>x</i>\"}", "<i>x</i>|<i>x</i>");
}

static void test_values(void **state)
{
    (void)state;
    check("{{n}} {{r}} {{t}} {{f}} {{z}} {{missing}}.",
          "{\"n\":42,\"r\":1.5,\"t\":true,\"f\":false,\"z\":null}", "42 1.5 true   .");
    check("{{a.b.c}}/{{ a.b.c }}/{{a.x.c}}", "{\"a\":{\"b\":{\"c\":\"deep\"}}}", "deep/deep/");
    check("{{! a comment }}x", "{}", "x");
    check("{{#l.0}}has{{/l.0}}{{l.1.n}}{{^e.0}}none{{/e.0}}", "{\"l\":[1,{\"n\":2}],\"e\":[]}",
          "has2none");
    check("no tags at all", "{}", "no tags at all");
}

static void test_sections(void **state)
{
    (void)state;
    check("{{#list}}[{{name}}]{{/list}}", "{\"list\":[{\"name\":\"a\"},{\"name\":\"<b>\"}]}",
          "[a][&lt;b&gt;]");
    check("{{#list}}{{.}},{{/list}}", "{\"list\":[1,2,3]}", "1,2,3,");
    check("{{#o}}{{x}}-{{top}}{{/o}}", "{\"o\":{\"x\":1},\"top\":\"T\"}", "1-T");
    check("{{#yes}}y{{/yes}}{{#no}}n{{/no}}{{#empty}}e{{/empty}}{{#zero}}z{{/zero}}",
          "{\"yes\":\"s\",\"no\":false,\"empty\":[],\"zero\":0}", "y");
    check("{{^list}}none{{/list}}{{^x}}no x{{/x}}{{^t}}not{{/t}}", "{\"list\":[],\"t\":true}",
          "noneno x");
    check("{{#a}}{{#b}}{{v}}{{/b}}{{/a}}", "{\"a\":[{\"b\":{\"v\":1}},{\"b\":{\"v\":2}}]}", "12");
}

static void test_partials(void **state)
{
    struct strbuf out = STRBUF_INIT;

    (void)state;
    check("<p>{{> p}}</p>", "{\"name\":\"<x>\"}", "<p><b>&lt;x&gt;</b></p>");
    check("{{#people}}{{>p}}{{/people}}", "{\"people\":[{\"name\":\"a\"},{\"name\":\"b\"}]}",
          "<b>a</b><b>b</b>");
    assert_int_equal(render("{{> nope}}", "{}", &out), DESK_ENOTFOUND);
    assert_int_equal(render("{{> loop}}", "{}", &out), DESK_EINVAL);
    assert_non_null(strstr(out.buf, "deeper"));
    strbuf_release(&out);
}

/* `levels` sections over l around `inner` */
static void nested(struct strbuf *text, int levels, const char *inner)
{
    strbuf_reset(text);
    for (int i = 0; i < levels; i++)
        strbuf_addstr(text, "{{#l}}");
    strbuf_addstr(text, inner);
    for (int i = 0; i < levels; i++)
        strbuf_addstr(text, "{{/l}}");
}

/* Sections nested over lists multiply: the rendering stops at a budget, with a message. */
static void test_budget(void **state)
{
    struct strbuf text = STRBUF_INIT, out = STRBUF_INIT, data = STRBUF_INIT;
    const char *four = "{\"l\":[1,2,3,4]}";
    char line[201];

    (void)state;
    memset(line, 'y', 200);
    line[200] = 0;
    nested(&text, 20, "x"); /* 4^20 visits */
    assert_int_equal(render(text.buf, four, &out), DESK_EINVAL);
    assert_non_null(strstr(out.buf, "visits more than"));
    nested(&text, 8, line); /* 4^8 copies: 13 MB, under both budgets */
    assert_int_equal(render(text.buf, four, &out), 0);
    assert_int_equal(out.len, 200u << 16);
    nested(&text, 9, line); /* 52 MB */
    assert_int_equal(render(text.buf, four, &out), DESK_EINVAL);
    assert_non_null(strstr(out.buf, "makes more than"));
    /* a long page: 20,000 rows of a few values each renders whole */
    strbuf_addstr(&data, "{\"rows\":[");
    for (int i = 0; i < 20000; i++)
        strbuf_addf(&data, "%s{\"id\":%d,\"s\":\"r\"}", i ? "," : "", i);
    strbuf_addstr(&data, "]}");
    assert_int_equal(render("{{#rows}}<tr><td>{{id}}</td><td>{{s}}</td></tr>{{/rows}}", data.buf,
                            &out), 0);
    assert_non_null(strstr(out.buf, "<td>19999</td>"));
    strbuf_release(&data);
    strbuf_release(&text);
    strbuf_release(&out);
}

static void test_parse_errors(void **state)
{
    static const struct {
        const char *text, *why;
    } bad[] = {
        {"{{x", "line 1: tag not closed"},
        {"a\n{{#x}}b", "line 2: {{#x}} is not closed"},
        {"{{#x}}{{/y}}", "{{/y}} closes {{#x}}"},
        {"{{/x}}", "closes no section"},
        {"{{ }}", "empty tag"},
        {"{{{x}}", "tag not closed"},
    };
    struct strbuf out = STRBUF_INIT;

    (void)state;
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        assert_int_equal(render(bad[i].text, "{}", &out), DESK_EINVAL);
        if (!strstr(out.buf, bad[i].why))
            fail_msg("'%s': got '%s', want '%s'", bad[i].text, out.buf, bad[i].why);
    }
    strbuf_release(&out);
}

static void test_builtin_templates_parse(void **state)
{
    struct strbuf out = STRBUF_INIT;
    json_t *empty = json_object();
    size_t n = 0;

    (void)state;
    for (const struct embedded_file *f = embedded_templates; f->name; f++, n++) {
        char name[64];
        snprintf(name, sizeof(name), "%.*s", (int)(strlen(f->name) - 5), f->name);
        strbuf_reset(&out);
        if (tmpl_render(name, empty, &out) < 0)
            fail_msg("template %s does not render", f->name);
    }
    assert_true(n > 0);
    json_decref(empty);
    strbuf_release(&out);
}

/* A language of two words, the rest left as it is: "Open one" -> "Åbn en", titles too. */
static const char *pretend_danish(const char *msgid, void *ctx)
{
    (void)ctx;
    if (!strcmp(msgid, "Open one"))
        return "Åbn en";
    if (!strcmp(msgid, "Search requests"))
        return "Søg i henvendelser";
    if (!strcmp(msgid, "Due"))
        return "Frist";
    return msgid;
}

static void test_translated_set(void **state)
{
    static const char text[] =
        "<!-- Open one --><p class=\"Open one\" title=\"Search requests\">  Open\n   one  "
        "<a href=\"/x/{{id}}\">Open one</a>{{#y}}Open one{{/y}}</p>"
        "<input placeholder=\"Search requests\" value=\"Open one\">"
        "<td data-label=\"Due\">Due {{when}}</td><script>Open one</script>";
    struct embedded_file files[] = {{"t.html", text, sizeof(text) - 1}, {NULL, NULL, 0}};
    struct tmpl_set *set = tmpl_set_new_translated(files, pretend_danish, NULL);
    struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
    json_t *j = json_pack("{s:i, s:b, s:s}", "id", 7, "y", 1, "when", "Open one");

    (void)state;
    assert_int_equal(tmpl_set_render(set, "t", j, &out, &err), 0);
    /* text, titles, placeholders and data-labels change; comments, classes, values, scripts
       and the values of tags do not; spaces around a text stay */
    assert_string_equal(out.buf,
                        "<!-- Open one --><p class=\"Open one\" title=\"Søg i henvendelser\">  "
                        "Åbn en  <a href=\"/x/7\">Åbn en</a>Åbn en</p>"
                        "<input placeholder=\"Søg i henvendelser\" value=\"Open one\">"
                        "<td data-label=\"Frist\">Frist Open one</td><script>Open one</script>");
    json_decref(j);
    strbuf_release(&out);
    strbuf_release(&err);
    tmpl_set_free(set);
}

static void add_msgid(void *ctx, const char *msgid, size_t line)
{
    strbuf_addf(ctx, "%zu:%s|", line, msgid);
}

static void test_texts_listed(void **state)
{
    static const char text[] = "<h1>Your  requests</h1>\n<p title=\"A tip\">{{n}} open, "
                               "<b>none</b> late · 3</p>\n<label>Subject <input name=\"s\"></label>";
    struct strbuf got = STRBUF_INIT;

    (void)state;
    tmpl_texts(text, sizeof(text) - 1, add_msgid, &got);
    /* a run is what lies between markup and tags, its spaces folded; "·" alone would be none */
    assert_string_equal(got.buf, "1:Your requests|2:A tip|2:open,|2:none|2:late · 3|3:Subject|");
    strbuf_release(&got);
}

static void test_language_picked(void **state)
{
    static const char *const codes[] = {"en", "da"};

    (void)state;
    assert_string_equal(i18n_pick_among(NULL, NULL, codes, 2), "en");
    assert_string_equal(i18n_pick_among(NULL, "da", codes, 2), "da");
    assert_string_equal(i18n_pick_among(NULL, "da-DK,da;q=0.9,en-US;q=0.8", codes, 2), "da");
    assert_string_equal(i18n_pick_among(NULL, "en-GB, da;q=0.5", codes, 2), "en");
    assert_string_equal(i18n_pick_among(NULL, "fr, de;q=0.9, DA;q=0.2", codes, 2), "da");
    assert_string_equal(i18n_pick_among(NULL, "fr, de", codes, 2), "en");
    assert_string_equal(i18n_pick_among(NULL, "da;q=0, en;q=0.1", codes, 2), "en");
    assert_string_equal(i18n_pick_among(NULL, ";;,,;q=,da;q=x", codes, 2), "en");
    assert_string_equal(i18n_pick_among("da", "en", codes, 2), "da"); /* the profile first */
    assert_string_equal(i18n_pick_among("xx", "da", codes, 2), "da"); /* unknown: browser's */
    /* without a catalogue's locale, only English is offered */
    assert_true(i18n_offered("en"));
    assert_false(i18n_offered("xx"));
}

static void test_numbers_and_dates(void **state)
{
    char s[32] = "-1,234.50";

    (void)state;
    i18n_use("en");
    i18n_number(s, s);
    assert_string_equal(s, "-1,234.50");
    assert_string_equal(i18n_date_format(), "%Y-%m-%d");
    assert_string_equal(tr("Saved."), "Saved.");
}

SUITE(tmpl, cmocka_unit_test(test_escapes_by_default), cmocka_unit_test(test_values),
      cmocka_unit_test(test_sections), cmocka_unit_test(test_partials), cmocka_unit_test(test_budget),
      cmocka_unit_test(test_parse_errors), cmocka_unit_test(test_builtin_templates_parse),
      cmocka_unit_test(test_translated_set), cmocka_unit_test(test_texts_listed),
      cmocka_unit_test(test_language_picked), cmocka_unit_test(test_numbers_and_dates))
