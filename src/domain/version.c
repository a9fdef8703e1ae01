/*
 * version.c - parsing versions into sort keys (see version.h for the rules).
 *
 * Key layout: each number as one length character ('1'..'9') and its
 * significant digits, which orders numbers of different lengths by value;
 * numbers joined by '~'; trailing zero numbers dropped (5.10.0 is 5.10).
 * Then '.' for a release, or '-' and the encoded suffix for a pre-release:
 * '-' < '.' < '~' puts 5.1-rc1 < 5.1 < 5.1.1. In the suffix, letters are
 * lower-cased, dots stay, and digit runs are encoded as numbers are.
 */
#include "core/compat.h"
#include "domain/version.h"
#include "core/err.h"

#define MAX_DIGITS 9 /* significant digits of one number: the length fits one character */

struct keybuf {
    char *out;  /* VERSION_KEY_MAX bytes */
    size_t len; /* bytes written */
};

static void put(struct keybuf *k, char c)
{
    if (k->len + 1 < VERSION_KEY_MAX)
        k->out[k->len++] = c;
}

static bool is_digit(char c) { return c >= '0' && c <= '9'; }

static bool is_alnum(char c)
{
    return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/*
 * Read the digit run at *p into the key as a length character and its
 * significant digits; *p moves past it. False when it has more than
 * MAX_DIGITS significant digits.
 */
static bool put_number(struct keybuf *k, const char **p)
{
    const char *s = *p, *end;

    while (*s == '0' && is_digit(s[1]))
        s++;
    for (end = s; is_digit(*end); end++)
        ;
    if (end - s > MAX_DIGITS)
        return false;
    put(k, (char)('0' + (end - s)));
    for (; s < end; s++)
        put(k, *s);
    *p = end;
    return true;
}

/* Is this number, as written from p, zero? */
static bool number_is_zero(const char *p)
{
    for (; is_digit(*p); p++)
        if (*p != '0')
            return false;
    return true;
}

/* The numbers of s up to its end or '-': their key, trailing zeros dropped. */
static int put_numbers(struct keybuf *k, const char *s, const char **rest, const char **why)
{
    const char *p = s;
    size_t parts = 0, keep_len = 0;

    for (;;) {
        bool zero;
        if (!is_digit(*p))
            return *why = "expected a number", DESK_EINVAL;
        if (++parts > VERSION_MAX_PARTS)
            return *why = "has more than 8 numbers", DESK_EINVAL;
        zero = number_is_zero(p);
        if (parts > 1)
            put(k, '~');
        if (!put_number(k, &p))
            return *why = "has a number longer than 9 digits", DESK_EINVAL;
        if (!zero || parts == 1)
            keep_len = k->len;
        if (*p != '.')
            break;
        p++;
    }
    k->len = keep_len; /* 5.10.0 is 5.10 */
    *rest = p;
    return 0;
}

static int put_suffix(struct keybuf *k, const char *s, const char **why)
{
    size_t n = strlen(s);

    if (n == 0)
        return *why = "has an empty pre-release suffix", DESK_EINVAL;
    if (n > VERSION_MAX_SUFFIX)
        return *why = "has a pre-release suffix longer than 32 characters", DESK_EINVAL;
    if (!is_alnum(s[0]) || !is_alnum(s[n - 1]))
        return *why = "has a pre-release suffix that does not start and end with a letter "
                      "or digit",
               DESK_EINVAL;
    put(k, '-');
    while (*s) {
        if (is_digit(*s)) {
            if (!put_number(k, &s))
                return *why = "has a number longer than 9 digits", DESK_EINVAL;
            continue;
        }
        if (*s == '.' && s[1] == '.')
            return *why = "has two dots in a row", DESK_EINVAL;
        if (*s != '.' && !is_alnum(*s))
            return *why = "has a pre-release suffix that is not letters, digits and dots",
                   DESK_EINVAL;
        put(k, *s >= 'A' && *s <= 'Z' ? (char)(*s - 'A' + 'a') : *s);
        s++;
    }
    return 0;
}

int version_key(const char *s, char key[VERSION_KEY_MAX], const char **why)
{
    struct keybuf k = {key, 0};
    const char *dummy, *rest;
    int rc;

    if (!why)
        why = &dummy;
    key[0] = '\0';
    if (!s || !*s)
        return *why = "is empty", DESK_EINVAL;
    if (strlen(s) > VERSION_MAX_LEN)
        return *why = "is longer than 64 characters", DESK_EINVAL;
    if ((rc = put_numbers(&k, s, &rest, why)) < 0)
        return rc;
    if (*rest == '-')
        rc = put_suffix(&k, rest + 1, why);
    else if (*rest)
        return *why = "has something other than numbers, dots and a '-suffix'", DESK_EINVAL;
    else
        put(&k, '.');
    if (rc < 0) {
        key[0] = '\0';
        return rc;
    }
    key[k.len] = '\0';
    return 0;
}

bool version_valid(const char *s)
{
    char key[VERSION_KEY_MAX];
    return version_key(s, key, NULL) == 0;
}

int version_cmp(const char *a, const char *b, int *out)
{
    char ka[VERSION_KEY_MAX], kb[VERSION_KEY_MAX];

    if (version_key(a, ka, NULL) < 0 || version_key(b, kb, NULL) < 0)
        return DESK_EINVAL;
    *out = strcmp(ka, kb);
    return 0;
}

bool version_key_valid(const char *key)
{
    if (!key || !*key || strlen(key) >= VERSION_KEY_MAX)
        return false;
    for (; *key; key++)
        if (!is_alnum(*key) && *key != '.' && *key != '-' && *key != '~')
            return false;
    return true;
}
