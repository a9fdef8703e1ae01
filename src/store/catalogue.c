/*
 * catalogue.c - the service catalogue and RASCI matrices on SQLite.
 *
 * A matrix is one row: its parties as a JSON list and its rows as a JSON
 * list of {"activity","cells":{party:"A/R"}}, cells in their stored form
 * (domain/rasci.h) and only for parties that have letters.
 */
#define LOG_MODULE "store"
#include "core/compat.h"
#include "store/internal.h"
#include "core/err.h"
#include "domain/catalogue.h"
#include "domain/rasci.h"
#include <jansson.h>


/* ---- the catalogue ----------------------------------------------------------------------- */

#define SERVICE_COLS                                                                               \
    "id, name, position, vendor_inclusion, vendor_comment, customer_inclusion, "                   \
    "customer_comment, updated_at, retired_at "

static const char SQL_SERVICES[] = "SELECT " SERVICE_COLS "FROM catalogue_services "
                                   "ORDER BY position, id";
static const char SQL_SERVICE_GET[] = "SELECT " SERVICE_COLS "FROM catalogue_services "
                                      "WHERE id = ?";
static const char SQL_SERVICE_INSERT[] =
    "INSERT INTO catalogue_services (name, position, vendor_inclusion, vendor_comment, "
    "customer_inclusion, customer_comment, updated_at) VALUES (?2, coalesce(?3, "
    "(SELECT coalesce(max(position), 0) + 1 FROM catalogue_services)), ?4, ?5, ?6, ?7, ?8) "
    "RETURNING id";
static const char SQL_SERVICE_UPDATE[] =
    "UPDATE catalogue_services SET name = ?2, position = ?3, vendor_inclusion = ?4, "
    "vendor_comment = ?5, customer_inclusion = ?6, customer_comment = ?7, updated_at = ?8 "
    "WHERE id = ?1";
static const char SQL_SERVICE_RETIRE[] =
    "UPDATE catalogue_services SET retired_at = ?2, updated_at = ?3 WHERE id = ?1";

static void read_offer(struct db_stmt *s, int col, struct service_offer *o, struct arena *ar)
{
    if (inclusion_parse(db_col_raw(s, col), &o->inclusion) < 0)
        o->inclusion = INCL_NOT_OFFERED;
    o->comment = db_col_text(s, col + 1, ar);
}

static void read_service(struct db_stmt *s, struct catalogue_service *v, struct arena *ar)
{
    v->id = db_col_int(s, 0);
    v->name = db_col_text(s, 1, ar);
    v->position = db_col_int(s, 2);
    read_offer(s, 3, &v->vendor, ar);
    read_offer(s, 5, &v->customer, ar);
    v->updated_at = db_col_int(s, 7);
    v->retired_at = db_col_int(s, 8); /* NULL: offered (0) */
}

int store_catalogue_list(struct store *st, struct catalogue_service **items, size_t *n,
                           struct arena *ar)
{
    struct db_conn *conn = db_get(st);
    struct db_stmt *s = db_stmt(conn, SQL_SERVICES);
    struct catalogue_service *out = NULL;
    size_t alloc = 0;
    int rc;

    *n = 0;
    while ((rc = db_step(s)) == DB_ROW) {
        out = store__grow(ar, out, *n, &alloc, sizeof(*out));
        read_service(s, &out[(*n)++], ar);
    }
    rc = db_done(s, rc == DB_DONE ? 0 : db_err(rc));
    db_put(st, conn);
    *items = out;
    return rc;
}

static const char *service_audit(const struct catalogue_service *v, struct arena *ar)
{
    return store__json_text(
        json_pack("{s:s, s:I, s:s, s:s, s:s, s:s}", "name", v->name, "position",
                  (json_int_t)v->position, "vendor_hosted", inclusion_name(v->vendor.inclusion),
                  "vendor_comment", v->vendor.comment, "customer_hosted",
                  inclusion_name(v->customer.inclusion), "customer_comment", v->customer.comment),
        ar);
}

