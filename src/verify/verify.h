/*
 * The enclosure check (突合), envelope by envelope. The plan is what compose made: every
 * envelope's category, serial, batch, sheet count and check value, read from the job's run
 * file and confirmed against the records under the job key. Each scanned envelope (the
 * payloads read from its sheets, in order) is then checked: every code genuine for this job,
 * all sheets of one person (one serial and check value: name, address, building, voucher and
 * resident number compared at once), the set i/n complete with no gap or repeat, no sheet in
 * two envelopes, no envelope twice, printed and not delivered. Faults are named by category,
 * serial and kind, never by anything personal.
 *
 * "Printed" and "delivered" come from the caller (fk_verify_hooks), so that the print log and
 * the delivery receipts can feed them without this stage depending on theirs.
 */
#ifndef FK_VERIFY_H
#define FK_VERIFY_H

#include "core/enclosure.h"
#include "core/record.h"
#include "util/err.h"

#include <stdbool.h>
#include <stddef.h>

#define FK_VERIFY_CHECK_HEX  11 /* 10 hex digits and NUL, as FK_CHECK_VALUE_HEX */
#define FK_VERIFY_MAX_SHEETS 8
#define FK_VERIFY_CODE_TEXT  129 /* longest payload read back, with NUL */

/* Fault kinds, as bits; names as stored and printed ("swapped"), labels in Japanese. */
#define FK_VERIFY_FAULTS(X)                                                                        \
    X(SWAPPED, 0, "swapped", "差し違い（他人の用紙）")                                             \
    X(MISSING_SHEET, 1, "missing-sheet", "用紙不足")                                               \
    X(DUPLICATE, 2, "duplicate", "重複")                                                           \
    X(FOREIGN, 3, "foreign-job", "他の業務の用紙")                                                 \
    X(FORGED, 4, "forged", "照合値不一致（偽造・見本）")                                           \
    X(UNREAD, 5, "unread", "読取不能")                                                             \
    X(NOT_PRINTED, 6, "not-printed", "印刷記録なし")                                               \
    X(DELIVERED, 7, "delivered", "引渡し済み")                                                     \
    X(NOT_REWORKED, 8, "not-reworked", "再作業の記録なし")

typedef enum {
#define FK__FAULT_ENUM(name, bit, text, ja) FK_FAULT_##name = 1u << bit,
    FK_VERIFY_FAULTS(FK__FAULT_ENUM)
#undef FK__FAULT_ENUM
} fk_verify_fault;

#define FK_VERIFY_FAULT_KINDS 9

/* The name and Japanese label of one fault bit; NULL for an unknown bit. */
const char *fk_verify_fault_name(unsigned fault);
const char *fk_verify_fault_label(unsigned fault);

/* Parses a fault name ("swapped"); 0 if unknown. */
unsigned fk_verify_fault_parse(const char *name);

/* Writes the names of the faults in mask, comma-separated, into out (truncated to size). */
void fk_verify_faults_describe(unsigned mask, char *out, size_t size);

/* The same for people reading Japanese: "読取不能 [unread]、重複 [duplicate]". */
void fk_verify_faults_describe_labelled(unsigned mask, char *out, size_t size);

/* An insert-control payload FK1|JOB|C|SERIAL|i/n|CHECK taken apart; false if malformed. */
typedef struct fk_verify_code {
    char job[17];
    fk_category category;
    long serial;
    int sheet, sheets;
    char check[FK_VERIFY_CHECK_HEX];
} fk_verify_code;

bool fk_verify_code_parse(const char *payload, fk_verify_code *out);

/* The composed envelopes. */
typedef struct fk_verify_plan fk_verify_plan;

fk_status fk_verify_plan_new(const char *job_code, fk_verify_plan **out,
                             fk_err *err) FK_WARN_UNUSED;
void fk_verify_plan_free(fk_verify_plan *p);

/* Adds one composed envelope; FK_EEXIST if (c, serial) is already there. */
fk_status fk_verify_plan_add(fk_verify_plan *p, fk_category c, long serial, int batch, int sheets,
                             const char *check, fk_err *err) FK_WARN_UNUSED;

