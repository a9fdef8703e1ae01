/*
 * copy.c - store_copy: a whole installation from a SQLite file into an empty PostgreSQL
 * database, in one transaction, verified (the contract is in store.h).
 *
 * Nothing here names a table. The tables, their columns and primary keys come from SQLite
 * (pragma_table_list, pragma_table_info), the columns' types, identities and foreign keys
 * from PostgreSQL (information_schema, pg_constraint); the two must agree by name (e2e
 * 7001 holds them equal). schema_migrations is each database's own and is not copied.
 * SQLite's virtual tables (FTS5) and their shadow tables are not copied either: PostgreSQL
 * has tables of tsvector documents under the same names, which its triggers fill as the
 * rows they index are inserted ("derived" tables; sql/postgres/0007_knowledge.sql).
 *
 * "Empty" target: migrations insert rows of their own (meta's settings and CSRF secret, the
 * default catalogue and RASCI matrix). Which tables they fill is read from a scratch SQLite
 * database migrated by this binary (seeded_tables), not from a list: such a table may hold
 * rows, every other must have none. The seeded rows are deleted in the copy's transaction,
 * and the source's rows (which began as the same seeds) take their place.
 *
 * The source is read in one read transaction (a snapshot), so a server still writing to it
 * cannot make the copy inconsistent; what it writes afterwards is not copied.
 *
 * The checksum of a table: each row is hashed (SHA-256) over its columns in SQLite's order,
 * each column as 'N' for NULL or 'V', its length in decimal, ':' and its bytes (text as
 * stored, integers in decimal as both databases print them, bytea/BLOB as raw bytes); the
 * row hashes are sorted and hashed again. Sorting the hashes rather than the rows keeps
 * the two databases' collations (citext, locales) out of it.
 */
#define LOG_MODULE "store"
#include "core/compat.h"
#include "store/store.h"
#include "core/err.h"
#include "core/log.h"
#include "core/xalloc.h"
#include "store/db.h"
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

/* The PostgreSQL driver reads a whole result into memory: the read-back goes in pages. */
#define PAGE_ROWS 1000     /* rows a page at most */
#define PAGE_ROWS_BLOB 16  /* ... of a table with bytea columns (attachments, 25 MiB each) */
#define SCRATCH_TEMPLATE "svcdesk-copy-XXXXXX"

enum col_kind { COL_TEXT, COL_BLOB, COL_REAL };

struct table {
    char *name;               /* the same in both schemas */
    char *quoted;             /* name as an SQL identifier */
    char **cols;              /* column names, in SQLite's order */
    enum col_kind *kinds;     /* each column's kind, by its PostgreSQL type */
    size_t ncols;
    char *order;              /* ORDER BY list: the primary key, else every column */
    char *identity;           /* the identity (or serial) column in PostgreSQL, or NULL */
    char **deps;              /* the tables its foreign keys reference (itself aside) */
    size_t ndeps, adeps;
    bool seeded;              /* migrations put rows in it */
    bool has_blob;            /* a column is COL_BLOB */
};

struct schema {
    struct table *t;          /* the tables to copy; in dependency order once sorted */
    size_t nr, alloc;
    char **derived;           /* PostgreSQL's tables for SQLite's virtual ones */
    size_t nderived, aderived;
};

/* ---- names and SQL text ------------------------------------------------------------- */

static void add_ident(struct strbuf *sb, const char *name)
{
    strbuf_addch(sb, '"');
    for (const char *p = name; *p; p++) {
        if (*p == '"')
            strbuf_addch(sb, '"');
        strbuf_addch(sb, *p);
    }
    strbuf_addch(sb, '"');
}

static void add_col_list(struct strbuf *sb, const struct table *t)
{
    for (size_t i = 0; i < t->ncols; i++) {
        if (i)
            strbuf_addstr(sb, ", ");
        add_ident(sb, t->cols[i]);
    }
}

static void push_name(char ***arr, size_t *nr, size_t *alloc, const char *name)
{
    ALLOC_GROW(*arr, *nr + 1, *alloc);
    (*arr)[(*nr)++] = xstrdup(name);
}

