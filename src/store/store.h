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
#include "domain/alert.h"
#include "domain/chat.h"
#include "domain/kb.h"
#include "domain/maintenance.h"
#include "domain/release.h"
#include "domain/requirements.h"
#include "domain/ticket.h"
#include "domain/user.h"

struct store;

enum store_open_flags {
    STORE_CREATE = 1 << 0,  /* create the database when it does not exist */
    STORE_MIGRATE = 1 << 1, /* apply pending migrations */
    STORE_IN_USE = 1 << 2,  /* hold the in-use lock while open (serve): restore refuses */
    STORE_CHECK = 1 << 3,   /* check the file at open (time-boxed) and warn about its modes */
};

/*
 * Open the database at url (a file path for SQLite). Refuses a schema newer
 * than this binary (DESK_EIO, "database schema N is newer than ..."), and,
 * without STORE_CREATE, a missing or uninitialised database (DESK_ENOTFOUND).
 * The message goes into err. On success *out is the store; store_close() it.
 */
int store_open(const char *url, unsigned flags, struct store **out, struct strbuf *err);
void store_close(struct store *st);
/*
 * Append url to out as it may be shown in logs and messages: the password of a PostgreSQL
 * URL (postgres://user:PASSWORD@host/db, or ?password=PASSWORD) replaced by ***.
 */
void store_url_redact(const char *url, struct strbuf *out);
/* Schema versions: the database's and the newest this binary knows. */
void store_schema_versions(struct store *st, int *db_version, int *binary_version);
/*
 * 0 when the database answers a query that reads the file, else DESK_EBUSY (logged), with
 * the driver's reason appended to why when it has one (PostgreSQL: the first line of the
 * server's or libpq's message, no password). why may be NULL.
 */
int store_ping(struct store *st, struct strbuf *why);
/*
 * True when the database was found damaged (the start-up check, or a read or write that
 * met a damaged page); the reason is appended to why (may be NULL). It stays so until
 * the server is restarted, after a restore.
 */
bool store_degraded(struct store *st, struct strbuf *why);
/* Run an integrity check; 0 when sound, else DESK_EIO with the reason in err. */
int store_integrity_check(struct store *st, struct strbuf *err);
/* Write a consistent, verified copy of the database to path (must not exist). */
int store_backup(struct store *st, const char *path, struct strbuf *err);
/*
 * Replace the database at url by the verified backup file. DESK_ECONFLICT (with what to
 * do in err) while a server holds the database (STORE_IN_USE).
 */
int store_restore(const char *url, const char *file, struct strbuf *err);
/*
 * Refuse writes (DESK_EBUSY, logged once) while the disk under a SQLite file has less than
 * bytes free; 0: never. Without effect on PostgreSQL, whose disk is the server's.
 */
void store_set_disk_reserve(struct store *st, uint64_t bytes);
/* Group-commit counters since open: transactions committed and writes in them. */
void store_write_stats(struct store *st, uint64_t *commits, uint64_t *writes);
/*
 * The database connections a server keeps at most (PostgreSQL: 4 a core, 4..32), or 0 when
 * the driver has no such limit (SQLite). Threads beyond it only wait for a connection.
 */
int store_connection_limit(struct store *st);
/* True when url names a PostgreSQL database (postgres:// or postgresql://). */
bool store_url_is_postgres(const char *url);

/* ---- moving an installation: SQLite to PostgreSQL (copy.c) ------------------ */

/* One table of a copy as verified: rows and checksum read from each side. */
struct store_copy_table {
    char *name;              /* the table */
    int64_t rows_from;       /* rows in the source */
    int64_t rows_to;         /* rows in the target after the copy */
    char sum_from[65];       /* SHA-256 of the source's rows, hex ("" until computed) */
    char sum_to[65];         /* ... of the target's */
    bool derived;            /* a search index the target's triggers filled (rows_to only) */
    bool ok;                 /* rows and checksums agree (derived: always) */
};

/* What store_copy did: every table, in the order copied. Release with _release. */
struct store_copy_report {
    struct store_copy_table *tables;
    size_t nr, alloc;
};
#define STORE_COPY_REPORT_INIT {NULL, 0, 0}
void store_copy_report_release(struct store_copy_report *rep);

/*
 * Copy the installation in the SQLite file from into the PostgreSQL database to (created or
 * migrated to this binary's schema first), in one PostgreSQL transaction, and verify it:
 * every table's rows with their ids, in foreign-key order, identity sequences set past the
 * largest id, then for each table the row count and a checksum read back from both sides
 * in that transaction. The tables and columns come from the two schemas, which must agree
 * by name. A failure of any kind, a verification too, rolls everything back: the target is
 * left as empty as it was. Refused (nothing written):
 *   DESK_EINVAL     from is not an initialised svcdesk SQLite file at this binary's schema,
 *                   to is not a PostgreSQL URL, or the schemas do not agree;
 *   DESK_ECONFLICT  the target holds rows other than those its migrations made
 *                   ("the target database is not empty: table X has N rows");
 *   DESK_EIO        a database failed, or the verification found a table that differs
 *                   (rep says which).
 * rep (zeroed by the caller) holds the verification, also after a failed one; err the message.
 */
int store_copy(const char *from, const char *to, struct store_copy_report *rep,
               struct strbuf *err);

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
/* Set one of the caller's own settings (NULL: none, the default). Audited. */
enum user_setting {
    USER_SETTING_TIME_ZONE, /* users.time_zone: an IANA name the caller checked */
    USER_SETTING_LANGUAGE,  /* users.language: a code of core/i18n.h the caller checked */
};
int store_user_setting(struct store *st, const struct caller *c, enum user_setting setting,
                       const char *value);
/* The user with this e-mail (any case) and its password hash, or DESK_ENOTFOUND. */
int store_user_by_email(struct store *st, const char *email, struct user *out,
                        const char **password_hash, struct arena *a);
/* The user with this id as the caller may see it, or DESK_ENOTFOUND. */
int store_user_get(struct store *st, const struct caller *c, int64_t id, struct user *out,
                   struct arena *a);

/* ---- organisations, users, calendars, SLA policies (admin API) ------------ */

/*
 * Organisations, accounts, calendars and SLA policies are written by
 * admins only (the route table says so); every write records the actor
 * and before/after JSON in audit_log in its transaction, never a password.
 * Calendars and policies are not tenant data: every role reads them.
 */

/*
 * Why a write was refused: struct store_fault, defined in the tickets
 * section below. The admin writes fill it on DESK_ECONFLICT, DESK_EINVAL
 * and DESK_ENOTFOUND about a field; they need one (never NULL), zeroed by
 * the caller so that message stays "" when the store has nothing to add.
 */
struct store_fault;

/* One page of a list in id order (keyset paging: stable while rows are inserted). */
struct store_page {
    int64_t after; /* in: only ids above this (0: from the start) */
    size_t limit;  /* in: rows at most, >= 1 */
    bool more;     /* out: more rows follow this page */
};

/* A calendar as stored: its name and the canonical JSON of SPEC 2.2. */
struct calendar_entry {
    int64_t id;             /* 0 until stored */
    const char *name;       /* unique in any case */
    const char *definition; /* canonical calendar JSON (calendar_to_json) */
    int64_t version;        /* 1 when created, bumped on every change */
    int64_t created_at;     /* UTC seconds */
    int64_t updated_at;     /* UTC seconds */
};

struct organization;
struct account;
struct sla_policy;
struct sla_policy_patch;

/*
 * Create organisation o (o->id and created_at are set). DESK_ECONFLICT when
 * the name is taken (any case; field "name") or one of its domains belongs
 * to another organisation (field "domains").
 */
int store_org_create(struct store *st, const struct caller *actor, struct organization *o,
                     struct store_fault *f);
/*
 * Change organisation patch->id: a non-NULL name or domains replaces the
 * stored one. The organisation as it now is goes into *out (arena a).
 * DESK_ENOTFOUND, or DESK_ECONFLICT as for store_org_create.
 */
int store_org_update(struct store *st, const struct caller *actor,
                     const struct organization *patch, struct organization *out,
                     struct store_fault *f, struct arena *a);
/* The organisation as the caller may see it (customers: their own), or DESK_ENOTFOUND. */
int store_org_get(struct store *st, const struct caller *c, int64_t id, struct organization *out,
                  struct arena *a);
/* A page of the organisations the caller may see; *items (arena) holds *nr. */
int store_org_list(struct store *st, const struct caller *c, struct store_page *pg,
                   struct organization **items, size_t *nr, struct arena *a);

