/*
 * log.h - one key=value line per event on stderr.
 *
 * Each .c defines LOG_MODULE before including this header, then logs
 *     log_info("msg=\"listening\" port=%d", port);
 * which prints
 *     ts=2026-11-22T18:00:00Z level=info module=http req=7f3a msg="listening" port=8080
 * The request id is per thread (log_set_req). Never log passwords, tokens
 * or mail bodies. log_quote() makes a value safe to put between quotes.
 */
#ifndef CORE_LOG_H
#define CORE_LOG_H

#include "core/compat.h"

enum log_level { LOG_ERROR, LOG_WARN, LOG_INFO, LOG_DEBUG };

/* Lines above this level are dropped (default LOG_INFO). */
void log_set_level(enum log_level lvl);
/* Parse "error|warn|info|debug"; -1 when unknown. */
int log_level_parse(const char *s);
/* The request id printed with this thread's lines; 0 for none. */
void log_set_req(uint64_t id);
void log_write(enum log_level lvl, const char *module, const char *fmt, ...) PRINTF_LIKE(3, 4);
/* Copy s into out (size n) with quotes, backslashes and control bytes escaped. */
const char *log_quote(const char *s, char *out, size_t n);

#ifndef LOG_MODULE
#define LOG_MODULE "svcdesk"
#endif
#define log_error(...) log_write(LOG_ERROR, LOG_MODULE, __VA_ARGS__)
#define log_warn(...) log_write(LOG_WARN, LOG_MODULE, __VA_ARGS__)
#define log_info(...) log_write(LOG_INFO, LOG_MODULE, __VA_ARGS__)
#define log_debug(...) log_write(LOG_DEBUG, LOG_MODULE, __VA_ARGS__)

#endif
