/*
 * scheduler.h - background jobs of `serve`: the daily backup, the SLA sweep,
 * the hourly priority-line sync, the maintenance-window notices (each sweep), and the mail jobs (sending the outbox,
 * polling IMAP, woken at once by the IMAP IDLE watch on a thread of its own).
 *
 * A thread per lane wakes every tick and runs each of its jobs that is due
 * and enabled: the main lane (backup, sweep, priority line), and the mail
 * lane (started only with --smtp or imap-url), whose jobs wait on other
 * servers and so must not hold back the sweep. A job runs under a lease in
 * the database (store_job_lease), one per job, held for lease-seconds, so
 * with several servers on one database each run happens once; the server
 * that took it marks it done, or, when it died, another server takes it over
 * once the lease ends (so a run longer than the lease may happen twice:
 * lease-seconds stays above the longest job, a backup).
 */
#ifndef JOBS_SCHEDULER_H
#define JOBS_SCHEDULER_H

#include "core/compat.h"
#include "core/conf.h"

struct store;
struct scheduler;

/* Start the jobs thread; tick_ms is how often it looks for due jobs. */
struct scheduler *scheduler_start(struct store *st, const struct conf *conf, int tick_ms);
/* Stop after the job in progress (if any) and free. */
void scheduler_stop(struct scheduler *s);
/*
 * The latest instant at or before now at which a daily job set for
 * "HH:MM" UTC was due.
 */
int64_t daily_due_since(const char *hhmm, int64_t now);

#endif