struct service_job {
    const struct caller *c;      /* who */
    struct catalogue_service *v; /* in: fields; out: the row */
    unsigned fields;             /* enum catalogue_field bits */
    int64_t now;                 /* when */
    struct store_fault *fault;   /* why it was refused */
    struct arena *ar;            /* for the result */
    struct catalogue_service in; /* *v as the caller gave it (a re-run starts from it) */
};

/* Merge the fields of j->v into the stored row *row. */
static void merge_service(const struct service_job *j, struct catalogue_service *row)
{
    if (j->fields & CF_NAME)
        row->name = j->v->name;
    if (j->fields & CF_POSITION)
        row->position = j->v->position;
    if (j->fields & CF_VENDOR)
        row->vendor = j->v->vendor;
    if (j->fields & CF_CUSTOMER)
        row->customer = j->v->customer;
}

static int service_read(struct db_conn *c, int64_t id, struct catalogue_service *v,
                        struct arena *ar)
{
    struct db_stmt *s = db_stmt(c, SQL_SERVICE_GET);
    int rc;

    db_bind_int(s, 1, id);
    if ((rc = db_step(s)) != DB_ROW)
        return db_done(s, rc == DB_DONE ? DESK_ENOTFOUND : db_err(rc));
    read_service(s, v, ar);
    return db_done(s, 0);
}

static int write_service(struct db_conn *c, void *arg)
{
    struct service_job *j = arg;
    struct catalogue_service row = (*j->v = j->in);
    const char *before = NULL;
    struct db_stmt *s;
    int rc;

    if (row.id) {
        if ((rc = service_read(c, row.id, &row, j->ar)) < 0)
            return rc;
        before = service_audit(&row, j->ar);
        merge_service(j, &row);
    }
    s = db_stmt(c, row.id ? SQL_SERVICE_UPDATE : SQL_SERVICE_INSERT);
    db_bind_int(s, 1, row.id);
    db_bind_text(s, 2, row.name);
    if (row.id || (j->fields & CF_POSITION))
        db_bind_int(s, 3, row.position);
    db_bind_text(s, 4, inclusion_name(row.vendor.inclusion));
    db_bind_text(s, 5, row.vendor.comment);
    db_bind_text(s, 6, inclusion_name(row.customer.inclusion));
    db_bind_text(s, 7, row.customer.comment);
    db_bind_int(s, 8, j->now);
    if ((rc = row.id ? db_exec(s) : db_insert(s, &row.id)) == DESK_ECONFLICT)
        return store__fault(j->fault, rc, "name", "a service named '%s' exists already", row.name);
    if (rc < 0)
        return rc;
    if ((rc = service_read(c, row.id, j->v, j->ar)) < 0)
        return rc;
    return store__audit(c, j->c->user_id, before ? "update" : "create", "catalogue_service", row.id,
                        before, service_audit(j->v, j->ar));
}

int store_catalogue_save(struct store *st, const struct caller *c, struct catalogue_service *s,
                           unsigned fields, int64_t now, struct store_fault *fault,
                           struct arena *ar)
{
    struct service_job j = {c, s, fields, now, fault, ar, *s};
    return db_write(st, write_service, &j);
}

struct retire_job {
    const struct caller *c;      /* who */
    int64_t id;                  /* which service */
    bool retire;                 /* retire it, or offer it again */
    int64_t now;                 /* when */
    struct catalogue_service *v; /* out: the row after */
    struct arena *ar;            /* for the result */
};

/* {"retired_at": seconds or null}, for the audit trail. */
static json_t *retired_json(const struct catalogue_service *v)
{
    return json_pack("{s:o}", "retired_at",
                     v->retired_at ? json_integer(v->retired_at) : json_null());
}

