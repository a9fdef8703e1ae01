/*
 * t-mime.c - inbound MIME (the corpus of tests/data/mail), charsets, HTML to
 * text, clean text, outbound messages read back, notice templates, and the
 * pure rules of inbound mail (mail_decide, the [#N] tag) and of the outbox
 * back-off.
 */
#include "test.h"
#include "fixture.h"
#include "core/err.h"
#include "domain/notice.h"
#include "jobs/outbox.h"
#include "mail/html.h"
#include "mail/inbound.h"
#include "mail/mime.h"
#include "mail/outbound.h"
#include "mail/replyto.h"
#include "mail/text.h"
#include "core/utf8.h"
#include "core/xalloc.h"
#include "store/store.h"

#define MAIL_DATA FX_DATA "mail/"

/* Parse a corpus file; the test fails when it is refused. */
static void parse_file(const char *name, struct mime_msg *m, struct arena *a)
{
    struct strbuf err = STRBUF_INIT;
    char path[256];
    size_t len;
    char *raw;

    snprintf(path, sizeof(path), MAIL_DATA "%s", name);
    raw = fx_read_file(path, &len);
    if (mime_parse(raw, len, m, a, &err) < 0)
        fail_msg("%s: %s", name, err.buf);
    free(raw);
    strbuf_release(&err);
}

static void assert_contains(const char *hay, const char *needle)
{
    if (!strstr(hay, needle))
        fail_msg("'%s' not in '%s'", needle, hay);
}

static void assert_lacks(const char *hay, const char *needle)
{
    if (strstr(hay, needle))
        fail_msg("'%s' found in '%s'", needle, hay);
}

/* Each corpus file: its Message-ID, sender, subject and a piece of its text. */
static void test_corpus_headers_and_text(void **state)
{
    static const struct {
        const char *file, *id, *from, *subject, *text;
    } cases[] = {
        {"plain-utf8.eml", "plain-utf8@acme.test", "ca@acme.test",
         "Meter readings stopped at 06:00", "concentrator Ørsted-7 stopped at 06:00 (≈ 1,200"},
        {"latin1-qp.eml", "latin1-qp@acme.test", "ca@acme.test", "Relevé bloqué depuis ce matin",
         "déjà redémarré, toujours en échec."},
        {"windows-1252.eml", "cp1252@acme.test", "ca@acme.test", "Invoice question",
         "“Smart quotes” cost 5 € – and so on…"},
        {"utf8-base64.eml", "utf8-b64@acme.test", "ca@acme.test", "Zählerstände fehlen – dringend",
         "Grüße aus Köln"},
        {"shift-jis.eml", "sjis@acme.test", "ca@acme.test", "読み取り停止",
         "メーターの読み取りが停止しました"},
        {"iso-2022-jp.eml", "jis@acme.test", "ca@acme.test", "会議", "会議の件です"},
        {"no-charset-utf8.eml", "nocharset-utf8@acme.test", "ca@acme.test", "No charset",
         "naïve café ✓"},
        {"no-charset-latin1.eml", "nocharset-latin1@acme.test", "ca@acme.test",
         "No charset, Latin-1 bytes", "Undeclared Latin-1: naïve café"},
        {"unknown-charset.eml", "unknown-charset@acme.test", "ca@acme.test", "Unknown charset",
         "bytes: café"},
        {"raw-8bit-header.eml", "raw8bit@acme.test", "ca@acme.test", "Zähler kaputt",
         "Raw 8-bit subject."},
        {"alternative.eml", "alternative@acme.test", "ca@acme.test", "Plain and HTML",
         "The plain version wins."},
        {"truncated.eml", "truncated@acme.test", "ca@acme.test", "Truncated in transit",
         "The beginning survives."},
    };

    (void)state;
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        struct arena a = ARENA_INIT;
        struct mime_msg m;
        parse_file(cases[i].file, &m, &a);
        assert_string_equal(m.message_id, cases[i].id);
        assert_string_equal(m.from, cases[i].from);
        assert_string_equal(m.subject, cases[i].subject);
        assert_contains(m.text, cases[i].text);
        assert_false(m.automatic);
        arena_release(&a);
    }
}

