/*
 * Loads the health rules from YAML (libfyaml) into struct fk_rules. The same code reads the
 * base file and an override: an override is applied onto the loaded rules, so a key it leaves
 * out keeps its value, and the base file is simply applied with every required key demanded.
 * Errors name file:line:col, the key path and the reason; rules files hold no personal data,
 * so an unknown key or item may be quoted.
 */
#include "health/rules-private.h"

#include "fk-config.h"
#include "util/datapath.h"
#include "util/fsutil.h"
#include "util/mem.h"
#include "core/yaml.h"
#include "util/utf8.h"
#include "util/i18n.h"

#include <libfyaml.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define FK__RULES_MAX_FILE (1u << 20)
#define FK__SCALAR_MAX     1024
#define FK__PATH_MAX       160

typedef struct fk__loader {
    fk_rules *r;
    const char *file;
    fk_err *err;
    bool full; /* the base file: every required key must be present */
} fk__loader;

static const char *const fk__field_names[FK__F_COUNT] = {
    "height", "weight", "bmi",        "waist", "sbp",           "dbp",          "tg",
    "hdl",    "ldl",    "non_hdl",    "ast",   "alt",           "ggt",          "glucose",
    "hba1c",  "hb",     "creatinine", "egfr",  "urine_glucose", "urine_protein"};

static const char *const fk__risk_names[FK_RISK_COUNT] = {"bp", "lipid", "glucose", "smoking"};

/* Found once: composing threads ask for it at the same time. */
static char fk__default_path[4096];
static pthread_once_t fk__default_once = PTHREAD_ONCE_INIT;

static void fk__find_default_path(void)
{
    if (!fk_data_path("rules/health-4.yaml", fk__default_path, sizeof fk__default_path))
        fk__default_path[0] = '\0';
}

const char *fk_rules_default_path(void)
{
    pthread_once(&fk__default_once, fk__find_default_path);
    if (fk__default_path[0] == '\0')
        return FK_DATADIR "/rules/health-4.yaml"; /* named in the "not found" error */
    return fk__default_path;
}

const char *fk_rules_version(const fk_rules *rules)
{
    return rules->version;
}

const char *fk_rules_name(const fk_rules *rules)
{
    return rules->name;
}

static void fk__band_clear(fk__band *b)
{
    fk_free(b->key);
    fk_free(b->text);
    b->key = b->text = NULL;
}

void fk_rules_free(fk_rules *rules)
{
    if (rules == NULL)
        return;
    fk_free(rules->version);
    fk_free(rules->name);
    fk_free(rules->mark_high);
    fk_free(rules->mark_low);
    fk_free(rules->mark_doctor);
    for (size_t i = 0; i < rules->n_items; i++) {
        fk_free(rules->items[i].key);
        fk_free(rules->items[i].label);
        fk_free(rules->items[i].unit);
    }
    for (size_t i = 0; i < rules->n_bands; i++)
        fk__band_clear(&rules->bands[i]);
    fk_free(rules);
}

/* ---- positions and messages ---- */

static bool fk__first_mark(struct fy_node *n, struct fy_mark *m)
{
    void *it = NULL;
    switch (fy_node_get_type(n)) {
    case FYNT_SCALAR: {
        struct fy_token *t = fy_node_get_scalar_token(n);
        const struct fy_mark *mk = t != NULL ? fy_token_start_mark(t) : NULL;
        if (mk == NULL)
            return false;
        *m = *mk;
        return true;
    }
    case FYNT_SEQUENCE: {
        struct fy_node *first = fy_node_sequence_iterate(n, &it);
        return first != NULL && fk__first_mark(first, m);
    }
    case FYNT_MAPPING: {
        struct fy_node_pair *p = fy_node_mapping_iterate(n, &it);
        return p != NULL && fy_node_pair_key(p) != NULL && fk__first_mark(fy_node_pair_key(p), m);
    }
    }
    return false;
}

/* Where a node starts: its own first scalar, else the key it is the value of. */
static void fk__where(struct fy_node *n, int *line, int *col)
{
    struct fy_mark m;
    *line = *col = 1;
    while (n != NULL) {
        if (fk__first_mark(n, &m)) {
            *line = m.line + 1;
            *col = m.column + 1;
            return;
        }
        struct fy_node *parent = fy_node_get_parent(n);
        if (parent != NULL && fy_node_get_type(parent) == FYNT_MAPPING) {
            void *it = NULL;
            struct fy_node_pair *p;
            while ((p = fy_node_mapping_iterate(parent, &it)) != NULL) {
                if (fy_node_pair_value(p) == n && fy_node_pair_key(p) != NULL &&
                    fk__first_mark(fy_node_pair_key(p), &m)) {
                    *line = m.line + 1;
                    *col = m.column + 1;
                    return;
                }
            }
        }
        n = parent;
    }
}

static fk_status fk__bad(fk__loader *ld, fk_status s, struct fy_node *at, const char *path,
                         const char *fmt, ...) FK_PRINTF(5, 6);

static fk_status fk__bad(fk__loader *ld, fk_status s, struct fy_node *at, const char *path,
                         const char *fmt, ...)
{
    char reason[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason, sizeof reason, fmt, ap);
    va_end(ap);
    int line, col;
    fk__where(at, &line, &col);
    if (path[0] == '\0')
        return fk_failf(ld->err, s, "%s:%d:%d: %s", ld->file, line, col, reason);
    return fk_failf(ld->err, s, "%s:%d:%d: %s: %s", ld->file, line, col, path, reason);
}

