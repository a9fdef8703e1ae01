/*
 * t-authres.c - who sent a mail: the Authentication-Results parser (RFC 8601
 * examples and hostile input), which fields count (trusted authserv-id, the
 * topmost ones only, the From domain), signed reply addresses (made, read
 * back, tampered with), and mail_sender_verified on whole messages.
 */
#include "test.h"
#include "core/err.h"
#include "mail/authres.h"
#include "mail/inbound.h"
#include "mail/mime.h"
#include "mail/replyto.h"

static const uint8_t key[REPLYTO_KEY_LEN] = {1, 2, 3, 4, 5, 6, 7, 8, 9};

static int parse(const char *v, struct authres *ar, struct arena *a)
{
    return authres_parse(v, strlen(v), ar, a);
}

/* ---- the parser ------------------------------------------------------------------------- */

static void test_parse_examples(void **state)
{
    struct arena a = ARENA_INIT;
    struct authres ar;

    (void)state;
    assert_int_equal(parse(" example.org 1; none", &ar, &a), 0);
    assert_string_equal(ar.authserv_id, "example.org");
    assert_int_equal(ar.nresults, 0);
    assert_int_equal(parse("MX.Example.COM;\r\n\tdkim=pass (good signature) header.d=Acme.test "
                           "header.i=@acme.test header.b=AbC/+d=;\r\n spf=pass "
                           "smtp.mailfrom=ca@acme.test; dmarc=pass (p=reject dis=none) "
                           "header.from=acme.test",
                           &ar, &a),
                     0);
    assert_string_equal(ar.authserv_id, "mx.example.com");
    assert_int_equal(ar.nresults, 3);
    assert_string_equal(ar.results[0].method, "dkim");
    assert_string_equal(ar.results[0].result, "pass");
    assert_int_equal(ar.results[0].nprops, 3);
    assert_string_equal(ar.results[0].props[0].ptype, "header");
    assert_string_equal(ar.results[0].props[0].property, "d");
    assert_string_equal(ar.results[0].props[0].value, "Acme.test");
    assert_string_equal(ar.results[0].props[2].value, "AbC/+d=");
    assert_string_equal(ar.results[1].props[0].value, "ca@acme.test");
    assert_string_equal(ar.results[2].props[0].value, "acme.test");
    /* RFC 8601 appendix B: comments everywhere, a method version, a reason, quoted values */
    assert_int_equal(parse("example.com (a comment (nested)) ; auth=pass (cram-md5) "
                           "smtp.auth=sender@example.net; dkim/1 = fail reason=\"bad sig\" "
                           "header.i=\"joe \\\"q\\\" user\"@example.org",
                           &ar, &a),
                     0);
    assert_int_equal(ar.nresults, 2);
    assert_string_equal(ar.results[1].method, "dkim");
    assert_string_equal(ar.results[1].reason, "bad sig");
    assert_string_equal(ar.results[1].props[0].value, "joe \"q\" user@example.org");
    assert_int_equal(parse("\"quoted.id\"; dmarc=none header.from=x.test;", &ar, &a), 0);
    assert_string_equal(ar.authserv_id, "quoted.id");
    arena_release(&a);
}

