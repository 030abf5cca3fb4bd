/* The hash-chained, signed audit log: see audit.h. */
#include "audit.h"
#include "job-private.h"
#include "util/mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FK__FIELDS 9

/* Canonical encoding: each field as "<byte length>:<bytes>\n", in a fixed order. */
static fk_status fk__encode(fk_buf *b, long seq, const char *const fields[FK__FIELDS - 1])
{
    char num[24];
    snprintf(num, sizeof num, "%ld", seq);
    fk_status s = fk_buf_appendf(b, "%zu:%s\n", strlen(num), num);
    for (int i = 0; s == FK_OK && i < FK__FIELDS - 1; i++) {
        s = fk_buf_appendf(b, "%zu:", strlen(fields[i]));
        if (s == FK_OK)
            s = fk_buf_append_str(b, fields[i]);
        if (s == FK_OK)
            s = fk_buf_append_byte(b, '\n');
    }
    return s;
}

static fk_status fk__entry_hash(const fk_job *job, long seq, const char *const fields[],
                                const unsigned char prev[FK_HASH_BYTES],
                                unsigned char out[FK_HASH_BYTES])
{
    fk_buf b;
    fk_buf_init(&b, 1 << 20);
    fk_status s = fk_buf_append(&b, job->id, sizeof job->id);
    if (s == FK_OK)
        s = fk__encode(&b, seq, fields);
    if (s == FK_OK)
        s = fk_buf_append(&b, prev, FK_HASH_BYTES);
    if (s == FK_OK)
        fk_hash(b.data, b.len, out);
    fk_buf_free(&b);
    return s;
}

/* The last entry's sequence number and hash (0 and zeros for an empty log). */
static fk_status fk__head(fk_job *job, long *seq, unsigned char hash[FK_HASH_BYTES], fk_err *err)
{
    sqlite3_stmt *st;
    fk_status s =
        fk__job_prepare(job, "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1", &st, err);
    if (s != FK_OK)
        return s;
    *seq = 0;
    memset(hash, 0, FK_HASH_BYTES);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *seq = (long)sqlite3_column_int64(st, 0);
        if (sqlite3_column_bytes(st, 1) == FK_HASH_BYTES)
            memcpy(hash, sqlite3_column_blob(st, 1), FK_HASH_BYTES);
    } else if (rc != SQLITE_DONE) {
        s = fk__job_db_fail(job, err);
    }
    sqlite3_finalize(st);
    return s;
}

/* Loads the signing key sealed under the job key and signs hash; FK_EPERM without the key. */
static fk_status fk__sign(fk_job *job, const unsigned char hash[FK_HASH_BYTES],
                          unsigned char sig[FK_SIGNATURE_BYTES], fk_err *err)
{
    unsigned char sealed[512];
    size_t n;
    fk_key *seal = NULL;
    fk_status s = fk__job_subkey(job, "auditsig", &seal, err);
    if (s == FK_OK)
        s = fk__job_meta_get(job, "sign_sk", sealed, sizeof sealed, &n, err);
    if (s == FK_OK)
        s = fk_sign(seal, sealed, n, hash, FK_HASH_BYTES, sig, err);
    fk_key_free(seal);
    return s;
}

