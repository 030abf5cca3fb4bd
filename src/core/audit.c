/* The hash-chained, signed audit log and its unauthenticated record: see audit.h. */
#include "audit.h"
#include "job-private.h"
#include "util/mem.h"
#include "util/i18n.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FK__FIELDS 9

/* Domain labels: an entry of one record can never verify as an entry of the other, nor as
 * an entry of the earlier format. */
static const char fk__signed_label[] = "fukan audit v2\n";
static const char fk__unauth_label[] = "fukan audit unauthenticated v2\n";

/* The witness entries' object and the prefix of their details. */
static const char fk__witness_object[] = "unauthenticated record";
static const char fk__witness_prefix[] = "witnessed unauthenticated entries ";

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

fk_status fk__audit_hash(const unsigned char job_id[FK_JOB_ID_BYTES], bool authenticated, long seq,
                         const char *const fields[], const unsigned char prev[FK_HASH_BYTES],
                         unsigned char out[FK_HASH_BYTES])
{
    fk_buf b;
    fk_buf_init(&b, (size_t)1 << 21);
    fk_status s = fk_buf_append_str(&b, authenticated ? fk__signed_label : fk__unauth_label);
    if (s == FK_OK)
        s = fk_buf_append(&b, job_id, FK_JOB_ID_BYTES);
    if (s == FK_OK)
        s = fk__encode(&b, seq, fields);
    if (s == FK_OK)
        s = fk_buf_append(&b, prev, FK_HASH_BYTES);
    if (s == FK_OK)
        fk_hash(b.data, b.len, out);
    fk_buf_free(&b);
    return s;
}

static fk_status fk__entry_hash(const fk_job *job, bool authenticated, long seq,
                                const char *const fields[], const unsigned char prev[FK_HASH_BYTES],
                                unsigned char out[FK_HASH_BYTES])
{
    return fk__audit_hash(job->id, authenticated, seq, fields, prev, out);
}

static const char *fk__table(bool authenticated)
{
    return authenticated ? "audit" : "audit_unauth";
}

/* The last entry's sequence number and hash (0 and zeros for an empty record). */
static fk_status fk__head(fk_job *job, bool authenticated, long *seq,
                          unsigned char hash[FK_HASH_BYTES], fk_err *err)
{
    char sql[96];
    snprintf(sql, sizeof sql, "SELECT seq, hash FROM %s ORDER BY seq DESC LIMIT 1",
             fk__table(authenticated));
    sqlite3_stmt *st;
    fk_status s = fk__job_prepare(job, sql, &st, err);
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
    const fk_key *seal = NULL;
    fk_status s = fk__job_key(job, "auditsig", &seal, err);
    if (s == FK_OK)
        s = fk__job_meta_get(job, "sign_sk", sealed, sizeof sealed, &n, err);
    if (s == FK_OK)
        s = fk_sign(seal, sealed, n, hash, FK_HASH_BYTES, sig, err);
    return s;
}

/* Parses a witness's details "witnessed unauthenticated entries A-B, head HEX". */
bool fk__audit_parse_witness(const char *details, long *from, long *to,
                             unsigned char head[FK_HASH_BYTES])
{
    size_t n = strlen(fk__witness_prefix);
    if (strncmp(details, fk__witness_prefix, n) != 0)
        return false;
    char *end;
    *from = strtol(details + n, &end, 10);
    if (*end != '-')
        return false;
    *to = strtol(end + 1, &end, 10);
    if (strncmp(end, ", head ", 7) != 0 || *from < 1 || *to < *from)
        return false;
    return fk_unhex(end + 7, head, FK_HASH_BYTES);
}

