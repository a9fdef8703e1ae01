#include "test.h"
#include "core/err.h"
#include "core/time.h"
#include "domain/invoice.h"

static int64_t day(const char *s)
{
    int64_t d;

    if (date_parse(s, strlen(s), &d) < 0)
        fail_msg("not a date: %s", s);
    return d;
}

static struct agreement advanced(enum invoicing inv, const char *starts, const char *ends,
                                 int64_t rate)
{
    struct agreement a = {0};

    a.id = 1;
    a.kind = AK_ADVANCED;
    a.status = AS_SIGNED;
    a.starts_on = day(starts);
    a.ends_on = day(ends);
    snprintf(a.currency, sizeof(a.currency), "EUR");
    a.rate = rate;
    a.hours_minutes = 100 * 60;
    a.invoicing = inv;
    a.notice_given_on = DATE_NONE;
    a.quote_valid_until = DATE_NONE;
    return a;
}

static int64_t sum(const struct invoice *inv)
{
    int64_t s = 0;

    for (size_t i = 0; i < inv->nlines; i++)
        s += inv->lines[i].amount;
    return s;
}

static void build(struct invoice_input *in, struct invoice *inv, struct arena *a)
{
    struct strbuf err = STRBUF_INIT;

    memset(inv, 0, sizeof(*inv));
    if (invoice_build(in, inv, a, &err) < 0)
        fail_msg("invoice_build: %s", err.buf);
    assert_int_equal(inv->total, sum(inv)); /* the total is the sum of the lines */
    strbuf_release(&err);
}

/*
 * Monthly invoicing: January of a project at 123.45 an hour. Included time is
 * billed as work, each line rounded half up on its own:
 *   work     90 min  18,517.5 -> 18,518
 *   work     50 min  10,287.5 -> 10,288
 *   time     30 min   6,172.5 ->  6,173   (billable, request #7)
 *   expense  actual                15,050
 *   expense  per diem 2 x 250.00   50,000
 *   total                         100,029 = 1,000.29 EUR
 * (rounding the unrounded sum would give 100,028: lines are rounded first.)
 * Internal time, time dated after the period and invoiced time are left out.
 */
static void test_monthly(void **state)
{
    struct agreement ag = advanced(INVOICING_MONTHLY, "2026-01-01", "2026-06-30", 12345);
    struct time_entry t[] = {
        {1, 1, 0, 1, 5, 90, TIME_INCLUDED, day("2026-01-05"), "analysis", 0, 0},
        {2, 1, 0, 1, 5, 50, TIME_INCLUDED, day("2026-01-20"), "workshop", 0, 0},
        {3, 1, 7, 1, 5, 30, TIME_BILLABLE, day("2026-01-22"), "customer error", 0, 0},
        {4, 1, 0, 1, 5, 60, TIME_INTERNAL, day("2026-01-23"), "team meeting", 0, 0},
        {5, 1, 0, 1, 5, 45, TIME_INCLUDED, day("2026-02-02"), "february", 0, 0},
        {6, 1, 0, 1, 5, 45, TIME_BILLABLE, day("2026-01-02"), "billed before", 9, 0},
    };
    struct expense e[] = {
        {1, 1, EXPENSE_ACTUAL, 15050, 0, "train tickets", day("2026-01-10"), 0, 0, 0},
        {2, 1, EXPENSE_PER_DIEM, 50000, 2, "on site", day("2026-01-11"), 0, 0, 0},
    };
    struct invoice_input in = {&ag,          "EUR", ag.rate, day("2026-01-01"), day("2026-01-31"),
                               NULL,         0,     t,       ARRAY_SIZE(t),     e,
                               ARRAY_SIZE(e), NULL, 0};
    struct arena a = ARENA_INIT;
    struct invoice inv;

    (void)state;
    ag.per_diem_rate = 25000;
    build(&in, &inv, &a);
    assert_int_equal(inv.nlines, 5);
    assert_int_equal(inv.lines[0].kind, LINE_WORK);
    assert_int_equal(inv.lines[0].amount, 18518);
    assert_int_equal(inv.lines[0].unit, UNIT_MINUTE);
    assert_int_equal(inv.lines[0].source, SRC_TIME);
    assert_int_equal(inv.lines[0].source_id, 1);
    assert_int_equal(inv.lines[1].amount, 10288);
    assert_int_equal(inv.lines[2].kind, LINE_TIME);
    assert_int_equal(inv.lines[2].amount, 6173);
    assert_string_equal(inv.lines[2].description, "Billable time, request #7: customer error");
    assert_int_equal(inv.lines[3].kind, LINE_EXPENSE);
    assert_int_equal(inv.lines[3].amount, 15050);
    assert_int_equal(inv.lines[4].unit, UNIT_DAY);
    assert_int_equal(inv.lines[4].quantity, 2);
    assert_int_equal(inv.lines[4].unit_price, 25000);
    assert_int_equal(inv.lines[4].amount, 50000);
    assert_int_equal(inv.total, 100029);
    arena_release(&a);
}