static void test_alternative_prefers_plain(void **state)
{
    struct arena a = ARENA_INIT;
    struct mime_msg m;

    (void)state;
    parse_file("alternative.eml", &m, &a);
    assert_lacks(m.text, "HTML-VERSION-LOSES");
    assert_int_equal(m.nfiles, 0);
    arena_release(&a);
}

static void test_html_only_becomes_text(void **state)
{
    struct arena a = ARENA_INIT;
    struct mime_msg m;

    (void)state;
    parse_file("html-only.eml", &m, &a);
    assert_string_equal(m.text, "Hello team,\n\n"
                                "The export fails with error 42 & stops <here>.\n\n"
                                "- first step\n- second step\n\n"
                                "See the status page <https://status.example.test/incident/7>.\n\n"
                                "> quoted earlier text\n\n"
                                "café €5 ☺");
    arena_release(&a);
}

static void test_attachments_kept(void **state)
{
    struct arena a = ARENA_INIT;
    struct mime_msg m;

    (void)state;
    parse_file("attachments.eml", &m, &a);
    assert_string_equal(m.text, "Two files attached.");
    assert_int_equal(m.nfiles, 3);
    assert_string_equal(m.files[0].filename, "report.pdf");
    assert_string_equal(m.files[0].content_type, "application/pdf");
    assert_int_equal(m.files[0].size, 48);
    assert_memory_equal(m.files[0].data, "%PDF-1.4\n", 9);
    assert_string_equal(m.files[1].filename, "Zähler Foto.png"); /* RFC 2231 */
    assert_string_equal(m.files[1].content_type, "image/png");
    assert_int_equal(m.files[1].size, 70);
    assert_string_equal(m.files[2].filename, "passwd"); /* no folders */
    arena_release(&a);
}

static void test_nested_parts(void **state)
{
    struct arena a = ARENA_INIT;
    struct mime_msg m;

    (void)state;
    parse_file("nested.eml", &m, &a);
    assert_string_equal(m.text, "Nested plain text with a soft break and é.");
    assert_int_equal(m.nfiles, 3);
    assert_string_equal(m.files[0].filename, "attachment-1.png");
    assert_string_equal(m.files[1].filename, "Original alarm.eml");
    assert_string_equal(m.files[1].content_type, "message/rfc822");
    assert_contains(m.files[1].data, "The original alarm text.");
    assert_string_equal(m.files[2].filename, "meters.csv");
    arena_release(&a);
}

static void test_malformed_best_effort(void **state)
{
    static const char *const files[] = {"bad-boundary.eml", "truncated.eml", "binary-junk.eml",
                                        "no-from.eml", "no-message-id.eml"};
    struct arena a = ARENA_INIT;
    struct mime_msg m;

    (void)state;
    for (size_t i = 0; i < ARRAY_SIZE(files); i++)
        parse_file(files[i], &m, &a);
    parse_file("bad-boundary.eml", &m, &a);
    assert_string_equal(m.text, "Text before a part that never ends.");
    parse_file("no-from.eml", &m, &a);
    assert_null(m.from);
    parse_file("no-message-id.eml", &m, &a);
    assert_null(m.message_id);
    parse_file("binary-junk.eml", &m, &a);
    assert_true(strlen(m.text) > 0);
    arena_release(&a);
}

static void test_refused_input(void **state)
{
    struct strbuf err = STRBUF_INIT;
    struct arena a = ARENA_INIT;
    struct mime_msg m;

    (void)state;
    assert_int_equal(mime_parse("", 0, &m, &a, &err), DESK_EINVAL);
    assert_string_equal(err.buf, "the message is empty");
    strbuf_reset(&err);
    assert_int_equal(mime_parse("just text\nno header\n", 20, &m, &a, &err), DESK_EINVAL);
    assert_contains(err.buf, "no header");
    strbuf_release(&err);
    arena_release(&a);
}

/* Parse a message given as text. */
static void parse_text(const char *raw, struct mime_msg *m, struct arena *a)
{
    struct strbuf err = STRBUF_INIT;

    if (mime_parse(raw, strlen(raw), m, a, &err) < 0)
        fail_msg("%s", err.buf);
    strbuf_release(&err);
}

