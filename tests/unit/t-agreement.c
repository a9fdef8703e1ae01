#include "test.h"
#include "fixture.h"
#include "core/err.h"
#include "core/time.h"
#include "domain/agreement.h"

static int64_t day(const char *s)
{
    int64_t d;

    if (date_parse(s, strlen(s), &d) < 0)
        fail_msg("not a date: %s", s);
    return d;
}

static const char *text(int64_t d)
{
    static char buf[4][DATE_LEN];
    static int i;

    i = (i + 1) % 4;
    date_format(d, buf[i]);
    return buf[i];
}

static struct agreement fixture(enum agreement_kind kind, const char *starts, const char *ends)
{
    struct agreement a = {0};

    a.kind = kind;
    a.status = AS_SIGNED;
    a.starts_on = day(starts);
    a.ends_on = ends ? day(ends) : DATE_NONE;
    a.hosting = kind == AK_MAINTENANCE ? HOSTING_VENDOR : HOSTING_NONE;
    a.sla_policy_id = kind == AK_MAINTENANCE ? 1 : 0;
    snprintf(a.currency, sizeof(a.currency), "EUR");
    a.hours_minutes = kind == AK_MAINTENANCE ? 0 : 100 * 60;
    a.invoicing = kind == AK_ADVANCED ? INVOICING_END : INVOICING_NONE;
    a.quote_valid_until = DATE_NONE;
    a.notice_given_on = DATE_NONE;
    a.signed_at = 1;
    return a;
}

static void year_is(int64_t starts, const char *on, const char *from, const char *to)
{
    int64_t f, t;

    agreement_year(starts, day(on), &f, &t);
    assert_string_equal(text(f), from);
    assert_string_equal(text(t), to);
}

static void test_years(void **state)
{
    (void)state;
    /* a calendar-year agreement: the year ends on 31 December */
    year_is(day("2026-01-01"), "2026-12-31", "2026-01-01", "2026-12-31");
    year_is(day("2026-01-01"), "2027-01-01", "2027-01-01", "2027-12-31");
    /* mid-year start: years run from anniversary to the day before the next */
    year_is(day("2025-07-15"), "2026-07-14", "2025-07-15", "2026-07-14");
    year_is(day("2025-07-15"), "2026-07-15", "2026-07-15", "2027-07-14");
    year_is(day("2025-07-15"), "2025-12-31", "2025-07-15", "2026-07-14");
    /* before the start: the year before the first (callers clamp) */
    year_is(day("2025-07-15"), "2025-07-14", "2024-07-15", "2025-07-14");
}

static void test_leap_day(void **state)
{
    int64_t s = day("2024-02-29");

    (void)state;
    /* 29 February anniversaries fall on 28 February */
    assert_string_equal(text(agreement_anniversary(s, 1)), "2025-02-28");
    assert_string_equal(text(agreement_anniversary(s, 3)), "2027-02-28");
    assert_string_equal(text(agreement_anniversary(s, 4)), "2028-02-29");
    year_is(s, "2025-02-27", "2024-02-29", "2025-02-27");
    year_is(s, "2025-02-28", "2025-02-28", "2026-02-27");
    year_is(s, "2027-03-01", "2027-02-28", "2028-02-28");
    year_is(s, "2028-02-29", "2028-02-29", "2029-02-27");
    /* an agreement starting 28 February is not affected */
    year_is(day("2023-02-28"), "2024-02-28", "2024-02-28", "2025-02-27");
    year_is(day("2023-02-28"), "2024-02-27", "2023-02-28", "2024-02-27");
}

