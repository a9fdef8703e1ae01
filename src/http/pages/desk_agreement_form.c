/*
 * desk_agreement_form.c - agreements created and their terms changed on the desk (issue 15):
 * GET /desk/agreements/new and POST /desk/agreements (a new agreement: organisation, kind,
 * dates, currency, hosting, SLA policy, calendar, hours, fees, extras, services,
 * invoicing) and POST /desk/agreements/{id} (the terms PATCH may change, a form on the
 * agreement's page).
 *
 * The form becomes the API's JSON body and goes through the API's own checks and writes
 * (api_agreement_create_body, api_agreement_patch_body): one place for each rule, and the
 * API's messages, naming the field, on the page with what was typed. The page itself only
 * reads what people type: decimal amounts in the currency's minor units, "12,5" hours.
 * An empty field is left out (PATCH: unchanged); the boxes of extras and services are
 * always sent, so unticking all clears them.
 */
#include "core/compat.h"
#include "http/pages/pages.h"
#include "core/err.h"
#include "core/time.h"
#include "domain/agreement.h"
#include "domain/catalogue.h"
#include "domain/money.h"
#include "domain/policy.h"
#include "http/api/api.h"
#include "store/store.h"

#define PICK_MAX 1000 /* policies and calendars a select offers */

static const char *const id_fields[] = {"organization_id", "sla_policy_id", "calendar_id"};
static const char *const text_fields[] = {"kind", "starts_on", "ends_on", "currency", "hosting",
                                          "invoicing"};
static const char *const money_fields[] = {"annual_fee", "rate", "per_diem_rate"};

/* Is value among the posted values of the field name? */
static bool ticked(const struct req *req, const char *name, const char *value)
{
    for (size_t i = 0; i < req->nform; i++)
        if (!strcmp(req->form[i].name, name) && !strcmp(req->form[i].value, value))
            return true;
    return false;
}

/* The ticked boxes of name among names, as the API's list. */
static json_t *ticked_list(const struct req *req, const char *name, const char *const *names)
{
    json_t *list = json_array();

    for (size_t i = 0; names[i]; i++)
        if (ticked(req, name, names[i]))
            json_array_append_new(list, json_string(names[i]));
    return list;
}

/*
 * The posted form as the API's body into *in (NULL, or why with *field). cur: the
 * agreement's currency when the form names none (PATCH).
 */
static const char *form_body(struct req *req, const char *cur_code, json_t **in,
                             const char **field)
{
    json_t *o = json_object();
    const char *cur_typed = page_form_str(req, "currency");
    const struct currency *cur = currency_find(*cur_typed ? cur_typed : cur_code ? cur_code : "");
    const char *s;
    char *end;

    for (size_t i = 0; i < ARRAY_SIZE(text_fields); i++)
        if (*(s = page_form_str(req, text_fields[i])))
            json_object_set_new(o, text_fields[i], json_string(s));
    for (size_t i = 0; i < ARRAY_SIZE(id_fields); i++) {
        if (!*(s = page_form_str(req, id_fields[i])))
            continue;
        long long v = strtoll(s, &end, 10);
        /* not a number: as typed, for the API to refuse naming the field */
        json_object_set_new(o, id_fields[i], *end ? json_string(s) : json_integer(v));
    }
    if (*(s = page_form_str(req, "hours"))) {
        const char *n = page_number_text(req, s);
        double v = strtod(n, &end);
        json_object_set_new(o, "hours", *end || end == n ? json_string(s) : json_real(v));
    }
    for (size_t i = 0; cur && i < ARRAY_SIZE(money_fields); i++) {
        int64_t minor;
        if (!*(s = page_form_str(req, money_fields[i])))
            continue;
        if (money_parse(page_number_text(req, s), cur, &minor) < 0) {
            json_decref(o);
            *field = money_fields[i];
            return arena_sprintf(req->arena, "%s must be an amount of %s with at most %d decimals",
                                 money_fields[i], cur->code, cur->exponent);
        }
        json_object_set_new(o, money_fields[i], json_integer(minor));
    }
    json_object_set_new(o, "extras", ticked_list(req, "extras", agreement_extra_names));
    json_object_set_new(o, "services", ticked_list(req, "services", agreement_service_names));
    *in = o;
    return NULL;
}

