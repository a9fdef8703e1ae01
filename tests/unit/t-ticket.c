#include "test.h"
#include "fixture.h"
#include "core/err.h"
#include "domain/calendar.h"
#include "domain/notice.h"
#include "domain/ticket.h"
#include "domain/ticket_sla.h"
#include "http/api/api.h"
#include "http/pages/pages.h"

/* Every status move, for each role, against SPEC 5's graph. */
static void test_status_machine(void **state)
{
    int64_t now = fx_time("2026-11-20T12:00:00Z");
    int64_t fresh = now - 86400, stale = now - 15 * 86400;

    (void)state;
    /* staff: the graph */
    assert_int_equal(ticket_move_check(ROLE_AGENT, TS_NEW, TS_IN_PROGRESS, 0, now), 0);
    assert_int_equal(ticket_move_check(ROLE_AGENT, TS_NEW, TS_RESOLVED, 0, now), DESK_ECONFLICT);
    assert_int_equal(ticket_move_check(ROLE_AGENT, TS_IN_PROGRESS, TS_WAITING_CUSTOMER, 0, now),
                     0);
    assert_int_equal(ticket_move_check(ROLE_AGENT, TS_WAITING_CUSTOMER, TS_RESOLVED, 0, now), 0);
    assert_int_equal(ticket_move_check(ROLE_AGENT, TS_IN_PROGRESS, TS_NEW, 0, now),
                     DESK_ECONFLICT);
    assert_int_equal(ticket_move_check(ROLE_ADMIN, TS_RESOLVED, TS_CLOSED, fresh, now), 0);
    assert_int_equal(ticket_move_check(ROLE_AGENT, TS_RESOLVED, TS_IN_PROGRESS, fresh, now), 0);
    assert_int_equal(ticket_move_check(ROLE_AGENT, TS_RESOLVED, TS_IN_PROGRESS, stale, now),
                     DESK_ECONFLICT); /* after the 14-day window */
    assert_int_equal(ticket_move_check(ROLE_AGENT, TS_CLOSED, TS_IN_PROGRESS, fresh, now),
                     DESK_ECONFLICT);
    assert_int_equal(ticket_move_check(ROLE_AGENT, TS_CLOSED, TS_CLOSED, fresh, now), 0);
    /* customers: reopen, close a resolved request, resume a waiting one; the rest 403 */
    assert_int_equal(ticket_move_check(ROLE_CUSTOMER, TS_RESOLVED, TS_IN_PROGRESS, fresh, now), 0);
    assert_int_equal(ticket_move_check(ROLE_CUSTOMER, TS_RESOLVED, TS_CLOSED, fresh, now), 0);
    assert_int_equal(ticket_move_check(ROLE_CUSTOMER, TS_WAITING_CUSTOMER, TS_IN_PROGRESS, 0, now),
                     0);
    assert_int_equal(ticket_move_check(ROLE_CUSTOMER, TS_NEW, TS_IN_PROGRESS, 0, now),
                     DESK_EDENIED);
    assert_int_equal(ticket_move_check(ROLE_CUSTOMER, TS_IN_PROGRESS, TS_RESOLVED, 0, now),
                     DESK_EDENIED);
    assert_int_equal(ticket_move_check(ROLE_CUSTOMER, TS_NEW, TS_CLOSED, 0, now), DESK_ECONFLICT);
    assert_int_equal(ticket_move_check(ROLE_CUSTOMER, TS_RESOLVED, TS_IN_PROGRESS, stale, now),
                     DESK_ECONFLICT);
}

static void test_reply_effects(void **state)
{
    int64_t now = fx_time("2026-11-20T12:00:00Z");
    enum ticket_status to;

    (void)state;
    assert_int_equal(ticket_reply_effect(ROLE_CUSTOMER, false, TS_WAITING_CUSTOMER, 0, now, &to),
                     0);
    assert_int_equal(to, TS_IN_PROGRESS);
    assert_int_equal(ticket_reply_effect(ROLE_CUSTOMER, false, TS_RESOLVED, now - 3600, now, &to),
                     0);
    assert_int_equal(to, TS_IN_PROGRESS); /* a reply inside the window reopens */
    assert_int_equal(
        ticket_reply_effect(ROLE_CUSTOMER, false, TS_RESOLVED, now - 15 * 86400, now, &to),
        DESK_ECONFLICT);
    assert_int_equal(ticket_reply_effect(ROLE_AGENT, false, TS_WAITING_CUSTOMER, 0, now, &to), 0);
    assert_int_equal(to, TS_WAITING_CUSTOMER); /* staff replies do not move it */
    assert_int_equal(ticket_reply_effect(ROLE_AGENT, true, TS_CLOSED, 0, now, &to),
                     DESK_ECONFLICT);
    assert_int_equal(ticket_default_severity(TT_ASSISTANCE), SEV_D);
    assert_int_equal(ticket_default_severity(TT_ERROR), SEV_C);
}

