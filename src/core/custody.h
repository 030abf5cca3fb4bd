/*
 * The job's custody records, kept in the store in clear because none of them holds a
 * resident's data: the custody receipts (確認書) of the three handovers, the incident
 * reports (事故報告書), the job's finished documents (receipt PDFs, the erasure
 * certificate and its signature) and the per-category, per-batch stage counts that the
 * reconciliation adds up. They survive erasure, so the report for the ward can be written
 * after the personal data is gone. src/report/ decides what goes in them; this module only
 * stores and lists.
 */
#ifndef FK_CUSTODY_H
#define FK_CUSTODY_H

#include "job.h"
#include "util/buf.h"

#include <stdbool.h>

/* One custody receipt. Text fields are copied by fk_job_receipt_add. */
typedef struct fk_receipt {
    long id;                    /* set by fk_job_receipt_add */
    const char *kind;           /* "receive-medium", "receive-notice", "deliver", "return" */
    const char *at_iso;         /* ISO 8601 in JST, "2026-12-02T16:43:00+09:00" */
    const char *at_wareki;      /* "令和8年12月2日 16時43分" */
    const char *handler;        /* the contractor's user ID who signed for it */
    const char *handler_name;   /* their name from the roster */
    const char *ward_staff;     /* the ward's staff, typed in */
    const char *content;        /* what changed hands */
    const char *quantity;       /* "1 点", "4,413 通" */
    const char *package_sha256; /* NULL when there is no package */
    const char *checkpoint;     /* audit head "HASH@SEQ" when the receipt was made */
    const char *counts;         /* "0=613,1=1130,...": envelopes per category (deliver only) */
    const char *document;       /* name of its PDF in the documents table */
} fk_receipt;

/* Stores a receipt; r->id is set. Needs a logged-in staff member. */
fk_status fk_job_receipt_add(fk_job *job, fk_receipt *r, fk_err *err) FK_WARN_UNUSED;

/* Calls visit for every receipt in order; stops when visit returns non-zero. */
fk_status fk_job_receipts_foreach(fk_job *job, int (*visit)(const fk_receipt *, void *), void *ctx,
                                  fk_err *err) FK_WARN_UNUSED;

/* One incident report. Never names: affected envelopes are given by their serials. */
typedef struct fk_incident {
    long id;
    const char *opened_at, *opened_by; /* set by fk_job_incident_add */
    const char *occurred_at;           /* when it happened, as typed (ISO date-time) */
    const char *what;                  /* what happened */
    const char *serials;               /* affected envelopes: "S-0012,D-0450" */
    const char *actions;               /* immediate actions */
    const char *notified;              /* who at the ward was notified */
    const char *notified_at;           /* and when */
    const char *followup;              /* follow-up (also set when closing) */
    const char *closed_at, *closed_by; /* NULL while open */
} fk_incident;

fk_status fk_job_incident_add(fk_job *job, fk_incident *in, fk_err *err) FK_WARN_UNUSED;
/* Closes an open incident with its follow-up; FK_ENOENT if there is none open with that id. */
fk_status fk_job_incident_close(fk_job *job, long id, const char *followup,
                                fk_err *err) FK_WARN_UNUSED;
fk_status fk_job_incidents_foreach(fk_job *job, int (*visit)(const fk_incident *, void *),
                                   void *ctx, fk_err *err) FK_WARN_UNUSED;

/*
 * A finished document (a PDF with no personal data) stored under name, with its SHA-256
 * and, optionally, a detached Ed25519 signature (sig NULL for none). Replaces a document
 * of that name.
 */
fk_status fk_job_document_put(fk_job *job, const char *name, const char *kind, const void *data,
                              size_t len, const unsigned char *sig, fk_err *err) FK_WARN_UNUSED;

/* Copies the named document into out and its signature into sig (*has_sig says whether
 * there is one; sig may be NULL). FK_ENOENT if there is none. */
fk_status fk_job_document_get(fk_job *job, const char *name, fk_buf *out,
                              unsigned char sig[FK_SIGNATURE_BYTES], bool *has_sig,
                              fk_err *err) FK_WARN_UNUSED;

typedef struct fk_document_info {
    const char *name, *kind, *created_at, *sha256;
    long long bytes;
    bool has_sig;
} fk_document_info;

fk_status fk_job_documents_foreach(fk_job *job, int (*visit)(const fk_document_info *, void *),
                                   void *ctx, fk_err *err) FK_WARN_UNUSED;

/* Counts of one category (batch 0: the whole category) as the store knows them. */
typedef struct fk_stage_counts {
    int category;
    int batch;     /* 0 for the category's total */
    long accepted; /* records accepted at open */
    long held;     /* held back by the quality gate */
    long composed; /* envelopes composed (records with a serial / envelopes in print files) */
    long sheets;   /* designated sheets of the print files */
} fk_stage_counts;

/* Calls visit for each category total (batch 0) and then each batch of the print files. */
fk_status fk_job_stage_counts_foreach(fk_job *job, int (*visit)(const fk_stage_counts *, void *),
                                      void *ctx, fk_err *err) FK_WARN_UNUSED;

#endif
