/*
 * File-system helpers for a job directory that holds personal data: private modes are
 * required (0700 directories, 0600 files, as ssh requires for its keys), and files are
 * written to a temporary name in the same directory, synced and renamed, so a crash leaves
 * either the old file or the new one.
 */
#ifndef FK_FSUTIL_H
#define FK_FSUTIL_H

#include "err.h"

#include <stdbool.h>
#include <stddef.h>

/* FK_EUNSAFE (with the path in err) if path is a directory readable by group or others or
 * a symbolic link, FK_ENOENT if it does not exist or is not a directory. */
fk_status fk_fs_check_private_dir(const char *path, fk_err *err) FK_WARN_UNUSED;

/* FK_EUNSAFE if the file at path is accessible by group or others, a symbolic link or not a
 * regular file; FK_ENOENT if missing. */
fk_status fk_fs_check_private_file(const char *path, fk_err *err) FK_WARN_UNUSED;

/* Creates directory path with mode 0700; FK_EEXIST if it exists and is not empty. */
fk_status fk_fs_mkdir_private(const char *path, fk_err *err) FK_WARN_UNUSED;

/* Writes all len bytes at data to fd, again after a signal; 0, or the errno of the failure
 * (EIO when the descriptor takes no byte). */
int fk_fs_write_all(int fd, const void *data, size_t len);

/* Writes data to path atomically with mode 0600 (temp file, fsync, rename, fsync dir). */
fk_status fk_fs_write_atomic(const char *path, const void *data, size_t len,
                             fk_err *err) FK_WARN_UNUSED;

/* Reads a whole file of at most max bytes; *data (NUL-terminated) is freed with fk_free. */
fk_status fk_fs_read_file(const char *path, size_t max, char **data, size_t *len,
                          fk_err *err) FK_WARN_UNUSED;

/* True if path exists. */
bool fk_fs_exists(const char *path);

/* Joins dir and name into out; false if it does not fit. */
bool fk_fs_join(char *out, size_t size, const char *dir, const char *name);

#endif