static bool has_name(char **arr, size_t nr, const char *name)
{
    for (size_t i = 0; i < nr; i++)
        if (!strcmp(arr[i], name))
            return true;
    return false;
}

static void free_names(char **arr, size_t nr)
{
    for (size_t i = 0; i < nr; i++)
        free(arr[i]);
    free(arr);
}

static void table_release(struct table *t)
{
    free(t->name);
    free(t->quoted);
    free_names(t->cols, t->ncols);
    free(t->kinds);
    free(t->order);
    free(t->identity);
    free_names(t->deps, t->ndeps);
}

static void schema_release(struct schema *sc)
{
    for (size_t i = 0; i < sc->nr; i++)
        table_release(&sc->t[i]);
    free(sc->t);
    free_names(sc->derived, sc->nderived);
}

static struct table *find_table(struct schema *sc, const char *name)
{
    for (size_t i = 0; i < sc->nr; i++)
        if (!strcmp(sc->t[i].name, name))
            return &sc->t[i];
    return NULL;
}

/* Rows of the table quoted (an identifier) on c into *n: 0 or the error. */
static int count_rows(struct db_conn *c, const char *quoted, int64_t *n)
{
    struct strbuf sql = STRBUF_INIT;
    struct db_stmt *s;
    int rc;

    strbuf_addf(&sql, "SELECT count(*) FROM %s", quoted);
    s = db_stmt_uncached(c, sql.buf);
    rc = db_step(s);
    *n = rc == DB_ROW ? db_col_int(s, 0) : 0;
    db_stmt_free(s);
    strbuf_release(&sql);
    return db_err(rc);
}

/* Run SQL text made here that returns no row (or rows not read): 0 or the error. */
static int exec_text(struct db_conn *c, const char *sql)
{
    struct db_stmt *s = db_stmt_uncached(c, sql);
    int rc = db_step(s);

    db_stmt_free(s);
    return db_err(rc);
}

/* ---- the SQLite side: tables, columns, keys ------------------------------------------ */

static const char SQL_SQLITE_TABLES[] =
    "SELECT name, type FROM pragma_table_list WHERE schema = 'main' AND type IN ('table', "
    "'virtual') AND name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations' ORDER BY name";
static const char SQL_SQLITE_COLUMNS[] =
    "SELECT name, pk FROM pragma_table_info(?1) ORDER BY cid";

/* The columns and primary key of t from SQLite: t->cols and t->order. */
static int read_sqlite_columns(struct db_conn *c, struct table *t)
{
    struct db_stmt *s = db_stmt(c, SQL_SQLITE_COLUMNS);
    struct strbuf order = STRBUF_INIT;
    char *pk[DB_PARAMS_MAX] = {NULL};
    size_t alloc = 0;
    int rc, npk = 0;

    db_bind_text(s, 1, t->name);
    while ((rc = db_step(s)) == DB_ROW) {
        int64_t k = db_col_int(s, 1);
        push_name(&t->cols, &t->ncols, &alloc, db_col_raw(s, 0));
        if (k >= 1 && k <= DB_PARAMS_MAX) {
            pk[k - 1] = t->cols[t->ncols - 1];
            npk = (int)k > npk ? (int)k : npk;
        }
    }
    rc = db_done(s, db_err(rc));
    for (int i = 0; i < npk; i++) {
        if (i)
            strbuf_addstr(&order, ", ");
        if (pk[i])
            add_ident(&order, pk[i]);
    }
    if (!npk) /* no primary key: every column, so that rows tied in order are equal rows */
        add_col_list(&order, t);
    t->order = strbuf_detach(&order, NULL);
    return rc;
}

