/*
 * fuzz-ics.c - libFuzzer target for iCalendar holiday import.
 *
 * Any input either is refused with a message or gives at most HOLIDAYS_MAX
 * ascending, distinct dates.
 */
#include "core/compat.h"
#include "core/strbuf.h"
#include "core/xalloc.h"
#include "domain/holidays.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct strbuf err = STRBUF_INIT;
    int64_t *days = NULL;
    size_t nr = 0;

    if (size > 64 * 1024)
        return 0; /* libical's parse time grows with the input; keep runs fast */
    if (holidays_from_ics((const char *)data, size, 20605 /* 2026-06-01 */, &days, &nr, &err) < 0) {
        if (!err.len)
            BUG("an .ics file was refused without a message");
        strbuf_release(&err);
        return 0;
    }
    if (nr > HOLIDAYS_MAX)
        BUG("%zu dates, more than %d", nr, HOLIDAYS_MAX);
    for (size_t i = 1; i < nr; i++)
        if (days[i - 1] >= days[i])
            BUG("dates out of order at %zu", i);
    free(days);
    strbuf_release(&err);
    return 0;
}