/* What store_account_update changes: NULL, ROLE_NONE, 0 and -1 leave a field alone. */
struct account_patch {
    const char *name;          /* new display name */
    enum role role;            /* new role */
    int64_t organization_id;   /* new organisation (customers) */
    const char *password_hash; /* new argon2id hash */
    int notify;                /* 0 or 1; -1: unchanged */
    int disabled;              /* 1: disable (and end every session and token), 0: enable;
                                  -1: unchanged */
    const uint8_t *keep;       /* with a password_hash: every session and token of the user
                                  but the one of this hash (NULL: none kept) is ended */
};
#define ACCOUNT_PATCH_INIT {NULL, ROLE_NONE, 0, NULL, -1, -1, NULL}

/* ---- merging and linking requests (links.c; staff only: the caller checks the role) ---- */

/*
 * Merge request from into request into (same organisation; neither merged nor closed): its
 * messages are copied there (marked with where they came from), its files and time move, a
 * note on each says so, and from points at into and is closed. *out is into after.
 * DESK_EINVAL (fault into_id) for itself, another organisation's or a missing one;
 * DESK_ECONFLICT for a merged or closed one.
 */
int store_ticket_merge(struct store *st, const struct caller *c, int64_t from, int64_t into,
                       int64_t now, struct ticket *out, struct store_fault *fault,
                       struct arena *a);
/* link_kinds(): related, parent, child (NULL-terminated); link_kind_parse: 0 or DESK_EINVAL. */
const char *const *link_kinds(void);
int link_kind_parse(const char *s, int *out);
/*
 * Link request id to other as kind (its index in link_kinds(): other is id's related, parent
 * or child; the mirror link is stored too). DESK_EINVAL (fault ticket_id) for itself or a
 * missing one; linking again changes the kind.
 */
int store_ticket_link(struct store *st, const struct caller *c, int64_t id, int64_t other,
                      int kind, int64_t now, struct store_fault *fault);
struct ticket_link {
    int64_t ticket_id;                   /* the other request */
    const char *kind, *subject, *status; /* what it is to this one; its subject and status */
};
/* The links of request id that the caller may see. */
int store_ticket_links(struct store *st, const struct caller *c, int64_t id,
                       struct ticket_link **items, size_t *n, struct arena *a);

/* ---- canned replies (canned.c; staff only: the caller checks the role) ---- */

struct canned_reply; /* domain/canned.h */
/* Store in's title and body as the caller's reply; *out as stored. */
int store_canned_create(struct store *st, const struct caller *c, const struct canned_reply *in,
                        int64_t now, struct canned_reply *out, struct arena *a);
/* Change reply id's title and body: its owner or an admin (DESK_EDENIED), DESK_ENOTFOUND. */
int store_canned_update(struct store *st, const struct caller *c, int64_t id,
                        const struct canned_reply *in, int64_t now, struct canned_reply *out,
                        struct arena *a);
/* Delete reply id: its owner or an admin (DESK_EDENIED), DESK_ENOTFOUND. */
int store_canned_delete(struct store *st, const struct caller *c, int64_t id, int64_t now);
int store_canned_get(struct store *st, int64_t id, struct canned_reply *out, struct arena *a);
/* Every reply by title (at most STORE_PAGE_MAX). */
int store_canned_list(struct store *st, struct canned_reply **items, size_t *n, struct arena *a);

/* ---- watchers and CC of a request (watchers.c) ---- */

#define TICKET_CC_MAX 20 /* CC addresses of one request */
struct follower {
    int64_t user_id;
    const char *name, *email;
    bool staff;
};
/*
 * Add (on) or remove user_id as a watcher of request ticket_id: staff, or a customer of its
 * organisation (DESK_EINVAL, fault "user_id", for anyone else). Audited "follow"/"unfollow"
 * when it changes something. DESK_ENOTFOUND for a request the caller may not see.
 */
int store_watcher_set(struct store *st, const struct caller *c, int64_t ticket_id,
                      int64_t user_id, bool on, int64_t now, struct store_fault *fault);
/* The same for a CC address (lower case, checked by the caller). */
int store_cc_set(struct store *st, const struct caller *c, int64_t ticket_id,
                 const char *address, bool on, int64_t now, struct store_fault *fault);
/* The watchers (by name) and CC addresses of request ticket_id, as the caller may see it. */
int store_followers(struct store *st, const struct caller *c, int64_t ticket_id,
                    struct follower **watchers, size_t *nw, const char ***cc, size_t *ncc,
                    struct arena *a);

/* ---- who is writing a reply now (replying.c; staff: the caller checks the role) ---- */

#define REPLYING_SECS 45 /* a mark lives this long unless renewed */
struct replying {
    int64_t user_id;  /* the agent */
    const char *name; /* its name */
    int64_t until;    /* the mark ends */
};
/*
 * The caller writes a reply to request id (done: no longer: sent, or the page left): the
 * mark is set until now + REPLYING_SECS, or dropped. Beginning to reply (no live mark of its
 * own) writes the audit row "replying", which GET /api/v1/events carries to the others.
 * DESK_ENOTFOUND for no such request.
 */
int store_replying_mark(struct store *st, const struct caller *c, int64_t id, int64_t now,
                        bool done);
/* The others writing a reply to request id at now (at most 10, the caller left out). */
int store_replying_list(struct store *st, const struct caller *c, int64_t id, int64_t now,
                        struct replying **items, size_t *n, struct arena *a);

/* ---- the audit trail (audit.c) ---- */

struct audit_entry {
    int64_t id, at;              /* the row, when (UTC seconds) */
    int64_t actor_id;            /* 0: the system */
    const char *actor_name;      /* "" for the system or a user gone */
    const char *action, *entity; /* "update", "ticket" */
    int64_t entity_id;           /* 0: none */
    const char *before, *after;  /* JSON text, or NULL */
};
struct audit_filter {
    const char *entity;          /* NULL: any */
    int64_t entity_id, actor_id; /* 0: any */
    int64_t from, to;            /* inclusive, UTC seconds */
    int64_t before_id;           /* keyset, newest first; 0: the first page */
    int limit;                   /* 1..1000 */
};
/* A page of the audit trail, newest first (staff only: the caller checks the role). */
int store_audit_list(struct store *st, const struct audit_filter *f, struct audit_entry **items,
                     size_t *n, int64_t *next, struct arena *ar);
/*
 * The newest `limit` (1..1000) audit rows of request ticket_id's history, newest first: the
 * request's own rows and those of the time logged on it (entity "time_entry"). Staff only.
 */
int store_ticket_history(struct store *st, int64_t ticket_id, int limit,
                         struct audit_entry **items, size_t *n, struct arena *ar);

/* ---- password resets by e-mail (resets.c) ---- */

#define RESET_LIFETIME 3600 /* seconds a reset link works */
#define RESETS_PER_HOUR 3   /* links mailed to one account an hour at most */
#define RESETS_PER_ADDRESS_HOUR 20 /* links made for one client address an hour at most */
/*
 * Someone asks to reset the password of the account of email: when it exists (enabled, with
 * a password) and has had fewer than RESETS_PER_HOUR links this hour, store the link's hash
 * (valid RESET_LIFETIME) and queue the mail with link. 0 whether or not it did (the answer
 * must not tell), or a store error.
 */
int store_password_reset_ask(struct store *st, const char *email, const uint8_t hash[32],
                             const char *link, const char *address, int64_t now);
/*
 * Use the live link of hash: the account's password becomes password_hash, every session
 * and token of the account ends, every live link of it is spent; *user_id is the account.
 * DESK_ENOTFOUND for a link that is unknown, used, expired, or of a disabled account.
 */
int store_password_reset_use(struct store *st, const uint8_t hash[32], const char *password_hash,
                             int64_t now, int64_t *user_id);
/* 0 when the link of hash is live (as store_password_reset_use would take it), else
   DESK_ENOTFOUND. */
int store_password_reset_valid(struct store *st, const uint8_t hash[32], int64_t now);

/* The account as the caller may see it (customers: only themselves), or DESK_ENOTFOUND. */
int store_account_get(struct store *st, const struct caller *c, int64_t id, struct account *out,
                      struct arena *a);
/* A page of the accounts the caller may see (customers: only themselves). */
int store_account_list(struct store *st, const struct caller *c, struct store_page *pg,
                       struct account **items, size_t *nr, struct arena *a);
