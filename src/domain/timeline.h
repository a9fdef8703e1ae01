/*
 * timeline.h - the history of a request in words, for the desk (issue 15): each row of the
 * audit trail about a request ("update", "escalate", "triage", an SLA warning ...) as one
 * line of what happened: "changed the status from New to In progress; assigned it to Bo".
 * Pure: no I/O; the names of users and organisations come from the caller. The words are in
 * the thread's language (core/i18n.h: tr()).
 *
 *     struct timeline_names nm = {staff_name, org_name, ctx};
 *     if (timeline_words("ticket", "update", before, after, &nm, &line)) ...
 */
#ifndef DOMAIN_TIMELINE_H
#define DOMAIN_TIMELINE_H

#include "core/compat.h"
#include "core/strbuf.h"

struct timeline_names {
    const char *(*user)(void *ctx, int64_t id);         /* a user's name; NULL: unknown */
    const char *(*organization)(void *ctx, int64_t id); /* an organisation's; NULL: unknown */
    void *ctx;
};

/*
 * Append what the audit row of a request did (entity "ticket", or "time_entry" for time
 * logged on it: who logged is the row's actor, how long, which kind, on which day and the
 * note come from after; NULL entity: "ticket"; action; before and after as stored: JSON
 * text, or for SLA notices the notice's name; NULL: none) to out, and return true; false,
 * out unchanged, for a row the history does not show (an update that changed nothing it
 * names, an unknown action or entity). Messages are not rows of the request: the
 * conversation shows them.
 */
bool timeline_words(const char *entity, const char *action, const char *before,
                    const char *after, const struct timeline_names *names, struct strbuf *out);

#endif
