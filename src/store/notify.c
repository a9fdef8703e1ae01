/*
 * notify.c - notifications of request events, queued in the outbox in
 * the same transaction as the event (SPEC 2.6, 5: recipients).
 *
 * Each row carries its own Message-ID, made here ("RANDOM.kind.TICKET", the
 * local part; the sender adds "@" and the domain of its mail-from), so a
 * resend after a crash carries the same one. Each row also gets its
 * threading headers here, from the request's thread in mail_ids (the first
 * Message-ID and the latest ones, sent and received), and its own id joins
 * that thread: a mail client shows a request's notices and the customer's
 * mail as one conversation, and a reply to any of them finds the request.
 */
#define LOG_MODULE "store"
#include "core/compat.h"
#include "store/internal.h"
#include "core/crypto.h"
#include "core/err.h"
#include "core/time.h"
#include "core/xalloc.h"
#include "domain/notice.h"
#include <jansson.h>
#include <strings.h>

#define THREAD_RECENT 9 /* latest Message-IDs of a thread in References, after the first */

/* ---- the context of an inbound mail ------------------------------------------------ */

static _Thread_local struct notify_ctx ctx;

void store__notify_ctx(const struct notify_ctx *c)
{
    ctx = c ? *c : (struct notify_ctx){NULL, NULL, NULL};
}

/* ---- recipients ---------------------------------------------------------------------- */

/* The requester, the organisation's contacts who opted in, and a mail requester. */
static const char SQL_CUSTOMER_SIDE[] =
    "SELECT email FROM users WHERE id = ?1 UNION "
    "SELECT email FROM users WHERE organization_id = ?2 AND role = 'customer' AND notify = 1 "
    "UNION SELECT address FROM mail_requesters WHERE ticket_id = ?3";
static const char SQL_ASSIGNEE[] = "SELECT email FROM users WHERE id = ?1";
/* ?2: 1 for the customer side (customers who watch, and the CC addresses), 0 for staff */
static const char SQL_FOLLOWERS[] =
    "SELECT u.email FROM ticket_watchers w JOIN users u ON u.id = w.user_id WHERE "
    "w.ticket_id = ?1 AND u.disabled_at IS NULL AND ((u.role = 'customer') = (?2 = 1)) "
    "UNION SELECT address FROM ticket_cc WHERE ticket_id = ?1 AND ?2 = 1 AND ?3 = 0";
static const char SQL_ESCALATION_CONTACTS[] =
    "SELECT coalesce(p.escalation_emails, '[]') FROM agreements a JOIN sla_policies p "
    "ON p.id = a.sla_policy_id WHERE a.id = ?1";

/* Append the e-mails of a one-column query (three integer parameters) to list. */
static void add_emails(struct db_conn *c, const char *sql, int64_t p1, int64_t p2, int64_t p3,
                       json_t *list)
{
    struct db_stmt *s = db_stmt(c, sql);

    db_bind_int(s, 1, p1);
    db_bind_int(s, 2, p2);
    db_bind_int(s, 3, p3);
    while (db_step(s) == DB_ROW)
        json_array_append_new(list, json_string(db_col_raw(s, 0)));
    db_done(s, 0);
}

static void add_escalation_contacts(struct db_conn *c, int64_t agreement, json_t *list)
{
    struct db_stmt *s = db_stmt(c, SQL_ESCALATION_CONTACTS);
    json_t *contacts;

    db_bind_int(s, 1, agreement);
    if (db_step(s) == DB_ROW) {
        contacts = json_loads(db_col_raw(s, 0), 0, NULL);
        if (json_is_array(contacts))
            json_array_extend(list, contacts);
        json_decref(contacts);
    }
    db_done(s, 0);
}

/* The addresses of the audience of a notice (notice_audience), as JSON text or NULL. */
static char *recipients(struct db_conn *c, unsigned audience, const struct ticket *t)
{
    json_t *list = json_array();

    if (audience & NOTICE_TO_CUSTOMER) {
        add_emails(c, SQL_CUSTOMER_SIDE, t->requester_id, t->organization_id, t->id, list);
        add_emails(c, SQL_FOLLOWERS, t->id, 1, 0, list);
        if (ctx.extra_to)
            json_array_append_new(list, json_string(ctx.extra_to));
    }
    if (audience & NOTICE_TO_ASSIGNEE) {
        add_emails(c, SQL_ASSIGNEE, t->assignee_id, 0, 0, list);
        add_emails(c, SQL_FOLLOWERS, t->id, 0, 0, list);
    }
    if (audience & NOTICE_TO_ESCALATION)
        add_escalation_contacts(c, t->agreement_id, list);
    return notice_recipients(list, ctx.mute);
}

