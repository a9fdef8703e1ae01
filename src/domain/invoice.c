#include "core/compat.h"
#include "domain/invoice.h"
#include "core/err.h"
#include "core/time.h"

const char *const line_kind_names[] = {"fee",  "change_order", "phase",   "work", "project",
                                       "time", "expense",      "add_on", NULL};
const char *const invoice_kind_names[] = {"agreement", "time", "yearly", NULL};
const char *const line_unit_names[] = {"item", "minute", "day", NULL};

/* Lines being built: a growing array in the arena, and the first error. */
struct builder {
    const struct invoice_input *in; /* what is billed */
    const struct currency *cur;     /* of every amount */
    struct invoice_line *lines;     /* so far */
    size_t n, alloc;
    int64_t total;   /* sum so far */
    int rc;          /* 0, or DESK_EINVAL on overflow */
    struct arena *a; /* for lines and text */
};

static struct invoice_line *add_line(struct builder *b, enum line_kind kind, int64_t on,
                                     int64_t quantity, enum line_unit unit, int64_t unit_price)
{
    struct invoice_line *l;
    int64_t amount = 0;

    if (b->n == b->alloc) {
        struct invoice_line *bigger =
            ARENA_NEWN(b->a, struct invoice_line, b->alloc = b->alloc ? 2 * b->alloc : 16);
        if (b->n)
            memcpy(bigger, b->lines, b->n * sizeof(*bigger));
        b->lines = bigger;
    }
    if (b->rc == 0 && money_muldiv(quantity, unit_price, unit == UNIT_MINUTE ? 60 : 1, &amount))
        b->rc = DESK_EINVAL;
    if (b->rc == 0 && money_add(&b->total, amount))
        b->rc = DESK_EINVAL;
    l = &b->lines[b->n++];
    *l = (struct invoice_line){kind, "", on, quantity, unit, unit_price, amount, SRC_NONE, 0};
    return l;
}

static const char *date_text(int64_t day, struct arena *a)
{
    char buf[DATE_LEN];

    date_format(day, buf);
    return arena_strdup(a, buf);
}

/* "+10.00 h", "-2.50 h" */
static const char *hours_text(int64_t minutes, struct arena *a)
{
    char buf[MONEY_TEXT_LEN];

    return arena_sprintf(a, "%s%s h", minutes > 0 ? "+" : "", hours_format(minutes, buf));
}

static bool in_period(const struct invoice_input *in, int64_t day)
{
    return day != DATE_NONE && day >= in->period_start && day <= in->period_end;
}

/* Following-years change orders in effect in the agreement year [from, to]. */
static void add_yearly_changes(struct builder *b, int64_t from, int64_t to)
{
    const struct agreement *ag = b->in->agreement;

    for (size_t i = 0; i < b->in->nco; i++) {
        const struct change_order *co = &b->in->cos[i];
        struct invoice_line *l;
        if (co->applies_to != CO_FOLLOWING_YEARS || !change_order_counts(ag, co, from, to))
            continue;
        l = add_line(b, LINE_CHANGE_ORDER, from, co->minutes, UNIT_MINUTE, ag->rate);
        l->description = arena_sprintf(b->a,
                                       "Change order #%" PRId64 " (following years): %s, "
                                       "agreement year %s to %s",
                                       co->id, hours_text(co->minutes, b->a), date_text(from, b->a),
                                       date_text(to, b->a));
    }
}

/* The first year [*from, *to] of a term from starts_on that begins on or after day. */
static void first_year_from(int64_t starts_on, int64_t day, int64_t *from, int64_t *to)
{
    if (day < starts_on)
        day = starts_on;
    agreement_year(starts_on, day, from, to);
    if (*from < day)
        agreement_year(starts_on, *to + 1, from, to);
}

/* The annual fee (and the yearly changes) of each agreement year starting in the period. */
static void add_fees(struct builder *b)
{
    const struct agreement *ag = b->in->agreement;
    int64_t from, to;

    first_year_from(ag->starts_on, b->in->period_start, &from, &to);
    for (; from <= b->in->period_end && agreement_term_holds(ag, from);
         agreement_year(ag->starts_on, to + 1, &from, &to)) {
        if (ag->annual_fee) {
            struct invoice_line *l = add_line(b, LINE_FEE, from, 1, UNIT_ITEM, ag->annual_fee);
            l->description = arena_sprintf(b->a, "Annual fee, agreement year %s to %s",
                                           date_text(from, b->a), date_text(to, b->a));
        }
        add_yearly_changes(b, from, to);
    }
}