/*
 * Change account id by p; the account as it now is goes into *out. A role
 * that becomes staff drops the organisation. DESK_ENOTFOUND; DESK_EINVAL
 * (field "organization_id") when the role and organisation do not fit
 * (account_org_problem) or the organisation does not exist.
 */
int store_account_update(struct store *st, const struct caller *actor, int64_t id,
                         const struct account_patch *p, struct account *out,
                         struct store_fault *f, struct arena *a);

struct signin_counts;
/*
 * Record a failed sign-in for email (as typed; any case) from address at
 * now; failures at or before now - window are pruned. An audit row names
 * user_id when the e-mail is an account's (user_id 0: none).
 */
int store_sign_in_failure_add(struct store *st, const char *email, const char *address,
                              int64_t user_id, int64_t now, int64_t window);
/*
 * The counts the throttle decides by (domain/signin.h) for email from
 * address at now: failures after now - window, the ceiling-th latest one of
 * the e-mail, and whether user_id (0: none) holds a session or token made
 * from address after known_since.
 */
int store_sign_in_counts(struct store *st, const char *email, const char *address,
                         int64_t user_id, int64_t now, int64_t window, int ceiling,
                         int64_t known_since, struct signin_counts *out);

/* Create calendar c (id, version, times set). DESK_ECONFLICT (field "name") when the name is taken. */
int store_calendar_create(struct store *st, const struct caller *actor, struct calendar_entry *c,
                          struct store_fault *f);
int store_calendar_get(struct store *st, int64_t id, struct calendar_entry *out, struct arena *a);
int store_calendar_list(struct store *st, struct store_page *pg, struct calendar_entry **items,
                        size_t *nr, struct arena *a);
/*
 * Replace the name and definition of calendar c->id if it is still at
 * c->version (read it, change it, write it back: optimistic locking), bump
 * the version (c->version, updated_at are set) and recompute, in the same
 * transaction, the due times of the tickets that use the calendar.
 * DESK_ENOTFOUND; DESK_ECONFLICT with field "name" for a taken name, or
 * with field NULL when another change came first (read again and retry).
 */
int store_calendar_update(struct store *st, const struct caller *actor, struct calendar_entry *c,
                          struct store_fault *f);

/*
 * Create policy p with its targets (id and times set). DESK_ECONFLICT
 * (field "name") for a taken name; DESK_EINVAL (field "calendar_id") when
 * the calendar does not exist.
 */
int store_policy_create(struct store *st, const struct caller *actor, struct sla_policy *p,
                        struct store_fault *f);
/*
 * Change policy id by patch (sla_policy_apply) in one transaction; the
 * policy as it now is goes into *out. When the calendar or a target
 * changed, the due times of the tickets under the policy are recomputed in
 * the same transaction. DESK_ENOTFOUND, or the errors of store_policy_create.
 */
int store_policy_update(struct store *st, const struct caller *actor, int64_t id,
                        const struct sla_policy_patch *patch, struct sla_policy *out,
                        struct store_fault *f, struct arena *a);
int store_policy_get(struct store *st, int64_t id, struct sla_policy *out, struct arena *a);

/* The meta key naming the default SLA policy (its id in decimal). */
#define STORE_DEFAULT_POLICY_KEY "sla.default_policy_id"
/*
 * On a database without any SLA policy, create calendar cal and policy p on
 * it (p->calendar_id is set) and record p as the default policy, which a
 * maintenance agreement created without sla_policy_id takes; all in one
 * transaction. *created says whether it did; a database that has a policy
 * is left alone (0, *created false). Errors as store_calendar_create and
 * store_policy_create.
 */
int store_default_policy_ensure(struct store *st, const struct caller *actor,
                                struct calendar_entry *cal, struct sla_policy *p,
                                struct store_fault *f, bool *created);
int store_policy_list(struct store *st, struct store_page *pg, struct sla_policy **items,
                      size_t *nr, struct arena *a);

/* ---- API tokens ------------------------------------------------------- */

/* Store a token hash for user_id, valid until expires_at (no cap, no address: the CLI). */
int store_token_create(struct store *st, int64_t user_id, const uint8_t hash[32], int64_t now,
                       int64_t expires_at);
/*
 * The user of a live token (not revoked, not expired at now, its user not
 * disabled), or DESK_EUNAUTH.
 */
int store_token_user(struct store *st, const uint8_t hash[32], int64_t now, struct user *out,
                     struct arena *a);
/* Revoke a token; DESK_EUNAUTH when it is not live. */
int store_token_revoke(struct store *st, const uint8_t hash[32], int64_t now);

/* ---- credentials: sessions and tokens together (0009) --------------------- */

enum credential_kind { CRED_SESSION, CRED_TOKEN };

/* A session or token as the admin's list shows it: never its secret or hash. */
struct credential {
    int64_t id;                /* row id within its kind */
    enum credential_kind kind; /* session or token */
    int64_t user_id;           /* whose */
    int64_t created_at;        /* UTC seconds */
    int64_t last_seen_at;      /* last request made with it (to the minute or finer) */
    int64_t expires_at;        /* end of its lifetime */
    const char *address;       /* client address when made or last seen; "" unknown */
    const char *user_agent;    /* User-Agent then; "" unknown */
    bool expired;              /* lookups: it exists, unended, its user enabled, but past its
                                  lifetime or idle timeout */
};

/* What a new session or token is made with. */
struct credential_new {
    enum credential_kind kind; /* session or token */
    int64_t user_id;           /* owner */
    const uint8_t *hash;       /* SHA-256 of the secret (32 bytes) */
    int64_t now;               /* creation time */
    int64_t expires_at;        /* end of its lifetime */
    const char *address;       /* client address, or NULL */
    const char *user_agent;    /* User-Agent, or NULL */
    int64_t keep_max;          /* live ones of this kind the user may hold, the new one
                                  counted: the oldest beyond are ended; 0 = no cap */
};

/* Store a new session or token (audit row "sign_in"/"create"). 0 or a store error. */
int store_credential_create(struct store *st, const struct credential_new *n);
/*
 * Look up the token of hash at now: 0 with *out (user) and *cred filled when
 * live, else DESK_EUNAUTH. cred may be NULL.
 */
int store_token_lookup(struct store *st, const uint8_t hash[32], int64_t now, struct user *out,
                       struct credential *cred, struct arena *a);
/*
 * Look up the session of hash at now: live when not ended, before its
 * expiry, used within idle_secs, and its user not disabled: 0 with *out and
 * *cred. Otherwise DESK_EUNAUTH; when only the expiry or the idle timeout
 * ended it, *out and *cred are still filled and cred->expired is true (a
 * draft can be kept for that user).
 */
int store_session_lookup(struct store *st, const uint8_t hash[32], int64_t now, int64_t idle_secs,
                         struct user *out, struct credential *cred, struct arena *a);
/* Record a use of credential (kind, id) at now from address with user_agent. */
int store_credential_seen(struct store *st, enum credential_kind kind, int64_t id, int64_t now,
                          const char *address, const char *user_agent);
/*
 * End every live session and token of user_id at now except the one whose
 * hash is keep (NULL: none kept), with one audit row by actor; *ended (may
 * be NULL) counts them. 0 or a store error (DESK_ENOTFOUND: no such user).
 */
int store_credentials_end(struct store *st, const struct caller *actor, int64_t user_id,
                          int64_t now, const uint8_t *keep, int64_t *ended);
/*
 * The live sessions (idle_secs as in store_session_lookup) and tokens of
 * user_id at now, most recently used first, into *items (arena).
 */
int store_credential_list(struct store *st, int64_t user_id, int64_t now, int64_t idle_secs,
                          struct credential **items, size_t *nr, struct arena *a);

/* ---- drafts: a reply kept across a sign-in (0009) -------------------------- */

/* Keep body as user_id's draft for page path (replacing one there); older drafts are pruned. */
int store_draft_save(struct store *st, int64_t user_id, const char *path, const char *body,
                     int64_t now);
