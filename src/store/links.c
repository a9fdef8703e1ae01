/*
 * links.c - merging a duplicate request into another and linking related
 * requests (issue 15); staff only (the caller checks the role).
 *
 * Merging request `from` into `into` (same organisation, neither merged nor
 * closed, not the same): each message of `from` is added to `into` through
 * the path of every message (so search and the conversation see it), marked
 * with where it came from; its files and time entries move; a note on each
 * says what happened; `from` points at `into` and is closed. One write.
 */
#include "core/compat.h"
#include "core/i18n.h"
#include "store/internal.h"
#include "core/err.h"
#include "core/time.h"

static const char *const link_kind_names[] = {TR_NOOP("related"), TR_NOOP("parent"),
                                             TR_NOOP("child"), NULL};

static const char SQL_MESSAGES_OF[] =
    "SELECT m.internal, m.body, m.created_at, coalesce(u.name, '') FROM messages m LEFT JOIN "
    "users u ON u.id = m.author_id WHERE m.ticket_id = ?1 ORDER BY m.id";
static const char SQL_MOVE_ATTACHMENTS[] = "UPDATE attachments SET ticket_id = ?2 WHERE ticket_id = ?1";
static const char SQL_MOVE_TIME[] = "UPDATE time_entries SET ticket_id = ?2 WHERE ticket_id = ?1";
static const char SQL_SET_MERGED[] = "UPDATE tickets SET merged_into_id = ?2 WHERE id = ?1";
static const char SQL_LINK_INSERT[] =
    "INSERT INTO ticket_links (ticket_id, other_id, kind, created_by, created_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (ticket_id, other_id) DO UPDATE SET kind = ?3";
static const char SQL_LINKS_OF[] =
    "SELECT l.other_id, l.kind, o.subject, o.status FROM ticket_links l JOIN tickets o ON "
    "o.id = l.other_id WHERE l.ticket_id = ?1 AND (CAST(?2 AS BIGINT) = 0 OR "
    "o.organization_id = ?2) ORDER BY l.other_id";

int link_kind_parse(const char *s, int *out)
{
    for (int i = 0; link_kind_names[i]; i++)
        if (s && !strcmp(s, link_kind_names[i]))
            return *out = i, 0;
    return DESK_EINVAL;
}

const char *const *link_kinds(void) { return link_kind_names; }

/* A note (internal) on request id by the merging agent. */
static int note(struct db_conn *c, const struct caller *who, int64_t id, const char *text,
                int64_t now, struct store_fault *fault)
{
    struct message m = {0};

    m.ticket_id = id;
    m.internal = true;
    m.body = text;
    return store__message_add_in(c, who, &m, now, fault);
}

/* Copy each message of from into into, saying whose and when it was. */
static int copy_messages(struct db_conn *c, const struct caller *who, int64_t from, int64_t into,
                         int64_t now, struct store_fault *fault, struct arena *a)
{
    struct db_stmt *s = db_stmt(c, SQL_MESSAGES_OF);
    struct message *ms = NULL;
    size_t n = 0, alloc = 0;
    int rc;

    db_bind_int(s, 1, from);
    while ((rc = db_step(s)) == DB_ROW) {
        char at[TIME_RFC3339_LEN];
        const char *name = db_col_text(s, 3, a);
        ms = store__grow(a, ms, n, &alloc, sizeof(*ms));
        time_format_rfc3339(db_col_int(s, 2), at);
        ms[n] = (struct message){0};
        ms[n].ticket_id = into;
        ms[n].internal = db_col_int(s, 0) != 0;
        ms[n].body = arena_sprintf(a, "From request #%" PRId64 " (%s, %s):\n\n%s", from,
                                   *name ? name : "the customer", at, db_col_text(s, 1, a));
        n++;
    }
    if ((rc = db_done(s, rc == DB_DONE ? 0 : db_err(rc))) < 0)
        return rc;
    for (size_t i = 0; i < n && rc == 0; i++)
        rc = store__message_add_in(c, who, &ms[i], now, fault);
    return rc;
}

static int move(struct db_conn *c, const char *sql, int64_t from, int64_t into)
{
    struct db_stmt *s = db_stmt(c, sql);

    db_bind_int(s, 1, from);
    db_bind_int(s, 2, into);
    return db_exec(s);
}

struct merge_job {
    const struct caller *c;
    int64_t from, into, now;
    struct ticket *out; /* the request merged into, after */
    struct store_fault *fault;
    struct arena *a;
};

