/*
 * admin_calendars.c - the working calendars at /desk/admin/calendars (admins):
 * the list and a form that creates one from a name and the JSON form of
 * SPEC 2.2 (calendar_from_json's message, naming the path at fault such as
 * "hours.fri[0]", is shown on the form); a calendar's page with its
 * definition and a preview of the next working spans in UTC and in the
 * calendar's time zone (sla_spans); and an .ics upload whose all-day events
 * are added to the calendar's holidays (holidays_from_ics, then
 * store_calendar_update, again when another change came first). The
 * calendar's page also edits it in place: its name, time zone and weekly
 * hours (a row a weekday: open or closed, intervals from and to) through the
 * API's PATCH (api_calendar_patch_body: the same checks, the same messages),
 * and each holiday changed or removed, or one added (api_calendar_change).
 * The store bumps the calendar's version, so the SLA clock (calcache, read by
 * version) and the requests using it take the new hours at once.
 */
#include "core/compat.h"
#include "http/pages/pages.h"
#include "core/err.h"
#include "http/api/api.h"
#include "core/strbuf.h"
#include "core/time.h"
#include "domain/calendar.h"
#include "domain/holidays.h"
#include "domain/sla.h"
#include "domain/tz.h"
#include "store/store.h"

#define LIST_MAX 1000   /* calendars the list shows */
#define PREVIEW_SPANS 10 /* working spans the calendar's page previews */
#define CHANGE_TRIES 3  /* writes of an import when other changes come first */
#define FORM_SLOTS 3    /* intervals a weekday row offers (more when the calendar has more) */

static const char example[] = "{\"timezone\": \"Europe/Copenhagen\",\n"
                              " \"hours\": {\"mon\": [\"08:00-16:00\"], \"tue\": [\"08:00-16:00\"],\n"
                              "           \"wed\": [\"08:00-16:00\"], \"thu\": [\"08:00-16:00\"],\n"
                              "           \"fri\": [\"08:00-14:30\"]},\n"
                              " \"holidays\": [\"2026-12-24\", \"2026-12-25\"]}";

static int list_show(struct req *req, struct res *res, int status, const char *error)
{
    struct store_page pg = {0, LIST_MAX, false};
    struct calendar_entry *c;
    json_t *list = json_array();
    size_t n;
    int rc;

    if ((rc = store_calendar_list(req->store, &pg, &c, &n, req->arena)) < 0) {
        json_decref(list);
        return page_error(req, res, rc, "the calendars cannot be shown");
    }
    for (size_t i = 0; i < n; i++)
        json_array_append_new(list, json_pack("{s:I, s:s, s:I}", "id", (json_int_t)c[i].id, "name",
                                              c[i].name, "version", (json_int_t)c[i].version));
    return page_render(req, res, status, "admin_calendars",
                       json_pack("{s:s, s:s?, s:o, s:s, s:s}", "title", tr("Calendars"), "error",
                                 error, "calendars", list, "name", page_form_str(req, "name"),
                                 "definition",
                                 req_form(req, "definition") ? req_form(req, "definition")
                                                             : example));
}

int page_admin_calendars(struct req *req, struct res *res) { return list_show(req, res, 200, NULL); }

/*
 * Validate the calendar def and store its canonical text in *out (arena).
 * NULL when fine, else the calendar module's message (arena).
 */
static const char *canonical(struct req *req, const json_t *def, const char **out)
{
    struct strbuf sb = STRBUF_INIT;
    struct calendar *cal;
    const char *why = NULL;

    if (calendar_from_json(def, &cal, &sb) < 0) {
        why = arena_memdup(req->arena, sb.buf, sb.len + 1);
    } else {
        strbuf_reset(&sb);
        calendar_to_json(cal, &sb);
        calendar_free(cal);
        *out = arena_memdup(req->arena, sb.buf, sb.len + 1);
    }
    strbuf_release(&sb);
    return why;
}

