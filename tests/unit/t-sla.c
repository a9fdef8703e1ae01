/*
 * t-sla.c - the SLA clock: the reference vectors, cases worked out by hand,
 * properties over random inputs, and a check against a naive stepping clock.
 */
#include "core/err.h"
#include "core/time.h"
#include "domain/calendar.h"
#include "domain/sla.h"
#include "domain/tz.h"
#include "fixture.h"
#include "test.h"

#include <jansson.h>
#include <pthread.h>

#define H 3600

static int64_t due(const struct calendar *cal, int64_t from, int64_t n)
{
    int64_t t = 0;

    assert_int_equal(sla_due(cal, from, n, &t), 0);
    return t;
}

static int64_t elapsed(const struct calendar *cal, int64_t from, int64_t to)
{
    int64_t n = -1;

    assert_int_equal(sla_elapsed(cal, from, to, &n), 0);
    return n;
}

/* ---- the shared reference vectors ---- */

#define VEC FX_DATA "sla-vectors/"

static const struct calendar *vector_calendar(const char *name, struct calendar *cache[4])
{
    static const char *const names[4] = {"night-london", "servicedesk-24x7", "split-newyork",
                                         "support-copenhagen"};
    char path[256];

    for (int i = 0; i < 4; i++) {
        if (strcmp(name, names[i]))
            continue;
        snprintf(path, sizeof(path), VEC "%s.json", name);
        if (!cache[i])
            cache[i] = fx_calendar_file(path);
        return cache[i];
    }
    fail_msg("unknown calendar '%s' in the vectors", name);
    return NULL;
}

/* One case; returns whether it passed, printing a TAP comment when not. */
static bool run_vector(const json_t *c, struct calendar *cache[4], size_t line)
{
    const char *op = json_string_value(json_object_get(c, "op"));
    const struct calendar *cal =
        vector_calendar(json_string_value(json_object_get(c, "calendar")), cache);
    int64_t from = fx_time(json_string_value(json_object_get(c, "from"))), got;
    char want[TIME_RFC3339_LEN] = "", have[TIME_RFC3339_LEN];

    if (!strcmp(op, "due")) {
        int64_t n = json_integer_value(json_object_get(c, "seconds"));
        time_format_rfc3339(fx_time(json_string_value(json_object_get(c, "want"))), want);
        time_format_rfc3339(due(cal, from, n), have);
        if (!strcmp(want, have))
            return true;
        printf("# line %zu: due: want %s, got %s\n", line, want, have);
        return false;
    }
    got = elapsed(cal, from, fx_time(json_string_value(json_object_get(c, "to"))));
    if (got == json_integer_value(json_object_get(c, "want")))
        return true;
    printf("# line %zu: elapsed: want %" PRId64 ", got %" PRId64 "\n", line,
           (int64_t)json_integer_value(json_object_get(c, "want")), got);
    return false;
}

static void test_vectors(void **state)
{
    struct calendar *cache[4] = {NULL};
    size_t len, line = 0, failed = 0;
    char *text = fx_read_file(VEC "cases.jsonl", &len), *p = text;

    (void)state;
    while (*p) {
        char *nl = strchr(p, '\n');
        json_error_t jerr;
        json_t *c = json_loadb(p, nl ? (size_t)(nl - p) : strlen(p), 0, &jerr);
        line++;
        if (!c)
            fail_msg("cases.jsonl:%zu: %s", line, jerr.text);
        failed += !run_vector(c, cache, line);
        json_decref(c);
        p = nl ? nl + 1 : p + strlen(p);
    }
    assert_int_equal(line, 400);
    assert_int_equal(failed, 0);
    for (int i = 0; i < 4; i++)
        calendar_free(cache[i]);
    free(text);
}

/* ---- cases worked out by hand ---- */

static const char copenhagen[] =
    "{\"timezone\": \"Europe/Copenhagen\", \"hours\": {\"mon\": [\"08:00-16:00\"],"
    " \"tue\": [\"08:00-16:00\"], \"wed\": [\"08:00-16:00\"], \"thu\": [\"08:00-16:00\"],"
    " \"fri\": [\"08:00-14:30\"]}, \"holidays\": [\"2026-12-24\", \"2026-12-25\"]}";