/* ---- threading ---------------------------------------------------------------------- */

/* ?2: include the ids of notices to staff only (never in what customers receive) */
static const char SQL_THREAD_FIRST[] = "SELECT message_id FROM mail_ids WHERE ticket_id = ?1 AND "
                                       "(?2 OR staff_only = 0) ORDER BY id LIMIT 1";
static const char SQL_THREAD_LATEST[] = "SELECT message_id FROM mail_ids WHERE ticket_id = ?1 AND "
                                        "(?2 OR staff_only = 0) ORDER BY id DESC LIMIT ?3";

struct thread {
    char *ids[THREAD_RECENT + 2]; /* oldest first, each once (malloc'd) */
    size_t n;                     /* ids used */
};

static void thread_add(struct thread *th, const char *id)
{
    for (size_t i = 0; i < th->n; i++)
        if (!strcmp(th->ids[i], id))
            return;
    if (th->n < ARRAY_SIZE(th->ids))
        th->ids[th->n++] = xstrdup(id);
}

/*
 * The first Message-ID of the thread of ticket_id, then the latest ones,
 * oldest first; those of staff-only notices only when staff_only.
 */
static void thread_load(struct db_conn *c, int64_t ticket_id, bool staff_only,
                        struct thread *th)
{
    struct db_stmt *s = db_stmt(c, SQL_THREAD_FIRST);
    char *latest[THREAD_RECENT];
    size_t n = 0;

    db_bind_int(s, 1, ticket_id);
    db_bind_int(s, 2, staff_only);
    if (db_step(s) == DB_ROW)
        thread_add(th, db_col_raw(s, 0));
    db_done(s, 0);
    s = db_stmt(c, SQL_THREAD_LATEST);
    db_bind_int(s, 1, ticket_id);
    db_bind_int(s, 2, staff_only);
    db_bind_int(s, 3, THREAD_RECENT);
    while (n < THREAD_RECENT && db_step(s) == DB_ROW)
        latest[n++] = xstrdup(db_col_raw(s, 0));
    db_done(s, 0);
    while (n--) {
        thread_add(th, latest[n]);
        free(latest[n]);
    }
}

/* In-Reply-To (the latest id) and References (all, space-separated) into the strbufs. */
static void thread_headers(const struct thread *th, struct strbuf *in_reply_to, struct strbuf *refs)
{
    for (size_t i = 0; i < th->n; i++) {
        if (i)
            strbuf_addch(refs, ' ');
        strbuf_addstr(refs, th->ids[i]);
    }
    if (th->n)
        strbuf_addstr(in_reply_to, th->ids[th->n - 1]);
}

static void thread_release(struct thread *th)
{
    for (size_t i = 0; i < th->n; i++)
        free(th->ids[i]);
    th->n = 0;
}

/* ---- the outbox row ------------------------------------------------------------------ */

static const char SQL_OUTBOX_INSERT[] =
    "INSERT INTO outbox (kind, ticket_id, recipients, subject, body, message_id, not_before, "
    "created_at, next_attempt_at, in_reply_to, refs) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
static const char SQL_MAIL_ID_OUT[] = "INSERT INTO mail_ids (message_id, ticket_id, direction, "
                                      "staff_only, created_at) VALUES (?, ?, 'out', ?, ?)";

/* A notice to queue: what the outbox row holds before its Message-ID and threading. */
struct outbox_row {
    enum notice_template tmpl; /* the kind and the texts */
    struct notice_vars vars;   /* what the texts name (vars.ticket_id: 0 for none) */
    const char *recipients;    /* JSON list, at least one address */
    bool staff_only;           /* it goes to staff only: its id stays out of customers' mail */
    int64_t not_before;        /* earliest sending */
    int64_t now;               /* queued at */
};

