/*
 * t-alert.c - monitoring alerts: the severity mapping and what an alert does
 * to its request (domain/alert.h).
 */
#include "test.h"
#include "core/err.h"
#include "domain/alert.h"

static enum severity mapped(const char *s)
{
    enum severity out = SEV_COUNT;

    if (alert_severity_map(s, &out) < 0)
        fail_msg("'%s' rejected", s);
    return out;
}

static void test_monitoring_severities_map_onto_a_to_d(void **state)
{
    (void)state;
    assert_int_equal(mapped("critical"), SEV_A);
    assert_int_equal(mapped("major"), SEV_B);
    assert_int_equal(mapped("minor"), SEV_C);
    assert_int_equal(mapped("warning"), SEV_D);
    assert_int_equal(mapped("info"), SEV_D);
}

static void test_desk_severities_stay_as_they_are(void **state)
{
    (void)state;
    assert_int_equal(mapped("A"), SEV_A);
    assert_int_equal(mapped("B"), SEV_B);
    assert_int_equal(mapped("C"), SEV_C);
    assert_int_equal(mapped("D"), SEV_D);
}

static void test_other_severities_are_refused(void **state)
{
    enum severity out = SEV_B;

    (void)state;
    assert_int_equal(alert_severity_map("Critical", &out), DESK_EINVAL); /* exact names */
    assert_int_equal(alert_severity_map("a", &out), DESK_EINVAL);
    assert_int_equal(alert_severity_map("", &out), DESK_EINVAL);
    assert_int_equal(alert_severity_map("E", &out), DESK_EINVAL);
    assert_int_equal(alert_severity_map(NULL, &out), DESK_EINVAL);
    assert_int_equal(out, SEV_B); /* untouched */
}

static void test_every_listed_severity_maps(void **state)
{
    enum severity out;

    (void)state;
    for (const char *const *s = alert_severity_names; *s; s++)
        assert_int_equal(alert_severity_map(*s, &out), 0);
}

static void test_statuses_parse(void **state)
{
    enum alert_status st = ALERT_FIRING;

    (void)state;
    assert_int_equal(alert_status_parse("resolved", &st), 0);
    assert_int_equal(st, ALERT_RESOLVED);
    assert_string_equal(alert_status_name(ALERT_FIRING), "firing");
    assert_int_equal(alert_status_parse("ok", &st), DESK_EINVAL);
}

static void test_firing_folds_into_an_open_request_only(void **state)
{
    (void)state;
    assert_int_equal(alert_decide(false, false, ALERT_FIRING, ALERT_FIRING), ALERT_OPEN_REQUEST);
    assert_int_equal(alert_decide(true, true, ALERT_FIRING, ALERT_FIRING), ALERT_FOLD);
    assert_int_equal(alert_decide(true, true, ALERT_RESOLVED, ALERT_FIRING), ALERT_FOLD);
    /* the request was resolved or closed: a new one */
    assert_int_equal(alert_decide(true, false, ALERT_FIRING, ALERT_FIRING), ALERT_OPEN_REQUEST);
    assert_int_equal(alert_decide(true, false, ALERT_RESOLVED, ALERT_FIRING),
                     ALERT_OPEN_REQUEST);
}

static void test_resolved_notes_once_and_never_opens(void **state)
{
    (void)state;
    assert_int_equal(alert_decide(true, true, ALERT_FIRING, ALERT_RESOLVED), ALERT_FOLD_NOTE);
    assert_int_equal(alert_decide(true, true, ALERT_RESOLVED, ALERT_RESOLVED), ALERT_FOLD);
    assert_int_equal(alert_decide(true, false, ALERT_FIRING, ALERT_RESOLVED), ALERT_FOLD);
    assert_int_equal(alert_decide(false, false, ALERT_FIRING, ALERT_RESOLVED), ALERT_NONE);
}

SUITE(alert, cmocka_unit_test(test_monitoring_severities_map_onto_a_to_d),
      cmocka_unit_test(test_desk_severities_stay_as_they_are),
      cmocka_unit_test(test_other_severities_are_refused),
      cmocka_unit_test(test_every_listed_severity_maps), cmocka_unit_test(test_statuses_parse),
      cmocka_unit_test(test_firing_folds_into_an_open_request_only),
      cmocka_unit_test(test_resolved_notes_once_and_never_opens))