static void test_status(void **state)
{
    struct agreement a = fixture(AK_ENHANCED, "2026-01-01", "2026-12-31");

    (void)state;
    assert_int_equal(agreement_status_on(&a, day("2026-12-31")), AS_SIGNED);
    assert_true(agreement_active_on(&a, day("2026-12-31")));
    assert_false(agreement_active_on(&a, day("2025-12-31"))); /* signed, not yet in term */
    assert_int_equal(agreement_status_on(&a, day("2027-01-01")), AS_EXPIRED);
    assert_false(agreement_active_on(&a, day("2027-01-01")));
    a.kind = AK_ADVANCED;
    assert_int_equal(agreement_status_on(&a, day("2027-01-01")), AS_COMPLETED);
    a.notice_given_on = day("2026-06-01");
    assert_int_equal(agreement_status_on(&a, day("2026-12-31")), AS_SIGNED);
    assert_int_equal(agreement_status_on(&a, day("2027-01-01")), AS_CANCELLED);
    a = fixture(AK_ENHANCED, "2026-01-01", "2026-12-31");
    a.status = AS_QUOTED;
    assert_int_equal(agreement_status_on(&a, day("2026-06-01")), AS_QUOTED);
    assert_false(agreement_active_on(&a, day("2026-06-01")));
    assert_int_equal(agreement_status_on(&a, day("2027-01-01")), AS_EXPIRED);
    a.ends_on = DATE_NONE; /* open-ended: never over */
    assert_int_equal(agreement_status_on(&a, day("2099-01-01")), AS_QUOTED);
    a.status = AS_CANCELLED;
    assert_int_equal(agreement_status_on(&a, day("2026-06-01")), AS_CANCELLED);
}

static void test_quote_overdue(void **state)
{
    struct agreement a = fixture(AK_ADVANCED, "2026-03-01", "2026-09-30");
    int64_t created = fx_time("2026-02-01T10:00:00Z");

    (void)state;
    a.status = AS_REQUESTED;
    a.signed_at = 0;
    a.created_at = created;
    assert_false(agreement_quote_overdue(&a, created + 7 * 86400)); /* exactly 7 days */
    assert_true(agreement_quote_overdue(&a, created + 7 * 86400 + 1));
    a.status = AS_QUOTED;
    a.quoted_at = created + 8 * 86400;
    assert_false(agreement_quote_overdue(&a, created + 30 * 86400));
}

/* The quote is due a week after the requirements were completed, when they have been. */
static void test_quote_due_after_requirements(void **state)
{
    struct agreement a = fixture(AK_ENHANCED, "2026-03-01", NULL);
    int64_t created = fx_time("2026-02-01T10:00:00Z"), done = created + 20 * 86400;

    (void)state;
    a.status = AS_REQUESTED;
    a.signed_at = 0;
    a.created_at = created;
    assert_int_equal(agreement_quote_due_at(&a), created + 7 * 86400);
    a.requirements_completed_at = done;
    assert_int_equal(agreement_quote_due_at(&a), done + 7 * 86400);
    assert_false(agreement_quote_overdue(&a, created + 8 * 86400)); /* counts from `done` */
    assert_false(agreement_quote_overdue(&a, done + 7 * 86400));
    assert_true(agreement_quote_overdue(&a, done + 7 * 86400 + 1));
}

