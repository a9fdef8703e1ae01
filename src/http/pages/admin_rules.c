/*
 * admin_rules.c - the admin's rules of service: SLA policies at
 * /desk/admin/policies (list; create with a name, a calendar, warn_at and
 * the response hours of levels A-D, the other targets keeping their
 * defaults; each policy's page /desk/admin/policies/{id} changes it in
 * place: name, calendar, warn_at, the response, update and resolution
 * hours of every level and the escalation e-mails), RASCI matrices at
 * /desk/admin/rasci (list; create from a textarea, one activity a line:
 * `Activity | Customer cell | Vendor cell`, checked by rasci_matrix_check,
 * whose message names the activity at fault) and the service catalogue at
 * /desk/admin/catalogue (a form adds a service; one form a service changes
 * its name, position, and inclusion and comment per hosting model).
 * Forms answer 303 to their list, or show their page again with 422/409
 * and what was typed.
 */
#include "core/compat.h"
#include "http/pages/pages.h"
#include "core/err.h"
#include "core/strbuf.h"
#include "core/time.h"
#include "domain/account.h"
#include "domain/catalogue.h"
#include "domain/policy.h"
#include "domain/rasci.h"
#include "domain/user.h"
#include "store/store.h"

#include <ctype.h>

#define LIST_MAX 1000   /* policies and calendars a page shows */
#define LEVELS_SHOWN 4  /* A-D: the levels the form sets */

static const char *const level_fields[LEVELS_SHOWN] = {"response_A", "response_B", "response_C",
                                                       "response_D"};

/* ---- SLA policies ------------------------------------------------------------------- */

static const char *calendar_name(const struct calendar_entry *c, size_t n, int64_t id)
{
    for (size_t i = 0; i < n; i++)
        if (c[i].id == id)
            return c[i].name;
    return "";
}

/* A target in hours for people ("4", "0.5"), "" for none. */
static const char *hours_text(int64_t secs, struct arena *a)
{
    return secs ? arena_sprintf(a, "%g", (double)secs / 3600) : "";
}

static json_t *policy_json(const struct sla_policy *p, const struct calendar_entry *c, size_t nc,
                           struct arena *a)
{
    json_t *levels = json_array();

    for (int l = 0; l < LEVELS_SHOWN; l++)
        json_array_append_new(levels,
                              json_pack("{s:s, s:s}", "level", policy_level_names[l], "response",
                                        hours_text(p->target[l].secs[TARGET_RESPONSE], a)));
    return json_pack("{s:I, s:s, s:s, s:s, s:o}", "id", (json_int_t)p->id, "name", p->name,
                     "calendar", calendar_name(c, nc, p->calendar_id), "warn_at",
                     arena_sprintf(a, "%g", p->warn_permille / 1000.0), "levels", levels);
}

static int policies_show(struct req *req, struct res *res, int status, const char *error)
{
    struct store_page pg = {0, LIST_MAX, false}, cpg = {0, LIST_MAX, false};
    struct calendar_entry *c;
    struct sla_policy *p;
    json_t *list, *cals, *typed = json_object();
    size_t n, nc;
    int rc;

    if ((rc = store_policy_list(req->store, &pg, &p, &n, req->arena)) < 0 ||
        (rc = store_calendar_list(req->store, &cpg, &c, &nc, req->arena)) < 0) {
        json_decref(typed);
        return page_error(req, res, rc, "the policies cannot be shown");
    }
    list = json_array();
    cals = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(list, policy_json(&p[i], c, nc, req->arena));
    for (size_t i = 0; i < nc; i++)
        json_array_append_new(cals, json_pack("{s:I, s:s, s:b}", "value", (json_int_t)c[i].id,
                                              "label", c[i].name, "selected",
                                              c[i].id == page_form_id(req, "calendar_id")));
    json_object_set_new(typed, "name", json_string(page_form_str(req, "name")));
    json_object_set_new(typed, "warn_at", json_string(page_form_str(req, "warn_at")));
    json_object_set_new(typed, "warn_empty", json_string(tr("the default")));
    for (int l = 0; l < LEVELS_SHOWN; l++)
        json_object_set_new(typed, level_fields[l], json_string(page_form_str(req, level_fields[l])));
    return page_render(req, res, status, "admin_policies",
                       json_pack("{s:s, s:s?, s:o, s:o, s:o}", "title", tr("SLA policies"), "error",
                                 error, "policies", list, "calendars", cals, "typed", typed));
}

