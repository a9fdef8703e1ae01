#include "core/compat.h"
#include "core/conf.h"
#include "core/err.h"
#include "core/xalloc.h"

#define S(name, field, dflt, help) {name, CONF_STRING, offsetof(struct conf, field), dflt, 0, 0, help}
#define I(name, field, dflt, lo, hi, help) {name, CONF_INT, offsetof(struct conf, field), dflt, lo, hi, help}

const struct conf_entry conf_table[] = {
    S("db", db, "./var/svcdesk.db", "database: a SQLite file path or a postgres:// URL"),
    S("listen", listen, "127.0.0.1:8080", "HOST:PORT to serve HTTP on (port 0 picks a free one)"),
    S("smtp", smtp, NULL, "smtp://HOST:PORT of the mail relay; without it no mail is sent"),
    S("mail-from", mail_from, "svcdesk@localhost", "From address of notifications"),
    S("backup-dir", backup_dir, "./var/backups", "folder of the daily backups"),
    S("backup-at", backup_at, "02:00", "time of the daily backup, HH:MM UTC"),
    I("backup-keep-days", backup_keep_days, "30", 1, 3650, "days a backup is kept"),
    S("log-level", log_level, "info", "error, warn, info or debug"),
    I("max-connections", max_connections, "4096", 16, 65536,
      "concurrent HTTP connections in all (within the limit of open files)"),
    I("max-connections-per-address", max_connections_per_address, "128", 0, 65536,
      "concurrent HTTP connections from one client address; 0: no limit (behind a proxy)"),
    I("header-timeout-seconds", header_timeout_seconds, "10", 1, 600,
      "seconds a connection has for a whole request header, from its start or its last answer"),
    I("http-threads", http_threads, "32", 0, 1024,
      "threads reading and writing HTTP connections (epoll); 0: one thread per connection"),
    I("http-workers", http_workers, "64", 1, 1024,
      "threads running the handlers of writes (they wait for the database's commit)"),
    I("events-max-waiters", events_max_waiters, "1000", 1, 65536,
      "GET /api/v1/events requests held open at once (no thread each); beyond them 503"),
    I("events-per-user", events_per_user, "16", 1, 65536,
      "GET /api/v1/events requests held open at once for one user (tabs, devices)"),
    I("disk-reserve-mib", disk_reserve_mib, "64", 0, 1048576,
      "MiB kept free on the disk of a SQLite database: writes answer 503 below it; 0: none"),
    S("locale-dir", locale_dir, NULL,
      "folder of the compiled catalogues (LANG/LC_MESSAGES/svcdesk.mo); default: locale/ beside "
      "the executable"),
    I("sweep-seconds", sweep_seconds, "30", 1, 60, "seconds between escalation sweeps"),
    I("lease-seconds", lease_seconds, "300", 2, 86400,
      "how long a server holds a background job it runs; when a server dies, another takes "
      "the job over this long after (keep it above the longest backup)"),
    /* accounts and sign-in */
    S("public-url", public_url, NULL,
      "the address people use, e.g. https://desk.example.com; https: __Host- cookies, HSTS"),
    I("session-idle-seconds", session_idle_seconds, "28800", 1, 7 * 86400,
      "a page session unused this long ends (besides its 7-day lifetime)"),
    I("password-checks", password_checks, "4", 1, 256,
      "concurrent password checks (64 MiB each); beyond them sign-in answers 503 at once"),
    I("sign-in-per-minute", sign_in_per_minute, "30", 1, 100000,
      "sign-in attempts a minute from one client address, and for one account"),
    I("tokens-per-user", tokens_per_user, "20", 1, 1000,
      "live API tokens (and, apart, page sessions) a user holds; a new one ends the oldest"),
    I("trust-forwarded-for", trust_forwarded_for, "0", 0, 1,
      "1: the client address is the last X-Forwarded-For entry (behind a reverse proxy)"),
    /* mail */
    S("unknown-senders", unknown_senders, "triage",
      "mail from unknown addresses: triage (a request without organisation) or reject"),
    I("mail-retry-seconds", mail_retry_seconds, "30", 1, 300,
      "first retry of a failed send; doubles up to 5 minutes"),
    S("mail-trusted-authserv", mail_trusted_authserv, NULL,
      "authserv-id(s) of the receiving MTA whose Authentication-Results are trusted; none: "
      "only signed reply addresses verify a sender"),
    I("mail-authres-fields", mail_authres_fields, "1", 1, 8,
      "topmost trusted Authentication-Results fields read (the number the MTA adds)"),
    S("imap-url", imap_url, NULL, "imap://HOST:PORT/MAILBOX (or imaps://) to poll for requests"),
    S("imap-user", imap_user, NULL, "IMAP login"),
    S("imap-password", imap_password, NULL,
      "IMAP password (in the config file or SVCDESK_IMAP_PASSWORD: options are visible)"),
    S("imap-move-to", imap_move_to, NULL,
      "folder to move processed mail to; default: left in place, seen"),
    I("imap-poll-seconds", imap_poll_seconds, "60", 1, 3600, "seconds between polls of the mailbox"),
    /* installations */
    S("remote-access-key-file", remote_access_key_file, "./var/remote-access.key",
      "file of the key sealing remote-access secrets (outside the database; made 0600 if missing)"),
    I("maintenance-announce-hours", maintenance_announce_hours, "120", 1, 8760,
      "hours before a maintenance window starts that its customers are told"),
    I("maintenance-reminder-hours", maintenance_reminder_hours, "24", 0, 8760,
      "hours before a maintenance window starts that a reminder goes; 0: none"),
    /* agreements */
    I("requirements-lead-days", requirements_lead_days, "60", 1, 365,
      "days before each year of an enhanced agreement that its requirements task opens"),
    S("lapse-notice-days", lapse_notice_days, "60,14",
      "days before an enhanced agreement's year ends that unused hours are announced (a list)"),
    /* live chat */
    I("chat-idle-seconds", chat_idle_seconds, "1800", 5, 86400,
      "a live chat without a line this long is closed (its request goes on)"),
};
const size_t conf_table_nr = ARRAY_SIZE(conf_table);