static void test_automatic_mail(void **state)
{
    static const struct {
        const char *header;
        bool automatic;
    } cases[] = {
        {"Auto-Submitted: auto-replied\n", true},
        {"Auto-Submitted: auto-generated; type=bounce\n", true},
        {"Auto-Submitted: No\n", false},
        {"Precedence: bulk\n", true},
        {"Precedence: junk\n", true},
        {"Precedence: list\n", true},
        {"Precedence: first-class\n", false},
        {"Return-Path: <>\n", true},
        {"Return-Path: <ca@acme.test>\n", false},
        {"List-Id: <news.acme.test>\n", true},
        {"X-Auto-Response-Suppress: OOF, AutoReply\n", true},
    };
    struct arena a = ARENA_INIT;
    struct mime_msg m;

    (void)state;
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        char *raw =
            arena_sprintf(&a, "From: ca@acme.test\n%sSubject: x\n\nbody\n", cases[i].header);
        parse_text(raw, &m, &a);
        if (m.automatic != cases[i].automatic)
            fail_msg("%s: automatic %d", cases[i].header, m.automatic);
    }
    parse_text("From: MAILER-DAEMON@mx.acme.test\nSubject: Undelivered\n\nx\n", &m, &a);
    assert_true(m.automatic);
    arena_release(&a);
}

static void test_references_order(void **state)
{
    struct arena a = ARENA_INIT;
    struct mime_msg m;

    (void)state;
    parse_text("From: Someone <SomeOne@Acme.TEST>\nSubject: Re: x\n"
               "In-Reply-To: <parent@x.test>\nReferences: <root@x.test> <mid@x.test>\n"
               " <parent@x.test>\n\nbody\n",
               &m, &a);
    assert_string_equal(m.from, "someone@acme.test");
    assert_int_equal(m.nrefs, 3);
    assert_string_equal(m.refs[0], "parent@x.test");
    assert_string_equal(m.refs[1], "mid@x.test");
    assert_string_equal(m.refs[2], "root@x.test");
    arena_release(&a);
}

static void convert(const char *bytes, const char *charset, const char *want)
{
    struct strbuf sb = STRBUF_INIT;

    mime_to_utf8(bytes, strlen(bytes), charset, &sb);
    assert_string_equal(sb.buf, want);
    strbuf_release(&sb);
}

static void test_charsets(void **state)
{
    (void)state;
    convert("caf\xe9 \x80", "iso-8859-1", "café €"); /* read as windows-1252 */
    convert("caf\xe9", "latin1", "café");
    convert("caf\xc3\xa9", NULL, "café");       /* undeclared UTF-8 */
    convert("caf\xe9", NULL, "café");           /* undeclared, not UTF-8 */
    convert("caf\xc3\xa9", "us-ascii", "café"); /* mislabelled UTF-8 */
    convert("bad \xff byte", "utf-8", "bad \xef\xbf\xbd byte");
    convert("caf\xe9", "x-unknown", "café");
    convert("caf\xe9", "x-klingon", "café");
    convert("\x93\xfa\x96\x7b", "shift_jis", "日本");
    convert("line\r\nnext\rlast\x01\x00", "utf-8", "line\nnext\nlast");
    convert("koi \xf0\xd2\xc9\xd7\xc5\xd4", "koi8-r", "koi Привет");
}

static void html(const char *in, const char *want)
{
    struct strbuf sb = STRBUF_INIT;

    html_to_text(in, strlen(in), &sb);
    assert_string_equal(sb.buf, want);
    strbuf_release(&sb);
}

static void test_html_to_text(void **state)
{
    (void)state;
    html("<p>a</p><p>b</p>", "a\n\nb");
    html("one<br>two<br><br>three", "one\ntwo\n\nthree");
    html("<div>x</div><div>y</div>", "x\ny");
    html("<script>evil()</script>ok<style>p{}</style>", "ok");
    html("<SCRIPT type=x>evil()</SCRIPT >fine", "fine");
    html("before<script>never closed", "before");
    html("<head><title>t</title></head><body>b</body>", "b");
    html("<head>unclosed head <b>text</b>", "unclosed head text");
    html("a &lt;b&gt; &amp;amp; &#65;&#x42; &bogus; &amp", "a <b> &amp; AB &bogus; &amp");
    html("&#0; &#xD800; &#1114112;", "\xef\xbf\xbd \xef\xbf\xbd \xef\xbf\xbd");
    html("x < y and 3<4", "x < y and 3<4");
    html("<a href=\"https://e.test/a\">https://e.test/a</a>", "https://e.test/a");
    html("<a href='mailto:h@e.test'>h@e.test</a>", "h@e.test");
    html("<a href=\"javascript:alert(1)\">click</a>", "click");
    html("<a href=https://e.test>site</a> end", "site <https://e.test> end");
    html("<pre>  keep\n    this</pre>after", "  keep\n    this\n\nafter");
    html("<blockquote>q1<blockquote>q2</blockquote></blockquote>", "> q1\n\n>> q2");
    html("<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>", "a b\nc");
    html("<!-- <p>hidden</p> -->shown<!-- unclosed", "shown");
    html("<p attr=\"a > b\">quoted gt</p>", "quoted gt");
    html("   spaced    out   \n\n text  ", "spaced out text");
    html("", "");
    html("<", "<");
    html("<p", "");
}

