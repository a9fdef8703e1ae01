/*
 * routes.c - every route of the server, with the least role it needs.
 * Which rows a caller may see is the store's business, not this table's.
 */
#include "core/compat.h"
#include "http/router.h"
#include "http/api/api.h"
#include "http/pages/pages.h"

#define PAGE ROUTE_PAGE
#define PORTAL (ROUTE_PAGE | ROUTE_PORTAL)

const struct route routes[] = {
    {"GET", "/healthz", api_healthz, ROLE_NONE, 0, "liveness: 200 when the database answers"},
    {"GET", "/metrics", api_metrics, ROLE_ADMIN, 0, "Prometheus metrics"},
    {"GET", "/api/v1/openapi.json", api_openapi, ROLE_NONE, 0, "this API's OpenAPI document"},
    /* organisations, users, calendars, SLA policies */
    /* tickets */
    {"POST", "/api/v1/tickets", api_ticket_create, ROLE_CUSTOMER, 0, "open a request"},
    {"GET", "/api/v1/tickets", api_ticket_list, ROLE_CUSTOMER, 0,
     "list requests: filters, cursor paging, sort=due|priority"},
    {"GET", "/api/v1/tickets/:id", api_ticket_get, ROLE_CUSTOMER, 0, "a request with its SLA"},
    {"PATCH", "/api/v1/tickets/:id", api_ticket_patch, ROLE_CUSTOMER, 0,
     "change status, severity, assignee, billable"},
    {"POST", "/api/v1/tickets/:id/escalate", api_ticket_escalate, ROLE_CUSTOMER, 0,
     "escalate a request, with a reason"},
    {"GET", "/api/v1/tickets/:id/sla", api_ticket_sla, ROLE_CUSTOMER, 0,
     "the SLA clocks and their running and paused segments"},
    {"POST", "/api/v1/tickets/:id/messages", api_message_create, ROLE_CUSTOMER, 0,
     "a public reply or an internal note"},
    {"GET", "/api/v1/tickets/:id/messages", api_message_list, ROLE_CUSTOMER, 0,
     "the conversation"},
    {"POST", "/api/v1/tickets/:id/attachments", api_attachment_create, ROLE_CUSTOMER,
     ROUTE_UPLOAD, "upload a file (raw body, ?filename=)"},
    {"GET", "/api/v1/tickets/:id/attachments", api_attachment_list, ROLE_CUSTOMER, 0,
     "the files of a request"},
    {"GET", "/api/v1/attachments/:id", api_attachment_get, ROLE_CUSTOMER, 0, "a file's bytes"},
    /* agreements, time and expenses, invoices, catalogue, RASCI */

    /* pages: /login, /logout, /portal, /desk, /kb, /static */
    {"GET", "/", page_home, ROLE_NONE, PAGE, "the signed-in user's start page"},
    {"GET", "/login", page_login_form, ROLE_NONE, PAGE, "the sign-in form"},
    {"POST", "/login", page_login, ROLE_NONE, PAGE, "sign in: a session cookie"},
    {"POST", "/logout", page_logout, ROLE_NONE, PAGE, "sign out"},
    {"GET", "/static/svcdesk.css", page_static, ROLE_NONE, PAGE, "the stylesheet"},
    {"GET", "/static/svcdesk.js", page_static, ROLE_NONE, PAGE, "the pages' optional script"},
    {"GET", "/portal/", page_portal_list, ROLE_CUSTOMER, PORTAL, "my organisation's requests"},
    {"GET", "/portal/requests/new", page_portal_new, ROLE_CUSTOMER, PORTAL, "open a request"},
    {"POST", "/portal/requests", page_portal_create, ROLE_CUSTOMER, PORTAL | ROUTE_UPLOAD,
     "open a request (multipart, with a file)"},
    {"GET", "/portal/requests/:id", page_portal_request, ROLE_CUSTOMER, PORTAL,
     "a request and its conversation"},
    {"POST", "/portal/requests/:id/reply", page_portal_reply, ROLE_CUSTOMER,
     PORTAL | ROUTE_UPLOAD, "reply, with a file"},
    {"POST", "/portal/requests/:id/escalate", page_portal_escalate, ROLE_CUSTOMER, PORTAL,
     "escalate, with a reason"},
    {"POST", "/portal/requests/:id/status", page_portal_status, ROLE_CUSTOMER, PORTAL,
     "reopen or close a resolved request"},
    {"GET", "/portal/attachments/:id", page_send_attachment, ROLE_CUSTOMER, PORTAL,
     "a file, as a download"},
    {"GET", "/portal/service-levels", page_portal_levels, ROLE_CUSTOMER, PORTAL,
     "support hours and service levels"},
    {"GET", "/portal/agreements", page_agreements, ROLE_CUSTOMER, PORTAL,
     "my organisation's agreements"},
    {"GET", "/desk/agreements", page_agreements, ROLE_AGENT, PAGE, "agreements, by organisation"},
    {"GET", "/desk/", page_desk_queue, ROLE_AGENT, PAGE, "the queue, with filters"},
    {"GET", "/desk/tickets/new", page_desk_new, ROLE_AGENT, PAGE,
     "record a request (a phone call, a chat)"},
    {"POST", "/desk/tickets", page_desk_create, ROLE_AGENT, PAGE | ROUTE_UPLOAD,
     "record a request, with a file"},
    {"GET", "/desk/tickets/:id", page_desk_ticket, ROLE_AGENT, PAGE,
     "a request, its conversation and internal notes"},
    {"POST", "/desk/tickets/:id/reply", page_desk_reply, ROLE_AGENT, PAGE | ROUTE_UPLOAD,
     "a reply or an internal note, with a file"},
    {"POST", "/desk/tickets/:id/update", page_desk_update, ROLE_AGENT, PAGE,
     "status, severity, assignee"},
    {"GET", "/desk/attachments/:id", page_send_attachment, ROLE_AGENT, PAGE,
     "a file, as a download"},

    {"POST", "/api/v1/tokens", api_token_create, ROLE_NONE, 0, "sign in: e-mail and password"},
    {"DELETE", "/api/v1/tokens/current", api_token_revoke, ROLE_CUSTOMER, 0,
     "revoke the caller's token"},
    {"GET", "/api/v1/me", api_me, ROLE_CUSTOMER, 0, "the caller"},
};
const size_t routes_nr = ARRAY_SIZE(routes);
