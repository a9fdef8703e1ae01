/*
 * password_resets.c - password reset by e-mail (store/resets.c):
 * POST /api/v1/password-resets {"email"} answers 202 whatever the address,
 * POST /api/v1/password-resets/{token} {"password"} sets the new password
 * with a link's token (one hour, once). The sign-in pages use the same two
 * functions (pages/login.c).
 */
#define LOG_MODULE "api"
#include "core/compat.h"
#include "http/api/api.h"
#include "core/conf.h"
#include "core/crypto.h"
#include "core/err.h"
#include "core/log.h"
#include "core/time.h"
#include "http/input.h"
#include "store/store.h"

#define RESET_ANSWER "if the address has an account, a link to choose a new password is on its way"

int password_reset_ask(struct req *req, const char *email)
{
    const char *base = req->conf && req->conf->public_url ? req->conf->public_url : NULL;
    char text[TOKEN_TEXT_LEN + 1];
    uint8_t hash[TOKEN_HASH_LEN];
    const char *link;

    token_new(text, hash);
    link = base ? arena_sprintf(req->arena, "%s/reset/%s", base, text)
                : arena_sprintf(req->arena, "http://%s/reset/%s",
                                req->conf && req->conf->listen ? req->conf->listen
                                                               : "127.0.0.1:8080",
                                text);
    return store_password_reset_ask(req->store, email, hash, link, req_address(req), time_now());
}

int password_reset_token(const char *path, uint8_t hash[TOKEN_HASH_LEN])
{
    const char *slash = path ? strrchr(path, '/') : NULL;

    if (!slash)
        return DESK_ENOTFOUND;
    return token_hash(slash + 1, strlen(slash + 1), hash) < 0 ? DESK_ENOTFOUND : 0;
}

int password_reset_use(struct req *req, const uint8_t hash[TOKEN_HASH_LEN], const char *password,
                       const char **why)
{
    const char *stored;
    int64_t user;
    int rc;

    if ((rc = api_password_hash(req, password, &stored, why)) < 0) {
        *why = *why ? arena_sprintf(req->arena, "the password %s", *why) : NULL;
        return rc;
    }
    rc = store_password_reset_use(req->store, hash, stored, time_now(), &user);
    if (rc == 0)
        log_info("msg=\"password reset\" user=%" PRId64, user);
    *why = rc == DESK_ENOTFOUND ? "the link is unknown, used or expired" : NULL;
    return rc;
}

static const struct field_spec ask_fields[] = {
    {"email", F_STRING, true, 1, 254, NULL},
};

int api_password_reset_ask(struct req *req, struct res *res)
{
    json_t *in;
    int rc;

    if ((rc = req_json(req, res, &in)) < 0 ||
        (rc = input_check(in, ask_fields, ARRAY_SIZE(ask_fields), res)) < 0)
        return rc;
    if ((rc = password_reset_ask(req, input_str(in, "email"))) < 0)
        return rc;
    return res_json(res, 202, json_pack("{s:s}", "message", RESET_ANSWER));
}

static const struct field_spec use_fields[] = {
    {"password", F_STRING, true, 1, PASSWORD_MAX_LEN, NULL},
};

int api_password_reset_use(struct req *req, struct res *res)
{
    uint8_t hash[TOKEN_HASH_LEN];
    const char *why;
    json_t *in;
    int rc;

    if ((rc = password_reset_token(req->path, hash)) < 0)
        return res_error(res, rc, "token", "the link is unknown, used or expired");
    if ((rc = req_json(req, res, &in)) < 0 ||
        (rc = input_check(in, use_fields, ARRAY_SIZE(use_fields), res)) < 0)
        return rc;
    rc = password_reset_use(req, hash, input_str(in, "password"), &why);
    if (rc < 0)
        return why ? res_error(res, rc, rc == DESK_EINVAL ? "password" : "token", "%s", why) : rc;
    res->status = 204;
    return 0;
}
