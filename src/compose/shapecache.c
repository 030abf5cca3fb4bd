/*
 * The shape cache (compose-private.h). A direct-mapped table, so it stays bounded however
 * many texts a file holds. A text is kept only when it comes a second time: names and
 * addresses, which never repeat, then neither cost a copy nor push out the texts that do.
 * Each entry is one block: glyphs, advances, segments, clusters, then the text itself.
 */
#include "compose-private.h"
#include "util/mem.h"

#include <stdint.h>
#include <string.h>

#define FK__CACHE_SLOTS    4096 /* a power of two */
#define FK__CACHE_TEXT_MAX 256  /* longer texts (paragraphs) rarely repeat */

typedef struct fk__cached {
    uint64_t seen;        /* the hash of the last text that missed here */
    unsigned char *block; /* NULL: the slot is empty */
    size_t block_len;
    uint64_t hash;
    const fk__fontset *set;
    int primary;
    size_t len, nglyphs, nclusters, nsegs;
    double width;
} fk__cached;

struct fk__shape_cache {
    fk__cached slots[FK__CACHE_SLOTS];
};

fk__shape_cache *fk__shape_cache_new(void)
{
    return fk_calloc(1, sizeof(fk__shape_cache));
}

/* Names and addresses pass through the cache: its blocks are wiped, not just freed. */
static void fk__cached_clear(fk__cached *c)
{
    if (c->block != NULL) {
        explicit_bzero(c->block, c->block_len);
        fk_free(c->block);
    }
    memset(c, 0, sizeof *c);
}

void fk__shape_cache_free(fk__shape_cache *cache)
{
    if (cache == NULL)
        return;
    for (size_t i = 0; i < FK__CACHE_SLOTS; i++)
        fk__cached_clear(&cache->slots[i]);
    fk_free(cache);
}

static uint64_t fk__hash(const fk__fontset *set, int primary, const char *utf8, size_t len)
{
    uint64_t h = 14695981039346656037u ^ (uint64_t)(uintptr_t)set ^ (uint64_t)primary << 56;
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)utf8[i]) * 1099511628211u;
    return h;
}

typedef struct fk__layout_sizes {
    size_t glyphs, adv, segs, clusters, total;
} fk__layout_sizes;

static fk__layout_sizes fk__sizes(size_t nglyphs, size_t nsegs, size_t nclusters, size_t len)
{
    fk__layout_sizes z;
    z.glyphs = nglyphs * sizeof(cairo_glyph_t);
    z.adv = nglyphs * sizeof(double);
    z.segs = nsegs * sizeof(fk__segment);
    z.clusters = nclusters * sizeof(cairo_text_cluster_t);
    z.total = z.glyphs + z.adv + z.segs + z.clusters + len;
    return z;
}

static fk__cached *fk__slot(fk__shape_cache *cache, uint64_t h)
{
    return &cache->slots[h & (FK__CACHE_SLOTS - 1)];
}

bool fk__shape_cache_find(fk__shape_cache *cache, const fk__fontset *set, int primary,
                          const char *utf8, size_t len, fk__shaped *s, bool *found)
{
    *found = false;
    if (cache == NULL || len == 0 || len > FK__CACHE_TEXT_MAX)
        return true;
    uint64_t h = fk__hash(set, primary, utf8, len);
    s->cache_hash = h;
    const fk__cached *c = fk__slot(cache, h);
    if (c->block == NULL || c->hash != h || c->set != set || c->primary != primary || c->len != len)
        return true;
    fk__layout_sizes z = fk__sizes(c->nglyphs, c->nsegs, c->nclusters, len);
    const unsigned char *b = c->block;
    if (memcmp(b + z.total - len, utf8, len) != 0)
        return true;
    if (!fk__shaped_reserve(s, c->nglyphs, c->nsegs, c->nclusters))
        return false;
    memcpy(s->glyphs, b, z.glyphs);
    memcpy(s->adv, b + z.glyphs, z.adv);
    memcpy(s->segs, b + z.glyphs + z.adv, z.segs);
    memcpy(s->clusters, b + z.glyphs + z.adv + z.segs, z.clusters);
    s->nglyphs = c->nglyphs;
    s->nsegs = c->nsegs;
    s->nclusters = c->nclusters;
    s->width = c->width;
    *found = true;
    return true;
}

void fk__shape_cache_store(fk__shape_cache *cache, const fk__fontset *set, int primary,
                           const fk__shaped *s)
{
    /* Nothing to gain for an empty text, whose arrays may not exist. */
    if (cache == NULL || s->len == 0 || s->nglyphs == 0 || s->len > FK__CACHE_TEXT_MAX)
        return;
    uint64_t h = s->cache_hash;
    fk__cached *c = fk__slot(cache, h);
    if (c->seen != h) {
        c->seen = h;
        return;
    }
    fk__layout_sizes z = fk__sizes(s->nglyphs, s->nsegs, s->nclusters, s->len);
    fk__cached_clear(c);
    c->seen = h;
    unsigned char *b = fk_malloc(z.total ? z.total : 1);
    if (b == NULL)
        return; /* a cache that cannot grow only shapes again */
    memcpy(b, s->glyphs, z.glyphs);
    memcpy(b + z.glyphs, s->adv, z.adv);
    memcpy(b + z.glyphs + z.adv, s->segs, z.segs);
    memcpy(b + z.glyphs + z.adv + z.segs, s->clusters, z.clusters);
    memcpy(b + z.total - s->len, s->utf8, s->len);
    *c = (fk__cached){.seen = h,
                      .block = b,
                      .block_len = z.total,
                      .hash = h,
                      .set = set,
                      .primary = primary,
                      .len = s->len,
                      .nglyphs = s->nglyphs,
                      .nclusters = s->nclusters,
                      .nsegs = s->nsegs,
                      .width = s->width};
}