int page_admin_policies(struct req *req, struct res *res) { return policies_show(req, res, 200, NULL); }

/* A decimal number of form field name into *out; false when it is not one. */
static bool form_number(struct req *req, const char *name, double *out)
{
    const char *s = page_number_text(req, page_form_str(req, name));
    char *end;

    errno = 0;
    *out = strtod(s, &end);
    return *s && !*end && !errno;
}

/* Read the create form into p (defaults first); NULL when fine, else why (arena). */
static const char *read_policy(struct req *req, struct sla_policy *p)
{
    const char *why;
    double v;

    policy_defaults(p);
    p->name = page_form_str(req, "name");
    p->calendar_id = page_form_id(req, "calendar_id");
    if (!*p->name)
        return "give the policy a name";
    if ((why = page_line_problem("the name", p->name, 200, req->arena)))
        return why;
    if (!p->calendar_id)
        return "choose the calendar";
    if (*page_form_str(req, "warn_at") &&
        (!form_number(req, "warn_at", &v) || policy_warn_permille(v, &p->warn_permille, &why) < 0))
        return arena_sprintf(req->arena, "warn_at %s", why ? why : "is not a number");
    for (int l = 0; l < LEVELS_SHOWN; l++) {
        if (!*page_form_str(req, level_fields[l]))
            continue; /* the level's default */
        why = NULL;
        if (!form_number(req, level_fields[l], &v) ||
            policy_hours_to_secs(v, &p->target[l].secs[TARGET_RESPONSE], &why) < 0)
            return arena_sprintf(req->arena, "the response hours of %s %s",
                                 policy_level_names[l], why ? why : "are not a number");
    }
    return NULL;
}

int page_admin_policy_create(struct req *req, struct res *res)
{
    struct sla_policy p = {0};
    struct store_fault f = {0};
    const char *why;
    int rc;

    if ((why = read_policy(req, &p)))
        return policies_show(req, res, 422, why);
    if ((rc = store_policy_create(req->store, &req->caller, &p, &f)) < 0)
        return policies_show(req, res, http_status_from_err(rc), page_fault_message(rc, &f));
    return page_saved(req, res, "/desk/admin/policies");
}

/* The edit form's field of level l, target kind k: "A_response", "enhancement_resolution". */
static const char *target_field(int l, int k, struct arena *a)
{
    static const char *const kinds[POLICY_TARGETS] = {"response", "update", "resolution"};

    return arena_sprintf(a, "%s_%s", policy_level_names[l], kinds[k]);
}

/*
 * Policy p's edit page; `typed` shows what the form sent instead of what is
 * stored (a refusal).
 */
static int policy_show(struct req *req, struct res *res, int status, const char *error,
                       const struct sla_policy *p, bool typed)
{
    struct store_page cpg = {0, LIST_MAX, false};
    struct calendar_entry *c;
    struct strbuf emails = STRBUF_INIT;
    json_t *levels = json_array(), *cals;
    int64_t cal = typed ? page_form_id(req, "calendar_id") : p->calendar_id;
    size_t nc;
    int rc;

    if ((rc = store_calendar_list(req->store, &cpg, &c, &nc, req->arena)) < 0) {
        json_decref(levels);
        return page_error(req, res, rc, "the policy cannot be shown");
    }
    cals = json_array();
    for (size_t i = 0; i < nc; i++)
        json_array_append_new(cals, json_pack("{s:I, s:s, s:b}", "value", (json_int_t)c[i].id,
                                              "label", c[i].name, "selected", c[i].id == cal));
    for (int l = 0; l < POLICY_LEVELS; l++) {
        json_t *targets = json_array();

        for (int k = 0; k < POLICY_TARGETS; k++) {
            const char *field = target_field(l, k, req->arena);
            const char *v = typed ? page_form_str(req, field)
                            : p->target[l].set ? hours_text(p->target[l].secs[k], req->arena)
                                               : "";

            json_array_append_new(targets, json_pack("{s:s, s:s}", "field", field, "value", v));
        }
        json_array_append_new(levels, json_pack("{s:s, s:o}", "level", policy_level_names[l],
                                                "targets", targets));
    }
    for (size_t i = 0; i < p->escalation_nr; i++)
        strbuf_addf(&emails, "%s%s", i ? "\n" : "", p->escalation_emails[i]);
    rc = page_render(
        req, res, status, "admin_policy",
        json_pack("{s:s, s:s?, s:I, s:s, s:s, s:o, s:s, s:o, s:s}", "title", tr("SLA policy"),
                  "error", error, "id", (json_int_t)p->id, "warn_empty", "unchanged", "name",
                  typed ? page_form_str(req, "name") : p->name, "calendars", cals, "warn_at",
                  typed ? page_form_str(req, "warn_at")
                        : arena_sprintf(req->arena, "%g", p->warn_permille / 1000.0),
                  "levels", levels, "escalation_emails",
                  typed ? page_form_str(req, "escalation_emails") : emails.buf));
    strbuf_release(&emails);
    return rc;
}

