/*
 * t-requirements.c - when a year's requirements task and the lapse notices
 * of an enhanced agreement fall due, and what a lapse notice says
 * (domain/requirements.h); the list setting lapse-notice-days (core/conf.h).
 */
#include "test.h"
#include "core/conf.h"
#include "core/err.h"
#include "core/time.h"
#include "domain/requirements.h"

static int64_t day(const char *s)
{
    int64_t d;

    assert_int_equal(date_parse(s, strlen(s), &d), 0);
    return d;
}

static struct agreement enhanced(const char *starts_on, const char *ends_on)
{
    struct agreement a = {0};

    a.id = 7;
    a.kind = AK_ENHANCED;
    a.status = AS_SIGNED;
    a.starts_on = day(starts_on);
    a.ends_on = ends_on ? day(ends_on) : DATE_NONE;
    return a;
}

static void test_task_due_lead_days_before_next_year(void **state)
{
    struct agreement a = enhanced("2026-04-01", NULL);
    int64_t ys = 0;

    (void)state;
    assert_false(requirements_due(&a, 60, day("2027-01-30"), &ys));
    assert_true(requirements_due(&a, 60, day("2027-01-31"), &ys)); /* 60 days before 04-01 */
    assert_int_equal(ys, day("2027-04-01"));
    assert_true(requirements_due(&a, 60, day("2027-03-31"), &ys));
    assert_int_equal(ys, day("2027-04-01"));
    /* in the new year the next one is far off again */
    assert_false(requirements_due(&a, 60, day("2027-04-01"), &ys));
    assert_true(requirements_due(&a, 60, day("2028-02-01"), &ys));
    assert_int_equal(ys, day("2028-04-01"));
}

static void test_task_not_due_outside_the_term(void **state)
{
    struct agreement a = enhanced("2026-04-01", "2027-03-31");
    int64_t ys = 0;

    (void)state;
    assert_false(requirements_due(&a, 60, day("2027-03-01"), &ys)); /* no year after the term */
    a.ends_on = day("2027-04-01");
    assert_true(requirements_due(&a, 60, day("2027-03-01"), &ys)); /* it starts inside */
    a.status = AS_QUOTED;
    assert_false(requirements_due(&a, 60, day("2027-03-01"), &ys));
    a.status = AS_SIGNED;
    a.kind = AK_ADVANCED;
    assert_false(requirements_due(&a, 60, day("2027-03-01"), &ys));
    a.kind = AK_ENHANCED;
    assert_false(requirements_due(&a, 60, day("2026-03-01"), &ys)); /* not started */
}

static void test_year_starts_and_titles(void **state)
{
    struct agreement a = enhanced("2024-02-29", "2030-12-31");
    char t[REQUIREMENTS_TITLE_LEN];

    (void)state;
    assert_true(agreement_year_starts_on(&a, day("2024-02-29")));
    assert_true(agreement_year_starts_on(&a, day("2025-02-28")));
    assert_false(agreement_year_starts_on(&a, day("2025-03-01")));
    assert_false(agreement_year_starts_on(&a, day("2031-02-28"))); /* after the term */
    assert_false(agreement_year_starts_on(&a, day("2023-02-28")));
    requirements_title(day("2027-01-01"), t);
    assert_string_equal(t, "Requirements for 2027");
    requirements_title(day("2027-04-01"), t);
    assert_string_equal(t, "Requirements for the year from 2027-04-01");
}

static void test_lapse_thresholds_due(void **state)
{
    struct lapse_days l = {{60, 14}, 2};
    int64_t last = day("2027-03-31");

    (void)state;
    assert_int_equal(lapse_notices_due(&l, last, day("2027-01-30")), 0);
    assert_int_equal(lapse_notices_due(&l, last, day("2027-01-31")), 1); /* 60 days left */
    assert_int_equal(lapse_notices_due(&l, last, day("2027-03-17")), 1);
    assert_int_equal(lapse_notices_due(&l, last, day("2027-03-18")), 3); /* 14 days left */
    assert_int_equal(lapse_notices_due(&l, last, day("2027-03-31")), 3);
    assert_int_equal(lapse_notices_due(&l, last, day("2027-04-01")), 0); /* lapsed */
}