/* Take (read and delete) user_id's draft for path into *body (arena); DESK_ENOTFOUND: none. */
int store_draft_take(struct store *st, int64_t user_id, const char *path, const char **body,
                     struct arena *a);

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
    unsigned types;          /* bit per enum ticket_type; 0: any */
    unsigned channels;       /* bit per enum channel; 0: any */
    int64_t organization_id; /* 0: any the caller may see */
    int64_t assignee_id;     /* 0: any */
    const char *const *words; /* q split into lower-case words; NULL: none */
    size_t nwords;
    bool unassigned;         /* only requests nobody is assigned */
    bool escalated;          /* only requests escalated (escalation_level > 0) */
    int64_t due_before;      /* only requests due at or before this (UTC seconds); 0: any */
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
/*
 * Triage (staff): move request id, held without an organisation (mail from an unknown
 * sender), to organization_id, which gives it its agreement, priority and SLA as if it had
 * been opened there; with contact_name, its mail sender becomes that organisation's contact
 * and the requester (a new customer user of that name, "" for the address's local part,
 * without a password, or the user the
 * address is already when it is one of that organisation's contacts). One transaction,
 * audited "triage". DESK_ECONFLICT (fault "organization_id") when the request has an
 * organisation already, ("add_contact") when the address is another kind of user;
 * DESK_EINVAL ("organization_id") for no such organisation, ("add_contact") without a
 * sender.
 */
int store_ticket_triage(struct store *st, const struct caller *c, int64_t id,
                        int64_t organization_id, const char *contact_name, int64_t now,
                        struct ticket *t, struct store_fault *fault, struct arena *a);
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
/* How many requests are in each status (counts[enum ticket_status]), for /metrics. */
int store_ticket_counts(struct store *st, int64_t counts[TS_COUNT]);

/* ---- reports ------------------------------------------------------------ */

/*
 * One row of the SLA compliance report (SPEC 3.2 and 5 "Reports"): the
 * requests of one organisation received in one UTC month with one severity,
 * and the states of their response clocks at the report's `now`.
 */
struct sla_report_row {
    int64_t organization_id; /* whose requests */
    int year;                /* UTC year of received_at */
    int month;               /* UTC month of received_at, 1..12 */
    enum severity severity;  /* A..D */
    int64_t requests;        /* requests counted in this row, with a clock or not */
    int64_t total;           /* those with a response clock (entitled, with a target) */
    int64_t met;             /* handling initiated by the due time */
    int64_t missed;          /* handling initiated after the due time */
    int64_t breached;        /* past due at now, handling not initiated */
};

/*
 * The SLA report over the requests received on the UTC dates [from_day,
 * to_day] (days since 1970-01-01, inclusive) of organization_id (0: every
 * organisation the caller may see; a customer sees only its own, and naming
 * another gives no rows). Rows are ordered by organisation, month and
 * severity; only combinations with requests appear. Requests are streamed,
 * not loaded together. *rows (arena a) holds *n.
 */
int store_sla_report(struct store *st, const struct caller *c, int64_t from_day, int64_t to_day,
                     int64_t organization_id, int64_t now, struct sla_report_row **rows,
                     size_t *n, struct arena *a);

/* ---- agreements, time and expenses, invoices, catalogue, RASCI -------------- */
struct agreement; /* domain/agreement.h */
struct agreement_patch;
struct booking;
struct catalogue_service; /* domain/catalogue.h */
struct change_order;
struct expense;
struct hour_bank;
struct invoice; /* domain/invoice.h */
struct rasci_matrix; /* domain/rasci.h */
struct time_entry;

/*
 * Agreements (domain/agreement.h). Customers read their organisation's
 * only; another organisation's id is DESK_ENOTFOUND. Writes fill fault on
 * DESK_EINVAL (the field at fault), DESK_ECONFLICT (a state that forbids
 * it) and DESK_ENOTFOUND for a reference that does not exist. Each write
 * keeps organizations.priority_line (and the priority of that
 * organisation's open requests) in step with its active agreements, and a
 * change of SLA policy or calendar recomputes the due times of the open
 * requests under it, in the same transaction.
 */
int store_agreement_create(struct store *st, const struct caller *c, struct agreement *a,
                           int64_t now, struct store_fault *fault);
int store_agreement_get(struct store *st, const struct caller *c, int64_t id, struct agreement *a,
                        struct arena *ar);

struct agreement_filter {
    int64_t organization_id; /* 0: any the caller may see */
    int kind;                /* -1: any; else an enum agreement_kind */
    int64_t before_id;       /* keyset: ids below this one (newest first); 0: the first page */
    int limit;               /* 1..1000 */
};
/* A page of agreements, newest first; *next is the cursor of the next page (0 on the last). */
int store_agreement_list(struct store *st, const struct caller *c, const struct agreement_filter *f,
                         struct agreement **items, size_t *n, int64_t *next, struct arena *ar);
/* Apply a PATCH (agreement_patch_apply); *out is the agreement after. */
int store_agreement_update(struct store *st, const struct caller *c, int64_t id,
                           const struct agreement_patch *p, int64_t now, struct agreement *out,
                           struct store_fault *fault, struct arena *ar);

enum agreement_move_kind {
    MOVE_QUOTE,  /* requested or quoted -> quoted, with amount and valid_until */
    MOVE_SIGN,   /* the vendor signs; with the customer's signature: signed, bookings confirmed */
    MOVE_CANCEL, /* notice on `notice` (agreement_cancel) */
    MOVE_ACCEPT, /* the customer signs (name, client_addr); see MOVE_SIGN */
};
struct agreement_move {
    enum agreement_move_kind kind; /* what happens */
    int64_t amount;                /* MOVE_QUOTE: minor units */
    int64_t valid_until;           /* MOVE_QUOTE: date */
    int64_t notice;                /* MOVE_CANCEL: date the notice was given */
    const char *name;              /* MOVE_ACCEPT: the typed full name (MOVE_SIGN: NULL) */
    const char *client_addr;       /* MOVE_SIGN, MOVE_ACCEPT: the signer's address */
};
/* Quote, sign or cancel agreement id; *out is the agreement after. */
int store_agreement_move(struct store *st, const struct caller *c, int64_t id,
                         const struct agreement_move *m, int64_t now, struct agreement *out,
                         struct store_fault *fault, struct arena *ar);
/* Every quote of agreement id, oldest first (*items in ar); customers: their organisation's. */
struct quote;
int store_agreement_quotes(struct store *st, const struct caller *c, int64_t id,
                           struct quote **items, size_t *n, struct arena *ar);
/* The hours bank of agreement id for the period holding day; DESK_EINVAL (fault) for maintenance. */
int store_agreement_balance(struct store *st, const struct caller *c, int64_t id, int64_t day,
                            struct hour_bank *bank, struct store_fault *fault);

/* Propose a change order (co->agreement_id, minutes, reason, applies_to); co->id is set. */
int store_change_order_create(struct store *st, const struct caller *c, struct change_order *co,
                              int64_t now, struct store_fault *fault);
/* Who signs a change order: the vendor (staff) or the customer, with the name typed. */
struct signing {
    int party;               /* enum party (domain/agreement.h) */
    const char *name;        /* the customer's typed full name; NULL: the user's own name */
    const char *client_addr; /* the signer's address as text */
};
/*
 * Party by->party signs change order co_id of agreement_id (in effect); the
 * second signature applies it. DESK_ECONFLICT (fault) when it is signed or
 * that party signed it already.
 */
int store_change_order_sign(struct store *st, const struct caller *c, int64_t agreement_id,
                            int64_t co_id, const struct signing *by, int64_t now,
                            struct change_order *out, struct store_fault *fault,
                            struct arena *ar);
int store_change_order_list(struct store *st, const struct caller *c, int64_t agreement_id,
                            struct change_order **items, size_t *n, struct arena *ar);

/*
 * Book b->user_id (staff) on b->agreement_id; tentative or confirmed by the
 * agreement's status. A booking that shares a day with another booking of
 * the same person (bookings of agreements cancelled before signing do not
 * count) is DESK_ECONFLICT (field "starts_on", the message names the other
 * booking and its agreement) unless b->overlap_reason (in) gives a reason:
 * then it is stored with the booking and in the audit trail. On return
 * b->overlap_reason is that reason when there was an overlap, else NULL.
 */
int store_booking_create(struct store *st, const struct caller *c, struct booking *b, int64_t now,
                         struct store_fault *fault);

/* Where a booking moves, and what moving it cost. */
struct booking_move {
    int64_t starts_on, ends_on;  /* the new inclusive dates */
    const char *force_reason;    /* forces an overlap (see store_booking_create); NULL: none */
    const struct expense *costs; /* amounts and notes of the costs already incurred */
    size_t ncosts;               /* entries in costs */
};

/*
 * Move booking booking_id of agreement_id to m's dates (the overlap rule of
 * store_booking_create) and record m's costs as actual expenses of the
 * agreement dated today. The booking as it now is goes into *out (arena ar).
 */
