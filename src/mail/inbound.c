/*
 * inbound.c - one inbound mail into the store (see inbound.h for the rules).
 *
 * Reads come first (sender, thread, requester, rate), the decision is pure
 * (mail_decide), and the store records the result in one transaction; a
 * request that closed between the two is met by opening a new one.
 */
#define LOG_MODULE "mail"
#include "core/compat.h"
#include "mail/inbound.h"
#include "core/utf8.h"
#include "core/err.h"
#include "core/log.h"
#include "mail/authres.h"
#include "mail/mime.h"
#include "mail/replyto.h"
#include "mail/text.h"
#include <glib.h>
#include <sodium.h>
#include <strings.h>

/* ---- the decision ------------------------------------------------------------------------- */

int64_t mail_subject_tag(const char *subject)
{
    for (const char *p = subject; p && (p = strstr(p, "[#")); p++) {
        const char *q = p + 2;
        int64_t n = 0;
        int digits = 0;
        for (; *q >= '0' && *q <= '9' && digits < 18; q++, digits++)
            n = n * 10 + (*q - '0');
        if (digits && *q == ']' && n > 0)
            return n;
    }
    return 0;
}

static bool may_join(const struct mail_facts *f)
{
    const struct mail_sender *s = &f->sender;

    return s->role >= ROLE_AGENT ||
           (s->organization_id && s->organization_id == f->thread->organization_id) ||
           f->requester_match;
}

/* JOIN thread when the sender may and the request takes the message; false otherwise. */
static bool decide_join(const struct mail_facts *f, struct mail_delivery *d)
{
    const struct mail_sender *s = &f->sender;
    const struct ticket *t = f->thread;
    enum ticket_status to;

    if (!t || !may_join(f))
        return false;
    d->author = s->role >= ROLE_AGENT
                    ? (struct caller){s->user_id, s->role, 0}
                    : (struct caller){s->user_id, ROLE_CUSTOMER, t->organization_id};
    if (ticket_reply_effect(d->author.role, false, t->status, t->resolved_at, f->now, &to) < 0)
        return false; /* closed, or resolved too long ago: a new request */
    d->action = MAIL_JOIN;
    d->ticket_id = t->id;
    d->organization_id = t->organization_id;
    return true;
}

/*
 * An unverified sender: its own triage request takes the mail (by the
 * claimed address that opened it); otherwise a new triage request, or a
 * silent refusal of an unknown sender under unknown-senders = reject.
 */
static void decide_unverified(const struct mail_facts *f, struct mail_delivery *d)
{
    const struct mail_sender *s = &f->sender;
    const struct ticket *t = f->thread;
    enum ticket_status to;

    d->organization_id = 0;
    if (t && !t->organization_id && f->requester_match &&
        ticket_reply_effect(ROLE_CUSTOMER, false, t->status, t->resolved_at, f->now, &to) == 0) {
        d->action = MAIL_JOIN;
        d->ticket_id = t->id;
        d->author = (struct caller){0, ROLE_CUSTOMER, 0};
        return;
    }
    d->action = !s->user_id && !s->organization_id && f->reject_unknown ? MAIL_REJECT : MAIL_OPEN;
    d->author = CALLER_SYSTEM; /* triage: a request of no organisation */
}

void mail_decide(const struct mail_facts *f, struct mail_delivery *d)
{
    const struct mail_sender *s = &f->sender;

    d->sender_verified = f->verified;
    d->sender_has_account = s->user_id != 0 && f->verified; /* else the claim is kept */
    d->ticket_id = 0;
    if (!f->verified) {
        decide_unverified(f, d);
        return;
    }
    if (decide_join(f, d))
        return;
    d->organization_id = s->role >= ROLE_AGENT ? 0 : s->organization_id;
    if (d->organization_id) {
        d->action = MAIL_OPEN;
        d->author = (struct caller){s->user_id, ROLE_CUSTOMER, s->organization_id};
    } else {
        d->action = s->role < ROLE_AGENT && f->reject_unknown ? MAIL_REJECT : MAIL_OPEN;
        d->author = CALLER_SYSTEM; /* triage: a request of no organisation */
    }
}

/* ---- who sent it ------------------------------------------------------------------------- */

void mail_settings_from_conf(const struct conf *c, struct mail_settings *ms)
{
    *ms = (struct mail_settings){!strcmp(c->unknown_senders, "reject"), c->mail_from,
                                 c->mail_trusted_authserv, (int)c->mail_authres_fields};
}

/* Could address be a signed reply address of mail_from? (has "+" before the '@') */
static bool maybe_signed(const char *address)
{
    const char *plus = strchr(address, '+');

    return plus && plus < strrchr(address, '@');
}