/* Both parties sign once; the second signature completes it; a signed or expired thing is 409. */
static void test_signatures(void **state)
{
    struct agreement a = fixture(AK_ADVANCED, "2026-03-01", "2026-09-30");
    struct strbuf err = STRBUF_INIT;
    bool completes = true;

    (void)state;
    a.status = AS_QUOTED;
    a.signed_at = 0;
    a.quoted_at = fx_time("2026-02-01T10:00:00Z");
    a.quote_valid_until = day("2026-02-28");
    memset(a.sig, 0, sizeof(a.sig));
    assert_false(signatures_complete(a.sig));
    assert_int_equal(agreement_sign_check(&a, day("2026-02-10"), PARTY_VENDOR, &completes, &err),
                     0);
    assert_false(completes);
    a.sig[PARTY_VENDOR].signed_at = 1;
    assert_int_equal(agreement_sign_check(&a, day("2026-02-10"), PARTY_VENDOR, &completes, &err),
                     DESK_ECONFLICT);
    assert_string_equal(err.buf, "the vendor has signed already");
    strbuf_reset(&err);
    /* the customer may not accept a quote past its validity */
    assert_int_equal(
        agreement_sign_check(&a, day("2026-03-01"), PARTY_CUSTOMER, &completes, &err),
        DESK_ECONFLICT);
    assert_non_null(strstr(err.buf, "expired on 2026-02-28"));
    strbuf_reset(&err);
    assert_int_equal(
        agreement_sign_check(&a, day("2026-02-28"), PARTY_CUSTOMER, &completes, &err), 0);
    assert_true(completes);
    a.sig[PARTY_CUSTOMER].signed_at = 2;
    assert_true(signatures_complete(a.sig));
    a.status = AS_SIGNED;
    assert_int_equal(
        agreement_sign_check(&a, day("2026-02-28"), PARTY_CUSTOMER, &completes, &err),
        DESK_ECONFLICT);
    assert_non_null(strstr(err.buf, "is signed"));
    strbuf_reset(&err);
    /* a request whose term ended before both signed is expired */
    a.status = AS_REQUESTED;
    a.quoted_at = 0;
    memset(a.sig, 0, sizeof(a.sig));
    assert_int_equal(
        agreement_sign_check(&a, day("2026-10-01"), PARTY_CUSTOMER, &completes, &err),
        DESK_ECONFLICT);
    assert_non_null(strstr(err.buf, "is expired"));
    strbuf_release(&err);
}

static void expect_invalid(const struct agreement *a, const char *field)
{
    struct strbuf err = STRBUF_INIT;
    const char *f = "?";

    assert_int_equal(agreement_check(a, &f, &err), DESK_EINVAL);
    assert_string_equal(f, field);
    assert_true(err.len > 0);
    strbuf_release(&err);
}

static void test_check(void **state)
{
    struct agreement a = fixture(AK_MAINTENANCE, "2026-01-01", NULL);
    struct phase phases[] = {{"Design", 100000, DATE_NONE}, {"Go-live", 50000, DATE_NONE}};
    const char *f;

    (void)state;
    assert_int_equal(agreement_check(&a, &f, NULL), 0);
    a.hosting = HOSTING_NONE;
    expect_invalid(&a, "hosting");
    a = fixture(AK_MAINTENANCE, "2026-01-01", "2025-12-31");
    expect_invalid(&a, "ends_on"); /* a reversed term */
    a = fixture(AK_MAINTENANCE, "2026-01-01", NULL);
    a.hours_minutes = 60;
    expect_invalid(&a, "hours");
    a = fixture(AK_ENHANCED, "2026-01-01", NULL);
    snprintf(a.currency, sizeof(a.currency), "EUX");
    expect_invalid(&a, "currency");
    a = fixture(AK_ENHANCED, "2026-01-01", NULL);
    a.rate = -1;
    expect_invalid(&a, "rate");
    a.rate = 0;
    a.invoicing = INVOICING_MONTHLY;
    expect_invalid(&a, "invoicing");
    a = fixture(AK_ADVANCED, "2026-01-01", NULL);
    expect_invalid(&a, "ends_on"); /* a project has dates */
    a = fixture(AK_ADVANCED, "2026-01-01", "2026-06-30");
    a.invoicing = INVOICING_PHASES;
    expect_invalid(&a, "phases");
    a.phases = phases;
    a.nphases = 2;
    assert_int_equal(agreement_check(&a, &f, NULL), 0);
    phases[1].reached_on = day("2025-12-01");
    expect_invalid(&a, "phases");
    a.invoicing = INVOICING_END;
    expect_invalid(&a, "phases");
}

