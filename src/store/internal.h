/*
 * internal.h - what the store's entity files (src/store/<entity>.c) share. Each helper has
 * one home, named above it; the database is reached through db.h only.
 *
 * Writes (db_write) may run again after a conflict with another writer (db.h), so a write
 * function and what it calls here change nothing outside the transaction: notices are
 * rows of the outbox, sent after commit by the outbox job; audit rows are rows.
 *
 * Changed for this (issue 13), each starting from what a rolled-back run set or overwrote:
 * write_policy_create (the policy's id, which chose insert or update), write_notice (its
 * "queued" flag), write_release_publish (its counts), write_calendar_update (the version
 * the caller read, kept apart from the one read back), write_service, write_time_create and
 * write_known_error_create (the caller's input, kept in the job and restored at the start);
 * load_calendar caches under the write's scope (calcache.h). The test run replays every
 * write (SVCDESK_TEST_REPLAY_WRITES, db_sqlite.c) to hold the rest to this.
 */
#ifndef STORE_INTERNAL_H
#define STORE_INTERNAL_H

#include "core/compat.h"
#include "store/db.h"
#include "store/store.h"
#include "domain/notice.h"
#include <jansson.h>

/* The organisation a caller's queries are filtered to: a customer's own, 0 (none) for staff. */
#define STORE_ORG_FILTER(c) ((c)->role == ROLE_CUSTOMER ? (c)->organization_id : 0)
/* Rows per page of every list at most. */
#define STORE_PAGE_MAX 1000

/* ---- common.c: faults, dates, arrays, JSON lists, cursors, full-text queries ---- */

/*
 * Fill f (when non-NULL) with the field at fault and a message, and return
 * rc: `return store__fault(fault, DESK_EINVAL, "version", "no release %d", id);`.
 */
int store__fault(struct store_fault *f, int rc, const char *field, const char *fmt, ...)
    PRINTF_LIKE(4, 5);

/* Bind a day number as 'YYYY-MM-DD' (DATE_NONE binds NULL); read one back (NULL: DATE_NONE). */
void store__bind_date(struct db_stmt *s, int i, int64_t day);
int64_t store__col_date(struct db_stmt *s, int i);
/* The UTC date of now. */
int64_t store__today(int64_t now);
/* arr with room for element n (doubling into arena a; *alloc is the capacity). */
void *store__grow(struct arena *a, void *arr, size_t n, size_t *alloc, size_t size);
/* A JSON value as compact text in arena a (NULL for NULL); consumes j. */
struct json_t;
const char *store__json_text(json_t *j, struct arena *a);
/* The JSON list (arena) of n strings, for a bound parameter or a column. */
const char *store__json_strings(const char *const *v, size_t n, struct arena *a);
/* The strings of a stored JSON list (arena, NULL-terminated); anything else reads as empty. */
const char *const *store__json_list(const char *text, size_t *n, struct arena *a);
/*
 * Parse an id cursor "<tag>.<id>" (id > 0) into *id; NULL gives 0 (the
 * first page). 0 or DESK_EBADREQ. store__cursor_make is the inverse (arena).
 */
int store__cursor_id(const char *cur, char tag, int64_t *id);
const char *store__cursor_make(char tag, int64_t id, struct arena *a);
/*
 * The full-text query of the words terms[0..n) on c's dialect (arena; NULL when n is 0); a
 * request or article matches when it holds every word, and no word is read as query syntax.
 * SQLite (FTS5 MATCH): every word quoted as a string (a quote inside doubled); column (may
 * be NULL) limits it to one column. PostgreSQL (plainto_tsquery's text): the words joined
 * by spaces; the statement names the column.
 */
const char *store__fts_match(const struct db_conn *c, const char *const *terms, size_t n,
                             const char *column, struct arena *a);

/*
 * Step s (bound, LIMIT pg->limit + 1) into out, an array of pg->limit items of size bytes,
 * each read by read(s, item, a); *n counts them and pg->more says whether the extra row
 * came (more pages follow). Returns db_done's result.
 */
int store__page_rows(struct db_stmt *s, struct store_page *pg, void *out, size_t size,
                     size_t *n, void (*read)(struct db_stmt *s, void *item, struct arena *a),
                     struct arena *a);