/* Additions signed in the period: enhanced (current year) and advanced with phase invoicing. */
static void add_change_orders(struct builder *b)
{
    const struct agreement *ag = b->in->agreement;

    if (ag->kind != AK_ENHANCED && ag->invoicing != INVOICING_PHASES)
        return;
    for (size_t i = 0; i < b->in->nco; i++) {
        const struct change_order *co = &b->in->cos[i];
        struct invoice_line *l;
        if (co->status != CO_SIGNED || co->applies_to != CO_CURRENT_YEAR || co->minutes <= 0 ||
            !in_period(b->in, co->signed_on))
            continue;
        l = add_line(b, LINE_CHANGE_ORDER, co->signed_on, co->minutes, UNIT_MINUTE, ag->rate);
        l->description = arena_sprintf(b->a, "Change order #%" PRId64 ": %s (%s)", co->id,
                                       hours_text(co->minutes, b->a), co->reason);
    }
}

static void add_phases(struct builder *b)
{
    const struct agreement *ag = b->in->agreement;

    for (size_t i = 0; i < ag->nphases; i++) {
        const struct phase *p = &ag->phases[i];
        struct invoice_line *l;
        if (!in_period(b->in, p->reached_on))
            continue;
        l = add_line(b, LINE_PHASE, p->reached_on, 1, UNIT_ITEM, p->amount);
        l->description = arena_sprintf(b->a, "Phase %zu reached: %s", i + 1, p->name);
    }
}

/* Advanced, invoicing at the end: the hours of the project once its end is in the period. */
static void add_project(struct builder *b)
{
    const struct agreement *ag = b->in->agreement;
    int64_t minutes = ag->hours_minutes, changes = 0;
    char bought[MONEY_TEXT_LEN];
    struct invoice_line *l;

    if (ag->kind != AK_ADVANCED || ag->invoicing != INVOICING_END || !in_period(b->in, ag->ends_on))
        return;
    for (size_t i = 0; i < b->in->nco; i++)
        if (b->in->cos[i].status == CO_SIGNED)
            changes += b->in->cos[i].minutes;
    minutes += changes;
    l = add_line(b, LINE_PROJECT, ag->ends_on, minutes, UNIT_MINUTE, ag->rate);
    l->description =
        arena_sprintf(b->a, "Project hours: %s h purchased, %s by change orders",
                      hours_format(ag->hours_minutes, bought), hours_text(changes, b->a));
}

/* Is time entry t billed here, and as which kind of line? */
static bool time_billed(const struct invoice_input *in, const struct time_entry *t,
                        enum line_kind *kind)
{
    const struct agreement *ag = in->agreement;

    if (t->invoice_id || t->on > in->period_end)
        return false;
    *kind = t->kind == TIME_BILLABLE ? LINE_TIME : LINE_WORK;
    if (t->kind == TIME_BILLABLE)
        return true;
    return t->kind == TIME_INCLUDED && ag && ag->kind == AK_ADVANCED &&
           ag->invoicing == INVOICING_MONTHLY;
}

static void add_time(struct builder *b)
{
    for (size_t i = 0; i < b->in->ntime; i++) {
        const struct time_entry *t = &b->in->time[i];
        struct invoice_line *l;
        enum line_kind kind;
        if (!time_billed(b->in, t, &kind))
            continue;
        l = add_line(b, kind, t->on, t->minutes, UNIT_MINUTE, b->in->rate);
        l->source = SRC_TIME;
        l->source_id = t->id;
        l->description =
            t->ticket_id
                ? arena_sprintf(b->a, "%s, request #%" PRId64 ": %s",
                                kind == LINE_TIME ? "Billable time" : "Work", t->ticket_id, t->note)
                : arena_sprintf(b->a, "%s: %s", kind == LINE_TIME ? "Billable time" : "Work",
                                t->note);
    }
}

static void add_expenses(struct builder *b)
{
    for (size_t i = 0; i < b->in->nexpenses; i++) {
        const struct expense *e = &b->in->expenses[i];
        struct invoice_line *l;
        if (e->invoice_id || e->on > b->in->period_end)
            continue;
        if (e->kind == EXPENSE_PER_DIEM && e->days > 0) {
            l = add_line(b, LINE_EXPENSE, e->on, e->days, UNIT_DAY, e->amount / e->days);
            l->description = arena_sprintf(b->a, "Per diem: %s", e->note);
        } else {
            l = add_line(b, LINE_EXPENSE, e->on, 1, UNIT_ITEM, e->amount);
            l->description = e->booking_id
                                 ? arena_sprintf(b->a, "Rescheduling booking #%" PRId64 ": %s",
                                                 e->booking_id, e->note)
                                 : arena_sprintf(b->a, "Expense: %s", e->note);
        }
        l->source = SRC_EXPENSE;
        l->source_id = e->id;
    }
}

