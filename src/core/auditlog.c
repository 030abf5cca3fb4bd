/* The audit log as JSON Lines, and its offline verifier: see auditlog.h. */
#include "auditlog.h"
#include "job-private.h"
#include "util/mem.h"
#include "util/i18n.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#define FK__LINE_MAX  (1 << 20)
#define FK__MAX_KEYS  16
#define FK__VALUE_MAX (1 << 16)

static fk_status fk__json_string(fk_buf *b, const char *s)
{
    fk_status st = fk_buf_append_byte(b, '"');
    for (const unsigned char *p = (const unsigned char *)s; st == FK_OK && *p; p++) {
        if (*p == '"' || *p == '\\')
            st = fk_buf_appendf(b, "\\%c", *p);
        else if (*p < 0x20)
            st = fk_buf_appendf(b, "\\u%04x", *p);
        else
            st = fk_buf_append_byte(b, *p);
    }
    return st == FK_OK ? fk_buf_append_byte(b, '"') : st;
}

static fk_status fk__json_hex(fk_buf *b, const void *blob, int n, int want)
{
    if (blob == NULL || n != want)
        return fk_buf_append_str(b, "null");
    char hex[2 * 64 + 1];
    fk_hex(blob, (size_t)n, hex);
    return fk_buf_appendf(b, "\"%s\"", hex);
}

/* One record's rows; the unauthenticated record first, so that the verifier knows its
 * hashes when it meets the signed witness entries that anchor them. */
static fk_status fk__export_table(fk_job *job, bool authenticated, fk_buf *out, fk_err *err)
{
    sqlite3_stmt *st;
    fk_status s =
        fk__job_prepare(job,
                        authenticated ? "SELECT seq, ts_utc, ts_local, user, host, command, object,"
                                        " outcome, details, prev_hash, hash, sig FROM audit"
                                        " ORDER BY seq"
                                      : "SELECT seq, ts_utc, ts_local, user, host, command, object,"
                                        " outcome, details, prev_hash, hash, NULL FROM audit_unauth"
                                        " ORDER BY seq",
                        &st, err);
    if (s != FK_OK)
        return s;
    static const char *const names[] = {"ts_utc",  "ts_local", "user",    "host",
                                        "command", "object",   "outcome", "details"};
    int rc;
    while (s == FK_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        s = fk_buf_appendf(out, "{\"record\":\"%s\",\"seq\":%lld",
                           authenticated ? "signed" : "unauthenticated",
                           (long long)sqlite3_column_int64(st, 0));
        for (int i = 0; s == FK_OK && i < 8; i++) {
            const char *v = (const char *)sqlite3_column_text(st, 1 + i);
            s = fk_buf_appendf(out, ",\"%s\":", names[i]);
            if (s == FK_OK)
                s = fk__json_string(out, v != NULL ? v : "");
        }
        static const char *const blobs[] = {"prev_hash", "hash", "sig"};
        static const int sizes[] = {FK_HASH_BYTES, FK_HASH_BYTES, FK_SIGNATURE_BYTES};
        for (int i = 0; s == FK_OK && i < 3; i++) {
            s = fk_buf_appendf(out, ",\"%s\":", blobs[i]);
            if (s == FK_OK)
                s = fk__json_hex(out, sqlite3_column_blob(st, 9 + i),
                                 sqlite3_column_bytes(st, 9 + i), sizes[i]);
        }
        if (s == FK_OK)
            s = fk_buf_append_str(out, "}\n");
        if (s != FK_OK)
            s = fk_failf(err, s, _("audit export: %s"), fk_strerror(s));
    }
    sqlite3_finalize(st);
    return s;
}

