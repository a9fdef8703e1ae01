/*
 * desk_work.c - the work recorded on a request, on the desk's request page:
 * its time entries (list, and a form: minutes, kind, note), its root cause
 * and the release that fixes it (a form: text and a select of the releases),
 * and its known error (a form linking one; the known error's release is
 * where it is fixed). POST /desk/tickets/{id}/time, …/root-cause and
 * …/known-error answer 303 to the request's page, or show it again with
 * the store's status and message.
 */
#include "core/compat.h"
#include "http/pages/pages.h"
#include "core/err.h"
#include "core/time.h"
#include "domain/agreement.h"
#include "domain/release.h"
#include "store/store.h"

#define KNOWN_ERRORS_MAX 200 /* known errors offered in the form */
#define RELEASES_MAX 200     /* releases offered in the root-cause form */
#define NOTE_MAX 2000        /* characters of a time entry's note */
#define ROOT_CAUSE_MAX 2000  /* characters of a root cause (as the API's PATCH) */

static json_t *time_entries_json(const struct time_entry *t, size_t n, struct arena *a)
{
    json_t *list = json_array();

    for (size_t i = 0; i < n; i++) {
        char on[DATE_LEN];

        date_format(t[i].on, on);
        json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:s}", "on", on, "time",
                                              page_hmm(t[i].minutes * 60, a), "kind",
                                              tr(time_kind_names[t[i].kind]), "note", t[i].note));
    }
    return list;
}

/* The known errors to link, the request's own selected. */
static json_t *known_error_options(const struct known_error *k, size_t n, int64_t ticket_id)
{
    json_t *list = json_array();

    for (size_t i = 0; i < n; i++) {
        bool linked = false;

        for (size_t j = 0; j < k[i].ntickets; j++)
            linked |= k[i].ticket_ids[j] == ticket_id;
        json_array_append_new(
            list, json_pack("{s:I, s:s, s:b, s:I, s:s}", "value", (json_int_t)k[i].id, "label",
                            k[i].title, "selected", linked, "release",
                            (json_int_t)k[i].fixed_in_release_id, "status",
                            tr(known_error_status_name(k[i].status))));
    }
    return list;
}

int page_release_options(struct req *req, int64_t selected, json_t *data)
{
    struct kb_page pg = {NULL, RELEASES_MAX};
    struct release *r;
    struct named *nm;
    const char *next;
    size_t n;
    int rc;

    if ((rc = store_release_list(req->store, &req->caller, &pg, &r, &n, &next, req->arena)) < 0)
        return rc;
    nm = ARENA_NEWN(req->arena, struct named, n + 1);
    for (size_t i = 0; i < n; i++) {
        nm[i].id = r[i].id;
        nm[i].name = arena_sprintf(req->arena, "%s (%s%s)", r[i].version,
                                   release_kind_names[r[i].kind],
                                   r[i].published_at ? "" : ", not published");
        if (r[i].id == selected)
            json_object_set_new(data, "release", json_string(r[i].version));
    }
    json_object_set_new(data, "releases", page_options(nm, n, selected, "none"));
    return 0;
}

int page_ticket_work(struct req *req, const struct ticket *t, json_t *data)
{
    struct kb_page pg = {NULL, KNOWN_ERRORS_MAX};
    struct time_entry *te;
    struct known_error *k;
    const char *next;
    size_t nte, nk;
    int rc;

    if ((rc = store_time_entry_list(req->store, &req->caller, t->id, 0, &te, &nte,
                                    req->arena)) < 0 ||
        (rc = store_known_error_list(req->store, &req->caller, &pg, &k, &nk, &next,
                                     req->arena)) < 0 ||
        (rc = page_release_options(req, t->release_id, data)) < 0)
        return rc;
    json_object_set_new(data, "time_entries", time_entries_json(te, nte, req->arena));
    json_object_set_new(data, "time_kinds", page_word_options(time_kind_names));
    json_object_set_new(data, "known_errors", known_error_options(k, nk, t->id));
    json_object_set_new(data, "root_cause", t->root_cause ? json_string(t->root_cause)
                                                          : json_null());
    return 0;
}

int page_desk_time(struct req *req, struct res *res)
{
    const char *kind = req_form(req, "kind"), *note = req_form(req, "note"), *why;
    struct store_fault fault = {0};
    struct time_entry t = {.ticket_id = req->params[0], .user_id = req->user.id};
    int rc = -1;

    t.minutes = page_form_id(req, "minutes");
    if (t.minutes < 1 || t.minutes > TIME_MINUTES_MAX)
        return page_desk_ticket_again(req, res, 422, "minutes must be 1 to 100000");
    for (int i = 0; kind && time_kind_names[i]; i++)
        if (!strcmp(kind, time_kind_names[i]))
            t.kind = (enum time_kind)i, rc = 0;
    if (rc < 0)
        return page_desk_ticket_again(req, res, 422, "choose the kind of time");
    if ((why = page_text_problem("the note", note ? note : "", NOTE_MAX, req->arena)))
        return page_desk_ticket_again(req, res, 422, why);
    t.note = note ? note : "";
    t.on = floor_div(time_now(), 86400);
    if ((rc = store_time_entry_create(req->store, &req->caller, &t, time_now(), &fault)) < 0)
        return page_desk_ticket_again(req, res, http_status_from_err(rc),
                                      page_fault_message(rc, &fault));
    return page_saved(req, res, arena_sprintf(req->arena, "/desk/tickets/%" PRId64, t.ticket_id));
}

int page_desk_known_error(struct req *req, struct res *res)
{
    int64_t id = page_form_id(req, "known_error_id");
    struct store_fault fault = {0};
    struct known_error k;
    int rc;

    if (!id)
        return page_desk_ticket_again(req, res, 422, "choose a known error");
    rc = store_known_error_link(req->store, &req->caller, id, req->params[0], time_now(), &k,
                                &fault, req->arena);
    if (rc < 0)
        return page_desk_ticket_again(req, res, http_status_from_err(rc),
                                      page_fault_message(rc, &fault));
    return page_saved(req, res,
                         arena_sprintf(req->arena, "/desk/tickets/%" PRId64, req->params[0]));
}

int page_desk_root_cause(struct req *req, struct res *res)
{
    const char *cause = page_form_str(req, "root_cause"), *why;
    struct ticket_patch p = {.has_root_cause = true, .has_release = true};
    struct store_fault fault = {0};
    struct ticket t;
    int rc;

    if ((why = page_text_problem("the root cause", cause, ROOT_CAUSE_MAX, req->arena)))
        return page_desk_ticket_again(req, res, 422, why);
    p.root_cause = cause;
    p.release_id = page_form_id(req, "release_id");
    rc = store_ticket_update(req->store, &req->caller, req->params[0], &p, time_now(), &t, &fault,
                             req->arena);
    if (rc == DESK_ENOTFOUND && !fault.field)
        return page_error(req, res, rc, "there is no request %" PRId64, req->params[0]);
    if (rc < 0)
        return page_desk_ticket_again(req, res, http_status_from_err(rc),
                                      page_fault_message(rc, &fault));
    return page_saved(req, res,
                         arena_sprintf(req->arena, "/desk/tickets/%" PRId64, req->params[0]));
}
