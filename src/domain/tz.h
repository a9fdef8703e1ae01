/*
 * tz.h - named IANA time zones as precomputed offset tables.
 *
 * A struct tz holds every change of UTC offset of one zone between
 * TZ_TABLE_START and TZ_TABLE_END, read once from the system zone database
 * through GLib's GTimeZone (never TZ, never localtime). After that, mapping
 * UTC to local time and back is a binary search over two sorted tables: no
 * library call, no allocation, no lock. Outside the table the offsets at
 * its edges hold.
 *
 * Local times are "local seconds": the wall clock read as if it were UTC,
 * that is days_from_civil(date) * 86400 + seconds since local midnight.
 *
 * Local to UTC follows SPEC 2.2: a local time that does not exist (clocks
 * spring forward) maps forward by the length of the gap; an ambiguous one
 * (clocks fall back) is its first occurrence.
 *
 * Zones are cached for the life of the process, one per name. tz_get() may
 * be called from any thread; the zones it returns are immutable and never
 * freed, so they can be shared freely.
 */
#ifndef DOMAIN_TZ_H
#define DOMAIN_TZ_H

#include "core/compat.h"

struct strbuf;
struct tz;

#define TZ_NAME_MAX 64                 /* longest zone name accepted */
#define TZ_TABLE_START (-31LL * 86400) /* 1969-12-01T00:00:00Z */
#define TZ_TABLE_END 4165516800LL      /* 2102-01-01T00:00:00Z */

/*
 * Find the zone called `name` ("Europe/Copenhagen", "UTC"). Returns 0 and
 * sets *out, or DESK_EINVAL with "unknown time zone 'NAME'" in err (when
 * non-NULL) for a name that is not a zone file of the zone database. The
 * first call for a name reads the zone (about a millisecond); later calls
 * return the cached zone.
 */
int tz_get(const char *name, const struct tz **out, struct strbuf *err);

/* The zone's name as given to tz_get(). */
const char *tz_name(const struct tz *tz);

/* The UTC offset (seconds east of UTC) in effect at UTC instant t. */
int32_t tz_offset_at(const struct tz *tz, int64_t t);

/* The UTC instant of local time `local`, with the gap and fold rules above. */
int64_t tz_local_to_utc(const struct tz *tz, int64_t local);

/*
 * The first local time after `local` at which the mapping local -> UTC
 * changes offset, or INT64_MAX when there is none. Between two switches
 * tz_local_to_utc(l) is l minus one fixed offset.
 */
int64_t tz_next_switch(const struct tz *tz, int64_t local);

#endif
