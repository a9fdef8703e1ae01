/*
 * agreement.h - service agreements (SPEC 2.3, 5): kinds, the life cycle,
 * agreement years, the hours bank, change orders and cancellation.
 * Pure: no I/O; "today" and "now" are arguments.
 *
 * Dates are day numbers (core/time.h, days since 1970-01-01, UTC) and
 * inclusive; DATE_NONE marks an absent date (an open-ended term). Hours are
 * kept in whole minutes; money in minor units (domain/money.h).
 *
 * Status: the store keeps requested, quoted, signed or cancelled; the
 * status shown is derived at read time (agreement_status_on) once the term
 * is over:
 *   requested, quoted  -> expired    (the term ended before anyone signed)
 *   signed             -> cancelled  (notice was given and the new end passed)
 *                      -> completed  (advanced: the project's term ended)
 *                      -> expired    (maintenance, enhanced: the term ended)
 */
#ifndef DOMAIN_AGREEMENT_H
#define DOMAIN_AGREEMENT_H

#include "core/compat.h"
#include "core/strbuf.h"
#include "domain/catalogue.h"
#include "domain/money.h"

#define DATE_NONE INT64_MIN            /* an absent date */
#define QUOTE_OVERDUE_SECS (7 * 86400) /* a request without a quote after this is flagged */
#define CANCEL_NOTICE_DAYS 90          /* notice this long before the year's end ends it then */
#define PHASES_MAX 100                 /* phases of one agreement */
#define PHASE_NAME_MAX 200             /* characters */
#define MINUTES_MAX (1000000LL * 60)   /* hours fields: at most a million hours */

enum agreement_kind { AK_MAINTENANCE, AK_ENHANCED, AK_ADVANCED };

enum agreement_status {
    AS_REQUESTED, /* requirements being gathered */
    AS_QUOTED,    /* a quote was issued */
    AS_SIGNED,    /* all parties signed: active inside its term */
    AS_COMPLETED, /* derived: an advanced project whose term is over */
    AS_CANCELLED, /* stored for an unsigned agreement; derived after a notice's end */
    AS_EXPIRED,   /* derived: the term is over */
};

enum invoicing { INVOICING_NONE, INVOICING_MONTHLY, INVOICING_PHASES, INVOICING_END };

/* Extras (bits of agreement.extras; names in agreement_extra_names). */
enum agreement_extra {
    EXTRA_LIVE_CHAT = 1 << 0,
    EXTRA_PRIORITY_LINE = 1 << 1, /* the customer's requests go first in the queue */
    EXTRA_SOLUTION_MONITORING = 1 << 2,
};

/* ---- signatures of both parties --------------------------------------------------- */

#define SIGNER_NAME_MAX 200 /* characters of a typed full name */

enum party { PARTY_VENDOR, PARTY_CUSTOMER };
extern const char *const party_names[]; /* vendor, customer */

/* One party's signature on an agreement (a quote, a SOW) or a change order. */
struct signature {
    int64_t user_id;         /* who signed; 0: unknown (signed before signatures were kept) */
    const char *name;        /* the typed full name (vendor: the staff user's name) */
    const char *client_addr; /* the signer's address as text; "" unknown */
    int64_t signed_at;       /* UTC seconds; 0: this party has not signed */
};

/* Have both parties signed? (sig is indexed by enum party.) */
bool signatures_complete(const struct signature sig[2]);
/*
 * May party p sign now, with sig[] as signed so far? DESK_ECONFLICT (a
 * message in err) when p has signed already; 0 otherwise, with *completes
 * telling whether this signature is the second (the thing is then in effect).
 */
int signature_add_check(const struct signature sig[2], enum party p, bool *completes,
                        struct strbuf *err);

struct phase {
    const char *name;   /* 1..200 characters */
    int64_t amount;     /* minor units, >= 0 */
    int64_t reached_on; /* DATE_NONE: not yet */
};