int page_admin_calendar_create(struct req *req, struct res *res)
{
    struct calendar_entry e = {0};
    struct store_fault f = {0};
    const char *text = page_form_str(req, "definition"), *why;
    json_error_t jerr;
    json_t *def;
    int rc;

    e.name = page_form_str(req, "name");
    if (!*e.name)
        return list_show(req, res, 422, "give the calendar a name");
    if ((why = page_line_problem("the name", e.name, 200, req->arena)))
        return list_show(req, res, 422, why);
    if (!(def = json_loads(text, JSON_REJECT_DUPLICATES, &jerr)))
        return list_show(req, res, 422,
                         arena_sprintf(req->arena, "the definition is not JSON: %s (line %d)",
                                       jerr.text, jerr.line));
    why = canonical(req, def, &e.definition);
    json_decref(def);
    if (why)
        return list_show(req, res, 422, why);
    if ((rc = store_calendar_create(req->store, &req->caller, &e, &f)) < 0)
        return list_show(req, res, http_status_from_err(rc), page_fault_message(rc, &f));
    return page_saved(req, res, arena_sprintf(req->arena, "/desk/admin/calendars/%" PRId64, e.id));
}

/* ---- one calendar --------------------------------------------------------------- */

/* The next working spans of cal from now on, each in UTC and in the calendar's zone. */
static json_t *preview_json(const struct calendar *cal)
{
    struct sla_span sp[PREVIEW_SPANS];
    json_t *list = json_array();
    size_t n = 0;

    if (sla_spans(cal, time_now(), PREVIEW_SPANS, sp, &n) < 0)
        n = 0;
    for (size_t i = 0; i < n; i++)
        json_array_append_new(list, json_pack("{s:o, s:o, s:o, s:o}", "start_utc",
                                              page_time_utc(sp[i].start), "end_utc",
                                              page_time_utc(sp[i].end), "start_local",
                                              page_time(sp[i].start, cal), "end_local",
                                              page_time(sp[i].end, cal)));
    return list;
}

static const char *const day_keys[7] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

/* Seconds since local midnight as "HH:MM" (24:00 for 86400), into the arena. */
static const char *clock_text(int32_t secs, struct arena *a)
{
    return arena_sprintf(a, "%02d:%02d", (int)(secs / 3600), (int)(secs / 60 % 60));
}

/* How many interval slots the form posted for weekday d (its hidden count), within limits. */
static size_t posted_slots(struct req *req, int d)
{
    int64_t n = page_form_id(req, arena_sprintf(req->arena, "%s_slots", day_keys[d]));
    return n < 1 ? FORM_SLOTS : n > CAL_MAX_INTERVALS ? CAL_MAX_INTERVALS : (size_t)n;
}

/*
 * The weekly hours as the form's rows: [{"key","label","open","slots","intervals":[{"i",
 * "from","to"}]}], from cal, or (typed, after a refusal) from the posted form.
 */
static json_t *hours_json(struct req *req, const struct calendar *cal, bool typed)
{
    json_t *days = json_array();

    for (int d = 0; d < 7; d++) {
        const struct cal_interval *iv = NULL;
        size_t n = cal && !typed ? calendar_hours(cal, d, &iv) : 0;
        size_t slots = typed ? posted_slots(req, d) : n + 1 > FORM_SLOTS ? n : FORM_SLOTS;
        json_t *list = json_array();
        bool open = typed ? req_form(req, arena_sprintf(req->arena, "%s_open", day_keys[d])) != NULL
                          : n > 0;

        for (size_t i = 0; i < slots; i++) {
            const char *from = "", *to = "";
            if (typed) {
                from = page_form_str(req, arena_sprintf(req->arena, "%s_from_%zu", day_keys[d], i));
                to = page_form_str(req, arena_sprintf(req->arena, "%s_to_%zu", day_keys[d], i));
            } else if (i < n) {
                from = clock_text(iv[i].start, req->arena);
                to = clock_text(iv[i].end, req->arena);
            }
            json_array_append_new(list, json_pack("{s:I, s:s, s:s}", "i", (json_int_t)i, "from",
                                                  from, "to", to));
        }
        json_array_append_new(days, json_pack("{s:s, s:s, s:b, s:I, s:o}", "key", day_keys[d],
                                              "label", page_weekday(d), "open", open, "slots",
                                              (json_int_t)slots, "intervals", list));
    }
    return days;
}

