/*
 * t-timeline.c - a request's audit rows in words (domain/timeline.h).
 */
#include "test.h"
#include "domain/timeline.h"

static const char *user(void *ctx, int64_t id)
{
    (void)ctx;
    return id == 2 ? "Agnes" : id == 5 ? "Bo" : NULL;
}
static const char *org(void *ctx, int64_t id)
{
    (void)ctx;
    return id == 1 ? "Acme" : NULL;
}

/* The words of one row of entity, or "-" when the history shows nothing of it. */
static const char *entity_words(const char *entity, const char *action, const char *before,
                                const char *after, struct strbuf *out)
{
    static const struct timeline_names nm = {user, org, NULL};

    strbuf_reset(out);
    return timeline_words(entity, action, before, after, &nm, out) ? out->buf : "-";
}

static const char *words(const char *action, const char *before, const char *after,
                         struct strbuf *out)
{
    return entity_words("ticket", action, before, after, out);
}

static void test_updates(void **state)
{
    struct strbuf out = STRBUF_INIT;
    const char *b = "{\"assignee_id\":0,\"billable\":false,\"escalation_level\":0,\"id\":7,"
                    "\"severity\":\"C\",\"status\":\"new\",\"type\":\"error\"}";

    (void)state;
    assert_string_equal(words("create", NULL, b, &out), "opened the request");
    assert_string_equal(words("update", b,
                              "{\"assignee_id\":2,\"billable\":false,\"severity\":\"B\","
                              "\"status\":\"in_progress\",\"type\":\"error\"}",
                              &out),
                        "changed the status from New to In progress; changed the severity from "
                        "C to B; assigned it to Agnes");
    assert_string_equal(words("update", "{\"assignee_id\":2,\"billable\":true}",
                              "{\"assignee_id\":5,\"billable\":false}", &out),
                        "reassigned it to Bo; marked it not billable");
    assert_string_equal(words("update", "{\"assignee_id\":5}", "{\"assignee_id\":0}", &out),
                        "unassigned it");
    assert_string_equal(words("update", "{\"assignee_id\":5}", "{\"assignee_id\":9}", &out),
                        "reassigned it to a user gone");
    assert_string_equal(words("update", b, b, &out), "-"); /* nothing it names changed */
    assert_string_equal(words("close", "{\"status\":\"resolved\"}", "{\"status\":\"closed\"}",
                              &out),
                        "changed the status from Resolved to Closed");
    strbuf_release(&out);
}

static void test_other_rows(void **state)
{
    struct strbuf out = STRBUF_INIT;

    (void)state;
    assert_string_equal(words("escalate", "{}", "{\"escalation_level\":2}", &out),
                        "escalated it (level 2)");
    assert_string_equal(words("triage", "{\"organization_id\":null}",
                              "{\"organization_id\":1,\"requester_id\":9}", &out),
                        "moved it to Acme");
    assert_string_equal(words("merge", NULL, "{\"into_id\":12}", &out), "merged it into #12");
    assert_string_equal(words("link", NULL, "{\"ticket_id\":3,\"kind\":\"parent\"}", &out),
                        "made #3 its parent");
    assert_string_equal(words("link", NULL, "{\"ticket_id\":4,\"kind\":\"related\"}", &out),
                        "linked it to #4");
    assert_string_equal(words("sla_warning", NULL, "response_warning", &out),
                        "the response target neared its due time (warning)");
    assert_string_equal(words("sla_breach", NULL, "update_breach@1767000000", &out),
                        "the update target was breached");
    assert_string_equal(words("sign_in", NULL, NULL, &out), "-");
    assert_string_equal(words("update", "not json", NULL, &out), "-");
    strbuf_release(&out);
}

static void test_time_entries(void **state)
{
    struct strbuf out = STRBUF_INIT;

    (void)state;
    assert_string_equal(entity_words("time_entry", "create", NULL,
                                     "{\"agreement_id\":3,\"kind\":\"billable\",\"minutes\":90,"
                                     "\"note\":\"fixed the export\",\"on\":\"2026-12-07\","
                                     "\"ticket_id\":7}",
                                     &out),
                        "logged 1:30 h of billable time on 2026-12-07: fixed the export");
    assert_string_equal(entity_words("time_entry", "create", NULL,
                                     "{\"kind\":\"internal\",\"minutes\":5,\"note\":\"\","
                                     "\"on\":\"2026-12-08\"}",
                                     &out),
                        "logged 0:05 h of internal time on 2026-12-08");
    /* a row written before the trail named what was logged */
    assert_string_equal(entity_words("time_entry", "create", NULL, NULL, &out), "logged time");
    assert_string_equal(entity_words("time_entry", "update", NULL, NULL, &out), "-");
    /* another entity's row is not the request's, even with an action the request knows */
    assert_string_equal(entity_words("message", "create", NULL, NULL, &out), "-");
    assert_string_equal(entity_words(NULL, "create", NULL, NULL, &out), "opened the request");
    strbuf_release(&out);
}

SUITE(timeline, cmocka_unit_test(test_time_entries), cmocka_unit_test(test_updates),
      cmocka_unit_test(test_other_rows))
