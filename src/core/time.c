#include "core/compat.h"
#include "core/time.h"
#include "core/err.h"
#include <pthread.h>

static int64_t fake_offset; /* seconds added to the real clock (tests) */

/* SVCDESK_FAKE_NOW: the clock starts at that instant and runs on from there. */
static void fake_now_init(void)
{
    const char *fake = getenv("SVCDESK_FAKE_NOW");
    struct timespec ts;
    int64_t t;

    if (!fake || !*fake || time_parse_rfc3339(fake, strlen(fake), &t, NULL) < 0)
        return;
    clock_gettime(CLOCK_REALTIME, &ts);
    fake_offset = t - (int64_t)ts.tv_sec;
}

int64_t time_now(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    struct timespec ts;

    pthread_once(&once, fake_now_init);
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec + fake_offset;
}

int64_t time_mono_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Howard Hinnant's days_from_civil / civil_from_days. */
int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    int64_t era;
    unsigned yoe, doy, doe;

    y -= m <= 2;
    era = floor_div(y, 400);
    yoe = (unsigned)(y - era * 400);
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
    int64_t era;
    unsigned doe, yoe, doy, mp;

    z += 719468;
    era = floor_div(z, 146097);
    doe = (unsigned)(z - era * 146097);
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

int weekday_from_days(int64_t days)
{
    /* 1970-01-01 was a Thursday (3 with Monday = 0) */
    int64_t w = (days + 3) % 7;
    return (int)(w < 0 ? w + 7 : w);
}

unsigned days_in_month(int64_t y, unsigned m)
{
    static const unsigned char dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

    if (m < 1 || m > 12)
        return 0;
    return dim[m - 1] + (m == 2 && leap);
}

static bool digits(const char *s, size_t n, unsigned *out)
{
    unsigned v = 0;

    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (unsigned)(s[i] - '0');
    }
    *out = v;
    return true;
}

static int cmp_days(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

    return (x > y) - (x < y);
}

size_t days_sort_unique(int64_t *days, size_t nr)
{
    size_t out = 0;

    if (!nr)
        return 0;
    qsort(days, nr, sizeof(*days), cmp_days);
    for (size_t i = 0; i < nr; i++)
        if (!out || days[i] != days[out - 1])
            days[out++] = days[i];
    return out;
}

static int parse_date_part(const char *s, int64_t *days)
{
    unsigned y, m, d;

    if (!digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &m) || s[7] != '-' ||
        !digits(s + 8, 2, &d))
        return DESK_EINVAL;
    if (y < 1 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
        return DESK_EINVAL;
    *days = days_from_civil(y, m, d);
    return 0;
}

int date_parse(const char *s, size_t len, int64_t *days)
{
    if (len != 10)
        return DESK_EINVAL;
    return parse_date_part(s, days);
}

void date_format(int64_t days, char out[DATE_LEN])
{
    int64_t y;
    unsigned m, d;

    civil_from_days(days, &y, &m, &d);
    snprintf(out, DATE_LEN, "%04d-%02u-%02u", (int)y, m, d);
}

int time_parse_rfc3339(const char *s, size_t len, int64_t *out, const char **why)
{
    int64_t days;
    unsigned hh, mm, ss, oh, om;
    size_t i = 19;
    int sign;
    const char *dummy;

    if (!why)
        why = &dummy;
    *why = "expected YYYY-MM-DDTHH:MM:SS followed by Z or an offset";
    if (len < 20 || parse_date_part(s, &days) < 0)
        return DESK_EINVAL;
    if ((s[10] != 'T' && s[10] != 't' && s[10] != ' ') || !digits(s + 11, 2, &hh) ||
        s[13] != ':' || !digits(s + 14, 2, &mm) || s[16] != ':' || !digits(s + 17, 2, &ss))
        return DESK_EINVAL;
    if (hh > 23 || mm > 59 || ss > 59) {
        /* unix time has no leap second: 23:59:60 names no instant we can record */
        *why = "hour, minute or second out of range";
        return DESK_EINVAL;
    }
    if (s[i] == '.') {
        size_t start = ++i;
        while (i < len && s[i] >= '0' && s[i] <= '9')
            i++;
        if (i == start)
            return DESK_EINVAL;
    }
    if (i < len && (s[i] == 'Z' || s[i] == 'z') && i + 1 == len) {
        oh = om = 0;
        sign = 1;
    } else if (i + 6 == len && (s[i] == '+' || s[i] == '-') && digits(s + i + 1, 2, &oh) &&
               s[i + 3] == ':' && digits(s + i + 4, 2, &om)) {
        if (oh > 23 || om > 59) {
            *why = "offset out of range";
            return DESK_EINVAL;
        }
        sign = s[i] == '-' ? -1 : 1;
    } else {
        *why = "expected Z or an offset like +01:00 after the time";
        return DESK_EINVAL;
    }
    *out = days * 86400 + hh * 3600 + mm * 60 + ss - sign * (int64_t)(oh * 3600 + om * 60);
    return 0;
}

static void put_digits(char *out, unsigned v, int n)
{
    while (n--) {
        out[n] = (char)('0' + v % 10);
        v /= 10;
    }
}

/* "YYYY-MM-DDTHH:MM:SS" of t read as UTC, 19 bytes, no NUL. */
static void put_datetime(char *out, int64_t t)
{
    int64_t days = floor_div(t, 86400), secs = t - days * 86400, y;
    unsigned m, d;

    civil_from_days(days, &y, &m, &d);
    if (y < 0 || y > 9999) { /* outside RFC 3339; keep the length */
        memcpy(out, y < 0 ? "0000-01-01T00:00:00" : "9999-12-31T23:59:59", 19);
        return;
    }
    put_digits(out, (unsigned)y, 4);
    out[4] = '-';
    put_digits(out + 5, m, 2);
    out[7] = '-';
    put_digits(out + 8, d, 2);
    out[10] = 'T';
    put_digits(out + 11, (unsigned)(secs / 3600), 2);
    out[13] = ':';
    put_digits(out + 14, (unsigned)(secs / 60 % 60), 2);
    out[16] = ':';
    put_digits(out + 17, (unsigned)(secs % 60), 2);
}

void time_format_rfc3339(int64_t t, char out[TIME_RFC3339_LEN])
{
    put_datetime(out, t);
    out[19] = 'Z';
    out[20] = '\0';
}

void time_format_utc_text(int64_t t, char out[TIME_UTC_TEXT_LEN])
{
    put_datetime(out, t);
    out[10] = ' ';
    memcpy(out + 16, " UTC", 5);
}

void time_format_rfc3339_offset(int64_t t, int32_t off, char out[TIME_LOCAL_LEN])
{
    unsigned a = (unsigned)(off < 0 ? -off : off);

    if (off % 60) {
        time_format_rfc3339(t, out);
        return;
    }
    put_datetime(out, t + off);
    out[19] = off < 0 ? '-' : '+';
    put_digits(out + 20, a / 3600, 2);
    out[22] = ':';
    put_digits(out + 23, a / 60 % 60, 2);
    out[25] = '\0';
}
