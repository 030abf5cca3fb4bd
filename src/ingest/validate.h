/*
 * Row validation: turns one CSV row, mapped by a schema, into an fk_record by every rule of
 * ward-export.md, or rejects it. All findings of a row are reported (not just the first), each
 * with the column and a reason that never contains the value itself, because reject reports
 * are read by people who must not see the personal data in clear. A row with any finding is
 * rejected as a whole. The validator also remembers the resident and voucher numbers seen so
 * far, to reject duplicates within the file.
 */
#ifndef FK_VALIDATE_H
#define FK_VALIDATE_H

#include "core/record.h"
#include "ingest/schema.h"
#include "util/err.h"
#include "util/jdate.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct fk_validator fk_validator;

/*
 * A finding about one field: line is the physical line where the row starts, column the
 * 1-based field number (0 when the column is absent from the file or the finding concerns the
 * whole row), column_name the header name of ward-export.md ("" for whole-row findings).
 * Returns true to go on, false to stop.
 */
typedef bool (*fk_finding_fn)(void *ctx, long line, long column, const char *column_name,
                              const char *reason, bool is_warning);

/*
 * A validator for a job of fiscal year fiscal_year (April fiscal_year to March next year)
 * whose export was made on export_date (受診日 must not be later). NULL when out of memory.
 * Caller frees with fk_validator_free(), which also forgets the numbers seen.
 */
fk_validator *fk_validator_new(int fiscal_year, fk_date export_date);
void fk_validator_free(fk_validator *v);

/*
 * Validates one row of nfields fields (fields[i] is field i, NUL-terminated, lens[i] bytes),
 * mapped by schema. out must be initialised (fk_record_init); it is cleared first. When the
 * row passes, *accepted is true and out holds the record (caller clears it with
 * fk_record_clear); otherwise every finding went to on_finding and out is left cleared.
 * Returns FK_EFINDING when on_finding asked to stop, FK_ENOMEM, else FK_OK.
 */
fk_status fk_validator_check_row(fk_validator *v, const fk_schema *schema,
                                 const char *const *fields, const size_t *lens, size_t nfields,
                                 long line, fk_record *out, bool *accepted,
                                 fk_finding_fn on_finding, void *ctx, fk_err *err) FK_WARN_UNUSED;

#endif
