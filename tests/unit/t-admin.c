/*
 * t-admin.c - the admin API in-process: organisations, users, passwords,
 * the sign-in throttle, ending access (disable, sessions, password changes,
 * the token cap), calendars (with iCalendar import) and SLA policies.
 * Every refused write is checked to name its field and to leave the
 * database as it was (rows and audit rows counted).
 */
#include "helpers.h"
#include "core/crypto.h"
#include "core/err.h"
#include "core/time.h"
#include "core/xalloc.h"
#include "domain/addon.h"
#include "domain/organization.h"
#include "domain/policy.h"
#include "domain/signin.h"
#include "http/session.h"
#include "store/store.h"

static struct store *st;
static char path[256];
static char admin_tok[TOKEN_TEXT_LEN + 1], agent_tok[TOKEN_TEXT_LEN + 1];
static char cust_tok[TOKEN_TEXT_LEN + 1], other_tok[TOKEN_TEXT_LEN + 1];
static int64_t agent_id, cust_id, other_id, acme_id, beta_id;

#define CUSTOMER_PASSWORD "customer-password"

/* ---- fixture ---------------------------------------------------------------- */

static void make_token(int64_t user_id, char out[TOKEN_TEXT_LEN + 1])
{
    uint8_t hash[TOKEN_HASH_LEN];
    int64_t now = time_now();

    token_new(out, hash);
    assert_int_equal(store_token_create(st, user_id, hash, now, now + 3600), 0);
}

static int64_t make_user(const char *email, enum role role, int64_t org, const char *hash)
{
    struct caller sys = CALLER_SYSTEM;
    struct user u = {0, email, "Someone", role, org, 0, false, NULL, NULL};

    assert_int_equal(store_user_create(st, &sys, &u, hash), 0);
    return u.id;
}

static int64_t make_org(const char *name)
{
    struct caller sys = CALLER_SYSTEM;
    struct organization o = {0, name, NULL, 0, 0, 0};
    struct store_fault f = {0};

    assert_int_equal(store_org_create(st, &sys, &o, &f), 0);
    return o.id;
}

/* Admin (user 1), Acme and Beta, an agent, a customer of each; a token for each user. */
/* Organisation org buys API access (catalogue service 9, migration 0016): its customers may
   take API tokens (POST /api/v1/tokens). */
static void buy_api_access(int64_t org)
{
    struct caller sys = CALLER_SYSTEM;
    struct store_fault f = {0};
    struct arena a = ARENA_INIT;
    struct addon in = {0, org, 9, NULL, NULL, 0, DATE_NONE, "EUR", 0, "", 0, 0}, out;

    assert_int_equal(store_addon_create(st, &sys, &in, time_now(), &out, &f, &a), 0);
    assert_string_equal(out.feature, "api_access");
    arena_release(&a);
}

static int setup(void **state)
{
    static char hash[PASSWORD_HASH_MAX];
    bool created;

    (void)state;
    st = tmp_store(path, sizeof(path));
    if (!hash[0])
        assert_int_equal(password_hash(CUSTOMER_PASSWORD, hash), 0);
    assert_int_equal(store_admin_ensure(st, "root@example.test", hash, &created), 0);
    acme_id = make_org("Acme");
    beta_id = make_org("Beta");
    agent_id = make_user("agent@example.test", ROLE_AGENT, 0, hash);
    cust_id = make_user("cust@acme.test", ROLE_CUSTOMER, acme_id, hash);
    other_id = make_user("cust@beta.test", ROLE_CUSTOMER, beta_id, hash);
    buy_api_access(acme_id);
    buy_api_access(beta_id);
    make_token(1, admin_tok);
    make_token(agent_id, agent_tok);
    make_token(cust_id, cust_tok);
    make_token(other_id, other_tok);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    tmp_store_free(st, path);
    return 0;
}

#define TEST(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

/* ---- helpers ---------------------------------------------------------------- */

/* sqlite-only: one integer from a query on the SQLite file (callers check test_on_sqlite()). */
static int64_t count(const char *sql)
{
    return sqlite_only_int(path, sql);
}

/* sqlite-only: run a statement on the SQLite file behind the store's back. */
static void sql(const char *q)
{
    sqlite_only_exec(path, q);
}

static json_t *call(const char *method, const char *url, const char *body, const char *token,
                    int status);

/*
 * What an admin write may change, read back through the API: the organisations, users,
 * calendars and policies as listed (in a buffer of n bytes); on SQLite also the audit log's
 * rows and the calendars' versions, which no interface reads (sqlite-only).
 */
static void snapshot(char *out, size_t n)
{
    static const char *const lists[] = {"/api/v1/organizations?limit=1000",
                                        "/api/v1/users?limit=1000",
                                        "/api/v1/calendars?limit=1000",
                                        "/api/v1/sla-policies?limit=1000"};
    size_t len = 0;

    out[0] = '\0';
    for (size_t i = 0; i < ARRAY_SIZE(lists); i++) {
        json_t *j = call("GET", lists[i], NULL, admin_tok, 200);
        char *text = json_dumps(j, JSON_SORT_KEYS | JSON_COMPACT);

        len += (size_t)snprintf(out + len, n - len, "%s|", text);
        assert_true(len < n);
        free(text);
        json_decref(j);
    }
    if (test_on_sqlite())
        snprintf(out + len, n - len, "%" PRId64,
                 count("SELECT (SELECT count(*) FROM audit_log) + "
                       "(SELECT total(version) FROM calendars)"));
}

/* Run a request, check its status; returns the answer's JSON (json_decref it) or NULL. */
static json_t *call(const char *method, const char *url, const char *body, const char *token,
                    int status)
{
    struct exchange x;
    json_t *j;

    exchange_run(&x, st, method, url, body, token);
    if (x.res.status != status)
        fail_msg("%s %s %s: status %d, want %d: %s", method, url, body ? body : "", x.res.status,
                 status, x.res.body.buf);
    j = json_incref(x.json);
    exchange_release(&x);
    return j;
}

/* The items of a list route as the admin. */
static size_t api_count(const char *url)
{
    json_t *j = call("GET", url, NULL, admin_tok, 200);
    size_t n = json_array_size(json_object_get(j, "items"));

    json_decref(j);
    return n;
}

/* The failed sign-ins of email from this address ("" in-process) in the last hour. */
static int64_t failures(const char *email)
{
    struct signin_counts c;

    assert_int_equal(store_sign_in_counts(st, email, "", 0, time_now(), 3600, 1, 0, &c), 0);
    return c.pair_failures;
}

/* The live tokens of user_id, through the store. */
static size_t live_tokens(int64_t user_id)
{
    struct credential *items;
    struct arena a = ARENA_INIT;
    size_t nr, n = 0;

    assert_int_equal(
        store_credential_list(st, user_id, time_now(), SESSION_IDLE_DEFAULT, &items, &nr, &a), 0);
    for (size_t i = 0; i < nr; i++)
        n += items[i].kind == CRED_TOKEN;
    arena_release(&a);
    return n;
}