/* The tables of the source (s: SQLite), and the names of its virtual ones in sc->derived. */
static int read_sqlite_schema(struct store *st, struct schema *sc)
{
    struct db_conn *c = db_get(st);
    struct db_stmt *s = db_stmt(c, SQL_SQLITE_TABLES);
    int rc;

    while ((rc = db_step(s)) == DB_ROW) {
        const char *name = db_col_raw(s, 0);
        if (strcmp(db_col_raw(s, 1), "table")) {
            push_name(&sc->derived, &sc->nderived, &sc->aderived, name);
            continue;
        }
        ALLOC_GROW(sc->t, sc->nr + 1, sc->alloc);
        memset(&sc->t[sc->nr], 0, sizeof(sc->t[0]));
        sc->t[sc->nr].name = xstrdup(name);
        sc->nr++;
    }
    rc = db_done(s, db_err(rc));
    for (size_t i = 0; i < sc->nr; i++) {
        struct strbuf q = STRBUF_INIT;
        struct table *t = &sc->t[i];
        add_ident(&q, t->name);
        t->quoted = strbuf_detach(&q, NULL);
        /* pragma_table_list also lists FTS5's shadow tables as 'shadow': left out above */
        if (rc == 0)
            rc = read_sqlite_columns(c, t);
    }
    db_put(st, c);
    return rc;
}

/*
 * Mark the tables that migrations fill (t->seeded): those with rows in a scratch SQLite
 * database that this binary creates and migrates, then removes.
 */
static int mark_seeded(struct schema *sc, struct strbuf *err)
{
    const char *tmp = getenv("TMPDIR");
    struct strbuf dir = STRBUF_INIT, path = STRBUF_INIT;
    struct store *st = NULL;
    int rc;

    strbuf_addf(&dir, "%s/" SCRATCH_TEMPLATE, tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir.buf)) {
        strbuf_addf(err, "cannot create a scratch folder '%s': %s", dir.buf, strerror(errno));
        strbuf_release(&dir);
        return DESK_EIO;
    }
    strbuf_addf(&path, "%s/scratch.db", dir.buf);
    rc = store_open(path.buf, STORE_CREATE | STORE_MIGRATE, &st, err);
    if (rc == 0) {
        struct db_conn *c = db_get(st);
        for (size_t i = 0; i < sc->nr && rc == 0; i++) {
            int64_t n = 0;
            rc = count_rows(c, sc->t[i].quoted, &n);
            sc->t[i].seeded = n > 0;
        }
        db_put(st, c);
        store_close(st);
    }
    unlink(path.buf);
    strbuf_addstr(&path, "-wal");
    unlink(path.buf);
    strbuf_setlen(&path, path.len - 4);
    strbuf_addstr(&path, "-shm");
    unlink(path.buf);
    rmdir(dir.buf);
    strbuf_release(&dir);
    strbuf_release(&path);
    return rc;
}

/* ---- the PostgreSQL side: parity, types, identities, foreign keys -------------------- */

static const char SQL_PG_TABLES[] =
    "SELECT CAST(table_name AS TEXT) FROM information_schema.tables WHERE table_schema = "
    "current_schema() AND table_type = 'BASE TABLE' AND table_name <> 'schema_migrations' "
    "ORDER BY 1";
static const char SQL_PG_COLUMNS[] =
    "SELECT CAST(column_name AS TEXT), CAST(data_type AS TEXT), CASE WHEN is_identity = 'YES' "
    "OR column_default LIKE 'nextval(%' THEN 1 ELSE 0 END FROM information_schema.columns "
    "WHERE table_schema = current_schema() AND CAST(table_name AS TEXT) = ?1 "
    "ORDER BY ordinal_position";
static const char SQL_PG_FKEYS[] =
    "SELECT c.relname, p.relname FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid "
    "JOIN pg_class p ON p.oid = k.confrelid WHERE k.contype = 'f' AND c.relnamespace = "
    "(SELECT oid FROM pg_namespace WHERE nspname = current_schema())";

static int column_index(const struct table *t, const char *name)
{
    for (size_t i = 0; i < t->ncols; i++)
        if (!strcmp(t->cols[i], name))
            return (int)i;
    return -1;
}

