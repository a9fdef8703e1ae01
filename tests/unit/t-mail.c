/*
 * t-mail.c - the mail side of the store: recording inbound mail (open, join,
 * duplicate, triage, refusal, a request closed meanwhile), who a sender is,
 * threading by the Message-IDs svcdesk sent, notices to mail requesters and
 * loop protection, and the outbox's leases, failures and back-off; whole
 * mails through mail_inbound: a forged sender goes to triage and mails
 * nobody, a verified one (Authentication-Results, signed reply address)
 * writes into its request; the installation's key; one row per recipient.
 */
#include "helpers.h"
#include "core/err.h"
#include "mail/inbound.h"
#include "mail/replyto.h"
#include "store/store.h"

#define NOW 1795000000

/*
 * sqlite-only: these tests check what store_mail_deliver and the outbox calls leave in the
 * outbox and mail_ids rows (recipients, threading headers, attempts, staff-only ids), which no
 * store function reads without taking a lease on them, and their fixtures hold data the store
 * would refuse (an organisation whose domains are not JSON). Each test skips on another backend.
 */
static void sql(const char *path, const char *text)
{
    sqlite_only_exec(path, text);
}

/* The first column of the first row of a query, as text ("" for none or NULL). */
static char *query(const char *path, const char *text)
{
    static char out[1024];

    return sqlite_only_text(path, text, out, sizeof(out));
}

static struct store *mail_store(char *path, size_t n)
{
    struct store *st;

    SQLITE_ONLY(); /* sqlite-only: see above */
    st = tmp_store(path, n);

    sql(path, "INSERT INTO organizations (id, name, domains, created_at) VALUES "
              "(1, 'Acme', '[\"acme.test\"]', 0), (2, 'Beta', 'not json', 0);"
              "INSERT INTO users (id, email, name, role, organization_id, created_at) VALUES "
              "(2, 'agent@vendor.test', 'Agnes', 'agent', NULL, 0),"
              "(3, 'ca@acme.test', 'Carl', 'customer', 1, 0),"
              "(4, 'cb@beta.test', 'Berit', 'customer', 2, 0);");
    return st;
}

/* A delivery of Message-ID id by sender, with the action's author. */
static struct mail_delivery delivery(enum mail_action action, struct caller author, int64_t org,
                                     const char *id, const char *sender)
{
    struct mail_delivery d;

    memset(&d, 0, sizeof(d));
    d.action = action;
    d.author = author;
    d.organization_id = org;
    d.message_id = id;
    d.sender = sender;
    d.sender_has_account = author.user_id != 0;
    d.auto_reply = true;
    d.subject = "Meter stops";
    d.body = "since 06:00";
    return d;
}

static void test_open_join_duplicate(void **state)
{
    char path[256], id[200];
    struct store *st = mail_store(path, sizeof(path));
    struct caller carl = {3, ROLE_CUSTOMER, 1};
    struct mail_delivery d = delivery(MAIL_OPEN, carl, 1, "m1@acme.test", "ca@acme.test");
    struct attachment file = {.filename = "log.txt", .content_type = "text/plain", .size = 3,
                              .data = "abc"};
    const char *refs[2];
    int64_t tid;
    bool seen;

    (void)state;
    d.atts = &file;
    d.natts = 1;
    assert_int_equal(store_mail_deliver(st, &d, NOW, NULL), 0);
    assert_int_equal(d.outcome, MAIL_CREATED);
    assert_true(d.ticket_id > 0);
    assert_string_equal(query(path, "SELECT channel || requester_id FROM tickets"), "email3");
    assert_string_equal(query(path, "SELECT filename FROM attachments"), "log.txt");
    assert_string_equal(query(path, "SELECT recipients || in_reply_to || ' ' || refs FROM outbox "
                                    "WHERE kind = 'received'"),
                        "[\"ca@acme.test\"]m1@acme.test m1@acme.test");
    /* the same Message-ID again changes nothing */
    d = delivery(MAIL_OPEN, carl, 1, "m1@acme.test", "ca@acme.test");
    assert_int_equal(store_mail_deliver(st, &d, NOW, NULL), 0);
    assert_int_equal(d.outcome, MAIL_DUPLICATE);
    assert_int_equal(d.ticket_id, 1);
    assert_string_equal(query(path, "SELECT count(*) FROM tickets"), "1");
    /* a reply to the receipt, from any domain, finds the request by its local part */
    snprintf(id, sizeof(id), "%s@mail.vendor.test",
             query(path, "SELECT message_id FROM outbox WHERE kind = 'received'"));
    refs[0] = "unknown@x.test";
    refs[1] = id;
    assert_int_equal(store_mail_thread(st, refs, 2, &tid), 0);
    assert_int_equal(tid, 1);
    assert_int_equal(store_mail_seen(st, id, &seen, &tid), 0);
    assert_true(seen); /* our own notice coming back is not new mail */
    d = delivery(MAIL_JOIN, carl, 1, "m2@acme.test", "ca@acme.test");
    d.ticket_id = 1;
    assert_int_equal(store_mail_deliver(st, &d, NOW + 60, NULL), 0);
    assert_int_equal(d.outcome, MAIL_UPDATED);
    assert_string_equal(query(path, "SELECT mail_id FROM messages"), "m2@acme.test");
    assert_string_equal(query(path, "SELECT ticket_id FROM mail_ids WHERE message_id = "
                                    "'m2@acme.test'"),
                        "1");
    tmp_store_free(st, path);
}

