/*
 * agreements.c - GET /portal/agreements (a customer's organisation) and
 * GET /desk/agreements (staff, with an organisation filter): the agreements
 * with their kind, status, term, hosting, SLA policy, hours bought, extras
 * and services. Staff rows link /desk/agreements/{id} (desk_agreements.c),
 * where an agreement is quoted, signed, cancelled and changed; customers'
 * link /portal/agreements/{id}. Customers also see "Your contacts": their
 * organisation's account executive and their agreements' representatives
 * (name and e-mail), and both see the organisation's add-ons; for staff with
 * one organisation chosen, the forms that record an add-on and issue the
 * yearly invoice (desk_billing.c).
 */
#include "core/compat.h"
#include "http/pages/pages.h"
#include "core/err.h"
#include "core/time.h"
#include "domain/addon.h"
#include "domain/catalogue.h"
#include "domain/invoice.h"
#include "domain/money.h"
#include "store/store.h"

static const struct {
    const char *kind, *label;
} kinds[] = {
    {"maintenance", "Software Maintenance Agreement"},
    {"enhanced", "Enhanced Maintenance Services"},
    {"advanced", "Advanced Services"},
};

static const char *kind_label(const char *kind)
{
    for (size_t i = 0; i < ARRAY_SIZE(kinds); i++)
        if (!strcmp(kinds[i].kind, kind))
            return kinds[i].label;
    return kind;
}

/* A stored JSON list of names as "a, b, c" with underscores as spaces; "" when empty. */
static json_t *list_text(const char *stored)
{
    json_t *list = json_loads(stored, 0, NULL), *v;
    struct strbuf sb = STRBUF_INIT;
    json_t *out;
    size_t i;

    json_array_foreach(list, i, v)
    {
        const char *s = json_string_value(v);
        if (!s)
            continue;
        strbuf_addstr(&sb, sb.len ? ", " : "");
        for (; *s; s++)
            strbuf_addch(&sb, *s == '_' ? ' ' : *s);
    }
    out = json_string(sb.buf);
    strbuf_release(&sb);
    json_decref(list);
    return out;
}

/* Customers see the hours bought only once the agreement is signed (before, the quote counts). */
static json_t *row_json(const struct agreement_row *g, bool staff, struct arena *a)
{
    json_t *o = json_pack(
        "{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:b}", "id", (json_int_t)g->id,
        "organization", g->organization, "kind", kind_label(g->kind), "status", tr(g->status),
        "starts_on", g->starts_on, "ends_on", *g->ends_on ? g->ends_on : tr("open-ended"),
        "hosting",
        !strcmp(g->hosting, "vendor_hosted")     ? tr("hosted by us")
        : !strcmp(g->hosting, "customer_hosted") ? tr("on your servers")
                                                 : "",
        "policy", g->policy, "active", g->active, "quote_overdue", g->quote_overdue);

    if (g->hours_minutes && (staff || !strcmp(g->status, "signed")))
        json_object_set_new(o, "hours",
                            json_string(g->hours_minutes % 60
                                            ? arena_sprintf(a, "%.2f", g->hours_minutes / 60.0)
                                            : arena_sprintf(a, "%" PRId64, g->hours_minutes / 60)));
    json_object_set_new(o, "extras", list_text(g->extras));
    json_object_set_new(o, "services", list_text(g->services));
    return o;
}

/* The portal's "Your contacts": name, e-mail and what each is to the customer. */
static json_t *contacts_json(const struct your_contact *c, size_t n, struct arena *a)
{
    json_t *list = json_array();

    for (size_t i = 0; i < n; i++) {
        const char *role = c[i].agreement_id
                               ? arena_sprintf(a, "representative, %s #%" PRId64,
                                               kind_label(c[i].kind), c[i].agreement_id)
                               : "account executive";
        json_array_append_new(list, json_pack("{s:s, s:s, s:s}", "name", c[i].name, "email",
                                              c[i].email, "role", role));
    }
    return list;
}

/* ?saved= of the forms' redirect: "add-on", or the number of the yearly invoice issued; else
   nothing (the query is the visitor's to write). */
