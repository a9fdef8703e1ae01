/*
 * timeline.c - a request's audit rows in words (see timeline.h).
 */
#include "core/compat.h"
#include "core/i18n.h"
#include "domain/timeline.h"
#include "domain/ticket.h"
#include <jansson.h>

static const char *name_of(const char *(*fn)(void *, int64_t), void *ctx, int64_t id,
                           const char *unknown)
{
    const char *n = fn && id ? fn(ctx, id) : NULL;
    return n && *n ? n : unknown;
}

static const char *status_label(const char *name)
{
    enum ticket_status s;
    return name && ticket_status_parse(name, &s) == 0 ? tr(ticket_status_labels[s]) : "?";
}

/* "; " between the parts of one line */
static void part(struct strbuf *out, size_t start)
{
    if (out->len > start)
        strbuf_addstr(out, "; ");
}

/* An update: each field the audited view names that changed, in the order people read. */
static void changes(json_t *b, json_t *a, const struct timeline_names *nm, struct strbuf *out)
{
    size_t start = out->len;
    const char *bs = json_string_value(json_object_get(b, "status"));
    const char *as = json_string_value(json_object_get(a, "status"));
    const char *bv = json_string_value(json_object_get(b, "severity"));
    const char *av = json_string_value(json_object_get(a, "severity"));
    const char *bt = json_string_value(json_object_get(b, "type"));
    const char *at = json_string_value(json_object_get(a, "type"));
    json_int_t bw = json_integer_value(json_object_get(b, "assignee_id"));
    json_int_t aw = json_integer_value(json_object_get(a, "assignee_id"));
    json_t *bb = json_object_get(b, "billable"), *ab = json_object_get(a, "billable");

    if (bs && as && strcmp(bs, as))
        strbuf_addf(out, tr("changed the status from %s to %s"), status_label(bs),
                    status_label(as));
    if (bv && av && strcmp(bv, av)) {
        part(out, start);
        strbuf_addf(out, tr("changed the severity from %s to %s"), bv, av);
    }
    if (bt && at && strcmp(bt, at)) {
        part(out, start);
        strbuf_addf(out, tr("changed the type from %s to %s"), bt, at);
    }
    if (bw != aw) {
        part(out, start);
        if (!aw)
            strbuf_addstr(out, tr("unassigned it"));
        else
            strbuf_addf(out, bw ? tr("reassigned it to %s") : tr("assigned it to %s"),
                        name_of(nm->user, nm->ctx, aw, tr("a user gone")));
    }
    if (json_is_boolean(bb) && json_is_boolean(ab) && json_is_true(bb) != json_is_true(ab)) {
        part(out, start);
        strbuf_addstr(out, json_is_true(ab) ? tr("marked it billable") : tr("marked it not billable"));
    }
}

/* An SLA notice's name ("response_warning", "update_breach@1767000000") in words. */
static void sla_words(const char *notice, bool breach, struct strbuf *out)
{
    static const struct {
        const char *clock, *warning, *breach;
    } words[] = {
        {"response", TR_NOOP("the response target neared its due time (warning)"),
         TR_NOOP("the response target was breached")},
        {"update", TR_NOOP("the update target neared its due time (warning)"),
         TR_NOOP("the update target was breached")},
        {"resolution", TR_NOOP("the resolution target neared its due time (warning)"),
         TR_NOOP("the resolution target was breached")},
    };
    size_t clock = notice ? strcspn(notice, "_") : 0;

    for (size_t i = 0; i < ARRAY_SIZE(words); i++)
        if (clock == strlen(words[i].clock) && !strncmp(notice, words[i].clock, clock)) {
            strbuf_addstr(out, tr(breach ? words[i].breach : words[i].warning));
            return;
        }
    strbuf_addstr(out, breach ? tr("the SLA target was breached")
                              : tr("the SLA target neared its due time (warning)"));
}

/*
 * Time logged on the request: "logged 1:30 h of billable time on 2026-12-07: the note".
 * A row written before the trail named what was logged (after NULL) says "logged time".
 */
static void time_words(const char *action, json_t *a, struct strbuf *out)
{
    json_int_t minutes = json_integer_value(json_object_get(a, "minutes"));
    const char *kind = json_string_value(json_object_get(a, "kind"));
    const char *on = json_string_value(json_object_get(a, "on"));
    const char *note = json_string_value(json_object_get(a, "note"));

    if (strcmp(action, "create"))
        return;
    if (!json_is_object(a) || minutes <= 0) {
        strbuf_addstr(out, tr("logged time"));
        return;
    }
    strbuf_addf(out, tr("logged %" PRId64 ":%02d h"), (int64_t)(minutes / 60),
                (int)(minutes % 60));
    if (kind && *kind)
        strbuf_addf(out, tr(" of %s time"), kind);
    if (on && *on)
        strbuf_addf(out, tr(" on %s"), on);
    if (note && *note)
        strbuf_addf(out, ": %s", note);
}

bool timeline_words(const char *entity, const char *action, const char *before,
                    const char *after, const struct timeline_names *nm, struct strbuf *out)
{
    json_t *b = before ? json_loads(before, JSON_DECODE_ANY, NULL) : NULL;
    json_t *a = after ? json_loads(after, JSON_DECODE_ANY, NULL) : NULL;
    size_t start = out->len;

    if (entity && !strcmp(entity, "time_entry")) {
        time_words(action, a, out);
    } else if (entity && strcmp(entity, "ticket")) {
        /* a row of another entity: not the request's */
    } else if (!strcmp(action, "create")) {
        strbuf_addstr(out, tr("opened the request"));
    } else if (!strcmp(action, "update") || !strcmp(action, "close")) {
        changes(b, a, nm, out);
    } else if (!strcmp(action, "escalate")) {
        strbuf_addf(out, tr("escalated it (level %" PRId64 ")"),
                    (int64_t)json_integer_value(json_object_get(a, "escalation_level")));
    } else if (!strcmp(action, "triage")) {
        strbuf_addf(out, tr("moved it to %s"),
                    name_of(nm->organization, nm->ctx,
                            json_integer_value(json_object_get(a, "organization_id")),
                            tr("an organisation")));
    } else if (!strcmp(action, "merge")) {
        strbuf_addf(out, tr("merged it into #%" PRId64),
                    (int64_t)json_integer_value(json_object_get(a, "into_id")));
    } else if (!strcmp(action, "link")) {
        const char *kind = json_string_value(json_object_get(a, "kind"));
        int64_t other = (int64_t)json_integer_value(json_object_get(a, "ticket_id"));
        if (kind && !strcmp(kind, "parent"))
            strbuf_addf(out, tr("made #%" PRId64 " its parent"), other);
        else if (kind && !strcmp(kind, "child"))
            strbuf_addf(out, tr("made #%" PRId64 " its child"), other);
        else
            strbuf_addf(out, tr("linked it to #%" PRId64), other);
    } else if (!strcmp(action, "sla_warning") || !strcmp(action, "sla_breach")) {
        sla_words(after, !strcmp(action, "sla_breach"), out);
    }
    json_decref(b);
    json_decref(a);
    return out->len > start;
}
