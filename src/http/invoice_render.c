/*
 * invoice_render.c - an invoice as HTML, CSV and PDF (see invoice_render.h).
 */
#define LOG_MODULE "http"
#include "core/compat.h"
#include "http/invoice_render.h"
#include "core/err.h"
#include "core/log.h"
#include "core/time.h"
#include "domain/invoice.h"
#include <cairo-pdf.h>
#include <pango/pangocairo.h>

#define TEXT_LEN 64 /* a quantity, a price or a date as text */

/* ---- the values as text, shared by the three forms ------------------------------------- */

static const char *quantity_text(const struct invoice_line *l, char out[TEXT_LEN])
{
    static const char *const units[] = {"", " min", " days"};

    snprintf(out, TEXT_LEN, "%" PRId64 "%s", l->quantity,
             l->unit == UNIT_DAY && l->quantity == 1 ? " day" : units[l->unit]);
    return out;
}

static const char *price_text(const struct invoice_line *l, const struct currency *cur,
                              char out[TEXT_LEN])
{
    static const char *const per[] = {"", " / h", " / day"};
    char amount[MONEY_TEXT_LEN];

    snprintf(out, TEXT_LEN, "%s%s", money_format(l->unit_price, cur, MONEY_GROUP, amount),
             per[l->unit]);
    return out;
}

static const char *date_text(int64_t day, char out[TEXT_LEN])
{
    if (day == DATE_NONE)
        out[0] = '\0';
    else
        date_format(day, out);
    return out;
}

/* The invoice's currency; invoices are only stored with known ones. */
static const struct currency *currency_of(const struct invoice *inv)
{
    static const struct currency fallback = {"", 2};
    const struct currency *cur = currency_find(inv->currency);

    return cur ? cur : &fallback;
}

/* ---- HTML --------------------------------------------------------------------------------- */

static void html(struct strbuf *out, const char *s)
{
    strbuf_add_html(out, s, strlen(s));
}

/* <tag class="cls">escaped text</tag> */
static void html_cell(struct strbuf *out, const char *tag, const char *cls, const char *text)
{
    strbuf_addf(out, "<%s%s%s%s>", tag, cls ? " class=\"" : "", cls ? cls : "", cls ? "\"" : "");
    html(out, text);
    strbuf_addf(out, "</%s>", tag);
}

static const char html_head[] =
    "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>Invoice ";
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
    "@media print { body { margin: 0; max-width: none; } }\n"
    "</style>\n</head>\n<body>\n";

/* One <dt>name</dt><dd>value</dd> pair, both escaped. */
static void html_fact(struct strbuf *out, const char *name, const char *value)
{
    html_cell(out, "dt", NULL, name);
    html_cell(out, "dd", NULL, value);
}

static void html_facts(const struct invoice *inv, struct strbuf *out)
{
    char a[TEXT_LEN], b[TEXT_LEN], text[3 * TEXT_LEN];

    strbuf_addstr(out, "<dl>\n");
    html_fact(out, "Customer", inv->organization_name ? inv->organization_name : "");
    if (inv->agreement_id) {
        snprintf(text, sizeof(text), "#%" PRId64, inv->agreement_id);
        html_fact(out, "Agreement", text);
    }
    snprintf(text, sizeof(text), "%s to %s", date_text(inv->period_start, a),
             date_text(inv->period_end, b));
    html_fact(out, "Period", text);
    html_fact(out, "Issued on", date_text(inv->issued_on, a));
    html_fact(out, "Currency", inv->currency);
    strbuf_addstr(out, "\n</dl>\n");
}

