/*
 * t-tz.c - zone tables: offsets, the gap and fold rules, zone names.
 *
 * Local times are written as "YYYY-MM-DDTHH:MM:SSZ" and read as local
 * seconds (the wall clock read as if it were UTC), see tz.h.
 */
#include "core/err.h"
#include "core/strbuf.h"
#include "core/time.h"
#include "domain/tz.h"
#include "test.h"

#include <glib.h>

static int64_t at(const char *s)
{
    int64_t t = 0;

    assert_int_equal(time_parse_rfc3339(s, strlen(s), &t, NULL), 0);
    return t;
}

static const struct tz *zone(const char *name)
{
    const struct tz *tz = NULL;

    assert_int_equal(tz_get(name, &tz, NULL), 0);
    assert_string_equal(tz_name(tz), name);
    return tz;
}

/* local_to_utc of local time `local` is UTC instant `utc` */
#define ASSERT_L2U(tz, local, utc) assert_int_equal(tz_local_to_utc(tz, at(local)), at(utc))

static void test_utc_and_fixed(void **state)
{
    const struct tz *utc = zone("UTC"), *kol = zone("Asia/Kolkata");

    (void)state;
    assert_int_equal(tz_offset_at(utc, at("2026-07-01T12:00:00Z")), 0);
    ASSERT_L2U(utc, "2026-03-29T02:30:00Z", "2026-03-29T02:30:00Z");
    assert_int_equal(tz_next_switch(utc, 0), INT64_MAX);
    /* India: +05:30 all year, no DST since 1945 */
    assert_int_equal(tz_offset_at(kol, at("2026-01-15T00:00:00Z")), 19800);
    assert_int_equal(tz_offset_at(kol, at("2026-07-15T00:00:00Z")), 19800);
    assert_int_equal(tz_offset_at(kol, at("2099-07-15T00:00:00Z")), 19800);
    /* 02:30 local - 5:30 = 21:00 the day before */
    ASSERT_L2U(kol, "2026-03-29T02:30:00Z", "2026-03-28T21:00:00Z");
    assert_int_equal(tz_next_switch(kol, at("1971-01-01T00:00:00Z")), INT64_MAX);
}

static void test_copenhagen(void **state)
{
    const struct tz *cph = zone("Europe/Copenhagen");

    (void)state;
    /* 2026-03-29: at 01:00Z clocks go from 02:00 CET (+1) to 03:00 CEST (+2) */
    assert_int_equal(tz_offset_at(cph, at("2026-03-29T00:59:59Z")), 3600);
    assert_int_equal(tz_offset_at(cph, at("2026-03-29T01:00:00Z")), 7200);
    ASSERT_L2U(cph, "2026-03-29T01:59:59Z", "2026-03-29T00:59:59Z");
    /* 02:00 and 02:30 do not exist: forward by the hour, to 03:00 and 03:30 CEST */
    ASSERT_L2U(cph, "2026-03-29T02:00:00Z", "2026-03-29T01:00:00Z");
    ASSERT_L2U(cph, "2026-03-29T02:30:00Z", "2026-03-29T01:30:00Z");
    ASSERT_L2U(cph, "2026-03-29T03:00:00Z", "2026-03-29T01:00:00Z");
    assert_int_equal(tz_next_switch(cph, at("2026-03-01T00:00:00Z")), at("2026-03-29T03:00:00Z"));
    /* 2026-10-25: at 01:00Z clocks go from 03:00 CEST back to 02:00 CET */
    ASSERT_L2U(cph, "2026-10-25T01:59:00Z", "2026-10-24T23:59:00Z");
    /* 02:30 happens twice: the first is 02:30 CEST = 00:30Z (the second would be 01:30Z) */
    ASSERT_L2U(cph, "2026-10-25T02:30:00Z", "2026-10-25T00:30:00Z");
    ASSERT_L2U(cph, "2026-10-25T02:59:59Z", "2026-10-25T00:59:59Z");
    ASSERT_L2U(cph, "2026-10-25T03:00:00Z", "2026-10-25T02:00:00Z");
    /* after 2037 the zone's rule (last Sundays of March and October) still applies */
    assert_int_equal(tz_offset_at(cph, at("2090-07-01T00:00:00Z")), 7200);
    assert_int_equal(tz_offset_at(cph, at("2090-12-01T00:00:00Z")), 3600);
}

