/*
 * t-imap.c - the IMAP lines the IDLE watch reads (mail/imap.h): new mail
 * announced (EXISTS, RECENT), IDLE among the capabilities, tagged answers.
 */
#include "test.h"
#include "mail/imap.h"

static bool new_mail(const char *s)
{
    return imap_line_new_mail(s, strlen(s));
}

static bool offers_idle(const char *s)
{
    return imap_line_offers_idle(s, strlen(s));
}

static int tagged(const char *s, const char *tag)
{
    return imap_line_tagged(s, strlen(s), tag);
}

static void test_new_mail(void **state)
{
    (void)state;
    assert_true(new_mail("* 3 EXISTS"));
    assert_true(new_mail("* 0 RECENT"));
    assert_true(new_mail("* 12345 exists"));
    assert_true(new_mail("* 1 Recent"));
    /* other untagged news is not new mail */
    assert_false(new_mail("* 3 EXPUNGE"));
    assert_false(new_mail("* 2 FETCH (FLAGS (\\Seen))"));
    assert_false(new_mail("* OK Still here"));
    assert_false(new_mail("+ idling"));
    /* malformed */
    assert_false(new_mail(""));
    assert_false(new_mail("*"));
    assert_false(new_mail("* EXISTS"));
    assert_false(new_mail("* x EXISTS"));
    assert_false(new_mail("*  3 EXISTS"));
    assert_false(new_mail("* 3EXISTS"));
    assert_false(new_mail("* 3 EXISTSX"));
    assert_false(new_mail("* 3 EXIST"));
    assert_false(new_mail("* 3 EXISTS "));
    assert_false(new_mail("sdi1 3 EXISTS"));
    /* the length counts, not a NUL */
    assert_false(imap_line_new_mail("* 3 EXISTS", 9));
    assert_true(imap_line_new_mail("* 3 EXISTS\r\n", 10));
}

static void test_offers_idle(void **state)
{
    (void)state;
    assert_true(offers_idle("* CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE "
                            "SORT SORT=DISPLAY THREAD=REFERENCES LITERAL+"));
    assert_true(offers_idle("* CAPABILITY IDLE"));
    assert_true(offers_idle("* capability imap4rev1 idle"));
    assert_true(offers_idle("* CAPABILITY IMAP4rev1  IDLE  "));
    /* without IDLE, or only something like it */
    assert_false(offers_idle("* CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE SORT"));
    assert_false(offers_idle("* CAPABILITY IMAP4rev1 IDLEX XIDLE NOTIFY"));
    assert_false(offers_idle("* CAPABILITY"));
    assert_false(offers_idle("* CAPABILITY "));
    /* not a CAPABILITY answer */
    assert_false(offers_idle("* OK IDLE"));
    assert_false(offers_idle("sdi1 CAPABILITY IDLE"));
    assert_false(offers_idle("* CAPABILITYIDLE"));
    assert_false(offers_idle(""));
    assert_false(imap_line_offers_idle("* CAPABILITY IDLE", 16));
}

static void test_tagged(void **state)
{
    (void)state;
    assert_int_equal(tagged("sdi1 OK CAPABILITY completed", "sdi1"), 1);
    assert_int_equal(tagged("sdi2 OK", "sdi2"), 1);
    assert_int_equal(tagged("sdi2 ok [READ-WRITE] Select completed", "sdi2"), 1);
    assert_int_equal(tagged("sdi3 NO [NONEXISTENT] Mailbox doesn't exist: Nope", "sdi3"), -1);
    assert_int_equal(tagged("sdi3 BAD Error in IMAP command", "sdi3"), -1);
    /* another tag, a longer tag, untagged lines, a continuation */
    assert_int_equal(tagged("sdi1 OK", "sdi2"), 0);
    assert_int_equal(tagged("sdi12 OK", "sdi1"), 0);
    assert_int_equal(tagged("sdi1 OKAY", "sdi1"), 0);
    assert_int_equal(tagged("sdi1", "sdi1"), 0);
    assert_int_equal(tagged("sdi1 ", "sdi1"), 0);
    assert_int_equal(tagged("* OK Logged in", "sdi1"), 0);
    assert_int_equal(tagged("+ idling", "sdi1"), 0);
    assert_int_equal(tagged("", "sdi1"), 0);
}

SUITE(imap, cmocka_unit_test(test_new_mail), cmocka_unit_test(test_offers_idle),
      cmocka_unit_test(test_tagged))