static void test_parse_hostile(void **state)
{
    static const char *const bad[] = {
        "",                                  /* nothing */
        "   ",                               /* white space only */
        "mx.example.org",                    /* no result, not even none */
        "mx.example.org 2; dkim=pass",       /* an unknown version */
        "mx.example.org 99999999999; none",  /* an absurd one */
        "; dkim=pass header.d=acme.test",    /* no authserv-id */
        "mx.example.org; dkim",              /* no '=' */
        "mx.example.org; dkim=",             /* no result */
        "mx.example.org; =pass",             /* no method */
        "mx.example.org; dkim=pass header.d", /* a property without value */
        "mx.example.org; dkim=pass header=acme.test", /* no property name */
        "mx.example.org; dkim=pass (unterminated comment header.d=acme.test",
        "mx.example.org; dkim=pass header.d=\"unterminated",
        "mx.example.org; dkim=pass header.d=acme.test\\",
        "mx.example.org; none; dkim=pass header.d=acme.test", /* none, then more */
        "mx.example.org; dkim=pass reason=a reason=b",        /* two reasons */
        "mx.exa\x01mple.org; none",                          /* a control character */
        "mx.example.org; dkim=pass header.d=acme.test\x7f",
        "mx.\xc3\xa9xample.org; none",                      /* 8-bit authserv-id */
        "(((((((((deep))))))))) mx.example.org; none",        /* comments nested 9 deep */
        "mx.example.org;; dkim=pass",                         /* an empty resinfo */
    };
    struct arena a = ARENA_INIT;
    struct strbuf sb = STRBUF_INIT;
    struct authres ar;

    (void)state;
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        if (parse(bad[i], &ar, &a) != DESK_EINVAL)
            fail_msg("accepted: '%s'", bad[i]);
        assert_int_equal(ar.nresults, 0); /* a malformed field says nothing */
    }
    /* a NUL inside the value */
    assert_int_equal(authres_parse("mx.example.org; dkim=pass\0 header.d=a.test", 42, &ar, &a),
                     DESK_EINVAL);
    /* the authserv-id survives a malformed rest, so the field still takes its place */
    assert_int_equal(parse("mx.example.org; dkim=pass header.d=", &ar, &a), DESK_EINVAL);
    assert_string_equal(ar.authserv_id, "mx.example.org");
    /* too many results, too many properties, too long */
    strbuf_addstr(&sb, "mx.example.org");
    for (int i = 0; i <= AUTHRES_MAX_RESULTS; i++)
        strbuf_addstr(&sb, "; spf=pass");
    assert_int_equal(parse(sb.buf, &ar, &a), DESK_EINVAL);
    strbuf_reset(&sb);
    strbuf_addstr(&sb, "mx.example.org; dkim=pass");
    for (int i = 0; i <= AUTHRES_MAX_PROPS; i++)
        strbuf_addstr(&sb, " header.d=acme.test");
    assert_int_equal(parse(sb.buf, &ar, &a), DESK_EINVAL);
    strbuf_reset(&sb);
    strbuf_addstr(&sb, "mx.example.org; dkim=pass header.d=acme.test (");
    for (int i = 0; i < AUTHRES_MAX_LEN; i++)
        strbuf_addch(&sb, 'x');
    strbuf_addch(&sb, ')');
    assert_int_equal(parse(sb.buf, &ar, &a), DESK_EINVAL);
    /* deep but allowed nesting, and escapes inside comments */
    assert_int_equal(parse("mx.example.org (a (b (c \\) still c))); none", &ar, &a), 0);
    strbuf_release(&sb);
    arena_release(&a);
}

/* ---- which fields count ------------------------------------------------------------------ */

static bool vouches(const char *const *fields, size_t n, const char *trusted, int max,
                    const char *domain)
{
    struct arena a = ARENA_INIT;
    bool v = authres_vouches(fields, n, trusted, max, domain, &a);

    arena_release(&a);
    return v;
}

