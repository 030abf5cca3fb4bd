/* job.yaml parsing: see order.h and docs/job-yaml.md. */
#include "order.h"
#include "util/fsutil.h"
#include "util/mem.h"
#include "util/utf8.h"
#include "yaml.h"
#include "util/i18n.h"

#include <errno.h>
#include <stdarg.h>
#include <libfyaml.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FK__MAX_TEMPLATES   16
#define FK__ORDER_MAX_BYTES (1 << 20)

struct fk_order {
    int fiscal_year;
    char *ward;
    char *job_code;
    long expected[FK_CAT_COUNT];
    fk_date valid_from, valid_until;
    char *printer;
    int batch_size;
    int idle_alarm; /* minutes printed paper may wait for the enclosure check */
    fk_mismatch_policy postal_mismatch;
    bool syslog; /* audit entries also go to the system log (issue 14) */
    char *rules;
    struct {
        char *document;
        char *path;
    } templates[FK__MAX_TEMPLATES];
    int template_count;
    char *stock[FK_CAT_COUNT][FK_ORDER_MAX_STOCK];
    int stock_count[FK_CAT_COUNT];
    double window[4];
    char *insurer[8]; /* in the order of fk__insurer_keys */
    fk_date issue_date;
    int min_days;
    long copay_amount, insurer_limit;
    int copay_rate;
    char *contract_agent, *payment_agent_number, *payment_agent_name;
};

static const char *const fk__insurer_keys[] = {"number",  "name",  "department", "postal_code",
                                               "address", "phone", "head",       "contact"};
#define FK__INSURER_KEYS (sizeof fk__insurer_keys / sizeof fk__insurer_keys[0])

typedef struct {
    const char *path;
    fk_err *err;
} fk__ctx;

static fk_status fk__fail_at(const fk__ctx *c, struct fy_node *node, const char *fmt, ...)
    FK_PRINTF(3, 4);
static fk_status fk__date(const fk__ctx *c, struct fy_node *node, const char *key, fk_date *out);
static fk_status fk__only_keys(const fk__ctx *c, struct fy_node *map, const char *what,
                               const char *const keys[], size_t n);

/* Where a node starts. libfyaml keeps marks only on scalar tokens, so a mapping or sequence
 * is placed at the key that names it (or its parent's key), and a mapping without one (the
 * document's root) at its first key. */
static const struct fy_mark *fk__mark(struct fy_node *node)
{
    struct fy_node *root = node;
    for (; node != NULL; node = fy_node_get_parent(node)) {
        struct fy_token *t = fy_node_get_scalar_token(node);
        if (t != NULL)
            return fy_token_start_mark(t);
        struct fy_node *parent = fy_node_get_parent(node);
        if (parent == NULL || !fy_node_is_mapping(parent))
            continue;
        void *it = NULL;
        struct fy_node_pair *p;
        while ((p = fy_node_mapping_iterate(parent, &it)) != NULL) {
            t = fy_node_pair_value(p) == node ? fy_node_get_scalar_token(fy_node_pair_key(p))
                                              : NULL;
            if (t != NULL)
                return fy_token_start_mark(t);
        }
    }
    struct fy_node_pair *first =
        root && fy_node_is_mapping(root) ? fy_node_mapping_get_by_index(root, 0) : NULL;
    struct fy_token *t = first ? fy_node_get_scalar_token(fy_node_pair_key(first)) : NULL;
    return t ? fy_token_start_mark(t) : NULL;
}

static fk_status fk__fail_at(const fk__ctx *c, struct fy_node *node, const char *fmt, ...)
{
    /* An empty document has no node at all: its settings would start at 1:1. */
    int line = 1, col = 1;
    const struct fy_mark *m = fk__mark(node);
    if (m != NULL) {
        line = m->line + 1;
        col = m->column + 1;
    }
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return fk_failf(c->err, FK_EFORMAT, "%s:%d:%d: %s", c->path, line, col, msg);
}

static fk_status fk__scalar(const fk__ctx *c, struct fy_node *node, const char *key,
                            const char **out)
{
    if (node == NULL || !fy_node_is_scalar(node))
        return fk__fail_at(c, node, _("%s must be a single value"), key);
    *out = fy_node_get_scalar0(node);
    return *out ? FK_OK : fk_failf(c->err, FK_ENOMEM, _("%s: out of memory"), c->path);
}

