/*
 * Template loading and validation (libfyaml): every finding names file:line:col, so a ward's
 * editor can fix a template without reading C. Tables are expanded here into lines, boxes
 * and cells, so the writer only knows simple elements.
 */
#include "compose-private.h"
#include "fields.h"
#include "template.h"
#include "util/buf.h"
#include "util/fsutil.h"
#include "util/mem.h"
#include "core/yaml.h"
#include "util/utf8.h"
#include "util/i18n.h"

#include <libfyaml.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A template file is small; anything larger is a mistake, not a template. */
#define FK__MAX_TEMPLATE_FILE ((size_t)1 << 24)
#define FK__MAX_ELEMENTS      4096
#define FK__MAX_INCLUDE       1

typedef struct fk__loader {
    fk_template *t;
    const char *file;     /* the file being read, for messages */
    char dir[4096];       /* its folder, for relative paths */
    double ox, oy;        /* origin of the elements (an include's window) */
    const double *window; /* the order's window {x, y}, replacing an include's own */
    fk_template_finding_fn fn;
    void *user;
    size_t findings;
    bool stop;
    fk_status status; /* FK_ENOMEM or FK_EIO stop everything */
} fk__loader;

static void fk__find(fk__loader *ld, int line, int col, const char *fmt, ...) FK_PRINTF(4, 5);

static void fk__find(fk__loader *ld, int line, int col, const char *fmt, ...)
{
    if (ld->stop)
        return;
    char msg[FK_ERR_MSG_MAX];
    int n = snprintf(msg, sizeof msg, "%s:%d:%d: ", ld->file, line, col);
    va_list ap;
    va_start(ap, fmt);
    if (n > 0 && (size_t)n < sizeof msg)
        vsnprintf(msg + n, sizeof msg - (size_t)n, fmt, ap);
    va_end(ap);
    ld->findings++;
    if (!ld->fn(ld->user, msg))
        ld->stop = true;
}

/* A node's position (1-based); collections take their first scalar's. */
static void fk__pos(struct fy_node *n, int *line, int *col)
{
    *line = *col = 0;
    while (n != NULL) {
        enum fy_node_type t = fy_node_get_type(n);
        if (t == FYNT_SCALAR) {
            const struct fy_mark *m = fy_token_start_mark(fy_node_get_scalar_token(n));
            if (m != NULL) {
                *line = m->line + 1;
                *col = m->column + 1;
            }
            return;
        }
        void *it = NULL;
        if (t == FYNT_MAPPING) {
            struct fy_node_pair *p = fy_node_mapping_iterate(n, &it);
            n = p != NULL ? fy_node_pair_key(p) : NULL;
        } else {
            n = fy_node_sequence_iterate(n, &it);
        }
    }
}

static const char *fk__scalar(struct fy_node *n)
{
    if (n == NULL || fy_node_get_type(n) != FYNT_SCALAR)
        return NULL;
    return fy_node_get_scalar0(n);
}

/* Parses [-]digits[.digits] whatever the process's locale (strtod honours LC_NUMERIC). */
static bool fk__parse_decimal(const char *s, double *out)
{
    bool neg = *s == '-';
    if (neg)
        s++;
    double v = 0, scale = 1;
    int digits = 0;
    for (; *s >= '0' && *s <= '9'; s++, digits++)
        v = v * 10 + (*s - '0');
    if (*s == '.')
        for (s++; *s >= '0' && *s <= '9'; s++, digits++)
            v += (*s - '0') * (scale /= 10);
    if (digits == 0 || digits > 15 || *s != '\0')
        return false;
    *out = neg ? -v : v;
    return true;
}

static bool fk__number(fk__loader *ld, struct fy_node *n, const char *key, double lo, double hi,
                       double *out)
{
    const char *s = fk__scalar(n);
    int line, col;
    fk__pos(n, &line, &col);
    double v = 0;
    if (s == NULL || !fk__parse_decimal(s, &v)) {
        fk__find(ld, line, col, _("'%s' must be a number"), key);
        return false;
    }
    if (v < lo || v > hi) {
        fk__find(ld, line, col, _("'%s' must be between %g and %g"), key, lo, hi);
        return false;
    }
    *out = v;
    return true;
}

static bool fk__string(fk__loader *ld, struct fy_node *n, const char *key, char **out)
{
    const char *s = fk__scalar(n);
    int line, col;
    fk__pos(n, &line, &col);
    if (s == NULL) {
        fk__find(ld, line, col, _("'%s' must be a string"), key);
        return false;
    }
    if (!fk_utf8_is_valid(s, strlen(s))) {
        fk__find(ld, line, col, _("'%s' is not valid UTF-8"), key);
        return false;
    }
    char *copy = fk_strdup(s);
    if (copy == NULL) {
        ld->status = FK_ENOMEM;
        ld->stop = true;
        return false;
    }
    fk_free(*out);
    *out = copy;
    return true;
}

