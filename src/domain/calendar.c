/*
 * calendar.c - parsing, validating, serialising and compiling calendars.
 *
 * Compiling builds one struct cal_week per local week of the table, from
 * the Monday before 1970-01-01 to a Monday after 2101-01-01: the UTC instant
 * of its local Monday 00:00 and the working seconds of all earlier weeks.
 * Most weeks are "uniform": no UTC offset change between their two Mondays,
 * so their spans are the weekly template shifted by the week's start, less
 * the days that are holidays. The other weeks (two a year in zones with DST)
 * have their spans mapped day by day once, here, and kept in a pool.
 * See docs/internals/sla.md.
 */
#include "core/compat.h"
#include "domain/calendar.h"
#include "core/err.h"
#include "core/strbuf.h"
#include "core/time.h"
#include "core/xalloc.h"
#include "domain/tz.h"

#define DAY 86400
#define WEEK (7 * DAY)
#define FIRST_MONDAY (-3) /* 1969-12-29, day number */
#define WEEKS_NR 6837     /* FIRST_MONDAY + 7 * WEEKS_NR is 2101-01-10 */
#define SHOW 64           /* bytes of a bad value quoted in a message */

static const char *const day_names[7] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

/* A span of the weekly template: seconds since local Monday 00:00. */
struct tmpl_span {
    int32_t start; /* first second */
    int32_t end;   /* first second after */
    uint8_t day;   /* 0 = Monday; the holiday mask bit that removes it */
};

/* What a week needs besides struct cal_week. */
struct week_info {
    uint32_t pool;    /* non-uniform weeks: first span in cal->pool */
    uint8_t spans_nr; /* non-uniform weeks: spans in the pool */
    uint8_t holidays; /* bit k: day k of the week is a holiday */
    bool uniform;     /* one UTC offset for the whole week */
};

struct calendar {
    const struct tz *tz;                             /* shared, never freed */
    struct cal_interval hours[7][CAL_MAX_INTERVALS]; /* merged, ascending; 0 = Monday */
    size_t hours_nr[7];                              /* intervals of each weekday */
    int64_t *holidays;                               /* ascending, unique day numbers */
    size_t holidays_nr;                              /* entries in holidays */
    struct tmpl_span tmpl[CAL_WEEK_MAX_SPANS];       /* the week's hours, ascending */
    size_t tmpl_nr;                                  /* entries in tmpl */
    int64_t day_work[7];                             /* working seconds of each weekday */
    struct cal_week weeks[WEEKS_NR + 1];             /* the compiled table */
    struct week_info info[WEEKS_NR];                 /* per week, beside it */
    struct cal_span *pool;                           /* spans of non-uniform weeks */
    size_t pool_nr, pool_alloc;                      /* used and allocated in pool */
};

/* ---- validation ---- */

static int check_keys(const json_t *v, struct strbuf *err)
{
    const char *key;
    json_t *val;

    json_object_foreach ((json_t *)v, key, val) {
        if (strcmp(key, "timezone") && strcmp(key, "hours") && strcmp(key, "holidays"))
            return err_addf(err, DESK_EINVAL,
                            "%.*s: unknown field (expected timezone, hours, holidays)", SHOW, key);
    }
    return 0;
}

static int parse_timezone(struct calendar *cal, const json_t *v, struct strbuf *err)
{
    if (!v)
        return err_addf(err, DESK_EINVAL, "timezone: missing");
    if (!json_is_string(v))
        return err_addf(err, DESK_EINVAL, "timezone: expected a string like \"Europe/Copenhagen\"");
    if (tz_get(json_string_value(v), &cal->tz, NULL) < 0)
        return err_addf(err, DESK_EINVAL, "timezone: unknown time zone '%.*s'", SHOW,
                        json_string_value(v));
    return 0;
}

/* "HH:MM" at s into seconds since midnight; 24:00 only when allow_24. */
static bool parse_hhmm(const char *s, bool allow_24, int32_t *out)
{
    int h, m;

    if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9' || s[2] != ':' || s[3] < '0' ||
        s[3] > '9' || s[4] < '0' || s[4] > '9')
        return false;
    h = (s[0] - '0') * 10 + (s[1] - '0');
    m = (s[3] - '0') * 10 + (s[4] - '0');
    if (m > 59 || h > 24 || (h == 24 && (m || !allow_24)))
        return false;
    *out = h * 3600 + m * 60;
    return true;
}

static int parse_interval(const json_t *v, const char *day, size_t i, struct cal_interval *out,
                          struct strbuf *err)
{
    const char *s = json_string_value(v);

