/*
 * arena.h - one memory pool per unit of work (a request, a message, a CLI run).
 *
 * Everything parsed, read from the store or rendered for one request comes
 * from its arena, and one arena_release() frees it all, running the
 * deferred cleanups in reverse order first (nginx pool cleanups). Never
 * free a single arena allocation. Allocation never fails (it aborts).
 * An arena is not thread-safe: one thread uses it at a time.
 *
 *     struct arena a = ARENA_INIT;
 *     char *s = arena_strdup(&a, "x");
 *     arena_release(&a);
 */
#ifndef CORE_ARENA_H
#define CORE_ARENA_H

#include "core/compat.h"

struct arena_chunk;
struct arena_defer;

struct arena {
    struct arena_chunk *chunks; /* newest first; the head has free space */
    struct arena_defer *defers; /* newest first, run on release */
};

#define ARENA_INIT {NULL, NULL}

/* n bytes aligned for any type; contents undefined. */
void *arena_alloc(struct arena *a, size_t n);
/* n zeroed bytes. */
void *arena_zalloc(struct arena *a, size_t n);
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_memdup(struct arena *a, const void *p, size_t n);
char *arena_sprintf(struct arena *a, const char *fmt, ...) PRINTF_LIKE(2, 3);
/*
 * Room for one more element in an arena array: returns arr itself when
 * nr < *alloc, else a copy with twice the capacity (*alloc updated; the old
 * block stays in the arena until it is released).
 */
void *arena_grow(struct arena *a, void *arr, size_t nr, size_t *alloc, size_t elem);
#define ARENA_GROW(a, arr, nr, alloc) ((arr) = arena_grow((a), (arr), (nr), &(alloc), sizeof(*(arr))))
/* Run fn(arg) when the arena is released (LIFO). */
void arena_defer(struct arena *a, void (*fn)(void *), void *arg);
/* Run the deferred functions, free every chunk; the arena is empty and reusable. */
void arena_release(struct arena *a);
/* Bytes handed out since the last release (for tests and metrics). */
size_t arena_used(const struct arena *a);

#define ARENA_NEW(a, type) ((type *)arena_zalloc((a), sizeof(type)))
#define ARENA_NEWN(a, type, n) ((type *)arena_zalloc((a), sizeof(type) * (n)))

#endif
