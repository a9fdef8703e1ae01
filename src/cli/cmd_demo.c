/*
 * cmd_demo.c - `svcdesk demo`: a realistic demo in one command (what `make
 * run` starts from). A software vendor, three customers (vendor-hosted,
 * customer-hosted, one whose agreements are only requested), agents and customer contacts who
 * sign in with the fixed demo password, the Copenhagen support calendar
 * with the Danish public holidays of this year and the next two, the A-D
 * policy, agreements of every kind with time booked, and requests in every
 * state. On a database that already holds the demo it does nothing.
 *
 * Everything goes through the store's public functions, exactly as the API
 * writes it, so the demo is also an end-to-end exercise of the rules.
 */
#include "core/compat.h"
#include "cli/cli.h"
#include "cli/cmds.h"
#include "core/crypto.h"
#include "core/err.h"
#include "core/strbuf.h"
#include "core/time.h"
#include "core/xalloc.h"
#include "domain/account.h"
#include "domain/addon.h"
#include "domain/agreement.h"
#include "domain/calendar.h"
#include "domain/catalogue.h"
#include "domain/holidays.h"
#include "domain/organization.h"
#include "domain/policy.h"
#include "store/store.h"
#include <jansson.h>
#include <libgen.h>
#include <sys/stat.h>

#define DEMO_PASSWORD "svcdesk-demo" /* a local demo's fixed, printed password */
#define HOUR 3600
#define DAY 86400

struct demo {
    struct store *st;        /* the database */
    struct caller sys;       /* the system writes the demo */
    struct arena a;          /* scratch */
    char hash[PASSWORD_HASH_MAX]; /* argon2id of the demo password, shared by every user */
    int64_t now, today;      /* when the demo is made */
    int64_t admin, agnes, bo; /* staff ids */
    int64_t org[3];          /* Nordvand (vendor-hosted), Fjordby (customer-hosted), Lilleaa */
    int64_t contact[3];      /* one customer user per organisation */
    int64_t calendar, policy; /* the support calendar and the A-D policy */
    int64_t enhanced;        /* Nordvand's enhanced agreement (the hours bank) */
    int64_t advanced;        /* Fjordby's statement of work */
};

static const struct {
    const char *email, *name;
} sign_ins[] = {
    {"admin@vendor.demo", "Administrator"},
    {"agnes@vendor.demo", "Agnes Andersen (agent)"},
    {"bo@vendor.demo", "Bo Berg (agent, account executive)"},
    {"mette@nordvand.demo", "Mette Nielsen, Nordvand Forsyning (vendor-hosted)"},
    {"lars@fjordby.demo", "Lars Holm, Fjordby Energi (customer-hosted)"},
    {"sofie@lillea.demo", "Sofie Dahl, Lilleaa Vand (agreements requested, none signed)"},
};

static int fail(const char *what, int rc, const struct store_fault *f)
{
    fprintf(stderr, "svcdesk demo: cannot create %s: %s%s%s\n", what,
            f && f->message[0] ? f->message : desk_err_code(rc), f && f->field ? " - " : "",
            f && f->field ? f->field : "");
    return rc < 0 ? rc : DESK_EIO;
}

/* ---- people and organisations -------------------------------------------------- */

static int add_user(struct demo *d, const char *email, const char *name, enum role role,
                    int64_t org, int64_t *id)
{
    struct user u = {0, email, name, role, org, 0, false, NULL, NULL};
    int rc = store_user_create(d->st, &d->sys, &u, d->hash);

    *id = u.id;
    return rc < 0 ? fail(email, rc, NULL) : 0;
}

static int add_org(struct demo *d, const char *name, const char *domain, int64_t *id)
{
    const char *domains[] = {domain};
    struct organization o = {0, name, domains, 1, 0, 0};
    struct store_fault f = {0};
    int rc = store_org_create(d->st, &d->sys, &o, &f);

    *id = o.id;
    return rc < 0 ? fail(name, rc, &f) : 0;
}

