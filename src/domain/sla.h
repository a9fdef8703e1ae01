/*
 * sla.h - the working-hours SLA clock (SPEC 2.2).
 *
 * Pure: no I/O, no globals, no allocation; safe to call from any number of
 * threads on one calendar. Times are UTC unix seconds in
 * [CAL_TIME_MIN, CAL_TIME_MAX) (calendar.h), durations are working seconds.
 *
 * Boundary rules: due(from, 0) is from; from outside working hours the count
 * starts at the next opening; a count that ends exactly at a closing time is
 * due at that closing time, not at the next opening. elapsed(from, to) counts
 * the working seconds in [from, to), 0 when to <= from. So
 * elapsed(t, due(t, n)) == n.
 *
 * Cost: O(log weeks) whatever the target: the calendar carries the working
 * seconds of every week before each week (see docs/internals/sla.md).
 */
#ifndef DOMAIN_SLA_H
#define DOMAIN_SLA_H

#include "core/compat.h"

struct calendar;

#define SLA_MAX_SECONDS (1LL << 40) /* largest target accepted (about 34,000 years) */

/* A working span with the local UTC offsets that show it in the calendar's zone. */
struct sla_span {
    int64_t start;     /* UTC seconds, included */
    int64_t end;       /* UTC seconds, excluded */
    int32_t start_off; /* UTC offset in effect at start */
    int32_t end_off;   /* UTC offset in effect during the span's last second */
};

/*
 * Store in *due the instant at which exactly `seconds` working seconds have
 * passed since `from`. Returns 0, or DESK_EINVAL when seconds is negative or
 * above SLA_MAX_SECONDS, from is outside the calendar's years, or the
 * calendar runs out of working time before the count ends.
 */
int sla_due(const struct calendar *cal, int64_t from, int64_t seconds, int64_t *due);

/*
 * Store in *secs the working seconds in [from, to) (0 when to <= from).
 * Returns 0, or DESK_EINVAL when from or to is outside the calendar's years.
 */
int sla_elapsed(const struct calendar *cal, int64_t from, int64_t to, int64_t *secs);

/*
 * Fill out[0..count) with the next working spans from `from` on, in order;
 * a span that holds `from` starts at from. Spans are per local day (a 24x7
 * calendar gives one span a day). Stores how many were found in *nr: fewer
 * than count only when the calendar's years end. Returns 0, or DESK_EINVAL
 * when from is outside the calendar's years.
 */
int sla_spans(const struct calendar *cal, int64_t from, size_t count, struct sla_span *out,
              size_t *nr);

#endif
