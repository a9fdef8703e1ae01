/*
 * t-maintenance.c - when a maintenance window's notices are due, and what they say
 * (domain/maintenance.h).
 */
#include "test.h"
#include "core/time.h"
#include "domain/maintenance.h"

#define H 3600
#define LEAD (120 * H)
#define REMIND (24 * H)

static const int64_t start = 1800000000, end = 1800000000 + 2 * H;

static enum maintenance_notice due(const struct maintenance_times *w, int64_t now)
{
    return maintenance_notice_due(w, LEAD, REMIND, now);
}

static void test_announce_lead_before_start(void **state)
{
    struct maintenance_times w = {start, end, false, 0, 0, 0};

    (void)state;
    assert_int_equal(due(&w, start - LEAD - 1), MAINTENANCE_NOTICE_NONE);
    assert_int_equal(due(&w, start - LEAD), MAINTENANCE_NOTICE_ANNOUNCE);
    assert_int_equal(due(&w, start - H), MAINTENANCE_NOTICE_ANNOUNCE); /* created late: at once */
}

static void test_reminder_after_an_early_announcement(void **state)
{
    struct maintenance_times w = {start, end, false, start - LEAD, 0, 0};

    (void)state;
    assert_int_equal(due(&w, start - REMIND - 1), MAINTENANCE_NOTICE_NONE);
    assert_int_equal(due(&w, start - REMIND), MAINTENANCE_NOTICE_REMINDER);
    assert_int_equal(due(&w, start), MAINTENANCE_NOTICE_NONE); /* running: too late to remind */
    w.reminded_at = start - REMIND;
    assert_int_equal(due(&w, start - H), MAINTENANCE_NOTICE_NONE);
}

static void test_no_reminder_after_a_late_announcement(void **state)
{
    struct maintenance_times w = {start, end, false, start - REMIND, 0, 0};

    (void)state;
    assert_int_equal(due(&w, start - H), MAINTENANCE_NOTICE_NONE);
    assert_int_equal(maintenance_notice_due(&w, LEAD, 0, start - H), MAINTENANCE_NOTICE_NONE);
}

static void test_all_clear_at_end_or_completion(void **state)
{
    struct maintenance_times w = {start, end, false, start - LEAD, start - REMIND, 0};

    (void)state;
    assert_int_equal(due(&w, end - 1), MAINTENANCE_NOTICE_NONE);
    assert_int_equal(due(&w, end), MAINTENANCE_NOTICE_ALL_CLEAR);
    w.completed = true;
    assert_int_equal(due(&w, start + 60), MAINTENANCE_NOTICE_ALL_CLEAR);
    assert_false(maintenance_notice_silent(&w, MAINTENANCE_NOTICE_ALL_CLEAR));
    w.cleared_at = start + 60;
    assert_int_equal(due(&w, end + H), MAINTENANCE_NOTICE_NONE);
}

static void test_unannounced_all_clear_is_silent(void **state)
{
    struct maintenance_times w = {start, end, true, 0, 0, 0};

    (void)state;
    assert_int_equal(due(&w, start - LEAD - H), MAINTENANCE_NOTICE_ALL_CLEAR);
    assert_true(maintenance_notice_silent(&w, MAINTENANCE_NOTICE_ALL_CLEAR));
    assert_false(maintenance_notice_silent(&w, MAINTENANCE_NOTICE_ANNOUNCE));
}

static void test_texts_name_times_and_place(void **state)
{
    struct maintenance_text t = {"Database upgrade", "Expect 10 minutes of downtime.",
                                 "installation 'Hosted MDM'", start, end};
    struct strbuf subject = STRBUF_INIT, body = STRBUF_INIT;
    char from[TIME_RFC3339_LEN];

    (void)state;
    time_format_rfc3339(start, from);
    maintenance_notice_render(MAINTENANCE_NOTICE_REMINDER, &t, &subject, &body);
    assert_string_equal(subject.buf, "Reminder: planned maintenance: Database upgrade");
    assert_non_null(strstr(body.buf, "installation 'Hosted MDM'"));
    assert_non_null(strstr(body.buf, "Expect 10 minutes"));
    assert_non_null(strstr(body.buf, "2027-01-15 08:00 UTC to 2027-01-15 10:00 UTC"));
    strbuf_reset(&subject);
    strbuf_reset(&body);
    maintenance_notice_render(MAINTENANCE_NOTICE_ALL_CLEAR, &t, &subject, &body);
    assert_string_equal(subject.buf, "Maintenance completed: Database upgrade");
    assert_null(strstr(body.buf, "Expect 10 minutes"));
    strbuf_release(&subject);
    strbuf_release(&body);
    assert_string_equal(maintenance_notice_name(MAINTENANCE_NOTICE_ALL_CLEAR), "all_clear");
}

SUITE(maintenance, cmocka_unit_test(test_announce_lead_before_start),
      cmocka_unit_test(test_reminder_after_an_early_announcement),
      cmocka_unit_test(test_no_reminder_after_a_late_announcement),
      cmocka_unit_test(test_all_clear_at_end_or_completion),
      cmocka_unit_test(test_unannounced_all_clear_is_silent),
      cmocka_unit_test(test_texts_name_times_and_place))