bool mail_sender_verified(const struct mime_msg *msg, const struct mail_settings *ms,
                          const uint8_t *key, int64_t *signed_ticket, struct arena *a)
{
    const char *at = msg->from ? strrchr(msg->from, '@') : NULL;

    *signed_ticket = 0;
    if (!at || msg->nfrom != 1)
        return false; /* no sender, or several: whose claim would be checked? */
    for (size_t i = 0; key && i < msg->nrcpts && !*signed_ticket; i++)
        if (maybe_signed(msg->rcpts[i]))
            *signed_ticket = replyto_ticket(key, ms->mail_from, msg->rcpts[i], msg->from, a);
    if (*signed_ticket)
        return true;
    return authres_vouches(msg->authres, msg->nauthres, ms->trusted_authserv,
                           ms->authres_fields < 1 ? 1 : ms->authres_fields, at + 1, a);
}

/* Verify the sender (the reply-to key is read only when a recipient may be signed). */
static int verify_sender(struct store *st, const struct mail_settings *ms,
                         const struct mime_msg *msg, int64_t now, bool *verified,
                         int64_t *signed_ticket, struct arena *a)
{
    uint8_t key[REPLYTO_KEY_LEN];
    bool need_key = false;
    int rc;

    for (size_t i = 0; i < msg->nrcpts && !need_key; i++)
        need_key = maybe_signed(msg->rcpts[i]);
    if (need_key && (rc = store_mail_key(st, MAIL_KEY_REPLY_TO, key, sizeof(key), now)) < 0)
        return rc;
    *verified = mail_sender_verified(msg, ms, need_key ? key : NULL, signed_ticket, a);
    sodium_memzero(key, sizeof(key));
    return 0;
}

/* ---- what the store knows ------------------------------------------------------------------ */

static int gather_facts(struct store *st, const struct mail_settings *ms,
                        const struct mime_msg *msg, const char *sender, struct mail_facts *f,
                        struct ticket *t, struct arena *a)
{
    struct caller sys = CALLER_SYSTEM;
    const char *requester;
    int64_t id = 0;
    int rc;

    f->sender = (struct mail_sender){0, ROLE_NONE, 0};
    if ((sender && (rc = store_mail_sender(st, sender, &f->sender)) < 0) ||
        (rc = verify_sender(st, ms, msg, f->now, &f->verified, &id, a)) < 0 ||
        (!id && (rc = store_mail_thread(st, msg->refs, msg->nrefs, &id)) < 0))
        return rc;
    if (!id)
        id = mail_subject_tag(msg->subject);
    if (!id || (rc = store_ticket_get(st, &sys, id, t, a)) == DESK_ENOTFOUND)
        return 0;
    if (rc < 0)
        return rc;
    f->thread = t;
    if (sender && (rc = store_mail_requester(st, id, &requester, a)) == 0)
        f->requester_match = !strcasecmp(requester, sender);
    return rc == DESK_ENOTFOUND ? 0 : rc;
}

/* May the desk answer this mail automatically? (loop protection, inbound.h) */
static int may_auto_reply(struct store *st, const struct mail_settings *ms,
                          const struct mime_msg *msg, const struct mail_delivery *d, int64_t now,
                          bool *ok, struct arena *a)
{
    const char *own = mime_first_address(ms->mail_from, a);
    int64_t recent = 0;
    int rc;

    *ok = false;
    if (!d->sender || !d->sender_verified || msg->automatic ||
        (d->action == MAIL_OPEN && !d->organization_id) || (own && !strcmp(own, d->sender)))
        return 0;
    if ((rc = store_mail_count(st, d->sender, now - MAIL_RATE_WINDOW, &recent)) < 0)
        return rc;
    *ok = recent < MAIL_RATE_MAX;
    return 0;
}

/* ---- what is recorded ---------------------------------------------------------------------- */

/* A Message-ID for a message without one: the same for the same bytes. */
static const char *synthetic_id(const char *raw, size_t len, struct arena *a)
{
    gchar *hex = g_compute_checksum_for_data(G_CHECKSUM_SHA256, (const guchar *)raw, len);
    const char *id = arena_sprintf(a, "%s@no-message-id.svcdesk.invalid", hex);

    g_free(hex);
    return id;
}

/*
 * The subject of a new request: one line of 1..MAIL_MAX_SUBJECT characters. A mail is never
 * refused for its subject: control characters and bidi overrides are cleaned away
 * (utf8_line_clean), and one with nothing visible left reads "(no subject)".
 */
static const char *request_subject(const char *subject, struct arena *a)
{
    size_t chars = 0, i, len;
    char *clean = utf8_line_clean(subject, strlen(subject), &len);
    const char *out = "(no subject)";

    for (i = 0; clean[i]; i++)
        if (((unsigned char)clean[i] & 0xc0) != 0x80 && ++chars > MAIL_MAX_SUBJECT)
            break;
    if (i)
        out = arena_strndup(a, clean, i);
    free(clean);
    return out;
}