static void test_boundaries(void **state)
{
    struct calendar *cal = fx_calendar(copenhagen);

    (void)state;
    /* due(from, 0) is from, in or out of hours */
    assert_int_equal(due(cal, fx_time("2026-11-21T03:17:00Z"), 0), fx_time("2026-11-21T03:17:00Z"));
    /* Friday 14:00: 30 min until 14:30, then Monday 08:00 + 30 min */
    assert_int_equal(due(cal, fx_time("2026-11-20T14:00:00+01:00"), H),
                     fx_time("2026-11-23T08:30:00+01:00"));
    /* ending exactly at closing: Monday 08:00 + 8 h is Monday 16:00, not Tuesday 08:00 */
    assert_int_equal(due(cal, fx_time("2026-11-23T08:00:00+01:00"), 8 * H),
                     fx_time("2026-11-23T16:00:00+01:00"));
    /* from Friday 14:30 (closing) + 8 h: all of Monday */
    assert_int_equal(due(cal, fx_time("2026-11-20T14:30:00+01:00"), 8 * H),
                     fx_time("2026-11-23T16:00:00+01:00"));
    /* from Saturday: the count starts Monday 08:00 */
    assert_int_equal(due(cal, fx_time("2026-11-21T10:00:00+01:00"), H),
                     fx_time("2026-11-23T09:00:00+01:00"));
    /* Wed 23 Dec 15:00 + 2 h: 1 h Wednesday, Thursday and Friday are holidays, 1 h Monday */
    assert_int_equal(due(cal, fx_time("2026-12-23T15:00:00+01:00"), 2 * H),
                     fx_time("2026-12-28T09:00:00+01:00"));
    /* elapsed over [from, to): Friday 14:00 to Monday 09:00 is 30 min + 1 h */
    assert_int_equal(
        elapsed(cal, fx_time("2026-11-20T14:00:00+01:00"), fx_time("2026-11-23T09:00:00+01:00")),
        90 * 60);
    assert_int_equal(
        elapsed(cal, fx_time("2026-11-23T09:00:00+01:00"), fx_time("2026-11-20T14:00:00+01:00")),
        0);
    /* a normal week is 4 x 8 h + 6.5 h = 38.5 h: 77 h from a Monday 08:00 is 2 weeks later, Fri
     * 14:30 */
    assert_int_equal(due(cal, fx_time("2026-11-02T08:00:00+01:00"), 77 * H),
                     fx_time("2026-11-13T14:30:00+01:00"));
    calendar_free(cal);
}

static void test_range_and_errors(void **state)
{
    struct calendar *cal = fx_calendar(copenhagen);
    int64_t t;

    (void)state;
    assert_int_equal(sla_due(cal, fx_time("2026-11-20T14:00:00Z"), -1, &t), DESK_EINVAL);
    assert_int_equal(sla_due(cal, -1, 60, &t), DESK_EINVAL);
    assert_int_equal(sla_due(cal, CAL_TIME_MAX, 60, &t), DESK_EINVAL);
    assert_int_equal(sla_elapsed(cal, 0, CAL_TIME_MAX, &t), DESK_EINVAL);
    /* 1,000 years of work do not fit before 2101 */
    assert_int_equal(sla_due(cal, 0, 1000LL * 366 * 86400, &t), DESK_EINVAL);
    /* the first and last instants of the range work */
    assert_int_equal(sla_elapsed(cal, CAL_TIME_MIN, CAL_TIME_MAX - 1, &t), 0);
    assert_true(t > 0);
    assert_int_equal(sla_due(cal, CAL_TIME_MAX - 1, 8 * H, &t), 0);
    calendar_free(cal);
}

