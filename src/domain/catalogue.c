#include "core/compat.h"
#include "core/i18n.h"
#include "domain/catalogue.h"
#include "core/err.h"
#include "core/xalloc.h"

const char *const hosting_names[] = {TR_NOOP("vendor_hosted"), TR_NOOP("customer_hosted"), NULL};
const char *const inclusion_names[] = {"included", "add_on", "not_offered", NULL};

static int name_index(const char *const *names, const char *s)
{
    for (int i = 0; s && names[i]; i++)
        if (!strcmp(names[i], s))
            return i;
    return -1;
}

const char *hosting_name(enum hosting h)
{
    return h == HOSTING_NONE ? NULL : hosting_names[h - 1];
}

const char *inclusion_name(enum inclusion i)
{
    return inclusion_names[i];
}

int hosting_parse(const char *s, enum hosting *out)
{
    int i = name_index(hosting_names, s);

    if (i < 0)
        return DESK_EINVAL;
    *out = (enum hosting)(i + 1);
    return 0;
}

int inclusion_parse(const char *s, enum inclusion *out)
{
    int i = name_index(inclusion_names, s);

    if (i < 0)
        return DESK_EINVAL;
    *out = (enum inclusion)i;
    return 0;
}

const struct service_offer *catalogue_offer(const struct catalogue_service *s, enum hosting h)
{
    if (h == HOSTING_VENDOR)
        return &s->vendor;
    if (h == HOSTING_CUSTOMER)
        return &s->customer;
    BUG("no offer for hosting %d", (int)h);
}

const char *inclusion_words(enum inclusion i)
{
    static const char *const words[] = {TR_NOOP("included"), TR_NOOP("an add-on to purchase"),
                                        TR_NOOP("not offered")};
    return (size_t)i < ARRAY_SIZE(words) ? words[i] : "";
}

const char *hosting_words(enum hosting h)
{
    return h == HOSTING_VENDOR     ? TR_NOOP("hosted by us")
           : h == HOSTING_CUSTOMER ? TR_NOOP("on your own servers")
                                   : "";
}

bool catalogue_offered(const struct catalogue_service *s)
{
    return s->retired_at == 0;
}

bool catalogue_set_retired(struct catalogue_service *s, bool retire, int64_t now)
{
    if (retire == !catalogue_offered(s))
        return false;
    s->retired_at = retire ? (now > 0 ? now : 1) : 0; /* 0 means offered: never store it */
    return true;
}
