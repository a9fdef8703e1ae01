#include "test.h"
#include "core/arena.h"

static int cleanups;
static void count_cleanup(void *arg)
{
    /* deferred functions run newest first */
    assert_int_equal((intptr_t)arg, 2 - cleanups);
    cleanups++;
}

static void test_alloc_and_release(void **state)
{
    struct arena a = ARENA_INIT;
    char *s, *big;

    (void)state;
    s = arena_strdup(&a, "hello");
    assert_string_equal(s, "hello");
    assert_int_equal((uintptr_t)arena_alloc(&a, 3) % 16, 0);
    big = arena_alloc(&a, 1 << 20); /* larger than a chunk */
    memset(big, 'x', 1 << 20);
    assert_string_equal(s, "hello"); /* small allocations survive a big one */
    assert_string_equal(arena_sprintf(&a, "%s-%d", s, 7), "hello-7");
    assert_true(arena_used(&a) >= (1 << 20));
    cleanups = 0;
    arena_defer(&a, count_cleanup, (void *)(intptr_t)1);
    arena_defer(&a, count_cleanup, (void *)(intptr_t)2);
    arena_release(&a);
    assert_int_equal(cleanups, 2);
    assert_int_equal(arena_used(&a), 0);
    assert_string_equal(arena_strndup(&a, "abcdef", 3), "abc"); /* reusable */
    arena_release(&a);
}

SUITE(arena, cmocka_unit_test(test_alloc_and_release))
