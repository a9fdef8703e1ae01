/*
 * requirements.h - the yearly requirements of enhanced agreements and the
 * "use it or lose it" notices of their hours banks (issue 16). Pure: no
 * I/O; "today" is an argument. Dates are day numbers (core/time.h).
 *
 * Requirements: lead days before each agreement year after the first
 * (the first year's requirements are gathered before signing), a task is
 * opened for the year; recording its scope, assumptions, schedule and roles
 * completes it.
 *
 * Lapse notices: d days before the bank's year ends (for each d of the
 * lapse-notice-days list), the customer is told how many hours remain;
 * the year "ends" after its last day, so the notice of d falls due on
 * last_day + 1 - d and stays due until last_day.
 */
#ifndef DOMAIN_REQUIREMENTS_H
#define DOMAIN_REQUIREMENTS_H

#include "core/compat.h"
#include "core/strbuf.h"
#include "domain/agreement.h"

#define REQUIREMENTS_TEXT_MAX 20000 /* characters of scope, assumptions, schedule, roles */
#define REQUIREMENTS_TITLE_LEN 48  /* "Requirements for the year from YYYY-MM-DD" plus NUL */
#define LAPSE_DAYS_MAX 8           /* thresholds in lapse-notice-days */
#define LAPSE_DAY_MAX 366          /* a threshold further ahead than a year means nothing */

/* The thresholds of lapse-notice-days, days before a year ends, in the order given. */
struct lapse_days {
    int64_t days[LAPSE_DAYS_MAX];
    size_t n;
};

/*
 * The agreement year whose requirements are due at today: the year after
 * the one holding today, once today >= its start - lead_days, when a is a
 * signed enhanced agreement in force today and the year starts inside its
 * term. True with *year_start set; false when none is due.
 */
bool requirements_due(const struct agreement *a, int64_t lead_days, int64_t today,
                      int64_t *year_start);
/* Is day the first day of an agreement year of a inside its term (k >= 0)? */
bool agreement_year_starts_on(const struct agreement *a, int64_t day);
/* "Requirements for 2027" for a year from 1 January, else "... for the year from 2027-04-01". */
void requirements_title(int64_t year_start, char out[REQUIREMENTS_TITLE_LEN]);

/*
 * The last day of the hours bank's year of enhanced agreement a holding
 * today (the term's end when it comes first). False when a is not a signed
 * enhanced agreement in force today.
 */
bool lapse_year_end(const struct agreement *a, int64_t today, int64_t *last_day);
/*
 * The thresholds of l due at today for a year whose last day is last_day:
 * bit i set when l->days[i] is due (last_day + 1 - days[i] <= today <= last_day).
 */
unsigned lapse_notices_due(const struct lapse_days *l, int64_t last_day, int64_t today);
/* What a lapse notice tells. */
struct lapse_text {
    int64_t agreement_id;      /* the agreement */
    int64_t remaining;         /* minutes of the bank still unused (> 0) */
    int64_t from, last_day;    /* the bank's year */
    unsigned services;         /* the agreement's services (agreement_service_names bits) */
};
/*
 * The subject and text of a lapse notice: the hours left, the day they
 * lapse, that nothing carries over, and the services that could use them
 * (the agreement's, or every supplemental service when it names none).
 */
void lapse_notice_render(const struct lapse_text *t, struct strbuf *subject, struct strbuf *body);

struct conf;
/* The settings lapse-notice-days and requirements-lead-days; the defaults for a NULL c. */
struct lapse_days lapse_days_of(const struct conf *c);
int64_t requirements_lead_days_of(const struct conf *c);

#endif
