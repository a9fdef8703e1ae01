/*
 * server.h - the HTTP server (libmicrohttpd).
 *
 * conf http-threads epoll threads read and write every connection, so an
 * idle one costs memory, not a thread; they run reads (GET, HEAD: a pooled
 * SQLite connection, microseconds) themselves and hand every other method
 * to conf http-workers threads, because writes block ~1-10 ms on the group
 * commit (an event loop whose handlers block fell to ~1.8k req/s).
 * http-threads 0 is the old model: a thread per connection, no workers.
 *
 * Connections: at most max-connections-per-address from one address and
 * max-connections in all (within RLIMIT_NOFILE, whose soft limit is raised
 * to the hard one at start); a request header must be complete within
 * header-timeout-seconds of the connection's start or its last answer.
 * Keep-alive is on. An answer decided before the body (401, 404, 413 for
 * an announced size over the route's limit, ...) goes before the body to a
 * client that waits for "100 Continue"; from any other the body is read
 * and dropped first (up to 64 MiB, then the connection is closed), so that
 * clients that write before they read get the answer, not a reset.
 */
#ifndef HTTP_SERVER_H
#define HTTP_SERVER_H

#include "core/compat.h"
#include "core/conf.h"
#include "core/strbuf.h"

struct store;
struct server;

/*
 * Listen on conf->listen ("HOST:PORT"; port 0 picks one) and serve. *port
 * is the port bound. Returns 0, or DESK_EINVAL/DESK_EIO with err filled.
 */
int server_start(const struct conf *conf, struct store *st, struct server **out, int *port,
                 struct strbuf *err);
/* Stop accepting, finish the connections, free the server. */
void server_stop(struct server *srv);

#endif
