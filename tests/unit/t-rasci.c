#include "test.h"
#include "core/err.h"
#include "domain/rasci.h"

static unsigned cell(const char *s)
{
    unsigned set = 0;

    if (rasci_cell_parse(s, strlen(s), &set, NULL) < 0)
        fail_msg("cell '%s' refused", s);
    return set;
}

static void test_cells(void **state)
{
    char out[RASCI_CELL_LEN];
    unsigned set = 0;

    (void)state;
    assert_int_equal(cell("A/R"), RASCI_A | RASCI_R);
    assert_int_equal(cell("r,a"), RASCI_A | RASCI_R);
    assert_int_equal(cell("A; r"), RASCI_A | RASCI_R);
    assert_int_equal(cell("a+R"), RASCI_A | RASCI_R);
    assert_int_equal(cell("S C I"), RASCI_S | RASCI_C | RASCI_I);
    assert_int_equal(cell(""), 0);
    assert_string_equal(rasci_cell_format(cell("r/a"), out), "A/R");
    assert_string_equal(rasci_cell_format(cell("s,i"), out), "I/S");
    assert_string_equal(rasci_cell_format(cell("SICRA"), out), "A/C/I/R/S");
    assert_string_equal(rasci_cell_format(0, out), "");
    assert_int_equal(rasci_cell_parse("A/X", 3, &set, NULL), DESK_EINVAL);
    assert_int_equal(rasci_cell_parse("A-R", 3, &set, NULL), DESK_EINVAL);
    assert_int_equal(rasci_cell_parse("A\0R", 3, &set, NULL), DESK_EINVAL);
}

static void test_rows(void **state)
{
    struct strbuf err = STRBUF_INIT;

    (void)state;
    assert_int_equal(rasci_row_check((unsigned[]){RASCI_I, RASCI_A | RASCI_R, 0}, 3, NULL), 0);
    /* the accountable party need not be the responsible one */
    assert_int_equal(rasci_row_check((unsigned[]){RASCI_A, RASCI_R, RASCI_R | RASCI_S}, 3, NULL),
                     0);
    assert_int_equal(rasci_row_check((unsigned[]){RASCI_A | RASCI_R, RASCI_A, 0}, 3, &err),
                     DESK_EINVAL);
    assert_non_null(strstr(err.buf, "accountable"));
    strbuf_reset(&err);
    assert_int_equal(rasci_row_check((unsigned[]){RASCI_I, RASCI_R, 0}, 3, &err), DESK_EINVAL);
    assert_non_null(strstr(err.buf, "no party is accountable"));
    strbuf_reset(&err);
    assert_int_equal(rasci_row_check((unsigned[]){RASCI_A, RASCI_S, RASCI_C}, 3, &err),
                     DESK_EINVAL);
    assert_non_null(strstr(err.buf, "responsible"));
    strbuf_release(&err);
}

static void test_matrix(void **state)
{
    const char *const parties[] = {"Customer", "Vendor"};
    const char *const twice[] = {"Customer", "customer"};
    unsigned good[] = {RASCI_I, RASCI_A | RASCI_R}, bad[] = {RASCI_A | RASCI_R, RASCI_A};
    struct rasci_row rows[] = {{"Service desk", good}, {"Installation of updates", bad}};
    struct rasci_matrix m = {0, "Standard", parties, 2, rows, 1, false, 0};
    struct strbuf err = STRBUF_INIT;
    size_t row;

    (void)state;
    assert_int_equal(rasci_matrix_check(&m, &row, &err), 0);
    assert_int_equal(row, SIZE_MAX);
    m.nrows = 2;
    assert_int_equal(rasci_matrix_check(&m, &row, &err), DESK_EINVAL);
    assert_int_equal(row, 1);
    assert_non_null(strstr(err.buf, "Installation of updates")); /* names the activity */
    strbuf_reset(&err);
    m.parties = twice;
    assert_int_equal(rasci_matrix_check(&m, &row, &err), DESK_EINVAL);
    assert_int_equal(row, SIZE_MAX);
    assert_int_equal(rasci_party_index(&m, "CUSTOMER"), 0);
    m.parties = parties;
    assert_int_equal(rasci_party_index(&m, "vendor"), 1);
    assert_int_equal(rasci_party_index(&m, "Third party"), -1);
    m.nrows = 0;
    assert_int_equal(rasci_matrix_check(&m, &row, NULL), DESK_EINVAL);
    strbuf_release(&err);
}

SUITE(rasci, cmocka_unit_test(test_cells), cmocka_unit_test(test_rows),
      cmocka_unit_test(test_matrix))