/*
 * Checks the {{key}} references of text; sets *has_fields and, if label is NULL, a copy of
 * the first key as the label.
 */
static void fk__check_refs(fk__loader *ld, const char *text, int line, int col, bool *has_fields,
                           char **label)
{
    *has_fields = false;
    /* A placeholder would reach paper as it is: sender details come from the order. */
    const char *placeholder = fk_utf8_find_placeholder(text);
    if (placeholder != NULL)
        fk__find(ld, line, col,
                 _("placeholder '%s' in the text: give the real value (the insurer's details come"
                   " from the order, e.g. {{insurer_phone}})"),
                 placeholder);
    for (const char *p = strstr(text, "{{"); p != NULL; p = strstr(p, "{{")) {
        const char *e = strstr(p + 2, "}}");
        if (e == NULL) {
            fk__find(ld, line, col, _("'{{' without '}}'"));
            return;
        }
        char key[64];
        size_t n = (size_t)(e - p - 2);
        if (n == 0 || n >= sizeof key) {
            fk__find(ld, line, col, _("field name of bad length"));
            return;
        }
        memcpy(key, p + 2, n);
        key[n] = '\0';
        if (!fk_fields_is_known_key(key))
            fk__find(ld, line, col, _("unknown field '{{%s}}'"), key);
        else if (*label == NULL && (*label = fk_strdup(key)) == NULL)
            ld->status = FK_ENOMEM;
        *has_fields = true;
        p = e + 2;
    }
}

static fk__elem *fk__new_elem(fk__loader *ld, fk__el_kind kind, int line, int col)
{
    fk_template *t = ld->t;
    if (t->nels == FK__MAX_ELEMENTS) {
        fk__find(ld, line, col, _("more than %d elements"), FK__MAX_ELEMENTS);
        return NULL;
    }
    if (t->nels == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 32;
        fk__elem *els = fk_realloc(t->els, cap * sizeof *els);
        if (els == NULL) {
            ld->status = FK_ENOMEM;
            ld->stop = true;
            return NULL;
        }
        t->els = els;
        t->cap = cap;
    }
    fk__elem *e = &t->els[t->nels++];
    memset(e, 0, sizeof *e);
    e->kind = kind;
    e->line = line;
    e->col = col;
    e->size = 10.5;
    e->leading = 1.6;
    e->line_width = 0.3;
    e->fill = -1;
    e->stroke = true;
    e->font = FK_FONT_GOTHIC;
    e->module = 0.6;
    e->pt = 8;
    e->is_static = true;
    return e;
}

static const struct {
    const char *name;
    fk__el_kind kind;
} fk__kinds[] = {
    {"text", FK_EL_TEXT},       {"paragraph", FK_EL_PARAGRAPH}, {"line", FK_EL_LINE},
    {"box", FK_EL_BOX},         {"image", FK_EL_IMAGE},         {"datamatrix", FK_EL_DATAMATRIX},
    {"barcode", FK_EL_BARCODE}, {"table", FK_EL_TABLE},
};

/* Which kinds accept which keys: bit k set for kind k. */
#define B(k) (1u << (k))
#define TXT  (B(FK_EL_TEXT) | B(FK_EL_PARAGRAPH) | B(FK_EL_TABLE))
static const struct {
    const char *key;
    unsigned kinds;
} fk__keys[] = {
    {"type", 0xFFu},
    {"x", 0xFFu},
    {"y", 0xFFu},
    {"width", TXT | B(FK_EL_BOX) | B(FK_EL_IMAGE)},
    {"height", B(FK_EL_PARAGRAPH) | B(FK_EL_BOX) | B(FK_EL_IMAGE)},
    {"x2", B(FK_EL_LINE)},
    {"y2", B(FK_EL_LINE)},
    {"text", B(FK_EL_TEXT) | B(FK_EL_PARAGRAPH)},
    {"size", TXT},
    {"min_size", TXT},
    {"leading", B(FK_EL_PARAGRAPH)},
    {"break", B(FK_EL_PARAGRAPH)},
    {"font", TXT},
    {"align", TXT},
    {"label", B(FK_EL_TEXT) | B(FK_EL_PARAGRAPH)},
    {"line_width", B(FK_EL_LINE) | B(FK_EL_BOX) | B(FK_EL_TABLE)},
    {"fill", B(FK_EL_BOX)},
    {"stroke", B(FK_EL_BOX)},
    {"file", B(FK_EL_IMAGE)},
    {"field", B(FK_EL_DATAMATRIX) | B(FK_EL_BARCODE)},
    {"module", B(FK_EL_DATAMATRIX)},
    {"pt", B(FK_EL_BARCODE)},
    {"columns", B(FK_EL_TABLE)},
    {"header", B(FK_EL_TABLE)},
    {"rows", B(FK_EL_TABLE)},
    {"row_height", B(FK_EL_TABLE)},
};
#undef TXT
#undef B

