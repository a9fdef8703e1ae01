/*
 * notice.h - the texts of the mail svcdesk sends: one template per kind of
 * notice, with {name} placeholders filled from struct notice_vars. Pure: no
 * I/O. The store renders a notice when it queues it in the outbox, so the
 * text sent on every attempt is the one of the moment of the event.
 *
 *     struct notice_vars v = {.ticket_id = 7, .subject = "Meter reads stop"};
 *     notice_render(NOTICE_T_RECEIVED, &v, &subject, &body);
 */
#ifndef DOMAIN_NOTICE_H
#define DOMAIN_NOTICE_H

#include "core/compat.h"
#include "core/strbuf.h"
#include <jansson.h>

enum notice_template {
    NOTICE_T_RECEIVED,    /* a request was opened */
    NOTICE_T_REPLY,       /* a public message on a request */
    NOTICE_T_STATUS,      /* the status changed */
    NOTICE_T_ESCALATION,  /* a customer escalated */
    NOTICE_T_SLA_WARNING, /* a clock passed its warning threshold */
    NOTICE_T_SLA_BREACH,  /* a clock passed its due time */
    NOTICE_T_REJECTED,    /* mail from an unknown sender, refused (unknown-senders = reject) */
};
#define NOTICE_T_COUNT 7

/* What a template may name; NULL strings render as "". */
struct notice_vars {
    int64_t ticket_id;    /* {id}; 0 for a notice about no request */
    const char *subject;  /* {subject}: the request's, or the refused mail's */
    const char *body;     /* {body}: the request's text or the message */
    const char *status;   /* {status}: a status name */
    const char *severity; /* {severity}: A..D */
    const char *clock;    /* {clock}: response, update or resolution */
    const char *due;      /* {due}: RFC 3339 UTC */
    const char *sender;   /* {sender}: the address of a refused mail */
    const char *history;  /* {history}: the conversation before, quoted (notice_history) */
};

/* One earlier message of a request, as a notice quotes it. */
struct notice_quote {
    const char *author; /* a name; "" or NULL: "support" for staff, else "the customer" */
    bool staff;         /* written by the vendor's staff */
    int64_t at;         /* UTC seconds */
    const char *body;   /* the text */
};
#define NOTICE_HISTORY_MAX 5         /* earlier messages a notice quotes, the newest */
#define NOTICE_QUOTE_MAX_BYTES 4000  /* of each, cut at a character */
/*
 * Append the conversation before a notice, quoted the way mail clients do, newest first:
 * a blank line, "Earlier in this request:", then for each "On 2026-12-01 10:00 UTC, NAME
 * wrote:" and its lines behind "> " (a body longer than NOTICE_QUOTE_MAX_BYTES cut, "> …").
 * Nothing for n == 0.
 */
void notice_history(const struct notice_quote *q, size_t n, struct strbuf *out);

/* The events of a request that notify people (SPEC 2.6, 5), and who hears of each. */
enum notice_event {
    NOTICE_RECEIVED,   /* a request was opened: to its requester and opted-in contacts */
    NOTICE_REPLY,      /* a message: public staff replies to the customer side, customer
                          messages to the assignee; internal notes to nobody */
    NOTICE_STATUS,     /* the status changed: to the requester and opted-in contacts */
    NOTICE_ESCALATION, /* an escalation: to the assignee and the escalation contacts */
};
enum notice_audience {
    NOTICE_TO_CUSTOMER = 1 << 0,   /* the requester, opted-in contacts, a mail requester */
    NOTICE_TO_ASSIGNEE = 1 << 1,   /* the agent the request is assigned to */
    NOTICE_TO_ESCALATION = 1 << 2, /* the escalation contacts of the request's policy */
};
/* Who hears of event e (for a message: by staff or not, a note or not); 0: nobody. */
unsigned notice_audience(enum notice_event e, bool staff_author, bool internal);
/*
 * The addresses of list (a JSON array of strings; consumed) to send to: each once in any
 * case, none empty, none equal to mute (may be NULL), as compact JSON text (free() it), or
 * NULL when nobody is left.
 */
char *notice_recipients(json_t *list, const char *mute);

/* The outbox kind of a template: "received", "reply", ..., "sla_breach", "rejected". */
const char *notice_kind_name(enum notice_template t);
/*
 * Append the subject (one line: line breaks become spaces) and the body of
 * template t filled with v to subject and body.
 */
void notice_render(enum notice_template t, const struct notice_vars *v, struct strbuf *subject,
                   struct strbuf *body);

#endif
