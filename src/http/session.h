/*
 * session.h - sign-in for the pages: the session cookie and the CSRF token.
 *
 * A session is a random 256-bit token the browser keeps in the cookie
 * svcdesk_session (HttpOnly; SameSite=Lax; Path=/; Secure when public-url
 * is https or the proxy in front says X-Forwarded-Proto: https). With an
 * https public-url the cookies are named __Host-svcdesk_session and
 * __Host-svcdesk_csrf, which a sibling subdomain cannot set. The database
 * holds only the token's SHA-256 (sessions table); a session lasts 7 days
 * and ends sooner when unused for session-idle-seconds (default 8 hours).
 * Every request reads it again, with its user: a disabled user or an ended
 * session is refused at once.
 *
 * CSRF: every form carries a hidden field "csrf", checked on every POST of a
 * page (missing or wrong: 403, nothing changes). With a session the token is
 * derived, not stored: HMAC-SHA256 keyed with the session token over a fixed
 * label, as hex. Only the holder of the cookie can compute it, it changes
 * with every session, and it does not reveal the session token. Before
 * sign-in (the sign-in form itself) there is no session: the token is a
 * random value also set in the cookie svcdesk_csrf, and the post must carry
 * the same value in the field and the cookie (double submit).
 */
#ifndef HTTP_SESSION_H
#define HTTP_SESSION_H

#include "http/http.h"

#define SESSION_COOKIE "svcdesk_session"
#define CSRF_COOKIE "svcdesk_csrf"
#define CSRF_FIELD "csrf"
#define SESSION_LIFETIME (7 * 86400) /* SPEC 5: sessions last 7 days */
#define CSRF_TEXT_LEN 64             /* hex characters of a CSRF token */
#define SESSION_IDLE_DEFAULT (8 * 3600) /* session-idle-seconds when the conf has none */

/* The session cookie's name for req: __Host-svcdesk_session with an https public-url. */
const char *session_cookie_name(const struct req *req);
/* The value of cookie `name` of the request (arena), or NULL. */
const char *req_cookie(const struct req *req, const char *name);
/*
 * A one-time notice for the next page a form redirects to: code (a word of the caller's own,
 * e.g. "saved", never user text) in a short cookie (60 s, HttpOnly, SameSite=Lax); the page
 * takes it (NULL: none) and clears it.
 */
void session_flash_set(struct req *req, struct res *res, const char *code);
const char *session_flash_take(struct req *req, struct res *res);

/*
 * Authenticate req by its session cookie: on a live session fills
 * req->user, req->caller, session_token, session_hash, credential_id and
 * has_session, and records the use (the idle clock). Returns 0, or
 * DESK_EUNAUTH (no cookie, unknown, ended or expired session, disabled
 * user), or DESK_EBUSY / DESK_EIO when the store could not tell (the
 * database does not answer: not the caller's fault, so not a sign-in); a
 * session that only timed out sets req->expired_user and session_token (a
 * draft may be kept, see session_expired_csrf_ok).
 */
int session_authenticate(struct req *req);

/*
 * The CSRF token that req's forms carry (arena): derived from the session,
 * or without one the value of the svcdesk_csrf cookie. Without either, a
 * new random token is made and res gets the cookie (pass res NULL to only
 * read: NULL is then returned).
 */
const char *session_csrf(struct req *req, struct res *res);
/* True when the posted form's csrf field equals session_csrf (compared in constant time). */
bool session_csrf_ok(struct req *req);

/* True when the posted csrf field is the one of req's timed-out session (req->expired_user). */
bool session_expired_csrf_ok(struct req *req);

/* Start a session for user u: store it, set the cookie on res. 0 or a store error. */
int session_start(struct req *req, struct res *res, const struct user *u);
/* End req's session (if any) and clear the cookie on res. */
void session_end(struct req *req, struct res *res);

#endif