static fk_status fk__long(const fk__ctx *c, struct fy_node *node, const char *key, long min,
                          long max, long *out)
{
    const char *s;
    fk_status st = fk__scalar(c, node, key, &s);
    if (st != FK_OK)
        return st;
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno != 0 || *s == '\0' || *end != '\0' || v < min || v > max) {
        char what[128];
        snprintf(what, sizeof what, "%s must be a whole number from %ld to %ld", key, min, max);
        return fk__fail_at(c, node, "%s", what);
    }
    *out = v;
    return FK_OK;
}

static fk_status fk__double(const fk__ctx *c, struct fy_node *node, const char *key, double *out)
{
    const char *s;
    fk_status st = fk__scalar(c, node, key, &s);
    if (st != FK_OK)
        return st;
    char *end;
    double v = strtod(s, &end);
    if (*s == '\0' || *end != '\0' || !(v >= 0 && v <= 1000)) /* NaN fails both */
        return fk__fail_at(c, node, _("%s must be a length in mm"), key);
    *out = v;
    return FK_OK;
}

static fk_status fk__string(const fk__ctx *c, struct fy_node *node, const char *key, char **out)
{
    const char *s;
    fk_status st = fk__scalar(c, node, key, &s);
    if (st != FK_OK)
        return st;
    fk_free(*out);
    *out = fk_strdup(s);
    return *out ? FK_OK : fk_failf(c->err, FK_ENOMEM, _("%s: out of memory"), c->path);
}

/* Text that reaches paper: not empty, no placeholder pattern. */
static fk_status fk__text(const fk__ctx *c, struct fy_node *node, const char *key, char **out)
{
    fk_status st = fk__string(c, node, key, out);
    if (st != FK_OK)
        return st;
    const char *p = fk_utf8_find_placeholder(*out);
    if (p != NULL)
        return fk__fail_at(c, node, _("%s holds the placeholder %s: give the real value"), key, p);
    size_t n = strlen(*out);
    if (n == 0 || n > 200)
        return fk__fail_at(c, node, _("%s must be 1-200 bytes of text"), key);
    return FK_OK;
}

