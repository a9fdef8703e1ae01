#include "core/compat.h"
#include "core/i18n.h"
#include "domain/agreement.h"
#include "core/err.h"
#include "core/time.h"
#include "core/xalloc.h"

const char *const agreement_kind_names[] = {
    TR_NOOP("maintenance"), TR_NOOP("enhanced"), TR_NOOP("advanced"), NULL};
const char *const agreement_status_names[] = {TR_NOOP("requested"), TR_NOOP("quoted"),
                                              TR_NOOP("signed"),    TR_NOOP("completed"),
                                              TR_NOOP("cancelled"), TR_NOOP("expired"), NULL};
const char *const invoicing_names[] = {TR_NOOP("monthly"), TR_NOOP("phases"), TR_NOOP("end"), NULL};
const char *const agreement_extra_names[] = {
    TR_NOOP("live_chat"), TR_NOOP("priority_line"), TR_NOOP("solution_monitoring"), NULL};
/* The supplemental services of SPEC 2.3, in its order. */
const char *const agreement_service_names[] = {
    TR_NOOP("operator_training"), TR_NOOP("it_administrator_training"),
    TR_NOOP("end_to_end_upgrades"), TR_NOOP("system_migrations"),
    TR_NOOP("best_practice_consulting"), TR_NOOP("database_administration"),
    TR_NOOP("database_migrations"), TR_NOOP("annual_health_checks"), NULL};
const char *const agreement_service_labels[] = {
    "Operator training",           "IT/administrator training", "End-to-end upgrades",
    "System migrations",           "Consulting on best practice", "Database administration",
    "Database migrations",         "Annual health checks",      NULL};
const char *const change_order_scope_names[] = {"current_year", "following_years", NULL};
const char *const change_order_status_names[] = {TR_NOOP("proposed"), TR_NOOP("signed"), NULL};
const char *const party_names[] = {"vendor", "customer", NULL};
const char *const booking_status_names[] = {TR_NOOP("tentative"), TR_NOOP("confirmed"), NULL};
const char *const time_kind_names[] = {TR_NOOP("included"), TR_NOOP("billable"),
                                       TR_NOOP("internal"), NULL};
const char *const expense_kind_names[] = {"actual", "per_diem", NULL};

/* ---- names ------------------------------------------------------------------------ */

static int name_index(const char *const *names, const char *s)
{
    for (int i = 0; s && names[i]; i++)
        if (!strcmp(names[i], s))
            return i;
    return -1;
}

const char *agreement_kind_name(enum agreement_kind k)
{
    return agreement_kind_names[k];
}

const char *agreement_status_name(enum agreement_status s)
{
    return agreement_status_names[s];
}

const char *invoicing_name(enum invoicing i)
{
    return i == INVOICING_NONE ? NULL : invoicing_names[i - 1];
}

int agreement_kind_parse(const char *s, enum agreement_kind *out)
{
    int i = name_index(agreement_kind_names, s);

    if (i < 0)
        return DESK_EINVAL;
    *out = (enum agreement_kind)i;
    return 0;
}

int agreement_status_parse(const char *s, enum agreement_status *out)
{
    int i = name_index(agreement_status_names, s);

    if (i < 0)
        return DESK_EINVAL;
    *out = (enum agreement_status)i;
    return 0;
}

int invoicing_parse(const char *s, enum invoicing *out)
{
    int i = name_index(invoicing_names, s);

    if (i < 0)
        return DESK_EINVAL;
    *out = (enum invoicing)(i + 1);
    return 0;
}

unsigned agreement_flag(const char *const *names, const char *s)
{
    int i = name_index(names, s);

    return i < 0 ? 0 : 1u << i;
}

/* ---- life cycle ---------------------------------------------------------------------- */

bool agreement_term_holds(const struct agreement *a, int64_t day)
{
    return day >= a->starts_on && (a->ends_on == DATE_NONE || day <= a->ends_on);
}

enum agreement_status agreement_status_on(const struct agreement *a, int64_t today)
{
    bool over = a->ends_on != DATE_NONE && today > a->ends_on;

    if (a->status == AS_CANCELLED || !over)
        return a->status;
    if (a->status != AS_SIGNED)
        return AS_EXPIRED; /* nobody signed before the term ended */
    if (a->notice_given_on != DATE_NONE)
        return AS_CANCELLED;
    return a->kind == AK_ADVANCED ? AS_COMPLETED : AS_EXPIRED;
}