static void test_bank_enhanced(void **state)
{
    struct agreement a = fixture(AK_ENHANCED, "2026-01-01", NULL);
    struct change_order cos[] = {
        {1, 1, 600, "more", CO_CURRENT_YEAR, CO_SIGNED, day("2026-05-01"), 1, 0, {{0}}, NULL, 0},
        {2, 1, 1200, "proposed only", CO_CURRENT_YEAR, CO_PROPOSED, DATE_NONE, 0, 0, {{0}}, NULL, 0},
        {3, 1, -1800, "fewer from next year", CO_FOLLOWING_YEARS, CO_SIGNED, day("2026-11-01"), 1,
         0, {{0}}, NULL, 0},
    };
    struct hour_bank b;
    int64_t from, to;

    (void)state;
    assert_int_equal(agreement_bank_period(&a, day("2026-12-31"), &from, &to), 0);
    assert_string_equal(text(from), "2026-01-01");
    assert_string_equal(text(to), "2026-12-31");
    /* 2026: 100 h + 10 h (current year); 105 h used */
    hour_bank_compute(&a, cos, 3, 105 * 60, from, to, &b);
    assert_int_equal(b.purchased, 6000);
    assert_int_equal(b.change_orders, 600);
    assert_int_equal(b.balance, 300);
    assert_int_equal(hour_bank_threshold(&b), 80);
    /* 2027: use it or lose it; the removal for following years applies, the addition not */
    assert_int_equal(agreement_bank_period(&a, day("2027-01-01"), &from, &to), 0);
    hour_bank_compute(&a, cos, 3, 0, from, to, &b);
    assert_int_equal(b.change_orders, -1800);
    assert_int_equal(b.balance, 4200);
    assert_int_equal(hour_bank_threshold(&b), 0);
    /* over the bank: negative balance, 100 % */
    hour_bank_compute(&a, cos, 3, 80 * 60, from, to, &b);
    assert_int_equal(b.balance, -600);
    assert_int_equal(hour_bank_threshold(&b), 100);
    /* exactly 80 % */
    hour_bank_compute(&a, cos, 3, 56 * 60, from, to, &b);
    assert_int_equal(hour_bank_threshold(&b), 80);
    hour_bank_compute(&a, cos, 3, 56 * 60 - 1, from, to, &b);
    assert_int_equal(hour_bank_threshold(&b), 0);
    /* what a following-years removal may take: 100 h - 30 h */
    assert_int_equal(change_order_available(&a, cos, 3, &b), 70 * 60);
    a.kind = AK_MAINTENANCE;
    assert_int_equal(agreement_bank_period(&a, day("2027-01-01"), &from, &to), DESK_EINVAL);
}

static void test_bank_advanced(void **state)
{
    struct agreement a = fixture(AK_ADVANCED, "2026-03-01", "2026-08-31");
    struct change_order cos[] = {
        {1, 1, 1200, "more", CO_CURRENT_YEAR, CO_SIGNED, day("2026-05-01"), 1, 0, {{0}}, NULL, 0},
        {2, 1, -600, "fewer", CO_CURRENT_YEAR, CO_SIGNED, day("2026-06-01"), 1, 0, {{0}}, NULL, 0},
    };
    struct hour_bank b;
    int64_t from, to;

    (void)state;
    assert_int_equal(agreement_bank_period(&a, day("2026-04-01"), &from, &to), 0);
    assert_string_equal(text(from), "2026-03-01");
    assert_string_equal(text(to), "2026-08-31");
    hour_bank_compute(&a, cos, 2, 30 * 60, from, to, &b);
    assert_int_equal(b.change_orders, 600);
    assert_int_equal(b.balance, 100 * 60 + 600 - 30 * 60);
    assert_int_equal(change_order_available(&a, cos, 2, &b), b.balance);
}

