/*
 * sqlite.h - internals shared by the SQLite backend's files (src/store/sqlite_*.c).
 *
 * Reads borrow a connection from a pool (WAL lets them run beside the
 * writer); writes are functions run by the single writer thread inside a
 * batch transaction, each in its own SAVEPOINT so that one failing write
 * rolls back alone. Prepared statements are cached per connection, keyed
 * by the SQL constant's address: always pass the named constant.
 */
#ifndef STORE_SQLITE_H
#define STORE_SQLITE_H

#include "core/compat.h"
#include "store/store_ops.h"
#include <sqlite3.h>

struct sqlite_conn;

/* A write: runs on the writer's connection inside a transaction; returns 0 or desk_err. */
typedef int (*sqlite_write_fn)(struct sqlite_conn *c, void *arg);

/* Run fn(c, arg) in the next group commit; returns its result once committed. */
int store__write(struct store *st, sqlite_write_fn fn, void *arg);
/* Borrow a read connection (blocks while all are busy); give it back with store__put. */
struct sqlite_conn *store__get(struct store *st);
void store__put(struct store *st, struct sqlite_conn *c);

/* The cached statement for the SQL constant sql; reset it with store__done. */
sqlite3_stmt *store__stmt(struct sqlite_conn *c, const char *sql);
/* Reset a statement and clear its bindings; returns rc unchanged (for tail calls). */
int store__done(sqlite3_stmt *s, int rc);
/* Map a SQLite result code to desk_err, logging unexpected ones with the connection's message. */
int store__err(struct sqlite_conn *c, int rc, const char *what);
sqlite3 *store__db(struct sqlite_conn *c);

/* Bind helpers: text may be NULL (binds NULL); int 0 binds NULL with _id. */
void store__bind_text(sqlite3_stmt *s, int i, const char *v);
void store__bind_int(sqlite3_stmt *s, int i, int64_t v);
void store__bind_id(sqlite3_stmt *s, int i, int64_t id);
/* Column helpers: text copied into the arena ("" for NULL unless _or_null). */
const char *store__col_text(sqlite3_stmt *s, int i, struct arena *a);
const char *store__col_text_or_null(sqlite3_stmt *s, int i, struct arena *a);

/* Append an audit row in the current write transaction (JSON texts may be NULL). */
int store__audit(struct sqlite_conn *c, int64_t actor_id, const char *action, const char *entity,
                 int64_t entity_id, const char *before, const char *after);

/* ---- notifications (sqlite_notify.c) ---- */

enum notice_kind {
    NOTICE_RECEIVED,   /* a request was opened: to its requester and opted-in contacts */
    NOTICE_REPLY,      /* a message: public staff replies to the customer side, customer
                          messages to the assignee; internal notes to nobody */
    NOTICE_STATUS,     /* the status changed: to the requester and opted-in contacts */
    NOTICE_ESCALATION, /* a customer escalation: to the assignee and the escalation contacts */
};

/*
 * Queue the notification of an event on request t (m: the message, for
 * replies and escalations) in the outbox, inside the caller's write
 * transaction, so that it is queued exactly when the change commits.
 */
int store__notify(struct sqlite_conn *c, enum notice_kind kind, const struct ticket *t,
                  const struct message *m, int64_t now);
/*
 * Queue an SLA warning or breach notice of request ticket_id to recipients (a
 * JSON list), to go out at not_before, inside the caller's write transaction.
 */
int store__notify_sla(struct sqlite_conn *c, int64_t ticket_id, bool breach, const char *clock,
                      enum severity sev, int64_t due_at, int64_t not_before, int64_t now,
                      const char *recipients);
/*
 * Queue the polite refusal of a mail from an unknown sender (unknown-senders =
 * reject), threaded under its Message-ID inbound_id.
 */
int store__notify_rejected(struct sqlite_conn *c, const char *sender, const char *subject,
                           const char *inbound_id, int64_t now);

/*
 * The inbound mail a write is recording (sqlite_mail.c sets it around the
 * ticket functions it calls, on the writer thread, and clears it before the
 * write returns): notices queued meanwhile thread under inbound_id, are not
 * sent to mute (loop protection), and the customer-side ones also go to
 * extra_to (a sender without an account). Every field may be NULL.
 */
struct notify_ctx {
    const char *inbound_id; /* the Message-ID being answered */
    const char *mute;       /* an address that gets no automatic notice */
    const char *extra_to;   /* an address added to the customer side */
};
/* Set the context of this thread's notices; NULL clears it. */
void store__notify_ctx(const struct notify_ctx *ctx);

/* ---- the entity files' functions, gathered into the ops table ---- */

/* sqlite_users.c: users, tokens, job leases, metadata (see store.h) */
int sqlite__user_create(struct store *st, const struct caller *actor, struct user *u,
                        const char *password_hash);
int sqlite__admin_ensure(struct store *st, const char *email, const char *password_hash,
                         bool *created);
int sqlite__user_by_email(struct store *st, const char *email, struct user *out,
                          const char **password_hash, struct arena *a);
