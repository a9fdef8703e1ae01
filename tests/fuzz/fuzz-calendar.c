/*
 * fuzz-calendar.c - libFuzzer target for the calendar's JSON form.
 *
 * Any input either is refused with a message or gives a calendar whose
 * canonical form parses back to itself and whose clock keeps its promises
 * at a few instants derived from the input.
 */
#include "core/compat.h"
#include "core/strbuf.h"
#include "core/xalloc.h"
#include "domain/calendar.h"
#include "domain/sla.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_clock(const struct calendar *cal, const uint8_t *data, size_t size)
{
    uint64_t h = 1469598103934665603ULL;
    int64_t from, n, due, got;

    for (size_t i = 0; i < size; i++)
        h = (h ^ data[i]) * 1099511628211ULL;
    from = (int64_t)(h % (uint64_t)CAL_TIME_MAX);
    n = (int64_t)((h >> 20) % (200 * 3600));
    if (sla_due(cal, from, n, &due) < 0)
        return; /* no working time left before 2101 */
    if (due < from)
        BUG("due(%" PRId64 ", %" PRId64 ") is earlier", from, n);
    if (due < CAL_TIME_MAX && (sla_elapsed(cal, from, due, &got) < 0 || got != n))
        BUG("elapsed(from, due(from, %" PRId64 ")) is not %" PRId64, n, n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct strbuf err = STRBUF_INIT, canon = STRBUF_INIT, again = STRBUF_INIT;
    struct calendar *cal = NULL, *back = NULL;

    if (calendar_parse((const char *)data, size, &cal, &err) < 0) {
        if (!err.len)
            BUG("a calendar was refused without a message");
        strbuf_release(&err);
        return 0;
    }
    calendar_to_json(cal, &canon);
    if (calendar_parse(canon.buf, canon.len, &back, &err) < 0)
        BUG("the canonical form was refused: %s\n%s", err.buf, canon.buf);
    calendar_to_json(back, &again);
    if (strcmp(canon.buf, again.buf))
        BUG("the canonical form changed:\n%s\n%s", canon.buf, again.buf);
    check_clock(cal, data, size);
    calendar_free(back);
    calendar_free(cal);
    strbuf_release(&canon);
    strbuf_release(&again);
    strbuf_release(&err);
    return 0;
}