/* Appends key to a key path for messages; a path too long is cut, which only shortens them. */
static void fk__subpath(char *out, const char *path, const char *key)
{
    int n = path[0] == '\0' ? snprintf(out, FK__PATH_MAX, "%s", key)
                            : snprintf(out, FK__PATH_MAX, "%s.%s", path, key);
    if (n < 0)
        out[0] = '\0';
}

/* ---- scalars ---- */

/* Copies a scalar's text into buf; false for a non-scalar, an alias or text too long. */
static bool fk__text(struct fy_node *n, char *buf, size_t size)
{
    if (n == NULL || fy_node_get_type(n) != FYNT_SCALAR || fy_node_is_alias(n))
        return false;
    size_t len;
    const char *s = fy_node_get_scalar(n, &len);
    if (s == NULL || len >= size || memchr(s, '\0', len) != NULL)
        return false;
    memcpy(buf, s, len);
    buf[len] = '\0';
    return true;
}

static bool fk__is_null(struct fy_node *n)
{
    char t[8];
    if (n == NULL)
        return true;
    if (fy_node_get_style(n) != FYNS_PLAIN || !fk__text(n, t, sizeof t))
        return false;
    return strcmp(t, "") == 0 || strcmp(t, "~") == 0 || strcmp(t, "null") == 0 ||
           strcmp(t, "Null") == 0 || strcmp(t, "NULL") == 0;
}

/*
 * Parses [+-]digits[.digits] without strtod, whose decimal point follows LC_NUMERIC. At most
 * 15 significant digits, so mantissa / 10^k is exact up to the one final rounding, the same
 * double strtod gives.
 */
static bool fk__decimal(const char *t, double *out)
{
    bool negative = *t == '-';
    if (*t == '-' || *t == '+')
        t++;
    long long mantissa = 0;
    int digits = 0, fraction = 0;
    bool point = false;
    for (; *t != '\0'; t++) {
        if (*t == '.' && !point) {
            point = true;
            continue;
        }
        if (*t < '0' || *t > '9' || digits == 15)
            return false;
        mantissa = mantissa * 10 + (*t - '0');
        digits++;
        fraction += point;
    }
    if (digits == 0)
        return false;
    double scale = 1.0;
    for (int i = 0; i < fraction; i++)
        scale *= 10.0;
    *out = (negative ? -(double)mantissa : (double)mantissa) / scale;
    return true;
}

static fk_status fk__number(fk__loader *ld, struct fy_node *n, const char *path, double *out)
{
    char t[64];
    if (n == NULL || fy_node_get_style(n) != FYNS_PLAIN || !fk__text(n, t, sizeof t) ||
        !fk__decimal(t, out))
        return fk__bad(ld, FK_EFORMAT, n, path, _("expected a number"));
    return FK_OK;
}

static fk_status fk__int(fk__loader *ld, struct fy_node *n, const char *path, int min, int max,
                         int *out)
{
    double v;
    fk_status s = fk__number(ld, n, path, &v);
    if (s != FK_OK)
        return s;
    if (v != floor(v) || v < min || v > max)
        return fk__bad(ld, FK_EFORMAT, n, path, _("expected a whole number from %d to %d"), min,
                       max);
    *out = (int)v;
    return FK_OK;
}

static fk_status fk__bool(fk__loader *ld, struct fy_node *n, const char *path, bool *out)
{
    char t[8];
    if (n != NULL && fy_node_get_style(n) == FYNS_PLAIN && fk__text(n, t, sizeof t)) {
        if (strcmp(t, "true") == 0 || strcmp(t, "false") == 0) {
            *out = t[0] == 't';
            return FK_OK;
        }
    }
    return fk__bad(ld, FK_EFORMAT, n, path, _("expected true or false"));
}

/* Replaces *out with a copy of the scalar's text. */
static fk_status fk__string(fk__loader *ld, struct fy_node *n, const char *path, char **out)
{
    char t[FK__SCALAR_MAX];
    if (!fk__text(n, t, sizeof t))
        return fk__bad(ld, FK_EFORMAT, n, path, _("expected a string of at most %d bytes"),
                       FK__SCALAR_MAX - 1);
    char *copy = fk_strdup(t);
    if (copy == NULL)
        return fk_failf(ld->err, FK_ENOMEM, _("%s: out of memory"), ld->file);
    fk_free(*out);
    *out = copy;
    return FK_OK;
}

/* ---- collections ---- */

static fk_status fk__mapping(fk__loader *ld, struct fy_node *n, const char *path,
                             const char *const *allowed)
{
    if (n == NULL || fy_node_get_type(n) != FYNT_MAPPING)
        return fk__bad(ld, FK_EFORMAT, n, path, _("expected a mapping"));
    void *it = NULL;
    struct fy_node_pair *p;
    while ((p = fy_node_mapping_iterate(n, &it)) != NULL) {
        char key[64];
        if (!fk__text(fy_node_pair_key(p), key, sizeof key))
            return fk__bad(ld, FK_EFORMAT, fy_node_pair_key(p), path, _("expected a short key"));
        if (allowed == NULL)
            continue;
        bool known = false;
        for (const char *const *a = allowed; *a != NULL && !known; a++)
            known = strcmp(*a, key) == 0;
        if (!known)
            return fk__bad(ld, FK_EFORMAT, fy_node_pair_key(p), path, _("unknown key '%s'"), key);
    }
    return FK_OK;
}

/*
 * Looks key up in mapping n: *found says whether it is there, *val is its value (NULL for an
 * empty one). A missing key is an error when required.
 */