int store_booking_reschedule(struct store *st, const struct caller *c, int64_t agreement_id,
                             int64_t booking_id, const struct booking_move *m, int64_t now,
                             struct booking *out, struct store_fault *fault, struct arena *ar);
int store_booking_list(struct store *st, const struct caller *c, int64_t agreement_id,
                       struct booking **items, size_t *n, struct arena *ar);

/*
 * Record time t against t->ticket_id or t->agreement_id (the other 0 unless
 * given). The organisation comes from the request or agreement; an included
 * entry without an agreement draws the organisation's active enhanced
 * agreement on t->on (a billable one is attached to it when there is one,
 * else it is time and materials); an advanced agreement is never chosen for
 * an entry. Another organisation's or a maintenance agreement is DESK_EINVAL.
 * Included time queues the hour-bank warnings (80 %, 100 %) once.
 */
int store_time_entry_create(struct store *st, const struct caller *c, struct time_entry *t,
                            int64_t now, struct store_fault *fault);
/* The time of a request (ticket_id) or an agreement; customers never see internal entries. */
int store_time_entry_list(struct store *st, const struct caller *c, int64_t ticket_id,
                          int64_t agreement_id, struct time_entry **items, size_t *n,
                          struct arena *ar);
/* Record an expense (per_diem: days x the agreement's per-diem rate); e->id, amount are set. */
int store_expense_create(struct store *st, const struct caller *c, struct expense *e, int64_t now,
                         struct store_fault *fault);
int store_expense_list(struct store *st, const struct caller *c, int64_t agreement_id,
                       struct expense **items, size_t *n, struct arena *ar);

/*
 * Issue an invoice for [period_start, period_end]: of agreement_id (signed;
 * a period overlapping one of its invoices is DESK_ECONFLICT), or with
 * agreement_id 0 of organization_id's billable time without agreement at
 * the default rate. Nothing to bill is DESK_ECONFLICT. The time entries and
 * expenses it bills are marked invoiced.
 */
int store_invoice_create(struct store *st, const struct caller *c, int64_t agreement_id,
                         int64_t organization_id, int64_t period_start, int64_t period_end,
                         int64_t now, struct invoice *out, struct store_fault *fault,
                         struct arena *ar);
/*
 * Issue organization_id's yearly invoice for [period_start, period_end]: each signed
 * maintenance and enhanced agreement of the period (fees, change orders, billable time and
 * expenses, as its own invoice would) and the annual price of each add-on year starting in
 * it, in one invoice. A period overlapping another yearly invoice of the organisation, or an
 * invoice of one of the agreements, is DESK_ECONFLICT, as are nothing to bill and amounts
 * in different currencies. Advanced agreements keep their own invoices.
 */
int store_invoice_create_yearly(struct store *st, const struct caller *c, int64_t organization_id,
                                int64_t period_start, int64_t period_end, int64_t now,
                                struct invoice *out, struct store_fault *fault, struct arena *ar);
int store_invoice_get(struct store *st, const struct caller *c, int64_t id, struct invoice *out,
                      struct arena *ar);

struct invoice_filter {
    int64_t organization_id; /* 0: any the caller may see */
    int64_t agreement_id;    /* 0: any */
    int64_t before_id;       /* keyset, newest first; 0: the first page */
    int limit;               /* 1..1000 */
};
/* A page of invoices (without lines), newest first. */
int store_invoice_list(struct store *st, const struct caller *c, const struct invoice_filter *f,
                       struct invoice **items, size_t *n, int64_t *next, struct arena *ar);
/* Set the default rate (minor units an hour) and currency of billable time without agreement. */
int store_billing_set(struct store *st, const struct caller *c, int64_t rate,
                      const char *currency);

/* ---- add-ons (domain/addon.h) ---- */

struct addon; /* domain/addon.h */
/*
 * Record in's purchase (organization_id, service_id, starts_on, ends_on, currency,
 * annual_price, note); *out is the add-on as stored. The service must be an add-on for
 * the organisation's hosting model (DESK_EINVAL naming service_id); an organisation the
 * caller may not see is DESK_ENOTFOUND. A priority-line add-on aligns priority_line.
 */
int store_addon_create(struct store *st, const struct caller *c, const struct addon *in,
                       int64_t now, struct addon *out, struct store_fault *fault,
                       struct arena *ar);
/* Change add-on id's ends_on, annual_price and note to those of terms. */
int store_addon_update(struct store *st, const struct caller *c, int64_t id,
                       const struct addon *terms, int64_t now, struct addon *out,
                       struct store_fault *fault, struct arena *ar);
int store_addon_get(struct store *st, const struct caller *c, int64_t id, struct addon *out,
                    struct arena *ar);
/* 1 when an add-on giving feature (addon_feature_names) runs for organization_id on the date
   of now, or an active agreement has it as an extra; 0 when neither, or an error. */
int store_feature_runs(struct store *st, int64_t organization_id, const char *feature,
                       int64_t now);
/* An organisation's add-ons by start; DESK_ENOTFOUND for one the caller may not see. */
int store_addon_list(struct store *st, const struct caller *c, int64_t organization_id,
                     struct addon **items, size_t *n, struct arena *ar);

/* The service catalogue, in its order. */
int store_catalogue_list(struct store *st, struct catalogue_service **items, size_t *n,
                         struct arena *ar);

enum catalogue_field {
    CF_NAME = 1 << 0,
    CF_POSITION = 1 << 1,
    CF_VENDOR = 1 << 2,   /* vendor.inclusion and vendor.comment */
    CF_CUSTOMER = 1 << 3, /* customer.inclusion and customer.comment */
};
/*
 * Create (s->id 0: every field but the position is needed) or change the
 * `fields` of service s->id; s is then the whole stored row. A taken name
 * is DESK_ECONFLICT.
 */
int store_catalogue_save(struct store *st, const struct caller *c, struct catalogue_service *s,
                         unsigned fields, int64_t now, struct store_fault *fault,
                         struct arena *ar);

/*
 * Retire service id at now (retire true: no longer offered, domain/catalogue.h) or offer it
 * again; audited as "retire" or "restore" when it changes (a service so already is left
 * alone). *out is the row after. DESK_ENOTFOUND for a missing service.
 */
int store_catalogue_retire(struct store *st, const struct caller *c, int64_t id, bool retire,
                           int64_t now, struct catalogue_service *out, struct arena *ar);

/* Store a checked matrix (m->id is set); a taken name is DESK_ECONFLICT. */
int store_rasci_create(struct store *st, const struct caller *c, struct rasci_matrix *m,
                       int64_t now, struct store_fault *fault);
/*
 * A matrix, or all of them, as the caller may read them: customers read the
 * default matrix and those attached to their organisation's agreements.
 */
int store_rasci_get(struct store *st, const struct caller *c, int64_t id, struct rasci_matrix *m,
                    struct arena *ar);
int store_rasci_list(struct store *st, const struct caller *c, struct rasci_matrix **items,
                     size_t *n, struct arena *ar);

/*
 * The daily job: align every organisation's priority_line (and its open
 * requests' priority) with the agreements active on the date of now, as
 * terms start and end. *changed counts the organisations that changed.
 */
int store_priority_sync(struct store *st, int64_t now, int *changed);


/* ---- mail: the outbox and inbound messages ------------------------------- */

/* An outbox row claimed for sending (strings in the caller's arena). */
struct outbox_msg {
    int64_t id;              /* the row */
    const char *kind;        /* received, reply, status, escalation, sla_warning, ... */
    int64_t ticket_id;       /* 0: about no request (a refusal) */
    const char *recipients;  /* JSON list of addresses */
    const char *subject;     /* UTF-8, one line */
    const char *body;        /* UTF-8 text */
    const char *message_id;  /* local part, the same on every attempt */
    const char *in_reply_to; /* Message-ID tokens (see 0005_mail.sql); NULL: none */
    const char *references;  /* space-separated tokens, oldest first; NULL: none */
    int attempts;            /* failed attempts so far */
};

/*
 * Lease up to max rows due at now (not sent, next attempt and not_before
 * reached, not leased by anyone else) to holder until now + lease_secs, and
 * return them, oldest due first. With several servers each row goes to one.
 */
int store_outbox_claim(struct store *st, const char *holder, int64_t now, int64_t lease_secs,
                       int max, struct outbox_msg **items, size_t *n, struct arena *a);
