/*
 * calendar.h - working calendars: a time zone, weekly hours, holidays.
 *
 * The JSON form (SPEC 2.2), the same in files, the API and the CLI:
 *
 *   {"timezone": "Europe/Copenhagen",
 *    "hours": {"mon": ["08:00-16:00"], "fri": ["08:00-14:30"]},
 *    "holidays": ["2026-12-24", "2026-12-25"]}
 *
 * A day missing from "hours" is closed. Intervals are "HH:MM-HH:MM" in local
 * wall-clock time with start < end; "24:00" is the next local midnight.
 * Overlapping or touching intervals of a day are merged. Holidays are whole
 * local dates. "holidays" may be left out (or null, as may a day).
 *
 * The working time of local date d is the union of its weekday's intervals,
 * each end mapped to an instant by tz_local_to_utc() (a skipped local time
 * maps forward by the gap, an ambiguous one is its first occurrence), an
 * interval whose mapped start is not before its mapped end being empty that
 * day; it is clipped to [start of d, start of d + 1) and is empty on a
 * holiday. So on a spring-forward day 00:00-24:00 is 23 real hours.
 *
 * calendar_parse() validates (every message names the field and the value)
 * and compiles the calendar once into per-week tables for the SLA clock
 * (sla.h). A calendar is immutable afterwards: share it between threads
 * freely. The tables cover instants in [CAL_TIME_MIN, CAL_TIME_MAX), the
 * years 1970 to 2100, plus a few days on either side.
 */
#ifndef DOMAIN_CALENDAR_H
#define DOMAIN_CALENDAR_H

#include "core/compat.h"

#include <jansson.h>

struct strbuf;
struct tz;
struct calendar;

#define CAL_MAX_INTERVALS 16                       /* intervals a day, after merging */
#define CAL_MAX_HOLIDAYS 10000                     /* holiday dates a calendar */
#define CAL_MAX_JSON (1u << 20)                    /* bytes of the JSON form */
#define CAL_WEEK_MAX_SPANS (7 * CAL_MAX_INTERVALS) /* working spans in one week */
#define CAL_TIME_MIN 0LL                           /* 1970-01-01T00:00:00Z */
#define CAL_TIME_MAX 4133980800LL                  /* 2101-01-01T00:00:00Z, excluded */

/* An interval of a day: seconds since local midnight, 0 <= start < end <= 86400. */
struct cal_interval {
    int32_t start; /* first working second */
    int32_t end;   /* first second after; 86400 is 24:00 */
};

/* A working span: UTC instants [start, end). */
struct cal_span {
    int64_t start; /* UTC seconds, included */
    int64_t end;   /* UTC seconds, excluded */
};

/* One week of the compiled calendar: local Monday 00:00 to the next. */
struct cal_week {
    int64_t start; /* UTC instant of local Monday 00:00 */
    int64_t cum;   /* working seconds in all earlier weeks of the table */
};

/*
 * Parse and validate the JSON form (at most CAL_MAX_JSON bytes). Returns 0
 * and a new calendar in *out (free it with calendar_free), or DESK_EINVAL
 * with one message in err (when non-NULL), e.g.
 * "hours.fri[0]: end 08:00 is not after start 14:30".
 */
int calendar_parse(const char *json, size_t len, struct calendar **out, struct strbuf *err);
/* The same, from a JSON value already parsed (the API's request body). */
int calendar_from_json(const json_t *v, struct calendar **out, struct strbuf *err);
void calendar_free(struct calendar *cal);

/*
 * Append the canonical JSON form to out: compact, days in order mon..sun
 * (closed days left out), merged intervals, holidays sorted without
 * duplicates. Parsing it gives the same calendar.
 */
void calendar_to_json(const struct calendar *cal, struct strbuf *out);

const struct tz *calendar_tz(const struct calendar *cal);
/* The merged intervals of a weekday (0 = Monday); returns how many. */
size_t calendar_hours(const struct calendar *cal, int weekday, const struct cal_interval **out);
/* Holidays as ascending day numbers (days since 1970-01-01); returns how many. */
size_t calendar_holidays(const struct calendar *cal, const int64_t **out);
bool calendar_is_holiday(const struct calendar *cal, int64_t day);

/*
 * The compiled weeks, for sla.c: returns weeks[0..*nr], where weeks[*nr]
 * marks the end of the table (its start is where the table stops, its cum
 * the total). Every instant in [CAL_TIME_MIN, CAL_TIME_MAX) lies in some
 * week w, weeks[w].start <= t < weeks[w + 1].start.
 */
const struct cal_week *calendar_weeks(const struct calendar *cal, size_t *nr);
/*
 * Fill out with the working spans of week w (< nr), ascending and disjoint,
 * all inside [weeks[w].start, weeks[w + 1].start); returns how many.
 */
size_t calendar_week_spans(const struct calendar *cal, size_t w,
                           struct cal_span out[CAL_WEEK_MAX_SPANS]);
/* The working spans of local date `day` (see above); returns how many. */
size_t calendar_day_spans(const struct calendar *cal, int64_t day,
                          struct cal_span out[CAL_MAX_INTERVALS]);

#endif