/*
 * Phase invoicing, 2026 project at 100.00 an hour:
 *   Q1: Design reached 15 March                     5,000.00
 *   Q2: change order +20 h signed 10 April          2,000.00
 *       Build reached 30 June                      12,000.00   total 14,000.00
 *   Q3: nothing reached (Go-live pending): no lines
 * Included time is inside the phases' price: never a line.
 */
static void test_phases(void **state)
{
    struct agreement ag = advanced(INVOICING_PHASES, "2026-01-01", "2026-12-31", 10000);
    struct phase ph[] = {{"Design", 500000, day("2026-03-15")},
                         {"Build", 1200000, day("2026-06-30")},
                         {"Go-live", 300000, DATE_NONE}};
    struct change_order co[] = {
        {4, 1, 1200, "extra interface", CO_CURRENT_YEAR, CO_SIGNED, day("2026-04-10"), 1, 0, {{0}}, NULL, 0},
        {5, 1, -600, "fewer trainings", CO_CURRENT_YEAR, CO_SIGNED, day("2026-05-10"), 1, 0, {{0}}, NULL, 0},
    };
    struct time_entry t[] = {
        {1, 1, 0, 1, 5, 600, TIME_INCLUDED, day("2026-04-05"), "build", 0, 0},
    };
    struct invoice_input in = {&ag, "EUR",          ag.rate, day("2026-01-01"), day("2026-03-31"),
                               co,  ARRAY_SIZE(co), t,       ARRAY_SIZE(t),     NULL,
                               0, NULL, 0};
    struct arena a = ARENA_INIT;
    struct invoice inv;

    (void)state;
    ag.phases = ph;
    ag.nphases = ARRAY_SIZE(ph);
    build(&in, &inv, &a);
    assert_int_equal(inv.nlines, 1);
    assert_int_equal(inv.lines[0].kind, LINE_PHASE);
    assert_string_equal(inv.lines[0].description, "Phase 1 reached: Design");
    assert_int_equal(inv.total, 500000);
    in.period_start = day("2026-04-01");
    in.period_end = day("2026-06-30");
    build(&in, &inv, &a);
    assert_int_equal(inv.nlines, 2);
    assert_int_equal(inv.lines[0].kind, LINE_CHANGE_ORDER);
    assert_int_equal(inv.lines[0].amount, 200000);
    assert_int_equal(inv.lines[1].amount, 1200000);
    assert_int_equal(inv.total, 1400000);
    in.period_start = day("2026-07-01");
    in.period_end = day("2026-09-30");
    build(&in, &inv, &a);
    assert_int_equal(inv.nlines, 0);
    assert_int_equal(inv.total, 0);
    arena_release(&a);
}

/*
 * Invoicing at the end: 100 h + 10 h - 5 h by signed change orders (a
 * proposed one does not count) = 105 h at 90.00 = 9,450.00, on the invoice
 * whose period holds ends_on; May's invoice has no project line.
 */
static void test_end(void **state)
{
    struct agreement ag = advanced(INVOICING_END, "2026-01-01", "2026-06-30", 9000);
    struct change_order co[] = {
        {1, 1, 600, "more", CO_CURRENT_YEAR, CO_SIGNED, day("2026-02-01"), 1, 0, {{0}}, NULL, 0},
        {2, 1, -300, "less", CO_CURRENT_YEAR, CO_SIGNED, day("2026-03-01"), 1, 0, {{0}}, NULL, 0},
        {3, 1, 6000, "proposed", CO_CURRENT_YEAR, CO_PROPOSED, DATE_NONE, 0, 0, {{0}}, NULL, 0},
    };
    struct invoice_input in = {
        &ag, "EUR", ag.rate, day("2026-05-01"), day("2026-05-31"), co, ARRAY_SIZE(co), NULL,
        0,   NULL,  0, NULL, 0};
    struct arena a = ARENA_INIT;
    struct invoice inv;

    (void)state;
    build(&in, &inv, &a);
    assert_int_equal(inv.nlines, 0);
    in.period_start = day("2026-06-01");
    in.period_end = day("2026-06-30");
    build(&in, &inv, &a);
    assert_int_equal(inv.nlines, 1);
    assert_int_equal(inv.lines[0].kind, LINE_PROJECT);
    assert_int_equal(inv.lines[0].quantity, 105 * 60);
    assert_int_equal(inv.lines[0].amount, 945000);
    assert_int_equal(inv.total, 945000);
    arena_release(&a);
}