int sqlite__user_get(struct store *st, const struct caller *c, int64_t id, struct user *out,
                     struct arena *a);
/* sqlite_admin.c: organisations, users, calendars, SLA policies */

int sqlite__token_create(struct store *st, int64_t user_id, const uint8_t hash[32], int64_t now,
                         int64_t expires_at);
int sqlite__token_user(struct store *st, const uint8_t hash[32], int64_t now, struct user *out,
                       struct arena *a);
int sqlite__token_revoke(struct store *st, const uint8_t hash[32], int64_t now);
/* sqlite_tickets.c: tickets, messages, attachments, SLA */
int sqlite__ticket_create(struct store *st, const struct caller *c, struct ticket *t, int64_t now,
                          struct store_fault *fault, struct arena *a);
int sqlite__ticket_get(struct store *st, const struct caller *c, int64_t id, struct ticket *t,
                       struct arena *a);
int sqlite__ticket_list(struct store *st, const struct caller *c, const struct ticket_filter *f,
                        struct ticket **items, size_t *n, const char **next, struct arena *a);
int sqlite__ticket_update(struct store *st, const struct caller *c, int64_t id,
                          const struct ticket_patch *p, int64_t now, struct ticket *t,
                          struct store_fault *fault, struct arena *a);
int sqlite__ticket_escalate(struct store *st, const struct caller *c, int64_t id,
                            const char *reason, int64_t now, struct ticket *t,
                            struct store_fault *fault, struct arena *a);
int sqlite__message_add(struct store *st, const struct caller *c, struct message *m, int64_t now,
                        struct store_fault *fault);
int sqlite__message_list(struct store *st, const struct caller *c, int64_t ticket_id,
                         struct message **items, size_t *n, struct arena *a);
int sqlite__attachment_add(struct store *st, const struct caller *c, struct attachment *at,
                           int64_t now, struct store_fault *fault);
int sqlite__attachment_list(struct store *st, const struct caller *c, int64_t ticket_id,
                            struct attachment **items, size_t *n, struct arena *a);
int sqlite__attachment_get(struct store *st, const struct caller *c, int64_t id,
                           struct attachment *at, struct arena *a);
int sqlite__sla_sweep(struct store *st, int64_t now, int *queued);
/*
 * The writes of sqlite__ticket_create, sqlite__message_add and
 * sqlite__attachment_add, run inside the caller's write transaction (conn is
 * the writer's), so that one inbound mail becomes a request or a message with
 * its attachments all at once or not at all.
 */
int sqlite__ticket_create_in(struct sqlite_conn *conn, const struct caller *c, struct ticket *t,
                             int64_t now, struct store_fault *fault, struct arena *a);
int sqlite__message_add_in(struct sqlite_conn *conn, const struct caller *c, struct message *m,
                           int64_t now, struct store_fault *fault);
int sqlite__attachment_add_in(struct sqlite_conn *conn, const struct caller *c,
                              struct attachment *at, int64_t now, struct store_fault *fault);
/*
 * Recompute the stored due times of the open requests whose effective
 * calendar is calendar_id or whose policy is policy_id (0: that one does
 * not apply), inside the caller's write transaction.
 */
int sqlite__recompute_tickets(struct sqlite_conn *c, int64_t calendar_id, int64_t policy_id);

/* sqlite_agreements.c: agreements, time and expenses, invoices, catalogue, RASCI */

/* sqlite_mail.c: the outbox and inbound messages */
int sqlite__outbox_claim(struct store *st, const char *holder, int64_t now, int64_t lease_secs,
                         int max, struct outbox_msg **items, size_t *n, struct arena *a);
int sqlite__outbox_sent(struct store *st, int64_t id, int64_t now);
int sqlite__outbox_failed(struct store *st, int64_t id, const char *holder, int64_t retry_at,
                          const char *error);
int sqlite__outbox_release(struct store *st, int64_t id, const char *holder);
int sqlite__outbox_pending(struct store *st, int64_t *n);
int sqlite__mail_sender(struct store *st, const char *address, struct mail_sender *out);
int sqlite__mail_seen(struct store *st, const char *id, bool *seen, int64_t *ticket_id);
int sqlite__mail_thread(struct store *st, const char *const *ids, size_t n, int64_t *ticket_id);
int sqlite__mail_requester(struct store *st, int64_t ticket_id, const char **address,
                           struct arena *a);
int sqlite__mail_count(struct store *st, const char *address, int64_t since, int64_t *n);
int sqlite__mail_deliver(struct store *st, struct mail_delivery *d, int64_t now,
                         struct store_fault *fault);

/* sqlite_sessions.c: web sessions */

/* sqlite_kb.c: knowledge base, known errors, releases, installations */

int sqlite__job_lease(struct store *st, const char *name, const char *holder, int64_t now,
                      int64_t lease_secs, int64_t not_run_since, bool *got);
int sqlite__job_done(struct store *st, const char *name, const char *holder, int64_t now);
int sqlite__meta_get(struct store *st, const char *key, const char **value, struct arena *a);
int sqlite__meta_set(struct store *st, const char *key, const char *value);

#endif
