/*
 * maintenance.c - when a maintenance window's notices are due, and their
 * texts (see maintenance.h).
 */
#include "core/compat.h"
#include "core/i18n.h"
#include "domain/maintenance.h"
#include "core/conf.h"
#include "core/time.h"

const char *const maintenance_status_names[] = {TR_NOOP("scheduled"), TR_NOOP("completed"), NULL};
const char *const remote_method_names[] = {"vpn", "ssh", "rdp", "teamviewer", "other", NULL};

const char *maintenance_status_name(enum maintenance_status s)
{
    return s == MAINTENANCE_COMPLETED ? "completed" : "scheduled";
}

const char *maintenance_notice_name(enum maintenance_notice n)
{
    switch (n) {
    case MAINTENANCE_NOTICE_ANNOUNCE:
        return "announce";
    case MAINTENANCE_NOTICE_REMINDER:
        return "reminder";
    case MAINTENANCE_NOTICE_UPDATED:
        return "updated";
    case MAINTENANCE_NOTICE_ALL_CLEAR:
        return "all_clear";
    case MAINTENANCE_NOTICE_NONE:
        break;
    }
    return "none";
}

struct maintenance_leads maintenance_leads_of(const struct conf *c)
{
    struct maintenance_leads l = {120 * 3600, 24 * 3600};

    if (c) {
        l.announce = c->maintenance_announce_hours * 3600;
        l.remind = c->maintenance_reminder_hours * 3600;
    }
    return l;
}

/* A reminder adds nothing when the announcement went out at or after its time. */
static bool reminder_wanted(const struct maintenance_times *w, int64_t remind)
{
    return w->announced_at && !w->reminded_at && w->announced_at < w->starts_at - remind;
}

enum maintenance_notice maintenance_notice_due(const struct maintenance_times *w, int64_t lead,
                                               int64_t remind, int64_t now)
{
    if (w->cleared_at)
        return MAINTENANCE_NOTICE_NONE;
    if (w->completed || now >= w->ends_at)
        return MAINTENANCE_NOTICE_ALL_CLEAR;
    if (!w->announced_at)
        return now >= w->starts_at - lead ? MAINTENANCE_NOTICE_ANNOUNCE : MAINTENANCE_NOTICE_NONE;
    if (reminder_wanted(w, remind) && now >= w->starts_at - remind && now < w->starts_at)
        return MAINTENANCE_NOTICE_REMINDER;
    return MAINTENANCE_NOTICE_NONE;
}

bool maintenance_notice_silent(const struct maintenance_times *w, enum maintenance_notice n)
{
    return n == MAINTENANCE_NOTICE_ALL_CLEAR && !w->announced_at;
}

/* "2026-12-10 22:00 UTC" */
static void add_time(struct strbuf *sb, int64_t t)
{
    char s[TIME_UTC_TEXT_LEN];

    time_format_utc_text(t, s);
    strbuf_addstr(sb, s);
}

void maintenance_notice_render(enum maintenance_notice n, const struct maintenance_text *t,
                               struct strbuf *subject, struct strbuf *body)
{
    static const char *const lead_in[] = {
        [MAINTENANCE_NOTICE_ANNOUNCE] = "Planned maintenance",
        [MAINTENANCE_NOTICE_REMINDER] = "Reminder: planned maintenance",
        [MAINTENANCE_NOTICE_UPDATED] = "Rescheduled maintenance",
        [MAINTENANCE_NOTICE_ALL_CLEAR] = "Maintenance completed",
    };
    const char *head = n == MAINTENANCE_NOTICE_NONE ? "Maintenance" : lead_in[n];

    strbuf_addf(subject, "%s: %s", head, t->summary);
    if (n == MAINTENANCE_NOTICE_ALL_CLEAR)
        strbuf_addf(body, "The maintenance of %s is over: \"%s\" is completed and service is "
                          "back.\n\nIt was planned from ", t->where, t->summary);
    else if (n == MAINTENANCE_NOTICE_UPDATED)
        strbuf_addf(body, "The maintenance of %s has new times.\n\n\"%s\" now runs from ",
                    t->where, t->summary);
    else
        strbuf_addf(body, "We will maintain %s; it may be unavailable meanwhile.\n\n\"%s\" runs "
                          "from ", t->where, t->summary);
    add_time(body, t->starts_at);
    strbuf_addstr(body, " to ");
    add_time(body, t->ends_at);
    strbuf_addstr(body, ".\n");
    if (t->details && *t->details && n != MAINTENANCE_NOTICE_ALL_CLEAR)
        strbuf_addf(body, "\n%s\n", t->details);
}
