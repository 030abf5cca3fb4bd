/*
 * Mailing order and counts for the bulk-mail discount: pieces sorted by postal code, and how
 * many go to each postal code and to each first three digits (the delivery office's area).
 * The PDF form of the summary is the report writer's; here are the data and a CSV.
 */
#ifndef FK_MAILSORT_H
#define FK_MAILSORT_H

#include "util/buf.h"
#include "util/err.h"

#include <stddef.h>

/*
 * Fills order[0..n) with the indexes of codes[] in mailing order: ascending 7-digit postal
 * code, then the address (bytewise: within a postal code the carrier walks the addresses in
 * order of their town area, 丁目 and 番地 as written), ties in input order (stable). Codes are
 * 7 ASCII digits (fk_postal_code_normalise()); anything else sorts after every valid code.
 * addresses may be NULL (postal code only). FK_ENOMEM on failure. This is the order compose
 * prints in.
 */
fk_status fk_mailsort_order(const char *const *codes, const char *const *addresses, size_t n,
                            size_t *order) FK_WARN_UNUSED;

typedef struct fk_mailsort_count {
    char key[8]; /* a 7-digit code, a 3-digit prefix, or "" for invalid codes */
    size_t pieces;
} fk_mailsort_count;

typedef struct fk_mailsort_summary {
    fk_mailsort_count *codes; /* per postal code, ascending; invalid codes last as "" */
    size_t n_codes;
    fk_mailsort_count *prefixes; /* per first three digits, ascending */
    size_t n_prefixes;
    size_t total;
} fk_mailsort_summary;

/* Counts the pieces of codes[0..n). On success free with fk_mailsort_summary_free(). */
fk_status fk_mailsort_summarise(const char *const *codes, size_t n,
                                fk_mailsort_summary *out) FK_WARN_UNUSED;

void fk_mailsort_summary_free(fk_mailsort_summary *s);

/*
 * Appends the summary as CSV (RFC 4180, LF line ends, ASCII): a header
 * "level,postal_code,pieces", one "code,1000013,12" row per postal code, one
 * "area,100,30" row per first three digits, and "total,,4413". Invalid codes are counted in
 * a "code,,N" row.
 */
fk_status fk_mailsort_write_csv(const fk_mailsort_summary *s, fk_buf *out) FK_WARN_UNUSED;

#endif