fk_status fk__audit_append(fk_job *job, const char *user, const char *command, const char *object,
                           const char *outcome, const char *details, fk_err *err)
{
    char utc[32], local[40];
    fk__job_now(utc, local);
    const char *fields[FK__FIELDS - 1] = {utc,
                                          local,
                                          user ? user : "-",
                                          job->host,
                                          command ? command : "-",
                                          object ? object : "-",
                                          outcome,
                                          details ? details : ""};
    long seq;
    unsigned char prev[FK_HASH_BYTES], hash[FK_HASH_BYTES], sig[FK_SIGNATURE_BYTES];
    fk_status s = fk__head(job, &seq, prev, err);
    if (s == FK_OK)
        s = fk__entry_hash(job, seq + 1, fields, prev, hash);
    bool is_signed = s == FK_OK && job->key != NULL;
    if (is_signed)
        s = fk__sign(job, hash, sig, err);
    sqlite3_stmt *st = NULL;
    if (s == FK_OK)
        s = fk__job_prepare(job,
                            "INSERT INTO audit (seq, ts_utc, ts_local, user, host, command,"
                            " object, outcome, details, prev_hash, hash, sig)"
                            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            &st, err);
    if (s == FK_OK) {
        sqlite3_bind_int64(st, 1, seq + 1);
        for (int i = 0; i < FK__FIELDS - 1; i++)
            sqlite3_bind_text(st, 2 + i, fields[i], -1, SQLITE_STATIC);
        sqlite3_bind_blob(st, 10, prev, FK_HASH_BYTES, SQLITE_STATIC);
        sqlite3_bind_blob(st, 11, hash, FK_HASH_BYTES, SQLITE_STATIC);
        if (is_signed)
            sqlite3_bind_blob(st, 12, sig, FK_SIGNATURE_BYTES, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_DONE)
            s = fk__job_db_fail(job, err);
    }
    sqlite3_finalize(st);
    if (s == FK_OK)
        fk__audit_syslog(job, seq + 1, fields, hash);
    return s;
}

fk_status fk_job_audit(fk_job *job, const char *object, fk_status outcome, const char *details,
                       fk_err *err)
{
    return fk__audit_append(job, job->user, job->command, object, fk_status_name(outcome), details,
                            err);
}

fk_status fk__audit_sign_pending(fk_job *job, fk_err *err)
{
    sqlite3_stmt *sel, *upd = NULL;
    fk_status s = fk__job_prepare(job, "SELECT seq, hash FROM audit WHERE sig IS NULL", &sel, err);
    if (s != FK_OK)
        return s;
    s = fk__job_prepare(job, "UPDATE audit SET sig = ?2 WHERE seq = ?1 AND sig IS NULL", &upd, err);
    while (s == FK_OK && sqlite3_step(sel) == SQLITE_ROW) {
        unsigned char hash[FK_HASH_BYTES], sig[FK_SIGNATURE_BYTES];
        if (sqlite3_column_bytes(sel, 1) != FK_HASH_BYTES)
            break; /* a damaged entry: left for the verifier to name */
        memcpy(hash, sqlite3_column_blob(sel, 1), FK_HASH_BYTES);
        s = fk__sign(job, hash, sig, err);
        if (s != FK_OK)
            break;
        sqlite3_bind_int64(upd, 1, sqlite3_column_int64(sel, 0));
        sqlite3_bind_blob(upd, 2, sig, sizeof sig, SQLITE_STATIC);
        if (sqlite3_step(upd) != SQLITE_DONE)
            s = fk__job_db_fail(job, err);
        sqlite3_reset(upd);
    }
    sqlite3_finalize(sel);
    sqlite3_finalize(upd);
    return s;
}

fk_status fk_audit_pubkey(fk_job *job, unsigned char pk[FK_SIGN_PUBLIC_BYTES], fk_err *err)
{
    size_t n;
    fk_status s = fk__job_meta_get(job, "sign_pk", pk, FK_SIGN_PUBLIC_BYTES, &n, err);
    if (s == FK_OK && n != FK_SIGN_PUBLIC_BYTES)
        s = fk_failf(err, FK_ETAMPER, "%s: the audit public key is damaged", job->dir);
    return s;
}

fk_status fk_audit_checkpoint(fk_job *job, char *out, size_t size, fk_err *err)
{
    long seq;
    unsigned char hash[FK_HASH_BYTES];
    fk_status s = fk__head(job, &seq, hash, err);
    if (s != FK_OK)
        return s;
    char hex[2 * FK_HASH_BYTES + 1];
    fk_hex(hash, sizeof hash, hex);
    snprintf(out, size, "%s@%ld", hex, seq);
    return FK_OK;
}

static const char *fk__text(sqlite3_stmt *st, int i)
{
    const char *s = (const char *)sqlite3_column_text(st, i);
    return s != NULL ? s : "";
}