static json_t *saved_json(const char *saved)
{
    if (!saved || !*saved || strlen(saved) >= INVOICE_NUMBER_LEN)
        return json_null();
    if (!strcmp(saved, "add-on"))
        return json_string(tr("The add-on is recorded."));
    for (const char *p = saved; *p; p++)
        if (!strchr("0123456789-", *p))
            return json_null();
    return json_sprintf("Yearly invoice %s is issued.", saved);
}

/* The add-ons of organisation org (0: none) as rows of the page. */
static int addons_json(struct req *req, int64_t org, json_t **out)
{
    struct addon *d;
    size_t n = 0;
    int rc = org ? store_addon_list(req->store, &req->caller, org, &d, &n, req->arena) : 0;

    *out = json_array();
    for (size_t i = 0; i < n && rc == 0; i++) {
        const struct currency *cur = currency_find(d[i].currency);
        char price[MONEY_TEXT_LEN], from[DATE_LEN], to[DATE_LEN] = "";
        date_format(d[i].starts_on, from);
        if (d[i].ends_on != DATE_NONE)
            date_format(d[i].ends_on, to);
        json_array_append_new(
            *out, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "service", d[i].service_name,
                            "starts_on", from, "ends_on", *to ? to : tr("open-ended"), "price",
                            cur ? page_number(money_format(d[i].annual_price, cur, MONEY_GROUP,
                                                           price))
                                : "",
                            "currency", d[i].currency, "note", d[i].note));
    }
    return rc;
}

/* The catalogue services offered as add-ons (in either hosting model), for the form. */
static int addon_services_json(struct req *req, json_t **out)
{
    struct catalogue_service *s;
    size_t n;
    int rc = store_catalogue_list(req->store, &s, &n, req->arena);

    *out = json_array();
    for (size_t i = 0; i < n && rc == 0; i++)
        if (catalogue_offered(&s[i]) &&
            (s[i].vendor.inclusion == INCL_ADD_ON || s[i].customer.inclusion == INCL_ADD_ON))
            json_array_append_new(*out, json_pack("{s:I, s:s}", "id", (json_int_t)s[i].id,
                                                  "name", s[i].name));
    return rc;
}

int page_agreements(struct req *req, struct res *res)
{
    const char *q = req_query(req, "organization_id");
    int64_t now = time_now(), org = q && *q ? strtoll(q, NULL, 10) : 0;
    bool staff = req->caller.role >= ROLE_AGENT;
    struct agreement_row *rows;
    struct named *orgs = NULL;
    struct your_contact *contacts = NULL;
    size_t n, norgs = 0, ncontacts = 0;
    json_t *list, *data, *addons = NULL, *services = NULL;
    int rc;

    if (org < 0)
        org = 0;
    rc = store_agreement_rows(req->store, &req->caller, org, floor_div(now, 86400), now, &rows, &n,
                              req->arena);
    if (rc == 0 && staff)
        rc = store_organization_names(req->store, &req->caller, &orgs, &norgs, req->arena);
    else if (rc == 0)
        rc = store_your_contacts(req->store, &req->caller, &contacts, &ncontacts, req->arena);
    if (rc < 0)
        return page_error(req, res, rc, "the agreements cannot be shown");
    if ((rc = addons_json(req, staff ? org : req->caller.organization_id, &addons)) < 0 ||
        (staff && org && (rc = addon_services_json(req, &services)) < 0)) {
        json_decref(addons);
        json_decref(services);
        return page_error(req, res, rc, "the add-ons cannot be shown");
    }
    list = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(list, row_json(&rows[i], staff, req->arena));
    data = json_pack("{s:s, s:o, s:o, s:b}", "title", tr("Agreements"), "agreements", list, "addons",
                     addons, "one_org", staff && org);
    if (services)
        json_object_set_new(data, "addon_services", services);
    if (staff && org) {
        json_object_set_new(data, "org_id", json_integer(org));
        json_object_set_new(data, "saved", saved_json(req_query(req, "saved")));
    }
    if (staff)
        json_object_set_new(data, "organizations", page_options(orgs, norgs, org, "any"));
    else
        json_object_set_new(data, "contacts", contacts_json(contacts, ncontacts, req->arena));
    return page_render(req, res, 200, "agreements", data);
}