static void html_lines(const struct invoice *inv, struct strbuf *out)
{
    const struct currency *cur = currency_of(inv);
    char t[TEXT_LEN], m[MONEY_TEXT_LEN];

    strbuf_addstr(out, "<table>\n<thead><tr><th>#</th><th>Date</th><th>Description</th>"
                       "<th class=\"n\">Quantity</th><th class=\"n\">Unit price</th>"
                       "<th class=\"n\">Amount</th></tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < inv->nlines; i++) {
        const struct invoice_line *l = &inv->lines[i];
        snprintf(t, sizeof(t), "%zu", i + 1);
        strbuf_addstr(out, "<tr>");
        html_cell(out, "td", NULL, t);
        html_cell(out, "td", NULL, date_text(l->on, t));
        html_cell(out, "td", NULL, l->description);
        html_cell(out, "td", "n", quantity_text(l, t));
        html_cell(out, "td", "n", price_text(l, cur, t));
        html_cell(out, "td", "n", money_format(l->amount, cur, MONEY_GROUP, m));
        strbuf_addstr(out, "</tr>\n");
    }
    strbuf_addstr(out, "</tbody>\n<tfoot><tr><th colspan=\"5\">");
    html(out, "Total (net, ");
    html(out, inv->currency);
    strbuf_addstr(out, ")</th>");
    html_cell(out, "td", "n", money_format(inv->total, cur, MONEY_GROUP, m));
    strbuf_addstr(out, "</tr></tfoot>\n</table>\n");
}

void invoice_render_html(const struct invoice *inv, struct strbuf *out)
{
    strbuf_addstr(out, html_head);
    html(out, inv->number);
    strbuf_addstr(out, html_style);
    strbuf_addstr(out, "<h1>Invoice ");
    html(out, inv->number);
    strbuf_addstr(out, "</h1>\n");
    html_facts(inv, out);
    html_lines(inv, out);
    strbuf_addstr(out, "<p>Net amounts: taxes are added by accounting.</p>\n</body>\n</html>\n");
}

/* ---- CSV ------------------------------------------------------------------------------------ */

void invoice_render_csv(const struct invoice *inv, struct strbuf *out)
{
    static const char *const units[] = {"item", "minute", "day"};
    const struct currency *cur = currency_of(inv);
    char t[TEXT_LEN], m[MONEY_TEXT_LEN];

    strbuf_addstr(out, "invoice,position,kind,date,description,quantity,unit,unit_price,amount,"
                       "currency\r\n");
    for (size_t i = 0; i < inv->nlines; i++) {
        const struct invoice_line *l = &inv->lines[i];
        strbuf_add_csv(out, inv->number, false);
        strbuf_addf(out, "%zu,%s,", i + 1, line_kind_names[l->kind]);
        strbuf_add_csv(out, date_text(l->on, t), false);
        strbuf_add_csv(out, l->description, false);
        strbuf_addf(out, "%" PRId64 ",%s,", l->quantity, units[l->unit]);
        strbuf_add_csv(out, money_format(l->unit_price, cur, 0, m), false);
        strbuf_add_csv(out, money_format(l->amount, cur, 0, m), false);
        strbuf_add_csv(out, inv->currency, true);
    }
    strbuf_add_csv(out, inv->number, false);
    strbuf_addstr(out, ",total,,Total (net),,,,");
    strbuf_add_csv(out, money_format(inv->total, cur, 0, m), false);
    strbuf_add_csv(out, inv->currency, true);
}

/* ---- PDF ---------------------------------------------------------------------------------------
 */

#define PAGE_W 595.28 /* A4 in points */
#define PAGE_H 841.89
#define MARGIN 40.0
#define FONT "DejaVu Sans 8.5"
#define FONT_BOLD "DejaVu Sans Bold 8.5"
#define FONT_TITLE "DejaVu Sans Bold 16"

/* The columns of the lines table: left edge, width, right-aligned (A4 less the margins). */
static const struct column {
    double x, w;
    bool right;
} columns[] = {
    {MARGIN, 16, false},       /* # */
    {MARGIN + 18, 64, false},  /* date */
    {MARGIN + 88, 196, false}, /* description */
    {MARGIN + 286, 60, true},  /* quantity */
    {MARGIN + 348, 80, true},  /* unit price */
    {MARGIN + 430, 85, true},  /* amount */
};

struct pdf {
    cairo_t *cr;         /* the page being drawn */
    PangoLayout *layout; /* reused for every text */
    double y;            /* the next line's top */
};

static cairo_status_t pdf_write(void *closure, const unsigned char *data, unsigned int len)
{
    strbuf_add(closure, data, len);
    return CAIRO_STATUS_SUCCESS;
}