/* Zones the vectors do not cover. */
static void test_lord_howe(void **state)
{
    struct calendar *all = fx_calendar(
        "{\"timezone\":\"Australia/Lord_Howe\",\"hours\":{\"mon\":[\"00:00-24:00\"],"
        "\"tue\":[\"00:00-24:00\"],\"wed\":[\"00:00-24:00\"],\"thu\":[\"00:00-24:00\"],"
        "\"fri\":[\"00:00-24:00\"],\"sat\":[\"00:00-24:00\"],\"sun\":[\"00:00-24:00\"]}}");
    struct calendar *sun =
        fx_calendar("{\"timezone\":\"Australia/Lord_Howe\",\"hours\":{\"sun\":[\"01:00-03:00\"]}}");

    (void)state;
    /* 2026-10-04 loses half an hour (02:00 -> 02:30): 00:00 +10:30 is 13:30Z, the next
     * midnight +11 is 13:00Z: 23.5 h */
    assert_int_equal(elapsed(all, fx_time("2026-10-03T13:30:00Z"), fx_time("2026-10-04T13:00:00Z")),
                     84600);
    /* 2026-04-05 gains half an hour (02:00 -> 01:30): 13:00Z to 13:30Z the next day, 24.5 h */
    assert_int_equal(elapsed(all, fx_time("2026-04-04T13:00:00Z"), fx_time("2026-04-05T13:30:00Z")),
                     88200);
    /* Sunday 01:00-03:00 on 2026-10-04: 01:00 +10:30 = 14:30Z, 03:00 +11 = 16:00Z: 1.5 h */
    assert_int_equal(elapsed(sun, fx_time("2026-10-03T00:00:00Z"), fx_time("2026-10-05T00:00:00Z")),
                     5400);
    assert_int_equal(due(sun, fx_time("2026-10-03T00:00:00Z"), 5400),
                     fx_time("2026-10-03T16:00:00Z"));
    /* on 2026-04-05: 01:00 +11 = 14:00Z, 03:00 +10:30 = 16:30Z: 2.5 h */
    assert_int_equal(elapsed(sun, fx_time("2026-04-04T00:00:00Z"), fx_time("2026-04-06T00:00:00Z")),
                     9000);
    /* a normal Sunday is 2 h: 2.5 h from that Sunday's opening ends the next Sunday at 01:30 +10:30
     */
    assert_int_equal(due(sun, fx_time("2026-04-04T14:00:00Z"), 9000 + 1800),
                     fx_time("2026-04-11T15:00:00Z"));
    calendar_free(all);
    calendar_free(sun);
}

static void test_santiago(void **state)
{
    struct calendar *cal =
        fx_calendar("{\"timezone\":\"America/Santiago\",\"hours\":{\"sat\":[\"22:00-24:00\"],"
                    "\"sun\":[\"00:00-02:00\"]}}");
    struct cal_span sp[CAL_MAX_INTERVALS];

    (void)state;
    /* Saturday 2026-09-05 22:00 -04 = 02:00Z; its 24:00 is Sunday 00:00, skipped, so 04:00Z */
    assert_int_equal(calendar_day_spans(cal, fx_time("2026-09-05T00:00:00Z") / 86400, sp), 1);
    assert_int_equal(sp[0].start, fx_time("2026-09-06T02:00:00Z"));
    assert_int_equal(sp[0].end, fx_time("2026-09-06T04:00:00Z"));
    /* Sunday 00:00 maps forward to 01:00 -03 (04:00Z); 02:00 -03 is 05:00Z: one hour */
    assert_int_equal(calendar_day_spans(cal, fx_time("2026-09-06T00:00:00Z") / 86400, sp), 1);
    assert_int_equal(sp[0].start, fx_time("2026-09-06T04:00:00Z"));
    assert_int_equal(sp[0].end, fx_time("2026-09-06T05:00:00Z"));
    /* so 2.5 h from Saturday 21:00 -04 ends Sunday 01:30 -03... 04:30Z */
    assert_int_equal(due(cal, fx_time("2026-09-06T01:00:00Z"), 9000),
                     fx_time("2026-09-06T04:30:00Z"));
    /* Saturday 2026-04-04 22:00 -03 (01:00Z) to 24:00 = Sunday 00:00 -04 (04:00Z): 3 h,
     * then Sunday 00:00-02:00 -04 (04:00Z-06:00Z): 5 h together */
    assert_int_equal(elapsed(cal, fx_time("2026-04-04T12:00:00Z"), fx_time("2026-04-06T12:00:00Z")),
                     5 * H);
    assert_int_equal(due(cal, fx_time("2026-04-04T12:00:00Z"), 3 * H),
                     fx_time("2026-04-05T04:00:00Z"));
    calendar_free(cal);
}

