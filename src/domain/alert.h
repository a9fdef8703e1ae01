/*
 * alert.h - alerts from a monitoring system (issue 16, solution monitoring):
 * their statuses, their limits, how a monitoring severity maps onto the desk's
 * A-D, and what an incoming alert does to the request it belongs to. Pure: no I/O.
 *
 * Alerts of one fingerprint in one organisation fold into one open request: the
 * first firing one opens it (channel monitoring), later ones count. A resolved
 * alert adds an internal note and leaves the request open (an agent decides);
 * once the request is resolved or closed, the next firing alert opens a new one.
 */
#ifndef DOMAIN_ALERT_H
#define DOMAIN_ALERT_H

#include "core/compat.h"
#include "domain/ticket.h"

#define ALERT_FINGERPRINT_MAX 200 /* characters of a fingerprint */
#define ALERT_SUMMARY_MAX 300     /* characters of a summary: the request's subject */

enum alert_status { ALERT_FIRING, ALERT_RESOLVED };

/* NULL-terminated names: the statuses, and the severities alert_severity_map takes. */
extern const char *const alert_status_names[];
extern const char *const alert_severity_names[];

const char *alert_status_name(enum alert_status s);
/* Parse a status name; 0 or DESK_EINVAL. */
int alert_status_parse(const char *s, enum alert_status *out);

/*
 * The desk severity of monitoring severity s (exact, lower case, as in
 * alert_severity_names): critical A, major B, minor C, warning and info D,
 * and A-D as they are. 0, or DESK_EINVAL for any other s (NULL included).
 */
int alert_severity_map(const char *s, enum severity *out);

/* What an incoming alert does (alert_decide). */
enum alert_action {
    ALERT_OPEN_REQUEST, /* a new request with a new alert of count 1 */
    ALERT_FOLD,         /* count and last seen of the current alert */
    ALERT_FOLD_NOTE,    /* ALERT_FOLD, and an internal note that it resolved */
    ALERT_NONE,         /* a resolved alert that nothing fired before: nothing to fold into */
};

/*
 * The action of an alert of status in for its fingerprint, whose current alert
 * (has_current: there is one) has status was and a request that is still open
 * (request_open: not resolved or closed).
 */
enum alert_action alert_decide(bool has_current, bool request_open, enum alert_status was,
                               enum alert_status in);

/* A fingerprint's alerts folded into one request. */
struct alert {
    int64_t id;                   /* 0 until stored */
    int64_t organization_id;      /* whose solution */
    const char *fingerprint;      /* 1..ALERT_FINGERPRINT_MAX characters, one line */
    const char *summary;          /* of the first alert: the request's subject */
    const char *severity;         /* the latest alert's, as the monitoring system sent it */
    enum alert_status status;     /* the latest alert's */
    int64_t count;                /* alerts folded in, the first included */
    int64_t first_seen_at;        /* UTC seconds */
    int64_t last_seen_at;         /* UTC seconds */
    int64_t resolved_at;          /* when it last resolved; 0: never */
    int64_t ticket_id;            /* the request it folds into */
    enum ticket_status ticket_status; /* that request's, as read */
    enum severity ticket_severity;    /* that request's, as read */
};

#endif