static int people(struct demo *d)
{
    static const char *const orgs[3][2] = {{"Nordvand Forsyning", "nordvand.demo"},
                                           {"Fjordby Energi", "fjordby.demo"},
                                           {"Lilleaa Vand", "lillea.demo"}};
    bool created;
    int rc;

    if ((rc = store_admin_ensure(d->st, sign_ins[0].email, d->hash, &created)) < 0)
        return fail("the admin", rc, NULL);
    if ((rc = add_user(d, sign_ins[1].email, "Agnes Andersen", ROLE_AGENT, 0, &d->agnes)) ||
        (rc = add_user(d, sign_ins[2].email, "Bo Berg", ROLE_AGENT, 0, &d->bo)))
        return rc;
    for (int i = 0; i < 3; i++)
        if ((rc = add_org(d, orgs[i][0], orgs[i][1], &d->org[i])))
            return rc;
    if ((rc = add_user(d, sign_ins[3].email, "Mette Nielsen", ROLE_CUSTOMER, d->org[0],
                       &d->contact[0])) ||
        (rc = add_user(d, sign_ins[4].email, "Lars Holm", ROLE_CUSTOMER, d->org[1],
                       &d->contact[1])) ||
        (rc = add_user(d, sign_ins[5].email, "Sofie Dahl", ROLE_CUSTOMER, d->org[2],
                       &d->contact[2])))
        return rc;
    return 0;
}

/* ---- the calendar and the policy ------------------------------------------------- */

/* The support calendar: Mon-Thu 08:00-16:00, Fri 08:00-14:30, Europe/Copenhagen. */
static json_t *support_calendar_json(int64_t year)
{
    json_t *hours = json_pack("{s:[s], s:[s], s:[s], s:[s], s:[s]}", "mon", "08:00-16:00", "tue",
                              "08:00-16:00", "wed", "08:00-16:00", "thu", "08:00-16:00", "fri",
                              "08:00-14:30");
    json_t *holidays = json_array();
    int64_t days[16];
    char date[DATE_LEN];

    for (int64_t y = year; y < year + 3; y++) {
        size_t n = holidays_denmark(y, days, ARRAY_SIZE(days));
        for (size_t i = 0; i < n; i++) {
            date_format(days[i], date);
            json_array_append_new(holidays, json_string(date));
        }
    }
    return json_pack("{s:s, s:o, s:o}", "timezone", "Europe/Copenhagen", "hours", hours,
                     "holidays", holidays);
}

static int calendar_and_policy(struct demo *d)
{
    int64_t y;
    unsigned m, dd;
    json_t *j;
    struct calendar *cal = NULL;
    struct strbuf canon = STRBUF_INIT, err = STRBUF_INIT;
    struct calendar_entry ce = {0};
    struct sla_policy p;
    const char *contacts[] = {"escalation@vendor.demo"};
    struct store_fault f = {0};
    int rc;

    civil_from_days(d->today, &y, &m, &dd);
    j = support_calendar_json(y);
    rc = calendar_from_json(j, &cal, &err);
    json_decref(j);
    if (rc < 0) {
        fprintf(stderr, "svcdesk demo: the support calendar: %s\n", err.buf);
        strbuf_release(&err);
        return rc;
    }
    calendar_to_json(cal, &canon);
    calendar_free(cal);
    ce.name = "Support hours (Copenhagen)";
    ce.definition = canon.buf;
    rc = store_calendar_create(d->st, &d->sys, &ce, &f);
    strbuf_release(&canon);
    strbuf_release(&err);
    if (rc < 0)
        return fail("the calendar", rc, &f);
    d->calendar = ce.id;
    memset(&p, 0, sizeof(p));
    policy_defaults(&p); /* A 4, B 8, C 16, D 16 working hours to initiate handling */
    p.name = "Standard severity levels A-D";
    p.calendar_id = ce.id;
    p.escalation_emails = contacts;
    p.escalation_nr = 1;
    p.target[LEVEL_A].secs[TARGET_UPDATE] = 4 * HOUR;
    p.target[LEVEL_A].secs[TARGET_RESOLUTION] = 16 * HOUR;
    p.target[LEVEL_B].secs[TARGET_UPDATE] = 8 * HOUR;
    p.target[LEVEL_B].secs[TARGET_RESOLUTION] = 40 * HOUR;
    p.target[LEVEL_C].secs[TARGET_RESOLUTION] = 80 * HOUR;
    if ((rc = store_policy_create(d->st, &d->sys, &p, &f)) < 0)
        return fail("the policy", rc, &f);
    d->policy = p.id;
    return 0;
}

