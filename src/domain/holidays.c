/*
 * holidays.c - all-day events of an iCalendar file as holiday dates.
 *
 * libical parses the text and expands RRULEs; the rest is ours: which
 * events count, EXDATE and RECURRENCE-ID removal (libical's iterator does
 * not apply them), multi-day events, and the limits. A rule finer than a
 * day (FREQ=HOURLY...) makes no sense for an all-day event and could make
 * libical step through billions of instants, so it is refused; a rule
 * without COUNT or UNTIL is given UNTIL = the horizon so expansion stops.
 */
#include "core/compat.h"
#include "domain/holidays.h"
#include "core/err.h"
#include "core/strbuf.h"
#include "core/time.h"
#include "core/xalloc.h"

#include <libical/ical.h>

struct days {
    int64_t *v;   /* day numbers, unordered until sorted at the end */
    size_t nr;    /* entries in v */
    size_t alloc; /* capacity of v */
};

/* A moved occurrence: RECURRENCE-ID day of the recurring event with that UID. */
struct moved {
    const char *uid; /* borrowed from the parsed calendar */
    int64_t day;     /* the occurrence it replaces */
};

static bool has_day(const struct days *d, int64_t day)
{
    for (size_t i = 0; i < d->nr; i++)
        if (d->v[i] == day)
            return true;
    return false;
}

/* Add `len` dates from `first`; DESK_EINVAL past HOLIDAYS_MAX distinct dates. */
static int add_dates(struct days *d, int64_t first, int64_t len, struct strbuf *err)
{
    for (int64_t i = 0; i < len; i++) {
        if (d->nr == 2 * HOLIDAYS_MAX) {
            d->nr = days_sort_unique(d->v, d->nr); /* duplicates do not count */
            if (d->nr > HOLIDAYS_MAX)
                return err_addf(err, DESK_EINVAL, "more than %d holiday dates", HOLIDAYS_MAX);
        }
        ALLOC_GROW(d->v, d->nr + 1, d->alloc);
        d->v[d->nr++] = first + i;
    }
    return 0;
}

static bool is_day(struct icaltimetype t)
{
    return !icaltime_is_null_time(t) && t.is_date && t.year >= 1 && t.year <= 9999 &&
           t.month >= 1 && t.month <= 12 && t.day >= 1 &&
           (unsigned)t.day <= days_in_month(t.year, (unsigned)t.month);
}

static int64_t day_of(struct icaltimetype t)
{
    return days_from_civil(t.year, (unsigned)t.month, (unsigned)t.day);
}

/* Days an occurrence lasts: DTEND (excluded) or DURATION, at least one. */
static int64_t event_length(icalcomponent *ev, int64_t start)
{
    icalproperty *p;
    int64_t len = 1;

    if ((p = icalcomponent_get_first_property(ev, ICAL_DTEND_PROPERTY))) {
        struct icaltimetype end = icalproperty_get_dtend(p);
        if (is_day(end))
            len = day_of(end) - start;
    } else if ((p = icalcomponent_get_first_property(ev, ICAL_DURATION_PROPERTY))) {
        struct icaldurationtype d = icalproperty_get_duration(p);
        if (!d.is_neg)
            len = (int64_t)d.weeks * 7 + d.days;
    }
    return len < 1 ? 1 : len;
}

/* EXDATEs of ev, and the RECURRENCE-IDs that move its occurrences. */
static void exclusions(icalcomponent *ev, const struct moved *mv, size_t mv_nr, struct days *ex)
{
    const char *uid = icalcomponent_get_uid(ev);
    icalproperty *p;

    for (p = icalcomponent_get_first_property(ev, ICAL_EXDATE_PROPERTY); p;
         p = icalcomponent_get_next_property(ev, ICAL_EXDATE_PROPERTY)) {
        struct icaltimetype t = icalproperty_get_exdate(p);
        if (is_day(t)) {
            ALLOC_GROW(ex->v, ex->nr + 1, ex->alloc);
            ex->v[ex->nr++] = day_of(t);
        }
    }
    for (size_t i = 0; uid && i < mv_nr; i++)
        if (!strcmp(mv[i].uid, uid)) {
            ALLOC_GROW(ex->v, ex->nr + 1, ex->alloc);
            ex->v[ex->nr++] = mv[i].day;
        }
}

