/*
 * The ward's package: a ZIP whose every entry is encrypted with WinZip AES-256 (AE-2, as
 * 7-Zip's `7z a -tzip -mem=AES256` and `fukan seal` make it), holding one CSV and optionally
 * a manifest (docs/ward-package.md). Opening decrypts into memory only: the clear CSV never
 * touches the disk. Sealing is the ward's side: a random password and the encrypted ZIP.
 */
#ifndef FK_PACKAGE_H
#define FK_PACKAGE_H

#include "util/err.h"

#include <stddef.h>

/* The largest CSV a package may hold once decompressed, unless the caller says otherwise. */
#define FK_PACKAGE_DEFAULT_MAX ((size_t)1 << 30)

/* The name of the optional manifest entry. */
#define FK_PACKAGE_MANIFEST "manifest.txt"

typedef struct fk_package_content {
    char *csv; /* the CSV's bytes as stored (any encoding), NUL-terminated */
    size_t csv_len;
    char *csv_name; /* the entry's name inside the ZIP */
    long rows;      /* the manifest's row count, -1 without manifest or without a count */
} fk_package_content;

/*
 * Opens the package at path with password and reads its CSV (at most max bytes; 0 means
 * FK_PACKAGE_DEFAULT_MAX) into out, which the caller releases with
 * fk_package_content_clear() (it wipes the clear text). Errors, each naming path:
 * FK_EAUTH "wrong package password"; FK_EFORMAT for an entry not encrypted, encrypted with
 * ZipCrypto or AES-128/192, a damaged or truncated archive, no CSV, several CSVs without a
 * manifest, a bad manifest; FK_ETOOBIG; FK_ENOENT; FK_EIO; FK_ENOMEM. On error out is empty.
 */
fk_status fk_package_open(const char *path, const char *password, size_t max,
                          fk_package_content *out, fk_err *err) FK_WARN_UNUSED;

/* Wipes and frees what fk_package_open() stored; out may be cleared again. */
void fk_package_content_clear(fk_package_content *c);

/* Length of the passwords fk_package_new_password() makes (about 138 bits). */
#define FK_PACKAGE_PASSWORD_LEN 24

/* The alphabet of generated passwords: no 0/O/o, 1/l/I, which are misread on paper. */
#define FK_PACKAGE_PASSWORD_ALPHABET "23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz"

/* Writes a random password of FK_PACKAGE_PASSWORD_LEN characters and a NUL into out, drawn
 * uniformly from the alphabet with getrandom(2). FK_EENV if the system has no randomness. */
fk_status fk_package_new_password(char out[FK_PACKAGE_PASSWORD_LEN + 1],
                                  fk_err *err) FK_WARN_UNUSED;

/*
 * Writes a new package at zip_path (which must not exist: FK_EEXIST) holding the CSV at
 * csv_path (at most FK_PACKAGE_DEFAULT_MAX bytes) encrypted with AES-256 under password.
 * On error no package is left behind.
 */
fk_status fk_package_seal(const char *csv_path, const char *zip_path, const char *password,
                          fk_err *err) FK_WARN_UNUSED;

#endif