/* How many calendars have definition (canonical JSON), through the store. */
static int calendars_defined_as(const char *definition)
{
    struct store_page pg = {0, 1000, false};
    struct calendar_entry *items;
    struct arena a = ARENA_INIT;
    size_t nr;
    int n = 0;

    assert_int_equal(store_calendar_list(st, &pg, &items, &nr, &a), 0);
    for (size_t i = 0; i < nr; i++)
        n += !strcmp(items[i].definition, definition);
    arena_release(&a);
    return n;
}

/* Calendar id's version (1 when made, bumped by every change), through the store. */
static int64_t calendar_version(int64_t id)
{
    struct calendar_entry c;
    struct arena a = ARENA_INIT;

    assert_int_equal(store_calendar_get(st, id, &c, &a), 0);
    arena_release(&a);
    return c.version;
}

/* A refused request: its status, the field it names (NULL: none), and nothing changed (snapshot). */
static void refused(const char *method, const char *url, const char *body, int status,
                    const char *field)
{
    static char before[1 << 16], after[1 << 16];
    const char *got;
    json_t *j;

    snapshot(before, sizeof(before));
    j = call(method, url, body, admin_tok, status);
    got = json_string_value(json_object_get(json_object_get(j, "error"), "field"));

    if (field && (!got || strcmp(got, field)))
        fail_msg("%s %s %s: field '%s', want '%s'", method, url, body, got ? got : "(none)", field);
    if (!field && got)
        fail_msg("%s %s %s: field '%s', want none", method, url, body, got);
    snapshot(after, sizeof(after));
    assert_string_equal(after, before);
    json_decref(j);
}

static const char *str(json_t *j, const char *key)
{
    return json_string_value(json_object_get(j, key));
}

#define REPEAT_MAX 1100 /* longest repeat() */

/* A string of n copies of c (static buffer; n < REPEAT_MAX). */
static const char *repeat(char c, size_t n)
{
    static char buf[REPEAT_MAX];

    CHECK(n < sizeof(buf));
    memset(buf, c, n);
    buf[n] = '\0';
    return buf;
}

/* ---- organisations ------------------------------------------------------------ */

static void test_org_create_validation(void **state)
{
    char body[REPEAT_MAX + 512];
    json_t *j;

    (void)state;
    refused("POST", "/api/v1/organizations", "{}", 422, "name");
    refused("POST", "/api/v1/organizations", "{\"name\":null}", 422, "name");
    refused("POST", "/api/v1/organizations", "{\"name\":\"\"}", 422, "name");
    refused("POST", "/api/v1/organizations", "{\"name\":42}", 422, "name");
    snprintf(body, sizeof(body), "{\"name\":\"%s\"}", repeat('n', 201));
    refused("POST", "/api/v1/organizations", body, 422, "name");
    refused("POST", "/api/v1/organizations", "{\"name\":\"X\",\"nmae\":1}", 422, "nmae");
    refused("POST", "/api/v1/organizations", "{\"name\":\"X\",\"domains\":\"x.test\"}", 422,
            "domains");
    refused("POST", "/api/v1/organizations", "{\"name\":\"X\",\"domains\":[7]}", 422, "domains[0]");
    refused("POST", "/api/v1/organizations", "{\"name\":\"X\",\"domains\":[\"ok.test\",\"nodot\"]}",
            422, "domains[1]");
    refused("POST", "/api/v1/organizations", "{\"name\":\"X\",\"domains\":[\"-a.test\"]}", 422,
            "domains[0]");
    refused("POST", "/api/v1/organizations", "{\"name\":\"X\",\"domains\":[\"a..test\"]}", 422,
            "domains[0]");
    refused("POST", "/api/v1/organizations", "{\"name\":\"X\",\"domains\":[\"a.123\"]}", 422,
            "domains[0]");
    snprintf(body, sizeof(body), "{\"name\":\"X\",\"domains\":[\"%s.test\"]}", repeat('a', 64));
    refused("POST", "/api/v1/organizations", body, 422, "domains[0]");
    refused("POST", "/api/v1/organizations", "{\"name\":", 400, NULL);
    refused("POST", "/api/v1/organizations", "[\"name\"]", 400, NULL);
    refused("POST", "/api/v1/organizations", "{\"name\":\"acme\"}", 409, "name");

    j = call("POST", "/api/v1/organizations",
             "{\"name\":\"Gamma\",\"domains\":[\"Gamma.TEST\",\"gamma.test\",\"mail.gamma.test\"]}",
             admin_tok, 201);
    assert_string_equal(str(j, "name"), "Gamma");
    assert_int_equal(json_array_size(json_object_get(j, "domains")), 2); /* lower-cased, once */
    assert_string_equal(json_string_value(json_array_get(json_object_get(j, "domains"), 0)),
                        "gamma.test");
    json_decref(j);
    refused("POST", "/api/v1/organizations", "{\"name\":\"Delta\",\"domains\":[\"GAMMA.test\"]}",
            409, "domains");
    /* sqlite-only: the audit log has no read interface */
    if (test_on_sqlite())
        assert_int_equal(count("SELECT count(*) FROM audit_log WHERE entity = 'organization' AND "
                               "action = 'create' AND after LIKE '%gamma.test%'"),
                         1);
}

static void test_org_update(void **state)
{
    char url[64];
    json_t *j;

    (void)state;
    snprintf(url, sizeof(url), "/api/v1/organizations/%" PRId64, acme_id);
    j = call("PATCH", url, "{\"domains\":[\"acme.test\"]}", admin_tok, 200);
    assert_string_equal(str(j, "name"), "Acme");
    json_decref(j);
    refused("PATCH", url, "{\"name\":\"BETA\"}", 409, "name");
    refused("PATCH", url, "{\"name\":\"\"}", 422, "name");
    refused("PATCH", url, "{\"domains\":[\"x\"]}", 422, "domains[0]");
    refused("PATCH", url, "{\"id\":3}", 422, "id");
    refused("PATCH", "/api/v1/organizations/999", "{\"name\":\"Zeta\"}", 404, NULL);
    j = call("PATCH", url, "{\"name\":\"Acme Utilities\",\"domains\":null}", admin_tok, 200);
    assert_string_equal(str(j, "name"), "Acme Utilities");
    assert_int_equal(json_array_size(json_object_get(j, "domains")), 1); /* null: unchanged */
    json_decref(j);
    /* sqlite-only: the audit log has no read interface */
    if (test_on_sqlite())
        assert_int_equal(count("SELECT count(*) FROM audit_log WHERE entity = 'organization' AND "
                               "action = 'update' AND before LIKE '%\"Acme\"%' AND "
                               "after LIKE '%Acme Utilities%'"),
                         1);
}

