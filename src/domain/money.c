#include "core/compat.h"
#include "domain/money.h"
#include "core/err.h"

/*
 * The active ISO 4217 codes (list one, 2024), sorted for bsearch. Exponent
 * 0: currencies without a minor unit in use; 3: the dinars and the rial
 * with thousandths; every other code has 2.
 */
static const struct currency currencies[] = {
    {"AED", 2}, {"AFN", 2}, {"ALL", 2}, {"AMD", 2}, {"ANG", 2}, {"AOA", 2}, {"ARS", 2}, {"AUD", 2},
    {"AWG", 2}, {"AZN", 2}, {"BAM", 2}, {"BBD", 2}, {"BDT", 2}, {"BGN", 2}, {"BHD", 3}, {"BIF", 0},
    {"BMD", 2}, {"BND", 2}, {"BOB", 2}, {"BRL", 2}, {"BSD", 2}, {"BTN", 2}, {"BWP", 2}, {"BYN", 2},
    {"BZD", 2}, {"CAD", 2}, {"CDF", 2}, {"CHF", 2}, {"CLP", 0}, {"CNY", 2}, {"COP", 2}, {"CRC", 2},
    {"CUP", 2}, {"CVE", 2}, {"CZK", 2}, {"DJF", 0}, {"DKK", 2}, {"DOP", 2}, {"DZD", 2}, {"EGP", 2},
    {"ERN", 2}, {"ETB", 2}, {"EUR", 2}, {"FJD", 2}, {"FKP", 2}, {"GBP", 2}, {"GEL", 2}, {"GHS", 2},
    {"GIP", 2}, {"GMD", 2}, {"GNF", 0}, {"GTQ", 2}, {"GYD", 2}, {"HKD", 2}, {"HNL", 2}, {"HTG", 2},
    {"HUF", 2}, {"IDR", 2}, {"ILS", 2}, {"INR", 2}, {"IQD", 3}, {"IRR", 2}, {"ISK", 0}, {"JMD", 2},
    {"JOD", 3}, {"JPY", 0}, {"KES", 2}, {"KGS", 2}, {"KHR", 2}, {"KMF", 0}, {"KPW", 2}, {"KRW", 0},
    {"KWD", 3}, {"KYD", 2}, {"KZT", 2}, {"LAK", 2}, {"LBP", 2}, {"LKR", 2}, {"LRD", 2}, {"LSL", 2},
    {"LYD", 3}, {"MAD", 2}, {"MDL", 2}, {"MGA", 2}, {"MKD", 2}, {"MMK", 2}, {"MNT", 2}, {"MOP", 2},
    {"MRU", 2}, {"MUR", 2}, {"MVR", 2}, {"MWK", 2}, {"MXN", 2}, {"MYR", 2}, {"MZN", 2}, {"NAD", 2},
    {"NGN", 2}, {"NIO", 2}, {"NOK", 2}, {"NPR", 2}, {"NZD", 2}, {"OMR", 3}, {"PAB", 2}, {"PEN", 2},
    {"PGK", 2}, {"PHP", 2}, {"PKR", 2}, {"PLN", 2}, {"PYG", 0}, {"QAR", 2}, {"RON", 2}, {"RSD", 2},
    {"RUB", 2}, {"RWF", 0}, {"SAR", 2}, {"SBD", 2}, {"SCR", 2}, {"SDG", 2}, {"SEK", 2}, {"SGD", 2},
    {"SHP", 2}, {"SLE", 2}, {"SOS", 2}, {"SRD", 2}, {"SSP", 2}, {"STN", 2}, {"SVC", 2}, {"SYP", 2},
    {"SZL", 2}, {"THB", 2}, {"TJS", 2}, {"TMT", 2}, {"TND", 3}, {"TOP", 2}, {"TRY", 2}, {"TTD", 2},
    {"TWD", 2}, {"TZS", 2}, {"UAH", 2}, {"UGX", 0}, {"USD", 2}, {"UYU", 2}, {"UZS", 2}, {"VES", 2},
    {"VND", 0}, {"VUV", 0}, {"WST", 2}, {"XAF", 0}, {"XCD", 2}, {"XOF", 0}, {"XPF", 0}, {"YER", 2},
    {"ZAR", 2}, {"ZMW", 2}, {"ZWL", 2},
};

static int compare_code(const void *key, const void *elem)
{
    return strcmp(key, ((const struct currency *)elem)->code);
}

const struct currency *currency_find(const char *code)
{
    if (!code || strlen(code) != 3)
        return NULL;
    return bsearch(code, currencies, ARRAY_SIZE(currencies), sizeof(currencies[0]), compare_code);
}

