/*
 * version.h - product versions of releases, installations and known errors
 * (SPEC 2.5, 5): dotted numbers with an optional pre-release suffix.
 *
 * A version is 1 to VERSION_MAX_PARTS numbers separated by dots, each of
 * at most 9 significant digits (leading zeros are allowed and ignored),
 * optionally followed by '-' and a pre-release suffix of letters, digits
 * and inner dots ("5.2.2-rc1", "6.0-beta.2"). Nothing else is a version:
 * no 'v' prefix, no spaces, no build metadata.
 *
 * Order: numbers compare as numbers, part by part, missing parts counting
 * as zero, so "5.10" equals "5.10.0" and "5.10.0" > "5.9.3". A version
 * with a suffix sorts before the same numbers without one ("5.2.2-rc1" <
 * "5.2.2"); suffixes compare in natural order, case-insensitively (runs
 * of digits by value: "rc2" < "rc10"; digits before letters; a suffix
 * that is a prefix of another sorts first: "rc" < "rc1").
 *
 * The order is carried by a sort key: a string that compares with
 * strcmp() (and SQL's BINARY collation) exactly as the versions do, and
 * that is equal exactly for equal versions. Stores keep the key beside the
 * version as written, index it, and compare keys in SQL. Keys hold only
 * letters, digits, '.', '-' and '~', so they travel in URLs unescaped.
 * Pure: no I/O, no allocation.
 */
#ifndef DOMAIN_VERSION_H
#define DOMAIN_VERSION_H

#include "core/compat.h"

#define VERSION_MAX_LEN 64    /* characters of a version as written */
#define VERSION_MAX_PARTS 8   /* numbers at most */
#define VERSION_MAX_SUFFIX 32 /* characters of a pre-release suffix at most */
#define VERSION_KEY_MAX 160   /* bytes of a sort key, NUL included */

/*
 * Parse the version s and write its sort key into key. Returns 0, or
 * DESK_EINVAL when s is not a version; *why (when why is non-NULL) then
 * says what is wrong ("part 2 is not a number").
 */
int version_key(const char *s, char key[VERSION_KEY_MAX], const char **why);
/* True when s is a version. */
bool version_valid(const char *s);
/*
 * Compare the versions a and b: *out is <0, 0 or >0. Returns 0, or
 * DESK_EINVAL when either is not a version.
 */
int version_cmp(const char *a, const char *b, int *out);
/* True when key has the shape of a sort key (letters, digits, '.', '-', '~'; not empty). */
bool version_key_valid(const char *key);

#endif
