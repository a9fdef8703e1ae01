/*
 * fuzz-mime.c - libFuzzer target for inbound mail: MIME parsing and HTML to text.
 *
 * Any input is either refused with a message (empty, no header) or gives a
 * message whose every string is well-formed UTF-8 within the limits of
 * mime.h: a one-line subject, a usable sender address, file names without
 * folders, usable recipient addresses, Authentication-Results values as
 * clean text. The same bytes read as HTML give well-formed UTF-8 text.
 */
#include "core/compat.h"
#include "core/err.h"
#include "core/utf8.h"
#include "core/xalloc.h"
#include "mail/html.h"
#include "mail/mime.h"
#include "mail/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_text(const char *s, const char *what)
{
    if (!s || !utf8_valid(s, strlen(s)))
        BUG("%s is not UTF-8", what);
}

static void check_message(const struct mime_msg *m)
{
    check_text(m->subject, "subject");
    check_text(m->text, "text");
    if (strchr(m->subject, '\n'))
        BUG("subject of more than one line");
    if (m->from && !mime_address_ok(m->from))
        BUG("unusable sender '%s'", m->from);
    if (m->nrefs > MIME_MAX_REFS || m->nfiles > MIME_MAX_FILES)
        BUG("%zu references, %zu files", m->nrefs, m->nfiles);
    for (size_t i = 0; i < m->nrefs; i++)
        check_text(m->refs[i], "reference");
    if (m->nauthres > MIME_MAX_AUTHRES || m->nrcpts > MIME_MAX_RCPTS)
        BUG("%zu Authentication-Results, %zu recipients", m->nauthres, m->nrcpts);
    for (size_t i = 0; i < m->nauthres; i++)
        check_text(m->authres[i], "Authentication-Results");
    for (size_t i = 0; i < m->nrcpts; i++)
        if (!mime_address_ok(m->rcpts[i]))
            BUG("unusable recipient '%s'", m->rcpts[i]);
    for (size_t i = 0; i < m->nfiles; i++) {
        check_text(m->files[i].filename, "file name");
        if (!*m->files[i].filename || strchr(m->files[i].filename, '/'))
            BUG("file name '%s'", m->files[i].filename);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct strbuf err = STRBUF_INIT, clean = STRBUF_INIT, text = STRBUF_INIT;
    struct arena a = ARENA_INIT;
    struct mime_msg m;

    if (size > 256 * 1024)
        return 0; /* bigger inputs only repeat the same paths slower */
    if (mime_parse((const char *)data, size, &m, &a, &err) == 0)
        check_message(&m);
    else if (!err.len)
        BUG("a message was refused without a reason");
    text_clean(&clean, (const char *)data, size);
    html_to_text(clean.buf, clean.len, &text);
    check_text(text.buf, "html text");
    strbuf_release(&err);
    strbuf_release(&clean);
    strbuf_release(&text);
    arena_release(&a);
    return 0;
}
