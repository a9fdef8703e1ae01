/*
 * mail.c - the outbox (claiming, sending marks, back-off) and inbound
 * mail (who sent it, which thread it continues, recording it) on SQLite.
 *
 * An inbound mail is recorded by one write (write_deliver): its Message-ID
 * first, so a second copy changes nothing, then the request or the message
 * with its attachments through the ticket code's own writes
 * (sqlite__*_in), so every rule of a request made by the API applies to a
 * request made by mail too.
 */
#define LOG_MODULE "store"
#include "core/compat.h"
#include "store/internal.h"
#include "core/err.h"
#include "core/log.h"
#include "core/xalloc.h"
#include <sodium.h>

/* ---- the outbox ------------------------------------------------------------------------ */

/*
 * Claim the due rows nobody holds. On PostgreSQL, where several servers claim at once,
 * the rows another server's claim has locked are skipped (FOR UPDATE SKIP LOCKED), so the
 * claims take different rows instead of waiting or conflicting; on SQLite one writer at a
 * time claims anyway.
 */
#define OUTBOX_CLAIM(lock)                                                                         \
    "UPDATE outbox SET lease_holder = ?1, lease_until = ?2 + ?3 WHERE id IN ("                     \
    "SELECT id FROM outbox WHERE sent_at IS NULL AND next_attempt_at <= ?2 AND "                   \
    "not_before <= ?2 AND (lease_until IS NULL OR lease_until <= ?2) "                             \
    "ORDER BY next_attempt_at, id LIMIT ?4" lock ") "                                              \
    "RETURNING id, kind, coalesce(ticket_id, 0), recipients, subject, body, message_id, "          \
    "in_reply_to, refs, attempts"
static const char SQL_OUTBOX_CLAIM_SQLITE[] = OUTBOX_CLAIM("");
static const char SQL_OUTBOX_CLAIM_PG[] = OUTBOX_CLAIM(" FOR UPDATE SKIP LOCKED");

struct claim_job {
    const char *holder;       /* who takes the rows */
    int64_t now, lease_secs;  /* the lease runs until now + lease_secs */
    int max;                  /* rows at most */
    struct outbox_msg *items; /* out: the rows (arena) */
    size_t n, alloc;          /* rows claimed, capacity */
    struct arena *a;          /* the caller's */
};

static void read_outbox_row(struct db_stmt *s, struct outbox_msg *m, struct arena *a)
{
    *m = (struct outbox_msg){db_col_int(s, 0),       db_col_text(s, 1, a),
                             db_col_int(s, 2),       db_col_text(s, 3, a),
                             db_col_text(s, 4, a),         db_col_text(s, 5, a),
                             db_col_text(s, 6, a),         db_col_text_or_null(s, 7, a),
                             db_col_text_or_null(s, 8, a), (int)db_col_int(s, 9)};
}

static int write_claim(struct db_conn *c, void *arg)
{
    struct claim_job *j = arg;
    struct db_stmt *s = db_stmt(c, db_dialect(c) == DB_POSTGRES ? SQL_OUTBOX_CLAIM_PG
                                                                 : SQL_OUTBOX_CLAIM_SQLITE);
    int rc;

    j->n = 0;
    db_bind_text(s, 1, j->holder);
    db_bind_int(s, 2, j->now);
    db_bind_int(s, 3, j->lease_secs);
    db_bind_int(s, 4, j->max);
    while ((rc = db_step(s)) == DB_ROW) {
        ARENA_GROW(j->a, j->items, j->n, j->alloc);
        read_outbox_row(s, &j->items[j->n++], j->a);
    }
    return db_done(s, rc == DB_DONE ? 0 : db_err(rc));
}

int store_outbox_claim(struct store *st, const char *holder, int64_t now, int64_t lease_secs,
                         int max, struct outbox_msg **items, size_t *n, struct arena *a)
{
    struct claim_job j = {holder, now, lease_secs, max, NULL, 0, 0, a};
    int rc = db_write(st, write_claim, &j);

    *items = rc == 0 ? j.items : NULL;
    *n = rc == 0 ? j.n : 0;
    return rc;
}

