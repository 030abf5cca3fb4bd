/*
 * Row validation: one CSV row, mapped by the schema, becomes an fk_record, following every
 * rule of ward-export.md. All findings of a row are reported (line, column, column name, a
 * reason that never contains the value); a row with any finding is rejected whole. The
 * validator also keeps, for the whole file, the resident numbers and voucher numbers it has
 * seen, to report duplicates.
 */
#ifndef FK_VALIDATE_H
#define FK_VALIDATE_H

#include "core/record.h"
#include "schema.h"
#include "util/err.h"
#include "util/jdate.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct fk_validate_options {
    int fiscal_year;    /* the job's 年度 (April fiscal_year .. March fiscal_year+1) */
    fk_date export_day; /* the export's date (受診日 must not be later); year 0: today */
} fk_validate_options;

typedef struct fk_finding {
    size_t line;             /* physical line where the row starts (1-based) */
    size_t column;           /* 1-based field number, 0 for the row or an absent column */
    const char *column_name; /* ward-export.md's name, or "" for the row */
    const char *reason;      /* never contains the field's value */
    bool is_warning;         /* true for findings that do not reject (unknown columns) */
} fk_finding;

/* Hears a finding; returns true to continue, false to stop the run (a --max-errors policy). */
typedef bool (*fk_finding_fn)(const fk_finding *f, void *ctx);

typedef struct fk_validator fk_validator;

/* A validator for rows mapped by schema (borrowed: it must outlive the validator). NULL when
 * out of memory. Free with fk_validator_free(), which also wipes the numbers it kept. */
fk_validator *fk_validator_new(const fk_schema *schema, const fk_validate_options *opt);
void fk_validator_free(fk_validator *v);

/*
 * Validates the n fields of the row starting on line (field i is fields[i], lens[i] bytes,
 * not necessarily NUL-terminated or valid UTF-8). On FK_OK, *accepted says whether the row
 * passed; if it did, out (initialised with fk_record_init) holds the record, which the caller
 * clears with fk_record_clear(); otherwise out is left cleared and every finding went to
 * on_finding. FK_EFINDING: on_finding asked to stop. FK_ENOMEM.
 */
fk_status fk_validator_check(fk_validator *v, size_t line, const char *const *fields,
                             const size_t *lens, size_t n, fk_record *out, fk_finding_fn on_finding,
                             void *ctx, bool *accepted, fk_err *err) FK_WARN_UNUSED;

#endif
