/*
 * user.h - people who sign in, their roles, and the caller of a request.
 *
 * Roles are ordered: customer < agent < admin, so "agent or better" is
 * role >= ROLE_AGENT. A customer always belongs to one organisation; staff
 * (agents, admins) belong to none. Pure: no I/O.
 */
#ifndef DOMAIN_USER_H
#define DOMAIN_USER_H

#include "core/compat.h"

enum role {
    ROLE_NONE = 0,     /* anonymous: no valid token or session */
    ROLE_CUSTOMER = 1, /* a contact of a customer organisation */
    ROLE_AGENT = 2,    /* vendor support staff */
    ROLE_ADMIN = 3,    /* vendor staff running the system */
};

struct user {
    int64_t id;              /* 0 until stored */
    const char *email;       /* unique, compared case-insensitively */
    const char *name;        /* display name, 1-200 characters */
    enum role role;          /* never ROLE_NONE once stored */
    int64_t organization_id; /* customers: their organisation; staff: 0 */
    int64_t created_at;      /* UTC seconds */
    bool disabled;           /* an admin ended its access: no sign-in, no session, no token */
    const char *time_zone;   /* IANA zone it reads times in; NULL: each request's calendar */
    const char *language;    /* code of the language of its pages (core/i18n.h); NULL: browser's */
};

/* Who is asking: every store query that reads tenant data takes one. */
struct caller {
    int64_t user_id;         /* 0 for anonymous or the system itself */
    enum role role;          /* ROLE_NONE for anonymous */
    int64_t organization_id; /* customers only; 0 otherwise */
};

/* The system acting on its own (init, jobs): full rights, no user. */
#define CALLER_SYSTEM ((struct caller){0, ROLE_ADMIN, 0})

/* "admin", "agent", "customer" ("none" for ROLE_NONE). */
const char *role_name(enum role r);
/* Parse a role name; returns 0 or DESK_EINVAL (ROLE_NONE is not parsed). */
int role_parse(const char *s, enum role *out);
/* True when e looks like an e-mail address: one '@', non-empty parts, a dot in the domain, <= 254. */
bool email_valid(const char *e);

#endif
