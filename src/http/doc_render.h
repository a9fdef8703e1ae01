/*
 * doc_render.h - the pieces of a printable document shared by invoices
 * (invoice_render.c) and statements of work (sow_render.c): an HTML page
 * with its own style, and an A4 PDF drawn with cairo and pango (DejaVu Sans).
 *
 * Every text in the HTML is escaped (strbuf_add_html). The PDF is drawn top
 * to bottom; a row or paragraph that would run off the page starts a new one.
 */
#ifndef HTTP_DOC_RENDER_H
#define HTTP_DOC_RENDER_H

#include "core/compat.h"
#include "core/strbuf.h"

#define DOC_TEXT_LEN 64 /* a quantity, a price or a date as text */

/* ---- HTML ---- */

/* The head of a page titled title (escaped) with the document style, up to <body>. */
void doc_html_begin(struct strbuf *out, const char *title);
/* </body></html>. */
void doc_html_end(struct strbuf *out);
/* Escaped text. */
void doc_html(struct strbuf *out, const char *s);
/* <tag class="cls">escaped text</tag>; cls may be NULL. */
void doc_html_cell(struct strbuf *out, const char *tag, const char *cls, const char *text);
/* One <dt>name</dt><dd>value</dd> pair, both escaped (inside a <dl>). */
void doc_html_fact(struct strbuf *out, const char *name, const char *value);

/* ---- PDF ---- */

#define DOC_PAGE_W 595.28 /* A4 in points */
#define DOC_PAGE_H 841.89
#define DOC_MARGIN 40.0
#define DOC_FONT "DejaVu Sans 8.5"
#define DOC_FONT_BOLD "DejaVu Sans Bold 8.5"
#define DOC_FONT_HEADING "DejaVu Sans Bold 11"
#define DOC_FONT_TITLE "DejaVu Sans Bold 16"

struct doc_pdf;   /* the page being drawn; opaque */
struct doc_column {
    double x, w; /* left edge and width in points */
    bool right;  /* right-aligned */
};

/* Draw text in font at (x, the current line) in a box w wide (0: unbounded); returns its height. */
double doc_pdf_text(struct doc_pdf *p, double x, double w, bool right, const char *font,
                    const char *text);
/* Move the current line down by dy points. */
void doc_pdf_skip(struct doc_pdf *p, double dy);
/* A paragraph the width of the page in font, then `after` points of space; may start a page. */
void doc_pdf_paragraph(struct doc_pdf *p, const char *font, const char *text, double after);
/* One row of a table of n columns, ruled below; may start a new page. */
void doc_pdf_row(struct doc_pdf *p, const struct doc_column *cols, size_t n,
                 const char *const *cells, bool bold);
/*
 * Append to out a PDF titled title, its pages drawn by draw(p, arg).
 * Returns 0, or DESK_EIO when cairo fails (logged).
 */
int doc_pdf_render(const char *title, void (*draw)(struct doc_pdf *p, const void *arg),
                   const void *arg, struct strbuf *out);

/* ---- documents as blocks: one description, rendered as HTML or as PDF ---- */

enum doc_block_kind {
    DOC_TITLE,    /* text: the document's heading */
    DOC_HEADING,  /* text: a section's heading */
    DOC_TEXT,     /* text: a paragraph (line breaks kept) */
    DOC_FACT,     /* text: a name, value: its value (consecutive facts make one list) */
    DOC_HEAD_ROW, /* cells[0..n): a table's header (consecutive rows make one table) */
    DOC_ROW,      /* cells[0..n): a table's row */
};

struct doc_block {
    enum doc_block_kind kind; /* what it is */
    const char *text;         /* title, heading, paragraph, a fact's name */
    const char *value;        /* a fact's value */
    const char *const *cells; /* a row's cells */
    size_t n;                 /* number of cells (at most DOC_COLUMNS_MAX) */
};

#define DOC_COLUMNS_MAX 24

/* Append blocks[0..n) as an HTML page titled title to out. */
void doc_blocks_html(const char *title, const struct doc_block *blocks, size_t n,
                     struct strbuf *out);
/*
 * Append blocks[0..n) as a PDF titled title to out: a table's first column
 * is wider, the others share the rest. 0, or DESK_EIO (logged).
 */
int doc_blocks_pdf(const char *title, const struct doc_block *blocks, size_t n,
                   struct strbuf *out);

#endif
