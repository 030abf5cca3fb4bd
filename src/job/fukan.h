/*
 * libfukan: the steps of a job, one function each, between the stages (ingest, compose, ...)
 * and a front end (src/cli/, or a test, or a bench). The command `fukan NAME` runs
 * fk_step_NAME(); each step takes the job (opened and logged in by the caller: logins and
 * prompts are the front end's), a small options struct, callbacks for progress and findings,
 * and a result struct it fills in; it returns an fk_status with the reason in an fk_err.
 * Steps never print and never exit; what a front end shows comes through the callbacks and
 * the results, and exit codes are the front end's policy (a step returns FK_OK with findings
 * counted in its result).
 *
 * Each step moves records only through the job's state machine (core/state.h): a step
 * refuses with FK_ESTATE, naming the missing step and its command, when the job is not
 * ready for it, and writes its moves to the audit log.
 *
 * Adding a step: a file src/job/step-NAME.c with fk_step_NAME() and its options and result
 * structs declared here, a section in fk_job_summary if it changes where the job stands
 * (step-status.c), and a thin src/cli/cmd-NAME.c.
 */
#ifndef FK_FUKAN_H
#define FK_FUKAN_H

#include "core/enclosure.h"
#include "core/job.h"
#include "core/state.h"
#include "ingest/decode.h"
#include "util/buf.h"
#include "util/err.h"

#include <stdbool.h>
#include <stddef.h>

/* ---- callbacks ---------------------------------------------------------------------- */

typedef enum {
    FK_FINDING_REJECT,       /* a rejected row (also stored: `fukan rejects`) */
    FK_FINDING_WARNING,      /* a warning on an accepted row */
    FK_FINDING_DISAGREEMENT, /* the quality gate disagrees with the ward's category */
    FK_FINDING_HELD          /* a record held back from printing (compose's preflight) */
} fk_finding_kind;

/* One finding. Never holds a personal value: a line, a column, the person's tag, a reason. */
typedef struct fk_finding {
    fk_finding_kind kind;
    long line, column;       /* source line and column; 0 when not known */
    const char *column_name; /* or NULL */
    const char *tag;         /* the person's keyed tag, or NULL */
    const char *what;        /* the kind of disagreement, or the document held back */
    const char *reason;
    bool accepted; /* a disagreement a responsible manager accepted */
} fk_finding;

typedef struct fk_callbacks {
    /* How far a long step is: `done` of `total` units of `label` ("preflight", "compose"). */
    void (*progress)(void *ctx, const char *label, size_t done, size_t total);
    /* Each finding as it is made. Returning false stops the step: it ends with FK_EFINDING
     * and what it did so far is rolled back. */
    bool (*finding)(void *ctx, const fk_finding *f);
    /* A file the step wrote outside the job (proofs, exports, the roster); note is NULL or a
     * short remark ("+ .png"). */
    void (*file)(void *ctx, const char *path, const char *note);
    void *ctx;
} fk_callbacks;

/* ---- open ----------------------------------------------------------------------------- */

typedef struct fk_open_options {
    const char *package;     /* path of the ward's package */
    const char *encoding;    /* "cp932", "utf-8" or NULL to detect */
    const char *export_date; /* the export's date for ages, or NULL for the order's */
    bool replace;            /* replace the package opened earlier (audited) */
    /* Reads the package's password into out (called only once the package is known to be
     * new to the job). The caller wipes nothing: the step wipes out after use. */
    fk_status (*read_password)(void *ctx, char *out, size_t size, fk_err *err);
    void *password_ctx;
} fk_open_options;

typedef struct fk_open_result {
    long received, accepted, rejected;
    long postal_warnings;
    long by_category[FK_CAT_COUNT]; /* accepted records */
    fk_encoding encoding;
    bool counts_differ; /* the reconciliation with the order is a finding (core/reconcile.h) */
} fk_open_result;

/* Opens the ward's package: decrypts, validates every row, checks postal codes against
 * addresses (the order's postal_mismatch policy), seals the accepted records and stores the
 * rejects, all in one transaction with the package's audit entry. */
