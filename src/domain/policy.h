/*
 * policy.h - SLA policies (SPEC 2.2 and 5): per level a response, update
 * and resolution target in working seconds, a warning threshold, a
 * calendar and the contacts to escalate to.
 *
 * Levels are the severities A-D and "enhancement". A new policy starts
 * from the defaults of SPEC 2.1: response A 4, B 8, C 16, D 16 working
 * hours, no update or resolution target, no enhancement level (enhancement
 * requests then have no clock), a warning at 0.75 of a target. Targets are
 * given in decimal hours and kept as whole seconds, rounded half up; each
 * must be more than 0. Pure: no I/O.
 */
#ifndef DOMAIN_POLICY_H
#define DOMAIN_POLICY_H

#include "core/compat.h"
#include <jansson.h>

struct strbuf;

enum policy_level { LEVEL_A, LEVEL_B, LEVEL_C, LEVEL_D, LEVEL_ENHANCEMENT };
#define POLICY_LEVELS 5

enum policy_target_kind { TARGET_RESPONSE, TARGET_UPDATE, TARGET_RESOLUTION };
#define POLICY_TARGETS 3

#define POLICY_NAME_MAX 200       /* characters of a name */
#define POLICY_WARN_DEFAULT 750   /* warn_at 0.75, in permille */
#define POLICY_MAX_ESCALATION 100 /* escalation e-mail addresses */

/* "A", "B", "C", "D", "enhancement", then NULL. */
extern const char *const policy_level_names[];
/* "response_hours", "update_hours", "resolution_hours", then NULL. */
extern const char *const policy_target_names[];

struct policy_target {
    bool set;                     /* the level has targets (A-D always) */
    int64_t secs[POLICY_TARGETS]; /* working seconds by enum policy_target_kind; 0: none */
};

struct sla_policy {
    int64_t id;                                 /* 0 until stored */
    const char *name;                           /* unique in any case */
    int64_t calendar_id;                        /* its calendar */
    int warn_permille;                          /* warning threshold, 1..1000 */
    const char *const *escalation_emails;       /* who hears of a breach */
    size_t escalation_nr;                       /* entries in escalation_emails */
    struct policy_target target[POLICY_LEVELS]; /* by enum policy_level */
    int64_t created_at, updated_at;             /* UTC seconds */
};

/* What a change of a policy (PATCH) gives: NULL, 0 and false leave a field alone. */
struct sla_policy_patch {
    const char *name;                           /* new name */
    int64_t calendar_id;                        /* new calendar */
    int warn_permille;                          /* new threshold */
    const char *const *escalation_emails;       /* new list (may be empty, not NULL) */
    size_t escalation_nr;                       /* entries in escalation_emails */
    struct policy_target target[POLICY_LEVELS]; /* new targets of the levels given */
    bool given[POLICY_LEVELS];                  /* which levels target[] replaces */
};

/* Fill the targets and warning threshold of p with the defaults (other fields untouched). */
void policy_defaults(struct sla_policy *p);

/*
 * The support hours and severity policy of the vendor's documents, which
 * `svcdesk init` creates as an editable default: the calendar's name and
 * JSON (Mon-Thu 08:00-16:00, Fri 08:00-14:30, Europe/Copenhagen, no
 * holidays) and the policy's name (its targets are policy_defaults').
 */
#define POLICY_DEFAULT_CALENDAR_NAME "Support hours"
#define POLICY_DEFAULT_NAME "Severity levels A-D"
extern const char policy_default_calendar_json[];

/*
 * Decimal working hours to seconds, rounded half up. Returns 0, or
 * DESK_EINVAL with *why set when hours is not finite, not more than 0,
 * rounds to 0 seconds, or exceeds what the SLA clock takes.
 */
int policy_hours_to_secs(double hours, int64_t *secs, const char **why);

/*
 * warn_at (a fraction in (0, 1]) to permille, rounded half up. Returns 0,
 * or DESK_EINVAL with *why set when it is out of range or rounds to 0.
 */
int policy_warn_permille(double warn_at, int *permille, const char **why);

/*
 * Apply the "targets" object of a request to target[] (which holds the
 * defaults or the current targets): each level given (not null) replaces
 * that level and is marked in given[] (when non-NULL); in it a target left
 * out or null is none, except the response target of A-D, which takes the
 * level's default. Returns 0, or DESK_EINVAL with one message in err that
 * starts with the JSON path at fault, e.g.
 * "targets.A.respons_hours: unknown target (...)".
 */
int policy_targets_from_json(const json_t *targets, struct policy_target target[POLICY_LEVELS],
                             bool given[POLICY_LEVELS], struct strbuf *err);

/*
 * Apply patch to p (strings are shared, not copied). Returns true when a
 * due time may move: the calendar or a target changed.
 */
bool sla_policy_apply(struct sla_policy *p, const struct sla_policy_patch *patch);

/*
 * The API form {"id","name","calendar_id","warn_at","targets":{"A":{...},
 * ..., "enhancement": {...} or null},"escalation_emails"}, hours as
 * numbers (integers when whole), absent targets null: a new reference.
 */
json_t *sla_policy_to_json(const struct sla_policy *p);

#endif
