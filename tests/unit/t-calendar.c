/*
 * t-calendar.c - the calendar's JSON form: validation messages, merging,
 * the canonical form, limits, and the compiled weeks.
 */
#include "core/err.h"
#include "core/strbuf.h"
#include "core/time.h"
#include "domain/calendar.h"
#include "domain/policy.h"
#include "fixture.h"
#include "test.h"

/* Parse json, which must fail with exactly `want`. */
static void expect_error(const char *json, const char *want)
{
    struct strbuf err = STRBUF_INIT;
    struct calendar *cal = NULL;

    assert_int_equal(calendar_parse(json, strlen(json), &cal, &err), DESK_EINVAL);
    assert_null(cal);
    assert_string_equal(err.buf, want);
    strbuf_release(&err);
}

#define TZ "\"timezone\":\"Europe/Copenhagen\""

static void test_errors_name_field_and_value(void **state)
{
    (void)state;
    expect_error("{" TZ ",\"hours\":{\"fri\":[\"14:30-08:00\"]}}",
                 "hours.fri[0]: end 08:00 is not after start 14:30");
    expect_error("{\"timezone\":\"Mars/Base\",\"hours\":{\"mon\":[\"08:00-16:00\"]}}",
                 "timezone: unknown time zone 'Mars/Base'");
    expect_error("{" TZ ",\"hours\":{\"mon\":[\"08:00-16:00\"]},\"holidays\":[\"2026-01-01\","
                 "\"2026-01-02\",\"2026-01-03\",\"2026-02-30\"]}",
                 "holidays[3]: '2026-02-30' is not a date");
    expect_error("{" TZ ",\"hourz\":{}}",
                 "hourz: unknown field (expected timezone, hours, holidays)");
    expect_error("{" TZ ",\"hours\":{\"mnd\":[\"08:00-16:00\"]}}",
                 "hours.mnd: unknown day (expected mon, tue, wed, thu, fri, sat, sun)");
    expect_error("{" TZ ",\"hours\":{\"mon\":[\"08:00-16:00\",\"8-16\"]}}",
                 "hours.mon[1]: '8-16' is not HH:MM-HH:MM");
    expect_error("{" TZ ",\"hours\":{\"mon\":[\"24:00-24:00\"]}}",
                 "hours.mon[0]: start 24:00 is not a time of day");
    expect_error("{" TZ ",\"hours\":{\"mon\":[\"08:00-24:30\"]}}",
                 "hours.mon[0]: end 24:30 is not a time of day (00:00-24:00)");
    expect_error("{" TZ ",\"hours\":{\"mon\":[\"08:60-09:00\"]}}",
                 "hours.mon[0]: start 08:60 is not a time of day");
    expect_error("{" TZ ",\"hours\":{\"mon\":[\"08:00-08:00\"]}}",
                 "hours.mon[0]: end 08:00 is not after start 08:00");
    expect_error("{" TZ ",\"hours\":{\"mon\":[800]}}",
                 "hours.mon[0]: expected a string like \"08:00-16:00\"");
    expect_error("{" TZ ",\"hours\":{\"mon\":\"08:00-16:00\"}}",
                 "hours.mon: expected a list of \"HH:MM-HH:MM\" strings");
    expect_error("{" TZ ",\"hours\":[]}",
                 "hours: expected an object like {\"mon\": [\"08:00-16:00\"]}");
    expect_error("{" TZ "}", "hours: missing");
    expect_error("{\"hours\":{\"mon\":[\"08:00-16:00\"]}}", "timezone: missing");
    expect_error("{\"timezone\":1,\"hours\":{}}",
                 "timezone: expected a string like \"Europe/Copenhagen\"");
    expect_error("[]", "calendar: expected a JSON object");
    expect_error("{" TZ ",\"hours\":{\"mon\":[\"08:00-16:00\"]},\"holidays\":\"2026-01-01\"}",
                 "holidays: expected a list of \"YYYY-MM-DD\" dates");
    expect_error("{" TZ ",\"hours\":{\"mon\":[\"08:00-16:00\"]},\"holidays\":[20260101]}",
                 "holidays[0]: expected a date string \"YYYY-MM-DD\"");
    expect_error(
        "{\"timezone\":\"UTC\",\"timezone\":\"UTC\"}",
        "calendar: invalid JSON at line 1, column 28: duplicate object key near '\"timezone\"'");
}

static void test_no_working_hours(void **state)
{
    (void)state;
    expect_error("{" TZ ",\"hours\":{}}", "hours: no working interval on any day");
    expect_error("{" TZ ",\"hours\":{\"mon\":[],\"tue\":null}}",
                 "hours: no working interval on any day");
}

static void test_limits(void **state)
{
    struct strbuf json = STRBUF_INIT, err = STRBUF_INIT;
    struct calendar *cal = NULL;

    (void)state;
    strbuf_addstr(&json, "{" TZ ",\"hours\":{\"mon\":[");
    for (int i = 0; i < 17; i++)
        strbuf_addf(&json, "%s\"%02d:00-%02d:30\"", i ? "," : "", i, i);
    strbuf_addstr(&json, "]}}");
    expect_error(json.buf, "hours.mon: 17 intervals, more than 16");
    strbuf_reset(&json);
    strbuf_addstr(&json, "{" TZ ",\"hours\":{\"mon\":[\"08:00-16:00\"]},\"holidays\":[");
    for (int i = 0; i < CAL_MAX_HOLIDAYS + 1; i++) {
        char d[DATE_LEN];
        date_format(20000 + i, d);
        strbuf_addf(&json, "%s\"%s\"", i ? "," : "", d);
    }
    strbuf_addstr(&json, "]}");
    expect_error(json.buf, "holidays: 10001 dates, more than 10000");
    assert_int_equal(calendar_parse(json.buf, CAL_MAX_JSON + 1, &cal, &err), DESK_EINVAL);
    assert_string_equal(err.buf, "calendar: 1048577 bytes, more than 1048576");
    strbuf_release(&json);
    strbuf_release(&err);
}

