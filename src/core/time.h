/*
 * time.h - UTC instants, civil dates and RFC 3339, without the C library's
 * time-zone functions.
 *
 * Instants are int64_t UTC unix seconds. Dates are int32_t days since
 * 1970-01-01 (proleptic Gregorian). Nothing here reads TZ or any zone:
 * named zones live in domain/tz. All functions are pure and thread-safe
 * except the clock readers.
 */
#ifndef CORE_TIME_H
#define CORE_TIME_H

#include "core/compat.h"

#define TIME_RFC3339_LEN 21 /* "YYYY-MM-DDTHH:MM:SSZ" plus NUL */
#define TIME_LOCAL_LEN 26   /* "YYYY-MM-DDTHH:MM:SS+HH:MM" plus NUL */
#define TIME_UTC_TEXT_LEN 21 /* "YYYY-MM-DD HH:MM UTC" plus NUL */
#define DATE_LEN 11         /* "YYYY-MM-DD" plus NUL */
/* Instants outside years 0001..9999 are refused by the parsers. */
#define TIME_MIN (-62135596800LL) /* 0001-01-01T00:00:00Z */
#define TIME_MAX (253402300799LL) /* 9999-12-31T23:59:59Z */

/*
 * Now, UTC unix seconds. For tests, SVCDESK_FAKE_NOW (RFC 3339) sets where
 * the clock stands when the process first asks; it runs on from there.
 */
int64_t time_now(void);
/* A monotonic clock in nanoseconds, for durations. */
int64_t time_mono_ns(void);

/* Days since 1970-01-01 of a civil date (month 1-12, day 1-31; not checked). */
int64_t days_from_civil(int64_t y, unsigned m, unsigned d);
/* The civil date of a day number. */
void civil_from_days(int64_t days, int64_t *y, unsigned *m, unsigned *d);
/* Day of the week, 0 = Monday ... 6 = Sunday. */
int weekday_from_days(int64_t days);
/* Days in a month of a year. */
unsigned days_in_month(int64_t y, unsigned m);
/* floor(a / b) for b > 0. */
static inline int64_t floor_div(int64_t a, int64_t b)
{
    return a / b - (a % b != 0 && ((a < 0) != (b < 0)));
}

/*
 * Parse RFC 3339: "YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM)" ('t', ' '
 * and 'z' accepted too). Fractional seconds are dropped. Returns 0, or
 * DESK_EINVAL for anything else (with a reason in *why when non-NULL),
 * including a leap second (:60, which unix time cannot hold).
 */
int time_parse_rfc3339(const char *s, size_t len, int64_t *out, const char **why);
/* Write t as "YYYY-MM-DDTHH:MM:SSZ" into out (no printf: fast enough for sla batch). */
void time_format_rfc3339(int64_t t, char out[TIME_RFC3339_LEN]);
/* Write t as "YYYY-MM-DD HH:MM UTC", for people (notices, pages). */
void time_format_utc_text(int64_t t, char out[TIME_UTC_TEXT_LEN]);
/*
 * Write t as the local time of UTC offset off (seconds east), e.g.
 * "2026-11-23T08:00:00+01:00". RFC 3339 offsets are whole minutes: an offset
 * with seconds (some zones before 1972) is written as UTC with "Z" instead.
 */
void time_format_rfc3339_offset(int64_t t, int32_t off, char out[TIME_LOCAL_LEN]);

/* Parse "YYYY-MM-DD" (a real date) into days; 0 or DESK_EINVAL. */
int date_parse(const char *s, size_t len, int64_t *days);
void date_format(int64_t days, char out[DATE_LEN]);
/* Sort day numbers ascending and drop duplicates in place; returns how many remain. */
size_t days_sort_unique(int64_t *days, size_t nr);

#endif