fk_status fk_step_open(fk_job *job, const fk_open_options *opts, const fk_callbacks *cb,
                       fk_open_result *out, fk_err *err) FK_WARN_UNUSED;

/* ---- check ---------------------------------------------------------------------------- */

typedef struct fk_check_options {
    const char *accept_tag; /* with reason: accept this person's disagreement (manager) */
    const char *reason;
    bool accept_counts; /* with reason: accept the counts' difference from the order (manager);
                         * nothing else is checked then */
} fk_check_options;

typedef struct fk_check_result {
    long checked, disagreements, accepted, held;
    bool counts_shown;    /* the counts differ from the order (or no rows): counts says how */
    bool counts_blocking; /* ... and no manager accepted that: composing is refused */
    char counts[384];
} fk_check_result;

/* The quality gate: recomputes every record's guidance level and doctor-visit flags and
 * holds back the records whose category disagrees (unless accepted). */
fk_status fk_step_check(fk_job *job, const fk_check_options *opts, const fk_callbacks *cb,
                        fk_check_result *out, fk_err *err) FK_WARN_UNUSED;

/* ---- proof, approve ------------------------------------------------------------------- */

typedef struct fk_proof_options {
    const char *dir; /* created mode 0700 if missing */
} fk_proof_options;

typedef struct fk_proof_result {
    int files;
} fk_proof_result;

/* Renders one specimen (見本 太郎, with a 見本 watermark) of every document of every category
 * into dir, with PNG previews when pdftoppm is there. */
fk_status fk_step_proof(fk_job *job, const fk_proof_options *opts, const fk_callbacks *cb,
                        fk_proof_result *out, fk_err *err) FK_WARN_UNUSED;

/* A responsible manager records the ward's approval of the rendered proof set. */
fk_status fk_step_approve(fk_job *job, fk_err *err) FK_WARN_UNUSED;

/* ---- compose -------------------------------------------------------------------------- */

typedef struct fk_compose_options {
    int jobs;           /* print files rendered in parallel, 1-64 */
    bool replace;       /* compose again over an earlier composition */
    const char *reason; /* why (required with replace; audited) */
} fk_compose_options;

typedef struct fk_compose_result {
    long composed[FK_CAT_COUNT];
    long files, sheets, held;
    long replaced;        /* records of an earlier composition taken back */
    bool issue_short;     /* fewer than the order's voucher min_days remain after the issue */
    long issue_days_left; /* days the vouchers are valid after their issue date */
    int min_days;         /* the order's voucher min_days */
} fk_compose_result;

/* Sorts the checked records into mailing order, assigns serial numbers per category, and
 * renders the print files, the run file and the bulk-mail summary, sealed in the job. A
 * record that cannot be printed exactly is held back (reported as a finding). Refused when
 * nothing is opened or checked, the proof set is not approved, or the job is composed
 * already and replace is not given (or anything is printed). */
fk_status fk_step_compose(fk_job *job, const fk_compose_options *opts, const fk_callbacks *cb,
                          fk_compose_result *out, fk_err *err) FK_WARN_UNUSED;

/* ---- export --------------------------------------------------------------------------- */

typedef struct fk_export_options {
    const char *dir; /* created mode 0700 if missing; must be private */
} fk_export_options;

typedef struct fk_export_result {
    long files;
} fk_export_result;

/* Writes clear copies of every file of the job (print files, run file, summaries). */
fk_status fk_step_export(fk_job *job, const fk_export_options *opts, const fk_callbacks *cb,
                         fk_export_result *out, fk_err *err) FK_WARN_UNUSED;

/* ---- roster --------------------------------------------------------------------------- */

typedef struct fk_roster_options {
    const char *dir;
} fk_roster_options;

/* Writes the handler roster (取扱者名簿) as dir/roster.csv and dir/roster.pdf. */
fk_status fk_step_roster(fk_job *job, const fk_roster_options *opts, const fk_callbacks *cb,
                         fk_err *err) FK_WARN_UNUSED;

/* ---- seal (the ward's side, no job) --------------------------------------------------- */