static bool fk__all_digits(const char *s, size_t n)
{
    if (strlen(s) != n)
        return false;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

bool fk_order_is_insurer_number(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if ((n != 6 && n != 8) || !fk__all_digits(s, n))
        return false;
    int sum = 0;
    for (size_t i = 0; i + 1 < n; i++) {
        int weight = (n - 2 - i) % 2 == 0 ? 2 : 1; /* 2 on the digit next to the check digit */
        int p = (s[i] - '0') * weight;
        sum += p / 10 + p % 10;
    }
    return (10 - sum % 10) % 10 == s[n - 1] - '0';
}

/* NNN-NNNN */
static bool fk__is_postal(const char *s)
{
    return strlen(s) == 8 && s[3] == '-' && fk__all_digits(s + 4, 4) && s[0] >= '0' &&
           s[0] <= '9' && s[1] >= '0' && s[1] <= '9' && s[2] >= '0' && s[2] <= '9';
}

/* 0AB-CD-EFGH style: digits and single hyphens, 10 or 11 digits, starting with 0. */
static bool fk__is_phone(const char *s)
{
    int digits = 0;
    for (size_t i = 0; s[i]; i++) {
        if (s[i] >= '0' && s[i] <= '9')
            digits++;
        else if (s[i] != '-' || i == 0 || s[i + 1] == '\0' || s[i + 1] == '-')
            return false;
    }
    return s[0] == '0' && (digits == 10 || digits == 11);
}

static fk_status fk__insurer(const fk__ctx *c, fk_order *o, struct fy_node *k, struct fy_node *map)
{
    if (!fy_node_is_mapping(map))
        return fk__fail_at(c, k, _("%s must be a mapping of settings"), "insurer");
    fk_status st = fk__only_keys(c, map, "insurer", fk__insurer_keys, FK__INSURER_KEYS);
    for (size_t i = 0; st == FK_OK && i < FK__INSURER_KEYS; i++) {
        struct fy_node *v = fy_node_mapping_lookup_by_string(map, fk__insurer_keys[i], FY_NT);
        char what[48];
        snprintf(what, sizeof what, "insurer.%s", fk__insurer_keys[i]);
        if (v == NULL)
            return fk__fail_at(c, k, _("insurer: missing %s"), fk__insurer_keys[i]);
        st = fk__text(c, v, what, &o->insurer[i]);
        const char *t = st == FK_OK ? o->insurer[i] : NULL;
        if (t != NULL && i == 0 && !fk_order_is_insurer_number(t))
            st = fk__fail_at(c, v, _("%s must be 6 or 8 digits ending in a valid 検証番号"), what);
        if (t != NULL && i == 3 && !fk__is_postal(t))
            st = fk__fail_at(c, v, _("%s must be written NNN-NNNN"), what);
        if (t != NULL && i == 5 && !fk__is_phone(t))
            st = fk__fail_at(c, v, _("%s must be a telephone number such as 03-3209-1111"), what);
    }
    return st;
}

static fk_status fk__voucher(const fk__ctx *c, fk_order *o, struct fy_node *k, struct fy_node *v)
{
    static const char *const keys[] = {
        "issue_date",           "valid_from",        "valid_until",   "min_days",
        "copay_amount",         "copay_rate",        "insurer_limit", "contract_agent",
        "payment_agent_number", "payment_agent_name"};
    if (!fy_node_is_mapping(v))
        return fk__fail_at(c, k, _("%s needs valid_from and valid_until"), "voucher");
    fk_status st = fk__only_keys(c, v, "voucher", keys, sizeof keys / sizeof keys[0]);
    struct fy_node *n[sizeof keys / sizeof keys[0]];
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        n[i] = fy_node_mapping_lookup_by_string(v, keys[i], FY_NT);
    if (st == FK_OK && (n[1] == NULL || n[2] == NULL))
        return fk__fail_at(c, k, _("%s needs valid_from and valid_until"), "voucher");
    if (st == FK_OK)
        st = fk__date(c, n[1], "valid_from", &o->valid_from);
    if (st == FK_OK)
        st = fk__date(c, n[2], "valid_until", &o->valid_until);
    if (st == FK_OK && fk_date_cmp(o->valid_from, o->valid_until) > 0)
        st = fk__fail_at(c, n[2], _("%s: valid_until is before valid_from"), "voucher");
    if (st == FK_OK && n[0] != NULL)
        st = fk__date(c, n[0], "issue_date", &o->issue_date);
    if (st == FK_OK && n[0] != NULL && fk_date_cmp(o->issue_date, o->valid_until) > 0)
        st = fk__fail_at(c, n[0], _("%s: issue_date is after valid_until"), "voucher");
    long x;
    if (st == FK_OK && n[3] != NULL && (st = fk__long(c, n[3], "min_days", 0, 3660, &x)) == FK_OK)
        o->min_days = (int)x;
    if (st == FK_OK && (n[4] == NULL) == (n[5] == NULL))
        st = fk__fail_at(c, k, _("%s needs exactly one of copay_amount (yen) and copay_rate (%%)"),
                         "voucher");
    if (st == FK_OK && n[4] != NULL)
        st = fk__long(c, n[4], "copay_amount", 0, 1000000, &o->copay_amount);
    if (st == FK_OK && n[5] != NULL && (st = fk__long(c, n[5], "copay_rate", 1, 100, &x)) == FK_OK)
        o->copay_rate = (int)x;
    if (st == FK_OK && n[6] == NULL)
        st = fk__fail_at(c, k, _("%s: missing insurer_limit (保険者負担上限額, yen)"), "voucher");
    if (st == FK_OK)
        st = fk__long(c, n[6], "insurer_limit", 0, 10000000, &o->insurer_limit);
    char **texts[] = {&o->contract_agent, &o->payment_agent_number, &o->payment_agent_name};
    for (size_t i = 0; st == FK_OK && i < 3; i++) {
        if (n[7 + i] == NULL)
            return fk__fail_at(c, k, _("voucher: missing %s"), keys[7 + i]);
        st = fk__text(c, n[7 + i], keys[7 + i], texts[i]);
    }
    if (st == FK_OK && !fk__all_digits(o->payment_agent_number, 8))
        st = fk__fail_at(c, n[8], _("%s must be 8 digits"), "payment_agent_number");
    return st;
}

static fk_status fk__date(const fk__ctx *c, struct fy_node *node, const char *key, fk_date *out)
{
    const char *s;
    fk_status st = fk__scalar(c, node, key, &s);
    if (st == FK_OK && fk_date_parse(s, out, NULL) != FK_OK)
        st = fk__fail_at(c, node, _("%s must be a date (YYYY-MM-DD)"), key);
    return st;
}

static fk_status fk__expected(const fk__ctx *c, fk_order *o, struct fy_node *map)
{
    if (!fy_node_is_mapping(map))
        return fk__fail_at(c, map, _("%s must map categories to counts"), "expected");
    void *it = NULL;
    struct fy_node_pair *p;
    while ((p = fy_node_mapping_iterate(map, &it)) != NULL) {
        struct fy_node *k = fy_node_pair_key(p);
        fk_category cat;
        if (!fy_node_is_scalar(k) || !fk_category_parse(fy_node_get_scalar0(k), &cat))
            return fk__fail_at(c, k, _("%s: unknown category"), "expected");
        if (o->expected[cat] != -1) /* a label and its code are the same category */
            return fk__fail_at(c, k, _("%s: category given twice"), "expected");
        fk_status st = fk__long(c, fy_node_pair_value(p), "count", 0, 100000000, &o->expected[cat]);
        if (st != FK_OK)
            return st;
    }
    return FK_OK;
}

static fk_status fk__templates(const fk__ctx *c, fk_order *o, struct fy_node *map)
{
    if (!fy_node_is_mapping(map))
        return fk__fail_at(c, map, _("%s must map document names to files"), "templates");
    void *it = NULL;
    struct fy_node_pair *p;
    while ((p = fy_node_mapping_iterate(map, &it)) != NULL) {
        if (o->template_count == FK__MAX_TEMPLATES)
            return fk__fail_at(c, fy_node_pair_key(p), _("%s: too many entries"), "templates");
        int i = o->template_count++;
        fk_status st = fk__string(c, fy_node_pair_key(p), "document", &o->templates[i].document);
        if (st == FK_OK)
            st = fk__string(c, fy_node_pair_value(p), "template", &o->templates[i].path);
        if (st != FK_OK)
            return st;
    }
    return FK_OK;
}

static fk_status fk__enclosures(const fk__ctx *c, fk_order *o, struct fy_node *map)
{
    if (!fy_node_is_mapping(map))
        return fk__fail_at(c, map, _("%s must map categories to lists of items"), "enclosures");
    void *it = NULL;
    struct fy_node_pair *p;
    while ((p = fy_node_mapping_iterate(map, &it)) != NULL) {
        struct fy_node *k = fy_node_pair_key(p), *v = fy_node_pair_value(p);
        fk_category cat;
        if (!fy_node_is_scalar(k) || !fk_category_parse(fy_node_get_scalar0(k), &cat))
            return fk__fail_at(c, k, _("%s: unknown category"), "enclosures");
        if (o->stock_count[cat] != 0)
            return fk__fail_at(c, k, _("%s: category given twice"), "enclosures");
        if (!fy_node_is_sequence(v))
            return fk__fail_at(c, k, _("%s: expected a list of stock items"), "enclosures");
        void *it2 = NULL;
        struct fy_node *item;
        while ((item = fy_node_sequence_iterate(v, &it2)) != NULL) {
            if (o->stock_count[cat] == FK_ORDER_MAX_STOCK)
                return fk__fail_at(c, item, _("%s: too many stock items"), "enclosures");
            fk_status st = fk__string(c, item, "stock item", &o->stock[cat][o->stock_count[cat]]);
            if (st != FK_OK)
                return st;
            o->stock_count[cat]++;
        }
    }
    return FK_OK;
}

/* Rejects a key of map outside keys, so that a misspelt setting is never ignored. */
static fk_status fk__only_keys(const fk__ctx *c, struct fy_node *map, const char *what,
                               const char *const keys[], size_t n)
{
    void *it = NULL;
    struct fy_node_pair *p;
    while ((p = fy_node_mapping_iterate(map, &it)) != NULL) {
        struct fy_node *k = fy_node_pair_key(p);
        const char *name = fy_node_is_scalar(k) ? fy_node_get_scalar0(k) : NULL;
        size_t i = 0;
        while (name != NULL && i < n && strcmp(name, keys[i]) != 0)
            i++;
        if (name == NULL || i == n)
            return fk__fail_at(c, k, _("%s: unknown setting"), what);
    }
    return FK_OK;
}

static fk_status fk__window(const fk__ctx *c, fk_order *o, struct fy_node *map)
{
    static const char *const keys[] = {"x", "y", "width", "height"};
    if (!fy_node_is_mapping(map))
        return fk__fail_at(c, map, _("%s must have x, y, width and height"), "window");
    fk_status only = fk__only_keys(c, map, "window", keys, 4);
    if (only != FK_OK)
        return only;
    for (int i = 0; i < 4; i++) {
        struct fy_node *v = fy_node_mapping_lookup_by_string(map, keys[i], FY_NT);
        if (v == NULL)
            return fk__fail_at(c, map, _("window: missing %s"), keys[i]);
        fk_status st = fk__double(c, v, keys[i], &o->window[i]);
        if (st != FK_OK)
            return st;
    }
    return FK_OK;
}

static fk_status fk__policy(const fk__ctx *c, fk_order *o, struct fy_node *v)
{
    const char *s;
    fk_status st = fk__scalar(c, v, "postal_mismatch", &s);
    if (st != FK_OK)
        return st;
    if (strcmp(s, "reject") == 0)
        o->postal_mismatch = FK_MISMATCH_REJECT;
    else if (strcmp(s, "warn") == 0)
        o->postal_mismatch = FK_MISMATCH_WARN;
    else
        return fk__fail_at(c, v, _("%s must be reject or warn"), "postal_mismatch");
    return FK_OK;
}

static bool fk__is_job_code(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 8)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9')))
            return false;
    return true;
}

