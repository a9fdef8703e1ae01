/*
 * rasci.c - responsibility matrices: POST/GET /api/v1/rasci-matrices, GET
 * /api/v1/rasci-matrices/{id}. A cell is letters in either case separated by
 * '/', ',', ';', '+' or spaces, or a JSON list of them; it is stored as "A/R".
 * A broken row answers 422 with field "rows[i].cells" and the activity named.
 */
#include "core/compat.h"
#include "http/api/api.h"
#include "core/err.h"
#include "core/time.h"
#include "domain/rasci.h"
#include "http/input.h"
#include "store/store.h"

static json_t *matrix_json(const struct rasci_matrix *m)
{
    json_t *parties = json_array(), *rows = json_array();

    for (size_t p = 0; p < m->nparties; p++)
        json_array_append_new(parties, json_string(m->parties[p]));
    for (size_t i = 0; i < m->nrows; i++) {
        json_t *cells = json_object();
        for (size_t p = 0; p < m->nparties; p++) {
            char cell[RASCI_CELL_LEN];
            json_object_set_new(cells, m->parties[p],
                                json_string(rasci_cell_format(m->rows[i].cells[p], cell)));
        }
        json_array_append_new(
            rows, json_pack("{s:s, s:o}", "activity", m->rows[i].activity, "cells", cells));
    }
    return json_pack("{s:I, s:s, s:o, s:o, s:b, s:o}", "id", (json_int_t)m->id, "name", m->name,
                     "parties", parties, "rows", rows, "default", m->is_default, "created_at",
                     json_time(m->created_at));
}

/* ---- reading the body ------------------------------------------------------------------------ */

static int read_parties(struct req *req, json_t *in, struct rasci_matrix *m, struct res *res)
{
    json_t *list = json_object_get(in, "parties"), *v;
    const char **names = ARENA_NEWN(req->arena, const char *, json_array_size(list) + 1);
    size_t i;

    json_array_foreach(list, i, v)
    {
        const char *name = json_string_value(v);
        if (!name || !*name || utf8_chars(name, strlen(name)) > RASCI_NAME_MAX)
            return res_error(res, DESK_EINVAL, "parties",
                             "parties[%zu] must be a name of 1 to %d characters", i,
                             RASCI_NAME_MAX);
        names[i] = name;
    }
    m->parties = names;
    m->nparties = json_array_size(list);
    return 0;
}

/* Letters of one cell value: a string, or a list of strings. */
static int cell_letters(json_t *v, unsigned *set, struct strbuf *err)
{
    json_t *x;
    size_t i;
    int rc;

    if (json_is_string(v))
        return rasci_cell_parse(json_string_value(v), json_string_length(v), set, err);
    if (!json_is_array(v))
        return err_addf(err, DESK_EINVAL, "a cell is a string like \"A/R\" or a list of letters");
    json_array_foreach(v, i, x)
    {
        if (!json_is_string(x))
            return err_addf(err, DESK_EINVAL, "a cell list holds strings only");
        if ((rc = rasci_cell_parse(json_string_value(x), json_string_length(x), set, err)) < 0)
            return rc;
    }
    return 0;
}

static int read_cells(struct req *req, json_t *row, size_t i, const struct rasci_matrix *m,
                      unsigned *cells, struct res *res)
{
    const char *field = arena_sprintf(req->arena, "rows[%zu].cells", i), *party;
    json_t *obj = json_object_get(row, "cells"), *v;
    struct strbuf err = STRBUF_INIT;
    int rc = 0;

    if (!json_is_object(obj))
        return res_error(res, DESK_EINVAL, field, "%s must be an object of party: letters", field);
    json_object_foreach(obj, party, v)
    {
        int p = rasci_party_index(m, party);
        if (p < 0) {
            rc = res_error(res, DESK_EINVAL, field, "%s: unknown party '%s'", field, party);
            break;
        }
        if ((rc = cell_letters(v, &cells[p], &err)) < 0) {
            res_error(res, rc, field, "%s: party '%s': %s", field, party, err.buf);
            break;
        }
    }
    strbuf_release(&err);
    return rc;
}

