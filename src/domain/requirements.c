/*
 * requirements.c - when an agreement year's requirements task and the lapse
 * notices of its hours bank fall due (see requirements.h).
 */
#include "domain/requirements.h"
#include "core/conf.h"
#include "core/err.h"
#include "core/time.h"
#include "core/xalloc.h"

static bool enhanced_in_force(const struct agreement *a, int64_t today)
{
    return a->kind == AK_ENHANCED && agreement_active_on(a, today);
}

bool requirements_due(const struct agreement *a, int64_t lead_days, int64_t today,
                      int64_t *year_start)
{
    int64_t from, to;

    if (!enhanced_in_force(a, today))
        return false;
    agreement_year(a->starts_on, today, &from, &to);
    if (!agreement_term_holds(a, to + 1) || today < to + 1 - lead_days)
        return false;
    *year_start = to + 1;
    return true;
}

bool agreement_year_starts_on(const struct agreement *a, int64_t day)
{
    int64_t from, to;

    if (day < a->starts_on || !agreement_term_holds(a, day))
        return false;
    agreement_year(a->starts_on, day, &from, &to);
    return from == day;
}

void requirements_title(int64_t year_start, char out[REQUIREMENTS_TITLE_LEN])
{
    char date[DATE_LEN];
    int64_t y;
    unsigned m, d;

    civil_from_days(year_start, &y, &m, &d);
    if (m == 1 && d == 1) {
        snprintf(out, REQUIREMENTS_TITLE_LEN, "Requirements for %" PRId64, y);
        return;
    }
    date_format(year_start, date);
    snprintf(out, REQUIREMENTS_TITLE_LEN, "Requirements for the year from %s", date);
}

bool lapse_year_end(const struct agreement *a, int64_t today, int64_t *last_day)
{
    int64_t from, to;

    if (!enhanced_in_force(a, today))
        return false;
    agreement_year(a->starts_on, today, &from, &to);
    *last_day = a->ends_on != DATE_NONE && a->ends_on < to ? a->ends_on : to;
    return true;
}

unsigned lapse_notices_due(const struct lapse_days *l, int64_t last_day, int64_t today)
{
    unsigned due = 0;

    for (size_t i = 0; i < l->n; i++)
        if (last_day + 1 - l->days[i] <= today && today <= last_day)
            due |= 1u << i;
    return due;
}

_Static_assert(LAPSE_DAYS_MAX == CONF_LIST_MAX, "lapse-notice-days holds CONF_LIST_MAX");

struct lapse_days lapse_days_of(const struct conf *c)
{
    struct lapse_days l = {{60, 14}, 2};

    if (c && !c->lapse_notice_days)
        l.n = 0; /* set empty: no notices */
    else if (c && conf_int_list(c->lapse_notice_days, 1, LAPSE_DAY_MAX, l.days, LAPSE_DAYS_MAX, &l.n) < 0)
        BUG("lapse-notice-days was checked when set");
    return l;
}

int64_t requirements_lead_days_of(const struct conf *c)
{
    return c ? c->requirements_lead_days : 60;
}

void lapse_notice_render(const struct lapse_text *t, struct strbuf *subject, struct strbuf *body)
{
    char hours[MONEY_TEXT_LEN], from[DATE_LEN], last[DATE_LEN];
    unsigned services = t->services ? t->services : ~0u;

    hours_format(t->remaining, hours);
    date_format(t->from, from);
    date_format(t->last_day, last);
    strbuf_addf(subject, "Agreement #%" PRId64 ": %s unused hours lapse after %s", t->agreement_id,
                hours, last);
    strbuf_addf(body,
                "Agreement #%" PRId64 ": %s hours of the hours bank of the agreement year from "
                "%s to %s are still unused.\n\nHours not used by %s lapse: nothing carries over "
                "to the next year. Use them, for example, for:\n\n",
                t->agreement_id, hours, from, last, last);
    for (unsigned i = 0; agreement_service_names[i]; i++) {
        if (!(services & (1u << i)))
            continue;
        strbuf_addstr(body, "- ");
        for (const char *p = agreement_service_names[i]; *p; p++)
            strbuf_addch(body, *p == '_' ? ' ' : *p);
        strbuf_addch(body, '\n');
    }
    strbuf_addstr(body, "\nReply to this message or ask your representative to plan them.\n");
}