static void test_org_reads_by_role(void **state)
{
    char mine[64], theirs[64];
    json_t *j;

    (void)state;
    snprintf(mine, sizeof(mine), "/api/v1/organizations/%" PRId64, acme_id);
    snprintf(theirs, sizeof(theirs), "/api/v1/organizations/%" PRId64, beta_id);
    json_decref(call("GET", mine, NULL, cust_tok, 200));
    json_decref(call("GET", theirs, NULL, cust_tok, 404)); /* as if it did not exist */
    json_decref(call("GET", theirs, NULL, agent_tok, 200));
    j = call("GET", "/api/v1/organizations", NULL, cust_tok, 200);
    assert_int_equal(json_array_size(json_object_get(j, "items")), 1);
    json_decref(j);
    j = call("GET", "/api/v1/organizations", NULL, agent_tok, 200);
    assert_int_equal(json_array_size(json_object_get(j, "items")), 2);
    assert_true(json_is_null(json_object_get(j, "next_cursor")));
    json_decref(j);
    json_decref(call("POST", "/api/v1/organizations", "{\"name\":\"Z\"}", agent_tok, 403));
    json_decref(call("PATCH", mine, "{\"name\":\"Z\"}", cust_tok, 403));
    json_decref(call("GET", "/api/v1/organizations/abc", NULL, admin_tok, 404));
}

static void test_paging(void **state)
{
    char url[128];
    json_t *j;

    (void)state;
    make_org("Gamma");
    j = call("GET", "/api/v1/organizations?limit=2", NULL, admin_tok, 200);
    assert_int_equal(json_array_size(json_object_get(j, "items")), 2);
    assert_non_null(str(j, "next_cursor"));
    snprintf(url, sizeof(url), "/api/v1/organizations?limit=2&cursor=%s", str(j, "next_cursor"));
    json_decref(j);
    make_org("Delta"); /* inserted between pages: keyset paging still sees everything once */
    j = call("GET", url, NULL, admin_tok, 200);
    assert_int_equal(json_array_size(json_object_get(j, "items")), 2);
    assert_string_equal(str(json_array_get(json_object_get(j, "items"), 0), "name"), "Gamma");
    json_decref(j);
    json_decref(call("GET", "/api/v1/organizations?limit=0", NULL, admin_tok, 400));
    json_decref(call("GET", "/api/v1/organizations?limit=1001", NULL, admin_tok, 400));
    json_decref(call("GET", "/api/v1/organizations?limit=x", NULL, admin_tok, 400));
    json_decref(call("GET", "/api/v1/users?cursor=-5", NULL, admin_tok, 400));
    json_decref(call("GET", "/api/v1/calendars?limit=1000", NULL, admin_tok, 200));
}

/* ---- users ----------------------------------------------------------------------- */

static void test_user_create_validation(void **state)
{
    char body[REPEAT_MAX + 512];
    json_t *j;

    (void)state;
#define USER(fields)                                                                               \
    "{\"email\":\"new@acme.test\",\"name\":\"New\",\"password\":\"long-enough\"," fields "}"
    refused("POST", "/api/v1/users",
            "{\"name\":\"N\",\"role\":\"agent\",\"password\":\"long-enough\"}", 422, "email");
    refused("POST", "/api/v1/users", USER("\"role\":\"agent\",\"email\":\"nope\""), 400, NULL);
    refused("POST", "/api/v1/users",
            "{\"email\":\"nope\",\"name\":\"N\",\"role\":\"agent\",\"password\":\"long-enough\"}",
            422, "email");
    refused("POST", "/api/v1/users", USER("\"role\":\"boss\""), 422, "role");
    refused("POST", "/api/v1/users", USER("\"role\":1"), 422, "role");
    refused("POST", "/api/v1/users", USER("\"role\":\"customer\""), 422, "organization_id");
    refused("POST", "/api/v1/users", USER("\"role\":\"customer\",\"organization_id\":999"), 422,
            "organization_id");
    refused("POST", "/api/v1/users", USER("\"role\":\"customer\",\"organization_id\":\"1\""), 422,
            "organization_id");
    refused("POST", "/api/v1/users", USER("\"role\":\"agent\",\"organization_id\":1"), 422,
            "organization_id");
    refused("POST", "/api/v1/users", USER("\"role\":\"agent\",\"notify\":true"), 422, "notify");
    refused("POST", "/api/v1/users",
            "{\"email\":\"n@acme.test\",\"name\":\"N\",\"role\":\"agent\",\"password\":\"short\"}",
            422, "password");
    refused("POST", "/api/v1/users",
            "{\"email\":\"n@acme.test\",\"name\":\"N\",\"role\":\"agent\",\"password\":12345678}",
            422, "password");
    snprintf(body, sizeof(body),
             "{\"email\":\"n@acme.test\",\"name\":\"%s\",\"role\":\"agent\",\"password\":\"long-"
             "enough\"}",
             repeat('n', 201));
    refused("POST", "/api/v1/users", body, 422, "name");
    snprintf(body, sizeof(body),
             "{\"email\":\"n@acme.test\",\"name\":\"N\",\"role\":\"agent\",\"password\":\"%s\"}",
             repeat('p', 1025));
    refused("POST", "/api/v1/users", body, 422, "password");
    refused("POST", "/api/v1/users",
            "{\"email\":\"CUST@Acme.test\",\"name\":\"N\",\"role\":\"agent\",\"password\":\"long-"
            "enough\"}",
            409, "email");

    snprintf(body, sizeof(body), USER("\"role\":\"customer\",\"organization_id\":%" PRId64),
             acme_id);
    j = call("POST", "/api/v1/users", body, admin_tok, 201);
    assert_string_equal(str(j, "role"), "customer");
    assert_int_equal(json_integer_value(json_object_get(j, "organization_id")), acme_id);
    assert_false(json_is_true(json_object_get(j, "notify")));
    assert_null(json_object_get(j, "password"));
    assert_null(json_object_get(j, "password_hash"));
    json_decref(j);
    /* sqlite-only: the audit log has no read interface */
    if (test_on_sqlite())
        assert_int_equal(count("SELECT count(*) FROM audit_log WHERE entity = 'user' AND "
                               "(after LIKE '%long-enough%' OR after LIKE '%argon2%')"),
                         0);
    json_decref(call("POST", "/api/v1/tokens",
                     "{\"email\":\"new@acme.test\",\"password\":\"long-enough\"}", NULL, 201));
#undef USER
}

