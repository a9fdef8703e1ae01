/*
 * store.c - backend selection and forwarding (see store.h for the contract).
 */
#include "core/compat.h"
#include "store/store.h"
#include "core/err.h"
#include "store/store_ops.h"

static bool is_postgres(const char *url)
{
    return !strncmp(url, "postgres://", 11) || !strncmp(url, "postgresql://", 13);
}

int store_open(const char *url, unsigned flags, struct store **out, struct strbuf *err)
{
    if (is_postgres(url)) {
        strbuf_addstr(err, "this build has no PostgreSQL backend yet; use a SQLite file path");
        return DESK_EINVAL;
    }
    return store_sqlite_open(url, flags, out, err);
}

int store_restore(const char *url, const char *file, struct strbuf *err)
{
    if (is_postgres(url)) {
        strbuf_addstr(err, "restore of a PostgreSQL database is done with pg_restore");
        return DESK_EINVAL;
    }
    return store_sqlite_restore(url, file, err);
}

void store_close(struct store *st)
{
    if (st)
        st->ops->close(st);
}

void store_schema_versions(struct store *st, int *db_version, int *binary_version)
{
    st->ops->schema_versions(st, db_version, binary_version);
}

int store_ping(struct store *st)
{
    return st->ops->ping(st);
}

bool store_degraded(struct store *st, struct strbuf *why)
{
    return st->ops->degraded(st, why);
}

int store_integrity_check(struct store *st, struct strbuf *err)
{
    return st->ops->integrity_check(st, err);
}

int store_backup(struct store *st, const char *path, struct strbuf *err)
{
    return st->ops->backup(st, path, err);
}

void store_write_stats(struct store *st, uint64_t *commits, uint64_t *writes)
{
    st->ops->write_stats(st, commits, writes);
}

int store_user_create(struct store *st, const struct caller *actor, struct user *u,
                      const char *password_hash)
{
    return st->ops->user_create(st, actor, u, password_hash);
}

int store_admin_ensure(struct store *st, const char *email, const char *password_hash,
                       bool *created)
{
    return st->ops->admin_ensure(st, email, password_hash, created);
}

int store_user_by_email(struct store *st, const char *email, struct user *out,
                        const char **password_hash, struct arena *a)
{
    return st->ops->user_by_email(st, email, out, password_hash, a);
}

int store_user_get(struct store *st, const struct caller *c, int64_t id, struct user *out,
                   struct arena *a)
{
    return st->ops->user_get(st, c, id, out, a);
}

/* ---- organisations, users, calendars, SLA policies ---- */

int store_org_create(struct store *st, const struct caller *actor, struct organization *o,
                     struct store_fault *f)
{
    return st->ops->org_create(st, actor, o, f);
}

int store_org_update(struct store *st, const struct caller *actor,
                     const struct organization *patch, struct organization *out,
                     struct store_fault *f, struct arena *a)
{
    return st->ops->org_update(st, actor, patch, out, f, a);
}

int store_org_get(struct store *st, const struct caller *c, int64_t id, struct organization *out,
                  struct arena *a)
{
    return st->ops->org_get(st, c, id, out, a);
}

int store_org_list(struct store *st, const struct caller *c, struct store_page *pg,
                   struct organization **items, size_t *nr, struct arena *a)
{
    return st->ops->org_list(st, c, pg, items, nr, a);
}

int store_account_get(struct store *st, const struct caller *c, int64_t id, struct account *out,
                      struct arena *a)
{
    return st->ops->account_get(st, c, id, out, a);
}

int store_account_list(struct store *st, const struct caller *c, struct store_page *pg,
                       struct account **items, size_t *nr, struct arena *a)
{
    return st->ops->account_list(st, c, pg, items, nr, a);
}

int store_account_update(struct store *st, const struct caller *actor, int64_t id,
                         const struct account_patch *p, struct account *out,
                         struct store_fault *f, struct arena *a)
{
    return st->ops->account_update(st, actor, id, p, out, f, a);
}

int store_sign_in_failure_add(struct store *st, const char *email, const char *address,
                              int64_t user_id, int64_t now, int64_t window)
{
    return st->ops->sign_in_failure_add(st, email, address, user_id, now, window);
}

