#include "test.h"
#include "core/time.h"

static int64_t ts(const char *s)
{
    int64_t t = 0;
    assert_int_equal(time_parse_rfc3339(s, strlen(s), &t, NULL), 0);
    return t;
}

static void test_rfc3339(void **state)
{
    char out[TIME_RFC3339_LEN];
    int64_t t;

    (void)state;
    assert_int_equal(ts("1970-01-01T00:00:00Z"), 0);
    /* 2026-11-20 is day 20777 since the epoch: 20777 * 86400 + 13 h */
    assert_int_equal(ts("2026-11-20T14:00:00+01:00"), 20777LL * 86400 + 13 * 3600);
    assert_int_equal(ts("2026-11-20T13:00:00.987654Z"), 20777LL * 86400 + 13 * 3600);
    assert_int_equal(ts("2026-11-20t08:30:00-04:30"), 20777LL * 86400 + 13 * 3600);
    time_format_rfc3339(20777LL * 86400 + 13 * 3600 + 61, out);
    assert_string_equal(out, "2026-11-20T13:01:01Z");
    time_format_rfc3339(-1, out);
    assert_string_equal(out, "1969-12-31T23:59:59Z");
    assert_int_not_equal(time_parse_rfc3339("2026-11-20T14:00:00", 19, &t, NULL), 0);
    assert_int_not_equal(time_parse_rfc3339("2026-02-29T14:00:00Z", 20, &t, NULL), 0);
    assert_int_not_equal(time_parse_rfc3339("2026-11-20T24:00:00Z", 20, &t, NULL), 0);
    assert_int_not_equal(time_parse_rfc3339("2026-11-20T14:00:00+1:00", 24, &t, NULL), 0);
    assert_int_not_equal(time_parse_rfc3339("2026-11-20T14:00:00.Z", 21, &t, NULL), 0);
    assert_int_not_equal(time_parse_rfc3339("2026-12-31T23:59:60Z", 20, &t, NULL), 0);
}

static void test_dates(void **state)
{
    char out[DATE_LEN];
    int64_t d, y;
    unsigned m, dd;

    (void)state;
    assert_int_equal(date_parse("2024-02-29", 10, &d), 0);
    date_format(d, out);
    assert_string_equal(out, "2024-02-29");
    assert_int_equal(weekday_from_days(d), 3); /* a Thursday */
    assert_int_not_equal(date_parse("2023-02-29", 10, &d), 0);
    assert_int_not_equal(date_parse("2023-13-01", 10, &d), 0);
    assert_int_not_equal(date_parse("2023-1-01", 9, &d), 0);
    for (d = -800000; d < 800000; d += 997) {
        civil_from_days(d, &y, &m, &dd);
        assert_int_equal(days_from_civil(y, m, dd), d);
    }
    assert_int_equal(weekday_from_days(days_from_civil(2026, 11, 22)), 6); /* Sunday */
    assert_int_equal(days_in_month(2100, 2), 28);
    assert_int_equal(days_in_month(2000, 2), 29);
    {
        int64_t v[] = {5, -3, 5, 20000, -3, 7};
        assert_int_equal(days_sort_unique(v, ARRAY_SIZE(v)), 4);
        assert_int_equal(v[0], -3);
        assert_int_equal(v[1], 5);
        assert_int_equal(v[2], 7);
        assert_int_equal(v[3], 20000);
        assert_int_equal(days_sort_unique(v, 0), 0);
    }
}

static void test_format_offset(void **state)
{
    char out[TIME_LOCAL_LEN];
    int64_t t = ts("2026-11-23T07:00:00Z");

    (void)state;
    time_format_rfc3339_offset(t, 3600, out);
    assert_string_equal(out, "2026-11-23T08:00:00+01:00");
    time_format_rfc3339_offset(t, -(4 * 3600 + 30 * 60), out);
    assert_string_equal(out, "2026-11-23T02:30:00-04:30");
    time_format_rfc3339_offset(t, 0, out);
    assert_string_equal(out, "2026-11-23T07:00:00+00:00");
    time_format_rfc3339_offset(t, 37800, out); /* Lord Howe, +10:30 */
    assert_string_equal(out, "2026-11-23T17:30:00+10:30");
    time_format_rfc3339_offset(t, -2670, out); /* Monrovia 1971, -00:44:30: shown in UTC */
    assert_string_equal(out, "2026-11-23T07:00:00Z");
    /* every format parses back to the same instant */
    for (int64_t u = -86400LL * 400; u < 86400LL * 366 * 140; u += 86400 * 7 + 3607) {
        time_format_rfc3339_offset(u, -18000, out);
        assert_int_equal(ts(out), u);
        time_format_rfc3339(u, out);
        assert_int_equal(ts(out), u);
    }
}

static void test_utc_text(void **state)
{
    char out[TIME_UTC_TEXT_LEN];

    (void)state;
    time_format_utc_text(20777LL * 86400 + 13 * 3600 + 61, out);
    assert_string_equal(out, "2026-11-20 13:01 UTC");
}

SUITE(time, cmocka_unit_test(test_rfc3339), cmocka_unit_test(test_utc_text), cmocka_unit_test(test_dates),
      cmocka_unit_test(test_format_offset))