/* The last unauthenticated entry a signed witness covers (0 when none). */
static fk_status fk__witnessed(fk_job *job, long *upto, fk_err *err)
{
    sqlite3_stmt *st;
    fk_status s = fk__job_prepare(
        job, "SELECT details FROM audit WHERE object = ? ORDER BY seq DESC LIMIT 1", &st, err);
    if (s != FK_OK)
        return s;
    sqlite3_bind_text(st, 1, fk__witness_object, -1, SQLITE_STATIC);
    *upto = 0;
    int rc = sqlite3_step(st);
    long from;
    unsigned char head[FK_HASH_BYTES];
    if (rc == SQLITE_ROW) {
        const char *d = (const char *)sqlite3_column_text(st, 0);
        if (d == NULL || !fk__audit_parse_witness(d, &from, upto, head))
            s = fk_failf(err, FK_ETAMPER,
                         _("%s: the last witness entry of the audit log is damaged"), job->dir);
    } else if (rc != SQLITE_DONE) {
        s = fk__job_db_fail(job, err);
    }
    sqlite3_finalize(st);
    return s;
}

static fk_status fk__insert(fk_job *job, bool authenticated, const char *const fields[],
                            fk_err *err)
{
    long seq;
    unsigned char prev[FK_HASH_BYTES], hash[FK_HASH_BYTES], sig[FK_SIGNATURE_BYTES];
    fk_status s = fk__head(job, authenticated, &seq, prev, err);
    if (s == FK_OK && fk__entry_hash(job, authenticated, seq + 1, fields, prev, hash) != FK_OK)
        s = fk_failf(err, FK_ENOMEM, _("out of memory"));
    if (s == FK_OK && authenticated)
        s = fk__sign(job, hash, sig, err);
    sqlite3_stmt *st = NULL;
    char sql[256];
    snprintf(sql, sizeof sql,
             "INSERT INTO %s (seq, ts_utc, ts_local, user, host, command, object, outcome,"
             " details, prev_hash, hash%s) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?%s)",
             fk__table(authenticated), authenticated ? ", sig" : "", authenticated ? ", ?" : "");
    if (s == FK_OK)
        s = fk__job_prepare(job, sql, &st, err);
    if (s == FK_OK) {
        sqlite3_bind_int64(st, 1, seq + 1);
        for (int i = 0; i < FK__FIELDS - 1; i++)
            sqlite3_bind_text(st, 2 + i, fields[i], -1, SQLITE_STATIC);
        sqlite3_bind_blob(st, 10, prev, FK_HASH_BYTES, SQLITE_STATIC);
        sqlite3_bind_blob(st, 11, hash, FK_HASH_BYTES, SQLITE_STATIC);
        if (authenticated)
            sqlite3_bind_blob(st, 12, sig, FK_SIGNATURE_BYTES, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_DONE)
            s = fk__job_db_fail(job, err);
    }
    sqlite3_finalize(st);
    /* Every entry, witnesses and unauthenticated ones too, also goes to the system log for
     * the contractor's log monitoring (auditlog.c), marked signed or unauthenticated. */
    if (s == FK_OK)
        fk__audit_syslog(job, authenticated, seq + 1, fields, hash);
    return s;
}

/* Before a keyed session's first entry: a signed entry stating how many unauthenticated
 * entries were written since the last witness and the hash of their chain's head. It never
 * vouches for their content, only that they existed when a key holder came by, so later
 * deleting or rewriting them is caught. */
static fk_status fk__witness(fk_job *job, const char *user, const char *command, const char *utc,
                             const char *local, fk_err *err)
{
    long head_seq, upto;
    unsigned char head[FK_HASH_BYTES];
    fk_status s = fk__head(job, false, &head_seq, head, err);
    if (s == FK_OK)
        s = fk__witnessed(job, &upto, err);
    if (s != FK_OK || head_seq <= upto)
        return s;
    char hex[2 * FK_HASH_BYTES + 1], details[160];
    fk_hex(head, sizeof head, hex);
    snprintf(details, sizeof details, "%s%ld-%ld, head %s", fk__witness_prefix, upto + 1, head_seq,
             hex);
    const char *fields[FK__FIELDS - 1] = {
        utc, local, user, job->host, command, fk__witness_object, "FK_OK", details};
    return fk__insert(job, true, fields, err);
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
    bool keyed = job->key != NULL;
    fk_status s = keyed ? fk__witness(job, fields[2], fields[4], utc, local, err) : FK_OK;
    return s == FK_OK ? fk__insert(job, keyed, fields, err) : s;
}