int page_admin_policy(struct req *req, struct res *res)
{
    struct sla_policy p;
    int rc;

    if ((rc = store_policy_get(req->store, req->params[0], &p, req->arena)) < 0)
        return page_error(req, res, rc, "there is no policy %" PRId64, req->params[0]);
    return policy_show(req, res, 200, NULL, &p, false);
}

/* The escalation e-mails, one a line or comma-separated, into patch (arena); NULL or why. */
static const char *read_emails(struct req *req, struct sla_policy_patch *patch)
{
    const char *s = page_form_str(req, "escalation_emails");
    const char **list = ARENA_NEWN(req->arena, const char *, POLICY_MAX_ESCALATION);
    const char *why;

    if ((why = page_text_problem("the escalation e-mails", s, 1 << 16, req->arena)))
        return why;
    patch->escalation_emails = list;
    patch->escalation_nr = 0;
    while (*s) {
        size_t len;
        char *one;

        s += strspn(s, " \t\r\n,");
        if (!(len = strcspn(s, " \t\r\n,")))
            break;
        one = arena_strndup(req->arena, s, len);
        s += len;
        if (patch->escalation_nr == POLICY_MAX_ESCALATION)
            return "a policy has at most 100 escalation e-mails";
        if (len > EMAIL_MAX || !email_valid(one))
            return arena_sprintf(req->arena, "escalation e-mail '%s' is not an e-mail address",
                                 one);
        list[patch->escalation_nr++] = one;
    }
    return NULL;
}

/*
 * The edit form into patch (arena), every level given: an empty field is no
 * target, except the response of A-D, which is the level's default; the
 * enhancement level exists when one of its fields is filled. NULL, or why.
 */
static const char *read_patch(struct req *req, struct sla_policy_patch *patch)
{
    struct sla_policy defaults = {0};
    const char *why;
    double v;

    memset(patch, 0, sizeof(*patch));
    policy_defaults(&defaults);
    patch->name = page_form_str(req, "name");
    patch->calendar_id = page_form_id(req, "calendar_id");
    if (!*patch->name)
        return "give the policy a name";
    if ((why = page_line_problem("the name", patch->name, POLICY_NAME_MAX, req->arena)))
        return why;
    if (!patch->calendar_id)
        return "choose the calendar";
    if (*page_form_str(req, "warn_at") && (!form_number(req, "warn_at", &v) ||
                                          policy_warn_permille(v, &patch->warn_permille, &why) < 0))
        return arena_sprintf(req->arena, "warn_at %s", why ? why : "is not a number");
    for (int l = 0; l < POLICY_LEVELS; l++) {
        struct policy_target *t = &patch->target[l];

        patch->given[l] = true;
        t->set = l != LEVEL_ENHANCEMENT;
        for (int k = 0; k < POLICY_TARGETS; k++) {
            const char *field = target_field(l, k, req->arena);

            if (!*page_form_str(req, field)) {
                t->secs[k] = k == TARGET_RESPONSE ? defaults.target[l].secs[k] : 0;
                continue;
            }
            why = NULL;
            t->set = true;
            if (!form_number(req, field, &v) || policy_hours_to_secs(v, &t->secs[k], &why) < 0)
                return arena_sprintf(req->arena, "the %s hours of %s %s", field + strlen(
                                     policy_level_names[l]) + 1, policy_level_names[l],
                                     why ? why : "are not a number");
        }
    }
    return read_emails(req, patch);
}

