/*
 * common.c - what every page shares: rendering with the layout's data, error
 * pages, redirects, times and durations for people, a request's page data,
 * posted text and files.
 */
#define LOG_MODULE "pages"
#include "core/compat.h"
#include "http/pages/pages.h"
#include "core/err.h"
#include "core/i18n.h"
#include "core/log.h"
#include "core/time.h"
#include "core/utf8.h"
#include "domain/agreement.h"
#include "domain/calendar.h"
#include "domain/sla.h"
#include <strings.h>
#include "domain/ticket_sla.h"
#include "domain/tz.h"
#include "http/api/api.h"
#include "core/markdown.h"
#include "domain/money.h"
#include "http/input.h"
#include "http/session.h"
#include "http/tmpl.h"
#include "store/store.h"

/* ---- rendering ----------------------------------------------------------------- */

/* Defence in depth: no inline script or style, no framing, forms post to this site only. */
static const char csp[] = "default-src 'self'; script-src 'self'; style-src 'self'; "
                          "img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; "
                          "base-uri 'none'";

/*
 * The link of the menu to the page shown gets aria-current="page" (WCAG 2.4.8): the first
 * `<a href="PATH">` of the page, which is the menu's, for the request's path exactly.
 */
static void mark_current(const struct req *req, struct strbuf *html)
{
    struct strbuf link = STRBUF_INIT;
    const char *at, *nav;

    strbuf_addf(&link, "<a href=\"%s\">", req->path);
    nav = strstr(html->buf, "<nav aria-label=\"Main\">");
    if (nav && !strchr(req->path, '"') && (at = strstr(nav, link.buf)) &&
        at < strstr(nav, "</nav>")) {
        size_t pos = (size_t)(at - html->buf) + link.len - 1; /* at the '>' */
        struct strbuf out = STRBUF_INIT;
        strbuf_add(&out, html->buf, pos);
        strbuf_addstr(&out, " aria-current=\"page\"");
        strbuf_add(&out, html->buf + pos, html->len - pos);
        strbuf_release(html);
        *html = out;
    }
    strbuf_release(&link);
}

int page_render(struct req *req, struct res *res, int status, const char *name, json_t *data)
{
    const char *flash;
    int rc;

    if (req->caller.role != ROLE_NONE)
        json_object_set_new(data, "me",
                            json_pack("{s:s, s:s, s:s}", "name", req->user.name, "email",
                                      req->user.email, "role", role_name(req->user.role)));
    json_object_set_new(data, "lang", json_string(i18n_current()));
    json_object_set_new(data, "staff", json_boolean(req->caller.role >= ROLE_AGENT));
    json_object_set_new(data, "admin", json_boolean(req->caller.role == ROLE_ADMIN));
    json_object_set_new(data, "csrf", json_string(session_csrf(req, res)));
    if (req->caller.role != ROLE_NONE && (flash = session_flash_take(req, res)) &&
        !strcmp(flash, "saved")) /* after a form's redirect (page_saved) */
        json_object_set_new(data, "flash", json_string(tr("Saved.")));
    json_object_set_new(data, "asset", json_string(page_asset_version()));
    /* the most a form's file may be: svcdesk.js refuses a larger one before it is sent */
    json_object_set_new(data, "upload_max", json_integer(MAX_UPLOAD));
    json_object_set_new(data, "upload_max_mib", json_integer(MAX_UPLOAD >> 20));
    strbuf_reset(&res->body);
    rc = tmpl_render(name, data, &res->body);
    json_decref(data);
    if (rc == 0)
        mark_current(req, &res->body);
    if (rc < 0) {
        strbuf_reset(&res->body);
        strbuf_addstr(&res->body, "<!doctype html><title>error</title><p>internal error (logged)");
        status = 500;
    }
    res->status = status;
    res->content_type = "text/html; charset=utf-8";
    res_header(res, "Cache-Control", "no-store");
    res_header(res, "Content-Security-Policy", csp);
    res_header(res, "Referrer-Policy", "same-origin");
    return 0;
}

