/*
 * tokens.c - sign-in for the API: POST /api/v1/tokens, DELETE
 * /api/v1/tokens/current, and GET /api/v1/me.
 */
#define LOG_MODULE "api"
#include "core/compat.h"
#include "http/api/api.h"
#include "core/crypto.h"
#include "core/err.h"
#include "core/log.h"
#include "core/time.h"
#include "http/input.h"
#include "store/store.h"

#define SIGN_IN_WINDOW (15 * 60)     /* SPEC 5: failed sign-ins count for 15 minutes */
#define SIGN_IN_MAX_FAILURES 5       /* and the 5th one in the window locks the account */

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

/*
 * The limit is per account, not per address (SPEC 5), and is checked
 * before the password, so a locked account answers 429 even to the right
 * one. A success does not clear earlier failures: they age out of the
 * window, so guessing between successes gains nothing.
 */
int api_sign_in_limit(struct req *req, struct res *res, int64_t user_id)
{
    int64_t now = time_now(), oldest, wait;
    int rc;

    if ((rc = store_sign_in_failure_nth(req->store, user_id, now - SIGN_IN_WINDOW,
                                        SIGN_IN_MAX_FAILURES, &oldest)) < 0)
        return rc;
    if (!oldest)
        return 0;
    wait = oldest + SIGN_IN_WINDOW - now;
    if (wait < 1)
        wait = 1;
    res_header(res, "Retry-After", arena_sprintf(req->arena, "%" PRId64, wait));
    log_info("msg=\"sign-in refused: too many failures\" user=%" PRId64, user_id);
    return res_error(res, DESK_ELIMIT, NULL,
                     "too many failed sign-ins for this account; try again in %" PRId64
                     " seconds", wait);
}

int api_sign_in_failed(struct req *req, int64_t user_id)
{
    return store_sign_in_failure_add(req->store, user_id, time_now(), SIGN_IN_WINDOW);
}

static const struct field_spec token_fields[] = {
    {"email", F_STRING, true, 1, 254, NULL},
    {"password", F_STRING, true, 1, PASSWORD_MAX_LEN, NULL},
};

int api_token_create(struct req *req, struct res *res)
{
    char text[TOKEN_TEXT_LEN + 1];
    uint8_t hash[TOKEN_HASH_LEN];
    const char *pwhash = NULL;
    struct user u;
    json_t *in;
    int64_t now = time_now();
    int rc;

    if ((rc = req_json(req, res, &in)) < 0 ||
        (rc = input_check(in, token_fields, ARRAY_SIZE(token_fields), res)) < 0)
        return rc;
    rc = store_user_by_email(req->store, input_str(in, "email"), &u, &pwhash, req->arena);
    if (rc == DESK_ENOTFOUND)
        return res_error(res, DESK_EUNAUTH, NULL, "wrong e-mail or password");
    if (rc < 0 || (rc = api_sign_in_limit(req, res, u.id)) < 0)
        return rc;
    if (!password_verify(pwhash, input_str(in, "password"))) {
        if ((rc = api_sign_in_failed(req, u.id)) < 0)
            return rc;
        return res_error(res, DESK_EUNAUTH, NULL, "wrong e-mail or password");
    }
    token_new(text, hash);
    if ((rc = store_token_create(req->store, u.id, hash, now, now + TOKEN_LIFETIME)) < 0)
        return rc;
    log_info("msg=\"token issued\" user=%" PRId64, u.id);
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