/* One top-level key; unknown keys are errors so that a misspelt setting is never ignored. */
static fk_status fk__key(const fk__ctx *c, fk_order *o, const char *key, struct fy_node *k,
                         struct fy_node *v)
{
    long n;
    fk_status st;
    if (strcmp(key, "fiscal_year") == 0) {
        st = fk__long(c, v, key, 2000, 2100, &n);
        o->fiscal_year = (int)n;
        return st;
    }
    if (strcmp(key, "batch_size") == 0) {
        st = fk__long(c, v, key, 1, 100000, &n);
        o->batch_size = (int)n;
        return st;
    }
    if (strcmp(key, "idle_alarm") == 0) {
        st = fk__long(c, v, key, 1, 1440, &n);
        o->idle_alarm = (int)n;
        return st;
    }
    if (strcmp(key, "ward") == 0) {
        st = fk__string(c, v, key, &o->ward);
        if (st == FK_OK && o->ward[0] == '\0') /* as good as missing */
            st = fk__fail_at(c, v, _("%s must not be empty"), key);
        return st;
    }
    if (strcmp(key, "job_code") == 0) {
        st = fk__string(c, v, key, &o->job_code);
        if (st == FK_OK && !fk__is_job_code(o->job_code))
            st = fk__fail_at(c, v, _("%s must be 1-8 capital letters or digits"), key);
        return st;
    }
    if (strcmp(key, "printer") == 0)
        return fk__string(c, v, key, &o->printer);
    if (strcmp(key, "rules") == 0)
        return fk__string(c, v, key, &o->rules);
    if (strcmp(key, "expected") == 0)
        return fk__expected(c, o, v);
    if (strcmp(key, "templates") == 0)
        return fk__templates(c, o, v);
    if (strcmp(key, "enclosures") == 0)
        return fk__enclosures(c, o, v);
    if (strcmp(key, "window") == 0)
        return fk__window(c, o, v);
    if (strcmp(key, "postal_mismatch") == 0)
        return fk__policy(c, o, v);
    if (strcmp(key, "syslog") == 0) {
        char *text = NULL;
        st = fk__string(c, v, key, &text);
        if (st == FK_OK && strcmp(text, "true") != 0 && strcmp(text, "false") != 0)
            st = fk__fail_at(c, v, _("%s must be true or false"), key);
        if (st == FK_OK)
            o->syslog = strcmp(text, "true") == 0;
        fk_free(text);
        return st;
    }
    if (strcmp(key, "voucher") == 0)
        return fk__voucher(c, o, k, v);
    if (strcmp(key, "insurer") == 0)
        return fk__insurer(c, o, k, v);
    return fk__fail_at(c, k, _("unknown setting '%s'"), key);
}