static void test_user_reads_by_role(void **state)
{
    char self[64], other[64];
    json_t *j;

    (void)state;
    snprintf(self, sizeof(self), "/api/v1/users/%" PRId64, cust_id);
    snprintf(other, sizeof(other), "/api/v1/users/%" PRId64, other_id);
    json_decref(call("GET", "/api/v1/users", NULL, cust_tok, 403));
    json_decref(call("GET", self, NULL, cust_tok, 200));
    json_decref(call("GET", "/api/v1/users/1", NULL, cust_tok, 404));
    json_decref(call("GET", other, NULL, cust_tok, 404));
    json_decref(call("GET", other, NULL, agent_tok, 200));
    json_decref(call("GET", "/api/v1/users/999", NULL, admin_tok, 404));
    j = call("GET", "/api/v1/users?limit=3", NULL, agent_tok, 200);
    assert_int_equal(json_array_size(json_object_get(j, "items")), 3);
    assert_string_equal(str(j, "next_cursor"), "3");
    json_decref(j);
    j = call("GET", "/api/v1/users?cursor=3", NULL, agent_tok, 200);
    assert_int_equal(json_array_size(json_object_get(j, "items")), 1);
    assert_true(json_is_null(json_object_get(j, "next_cursor")));
    json_decref(j);
    json_decref(call("PATCH", self, "{\"name\":\"X\"}", agent_tok, 403));
    json_decref(call("POST", "/api/v1/users", "{}", agent_tok, 403));
}

static void test_user_update(void **state)
{
    char url[64], body[128];
    json_t *j;

    (void)state;
    snprintf(url, sizeof(url), "/api/v1/users/%" PRId64, cust_id);
    refused("PATCH", url, "{\"email\":\"x@y.test\"}", 422, "email");
    refused("PATCH", url, "{\"role\":\"king\"}", 422, "role");
    refused("PATCH", url, "{\"notify\":\"yes\"}", 422, "notify");
    refused("PATCH", url, "{\"organization_id\":999}", 422, "organization_id");
    refused("PATCH", url, "{\"password\":\"short\"}", 422, "password");
    refused("PATCH", url, "{\"role\":\"agent\",\"organization_id\":1}", 422, "organization_id");
    refused("PATCH", "/api/v1/users/1", "{\"role\":\"agent\"}", 422, "role"); /* itself */
    refused("PATCH", "/api/v1/users/999", "{\"name\":\"N\"}", 404, NULL);
    snprintf(url, sizeof(url), "/api/v1/users/%" PRId64, agent_id);
    refused("PATCH", url, "{\"role\":\"customer\"}", 422, "organization_id");

    snprintf(url, sizeof(url), "/api/v1/users/%" PRId64, cust_id);
    snprintf(body, sizeof(body), "{\"organization_id\":%" PRId64 ",\"notify\":true}", beta_id);
    j = call("PATCH", url, body, admin_tok, 200);
    assert_int_equal(json_integer_value(json_object_get(j, "organization_id")), beta_id);
    assert_true(json_is_true(json_object_get(j, "notify")));
    json_decref(j);
    j = call("PATCH", url, "{\"role\":\"agent\",\"password\":\"a-new-password\"}", admin_tok, 200);
    assert_string_equal(str(j, "role"), "agent");
    assert_true(json_is_null(json_object_get(j, "organization_id"))); /* staff: dropped */
    json_decref(j);
    j = call("GET", url, NULL, admin_tok, 200); /* stored so */
    assert_string_equal(str(j, "role"), "agent");
    assert_true(json_is_null(json_object_get(j, "organization_id")));
    json_decref(j);
    /* sqlite-only: the audit log has no read interface */
    if (test_on_sqlite())
        assert_int_equal(count("SELECT count(*) FROM audit_log WHERE entity = 'user' AND "
                               "action = 'update' AND after LIKE '%\"password_changed\":true%' AND "
                               "after NOT LIKE '%a-new-password%' AND after NOT LIKE '%argon2%'"),
                         1);
    json_decref(call("POST", "/api/v1/tokens",
                     "{\"email\":\"cust@acme.test\",\"password\":\"a-new-password\"}", NULL, 201));
    j = call("PATCH", url, "{}", admin_tok, 200); /* nothing to change: no write */
    json_decref(j);
    /* sqlite-only: the audit log has no read interface */
    if (test_on_sqlite())
        assert_int_equal(count("SELECT count(*) FROM audit_log WHERE entity = 'user' AND "
                               "action = 'update'"),
                         2);
}

static void test_password_change(void **state)
{
    (void)state;
    json_decref(call("POST", "/api/v1/me/password", "{\"new_password\":\"another-password\"}",
                     cust_tok, 422));
    json_decref(call("POST", "/api/v1/me/password",
                     "{\"old_password\":\"" CUSTOMER_PASSWORD "\",\"new_password\":\"short\"}",
                     cust_tok, 422));
    json_decref(call("POST", "/api/v1/me/password",
                     "{\"old_password\":\"wrong-password\",\"new_password\":\"another-password\"}",
                     cust_tok, 422));
    assert_int_equal(failures("cust@acme.test"), 1); /* it counts */
    json_decref(call("POST", "/api/v1/me/password",
                     "{\"old_password\":\"" CUSTOMER_PASSWORD "\",\"new_password\":\"another-"
                     "password\"}",
                     cust_tok, 204));
    json_decref(call("POST", "/api/v1/tokens",
                     "{\"email\":\"cust@acme.test\",\"password\":\"" CUSTOMER_PASSWORD "\"}", NULL,
                     401));
    json_decref(call("POST", "/api/v1/tokens",
                     "{\"email\":\"cust@acme.test\",\"password\":\"another-password\"}", NULL,
                     201));
    json_decref(call("POST", "/api/v1/me/password", "{}", NULL, 401));
}

/* ---- sign-in limit --------------------------------------------------------------- */

#define WRONG "{\"email\":\"cust@acme.test\",\"password\":\"wrong-password\"}"
#define RIGHT "{\"email\":\"cust@acme.test\",\"password\":\"" CUSTOMER_PASSWORD "\"}"

/* The Retry-After of a 429 to RIGHT, as a number. */
static int64_t retry_after(void)
{
    struct exchange x;
    int64_t secs = -1;

    exchange_run(&x, st, "POST", "/api/v1/tokens", RIGHT, NULL);
    assert_int_equal(x.res.status, 429);
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(x.json, "error"), "code")),
        "too_many_requests");
    for (size_t i = 0; i < x.res.nheaders; i++)
        if (!strcmp(x.res.headers[i].key, "Retry-After"))
            secs = strtoll(x.res.headers[i].value, NULL, 10);
    exchange_release(&x);
    return secs;
}

/*
 * Issue 12: no hard lock. Failures back off per (address, account): five are
 * free, then 2 s, 4 s, ... after the latest; the right password waits too.
 * Unknown accounts behave the same (no enumeration by the throttle).
 */