/* ---- agreements --------------------------------------------------------------------- */

static int add_agreement(struct demo *d, struct agreement *a, bool sign, const char *what)
{
    struct agreement out;
    struct store_fault f = {0};
    struct agreement_move mv = {.kind = MOVE_SIGN};
    struct agreement_move acc = {.kind = MOVE_ACCEPT, .name = "Signed on paper", .client_addr = ""};
    int rc;

    snprintf(a->currency, sizeof(a->currency), "EUR");
    if ((rc = store_agreement_create(d->st, &d->sys, a, d->now, &f)) < 0)
        return fail(what, rc, &f);
    /* both parties: the customer's signature on paper, recorded by the vendor */
    if (sign && ((rc = store_agreement_move(d->st, &d->sys, a->id, &acc, d->now, &out, &f,
                                            &d->a)) < 0 ||
                 (rc = store_agreement_move(d->st, &d->sys, a->id, &mv, d->now, &out, &f,
                                            &d->a)) < 0))
        return fail(what, rc, &f);
    return 0;
}

/* January 1st of this year (and of the years around it). */
static int64_t new_year(int64_t today, int delta)
{
    int64_t y;
    unsigned m, dd;

    civil_from_days(today, &y, &m, &dd);
    return days_from_civil(y + delta, 1, 1);
}

static int agreements(struct demo *d)
{
    static const struct phase phases[] = {
        {"Design and migration plan", 3000000, DATE_NONE},
        {"Migration of the meter database", 6000000, DATE_NONE},
        {"Acceptance and go-live", 1500000, DATE_NONE},
    };
    struct agreement nv_main = {0}, nv_enh = {0}, fj_main = {0}, fj_adv = {0}, li_main = {0},
                     li_req = {0};
    int rc;

    nv_main = (struct agreement){.organization_id = d->org[0], .kind = AK_MAINTENANCE,
                                 .starts_on = new_year(d->today, -1), .ends_on = DATE_NONE,
                                 .hosting = HOSTING_VENDOR, .sla_policy_id = d->policy,
                                 .annual_fee = 12000000, .rate = 120000,
                                 .quote_valid_until = DATE_NONE, .notice_given_on = DATE_NONE};
    nv_enh = (struct agreement){.organization_id = d->org[0], .kind = AK_ENHANCED,
                                .starts_on = new_year(d->today, 0), .ends_on = DATE_NONE,
                                .annual_fee = 4800000, .rate = 120000, .per_diem_rate = 45000,
                                .hours_minutes = 40 * 60, .extras = EXTRA_PRIORITY_LINE,
                                .services = (1u << 2) | (1u << 7), /* upgrades, health checks */
                                .quote_valid_until = DATE_NONE, .notice_given_on = DATE_NONE};
    fj_main = (struct agreement){.organization_id = d->org[1], .kind = AK_MAINTENANCE,
                                 .starts_on = new_year(d->today, -2), .ends_on = DATE_NONE,
                                 .hosting = HOSTING_CUSTOMER, .sla_policy_id = d->policy,
                                 .annual_fee = 9500000, .rate = 120000,
                                 .quote_valid_until = DATE_NONE, .notice_given_on = DATE_NONE};
    fj_adv = (struct agreement){.organization_id = d->org[1], .kind = AK_ADVANCED,
                                .starts_on = d->today - 30, .ends_on = d->today + 150,
                                .rate = 110000, .per_diem_rate = 45000,
                                .hours_minutes = 120 * 60, .invoicing = INVOICING_PHASES,
                                .phases = phases, .nphases = ARRAY_SIZE(phases),
                                .services = 1u << 3, /* system migrations */
                                .quote_valid_until = DATE_NONE, .notice_given_on = DATE_NONE};
    /* requested together: the enhanced agreement stands on the maintenance agreement */
    li_main = (struct agreement){.organization_id = d->org[2], .kind = AK_MAINTENANCE,
                                 .starts_on = new_year(d->today, 1), .ends_on = DATE_NONE,
                                 .hosting = HOSTING_VENDOR, .sla_policy_id = d->policy,
                                 .annual_fee = 6000000, .rate = 120000,
                                 .quote_valid_until = DATE_NONE, .notice_given_on = DATE_NONE};
    li_req = (struct agreement){.organization_id = d->org[2], .kind = AK_ENHANCED,
                                .starts_on = new_year(d->today, 1), .ends_on = DATE_NONE,
                                .annual_fee = 2400000, .rate = 120000, .hours_minutes = 20 * 60,
                                .quote_valid_until = DATE_NONE, .notice_given_on = DATE_NONE};
    if ((rc = add_agreement(d, &nv_main, true, "Nordvand's maintenance agreement")) ||
        (rc = add_agreement(d, &nv_enh, true, "Nordvand's enhanced agreement")) ||
        (rc = add_agreement(d, &fj_main, true, "Fjordby's maintenance agreement")) ||
        (rc = add_agreement(d, &fj_adv, false, "Fjordby's statement of work")) ||
        (rc = add_agreement(d, &li_main, false, "Lilleaa's requested maintenance agreement")) ||
        (rc = add_agreement(d, &li_req, false, "Lilleaa's requested agreement")))
        return rc;
    d->enhanced = nv_enh.id;
    d->advanced = fj_adv.id;
    return 0;
}

