#include "core/compat.h"
#include "core/i18n.h"
#include "domain/ticket.h"
#include "core/err.h"

const char *const ticket_status_names[] = {"new", "in_progress", "waiting_customer", "resolved",
                                           "closed", NULL};
const char *const severity_names[] = {"A", "B", "C", "D", NULL};
/* names of the API and the database; TR_NOOP: the pages show them in words (tr) */
const char *const ticket_type_names[] = {TR_NOOP("error"), TR_NOOP("assistance"),
                                         TR_NOOP("enhancement"), TR_NOOP("service"), NULL};
const char *const channel_names[] = {TR_NOOP("portal"), TR_NOOP("email"), TR_NOOP("phone"),
                                     TR_NOOP("chat"),   TR_NOOP("api"),   TR_NOOP("monitoring"),
                                     NULL};

static int parse(const char *const *names, const char *s, int *out)
{
    for (int i = 0; s && names[i]; i++)
        if (!strcmp(names[i], s)) {
            *out = i;
            return 0;
        }
    return DESK_EINVAL;
}

const char *const ticket_status_labels[TS_COUNT + 1] = {
    TR_NOOP("New"),      TR_NOOP("In progress"), TR_NOOP("Waiting for customer"),
    TR_NOOP("Resolved"), TR_NOOP("Closed"),      NULL};

const char *ticket_status_words(enum ticket_status s)
{
    static const char *const words[] = {TR_NOOP("New"), TR_NOOP("In progress"),
                                        TR_NOOP("Waiting for your reply"), TR_NOOP("Resolved"),
                                        TR_NOOP("Closed")};
    return (size_t)s < ARRAY_SIZE(words) ? words[s] : "";
}

const char *ticket_status_name(enum ticket_status s)
{
    return ticket_status_names[s];
}

const char *severity_name(enum severity s)
{
    return severity_names[s];
}

const char *ticket_type_name(enum ticket_type t)
{
    return ticket_type_names[t];
}

const char *channel_name(enum channel c)
{
    return channel_names[c];
}

int ticket_status_parse(const char *s, enum ticket_status *out)
{
    int v, rc = parse(ticket_status_names, s, &v);
    if (!rc)
        *out = (enum ticket_status)v;
    return rc;
}

int severity_parse(const char *s, enum severity *out)
{
    int v, rc = parse(severity_names, s, &v);
    if (!rc)
        *out = (enum severity)v;
    return rc;
}

int ticket_type_parse(const char *s, enum ticket_type *out)
{
    int v, rc = parse(ticket_type_names, s, &v);
    if (!rc)
        *out = (enum ticket_type)v;
    return rc;
}

int channel_parse(const char *s, enum channel *out)
{
    int v, rc = parse(channel_names, s, &v);
    if (!rc)
        *out = (enum channel)v;
    return rc;
}

enum severity ticket_default_severity(enum ticket_type t)
{
    return t == TT_ASSISTANCE ? SEV_D : SEV_C;
}

/* The graph of SPEC 5: moves[from] is the set of statuses reachable in one move. */
#define BIT(s) (1u << (s))
static const unsigned moves[TS_COUNT] = {
    [TS_NEW] = BIT(TS_IN_PROGRESS),
    [TS_IN_PROGRESS] = BIT(TS_WAITING_CUSTOMER) | BIT(TS_RESOLVED),
    [TS_WAITING_CUSTOMER] = BIT(TS_IN_PROGRESS) | BIT(TS_RESOLVED),
    [TS_RESOLVED] = BIT(TS_CLOSED) | BIT(TS_IN_PROGRESS),
    [TS_CLOSED] = 0,
};

int ticket_move_check(enum role role, enum ticket_status from, enum ticket_status to,
                      int64_t resolved_at, int64_t now)
{
    bool customer_may;

    if (from == to)
        return 0;
    if (!(moves[from] & BIT(to)))
        return DESK_ECONFLICT;
    customer_may = (from == TS_RESOLVED) || (from == TS_WAITING_CUSTOMER && to == TS_IN_PROGRESS);
    if (role < ROLE_AGENT && !customer_may)
        return DESK_EDENIED;
    if (from == TS_RESOLVED && to == TS_IN_PROGRESS && now - resolved_at > REOPEN_WINDOW_SECS)
        return DESK_ECONFLICT;
    return 0;
}

enum ticket_status ticket_next_toward(enum ticket_status from, enum ticket_status to)
{
    enum ticket_status first[TS_COUNT], queue[TS_COUNT];
    unsigned seen = BIT(from);
    size_t head = 0, tail = 0;

    if (from == to)
        return to;
    for (int s = 0; s < TS_COUNT; s++)
        if (moves[from] & BIT(s)) {
            first[s] = (enum ticket_status)s;
            queue[tail++] = (enum ticket_status)s;
            seen |= BIT(s);
        }
    while (head < tail) { /* breadth first: the first step of a shortest way */
        enum ticket_status s = queue[head++];
        if (s == to)
            return first[s];
        for (int n = 0; n < TS_COUNT; n++)
            if ((moves[s] & BIT(n)) && !(seen & BIT(n))) {
                seen |= BIT(n);
                first[n] = first[s];
                queue[tail++] = (enum ticket_status)n;
            }
    }
    return from;
}

bool ticket_status_running(enum ticket_status s)
{
    return s == TS_NEW || s == TS_IN_PROGRESS;
}

bool ticket_status_stopped(enum ticket_status s)
{
    return s == TS_RESOLVED || s == TS_CLOSED;
}

void ticket_move(struct ticket *t, enum role role, enum ticket_status to, int64_t now)
{
    if (to == t->status)
        return;
    if (to == TS_IN_PROGRESS && role >= ROLE_AGENT && !t->handling_initiated_at)
        t->handling_initiated_at = now;
    if (to == TS_RESOLVED)
        t->resolved_at = now;
    t->status = to;
}

int ticket_status_change(struct ticket *t, enum role role, bool has_status,
                         enum ticket_status to, int64_t now)
{
    int rc;

    if (t->status == TS_CLOSED && (!has_status || to != TS_CLOSED))
        return DESK_ECONFLICT;
    if (!has_status)
        return 0;
    if ((rc = ticket_move_check(role, t->status, to, t->resolved_at, now)) < 0)
        return rc;
    ticket_move(t, role, to, now);
    return 0;
}

int ticket_reply(struct ticket *t, enum role role, bool internal, int64_t now)
{
    enum ticket_status to;
    int rc = ticket_reply_effect(role, internal, t->status, t->resolved_at, now, &to);

    if (rc < 0)
        return rc;
    if (role >= ROLE_AGENT && !internal) {
        if (!t->handling_initiated_at)
            t->handling_initiated_at = now;
        t->last_staff_reply_at = now;
    }
    ticket_move(t, role, to, now);
    return 0;
}

int ticket_escalate(struct ticket *t)
{
    if (ticket_status_stopped(t->status))
        return DESK_ECONFLICT;
    t->escalation_level++;
    return 0;
}

int ticket_reply_effect(enum role role, bool internal, enum ticket_status from,
                        int64_t resolved_at, int64_t now, enum ticket_status *to)
{
    *to = from;
    if (from == TS_CLOSED)
        return DESK_ECONFLICT;
    if (role >= ROLE_AGENT || internal)
        return 0;
    if (from == TS_WAITING_CUSTOMER)
        *to = TS_IN_PROGRESS;
    if (from == TS_RESOLVED) {
        if (now - resolved_at > REOPEN_WINDOW_SECS)
            return DESK_ECONFLICT;
        *to = TS_IN_PROGRESS;
    }
    return 0;
}