/*
 * Enhanced, from 15 July 2025, 24,000.00 a year at 100.00 an hour for extra hours:
 *   Jan-Mar 2026: +10 h for the current year signed 1 Feb       1,000.00
 *   July 2026:    annual fee, year 2026-07-15 .. 2027-07-14    24,000.00
 *                 +20 h for the following years (signed 2025)   2,000.00   total 26,000.00
 */
static void test_enhanced_fees(void **state)
{
    struct agreement ag = {0};
    struct change_order co[] = {
        {1, 1, 1200, "more from next year", CO_FOLLOWING_YEARS, CO_SIGNED, day("2025-11-01"), 1, 0, {{0}}, NULL, 0},
        {2, 1, 600, "more now", CO_CURRENT_YEAR, CO_SIGNED, day("2026-02-01"), 1, 0, {{0}}, NULL, 0},
    };
    struct invoice_input in = {
        &ag, "EUR", 10000, day("2026-01-01"), day("2026-03-31"), co, ARRAY_SIZE(co), NULL,
        0,   NULL,  0, NULL, 0};
    struct arena a = ARENA_INIT;
    struct invoice inv;

    (void)state;
    ag.kind = AK_ENHANCED;
    ag.status = AS_SIGNED;
    ag.starts_on = day("2025-07-15");
    ag.ends_on = DATE_NONE;
    ag.annual_fee = 2400000;
    ag.rate = 10000;
    ag.hours_minutes = 50 * 60;
    build(&in, &inv, &a);
    assert_int_equal(inv.nlines, 1);
    assert_int_equal(inv.lines[0].amount, 100000);
    in.period_start = day("2026-07-01");
    in.period_end = day("2026-07-31");
    build(&in, &inv, &a);
    assert_int_equal(inv.nlines, 2);
    assert_int_equal(inv.lines[0].kind, LINE_FEE);
    assert_string_equal(inv.lines[0].description,
                        "Annual fee, agreement year 2026-07-15 to 2027-07-14");
    assert_int_equal(inv.lines[0].on, day("2026-07-15"));
    assert_int_equal(inv.lines[1].kind, LINE_CHANGE_ORDER);
    assert_int_equal(inv.lines[1].amount, 200000);
    assert_int_equal(inv.total, 2600000);
    /* two years in one period: two fees */
    in.period_start = day("2026-07-01");
    in.period_end = day("2027-07-31");
    build(&in, &inv, &a);
    assert_int_equal(inv.total, 2 * 2600000);
    arena_release(&a);
}

/* Without an agreement: billable time at the default rate, in JPY (no minor unit) and KWD. */
static void test_currencies(void **state)
{
    struct time_entry t[] = {
        {1, 1, 3, 0, 5, 90, TIME_BILLABLE, day("2026-03-02"), "", 0, 0},
        {2, 1, 4, 0, 5, 20, TIME_BILLABLE, day("2026-03-03"), "", 0, 0},
        {3, 1, 4, 0, 5, 20, TIME_INCLUDED, day("2026-03-03"), "", 0, 0},
    };
    struct invoice_input in = {NULL, "JPY", 5001, day("2026-03-01"), day("2026-03-31"),
                               NULL, 0,     t,    ARRAY_SIZE(t),     NULL,
                               0, NULL, 0};
    struct arena a = ARENA_INIT;
    struct strbuf err = STRBUF_INIT;
    struct invoice inv;

    (void)state;
    build(&in, &inv, &a);
    assert_int_equal(inv.nlines, 2);
    assert_int_equal(inv.lines[0].amount, 7502); /* 7,501.5 yen -> 7,502 */
    assert_int_equal(inv.lines[1].amount, 1667); /* 1,667.0 */
    assert_string_equal(inv.currency, "JPY");
    in.currency = "KWD";
    in.rate = 1001; /* 1.001 KWD an hour */
    build(&in, &inv, &a);
    assert_int_equal(inv.lines[0].amount, 1502); /* 1,501.5 fils -> 1.502 */
    assert_int_equal(inv.lines[1].amount, 334);  /* 333.67 fils -> 0.334 */
    assert_int_equal(inv.total, 1836);
    in.period_end = day("2026-02-28");
    assert_int_equal(invoice_build(&in, &inv, &a, &err), DESK_EINVAL);
    assert_string_equal(err.buf, "period_end is before period_start");
    in.currency = "XXX";
    assert_int_equal(invoice_build(&in, &inv, &a, NULL), DESK_EINVAL);
    strbuf_release(&err);
    arena_release(&a);
}