/* t's columns in PostgreSQL: the same names as in SQLite; their kinds and the identity. */
static int match_columns(struct db_conn *c, struct table *t, struct strbuf *err)
{
    struct db_stmt *s = db_stmt(c, SQL_PG_COLUMNS);
    size_t seen = 0;
    int rc;

    t->kinds = xcalloc(t->ncols ? t->ncols : 1, sizeof(*t->kinds));
    db_bind_text(s, 1, t->name);
    while ((rc = db_step(s)) == DB_ROW) {
        const char *name = db_col_raw(s, 0), *type = db_col_raw(s, 1);
        int i = column_index(t, name);
        if (i < 0) {
            if (!err->len)
                strbuf_addf(err, "the schemas differ: column '%s.%s' of the target is not in "
                                 "the source",
                            t->name, name);
            continue;
        }
        seen++;
        t->kinds[i] = !strcmp(type, "bytea")              ? COL_BLOB
                      : !strcmp(type, "double precision") ? COL_REAL
                                                          : COL_TEXT;
        t->has_blob |= t->kinds[i] == COL_BLOB;
        if (db_col_int(s, 2) && !t->identity)
            t->identity = xstrdup(name);
    }
    rc = db_done(s, db_err(rc));
    if (rc == 0 && !err->len && seen != t->ncols)
        strbuf_addf(err, "the schemas differ: table '%s' has %zu columns in the source and %zu "
                         "of them in the target",
                    t->name, t->ncols, seen);
    if (rc == 0 && !err->len && t->ncols > DB_PARAMS_MAX)
        strbuf_addf(err, "table '%s' has %zu columns, more than a statement binds (%d)",
                    t->name, t->ncols, DB_PARAMS_MAX);
    return rc < 0 ? rc : err->len ? DESK_EINVAL : 0;
}

/* The target's tables agree with the source's: every table on both sides, same columns. */
static int match_tables(struct db_conn *c, struct schema *sc, struct strbuf *err)
{
    struct db_stmt *s = db_stmt(c, SQL_PG_TABLES);
    char **pg = NULL;
    size_t npg = 0, apg = 0;
    int rc;

    while ((rc = db_step(s)) == DB_ROW)
        push_name(&pg, &npg, &apg, db_col_raw(s, 0));
    rc = db_done(s, db_err(rc));
    for (size_t i = 0; i < npg && rc == 0; i++)
        if (!find_table(sc, pg[i]) && !has_name(sc->derived, sc->nderived, pg[i])) {
            strbuf_addf(err, "the schemas differ: table '%s' of the target is not in the source",
                        pg[i]);
            rc = DESK_EINVAL;
        }
    for (size_t i = 0; i < sc->nderived && rc == 0; i++)
        if (!has_name(pg, npg, sc->derived[i])) {
            strbuf_addf(err, "the schemas differ: the source's search table '%s' is not in the "
                             "target",
                        sc->derived[i]);
            rc = DESK_EINVAL;
        }
    for (size_t i = 0; i < sc->nr && rc == 0; i++) {
        if (!has_name(pg, npg, sc->t[i].name)) {
            strbuf_addf(err, "the schemas differ: table '%s' of the source is not in the target",
                        sc->t[i].name);
            rc = DESK_EINVAL;
        } else {
            rc = match_columns(c, &sc->t[i], err);
        }
    }
    free_names(pg, npg);
    return rc;
}

static int read_fkeys(struct db_conn *c, struct schema *sc)
{
    struct db_stmt *s = db_stmt(c, SQL_PG_FKEYS);
    int rc;

    while ((rc = db_step(s)) == DB_ROW) {
        struct table *t = find_table(sc, db_col_raw(s, 0));
        const char *ref = db_col_raw(s, 1);
        if (t && strcmp(t->name, ref) && find_table(sc, ref) && !has_name(t->deps, t->ndeps, ref))
            push_name(&t->deps, &t->ndeps, &t->adeps, ref);
    }
    return db_done(s, db_err(rc));
}

