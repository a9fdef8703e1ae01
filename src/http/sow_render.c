/*
 * sow_render.c - an agreement's statement of work (see sow_render.h).
 */
#include "core/compat.h"
#include "http/sow_render.h"
#include "core/time.h"
#include "domain/agreement.h"
#include "domain/catalogue.h"
#include "domain/money.h"
#include "domain/rasci.h"
#include "http/doc_render.h"
#include "store/store.h"

#define BLOCKS_MAX (64 + RASCI_ROWS_MAX + PHASES_MAX) /* every block a SOW can have */

static const char *const kind_words[] = {"Software Maintenance Agreement",
                                         "Enhanced Maintenance Services", "Advanced Services"};

struct doc {
    struct doc_block *b; /* BLOCKS_MAX of them */
    size_t n;
    struct arena *ar; /* texts */
};

static void add(struct doc *d, enum doc_block_kind kind, const char *text, const char *value)
{
    if (d->n < BLOCKS_MAX)
        d->b[d->n++] = (struct doc_block){kind, text, value, NULL, 0};
}

static void add_row(struct doc *d, enum doc_block_kind kind, const char *const *cells, size_t n)
{
    if (d->n < BLOCKS_MAX)
        d->b[d->n++] = (struct doc_block){kind, NULL, NULL, cells, n};
}

static const char *day_text(struct arena *ar, int64_t day)
{
    char buf[DATE_LEN];

    if (day == DATE_NONE)
        return "";
    date_format(day, buf);
    return arena_strdup(ar, buf);
}

static const char *money_text(struct doc *d, const struct agreement *a, int64_t amount)
{
    const struct currency *cur = currency_find(a->currency);
    char buf[MONEY_TEXT_LEN];

    if (!cur)
        return arena_sprintf(d->ar, "%" PRId64, amount);
    return arena_sprintf(d->ar, "%s %s", money_format(amount, cur, MONEY_GROUP, buf), a->currency);
}

/* A text of the requirements, or what stands in for it. */
static void section(struct doc *d, const char *heading, const char *text, const char *none)
{
    add(d, DOC_HEADING, heading, NULL);
    add(d, DOC_TEXT, text && *text ? text : none, NULL);
}

/* The names of a flag list as "a, b" ("none" when empty). */
static const char *flags_text(struct doc *d, const char *const *labels, unsigned bits)
{
    struct strbuf sb = STRBUF_INIT;
    const char *out;

    for (int i = 0; labels[i]; i++)
        if (bits & (1u << i))
            strbuf_addf(&sb, "%s%s", sb.len ? ", " : "", labels[i]);
    out = arena_strdup(d->ar, sb.len ? sb.buf : "none");
    strbuf_release(&sb);
    return out;
}

static void schedule(struct doc *d, const struct sow *s)
{
    const struct agreement *a = s->a;
    static const char *const head[] = {"Phase", "Amount", "Reached on"};

    section(d, "Schedule and phases", s->req ? s->req->schedule : NULL,
            arena_sprintf(d->ar, "From %s to %s.", day_text(d->ar, a->starts_on),
                          a->ends_on == DATE_NONE ? "open-ended" : day_text(d->ar, a->ends_on)));
    if (!a->nphases)
        return;
    add_row(d, DOC_HEAD_ROW, head, 3);
    for (size_t i = 0; i < a->nphases; i++) {
        const char **cells = ARENA_NEWN(d->ar, const char *, 3);
        cells[0] = a->phases[i].name;
        cells[1] = money_text(d, a, a->phases[i].amount);
        cells[2] = day_text(d->ar, a->phases[i].reached_on);
        add_row(d, DOC_ROW, cells, 3);
    }
}

static void roles(struct doc *d, const struct sow *s)
{
    const struct rasci_matrix *m = s->rasci;
    size_t n;

    section(d, "Roles", s->req ? s->req->roles : NULL,
            m ? "As the responsibility matrix below says." : "No roles are recorded.");
    if (!m)
        return;
    n = (m->nparties < DOC_COLUMNS_MAX - 1 ? m->nparties : DOC_COLUMNS_MAX - 1) + 1;
    add(d, DOC_TEXT, arena_sprintf(d->ar, "Responsibility matrix: %s (R responsible, A accountable, "
                                          "S supporting, C consulted, I informed).",
                                   m->name),
        NULL);
    {
        const char **head = ARENA_NEWN(d->ar, const char *, n);
        head[0] = "Activity";
        for (size_t p = 1; p < n; p++)
            head[p] = m->parties[p - 1];
        add_row(d, DOC_HEAD_ROW, head, n);
    }
    for (size_t r = 0; r < m->nrows; r++) {
        const char **cells = ARENA_NEWN(d->ar, const char *, n);
        char cell[RASCI_CELL_LEN];
        cells[0] = m->rows[r].activity;
        for (size_t p = 1; p < n; p++)
            cells[p] = arena_strdup(d->ar, rasci_cell_format(m->rows[r].cells[p - 1], cell));
        add_row(d, DOC_ROW, cells, n);
    }
}