typedef struct fk_seal_options {
    const char *csv;          /* the ward's export */
    const char *out;          /* the package to write; must not exist */
    const char *password_out; /* or NULL: a file (mode 0600) for the password */
    const char *notice;       /* or NULL: the password notice (パスワード通知書) PDF */
} fk_seal_options;

/* Packs the CSV into an AES-256 ZIP under a new random password, hands the password over
 * to password_out and/or notice, and gives it in password[] (the caller shows it on a
 * terminal or not, then wipes it). Nothing is left behind on failure. */
#define FK_SEAL_PASSWORD_MAX 64
fk_status fk_step_seal(const fk_seal_options *opts, char password[FK_SEAL_PASSWORD_MAX],
                       fk_err *err) FK_WARN_UNUSED;

/* ---- template check (a tool, no job) ------------------------------------------------ */

typedef struct fk_template_check_result {
    size_t findings;
} fk_template_check_result;

/* Validates a document template (docs/templates.md): its structure, then that its fixed
 * text shows and fits with the installed fonts. Each finding ("FILE:LINE:COLUMN: reason")
 * goes to cb->finding as its reason (the first 100). FK_EFINDING when there were any. */
fk_status fk_step_template_check(const char *path, const fk_callbacks *cb,
                                 fk_template_check_result *out, fk_err *err) FK_WARN_UNUSED;

/* ---- status --------------------------------------------------------------------------- */

/* ---- reprint -------------------------------------------------------------------------- */

typedef struct fk_reprint_options {
    const char *envelopes; /* "S-000123,J-000007" */
    const char *reason;    /* why (required: every reprinted sheet is over the designation) */
    const char *printer;   /* CUPS queue, or NULL for the order's */
    int timeout;           /* seconds to wait for each CUPS job; 0 for the default */
} fk_reprint_options;

typedef struct fk_reprint_result {
    long envelopes, files, sheets;
} fk_reprint_result;

/* Composes just the named envelopes' sheets again (the same payloads and serial numbers) as
 * a child print file of each batch and document ("JOB-S-1-001-r01.pdf") and prints it with
 * the reason, all over the designated count. Refused for an envelope that is not composed or
 * already delivered. cb->file is told each child file and its CUPS outcome. */
fk_status fk_step_reprint(fk_job *job, const fk_reprint_options *opts, const fk_callbacks *cb,
                          fk_reprint_result *out, fk_err *err) FK_WARN_UNUSED;

/* ---- print ---------------------------------------------------------------------------- */

/* One CUPS job of fk_step_print, for the front end to show. */
typedef struct fk_print_report {
    const char *file;  /* the print file's name */
    const char *queue; /* the CUPS queue */
    long cups_job_id;  /* 0 when CUPS never created a job */
    const char *state; /* the print-log state name ("completed") */
    long sheets_sent;
    long sheets_reported; /* -1 when CUPS reported none */
    long designated, over_count;
    bool ok;             /* the job completed; false when the step stops on it */
    size_t index, count; /* this is print file index (from 1) of count selected */
} fk_print_report;

#define FK_PRINT_SELECT_MAX 64

typedef struct fk_print_options {
    bool all;                                 /* every print file */
    const char *batches[FK_PRINT_SELECT_MAX]; /* "S-1", "D-002" */
    const char *files[FK_PRINT_SELECT_MAX];   /* print file names */
    int n_batches, n_files;
    bool recover_only;   /* only record the outcome of jobs a killed fukan sent */
    const char *printer; /* CUPS queue, or NULL for the order's */
    const char *reason;  /* why a file printed before, or sheets over the designation */
    int timeout;         /* seconds to wait for each CUPS job; 0 for the default */
    /* Each CUPS job as it ends (also when it failed). */
    void (*printed)(void *ctx, const fk_print_report *r);
    void *ctx;
} fk_print_options;

typedef struct fk_print_result {
    long files, sheets; /* printed (sheets as reported by CUPS, else as sent) */
    long resolved;      /* recover_only: print-log entries whose outcome was recorded */
    const char *queue;  /* the queue printed to, or NULL; owned by the job */
} fk_print_result;