static int insert_row(struct db_conn *c, const struct outbox_row *r, const char *mid,
                      const struct thread *th)
{
    struct strbuf subject = STRBUF_INIT, body = STRBUF_INIT, irt = STRBUF_INIT, refs = STRBUF_INIT;
    struct db_stmt *s = db_stmt(c, SQL_OUTBOX_INSERT);
    int rc;

    notice_render(r->tmpl, &r->vars, &subject, &body);
    thread_headers(th, &irt, &refs);
    db_bind_text(s, 1, notice_kind_name(r->tmpl));
    db_bind_id(s, 2, r->vars.ticket_id);
    db_bind_text(s, 3, r->recipients);
    db_bind_text(s, 4, subject.buf);
    db_bind_text(s, 5, body.buf);
    db_bind_text(s, 6, mid);
    db_bind_int(s, 7, r->not_before);
    db_bind_int(s, 8, r->now);
    db_bind_int(s, 9, r->not_before);
    db_bind_text(s, 10, irt.len ? irt.buf : NULL);
    db_bind_text(s, 11, refs.len ? refs.buf : NULL);
    rc = db_step(s);
    rc = db_done(s, rc == DB_DONE ? 0 : db_err(rc));
    strbuf_release(&subject);
    strbuf_release(&body);
    strbuf_release(&irt);
    strbuf_release(&refs);
    return rc;
}

/* Queue r with a new Message-ID threaded into its request's mail, and record that id. */
static int outbox_add_one(struct db_conn *c, const struct outbox_row *r)
{
    struct thread th = {{NULL}, 0};
    char mid[80], rnd[33];
    struct db_stmt *s;
    int rc;

    random_hex(rnd, 16);
    if (r->vars.ticket_id)
        snprintf(mid, sizeof(mid), "%s.%s.%" PRId64, rnd, notice_kind_name(r->tmpl),
                 r->vars.ticket_id);
    else
        snprintf(mid, sizeof(mid), "%s.%s", rnd, notice_kind_name(r->tmpl));
    if (r->vars.ticket_id)
        thread_load(c, r->vars.ticket_id, r->staff_only, &th);
    if (ctx.inbound_id)
        thread_add(&th, ctx.inbound_id);
    rc = insert_row(c, r, mid, &th);
    thread_release(&th);
    if (rc < 0)
        return rc;
    s = db_stmt(c, SQL_MAIL_ID_OUT);
    db_bind_text(s, 1, mid);
    db_bind_id(s, 2, r->vars.ticket_id);
    db_bind_int(s, 3, r->staff_only);
    db_bind_int(s, 4, r->now);
    rc = db_step(s);
    return db_done(s, rc == DB_DONE ? 0 : db_err(rc));
}

/*
 * Queue r: a notice about a request as one row per recipient, each with its
 * own Message-ID, since each carries the reply address signed for its
 * recipient (mail/replyto.h) and is sent, retried and marked on its own;
 * a notice about no request as one row.
 */
static int outbox_add(struct db_conn *c, const struct outbox_row *r)
{
    json_t *list, *v;
    size_t i;
    int rc = 0;

    if (!r->vars.ticket_id)
        return outbox_add_one(c, r);
    list = json_loads(r->recipients, 0, NULL);
    if (!json_is_array(list) || json_array_size(list) < 2) {
        json_decref(list);
        return outbox_add_one(c, r);
    }
    json_array_foreach(list, i, v)
    {
        json_t *one = json_pack("[O]", v);
        char *text = json_dumps(one, JSON_COMPACT);
        struct outbox_row each = *r;
        each.recipients = text;
        if (rc == 0)
            rc = outbox_add_one(c, &each);
        free(text);
        json_decref(one);
    }
    json_decref(list);
    return rc;
}

/* ---- the notices ---------------------------------------------------------------------- */

static const enum notice_template event_templates[] = {
    [NOTICE_RECEIVED] = NOTICE_T_RECEIVED,
    [NOTICE_REPLY] = NOTICE_T_REPLY,
    [NOTICE_STATUS] = NOTICE_T_STATUS,
    [NOTICE_ESCALATION] = NOTICE_T_ESCALATION,
};

/* The public messages before this one (?2: its id, 0 for none), newest first; their authors. */
static const char SQL_HISTORY[] =
    "SELECT coalesce(u.name, ''), m.staff, m.created_at, m.body FROM messages m LEFT JOIN users "
    "u ON u.id = m.author_id WHERE m.ticket_id = ?1 AND m.internal = 0 AND m.id <> ?2 "
    "ORDER BY m.id DESC LIMIT ?3";
