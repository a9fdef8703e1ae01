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
#include "http/doc_render.h"

#define TEXT_LEN DOC_TEXT_LEN

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

static void html_facts(const struct invoice *inv, struct strbuf *out)
{
    char a[TEXT_LEN], b[TEXT_LEN], text[3 * TEXT_LEN];

    strbuf_addstr(out, "<dl>\n");
    doc_html_fact(out, "Customer", inv->organization_name ? inv->organization_name : "");
    if (inv->agreement_id) {
        snprintf(text, sizeof(text), "#%" PRId64, inv->agreement_id);
        doc_html_fact(out, "Agreement", text);
    }
    snprintf(text, sizeof(text), "%s to %s", date_text(inv->period_start, a),
             date_text(inv->period_end, b));
    doc_html_fact(out, "Period", text);
    doc_html_fact(out, "Issued on", date_text(inv->issued_on, a));
    doc_html_fact(out, "Currency", inv->currency);
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
        doc_html_cell(out, "td", NULL, t);
        doc_html_cell(out, "td", NULL, date_text(l->on, t));
        doc_html_cell(out, "td", NULL, l->description);
        doc_html_cell(out, "td", "n", quantity_text(l, t));
        doc_html_cell(out, "td", "n", price_text(l, cur, t));
        doc_html_cell(out, "td", "n", money_format(l->amount, cur, MONEY_GROUP, m));
        strbuf_addstr(out, "</tr>\n");
    }
    strbuf_addstr(out, "</tbody>\n<tfoot><tr><th colspan=\"5\">");
    doc_html(out, "Total (net, ");
    doc_html(out, inv->currency);
    strbuf_addstr(out, ")</th>");
    doc_html_cell(out, "td", "n", money_format(inv->total, cur, MONEY_GROUP, m));
    strbuf_addstr(out, "</tr></tfoot>\n</table>\n");
}

void invoice_render_html(const struct invoice *inv, struct strbuf *out)
{
    char title[INVOICE_NUMBER_LEN + 8];

    snprintf(title, sizeof(title), "Invoice %s", inv->number);
    doc_html_begin(out, title);
    strbuf_addstr(out, "<h1>Invoice ");
    doc_html(out, inv->number);
    strbuf_addstr(out, "</h1>\n");
    html_facts(inv, out);
    html_lines(inv, out);
    strbuf_addstr(out, "<p>Net amounts: taxes are added by accounting.</p>\n");
    doc_html_end(out);
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

/* The columns of the lines table: left edge, width, right-aligned (A4 less the margins). */
#define MARGIN DOC_MARGIN
static const struct doc_column columns[] = {
    {MARGIN, 16, false},       /* # */
    {MARGIN + 18, 64, false},  /* date */
    {MARGIN + 88, 196, false}, /* description */
    {MARGIN + 286, 60, true},  /* quantity */
    {MARGIN + 348, 80, true},  /* unit price */
    {MARGIN + 430, 85, true},  /* amount */
};

static void pdf_row(struct doc_pdf *p, const char *const cells[6], bool bold)
{
    doc_pdf_row(p, columns, ARRAY_SIZE(columns), cells, bold);
}

static void pdf_header(struct doc_pdf *p, const struct invoice *inv)
{
    char a[TEXT_LEN], b[TEXT_LEN], c[TEXT_LEN], line[4 * TEXT_LEN];

    snprintf(line, sizeof(line), "Invoice %s", inv->number);
    doc_pdf_paragraph(p, DOC_FONT_TITLE, line, 10);
    doc_pdf_paragraph(p, DOC_FONT_BOLD, inv->organization_name, 2);
    if (inv->agreement_id) {
        snprintf(line, sizeof(line), "Agreement #%" PRId64, inv->agreement_id);
        doc_pdf_paragraph(p, DOC_FONT, line, 2);
    }
    snprintf(line, sizeof(line), "Period %s to %s, issued on %s", date_text(inv->period_start, a),
             date_text(inv->period_end, b), date_text(inv->issued_on, c));
    doc_pdf_paragraph(p, DOC_FONT, line, 16);
}

static void pdf_body(struct doc_pdf *p, const void *arg)
{
    static const char *const head[] = {"#",        "Date",       "Description",
                                       "Quantity", "Unit price", "Amount"};
    const struct invoice *inv = arg;
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
    doc_pdf_skip(p, 10);
    doc_pdf_paragraph(p, DOC_FONT, "Net amounts: taxes are added by accounting.", 0);
}

int invoice_render_pdf(const struct invoice *inv, struct strbuf *out)
{
    return doc_pdf_render(inv->number, pdf_body, inv, out);
}