int store_sign_in_counts(struct store *st, const char *email, const char *address,
                         int64_t user_id, int64_t now, int64_t window, int ceiling,
                         int64_t known_since, struct signin_counts *out)
{
    return st->ops->sign_in_counts(st, email, address, user_id, now, window, ceiling,
                                   known_since, out);
}

int store_calendar_create(struct store *st, const struct caller *actor, struct calendar_entry *c,
                          struct store_fault *f)
{
    return st->ops->calendar_create(st, actor, c, f);
}

int store_calendar_get(struct store *st, int64_t id, struct calendar_entry *out, struct arena *a)
{
    return st->ops->calendar_get(st, id, out, a);
}

int store_calendar_list(struct store *st, struct store_page *pg, struct calendar_entry **items,
                        size_t *nr, struct arena *a)
{
    return st->ops->calendar_list(st, pg, items, nr, a);
}

int store_calendar_update(struct store *st, const struct caller *actor, struct calendar_entry *c,
                          struct store_fault *f)
{
    return st->ops->calendar_update(st, actor, c, f);
}

int store_policy_create(struct store *st, const struct caller *actor, struct sla_policy *p,
                        struct store_fault *f)
{
    return st->ops->policy_create(st, actor, p, f);
}

int store_policy_update(struct store *st, const struct caller *actor, int64_t id,
                        const struct sla_policy_patch *patch, struct sla_policy *out,
                        struct store_fault *f, struct arena *a)
{
    return st->ops->policy_update(st, actor, id, patch, out, f, a);
}

int store_policy_get(struct store *st, int64_t id, struct sla_policy *out, struct arena *a)
{
    return st->ops->policy_get(st, id, out, a);
}

int store_policy_list(struct store *st, struct store_page *pg, struct sla_policy **items,
                      size_t *nr, struct arena *a)
{
    return st->ops->policy_list(st, pg, items, nr, a);
}

int store_token_create(struct store *st, int64_t user_id, const uint8_t hash[32], int64_t now,
                       int64_t expires_at)
{
    struct credential_new n = {CRED_TOKEN, user_id, hash, now, expires_at, NULL, NULL, 0};
    return st->ops->credential_create(st, &n);
}

int store_token_user(struct store *st, const uint8_t hash[32], int64_t now, struct user *out,
                     struct arena *a)
{
    return st->ops->token_lookup(st, hash, now, out, NULL, a);
}

int store_token_revoke(struct store *st, const uint8_t hash[32], int64_t now)
{
    return st->ops->token_revoke(st, hash, now);
}

/* ---- tickets ---- */

int store_ticket_create(struct store *st, const struct caller *c, struct ticket *t, int64_t now,
                        struct store_fault *fault, struct arena *a)
{
    return st->ops->ticket_create(st, c, t, now, fault, a);
}

int store_ticket_get(struct store *st, const struct caller *c, int64_t id, struct ticket *t,
                     struct arena *a)
{
    return st->ops->ticket_get(st, c, id, t, a);
}

int store_ticket_list(struct store *st, const struct caller *c, const struct ticket_filter *f,
                      struct ticket **items, size_t *n, const char **next, struct arena *a)
{
    return st->ops->ticket_list(st, c, f, items, n, next, a);
}

int store_ticket_update(struct store *st, const struct caller *c, int64_t id,
                        const struct ticket_patch *p, int64_t now, struct ticket *t,
                        struct store_fault *fault, struct arena *a)
{
    return st->ops->ticket_update(st, c, id, p, now, t, fault, a);
}

int store_ticket_escalate(struct store *st, const struct caller *c, int64_t id,
                          const char *reason, int64_t now, struct ticket *t,
                          struct store_fault *fault, struct arena *a)
{
    return st->ops->ticket_escalate(st, c, id, reason, now, t, fault, a);
}

int store_message_add(struct store *st, const struct caller *c, struct message *m, int64_t now,
                      struct store_fault *fault)
{
    return st->ops->message_add(st, c, m, now, fault);
}

int store_message_list(struct store *st, const struct caller *c, int64_t ticket_id,
                       struct message **items, size_t *n, struct arena *a)
{
    return st->ops->message_list(st, c, ticket_id, items, n, a);
}

int store_attachment_add(struct store *st, const struct caller *c, struct attachment *at,
                         int64_t now, struct store_fault *fault)
{
    return st->ops->attachment_add(st, c, at, now, fault);
}