static void test_kolkata_and_utc(void **state)
{
    struct calendar *kol = fx_calendar("{\"timezone\":\"Asia/Kolkata\",\"hours\":{"
                                       "\"mon\":[\"09:00-17:00\"],\"fri\":[\"09:00-17:00\"]}}");
    struct calendar *utc =
        fx_calendar("{\"timezone\":\"UTC\",\"hours\":{\"wed\":[\"09:00-17:00\"]}}");

    (void)state;
    /* Friday 16:00 +05:30 + 2 h: 1 h Friday, Monday 09:00 + 1 h = 10:00 +05:30 = 04:30Z */
    assert_int_equal(due(kol, fx_time("2026-11-20T16:00:00+05:30"), 2 * H),
                     fx_time("2026-11-23T04:30:00Z"));
    /* one week of UTC Wednesdays: 8 h each; 20 h from Wed 2026-11-18 09:00Z ends Wed 12:00Z
     * two weeks later */
    assert_int_equal(due(utc, fx_time("2026-11-18T09:00:00Z"), 20 * H),
                     fx_time("2026-12-02T13:00:00Z"));
    assert_int_equal(elapsed(utc, fx_time("2026-01-01T00:00:00Z"), fx_time("2027-01-01T00:00:00Z")),
                     52 * 8 * H);
    calendar_free(kol);
    calendar_free(utc);
}

static void test_gap_and_fold_days(void **state)
{
    struct calendar *cal =
        fx_calendar("{\"timezone\":\"Europe/Copenhagen\",\"hours\":{\"sun\":[\"00:00-24:00\"],"
                    "\"sat\":[\"02:30-03:30\", \"02:00-02:20\"]}}");
    struct calendar *two = fx_calendar(
        "{\"timezone\":\"Europe/Copenhagen\",\"hours\":{\"sun\":[\"01:00-02:30\", \"02:40-02:50\","
        " \"03:30-04:00\"]}}");

    (void)state;
    /* Sunday 2026-03-29 is 23 h long: 00:00 +01 = 23:00Z Saturday, the next midnight +02 = 22:00Z
     */
    assert_int_equal(elapsed(cal, fx_time("2026-03-28T23:00:00Z"), fx_time("2026-03-29T22:00:00Z")),
                     23 * H);
    /* Sunday 2026-10-25 is 25 h long: 22:00Z Saturday to 23:00Z Sunday */
    assert_int_equal(elapsed(cal, fx_time("2026-10-24T22:00:00Z"), fx_time("2026-10-25T23:00:00Z")),
                     25 * H);
    /* on 2026-03-29 clocks jump 02:00 -> 03:00: 01:00-02:30 is 00:00Z-01:30Z (1.5 h),
     * 02:40-02:50 lies in the gap and maps to 01:40Z-01:50Z, overlapping nothing (10 min),
     * 03:30-04:00 CEST is 01:30Z-02:00Z (30 min): together 00:00Z-01:30Z, 01:30Z-02:00Z */
    assert_int_equal(elapsed(two, fx_time("2026-03-28T00:00:00Z"), fx_time("2026-03-30T00:00:00Z")),
                     2 * H);
    /* on 2026-10-25 clocks fall 03:00 -> 02:00: 01:00 is 23:00Z, 02:30 its first occurrence
     * 00:30Z (1.5 h); 02:40-02:50 is 00:40Z-00:50Z (10 min); 03:30-04:00 +01 is 02:30Z-03:00Z */
    assert_int_equal(elapsed(two, fx_time("2026-10-24T00:00:00Z"), fx_time("2026-10-26T00:00:00Z")),
                     2 * H + 10 * 60);
    calendar_free(cal);
    calendar_free(two);
}