/* The decisions the store applies to a request it read (domain/ticket.h). */
static void test_change_decisions(void **state)
{
    int64_t now = 1790000000;
    struct ticket t = {0};

    (void)state;
    t.status = TS_NEW;
    ticket_move(&t, ROLE_CUSTOMER, TS_IN_PROGRESS, now);
    assert_int_equal(t.handling_initiated_at, 0); /* only staff initiate handling */
    t.status = TS_NEW;
    assert_int_equal(ticket_status_change(&t, ROLE_AGENT, true, TS_IN_PROGRESS, now), 0);
    assert_int_equal(t.status, TS_IN_PROGRESS);
    assert_int_equal(t.handling_initiated_at, now);
    assert_int_equal(ticket_status_change(&t, ROLE_AGENT, true, TS_RESOLVED, now + 60), 0);
    assert_int_equal(t.resolved_at, now + 60);
    /* a customer's public reply reopens; a staff reply restarts the update clock */
    assert_int_equal(ticket_reply(&t, ROLE_CUSTOMER, false, now + 120), 0);
    assert_int_equal(t.status, TS_IN_PROGRESS);
    assert_int_equal(t.last_staff_reply_at, 0);
    assert_int_equal(ticket_reply(&t, ROLE_AGENT, true, now + 180), 0);
    assert_int_equal(t.last_staff_reply_at, 0); /* a note is not a reply */
    assert_int_equal(ticket_reply(&t, ROLE_AGENT, false, now + 240), 0);
    assert_int_equal(t.last_staff_reply_at, now + 240);
    assert_int_equal(t.handling_initiated_at, now); /* kept from the first */
    assert_int_equal(ticket_escalate(&t), 0);
    assert_int_equal(t.escalation_level, 1);
    /* closed is final: no patch, reply or escalation changes it */
    t.status = TS_CLOSED;
    assert_int_equal(ticket_status_change(&t, ROLE_ADMIN, false, TS_NEW, now), DESK_ECONFLICT);
    assert_int_equal(ticket_status_change(&t, ROLE_ADMIN, true, TS_CLOSED, now), 0);
    assert_int_equal(ticket_reply(&t, ROLE_AGENT, false, now), DESK_ECONFLICT);
    assert_int_equal(ticket_escalate(&t), DESK_ECONFLICT);
    assert_int_equal(t.escalation_level, 1);
    t.status = TS_WAITING_CUSTOMER;
    assert_int_equal(ticket_status_change(&t, ROLE_CUSTOMER, true, TS_RESOLVED, now),
                     DESK_EDENIED);
    assert_int_equal(t.status, TS_WAITING_CUSTOMER);
}

/* Who hears of what (domain/notice.h), and each address once. */
static void test_notice_audience(void **state)
{
    json_t *list = json_pack("[s,s,s,s,s]", "Ca@acme.test", "ca@ACME.test", "", "loop@x.test",
                             "boss@vendor.test");
    char *to;

    (void)state;
    assert_int_equal(notice_audience(NOTICE_RECEIVED, false, false), NOTICE_TO_CUSTOMER);
    assert_int_equal(notice_audience(NOTICE_STATUS, true, false), NOTICE_TO_CUSTOMER);
    assert_int_equal(notice_audience(NOTICE_REPLY, true, false), NOTICE_TO_CUSTOMER);
    assert_int_equal(notice_audience(NOTICE_REPLY, false, false), NOTICE_TO_ASSIGNEE);
    assert_int_equal(notice_audience(NOTICE_REPLY, true, true), 0);
    assert_int_equal(notice_audience(NOTICE_ESCALATION, false, false),
                     NOTICE_TO_ASSIGNEE | NOTICE_TO_ESCALATION);
    to = notice_recipients(list, "LOOP@x.test");
    assert_string_equal(to, "[\"Ca@acme.test\",\"boss@vendor.test\"]");
    free(to);
    assert_null(notice_recipients(json_pack("[s]", "loop@x.test"), "loop@x.test"));
}

