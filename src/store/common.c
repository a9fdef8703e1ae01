/*
 * common.c - the helpers of more than one entity file (declared in internal.h): faults,
 * dates, arrays, JSON lists, cursors and full-text queries.
 */
#include "core/compat.h"
#include "core/i18n.h"
#include "store/internal.h"
#include "core/arena.h"
#include "core/err.h"
#include "core/strbuf.h"
#include "core/time.h"
#include "domain/agreement.h"

int store__fault(struct store_fault *f, int rc, const char *field, const char *fmt, ...)
{
    va_list ap;

    if (f) {
        f->field = field;
        va_start(ap, fmt);
        vsnprintf(f->message, sizeof(f->message), tr(fmt), ap);
        va_end(ap);
    }
    return rc;
}

/* ---- dates ------------------------------------------------------------------------ */

void store__bind_date(struct db_stmt *s, int i, int64_t day)
{
    char buf[DATE_LEN];

    if (day == DATE_NONE) {
        db_bind_null(s, i);
        return;
    }
    date_format(day, buf);
    db_bind_text_copy(s, i, buf);
}

int64_t store__col_date(struct db_stmt *s, int i)
{
    const char *t = db_col_raw(s, i);
    int64_t day;

    if (!t || date_parse(t, strlen(t), &day) < 0)
        return DATE_NONE;
    return day;
}

int64_t store__today(int64_t now)
{
    return floor_div(now, 86400);
}

/* ---- arrays and JSON lists ---------------------------------------------------------- */

void *store__grow(struct arena *a, void *arr, size_t n, size_t *alloc, size_t size)
{
    void *bigger;

    if (n < *alloc)
        return arr;
    *alloc = *alloc ? 2 * *alloc : 16;
    bigger = arena_alloc(a, *alloc * size);
    if (n)
        memcpy(bigger, arr, n * size);
    return bigger;
}

const char *store__json_text(json_t *j, struct arena *a)
{
    char *s;
    const char *out;

    if (!j)
        return NULL;
    s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
    out = arena_strdup(a, s);
    free(s);
    json_decref(j);
    return out;
}

const char *store__json_strings(const char *const *v, size_t n, struct arena *a)
{
    json_t *arr = json_array();
    const char *out;
    char *s;

    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, json_string(v[i]));
    s = json_dumps(arr, JSON_COMPACT);
    out = arena_strdup(a, s);
    free(s);
    json_decref(arr);
    return out;
}

const char *const *store__json_list(const char *text, size_t *n, struct arena *a)
{
    json_t *arr = text ? json_loads(text, 0, NULL) : NULL;
    size_t i, k = 0, m = json_is_array(arr) ? json_array_size(arr) : 0;
    const char **v = ARENA_NEWN(a, const char *, m + 1);

    for (i = 0; i < m; i++) {
        const char *s = json_string_value(json_array_get(arr, i));
        if (s)
            v[k++] = arena_strdup(a, s);
    }
    v[k] = NULL;
    *n = k;
    json_decref(arr);
    return v;
}

/* ---- cursors ---------------------------------------------------------------------- */

int store__cursor_id(const char *cur, char tag, int64_t *id)
{
    char *end;
    long long v;

    *id = 0;
    if (!cur)
        return 0;
    if (cur[0] != tag || cur[1] != '.' || cur[2] < '1' || cur[2] > '9')
        return DESK_EBADREQ;
    errno = 0;
    v = strtoll(cur + 2, &end, 10);
    if (errno || *end || v < 1)
        return DESK_EBADREQ;
    *id = v;
    return 0;
}

const char *store__cursor_make(char tag, int64_t id, struct arena *a)
{
    return arena_sprintf(a, "%c.%" PRId64, tag, id);
}

/* ---- full-text queries --------------------------------------------------------------- */