static void test_text_helpers(void **state)
{
    struct strbuf sb = STRBUF_INIT;

    (void)state;
    text_clean(&sb,
               "a\xc0\xaf"
               "b\xed\xa0\x80"
               "c",
               9); /* overlong, surrogate */
    assert_string_equal(sb.buf, "a\xef\xbf\xbd\xef\xbf\xbd"
                                "b\xef\xbf\xbd\xef\xbf\xbd"
                                "\xef\xbf\xbd"
                                "c");
    strbuf_reset(&sb);
    strbuf_addstr(&sb, "  many\t\n spaces  here ");
    text_one_line(&sb, 0);
    assert_string_equal(sb.buf, "many spaces here");
    assert_int_equal(utf8_cut("aé", 3, 2), 1); /* never inside é */
    assert_int_equal(utf8_cut("aé", 3, 3), 3);
    strbuf_release(&sb);
}

static void test_outbound_reads_back(void **state)
{
    struct outbox_msg row = {7,
                             "reply",
                             42,
                             "[\"ca@acme.test\",\"bad address\",\"cb@beta.test\"]",
                             "Re: [#42] Zählerstand – fehlt",
                             "Bonjour,\nle relevé est réparé.\n.\nA line with one dot.\n",
                             "abc123.reply.42",
                             "abc000.received.42",
                             "first@acme.test abc000.received.42",
                             0};
    static const uint8_t key[REPLYTO_KEY_LEN] = {7, 7, 7};
    struct strbuf err = STRBUF_INIT;
    struct arena a = ARENA_INIT;
    struct outbound out;
    struct mime_msg m;
    char *reply_to;

    (void)state;
    assert_int_equal(outbound_build(&row, "Support Desk <support@vendor.test>", key, 1795000000,
                                    &out, &a, &err),
                     0);
    assert_string_equal(out.from, "support@vendor.test");
    assert_int_equal(out.nrcpt, 2);
    assert_string_equal(out.rcpt[1], "cb@beta.test");
    assert_contains(out.data.buf, "\r\nMessage-Id: <abc123.reply.42@vendor.test>\r\n");
    assert_contains(out.data.buf, "In-Reply-To: <abc000.received.42@vendor.test>");
    assert_lacks(out.data.buf, "Auto-Submitted"); /* a person wrote a reply */
    assert_lacks(out.data.buf, "\r\nReply-To:"); /* two recipients: whose signed address? */
    /* text and HTML alternatives, the text first */
    assert_contains(out.data.buf, "Content-Type: multipart/alternative;");
    assert_true(strstr(out.data.buf, "Content-Type: text/plain") <
                strstr(out.data.buf, "Content-Type: text/html"));
    assert_non_null(strstr(out.data.buf, "Content-Type: text/plain"));
    parse_text(out.data.buf, &m, &a);
    assert_string_equal(m.message_id, "abc123.reply.42@vendor.test");
    assert_string_equal(m.subject, row.subject);
    assert_string_equal(m.text, "Bonjour,\nle relevé est réparé.\n.\nA line with one dot.");
    assert_int_equal(m.nrefs, 2);
    assert_string_equal(m.refs[0], "abc000.received.42@vendor.test");
    assert_string_equal(m.refs[1], "first@acme.test");
    outbound_release(&out);
    row.kind = "received";
    row.recipients = "[\"not an address\"]";
    assert_int_equal(outbound_build(&row, "support@vendor.test", key, 1795000000, &out, &a, &err),
                     DESK_EINVAL);
    outbound_release(&out);
    row.recipients = "[\"CA@acme.test\"]";
    assert_int_equal(outbound_build(&row, "support@vendor.test", key, 1795000000, &out, &a, &err),
                     0);
    assert_contains(out.data.buf, "Auto-Submitted: auto-replied");
    /* one recipient: Reply-To is the address signed for request 42 and that recipient */
    reply_to = strstr(out.data.buf, "\r\nReply-To: ");
    assert_non_null(reply_to);
    reply_to = arena_strndup(&a, reply_to + 12, strcspn(reply_to + 12, "\r"));
    assert_string_equal(reply_to, replyto_address(key, "support@vendor.test", 42, "ca@acme.test", &a));
    assert_int_equal(strncmp(reply_to, "support+42.", 11), 0);
    assert_int_equal(replyto_ticket(key, "support@vendor.test", reply_to, "ca@acme.test", &a), 42);
    outbound_release(&out);
    assert_int_equal(outbound_build(&row, "support@vendor.test", NULL, 1795000000, &out, &a, &err),
                     0);
    assert_lacks(out.data.buf, "\r\nReply-To:"); /* no key */
    outbound_release(&out);
    row.ticket_id = 0; /* a refusal: about no request */
    assert_int_equal(outbound_build(&row, "support@vendor.test", key, 1795000000, &out, &a, &err),
                     0);
    assert_lacks(out.data.buf, "\r\nReply-To:");
    outbound_release(&out);
    assert_int_equal(outbound_build(&row, "nobody", key, 1795000000, &out, &a, &err), DESK_EINVAL);
    outbound_release(&out);
    strbuf_release(&err);
    arena_release(&a);
}

