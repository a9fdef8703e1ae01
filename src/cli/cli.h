/*
 * cli.h - what the commands share: settings from the config file, the
 * environment and options (in that order of precedence), and opening the
 * store with a one-line error.
 */
#ifndef CLI_CLI_H
#define CLI_CLI_H

#include "core/compat.h"
#include "core/conf.h"
#include "cli/opts.h"

struct store;

#define CLI_MAX_OPTS 128 /* well above the settings table (t-conf checks) plus a command's own */

/*
 * A command's options: its own (own[0..nown)) followed by --config and one
 * option for each settings key in keys (NULL-terminated; NULL keys = all).
 */
struct cli_opts {
    struct opt opts[CLI_MAX_OPTS]; /* the table for opts_parse */
    size_t nr;                     /* entries used */
    const char *vals[CLI_MAX_OPTS]; /* values of the settings options */
    const char *keys[CLI_MAX_OPTS]; /* their settings keys */
    size_t nkeys;                  /* settings options */
    const char *config;            /* --config FILE */
};

void cli_opts_init(struct cli_opts *co, const struct opt *own, size_t nown,
                   const char *const *keys);
/*
 * Fill c: defaults, then the config file (--config, or SVCDESK_CONFIG), the
 * environment, then the options given. Returns 0, or the exit code after
 * printing one line (2 for a bad value, 1 for an unreadable file); on
 * failure c holds nothing to release.
 */
int cli_conf(struct cli_opts *co, const char *cmd, struct conf *c);
/* Open the store; prints one line and returns the exit code (1) on failure. */
int cli_open_store(const char *cmd, const char *url, unsigned flags, struct store **st);

#endif
