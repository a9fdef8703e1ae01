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
#include <jansson.h>
#include <sqlite3.h>

struct sqlite_conn;

/* A write: runs on the writer's connection inside a transaction; returns 0 or desk_err. */
typedef int (*sqlite_write_fn)(struct sqlite_conn *c, void *arg);

/* Run fn(c, arg) in the next group commit; returns its result once committed. */
int store__write(struct store *st, sqlite_write_fn fn, void *arg);
/* Borrow a read connection (blocks while all are busy); give it back with store__put. */
struct sqlite_conn *store__get(struct store *st);
void store__put(struct store *st, struct sqlite_conn *c);

/*
 * The cached statement for the SQL constant sql (keyed by its address; the table
 * grows with the statements that exist and never evicts); reset it with store__done.
 * NULL when it cannot be prepared (logged): stepping NULL fails, and store__err then
 * answers DESK_EBUSY (503), as for every failure of the database itself.
 */
sqlite3_stmt *store__stmt(struct sqlite_conn *c, const char *sql);
/* Reset a statement and clear its bindings; returns rc unchanged (for tail calls). */
int store__done(sqlite3_stmt *s, int rc);
/* Map a SQLite result code to desk_err, logging unexpected ones with the connection's message. */
int store__err(struct sqlite_conn *c, int rc, const char *what);
sqlite3 *store__db(struct sqlite_conn *c);
/* Step a statement that returns no row and reset it: 0 or the mapped error (what: for the log). */
int store__exec(struct sqlite_conn *c, sqlite3_stmt *s, const char *what);
/*
 * Fill f (when non-NULL) with the field at fault and a message, and return
 * rc: `return store__fault(fault, DESK_EINVAL, "version", "no release %d", id);`.
 */
int store__fault(struct store_fault *f, int rc, const char *field, const char *fmt, ...)
    PRINTF_LIKE(4, 5);

/* Bind helpers: text may be NULL (binds NULL); int 0 binds NULL with _id. */
void store__bind_text(sqlite3_stmt *s, int i, const char *v);
void store__bind_int(sqlite3_stmt *s, int i, int64_t v);
void store__bind_id(sqlite3_stmt *s, int i, int64_t id);
/* Column helpers: text copied into the arena ("" for NULL unless _or_null). */
const char *store__col_text(sqlite3_stmt *s, int i, struct arena *a);
const char *store__col_text_or_null(sqlite3_stmt *s, int i, struct arena *a);

/*
 * End a credential by its hash in a write: sql is an UPDATE binding ?1 now and
 * ?2 the hash and RETURNING id, user_id; the audit row records action on
 * entity. DESK_EUNAUTH when no live credential matched.
 */
int store__credential_end(struct store *st, const char *sql, const char *action,
                          const char *entity, const uint8_t hash[32], int64_t now);
/*
 * In the current write: end every live session and token of user_id at now
 * but the one of hash keep (NULL: none), with an audit row; *ended (may be
 * NULL) counts them.
 */
int store__credentials_end_in(struct sqlite_conn *c, const struct caller *actor, int64_t user_id,
                              int64_t now, const uint8_t *keep, int64_t *ended);
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
int sqlite__org_create(struct store *st, const struct caller *actor, struct organization *o,
                       struct store_fault *f);
int sqlite__org_update(struct store *st, const struct caller *actor,
                       const struct organization *patch, struct organization *out,
                       struct store_fault *f, struct arena *a);
int sqlite__org_get(struct store *st, const struct caller *c, int64_t id,
                    struct organization *out, struct arena *a);
int sqlite__org_list(struct store *st, const struct caller *c, struct store_page *pg,
                     struct organization **items, size_t *nr, struct arena *a);
int sqlite__account_get(struct store *st, const struct caller *c, int64_t id,
                        struct account *out, struct arena *a);
int sqlite__account_list(struct store *st, const struct caller *c, struct store_page *pg,
                         struct account **items, size_t *nr, struct arena *a);
