/*
 * Text engine: the font set (found through fontconfig), HarfBuzz shaping with per-character
 * fallback to IPAmj明朝, drawing with cairo_show_text_glyphs and HarfBuzz's clusters (so the PDF's
 * ToUnicode gives back exactly the characters that went in), and Japanese line breaking (禁則).
 */
#include "compose-private.h"
#include "util/mem.h"
#include "util/utf8.h"
#include "util/i18n.h"

#include <cairo-ft.h>
#include <fontconfig/fontconfig.h>
#include <ft2build.h>
#include FT_FREETYPE_H
#include <pthread.h>
#include <string.h>

/* One FreeType library for the process: cairo may release a face after the set that made it. */
static FT_Library fk__ft_lib;
static FT_Error fk__ft_status = 1;
static pthread_once_t fk__ft_once = PTHREAD_ONCE_INIT;

static void fk__ft_init(void)
{
    fk__ft_status = FT_Init_FreeType(&fk__ft_lib);
}

static const struct {
    const char *name;
    const char *family;
    int weight;
} fk__font_table[FK_FONT_COUNT] = {
    {"gothic", "BIZ UDGothic", FC_WEIGHT_REGULAR},
    {"gothic-bold", "BIZ UDGothic", FC_WEIGHT_BOLD},
    {"mincho", "BIZ UDMincho", FC_WEIGHT_REGULAR},
    {"fallback", "IPAmjMincho", FC_WEIGHT_REGULAR},
};

bool fk__font_parse(const char *name, fk__font_id *out)
{
    for (int i = 0; i < FK_FONT_FALLBACK; i++) {
        if (strcmp(name, fk__font_table[i].name) == 0) {
            *out = (fk__font_id)i;
            return true;
        }
    }
    return false;
}

static bool fk__pattern_has_family(FcPattern *p, const char *family)
{
    FcChar8 *s;
    for (int i = 0; FcPatternGetString(p, FC_FAMILY, i, &s) == FcResultMatch; i++)
        if (strcmp((const char *)s, family) == 0)
            return true;
    return false;
}

/*
 * The file of family at weight (*path, freed with fk_free, or NULL when not installed);
 * fontconfig always answers with some font, so the family and weight are checked.
 */
static fk_status fk__font_file(FcConfig *config, const char *family, int weight, char **path)
{
    *path = NULL;
    FcPattern *pat = FcPatternCreate();
    if (pat == NULL)
        return FK_ENOMEM;
    FcPatternAddString(pat, FC_FAMILY, (const FcChar8 *)family);
    FcPatternAddInteger(pat, FC_WEIGHT, weight);
    FcConfigSubstitute(config, pat, FcMatchPattern);
    FcDefaultSubstitute(pat);
    FcResult res;
    FcPattern *match = FcFontMatch(config, pat, &res);
    FcPatternDestroy(pat);
    fk_status s = FK_OK;
    FcChar8 *file;
    int w;
    if (match != NULL && fk__pattern_has_family(match, family) &&
        FcPatternGetInteger(match, FC_WEIGHT, 0, &w) == FcResultMatch && w == weight &&
        FcPatternGetString(match, FC_FILE, 0, &file) == FcResultMatch &&
        (*path = fk_strdup((const char *)file)) == NULL)
        s = FK_ENOMEM;
    if (match != NULL)
        FcPatternDestroy(match);
    return s;
}

static const cairo_user_data_key_t fk__ft_face_key;

/* FreeType's library may be shared between threads only when faces are made and done under
 * a lock: composing threads load their own font sets at the same time. */
static pthread_mutex_t fk__ft_lock = PTHREAD_MUTEX_INITIALIZER;

static void fk__ft_face_done(void *face)
{
    pthread_mutex_lock(&fk__ft_lock);
    FT_Done_Face(face);
    pthread_mutex_unlock(&fk__ft_lock);
}

/*
 * The fonts' files, looked up once for the process: a fontconfig configuration costs about
 * as much to load as composing a hundred sheets, and every template and report loads a font
 * set. NULL where a font is not installed.
 */
static struct {
    pthread_mutex_t lock;
    bool done;
    char *path[FK_FONT_COUNT];
} fk__font_files = {.lock = PTHREAD_MUTEX_INITIALIZER};

