#include "test.h"
#include "domain/catalogue.h"

static void test_retire(void **state)
{
    struct catalogue_service s = {.id = 7, .name = "Backup"};

    (void)state;
    assert_true(catalogue_offered(&s));
    assert_false(catalogue_set_retired(&s, false, 100)); /* offered already: no change */
    assert_true(catalogue_set_retired(&s, true, 100));
    assert_false(catalogue_offered(&s));
    assert_int_equal(s.retired_at, 100);
    assert_false(catalogue_set_retired(&s, true, 200)); /* retired already: the first time kept */
    assert_int_equal(s.retired_at, 100);
    assert_true(catalogue_set_retired(&s, false, 300)); /* offered again */
    assert_true(catalogue_offered(&s));
    assert_int_equal(s.retired_at, 0);
    assert_true(catalogue_set_retired(&s, true, 0)); /* a clock at the epoch still retires */
    assert_false(catalogue_offered(&s));
}

SUITE(catalogue, cmocka_unit_test(test_retire))