/* [{"value","label","selected"}] over names, after "" labelled none (NULL: no such option). */
static json_t *name_options(const char *const *names, const char *selected, const char *none)
{
    json_t *list = json_array();

    if (none)
        json_array_append_new(list, json_pack("{s:s, s:s, s:b}", "value", "", "label", tr(none),
                                              "selected", !selected || !*selected));
    for (size_t i = 0; names[i]; i++)
        json_array_append_new(list, json_pack("{s:s, s:s, s:b}", "value", names[i], "label",
                                              tr(names[i]), "selected",
                                              selected && !strcmp(selected, names[i])));
    return list;
}

static json_t *boxes(const struct req *req, const char *name, const char *const *names,
                     unsigned bits, bool typed)
{
    json_t *list = json_array();

    for (size_t i = 0; names[i]; i++)
        json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:b}", "name", name, "value",
                                              names[i], "label", tr(names[i]), "checked",
                                              typed ? ticked(req, name, names[i])
                                                    : (bits & (1u << i)) != 0));
    return list;
}

static const char *or_empty(const char *s)
{
    return s ? s : "";
}


static json_t *money_value(int64_t amount, const char *code, struct arena *a)
{
    const struct currency *cur = currency_find(code);
    char text[MONEY_TEXT_LEN];

    if (!cur || !amount)
        return json_string("");
    money_format(amount, cur, 0, text);
    return json_string(arena_strdup(a, text));
}

json_t *page_agreement_terms_json(struct req *req, const struct agreement *g, bool typed)
{
    struct store_page pg = {0, PICK_MAX, false};
    struct sla_policy *pol = NULL;
    struct calendar_entry *cal = NULL;
    size_t npol = 0, ncal = 0;
    json_t *o = json_object(), *pols, *cals;
    int64_t pol_id = typed ? page_form_id(req, "sla_policy_id") : g ? g->sla_policy_id : 0;
    int64_t cal_id = typed ? page_form_id(req, "calendar_id") : g ? g->calendar_id : 0;

    if (store_policy_list(req->store, &pg, &pol, &npol, req->arena) < 0)
        npol = 0;
    pg = (struct store_page){0, PICK_MAX, false};
    if (store_calendar_list(req->store, &pg, &cal, &ncal, req->arena) < 0)
        ncal = 0;
    pols = json_array();
    json_array_append_new(pols, json_pack("{s:s, s:s, s:b}", "value", "", "label", "none",
                                          "selected", !pol_id));
    for (size_t i = 0; i < npol; i++)
        json_array_append_new(pols, json_pack("{s:I, s:s, s:b}", "value", (json_int_t)pol[i].id,
                                              "label", pol[i].name, "selected",
                                              pol[i].id == pol_id));
    cals = json_array();
    json_array_append_new(cals, json_pack("{s:s, s:s, s:b}", "value", "", "label",
                                          tr("the policy's"), "selected", !cal_id));
    for (size_t i = 0; i < ncal; i++)
        json_array_append_new(cals, json_pack("{s:I, s:s, s:b}", "value", (json_int_t)cal[i].id,
                                              "label", cal[i].name, "selected",
                                              cal[i].id == cal_id));
    json_object_set_new(o, "typed", json_boolean(typed)); /* a refused form: shown open */
    json_object_set_new(o, "policy_options", pols);
    json_object_set_new(o, "calendar_options", cals);
    if (typed) {
        for (size_t i = 0; i < ARRAY_SIZE(text_fields); i++)
            json_object_set_new(o, text_fields[i],
                                json_string(page_form_str(req, text_fields[i])));
        for (size_t i = 0; i < ARRAY_SIZE(money_fields); i++)
            json_object_set_new(o, money_fields[i],
                                json_string(page_form_str(req, money_fields[i])));
        json_object_set_new(o, "hours", json_string(page_form_str(req, "hours")));
    } else if (g) {
        json_object_set_new(o, "starts_on", page_day_json(g->starts_on));
        json_object_set_new(o, "ends_on", page_day_json(g->ends_on));
        json_object_set_new(o, "currency", json_string(g->currency));
        json_object_set_new(o, "hosting", json_string(or_empty(hosting_name(g->hosting))));
        json_object_set_new(o, "invoicing", json_string(or_empty(invoicing_name(g->invoicing))));
        json_object_set_new(o, "annual_fee", money_value(g->annual_fee, g->currency, req->arena));
        json_object_set_new(o, "rate", money_value(g->rate, g->currency, req->arena));
        json_object_set_new(o, "per_diem_rate",
                            money_value(g->per_diem_rate, g->currency, req->arena));
        json_object_set_new(o, "hours", json_string(g->hours_minutes
                                                        ? page_hours(g->hours_minutes, req->arena)
                                                        : ""));
    } else {
        json_object_set_new(o, "currency", json_string("EUR"));
    }
    json_object_set_new(o, "kind_options",
                        name_options(agreement_kind_names,
                                     json_string_value(json_object_get(o, "kind")), NULL));
    json_object_set_new(o, "hosting_options",
                        name_options(hosting_names,
                                     json_string_value(json_object_get(o, "hosting")), TR_NOOP("none")));
    json_object_set_new(o, "invoicing_options",
                        name_options(invoicing_names,
                                     json_string_value(json_object_get(o, "invoicing")),
                                     TR_NOOP("none")));
    json_object_set_new(o, "extras_boxes", boxes(req, "extras", agreement_extra_names,
                                                 g ? g->extras : 0, typed));
    json_object_set_new(o, "services_boxes", boxes(req, "services", agreement_service_names,
                                                   g ? g->services : 0, typed));
    return o;
}

