/*
 * release.h - releases, customers' installations and their log of
 * installed changes, and the known-error log (SPEC 2.5, 5). Pure: no I/O.
 *
 * Versions are written as users wrote them and compared by their sort
 * keys (domain/version.h). Publishing a release updates each vendor-hosted
 * installation on an older version (logged as an installed change) and
 * notifies, once per organisation, the contacts of the vendor-hosted
 * installations updated and of the customer-hosted ones to update; installations at or
 * above the release's version are left alone. A customer sees the known
 * errors whose affected versions include, exactly, the version of one of
 * its organisation's installations.
 */
#ifndef DOMAIN_RELEASE_H
#define DOMAIN_RELEASE_H

#include "core/compat.h"

enum release_kind { RK_HOTFIX, RK_PATCH, RK_MINOR, RK_MAJOR };

enum known_error_status { KE_INVESTIGATING, KE_WORKAROUND, KE_FIXED, KE_CLOSED };

/*
 * Where an installation change stands. A proposed change waits for the customer's
 * approval; approved, it is applied at once, or, dated later, waits as approved. A
 * change logged with a later date waits as scheduled. The sweep applies approved and
 * scheduled changes when their time comes; declined and installed are final.
 */
enum change_status { CS_PROPOSED, CS_APPROVED, CS_DECLINED, CS_SCHEDULED, CS_INSTALLED };

/* What is done to a change. */
enum change_action { CA_APPROVE, CA_DECLINE, CA_APPLY };

#define RELEASE_NOTES_MAX (256 * 1024)    /* characters of release notes (Markdown) */
#define INSTALLATION_NAME_MAX 200         /* characters of an installation's name */
#define CHANGE_WHAT_MAX 2000              /* characters of a change's description */
#define CHANGE_DOC_MAX (256 * 1024)       /* characters of a change's documentation */
#define KNOWN_ERROR_TITLE_MAX 300         /* characters of a known error's title */
#define KNOWN_ERROR_TEXT_MAX (256 * 1024) /* characters of a description or workaround */
#define KNOWN_ERROR_VERSIONS_MAX 100      /* affected versions of one known error */
#define KNOWN_ERROR_TICKETS_MAX 1000      /* tickets linked in one request */

struct release {
    int64_t id;             /* 0 until stored */
    const char *version;    /* as written; unique as a version (5.10 is 5.10.0) */
    enum release_kind kind; /* hotfix, patch, minor, major */
    int64_t released_on;    /* days since 1970-01-01 (UTC date) */
    const char *notes;      /* release notes, Markdown; "" for none */
    int64_t published_at;   /* UTC seconds; 0: not published */
    int64_t published_by;   /* user id; 0: not published */
    int64_t created_at;     /* UTC seconds */
};

/* What publishing a release did. */
struct publish_result {
    int64_t updated;  /* vendor-hosted installations updated (each logged as a change) */
    int64_t scheduled; /* vendor-hosted installations whose update is scheduled (update_at) */
    int64_t notified; /* installations named in a notice (updated for them, or theirs to update) */
    int64_t notices;  /* notices queued in the outbox (one per organisation with contacts) */
};

struct installation {
    int64_t id;              /* 0 until stored */
    int64_t organization_id; /* the customer */
    const char *name;        /* 1..INSTALLATION_NAME_MAX characters */
    bool vendor_hosted;      /* vendor_hosted (else customer_hosted) */
    const char *version;     /* the product version it runs, as written */
    int64_t created_at;      /* UTC seconds */
    int64_t updated_at;      /* UTC seconds */
};

/*
 * A hot-fix file of a release: staff upload it, customers of an organisation
 * with an active maintenance agreement download it once the release is
 * published. Its name is unique in its release.
 */
struct release_file {
    int64_t id;               /* 0 until stored */
    int64_t release_id;       /* the release */
    const char *filename;     /* 1..255 characters, no path */
    const char *content_type; /* as uploaded */
    int64_t size;             /* bytes */
    char sha256[65];          /* hex checksum of the bytes */
    const void *data;         /* the bytes (only when fetched) */
    int64_t uploaded_by;      /* user id */
    int64_t created_at;       /* UTC seconds */
};

