/*
 * banned.h - functions svcdesk does not call (git's list plus curl's atoi).
 *
 * Unbounded copies, non-reentrant time conversions that depend on the
 * process-wide TZ variable, and number parsing without error reporting.
 * Time goes through core/time and domain/calendar instead.
 */
#ifndef CORE_BANNED_H
#define CORE_BANNED_H

#define BANNED(func) sorry_##func##_is_banned_in_svcdesk

#undef strcpy
#define strcpy(x, y) BANNED(strcpy)
#undef strcat
#define strcat(x, y) BANNED(strcat)
#undef strncpy
#define strncpy(x, y, n) BANNED(strncpy)
#undef sprintf
#define sprintf(...) BANNED(sprintf)
#undef strtok
#define strtok(x, y) BANNED(strtok)
#undef gmtime
#define gmtime(t) BANNED(gmtime)
#undef localtime
#define localtime(t) BANNED(localtime)
#undef localtime_r
#define localtime_r(t, tm) BANNED(localtime_r)
#undef ctime
#define ctime(t) BANNED(ctime)
#undef asctime
#define asctime(t) BANNED(asctime)
#undef mktemp
#define mktemp(x) BANNED(mktemp)
#undef atoi
#define atoi(x) BANNED(atoi)

#endif