static void test_midnight_and_merging(void **state)
{
    struct calendar *cal = fx_calendar(
        "{\"timezone\":\"Europe/Copenhagen\",\"hours\":{\"mon\":[\"22:00-24:00\"],"
        "\"tue\":[\"00:00-02:00\", \"08:00-12:00\", \"11:00-13:00\", \"13:00-14:00\"]}}");

    (void)state;
    /* Monday 22:00 + 2 h closes at 24:00: due at Tuesday 00:00, not later */
    assert_int_equal(due(cal, fx_time("2026-11-23T22:00:00+01:00"), 2 * H),
                     fx_time("2026-11-24T00:00:00+01:00"));
    /* + 4 h runs on through midnight to Tuesday 02:00 */
    assert_int_equal(due(cal, fx_time("2026-11-23T22:00:00+01:00"), 4 * H),
                     fx_time("2026-11-24T02:00:00+01:00"));
    /* Tuesday's 08:00-12:00, 11:00-13:00 and 13:00-14:00 are one 6 h interval */
    assert_int_equal(
        elapsed(cal, fx_time("2026-11-24T03:00:00+01:00"), fx_time("2026-11-24T23:00:00+01:00")),
        6 * H);
    /* + 5 h from Tuesday 00:00: 2 h, then 3 h from 08:00 = 11:00 */
    assert_int_equal(due(cal, fx_time("2026-11-24T00:00:00+01:00"), 5 * H),
                     fx_time("2026-11-24T11:00:00+01:00"));
    calendar_free(cal);
}

static void test_spans(void **state)
{
    struct calendar *cal = fx_calendar(copenhagen);
    struct sla_span sp[3], many[100];
    size_t nr;

    (void)state;
    /* Friday 2026-11-20 10:00 +01: the rest of Friday, then Monday and Tuesday */
    assert_int_equal(sla_spans(cal, fx_time("2026-11-20T09:00:00Z"), 3, sp, &nr), 0);
    assert_int_equal(nr, 3);
    assert_int_equal(sp[0].start, fx_time("2026-11-20T09:00:00Z"));
    assert_int_equal(sp[0].end, fx_time("2026-11-20T13:30:00Z"));
    assert_int_equal(sp[1].start, fx_time("2026-11-23T07:00:00Z"));
    assert_int_equal(sp[2].end, fx_time("2026-11-24T15:00:00Z"));
    assert_int_equal(sp[0].start_off, 3600);
    /* across the change to summer time: Friday 27 March +01, Monday 30 March +02 */
    assert_int_equal(sla_spans(cal, fx_time("2026-03-27T12:00:00Z"), 2, sp, &nr), 0);
    assert_int_equal(sp[0].end_off, 3600);
    assert_int_equal(sp[1].start, fx_time("2026-03-30T06:00:00Z"));
    assert_int_equal(sp[1].start_off, 7200);
    /* the table ends a few days into 2101: Monday 3 to Friday 7 January */
    assert_int_equal(sla_spans(cal, CAL_TIME_MAX - 1, 100, many, &nr), 0);
    assert_int_equal(nr, 5);
    calendar_free(cal);
}

/* ---- random inputs ---- */

static uint64_t rng = 0x5eed5eedULL;

static uint64_t rnd(uint64_t n)
{
    rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
    return (rng >> 17) % n;
}

