/*
 * organization.h - customer organisations and their mail domains.
 *
 * An organisation has a name (1-200 characters, unique in any case) and a
 * list of mail domains: a sender whose address is at one of them belongs to
 * the organisation (SPEC 5, Mail), so a domain belongs to one organisation
 * at most. Domains are kept lower-case, without duplicates, in the order
 * given. Pure: no I/O.
 */
#ifndef DOMAIN_ORGANIZATION_H
#define DOMAIN_ORGANIZATION_H

#include "core/compat.h"
#include <jansson.h>

#define ORG_NAME_MAX 200    /* characters of a name */
#define ORG_MAX_DOMAINS 100 /* mail domains of one organisation */
#define MAIL_DOMAIN_MAX 253 /* characters of a domain name (RFC 1035) */

struct organization {
    int64_t id;                 /* 0 until stored */
    const char *name;           /* display name, unique in any case */
    const char *const *domains; /* lower-case mail domains */
    size_t domains_nr;          /* entries in domains */
    int64_t created_at;         /* UTC seconds */
    int64_t account_executive_id; /* the vendor's account executive (staff); 0: none. In a
                                     patch: 0 leaves it, ORG_CLEAR clears it */
};

#define ORG_CLEAR (-1) /* a patch's account_executive_id that clears it */

/*
 * Check that `in` is a mail domain ("example.com": two or more labels of
 * letters, digits and inner hyphens, each at most 63 characters, a last
 * label that is not all digits) and write its lower-case form into out.
 * Returns NULL when it is one, else the reason ("is not a mail domain ...").
 */
const char *mail_domain_normalize(const char *in, char out[MAIL_DOMAIN_MAX + 1]);

/* The API form {"id","name","domains","account_executive_id"}: a new reference. */
json_t *organization_to_json(const struct organization *o);

#endif