static void test_sign_in_limit(void **state)
{
    int64_t secs;

    (void)state;
    for (int i = 0; i < 5; i++)
        json_decref(call("POST", "/api/v1/tokens", WRONG, NULL, 401));
    secs = retry_after(); /* the right password is refused too: checked first */
    assert_true(secs >= 1 && secs <= 2);
    assert_int_equal(signin_backoff(4), 0);
    assert_int_equal(signin_backoff(5), 2);
    assert_int_equal(signin_backoff(7), 8);
    assert_int_equal(signin_backoff(40), 900);
    json_decref(call("POST", "/api/v1/tokens",
                     "{\"email\":\"agent@example.test\",\"password\":\"" CUSTOMER_PASSWORD "\"}",
                     NULL, 201)); /* per account */
    /*
     * sqlite-only: failures at chosen times are written into the file (the store records
     * them only at the time they happen)
     */
    if (test_on_sqlite()) {
        /* the password change is held to the same throttle (7 failures now: wait 8 s) */
        sql("DELETE FROM sign_in_failures");
        for (int i = 0; i < 7; i++)
            sql("INSERT INTO sign_in_failures VALUES ('cust@acme.test', '', unixepoch())");
        json_decref(call("POST", "/api/v1/me/password",
                         "{\"old_password\":\"" CUSTOMER_PASSWORD "\",\"new_password\":\"another-"
                         "password\"}",
                         cust_tok, 429));
        /* the backoff doubles: 7 failures, the latest 3 s ago, wait 8 s after it */
        sql("DELETE FROM sign_in_failures");
        for (int i = 0; i < 7; i++)
            sql("INSERT INTO sign_in_failures VALUES ('cust@acme.test', '', unixepoch() - 3)");
        secs = retry_after();
        assert_true(secs >= 4 && secs <= 5);
        sql("UPDATE sign_in_failures SET at = at - 6");
        json_decref(call("POST", "/api/v1/tokens", RIGHT, NULL, 201)); /* waited long enough */
    }
    /* an unknown e-mail: the same answers, counted the same way */
    for (int i = 0; i < 5; i++)
        json_decref(call("POST", "/api/v1/tokens",
                         "{\"email\":\"Nobody@acme.test\",\"password\":\"wrong-password\"}",
                         NULL, 401));
    json_decref(call("POST", "/api/v1/tokens",
                     "{\"email\":\"nobody@acme.test\",\"password\":\"wrong-password\"}", NULL,
                     429));
    assert_int_equal(failures("nobody@acme.test"), 5);
}

/* The ceiling per account: 100 failures an hour from elsewhere stop strangers, not known places. */
/* sqlite-only: 100 failures from elsewhere an hour ago, and tokens from another address, are
 * written into the file (the store records them only as they happen, from where they come) */
static void test_sign_in_ceiling(void **state)
{
    int64_t secs;

    (void)state;
    SQLITE_ONLY();
    sql("UPDATE tokens SET address = '10.9.9.9'"); /* made elsewhere: this address is unknown */
    sql("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100) "
        "INSERT INTO sign_in_failures SELECT 'cust@acme.test', '10.0.0.' || (i % 50), "
        "unixepoch() - 600 + i FROM n");
    secs = retry_after(); /* this address ("" in-process) never signed in as the customer */
    assert_true(secs > 2900 && secs <= 3001); /* the 100th latest, now - 599, leaves the hour */
    sql("UPDATE tokens SET address = '' WHERE user_id = (SELECT id FROM users WHERE email = "
        "'cust@acme.test')");
    json_decref(call("POST", "/api/v1/tokens", RIGHT, NULL, 201)); /* a known address */
}

/* ---- ending access (issue 12) ---------------------------------------------------------- */

static void test_disable(void **state)
{
    char url[96], tok[TOKEN_TEXT_LEN + 1];
    json_t *j;

    (void)state;
    snprintf(url, sizeof(url), "/api/v1/users/%" PRId64, cust_id);
    json_decref(call("GET", "/api/v1/me", NULL, cust_tok, 200));
    json_decref(call("PATCH", url, "{\"disabled\":true}", agent_tok, 403)); /* admins only */
    refused("PATCH", url, "{\"disabled\":\"yes\"}", 422, "disabled");
    j = call("PATCH", url, "{\"disabled\":true}", admin_tok, 200);
    assert_true(json_is_true(json_object_get(j, "disabled")));
    json_decref(j);
    json_decref(call("GET", "/api/v1/me", NULL, cust_tok, 401)); /* its token ended at once */
    assert_int_equal(live_tokens(cust_id), 0);
    j = call("POST", "/api/v1/tokens", RIGHT, NULL, 403); /* sign-in refused */
    json_decref(j);
    json_decref(call("POST", "/api/v1/tokens", WRONG, NULL, 401)); /* no hint without it */
    /* a token made behind the server's back still does not work while disabled */
    make_token(cust_id, tok);
    json_decref(call("GET", "/api/v1/me", NULL, tok, 401));
    j = call("PATCH", url, "{\"disabled\":false}", admin_tok, 200);
    assert_true(json_is_false(json_object_get(j, "disabled")));
    json_decref(j);
    json_decref(call("GET", "/api/v1/me", NULL, tok, 200));
    json_decref(call("POST", "/api/v1/tokens", RIGHT, NULL, 201));
    /* an admin cannot disable itself (nobody might be left to undo it) */
    refused("PATCH", "/api/v1/users/1", "{\"disabled\":true}", 422, "disabled");
}

static void test_sessions_list_and_end(void **state)
{
    char url[96];
    json_t *j, *items;

    (void)state;
    json_decref(call("POST", "/api/v1/tokens", RIGHT, NULL, 201));
    snprintf(url, sizeof(url), "/api/v1/users/%" PRId64 "/sessions", cust_id);
    json_decref(call("GET", url, NULL, agent_tok, 403));
    json_decref(call("GET", "/api/v1/users/999/sessions", NULL, admin_tok, 404));
    j = call("GET", url, NULL, admin_tok, 200);
    items = json_object_get(j, "items");
    assert_int_equal(json_array_size(items), 2);
    assert_string_equal(str(json_array_get(items, 0), "kind"), "token");
    assert_non_null(str(json_array_get(items, 0), "last_seen_at"));
    assert_null(json_object_get(json_array_get(items, 0), "hash"));
    {
        char *text = json_dumps(j, 0);
        assert_null(strstr(text, cust_tok)); /* never the secret */
        free(text);
    }
    json_decref(j);
    json_decref(call("DELETE", url, NULL, agent_tok, 403));
    json_decref(call("DELETE", url, NULL, admin_tok, 204));
    json_decref(call("GET", "/api/v1/me", NULL, cust_tok, 401));
    j = call("GET", url, NULL, admin_tok, 200);
    assert_int_equal(json_array_size(json_object_get(j, "items")), 0);
    json_decref(j);
    json_decref(call("DELETE", "/api/v1/users/999/sessions", NULL, admin_tok, 404));
}