static json_t *holidays_json(const struct calendar *cal)
{
    json_t *list = json_array();
    const int64_t *days;
    size_t n = cal ? calendar_holidays(cal, &days) : 0;

    for (size_t i = 0; i < n; i++) {
        char d[DATE_LEN];
        date_format(days[i], d);
        json_array_append_new(list, json_pack("{s:s}", "day", d));
    }
    return list;
}

/*
 * The calendar's page with status and error; typed: the edit form shows what was posted
 * (a refused change) rather than what is stored. field: the field the error names.
 */
static int calendar_page(struct req *req, struct res *res, int status, const char *error,
                         const char *field, bool typed)
{
    struct calendar_entry e;
    struct calendar *cal = NULL;
    json_t *data;
    int rc;

    if ((rc = store_calendar_get(req->store, req->params[0], &e, req->arena)) < 0)
        return page_error(req, res, rc, "there is no such calendar");
    data = json_pack("{s:s, s:s?, s:s?, s:I, s:s, s:s, s:I, s:s?}", "title", e.name, "error",
                     error, "error_field", field, "id", (json_int_t)e.id, "name", e.name,
                     "definition", e.definition, "version", (json_int_t)e.version, "added",
                     req_query(req, "added"));
    if (calendar_parse(e.definition, strlen(e.definition), &cal, NULL) == 0)
        json_object_set_new(data, "spans", preview_json(cal));
    json_object_set_new(data, "edit_name",
                        json_string(typed ? page_form_str(req, "name") : e.name));
    json_object_set_new(data, "timezone",
                        json_string(typed ? page_form_str(req, "timezone")
                                    : cal ? tz_name(calendar_tz(cal))
                                          : ""));
    json_object_set_new(data, "days", hours_json(req, cal, typed));
    json_object_set_new(data, "holidays", holidays_json(cal));
    calendar_free(cal);
    return page_render(req, res, status, "admin_calendar", data);
}

static int calendar_show(struct req *req, struct res *res, int status, const char *error)
{
    return calendar_page(req, res, status, error, NULL, false);
}

int page_admin_calendar(struct req *req, struct res *res) { return calendar_show(req, res, 200, NULL); }

static json_t *day_json(int64_t day)
{
    char d[DATE_LEN];

    date_format(day, d);
    return json_string(d);
}

/*
 * The definition of e with days (ascending) added to its holidays, canonical,
 * into *out (arena); *added counts the days it did not have. NULL or why.
 */
static const char *with_holidays(struct req *req, const struct calendar_entry *e,
                                 const int64_t *days, size_t nr, const char **out, size_t *added)
{
    json_t *def = json_loads(e->definition, 0, NULL), *list;
    struct calendar *cal;
    const int64_t *had;
    size_t nhad, j = 0;
    const char *why;

    if (!def || calendar_parse(e->definition, strlen(e->definition), &cal, NULL) < 0) {
        json_decref(def);
        return "the stored calendar does not parse";
    }
    nhad = calendar_holidays(cal, &had);
    list = json_array();
    *added = 0;
    for (size_t i = 0; i < nhad; i++)
        json_array_append_new(list, day_json(had[i]));
    for (size_t i = 0; i < nr; i++) {
        while (j < nhad && had[j] < days[i])
            j++;
        if (j < nhad && had[j] == days[i])
            continue;
        json_array_append_new(list, day_json(days[i]));
        ++*added;
    }
    calendar_free(cal);
    json_object_set_new(def, "holidays", list);
    why = canonical(req, def, out);
    json_decref(def);
    return why;
}

/*
 * Add days to the holidays of calendar id: read, change, write back with
 * the version read, again when another change came first. Returns 0 with
 * *added set, or an error with why (arena) for people.
 */
