/* The postal-code table: loading, lookup and town-area matching. See postal-db.h and, for
 * the file layout, scripts/gen-postal-table.py. */
#include "postal-db.h"

#include "addrnum.h"
#include "fk-config.h"
#include "util/fsutil.h"
#include "util/mem.h"
#include "util/utf8.h"
#include "util/i18n.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define FK__TABLE_NAME  "postal-codes.tbl"
#define FK__MAGIC       "FKPOSTL1"
#define FK__VERSION     1u
#define FK__HEADER_SIZE 64u
#define FK__NPREFS      48u
#define FK__ENTRY_SIZE  16u
#define FK__CITY_SIZE   12u
#define FK__MAX_SIZE    ((size_t)256 << 20)

struct fk_postal_db {
    void *map_base; /* for munmap */
    const unsigned char *map;
    size_t size;
    char *path;
    uint32_t n_entries, n_cities, n_towns, strings_size;
    const unsigned char *prefs, *entries, *cities, *towns;
    const char *strings;
    const char *package, *version, *published, *shasum;
};

static uint32_t fk__rd32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t fk__rd16(const unsigned char *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t fk__fnv1a(const unsigned char *p, size_t n)
{
    uint32_t h = 0x811C9DC5u;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 0x01000193u;
    }
    return h;
}

/* Checks every count, offset and reference of a mapped table (so lookups need no checks). */
static fk_status fk__validate(fk_postal_db *db, fk_err *err)
{
    const unsigned char *m = db->map;
    const size_t size = db->size;
    if (size < FK__HEADER_SIZE + FK__NPREFS * 4 || memcmp(m, FK__MAGIC, 8) != 0)
        return fk_failf(err, FK_EFORMAT, _("%s: not a fukan postal-code table"), db->path);
    if (fk__rd32(m + 8) != FK__VERSION)
        return fk_failf(err, FK_EFORMAT, _("%s: table format %u, expected %u (rebuild fukan)"),
                        db->path, (unsigned)fk__rd32(m + 8), FK__VERSION);
    db->n_entries = fk__rd32(m + 12);
    db->n_cities = fk__rd32(m + 16);
    db->n_towns = fk__rd32(m + 20);
    db->strings_size = fk__rd32(m + 24);
    const uint64_t off_entries = fk__rd32(m + 28), off_cities = fk__rd32(m + 32),
                   off_towns = fk__rd32(m + 36), off_strings = fk__rd32(m + 40);
    if (off_entries != FK__HEADER_SIZE + FK__NPREFS * 4 ||
        off_cities != off_entries + (uint64_t)db->n_entries * FK__ENTRY_SIZE ||
        off_towns != off_cities + (uint64_t)db->n_cities * FK__CITY_SIZE ||
        off_strings != off_towns + (uint64_t)db->n_towns * 4 ||
        off_strings + db->strings_size != size || db->strings_size == 0)
        return fk_failf(err, FK_EFORMAT, _("%s: inconsistent table layout"), db->path);
    if (fk__fnv1a(m + FK__HEADER_SIZE, size - FK__HEADER_SIZE) != fk__rd32(m + 60))
        return fk_failf(err, FK_EFORMAT, _("%s: table content does not match its hash"), db->path);
    db->prefs = m + FK__HEADER_SIZE;
    db->entries = m + off_entries;
    db->cities = m + off_cities;
    db->towns = m + off_towns;
    db->strings = (const char *)m + off_strings;
    const uint32_t ss = db->strings_size;
    if (db->strings[0] != '\0' || db->strings[ss - 1] != '\0')
        return fk_failf(err, FK_EFORMAT, _("%s: bad string pool"), db->path);
    for (unsigned i = 0; i < 4; i++)
        if (fk__rd32(m + 44 + 4 * i) >= ss)
            return fk_failf(err, FK_EFORMAT, _("%s: bad source record"), db->path);
    for (unsigned i = 0; i < FK__NPREFS; i++)
        if (fk__rd32(db->prefs + 4 * i) >= ss || (i > 0 && fk__rd32(db->prefs + 4 * i) == 0))
            return fk_failf(err, FK_EFORMAT, _("%s: bad prefecture table"), db->path);
    uint32_t prev = 0;
    for (uint32_t i = 0; i < db->n_entries; i++) {
        const unsigned char *e = db->entries + (size_t)i * FK__ENTRY_SIZE;
        const uint32_t code = fk__rd32(e);
        if (code > 9999999u || (i > 0 && code <= prev) || fk__rd32(e + 4) >= ss ||
            fk__rd32(e + 8) >= ss || fk__rd16(e + 12) >= db->n_cities || e[14] < 1 ||
            e[14] >= FK__NPREFS || e[15] > FK_POSTAL_KIND_BUSINESS)
            return fk_failf(err, FK_EFORMAT, _("%s: bad entry %u"), db->path, (unsigned)i);
        prev = code;
    }
    for (uint32_t i = 0; i < db->n_cities; i++) {
        const unsigned char *c = db->cities + (size_t)i * FK__CITY_SIZE;
        if (fk__rd32(c) >= ss || (uint64_t)fk__rd32(c + 4) + fk__rd16(c + 8) > db->n_towns ||
            c[10] < 1 || c[10] >= FK__NPREFS)
            return fk_failf(err, FK_EFORMAT, _("%s: bad municipality %u"), db->path, (unsigned)i);
    }
    for (uint32_t i = 0; i < db->n_towns; i++)
        if (fk__rd32(db->towns + 4 * (size_t)i) >= ss)
            return fk_failf(err, FK_EFORMAT, _("%s: bad town reference"), db->path);
    db->package = db->strings + fk__rd32(m + 44);
    db->version = db->strings + fk__rd32(m + 48);
    db->published = db->strings + fk__rd32(m + 52);
    db->shasum = db->strings + fk__rd32(m + 56);
    return FK_OK;
}

