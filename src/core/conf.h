/*
 * conf.h - the settings of svcdesk, declared in one table (redis configs[]).
 *
 * Precedence: built-in default < svcdesk.conf (`key = value` lines) <
 * SVCDESK_<KEY> environment variables (dashes become underscores) <
 * command-line options, all through conf_set(), the last one winning.
 * The same table gives `svcdesk serve --help` and docs/config.md.
 */
#ifndef CORE_CONF_H
#define CORE_CONF_H

#include "core/compat.h"
#include "core/strbuf.h"

struct conf {
    char *db;              /* SQLite path or postgres:// URL */
    char *listen;          /* HOST:PORT to serve on */
    char *smtp;            /* smtp://HOST:PORT for outgoing mail; NULL: none sent */
    char *mail_from;       /* From address of notifications */
    char *backup_dir;      /* folder of the daily backups */
    char *backup_at;       /* HH:MM UTC of the daily backup */
    int64_t backup_keep_days; /* backups older than this are pruned */
    char *log_level;       /* error|warn|info|debug */
    int64_t max_connections; /* concurrent HTTP connections */
    int64_t max_connections_per_address; /* from one client address; 0: no limit */
    int64_t header_timeout_seconds; /* for a whole request header */
    int64_t http_threads;  /* MHD's epoll threads; 0: a thread per connection */
    int64_t http_workers;  /* threads running the handlers of writes */
    int64_t events_max_waiters; /* held GET /api/v1/events in all */
    int64_t events_per_user;    /* held GET /api/v1/events of one user */
    int64_t disk_reserve_mib; /* MiB kept free under a SQLite database (writes 503 below) */
    char *locale_dir;      /* the compiled catalogues (core/i18n.h); NULL: beside the binary */
    int64_t sweep_seconds; /* between escalation sweeps */
    int64_t lease_seconds; /* a job's lease in the database (scheduler.h, outbox.h) */
    /* accounts and sign-in */
    char *public_url;              /* how people reach us; NULL: unknown (not https) */
    int64_t session_idle_seconds;  /* a session unused this long ends */
    int64_t password_checks;       /* argon2id checks at once; beyond: 503 */
    int64_t sign_in_per_minute;    /* attempts a minute per client address and per account */
    int64_t tokens_per_user;       /* live tokens (and, apart, sessions) of one user */
    int64_t trust_forwarded_for;   /* 1: client address from X-Forwarded-For */
    /* mail */
    char *unknown_senders;      /* triage|reject: mail from an address no organisation knows */
    int64_t mail_retry_seconds; /* first retry of a failed send; doubles up to 5 minutes */
    char *mail_trusted_authserv; /* authserv-ids whose Authentication-Results count; NULL: none */
    int64_t mail_authres_fields; /* topmost trusted Authentication-Results fields read */
    char *imap_url;             /* imap[s]://HOST:PORT/MAILBOX to poll; NULL: none */
    char *imap_user;            /* IMAP login */
    char *imap_password;        /* IMAP password */
    char *imap_move_to;         /* folder for processed mail; NULL: left in place, seen */
    int64_t imap_poll_seconds;  /* between polls of the mailbox */
    /* installations */
    char *remote_access_key_file;       /* the key sealing remote-access secrets */
    int64_t maintenance_announce_hours; /* a maintenance window is announced this long ahead */
    int64_t maintenance_reminder_hours; /* and recalled this long ahead; 0: no reminder */
    /* agreements */
    int64_t requirements_lead_days; /* a year's requirements task opens this long ahead */
    char *lapse_notice_days;        /* "60,14": unused hours announced so long before a year ends */
    int64_t chat_idle_seconds;      /* a live chat silent this long is closed by the scheduler */
};

enum conf_type { CONF_STRING, CONF_INT };

struct conf_entry {
    const char *name;    /* key in svcdesk.conf and the long option */
    enum conf_type type; /* how the value parses */
    size_t offset;       /* of the field in struct conf */
    const char *dflt;    /* default as text; NULL for none */
    int64_t min, max;    /* CONF_INT bounds */
    const char *help;    /* one line for usage and docs */
};

extern const struct conf_entry conf_table[];
extern const size_t conf_table_nr;

/* Fill c with the defaults. */
void conf_init(struct conf *c);
void conf_release(struct conf *c);
/* Set one key from text. Returns 0, or DESK_EINVAL with "key: why" in err. */
int conf_set(struct conf *c, const char *key, const char *value, struct strbuf *err);
/* Read `key = value` lines ('#' comments). 0, DESK_EINVAL ("FILE:LINE: why") or DESK_EIO. */
int conf_load_file(struct conf *c, const char *path, struct strbuf *err);
/* Apply SVCDESK_<KEY> variables from the environment. 0 or DESK_EINVAL. */
int conf_load_env(struct conf *c, struct strbuf *err);
/* True when public-url is an https:// URL (c may be NULL). */
bool conf_https(const struct conf *c);
#define CONF_LIST_MAX 8 /* numbers in a list setting */
/*
 * Parse a list setting "60,14": 1..max different whole numbers in lo..hi,
 * comma separated (spaces allowed), into out[0..*n). 0 or DESK_EINVAL.
 */
int conf_int_list(const char *s, int64_t lo, int64_t hi, int64_t *out, size_t max, size_t *n);
/* The entry named key, or NULL. */
const struct conf_entry *conf_find(const char *key);

#endif