static fk_status fk__key(fk__loader *ld, struct fy_node *n, const char *path, const char *key,
                         bool required, bool *found, struct fy_node **val)
{
    struct fy_node_pair *p = fy_node_mapping_lookup_pair_by_string(n, key, (size_t)-1);
    *found = p != NULL;
    *val = p != NULL ? fy_node_pair_value(p) : NULL;
    if (p == NULL && required)
        return fk__bad(ld, FK_EFORMAT, n, path, _("missing key '%s'"), key);
    return FK_OK;
}

static fk_status fk__sequence(fk__loader *ld, struct fy_node *n, const char *path)
{
    if (n == NULL || fy_node_get_type(n) != FYNT_SEQUENCE)
        return fk__bad(ld, FK_EFORMAT, n, path, _("expected a list"));
    return FK_OK;
}

/* Reads a list of names from `names` into a bit set. */
static fk_status fk__name_set(fk__loader *ld, struct fy_node *n, const char *path,
                              const char *const *names, size_t count, unsigned shift, unsigned *out)
{
    fk_status s = fk__sequence(ld, n, path);
    if (s != FK_OK)
        return s;
    unsigned set = 0;
    void *it = NULL;
    struct fy_node *e;
    while ((e = fy_node_sequence_iterate(n, &it)) != NULL) {
        char t[64] = "";
        size_t i = count;
        if (fk__text(e, t, sizeof t))
            for (i = 0; i < count && strcmp(names[i], t) != 0; i++)
                ;
        if (i == count)
            return fk__bad(ld, FK_EFORMAT, e, path, _("unknown name '%s'"), t);
        set |= 1u << (i + shift);
    }
    if (set == 0)
        return fk__bad(ld, FK_EFORMAT, n, path, _("empty list"));
    *out = set;
    return FK_OK;
}

static const char *const fk__fasting_names[] = {"fasting", "casual", "after_meal"};

static fk_status fk__fasting(fk__loader *ld, struct fy_node *n, const char *path, unsigned *out)
{
    /* fk_fasting starts at 1, so the names map to bits 1 << FK_FAST_*. */
    return fk__name_set(ld, n, path, fk__fasting_names, 3, FK_FAST_FASTING, out);
}

static size_t fk__find_item(const fk_rules *r, const char *key)
{
    for (size_t i = 0; i < r->n_items; i++)
        if (strcmp(r->items[i].key, key) == 0)
            return i;
    return FK__NO_ITEM;
}

static fk_status fk__item_ref(fk__loader *ld, struct fy_node *n, const char *path, size_t *out)
{
    char t[64];
    if (!fk__text(n, t, sizeof t))
        return fk__bad(ld, FK_EFORMAT, n, path, _("expected an item key"));
    size_t i = fk__find_item(ld->r, t);
    if (i == FK__NO_ITEM)
        return fk__bad(ld, FK_EFORMAT, n, path, _("unknown item '%s'"), t);
    *out = i;
    return FK_OK;
}

/* ---- items ---- */

static bool fk__is_grade(fk__field f)
{
    return f == FK__F_URINE_GLUCOSE || f == FK__F_URINE_PROTEIN;
}

static fk_status fk__threshold_value(fk__loader *ld, const fk__item *item, struct fy_node *n,
                                     const char *path, double *out)
{
    if (!fk__is_grade(item->field))
        return fk__number(ld, n, path, out);
    char t[16];
    if (fk__text(n, t, sizeof t)) {
        for (int g = FK_URINE_NEG; g <= FK_URINE_4P; g++) {
            if (strcmp(t, fk_urine_label((fk_urine)g)) == 0) {
                *out = g;
                return FK_OK;
            }
        }
    }
    return fk__bad(ld, FK_EFORMAT, n, path, _("expected a urine grade (−, ±, +, 2+, 3+, 4+)"));
}

/* A threshold: null, one value, or {male: v, female: v}. */
static fk_status fk__threshold(fk__loader *ld, const fk__item *item, struct fy_node *n,
                               const char *path, double out[2])
{
    if (fk__is_null(n)) {
        out[0] = out[1] = NAN;
        return FK_OK;
    }
    if (fy_node_get_type(n) != FYNT_MAPPING) {
        fk_status s = fk__threshold_value(ld, item, n, path, &out[0]);
        out[1] = out[0];
        return s;
    }
    static const char *const keys[] = {"male", "female", NULL};
    fk_status s = fk__mapping(ld, n, path, keys);
    for (int sex = 0; sex < 2 && s == FK_OK; sex++) {
        char sub[FK__PATH_MAX];
        bool found;
        struct fy_node *v;
        fk__subpath(sub, path, keys[sex]);
        s = fk__key(ld, n, path, keys[sex], true, &found, &v);
        if (s == FK_OK)
            s = fk__threshold_value(ld, item, v, sub, &out[sex]);
    }
    return s;
}

static bool fk__valid_key(const char *k)
{
    if (k[0] == '\0')
        return false;
    for (const char *c = k; *c != '\0'; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '_'))
            return false;
    return true;
}