int page_error(struct req *req, struct res *res, int err, const char *fmt, ...)
{
    struct strbuf msg = STRBUF_INIT;
    int status = http_status_from_err(err);
    va_list ap;

    va_start(ap, fmt);
    strbuf_vaddf(&msg, tr(fmt), ap); /* msgfmt --check keeps a translation's formats */
    va_end(ap);
    page_render(req, res, status, "error",
                json_pack("{s:s, s:i, s:s%}", "title", status == 404 ? tr("Not found") : tr("Sorry"),
                          "status", status, "message", msg.buf, msg.len));
    strbuf_release(&msg);
    return err;
}

int page_saved(struct req *req, struct res *res, const char *location)
{
    session_flash_set(req, res, "saved");
    return page_redirect(res, location);
}

int page_redirect(struct res *res, const char *location)
{
    res->status = 303;
    res->content_type = "text/plain; charset=utf-8";
    strbuf_reset(&res->body);
    strbuf_addf(&res->body, "see %s\n", location);
    res_header(res, "Location", location);
    return 0;
}

void page_url_encode(struct strbuf *sb, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            strchr("-._~", *p))
            strbuf_addch(sb, *p);
        else
            strbuf_addf(sb, "%%%02X", *p);
    }
}

const char *page_login_url(struct req *req)
{
    struct strbuf sb = STRBUF_INIT;
    const char *out;

    strbuf_addstr(&sb, "/login?next=");
    page_url_encode(&sb, req->path);
    out = arena_strdup(req->arena, sb.buf);
    strbuf_release(&sb);
    return out;
}

bool page_path(const char *path)
{
    return !strncmp(path, "/portal/", 8) || !strncmp(path, "/desk/", 6);
}

const char *page_name_of(const struct named *list, size_t n, int64_t id)
{
    for (size_t i = 0; i < n && id; i++)
        if (list[i].id == id)
            return list[i].name;
    return "";
}

const char *page_weekday(int d)
{
    static const char *const days[7] = {
        TR_NOOP("Monday"), TR_NOOP("Tuesday"),  TR_NOOP("Wednesday"), TR_NOOP("Thursday"),
        TR_NOOP("Friday"), TR_NOOP("Saturday"), TR_NOOP("Sunday")};
    return d >= 0 && d < 7 ? tr(days[d]) : "";
}

json_t *page_word_options(const char *const *names)
{
    json_t *o = json_array();

    for (size_t i = 0; names[i]; i++)
        json_array_append_new(o, json_pack("{s:s, s:s}", "value", names[i], "label", tr(names[i])));
    return o;
}

json_t *page_options(const struct named *list, size_t n, int64_t selected, const char *any)
{
    json_t *o = json_array();

    json_array_append_new(
        o, json_pack("{s:s, s:s, s:b}", "value", "", "label", tr(any), "selected", selected == 0));
    for (size_t i = 0; i < n; i++)
        json_array_append_new(o,
                              json_pack("{s:I, s:s, s:b}", "value", (json_int_t)list[i].id, "label",
                                        list[i].name, "selected", list[i].id == selected));
    return o;
}

/* ---- times and durations ------------------------------------------------------------ */

/* The zone of the signed-in user who asked for the page being made (this thread's), or NULL. */
static _Thread_local const struct tz *viewer_tz;

void page_viewer_begin(const struct req *req)
{
    viewer_tz = NULL;
    if (req->user.id && req->user.time_zone && tz_get(req->user.time_zone, &viewer_tz, NULL) < 0)
        viewer_tz = NULL;
    /* the API answers programs: its messages stay English whatever Accept-Language says */
    i18n_use(strncmp(req->path, "/api/", 5)
                 ? i18n_pick(req->user.id ? req->user.language : NULL,
                             req_header(req, "Accept-Language"))
                 : NULL);
}