static const char SQL_OUTBOX_SENT[] =
    "UPDATE outbox SET sent_at = coalesce(sent_at, ?2), attempts = attempts + 1, "
    "last_error = NULL, lease_holder = NULL, lease_until = NULL WHERE id = ?1";
static const char SQL_OUTBOX_FAILED[] =
    "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?3, last_error = ?4, "
    "lease_holder = NULL, lease_until = NULL WHERE id = ?1 AND lease_holder = ?2 AND "
    "sent_at IS NULL";
static const char SQL_OUTBOX_RELEASE[] =
    "UPDATE outbox SET lease_holder = NULL, lease_until = NULL WHERE id = ?1 AND "
    "lease_holder = ?2";

/* One outbox update: which statement, on which row, with which values. */
struct mark_job {
    const char *sql;    /* SQL_OUTBOX_SENT, _FAILED or _RELEASE */
    int64_t id;         /* the row */
    const char *holder; /* ?2 of _FAILED and _RELEASE */
    int64_t at;         /* sent_at (SENT, as ?2) or next_attempt_at (FAILED, ?3) */
    const char *error;  /* FAILED: last_error */
};

static int write_mark(struct db_conn *c, void *arg)
{
    struct mark_job *j = arg;
    struct db_stmt *s = db_stmt(c, j->sql);
    int rc;

    db_bind_int(s, 1, j->id);
    if (j->sql == SQL_OUTBOX_SENT) {
        db_bind_int(s, 2, j->at);
    } else {
        db_bind_text(s, 2, j->holder);
        if (j->sql == SQL_OUTBOX_FAILED) {
            db_bind_int(s, 3, j->at);
            db_bind_text(s, 4, j->error);
        }
    }
    rc = db_step(s);
    return db_done(s, rc == DB_DONE ? 0 : db_err(rc));
}

int store_outbox_sent(struct store *st, int64_t id, int64_t now)
{
    struct mark_job j = {SQL_OUTBOX_SENT, id, NULL, now, NULL};
    return db_write(st, write_mark, &j);
}

int store_outbox_failed(struct store *st, int64_t id, const char *holder, int64_t retry_at,
                          const char *error)
{
    struct mark_job j = {SQL_OUTBOX_FAILED, id, holder, retry_at, error};
    return db_write(st, write_mark, &j);
}

int store_outbox_release(struct store *st, int64_t id, const char *holder)
{
    struct mark_job j = {SQL_OUTBOX_RELEASE, id, holder, 0, NULL};
    return db_write(st, write_mark, &j);
}

/* ---- reads ---------------------------------------------------------------------------- */

/*
 * Run a read with ?1 = t1 and ?2 = t2, or i2 when t2 is NULL (a statement
 * without ?2 ignores it), and fill *v with the integer in the first column of
 * its first row (*found says whether there was one).
 */
static int read_int(struct store *st, const char *sql, const char *t1, const char *t2, int64_t i2,
                    int64_t *v, bool *found)
{
    struct db_conn *conn = db_get(st);
    struct db_stmt *s = db_stmt(conn, sql);
    int rc;

    db_bind_text(s, 1, t1);
    if (t2)
        db_bind_text(s, 2, t2);
    else
        db_bind_int(s, 2, i2);
    rc = db_step(s);
    *found = rc == DB_ROW;
    if (*found)
        *v = db_col_int(s, 0);
    rc = db_done(s, rc == DB_ROW || rc == DB_DONE ? 0 : db_err(rc));
    db_put(st, conn);
    return rc;
}

static const char SQL_OUTBOX_PENDING[] = "SELECT count(*) FROM outbox WHERE sent_at IS NULL";

int store_outbox_pending(struct store *st, int64_t *n)
{
    bool found;

    *n = 0;
    return read_int(st, SQL_OUTBOX_PENDING, NULL, NULL, 0, n, &found);
}

/* ---- reading the outbox (GET /api/v1/outbox) ---------------------------------------- */

