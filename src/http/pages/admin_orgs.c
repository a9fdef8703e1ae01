/*
 * admin_orgs.c - the customers' organisations at /desk/admin/organizations
 * (admins): every organisation with its mail domains, 200 a page (`?after=`
 * the last id shown), and a form that creates one from a name and its mail
 * domains, comma-separated (each checked and lower-cased by
 * mail_domain_normalize; blanks around them and empty ones skipped).
 * POST /desk/admin/organizations answers 303 to the list, or shows it again
 * with what was typed and 422 (a bad name or domain) or the store's 409 (a
 * taken name, a domain of another organisation). Each row has a select of
 * the staff: POST .../organizations/{id}/account-executive sets or clears
 * its account executive, and a form that renames it and replaces its mail
 * domains: POST .../organizations/{id} answers 303 to the list, or shows it
 * again with the error and what was typed in that row (422, or 409 as for a
 * new one).
 */
#include "core/compat.h"
#include "core/err.h"
#include "core/strbuf.h"
#include "domain/organization.h"
#include "http/pages/pages.h"
#include "store/store.h"

#include <ctype.h>

#define ORGS_PAGE 200 /* organisations a page shows */

/*
 * The rows of the list; the row of organisation `edited` (0: none) shows
 * what was typed into its form rather than what is stored.
 */
static json_t *orgs_json(struct req *req, const struct organization *o, size_t n,
                         const struct named *staff, size_t nstaff, int64_t edited)
{
    json_t *list = json_array();

    for (size_t i = 0; i < n; i++) {
        json_t *domains = json_array();
        struct strbuf text;
        bool typed = o[i].id == edited;

        strbuf_init(&text, 0);
        for (size_t d = 0; d < o[i].domains_nr; d++) {
            json_array_append_new(domains, json_string(o[i].domains[d]));
            strbuf_addf(&text, "%s%s", d ? ", " : "", o[i].domains[d]);
        }
        json_array_append_new(
            list, json_pack("{s:I, s:s, s:o, s:s, s:o, s:s, s:s}", "id", (json_int_t)o[i].id,
                            "name", o[i].name, "domains", domains, "account_executive",
                            page_name_of(staff, nstaff, o[i].account_executive_id), "executives",
                            page_options(staff, nstaff, o[i].account_executive_id, "none"),
                            "edit_name", typed ? page_form_str(req, "name") : o[i].name,
                            "edit_domains",
                            typed ? page_form_str(req, "domains") : text.buf));
        strbuf_release(&text);
    }
    return list;
}

/* The list; `edited` as for orgs_json, and the create form keeps what was typed when it is 0. */
static int show_edited(struct req *req, struct res *res, int status, const char *error,
                       int64_t edited)
{
    struct store_page pg = {0, ORGS_PAGE, false};
    const char *after = req_query(req, "after");
    struct organization *o;
    struct named *staff;
    size_t n, nstaff;
    int rc;

    if (after)
        pg.after = strtoll(after, NULL, 10);
    if (pg.after < 0)
        pg.after = 0;
    if ((rc = store_org_list(req->store, &req->caller, &pg, &o, &n, req->arena)) < 0 ||
        (rc = store_staff_names(req->store, &req->caller, &staff, &nstaff, req->arena)) < 0)
        return page_error(req, res, rc, "the organisations cannot be shown");
    return page_render(req, res, status, "admin_orgs",
                       json_pack("{s:s, s:s?, s:o, s:o, s:s, s:s}", "title", tr("Organisations"),
                                 "error", error, "organizations",
                                 orgs_json(req, o, n, staff, nstaff, edited), "next",
                                 pg.more && n ? json_integer(o[n - 1].id) : json_null(), "name",
                                 edited ? "" : page_form_str(req, "name"), "domains",
                                 edited ? "" : page_form_str(req, "domains")));
}

static int show(struct req *req, struct res *res, int status, const char *error)
{
    return show_edited(req, res, status, error, 0);
}

int page_admin_orgs(struct req *req, struct res *res) { return show(req, res, 200, NULL); }

