/*
 * The job's state machine: the typed state of every record and every print file, and the one
 * table of transitions saying which command may move what from where to where. The job store
 * (records.h, files.h) moves records and files only through this table, and counts every
 * move so that each command's audit entry says what it moved (fk_job_moves_audit).
 *
 * A row of the ward's export is received; it is rejected (kept in the reject list) or
 * accepted (sealed as a record). The quality gate checks an accepted record or holds it back;
 * compose holds back what cannot be printed exactly and composes the rest; then print,
 * verify (the enclosure check) and deliver follow. A print file is composed, printed and
 * verified.
 */
#ifndef FK_STATE_H
#define FK_STATE_H

#include "util/err.h"

#include <stdbool.h>

typedef enum {
    FK_REC_RECEIVED,  /* a row of the ward's export, read */
    FK_REC_REJECTED,  /* a row with an error: in the reject list, never sealed */
    FK_REC_ACCEPTED,  /* sealed in the job, not yet checked */
    FK_REC_HELD,      /* held back (quality gate disagreement or not printable) */
    FK_REC_CHECKED,   /* passed the quality gate */
    FK_REC_COMPOSED,  /* in a print file, with its serial number */
    FK_REC_PRINTED,   /* its print files are printed */
    FK_REC_VERIFIED,  /* its envelope passed the enclosure check */
    FK_REC_DELIVERED, /* handed over to the post with a custody receipt */
    FK_REC_STATE_COUNT
} fk_record_state;

typedef enum {
    FK_FILE_COMPOSED, /* rendered and sealed in the job */
    FK_FILE_PRINTED,  /* sent to the printer, in the print log */
    FK_FILE_VERIFIED, /* every envelope of the file passed the enclosure check */
    FK_FILE_STATE_COUNT
} fk_file_state;

/* The name stored in the job and used in JSON ("accepted"), and the label for people. */
const char *fk_record_state_name(fk_record_state s);
const char *fk_record_state_label(fk_record_state s);
bool fk_record_state_parse(const char *name, fk_record_state *out);

const char *fk_file_state_name(fk_file_state s);
const char *fk_file_state_label(fk_file_state s);
bool fk_file_state_parse(const char *name, fk_file_state *out);

/*
 * FK_OK if `command` may move a record from `from` to `to`. Otherwise FK_ESTATE with a message
 * that names the step missing and its command ("... not checked yet: run 'fukan check JOBDIR'
 * first"); `what` names the record in the message (a line number, never personal data).
 */
fk_status fk_record_transition_check(fk_record_state from, fk_record_state to, const char *command,
                                     const char *what, fk_err *err) FK_WARN_UNUSED;

/* True if `command` may move a record from `from` to `to` (the table, without a message). */
bool fk_record_transition_allowed(fk_record_state from, fk_record_state to, const char *command);

/* The same for print files. */
fk_status fk_file_transition_check(fk_file_state from, fk_file_state to, const char *command,
                                   const char *what, fk_err *err) FK_WARN_UNUSED;
bool fk_file_transition_allowed(fk_file_state from, fk_file_state to, const char *command);

/* The command that moves records into state s ("check" for checked), for refusals and the
 * next step of `fukan status`; NULL for received. */
const char *fk_record_state_command(fk_record_state s);

#endif
