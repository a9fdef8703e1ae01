/*
 * chats.c - live chat (domain/chat.h, issue 16).
 *
 * A chat is a request of channel chat from its opening line: opening one creates the
 * request by the path of every request (entitlement, priority, SLA, notices) and a row of
 * chats beside it. Its lines are the request's messages (store__message_add_in), so the
 * transcript is the request's conversation, and the events stream (events.c) carries each
 * line with the message's own audit row; accepting and closing audit the chat (entity
 * chat), which events.c maps to its request as well. Every write reads the chat inside its
 * transaction, so two agents accepting at once: one wins, the other is 409.
 */
#define LOG_MODULE "store"
#include "core/compat.h"
#include "store/internal.h"
#include "core/err.h"
#include "domain/chat.h"

#define CHAT_COLS                                                                                  \
    "ch.id, ch.organization_id, ch.ticket_id, ch.customer_id, coalesce(ch.agent_id, 0), "         \
    "ch.status, ch.last_message_at, coalesce(ch.accepted_at, 0), coalesce(ch.closed_at, 0), "     \
    "coalesce(ch.closed_by, 0), ch.created_at, t.subject, t.body, o.name, cu.name, "              \
    "coalesce(ag.name, '') FROM chats ch JOIN tickets t ON t.id = ch.ticket_id "                  \
    "JOIN organizations o ON o.id = ch.organization_id JOIN users cu ON cu.id = ch.customer_id " \
    "LEFT JOIN users ag ON ag.id = ch.agent_id "

static void read_chat(struct db_stmt *s, struct chat *ch, struct arena *a)
{
    memset(ch, 0, sizeof(*ch));
    ch->id = db_col_int(s, 0);
    ch->organization_id = db_col_int(s, 1);
    ch->ticket_id = db_col_int(s, 2);
    ch->customer_id = db_col_int(s, 3);
    ch->agent_id = db_col_int(s, 4);
    chat_status_parse(db_col_raw(s, 5), &ch->status);
    ch->last_message_at = db_col_int(s, 6);
    ch->accepted_at = db_col_int(s, 7);
    ch->closed_at = db_col_int(s, 8);
    ch->closed_by = db_col_int(s, 9);
    ch->created_at = db_col_int(s, 10);
    ch->subject = db_col_text(s, 11, a);
    ch->body = db_col_text(s, 12, a);
    ch->organization_name = db_col_text(s, 13, a);
    ch->customer_name = db_col_text(s, 14, a);
    ch->agent_name = db_col_text(s, 15, a);
}

static void read_chat_row(struct db_stmt *s, void *item, struct arena *a)
{
    read_chat(s, item, a);
}

static json_t *chat_audit(const struct chat *ch)
{
    return json_pack("{s:I, s:I, s:s, s:I}", "id", (json_int_t)ch->id, "ticket_id",
                     (json_int_t)ch->ticket_id, "status", chat_status_name(ch->status),
                     "agent_id", (json_int_t)ch->agent_id);
}

static const char SQL_CHAT_GET[] =
    "SELECT " CHAT_COLS "WHERE ch.id = ?1 AND (CAST(?2 AS BIGINT) = 0 OR ch.organization_id = ?2)";

/* Chat id as who may see it into *out: 0, DESK_ENOTFOUND or an error. */
static int chat_read(struct db_conn *c, const struct caller *who, int64_t id, struct chat *out,
                     struct arena *a)
{
    struct db_stmt *s = db_stmt(c, SQL_CHAT_GET);
    int rc;

    db_bind_int(s, 1, id);
    db_bind_int(s, 2, STORE_ORG_FILTER(who));
    rc = db_step(s);
    if (rc == DB_ROW)
        read_chat(s, out, a);
    return db_done(s, rc == DB_ROW ? 0 : rc == DB_DONE ? DESK_ENOTFOUND : db_err(rc));
}

int store_chat_get(struct store *st, const struct caller *c, int64_t id, struct chat *out,
                   struct arena *a)
{
    struct db_conn *conn = db_get(st);
    int rc = chat_read(conn, c, id, out, a);

    db_put(st, conn);
    return rc;
}

/* ---- opening a chat -------------------------------------------------------------------- */

struct open_job {
    const struct caller *c;    /* the customer */
    const char *subject, *body; /* the request's subject and the opening line */
    int64_t now;               /* when */
    struct chat *out;          /* the chat as stored */
    struct store_fault *fault; /* why it was refused */
    struct arena *a;           /* for the result */
};

static const char SQL_CHAT_INSERT[] =
    "INSERT INTO chats (organization_id, ticket_id, customer_id, status, last_message_at, "
    "created_at, updated_at) VALUES (?1, ?2, ?3, 'waiting', ?4, ?4, ?4) RETURNING id";

