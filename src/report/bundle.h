/*
 * The report package for the ward: an AES-256 ZIP (WinZip AE-2, which 7-Zip opens) whose
 * every entry is encrypted under one password, written in one go. (It is read back by
 * ingest/package.h's entry reader, which checks AE-2 entries' HMACs.)
 */
#ifndef FK_BUNDLE_H
#define FK_BUNDLE_H

#include "util/buf.h"
#include "util/err.h"

typedef struct fk_bundle fk_bundle;

/* A new package at path (must not exist), encrypted under password. */
fk_status fk_bundle_new(const char *path, const char *password, fk_bundle **out,
                        fk_err *err) FK_WARN_UNUSED;

/* Adds an entry (the data is copied). */
fk_status fk_bundle_add(fk_bundle *b, const char *name, const void *data, size_t len,
                        fk_err *err) FK_WARN_UNUSED;

/* Writes the package and frees b; on error nothing is left at the path. */
fk_status fk_bundle_close(fk_bundle *b, fk_err *err) FK_WARN_UNUSED;

/* Frees without writing (NULL is a no-op). */
void fk_bundle_discard(fk_bundle *b);

#endif
