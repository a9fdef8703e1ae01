/*
 * desk_known_errors.c - the known-error log on the desk (agents, admins):
 * GET /desk/known-errors lists it newest first, a page at a time (the API's
 * keyset cursor), with a form to record one (POST /desk/known-errors);
 * GET /desk/known-errors/{id} shows one in a form to edit it (POST
 * /desk/known-errors/{id}: title, symptoms, status, affected versions,
 * workaround, fixed-in release) with its linked requests and a form to link
 * another (POST .../tickets). The store checks what the API checks (a
 * workaround status needs a workaround, versions must be versions); forms
 * answer 303, or show the page again with the reason and what was typed.
 */
#include "core/compat.h"
#include "http/pages/pages.h"
#include "core/err.h"
#include "core/time.h"
#include "domain/release.h"
#include "domain/ticket.h"
#include "domain/version.h"
#include "store/store.h"

#define LIST_LIMIT 50     /* known errors a page of the list shows */
#define TICKETS_SHOWN 200 /* linked requests shown with their subjects */

/* ---- what the forms share ------------------------------------------------------------ */

/* The status options, chosen selected. */
static json_t *status_options(enum known_error_status chosen)
{
    json_t *o = json_array();

    for (size_t i = 0; known_error_status_names[i]; i++)
        json_array_append_new(o, json_pack("{s:s, s:b}", "value", known_error_status_names[i],
                                           "selected", i == (size_t)chosen));
    return o;
}

/* The affected versions as typed: separated by commas. */
static const char *versions_text(const struct known_error *k, struct arena *a)
{
    return page_join(k->versions, k->nversions, a);
}

/* The form's fields for k: {title, description, workaround, versions, statuses}. */
static json_t *form_json(const struct known_error *k, struct arena *a)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:o}", "title", k->title, "description",
                     k->description, "workaround", k->workaround ? k->workaround : "", "versions",
                     versions_text(k, a), "statuses", status_options(k->status));
}

/* The posted known error into k (no id); NULL when it holds, else why. */
static const char *read_form(struct req *req, struct known_error *k)
{
    char *list = arena_strdup(req->arena, page_form_str(req, "versions")), *save = NULL, *v;
    const char **versions = ARENA_NEWN(req->arena, const char *, KNOWN_ERROR_VERSIONS_MAX + 1);
    const char *why;

    memset(k, 0, sizeof(*k));
    k->title = page_form_str(req, "title");
    k->description = page_form_str(req, "description");
    k->workaround = page_form_str(req, "workaround");
    k->fixed_in_release_id = page_form_id(req, "fixed_in_release_id");
    k->versions = versions;
    for (v = strtok_r(list, ", \t\r\n", &save); v; v = strtok_r(NULL, ", \t\r\n", &save)) {
        if (k->nversions == KNOWN_ERROR_VERSIONS_MAX)
            return "there are more than 100 affected versions";
        if (strlen(v) > VERSION_MAX_LEN)
            return arena_sprintf(req->arena, "the version '%.20s…' is too long", v);
        versions[k->nversions++] = v;
    }
    if (known_error_status_parse(page_form_str(req, "status"), &k->status) < 0)
        return "choose the status";
    if (!*k->title)
        return "give the known error a title";
    if ((why = page_line_problem("the title", k->title, KNOWN_ERROR_TITLE_MAX, req->arena)) ||
        (why = page_text_problem("the symptoms", k->description, KNOWN_ERROR_TEXT_MAX,
                                 req->arena)) ||
        (why = page_text_problem("the workaround", k->workaround, KNOWN_ERROR_TEXT_MAX,
                                 req->arena)))
        return why;
    if (!*k->workaround)
        k->workaround = NULL;
    return NULL;
}

/* ---- GET /desk/known-errors, POST /desk/known-errors ----------------------------------- */

/* The list, with the form to record one (typed: what was posted, or NULL for a blank one). */
static int show_list(struct req *req, struct res *res, int status, const char *error,
                     const struct known_error *typed)
{
    struct kb_page pg = {req_query(req, "cursor"), LIST_LIMIT};
    struct known_error blank = {.title = "", .description = ""}, *k;
    const char *next;
    json_t *list, *data;
    size_t n;
    int rc;

    if (pg.cursor && !*pg.cursor)
        pg.cursor = NULL;
    rc = store_known_error_list(req->store, &req->caller, &pg, &k, &n, &next, req->arena);
    if (rc == DESK_EBADREQ)
        return page_error(req, res, DESK_ENOTFOUND, "there is no such page of known errors");
    if (rc < 0)
        return page_error(req, res, rc, "the known errors cannot be shown");
    list = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(
            list, json_pack("{s:I, s:s, s:s, s:s?, s:s, s:I, s:b}", "id", (json_int_t)k[i].id,
                            "title", k[i].title, "status", tr(known_error_status_name(k[i].status)),
                            "workaround", k[i].workaround, "versions",
                            versions_text(&k[i], req->arena), "requests",
                            (json_int_t)k[i].ntickets, "fixed", k[i].fixed_in_release_id != 0));
    data = json_pack("{s:s, s:s?, s:o, s:s?, s:o}", "title", tr("Known errors"), "error", error,
                     "known_errors", list, "next", next, "form",
                     form_json(typed ? typed : &blank, req->arena));
    if ((rc = page_release_options(req, typed ? typed->fixed_in_release_id : 0, data)) < 0) {
        json_decref(data);
        return page_error(req, res, rc, "the known errors cannot be shown");
    }
    return page_render(req, res, status, "desk_known_errors", data);
}

