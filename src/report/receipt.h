/*
 * Custody receipts (確認書) for the three handovers: the ward hands over the encrypted
 * medium and, on another occasion, the password notice (receive, two receipts); the
 * contractor hands over the sealed envelopes (deliver, counts per category that must equal
 * the verified counts); the medium and the notice go back (return). Each receipt carries
 * the date-time in 和暦 and ISO (JST), both sides' handlers, content, quantity, the
 * package's SHA-256, and the audit checkpoint in full and as a QR code, so the paper signed
 * by both parties anchors the audit log.
 *
 * A receipt is made in two steps so that the PDF can be rendered outside this stage:
 * fk_handover_new checks and builds the paper; fk_handover_store keeps the rendered PDF
 * and the receipt in the store and audits it.
 */
#ifndef FK_RECEIPT_H
#define FK_RECEIPT_H

#include "core/job.h"
#include "paper.h"
#include "handling.h"

typedef enum {
    FK_HANDOVER_RECEIVE_MEDIUM,
    FK_HANDOVER_RECEIVE_NOTICE,
    FK_HANDOVER_DELIVER,
    FK_HANDOVER_RETURN
} fk_handover_kind;

/* "receive-medium", ... as stored. */
const char *fk_handover_kind_name(fk_handover_kind k);

typedef struct fk_handover_spec {
    fk_handover_kind kind;
    const char *ward_staff;     /* the ward's staff member, typed in (required) */
    const char *package_sha256; /* SHA-256 of the package (receive-medium: of the file) */
    /* deliver: the envelopes counted at the handover per category, or NULL to take the
     * verified counts; verified: what the enclosure check verified (required). */
    const long *delivered;
    const long *verified;
} fk_handover_spec;

typedef struct fk_handover fk_handover;

/*
 * Checks the handover and builds its receipt. A deliver whose counts differ from the
 * verified ones is FK_EFINDING with the difference per category in err; a second receipt
 * of the same kind is FK_EEXIST. Caller frees with fk_handover_free.
 */
fk_status fk_handover_new(fk_job *job, const fk_handover_spec *spec, fk_handover **out,
                          fk_err *err) FK_WARN_UNUSED;

const fk_paper *fk_handover_paper(const fk_handover *h);
/* The PDF's name in the store, "receipt-1-receive-medium.pdf". */
const char *fk_handover_document(const fk_handover *h);
/* The checkpoint printed on it. */
const char *fk_handover_checkpoint(const fk_handover *h);

/* Stores the rendered PDF and the receipt, and audits it (inside one transaction). */
fk_status fk_handover_store(fk_job *job, fk_handover *h, const void *pdf, size_t len,
                            fk_err *err) FK_WARN_UNUSED;

void fk_handover_free(fk_handover *h);

/* Now in JST as ISO 8601 ("2026-12-02T16:43:05+09:00") and 和暦 ("令和8年12月2日 16時43分"). */
void fk_custody_now(char iso[40], char wareki[64]);

#endif