static void test_join_closed_request(void **state)
{
    char path[256];
    struct store *st = mail_store(path, sizeof(path));
    struct caller carl = {3, ROLE_CUSTOMER, 1}, agent = {2, ROLE_AGENT, 0};
    struct mail_delivery d = delivery(MAIL_OPEN, carl, 1, "c1@acme.test", "ca@acme.test");
    struct ticket_patch p = {.has_status = true};
    struct arena a = ARENA_INIT;
    struct ticket t;

    (void)state;
    assert_int_equal(store_mail_deliver(st, &d, NOW, NULL), 0);
    for (enum ticket_status s = TS_IN_PROGRESS; s <= TS_CLOSED; s++) {
        if (s == TS_WAITING_CUSTOMER)
            continue;
        p.status = s;
        assert_int_equal(store_ticket_update(st, &agent, 1, &p, NOW, &t, NULL, &a), 0);
    }
    d = delivery(MAIL_JOIN, carl, 1, "c2@acme.test", "ca@acme.test");
    d.ticket_id = 1;
    assert_int_equal(store_mail_deliver(st, &d, NOW, NULL), DESK_ECONFLICT);
    assert_string_equal(query(path, "SELECT count(*) FROM mail_ids WHERE message_id = "
                                    "'c2@acme.test'"),
                        "0"); /* nothing kept: the caller opens a new request */
    arena_release(&a);
    tmp_store_free(st, path);
}

static void test_triage_and_refusal(void **state)
{
    char path[256];
    struct store *st = mail_store(path, sizeof(path));
    struct caller agent = {2, ROLE_AGENT, 0};
    struct mail_delivery d = delivery(MAIL_OPEN, CALLER_SYSTEM, 0, "t1@x.test", "who@x.test");
    struct attachment file = {
        .filename = "a.bin", .content_type = "application/octet-stream", .size = 1, .data = "z"};
    struct message m = {0};

    (void)state;
    d.auto_reply = false;
    d.atts = &file;
    d.natts = 1;
    assert_int_equal(store_mail_deliver(st, &d, NOW, NULL), 0);
    assert_int_equal(d.outcome, MAIL_TRIAGE);
    assert_string_equal(query(path, "SELECT coalesce(organization_id, 'none') FROM tickets"),
                        "none");
    assert_string_equal(query(path, "SELECT coalesce(uploaded_by, 'system') FROM attachments"),
                        "system");
    assert_string_equal(query(path, "SELECT count(*) FROM outbox"), "0");
    /* an agent's answer goes to the address that wrote */
    m.ticket_id = d.ticket_id;
    m.body = "Who are you?";
    assert_int_equal(store_message_add(st, &agent, &m, NOW + 10, NULL), 0);
    assert_string_equal(query(path, "SELECT recipients || ' ' || in_reply_to FROM outbox"),
                        "[\"who@x.test\"] t1@x.test");
    /* refusals: a polite reply threaded under the mail, unless replies are off */
    d = delivery(MAIL_REJECT, CALLER_SYSTEM, 0, "r1@x.test", "who@x.test");
    assert_int_equal(store_mail_deliver(st, &d, NOW, NULL), 0);
    assert_int_equal(d.outcome, MAIL_REJECTED);
    assert_int_equal(d.ticket_id, 0);
    assert_string_equal(query(path, "SELECT recipients || ' ' || in_reply_to || ' ' || "
                                    "coalesce(ticket_id, 'none') FROM outbox WHERE kind = "
                                    "'rejected'"),
                        "[\"who@x.test\"] r1@x.test none");
    d = delivery(MAIL_REJECT, CALLER_SYSTEM, 0, "r2@x.test", "who@x.test");
    d.auto_reply = false;
    assert_int_equal(store_mail_deliver(st, &d, NOW, NULL), 0);
    assert_string_equal(query(path, "SELECT count(*) FROM outbox WHERE kind = 'rejected'"), "1");
    assert_string_equal(query(path, "SELECT count(*) FROM tickets"), "1");
    tmp_store_free(st, path);
}

