/*
 * sqlite_notify.c - notifications of request events, queued in the outbox in
 * the same transaction as the event (SPEC 2.6, 5: recipients).
 *
 * Each row carries its own Message-ID (made here, so a resend after a crash
 * carries the same one); the outbox worker sends it.
 */
#define LOG_MODULE "store"
#include "core/compat.h"
#include "store/sqlite.h"
#include "core/crypto.h"
#include "core/err.h"
#include <jansson.h>

/* The requester and the organisation's contacts who opted in to every notice. */
static const char SQL_CUSTOMER_SIDE[] =
    "SELECT email FROM users WHERE id = ?1 UNION "
    "SELECT email FROM users WHERE organization_id = ?2 AND role = 'customer' AND notify = 1";
static const char SQL_ASSIGNEE[] = "SELECT email FROM users WHERE id = ?1";
static const char SQL_ESCALATION_CONTACTS[] =
    "SELECT coalesce(p.escalation_emails, '[]') FROM agreements a JOIN sla_policies p "
    "ON p.id = a.sla_policy_id WHERE a.id = ?1";
static const char SQL_NOTICE_OUTBOX[] =
    "INSERT INTO outbox (kind, ticket_id, recipients, subject, body, message_id, not_before, "
    "created_at, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";

/* Append the e-mails of a one-column query (two integer parameters) to list. */
static void add_emails(struct sqlite_conn *c, const char *sql, int64_t p1, int64_t p2,
                       json_t *list)
{
    sqlite3_stmt *s = store__stmt(c, sql);

    store__bind_int(s, 1, p1);
    store__bind_int(s, 2, p2);
    while (sqlite3_step(s) == SQLITE_ROW)
        json_array_append_new(list, json_string((const char *)sqlite3_column_text(s, 0)));
    store__done(s, 0);
}

static void add_escalation_contacts(struct sqlite_conn *c, int64_t agreement, json_t *list)
{
    sqlite3_stmt *s = store__stmt(c, SQL_ESCALATION_CONTACTS);
    json_t *contacts;

    store__bind_int(s, 1, agreement);
    if (sqlite3_step(s) == SQLITE_ROW) {
        contacts = json_loads((const char *)sqlite3_column_text(s, 0), 0, NULL);
        if (json_is_array(contacts))
            json_array_extend(list, contacts);
        json_decref(contacts);
    }
    store__done(s, 0);
}

static json_t *recipients(struct sqlite_conn *c, enum notice_kind kind, const struct ticket *t,
                          const struct message *m)
{
    json_t *list = json_array();
    bool customer_side = kind == NOTICE_RECEIVED || kind == NOTICE_STATUS ||
                         (kind == NOTICE_REPLY && m->staff && !m->internal);

    if (customer_side && t->organization_id)
        add_emails(c, SQL_CUSTOMER_SIDE, t->requester_id, t->organization_id, list);
    if ((kind == NOTICE_REPLY && !m->staff) || kind == NOTICE_ESCALATION)
        add_emails(c, SQL_ASSIGNEE, t->assignee_id, 0, list);
    if (kind == NOTICE_ESCALATION)
        add_escalation_contacts(c, t->agreement_id, list);
    return list;
}

static const char *const kind_names[] = {"received", "reply", "status", "escalation"};

static char *notice_subject(enum notice_kind kind, const struct ticket *t)
{
    struct strbuf sb = STRBUF_INIT;

    switch (kind) {
    case NOTICE_RECEIVED:
        strbuf_addf(&sb, "[#%" PRId64 "] Request received: %s", t->id, t->subject);
        break;
    case NOTICE_REPLY:
        strbuf_addf(&sb, "Re: [#%" PRId64 "] %s", t->id, t->subject);
        break;
    case NOTICE_STATUS:
        strbuf_addf(&sb, "[#%" PRId64 "] %s: %s", t->id, ticket_status_name(t->status),
                    t->subject);
        break;
    case NOTICE_ESCALATION:
        strbuf_addf(&sb, "[#%" PRId64 "] Escalated: %s", t->id, t->subject);
        break;
    }
    return strbuf_detach(&sb, NULL);
}

static char *notice_body(enum notice_kind kind, const struct ticket *t, const struct message *m)
{
    struct strbuf sb = STRBUF_INIT;

    switch (kind) {
    case NOTICE_RECEIVED:
        strbuf_addf(&sb, "We have received your request #%" PRId64 " (severity %s).\n\n%s\n",
                    t->id, severity_name(t->severity), t->body);
        break;
    case NOTICE_STATUS:
        strbuf_addf(&sb, "Request #%" PRId64 " is now %s.\n", t->id,
                    ticket_status_name(t->status));
        break;
    case NOTICE_REPLY:
    case NOTICE_ESCALATION:
        strbuf_addf(&sb, "%s\n", m->body);
        break;
    }
    strbuf_addf(&sb, "\n-- \nReply to this message to add to request #%" PRId64 ".\n", t->id);
    return strbuf_detach(&sb, NULL);
}

int store__notify(struct sqlite_conn *c, enum notice_kind kind, const struct ticket *t,
                  const struct message *m, int64_t now)
{
    json_t *to;
    char *list, *subject, *body, mid[64], rnd[33];
    sqlite3_stmt *s;
    int rc;

    if (kind == NOTICE_REPLY && m->internal)
        return 0;
    to = recipients(c, kind, t, m);
    if (!json_array_size(to)) {
        json_decref(to);
        return 0;
    }
    list = json_dumps(to, JSON_COMPACT);
    json_decref(to);
    subject = notice_subject(kind, t);
    body = notice_body(kind, t, m);
    random_hex(rnd, 16);
    snprintf(mid, sizeof(mid), "%s.%s.%" PRId64, rnd, kind_names[kind], t->id);
    s = store__stmt(c, SQL_NOTICE_OUTBOX);
    store__bind_text(s, 1, kind_names[kind]);
    store__bind_int(s, 2, t->id);
    store__bind_text(s, 3, list);
    store__bind_text(s, 4, subject);
    store__bind_text(s, 5, body);
    store__bind_text(s, 6, mid);
    store__bind_int(s, 7, now);
    store__bind_int(s, 8, now);
    store__bind_int(s, 9, now);
    rc = sqlite3_step(s);
    rc = store__done(s, rc == SQLITE_DONE ? 0 : store__err(c, rc, "notice"));
    free(list);
    free(subject);
    free(body);
    return rc;
}
