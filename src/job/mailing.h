/*
 * The glue between the stages for one mailing: which documents each category gets, their
 * templates, and the field dictionary of one sheet — the record's fields (compose), the
 * health marks and doctor-visit list (health), the customer barcode (postal) and the
 * insert-control code (core). Used by compose, proof and the demo.
 */
#ifndef FK_MAILING_H
#define FK_MAILING_H

#include "compose/doc.h"
#include "compose/fields.h"
#include "core/job.h"

#define FK_MAILING_MAX_DOCS 2

typedef struct fk_mailing fk_mailing;

/* Loads rules, postal table and templates for the job's order (only the order is used from
 * the job). Caller frees. */
fk_status fk_mailing_new(fk_job *job, fk_mailing **out, fk_err *err) FK_WARN_UNUSED;
void fk_mailing_free(fk_mailing *m);

/* The documents (sheets) of a category's envelope, in enclosing order: ① then ②. */
int fk_mailing_documents(fk_category c, const char *docs[FK_MAILING_MAX_DOCS]);

/* The loaded template of a document ("voucher-tokutei", "results", ...). */
const fk_template *fk_mailing_template(const fk_mailing *m, const char *doc);

/* Makes every later payload a proof specimen's (FKS1|...|000000|...): the caller then
 * passes check values from fk_job_specimen_check_value. */
void fk_mailing_set_specimen(fk_mailing *m);

/* The insert-control payload FK1|JOBCODE|C|SERIAL|i/n|CHECK (docs/insert-control.md), or
 * the specimen form after fk_mailing_set_specimen, with the person's check value
 * (fk_job_check_value, computed by the caller: the job store is not touched here, so that
 * composing threads may call this). */
#define FK_MAILING_PAYLOAD_MAX 96
void fk_mailing_payload(const fk_mailing *m, fk_category c, const char *check, long serial,
                        int sheet, int sheets, char out[FK_MAILING_PAYLOAD_MAX]);

/*
 * Fills the fields every sheet of r's envelope shares (person, address and barcode, order,
 * results), replacing what out held. Thread-safe for distinct fk_mailing objects (each has
 * its own rules, postal table and templates). *barcode_missing is set to why no customer
 * barcode could be computed for the address (Japan Post prints none then), or NULL when
 * there is one.
 */
fk_status fk_mailing_fill(fk_mailing *m, const fk_record *r, fk_fields *out,
                          const char **barcode_missing, fk_err *err) FK_WARN_UNUSED;

/*
 * Sets the fields of sheet `sheet` of `sheets` (its number and insert-control payload) in
 * out, which fk_mailing_fill filled for the envelope.
 */
fk_status fk_mailing_fill_sheet(const char *payload, int sheet, int sheets, fk_fields *out,
                                fk_err *err) FK_WARN_UNUSED;

/*
 * A fictitious person (見本 太郎) for the proof set, with results typical of the category, so
 * that proofs for the ward's approval hold no resident's data. Free with fk_record_clear.
 */
fk_status fk_mailing_specimen(fk_category c, int fiscal_year, fk_record *r,
                              fk_err *err) FK_WARN_UNUSED;
#endif