static bool fk__matches(const fk_audit_filter *f, const fk_audit_entry *e)
{
    if (f == NULL)
        return true;
    if (f->user != NULL && strcmp(f->user, e->user) != 0)
        return false;
    if (f->command != NULL && strcmp(f->command, e->command) != 0)
        return false;
    if (f->since != NULL && strncmp(e->ts_local, f->since, strlen(f->since)) < 0)
        return false;
    if (f->until != NULL && strncmp(e->ts_local, f->until, strlen(f->until)) > 0)
        return false;
    return true;
}

static void fk__read_entry(sqlite3_stmt *st, fk_audit_entry *e)
{
    e->seq = (long)sqlite3_column_int64(st, 0);
    e->ts_utc = fk__text(st, 1);
    e->ts_local = fk__text(st, 2);
    e->user = fk__text(st, 3);
    e->host = fk__text(st, 4);
    e->command = fk__text(st, 5);
    e->object = fk__text(st, 6);
    e->outcome = fk__text(st, 7);
    e->details = fk__text(st, 8);
    e->hash_hex[0] = '\0';
    if (sqlite3_column_bytes(st, 10) == FK_HASH_BYTES)
        fk_hex(sqlite3_column_blob(st, 10), FK_HASH_BYTES, e->hash_hex);
    e->is_signed = sqlite3_column_bytes(st, 11) == FK_SIGNATURE_BYTES;
}

#define FK__SELECT_ALL                                                                             \
    "SELECT seq, ts_utc, ts_local, user, host, command, object, outcome, details,"                 \
    " prev_hash, hash, sig FROM audit ORDER BY rowid"

fk_status fk_audit_foreach(fk_job *job, const fk_audit_filter *filter,
                           int (*visit)(const fk_audit_entry *, void *), void *ctx, fk_err *err)
{
    sqlite3_stmt *st;
    fk_status s = fk__job_prepare(job, FK__SELECT_ALL, &st, err);
    if (s != FK_OK)
        return s;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        fk_audit_entry e;
        fk__read_entry(st, &e);
        if (fk__matches(filter, &e) && visit(&e, ctx) != 0)
            break;
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        s = fk__job_db_fail(job, err);
    sqlite3_finalize(st);
    return s;
}

typedef struct {
    bool has_checkpoint;
    long seq;
    unsigned char hash[FK_HASH_BYTES];
    bool seen;
} fk__checkpoint;

static fk_status fk__parse_checkpoint(const char *text, fk__checkpoint *cp, fk_err *err)
{
    cp->has_checkpoint = text != NULL;
    cp->seen = false;
    if (text == NULL)
        return FK_OK;
    const char *at = strchr(text, '@');
    char hex[2 * FK_HASH_BYTES + 1];
    char *end;
    if (at == NULL || at - text != 2 * FK_HASH_BYTES)
        return fk_failf(err, FK_EINVAL, "checkpoint must be HASH@SEQ (64 hex digits @ number)");
    memcpy(hex, text, 2 * FK_HASH_BYTES);
    hex[2 * FK_HASH_BYTES] = '\0';
    cp->seq = strtol(at + 1, &end, 10);
    if (!fk_unhex(hex, cp->hash, FK_HASH_BYTES) || *end != '\0' || cp->seq < 1)
        return fk_failf(err, FK_EINVAL, "checkpoint must be HASH@SEQ (64 hex digits @ number)");
    return FK_OK;
}

typedef struct {
    fk_job *job;
    const unsigned char *pk;
    fk__checkpoint cp;
    unsigned char prev[FK_HASH_BYTES];
    long expected_seq;
    fk_audit_report *report;
    fk_err *err;
} fk__verify;

static fk_status fk__tamper(fk__verify *v, long seq, const char *what)
{
    return fk_failf(v->err, FK_ETAMPER, "%s: audit entry %ld: %s", v->job->dir, seq, what);
}

