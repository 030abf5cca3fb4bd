/*
 * Incident reports (事故報告書): what happened, when, the affected envelopes by serial
 * (never by name), immediate actions, who at the ward was notified and when, follow-up.
 */
#ifndef FK_INCIDENT_H
#define FK_INCIDENT_H

#include "core/custody.h"
#include "paper.h"

/* True if s is a comma-separated list of serials such as "S-0012,D-450" (category code,
 * hyphen, digits) or "-" for none. Names and free text are refused. */
bool fk_incident_serials_valid(const char *s);

/* Checks and stores an incident (in->id is set), audited without its text. */
fk_status fk_incident_open(fk_job *job, fk_incident *in, fk_err *err) FK_WARN_UNUSED;

/* Closes one, audited. */
fk_status fk_incident_close(fk_job *job, long id, const char *followup, fk_err *err) FK_WARN_UNUSED;

/* The 事故報告書 of incident id on p; FK_ENOENT if there is none. */
fk_status fk_incident_paper(fk_job *job, long id, fk_paper *p, fk_err *err) FK_WARN_UNUSED;

/* One line per incident: id, state, occurred, serials, what (for `incident list`). */
fk_status fk_incident_list(fk_job *job, fk_buf *out, fk_err *err) FK_WARN_UNUSED;

/* All incidents as CSV (UTF-8 with BOM), for the report. */
fk_status fk_incident_csv(fk_job *job, fk_buf *out, fk_err *err) FK_WARN_UNUSED;

#endif
