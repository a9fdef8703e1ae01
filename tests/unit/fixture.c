/*
 * fixture.c - helpers shared by the unit tests of the SLA clock.
 */
#include "fixture.h"
#include "core/strbuf.h"
#include "core/time.h"
#include "core/xalloc.h"
#include "domain/calendar.h"
#include "test.h"

int64_t fx_time(const char *s)
{
    int64_t t = 0;

    if (time_parse_rfc3339(s, strlen(s), &t, NULL) < 0)
        fail_msg("not an RFC 3339 time: '%s'", s);
    return t;
}

int64_t fx_local(const char *s)
{
    char buf[32];

    snprintf(buf, sizeof(buf), "%sZ", s);
    return fx_time(buf);
}

struct calendar *fx_calendar(const char *json)
{
    struct strbuf err = STRBUF_INIT;
    struct calendar *cal = NULL;

    if (calendar_parse(json, strlen(json), &cal, &err) < 0)
        fail_msg("calendar rejected: %s\n%s", err.buf, json);
    strbuf_release(&err);
    return cal;
}

char *fx_read_file(const char *path, size_t *len)
{
    struct strbuf sb = STRBUF_INIT;
    char buf[65536];
    size_t n;
    FILE *f = fopen(path, "rb");

    if (!f)
        fail_msg("cannot open %s (run the tests from the top of the tree): %s", path,
                 strerror(errno));
    while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
        strbuf_add(&sb, buf, n);
    fclose(f);
    return strbuf_detach(&sb, len);
}

struct calendar *fx_calendar_file(const char *path)
{
    size_t len;
    char *json = fx_read_file(path, &len);
    struct calendar *cal = fx_calendar(json);

    free(json);
    return cal;
}
