/*
 * Building an fk_job_summary (fukan.h), inside the library: each step that changes where
 * the job stands adds its section here (step-status.c), so that `fukan status` and its
 * JSON show it without the front end knowing the step.
 */
#ifndef FK_SUMMARY_H
#define FK_SUMMARY_H

#include "fukan.h"

/* Starts a new section; the rows added next belong to it. FK_ETOOBIG past the limits. */
fk_status fk_job_summary_add_section(fk_job_summary *s, const char *key, const char *title,
                                     fk_err *err) FK_WARN_UNUSED;
fk_status fk_job_summary_add_number(fk_job_summary *s, const char *key, const char *label, long n,
                                    fk_err *err) FK_WARN_UNUSED;
fk_status fk_job_summary_add_text(fk_job_summary *s, const char *key, const char *label,
                                  const char *text, fk_err *err) FK_WARN_UNUSED;

/* Flags the row added last as needing attention now. */
void fk_job_summary_flag_last(fk_job_summary *s);

/* Sets the next step unless one is set already (the first rule that applies wins). */
void fk_job_summary_set_next(fk_job_summary *s, const char *step, const char *command,
                             const char *why);

#endif
