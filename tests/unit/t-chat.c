/*
 * t-chat.c - live chat: statuses, who may do what in which status, idleness and the
 * lines a chat takes (domain/chat.h).
 */
#include "test.h"
#include "core/err.h"
#include "domain/chat.h"

static void test_statuses_parse(void **state)
{
    enum chat_status s = CHAT_CLOSED;

    (void)state;
    for (int i = 0; chat_status_names[i]; i++) {
        assert_int_equal(chat_status_parse(chat_status_names[i], &s), 0);
        assert_string_equal(chat_status_name(s), chat_status_names[i]);
    }
    assert_int_equal(chat_status_parse("Waiting", &s), DESK_EINVAL);
    assert_int_equal(chat_status_parse("", &s), DESK_EINVAL);
    assert_int_equal(chat_status_parse(NULL, &s), DESK_EINVAL);
}

static void test_waiting_takes_the_customer_and_an_accept(void **state)
{
    const char *why;

    (void)state;
    assert_int_equal(chat_decide(CHAT_WAITING, CHAT_ACT_MESSAGE, false, &why), 0);
    assert_int_equal(chat_decide(CHAT_WAITING, CHAT_ACT_ACCEPT, true, &why), 0);
    assert_int_equal(chat_decide(CHAT_WAITING, CHAT_ACT_CLOSE, false, &why), 0);
    assert_int_equal(chat_decide(CHAT_WAITING, CHAT_ACT_CLOSE, true, &why), 0);
    assert_int_equal(chat_decide(CHAT_WAITING, CHAT_ACT_MESSAGE, true, &why), DESK_ECONFLICT);
    assert_string_equal(why, "waits for an agent: accept it first");
}

static void test_active_takes_both_sides_once_accepted(void **state)
{
    const char *why;

    (void)state;
    assert_int_equal(chat_decide(CHAT_ACTIVE, CHAT_ACT_MESSAGE, false, &why), 0);
    assert_int_equal(chat_decide(CHAT_ACTIVE, CHAT_ACT_MESSAGE, true, &why), 0);
    assert_int_equal(chat_decide(CHAT_ACTIVE, CHAT_ACT_ACCEPT, true, &why), DESK_ECONFLICT);
    assert_string_equal(why, "was accepted already");
}

static void test_closed_takes_nothing_and_customers_never_accept(void **state)
{
    const char *why;

    (void)state;
    for (int act = CHAT_ACT_MESSAGE; act <= CHAT_ACT_CLOSE; act++) {
        assert_int_equal(chat_decide(CHAT_CLOSED, (enum chat_act)act, true, &why),
                         DESK_ECONFLICT);
        assert_string_equal(why, "is closed");
    }
    assert_int_equal(chat_decide(CHAT_WAITING, CHAT_ACT_ACCEPT, false, &why), DESK_EDENIED);
    assert_int_equal(chat_decide(CHAT_CLOSED, CHAT_ACT_ACCEPT, false, &why), DESK_EDENIED);
}

static void test_idle_counts_from_the_last_line(void **state)
{
    (void)state;
    assert_false(chat_idle(CHAT_ACTIVE, 1000, 1000 + 1799, 1800));
    assert_true(chat_idle(CHAT_ACTIVE, 1000, 1000 + 1800, 1800));
    assert_true(chat_idle(CHAT_WAITING, 1000, 99999, 1800));
    assert_false(chat_idle(CHAT_CLOSED, 1000, 99999, 1800));
}

static void test_lines_must_be_visible_and_short(void **state)
{
    char big[CHAT_MESSAGE_MAX + 2];

    (void)state;
    assert_null(chat_text_problem("hello", 5));
    assert_null(chat_text_problem("two\nlines", 9));
    assert_null(chat_text_problem("\xc3\xa6\xc3\xb8", 4)); /* "æø": visible */
    assert_string_equal(chat_text_problem("", 0), "must not be blank");
    assert_string_equal(chat_text_problem(" \t\n ", 4), "must not be blank");
    assert_string_equal(chat_text_problem("a\0b", 3), "must not contain NUL");
    assert_string_equal(chat_text_problem("\xff", 1), "is not valid UTF-8");
    memset(big, 'x', sizeof(big) - 1);
    big[CHAT_MESSAGE_MAX] = '\0';
    assert_null(chat_text_problem(big, CHAT_MESSAGE_MAX));
    big[CHAT_MESSAGE_MAX] = 'x';
    big[CHAT_MESSAGE_MAX + 1] = '\0';
    assert_string_equal(chat_text_problem(big, CHAT_MESSAGE_MAX + 1),
                        "must have at most 4000 characters");
}

SUITE(chat, cmocka_unit_test(test_statuses_parse),
      cmocka_unit_test(test_waiting_takes_the_customer_and_an_accept),
      cmocka_unit_test(test_active_takes_both_sides_once_accepted),
      cmocka_unit_test(test_closed_takes_nothing_and_customers_never_accept),
      cmocka_unit_test(test_idle_counts_from_the_last_line),
      cmocka_unit_test(test_lines_must_be_visible_and_short))
