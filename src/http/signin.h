/*
 * signin.h - checking an e-mail and password, shared by POST /api/v1/tokens,
 * POST /login and the password changes that need the current password.
 *
 * What a check costs and who may try (issue 12):
 * - At most `password-checks` argon2id checks (64 MiB each) run at once;
 *   beyond them the answer is DESK_EBUSY (503, Retry-After: 1) at once,
 *   nothing queues.
 * - At most `sign-in-per-minute` attempts a minute from one client address,
 *   and as many for one e-mail address (in memory, per server): DESK_ELIMIT.
 * - Failures back off per (address, account), with a looser ceiling per
 *   account (domain/signin.h): DESK_ELIMIT with the seconds to wait.
 * - An unknown e-mail is checked against a dummy argon2id hash made once
 *   (signin_setup), and its failures are counted the same way, so neither
 *   the time nor the throttle tells whether an account exists.
 */
#ifndef HTTP_SIGNIN_H
#define HTTP_SIGNIN_H

#include "http/http.h"

struct signin {
    const char *email;    /* in: as typed */
    const char *password; /* in */
    struct user user;     /* out: the account, on 0 and DESK_EDENIED */
    int64_t retry_after;  /* out on DESK_ELIMIT and DESK_EBUSY: seconds */
    const char *message;  /* out on every error but a store's: for people (static or arena) */
};

/*
 * Make the dummy hash (about 60 ms and 64 MiB, once). serve calls it before
 * listening; a check calls it too when nobody did. Returns 0 or DESK_EIO.
 */
int signin_setup(void);
/*
 * Check s->email and s->password for req's client. Returns 0 (s->user
 * signed in); DESK_EUNAUTH (wrong e-mail or password, counted as a failure);
 * DESK_EDENIED (the password is right but an admin disabled the account);
 * DESK_ELIMIT or DESK_EBUSY (not checked; s->retry_after); or a store error.
 */
int signin_check(struct req *req, struct signin *s);

#endif