static fk_status fk__apply_item(fk__loader *ld, fk__item *item, bool is_new, struct fy_node *n,
                                const char *path)
{
    static const char *const keys[] = {"label",    "field",  "unit",    "decimals", "direction",
                                       "guidance", "doctor", "fasting", NULL};
    static const char *const dirs[] = {"ge", "gt", "le", "lt"};
    fk_status s = fk__mapping(ld, n, path, keys);
    bool found, was_grade = fk__is_grade(item->field);
    struct fy_node *v;
    char sub[FK__PATH_MAX], t[32];

    if (s == FK_OK)
        s = fk__key(ld, n, path, "label", is_new, &found, &v);
    if (s == FK_OK && found) {
        fk__subpath(sub, path, "label");
        s = fk__string(ld, v, sub, &item->label);
    }
    if (s == FK_OK)
        s = fk__key(ld, n, path, "field", is_new, &found, &v);
    if (s == FK_OK && found) {
        fk__subpath(sub, path, "field");
        int f = FK__F_COUNT;
        if (fk__text(v, t, sizeof t))
            for (f = 0; f < FK__F_COUNT && strcmp(fk__field_names[f], t) != 0; f++)
                ;
        if (f == FK__F_COUNT)
            return fk__bad(ld, FK_EFORMAT, v, sub, _("unknown record field"));
        item->field = (fk__field)f;
    }
    if (s == FK_OK)
        s = fk__key(ld, n, path, "unit", false, &found, &v);
    if (s == FK_OK && found) {
        fk__subpath(sub, path, "unit");
        s = fk__string(ld, v, sub, &item->unit);
    }
    if (s == FK_OK)
        s = fk__key(ld, n, path, "decimals", false, &found, &v);
    if (s == FK_OK && found) {
        fk__subpath(sub, path, "decimals");
        s = fk__int(ld, v, sub, 0, 3, &item->decimals);
    }
    if (s == FK_OK)
        s = fk__key(ld, n, path, "direction", is_new, &found, &v);
    if (s == FK_OK && found) {
        fk__subpath(sub, path, "direction");
        int d = 4;
        if (fk__text(v, t, sizeof t))
            for (d = 0; d < 4 && strcmp(dirs[d], t) != 0; d++)
                ;
        if (d == 4)
            return fk__bad(ld, FK_EFORMAT, v, sub, _("expected ge, gt, le or lt"));
        item->direction = (fk__direction)d;
    }
    if (s == FK_OK)
        s = fk__key(ld, n, path, "guidance", is_new, &found, &v);
    if (s == FK_OK && found) {
        fk__subpath(sub, path, "guidance");
        s = fk__threshold(ld, item, v, sub, item->guidance);
    }
    if (s == FK_OK)
        s = fk__key(ld, n, path, "doctor", false, &found, &v);
    if (s == FK_OK && found) {
        fk__subpath(sub, path, "doctor");
        s = fk__threshold(ld, item, v, sub, item->doctor);
    }
    if (s == FK_OK)
        s = fk__key(ld, n, path, "fasting", false, &found, &v);
    if (s == FK_OK && found) {
        fk__subpath(sub, path, "fasting");
        s = fk__fasting(ld, v, sub, &item->fasting);
    }
    if (s == FK_OK && !is_new && fk__is_grade(item->field) != was_grade) {
        bool has_guidance, has_doctor;
        s = fk__key(ld, n, path, "guidance", false, &has_guidance, &v);
        if (s == FK_OK)
            s = fk__key(ld, n, path, "doctor", false, &has_doctor, &v);
        if (s == FK_OK && (!has_guidance || !has_doctor))
            return fk__bad(ld, FK_EFORMAT, n, path,
                           _("a field of another kind (urine grade or number) needs new guidance "
                             "and doctor values"));
    }
    return s;
}

static fk_status fk__apply_items(fk__loader *ld, struct fy_node *n)
{
    fk_status s = fk__mapping(ld, n, "items", NULL);
    void *it = NULL;
    struct fy_node_pair *p;
    while (s == FK_OK && (p = fy_node_mapping_iterate(n, &it)) != NULL) {
        char key[64], path[FK__PATH_MAX];
        if (!fk__text(fy_node_pair_key(p), key, sizeof key) || !fk__valid_key(key))
            return fk__bad(ld, FK_EFORMAT, fy_node_pair_key(p), "items",
                           _("an item key is lower-case letters, digits and _"));
        fk__subpath(path, "items", key);
        size_t i = fk__find_item(ld->r, key);
        bool is_new = i == FK__NO_ITEM;
        if (is_new) {
            if (ld->r->n_items == FK_HEALTH_MAX_ITEMS)
                return fk__bad(ld, FK_ETOOBIG, fy_node_pair_key(p), path, _("more than %d items"),
                               FK_HEALTH_MAX_ITEMS);
            i = ld->r->n_items++;
            fk__item *item = &ld->r->items[i];
            memset(item, 0, sizeof *item);
            item->guidance[0] = item->guidance[1] = item->doctor[0] = item->doctor[1] = NAN;
            item->fasting = FK__FASTING_ALL;
            item->key = fk_strdup(key);
            item->unit = fk_strdup("");
            if (item->key == NULL || item->unit == NULL)
                return fk_failf(ld->err, FK_ENOMEM, _("%s: out of memory"), ld->file);
        }
        s = fk__apply_item(ld, &ld->r->items[i], is_new, fy_node_pair_value(p), path);
    }
    if (s == FK_OK && ld->r->n_items == 0)
        return fk__bad(ld, FK_EFORMAT, n, "items", _("no items"));
    return s;
}

/* ---- the other sections ---- */

static fk_status fk__apply_marks(fk__loader *ld, struct fy_node *n)
{
    static const char *const keys[] = {"high", "low", "doctor", NULL};
    char **dst[] = {&ld->r->mark_high, &ld->r->mark_low, &ld->r->mark_doctor};
    fk_status s = fk__mapping(ld, n, "marks", keys);
    for (int k = 0; k < 3 && s == FK_OK; k++) {
        bool found;
        struct fy_node *v;
        char sub[FK__PATH_MAX];
        s = fk__key(ld, n, "marks", keys[k], ld->full, &found, &v);
        fk__subpath(sub, "marks", keys[k]);
        if (s == FK_OK && found)
            s = fk__string(ld, v, sub, dst[k]);
    }
    return s;
}

