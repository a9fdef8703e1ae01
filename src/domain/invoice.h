/*
 * invoice.h - invoice lines from an agreement's terms (SPEC 2.3, 5). Pure:
 * no I/O; lines and their text come from the caller's arena.
 *
 * An invoice covers an inclusive period [period_start, period_end] of one
 * agreement (or, without an agreement, an organisation's billable time at
 * the default rate). Its lines, in this order:
 *   fee           the annual fee, for each agreement year starting in the period
 *   change_order  enhanced: signed additions for the current year (when signed
 *                 in the period) and following-years changes (+ or -, for each
 *                 agreement year after signing that starts in the period);
 *                 advanced with phase invoicing: additions signed in the period
 *   phase         phases whose reached_on is in the period
 *   work          advanced, monthly invoicing: included time, minutes x rate
 *   project       advanced, invoicing at the end: when ends_on is in the period,
 *                 (purchased + signed change orders) minutes x rate
 *   time          billable time entries, minutes x rate
 *   expense       actual amounts, and per-diem days x the per-diem rate
 *   add_on        the annual price of each add-on year starting in the period
 *                 (before the add-on ends); none for an add-on given free
 * Time entries and expenses count when not yet invoiced and dated on or
 * before period_end (work entered late goes on the next invoice). Each line
 * is rounded half up to the currency's minor unit; the total is the exact
 * sum of the lines. Invoices are numbered per year of issue: 2026-0001.
 */
#ifndef DOMAIN_INVOICE_H
#define DOMAIN_INVOICE_H

#include "core/compat.h"
#include "core/arena.h"
#include "core/strbuf.h"
#include "domain/addon.h"
#include "domain/agreement.h"

#define INVOICE_NUMBER_LEN 24             /* "2026-0001" plus room for long years and sequences */
#define INVOICE_PERIOD_MAX_DAYS (5 * 366) /* the longest period one invoice covers */
/* Settings (store meta keys) for billable time without agreement: rate an hour, currency. */
#define BILLING_RATE_KEY "billing.default_rate"
#define BILLING_CURRENCY_KEY "billing.default_currency"

enum line_kind {
    LINE_FEE,
    LINE_CHANGE_ORDER,
    LINE_PHASE,
    LINE_WORK,
    LINE_PROJECT,
    LINE_TIME,
    LINE_EXPENSE,
    LINE_ADDON
};
enum line_unit {
    UNIT_ITEM,   /* quantity items at unit_price each */
    UNIT_MINUTE, /* quantity minutes at unit_price an hour */
    UNIT_DAY,    /* quantity days at unit_price a day */
};
/* What a line bills, so that the store can mark it invoiced. */
enum line_source { SRC_NONE, SRC_TIME, SRC_EXPENSE };

extern const char *const line_kind_names[];
extern const char *const line_unit_names[];

struct invoice_line {
    enum line_kind kind;     /* see the table above */
    const char *description; /* for people; may hold user text (escape it) */
    int64_t on;              /* the date it refers to; DATE_NONE for none */
    int64_t quantity;        /* items, minutes or days (negative: a removal) */
    enum line_unit unit;     /* how quantity and unit_price read */
    int64_t unit_price;      /* minor units per item, per day, or an hour for minutes */
    int64_t amount;          /* minor units, rounded half up */
    enum line_source source; /* SRC_TIME, SRC_EXPENSE: source_id is that row */
    int64_t source_id;       /* the time entry or expense */
};

struct invoice_input {
    const struct agreement *agreement; /* NULL: an organisation's billable time */
    const char *currency;              /* of every amount */
    int64_t rate;                      /* minor units an hour for billable time */
    int64_t period_start, period_end;  /* inclusive dates */
    const struct change_order *cos;    /* the agreement's change orders */
    size_t nco;
    const struct time_entry *time; /* candidate time entries, by date */
    size_t ntime;
    const struct expense *expenses; /* candidate expenses, by date */
    size_t nexpenses;
    const struct addon *addons; /* add-ons billed a year (the yearly invoice) */
    size_t naddons;
};

/* What an invoice bills: one agreement, time without agreement, an organisation's year. */
enum invoice_kind { INVOICE_AGREEMENT, INVOICE_TIME, INVOICE_YEARLY };
extern const char *const invoice_kind_names[]; /* agreement, time, yearly */

struct invoice {
    int64_t id;                       /* 0 until stored */
    enum invoice_kind kind;           /* agreement, time, yearly */
    char number[INVOICE_NUMBER_LEN];  /* "2026-0001" */
    int64_t organization_id;          /* billed */
    const char *organization_name;    /* for the printed invoice */
    int64_t agreement_id;             /* 0: billable time without agreement */
    int64_t period_start, period_end; /* inclusive dates */
    int64_t issued_on;                /* date of issue; its year numbers the invoice */
    char currency[CURRENCY_LEN];      /* ISO 4217 */
    const struct invoice_line *lines; /* in order */
    size_t nlines;
    int64_t total;      /* sum of the lines' amounts */
    int64_t created_at; /* UTC seconds */
};

/*
 * Fill inv's lines, total, currency and period from in (lines in arena a).
 * Returns 0; DESK_EINVAL (err) when the period is reversed or longer than
 * INVOICE_PERIOD_MAX_DAYS, or an amount overflows.
 */
int invoice_build(const struct invoice_input *in, struct invoice *inv, struct arena *a,
                  struct strbuf *err);
/*
 * The yearly invoice of an organisation: the lines of each input parts[0..n) in turn (its
 * agreement's, then its time, expenses and add-ons), one total. Every part has the same
 * period and currency. Returns 0; DESK_ECONFLICT (err names the part) for a part in
 * another currency; DESK_EINVAL as invoice_build.
 */
int invoice_build_combined(const struct invoice_input *parts, size_t n, struct invoice *inv,
                           struct arena *a, struct strbuf *err);
/* The number of the seq-th invoice (from 1) of year: "2026-0001". */
void invoice_number(int64_t year, int64_t seq, char out[INVOICE_NUMBER_LEN]);
/* Check a period: start <= end, at most INVOICE_PERIOD_MAX_DAYS. 0 or DESK_EINVAL with err. */
int invoice_period_check(int64_t start, int64_t end, struct strbuf *err);

#endif
