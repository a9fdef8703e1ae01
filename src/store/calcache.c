#define LOG_MODULE "store"
#include "core/compat.h"
#include "store/calcache.h"
#include "core/log.h"
#include "core/strbuf.h"
#include "core/xalloc.h"
#include "domain/calendar.h"
#include <pthread.h>

/* Compiled calendars kept at most (about 220 KB each): the least recently used goes first. */
#define CALCACHE_MAX 128

struct entry {
    int64_t id, version;   /* key */
    uint64_t scope;        /* key: 0 (committed) or the write that compiled it */
    struct calendar *cal;  /* compiled */
    int refs;              /* holders, plus one while current */
    bool current;          /* the newest version of its calendar */
    uint64_t used;         /* the tick of its last use, for eviction */
    struct entry *next;    /* list link */
};

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static struct entry *entries; /* current and retired versions */
static size_t current_nr;     /* entries that are current */
static uint64_t tick;         /* counts uses */

/* Drop one reference to e; free it when it was the last. Called with mu held. */
static void release_locked(struct entry *e)
{
    struct entry **p;

    if (--e->refs > 0)
        return;
    for (p = &entries; *p != e; p = &(*p)->next)
        ;
    *p = e->next;
    calendar_free(e->cal);
    free(e);
}

static void unref(void *arg)
{
    pthread_mutex_lock(&mu);
    release_locked(arg);
    pthread_mutex_unlock(&mu);
}

/* The entry stops being current: it lives on while someone holds it. */
static void retire_locked(struct entry *e)
{
    e->current = false;
    current_nr--;
    release_locked(e);
}

/* Make room for one more: retire the current entry used least recently. */
static void evict_locked(void)
{
    struct entry *lru = NULL;

    for (struct entry *e = entries; e; e = e->next)
        if (e->current && (!lru || e->used < lru->used))
            lru = e;
    if (lru)
        retire_locked(lru);
}

static const struct calendar *hold(struct entry *e, struct arena *a)
{
    e->used = ++tick;
    e->refs++;
    arena_defer(a, unref, e);
    return e->cal;
}

const struct calendar *calcache_find(int64_t id, int64_t version, uint64_t scope,
                                     struct arena *a)
{
    const struct calendar *cal = NULL;

    pthread_mutex_lock(&mu);
    for (struct entry *e = entries; e; e = e->next)
        if (e->current && e->id == id && e->version == version && e->scope == scope) {
            cal = hold(e, a);
            break;
        }
    pthread_mutex_unlock(&mu);
    return cal;
}

const struct calendar *calcache_add(int64_t id, int64_t version, uint64_t scope,
                                    const char *definition, struct arena *a)
{
    struct strbuf err = STRBUF_INIT;
    struct calendar *cal;
    const struct calendar *out;
    struct entry *e;

    if (calendar_parse(definition, strlen(definition), &cal, &err) < 0) {
        char q[256];
        log_error("msg=\"stored calendar does not parse\" calendar=%" PRId64 " error=\"%s\"", id,
                  log_quote(err.buf, q, sizeof(q)));
        strbuf_release(&err);
        return NULL;
    }
    pthread_mutex_lock(&mu);
    for (e = entries; e; e = e->next)
        if (e->current && e->id == id && e->version == version && e->scope == scope)
            break;
    if (e) {
        calendar_free(cal); /* another thread compiled it first */
    } else {
        for (struct entry *old = entries, *next; old; old = next) {
            next = old->next;
            if (old->current && old->id == id && old->scope == scope)
                retire_locked(old);
        }
        while (current_nr >= CALCACHE_MAX)
            evict_locked();
        e = xcalloc(1, sizeof(*e));
        *e = (struct entry){id, version, scope, cal, 1, true, 0, entries};
        entries = e;
        current_nr++;
    }
    out = hold(e, a);
    pthread_mutex_unlock(&mu);
    return out;
}

void calcache_clear(void)
{
    pthread_mutex_lock(&mu);
    for (struct entry *e = entries, *next; e; e = next) {
        next = e->next;
        if (e->current)
            retire_locked(e);
    }
    pthread_mutex_unlock(&mu);
}
