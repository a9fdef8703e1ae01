/*
 * server.h - the HTTP server (libmicrohttpd, a thread per connection).
 *
 * Handlers block on the database, so each connection has its own thread
 * (measured: an event-loop pool falls to ~1.8k req/s when handlers block
 * 1 ms; thread-per-connection keeps ~40k). Keep-alive is on. A body over
 * its route's limit is answered 413 before it is read when the client
 * sent Content-Length (and so before "100 Continue").
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