int store_attachment_list(struct store *st, const struct caller *c, int64_t ticket_id,
                          struct attachment **items, size_t *n, struct arena *a)
{
    return st->ops->attachment_list(st, c, ticket_id, items, n, a);
}

int store_attachment_get(struct store *st, const struct caller *c, int64_t id,
                         struct attachment *at, struct arena *a)
{
    return st->ops->attachment_get(st, c, id, at, a);
}

int store_sla_sweep(struct store *st, int64_t now, int *queued)
{
    return st->ops->sla_sweep(st, now, queued);
}

int store_ticket_counts(struct store *st, int64_t counts[TS_COUNT])
{
    return st->ops->ticket_counts(st, counts);
}

int store_sla_report(struct store *st, const struct caller *c, int64_t from_day, int64_t to_day,
                     int64_t organization_id, int64_t now, struct sla_report_row **rows,
                     size_t *n, struct arena *a)
{
    return st->ops->sla_report(st, c, from_day, to_day, organization_id, now, rows, n, a);
}

/* ---- agreements, time and expenses, invoices, catalogue, RASCI ---- */

int store_agreement_create(struct store *st, const struct caller *c, struct agreement *a,
                           int64_t now, struct store_fault *fault)
{
    return st->ops->agreement_create(st, c, a, now, fault);
}

int store_agreement_get(struct store *st, const struct caller *c, int64_t id, struct agreement *a,
                        struct arena *ar)
{
    return st->ops->agreement_get(st, c, id, a, ar);
}

int store_agreement_list(struct store *st, const struct caller *c, const struct agreement_filter *f,
                         struct agreement **items, size_t *n, int64_t *next, struct arena *ar)
{
    return st->ops->agreement_list(st, c, f, items, n, next, ar);
}

int store_agreement_update(struct store *st, const struct caller *c, int64_t id,
                           const struct agreement_patch *p, int64_t now, struct agreement *out,
                           struct store_fault *fault, struct arena *ar)
{
    return st->ops->agreement_update(st, c, id, p, now, out, fault, ar);
}

int store_agreement_move(struct store *st, const struct caller *c, int64_t id,
                         const struct agreement_move *m, int64_t now, struct agreement *out,
                         struct store_fault *fault, struct arena *ar)
{
    return st->ops->agreement_move(st, c, id, m, now, out, fault, ar);
}

int store_agreement_balance(struct store *st, const struct caller *c, int64_t id, int64_t day,
                            struct hour_bank *bank, struct store_fault *fault)
{
    return st->ops->agreement_balance(st, c, id, day, bank, fault);
}

int store_change_order_create(struct store *st, const struct caller *c, struct change_order *co,
                              int64_t now, struct store_fault *fault)
{
    return st->ops->change_order_create(st, c, co, now, fault);
}

int store_change_order_sign(struct store *st, const struct caller *c, int64_t agreement_id,
                            int64_t co_id, int64_t now, struct change_order *out,
                            struct store_fault *fault, struct arena *ar)
{
    return st->ops->change_order_sign(st, c, agreement_id, co_id, now, out, fault, ar);
}

int store_change_order_list(struct store *st, const struct caller *c, int64_t agreement_id,
                            struct change_order **items, size_t *n, struct arena *ar)
{
    return st->ops->change_order_list(st, c, agreement_id, items, n, ar);
}

int store_booking_create(struct store *st, const struct caller *c, struct booking *b, int64_t now,
                         struct store_fault *fault)
{
    return st->ops->booking_create(st, c, b, now, fault);
}

int store_booking_reschedule(struct store *st, const struct caller *c, int64_t agreement_id,
                             int64_t booking_id, int64_t starts_on, int64_t ends_on,
                             const struct expense *costs, size_t n, int64_t now,
                             struct booking *out, struct store_fault *fault)
{
    return st->ops->booking_reschedule(st, c, agreement_id, booking_id, starts_on, ends_on, costs, n, now, out, fault);
}

int store_booking_list(struct store *st, const struct caller *c, int64_t agreement_id,
                       struct booking **items, size_t *n, struct arena *ar)
{
    return st->ops->booking_list(st, c, agreement_id, items, n, ar);
}

int store_time_entry_create(struct store *st, const struct caller *c, struct time_entry *t,
                            int64_t now, struct store_fault *fault)
{
    return st->ops->time_entry_create(st, c, t, now, fault);
}

