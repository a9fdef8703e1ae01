/*
 * t-holidays.c - holiday dates from iCalendar text.
 */
#include "core/err.h"
#include "core/strbuf.h"
#include "core/time.h"
#include "domain/holidays.h"
#include "test.h"

#define BEGIN "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//svcdesk//test//EN\r\n"
#define END "END:VCALENDAR\r\n"
#define EVENT(uid, body)                                                                           \
    "BEGIN:VEVENT\r\nUID:" uid "\r\nDTSTAMP:20250101T000000Z\r\n" body "END:VEVENT\r\n"

static int64_t day(const char *s)
{
    int64_t d = 0;

    assert_int_equal(date_parse(s, strlen(s), &d), 0);
    return d;
}

/* Import ics with today = `today` and compare with the comma-separated dates `want`. */
static void expect_dates(const char *ics, const char *today, const char *want)
{
    struct strbuf got = STRBUF_INIT, err = STRBUF_INIT;
    int64_t *days = NULL;
    size_t nr = 0;

    if (holidays_from_ics(ics, strlen(ics), day(today), &days, &nr, &err) < 0)
        fail_msg("refused: %s", err.buf);
    for (size_t i = 0; i < nr; i++) {
        char d[DATE_LEN];
        date_format(days[i], d);
        strbuf_addf(&got, "%s%s", i ? "," : "", d);
    }
    assert_string_equal(got.buf, want);
    free(days);
    strbuf_release(&got);
    strbuf_release(&err);
}

static void expect_error(const char *ics, const char *want)
{
    struct strbuf err = STRBUF_INIT;
    int64_t *days = NULL;
    size_t nr = 0;

    assert_int_equal(holidays_from_ics(ics, strlen(ics), day("2026-06-01"), &days, &nr, &err),
                     DESK_EINVAL);
    assert_null(days);
    assert_string_equal(err.buf, want);
    strbuf_release(&err);
}

static void test_single_and_multi_day(void **state)
{
    (void)state;
    /* one day each, out of order and repeated: sorted, once each */
    expect_dates(BEGIN EVENT("a", "DTSTART;VALUE=DATE:20261225\r\n")
                     EVENT("b", "DTSTART;VALUE=DATE:20261224\r\nSUMMARY:Christmas Eve\r\n")
                         EVENT("c", "DTSTART;VALUE=DATE:20261225\r\n") END,
                 "2026-06-01", "2026-12-24,2026-12-25");
    /* DTEND is excluded: 24 to 27 gives 24, 25, 26; DURATION P2D gives two days */
    expect_dates(BEGIN EVENT("a", "DTSTART;VALUE=DATE:20261224\r\nDTEND;VALUE=DATE:20261227\r\n")
                     EVENT("b", "DTSTART;VALUE=DATE:20260101\r\nDURATION:P2D\r\n") END,
                 "2026-06-01", "2026-01-01,2026-01-02,2026-12-24,2026-12-25,2026-12-26");
    /* timed and cancelled events are not holidays */
    expect_dates(BEGIN EVENT("a", "DTSTART:20261224T120000Z\r\nDTEND:20261224T170000Z\r\n")
                     EVENT("b", "DTSTART;VALUE=DATE:20261231\r\nSTATUS:CANCELLED\r\n")
                         EVENT("c", "DTSTART;VALUE=DATE:20260501\r\n") END,
                 "2026-06-01", "2026-05-01");
}

static void test_repeats(void **state)
{
    (void)state;
    /* yearly from 2030 with today 2026-06-01: up to 2036-06-01, so 2030 to 2036 */
    expect_dates(BEGIN EVENT("ny", "DTSTART;VALUE=DATE:20300101\r\nRRULE:FREQ=YEARLY\r\n") END,
                 "2026-06-01",
                 "2030-01-01,2031-01-01,2032-01-01,2033-01-01,2034-01-01,2035-01-01,2036-01-01");
    /* EXDATE removes 2032; COUNT=4 stops at 2033 */
    expect_dates(BEGIN EVENT("ny", "DTSTART;VALUE=DATE:20300101\r\nRRULE:FREQ=YEARLY;COUNT=4\r\n"
                                   "EXDATE;VALUE=DATE:20320101\r\n") END,
                 "2026-06-01", "2030-01-01,2031-01-01,2033-01-01");
    /* the fourth Thursday of November, two days long, until 2027 */
    expect_dates(BEGIN EVENT("tg", "DTSTART;VALUE=DATE:20251127\r\nDTEND;VALUE=DATE:20251129\r\n"
                                   "RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=4TH;UNTIL=20271231\r\n") END,
                 "2026-06-01", "2025-11-27,2025-11-28,2026-11-26,2026-11-27,2027-11-25,2027-11-26");
    /* RDATE adds a date; a RECURRENCE-ID override moves 2027-05-01 to 2027-05-03 */
    expect_dates(BEGIN EVENT("may", "DTSTART;VALUE=DATE:20260501\r\nRRULE:FREQ=YEARLY;COUNT=3\r\n"
                                    "RDATE;VALUE=DATE:20260605\r\n")
                     EVENT("may", "RECURRENCE-ID;VALUE=DATE:20270501\r\n"
                                  "DTSTART;VALUE=DATE:20270503\r\n") END,
                 "2026-06-01", "2026-05-01,2026-06-05,2027-05-03,2028-05-01");
    /* today 29 February 2028: ten years ahead is 28 February 2038 */
    expect_dates(BEGIN EVENT("x", "DTSTART;VALUE=DATE:20360228\r\nRRULE:FREQ=YEARLY\r\n") END,
                 "2028-02-29", "2036-02-28,2037-02-28,2038-02-28");
}