int sqlite__account_update(struct store *st, const struct caller *actor, int64_t id,
                           const struct account_patch *p, struct account *out,
                           struct store_fault *f, struct arena *a);
int sqlite__sign_in_failure_add(struct store *st, const char *email, const char *address,
                                int64_t user_id, int64_t now, int64_t window);
int sqlite__sign_in_counts(struct store *st, const char *email, const char *address,
                           int64_t user_id, int64_t now, int64_t window, int ceiling,
                           int64_t known_since, struct signin_counts *out);
int sqlite__calendar_create(struct store *st, const struct caller *actor,
                            struct calendar_entry *c, struct store_fault *f);
int sqlite__calendar_get(struct store *st, int64_t id, struct calendar_entry *out,
                         struct arena *a);
int sqlite__calendar_list(struct store *st, struct store_page *pg, struct calendar_entry **items,
                          size_t *nr, struct arena *a);
int sqlite__calendar_update(struct store *st, const struct caller *actor,
                            struct calendar_entry *c, struct store_fault *f);
int sqlite__policy_create(struct store *st, const struct caller *actor, struct sla_policy *p,
                          struct store_fault *f);
int sqlite__policy_update(struct store *st, const struct caller *actor, int64_t id,
                          const struct sla_policy_patch *patch, struct sla_policy *out,
                          struct store_fault *f, struct arena *a);
int sqlite__policy_get(struct store *st, int64_t id, struct sla_policy *out, struct arena *a);
int sqlite__policy_list(struct store *st, struct store_page *pg, struct sla_policy **items,
                        size_t *nr, struct arena *a);

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
int sqlite__ticket_counts(struct store *st, int64_t counts[TS_COUNT]);
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
/* Called once per request of sqlite__ticket_each_received; non-zero stops the walk. */
typedef int (*sqlite__ticket_fn)(const struct ticket *t, void *arg);
/*
 * Call fn for each request of organization_id (0: every organisation; triage
 * requests never) received in [from, to), ordered by organisation, then
 * received_at, with its SLA inputs filled. Rows are streamed: t and what it
 * points to live only during the call. Returns 0, fn's non-zero result, or
 * a store error.
 */
int sqlite__ticket_each_received(struct store *st, int64_t organization_id, int64_t from,
                                 int64_t to, sqlite__ticket_fn fn, void *arg);
/* sqlite_reports.c */
int sqlite__sla_report(struct store *st, const struct caller *c, int64_t from_day, int64_t to_day,
                       int64_t organization_id, int64_t now, struct sla_report_row **rows,
                       size_t *n, struct arena *a);
/*
 * Recompute the stored due times of the open requests whose effective
 * calendar is calendar_id or whose policy is policy_id (0: that one does
 * not apply), inside the caller's write transaction.
 */
int sqlite__recompute_tickets(struct sqlite_conn *c, int64_t calendar_id, int64_t policy_id);

/* sqlite_agreements.c: agreements, time and expenses, invoices, catalogue, RASCI */
/* helpers shared by sqlite_agreements.c, sqlite_money.c and sqlite_catalogue.c */
/* Bind a day number as 'YYYY-MM-DD' (DATE_NONE binds NULL); read one back (NULL: DATE_NONE). */
void sqlite__bind_date(sqlite3_stmt *s, int i, int64_t day);
int64_t sqlite__col_date(sqlite3_stmt *s, int i);
/* The UTC date of now. */
int64_t sqlite__today(int64_t now);
/* arr with room for element n (doubling into arena a; *alloc is the capacity). */
void *sqlite__grow(struct arena *a, void *arr, size_t n, size_t *alloc, size_t size);
/* A JSON value as compact text in arena a (NULL for NULL); consumes j. */
struct json_t;
const char *sqlite__json_text(struct json_t *j, struct arena *a);
/* Read agreement id as caller who may see it, on connection c (DESK_ENOTFOUND otherwise). */
int sqlite__agreement_read(struct sqlite_conn *c, const struct caller *who, int64_t id,
                           struct agreement *a, struct arena *ar);
