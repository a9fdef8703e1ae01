/*
 * mime.c - inbound messages through GMime into clean text and files (see mime.h).
 *
 * GMime objects live only inside mime_parse(): everything kept is copied
 * into the caller's arena before they are released.
 */
#define LOG_MODULE "mail"
#include "core/compat.h"
#include "mail/mime.h"
#include "core/err.h"
#include "core/utf8.h"
#include "mail/html.h"
#include "mail/mail.h"
#include "mail/text.h"
#include <gmime/gmime.h>
#include <strings.h>

#define FILENAME_MAX_BYTES 255 /* longest file name kept */
#define ADDRESS_MAX 254        /* longest e-mail address (RFC 5321 path limit) */
#define MESSAGE_ID_MAX 998     /* longest Message-ID kept (a header line's limit) */
#define ICONV_CHUNK 4096       /* bytes converted at a time */

/* ---- charsets ------------------------------------------------------------------------------ */

/* Convert with iconv from charset; false when the charset is unknown to iconv. */
static bool convert(const char *bytes, size_t n, const char *charset, struct strbuf *sb)
{
    iconv_t cd = g_mime_iconv_open("UTF-8", charset);
    struct strbuf tmp = STRBUF_INIT;
    char buf[ICONV_CHUNK], *in = (char *)bytes;
    size_t left = n;

    if (cd == (iconv_t)-1)
        return false;
    while (left > 0) {
        char *out = buf;
        size_t room = sizeof(buf), r = iconv(cd, &in, &left, &out, &room);
        strbuf_add(&tmp, buf, (size_t)(out - buf));
        if (r != (size_t)-1 || errno == E2BIG)
            continue;
        text_put_utf8(&tmp, 0xfffd); /* EILSEQ: a byte that is no character; EINVAL: cut short */
        if (errno != EILSEQ)
            break;
        in++;
        left--;
        iconv(cd, NULL, NULL, NULL, NULL);
    }
    {
        char *out = buf;
        size_t room = sizeof(buf);
        iconv(cd, NULL, NULL, &out, &room); /* the end of a stateful encoding (ISO-2022-JP) */
        strbuf_add(&tmp, buf, (size_t)(out - buf));
    }
    g_mime_iconv_close(cd);
    text_clean(sb, tmp.buf, tmp.len);
    strbuf_release(&tmp);
    return true;
}

void mime_to_utf8(const char *bytes, size_t n, const char *charset, struct strbuf *sb)
{
    const char *canon = charset && *charset ? g_mime_charset_canon_name(charset) : NULL;

    mail_setup();
    if (canon && (!strcasecmp(canon, "x-unknown") || !strcasecmp(canon, "unknown-8bit")))
        canon = NULL; /* what some clients write for "I do not know" */
    if (canon && !strcasecmp(canon, "utf-8")) {
        text_clean(sb, bytes, n);
        return;
    }
    if (!canon || !strcasecmp(canon, "us-ascii")) {
        if (utf8_valid(bytes, n)) {
            text_clean(sb, bytes, n);
            return;
        }
        canon = "windows-1252";
    } else if (!strcasecmp(canon, "iso-8859-1")) {
        canon = "windows-1252";
    }
    if (convert(bytes, n, canon, sb))
        return;
    if (utf8_valid(bytes, n))
        text_clean(sb, bytes, n);
    else if (!convert(bytes, n, "windows-1252", sb))
        text_clean(sb, bytes, n);
}

/* ---- headers ------------------------------------------------------------------------------- */

/* A clean copy of header text s in the arena; one line when one_line. */
static const char *clean_copy(const char *s, bool one_line, struct arena *a)
{
    struct strbuf sb = STRBUF_INIT;
    const char *out;

    text_clean(&sb, s ? s : "", s ? strlen(s) : 0);
    if (one_line)
        text_one_line(&sb, 0);
    out = arena_strndup(a, sb.buf, sb.len);
    strbuf_release(&sb);
    return out;
}

