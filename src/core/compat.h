/*
 * compat.h - included first by every .c file in svcdesk.
 *
 * Pulls in the C library headers nearly every module needs and then
 * banned.h, so that the functions we do not use cannot creep back in.
 */
#ifndef CORE_COMPAT_H
#define CORE_COMPAT_H

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#if defined(__GNUC__)
#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))
#define NORETURN __attribute__((noreturn))
#define UNUSED __attribute__((unused))
#else
#define PRINTF_LIKE(f, a)
#define NORETURN
#define UNUSED
#endif

/* Statics that unit tests reach (curl's UNITTEST). */
#ifdef SVCDESK_TESTING
#define TESTABLE
#else
#define TESTABLE static
#endif

#include "core/banned.h"

#endif