static void test_notice_templates(void **state)
{
    struct notice_vars v = {7,   "Line\none", "The body {id}",        "Waiting for your reply",
                            "B", "response",  "2026-11-20T12:00:00Z", "x@y.test",
                            "\nEarlier: {id}\n"};
    struct strbuf subject = STRBUF_INIT, body = STRBUF_INIT;

    (void)state;
    notice_render(NOTICE_T_STATUS, &v, &subject, &body);
    assert_string_equal(subject.buf, "[#7] Waiting for your reply: Line one");
    assert_contains(body.buf, "Request #7: Waiting for your reply.\n");
    assert_contains(body.buf, "Reply to this message to add to request #7.");
    strbuf_reset(&subject);
    strbuf_reset(&body);
    notice_render(NOTICE_T_REPLY, &v, &subject, &body);
    assert_contains(body.buf, "The body {id}\n"); /* values are not templates */
    assert_contains(body.buf, "\nEarlier: {id}\n\n-- \n");  /* the history before the footer */
    strbuf_reset(&subject);
    strbuf_reset(&body);
    notice_render(NOTICE_T_SLA_BREACH, &v, &subject, &body);
    assert_string_equal(subject.buf, "[#7] SLA breached: response target (severity B)");
    assert_contains(body.buf, "was due at 2026-11-20T12:00:00Z");
    strbuf_reset(&subject);
    strbuf_reset(&body);
    notice_render(NOTICE_T_REJECTED, &v, &subject, &body);
    assert_contains(body.buf, "x@y.test is not one of them");
    assert_string_equal(notice_kind_name(NOTICE_T_REJECTED), "rejected");
    strbuf_release(&subject);
    strbuf_release(&body);
}

/* The conversation quoted as mail clients do: newest first, "> " lines, long ones cut. */
static void test_notice_history(void **state)
{
    char *big = xmalloc(NOTICE_QUOTE_MAX_BYTES + 10);
    struct notice_quote q[] = {{"Agnes Agent", true, 1764583200, "Restart it.\n\nThen tell us."},
                               {"", false, 1764579600, "It stopped."},
                               {NULL, true, 1764576000, big}};
    struct strbuf out = STRBUF_INIT;

    (void)state;
    memset(big, 'x', NOTICE_QUOTE_MAX_BYTES + 9);
    big[NOTICE_QUOTE_MAX_BYTES + 9] = '\0';
    notice_history(q, 0, &out);
    assert_int_equal(out.len, 0);
    notice_history(q, 2, &out);
    assert_string_equal(out.buf, "\nEarlier in this request:\n"
                                 "\nOn 2025-12-01 10:00 UTC, Agnes Agent wrote:\n"
                                 "> Restart it.\n>\n> Then tell us.\n"
                                 "\nOn 2025-12-01 09:00 UTC, the customer wrote:\n"
                                 "> It stopped.\n");
    strbuf_reset(&out);
    notice_history(q + 2, 1, &out);
    assert_contains(out.buf, "On 2025-12-01 08:00 UTC, support wrote:\n> xxx");
    assert_contains(out.buf, "x\n> …\n");
    assert_true(out.len < NOTICE_QUOTE_MAX_BYTES + 100);
    strbuf_release(&out);
    free(big);
}