/* The occurrences of one RRULE up to `horizon` (a day number). */
static int expand_rule(struct icalrecurrencetype rule, struct icaltimetype start, int64_t len,
                       int64_t horizon, const struct days *ex, struct days *out, struct strbuf *err)
{
    icalrecur_iterator *it;
    struct icaltimetype t;
    int rc = 0;

    if (rule.freq == ICAL_SECONDLY_RECURRENCE || rule.freq == ICAL_MINUTELY_RECURRENCE ||
        rule.freq == ICAL_HOURLY_RECURRENCE)
        return err_addf(err, DESK_EINVAL, "RRULE repeats more often than daily");
    if (!rule.count && icaltime_is_null_time(rule.until)) {
        int64_t y;
        unsigned m, d;
        civil_from_days(horizon + 1, &y, &m, &d);
        rule.until = icaltime_null_date();
        rule.until.year = (int)y;
        rule.until.month = (int)m;
        rule.until.day = (int)d;
    }
    if (!(it = icalrecur_iterator_new(rule, start)))
        return err_addf(err, DESK_EINVAL, "RRULE cannot be expanded");
    while (!rc && !icaltime_is_null_time(t = icalrecur_iterator_next(it)) && is_day(t) &&
           day_of(t) <= horizon)
        if (!has_day(ex, day_of(t)))
            rc = add_dates(out, day_of(t), len, err);
    icalrecur_iterator_free(it);
    return rc;
}

static int expand_event(icalcomponent *ev, const struct moved *mv, size_t mv_nr, int64_t horizon,
                        struct days *out, struct strbuf *err)
{
    icalproperty *p = icalcomponent_get_first_property(ev, ICAL_DTSTART_PROPERTY);
    struct icaltimetype start = p ? icalproperty_get_dtstart(p) : icaltime_null_time();
    struct days ex = {0};
    int64_t first, len;
    int rc = 0;

    if (!p || icaltime_is_null_time(start))
        return err_addf(err, DESK_EINVAL, "no DTSTART");
    if (!start.is_date || icalcomponent_get_status(ev) == ICAL_STATUS_CANCELLED)
        return 0; /* a timed or cancelled event is not a holiday */
    if (!is_day(start))
        return err_addf(err, DESK_EINVAL, "DTSTART is not a date");
    first = day_of(start);
    len = event_length(ev, first);
    exclusions(ev, mv, mv_nr, &ex);
    if (!has_day(&ex, first))
        rc = add_dates(out, first, len, err);
    for (p = icalcomponent_get_first_property(ev, ICAL_RRULE_PROPERTY); p && !rc;
         p = icalcomponent_get_next_property(ev, ICAL_RRULE_PROPERTY))
        rc = expand_rule(icalproperty_get_rrule(p), start, len, horizon, &ex, out, err);
    for (p = icalcomponent_get_first_property(ev, ICAL_RDATE_PROPERTY); p && !rc;
         p = icalcomponent_get_next_property(ev, ICAL_RDATE_PROPERTY)) {
        struct icaltimetype t = icalproperty_get_rdate(p).time;
        if (is_day(t) && !has_day(&ex, day_of(t)))
            rc = add_dates(out, day_of(t), len, err);
    }
    free(ex.v);
    return rc;
}

/* The RECURRENCE-IDs of the calendar: occurrences that an override replaces. */
static size_t moved_occurrences(icalcomponent *root, struct moved **out)
{
    size_t nr = 0, alloc = 0;
    icalcomponent *ev;

    *out = NULL;
    for (ev = icalcomponent_get_first_component(root, ICAL_VEVENT_COMPONENT); ev;
         ev = icalcomponent_get_next_component(root, ICAL_VEVENT_COMPONENT)) {
        icalproperty *p = icalcomponent_get_first_property(ev, ICAL_RECURRENCEID_PROPERTY);
        const char *uid = icalcomponent_get_uid(ev);
        struct icaltimetype rid = p ? icalproperty_get_recurrenceid(p) : icaltime_null_time();
        if (!uid || !is_day(rid))
            continue;
        ALLOC_GROW(*out, nr + 1, alloc);
        (*out)[nr++] = (struct moved){uid, day_of(rid)};
    }
    return nr;
}