/* The change orders of an agreement, oldest first. */
int sqlite__change_orders_read(struct sqlite_conn *c, int64_t agreement_id,
                               struct change_order **items, size_t *n, struct arena *ar);
/*
 * Queue the hour-bank warnings (80 %, 100 % used) of a's bank period holding
 * day that are due and not queued before: once per agreement, period and
 * threshold, to the organisation's contacts, in the caller's transaction.
 */
int sqlite__bank_warn(struct sqlite_conn *c, const struct agreement *a, int64_t day,
                      int64_t now);
/* Insert expense e (agreement_id, kind, amount, days, note, on, booking_id) and its audit row. */
int sqlite__expense_insert(struct sqlite_conn *c, const struct caller *who, struct expense *e,
                           int64_t now);
int sqlite__agreement_create(struct store *st, const struct caller *c, struct agreement *a,
                             int64_t now, struct store_fault *fault);
int sqlite__agreement_get(struct store *st, const struct caller *c, int64_t id, struct agreement *a,
                          struct arena *ar);
int sqlite__agreement_list(struct store *st, const struct caller *c,
                           const struct agreement_filter *f, struct agreement **items, size_t *n,
                           int64_t *next, struct arena *ar);
int sqlite__agreement_update(struct store *st, const struct caller *c, int64_t id,
                             const struct agreement_patch *p, int64_t now, struct agreement *out,
                             struct store_fault *fault, struct arena *ar);
int sqlite__agreement_move(struct store *st, const struct caller *c, int64_t id,
                           const struct agreement_move *m, int64_t now, struct agreement *out,
                           struct store_fault *fault, struct arena *ar);
int sqlite__agreement_balance(struct store *st, const struct caller *c, int64_t id, int64_t day,
                              struct hour_bank *bank, struct store_fault *fault);
int sqlite__change_order_create(struct store *st, const struct caller *c, struct change_order *co,
                                int64_t now, struct store_fault *fault);
int sqlite__change_order_sign(struct store *st, const struct caller *c, int64_t agreement_id,
                              int64_t co_id, int64_t now, struct change_order *out,
                              struct store_fault *fault, struct arena *ar);
int sqlite__change_order_list(struct store *st, const struct caller *c, int64_t agreement_id,
                              struct change_order **items, size_t *n, struct arena *ar);
int sqlite__booking_create(struct store *st, const struct caller *c, struct booking *b, int64_t now,
                           struct store_fault *fault);
int sqlite__booking_reschedule(struct store *st, const struct caller *c, int64_t agreement_id,
                               int64_t booking_id, int64_t starts_on, int64_t ends_on,
                               const struct expense *costs, size_t n, int64_t now,
                               struct booking *out, struct store_fault *fault);
int sqlite__booking_list(struct store *st, const struct caller *c, int64_t agreement_id,
                         struct booking **items, size_t *n, struct arena *ar);
int sqlite__time_entry_create(struct store *st, const struct caller *c, struct time_entry *t,
                              int64_t now, struct store_fault *fault);
int sqlite__time_entry_list(struct store *st, const struct caller *c, int64_t ticket_id,
                            int64_t agreement_id, struct time_entry **items, size_t *n,
                            struct arena *ar);
int sqlite__expense_create(struct store *st, const struct caller *c, struct expense *e, int64_t now,
                           struct store_fault *fault);
int sqlite__expense_list(struct store *st, const struct caller *c, int64_t agreement_id,
                         struct expense **items, size_t *n, struct arena *ar);
int sqlite__invoice_create(struct store *st, const struct caller *c, int64_t agreement_id,
                           int64_t organization_id, int64_t period_start, int64_t period_end,
                           int64_t now, struct invoice *out, struct store_fault *fault,
                           struct arena *ar);
int sqlite__invoice_get(struct store *st, const struct caller *c, int64_t id, struct invoice *out,
                        struct arena *ar);