/* The annual price of each add-on year starting in the period (and before the add-on ends). */
static void add_addons(struct builder *b)
{
    for (size_t i = 0; i < b->in->naddons; i++) {
        const struct addon *ad = &b->in->addons[i];
        int64_t from, to;
        if (!ad->annual_price)
            continue; /* given free: no line, as for an agreement without a fee */
        first_year_from(ad->starts_on, b->in->period_start, &from, &to);
        for (; from <= b->in->period_end && addon_runs_on(ad, from);
             agreement_year(ad->starts_on, to + 1, &from, &to)) {
            struct invoice_line *l = add_line(b, LINE_ADDON, from, 1, UNIT_ITEM, ad->annual_price);
            l->description = arena_sprintf(b->a, "Add-on: %s, year %s to %s", ad->service_name,
                                           date_text(from, b->a), date_text(to, b->a));
        }
    }
}

/* The lines of one input: its agreement's terms, then time, expenses and add-ons. */
static void build_lines(struct builder *b)
{
    if (b->in->agreement) {
        add_fees(b);
        add_change_orders(b);
        add_phases(b);
        add_project(b);
    }
    add_time(b);
    add_expenses(b);
    add_addons(b);
}

int invoice_period_check(int64_t start, int64_t end, struct strbuf *err)
{
    if (end < start)
        return err_addf(err, DESK_EINVAL, "period_end is before period_start");
    if (end - start >= INVOICE_PERIOD_MAX_DAYS)
        return err_addf(err, DESK_EINVAL, "a period covers at most %d days",
                        INVOICE_PERIOD_MAX_DAYS);
    return 0;
}

static int finish(struct builder *b, struct invoice *inv, struct strbuf *err);

int invoice_build(const struct invoice_input *in, struct invoice *inv, struct arena *a,
                  struct strbuf *err)
{
    struct builder b = {in, currency_find(in->currency), NULL, 0, 0, 0, 0, a};
    int rc;

    if (!b.cur)
        return err_addf(err, DESK_EINVAL, "currency '%s' is not an ISO 4217 code", in->currency);
    if ((rc = invoice_period_check(in->period_start, in->period_end, err)) < 0)
        return rc;
    build_lines(&b);
    return finish(&b, inv, err);
}

int invoice_build_combined(const struct invoice_input *parts, size_t n, struct invoice *inv,
                           struct arena *a, struct strbuf *err)
{
    struct builder b = {parts, NULL, NULL, 0, 0, 0, 0, a};
    int rc;

    if (!n)
        return err_addf(err, DESK_EINVAL, "nothing to combine");
    if (!(b.cur = currency_find(parts[0].currency)))
        return err_addf(err, DESK_EINVAL, "currency '%s' is not an ISO 4217 code",
                        parts[0].currency);
    for (size_t i = 0; i < n; i++) {
        if (strcmp(parts[i].currency, parts[0].currency))
            return err_addf(err, DESK_ECONFLICT, "%s is in %s, the invoice in %s",
                            parts[i].agreement
                                ? arena_sprintf(a, "agreement %" PRId64, parts[i].agreement->id)
                                : "an add-on",
                            parts[i].currency, parts[0].currency);
        if (parts[i].period_start != parts[0].period_start ||
            parts[i].period_end != parts[0].period_end)
            return err_addf(err, DESK_EINVAL, "the parts cover different periods");
    }
    if ((rc = invoice_period_check(parts[0].period_start, parts[0].period_end, err)) < 0)
        return rc;
    for (size_t i = 0; i < n; i++) {
        b.in = &parts[i];
        build_lines(&b);
    }
    b.in = parts;
    return finish(&b, inv, err);
}

/* The built lines into inv: its lines, total, period and currency. */
static int finish(struct builder *b, struct invoice *inv, struct strbuf *err)
{
    if (b->rc < 0)
        return err_addf(err, b->rc, "an amount does not fit in 64 bits");
    inv->lines = b->lines;
    inv->nlines = b->n;
    inv->total = b->total;
    inv->period_start = b->in->period_start;
    inv->period_end = b->in->period_end;
    snprintf(inv->currency, sizeof(inv->currency), "%s", b->in->currency);
    return 0;
}

void invoice_number(int64_t year, int64_t seq, char out[INVOICE_NUMBER_LEN])
{
    snprintf(out, INVOICE_NUMBER_LEN, "%04" PRId64 "-%04" PRId64, year, seq);
}