static void test_hours_to_seconds(void **state)
{
    (void)state;
    assert_int_equal(hours_to_seconds(1.5), 5400);
    assert_int_equal(hours_to_seconds(4), 14400);
    assert_int_equal(hours_to_seconds(0.0001), 0);    /* 0.36 s rounds down */
    assert_int_equal(hours_to_seconds(0.000125), 0);  /* 0.45 s rounds down */
    assert_int_equal(hours_to_seconds(0.00014), 1);   /* 0.504 s rounds up */
}

/* Mon-Fri 09:00-17:00 UTC: the worked examples below count in whole hours. */
static const char office[] = "{\"timezone\":\"UTC\",\"hours\":{\"mon\":[\"09:00-17:00\"],"
                             "\"tue\":[\"09:00-17:00\"],\"wed\":[\"09:00-17:00\"],"
                             "\"thu\":[\"09:00-17:00\"],\"fri\":[\"09:00-17:00\"]}}";

#define H 3600

static void ticket_fixture(struct ticket *t, const struct calendar *cal,
                           const struct status_change *log, size_t n)
{
    memset(t, 0, sizeof(*t));
    t->cal = cal;
    t->targets = (struct sla_targets){4 * H, 8 * H, 16 * H, 750};
    t->received_at = fx_time("2026-11-16T09:00:00Z"); /* a Monday */
    t->log = log;
    t->nlog = n;
}

static void test_response_clock(void **state)
{
    struct calendar *cal = fx_calendar(office);
    struct status_change log[] = {{fx_time("2026-11-16T09:00:00Z"), TS_NEW}};
    struct ticket_clocks k;
    struct ticket t;

    (void)state;
    ticket_fixture(&t, cal, log, 1);
    /* 11:00: 2 of 4 hours used, due at 13:00 */
    assert_int_equal(ticket_clocks_compute(&t, fx_time("2026-11-16T11:00:00Z"), &k), 0);
    assert_int_equal(k.clock[CLOCK_RESPONSE].state, SLA_RUNNING);
    assert_int_equal(k.clock[CLOCK_RESPONSE].due_at, fx_time("2026-11-16T13:00:00Z"));
    assert_int_equal(k.clock[CLOCK_RESPONSE].working_secs, 2 * H);
    assert_int_equal(k.sort_due_at, fx_time("2026-11-16T13:00:00Z"));
    /* 12:00: 3 of 4 hours is exactly the 0.75 threshold */
    ticket_clocks_compute(&t, fx_time("2026-11-16T12:00:00Z"), &k);
    assert_int_equal(k.clock[CLOCK_RESPONSE].state, SLA_WARNING);
    /* 13:00 is the due time itself: not yet breached; one second later it is */
    ticket_clocks_compute(&t, fx_time("2026-11-16T13:00:00Z"), &k);
    assert_int_equal(k.clock[CLOCK_RESPONSE].state, SLA_WARNING);
    ticket_clocks_compute(&t, fx_time("2026-11-16T13:00:01Z"), &k);
    assert_int_equal(k.clock[CLOCK_RESPONSE].state, SLA_BREACHED);
    /* handling at 13:00 meets it, at 13:00:01 misses it */
    t.handling_initiated_at = fx_time("2026-11-16T13:00:00Z");
    ticket_clocks_compute(&t, fx_time("2026-11-20T09:00:00Z"), &k);
    assert_int_equal(k.clock[CLOCK_RESPONSE].state, SLA_MET);
    assert_int_equal(k.clock[CLOCK_RESPONSE].working_secs, 4 * H);
    t.handling_initiated_at = fx_time("2026-11-16T13:00:01Z");
    ticket_clocks_compute(&t, fx_time("2026-11-20T09:00:00Z"), &k);
    assert_int_equal(k.clock[CLOCK_RESPONSE].state, SLA_MISSED);
    /* no target: no clock */
    t.targets.response = 0;
    ticket_clocks_compute(&t, fx_time("2026-11-16T11:00:00Z"), &k);
    assert_int_equal(k.clock[CLOCK_RESPONSE].state, SLA_NONE);
    t.cal = NULL; /* not entitled: nothing at all */
    ticket_clocks_compute(&t, fx_time("2026-11-16T11:00:00Z"), &k);
    assert_int_equal(k.clock[CLOCK_RESOLUTION].state, SLA_NONE);
    calendar_free(cal);
}