static const char SQL_USER_NAME[] = "SELECT name FROM users WHERE id = ?1";

/*
 * The conversation a reply or status notice quotes (notice_history): the newest public
 * messages but the one being sent, then the request's own description while there is room.
 * Internal notes never: a notice to staff quotes what its customer could read too.
 */
static void load_history(struct db_conn *c, const struct ticket *t, int64_t skip,
                         struct strbuf *out, struct arena *a)
{
    struct notice_quote q[NOTICE_HISTORY_MAX];
    struct db_stmt *s = db_stmt(c, SQL_HISTORY);
    size_t n = 0;

    db_bind_int(s, 1, t->id);
    db_bind_int(s, 2, skip);
    db_bind_int(s, 3, NOTICE_HISTORY_MAX);
    while (n < NOTICE_HISTORY_MAX && db_step(s) == DB_ROW)
        q[n++] = (struct notice_quote){db_col_text(s, 0, a), db_col_int(s, 1) != 0,
                                       db_col_int(s, 2), db_col_text(s, 3, a)};
    db_done(s, 0);
    if (n < NOTICE_HISTORY_MAX && t->body && *t->body) {
        const char *name = "";
        s = db_stmt(c, SQL_USER_NAME);
        db_bind_int(s, 1, t->requester_id);
        if (db_step(s) == DB_ROW)
            name = db_col_text(s, 0, a);
        db_done(s, 0);
        q[n++] = (struct notice_quote){name, false, t->received_at, t->body};
    }
    notice_history(q, n, out);
}

int store__notify(struct db_conn *c, enum notice_event kind, const struct ticket *t,
                  const struct message *m, int64_t now)
{
    unsigned audience = notice_audience(kind, m && m->staff, m && m->internal);
    struct outbox_row r = {.tmpl = event_templates[kind],
                           .vars = {.ticket_id = t->id,
                                    .subject = t->subject,
                                    .body = m ? m->body : t->body,
                                    .status = ticket_status_words(t->status),
                                    .severity = severity_name(t->severity)},
                           .staff_only = !(audience & NOTICE_TO_CUSTOMER),
                           .not_before = now,
                           .now = now};
    struct strbuf history = STRBUF_INIT;
    struct arena a = ARENA_INIT;
    char *to;
    int rc;

    if (!audience || !(to = recipients(c, audience, t)))
        return 0;
    if (kind == NOTICE_REPLY || kind == NOTICE_STATUS) {
        load_history(c, t, m ? m->id : 0, &history, &a);
        r.vars.history = history.buf;
    }
    r.recipients = to;
    rc = outbox_add(c, &r);
    free(to);
    strbuf_release(&history);
    arena_release(&a);
    return rc;
}

int store__notify_sla(struct db_conn *c, int64_t ticket_id, bool breach, const char *clock,
                      enum severity sev, int64_t due_at, int64_t not_before, int64_t now,
                      const char *recipients)
{
    char due[TIME_RFC3339_LEN];
    struct outbox_row r = {.tmpl = breach ? NOTICE_T_SLA_BREACH : NOTICE_T_SLA_WARNING,
                           .vars = {.ticket_id = ticket_id,
                                    .severity = severity_name(sev),
                                    .clock = clock,
                                    .due = due},
                           .recipients = recipients,
                           .staff_only = true,
                           .not_before = not_before,
                           .now = now};

    time_format_rfc3339(due_at, due);
    return outbox_add(c, &r);
}

int store__notify_rejected(struct db_conn *c, const char *sender, const char *subject,
                           const char *inbound_id, int64_t now)
{
    struct outbox_row r = {.tmpl = NOTICE_T_REJECTED,
                           .vars = {.subject = subject, .sender = sender},
                           .not_before = now,
                           .now = now};
    struct notify_ctx saved = ctx;
    json_t *list = json_array();
    char *to;
    int rc;

    json_array_append_new(list, json_string(sender));
    if (!(to = notice_recipients(list, ctx.mute)))
        return 0;
    r.recipients = to;
    ctx.inbound_id = inbound_id;
    rc = outbox_add(c, &r);
    ctx = saved;
    free(to);
    return rc;
}
