/*
 * sla.c - due times and elapsed working time over a compiled calendar.
 *
 * Let W(t) be the working seconds of the calendar before instant t. The
 * calendar gives W at the start of every week (struct cal_week.cum) and the
 * spans of any week, so W(t) is one week's spans away. elapsed(from, to) is
 * W(to) - W(from); due(from, n) is the first instant at which W reaches
 * W(from) + n, found by a binary search over the weeks and a walk over one
 * week's spans. Ending exactly at a closing time answers that closing time
 * because the walk stops in the first span that reaches the count.
 */
#include "core/compat.h"
#include "domain/sla.h"
#include "core/err.h"
#include "domain/calendar.h"
#include "domain/tz.h"

#define WEEK (7 * 86400)

static bool in_range(int64_t t) { return t >= CAL_TIME_MIN && t < CAL_TIME_MAX; }

/* The week holding t, for t in range: a guess from the week length, then corrected. */
static size_t week_of(const struct cal_week *wk, size_t nr, int64_t t)
{
    int64_t guess = (t - wk[0].start) / WEEK;
    size_t w = guess < 0 ? 0 : (size_t)guess < nr ? (size_t)guess : nr - 1;

    while (w > 0 && t < wk[w].start)
        w--;
    while (w + 1 < nr && t >= wk[w + 1].start)
        w++;
    return w;
}

/* Working seconds of spans sp[0..nr) before instant t. */
static int64_t worked_before(const struct cal_span *sp, size_t nr, int64_t t)
{
    int64_t sum = 0;

    for (size_t i = 0; i < nr && sp[i].start < t; i++)
        sum += (t < sp[i].end ? t : sp[i].end) - sp[i].start;
    return sum;
}

/* The first instant at which `rem` (> 0) working seconds of spans sp[0..nr) have passed. */
static int64_t instant_after(const struct cal_span *sp, size_t nr, int64_t rem)
{
    size_t i;

    for (i = 0; i + 1 < nr && rem > sp[i].end - sp[i].start; i++)
        rem -= sp[i].end - sp[i].start;
    return sp[i].start + rem;
}

/* The first week v in [lo, nr) with wk[v + 1].cum >= target, or nr. */
static size_t week_reaching(const struct cal_week *wk, size_t lo, size_t nr, int64_t target)
{
    size_t hi = nr;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (wk[mid + 1].cum >= target)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

int sla_due(const struct calendar *cal, int64_t from, int64_t seconds, int64_t *due)
{
    struct cal_span sp[CAL_WEEK_MAX_SPANS];
    size_t nr, w, n;
    const struct cal_week *wk = calendar_weeks(cal, &nr);
    int64_t target;

    if (seconds < 0 || seconds > SLA_MAX_SECONDS || !in_range(from))
        return DESK_EINVAL;
    if (!seconds) {
        *due = from;
        return 0;
    }
    w = week_of(wk, nr, from);
    n = calendar_week_spans(cal, w, sp);
    target = wk[w].cum + worked_before(sp, n, from) + seconds;
    if (target > wk[w + 1].cum) {
        w = week_reaching(wk, w + 1, nr, target);
        if (w == nr)
            return DESK_EINVAL;
        n = calendar_week_spans(cal, w, sp);
    }
    *due = instant_after(sp, n, target - wk[w].cum);
    return 0;
}

/* W(t): working seconds of the calendar's table before t. */
static int64_t worked_until(const struct calendar *cal, int64_t t)
{
    struct cal_span sp[CAL_WEEK_MAX_SPANS];
    size_t nr, w, n;
    const struct cal_week *wk = calendar_weeks(cal, &nr);

    w = week_of(wk, nr, t);
    n = calendar_week_spans(cal, w, sp);
    return wk[w].cum + worked_before(sp, n, t);
}

int sla_elapsed(const struct calendar *cal, int64_t from, int64_t to, int64_t *secs)
{
    if (!in_range(from) || !in_range(to))
        return DESK_EINVAL;
    *secs = to <= from ? 0 : worked_until(cal, to) - worked_until(cal, from);
    return 0;
}

int sla_spans(const struct calendar *cal, int64_t from, size_t count, struct sla_span *out,
              size_t *nr)
{
    struct cal_span sp[CAL_WEEK_MAX_SPANS];
    const struct tz *tz = calendar_tz(cal);
    size_t weeks_nr, got = 0;
    const struct cal_week *wk = calendar_weeks(cal, &weeks_nr);

    if (!in_range(from))
        return DESK_EINVAL;
    for (size_t w = week_of(wk, weeks_nr, from); w < weeks_nr && got < count; w++) {
        size_t n = calendar_week_spans(cal, w, sp);
        for (size_t i = 0; i < n && got < count; i++) {
            struct sla_span *s = &out[got];
            if (sp[i].end <= from)
                continue;
            s->start = sp[i].start > from ? sp[i].start : from;
            s->end = sp[i].end;
            s->start_off = tz_offset_at(tz, s->start);
            s->end_off = tz_offset_at(tz, s->end - 1);
            got++;
        }
    }
    *nr = got;
    return 0;
}