static const char SQL_OUTBOX_LIST[] =
    "SELECT id, kind, coalesce(ticket_id, 0), recipients, subject, body, message_id, "
    "in_reply_to, refs, attempts, created_at, not_before, coalesce(next_attempt_at, 0), "
    "coalesce(sent_at, 0), last_error FROM outbox WHERE (CAST(?1 AS BIGINT) = 0 OR "
    "ticket_id = ?1) AND (CAST(?2 AS TEXT) IS NULL OR kind = ?2) AND (?3 = 0 OR (?3 = 1 AND "
    "sent_at IS NULL) OR (?3 = 2 AND sent_at IS NOT NULL)) AND (CAST(?4 AS BIGINT) = 0 OR "
    "id < ?4) ORDER BY id DESC LIMIT ?5";

static void read_outbox_entry(struct db_stmt *s, void *item, struct arena *a)
{
    struct outbox_entry *e = item;

    read_outbox_row(s, &e->msg, a);
    e->created_at = db_col_int(s, 10);
    e->not_before = db_col_int(s, 11);
    e->next_attempt_at = db_col_int(s, 12);
    e->sent_at = db_col_int(s, 13);
    e->last_error = db_col_text_or_null(s, 14, a);
}

int store_outbox_list(struct store *st, const struct outbox_filter *f, struct outbox_entry **items,
                      size_t *n, int64_t *next, struct arena *a)
{
    struct store_page pg = {0, (size_t)f->limit, false};
    struct db_conn *c;
    struct db_stmt *s;
    int rc;

    *items = NULL;
    *n = 0;
    *next = 0;
    if (f->limit < 1 || f->limit > STORE_PAGE_MAX)
        return DESK_EBADREQ;
    *items = ARENA_NEWN(a, struct outbox_entry, (size_t)f->limit);
    c = db_get(st);
    s = db_stmt(c, SQL_OUTBOX_LIST);
    db_bind_int(s, 1, f->ticket_id);
    db_bind_text(s, 2, f->kind);
    db_bind_int(s, 3, f->state);
    db_bind_int(s, 4, f->before_id);
    db_bind_int(s, 5, f->limit + 1);
    rc = store__page_rows(s, &pg, *items, sizeof(**items), n, read_outbox_entry, a);
    db_put(st, c);
    if (pg.more)
        *next = (*items)[*n - 1].msg.id;
    return rc;
}

static const char SQL_SENDER_USER[] =
    "SELECT id, role, coalesce(organization_id, 0) FROM users WHERE email = ?1";
static const char SQL_SENDER_DOMAIN[] =
    "SELECT o.id FROM organizations o, json_each(CASE WHEN json_valid(o.domains) THEN "
    "o.domains ELSE '[]' END) d WHERE d.type = 'text' AND lower(d.value) = lower(?1) "
    "ORDER BY o.id LIMIT 1";

static int sender_user(struct store *st, const char *address, struct mail_sender *out)
{
    struct db_conn *conn = db_get(st);
    struct db_stmt *s = db_stmt(conn, SQL_SENDER_USER);
    int rc;

    db_bind_text(s, 1, address);
    if ((rc = db_step(s)) == DB_ROW) {
        out->user_id = db_col_int(s, 0);
        if (role_parse(db_col_raw(s, 1), &out->role) < 0)
            out->role = ROLE_NONE;
        out->organization_id = db_col_int(s, 2);
    }
    rc = db_done(s, rc == DB_ROW || rc == DB_DONE ? 0 : db_err(rc));
    db_put(st, conn);
    return rc;
}

int store_mail_sender(struct store *st, const char *address, struct mail_sender *out)
{
    const char *at = strrchr(address, '@');
    bool found;
    int rc;

    *out = (struct mail_sender){0, ROLE_NONE, 0};
    if ((rc = sender_user(st, address, out)) < 0 || out->user_id || !at)
        return rc;
    return read_int(st, SQL_SENDER_DOMAIN, at + 1, NULL, 0, &out->organization_id, &found);
}

