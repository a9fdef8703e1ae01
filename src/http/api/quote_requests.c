/*
 * quote_requests.c - the supplemental services that maintenance does not
 * cover, and a customer's request for a quote for one (issue 16):
 * GET /api/v1/supplemental-services, POST /api/v1/quote-requests. A quote
 * request is an advanced-services request: a request of type `service`
 * whose subject names the service, for the desk to gather requirements and
 * quote a statement of work.
 */
#include "core/compat.h"
#include "http/api/api.h"
#include "core/err.h"
#include "core/time.h"
#include "domain/agreement.h"
#include "http/input.h"
#include "store/store.h"

#define QUOTE_NOTE_MAX 10000 /* characters of what the customer adds */
#define AGREEMENTS_READ 1000 /* an organisation's agreements looked at */

int supplemental_covered(struct req *req, int64_t org, unsigned *covered)
{
    struct agreement_filter f = {org, -1, 0, AGREEMENTS_READ};
    int64_t next, today = floor_div(time_now(), 86400);
    struct agreement *items;
    size_t n;
    int rc = store_agreement_list(req->store, &req->caller, &f, &items, &n, &next, req->arena);

    *covered = 0;
    for (size_t i = 0; i < n && rc == 0; i++)
        if (items[i].kind != AK_MAINTENANCE && agreement_active_on(&items[i], today))
            *covered |= items[i].services;
    return rc;
}

json_t *supplemental_services_json(unsigned covered)
{
    json_t *list = json_array();

    for (size_t i = 0; agreement_service_names[i]; i++)
        json_array_append_new(list, json_pack("{s:s, s:s, s:b}", "name",
                                              agreement_service_names[i], "label",
                                              agreement_service_labels[i], "covered",
                                              (covered >> i) & 1u));
    return list;
}

int api_supplemental_services(struct req *req, struct res *res)
{
    int64_t org = req->caller.role == ROLE_CUSTOMER ? req->caller.organization_id : 0;
    unsigned covered = 0;
    int rc;

    if (req->caller.role != ROLE_CUSTOMER &&
        (rc = api_query_id(req, res, "organization_id", &org)) < 0)
        return rc;
    if (org && (rc = supplemental_covered(req, org, &covered)) < 0)
        return rc;
    return res_json(res, 200, api_list_json(supplemental_services_json(covered), 0));
}

int quote_request_create(struct req *req, int64_t org, const char *service, const char *note,
                         enum channel channel, struct ticket *t, struct store_fault *fault)
{
    unsigned bit = agreement_flag(agreement_service_names, service);
    const char *label = NULL;

    for (size_t i = 0; bit && agreement_service_names[i]; i++)
        if ((1u << i) == bit)
            label = agreement_service_labels[i];
    if (!label) {
        fault->field = "service";
        snprintf(fault->message, sizeof(fault->message), "'%.60s' is not a supplemental service",
                 service ? service : "");
        return DESK_EINVAL;
    }
    memset(t, 0, sizeof(*t));
    t->organization_id = org;
    t->requester_id = req->caller.role == ROLE_CUSTOMER ? req->caller.user_id : 0;
    t->type = TT_SERVICE;
    t->severity = ticket_default_severity(TT_SERVICE);
    t->channel = channel;
    t->subject = arena_sprintf(req->arena, "Quote request: %s", label);
    t->body = arena_sprintf(req->arena,
                            "The customer asks for a quote for %s (%s), an advanced service "
                            "under a statement of work.%s%s",
                            label, service, note && *note ? "\n\n" : "", note ? note : "");
    t->received_at = time_now();
    return store_ticket_create(req->store, &req->caller, t, t->received_at, fault, req->arena);
}

static const struct field_spec quote_fields[] = {
    {"service", F_ENUM, true, 0, 0, agreement_service_names},
    {"note", F_STRING, false, 0, QUOTE_NOTE_MAX, NULL},
    {"organization_id", F_ID, false, 0, 0, NULL},
};

int api_quote_request_create(struct req *req, struct res *res)
{
    struct store_fault fault = {0};
    struct ticket t;
    int64_t org;
    json_t *in;
    int rc;

    if ((rc = req_json(req, res, &in)) < 0 ||
        (rc = input_check(in, quote_fields, ARRAY_SIZE(quote_fields), res)) < 0)
        return rc;
    org = input_int(in, "organization_id", 0);
    if (req->caller.role == ROLE_CUSTOMER) {
        if (org && org != req->caller.organization_id)
            return res_error(res, DESK_ENOTFOUND, "organization_id", "no organization %" PRId64,
                             org);
        org = req->caller.organization_id;
    } else if (!org) {
        return res_error(res, DESK_EINVAL, "organization_id",
                         "organization_id is required: whose quote request it is");
    }
    rc = quote_request_create(req, org, input_str(in, "service"), input_str(in, "note"), CH_API,
                              &t, &fault);
    if (rc < 0)
        return api_fault(res, rc, &fault, "no organization %" PRId64, org);
    res_header(res, "Location", arena_sprintf(req->arena, "/api/v1/tickets/%" PRId64, t.id));
    return res_json(res, 201, ticket_to_json(&t, time_now()));
}
