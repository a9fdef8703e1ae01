/*
 * attachments.c - files on a request, kept in the database so that a backup
 * holds them: POST/GET /api/v1/tickets/{id}/attachments (raw body,
 * Content-Type, ?filename=, ?message_id= for the message it comes with),
 * GET /api/v1/attachments/{id} (the bytes; see attachment_send for the
 * headers). A customer never sees the files of an internal note.
 */
#include "core/compat.h"
#include "http/api/api.h"
#include "core/err.h"
#include "core/time.h"
#include "core/utf8.h"
#include "http/input.h"
#include "store/store.h"
#include <strings.h>

#define MAX_FILENAME 255
#define MAX_CONTENT_TYPE 127

static json_t *attachment_json(const struct attachment *a)
{
    return json_pack("{s:I, s:I, s:s, s:I, s:s, s:o, s:o, s:o}", "id", (json_int_t)a->id,
                     "ticket_id", (json_int_t)a->ticket_id, "filename", a->filename, "size",
                     (json_int_t)a->size, "content_type", a->content_type, "uploaded_by",
                     json_id(a->uploaded_by), "created_at", json_time(a->created_at),
                     "message_id", json_id(a->message_id));
}

/* A file name: 1..255 characters of valid UTF-8, no control characters, no path. */
const char *attachment_filename_problem(const char *f)
{
    size_t n;

    if (!f || !*f)
        return "filename is required (?filename=)";
    n = strlen(f);
    if (utf8_chars(f, n) > MAX_FILENAME)
        return "filename is longer than 255 characters";
    if (!utf8_valid(f, n))
        return "filename is not valid UTF-8";
    for (const char *p = f; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f || *p == '/' || *p == '\\')
            return "filename holds a control character or a slash";
    if (!strcmp(f, ".") || !strcmp(f, ".."))
        return "filename is not a file name";
    return NULL;
}

/* type/subtype[; params] of printable ASCII. */
bool attachment_type_ok(const char *t)
{
    const char *slash = strchr(t, '/');

    if (!slash || slash == t || !slash[1] || strlen(t) > MAX_CONTENT_TYPE)
        return false;
    for (const char *p = t; *p; p++)
        if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e)
            return false;
    return true;
}

int attachment_upload_read(struct req *req, struct res *res, const char **name,
                           const char **type)
{
    const char *why;

    *name = req_query(req, "filename");
    *type = req_header(req, "Content-Type");
    if ((why = attachment_filename_problem(*name)))
        return res_error(res, DESK_EINVAL, "filename", "%s", why);
    if (!*type || !**type)
        *type = "application/octet-stream";
    if (!attachment_type_ok(*type))
        return res_error(res, DESK_EINVAL, "content_type", "Content-Type '%.60s' is not a type",
                         *type);
    if (!req->body_len)
        return res_error(res, DESK_EINVAL, "body", "the file is empty");
    return 0;
}

int api_attachment_create(struct req *req, struct res *res)
{
    struct store_fault fault = {0};
    struct attachment a = {0};
    const char *name, *type;
    int rc;

    if ((rc = attachment_upload_read(req, res, &name, &type)) < 0 ||
        (rc = api_query_id(req, res, "message_id", &a.message_id)) < 0)
        return rc;
    a.ticket_id = req->params[0];
    a.filename = name;
    a.content_type = type;
    a.size = (int64_t)req->body_len;
    a.data = req->body;
    if ((rc = store_attachment_add(req->store, &req->caller, &a, time_now(), &fault)) < 0)
        return api_fault(res, rc, &fault, "no ticket %" PRId64, req->params[0]);
    return res_json(res, 201, attachment_json(&a));
}

int api_attachment_list(struct req *req, struct res *res)
{
    struct attachment *items;
    json_t *list;
    size_t n;
    int rc;

    rc = store_attachment_list(req->store, &req->caller, req->params[0], &items, &n, req->arena);
    if (rc < 0)
        return res_error(res, rc, NULL, "no ticket %" PRId64, req->params[0]);
    list = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(list, attachment_json(&items[i]));
    return res_json(res, 200, api_list_json(list, 0));
}

/* Content-Disposition with an ASCII fallback and the UTF-8 name (RFC 6266, RFC 5987). */
const char *attachment_disposition(const char *name, struct arena *a)
{
    struct strbuf sb = STRBUF_INIT;
    const char *out;

    strbuf_addstr(&sb, "attachment; filename=\"");
    for (const char *p = name; *p; p++)
        strbuf_addch(&sb, (*p & 0x80) || *p == '"' || *p == '\\' ? '_' : *p);
    strbuf_addstr(&sb, "\"; filename*=UTF-8''");
    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            strchr("!#$&+-.^_`|~", *p))
            strbuf_addch(&sb, *p);
        else
            strbuf_addf(&sb, "%%%02X", *p);
    }
    out = arena_strdup(a, sb.buf);
    strbuf_release(&sb);
    return out;
}

/* The types a browser may show in place: they run no script of the file's own. */
static const char *const inline_types[] = {"image/png", "image/jpeg", "image/gif", "image/webp",
                                           "application/pdf"};

const char *attachment_served_type(const char *uploaded)
{
    size_t n = strcspn(uploaded ? uploaded : "", "; \t");

    for (size_t i = 0; i < sizeof(inline_types) / sizeof(inline_types[0]); i++)
        if (strlen(inline_types[i]) == n && !strncasecmp(uploaded, inline_types[i], n))
            return inline_types[i];
    return "application/octet-stream";
}

int attachment_send(struct req *req, struct res *res, const struct attachment *a)
{
    const char *type = attachment_served_type(a->content_type);
    const char *disp = attachment_disposition(a->filename, req->arena);

    if (strcmp(type, "application/octet-stream"))
        disp = arena_sprintf(req->arena, "inline%s", disp + strlen("attachment"));
    res_header(res, "Content-Disposition", disp);
    res_header(res, "Content-Security-Policy", "sandbox");
    res_header(res, "Cache-Control", "private, no-store");
    return res_bytes(res, 200, type, a->data, (size_t)a->size);
}

int api_attachment_get(struct req *req, struct res *res)
{
    struct attachment a;
    int rc;

    if ((rc = store_attachment_get(req->store, &req->caller, req->params[0], &a, req->arena)) < 0)
        return res_error(res, rc, NULL, "no attachment %" PRId64, req->params[0]);
    return attachment_send(req, res, &a);
}