static void test_lapse_year_end_of_term(void **state)
{
    struct agreement a = enhanced("2026-04-01", "2026-12-31");
    int64_t last = 0;

    (void)state;
    assert_true(lapse_year_end(&a, day("2026-10-01"), &last));
    assert_int_equal(last, day("2026-12-31")); /* the term ends before the year */
    a.ends_on = DATE_NONE;
    assert_true(lapse_year_end(&a, day("2026-10-01"), &last));
    assert_int_equal(last, day("2027-03-31"));
    a.status = AS_REQUESTED;
    assert_false(lapse_year_end(&a, day("2026-10-01"), &last));
}

static void test_lapse_text_names_hours_and_services(void **state)
{
    struct lapse_text t = {7, 750, day("2026-04-01"), day("2027-03-31"), 1u << 0 | 1u << 7};
    struct strbuf subject = STRBUF_INIT, body = STRBUF_INIT;

    (void)state;
    lapse_notice_render(&t, &subject, &body);
    assert_string_equal(subject.buf, "Agreement #7: 12.50 unused hours lapse after 2027-03-31");
    assert_non_null(strstr(body.buf, "nothing carries over"));
    assert_non_null(strstr(body.buf, "- operator training\n- annual health checks\n"));
    assert_null(strstr(body.buf, "database migrations"));
    strbuf_reset(&body);
    t.services = 0; /* none named: every supplemental service */
    lapse_notice_render(&t, &subject, &body);
    assert_non_null(strstr(body.buf, "- database migrations\n"));
    strbuf_release(&subject);
    strbuf_release(&body);
}

static void test_lapse_days_setting(void **state)
{
    struct strbuf err = STRBUF_INIT;
    struct lapse_days l;
    struct conf c;

    (void)state;
    conf_init(&c);
    l = lapse_days_of(&c);
    assert_int_equal(l.n, 2);
    assert_int_equal(l.days[0], 60);
    assert_int_equal(l.days[1], 14);
    assert_int_equal(conf_set(&c, "lapse-notice-days", " 90, 30 ,7", &err), 0);
    l = lapse_days_of(&c);
    assert_int_equal(l.n, 3);
    assert_int_equal(l.days[2], 7);
    assert_int_equal(conf_set(&c, "lapse-notice-days", "30,30", &err), DESK_EINVAL);
    assert_int_equal(conf_set(&c, "lapse-notice-days", "0", &err), DESK_EINVAL);
    assert_int_equal(conf_set(&c, "lapse-notice-days", "400", &err), DESK_EINVAL);
    assert_int_equal(conf_set(&c, "lapse-notice-days", "14,", &err), DESK_EINVAL);
    assert_int_equal(conf_set(&c, "lapse-notice-days", "1,2,3,4,5,6,7,8,9", &err), DESK_EINVAL);
    assert_non_null(strstr(err.buf, "lapse-notice-days"));
    assert_int_equal(conf_set(&c, "lapse-notice-days", "", &err), 0);
    assert_int_equal(lapse_days_of(&c).n, 0); /* set empty: none */
    assert_int_equal(requirements_lead_days_of(&c), 60);
    conf_release(&c);
    strbuf_release(&err);
}

SUITE(requirements, cmocka_unit_test(test_task_due_lead_days_before_next_year),
      cmocka_unit_test(test_task_not_due_outside_the_term),
      cmocka_unit_test(test_year_starts_and_titles),
      cmocka_unit_test(test_lapse_thresholds_due),
      cmocka_unit_test(test_lapse_year_end_of_term),
      cmocka_unit_test(test_lapse_text_names_hours_and_services),
      cmocka_unit_test(test_lapse_days_setting))
