/*
 * openapi.c - GET /api/v1/openapi.json: the API description, kept in
 * docs/openapi.json and compiled into the binary (tests check that it and
 * the route table list the same operations).
 */
#include "core/compat.h"
#include "http/api/api.h"
#include "core/embed.h"

int api_openapi(struct req *req, struct res *res)
{
    (void)req;
    return res_bytes(res, 200, "application/json", embedded_openapi[0].data,
                     embedded_openapi[0].len);
}