void page_viewer_end(void)
{
    viewer_tz = NULL;
    i18n_use(NULL);
}

static json_t *time_json(int64_t t, const struct tz *tz)
{
    char iso[TIME_RFC3339_LEN], local[TIME_LOCAL_LEN], text[64], date[24];

    if (!t)
        return json_null();
    time_format_rfc3339(t, iso);
    time_format_rfc3339_offset(t, tz ? tz_offset_at(tz, t) : 0, local);
    /* "2026-11-23T08:00:00+01:00" -> "2026-11-23 08:00 +01:00"; "...Z" -> "... UTC"; the
       date as the page's language writes it ("23-11-2026" in Danish) */
    snprintf(text, sizeof(text), "%s %.5s %s", page_date_text(local, date), local + 11,
             local[19] == 'Z' ? "UTC" : local + 19);
    return json_pack("{s:s, s:s}", "text", text, "iso", iso);
}

json_t *page_time(int64_t t, const struct calendar *cal)
{
    return time_json(t, viewer_tz ? viewer_tz : cal ? calendar_tz(cal) : NULL);
}

json_t *page_time_utc(int64_t t)
{
    return time_json(t, NULL);
}

json_t *page_day_json(int64_t day)
{
    char buf[DATE_LEN];

    if (day == DATE_NONE)
        return json_string("");
    date_format(day, buf);
    return json_string(buf);
}

const char *page_hmm(int64_t secs, struct arena *a)
{
    int64_t m = (secs < 0 ? -secs : secs) / 60;

    return arena_sprintf(a, "%s%" PRId64 ":%02d", secs < 0 ? "-" : "", m / 60, (int)(m % 60));
}

const char *page_hours(int64_t minutes, struct arena *a)
{
    int64_t c = minutes_to_centihours(minutes), m = c < 0 ? -c : c;

    return page_number(arena_sprintf(a, "%s%" PRId64 ".%02d", c < 0 ? "-" : "", m / 100,
                                     (int)(m % 100)));
}

char *page_number(char *s)
{
    i18n_number(s, s);
    return s;
}

