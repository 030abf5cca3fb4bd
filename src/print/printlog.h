/*
 * The print log's logic that needs no CUPS: how many sheets of each print file are printed,
 * the designated-count rule (a second print or sheets beyond the designation need a reason),
 * the print files' states (composed → printed → enclosure-checked) with the age of idle
 * printed paper, and the log written as text, CSV and XLSX, or handed over as table rows for
 * the Japanese PDF (印刷ログ) that the front end draws with its report writer.
 */
#ifndef FK_PRINTLOG_H
#define FK_PRINTLOG_H

#include "core/files.h"
#include "core/prints.h"
#include "core/state.h"
#include "util/buf.h"

#include <time.h>

/* Sheets an entry put on paper: what CUPS reported, else for a completed job what was sent,
 * else nothing (an unresolved, aborted or canceled job CUPS did not count). */
long fk_print_entry_printed(const fk_print_entry *e);

/*
 * The designated-count rule for sending `to_send` sheets of `file`, designated `designated`,
 * of which `printed` are already printed: sets *over_count to the sheets beyond the
 * designation. FK_ESTATE, saying what is designated, what was printed and how to proceed,
 * when this is a second print or goes beyond the designation and reason is NULL or blank.
 */
fk_status fk_print_check_designation(const char *file, long designated, long printed, long to_send,
                                     const char *reason, long *over_count,
                                     fk_err *err) FK_WARN_UNUSED;

/* FK_EINVAL unless reason is 1-500 bytes of valid UTF-8 without control characters. */
fk_status fk_print_check_reason(const char *reason, fk_err *err) FK_WARN_UNUSED;

/* One print file as the print log sees it. */
typedef struct fk_print_tally {
    const fk_job_file *file; /* name, document, category, batch, designated sheets */
    const char *parent;      /* a reprint's parent print file, or NULL */
    long printed;            /* sheets printed, over all its print-log entries */
    long over_count;         /* sheets printed beyond the designation */
    int prints;              /* entries that put sheets on paper */
    int unresolved;          /* entries whose CUPS outcome is not recorded yet */
    fk_file_state state;     /* composed, printed, or verified (enclosure-checked) */
    long age;                /* seconds since its last print, for a printed file; 0 otherwise */
    bool is_idle;            /* printed, not checked, for longer than the order's idle_alarm */
} fk_print_tally;

/* Calls visit for every print file (category >= 0) of the job in stored order, as at `now`. */
fk_status fk_print_tally_foreach(fk_job *job, time_t now,
                                 int (*visit)(const fk_print_tally *, void *), void *ctx,
                                 fk_err *err) FK_WARN_UNUSED;

/* True if the print file belongs to batch_id: a category code and batch number ("S-1",
 * "S-001", "s1"), or the print file's own name. */
bool fk_print_batch_matches(const fk_job_file *file, const char *batch_id);

/* Designated, printed and over-count sheets of one category and batch, for a status page. */
typedef struct fk_print_counts {
    int category, batch;
    long files, designated, printed, over_count, idle_files;
} fk_print_counts;

/* Calls visit once per category and batch in order, summing its print files. */
fk_status fk_print_counts_foreach(fk_job *job, time_t now,
                                  int (*visit)(const fk_print_counts *, void *), void *ctx,
                                  fk_err *err) FK_WARN_UNUSED;

/*
 * The idle-paper warning every command gives: into out, a message naming the printed files
 * not enclosure-checked for longer than the order's idle_alarm, with their ages; "" and
 * *count 0 when there are none.
 */
fk_status fk_print_idle_warning(fk_job *job, time_t now, char *out, size_t size, long *count,
                                fk_err *err) FK_WARN_UNUSED;

/* The log as an aligned text table, and as CSV (RFC 4180, UTF-8 with BOM, CRLF): one line per
 * entry and a separate "over-count" line for each entry printed beyond the designation. */
fk_status fk_print_log_write_text(fk_job *job, fk_buf *out, fk_err *err) FK_WARN_UNUSED;
fk_status fk_print_log_write_csv(fk_job *job, fk_buf *out, fk_err *err) FK_WARN_UNUSED;

/* The log as an XLSX workbook at path (libxlsxwriter), Japanese headings, same lines. */
fk_status fk_print_log_write_xlsx(fk_job *job, const char *path, fk_err *err) FK_WARN_UNUSED;

/* The log as rows of Japanese cells for a PDF table (dates in 和暦 and ISO). */
typedef struct fk_print_table {
    size_t ncols, nrows;
    const char *const *columns; /* ncols titles */
    const double *widths;       /* ncols widths in mm */
    char **cells;               /* nrows * ncols, row-major */
    long entries, sheets, over_count;
} fk_print_table;

/* Fills t; free with fk_print_table_free (also after a failure). */
fk_status fk_print_log_table(fk_job *job, fk_print_table *t, fk_err *err) FK_WARN_UNUSED;
void fk_print_table_free(fk_print_table *t);

#endif