int sqlite__invoice_list(struct store *st, const struct caller *c, const struct invoice_filter *f,
                         struct invoice **items, size_t *n, int64_t *next, struct arena *ar);
int sqlite__billing_set(struct store *st, const struct caller *c, int64_t rate,
                        const char *currency);
int sqlite__catalogue_list(struct store *st, struct catalogue_service **items, size_t *n,
                           struct arena *ar);
int sqlite__catalogue_save(struct store *st, const struct caller *c, struct catalogue_service *s,
                           unsigned fields, int64_t now, struct store_fault *fault,
                           struct arena *ar);
int sqlite__rasci_create(struct store *st, const struct caller *c, struct rasci_matrix *m,
                         int64_t now, struct store_fault *fault);
int sqlite__rasci_get(struct store *st, const struct caller *c, int64_t id, struct rasci_matrix *m,
                      struct arena *ar);
int sqlite__rasci_list(struct store *st, const struct caller *c, struct rasci_matrix **items,
                       size_t *n, struct arena *ar);
int sqlite__priority_sync(struct store *st, int64_t now, int *changed);

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
int sqlite__mail_key(struct store *st, const char *name, uint8_t *key, size_t len, int64_t now);
int sqlite__mail_deliver(struct store *st, struct mail_delivery *d, int64_t now,
                         struct store_fault *fault);

/* sqlite_sessions.c: sessions and tokens, drafts */
int sqlite__session_end(struct store *st, const uint8_t hash[32], int64_t now);
int sqlite__credential_create(struct store *st, const struct credential_new *n);
int sqlite__token_lookup(struct store *st, const uint8_t hash[32], int64_t now, struct user *out,
                         struct credential *cred, struct arena *a);
int sqlite__session_lookup(struct store *st, const uint8_t hash[32], int64_t now,
                           int64_t idle_secs, struct user *out, struct credential *cred,
                           struct arena *a);
int sqlite__credential_seen(struct store *st, enum credential_kind kind, int64_t id, int64_t now,
                            const char *address, const char *user_agent);
int sqlite__credentials_end(struct store *st, const struct caller *actor, int64_t user_id,
                            int64_t now, const uint8_t *keep, int64_t *ended);
int sqlite__credential_list(struct store *st, int64_t user_id, int64_t now, int64_t idle_secs,
                            struct credential **items, size_t *nr, struct arena *a);
int sqlite__draft_save(struct store *st, int64_t user_id, const char *path, const char *body,
                       int64_t now);
int sqlite__draft_take(struct store *st, int64_t user_id, const char *path, const char **body,
                       struct arena *a);
/* sqlite_users.c: the columns of a user, read from a statement at col (USER_COLS) */
#define SQLITE_USER_COLS                                                                           \
    "u.id, u.email, u.name, u.role, coalesce(u.organization_id, 0), u.created_at, "               \
    "u.disabled_at IS NOT NULL"
void sqlite__read_user(sqlite3_stmt *s, int col, struct user *u, struct arena *a);
/* sqlite_pages.c: read-only views for the pages */
int sqlite__service_levels(struct store *st, const struct caller *c, int64_t today,
                           struct service_level **items, size_t *n, struct arena *a);
int sqlite__organization_names(struct store *st, const struct caller *c, struct named **items,
                               size_t *n, struct arena *a);
int sqlite__staff_names(struct store *st, const struct caller *c, struct named **items,
                        size_t *n, struct arena *a);
int sqlite__agreement_rows(struct store *st, const struct caller *c, int64_t organization_id,
                           int64_t today, int64_t now, struct agreement_row **items, size_t *n,
                           struct arena *a);
int sqlite__contact_names(struct store *st, const struct caller *c, struct named **items,
                          size_t *n, struct arena *a);

/* sqlite_kb.c: knowledge base, known errors, releases, installations */
/* The JSON list (arena) of n strings, for a bound parameter or a column. */
const char *store__json_strings(const char *const *v, size_t n, struct arena *a);
/*
 * Parse an id cursor "<tag>.<id>" (id > 0) into *id; NULL gives 0 (the
 * first page). 0 or DESK_EBADREQ. store__cursor_make is the inverse (arena).
 */