static fk_status fk__font_files_find(fk_err *err)
{
    if (fk__font_files.done)
        return FK_OK;
    /* A private configuration, destroyed after the lookup: fontconfig's global one is never
     * released, and only the files' paths are needed. */
    FcConfig *config = FcInitLoadConfigAndFonts();
    if (config == NULL)
        return fk_failf(err, FK_EENV, _("fontconfig cannot be initialised"));
    fk_status s = FK_OK;
    for (int i = 0; s == FK_OK && i < FK_FONT_COUNT; i++)
        if (fk__font_file(config, fk__font_table[i].family, fk__font_table[i].weight,
                          &fk__font_files.path[i]) != FK_OK)
            s = fk_failf(err, FK_ENOMEM, _("out of memory looking up fonts"));
    FcConfigDestroy(config);
    for (int i = 0; s != FK_OK && i < FK_FONT_COUNT; i++) {
        fk_free(fk__font_files.path[i]);
        fk__font_files.path[i] = NULL;
    }
    fk__font_files.done = s == FK_OK;
    return s;
}

static fk_status fk__font_open(fk__font *f, int i, fk_err *err)
{
    const char *family = fk__font_table[i].family;
    int weight = fk__font_table[i].weight;
    if (fk__font_files.path[i] != NULL && (f->path = fk_strdup(fk__font_files.path[i])) == NULL)
        return fk_failf(err, FK_ENOMEM, _("out of memory looking up fonts"));
    if (f->path == NULL)
        return fk_failf(err, FK_EENV, _("font '%s' (weight %d) not found by fontconfig"), family,
                        weight);
    FT_Face face;
    pthread_mutex_lock(&fk__ft_lock);
    FT_Error opened = FT_New_Face(fk__ft_lib, f->path, 0, &face);
    pthread_mutex_unlock(&fk__ft_lock);
    if (opened != 0)
        return fk_failf(err, FK_EENV, _("%s: FreeType cannot open the font"), f->path);
    f->cairo_face = cairo_ft_font_face_create_for_ft_face(face, 0);
    if (cairo_font_face_set_user_data(f->cairo_face, &fk__ft_face_key, face, fk__ft_face_done) !=
        CAIRO_STATUS_SUCCESS) {
        cairo_font_face_destroy(f->cairo_face);
        f->cairo_face = NULL;
        fk__ft_face_done(face);
        return fk_failf(err, FK_ENOMEM, _("out of memory loading a font"));
    }
    hb_blob_t *blob = hb_blob_create_from_file(f->path);
    hb_face_t *hface = hb_face_create(blob, 0);
    hb_blob_destroy(blob);
    unsigned upem = hb_face_get_upem(hface);
    unsigned nglyphs = hb_face_get_glyph_count(hface);
    f->hb_font = hb_font_create(hface);
    hb_face_destroy(hface);
    /* Scaled to units per em: an unscaled FreeType-backed font gives zero advances. */
    hb_font_set_scale(f->hb_font, (int)upem, (int)upem);
    f->upem = upem;
    if (nglyphs == 0 || upem == 0)
        return fk_failf(err, FK_EENV, _("%s: HarfBuzz cannot read the font"), f->path);
    return FK_OK;
}

fk_status fk__fontset_new(fk__fontset **out, fk_err *err)
{
    pthread_once(&fk__ft_once, fk__ft_init);
    if (fk__ft_status != 0)
        return fk_failf(err, FK_EENV, _("FreeType cannot be initialised"));
    pthread_mutex_lock(&fk__font_files.lock);
    fk_status s = fk__font_files_find(err);
    pthread_mutex_unlock(&fk__font_files.lock);
    if (s != FK_OK)
        return s;
    fk__fontset *set = fk_calloc(1, sizeof *set);
    s = set != NULL ? FK_OK : fk_failf(err, FK_ENOMEM, _("out of memory"));
    for (int i = 0; s == FK_OK && i < FK_FONT_COUNT; i++)
        s = fk__font_open(&set->fonts[i], i, err);
    if (s != FK_OK) {
        fk__fontset_free(set);
        return s;
    }
    *out = set;
    return FK_OK;
}

