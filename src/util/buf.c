/* Bounded growable buffer: see buf.h. */
#include "buf.h"
#include "mem.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void fk_buf_init(fk_buf *b, size_t max)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->max = max;
}

static fk_status fk__buf_reserve(fk_buf *b, size_t extra)
{
    if (extra > b->max || b->len > b->max - extra)
        return FK_ETOOBIG;
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return FK_OK;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap *= 2;
    char *data = fk_realloc(b->data, cap);
    if (data == NULL)
        return FK_ENOMEM;
    b->data = data;
    b->cap = cap;
    return FK_OK;
}

fk_status fk_buf_append(fk_buf *b, const void *data, size_t n)
{
    fk_status s = fk__buf_reserve(b, n);
    if (s != FK_OK)
        return s;
    if (n > 0)
        memcpy(b->data + b->len, data, n);
    b->len += n;
    b->data[b->len] = '\0';
    return FK_OK;
}

fk_status fk_buf_extend(fk_buf *b, size_t n, char **where)
{
    fk_status s = fk__buf_reserve(b, n);
    if (s != FK_OK)
        return s;
    *where = b->data + b->len;
    b->len += n;
    b->data[b->len] = '\0';
    return FK_OK;
}

fk_status fk_buf_append_str(fk_buf *b, const char *s)
{
    return fk_buf_append(b, s, strlen(s));
}

fk_status fk_buf_append_byte(fk_buf *b, unsigned char c)
{
    return fk_buf_append(b, &c, 1);
}

fk_status fk_buf_appendf(fk_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return FK_EINVAL;
    fk_status s = fk__buf_reserve(b, (size_t)n);
    if (s != FK_OK)
        return s;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return FK_OK;
}

const char *fk_buf_cstr(const fk_buf *b)
{
    return b->data != NULL ? b->data : "";
}

void fk_buf_reset(fk_buf *b)
{
    b->len = 0;
    if (b->data != NULL)
        b->data[0] = '\0';
}

char *fk_buf_take(fk_buf *b)
{
    char *data = b->data != NULL ? b->data : fk_strdup("");
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    return data;
}

void fk_buf_free(fk_buf *b)
{
    fk_free(b->data);
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
}
