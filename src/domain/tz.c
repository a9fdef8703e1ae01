/*
 * tz.c - zone tables built from GLib's GTimeZone, and lookups over them.
 *
 * GLib answers "which interval holds instant t" (its intervals only ever
 * move forward in time), so the offset changes are found by sampling one
 * instant a week and bisecting every week whose two ends fall in different
 * intervals, down to the second. That costs a few thousand GLib calls once
 * per zone; every later lookup is a binary search here.
 */
#include "core/compat.h"
#include "domain/tz.h"
#include "core/err.h"
#include "core/strbuf.h"
#include "core/xalloc.h"

#include <glib.h>

#define SAMPLE_STEP (7 * 86400) /* GLib sampling step while building a table */

struct tz {
    char name[TZ_NAME_MAX + 1]; /* as given to tz_get() */
    size_t nr;                  /* offset changes in the table */
    int64_t *utc;               /* [nr] UTC instants of the changes, ascending */
    int64_t *local;             /* [nr] local switch points (see tz_local_to_utc) */
    int32_t *off;               /* [nr + 1] off[i] holds before utc[i], off[nr] after */
    struct tz *next;            /* next zone of the cache */
};

static struct tz *cache;  /* every zone read so far, never freed */
static GMutex cache_lock; /* guards `cache` */

/* Number of elements of the ascending array v[0..nr) that are <= x. */
static size_t upper_bound(const int64_t *v, size_t nr, int64_t x)
{
    size_t lo = 0, hi = nr;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (v[mid] <= x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

const char *tz_name(const struct tz *tz) { return tz->name; }

int32_t tz_offset_at(const struct tz *tz, int64_t t)
{
    return tz->off[upper_bound(tz->utc, tz->nr, t)];
}

/*
 * local[i] is where the local -> UTC mapping switches from off[i] to
 * off[i + 1]: the end of the gap when clocks spring forward (a time in the
 * gap keeps the old offset, so it maps forward by the gap's length), the end
 * of the first occurrence when they fall back (an ambiguous time keeps the
 * old offset, its first occurrence).
 */
int64_t tz_local_to_utc(const struct tz *tz, int64_t local)
{
    return local - tz->off[upper_bound(tz->local, tz->nr, local)];
}

int64_t tz_next_switch(const struct tz *tz, int64_t local)
{
    size_t i = upper_bound(tz->local, tz->nr, local);

    return i < tz->nr ? tz->local[i] : INT64_MAX;
}

/* ---- building a table ---- */

struct builder {
    GTimeZone *g;     /* the zone as GLib reads it */
    struct tz *tz;    /* the table being filled */
    size_t alloc;     /* capacity of tz->utc */
    size_t off_alloc; /* capacity of tz->off */
};

static int interval_at(GTimeZone *g, int64_t t)
{
    return g_time_zone_find_interval(g, G_TIME_TYPE_UNIVERSAL, t);
}

static void push_change(struct builder *b, int64_t t, int32_t off)
{
    struct tz *tz = b->tz;

    if (off == tz->off[tz->nr])
        return; /* only the abbreviation or the DST flag changed */
    ALLOC_GROW(tz->utc, tz->nr + 1, b->alloc);
    ALLOC_GROW(tz->off, tz->nr + 2, b->off_alloc);
    tz->utc[tz->nr++] = t;
    tz->off[tz->nr] = off;
}

/* Record every interval change in (a, b]; GLib says a is in ia, b in ib. */
static void bisect(struct builder *b, int64_t a, int ia, int64_t z, int iz)
{
    int64_t mid;
    int im;

    if (ia == iz)
        return;
    if (z - a == 1) {
        push_change(b, z, g_time_zone_get_offset(b->g, iz));
        return;
    }
    mid = a + (z - a) / 2;
    im = interval_at(b->g, mid);
    bisect(b, a, ia, mid, im);
    bisect(b, mid, im, z, iz);
}

static void fill_local_switches(struct tz *tz)
{
    tz->local = xmalloc((tz->nr + 1) * sizeof(*tz->local));
    for (size_t i = 0; i < tz->nr; i++) {
        int32_t hi = tz->off[i] > tz->off[i + 1] ? tz->off[i] : tz->off[i + 1];
        tz->local[i] = tz->utc[i] + hi;
        if (i && tz->local[i] < tz->local[i - 1])
            tz->local[i] = tz->local[i - 1]; /* two changes closer than their size */
    }
}

static struct tz *build(GTimeZone *g, const char *name)
{
    struct builder b = {g, xcalloc(1, sizeof(struct tz)), 0, 1};
    int64_t t = TZ_TABLE_START;
    int it = interval_at(g, t);

    snprintf(b.tz->name, sizeof(b.tz->name), "%s", name);
    b.tz->off = xmalloc(sizeof(*b.tz->off));
    b.tz->off[0] = g_time_zone_get_offset(g, it);
    while (t < TZ_TABLE_END) {
        int64_t next = t + SAMPLE_STEP < TZ_TABLE_END ? t + SAMPLE_STEP : TZ_TABLE_END;
        int in = interval_at(g, next);
        bisect(&b, t, it, next, in);
        t = next;
        it = in;
    }
    fill_local_switches(b.tz);
    return b.tz;
}

/* ---- the cache ---- */

/* A plausible zone name: letters, digits, '_', '+', '-', in '/'-separated parts. */
static bool name_ok(const char *name)
{
    size_t len = strlen(name);

    if (!len || len > TZ_NAME_MAX || name[0] == '/' || name[len - 1] == '/' || strstr(name, "//"))
        return false;
    for (const char *p = name; *p; p++)
        if (!g_ascii_isalnum(*p) && !strchr("_+-/", *p))
            return false;
    return true;
}

/*
 * Whether the zone database has a zone file called name: GLib would also
 * accept POSIX rules ("ABC5") and offsets ("+01:00"), which are not IANA
 * zones, and warns on files that are not zones at all.
 */
static bool is_zone_file(const char *name)
{
    const char *dir = getenv("TZDIR");
    char path[512], magic[4];
    FILE *f;
    bool ok;

    snprintf(path, sizeof(path), "%s/%s", dir && *dir ? dir : "/usr/share/zoneinfo", name);
    f = fopen(path, "rb");
    if (!f)
        return false;
    ok = fread(magic, 1, sizeof(magic), f) == sizeof(magic) && !memcmp(magic, "TZif", 4);
    fclose(f);
    return ok;
}

static struct tz *cache_find(const char *name)
{
    for (struct tz *tz = cache; tz; tz = tz->next)
        if (!strcmp(tz->name, name))
            return tz;
    return NULL;
}

static struct tz *load(const char *name)
{
    GTimeZone *g;
    struct tz *tz;

    if (!name_ok(name) || !is_zone_file(name))
        return NULL;
    g = g_time_zone_new_identifier(name);
    if (!g)
        return NULL;
    tz = build(g, name);
    g_time_zone_unref(g);
    return tz;
}

int tz_get(const char *name, const struct tz **out, struct strbuf *err)
{
    struct tz *tz;

    g_mutex_lock(&cache_lock);
    tz = cache_find(name);
    if (!tz && (tz = load(name))) {
        tz->next = cache;
        cache = tz;
    }
    g_mutex_unlock(&cache_lock);
    if (!tz) {
        if (err)
            strbuf_addf(err, "unknown time zone '%.*s'", TZ_NAME_MAX, name);
        return DESK_EINVAL;
    }
    *out = tz;
    return 0;
}