const char *store__fts_match(const struct db_conn *c, const char *const *terms, size_t n,
                             const char *column, struct arena *a)
{
    struct strbuf sb = STRBUF_INIT;
    const char *out;

    if (!n)
        return NULL;
    if (db_dialect(c) == DB_POSTGRES) {
        for (size_t i = 0; i < n; i++)
            strbuf_addf(&sb, "%s%s", i ? " " : "", terms[i]);
        out = arena_memdup(a, sb.buf, sb.len);
        strbuf_release(&sb);
        return out;
    }
    if (column)
        strbuf_addf(&sb, "%s : (", column);
    for (size_t i = 0; i < n; i++) {
        strbuf_addstr(&sb, i ? " \"" : "\"");
        for (const char *p = terms[i]; *p; p++) {
            if (*p == '"')
                strbuf_addch(&sb, '"'); /* "" is a quote inside a string */
            strbuf_addch(&sb, *p);
        }
        strbuf_addch(&sb, '"');
    }
    if (column)
        strbuf_addch(&sb, ')');
    out = arena_memdup(a, sb.buf, sb.len);
    strbuf_release(&sb);
    return out;
}

/* ---- meta, inside a transaction ---- */

static const char SQL_META_VALUE[] = "SELECT value FROM meta WHERE key = ?";
static const char SQL_META_PUT[] = "INSERT INTO meta (key, value) VALUES (?1, ?2) "
                                   "ON CONFLICT (key) DO UPDATE SET value = ?2";

const char *store__meta_value(struct db_conn *c, const char *key, struct arena *ar)
{
    struct db_stmt *s = db_stmt(c, SQL_META_VALUE);
    const char *v = NULL;

    db_bind_text(s, 1, key);
    if (db_step(s) == DB_ROW)
        v = db_col_text(s, 0, ar);
    db_done(s, 0);
    return v;
}

int store__meta_put(struct db_conn *c, const char *key, const char *value)
{
    struct db_stmt *s = db_stmt(c, SQL_META_PUT);

    db_bind_text(s, 1, key);
    db_bind_text(s, 2, value);
    return db_exec(s);
}

/* ---- staff references ---- */

static const char SQL_STAFF_ROLE[] = "SELECT role FROM users WHERE id = ?";

int store__check_staff(struct db_conn *c, int64_t id, const char *field, struct store_fault *fault)
{
    struct db_stmt *s = db_stmt(c, SQL_STAFF_ROLE);
    bool staff = false;
    int rc;

    db_bind_int(s, 1, id);
    if ((rc = db_step(s)) == DB_ROW)
        staff = strcmp(db_col_raw(s, 0), "customer") != 0;
    db_done(s, 0);
    if (rc != DB_ROW && rc != DB_DONE)
        return db_err(rc);
    if (!staff)
        return store__fault(fault, DESK_EINVAL, field, "user %" PRId64 " is not an agent or admin",
                            id);
    return 0;
}

int store__page_rows(struct db_stmt *s, struct store_page *pg, void *out, size_t size,
                     size_t *n, void (*read)(struct db_stmt *s, void *item, struct arena *a),
                     struct arena *a)
{
    int rc;

    *n = 0;
    pg->more = false;
    while ((rc = db_step(s)) == DB_ROW) {
        if (*n == pg->limit) { /* the row past the page: more follow */
            pg->more = true;
            break;
        }
        read(s, (char *)out + (*n)++ * size, a);
    }
    return db_done(s, db_err(rc));
}

static const char SQL_OUTBOX_MAIL[] =
    "INSERT INTO outbox (kind, ticket_id, recipients, subject, body, message_id, not_before, "
    "created_at, next_attempt_at) VALUES (?1, NULL, ?2, ?3, ?4, ?5, ?6, ?6, ?6)";

int store__outbox_mail(struct db_conn *c, const char *kind, const char *to, const char *subject,
                       const char *body, const char *message_id, int64_t now)
{
    struct db_stmt *s = db_stmt(c, SQL_OUTBOX_MAIL);

    db_bind_text(s, 1, kind);
    db_bind_text(s, 2, to);
    db_bind_text(s, 3, subject);
    db_bind_text(s, 4, body);
    db_bind_text(s, 5, message_id);
    db_bind_int(s, 6, now);
    return db_exec(s);
}
