/*
 * store_ops.h - what a store backend implements (private to src/store).
 *
 * store.c selects the backend from the URL and forwards each store_*
 * function to these pointers; each backend embeds `struct store` first in
 * its own struct.
 */
#ifndef STORE_STORE_OPS_H
#define STORE_STORE_OPS_H

#include "store/store.h"

struct store_ops {
    const char *name;
    void (*close)(struct store *st);
    void (*schema_versions)(struct store *st, int *db_version, int *binary_version);
    int (*ping)(struct store *st);
    bool (*degraded)(struct store *st, struct strbuf *why);
    int (*integrity_check)(struct store *st, struct strbuf *err);
    int (*backup)(struct store *st, const char *path, struct strbuf *err);
    void (*write_stats)(struct store *st, uint64_t *commits, uint64_t *writes);

    int (*user_create)(struct store *st, const struct caller *actor, struct user *u,
                       const char *password_hash);
    int (*admin_ensure)(struct store *st, const char *email, const char *password_hash,
                        bool *created);
    int (*user_by_email)(struct store *st, const char *email, struct user *out,
                         const char **password_hash, struct arena *a);
    int (*user_get)(struct store *st, const struct caller *c, int64_t id, struct user *out,
                    struct arena *a);

    /* organisations, users, calendars, SLA policies */
    int (*org_create)(struct store *st, const struct caller *actor, struct organization *o,
                      struct store_fault *f);
    int (*org_update)(struct store *st, const struct caller *actor,
                      const struct organization *patch, struct organization *out,
                      struct store_fault *f, struct arena *a);
    int (*org_get)(struct store *st, const struct caller *c, int64_t id, struct organization *out,
                   struct arena *a);
    int (*org_list)(struct store *st, const struct caller *c, struct store_page *pg,
                    struct organization **items, size_t *nr, struct arena *a);
    int (*account_get)(struct store *st, const struct caller *c, int64_t id, struct account *out,
                       struct arena *a);
    int (*account_list)(struct store *st, const struct caller *c, struct store_page *pg,
                        struct account **items, size_t *nr, struct arena *a);
    int (*account_update)(struct store *st, const struct caller *actor, int64_t id,
                          const struct account_patch *p, struct account *out,
                          struct store_fault *f, struct arena *a);
    int (*sign_in_failure_add)(struct store *st, const char *email, const char *address,
                               int64_t user_id, int64_t now, int64_t window);
    int (*sign_in_counts)(struct store *st, const char *email, const char *address,
                          int64_t user_id, int64_t now, int64_t window, int ceiling,
                          int64_t known_since, struct signin_counts *out);
    int (*calendar_create)(struct store *st, const struct caller *actor, struct calendar_entry *c,
                           struct store_fault *f);
    int (*calendar_get)(struct store *st, int64_t id, struct calendar_entry *out, struct arena *a);
    int (*calendar_list)(struct store *st, struct store_page *pg, struct calendar_entry **items,
                         size_t *nr, struct arena *a);
    int (*calendar_update)(struct store *st, const struct caller *actor, struct calendar_entry *c,
                           struct store_fault *f);
    int (*policy_create)(struct store *st, const struct caller *actor, struct sla_policy *p,
                         struct store_fault *f);
    int (*policy_update)(struct store *st, const struct caller *actor, int64_t id,
                         const struct sla_policy_patch *patch, struct sla_policy *out,
                         struct store_fault *f, struct arena *a);
    int (*policy_get)(struct store *st, int64_t id, struct sla_policy *out, struct arena *a);
    int (*policy_list)(struct store *st, struct store_page *pg, struct sla_policy **items,
                       size_t *nr, struct arena *a);

    int (*token_revoke)(struct store *st, const uint8_t hash[32], int64_t now);

