#include "core/compat.h"
#include "http/input.h"
#include "core/utf8.h"
#include "core/err.h"
#include "core/time.h"

size_t utf8_chars(const char *s, size_t bytes)
{
    size_t n = 0;

    for (size_t i = 0; i < bytes; i++)
        n += ((unsigned char)s[i] & 0xc0) != 0x80;
    return n;
}

static const struct field_spec *find_spec(const struct field_spec *specs, size_t n,
                                          const char *key)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(specs[i].name, key))
            return &specs[i];
    return NULL;
}

static int check_enum(const struct field_spec *f, json_t *v, struct res *res)
{
    struct strbuf list = STRBUF_INIT;
    int rc;

    if (!json_is_string(v))
        return res_error(res, DESK_EINVAL, f->name, "%s must be a string", f->name);
    for (const char *const *p = f->values; *p; p++)
        if (!strcmp(*p, json_string_value(v)))
            return 0;
    for (const char *const *p = f->values; *p; p++)
        strbuf_addf(&list, "%s%s", p == f->values ? "" : ", ", *p);
    rc = res_error(res, DESK_EINVAL, f->name, "%s must be one of %s", f->name, list.buf);
    strbuf_release(&list);
    return rc;
}

/* The kinds added after F_ENUM. */
static int check_more(const struct field_spec *f, json_t *v, struct res *res)
{
    int64_t day;

    switch (f->kind) {
    case F_NUMBER:
        if (!json_is_number(v))
            return res_error(res, DESK_EINVAL, f->name, "%s must be a number", f->name);
        if ((f->min || f->max) && (json_number_value(v) < (double)f->min ||
                                   json_number_value(v) > (double)f->max))
            return res_error(res, DESK_EINVAL, f->name, "%s must be a number between %" PRId64
                             " and %" PRId64, f->name, f->min, f->max);
        return 0;
    case F_DATE:
        if (!json_is_string(v) ||
            date_parse(json_string_value(v), json_string_length(v), &day) < 0)
            return res_error(res, DESK_EINVAL, f->name, "%s must be a date YYYY-MM-DD", f->name);
        return 0;
    case F_ARRAY:
        if (!json_is_array(v) || (int64_t)json_array_size(v) < f->min ||
            (f->max && (int64_t)json_array_size(v) > f->max))
            return res_error(res, DESK_EINVAL, f->name, "%s must be a list of %" PRId64
                             " to %" PRId64 " items", f->name, f->min, f->max);
        return 0;
    case F_MONEY:
        if (!json_is_integer(v) || json_integer_value(v) < 0 ||
            json_integer_value(v) > MONEY_INPUT_MAX)
            return res_error(res, DESK_EINVAL, f->name,
                             "%s must be a whole, non-negative number of minor units", f->name);
        return 0;
    case F_OBJECT:
        if (!json_is_object(v))
            return res_error(res, DESK_EINVAL, f->name, "%s must be an object", f->name);
        return 0;
    default:
        return 0;
    }
}

static int check_value(const struct field_spec *f, json_t *v, struct res *res)
{
    switch (f->kind) {
    case F_STRING:
    case F_LINE: {
        size_t n;
        const char *why;
        if (!json_is_string(v))
            return res_error(res, DESK_EINVAL, f->name, "%s must be a string", f->name);
        n = utf8_chars(json_string_value(v), json_string_length(v));
        if (strlen(json_string_value(v)) != json_string_length(v))
            return res_error(res, DESK_EINVAL, f->name, "%s must not contain NUL", f->name);
        if ((int64_t)n < f->min)
            return res_error(res, DESK_EINVAL, f->name, "%s must have at least %" PRId64
                             " characters", f->name, f->min);
        if (f->max && (int64_t)n > f->max)
            return res_error(res, DESK_EINVAL, f->name, "%s must have at most %" PRId64
                             " characters", f->name, f->max);
        if (f->kind == F_LINE &&
            (why = utf8_line_problem(json_string_value(v), json_string_length(v))))
            return res_error(res, DESK_EINVAL, f->name, "%s %s", f->name, why);
        return 0;
    }
    case F_ID:
        if (!json_is_integer(v) || json_integer_value(v) < 1)
            return res_error(res, DESK_EINVAL, f->name, "%s must be a positive integer id",
                             f->name);
        return 0;
    case F_INT:
        if (!json_is_integer(v))
            return res_error(res, DESK_EINVAL, f->name, "%s must be an integer", f->name);
        if (json_integer_value(v) < f->min || json_integer_value(v) > f->max)
            return res_error(res, DESK_EINVAL, f->name, "%s must be between %" PRId64
                             " and %" PRId64, f->name, f->min, f->max);
        return 0;
    case F_BOOL:
        if (!json_is_boolean(v))
            return res_error(res, DESK_EINVAL, f->name, "%s must be true or false", f->name);
        return 0;
    case F_ENUM:
        return check_enum(f, v, res);
    case F_NUMBER:
    case F_DATE:
    case F_ARRAY:
    case F_MONEY:
    case F_OBJECT:
        return check_more(f, v, res);
    }
    return 0;
}

int input_check(json_t *obj, const struct field_spec *specs, size_t n, struct res *res)
{
    const char *key;
    json_t *v;
    int rc;

    json_object_foreach(obj, key, v)
    {
        const struct field_spec *f = find_spec(specs, n, key);
        if (!f)
            return res_error(res, DESK_EINVAL, key, "unknown field '%s'", key);
        if (!json_is_null(v) && (rc = check_value(f, v, res)) < 0)
            return rc;
    }
    for (size_t i = 0; i < n; i++) {
        v = json_object_get(obj, specs[i].name);
        if (specs[i].required && (!v || json_is_null(v)))
            return res_error(res, DESK_EINVAL, specs[i].name, "%s is required", specs[i].name);
    }
    return 0;
}

const char *input_str(json_t *obj, const char *key)
{
    return json_string_value(json_object_get(obj, key));
}

int64_t input_int(json_t *obj, const char *key, int64_t dflt)
{
    json_t *v = json_object_get(obj, key);
    return json_is_integer(v) ? json_integer_value(v) : dflt;
}

double input_number(json_t *obj, const char *key, double dflt)
{
    json_t *v = json_object_get(obj, key);
    return json_is_number(v) ? json_number_value(v) : dflt;
}

int64_t input_date(json_t *obj, const char *key, int64_t dflt)
{
    json_t *v = json_object_get(obj, key);
    int64_t day;

    if (!json_is_string(v) || date_parse(json_string_value(v), json_string_length(v), &day) < 0)
        return dflt;
    return day;
}
