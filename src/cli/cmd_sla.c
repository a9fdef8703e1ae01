/*
 * cmd_sla.c - `svcdesk sla`: the working-hours clock from the command line.
 *
 *   svcdesk sla due      --calendar FILE --from TIME (--hours H | --seconds S)
 *   svcdesk sla elapsed  --calendar FILE --from TIME --to TIME
 *   svcdesk sla batch    --calendar FILE          (lines on stdin, answers on stdout)
 *   svcdesk sla spans    --calendar FILE --from TIME --count N
 *   svcdesk sla holidays --ics FILE
 *
 * Exit codes: 0 success, 1 failure (also: a batch line failed), 2 bad input
 * on the command line, with one line on stderr. See docs/sla-cli.md.
 */
#include "core/compat.h"
#include "cli/cmds.h"
#include "cli/opts.h"
#include "core/err.h"
#include "core/strbuf.h"
#include "core/time.h"
#include "core/xalloc.h"
#include "domain/calendar.h"
#include "domain/holidays.h"
#include "domain/sla.h"

#include <unistd.h>

#define MAX_SPANS 10000      /* --count */
#define BATCH_IN (1u << 20)  /* bytes read from stdin at a time */
#define BATCH_OUT (1u << 20) /* bytes of answers written at a time */
#define BATCH_LINE 4096      /* longest batch line */
#define SHOW 64              /* bytes of a bad value quoted in a message */

/* ---- shared by the subcommands ---- */

/* Read a whole file of at most max bytes into sb; 0, or 2 after one line on stderr. */
static int read_input(const char *cmd, const char *what, const char *path, size_t max,
                      struct strbuf *sb)
{
    char buf[65536];
    size_t n;
    FILE *f = fopen(path, "rb");

    if (!f)
        return opts_error(cmd, "cannot read %s '%s': %s", what, path, strerror(errno));
    strbuf_init_max(sb, max);
    while ((n = fread(buf, 1, sizeof(buf), f)) > 0 && !strbuf_overflowed(sb))
        strbuf_add(sb, buf, n);
    if (ferror(f) || strbuf_overflowed(sb)) {
        int rc = ferror(f) ? opts_error(cmd, "cannot read %s '%s': %s", what, path, strerror(errno))
                           : opts_error(cmd, "%s '%s' is larger than %zu bytes", what, path, max);
        fclose(f);
        strbuf_release(sb);
        return rc;
    }
    fclose(f);
    return 0;
}

static int load_calendar(const char *cmd, const char *path, struct calendar **cal)
{
    struct strbuf text = STRBUF_INIT, err = STRBUF_INIT;
    int rc;

    if (!path)
        return opts_error(cmd, "missing --calendar FILE");
    if ((rc = read_input(cmd, "calendar", path, CAL_MAX_JSON, &text)))
        return rc;
    rc = calendar_parse(text.buf, text.len, cal, &err) < 0
             ? opts_error(cmd, "calendar '%s': %s", path, err.buf)
             : 0;
    strbuf_release(&text);
    strbuf_release(&err);
    return rc;
}

/* Parse an RFC 3339 time inside the calendar's years, or say why not. */
static const char *parse_time(const char *s, size_t len, int64_t *t)
{
    const char *why;

    if (time_parse_rfc3339(s, len, t, &why) < 0)
        return why;
    if (*t < CAL_TIME_MIN || *t >= CAL_TIME_MAX)
        return "outside the years 1970 to 2100";
    return NULL;
}

static int time_option(const char *cmd, const char *name, const char *s, int64_t *t)
{
    const char *why;

    if (!s)
        return opts_error(cmd, "missing --%s TIME", name);
    if ((why = parse_time(s, strlen(s), t)))
        return opts_error(cmd, "--%s '%.*s': %s", name, SHOW, s, why);
    return 0;
}

/*
 * Decimal hours ("1.25") to seconds, rounded half up; exact (no floating
 * point). Returns false for anything but digits with an optional fraction.
 */
static bool hours_to_seconds(const char *s, int64_t *out)
{
    int64_t whole = 0, frac = 0, scale = 1;
    const char *p = s;

    for (; *p >= '0' && *p <= '9'; p++)
        if ((whole = whole * 10 + (*p - '0')) > SLA_MAX_SECONDS / 3600)
            return false;
    if (*p == '.')
        for (p++; *p >= '0' && *p <= '9'; p++)
            if (scale < 1000000000) { /* digits past 1e-9 h cannot change the seconds */
                frac = frac * 10 + (*p - '0');
                scale *= 10;
            }
    if (*p || p == s || (p == s + 1 && *s == '.'))
        return false;
    *out = whole * 3600 + (frac * 3600 * 2 + scale) / (2 * scale);
    return *out <= SLA_MAX_SECONDS;
}

