/*
 * reports.c - the SLA compliance report (store_sla_report).
 *
 * The clocks are derived, never stored, so the report walks the requests of
 * the range one at a time (store__ticket_each_received streams them in
 * organisation and received_at order), computes each response clock with
 * ticket_clocks_compute and adds it to the row of its organisation, UTC
 * month and severity. Memory is one row per (organisation, month,
 * severity) with requests, whatever the number of requests.
 */
#define LOG_MODULE "store"
#include "core/compat.h"
#include "store/internal.h"
#include "core/time.h"
#include "domain/ticket_sla.h"

/* The rows being built; the walk's order makes a row's key change only forwards. */
struct report {
    struct sla_report_row *rows; /* arena array */
    size_t nr, alloc;            /* rows used and room */
    int64_t now;                 /* the clocks' "now" */
    struct arena *a;             /* where rows grow */
};

/* The row of t's organisation, month and severity: the last one, or a new one after it. */
static struct sla_report_row *row_for(struct report *r, const struct ticket *t)
{
    struct sla_report_row *row;
    int64_t y;
    unsigned m, d;

    civil_from_days(floor_div(t->received_at, 86400), &y, &m, &d);
    for (size_t i = r->nr; i-- > 0;) {
        row = &r->rows[i];
        if (row->organization_id != t->organization_id || row->year != y || row->month != (int)m)
            break;
        if (row->severity == t->severity)
            return row;
    }
    ARENA_GROW(r->a, r->rows, r->nr, r->alloc);
    row = &r->rows[r->nr++];
    memset(row, 0, sizeof(*row));
    row->organization_id = t->organization_id;
    row->year = (int)y;
    row->month = (int)m;
    row->severity = t->severity;
    return row;
}

static int add_ticket(const struct ticket *t, void *arg)
{
    struct report *r = arg;
    struct sla_report_row *row = row_for(r, t);
    struct ticket_clocks clocks;

    row->requests++;
    if (ticket_clocks_compute(t, r->now, &clocks) < 0)
        return 0; /* a time outside the calendar's years: no clock, as the ticket shows it */
    switch (clocks.clock[CLOCK_RESPONSE].state) {
    case SLA_NONE:
        return 0;
    case SLA_MET:
        row->met++;
        break;
    case SLA_MISSED:
        row->missed++;
        break;
    case SLA_BREACHED:
        row->breached++;
        break;
    default:
        break;
    }
    row->total++;
    return 0;
}

/* Severities within a month arrive in time order: sort each month's rows by severity. */
static void sort_severities(struct sla_report_row *rows, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        struct sla_report_row x = rows[i];
        size_t j = i;

        while (j > 0 && rows[j - 1].organization_id == x.organization_id &&
               rows[j - 1].year == x.year && rows[j - 1].month == x.month &&
               rows[j - 1].severity > x.severity) {
            rows[j] = rows[j - 1];
            j--;
        }
        rows[j] = x;
    }
}

int store_sla_report(struct store *st, const struct caller *c, int64_t from_day, int64_t to_day,
                       int64_t organization_id, int64_t now, struct sla_report_row **rows,
                       size_t *n, struct arena *a)
{
    struct report r = {.now = now, .a = a};
    int rc = 0;

    if (c->role == ROLE_CUSTOMER) {
        if (organization_id && organization_id != c->organization_id)
            goto out; /* SPEC 5: a customer's filter naming another organisation is empty */
        organization_id = c->organization_id;
    }
    if (to_day >= from_day)
        rc = store__ticket_each_received(st, organization_id, from_day * 86400,
                                          (to_day + 1) * 86400, add_ticket, &r);
    sort_severities(r.rows, r.nr);
out:
    *rows = r.rows;
    *n = rc < 0 ? 0 : r.nr;
    return rc;
}