static fk_status fk__apply_replace(fk__loader *ld, struct fy_node *n)
{
    static const char *const keys[] = {"item", "by", "tg_at_least", "fasting", NULL};
    const char *path = "non_hdl_replaces_ldl";
    fk_rules *r = ld->r;
    if (fk__is_null(n)) {
        r->replace_item = r->replace_by = FK__NO_ITEM;
        return FK_OK;
    }
    fk_status s = fk__mapping(ld, n, path, keys);
    bool is_new = r->replace_item == FK__NO_ITEM, found;
    struct fy_node *v;
    char sub[FK__PATH_MAX];
    if (is_new) {
        r->replace_tg = NAN;
        r->replace_fasting = 0;
    }
    if (s == FK_OK)
        s = fk__key(ld, n, path, "item", is_new, &found, &v);
    fk__subpath(sub, path, "item");
    if (s == FK_OK && found)
        s = fk__item_ref(ld, v, sub, &r->replace_item);
    if (s == FK_OK)
        s = fk__key(ld, n, path, "by", is_new, &found, &v);
    fk__subpath(sub, path, "by");
    if (s == FK_OK && found)
        s = fk__item_ref(ld, v, sub, &r->replace_by);
    if (s == FK_OK)
        s = fk__key(ld, n, path, "tg_at_least", false, &found, &v);
    fk__subpath(sub, path, "tg_at_least");
    if (s == FK_OK && found) {
        if (fk__is_null(v))
            r->replace_tg = NAN;
        else
            s = fk__number(ld, v, sub, &r->replace_tg);
    }
    if (s == FK_OK)
        s = fk__key(ld, n, path, "fasting", false, &found, &v);
    fk__subpath(sub, path, "fasting");
    if (s == FK_OK && found) {
        if (fk__is_null(v))
            r->replace_fasting = 0;
        else
            s = fk__fasting(ld, v, sub, &r->replace_fasting);
    }
    if (s == FK_OK && r->replace_item == r->replace_by)
        return fk__bad(ld, FK_EFORMAT, n, path, _("an item cannot replace itself"));
    return s;
}

static fk_status fk__apply_conds(fk__loader *ld, struct fy_node *n, const char *path,
                                 fk_health_risk risk)
{
    static const char *const keys[] = {"item", "fasting", "unless_measured", NULL};
    fk_status s = fk__sequence(ld, n, path);
    fk__cond conds[FK__MAX_CONDS];
    size_t count = 0;
    void *it = NULL;
    struct fy_node *e;
    while (s == FK_OK && (e = fy_node_sequence_iterate(n, &it)) != NULL) {
        if (count == FK__MAX_CONDS)
            return fk__bad(ld, FK_ETOOBIG, e, path, _("more than %d conditions"), FK__MAX_CONDS);
        fk__cond *c = &conds[count++];
        c->fasting = FK__FASTING_ALL;
        c->unless_measured = FK__NO_ITEM;
        bool found;
        struct fy_node *v;
        char sub[FK__PATH_MAX];
        s = fk__mapping(ld, e, path, keys);
        if (s == FK_OK)
            s = fk__key(ld, e, path, "item", true, &found, &v);
        fk__subpath(sub, path, "item");
        if (s == FK_OK)
            s = fk__item_ref(ld, v, sub, &c->item);
        if (s == FK_OK)
            s = fk__key(ld, e, path, "fasting", false, &found, &v);
        fk__subpath(sub, path, "fasting");
        if (s == FK_OK && found)
            s = fk__fasting(ld, v, sub, &c->fasting);
        if (s == FK_OK)
            s = fk__key(ld, e, path, "unless_measured", false, &found, &v);
        fk__subpath(sub, path, "unless_measured");
        if (s == FK_OK && found)
            s = fk__item_ref(ld, v, sub, &c->unless_measured);
    }
    if (s == FK_OK) {
        memcpy(ld->r->conds[risk], conds, count * sizeof conds[0]);
        ld->r->n_conds[risk] = count;
    }
    return s;
}

static fk_status fk__apply_levels(fk__loader *ld, struct fy_node *n, const char *path)
{
    static const char *const keys[] = {"waist", "bmi", NULL};
    static const char *const level_keys[] = {"sekkyoku", "douki", NULL};
    fk_status s = fk__mapping(ld, n, path, keys);
    for (int k = 0; k < 2 && s == FK_OK; k++) {
        bool found;
        struct fy_node *v, *w;
        char sub[FK__PATH_MAX], sub2[FK__PATH_MAX];
        fk__subpath(sub, path, keys[k]);
        s = fk__key(ld, n, path, keys[k], ld->full, &found, &v);
        if (s != FK_OK || !found)
            continue;
        s = fk__mapping(ld, v, sub, level_keys);
        int *dst[] = {&ld->r->min_sekkyoku[k], &ld->r->min_douki[k]};
        for (int l = 0; l < 2 && s == FK_OK; l++) {
            s = fk__key(ld, v, sub, level_keys[l], ld->full, &found, &w);
            fk__subpath(sub2, sub, level_keys[l]);
            if (s == FK_OK && found)
                s = fk__int(ld, w, sub2, 1, 4, dst[l]);
        }
        if (s == FK_OK && ld->r->min_sekkyoku[k] < ld->r->min_douki[k])
            return fk__bad(ld, FK_EFORMAT, v, sub, _("sekkyoku needs fewer risks than douki"));
    }
    return s;
}