void fk__fontset_free(fk__fontset *set)
{
    if (set == NULL)
        return;
    for (int i = 0; i < FK_FONT_COUNT; i++) {
        fk_free(set->fonts[i].path);
        if (set->fonts[i].cairo_face != NULL)
            cairo_font_face_destroy(set->fonts[i].cairo_face);
        if (set->fonts[i].hb_font != NULL)
            hb_font_destroy(set->fonts[i].hb_font);
    }
    fk_free(set);
}

void fk__shaped_init(fk__shaped *s)
{
    memset(s, 0, sizeof *s);
}

void fk__shaped_free(fk__shaped *s)
{
    fk_free(s->glyphs);
    fk_free(s->draw);
    fk_free(s->adv);
    fk_free(s->clusters);
    fk_free(s->segs);
    if (s->buf != NULL)
        hb_buffer_destroy(s->buf);
    fk__shaped_init(s);
}

static bool fk__grow(void **p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return true;
    size_t n = *cap ? *cap : 64;
    while (n < need)
        n *= 2;
    void *q = fk_realloc(*p, n * size);
    if (q == NULL)
        return false;
    *p = q;
    *cap = n;
    return true;
}

static bool fk__is_variation_selector(uint32_t cp)
{
    return (cp >= 0xFE00 && cp <= 0xFE0F) || (cp >= 0xE0100 && cp <= 0xE01EF);
}

/* The font that shows cp (with selector vs, or 0), preferring primary; -1 if none. */
static int fk__pick_font(const fk__fontset *set, fk__font_id primary, uint32_t cp, uint32_t vs)
{
    const int order[2] = {(int)primary, FK_FONT_FALLBACK};
    for (int i = 0; i < 2; i++) {
        hb_codepoint_t g;
        hb_font_t *f = set->fonts[order[i]].hb_font;
        bool ok =
            vs ? hb_font_get_variation_glyph(f, cp, vs, &g) : hb_font_get_nominal_glyph(f, cp, &g);
        if (ok && g != 0)
            return order[i];
    }
    return -1;
}

/* Decodes the code point at *i, advancing *i; false at the end or on invalid UTF-8. */
static bool fk__next_cp(const char *utf8, size_t len, size_t *i, uint32_t *cp)
{
    if (*i >= len)
        return false;
    size_t n = fk_utf8_decode(utf8 + *i, len - *i, cp);
    if (n == 0)
        return false;
    *i += n;
    return true;
}

bool fk__shaped_reserve(fk__shaped *s, size_t nglyphs, size_t nsegs, size_t nclusters)
{
    return fk__grow((void **)&s->glyphs, &s->glyphs_cap, nglyphs, sizeof *s->glyphs) &&
           fk__grow((void **)&s->draw, &s->draw_cap, nglyphs, sizeof *s->draw) &&
           fk__grow((void **)&s->adv, &s->adv_cap, nglyphs, sizeof *s->adv) &&
           fk__grow((void **)&s->clusters, &s->clusters_cap, nclusters, sizeof *s->clusters) &&
           fk__grow((void **)&s->segs, &s->segs_cap, nsegs, sizeof *s->segs);
}

bool fk__shaped_copy(fk__shaped *dst, const fk__shaped *src)
{
    if (!fk__shaped_reserve(dst, src->nglyphs, src->nsegs, src->nclusters))
        return false;
    if (src->nglyphs > 0) {
        memcpy(dst->glyphs, src->glyphs, src->nglyphs * sizeof *src->glyphs);
        memcpy(dst->adv, src->adv, src->nglyphs * sizeof *src->adv);
    }
    if (src->nsegs > 0)
        memcpy(dst->segs, src->segs, src->nsegs * sizeof *src->segs);
    if (src->nclusters > 0)
        memcpy(dst->clusters, src->clusters, src->nclusters * sizeof *src->clusters);
    dst->utf8 = src->utf8;
    dst->len = src->len;
    dst->nglyphs = src->nglyphs;
    dst->nsegs = src->nsegs;
    dst->nclusters = src->nclusters;
    dst->width = src->width;
    dst->missing = src->missing;
    return true;
}