const char *page_date_text(const char *ymd, char out[24])
{
    struct tm tm = {0};

    if (!strcmp(i18n_date_format(), "%Y-%m-%d") || strlen(ymd) < 10 ||
        sscanf(ymd, "%4d-%2d-%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday) != 3) {
        snprintf(out, 24, "%.10s", ymd);
        return out;
    }
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    if (!strftime(out, 24, i18n_date_format(), &tm)) /* numeric fields: no zone, no names */
        snprintf(out, 24, "%.10s", ymd);
    return out;
}

int page_bar_width(int64_t value, int64_t max, int width)
{
    if (value <= 0 || max <= 0)
        return 0;
    return value >= max ? width : (int)(value * width / max);
}

int page_csv(struct res *res, const char *disposition, struct strbuf *csv)
{
    strbuf_reset(&res->body);
    strbuf_add(&res->body, csv->buf, csv->len);
    strbuf_release(csv);
    res->status = 200;
    res->content_type = "text/csv; charset=utf-8";
    res_header(res, "Content-Disposition", disposition);
    res_header(res, "Cache-Control", "no-store");
    return 0;
}

/* ---- labels -------------------------------------------------------------------------- */

static const struct {
    const char *label, *meaning;
} severities[SEV_COUNT] = {
    {TR_NOOP("Critical error"), TR_NOOP("the system stops, with a risk of data loss")},
    {TR_NOOP("Serious error"),
     TR_NOOP("important functions stop, and bypassing them is time-consuming")},
    {TR_NOOP("Non-serious error"),
     TR_NOOP("non-critical functions fail and the user can bypass them")},
    {TR_NOOP("Request for assistance"), TR_NOOP("guidance, unrelated to errors")},
};

const char *severity_label(int sev)
{
    return sev >= 0 && sev < SEV_COUNT ? tr(severities[sev].label) : "";
}

const char *severity_meaning(int sev)
{
    return sev >= 0 && sev < SEV_COUNT ? tr(severities[sev].meaning) : "";
}


static const char *sla_label(enum sla_state s)
{
    static const char *const labels[] = {
        TR_NOOP("no SLA"), TR_NOOP("on track"), TR_NOOP("at risk"), TR_NOOP("breached"),
        TR_NOOP("paused"), TR_NOOP("met"),      TR_NOOP("missed")};
    return (size_t)s < ARRAY_SIZE(labels) ? tr(labels[s]) : "";
}

/* A headline's words: "response missed", "resolution breached"; the others say no clock. */
static const char *sla_headline_label(enum clock_kind k, enum sla_state s)
{
    static const char *const words[][3] = {
        /* breached, missed, met */
        {TR_NOOP("response breached"), TR_NOOP("response missed"), TR_NOOP("response met")},
        {TR_NOOP("update breached"), TR_NOOP("update missed"), TR_NOOP("update met")},
        {TR_NOOP("resolution breached"), TR_NOOP("resolution missed"),
         TR_NOOP("resolution met")},
    };
    int col = s == SLA_BREACHED ? 0 : s == SLA_MISSED ? 1 : s == SLA_MET ? 2 : -1;

    if (col >= 0 && (size_t)k < ARRAY_SIZE(words))
        return tr(words[k][col]);
    return sla_label(s);
}

/* ---- a request ------------------------------------------------------------------------- */

/* Working seconds from now to due (negative once due has passed); false without a clock. */
static bool working_left(const struct calendar *cal, int64_t now, int64_t due, int64_t *secs)
{
    int64_t n = 0;

    if (!cal || !due)
        return false;
    if (due >= now ? sla_elapsed(cal, now, due, &n) < 0 : sla_elapsed(cal, due, now, &n) < 0)
        return false;
    *secs = due >= now ? n : -n;
    return true;
}

static json_t *sla_page_json(const struct ticket *t, int64_t now)
{
    struct arena a = ARENA_INIT;
    struct ticket_clocks k;
    const struct clock_result *c;
    enum clock_kind headline;
    int64_t left;
    json_t *o;

    ticket_clocks_compute(t, now, &k);
    headline = ticket_clocks_headline(&k, t->handling_initiated_at != 0);
    c = &k.clock[headline];
    o = json_pack(
        "{s:s, s:s, s:s, s:o, s:o, s:s, s:s, s:o}", "state", sla_state_name(c->state),
        "clock", clock_kind_name(headline), "label", sla_headline_label(headline, c->state),
        "response_due", page_time(k.clock[CLOCK_RESPONSE].due_at, t->cal),
        "resolution_due", page_time(k.clock[CLOCK_RESOLUTION].due_at, t->cal), "response_state",
        sla_label(k.clock[CLOCK_RESPONSE].state), "resolution_state",
        sla_label(k.clock[CLOCK_RESOLUTION].state), "due", page_time(k.sort_due_at, t->cal));
    if (working_left(t->cal, now, k.sort_due_at, &left)) {
        json_object_set_new(o, "left", json_string(page_hmm(left, &a)));
        json_object_set_new(o, "overdue", json_boolean(left < 0));
    }
    arena_release(&a);
    return o;
}

json_t *page_highlight(const char *text, const char *const *words, size_t n)
{
    json_t *parts = json_array();
    const char *p = text, *plain = text;

    while (n && *p) {
        size_t len = 0;
        for (size_t i = 0; i < n && !len; i++)
            if (!strncasecmp(p, words[i], strlen(words[i])))
                len = strlen(words[i]);
        if (!len) {
            p++;
            continue;
        }
        if (p > plain)
            json_array_append_new(parts, json_pack("{s:s%, s:b}", "t", plain, (size_t)(p - plain),
                                                   "hit", 0));
        json_array_append_new(parts, json_pack("{s:s%, s:b}", "t", p, len, "hit", 1));
        plain = p += len;
    }
    if (*plain)
        json_array_append_new(parts, json_pack("{s:s, s:b}", "t", plain, "hit", 0));
    return parts;
}

json_t *page_ticket_json(const struct ticket *t, int64_t now)
{
    json_t *o = json_pack(
        "{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:i, s:b, s:b, s:o}", "id",
        (json_int_t)t->id, "subject", t->subject, "body", t->body, "status",
        ticket_status_name(t->status), "status_label", tr(ticket_status_labels[t->status]), "severity",
        severity_name(t->severity), "severity_label", severity_label(t->severity), "type",
        ticket_type_name(t->type), "channel", channel_name(t->channel), "received",
        page_time(t->received_at, t->cal), "updated", page_time(t->updated_at, t->cal),
        "escalation_level", t->escalation_level, "entitled", t->agreement_id != 0, "priority",
        t->priority, "sla", sla_page_json(t, now));

    json_object_set_new(o, "type_label", json_string(tr(ticket_type_name(t->type))));
    json_object_set_new(o, "channel_label", json_string(tr(channel_name(t->channel))));
    json_object_set_new(o, "resolved", json_boolean(t->status == TS_RESOLVED));
    json_object_set_new(o, "closed", json_boolean(t->status == TS_CLOSED));
    json_object_set_new(o, "open", json_boolean(t->status < TS_RESOLVED));
    return o;
}

const char *page_size_text(int64_t bytes, struct arena *a)
{
    if (bytes < 1024)
        return bytes == 1 ? tr("1 byte") : arena_sprintf(a, tr("%" PRId64 " bytes"), bytes);
    if (bytes < 1024 * 1024)
        return page_number(arena_sprintf(a, "%.1f KiB", (double)bytes / 1024));
    return page_number(arena_sprintf(a, "%.1f MiB", (double)bytes / (1024 * 1024)));
}

/* A file as the conversation shows it: its link, size in words, and what can be previewed. */
static json_t *file_json(struct req *req, const struct attachment *at, const char *link_prefix,
                         const struct calendar *cal)
{
    const char *served = attachment_served_type(at->content_type);
    json_t *o = json_pack("{s:s, s:s, s:s, s:o, s:b, s:b}", "filename", at->filename, "href",
                          arena_sprintf(req->arena, "%s%" PRId64, link_prefix, at->id), "size",
                          page_size_text(at->size, req->arena), "at",
                          page_time(at->created_at, cal), "image",
                          !strncmp(served, "image/", 6), "pdf",
                          !strcmp(served, "application/pdf"));

    if (at->preview) {
        bool cut = at->preview_len && (size_t)at->size > at->preview_len;
        /* a cut preview loses its last character, which the cut may have split */
        size_t n = cut ? utf8_cut(at->preview, at->preview_len, at->preview_len - 1)
                       : at->preview_len;
        struct strbuf sb = STRBUF_INIT;
        utf8_sanitize(&sb, at->preview, n);
        if (cut)
            strbuf_addstr(&sb, "\n…");
        json_object_set_new(o, "preview", json_string(sb.buf));
        strbuf_release(&sb);
    }
    return o;
}

/* An event of the request's history as the timeline shows it. */
static json_t *event_json(const struct page_event *e, const struct calendar *cal)
{
    return json_pack("{s:{s:s, s:s, s:o}}", "event", "who", e->who, "text", e->text, "at",
                     page_time(e->at, cal));
}

int page_ticket_extras(struct req *req, const struct ticket *t, const char *link_prefix,
                       const struct page_event *events, size_t nevents, json_t *data)
{
    json_t *timeline = json_array();
    size_t ev = 0;
    struct message *m;
    struct attachment *at;
    json_t *list, *files;
    size_t n, nat;
    int rc;

    if ((rc = store_message_list(req->store, &req->caller, t->id, &m, &n, req->arena)) < 0 ||
        (rc = store_attachment_list(req->store, &req->caller, t->id, &at, &nat, req->arena)) < 0)
        return rc;
    list = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *msg;
        while (ev < nevents && events[ev].at <= m[i].created_at)
            json_array_append_new(timeline, event_json(&events[ev++], t->cal));
        files = json_array();
        for (size_t k = 0; k < nat; k++)
            if (at[k].message_id == m[i].id)
                json_array_append_new(files, file_json(req, &at[k], link_prefix, t->cal));
        msg = json_pack("{s:s, s:b, s:b, s:s, s:o, s:o}", "author",
                        *m[i].author_name ? m[i].author_name : "(system)", "staff", m[i].staff,
                        "internal", m[i].internal, "body_html",
                        markdown_message_html(m[i].body, req->arena), "at",
                        page_time(m[i].created_at, t->cal), "files", files);
        json_array_append(list, msg);
        json_array_append_new(timeline, json_pack("{s:o}", "message", msg));
    }
    while (ev < nevents)
        json_array_append_new(timeline, event_json(&events[ev++], t->cal));
    json_object_set_new(data, "messages", list);
    json_object_set_new(data, "timeline", timeline);
    json_object_set_new(data, "ticket_body_html",
                        json_string(markdown_message_html(t->body, req->arena)));
    /* the request's own files, and those of messages not in the list (a merged request's) */
    list = json_array();
    for (size_t k = 0; k < nat; k++) {
        bool shown = false;
        for (size_t i = 0; i < n && !shown; i++)
            shown = at[k].message_id && at[k].message_id == m[i].id;
        if (!shown)
            json_array_append_new(list, file_json(req, &at[k], link_prefix, t->cal));
    }
    json_object_set_new(data, "attachments", list);
    return 0;
}