static void test_lord_howe(void **state)
{
    const struct tz *lh = zone("Australia/Lord_Howe");

    (void)state;
    /* standard time +10:30, DST +11:00: a half-hour change */
    assert_int_equal(tz_offset_at(lh, at("2026-07-01T00:00:00Z")), 37800);
    assert_int_equal(tz_offset_at(lh, at("2026-12-01T00:00:00Z")), 39600);
    /* first Sunday of October 2026 is the 4th: 02:00 +10:30 (= 15:30Z on the 3rd) becomes 02:30 */
    assert_int_equal(tz_offset_at(lh, at("2026-10-03T15:29:59Z")), 37800);
    assert_int_equal(tz_offset_at(lh, at("2026-10-03T15:30:00Z")), 39600);
    /* 02:15 does not exist: forward by 30 minutes to 02:45 +11 = 15:45Z */
    ASSERT_L2U(lh, "2026-10-04T02:15:00Z", "2026-10-03T15:45:00Z");
    ASSERT_L2U(lh, "2026-10-04T02:30:00Z", "2026-10-03T15:30:00Z");
    /* first Sunday of April 2026 is the 5th: 02:00 +11 (= 15:00Z on the 4th) becomes 01:30 */
    assert_int_equal(tz_offset_at(lh, at("2026-04-04T15:00:00Z")), 37800);
    /* 01:45 happens twice; the first is +11: 14:45Z */
    ASSERT_L2U(lh, "2026-04-05T01:45:00Z", "2026-04-04T14:45:00Z");
    ASSERT_L2U(lh, "2026-04-05T02:00:00Z", "2026-04-04T15:30:00Z");
}

static void test_santiago(void **state)
{
    const struct tz *scl = zone("America/Santiago");

    (void)state;
    /* DST starts at 24:00 of the first Saturday of September (2026-09-05) -04:
     * local midnight of Sunday the 6th is skipped, 00:00-01:00 does not exist */
    assert_int_equal(tz_offset_at(scl, at("2026-09-06T03:59:59Z")), -14400);
    assert_int_equal(tz_offset_at(scl, at("2026-09-06T04:00:00Z")), -10800);
    ASSERT_L2U(scl, "2026-09-05T23:59:59Z", "2026-09-06T03:59:59Z");
    ASSERT_L2U(scl, "2026-09-06T00:00:00Z", "2026-09-06T04:00:00Z");
    ASSERT_L2U(scl, "2026-09-06T00:30:00Z", "2026-09-06T04:30:00Z"); /* 01:30 -03 */
    ASSERT_L2U(scl, "2026-09-06T01:00:00Z", "2026-09-06T04:00:00Z");
    /* DST ends at 24:00 -03 of the first Saturday of April (2026-04-04): back to 23:00 -04 */
    ASSERT_L2U(scl, "2026-04-04T22:59:59Z", "2026-04-05T01:59:59Z");
    ASSERT_L2U(scl, "2026-04-04T23:30:00Z", "2026-04-05T02:30:00Z"); /* first: -03 */
    ASSERT_L2U(scl, "2026-04-05T00:00:00Z", "2026-04-05T04:00:00Z"); /* once, -04 */
}

/* The table agrees with GLib itself at many instants of several zones. */
static void test_matches_glib(void **state)
{
    static const char *const names[] = {"Europe/Copenhagen",   "America/Santiago",
                                        "Australia/Lord_Howe", "America/New_York",
                                        "Pacific/Chatham",     "Africa/Casablanca"};
    uint64_t x = 42;

    (void)state;
    for (size_t z = 0; z < ARRAY_SIZE(names); z++) {
        const struct tz *tz = zone(names[z]);
        GTimeZone *g = g_time_zone_new_identifier(names[z]);
        for (int i = 0; i < 20000; i++) {
            int64_t t, l;
            x = x * 6364136223846793005ULL + 1442695040888963407ULL;
            t = (int64_t)((x >> 16) % (uint64_t)TZ_TABLE_END);
            int iv = g_time_zone_find_interval(g, G_TIME_TYPE_UNIVERSAL, t);
            assert_int_equal(tz_offset_at(tz, t), g_time_zone_get_offset(g, iv));
            /* the wall clock at t maps back to t, or to an earlier first occurrence */
            l = t + tz_offset_at(tz, t);
            assert_true(tz_local_to_utc(tz, l) <= t);
            assert_int_equal(tz_local_to_utc(tz, l) + tz_offset_at(tz, tz_local_to_utc(tz, l)), l);
        }
        g_time_zone_unref(g);
    }
}

static void test_unknown_names(void **state)
{
    static const char *const bad[] = {"Mars/Base",
                                      "",
                                      "ABC5",
                                      "+01:00",
                                      "../../etc/passwd",
                                      "leapseconds",
                                      "Europe//Paris",
                                      "/UTC",
                                      "Europe/Copenhagen "};
    struct strbuf err = STRBUF_INIT;
    const struct tz *tz;

    (void)state;
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        strbuf_reset(&err);
        assert_int_equal(tz_get(bad[i], &tz, &err), DESK_EINVAL);
        assert_non_null(strstr(err.buf, "unknown time zone '"));
    }
    strbuf_reset(&err);
    assert_int_equal(tz_get("Mars/Base", &tz, &err), DESK_EINVAL);
    assert_string_equal(err.buf, "unknown time zone 'Mars/Base'");
    strbuf_release(&err);
    /* the same zone twice is the same cached table */
    assert_ptr_equal(zone("Europe/Paris"), zone("Europe/Paris"));
}

SUITE(tz, cmocka_unit_test(test_utc_and_fixed), cmocka_unit_test(test_copenhagen),
      cmocka_unit_test(test_lord_howe), cmocka_unit_test(test_santiago),
      cmocka_unit_test(test_matches_glib), cmocka_unit_test(test_unknown_names))
