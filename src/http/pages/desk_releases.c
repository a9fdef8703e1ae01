/*
 * desk_releases.c - the desk's releases: GET /desk/releases lists every
 * release (published or not) and the known-error log, with a form to record
 * a release; POST /desk/releases records one; POST /desk/releases/{id}/publish
 * publishes it (store_release_publish: vendor-hosted installations are
 * updated, customer-hosted ones notified). Forms answer 303 to the list,
 * or show it again with the store's status and message.
 */
#include "core/compat.h"
#include "http/pages/pages.h"
#include "core/err.h"
#include "core/time.h"
#include "domain/release.h"
#include "store/store.h"

static int show(struct req *req, struct res *res, int status, const char *error)
{
    json_t *kinds = json_array();
    json_t *data = json_pack("{s:s, s:s?, s:o}", "title", tr("Releases and known errors"), "error",
                             error, "kinds", kinds);
    int rc;

    for (size_t i = 0; release_kind_names[i]; i++)
        json_array_append_new(kinds, json_string(release_kind_names[i]));
    if ((rc = page_releases_json(req, data)) < 0) {
        json_decref(data);
        return page_error(req, res, rc, "the releases cannot be shown");
    }
    return page_render(req, res, status, "releases", data);
}

int page_desk_releases(struct req *req, struct res *res) { return show(req, res, 200, NULL); }

/* The store's refusal shown on the list, or the 404 page for a missing release. */
static int refused(struct req *req, struct res *res, int rc, const struct store_fault *f)
{
    if (rc == DESK_ENOTFOUND)
        return page_error(req, res, rc, "there is no such release");
    return show(req, res, http_status_from_err(rc), page_fault_message(rc, f));
}

int page_desk_release_create(struct req *req, struct res *res)
{
    const char *version = req_form(req, "version"), *kind = req_form(req, "kind");
    const char *day = req_form(req, "released_on"), *notes = req_form(req, "notes"), *why;
    struct store_fault fault = {0};
    struct release r = {0};
    int rc;

    if (!version || !*version)
        return show(req, res, 422, "give the version");
    if (!kind || release_kind_parse(kind, &r.kind) < 0)
        return show(req, res, 422, "choose the kind of release");
    r.released_on = floor_div(time_now(), 86400);
    if (day && *day && date_parse(day, strlen(day), &r.released_on) < 0)
        return show(req, res, 422, "the release date must be YYYY-MM-DD");
    if ((why = page_text_problem("the notes", notes ? notes : "", RELEASE_NOTES_MAX, req->arena)))
        return show(req, res, 422, why);
    r.version = version;
    r.notes = notes ? notes : "";
    if ((rc = store_release_create(req->store, &req->caller, &r, time_now(), &fault)) < 0)
        return refused(req, res, rc, &fault);
    return page_saved(req, res, "/desk/releases");
}

int page_desk_release_publish(struct req *req, struct res *res)
{
    struct store_fault fault = {0};
    struct publish_result done;
    struct release r;
    int64_t now = time_now();
    int rc;

    rc = store_release_publish(req->store, &req->caller, req->params[0], now, now, &r, &done,
                               &fault, req->arena);
    if (rc < 0)
        return refused(req, res, rc, &fault);
    return page_saved(req, res, "/desk/releases");
}