static fk_status fk__verify_entry(fk__verify *v, sqlite3_stmt *st)
{
    fk_audit_entry e;
    fk__read_entry(st, &e);
    if (e.seq != v->expected_seq)
        return fk__tamper(v, v->expected_seq,
                          e.seq > v->expected_seq ? "missing (deleted?)" : "out of order");
    if (sqlite3_column_bytes(st, 9) != FK_HASH_BYTES ||
        !fk_equal(sqlite3_column_blob(st, 9), v->prev, FK_HASH_BYTES))
        return fk__tamper(v, e.seq, "does not link to the previous entry");
    const char *fields[FK__FIELDS - 1] = {e.ts_utc,  e.ts_local, e.user,    e.host,
                                          e.command, e.object,   e.outcome, e.details};
    unsigned char hash[FK_HASH_BYTES];
    if (fk__entry_hash(v->job, e.seq, fields, v->prev, hash) != FK_OK)
        return fk_failf(v->err, FK_ENOMEM, "out of memory");
    if (sqlite3_column_bytes(st, 10) != FK_HASH_BYTES ||
        !fk_equal(sqlite3_column_blob(st, 10), hash, FK_HASH_BYTES))
        return fk__tamper(v, e.seq, "content does not match its hash (altered)");
    if (e.is_signed) {
        if (v->report->unsigned_tail > 0)
            return fk__tamper(v, e.seq - v->report->unsigned_tail,
                              "unsigned entry before signed ones");
        if (!fk_sign_verify(v->pk, sqlite3_column_blob(st, 11), hash, FK_HASH_BYTES))
            return fk__tamper(v, e.seq, "signature does not verify (forged or re-chained)");
    } else {
        v->report->unsigned_tail++;
    }
    if (v->cp.has_checkpoint && e.seq == v->cp.seq) {
        if (!fk_equal(hash, v->cp.hash, FK_HASH_BYTES))
            return fk__tamper(v, e.seq, "differs from the checkpoint (history rewritten)");
        v->cp.seen = true;
    }
    memcpy(v->prev, hash, FK_HASH_BYTES);
    v->expected_seq++;
    v->report->entries++;
    v->report->head_seq = e.seq;
    fk_hex(hash, FK_HASH_BYTES, v->report->head_hex);
    return FK_OK;
}

fk_status fk_audit_verify(fk_job *job, const unsigned char *pubkey, const char *checkpoint,
                          fk_audit_report *report, fk_err *err)
{
    unsigned char own[FK_SIGN_PUBLIC_BYTES];
    memset(report, 0, sizeof *report);
    fk__verify v = {.job = job, .pk = pubkey, .expected_seq = 1, .report = report, .err = err};
    fk_status s = fk__parse_checkpoint(checkpoint, &v.cp, err);
    if (s == FK_OK && pubkey == NULL) {
        s = fk_audit_pubkey(job, own, err);
        v.pk = own;
    }
    sqlite3_stmt *st = NULL;
    if (s == FK_OK)
        s = fk__job_prepare(job, FK__SELECT_ALL, &st, err);
    int rc = SQLITE_DONE;
    while (s == FK_OK && (rc = sqlite3_step(st)) == SQLITE_ROW)
        s = fk__verify_entry(&v, st);
    if (s == FK_OK && rc != SQLITE_DONE)
        s = fk__job_db_fail(job, err);
    sqlite3_finalize(st);
    /* Checked after the entries, so that entries re-signed under a substituted key are
     * named first. */
    if (s == FK_OK && pubkey != NULL && fk_audit_pubkey(job, own, NULL) == FK_OK &&
        !fk_equal(own, pubkey, FK_SIGN_PUBLIC_BYTES))
        s = fk_failf(err, FK_ETAMPER, "%s: the job's audit public key is not the one given",
                     job->dir);
    if (s == FK_OK && report->entries == 0)
        s = fk_failf(err, FK_ETAMPER, "%s: the audit log is empty", job->dir);
    if (s == FK_OK && v.cp.has_checkpoint && !v.cp.seen)
        s = fk_failf(err, FK_ETAMPER,
                     "%s: audit entry %ld of the checkpoint is missing (log truncated after"
                     " entry %ld)",
                     job->dir, v.cp.seq, report->head_seq);
    return s;
}