/* ?1 a Message-ID as received, ?2 its local part: a sent id matches whatever its domain. */
#define MAIL_ID_MATCH "(message_id = ?1 OR (direction = 'out' AND message_id = ?2))"

static const char SQL_MAIL_SEEN[] =
    "SELECT coalesce(ticket_id, 0) FROM mail_ids WHERE " MAIL_ID_MATCH " LIMIT 1";
static const char SQL_MAIL_THREAD[] =
    "SELECT ticket_id FROM mail_ids WHERE ticket_id IS NOT NULL AND " MAIL_ID_MATCH " LIMIT 1";

/* read_int for a MAIL_ID_MATCH query on id. */
static int read_by_mail_id(struct store *st, const char *sql, const char *id, int64_t *v,
                           bool *found)
{
    const char *at = strchr(id, '@');
    char *local = xstrndup(id, at ? (size_t)(at - id) : 0);
    int rc = read_int(st, sql, id, local, 0, v, found);

    free(local);
    return rc;
}

int store_mail_seen(struct store *st, const char *id, bool *seen, int64_t *ticket_id)
{
    *ticket_id = 0;
    return read_by_mail_id(st, SQL_MAIL_SEEN, id, ticket_id, seen);
}

int store_mail_thread(struct store *st, const char *const *ids, size_t n, int64_t *ticket_id)
{
    bool found = false;
    int rc = 0;

    *ticket_id = 0;
    for (size_t i = 0; i < n && !found && rc == 0; i++)
        rc = read_by_mail_id(st, SQL_MAIL_THREAD, ids[i], ticket_id, &found);
    return rc;
}

static const char SQL_MAIL_REQUESTER[] = "SELECT address FROM mail_requesters WHERE ticket_id = ?";

int store_mail_requester(struct store *st, int64_t ticket_id, const char **address,
                           struct arena *a)
{
    struct db_conn *conn = db_get(st);
    struct db_stmt *s = db_stmt(conn, SQL_MAIL_REQUESTER);
    int rc;

    db_bind_int(s, 1, ticket_id);
    rc = db_step(s);
    if (rc == DB_ROW)
        *address = db_col_text(s, 0, a);
    rc = db_done(s, rc == DB_ROW    ? 0
                        : rc == DB_DONE ? DESK_ENOTFOUND
                                            : db_err(rc));
    db_put(st, conn);
    return rc;
}

static const char SQL_MAIL_COUNT[] = "SELECT count(*) FROM mail_ids WHERE sender = ?1 AND "
                                     "direction = 'in' AND created_at >= ?2";

int store_mail_count(struct store *st, const char *address, int64_t since, int64_t *n)
{
    bool found;

    *n = 0;
    return read_int(st, SQL_MAIL_COUNT, address, NULL, since, n, &found);
}

/* ---- the installation's keys ------------------------------------------------------------ */

static const char SQL_MAIL_KEY_GET[] = "SELECT secret FROM mail_keys WHERE name = ?1";
static const char SQL_MAIL_KEY_ADD[] =
    "INSERT INTO mail_keys (name, secret, created_at) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING";

/* The key `name` into key[0..len); *found says whether there is one. */
static int read_key(struct store *st, const char *name, uint8_t *key, size_t len, bool *found)
{
    struct db_conn *conn = db_get(st);
    struct db_stmt *s = db_stmt(conn, SQL_MAIL_KEY_GET);
    int rc;

    db_bind_text(s, 1, name);
    rc = db_step(s);
    *found = rc == DB_ROW;
    if (*found) {
        size_t have;
        const void *p = db_col_blob(s, 0, &have);
        if (have == len) {
            memcpy(key, p, len);
        } else {
            log_error("msg=\"mail key has the wrong length\" name=%s", name);
            rc = DESK_EIO;
        }
    }
    rc = db_done(s, db_err(rc));
    db_put(st, conn);
    return rc;
}

struct key_job {
    const char *name;   /* the key */
    const uint8_t *new; /* random bytes to store when there is none */
    size_t len;         /* their number */
    int64_t now;        /* created_at */
};