static void fk__defaults(fk_order *o)
{
    for (int i = 0; i < FK_CAT_COUNT; i++)
        o->expected[i] = -1;
    o->batch_size = 500;
    o->idle_alarm = 30;
    o->postal_mismatch = FK_MISMATCH_REJECT;
    o->min_days = 30;
    o->copay_amount = -1;
    o->copay_rate = -1;
    o->syslog = true;
    /* 長形3号 window envelope: a common window 90 x 45 mm, 23 mm from the left, 13 mm down
     * (where templates/address-block.yaml places it). */
    o->window[0] = 23;
    o->window[1] = 13;
    o->window[2] = 90;
    o->window[3] = 45;
}

/* A missing setting has no position of its own: it is reported where the settings start. */
static fk_status fk__check_complete(const fk__ctx *c, fk_order *o, struct fy_node *root)
{
    if (o->fiscal_year == 0)
        return fk__fail_at(c, root, _("missing fiscal_year"));
    if (o->ward == NULL)
        return fk__fail_at(c, root, _("missing ward"));
    if (o->job_code == NULL)
        return fk__fail_at(c, root, _("missing job_code"));
    if (o->valid_from.year == 0)
        return fk__fail_at(c, root, _("missing voucher (valid_from and valid_until)"));
    if (o->insurer[0] == NULL)
        return fk__fail_at(c, root, _("missing insurer (the 保険者 printed on the documents)"));
    return FK_OK;
}

