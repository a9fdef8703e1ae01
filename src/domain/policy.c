/*
 * policy.c - SLA policy defaults, hour conversion, targets from and to JSON.
 */
#include "core/compat.h"
#include "domain/policy.h"
#include "core/err.h"
#include "core/strbuf.h"
#include "domain/sla.h"
#include <math.h>

#define SHOW 64 /* bytes of an unknown key quoted in a message */

const char *const policy_level_names[] = {"A", "B", "C", "D", "enhancement", NULL};
const char *const policy_target_names[] = {"response_hours", "update_hours", "resolution_hours",
                                           NULL};

/* SPEC 2.1: "initiate handling within" for A-D; enhancements have no clock by default. */
static const int64_t default_response_hours[POLICY_LEVELS] = {4, 8, 16, 16, 0};

static int64_t default_response(enum policy_level l) { return default_response_hours[l] * 3600; }

const char policy_default_calendar_json[] =
    "{\"timezone\":\"Europe/Copenhagen\",\"hours\":{\"mon\":[\"08:00-16:00\"],"
    "\"tue\":[\"08:00-16:00\"],\"wed\":[\"08:00-16:00\"],\"thu\":[\"08:00-16:00\"],"
    "\"fri\":[\"08:00-14:30\"]}}";

void policy_defaults(struct sla_policy *p)
{
    p->warn_permille = POLICY_WARN_DEFAULT;
    for (int l = 0; l < POLICY_LEVELS; l++) {
        p->target[l] = (struct policy_target){l != LEVEL_ENHANCEMENT, {0, 0, 0}};
        p->target[l].secs[TARGET_RESPONSE] = default_response((enum policy_level)l);
    }
}

/*
 * Round x * scale half up to an integer unit of 1/1000 scale first: a
 * decimal input such as 0.00125 hours (4.5 s) is not exact in binary, and
 * its product may land a hair under the half; thousandths absorb that.
 */
static int64_t round_half_up(double x, double scale)
{
    int64_t milli = llround(x * scale * 1000.0);
    return (milli + 500) / 1000;
}

int policy_hours_to_secs(double hours, int64_t *secs, const char **why)
{
    if (!isfinite(hours) || hours <= 0) {
        *why = "must be more than 0";
        return DESK_EINVAL;
    }
    if (hours > (double)SLA_MAX_SECONDS / 3600) {
        *why = "is more hours than the SLA clock counts";
        return DESK_EINVAL;
    }
    *secs = round_half_up(hours, 3600);
    if (*secs < 1) {
        *why = "rounds to 0 seconds; a target must be at least 1 second";
        return DESK_EINVAL;
    }
    return 0;
}

int policy_warn_permille(double warn_at, int *permille, const char **why)
{
    if (!isfinite(warn_at) || warn_at <= 0 || warn_at > 1) {
        *why = "must be more than 0 and at most 1";
        return DESK_EINVAL;
    }
    *permille = (int)round_half_up(warn_at, 1000);
    if (*permille < 1) {
        *why = "rounds to 0; the smallest threshold is 0.001";
        return DESK_EINVAL;
    }
    return 0;
}

/* Index of s in a NULL-terminated list, or -1. */
static int name_index(const char *const *names, const char *s)
{
    for (int i = 0; names[i]; i++)
        if (!strcmp(names[i], s))
            return i;
    return -1;
}

static int parse_target(const char *level, int k, const json_t *v, struct policy_target *t,
                        struct strbuf *err)
{
    const char *why;

    if (!json_is_number(v))
        return err_addf(err, DESK_EINVAL,
                        "targets.%s.%s: expected a number of working hours or null", level,
                        policy_target_names[k]);
    if (policy_hours_to_secs(json_number_value(v), &t->secs[k], &why) < 0)
        return err_addf(err, DESK_EINVAL, "targets.%s.%s: %g hours %s", level,
                        policy_target_names[k], json_number_value(v), why);
    return 0;
}

static int parse_level(enum policy_level l, const json_t *v, struct policy_target *t,
                       struct strbuf *err)
{
    const char *level = policy_level_names[l], *key;
    json_t *val;
    int rc;