static void test_subject_tag(void **state)
{
    (void)state;
    assert_int_equal(mail_subject_tag("Re: [#123] Meter"), 123);
    assert_int_equal(mail_subject_tag("[#] x [#0] y [#12a] z [#77]"), 77);
    assert_int_equal(mail_subject_tag("no tag #5"), 0);
    assert_int_equal(mail_subject_tag("[#99999999999999999999]"), 0);
    assert_int_equal(mail_subject_tag(""), 0);
}

/* The decision for a sender and a thread (status, resolved_at), as action/org/ticket. */
static void decide_as(bool verified, struct mail_sender s, const struct ticket *t, bool requester,
                      bool reject, enum mail_action want, int64_t want_org, int64_t want_ticket,
                      enum role want_role)
{
    struct mail_facts f = {s, t, requester, reject, 1795000000, verified};
    struct mail_delivery d;

    memset(&d, 0, sizeof(d));
    mail_decide(&f, &d);
    assert_int_equal(d.action, want);
    assert_int_equal(d.organization_id, want_org);
    assert_int_equal(d.ticket_id, want_ticket);
    assert_int_equal(d.author.role, want_role);
    assert_int_equal(d.sender_has_account, verified && s.user_id != 0);
    assert_int_equal(d.sender_verified, verified);
    if (!verified)
        assert_int_equal(d.author.user_id, 0); /* a claim is never an account */
}

/* A verified sender: the rules as they always were. */
static void decide(struct mail_sender s, const struct ticket *t, bool requester, bool reject,
                   enum mail_action want, int64_t want_org, int64_t want_ticket,
                   enum role want_role)
{
    decide_as(true, s, t, requester, reject, want, want_org, want_ticket, want_role);
}

/* An unverified sender: triage (or a silent refusal), never a staff reply nor an organisation. */
static void test_decide_unverified(void **state)
{
    const int64_t now = 1795000000;
    struct ticket open = {0}, triage, closed_triage;
    struct mail_sender agent = {2, ROLE_AGENT, 0}, carl = {3, ROLE_CUSTOMER, 1};
    struct mail_sender domain = {0, ROLE_NONE, 1}, stranger = {0, ROLE_NONE, 0};

    (void)state;
    open.id = 5;
    open.organization_id = 1;
    open.status = TS_IN_PROGRESS;
    triage = open;
    triage.id = 6;
    triage.organization_id = 0;
    closed_triage = triage;
    closed_triage.status = TS_CLOSED;
    /* a forged staff reply with [#5]: a triage request, not a message on 5 */
    decide_as(false, agent, &open, false, false, MAIL_OPEN, 0, 0, ROLE_ADMIN);
    /* a forged customer, by account or by domain: triage, not the organisation */
    decide_as(false, carl, &open, false, false, MAIL_OPEN, 0, 0, ROLE_ADMIN);
    decide_as(false, carl, NULL, false, false, MAIL_OPEN, 0, 0, ROLE_ADMIN);
    decide_as(false, domain, NULL, false, true, MAIL_OPEN, 0, 0, ROLE_ADMIN); /* known: kept */
    /* even claiming to be the address that opened request 5 by mail */
    decide_as(false, domain, &open, true, false, MAIL_OPEN, 0, 0, ROLE_ADMIN);
    /* its own triage request takes its follow-up, as a message of nobody's account */
    decide_as(false, carl, &triage, true, false, MAIL_JOIN, 0, 6, ROLE_CUSTOMER);
    decide_as(false, stranger, &triage, true, true, MAIL_JOIN, 0, 6, ROLE_CUSTOMER);
    decide_as(false, stranger, &triage, false, false, MAIL_OPEN, 0, 0, ROLE_ADMIN);
    decide_as(false, stranger, &closed_triage, true, false, MAIL_OPEN, 0, 0, ROLE_ADMIN);
    /* unknown and unverified under reject: rejected (and, being unverified, never answered) */
    decide_as(false, stranger, NULL, false, true, MAIL_REJECT, 0, 0, ROLE_ADMIN);
    (void)now;
}

