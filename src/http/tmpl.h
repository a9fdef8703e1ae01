/*
 * tmpl.h - HTML templates: a small mustache dialect over jansson values.
 *
 * Templates are the files web/templates/NAME.html, compiled into the binary
 * (core/embed.h); a page renders one by NAME with a JSON object as its data.
 * The dialect:
 *
 *   {{name}} {{a.b}} {{.}}   the value, HTML-escaped (&<>"' become entities,
 *                            so it is safe in text and in quoted attributes);
 *                            {{list.0}} is an array's first element
 *   {{{name}}} {{&name}}     the value as it is: raw HTML, only where the
 *                            template asks for it
 *   {{#x}}...{{/x}}          an array: once per element, the element on top
 *                            of the context stack; an object: once, on top;
 *                            any other truthy value: once
 *   {{^x}}...{{/x}}          once when x is falsy
 *   {{> name}}               another template of the set, in this context
 *   {{! comment}}            nothing
 *
 * Falsy: missing, null, false, 0, "", an empty array or object. Names are
 * looked up from the innermost context outwards (the first segment only,
 * then down through objects). Strings and numbers print; true prints
 * "true"; everything else prints nothing.
 *
 * Each template is parsed once, at first use, and the parse is shared by
 * every thread (a set is safe to render from any number of threads).
 *
 * A translated set (tmpl_set_new_translated) first replaces each text of a
 * template a reader sees: the words between markup and tags, and the values
 * of the attributes title, placeholder, aria-label, alt and data-label. A
 * text is looked up with its spaces folded ("Open   one\n" as "Open one");
 * markup, comments, scripts and {{tags}} are never translated. tmpl_texts
 * lists the same texts, for the catalogue (scripts/tmpl-pot.c).
 */
#ifndef HTTP_TMPL_H
#define HTTP_TMPL_H

#include "core/compat.h"
#include "core/strbuf.h"
#include <jansson.h>

struct embedded_file;
struct tmpl_set;

#define TMPL_MAX_DEPTH 32             /* nested sections and partials while rendering */
#define TMPL_MAX_STEPS (1u << 21)     /* nodes one rendering visits (sections over lists) */
#define TMPL_MAX_OUTPUT (32u << 20)   /* bytes one rendering appends */

/*
 * A set over files (name "x.html" is template "x"). The files are borrowed
 * and must outlive the set; nothing is parsed yet. Free with tmpl_set_free.
 */
struct tmpl_set *tmpl_set_new(const struct embedded_file *files);
void tmpl_set_free(struct tmpl_set *set);

/* A text in the set's language; msgid itself when it has no translation. */
typedef const char *(*tmpl_translate_fn)(const char *msgid, void *ctx);

/* As tmpl_set_new, each template's texts translated by fn(msgid, ctx) when it is parsed. */
struct tmpl_set *tmpl_set_new_translated(const struct embedded_file *files, tmpl_translate_fn fn,
                                         void *ctx);

/* Call fn(ctx, msgid, line) for each text of the template source src a translation replaces. */
void tmpl_texts(const char *src, size_t len,
                void (*fn)(void *ctx, const char *msgid, size_t line), void *ctx);

/*
 * Append template `name` rendered with data to out. Returns 0, or
 * DESK_ENOTFOUND (no such template, also for a partial), DESK_EINVAL (it
 * does not parse, nests deeper than TMPL_MAX_DEPTH, or would visit more than
 * TMPL_MAX_STEPS nodes or append more than TMPL_MAX_OUTPUT bytes: nested
 * sections over lists multiply), with the reason in err (when non-NULL).
 * out may hold a partial rendering on error.
 */
int tmpl_set_render(struct tmpl_set *set, const char *name, json_t *data, struct strbuf *out,
                    struct strbuf *err);

/*
 * The templates of web/templates compiled into the binary, in this thread's language
 * (core/i18n.h): as tmpl_set_render, errors logged.
 */
int tmpl_render(const char *name, json_t *data, struct strbuf *out);

#endif
