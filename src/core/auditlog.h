/*
 * The audit log outside the store: an export as JSON Lines for the ward's report, and a
 * verifier of such an export that needs nothing but the file, so that the ward can check
 * the log offline with the package, its password and a checkpoint from a paper receipt.
 * The verifier recomputes every hash from the fields as docs/internals/audit.md specifies
 * with core's own hashing code (labels, job id), checks both chains, that every signed entry
 * carries a valid signature, that each witness names the unauthenticated entries as they are,
 * and the checkpoint.
 *
 * Format: the first line is {"format":"fukan-audit/2","job_id":HEX,"pubkey":HEX}; then the
 * unauthenticated record's entries, then the signed log's, one line each with the keys
 * record ("unauthenticated" or "signed"), seq, ts_utc, ts_local, user, host, command, object,
 * outcome, details, prev_hash, hash, sig (hex or null), in this order.
 */
#ifndef FK_AUDITLOG_H
#define FK_AUDITLOG_H

#include "audit.h"
#include "util/buf.h"

/* Appends the whole log as JSON Lines. */
fk_status fk_audit_export_jsonl(fk_job *job, fk_buf *out, fk_err *err) FK_WARN_UNUSED;

/*
 * Verifies an export (len bytes; need not be NUL-terminated). pubkey: the key to check
 * against, or NULL to take the one in the export (then a checkpoint is what proves the
 * history). FK_ETAMPER naming the first broken line; FK_EFORMAT for a malformed export.
 */
fk_status fk_audit_verify_jsonl(const char *data, size_t len, const unsigned char *pubkey,
                                const char *checkpoint, fk_audit_report *report,
                                fk_err *err) FK_WARN_UNUSED;

#endif