static void test_domain_sender_and_mute(void **state)
{
    char path[256];
    struct store *st = mail_store(path, sizeof(path));
    struct caller colleague = {0, ROLE_CUSTOMER, 1}, carl = {3, ROLE_CUSTOMER, 1};
    struct mail_delivery d = delivery(MAIL_OPEN, colleague, 1, "d1@acme.test", "new@acme.test");
    const char *addr;
    struct arena a = ARENA_INIT;

    (void)state;
    assert_int_equal(store_mail_deliver(st, &d, NOW, NULL), 0);
    assert_string_equal(query(path, "SELECT coalesce(requester_id, 0) || ' ' || recipients FROM "
                                    "tickets, outbox"),
                        "0 [\"new@acme.test\"]"); /* the receipt goes to the sender */
    assert_int_equal(store_mail_requester(st, d.ticket_id, &addr, &a), 0);
    assert_string_equal(addr, "new@acme.test");
    assert_int_equal(store_mail_requester(st, 999, &addr, &a), DESK_ENOTFOUND);
    d = delivery(MAIL_OPEN, carl, 1, "d2@acme.test", "ca@acme.test");
    d.auto_reply = false; /* e.g. an out-of-office answer */
    assert_int_equal(store_mail_deliver(st, &d, NOW, NULL), 0);
    assert_string_equal(query(path, "SELECT count(*) FROM outbox"), "1");
    arena_release(&a);
    tmp_store_free(st, path);
}

static void test_sender_and_rate(void **state)
{
    char path[256];
    struct store *st = mail_store(path, sizeof(path));
    struct caller carl = {3, ROLE_CUSTOMER, 1};
    struct mail_sender s;
    int64_t n;

    (void)state;
    assert_int_equal(store_mail_sender(st, "CA@acme.test", &s), 0);
    assert_true(s.user_id == 3 && s.role == ROLE_CUSTOMER && s.organization_id == 1);
    assert_int_equal(store_mail_sender(st, "agent@vendor.test", &s), 0);
    assert_true(s.user_id == 2 && s.role == ROLE_AGENT && s.organization_id == 0);
    assert_int_equal(store_mail_sender(st, "someone@ACME.test", &s), 0);
    assert_true(s.user_id == 0 && s.role == ROLE_NONE && s.organization_id == 1);
    assert_int_equal(store_mail_sender(st, "x@beta.test", &s), 0); /* Beta's domains: bad JSON */
    assert_true(s.user_id == 0 && s.organization_id == 0);
    for (int i = 0; i < 3; i++) {
        char id[32];
        struct mail_delivery d;
        snprintf(id, sizeof(id), "rate%d@acme.test", i);
        d = delivery(MAIL_OPEN, carl, 1, id, "ca@acme.test");
        assert_int_equal(store_mail_deliver(st, &d, NOW + i * 1000, NULL), 0);
    }
    assert_int_equal(store_mail_count(st, "ca@acme.test", NOW + 1000, &n), 0);
    assert_int_equal(n, 2);
    tmp_store_free(st, path);
}