/* Ten years after today, the same date (29 February gives 28 February). */
static int64_t horizon_of(int64_t today)
{
    int64_t y;
    unsigned m, d;

    civil_from_days(today, &y, &m, &d);
    y += HOLIDAYS_YEARS_AHEAD;
    if (d > days_in_month(y, m))
        d = days_in_month(y, m);
    return days_from_civil(y, m, d);
}

static int collect(icalcomponent *root, int64_t today, struct days *out, struct strbuf *err)
{
    struct strbuf why = STRBUF_INIT;
    struct moved *mv;
    size_t mv_nr = moved_occurrences(root, &mv), i = 0;
    int64_t horizon = horizon_of(today);
    icalcomponent *ev;
    int rc = 0;

    for (ev = icalcomponent_get_first_component(root, ICAL_VEVENT_COMPONENT); ev && !rc;
         ev = icalcomponent_get_next_component(root, ICAL_VEVENT_COMPONENT), i++) {
        const char *uid = icalcomponent_get_uid(ev);
        if ((rc = expand_event(ev, mv, mv_nr, horizon, out, &why)) < 0)
            err_addf(err, DESK_EINVAL, "VEVENT %zu%s%.64s%s: %s", i + 1, uid ? " ('" : "",
                     uid ? uid : "", uid ? "')" : "", why.buf);
    }
    strbuf_release(&why);
    free(mv);
    return rc;
}

int holidays_from_ics(const char *ics, size_t len, int64_t today, int64_t **days, size_t *nr,
                      struct strbuf *err)
{
    struct days out = {0};
    icalcomponent *root;
    char *text;
    int rc;

    if (len > HOLIDAYS_MAX_ICS)
        return err_addf(err, DESK_EINVAL, "%zu bytes, more than %u", len, HOLIDAYS_MAX_ICS);
    text = xstrndup(ics, len);
    root = icalparser_parse_string(text);
    free(text);
    if (!root || icalcomponent_isa(root) != ICAL_VCALENDAR_COMPONENT) {
        if (root)
            icalcomponent_free(root);
        return err_addf(err, DESK_EINVAL,
                        "not an iCalendar file (expected BEGIN:VCALENDAR ... END:VCALENDAR)");
    }
    rc = collect(root, today, &out, err);
    icalcomponent_free(root);
    out.nr = days_sort_unique(out.v, out.nr);
    if (!rc && out.nr > HOLIDAYS_MAX)
        rc = err_addf(err, DESK_EINVAL, "more than %d holiday dates", HOLIDAYS_MAX);
    if (rc < 0) {
        free(out.v);
        return rc;
    }
    *days = out.v;
    *nr = out.nr;
    return 0;
}

int64_t easter_sunday(int64_t y)
{
    int64_t a = y % 19, b = y / 100, c = y % 100, d = b / 4, e = b % 4, f = (b + 8) / 25;
    int64_t g = (b - f + 1) / 3, h = (19 * a + b - d - g + 15) % 30, i = c / 4, k = c % 4;
    int64_t l = (32 + 2 * e + 2 * i - h - k) % 7, m = (a + 11 * h + 22 * l) / 451;
    int64_t month = (h + l - 7 * m + 114) / 31, day = (h + l - 7 * m + 114) % 31 + 1;

    return days_from_civil(y, (unsigned)month, (unsigned)day);
}

size_t holidays_denmark(int64_t year, int64_t *out, size_t max)
{
    int64_t easter = easter_sunday(year);
    const int64_t days[] = {
        days_from_civil(year, 1, 1),   easter - 3,  easter - 2,
        easter + 1,                    easter + 39, easter + 50,
        days_from_civil(year, 6, 5),   days_from_civil(year, 12, 24),
        days_from_civil(year, 12, 25), days_from_civil(year, 12, 26),
        days_from_civil(year, 12, 31),
    };
    size_t n = 0;

    for (size_t i = 0; i < ARRAY_SIZE(days) && n < max; i++)
        out[n++] = days[i];
    return days_sort_unique(out, n);
}