    if (!json_is_object(v))
        return err_addf(err, DESK_EINVAL,
                        "targets.%s: expected an object like {\"response_hours\": 4}", level);
    json_object_foreach((json_t *)v, key, val)
    {
        if (name_index(policy_target_names, key) < 0)
            return err_addf(err, DESK_EINVAL,
                            "targets.%s.%.*s: unknown target (expected response_hours, "
                            "update_hours, resolution_hours)",
                            level, SHOW, key);
    }
    *t = (struct policy_target){true, {default_response(l), 0, 0}};
    for (int k = 0; k < POLICY_TARGETS; k++) {
        val = json_object_get(v, policy_target_names[k]);
        if (val && !json_is_null(val) && (rc = parse_target(level, k, val, t, err)) < 0)
            return rc;
    }
    return 0;
}

int policy_targets_from_json(const json_t *targets, struct policy_target target[POLICY_LEVELS],
                             bool given[POLICY_LEVELS], struct strbuf *err)
{
    const char *key;
    json_t *val;
    int rc;

    if (!json_is_object(targets))
        return err_addf(err, DESK_EINVAL,
                        "targets: expected an object like {\"A\": {\"response_hours\": 4}}");
    json_object_foreach((json_t *)targets, key, val)
    {
        int l = name_index(policy_level_names, key);
        if (l < 0)
            return err_addf(err, DESK_EINVAL,
                            "targets.%.*s: unknown level (expected A, B, C, D, enhancement)", SHOW,
                            key);
        if (json_is_null(val))
            continue; /* null is the same as leaving the level out */
        if ((rc = parse_level((enum policy_level)l, val, &target[l], err)) < 0)
            return rc;
        if (given)
            given[l] = true;
    }
    return 0;
}

/* Field by field: the struct has padding that memcmp would read. */
static bool target_equal(const struct policy_target *a, const struct policy_target *b)
{
    if (a->set != b->set)
        return false;
    for (int k = 0; k < POLICY_TARGETS; k++)
        if (a->secs[k] != b->secs[k])
            return false;
    return true;
}

bool sla_policy_apply(struct sla_policy *p, const struct sla_policy_patch *patch)
{
    bool moves = false;

    if (patch->name)
        p->name = patch->name;
    if (patch->calendar_id && patch->calendar_id != p->calendar_id) {
        p->calendar_id = patch->calendar_id;
        moves = true;
    }
    if (patch->warn_permille)
        p->warn_permille = patch->warn_permille;
    if (patch->escalation_emails) {
        p->escalation_emails = patch->escalation_emails;
        p->escalation_nr = patch->escalation_nr;
    }
    for (int l = 0; l < POLICY_LEVELS; l++) {
        if (!patch->given[l])
            continue;
        moves |= !target_equal(&p->target[l], &patch->target[l]);
        p->target[l] = patch->target[l];
    }
    return moves;
}

/* Whole numbers print as integers ("4"), others as decimals ("1.5"). */
static json_t *json_fraction(int64_t n, int64_t per)
{
    if (n % per == 0)
        return json_integer(n / per);
    return json_real((double)n / (double)per);
}

static json_t *target_json(const struct policy_target *t)
{
    json_t *o;

    if (!t->set)
        return json_null();
    o = json_object();
    for (int k = 0; k < POLICY_TARGETS; k++)
        json_object_set_new(o, policy_target_names[k],
                            t->secs[k] ? json_fraction(t->secs[k], 3600) : json_null());
    return o;
}

json_t *sla_policy_to_json(const struct sla_policy *p)
{
    json_t *targets = json_object(), *emails = json_array();

    for (int l = 0; l < POLICY_LEVELS; l++)
        json_object_set_new(targets, policy_level_names[l], target_json(&p->target[l]));
    for (size_t i = 0; i < p->escalation_nr; i++)
        json_array_append_new(emails, json_string(p->escalation_emails[i]));
    return json_pack("{s:I, s:s, s:I, s:o, s:o, s:o}", "id", (json_int_t)p->id, "name", p->name,
                     "calendar_id", (json_int_t)p->calendar_id, "warn_at",
                     json_fraction(p->warn_permille, 1000), "targets", targets, "escalation_emails",
                     emails);
}