/* A meta value read on c (arena), or NULL when the key is absent. */
const char *store__meta_value(struct db_conn *c, const char *key, struct arena *ar);
/* Insert or replace a meta value on c, in the caller's transaction. */
int store__meta_put(struct db_conn *c, const char *key, const char *value);

/*
 * 0 when user id is staff (an agent or admin), else DESK_EINVAL naming field
 * ("user 3 is not an agent or admin"; also for an unknown id).
 */
int store__check_staff(struct db_conn *c, int64_t id, const char *field, struct store_fault *fault);

/* ---- audit.c: the audit trail ---- */

/* Append an audit row in the current write transaction (JSON texts may be NULL). */
int store__audit(struct db_conn *c, int64_t actor_id, const char *action, const char *entity,
                 int64_t entity_id, const char *before, const char *after);
/* store__audit with JSON values (consumed; either may be NULL). */
/*
 * Queue a mail about no request in the outbox: kind, the JSON list of recipients `to`,
 * subject, body and its Message-ID's local part (unique: RANDOM.what.ID), due at now.
 */
int store__outbox_mail(struct db_conn *c, const char *kind, const char *to, const char *subject,
                       const char *body, const char *message_id, int64_t now);
/* 0 when request id exists and who may see it, else DESK_ENOTFOUND (as missing). */
int store__ticket_visible(struct db_conn *c, const struct caller *who, int64_t id);
/* store_user_create inside the caller's write transaction (audited the same way). */
int store__user_create_in(struct db_conn *c, const struct caller *actor, struct user *u,
                          const char *password_hash);
int store__audit_json(struct db_conn *c, int64_t actor_id, const char *action,
                      const char *entity, int64_t entity_id, json_t *before, json_t *after);

/* ---- users.c and sessions.c: users and credentials ---- */

/* The columns of a user, read from a statement at col by store__read_user. */
#define STORE_USER_COLS                                                                           \
    "u.id, u.email, u.name, u.role, coalesce(u.organization_id, 0), u.created_at, "               \
    "u.disabled_at IS NOT NULL, u.time_zone, u.language"
#define STORE_USER_NCOLS 9 /* the columns of STORE_USER_COLS */
void store__read_user(struct db_stmt *s, int col, struct user *u, struct arena *a);
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
int store__credentials_end_in(struct db_conn *c, const struct caller *actor, int64_t user_id,
                              int64_t now, const uint8_t *keep, int64_t *ended);

/* ---- agreements.c and addons.c: agreements, add-ons, the features they give ---- */

/*
 * Align priority_line with the active agreements' extras and priority-line add-ons on the
 * date of now, for organisation org (0: every organisation). *changed (may be NULL) counts
 * them.
 */
int store__priority_sync(struct db_conn *c, int64_t org, int64_t now, int *changed);
/* The priced add-ons (annual_price > 0) of an organisation that run at some day of
   [start, end] (arena ar): those a yearly invoice may bill. */
int store__addons_in(struct db_conn *c, int64_t organization_id, int64_t start, int64_t end,
                     struct addon **items, size_t *n, struct arena *ar);
/* 1 when an add-on giving feature (addon_feature_names) runs for the organisation on day, or
   an active agreement has it as an extra (live_chat, priority_line, solution_monitoring); else
   0 or an error. */
int store__feature_runs(struct db_conn *c, int64_t organization_id, const char *feature,
                        int64_t day);

/* ---- admin.c: accounts ---- */

/* store_account_update inside the caller's write transaction. */
int store__account_update_in(struct db_conn *c, const struct caller *actor, int64_t id,
                             const struct account_patch *p, struct account *out,
                             struct store_fault *f, struct arena *a);

/* ---- notify.c: notices queued in the outbox ---- */


/*
 * Queue the notification of an event on request t (m: the message, for
 * replies and escalations) in the outbox, inside the caller's write
 * transaction, so that it is queued exactly when the change commits.
 */
int store__notify(struct db_conn *c, enum notice_event kind, const struct ticket *t,
                  const struct message *m, int64_t now);
