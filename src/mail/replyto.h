/*
 * replyto.h - signed reply addresses: "LOCAL+TICKET.TAG@DOMAIN", LOCAL and
 * DOMAIN being those of mail-from, TAG the first REPLYTO_TAG_LEN bytes (hex)
 * of HMAC-SHA256(key, "svcdesk reply-to 1\n" TICKET "\n" RECIPIENT), with
 * the installation's key (store_mail_key) and the lower-case address the
 * notice was sent to.
 *
 * Each notice about a request carries, as Reply-To, the address signed for
 * its one recipient, so a reply to it proves two things at once: which
 * request it answers, and that its writer read mail sent to that recipient.
 * A reply is trusted when one of its recipients (To, Cc, Delivered-To) is
 * the address signed for its request and its From address; a changed tag,
 * another request's number or another sender's address do not verify.
 * Tags are compared in constant time (sodium_memcmp).
 */
#ifndef MAIL_REPLYTO_H
#define MAIL_REPLYTO_H

#include "core/compat.h"
#include "core/arena.h"

#define REPLYTO_KEY_LEN 32 /* crypto_auth_hmacsha256_KEYBYTES */
#define REPLYTO_TAG_LEN 10 /* bytes of the HMAC kept: 80 bits, 20 hex characters */

/*
 * The signed reply address of request ticket (> 0) for recipient, in the
 * arena; NULL when mail_from or recipient is not an address.
 */
const char *replyto_address(const uint8_t key[REPLYTO_KEY_LEN], const char *mail_from,
                            int64_t ticket, const char *recipient, struct arena *a);

/*
 * The request whose signed reply address, for sender (a lower-case
 * addr-spec), address is; 0 when it is none (not of mail_from's form, or a
 * tag that does not verify).
 */
int64_t replyto_ticket(const uint8_t key[REPLYTO_KEY_LEN], const char *mail_from,
                       const char *address, const char *sender, struct arena *a);

#endif