static int read_rows(struct req *req, json_t *in, struct rasci_matrix *m, struct res *res)
{
    json_t *list = json_object_get(in, "rows"), *row;
    struct rasci_row *rows = ARENA_NEWN(req->arena, struct rasci_row, json_array_size(list) + 1);
    size_t i;
    int rc;

    json_array_foreach(list, i, row)
    {
        const char *activity = json_string_value(json_object_get(row, "activity"));
        unsigned *cells = ARENA_NEWN(req->arena, unsigned, m->nparties + 1);
        if (!json_is_object(row) || !activity || !*activity || json_object_size(row) != 2 ||
            utf8_chars(activity, strlen(activity)) > RASCI_ACTIVITY_MAX)
            return res_error(res, DESK_EINVAL, arena_sprintf(req->arena, "rows[%zu]", i),
                             "rows[%zu] must be {\"activity\" (1 to %d characters), \"cells\"}", i,
                             RASCI_ACTIVITY_MAX);
        if ((rc = read_cells(req, row, i, m, cells, res)) < 0)
            return rc;
        rows[i] = (struct rasci_row){activity, cells};
    }
    m->rows = rows;
    m->nrows = json_array_size(list);
    return 0;
}

/* The whole matrix's rules; the field names the row at fault. */
static int check_matrix(struct req *req, const struct rasci_matrix *m, struct res *res)
{
    struct strbuf err = STRBUF_INIT;
    size_t row;
    int rc = rasci_matrix_check(m, &row, &err);

    if (rc < 0)
        res_error(res, rc,
                  row == SIZE_MAX ? "parties" : arena_sprintf(req->arena, "rows[%zu].cells", row),
                  "%s", err.buf);
    strbuf_release(&err);
    return rc;
}

static const struct field_spec matrix_fields[] = {
    {"name", F_LINE, true, 1, RASCI_NAME_MAX, NULL},
    {"parties", F_ARRAY, true, 1, RASCI_PARTIES_MAX, NULL},
    {"rows", F_ARRAY, true, 1, RASCI_ROWS_MAX, NULL},
};

int api_rasci_create(struct req *req, struct res *res)
{
    struct store_fault fault = {0};
    struct rasci_matrix m = {0};
    json_t *in;
    int rc;

    if ((rc = req_json(req, res, &in)) < 0 ||
        (rc = input_check(in, matrix_fields, ARRAY_SIZE(matrix_fields), res)) < 0 ||
        (rc = read_parties(req, in, &m, res)) < 0 || (rc = read_rows(req, in, &m, res)) < 0 ||
        (rc = check_matrix(req, &m, res)) < 0)
        return rc;
    m.name = input_str(in, "name");
    if ((rc = store_rasci_create(req->store, &req->caller, &m, time_now(), &fault)) < 0)
        return api_fault(res, rc, &fault, "no matrix");
    return res_json(res, 201, matrix_json(&m));
}

int api_rasci_get(struct req *req, struct res *res)
{
    struct rasci_matrix m;
    int rc;

    if ((rc = store_rasci_get(req->store, &req->caller, req->params[0], &m, req->arena)) < 0)
        return res_error(res, rc, NULL, "no matrix %" PRId64, req->params[0]);
    return res_json(res, 200, matrix_json(&m));
}

int api_rasci_list(struct req *req, struct res *res)
{
    struct rasci_matrix *items;
    json_t *list;
    size_t n;
    int rc;

    if ((rc = store_rasci_list(req->store, &req->caller, &items, &n, req->arena)) < 0)
        return rc;
    list = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(list, matrix_json(&items[i]));
    return res_json(res, 200, api_list_json(list, 0));
}
