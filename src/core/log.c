#include "core/compat.h"
#include "core/log.h"
#include "core/strbuf.h"
#include "core/time.h"

static enum log_level max_level = LOG_INFO;
static _Thread_local uint64_t req_id;
static const char *const names[] = {"error", "warn", "info", "debug"};

void log_set_level(enum log_level lvl)
{
    max_level = lvl;
}

int log_level_parse(const char *s)
{
    for (size_t i = 0; i < ARRAY_SIZE(names); i++)
        if (!strcmp(s, names[i]))
            return (int)i;
    return -1;
}

void log_set_req(uint64_t id)
{
    req_id = id;
}

void log_write(enum log_level lvl, const char *module, const char *fmt, ...)
{
    struct strbuf sb = STRBUF_INIT;
    char ts[TIME_RFC3339_LEN];
    va_list ap;

    if (lvl > max_level)
        return;
    time_format_rfc3339(time_now(), ts);
    strbuf_addf(&sb, "ts=%s level=%s module=%s ", ts, names[lvl], module);
    if (req_id)
        strbuf_addf(&sb, "req=%" PRIx64 " ", req_id);
    va_start(ap, fmt);
    strbuf_vaddf(&sb, fmt, ap);
    va_end(ap);
    strbuf_addch(&sb, '\n');
    fwrite(sb.buf, 1, sb.len, stderr); /* one write per line: lines do not interleave */
    strbuf_release(&sb);
}

const char *log_quote(const char *s, char *out, size_t n)
{
    size_t j = 0;

    if (!n)
        return out;
    for (; s && *s && j + 3 < n; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            out[j++] = '\\';
            out[j++] = (char)c;
        } else if (c < 0x20 || c == 0x7f) {
            out[j++] = '?';
        } else {
            out[j++] = (char)c;
        }
    }
    out[j] = '\0';
    return out;
}