const char *page_reason_problem(struct req *req, const char **reason)
{
    *reason = req_form(req, "reason");
    if (!*reason || !**reason)
        return tr("say why the request is urgent");
    return page_text_problem(TR_NOOP("the reason"), *reason, PAGE_REASON_MAX, req->arena);
}

/* ---- posted text and files ---------------------------------------------------------------- */

const char *page_utc_text(int64_t t, struct arena *a)
{
    char s[TIME_UTC_TEXT_LEN];

    time_format_utc_text(t, s);
    return arena_strdup(a, s);
}

const char *page_text_problem(const char *label, const char *s, size_t max_chars, struct arena *a)
{
    size_t len = s ? strlen(s) : 0;

    if (s && !utf8_valid(s, len))
        return arena_sprintf(a, tr("%s is not valid UTF-8"), tr(label));
    if (utf8_chars(s ? s : "", len) > max_chars)
        return arena_sprintf(a, tr("%s is longer than %zu characters"), tr(label), max_chars);
    return NULL;
}

const char *page_line_problem(const char *label, const char *s, size_t max_chars, struct arena *a)
{
    const char *why = page_text_problem(label, s, max_chars, a);

    if (!why && (why = utf8_line_problem(s ? s : "", s ? strlen(s) : 0)))
        why = arena_sprintf(a, "%s %s", tr(label), tr(why));
    return why;
}