const struct conf_entry *conf_find(const char *key)
{
    for (size_t i = 0; i < conf_table_nr; i++)
        if (!strcmp(conf_table[i].name, key))
            return &conf_table[i];
    return NULL;
}

static int check_value(const struct conf_entry *e, const char *value, struct strbuf *err)
{
    if (!strcmp(e->name, "backup-at")) {
        unsigned h, m;
        char tail;
        if (sscanf(value, "%2u:%2u%c", &h, &m, &tail) != 2 || strlen(value) != 5 || h > 23 ||
            m > 59) {
            strbuf_addf(err, "backup-at: '%s' is not a time HH:MM", value);
            return DESK_EINVAL;
        }
    }
    if (!strcmp(e->name, "log-level") && strcmp(value, "error") && strcmp(value, "warn") &&
        strcmp(value, "info") && strcmp(value, "debug")) {
        strbuf_addf(err, "log-level: '%s' is not one of error, warn, info, debug", value);
        return DESK_EINVAL;
    }
    if (!strcmp(e->name, "smtp") && *value && strncmp(value, "smtp://", 7) &&
        strncmp(value, "smtps://", 8)) {
        strbuf_addf(err, "smtp: '%s' does not start with smtp:// or smtps://", value);
        return DESK_EINVAL;
    }
    if (!strcmp(e->name, "unknown-senders") && strcmp(value, "triage") && strcmp(value, "reject")) {
        strbuf_addf(err, "unknown-senders: '%s' is not one of triage, reject", value);
        return DESK_EINVAL;
    }
    if (!strcmp(e->name, "public-url") && *value && strncmp(value, "http://", 7) &&
        strncmp(value, "https://", 8)) {
        strbuf_addf(err, "public-url: '%s' does not start with http:// or https://", value);
        return DESK_EINVAL;
    }
    if (!strcmp(e->name, "imap-url") && *value && strncmp(value, "imap://", 7) &&
        strncmp(value, "imaps://", 8)) {
        strbuf_addf(err, "imap-url: '%s' does not start with imap:// or imaps://", value);
        return DESK_EINVAL;
    }
    if (!strcmp(e->name, "lapse-notice-days") && *value) {
        int64_t days[CONF_LIST_MAX];
        size_t n;
        if (conf_int_list(value, 1, 366, days, CONF_LIST_MAX, &n) < 0) {
            strbuf_addf(err, "lapse-notice-days: '%s' is not a list of 1 to %d different "
                        "numbers of days 1..366, e.g. 60,14", value, CONF_LIST_MAX);
            return DESK_EINVAL;
        }
    }
    return 0;
}

static bool list_has(const int64_t *v, size_t n, int64_t x)
{
    for (size_t i = 0; i < n; i++)
        if (v[i] == x)
            return true;
    return false;
}