    /* tickets */
    int (*ticket_create)(struct store *st, const struct caller *c, struct ticket *t, int64_t now,
                         struct store_fault *fault, struct arena *a);
    int (*ticket_get)(struct store *st, const struct caller *c, int64_t id, struct ticket *t,
                      struct arena *a);
    int (*ticket_list)(struct store *st, const struct caller *c, const struct ticket_filter *f,
                       struct ticket **items, size_t *n, const char **next, struct arena *a);
    int (*ticket_update)(struct store *st, const struct caller *c, int64_t id,
                         const struct ticket_patch *p, int64_t now, struct ticket *t,
                         struct store_fault *fault, struct arena *a);
    int (*ticket_escalate)(struct store *st, const struct caller *c, int64_t id,
                           const char *reason, int64_t now, struct ticket *t,
                           struct store_fault *fault, struct arena *a);
    int (*message_add)(struct store *st, const struct caller *c, struct message *m, int64_t now,
                       struct store_fault *fault);
    int (*message_list)(struct store *st, const struct caller *c, int64_t ticket_id,
                        struct message **items, size_t *n, struct arena *a);
    int (*attachment_add)(struct store *st, const struct caller *c, struct attachment *at,
                          int64_t now, struct store_fault *fault);
    int (*attachment_list)(struct store *st, const struct caller *c, int64_t ticket_id,
                           struct attachment **items, size_t *n, struct arena *a);
    int (*attachment_get)(struct store *st, const struct caller *c, int64_t id,
                          struct attachment *at, struct arena *a);
    int (*sla_sweep)(struct store *st, int64_t now, int *queued);
    int (*ticket_counts)(struct store *st, int64_t counts[TS_COUNT]);
    int (*sla_report)(struct store *st, const struct caller *c, int64_t from_day, int64_t to_day,
                      int64_t organization_id, int64_t now, struct sla_report_row **rows,
                      size_t *n, struct arena *a);

    /* agreements, time and expenses, invoices, catalogue, RASCI */
    int (*agreement_create)(struct store *st, const struct caller *c, struct agreement *a,
                            int64_t now, struct store_fault *fault);
    int (*agreement_get)(struct store *st, const struct caller *c, int64_t id, struct agreement *a,
                         struct arena *ar);
    int (*agreement_list)(struct store *st, const struct caller *c,
                          const struct agreement_filter *f, struct agreement **items, size_t *n,
                          int64_t *next, struct arena *ar);
    int (*agreement_update)(struct store *st, const struct caller *c, int64_t id,
                            const struct agreement_patch *p, int64_t now, struct agreement *out,
                            struct store_fault *fault, struct arena *ar);
    int (*agreement_move)(struct store *st, const struct caller *c, int64_t id,
                          const struct agreement_move *m, int64_t now, struct agreement *out,
                          struct store_fault *fault, struct arena *ar);
    int (*agreement_balance)(struct store *st, const struct caller *c, int64_t id, int64_t day,
                             struct hour_bank *bank, struct store_fault *fault);
    int (*change_order_create)(struct store *st, const struct caller *c, struct change_order *co,
                               int64_t now, struct store_fault *fault);
    int (*change_order_sign)(struct store *st, const struct caller *c, int64_t agreement_id,
                             int64_t co_id, int64_t now, struct change_order *out,
                             struct store_fault *fault, struct arena *ar);
    int (*change_order_list)(struct store *st, const struct caller *c, int64_t agreement_id,
                             struct change_order **items, size_t *n, struct arena *ar);
    int (*booking_create)(struct store *st, const struct caller *c, struct booking *b, int64_t now,
                          struct store_fault *fault);
    int (*booking_reschedule)(struct store *st, const struct caller *c, int64_t agreement_id,
                              int64_t booking_id, int64_t starts_on, int64_t ends_on,
                              const struct expense *costs, size_t n, int64_t now,
                              struct booking *out, struct store_fault *fault);
    int (*booking_list)(struct store *st, const struct caller *c, int64_t agreement_id,
                        struct booking **items, size_t *n, struct arena *ar);
    int (*time_entry_create)(struct store *st, const struct caller *c, struct time_entry *t,
                             int64_t now, struct store_fault *fault);
    int (*time_entry_list)(struct store *st, const struct caller *c, int64_t ticket_id,
                           int64_t agreement_id, struct time_entry **items, size_t *n,
                           struct arena *ar);
    int (*expense_create)(struct store *st, const struct caller *c, struct expense *e, int64_t now,
                          struct store_fault *fault);
    int (*expense_list)(struct store *st, const struct caller *c, int64_t agreement_id,
                        struct expense **items, size_t *n, struct arena *ar);
    int (*invoice_create)(struct store *st, const struct caller *c, int64_t agreement_id,
                          int64_t organization_id, int64_t period_start, int64_t period_end,
                          int64_t now, struct invoice *out, struct store_fault *fault,
                          struct arena *ar);
    int (*invoice_get)(struct store *st, const struct caller *c, int64_t id, struct invoice *out,
                       struct arena *ar);
    int (*invoice_list)(struct store *st, const struct caller *c, const struct invoice_filter *f,
                        struct invoice **items, size_t *n, int64_t *next, struct arena *ar);
    int (*billing_set)(struct store *st, const struct caller *c, int64_t rate,
                       const char *currency);
    int (*catalogue_list)(struct store *st, struct catalogue_service **items, size_t *n,
                          struct arena *ar);
    int (*catalogue_save)(struct store *st, const struct caller *c, struct catalogue_service *s,
                          unsigned fields, int64_t now, struct store_fault *fault,
                          struct arena *ar);
    int (*rasci_create)(struct store *st, const struct caller *c, struct rasci_matrix *m,
                        int64_t now, struct store_fault *fault);
    int (*rasci_get)(struct store *st, const struct caller *c, int64_t id, struct rasci_matrix *m,
                     struct arena *ar);
    int (*rasci_list)(struct store *st, const struct caller *c, struct rasci_matrix **items,
                      size_t *n, struct arena *ar);
    int (*priority_sync)(struct store *st, int64_t now, int *changed);

