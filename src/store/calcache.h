/*
 * calcache.h - compiled calendars shared by every thread, keyed by
 * (calendar id, version).
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

/* The cached calendar (id, version), or NULL when it is not cached. Held until a is released. */
const struct calendar *calcache_find(int64_t id, int64_t version, struct arena *a);
/*
 * Compile `definition` as (id, version), cache it and return it (held until
 * a is released), or NULL when the definition does not parse (logged).
 */
const struct calendar *calcache_add(int64_t id, int64_t version, const char *definition,
                                    struct arena *a);
/* Drop every cached calendar that nobody holds (at shutdown: all of them). */
void calcache_clear(void);

#endif