static void terms(struct doc *d, const struct agreement *a)
{
    char hours[MONEY_TEXT_LEN];

    add(d, DOC_HEADING, "Terms", NULL);
    add(d, DOC_FACT, "Term",
        arena_sprintf(d->ar, "%s to %s", day_text(d->ar, a->starts_on),
                      a->ends_on == DATE_NONE ? "open-ended" : day_text(d->ar, a->ends_on)));
    if (a->hosting != HOSTING_NONE)
        add(d, DOC_FACT, "Hosting", hosting_words(a->hosting));
    if (a->kind != AK_MAINTENANCE)
        add(d, DOC_FACT, a->kind == AK_ENHANCED ? "Hours a year" : "Hours",
            arena_strdup(d->ar, hours_format(a->hours_minutes, hours)));
    if (a->annual_fee)
        add(d, DOC_FACT, "Annual fee", money_text(d, a, a->annual_fee));
    if (a->rate)
        add(d, DOC_FACT, "Rate an hour", money_text(d, a, a->rate));
    if (a->per_diem_rate)
        add(d, DOC_FACT, "Per diem", money_text(d, a, a->per_diem_rate));
    if (a->invoicing != INVOICING_NONE)
        add(d, DOC_FACT, "Invoicing", invoicing_name(a->invoicing));
    add(d, DOC_FACT, "Supplemental services",
        flags_text(d, agreement_service_labels, a->services));
    add(d, DOC_FACT, "Extras", flags_text(d, agreement_extra_names, a->extras));
    add(d, DOC_FACT, "Cancellation",
        arena_sprintf(d->ar, "notice %d days before the end of an agreement year ends it then",
                      CANCEL_NOTICE_DAYS));
}

static void price(struct doc *d, const struct agreement *a)
{
    add(d, DOC_HEADING, "Price", NULL);
    if (a->quoted_at)
        add(d, DOC_FACT, "Quoted",
            arena_sprintf(d->ar, "%s, valid until %s", money_text(d, a, a->quote_amount),
                          day_text(d->ar, a->quote_valid_until)));
    else
        add(d, DOC_TEXT, "Not quoted yet.", NULL);
}

static void signatures(struct doc *d, const struct agreement *a)
{
    static const char *const who[] = {"Vendor", "Customer"};

    add(d, DOC_HEADING, "Signatures", NULL);
    for (int p = 0; p < 2; p++) {
        const struct signature *sg = &a->sig[p];
        char at[TIME_UTC_TEXT_LEN];
        if (!sg->signed_at) {
            add(d, DOC_FACT, who[p], "not signed yet");
            continue;
        }
        time_format_utc_text(sg->signed_at, at);
        add(d, DOC_FACT, who[p],
            arena_sprintf(d->ar, "%s, %s%s%s", *sg->name ? sg->name : "signed on paper", at,
                          *sg->client_addr ? ", from " : "", sg->client_addr));
    }
    add(d, DOC_TEXT,
        a->status == AS_SIGNED ? "In effect: both parties have signed."
                               : "Not in effect until both parties have signed.",
        NULL);
}

/* The whole SOW as blocks; returns its title. */
static const char *build(const struct sow *s, struct doc *d)
{
    const struct agreement *a = s->a;
    const char *title = arena_sprintf(d->ar, "Statement of work, agreement #%" PRId64, a->id);

    d->b = ARENA_NEWN(d->ar, struct doc_block, BLOCKS_MAX);
    d->n = 0;
    add(d, DOC_TITLE, title, NULL);
    add(d, DOC_FACT, "Customer", s->organization);
    add(d, DOC_FACT, "Agreement", kind_words[a->kind]);
    add(d, DOC_FACT, "Currency", a->currency);
    if (s->req)
        add(d, DOC_FACT, "Requirements",
            arena_sprintf(d->ar, "for the year from %s", day_text(d->ar, s->req->year_start)));
    section(d, "Scope", s->req ? s->req->scope : NULL,
            a->kind == AK_ADVANCED ? "The project described by the phases below."
                                   : "The services of the agreement, as the catalogue lists them.");
    section(d, "Assumptions", s->req ? s->req->assumptions : NULL, "None recorded.");
    schedule(d, s);
    roles(d, s);
    terms(d, a);
    price(d, a);
    signatures(d, a);
    return title;
}

void sow_render_html(const struct sow *s, struct strbuf *out, struct arena *ar)
{
    struct doc d = {NULL, 0, ar};
    const char *title = build(s, &d);

    doc_blocks_html(title, d.b, d.n, out);
}

int sow_render_pdf(const struct sow *s, struct strbuf *out, struct arena *ar)
{
    struct doc d = {NULL, 0, ar};
    const char *title = build(s, &d);

    return doc_blocks_pdf(title, d.b, d.n, out);
}