    /* mail: the outbox and inbound messages */
    int (*outbox_claim)(struct store *st, const char *holder, int64_t now, int64_t lease_secs,
                        int max, struct outbox_msg **items, size_t *n, struct arena *a);
    int (*outbox_sent)(struct store *st, int64_t id, int64_t now);
    int (*outbox_failed)(struct store *st, int64_t id, const char *holder, int64_t retry_at,
                         const char *error);
    int (*outbox_release)(struct store *st, int64_t id, const char *holder);
    int (*outbox_pending)(struct store *st, int64_t *n);
    int (*mail_sender)(struct store *st, const char *address, struct mail_sender *out);
    int (*mail_seen)(struct store *st, const char *id, bool *seen, int64_t *ticket_id);
    int (*mail_thread)(struct store *st, const char *const *ids, size_t n, int64_t *ticket_id);
    int (*mail_requester)(struct store *st, int64_t ticket_id, const char **address,
                          struct arena *a);
    int (*mail_count)(struct store *st, const char *address, int64_t since, int64_t *n);
    int (*mail_key)(struct store *st, const char *name, uint8_t *key, size_t len, int64_t now);
    int (*mail_deliver)(struct store *st, struct mail_delivery *d, int64_t now,
                        struct store_fault *fault);

    /* web sessions */
    int (*session_end)(struct store *st, const uint8_t hash[32], int64_t now);
    /* sessions and tokens together, drafts (0009) */
    int (*credential_create)(struct store *st, const struct credential_new *n);
    int (*token_lookup)(struct store *st, const uint8_t hash[32], int64_t now, struct user *out,
                        struct credential *cred, struct arena *a);
    int (*session_lookup)(struct store *st, const uint8_t hash[32], int64_t now,
                          int64_t idle_secs, struct user *out, struct credential *cred,
                          struct arena *a);
    int (*credential_seen)(struct store *st, enum credential_kind kind, int64_t id, int64_t now,
                           const char *address, const char *user_agent);
    int (*credentials_end)(struct store *st, const struct caller *actor, int64_t user_id,
                           int64_t now, const uint8_t *keep, int64_t *ended);
    int (*credential_list)(struct store *st, int64_t user_id, int64_t now, int64_t idle_secs,
                           struct credential **items, size_t *nr, struct arena *a);
    int (*draft_save)(struct store *st, int64_t user_id, const char *path, const char *body,
                      int64_t now);
    int (*draft_take)(struct store *st, int64_t user_id, const char *path, const char **body,
                      struct arena *a);
    int (*service_levels)(struct store *st, const struct caller *c, int64_t today,
                          struct service_level **items, size_t *n, struct arena *a);
    int (*organization_names)(struct store *st, const struct caller *c, struct named **items,
                              size_t *n, struct arena *a);
    int (*staff_names)(struct store *st, const struct caller *c, struct named **items, size_t *n,
                       struct arena *a);
    int (*agreement_rows)(struct store *st, const struct caller *c, int64_t organization_id,
                          int64_t today, int64_t now, struct agreement_row **items, size_t *n,
                          struct arena *a);
    int (*contact_names)(struct store *st, const struct caller *c, struct named **items,
                         size_t *n, struct arena *a);

