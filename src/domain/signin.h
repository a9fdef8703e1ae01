/*
 * signin.h - when a sign-in attempt must wait (issue 12: lockout as a weapon).
 *
 * Failures are counted per (client address, e-mail as typed), for known and
 * unknown accounts alike, so the answers do not tell which accounts exist.
 * Two rules, both answering "wait N seconds" (429 with Retry-After):
 *
 * - Backoff per (address, account): the first SIGNIN_FREE_FAILURES failures
 *   within SIGNIN_WINDOW cost nothing; after that each further try must wait
 *   2^(n - SIGNIN_FREE_FAILURES + 1) seconds (2, 4, 8, ...) after the latest
 *   of the n failures, at most SIGNIN_BACKOFF_MAX. A stranger guessing from one address slows only
 *   itself: the owner signing in from another address is not affected.
 * - A global ceiling per account against guessing from many addresses: with
 *   SIGNIN_ACCOUNT_CEILING failures within SIGNIN_WINDOW from all addresses
 *   together, addresses that the account never signed in from (no session or
 *   token of it made from there in the last SIGNIN_KNOWN_DAYS) wait until the
 *   oldest of those failures leaves the window; known addresses still pass.
 *
 * Pure: no I/O, no clock (now is given).
 */
#ifndef DOMAIN_SIGNIN_H
#define DOMAIN_SIGNIN_H

#include "core/compat.h"

#define SIGNIN_WINDOW (60 * 60)       /* seconds a failure counts */
#define SIGNIN_FREE_FAILURES 5        /* per (address, account) before the backoff starts */
#define SIGNIN_BACKOFF_MAX (15 * 60)  /* the longest wait between two tries */
#define SIGNIN_ACCOUNT_CEILING 100    /* failures of one account from all addresses */
#define SIGNIN_KNOWN_DAYS 30          /* an address signed in from lately is "known" */

struct signin_counts {
    int64_t pair_failures;   /* failures of this (address, e-mail) within the window */
    int64_t pair_last;       /* UTC seconds of the latest of them; 0 when none */
    int64_t ceiling_oldest;  /* the SIGNIN_ACCOUNT_CEILING-th latest failure of the
                                e-mail from any address within the window; 0: fewer */
    bool known_address;      /* the account signed in from this address lately */
};

/* The backoff after n failures of one (address, account): 0 below the free ones. */
int64_t signin_backoff(int64_t n);
/* Seconds the next attempt must wait at now (0: it may go ahead, else >= 1). */
int64_t signin_wait(const struct signin_counts *c, int64_t now);

#endif
