/*
 * test.h - what every unit test file includes: cmocka plus the project's
 * compat header. Use cmocka's assert_* (they print both values).
 */
#ifndef TEST_H
#define TEST_H

#include "core/compat.h"
#include <setjmp.h>
#include <cmocka.h>

#define SUITE(name, ...)                                                                           \
    int t_##name(void);                                                                            \
    int t_##name(void)                                                                             \
    {                                                                                              \
        static const struct CMUnitTest tests_[] = {__VA_ARGS__};                                   \
        return cmocka_run_group_tests_name(#name, tests_, NULL, NULL);                             \
    }

#endif