    /* knowledge base, known errors, releases, installations */
    int (*article_create)(struct store *st, const struct caller *c, struct kb_article *art,
                          int64_t now);
    int (*article_update)(struct store *st, const struct caller *c, int64_t id,
                          const struct kb_article_patch *p, int64_t now, struct kb_article *out,
                          struct arena *a);
    int (*article_get)(struct store *st, const struct caller *c, int64_t id,
                       struct kb_article *out, struct arena *a);
    int (*article_search)(struct store *st, const struct caller *c, const struct kb_query *q,
                          struct kb_hit **items, size_t *n, const char **next, struct arena *a);
    int (*known_error_create)(struct store *st, const struct caller *c, struct known_error *k,
                              int64_t ticket_id, int64_t now, struct store_fault *fault,
                              struct arena *a);
    int (*known_error_update)(struct store *st, const struct caller *c, int64_t id,
                              const struct known_error_patch *p, int64_t now,
                              struct known_error *out, struct store_fault *fault,
                              struct arena *a);
    int (*known_error_link)(struct store *st, const struct caller *c, int64_t id,
                            int64_t ticket_id, int64_t now, struct known_error *out,
                            struct store_fault *fault, struct arena *a);
    int (*known_error_get)(struct store *st, const struct caller *c, int64_t id,
                           struct known_error *out, struct arena *a);
    int (*known_error_list)(struct store *st, const struct caller *c, const struct kb_page *pg,
                            struct known_error **items, size_t *n, const char **next,
                            struct arena *a);
    int (*release_create)(struct store *st, const struct caller *c, struct release *r,
                          int64_t now, struct store_fault *fault);
    int (*release_get)(struct store *st, const struct caller *c, int64_t id, struct release *out,
                       struct arena *a);
    int (*release_list)(struct store *st, const struct caller *c, const struct kb_page *pg,
                        struct release **items, size_t *n, const char **next, struct arena *a);
    int (*release_publish)(struct store *st, const struct caller *c, int64_t id, int64_t now,
                           struct release *out, struct publish_result *res,
                           struct store_fault *fault, struct arena *a);
    int (*installation_create)(struct store *st, const struct caller *c,
                               struct installation *in, int64_t now, struct store_fault *fault);
    int (*installation_get)(struct store *st, const struct caller *c, int64_t id,
                            struct installation *out, struct arena *a);
    int (*installation_list)(struct store *st, const struct caller *c, int64_t organization_id,
                             const struct kb_page *pg, struct installation **items, size_t *n,
                             const char **next, struct arena *a);
    int (*installation_change_add)(struct store *st, const struct caller *c,
                                   struct installation_change *ch, const char *new_version,
                                   int64_t now, struct store_fault *fault, struct arena *a);
    int (*installation_changes)(struct store *st, const struct caller *c,
                                int64_t installation_id, const struct kb_page *pg,
                                struct installation_change **items, size_t *n,
                                const char **next, struct arena *a);

    int (*job_lease)(struct store *st, const char *name, const char *holder, int64_t now,
                     int64_t lease_secs, int64_t not_run_since, bool *got);
    int (*job_done)(struct store *st, const char *name, const char *holder, int64_t now);
    int (*meta_get)(struct store *st, const char *key, const char **value, struct arena *a);
    int (*meta_set)(struct store *st, const char *key, const char *value);
};

struct store {
    const struct store_ops *ops; /* the backend */
};

/* SQLite backend (store_sqlite.c). */
int store_sqlite_open(const char *path, unsigned flags, struct store **out, struct strbuf *err);
int store_sqlite_restore(const char *path, const char *file, struct strbuf *err);

#endif