    if (!s)
        return err_addf(err, DESK_EINVAL, "hours.%s[%zu]: expected a string like \"08:00-16:00\"",
                        day, i);
    if (json_string_length(v) != 11 || s[5] != '-')
        return err_addf(err, DESK_EINVAL, "hours.%s[%zu]: '%.*s' is not HH:MM-HH:MM", day, i, SHOW,
                        s);
    if (!parse_hhmm(s, false, &out->start))
        return err_addf(err, DESK_EINVAL, "hours.%s[%zu]: start %.5s is not a time of day", day, i,
                        s);
    if (!parse_hhmm(s + 6, true, &out->end))
        return err_addf(err, DESK_EINVAL,
                        "hours.%s[%zu]: end %.5s is not a time of day (00:00-24:00)", day, i,
                        s + 6);
    if (out->end <= out->start)
        return err_addf(err, DESK_EINVAL, "hours.%s[%zu]: end %.5s is not after start %.5s", day, i,
                        s + 6, s);
    return 0;
}

static int cmp_span(const void *a, const void *b)
{
    const struct cal_span *x = a, *y = b;

    return (x->start > y->start) - (x->start < y->start);
}

/*
 * Sort spans and merge those that overlap or touch, in place; returns how
 * many remain. Used for a day's local intervals and for its mapped spans.
 */
static size_t merge_spans(struct cal_span *sp, size_t nr)
{
    size_t out = 0;

    qsort(sp, nr, sizeof(*sp), cmp_span);
    for (size_t i = 0; i < nr; i++) {
        if (out && sp[i].start <= sp[out - 1].end) {
            if (sp[i].end > sp[out - 1].end)
                sp[out - 1].end = sp[i].end;
        } else {
            sp[out++] = sp[i];
        }
    }
    return out;
}

static int parse_day(struct calendar *cal, int wd, const json_t *v, struct strbuf *err)
{
    struct cal_interval iv;
    struct cal_span sp[CAL_MAX_INTERVALS]; /* local seconds of the day */
    const char *day = day_names[wd];
    size_t nr;
    int rc;

    if (!v || json_is_null(v))
        return 0;
    if (!json_is_array(v))
        return err_addf(err, DESK_EINVAL, "hours.%s: expected a list of \"HH:MM-HH:MM\" strings",
                        day);
    nr = json_array_size(v);
    if (nr > CAL_MAX_INTERVALS)
        return err_addf(err, DESK_EINVAL, "hours.%s: %zu intervals, more than %d", day, nr,
                        CAL_MAX_INTERVALS);
    for (size_t i = 0; i < nr; i++) {
        if ((rc = parse_interval(json_array_get(v, i), day, i, &iv, err)) < 0)
            return rc;
        sp[i] = (struct cal_span){iv.start, iv.end};
    }
    cal->hours_nr[wd] = merge_spans(sp, nr);
    for (size_t i = 0; i < cal->hours_nr[wd]; i++)
        cal->hours[wd][i] = (struct cal_interval){(int32_t)sp[i].start, (int32_t)sp[i].end};
    return 0;
}

static int parse_hours(struct calendar *cal, const json_t *v, struct strbuf *err)
{
    const char *key;
    json_t *val;
    size_t total = 0;
    int rc;

    if (!v)
        return err_addf(err, DESK_EINVAL, "hours: missing");
    if (!json_is_object(v))
        return err_addf(err, DESK_EINVAL,
                        "hours: expected an object like {\"mon\": [\"08:00-16:00\"]}");
    json_object_foreach ((json_t *)v, key, val) {
        size_t wd = 0;
        while (wd < 7 && strcmp(key, day_names[wd]))
            wd++;
        if (wd == 7)
            return err_addf(err, DESK_EINVAL,
                            "hours.%.*s: unknown day (expected mon, tue, wed, thu, fri, sat, sun)",
                            SHOW, key);
    }
    for (int wd = 0; wd < 7; wd++) {
        if ((rc = parse_day(cal, wd, json_object_get(v, day_names[wd]), err)) < 0)
            return rc;
        total += cal->hours_nr[wd];
    }
    if (!total)
        return err_addf(err, DESK_EINVAL, "hours: no working interval on any day");
    return 0;
}

static int cmp_day(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

    return (x > y) - (x < y);
}

