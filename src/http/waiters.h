/*
 * waiters.h - requests held open without a thread (GET /api/v1/events).
 *
 * A held request's connection is suspended in MHD and listed here; one
 * thread looks about once a second at the newest audit id and asks each
 * waiter with older events whether it can be answered now (fn). A waiter
 * is answered at the latest after hold_s seconds, and every one when the
 * server stops. Bounded: max waiters in all, per_user for one user.
 */
#ifndef HTTP_WAITERS_H
#define HTTP_WAITERS_H

#include "core/compat.h"
#include <microhttpd.h>

struct store;
struct waiters;

/*
 * Answer item if it can be now (always when last): queue its response on the
 * suspended connection and return true; otherwise move *after past what was
 * read and return false. Runs in the waiters' thread.
 */
typedef bool (*waiter_fn)(void *item, int64_t *after, bool last);

enum waiter_result { WAITER_HELD, WAITER_FULL, WAITER_STOPPING };

/* Start the thread; NULL when it cannot start. */
struct waiters *waiters_start(struct store *st, unsigned max, unsigned per_user, int hold_s,
                              waiter_fn fn);
/*
 * Hold item (its connection conn suspended here): WAITER_HELD, or WAITER_FULL
 * (a limit; answer 503) or WAITER_STOPPING (answer now), conn untouched.
 */
enum waiter_result waiters_add(struct waiters *w, struct MHD_Connection *conn, void *item,
                               int64_t user_id, int64_t after);
/* Answer and resume every waiter and end the thread; waiters_add says WAITER_STOPPING after. */
void waiters_stop(struct waiters *w);
/* Free w (after the HTTP daemon stopped). NULL: nothing. */
void waiters_free(struct waiters *w);

#endif