/* Mark row id sent at now (also when the lease has passed to another holder). */
int store_outbox_sent(struct store *st, int64_t id, int64_t now);
/*
 * Record a failed attempt of row id held by holder: attempts + 1, the error,
 * the next attempt at retry_at; the lease is released. A row is never dropped.
 */
int store_outbox_failed(struct store *st, int64_t id, const char *holder, int64_t retry_at,
                        const char *error);
/* Give back the lease of a row that was not attempted (nothing else changes). */
int store_outbox_release(struct store *st, int64_t id, const char *holder);
/* Rows not yet sent (for /metrics and tests). */
int store_outbox_pending(struct store *st, int64_t *n);

/* An outbox row as GET /api/v1/outbox shows it (strings in the caller's arena). */
struct outbox_entry {
    struct outbox_msg msg;       /* what is sent */
    int64_t created_at;          /* queued, UTC seconds */
    int64_t not_before;          /* not sent before (SLA notices wait for support hours) */
    int64_t next_attempt_at;     /* the next attempt; 0: none */
    int64_t sent_at;             /* 0: not yet */
    const char *last_error;      /* of the last failed attempt; NULL: none */
};
enum outbox_state { OUTBOX_ANY, OUTBOX_PENDING, OUTBOX_SENT };
struct outbox_filter {
    int64_t ticket_id;           /* 0: any */
    const char *kind;            /* NULL: any */
    enum outbox_state state;     /* any, not yet sent, sent */
    int64_t before_id;           /* keyset, newest first; 0: the first page */
    int limit;                   /* 1..STORE_PAGE_MAX */
};
/* A page of the outbox, newest first (admins only: the caller checks the role). */
int store_outbox_list(struct store *st, const struct outbox_filter *f, struct outbox_entry **items,
                      size_t *n, int64_t *next, struct arena *a);

/* Who an inbound mail's sender is, by exact user address or the organisations' mail domains. */
struct mail_sender {
    int64_t user_id;         /* the user with this address; 0: none */
    enum role role;          /* its role; ROLE_NONE without a user */
    int64_t organization_id; /* the user's organisation, or the one whose domains hold the
                                address's domain; 0: none (staff, or unknown) */
};
int store_mail_sender(struct store *st, const char *address, struct mail_sender *out);
/*
 * Was Message-ID id seen before (received, or sent by svcdesk)? *seen says;
 * *ticket_id is its request (0: none).
 */
int store_mail_seen(struct store *st, const char *id, bool *seen, int64_t *ticket_id);
/*
 * The request of the first of ids[0..n) that svcdesk sent or received, in
 * the order given (a sent id matches by its local part whatever the domain),
 * or 0 in *ticket_id when none is known.
 */
int store_mail_thread(struct store *st, const char *const *ids, size_t n, int64_t *ticket_id);
/* The mail requester address of a request (arena), or DESK_ENOTFOUND. */
int store_mail_requester(struct store *st, int64_t ticket_id, const char **address,
                         struct arena *a);
/* Mail received from address since `since` (the per-sender rate limit). */
int store_mail_count(struct store *st, const char *address, int64_t since, int64_t *n);
/*
 * The installation's secret `name` ("reply-to": the key of signed reply
 * addresses) into key[0..len): made of random bytes at now by the first
 * caller, the same for every process afterwards. DESK_EIO when the stored
 * secret is not len bytes long.
 */
#define MAIL_KEY_REPLY_TO "reply-to"
int store_mail_key(struct store *st, const char *name, uint8_t *key, size_t len, int64_t now);

enum mail_action {
    MAIL_JOIN,   /* add a public message to ticket_id */
    MAIL_OPEN,   /* open a request for organization_id (0: held for triage) */
    MAIL_REJECT, /* record the Message-ID only, and queue the refusal when replies are allowed */
};

enum mail_outcome {
    MAIL_CREATED,   /* a request was opened for an organisation */
    MAIL_UPDATED,   /* a message joined a request */
    MAIL_TRIAGE,    /* a request without organisation was opened */
    MAIL_REJECTED,  /* nothing was recorded but the Message-ID */
    MAIL_DUPLICATE, /* the Message-ID was seen before: nothing was done */
};

/* One inbound mail and what to do with it (decided by mail/inbound.c). */
struct mail_delivery {
    enum mail_action action;        /* what to do */
    struct caller author;           /* the sender as a caller (customer, agent; CALLER_SYSTEM
                                       for a triage request) */
    int64_t ticket_id;              /* JOIN: the request; out: the request joined or opened */
    int64_t organization_id;        /* OPEN: the sender's organisation; 0: triage */
    const char *message_id;         /* the mail's Message-ID, without <> */
    const char *sender;             /* the From address (lower case); NULL: none */
    bool sender_has_account;        /* false: the address is kept as the mail requester */
    bool sender_verified;           /* the sender was verified (mail/inbound.h); OPEN: kept
                                       with the request's sender_address */
    bool auto_reply;                /* false: no automatic reply to the sender (loop protection) */
    const char *subject;            /* OPEN: 1..300 characters; REJECT: for the refusal */
    const char *body;               /* the text */
    const struct attachment *atts;  /* the files (ticket_id is filled in here) */
    size_t natts;                   /* how many */
    enum mail_outcome outcome;      /* out: what happened */
};

/*
 * Record one inbound mail in one transaction: its Message-ID, then the new
 * request or message with its attachments (and the notices they queue, none
 * to the sender without auto_reply), or the refusal. A Message-ID seen
 * before changes nothing (MAIL_DUPLICATE, ticket_id its request). A JOIN to
 * a request that has become closed (or that the author may no longer reopen)
 * fails with DESK_ECONFLICT and records nothing, so the caller may OPEN.
 */
int store_mail_deliver(struct store *st, struct mail_delivery *d, int64_t now,
                       struct store_fault *fault);

/* ---- web sessions ----------------------------------------------------------- */

/*
 * Start a session of user_id: the SHA-256 of its token, live until
 * expires_at (no cap, no address; the pages use store_credential_create).
 * Sessions that expired before now are deleted on the way.
 */
int store_session_create(struct store *st, int64_t user_id, const uint8_t hash[32], int64_t now,
                         int64_t expires_at);
/* End a live session (sign-out); DESK_EUNAUTH when it is not live. */
int store_session_end(struct store *st, const uint8_t hash[32], int64_t now);

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
/* One of a customer's contacts at the vendor (the portal's "Your contacts"). */
struct your_contact {
    const char *name, *email; /* the staff user's name and e-mail, nothing more */
    int64_t agreement_id;     /* a representative of this agreement; 0: the account executive */
    const char *kind;         /* that agreement's kind; "" for the account executive */
};

/*
 * A customer's contacts: its organisation's account executive, then the
 * representatives of its agreements (not those cancelled before signing),
 * leaving out disabled users; empty for staff.
 */
int store_your_contacts(struct store *st, const struct caller *c, struct your_contact **items,
                        size_t *n, struct arena *a);

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


/* ---- knowledge base, known errors, releases, installations ---------------- */

/*
 * Paging of this section's lists: keyset cursors (opaque strings from the
 * previous page's *next, NULL for the first page); a cursor that does not
 * parse is DESK_EBADREQ. A ranked search pages by position instead: its
 * order moves when articles change anyway.
 */
struct kb_page {
    const char *cursor; /* NULL: the first page */
    int limit;          /* 1..1000 */
};

/*
 * Knowledge-base articles. Readers see articles up to kb_visibility_for()
 * their role (anonymous callers: role ROLE_NONE); an article above it is
 * DESK_ENOTFOUND, as a missing one. Writes are for staff (the route table
 * checks it) and keep the full-text index in the same transaction.
 */
int store_article_create(struct store *st, const struct caller *c, struct kb_article *art,
                         int64_t now);
int store_article_update(struct store *st, const struct caller *c, int64_t id,
                         const struct kb_article_patch *p, int64_t now, struct kb_article *out,
                         struct arena *a);
int store_article_get(struct store *st, const struct caller *c, int64_t id, struct kb_article *out,
                      struct arena *a);
/*
 * A page of the articles the caller may read: without q->search the newest
 * first; with it those matching every term, best first (bm25 weighting title
 * over tags over body), each with a score and a snippet.
 */
int store_article_search(struct store *st, const struct caller *c, const struct kb_query *q,
                         struct kb_hit **items, size_t *n, const char **next, struct arena *a);

