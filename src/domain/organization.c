/*
 * organization.c - mail domains and the JSON form of organisations.
 */
#include "core/compat.h"
#include "domain/organization.h"

#define LABEL_MAX 63

static bool label_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
}

/* Is out[0..len) one label: 1-63 letters, digits, inner hyphens? */
static bool label_valid(const char *s, size_t len)
{
    if (!len || len > LABEL_MAX || s[0] == '-' || s[len - 1] == '-')
        return false;
    for (size_t i = 0; i < len; i++)
        if (!label_char(s[i]))
            return false;
    return true;
}

static bool all_digits(const char *s)
{
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return false;
    return true;
}

const char *mail_domain_normalize(const char *in, char out[MAIL_DOMAIN_MAX + 1])
{
    size_t n = strlen(in), labels = 0;
    const char *p, *dot;

    if (!n)
        return "is empty";
    if (n > MAIL_DOMAIN_MAX)
        return "is longer than 253 characters";
    for (size_t i = 0; i <= n; i++)
        out[i] = (char)(in[i] >= 'A' && in[i] <= 'Z' ? in[i] - 'A' + 'a' : in[i]);
    for (p = out;; p = dot + 1) {
        dot = strchr(p, '.');
        if (!label_valid(p, dot ? (size_t)(dot - p) : strlen(p)))
            return "is not a mail domain like example.com";
        labels++;
        if (!dot)
            break;
    }
    if (labels < 2 || all_digits(p))
        return "is not a mail domain like example.com";
    return NULL;
}

json_t *organization_to_json(const struct organization *o)
{
    json_t *domains = json_array();

    for (size_t i = 0; i < o->domains_nr; i++)
        json_array_append_new(domains, json_string(o->domains[i]));
    return json_pack("{s:I, s:s, s:o, s:o}", "id", (json_int_t)o->id, "name", o->name, "domains",
                     domains, "account_executive_id",
                     o->account_executive_id > 0 ? json_integer(o->account_executive_id)
                                                 : json_null());
}
