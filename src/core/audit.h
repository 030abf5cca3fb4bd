/*
 * The tamper-evident audit log: an append-only table where each entry carries the hash of
 * the previous one and its own hash (BLAKE2b-256 over a label, the job ID, a canonical
 * encoding of its fields and the previous hash), signed with the job's Ed25519 key. Entries
 * written without the job key (failed logins, auditors) go to a separate, chained
 * unauthenticated record, which signed witness entries anchor; they are never signed as if
 * a key holder had written them. It holds no personal data, so it survives erasure.
 * docs/internals/audit.md describes the encoding.
 */
#ifndef FK_AUDIT_H
#define FK_AUDIT_H

#include "job.h"

typedef struct fk_audit_entry {
    long seq;
    const char *ts_utc, *ts_local, *user, *host, *command, *object, *outcome, *details;
    char hash_hex[2 * FK_HASH_BYTES + 1];
    bool authenticated; /* false: from the unauthenticated record (seq is its own) */
    bool is_signed;
} fk_audit_entry;

/* Filters for fk_audit_foreach; NULL fields match everything. Dates are YYYY-MM-DD (local).
 * fk_audit_foreach visits the signed log, then the unauthenticated record. */
typedef struct fk_audit_filter {
    const char *since, *until, *user, *command;
} fk_audit_filter;

fk_status fk_audit_foreach(fk_job *job, const fk_audit_filter *filter,
                           int (*visit)(const fk_audit_entry *, void *), void *ctx,
                           fk_err *err) FK_WARN_UNUSED;

/* The job's audit public key. */
fk_status fk_audit_pubkey(fk_job *job, unsigned char pk[FK_SIGN_PUBLIC_BYTES],
                          fk_err *err) FK_WARN_UNUSED;

/* The log's head as a checkpoint "HASH@SEQ" (printed on every receipt). */
fk_status fk_audit_checkpoint(fk_job *job, char *out, size_t size, fk_err *err) FK_WARN_UNUSED;

typedef struct fk_audit_report {
    long entries;         /* signed entries checked */
    long unauthenticated; /* entries of the unauthenticated record (written without the key) */
    long unwitnessed;     /* of those, the ones no signed witness covers yet */
    bool roster_checked;  /* the roster's MACs were checked (needs a staff login) */
    long head_seq;
    char head_hex[2 * FK_HASH_BYTES + 1];
} fk_audit_report;

/*
 * Recomputes every entry's hash and chain link and checks every signature, with the public
 * key given (pubkey; NULL to use the job's own, which an attacker could have replaced) and
 * optionally a checkpoint "HASH@SEQ" from a receipt; checks every witness against the
 * unauthenticated record, and with the job key open, the roster's MACs. FK_ETAMPER with the
 * first broken entry named in err.
 */
fk_status fk_audit_verify(fk_job *job, const unsigned char *pubkey, const char *checkpoint,
                          fk_audit_report *report, fk_err *err) FK_WARN_UNUSED;

#endif
