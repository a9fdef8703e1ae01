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
    /* tickets */
    {"POST", "/api/v1/tokens", api_token_create, ROLE_NONE, 0, "sign in: e-mail and password"},
    {"DELETE", "/api/v1/tokens/current", api_token_revoke, ROLE_CUSTOMER, 0,
     "revoke the caller's token"},
    {"GET", "/api/v1/me", api_me, ROLE_CUSTOMER, 0, "the caller"},
};
const size_t routes_nr = ARRAY_SIZE(routes);