/* A file part of field that holds a chosen file (an empty file input sends an empty one). */
static bool file_chosen(const struct form_field *f, const char *field)
{
    return !strcmp(f->name, field) && f->filename && (*f->filename || f->len);
}

const struct form_field *page_file_chosen(const struct req *req, const char *field)
{
    for (size_t i = 0; i < req->nform; i++)
        if (file_chosen(&req->form[i], field))
            return &req->form[i];
    return NULL;
}

static const char *one_file_problem(struct req *req, const struct form_field *f)
{
    const char *why;

    if (f->too_large)
        return arena_sprintf(req->arena,
                             tr("the file '%s' is larger than %u MiB, the most a request takes; "
                                "choose a smaller file (what you typed is kept)"),
                             f->filename, MAX_UPLOAD >> 20);
    if ((why = attachment_filename_problem(f->filename)))
        return why;
    if (!f->len)
        return arena_sprintf(req->arena, tr("the file '%s' is empty"), f->filename);
    return NULL;
}

const char *page_file_problem(struct req *req, const char *field)
{
    const char *why;
    size_t n = 0;

    for (size_t i = 0; i < req->nform; i++) {
        if (!file_chosen(&req->form[i], field))
            continue;
        if (++n > PAGE_FILES_MAX)
            return arena_sprintf(req->arena, tr("choose at most %d files at once"),
                                     PAGE_FILES_MAX);
        if ((why = one_file_problem(req, &req->form[i])))
            return why;
    }
    return NULL;
}