/* The calendars random checks run on: the vectors' and the zones above. */
static size_t random_calendars(struct calendar *out[8])
{
    static const char *const files[] = {"night-london", "servicedesk-24x7", "split-newyork",
                                        "support-copenhagen"};
    char path[256];
    size_t nr = 0;

    for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
        snprintf(path, sizeof(path), VEC "%s.json", files[i]);
        out[nr++] = fx_calendar_file(path);
    }
    out[nr++] = fx_calendar("{\"timezone\":\"Australia/Lord_Howe\",\"hours\":{\"sun\":"
                            "[\"01:00-03:00\",\"20:00-24:00\"],\"mon\":[\"00:00-02:10\"],"
                            "\"wed\":[\"09:00-17:00\"]},\"holidays\":[\"2026-04-08\"]}");
    out[nr++] = fx_calendar("{\"timezone\":\"America/Santiago\",\"hours\":{\"sat\":"
                            "[\"22:00-24:00\"],\"sun\":[\"00:00-02:00\",\"23:00-24:00\"],"
                            "\"tue\":[\"08:00-18:00\"]}}");
    out[nr++] = fx_calendar("{\"timezone\":\"Europe/Copenhagen\",\"hours\":{\"sun\":"
                            "[\"01:00-02:30\",\"02:40-02:50\",\"03:30-04:00\"],"
                            "\"mon\":[\"00:00-24:00\"]}}");
    out[nr++] =
        fx_calendar("{\"timezone\":\"Asia/Kolkata\",\"hours\":{\"thu\":[\"09:30-18:00\"]}}");
    return nr;
}

/* A random instant, mostly 2025-2028, often just around a change of offset. */
static int64_t random_time(const struct calendar *cal)
{
    int64_t t = fx_time("2025-01-01T00:00:00Z") + (int64_t)rnd(4 * 366 * 86400ULL);
    const struct tz *tz = calendar_tz(cal);

    if (rnd(3) == 0) {
        int64_t sw = tz_next_switch(tz, t + tz_offset_at(tz, t));
        if (sw != INT64_MAX && sw < CAL_TIME_MAX - 86400)
            t = tz_local_to_utc(tz, sw) - 2 * 86400 + (int64_t)rnd(4 * 86400);
    }
    return t;
}

static void test_properties(void **state)
{
    struct calendar *cals[8];
    size_t nr = random_calendars(cals);

    (void)state;
    for (int i = 0; i < 4000; i++) {
        const struct calendar *cal = cals[i % nr];
        int64_t t = random_time(cal), n = (int64_t)rnd(60 * H), m = (int64_t)rnd(60 * H);
        int64_t t2 = t + (int64_t)rnd(3 * 86400), t3 = t2 + (int64_t)rnd(9 * 86400);
        int64_t d = due(cal, t, n);
        /* elapsed inverts due */
        assert_int_equal(elapsed(cal, t, d), n);
        assert_true(d >= t);
        /* monotonic in the target and in the start */
        assert_true(due(cal, t, n < m ? n : m) <= due(cal, t, n < m ? m : n));
        assert_true(d <= due(cal, t2, n));
        /* additive over adjacent ranges */
        assert_int_equal(elapsed(cal, t, t2) + elapsed(cal, t2, t3), elapsed(cal, t, t3));
    }
    for (size_t i = 0; i < nr; i++)
        calendar_free(cals[i]);
}

/*
 * The naive clock: an instant is working when it lies in an interval of the
 * local date around it (the day before, that day or the day after), mapped
 * end by end with tz_local_to_utc, holidays closed. Every boundary of the
 * calendars used here falls on a whole minute, so the status is looked up
 * once a UTC minute and the clock steps a second at a time.
 */
static bool naive_working(const struct calendar *cal, int64_t t)
{
    const struct tz *tz = calendar_tz(cal);
    int64_t d = floor_div(t + tz_offset_at(tz, t), 86400);

    for (int64_t day = d - 1; day <= d + 1; day++) {
        const struct cal_interval *iv;
        size_t n = calendar_hours(cal, weekday_from_days(day), &iv);
        if (calendar_is_holiday(cal, day))
            continue;
        for (size_t i = 0; i < n; i++)
            if (tz_local_to_utc(tz, day * 86400 + iv[i].start) <= t &&
                t < tz_local_to_utc(tz, day * 86400 + iv[i].end))
                return true;
    }
    return false;
}

