/*
 * Fuzz target for the camera export parser and the enclosure check: arbitrary bytes are
 * parsed in uneven chunks; each line read is written back fully quoted and parsed again
 * (a round trip: the same lines must come back), and each line's payload is checked as a
 * one-sheet envelope against a small plan.
 */
#include "util/buf.h"
#include "verify/scan.h"
#include "verify/verify.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct {
    fk_buf out;   /* every line, quoted */
    fk_buf lines; /* every line as envelope \x1f payload \x1f time \n */
    fk_verify *v;
} fk__ctx;

static void fk__quoted(fk_buf *b, const char *s, const char *sep)
{
    if (fk_buf_append_str(b, "\"") != FK_OK)
        abort();
    for (; *s; s++)
        if (fk_buf_append(b, *s == '"' ? "\"\"" : s, *s == '"' ? 2 : 1) != FK_OK)
            abort();
    if (fk_buf_append_str(b, "\"") != FK_OK || fk_buf_append_str(b, sep) != FK_OK)
        abort();
}

static int fk__visit(const fk_scan_line *l, void *ctx)
{
    fk__ctx *c = ctx;
    fk__quoted(&c->out, l->envelope, ",");
    fk__quoted(&c->out, l->payload, ",");
    fk__quoted(&c->out, l->time, "\r\n");
    if (fk_buf_appendf(&c->lines, "%s\x1f%s\x1f%s\n", l->envelope, l->payload, l->time) != FK_OK)
        abort();
    if (c->v != NULL) {
        const char *p[1] = {l->payload};
        fk_verify_result r;
        if (fk_verify_envelope(c->v, p, 1, &r, NULL) != FK_OK)
            abort();
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fk__ctx a = {0}, b = {0};
    fk_buf_init(&a.out, (size_t)1 << 24);
    fk_buf_init(&a.lines, (size_t)1 << 24);
    fk_buf_init(&b.out, (size_t)1 << 24);
    fk_buf_init(&b.lines, (size_t)1 << 24);
    fk_verify_plan *plan = NULL;
    if (fk_verify_plan_new("SJK25A", &plan, NULL) != FK_OK ||
        fk_verify_plan_add(plan, FK_CAT_SEKKYOKU, 1, 1, 2, "0123456789", NULL) != FK_OK ||
        fk_verify_plan_add(plan, FK_CAT_JUSHIN, 3, 1, 1, "abcdefabcd", NULL) != FK_OK ||
        fk_verify_new(plan, NULL, &a.v, NULL) != FK_OK)
        abort();
    fk_scan_parser *p;
    if (fk_scan_parser_new("fuzz", fk__visit, &a, &p, NULL) != FK_OK)
        abort();
    size_t chunk = size > 0 ? (data[0] % 7) + 1 : 1;
    fk_status s = FK_OK;
    for (size_t at = 0; s == FK_OK && at < size; at += chunk)
        s = fk_scan_parser_feed(p, (const char *)data + at, size - at < chunk ? size - at : chunk,
                                NULL);
    if (s == FK_OK)
        s = fk_scan_parser_finish(p, NULL);
    fk_scan_parser_free(p);
    if (s == FK_OK) {
        /* The lines written back parse to the same lines. */
        if (fk_scan_parser_new("again", fk__visit, &b, &p, NULL) != FK_OK ||
            fk_scan_parser_feed(p, a.out.data ? a.out.data : "", a.out.len, NULL) != FK_OK ||
            fk_scan_parser_finish(p, NULL) != FK_OK)
            abort();
        fk_scan_parser_free(p);
        if (a.lines.len != b.lines.len ||
            (a.lines.len && memcmp(a.lines.data, b.lines.data, a.lines.len) != 0))
            abort();
    }
    fk_verify_free(a.v);
    fk_verify_plan_free(plan);
    fk_buf_free(&a.out);
    fk_buf_free(&a.lines);
    fk_buf_free(&b.out);
    fk_buf_free(&b.lines);
    return 0;
}