static int parse_holidays(struct calendar *cal, const json_t *v, struct strbuf *err)
{
    size_t nr;

    if (!v || json_is_null(v))
        return 0;
    if (!json_is_array(v))
        return err_addf(err, DESK_EINVAL, "holidays: expected a list of \"YYYY-MM-DD\" dates");
    nr = json_array_size(v);
    if (nr > CAL_MAX_HOLIDAYS)
        return err_addf(err, DESK_EINVAL, "holidays: %zu dates, more than %d", nr,
                        CAL_MAX_HOLIDAYS);
    cal->holidays = xmalloc((nr + 1) * sizeof(*cal->holidays));
    for (size_t i = 0; i < nr; i++) {
        const json_t *d = json_array_get(v, i);
        if (!json_is_string(d))
            return err_addf(err, DESK_EINVAL,
                            "holidays[%zu]: expected a date string \"YYYY-MM-DD\"", i);
        if (date_parse(json_string_value(d), json_string_length(d), &cal->holidays[i]) < 0)
            return err_addf(err, DESK_EINVAL, "holidays[%zu]: '%.*s' is not a date", i, SHOW,
                            json_string_value(d));
    }
    cal->holidays_nr = days_sort_unique(cal->holidays, nr);
    return 0;
}

/* ---- compiling ---- */

static void build_template(struct calendar *cal)
{
    for (int wd = 0; wd < 7; wd++) {
        for (size_t i = 0; i < cal->hours_nr[wd]; i++) {
            const struct cal_interval *iv = &cal->hours[wd][i];
            cal->tmpl[cal->tmpl_nr++] =
                (struct tmpl_span){wd * DAY + iv->start, wd * DAY + iv->end, (uint8_t)wd};
            cal->day_work[wd] += iv->end - iv->start;
        }
    }
}

static void mark_holidays(struct calendar *cal)
{
    for (size_t i = 0; i < cal->holidays_nr; i++) {
        int64_t rel = cal->holidays[i] - FIRST_MONDAY;
        if (rel >= 0 && rel < 7LL * WEEKS_NR)
            cal->info[rel / 7].holidays |= (uint8_t)(1u << (rel % 7));
    }
}

/* The day's spans when it is not a holiday: map, drop empties, unite, clip. */
static size_t map_day(const struct calendar *cal, int64_t day, struct cal_span *out)
{
    int wd = weekday_from_days(day);
    int64_t local = day * DAY;
    int64_t lo = tz_local_to_utc(cal->tz, local), hi = tz_local_to_utc(cal->tz, local + DAY);
    size_t nr = 0;

    for (size_t i = 0; i < cal->hours_nr[wd]; i++) {
        int64_t a = tz_local_to_utc(cal->tz, local + cal->hours[wd][i].start);
        int64_t b = tz_local_to_utc(cal->tz, local + cal->hours[wd][i].end);
        a = a > lo ? a : lo;
        b = b < hi ? b : hi;
        if (a < b)
            out[nr++] = (struct cal_span){a, b};
    }
    return merge_spans(out, nr);
}

/* Map a non-uniform week day by day into the pool; returns its working seconds. */
static int64_t compile_week(struct calendar *cal, size_t w)
{
    struct week_info *info = &cal->info[w];
    int64_t work = 0;

    info->pool = (uint32_t)cal->pool_nr;
    for (int k = 0; k < 7; k++) {
        size_t nr;
        if (info->holidays & (1u << k))
            continue;
        ALLOC_GROW(cal->pool, cal->pool_nr + CAL_MAX_INTERVALS, cal->pool_alloc);
        nr = map_day(cal, FIRST_MONDAY + 7 * (int64_t)w + k, cal->pool + cal->pool_nr);
        for (size_t i = 0; i < nr; i++)
            work += cal->pool[cal->pool_nr + i].end - cal->pool[cal->pool_nr + i].start;
        cal->pool_nr += nr;
    }
    info->spans_nr = (uint8_t)(cal->pool_nr - info->pool);
    return work;
}

static void compile(struct calendar *cal)
{
    int64_t cum = 0;

    build_template(cal);
    mark_holidays(cal);
    for (size_t w = 0; w <= WEEKS_NR; w++) {
        int64_t monday = (FIRST_MONDAY + 7 * (int64_t)w) * DAY;
        cal->weeks[w].start = tz_local_to_utc(cal->tz, monday);
        cal->weeks[w].cum = cum;
        if (w == WEEKS_NR)
            break;
        cal->info[w].uniform = tz_next_switch(cal->tz, monday) > monday + WEEK;
        if (!cal->info[w].uniform) {
            cum += compile_week(cal, w);
            continue;
        }
        for (int k = 0; k < 7; k++)
            if (!(cal->info[w].holidays & (1u << k)))
                cum += cal->day_work[k];
    }
}

/* ---- public ---- */