fk_status fk_job_audit(fk_job *job, const char *object, fk_status outcome, const char *details,
                       fk_err *err)
{
    return fk__audit_append(job, job->user, job->command, object, fk_status_name(outcome), details,
                            err);
}

fk_status fk_audit_pubkey(fk_job *job, unsigned char pk[FK_SIGN_PUBLIC_BYTES], fk_err *err)
{
    size_t n;
    fk_status s = fk__job_meta_get(job, "sign_pk", pk, FK_SIGN_PUBLIC_BYTES, &n, err);
    if (s == FK_OK && n != FK_SIGN_PUBLIC_BYTES)
        s = fk_failf(err, FK_ETAMPER, _("%s: the audit public key is damaged"), job->dir);
    return s;
}

fk_status fk_audit_checkpoint(fk_job *job, char *out, size_t size, fk_err *err)
{
    long seq;
    unsigned char hash[FK_HASH_BYTES];
    fk_status s = fk__head(job, true, &seq, hash, err);
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

static void fk__read_entry(sqlite3_stmt *st, bool authenticated, fk_audit_entry *e)
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
    e->authenticated = authenticated;
    e->is_signed = authenticated && sqlite3_column_bytes(st, 11) == FK_SIGNATURE_BYTES;
}

#define FK__SELECT_SIGNED                                                                          \
    "SELECT seq, ts_utc, ts_local, user, host, command, object, outcome, details,"                 \
    " prev_hash, hash, sig FROM audit ORDER BY rowid"
#define FK__SELECT_UNAUTH                                                                          \
    "SELECT seq, ts_utc, ts_local, user, host, command, object, outcome, details,"                 \
    " prev_hash, hash, NULL FROM audit_unauth ORDER BY rowid"

fk_status fk_audit_foreach(fk_job *job, const fk_audit_filter *filter,
                           int (*visit)(const fk_audit_entry *, void *), void *ctx, fk_err *err)
{
    fk_status s = FK_OK;
    bool stopped = false;
    for (int pass = 0; s == FK_OK && !stopped && pass < 2; pass++) {
        bool authenticated = pass == 0;
        sqlite3_stmt *st;
        s = fk__job_prepare(job, authenticated ? FK__SELECT_SIGNED : FK__SELECT_UNAUTH, &st, err);
        if (s != FK_OK)
            break;
        int rc;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            fk_audit_entry e;
            fk__read_entry(st, authenticated, &e);
            if (fk__matches(filter, &e) && visit(&e, ctx) != 0) {
                stopped = true;
                break;
            }
        }
        if (!stopped && rc != SQLITE_DONE)
            s = fk__job_db_fail(job, err);
        sqlite3_finalize(st);
    }
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
        return fk_failf(err, FK_EINVAL, _("checkpoint must be HASH@SEQ (64 hex digits @ number)"));
    memcpy(hex, text, 2 * FK_HASH_BYTES);
    hex[2 * FK_HASH_BYTES] = '\0';
    cp->seq = strtol(at + 1, &end, 10);
    if (!fk_unhex(hex, cp->hash, FK_HASH_BYTES) || *end != '\0' || cp->seq < 1)
        return fk_failf(err, FK_EINVAL, _("checkpoint must be HASH@SEQ (64 hex digits @ number)"));
    return FK_OK;
}

typedef struct {
    fk_job *job;
    const unsigned char *pk;
    fk__checkpoint cp;
    unsigned char prev[FK_HASH_BYTES];
    long expected_seq;
    unsigned char *unauth; /* the unauthenticated record's hashes, 32 bytes per entry */
    long unauth_count;
    long witnessed; /* the last unauthenticated entry a witness covers */
    fk_audit_report *report;
    fk_err *err;
} fk__verify;