static int write_chat_open(struct db_conn *c, void *arg)
{
    struct open_job *j = arg;
    struct ticket t = {0};
    struct db_stmt *s;
    int64_t id;
    int rc;

    t.channel = CH_CHAT;
    t.type = TT_ASSISTANCE;
    t.severity = ticket_default_severity(t.type);
    t.subject = j->subject;
    t.body = j->body;
    t.received_at = j->now;
    if ((rc = store__ticket_create_in(c, j->c, &t, j->now, j->fault, j->a)) < 0)
        return rc;
    s = db_stmt(c, SQL_CHAT_INSERT);
    db_bind_int(s, 1, t.organization_id);
    db_bind_int(s, 2, t.id);
    db_bind_int(s, 3, j->c->user_id);
    db_bind_int(s, 4, j->now);
    if ((rc = db_insert(s, &id)) < 0 || (rc = chat_read(c, j->c, id, j->out, j->a)) < 0)
        return rc;
    return store__audit_json(c, j->c->user_id, "create", "chat", id, NULL, chat_audit(j->out));
}

int store_chat_open(struct store *st, const struct caller *c, const char *subject,
                    const char *body, int64_t now, struct chat *out, struct store_fault *fault,
                    struct arena *a)
{
    struct open_job j = {c, subject, body, now, out, fault, a};

    if (c->role != ROLE_CUSTOMER || !c->organization_id)
        return store__fault(fault, DESK_EDENIED, NULL, "only a customer opens a chat");
    return db_write(st, write_chat_open, &j);
}

/* ---- a line, an accept, a close -------------------------------------------------------- */

struct act_job {
    const struct caller *c;    /* who */
    int64_t id;                /* the chat */
    enum chat_act act;         /* what */
    const char *body;          /* the line (CHAT_ACT_MESSAGE) */
    int64_t now;               /* when */
    struct chat *out;          /* the chat after */
    struct message *msg;       /* the line as stored (may be NULL) */
    struct store_fault *fault; /* why it was refused */
    struct arena *a;           /* for the result */
};

static const char SQL_CHAT_LINE[] =
    "UPDATE chats SET last_message_at = ?2, updated_at = ?2 WHERE id = ?1";
static const char SQL_CHAT_ACCEPT[] =
    "UPDATE chats SET status = 'active', agent_id = ?3, accepted_at = ?2, last_message_at = ?2, "
    "updated_at = ?2 WHERE id = ?1";
static const char SQL_CHAT_CLOSE[] =
    "UPDATE chats SET status = 'closed', closed_at = ?2, closed_by = ?3, updated_at = ?2 "
    "WHERE id = ?1";

/* Run one UPDATE of a chat: ?1 the chat, ?2 now, ?3 (when given) a user id or NULL. */
static int chat_update(struct db_conn *c, const char *sql, int64_t id, int64_t now, int64_t user,
                       bool has_user)
{
    struct db_stmt *s = db_stmt(c, sql);

    db_bind_int(s, 1, id);
    db_bind_int(s, 2, now);
    if (has_user)
        db_bind_id(s, 3, user);
    return db_exec(s);
}

static int add_line(struct db_conn *c, struct act_job *j, const struct chat *before)
{
    struct message m = {0};
    int rc;

    m.ticket_id = before->ticket_id;
    m.body = j->body;
    if ((rc = store__message_add_in(c, j->c, &m, j->now, j->fault)) < 0 ||
        (rc = chat_update(c, SQL_CHAT_LINE, before->id, j->now, 0, false)) < 0)
        return rc;
    if (j->msg)
        *j->msg = m;
    return 0;
}

/* The agent joins; an unassigned request becomes theirs. */
static int accept_chat(struct db_conn *c, struct act_job *j, const struct chat *before)
{
    struct ticket t;
    int rc;

    if ((rc = chat_update(c, SQL_CHAT_ACCEPT, before->id, j->now, j->c->user_id, true)) < 0 ||
        (rc = store__ticket_read(c, j->c, before->ticket_id, &t, j->a)) < 0)
        return rc;
    if (!t.assignee_id) {
        struct ticket_patch p = {.has_assignee = true, .assignee_id = j->c->user_id};
        if ((rc = store__ticket_update_in(c, j->c, t.id, &p, j->now, &t, j->fault, j->a)) < 0)
            return rc;
    }
    return 0;
}

static const char *const act_names[] = {"message", "accept", "close"};

static int write_chat_act(struct db_conn *c, void *arg)
{
    struct act_job *j = arg;
    bool staff = j->c->role >= ROLE_AGENT;
    struct chat before;
    const char *why;
    int rc;

    if ((rc = chat_read(c, j->c, j->id, &before, j->a)) < 0)
        return store__fault(j->fault, rc, NULL, "no chat %" PRId64, j->id);
    if ((rc = chat_decide(before.status, j->act, staff, &why)) < 0)
        return store__fault(j->fault, rc, "id", "chat %" PRId64 " %s", j->id, why);
    switch (j->act) {
    case CHAT_ACT_MESSAGE:
        rc = add_line(c, j, &before);
        break;
    case CHAT_ACT_ACCEPT:
        rc = accept_chat(c, j, &before);
        break;
    case CHAT_ACT_CLOSE:
        rc = chat_update(c, SQL_CHAT_CLOSE, before.id, j->now, j->c->user_id, true);
        break;
    }
    if (rc < 0 || (rc = chat_read(c, j->c, j->id, j->out, j->a)) < 0)
        return rc;
    if (j->act == CHAT_ACT_MESSAGE) /* the message's own audit row tells of the line */
        return 0;
    return store__audit_json(c, j->c->user_id, act_names[j->act], "chat", j->id,
                             chat_audit(&before), chat_audit(j->out));
}

