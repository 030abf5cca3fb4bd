/*
 * The insert-control code printed on every personal sheet (docs/insert-control.md):
 *   FK1|JOBCODE|C|SERIAL|i/n|CHECK       a sheet of a real envelope
 *   FKS1|JOBCODE|C|000000|i/n|CHECK      a proof specimen (見本)
 * A specimen carries its own marker, the serial no envelope has, and a check value under a
 * different subkey of the job key, so that no reading of a proof can pass the enclosure
 * check as an envelope, even by a reader that ignored the marker.
 */
#ifndef FK_INSCODE_H
#define FK_INSCODE_H

#include "files.h"
#include "job.h"

#define FK_INSERT_CODE_MAX 64

typedef struct fk_insert_code {
    bool is_specimen;
    char job_code[9];
    fk_category category;
    long serial; /* 1-999999; 0 on a specimen */
    int sheet, sheets;
    char check[FK_CHECK_VALUE_HEX];
} fk_insert_code;

/*
 * Writes the code of sheet i of n of the envelope with `serial` for r into out (at least
 * FK_INSERT_CODE_MAX bytes); with is_specimen, the proof form (serial ignored). Needs the
 * job key.
 */
fk_status fk_job_insert_code(fk_job *job, const fk_record *r, long serial, int sheet, int sheets,
                             bool is_specimen, char *out, size_t size, fk_err *err) FK_WARN_UNUSED;

/*
 * The same from a check value computed beforehand (fk_job_check_value or, for a specimen,
 * fk_job_specimen_check_value): touches no job store, so composing threads may call it.
 * False when out is too small.
 */
bool fk_insert_code_format(const char *job_code, fk_category c, long serial, int sheet, int sheets,
                           bool is_specimen, const char *check, char *out, size_t size);

/* Parses a code as read by a scanner. FK_EFORMAT (with the reason) when it is not one. */
fk_status fk_insert_code_parse(const char *text, fk_insert_code *out, fk_err *err) FK_WARN_UNUSED;

/*
 * Verifies a scanned code as a sheet of a real envelope of this job for the person r: FK_OK,
 * or FK_EFINDING with the reason (a proof specimen, another job, a wrong check value) and
 * FK_EFORMAT for text that is no code. Needs the job key.
 */
fk_status fk_job_insert_code_verify(fk_job *job, const char *text, const fk_record *r,
                                    fk_err *err) FK_WARN_UNUSED;

#endif
