#include "core/compat.h"
#include "domain/user.h"
#include "core/err.h"

static const char *const role_names[] = {"none", "customer", "agent", "admin"};

const char *role_name(enum role r)
{
    return (unsigned)r < ARRAY_SIZE(role_names) ? role_names[r] : "none";
}

int role_parse(const char *s, enum role *out)
{
    for (size_t i = 1; i < ARRAY_SIZE(role_names); i++)
        if (!strcmp(s, role_names[i])) {
            *out = (enum role)i;
            return 0;
        }
    return DESK_EINVAL;
}

bool email_valid(const char *e)
{
    const char *at = strchr(e, '@'), *dot;
    size_t n = strlen(e);

    if (!at || at == e || strchr(at + 1, '@') || n > 254)
        return false;
    dot = strrchr(at + 1, '.');
    if (!dot || dot == at + 1 || !dot[1])
        return false;
    for (const char *p = e; *p; p++)
        if ((unsigned char)*p <= ' ' || *p == '<' || *p == '>' || *p == '"' || *p == ',')
            return false;
    return true;
}
