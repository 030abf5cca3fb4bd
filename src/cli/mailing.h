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

/* Loads rules, postal table and templates for the job's order. Caller frees. */
fk_status fk_mailing_new(fk_job *job, fk_mailing **out, fk_err *err) FK_WARN_UNUSED;
void fk_mailing_free(fk_mailing *m);

/* The documents (sheets) of a category's envelope, in enclosing order: ① then ②. */
int fk_mailing_documents(fk_category c, const char *docs[FK_MAILING_MAX_DOCS]);

/* The loaded template of a document ("voucher-tokutei", "results", ...). */
const fk_template *fk_mailing_template(const fk_mailing *m, const char *doc);

/* Makes every later payload a proof specimen's (FKS1|...|000000|..., another check key). */
void fk_mailing_set_specimen(fk_mailing *m);

/* The insert-control payload: FK1|JOBCODE|C|SERIAL|i/n|CHECK (docs/insert-control.md), or
 * the specimen form after fk_mailing_set_specimen. */
fk_status fk_mailing_payload(fk_mailing *m, const fk_record *r, long serial, int sheet, int sheets,
                             char *out, size_t size, fk_err *err) FK_WARN_UNUSED;

/* Fills the fields of sheet `sheet` of `sheets` of the envelope with `serial`. */
fk_status fk_mailing_fill(fk_mailing *m, const fk_record *r, long serial, int sheet, int sheets,
                          fk_fields *out, fk_err *err) FK_WARN_UNUSED;

/* Whether the postal barcode could be computed for the last filled record, and why not. */
const char *fk_mailing_barcode_note(const fk_mailing *m);

/*
 * A fictitious person (見本 太郎) for the proof set, with results typical of the category, so
 * that proofs for the ward's approval hold no resident's data. Free with fk_record_clear.
 */
fk_status fk_mailing_specimen(fk_category c, int fiscal_year, fk_record *r,
                              fk_err *err) FK_WARN_UNUSED;
#endif