/* POST /desk/admin/policies/{id}: the policy as its page's form gives it. */
int page_admin_policy_update(struct req *req, struct res *res)
{
    struct sla_policy_patch patch;
    struct store_fault f = {0};
    struct sla_policy p;
    int64_t id = req->params[0];
    const char *why;
    int rc;

    if ((rc = store_policy_get(req->store, id, &p, req->arena)) < 0)
        return page_error(req, res, rc, "there is no policy %" PRId64, id);
    if ((why = read_patch(req, &patch)))
        return policy_show(req, res, 422, why, &p, true);
    if ((rc = store_policy_update(req->store, &req->caller, id, &patch, &p, &f, req->arena)) < 0)
        return policy_show(req, res, http_status_from_err(rc), page_fault_message(rc, &f), &p,
                           true);
    return page_saved(req, res, "/desk/admin/policies");
}

/* ---- RASCI matrices ----------------------------------------------------------------- */

static const char *const parties[] = {"Customer", "Vendor"};
#define PARTIES_NR 2

static int rasci_show(struct req *req, struct res *res, int status, const char *error)
{
    struct rasci_matrix *m;
    size_t n;
    int rc;

    if ((rc = store_rasci_list(req->store, &req->caller, &m, &n, req->arena)) < 0)
        return page_error(req, res, rc, "the matrices cannot be shown");
    return page_render(req, res, status, "admin_rasci",
                       json_pack("{s:s, s:s?, s:o, s:s, s:s}", "title", tr("Responsibility matrices"),
                                 "error", error, "matrices", page_matrices_json(m, n), "name",
                                 page_form_str(req, "name"), "rows", page_form_str(req, "rows")));
}

int page_admin_rasci(struct req *req, struct res *res) { return rasci_show(req, res, 200, NULL); }

/* s[0..len) without the blanks around it, copied into the arena. */
static char *trimmed(const char *s, size_t len, struct arena *a)
{
    while (len && isspace((unsigned char)*s))
        s++, len--;
    while (len && isspace((unsigned char)s[len - 1]))
        len--;
    char *out = arena_alloc(a, len + 1);

    memcpy(out, s, len);
    out[len] = '\0';
    return out;
}

/* One line "Activity | Customer cell | Vendor cell" into row (arena); NULL or why (arena). */
static const char *parse_line(struct req *req, const char *line, size_t len, struct rasci_row *row)
{
    unsigned *cells = arena_alloc(req->arena, PARTIES_NR * sizeof(*cells));
    const char *end = line + len, *p = line;
    struct strbuf err = STRBUF_INIT;
    const char *why = NULL;

    for (int part = 0; part <= PARTIES_NR; part++) {
        const char *bar = memchr(p, '|', (size_t)(end - p));
        const char *stop = bar && part < PARTIES_NR ? bar : end;

        if (part < PARTIES_NR && !bar)
            return arena_sprintf(req->arena, "line '%s' needs two '|': Activity | %s | %s",
                                 trimmed(line, len, req->arena), parties[0], parties[1]);
        if (part == 0) {
            row->activity = trimmed(p, (size_t)(stop - p), req->arena);
        } else {
            cells[part - 1] = 0;
            if (rasci_cell_parse(p, (size_t)(stop - p), &cells[part - 1], &err) < 0) {
                why = arena_sprintf(req->arena, "activity '%s', %s: %s", row->activity,
                                    parties[part - 1], err.buf);
                break;
            }
        }
        p = stop + 1;
    }
    strbuf_release(&err);
    row->cells = cells;
    return why;
}

/* The textarea's lines (blank ones skipped) into m's rows (arena); NULL or why. */
static const char *parse_rows(struct req *req, const char *text, struct rasci_matrix *m)
{
    struct rasci_row *rows = NULL;
    size_t nr = 0, alloc = 0;

    while (*text) {
        size_t len = strcspn(text, "\r\n");
        const char *why;

        if (*trimmed(text, len, req->arena)) {
            if (nr == RASCI_ROWS_MAX)
                return "too many activities";
            if (nr == alloc) {
                struct rasci_row *more;
                alloc = alloc ? 2 * alloc : 16;
                more = arena_alloc(req->arena, alloc * sizeof(*more));
                if (nr)
                    memcpy(more, rows, nr * sizeof(*rows));
                rows = more;
            }
            if ((why = parse_line(req, text, len, &rows[nr++])))
                return why;
        }
        text += len;
        text += strspn(text, "\r\n");
    }
    m->rows = rows;
    m->nrows = nr;
    return NULL;
}