static int write_retire(struct db_conn *c, void *arg)
{
    struct retire_job *j = arg;
    json_t *before;
    struct db_stmt *s;
    int rc;

    if ((rc = service_read(c, j->id, j->v, j->ar)) < 0)
        return rc;
    before = retired_json(j->v);
    if (!catalogue_set_retired(j->v, j->retire, j->now)) { /* so already: nothing to write */
        json_decref(before);
        return 0;
    }
    s = db_stmt(c, SQL_SERVICE_RETIRE);
    db_bind_int(s, 1, j->id);
    db_bind_id(s, 2, j->v->retired_at);
    db_bind_int(s, 3, j->now);
    if ((rc = db_exec(s)) < 0) {
        json_decref(before);
        return rc;
    }
    j->v->updated_at = j->now;
    return store__audit_json(c, j->c->user_id, j->retire ? "retire" : "restore",
                             "catalogue_service", j->id, before,
                             retired_json(j->v));
}

int store_catalogue_retire(struct store *st, const struct caller *c, int64_t id, bool retire,
                           int64_t now, struct catalogue_service *out, struct arena *ar)
{
    struct retire_job j = {c, id, retire, now, out, ar};
    return db_write(st, write_retire, &j);
}

/* ---- RASCI matrices ------------------------------------------------------------------------ */

static const char SQL_RASCI_INSERT[] =
    "INSERT INTO rasci_matrices (name, parties, rows, is_default, created_at) "
    "VALUES (?, ?, ?, 0, ?) RETURNING id";
/* Customers read the default matrix and those attached to their organisation's agreements. */
#define RASCI_VISIBLE                                                                              \
    "(CAST(?1 AS BIGINT) = 0 OR m.is_default = 1 OR EXISTS (SELECT 1 FROM agreements a WHERE " \
    "a.rasci_matrix_id = m.id AND a.organization_id = ?1))"
static const char SQL_RASCI_GET[] =
    "SELECT m.id, m.name, m.parties, m.rows, m.is_default, m.created_at FROM rasci_matrices m "
    "WHERE m.id = ?2 AND " RASCI_VISIBLE;
static const char SQL_RASCI_LIST[] =
    "SELECT m.id, m.name, m.parties, m.rows, m.is_default, m.created_at FROM rasci_matrices m "
    "WHERE " RASCI_VISIBLE " ORDER BY m.id";

static const char *rows_json(const struct rasci_matrix *m, struct arena *ar)
{
    json_t *rows = json_array();

    for (size_t i = 0; i < m->nrows; i++) {
        json_t *cells = json_object();
        for (size_t p = 0; p < m->nparties; p++) {
            char cell[RASCI_CELL_LEN];
            if (m->rows[i].cells[p])
                json_object_set_new(cells, m->parties[p],
                                    json_string(rasci_cell_format(m->rows[i].cells[p], cell)));
        }
        json_array_append_new(
            rows, json_pack("{s:s, s:o}", "activity", m->rows[i].activity, "cells", cells));
    }
    return store__json_text(rows, ar);
}

static const char *parties_json(const struct rasci_matrix *m, struct arena *ar)
{
    json_t *list = json_array();

    for (size_t i = 0; i < m->nparties; i++)
        json_array_append_new(list, json_string(m->parties[i]));
    return store__json_text(list, ar);
}

/* Rows from their stored JSON; a party's cell that does not parse is read as empty. */
static void parse_rows(const char *text, struct rasci_matrix *m, struct arena *ar)
{
    json_t *rows = json_loads(text, 0, NULL), *row;
    struct rasci_row *out = ARENA_NEWN(ar, struct rasci_row, json_array_size(rows) + 1);
    size_t i;

    json_array_foreach(rows, i, row)
    {
        json_t *cells = json_object_get(row, "cells");
        unsigned *set = ARENA_NEWN(ar, unsigned, m->nparties + 1);
        const char *activity = json_string_value(json_object_get(row, "activity"));
        for (size_t p = 0; p < m->nparties; p++) {
            const char *cell = json_string_value(json_object_get(cells, m->parties[p]));
            if (cell && rasci_cell_parse(cell, strlen(cell), &set[p], NULL) < 0)
                set[p] = 0;
        }
        out[i] = (struct rasci_row){arena_strdup(ar, activity ? activity : ""), set};
    }
    m->rows = out;
    m->nrows = json_array_size(rows);
    json_decref(rows);
}

