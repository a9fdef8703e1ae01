/*
 * input.h - checking a JSON request body against the fields a route takes.
 *
 * SPEC 5: unknown fields are 422 (a typo must not pass silently), `null`
 * for an optional field is the same as leaving it out, a missing or wrongly
 * typed field is 422 naming it. Strings are valid UTF-8 (jansson checks)
 * and their length is counted in characters.
 */
#ifndef HTTP_INPUT_H
#define HTTP_INPUT_H

#include "http/http.h"

enum field_kind {
    F_STRING,  /* a string of min_len..max_len characters */
    F_LINE,    /* F_STRING that is one line of visible text (utf8_line_problem) */
    F_ID,      /* a positive integer */
    F_INT,     /* any integer in min..max */
    F_BOOL,    /* true or false */
    F_ENUM,    /* a string from values[] */
    F_NUMBER,  /* an integer or a decimal number; in min..max unless both are 0 */
    F_DATE,    /* a real date "YYYY-MM-DD" */
    F_ARRAY,   /* a JSON list of min..max items (max 0: any number) */
    F_MONEY,   /* minor units: an integer in 0..MONEY_INPUT_MAX (a fraction is refused) */
    F_OBJECT,  /* a JSON object */
};

#define MONEY_INPUT_MAX 1000000000000000LL /* 10^15 minor units: sums stay far from overflow */

struct field_spec {
    const char *name;          /* JSON key */
    enum field_kind kind;      /* expected type */
    bool required;             /* missing (or null) is 422 */
    int64_t min, max;          /* F_STRING: length in characters; F_INT: value */
    const char *const *values; /* F_ENUM: NULL-terminated list */
};

/*
 * Check obj against specs. Returns 0, or fills res with 422 naming the first
 * field at fault and returns DESK_EINVAL.
 */
int input_check(json_t *obj, const struct field_spec *specs, size_t n, struct res *res);
/* The string value of key, or NULL when absent or null (after input_check). */
const char *input_str(json_t *obj, const char *key);
/* The integer value of key, or dflt when absent or null. */
int64_t input_int(json_t *obj, const char *key, int64_t dflt);
/* Length of a UTF-8 string in characters. */
size_t utf8_chars(const char *s, size_t bytes);
/* The number value of key (integer or real), or dflt when absent or null. */
double input_number(json_t *obj, const char *key, double dflt);
/* The F_DATE value of key as days since 1970-01-01, or dflt when absent or null. */
int64_t input_date(json_t *obj, const char *key, int64_t dflt);

#endif