bool agreement_active_on(const struct agreement *a, int64_t today)
{
    return a->status == AS_SIGNED && agreement_term_holds(a, today);
}

int64_t agreement_quote_due_at(const struct agreement *a)
{
    int64_t from = a->requirements_completed_at ? a->requirements_completed_at : a->created_at;

    return from + QUOTE_OVERDUE_SECS;
}

bool agreement_quote_overdue(const struct agreement *a, int64_t now)
{
    return a->status == AS_REQUESTED && !a->quoted_at && now > agreement_quote_due_at(a);
}

/* ---- signatures ----------------------------------------------------------------- */

bool signatures_complete(const struct signature sig[2])
{
    return sig[PARTY_VENDOR].signed_at && sig[PARTY_CUSTOMER].signed_at;
}

int signature_add_check(const struct signature sig[2], enum party p, bool *completes,
                        struct strbuf *err)
{
    *completes = false;
    if (sig[p].signed_at) {
        strbuf_addf(err, "the %s has signed already", party_names[p]);
        return DESK_ECONFLICT;
    }
    *completes = sig[!p].signed_at != 0;
    return 0;
}

int agreement_sign_check(const struct agreement *a, int64_t today, enum party p, bool *completes,
                         struct strbuf *err)
{
    enum agreement_status st = agreement_status_on(a, today);
    char day[DATE_LEN];

    *completes = false;
    if (st != AS_REQUESTED && st != AS_QUOTED) {
        strbuf_addf(err, "agreement %" PRId64 " is %s", a->id, agreement_status_name(st));
        return DESK_ECONFLICT;
    }
    if (p == PARTY_CUSTOMER && a->quoted_at && a->quote_valid_until != DATE_NONE &&
        a->quote_valid_until < today) {
        date_format(a->quote_valid_until, day);
        strbuf_addf(err, "the quote of agreement %" PRId64 " expired on %s", a->id, day);
        return DESK_ECONFLICT;
    }
    return signature_add_check(a->sig, p, completes, err);
}

/* ---- checking the terms ------------------------------------------------------------- */

static int fail(const char **field, const char *name, struct strbuf *err, const char *fmt, ...)
    PRINTF_LIKE(4, 5);
static int fail(const char **field, const char *name, struct strbuf *err, const char *fmt, ...)
{
    va_list ap;

    *field = name;
    if (err) {
        va_start(ap, fmt);
        strbuf_vaddf(err, fmt, ap);
        va_end(ap);
    }
    return DESK_EINVAL;
}

static int check_phases(const struct agreement *a, const char **field, struct strbuf *err)
{
    if (a->invoicing != INVOICING_PHASES && a->nphases)
        return fail(field, "phases", err, "phases need invoicing 'phases'");
    if (a->invoicing == INVOICING_PHASES && !a->nphases)
        return fail(field, "phases", err, "invoicing 'phases' needs at least one phase");
    if (a->nphases > PHASES_MAX)
        return fail(field, "phases", err, "at most %d phases", PHASES_MAX);
    for (size_t i = 0; i < a->nphases; i++) {
        const struct phase *p = &a->phases[i];
        if (!p->name || !*p->name)
            return fail(field, "phases", err, "phases[%zu] needs a name", i);
        if (p->amount < 0)
            return fail(field, "phases", err, "phases[%zu].amount must not be negative", i);
        if (p->reached_on != DATE_NONE && p->reached_on < a->starts_on)
            return fail(field, "phases", err, "phases[%zu].reached_on is before starts_on", i);
    }
    return 0;
}

static int check_kind(const struct agreement *a, const char **field, struct strbuf *err)
{
    switch (a->kind) {
    case AK_MAINTENANCE:
        if (a->hosting == HOSTING_NONE)
            return fail(field, "hosting", err, "a maintenance agreement needs hosting");
        if (!a->sla_policy_id)
            return fail(field, "sla_policy_id", err, "a maintenance agreement needs sla_policy_id");
        if (a->hours_minutes)
            return fail(field, "hours", err, "a maintenance agreement has no hours bank");
        break;
    case AK_ENHANCED:
        break;
    case AK_ADVANCED:
        if (a->ends_on == DATE_NONE)
            return fail(field, "ends_on", err, "an advanced agreement needs ends_on");
        if (a->invoicing == INVOICING_NONE)
            return fail(field, "invoicing", err,
                        "an advanced agreement needs invoicing (monthly, phases or end)");
        return check_phases(a, field, err);
    }
    if (a->invoicing != INVOICING_NONE)
        return fail(field, "invoicing", err, "invoicing terms apply to advanced agreements");
    return check_phases(a, field, err);
}

