/*
 * store.h - the only way into the database.
 *
 * One interface, two backends (SQLite now; PostgreSQL is added as another
 * `struct store_ops` without touching domain or HTTP code). SQL lives only
 * in src/store. Functions return 0 or a negative enum desk_err and fill
 * out-parameters; strings they return live in the caller's arena.
 *
 * Every query on tenant data takes the caller: a customer's query is
 * filtered to its organisation in SQL, and another organisation's row
 * answers DESK_ENOTFOUND exactly like a missing one.
 *
 * Writes are durable when the function returns 0: the SQLite backend sends
 * them to one writer thread that commits the writes of concurrent callers
 * together (group commit, synchronous=FULL), and answers each caller only
 * after that commit. Each write also appends its audit_log row in the same
 * transaction. The store is safe to use from many threads.
 */
#ifndef STORE_STORE_H
#define STORE_STORE_H

#include "core/compat.h"
#include "core/arena.h"
#include "core/strbuf.h"
#include "domain/ticket.h"
#include "domain/user.h"

struct store;

enum store_open_flags {
    STORE_CREATE = 1 << 0,  /* create the database when it does not exist */
    STORE_MIGRATE = 1 << 1, /* apply pending migrations */
};

/*
 * Open the database at url (a file path for SQLite). Refuses a schema newer
 * than this binary (DESK_EIO, "database schema N is newer than ..."), and,
 * without STORE_CREATE, a missing or uninitialised database (DESK_ENOTFOUND).
 * The message goes into err. On success *out is the store; store_close() it.
 */
int store_open(const char *url, unsigned flags, struct store **out, struct strbuf *err);
void store_close(struct store *st);
/* Schema versions: the database's and the newest this binary knows. */
void store_schema_versions(struct store *st, int *db_version, int *binary_version);
/* 0 when the database answers a trivial query, else DESK_EIO. */
int store_ping(struct store *st);
/* Run an integrity check; 0 when sound, else DESK_EIO with the reason in err. */
int store_integrity_check(struct store *st, struct strbuf *err);
/* Write a consistent, verified copy of the database to path (must not exist). */
int store_backup(struct store *st, const char *path, struct strbuf *err);
/* Replace the database at url by the verified backup file (server stopped). */
int store_restore(const char *url, const char *file, struct strbuf *err);
/* Group-commit counters since open: transactions committed and writes in them. */
void store_write_stats(struct store *st, uint64_t *commits, uint64_t *writes);

/* ---- users and sign-in ------------------------------------------------ */

/*
 * Create the user u (u->id is set). DESK_ECONFLICT when the e-mail is taken,
 * DESK_ENOTFOUND when a customer's organisation does not exist. The actor is
 * recorded in the audit log.
 */
int store_user_create(struct store *st, const struct caller *actor, struct user *u,
                      const char *password_hash);
/*
 * For `init`: make sure an admin with this e-mail exists. Creates it with
 * password_hash when absent (*created = true); an existing user is left
 * alone (its password too). DESK_ECONFLICT when the e-mail belongs to a
 * non-admin.
 */
int store_admin_ensure(struct store *st, const char *email, const char *password_hash,
                       bool *created);
/* The user with this e-mail (any case) and its password hash, or DESK_ENOTFOUND. */
int store_user_by_email(struct store *st, const char *email, struct user *out,
                        const char **password_hash, struct arena *a);
/* The user with this id as the caller may see it, or DESK_ENOTFOUND. */
int store_user_get(struct store *st, const struct caller *c, int64_t id, struct user *out,
                   struct arena *a);

/* ---- organisations, users, calendars, SLA policies (admin API) ------------ */

/* ---- API tokens ------------------------------------------------------- */

/* Store a token hash for user_id, valid until expires_at. */
int store_token_create(struct store *st, int64_t user_id, const uint8_t hash[32], int64_t now,
                       int64_t expires_at);
/* The user of a live token (not revoked, not expired at now), or DESK_EUNAUTH. */
int store_token_user(struct store *st, const uint8_t hash[32], int64_t now, struct user *out,
                     struct arena *a);
/* Revoke a token; DESK_EUNAUTH when it is not live. */
int store_token_revoke(struct store *st, const uint8_t hash[32], int64_t now);

/* ---- tickets ---------------------------------------------------------- */

/*
 * Why a write was refused, for the error body: the field at fault (NULL for
 * none) and a message for people. Filled on DESK_EINVAL, DESK_ECONFLICT and
 * DESK_EDENIED when the caller passes one.
 */