static int add_holidays(struct req *req, int64_t id, const int64_t *days, size_t nr,
                        size_t *added, const char **why)
{
    struct calendar_entry e;
    struct store_fault f;
    int rc = 0;

    for (int i = 0; i < CHANGE_TRIES; i++) {
        memset(&f, 0, sizeof(f));
        if ((rc = store_calendar_get(req->store, id, &e, req->arena)) < 0)
            return *why = "there is no such calendar", rc;
        if ((*why = with_holidays(req, &e, days, nr, &e.definition, added)))
            return DESK_EINVAL;
        if (!*added)
            return 0;
        rc = store_calendar_update(req->store, &req->caller, &e, &f);
        if (rc != DESK_ECONFLICT || f.field)
            break;
    }
    if (rc < 0)
        *why = arena_strdup(req->arena, page_fault_message(rc, &f));
    return rc;
}

int page_admin_calendar_holidays(struct req *req, struct res *res)
{
    const struct form_field *file = page_file_chosen(req, "ics");
    struct strbuf err = STRBUF_INIT;
    int64_t *days = NULL;
    size_t nr = 0, added = 0;
    const char *why = NULL;
    int rc;

    if (!file)
        return calendar_show(req, res, 422, "choose an .ics file");
    if ((why = page_file_problem(req, "ics")))
        return calendar_show(req, res, page_form_status(req), why);
    rc = holidays_from_ics(file->value, file->len, floor_div(time_now(), 86400), &days, &nr, &err);
    if (rc < 0)
        why = arena_sprintf(req->arena, "the file is not usable: %s", err.buf);
    else
        rc = add_holidays(req, req->params[0], days, nr, &added, &why);
    free(days);
    strbuf_release(&err);
    if (rc == DESK_ENOTFOUND)
        return page_error(req, res, rc, "%s", why);
    if (rc < 0)
        return calendar_show(req, res, http_status_from_err(rc), why);
    return page_saved(req, res, arena_sprintf(req->arena, "/desk/admin/calendars/%" PRId64
                                                        "?added=%zu", req->params[0], added));
}

/* ---- editing in place ---------------------------------------------------------------- */

/*
 * The weekly hours of the posted form as the JSON form's "hours" into *out: an open day
 * its intervals "from-to" (a slot with both empty skipped), a closed day left out. NULL,
 * or why with *field (an open day without hours; the rest the calendar module checks).
 */
static const char *posted_hours(struct req *req, json_t **out, const char **field)
{
    json_t *hours = json_object();

    for (int d = 0; d < 7; d++) {
        json_t *list;
        if (!req_form(req, arena_sprintf(req->arena, "%s_open", day_keys[d])))
            continue;
        list = json_array();
        for (size_t i = 0, n = posted_slots(req, d); i < n; i++) {
            const char *from =
                page_form_str(req, arena_sprintf(req->arena, "%s_from_%zu", day_keys[d], i));
            const char *to =
                page_form_str(req, arena_sprintf(req->arena, "%s_to_%zu", day_keys[d], i));
            if (*from || *to)
                json_array_append_new(list, json_string(arena_sprintf(req->arena, "%s-%s",
                                                                      from, to)));
        }
        if (!json_array_size(list)) {
            json_decref(list);
            json_decref(hours);
            *field = arena_sprintf(req->arena, "hours.%s", day_keys[d]);
            return arena_sprintf(req->arena, "%s: %s is open: give its hours (from and to)",
                                 *field, page_weekday(d));
        }
        json_object_set_new(hours, day_keys[d], list);
    }
    *out = hours;
    return NULL;
}

