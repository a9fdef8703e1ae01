/*
 * embed.h - files compiled into the binary by scripts/embed.sh
 * (SQL migrations, templates, static assets). Arrays end with a NULL name.
 */
#ifndef CORE_EMBED_H
#define CORE_EMBED_H

#include <stddef.h>

struct embedded_file {
    const char *name; /* base name, e.g. "0001_init.sql" */
    const char *data; /* the bytes, NUL-terminated */
    size_t len;       /* number of bytes */
};

/* the files of sql/sqlite, in name order */
extern const struct embedded_file embedded_sql[];
/* the files of sql/postgres, in name order */
extern const struct embedded_file embedded_pgsql[];
/* docs/openapi.json */
extern const struct embedded_file embedded_openapi[];
/* the templates of web/templates (http/tmpl.h), in name order */
extern const struct embedded_file embedded_templates[];
/* the files of web/static: the pages' stylesheet and script, in name order */
extern const struct embedded_file embedded_static[];

#endif