static fk_status fk__tamper(fk__verify *v, bool authenticated, long seq, const char *what)
{
    return fk_failf(v->err, FK_ETAMPER, _("%s: %saudit entry %ld: %s"), v->job->dir,
                    authenticated ? "" : _("unauthenticated "), seq, what);
}

/* Checks the sequence, link and hash of one entry of either record; the hash into out. */
static fk_status fk__verify_chain(fk__verify *v, sqlite3_stmt *st, bool authenticated,
                                  const fk_audit_entry *e, unsigned char out[FK_HASH_BYTES])
{
    if (e->seq != v->expected_seq)
        return fk__tamper(v, authenticated, v->expected_seq,
                          e->seq > v->expected_seq ? _("missing (deleted?)") : _("out of order"));
    if (sqlite3_column_bytes(st, 9) != FK_HASH_BYTES ||
        !fk_equal(sqlite3_column_blob(st, 9), v->prev, FK_HASH_BYTES))
        return fk__tamper(v, authenticated, e->seq, _("does not link to the previous entry"));
    const char *fields[FK__FIELDS - 1] = {e->ts_utc,  e->ts_local, e->user,    e->host,
                                          e->command, e->object,   e->outcome, e->details};
    if (fk__entry_hash(v->job, authenticated, e->seq, fields, v->prev, out) != FK_OK)
        return fk_failf(v->err, FK_ENOMEM, _("out of memory"));
    if (sqlite3_column_bytes(st, 10) != FK_HASH_BYTES ||
        !fk_equal(sqlite3_column_blob(st, 10), out, FK_HASH_BYTES))
        return fk__tamper(v, authenticated, e->seq, _("content does not match its hash (altered)"));
    memcpy(v->prev, out, FK_HASH_BYTES);
    v->expected_seq++;
    return FK_OK;
}

static fk_status fk__verify_unauth(fk__verify *v, sqlite3_stmt *st)
{
    fk_audit_entry e;
    fk__read_entry(st, false, &e);
    unsigned char hash[FK_HASH_BYTES];
    fk_status s = fk__verify_chain(v, st, false, &e, hash);
    if (s != FK_OK)
        return s;
    unsigned char *grown = fk_realloc(v->unauth, (size_t)(v->unauth_count + 1) * FK_HASH_BYTES);
    if (grown == NULL)
        return fk_failf(v->err, FK_ENOMEM, _("out of memory"));
    v->unauth = grown;
    memcpy(v->unauth + (size_t)v->unauth_count * FK_HASH_BYTES, hash, FK_HASH_BYTES);
    v->unauth_count++;
    return FK_OK;
}

/* A witness must take up where the previous one stopped and name an existing head. */
static fk_status fk__verify_witness(fk__verify *v, const fk_audit_entry *e)
{
    long from, to;
    unsigned char head[FK_HASH_BYTES];
    if (!fk__audit_parse_witness(e->details, &from, &to, head))
        return fk__tamper(v, true, e->seq, _("a malformed witness of the unauthenticated record"));
    if (from != v->witnessed + 1)
        return fk__tamper(v, true, e->seq, _("witness does not follow the previous one"));
    if (to > v->unauth_count)
        return fk_failf(v->err, FK_ETAMPER,
                        _("%s: unauthenticated audit entries %ld-%ld witnessed by audit entry %ld"
                          " are missing (deleted)"),
                        v->job->dir, v->unauth_count + 1, to, e->seq);
    if (!fk_equal(v->unauth + (size_t)(to - 1) * FK_HASH_BYTES, head, FK_HASH_BYTES))
        return fk_failf(v->err, FK_ETAMPER,
                        _("%s: unauthenticated audit entries up to %ld differ from what audit entry"
                          " %ld witnessed (rewritten)"),
                        v->job->dir, to, e->seq);
    v->witnessed = to;
    return FK_OK;
}

