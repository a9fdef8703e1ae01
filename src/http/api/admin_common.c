/*
 * admin_common.c - helpers of the admin handlers (organizations.c, users.c,
 * calendars.c, policies.c): list paging, errors from the store and from
 * domain messages, and lists of strings in request bodies.
 */
#include "core/compat.h"
#include "core/i18n.h"
#include "http/api/api.h"
#include "core/err.h"
#include "domain/account.h"
#include "store/store.h"

#define PAGE_DEFAULT 50  /* SPEC 5: limit defaults to 50 */
#define PAGE_MAX 1000    /* and is at most 1000 */
#define PATH_MAX_LEN 128 /* longest JSON path taken from a message */

/* A decimal number in 1..max, all of s; false otherwise. */
static bool parse_count(const char *s, int64_t max, int64_t *out)
{
    char *end;
    long long v;

    if (!*s || *s < '0' || *s > '9')
        return false;
    errno = 0;
    v = strtoll(s, &end, 10);
    if (errno || *end || v < 1 || v > max)
        return false;
    *out = v;
    return true;
}

int api_limit(struct req *req, struct res *res, int64_t *n)
{
    const char *limit = req_query(req, "limit");

    *n = PAGE_DEFAULT;
    if (limit && !parse_count(limit, PAGE_MAX, n))
        return res_error(res, DESK_EBADREQ, "limit", "limit must be a number from 1 to %d",
                         PAGE_MAX);
    return 0;
}

int api_page(struct req *req, struct res *res, struct store_page *pg)
{
    const char *cursor = req_query(req, "cursor");
    int64_t n, after = 0;
    int rc;

    if ((rc = api_limit(req, res, &n)) < 0)
        return rc;
    if (cursor && *cursor && !parse_count(cursor, INT64_MAX, &after))
        return res_error(res, DESK_EBADREQ, "cursor",
                         "cursor must be a next_cursor value of an earlier page");
    *pg = (struct store_page){after, (size_t)n, false};
    return 0;
}

int api_cursor_error(struct res *res, int rc)
{
    if (rc == DESK_EBADREQ)
        return res_error(res, rc, "cursor", "cursor does not parse");
    return rc;
}

json_t *api_list_json(json_t *list, int64_t next)
{
    return json_pack("{s:o, s:o}", "items", list, "next_cursor",
                     next ? json_sprintf("%" PRId64, next) : json_null());
}

json_t *api_page_json(json_t *items, const struct store_page *pg, int64_t last_id)
{
    return api_list_json(items, pg->more ? last_id : 0);
}

int api_fault(struct res *res, int rc, const struct store_fault *f, const char *fallback, ...)
{
    struct strbuf msg = STRBUF_INIT;
    va_list ap;

    if (f->message[0])
        return res_error(res, rc, f->field, "%s", f->message);
    if (rc == DESK_EIO || rc == DESK_EBUSY) /* not the caller's doing: no detail to give */
        return res_error(res, rc, NULL, "%s", rc == DESK_EIO ? "internal error (logged)"
                                                             : "the database is busy; try again");
    va_start(ap, fallback);
    strbuf_vaddf(&msg, tr(fallback), ap);
    va_end(ap);
    res_error(res, rc, f->field, "%s", msg.buf);
    strbuf_release(&msg);
    return rc;
}

int api_path_error(struct res *res, const char *msg)
{
    const char *colon = strstr(msg, ": ");
    size_t len = colon ? (size_t)(colon - msg) : 0;
    char field[PATH_MAX_LEN + 1];

    if (!len || len > PATH_MAX_LEN || memchr(msg, ' ', len))
        return res_error(res, DESK_EINVAL, NULL, "%s", msg);
    memcpy(field, msg, len);
    field[len] = '\0';
    return res_error(res, DESK_EINVAL, field, "%s", msg);
}

static bool seen(const char *const *v, size_t nr, const char *s)
{
    for (size_t i = 0; i < nr; i++)
        if (!strcmp(v[i], s))
            return true;
    return false;
}

int api_strings(struct req *req, struct res *res, json_t *list, const char *field,
                api_string_check check, const char *const **out, size_t *nr)
{
    size_t n = json_array_size(list);
    const char **v = ARENA_NEWN(req->arena, const char *, n + 1);

    *nr = 0;
    for (size_t i = 0; i < n; i++) {
        json_t *item = json_array_get(list, i);
        const char *s = json_string_value(item), *norm, *why;
        char *path = arena_sprintf(req->arena, "%s[%zu]", field, i);

        if (!s || strlen(s) != json_string_length(item))
            return res_error(res, DESK_EINVAL, path, "%s must be a string", path);
        if ((why = check(s, &norm, req->arena)))
            return res_error(res, DESK_EINVAL, path, "%s %s", path, why);
        if (!seen(v, *nr, norm))
            v[(*nr)++] = norm;
    }
    *out = v;
    return 0;
}

const char *api_check_email(const char *in, const char **out, struct arena *a)
{
    (void)a;
    if (strlen(in) > EMAIL_MAX || !email_valid(in))
        return "is not an e-mail address";
    *out = in;
    return NULL;
}
