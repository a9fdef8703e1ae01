/*
 * reset.c - password reset from the sign-in page: GET/POST /login/forgot
 * (the e-mail address; the same answer whether or not it has an account)
 * and GET/POST /reset/{token} (the link of the mail: a new password, twice).
 * The rules are the API's (api/password_resets.c, store/resets.c).
 */
#include "core/compat.h"
#include "http/pages/pages.h"
#include "core/err.h"
#include "core/time.h"
#include "http/api/api.h"
#include "store/store.h"

#define EMAIL_MAX 254 /* characters of an address, as the API */

int page_forgot_form(struct req *req, struct res *res)
{
    return page_render(req, res, 200, "forgot", json_pack("{s:s, s:b}", "title",
                                                          tr("Forgot your password?"), "sent", 0));
}

int page_forgot(struct req *req, struct res *res)
{
    const char *email = page_form_str(req, "email");
    int rc;

    if (!*email || strlen(email) > EMAIL_MAX)
        return page_render(req, res, 422, "forgot",
                           json_pack("{s:s, s:b, s:s}", "title", tr("Forgot your password?"), "sent",
                                     0, "error", "enter your e-mail address"));
    if ((rc = password_reset_ask(req, email)) < 0)
        return rc;
    return page_render(req, res, 200, "forgot",
                       json_pack("{s:s, s:b}", "title", tr("Forgot your password?"), "sent", 1));
}

static int show_reset(struct req *req, struct res *res, int status, const char *error)
{
    return page_render(req, res, status, "reset",
                       json_pack("{s:s, s:s, s:s?}", "title", tr("Choose a new password"), "action",
                                 req->path, "error", error));
}

int page_reset_form(struct req *req, struct res *res)
{
    uint8_t hash[32];
    int rc = password_reset_token(req->path, hash);

    if (rc == 0)
        rc = store_password_reset_valid(req->store, hash, time_now());
    if (rc < 0)
        return page_error(req, res, rc, "the link is unknown, used or expired: ask for a new one");
    return show_reset(req, res, 200, NULL);
}

int page_reset(struct req *req, struct res *res)
{
    const char *password = page_form_str(req, "password");
    const char *again = page_form_str(req, "password_again"), *why;
    uint8_t hash[32];
    int rc;

    if ((rc = password_reset_token(req->path, hash)) < 0)
        return page_error(req, res, rc, "the link is unknown, used or expired: ask for a new one");
    if (strcmp(password, again))
        return show_reset(req, res, 422, "the two passwords differ");
    if ((rc = password_reset_use(req, hash, password, &why)) == DESK_EINVAL)
        return show_reset(req, res, 422, why);
    if (rc == DESK_ENOTFOUND)
        return page_error(req, res, rc, "%s: ask for a new one", why);
    if (rc < 0)
        return rc;
    return page_redirect(res, "/login?reset=1");
}
