/*
 * sow_render.h - an agreement's statement of work (quote or SOW) as a
 * printable HTML page and as a PDF (http/doc_render.h draws both from one
 * list of blocks): scope, assumptions, schedule and phases, roles (its RASCI
 * matrix), terms, price, and the signatures of both parties.
 */
#ifndef HTTP_SOW_RENDER_H
#define HTTP_SOW_RENDER_H

#include "core/compat.h"
#include "core/arena.h"
#include "core/strbuf.h"

struct agreement;
struct rasci_matrix;
struct requirements;

struct sow {
    const struct agreement *a;        /* the agreement */
    const char *organization;         /* the customer's name */
    const struct requirements *req;   /* the latest recorded requirements; NULL: none */
    const struct rasci_matrix *rasci; /* the roles; NULL: none */
};

/* Append the SOW as an HTML page to out (ar holds the texts made on the way). */
void sow_render_html(const struct sow *s, struct strbuf *out, struct arena *ar);
/* Append the SOW as a PDF to out. Returns 0, or DESK_EIO when cairo fails (logged). */
int sow_render_pdf(const struct sow *s, struct strbuf *out, struct arena *ar);

#endif