/* Order sc->t so that each table comes after those it references; a cycle is refused. */
static int sort_by_dependencies(struct schema *sc, struct strbuf *err)
{
    struct table *sorted = xcalloc(sc->nr ? sc->nr : 1, sizeof(*sorted));
    bool *placed = xcalloc(sc->nr ? sc->nr : 1, sizeof(*placed));
    size_t done = 0;

    while (done < sc->nr) {
        size_t before = done;
        for (size_t i = 0; i < sc->nr; i++) {
            bool ready = !placed[i];
            for (size_t d = 0; ready && d < sc->t[i].ndeps; d++) {
                bool found = false;
                for (size_t j = 0; j < done && !found; j++)
                    found = !strcmp(sorted[j].name, sc->t[i].deps[d]);
                ready = found;
            }
            if (ready) {
                sorted[done++] = sc->t[i];
                placed[i] = true;
            }
        }
        if (done == before)
            break;
    }
    if (done < sc->nr) {
        for (size_t i = 0; i < sc->nr; i++)
            if (!placed[i]) {
                strbuf_addf(err, "the foreign keys of table '%s' form a cycle: no order of "
                                 "insertion satisfies them",
                            sc->t[i].name);
                break;
            }
        free(sorted);
        free(placed);
        return DESK_EINVAL;
    }
    free(sc->t);
    sc->t = sorted;
    sc->alloc = sc->nr;
    free(placed);
    return 0;
}

static int read_target_schema(struct store *dst, struct schema *sc, struct strbuf *err)
{
    struct db_conn *c = db_get(dst);
    int rc = match_tables(c, sc, err);

    if (rc == 0)
        rc = read_fkeys(c, sc);
    db_put(dst, c);
    if (rc == 0)
        rc = sort_by_dependencies(sc, err);
    if (rc < 0 && !err->len)
        strbuf_addstr(err, "cannot read the target's schema (see the log)");
    return rc;
}

/* ---- the copy: one write on the target ----------------------------------------------- */

struct copy_job {
    struct store *src;              /* the SQLite source */
    struct schema *sc;              /* what to copy, in order */
    struct store_copy_report *rep;  /* out: the verification */
    struct strbuf why;              /* out: the reason of a failure (this run's) */
};

static const char SQL_READ_BEGIN[] = "BEGIN";
static const char SQL_READ_END[] = "COMMIT";

/* Bind column i of the source's row (s) as parameter i + 1 of ins. */
static void bind_column(struct db_stmt *ins, struct db_stmt *s, const struct table *t, int i,
                        char *real_buf, size_t real_len)
{
    if (db_col_null(s, i)) {
        db_bind_null(ins, i + 1);
    } else if (t->kinds[i] == COL_BLOB) {
        size_t len;
        const void *p = db_col_blob(s, i, &len);
        db_bind_blob(ins, i + 1, p, len);
    } else if (t->kinds[i] == COL_REAL) {
        snprintf(real_buf, real_len, "%.17g", db_col_double(s, i));
        db_bind_text_copy(ins, i + 1, real_buf);
    } else {
        db_bind_text(ins, i + 1, db_col_raw(s, i)); /* valid until the next step of s */
    }
}

/* Insert every row of t read from src (SQLite) into dst (PostgreSQL), in key order. */
static int copy_rows(struct db_conn *src, struct db_conn *dst, const struct table *t,
                     struct strbuf *why)
{
    struct strbuf sel = STRBUF_INIT, ins_sql = STRBUF_INIT;
    struct db_stmt *s, *ins;
    char real[40];
    int64_t n = 0;
    int rc;

    strbuf_addstr(&sel, "SELECT ");
    add_col_list(&sel, t);
    strbuf_addf(&sel, " FROM %s ORDER BY %s", t->quoted, t->order);
    strbuf_addf(&ins_sql, "INSERT INTO %s (", t->quoted);
    add_col_list(&ins_sql, t);
    strbuf_addstr(&ins_sql, ") VALUES (");
    for (size_t i = 0; i < t->ncols; i++)
        strbuf_addf(&ins_sql, "%s?%zu", i ? ", " : "", i + 1);
    strbuf_addch(&ins_sql, ')');
    s = db_stmt_uncached(src, sel.buf);
    ins = db_stmt_uncached(dst, ins_sql.buf);
    while ((rc = db_step(s)) == DB_ROW) {
        for (size_t i = 0; i < t->ncols; i++)
            bind_column(ins, s, t, (int)i, real, sizeof(real));
        if ((rc = db_exec(ins)) < 0)
            break;
        n++;
    }
    if (rc < 0)
        strbuf_addf(why, "copying table '%s' failed at its row %" PRId64 " (%s)", t->name, n + 1,
                    rc == DESK_EBUSY ? "a database failed; see the log"
                                     : "the target refused it: a constraint");
    db_stmt_free(s);
    db_stmt_free(ins);
    strbuf_release(&sel);
    strbuf_release(&ins_sql);
    return db_err(rc);
}