static fk_status fk__apply_age(fk__loader *ld, struct fy_node *n, const char *path)
{
    static const char *const keys[] = {"from", "to", NULL};
    if (fk__is_null(n)) {
        ld->r->age_from = 1;
        ld->r->age_to = 0; /* an empty range: the rule never applies */
        return FK_OK;
    }
    fk_status s = fk__mapping(ld, n, path, keys);
    int *dst[] = {&ld->r->age_from, &ld->r->age_to};
    for (int k = 0; k < 2 && s == FK_OK; k++) {
        bool found;
        struct fy_node *v;
        char sub[FK__PATH_MAX];
        fk__subpath(sub, path, keys[k]);
        s = fk__key(ld, n, path, keys[k], true, &found, &v);
        if (s == FK_OK)
            s = fk__int(ld, v, sub, 0, 150, dst[k]);
    }
    if (s == FK_OK && ld->r->age_from > ld->r->age_to)
        return fk__bad(ld, FK_EFORMAT, n, path, _("from is after to"));
    return s;
}

static fk_status fk__apply_stratification(fk__loader *ld, struct fy_node *n)
{
    static const char *const keys[] = {"step1",      "risks",  "smoking_needs_other_risk",
                                       "medication", "levels", "age_downgrade",
                                       NULL};
    static const char *const step1_keys[] = {"waist", "bmi", NULL};
    const char *path = "stratification";
    fk_rules *r = ld->r;
    fk_status s = fk__mapping(ld, n, path, keys);
    bool found;
    struct fy_node *v, *w;
    char sub[FK__PATH_MAX], sub2[FK__PATH_MAX];

    if (s == FK_OK)
        s = fk__key(ld, n, path, "step1", ld->full, &found, &v);
    if (s == FK_OK && found) {
        fk__subpath(sub, path, "step1");
        s = fk__mapping(ld, v, sub, step1_keys);
        size_t *dst[] = {&r->waist_item, &r->bmi_item};
        for (int k = 0; k < 2 && s == FK_OK; k++) {
            s = fk__key(ld, v, sub, step1_keys[k], ld->full, &found, &w);
            fk__subpath(sub2, sub, step1_keys[k]);
            if (s == FK_OK && found)
                s = fk__item_ref(ld, w, sub2, dst[k]);
        }
    }
    if (s == FK_OK)
        s = fk__key(ld, n, path, "risks", ld->full, &found, &v);
    if (s == FK_OK && found) {
        fk__subpath(sub, path, "risks");
        static const char *const risk_keys[] = {"bp", "lipid", "glucose", NULL};
        s = fk__mapping(ld, v, sub, risk_keys);
        for (int k = 0; k < FK_RISK_SMOKING && s == FK_OK; k++) {
            s = fk__key(ld, v, sub, risk_keys[k], ld->full, &found, &w);
            fk__subpath(sub2, sub, risk_keys[k]);
            if (s == FK_OK && found)
                s = fk__apply_conds(ld, w, sub2, (fk_health_risk)k);
        }
    }
    if (s == FK_OK)
        s = fk__key(ld, n, path, "smoking_needs_other_risk", ld->full, &found, &v);
    if (s == FK_OK && found) {
        fk__subpath(sub, path, "smoking_needs_other_risk");
        s = fk__bool(ld, v, sub, &r->smoking_needs_other);
    }
    if (s == FK_OK)
        s = fk__key(ld, n, path, "medication", ld->full, &found, &v);
    if (s == FK_OK && found) {
        fk__subpath(sub, path, "medication");
        if (fk__is_null(v))
            r->medication = 0;
        else
            s = fk__name_set(ld, v, sub, fk__risk_names, FK_RISK_SMOKING, 0, &r->medication);
    }
    if (s == FK_OK)
        s = fk__key(ld, n, path, "levels", ld->full, &found, &v);
    if (s == FK_OK && found) {
        fk__subpath(sub, path, "levels");
        s = fk__apply_levels(ld, v, sub);
    }
    if (s == FK_OK)
        s = fk__key(ld, n, path, "age_downgrade", ld->full, &found, &v);
    if (s == FK_OK && found) {
        fk__subpath(sub, path, "age_downgrade");
        s = fk__apply_age(ld, v, sub);
    }
    return s;
}

static fk_status fk__apply_bands(fk__loader *ld, struct fy_node *n)
{
    static const char *const keys[] = {"key", "systolic", "diastolic", "text", NULL};
    const char *path = "bp_bands";
    fk__band bands[FK__MAX_BANDS];
    size_t count = 0;
    fk_status s = fk__sequence(ld, n, path);
    void *it = NULL;
    struct fy_node *e;
    while (s == FK_OK && (e = fy_node_sequence_iterate(n, &it)) != NULL) {
        if (count == FK__MAX_BANDS) {
            s = fk__bad(ld, FK_ETOOBIG, e, path, _("more than %d bands"), FK__MAX_BANDS);
            break;
        }
        fk__band *b = &bands[count++];
        memset(b, 0, sizeof *b);
        bool found;
        struct fy_node *v;
        char sub[FK__PATH_MAX];
        s = fk__mapping(ld, e, path, keys);
        if (s == FK_OK)
            s = fk__key(ld, e, path, "key", true, &found, &v);
        fk__subpath(sub, path, "key");
        if (s == FK_OK)
            s = fk__string(ld, v, sub, &b->key);
        if (s == FK_OK)
            s = fk__key(ld, e, path, "systolic", true, &found, &v);
        fk__subpath(sub, path, "systolic");
        if (s == FK_OK)
            s = fk__number(ld, v, sub, &b->systolic);
        if (s == FK_OK)
            s = fk__key(ld, e, path, "diastolic", true, &found, &v);
        fk__subpath(sub, path, "diastolic");
        if (s == FK_OK)
            s = fk__number(ld, v, sub, &b->diastolic);
        if (s == FK_OK)
            s = fk__key(ld, e, path, "text", true, &found, &v);
        fk__subpath(sub, path, "text");
        if (s == FK_OK)
            s = fk__string(ld, v, sub, &b->text);
    }
    if (s != FK_OK) {
        for (size_t i = 0; i < count; i++)
            fk__band_clear(&bands[i]);
        return s;
    }
    for (size_t i = 0; i < ld->r->n_bands; i++)
        fk__band_clear(&ld->r->bands[i]);
    memcpy(ld->r->bands, bands, count * sizeof bands[0]);
    ld->r->n_bands = count;
    return FK_OK;
}