bool mime_address_ok(const char *s)
{
    const char *at = strchr(s, '@');
    size_t n = strlen(s);

    if (!at || at == s || !at[1] || strchr(at + 1, '@') || n > ADDRESS_MAX)
        return false;
    for (; *s; s++)
        if ((unsigned char)*s <= ' ' || *s == '<' || *s == '>' || *s == '"' || *s == 0x7f)
            return false;
    return true;
}

/* The first mailbox of an address list (looking into groups once), or NULL. */
static const char *first_mailbox(InternetAddressList *list, int depth)
{
    for (int i = 0; list && i < internet_address_list_length(list); i++) {
        InternetAddress *ia = internet_address_list_get_address(list, i);
        if (INTERNET_ADDRESS_IS_MAILBOX(ia))
            return internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(ia));
        if (INTERNET_ADDRESS_IS_GROUP(ia) && depth == 0) {
            const char *m =
                first_mailbox(internet_address_group_get_members(INTERNET_ADDRESS_GROUP(ia)), 1);
            if (m)
                return m;
        }
    }
    return NULL;
}

/* A clean, lower-case copy of addr when it is worth using, else NULL. */
static const char *address_copy(const char *addr, struct arena *a)
{
    char *out;

    if (!addr)
        return NULL;
    out = (char *)clean_copy(addr, true, a);
    for (char *p = out; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p + 32);
    return mime_address_ok(out) ? out : NULL;
}

const char *mime_first_address(const char *list, struct arena *a)
{
    InternetAddressList *l;
    const char *out;

    if (!list)
        return NULL;
    mail_setup();
    l = internet_address_list_parse(NULL, list);
    out = address_copy(first_mailbox(l, 0), a);
    if (l)
        g_object_unref(l);
    return out;
}

static void add_ref(struct mime_msg *out, const char *id, size_t *alloc, struct arena *a)
{
    const char *clean;

    if (!id || !*id || out->nrefs >= MIME_MAX_REFS || strlen(id) > MESSAGE_ID_MAX)
        return;
    clean = clean_copy(id, true, a);
    for (size_t i = 0; i < out->nrefs; i++)
        if (!strcmp(out->refs[i], clean))
            return;
    ARENA_GROW(a, out->refs, out->nrefs, *alloc);
    out->refs[out->nrefs++] = clean;
}

/* In-Reply-To first, then References from the newest (the last) back. */
static void read_refs(GMimeMessage *msg, GMimeParserOptions *opts, struct mime_msg *out,
                      struct arena *a)
{
    static const char *const headers[] = {"In-Reply-To", "References"};
    size_t alloc = 0;

    for (size_t h = 0; h < ARRAY_SIZE(headers); h++) {
        const char *v = g_mime_object_get_header(GMIME_OBJECT(msg), headers[h]);
        GMimeReferences *refs = v ? g_mime_references_parse(opts, v) : NULL;
        int n = refs ? g_mime_references_length(refs) : 0;
        for (int i = 0; i < n; i++) /* In-Reply-To in order, References newest first */
            add_ref(out, g_mime_references_get_message_id(refs, h ? n - 1 - i : i), &alloc, a);
        if (refs)
            g_mime_references_free(refs);
    }
}

/* The first word of header name, lower case, into buf; "" when absent. */
static const char *header_word(GMimeMessage *msg, const char *name, char *buf, size_t size)
{
    const char *v = g_mime_object_get_header(GMIME_OBJECT(msg), name);
    size_t n = 0;

    while (v && (*v == ' ' || *v == '\t'))
        v++;
    while (v && *v && *v != ';' && *v != ' ' && *v != '\t' && *v != '\r' && *v != '\n' &&
           n + 1 < size) {
        buf[n++] = (char)(*v >= 'A' && *v <= 'Z' ? *v + 32 : *v);
        v++;
    }
    buf[n] = '\0';
    return buf;
}