/*
 * The known-error log. Customers see a known error when one of its affected
 * versions is exactly (as a version) that of one of their organisation's
 * installations, and only their organisation's linked requests; others are
 * DESK_ENOTFOUND. Create links k->ticket_ids and, when ticket_id is not 0,
 * that request (DESK_ENOTFOUND when it does not exist). DESK_EINVAL with
 * fault for a request, release or version that does not fit.
 */
int store_known_error_create(struct store *st, const struct caller *c, struct known_error *k,
                             int64_t ticket_id, int64_t now, struct store_fault *fault,
                             struct arena *a);
/* Apply a PATCH (affected versions and linked requests are replaced); fills out. */
int store_known_error_update(struct store *st, const struct caller *c, int64_t id,
                             const struct known_error_patch *p, int64_t now,
                             struct known_error *out, struct store_fault *fault, struct arena *a);
/* Link request ticket_id to known error id (a request has one known error); fills out. */
int store_known_error_link(struct store *st, const struct caller *c, int64_t id, int64_t ticket_id,
                           int64_t now, struct known_error *out, struct store_fault *fault,
                           struct arena *a);
int store_known_error_get(struct store *st, const struct caller *c, int64_t id,
                          struct known_error *out, struct arena *a);
/* Newest first. */
int store_known_error_list(struct store *st, const struct caller *c, const struct kb_page *pg,
                           struct known_error **items, size_t *n, const char **next,
                           struct arena *a);

/*
 * Releases. Customers see published ones only. Create: DESK_ECONFLICT when
 * the version exists already (as a version: 5.10 is 5.10.0), DESK_EINVAL
 * for a version that is not one.
 */
int store_release_create(struct store *st, const struct caller *c, struct release *r, int64_t now,
                         struct store_fault *fault);
int store_release_get(struct store *st, const struct caller *c, int64_t id, struct release *out,
                      struct arena *a);
/* Highest version first. */
int store_release_list(struct store *st, const struct caller *c, const struct kb_page *pg,
                       struct release **items, size_t *n, const char **next, struct arena *a);
/*
 * Publish release id, in one transaction: each vendor-hosted installation on
 * an older version is set to the release's version and the update is logged
 * as an installed change; the customer contacts of each organisation with a
 * customer-hosted installation on an older version get a notice in the
 * outbox; installations at or above the version are left alone.
 * With update_at later than now the vendor-hosted updates are logged as
 * changes scheduled then (applied by store_installation_change_sweep) and
 * the notice says when; update_at at or before now: at once.
 * DESK_ECONFLICT when it was published before.
 */
int store_release_publish(struct store *st, const struct caller *c, int64_t id, int64_t now,
                          int64_t update_at, struct release *out, struct publish_result *res,
                          struct store_fault *fault, struct arena *a);

/*
 * Installations and their log of installed changes; customers see their
 * organisation's. Create: DESK_EINVAL with fault for an organisation that
 * does not exist or a version that is not one.
 */
int store_installation_create(struct store *st, const struct caller *c, struct installation *in,
                              int64_t now, struct store_fault *fault);
int store_installation_get(struct store *st, const struct caller *c, int64_t id,
                           struct installation *out, struct arena *a);
/* Oldest first; organization_id 0: every one the caller may see. */
int store_installation_list(struct store *st, const struct caller *c, int64_t organization_id,
                            const struct kb_page *pg, struct installation **items, size_t *n,
                            const char **next, struct arena *a);
/*
 * Log change ch (installation_id, what, at, documentation) by the caller;
 * with new_version (not NULL) the change brings that version. Its status
 * (change_status_new): proposed (the customer contacts are mailed, nothing
 * changes until approved), scheduled (at later than now: the sweep applies
 * it), else installed at once (the installation now runs new_version and
 * the change records from_version). ch is set as stored.
 */
int store_installation_change_add(struct store *st, const struct caller *c,
                                  struct installation_change *ch, const char *new_version,
                                  bool proposed, int64_t now, struct store_fault *fault,
                                  struct arena *a);
/*
 * A customer approves (act CA_APPROVE) or declines (CA_DECLINE, with reason) proposed
 * change id of its organisation: who and when are recorded (and audited); approved and
 * not dated later, it is applied at once. Another organisation's change is DESK_ENOTFOUND,
 * staff DESK_EDENIED, a change no longer proposed DESK_ECONFLICT (fault status).
 */
int store_installation_change_decide(struct store *st, const struct caller *c, int64_t id,
                                     enum change_action act, const char *reason, int64_t now,
                                     struct installation_change *out, struct store_fault *fault,
                                     struct arena *a);
/*
 * Apply the approved and scheduled changes due at now, each once (a guarded move, safe with
 * several servers); a release's update tells the contacts it was installed. *applied: how many.
 */
int store_installation_change_sweep(struct store *st, int64_t now, int *applied);
/* The proposed changes of a customer's organisation, soonest first, with their installations'
   names (arena); staff: none. */
int store_installation_changes_proposed(struct store *st, const struct caller *c,
                                        struct installation_change **items,
                                        const char ***installation_names, size_t *n,
                                        struct arena *a);
/* The log of an installation, oldest first; DESK_ENOTFOUND when the caller may not see it. */
int store_installation_changes(struct store *st, const struct caller *c, int64_t installation_id,
                               const struct kb_page *pg, struct installation_change **items,
                               size_t *n, const char **next, struct arena *a);
/* ---- hot-fix files of releases (releases.c) ---- */

/*
 * Store hot-fix file f (release_id, filename, content_type, size, data) of a release; f->id
 * and f->sha256 are set. A name the release has already is DESK_ECONFLICT (fault filename).
 */
int store_release_file_add(struct store *st, const struct caller *c, struct release_file *f,
                           int64_t now, struct store_fault *fault);
/*
 * The files of release_id (without bytes); a customer sees those of published releases
 * (else DESK_ENOTFOUND), *entitled says whether the caller may download them at now.
 */
int store_release_file_list(struct store *st, const struct caller *c, int64_t release_id,
                            int64_t now, struct release_file **items, size_t *n, bool *entitled,
                            struct arena *a);
/*
 * One file with its bytes: DESK_ENOTFOUND as for its release; DESK_EDENIED for a customer
 * whose organisation has no active maintenance agreement at now.
 */
int store_release_file_get(struct store *st, const struct caller *c, int64_t id, int64_t now,
                           struct release_file *f, struct arena *a);

/* ---- monitoring alerts (alerts.c) ---------------------------------------- */

/*
 * Fold alert in (organization_id, fingerprint, summary, severity: one of
 * alert_severity_names, status) posted by caller c at now into its
 * fingerprint's request, as alert_decide says: *out is the alert after it
 * (count, first and last seen, its request's id, status and severity) and
 * *opened says whether it opened a new request (channel monitoring, type
 * error, severity mapped, the summary its subject) through the path of
 * store_ticket_create. A resolved alert adds an internal note to an open
 * request and never changes its status. DESK_ENOTFOUND (fault
 * organization_id) for an organisation that does not exist or, for a
 * customer, is not its own; DESK_ENOTFOUND (fault fingerprint) for a
 * resolved alert that nothing fired before.
 */
int store_alert_post(struct store *st, const struct caller *c, const struct alert *in,
                     int64_t now, struct alert *out, bool *opened, struct store_fault *fault,
                     struct arena *a);
/* A page of alerts in id order (organization_id 0: all the caller may see). */
int store_alert_list(struct store *st, const struct caller *c, int64_t organization_id,
                     struct store_page *pg, struct alert **items, size_t *n, struct arena *a);

/* The alert that opened request ticket_id; DESK_ENOTFOUND when none did (or c may not see it). */
int store_alert_of_ticket(struct store *st, const struct caller *c, int64_t ticket_id,
                          struct alert *out, struct arena *a);

/* ---- live chat (chats.c; domain/chat.h) ---------------------------------- */

/*
 * Open a chat for customer c: a request of channel chat (subject, body: its opening line, by
 * the path of every request) and a waiting chat on it, with its audit row. Only a customer
 * opens one (DESK_EDENIED); whether the organisation has live chat is the caller's check
 * (store_feature_runs). *out is the chat as stored.
 */
int store_chat_open(struct store *st, const struct caller *c, const char *subject,
                    const char *body, int64_t now, struct chat *out, struct store_fault *fault,
                    struct arena *a);
/* Chat id as c may see it (a customer: its organisation's; else DESK_ENOTFOUND). */
int store_chat_get(struct store *st, const struct caller *c, int64_t id, struct chat *out,
                   struct arena *a);