/* The decimal digits of |v|, most significant first, into digits; returns their count. */
static size_t magnitude_digits(int64_t v, char digits[24])
{
    uint64_t m = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    char tmp[24];
    size_t n = 0;

    do {
        tmp[n++] = (char)('0' + m % 10);
        m /= 10;
    } while (m);
    for (size_t i = 0; i < n; i++)
        digits[i] = tmp[n - 1 - i];
    return n;
}

char *money_format(int64_t amount, const struct currency *cur, unsigned flags,
                   char out[MONEY_TEXT_LEN])
{
    char digits[24];
    size_t n = magnitude_digits(amount, digits), exp = (size_t)cur->exponent, j = 0, whole;

    if (amount < 0)
        out[j++] = '-';
    /* pad with leading zeros so that there is at least one digit before the point */
    while (n <= exp) {
        memmove(digits + 1, digits, n++);
        digits[0] = '0';
    }
    whole = n - exp;
    for (size_t i = 0; i < whole; i++) {
        if ((flags & MONEY_GROUP) && i && (whole - i) % 3 == 0)
            out[j++] = ',';
        out[j++] = digits[i];
    }
    if (exp) {
        out[j++] = '.';
        memcpy(out + j, digits + whole, exp);
        j += exp;
    }
    out[j] = '\0';
    return out;
}

int money_parse(const char *s, const struct currency *cur, int64_t *out)
{
    bool neg = *s == '-', point = false;
    int64_t v = 0;
    int decimals = 0, ndigits = 0;

    s += neg;
    for (; *s; s++) {
        if (*s == '.' && !point && ndigits) {
            point = true;
            continue;
        }
        if (*s < '0' || *s > '9' || ++ndigits > MONEY_MAX_DIGITS)
            return DESK_EINVAL;
        if (point && ++decimals > cur->exponent)
            return DESK_EINVAL;
        v = v * 10 + (*s - '0');
    }
    if (!ndigits || (point && !decimals))
        return DESK_EINVAL;
    for (; decimals < cur->exponent; decimals++) { /* the minor units count too */
        if (++ndigits > MONEY_MAX_DIGITS || v > INT64_MAX / 10)
            return DESK_EINVAL;
        v *= 10;
    }
    *out = neg ? -v : v;
    return 0;
}

int number_text_normalize(const char *in, char *out, size_t cap)
{
    const char *last_dot = NULL, *last_comma = NULL, *mark = NULL;
    size_t n = 0, commas = 0, dots = 0, after = 0;
    char group = 0;

    for (const char *p = in; *p; p++) {
        if (*p == '.')
            dots++, last_dot = p;
        else if (*p == ',')
            commas++, last_comma = p;
    }
    if (dots && commas) { /* the last one marks the decimals, the other groups */
        mark = last_dot > last_comma ? last_dot : last_comma;
        group = *mark == '.' ? ',' : '.';
        if ((*mark == '.' ? dots : commas) > 1)
            return DESK_EINVAL;
    } else if (commas == 1) {
        for (const char *p = last_comma + 1; *p >= '0' && *p <= '9'; p++)
            after++;
        if (after == 3 && !last_comma[4])
            return DESK_EINVAL; /* "1,500": fifteen hundred or one and a half? */
        mark = last_comma;
    } else if (commas > 1) {
        return DESK_EINVAL;
    } else if (dots == 1) {
        mark = last_dot;
    } else if (dots > 1) {
        return DESK_EINVAL;
    }
    for (const char *p = in; *p; p++) {
        const unsigned char c = (unsigned char)*p;
        if (c == ' ' || (char)c == group)
            continue;
        if (c == 0xC2 && (unsigned char)p[1] == 0xA0) { /* no-break space */
            p++;
            continue;
        }
        if (c == 0xE2 && (unsigned char)p[1] == 0x80 && (unsigned char)p[2] == 0xAF) {
            p += 2; /* narrow no-break space */
            continue;
        }
        if (n + 2 > cap)
            return DESK_EINVAL;
        out[n++] = p == mark ? '.' : *p;
    }
    out[n] = '\0';
    return 0;
}

int money_muldiv(int64_t a, int64_t b, int64_t d, int64_t *out)
{
    int64_t p, q, r;

    if (d <= 0 || __builtin_mul_overflow(a, b, &p))
        return DESK_EINVAL;
    q = p / d;
    r = p % d; /* same sign as p */
    if (r < 0 ? -r >= d - -r : r >= d - r)
        q += p < 0 ? -1 : 1; /* |r| >= d / 2: the half goes away from zero */
    *out = q;
    return 0;
}

int money_add(int64_t *sum, int64_t v)
{
    int64_t s;

    if (__builtin_add_overflow(*sum, v, &s))
        return DESK_EINVAL;
    *sum = s;
    return 0;
}
