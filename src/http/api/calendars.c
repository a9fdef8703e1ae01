/*
 * calendars.c - /api/v1/calendars: create, change and import holidays
 * (admins); list and read (every role: calendars are not tenant data).
 *
 * A calendar is validated by domain/calendar and stored in its canonical
 * JSON form; its errors name the JSON path at fault ("hours.fri[0]").
 * Changes read the calendar, change it here, and write it back only if
 * no other change came in between (the store compares versions); when one
 * did, the change is made again on the newer calendar.
 */
#include "core/compat.h"
#include "http/api/api.h"
#include "core/err.h"
#include "core/time.h"
#include "domain/calendar.h"
#include "domain/holidays.h"
#include "domain/tz.h"
#include "http/input.h"
#include "store/store.h"
#include <strings.h>

#define CALENDAR_NAME_MAX 200 /* characters of a name */
#define CHANGE_TRIES 3        /* attempts when other changes keep coming first */

static const struct field_spec create_fields[] = {
    {"name", F_LINE, true, 1, CALENDAR_NAME_MAX, NULL},
    {"timezone", F_STRING, true, 1, TZ_NAME_MAX, NULL},
    {"hours", F_OBJECT, true, 0, 0, NULL},
    {"holidays", F_ARRAY, false, 0, CAL_MAX_HOLIDAYS, NULL},
};

static const struct field_spec update_fields[] = {
    {"name", F_LINE, false, 1, CALENDAR_NAME_MAX, NULL},
    {"timezone", F_STRING, false, 1, TZ_NAME_MAX, NULL},
    {"hours", F_OBJECT, false, 0, 0, NULL},
    {"holidays", F_ARRAY, false, 0, CAL_MAX_HOLIDAYS, NULL},
};

/* The members of a body that make up the calendar itself. */
static const char *const calendar_keys[] = {"timezone", "hours", "holidays"};

/* {"id","name","timezone","hours","holidays"}: a new reference. */
static json_t *entry_json(const struct calendar_entry *e)
{
    json_t *o = json_pack("{s:I, s:s}", "id", (json_int_t)e->id, "name", e->name);
    json_t *def = json_loads(e->definition, 0, NULL);

    json_object_update(o, def);
    json_decref(def);
    return o;
}

/* The calendar members of body `in` laid over the stored definition base (NULL: none). */
static json_t *definition_of(json_t *in, const char *base)
{
    json_t *def = base ? json_loads(base, 0, NULL) : NULL;

    if (!def)
        def = json_object();
    for (size_t i = 0; i < ARRAY_SIZE(calendar_keys); i++) {
        json_t *v = json_object_get(in, calendar_keys[i]);
        if (v && !json_is_null(v))
            json_object_set(def, calendar_keys[i], v);
    }
    return def;
}

/*
 * Validate the calendar def (consumed) and store its canonical text in *out
 * (arena). Returns 0, or 422 naming the path the calendar module blames.
 */
static int canonical(struct req *req, struct res *res, json_t *def, const char **out)
{
    struct strbuf sb = STRBUF_INIT;
    struct calendar *cal;
    int rc = calendar_from_json(def, &cal, &sb);

    json_decref(def);
    if (rc < 0) {
        rc = api_path_error(res, sb.buf);
        goto out;
    }
    strbuf_reset(&sb);
    calendar_to_json(cal, &sb);
    calendar_free(cal);
    *out = arena_memdup(req->arena, sb.buf, sb.len);
out:
    strbuf_release(&sb);
    return rc;
}

int api_calendar_create(struct req *req, struct res *res)
{
    struct calendar_entry e = {0};
    struct store_fault f = {0};
    json_t *in;
    int rc;

    if ((rc = req_json(req, res, &in)) < 0 ||
        (rc = input_check(in, create_fields, ARRAY_SIZE(create_fields), res)) < 0 ||
        (rc = canonical(req, res, definition_of(in, NULL), &e.definition)) < 0)
        return rc;
    e.name = input_str(in, "name");
    if ((rc = store_calendar_create(req->store, &req->caller, &e, &f)) < 0)
        return api_fault(res, rc, &f, "calendar not created");
    return res_json(res, 201, entry_json(&e));
}

int api_calendar_list(struct req *req, struct res *res)
{
    struct calendar_entry *items;
    struct store_page pg;
    json_t *arr;
    size_t nr;
    int rc;

    if ((rc = api_page(req, res, &pg)) < 0 ||
        (rc = store_calendar_list(req->store, &pg, &items, &nr, req->arena)) < 0)
        return rc;
    arr = json_array();
    for (size_t i = 0; i < nr; i++)
        json_array_append_new(arr, entry_json(&items[i]));
    return res_json(res, 200, api_page_json(arr, &pg, nr ? items[nr - 1].id : 0));
}

int api_calendar_get(struct req *req, struct res *res)
{
    struct calendar_entry e;
    int64_t id = req->params[0];
    int rc;

    if ((rc = store_calendar_get(req->store, id, &e, req->arena)) < 0)
        return res_error(res, rc, NULL, "no calendar %" PRId64, id);
    return res_json(res, 200, entry_json(&e));
}