static fk_status fk__shape_segment(const fk__fontset *set, fk__shaped *s, hb_buffer_t *buf,
                                   int font, size_t start, size_t end)
{
    hb_buffer_clear_contents(buf);
    hb_buffer_add_utf8(buf, s->utf8, (int)s->len, (unsigned)start, (int)(end - start));
    hb_buffer_set_direction(buf, HB_DIRECTION_LTR);
    hb_buffer_set_script(buf, HB_SCRIPT_HAN);
    hb_buffer_set_language(buf, hb_language_from_string("ja", 2));
    hb_buffer_set_cluster_level(buf, HB_BUFFER_CLUSTER_LEVEL_MONOTONE_CHARACTERS);
    const fk__font *f = &set->fonts[font];
    hb_shape(f->hb_font, buf, NULL, 0);
    unsigned n;
    hb_glyph_info_t *info = hb_buffer_get_glyph_infos(buf, &n);
    hb_glyph_position_t *pos = hb_buffer_get_glyph_positions(buf, &n);
    if (!fk__shaped_reserve(s, s->nglyphs + n, s->nsegs + 1, s->nclusters + n))
        return FK_ENOMEM;
    fk__segment *seg = &s->segs[s->nsegs++];
    seg->font = font;
    seg->byte_start = start;
    seg->byte_len = end - start;
    seg->glyph_start = s->nglyphs;
    seg->glyph_count = n;
    seg->cluster_start = s->nclusters;
    double scale = 1.0 / f->upem;
    for (unsigned i = 0; i < n; i++) {
        cairo_glyph_t *g = &s->glyphs[s->nglyphs++];
        g->index = info[i].codepoint;
        g->x = s->width + pos[i].x_offset * scale;
        g->y = -pos[i].y_offset * scale;
        s->adv[s->nglyphs - 1] = pos[i].x_advance * scale;
        s->width += pos[i].x_advance * scale;
        if (i == 0 || info[i].cluster != info[i - 1].cluster) {
            size_t next = end;
            for (unsigned j = i + 1; j < n; j++) {
                if (info[j].cluster != info[i].cluster) {
                    next = info[j].cluster;
                    break;
                }
            }
            cairo_text_cluster_t *c = &s->clusters[s->nclusters++];
            c->num_bytes = (int)(next - info[i].cluster);
            c->num_glyphs = 0;
        }
        s->clusters[s->nclusters - 1].num_glyphs++;
    }
    seg->cluster_count = s->nclusters - seg->cluster_start;
    return FK_OK;
}

fk_status fk__shape(const fk__fontset *set, fk__font_id primary, const char *utf8, size_t len,
                    fk__shaped *s)
{
    s->utf8 = utf8;
    s->len = len;
    s->nglyphs = s->nclusters = s->nsegs = 0;
    s->width = 0;
    s->missing = 0;
    if (!fk_utf8_is_valid(utf8, len))
        return FK_EFORMAT;
    bool found;
    if (!fk__shape_cache_find(s->cache, set, (int)primary, utf8, len, s, &found))
        return FK_ENOMEM;
    if (found)
        return FK_OK;
    if (s->buf == NULL) {
        s->buf = hb_buffer_create();
        if (!hb_buffer_allocation_successful(s->buf)) {
            hb_buffer_destroy(s->buf);
            s->buf = NULL;
            return FK_ENOMEM;
        }
    }
    hb_buffer_t *buf = s->buf;
    fk_status st = FK_OK;
    size_t i = 0, seg_start = 0;
    int seg_font = -1;
    uint32_t cp;
    while (st == FK_OK && i < len) {
        size_t at = i;
        (void)fk__next_cp(utf8, len, &i, &cp);
        uint32_t vs = 0;
        size_t j = i;
        if (fk__next_cp(utf8, len, &j, &vs) && fk__is_variation_selector(vs))
            i = j;
        else
            vs = 0;
        int font =
            cp < 0x20 || fk__is_variation_selector(cp) ? -1 : fk__pick_font(set, primary, cp, vs);
        if (font < 0) {
            s->missing = cp;
            st = FK_EFINDING;
            break;
        }
        if (font != seg_font) {
            if (seg_font >= 0)
                st = fk__shape_segment(set, s, buf, seg_font, seg_start, at);
            seg_font = font;
            seg_start = at;
        }
    }
    if (st == FK_OK && seg_font >= 0)
        st = fk__shape_segment(set, s, buf, seg_font, seg_start, len);
    if (st == FK_OK)
        fk__shape_cache_store(s->cache, set, (int)primary, s);
    return st;
}