static fk_status fk__parse_root(const fk__ctx *c, fk_order *o, struct fy_node *root)
{
    if (root == NULL || !fy_node_is_mapping(root))
        return fk_failf(c->err, FK_EFORMAT, _("%s:1:1: expected a mapping of settings"), c->path);
    void *it = NULL;
    struct fy_node_pair *p;
    while ((p = fy_node_mapping_iterate(root, &it)) != NULL) {
        struct fy_node *k = fy_node_pair_key(p);
        const char *key;
        fk_status st = fk__scalar(c, k, "a setting's name", &key);
        if (st == FK_OK)
            st = fk__key(c, o, key, k, fy_node_pair_value(p));
        if (st != FK_OK)
            return st;
    }
    return fk__check_complete(c, o, root);
}

fk_status fk_order_parse(const char *path, const char *text, size_t len, fk_order **out,
                         fk_err *err)
{
    fk__ctx c = {path, err};
    struct fy_document *doc = NULL;
    fk_status st = fk_yaml_parse(path, text, len, /*resolve*/ false, &doc, err);
    if (st != FK_OK)
        return st;
    fk_order *o = fk_calloc(1, sizeof *o);
    if (o == NULL)
        st = fk_failf(err, FK_ENOMEM, _("%s: out of memory"), path);
    else if (doc == NULL)
        st = fk_failf(err, FK_EFORMAT, _("%s:1:1: no settings (empty, or not valid YAML)"), path);
    else {
        fk__defaults(o);
        st = fk__parse_root(&c, o, fy_document_root(doc));
    }
    fy_document_destroy(doc);
    if (st != FK_OK) {
        fk_order_free(o);
        return st;
    }
    *out = o;
    return FK_OK;
}

fk_status fk_order_load(const char *path, fk_order **out, fk_err *err)
{
    char *text;
    size_t len;
    fk_status st = fk_fs_read_file(path, FK__ORDER_MAX_BYTES, &text, &len, err);
    if (st != FK_OK)
        return st;
    st = fk_order_parse(path, text, len, out, err);
    fk_free(text);
    return st;
}

