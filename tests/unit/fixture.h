/*
 * fixture.h - helpers shared by the unit tests of the SLA clock.
 */
#ifndef TEST_FIXTURE_H
#define TEST_FIXTURE_H

#include "core/compat.h"

struct calendar;

/* The path of a file under tests/data (the tests run from the top of the tree). */
#define FX_DATA "tests/data/"

/* An RFC 3339 time as UTC seconds; a bad string fails the test. */
int64_t fx_time(const char *s);
/* "YYYY-MM-DDTHH:MM:SS" read as local seconds (the wall clock as if it were UTC). */
int64_t fx_local(const char *s);
/* A calendar from its JSON text; invalid JSON fails the test. calendar_free() it. */
struct calendar *fx_calendar(const char *json);
/* A calendar read from a file; fails the test when missing or invalid. */
struct calendar *fx_calendar_file(const char *path);
/* The whole file at path, NUL-terminated (free() it); fails the test when missing. */
char *fx_read_file(const char *path, size_t *len);

#endif