static void test_numbers(void **state)
{
    char n[INVOICE_NUMBER_LEN];

    (void)state;
    invoice_number(2026, 1, n);
    assert_string_equal(n, "2026-0001");
    invoice_number(2026, 42, n);
    assert_string_equal(n, "2026-0042");
    invoice_number(2027, 12345, n);
    assert_string_equal(n, "2027-12345");
}

/*
 * The yearly invoice of 2027: a maintenance agreement from 1 Jan 2026 (12,000.00 a year), an
 * enhanced one from 1 Apr 2026 (24,000.00) and two add-ons: API access from 1 Mar 2026 at
 * 1,500.00 (its year 2027-03-01 starts in the period) and live chat from 1 Feb 2026 ended on
 * 31 Dec 2026 (no year of it starts in 2027).
 */
static void test_yearly(void **state)
{
    struct agreement m = {0}, e = {0};
    struct addon ads[] = {
        {1, 1, 9, "API access", "api_access", day("2026-03-01"), DATE_NONE, "EUR", 150000, "", 0,
         0},
        {2, 1, 10, "Live chat", "live_chat", day("2026-02-01"), day("2026-12-31"), "EUR", 90000,
         "", 0, 0},
    };
    struct invoice_input parts[3] = {
        {.agreement = &m, .currency = "EUR"},
        {.agreement = &e, .currency = "EUR"},
        {.currency = "EUR", .addons = ads, .naddons = ARRAY_SIZE(ads)},
    };
    struct strbuf err = STRBUF_INIT;
    struct arena a = ARENA_INIT;
    struct invoice inv;

    (void)state;
    m = (struct agreement){.id = 1, .kind = AK_MAINTENANCE, .status = AS_SIGNED,
                           .starts_on = day("2026-01-01"), .ends_on = DATE_NONE,
                           .annual_fee = 1200000};
    e = (struct agreement){.id = 2, .kind = AK_ENHANCED, .status = AS_SIGNED,
                           .starts_on = day("2026-04-01"), .ends_on = DATE_NONE,
                           .annual_fee = 2400000};
    for (size_t i = 0; i < 3; i++) {
        parts[i].period_start = day("2027-01-01");
        parts[i].period_end = day("2027-12-31");
    }
    assert_int_equal(invoice_build_combined(parts, 3, &inv, &a, &err), 0);
    assert_int_equal(inv.nlines, 3);
    assert_int_equal(inv.lines[0].kind, LINE_FEE);
    assert_int_equal(inv.lines[0].on, day("2027-01-01"));
    assert_int_equal(inv.lines[1].kind, LINE_FEE);
    assert_int_equal(inv.lines[1].on, day("2027-04-01"));
    assert_int_equal(inv.lines[2].kind, LINE_ADDON);
    assert_int_equal(inv.lines[2].on, day("2027-03-01"));
    assert_string_equal(inv.lines[2].description, "Add-on: API access, year 2027-03-01 to 2028-02-29");
    assert_int_equal(inv.total, 1200000 + 2400000 + 150000);
    /* a part in another currency is a conflict that names it */
    parts[1].currency = "DKK";
    assert_int_equal(invoice_build_combined(parts, 3, &inv, &a, &err), DESK_ECONFLICT);
    assert_non_null(strstr(err.buf, "agreement 2 is in DKK"));
    strbuf_release(&err);
    arena_release(&a);
}

SUITE(invoice, cmocka_unit_test(test_monthly), cmocka_unit_test(test_phases),
      cmocka_unit_test(test_end), cmocka_unit_test(test_enhanced_fees),
      cmocka_unit_test(test_currencies), cmocka_unit_test(test_numbers),
      cmocka_unit_test(test_yearly))