void fk_order_free(fk_order *o)
{
    if (o == NULL)
        return;
    fk_free(o->ward);
    fk_free(o->job_code);
    fk_free(o->printer);
    fk_free(o->rules);
    for (int i = 0; i < o->template_count; i++) {
        fk_free(o->templates[i].document);
        fk_free(o->templates[i].path);
    }
    for (int c = 0; c < FK_CAT_COUNT; c++)
        for (int i = 0; i < o->stock_count[c]; i++)
            fk_free(o->stock[c][i]);
    for (size_t i = 0; i < FK__INSURER_KEYS; i++)
        fk_free(o->insurer[i]);
    fk_free(o->contract_agent);
    fk_free(o->payment_agent_number);
    fk_free(o->payment_agent_name);
    fk_free(o);
}

int fk_order_fiscal_year(const fk_order *o)
{
    return o->fiscal_year;
}

const char *fk_order_ward(const fk_order *o)
{
    return o->ward;
}

const char *fk_order_job_code(const fk_order *o)
{
    return o->job_code;
}

long fk_order_expected(const fk_order *o, fk_category c)
{
    return (unsigned)c < FK_CAT_COUNT ? o->expected[c] : -1;
}

fk_date fk_order_valid_from(const fk_order *o)
{
    return o->valid_from;
}

fk_date fk_order_valid_until(const fk_order *o)
{
    return o->valid_until;
}

const char *fk_order_printer(const fk_order *o)
{
    return o->printer;
}

int fk_order_idle_alarm(const fk_order *o)
{
    return o->idle_alarm;
}

int fk_order_batch_size(const fk_order *o)
{
    return o->batch_size;
}

bool fk_order_syslog(const fk_order *o)
{
    return o->syslog;
}

fk_mismatch_policy fk_order_postal_mismatch(const fk_order *o)
{
    return o->postal_mismatch;
}

const char *fk_order_rules(const fk_order *o)
{
    return o->rules;
}

const char *fk_order_template(const fk_order *o, const char *document)
{
    for (int i = 0; i < o->template_count; i++)
        if (strcmp(o->templates[i].document, document) == 0)
            return o->templates[i].path;
    return NULL;
}

int fk_order_stock_items(const fk_order *o, fk_category c, const char *items[FK_ORDER_MAX_STOCK])
{
    if ((unsigned)c >= FK_CAT_COUNT)
        return 0;
    for (int i = 0; i < o->stock_count[c]; i++)
        items[i] = o->stock[c][i];
    return o->stock_count[c];
}

void fk_order_window(const fk_order *o, double *x, double *y, double *w, double *h)
{
    *x = o->window[0];
    *y = o->window[1];
    *w = o->window[2];
    *h = o->window[3];
}

void fk_order_get_insurer(const fk_order *o, fk_order_insurer *out)
{
    *out = (fk_order_insurer){o->insurer[0], o->insurer[1], o->insurer[2], o->insurer[3],
                              o->insurer[4], o->insurer[5], o->insurer[6], o->insurer[7]};
}

void fk_order_get_voucher(const fk_order *o, fk_order_voucher *out)
{
    *out = (fk_order_voucher){.issue_date = o->issue_date,
                              .valid_from = o->valid_from,
                              .valid_until = o->valid_until,
                              .min_days = o->min_days,
                              .copay_amount = o->copay_amount,
                              .copay_rate = o->copay_rate,
                              .insurer_limit = o->insurer_limit,
                              .contract_agent = o->contract_agent,
                              .payment_agent_number = o->payment_agent_number,
                              .payment_agent_name = o->payment_agent_name};
}

fk_status fk_order_issue_date(const fk_order *o, fk_date today, fk_date *issue, long *days_left,
                              bool *is_short, fk_err *err)
{
    *issue = o->issue_date.year ? o->issue_date : today;
    char a[16], b[16];
    fk_date_format_iso(*issue, a, sizeof a);
    fk_date_format_iso(o->valid_until, b, sizeof b);
    if (fk_date_cmp(*issue, o->valid_until) > 0)
        return fk_failf(err, FK_EINVAL,
                        _("the issue date (交付年月日) %s is after the vouchers' valid_until %s:"
                          " the order must give a later validity or an earlier issue_date"),
                        a, b);
    *days_left = fk_date_to_days(o->valid_until) - fk_date_to_days(*issue) + 1;
    *is_short = *days_left < o->min_days;
    return FK_OK;
}