static fk_status fk__apply_criteria(fk__loader *ld, fk__criteria *c, struct fy_node *n,
                                    const char *path)
{
    static const char *const keys[] = {"medication",       "level", "step1", "min_risks", "risks",
                                       "min_doctor_items", NULL};
    const char *level_names[FK_LEVEL_UNKNOWN];
    for (int l = 0; l < FK_LEVEL_UNKNOWN; l++)
        level_names[l] = fk_health_level_label((fk_health_level)l);
    fk_status s = fk__mapping(ld, n, path, keys);
    bool found;
    struct fy_node *v;
    char sub[FK__PATH_MAX], t[16];

    if (s == FK_OK)
        s = fk__key(ld, n, path, "medication", false, &found, &v);
    fk__subpath(sub, path, "medication");
    if (s == FK_OK && found) {
        bool taken;
        if (fk__is_null(v))
            c->medication = -1;
        else if ((s = fk__bool(ld, v, sub, &taken)) == FK_OK)
            c->medication = taken;
    }
    if (s == FK_OK)
        s = fk__key(ld, n, path, "level", false, &found, &v);
    fk__subpath(sub, path, "level");
    if (s == FK_OK && found) {
        if (fk__is_null(v))
            c->levels = 0;
        else
            s = fk__name_set(ld, v, sub, level_names, FK_LEVEL_UNKNOWN, 0, &c->levels);
    }
    if (s == FK_OK)
        s = fk__key(ld, n, path, "step1", false, &found, &v);
    fk__subpath(sub, path, "step1");
    if (s == FK_OK && found) {
        if (fk__is_null(v))
            c->step1 = -1;
        else if (fk__text(v, t, sizeof t) && strcmp(t, "negative") == 0)
            c->step1 = 0;
        else if (fk__text(v, t, sizeof t) && strcmp(t, "positive") == 0)
            c->step1 = 1;
        else
            s = fk__bad(ld, FK_EFORMAT, v, sub, _("expected negative or positive"));
    }
    if (s == FK_OK)
        s = fk__key(ld, n, path, "min_risks", false, &found, &v);
    fk__subpath(sub, path, "min_risks");
    if (s == FK_OK && found) {
        if (fk__is_null(v))
            c->min_risks = 0;
        else
            s = fk__int(ld, v, sub, 0, FK_RISK_COUNT, &c->min_risks);
    }
    if (s == FK_OK)
        s = fk__key(ld, n, path, "risks", false, &found, &v);
    fk__subpath(sub, path, "risks");
    if (s == FK_OK && found) {
        if (fk__is_null(v))
            c->risks = 0;
        else
            s = fk__name_set(ld, v, sub, fk__risk_names, FK_RISK_COUNT, 0, &c->risks);
    }
    if (s == FK_OK)
        s = fk__key(ld, n, path, "min_doctor_items", false, &found, &v);
    fk__subpath(sub, path, "min_doctor_items");
    if (s == FK_OK && found) {
        if (fk__is_null(v))
            c->min_doctor = 0;
        else
            s = fk__int(ld, v, sub, 0, FK_HEALTH_MAX_ITEMS, &c->min_doctor);
    }
    if (s == FK_OK && c->min_risks > 0) {
        int listed = 0;
        for (int k = 0; k < FK_RISK_COUNT; k++)
            listed += (c->risks >> k) & 1u;
        if (listed < c->min_risks)
            return fk__bad(ld, FK_EFORMAT, n, path, _("min_risks is more than the risks listed"));
    }
    return s;
}

static fk_status fk__apply_categories(fk__loader *ld, struct fy_node *n)
{
    fk_status s = fk__mapping(ld, n, "categories", NULL);
    unsigned seen = 0;
    void *it = NULL;
    struct fy_node_pair *p;
    while (s == FK_OK && (p = fy_node_mapping_iterate(n, &it)) != NULL) {
        char key[64], path[FK__PATH_MAX];
        fk_category cat;
        if (!fk__text(fy_node_pair_key(p), key, sizeof key) || !fk_category_parse(key, &cat))
            return fk__bad(
                ld, FK_EFORMAT, fy_node_pair_key(p), "categories",
                _("unknown category (積極的支援, 動機付け支援, 非肥満保健指導, 健康相談, "
                  "受診勧奨通知)"));
        fk__subpath(path, "categories", key);
        seen |= 1u << cat;
        s = fk__apply_criteria(ld, &ld->r->criteria[cat], fy_node_pair_value(p), path);
    }
    for (int c = 0; c < FK_CAT_COUNT && s == FK_OK && ld->full; c++)
        if (!(seen & (1u << c)))
            return fk__bad(ld, FK_EFORMAT, n, "categories", _("missing category '%s'"),
                           fk_category_label((fk_category)c));
    return s;
}

