/*
 * routes.c - every route of the server, with the least role it needs.
 * Which rows a caller may see is the store's business, not this table's.
 */
#include "core/compat.h"
#include "http/router.h"
#include "http/api/api.h"
#include "http/pages/kb.h"

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

    /* knowledge base, known errors, releases, installations */
    {"GET", "/api/v1/kb/articles", api_article_list, ROLE_NONE, 0,
     "knowledge-base articles the caller may read; with q a ranked search"},
    {"POST", "/api/v1/kb/articles", api_article_create, ROLE_AGENT, 0, "write an article"},
    {"GET", "/api/v1/kb/articles/:id", api_article_get, ROLE_NONE, 0,
     "an article with its body as HTML"},
    {"PATCH", "/api/v1/kb/articles/:id", api_article_patch, ROLE_AGENT, 0, "change an article"},
    {"GET", "/api/v1/known-errors", api_known_error_list, ROLE_CUSTOMER, 0,
     "known errors (customers: those touching their installations' versions)"},
    {"POST", "/api/v1/known-errors", api_known_error_create, ROLE_AGENT, 0,
     "record a known error"},
    {"GET", "/api/v1/known-errors/:id", api_known_error_get, ROLE_CUSTOMER, 0, "a known error"},
    {"PATCH", "/api/v1/known-errors/:id", api_known_error_patch, ROLE_AGENT, 0,
     "change a known error"},
    {"POST", "/api/v1/known-errors/:id/tickets", api_known_error_link, ROLE_AGENT, 0,
     "link a request to a known error"},
    {"POST", "/api/v1/tickets/:id/known-error", api_ticket_known_error, ROLE_AGENT, 0,
     "record a known error from a request, linked to it"},
    {"GET", "/api/v1/releases", api_release_list, ROLE_CUSTOMER, 0,
     "releases, highest version first (customers: published ones)"},
    {"POST", "/api/v1/releases", api_release_create, ROLE_AGENT, 0, "record a release"},
    {"GET", "/api/v1/releases/:id", api_release_get, ROLE_CUSTOMER, 0,
     "a release with its notes as HTML"},
    {"POST", "/api/v1/releases/:id/publish", api_release_publish, ROLE_AGENT, 0,
     "publish: update vendor-hosted installations, notify customer-hosted ones"},
    {"GET", "/api/v1/installations", api_installation_list, ROLE_CUSTOMER, 0,
     "installations (customers: their organisation's)"},
    {"POST", "/api/v1/installations", api_installation_create, ROLE_AGENT, 0,
     "record a customer's installation"},
    {"GET", "/api/v1/installations/:id", api_installation_get, ROLE_CUSTOMER, 0,
     "an installation"},
    {"GET", "/api/v1/installations/:id/changes", api_installation_change_list, ROLE_CUSTOMER, 0,
     "the log of installed changes"},
    {"POST", "/api/v1/installations/:id/changes", api_installation_change_create, ROLE_AGENT, 0,
     "log an installed change (and a new version)"},
    {"GET", "/kb/", page_kb_index, ROLE_NONE, 0, "knowledge base page: search and results"},
    {"GET", "/kb/:id", page_kb_article, ROLE_NONE, 0, "knowledge base page: an article"},

    /* pages: /login, /logout, /portal, /desk, /kb, /static */

    {"POST", "/api/v1/tokens", api_token_create, ROLE_NONE, 0, "sign in: e-mail and password"},
    {"DELETE", "/api/v1/tokens/current", api_token_revoke, ROLE_CUSTOMER, 0,
     "revoke the caller's token"},
    {"GET", "/api/v1/me", api_me, ROLE_CUSTOMER, 0, "the caller"},
};
const size_t routes_nr = ARRAY_SIZE(routes);