/* Set t's identity sequence past its largest id, so that new rows take the next ones. */
static int set_sequence(struct db_conn *c, const struct table *t)
{
    struct strbuf sql = STRBUF_INIT;
    struct db_stmt *s;
    int rc;

    strbuf_addstr(&sql, "SELECT setval(pg_get_serial_sequence(?1, ?2), coalesce(max(");
    add_ident(&sql, t->identity);
    strbuf_addf(&sql, "), 0) + 1, false) FROM %s", t->quoted);
    s = db_stmt_uncached(c, sql.buf);
    db_bind_text(s, 1, t->quoted); /* parsed as a name: quoted as it is in SQL */
    db_bind_text(s, 2, t->identity);
    rc = db_step(s);
    db_stmt_free(s);
    strbuf_release(&sql);
    return db_err(rc);
}

static int cmp_hash(const void *a, const void *b)
{
    return memcmp(a, b, crypto_hash_sha256_BYTES);
}

/* Hash one column of the current row of s into h (the canonical form at the top). */
static void hash_column(crypto_hash_sha256_state *h, struct db_stmt *s, const struct table *t,
                        int i)
{
    char head[32], real[40];
    const void *p;
    size_t len;

    if (db_col_null(s, i)) {
        crypto_hash_sha256_update(h, (const unsigned char *)"N", 1);
        return;
    }
    if (t->kinds[i] == COL_BLOB) {
        p = db_col_blob(s, i, &len);
    } else if (t->kinds[i] == COL_REAL) {
        snprintf(real, sizeof(real), "%.17g", db_col_double(s, i));
        p = real;
        len = strlen(real);
    } else {
        p = db_col_raw(s, i);
        len = strlen(p);
    }
    snprintf(head, sizeof(head), "V%zu:", len);
    crypto_hash_sha256_update(h, (const unsigned char *)head, strlen(head));
    crypto_hash_sha256_update(h, p, len);
}

/* Rows of t on c and their checksum (hex into sum): 0 or the error. */
static int checksum(struct db_conn *c, const struct table *t, int64_t *rows, char sum[65])
{
    int64_t page = db_dialect(c) == DB_POSTGRES ? (t->has_blob ? PAGE_ROWS_BLOB : PAGE_ROWS)
                                                : INT64_MAX;
    unsigned char (*hashes)[crypto_hash_sha256_BYTES] = NULL, out[crypto_hash_sha256_BYTES];
    struct strbuf sql = STRBUF_INIT;
    crypto_hash_sha256_state all;
    size_t nr = 0, alloc = 0;
    struct db_stmt *s;
    int64_t got;
    int rc;

    strbuf_addstr(&sql, "SELECT ");
    add_col_list(&sql, t);
    strbuf_addf(&sql, " FROM %s ORDER BY %s LIMIT ?1 OFFSET ?2", t->quoted, t->order);
    s = db_stmt_uncached(c, sql.buf);
    do {
        got = 0;
        db_bind_int(s, 1, page);
        db_bind_int(s, 2, (int64_t)nr);
        while ((rc = db_step(s)) == DB_ROW) {
            crypto_hash_sha256_state h;
            crypto_hash_sha256_init(&h);
            for (size_t i = 0; i < t->ncols; i++)
                hash_column(&h, s, t, (int)i);
            ALLOC_GROW(hashes, nr + 1, alloc);
            crypto_hash_sha256_final(&h, hashes[nr++]);
            got++;
        }
        rc = db_done(s, db_err(rc));
    } while (rc == 0 && got == page);
    db_stmt_free(s);
    strbuf_release(&sql);
    if (nr)
        qsort(hashes, nr, sizeof(*hashes), cmp_hash);
    crypto_hash_sha256_init(&all);
    for (size_t i = 0; i < nr; i++)
        crypto_hash_sha256_update(&all, hashes[i], sizeof(hashes[i]));
    crypto_hash_sha256_final(&all, out);
    sodium_bin2hex(sum, 65, out, sizeof(out));
    free(hashes);
    *rows = (int64_t)nr;
    return rc;
}

