/*
 * alert.c - the pure rules of monitoring alerts (alert.h).
 */
#include "core/compat.h"
#include "core/i18n.h"
#include "domain/alert.h"
#include "core/err.h"

const char *const alert_status_names[] = {TR_NOOP("firing"), TR_NOOP("resolved"), NULL};
const char *const alert_severity_names[] = {"critical", "major", "minor", "warning", "info",
                                            "A",        "B",     "C",     "D",       NULL};
/* The desk severity of alert_severity_names[i]. */
static const enum severity severity_of[] = {SEV_A, SEV_B, SEV_C, SEV_D, SEV_D,
                                            SEV_A, SEV_B, SEV_C, SEV_D};
_Static_assert(ARRAY_SIZE(severity_of) + 1 == ARRAY_SIZE(alert_severity_names),
               "one desk severity per monitoring severity");

static int name_index(const char *const *names, const char *s)
{
    for (int i = 0; s && names[i]; i++)
        if (!strcmp(names[i], s))
            return i;
    return -1;
}

const char *alert_status_name(enum alert_status s)
{
    return alert_status_names[s];
}

int alert_status_parse(const char *s, enum alert_status *out)
{
    int i = name_index(alert_status_names, s);

    if (i < 0)
        return DESK_EINVAL;
    *out = (enum alert_status)i;
    return 0;
}

int alert_severity_map(const char *s, enum severity *out)
{
    int i = name_index(alert_severity_names, s);

    if (i < 0)
        return DESK_EINVAL;
    *out = severity_of[i];
    return 0;
}

enum alert_action alert_decide(bool has_current, bool request_open, enum alert_status was,
                               enum alert_status in)
{
    if (in == ALERT_FIRING)
        return has_current && request_open ? ALERT_FOLD : ALERT_OPEN_REQUEST;
    if (!has_current)
        return ALERT_NONE;
    /* the note marks the change to resolved, once: a storm of resolved alerts adds one */
    return request_open && was == ALERT_FIRING ? ALERT_FOLD_NOTE : ALERT_FOLD;
}