void fk__shaped_draw(const fk__fontset *set, fk__shaped *s, cairo_t *cr, double x, double y,
                     double size)
{
    for (size_t i = 0; i < s->nglyphs; i++) {
        s->draw[i].index = s->glyphs[i].index;
        s->draw[i].x = x + s->glyphs[i].x * size;
        s->draw[i].y = y + s->glyphs[i].y * size;
    }
    for (size_t k = 0; k < s->nsegs; k++) {
        const fk__segment *seg = &s->segs[k];
        cairo_set_font_face(cr, set->fonts[seg->font].cairo_face);
        cairo_set_font_size(cr, size);
        cairo_show_text_glyphs(cr, s->utf8 + seg->byte_start, (int)seg->byte_len,
                               s->draw + seg->glyph_start, (int)seg->glyph_count,
                               s->clusters + seg->cluster_start, (int)seg->cluster_count, 0);
    }
}

static bool fk__in(uint32_t cp, const uint32_t *set, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (set[i] == cp)
            return true;
    return false;
}

bool fk__is_line_start_forbidden(uint32_t cp)
{
    static const uint32_t chars[] = {
        0x3001, 0x3002, 0xFF0C, 0xFF0E, 0x30FB, 0xFF1A, 0xFF1B, 0xFF1F, 0xFF01, 0x309B, 0x309C,
        0x30FD, 0x30FE, 0x309D, 0x309E, 0x3005, 0x30FC, 0xFF09, 0xFF3D, 0xFF5D, 0x300D, 0x300F,
        0x3011, 0x3015, 0x3009, 0x300B, 0x3019, 0x3017, 0x2019, 0x201D, 0x3041, 0x3043, 0x3045,
        0x3047, 0x3049, 0x3063, 0x3083, 0x3085, 0x3087, 0x308E, 0x30A1, 0x30A3, 0x30A5, 0x30A7,
        0x30A9, 0x30C3, 0x30E3, 0x30E5, 0x30E7, 0x30EE, 0x30F5, 0x30F6, 0x2026, 0x2025, 0x301C,
        ')',    ']',    '}',    ',',    '.',    ':',    ';',    '!',    '?',    '%'};
    return fk__in(cp, chars, sizeof chars / sizeof chars[0]);
}

bool fk__is_line_end_forbidden(uint32_t cp)
{
    static const uint32_t chars[] = {0xFF08, 0xFF3B, 0xFF5B, 0x300C, 0x300E, 0x3010,
                                     0x3014, 0x3008, 0x300A, 0x3018, 0x3016, 0x2018,
                                     0x201C, '(',    '[',    '{',    0x3012};
    return fk__in(cp, chars, sizeof chars / sizeof chars[0]);
}

static bool fk__is_word_char(uint32_t cp)
{
    return cp > 0x20 && cp < 0x7F;
}

static bool fk__break_allowed(uint32_t prev, uint32_t next)
{
    if (next == ' ')
        return false;
    if (prev == ' ')
        return true;
    if (fk__is_line_start_forbidden(next) || fk__is_line_end_forbidden(prev))
        return false;
    return !(fk__is_word_char(prev) && fk__is_word_char(next));
}

static bool fk__is_digit(uint32_t cp)
{
    return (cp >= '0' && cp <= '9') || (cp >= 0xFF10 && cp <= 0xFF19);
}

/* Digits and what joins them into one block number (1-4-1, ２丁目３番). */
static bool fk__is_number_part(uint32_t cp)
{
    return fk__is_digit(cp) || cp == '-' || cp == 0xFF0D || cp == 0x2212 || cp == 0x30FC;
}

/* A boundary between two blocks of an address: a space; before a number; after a number
 * followed by a name; after 丁目, 番地, 番 and 号 (the units of a block number). */
static bool fk__is_block_boundary(uint32_t prev, uint32_t next)
{
    if (prev == ' ' || prev == 0x3000)
        return true;
    if (fk__is_digit(next) && !fk__is_number_part(prev))
        return true;
    static const uint32_t units[] = {0x76EE /* 目 */, 0x5730 /* 地 */, 0x53F7 /* 号 */};
    if (fk__in(prev, units, sizeof units / sizeof units[0]))
        return true;
    if (prev == 0x756A /* 番 */ && next != 0x5730 /* 地 */)
        return true;
    static const uint32_t joined[] = {0x4E01 /* 丁 */, 0x756A, 0x5730, 0x53F7, 0x306E /* の */};
    return fk__is_digit(prev) && !fk__is_number_part(next) &&
           !fk__in(next, joined, sizeof joined / sizeof joined[0]);
}