static fk_status fk__verify_signed(fk__verify *v, sqlite3_stmt *st)
{
    fk_audit_entry e;
    fk__read_entry(st, true, &e);
    unsigned char hash[FK_HASH_BYTES];
    fk_status s = fk__verify_chain(v, st, true, &e, hash);
    if (s != FK_OK)
        return s;
    /* Every entry of the signed log is signed: one without is a forgery, however well
     * chained (the chain itself needs no key). */
    if (!e.is_signed)
        return fk__tamper(v, true, e.seq, _("not signed (forged by someone without the job key)"));
    if (!fk_sign_verify(v->pk, sqlite3_column_blob(st, 11), hash, FK_HASH_BYTES))
        return fk__tamper(v, true, e.seq, _("signature does not verify (forged or re-chained)"));
    if (strcmp(e.object, fk__witness_object) == 0) {
        s = fk__verify_witness(v, &e);
        if (s != FK_OK)
            return s;
    }
    if (v->cp.has_checkpoint && e.seq == v->cp.seq) {
        if (!fk_equal(hash, v->cp.hash, FK_HASH_BYTES))
            return fk__tamper(v, true, e.seq, _("differs from the checkpoint (history rewritten)"));
        v->cp.seen = true;
    }
    v->report->entries++;
    v->report->head_seq = e.seq;
    fk_hex(hash, FK_HASH_BYTES, v->report->head_hex);
    return FK_OK;
}

static fk_status fk__verify_table(fk__verify *v, bool authenticated)
{
    sqlite3_stmt *st = NULL;
    memset(v->prev, 0, sizeof v->prev);
    v->expected_seq = 1;
    fk_status s =
        fk__job_prepare(v->job, authenticated ? FK__SELECT_SIGNED : FK__SELECT_UNAUTH, &st, v->err);
    int rc = SQLITE_DONE;
    while (s == FK_OK && (rc = sqlite3_step(st)) == SQLITE_ROW)
        s = authenticated ? fk__verify_signed(v, st) : fk__verify_unauth(v, st);
    if (s == FK_OK && rc != SQLITE_DONE)
        s = fk__job_db_fail(v->job, v->err);
    sqlite3_finalize(st);
    return s;
}

fk_status fk_audit_verify(fk_job *job, const unsigned char *pubkey, const char *checkpoint,
                          fk_audit_report *report, fk_err *err)
{
    unsigned char own[FK_SIGN_PUBLIC_BYTES];
    memset(report, 0, sizeof *report);
    fk__verify v = {.job = job, .pk = pubkey, .report = report, .err = err};
    fk_status s = fk__parse_checkpoint(checkpoint, &v.cp, err);
    if (s == FK_OK && pubkey == NULL) {
        s = fk_audit_pubkey(job, own, err);
        v.pk = own;
    }
    /* The unauthenticated record first, so that each witness in the signed log can be held
     * against it. */
    if (s == FK_OK)
        s = fk__verify_table(&v, false);
    if (s == FK_OK)
        s = fk__verify_table(&v, true);
    fk_free(v.unauth);
    report->unauthenticated = v.unauth_count;
    report->unwitnessed = v.unauth_count - v.witnessed;
    /* Checked after the entries, so that entries re-signed under a substituted key are
     * named first. */
    if (s == FK_OK && pubkey != NULL && fk_audit_pubkey(job, own, NULL) == FK_OK &&
        !fk_equal(own, pubkey, FK_SIGN_PUBLIC_BYTES))
        s = fk_failf(err, FK_ETAMPER, _("%s: the job's audit public key is not the one given"),
                     job->dir);
    if (s == FK_OK && report->entries == 0)
        s = fk_failf(err, FK_ETAMPER, _("%s: the audit log is empty"), job->dir);
    if (s == FK_OK && v.cp.has_checkpoint && !v.cp.seen)
        s = fk_failf(err, FK_ETAMPER,
                     _("%s: audit entry %ld of the checkpoint is missing (log truncated after"
                       " entry %ld)"),
                     job->dir, v.cp.seq, report->head_seq);
    /* The roster's MACs need the job key: checked when a staff member verifies. */
    if (s == FK_OK && job->key != NULL) {
        s = fk__roster_verify(job, err);
        report->roster_checked = s == FK_OK;
    }
    return s;
}
