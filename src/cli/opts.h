/*
 * opts.h - option parsing for the commands (git parse-options, reduced).
 *
 * Each command declares a table of long options; opts_parse() fills the
 * values, accepts "--name value" and "--name=value", stops at the first
 * positional argument or "--", and handles --help. Errors print one line
 * on stderr naming the command and the option.
 */
#ifndef CLI_OPTS_H
#define CLI_OPTS_H

#include "core/compat.h"

enum opt_type {
    OPT_STRING, /* value: const char ** */
    OPT_INT64,  /* value: int64_t *, decimal, range-checked by min/max */
    OPT_BOOL,   /* value: bool *, takes no argument */
};

struct opt {
    const char *name;   /* long name without the dashes */
    enum opt_type type; /* how the value is parsed */
    void *value;        /* where it goes */
    const char *argh;   /* argument placeholder for the usage text, e.g. "FILE" */
    const char *help;   /* one line */
    int64_t min, max;   /* OPT_INT64 bounds (both 0: any value) */
    bool *seen;         /* optional: set when the option was given */
};

#define OPTS_HELP 1 /* opts_parse printed the usage for --help */

/*
 * Parse argv[1..argc) for command `cmd` (e.g. "sla due"). Returns the index
 * of the first positional argument (>= 1), OPTS_HELP negated (-1) after
 * printing the usage for --help, or -2 after printing one line on stderr for
 * an unknown option, a missing argument or a value that does not parse.
 */
int opts_parse(const char *cmd, const char *usage, const struct opt *opts, size_t nr, int argc,
               char **argv);
/* Print "usage: svcdesk <usage>" and the options table to f. */
void opts_usage(FILE *f, const char *usage, const struct opt *opts, size_t nr);
/* Print "svcdesk <cmd>: <message>" on stderr; returns 2 (the usage exit code). */
int opts_error(const char *cmd, const char *fmt, ...) PRINTF_LIKE(2, 3);

#endif
