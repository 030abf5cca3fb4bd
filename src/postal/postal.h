/*
 * From an addressee's postal code and address to the customer barcode, or to the reason why
 * none may be printed. This is the postal stage's entry point for src/cli (`fukan postcode`),
 * for `open` (warn or reject when the code does not belong to the address) and for compose
 * (print the bars). The pieces are postal-db.h (the list, town-area matching), addrnum.h
 * (住所表示番号) and custbar.h (encoding and geometry).
 */
#ifndef FK_POSTAL_H
#define FK_POSTAL_H

#include "postal/custbar.h"
#include "postal/postal-db.h"

#define FK_POSTAL_DISPLAY_MAX 2049 /* always enough (addrnum.h), NUL included */

typedef enum {
    FK_POSTAL_OK = 0,       /* barcode computed */
    FK_POSTAL_UNKNOWN_CODE, /* the code is not in the list */
    FK_POSTAL_CATCHALL,     /* a catch-all code: Japan Post wants no barcode */
    FK_POSTAL_MISMATCH,     /* the code does not belong to the address (see split.match) */
} fk_postal_verdict;

typedef struct fk_postal_result {
    fk_postal_verdict verdict;
    fk_postal_entry entry;               /* valid unless UNKNOWN_CODE; strings owned by the db */
    fk_postal_split split;               /* valid unless UNKNOWN_CODE */
    char display[FK_POSTAL_DISPLAY_MAX]; /* 住所表示番号 ("3-20-5B604"; "" for a business
                                            code, or when the verdict is not OK) */
    fk_custbar barcode;                  /* valid when verdict is OK */
} fk_postal_result;

/*
 * Computes the barcode for a postal code (any form fk_postal_code_normalise() accepts) and an
 * address (from prefecture or municipality on) with an optional building line (NULL or "").
 * Returns FK_OK whenever it reached a verdict, barcode or not; FK_EINVAL for a malformed
 * postal code, FK_EFORMAT for invalid UTF-8, FK_ETOOBIG for an overlong address.
 * A business code's barcode carries the code only (13 x CC4), as Japan Post prescribes.
 */
fk_status fk_postal_compute(const fk_postal_db *db, const char *postal, const char *address,
                            const char *building, fk_postal_result *out,
                            fk_err *err) FK_WARN_UNUSED;

/* A one-line English reason for a verdict other than OK (no personal data in it). */
const char *fk_postal_verdict_reason(const fk_postal_result *r);

#endif
