/* Checking a whole camera export: see camera.h. */
#include "camera.h"
#include "scan.h"
#include "util/mem.h"
#include "util/i18n.h"

#include <stdio.h>
#include <string.h>

enum { FK__MAX_SHEETS = 64 };

typedef struct {
    fk_verify *v;
    fk_verify_outcomes *out;
    char envelope[16];
    char payload[FK__MAX_SHEETS][FK_SCAN_MAX_PAYLOAD + 1];
    size_t n;
    fk_status status;
    fk_err err;
} fk__group;

void fk_verify_outcomes_free(fk_verify_outcomes *o)
{
    fk_free(o->items);
    memset(o, 0, sizeof *o);
}

fk_status fk_verify_outcomes_add(fk_verify_outcomes *o, const fk_verify_result *r,
                                 const char *envelope)
{
    if (o->n == o->cap) {
        size_t cap = o->cap ? 2 * o->cap : 4096;
        fk_verify_outcome *items = fk_realloc(o->items, cap * sizeof *items);
        if (items == NULL)
            return FK_ENOMEM;
        o->items = items;
        o->cap = cap;
    }
    o->items[o->n].result = *r;
    snprintf(o->items[o->n].envelope, sizeof o->items[o->n].envelope, "%s", envelope);
    o->n++;
    return FK_OK;
}

static fk_status fk__flush(fk__group *g)
{
    if (g->n == 0)
        return FK_OK;
    const char *p[FK__MAX_SHEETS];
    for (size_t i = 0; i < g->n; i++)
        p[i] = g->payload[i];
    fk_verify_result r;
    fk_status s = fk_verify_envelope(g->v, p, g->n, &r, &g->err);
    if (s == FK_OK && fk_verify_outcomes_add(g->out, &r, g->envelope) != FK_OK)
        s = fk_failf(&g->err, FK_ENOMEM, _("out of memory"));
    g->n = 0;
    return s;
}

static int fk__line(const fk_scan_line *line, void *ctx)
{
    fk__group *g = ctx;
    g->out->sheets++;
    if (g->n > 0 && strcmp(g->envelope, line->envelope) != 0)
        g->status = fk__flush(g);
    if (g->status != FK_OK)
        return 1;
    if (g->n == FK__MAX_SHEETS) {
        g->status =
            fk_failf(&g->err, FK_ETOOBIG, _("line %ld: envelope %s has more than 64 sheets"),
                     line->line, line->envelope);
        return 1;
    }
    snprintf(g->envelope, sizeof g->envelope, "%s", line->envelope);
    snprintf(g->payload[g->n++], sizeof g->payload[0], "%s", line->payload);
    return 0;
}

fk_status fk_verify_camera_file(fk_verify *v, const char *path, fk_verify_outcomes *out,
                                fk_err *err)
{
    fk__group *g = fk_calloc(1, sizeof *g);
    if (g == NULL)
        return fk_failf(err, FK_ENOMEM, _("out of memory"));
    g->v = v;
    g->out = out;
    fk_status s = fk_scan_read_file(path, fk__line, g, err);
    if (g->status != FK_OK) {
        s = g->status;
        if (err != NULL)
            *err = g->err;
    } else if (s == FK_OK) {
        s = fk__flush(g);
        if (s != FK_OK && err != NULL)
            *err = g->err;
    }
    fk_free(g);
    return s;
}