/* ---- changes ---- */

int api_calendar_change(struct req *req, struct res *res, int64_t id, api_calendar_change_fn fn,
                        void *arg, struct calendar_entry *e)
{
    struct store_fault f;
    int rc = 0;

    for (int i = 0; i < CHANGE_TRIES; i++) {
        const char *name, *definition;

        memset(&f, 0, sizeof(f));
        if ((rc = store_calendar_get(req->store, id, e, req->arena)) < 0)
            return res_error(res, rc, NULL, "no calendar %" PRId64, id);
        name = e->name;
        definition = e->definition;
        if ((rc = fn(req, res, e, arg)) < 0)
            return rc;
        if (!strcmp(name, e->name) && !strcmp(definition, e->definition))
            return 0; /* nothing changes: nothing to write or recompute */
        rc = store_calendar_update(req->store, &req->caller, e, &f);
        if (rc != DESK_ECONFLICT || f.field)
            break;
    }
    return rc < 0 ? api_fault(res, rc, &f, "no calendar %" PRId64, id) : 0;
}

int api_calendar_patch(struct req *req, struct res *res, struct calendar_entry *e, void *arg)
{
    json_t *in = arg;

    if (input_str(in, "name"))
        e->name = input_str(in, "name");
    return canonical(req, res, definition_of(in, e->definition), &e->definition);
}

int api_calendar_patch_body(struct req *req, struct res *res, int64_t id, json_t *in,
                            struct calendar_entry *e)
{
    int rc;

    if ((rc = input_check(in, update_fields, ARRAY_SIZE(update_fields), res)) < 0)
        return rc;
    return api_calendar_change(req, res, id, api_calendar_patch, in, e);
}

int api_calendar_update(struct req *req, struct res *res)
{
    struct calendar_entry e;
    json_t *in;
    int rc;

    if ((rc = req_json(req, res, &in)) < 0 ||
        (rc = api_calendar_patch_body(req, res, req->params[0], in, &e)) < 0)
        return rc;
    return res_json(res, 200, entry_json(&e));
}

struct holiday_import {
    const int64_t *days; /* the dates of the .ics, ascending */
    size_t nr;           /* entries in days */
    json_t *added;       /* out: the dates the calendar did not have */
};

/* Is date d among the first n strings of the ascending list? ("YYYY-MM-DD" sorts as dates) */
static bool has_date(const json_t *list, size_t n, const char *d)
{
    size_t lo = 0, hi = n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const char *s = json_string_value(json_array_get(list, mid));
        int cmp = strcmp(s ? s : "", d);
        if (!cmp)
            return true;
        if (cmp < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return false;
}

static int add_holidays(struct req *req, struct res *res, struct calendar_entry *e, void *arg)
{
    struct holiday_import *im = arg;
    json_t *def = definition_of(NULL, e->definition), *list = json_object_get(def, "holidays");
    size_t known;

    if (!json_is_array(list)) {
        list = json_array();
        json_object_set_new(def, "holidays", list);
    }
    known = json_array_size(list);
    json_array_clear(im->added);
    for (size_t i = 0; i < im->nr; i++) {
        char d[DATE_LEN];
        date_format(im->days[i], d);
        if (has_date(list, known, d))
            continue;
        json_array_append_new(list, json_string(d));
        json_array_append_new(im->added, json_string(d));
    }
    return canonical(req, res, def, &e->definition);
}

/* A body sent as something other than text/calendar (a missing type is taken as one). */
static bool wrong_type(const char *type)
{
    return type && strncasecmp(type, "text/calendar", 13) != 0;
}

/*
 * The added dates are those of the .ics (repeats expanded HOLIDAYS_YEARS_AHEAD
 * years past today, UTC) that the calendar did not have, ascending.
 */
int api_calendar_holidays(struct req *req, struct res *res)
{
    struct holiday_import im = {NULL, 0, json_array()};
    struct strbuf err = STRBUF_INIT;
    struct calendar_entry e;
    int64_t *days = NULL;
    int rc;

    if (wrong_type(req_header(req, "Content-Type"))) {
        rc = res_error(res, DESK_EINVAL, NULL, "send the holidays as text/calendar, not '%s'",
                       req_header(req, "Content-Type"));
        goto out;
    }
    if ((rc = holidays_from_ics(req->body ? req->body : "", req->body_len,
                                floor_div(time_now(), 86400), &days, &im.nr, &err)) < 0) {
        rc = res_error(res, rc, NULL, "%s", err.buf);
        goto out;
    }
    im.days = days;
    if ((rc = api_calendar_change(req, res, req->params[0], add_holidays, &im, &e)) == 0)
        rc = res_json(res, 200, json_pack("{s:O}", "added", im.added));
out:
    json_decref(im.added);
    free(days);
    strbuf_release(&err);
    return rc;
}