static int write_merge(struct db_conn *c, void *arg)
{
    struct merge_job *j = arg;
    struct ticket from, into;
    struct ticket_patch close = {0};
    struct ticket after;
    int rc;

    if (j->from == j->into)
        return store__fault(j->fault, DESK_EINVAL, "into_id", "a request is not merged into itself");
    if ((rc = store__ticket_read(c, j->c, j->from, &from, j->a)) < 0)
        return rc;
    if ((rc = store__ticket_read(c, j->c, j->into, &into, j->a)) < 0)
        return rc == DESK_ENOTFOUND ? store__fault(j->fault, DESK_EINVAL, "into_id",
                                                   "no request %" PRId64, j->into)
                                    : rc;
    if (from.merged_into_id || into.merged_into_id)
        return store__fault(j->fault, DESK_ECONFLICT, from.merged_into_id ? NULL : "into_id",
                            "request %" PRId64 " was merged already",
                            from.merged_into_id ? from.id : into.id);
    if (from.organization_id != into.organization_id)
        return store__fault(j->fault, DESK_EINVAL, "into_id",
                            "request %" PRId64 " is another organisation's", into.id);
    if (into.status == TS_CLOSED || from.status == TS_CLOSED)
        return store__fault(j->fault, DESK_ECONFLICT, into.status == TS_CLOSED ? "into_id" : NULL,
                            "request %" PRId64 " is closed",
                            into.status == TS_CLOSED ? into.id : from.id);
    if ((rc = note(c, j->c, into.id,
                   arena_sprintf(j->a, "Request #%" PRId64 ", as it was opened: %s\n\n%s", from.id,
                                 from.subject, from.body),
                   j->now, j->fault)) < 0 ||
        (rc = copy_messages(c, j->c, from.id, into.id, j->now, j->fault, j->a)) < 0 ||
        (rc = move(c, SQL_MOVE_ATTACHMENTS, from.id, into.id)) < 0 ||
        (rc = move(c, SQL_MOVE_TIME, from.id, into.id)) < 0 ||
        (rc = note(c, j->c, into.id,
                   arena_sprintf(j->a, "Request #%" PRId64 " (%s) was merged into this one.",
                                 from.id, from.subject),
                   j->now, j->fault)) < 0 ||
        (rc = note(c, j->c, from.id,
                   arena_sprintf(j->a, "Merged into request #%" PRId64 ".", into.id), j->now,
                   j->fault)) < 0 ||
        (rc = move(c, SQL_SET_MERGED, from.id, into.id)) < 0)
        return rc;
    /* closed through the path of every status change (its log, the SLA clocks, notices),
       one move at a time */
    close.has_status = true;
    for (after = from; after.status != TS_CLOSED;) {
        close.status = ticket_next_toward(after.status, TS_CLOSED);
        if (close.status == after.status)
            return DESK_ECONFLICT; /* no way: cannot happen from an open request */
        if ((rc = store__ticket_update_in(c, j->c, from.id, &close, j->now, &after, j->fault,
                                          j->a)) < 0)
            return rc;
    }
    if ((rc = store__audit(c, j->c->user_id, "merge", "ticket", from.id, NULL,
                           arena_sprintf(j->a, "{\"into_id\":%" PRId64 "}", into.id))) < 0)
        return rc;
    return store__ticket_read(c, j->c, into.id, j->out, j->a);
}

int store_ticket_merge(struct store *st, const struct caller *c, int64_t from, int64_t into,
                       int64_t now, struct ticket *out, struct store_fault *fault,
                       struct arena *a)
{
    struct merge_job j = {c, from, into, now, out, fault, a};

    return db_write(st, write_merge, &j);
}

struct link_job {
    const struct caller *c;
    int64_t id, other;
    int kind; /* index of link_kind_names */
    int64_t now;
    struct store_fault *fault;
};

static int insert_link(struct db_conn *c, const struct link_job *j, int64_t a, int64_t b, int kind)
{
    struct db_stmt *s = db_stmt(c, SQL_LINK_INSERT);

    db_bind_int(s, 1, a);
    db_bind_int(s, 2, b);
    db_bind_text(s, 3, link_kind_names[kind]);
    db_bind_id(s, 4, j->c->user_id);
    db_bind_int(s, 5, j->now);
    return db_exec(s);
}

static int write_link(struct db_conn *c, void *arg)
{
    struct link_job *j = arg;
    struct arena a = ARENA_INIT;
    struct ticket t, o;
    /* the other side: related - related, parent - child */
    static const int mirror[] = {0, 2, 1};
    int rc;

    if (j->id == j->other)
        rc = store__fault(j->fault, DESK_EINVAL, "ticket_id", "a request is not linked to itself");
    else if ((rc = store__ticket_read(c, j->c, j->id, &t, &a)) == 0 &&
             (rc = store__ticket_read(c, j->c, j->other, &o, &a)) == DESK_ENOTFOUND)
        rc = store__fault(j->fault, DESK_EINVAL, "ticket_id", "no request %" PRId64, j->other);
    if (rc == 0 && (rc = insert_link(c, j, j->id, j->other, j->kind)) == 0 &&
        (rc = insert_link(c, j, j->other, j->id, mirror[j->kind])) == 0)
        rc = store__audit(c, j->c->user_id, "link", "ticket", j->id, NULL,
                          arena_sprintf(&a, "{\"ticket_id\":%" PRId64 ",\"kind\":\"%s\"}",
                                        j->other, link_kind_names[j->kind]));
    arena_release(&a);
    return rc;
}

int store_ticket_link(struct store *st, const struct caller *c, int64_t id, int64_t other,
                      int kind, int64_t now, struct store_fault *fault)
{
    struct link_job j = {c, id, other, kind, now, fault};

    return db_write(st, write_link, &j);
}

int store_ticket_links(struct store *st, const struct caller *c, int64_t id,
                       struct ticket_link **items, size_t *n, struct arena *a)
{
    struct db_conn *conn = db_get(st);
    struct ticket t;
    size_t alloc = 0;
    int rc = store__ticket_read(conn, c, id, &t, a);

    *items = NULL;
    *n = 0;
    if (rc == 0) {
        struct db_stmt *s = db_stmt(conn, SQL_LINKS_OF);
        db_bind_int(s, 1, id);
        db_bind_int(s, 2, STORE_ORG_FILTER(c));
        while ((rc = db_step(s)) == DB_ROW) {
            struct ticket_link *l;
            *items = store__grow(a, *items, *n, &alloc, sizeof(**items));
            l = &(*items)[(*n)++];
            l->ticket_id = db_col_int(s, 0);
            l->kind = db_col_text(s, 1, a);
            l->subject = db_col_text(s, 2, a);
            l->status = db_col_text(s, 3, a);
        }
        rc = db_done(s, rc == DB_DONE ? 0 : db_err(rc));
    }
    db_put(st, conn);
    return rc;
}