/* The table to open when the caller names none (postal-db.h). */
static const char *fk__default_path(void)
{
    const char *env = getenv("FUKAN_POSTAL_DATA");
    if (env != NULL && env[0] != '\0')
        return env;
#ifdef FK_POSTAL_BUILD_PATH
    if (fk_fs_exists(FK_POSTAL_BUILD_PATH))
        return FK_POSTAL_BUILD_PATH;
#endif
    return FK_DATADIR "/" FK__TABLE_NAME;
}

fk_status fk_postal_db_open(const char *path, fk_postal_db **out, fk_err *err)
{
    *out = NULL;
    if (path == NULL)
        path = fk__default_path();
    fk_postal_db *db = fk_calloc(1, sizeof *db);
    if (db == NULL || (db->path = fk_strdup(path)) == NULL) {
        fk_free(db);
        return fk_failf(err, FK_ENOMEM, _("out of memory"));
    }
    fk_status s = FK_OK;
    const int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0) {
        s = fk_failf(err, errno == ENOENT ? FK_ENOENT : FK_EIO,
                     _("%s: %s (run scripts/fetch-postal-data, then rebuild)"), path,
                     strerror(errno));
    } else if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        s = fk_failf(err, FK_EIO, _("%s: not a regular file"), path);
    } else if ((uint64_t)st.st_size > FK__MAX_SIZE || st.st_size < (off_t)FK__HEADER_SIZE) {
        s = fk_failf(err, FK_EFORMAT, _("%s: not a fukan postal-code table"), path);
    } else {
        void *map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (map == MAP_FAILED) {
            s = fk_failf(err, FK_EIO, "%s: %s", path, strerror(errno));
        } else {
            db->map_base = map;
            db->map = map;
            db->size = (size_t)st.st_size;
            s = fk__validate(db, err);
        }
    }
    if (fd >= 0)
        close(fd);
    if (s != FK_OK) {
        fk_postal_db_free(db);
        return s;
    }
    *out = db;
    return FK_OK;
}

void fk_postal_db_free(fk_postal_db *db)
{
    if (db == NULL)
        return;
    if (db->map_base != NULL)
        munmap(db->map_base, db->size);
    fk_free(db->path);
    fk_free(db);
}

void fk_postal_db_get_info(const fk_postal_db *db, fk_postal_info *info)
{
    info->path = db->path;
    info->package = db->package;
    info->version = db->version;
    info->published = db->published;
    info->shasum = db->shasum;
    info->codes = db->n_entries;
    info->municipalities = db->n_cities;
}

