/*
 * ticket.h - the rules of a support request (SPEC 2.1, 5): its enumerations,
 * the defaults of a new request, and the status machine. Pure: no I/O.
 */
#ifndef DOMAIN_TICKET_H
#define DOMAIN_TICKET_H

#include "core/compat.h"
#include "domain/user.h"

enum ticket_status {
    TS_NEW,
    TS_IN_PROGRESS,
    TS_WAITING_CUSTOMER,
    TS_RESOLVED,
    TS_CLOSED,
};
#define TS_COUNT 5

enum severity { SEV_A, SEV_B, SEV_C, SEV_D };
#define SEV_COUNT 4

enum ticket_type { TT_ERROR, TT_ASSISTANCE, TT_ENHANCEMENT, TT_SERVICE };

enum channel { CH_PORTAL, CH_EMAIL, CH_PHONE, CH_CHAT, CH_API, CH_MONITORING };

#define REOPEN_WINDOW_SECS (14 * 86400) /* resolved requests reopen within 14 days */

/* Names as in the API ("waiting_customer", "B", "enhancement", "phone"). */
const char *ticket_status_name(enum ticket_status s);
/* The statuses as staff read them, in enum order, NULL-terminated: "New", "In progress",
   "Waiting for customer", "Resolved", "Closed". */
extern const char *const ticket_status_labels[];
/* The status in words for the customer's mail: "In progress", "Waiting for your reply". */
const char *ticket_status_words(enum ticket_status s);
const char *severity_name(enum severity s);
const char *ticket_type_name(enum ticket_type t);
const char *channel_name(enum channel c);
/* Parse a name; 0 or DESK_EINVAL. */
int ticket_status_parse(const char *s, enum ticket_status *out);
int severity_parse(const char *s, enum severity *out);
int ticket_type_parse(const char *s, enum ticket_type *out);
int channel_parse(const char *s, enum channel *out);
/* NULL-terminated name lists, for validation messages and the OpenAPI document. */
extern const char *const ticket_status_names[];
extern const char *const severity_names[];
extern const char *const ticket_type_names[];
extern const char *const channel_names[];

/* The first status on the shortest way of moves from `from` to `to` (staff moves); `to` when
   they are one move apart, `from` when there is no way (out of closed). */
enum ticket_status ticket_next_toward(enum ticket_status from, enum ticket_status to);

/* The severity of a request that names none: D for assistance, C otherwise. */
enum severity ticket_default_severity(enum ticket_type t);

/*
 * May `role` move a request from `from` to `to` at `now`? (resolved_at: when
 * it was last resolved, for the reopen window.) Returns 0, DESK_ECONFLICT
 * for a move outside the graph (closed is final; a reopen after the window),
 * or DESK_EDENIED for a move in the graph that customers may not make
 * (they may reopen, close a resolved request, and resume a waiting one).
 * from == to is allowed (a no-op).
 */
int ticket_move_check(enum role role, enum ticket_status from, enum ticket_status to,
                      int64_t resolved_at, int64_t now);

struct calendar;

struct sla_targets {
    int64_t response;   /* working seconds; 0: no target */
    int64_t update;     /* working seconds; 0: no target */
    int64_t resolution; /* working seconds; 0: no target */
    int warn_permille;  /* warning threshold, 1..1000 */
};

struct status_change {
    int64_t at;                /* UTC seconds */
    enum ticket_status status; /* status from `at` on */
};

