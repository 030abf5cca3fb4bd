/*
 * Moving records and print files through the job's states (state.h) in the job store. Every
 * move is checked against the state machine's table for the logged-in command and counted;
 * fk_job_moves_audit() writes the command's moves to the audit log as one entry (counts per
 * transition, never a person), so that the log says how every record got where it is.
 */
#ifndef FK_MOVES_H
#define FK_MOVES_H

#include "job.h"
#include "state.h"

/*
 * Moves record id to state `to` for the running command. A held record keeps `reason` (what
 * held it back: a kind of finding, never a personal value); other states clear it.
 * FK_ESTATE (naming the missing step) when the state machine does not allow the move,
 * FK_ENOENT when there is no such record.
 */
fk_status fk_job_record_move(fk_job *job, long id, fk_record_state to, const char *reason,
                             fk_err *err) FK_WARN_UNUSED;

/* Composes record id: checked → composed, with its per-category serial number. */
fk_status fk_job_record_compose(fk_job *job, long id, long serial, fk_err *err) FK_WARN_UNUSED;

/*
 * Takes every composed record back to checked and clears the serial numbers, for
 * `compose --replace`; *moved says how many. FK_ESTATE if anything is printed already.
 */
fk_status fk_job_records_uncompose(fk_job *job, long *moved, fk_err *err) FK_WARN_UNUSED;

/*
 * Moves the records of category c with serial numbers first..last that are in state `from`
 * to `to` (print: a batch whose print files are all printed; verify: an envelope that
 * passed), for the running command; *moved says how many (may be NULL). FK_ESTATE when the
 * state machine does not allow the move (nothing to move is never refused).
 */
fk_status fk_job_records_move_serials(fk_job *job, fk_category c, long first, long last,
                                      fk_record_state from, fk_record_state to, long *moved,
                                      fk_err *err) FK_WARN_UNUSED;

/* Moves print file `name` to state `to` for the running command. */
fk_status fk_job_file_move(fk_job *job, const char *name, fk_file_state to,
                           fk_err *err) FK_WARN_UNUSED;

/* Records per category and state (received and rejected are rows of packages, not records:
 * see fk_job_counts_get), and print files per state. */
typedef struct fk_job_states {
    long records[FK_CAT_COUNT][FK_REC_STATE_COUNT];
    long by_state[FK_REC_STATE_COUNT]; /* sums over the categories */
    long files[FK_FILE_STATE_COUNT];
} fk_job_states;

fk_status fk_job_states_get(fk_job *job, fk_job_states *out, fk_err *err) FK_WARN_UNUSED;

typedef struct fk_held_record {
    long line;
    fk_category category;
    const char *tag;    /* the person's keyed tag */
    const char *reason; /* what held it back */
} fk_held_record;

/* Every held record in source order; visit returns non-zero to stop. No job key needed. */
fk_status fk_job_held_foreach(fk_job *job, int (*visit)(const fk_held_record *, void *), void *ctx,
                              fk_err *err) FK_WARN_UNUSED;

/* Every record now in state (category and serial, composed records only: serial > 0); visit
 * returns non-zero to stop. No job key needed. */
fk_status fk_job_serials_foreach(fk_job *job, fk_record_state state,
                                 int (*visit)(fk_category c, long serial, void *ctx), void *ctx,
                                 fk_err *err) FK_WARN_UNUSED;

/* Appends one audit entry with the moves counted since the last one (or since fk_job_begin),
 * e.g. "moves: accepted→checked 4400, accepted→held 13"; nothing when nothing moved. */
fk_status fk_job_moves_audit(fk_job *job, fk_err *err) FK_WARN_UNUSED;

#endif
