#include "core/compat.h"
#include "core/arena.h"
#include "core/xalloc.h"

#define ARENA_CHUNK (16u << 10)
#define ARENA_ALIGN 16u

struct arena_chunk {
    struct arena_chunk *next; /* older chunk */
    size_t size;              /* bytes in data */
    size_t used;              /* bytes handed out from data */
    _Alignas(16) unsigned char data[];
};

struct arena_defer {
    struct arena_defer *next; /* older cleanup */
    void (*fn)(void *);       /* cleanup function */
    void *arg;                /* its argument */
};

void *arena_alloc(struct arena *a, size_t n)
{
    struct arena_chunk *c = a->chunks;
    size_t need = (n + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);

    /* sizes come from bounded inputs (bodies, rows, mail are capped far below this):
       one this large is a bug in the caller, not something a client can send */
    if (need < n || need > SIZE_MAX - sizeof(*c))
        BUG("arena allocation of %zu bytes overflows", n);
    if (!c || c->size - c->used < need) {
        size_t size = need > ARENA_CHUNK / 4 ? need : ARENA_CHUNK;
        c = xmalloc(sizeof(*c) + size);
        c->size = size;
        c->used = 0;
        if (size == ARENA_CHUNK || !a->chunks) {
            c->next = a->chunks;
            a->chunks = c;
        } else {
            /* a big block: keep the current chunk at the head for small ones */
            c->next = a->chunks->next;
            a->chunks->next = c;
        }
    }
    c->used += need;
    return c->data + c->used - need;
}

void *arena_zalloc(struct arena *a, size_t n)
{
    void *p = arena_alloc(a, n);
    memset(p, 0, n);
    return p;
}

char *arena_memdup(struct arena *a, const void *p, size_t n)
{
    char *q = arena_alloc(a, n + 1);
    if (n)
        memcpy(q, p, n);
    q[n] = '\0';
    return q;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
    return arena_memdup(a, s, strnlen(s, n));
}

char *arena_strdup(struct arena *a, const char *s)
{
    return arena_memdup(a, s, strlen(s));
}

char *arena_sprintf(struct arena *a, const char *fmt, ...)
{
    va_list ap;
    int n;
    char *p;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        BUG("bad format '%s'", fmt);
    p = arena_alloc(a, (size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

void *arena_grow(struct arena *a, void *arr, size_t nr, size_t *alloc, size_t elem)
{
    void *bigger;

    if (nr < *alloc)
        return arr;
    *alloc = *alloc ? 2 * *alloc : 8;
    bigger = arena_alloc(a, *alloc * elem);
    if (nr)
        memcpy(bigger, arr, nr * elem);
    return bigger;
}

void arena_defer(struct arena *a, void (*fn)(void *), void *arg)
{
    struct arena_defer *d = arena_alloc(a, sizeof(*d));

    d->fn = fn;
    d->arg = arg;
    d->next = a->defers;
    a->defers = d;
}

void arena_release(struct arena *a)
{
    while (a->defers) {
        struct arena_defer *d = a->defers;
        a->defers = d->next;
        d->fn(d->arg);
    }
    while (a->chunks) {
        struct arena_chunk *c = a->chunks;
        a->chunks = c->next;
        free(c);
    }
}

size_t arena_used(const struct arena *a)
{
    size_t n = 0;
    const struct arena_chunk *c;

    for (c = a->chunks; c; c = c->next)
        n += c->used;
    return n;
}