int page_form_status(const struct req *req)
{
    for (size_t i = 0; i < req->nform; i++)
        if (req->form[i].too_large)
            return 413;
    return 422;
}

int page_save_file(struct req *req, int64_t ticket_id, int64_t message_id, const char *field,
                   const char **why)
{
    int rc = 0;

    *why = NULL;
    if ((*why = page_file_problem(req, field)))
        return DESK_EINVAL;
    for (size_t i = 0; i < req->nform && rc == 0; i++) {
        const struct form_field *f = &req->form[i];
        const char *type =
            f->content_type && *f->content_type ? f->content_type : "application/octet-stream";
        struct store_fault fault = {0};
        struct attachment at;

        if (!file_chosen(f, field))
            continue;
        if (!attachment_type_ok(type))
            type = "application/octet-stream";
        at = (struct attachment){.ticket_id = ticket_id,
                                 .filename = f->filename,
                                 .content_type = type,
                                 .size = (int64_t)f->len,
                                 .data = f->value,
                                 .message_id = message_id};
        if ((rc = store_attachment_add(req->store, &req->caller, &at, time_now(), &fault)) < 0)
            *why = fault.message[0] ? arena_strdup(req->arena, fault.message) : desk_err_code(rc);
    }
    return rc;
}

int page_send_attachment(struct req *req, struct res *res)
{
    struct attachment at;
    int rc;

    rc = store_attachment_get(req->store, &req->caller, req->params[0], &at, req->arena);
    if (rc < 0)
        return page_error(req, res, rc, "there is no file %" PRId64, req->params[0]);
    return attachment_send(req, res, &at);
}

int64_t page_form_id(const struct req *req, const char *name)
{
    const char *s = req_form(req, name);
    char *end;
    long long v;

    if (!s || !*s)
        return 0;
    errno = 0;
    v = strtoll(s, &end, 10);
    return errno || *end || v < 1 ? 0 : v;
}

const char *page_join(const char *const *items, size_t n, struct arena *a)
{
    struct strbuf sb = STRBUF_INIT;
    const char *out;

    for (size_t i = 0; i < n; i++)
        strbuf_addf(&sb, "%s%s", i ? ", " : "", items[i]);
    out = arena_strdup(a, sb.buf);
    strbuf_release(&sb);
    return out;
}

const char *page_fault_message(int rc, const struct store_fault *f)
{
    return f && *f->message ? f->message : desk_err_code(rc);
}

const char *page_api_refusal(struct req *req, struct res *r, const char **field)
{
    json_t *body = json_loadb(r->body.buf, r->body.len, 0, NULL);
    json_t *e = json_object_get(body, "error");
    const char *msg = json_string_value(json_object_get(e, "message"));
    const char *f = json_string_value(json_object_get(e, "field"));

    msg = arena_strdup(req->arena, msg ? msg : "the change was refused");
    if (field)
        *field = f ? arena_strdup(req->arena, f) : NULL;
    json_decref(body);
    res_release(r);
    return msg;
}

const char *page_number_text(struct req *req, const char *s)
{
    size_t cap = strlen(s) + 1;
    char *out = arena_alloc(req->arena, cap);

    return number_text_normalize(s, out, cap) == 0 ? out : s;
}

const char *page_form_str(const struct req *req, const char *name)
{
    const char *s = req_form(req, name);

    return s ? s : "";
}