static void test_outbox_leases(void **state)
{
    char path[256];
    struct store *st = mail_store(path, sizeof(path));
    struct caller carl = {3, ROLE_CUSTOMER, 1};
    struct mail_delivery d = delivery(MAIL_OPEN, carl, 1, "o1@acme.test", "ca@acme.test");
    struct arena a = ARENA_INIT;
    struct outbox_msg *rows;
    size_t n;
    int64_t pending;

    (void)state;
    assert_int_equal(store_mail_deliver(st, &d, NOW, NULL), 0);
    assert_int_equal(store_outbox_claim(st, "A", NOW, 60, 10, &rows, &n, &a), 0);
    assert_int_equal(n, 1);
    assert_string_equal(rows[0].kind, "received");
    assert_string_equal(rows[0].in_reply_to, "o1@acme.test");
    assert_int_equal(rows[0].attempts, 0);
    assert_int_equal(store_outbox_claim(st, "B", NOW + 1, 60, 10, &rows, &n, &a), 0);
    assert_int_equal(n, 0); /* held by A */
    assert_int_equal(store_outbox_claim(st, "B", NOW + 61, 60, 10, &rows, &n, &a), 0);
    assert_int_equal(n, 1); /* A's lease ran out (A crashed): B may send it */
    assert_int_equal(store_outbox_failed(st, rows[0].id, "A", NOW + 70, "late"), 0);
    assert_string_equal(query(path, "SELECT attempts FROM outbox"), "0"); /* not A's any more */
    assert_int_equal(store_outbox_failed(st, rows[0].id, "B", NOW + 91, "refused"), 0);
    assert_string_equal(query(path, "SELECT attempts || ' ' || last_error || ' ' || "
                                    "coalesce(lease_holder, '-') FROM outbox"),
                        "1 refused -");
    assert_int_equal(store_outbox_claim(st, "C", NOW + 90, 60, 10, &rows, &n, &a), 0);
    assert_int_equal(n, 0); /* waits for its next attempt */
    assert_int_equal(store_outbox_claim(st, "C", NOW + 91, 60, 10, &rows, &n, &a), 0);
    assert_int_equal(n, 1);
    assert_int_equal(rows[0].attempts, 1);
    assert_int_equal(store_outbox_release(st, rows[0].id, "C"), 0);
    assert_int_equal(store_outbox_pending(st, &pending), 0);
    assert_int_equal(pending, 1);
    assert_int_equal(store_outbox_claim(st, "D", NOW + 92, 60, 10, &rows, &n, &a), 0);
    assert_int_equal(n, 1);
    assert_int_equal(store_outbox_sent(st, rows[0].id, NOW + 93), 0);
    assert_int_equal(store_outbox_pending(st, &pending), 0);
    assert_int_equal(pending, 0);
    assert_string_equal(query(path, "SELECT attempts || ' ' || sent_at FROM outbox"),
                        "2 1795000093");
    assert_int_equal(store_outbox_claim(st, "D", NOW + 999, 60, 10, &rows, &n, &a), 0);
    assert_int_equal(n, 0);
    arena_release(&a);
    tmp_store_free(st, path);
}

static void test_notice_threads(void **state)
{
    char path[256], want[256];
    struct store *st = mail_store(path, sizeof(path));
    struct caller carl = {3, ROLE_CUSTOMER, 1}, agent = {2, ROLE_AGENT, 0};
    struct mail_delivery d = delivery(MAIL_OPEN, carl, 1, "s1@acme.test", "ca@acme.test");
    struct ticket_patch assign = {.has_assignee = true, .assignee_id = 2};
    struct arena a = ARENA_INIT;
    struct message m = {0};
    struct ticket t;

    (void)state;
    assert_int_equal(store_mail_deliver(st, &d, NOW, NULL), 0);
    assert_int_equal(store_ticket_update(st, &agent, d.ticket_id, &assign, NOW, &t, NULL, &a), 0);
    m.ticket_id = d.ticket_id;
    m.body = "Any news?"; /* to the assignee: a notice to staff only */
    assert_int_equal(store_message_add(st, &carl, &m, NOW + 5, NULL), 0);
    assert_string_equal(query(path, "SELECT recipients FROM outbox WHERE kind = 'reply'"),
                        "[\"agent@vendor.test\"]");
    m.body = "We are on it.";
    assert_int_equal(store_message_add(st, &agent, &m, NOW + 9, NULL), 0);
    /* References: the first id, then the latest, oldest first; In-Reply-To the latest; the
       notice that went to staff only is not named in the customer's mail */
    snprintf(want, sizeof(want), "s1@acme.test %s",
             query(path, "SELECT message_id FROM outbox WHERE kind = 'received'"));
    assert_string_equal(query(path, "SELECT refs FROM outbox WHERE kind = 'reply' AND "
                                    "recipients LIKE '%ca@acme.test%'"),
                        want);
    assert_string_equal(query(path, "SELECT in_reply_to = substr(refs, 14) FROM outbox "
                                    "WHERE kind = 'reply' AND recipients LIKE '%ca@acme.test%'"),
                        "1");
    assert_string_equal(query(path, "SELECT group_concat(staff_only) FROM mail_ids WHERE "
                                    "direction = 'out'"),
                        "0,1,0");
    arena_release(&a);
    tmp_store_free(st, path);
}

