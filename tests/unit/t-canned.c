/*
 * t-canned.c - canned replies' placeholders (domain/canned.h).
 */
#include "test.h"
#include "core/err.h"
#include "domain/canned.h"

static void test_check(void **state)
{
    struct strbuf err = STRBUF_INIT;

    (void)state;
    assert_int_equal(canned_check("Hello {{requester_name}}, #{{ticket_id}} is due {{due}}.", &err),
                     0);
    assert_int_equal(canned_check("no placeholders at all { } }}", &err), 0);
    assert_int_equal(canned_check("Hi {{name}}", &err), DESK_EINVAL);
    assert_non_null(strstr(err.buf, "'{{name}}' is not a placeholder"));
    strbuf_reset(&err);
    assert_int_equal(canned_check("open {{requester_name", &err), DESK_EINVAL);
    strbuf_release(&err);
}

static void test_expand(void **state)
{
    const char *v[CP_COUNT] = {"Carl <Acme>", "carl@acme.test", "Acme", "42", "Meters stop",
                               NULL, "Agnes"};
    struct strbuf out = STRBUF_INIT;

    (void)state;
    canned_expand("Dear {{requester_name}} ({{organization}}), about #{{ticket_id}} "
                  "\"{{subject}}\": due {{due}}. -- {{agent_name}} {{agent_name}}",
                  v, &out);
    assert_string_equal(out.buf, "Dear Carl <Acme> (Acme), about #42 \"Meters stop\": due . "
                                 "-- Agnes Agnes");
    strbuf_reset(&out);
    canned_expand("{{requester_name}}{{requester_email}}", v, &out);
    assert_string_equal(out.buf, "Carl <Acme>carl@acme.test");
    strbuf_reset(&out);
    canned_expand("a {{unknown}} b {{", v, &out); /* not ours: kept as written */
    assert_string_equal(out.buf, "a {{unknown}} b {{");
    strbuf_release(&out);
}

SUITE(canned, cmocka_unit_test(test_check), cmocka_unit_test(test_expand))