int page_admin_rasci_create(struct req *req, struct res *res)
{
    struct rasci_matrix m = {0};
    struct store_fault f = {0};
    struct strbuf err = STRBUF_INIT;
    const char *why;
    size_t row;
    int rc;

    m.name = page_form_str(req, "name");
    m.parties = parties;
    m.nparties = PARTIES_NR;
    if (!*m.name)
        return rasci_show(req, res, 422, "give the matrix a name");
    if ((why = page_line_problem("the name", m.name, RASCI_NAME_MAX, req->arena)) ||
        (why = page_text_problem("the activities", page_form_str(req, "rows"), 1 << 20,
                                 req->arena)) ||
        (why = parse_rows(req, page_form_str(req, "rows"), &m)))
        return rasci_show(req, res, 422, why);
    if (rasci_matrix_check(&m, &row, &err) < 0) {
        why = arena_strdup(req->arena, err.buf);
        strbuf_release(&err);
        return rasci_show(req, res, 422, why);
    }
    strbuf_release(&err);
    if ((rc = store_rasci_create(req->store, &req->caller, &m, time_now(), &f)) < 0)
        return rasci_show(req, res, http_status_from_err(rc), page_fault_message(rc, &f));
    return page_saved(req, res, "/desk/admin/rasci");
}

/* ---- the service catalogue ---------------------------------------------------------- */

/* The inclusions as options, `selected` marked. */
static json_t *inclusion_options(enum inclusion selected)
{
    json_t *list = json_array();

    for (int i = 0; inclusion_names[i]; i++)
        json_array_append_new(list, json_pack("{s:s, s:b}", "value", inclusion_names[i],
                                              "selected", (int)selected == i));
    return list;
}

/* The offer of one hosting model: stored (o), or as typed in `<prefix>_...` (o NULL). */
static json_t *offer_json(struct req *req, const struct service_offer *o, const char *prefix)
{
    enum inclusion inc = INCL_INCLUDED;

    if (o)
        return json_pack("{s:o, s:s}", "inclusions", inclusion_options(o->inclusion), "comment",
                         o->comment ? o->comment : "");
    if (inclusion_parse(page_form_str(req, arena_sprintf(req->arena, "%s_inclusion", prefix)),
                        &inc) < 0)
        inc = INCL_INCLUDED;
    return json_pack("{s:o, s:s}", "inclusions", inclusion_options(inc), "comment",
                     page_form_str(req, arena_sprintf(req->arena, "%s_comment", prefix)));
}

/* A service's form fields: stored (s), or as typed (s NULL). */
static json_t *service_form_json(struct req *req, const struct catalogue_service *s)
{
    return json_pack("{s:s, s:s, s:o, s:o}", "edit_name", s ? s->name : page_form_str(req, "name"),
                     "position",
                     s ? arena_sprintf(req->arena, "%" PRId64, s->position)
                       : page_form_str(req, "position"),
                     "vendor", offer_json(req, s ? &s->vendor : NULL, "vendor"), "customer",
                     offer_json(req, s ? &s->customer : NULL, "customer"));
}

/*
 * The catalogue; the form of service `edited` shows what was typed, and
 * the add form does when edited is 0 (empty on a GET).
 */
static int catalogue_show_edited(struct req *req, struct res *res, int status, const char *error,
                                 int64_t edited)
{
    struct catalogue_service *s;
    json_t *list;
    size_t n;
    int rc;

    if ((rc = store_catalogue_list(req->store, &s, &n, req->arena)) < 0)
        return page_error(req, res, rc, "the catalogue cannot be shown");
    list = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *one = service_form_json(req, s[i].id == edited ? NULL : &s[i]);

        json_object_set_new(one, "id", json_integer(s[i].id));
        json_object_set_new(one, "name", json_string(s[i].name));
        json_object_set_new(one, "retired", s[i].retired_at ? page_time(s[i].retired_at, NULL)
                                                            : json_false());
        json_array_append_new(list, one);
    }
    return page_render(req, res, status, "admin_catalogue",
                       json_pack("{s:s, s:s?, s:o, s:o}", "title", tr("Service catalogue"), "error",
                                 error, "services", list, "add",
                                 edited ? json_pack("{s:o, s:o}", "vendor",
                                                    offer_json(req, NULL, "none"), "customer",
                                                    offer_json(req, NULL, "none"))
                                        : service_form_json(req, NULL)));
}