/* Adds every envelope of a run file (compose's CSV: batch,serial,category,sheet,sheets,
 * document,payload,stock_items), named name in messages. */
fk_status fk_verify_plan_add_run(fk_verify_plan *p, const char *name, const char *data, size_t len,
                                 fk_err *err) FK_WARN_UNUSED;

/* Confirms an envelope's check value as recomputed from its record under the job key:
 * FK_ETAMPER if it differs from the plan's, FK_ENOENT if the plan has no such envelope. */
fk_status fk_verify_plan_confirm(fk_verify_plan *p, fk_category c, long serial, const char *check,
                                 fk_err *err) FK_WARN_UNUSED;

/* FK_ETAMPER unless every envelope of the plan was confirmed. */
fk_status fk_verify_plan_check_confirmed(const fk_verify_plan *p, fk_err *err) FK_WARN_UNUSED;

long fk_verify_plan_count(const fk_verify_plan *p);
const char *fk_verify_plan_job_code(const fk_verify_plan *p);

/* Calls visit for each envelope in category, then serial order; non-zero stops. */
typedef struct fk_verify_envelope_info {
    fk_category category;
    long serial;
    int batch, sheets;
    const char *check;
} fk_verify_envelope_info;

void fk_verify_plan_foreach(const fk_verify_plan *p,
                            int (*visit)(const fk_verify_envelope_info *, void *), void *ctx);

/* What the check asks its caller. NULL functions mean "yes, printed" and "not delivered". */
typedef struct fk_verify_hooks {
    /* Whether sheet `sheet` of the category's batch (one print file) was printed. */
    bool (*is_printed)(void *ctx, fk_category c, int batch, int sheet);
    /* Whether the envelope has already been handed over (a delivery receipt lists it). */
    bool (*is_delivered)(void *ctx, fk_category c, long serial);
    void *ctx;
} fk_verify_hooks;

typedef struct fk_verify fk_verify;

/* A check over plan (which must outlive it). Caller frees with fk_verify_free. */
fk_status fk_verify_new(const fk_verify_plan *plan, const fk_verify_hooks *hooks, fk_verify **out,
                        fk_err *err) FK_WARN_UNUSED;
void fk_verify_free(fk_verify *v);

/* Seeds the state stored by earlier checks (a verified envelope seen again is a duplicate;
 * a failed one must be reworked first). Unknown envelopes are ignored. */
void fk_verify_set_state(fk_verify *v, fk_category c, long serial, fk_encl_state state);
fk_encl_state fk_verify_get_state(const fk_verify *v, fk_category c, long serial);

typedef struct fk_verify_result {
    bool identified;      /* the envelope is one of the plan's: category and serial below */
    fk_category category; /* whose address sheet (①) the envelope carries */
    long serial;
    int batch;
    unsigned faults; /* 0: verified */
    int sheets_read;
} fk_verify_result;

/*
 * Checks one envelope: the payloads of its sheets in the order read ("" for an unread one).
 * Updates the states (verified or failed) and the sheets seen. Never fails except for bad
 * arguments: every problem of the envelope is a fault in *out.
 */
fk_status fk_verify_envelope(fk_verify *v, const char *const *payloads, size_t n,
                             fk_verify_result *out, fk_err *err) FK_WARN_UNUSED;

/* Totals over the plan: verified, failed (failed or awaiting rework) and never scanned. */
typedef struct fk_verify_totals {
    long composed[FK_CAT_COUNT], verified[FK_CAT_COUNT], failed[FK_CAT_COUNT],
        missing[FK_CAT_COUNT];
} fk_verify_totals;

void fk_verify_get_totals(const fk_verify *v, fk_verify_totals *out);

/* Calls visit for each envelope in the given state (FK_ENCL_NONE: the missing ones). */
void fk_verify_foreach_state(const fk_verify *v, fk_encl_state state,
                             int (*visit)(const fk_verify_envelope_info *, void *), void *ctx);

#endif