typedef struct fk__table {
    struct fy_node *columns, *header, *rows, *align;
    double row_height;
} fk__table;

static void fk__read_align(fk__loader *ld, struct fy_node *v, fk__align *out)
{
    const char *s = fk__scalar(v);
    int line, col;
    fk__pos(v, &line, &col);
    if (s != NULL && strcmp(s, "left") == 0)
        *out = FK_ALIGN_LEFT;
    else if (s != NULL && strcmp(s, "center") == 0)
        *out = FK_ALIGN_CENTER;
    else if (s != NULL && strcmp(s, "right") == 0)
        *out = FK_ALIGN_RIGHT;
    else
        fk__find(ld, line, col, _("'align' must be left, center or right"));
}

static void fk__read_key(fk__loader *ld, fk__elem *e, const char *key, struct fy_node *v,
                         fk__table *tab)
{
    int line, col;
    fk__pos(v, &line, &col);
    const double big = 2000;
    if (strcmp(key, "x") == 0)
        (void)fk__number(ld, v, key, -big, big, &e->x);
    else if (strcmp(key, "y") == 0)
        (void)fk__number(ld, v, key, -big, big, &e->y);
    else if (strcmp(key, "width") == 0)
        (void)fk__number(ld, v, key, 0.1, big, &e->w);
    else if (strcmp(key, "height") == 0)
        (void)fk__number(ld, v, key, 0.1, big, &e->h);
    else if (strcmp(key, "x2") == 0)
        (void)fk__number(ld, v, key, -big, big, &e->x2);
    else if (strcmp(key, "y2") == 0)
        (void)fk__number(ld, v, key, -big, big, &e->y2);
    else if (strcmp(key, "text") == 0)
        (void)fk__string(ld, v, key, &e->text);
    else if (strcmp(key, "size") == 0)
        (void)fk__number(ld, v, key, 4, 72, &e->size);
    else if (strcmp(key, "min_size") == 0)
        (void)fk__number(ld, v, key, 4, 72, &e->min_size);
    else if (strcmp(key, "leading") == 0)
        (void)fk__number(ld, v, key, 1, 4, &e->leading);
    else if (strcmp(key, "line_width") == 0)
        (void)fk__number(ld, v, key, 0.05, 5, &e->line_width);
    else if (strcmp(key, "fill") == 0)
        (void)fk__number(ld, v, key, 0, 1, &e->fill);
    else if (strcmp(key, "module") == 0)
        (void)fk__number(ld, v, key, 0.3, 2, &e->module);
    else if (strcmp(key, "pt") == 0)
        (void)fk__number(ld, v, key, 8, 11.5, &e->pt);
    else if (strcmp(key, "row_height") == 0)
        (void)fk__number(ld, v, key, 2, 50, &tab->row_height);
    else if (strcmp(key, "label") == 0)
        (void)fk__string(ld, v, key, &e->label);
    else if (strcmp(key, "field") == 0) {
        if (fk__string(ld, v, key, &e->field) && !fk_fields_is_known_key(e->field))
            fk__find(ld, line, col, _("unknown field '%s'"), e->field);
    } else if (strcmp(key, "stroke") == 0) {
        const char *s = fk__scalar(v);
        if (s != NULL && (strcmp(s, "true") == 0 || strcmp(s, "false") == 0))
            e->stroke = strcmp(s, "true") == 0;
        else
            fk__find(ld, line, col, _("'stroke' must be true or false"));
    } else if (strcmp(key, "font") == 0) {
        const char *s = fk__scalar(v);
        if (s == NULL || !fk__font_parse(s, &e->font))
            fk__find(ld, line, col, _("'font' must be gothic, gothic-bold or mincho"));
    } else if (strcmp(key, "break") == 0) {
        const char *s = fk__scalar(v);
        if (s != NULL && (strcmp(s, "address") == 0 || strcmp(s, "text") == 0))
            e->is_address = strcmp(s, "address") == 0;
        else
            fk__find(ld, line, col, _("'break' must be text or address"));
    } else if (strcmp(key, "align") == 0) {
        if (e->kind == FK_EL_TABLE)
            tab->align = v;
        else
            fk__read_align(ld, v, &e->align);
    } else if (strcmp(key, "file") == 0) {
        char *name = NULL;
        if (!fk__string(ld, v, key, &name))
            return;
        char path[4096];
        if (name[0] == '/' ? snprintf(path, sizeof path, "%s", name) >= (int)sizeof path
                           : !fk_fs_join(path, sizeof path, ld->dir, name))
            fk__find(ld, line, col, _("image path too long"));
        else if (!fk_fs_exists(path))
            fk__find(ld, line, col, _("image file '%s' not found"), name);
        else if ((e->file = fk_strdup(path)) == NULL)
            ld->status = FK_ENOMEM;
        fk_free(name);
    } else if (strcmp(key, "columns") == 0) {
        tab->columns = v;
    } else if (strcmp(key, "header") == 0) {
        tab->header = v;
    } else if (strcmp(key, "rows") == 0) {
        tab->rows = v;
    }
}