struct ticket {
    int64_t id;                    /* 0 until stored */
    int64_t organization_id;       /* 0: held for triage */
    int64_t requester_id;          /* 0: none */
    int64_t assignee_id;           /* 0: unassigned */
    int64_t agreement_id;          /* the entitling maintenance agreement; 0: not entitled */
    enum channel channel;          /* how it came in */
    enum ticket_type type;         /* error, assistance, ... */
    enum severity severity;        /* A..D */
    enum ticket_status status;     /* where it stands */
    const char *subject;           /* 1..300 characters */
    const char *body;              /* at most 256 KiB */
    int64_t received_at;           /* UTC seconds */
    int64_t handling_initiated_at; /* 0: not yet */
    int64_t last_staff_reply_at;   /* 0: none */
    int64_t resolved_at;           /* 0: never resolved */
    int64_t created_at;            /* UTC seconds */
    int64_t updated_at;            /* UTC seconds */
    bool billable;                 /* invoiced on top of agreements */
    int64_t merged_into_id;        /* 0, or the request this one was merged into */
    int escalation_level;          /* raised by breaches and customer escalations */
    bool priority;                 /* the customer has the priority_line extra */
    const char *root_cause;        /* NULL: none recorded */
    int64_t release_id;            /* the release that fixes it; 0: none */
    const char *sender_address;    /* the From of the mail that opened it; NULL: not by mail */
    bool sender_verified;          /* that sender was verified (docs/mail.md); false: claimed */
    /* inputs of the SLA clocks (domain/ticket_sla.h), filled by the store */
    const struct calendar *cal;      /* effective calendar; NULL: no clocks (not entitled) */
    struct sla_targets targets;      /* of its level under its policy */
    const struct status_change *log; /* status history, ascending; log[0] is (received_at, new) */
    size_t nlog;                     /* entries in log */
};

struct message {
    int64_t id;          /* 0 until stored */
    int64_t ticket_id;   /* the request */
    int64_t author_id;   /* 0: the system or an unknown mail sender */
    const char *author_name; /* for display; "" when none */
    bool staff;          /* written by an agent or admin */
    bool internal;       /* a note customers never see */
    const char *body;    /* text */
    int64_t created_at;  /* UTC seconds */
};

struct attachment {
    int64_t id;               /* 0 until stored */
    int64_t ticket_id;        /* the request */
    const char *filename;     /* as uploaded, 1..255 characters */
    const char *content_type; /* as uploaded */
    int64_t size;             /* bytes */
    const void *data;         /* the bytes (only when fetched) */
    int64_t uploaded_by;      /* user id */
    int64_t created_at;       /* UTC seconds */
    int64_t message_id;       /* the message it came with; 0: the request's own */
    const char *preview;      /* a text file's first bytes (lists only); NULL: none */
    size_t preview_len;       /* bytes in preview (at most ATTACHMENT_PREVIEW_BYTES) */
};
#define ATTACHMENT_PREVIEW_BYTES 2048 /* of a text file, shown in the request page */

/* Changes a PATCH asks for; has_* says which fields are present. */
struct ticket_patch {
    bool has_status, has_severity, has_assignee, has_billable, has_root_cause, has_release;
    enum ticket_status status;
    enum severity severity;
    int64_t assignee_id;    /* 0: unassign */
    bool billable;
    const char *root_cause; /* NULL or "": clear it */
    int64_t release_id;     /* 0: unlink */
};

/*
 * What a public reply does to a request's status: a customer's reply to a
 * waiting request resumes it, to a resolved one inside the reopen window
 * reopens it. Stores the new status in *to. Returns 0, or DESK_ECONFLICT
 * for a closed request (and for a customer's reply to a resolved request
 * after the window).
 */
int ticket_reply_effect(enum role role, bool internal, enum ticket_status from,
                        int64_t resolved_at, int64_t now, enum ticket_status *to);

/* Does the resolution clock run in this status? (new, in_progress) */
bool ticket_status_running(enum ticket_status s);
/* Is the request finished for the clocks? (resolved, closed) */
bool ticket_status_stopped(enum ticket_status s);

/*
 * The decisions of a change to a request, made on the request as read (the store reads
 * and writes; these say what changes). Each works on t in memory and returns 0 or the
 * desk_err to answer.
 */

/* Move t to status to: handling starts when staff take it in progress; resolving is dated. */
void ticket_move(struct ticket *t, enum role role, enum ticket_status to, int64_t now);
/*
 * A status change asked for by role: a closed request changes no more (DESK_ECONFLICT, also
 * for a patch without a status), else ticket_move_check's answer; moves t when allowed.
 */
int ticket_status_change(struct ticket *t, enum role role, bool has_status,
                         enum ticket_status to, int64_t now);
/*
 * A message by role (internal: a note) on t: the status moves as ticket_reply_effect says,
 * and a public staff reply initiates handling and restarts the update clock.
 */
int ticket_reply(struct ticket *t, enum role role, bool internal, int64_t now);
/* An escalation: one level up; DESK_ECONFLICT for a resolved or closed request. */
int ticket_escalate(struct ticket *t);

#endif
