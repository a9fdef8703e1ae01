#define LOG_MODULE "jobs"
#include "core/compat.h"
#include "jobs/scheduler.h"
#include "core/crypto.h"
#include "core/log.h"
#include "core/time.h"
#include "core/xalloc.h"
#include "jobs/backup.h"
#include "jobs/inbox.h"
#include "jobs/outbox.h"
#include "store/store.h"
#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <unistd.h>

#define RETRY_MAX_SECS 60 /* a failed job is tried again after 2, 4, ... up to this many seconds */

/*
 * The thread a job runs on: mail jobs (which wait on other servers, up to
 * their own time limits) have their own, so that they never hold back the
 * SLA sweep's once-a-minute promise.
 */
enum lane { LANE_MAIN, LANE_MAIL, LANE_COUNT };

struct job {
    const char *name;                                      /* lease name */
    int64_t (*due_since)(const struct conf *c, int64_t now); /* runs if not run since */
    int (*run)(struct store *st, const struct conf *c, int64_t now);
    enum lane lane;                                        /* its thread */
    bool (*enabled)(const struct conf *c);                 /* NULL: always */
};

struct scheduler;

struct lane_thread {
    struct scheduler *s; /* the scheduler */
    enum lane lane;      /* the jobs it runs */
    bool started;        /* the thread exists */
    pthread_t thread;    /* the thread */
};

struct scheduler {
    struct store *store;      /* the database */
    const struct conf *conf;  /* settings */
    int tick_ms;              /* sleep between looks */
    char holder[48];          /* this server's lease name */
    struct lane_thread lanes[LANE_COUNT]; /* one thread per lane with an enabled job */
    pthread_mutex_t mu;       /* guards stopping */
    pthread_cond_t cv;        /* wakes the threads to stop */
    bool stopping;            /* scheduler_stop was called */
    bool imap_news;           /* the IDLE watch saw new mail: poll now (guarded by mu) */
    bool watching;            /* the watcher thread exists */
    pthread_t watcher;        /* the IDLE watch of the mailbox (inbox_watch) */
    int fails[16];            /* per job: failed runs in a row (only its lane's thread) */
    int64_t retry_at[16];     /* per job: not tried again before (UTC seconds) */
};

int64_t daily_due_since(const char *hhmm, int64_t now)
{
    int64_t day = floor_div(now, 86400) * 86400;
    int64_t at = day + ((hhmm[0] - '0') * 10 + (hhmm[1] - '0')) * 3600 +
                 ((hhmm[3] - '0') * 10 + (hhmm[4] - '0')) * 60;

    return at <= now ? at : at - 86400;
}

static int64_t backup_due(const struct conf *c, int64_t now)
{
    return daily_due_since(c->backup_at, now);
}

static int backup_run(struct store *st, const struct conf *c, int64_t now)
{
    struct strbuf err = STRBUF_INIT;
    char q[512];
    int removed, rc = backup_write(st, c->backup_dir, now, NULL, &err);

    if (rc == 0)
        rc = backup_prune(c->backup_dir, now, c->backup_keep_days, &removed, &err);
    if (rc < 0)
        log_error("msg=\"backup failed\" error=\"%s\"", log_quote(err.buf, q, sizeof(q)));
    strbuf_release(&err);
    return rc;
}

/* The sweep runs every sweep-seconds (SPEC: at least once a minute). */
static int64_t sweep_due(const struct conf *c, int64_t now)
{
    return now - c->sweep_seconds + 1;
}

static int sweep_run(struct store *st, const struct conf *c, int64_t now)
{
    int queued = 0, rc = store_sla_sweep(st, now, &queued);

    (void)c;
    if (rc < 0)
        log_error("msg=\"sla sweep failed\" rc=%d", rc);
    else if (queued)
        log_info("msg=\"sla notices queued\" count=%d", queued);
    return rc;
}

#define PRIORITY_EVERY 3600 /* seconds between priority-line checks (terms start and end by date) */

static int64_t priority_due(const struct conf *c, int64_t now)
{
    (void)c;
    return now - PRIORITY_EVERY + 1;
}

static int priority_run(struct store *st, const struct conf *c, int64_t now)
{
    int changed = 0, rc = store_priority_sync(st, now, &changed);

    (void)c;
    if (rc < 0)
        log_error("msg=\"priority line sync failed\" rc=%d", rc);
    else if (changed)
        log_info("msg=\"priority line changed\" organizations=%d", changed);
    return rc;
}

/* Maintenance-window notices fall due with time: looked for at each sweep. */
static int maintenance_run(struct store *st, const struct conf *c, int64_t now)
{
    struct maintenance_leads l = maintenance_leads_of(c);
    int queued = 0, rc = store_maintenance_sweep(st, &l, now, &queued);

    if (rc < 0)
        log_error("msg=\"maintenance notices failed\" rc=%d", rc);
    else if (queued)
        log_info("msg=\"maintenance notices queued\" count=%d", queued);
    return rc;
}