static void fk__check_on_page(fk__loader *ld, const fk__elem *e, double x1, double y1, double x2,
                              double y2)
{
    const fk_template *t = ld->t;
    if (x1 < -1e-9 || y1 < -1e-9 || x2 > t->page_w + 1e-9 || y2 > t->page_h + 1e-9 ||
        x1 >= t->page_w || y1 >= t->page_h)
        fk__find(ld, e->line, e->col, _("element lies outside the %gx%g mm page"), t->page_w,
                 t->page_h);
}

/* Expands a table into a grid, an optional shaded header and one text element per cell. */
static void fk__expand_table(fk__loader *ld, size_t idx, const fk__table *tab)
{
    fk__elem proto = ld->t->els[idx];
    ld->t->nels--; /* the table itself is replaced by its parts */
    int line = proto.line, col = proto.col;
    if (tab->columns == NULL || fy_node_get_type(tab->columns) != FYNT_SEQUENCE) {
        fk__find(ld, line, col, _("table needs 'columns', a list of widths in mm"));
        return;
    }
    double widths[32];
    fk__align aligns[32] = {FK_ALIGN_LEFT};
    int ncols = 0;
    void *it = NULL;
    for (struct fy_node *c; (c = fy_node_sequence_iterate(tab->columns, &it)) != NULL;) {
        if (ncols == 32) {
            fk__find(ld, line, col, _("more than 32 columns"));
            return;
        }
        aligns[ncols] = FK_ALIGN_LEFT;
        if (!fk__number(ld, c, "columns", 1, 1000, &widths[ncols++]))
            return;
    }
    if (tab->align != NULL) {
        it = NULL;
        int i = 0;
        for (struct fy_node *a; (a = fy_node_sequence_iterate(tab->align, &it)) != NULL; i++)
            if (i < ncols)
                fk__read_align(ld, a, &aligns[i]);
    }
    double rh = tab->row_height > 0 ? tab->row_height : 7;
    double total_w = 0;
    for (int i = 0; i < ncols; i++)
        total_w += widths[i];
    int nrows = 0;
    const char *heads[32] = {NULL};
    if (tab->header != NULL) {
        it = NULL;
        int i = 0;
        for (struct fy_node *h; (h = fy_node_sequence_iterate(tab->header, &it)) != NULL; i++)
            if (i < ncols)
                heads[i] = fk__scalar(h);
        fk__elem *shade = fk__new_elem(ld, FK_EL_BOX, line, col);
        if (shade == NULL)
            return;
        shade->x = proto.x;
        shade->y = proto.y;
        shade->w = total_w;
        shade->h = rh;
        shade->fill = 0.88;
        shade->stroke = false;
    }
    struct fy_node *rows[128];
    int nr = 0;
    if (tab->header != NULL)
        rows[nr++] = tab->header;
    if (tab->rows != NULL && fy_node_get_type(tab->rows) == FYNT_SEQUENCE) {
        it = NULL;
        for (struct fy_node *r; (r = fy_node_sequence_iterate(tab->rows, &it)) != NULL;) {
            if (nr == 128) {
                fk__find(ld, line, col, _("more than 127 rows"));
                return;
            }
            rows[nr++] = r;
        }
    } else if (tab->rows != NULL) {
        fk__find(ld, line, col, _("'rows' must be a list of rows"));
        return;
    }
    for (int ri = 0; ri < nr; ri++) {
        struct fy_node *row = rows[ri];
        bool is_header = ri == 0 && tab->header != NULL;
        {
            int rl, rc;
            fk__pos(row, &rl, &rc);
            if (fy_node_get_type(row) != FYNT_SEQUENCE) {
                fk__find(ld, rl, rc, _("a table row must be a list of cells"));
                return;
            }
            double cx = proto.x;
            void *cit = NULL;
            int ci = 0;
            const char *first = NULL;
            for (struct fy_node *cell; (cell = fy_node_sequence_iterate(row, &cit)) != NULL; ci++) {
                if (ci >= ncols) {
                    fk__find(ld, rl, rc, _("row has more cells than the table has columns"));
                    return;
                }
                int cl, cc;
                fk__pos(cell, &cl, &cc);
                fk__elem *e = fk__new_elem(ld, FK_EL_TEXT, cl, cc);
                if (e == NULL)
                    return;
                e->x = cx + 1.5;
                e->w = widths[ci] - 3;
                e->size = proto.size;
                e->min_size = proto.min_size > 0 ? proto.min_size : proto.size * 0.7;
                e->font = is_header ? FK_FONT_GOTHIC_BOLD : proto.font;
                e->align = is_header ? FK_ALIGN_CENTER : aligns[ci];
                e->y = proto.y + nrows * rh + (rh - proto.size / FK_MM_TO_PT) / 2;
                if (!fk__string(ld, cell, "cell", &e->text))
                    return;
                if (ci == 0)
                    first = e->text;
                bool has_fields;
                if (!is_header && first != NULL && ci > 0 && strstr(e->text, "{{")) {
                    char label[160];
                    if (heads[ci] != NULL)
                        snprintf(label, sizeof label, "%s/%s", first, heads[ci]);
                    else
                        snprintf(label, sizeof label, "%s", first);
                    if ((e->label = fk_strdup(label)) == NULL)
                        ld->status = FK_ENOMEM;
                }
                fk__check_refs(ld, e->text, cl, cc, &has_fields, &e->label);
                e->is_static = !has_fields;
                cx += widths[ci];
            }
            nrows++;
        }
    }
    /* The grid: one line per row border and per column border. */
    for (int r = 0; r <= nrows; r++) {
        fk__elem *l = fk__new_elem(ld, FK_EL_LINE, line, col);
        if (l == NULL)
            return;
        l->x = proto.x;
        l->x2 = proto.x + total_w;
        l->y = l->y2 = proto.y + r * rh;
        l->line_width = r == 0 || r == nrows ? proto.line_width * 1.5 : proto.line_width;
    }
    double cx = proto.x;
    for (int c = 0; c <= ncols; c++) {
        fk__elem *l = fk__new_elem(ld, FK_EL_LINE, line, col);
        if (l == NULL)
            return;
        l->x = l->x2 = cx;
        l->y = proto.y;
        l->y2 = proto.y + nrows * rh;
        l->line_width = proto.line_width;
        if (c < ncols)
            cx += widths[c];
    }
    fk__check_on_page(ld, &proto, proto.x, proto.y, proto.x + total_w, proto.y + nrows * rh);
}