/* ---- requests ----------------------------------------------------------------------- */

struct demo_request {
    int org;                   /* index into d->org */
    const char *subject, *body;
    enum ticket_type type;
    enum severity severity;
    enum channel channel;
    int64_t hours_ago;         /* received this long ago */
    enum ticket_status status; /* where it ends up */
    const char *reply;         /* a public agent reply, or NULL */
    const char *note;          /* an internal note, or NULL */
    int64_t minutes;           /* time booked, 0: none */
};

static const struct demo_request requests[] = {
    {0, "Meter readings stop arriving from district North",
     "Since 06:10 no readings from the concentrators in district North. Billing run tonight.",
     TT_ERROR, SEV_A, CH_PHONE, 2, TS_NEW, NULL, NULL, 0},
    {0, "Export of hourly values fails for large customers",
     "The CSV export times out for customers with more than 50,000 meters.", TT_ERROR, SEV_B,
     CH_PORTAL, 30, TS_IN_PROGRESS, "We can reproduce it and are looking at the export job.",
     "Query plan of the export scans the whole readings table.", 90},
    {0, "How do we add a new tariff zone?", "We need a tariff zone for the new harbour area.",
     TT_ASSISTANCE, SEV_D, CH_EMAIL, 60, TS_WAITING_CUSTOMER,
     "Which date should the zone take effect from? Then we can prepare it.", NULL, 30},
    {0, "Alarm list shows duplicate entries", "Each leak alarm appears twice in the list.",
     TT_ERROR, SEV_C, CH_PORTAL, 200, TS_RESOLVED,
     "Fixed in patch 5.9.4, installed on your system this morning.", NULL, 45},
    {1, "Upgrade of the head-end server to 5.10", "Please plan the upgrade with us.",
     TT_SERVICE, SEV_C, CH_EMAIL, 20, TS_IN_PROGRESS,
     "Proposed window: Tuesday 18:00-22:00. Does that suit you?", NULL, 120},
    {1, "Collection service crashes after the OS update",
     "After installing the latest OS updates the collection service stops within minutes.",
     TT_ERROR, SEV_A, CH_PHONE, 5, TS_NEW, NULL, "Customer-hosted: ask for the core dump.", 0},
    {1, "Report for the regulator: new column for losses", "The regulator wants losses per area.",
     TT_ENHANCEMENT, SEV_C, CH_PORTAL, 400, TS_CLOSED, "Delivered in 5.10.0.", NULL, 0},
    {2, "Password reset for the operator console",
     "Our operator cannot sign in to the console since Monday.", TT_ASSISTANCE, SEV_D,
     CH_EMAIL, 10, TS_NEW, NULL, NULL, 0},
};

