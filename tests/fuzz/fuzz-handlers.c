/*
 * fuzz-handlers.c - libFuzzer target for whole requests through the router
 * into the handlers, on a real store: the demo database in a SQLite file in
 * /tmp, made once per process (fuzz-store.h).
 *
 * Input (text):
 *     ROLE METHOD TARGET
 *     Header: value          (any number of lines)
 *                            (an empty line)
 *     BODY                   (the rest: JSON for the API, urlencoded for a page's form)
 * ROLE is one of none, admin, agent, customer, other (a customer of another
 * organisation); an API request carries the role's bearer token, a page its
 * session cookie and (a POST) its CSRF token. TARGET is a path with an
 * optional ?query. Every answer must have a status below 500 (503, the store
 * unavailable, excepted), and an API answer that says JSON, or any API error,
 * must be a JSON document (errors: {"error": {...}}). Never a crash, a leak or UB.
 */
#include "fuzz-store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const role_names[FZ_ROLES] = {"none", "admin", "agent", "customer", "other"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool refresh[FZ_ROLES];
    struct arena a = ARENA_INIT;
    struct fz_request in = {0};
    struct res res;
    const struct route *r;
    char *text, *line_end, *sp1, *sp2, *body;

    if (size > 256 * 1024)
        return 0;
    fz_setup();
    text = arena_strndup(&a, (const char *)data, size); /* a NUL in the input ends it */
    line_end = strchr(text, '\n');
    if (line_end)
        *line_end = '\0';
    sp1 = strchr(text, ' ');
    sp2 = sp1 ? strchr(sp1 + 1, ' ') : NULL;
    if (!sp1 || !sp2) {
        arena_release(&a);
        return 0;
    }
    *sp1 = *sp2 = '\0';
    in.role = FZ_NONE;
    for (int i = 0; i < FZ_ROLES; i++)
        if (!strcmp(text, role_names[i]))
            in.role = (enum fz_role)i;
    in.method = sp1 + 1;
    in.target = sp2 + 1;
    if (in.target[0] != '/') {
        arena_release(&a);
        return 0;
    }
    in.headers = line_end ? line_end + 1 : NULL;
    body = line_end ? strstr(line_end + 1, "\n\n") : NULL;
    if (body) {
        *body = '\0';
        in.body = body + 2;
        in.body_len = strlen(in.body);
    } else {
        in.body = "";
    }
    if (refresh[in.role]) { /* the last write of this role may have ended its credentials */
        fz_credentials(in.role);
        refresh[in.role] = false;
    }
    fz_dispatch(&in, &a, &res, &r);
    fz_check_answer(&in, r, &res);
    if (strcmp(in.method, "GET") && strcmp(in.method, "HEAD"))
        refresh[in.role] = true;
    res_release(&res);
    arena_release(&a);
    return 0;
}