int store_time_entry_list(struct store *st, const struct caller *c, int64_t ticket_id,
                          int64_t agreement_id, struct time_entry **items, size_t *n,
                          struct arena *ar)
{
    return st->ops->time_entry_list(st, c, ticket_id, agreement_id, items, n, ar);
}

int store_expense_create(struct store *st, const struct caller *c, struct expense *e, int64_t now,
                         struct store_fault *fault)
{
    return st->ops->expense_create(st, c, e, now, fault);
}

int store_expense_list(struct store *st, const struct caller *c, int64_t agreement_id,
                       struct expense **items, size_t *n, struct arena *ar)
{
    return st->ops->expense_list(st, c, agreement_id, items, n, ar);
}

int store_invoice_create(struct store *st, const struct caller *c, int64_t agreement_id,
                         int64_t organization_id, int64_t period_start, int64_t period_end,
                         int64_t now, struct invoice *out, struct store_fault *fault,
                         struct arena *ar)
{
    return st->ops->invoice_create(st, c, agreement_id, organization_id, period_start, period_end, now, out, fault, ar);
}

int store_invoice_get(struct store *st, const struct caller *c, int64_t id, struct invoice *out,
                      struct arena *ar)
{
    return st->ops->invoice_get(st, c, id, out, ar);
}

int store_invoice_list(struct store *st, const struct caller *c, const struct invoice_filter *f,
                       struct invoice **items, size_t *n, int64_t *next, struct arena *ar)
{
    return st->ops->invoice_list(st, c, f, items, n, next, ar);
}

int store_billing_set(struct store *st, const struct caller *c, int64_t rate, const char *currency)
{
    return st->ops->billing_set(st, c, rate, currency);
}

int store_catalogue_list(struct store *st, struct catalogue_service **items, size_t *n,
                         struct arena *ar)
{
    return st->ops->catalogue_list(st, items, n, ar);
}

int store_catalogue_save(struct store *st, const struct caller *c, struct catalogue_service *s,
                         unsigned fields, int64_t now, struct store_fault *fault, struct arena *ar)
{
    return st->ops->catalogue_save(st, c, s, fields, now, fault, ar);
}

int store_rasci_create(struct store *st, const struct caller *c, struct rasci_matrix *m,
                       int64_t now, struct store_fault *fault)
{
    return st->ops->rasci_create(st, c, m, now, fault);
}

int store_rasci_get(struct store *st, const struct caller *c, int64_t id, struct rasci_matrix *m,
                    struct arena *ar)
{
    return st->ops->rasci_get(st, c, id, m, ar);
}

int store_rasci_list(struct store *st, const struct caller *c, struct rasci_matrix **items,
                     size_t *n, struct arena *ar)
{
    return st->ops->rasci_list(st, c, items, n, ar);
}

int store_priority_sync(struct store *st, int64_t now, int *changed)
{
    return st->ops->priority_sync(st, now, changed);
}


/* ---- mail: the outbox and inbound messages ---- */

int store_outbox_claim(struct store *st, const char *holder, int64_t now, int64_t lease_secs,
                       int max, struct outbox_msg **items, size_t *n, struct arena *a)
{
    return st->ops->outbox_claim(st, holder, now, lease_secs, max, items, n, a);
}

int store_outbox_sent(struct store *st, int64_t id, int64_t now)
{
    return st->ops->outbox_sent(st, id, now);
}

int store_outbox_failed(struct store *st, int64_t id, const char *holder, int64_t retry_at,
                        const char *error)
{
    return st->ops->outbox_failed(st, id, holder, retry_at, error);
}

int store_outbox_release(struct store *st, int64_t id, const char *holder)
{
    return st->ops->outbox_release(st, id, holder);
}

int store_outbox_pending(struct store *st, int64_t *n)
{
    return st->ops->outbox_pending(st, n);
}

int store_mail_sender(struct store *st, const char *address, struct mail_sender *out)
{
    return st->ops->mail_sender(st, address, out);
}

int store_mail_seen(struct store *st, const char *id, bool *seen, int64_t *ticket_id)
{
    return st->ops->mail_seen(st, id, seen, ticket_id);
}

int store_mail_thread(struct store *st, const char *const *ids, size_t n, int64_t *ticket_id)
{
    return st->ops->mail_thread(st, ids, n, ticket_id);
}

int store_mail_requester(struct store *st, int64_t ticket_id, const char **address,
                         struct arena *a)
{
    return st->ops->mail_requester(st, ticket_id, address, a);
}