/* Was the message sent by a machine, or does it ask for no automatic reply? (RFC 3834) */
static bool automatic(GMimeMessage *msg, const char *from)
{
    GMimeObject *o = GMIME_OBJECT(msg);
    const char *rp = g_mime_object_get_header(o, "Return-Path");
    const char *suppress = g_mime_object_get_header(o, "X-Auto-Response-Suppress");
    char w[32];

    if (*header_word(msg, "Auto-Submitted", w, sizeof(w)) && strcmp(w, "no"))
        return true;
    header_word(msg, "Precedence", w, sizeof(w));
    if (!strcmp(w, "bulk") || !strcmp(w, "junk") || !strcmp(w, "list"))
        return true;
    if ((rp && strstr(rp, "<>")) || g_mime_object_get_header(o, "List-Id"))
        return true;
    if (suppress && (strcasestr(suppress, "all") || strcasestr(suppress, "autoreply") ||
                     strcasestr(suppress, "oof")))
        return true;
    return from && (!strncmp(from, "mailer-daemon@", 14) || !strncmp(from, "postmaster@", 11));
}

/* The mailboxes of an address list (and of its groups, once) into out->rcpts. */
static void add_rcpts(struct mime_msg *out, InternetAddressList *list, int depth, size_t *alloc,
                      struct arena *a)
{
    for (int i = 0; list && i < internet_address_list_length(list); i++) {
        InternetAddress *ia = internet_address_list_get_address(list, i);
        const char *addr;
        bool dup = false;
        if (INTERNET_ADDRESS_IS_GROUP(ia) && depth == 0)
            add_rcpts(out, internet_address_group_get_members(INTERNET_ADDRESS_GROUP(ia)), 1,
                      alloc, a);
        if (!INTERNET_ADDRESS_IS_MAILBOX(ia) || out->nrcpts >= MIME_MAX_RCPTS ||
            !(addr = address_copy(internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(ia)),
                                  a)))
            continue;
        for (size_t j = 0; j < out->nrcpts && !dup; j++)
            dup = !strcmp(out->rcpts[j], addr);
        if (!dup) {
            ARENA_GROW(a, out->rcpts, out->nrcpts, *alloc);
            out->rcpts[out->nrcpts++] = addr;
        }
    }
}

/* Mailboxes in an address list, those of its groups included. */
static size_t count_mailboxes(InternetAddressList *list, int depth)
{
    size_t n = 0;

    for (int i = 0; list && i < internet_address_list_length(list); i++) {
        InternetAddress *ia = internet_address_list_get_address(list, i);
        if (INTERNET_ADDRESS_IS_MAILBOX(ia))
            n++;
        else if (INTERNET_ADDRESS_IS_GROUP(ia) && depth == 0)
            n += count_mailboxes(internet_address_group_get_members(INTERNET_ADDRESS_GROUP(ia)),
                                 1);
    }
    return n;
}

/*
 * What sender verification reads (mail/inbound.c): every From field's
 * mailboxes counted, the Authentication-Results fields in order, the
 * recipients of To, Cc and Delivered-To.
 */
static void read_trace(GMimeMessage *msg, GMimeParserOptions *opts, struct mime_msg *out,
                       struct arena *a)
{
    GMimeHeaderList *hl = g_mime_object_get_header_list(GMIME_OBJECT(msg));
    int n = g_mime_header_list_get_count(hl);
    size_t ar_alloc = 0, rcpt_alloc = 0;

