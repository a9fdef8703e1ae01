/*
 * holidays.h - holiday dates from an iCalendar (.ics) file, with libical.
 *
 * Reads the all-day VEVENTs of a VCALENDAR (DTSTART;VALUE=DATE): each
 * gives the dates from DTSTART up to, not including, DTEND (or DTSTART plus
 * DURATION; one day when neither is given). RRULEs are expanded from
 * DTSTART up to HOLIDAYS_YEARS_AHEAD years after `today`, RDATEs added, and
 * EXDATEs and occurrences moved by a RECURRENCE-ID event removed (libical
 * leaves EXDATE to the caller). Timed events and cancelled events
 * (STATUS:CANCELLED) are not holidays and are skipped.
 *
 * Pure apart from libical's own state: `today` is a parameter, not the
 * clock, so the same input always gives the same dates.
 */
#ifndef DOMAIN_HOLIDAYS_H
#define DOMAIN_HOLIDAYS_H

#include "core/compat.h"

struct strbuf;

#define HOLIDAYS_MAX_ICS (1u << 20) /* bytes of .ics text accepted */
#define HOLIDAYS_MAX 10000          /* dates produced (CAL_MAX_HOLIDAYS) */
#define HOLIDAYS_YEARS_AHEAD 10     /* how far repeats are expanded past today */

/*
 * Parse the iCalendar text ics[0..len) and store in *days a new array (free
 * it) of *nr ascending, unique day numbers (days since 1970-01-01); today is
 * a day number. Returns 0, or DESK_EINVAL with one message in err (when
 * non-NULL) for text that is not an iCalendar, input over HOLIDAYS_MAX_ICS,
 * an event without a valid DTSTART, or more than HOLIDAYS_MAX dates.
 */
int holidays_from_ics(const char *ics, size_t len, int64_t today, int64_t **days, size_t *nr,
                      struct strbuf *err);

/* The day number of Easter Sunday in a Gregorian year (the anonymous algorithm). */
int64_t easter_sunday(int64_t year);

/*
 * The Danish public holidays of a year and the days the support desk keeps
 * closed besides (24 and 31 December), ascending: New Year's Day, Maundy
 * Thursday, Good Friday, Easter Monday, Ascension Day, Whit Monday,
 * Constitution Day (5 June), 24, 25, 26 and 31 December. (Great Prayer Day
 * ended in 2024.) Writes at most max days into out; returns how many.
 */
size_t holidays_denmark(int64_t year, int64_t *out, size_t max);

#endif
