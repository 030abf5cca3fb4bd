/* Mailing order and per-code counts: see mailsort.h. */
#include "mailsort.h"

#include "util/mem.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* A code's sort key: its value, or past every valid code when it is not 7 digits. */
static uint32_t fk__key(const char *code)
{
    uint32_t v = 0;
    if (code == NULL || strlen(code) != 7)
        return UINT32_MAX;
    for (int i = 0; i < 7; i++) {
        if (code[i] < '0' || code[i] > '9')
            return UINT32_MAX;
        v = v * 10 + (uint32_t)(code[i] - '0');
    }
    return v;
}

typedef struct {
    uint32_t key;
    size_t index;
    const char *address; /* NULL when only the postal code counts */
} fk__item;

static int fk__cmp(const void *a, const void *b)
{
    const fk__item *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    int c = x->address && y->address ? strcmp(x->address, y->address) : 0;
    if (c != 0)
        return c;
    return x->index < y->index ? -1 : x->index > y->index; /* stable */
}

/* The items of codes sorted into mailing order; caller frees with fk_free. */
static fk__item *fk__sorted(const char *const *codes, const char *const *addresses, size_t n)
{
    fk__item *items = fk_malloc((n > 0 ? n : 1) * sizeof *items);
    if (items == NULL)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        items[i].key = fk__key(codes[i]);
        items[i].index = i;
        items[i].address = addresses ? addresses[i] : NULL;
    }
    qsort(items, n, sizeof *items, fk__cmp);
    return items;
}

fk_status fk_mailsort_order(const char *const *codes, const char *const *addresses, size_t n,
                            size_t *order)
{
    fk__item *items = fk__sorted(codes, addresses, n);
    if (items == NULL)
        return FK_ENOMEM;
    for (size_t i = 0; i < n; i++)
        order[i] = items[i].index;
    fk_free(items);
    return FK_OK;
}

fk_status fk_mailsort_summarise(const char *const *codes, size_t n, fk_mailsort_summary *out)
{
    memset(out, 0, sizeof *out);
    fk__item *items = fk__sorted(codes, NULL, n);
    fk_mailsort_count *c = fk_calloc(n > 0 ? n : 1, sizeof *c);
    fk_mailsort_count *p = fk_calloc(n > 0 ? n : 1, sizeof *p);
    if (items == NULL || c == NULL || p == NULL) {
        fk_free(items);
        fk_free(c);
        fk_free(p);
        return FK_ENOMEM;
    }
    size_t nc = 0, np = 0;
    for (size_t i = 0; i < n; i++) {
        const uint32_t k = items[i].key;
        if (i == 0 || k != items[i - 1].key) {
            if (k != UINT32_MAX)
                memcpy(c[nc].key, codes[items[i].index], 8);
            nc++;
        }
        c[nc - 1].pieces++;
        if (k == UINT32_MAX)
            continue;
        if (np == 0 || k / 10000 != (uint32_t)strtoul(p[np - 1].key, NULL, 10)) {
            memcpy(p[np].key, codes[items[i].index], 3);
            p[np].key[3] = '\0';
            np++;
        }
        p[np - 1].pieces++;
    }
    fk_free(items);
    out->codes = c;
    out->n_codes = nc;
    out->prefixes = p;
    out->n_prefixes = np;
    out->total = n;
    return FK_OK;
}

void fk_mailsort_summary_free(fk_mailsort_summary *s)
{
    if (s == NULL)
        return;
    fk_free(s->codes);
    fk_free(s->prefixes);
    memset(s, 0, sizeof *s);
}

fk_status fk_mailsort_write_csv(const fk_mailsort_summary *s, fk_buf *out)
{
    fk_status st = fk_buf_append_str(out, "level,postal_code,pieces\n");
    for (size_t i = 0; st == FK_OK && i < s->n_codes; i++)
        st = fk_buf_appendf(out, "code,%s,%zu\n", s->codes[i].key, s->codes[i].pieces);
    for (size_t i = 0; st == FK_OK && i < s->n_prefixes; i++)
        st = fk_buf_appendf(out, "area,%s,%zu\n", s->prefixes[i].key, s->prefixes[i].pieces);
    if (st == FK_OK)
        st = fk_buf_appendf(out, "total,,%zu\n", s->total);
    return st;
}
