#include "core/compat.h"
#include "domain/ticket_sla.h"
#include "core/err.h"
#include "domain/sla.h"
#include <math.h>

static const char *const state_names[] = {"none",   "running", "warning", "breached",
                                          "paused", "met",     "missed"};
static const char *const kind_names[] = {"response", "update", "resolution"};
static const char *const mode_names[] = {"running", "paused", "stopped"};

const char *sla_state_name(enum sla_state s)
{
    return state_names[s];
}

const char *clock_kind_name(enum clock_kind k)
{
    return kind_names[k];
}

const char *segment_mode_name(enum segment_mode m)
{
    return mode_names[m];
}

enum clock_kind ticket_clocks_headline(const struct ticket_clocks *k, bool handling_initiated)
{
    static const enum clock_kind order[] = {CLOCK_RESPONSE, CLOCK_RESOLUTION, CLOCK_UPDATE};
    static const enum sla_state worst[] = {SLA_BREACHED, SLA_MISSED};

    for (size_t w = 0; w < ARRAY_SIZE(worst); w++)
        for (size_t i = 0; i < ARRAY_SIZE(order); i++)
            if (k->clock[order[i]].state == worst[w])
                return order[i];
    if (handling_initiated && k->clock[CLOCK_RESOLUTION].state != SLA_NONE)
        return CLOCK_RESOLUTION;
    return CLOCK_RESPONSE;
}

int64_t hours_to_seconds(double hours)
{
    return (int64_t)floor(hours * 3600.0 + 0.5);
}

/* Where a clock starts and ends (0: runs until now). */
static void clock_bounds(const struct ticket *in, enum clock_kind k, int64_t *start,
                         int64_t *end)
{
    *start = k == CLOCK_UPDATE ? in->last_staff_reply_at : in->received_at;
    *end = k == CLOCK_RESPONSE ? in->handling_initiated_at : 0;
}

static enum segment_mode mode_of(enum clock_kind k, enum ticket_status s)
{
    if (k == CLOCK_RESPONSE || ticket_status_running(s))
        return SEG_RUNNING;
    return ticket_status_stopped(s) ? SEG_STOPPED : SEG_PAUSED;
}

size_t ticket_clock_segments(const struct ticket *in, enum clock_kind k, int64_t now,
                             struct clock_segment *out, size_t max)
{
    int64_t start, end;
    size_t n = 0;

    clock_bounds(in, k, &start, &end);
    if (!in->cal || !start || !in->nlog)
        return 0;
    if (!end || end > now)
        end = now;
    if (end < start)
        end = start;
    for (size_t i = 0; i < in->nlog; i++) {
        int64_t from = in->log[i].at, to = i + 1 < in->nlog ? in->log[i + 1].at : end;
        struct clock_segment seg;

        from = from < start ? start : from;
        to = to > end ? end : to;
        /* empty segments are left out, except the current status of a clock still going:
           the last segment always says what the clock does now */
        if (to < from || (to == from && (i + 1 < in->nlog || to != now)))
            continue;
        seg = (struct clock_segment){from, to, in->log[i].status,
                                     mode_of(k, in->log[i].status), 0};
        if (seg.mode == SEG_RUNNING && sla_elapsed(in->cal, from, to, &seg.working_secs) < 0)
            seg.working_secs = 0;
        if (n < max)
            out[n] = seg;
        n++;
    }
    return n;
}

static int64_t target_of(const struct sla_targets *t, enum clock_kind k)
{
    return k == CLOCK_RESPONSE ? t->response : k == CLOCK_UPDATE ? t->update : t->resolution;
}

#define MAX_SEGMENTS 256 /* status changes considered per clock; older ones are summed */

/* The resolution and update clocks: sum the running segments, find the due time. */
static int eval_clock(const struct ticket *in, enum clock_kind k, int64_t now,
                      struct clock_result *r)
{
    struct clock_segment segs[MAX_SEGMENTS];
    int64_t target = target_of(&in->targets, k), cum = 0, reached = 0;
    size_t n = ticket_clock_segments(in, k, now, segs, MAX_SEGMENTS);
    const struct clock_segment *last;

    if (!n || !target)
        return 0;
    if (n > MAX_SEGMENTS)
        n = MAX_SEGMENTS;
    for (size_t i = 0; i < n; i++) {
        if (!reached && segs[i].mode == SEG_RUNNING && cum + segs[i].working_secs >= target &&
            sla_due(in->cal, segs[i].from, target - cum, &reached) < 0)
            return DESK_EINVAL;
        cum += segs[i].working_secs;
    }
    last = &segs[n - 1];
    r->working_secs = cum;
    if (reached) {
        r->due_at = reached;
    } else {
        /* not yet due: from where the clock stands, the rest of the target */
        int64_t from = last->mode == SEG_PAUSED ? now : last->from;
        int64_t before = last->mode == SEG_RUNNING ? cum - last->working_secs : cum;
        if (sla_due(in->cal, from, target - before, &r->due_at) < 0)
            return DESK_EINVAL;
    }
    if (last->mode == SEG_STOPPED)
        r->state = cum <= target ? SLA_MET : SLA_MISSED;
    else if (now > r->due_at && reached)
        r->state = SLA_BREACHED;
    else if (last->mode == SEG_PAUSED)
        r->state = SLA_PAUSED;
    else
        r->state = cum * 1000 >= (int64_t)in->targets.warn_permille * target ? SLA_WARNING
                                                                              : SLA_RUNNING;
    return 0;
}

/* The response clock: due from received_at; finished when handling is initiated. */
static int eval_response(const struct ticket *in, int64_t now, struct clock_result *r)
{
    int64_t target = in->targets.response, hi = in->handling_initiated_at;

    if (!target)
        return 0;
    if (sla_due(in->cal, in->received_at, target, &r->due_at) < 0 ||
        sla_elapsed(in->cal, in->received_at, hi ? hi : now, &r->working_secs) < 0)
        return DESK_EINVAL;
    if (hi)
        r->state = hi <= r->due_at ? SLA_MET : SLA_MISSED;
    else if (now > r->due_at)
        r->state = SLA_BREACHED;
    else
        r->state = r->working_secs * 1000 >= (int64_t)in->targets.warn_permille * target
                       ? SLA_WARNING
                       : SLA_RUNNING;
    return 0;
}

int ticket_clocks_compute(const struct ticket *in, int64_t now,
                          struct ticket_clocks *out)
{
    const struct clock_result *res, *resol;
    int rc;

    memset(out, 0, sizeof(*out));
    if (!in->cal || !in->nlog)
        return 0;
    rc = eval_response(in, now, &out->clock[CLOCK_RESPONSE]);
    if (rc == 0)
        rc = eval_clock(in, CLOCK_RESOLUTION, now, &out->clock[CLOCK_RESOLUTION]);
    if (rc == 0)
        rc = eval_clock(in, CLOCK_UPDATE, now, &out->clock[CLOCK_UPDATE]);
    if (rc < 0) {
        memset(out, 0, sizeof(*out));
        return rc;
    }
    res = &out->clock[CLOCK_RESPONSE];
    resol = &out->clock[CLOCK_RESOLUTION];
    if (res->state != SLA_NONE && !in->handling_initiated_at)
        out->sort_due_at = res->due_at;
    else if (resol->state != SLA_NONE && ticket_status_running(in->log[in->nlog - 1].status))
        out->sort_due_at = resol->due_at;
    return 0;
}