/* ---- a new agreement ------------------------------------------------------------------ */

static int new_show(struct req *req, struct res *res, int status, const char *error,
                    const char *field)
{
    struct named *orgs;
    size_t norgs;
    json_t *terms;
    int rc;

    if ((rc = store_organization_names(req->store, &req->caller, &orgs, &norgs, req->arena)) < 0)
        return page_error(req, res, rc, "the form cannot be shown");
    terms = page_agreement_terms_json(req, NULL, status != 200);
    json_object_set_new(terms, "organization_options",
                        page_options(orgs, norgs, page_form_id(req, "organization_id"), "choose"));
    return page_render(req, res, status, "desk_agreement_new",
                       json_pack("{s:s, s:s?, s:s?, s:o}", "title", tr("New agreement"), "error",
                                 error, "error_field", field, "terms", terms));
}

int page_desk_agreement_new(struct req *req, struct res *res)
{
    return new_show(req, res, 200, NULL, NULL);
}

int page_desk_agreement_create(struct req *req, struct res *res)
{
    struct res api = {.body = STRBUF_INIT};
    const char *why, *field = NULL;
    struct agreement a;
    json_t *in;

    if ((why = form_body(req, NULL, &in, &field)))
        return new_show(req, res, 422, why, field);
    if (api_agreement_create_body(req, &api, in, &a) < 0) {
        int status = api.status;
        json_decref(in);
        why = page_api_refusal(req, &api, &field);
        return new_show(req, res, status, why, field);
    }
    json_decref(in);
    res_release(&api);
    return page_saved(req, res, arena_sprintf(req->arena, "/desk/agreements/%" PRId64, a.id));
}

/* ---- its terms changed ---------------------------------------------------------------- */

int page_desk_agreement_update(struct req *req, struct res *res)
{
    struct res api = {.body = STRBUF_INIT};
    const char *why, *field = NULL;
    struct agreement g, a;
    json_t *in;
    int rc;

    if ((rc = store_agreement_get(req->store, &req->caller, req->params[0], &g, req->arena)) < 0)
        return page_error(req, res, rc, "there is no agreement %" PRId64, req->params[0]);
    if ((why = form_body(req, g.currency, &in, &field)))
        return page_desk_agreement_again(req, res, 422, why);
    if (api_agreement_patch_body(req, &api, req->params[0], in, &a) < 0) {
        int status = api.status;
        json_decref(in);
        why = page_api_refusal(req, &api, &field);
        return page_desk_agreement_again(req, res, status, why);
    }
    json_decref(in);
    res_release(&api);
    return page_saved(req, res,
                      arena_sprintf(req->arena, "/desk/agreements/%" PRId64, req->params[0]));
}
