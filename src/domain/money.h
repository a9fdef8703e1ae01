/*
 * money.h - amounts as integer minor units of an ISO 4217 currency.
 *
 * Never floating point: an amount is an int64_t count of the currency's
 * minor unit (cents for EUR, yen for JPY, fils for KWD), and the currency
 * says how many decimals that unit is (its ISO 4217 exponent: 0 for JPY,
 * 3 for KWD and the other dinars, 2 for most). Arithmetic that divides
 * (minutes x an hourly rate) rounds half up, that is half away from zero,
 * to the minor unit; overflow is an error, never a wrap. Pure: no I/O.
 */
#ifndef DOMAIN_MONEY_H
#define DOMAIN_MONEY_H

#include "core/compat.h"

#define CURRENCY_LEN 4    /* "EUR" plus NUL */
#define MONEY_TEXT_LEN 32 /* "-9,223,372,036,854,775.807" plus NUL, with room */
#define MONEY_MAX_DIGITS 18

struct currency {
    const char *code; /* "EUR": three upper-case letters */
    int exponent;     /* decimals of the minor unit: 0, 2 or 3 */
};

/* The currency with this code (exact, upper case), or NULL when it is not a known ISO 4217 code. */
const struct currency *currency_find(const char *code);

enum money_format_flags {
    MONEY_GROUP = 1 << 0, /* thousands separated by ',' ("12,500.00") */
};

/*
 * Write amount (minor units of cur) as decimal text into out: "1234.50" for
 * 123450 EUR, "1234" for 1234 JPY, "1.250" for 1250 KWD, with a leading '-'
 * when negative. Returns out.
 */
char *money_format(int64_t amount, const struct currency *cur, unsigned flags,
                   char out[MONEY_TEXT_LEN]);
/*
 * Parse decimal text ("1234.5", "-3", "0.125") into minor units of cur.
 * At most cur->exponent decimals (more would need rounding: refused), at
 * most MONEY_MAX_DIGITS digits in minor units (the decimals cur->exponent
 * implies count, so what money_format writes reads back). Returns 0 or
 * DESK_EINVAL.
 */
int money_parse(const char *s, const struct currency *cur, int64_t *out);
/*
 * A number as people type it in a form, into the plain form money_parse and strtod read
 * ("1234.5"), in out (cap bytes): spaces (also no-break and thin) between digits go; with
 * both '.' and ',' the last is the decimal mark and the other groups thousands ("1.500,25",
 * "1,500.25"); a single ',' is the decimal mark ("12,5") unless exactly three digits follow
 * it, which also reads as thousands in English ("1,500"): refused as ambiguous, as are
 * several decimal marks. Returns 0, or DESK_EINVAL (out then undefined).
 */
int number_text_normalize(const char *in, char *out, size_t cap);

/*
 * *out = a * b / d rounded half away from zero (d > 0): the one place where
 * money is divided, e.g. minutes x rate an hour / 60. Returns 0, or
 * DESK_EINVAL when a * b does not fit in 64 bits.
 */
int money_muldiv(int64_t a, int64_t b, int64_t d, int64_t *out);
/* *sum += v; DESK_EINVAL (and *sum unchanged) on overflow. */
int money_add(int64_t *sum, int64_t v);

#endif