struct store_fault {
    const char *field;  /* static string */
    char message[200];  /* lower case, no final period */
};

/*
 * Create the request t (fields as given; t->id and the derived fields are
 * set): entitlement from the organisation's signed maintenance agreement
 * whose term holds the date of received_at, the status history's first
 * entry, the stored due times, the audit row. Customers' requests are their
 * own organisation's. DESK_EINVAL with fault for an organisation, requester
 * or assignee that does not fit.
 */
int store_ticket_create(struct store *st, const struct caller *c, struct ticket *t, int64_t now,
                        struct store_fault *fault, struct arena *a);
/* The request with its SLA inputs as the caller may see it, or DESK_ENOTFOUND. */
int store_ticket_get(struct store *st, const struct caller *c, int64_t id, struct ticket *t,
                     struct arena *a);

enum ticket_sort { SORT_NEWEST, SORT_DUE, SORT_PRIORITY };

struct ticket_filter {
    unsigned statuses;       /* bit per enum ticket_status; 0: any */
    unsigned severities;     /* bit per enum severity; 0: any */
    int64_t organization_id; /* 0: any the caller may see */
    int64_t assignee_id;     /* 0: any */
    const char *const *words; /* q split into lower-case words; NULL: none */
    size_t nwords;
    enum ticket_sort sort;
    const char *cursor;      /* from a previous page's next_cursor; NULL: first page */
    int limit;               /* 1..1000 */
};

/*
 * A page of requests the caller may see, in the filter's order; *next is the
 * cursor of the next page (NULL on the last). DESK_EBADREQ for a cursor that
 * does not parse.
 */
int store_ticket_list(struct store *st, const struct caller *c, const struct ticket_filter *f,
                      struct ticket **items, size_t *n, const char **next, struct arena *a);
/*
 * Apply a PATCH: status moves by ticket_move_check, severity (recomputes the
 * due times from received_at), assignee (a staff user), billable. Fills t
 * with the result. DESK_ENOTFOUND, DESK_EDENIED, DESK_ECONFLICT, DESK_EINVAL
 * (with fault).
 */
int store_ticket_update(struct store *st, const struct caller *c, int64_t id,
                        const struct ticket_patch *p, int64_t now, struct ticket *t,
                        struct store_fault *fault, struct arena *a);
/* A customer escalation: raise escalation_level, record the reason as a public message. */
int store_ticket_escalate(struct store *st, const struct caller *c, int64_t id,
                          const char *reason, int64_t now, struct ticket *t,
                          struct store_fault *fault, struct arena *a);
/*
 * Add a message (m->ticket_id, body, internal) by the caller; applies
 * ticket_reply_effect and, for a staff public reply, initiates handling and
 * restarts the update clock. m->id, created_at, staff are set.
 */
int store_message_add(struct store *st, const struct caller *c, struct message *m, int64_t now,
                      struct store_fault *fault);
/* The conversation, oldest first; customers never get internal notes. */
int store_message_list(struct store *st, const struct caller *c, int64_t ticket_id,
                       struct message **items, size_t *n, struct arena *a);
/* Store an attachment (a->ticket_id, filename, content_type, size, data); a->id is set. */
int store_attachment_add(struct store *st, const struct caller *c, struct attachment *at,
                         int64_t now, struct store_fault *fault);
/* The attachments of a request, without their bytes. */
int store_attachment_list(struct store *st, const struct caller *c, int64_t ticket_id,
                          struct attachment **items, size_t *n, struct arena *a);
/* One attachment with its bytes, or DESK_ENOTFOUND (also another organisation's). */
int store_attachment_get(struct store *st, const struct caller *c, int64_t id,
                         struct attachment *at, struct arena *a);

/*
 * The escalation sweep at now: queue each SLA warning and breach notice once
 * (a unique row per ticket and notice, in the outbox in the same
 * transaction), raise escalation_level at a breach, and close resolved
 * requests whose reopen window has ended. Severity A notices go out at
 * once, others at the next opening of the ticket's calendar. *queued
 * counts the notices queued.
 */
int store_sla_sweep(struct store *st, int64_t now, int *queued);

/* ---- agreements, time and expenses, invoices, catalogue, RASCI -------------- */

/* ---- mail: the outbox and inbound messages ------------------------------- */

/* ---- web sessions ----------------------------------------------------------- */

/*
 * Start a session of user_id: the SHA-256 of its token, live until
 * expires_at. Sessions that expired before now are deleted on the way.
 */
int store_session_create(struct store *st, int64_t user_id, const uint8_t hash[32], int64_t now,
                         int64_t expires_at);