static int write_key(struct db_conn *c, void *arg)
{
    struct key_job *j = arg;
    struct db_stmt *s = db_stmt(c, SQL_MAIL_KEY_ADD);
    int rc;

    db_bind_text(s, 1, j->name);
    db_bind_blob(s, 2, j->new, j->len);
    db_bind_int(s, 3, j->now);
    rc = db_step(s);
    return db_done(s, rc == DB_DONE ? 0 : db_err(rc));
}

int store_mail_key(struct store *st, const char *name, uint8_t *key, size_t len, int64_t now)
{
    uint8_t fresh[64];
    struct key_job j = {name, fresh, len, now};
    bool found;
    int rc;

    if (len > sizeof(fresh))
        BUG("mail key of %zu bytes", len);
    if ((rc = read_key(st, name, key, len, &found)) < 0 || found)
        return rc;
    randombytes_buf(fresh, len);
    rc = db_write(st, write_key, &j);
    sodium_memzero(fresh, sizeof(fresh));
    if (rc < 0 || (rc = read_key(st, name, key, len, &found)) < 0)
        return rc;
    return found ? 0 : DESK_EIO;
}

/* ---- recording an inbound mail ------------------------------------------------------------ */

static const char SQL_MAIL_ID_IN[] =
    "INSERT INTO mail_ids (message_id, direction, sender, created_at) "
    "VALUES (?, 'in', ?, ?) ON CONFLICT DO NOTHING";
static const char SQL_MAIL_ID_TICKET[] = "UPDATE mail_ids SET ticket_id = ? WHERE message_id = ?";
static const char SQL_MESSAGE_MAIL_ID[] = "UPDATE messages SET mail_id = ? WHERE id = ?";
static const char SQL_REQUESTER_INSERT[] =
    "INSERT INTO mail_requesters (ticket_id, address) VALUES (?, ?)";
static const char SQL_TICKET_SENDER[] =
    "UPDATE tickets SET sender_address = ?, sender_verified = ? WHERE id = ?";

/* Run a one-shot statement with two bound values (an integer or text each). */
static int exec2(struct db_conn *c, const char *sql, int64_t i1, const char *t1, int64_t i2,
                 const char *t2)
{
    struct db_stmt *s = db_stmt(c, sql);
    int rc;

    if (t1)
        db_bind_text(s, 1, t1);
    else
        db_bind_int(s, 1, i1);
    if (t2)
        db_bind_text(s, 2, t2);
    else
        db_bind_int(s, 2, i2);
    rc = db_step(s);
    return db_done(s, db_err(rc));
}

/* Record the Message-ID; false in *fresh when it was there already (a duplicate). */
static int record_mail_id(struct db_conn *c, const struct mail_delivery *d, int64_t now,
                          bool *fresh)
{
    struct db_stmt *s = db_stmt(c, SQL_MAIL_ID_IN);
    int rc;

    db_bind_text(s, 1, d->message_id);
    db_bind_text(s, 2, d->sender);
    db_bind_int(s, 3, now);
    rc = db_step(s);
    *fresh = rc == DB_DONE && db_changes(c) == 1;
    return db_done(s, rc == DB_DONE ? 0 : db_err(rc));
}

/* The mail's files, with the message it made (0: the request it opened). */
static int add_attachments(struct db_conn *c, const struct mail_delivery *d, int64_t message_id,
                           int64_t now, struct store_fault *fault)
{
    int rc = 0;

    for (size_t i = 0; i < d->natts && rc == 0; i++) {
        struct attachment at = d->atts[i];
        at.ticket_id = d->ticket_id;
        at.message_id = message_id;
        rc = store__attachment_add_in(c, &d->author, &at, now, fault);
    }
    return rc;
}

static int deliver_join(struct db_conn *c, struct mail_delivery *d, int64_t now,
                        struct store_fault *fault)
{
    struct message m = {0};
    int rc;

    m.ticket_id = d->ticket_id;
    m.body = d->body;
    if ((rc = store__message_add_in(c, &d->author, &m, now, fault)) < 0 ||
        (rc = exec2(c, SQL_MESSAGE_MAIL_ID, 0, d->message_id, m.id, NULL)) < 0)
        return rc;
    d->outcome = MAIL_UPDATED;
    return add_attachments(c, d, m.id, now, fault);
}