/* A new password ends the user's other credentials; by an admin, all of them. */
static void test_password_ends_others(void **state)
{
    char url[96], second[TOKEN_TEXT_LEN + 1];

    (void)state;
    make_token(cust_id, second);
    json_decref(call("POST", "/api/v1/me/password",
                     "{\"old_password\":\"" CUSTOMER_PASSWORD "\",\"new_password\":\"another-"
                     "password\"}",
                     cust_tok, 204));
    json_decref(call("GET", "/api/v1/me", NULL, cust_tok, 200)); /* the one in use stays */
    json_decref(call("GET", "/api/v1/me", NULL, second, 401));   /* the others end */
    snprintf(url, sizeof(url), "/api/v1/users/%" PRId64, cust_id);
    json_decref(call("PATCH", url, "{\"password\":\"third-password\"}", admin_tok, 200));
    json_decref(call("GET", "/api/v1/me", NULL, cust_tok, 401)); /* an admin's change: all */
    json_decref(call("GET", "/api/v1/me", NULL, admin_tok, 200));
    json_decref(call("PATCH", "/api/v1/users/1", "{\"password\":\"admin-password-2\"}",
                     admin_tok, 200));
    json_decref(call("GET", "/api/v1/me", NULL, admin_tok, 200)); /* its own change keeps it */
}

/* Live tokens per user are capped (tokens-per-user, 20): the oldest is revoked. */
static void test_token_cap(void **state)
{
    (void)state;
    for (int i = 0; i < 21; i++)
        json_decref(call("POST", "/api/v1/tokens", RIGHT, NULL, 201));
    assert_int_equal(live_tokens(cust_id), 20);
    json_decref(call("GET", "/api/v1/me", NULL, cust_tok, 401)); /* the oldest went first */
}

/* ---- calendars ---------------------------------------------------------------------- */

#define CAL(fields) "{\"name\":\"Support\",\"timezone\":\"Europe/Copenhagen\"," fields "}"

static void test_calendar_validation(void **state)
{
    char body[REPEAT_MAX + 512];
    json_t *j;

    (void)state;
    refused("POST", "/api/v1/calendars", CAL("\"hours\":{\"fri\":[\"14:30-08:00\"]}"), 422,
            "hours.fri[0]");
    refused("POST", "/api/v1/calendars",
            CAL("\"hours\":{\"mon\":[\"08:00-16:00\"],\"fri\":[\"08:00-12:00\",\"25:00-26:00\"]}"),
            422, "hours.fri[1]");
    refused("POST", "/api/v1/calendars", CAL("\"hours\":{\"fry\":[\"08:00-16:00\"]}"), 422,
            "hours.fry");
    refused("POST", "/api/v1/calendars", CAL("\"hours\":{\"mon\":\"08:00-16:00\"}"), 422,
            "hours.mon");
    refused("POST", "/api/v1/calendars", CAL("\"hours\":{}"), 422, "hours");
    refused("POST", "/api/v1/calendars", CAL("\"hours\":[]"), 422, "hours");
    refused("POST", "/api/v1/calendars", CAL("\"hours\":null"), 422, "hours");
    refused(
        "POST", "/api/v1/calendars",
        CAL("\"hours\":{\"mon\":[\"08:00-16:00\"]},\"holidays\":[\"2026-12-24\",\"2026-02-30\"]"),
        422, "holidays[1]");
    refused("POST", "/api/v1/calendars",
            CAL("\"hours\":{\"mon\":[\"08:00-16:00\"]},\"holidays\":\"2026-12-24\""), 422,
            "holidays");
    refused("POST", "/api/v1/calendars",
            CAL("\"hours\":{\"mon\":[\"08:00-16:00\"]},\"weekends\":true"), 422, "weekends");
    refused("POST", "/api/v1/calendars",
            "{\"name\":\"S\",\"timezone\":\"Mars/Olympus\",\"hours\":{\"mon\":[\"08:00-16:00\"]}}",
            422, "timezone");
    refused("POST", "/api/v1/calendars", "{\"name\":\"S\",\"hours\":{\"mon\":[\"08:00-16:00\"]}}",
            422, "timezone");
    refused("POST", "/api/v1/calendars",
            "{\"timezone\":\"UTC\",\"hours\":{\"mon\":[\"08:00-16:00\"]}}", 422, "name");
    snprintf(body, sizeof(body),
             "{\"name\":\"S\",\"timezone\":\"%s\",\"hours\":{\"mon\":[\"08:00-16:00\"]}}",
             repeat('z', 65));
    refused("POST", "/api/v1/calendars", body, 422, "timezone");

    j = call("POST", "/api/v1/calendars",
             CAL("\"hours\":{\"fri\":[\"12:00-14:30\",\"08:00-12:00\"],\"mon\":[\"08:00-16:00\"],"
                 "\"sun\":null},\"holidays\":[\"2026-12-25\",\"2026-12-24\",\"2026-12-25\"]"),
             admin_tok, 201);
    assert_string_equal(str(j, "name"), "Support");
    assert_string_equal(str(j, "timezone"), "Europe/Copenhagen");
    assert_string_equal(
        json_string_value(json_array_get(json_object_get(json_object_get(j, "hours"), "fri"), 0)),
        "08:00-14:30"); /* merged */
    assert_int_equal(json_array_size(json_object_get(j, "holidays")), 2);
    json_decref(j);
    assert_int_equal(
        calendars_defined_as(
            "{\"timezone\":\"Europe/Copenhagen\",\"hours\":{\"mon\":[\"08:00-16:00\"],"
            "\"fri\":[\"08:00-14:30\"]},\"holidays\":[\"2026-12-24\",\"2026-12-25\"]}"),
        1);
    refused("POST", "/api/v1/calendars",
            "{\"name\":\"SUPPORT\",\"timezone\":\"UTC\",\"hours\":{\"mon\":[\"00:00-24:00\"]}}",
            409, "name");
    json_decref(call("POST", "/api/v1/calendars",
                     "{\"name\":\"X\",\"timezone\":\"UTC\",\"hours\":{\"mon\":[\"09:00-17:00\"]}}",
                     agent_tok, 403));
    json_decref(call("GET", "/api/v1/calendars/1", NULL, cust_tok, 200));
    json_decref(call("GET", "/api/v1/calendars/2", NULL, cust_tok, 404));
}

#define ICS_BEGIN "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//svcdesk//test//EN\r\n"
#define ICS_END "END:VCALENDAR\r\n"
#define ICS_EVENT(uid, body)                                                                       \
    "BEGIN:VEVENT\r\nUID:" uid "\r\nDTSTAMP:20250101T000000Z\r\n" body "END:VEVENT\r\n"