/*
 * The comma-separated mail domains of s into o (arena), lower-cased; blanks
 * around them and empty ones are skipped. NULL, or why (arena).
 */
static const char *parse_domains(struct req *req, const char *s, struct organization *o)
{
    const char **list = ARENA_NEWN(req->arena, const char *, ORG_MAX_DOMAINS);

    o->domains = list;
    o->domains_nr = 0;
    while (*s) {
        const char *comma = strchr(s, ','), *end = comma ? comma : s + strlen(s), *why;
        char *norm, *one;

        while (s < end && isspace((unsigned char)*s))
            s++;
        while (end > s && isspace((unsigned char)end[-1]))
            end--;
        if (end > s) {
            if (o->domains_nr == ORG_MAX_DOMAINS)
                return "an organisation has at most 100 mail domains";
            one = arena_strndup(req->arena, s, (size_t)(end - s));
            norm = arena_alloc(req->arena, MAIL_DOMAIN_MAX + 1);
            if ((why = mail_domain_normalize(one, norm)))
                return arena_sprintf(req->arena, "'%s' %s", one, why);
            list[o->domains_nr++] = norm;
        }
        if (!comma)
            break;
        s = comma + 1;
    }
    return NULL;
}

/* The form's name and domains into o; NULL, or why (arena). */
static const char *read_form(struct req *req, struct organization *o)
{
    const char *why;

    o->name = page_form_str(req, "name");
    if (!*o->name)
        return "give the organisation a name";
    if ((why = page_line_problem("the name", o->name, ORG_NAME_MAX, req->arena)) ||
        (why = page_text_problem("the domains", page_form_str(req, "domains"), 1 << 16,
                                 req->arena)))
        return why;
    return parse_domains(req, page_form_str(req, "domains"), o);
}

int page_admin_org_create(struct req *req, struct res *res)
{
    struct organization o = {0};
    struct store_fault f = {0};
    const char *why;
    int rc;

    if ((why = read_form(req, &o)))
        return show(req, res, 422, why);
    if ((rc = store_org_create(req->store, &req->caller, &o, &f)) < 0)
        return show(req, res, http_status_from_err(rc), page_fault_message(rc, &f));
    return page_saved(req, res, "/desk/admin/organizations");
}

/* POST /desk/admin/organizations/{id}: a new name and the whole list of its mail domains. */
int page_admin_org_update(struct req *req, struct res *res)
{
    struct organization patch = {.id = req->params[0]}, o;
    struct store_fault f = {0};
    const char *why;
    int rc;

    if ((why = read_form(req, &patch)))
        return show_edited(req, res, 422, why, patch.id);
    rc = store_org_update(req->store, &req->caller, &patch, &o, &f, req->arena);
    if (rc == DESK_ENOTFOUND && !f.field)
        return page_error(req, res, rc, "there is no organisation %" PRId64, patch.id);
    if (rc < 0)
        return show_edited(req, res, http_status_from_err(rc), page_fault_message(rc, &f),
                           patch.id);
    return page_saved(req, res, "/desk/admin/organizations");
}

/* POST /desk/admin/organizations/{id}/account-executive: one of the staff, or none (""). */
int page_admin_org_executive(struct req *req, struct res *res)
{
    struct organization patch = {.id = req->params[0]}, o;
    struct store_fault f = {0};
    int rc;

    patch.account_executive_id = page_form_id(req, "account_executive_id");
    if (!patch.account_executive_id && *page_form_str(req, "account_executive_id"))
        return show(req, res, 422, "choose the account executive from the staff");
    if (!patch.account_executive_id)
        patch.account_executive_id = ORG_CLEAR;
    rc = store_org_update(req->store, &req->caller, &patch, &o, &f, req->arena);
    if (rc == DESK_ENOTFOUND && !f.field)
        return page_error(req, res, rc, "there is no organisation %" PRId64, patch.id);
    if (rc < 0)
        return show(req, res, http_status_from_err(rc), page_fault_message(rc, &f));
    return page_saved(req, res, "/desk/admin/organizations");
}
