/*
 * canned.h - canned replies: text snippets with placeholders that agents
 * insert into a reply (issue 15). Pure: no I/O.
 *
 * A placeholder is {{name}} with a name of canned_placeholder_names; a body
 * with any other {{...}} is refused when it is saved, so that expanding never
 * meets an unknown one. Expanding puts each value in as plain text (the
 * reply is text; the pages escape it like any other).
 */
#ifndef DOMAIN_CANNED_H
#define DOMAIN_CANNED_H

#include "core/compat.h"
#include "core/strbuf.h"

#define CANNED_TITLE_MAX 200   /* characters */
#define CANNED_BODY_MAX 20000  /* characters */

enum canned_placeholder {
    CP_REQUESTER_NAME,  /* the requester's name */
    CP_REQUESTER_EMAIL, /* the requester's e-mail */
    CP_ORGANIZATION,    /* the organisation's name */
    CP_TICKET_ID,       /* the request's number */
    CP_SUBJECT,         /* the request's subject */
    CP_DUE,             /* the next due time of the request's SLA */
    CP_AGENT_NAME,      /* the agent who inserts it */
    CP_COUNT
};
/* NULL-terminated, in enum order: requester_name, requester_email, organization, ... */
extern const char *const canned_placeholder_names[];

struct canned_reply {
    int64_t id;          /* 0 until stored */
    const char *title;   /* 1..CANNED_TITLE_MAX characters, one line */
    const char *body;    /* 1..CANNED_BODY_MAX characters */
    int64_t owner_id;    /* who made it (agents change their own, admins any) */
    const char *owner_name; /* read with it */
    int64_t created_at, updated_at; /* UTC seconds */
};

/* 0 when every {{...}} of body is a known placeholder, else DESK_EINVAL with the first in err. */
int canned_check(const char *body, struct strbuf *err);
/* body with each placeholder replaced by values[placeholder] ("" for NULL), appended to out. */
void canned_expand(const char *body, const char *const values[CP_COUNT], struct strbuf *out);

#endif
