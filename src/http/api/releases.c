/*
 * releases.c - POST/GET /api/v1/releases, GET /api/v1/releases/{id},
 * POST /api/v1/releases/{id}/publish.
 *
 * Customers read published releases only (the store filters). Publishing
 * updates older vendor-hosted installations and notifies the contacts of
 * older customer-hosted ones, in one transaction; a second publish is 409.
 */
#include "core/compat.h"
#include "http/api/api.h"
#include "core/err.h"
#include "core/time.h"
#include "domain/version.h"
#include "http/input.h"
#include "core/markdown.h"
#include "store/store.h"

static json_t *release_json(const struct release *r, struct arena *a)
{
    char day[DATE_LEN];

    date_format(r->released_on, day);
    return json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:b, s:o, s:o, s:o}", "id", (json_int_t)r->id,
                     "version", r->version, "kind", release_kind_name(r->kind), "released_on", day,
                     "notes", r->notes, "notes_html", markdown_html(r->notes, a), "published",
                     r->published_at != 0, "published_at", json_time(r->published_at),
                     "published_by", json_id(r->published_by), "created_at",
                     json_time(r->created_at));
}

/* ---- POST /api/v1/releases ---------------------------------------------------------- */

static const struct field_spec create_fields[] = {
    {"version", F_STRING, true, 1, VERSION_MAX_LEN, NULL},
    {"kind", F_ENUM, true, 0, 0, release_kind_names},
    {"released_on", F_STRING, false, 1, 10, NULL},
    {"notes", F_STRING, false, 0, RELEASE_NOTES_MAX, NULL},
};

static int read_create(json_t *in, struct release *r, struct res *res)
{
    const char *day = input_str(in, "released_on"), *why;
    char key[VERSION_KEY_MAX];

    memset(r, 0, sizeof(*r));
    r->version = input_str(in, "version");
    if (version_key(r->version, key, &why) < 0)
        return res_error(res, DESK_EINVAL, "version", "version: '%s' is not a version (%s)",
                         r->version, why);
    release_kind_parse(input_str(in, "kind"), &r->kind);
    r->released_on = floor_div(time_now(), 86400); /* today (UTC) */
    if (day && date_parse(day, strlen(day), &r->released_on) < 0)
        return res_error(res, DESK_EINVAL, "released_on",
                         "released_on: '%s' is not a date (YYYY-MM-DD)", day);
    r->notes = input_str(in, "notes") ? input_str(in, "notes") : "";
    return 0;
}

int api_release_create(struct req *req, struct res *res)
{
    struct store_fault fault = {0};
    struct release r;
    json_t *in;
    int rc;

    if ((rc = req_json(req, res, &in)) < 0 ||
        (rc = input_check(in, create_fields, ARRAY_SIZE(create_fields), res)) < 0 ||
        (rc = read_create(in, &r, res)) < 0)
        return rc;
    if ((rc = store_release_create(req->store, &req->caller, &r, time_now(), &fault)) < 0)
        return api_fault(res, rc, &fault, "no release");
    res_header(res, "Location", arena_sprintf(req->arena, "/api/v1/releases/%" PRId64, r.id));
    return res_json(res, 201, release_json(&r, req->arena));
}

/* ---- GET /api/v1/releases, GET /api/v1/releases/{id} -------------------------------------- */

int api_release_get(struct req *req, struct res *res)
{
    struct release r;
    int rc;

    if ((rc = store_release_get(req->store, &req->caller, req->params[0], &r, req->arena)) < 0)
        return res_error(res, rc, NULL, "no release %" PRId64, req->params[0]);
    return res_json(res, 200, release_json(&r, req->arena));
}

int api_release_list(struct req *req, struct res *res)
{
    struct release *items;
    struct kb_page pg;
    const char *next;
    json_t *list;
    size_t n;
    int rc;

    if ((rc = kb_page_read(req, &pg, res)) < 0)
        return rc;
    rc = store_release_list(req->store, &req->caller, &pg, &items, &n, &next, req->arena);
    if (rc < 0)
        return api_cursor_error(res, rc);
    list = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(list, release_json(&items[i], req->arena));
    return res_list(res, list, next);
}

/* ---- POST /api/v1/releases/{id}/publish ------------------------------------------------------ */

static const struct field_spec publish_fields[] = {
    {"update_at", F_STRING, false, 1, 64, NULL},
};

/* The optional body {"update_at"}: when vendor-hosted installations are updated (now). */
static int read_update_at(struct req *req, struct res *res, int64_t now, int64_t *update_at)
{
    json_t *in;
    int rc;

    *update_at = now;
    if (!req->body_len)
        return 0;
    if ((rc = req_json(req, res, &in)) < 0 ||
        (rc = input_check(in, publish_fields, ARRAY_SIZE(publish_fields), res)) < 0)
        return rc;
    return json_to_time(in, "update_at", update_at, res);
}

int api_release_publish(struct req *req, struct res *res)
{
    struct store_fault fault = {0};
    struct publish_result done;
    int64_t now = time_now(), update_at;
    struct release r;
    json_t *out;
    int rc;

    if ((rc = read_update_at(req, res, now, &update_at)) < 0)
        return rc;
    rc = store_release_publish(req->store, &req->caller, req->params[0], now, update_at, &r,
                               &done, &fault, req->arena);
    if (rc == DESK_ENOTFOUND)
        return res_error(res, rc, NULL, "no release %" PRId64, req->params[0]);
    if (rc < 0)
        return api_fault(res, rc, &fault, "no release");
    out = release_json(&r, req->arena);
    json_object_set_new(out, "installations_updated", json_integer(done.updated));
    json_object_set_new(out, "installations_scheduled", json_integer(done.scheduled));
    json_object_set_new(out, "update_at", json_time(update_at > now ? update_at : now));
    json_object_set_new(out, "installations_notified", json_integer(done.notified));
    json_object_set_new(out, "notices_queued", json_integer(done.notices));
    return res_json(res, 200, out);
}