int page_desk_known_errors(struct req *req, struct res *res)
{
    return show_list(req, res, 200, NULL, NULL);
}

int page_desk_known_error_create(struct req *req, struct res *res)
{
    struct store_fault fault = {0};
    struct known_error k;
    const char *why;
    int rc;

    if ((why = read_form(req, &k)))
        return show_list(req, res, 422, why, &k);
    rc = store_known_error_create(req->store, &req->caller, &k, 0, time_now(), &fault, req->arena);
    if (rc < 0)
        return show_list(req, res, http_status_from_err(rc), page_fault_message(rc, &fault), &k);
    return page_saved(req, res, arena_sprintf(req->arena, "/desk/known-errors/%" PRId64, k.id));
}

/* ---- GET/POST /desk/known-errors/{id}, POST .../tickets -------------------------------- */

/* The linked requests with their subjects (those beyond TICKETS_SHOWN by number only). */
static json_t *tickets_json(struct req *req, const struct known_error *k)
{
    json_t *list = json_array();

    for (size_t i = 0; i < k->ntickets; i++) {
        struct ticket t;
        bool named = i < TICKETS_SHOWN && store_ticket_get(req->store, &req->caller,
                                                           k->ticket_ids[i], &t, req->arena) == 0;

        json_array_append_new(list, json_pack("{s:I, s:s, s:s}", "id",
                                              (json_int_t)k->ticket_ids[i], "subject",
                                              named ? t.subject : "", "status",
                                              named ? tr(ticket_status_labels[t.status]) : ""));
    }
    return list;
}

/* Known error req->params[0], its form holding typed (or the stored facts), with status. */
static int show(struct req *req, struct res *res, int status, const char *error,
                const struct known_error *typed)
{
    int64_t id = req->params[0];
    struct known_error k;
    json_t *data;
    int rc;

    if ((rc = store_known_error_get(req->store, &req->caller, id, &k, req->arena)) < 0)
        return page_error(req, res, rc, "there is no known error %" PRId64, id);
    data = json_pack("{s:s, s:s?, s:{s:I, s:s, s:s, s:o, s:o}, s:o, s:o, s:s}", "title",
                     arena_sprintf(req->arena, tr("Known error %" PRId64), id), "error", error,
                     "known_error", "id", (json_int_t)k.id, "title", k.title, "status",
                     tr(known_error_status_name(k.status)), "created",
                     page_time(k.created_at, NULL), "updated", page_time(k.updated_at, NULL),
                     "form", form_json(typed ? typed : &k, req->arena), "tickets",
                     tickets_json(req, &k), "ticket_id", page_form_str(req, "ticket_id"));
    if ((rc = page_release_options(req, (typed ? typed : &k)->fixed_in_release_id, data)) < 0) {
        json_decref(data);
        return page_error(req, res, rc, "known error %" PRId64 " cannot be shown", id);
    }
    return page_render(req, res, status, "desk_known_error", data);
}

int page_desk_known_error_page(struct req *req, struct res *res)
{
    return show(req, res, 200, NULL, NULL);
}

/* The store's answer: the 404 page for a missing known error, the page again, or 303. */
static int done(struct req *req, struct res *res, int rc, const struct store_fault *f,
                const struct known_error *typed)
{
    if (rc == DESK_ENOTFOUND && !f->message[0])
        return page_error(req, res, rc, "there is no known error %" PRId64, req->params[0]);
    if (rc < 0)
        return show(req, res, http_status_from_err(rc), page_fault_message(rc, f), typed);
    return page_saved(req, res,
                      arena_sprintf(req->arena, "/desk/known-errors/%" PRId64, req->params[0]));
}

int page_desk_known_error_save(struct req *req, struct res *res)
{
    struct known_error_patch p = {.has_status = true, .has_workaround = true,
                                  .has_versions = true, .has_fixed_in = true};
    struct store_fault fault = {0};
    struct known_error k, out;
    const char *why;
    int rc;

    if ((rc = store_known_error_get(req->store, &req->caller, req->params[0], &out, req->arena)) <
        0)
        return page_error(req, res, rc, "there is no known error %" PRId64, req->params[0]);
    if ((why = read_form(req, &k)))
        return show(req, res, 422, why, &k);
    p.title = k.title;
    p.description = k.description;
    p.status = k.status;
    p.workaround = k.workaround;
    p.versions = k.versions;
    p.nversions = k.nversions;
    p.fixed_in_release_id = k.fixed_in_release_id;
    rc = store_known_error_update(req->store, &req->caller, req->params[0], &p, time_now(), &out,
                                  &fault, req->arena);
    return done(req, res, rc, &fault, &k);
}

int page_desk_known_error_link(struct req *req, struct res *res)
{
    int64_t ticket_id = page_form_id(req, "ticket_id");
    struct store_fault fault = {0};
    struct known_error k;
    int rc;

    if ((rc = store_known_error_get(req->store, &req->caller, req->params[0], &k, req->arena)) < 0)
        return page_error(req, res, rc, "there is no known error %" PRId64, req->params[0]);
    if (!ticket_id)
        return show(req, res, 422, "give the number of the request", NULL);
    rc = store_known_error_link(req->store, &req->caller, req->params[0], ticket_id, time_now(),
                                &k, &fault, req->arena);
    if (rc == DESK_ENOTFOUND && !fault.message[0])
        return show(req, res, 422, arena_sprintf(req->arena, "there is no request %" PRId64,
                                                 ticket_id), NULL);
    return done(req, res, rc, &fault, NULL);
}