static void test_vouches(void **state)
{
    const char *dkim[] = {"mx.vendor.test; dkim=pass header.d=acme.test header.s=s1"};
    const char *dkim_i[] = {"mx.vendor.test; dkim=pass header.i=ca@ACME.test."};
    const char *dmarc[] = {"mx.vendor.test; spf=fail smtp.mailfrom=acme.test; "
                           "dmarc=pass header.from=acme.test"};
    const char *failing[] = {"mx.vendor.test; dkim=fail header.d=acme.test; "
                             "dmarc=fail header.from=acme.test; spf=pass smtp.mailfrom=acme.test"};
    /* ours on top (says nothing good), the sender's forgery with our id below it */
    const char *forged_below[] = {"mx.vendor.test; dkim=none",
                                  "mx.vendor.test; dkim=pass header.d=vendor.test"};
    /* another server's field on top, then ours */
    const char *other_first[] = {"mx.attacker.test; dkim=pass header.d=acme.test",
                                 "mx.vendor.test; dmarc=pass header.from=acme.test"};
    const char *malformed_ours[] = {"mx.vendor.test; dkim=pass header.d=",
                                    "mx.vendor.test; dkim=pass header.d=acme.test"};
    const char *two_ours[] = {"mx.vendor.test; dmarc=none header.from=acme.test",
                              "mx.vendor.test; dkim=pass header.d=acme.test"};

    (void)state;
    assert_true(vouches(dkim, 1, "mx.vendor.test", 1, "acme.test"));
    assert_true(vouches(dkim, 1, "other.test, MX.vendor.test", 1, "ACME.TEST"));
    assert_true(vouches(dkim_i, 1, "mx.vendor.test", 1, "acme.test"));
    assert_true(vouches(dmarc, 1, "mx.vendor.test", 1, "acme.test"));
    /* no trusted id configured: nothing is trusted */
    assert_false(vouches(dkim, 1, NULL, 1, "acme.test"));
    assert_false(vouches(dkim, 1, "", 1, "acme.test"));
    /* an untrusted authserv-id is ignored */
    assert_false(vouches(dkim, 1, "mx.other.test", 1, "acme.test"));
    assert_false(vouches(dkim, 1, "vendor.test", 1, "acme.test")); /* no suffix matching */
    /* a pass for another domain, a parent or a child domain */
    assert_false(vouches(dkim, 1, "mx.vendor.test", 1, "vendor.test"));
    assert_false(vouches(dkim, 1, "mx.vendor.test", 1, "eu.acme.test"));
    assert_false(vouches(dkim, 1, "mx.vendor.test", 1, "test"));
    assert_false(vouches(dmarc, 1, "mx.vendor.test", 1, "evil-acme.test"));
    /* spf=pass does not count; fail does not */
    assert_false(vouches(failing, 1, "mx.vendor.test", 1, "acme.test"));
    /* only the topmost trusted field(s) count */
    assert_false(vouches(forged_below, 2, "mx.vendor.test", 1, "vendor.test"));
    assert_true(vouches(other_first, 2, "mx.vendor.test", 1, "acme.test"));
    assert_false(vouches(other_first, 2, "mx.vendor.test", 1, "x.test"));
    assert_false(vouches(malformed_ours, 2, "mx.vendor.test", 1, "acme.test"));
    assert_false(vouches(two_ours, 2, "mx.vendor.test", 1, "acme.test"));
    assert_true(vouches(two_ours, 2, "mx.vendor.test", 2, "acme.test")); /* MTA adds two */
    assert_false(vouches(dkim, 1, "mx.vendor.test", 1, ""));
}

/* ---- signed reply addresses ------------------------------------------------------------- */

static void test_replyto(void **state)
{
    static const uint8_t other_key[REPLYTO_KEY_LEN] = {9};
    struct arena a = ARENA_INIT;
    const char *from = "Support Desk <Support@Vendor.test>";
    const char *addr = replyto_address(key, from, 12, "CA@acme.test", &a);
    char *t;

    (void)state;
    assert_non_null(addr);
    assert_int_equal(strncmp(addr, "support+12.", 11), 0);
    assert_int_equal(strlen(addr), strlen("support+12.") + 2 * REPLYTO_TAG_LEN + strlen("@vendor.test"));
    assert_string_equal(addr + strlen(addr) - 12, "@vendor.test");
    assert_int_equal(replyto_ticket(key, from, addr, "ca@acme.test", &a), 12);
    /* the MTA may change its case */
    t = arena_strdup(&a, addr);
    for (char *p = t; *p; p++)
        if (*p >= 'a' && *p <= 'z')
            *p = (char)(*p - 32);
    assert_int_equal(replyto_ticket(key, from, t, "ca@acme.test", &a), 12);
    /* another sender, another ticket's number, a changed tag, another key, another domain */
    assert_int_equal(replyto_ticket(key, from, addr, "cb@beta.test", &a), 0);
    t = arena_strdup(&a, addr);
    t[8] = '3'; /* support+32... */
    assert_int_equal(replyto_ticket(key, from, t, "ca@acme.test", &a), 0);
    t = arena_strdup(&a, addr);
    t[11] = t[11] == '0' ? '1' : '0';
    assert_int_equal(replyto_ticket(key, from, t, "ca@acme.test", &a), 0);
    assert_int_equal(replyto_ticket(other_key, from, addr, "ca@acme.test", &a), 0);
    assert_int_equal(replyto_ticket(key, "support@other.test", addr, "ca@acme.test", &a), 0);
    /* shapes that are not signed addresses */
    static const char *const shapes[] = {
        "support@vendor.test",
        "support+12@vendor.test",
        "support+12.@vendor.test",
        "support+.00112233445566778899@vendor.test",
        "support+012.00112233445566778899@vendor.test",
        "support+12.0011223344556677889@vendor.test",
        "support+12.001122334455667788990@vendor.test",
        "support+12.0011223344556677889g@vendor.test",
        "support+1234567890123456789.00112233445566778899@vendor.test",
        "other+12.00112233445566778899@vendor.test",
        "supportx+12.00112233445566778899@vendor.test",
        "+12.00112233445566778899@vendor.test",
        "nobody",
    };
    for (size_t i = 0; i < ARRAY_SIZE(shapes); i++)
        assert_int_equal(replyto_ticket(key, from, shapes[i], "ca@acme.test", &a), 0);
    assert_null(replyto_address(key, "nobody", 12, "ca@acme.test", &a));
    assert_null(replyto_address(key, from, 0, "ca@acme.test", &a));
    assert_null(replyto_address(key, from, 12, "not an address", &a));
    arena_release(&a);
}