/* Walk request t from new to `to` through the graph, as the agent would. */
static int move_to(struct demo *d, const struct caller *agent, int64_t id, enum ticket_status to)
{
    static const enum ticket_status path[TS_COUNT][3] = {
        [TS_IN_PROGRESS] = {TS_IN_PROGRESS},
        [TS_WAITING_CUSTOMER] = {TS_IN_PROGRESS, TS_WAITING_CUSTOMER},
        [TS_RESOLVED] = {TS_IN_PROGRESS, TS_RESOLVED},
        [TS_CLOSED] = {TS_IN_PROGRESS, TS_RESOLVED, TS_CLOSED},
    };
    struct store_fault f = {0};
    struct ticket t;
    int rc;

    for (int i = 0; i < 3 && path[to][i] != TS_NEW; i++) {
        struct ticket_patch p = {.has_status = true, .status = path[to][i]};
        if (i == 0) {
            p.has_assignee = true;
            p.assignee_id = agent->user_id;
        }
        if ((rc = store_ticket_update(d->st, agent, id, &p, d->now, &t, &f, &d->a)) < 0)
            return fail("a request's status", rc, &f);
    }
    return 0;
}

static int add_message(struct demo *d, const struct caller *who, int64_t id, const char *body,
                       bool internal)
{
    struct message m = {0, id, 0, "", false, internal, body, 0};
    struct store_fault f = {0};
    int rc = store_message_add(d->st, who, &m, d->now, &f);

    return rc < 0 ? fail("a message", rc, &f) : 0;
}

static int book_time(struct demo *d, const struct caller *agent, const struct ticket *t,
                     int64_t minutes)
{
    struct time_entry te = {0};
    struct store_fault f = {0};
    int rc;

    te.ticket_id = t->id;
    te.organization_id = t->organization_id;
    te.user_id = agent->user_id;
    te.minutes = minutes;
    te.kind = t->organization_id == d->org[0] ? TIME_INCLUDED : TIME_BILLABLE;
    te.agreement_id = t->organization_id == d->org[0] ? d->enhanced : d->advanced;
    te.on = d->today;
    te.note = "demo";
    rc = store_time_entry_create(d->st, agent, &te, d->now, &f);
    return rc < 0 ? fail("a time entry", rc, &f) : 0;
}

static int add_request(struct demo *d, const struct demo_request *r)
{
    struct caller agent = {d->agnes, ROLE_AGENT, 0};
    struct caller contact = {d->contact[r->org], ROLE_CUSTOMER, d->org[r->org]};
    struct store_fault f = {0};
    struct ticket t = {0};
    int rc;

    t.organization_id = d->org[r->org];
    t.requester_id = d->contact[r->org];
    t.subject = r->subject;
    t.body = r->body;
    t.type = r->type;
    t.severity = r->severity;
    t.channel = r->channel;
    t.received_at = d->now - r->hours_ago * HOUR;
    if ((rc = store_ticket_create(d->st, &agent, &t, d->now, &f, &d->a)) < 0)
        return fail(r->subject, rc, &f);
    if (r->status == TS_CLOSED || r->status == TS_RESOLVED)
        rc = move_to(d, &agent, t.id, TS_IN_PROGRESS);
    if (!rc && r->reply)
        rc = add_message(d, &agent, t.id, r->reply, false);
    if (!rc && r->note)
        rc = add_message(d, &agent, t.id, r->note, true);
    if (!rc && r->status == TS_WAITING_CUSTOMER)
        rc = move_to(d, &agent, t.id, TS_WAITING_CUSTOMER);
    if (!rc && r->status != TS_WAITING_CUSTOMER)
        rc = move_to(d, &agent, t.id, r->status);
    if (!rc && r->status == TS_RESOLVED)
        rc = add_message(d, &contact, t.id, "Thank you, the list looks right now.", false);
    if (!rc && r->status == TS_RESOLVED) /* the customer's thanks reopened it: resolve again */
        rc = move_to(d, &agent, t.id, TS_RESOLVED);
    if (!rc && r->minutes)
        rc = book_time(d, &agent, &t, r->minutes);
    return rc;
}

/* Solution monitoring: one alert of Nordvand's database server, posted three times. */
static int monitoring_alert(struct demo *d)
{
    struct alert in = {0}, out;
    struct store_fault f = {0};
    bool opened;
    int rc;

    in.organization_id = d->org[0];
    in.fingerprint = "disk-full:meter-db-1";
    in.summary = "Disk almost full on meter-db-1 (92 %)";
    in.severity = "major";
    in.status = ALERT_FIRING;
    for (int i = 3; i > 0; i--)
        if ((rc = store_alert_post(d->st, &d->sys, &in, d->now - i * 20 * 60, &out, &opened, &f,
                                   &d->a)) < 0)
            return fail("the monitoring alert", rc, &f);
    return 0;
}