static int catalogue_show(struct req *req, struct res *res, int status, const char *error)
{
    return catalogue_show_edited(req, res, status, error, 0);
}

int page_admin_catalogue(struct req *req, struct res *res) { return catalogue_show(req, res, 200, NULL); }

/* The offer of one hosting model from fields `<prefix>_inclusion`, `<prefix>_comment`. */
static const char *read_offer(struct req *req, const char *prefix, struct service_offer *o)
{
    const char *inc = page_form_str(req, arena_sprintf(req->arena, "%s_inclusion", prefix));

    o->comment = page_form_str(req, arena_sprintf(req->arena, "%s_comment", prefix));
    if (inclusion_parse(inc, &o->inclusion) < 0)
        return arena_sprintf(req->arena, "choose what the %s-hosted model gets", prefix);
    return page_text_problem("the comment", o->comment, SERVICE_COMMENT_MAX, req->arena);
}

/*
 * The form into s and *fields: both offers always; the name when the form
 * has the field (then required), the position when it is filled. NULL or why.
 */
static const char *read_service(struct req *req, struct catalogue_service *s, unsigned *fields)
{
    const char *pos = page_form_str(req, "position"), *why;
    char *end;

    *fields = CF_VENDOR | CF_CUSTOMER;
    if ((s->name = req_form(req, "name"))) {
        if (!*s->name)
            return "give the service a name";
        if ((why = page_line_problem("the name", s->name, SERVICE_NAME_MAX, req->arena)))
            return why;
        *fields |= CF_NAME;
    }
    if (*pos) {
        errno = 0;
        s->position = strtoll(pos, &end, 10);
        if (*end || errno || s->position < 1 || s->position > 1000000)
            return "the position must be a whole number from 1 to 1000000";
        *fields |= CF_POSITION;
    }
    if ((why = read_offer(req, "vendor", &s->vendor)) ||
        (why = read_offer(req, "customer", &s->customer)))
        return why;
    return NULL;
}

/* POST /desk/admin/catalogue: a new service (name and both offers; the position optional). */
int page_admin_catalogue_add(struct req *req, struct res *res)
{
    struct catalogue_service s = {0};
    struct store_fault f = {0};
    unsigned fields;
    const char *why;
    int rc;

    if (!req_form(req, "name"))
        return catalogue_show(req, res, 422, "give the service a name");
    if ((why = read_service(req, &s, &fields)))
        return catalogue_show(req, res, 422, why);
    if ((rc = store_catalogue_save(req->store, &req->caller, &s, fields, time_now(), &f,
                                   req->arena)) < 0)
        return catalogue_show(req, res, http_status_from_err(rc), page_fault_message(rc, &f));
    return page_saved(req, res, "/desk/admin/catalogue");
}

/* POST /desk/admin/catalogue/{id}: a service's offers, and its name and position when given. */
int page_admin_catalogue_save(struct req *req, struct res *res)
{
    struct catalogue_service s = {.id = req->params[0]};
    struct store_fault f = {0};
    unsigned fields;
    const char *why;
    int rc;

    if ((why = read_service(req, &s, &fields)))
        return catalogue_show_edited(req, res, 422, why, s.id);
    rc = store_catalogue_save(req->store, &req->caller, &s, fields, time_now(), &f, req->arena);
    if (rc == DESK_ENOTFOUND)
        return page_error(req, res, rc, "there is no such service");
    if (rc < 0)
        return catalogue_show_edited(req, res, http_status_from_err(rc),
                                     page_fault_message(rc, &f), s.id);
    return page_saved(req, res, "/desk/admin/catalogue");
}

/* POST /desk/admin/catalogue/{id}/retired: retire a service (retired=1) or offer it again. */
int page_admin_catalogue_retired(struct req *req, struct res *res)
{
    struct catalogue_service s;
    int rc;

    rc = store_catalogue_retire(req->store, &req->caller, req->params[0],
                                !strcmp(page_form_str(req, "retired"), "1"), time_now(), &s,
                                req->arena);
    if (rc == DESK_ENOTFOUND)
        return page_error(req, res, rc, "there is no such service");
    if (rc < 0)
        return catalogue_show(req, res, http_status_from_err(rc), page_fault_message(rc, NULL));
    return page_saved(req, res, "/desk/admin/catalogue");
}
