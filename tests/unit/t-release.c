/*
 * t-release.c - how an installation change moves: proposed, approved, declined, scheduled,
 * installed, and when the sweep applies it (domain/release.h).
 */
#include "test.h"
#include "core/err.h"
#include "domain/release.h"

static const int64_t now = 1800000000;

static void test_new_change_status(void **state)
{
    (void)state;
    assert_int_equal(change_status_new(false, now, now), CS_INSTALLED);
    assert_int_equal(change_status_new(false, now - 86400, now), CS_INSTALLED);
    assert_int_equal(change_status_new(false, now + 1, now), CS_SCHEDULED);
    assert_int_equal(change_status_new(true, now + 86400, now), CS_PROPOSED);
    assert_int_equal(change_status_new(true, now - 1, now), CS_PROPOSED);
}

static enum change_status after(enum change_status from, enum change_action act, int64_t at,
                                int rc_want)
{
    enum change_status to = (enum change_status)-1;

    assert_int_equal(change_status_after(from, act, at, now, &to), rc_want);
    return to;
}

static void test_approve_and_decline(void **state)
{
    (void)state;
    assert_int_equal(after(CS_PROPOSED, CA_APPROVE, now, 0), CS_INSTALLED);
    assert_int_equal(after(CS_PROPOSED, CA_APPROVE, now - 10, 0), CS_INSTALLED);
    assert_int_equal(after(CS_PROPOSED, CA_APPROVE, now + 10, 0), CS_APPROVED);
    assert_int_equal(after(CS_PROPOSED, CA_DECLINE, now + 10, 0), CS_DECLINED);
    /* only a proposed change is decided, once */
    for (int s = CS_APPROVED; s <= CS_INSTALLED; s++) {
        after((enum change_status)s, CA_APPROVE, now, DESK_ECONFLICT);
        after((enum change_status)s, CA_DECLINE, now, DESK_ECONFLICT);
    }
}

static void test_apply_when_due(void **state)
{
    (void)state;
    assert_int_equal(after(CS_SCHEDULED, CA_APPLY, now, 0), CS_INSTALLED);
    assert_int_equal(after(CS_APPROVED, CA_APPLY, now - 1, 0), CS_INSTALLED);
    after(CS_SCHEDULED, CA_APPLY, now + 1, DESK_ECONFLICT); /* not yet */
    after(CS_PROPOSED, CA_APPLY, now - 1, DESK_ECONFLICT);  /* never without approval */
    after(CS_DECLINED, CA_APPLY, now - 1, DESK_ECONFLICT);
    after(CS_INSTALLED, CA_APPLY, now - 1, DESK_ECONFLICT); /* applied once */
    assert_true(change_due(CS_SCHEDULED, now, now));
    assert_false(change_due(CS_SCHEDULED, now + 1, now));
    assert_false(change_due(CS_PROPOSED, now - 1, now));
    assert_true(change_applies(CS_INSTALLED));
    assert_false(change_applies(CS_APPROVED));
}

static void test_status_names(void **state)
{
    enum change_status s;

    (void)state;
    for (int i = CS_PROPOSED; i <= CS_INSTALLED; i++) {
        assert_int_equal(change_status_parse(change_status_name((enum change_status)i), &s), 0);
        assert_int_equal(s, i);
    }
    assert_string_equal(change_status_name(CS_SCHEDULED), "scheduled");
    assert_int_equal(change_status_parse("pending", &s), DESK_EINVAL);
    assert_int_equal(change_status_parse(NULL, &s), DESK_EINVAL);
}

SUITE(release, cmocka_unit_test(test_new_change_status),
      cmocka_unit_test(test_approve_and_decline), cmocka_unit_test(test_apply_when_due),
      cmocka_unit_test(test_status_names))
