#include "core/compat.h"
#include "http/metrics.h"
#include "core/arena.h"
#include "domain/ticket.h"
#include "store/store.h"
#include <stdatomic.h>

/* Latency bucket upper bounds in seconds (Prometheus histogram, cumulative on output). */
static const double bucket_le[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1};
#define NBUCKETS (sizeof(bucket_le) / sizeof(bucket_le[0]))

static _Atomic uint64_t by_class[6];          /* 1xx..5xx by status / 100 */
static _Atomic uint64_t buckets[NBUCKETS + 1]; /* last: above the largest bound */
static _Atomic uint64_t sum_ns;

void metrics_request(int status, int64_t duration_ns)
{
    double secs = (double)duration_ns / 1e9;
    size_t b = 0;

    atomic_fetch_add_explicit(&by_class[(unsigned)status / 100 % 6], 1, memory_order_relaxed);
    while (b < NBUCKETS && secs > bucket_le[b])
        b++;
    atomic_fetch_add_explicit(&buckets[b], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&sum_ns, (uint64_t)duration_ns, memory_order_relaxed);
}

void metrics_render(struct strbuf *out, struct store *st)
{
    int64_t by_status[TS_COUNT];
    uint64_t total = 0, commits, writes;
    int64_t pending;
    struct arena a = ARENA_INIT;
    const char *last_backup;

    strbuf_addstr(out, "# HELP svcdesk_http_requests_total HTTP requests answered, by status "
                       "class.\n# TYPE svcdesk_http_requests_total counter\n");
    for (unsigned c = 1; c <= 5; c++)
        strbuf_addf(out, "svcdesk_http_requests_total{code=\"%uxx\"} %" PRIu64 "\n", c,
                    atomic_load(&by_class[c]));
    strbuf_addstr(out, "# HELP svcdesk_http_request_duration_seconds Time to answer a request.\n"
                       "# TYPE svcdesk_http_request_duration_seconds histogram\n");
    for (size_t b = 0; b <= NBUCKETS; b++) {
        total += atomic_load(&buckets[b]);
        if (b < NBUCKETS)
            strbuf_addf(out, "svcdesk_http_request_duration_seconds_bucket{le=\"%g\"} %" PRIu64 "\n",
                        bucket_le[b], total);
    }
    strbuf_addf(out, "svcdesk_http_request_duration_seconds_bucket{le=\"+Inf\"} %" PRIu64 "\n",
                total);
    strbuf_addf(out, "svcdesk_http_request_duration_seconds_sum %.6f\n",
                (double)atomic_load(&sum_ns) / 1e9);
    strbuf_addf(out, "svcdesk_http_request_duration_seconds_count %" PRIu64 "\n", total);
    store_write_stats(st, &commits, &writes);
    strbuf_addf(out,
                "# HELP svcdesk_db_commits_total Write transactions (group commits).\n"
                "# TYPE svcdesk_db_commits_total counter\nsvcdesk_db_commits_total %" PRIu64 "\n"
                "# HELP svcdesk_db_writes_total Writes committed.\n"
                "# TYPE svcdesk_db_writes_total counter\nsvcdesk_db_writes_total %" PRIu64 "\n",
                commits, writes);
    strbuf_addf(out,
                "# HELP svcdesk_db_degraded 1 when the database file was found damaged.\n"
                "# TYPE svcdesk_db_degraded gauge\nsvcdesk_db_degraded %d\n",
                store_degraded(st, NULL) ? 1 : 0);
    if (store_meta_get(st, "last_backup_at", &last_backup, &a) == 0)
        strbuf_addf(out,
                    "# HELP svcdesk_last_backup_timestamp_seconds When the last backup was "
                    "written.\n# TYPE svcdesk_last_backup_timestamp_seconds gauge\n"
                    "svcdesk_last_backup_timestamp_seconds %s\n",
                    last_backup);
    if (store_ticket_counts(st, by_status) == 0) {
        strbuf_addstr(out, "# HELP svcdesk_tickets Requests by status.\n"
                           "# TYPE svcdesk_tickets gauge\n");
        for (int i = 0; i < TS_COUNT; i++)
            strbuf_addf(out, "svcdesk_tickets{status=\"%s\"} %" PRId64 "\n",
                        ticket_status_name((enum ticket_status)i), by_status[i]);
    }
    if (store_outbox_pending(st, &pending) == 0)
        strbuf_addf(out,
                    "# HELP svcdesk_outbox_pending Notifications waiting to be sent.\n"
                    "# TYPE svcdesk_outbox_pending gauge\nsvcdesk_outbox_pending %" PRId64 "\n",
                    pending);
    arena_release(&a);
}