/*
 * new Mon 09:00, in_progress Mon 10:00, waiting Mon 11:00, in_progress Tue 10:00.
 * The resolution clock (16 h) runs Mon 09-11 (2 h) and from Tue 10:00 on; paused
 * in between. The update clock (8 h) starts at the staff reply Mon 10:00.
 */
static void test_resolution_and_update_clocks(void **state)
{
    struct calendar *cal = fx_calendar(office);
    struct status_change log[] = {
        {fx_time("2026-11-16T09:00:00Z"), TS_NEW},
        {fx_time("2026-11-16T10:00:00Z"), TS_IN_PROGRESS},
        {fx_time("2026-11-16T11:00:00Z"), TS_WAITING_CUSTOMER},
        {fx_time("2026-11-17T10:00:00Z"), TS_IN_PROGRESS},
        {fx_time("2026-11-17T12:00:00Z"), TS_RESOLVED},
    };
    struct clock_segment segs[8];
    struct ticket_clocks k;
    struct ticket t;

    (void)state;
    ticket_fixture(&t, cal, log, 3); /* history up to the wait */
    t.handling_initiated_at = fx_time("2026-11-16T10:00:00Z");
    t.last_staff_reply_at = fx_time("2026-11-16T10:00:00Z");
    /* Mon 15:00, waiting: 2 h used; projected from now, 14 h more: Mon 15-17, Tue 9-17, Wed 9-13 */
    ticket_clocks_compute(&t, fx_time("2026-11-16T15:00:00Z"), &k);
    assert_int_equal(k.clock[CLOCK_RESOLUTION].state, SLA_PAUSED);
    assert_int_equal(k.clock[CLOCK_RESOLUTION].working_secs, 2 * H);
    assert_int_equal(k.clock[CLOCK_RESOLUTION].due_at, fx_time("2026-11-18T13:00:00Z"));
    assert_int_equal(k.clock[CLOCK_UPDATE].state, SLA_PAUSED);
    assert_int_equal(k.sort_due_at, 0); /* paused requests sort last */
    /* Tue 12:00, running again: Mon 9-11 + Tue 10-12 = 4 h; due Tue 10:00 + 14 h = Wed 16:00 */
    t.nlog = 4;
    ticket_clocks_compute(&t, fx_time("2026-11-17T12:00:00Z"), &k);
    assert_int_equal(k.clock[CLOCK_RESOLUTION].state, SLA_RUNNING);
    assert_int_equal(k.clock[CLOCK_RESOLUTION].working_secs, 4 * H);
    assert_int_equal(k.clock[CLOCK_RESOLUTION].due_at, fx_time("2026-11-18T16:00:00Z"));
    assert_int_equal(k.sort_due_at, fx_time("2026-11-18T16:00:00Z"));
    /* update: Mon 10-11 (1 h) + Tue 10-12 (2 h); due Tue 10:00 + 7 h = Tue 17:00 */
    assert_int_equal(k.clock[CLOCK_UPDATE].working_secs, 3 * H);
    assert_int_equal(k.clock[CLOCK_UPDATE].due_at, fx_time("2026-11-17T17:00:00Z"));
    assert_int_equal(ticket_clock_segments(&t, CLOCK_RESOLUTION, fx_time("2026-11-17T12:00:00Z"),
                                           segs, 8),
                     4);
    assert_int_equal(segs[2].mode, SEG_PAUSED);
    assert_int_equal(segs[2].working_secs, 0);
    assert_int_equal(segs[3].working_secs, 2 * H);
    /* resolved Tue 12:00 after 4 of 16 hours: met, stopped */
    t.nlog = 5;
    ticket_clocks_compute(&t, fx_time("2026-11-19T12:00:00Z"), &k);
    assert_int_equal(k.clock[CLOCK_RESOLUTION].state, SLA_MET);
    assert_int_equal(k.clock[CLOCK_RESOLUTION].working_secs, 4 * H);
    assert_int_equal(k.sort_due_at, 0);
    /* the same with a 3 h target: it was reached Tue 11:00, so resolving at 12:00 missed it */
    t.targets.resolution = 3 * H;
    ticket_clocks_compute(&t, fx_time("2026-11-19T12:00:00Z"), &k);
    assert_int_equal(k.clock[CLOCK_RESOLUTION].state, SLA_MISSED);
    assert_int_equal(k.clock[CLOCK_RESOLUTION].due_at, fx_time("2026-11-17T11:00:00Z"));
    /* and while it was still running, breached */
    t.nlog = 4;
    ticket_clocks_compute(&t, fx_time("2026-11-17T12:00:00Z"), &k);
    assert_int_equal(k.clock[CLOCK_RESOLUTION].state, SLA_BREACHED);
    calendar_free(cal);
}

