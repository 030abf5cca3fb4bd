/*
 * Japan Post's postal-code list (KEN_ALL and the business codes, as the npm package
 * japan-postal-code ships them), converted at build time by scripts/gen-postal-table.py into
 * one binary table that is mapped read-only and searched in place. It answers: which
 * prefecture, municipality and town area a code stands for, what kind of code it is (a
 * municipality's catch-all code gets no barcode), and where in an address the town area
 * ends, so that numbers in a town's name (三番町, 北六条東) never reach the display number.
 */
#ifndef FK_POSTAL_DB_H
#define FK_POSTAL_DB_H

#include "util/err.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct fk_postal_db fk_postal_db;

/*
 * Opens the table at path, or, when path is NULL, the first of: $FUKAN_POSTAL_DATA, the
 * build directory's table, the installed one (FK_DATADIR/postal-codes.tbl). Checks the
 * header, every offset and the content hash. FK_ENOENT when there is no table (run
 * scripts/fetch-postal-data and rebuild), FK_EFORMAT when it is damaged. On success *out is
 * freed with fk_postal_db_free(); on error *out is NULL.
 */
fk_status fk_postal_db_open(const char *path, fk_postal_db **out, fk_err *err) FK_WARN_UNUSED;

/* Unmaps and frees the table; NULL is a no-op. Strings obtained from it become invalid. */
void fk_postal_db_free(fk_postal_db *db);

typedef struct fk_postal_info {
    const char *path;      /* the file that was opened */
    const char *package;   /* "japan-postal-code" */
    const char *version;   /* the npm package's version */
    const char *published; /* the registry's publish date of that version, or "unknown" */
    const char *shasum;    /* the package tarball's SHA-1, or "unknown" */
    size_t codes;          /* number of postal codes */
    size_t municipalities;
} fk_postal_info;

void fk_postal_db_get_info(const fk_postal_db *db, fk_postal_info *info);

typedef enum {
    FK_POSTAL_KIND_TOWN = 0, /* a town area's code (町域) */
    FK_POSTAL_KIND_CATCHALL = 1, /* the municipality's catch-all code (以下に掲載がない場合) */
    FK_POSTAL_KIND_NO_TOWN = 2, /* a code without town area (一円, 次に番地がくる場合) */
    FK_POSTAL_KIND_BUSINESS = 3 /* a business's individual code (大口事業所個別番号) */
} fk_postal_kind;

typedef struct fk_postal_entry {
    char code[8]; /* 7 digits */
    fk_postal_kind kind;
    const char *prefecture; /* 東京都 */
    const char *city;       /* 新宿区, 千葉市稲毛区, 猿島郡境町 */
    const char *town;       /* 西新宿; "" for a catch-all or no-town code */
    const char *street;     /* business codes: the number part of its address, else "" */
} fk_postal_entry;

/*
 * Normalises a postal code written as 7 digits, or 3 + hyphen + 4, half- or full-width,
 * with an optional leading 〒 and surrounding blanks, into 7 ASCII digits. FK_EINVAL else.
 */
fk_status fk_postal_code_normalise(const char *in, char out[8]) FK_WARN_UNUSED;

/* Looks up a 7-digit code; FK_ENOENT (out untouched) when the list does not have it. */
fk_status fk_postal_db_lookup(const fk_postal_db *db, const char *code7,
                              fk_postal_entry *out) FK_WARN_UNUSED;

typedef enum {
    FK_POSTAL_MATCH_OK = 0,     /* the address lies in the code's town area (or the code has
                                   none and the address names its municipality) */
    FK_POSTAL_MATCH_OTHER_TOWN, /* the address names another town area of that municipality */
    FK_POSTAL_MATCH_NO_TOWN,    /* the municipality matches; its town area is not found */
    FK_POSTAL_MATCH_OTHER_CITY  /* the prefecture or municipality is not the code's */
} fk_postal_match;

typedef struct fk_postal_split {
    fk_postal_match match;
    size_t rest;            /* OK and OTHER_TOWN: byte offset in the address where the part
                               after the town area (住所B) begins */
    const char *other_town; /* OTHER_TOWN: the town area the address names; else NULL */
    bool city_omitted;      /* the address starts at the town area (allowed by Japan Post) */
    bool town_later;        /* the town area was found after words that are not part of the
                               list's names (Kyoto's street directions, 小字); only words
                               without digits are skipped so */
} fk_postal_split;

/*
 * Matches an address (from the prefecture or the municipality on) against the code's entry.
 * building (may be NULL) is consulted only for high-rise codes whose town area in the list
 * names the building (西新宿新宿センタービル): the building's name must appear in address or
 * building. Prefecture and municipality may be omitted; 大字/字 before the town area is
 * skipped; names compare with ケ/ヶ/が, の/ノ/之, full-/half-width and kanji/arabic number
 * variants folded (北6条東 = 北六条東). FK_EFORMAT for invalid UTF-8.
 */
fk_status fk_postal_db_match(const fk_postal_db *db, const fk_postal_entry *entry,
                             const char *address, const char *building, fk_postal_split *out,
                             fk_err *err) FK_WARN_UNUSED;

#endif
