/*
 * notice.c - the templates of outgoing mail (see notice.h).
 */
#include "core/compat.h"
#include "domain/notice.h"
#include "core/time.h"
#include "core/utf8.h"
#include <strings.h>

/* The signature of notices about a request: replies come back into it. */
#define FOOTER "\n-- \nReply to this message to add to request #{id}.\n"

static const struct {
    const char *kind;    /* outbox kind */
    const char *subject; /* template of the Subject */
    const char *body;    /* template of the text */
} templates[NOTICE_T_COUNT] = {
    [NOTICE_T_RECEIVED] = {"received", "[#{id}] Request received: {subject}",
                           "We have received your request #{id} (severity {severity}).\n\n"
                           "{body}\n" FOOTER},
    [NOTICE_T_REPLY] = {"reply", "Re: [#{id}] {subject}", "{body}\n{history}" FOOTER},
    [NOTICE_T_STATUS] = {"status", "[#{id}] {status}: {subject}",
                         "Request #{id}: {status}.\n{history}" FOOTER},
    [NOTICE_T_ESCALATION] = {"escalation", "[#{id}] Escalated: {subject}", "{body}\n" FOOTER},
    [NOTICE_T_SLA_WARNING] = {"sla_warning",
                              "[#{id}] SLA warning: {clock} target (severity "
                              "{severity})",
                              "Request #{id}: the {clock} target falls due at {due}.\n" FOOTER},
    [NOTICE_T_SLA_BREACH] = {"sla_breach",
                             "[#{id}] SLA breached: {clock} target (severity "
                             "{severity})",
                             "Request #{id}: the {clock} target was due at {due}.\n" FOOTER},
    [NOTICE_T_REJECTED] = {"rejected", "Not recorded: {subject}",
                           "Thank you for your message.\n\n"
                           "This address takes support requests from the contacts of our "
                           "customers only, and {sender} is not one of them, so your message "
                           "was not recorded.\n\n"
                           "If your organisation is a customer, please write from the address "
                           "it has registered with us, or ask us to add this one.\n"},
};

const char *notice_kind_name(enum notice_template t)
{
    return templates[t].kind;
}

/* The value of placeholder name (len bytes) into out; false when there is no such name. */
static bool lookup(const struct notice_vars *v, const char *name, size_t len, struct strbuf *out)
{
    static const struct {
        const char *name;
        size_t offset;
    } fields[] = {
        {"subject", offsetof(struct notice_vars, subject)},
        {"body", offsetof(struct notice_vars, body)},
        {"status", offsetof(struct notice_vars, status)},
        {"severity", offsetof(struct notice_vars, severity)},
        {"clock", offsetof(struct notice_vars, clock)},
        {"due", offsetof(struct notice_vars, due)},
        {"sender", offsetof(struct notice_vars, sender)},
        {"history", offsetof(struct notice_vars, history)},
    };

    if (len == 2 && !memcmp(name, "id", 2)) {
        strbuf_addf(out, "%" PRId64, v->ticket_id);
        return true;
    }
    for (size_t i = 0; i < ARRAY_SIZE(fields); i++)
        if (strlen(fields[i].name) == len && !memcmp(fields[i].name, name, len)) {
            const char *s = *(const char *const *)((const char *)v + fields[i].offset);
            strbuf_addstr(out, s ? s : "");
            return true;
        }
    return false;
}

static void fill(const char *tmpl, const struct notice_vars *v, struct strbuf *out)
{
    const char *p = tmpl, *open, *close;

    while ((open = strchr(p, '{')) && (close = strchr(open, '}'))) {
        strbuf_add(out, p, (size_t)(open - p));
        if (!lookup(v, open + 1, (size_t)(close - open - 1), out))
            strbuf_add(out, open, (size_t)(close - open + 1));
        p = close + 1;
    }
    strbuf_addstr(out, p);
}

void notice_render(enum notice_template t, const struct notice_vars *v, struct strbuf *subject,
                   struct strbuf *body)
{
    size_t start = subject->len;

    fill(templates[t].subject, v, subject);
    for (size_t i = start; i < subject->len; i++)
        if (subject->buf[i] == '\r' || subject->buf[i] == '\n' || subject->buf[i] == '\t')
            subject->buf[i] = ' ';
    fill(templates[t].body, v, body);
}

void notice_history(const struct notice_quote *q, size_t n, struct strbuf *out)
{
    if (!n)
        return;
    strbuf_addstr(out, "\nEarlier in this request:\n");
    for (size_t i = 0; i < n; i++) {
        const char *body = q[i].body ? q[i].body : "", *p = body;
        size_t len = strlen(body), keep = utf8_cut(body, len, NOTICE_QUOTE_MAX_BYTES);
        char at[TIME_UTC_TEXT_LEN];

        time_format_utc_text(q[i].at, at);
        strbuf_addf(out, "\nOn %s, %s wrote:\n", at,
                    q[i].author && *q[i].author ? q[i].author : q[i].staff ? "support" : "the customer");
        while (p < body + keep) {
            const char *nl = memchr(p, '\n', (size_t)(body + keep - p));
            size_t line = nl ? (size_t)(nl - p) : (size_t)(body + keep - p);
            strbuf_addstr(out, line ? "> " : ">");
            strbuf_add(out, p, line);
            strbuf_addch(out, '\n');
            p += line + (nl ? 1 : 0);
        }
        if (keep < len)
            strbuf_addstr(out, "> …\n");
    }
}

unsigned notice_audience(enum notice_event e, bool staff_author, bool internal)
{
    switch (e) {
    case NOTICE_RECEIVED:
    case NOTICE_STATUS:
        return NOTICE_TO_CUSTOMER;
    case NOTICE_REPLY:
        if (internal)
            return 0;
        return staff_author ? NOTICE_TO_CUSTOMER : NOTICE_TO_ASSIGNEE;
    case NOTICE_ESCALATION:
        return NOTICE_TO_ASSIGNEE | NOTICE_TO_ESCALATION;
    }
    return 0;
}

static bool listed(const json_t *list, const char *address)
{
    size_t i;
    json_t *v;

    json_array_foreach(list, i, v) if (!strcasecmp(json_string_value(v), address)) return true;
    return false;
}

char *notice_recipients(json_t *list, const char *mute)
{
    json_t *out = json_array(), *v;
    char *text = NULL;
    size_t i;

    json_array_foreach(list, i, v)
    {
        const char *addr = json_string_value(v);
        if (addr && *addr && !(mute && !strcasecmp(addr, mute)) && !listed(out, addr))
            json_array_append(out, v);
    }
    if (json_array_size(out))
        text = json_dumps(out, JSON_COMPACT);
    json_decref(out);
    json_decref(list);
    return text;
}
