/*
 * signin.c - the sign-in throttle's rules (see signin.h).
 */
#include "core/compat.h"
#include "domain/signin.h"

int64_t signin_backoff(int64_t n)
{
    int64_t wait = 2; /* not 1: a clock of whole seconds would let the next try through */

    if (n < SIGNIN_FREE_FAILURES)
        return 0;
    for (int64_t i = SIGNIN_FREE_FAILURES; i < n && wait < SIGNIN_BACKOFF_MAX; i++)
        wait *= 2;
    return wait < SIGNIN_BACKOFF_MAX ? wait : SIGNIN_BACKOFF_MAX;
}

int64_t signin_wait(const struct signin_counts *c, int64_t now)
{
    int64_t wait = 0, w;

    if (c->pair_failures >= SIGNIN_FREE_FAILURES && c->pair_last) {
        w = c->pair_last + signin_backoff(c->pair_failures) - now;
        if (w > wait)
            wait = w;
    }
    if (!c->known_address && c->ceiling_oldest) {
        w = c->ceiling_oldest + SIGNIN_WINDOW - now;
        if (w > wait)
            wait = w;
    }
    return wait;
}