/* Keep the sender of a request opened by mail, and whether it was verified. */
static int record_sender(struct db_conn *c, const struct mail_delivery *d)
{
    struct db_stmt *s = db_stmt(c, SQL_TICKET_SENDER);

    db_bind_text(s, 1, d->sender);
    db_bind_int(s, 2, d->sender_verified);
    db_bind_int(s, 3, d->ticket_id);
    return db_exec(s);
}

static int deliver_open(struct db_conn *c, struct mail_delivery *d, int64_t now,
                        struct store_fault *fault)
{
    struct arena a = ARENA_INIT;
    struct ticket t;
    int rc;

    memset(&t, 0, sizeof(t));
    t.organization_id = d->organization_id;
    t.channel = CH_EMAIL;
    t.type = TT_ERROR;
    t.severity = ticket_default_severity(TT_ERROR);
    t.subject = d->subject;
    t.body = d->body;
    t.received_at = now;
    rc = store__ticket_create_in(c, &d->author, &t, now, fault, &a);
    d->ticket_id = t.id;
    arena_release(&a);
    if (rc < 0)
        return rc;
    if (d->sender && !d->sender_has_account &&
        (rc = exec2(c, SQL_REQUESTER_INSERT, d->ticket_id, NULL, 0, d->sender)) < 0)
        return rc;
    if ((rc = record_sender(c, d)) < 0)
        return rc;
    d->outcome = d->organization_id ? MAIL_CREATED : MAIL_TRIAGE;
    return add_attachments(c, d, 0, now, fault);
}

struct deliver_job {
    struct mail_delivery *d;   /* in and out */
    int64_t now;               /* when */
    struct store_fault *fault; /* why it was refused */
};

static int deliver(struct db_conn *c, struct mail_delivery *d, int64_t now,
                   struct store_fault *fault)
{
    switch (d->action) {
    case MAIL_JOIN:
        return deliver_join(c, d, now, fault);
    case MAIL_OPEN:
        return deliver_open(c, d, now, fault);
    case MAIL_REJECT:
        d->outcome = MAIL_REJECTED;
        d->ticket_id = 0;
        return d->auto_reply && d->sender
                   ? store__notify_rejected(c, d->sender, d->subject, d->message_id, now)
                   : 0;
    }
    /* every action is handled above; a value from elsewhere fails this mail alone */
    log_error("msg=\"unknown mail action\" action=%d", (int)d->action);
    return DESK_EIO;
}

static int write_deliver(struct db_conn *c, void *arg)
{
    struct deliver_job *j = arg;
    struct mail_delivery *d = j->d;
    struct notify_ctx ctx = {d->message_id, d->auto_reply ? NULL : d->sender, NULL};
    bool fresh;
    int rc;

    if ((rc = record_mail_id(c, d, j->now, &fresh)) < 0)
        return rc;
    if (!fresh) {
        d->outcome = MAIL_DUPLICATE;
        return 0;
    }
    if (d->action == MAIL_OPEN && d->organization_id && !d->sender_has_account)
        ctx.extra_to = d->sender; /* the request's receipt goes to its sender */
    store__notify_ctx(&ctx);
    rc = deliver(c, d, j->now, j->fault);
    store__notify_ctx(NULL);
    if (rc == 0 && d->ticket_id)
        rc = exec2(c, SQL_MAIL_ID_TICKET, d->ticket_id, NULL, 0, d->message_id);
    return rc;
}

int store_mail_deliver(struct store *st, struct mail_delivery *d, int64_t now,
                         struct store_fault *fault)
{
    struct deliver_job j = {d, now, fault};
    bool seen;
    int rc = db_write(st, write_deliver, &j);

    if (rc == 0 && d->outcome == MAIL_DUPLICATE)
        rc = store_mail_seen(st, d->message_id, &seen, &d->ticket_id);
    return rc;
}