int agreement_check(const struct agreement *a, const char **field, struct strbuf *err)
{
    static const struct {
        const char *name;
        size_t offset;
    } money[] = {
        {"annual_fee", offsetof(struct agreement, annual_fee)},
        {"rate", offsetof(struct agreement, rate)},
        {"per_diem_rate", offsetof(struct agreement, per_diem_rate)},
    };

    if (!currency_find(a->currency))
        return fail(field, "currency", err, "currency '%s' is not an ISO 4217 code", a->currency);
    for (size_t i = 0; i < ARRAY_SIZE(money); i++)
        if (*(const int64_t *)((const char *)a + money[i].offset) < 0)
            return fail(field, money[i].name, err, "%s must not be negative", money[i].name);
    if (a->hours_minutes < 0 || a->hours_minutes > MINUTES_MAX)
        return fail(field, "hours", err, "hours must be between 0 and %lld", MINUTES_MAX / 60);
    if (a->starts_on == DATE_NONE)
        return fail(field, "starts_on", err, "starts_on is required");
    if (a->ends_on != DATE_NONE && a->ends_on < a->starts_on)
        return fail(field, "ends_on", err, "ends_on is before starts_on");
    return check_kind(a, field, err);
}

/* ---- changing the terms -------------------------------------------------------------- */

/* The names of the patch fields, in bit order, for messages. */
static const char *const field_names[] = {
    "starts_on",       "ends_on",  "hosting",    "sla_policy_id", "calendar_id",
    "rasci_matrix_id", "currency", "annual_fee", "rate",          "per_diem_rate",
    "hours",           "extras",   "services",   "invoicing",     "phases",
};

/* Once signed, a phase list keeps its names and amounts; only reached_on may change. */
static int check_signed_phases(const struct agreement *a, const struct agreement *to,
                               const char **field, struct strbuf *err)
{
    *field = "phases";
    if (to->nphases != a->nphases)
        return err_addf(err, DESK_ECONFLICT, "the agreement is signed: its phases are fixed");
    for (size_t i = 0; i < a->nphases; i++)
        if (strcmp(a->phases[i].name, to->phases[i].name) ||
            a->phases[i].amount != to->phases[i].amount)
            return err_addf(err, DESK_ECONFLICT,
                            "the agreement is signed: phases[%zu] may only change reached_on", i);
    return 0;
}

static int check_patch_signed(const struct agreement *a, const struct agreement_patch *p,
                              const char **field, struct strbuf *err)
{
    unsigned fixed = p->fields & AF_SIGNED_FIXED;

    if (fixed) {
        *field = field_names[__builtin_ctz(fixed)];
        return err_addf(err, DESK_ECONFLICT, "the agreement is signed: %s is fixed%s", *field,
                        fixed & AF_HOURS ? " (use a change order)" : "");
    }
    if ((p->fields & AF_ENDS_ON) && a->notice_given_on != DATE_NONE) {
        *field = "ends_on";
        return err_addf(err, DESK_ECONFLICT, "notice was given: ends_on is fixed");
    }
    if (p->fields & AF_PHASES)
        return check_signed_phases(a, &p->to, field, err);
    return 0;
}

int agreement_patch_apply(struct agreement *a, const struct agreement_patch *p, const char **field,
                          struct strbuf *err)
{
    const struct agreement *to = &p->to;
    unsigned f = p->fields;
    int rc;

