/*
 * outbound.c - notices from the outbox as RFC 5322 messages (see outbound.h).
 */
#include "core/compat.h"
#include "mail/outbound.h"
#include "core/err.h"
#include "core/markdown.h"
#include "mail/mail.h"
#include "mail/mime.h"
#include "mail/replyto.h"
#include "store/store.h"
#include <gmime/gmime.h>
#include <jansson.h>

/* The domain of mail_from's address ("localhost" when it has none). */
static const char *domain_of(const char *mail_from, struct arena *a)
{
    const char *addr = mime_first_address(mail_from, a);
    const char *at = addr ? strrchr(addr, '@') : NULL;

    return at ? at + 1 : "localhost";
}

const char *outbound_message_id(const char *id, const char *mail_from, struct arena *a)
{
    if (strchr(id, '@'))
        return id;
    return arena_sprintf(a, "%s@%s", id, domain_of(mail_from, a));
}

/* "<id> <id> ..." for a space-separated list of tokens (arena). */
static const char *id_list(const char *tokens, const char *mail_from, struct arena *a)
{
    struct strbuf sb = STRBUF_INIT;
    char *copy = arena_strdup(a, tokens), *save = NULL;
    const char *out;

    for (char *t = strtok_r(copy, " ", &save); t; t = strtok_r(NULL, " ", &save))
        strbuf_addf(&sb, "%s<%s>", sb.len ? " " : "", outbound_message_id(t, mail_from, a));
    out = arena_strndup(a, sb.buf, sb.len);
    strbuf_release(&sb);
    return out;
}

/* RFC 3834: what kind of automatic message a notice is; NULL for a reply a person wrote. */
static const char *auto_submitted(const char *kind)
{
    if (!strcmp(kind, "reply"))
        return NULL;
    if (!strcmp(kind, "received") || !strcmp(kind, "rejected"))
        return "auto-replied";
    return "auto-generated";
}

/* The usable addresses of a JSON list into out->rcpt (arena). */
static void read_recipients(const char *json, struct outbound *out, struct arena *a)
{
    json_t *list = json_loads(json, 0, NULL), *v;
    size_t i;

    out->rcpt = ARENA_NEWN(a, const char *, json_array_size(list) + 1);
    out->nrcpt = 0;
    json_array_foreach(list, i, v) if (json_is_string(v) && mime_address_ok(json_string_value(v)))
        out->rcpt[out->nrcpt++] = arena_strdup(a, json_string_value(v));
    json_decref(list);
}

/* Reply-To: the address signed for the row's request and its one recipient. */
static void set_reply_to(GMimeMessage *msg, const struct outbox_msg *m, const struct outbound *out,
                         const char *mail_from, const uint8_t *key, struct arena *a)
{
    const char *addr;

    if (!key || m->ticket_id <= 0 || out->nrcpt != 1 ||
        !(addr = replyto_address(key, mail_from, m->ticket_id, out->rcpt[0], a)))
        return;
    g_mime_message_add_mailbox(msg, GMIME_ADDRESS_TYPE_REPLY_TO, NULL, addr);
}

static void set_headers(GMimeMessage *msg, const struct outbox_msg *m, const struct outbound *out,
                        const char *mail_from, int64_t now, struct arena *a)
{
    GMimeObject *o = GMIME_OBJECT(msg);
    InternetAddressList *from = internet_address_list_parse(NULL, mail_from);
    GDateTime *date = g_date_time_new_from_unix_utc(now);
    const char *as = auto_submitted(m->kind);

    internet_address_list_append(g_mime_message_get_from(msg), from);
    g_object_unref(from);
    for (size_t i = 0; i < out->nrcpt; i++)
        g_mime_message_add_mailbox(msg, GMIME_ADDRESS_TYPE_TO, NULL, out->rcpt[i]);
    g_mime_message_set_subject(msg, m->subject, "utf-8");
    g_mime_message_set_date(msg, date);
    g_date_time_unref(date);
    g_mime_message_set_message_id(msg, outbound_message_id(m->message_id, mail_from, a));
    if (m->in_reply_to)
        g_mime_object_set_header(o, "In-Reply-To", id_list(m->in_reply_to, mail_from, a), NULL);
    if (m->references)
        g_mime_object_set_header(o, "References", id_list(m->references, mail_from, a), NULL);
    if (as)
        g_mime_object_set_header(o, "Auto-Submitted", as, NULL);
    g_mime_object_set_header(o, "X-Auto-Response-Suppress", "All", NULL);
}