    for (int i = 0; i < n; i++) {
        GMimeHeader *h = g_mime_header_list_get_header_at(hl, i);
        const char *name = g_mime_header_get_name(h);
        const char *raw = g_mime_header_get_raw_value(h);
        InternetAddressList *list;
        if (!name || !raw)
            continue;
        if (!strcasecmp(name, "Authentication-Results")) {
            if (out->nauthres < MIME_MAX_AUTHRES) {
                ARENA_GROW(a, out->authres, out->nauthres, ar_alloc);
                out->authres[out->nauthres++] = clean_copy(raw, false, a);
            }
            continue;
        }
        if (strcasecmp(name, "From") && strcasecmp(name, "To") && strcasecmp(name, "Cc") &&
            strcasecmp(name, "Delivered-To"))
            continue;
        if (!g_mime_header_get_value(h))
            continue;
        list = internet_address_list_parse(opts, g_mime_header_get_value(h));
        if (!strcasecmp(name, "From"))
            out->nfrom += count_mailboxes(list, 0);
        else
            add_rcpts(out, list, 0, &rcpt_alloc, a);
        if (list)
            g_object_unref(list);
    }
}

/* ---- the body ------------------------------------------------------------------------------ */

struct walk {
    struct arena *a;         /* where files go */
    struct strbuf text;      /* the body so far */
    struct mime_file *files; /* attachments (arena) */
    size_t nfiles, alloc;    /* kept, capacity */
    size_t dropped;          /* parts past the limits */
};

/* The decoded bytes of a leaf part, in the arena. */
static const void *part_bytes(GMimeObject *part, size_t *len, struct arena *a)
{
    GMimeDataWrapper *dw = g_mime_part_get_content(GMIME_PART(part));
    GMimeStream *ms;
    GByteArray *ba;
    const void *data;

    *len = 0;
    if (!dw)
        return "";
    ms = g_mime_stream_mem_new();
    g_mime_data_wrapper_write_to_stream(dw, ms);
    ba = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(ms));
    *len = ba->len;
    data = arena_memdup(a, ba->data, ba->len);
    g_object_unref(ms);
    return data;
}

/* A file name extension for a nameless part of a common type ("" for others). */
static const char *extension(const char *type)
{
    static const char *const known[][2] = {
        {"image/png", ".png"},       {"image/jpeg", ".jpg"}, {"image/gif", ".gif"},
        {"application/pdf", ".pdf"}, {"text/plain", ".txt"}, {"text/html", ".html"},
        {"text/calendar", ".ics"},   {"text/csv", ".csv"},   {"message/rfc822", ".eml"},
        {"application/zip", ".zip"},
    };

    for (size_t i = 0; i < ARRAY_SIZE(known); i++)
        if (!strcmp(type, known[i][0]))
            return known[i][1];
    return "";
}

static const char *clean_filename(const char *raw, size_t index, const char *ext, struct arena *a)
{
    struct strbuf sb = STRBUF_INIT;
    const char *base = raw ? raw : "", *slash, *out;

    if ((slash = strrchr(base, '/')))
        base = slash + 1;
    if ((slash = strrchr(base, '\\')))
        base = slash + 1;
    text_clean(&sb, base, strlen(base));
    text_one_line(&sb, 0);
    strbuf_setlen(&sb, utf8_cut(sb.buf, sb.len, FILENAME_MAX_BYTES));
    if (!sb.len || !strcmp(sb.buf, ".") || !strcmp(sb.buf, ".."))
        out = arena_sprintf(a, "attachment-%zu%s", index, ext);
    else
        out = arena_strndup(a, sb.buf, sb.len);
    strbuf_release(&sb);
    return out;
}

/* "type/subtype" of a part, lower case; application/octet-stream when odd. */
static const char *mime_type(GMimeObject *o, struct arena *a)
{
    char *t = g_mime_content_type_get_mime_type(g_mime_object_get_content_type(o));
    char *out = arena_strdup(a, t ? t : "application/octet-stream");
    bool ok = strchr(out, '/') != NULL && strlen(out) < 128;

    g_free(t);
    for (char *p = out; *p && ok; p++) {
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p + 32);
        ok = *p > ' ' && *p < 0x7f;
    }
    return ok ? out : "application/octet-stream";
}