static int no_arguments(const char *cmd, int i, int argc, char **argv)
{
    return i < argc ? opts_error(cmd, "unexpected argument '%.*s'", SHOW, argv[i]) : 0;
}

/* Write a line to stdout; 0, or 1 after saying why on stderr. */
static int put_line(const char *cmd, const char *line)
{
    if (puts(line) < 0 || fflush(stdout)) {
        fprintf(stderr, "svcdesk %s: cannot write the answer: %s\n", cmd, strerror(errno));
        return 1;
    }
    return 0;
}

/* ---- due, elapsed ---- */

static int run_due(int argc, char **argv)
{
    const char *cmd = "sla due", *file = NULL, *from_s = NULL, *hours = NULL;
    int64_t from, secs = 0, due;
    bool have_secs = false;
    struct calendar *cal = NULL;
    char out[TIME_RFC3339_LEN];
    const struct opt opts[] = {
        {"calendar", OPT_STRING, &file, "FILE", "the calendar (JSON)", 0, 0, NULL},
        {"from", OPT_STRING, &from_s, "TIME", "when the clock starts (RFC 3339)", 0, 0, NULL},
        {"hours", OPT_STRING, &hours, "H", "working hours to count (decimals allowed)", 0, 0, NULL},
        {"seconds", OPT_INT64, &secs, "S", "working seconds to count", 0, SLA_MAX_SECONDS,
         &have_secs},
    };
    int rc, i = opts_parse(cmd, "sla due --calendar FILE --from TIME (--hours H | --seconds S)",
                           opts, ARRAY_SIZE(opts), argc, argv);

    if (i < 0)
        return i == -OPTS_HELP ? 0 : 2;
    if ((rc = no_arguments(cmd, i, argc, argv)) || (rc = time_option(cmd, "from", from_s, &from)))
        return rc;
    if (!hours == !have_secs)
        return opts_error(cmd, "give one of --hours H and --seconds S");
    if (hours && !hours_to_seconds(hours, &secs))
        return opts_error(cmd, "--hours '%.*s' is not a number of hours like 1.5", SHOW, hours);
    if ((rc = load_calendar(cmd, file, &cal)))
        return rc;
    if (sla_due(cal, from, secs, &due) < 0) {
        fprintf(stderr, "svcdesk %s: the calendar has no working time left for that before 2101\n",
                cmd);
        rc = 1;
    } else {
        time_format_rfc3339(due, out);
        rc = put_line(cmd, out);
    }
    calendar_free(cal);
    return rc;
}

static int run_elapsed(int argc, char **argv)
{
    const char *cmd = "sla elapsed", *file = NULL, *from_s = NULL, *to_s = NULL;
    int64_t from, to, secs;
    struct calendar *cal = NULL;
    char out[32];
    const struct opt opts[] = {
        {"calendar", OPT_STRING, &file, "FILE", "the calendar (JSON)", 0, 0, NULL},
        {"from", OPT_STRING, &from_s, "TIME", "start, included (RFC 3339)", 0, 0, NULL},
        {"to", OPT_STRING, &to_s, "TIME", "end, excluded (RFC 3339)", 0, 0, NULL},
    };
    int rc, i = opts_parse(cmd, "sla elapsed --calendar FILE --from TIME --to TIME", opts,
                           ARRAY_SIZE(opts), argc, argv);

    if (i < 0)
        return i == -OPTS_HELP ? 0 : 2;
    if ((rc = no_arguments(cmd, i, argc, argv)) || (rc = time_option(cmd, "from", from_s, &from)) ||
        (rc = time_option(cmd, "to", to_s, &to)) || (rc = load_calendar(cmd, file, &cal)))
        return rc;
    if (sla_elapsed(cal, from, to, &secs) < 0)
        BUG("times checked by time_option were refused");
    snprintf(out, sizeof(out), "%" PRId64, secs);
    calendar_free(cal);
    return put_line(cmd, out);
}

/* ---- spans, holidays ---- */

