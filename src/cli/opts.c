#include "core/compat.h"
#include "cli/opts.h"

int opts_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "svcdesk %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return 2;
}

void opts_usage(FILE *f, const char *usage, const struct opt *opts, size_t nr)
{
    fprintf(f, "usage: svcdesk %s\n", usage);
    if (nr)
        fputc('\n', f);
    for (size_t i = 0; i < nr; i++) {
        char left[64];
        snprintf(left, sizeof(left), "--%s%s%s", opts[i].name, opts[i].argh ? " " : "",
                 opts[i].argh ? opts[i].argh : "");
        fprintf(f, "    %-28s %s\n", left, opts[i].help);
    }
}

static int set_value(const char *cmd, const struct opt *o, const char *arg)
{
    switch (o->type) {
    case OPT_STRING:
        *(const char **)o->value = arg;
        break;
    case OPT_INT64: {
        char *end;
        long long v;
        errno = 0;
        v = strtoll(arg, &end, 10);
        if (errno || end == arg || *end)
            return opts_error(cmd, "option '--%s' expects a whole number, not '%s'", o->name,
                              arg);
        if ((o->min || o->max) && (v < o->min || v > o->max))
            return opts_error(cmd, "option '--%s': %lld is outside %" PRId64 "..%" PRId64,
                              o->name, v, o->min, o->max);
        *(int64_t *)o->value = v;
        break;
    }
    case OPT_BOOL:
        *(bool *)o->value = true;
        break;
    }
    if (o->seen)
        *o->seen = true;
    return 0;
}

int opts_parse(const char *cmd, const char *usage, const struct opt *opts, size_t nr, int argc,
               char **argv)
{
    int i;

    for (i = 1; i < argc; i++) {
        const char *a = argv[i], *eq, *arg = NULL;
        const struct opt *o = NULL;
        size_t n;

        if (!strcmp(a, "--")) {
            i++;
            break;
        }
        if (a[0] != '-' || !a[1])
            break;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            opts_usage(stdout, usage, opts, nr);
            return -OPTS_HELP;
        }
        if (a[1] != '-')
            return -opts_error(cmd, "unknown option '%s'", a);
        a += 2;
        eq = strchr(a, '=');
        n = eq ? (size_t)(eq - a) : strlen(a);
        for (size_t k = 0; k < nr; k++)
            if (strlen(opts[k].name) == n && !strncmp(opts[k].name, a, n))
                o = &opts[k];
        if (!o)
            return -opts_error(cmd, "unknown option '--%.*s'", (int)n, a);
        if (o->type == OPT_BOOL) {
            if (eq)
                return -opts_error(cmd, "option '--%s' takes no value", o->name);
        } else if (eq) {
            arg = eq + 1;
        } else if (i + 1 < argc) {
            arg = argv[++i];
        } else {
            return -opts_error(cmd, "option '--%s' needs a value", o->name);
        }
        if (set_value(cmd, o, arg))
            return -2;
    }
    return i;
}
