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

/* Does the resolution clock run in this status? (new, in_progress) */
bool ticket_status_running(enum ticket_status s);
/* Is the request finished for the clocks? (resolved, closed) */
bool ticket_status_stopped(enum ticket_status s);

#endif