/* ---- people on accounts ----------------------------------------------------------- */

/* Bo is Nordvand's account executive, Agnes the representative on its enhanced agreement. */
static int account_people(struct demo *d)
{
    struct organization patch = {.id = d->org[0], .account_executive_id = d->bo}, o;
    struct agreement_patch ap = {.fields = AF_REPRESENTATIVE};
    struct store_fault f = {0};
    struct agreement a;
    int rc;

    if ((rc = store_org_update(d->st, &d->sys, &patch, &o, &f, &d->a)) < 0)
        return fail("Nordvand's account executive", rc, &f);
    ap.to.representative_id = d->agnes;
    if ((rc = store_agreement_update(d->st, &d->sys, d->enhanced, &ap, d->now, &a, &f, &d->a)) < 0)
        return fail("the enhanced agreement's representative", rc, &f);
    return 0;
}

/* ---- the command ------------------------------------------------------------------- */

/* Nordvand's hosted installation, with a maintenance window a week ahead. */
static int maintenance(struct demo *d)
{
    struct installation in = {0, d->org[0], "Nordvand Hosted MDM", true, "5.2.0", 0, 0};
    struct maintenance_leads l = maintenance_leads_of(NULL);
    struct maintenance_window w = {0};
    struct store_fault f = {0};
    int rc;

    if ((rc = store_installation_create(d->st, &d->sys, &in, d->now, &f)) < 0)
        return fail("the hosted installation", rc, &f);
    w.installation_id = in.id;
    w.t.starts_at = (d->today + 7) * DAY + 22 * HOUR;
    w.t.ends_at = w.t.starts_at + 3 * HOUR;
    w.summary = "Database upgrade of the hosted MDM";
    w.details = "The portal and the head-end are read-only while the database is upgraded.";
    if ((rc = store_maintenance_create(d->st, &d->sys, &w, &l, d->now, &f, &d->a)) < 0)
        return fail("the maintenance window", rc, &f);
    return 0;
}

/* A module installation Agnes proposed for Nordvand's hosted installation: it waits for
   Mette's approval (portal, Changes). */
static int proposed_change(struct demo *d)
{
    const struct caller agnes = {d->agnes, ROLE_AGENT, 0};
    struct installation_change ch = {0};
    struct kb_page pg = {NULL, 1};
    struct installation *in;
    struct store_fault f = {0};
    const char *next;
    size_t n;
    int rc;

    if ((rc = store_installation_list(d->st, &d->sys, d->org[0], &pg, &in, &n, &next, &d->a)) < 0 ||
        n == 0)
        return fail("Nordvand's installation", rc < 0 ? rc : DESK_ENOTFOUND, NULL);
    ch.installation_id = in[0].id;
    ch.what = "Install the leakage-detection module";
    ch.documentation = "Adds night-flow analysis of district meters and a leakage report. "
                       "About 20 minutes of read-only portal while the module is installed.";
    ch.at = (d->today + 10) * DAY + 21 * HOUR;
    if ((rc = store_installation_change_add(d->st, &agnes, &ch, NULL, true, d->now, &f, &d->a)) < 0)
        return fail("the proposed change", rc, &f);
    return 0;
}

static void print_sign_ins(void)
{
    printf("demo sign-ins (password '%s' for everyone):\n", DEMO_PASSWORD);
    for (size_t i = 0; i < ARRAY_SIZE(sign_ins); i++)
        printf("  %-22s %s\n", sign_ins[i].email, sign_ins[i].name);
}

