/*
 * xalloc.h - allocation that never returns NULL, and fatal errors.
 *
 * Out of memory aborts the process (git wrapper.c): callers never test
 * the result of x*alloc for NULL. die() is for the CLI's top level and
 * for states the program cannot continue from; BUG() for broken
 * invariants, never for bad input.
 */
#ifndef CORE_XALLOC_H
#define CORE_XALLOC_H

#include "core/compat.h"

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/* Print "fatal: ..." on stderr and exit(1). */
NORETURN void die(const char *fmt, ...) PRINTF_LIKE(1, 2);
/* Print "BUG: file:line: ..." on stderr and abort(). */
NORETURN void bug_at(const char *file, int line, const char *fmt, ...) PRINTF_LIKE(3, 4);
#define BUG(...) bug_at(__FILE__, __LINE__, __VA_ARGS__)
#define CHECK(x)                                                                                   \
    do {                                                                                           \
        if (!(x))                                                                                  \
            BUG("check failed: %s", #x);                                                           \
    } while (0)

/* Grow arr so that it holds at least nr_ elements; alloc_ is its capacity. */
#define ALLOC_GROW(arr, nr_, alloc_)                                                               \
    do {                                                                                           \
        if ((size_t)(nr_) > (size_t)(alloc_)) {                                                    \
            size_t want_ = ((size_t)(alloc_) + 16) * 3 / 2;                                        \
            if (want_ < (size_t)(nr_))                                                             \
                want_ = (size_t)(nr_);                                                             \
            (alloc_) = want_;                                                                      \
            (arr) = xrealloc((arr), (alloc_) * sizeof(*(arr)));                                    \
        }                                                                                          \
    } while (0)

#define FREE_AND_NULL(p)                                                                           \
    do {                                                                                           \
        free(p);                                                                                   \
        (p) = NULL;                                                                                \
    } while (0)

#endif