static void fill_content(struct mail_delivery *d, const struct mime_msg *msg, struct arena *a)
{
    size_t text_len = strlen(msg->text), n = msg->nfiles;
    struct attachment *atts = ARENA_NEWN(a, struct attachment, n + 1);

    d->subject = request_subject(msg->subject, a);
    d->body = msg->text;
    if (text_len > MAIL_MAX_TEXT) {
        /* the whole text is kept as a file; the request shows its beginning */
        atts[n++] = (struct attachment){.filename = "message.txt",
                                        .content_type = "text/plain; charset=utf-8",
                                        .size = (int64_t)text_len,
                                        .data = msg->text};
        d->body = arena_sprintf(a, "%.*s\n\n[the text goes on: see message.txt]",
                                (int)utf8_cut(msg->text, text_len, MAIL_MAX_TEXT), msg->text);
    }
    if (!*d->body && d->action == MAIL_JOIN)
        d->body = n ? "(files only)" : "(no text)";
    for (size_t i = 0; i < msg->nfiles; i++)
        atts[i] = (struct attachment){.filename = msg->files[i].filename,
                                      .content_type = msg->files[i].content_type,
                                      .size = (int64_t)msg->files[i].size,
                                      .data = msg->files[i].data};
    d->atts = atts;
    d->natts = n;
}

/* Decide, fill and record; a JOIN refused because the request closed meanwhile opens one. */
static int deliver(struct store *st, const struct mail_settings *ms, const struct mime_msg *msg,
                   struct mail_facts *f, struct mail_delivery *d, int64_t now, struct arena *a)
{
    struct store_fault fault;
    char q[256];
    int rc;

    memset(&fault, 0, sizeof(fault));
    for (int round = 0; round < 2; round++) {
        mail_decide(f, d);
        fill_content(d, msg, a);
        if ((rc = may_auto_reply(st, ms, msg, d, now, &d->auto_reply, a)) < 0)
            return rc;
        rc = store_mail_deliver(st, d, now, &fault);
        if (rc != DESK_ECONFLICT || d->action != MAIL_JOIN)
            break;
        f->thread = NULL;
    }
    if (rc < 0 && fault.message[0])
        log_warn("msg=\"store refused the mail\" error=\"%s\"",
                 log_quote(fault.message, q, sizeof(q)));
    return rc;
}

static const char *const outcome_names[] = {"created", "updated", "triage", "rejected",
                                            "duplicate"};

int mail_inbound(struct store *st, const struct mail_settings *ms, const char *raw, size_t len,
                 int64_t now, struct mail_result *res, struct strbuf *err)
{
    struct arena a = ARENA_INIT;
    struct mail_delivery d;
    struct mail_facts f;
    struct mime_msg msg;
    struct ticket t;
    bool seen;
    char q[256];
    int rc;

    memset(res, 0, sizeof(*res));
    memset(&d, 0, sizeof(d));
    memset(&f, 0, sizeof(f));
    if ((rc = mime_parse(raw, len, &msg, &a, err)) < 0)
        goto out;
    d.message_id = msg.message_id ? msg.message_id : synthetic_id(raw, len, &a);
    d.sender = msg.from;
    f.reject_unknown = ms->reject_unknown;
    f.now = now;
    if ((rc = store_mail_seen(st, d.message_id, &seen, &d.ticket_id)) < 0)
        goto out;
    d.outcome = MAIL_DUPLICATE;
    if (!seen && ((rc = gather_facts(st, ms, &msg, d.sender, &f, &t, &a)) < 0 ||
                  (rc = deliver(st, ms, &msg, &f, &d, now, &a)) < 0)) {
        if (rc == DESK_EINVAL) /* refused by the store: not the input's fault */
            rc = DESK_EIO;
        log_error("msg=\"mail not recorded\" message_id=\"%s\" rc=%d",
                  log_quote(d.message_id, q, sizeof(q)), rc);
        goto out;
    }
    *res = (struct mail_result){d.outcome, d.ticket_id};
    log_info("msg=\"mail received\" message_id=\"%s\" outcome=%s ticket=%" PRId64
             " sender_verified=%s",
             log_quote(d.message_id, q, sizeof(q)), outcome_names[d.outcome], d.ticket_id,
             d.outcome == MAIL_DUPLICATE ? "-" : f.verified ? "yes" : "no");
out:
    if (rc < 0 && rc != DESK_EINVAL)
        err_addf(err, rc, "the mail could not be recorded (see the log); nothing was kept");
    arena_release(&a);
    return rc;
}

void mail_result_line(const struct mail_result *r, struct strbuf *out)
{
    if (r->ticket_id && r->outcome != MAIL_REJECTED)
        strbuf_addf(out, "ticket %" PRId64 " %s", r->ticket_id, outcome_names[r->outcome]);
    else
        strbuf_addstr(out, outcome_names[r->outcome]);
}
