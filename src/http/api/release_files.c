/*
 * release_files.c - hot-fix files of a release: POST/GET
 * /api/v1/releases/{id}/files (raw body, Content-Type, ?filename=, as for
 * request attachments) and GET /api/v1/release-files/{id} (the bytes, for
 * staff and for customers with an active maintenance agreement, once the
 * release is published).
 */
#include "core/compat.h"
#include "http/api/api.h"
#include "core/err.h"
#include "core/time.h"
#include "store/store.h"

/* The API form of f, with its download path. */
static json_t *file_json(struct req *req, const struct release_file *f)
{
    return json_pack("{s:I, s:I, s:s, s:I, s:s, s:s, s:s, s:o, s:o}", "id", (json_int_t)f->id,
                     "release_id", (json_int_t)f->release_id, "filename", f->filename, "size",
                     (json_int_t)f->size, "content_type", f->content_type, "sha256", f->sha256,
                     "url", arena_sprintf(req->arena, "/api/v1/release-files/%" PRId64, f->id),
                     "uploaded_by", json_id(f->uploaded_by), "created_at",
                     json_time(f->created_at));
}

int api_release_file_add(struct req *req, struct res *res)
{
    struct store_fault fault = {0};
    struct release_file f = {0};
    const char *name, *type;
    int rc;

    if ((rc = attachment_upload_read(req, res, &name, &type)) < 0)
        return rc;
    f.release_id = req->params[0];
    f.filename = name;
    f.content_type = type;
    f.size = (int64_t)req->body_len;
    f.data = req->body;
    if ((rc = store_release_file_add(req->store, &req->caller, &f, time_now(), &fault)) < 0)
        return api_fault(res, rc, &fault, "no release %" PRId64, req->params[0]);
    res_header(res, "Location", arena_sprintf(req->arena, "/api/v1/release-files/%" PRId64, f.id));
    return res_json(res, 201, file_json(req, &f));
}

int api_release_file_list(struct req *req, struct res *res)
{
    struct release_file *items;
    bool entitled = false;
    json_t *list, *out;
    size_t n;
    int rc;

    rc = store_release_file_list(req->store, &req->caller, req->params[0], time_now(), &items, &n,
                                 &entitled, req->arena);
    if (rc < 0)
        return res_error(res, rc, NULL, "no release %" PRId64, req->params[0]);
    list = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(list, file_json(req, &items[i]));
    out = api_list_json(list, 0);
    json_object_set_new(out, "downloadable", json_boolean(entitled));
    return res_json(res, 200, out);
}

int release_file_send(struct req *req, struct res *res, const struct release_file *f)
{
    struct attachment a = {.id = f->id,
                           .filename = f->filename,
                           .content_type = f->content_type,
                           .size = f->size,
                           .data = f->data,
                           .uploaded_by = f->uploaded_by,
                           .created_at = f->created_at};

    res_header(res, "Digest", arena_sprintf(req->arena, "sha-256=%s", f->sha256));
    return attachment_send(req, res, &a);
}

int api_release_file_get(struct req *req, struct res *res)
{
    struct release_file f;
    int rc = store_release_file_get(req->store, &req->caller, req->params[0], time_now(), &f,
                                    req->arena);

    if (rc == DESK_EDENIED)
        return res_error(res, rc, NULL, "%s", RELEASE_FILE_DENIED);
    if (rc < 0)
        return res_error(res, rc, NULL, "no release file %" PRId64, req->params[0]);
    return release_file_send(req, res, &f);
}
