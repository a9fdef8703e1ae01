/*
 * catalogue.h - the service catalogue (SPEC 2.4): services and, per hosting
 * model, whether each is included, an add-on to purchase or not offered,
 * with a comment. Pure: no I/O.
 *
 * A customer's hosting model is that of its active maintenance agreement;
 * the catalogue it reads is the one of that model.
 *
 * A retired service is no longer offered: the portal's catalogue leaves it
 * out and no new add-on may be bought of it, while the agreements, add-ons
 * and history that name it keep it. An admin may offer it again.
 */
#ifndef DOMAIN_CATALOGUE_H
#define DOMAIN_CATALOGUE_H

#include "core/compat.h"

enum hosting {
    HOSTING_NONE,     /* not given (agreements other than maintenance) */
    HOSTING_VENDOR,   /* "vendor_hosted" */
    HOSTING_CUSTOMER, /* "customer_hosted" */
};
#define HOSTING_COUNT 3

enum inclusion { INCL_INCLUDED, INCL_ADD_ON, INCL_NOT_OFFERED };

#define SERVICE_NAME_MAX 200     /* characters */
#define SERVICE_COMMENT_MAX 1000 /* characters */

/* What one hosting model gets of a service. */
struct service_offer {
    enum inclusion inclusion; /* included, add_on, not_offered */
    const char *comment;      /* "" for none */
};

struct catalogue_service {
    int64_t id;                    /* 0 until stored */
    const char *name;              /* unique in any case, 1..200 characters */
    int64_t position;              /* order in the catalogue */
    struct service_offer vendor;   /* vendor_hosted */
    struct service_offer customer; /* customer_hosted */
    int64_t updated_at;            /* UTC seconds; 0 for the seeded rows */
    int64_t retired_at;            /* UTC seconds an admin retired it; 0: offered */
};

/* NULL-terminated names, for validation and the OpenAPI document. */
extern const char *const hosting_names[];   /* vendor_hosted, customer_hosted */
extern const char *const inclusion_names[]; /* included, add_on, not_offered */

/* "vendor_hosted", "customer_hosted"; NULL for HOSTING_NONE. */
const char *hosting_name(enum hosting h);
const char *inclusion_name(enum inclusion i);
/* Parse a name; 0 or DESK_EINVAL ("none" is not a name). */
int hosting_parse(const char *s, enum hosting *out);
int inclusion_parse(const char *s, enum inclusion *out);

/* In words for customers: "included", "an add-on to purchase", "not offered"; "hosted by us",
   "on your own servers". */
const char *inclusion_words(enum inclusion i);
const char *hosting_words(enum hosting h);

/* The offer of service s for hosting model h (not HOSTING_NONE). */
const struct service_offer *catalogue_offer(const struct catalogue_service *s, enum hosting h);

/* Is s offered (not retired): listed for customers, and may a new add-on be bought of it? */
bool catalogue_offered(const struct catalogue_service *s);
/*
 * Retire service s at now (retire true) or offer it again (false). Retiring a
 * retired service keeps the time it was first retired. Returns true when s
 * changed (then it is to be stored and audited), false when it was so already.
 */
bool catalogue_set_retired(struct catalogue_service *s, bool retire, int64_t now);

#endif