static void fk__read_element(fk__loader *ld, struct fy_node *n)
{
    int line, col;
    fk__pos(n, &line, &col);
    if (fy_node_get_type(n) != FYNT_MAPPING) {
        fk__find(ld, line, col, _("an element must be a mapping"));
        return;
    }
    const char *type = fk__scalar(fy_node_mapping_lookup_by_string(n, "type", FY_NT));
    int kind = -1;
    for (size_t i = 0; type != NULL && i < sizeof fk__kinds / sizeof fk__kinds[0]; i++)
        if (strcmp(type, fk__kinds[i].name) == 0)
            kind = (int)fk__kinds[i].kind;
    if (kind < 0) {
        fk__find(ld, line, col,
                 _("element needs 'type': text, paragraph, line, box, image, table, datamatrix or "
                   "barcode"));
        return;
    }
    fk__elem *e = fk__new_elem(ld, (fk__el_kind)kind, line, col);
    if (e == NULL)
        return;
    size_t idx = (size_t)(e - ld->t->els);
    fk__table tab = {0};
    void *it = NULL;
    for (struct fy_node_pair *p; (p = fy_node_mapping_iterate(n, &it)) != NULL;) {
        e = &ld->t->els[idx];
        const char *key = fk__scalar(fy_node_pair_key(p));
        int kl, kc;
        fk__pos(fy_node_pair_key(p), &kl, &kc);
        size_t k = 0, nk = sizeof fk__keys / sizeof fk__keys[0];
        while (key != NULL && k < nk && strcmp(fk__keys[k].key, key) != 0)
            k++;
        if (key == NULL || k == nk) {
            fk__find(ld, kl, kc, _("unknown key '%s'"), key != NULL ? key : "?");
            continue;
        }
        if (!(fk__keys[k].kinds & (1u << kind))) {
            fk__find(ld, kl, kc, _("key '%s' does not apply to a %s element"), key, type);
            continue;
        }
        fk__read_key(ld, e, key, fy_node_pair_value(p), &tab);
    }
    e = &ld->t->els[idx];
    e->x += ld->ox;
    e->y += ld->oy;
    if (e->kind == FK_EL_LINE) {
        e->x2 += ld->ox;
        e->y2 += ld->oy;
    }
    if (e->min_size <= 0 || e->min_size > e->size)
        e->min_size = e->size;
    switch (e->kind) {
    case FK_EL_TEXT:
    case FK_EL_PARAGRAPH: {
        if (e->text == NULL) {
            fk__find(ld, line, col, _("%s element needs 'text'"), type);
            return;
        }
        bool has;
        fk__check_refs(ld, e->text, line, col, &has, &e->label);
        e->is_static = !has;
        if (e->w <= 0) {
            if (e->kind == FK_EL_PARAGRAPH || e->align != FK_ALIGN_LEFT) {
                fk__find(ld, line, col, _("%s element needs 'width'"), type);
                return;
            }
            e->w = ld->t->page_w - e->x;
        }
        double h = e->kind == FK_EL_PARAGRAPH && e->h > 0 ? e->h : e->size / FK_MM_TO_PT;
        fk__check_on_page(ld, e, e->x, e->y, e->x + e->w, e->y + h);
        break;
    }
    case FK_EL_LINE:
        fk__check_on_page(ld, e, e->x < e->x2 ? e->x : e->x2, e->y < e->y2 ? e->y : e->y2,
                          e->x < e->x2 ? e->x2 : e->x, e->y < e->y2 ? e->y2 : e->y);
        break;
    case FK_EL_BOX:
    case FK_EL_IMAGE:
        if (e->w <= 0 || e->h <= 0) {
            fk__find(ld, line, col, _("%s element needs 'width' and 'height'"), type);
            return;
        }
        if (e->kind == FK_EL_IMAGE && e->file == NULL) {
            fk__find(ld, line, col, _("image element needs 'file'"));
            return;
        }
        fk__check_on_page(ld, e, e->x, e->y, e->x + e->w, e->y + e->h);
        break;
    case FK_EL_DATAMATRIX:
    case FK_EL_BARCODE:
        if (e->field == NULL &&
            (e->field = fk_strdup(e->kind == FK_EL_DATAMATRIX ? "dm_payload"
                                                              : "customer_barcode")) == NULL) {
            ld->status = FK_ENOMEM;
            return;
        }
        e->is_static = false;
        /* A 22×22 symbol (the largest a short payload needs) or the 67-bar code. */
        fk__check_on_page(ld, e, e->x, e->y,
                          e->x +
                              (e->kind == FK_EL_DATAMATRIX ? 22 * e->module : 0.6 * e->pt * 13.3),
                          e->y + (e->kind == FK_EL_DATAMATRIX ? 22 * e->module : 0.36 * e->pt));
        break;
    case FK_EL_TABLE:
        fk__expand_table(ld, idx, &tab);
        break;
    }
}