    if (a->status == AS_CANCELLED)
        return err_addf(err, DESK_ECONFLICT, "the agreement is cancelled");
    if (a->status == AS_SIGNED && (rc = check_patch_signed(a, p, field, err)) < 0)
        return rc;
    a->starts_on = f & AF_STARTS_ON ? to->starts_on : a->starts_on;
    a->ends_on = f & AF_ENDS_ON ? to->ends_on : a->ends_on;
    a->hosting = f & AF_HOSTING ? to->hosting : a->hosting;
    a->sla_policy_id = f & AF_SLA_POLICY ? to->sla_policy_id : a->sla_policy_id;
    a->calendar_id = f & AF_CALENDAR ? to->calendar_id : a->calendar_id;
    a->rasci_matrix_id = f & AF_RASCI ? to->rasci_matrix_id : a->rasci_matrix_id;
    a->representative_id = f & AF_REPRESENTATIVE ? to->representative_id : a->representative_id;
    if (f & AF_CURRENCY)
        memcpy(a->currency, to->currency, sizeof(a->currency));
    a->annual_fee = f & AF_ANNUAL_FEE ? to->annual_fee : a->annual_fee;
    a->rate = f & AF_RATE ? to->rate : a->rate;
    a->per_diem_rate = f & AF_PER_DIEM ? to->per_diem_rate : a->per_diem_rate;
    a->hours_minutes = f & AF_HOURS ? to->hours_minutes : a->hours_minutes;
    a->extras = f & AF_EXTRAS ? to->extras : a->extras;
    a->services = f & AF_SERVICES ? to->services : a->services;
    a->invoicing = f & AF_INVOICING ? to->invoicing : a->invoicing;
    if (f & AF_PHASES) {
        a->phases = to->phases;
        a->nphases = to->nphases;
    }
    return agreement_check(a, field, err);
}

/* ---- agreement years ----------------------------------------------------------------- */