static int print_spans(const char *cmd, const struct sla_span *sp, size_t nr)
{
    for (size_t i = 0; i < nr; i++) {
        char a[TIME_RFC3339_LEN], b[TIME_RFC3339_LEN], la[TIME_LOCAL_LEN], lb[TIME_LOCAL_LEN];
        time_format_rfc3339(sp[i].start, a);
        time_format_rfc3339(sp[i].end, b);
        time_format_rfc3339_offset(sp[i].start, sp[i].start_off, la);
        time_format_rfc3339_offset(sp[i].end, sp[i].end_off, lb);
        printf("%s %s %s %s\n", a, b, la, lb);
    }
    if (fflush(stdout)) {
        fprintf(stderr, "svcdesk %s: cannot write the answer: %s\n", cmd, strerror(errno));
        return 1;
    }
    return 0;
}

static int run_spans(int argc, char **argv)
{
    const char *cmd = "sla spans", *file = NULL, *from_s = NULL;
    int64_t from, count = 0;
    bool have_count = false;
    struct calendar *cal = NULL;
    struct sla_span *sp;
    size_t nr;
    const struct opt opts[] = {
        {"calendar", OPT_STRING, &file, "FILE", "the calendar (JSON)", 0, 0, NULL},
        {"from", OPT_STRING, &from_s, "TIME", "list spans from this time on (RFC 3339)", 0, 0,
         NULL},
        {"count", OPT_INT64, &count, "N", "how many spans", 1, MAX_SPANS, &have_count},
    };
    int rc, i = opts_parse(cmd, "sla spans --calendar FILE --from TIME --count N", opts,
                           ARRAY_SIZE(opts), argc, argv);

    if (i < 0)
        return i == -OPTS_HELP ? 0 : 2;
    if ((rc = no_arguments(cmd, i, argc, argv)) || (rc = time_option(cmd, "from", from_s, &from)))
        return rc;
    if (!have_count)
        return opts_error(cmd, "missing --count N");
    if ((rc = load_calendar(cmd, file, &cal)))
        return rc;
    sp = xmalloc((size_t)count * sizeof(*sp));
    if (sla_spans(cal, from, (size_t)count, sp, &nr) < 0)
        BUG("a time checked by time_option was refused");
    rc = print_spans(cmd, sp, nr);
    free(sp);
    calendar_free(cal);
    return rc;
}

static int run_holidays(int argc, char **argv)
{
    const char *cmd = "sla holidays", *file = NULL;
    struct strbuf text = STRBUF_INIT, err = STRBUF_INIT, out = STRBUF_INIT;
    int64_t *days = NULL;
    size_t nr = 0;
    const struct opt opts[] = {
        {"ics", OPT_STRING, &file, "FILE", "an iCalendar file of all-day events", 0, 0, NULL},
    };
    int rc, i = opts_parse(cmd, "sla holidays --ics FILE", opts, ARRAY_SIZE(opts), argc, argv);

    if (i < 0)
        return i == -OPTS_HELP ? 0 : 2;
    if ((rc = no_arguments(cmd, i, argc, argv)))
        return rc;
    if (!file)
        return opts_error(cmd, "missing --ics FILE");
    if ((rc = read_input(cmd, "iCalendar file", file, HOLIDAYS_MAX_ICS, &text)))
        return rc;
    if (holidays_from_ics(text.buf, text.len, floor_div(time_now(), 86400), &days, &nr, &err) < 0) {
        rc = opts_error(cmd, "'%s': %s", file, err.buf);
        goto out;
    }
    strbuf_addch(&out, '[');
    for (size_t k = 0; k < nr; k++) {
        char d[DATE_LEN];
        date_format(days[k], d);
        strbuf_addf(&out, "%s\"%s\"", k ? "," : "", d);
    }
    strbuf_addch(&out, ']');
    rc = put_line(cmd, out.buf);
out:
    free(days);
    strbuf_release(&text);
    strbuf_release(&err);
    strbuf_release(&out);
    return rc;
}

/* ---- batch ---- */

struct word {
    const char *p; /* first byte, inside the input line */
    size_t len;    /* bytes */
};

struct batch {
    const struct calendar *cal; /* the calendar of every line */
    char *out;                  /* answers not yet written, BATCH_OUT bytes */
    size_t out_len;             /* bytes used in out */
    size_t failed;              /* lines answered with "error: ..." */
    int write_errno;            /* set when stdout refused the answers */
};