fk_status fk_audit_export_jsonl(fk_job *job, fk_buf *out, fk_err *err)
{
    unsigned char pk[FK_SIGN_PUBLIC_BYTES];
    char pk_hex[2 * FK_SIGN_PUBLIC_BYTES + 1];
    fk_status s = fk_audit_pubkey(job, pk, err);
    if (s != FK_OK)
        return s;
    fk_hex(pk, sizeof pk, pk_hex);
    s = fk_buf_appendf(out, "{\"format\":\"fukan-audit/2\",\"job_id\":\"%s\",\"pubkey\":\"%s\"}\n",
                       job->id_hex, pk_hex);
    if (s != FK_OK)
        return fk_failf(err, s, _("audit export: %s"), fk_strerror(s));
    s = fk__export_table(job, false, out, err);
    return s == FK_OK ? fk__export_table(job, true, out, err) : s;
}

/* A flat JSON object: string keys, values that are strings, integers or null. */
typedef struct {
    char key[32];
    fk_buf value;
    bool is_null, is_number;
} fk__kv;

typedef struct {
    fk__kv kv[FK__MAX_KEYS];
    size_t n;
} fk__object;

static void fk__object_free(fk__object *o)
{
    for (size_t i = 0; i < FK__MAX_KEYS; i++)
        fk_buf_free(&o->kv[i].value);
}

static void fk__ws(const char **p, const char *end)
{
    while (*p < end && (**p == ' ' || **p == '\t' || **p == '\r'))
        (*p)++;
}

static int fk__hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static bool fk__u4(const char **p, const char *end, unsigned *out)
{
    if (end - *p < 4)
        return false;
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        int h = fk__hexval((*p)[i]);
        if (h < 0)
            return false;
        v = v << 4 | (unsigned)h;
    }
    *p += 4;
    *out = v;
    return true;
}

