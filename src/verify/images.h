/*
 * Scanned page images for the enclosure check: PNG or TIFF, decoded with libdmtx. DIR holds
 * one entry per envelope, taken in name order: a folder of images (one sheet each, in name
 * order), a multi-page TIFF (one sheet a page), or a single PNG/TIFF (a one-sheet envelope).
 * An image where no code can be read counts as an unread sheet and is reported by file name.
 */
#ifndef FK_IMAGES_H
#define FK_IMAGES_H

#include "camera.h"

/* Called for each image (file name, page) from which no code could be read. */
typedef void (*fk_verify_unreadable)(void *ctx, const char *file, int page, const char *why);

fk_status fk_verify_images_dir(fk_verify *v, const char *dir, fk_verify_outcomes *out,
                               fk_verify_unreadable unreadable, void *ctx,
                               fk_err *err) FK_WARN_UNUSED;

/* Decodes the first insert-control code in one image file's page (0-based) into out (size
 * bytes); FK_ENOENT if none can be read, FK_EFORMAT if the file is not a PNG or TIFF. Sets
 * *pages to the file's page count when not NULL. */
fk_status fk_verify_image_decode(const char *path, int page, char *out, size_t size, int *pages,
                                 fk_err *err) FK_WARN_UNUSED;

#endif
