/*
 * fuzz-json.c - libFuzzer target for JSON request bodies: req_json (the body
 * as an object, UTF-8), input_check against field specs of every kind the
 * API uses (string lengths in characters, ids, bounded integers, booleans,
 * enums, numbers, dates, arrays, money, objects), and the domain parsers that
 * read the values of a body: SLA targets (policy_targets_from_json), a
 * calendar (calendar_from_json), RASCI cells, money in decimal text, versions,
 * RFC 3339 times and dates.
 *
 * Input: a request body. A body is accepted, or answered 400 (not an object)
 * or 422 naming a field; an accepted value is within its spec; a domain
 * parser accepts or refuses with a message, and what it accepts formats back
 * into something it accepts again. Never a crash, a leak or UB.
 */
#include "core/compat.h"
#include "core/err.h"
#include "core/strbuf.h"
#include "core/time.h"
#include "core/xalloc.h"
#include "domain/calendar.h"
#include "domain/money.h"
#include "domain/policy.h"
#include "domain/rasci.h"
#include "domain/version.h"
#include "http/input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const severities[] = {"A", "B", "C", "D", NULL};

static const struct field_spec fields[] = {
    {"subject", F_STRING, false, 1, 300, NULL},
    {"body", F_STRING, false, 0, 65536, NULL},
    {"severity", F_ENUM, false, 0, 0, severities},
    {"organization_id", F_ID, false, 0, 0, NULL},
    {"minutes", F_INT, false, 1, 100000, NULL},
    {"internal", F_BOOL, false, 0, 0, NULL},
    {"hours", F_NUMBER, false, -100000, 100000, NULL},
    {"warn_at", F_NUMBER, false, 0, 0, NULL},
    {"on", F_DATE, false, 0, 0, NULL},
    {"tags", F_ARRAY, false, 0, 20, NULL},
    {"amount", F_MONEY, false, 0, 0, NULL},
    {"targets", F_OBJECT, false, 0, 0, NULL},
    {"calendar", F_OBJECT, false, 0, 0, NULL},
    {"cells", F_OBJECT, false, 0, 0, NULL},
    {"price", F_STRING, false, 1, 40, NULL},
    {"version", F_STRING, false, 1, 64, NULL},
    {"at", F_STRING, false, 1, 40, NULL},
};

static void check_values(json_t *in)
{
    const char *s;
    json_t *v;

    if ((s = input_str(in, "subject")) && (utf8_chars(s, strlen(s)) < 1 ||
                                           utf8_chars(s, strlen(s)) > 300))
        BUG("a subject of %zu characters passed", utf8_chars(s, strlen(s)));
    if ((v = json_object_get(in, "minutes")) && json_is_integer(v) &&
        (json_integer_value(v) < 1 || json_integer_value(v) > 100000))
        BUG("minutes %" JSON_INTEGER_FORMAT " passed", json_integer_value(v));
    if ((v = json_object_get(in, "organization_id")) && json_is_integer(v) &&
        json_integer_value(v) < 1)
        BUG("organization_id %" JSON_INTEGER_FORMAT " passed", json_integer_value(v));
    if ((v = json_object_get(in, "amount")) && !json_is_null(v) &&
        (!json_is_integer(v) || json_integer_value(v) < 0 ||
         json_integer_value(v) > MONEY_INPUT_MAX))
        BUG("an amount passed that is not money");
    if ((v = json_object_get(in, "tags")) && json_is_array(v) && json_array_size(v) > 20)
        BUG("%zu tags passed", json_array_size(v));
    if ((v = json_object_get(in, "on")) && json_is_string(v) &&
        input_date(in, "on", -1) == -1)
        BUG("a date passed that does not read back");
}

static void check_domain(json_t *in)
{
    struct strbuf err = STRBUF_INIT;
    struct policy_target target[POLICY_LEVELS];
    bool given[POLICY_LEVELS];
    struct calendar *cal = NULL;
    const struct currency *eur = currency_find("EUR"), *jpy = currency_find("JPY");
    const char *s, *why = NULL;
    json_t *v;

    if ((v = json_object_get(in, "targets")) && json_is_object(v)) {
        if (policy_targets_from_json(v, target, given, &err) < 0 && !err.len)
            BUG("targets refused without a message");
        strbuf_reset(&err);
    }
    if ((v = json_object_get(in, "calendar")) && json_is_object(v)) {
        if (calendar_from_json(v, &cal, &err) == 0)
            calendar_free(cal);
        else if (!err.len)
            BUG("a calendar refused without a message");
        strbuf_reset(&err);
    }
    if ((v = json_object_get(in, "cells")) && json_is_object(v)) {
        const char *key;
        json_t *cell;
        json_object_foreach(v, key, cell) {
            unsigned letters = 0;
            if (!json_is_string(cell))
                continue;
            if (rasci_cell_parse(json_string_value(cell), json_string_length(cell), &letters,
                                 &err) < 0 && !err.len)
                BUG("a RASCI cell refused without a message");
            strbuf_reset(&err);
        }
    }
    if ((s = input_str(in, "price"))) {
        const struct currency *curs[] = {eur, jpy};
        for (size_t i = 0; i < ARRAY_SIZE(curs); i++) {
            int64_t minor, again;
            char text[MONEY_TEXT_LEN];
            if (!curs[i] || money_parse(s, curs[i], &minor) < 0)
                continue;
            money_format(minor, curs[i], 0, text);
            if (money_parse(text, curs[i], &again) < 0 || again != minor)
                BUG("money '%s' formats as '%s', which reads as something else", s, text);
        }
    }
    if ((s = input_str(in, "version"))) {
        char key[VERSION_KEY_MAX];
        int cmp;
        if (version_key(s, key, &why) == 0 && (version_cmp(s, s, &cmp) < 0 || cmp != 0))
            BUG("version '%s' does not equal itself", s);
    }
    if ((s = input_str(in, "at"))) {
        int64_t t, days;
        (void)time_parse_rfc3339(s, strlen(s), &t, &why);
        (void)date_parse(s, strlen(s), &days);
    }
    strbuf_release(&err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct arena a = ARENA_INIT;
    struct req req = {0};
    struct res res = {0};
    json_t *in = NULL;
    char *body;

    if (size > 256 * 1024)
        return 0;
    body = xstrndup((const char *)data, size);
    req.arena = &a;
    req.method = "POST";
    req.path = "/api/v1/fuzz";
    req.body = body;
    req.body_len = size; /* the bytes as sent: a NUL inside is the parser's business */
    if (req_json(&req, &res, &in) == 0) {
        res_release(&res);
        res = (struct res){0};
        if (input_check(in, fields, ARRAY_SIZE(fields), &res) < 0) {
            if (res.status != 422 || !strstr(res.body.buf, "\"field\""))
                BUG("a refused body answered %d without a field", res.status);
        } else {
            check_values(in);
            check_domain(in);
        }
    } else if (res.status != 400) {
        BUG("an unparsable body answered %d", res.status);
    }
    res_release(&res);
    free(body);
    arena_release(&a);
    return 0;
}
