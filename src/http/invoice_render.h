/*
 * invoice_render.h - an invoice as a printable HTML page, as CSV lines and
 * as a PDF (cairo and pango, A4, DejaVu Sans).
 *
 * Every value in the HTML is escaped (strbuf_add_html); CSV fields are
 * quoted as RFC 4180 says and text that a spreadsheet would read as a
 * formula (=, +, -, @ first) gets a leading apostrophe. Amounts are
 * written in the currency's minor unit (domain/money.h).
 */
#ifndef HTTP_INVOICE_RENDER_H
#define HTTP_INVOICE_RENDER_H

#include "core/compat.h"
#include "core/strbuf.h"

struct invoice;

/* Append the invoice as an HTML document to out. */
void invoice_render_html(const struct invoice *inv, struct strbuf *out);
/* Append a header line, one line per invoice line and a total line (CRLF ends) to out. */
void invoice_render_csv(const struct invoice *inv, struct strbuf *out);
/* Append the invoice as a PDF document to out. Returns 0, or DESK_EIO when cairo fails (logged). */
int invoice_render_pdf(const struct invoice *inv, struct strbuf *out);

#endif
