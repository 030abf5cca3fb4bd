/* The simulated inserter: see simulate.h. */
#include "simulate.h"
#include "util/mem.h"
#include "util/i18n.h"

#include <stdio.h>
#include <string.h>

enum { FK__CLEAN, FK__SWAP_A, FK__SWAP_B, FK__DROP, FK__DUP, FK__FOREIGN, FK__FORGE, FK__UNREAD };

typedef struct {
    fk_category category;
    long serial;
    int sheets;
    char check[FK_VERIFY_CHECK_HEX];
    int fault;
} fk__item;

typedef struct {
    fk__item *items;
    size_t n, cap;
    const fk_simulate_options *o;
    fk_status status;
} fk__list;

static int fk__collect(const fk_verify_envelope_info *e, void *ctx)
{
    fk__list *l = ctx;
    if (l->o->include != NULL && !l->o->include(l->o->ctx, e->category, e->serial))
        return 0;
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 4096;
        fk__item *items = fk_realloc(l->items, cap * sizeof *items);
        if (items == NULL) {
            l->status = FK_ENOMEM;
            return 1;
        }
        l->items = items;
        l->cap = cap;
    }
    fk__item *it = &l->items[l->n++];
    it->category = e->category;
    it->serial = e->serial;
    it->sheets = e->sheets;
    memcpy(it->check, e->check, FK_VERIFY_CHECK_HEX);
    it->fault = FK__CLEAN;
    return 0;
}

/* xorshift64*: reproducible from the seed, which is all a simulation needs. */
static uint64_t fk__rand(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 2685821657736338717ULL;
}

/* Picks `count` clean envelopes (with at least min_sheets) for fault; a swap takes pairs of
 * neighbours of one category. */
static fk_status fk__plant(fk__list *l, uint64_t *rng, long count, int fault, int min_sheets,
                           fk_err *err)
{
    for (long k = 0; k < count; k++) {
        bool done = false;
        for (int attempt = 0; attempt < 10000 && !done; attempt++) {
            size_t i = (size_t)(fk__rand(rng) % l->n);
            fk__item *a = &l->items[i];
            if (a->fault != FK__CLEAN || a->sheets < min_sheets)
                continue;
            if (fault == FK__SWAP_A) {
                if (i + 1 >= l->n)
                    continue;
                fk__item *b = &l->items[i + 1];
                if (b->fault != FK__CLEAN || b->sheets < 2 || b->category != a->category)
                    continue;
                b->fault = FK__SWAP_B;
            }
            a->fault = fault;
            done = true;
        }
        if (!done)
            return fk_failf(err, FK_EINVAL,
                            _("not enough suitable envelopes for the faults asked"));
    }
    return FK_OK;
}

static fk_status fk__sheet(fk_buf *csv, long envelope, long *tick, const char *job,
                           const fk__item *it, int sheet, const char *check)
{
    long t = (*tick)++;
    return fk_buf_appendf(csv,
                          "%ld,FK1|%s|%c|%06ld|%d/%d|%s,2026-01-05T%02ld:%02ld:%02ld+09:00\r\n",
                          envelope, job, fk_category_code(it->category), it->serial, sheet,
                          it->sheets, check, 9 + t / 3600 % 12, t / 60 % 60, t % 60);
}

static fk_status fk__note(fk_buf *planted, const char *kind, const fk__item *it)
{
    return fk_buf_appendf(planted, "%s\t%c-%06ld\n", kind, fk_category_code(it->category),
                          it->serial);
}

fk_status fk_verify_simulate(const fk_verify_plan *plan, const fk_simulate_options *o, fk_buf *csv,
                             fk_buf *planted, fk_err *err)
{
    fk__list l = {.o = o, .status = FK_OK};
    fk_verify_plan_foreach(plan, fk__collect, &l);
    if (l.status != FK_OK) {
        fk_free(l.items);
        return fk_failf(err, l.status, _("out of memory"));
    }
    uint64_t rng = o->seed ? o->seed : 0x9e3779b97f4a7c15ULL;
    fk_status s = l.n == 0 ? fk_failf(err, FK_EINVAL, _("no envelopes to simulate")) : FK_OK;
    const struct {
        long count;
        int fault, min_sheets;
    } plants[] = {{o->swap, FK__SWAP_A, 2},   {o->drop, FK__DROP, 2},
                  {o->duplicate, FK__DUP, 1}, {o->foreign, FK__FOREIGN, 1},
                  {o->forge, FK__FORGE, 1},   {o->unread, FK__UNREAD, 2}};
    for (size_t i = 0; s == FK_OK && i < sizeof plants / sizeof plants[0]; i++)
        s = fk__plant(&l, &rng, plants[i].count, plants[i].fault, plants[i].min_sheets, err);
    const char *job = fk_verify_plan_job_code(plan);
    if (s == FK_OK)
        s = fk_buf_append_str(csv, "envelope,payload,time\r\n");
    long tick = 0;
    for (size_t i = 0; s == FK_OK && i < l.n; i++) {
        const fk__item *it = &l.items[i];
        long env = (long)i + 1;
        char forged[FK_VERIFY_CHECK_HEX];
        /* A wrong check value that still looks like one: each digit moved by one. */
        for (int k = 0; k < FK_VERIFY_CHECK_HEX - 1; k++)
            forged[k] = "123456789abcdef0"[it->check[k] >= 'a' ? it->check[k] - 'a' + 10
                                                               : it->check[k] - '0'];
        forged[FK_VERIFY_CHECK_HEX - 1] = '\0';
        int last = it->sheets;
        for (int sheet = 1; s == FK_OK && sheet <= it->sheets; sheet++) {
            const fk__item *owner = it;
            if (sheet == 2 && it->fault == FK__SWAP_A)
                owner = &l.items[i + 1];
            else if (sheet == 2 && it->fault == FK__SWAP_B)
                owner = &l.items[i - 1];
            if (it->fault == FK__DROP && sheet == last)
                continue;
            if (it->fault == FK__UNREAD && sheet == last) {
                long t = tick++;
                s = fk_buf_appendf(csv, "%ld,,2026-01-05T%02ld:%02ld:%02ld+09:00\r\n", env,
                                   9 + t / 3600 % 12, t / 60 % 60, t % 60);
                continue;
            }
            s = fk__sheet(csv, env, &tick, job, owner, sheet,
                          it->fault == FK__FORGE ? forged : owner->check);
            if (s == FK_OK && sheet == 1 && it->fault == FK__DUP)
                s = fk__sheet(csv, env, &tick, job, it, 1, it->check);
            if (s == FK_OK && sheet == 1 && it->fault == FK__FOREIGN)
                s = fk_buf_appendf(csv, "%ld,FK1|ZZ%.4s|%c|%06ld|2/2|%s,\r\n", env,
                                   strcmp(job, "ZZOTHR") ? "OTHR" : "XXXX",
                                   fk_category_code(it->category), it->serial % 997 + 1, forged);
        }
        static const char *const kinds[] = {NULL,        "swapped",     "swapped", "missing-sheet",
                                            "duplicate", "foreign-job", "forged",  "unread"};
        if (s == FK_OK && it->fault != FK__CLEAN)
            s = fk__note(planted, kinds[it->fault], it);
    }
    fk_free(l.items);
    if (s == FK_ENOMEM || s == FK_ETOOBIG)
        return fk_failf(err, s, _("the simulated export does not fit in memory"));
    return s;
}