static void fk__read_elements(fk__loader *ld, struct fy_node *list)
{
    int line, col;
    fk__pos(list, &line, &col);
    if (fy_node_get_type(list) != FYNT_SEQUENCE) {
        fk__find(ld, line, col, _("'elements' must be a list"));
        return;
    }
    void *it = NULL;
    for (struct fy_node *n; !ld->stop && (n = fy_node_sequence_iterate(list, &it)) != NULL;)
        fk__read_element(ld, n);
}

static void fk__read_file(fk__loader *ld, const char *path, int depth);

static void fk__read_root(fk__loader *ld, struct fy_node *root, int depth)
{
    int line, col;
    fk__pos(root, &line, &col);
    if (root == NULL || fy_node_get_type(root) != FYNT_MAPPING) {
        fk__find(ld, line, col, _("a template must be a mapping"));
        return;
    }
    struct fy_node *elements = NULL, *include = NULL;
    void *it = NULL;
    for (struct fy_node_pair *p; (p = fy_node_mapping_iterate(root, &it)) != NULL;) {
        const char *key = fk__scalar(fy_node_pair_key(p));
        struct fy_node *v = fy_node_pair_value(p);
        int kl, kc;
        fk__pos(fy_node_pair_key(p), &kl, &kc);
        if (key == NULL) {
            fk__find(ld, kl, kc, _("keys must be strings"));
        } else if (strcmp(key, "name") == 0 || strcmp(key, "description") == 0) {
            if (fk__scalar(v) == NULL)
                fk__find(ld, kl, kc, _("'%s' must be a string"), key);
        } else if (strcmp(key, "page") == 0 && depth == 0) {
            struct fy_node *w = fy_node_mapping_lookup_by_string(v, "width", FY_NT);
            struct fy_node *h = fy_node_mapping_lookup_by_string(v, "height", FY_NT);
            if (fy_node_get_type(v) != FYNT_MAPPING || w == NULL || h == NULL ||
                fy_node_mapping_item_count(v) != 2)
                fk__find(ld, kl, kc, _("'page' must be {width: MM, height: MM}"));
            else if (fk__number(ld, w, "width", 50, 1000, &ld->t->page_w))
                (void)fk__number(ld, h, "height", 50, 1000, &ld->t->page_h);
        } else if (strcmp(key, "window") == 0) {
            struct fy_node *x = fy_node_mapping_lookup_by_string(v, "x", FY_NT);
            struct fy_node *y = fy_node_mapping_lookup_by_string(v, "y", FY_NT);
            if (fy_node_get_type(v) != FYNT_MAPPING || x == NULL || y == NULL)
                fk__find(ld, kl, kc, _("'window' must be {x: MM, y: MM, ...}"));
            else if (fk__number(ld, x, "x", 0, 1000, &ld->ox) &&
                     fk__number(ld, y, "y", 0, 1000, &ld->oy) && depth > 0 && ld->window) {
                ld->ox = ld->window[0];
                ld->oy = ld->window[1];
            }
        } else if (strcmp(key, "include") == 0 && depth == 0) {
            include = v;
        } else if (strcmp(key, "elements") == 0) {
            elements = v;
        } else {
            fk__find(ld, kl, kc, _("unknown key '%s'"), key);
        }
    }
    if (depth == 0 && fy_node_mapping_lookup_by_string(root, "window", FY_NT) != NULL) {
        /* A fragment such as the address block, checked on its own: placed on A4. */
        ld->t->page_w = 210;
        ld->t->page_h = 297;
    }
    if (depth == 0 && (ld->t->page_w <= 0 || ld->t->page_h <= 0)) {
        fk__find(ld, line, col, _("template needs 'page'"));
        return;
    }
    if (elements != NULL)
        fk__read_elements(ld, elements);
    if (include != NULL && !ld->stop) {
        const char *name = fk__scalar(include);
        char path[4096];
        int il, ic;
        fk__pos(include, &il, &ic);
        if (name == NULL || !fk_fs_join(path, sizeof path, ld->dir, name))
            fk__find(ld, il, ic, _("'include' must name a file next to the template"));
        else if (!fk_fs_exists(path))
            fk__find(ld, il, ic, _("included file '%s' not found"), name);
        else
            fk__read_file(ld, path, depth + 1);
    }
}