/* One entry of an installation's log of installed changes. */
struct installation_change {
    int64_t id;                /* 0 until stored */
    int64_t installation_id;   /* the installation */
    const char *what;          /* what was changed, 1..CHANGE_WHAT_MAX characters */
    int64_t at;                /* when (UTC seconds) */
    int64_t by;                /* who: a user id; 0: the system */
    const char *by_name;       /* the user's name for display; "" for the system */
    const char *documentation; /* description and documentation of the change; "" for none */
    const char *from_version;  /* the version before, or NULL when it did not change */
    const char *to_version;    /* the version after, or NULL when it did not change */
    int64_t release_id;        /* the release it installed; 0: none */
    int64_t created_at;        /* UTC seconds */
    enum change_status status; /* proposed, approved, declined, scheduled, installed */
    int64_t decided_by;        /* the customer who approved or declined; 0: none */
    int64_t decided_at;        /* when (UTC seconds); 0: not decided */
    const char *decline_reason; /* the customer's reason; "" for none */
};

#define CHANGE_REASON_MAX 2000 /* characters of a reason for declining */

struct known_error {
    int64_t id;                     /* 0 until stored */
    const char *title;              /* 1..KNOWN_ERROR_TITLE_MAX characters */
    const char *description;        /* text */
    enum known_error_status status; /* investigating, workaround, fixed, closed */
    const char *workaround;         /* NULL: none */
    const char *const *versions;    /* affected versions as written */
    size_t nversions;               /* at most KNOWN_ERROR_VERSIONS_MAX */
    int64_t fixed_in_release_id;    /* 0: none */
    const int64_t *ticket_ids;      /* linked requests (those the reader may see) */
    size_t ntickets;                /* how many */
    int64_t created_by;             /* user id */
    int64_t created_at;             /* UTC seconds */
    int64_t updated_at;             /* UTC seconds */
};

/* Changes a PATCH asks for: NULL strings and has_* false leave a field alone. */
struct known_error_patch {
    const char *title;              /* or NULL */
    const char *description;        /* or NULL */
    bool has_status;                /* change the status */
    enum known_error_status status; /* the new one */
    bool has_workaround;            /* change the workaround */
    const char *workaround;         /* the new one; NULL removes it */
    bool has_versions;              /* replace the affected versions */
    const char *const *versions;    /* the new ones */
    size_t nversions;               /* how many */
    bool has_fixed_in;              /* change fixed_in_release_id */
    int64_t fixed_in_release_id;    /* the new one; 0 removes it */
    bool has_tickets;               /* replace the linked requests */
    const int64_t *ticket_ids;      /* the new ones */
    size_t ntickets;                /* how many */
};

/* NULL-terminated names, for validation and the OpenAPI document. */
extern const char *const release_kind_names[];       /* hotfix, patch, minor, major */
extern const char *const known_error_status_names[]; /* investigating, workaround, fixed, closed */
extern const char *const hosting_model_names[];      /* vendor_hosted, customer_hosted */
extern const char *const change_status_names[];      /* proposed, ... installed */

const char *release_kind_name(enum release_kind k);
const char *known_error_status_name(enum known_error_status s);
const char *hosting_model_name(bool vendor_hosted);
/* Parse a name; 0 or DESK_EINVAL. */
int release_kind_parse(const char *s, enum release_kind *out);
int known_error_status_parse(const char *s, enum known_error_status *out);
int hosting_model_parse(const char *s, bool *vendor_hosted);
const char *change_status_name(enum change_status s);
int change_status_parse(const char *s, enum change_status *out);

/* The status a new change starts in: proposed when asked, scheduled when at is later than now,
   else installed (applied at once). */
enum change_status change_status_new(bool proposed, int64_t at, int64_t now);

/*
 * The status after action act on a change in status from, dated at, at now: approve
 * (proposed: installed, or approved when at is later), decline (proposed: declined), apply
 * (approved or scheduled, when due: installed). 0 with *to set, or DESK_ECONFLICT.
 */
int change_status_after(enum change_status from, enum change_action act, int64_t at, int64_t now,
                        enum change_status *to);

/* Is a change in status s, dated at, for the sweep to apply at now? */
bool change_due(enum change_status s, int64_t at, int64_t now);

/* Does status s change the installation (its version set): installed only. */
bool change_applies(enum change_status s);

/*
 * Is a known error consistent? A workaround status needs a workaround
 * text. Returns NULL, or the field at fault ("workaround").
 */
const char *known_error_problem(enum known_error_status status, const char *workaround);

#endif
