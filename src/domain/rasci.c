#include "core/compat.h"
#include "domain/rasci.h"
#include "core/err.h"
#include <ctype.h>
#include <strings.h>

static const char letters[] = "ACIRS"; /* bit i is letters[i] */

int rasci_cell_parse(const char *s, size_t len, unsigned *out, struct strbuf *err)
{
    for (size_t i = 0; i < len; i++) {
        const char *at;
        int c = toupper((unsigned char)s[i]);
        if (s[i] && strchr("/,;+ ", s[i]))
            continue;
        if (!c || !(at = strchr(letters, c)))
            return err_addf(err, DESK_EINVAL, "'%.*s' holds '%c'; use the letters R, A, S, C, I",
                            (int)len, s, isprint((unsigned char)s[i]) ? s[i] : '?');
        *out |= 1u << (at - letters);
    }
    return 0;
}

const char *rasci_cell_format(unsigned set, char out[RASCI_CELL_LEN])
{
    size_t j = 0;

    for (size_t i = 0; letters[i]; i++) {
        if (!(set & (1u << i)))
            continue;
        if (j)
            out[j++] = '/';
        out[j++] = letters[i];
    }
    out[j] = '\0';
    return out;
}

int rasci_row_check(const unsigned *cells, size_t n, struct strbuf *err)
{
    size_t accountable = 0, responsible = 0;

    for (size_t i = 0; i < n; i++) {
        accountable += (cells[i] & RASCI_A) != 0;
        responsible += (cells[i] & RASCI_R) != 0;
    }
    if (accountable > 1)
        return err_addf(err, DESK_EINVAL, "%zu parties are accountable (A); exactly one must be",
                        accountable);
    if (!accountable)
        return err_addf(err, DESK_EINVAL, "no party is accountable (A); exactly one must be");
    if (!responsible)
        return err_addf(err, DESK_EINVAL, "no party is responsible (R); at least one must be");
    return 0;
}

int rasci_party_index(const struct rasci_matrix *m, const char *name)
{
    for (size_t i = 0; i < m->nparties; i++)
        if (!strcasecmp(m->parties[i], name))
            return (int)i;
    return -1;
}

static int check_parties(const struct rasci_matrix *m, struct strbuf *err)
{
    if (!m->nparties || m->nparties > RASCI_PARTIES_MAX)
        return err_addf(err, DESK_EINVAL, "a matrix has 1 to %d parties", RASCI_PARTIES_MAX);
    for (size_t i = 0; i < m->nparties; i++) {
        if (!*m->parties[i])
            return err_addf(err, DESK_EINVAL, "parties[%zu] is empty", i);
        for (size_t j = 0; j < i; j++)
            if (!strcasecmp(m->parties[i], m->parties[j]))
                return err_addf(err, DESK_EINVAL, "party '%s' is listed twice", m->parties[i]);
    }
    return 0;
}

int rasci_matrix_check(const struct rasci_matrix *m, size_t *row, struct strbuf *err)
{
    int rc;

    *row = SIZE_MAX;
    if ((rc = check_parties(m, err)) < 0)
        return rc;
    if (!m->nrows || m->nrows > RASCI_ROWS_MAX)
        return err_addf(err, DESK_EINVAL, "a matrix has 1 to %d rows", RASCI_ROWS_MAX);
    for (size_t i = 0; i < m->nrows; i++) {
        *row = i;
        if (!m->rows[i].activity || !*m->rows[i].activity)
            return err_addf(err, DESK_EINVAL, "rows[%zu] has no activity", i);
        if (rasci_row_check(m->rows[i].cells, m->nparties, NULL) < 0) {
            strbuf_addf(err, "activity '%s': ", m->rows[i].activity);
            return rasci_row_check(m->rows[i].cells, m->nparties, err);
        }
    }
    *row = SIZE_MAX;
    return 0;
}
