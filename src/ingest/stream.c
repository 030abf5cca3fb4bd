/* The memory cursor of stream.h. */
#include "ingest/stream.h"

#include <string.h>

fk_status fk_stream_mem_read(void *ctx, char *buf, size_t cap, size_t *got, fk_err *err)
{
    (void)err;
    fk_stream_mem *m = ctx;
    size_t n = m->len - m->pos;
    if (n > cap)
        n = cap;
    if (m->chunk && n > m->chunk)
        n = m->chunk;
    if (n)
        memcpy(buf, m->data + m->pos, n);
    m->pos += n;
    *got = n;
    return FK_OK;
}