/* Sends the selected print files (in stored order) to the local CUPS server, decrypted in
 * memory, and waits for each job's final state; every job goes into the print log and the
 * audit log. FK_ENOENT when nothing matches the selection; the first failed job stops the
 * step with its reason (FK_EENV for CUPS). cb->finding is not used: a mismatch of sheets
 * sent and reported comes as a report whose numbers differ. */
fk_status fk_step_print(fk_job *job, const fk_print_options *opts, fk_print_result *out,
                        fk_err *err) FK_WARN_UNUSED;

/* ---- printlog ------------------------------------------------------------------------- */

typedef enum {
    FK_PRINTLOG_TEXT,
    FK_PRINTLOG_CSV,
    FK_PRINTLOG_XLSX, /* needs a path */
    FK_PRINTLOG_PDF   /* 印刷ログ for the ward, dates in 和暦 and ISO; needs a path */
} fk_printlog_format;

typedef struct fk_printlog_options {
    fk_printlog_format format;
    const char *path; /* written mode 0600; NULL for text and CSV: into out */
} fk_printlog_options;

/* Writes the print log (one line per CUPS job and an over-count line with its reason) to
 * opts->path, or for text and CSV without a path appends it to out. */
fk_status fk_step_printlog(fk_job *job, const fk_printlog_options *opts, fk_buf *out,
                           fk_err *err) FK_WARN_UNUSED;

/* One print file as the print log sees it (fk_step_printlog_files). */
typedef struct fk_printlog_file {
    const char *name;
    fk_category category;
    int batch;
    long designated, printed, over_count;
    fk_file_state state;
    long age;       /* seconds since its last print, for a printed file */
    bool is_idle;   /* printed, not checked, for longer than the order's idle_alarm */
    int unresolved; /* print-log entries whose CUPS outcome is not recorded yet */
} fk_printlog_file;

/* Calls visit for every print file in stored order, as at now. */
fk_status fk_step_printlog_files(fk_job *job, void (*visit)(void *ctx, const fk_printlog_file *f),
                                 void *ctx, fk_err *err) FK_WARN_UNUSED;

/* ---- verify (the enclosure check) ----------------------------------------------------- */

struct fk_verify;
struct fk_verify_outcomes;

typedef enum {
    FK_VERIFY_CHECK,   /* check envelopes from camera, images or station */
    FK_VERIFY_REWORK,  /* record that an envelope (or every failed one) was opened for rework */
    FK_VERIFY_HISTORY, /* an envelope's scans and reworks */
    FK_VERIFY_SUMMARY  /* per batch: composed, verified, failed, missing */
} fk_verify_mode;

/* An envelope that failed this check. */
typedef struct fk_verify_failure {
    bool identified; /* a code of this job was read: category, serial and batch are known */
    fk_category category;
    long serial;
    int batch;
    const char *envelope; /* the envelope as read */
    const char *faults;   /* "swapped, missing-sheet" */
} fk_verify_failure;

typedef struct fk_verify_options {
    fk_verify_mode mode;
    const char *camera, *images; /* FK_VERIFY_CHECK: the source; neither is the station */
    bool record_partial;         /* camera: record the envelopes read before a bad line */
    bool assume_printed;         /* paper printed outside fukan: every print file */
    char *const *printed;        /* or these print files are printed; NULL: the print log */
    size_t n_printed;
    const char *envelope; /* rework ("failed" for every failed one) and history: C-SERIAL */
    const char *reason;   /* rework */
    /* The station front end: fills out from the operator's scans. */
    fk_status (*station)(void *ctx, fk_job *job, struct fk_verify *v,
                         struct fk_verify_outcomes *out, fk_err *err);
    /* Output for the front end; any may be NULL. */
    void (*failure)(void *ctx, const fk_verify_failure *f);
    /* Envelopes left failed, rework or missing ("failed", "rework", "missing"). */
    void (*listed)(void *ctx, const char *state, fk_category c, long serial, int batch);
    void (*note)(void *ctx, const char *line);          /* a line of output */
    void (*warning)(void *ctx, const char *line);       /* a line for the operator's attention */
    void (*event)(void *ctx, const fk_encl_event *e);   /* history */
    void (*batch)(void *ctx, const fk_encl_summary *m); /* summary */
    /* How far confirming the envelopes under the job key is (the long part of a check). */
    void (*progress)(void *ctx, const char *label, size_t done, size_t total);
    void *ctx;
} fk_verify_options;