/* Requirements tasks and lapse notices fall due by date; a look at each sweep is cheap. */
static int requirements_run(struct store *st, const struct conf *c, int64_t now)
{
    int opened = 0, rc = store_requirements_sweep(st, requirements_lead_days_of(c), now, &opened);

    if (rc < 0)
        log_error("msg=\"requirements tasks failed\" rc=%d", rc);
    else if (opened)
        log_info("msg=\"requirements tasks opened\" count=%d", opened);
    return rc;
}

static int lapse_run(struct store *st, const struct conf *c, int64_t now)
{
    struct lapse_days l = lapse_days_of(c);
    int queued = 0, rc = store_lapse_sweep(st, &l, now, &queued);

    if (rc < 0)
        log_error("msg=\"lapse notices failed\" rc=%d", rc);
    else if (queued)
        log_info("msg=\"lapse notices queued\" count=%d", queued);
    return rc;
}

/* Scheduled and approved installation changes are applied when due: looked for at each sweep. */
static int changes_run(struct store *st, const struct conf *c, int64_t now)
{
    int applied = 0, rc = store_installation_change_sweep(st, now, &applied);

    (void)c;
    if (rc < 0)
        log_error("msg=\"installation changes failed\" rc=%d", rc);
    else if (applied)
        log_info("msg=\"installation changes applied\" count=%d", applied);
    return rc;
}

/* Live chats silent for chat-idle-seconds are closed at each sweep (store/chats.c). */
static int chat_idle_run(struct store *st, const struct conf *c, int64_t now)
{
    int closed = 0, rc = store_chat_idle_sweep(st, now, c->chat_idle_seconds, &closed);

    if (rc < 0)
        log_error("msg=\"idle chats failed\" rc=%d", rc);
    else if (closed)
        log_info("msg=\"idle chats closed\" count=%d", closed);
    return rc;
}

/* The outbox is sent every second (outbox.h), by a server started with --smtp. */
static int64_t outbox_due(const struct conf *c, int64_t now)
{
    (void)c;
    return now;
}

static bool outbox_enabled(const struct conf *c)
{
    return c->smtp != NULL;
}

/* The mailbox is polled every imap-poll-seconds, by a server with imap-url set. */
static int64_t imap_due(const struct conf *c, int64_t now)
{
    return now - c->imap_poll_seconds + 1;
}

static bool imap_enabled(const struct conf *c)
{
    return c->imap_url != NULL;
}

static const struct job jobs[] = {
    {"backup", backup_due, backup_run, LANE_MAIN, NULL},
    {"sla-sweep", sweep_due, sweep_run, LANE_MAIN, NULL},
    {"priority-line", priority_due, priority_run, LANE_MAIN, NULL},
    {"maintenance-notices", sweep_due, maintenance_run, LANE_MAIN, NULL},
    {"requirements-tasks", sweep_due, requirements_run, LANE_MAIN, NULL},
    {"lapse-notices", sweep_due, lapse_run, LANE_MAIN, NULL},
    {"installation-changes", sweep_due, changes_run, LANE_MAIN, NULL},
    {"chat-idle", sweep_due, chat_idle_run, LANE_MAIN, NULL},
    /* mail */
    {"outbox", outbox_due, outbox_run, LANE_MAIL, outbox_enabled},
    {"imap-poll", imap_due, inbox_run, LANE_MAIL, imap_enabled},
};

static bool job_enabled(const struct job *j, const struct conf *c)
{
    return !j->enabled || j->enabled(c);
}

/*
 * A job that failed (the database busy, the disk full, an I/O error) is not marked done,
 * so it stays due; it is tried again after a back-off that doubles from 2 s to
 * RETRY_MAX_SECS, and its lease (held by this server) lets no other server run it meanwhile.
 */
static void job_failed(struct scheduler *s, size_t i, int64_t now, int rc)
{
    int64_t delay = (int64_t)2 << (s->fails[i] < 5 ? s->fails[i] : 5);

    s->fails[i]++;
    if (delay > RETRY_MAX_SECS)
        delay = RETRY_MAX_SECS;
    s->retry_at[i] = now + delay;
    log_warn("msg=\"job failed, will retry\" job=%s rc=%d fails=%d retry_in=%" PRId64,
             jobs[i].name, rc, s->fails[i], delay);
}

/*
 * Whether the IDLE watch announced new mail since the last poll this server ran: the
 * poll is then due at once, still under its lease (so with several servers one polls;
 * the news stays until this server gets the lease, as another may have searched the
 * mailbox just before the mail came).
 */
static bool imap_news(struct scheduler *s, bool take)
{
    bool news;

    pthread_mutex_lock(&s->mu);
    news = s->imap_news;
    if (take)
        s->imap_news = false;
    pthread_mutex_unlock(&s->mu);
    return news;
}

