/*
 * chat.h - live chat in the portal (issue 16): a chat's statuses, its limits and
 * who may do what in which status. Pure: no I/O.
 *
 * A chat is a request of channel chat from its first line (store/chats.c): its
 * messages are the request's messages. It waits until an agent accepts it, is
 * active while they talk, and is closed by either side or, idle for
 * chat-idle-seconds, by the scheduler; a closed chat takes no more messages
 * (the request goes on as any other).
 */
#ifndef DOMAIN_CHAT_H
#define DOMAIN_CHAT_H

#include "core/compat.h"

#define CHAT_SUBJECT_MAX 300      /* characters of a subject: the request's subject */
#define CHAT_MESSAGE_MAX 4000     /* characters of one chat line (the opening one too) */
#define CHAT_IDLE_DEFAULT 1800    /* seconds without a message before the job closes a chat */
#define CHAT_LIST_MAX 200         /* chats in one list answer at most */

enum chat_status { CHAT_WAITING, CHAT_ACTIVE, CHAT_CLOSED };

struct chat {
    int64_t id;              /* 0 until stored */
    int64_t organization_id; /* the customer's organisation */
    int64_t ticket_id;       /* its request (channel chat) */
    int64_t customer_id;     /* who opened it */
    int64_t agent_id;        /* who accepted it; 0 while waiting */
    enum chat_status status; /* where it stands */
    const char *subject;     /* the request's subject (read with it) */
    const char *body;        /* the opening line: the request's description (read with it) */
    const char *organization_name, *customer_name, *agent_name; /* read with it; "" for none */
    int64_t last_message_at;   /* the idle job counts from it (UTC seconds) */
    int64_t accepted_at;       /* 0: not yet */
    int64_t closed_at;         /* 0: open */
    int64_t closed_by;         /* who closed it; 0: the idle job (or open) */
    int64_t created_at;        /* UTC seconds */
};

/* NULL-terminated: waiting, active, closed. */
extern const char *const chat_status_names[];

const char *chat_status_name(enum chat_status s);
/* Parse a status name; 0 or DESK_EINVAL (NULL included). */
int chat_status_parse(const char *s, enum chat_status *out);

/* What a chat write does (chat_decide). */
enum chat_act {
    CHAT_ACT_MESSAGE, /* a line by the customer or the agent */
    CHAT_ACT_ACCEPT,  /* an agent joins */
    CHAT_ACT_CLOSE,   /* either side ends it */
};

/*
 * May someone (staff or not) do act on a chat in status s? 0, or
 * DESK_ECONFLICT with why (a static phrase) in *why: a closed chat takes
 * nothing; a waiting one takes the customer's lines, an accept (staff only)
 * and a close, not an agent's line (accept it first); an active one takes
 * lines of both and a close, no second accept. An accept by a customer is
 * DESK_EDENIED.
 */
int chat_decide(enum chat_status s, enum chat_act act, bool staff, const char **why);

/* Has a chat whose last line was at last_at been idle for idle_secs at now? Closed never. */
bool chat_idle(enum chat_status s, int64_t last_at, int64_t now, int64_t idle_secs);

/*
 * Why text is not an acceptable chat line ("must not be blank", "must have at most 4000
 * characters", "is not valid UTF-8", "must not contain NUL"), as a phrase to follow the
 * field's name; NULL when it is. len is its length in bytes. Lines may span several lines.
 */
const char *chat_text_problem(const char *text, size_t len);

#endif
