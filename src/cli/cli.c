#include "core/compat.h"
#include "cli/cli.h"
#include "core/err.h"
#include "store/store.h"

void cli_opts_init(struct cli_opts *co, const struct opt *own, size_t nown,
                   const char *const *keys)
{
    memset(co, 0, sizeof(*co));
    for (size_t i = 0; i < nown; i++)
        co->opts[co->nr++] = own[i];
    co->opts[co->nr++] = (struct opt){"config", OPT_STRING, &co->config, "FILE",
                                      "settings file of 'key = value' lines", 0, 0, NULL};
    for (size_t i = 0; i < conf_table_nr && co->nr < CLI_MAX_OPTS; i++) {
        const struct conf_entry *e = &conf_table[i];
        bool want = !keys;
        for (const char *const *k = keys; k && *k; k++)
            want |= !strcmp(*k, e->name);
        if (!want)
            continue;
        co->keys[co->nkeys] = e->name;
        co->opts[co->nr++] = (struct opt){e->name, OPT_STRING, &co->vals[co->nkeys],
                                          e->type == CONF_INT ? "N" : "VALUE", e->help, 0, 0,
                                          NULL};
        co->nkeys++;
    }
}

int cli_conf(struct cli_opts *co, const char *cmd, struct conf *c)
{
    struct strbuf err = STRBUF_INIT;
    const char *file = co->config ? co->config : getenv("SVCDESK_CONFIG");
    int rc = 0;

    conf_init(c);
    if (file && *file && (rc = conf_load_file(c, file, &err)) < 0)
        goto out;
    if ((rc = conf_load_env(c, &err)) < 0)
        goto out;
    for (size_t i = 0; i < co->nkeys; i++)
        if (co->vals[i] && (rc = conf_set(c, co->keys[i], co->vals[i], &err)) < 0)
            goto out;
out:
    if (rc < 0) {
        opts_error(cmd, "%s", err.buf);
        conf_release(c);
    }
    strbuf_release(&err);
    return rc == 0 ? 0 : rc == DESK_EIO ? 1 : 2;
}

int cli_open_store(const char *cmd, const char *url, unsigned flags, struct store **st)
{
    struct strbuf err = STRBUF_INIT;
    int rc = store_open(url, flags, st, &err);

    if (rc < 0)
        fprintf(stderr, "svcdesk %s: %s\n", cmd, err.buf);
    strbuf_release(&err);
    return rc < 0 ? 1 : 0;
}