static void add_file(struct walk *w, const char *name, const char *type, const void *data,
                     size_t size)
{
    if (w->nfiles >= MIME_MAX_FILES) {
        w->dropped++;
        return;
    }
    ARENA_GROW(w->a, w->files, w->nfiles, w->alloc);
    w->files[w->nfiles++] = (struct mime_file){name, type, data, size};
}

static void add_text(struct walk *w, GMimeObject *part, bool html)
{
    struct strbuf conv = STRBUF_INIT;
    size_t len;
    const char *bytes = part_bytes(part, &len, w->a);

    mime_to_utf8(bytes, len, g_mime_object_get_content_type_parameter(part, "charset"), &conv);
    if (w->text.len && conv.len)
        strbuf_addstr(&w->text, "\n\n");
    if (html)
        html_to_text(conv.buf, conv.len, &w->text);
    else
        strbuf_add(&w->text, conv.buf, conv.len);
    strbuf_release(&conv);
}

/* A text part that is the body, not a file: text/plain or text/html, not named or attached. */
static bool body_text(GMimeObject *o, bool *html)
{
    GMimeContentType *ct = g_mime_object_get_content_type(o);
    const char *disp = g_mime_object_get_disposition(o);

    *html = g_mime_content_type_is_type(ct, "text", "html");
    if (!*html && !g_mime_content_type_is_type(ct, "text", "plain"))
        return false;
    if (disp && !strcasecmp(disp, "attachment"))
        return false;
    return !g_mime_part_get_filename(GMIME_PART(o));
}

static void walk(struct walk *w, GMimeObject *o, int depth);

/* multipart/alternative: the plain part, else the HTML one, else the last (the richest). */
static void walk_alternative(struct walk *w, GMimeMultipart *mp, int depth)
{
    int n = g_mime_multipart_get_count(mp), pick = -1;
    bool html;

    for (int pass = 0; pass < 2 && pick < 0; pass++)
        for (int i = 0; i < n && pick < 0; i++) {
            GMimeObject *p = g_mime_multipart_get_part(mp, i);
            if (GMIME_IS_PART(p) && body_text(p, &html) && html == (pass == 1))
                pick = i;
        }
    if (pick < 0)
        pick = n - 1;
    if (pick >= 0)
        walk(w, g_mime_multipart_get_part(mp, pick), depth + 1);
}

static void walk_message_part(struct walk *w, GMimeObject *o)
{
    GMimeMessage *inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(o));
    const char *subject = inner ? g_mime_message_get_subject(inner) : NULL;
    GMimeStream *ms = g_mime_stream_mem_new();
    GByteArray *ba;
    const char *name;

    if (inner)
        g_mime_object_write_to_stream(GMIME_OBJECT(inner), NULL, ms);
    ba = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(ms));
    name = subject && *subject ? arena_sprintf(w->a, "%s.eml", subject) : NULL;
    add_file(w, clean_filename(name, w->nfiles + 1, ".eml", w->a), "message/rfc822",
             arena_memdup(w->a, ba->data, ba->len), ba->len);
    g_object_unref(ms);
}

static void walk(struct walk *w, GMimeObject *o, int depth)
{
    bool html;

    if (!o)
        return;
    if (depth > MIME_MAX_DEPTH) {
        w->dropped++;
    } else if (GMIME_IS_MULTIPART(o)) {
        GMimeMultipart *mp = GMIME_MULTIPART(o);
        if (g_mime_content_type_is_type(g_mime_object_get_content_type(o), "multipart",
                                        "alternative"))
            walk_alternative(w, mp, depth);
        else
            for (int i = 0; i < g_mime_multipart_get_count(mp); i++)
                walk(w, g_mime_multipart_get_part(mp, i), depth + 1);
    } else if (GMIME_IS_MESSAGE_PART(o)) {
        walk_message_part(w, o);
    } else if (GMIME_IS_PART(o) && body_text(o, &html)) {
        add_text(w, o, html);
    } else if (GMIME_IS_PART(o)) {
        size_t len;
        const void *data = part_bytes(o, &len, w->a);
        const char *type = mime_type(o, w->a);
        add_file(w,
                 clean_filename(g_mime_part_get_filename(GMIME_PART(o)), w->nfiles + 1,
                                extension(type), w->a),
                 type, data, len);
    }
}