struct agreement {
    int64_t id;                   /* 0 until stored */
    int64_t organization_id;      /* the customer */
    enum agreement_kind kind;     /* maintenance, enhanced, advanced */
    enum agreement_status status; /* as stored: requested, quoted, signed, cancelled */
    int64_t starts_on;            /* first day of the term */
    int64_t ends_on;              /* last day of the term; DATE_NONE: open-ended */
    enum hosting hosting;         /* required for maintenance (it picks the catalogue) */
    int64_t sla_policy_id;        /* required for maintenance; 0: none */
    int64_t calendar_id;          /* overrides the policy's calendar; 0: none */
    int64_t rasci_matrix_id;      /* 0: none */
    int64_t representative_id;    /* the vendor's representative (a staff user); 0: none */
    char currency[CURRENCY_LEN];  /* ISO 4217 code of every amount */
    int64_t annual_fee;           /* invoiced at the start of each agreement year */
    int64_t rate;                 /* an hour: billable time, hours of advanced projects */
    int64_t per_diem_rate;        /* a day of travel */
    int64_t hours_minutes;        /* purchased: a year (enhanced), the term (advanced) */
    unsigned extras;              /* enum agreement_extra bits */
    unsigned services;            /* bit i: agreement_service_names[i] */
    enum invoicing invoicing;     /* advanced only */
    const struct phase *phases;   /* with INVOICING_PHASES */
    size_t nphases;
    int64_t quote_amount;      /* of the last quote; 0 before one */
    int64_t quote_valid_until; /* DATE_NONE before a quote */
    int64_t quoted_at;         /* UTC seconds; 0: never quoted */
    int64_t signed_at;         /* UTC seconds: when both parties had signed; 0: not in effect */
    struct signature sig[2];   /* by enum party; signed_at 0: that party has not signed */
    int64_t requirements_completed_at; /* UTC seconds: the latest year's requirements; 0: none */
    int64_t notice_given_on;   /* DATE_NONE: no cancellation notice */
    int64_t created_at;        /* UTC seconds */
    int64_t updated_at;        /* UTC seconds */
};

/* One quote of an agreement's history (the agreement keeps the latest). */
struct quote {
    int64_t id;                  /* the row */
    int64_t agreement_id;        /* quoted */
    int64_t amount;              /* minor units of currency */
    char currency[CURRENCY_LEN]; /* ISO 4217 */
    int64_t valid_until;         /* date */
    int64_t quoted_by;           /* the staff user; 0: unknown */
    const char *quoted_by_name;  /* their name; "" unknown */
    int64_t quoted_at;           /* UTC seconds */
};

/* NULL-terminated name lists (index = enum value, or bit number for the flag lists). */
extern const char *const agreement_kind_names[];
extern const char *const agreement_status_names[];
extern const char *const invoicing_names[];       /* monthly, phases, end (from 1) */
extern const char *const agreement_extra_names[]; /* live_chat, priority_line, ... */
extern const char *const agreement_service_names[];
/* The supplemental services in words ("Operator training"), in agreement_service_names' order. */
extern const char *const agreement_service_labels[];

const char *agreement_kind_name(enum agreement_kind k);
const char *agreement_status_name(enum agreement_status s);
/* NULL for INVOICING_NONE. */
const char *invoicing_name(enum invoicing i);
/* Parse a name; 0 or DESK_EINVAL. */
int agreement_kind_parse(const char *s, enum agreement_kind *out);
int agreement_status_parse(const char *s, enum agreement_status *out);
int invoicing_parse(const char *s, enum invoicing *out);
/* The bit of name s in a flag list (agreement_extra_names, ...); 0 when unknown. */
unsigned agreement_flag(const char *const *names, const char *s);

/* The status shown on `today` (see the table at the top). */
enum agreement_status agreement_status_on(const struct agreement *a, int64_t today);
/* Signed and today inside the term (ends_on included). */
bool agreement_active_on(const struct agreement *a, int64_t today);
/*
 * When a quote is due (UTC seconds): QUOTE_OVERDUE_SECS after the
 * requirements were completed when they have been, else after the request.
 */
int64_t agreement_quote_due_at(const struct agreement *a);
/* A request without a quote after its quote_due_at at now. */
bool agreement_quote_overdue(const struct agreement *a, int64_t now);
/*
 * May party p sign agreement a (shown as status on today)? Only a request
 * or a quote is signed (DESK_ECONFLICT: "agreement 3 is signed"); the
 * customer may not accept a quote whose valid_until is before today
 * (DESK_ECONFLICT); a party signs once (signature_add_check). 0 with
 * *completes, or DESK_ECONFLICT with a message in err.
 */
int agreement_sign_check(const struct agreement *a, int64_t today, enum party p, bool *completes,
                         struct strbuf *err);
/* Is day inside the term? */
bool agreement_term_holds(const struct agreement *a, int64_t day);
/*
 * May maintenance agreement m stand under an enhanced agreement of its
 * organisation on `today`? To create the enhanced one, m must not be over
 * (requested, quoted or signed, as shown on today); to sign it, m must be
 * signed and not over. False for an agreement of another kind.
 */
bool agreement_supports_enhanced(const struct agreement *m, int64_t today, bool to_sign);

/*
 * Check the terms of a: the rules of its kind (hosting and the SLA policy
 * for maintenance, hours for the banks, invoicing and an end for advanced
 * projects, phases with phase invoicing), ends_on not before starts_on, a
 * known currency. Returns 0, or DESK_EINVAL with the field at fault in
 * *field (a static string) and a message in err.
 */
int agreement_check(const struct agreement *a, const char **field, struct strbuf *err);