int conf_int_list(const char *s, int64_t lo, int64_t hi, int64_t *out, size_t max, size_t *n)
{
    *n = 0;
    for (;;) {
        char *end;
        long long v;

        while (*s == ' ')
            s++;
        errno = 0;
        v = *s >= '0' && *s <= '9' ? strtoll(s, &end, 10) : (end = (char *)s, 0);
        if (end == s || errno || v < lo || v > hi || *n == max || list_has(out, *n, v))
            return DESK_EINVAL;
        out[(*n)++] = v;
        for (s = end; *s == ' '; s++)
            ;
        if (!*s)
            return 0;
        if (*s++ != ',')
            return DESK_EINVAL;
    }
}

int conf_set(struct conf *c, const char *key, const char *value, struct strbuf *err)
{
    const struct conf_entry *e = conf_find(key);
    char *field;

    if (!e) {
        strbuf_addf(err, "unknown setting '%s'", key);
        return DESK_EINVAL;
    }
    if (check_value(e, value, err))
        return DESK_EINVAL;
    field = (char *)c + e->offset;
    if (e->type == CONF_STRING) {
        char **p = (char **)field;
        free(*p);
        *p = *value ? xstrdup(value) : NULL;
    } else {
        char *end;
        long long v;
        errno = 0;
        v = strtoll(value, &end, 10);
        if (errno || end == value || *end) {
            strbuf_addf(err, "%s: '%s' is not a whole number", key, value);
            return DESK_EINVAL;
        }
        if (v < e->min || v > e->max) {
            strbuf_addf(err, "%s: %lld is outside %" PRId64 "..%" PRId64, key, v, e->min, e->max);
            return DESK_EINVAL;
        }
        *(int64_t *)field = v;
    }
    return 0;
}

bool conf_https(const struct conf *c)
{
    return c && c->public_url && !strncmp(c->public_url, "https://", 8);
}

void conf_init(struct conf *c)
{
    memset(c, 0, sizeof(*c));
    for (size_t i = 0; i < conf_table_nr; i++)
        if (conf_table[i].dflt && conf_set(c, conf_table[i].name, conf_table[i].dflt, NULL))
            BUG("bad default for %s", conf_table[i].name);
}

void conf_release(struct conf *c)
{
    for (size_t i = 0; i < conf_table_nr; i++)
        if (conf_table[i].type == CONF_STRING)
            FREE_AND_NULL(*(char **)((char *)c + conf_table[i].offset));
}

static char *trim(char *s)
{
    char *e;

    while (*s == ' ' || *s == '\t')
        s++;
    e = s + strlen(s);
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n'))
        *--e = '\0';
    return s;
}

int conf_load_file(struct conf *c, const char *path, struct strbuf *err)
{
    FILE *f = fopen(path, "r");
    char line[4096];
    int lineno = 0, rc = 0;
    long total = 0;

    if (!f) {
        strbuf_addf(err, "cannot open config file '%s': %s", path, strerror(errno));
        return DESK_EIO;
    }
    while (fgets(line, sizeof(line), f)) {
        char *eq, *key, *val;
        lineno++;
        total += (long)strlen(line);
        if (total > (long)MAX_CONFIG_FILE || (!strchr(line, '\n') && !feof(f))) {
            strbuf_addf(err, "%s:%d: line or file too long", path, lineno);
            rc = DESK_EINVAL;
            break;
        }
        key = trim(line);
        if (!*key || *key == '#')
            continue;
        if (!(eq = strchr(key, '='))) {
            strbuf_addf(err, "%s:%d: expected 'key = value'", path, lineno);
            rc = DESK_EINVAL;
            break;
        }
        *eq = '\0';
        key = trim(key);
        val = trim(eq + 1);
        if (strlen(val) >= 2 && val[0] == '"' && val[strlen(val) - 1] == '"') {
            val[strlen(val) - 1] = '\0';
            val++;
        }
        if (conf_set(c, key, val, err)) {
            strbuf_addf(err, " (%s:%d)", path, lineno);
            rc = DESK_EINVAL;
            break;
        }
    }
    fclose(f);
    return rc;
}

int conf_load_env(struct conf *c, struct strbuf *err)
{
    for (size_t i = 0; i < conf_table_nr; i++) {
        char var[64] = "SVCDESK_";
        const char *v;
        size_t j = 8;
        for (const char *p = conf_table[i].name; *p && j + 1 < sizeof(var); p++)
            var[j++] = *p == '-' ? '_' : (char)(*p - ('a' <= *p && *p <= 'z' ? 32 : 0));
        var[j] = '\0';
        if ((v = getenv(var)) && conf_set(c, conf_table[i].name, v, err)) {
            strbuf_addf(err, " (from %s)", var);
            return DESK_EINVAL;
        }
    }
    return 0;
}
