/*
 * replyto.c - signed reply addresses (see replyto.h).
 */
#include "core/compat.h"
#include "mail/replyto.h"
#include "mail/mime.h"
#include <sodium.h>
#include <strings.h>

#define TICKET_DIGITS_MAX 18 /* a request number that fits int64_t */

static const char domain_sep[] = "svcdesk reply-to 1\n";

/* The tag of (ticket, recipient) into tag. */
static void make_tag(const uint8_t key[REPLYTO_KEY_LEN], int64_t ticket, const char *recipient,
                     uint8_t tag[REPLYTO_TAG_LEN])
{
    crypto_auth_hmacsha256_state st;
    uint8_t mac[crypto_auth_hmacsha256_BYTES];
    char num[24];
    int n = snprintf(num, sizeof(num), "%" PRId64 "\n", ticket);

    crypto_auth_hmacsha256_init(&st, key, REPLYTO_KEY_LEN);
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)domain_sep, sizeof(domain_sep) - 1);
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)num, (unsigned long long)n);
    for (const char *p = recipient; *p; p++) {
        unsigned char ch = (unsigned char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
        crypto_auth_hmacsha256_update(&st, &ch, 1);
    }
    crypto_auth_hmacsha256_final(&st, mac);
    memcpy(tag, mac, REPLYTO_TAG_LEN);
    sodium_memzero(mac, sizeof(mac));
    sodium_memzero(&st, sizeof(st));
}

/* mail_from's address split at its last '@' (lower case, arena); false when it has none. */
static bool split_from(const char *mail_from, const char **local, const char **domain,
                       struct arena *a)
{
    const char *addr = mime_first_address(mail_from, a);
    const char *at = addr ? strrchr(addr, '@') : NULL;

    if (!at)
        return false;
    *local = arena_strndup(a, addr, (size_t)(at - addr));
    *domain = at + 1;
    return true;
}

const char *replyto_address(const uint8_t key[REPLYTO_KEY_LEN], const char *mail_from,
                            int64_t ticket, const char *recipient, struct arena *a)
{
    const char *local, *domain;
    uint8_t tag[REPLYTO_TAG_LEN];
    char hex[2 * REPLYTO_TAG_LEN + 1];

    if (ticket <= 0 || !recipient || !mime_address_ok(recipient) ||
        !split_from(mail_from, &local, &domain, a))
        return NULL;
    make_tag(key, ticket, recipient, tag);
    sodium_bin2hex(hex, sizeof(hex), tag, sizeof(tag));
    return arena_sprintf(a, "%s+%" PRId64 ".%s@%s", local, ticket, hex, domain);
}

/* "TICKET.TAG" in s[0..n): the ticket and the tag bytes; false when not of that form. */
static bool read_middle(const char *s, size_t n, int64_t *ticket, uint8_t tag[REPLYTO_TAG_LEN])
{
    size_t digits = 0;
    int64_t t = 0;
    size_t bin_len = 0;

    while (digits < n && s[digits] >= '0' && s[digits] <= '9' && digits < TICKET_DIGITS_MAX)
        t = t * 10 + (s[digits++] - '0');
    if (!digits || s[0] == '0' || digits >= n || s[digits] != '.' ||
        n - digits - 1 != 2 * REPLYTO_TAG_LEN)
        return false;
    for (size_t i = digits + 1; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f') ||
              (s[i] >= 'A' && s[i] <= 'F')))
            return false;
    if (sodium_hex2bin(tag, REPLYTO_TAG_LEN, s + digits + 1, 2 * REPLYTO_TAG_LEN, NULL, &bin_len,
                       NULL) != 0 ||
        bin_len != REPLYTO_TAG_LEN)
        return false;
    *ticket = t;
    return true;
}

int64_t replyto_ticket(const uint8_t key[REPLYTO_KEY_LEN], const char *mail_from,
                       const char *address, const char *sender, struct arena *a)
{
    const char *local, *domain, *at;
    uint8_t got[REPLYTO_TAG_LEN], want[REPLYTO_TAG_LEN];
    size_t nlocal;
    int64_t ticket;

    if (!address || !sender || !split_from(mail_from, &local, &domain, a) ||
        !(at = strrchr(address, '@')) || strcasecmp(at + 1, domain))
        return 0;
    nlocal = strlen(local);
    if ((size_t)(at - address) <= nlocal + 1 || strncasecmp(address, local, nlocal) ||
        address[nlocal] != '+')
        return 0;
    if (!read_middle(address + nlocal + 1, (size_t)(at - address) - nlocal - 1, &ticket, got))
        return 0;
    make_tag(key, ticket, sender, want);
    return sodium_memcmp(got, want, REPLYTO_TAG_LEN) == 0 ? ticket : 0;
}