/* ---- whole messages ---------------------------------------------------------------------- */

/* Is the sender of raw verified (with mail-trusted-authserv mx.vendor.test)? */
static bool verified(const char *raw, int64_t *ticket)
{
    struct mail_settings ms = {false, "support@vendor.test", "mx.vendor.test", 1};
    struct strbuf err = STRBUF_INIT;
    struct arena a = ARENA_INIT;
    struct mime_msg m;
    bool v;

    assert_int_equal(mime_parse(raw, strlen(raw), &m, &a, &err), 0);
    v = mail_sender_verified(&m, &ms, key, ticket, &a);
    strbuf_release(&err);
    arena_release(&a);
    return v;
}

static void test_sender_verified(void **state)
{
    struct arena a = ARENA_INIT;
    const char *addr = replyto_address(key, "support@vendor.test", 7, "ca@acme.test", &a);
    char raw[2048];
    int64_t t;

    (void)state;
    assert_false(verified("From: agent@vendor.test\nSubject: [#1] x\n\nforged\n", &t));
    assert_int_equal(t, 0);
    assert_true(verified("Authentication-Results: mx.vendor.test; dkim=pass header.d=acme.test\n"
                         "From: Carl <ca@acme.test>\nSubject: x\n\nbody\n",
                         &t));
    assert_int_equal(t, 0);
    /* folded, as MTAs write it */
    assert_true(verified("Authentication-Results: mx.vendor.test;\n\tdmarc=pass (p=none)\n"
                         "\theader.from=acme.test\nFrom: ca@acme.test\nSubject: x\n\nbody\n",
                         &t));
    /* the sender's own field below ours */
    assert_false(verified("Authentication-Results: mx.vendor.test; dkim=none\n"
                          "Received: from evil.test by mx.vendor.test\n"
                          "Authentication-Results: mx.vendor.test; dkim=pass header.d=vendor.test\n"
                          "From: agent@vendor.test\nSubject: [#1]\n\nforged\n",
                          &t));
    /* two From addresses, or two From fields */
    assert_false(verified("Authentication-Results: mx.vendor.test; dkim=pass header.d=acme.test\n"
                          "From: ca@acme.test, agent@vendor.test\nSubject: x\n\nbody\n",
                          &t));
    assert_false(verified("Authentication-Results: mx.vendor.test; dkim=pass header.d=acme.test\n"
                          "From: ca@acme.test\nFrom: agent@vendor.test\nSubject: x\n\nbody\n",
                          &t));
    /* the signed reply address, in To, Cc or Delivered-To */
    snprintf(raw, sizeof(raw), "From: Carl <CA@acme.test>\nTo: Support <%s>\nSubject: Re: x\n\nok\n",
             addr);
    assert_true(verified(raw, &t));
    assert_int_equal(t, 7);
    snprintf(raw, sizeof(raw),
             "Delivered-To: %s\nFrom: ca@acme.test\nTo: support@vendor.test\nCc: x@y.test, %s\n"
             "Subject: Re: x\n\nok\n",
             addr, addr);
    assert_true(verified(raw, &t));
    assert_int_equal(t, 7);
    /* ... but only for the recipient it was signed for */
    snprintf(raw, sizeof(raw), "From: cb@beta.test\nTo: %s\nSubject: Re: x\n\nok\n", addr);
    assert_false(verified(raw, &t));
    assert_int_equal(t, 0);
    arena_release(&a);
}

SUITE(authres, cmocka_unit_test(test_parse_examples), cmocka_unit_test(test_parse_hostile),
      cmocka_unit_test(test_vouches), cmocka_unit_test(test_replyto),
      cmocka_unit_test(test_sender_verified))