static void test_change_order_rules(void **state)
{
    struct agreement a = fixture(AK_ENHANCED, "2026-01-01", NULL);
    struct change_order co = {0, 1, -60, "fewer", CO_CURRENT_YEAR, CO_PROPOSED, DATE_NONE, 0, 0, {{0}}, NULL, 0};
    struct strbuf err = STRBUF_INIT;
    const char *f;

    (void)state;
    /* enhanced: a removal for the current year is refused, for the following years taken */
    assert_int_equal(change_order_check(&a, &co, 6000, &f, &err), DESK_EINVAL);
    assert_string_equal(f, "hours");
    co.applies_to = CO_FOLLOWING_YEARS;
    assert_int_equal(change_order_check(&a, &co, 6000, &f, NULL), 0);
    co.minutes = 60;
    co.applies_to = CO_CURRENT_YEAR;
    assert_int_equal(change_order_check(&a, &co, 6000, &f, NULL), 0);
    co.minutes = 0;
    assert_int_equal(change_order_check(&a, &co, 6000, &f, NULL), DESK_EINVAL);
    /* advanced: both ways, but no removal larger than the balance */
    a = fixture(AK_ADVANCED, "2026-01-01", "2026-12-31");
    co.minutes = -600;
    assert_int_equal(change_order_check(&a, &co, 600, &f, NULL), 0);
    strbuf_reset(&err);
    assert_int_equal(change_order_check(&a, &co, 599, &f, &err), DESK_EINVAL);
    assert_string_equal(err.buf, "removing 10.00 h is more than the 9.98 h left");
    co.applies_to = CO_FOLLOWING_YEARS;
    assert_int_equal(change_order_check(&a, &co, 600, &f, NULL), DESK_EINVAL);
    assert_string_equal(f, "applies_to");
    /* maintenance: none at all */
    a = fixture(AK_MAINTENANCE, "2026-01-01", NULL);
    co.applies_to = CO_CURRENT_YEAR;
    co.minutes = 60;
    assert_int_equal(change_order_check(&a, &co, 0, &f, NULL), DESK_EINVAL);
    strbuf_release(&err);
}

static const char *cancel_end(struct agreement *a, const char *notice, const char *today)
{
    struct cancel_plan p;

    assert_int_equal(agreement_cancel(a, day(notice), day(today), &p, NULL), 0);
    assert_false(p.at_once);
    return text(p.ends_on);
}

static void test_cancel_90_days(void **state)
{
    struct agreement a = fixture(AK_ENHANCED, "2026-01-01", NULL);

    (void)state;
    /* 2026-10-02 is exactly 90 days before 2026-12-31: ends at this year's end */
    assert_string_equal(cancel_end(&a, "2026-10-02", "2026-10-02"), "2026-12-31");
    /* a day later, 89 days: the end of the following year */
    assert_string_equal(cancel_end(&a, "2026-10-03", "2026-10-05"), "2027-12-31");
    assert_string_equal(cancel_end(&a, "2026-12-31", "2026-12-31"), "2027-12-31");
    /* the first day of a year is far enough ahead */
    assert_string_equal(cancel_end(&a, "2027-01-01", "2027-01-01"), "2027-12-31");
    /* never later than an existing end */
    a.ends_on = day("2027-06-30");
    assert_string_equal(cancel_end(&a, "2026-12-01", "2026-12-01"), "2027-06-30");
    /* maintenance follows the same rule, around a 29 February anniversary */
    a = fixture(AK_MAINTENANCE, "2024-02-29", NULL);
    /* year 2025-02-28 .. 2026-02-27; 90 days before its end is 2025-11-29 */
    assert_string_equal(cancel_end(&a, "2025-11-29", "2025-12-01"), "2026-02-27");
    assert_string_equal(cancel_end(&a, "2025-11-30", "2025-12-01"), "2027-02-27");
}