static bool leap(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int64_t agreement_anniversary(int64_t starts_on, int64_t k)
{
    int64_t y;
    unsigned m, d;

    civil_from_days(starts_on, &y, &m, &d);
    y += k;
    if (m == 2 && d == 29 && !leap(y))
        d = 28;
    return days_from_civil(y, m, d);
}

void agreement_year(int64_t starts_on, int64_t day, int64_t *from, int64_t *to)
{
    int64_t ys, yd, k;
    unsigned m, d;

    civil_from_days(starts_on, &ys, &m, &d);
    civil_from_days(day, &yd, &m, &d);
    k = yd - ys;
    if (agreement_anniversary(starts_on, k) > day)
        k--;
    else if (agreement_anniversary(starts_on, k + 1) <= day)
        k++;
    *from = agreement_anniversary(starts_on, k);
    *to = agreement_anniversary(starts_on, k + 1) - 1;
}

int agreement_bank_period(const struct agreement *a, int64_t day, int64_t *from, int64_t *to)
{
    switch (a->kind) {
    case AK_ENHANCED:
        agreement_year(a->starts_on, day < a->starts_on ? a->starts_on : day, from, to);
        return 0;
    case AK_ADVANCED:
        *from = a->starts_on;
        *to = a->ends_on;
        return 0;
    case AK_MAINTENANCE:
        break;
    }
    return DESK_EINVAL;
}

/* ---- change orders and the bank -------------------------------------------------------- */

int64_t minutes_to_centihours(int64_t minutes)
{
    int64_t out;

    CHECK(money_muldiv(minutes, 100, 60, &out) == 0);
    return out;
}

const char *hours_format(int64_t minutes, char out[MONEY_TEXT_LEN])
{
    static const struct currency hundredths = {"", 2};

    return money_format(minutes_to_centihours(minutes), &hundredths, 0, out);
}

int change_order_check(const struct agreement *a, const struct change_order *co, int64_t available,
                       const char **field, struct strbuf *err)
{
    char want[MONEY_TEXT_LEN], left[MONEY_TEXT_LEN];

    if (a->kind == AK_MAINTENANCE)
        return fail(field, NULL, err, "a maintenance agreement takes no change orders");
    if (!co->minutes)
        return fail(field, "hours", err, "hours must not be 0");
    if (co->applies_to == CO_FOLLOWING_YEARS && a->kind != AK_ENHANCED)
        return fail(field, "applies_to", err,
                    "following_years applies to enhanced agreements only");
    if (a->kind == AK_ENHANCED && co->applies_to == CO_CURRENT_YEAR && co->minutes < 0)
        return fail(field, "hours", err,
                    "an enhanced agreement takes removals only for the following years");
    if (co->minutes < 0 && -co->minutes > available)
        return fail(field, "hours", err, "removing %s h is more than the %s h left",
                    hours_format(-co->minutes, want), hours_format(available, left));
    return 0;
}

bool change_order_counts(const struct agreement *a, const struct change_order *co, int64_t from,
                         int64_t to)
{
    int64_t ys, ye, day;

    (void)to;
    if (co->status != CO_SIGNED)
        return false;
    if (a->kind != AK_ENHANCED)
        return true; /* advanced: the bank is the whole term */
    day = co->signed_on < a->starts_on ? a->starts_on : co->signed_on;
    agreement_year(a->starts_on, day, &ys, &ye);
    return co->applies_to == CO_CURRENT_YEAR ? ys == from : from > ys;
}

void hour_bank_compute(const struct agreement *a, const struct change_order *cos, size_t n,
                       int64_t used, int64_t from, int64_t to, struct hour_bank *bank)
{
    memset(bank, 0, sizeof(*bank));
    bank->from = from;
    bank->to = to;
    bank->purchased = a->hours_minutes;
    for (size_t i = 0; i < n; i++)
        if (change_order_counts(a, &cos[i], from, to))
            bank->change_orders += cos[i].minutes;
    bank->used = used;
    bank->balance = bank->purchased + bank->change_orders - used;
}

int hour_bank_threshold(const struct hour_bank *bank)
{
    int64_t total = bank->purchased + bank->change_orders;

    if (bank->used <= 0)
        return 0;
    if (total <= 0 || bank->used >= total)
        return 100;
    return bank->used * 100 >= total * 80 ? 80 : 0;
}

int64_t change_order_available(const struct agreement *a, const struct change_order *cos, size_t n,
                               const struct hour_bank *bank)
{
    int64_t yearly = a->hours_minutes;

    if (a->kind == AK_ADVANCED)
        return bank->balance > 0 ? bank->balance : 0;
    if (a->kind != AK_ENHANCED)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (cos[i].status == CO_SIGNED && cos[i].applies_to == CO_FOLLOWING_YEARS)
            yearly += cos[i].minutes;
    return yearly > 0 ? yearly : 0;
}

/* ---- cancellation ------------------------------------------------------------------------ */

int agreement_cancel(const struct agreement *a, int64_t notice, int64_t today,
                     struct cancel_plan *plan, struct strbuf *err)
{
    enum agreement_status now = agreement_status_on(a, today);
    int64_t from, to, day;

    memset(plan, 0, sizeof(*plan));
    if (a->notice_given_on != DATE_NONE || now == AS_CANCELLED)
        return err_addf(err, DESK_ECONFLICT, "notice was given already");
    if (now == AS_COMPLETED || now == AS_EXPIRED)
        return err_addf(err, DESK_ECONFLICT, "the agreement is %s", agreement_status_name(now));
    if (notice > today)
        return err_addf(err, DESK_EINVAL, "notice_given_on is after today");
    if (now != AS_SIGNED) {
        plan->at_once = true;
        plan->ends_on = a->ends_on;
        return 0;
    }
    day = notice < a->starts_on ? a->starts_on : notice;
    if (a->kind == AK_ADVANCED) {
        plan->ends_on = day;
        plan->remove_hours = true;
    } else {
        agreement_year(a->starts_on, day, &from, &to);
        if (to - notice < CANCEL_NOTICE_DAYS)
            agreement_year(a->starts_on, to + 1, &from, &to); /* the end of the following year */
        plan->ends_on = to;
    }
    if (a->ends_on != DATE_NONE && a->ends_on < plan->ends_on)
        plan->ends_on = a->ends_on;
    return 0;
}

enum booking_status booking_status_for(const struct agreement *a)
{
    return a->status == AS_SIGNED ? BOOKING_CONFIRMED : BOOKING_TENTATIVE;
}

bool booking_dates_overlap(int64_t a_from, int64_t a_to, int64_t b_from, int64_t b_to)
{
    return a_from <= b_to && b_from <= a_to;
}

bool agreement_supports_enhanced(const struct agreement *m, int64_t today, bool to_sign)
{
    enum agreement_status st = agreement_status_on(m, today);

    if (m->kind != AK_MAINTENANCE)
        return false;
    if (to_sign)
        return st == AS_SIGNED;
    return st == AS_REQUESTED || st == AS_QUOTED || st == AS_SIGNED;
}
