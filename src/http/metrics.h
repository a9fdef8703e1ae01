/*
 * metrics.h - process counters for /metrics (Prometheus text format).
 *
 * Counting is lock-free (atomics) and cheap enough for every request.
 */
#ifndef HTTP_METRICS_H
#define HTTP_METRICS_H

#include "core/compat.h"
#include "core/strbuf.h"

struct store;

/* Count one answered request with its status and duration. */
void metrics_request(int status, int64_t duration_ns);
/* Append the whole exposition: requests, latencies, database writes, backups. */
void metrics_render(struct strbuf *out, struct store *st);

#endif