int store__cursor_id(const char *cur, char tag, int64_t *id);
const char *store__cursor_make(char tag, int64_t id, struct arena *a);
/* store__audit with JSON values (consumed; either may be NULL). */
int store__audit_json(struct sqlite_conn *c, int64_t actor_id, const char *action,
                      const char *entity, int64_t entity_id, json_t *before, json_t *after);
int sqlite__article_create(struct store *st, const struct caller *c, struct kb_article *art,
                           int64_t now);
int sqlite__article_update(struct store *st, const struct caller *c, int64_t id,
                           const struct kb_article_patch *p, int64_t now, struct kb_article *out,
                           struct arena *a);
int sqlite__article_get(struct store *st, const struct caller *c, int64_t id,
                        struct kb_article *out, struct arena *a);
int sqlite__article_search(struct store *st, const struct caller *c, const struct kb_query *q,
                           struct kb_hit **items, size_t *n, const char **next, struct arena *a);
/* sqlite_releases.c: releases, installations and their changes, known errors */
int sqlite__known_error_create(struct store *st, const struct caller *c, struct known_error *k,
                               int64_t ticket_id, int64_t now, struct store_fault *fault,
                               struct arena *a);
int sqlite__known_error_update(struct store *st, const struct caller *c, int64_t id,
                               const struct known_error_patch *p, int64_t now,
                               struct known_error *out, struct store_fault *fault,
                               struct arena *a);
int sqlite__known_error_link(struct store *st, const struct caller *c, int64_t id,
                             int64_t ticket_id, int64_t now, struct known_error *out,
                             struct store_fault *fault, struct arena *a);
int sqlite__known_error_get(struct store *st, const struct caller *c, int64_t id,
                            struct known_error *out, struct arena *a);
int sqlite__known_error_list(struct store *st, const struct caller *c, const struct kb_page *pg,
                             struct known_error **items, size_t *n, const char **next,
                             struct arena *a);
int sqlite__release_create(struct store *st, const struct caller *c, struct release *r,
                           int64_t now, struct store_fault *fault);
int sqlite__release_get(struct store *st, const struct caller *c, int64_t id,
                        struct release *out, struct arena *a);
int sqlite__release_list(struct store *st, const struct caller *c, const struct kb_page *pg,
                         struct release **items, size_t *n, const char **next, struct arena *a);
int sqlite__release_publish(struct store *st, const struct caller *c, int64_t id, int64_t now,
                            struct release *out, struct publish_result *res,
                            struct store_fault *fault, struct arena *a);
int sqlite__installation_create(struct store *st, const struct caller *c,
                                struct installation *in, int64_t now, struct store_fault *fault);
int sqlite__installation_get(struct store *st, const struct caller *c, int64_t id,
                             struct installation *out, struct arena *a);
int sqlite__installation_list(struct store *st, const struct caller *c, int64_t organization_id,
                              const struct kb_page *pg, struct installation **items, size_t *n,
                              const char **next, struct arena *a);
int sqlite__installation_change_add(struct store *st, const struct caller *c,
                                    struct installation_change *ch, const char *new_version,
                                    int64_t now, struct store_fault *fault, struct arena *a);
int sqlite__installation_changes(struct store *st, const struct caller *c,
                                 int64_t installation_id, const struct kb_page *pg,
                                 struct installation_change **items, size_t *n,
                                 const char **next, struct arena *a);

int sqlite__job_lease(struct store *st, const char *name, const char *holder, int64_t now,
                      int64_t lease_secs, int64_t not_run_since, bool *got);
int sqlite__job_done(struct store *st, const char *name, const char *holder, int64_t now);
int sqlite__meta_get(struct store *st, const char *key, const char **value, struct arena *a);
int sqlite__meta_set(struct store *st, const char *key, const char *value);

#endif