/* A page of the chats c may see in status (-1: any), oldest first. */
int store_chat_list(struct store *st, const struct caller *c, int status, struct store_page *pg,
                    struct chat **items, size_t *n, struct arena *a);
/*
 * Do act on chat id as c (chat_decide): a line (body; *msg is the message as stored, may be
 * NULL for other acts) on its request, an agent's accept (the request is assigned to them
 * when it has no assignee) or a close. *out is the chat after. DESK_ENOTFOUND for a chat c
 * may not see, DESK_ECONFLICT (fault "id") for an act its status refuses.
 */
int store_chat_act(struct store *st, const struct caller *c, int64_t id, enum chat_act act,
                   const char *body, int64_t now, struct chat *out, struct message *msg,
                   struct store_fault *fault, struct arena *a);
/* The public messages of chat id's request, oldest first (its transcript after the opening). */
int store_chat_messages(struct store *st, const struct caller *c, int64_t id,
                        struct message **items, size_t *n, struct arena *a);
/* Close every open chat whose last line is idle_secs old at now, as the system; *closed counts. */
int store_chat_idle_sweep(struct store *st, int64_t now, int64_t idle_secs, int *closed);

/* ---- remote access and maintenance windows (maintenance.c) ---------------- */

/*
 * Remote access to installations: staff only. For a customer (or anyone
 * below agent) every call answers DESK_ENOTFOUND, as for a missing record,
 * so a customer never learns whether one exists. Secrets come and go
 * sealed (core/crypto.h); the store never sees them in the clear.
 */
/* Record ra (installation_id, method, host, username, notes, sealed); ra->id etc. are set. */
int store_remote_access_create(struct store *st, const struct caller *c, struct remote_access *ra,
                               int64_t now, struct store_fault *fault);
/* The records of an installation, oldest first, without their secrets (sealed NULL). */
int store_remote_access_list(struct store *st, const struct caller *c, int64_t installation_id,
                             struct remote_access **items, size_t *n, struct arena *a);
/*
 * Record id with its sealed secret (arena). When the record has a secret,
 * the read is written to the audit trail (read_secret: who, which, when) in
 * the same transaction, before the secret is returned.
 */
int store_remote_access_get(struct store *st, const struct caller *c, int64_t id, int64_t now,
                            struct remote_access *out, struct arena *a);
/* Apply p to record id; out is the record after (without its secret). */
int store_remote_access_update(struct store *st, const struct caller *c, int64_t id,
                               const struct remote_access_patch *p, int64_t now,
                               struct remote_access *out, struct store_fault *fault,
                               struct arena *a);
/* Delete record id (audited). */
int store_remote_access_delete(struct store *st, const struct caller *c, int64_t id, int64_t now);
/* How many records hold a secret (a missing key file is only made anew when none does). */
int store_remote_access_sealed_count(struct store *st, int64_t *n);

/*
 * Maintenance windows of vendor-hosted installations. Customers read their
 * organisation's (another's id: DESK_ENOTFOUND); staff write. Each write
 * queues, in its transaction, the notices that are due by then
 * (domain/maintenance.h), each once, to the organisation's customer
 * contacts; store_maintenance_sweep queues those that fall due with time.
 */
/*
 * Record w (organization_id and/or installation_id, times, texts). The
 * installation must be vendor-hosted (DESK_EINVAL naming installation_id),
 * an organisation must have one (organization_id).
 */
int store_maintenance_create(struct store *st, const struct caller *c,
                             struct maintenance_window *w, const struct maintenance_leads *l,
                             int64_t now, struct store_fault *fault, struct arena *a);
int store_maintenance_get(struct store *st, const struct caller *c, int64_t id,
                          struct maintenance_window *out, struct arena *a);
/* Windows newest first (organization_id 0: every one the caller may see). */
int store_maintenance_list(struct store *st, const struct caller *c, int64_t organization_id,
                           const struct kb_page *pg, struct maintenance_window **items, size_t *n,
                           const char **next, struct arena *a);
/*
 * Apply p to window id. A completed window is DESK_ECONFLICT. When its
 * times change after it was announced, an updated notice is queued and the
 * reminder is due again.
 */
int store_maintenance_update(struct store *st, const struct caller *c, int64_t id,
                             const struct maintenance_patch *p, const struct maintenance_leads *l,
                             int64_t now, struct maintenance_window *out,
                             struct store_fault *fault, struct arena *a);
/* Mark window id completed (DESK_ECONFLICT when it is already); the all-clear is queued. */
int store_maintenance_complete(struct store *st, const struct caller *c, int64_t id,
                               const struct maintenance_leads *l, int64_t now,
                               struct maintenance_window *out, struct arena *a);
/* Queue every notice due at now; *queued counts the mails queued. */
int store_maintenance_sweep(struct store *st, const struct maintenance_leads *l, int64_t now,
                            int *queued);

/* ---- yearly requirements and lapse notices (requirements.c) ---------------- */

/*
 * The requirements of one year of an enhanced agreement: an internal task
 * (title, assignee, opened_at: staff only) completed by recording scope,
 * assumptions, schedule and roles (NULL until recorded).
 */
struct requirements {
    int64_t id;                 /* 0 until stored */
    int64_t agreement_id;       /* the agreement */
    int64_t year_start;         /* first day of the agreement year (an anniversary) */
    int64_t year_end;           /* its last day */
    const char *title;          /* "Requirements for 2027" */
    int64_t assignee_id;        /* the representative when opened; 0: unassigned */
    int64_t opened_at;          /* UTC seconds */
    const char *scope;          /* texts, NULL until recorded */
    const char *assumptions;
    const char *schedule;
    const char *roles;
    int64_t rasci_matrix_id;    /* 0: none */
    int64_t completed_at;       /* requirements_completed_at; 0: open */
    int64_t completed_by;       /* user id; 0: open */
};

/*
 * The years of agreement_id with a task or recorded requirements, oldest
 * first; a customer (own organisation only, else DESK_ENOTFOUND) sees the
 * recorded ones only.
 */
int store_requirements_list(struct store *st, const struct caller *c, int64_t agreement_id,
                            struct requirements **items, size_t *n, struct arena *a);
/*
 * Record the requirements of the year of agreement_id from in->year_start
 * (scope, assumptions, schedule, roles, rasci_matrix_id), opening its task
 * when there is none; the first recording completes it (completed_at stays).
 * DESK_ECONFLICT unless a signed enhanced agreement; DESK_EINVAL (fault)
 * for a year_start that is no year's first day in the term or an unknown
 * matrix.
 */
int store_requirements_record(struct store *st, const struct caller *c, int64_t agreement_id,
                              const struct requirements *in, int64_t now,
                              struct requirements *out, struct store_fault *fault,
                              struct arena *a);
/* Open the requirements tasks due at now (lead_days ahead), each once; *opened counts them. */
int store_requirements_sweep(struct store *st, int64_t lead_days, int64_t now, int *opened);
/*
 * Queue the lapse notices due at now (domain/requirements.h) to the
 * customer contacts and the representative, once per agreement, year and
 * threshold; nothing is sent when no hours remain. *queued counts mails.
 */
int store_lapse_sweep(struct store *st, const struct lapse_days *l, int64_t now, int *queued);

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

/* ---- events (GET /api/v1/events) ------------------------------------------------ */

/* One change a caller may see: an audit row of a request or of a message on one. */
struct store_event {
    int64_t id;          /* the audit row: monotonic, the stream's event id */
    const char *entity;  /* "ticket", "message" or "chat" (a live chat accepted, closed) */
    const char *action;  /* create, update, escalate, close, sla_warning, sla_breach */
    int64_t ticket_id;   /* the request */
    const char *channel; /* the request's channel ("chat": a live chat) */
    int64_t message_id;  /* a message's id; 0 for a request's change */
    bool staff;          /* the message was written by staff */
    bool internal;       /* an internal note (never for a customer) */
};

/* The newest audit id (0: none yet). */
int store_events_head(struct store *st, int64_t *head);
/*
 * Up to max events after id `after` that c may see (customers: their
 * organisation's requests, never internal notes), oldest first. *seen is
 * the id up to which the trail was read: the next read starts there (it
 * may pass rows c may not see; at most a few thousand rows are read).
 */
int store_events_after(struct store *st, const struct caller *c, int64_t after, size_t max,
                       struct store_event **items, size_t *n, int64_t *seen, struct arena *a);

#endif