/* mail_inbound of raw with mail-trusted-authserv mx.vendor.test; the outcome line. */
static const char *inbound(struct store *st, const char *raw, int64_t now)
{
    static char line[128];
    struct mail_settings ms = {false, "Support <support@vendor.test>", "mx.vendor.test", 1};
    struct strbuf err = STRBUF_INIT, out = STRBUF_INIT;
    struct mail_result r;

    if (mail_inbound(st, &ms, raw, strlen(raw), now, &r, &err) < 0)
        fail_msg("mail_inbound: %s", err.buf);
    mail_result_line(&r, &out);
    snprintf(line, sizeof(line), "%s", out.buf);
    strbuf_release(&err);
    strbuf_release(&out);
    return line;
}

static void test_inbound_senders(void **state)
{
    char path[256], raw[2048];
    struct store *st = mail_store(path, sizeof(path));
    uint8_t key[REPLYTO_KEY_LEN], again[REPLYTO_KEY_LEN];
    struct arena a = ARENA_INIT;
    const char *addr;

    (void)state;
    /* a verified customer opens request 1 (DKIM for acme.test at our MTA) */
    assert_string_equal(inbound(st,
                                "Authentication-Results: mx.vendor.test; dkim=pass "
                                "header.d=acme.test\nFrom: ca@acme.test\nSubject: Meter\n"
                                "Message-ID: <v1@acme.test>\n\nstopped\n",
                                NOW),
                        "ticket 1 created");
    assert_string_equal(query(path, "SELECT organization_id || ' ' || requester_id || ' ' || "
                                    "sender_address || ' ' || sender_verified FROM tickets"),
                        "1 3 ca@acme.test 1");
    assert_string_equal(query(path, "SELECT count(*) FROM outbox"), "1"); /* its receipt */
    /* a forged staff reply: triage, no message on 1, nobody mailed */
    assert_string_equal(inbound(st,
                                "From: Agnes <agent@vendor.test>\nSubject: Re: [#1] Meter\n"
                                "Message-ID: <f1@evil.test>\n\nsend us the password\n",
                                NOW + 1),
                        "ticket 2 triage");
    assert_string_equal(query(path, "SELECT count(*) FROM messages"), "0");
    assert_string_equal(query(path, "SELECT coalesce(organization_id, 'none') || ' ' || "
                                    "coalesce(requester_id, 'none') || ' ' || sender_address || "
                                    "' ' || sender_verified FROM tickets WHERE id = 2"),
                        "none none agent@vendor.test 0");
    assert_string_equal(query(path, "SELECT count(*) FROM outbox"), "1");
    /* an untrusted authserv-id, a pass for another domain: the same */
    assert_string_equal(inbound(st,
                                "Authentication-Results: mx.evil.test; dkim=pass "
                                "header.d=acme.test\nFrom: ca@acme.test\nSubject: Re: [#1]\n"
                                "Message-ID: <f2@evil.test>\n\nx\n",
                                NOW + 2),
                        "ticket 3 triage");
    assert_string_equal(inbound(st,
                                "Authentication-Results: mx.vendor.test; dkim=pass "
                                "header.d=evil.test\nFrom: ca@acme.test\nSubject: Re: [#1]\n"
                                "Message-ID: <f3@evil.test>\n\nx\n",
                                NOW + 3),
                        "ticket 4 triage");
    assert_string_equal(query(path, "SELECT count(*) FROM messages"), "0");
    /* the follow-up of the same claimed address joins its own triage request */
    assert_string_equal(inbound(st,
                                "From: ca@acme.test\nSubject: more\nIn-Reply-To: <f3@evil.test>\n"
                                "Message-ID: <f4@evil.test>\n\ny\n",
                                NOW + 4),
                        "ticket 4 updated");
    assert_string_equal(query(path, "SELECT count(*) FROM outbox"), "1");
    /* the signed reply address of request 1 for the agent: a verified staff reply */
    assert_int_equal(store_mail_key(st, MAIL_KEY_REPLY_TO, key, sizeof(key), NOW), 0);
    assert_int_equal(store_mail_key(st, MAIL_KEY_REPLY_TO, again, sizeof(again), NOW + 9), 0);
    assert_memory_equal(key, again, sizeof(key)); /* made once */
    addr = replyto_address(key, "support@vendor.test", 1, "agent@vendor.test", &a);
    snprintf(raw, sizeof(raw),
             "From: agent@vendor.test\nTo: %s\nSubject: Re: it\nMessage-ID: <s1@vendor.test>\n"
             "\nFixed.\n",
             addr);
    assert_string_equal(inbound(st, raw, NOW + 5), "ticket 1 updated");
    assert_string_equal(query(path, "SELECT staff || ' ' || author_id FROM messages WHERE "
                                    "mail_id = 's1@vendor.test'"),
                        "1 2");
    assert_string_equal(query(path, "SELECT recipients FROM outbox WHERE kind = 'reply'"),
                        "[\"ca@acme.test\"]");
    /* the same address from another sender, or tampered: triage */
    snprintf(raw, sizeof(raw),
             "From: ca@acme.test\nTo: %s\nSubject: Re: it\nMessage-ID: <s2@x.test>\n\nx\n",
             addr);
    assert_string_equal(inbound(st, raw, NOW + 6), "ticket 5 triage");
    snprintf(raw, sizeof(raw),
             "From: agent@vendor.test\nTo: %.*s%c%s\nSubject: Re: it\nMessage-ID: <s3@x.test>\n"
             "\nx\n",
             12, addr, addr[12] == 'a' ? 'b' : 'a', addr + 13);
    assert_string_equal(inbound(st, raw, NOW + 7), "ticket 6 triage");
    assert_string_equal(query(path, "SELECT count(*) FROM messages WHERE ticket_id = 1"), "1");
    arena_release(&a);
    tmp_store_free(st, path);
}

