/*
 * The end of the job: the checks before erasure (delivered, medium and notice returned),
 * the removal of the clear exports fukan wrote (their folders are in the audit log), and
 * the erasure certificate (消去証明書) built from what core/erase.h erased and proved.
 */
#ifndef FK_CERTIFICATE_H
#define FK_CERTIFICATE_H

#include "core/erase.h"
#include "core/job.h"
#include "paper.h"

/*
 * FK_ESTATE unless the deliver and return receipts exist; with force (and a reason, which
 * is then required) the erasure goes ahead and the reason is printed on the certificate.
 */
fk_status fk_erase_precheck(fk_job *job, bool force, const char *reason,
                            fk_err *err) FK_WARN_UNUSED;

/* What happened to the clear exports: removed files, and folders fukan could not reach. */
typedef struct fk_export_cleanup {
    long files_removed;
    long long bytes_removed;
    size_t nremoved_dirs, nunreachable;
    char removed_dirs[16][512];
    char unreachable[16][512]; /* for the operator to destroy */
} fk_export_cleanup;

/*
 * Overwrites and removes every print file fukan exported in clear (the folders named by the
 * audit log's successful export entries, the file names from the store), and the folders
 * when they are left empty. Folders that no longer exist or cannot be read are listed as
 * unreachable. Run before fk_job_erase (the file list is in the store).
 */
fk_status fk_erase_exports(fk_job *job, fk_export_cleanup *out, fk_err *err) FK_WARN_UNUSED;

typedef struct fk_certificate_spec {
    const fk_erasure *erasure;
    const fk_export_cleanup *exports;
    const char *operator_name; /* name and affiliation from the roster */
    const char *tool;          /* "fukan 0.1.0" */
    const char *checkpoint;    /* the audit head after the erase entry */
    const char *reason;        /* --force reason, or NULL */
    const char *at_iso, *at_wareki;
} fk_certificate_spec;

/* Builds the certificate on p. */
fk_status fk_certificate_paper(fk_job *job, const fk_certificate_spec *spec, fk_paper *p,
                               fk_err *err) FK_WARN_UNUSED;

/* The roster name of the logged-in user ("佐藤 一郎（封緘印刷株式会社）"). */
fk_status fk_custody_user_name(fk_job *job, const char *user_id, char *out, size_t size,
                               fk_err *err) FK_WARN_UNUSED;

#endif
