/*
 * bench-sla.c - inputs and timings for bench/bench-sla.sh.
 *
 *   bench-sla gen N SEED          print N lines "due FROM SECONDS": FROM uniform over
 *                                 2025-2027, SECONDS uniform in 0..40 h
 *   bench-sla long CALENDAR       ns per sla_due call with a 1,000 h target (median of 7 runs)
 *   bench-sla sample CALENDAR     ns per sla_due call over the "due" lines on stdin, each
 *                                 repeated 1,000 times (median of 7 runs)
 */
#include "core/compat.h"
#include "core/strbuf.h"
#include "core/time.h"
#include "core/xalloc.h"
#include "domain/calendar.h"
#include "domain/sla.h"

#define RUNS 7
#define FROM_START 1735689600LL /* 2025-01-01T00:00:00Z */
#define FROM_SPAN (3 * 365 * 86400LL)

static uint64_t rng;

static uint64_t rnd(uint64_t n)
{
    rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
    return (rng >> 17) % n;
}

static int gen(long n)
{
    char t[TIME_RFC3339_LEN];

    for (long i = 0; i < n; i++) {
        time_format_rfc3339(FROM_START + (int64_t)rnd(FROM_SPAN), t);
        printf("due %s %" PRIu64 "\n", t, rnd(40 * 3600 + 1));
    }
    return 0;
}

static struct calendar *load(const char *path)
{
    struct strbuf text = STRBUF_INIT, err = STRBUF_INIT;
    struct calendar *cal = NULL;
    char buf[65536];
    size_t n;
    FILE *f = fopen(path, "rb");

    if (!f)
        die("cannot open %s", path);
    while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
        strbuf_add(&text, buf, n);
    fclose(f);
    if (calendar_parse(text.buf, text.len, &cal, &err) < 0)
        die("%s: %s", path, err.buf);
    strbuf_release(&text);
    strbuf_release(&err);
    return cal;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

/* Median over RUNS of the ns per call of sla_due over from[i], secs[i], repeated `rounds` times. */
static double time_calls(const struct calendar *cal, const int64_t *from, const int64_t *secs,
                         size_t nr, int rounds)
{
    double ns[RUNS];
    int64_t sink = 0, due;

    for (int r = 0; r < RUNS; r++) {
        int64_t t0 = time_mono_ns();
        for (int k = 0; k < rounds; k++)
            for (size_t i = 0; i < nr; i++) {
                if (sla_due(cal, from[i], secs[i], &due) < 0)
                    die("sla_due refused %" PRId64 " + %" PRId64, from[i], secs[i]);
                sink += due;
            }
        ns[r] = (double)(time_mono_ns() - t0) / ((double)nr * rounds);
    }
    if (sink == 42)
        puts("");
    qsort(ns, RUNS, sizeof(ns[0]), cmp_double);
    return ns[RUNS / 2];
}

static int long_target(const char *path)
{
    struct calendar *cal = load(path);
    size_t nr = 100000;
    int64_t *from = xmalloc(nr * sizeof(*from)), *secs = xmalloc(nr * sizeof(*secs));

    for (size_t i = 0; i < nr; i++) {
        from[i] = FROM_START + (int64_t)rnd(FROM_SPAN);
        secs[i] = 1000 * 3600;
    }
    printf("%.0f\n", time_calls(cal, from, secs, nr, 1));
    free(from);
    free(secs);
    calendar_free(cal);
    return 0;
}

static int sample(const char *path)
{
    struct calendar *cal = load(path);
    size_t nr = 0, alloc = 0, alloc2 = 0;
    int64_t *from = NULL, *secs = NULL;
    char line[256], ts[64];
    long long s;

    while (fgets(line, sizeof(line), stdin)) {
        if (sscanf(line, "due %63s %lld", ts, &s) != 2)
            continue;
        ALLOC_GROW(from, nr + 1, alloc);
        ALLOC_GROW(secs, nr + 1, alloc2);
        if (time_parse_rfc3339(ts, strlen(ts), &from[nr], NULL) < 0)
            die("bad time %s", ts);
        secs[nr++] = s;
    }
    printf("%.1f\n", time_calls(cal, from, secs, nr, 1000));
    free(from);
    free(secs);
    calendar_free(cal);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 4 && !strcmp(argv[1], "gen")) {
        rng = strtoull(argv[3], NULL, 10);
        return gen(strtol(argv[2], NULL, 10));
    }
    rng = 7;
    if (argc == 3 && !strcmp(argv[1], "long"))
        return long_target(argv[2]);
    if (argc == 3 && !strcmp(argv[1], "sample"))
        return sample(argv[2]);
    fputs("usage: bench-sla gen N SEED | long CALENDAR | sample CALENDAR < lines\n", stderr);
    return 2;
}
