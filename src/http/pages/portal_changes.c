/*
 * portal_changes.c - /portal/changes: the changes staff propose to the installations of the
 * customer's organisation, each with Approve and Decline forms (CSRF, as every portal form).
 * Nothing is applied to an installation until a customer approves (store_installation_change_
 * decide); another organisation's change is the same 404 page as a missing one.
 */
#include "core/compat.h"
#include "http/pages/pages.h"
#include "core/err.h"
#include "core/time.h"
#include "domain/release.h"
#include "store/store.h"


static json_t *proposal_json(const struct installation_change *ch, const char *installation,
                             int64_t now, struct arena *a)
{
    return json_pack("{s:I, s:s, s:s, s:s, s:s, s:s?, s:s}", "id", (json_int_t)ch->id,
                     "installation", installation, "what", ch->what, "documentation",
                     ch->documentation ? ch->documentation : "", "by", ch->by_name,
                     "to_version", ch->to_version, "when",
                     ch->at > now ? page_utc_text(ch->at, a) : "when approved");
}

/* The page; status and error for a decision that was refused. */
static int show_changes(struct req *req, struct res *res, int status, const char *error)
{
    struct installation_change *items;
    const char **names;
    int64_t now = time_now();
    json_t *list;
    size_t n;
    int rc;

    rc = store_installation_changes_proposed(req->store, &req->caller, &items, &names, &n,
                                             req->arena);
    if (rc < 0)
        return page_error(req, res, rc, "the proposed changes cannot be shown");
    list = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(list, proposal_json(&items[i], names[i], now, req->arena));
    return page_render(req, res, status, "portal_changes",
                       json_pack("{s:s, s:o, s:s?}", "title", tr("Proposed changes"), "changes", list,
                                 "error", error));
}

int page_portal_changes(struct req *req, struct res *res)
{
    return show_changes(req, res, 200, NULL);
}

static int decide(struct req *req, struct res *res, enum change_action act)
{
    const char *reason = act == CA_DECLINE ? req_form(req, "reason") : NULL, *why;
    struct store_fault fault = {0};
    struct installation_change ch;
    int rc;

    if (reason && (why = page_text_problem("the reason", reason, CHANGE_REASON_MAX, req->arena)))
        return show_changes(req, res, 422, why);
    rc = store_installation_change_decide(req->store, &req->caller, req->params[0], act, reason,
                                          time_now(), &ch, &fault, req->arena);
    if (rc == DESK_ENOTFOUND)
        return page_error(req, res, rc, "there is no change %" PRId64, req->params[0]);
    if (rc < 0)
        return show_changes(req, res, http_status_from_err(rc),
                            fault.message[0] ? fault.message : desk_err_code(rc));
    return page_saved(req, res, "/portal/changes");
}

int page_portal_change_approve(struct req *req, struct res *res)
{
    return decide(req, res, CA_APPROVE);
}

int page_portal_change_decline(struct req *req, struct res *res)
{
    return decide(req, res, CA_DECLINE);
}