static void fk__read_file(fk__loader *ld, const char *path, int depth)
{
    fk__loader sub = *ld;
    sub.file = path;
    sub.ox = sub.oy = 0;
    const char *slash = strrchr(path, '/');
    if (slash == NULL)
        snprintf(sub.dir, sizeof sub.dir, ".");
    else
        snprintf(sub.dir, sizeof sub.dir, "%.*s", (int)(slash - path), path);
    char *data = NULL;
    size_t len = 0;
    fk_err perr;
    fk_err_clear(&perr);
    struct fy_document *doc = NULL;
    fk_status s = fk_fs_read_file(path, FK__MAX_TEMPLATE_FILE, &data, &len, &perr);
    if (s == FK_OK)
        s = fk_yaml_parse(path, data, len, /*resolve*/ false, &doc, &perr);
    if (s == FK_ENOENT || (s != FK_OK && !fk_fs_exists(path))) {
        sub.status = FK_ENOENT;
        sub.stop = true;
    } else if (s == FK_EFORMAT) {
        sub.findings++; /* the message names the file, line and column already */
        if (!sub.fn(sub.user, fk_err_message(&perr)))
            sub.stop = true;
    } else if (s != FK_OK) {
        sub.status = s;
        sub.stop = true;
    } else if (doc == NULL) {
        fk__find(&sub, 1, 1, _("empty or not a YAML document"));
    } else {
        if (depth > FK__MAX_INCLUDE)
            fk__find(&sub, 1, 1, _("an included file cannot include another"));
        else
            fk__read_root(&sub, fy_document_root(doc), depth);
        fy_document_destroy(doc);
    }
    fk_free(data);
    ld->findings = sub.findings;
    ld->stop = sub.stop;
    ld->status = sub.status;
}