static fk_status fk__apply(fk__loader *ld, struct fy_node *root)
{
    static const char *const keys[] = {
        "version",        "name",     "marks",      "items", "non_hdl_replaces_ldl",
        "stratification", "bp_bands", "categories", NULL};
    fk_status s = fk__mapping(ld, root, "", keys);
    bool found;
    struct fy_node *v;
    if (s == FK_OK)
        s = fk__key(ld, root, "", "version", ld->full, &found, &v);
    if (s == FK_OK && found)
        s = fk__string(ld, v, "version", &ld->r->version);
    if (s == FK_OK)
        s = fk__key(ld, root, "", "name", ld->full, &found, &v);
    if (s == FK_OK && found)
        s = fk__string(ld, v, "name", &ld->r->name);
    if (s == FK_OK)
        s = fk__key(ld, root, "", "marks", ld->full, &found, &v);
    if (s == FK_OK && found)
        s = fk__apply_marks(ld, v);
    /* Items come first: the sections after them refer to items by key. */
    if (s == FK_OK)
        s = fk__key(ld, root, "", "items", ld->full, &found, &v);
    if (s == FK_OK && found)
        s = fk__apply_items(ld, v);
    if (s == FK_OK)
        s = fk__key(ld, root, "", "non_hdl_replaces_ldl", false, &found, &v);
    if (s == FK_OK && found)
        s = fk__apply_replace(ld, v);
    if (s == FK_OK)
        s = fk__key(ld, root, "", "stratification", ld->full, &found, &v);
    if (s == FK_OK && found)
        s = fk__apply_stratification(ld, v);
    if (s == FK_OK)
        s = fk__key(ld, root, "", "bp_bands", ld->full, &found, &v);
    if (s == FK_OK && found)
        s = fk__apply_bands(ld, v);
    if (s == FK_OK)
        s = fk__key(ld, root, "", "categories", ld->full, &found, &v);
    if (s == FK_OK && found)
        s = fk__apply_categories(ld, v);
    return s;
}

/* ---- files ---- */

static fk_status fk__apply_file(fk_rules *r, const char *path, bool full, fk_err *err)
{
    char *data = NULL;
    size_t len = 0;
    fk_status s = fk_fs_read_file(path, FK__RULES_MAX_FILE, &data, &len, err);
    if (s != FK_OK)
        return s;
    struct fy_document *doc = NULL;
    s = fk_yaml_parse(path, data, len, /*resolve*/ true, &doc, err);
    if (s == FK_OK && doc == NULL) {
        s = fk_failf(err, FK_EFORMAT, _("%s:1:1: empty rules document"), path);
    } else if (s == FK_OK) {
        fk__loader ld = {.r = r, .file = path, .err = err, .full = full};
        struct fy_node *root = fy_document_root(doc);
        bool skip = false;
        if (!full && root != NULL && fy_node_get_type(root) == FYNT_MAPPING) {
            /* An order (job.yaml) carries its overrides under `rules:`. */
            struct fy_node_pair *p = fy_node_mapping_lookup_pair_by_string(root, "rules", 5);
            if (p != NULL) {
                root = fy_node_pair_value(p);
                skip = fk__is_null(root);
            }
        }
        if (root == NULL && !skip)
            s = fk_failf(err, FK_EFORMAT, _("%s:1:1: empty rules document"), path);
        else if (!skip)
            s = fk__apply(&ld, root);
        fy_document_destroy(doc);
    }
    fk_free(data);
    return s;
}

fk_status fk_rules_load(const char *path, const char *override_path, fk_rules **out, fk_err *err)
{
    *out = NULL;
    fk_rules *r = fk_calloc(1, sizeof *r);
    if (r == NULL)
        return fk_failf(err, FK_ENOMEM, _("out of memory"));
    r->replace_item = r->replace_by = FK__NO_ITEM;
    r->replace_tg = NAN;
    r->waist_item = r->bmi_item = FK__NO_ITEM;
    for (int c = 0; c < FK_CAT_COUNT; c++)
        r->criteria[c] = (fk__criteria){.medication = -1, .step1 = -1};
    fk_status s = fk__apply_file(r, path, /*full*/ true, err);
    if (s == FK_OK && override_path != NULL)
        s = fk__apply_file(r, override_path, /*full*/ false, err);
    if (s != FK_OK) {
        fk_rules_free(r);
        return s;
    }
    fk__rules_threshold_texts(r);
    *out = r;
    return FK_OK;
}

double fk__rules_field_value(const fk_record *rec, fk__field field)
{
    switch (field) {
    case FK__F_HEIGHT:
        return rec->height;
    case FK__F_WEIGHT:
        return rec->weight;
    case FK__F_BMI:
        return rec->bmi;
    case FK__F_WAIST:
        return rec->waist;
    case FK__F_SBP:
        return rec->sbp;
    case FK__F_DBP:
        return rec->dbp;
    case FK__F_TG:
        return rec->tg;
    case FK__F_HDL:
        return rec->hdl;
    case FK__F_LDL:
        return rec->ldl;
    case FK__F_NON_HDL:
        return rec->non_hdl;
    case FK__F_AST:
        return rec->ast;
    case FK__F_ALT:
        return rec->alt;
    case FK__F_GGT:
        return rec->ggt;
    case FK__F_GLUCOSE:
        return rec->glucose;
    case FK__F_HBA1C:
        return rec->hba1c;
    case FK__F_HB:
        return rec->hb;
    case FK__F_CREATININE:
        return rec->creatinine;
    case FK__F_EGFR:
        return rec->egfr;
    case FK__F_URINE_GLUCOSE:
        return rec->urine_glucose;
    case FK__F_URINE_PROTEIN:
        return rec->urine_protein;
    case FK__F_COUNT:
        break;
    }
    return NAN;
}