/* A notice about a request to several addresses is one row per address. */
static void test_row_per_recipient(void **state)
{
    char path[256];
    struct store *st = mail_store(path, sizeof(path));
    struct caller carl = {3, ROLE_CUSTOMER, 1};
    struct mail_delivery d = delivery(MAIL_OPEN, carl, 1, "p1@acme.test", "ca@acme.test");

    (void)state;
    sql(path, "INSERT INTO users (id, email, name, role, organization_id, notify, created_at) "
              "VALUES (5, 'cc@acme.test', 'Cora', 'customer', 1, 1, 0)");
    assert_int_equal(store_mail_deliver(st, &d, NOW, NULL), 0);
    assert_string_equal(query(path, "SELECT group_concat(recipients, ' ') FROM (SELECT "
                                    "recipients FROM outbox ORDER BY recipients)"),
                        "[\"ca@acme.test\"] [\"cc@acme.test\"]");
    assert_string_equal(query(path, "SELECT count(DISTINCT message_id) || ' ' || "
                                    "count(DISTINCT in_reply_to) FROM outbox"),
                        "2 1"); /* each its own Message-ID, both answering the mail */
    tmp_store_free(st, path);
}

SUITE(mail, cmocka_unit_test(test_open_join_duplicate), cmocka_unit_test(test_join_closed_request),
      cmocka_unit_test(test_triage_and_refusal), cmocka_unit_test(test_domain_sender_and_mute),
      cmocka_unit_test(test_sender_and_rate), cmocka_unit_test(test_outbox_leases),
      cmocka_unit_test(test_notice_threads), cmocka_unit_test(test_inbound_senders),
      cmocka_unit_test(test_row_per_recipient))