static void test_canonical_form(void **state)
{
    struct calendar *cal = fx_calendar(
        "{\"holidays\":[\"2026-12-25\",\"2026-12-24\",\"2026-12-25\"],\"hours\":{\"fri\":"
        "[\"13:00-14:30\",\"08:00-12:00\",\"11:00-13:00\"],\"mon\":[\"22:00-24:00\",\"08:00-16:"
        "00\"],"
        "\"sat\":null,\"sun\":[]}," TZ "}");
    struct strbuf out = STRBUF_INIT, again = STRBUF_INIT;
    struct calendar *back;
    const struct cal_interval *iv;

    (void)state;
    calendar_to_json(cal, &out);
    assert_string_equal(out.buf, "{\"timezone\":\"Europe/Copenhagen\",\"hours\":{"
                                 "\"mon\":[\"08:00-16:00\",\"22:00-24:00\"],"
                                 "\"fri\":[\"08:00-14:30\"]},"
                                 "\"holidays\":[\"2026-12-24\",\"2026-12-25\"]}");
    /* touching intervals merge too: 08:00-12:00, 11:00-13:00, 13:00-14:30 is one */
    assert_int_equal(calendar_hours(cal, 4, &iv), 1);
    assert_int_equal(iv[0].start, 8 * 3600);
    assert_int_equal(iv[0].end, 14 * 3600 + 1800);
    assert_int_equal(calendar_hours(cal, 0, &iv), 2);
    assert_int_equal(iv[1].end, 86400);
    assert_true(calendar_is_holiday(cal, days_from_civil(2026, 12, 24)));
    assert_false(calendar_is_holiday(cal, days_from_civil(2026, 12, 23)));
    /* the canonical form parses back to itself */
    back = fx_calendar(out.buf);
    calendar_to_json(back, &again);
    assert_string_equal(out.buf, again.buf);
    calendar_free(back);
    calendar_free(cal);
    strbuf_release(&out);
    strbuf_release(&again);
}

/* The compiled weeks cover the supported years, and their spans add up. */
static void test_weeks(void **state)
{
    struct calendar *cal = fx_calendar_file(FX_DATA "sla-vectors/support-copenhagen.json");
    struct cal_span sp[CAL_WEEK_MAX_SPANS];
    const struct cal_week *wk;
    size_t nr;

    (void)state;
    wk = calendar_weeks(cal, &nr);
    assert_true(wk[0].start <= CAL_TIME_MIN);
    assert_true(wk[nr].start >= CAL_TIME_MAX);
    for (size_t w = 0; w < nr; w++) {
        size_t n = calendar_week_spans(cal, w, sp);
        int64_t work = 0;
        for (size_t i = 0; i < n; i++) {
            assert_true(sp[i].start < sp[i].end);
            assert_true(i == 0 || sp[i - 1].end <= sp[i].start);
            work += sp[i].end - sp[i].start;
        }
        assert_true(n == 0 || (sp[0].start >= wk[w].start && sp[n - 1].end <= wk[w + 1].start));
        assert_int_equal(wk[w + 1].cum - wk[w].cum, work);
    }
    /* a normal week: 4 x 8 h + 6.5 h */
    assert_int_equal(wk[2920].cum - wk[2919].cum, 38 * 3600 + 1800);
    calendar_free(cal);
}

/* The default support hours of `svcdesk init`: Mon-Thu 08:00-16:00, Fri 08:00-14:30, closed
 * weekends. */
static void test_default_support_hours(void **state)
{
    static const int32_t ends[7] = {16 * 3600, 16 * 3600, 16 * 3600, 16 * 3600, 14 * 3600 + 1800};
    struct strbuf err = STRBUF_INIT;
    const struct cal_interval *iv;
    struct calendar *cal = NULL;
    struct sla_policy p = {0};

    (void)state;
    assert_int_equal(calendar_parse(policy_default_calendar_json,
                                    strlen(policy_default_calendar_json), &cal, &err),
                     0);
    for (int d = 0; d < 7; d++) {
        size_t n = calendar_hours(cal, d, &iv);
        assert_int_equal(n, d < 5 ? 1 : 0);
        if (n) {
            assert_int_equal(iv[0].start, 8 * 3600);
            assert_int_equal(iv[0].end, ends[d]);
        }
    }
    calendar_free(cal);
    strbuf_release(&err);
    policy_defaults(&p); /* and its policy: A 4, B 8, C 16, D 16 working hours */
    assert_int_equal(p.target[LEVEL_A].secs[TARGET_RESPONSE], 4 * 3600);
    assert_int_equal(p.target[LEVEL_B].secs[TARGET_RESPONSE], 8 * 3600);
    assert_int_equal(p.target[LEVEL_C].secs[TARGET_RESPONSE], 16 * 3600);
    assert_int_equal(p.target[LEVEL_D].secs[TARGET_RESPONSE], 16 * 3600);
}

SUITE(calendar, cmocka_unit_test(test_errors_name_field_and_value),
      cmocka_unit_test(test_default_support_hours), cmocka_unit_test(test_no_working_hours),
      cmocka_unit_test(test_limits), cmocka_unit_test(test_canonical_form),
      cmocka_unit_test(test_weeks))