int store_mail_count(struct store *st, const char *address, int64_t since, int64_t *n)
{
    return st->ops->mail_count(st, address, since, n);
}

int store_mail_key(struct store *st, const char *name, uint8_t *key, size_t len, int64_t now)
{
    return st->ops->mail_key(st, name, key, len, now);
}

int store_mail_deliver(struct store *st, struct mail_delivery *d, int64_t now,
                       struct store_fault *fault)
{
    return st->ops->mail_deliver(st, d, now, fault);
}

/* ---- web sessions ---- */

int store_session_create(struct store *st, int64_t user_id, const uint8_t hash[32], int64_t now,
                         int64_t expires_at)
{
    struct credential_new n = {CRED_SESSION, user_id, hash, now, expires_at, NULL, NULL, 0};
    return st->ops->credential_create(st, &n);
}

/* ---- sessions and tokens together, drafts ---- */

int store_credential_create(struct store *st, const struct credential_new *n)
{
    return st->ops->credential_create(st, n);
}

int store_token_lookup(struct store *st, const uint8_t hash[32], int64_t now, struct user *out,
                       struct credential *cred, struct arena *a)
{
    return st->ops->token_lookup(st, hash, now, out, cred, a);
}

int store_session_lookup(struct store *st, const uint8_t hash[32], int64_t now, int64_t idle_secs,
                         struct user *out, struct credential *cred, struct arena *a)
{
    return st->ops->session_lookup(st, hash, now, idle_secs, out, cred, a);
}

int store_credential_seen(struct store *st, enum credential_kind kind, int64_t id, int64_t now,
                          const char *address, const char *user_agent)
{
    return st->ops->credential_seen(st, kind, id, now, address, user_agent);
}

int store_credentials_end(struct store *st, const struct caller *actor, int64_t user_id,
                          int64_t now, const uint8_t *keep, int64_t *ended)
{
    return st->ops->credentials_end(st, actor, user_id, now, keep, ended);
}

int store_credential_list(struct store *st, int64_t user_id, int64_t now, int64_t idle_secs,
                          struct credential **items, size_t *nr, struct arena *a)
{
    return st->ops->credential_list(st, user_id, now, idle_secs, items, nr, a);
}

int store_draft_save(struct store *st, int64_t user_id, const char *path, const char *body,
                     int64_t now)
{
    return st->ops->draft_save(st, user_id, path, body, now);
}

int store_draft_take(struct store *st, int64_t user_id, const char *path, const char **body,
                     struct arena *a)
{
    return st->ops->draft_take(st, user_id, path, body, a);
}

int store_session_end(struct store *st, const uint8_t hash[32], int64_t now)
{
    return st->ops->session_end(st, hash, now);
}

int store_service_levels(struct store *st, const struct caller *c, int64_t today,
                         struct service_level **items, size_t *n, struct arena *a)
{
    return st->ops->service_levels(st, c, today, items, n, a);
}

int store_organization_names(struct store *st, const struct caller *c, struct named **items,
                             size_t *n, struct arena *a)
{
    return st->ops->organization_names(st, c, items, n, a);
}

int store_staff_names(struct store *st, const struct caller *c, struct named **items, size_t *n,
                      struct arena *a)
{
    return st->ops->staff_names(st, c, items, n, a);
}

int store_agreement_rows(struct store *st, const struct caller *c, int64_t organization_id,
                         int64_t today, int64_t now, struct agreement_row **items, size_t *n,
                         struct arena *a)
{
    return st->ops->agreement_rows(st, c, organization_id, today, now, items, n, a);
}

int store_contact_names(struct store *st, const struct caller *c, struct named **items,
                        size_t *n, struct arena *a)
{
    return st->ops->contact_names(st, c, items, n, a);
}

/* ---- knowledge base, known errors, releases, installations ---- */

int store_article_create(struct store *st, const struct caller *c, struct kb_article *art,
                         int64_t now)
{
    return st->ops->article_create(st, c, art, now);
}

int store_article_update(struct store *st, const struct caller *c, int64_t id,
                         const struct kb_article_patch *p, int64_t now, struct kb_article *out,
                         struct arena *a)
{
    return st->ops->article_update(st, c, id, p, now, out, a);
}

int store_article_get(struct store *st, const struct caller *c, int64_t id, struct kb_article *out,
                      struct arena *a)
{
    return st->ops->article_get(st, c, id, out, a);
}

