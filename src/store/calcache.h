/*
 * calcache.h - compiled calendars shared by every thread, keyed by
 * (calendar id, version).
 *
 * A write's scope (db_write_scope; 0 for committed data) is part of the key: a write may
 * see a calendar it or an earlier write of its batch changed and that is rolled back
 * later, and the next change then takes the same version number with other contents; so
 * what a write compiles is seen by that write only, and committed entries are made by
 * reads, which see committed rows only.
 *
 * Compiling a calendar (its zone table and week sums) costs far more than
 * using it, and tickets read their calendar on every request, so each
 * version is compiled once. A calendar handed out stays valid until the
 * caller's arena is released, even if a newer version replaces it. At most
 * CALCACHE_MAX (128) are kept; the least recently used is compiled again
 * when it is next asked for, so memory does not grow with the calendars.
 */
#ifndef STORE_CALCACHE_H
#define STORE_CALCACHE_H

#include "core/compat.h"
#include "core/arena.h"

struct calendar;

/* The cached calendar (id, version) of scope, or NULL when it is not cached. Held until a is
   released. */
const struct calendar *calcache_find(int64_t id, int64_t version, uint64_t scope,
                                     struct arena *a);
/*
 * Compile `definition` as (id, version) of scope, cache it and return it (held until
 * a is released), or NULL when the definition does not parse (logged).
 */
const struct calendar *calcache_add(int64_t id, int64_t version, uint64_t scope,
                                    const char *definition, struct arena *a);
/* Drop every cached calendar that nobody holds (at shutdown: all of them). */
void calcache_clear(void);

#endif
