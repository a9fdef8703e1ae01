/*
 * fuzz-csv.c - libFuzzer target for the CSV the product writes (invoice lines,
 * the SLA and hours reports): strbuf_add_csv, one field at a time. The product
 * parses no CSV, so this harness reads the output back with an RFC 4180 reader
 * of its own and checks the round trip.
 *
 * Input: fields separated by 0x1f (a record ends at 0x1e). Each record written
 * and read back gives the same fields, except that a field starting with
 * = + - @ tab or CR comes back with a leading ' (no spreadsheet formulas); a
 * line break or quote never escapes its field.
 */
#include "core/compat.h"
#include "core/err.h"
#include "core/strbuf.h"
#include "core/xalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_FIELDS 64

/* Read one record at *p (RFC 4180) into fields[] (malloc'd); *p moves past its CRLF. */
static size_t read_record(const char **p, const char *end, char *fields[MAX_FIELDS])
{
    size_t n = 0;
    const char *s = *p;

    for (;;) {
        struct strbuf f = STRBUF_INIT;
        if (s < end && *s == '"') {
            for (s++;; s++) {
                if (s >= end)
                    BUG("a quoted field does not end");
                if (*s == '"') {
                    if (s + 1 < end && s[1] == '"') {
                        strbuf_addch(&f, '"');
                        s++;
                        continue;
                    }
                    s++;
                    break;
                }
                strbuf_addch(&f, *s);
            }
        } else {
            for (; s < end && *s != ',' && *s != '\r' && *s != '\n'; s++) {
                if (*s == '"')
                    BUG("a quote inside an unquoted field");
                strbuf_addch(&f, *s);
            }
        }
        if (n == MAX_FIELDS)
            BUG("more fields read than written");
        fields[n++] = strbuf_detach(&f, NULL);
        if (s < end && *s == ',') {
            s++;
            continue;
        }
        if (end - s >= 2 && s[0] == '\r' && s[1] == '\n') {
            *p = s + 2;
            return n;
        }
        BUG("a field is followed by neither ',' nor CRLF (0x%02x)", s < end ? *s & 0xff : 0);
    }
}

static void round_trip(char **want, size_t n)
{
    struct strbuf sb = STRBUF_INIT;
    char *got[MAX_FIELDS];
    const char *p;
    size_t m;

    for (size_t i = 0; i < n; i++)
        strbuf_add_csv(&sb, want[i], i + 1 == n);
    p = sb.buf;
    m = read_record(&p, sb.buf + sb.len, got);
    if (m != n)
        BUG("%zu fields written, %zu read", n, m);
    if (p != sb.buf + sb.len)
        BUG("the record did not end where it was written");
    for (size_t i = 0; i < n; i++) {
        const char *w = want[i], *g = got[i];
        if (*w && strchr("=+-@\t\r", *w)) {
            if (*g != '\'')
                BUG("formula field '%s' written without a leading quote", w);
            g++;
        }
        if (strcmp(w, g))
            BUG("field '%s' read back as '%s'", w, g);
        free(got[i]);
    }
    strbuf_release(&sb);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = xstrndup((const char *)data, size), *rec = text;

    while (rec) {
        char *next = strchr(rec, 0x1e), *fields[MAX_FIELDS], *f = rec;
        size_t n = 0;
        if (next)
            *next++ = '\0';
        while (f && n < MAX_FIELDS) {
            char *sep = strchr(f, 0x1f);
            if (sep)
                *sep++ = '\0';
            fields[n++] = f;
            f = sep;
        }
        round_trip(fields, n);
        rec = next;
    }
    free(text);
    return 0;
}