static void read_matrix(struct db_stmt *s, struct rasci_matrix *m, struct arena *ar)
{
    json_t *parties = json_loads(db_col_raw(s, 2), 0, NULL), *v;
    const char **names = ARENA_NEWN(ar, const char *, json_array_size(parties) + 1);
    size_t i;

    memset(m, 0, sizeof(*m));
    m->id = db_col_int(s, 0);
    m->name = db_col_text(s, 1, ar);
    json_array_foreach(parties, i, v)
    {
        const char *name = json_string_value(v);
        names[i] = arena_strdup(ar, name ? name : "");
    }
    m->parties = names;
    m->nparties = json_array_size(parties);
    json_decref(parties);
    parse_rows(db_col_raw(s, 3), m, ar);
    m->is_default = (int)db_col_int(s, 4);
    m->created_at = db_col_int(s, 5);
}

struct rasci_job {
    const struct caller *c;    /* who */
    struct rasci_matrix *m;    /* in/out */
    int64_t now;               /* when */
    struct store_fault *fault; /* why it was refused */
};

static int write_rasci_create(struct db_conn *c, void *arg)
{
    struct rasci_job *j = arg;
    struct arena ar = ARENA_INIT;
    struct db_stmt *s = db_stmt(c, SQL_RASCI_INSERT);
    const char *rows = rows_json(j->m, &ar);
    int rc;

    db_bind_text(s, 1, j->m->name);
    db_bind_text(s, 2, parties_json(j->m, &ar));
    db_bind_text(s, 3, rows);
    db_bind_int(s, 4, j->now);
    if ((rc = db_insert(s, &j->m->id)) == DESK_ECONFLICT)
        rc = store__fault(j->fault, rc, "name", "a matrix named '%s' exists already", j->m->name);
    if (rc == 0) {
        j->m->created_at = j->now;
        rc = store__audit(c, j->c->user_id, "create", "rasci_matrix", j->m->id, NULL, rows);
    }
    arena_release(&ar);
    return rc;
}

int store_rasci_create(struct store *st, const struct caller *c, struct rasci_matrix *m,
                         int64_t now, struct store_fault *fault)
{
    struct rasci_job j = {c, m, now, fault};
    return db_write(st, write_rasci_create, &j);
}

int store_rasci_get(struct store *st, const struct caller *c, int64_t id, struct rasci_matrix *m,
                      struct arena *ar)
{
    struct db_conn *conn = db_get(st);
    struct db_stmt *s = db_stmt(conn, SQL_RASCI_GET);
    int rc;

    db_bind_int(s, 1, STORE_ORG_FILTER(c));
    db_bind_int(s, 2, id);
    rc = db_step(s);
    if (rc == DB_ROW)
        read_matrix(s, m, ar);
    rc = db_done(s, rc == DB_ROW    ? 0
                        : rc == DB_DONE ? DESK_ENOTFOUND
                                            : db_err(rc));
    db_put(st, conn);
    return rc;
}

int store_rasci_list(struct store *st, const struct caller *c, struct rasci_matrix **items,
                       size_t *n, struct arena *ar)
{
    struct db_conn *conn = db_get(st);
    struct db_stmt *s = db_stmt(conn, SQL_RASCI_LIST);
    struct rasci_matrix *out = NULL;
    size_t alloc = 0;
    int rc;

    *n = 0;
    db_bind_int(s, 1, STORE_ORG_FILTER(c));
    while ((rc = db_step(s)) == DB_ROW) {
        out = store__grow(ar, out, *n, &alloc, sizeof(*out));
        read_matrix(s, &out[(*n)++], ar);
    }
    rc = db_done(s, rc == DB_DONE ? 0 : db_err(rc));
    db_put(st, conn);
    *items = out;
    return rc;
}