/* Draw text in font at (x, p->y) in a box w wide (0: unbounded); returns its height. */
static double pdf_text(struct pdf *p, double x, double w, bool right, const char *font_name,
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
    cairo_move_to(p->cr, x, p->y);
    pango_cairo_show_layout(p->cr, p->layout);
    pango_layout_get_size(p->layout, &width, &height);
    return (double)height / PANGO_SCALE;
}

/* One row of the table; starts a new page when it would run off this one. */
static void pdf_row(struct pdf *p, const char *const cells[6], bool bold)
{
    double h = 0;

    if (p->y > PAGE_H - MARGIN - 40) {
        cairo_show_page(p->cr);
        p->y = MARGIN;
    }
    for (size_t i = 0; i < ARRAY_SIZE(columns); i++) {
        double ch = pdf_text(p, columns[i].x, columns[i].w, columns[i].right,
                             bold ? FONT_BOLD : FONT, cells[i]);
        h = ch > h ? ch : h;
    }
    p->y += h + 4;
    cairo_move_to(p->cr, MARGIN, p->y - 2);
    cairo_line_to(p->cr, PAGE_W - MARGIN, p->y - 2);
    cairo_set_line_width(p->cr, 0.3);
    cairo_stroke(p->cr);
}

static void pdf_header(struct pdf *p, const struct invoice *inv)
{
    char a[TEXT_LEN], b[TEXT_LEN], c[TEXT_LEN], line[4 * TEXT_LEN];

    snprintf(line, sizeof(line), "Invoice %s", inv->number);
    p->y += pdf_text(p, MARGIN, 0, false, FONT_TITLE, line) + 10;
    p->y += pdf_text(p, MARGIN, 0, false, FONT_BOLD, inv->organization_name) + 2;
    if (inv->agreement_id) {
        snprintf(line, sizeof(line), "Agreement #%" PRId64, inv->agreement_id);
        p->y += pdf_text(p, MARGIN, 0, false, FONT, line) + 2;
    }
    snprintf(line, sizeof(line), "Period %s to %s, issued on %s", date_text(inv->period_start, a),
             date_text(inv->period_end, b), date_text(inv->issued_on, c));
    p->y += pdf_text(p, MARGIN, 0, false, FONT, line) + 16;
}

static void pdf_body(struct pdf *p, const struct invoice *inv)
{
    static const char *const head[] = {"#",        "Date",       "Description",
                                       "Quantity", "Unit price", "Amount"};
    const struct currency *cur = currency_of(inv);
    char n[TEXT_LEN], d[TEXT_LEN], q[TEXT_LEN], u[TEXT_LEN], m[MONEY_TEXT_LEN], t[TEXT_LEN];

    pdf_header(p, inv);
    pdf_row(p, head, true);
    for (size_t i = 0; i < inv->nlines; i++) {
        const struct invoice_line *l = &inv->lines[i];
        snprintf(n, sizeof(n), "%zu", i + 1);
        pdf_row(p,
                (const char *const[]){n, date_text(l->on, d), l->description, quantity_text(l, q),
                                      price_text(l, cur, u),
                                      money_format(l->amount, cur, MONEY_GROUP, m)},
                false);
    }
    snprintf(t, sizeof(t), "Total (net, %s)", inv->currency);
    pdf_row(p,
            (const char *const[]){"", "", t, "", "", money_format(inv->total, cur, MONEY_GROUP, m)},
            true);
    p->y += 10;
    pdf_text(p, MARGIN, 0, false, FONT, "Net amounts: taxes are added by accounting.");
}

int invoice_render_pdf(const struct invoice *inv, struct strbuf *out)
{
    cairo_surface_t *surface = cairo_pdf_surface_create_for_stream(pdf_write, out, PAGE_W, PAGE_H);
    PangoFontMap *fonts = pango_cairo_font_map_new(); /* per call: no state shared by threads */
    PangoContext *ctx = pango_font_map_create_context(fonts);
    struct pdf p = {cairo_create(surface), pango_layout_new(ctx), MARGIN};
    cairo_status_t st;

    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, inv->number);
    pango_cairo_update_context(p.cr, ctx);
    cairo_set_source_rgb(p.cr, 0, 0, 0);
    pdf_body(&p, inv);
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