int store_article_search(struct store *st, const struct caller *c, const struct kb_query *q,
                         struct kb_hit **items, size_t *n, const char **next, struct arena *a)
{
    return st->ops->article_search(st, c, q, items, n, next, a);
}

int store_known_error_create(struct store *st, const struct caller *c, struct known_error *k,
                             int64_t ticket_id, int64_t now, struct store_fault *fault,
                             struct arena *a)
{
    return st->ops->known_error_create(st, c, k, ticket_id, now, fault, a);
}

int store_known_error_update(struct store *st, const struct caller *c, int64_t id,
                             const struct known_error_patch *p, int64_t now,
                             struct known_error *out, struct store_fault *fault, struct arena *a)
{
    return st->ops->known_error_update(st, c, id, p, now, out, fault, a);
}

int store_known_error_link(struct store *st, const struct caller *c, int64_t id, int64_t ticket_id,
                           int64_t now, struct known_error *out, struct store_fault *fault,
                           struct arena *a)
{
    return st->ops->known_error_link(st, c, id, ticket_id, now, out, fault, a);
}

int store_known_error_get(struct store *st, const struct caller *c, int64_t id,
                          struct known_error *out, struct arena *a)
{
    return st->ops->known_error_get(st, c, id, out, a);
}

int store_known_error_list(struct store *st, const struct caller *c, const struct kb_page *pg,
                           struct known_error **items, size_t *n, const char **next,
                           struct arena *a)
{
    return st->ops->known_error_list(st, c, pg, items, n, next, a);
}

int store_release_create(struct store *st, const struct caller *c, struct release *r, int64_t now,
                         struct store_fault *fault)
{
    return st->ops->release_create(st, c, r, now, fault);
}

int store_release_get(struct store *st, const struct caller *c, int64_t id, struct release *out,
                      struct arena *a)
{
    return st->ops->release_get(st, c, id, out, a);
}

int store_release_list(struct store *st, const struct caller *c, const struct kb_page *pg,
                       struct release **items, size_t *n, const char **next, struct arena *a)
{
    return st->ops->release_list(st, c, pg, items, n, next, a);
}

int store_release_publish(struct store *st, const struct caller *c, int64_t id, int64_t now,
                          struct release *out, struct publish_result *res,
                          struct store_fault *fault, struct arena *a)
{
    return st->ops->release_publish(st, c, id, now, out, res, fault, a);
}

int store_installation_create(struct store *st, const struct caller *c, struct installation *in,
                              int64_t now, struct store_fault *fault)
{
    return st->ops->installation_create(st, c, in, now, fault);
}

int store_installation_get(struct store *st, const struct caller *c, int64_t id,
                           struct installation *out, struct arena *a)
{
    return st->ops->installation_get(st, c, id, out, a);
}

int store_installation_list(struct store *st, const struct caller *c, int64_t organization_id,
                            const struct kb_page *pg, struct installation **items, size_t *n,
                            const char **next, struct arena *a)
{
    return st->ops->installation_list(st, c, organization_id, pg, items, n, next, a);
}

int store_installation_change_add(struct store *st, const struct caller *c,
                                  struct installation_change *ch, const char *new_version,
                                  int64_t now, struct store_fault *fault, struct arena *a)
{
    return st->ops->installation_change_add(st, c, ch, new_version, now, fault, a);
}

int store_installation_changes(struct store *st, const struct caller *c, int64_t installation_id,
                               const struct kb_page *pg, struct installation_change **items,
                               size_t *n, const char **next, struct arena *a)
{
    return st->ops->installation_changes(st, c, installation_id, pg, items, n, next, a);
}

int store_job_lease(struct store *st, const char *name, const char *holder, int64_t now,
                    int64_t lease_secs, int64_t not_run_since, bool *got)
{
    return st->ops->job_lease(st, name, holder, now, lease_secs, not_run_since, got);
}

int store_job_done(struct store *st, const char *name, const char *holder, int64_t now)
{
    return st->ops->job_done(st, name, holder, now);
}

int store_meta_get(struct store *st, const char *key, const char **value, struct arena *a)
{
    return st->ops->meta_get(st, key, value, a);
}

int store_meta_set(struct store *st, const char *key, const char *value)
{
    return st->ops->meta_set(st, key, value);
}
