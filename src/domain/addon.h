/*
 * addon.h - purchased add-ons (issue 16): an organisation buys a catalogue
 * service that is an add-on for its hosting model, from a date (and until
 * one), at a price a year. Pure: no I/O.
 *
 * An add-on's years run from starts_on to each anniversary (as agreement
 * years do, agreement_year); the yearly invoice bills the annual price of
 * each add-on year that starts in its period and before ends_on. While it
 * runs, a service's feature is on for the organisation: priority_line puts
 * its requests first (as the agreement extra does), api_access lets its
 * customers take API tokens; live_chat and solution_monitoring are recorded
 * for the channels of the enhanced offering.
 */
#ifndef DOMAIN_ADDON_H
#define DOMAIN_ADDON_H

#include "core/compat.h"
#include "core/strbuf.h"
#include "domain/agreement.h"
#include "domain/money.h"

#define ADDON_NOTE_MAX 2000 /* characters of a note */

struct addon {
    int64_t id;                  /* 0 until stored */
    int64_t organization_id;     /* the customer */
    int64_t service_id;          /* the catalogue service bought */
    const char *service_name;    /* read with it; NULL when writing */
    const char *feature;         /* the service's feature ("" for none); read with it */
    int64_t starts_on;           /* first day (days since 1970-01-01) */
    int64_t ends_on;             /* last day; DATE_NONE: until ended */
    char currency[CURRENCY_LEN]; /* ISO 4217 code of the price */
    int64_t annual_price;        /* minor units a year, >= 0 */
    const char *note;            /* "" for none */
    int64_t created_at, updated_at; /* UTC seconds */
};

/* NULL-terminated: api_access, live_chat, priority_line, solution_monitoring. */
extern const char *const addon_feature_names[];

/*
 * Check a's terms: ends_on not before starts_on, a known currency, a price
 * >= 0 (the API checks lengths). Returns 0, or DESK_EINVAL with the field at
 * fault in *field (a static string) and a message in err.
 */
int addon_check(const struct addon *a, const char **field, struct strbuf *err);
/* Does a run on day (starts_on <= day <= ends_on)? */
bool addon_runs_on(const struct addon *a, int64_t day);

#endif