fk_status fk_postal_code_normalise(const char *in, char out[8])
{
    const size_t len = strlen(in);
    char digits[8];
    int n = 0;
    bool hyphen = false, seen_mark = false;
    for (size_t i = 0; i < len;) {
        uint32_t c;
        const size_t k = fk_utf8_decode(in + i, len - i, &c);
        if (k == 0)
            return FK_EINVAL;
        i += k;
        c = fk_utf8_to_halfwidth(c);
        if (c == ' ' || c == '\t') {
            if (n > 0 && n < 7)
                return FK_EINVAL; /* no blank inside the code */
            continue;
        }
        if (c == 0x3012 && n == 0 && !seen_mark) { /* 〒 */
            seen_mark = true;
            continue;
        }
        if (c == '-' && n == 3 && !hyphen) {
            hyphen = true;
            continue;
        }
        if (c < '0' || c > '9' || n == 7)
            return FK_EINVAL;
        digits[n++] = (char)c;
    }
    if (n != 7)
        return FK_EINVAL;
    memcpy(out, digits, 7);
    out[7] = '\0';
    return FK_OK;
}

/* The record of a 7-digit code, or NULL. */
static const unsigned char *fk__find(const fk_postal_db *db, const char *code7)
{
    if (code7 == NULL || strlen(code7) != 7)
        return NULL;
    uint32_t code = 0;
    for (int i = 0; i < 7; i++) {
        if (code7[i] < '0' || code7[i] > '9')
            return NULL;
        code = code * 10 + (uint32_t)(code7[i] - '0');
    }
    size_t lo = 0, hi = db->n_entries;
    while (lo < hi) {
        const size_t mid = lo + (hi - lo) / 2;
        const unsigned char *e = db->entries + mid * FK__ENTRY_SIZE;
        const uint32_t c = fk__rd32(e);
        if (c == code)
            return e;
        if (c < code)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

fk_status fk_postal_db_lookup(const fk_postal_db *db, const char *code7, fk_postal_entry *out)
{
    const unsigned char *e = fk__find(db, code7);
    if (e == NULL)
        return FK_ENOENT;
    const unsigned char *city = db->cities + (size_t)fk__rd16(e + 12) * FK__CITY_SIZE;
    memcpy(out->code, code7, 7);
    out->code[7] = '\0';
    out->kind = (fk_postal_kind)e[15];
    out->prefecture = db->strings + fk__rd32(db->prefs + 4 * (size_t)e[14]);
    out->city = db->strings + fk__rd32(city);
    out->town = db->strings + fk__rd32(e + 4);
    out->street = db->strings + fk__rd32(e + 8);
    return FK_OK;
}

/* ---- name matching ---------------------------------------------------------------------- */

/* Folds the spelling variants that addresses and the list write differently. */
static uint32_t fk__fold(uint32_t c)
{
    if (c >= 0xFF01 && c <= 0xFF5E)
        c -= 0xFEE0;
    switch (c) {
    case 0x30F6:       /* ヶ */
    case 0x304C:       /* が */
    case 0x30AC:       /* ガ */
        return 0x30B1; /* ケ */
    case 0x30CE:       /* ノ */
    case 0x4E4B:       /* 之 */
        return 0x306E; /* の */
    case 0xFA11:       /* 﨑 */
        return 0x5D0E; /* 崎 */
    case 0x9AD9:       /* 髙 */
        return 0x9AD8; /* 高 */
    case 0x908A:       /* 邊 */
    case 0x9089:       /* 邉 */
        return 0x8FBA; /* 辺 */
    case 0x6FF5:       /* 濵 */
        return 0x6D5C; /* 浜 */
    default:
        return c;
    }
}

enum { FK__NUM_NONE, FK__NUM_ARABIC, FK__NUM_KANJI };

static int fk__num_class(uint32_t folded)
{
    if (folded >= '0' && folded <= '9')
        return FK__NUM_ARABIC;
    return fk_addrnum_kanji_value(folded) >= 0 ? FK__NUM_KANJI : FK__NUM_NONE;
}

/* The value of the run of class cls starting at s[i]; *end is just past it. -1 if too big. */
static long fk__run_value(const char *s, size_t len, size_t i, int cls, size_t *end)
{
    uint32_t cps[16];
    size_t n = 0;
    while (i < len) {
        uint32_t c;
        const size_t k = fk_utf8_decode(s + i, len - i, &c);
        if (k == 0 || fk__num_class(fk__fold(c)) != cls)
            break;
        if (n == 16)
            return -1;
        cps[n++] = fk__fold(c);
        i += k;
    }
    *end = i;
    if (cls == FK__NUM_KANJI)
        return fk_addrnum_kanji_number(cps, n);
    long v = 0;
    for (size_t j = 0; j < n; j++) {
        if (v > 100000000L)
            return -1;
        v = v * 10 + (long)(cps[j] - '0');
    }
    return v;
}

/* Bytes of s that a non-empty name matches at its start (variants folded), or 0. */
static size_t fk__match(const char *name, const char *s, size_t slen)
{
    const size_t nlen = strlen(name);
    size_t ni = 0, si = 0;
    if (nlen == 0)
        return 0;
    while (ni < nlen) {
        uint32_t nc, sc;
        const size_t nk = fk_utf8_decode(name + ni, nlen - ni, &nc);
        const size_t sk = si < slen ? fk_utf8_decode(s + si, slen - si, &sc) : 0;
        if (nk == 0 || sk == 0)
            return 0;
        nc = fk__fold(nc);
        sc = fk__fold(sc);
        const int ncl = fk__num_class(nc), scl = fk__num_class(sc);
        if (ncl != FK__NUM_NONE && scl != FK__NUM_NONE && ncl != scl) {
            size_t nend, send; /* 六 against 6: compare the numbers' values */
            const long nv = fk__run_value(name, nlen, ni, ncl, &nend);
            const long sv = fk__run_value(s, slen, si, scl, &send);
            if (nv < 0 || nv != sv)
                return 0;
            ni = nend;
            si = send;
            continue;
        }
        if (nc != sc)
            return 0;
        ni += nk;
        si += sk;
    }
    return si;
}

/* Finds name in s[from, len) at a character boundary; true with [*start, *end). */
static bool fk__search(const char *name, const char *s, size_t len, size_t from, size_t *start,
                       size_t *end)
{
    for (size_t i = from; i < len;) {
        const size_t m = fk__match(name, s + i, len - i);
        if (m > 0) {
            *start = i;
            *end = i + m;
            return true;
        }
        uint32_t c;
        const size_t k = fk_utf8_decode(s + i, len - i, &c);
        i += k > 0 ? k : 1;
    }
    return false;
}

static size_t fk__skip_blanks(const char *s, size_t len, size_t i)
{
    while (i < len) {
        uint32_t c;
        const size_t k = fk_utf8_decode(s + i, len - i, &c);
        if (k == 0 || !fk_utf8_is_space(c))
            break;
        i += k;
    }
    return i;
}

/* True if s[from, to) holds a digit (half- or full-width). */
static bool fk__has_digit(const char *s, size_t from, size_t to)
{
    for (size_t i = from; i < to;) {
        uint32_t c;
        const size_t k = fk_utf8_decode(s + i, to - i, &c);
        if (k == 0)
            return false;
        if (fk__num_class(fk__fold(c)) == FK__NUM_ARABIC)
            return true;
        i += k;
    }
    return false;
}

/* The ways a municipality may be written: whole, without its 郡, a designated city's ward. */
static size_t fk__city_forms(const char *city, const char *forms[3])
{
    size_t n = 0;
    forms[n++] = city;
    const char *gun = strstr(city, "郡");
    if (gun != NULL && gun[strlen("郡")] != '\0')
        forms[n++] = gun + strlen("郡");
    const char *shi = strstr(city, "市");
    const size_t len = strlen(city), ku = strlen("区");
    if (shi != NULL && shi[strlen("市")] != '\0' && len > ku && strcmp(city + len - ku, "区") == 0)
        forms[n++] = shi + strlen("市");
    return n;
}

fk_status fk_postal_db_match(const fk_postal_db *db, const fk_postal_entry *entry,
                             const char *address, const char *building, fk_postal_split *out,
                             fk_err *err)
{
    memset(out, 0, sizeof *out);
    const unsigned char *rec = fk__find(db, entry->code);
    if (rec == NULL)
        return fk_failf(err, FK_EINVAL, _("postal code %s is not in the list"), entry->code);
    const size_t len = strlen(address);
    if (!fk_utf8_is_valid(address, len) ||
        (building != NULL && !fk_utf8_is_valid(building, strlen(building))))
        return fk_failf(err, FK_EFORMAT, _("address is not valid UTF-8"));
    const char *a = address;
    size_t p = fk__skip_blanks(a, len, 0);

    /* Prefecture: the code's own, another one (a mismatch), or none. */
    size_t m = fk__match(entry->prefecture, a + p, len - p);
    if (m > 0) {
        p = fk__skip_blanks(a, len, p + m);
    } else {
        for (unsigned i = 1; i < FK__NPREFS; i++) {
            if (fk__match(db->strings + fk__rd32(db->prefs + 4 * i), a + p, len - p) > 0) {
                out->match = FK_POSTAL_MATCH_OTHER_CITY;
                return FK_OK;
            }
        }
    }

    /* Municipality, possibly omitted. */
    const char *forms[3];
    const size_t nforms = fk__city_forms(entry->city, forms);
    bool city_found = false;
    for (size_t i = 0; i < nforms && !city_found; i++) {
        m = fk__match(forms[i], a + p, len - p);
        if (m > 0) {
            p = fk__skip_blanks(a, len, p + m);
            city_found = true;
        }
    }
    out->city_omitted = !city_found;

    /* Town area: the longest of the municipality's town areas found at p (after 大字/字). */
    const char *own = entry->town;
    const unsigned char *city = db->cities + (size_t)fk__rd16(rec + 12) * FK__CITY_SIZE;
    const uint32_t first = fk__rd32(city + 4), count = fk__rd16(city + 8);
    size_t starts[3], nstarts = 0;
    starts[nstarts++] = p;
    static const char *const prefixes[] = {"大字", "字"};
    for (size_t i = 0; i < 2; i++) {
        const size_t pl = strlen(prefixes[i]);
        if (len - p > pl && memcmp(a + p, prefixes[i], pl) == 0)
            starts[nstarts++] = fk__skip_blanks(a, len, p + pl);
    }
    const char *best = NULL;
    size_t best_end = 0;
    for (size_t si = 0; si < nstarts; si++) {
        const size_t s0 = starts[si];
        if (own[0] != '\0' && (m = fk__match(own, a + s0, len - s0)) > 0 && s0 + m > best_end) {
            best = own;
            best_end = s0 + m;
        }
        for (uint32_t t = 0; t < count; t++) {
            const char *town = db->strings + fk__rd32(db->towns + 4 * (size_t)(first + t));
            if (town == own)
                continue;
            m = fk__match(town, a + s0, len - s0);
            if (m > 0 && s0 + m > best_end) {
                best = town;
                best_end = s0 + m;
            }
        }
    }

    if (best == own && best != NULL) {
        out->rest = best_end;
        return FK_OK;
    }
    if (best != NULL && own[0] != '\0' && strncmp(own, best, strlen(best)) == 0) {
        /* A high-rise or business code names a building after the town area
         * (西新宿新宿センタービル): that building must appear in the address. */
        const char *bname = own + strlen(best);
        size_t bs, be;
        if (fk__search(bname, a, len, best_end, &bs, &be) ||
            (building != NULL && fk__search(bname, building, strlen(building), 0, &bs, &be))) {
            out->rest = best_end;
            return FK_OK;
        }
    }
    /* The code's town area further on, past words without digits (Kyoto's street names). */
    size_t ts, te;
    if (own[0] != '\0' && city_found &&
        fk__search(own, a, len, best != NULL ? best_end : p, &ts, &te) &&
        !fk__has_digit(a, p, ts)) {
        out->rest = te;
        out->town_later = true;
        return FK_OK;
    }
    if (best != NULL) {
        out->match = FK_POSTAL_MATCH_OTHER_TOWN;
        out->other_town = best;
        out->rest = best_end;
        return FK_OK;
    }
    if (!city_found) {
        out->match = FK_POSTAL_MATCH_OTHER_CITY;
        return FK_OK;
    }
    if (own[0] == '\0') {
        out->rest = p; /* no town area: the number follows the municipality */
        return FK_OK;
    }
    out->match = FK_POSTAL_MATCH_NO_TOWN;
    return FK_OK;
}