/* Nordvand has bought API access for its own integration since January: on its yearly invoice. */
static int addons(struct demo *d)
{
    struct store_fault f = {0};
    struct catalogue_service *items;
    struct addon in = {0}, out;
    size_t n;
    int rc;

    if ((rc = store_catalogue_list(d->st, &items, &n, &d->a)) < 0)
        return fail("the catalogue", rc, NULL);
    for (size_t i = 0; i < n && !in.service_id; i++)
        if (!strcmp(items[i].name, "API access"))
            in.service_id = items[i].id;
    in.organization_id = d->org[0];
    in.starts_on = new_year(d->today, 0);
    in.ends_on = DATE_NONE;
    snprintf(in.currency, sizeof(in.currency), "EUR");
    in.annual_price = 150000;
    in.note = "for the meter-data integration";
    if ((rc = store_addon_create(d->st, &d->sys, &in, d->now, &out, &f, &d->a)) < 0)
        return fail("the add-on", rc, &f);
    return 0;
}

/* Next year's requirements of Nordvand's enhanced agreement, gathered early: its task complete. */
static int yearly_requirements(struct demo *d)
{
    struct requirements in = {0}, out;
    struct store_fault f = {0};
    int64_t from, to;
    int rc;

    agreement_year(new_year(d->today, 0), d->today, &from, &to);
    in.year_start = to + 1;
    in.scope = "Upgrade the hosted MDM to 6.0; train two new operators";
    in.assumptions = "A test system with a copy of production is ready by March";
    in.schedule = "Upgrade in May, training in September, health check in November";
    in.roles = "Vendor: upgrade and training; Nordvand: acceptance test (default RASCI matrix)";
    in.rasci_matrix_id = 1;
    if ((rc = store_requirements_record(d->st, &d->sys, d->enhanced, &in, d->now, &out, &f,
                                        &d->a)) < 0)
        return fail("next year's requirements", rc, &f);
    return 0;
}

/* ---- live chat ------------------------------------------------------------------------ */

/*
 * Nordvand's enhanced agreement includes live chat; this morning Mette chatted with Agnes
 * about a meter import, and the transcript became the request's conversation (resolved).
 */
static int live_chat(struct demo *d)
{
    static const struct {
        bool agent;       /* Agnes, else Mette */
        int minute;       /* after the chat opened */
        const char *text; /* the line */
    } lines[] = {
        {true, 2, "Hello Mette, Agnes here. Which import do you mean: the hourly one from the "
                  "head-end?"},
        {false, 3, "Yes, the 06:00 run. District 4 shows no readings since then."},
        {true, 6, "The head-end rejected a file with a duplicate meter id. I have re-run the "
                  "import without it; the readings should appear within a few minutes."},
        {false, 9, "They are there now. Thank you!"},
        {true, 10, "Good. I keep this request open until the duplicate id is fixed at your end."},
    };
    const struct caller agnes = {d->agnes, ROLE_AGENT, 0};
    const struct caller mette = {d->contact[0], ROLE_CUSTOMER, d->org[0]};
    struct agreement_patch ap = {.fields = AF_EXTRAS};
    int64_t at = d->now - 3 * HOUR;
    struct store_fault f = {0};
    struct agreement a;
    struct chat ch;
    int rc;

    ap.to.extras = EXTRA_PRIORITY_LINE | EXTRA_LIVE_CHAT;
    if ((rc = store_agreement_update(d->st, &d->sys, d->enhanced, &ap, d->now, &a, &f,
                                     &d->a)) < 0)
        return fail("live chat on the enhanced agreement", rc, &f);
    if ((rc = store_chat_open(d->st, &mette, "Meter import of 06:00 missing",
                              "Hi, the readings of district 4 did not arrive this morning.", at,
                              &ch, &f, &d->a)) < 0 ||
        (rc = store_chat_act(d->st, &agnes, ch.id, CHAT_ACT_ACCEPT, NULL, at + 60, &ch, NULL,
                             &f, &d->a)) < 0)
        return fail("the live chat", rc, &f);
    for (size_t i = 0; i < ARRAY_SIZE(lines); i++)
        if ((rc = store_chat_act(d->st, lines[i].agent ? &agnes : &mette, ch.id,
                                 CHAT_ACT_MESSAGE, lines[i].text, at + lines[i].minute * 60, &ch,
                                 NULL, &f, &d->a)) < 0)
            return fail("a line of the live chat", rc, &f);
    if ((rc = store_chat_act(d->st, &mette, ch.id, CHAT_ACT_CLOSE, NULL, at + 11 * 60, &ch, NULL,
                             &f, &d->a)) < 0)
        return fail("closing the live chat", rc, &f);
    return 0;
}