static bool fk__put_utf8(fk_buf *b, unsigned cp)
{
    unsigned char u[4];
    size_t n;
    if (cp < 0x80) {
        u[0] = (unsigned char)cp;
        n = 1;
    } else if (cp < 0x800) {
        u[0] = (unsigned char)(0xC0 | cp >> 6);
        u[1] = (unsigned char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        u[0] = (unsigned char)(0xE0 | cp >> 12);
        u[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        u[2] = (unsigned char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        u[0] = (unsigned char)(0xF0 | cp >> 18);
        u[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
        u[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        u[3] = (unsigned char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    return fk_buf_append(b, u, n) == FK_OK;
}

/* A JSON string starting at the quote; decoded into b. */
static bool fk__string(const char **p, const char *end, fk_buf *b)
{
    if (*p >= end || **p != '"')
        return false;
    (*p)++;
    while (*p < end && **p != '"') {
        unsigned char c = (unsigned char)**p;
        if (c < 0x20)
            return false;
        if (c != '\\') {
            if (fk_buf_append_byte(b, c) != FK_OK)
                return false;
            (*p)++;
            continue;
        }
        (*p)++;
        if (*p >= end)
            return false;
        char e = **p;
        (*p)++;
        const char *simple = strchr("\"\\/bfnrt", e);
        if (e != '\0' && simple != NULL && e != 'u') {
            static const char map[] = "\"\\/\b\f\n\r\t";
            if (fk_buf_append_byte(b, (unsigned char)map[simple - "\"\\/bfnrt"]) != FK_OK)
                return false;
            continue;
        }
        unsigned cp;
        if (e != 'u' || !fk__u4(p, end, &cp))
            return false;
        if (cp >= 0xD800 && cp < 0xDC00) {
            unsigned lo;
            if (end - *p < 6 || (*p)[0] != '\\' || (*p)[1] != 'u')
                return false;
            *p += 2;
            if (!fk__u4(p, end, &lo) || lo < 0xDC00 || lo > 0xDFFF)
                return false;
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
        } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            return false;
        }
        if (cp == 0 || !fk__put_utf8(b, cp))
            return false;
    }
    if (*p >= end)
        return false;
    (*p)++;
    return true;
}

static bool fk__parse_object(const char *p, const char *end, fk__object *o)
{
    fk__ws(&p, end);
    if (p >= end || *p != '{')
        return false;
    p++;
    fk__ws(&p, end);
    if (p < end && *p == '}')
        return false; /* an empty object is never a valid line */
    for (;;) {
        if (o->n == FK__MAX_KEYS)
            return false;
        fk__kv *kv = &o->kv[o->n++];
        fk_buf key;
        fk_buf_init(&key, sizeof kv->key - 1);
        bool ok = fk__string(&p, end, &key);
        if (ok)
            snprintf(kv->key, sizeof kv->key, "%s", fk_buf_cstr(&key));
        fk_buf_free(&key);
        if (!ok)
            return false;
        fk__ws(&p, end);
        if (p >= end || *p != ':')
            return false;
        p++;
        fk__ws(&p, end);
        if (p < end && *p == '"') {
            if (!fk__string(&p, end, &kv->value))
                return false;
        } else if (end - p >= 4 && memcmp(p, "null", 4) == 0) {
            kv->is_null = true;
            p += 4;
        } else {
            const char *start = p;
            while (p < end && *p >= '0' && *p <= '9' && p - start < 18)
                p++;
            if (p == start || fk_buf_append(&kv->value, start, (size_t)(p - start)) != FK_OK)
                return false;
            kv->is_number = true;
        }
        fk__ws(&p, end);
        if (p < end && *p == ',') {
            p++;
            fk__ws(&p, end);
            continue;
        }
        if (p >= end || *p != '}')
            return false;
        p++;
        fk__ws(&p, end);
        return p == end;
    }
}

static const fk__kv *fk__get(const fk__object *o, const char *key)
{
    for (size_t i = 0; i < o->n; i++)
        if (strcmp(o->kv[i].key, key) == 0)
            return &o->kv[i];
    return NULL;
}

/* A string value (never null, no NUL inside), or NULL. */
static const char *fk__str(const fk__object *o, const char *key)
{
    const fk__kv *kv = fk__get(o, key);
    if (kv == NULL || kv->is_null || kv->is_number ||
        strlen(fk_buf_cstr(&kv->value)) != kv->value.len)
        return NULL;
    return fk_buf_cstr(&kv->value);
}

static bool fk__hex_field(const fk__object *o, const char *key, unsigned char *out, size_t n)
{
    const char *s = fk__str(o, key);
    return s != NULL && fk_unhex(s, out, n);
}

static void fk__init_object(fk__object *o)
{
    o->n = 0;
    for (size_t i = 0; i < FK__MAX_KEYS; i++) {
        fk_buf_init(&o->kv[i].value, FK__VALUE_MAX);
        o->kv[i].key[0] = '\0';
        o->kv[i].is_null = o->kv[i].is_number = false;
    }
}

typedef struct {
    unsigned char job_id[FK_JOB_ID_BYTES];
    unsigned char pk[FK_SIGN_PUBLIC_BYTES];
    unsigned char prev[FK_HASH_BYTES];
    long expected;
    /* the unauthenticated record: its chain, and every entry's hash for the witnesses */
    unsigned char u_prev[FK_HASH_BYTES];
    long u_expected;
    unsigned char (*u_hashes)[FK_HASH_BYTES];
    size_t u_cap;
    long witnessed;
    bool has_cp, cp_seen;
    long cp_seq;
    unsigned char cp_hash[FK_HASH_BYTES];
    fk_audit_report *rep;
} fk__state;

/* An entry of the unauthenticated record: chained under its own label, never signed. */
static fk_status fk__unauth_entry(fk__state *v, long line, long seq, const char *const f[8],
                                  const unsigned char prev[FK_HASH_BYTES],
                                  const unsigned char want[FK_HASH_BYTES], bool is_signed,
                                  fk_err *err)
{
    unsigned char hash[FK_HASH_BYTES];
    if (v->expected != 1)
        return fk_failf(err, FK_EFORMAT,
                        _("audit export line %ld: unauthenticated entry after signed ones"), line);
    if (is_signed)
        return fk_failf(err, FK_ETAMPER,
                        _("audit export line %ld: an unauthenticated entry carries a signature"),
                        line);
    if (seq != v->u_expected)
        return fk_failf(err, FK_ETAMPER, _("audit export line %ld: unauthenticated entry %ld %s"),
                        line, v->u_expected,
                        seq > v->u_expected ? "missing (deleted?)" : "out of order");
    if (!fk_equal(prev, v->u_prev, FK_HASH_BYTES))
        return fk_failf(err, FK_ETAMPER,
                        _("audit export line %ld: unauthenticated entry %ld does not link to the"
                          " previous one"),
                        line, seq);
    if (fk__audit_hash(v->job_id, false, seq, f, v->u_prev, hash) != FK_OK)
        return fk_failf(err, FK_ENOMEM, _("out of memory"));
    if (!fk_equal(hash, want, FK_HASH_BYTES))
        return fk_failf(err, FK_ETAMPER,
                        _("audit export line %ld: unauthenticated entry %ld: content does not"
                          " match its hash (altered)"),
                        line, seq);
    if ((size_t)seq > v->u_cap) {
        size_t cap = v->u_cap ? v->u_cap * 2 : 64;
        void *p = fk_realloc(v->u_hashes, cap * FK_HASH_BYTES);
        if (p == NULL)
            return fk_failf(err, FK_ENOMEM, _("out of memory"));
        v->u_hashes = p;
        v->u_cap = cap;
    }
    memcpy(v->u_hashes[seq - 1], hash, FK_HASH_BYTES);
    memcpy(v->u_prev, hash, FK_HASH_BYTES);
    v->u_expected++;
    v->rep->unauthenticated++;
    return FK_OK;
}

/* A signed witness must name the unauthenticated entries as they are in the export. */
static fk_status fk__check_witness(fk__state *v, long line, const char *const f[8], fk_err *err)
{
    long from, to;
    unsigned char head[FK_HASH_BYTES];
    if (strcmp(f[5], "unauthenticated record") != 0 ||
        !fk__audit_parse_witness(f[7], &from, &to, head))
        return FK_OK;
    if (to >= v->u_expected || from != v->witnessed + 1)
        return fk_failf(err, FK_ETAMPER,
                        _("audit export line %ld: a witness names unauthenticated entries %ld-%ld,"
                          " which the export does not hold (deleted?)"),
                        line, from, to);
    if (!fk_equal(head, v->u_hashes[to - 1], FK_HASH_BYTES))
        return fk_failf(err, FK_ETAMPER,
                        _("audit export line %ld: unauthenticated entry %ld differs from what its"
                          " witness saw (rewritten)"),
                        line, to);
    v->witnessed = to;
    return FK_OK;
}

static fk_status fk__entry(fk__state *v, const fk__object *o, long line, fk_err *err)
{
    static const char *const names[8] = {"ts_utc",  "ts_local", "user",    "host",
                                         "command", "object",   "outcome", "details"};
    const char *f[8];
    for (int i = 0; i < 8; i++)
        if ((f[i] = fk__str(o, names[i])) == NULL)
            return fk_failf(err, FK_EFORMAT,
                            _("audit export line %ld: '%s' missing or not a string"), line,
                            names[i]);
    const char *record = fk__str(o, "record");
    if (record == NULL || (strcmp(record, "signed") != 0 && strcmp(record, "unauthenticated") != 0))
        return fk_failf(err, FK_EFORMAT, _("audit export line %ld: 'record' missing or unknown"),
                        line);
    const fk__kv *seq_kv = fk__get(o, "seq");
    unsigned char prev[FK_HASH_BYTES], hash[FK_HASH_BYTES], want[FK_HASH_BYTES];
    unsigned char sig[FK_SIGNATURE_BYTES];
    if (seq_kv == NULL || !seq_kv->is_number || !fk__hex_field(o, "prev_hash", prev, sizeof prev) ||
        !fk__hex_field(o, "hash", want, sizeof want))
        return fk_failf(err, FK_EFORMAT,
                        _("audit export line %ld: seq, prev_hash or hash malformed"), line);
    long seq = strtol(fk_buf_cstr(&seq_kv->value), NULL, 10);
    const fk__kv *sig_kv = fk__get(o, "sig");
    bool is_signed = sig_kv != NULL && !sig_kv->is_null;
    if (is_signed && !fk__hex_field(o, "sig", sig, sizeof sig))
        return fk_failf(err, FK_EFORMAT, _("audit export line %ld: sig malformed"), line);
    if (strcmp(record, "unauthenticated") == 0)
        return fk__unauth_entry(v, line, seq, f, prev, want, is_signed, err);
    if (seq != v->expected)
        return fk_failf(err, FK_ETAMPER, _("audit export line %ld: entry %ld %s"), line,
                        v->expected, seq > v->expected ? "missing (deleted?)" : "out of order");
    if (!fk_equal(prev, v->prev, FK_HASH_BYTES))
        return fk_failf(err, FK_ETAMPER,
                        _("audit export line %ld: entry %ld does not link to the"
                          " previous entry"),
                        line, seq);
    if (fk__audit_hash(v->job_id, true, seq, f, v->prev, hash) != FK_OK)
        return fk_failf(err, FK_ENOMEM, _("out of memory"));
    if (!fk_equal(hash, want, FK_HASH_BYTES))
        return fk_failf(err, FK_ETAMPER,
                        _("audit export line %ld: entry %ld: content does not match its hash"
                          " (altered)"),
                        line, seq);
    /* Every entry of the signed log carries its signature (nothing is signed later). */
    if (!is_signed)
        return fk_failf(err, FK_ETAMPER, _("audit export line %ld: entry %ld is not signed"), line,
                        seq);
    if (!fk_sign_verify(v->pk, sig, hash, FK_HASH_BYTES))
        return fk_failf(err, FK_ETAMPER,
                        _("audit export line %ld: entry %ld: signature does"
                          " not verify (forged or re-chained)"),
                        line, seq);
    fk_status s = fk__check_witness(v, line, f, err);
    if (s != FK_OK)
        return s;
    if (v->has_cp && seq == v->cp_seq) {
        if (!fk_equal(hash, v->cp_hash, FK_HASH_BYTES))
            return fk_failf(err, FK_ETAMPER,
                            _("audit export line %ld: entry %ld differs from the"
                              " checkpoint (history rewritten)"),
                            line, seq);
        v->cp_seen = true;
    }
    memcpy(v->prev, hash, FK_HASH_BYTES);
    v->expected++;
    v->rep->entries++;
    v->rep->head_seq = seq;
    fk_hex(hash, FK_HASH_BYTES, v->rep->head_hex);
    return FK_OK;
}

static fk_status fk__header(fk__state *v, const fk__object *o, const unsigned char *pubkey,
                            fk_err *err)
{
    const char *format = fk__str(o, "format");
    if (format == NULL || strcmp(format, "fukan-audit/2") != 0 ||
        !fk__hex_field(o, "job_id", v->job_id, sizeof v->job_id) ||
        !fk__hex_field(o, "pubkey", v->pk, sizeof v->pk))
        return fk_failf(err, FK_EFORMAT, _("audit export line 1: not a fukan-audit/2 header"));
    if (pubkey != NULL && !fk_equal(pubkey, v->pk, FK_SIGN_PUBLIC_BYTES))
        return fk_failf(err, FK_ETAMPER, _("audit export: its public key is not the one given"));
    return FK_OK;
}

static fk_status fk__parse_cp(fk__state *v, const char *cp, fk_err *err)
{
    v->has_cp = cp != NULL;
    if (cp == NULL)
        return FK_OK;
    const char *at = strchr(cp, '@');
    char hex[2 * FK_HASH_BYTES + 1], *end;
    if (at == NULL || at - cp != 2 * FK_HASH_BYTES)
        return fk_failf(err, FK_EINVAL, _("checkpoint must be HASH@SEQ (64 hex digits @ number)"));
    memcpy(hex, cp, sizeof hex - 1);
    hex[sizeof hex - 1] = '\0';
    v->cp_seq = strtol(at + 1, &end, 10);
    if (!fk_unhex(hex, v->cp_hash, FK_HASH_BYTES) || *end != '\0' || v->cp_seq < 1)
        return fk_failf(err, FK_EINVAL, _("checkpoint must be HASH@SEQ (64 hex digits @ number)"));
    return FK_OK;
}

fk_status fk_audit_verify_jsonl(const char *data, size_t len, const unsigned char *pubkey,
                                const char *checkpoint, fk_audit_report *report, fk_err *err)
{
    memset(report, 0, sizeof *report);
    fk__state *v = fk_calloc(1, sizeof *v);
    fk__object *o = fk_calloc(1, sizeof *o);
    fk_status s = v && o ? FK_OK : fk_failf(err, FK_ENOMEM, _("out of memory"));
    if (s == FK_OK) {
        v->expected = 1;
        v->u_expected = 1;
        v->rep = report;
        s = fk__parse_cp(v, checkpoint, err);
    }
    const char *p = data, *end = data + len;
    long line = 0;
    while (s == FK_OK && p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *stop = nl != NULL ? nl : end;
        line++;
        if (stop - p > FK__LINE_MAX) {
            s = fk_failf(err, FK_EFORMAT, _("audit export line %ld: too long"), line);
            break;
        }
        fk__init_object(o);
        if (!fk__parse_object(p, stop, o))
            s = fk_failf(err, FK_EFORMAT, _("audit export line %ld: not a flat JSON object"), line);
        else if (line == 1)
            s = fk__header(v, o, pubkey, err);
        else
            s = fk__entry(v, o, line, err);
        fk__object_free(o);
        p = nl != NULL ? nl + 1 : end;
    }
    if (s == FK_OK && line == 0)
        s = fk_failf(err, FK_EFORMAT, _("audit export: empty"));
    if (s == FK_OK && report->entries == 0)
        s = fk_failf(err, FK_ETAMPER, _("audit export: no entries"));
    if (s == FK_OK && v->has_cp && !v->cp_seen)
        s = fk_failf(err, FK_ETAMPER,
                     _("audit export: entry %ld of the checkpoint is missing (log truncated after"
                       " entry %ld)"),
                     v->cp_seq, report->head_seq);
    if (s == FK_OK)
        report->unwitnessed = report->unauthenticated - v->witnessed;
    if (v != NULL)
        fk_free(v->u_hashes);
    fk_free(v);
    fk_free(o);
    return s;
}

/* One line per entry, as key=value pairs that log collectors split into fields; the values
 * are the audit entry's own, which never hold personal data. */
void fk__audit_syslog(fk_job *job, bool authenticated, long seq, const char *const fields[8],
                      const unsigned char hash[FK_HASH_BYTES])
{
    if (job->order != NULL && !fk_order_syslog(job->order))
        return;
    static bool opened;
    if (!opened) {
        openlog("fukan", LOG_PID | LOG_NDELAY, LOG_USER);
        opened = true;
    }
    char hex[2 * FK_HASH_BYTES + 1];
    fk_hex(hash, FK_HASH_BYTES, hex);
    bool ok = strcmp(fields[6], "FK_OK") == 0;
    syslog(ok ? LOG_INFO : LOG_WARNING,
           "FUKAN_JOB=%s FUKAN_RECORD=%s FUKAN_SEQ=%ld FUKAN_USER=%s FUKAN_HOST=%s "
           "FUKAN_COMMAND=\"%s\""
           " FUKAN_OBJECT=\"%s\" FUKAN_OUTCOME=%s FUKAN_HASH=%s FUKAN_DETAILS=\"%s\"",
           job->id_hex, authenticated ? "signed" : "unauthenticated", seq, fields[2], fields[3],
           fields[4], fields[5], fields[6], hex, fields[7]);
}
