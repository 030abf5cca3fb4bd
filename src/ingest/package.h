/*
 * The ward's package: a ZIP whose entries are encrypted with WinZip AES-256 (AE-2, as 7-Zip
 * writes it), holding the export CSV and optionally a manifest (docs/ward-package.md). The
 * reader decrypts into fixed buffers only, so the clear CSV never touches the disk and is
 * never held whole; the writer is the ward's side (fukan seal) and also makes the strong
 * random password.
 */
#ifndef FK_PACKAGE_H
#define FK_PACKAGE_H

#include "util/err.h"

#include <stddef.h>

typedef struct fk_package fk_package;

/* The manifest's entry name. */
#define FK_PACKAGE_MANIFEST "manifest.txt"

/* Decompressed CSV larger than this is refused (FK_ETOOBIG). */
#define FK_PACKAGE_MAX_CSV ((size_t)1 << 30)

/* Called with each chunk of the CSV's clear bytes during the first pass (e.g. to scan its
 * encoding); the chunk is only lent. */
typedef void (*fk_package_chunk_fn)(void *ctx, const char *data, size_t n);

/*
 * Opens the ZIP at path with password and checks its CSV: every file entry must be encrypted
 * with AES-256; the CSV is the only *.csv entry, or the one the manifest names (then its row
 * count and SHA-256, when given, must match). The CSV is decrypted once to its end, never
 * held whole: it must authenticate and match the manifest before fk_package_open returns,
 * and each of its chunks is lent to on_chunk (may be NULL). max_csv (0: FK_PACKAGE_MAX_CSV)
 * bounds the CSV's size. Errors: FK_EAUTH "wrong package password"; FK_EFORMAT for an
 * archive that is damaged, truncated or not a ZIP, an entry not encrypted or encrypted with
 * ZipCrypto or a weaker AES, no CSV, several CSVs without a manifest, a bad manifest or a
 * mismatch with it; FK_ETOOBIG; FK_EIO when the file cannot be read; FK_ENOMEM. Messages
 * name the archive's path and the entry. On success caller frees *out with
 * fk_package_free(), which wipes what it kept (the password, for the second pass).
 */
fk_status fk_package_open(const char *path, const char *password, size_t max_csv,
                          fk_package_chunk_fn on_chunk, void *ctx, fk_package **out,
                          fk_err *err) FK_WARN_UNUSED;

/*
 * The fk_stream_read_fn of an open package (package): the CSV's bytes (in its original
 * encoding) again, decrypted chunk by chunk. At its end the bytes must be those the first
 * pass checked: FK_EFORMAT "changed while it was read" otherwise, and the entry's own
 * errors as for fk_package_open.
 */
fk_status fk_package_read(void *package, char *buf, size_t cap, size_t *got,
                          fk_err *err) FK_WARN_UNUSED;

/* The CSV's entry name inside the archive. */
const char *fk_package_csv_name(const fk_package *p);

void fk_package_free(fk_package *p);

/* The SHA-256 of the file at path as 64 lowercase hex digits, read in chunks (the package's
 * identity in the job). FK_ENOENT, FK_EIO. */
fk_status fk_package_file_sha256(const char *path, char hex[65], fk_err *err) FK_WARN_UNUSED;

/*
 * Reads the entry name of the AES-256 ZIP at path (at most max bytes) into *data (freed with
 * fk_free), with the same checks as fk_package_open: the entry must be AES-256 encrypted and
 * authenticate (an AE-2 entry's HMAC is checked). Used for fukan's own report package.
 * FK_ENOENT for a missing entry, FK_EAUTH for a wrong password.
 */
fk_status fk_package_read_entry(const char *path, const char *password, const char *name,
                                size_t max, char **data, size_t *len, fk_err *err) FK_WARN_UNUSED;

/* Length of passwords made by fk_package_password_new (not counting the NUL). */
#define FK_PACKAGE_PASSWORD_LEN 24

/*
 * The alphabet of generated passwords: letters and digits that cannot be mistaken for one
 * another when read aloud or from paper (no 0/O, 1/l/I).
 */
#define FK_PACKAGE_PASSWORD_ALPHABET "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"

/*
 * Writes a new random password of FK_PACKAGE_PASSWORD_LEN characters, uniformly drawn from
 * the alphabet, into out (at least FK_PACKAGE_PASSWORD_LEN + 1 bytes). FK_EENV when the
 * system's random source fails.
 */
fk_status fk_package_password_new(char *out, size_t size, fk_err *err) FK_WARN_UNUSED;

/*
 * Creates the ZIP at path (which must not exist) holding csv (len bytes) as entry csv_name
 * and a manifest naming it with its row count and SHA-256, every entry encrypted with
 * AES-256 under password. On error nothing is left at path. FK_EEXIST, FK_EIO, FK_ECRYPTO
 * when libzip lacks AES, FK_EINVAL for an empty password or a csv_name with a path.
 */
fk_status fk_package_write(const char *path, const char *csv_name, const char *csv, size_t len,
                           const char *password, fk_err *err) FK_WARN_UNUSED;

#endif