typedef struct fk_verify_outcome_counts {
    long read, sheets, failed; /* this check */
    long composed[FK_CAT_COUNT], verified[FK_CAT_COUNT], failed_job[FK_CAT_COUNT],
        missing[FK_CAT_COUNT]; /* the job after it */
    long composed_all, verified_all, failed_all, missing_all;
    char details[512]; /* what the audit entry says */
} fk_verify_outcome_counts;

/* The enclosure check (突合) and its bookkeeping, by mode. A check stores its results and
 * marks print files whose envelopes have all passed, in one transaction, and returns
 * FK_EFINDING (counts in out, details for the audit) unless every composed envelope is
 * verified. Rework and history refuse an envelope that is not C-SERIAL (FK_EINVAL). */
fk_status fk_step_verify(fk_job *job, const fk_verify_options *opts, fk_verify_outcome_counts *out,
                         fk_err *err) FK_WARN_UNUSED;

/* ---- simulate-inserter ---------------------------------------------------------------- */

typedef struct fk_simulate_inserter_options {
    const char *output;  /* the camera export (envelope,payload,time) */
    const char *planted; /* the planted faults, one 'KIND<TAB>C-SERIAL' line each */
    long swap, drop, duplicate, foreign, forge, unread; /* envelopes given each fault */
    long seed;
    bool reworked; /* only the envelopes opened for rework, clean */
} fk_simulate_inserter_options;

/* Writes the camera export an inserter would produce from the job's run file, every
 * envelope in mailing order, with faults planted on purpose in distinct envelopes (demo and
 * tests). Codes only, no personal data. */
fk_status fk_step_simulate_inserter(fk_job *job, const fk_simulate_inserter_options *opts,
                                    fk_err *err) FK_WARN_UNUSED;

/* Where the job stands: a summary built from the store by fk_step_status(). Stages add
 * what they know as sections (a title and rows of label and value), so that a front end
 * prints every section without knowing the stage. */
typedef struct fk_job_summary fk_job_summary;

typedef struct fk_summary_row {
    const char *key;   /* for JSON: "approved_by" */
    const char *label; /* for people: "承認者" */
    const char *value; /* text, or NULL when the row is a number */
    long number;
    bool is_alert; /* needs attention now (printed paper left idle past the alarm) */
} fk_summary_row;

typedef struct fk_summary_section {
    const char *key;   /* "proof" */
    const char *title; /* "校正" */
    const fk_summary_row *rows;
    size_t n_rows;
} fk_summary_section;

typedef struct fk_summary_held {
    long line;
    fk_category category;
    char tag[40];
    char reason[96];
} fk_summary_held;

/* Builds the summary. Needs no job key (an auditor may look). Caller frees. */
fk_status fk_step_status(fk_job *job, fk_job_summary **out, fk_err *err) FK_WARN_UNUSED;
void fk_job_summary_free(fk_job_summary *s);

/* Records per category and state (received and rejected are rows: category unknown, so
 * they are counted in the totals only). */
long fk_job_summary_count(const fk_job_summary *s, fk_category c, fk_record_state state);
long fk_job_summary_total(const fk_job_summary *s, fk_record_state state);
size_t fk_job_summary_sections(const fk_job_summary *s, const fk_summary_section **out);
size_t fk_job_summary_held(const fk_job_summary *s, const fk_summary_held **out);
/* The next step: its name ("check") and the command that runs it. */
const char *fk_job_summary_next_step(const fk_job_summary *s);
const char *fk_job_summary_next_command(const fk_job_summary *s);
const char *fk_job_summary_next_why(const fk_job_summary *s);
/* Printed files not enclosure-checked for longer than the order's idle_alarm. */
long fk_job_summary_idle_files(const fk_job_summary *s);

/* The summary as one JSON object (UTF-8). */
fk_status fk_job_summary_write_json(const fk_job_summary *s, fk_buf *out) FK_WARN_UNUSED;

#endif