static fk_status fk__push_line(fk__line **lines, size_t *n, size_t *cap, const char *text,
                               size_t start, size_t end)
{
    while (end > start && text[end - 1] == ' ')
        end--;
    if (!fk__grow((void **)lines, cap, *n + 1, sizeof **lines))
        return FK_ENOMEM;
    (*lines)[*n].start = start;
    (*lines)[*n].len = end - start;
    (*n)++;
    return FK_OK;
}

/* Breaks one paragraph (no '\n') of text[start, end); advances come from adv (per byte). */
static fk_status fk__break_paragraph(const char *text, size_t start, size_t end, const double *adv,
                                     double width, bool by_blocks, fk__line **lines, size_t *n,
                                     size_t *cap)
{
    size_t ls = start, bp = start, bb = start, i = start;
    double w = 0, wbp = 0, wbb = 0;
    uint32_t prev = 0, cp;
    while (i < end) {
        size_t at = i;
        if (!fk__next_cp(text, end, &i, &cp))
            return FK_EFORMAT;
        if (fk__is_variation_selector(cp)) {
            w += adv[at];
            continue;
        }
        if (at > ls && fk__break_allowed(prev, cp)) {
            bp = at;
            wbp = w;
            if (by_blocks && fk__is_block_boundary(prev, cp)) {
                bb = at;
                wbb = w;
            }
        }
        if (at > ls && w + adv[at] > width + 1e-9) {
            /* An address breaks at its last block boundary if that keeps half the line. */
            if (by_blocks && bb > ls && wbb >= width / 2) {
                bp = bb;
                wbp = wbb;
            }
            size_t cut = bp > ls ? bp : at;
            double wcut = bp > ls ? wbp : w;
            fk_status s = fk__push_line(lines, n, cap, text, ls, cut);
            if (s != FK_OK)
                return s;
            ls = cut;
            w -= wcut;
            /* Spaces at a line start are dropped, as a typesetter does. */
            while (ls < at && text[ls] == ' ') {
                w -= adv[ls];
                ls++;
            }
            if (cp == ' ' && ls == at) {
                ls = i;
                prev = cp;
                continue;
            }
            bp = ls;
            bb = ls;
            /* The break point may lie before the current character: re-check it. */
            if (at > ls && fk__break_allowed(prev, cp)) {
                bp = at;
                wbp = w;
                if (by_blocks && fk__is_block_boundary(prev, cp)) {
                    bb = at;
                    wbb = w;
                }
            }
        }
        w += adv[at];
        prev = cp;
    }
    return fk__push_line(lines, n, cap, text, ls, end);
}

fk_status fk__break_lines(const fk__fontset *set, fk__font_id font, const char *utf8, size_t len,
                          double width_em, bool by_blocks, fk__shaped *scratch, fk__line **lines,
                          size_t *nlines, size_t *cap)
{
    *nlines = 0;
    double *adv = fk_calloc(len + 1, sizeof *adv);
    if (adv == NULL)
        return FK_ENOMEM;
    fk_status s = FK_OK;
    size_t ps = 0;
    while (s == FK_OK && ps <= len) {
        const char *nl = memchr(utf8 + ps, '\n', len - ps);
        size_t pe = nl != NULL ? (size_t)(nl - utf8) : len;
        s = fk__shape(set, font, utf8 + ps, pe - ps, scratch);
        if (s != FK_OK)
            break;
        /* Attribute each glyph's advance to the first byte of its cluster. */
        for (size_t k = 0; k < scratch->nsegs; k++) {
            const fk__segment *seg = &scratch->segs[k];
            size_t byte = ps + seg->byte_start, g = seg->glyph_start;
            for (size_t c = 0; c < seg->cluster_count; c++) {
                const cairo_text_cluster_t *cl = &scratch->clusters[seg->cluster_start + c];
                for (int j = 0; j < cl->num_glyphs; j++)
                    adv[byte] += scratch->adv[g++];
                byte += (size_t)cl->num_bytes;
            }
        }
        s = fk__break_paragraph(utf8, ps, pe, adv, width_em, by_blocks, lines, nlines, cap);
        ps = pe + 1;
    }
    fk_free(adv);
    return s;
}