/*
 * The k-th anniversary of starts_on (k = 0 is starts_on itself). An
 * anniversary of 29 February falls on 28 February in other years.
 */
int64_t agreement_anniversary(int64_t starts_on, int64_t k);
/* The agreement year holding day: [*from, *to], from one anniversary to the day before the next. */
void agreement_year(int64_t starts_on, int64_t day, int64_t *from, int64_t *to);
/*
 * The period of the hours bank that holds day: the agreement year for
 * enhanced agreements (use it or lose it), the whole term for advanced ones.
 * DESK_EINVAL for maintenance agreements, which have no bank.
 */
int agreement_bank_period(const struct agreement *a, int64_t day, int64_t *from, int64_t *to);

/* ---- changing the terms (PATCH) ---------------------------------------------------- */

/* Fields a patch sets (bits of agreement_patch.fields). */
enum agreement_field {
    AF_STARTS_ON = 1 << 0,
    AF_ENDS_ON = 1 << 1,
    AF_HOSTING = 1 << 2,
    AF_SLA_POLICY = 1 << 3,
    AF_CALENDAR = 1 << 4,
    AF_RASCI = 1 << 5,
    AF_CURRENCY = 1 << 6,
    AF_ANNUAL_FEE = 1 << 7,
    AF_RATE = 1 << 8,
    AF_PER_DIEM = 1 << 9,
    AF_HOURS = 1 << 10,
    AF_EXTRAS = 1 << 11,
    AF_SERVICES = 1 << 12,
    AF_INVOICING = 1 << 13,
    AF_PHASES = 1 << 14,
    AF_REPRESENTATIVE = 1 << 15,
};
/* The commercial terms, fixed once signed (hours change by change orders). */
#define AF_SIGNED_FIXED                                                                            \
    (AF_STARTS_ON | AF_CURRENCY | AF_ANNUAL_FEE | AF_RATE | AF_PER_DIEM | AF_HOURS | AF_INVOICING)

struct agreement_patch {
    unsigned fields;     /* enum agreement_field bits: which of `to` apply */
    struct agreement to; /* the new values of those fields */
};

/*
 * Apply p to a (in place) and check the result with agreement_check. Before
 * signing every field may change; once signed, the fields of
 * AF_SIGNED_FIXED are DESK_ECONFLICT, phases may only gain or change their
 * reached_on (names and amounts stay), and ends_on is fixed after a
 * cancellation notice. Returns 0, DESK_ECONFLICT or DESK_EINVAL, with
 * *field and a message in err.
 */
int agreement_patch_apply(struct agreement *a, const struct agreement_patch *p, const char **field,
                          struct strbuf *err);

/* ---- change orders ------------------------------------------------------------ */

enum change_order_scope { CO_CURRENT_YEAR, CO_FOLLOWING_YEARS };
enum change_order_status { CO_PROPOSED, CO_SIGNED };

extern const char *const change_order_scope_names[];  /* current_year, following_years */
extern const char *const change_order_status_names[]; /* proposed, signed */

struct change_order {
    int64_t id;                         /* 0 until stored */
    int64_t agreement_id;               /* the agreement it changes */
    int64_t minutes;                    /* > 0 adds hours, < 0 removes them; never 0 */
    const char *reason;                 /* why */
    enum change_order_scope applies_to; /* current_year, following_years */
    enum change_order_status status;    /* proposed, signed */
    int64_t signed_on;                  /* date of signing; DATE_NONE while proposed */
    int64_t signed_at;                  /* UTC seconds; 0 while proposed */
    int64_t created_at;                 /* UTC seconds */
    struct signature sig[2];            /* by enum party; signed when both are there */
    const int64_t *booking_ids;         /* the bookings it reschedules */
    size_t nbookings;
};

#define CHANGE_ORDER_BOOKINGS_MAX 100 /* bookings one change order names */

/*
 * May co be made (or signed) on a? Rules: none on maintenance; following
 * years only on enhanced agreements; on enhanced, removals only for the
 * following years; a removal never takes more than `available` minutes
 * (change_order_available). 0 or DESK_EINVAL with *field and err.
 */
int change_order_check(const struct agreement *a, const struct change_order *co, int64_t available,
                       const char **field, struct strbuf *err);
/* Does signed change order co count in the bank period [from, to] of a? */
bool change_order_counts(const struct agreement *a, const struct change_order *co, int64_t from,
                         int64_t to);

/* ---- the hours bank --------------------------------------------------------------- */

struct hour_bank {
    int64_t from, to;      /* the period: agreement year (enhanced) or term (advanced) */
    int64_t purchased;     /* minutes bought for the period */
    int64_t change_orders; /* minutes added (or removed) by signed change orders */
    int64_t used;          /* minutes of included time entries dated in the period */
    int64_t balance;       /* purchased + change_orders - used; may be negative */
};

