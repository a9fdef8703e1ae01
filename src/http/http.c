/*
 * http.c - request accessors and response builders (see http.h).
 */
#include "core/compat.h"
#include "core/i18n.h"
#include "http/http.h"
#include "core/err.h"
#include "core/utf8.h"
#include <strings.h>

const char *req_header(const struct req *req, const char *name)
{
    for (size_t i = 0; i < req->nheaders; i++)
        if (!strcasecmp(req->headers[i].key, name))
            return req->headers[i].value;
    return NULL;
}

const char *req_address(const struct req *req)
{
    const char *xff = req->conf && req->conf->trust_forwarded_for
                          ? req_header(req, "X-Forwarded-For")
                          : NULL;
    const char *last;
    size_t len;

    if (!xff || !*xff)
        return req->client_addr ? req->client_addr : "";
    last = strrchr(xff, ',');
    last = last ? last + 1 : xff;
    while (*last == ' ' || *last == '\t')
        last++;
    len = strcspn(last, " \t");
    if (!len || len > 45) /* the longest IPv6 text */
        return req->client_addr ? req->client_addr : "";
    return arena_strndup(req->arena, last, len);
}

const char *req_query(const struct req *req, const char *name)
{
    for (size_t i = 0; i < req->nquery; i++)
        if (!strcmp(req->query[i].key, name))
            return req->query[i].value;
    return NULL;
}

const struct form_field *req_form_field(const struct req *req, const char *name)
{
    for (size_t i = 0; i < req->nform; i++)
        if (!strcmp(req->form[i].name, name))
            return &req->form[i];
    return NULL;
}

const char *req_form(const struct req *req, const char *name)
{
    const struct form_field *f = req_form_field(req, name);
    return f ? f->value : NULL;
}

static void decref(void *j)
{
    json_decref(j);
}

int req_json(struct req *req, struct res *res, json_t **out)
{
    json_error_t e;
    json_t *j = json_loadb(req->body ? req->body : "", req->body_len, JSON_REJECT_DUPLICATES, &e);

    if (!j)
        return res_error(res, DESK_EBADREQ, NULL, "body is not valid JSON: %s (at byte %d)",
                         e.text, e.position);
    arena_defer(req->arena, decref, j);
    if (!json_is_object(j))
        return res_error(res, DESK_EBADREQ, NULL, "body is not a JSON object");
    *out = j;
    return 0;
}

void res_header(struct res *res, const char *name, const char *value)
{
    if (res->nheaders < RES_MAX_HEADERS)
        res->headers[res->nheaders++] = (struct kv){name, value};
}

int res_bytes(struct res *res, int status, const char *type, const void *data, size_t len)
{
    res->status = status;
    res->content_type = type;
    strbuf_reset(&res->body);
    strbuf_add(&res->body, data, len);
    return 0;
}

/* 15 significant digits: 0.1 prints as 0.1, not 0.10000000000000001 (jansson's 17). */
#define RES_JSON_FLAGS (JSON_COMPACT | JSON_ENSURE_ASCII | JSON_REAL_PRECISION(15))

int res_json(struct res *res, int status, json_t *j)
{
    res->status = status;
    res->content_type = "application/json";
    strbuf_reset(&res->body);
    if (j) {
        size_t n = json_dumpb(j, NULL, 0, RES_JSON_FLAGS);
        if (strbuf_grow(&res->body, n)) {
            json_dumpb(j, res->body.buf, n, RES_JSON_FLAGS);
            strbuf_setlen(&res->body, n);
        }
        json_decref(j);
    }
    strbuf_addch(&res->body, '\n');
    return 0;
}

int res_error(struct res *res, int err, const char *field, const char *fmt, ...)
{
    struct strbuf msg = STRBUF_INIT;
    json_t *e;
    va_list ap;

    va_start(ap, fmt);
    strbuf_vaddf(&msg, tr(fmt), ap); /* a page's language (API routes: English, i18n.h) */
    va_end(ap);
    if (!utf8_valid(msg.buf, msg.len)) {
        /* a message may quote what the client sent (a path, a query value): JSON strings
           are UTF-8, and jansson refuses anything else, which would leave the body empty */
        struct strbuf clean = STRBUF_INIT;
        utf8_sanitize(&clean, msg.buf, msg.len);
        strbuf_release(&msg);
        msg = clean;
    }
    e = json_pack("{s:s, s:s%}", "code", desk_err_code(err), "message", msg.buf, msg.len);
    if (field)
        json_object_set_new(e, "field", json_string(field));
    strbuf_release(&msg);
    res_json(res, http_status_from_err(err), json_pack("{s:o}", "error", e));
    return err;
}

void res_release(struct res *res)
{
    strbuf_release(&res->body);
}
