/*
 * tokens.c - sign-in for the API: POST /api/v1/tokens, DELETE
 * /api/v1/tokens/current, and GET /api/v1/me. The check itself and its
 * limits are http/signin.c's, shared with the sign-in page.
 */
#define LOG_MODULE "api"
#include "core/compat.h"
#include "http/api/api.h"
#include "core/crypto.h"
#include "core/err.h"
#include "core/log.h"
#include "core/time.h"
#include "http/input.h"
#include "http/signin.h"
#include "store/store.h"

json_t *json_time(int64_t t)
{
    char buf[TIME_RFC3339_LEN];

    if (!t)
        return json_null();
    time_format_rfc3339(t, buf);
    return json_string(buf);
}

json_t *json_id(int64_t id)
{
    return id ? json_integer(id) : json_null();
}

int api_sign_in_refused(struct req *req, struct res *res, int rc, const struct signin *s)
{
    if (rc == DESK_ELIMIT || rc == DESK_EBUSY)
        res_header(res, "Retry-After", arena_sprintf(req->arena, "%" PRId64, s->retry_after));
    if (rc == DESK_EUNAUTH || rc == DESK_EDENIED || rc == DESK_ELIMIT || rc == DESK_EBUSY)
        return res_error(res, rc, NULL, "%s", s->message);
    return rc;
}

static const struct field_spec token_fields[] = {
    {"email", F_STRING, true, 1, 254, NULL},
    {"password", F_STRING, true, 1, PASSWORD_MAX_LEN, NULL},
};

/*
 * A token per successful sign-in: at most tokens-per-user live ones, the
 * oldest revoked when a new one is made (a client that signs in on every
 * run cannot grow the table without end, and its newest token works).
 */
int api_token_create(struct req *req, struct res *res)
{
    char text[TOKEN_TEXT_LEN + 1];
    uint8_t hash[TOKEN_HASH_LEN];
    struct signin s = {0};
    json_t *in;
    int64_t now = time_now();
    int rc;

    if ((rc = req_json(req, res, &in)) < 0 ||
        (rc = input_check(in, token_fields, ARRAY_SIZE(token_fields), res)) < 0)
        return rc;
    s.email = input_str(in, "email");
    s.password = input_str(in, "password");
    if ((rc = signin_check(req, &s)) < 0)
        return api_sign_in_refused(req, res, rc, &s);
    if (s.user.role == ROLE_CUSTOMER &&
        (rc = store_feature_runs(req->store, s.user.organization_id, "api_access", now)) <= 0)
        return rc < 0 ? rc
                      : res_error(res, DESK_EDENIED, NULL,
                                  "API tokens for a customer's integration need the API-access "
                                  "add-on, which organization %" PRId64 " has not bought (the "
                                  "portal needs none)",
                                  s.user.organization_id);
    token_new(text, hash);
    {
        const char *ua = req_header(req, "User-Agent");
        struct credential_new n = {CRED_TOKEN, s.user.id, hash, now, now + TOKEN_LIFETIME,
                                   req_address(req),
                                   ua ? arena_strndup(req->arena, ua, strnlen(ua, 256)) : NULL,
                                   req->conf ? req->conf->tokens_per_user : 0};
        if ((rc = store_credential_create(req->store, &n)) < 0)
            return rc;
    }
    log_info("msg=\"token issued\" user=%" PRId64, s.user.id);
    return res_json(res, 201, json_pack("{s:s, s:o}", "token", text, "expires_at",
                                        json_time(now + TOKEN_LIFETIME)));
}

int api_token_revoke(struct req *req, struct res *res)
{
    int rc;

    if (!req->has_token)
        return res_error(res, DESK_EUNAUTH, NULL, "only a bearer token can be revoked");
    if ((rc = store_token_revoke(req->store, req->token_hash, time_now())) < 0)
        return rc;
    res->status = 204;
    return 0;
}

int api_me(struct req *req, struct res *res)
{
    const struct user *u = &req->user;

    return res_json(res, 200,
                    json_pack("{s:I, s:s, s:s, s:s, s:o}", "id", (json_int_t)u->id, "email",
                              u->email, "name", u->name, "role", role_name(u->role),
                              "organization_id", json_id(u->organization_id)));
}
