/*
 * static.c - GET /static/NAME: the files of web/static compiled into the
 * binary. They are cached for a year: the pages link them with
 * ?v=<hash of the files>, so a new build is fetched at once.
 */
#include "core/compat.h"
#include "http/pages/pages.h"
#include "core/embed.h"
#include "core/err.h"
#include <pthread.h>

static const struct {
    const char *ext, *type;
} types[] = {
    {".css", "text/css; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".svg", "image/svg+xml"},
    {".ico", "image/x-icon"},
};

static const char *type_of(const char *name)
{
    const char *dot = strrchr(name, '.');

    for (size_t i = 0; dot && i < ARRAY_SIZE(types); i++)
        if (!strcmp(dot, types[i].ext))
            return types[i].type;
    return "application/octet-stream";
}

int page_static(struct req *req, struct res *res)
{
    const char *name = strrchr(req->path, '/') + 1;

    for (const struct embedded_file *f = embedded_static; f->name; f++) {
        if (strcmp(f->name, name))
            continue;
        res_header(res, "Cache-Control", "public, max-age=31536000, immutable");
        return res_bytes(res, 200, type_of(name), f->data, f->len);
    }
    return page_error(req, res, DESK_ENOTFOUND, "there is no file %s", req->path);
}

static char version[17];
static pthread_once_t version_once = PTHREAD_ONCE_INIT;

/* FNV-1a over every static file: changes whenever one does. */
static void version_init(void)
{
    uint64_t h = 1469598103934665603ULL;

    for (const struct embedded_file *f = embedded_static; f->name; f++)
        for (size_t i = 0; i < f->len; i++)
            h = (h ^ (unsigned char)f->data[i]) * 1099511628211ULL;
    snprintf(version, sizeof(version), "%016" PRIx64, h);
}

const char *page_asset_version(void)
{
    pthread_once(&version_once, version_init);
    return version;
}