/* The HTML part: the text as Markdown (markdown_message_html), in a page mail clients show. */
static const char HTML_HEAD[] =
    "<!doctype html>\n<html><head><meta charset=\"utf-8\">"
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
    "<style>body{font-family:Arial,Helvetica,sans-serif;font-size:15px;line-height:1.5;"
    "color:#1f2937;margin:0;padding:16px}blockquote{margin:8px 0;padding:0 0 0 12px;"
    "border-left:3px solid #9ca3af;color:#4b5563}pre,code{font-family:Consolas,Menlo,"
    "monospace;font-size:13px}pre{white-space:pre-wrap}</style></head>\n<body>\n";
static const char HTML_FOOT[] = "</body></html>\n";

static GMimeObject *text_part(const char *subtype, const char *text)
{
    GMimeTextPart *tp = g_mime_text_part_new_with_subtype(subtype);
    GMimePart *part = GMIME_PART(tp);

    g_mime_text_part_set_text(tp, text);
    g_mime_part_set_content_encoding(
        part, g_mime_part_get_best_content_encoding(part, GMIME_ENCODING_CONSTRAINT_7BIT));
    return GMIME_OBJECT(tp);
}

/*
 * multipart/alternative: the text as it is, then the same as HTML (last: the richer one, which
 * clients that can show it prefer; RFC 2046 5.1.4).
 */
static void set_body(GMimeMessage *msg, const char *text, struct arena *a)
{
    GMimeMultipart *alt = g_mime_multipart_new_with_subtype("alternative");
    const char *html = arena_sprintf(a, "%s%s%s", HTML_HEAD, markdown_message_html(text, a),
                                     HTML_FOOT);
    GMimeObject *plain = text_part("plain", text), *rich = text_part("html", html);

    g_mime_multipart_add(alt, plain);
    g_mime_multipart_add(alt, rich);
    g_object_unref(plain);
    g_object_unref(rich);
    g_mime_message_set_mime_part(msg, GMIME_OBJECT(alt));
    g_object_unref(alt);
}

static void write_message(GMimeMessage *msg, struct strbuf *data)
{
    GMimeFormatOptions *fo = g_mime_format_options_new();
    GMimeStream *ms = g_mime_stream_mem_new();
    GByteArray *ba;

    g_mime_format_options_set_newline_format(fo, GMIME_NEWLINE_FORMAT_DOS);
    g_mime_object_write_to_stream(GMIME_OBJECT(msg), fo, ms);
    ba = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(ms));
    strbuf_add(data, ba->data, ba->len);
    g_object_unref(ms);
    g_mime_format_options_free(fo);
}

int outbound_build(const struct outbox_msg *m, const char *mail_from, const uint8_t *reply_key,
                   int64_t now, struct outbound *out, struct arena *a, struct strbuf *err)
{
    GMimeMessage *msg;

    mail_setup();
    out->data = (struct strbuf)STRBUF_INIT;
    if (!(out->from = mime_first_address(mail_from, a)))
        return err_addf(err, DESK_EINVAL, "mail-from '%s' is not an address",
                        mail_from ? mail_from : "");
    read_recipients(m->recipients, out, a);
    if (!out->nrcpt)
        return err_addf(err, DESK_EINVAL, "no usable recipient in %s", m->recipients);
    msg = g_mime_message_new(TRUE);
    set_headers(msg, m, out, mail_from, now, a);
    set_reply_to(msg, m, out, mail_from, reply_key, a);
    set_body(msg, m->body, a);
    write_message(msg, &out->data);
    g_object_unref(msg);
    return 0;
}

void outbound_release(struct outbound *out)
{
    strbuf_release(&out->data);
}
