/*
 * routes.c - every route of the server, with the least role it needs.
 * Which rows a caller may see is the store's business, not this table's.
 */
#include "core/compat.h"
#include "http/router.h"
#include "http/api/api.h"

const struct route routes[] = {
    {"GET", "/healthz", api_healthz, ROLE_NONE, 0, "liveness: 200 when the database answers"},
    {"GET", "/metrics", api_metrics, ROLE_ADMIN, 0, "Prometheus metrics"},
    {"GET", "/api/v1/openapi.json", api_openapi, ROLE_NONE, 0, "this API's OpenAPI document"},
    /* organisations, users, calendars, SLA policies */
    {"POST", "/api/v1/organizations", api_org_create, ROLE_ADMIN, 0, "create an organisation"},
    {"GET", "/api/v1/organizations", api_org_list, ROLE_CUSTOMER, 0,
     "list organisations (customers: their own)"},
    {"GET", "/api/v1/organizations/:id", api_org_get, ROLE_CUSTOMER, 0, "one organisation"},
    {"PATCH", "/api/v1/organizations/:id", api_org_update, ROLE_ADMIN, 0,
     "rename an organisation or set its mail domains"},
    {"POST", "/api/v1/users", api_user_create, ROLE_ADMIN, 0, "create a user"},
    {"GET", "/api/v1/users", api_user_list, ROLE_AGENT, 0, "list users (staff)"},
    {"GET", "/api/v1/users/:id", api_user_get, ROLE_CUSTOMER, 0,
     "one user (customers: only themselves)"},
    {"PATCH", "/api/v1/users/:id", api_user_update, ROLE_ADMIN, 0,
     "change a user's name, role, organisation, password or notices"},
    {"POST", "/api/v1/me/password", api_password_change, ROLE_CUSTOMER, 0,
     "change the caller's password"},
    {"POST", "/api/v1/calendars", api_calendar_create, ROLE_ADMIN, 0, "create a calendar"},
    {"GET", "/api/v1/calendars", api_calendar_list, ROLE_CUSTOMER, 0, "list calendars"},
    {"GET", "/api/v1/calendars/:id", api_calendar_get, ROLE_CUSTOMER, 0, "one calendar"},
    {"PATCH", "/api/v1/calendars/:id", api_calendar_update, ROLE_ADMIN, 0,
     "change a calendar (tickets using it are recomputed)"},
    {"POST", "/api/v1/calendars/:id/holidays", api_calendar_holidays, ROLE_ADMIN, 0,
     "import holidays from an iCalendar file"},
    {"POST", "/api/v1/sla-policies", api_policy_create, ROLE_ADMIN, 0, "create an SLA policy"},
    {"GET", "/api/v1/sla-policies", api_policy_list, ROLE_CUSTOMER, 0, "list SLA policies"},
    {"GET", "/api/v1/sla-policies/:id", api_policy_get, ROLE_CUSTOMER, 0, "one SLA policy"},
    {"PATCH", "/api/v1/sla-policies/:id", api_policy_update, ROLE_ADMIN, 0,
     "change an SLA policy (tickets under it are recomputed)"},
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

    /* knowledge base, known errors, releases, installations */

    /* pages: /login, /logout, /portal, /desk, /kb, /static */

    {"POST", "/api/v1/tokens", api_token_create, ROLE_NONE, 0, "sign in: e-mail and password"},
    {"DELETE", "/api/v1/tokens/current", api_token_revoke, ROLE_CUSTOMER, 0,
     "revoke the caller's token"},
    {"GET", "/api/v1/me", api_me, ROLE_CUSTOMER, 0, "the caller"},
};
const size_t routes_nr = ARRAY_SIZE(routes);