/*
 * Fjordby's statement of work, quoted and signed by both sides: Lars Holm accepts it in the
 * portal (his typed name and address recorded), then Agnes signs for the vendor, which puts
 * it in effect.
 */
static int signed_sow(struct demo *d)
{
    struct caller lars = {d->contact[1], ROLE_CUSTOMER, d->org[1]};
    struct caller agnes = {d->agnes, ROLE_AGENT, 0};
    struct agreement_move quote = {.kind = MOVE_QUOTE, .amount = 10500000,
                                   .valid_until = d->today + 30};
    struct agreement_move accept = {.kind = MOVE_ACCEPT, .name = "Lars Holm",
                                    .client_addr = "192.0.2.44"};
    struct agreement_move sign = {.kind = MOVE_SIGN, .client_addr = "198.51.100.7"};
    struct store_fault f = {0};
    struct agreement out;
    int rc;

    if ((rc = store_agreement_move(d->st, &agnes, d->advanced, &quote, d->now - 3 * 86400, &out,
                                   &f, &d->a)) < 0 ||
        (rc = store_agreement_move(d->st, &lars, d->advanced, &accept, d->now - 2 * 86400, &out,
                                   &f, &d->a)) < 0 ||
        (rc = store_agreement_move(d->st, &agnes, d->advanced, &sign, d->now - 86400, &out, &f,
                                   &d->a)) < 0)
        return fail("Fjordby's signed statement of work", rc, &f);
    return 0;
}

static int load(struct demo *d)
{
    int rc;

    if ((rc = people(d)) || (rc = calendar_and_policy(d)) || (rc = agreements(d)) ||
        (rc = addons(d)))
        return rc;
    for (size_t i = 0; i < ARRAY_SIZE(requests); i++)
        if ((rc = add_request(d, &requests[i])))
            return rc;
    if ((rc = monitoring_alert(d)) || (rc = account_people(d)) || (rc = maintenance(d)))
        return rc;
    if ((rc = yearly_requirements(d)) || (rc = proposed_change(d)))
        return rc;
    if ((rc = live_chat(d)) || (rc = signed_sow(d)))
        return rc;
    return store_meta_set(d->st, "demo_loaded_at", "1");
}

static void make_parent_dir(const char *url)
{
    char *copy;

    if (strstr(url, "://"))
        return;
    copy = xstrdup(url);
    mkdir(dirname(copy), 0750);
    free(copy);
}

int cmd_demo(int argc, char **argv)
{
    static const char usage[] = "demo [--db URL]";
    static const char *const keys[] = {"db", NULL};
    struct demo d = {0};
    struct cli_opts co;
    struct conf c;
    const char *loaded;
    int i, rc;

    cli_opts_init(&co, NULL, 0, keys);
    if ((i = opts_parse("demo", usage, co.opts, co.nr, argc, argv)) < 0)
        return i == -OPTS_HELP ? 0 : 2;
    if (i < argc)
        return opts_error("demo", "unexpected argument '%s'", argv[i]);
    if ((rc = cli_conf(&co, "demo", &c)))
        return rc;
    make_parent_dir(c.db);
    if (crypto_setup() < 0 || password_hash(DEMO_PASSWORD, d.hash) < 0) {
        fprintf(stderr, "svcdesk demo: cannot hash the demo password\n");
        conf_release(&c);
        return 1;
    }
    if ((rc = cli_open_store("demo", c.db, STORE_CREATE | STORE_MIGRATE, &d.st))) {
        conf_release(&c);
        return rc;
    }
    d.sys = CALLER_SYSTEM;
    d.now = time_now();
    d.today = floor_div(d.now, DAY);
    if (store_meta_get(d.st, "demo_loaded_at", &loaded, &d.a) == 0) {
        printf("the demo is already in %s\n", c.db);
        rc = 0;
    } else if ((rc = load(&d)) == 0) {
        printf("demo loaded into %s\n", c.db);
    }
    if (rc == 0)
        print_sign_ins();
    arena_release(&d.a);
    store_close(d.st);
    conf_release(&c);
    return rc == 0 ? 0 : 1;
}