static void test_decide(void **state)
{
    const int64_t now = 1795000000;
    struct ticket open = {0}, closed, resolved, stale, triage;
    struct mail_sender agent = {2, ROLE_AGENT, 0}, carl = {3, ROLE_CUSTOMER, 1};
    struct mail_sender beta = {4, ROLE_CUSTOMER, 2}, domain = {0, ROLE_NONE, 1};
    struct mail_sender stranger = {0, ROLE_NONE, 0};

    (void)state;
    open.id = 5;
    open.organization_id = 1;
    open.status = TS_IN_PROGRESS;
    closed = open;
    closed.status = TS_CLOSED;
    resolved = open;
    resolved.status = TS_RESOLVED;
    resolved.resolved_at = now - 86400;
    stale = resolved;
    stale.resolved_at = now - 20 * 86400;
    triage = open;
    triage.organization_id = 0;
    decide(carl, &open, false, false, MAIL_JOIN, 1, 5, ROLE_CUSTOMER);
    decide(agent, &open, false, false, MAIL_JOIN, 1, 5, ROLE_AGENT);
    decide(domain, &open, false, false, MAIL_JOIN, 1, 5, ROLE_CUSTOMER);
    decide(beta, &open, false, false, MAIL_OPEN, 2, 0, ROLE_CUSTOMER);  /* guessing [#5] */
    decide(stranger, &open, false, false, MAIL_OPEN, 0, 0, ROLE_ADMIN); /* triage */
    decide(stranger, &open, false, true, MAIL_REJECT, 0, 0, ROLE_ADMIN);
    decide(carl, &closed, false, false, MAIL_OPEN, 1, 0, ROLE_CUSTOMER);
    decide(carl, &resolved, false, false, MAIL_JOIN, 1, 5, ROLE_CUSTOMER); /* reopens */
    decide(carl, &stale, false, false, MAIL_OPEN, 1, 0, ROLE_CUSTOMER);
    decide(stranger, &triage, true, true, MAIL_JOIN, 0, 5, ROLE_CUSTOMER); /* its own request */
    decide(agent, NULL, false, true, MAIL_OPEN, 0, 0, ROLE_ADMIN); /* staff: triage, not refused */
    decide(domain, NULL, false, false, MAIL_OPEN, 1, 0, ROLE_CUSTOMER);
}

static void test_retry_backoff(void **state)
{
    (void)state;
    assert_int_equal(outbox_retry_at(1000, 1, 30), 1030);
    assert_int_equal(outbox_retry_at(1000, 2, 30), 1060);
    assert_int_equal(outbox_retry_at(1000, 4, 30), 1240);
    assert_int_equal(outbox_retry_at(1000, 5, 30), 1300); /* 480 capped at 5 minutes */
    assert_int_equal(outbox_retry_at(1000, 1000, 30), 1300);
    assert_int_equal(outbox_retry_at(1000, 3, 1), 1004);
}

SUITE(mime, cmocka_unit_test(test_corpus_headers_and_text),
      cmocka_unit_test(test_alternative_prefers_plain),
      cmocka_unit_test(test_html_only_becomes_text), cmocka_unit_test(test_attachments_kept),
      cmocka_unit_test(test_nested_parts), cmocka_unit_test(test_malformed_best_effort),
      cmocka_unit_test(test_refused_input), cmocka_unit_test(test_automatic_mail),
      cmocka_unit_test(test_references_order), cmocka_unit_test(test_charsets),
      cmocka_unit_test(test_html_to_text), cmocka_unit_test(test_text_helpers),
      cmocka_unit_test(test_outbound_reads_back), cmocka_unit_test(test_notice_templates),
      cmocka_unit_test(test_notice_history),
      cmocka_unit_test(test_subject_tag), cmocka_unit_test(test_decide),
      cmocka_unit_test(test_decide_unverified),
      cmocka_unit_test(test_retry_backoff))
