#include "core/compat.h"
#include "domain/addon.h"
#include "core/err.h"
#include "core/time.h"

const char *const addon_feature_names[] = {"api_access", "live_chat", "priority_line",
                                           "solution_monitoring", NULL};

int addon_check(const struct addon *a, const char **field, struct strbuf *err)
{
    if (a->ends_on != DATE_NONE && a->ends_on < a->starts_on) {
        *field = "ends_on";
        return err_addf(err, DESK_EINVAL, "ends_on is before starts_on");
    }
    if (!currency_find(a->currency)) {
        *field = "currency";
        return err_addf(err, DESK_EINVAL, "currency '%s' is not an ISO 4217 code", a->currency);
    }
    if (a->annual_price < 0) {
        *field = "annual_price";
        return err_addf(err, DESK_EINVAL, "annual_price is negative");
    }
    return 0;
}

bool addon_runs_on(const struct addon *a, int64_t day)
{
    return a->starts_on <= day && (a->ends_on == DATE_NONE || day <= a->ends_on);
}