static struct store_copy_table *report_add(struct store_copy_report *rep, const char *name)
{
    struct store_copy_table *e;

    ALLOC_GROW(rep->tables, rep->nr + 1, rep->alloc);
    e = &rep->tables[rep->nr++];
    memset(e, 0, sizeof(*e));
    e->name = xstrdup(name);
    return e;
}

void store_copy_report_release(struct store_copy_report *rep)
{
    for (size_t i = 0; i < rep->nr; i++)
        free(rep->tables[i].name);
    free(rep->tables);
    rep->tables = NULL;
    rep->nr = rep->alloc = 0;
}

/* Refuse a target with rows in a table that migrations leave empty. */
static int check_empty(struct db_conn *c, const struct schema *sc, struct strbuf *why)
{
    int rc = 0;

    for (size_t i = 0; i < sc->nr + sc->nderived && rc == 0; i++) {
        const char *name = i < sc->nr ? sc->t[i].name : sc->derived[i - sc->nr];
        struct strbuf q = STRBUF_INIT;
        int64_t n = 0;

        if (i < sc->nr && sc->t[i].seeded)
            continue;
        add_ident(&q, name);
        rc = count_rows(c, q.buf, &n);
        if (rc == 0 && n > 0) {
            strbuf_addf(why, "the target database is not empty: table %s has %" PRId64 " rows",
                        name, n);
            rc = DESK_ECONFLICT;
        }
        strbuf_release(&q);
    }
    return rc;
}

/* Verify every table (the report), and count the derived ones: 0, or DESK_EIO on a mismatch. */
static int verify(struct db_conn *src, struct db_conn *dst, const struct schema *sc,
                  struct store_copy_report *rep, struct strbuf *why)
{
    int rc = 0, bad = 0;

    for (size_t i = 0; i < sc->nr && rc == 0; i++) {
        struct store_copy_table *e = report_add(rep, sc->t[i].name);
        if ((rc = checksum(src, &sc->t[i], &e->rows_from, e->sum_from)) == 0)
            rc = checksum(dst, &sc->t[i], &e->rows_to, e->sum_to);
        e->ok = rc == 0 && e->rows_from == e->rows_to && !strcmp(e->sum_from, e->sum_to);
        if (rc == 0 && !e->ok && !bad++)
            strbuf_addf(why, "verification failed: table '%s' differs (rows %" PRId64
                             " in the source, %" PRId64 " in the target)",
                        e->name, e->rows_from, e->rows_to);
    }
    for (size_t i = 0; i < sc->nderived && rc == 0; i++) {
        struct store_copy_table *e = report_add(rep, sc->derived[i]);
        struct strbuf q = STRBUF_INIT;
        add_ident(&q, e->name);
        rc = count_rows(dst, q.buf, &e->rows_to);
        e->derived = e->ok = true;
        strbuf_release(&q);
    }
    if (rc < 0 && !why->len)
        strbuf_addstr(why, "verification failed: a database failed (see the log)");
    return rc < 0 ? rc : bad ? DESK_EIO : 0;
}