static void flush_answers(struct batch *b)
{
    size_t done = 0;

    while (done < b->out_len && !b->write_errno) {
        ssize_t n = write(STDOUT_FILENO, b->out + done, b->out_len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            b->write_errno = n < 0 ? errno : EIO;
        else
            done += (size_t)n;
    }
    b->out_len = 0;
}

/* Room for n more bytes of answers. */
static char *reserve(struct batch *b, size_t n)
{
    if (b->out_len + n > BATCH_OUT)
        flush_answers(b);
    return b->out + b->out_len;
}

static void answer_error(struct batch *b, const char *fmt, ...) PRINTF_LIKE(2, 3);
static void answer_error(struct batch *b, const char *fmt, ...)
{
    char *p = reserve(b, 256);
    va_list ap;
    int n;

    memcpy(p, "error: ", 7);
    va_start(ap, fmt);
    n = vsnprintf(p + 7, 256 - 8, fmt, ap);
    va_end(ap);
    n = n < 0 ? 0 : n > 256 - 9 ? 256 - 9 : n;
    p[7 + n] = '\n';
    b->out_len += 7 + (size_t)n + 1;
    b->failed++;
}

static void answer_number(struct batch *b, int64_t v)
{
    char tmp[24], *p = reserve(b, sizeof(tmp));
    size_t n = 0;

    do
        tmp[n++] = (char)('0' + v % 10);
    while ((v /= 10) > 0);
    while (n)
        *p++ = tmp[--n];
    *p = '\n';
    b->out_len = (size_t)(p + 1 - b->out);
}

static void answer_time(struct batch *b, int64_t t)
{
    char *p = reserve(b, TIME_RFC3339_LEN);

    time_format_rfc3339(t, p);
    p[TIME_RFC3339_LEN - 1] = '\n';
    b->out_len += TIME_RFC3339_LEN;
}

/* Split p[0..len) at spaces and tabs into at most 4 words; returns how many. */
static size_t split_words(const char *p, size_t len, struct word w[4])
{
    size_t nr = 0, i = 0;

    while (i < len && nr < 4) {
        size_t start;
        while (i < len && (p[i] == ' ' || p[i] == '\t'))
            i++;
        if (i == len)
            break;
        start = i;
        while (i < len && p[i] != ' ' && p[i] != '\t')
            i++;
        w[nr++] = (struct word){p + start, i - start};
    }
    return nr;
}

static bool word_is(struct word w, const char *s)
{
    return w.len == strlen(s) && !memcmp(w.p, s, w.len);
}

static bool parse_seconds(struct word w, int64_t *out)
{
    int64_t v = 0;

    if (!w.len || w.len > 15)
        return false;
    for (size_t i = 0; i < w.len; i++) {
        if (w.p[i] < '0' || w.p[i] > '9')
            return false;
        v = v * 10 + (w.p[i] - '0');
    }
    *out = v;
    return v <= SLA_MAX_SECONDS;
}

static void answer_line(struct batch *b, const char *line, size_t len)
{
    struct word w[4];
    int64_t from, x, r;
    const char *why;
    size_t nr;

    if (len && line[len - 1] == '\r')
        len--;
    if (len > BATCH_LINE)
        return answer_error(b, "line longer than %d bytes", BATCH_LINE);
    nr = split_words(line, len, w);
    if (nr != 3 || (!word_is(w[0], "due") && !word_is(w[0], "elapsed")))
        return answer_error(b, "expected \"due FROM SECONDS\" or \"elapsed FROM TO\"");
    if ((why = parse_time(w[1].p, w[1].len, &from)))
        return answer_error(b, "'%.*s': %s", (int)w[1].len, w[1].p, why);
    if (w[0].p[0] == 'd') {
        if (!parse_seconds(w[2], &x))
            return answer_error(b, "'%.*s' is not a whole number of seconds", (int)w[2].len,
                                w[2].p);
        if (sla_due(b->cal, from, x, &r) < 0)
            return answer_error(b, "no working time left for that before 2101");
        return answer_time(b, r);
    }
    if ((why = parse_time(w[2].p, w[2].len, &x)))
        return answer_error(b, "'%.*s': %s", (int)w[2].len, w[2].p, why);
    if (sla_elapsed(b->cal, from, x, &r) < 0)
        BUG("times checked by parse_time were refused");
    answer_number(b, r);
}

/*
 * Answer every line of `in` up to the last newline (all of it at EOF);
 * returns the bytes consumed. A line that fills the whole buffer is answered
 * once and its rest skipped (*skipping) up to its newline.
 */
static size_t answer_lines(struct batch *b, const char *in, size_t have, bool eof, bool *skipping)
{
    size_t start = 0;
    const char *nl;

    while ((nl = memchr(in + start, '\n', have - start))) {
        if (!*skipping)
            answer_line(b, in + start, (size_t)(nl - in) - start);
        *skipping = false;
        start = (size_t)(nl - in) + 1;
    }
    if (start < have && (eof || (start == 0 && have == BATCH_IN))) {
        if (!*skipping)
            answer_line(b, in + start, have - start);
        *skipping = !eof;
        start = have;
    }
    return start;
}

static int batch_loop(struct batch *b)
{
    char *in = xmalloc(BATCH_IN);
    size_t have = 0, used;
    bool eof = false, skipping = false;
    int rc = 0;

    while (!eof && !b->write_errno) {
        ssize_t n = read(STDIN_FILENO, in + have, BATCH_IN - have);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            fprintf(stderr, "svcdesk sla batch: cannot read stdin: %s\n", strerror(errno));
            rc = 1;
            break;
        }
        eof = n == 0;
        have += (size_t)n;
        used = answer_lines(b, in, have, eof, &skipping);
        memmove(in, in + used, have - used);
        have -= used;
    }
    free(in);
    return rc;
}

