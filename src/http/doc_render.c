/*
 * doc_render.c - printable documents as HTML and PDF (see doc_render.h).
 */
#define LOG_MODULE "http"
#include "core/compat.h"
#include "http/doc_render.h"
#include "core/err.h"
#include "core/log.h"
#include <cairo-pdf.h>
#include <pango/pangocairo.h>

/* ---- HTML --------------------------------------------------------------------------------- */

void doc_html(struct strbuf *out, const char *s)
{
    strbuf_add_html(out, s, strlen(s));
}

void doc_html_cell(struct strbuf *out, const char *tag, const char *cls, const char *text)
{
    strbuf_addf(out, "<%s%s%s%s>", tag, cls ? " class=\"" : "", cls ? cls : "", cls ? "\"" : "");
    doc_html(out, text);
    strbuf_addf(out, "</%s>", tag);
}

void doc_html_fact(struct strbuf *out, const char *name, const char *value)
{
    doc_html_cell(out, "dt", NULL, name);
    doc_html_cell(out, "dd", NULL, value);
}

static const char html_head[] =
    "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>";
static const char html_style[] =
    "</title>\n<style>\n"
    "body { font-family: \"DejaVu Sans\", sans-serif; margin: 2em auto; max-width: 60em; }\n"
    "table { border-collapse: collapse; width: 100%; }\n"
    "th, td { padding: .35em .5em; border-bottom: 1px solid #ccc; text-align: left; "
    "vertical-align: top; }\n"
    ".n { text-align: right; white-space: nowrap; }\n"
    "tfoot th, tfoot td { border-top: 2px solid #000; font-weight: bold; }\n"
    "dl { display: grid; grid-template-columns: max-content auto; gap: .2em 1em; }\n"
    "dd { margin: 0; }\n"
    ".text { white-space: pre-wrap; }\n"
    "@media print { body { margin: 0; max-width: none; } }\n"
    "</style>\n</head>\n<body>\n";

void doc_html_begin(struct strbuf *out, const char *title)
{
    strbuf_addstr(out, html_head);
    doc_html(out, title);
    strbuf_addstr(out, html_style);
}

void doc_html_end(struct strbuf *out)
{
    strbuf_addstr(out, "</body>\n</html>\n");
}

/* ---- PDF ---------------------------------------------------------------------------------- */

struct doc_pdf {
    cairo_t *cr;         /* the page being drawn */
    PangoLayout *layout; /* reused for every text */
    double y;            /* the next line's top */
};

static cairo_status_t pdf_write(void *closure, const unsigned char *data, unsigned int len)
{
    strbuf_add(closure, data, len);
    return CAIRO_STATUS_SUCCESS;
}

/* Lay text out in font, w wide (0: unbounded), without drawing it; returns its height. */
static double layout(struct doc_pdf *p, double w, bool right, const char *font_name,
                     const char *text)
{
    PangoFontDescription *font = pango_font_description_from_string(font_name);
    int width, height;

    pango_layout_set_font_description(p->layout, font);
    pango_font_description_free(font);
    pango_layout_set_width(p->layout, w > 0 ? (int)(w * PANGO_SCALE) : -1);
    pango_layout_set_wrap(p->layout, PANGO_WRAP_WORD_CHAR);
    pango_layout_set_alignment(p->layout, right ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT);
    pango_layout_set_text(p->layout, text, -1);
    pango_layout_get_size(p->layout, &width, &height);
    return (double)height / PANGO_SCALE;
}

double doc_pdf_text(struct doc_pdf *p, double x, double w, bool right, const char *font,
                    const char *text)
{
    double h = layout(p, w, right, font, text);

    cairo_move_to(p->cr, x, p->y);
    pango_cairo_show_layout(p->cr, p->layout);
    return h;
}

void doc_pdf_skip(struct doc_pdf *p, double dy)
{
    p->y += dy;
}

/* Start a new page when h more points would run off this one. */
static void room_for(struct doc_pdf *p, double h)
{
    if (p->y + h > DOC_PAGE_H - DOC_MARGIN) {
        cairo_show_page(p->cr);
        p->y = DOC_MARGIN;
    }
}

void doc_pdf_paragraph(struct doc_pdf *p, const char *font, const char *text, double after)
{
    double w = DOC_PAGE_W - 2 * DOC_MARGIN, h = layout(p, w, false, font, text);

    room_for(p, h < 200 ? h : 40); /* a long text runs on to the next page */
    p->y += doc_pdf_text(p, DOC_MARGIN, w, false, font, text) + after;
}

void doc_pdf_row(struct doc_pdf *p, const struct doc_column *cols, size_t n,
                 const char *const *cells, bool bold)
{
    double h = 0;

    room_for(p, 40);
    for (size_t i = 0; i < n; i++) {
        double ch =
            doc_pdf_text(p, cols[i].x, cols[i].w, cols[i].right, bold ? DOC_FONT_BOLD : DOC_FONT,
                         cells[i]);
        h = ch > h ? ch : h;
    }
    p->y += h + 4;
    cairo_move_to(p->cr, DOC_MARGIN, p->y - 2);
    cairo_line_to(p->cr, DOC_PAGE_W - DOC_MARGIN, p->y - 2);
    cairo_set_line_width(p->cr, 0.3);
    cairo_stroke(p->cr);
}

