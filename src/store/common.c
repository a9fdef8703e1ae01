/*
 * common.c - helpers of more than one entity file (declared in internal.h).
 */
#include "core/compat.h"
#include "store/internal.h"

int store__fault(struct store_fault *f, int rc, const char *field, const char *fmt, ...)
{
    va_list ap;

    if (f) {
        f->field = field;
        va_start(ap, fmt);
        vsnprintf(f->message, sizeof(f->message), fmt, ap);
        va_end(ap);
    }
    return rc;
}