static int run_batch(int argc, char **argv)
{
    const char *cmd = "sla batch", *file = NULL;
    struct calendar *cal = NULL;
    struct batch b = {0};
    const struct opt opts[] = {
        {"calendar", OPT_STRING, &file, "FILE", "the calendar (JSON)", 0, 0, NULL},
    };
    int rc, i = opts_parse(cmd, "sla batch --calendar FILE  < lines", opts, ARRAY_SIZE(opts), argc,
                           argv);

    if (i < 0)
        return i == -OPTS_HELP ? 0 : 2;
    if ((rc = no_arguments(cmd, i, argc, argv)) || (rc = load_calendar(cmd, file, &cal)))
        return rc;
    b.cal = cal;
    b.out = xmalloc(BATCH_OUT);
    rc = batch_loop(&b);
    flush_answers(&b);
    if (b.write_errno) {
        fprintf(stderr, "svcdesk %s: cannot write the answers: %s\n", cmd, strerror(b.write_errno));
        rc = 1;
    }
    free(b.out);
    calendar_free(cal);
    return rc || b.failed ? 1 : 0;
}

/* ---- the command ---- */

static const struct sub {
    const char *name;         /* as typed after "sla" */
    int (*run)(int, char **); /* argv[0] is the subcommand */
    const char *summary;      /* one line for `svcdesk sla --help` */
} subs[] = {
    {"due", run_due, "print when N working seconds (or hours) from TIME have passed"},
    {"elapsed", run_elapsed, "print the working seconds between two times"},
    {"batch", run_batch, "answer \"due FROM SECONDS\" and \"elapsed FROM TO\" lines from stdin"},
    {"spans", run_spans, "list the next working spans, in UTC and local time"},
    {"holidays", run_holidays, "print the holiday dates of an iCalendar file as JSON"},
};

static void usage(FILE *f)
{
    fputs("usage: svcdesk sla SUBCOMMAND [OPTIONS]\n\nsubcommands:\n", f);
    for (size_t i = 0; i < ARRAY_SIZE(subs); i++)
        fprintf(f, "    %-10s %s\n", subs[i].name, subs[i].summary);
    fputs("\nTIME is RFC 3339 (2026-11-20T14:00:00+01:00 or ...Z); answers are UTC with Z.\n"
          "'svcdesk sla SUBCOMMAND --help' describes its options.\n",
          f);
}

int cmd_sla(int argc, char **argv)
{
    if (argc < 2)
        return opts_error("sla", "missing subcommand (see 'svcdesk sla --help')");
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        usage(stdout);
        return 0;
    }
    for (size_t i = 0; i < ARRAY_SIZE(subs); i++)
        if (!strcmp(argv[1], subs[i].name))
            return subs[i].run(argc - 1, argv + 1);
    return opts_error("sla", "unknown subcommand '%.*s' (see 'svcdesk sla --help')", SHOW, argv[1]);
}
