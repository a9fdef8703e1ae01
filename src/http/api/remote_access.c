/*
 * remote_access.c - how staff reach a customer's installation:
 * GET/POST /api/v1/installations/{id}/remote-access,
 * GET/PATCH/DELETE /api/v1/remote-access/{id}.
 *
 * Staff only, and a customer learns nothing: every route answers a
 * customer 404, as for a missing record (the store refuses, so the routes
 * admit customers only to give that answer). Lists carry `has_secret`, never
 * the secret; GET of one record returns it and the store audits the read.
 * Secrets are sealed here (http/remote_secret.h) with the key in the file
 * remote-access-key-file names, so the database never holds them in the
 * clear; a lost or wrong key is a 500 that says so, never a crash.
 */
#include "core/compat.h"
#include "http/api/api.h"
#include "core/err.h"
#include "core/time.h"
#include "domain/maintenance.h"
#include "http/input.h"
#include "http/remote_secret.h"
#include "store/store.h"
#include <sodium.h>

static json_t *ra_json(const struct remote_access *ra)
{
    return json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:b, s:o, s:o, s:o}", "id",
                     (json_int_t)ra->id, "installation_id", (json_int_t)ra->installation_id,
                     "method", ra->method, "host", ra->host, "username", ra->username, "notes",
                     ra->notes, "has_secret", ra->has_secret, "created_by",
                     json_id(ra->created_by), "created_at", json_time(ra->created_at),
                     "updated_at", json_time(ra->updated_at));
}

/* Seal the string field "secret" of in (when present and not "") into *sealed (arena). */
static int seal_input(struct req *req, struct res *res, json_t *in, const uint8_t **sealed,
                      size_t *len)
{
    const char *why = "";
    int rc = remote_secret_seal(req, input_str(in, "secret"), sealed, len, &why);

    return rc < 0 ? res_error(res, rc, NULL, "%s", why) : 0;
}

/* ---- POST/GET /api/v1/installations/{id}/remote-access ----------------------------------- */

static const struct field_spec ra_fields[] = {
    {"method", F_ENUM, true, 0, 0, remote_method_names},
    {"host", F_LINE, false, 0, REMOTE_HOST_MAX, NULL},
    {"username", F_LINE, false, 0, REMOTE_USERNAME_MAX, NULL},
    {"notes", F_STRING, false, 0, REMOTE_NOTES_MAX, NULL},
    {"secret", F_STRING, false, 0, REMOTE_SECRET_MAX, NULL},
};

static const char *str_or_empty(json_t *in, const char *key)
{
    const char *v = input_str(in, key);
    return v ? v : "";
}

int api_remote_access_create(struct req *req, struct res *res)
{
    struct store_fault fault = {0};
    struct remote_access ra = {0};
    json_t *in;
    int rc;

    if (req->caller.role < ROLE_AGENT)
        return res_error(res, DESK_ENOTFOUND, NULL, "no installation %" PRId64, req->params[0]);
    if ((rc = req_json(req, res, &in)) < 0 ||
        (rc = input_check(in, ra_fields, ARRAY_SIZE(ra_fields), res)) < 0 ||
        (rc = seal_input(req, res, in, &ra.sealed, &ra.sealed_len)) < 0)
        return rc;
    ra.installation_id = req->params[0];
    ra.method = input_str(in, "method");
    ra.host = str_or_empty(in, "host");
    ra.username = str_or_empty(in, "username");
    ra.notes = str_or_empty(in, "notes");
    if ((rc = store_remote_access_create(req->store, &req->caller, &ra, time_now(), &fault)) < 0)
        return api_fault(res, rc, &fault, "no installation %" PRId64, req->params[0]);
    res_header(res, "Location", arena_sprintf(req->arena, "/api/v1/remote-access/%" PRId64, ra.id));
    return res_json(res, 201, ra_json(&ra));
}

int api_remote_access_list(struct req *req, struct res *res)
{
    struct remote_access *items;
    json_t *list;
    size_t n;
    int rc;

    rc = store_remote_access_list(req->store, &req->caller, req->params[0], &items, &n,
                                  req->arena);
    if (rc < 0)
        return res_error(res, rc, NULL, "no installation %" PRId64, req->params[0]);
    list = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(list, ra_json(&items[i]));
    return res_list(res, list, NULL);
}

/* ---- GET/PATCH/DELETE /api/v1/remote-access/{id} ------------------------------------------ */

/* The record's JSON with "secret": its plain text, or null when it has none. */
static int ra_with_secret(struct req *req, struct res *res, const struct remote_access *ra)
{
    const char *plain, *why = "";
    json_t *j;
    int rc;

    res_header(res, "Cache-Control", "no-store"); /* a secret is kept by no cache */
    if ((rc = remote_secret_open(req, ra, &plain, &why)) < 0)
        return res_error(res, rc, NULL, "%s", why);
    j = ra_json(ra);
    json_object_set_new(j, "secret", plain ? json_string(plain) : json_null());
    if (plain)
        sodium_memzero((char *)plain, strlen(plain));
    return res_json(res, 200, j);
}

int api_remote_access_get(struct req *req, struct res *res)
{
    struct remote_access ra;
    int rc;

    rc = store_remote_access_get(req->store, &req->caller, req->params[0], time_now(), &ra,
                                 req->arena);
    if (rc < 0)
        return res_error(res, rc, NULL, "no remote access %" PRId64, req->params[0]);
    return ra_with_secret(req, res, &ra);
}

static const struct field_spec patch_fields[] = {
    {"method", F_ENUM, false, 0, 0, remote_method_names},
    {"host", F_LINE, false, 0, REMOTE_HOST_MAX, NULL},
    {"username", F_LINE, false, 0, REMOTE_USERNAME_MAX, NULL},
    {"notes", F_STRING, false, 0, REMOTE_NOTES_MAX, NULL},
    {"secret", F_STRING, false, 0, REMOTE_SECRET_MAX, NULL},
};

int api_remote_access_update(struct req *req, struct res *res)
{
    struct store_fault fault = {0};
    struct remote_access_patch p = {0};
    struct remote_access ra;
    json_t *in;
    int rc;

    if (req->caller.role < ROLE_AGENT)
        return res_error(res, DESK_ENOTFOUND, NULL, "no remote access %" PRId64, req->params[0]);
    if ((rc = req_json(req, res, &in)) < 0 ||
        (rc = input_check(in, patch_fields, ARRAY_SIZE(patch_fields), res)) < 0 ||
        (rc = seal_input(req, res, in, &p.sealed, &p.sealed_len)) < 0)
        return rc;
    p.has_method = (p.method = input_str(in, "method")) != NULL;
    p.has_host = (p.host = input_str(in, "host")) != NULL;
    p.has_username = (p.username = input_str(in, "username")) != NULL;
    p.has_notes = (p.notes = input_str(in, "notes")) != NULL;
    p.has_secret = input_str(in, "secret") != NULL; /* "" removes it */
    rc = store_remote_access_update(req->store, &req->caller, req->params[0], &p, time_now(), &ra,
                                    &fault, req->arena);
    if (rc < 0)
        return api_fault(res, rc, &fault, "no remote access %" PRId64, req->params[0]);
    return res_json(res, 200, ra_json(&ra));
}

int api_remote_access_delete(struct req *req, struct res *res)
{
    int rc = store_remote_access_delete(req->store, &req->caller, req->params[0], time_now());

    if (rc < 0)
        return res_error(res, rc, NULL, "no remote access %" PRId64, req->params[0]);
    res->status = 204;
    return 0;
}