static void test_cancel_other(void **state)
{
    struct agreement a = fixture(AK_ADVANCED, "2026-03-01", "2026-08-31");
    struct strbuf err = STRBUF_INIT;
    struct cancel_plan p;

    (void)state;
    /* advanced: ends on the notice date and gives up the remaining hours */
    assert_int_equal(agreement_cancel(&a, day("2026-05-10"), day("2026-05-12"), &p, NULL), 0);
    assert_string_equal(text(p.ends_on), "2026-05-10");
    assert_true(p.remove_hours);
    /* notice before the start: it ends on its first day */
    assert_int_equal(agreement_cancel(&a, day("2026-02-01"), day("2026-02-01"), &p, NULL), 0);
    assert_string_equal(text(p.ends_on), "2026-03-01");
    /* not after today */
    assert_int_equal(agreement_cancel(&a, day("2026-05-13"), day("2026-05-12"), &p, &err),
                     DESK_EINVAL);
    /* a second notice */
    a.notice_given_on = day("2026-05-10");
    assert_int_equal(agreement_cancel(&a, day("2026-05-11"), day("2026-05-12"), &p, NULL),
                     DESK_ECONFLICT);
    /* over already */
    a.notice_given_on = DATE_NONE;
    assert_int_equal(agreement_cancel(&a, day("2026-09-01"), day("2026-09-01"), &p, NULL),
                     DESK_ECONFLICT);
    /* unsigned: at once */
    a.status = AS_QUOTED;
    assert_int_equal(agreement_cancel(&a, day("2026-05-10"), day("2026-05-12"), &p, NULL), 0);
    assert_true(p.at_once);
    assert_false(p.remove_hours);
    a.status = AS_CANCELLED;
    assert_int_equal(agreement_cancel(&a, day("2026-05-10"), day("2026-05-12"), &p, NULL),
                     DESK_ECONFLICT);
    strbuf_release(&err);
}

static void test_patch(void **state)
{
    struct agreement a = fixture(AK_ADVANCED, "2026-01-01", "2026-12-31");
    struct phase now[] = {{"Design", 500000, DATE_NONE}, {"Build", 900000, DATE_NONE}};
    struct phase reached[] = {{"Design", 500000, day("2026-03-01")}, {"Build", 900000, DATE_NONE}};
    struct phase repriced[] = {{"Design", 600000, day("2026-03-01")}, {"Build", 900000, DATE_NONE}};
    struct agreement_patch p = {0};
    const char *f = NULL;

    (void)state;
    a.invoicing = INVOICING_PHASES;
    a.phases = now;
    a.nphases = 2;
    /* signed: a phase may be marked reached, its amount stays */
    p.fields = AF_PHASES;
    p.to.phases = reached;
    p.to.nphases = 2;
    assert_int_equal(agreement_patch_apply(&a, &p, &f, NULL), 0);
    assert_int_equal(a.phases[0].reached_on, day("2026-03-01"));
    p.to.phases = repriced;
    assert_int_equal(agreement_patch_apply(&a, &p, &f, NULL), DESK_ECONFLICT);
    assert_string_equal(f, "phases");
    /* signed: the commercial terms are fixed, the rest may change */
    p = (struct agreement_patch){0};
    p.fields = AF_RATE;
    assert_int_equal(agreement_patch_apply(&a, &p, &f, NULL), DESK_ECONFLICT);
    assert_string_equal(f, "rate");
    p.fields = AF_HOURS;
    assert_int_equal(agreement_patch_apply(&a, &p, &f, NULL), DESK_ECONFLICT);
    assert_string_equal(f, "hours");
    p.fields = AF_EXTRAS | AF_ENDS_ON;
    p.to.extras = EXTRA_PRIORITY_LINE;
    p.to.ends_on = day("2027-03-31");
    assert_int_equal(agreement_patch_apply(&a, &p, &f, NULL), 0);
    assert_int_equal(a.extras, EXTRA_PRIORITY_LINE);
    /* a change that breaks the terms is refused */
    p.to.ends_on = day("2025-12-31");
    assert_int_equal(agreement_patch_apply(&a, &p, &f, NULL), DESK_EINVAL);
    assert_string_equal(f, "ends_on");
    /* before signing everything may change */
    a = fixture(AK_ENHANCED, "2026-01-01", NULL);
    a.status = AS_QUOTED;
    p = (struct agreement_patch){0};
    p.fields = AF_RATE | AF_HOURS;
    p.to.rate = 9000;
    p.to.hours_minutes = 120;
    assert_int_equal(agreement_patch_apply(&a, &p, &f, NULL), 0);
    assert_int_equal(a.rate, 9000);
    a.status = AS_CANCELLED;
    assert_int_equal(agreement_patch_apply(&a, &p, &f, NULL), DESK_ECONFLICT);
}

