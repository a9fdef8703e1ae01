/*
 * release.c - names and rules of releases, installations and known errors (see release.h).
 */
#include "core/compat.h"
#include "core/i18n.h"
#include "domain/release.h"
#include "core/err.h"

const char *const release_kind_names[] = {"hotfix", "patch", "minor", "major", NULL};
const char *const known_error_status_names[] = {
    TR_NOOP("investigating"), TR_NOOP("workaround"), TR_NOOP("fixed"), TR_NOOP("closed"), NULL};
const char *const hosting_model_names[] = {"vendor_hosted", "customer_hosted", NULL};

/* Index of s in a NULL-terminated list, or -1. */
static int name_index(const char *const *names, const char *s)
{
    for (int i = 0; s && names[i]; i++)
        if (!strcmp(names[i], s))
            return i;
    return -1;
}

const char *release_kind_name(enum release_kind k) { return release_kind_names[k]; }

const char *known_error_status_name(enum known_error_status s)
{
    return known_error_status_names[s];
}

const char *hosting_model_name(bool vendor_hosted)
{
    return hosting_model_names[vendor_hosted ? 0 : 1];
}

int release_kind_parse(const char *s, enum release_kind *out)
{
    int i = name_index(release_kind_names, s);

    if (i < 0)
        return DESK_EINVAL;
    *out = (enum release_kind)i;
    return 0;
}

int known_error_status_parse(const char *s, enum known_error_status *out)
{
    int i = name_index(known_error_status_names, s);

    if (i < 0)
        return DESK_EINVAL;
    *out = (enum known_error_status)i;
    return 0;
}

int hosting_model_parse(const char *s, bool *vendor_hosted)
{
    int i = name_index(hosting_model_names, s);

    if (i < 0)
        return DESK_EINVAL;
    *vendor_hosted = i == 0;
    return 0;
}

const char *known_error_problem(enum known_error_status status, const char *workaround)
{
    if (status == KE_WORKAROUND && (!workaround || !*workaround))
        return "workaround";
    return NULL;
}

const char *const change_status_names[] = {
    TR_NOOP("proposed"), TR_NOOP("approved"), TR_NOOP("declined"), TR_NOOP("scheduled"),
    TR_NOOP("installed"), NULL};

const char *change_status_name(enum change_status s)
{
    return change_status_names[s];
}

int change_status_parse(const char *s, enum change_status *out)
{
    int i = name_index(change_status_names, s);

    if (i < 0)
        return DESK_EINVAL;
    *out = (enum change_status)i;
    return 0;
}

enum change_status change_status_new(bool proposed, int64_t at, int64_t now)
{
    if (proposed)
        return CS_PROPOSED;
    return at > now ? CS_SCHEDULED : CS_INSTALLED;
}

int change_status_after(enum change_status from, enum change_action act, int64_t at, int64_t now,
                        enum change_status *to)
{
    if (act == CA_APPROVE && from == CS_PROPOSED)
        *to = at > now ? CS_APPROVED : CS_INSTALLED;
    else if (act == CA_DECLINE && from == CS_PROPOSED)
        *to = CS_DECLINED;
    else if (act == CA_APPLY && change_due(from, at, now))
        *to = CS_INSTALLED;
    else
        return DESK_ECONFLICT;
    return 0;
}

bool change_due(enum change_status s, int64_t at, int64_t now)
{
    return (s == CS_APPROVED || s == CS_SCHEDULED) && at <= now;
}

bool change_applies(enum change_status s)
{
    return s == CS_INSTALLED;
}