/*
 * Fill bank for period [from, to] of a: its purchased hours, the signed
 * change orders among cos[0..n) that count in it, and `used` minutes.
 */
void hour_bank_compute(const struct agreement *a, const struct change_order *cos, size_t n,
                       int64_t used, int64_t from, int64_t to, struct hour_bank *bank);
/* The highest warning threshold the bank has reached: 0, 80 or 100 (percent used). */
int hour_bank_threshold(const struct hour_bank *bank);
/*
 * Minutes a removal may take: advanced, the term's balance; enhanced, the
 * hours of a following year (purchased plus the signed following-years
 * change orders). 0 when nothing may be removed.
 */
int64_t change_order_available(const struct agreement *a, const struct change_order *cos, size_t n,
                               const struct hour_bank *bank);
/* Minutes as hundredths of an hour, rounded half up (90 -> 150, 1 -> 2). */
int64_t minutes_to_centihours(int64_t minutes);
/* Minutes as hours with two decimals into out: "12.50" for 750, "-0.02" for -1. Returns out. */
const char *hours_format(int64_t minutes, char out[MONEY_TEXT_LEN]);

/* ---- cancellation --------------------------------------------------------------- */

struct cancel_plan {
    bool at_once;      /* unsigned: cancelled now, ends_on unchanged */
    int64_t ends_on;   /* signed: the new last day (DATE_NONE only with at_once) */
    bool remove_hours; /* advanced: a signed change order removes the remaining hours */
};

/*
 * What notice given on `notice` does to a (today is the date it is
 * recorded). Maintenance and enhanced: with the notice in agreement year
 * [start, end], the agreement ends at `end` when end - notice >= 90 days,
 * else at the end of the following year; never later than an existing
 * ends_on. Advanced: it ends on the notice date (not before starts_on) and
 * the remaining hours are removed. Unsigned: cancelled at once.
 * DESK_ECONFLICT for a second notice or an agreement that is over;
 * DESK_EINVAL (err) for a notice after today.
 */
int agreement_cancel(const struct agreement *a, int64_t notice, int64_t today,
                     struct cancel_plan *plan, struct strbuf *err);

/* ---- bookings, time entries, expenses ------------------------------------------ */

enum booking_status { BOOKING_TENTATIVE, BOOKING_CONFIRMED };
extern const char *const booking_status_names[];

struct booking {
    int64_t id;                 /* 0 until stored */
    int64_t agreement_id;       /* the engagement */
    int64_t user_id;            /* the booked person (staff) */
    int64_t starts_on, ends_on; /* inclusive dates */
    enum booking_status status; /* tentative until the agreement is signed */
    const char *overlap_reason; /* why it overlaps another booking of the person; NULL: none */
    int64_t created_at, updated_at;
};

#define BOOKING_REASON_MAX 500 /* characters of overlap_reason */

/* tentative before the agreement is signed, confirmed after. */
enum booking_status booking_status_for(const struct agreement *a);
/*
 * Do the inclusive date ranges [a_from, a_to] and [b_from, b_to] share a
 * day? (A booking ending on the day another starts overlaps it.)
 */
bool booking_dates_overlap(int64_t a_from, int64_t a_to, int64_t b_from, int64_t b_to);

enum time_kind {
    TIME_INCLUDED, /* draws the hours bank */
    TIME_BILLABLE, /* invoiced on top */
    TIME_INTERNAL, /* neither */
};
extern const char *const time_kind_names[];
#define TIME_MINUTES_MAX 100000

struct time_entry {
    int64_t id;              /* 0 until stored */
    int64_t organization_id; /* whose work */
    int64_t ticket_id;       /* 0: none */
    int64_t agreement_id;    /* 0: none (billed at the default rate) */
    int64_t user_id;         /* who did the work */
    int64_t minutes;         /* 1..TIME_MINUTES_MAX */
    enum time_kind kind;     /* included, billable, internal */
    int64_t on;              /* the date of the work */
    const char *note;        /* "" for none */
    int64_t invoice_id;      /* 0 until invoiced */
    int64_t created_at;      /* UTC seconds */
};

enum expense_kind { EXPENSE_ACTUAL, EXPENSE_PER_DIEM };
extern const char *const expense_kind_names[];

struct expense {
    int64_t id;             /* 0 until stored */
    int64_t agreement_id;   /* billed on this agreement's invoices */
    enum expense_kind kind; /* actual (a receipt) or per_diem */
    int64_t amount;         /* minor units; per_diem: days x the per-diem rate */
    int64_t days;           /* per_diem only */
    const char *note;       /* receipt or purpose */
    int64_t on;             /* date */
    int64_t booking_id;     /* 0, or the booking whose rescheduling cost this */
    int64_t invoice_id;     /* 0 until invoiced */
    int64_t created_at;     /* UTC seconds */
};

#endif