static void test_calendar_holidays(void **state)
{
    const char *ics = ICS_BEGIN ICS_EVENT("x", "DTSTART;VALUE=DATE:20261224\r\n"
                                               "DTEND;VALUE=DATE:20261227\r\n") ICS_END;
    json_t *j;

    (void)state;
    json_decref(call("POST", "/api/v1/calendars",
                     CAL("\"hours\":{\"mon\":[\"08:00-16:00\"]},\"holidays\":[\"2026-12-25\"]"),
                     admin_tok, 201));
    j = call("POST", "/api/v1/calendars/1/holidays", ics, admin_tok, 200);
    assert_int_equal(json_array_size(json_object_get(j, "added")), 2); /* 24th and 26th */
    assert_string_equal(json_string_value(json_array_get(json_object_get(j, "added"), 1)),
                        "2026-12-26");
    json_decref(j);
    assert_int_equal(calendar_version(1), 2);
    j = call("POST", "/api/v1/calendars/1/holidays", ics, admin_tok, 200);
    assert_int_equal(json_array_size(json_object_get(j, "added")), 0); /* nothing new: no write */
    json_decref(j);
    assert_int_equal(calendar_version(1), 2);
    /* sqlite-only: the audit log has no read interface */
    if (test_on_sqlite())
        assert_int_equal(count("SELECT count(*) FROM audit_log WHERE entity = 'calendar' AND "
                               "action = 'update' AND after LIKE '%2026-12-26%'"),
                         1);
    refused("POST", "/api/v1/calendars/1/holidays", "not a calendar", 422, NULL);
    refused("POST", "/api/v1/calendars/9/holidays", ics, 404, NULL);
    json_decref(call("POST", "/api/v1/calendars/1/holidays", ics, agent_tok, 403));

    j = call("PATCH", "/api/v1/calendars/1", "{\"hours\":{\"tue\":[\"10:00-12:00\"]}}", admin_tok,
             200);
    assert_null(json_object_get(json_object_get(j, "hours"), "mon"));     /* hours replaced */
    assert_int_equal(json_array_size(json_object_get(j, "holidays")), 3); /* kept */
    json_decref(j);
    refused("PATCH", "/api/v1/calendars/1", "{\"hours\":{\"tue\":[\"12:00-10:00\"]}}", 422,
            "hours.tue[0]");
    refused("PATCH", "/api/v1/calendars/1", "{\"timezone\":\"Nowhere/Land\"}", 422, "timezone");
    refused("PATCH", "/api/v1/calendars/1", "{\"colour\":\"red\"}", 422, "colour");
    assert_int_equal(calendar_version(1), 3);
}

/* ---- SLA policies ---------------------------------------------------------------------- */

/* Policy 1's target of kind at level in working seconds (0: none), through the store. */
static int64_t target_secs(enum policy_level level, enum policy_target_kind kind)
{
    struct sla_policy p;
    struct arena a = ARENA_INIT;
    int64_t secs;

    assert_int_equal(store_policy_get(st, 1, &p, &a), 0);
    secs = p.target[level].secs[kind];
    arena_release(&a);
    return secs;
}

/* Policy 1's warning threshold in permille, through the store. */
static int stored_warn_permille(void)
{
    struct sla_policy p;
    struct arena a = ARENA_INIT;
    int w;

    assert_int_equal(store_policy_get(st, 1, &p, &a), 0);
    w = p.warn_permille;
    arena_release(&a);
    return w;
}

#define POL(fields) "{\"name\":\"Std\",\"calendar_id\":1," fields "}"

static void test_policy_validation(void **state)
{
    char body[16384];
    size_t n;

    (void)state;
    json_decref(call("POST", "/api/v1/calendars",
                     "{\"name\":\"C\",\"timezone\":\"UTC\",\"hours\":{\"mon\":[\"09:00-17:00\"]}}",
                     admin_tok, 201));
    refused("POST", "/api/v1/sla-policies", "{\"calendar_id\":1}", 422, "name");
    refused("POST", "/api/v1/sla-policies", "{\"name\":\"Std\"}", 422, "calendar_id");
    refused("POST", "/api/v1/sla-policies", "{\"name\":\"Std\",\"calendar_id\":0}", 422,
            "calendar_id");
    refused("POST", "/api/v1/sla-policies", "{\"name\":\"Std\",\"calendar_id\":77}", 422,
            "calendar_id");
    refused("POST", "/api/v1/sla-policies", POL("\"warn_at\":0"), 422, "warn_at");
    refused("POST", "/api/v1/sla-policies", POL("\"warn_at\":1.01"), 422, "warn_at");
    refused("POST", "/api/v1/sla-policies", POL("\"warn_at\":-0.5"), 422, "warn_at");
    refused("POST", "/api/v1/sla-policies", POL("\"warn_at\":\"0.5\""), 422, "warn_at");
    refused("POST", "/api/v1/sla-policies", POL("\"warn_at\":0.0004"), 422, "warn_at");
    refused("POST", "/api/v1/sla-policies", POL("\"targets\":[]"), 422, "targets");
    refused("POST", "/api/v1/sla-policies", POL("\"targets\":{\"E\":{}}"), 422, "targets.E");
    refused("POST", "/api/v1/sla-policies", POL("\"targets\":{\"a\":{}}"), 422, "targets.a");
    refused("POST", "/api/v1/sla-policies", POL("\"targets\":{\"A\":4}"), 422, "targets.A");
    refused("POST", "/api/v1/sla-policies", POL("\"targets\":{\"A\":{\"respons_hours\":4}}"), 422,
            "targets.A.respons_hours");
    refused("POST", "/api/v1/sla-policies", POL("\"targets\":{\"B\":{\"response_hours\":\"4\"}}"),
            422, "targets.B.response_hours");
    refused("POST", "/api/v1/sla-policies", POL("\"targets\":{\"C\":{\"update_hours\":0}}"), 422,
            "targets.C.update_hours");
    refused("POST", "/api/v1/sla-policies", POL("\"targets\":{\"D\":{\"resolution_hours\":-1}}"),
            422, "targets.D.resolution_hours");
    refused("POST", "/api/v1/sla-policies", POL("\"targets\":{\"A\":{\"response_hours\":0.0001}}"),
            422, "targets.A.response_hours"); /* 0.36 s rounds to 0 */
    refused("POST", "/api/v1/sla-policies",
            POL("\"targets\":{\"enhancement\":{\"response_hours\":1e12}}"), 422,
            "targets.enhancement.response_hours");
    refused("POST", "/api/v1/sla-policies", POL("\"escalation_emails\":[\"ok@x.test\",\"bad\"]"),
            422, "escalation_emails[1]");
    refused("POST", "/api/v1/sla-policies", POL("\"escalation_emails\":\"ok@x.test\""), 422,
            "escalation_emails");
    n = (size_t)snprintf(body, sizeof(body),
                         "{\"name\":\"Std\",\"calendar_id\":1,\"escalation_emails\":[");
    for (int i = 0; i < 101; i++)
        n += (size_t)snprintf(body + n, sizeof(body) - n, "%s\"e%d@x.test\"", i ? "," : "", i);
    snprintf(body + n, sizeof(body) - n, "]}");
    refused("POST", "/api/v1/sla-policies", body, 422, "escalation_emails");
    refused("POST", "/api/v1/sla-policies", POL("\"owner\":1"), 422, "owner");
    assert_int_equal(api_count("/api/v1/sla-policies?limit=1000"), 0);
}

