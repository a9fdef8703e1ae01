/*
 * desk_requirements.c - POST /desk/agreements/{id}/requirements (agents,
 * admins): record the requirements of one year of an enhanced agreement
 * (year_start, scope, assumptions, schedule, roles, rasci_matrix_id), which
 * completes the year's task. Answers 303 to the agreement's page, or shows it
 * again with the store's status and message (domain/requirements.h, the
 * store's rules as in the API).
 */
#include "core/compat.h"
#include "http/pages/pages.h"
#include "core/err.h"
#include "core/time.h"
#include "domain/requirements.h"
#include "store/store.h"

static const char *const texts[] = {"scope", "assumptions", "schedule", "roles"};

/* The form's texts into r, or the reason one is refused. */
static const char *read_texts(struct req *req, struct requirements *r)
{
    const char **to[] = {&r->scope, &r->assumptions, &r->schedule, &r->roles};
    const char *why;

    for (size_t i = 0; i < ARRAY_SIZE(texts); i++) {
        *to[i] = page_form_str(req, texts[i]);
        if ((why = page_text_problem(texts[i], *to[i], REQUIREMENTS_TEXT_MAX, req->arena)))
            return why;
    }
    return *r->scope ? NULL : "give the scope";
}

int page_desk_requirements_record(struct req *req, struct res *res)
{
    const char *ys = page_form_str(req, "year_start"), *rasci = page_form_str(req, "rasci_matrix_id");
    struct store_fault fault = {0};
    struct requirements in = {0}, out;
    const char *why;
    int rc;

    if (date_parse(ys, strlen(ys), &in.year_start) < 0)
        return page_desk_agreement_again(req, res, 422, "the year must be a date, YYYY-MM-DD");
    if ((why = read_texts(req, &in)))
        return page_desk_agreement_again(req, res, 422, why);
    if (*rasci && (in.rasci_matrix_id = page_form_id(req, "rasci_matrix_id")) <= 0)
        return page_desk_agreement_again(req, res, 422, "the RASCI matrix id must be a number");
    rc = store_requirements_record(req->store, &req->caller, req->params[0], &in, time_now(),
                                   &out, &fault, req->arena);
    if (rc == DESK_ENOTFOUND && !fault.field && !*fault.message)
        return page_error(req, res, rc, "there is no agreement %" PRId64, req->params[0]);
    if (rc < 0)
        return page_desk_agreement_again(req, res, http_status_from_err(rc),
                                         page_fault_message(rc, &fault));
    return page_saved(req, res,
                         arena_sprintf(req->arena, "/desk/agreements/%" PRId64 "#requirements",
                                       req->params[0]));
}
