/*
 * inbound.h - what one inbound mail becomes (SPEC 2.6; 5, Mail): a new
 * request, a message on an existing one, a request held for triage, a
 * refusal, or nothing (a Message-ID seen before).
 *
 * Threading: the first Message-ID of In-Reply-To, then References (newest
 * first), that svcdesk sent or received names the request; failing that, a
 * "[#123]" tag in the subject. The mail joins that request only when its
 * sender is an agent or admin, a contact of the request's organisation (by
 * user address or the organisation's mail domains), or the address that
 * opened it by mail; otherwise, and when the request is closed (or resolved
 * longer than the reopen window ago), it opens a new one. So a stranger
 * cannot write into a customer's request by guessing its number.
 *
 * A new request belongs to the sender's organisation; mail from an unknown
 * address opens a request without organisation (triage) or, with
 * unknown-senders = reject, is refused with a polite reply and recorded
 * nowhere else. Staff mail that continues no request goes to triage.
 *
 * Who sent it: a From address is only a claim. The sender is verified when
 *   (a) a trusted Authentication-Results field (mail/authres.h: the topmost
 *       mail-authres-fields fields whose authserv-id is in
 *       mail-trusted-authserv) says dkim=pass for the From domain or
 *       dmarc=pass for it, or
 *   (b) one of the mail's recipients (To, Cc, Delivered-To) is the reply
 *       address signed for a request and for the From address
 *       (mail/replyto.h); that request is then the thread, before the
 *       Message-IDs and the [#N] tag,
 * and the message has exactly one From address. Everything above holds for
 * verified senders. An unverified sender never writes into a request nor
 * into an organisation: its mail opens a request held for triage (no
 * organisation, no requester account, the claimed address kept with
 * sender_verified false), is never answered automatically (no receipt, no
 * refusal), and joins only a triage request that the same claimed address
 * opened. An unknown unverified sender under unknown-senders = reject is
 * rejected without the refusal.
 *
 * Loop protection: no automatic reply (the receipt of a new request, the
 * refusal) to mail marked as automatic (mime.h), to mail from the
 * mail-from address itself, for triage, nor to a sender who sent more than
 * MAIL_RATE_MAX mails in the last MAIL_RATE_WINDOW seconds. The mail itself
 * is always recorded.
 */
#ifndef MAIL_INBOUND_H
#define MAIL_INBOUND_H

#include "core/compat.h"
#include "core/conf.h"
#include "core/strbuf.h"
#include "store/store.h"

struct mime_msg;

#define MAIL_MAX_TEXT (256u << 10) /* text kept in a request or message: the API's limit */
#define MAIL_MAX_SUBJECT 300       /* characters of a request's subject */
#define MAIL_RATE_MAX 5            /* mails from one sender that may get automatic replies... */
#define MAIL_RATE_WINDOW 3600      /* ...in this many seconds */

struct mail_settings {
    bool reject_unknown;          /* unknown-senders = reject */
    const char *mail_from;        /* the desk's own address (mail from it gets no reply; its
                                     local part and domain make the signed reply addresses);
                                     may be NULL */
    const char *trusted_authserv; /* mail-trusted-authserv; NULL: no Authentication-Results
                                     field is trusted */
    int authres_fields;           /* mail-authres-fields: trusted fields read from the top */
};

/* The settings of c (borrowed: valid while c is). */
void mail_settings_from_conf(const struct conf *c, struct mail_settings *ms);

struct mail_result {
    enum mail_outcome outcome; /* created, updated, triage, rejected, duplicate */
    int64_t ticket_id;         /* the request (0: none) */
};

/*
 * Record the message raw[0..len) received at now. Returns 0 with *res, or
 * DESK_EINVAL with a reason in err for input that is empty or has no header,
 * or a store error (DESK_EBUSY, DESK_EIO: nothing was recorded; try again).
 */
int mail_inbound(struct store *st, const struct mail_settings *ms, const char *raw, size_t len,
                 int64_t now, struct mail_result *res, struct strbuf *err);

/* The line `mail-in` prints for r: "ticket 7 created", "ticket 8 triage", "rejected", ... */
void mail_result_line(const struct mail_result *r, struct strbuf *out);

/* What the store knows when a mail is decided (for mail_decide). */
struct mail_facts {
    struct mail_sender sender;   /* who sent it (ROLE_NONE, no organisation: unknown) */
    const struct ticket *thread; /* the request it continues; NULL: none */
    bool requester_match;        /* the sender is the address that opened thread by mail */
    bool reject_unknown;         /* unknown-senders = reject */
    int64_t now;                 /* when it arrived */
    bool verified;               /* the sender is verified (above); false: only claimed */
};

/*
 * Fill d->action, author, ticket_id, organization_id, sender_has_account
 * and sender_verified from the facts, by the rules above. Pure.
 */
void mail_decide(const struct mail_facts *f, struct mail_delivery *d);

/*
 * Is the sender of msg verified, and by which request's signed reply
 * address (*signed_ticket; 0: none)? key: the reply-to key, NULL when no
 * recipient could be a signed address. Pure.
 */
bool mail_sender_verified(const struct mime_msg *msg, const struct mail_settings *ms,
                          const uint8_t *key, int64_t *signed_ticket, struct arena *a);

/* The number N of the first "[#N]" in subject (N > 0), or 0. */
int64_t mail_subject_tag(const char *subject);

#endif