static void test_policy_hours_and_defaults(void **state)
{
    char url[64];
    json_t *j, *t;

    (void)state;
    json_decref(call("POST", "/api/v1/calendars",
                     "{\"name\":\"C\",\"timezone\":\"UTC\",\"hours\":{\"mon\":[\"09:00-17:00\"]}}",
                     admin_tok, 201));
    j = call(
        "POST", "/api/v1/sla-policies",
        POL("\"targets\":{\"A\":{\"response_hours\":1.5,\"update_hours\":0.00125,"
            "\"resolution_hours\":null},\"C\":{\"resolution_hours\":40},\"D\":null,"
            "\"enhancement\":{\"response_hours\":0.1}},\"escalation_emails\":[\"Boss@x.test\"]"),
        admin_tok, 201);
    t = json_object_get(j, "targets");
    assert_true(json_number_value(json_object_get(json_object_get(t, "A"), "response_hours")) ==
                1.5);
    assert_true(json_is_null(json_object_get(json_object_get(t, "A"), "resolution_hours")));
    assert_int_equal(json_integer_value(json_object_get(json_object_get(t, "B"), "response_hours")),
                     8); /* left out: the default */
    assert_int_equal(json_integer_value(json_object_get(json_object_get(t, "C"), "response_hours")),
                     16); /* level given without it: the level's default */
    assert_int_equal(json_integer_value(json_object_get(json_object_get(t, "D"), "response_hours")),
                     16);
    assert_true(json_number_value(
                    json_object_get(json_object_get(t, "enhancement"), "response_hours")) == 0.1);
    assert_true(json_number_value(json_object_get(j, "warn_at")) == 0.75);
    assert_string_equal(
        json_string_value(json_array_get(json_object_get(j, "escalation_emails"), 0)),
        "Boss@x.test");
    json_decref(j);
    assert_int_equal(target_secs(LEVEL_A, TARGET_RESPONSE), 5400);
    assert_int_equal(target_secs(LEVEL_A, TARGET_UPDATE), 5); /* 4.5 s, half up */
    assert_int_equal(target_secs(LEVEL_A, TARGET_RESOLUTION), 0);
    assert_int_equal(target_secs(LEVEL_C, TARGET_RESOLUTION), 40 * 3600);
    assert_int_equal(target_secs(LEVEL_ENHANCEMENT, TARGET_RESPONSE), 360);
    assert_int_equal(stored_warn_permille(), 750);
    refused("POST", "/api/v1/sla-policies", "{\"name\":\"STD\",\"calendar_id\":1}", 409, "name");

    j = call("POST", "/api/v1/sla-policies",
             "{\"name\":\"Plain\",\"calendar_id\":1,\"warn_at\":0.9}", admin_tok, 201);
    t = json_object_get(j, "targets");
    assert_int_equal(json_integer_value(json_object_get(json_object_get(t, "A"), "response_hours")),
                     4);
    assert_true(json_is_null(json_object_get(t, "enhancement"))); /* no clock by default */
    assert_true(json_number_value(json_object_get(j, "warn_at")) == 0.9);
    /* its id, not 2: PostgreSQL's ids skip what a refused insert took */
    snprintf(url, sizeof(url), "/api/v1/sla-policies/%" PRId64,
             (int64_t)json_integer_value(json_object_get(j, "id")));
    json_decref(j);
    json_decref(call("GET", url, NULL, cust_tok, 200));
    j = call("GET", "/api/v1/sla-policies", NULL, other_tok, 200);
    assert_int_equal(json_array_size(json_object_get(j, "items")), 2);
    json_decref(j);
}

static void test_policy_update(void **state)
{
    json_t *j, *t;

    (void)state;
    json_decref(call("POST", "/api/v1/calendars",
                     "{\"name\":\"C\",\"timezone\":\"UTC\",\"hours\":{\"mon\":[\"09:00-17:00\"]}}",
                     admin_tok, 201));
    json_decref(call("POST", "/api/v1/sla-policies",
                     POL("\"targets\":{\"A\":{\"response_hours\":2,\"resolution_hours\":8}}"),
                     admin_tok, 201));
    refused("PATCH", "/api/v1/sla-policies/1", "{\"calendar_id\":9}", 422, "calendar_id");
    refused("PATCH", "/api/v1/sla-policies/1", "{\"targets\":{\"B\":{\"x\":1}}}", 422,
            "targets.B.x");
    refused("PATCH", "/api/v1/sla-policies/9", "{\"name\":\"N\"}", 404, NULL);
    j = call("PATCH", "/api/v1/sla-policies/1",
             "{\"targets\":{\"B\":{\"response_hours\":2.5}},\"warn_at\":1}", admin_tok, 200);
    t = json_object_get(j, "targets");
    assert_true(json_number_value(json_object_get(json_object_get(t, "B"), "response_hours")) ==
                2.5);
    assert_int_equal(
        json_integer_value(json_object_get(json_object_get(t, "A"), "resolution_hours")),
        8); /* levels not given are kept */
    assert_int_equal(json_integer_value(json_object_get(j, "warn_at")), 1);
    json_decref(j);
    assert_int_equal(target_secs(LEVEL_B, TARGET_RESPONSE), 9000);
    /* sqlite-only: the audit log has no read interface */
    if (test_on_sqlite())
        assert_int_equal(count("SELECT count(*) FROM audit_log WHERE entity = 'sla_policy'"), 2);
    json_decref(call("PATCH", "/api/v1/sla-policies/1", "{\"name\":\"N\"}", agent_tok, 403));
}

SUITE(admin, TEST(test_org_create_validation), TEST(test_org_update), TEST(test_org_reads_by_role),
      TEST(test_paging), TEST(test_user_create_validation), TEST(test_user_reads_by_role),
      TEST(test_user_update), TEST(test_password_change), TEST(test_sign_in_limit),
      TEST(test_sign_in_ceiling), TEST(test_disable), TEST(test_sessions_list_and_end),
      TEST(test_password_ends_others), TEST(test_token_cap),
      TEST(test_calendar_validation), TEST(test_calendar_holidays), TEST(test_policy_validation),
      TEST(test_policy_hours_and_defaults), TEST(test_policy_update))