static void test_errors(void **state)
{
    struct strbuf big = STRBUF_INIT, err = STRBUF_INIT;
    int64_t *days = NULL;
    size_t nr;

    (void)state;
    expect_error("hello", "not an iCalendar file (expected BEGIN:VCALENDAR ... END:VCALENDAR)");
    expect_error("", "not an iCalendar file (expected BEGIN:VCALENDAR ... END:VCALENDAR)");
    expect_error(BEGIN EVENT("x", "SUMMARY:no start\r\n") END, "VEVENT 1 ('x'): no DTSTART");
    expect_error(BEGIN EVENT("a", "DTSTART;VALUE=DATE:20260101\r\n")
                     EVENT("h", "DTSTART;VALUE=DATE:20260101\r\nRRULE:FREQ=HOURLY\r\n") END,
                 "VEVENT 2 ('h'): RRULE repeats more often than daily");
    expect_error(BEGIN EVENT("d", "DTSTART;VALUE=DATE:20000101\r\nRRULE:FREQ=DAILY\r\n") END,
                 "more than 10000 holiday dates");
    strbuf_addstr(&big, BEGIN);
    while (big.len <= HOLIDAYS_MAX_ICS)
        strbuf_addstr(&big, "X-FILLER:0123456789012345678901234567890123456789\r\n");
    assert_int_equal(holidays_from_ics(big.buf, big.len, 0, &days, &nr, &err), DESK_EINVAL);
    assert_non_null(strstr(err.buf, "more than 1048576"));
    strbuf_release(&big);
    strbuf_release(&err);
}

/* Easter Sundays from published tables; Danish holidays of 2026 and 2027 by hand. */
static void test_easter_and_denmark(void **state)
{
    int64_t out[16];
    char d[DATE_LEN];
    size_t n;

    (void)state;
    assert_int_equal(easter_sunday(2026), days_from_civil(2026, 4, 5));
    assert_int_equal(easter_sunday(2027), days_from_civil(2027, 3, 28));
    assert_int_equal(easter_sunday(2028), days_from_civil(2028, 4, 16));
    assert_int_equal(easter_sunday(2038), days_from_civil(2038, 4, 25)); /* the latest */
    assert_int_equal(easter_sunday(2285), days_from_civil(2285, 3, 22)); /* the earliest */
    n = holidays_denmark(2026, out, 16);
    assert_int_equal(n, 11);
    /* Maundy Thursday 2 Apr, Good Friday 3 Apr, Easter Monday 6 Apr, Ascension 14 May,
       Whit Monday 25 May: as in the vectors' Copenhagen calendar */
    date_format(out[1], d);
    assert_string_equal(d, "2026-04-02");
    date_format(out[4], d);
    assert_string_equal(d, "2026-05-14");
    date_format(out[5], d);
    assert_string_equal(d, "2026-05-25");
    date_format(out[6], d);
    assert_string_equal(d, "2026-06-05");
    date_format(out[10], d);
    assert_string_equal(d, "2026-12-31");
    n = holidays_denmark(2027, out, 16);
    date_format(out[3], d);
    assert_string_equal(d, "2027-03-29"); /* Easter Monday */
    assert_int_equal(holidays_denmark(2027, out, 3), 3);
}

SUITE(holidays, cmocka_unit_test(test_easter_and_denmark), cmocka_unit_test(test_single_and_multi_day), cmocka_unit_test(test_repeats),
      cmocka_unit_test(test_errors))