int calendar_from_json(const json_t *v, struct calendar **out, struct strbuf *err)
{
    struct calendar *cal;
    int rc;

    if (!json_is_object(v))
        return err_addf(err, DESK_EINVAL, "calendar: expected a JSON object");
    cal = xcalloc(1, sizeof(*cal));
    if ((rc = check_keys(v, err)) < 0 ||
        (rc = parse_timezone(cal, json_object_get(v, "timezone"), err)) < 0 ||
        (rc = parse_hours(cal, json_object_get(v, "hours"), err)) < 0 ||
        (rc = parse_holidays(cal, json_object_get(v, "holidays"), err)) < 0) {
        calendar_free(cal);
        return rc;
    }
    compile(cal);
    *out = cal;
    return 0;
}

int calendar_parse(const char *json, size_t len, struct calendar **out, struct strbuf *err)
{
    json_error_t jerr;
    json_t *root;
    int rc;

    if (len > CAL_MAX_JSON)
        return err_addf(err, DESK_EINVAL, "calendar: %zu bytes, more than %u", len, CAL_MAX_JSON);
    root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!root)
        return err_addf(err, DESK_EINVAL, "calendar: invalid JSON at line %d, column %d: %s",
                        jerr.line, jerr.column, jerr.text);
    rc = calendar_from_json(root, out, err);
    json_decref(root);
    return rc;
}

void calendar_free(struct calendar *cal)
{
    if (!cal)
        return;
    free(cal->holidays);
    free(cal->pool);
    free(cal);
}

static void add_hhmm(struct strbuf *out, int32_t secs)
{
    strbuf_addf(out, "%02d:%02d", secs / 3600, secs / 60 % 60);
}

void calendar_to_json(const struct calendar *cal, struct strbuf *out)
{
    const char *sep = "";

    strbuf_addf(out, "{\"timezone\":\"%s\",\"hours\":{", tz_name(cal->tz));
    for (int wd = 0; wd < 7; wd++) {
        if (!cal->hours_nr[wd])
            continue;
        strbuf_addf(out, "%s\"%s\":[", sep, day_names[wd]);
        for (size_t i = 0; i < cal->hours_nr[wd]; i++) {
            strbuf_addstr(out, i ? ",\"" : "\"");
            add_hhmm(out, cal->hours[wd][i].start);
            strbuf_addch(out, '-');
            add_hhmm(out, cal->hours[wd][i].end);
            strbuf_addch(out, '"');
        }
        strbuf_addch(out, ']');
        sep = ",";
    }
    strbuf_addstr(out, "},\"holidays\":[");
    for (size_t i = 0; i < cal->holidays_nr; i++) {
        char d[DATE_LEN];
        date_format(cal->holidays[i], d);
        strbuf_addf(out, "%s\"%s\"", i ? "," : "", d);
    }
    strbuf_addstr(out, "]}");
}

const struct tz *calendar_tz(const struct calendar *cal) { return cal->tz; }

size_t calendar_hours(const struct calendar *cal, int weekday, const struct cal_interval **out)
{
    *out = cal->hours[weekday];
    return cal->hours_nr[weekday];
}

size_t calendar_holidays(const struct calendar *cal, const int64_t **out)
{
    *out = cal->holidays;
    return cal->holidays_nr;
}

bool calendar_is_holiday(const struct calendar *cal, int64_t day)
{
    return cal->holidays_nr &&
           bsearch(&day, cal->holidays, cal->holidays_nr, sizeof(day), cmp_day) != NULL;
}

const struct cal_week *calendar_weeks(const struct calendar *cal, size_t *nr)
{
    *nr = WEEKS_NR;
    return cal->weeks;
}

size_t calendar_week_spans(const struct calendar *cal, size_t w,
                           struct cal_span out[CAL_WEEK_MAX_SPANS])
{
    const struct week_info *info = &cal->info[w];
    int64_t start = cal->weeks[w].start;
    size_t nr = 0;

    if (!info->uniform) {
        if (info->spans_nr)
            memcpy(out, cal->pool + info->pool, info->spans_nr * sizeof(*out));
        return info->spans_nr;
    }
    for (size_t i = 0; i < cal->tmpl_nr; i++)
        if (!(info->holidays & (1u << cal->tmpl[i].day)))
            out[nr++] = (struct cal_span){start + cal->tmpl[i].start, start + cal->tmpl[i].end};
    return nr;
}

size_t calendar_day_spans(const struct calendar *cal, int64_t day,
                          struct cal_span out[CAL_MAX_INTERVALS])
{
    if (calendar_is_holiday(cal, day))
        return 0;
    return map_day(cal, day, out);
}