/* ---- the message ----------------------------------------------------------------------------- */

static GMimeParserOptions *parser_options(void)
{
    static const char *fallback[] = {"UTF-8", "windows-1252", NULL};
    GMimeParserOptions *opts = g_mime_parser_options_new();

    g_mime_parser_options_set_rfc2047_compliance_mode(opts, GMIME_RFC_COMPLIANCE_LOOSE);
    g_mime_parser_options_set_address_compliance_mode(opts, GMIME_RFC_COMPLIANCE_LOOSE);
    g_mime_parser_options_set_parameter_compliance_mode(opts, GMIME_RFC_COMPLIANCE_LOOSE);
    g_mime_parser_options_set_fallback_charsets(opts, fallback);
    return opts;
}

static void read_message(GMimeMessage *msg, GMimeParserOptions *opts, struct mime_msg *out,
                         struct arena *a)
{
    const char *id = g_mime_message_get_message_id(msg);
    struct walk w = {a, STRBUF_INIT, NULL, 0, 0, 0};

    out->message_id = id && *id && strlen(id) <= MESSAGE_ID_MAX ? clean_copy(id, true, a) : NULL;
    if (out->message_id && !*out->message_id)
        out->message_id = NULL;
    out->from = address_copy(first_mailbox(g_mime_message_get_from(msg), 0), a);
    out->subject = clean_copy(g_mime_message_get_subject(msg), true, a);
    read_refs(msg, opts, out, a);
    out->automatic = automatic(msg, out->from);
    read_trace(msg, opts, out, a);
    walk(&w, g_mime_message_get_mime_part(msg), 0);
    if (w.dropped)
        strbuf_addf(&w.text,
                    "%s[%zu parts of this message were not kept: nested too deep or "
                    "too many files]",
                    w.text.len ? "\n\n" : "", w.dropped);
    while (w.text.len && (w.text.buf[w.text.len - 1] == '\n' || w.text.buf[w.text.len - 1] == ' ' ||
                          w.text.buf[w.text.len - 1] == '\t'))
        strbuf_setlen(&w.text, w.text.len - 1);
    out->text = arena_strndup(a, w.text.buf, w.text.len);
    out->files = w.files;
    out->nfiles = w.nfiles;
    strbuf_release(&w.text);
}

int mime_parse(const char *raw, size_t len, struct mime_msg *out, struct arena *a,
               struct strbuf *err)
{
    GMimeStream *stream;
    GMimeParser *parser;
    GMimeParserOptions *opts;
    GMimeMessage *msg;
    int rc = 0;

    memset(out, 0, sizeof(*out));
    if (!len)
        return err_addf(err, DESK_EINVAL, "the message is empty");
    mail_setup();
    stream = g_mime_stream_mem_new_with_buffer(raw, len);
    parser = g_mime_parser_new_with_stream(stream);
    g_mime_parser_set_format(parser, GMIME_FORMAT_MESSAGE);
    opts = parser_options();
    msg = g_mime_parser_construct_message(parser, opts);
    if (!msg || !g_mime_header_list_get_count(g_mime_object_get_header_list(GMIME_OBJECT(msg))))
        rc = err_addf(err, DESK_EINVAL, "the input is not a mail message: it has no header");
    else
        read_message(msg, opts, out, a);
    if (msg)
        g_object_unref(msg);
    g_object_unref(parser);
    g_object_unref(stream);
    g_mime_parser_options_free(opts);
    return rc;
}