/* The user of a live session (not ended, not expired at now), or DESK_EUNAUTH. */
int store_session_user(struct store *st, const uint8_t hash[32], int64_t now, struct user *out,
                       struct arena *a);
/* End a live session (sign-out); DESK_EUNAUTH when it is not live. */
int store_session_end(struct store *st, const uint8_t hash[32], int64_t now);
/* Record a failed sign-in of user_id at now (SPEC 5 counts them per account). */
int store_sign_in_failure_add(struct store *st, int64_t user_id, int64_t now);
/*
 * The failed sign-ins of user_id at or after `since`: how many, and when the
 * first of them was (0 when none).
 */
int store_sign_in_failures(struct store *st, int64_t user_id, int64_t since, int *count,
                           int64_t *first_at);

/* What the pages read of other sections' tables (read-only). */

/* An SLA policy as a customer is shown it: the service levels and support hours. */
struct service_level {
    int64_t policy_id;         /* the policy */
    const char *policy_name;   /* its name */
    const char *calendar_name; /* the effective calendar's name */
    const char *calendar;      /* its JSON definition (SPEC 2.2) */
    struct sla_targets targets[SEV_COUNT + 1]; /* A..D, then enhancement; 0: no target */
};

/*
 * The service levels that apply to the caller: a customer's are those of
 * its organisation's signed maintenance agreements in force on `today`
 * (days since 1970-01-01), with an agreement's own calendar where it has
 * one; staff see every policy with its calendar.
 */
int store_service_levels(struct store *st, const struct caller *c, int64_t today,
                         struct service_level **items, size_t *n, struct arena *a);

/* An id and a name, for the pages' pick lists. */
struct named {
    int64_t id;       /* organisation or user id */
    const char *name; /* its name */
};

/* Organisations by name (a customer: its own only). */
int store_organization_names(struct store *st, const struct caller *c, struct named **items,
                             size_t *n, struct arena *a);
/* Agents and admins by name (who may be assigned); empty for a customer. */
int store_staff_names(struct store *st, const struct caller *c, struct named **items, size_t *n,
                      struct arena *a);
/* An agreement as the pages list it (read-only; SPEC 2.3). */
struct agreement_row {
    int64_t id;              /* the agreement */
    int64_t organization_id; /* whose */
    const char *organization; /* its name */
    const char *kind;        /* maintenance, enhanced, advanced */
    const char *status;      /* requested, quoted, signed, completed, cancelled, expired */
    const char *starts_on;   /* YYYY-MM-DD */
    const char *ends_on;     /* YYYY-MM-DD, inclusive; "" when open-ended */
    const char *hosting;     /* vendor_hosted, customer_hosted; "" when none */
    const char *policy;      /* the SLA policy's name; "" when none */
    int64_t hours_minutes;   /* purchased hours in minutes; 0: none */
    const char *extras;      /* JSON list as stored */
    const char *services;    /* JSON list as stored */
    bool active;             /* signed and `today` inside its term */
    bool quote_overdue;      /* requested, no quote, made more than 7 days before now */
};

/*
 * The agreements the caller may see (a customer: its organisation's; staff:
 * organization_id's, or all for 0), newest term first; `active` is for
 * `today` (days since 1970-01-01).
 */
int store_agreement_rows(struct store *st, const struct caller *c, int64_t organization_id,
                         int64_t today, int64_t now, struct agreement_row **items, size_t *n,
                         struct arena *a);

/*
 * Customer contacts as "Name <email> (Organisation)", by organisation and
 * name (who may be a requester); a customer gets its own organisation's.
 */
int store_contact_names(struct store *st, const struct caller *c, struct named **items,
                        size_t *n, struct arena *a);

/* ---- background jobs and metadata ------------------------------------- */

/*
 * Take the lease of job `name` for holder until now + lease_secs when it is
 * free (or expired, or already this holder's) and the job has not run since
 * not_run_since (it never ran, or last ran before that instant). *got says
 * whether this holder may run it now; with several servers one gets it.
 */
int store_job_lease(struct store *st, const char *name, const char *holder, int64_t now,
                    int64_t lease_secs, int64_t not_run_since, bool *got);
/* Mark a job as run at now and release its lease. */
int store_job_done(struct store *st, const char *name, const char *holder, int64_t now);
/* Read or write a metadata value (e.g. "last_backup_at"); DESK_ENOTFOUND when absent. */
int store_meta_get(struct store *st, const char *key, const char **value, struct arena *a);
int store_meta_set(struct store *st, const char *key, const char *value);

#endif