/* Insert everything, set the sequences, verify; undone by db_write when it fails. */
static int copy_all(struct db_conn *c, struct copy_job *j)
{
    struct db_conn *sc = db_get(j->src);
    int rc;

    if ((rc = db_exec(db_stmt(sc, SQL_READ_BEGIN))) < 0) {
        strbuf_addstr(&j->why, "cannot read the source (see the log)");
        goto out;
    }
    for (size_t i = j->sc->nr; i-- > 0 && rc == 0;) /* referencing tables first */
        if (j->sc->t[i].seeded) {
            struct strbuf sql = STRBUF_INIT;
            strbuf_addf(&sql, "DELETE FROM %s", j->sc->t[i].quoted);
            rc = exec_text(c, sql.buf);
            strbuf_release(&sql);
        }
    for (size_t i = 0; i < j->sc->nr && rc == 0; i++)
        rc = copy_rows(sc, c, &j->sc->t[i], &j->why);
    for (size_t i = 0; i < j->sc->nr && rc == 0; i++)
        if (j->sc->t[i].identity)
            rc = set_sequence(c, &j->sc->t[i]);
    if (rc < 0 && !j->why.len)
        strbuf_addstr(&j->why, "the copy failed (see the log)");
    if (rc == 0)
        rc = verify(sc, c, j->sc, j->rep, &j->why);
    db_exec(db_stmt(sc, SQL_READ_END));
out:
    db_put(j->src, sc);
    return rc;
}

/* db_write_fn: may run again after a conflict, so it starts from a clean report. */
static int write_copy(struct db_conn *c, void *arg)
{
    struct copy_job *j = arg;
    int rc;

    store_copy_report_release(j->rep);
    strbuf_reset(&j->why);
    if ((rc = check_empty(c, j->sc, &j->why)) < 0) {
        if (!j->why.len)
            strbuf_addstr(&j->why, "cannot read the target (see the log)");
        return rc;
    }
    return copy_all(c, j);
}

/* ---- store_copy ------------------------------------------------------------------------ */

/* The source: an initialised SQLite file at this binary's schema, opened. */
static int open_source(const char *from, struct store **src, struct strbuf *err)
{
    struct stat sb;
    int rc, have, want;

    if (strstr(from, "://") || stat(from, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        strbuf_addf(err, "the source '%s' is not a SQLite file that exists", from);
        return DESK_EINVAL;
    }
    if ((rc = store_open(from, 0, src, err)) < 0)
        return rc == DESK_EIO ? DESK_EIO : DESK_EINVAL;
    store_schema_versions(*src, &have, &want);
    if (have != want) {
        strbuf_addf(err, "the source '%s' is at schema %d and this svcdesk at %d: migrate it "
                         "first (svcdesk init --db %s ..., or start svcdesk serve on it once)",
                    from, have, want, from);
        store_close(*src);
        *src = NULL;
        return DESK_EINVAL;
    }
    return 0;
}

int store_copy(const char *from, const char *to, struct store_copy_report *rep,
               struct strbuf *err)
{
    struct copy_job job = {NULL, NULL, rep, STRBUF_INIT};
    struct schema sc = {0};
    struct store *dst = NULL;
    int rc;

    if (!store_url_is_postgres(to)) {
        strbuf_addf(err, "the target '%s' is not a PostgreSQL URL (postgres:// or "
                         "postgresql://)",
                    to);
        return DESK_EINVAL;
    }
    if (sodium_init() < 0) {
        strbuf_addstr(err, "cannot initialise libsodium");
        return DESK_EIO;
    }
    if ((rc = open_source(from, &job.src, err)) < 0)
        return rc;
    if ((rc = read_sqlite_schema(job.src, &sc)) < 0) {
        strbuf_addf(err, "cannot read the schema of '%s' (see the log)", from);
        goto out;
    }
    if ((rc = mark_seeded(&sc, err)) < 0)
        goto out;
    if ((rc = store_open(to, STORE_CREATE | STORE_MIGRATE, &dst, err)) < 0)
        goto out;
    if ((rc = read_target_schema(dst, &sc, err)) < 0)
        goto out;
    job.sc = &sc;
    rc = db_write(dst, write_copy, &job);
    if (rc < 0)
        strbuf_addstr(err, job.why.len ? job.why.buf : "the copy failed (see the log)");
    else
        log_info("msg=\"installation copied\" tables=%zu", sc.nr);
out:
    strbuf_release(&job.why);
    schema_release(&sc);
    store_close(dst);
    store_close(job.src);
    return rc;
}