void fk_template_free(fk_template *t)
{
    if (t == NULL)
        return;
    for (size_t i = 0; i < t->nels; i++) {
        fk_free(t->els[i].text);
        fk_free(t->els[i].label);
        fk_free(t->els[i].field);
        fk_free(t->els[i].file);
    }
    fk_free(t->els);
    fk_free(t->path);
    fk__fontset_free(t->fonts);
    fk_free(t);
}

static fk_status fk__load(const char *path, const double *window, fk_template_finding_fn fn,
                          void *user, fk_template **out, fk_err *err)
{
    fk_template *t = fk_calloc(1, sizeof *t);
    if (t == NULL || (t->path = fk_strdup(path)) == NULL) {
        fk_free(t);
        return fk_failf(err, FK_ENOMEM, _("out of memory"));
    }
    fk__loader ld = {.t = t, .window = window, .fn = fn, .user = user, .status = FK_OK};
    fk__read_file(&ld, path, 0);
    fk_status s = ld.status;
    if (s == FK_ENOENT)
        fk_failf(err, s, _("%s: no such template"), path);
    else if (s != FK_OK)
        fk_failf(err, s, "%s: %s", path, fk_strerror(s));
    else if (ld.findings > 0)
        s = FK_EFINDING;
    if (s != FK_OK || out == NULL) {
        fk_template_free(t);
        return s;
    }
    *out = t;
    return FK_OK;
}

static bool fk__first_finding(void *user, const char *message)
{
    fk_err *err = user;
    fk_failf(err, FK_EFORMAT, "%s", message);
    return false;
}

fk_status fk_template_load(const char *path, fk_template **out, fk_err *err)
{
    return fk_template_load_at(path, NULL, out, err);
}

fk_status fk_template_load_at(const char *path, const double window[2], fk_template **out,
                              fk_err *err)
{
    fk_err first = {FK_OK, ""};
    fk_template *t = NULL;
    fk_status s = fk__load(path, window, fk__first_finding, &first, &t, err);
    if (s == FK_EFINDING)
        return fk_failf(err, FK_EFORMAT, "%s", first.msg);
    if (s != FK_OK)
        return s;
    s = fk__fontset_new(&t->fonts, err);
    if (s != FK_OK) {
        fk_template_free(t);
        return s;
    }
    *out = t;
    return FK_OK;
}

fk_status fk_template_check(const char *path, fk_template_finding_fn fn, void *user, fk_err *err)
{
    return fk__load(path, NULL, fn, user, NULL, err);
}

/* True when every {{key}} of text is set in f. */
static bool fk__all_keys_set(const char *text, const fk_fields *f)
{
    bool any = false;
    for (const char *p = strstr(text, "{{"); p != NULL; p = strstr(p, "{{")) {
        const char *e = strstr(p + 2, "}}");
        char key[64];
        size_t n = e ? (size_t)(e - p - 2) : 0;
        if (e == NULL || n == 0 || n >= sizeof key)
            return false;
        memcpy(key, p + 2, n);
        key[n] = '\0';
        if (fk_fields_get(f, key) == NULL)
            return false;
        any = true;
        p = e + 2;
    }
    return any;
}

fk_status fk_template_bind(fk_template *t, const fk_fields *constants, fk_err *err)
{
    fk_buf b;
    fk_buf_init(&b, 1 << 16);
    fk_status s = FK_OK;
    for (size_t i = 0; s == FK_OK && i < t->nels; i++) {
        fk__elem *e = &t->els[i];
        if (e->is_static || (e->kind != FK_EL_TEXT && e->kind != FK_EL_PARAGRAPH) ||
            e->text == NULL || !fk__all_keys_set(e->text, constants))
            continue;
        char *text = NULL;
        s = fk__expand(e->text, constants, &b);
        if (s == FK_OK && (text = fk_strdup(fk_buf_cstr(&b))) == NULL)
            s = FK_ENOMEM;
        if (s != FK_OK)
            break;
        fk_free(e->text);
        e->text = text;
        e->is_static = true;
    }
    fk_buf_free(&b);
    return s == FK_OK ? FK_OK
                      : fk_failf(err, s, _("binding the order's fields: %s"), fk_strerror(s));
}
