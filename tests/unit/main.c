/*
 * t-unit: runs the unit suites of list.h, all or those named on the
 * command line (`t-unit sla strbuf`). Output is TAP; exit status is the
 * number of failed tests (capped at 255).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include <stdlib.h>
#include "core/log.h"

#define T(name) int t_##name(void);
#include "list.h"
#undef T

static const struct {
    const char *name;
    int (*run)(void);
} suites[] = {
#define T(name) {#name, t_##name},
#include "list.h"
#undef T
};

int main(int argc, char **argv)
{
    int failed = 0;

    cmocka_set_message_output(CM_OUTPUT_TAP);
    if (!getenv("SVCDESK_TEST_LOG"))
        log_set_level(LOG_WARN); /* SVCDESK_TEST_LOG=1 shows info lines */
    for (size_t i = 0; i < sizeof(suites) / sizeof(suites[0]); i++) {
        int want = argc < 2;
        for (int a = 1; a < argc; a++)
            want |= !strcmp(argv[a], suites[i].name);
        if (want)
            failed += suites[i].run();
    }
    return failed > 255 ? 255 : failed;
}