int doc_pdf_render(const char *title, void (*draw)(struct doc_pdf *p, const void *arg),
                   const void *arg, struct strbuf *out)
{
    cairo_surface_t *surface =
        cairo_pdf_surface_create_for_stream(pdf_write, out, DOC_PAGE_W, DOC_PAGE_H);
    PangoFontMap *fonts = pango_cairo_font_map_new(); /* per call: no state shared by threads */
    PangoContext *ctx = pango_font_map_create_context(fonts);
    struct doc_pdf p = {cairo_create(surface), pango_layout_new(ctx), DOC_MARGIN};
    cairo_status_t st;

    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, title);
    pango_cairo_update_context(p.cr, ctx);
    cairo_set_source_rgb(p.cr, 0, 0, 0);
    draw(&p, arg);
    cairo_show_page(p.cr);
    g_object_unref(p.layout);
    g_object_unref(ctx);
    cairo_destroy(p.cr);
    cairo_surface_finish(surface);
    st = cairo_surface_status(surface);
    cairo_surface_destroy(surface);
    g_object_unref(fonts);
    if (st != CAIRO_STATUS_SUCCESS) {
        log_error("msg=\"pdf failed\" error=\"%s\"", cairo_status_to_string(st));
        return DESK_EIO;
    }
    return 0;
}

/* ---- documents as blocks ------------------------------------------------------------------ */

static bool in_table(enum doc_block_kind k)
{
    return k == DOC_HEAD_ROW || k == DOC_ROW;
}

void doc_blocks_html(const char *title, const struct doc_block *blocks, size_t n,
                     struct strbuf *out)
{
    static const char *const tags[] = {"h1", "h2", "p"};

    doc_html_begin(out, title);
    for (size_t i = 0; i < n; i++) {
        const struct doc_block *b = &blocks[i];
        enum doc_block_kind prev = i ? blocks[i - 1].kind : DOC_TITLE;
        bool last = i + 1 == n || blocks[i + 1].kind != b->kind;

        if (b->kind <= DOC_TEXT) {
            doc_html_cell(out, tags[b->kind], b->kind == DOC_TEXT ? "text" : NULL, b->text);
            strbuf_addch(out, '\n');
        } else if (b->kind == DOC_FACT) {
            strbuf_addstr(out, prev == DOC_FACT && i ? "" : "<dl>\n");
            doc_html_fact(out, b->text, b->value);
            strbuf_addstr(out, last ? "\n</dl>\n" : "\n");
        } else {
            strbuf_addstr(out, in_table(prev) && i ? "" : "<table>\n");
            strbuf_addstr(out, "<tr>");
            for (size_t c = 0; c < b->n; c++)
                doc_html_cell(out, b->kind == DOC_HEAD_ROW ? "th" : "td", NULL, b->cells[c]);
            strbuf_addstr(out, "</tr>\n");
            if (i + 1 == n || !in_table(blocks[i + 1].kind))
                strbuf_addstr(out, "</table>\n");
        }
    }
    doc_html_end(out);
}

struct blocks {
    const struct doc_block *b; /* what to draw */
    size_t n;
};

/* The columns of a table of n: the first 40 % of the width, the others share the rest. */
static void table_columns(size_t n, struct doc_column *cols)
{
    double w = DOC_PAGE_W - 2 * DOC_MARGIN, first = n > 1 ? w * 0.4 : w;
    double other = n > 1 ? (w - first) / (double)(n - 1) : 0;

    for (size_t c = 0; c < n; c++) {
        cols[c].x = DOC_MARGIN + (c ? first + other * (double)(c - 1) : 0);
        cols[c].w = (c ? other : first) - 4;
        cols[c].right = false;
    }
}

static void draw_blocks(struct doc_pdf *p, const void *arg)
{
    static const char *const fonts[] = {DOC_FONT_TITLE, DOC_FONT_HEADING, DOC_FONT};
    static const double after[] = {12, 6, 8};
    const struct blocks *bs = arg;
    struct doc_column cols[DOC_COLUMNS_MAX];
    char line[2 * DOC_TEXT_LEN];

    for (size_t i = 0; i < bs->n; i++) {
        const struct doc_block *b = &bs->b[i];
        size_t n = b->n < DOC_COLUMNS_MAX ? b->n : DOC_COLUMNS_MAX;

        if (b->kind <= DOC_TEXT) {
            doc_pdf_paragraph(p, fonts[b->kind], b->text, after[b->kind]);
        } else if (b->kind == DOC_FACT) {
            snprintf(line, sizeof(line), "%s:", b->text);
            doc_pdf_text(p, DOC_MARGIN, 120, false, DOC_FONT_BOLD, line);
            doc_pdf_skip(p, doc_pdf_text(p, DOC_MARGIN + 124, DOC_PAGE_W - 2 * DOC_MARGIN - 124,
                                         false, DOC_FONT, b->value) +
                                2);
            if (i + 1 == bs->n || bs->b[i + 1].kind != DOC_FACT)
                doc_pdf_skip(p, 8);
        } else {
            table_columns(n, cols);
            doc_pdf_row(p, cols, n, b->cells, b->kind == DOC_HEAD_ROW);
            if (i + 1 == bs->n || !in_table(bs->b[i + 1].kind))
                doc_pdf_skip(p, 8);
        }
    }
}

int doc_blocks_pdf(const char *title, const struct doc_block *blocks, size_t n,
                   struct strbuf *out)
{
    struct blocks bs = {blocks, n};

    return doc_pdf_render(title, draw_blocks, &bs, out);
}
