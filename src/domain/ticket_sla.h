/*
 * ticket_sla.h - the SLA clocks of one request, derived from its status
 * history (SPEC 2.2 and 5). Pure: no I/O, no allocation; any thread.
 *
 * Three clocks, each counted in working seconds of the effective calendar:
 *   response    from received_at until handling is initiated; never pauses.
 *   resolution  from received_at; runs in new and in_progress, pauses in
 *               waiting_customer, stops in resolved and closed; a reopen
 *               resumes it (it adds up, it does not restart).
 *   update      from the last public staff reply; runs and pauses like the
 *               resolution clock; restarts at each staff reply.
 * A clock has a state: none (no target), running, warning (at warn_permille
 * of the target), breached (now past due, not finished), paused, met or
 * missed (finished at or before / after due). While paused, the due time is
 * projected as if work resumed now.
 */
#ifndef DOMAIN_TICKET_SLA_H
#define DOMAIN_TICKET_SLA_H

#include "core/compat.h"
#include "domain/ticket.h"

enum sla_state {
    SLA_NONE,
    SLA_RUNNING,
    SLA_WARNING,
    SLA_BREACHED,
    SLA_PAUSED,
    SLA_MET,
    SLA_MISSED,
};

enum clock_kind { CLOCK_RESPONSE, CLOCK_UPDATE, CLOCK_RESOLUTION };
#define CLOCK_COUNT 3

struct clock_result {
    enum sla_state state; /* see above */
    int64_t due_at;       /* 0: none */
    int64_t working_secs; /* counted up to now (or the clock's end) */
};

struct ticket_clocks {
    struct clock_result clock[CLOCK_COUNT]; /* indexed by enum clock_kind */
    int64_t sort_due_at; /* the next pending due for the queue; 0 when paused or none */
};

enum segment_mode { SEG_RUNNING, SEG_PAUSED, SEG_STOPPED };

struct clock_segment {
    int64_t from, to;          /* [from, to), UTC */
    enum ticket_status status; /* the request's status then */
    enum segment_mode mode;    /* what the clock did */
    int64_t working_secs;      /* working seconds counted in it */
};

const char *sla_state_name(enum sla_state s);
const char *clock_kind_name(enum clock_kind k);
const char *segment_mode_name(enum segment_mode m);

/*
 * Compute the three clocks at `now`. Returns 0, or DESK_EINVAL when a time
 * lies outside the calendar's years (the clocks then read none).
 */
int ticket_clocks_compute(const struct ticket *in, int64_t now,
                          struct ticket_clocks *out);

/*
 * The clock a person should see first for a request (the "Service level" of a list or a
 * page): a breached clock (response, resolution, update, in that order), else a missed one,
 * so that a page never says "on track" where the API says missed; else the clock that runs:
 * the resolution clock once handling was initiated (response when it has no target), the
 * response clock before.
 */
enum clock_kind ticket_clocks_headline(const struct ticket_clocks *k, bool handling_initiated);

/*
 * The segments of one clock up to now, at most max into out; returns how
 * many there are (may exceed max: only max are written).
 */
size_t ticket_clock_segments(const struct ticket *in, enum clock_kind k, int64_t now,
                             struct clock_segment *out, size_t max);

/* Decimal hours to whole seconds, rounded half up (SPEC 5). */
int64_t hours_to_seconds(double hours);

#endif
