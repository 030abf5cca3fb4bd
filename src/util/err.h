/*
 * Error context: a status plus a message that carries the context (file, line, column,
 * reason). Library code fills it with fk_failf() and returns the status; the CLI prints it.
 * Messages never contain personal data: callers name fields and positions, not values.
 */
#ifndef FK_ERR_H
#define FK_ERR_H

#include "status.h"

#define FK_ERR_MSG_MAX 512

typedef struct fk_err {
    fk_status status;
    char msg[FK_ERR_MSG_MAX];
} fk_err;

/* Records status s and the formatted message in err (if err is not NULL); returns s. */
fk_status fk_failf(fk_err *err, fk_status s, const char *fmt, ...) FK_PRINTF(3, 4);

/* Resets err to FK_OK with an empty message. */
void fk_err_clear(fk_err *err);

/* The message recorded in err, or the status description when no message was set. */
const char *fk_err_message(const fk_err *err);

#endif