static void test_hours_and_names(void **state)
{
    char buf[MONEY_TEXT_LEN];
    enum invoicing inv;
    struct agreement a = fixture(AK_ADVANCED, "2026-03-01", "2026-08-31");

    (void)state;
    assert_int_equal(minutes_to_centihours(90), 150);
    assert_int_equal(minutes_to_centihours(1), 2);   /* 1.67 hundredths -> 2 */
    assert_int_equal(minutes_to_centihours(20), 33); /* 33.3 -> 33 */
    assert_int_equal(minutes_to_centihours(-1), -2);
    assert_string_equal(hours_format(750, buf), "12.50");
    assert_int_equal(agreement_flag(agreement_extra_names, "priority_line"), EXTRA_PRIORITY_LINE);
    assert_int_equal(agreement_flag(agreement_extra_names, "priority"), 0);
    assert_int_equal(invoicing_parse("phases", &inv), 0);
    assert_int_equal(inv, INVOICING_PHASES);
    assert_string_equal(invoicing_name(INVOICING_END), "end");
    assert_null(invoicing_name(INVOICING_NONE));
    assert_int_equal(booking_status_for(&a), BOOKING_CONFIRMED);
    a.status = AS_REQUESTED;
    assert_int_equal(booking_status_for(&a), BOOKING_TENTATIVE);
}

/* Bookings' inclusive ranges: sharing one day is an overlap, the next day is not. */
static void test_booking_overlap(void **state)
{
    (void)state;
    assert_true(booking_dates_overlap(10, 12, 12, 14));  /* ends the day the other starts */
    assert_true(booking_dates_overlap(12, 14, 10, 12));  /* and the other way round */
    assert_true(booking_dates_overlap(10, 20, 12, 13));  /* holds the other */
    assert_true(booking_dates_overlap(12, 13, 10, 20));  /* inside the other */
    assert_true(booking_dates_overlap(5, 5, 5, 5));      /* the same single day */
    assert_false(booking_dates_overlap(10, 12, 13, 14)); /* the next day */
    assert_false(booking_dates_overlap(13, 14, 10, 12)); /* the day before */
}

/* An enhanced agreement stands on a maintenance agreement: not over to create, signed to sign. */
static void test_supports_enhanced(void **state)
{
    struct agreement m = {.kind = AK_MAINTENANCE, .status = AS_REQUESTED, .starts_on = 100,
                          .ends_on = 200, .notice_given_on = DATE_NONE};

    (void)state;
    assert_true(agreement_supports_enhanced(&m, 150, false));
    assert_false(agreement_supports_enhanced(&m, 150, true)); /* not signed */
    m.status = AS_SIGNED;
    assert_true(agreement_supports_enhanced(&m, 150, true));
    assert_true(agreement_supports_enhanced(&m, 50, true)); /* signed, its term ahead */
    assert_false(agreement_supports_enhanced(&m, 201, false)); /* expired */
    m.status = AS_CANCELLED;
    assert_false(agreement_supports_enhanced(&m, 150, false));
    m.status = AS_SIGNED;
    m.kind = AK_ADVANCED;
    assert_false(agreement_supports_enhanced(&m, 150, false)); /* not a maintenance agreement */
}

SUITE(agreement, cmocka_unit_test(test_years), cmocka_unit_test(test_booking_overlap),
      cmocka_unit_test(test_supports_enhanced),
      cmocka_unit_test(test_leap_day), cmocka_unit_test(test_status),
      cmocka_unit_test(test_quote_overdue), cmocka_unit_test(test_quote_due_after_requirements),
      cmocka_unit_test(test_signatures), cmocka_unit_test(test_check),
      cmocka_unit_test(test_bank_enhanced), cmocka_unit_test(test_bank_advanced),
      cmocka_unit_test(test_change_order_rules), cmocka_unit_test(test_cancel_90_days),
      cmocka_unit_test(test_cancel_other), cmocka_unit_test(test_patch),
      cmocka_unit_test(test_hours_and_names))