static void run_due_jobs(struct scheduler *s, enum lane lane)
{
    for (size_t i = 0; i < ARRAY_SIZE(jobs); i++) {
        int64_t now = time_now(), since;
        bool got = false, news;
        int rc;

        if (jobs[i].lane != lane || !job_enabled(&jobs[i], s->conf) || now < s->retry_at[i])
            continue;
        news = jobs[i].run == inbox_run && imap_news(s, false);
        since = news ? now + 1 : jobs[i].due_since(s->conf, now);
        if (store_job_lease(s->store, jobs[i].name, s->holder, now, s->conf->lease_seconds,
                            since, &got) < 0 ||
            !got)
            continue;
        if (news)
            imap_news(s, true); /* news after this point makes another poll */
        if ((rc = jobs[i].run(s->store, s->conf, now)) < 0) {
            job_failed(s, i, now, rc);
            continue;
        }
        s->fails[i] = 0;
        s->retry_at[i] = 0;
        store_job_done(s->store, jobs[i].name, s->holder, now);
    }
}

/*
 * Give the memory that the request threads freed back to the system (glibc keeps it in
 * its arenas otherwise, so a peak of large pages would be held for good). Cheap: it walks
 * the free lists; done by the main lane every TRIM_SECS, in this process only (no lease).
 */
#define TRIM_SECS 10

static void trim_memory(int64_t *last)
{
    int64_t now = time_mono_ns() / 1000000000;

    if (*last && now - *last < TRIM_SECS)
        return;
    *last = now;
    malloc_trim(0);
}

static void *scheduler_main(void *arg)
{
    struct lane_thread *lt = arg;
    struct scheduler *s = lt->s;
    int64_t trimmed = 0;

    pthread_mutex_lock(&s->mu);
    while (!s->stopping) {
        struct timespec until;

        pthread_mutex_unlock(&s->mu);
        run_due_jobs(s, lt->lane);
        if (lt->lane == LANE_MAIN)
            trim_memory(&trimmed);
        pthread_mutex_lock(&s->mu);
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += s->tick_ms / 1000;
        until.tv_nsec += (long)(s->tick_ms % 1000) * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        if (!s->stopping)
            pthread_cond_timedwait(&s->cv, &s->mu, &until);
    }
    pthread_mutex_unlock(&s->mu);
    return NULL;
}

/* inbox_watch's pause: wait up to secs (0: just look); true when stopping. */
static bool watch_pause(void *arg, int secs)
{
    struct scheduler *s = arg;
    struct timespec until;
    bool stopping;

    pthread_mutex_lock(&s->mu);
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += secs;
    while (!s->stopping && secs > 0 &&
           pthread_cond_timedwait(&s->cv, &s->mu, &until) != ETIMEDOUT)
        ;
    stopping = s->stopping;
    pthread_mutex_unlock(&s->mu);
    return stopping;
}

/* inbox_watch's wake: the mail lane polls at its next look, which comes now. */
static void watch_wake(void *arg)
{
    struct scheduler *s = arg;

    pthread_mutex_lock(&s->mu);
    s->imap_news = true;
    pthread_cond_broadcast(&s->cv);
    pthread_mutex_unlock(&s->mu);
}

static void *watcher_main(void *arg)
{
    struct scheduler *s = arg;

    inbox_watch(s->conf, watch_pause, watch_wake, s);
    return NULL;
}

_Static_assert(ARRAY_SIZE(jobs) <= 16, "scheduler: fails[] and retry_at[] hold 16 jobs");

struct scheduler *scheduler_start(struct store *st, const struct conf *conf, int tick_ms)
{
    struct scheduler *s = xcalloc(1, sizeof(*s));
    char rnd[17];

    s->store = st;
    s->conf = conf;
    s->tick_ms = tick_ms;
    random_hex(rnd, 8);
    snprintf(s->holder, sizeof(s->holder), "%ld-%s", (long)getpid(), rnd);
    pthread_mutex_init(&s->mu, NULL);
    pthread_cond_init(&s->cv, NULL);
    for (size_t i = 0; i < ARRAY_SIZE(jobs); i++) {
        struct lane_thread *lt = &s->lanes[jobs[i].lane];
        if (lt->started || !job_enabled(&jobs[i], conf))
            continue;
        lt->s = s;
        lt->lane = jobs[i].lane;
        lt->started = true;
        if (pthread_create(&lt->thread, NULL, scheduler_main, lt))
            die("cannot start a jobs thread");
    }
    if (imap_enabled(conf)) {
        if (pthread_create(&s->watcher, NULL, watcher_main, s))
            die("cannot start the mailbox watch thread");
        s->watching = true;
    }
    return s;
}

void scheduler_stop(struct scheduler *s)
{
    if (!s)
        return;
    pthread_mutex_lock(&s->mu);
    s->stopping = true;
    pthread_cond_broadcast(&s->cv);
    pthread_mutex_unlock(&s->mu);
    for (size_t i = 0; i < LANE_COUNT; i++)
        if (s->lanes[i].started)
            pthread_join(s->lanes[i].thread, NULL);
    if (s->watching)
        pthread_join(s->watcher, NULL);
    pthread_mutex_destroy(&s->mu);
    pthread_cond_destroy(&s->cv);
    free(s);
}