int store_chat_act(struct store *st, const struct caller *c, int64_t id, enum chat_act act,
                   const char *body, int64_t now, struct chat *out, struct message *msg,
                   struct store_fault *fault, struct arena *a)
{
    struct act_job j = {c, id, act, body, now, out, msg, fault, a};

    return db_write(st, write_chat_act, &j);
}

/* ---- lists ------------------------------------------------------------------------------ */

static const char SQL_CHAT_LIST[] =
    "SELECT " CHAT_COLS "WHERE (CAST(?1 AS BIGINT) = 0 OR ch.organization_id = ?1) "
    "AND (CAST(?2 AS TEXT) IS NULL OR ch.status = ?2) AND ch.id > ?3 ORDER BY ch.id LIMIT ?4";

int store_chat_list(struct store *st, const struct caller *c, int status, struct store_page *pg,
                    struct chat **items, size_t *n, struct arena *a)
{
    struct db_conn *conn = db_get(st);
    struct db_stmt *s = db_stmt(conn, SQL_CHAT_LIST);
    struct chat *out = ARENA_NEWN(a, struct chat, pg->limit);
    int rc;

    db_bind_int(s, 1, STORE_ORG_FILTER(c));
    db_bind_text(s, 2, status < 0 ? NULL : chat_status_name((enum chat_status)status));
    db_bind_int(s, 3, pg->after);
    db_bind_int(s, 4, (int64_t)pg->limit + 1);
    rc = store__page_rows(s, pg, out, sizeof(*out), n, read_chat_row, a);
    *items = out;
    db_put(st, conn);
    return rc;
}

int store_chat_messages(struct store *st, const struct caller *c, int64_t id,
                        struct message **items, size_t *n, struct arena *a)
{
    struct chat ch;
    size_t kept = 0;
    int rc;

    *items = NULL;
    *n = 0;
    if ((rc = store_chat_get(st, c, id, &ch, a)) < 0 ||
        (rc = store_message_list(st, c, ch.ticket_id, items, n, a)) < 0)
        return rc;
    for (size_t i = 0; i < *n; i++) /* internal notes are no part of the chat */
        if (!(*items)[i].internal)
            (*items)[kept++] = (*items)[i];
    *n = kept;
    return 0;
}

/* ---- the idle job ----------------------------------------------------------------------- */

/* Idle chats closed by one sweep at most; the next sweep closes the rest. */
#define CHAT_SWEEP_MAX 500

struct sweep_job {
    int64_t now, idle_secs; /* when, and how long a chat may stay silent */
    int *closed;            /* out: chats closed */
};

/* The open chats silent since ?1 (chat_idle decides; the index narrows). */
static const char SQL_CHATS_IDLE[] =
    "SELECT id, status, last_message_at FROM chats WHERE status <> 'closed' "
    "AND last_message_at <= ?1 ORDER BY id LIMIT ?2";

static int write_idle_sweep(struct db_conn *c, void *arg)
{
    struct sweep_job *j = arg;
    struct caller sys = CALLER_SYSTEM;
    struct db_stmt *s = db_stmt(c, SQL_CHATS_IDLE);
    int64_t ids[CHAT_SWEEP_MAX];
    enum chat_status status;
    size_t n = 0;
    int rc;

    *j->closed = 0;
    db_bind_int(s, 1, j->now - j->idle_secs);
    db_bind_int(s, 2, CHAT_SWEEP_MAX);
    while ((rc = db_step(s)) == DB_ROW && n < ARRAY_SIZE(ids))
        if (chat_status_parse(db_col_raw(s, 1), &status) == 0 &&
            chat_idle(status, db_col_int(s, 2), j->now, j->idle_secs))
            ids[n++] = db_col_int(s, 0);
    if ((rc = db_done(s, db_err(rc))) < 0)
        return rc;
    for (size_t i = 0; i < n; i++) {
        json_t *after = json_pack("{s:I, s:s, s:s}", "id", (json_int_t)ids[i], "status",
                                  "closed", "reason", "idle");
        if ((rc = chat_update(c, SQL_CHAT_CLOSE, ids[i], j->now, 0, true)) < 0 ||
            (rc = store__audit_json(c, sys.user_id, "close", "chat", ids[i], NULL, after)) < 0)
            return rc;
        (*j->closed)++;
    }
    return 0;
}

int store_chat_idle_sweep(struct store *st, int64_t now, int64_t idle_secs, int *closed)
{
    struct sweep_job j = {now, idle_secs, closed};

    return db_write(st, write_idle_sweep, &j);
}
