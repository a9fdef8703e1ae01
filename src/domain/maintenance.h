/*
 * maintenance.h - maintenance windows of vendor-hosted installations and
 * the notices they send, and the records of remote access to customers'
 * installations (issue 16). Pure: no I/O, no clock; times are UTC seconds.
 *
 * A window sends at most three notices, each queued once (the store sets
 * the matching *_at when it queues one, in the same transaction):
 *   announce   lead seconds before it starts (at once when created later);
 *   reminder   remind seconds before it starts, unless the announcement
 *              went out at or after that instant (it would say the same);
 *   all-clear  when it ends, or when staff mark it completed.
 * A reschedule of an announced window sends an "updated" notice at once
 * and makes the reminder due again for the new start.
 */
#ifndef DOMAIN_MAINTENANCE_H
#define DOMAIN_MAINTENANCE_H

#include "core/compat.h"
#include "core/strbuf.h"

#define MAINTENANCE_SUMMARY_MAX 200    /* characters */
#define MAINTENANCE_DETAILS_MAX 20000  /* characters */
#define REMOTE_HOST_MAX 255            /* characters */
#define REMOTE_USERNAME_MAX 200        /* characters */
#define REMOTE_NOTES_MAX 4000          /* characters */
#define REMOTE_SECRET_MAX 16384        /* bytes of a password or a private key */

enum maintenance_status {
    MAINTENANCE_SCHEDULED, /* planned or running */
    MAINTENANCE_COMPLETED, /* marked done by staff */
};

/* What the notices of a window depend on. */
struct maintenance_times {
    int64_t starts_at;    /* the downtime starts */
    int64_t ends_at;      /* and ends (> starts_at) */
    bool completed;       /* staff marked it done */
    int64_t announced_at; /* when the announcement was queued; 0: not yet */
    int64_t reminded_at;  /* when the reminder was queued; 0: not yet */
    int64_t cleared_at;   /* when the all-clear was queued; 0: not yet */
};

enum maintenance_notice {
    MAINTENANCE_NOTICE_NONE,
    MAINTENANCE_NOTICE_ANNOUNCE,  /* the downtime is coming */
    MAINTENANCE_NOTICE_REMINDER,  /* it is coming soon */
    MAINTENANCE_NOTICE_UPDATED,   /* its times changed (queued by the reschedule itself) */
    MAINTENANCE_NOTICE_ALL_CLEAR, /* it is over */
};

/*
 * The notice of window w due at now, with lead and remind seconds before
 * the start (the settings maintenance-announce-hours and
 * maintenance-reminder-hours), or MAINTENANCE_NOTICE_NONE. Never UPDATED.
 */
enum maintenance_notice maintenance_notice_due(const struct maintenance_times *w, int64_t lead,
                                               int64_t remind, int64_t now);

/* What a notice tells. */
struct maintenance_text {
    const char *summary;   /* of the window */
    const char *details;   /* may be "" */
    const char *where;     /* "installation 'X'" or "your vendor-hosted installations" */
    int64_t starts_at;     /* the times */
    int64_t ends_at;
};
/* The subject (into subject) and text (into body) of notice n. */
void maintenance_notice_render(enum maintenance_notice n, const struct maintenance_text *t,
                               struct strbuf *subject, struct strbuf *body);
/* "announce", "reminder", "updated", "all_clear" (the outbox kind's suffix). */
const char *maintenance_notice_name(enum maintenance_notice n);

/* Silent: an all-clear of a window never announced is marked sent but not mailed. */
bool maintenance_notice_silent(const struct maintenance_times *w, enum maintenance_notice n);

/* A maintenance window. */
struct maintenance_window {
    int64_t id;                     /* 0 until stored */
    int64_t organization_id;        /* the customer told */
    int64_t installation_id;        /* the one installation; 0: all its vendor-hosted ones */
    const char *installation_name;  /* read back; NULL for a whole organisation */
    struct maintenance_times t;     /* times and the notices queued */
    const char *summary;            /* one line, 1..MAINTENANCE_SUMMARY_MAX characters */
    const char *details;            /* text, "" for none */
    enum maintenance_status status; /* scheduled or completed */
    int64_t completed_at;           /* 0 until completed */
    int64_t created_by;             /* user id; 0: unknown */
    int64_t created_at, updated_at; /* UTC seconds */
};

/* A PATCH of a window: only the has_* fields change. */
struct maintenance_patch {
    bool has_starts_at, has_ends_at, has_summary, has_details;
    int64_t starts_at, ends_at;    /* new times */
    const char *summary, *details; /* new texts */
};

/* Notice leads, seconds before a window starts. */
struct maintenance_leads {
    int64_t announce; /* maintenance-announce-hours */
    int64_t remind;   /* maintenance-reminder-hours; 0: none */
};

struct conf;
/* The leads of the settings (hours to seconds); the defaults for a NULL c. */
struct maintenance_leads maintenance_leads_of(const struct conf *c);

/* A way in to an installation; the secret stays sealed (core/crypto.h) outside the handler. */
struct remote_access {
    int64_t id;              /* 0 until stored */
    int64_t installation_id; /* the installation */
    const char *method;      /* one of remote_method_names */
    const char *host;        /* "" for none */
    const char *username;    /* "" for none */
    const char *notes;       /* "" for none */
    bool has_secret;         /* a secret is stored */
    const uint8_t *sealed;   /* nonce || box when read with its secret, else NULL */
    size_t sealed_len;       /* bytes of sealed */
    int64_t created_by;      /* user id */
    int64_t created_at, updated_at; /* UTC seconds */
};

/* A PATCH of a remote-access record: only the has_* fields change. */
struct remote_access_patch {
    bool has_method, has_host, has_username, has_notes, has_secret;
    const char *method, *host, *username, *notes; /* new values */
    const uint8_t *sealed;                        /* new sealed secret; NULL removes it */
    size_t sealed_len;
};

extern const char *const maintenance_status_names[]; /* scheduled, completed */
const char *maintenance_status_name(enum maintenance_status s);

/* The ways in to an installation, NULL-terminated: vpn, ssh, rdp, teamviewer, other. */
extern const char *const remote_method_names[];

#endif