/*
 * Queue an SLA warning or breach notice of request ticket_id to recipients (a
 * JSON list), to go out at not_before, inside the caller's write transaction.
 */
int store__notify_sla(struct db_conn *c, int64_t ticket_id, bool breach, const char *clock,
                      enum severity sev, int64_t due_at, int64_t not_before, int64_t now,
                      const char *recipients);
/*
 * Queue the polite refusal of a mail from an unknown sender (unknown-senders =
 * reject), threaded under its Message-ID inbound_id.
 */
int store__notify_rejected(struct db_conn *c, const char *sender, const char *subject,
                           const char *inbound_id, int64_t now);

/*
 * The inbound mail a write is recording (mail.c sets it around the
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

/* ---- releases.c: releases and installations ---- */

/* The e-mails of an organisation's customer contacts, as a JSON list (arena); NULL for none. */
const char *store__org_contacts(struct db_conn *c, int64_t org, struct arena *a);

/* ---- tickets.c: requests ---- */

/*
 * The writes of store_ticket_create, store_message_add and
 * store_attachment_add, run inside the caller's write transaction (conn is
 * the writer's), so that one inbound mail becomes a request or a message with
 * its attachments all at once or not at all.
 */
/* store_ticket_update inside the caller's write; the request as the caller may see it. */
int store__ticket_update_in(struct db_conn *c, const struct caller *who, int64_t id,
                            const struct ticket_patch *p, int64_t now, struct ticket *t,
                            struct store_fault *fault, struct arena *a);
int store__ticket_read(struct db_conn *c, const struct caller *who, int64_t id, struct ticket *t,
                       struct arena *a);
int store__ticket_create_in(struct db_conn *conn, const struct caller *c, struct ticket *t,
                             int64_t now, struct store_fault *fault, struct arena *a);
int store__message_add_in(struct db_conn *conn, const struct caller *c, struct message *m,
                           int64_t now, struct store_fault *fault);
int store__attachment_add_in(struct db_conn *conn, const struct caller *c,
                              struct attachment *at, int64_t now, struct store_fault *fault);
/* Called once per request of store__ticket_each_received; non-zero stops the walk. */
typedef int (*store__ticket_fn)(const struct ticket *t, void *arg);
/*
 * Call fn for each request of organization_id (0: every organisation; triage
 * requests never) received in [from, to), ordered by organisation, then
 * received_at, with its SLA inputs filled. Rows are streamed: t and what it
 * points to live only during the call. Returns 0, fn's non-zero result, or
 * a store error.
 */
int store__ticket_each_received(struct store *st, int64_t organization_id, int64_t from,
                                 int64_t to, store__ticket_fn fn, void *arg);
/*
 * Recompute the stored due times of the open requests whose effective
 * calendar is calendar_id or whose policy is policy_id (0: that one does
 * not apply), inside the caller's write transaction.
 */
int store__recompute_tickets(struct db_conn *c, int64_t calendar_id, int64_t policy_id);

/* ---- agreements.c and money.c: agreements, hour banks, expenses ---- */

/* Read agreement id as caller who may see it, on connection c (DESK_ENOTFOUND otherwise). */
int store__agreement_read(struct db_conn *c, const struct caller *who, int64_t id,
                           struct agreement *a, struct arena *ar);
/* The change orders of an agreement, oldest first. */
int store__change_orders_read(struct db_conn *c, int64_t agreement_id,
                               struct change_order **items, size_t *n, struct arena *ar);
/*
 * Queue the hour-bank warnings (80 %, 100 % used) of a's bank period holding
 * day that are due and not queued before: once per agreement, period and
 * threshold, to the organisation's contacts, in the caller's transaction.
 */
int store__bank_warn(struct db_conn *c, const struct agreement *a, int64_t day,
                      int64_t now);
/* The hours bank of a for the period holding day, on connection c (DESK_EINVAL: maintenance). */
int store__bank_of(struct db_conn *c, const struct agreement *a, int64_t day,
                   struct hour_bank *bank);
/* Insert expense e (agreement_id, kind, amount, days, note, on, booking_id) and its audit row. */
int store__expense_insert(struct db_conn *c, const struct caller *who, struct expense *e,
                           int64_t now);

#endif
