/* Error context: see err.h. */
#include "err.h"

#include <stdarg.h>
#include <stdio.h>

fk_status fk_failf(fk_err *err, fk_status s, const char *fmt, ...)
{
    if (err == NULL)
        return s;
    err->status = s;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    return s;
}

void fk_err_clear(fk_err *err)
{
    err->status = FK_OK;
    err->msg[0] = '\0';
}

const char *fk_err_message(const fk_err *err)
{
    return err->msg[0] != '\0' ? err->msg : fk_strerror(err->status);
}