struct naive {
    const struct calendar *cal; /* the calendar */
    int64_t minute;             /* the minute whose status is cached */
    bool working;               /* its status */
};

static bool naive_at(struct naive *nv, int64_t t)
{
    if (floor_div(t, 60) != nv->minute) {
        nv->minute = floor_div(t, 60);
        nv->working = naive_working(nv->cal, nv->minute * 60);
    }
    return nv->working;
}

static int64_t naive_due(const struct calendar *cal, int64_t from, int64_t n)
{
    struct naive nv = {cal, INT64_MIN, false};
    int64_t t = from;

    while (n > 0)
        n -= naive_at(&nv, t++);
    return t;
}

static int64_t naive_elapsed(const struct calendar *cal, int64_t from, int64_t to)
{
    struct naive nv = {cal, INT64_MIN, false};
    int64_t n = 0;

    for (int64_t t = from; t < to; t++)
        n += naive_at(&nv, t);
    return n;
}

static void test_against_naive(void **state)
{
    struct calendar *cals[8];
    size_t nr = random_calendars(cals);

    (void)state;
    for (int i = 0; i < 400; i++) {
        const struct calendar *cal = cals[i % nr];
        int64_t t = random_time(cal), n = (int64_t)rnd(10 * H) + 1;
        int64_t to = t + (int64_t)rnd(4 * 86400);
        if (due(cal, t, n) != naive_due(cal, t, n))
            fail_msg("calendar %zu: due(%" PRId64 ", %" PRId64 ") = %" PRId64 ", naive %" PRId64,
                     i % nr, t, n, due(cal, t, n), naive_due(cal, t, n));
        assert_int_equal(elapsed(cal, t, to), naive_elapsed(cal, t, to));
    }
    for (size_t i = 0; i < nr; i++)
        calendar_free(cals[i]);
}

/* ---- threads ---- */

struct worker {
    const struct calendar *cal; /* shared by every worker */
    const struct tz *tz;        /* what tz_get gave this worker */
    int64_t sum;                /* of its answers, compared between workers */
};

static void *work(void *arg)
{
    struct worker *w = arg;

    if (tz_get("Asia/Tokyo", &w->tz, NULL) < 0) /* a zone not read before, from every thread */
        return NULL;
    for (int64_t i = 0; i < 20000; i++) { /* no cmocka asserts off the main thread */
        int64_t t = -1;
        sla_due(w->cal, 1767225600 /* 2026-01-01 */ + i * 7919, (i % 97) * 1800, &t);
        w->sum += t;
    }
    return NULL;
}

/* One calendar answers the same from several threads; tz_get may race. */
static void test_threads(void **state)
{
    struct calendar *cal = fx_calendar(copenhagen);
    struct worker w[4];
    pthread_t th[4];

    (void)state;
    for (int i = 0; i < 4; i++) {
        w[i] = (struct worker){cal, NULL, 0};
        assert_int_equal(pthread_create(&th[i], NULL, work, &w[i]), 0);
    }
    for (int i = 0; i < 4; i++)
        assert_int_equal(pthread_join(th[i], NULL), 0);
    for (int i = 1; i < 4; i++) {
        assert_int_equal(w[i].sum, w[0].sum);
        assert_ptr_equal(w[i].tz, w[0].tz);
    }
    assert_non_null(w[0].tz);
    calendar_free(cal);
}

SUITE(sla, cmocka_unit_test(test_vectors), cmocka_unit_test(test_boundaries),
      cmocka_unit_test(test_range_and_errors), cmocka_unit_test(test_lord_howe),
      cmocka_unit_test(test_santiago), cmocka_unit_test(test_kolkata_and_utc),
      cmocka_unit_test(test_gap_and_fold_days), cmocka_unit_test(test_midnight_and_merging),
      cmocka_unit_test(test_spans), cmocka_unit_test(test_properties),
      cmocka_unit_test(test_against_naive), cmocka_unit_test(test_threads))
