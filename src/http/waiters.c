/*
 * waiters.c - requests held open without a thread (see waiters.h).
 */
#define LOG_MODULE "http"
#include "core/compat.h"
#include "http/waiters.h"
#include "core/log.h"
#include "core/time.h"
#include "core/xalloc.h"
#include "store/store.h"
#include <pthread.h>

/* How often the thread looks for new events. */
#define TICK_NS (1000 * 1000000LL)

struct waiter {
    struct MHD_Connection *conn; /* suspended while listed */
    void *item;                  /* the caller's request */
    int64_t user_id;             /* for the limit per user */
    int64_t after;               /* the events after this id are wanted */
    int64_t deadline_ns;         /* answered by then, events or not */
    bool busy;                   /* being asked by the thread (outside the lock) */
    struct waiter *prev, *next;
};

struct waiters {
    pthread_mutex_t lock;
    pthread_cond_t wake;       /* waiters_stop */
    struct waiter head;        /* circular list */
    unsigned n, max, per_user; /* listed; the limits */
    int64_t hold_ns;
    bool stopping;
    struct store *st;
    waiter_fn fn;
    struct waiter **due;       /* the thread's batch, max entries */
    pthread_t thread;
};

static void unlink_waiter(struct waiters *w, struct waiter *x)
{
    x->prev->next = x->next;
    x->next->prev = x->prev;
    w->n--;
}

/* Ask x; answered: resume its connection and forget it. */
static void ask(struct waiters *w, struct waiter *x, bool last)
{
    bool done = w->fn(x->item, &x->after, last);

    pthread_mutex_lock(&w->lock);
    if (done)
        unlink_waiter(w, x);
    else
        x->busy = false;
    pthread_mutex_unlock(&w->lock);
    if (done) {
        MHD_resume_connection(x->conn);
        free(x);
    }
}

/* Mark the waiters to ask now (new events, deadline, stopping) into w->due; returns how many. */
static size_t collect_due(struct waiters *w, int64_t head, int64_t now, bool all)
{
    size_t nr = 0;

    for (struct waiter *x = w->head.next; x != &w->head; x = x->next)
        if (!x->busy && (all || head > x->after || now >= x->deadline_ns)) {
            x->busy = true;
            w->due[nr++] = x;
        }
    return nr;
}

static void *waiters_main(void *arg)
{
    struct waiters *w = arg;
    struct timespec ts;
    int64_t head, now;
    size_t nr;
    bool stop;

    pthread_mutex_lock(&w->lock);
    for (;;) {
        if (!w->stopping) {
            clock_gettime(CLOCK_MONOTONIC, &ts);
            ts.tv_nsec += TICK_NS % 1000000000;
            ts.tv_sec += TICK_NS / 1000000000 + ts.tv_nsec / 1000000000;
            ts.tv_nsec %= 1000000000;
            pthread_cond_timedwait(&w->wake, &w->lock, &ts);
        }
        stop = w->stopping;
        if (stop && !w->n)
            break;
        pthread_mutex_unlock(&w->lock);
        head = 0;
        if (!stop && store_events_head(w->st, &head) < 0)
            head = 0; /* the database is away: only deadlines */
        now = time_mono_ns();
        pthread_mutex_lock(&w->lock);
        nr = collect_due(w, head, now, stop);
        pthread_mutex_unlock(&w->lock);
        for (size_t i = 0; i < nr; i++)
            ask(w, w->due[i], stop || now >= w->due[i]->deadline_ns);
        pthread_mutex_lock(&w->lock);
    }
    pthread_mutex_unlock(&w->lock);
    return NULL;
}

struct waiters *waiters_start(struct store *st, unsigned max, unsigned per_user, int hold_s,
                              waiter_fn fn)
{
    struct waiters *w = xcalloc(1, sizeof(*w));
    pthread_condattr_t ca;

    pthread_mutex_init(&w->lock, NULL);
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&w->wake, &ca);
    pthread_condattr_destroy(&ca);
    w->head.prev = w->head.next = &w->head;
    w->max = max;
    w->per_user = per_user;
    w->hold_ns = hold_s * 1000000000LL;
    w->st = st;
    w->fn = fn;
    w->due = xcalloc(max ? max : 1, sizeof(*w->due));
    if (pthread_create(&w->thread, NULL, waiters_main, w)) {
        pthread_cond_destroy(&w->wake);
        pthread_mutex_destroy(&w->lock);
        free(w->due);
        free(w);
        return NULL;
    }
    return w;
}

static unsigned held_for(const struct waiters *w, int64_t user_id)
{
    unsigned n = 0;

    for (const struct waiter *x = w->head.next; x != &w->head; x = x->next)
        n += x->user_id == user_id;
    return n;
}

enum waiter_result waiters_add(struct waiters *w, struct MHD_Connection *conn, void *item,
                               int64_t user_id, int64_t after)
{
    struct waiter *x;
    enum waiter_result r = WAITER_HELD;

    pthread_mutex_lock(&w->lock);
    if (w->stopping)
        r = WAITER_STOPPING;
    else if (w->n >= w->max || held_for(w, user_id) >= w->per_user)
        r = WAITER_FULL;
    if (r != WAITER_HELD) {
        pthread_mutex_unlock(&w->lock);
        return r;
    }
    x = xcalloc(1, sizeof(*x));
    *x = (struct waiter){conn, item, user_id, after, time_mono_ns() + w->hold_ns, false,
                         w->head.prev, &w->head};
    /* suspended before it is listed: the thread resumes only what is suspended */
    MHD_suspend_connection(conn);
    w->head.prev->next = x;
    w->head.prev = x;
    w->n++;
    pthread_mutex_unlock(&w->lock);
    return WAITER_HELD;
}

void waiters_stop(struct waiters *w)
{
    if (!w)
        return;
    pthread_mutex_lock(&w->lock);
    if (w->stopping) {
        pthread_mutex_unlock(&w->lock);
        return;
    }
    w->stopping = true;
    if (w->n)
        log_info("msg=\"answering held event requests before stopping\" waiters=%u", w->n);
    pthread_cond_signal(&w->wake);
    pthread_mutex_unlock(&w->lock);
    pthread_join(w->thread, NULL);
}

void waiters_free(struct waiters *w)
{
    if (!w)
        return;
    waiters_stop(w);
    pthread_cond_destroy(&w->wake);
    pthread_mutex_destroy(&w->lock);
    free(w->due);
    free(w);
}