/* POST /desk/admin/calendars/{id}: name, time zone and weekly hours, as PATCH does them. */
int page_admin_calendar_update(struct req *req, struct res *res)
{
    struct res api = {.body = STRBUF_INIT};
    struct calendar_entry e;
    const char *why, *field = NULL;
    json_t *hours = NULL, *in;

    if (req->nform >= REQ_MAX_FORM)
        return calendar_page(req, res, 413, "the form has more fields than a form may send",
                             NULL, true);
    if ((why = posted_hours(req, &hours, &field)))
        return calendar_page(req, res, 422, why, field, true);
    in = json_pack("{s:s, s:s, s:o}", "name", page_form_str(req, "name"), "timezone",
                   page_form_str(req, "timezone"), "hours", hours);
    if (api_calendar_patch_body(req, &api, req->params[0], in, &e) < 0) {
        int status = api.status;
        json_decref(in);
        why = page_api_refusal(req, &api, &field);
        if (status == 404)
            return page_error(req, res, DESK_ENOTFOUND, "there is no such calendar");
        return calendar_page(req, res, status, why, field, true);
    }
    json_decref(in);
    res_release(&api);
    return page_saved(req, res, arena_sprintf(req->arena, "/desk/admin/calendars/%" PRId64,
                                              req->params[0]));
}

struct holiday_edit {
    int64_t day;    /* the holiday changed or removed; DATE_NONE: one added */
    int64_t new_day; /* what it becomes; DATE_NONE: removed */
};

/* An api_calendar_change_fn: e's holidays with one changed, removed or added. */
static int edit_holiday(struct req *req, struct res *res, struct calendar_entry *e, void *arg)
{
    const struct holiday_edit *h = arg;
    json_t *list = json_array(), *in;
    struct calendar *cal;
    const int64_t *days;
    size_t n;
    int rc;

    if (calendar_parse(e->definition, strlen(e->definition), &cal, NULL) < 0) {
        json_decref(list);
        return res_error(res, DESK_EIO, NULL, "the stored calendar does not parse");
    }
    n = calendar_holidays(cal, &days);
    for (size_t i = 0; i < n; i++)
        if (days[i] != h->day)
            json_array_append_new(list, day_json(days[i]));
    calendar_free(cal);
    if (h->new_day != DATE_NONE)
        json_array_append_new(list, day_json(h->new_day)); /* the calendar sorts them */
    in = json_pack("{s:o}", "holidays", list);
    rc = api_calendar_patch(req, res, e, in);
    json_decref(in);
    return rc;
}

/* A posted date field: DATE_NONE when empty; -1 when it is not a date. */
static int form_day(struct req *req, const char *name, int64_t *day)
{
    const char *s = page_form_str(req, name);

    *day = DATE_NONE;
    return *s && date_parse(s, strlen(s), day) < 0 ? -1 : 0;
}

/*
 * POST /desk/admin/calendars/{id}/holiday: day (a holiday it has; empty to add one) and
 * new_day (what it becomes), or remove: the holiday taken out.
 */
int page_admin_calendar_holiday(struct req *req, struct res *res)
{
    struct res api = {.body = STRBUF_INIT};
    struct holiday_edit h;
    struct calendar_entry e;
    const char *why, *field = NULL;
    bool remove = req_form(req, "remove") != NULL;

    if (form_day(req, "day", &h.day) < 0 || (!remove && form_day(req, "new_day", &h.new_day) < 0))
        return calendar_page(req, res, 422, "holidays: a date is YYYY-MM-DD", "holidays", false);
    if (remove)
        h.new_day = DATE_NONE;
    if (h.day == DATE_NONE && h.new_day == DATE_NONE)
        return calendar_page(req, res, 422,
                             remove ? "holidays: choose the holiday to remove"
                                    : "holidays: give the date of the holiday",
                             "holidays", false);
    if (api_calendar_change(req, &api, req->params[0], edit_holiday, &h, &e) < 0) {
        int status = api.status;
        why = page_api_refusal(req, &api, &field);
        if (status == 404)
            return page_error(req, res, DESK_ENOTFOUND, "there is no such calendar");
        return calendar_page(req, res, status, why, field, false);
    }
    res_release(&api);
    return page_saved(req, res, arena_sprintf(req->arena, "/desk/admin/calendars/%" PRId64,
                                              req->params[0]));
}