/*
 * Response missed (handling at 14:00, due 13:00), resolution running and on track: the
 * headline is the missed response, in the pages as in the API (issue 16: the portal said "on
 * track" where the API said missed).
 */
static void test_headline(void **state)
{
    struct calendar *cal = fx_calendar(office);
    struct status_change log[] = {{fx_time("2026-11-16T09:00:00Z"), TS_NEW},
                                  {fx_time("2026-11-16T14:00:00Z"), TS_IN_PROGRESS}};
    int64_t now = fx_time("2026-11-16T15:00:00Z");
    struct ticket_clocks k;
    struct ticket t;
    json_t *page, *api;

    (void)state;
    ticket_fixture(&t, cal, log, 2);
    t.subject = "a subject";
    t.body = "";
    t.status = TS_IN_PROGRESS;
    t.handling_initiated_at = fx_time("2026-11-16T14:00:00Z");
    ticket_clocks_compute(&t, now, &k);
    assert_int_equal(k.clock[CLOCK_RESPONSE].state, SLA_MISSED);
    assert_int_equal(k.clock[CLOCK_RESOLUTION].state, SLA_RUNNING);
    assert_int_equal(ticket_clocks_headline(&k, true), CLOCK_RESPONSE);
    page = page_ticket_json(&t, now);
    api = ticket_to_json(&t, now);
    assert_string_equal(json_string_value(json_object_get(json_object_get(page, "sla"), "label")),
                        "response missed");
    assert_string_equal(json_string_value(json_object_get(json_object_get(page, "sla"), "state")),
                        json_string_value(json_object_get(json_object_get(api, "sla"), "state")));
    json_decref(page);
    json_decref(api);
    /* a breach outranks a miss; without either, the clock that runs */
    k.clock[CLOCK_UPDATE].state = SLA_BREACHED;
    assert_int_equal(ticket_clocks_headline(&k, true), CLOCK_UPDATE);
    k.clock[CLOCK_UPDATE].state = SLA_RUNNING;
    k.clock[CLOCK_RESPONSE].state = SLA_MET;
    assert_int_equal(ticket_clocks_headline(&k, true), CLOCK_RESOLUTION);
    assert_int_equal(ticket_clocks_headline(&k, false), CLOCK_RESPONSE);
    k.clock[CLOCK_RESOLUTION].state = SLA_NONE;
    assert_int_equal(ticket_clocks_headline(&k, true), CLOCK_RESPONSE);
    calendar_free(cal);
}

/* The way of staff moves toward closed, one step at a time (merging closes a duplicate). */
static void test_next_toward(void **state)
{
    (void)state;
    assert_int_equal(ticket_next_toward(TS_NEW, TS_CLOSED), TS_IN_PROGRESS);
    assert_int_equal(ticket_next_toward(TS_IN_PROGRESS, TS_CLOSED), TS_RESOLVED);
    assert_int_equal(ticket_next_toward(TS_WAITING_CUSTOMER, TS_CLOSED), TS_RESOLVED);
    assert_int_equal(ticket_next_toward(TS_RESOLVED, TS_CLOSED), TS_CLOSED);
    assert_int_equal(ticket_next_toward(TS_CLOSED, TS_CLOSED), TS_CLOSED);
    assert_int_equal(ticket_next_toward(TS_CLOSED, TS_NEW), TS_CLOSED); /* no way out */
    assert_int_equal(ticket_next_toward(TS_NEW, TS_WAITING_CUSTOMER), TS_IN_PROGRESS);
}

SUITE(ticket, cmocka_unit_test(test_status_machine), cmocka_unit_test(test_reply_effects),
      cmocka_unit_test(test_change_decisions), cmocka_unit_test(test_notice_audience),
      cmocka_unit_test(test_hours_to_seconds), cmocka_unit_test(test_response_clock),
      cmocka_unit_test(test_resolution_and_update_clocks), cmocka_unit_test(test_headline),
      cmocka_unit_test(test_next_toward))
