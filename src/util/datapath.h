/*
 * Where fukan's data files (rules/, templates/) are found: $FUKAN_DATA_DIR if set, then the
 * installed data directory, then the source tree the binary was built from (so that a build
 * runs without being installed).
 */
#ifndef FK_DATAPATH_H
#define FK_DATAPATH_H

#include <stdbool.h>
#include <stddef.h>

/* Writes the path of the first existing data file `relative` into out; false if none. */
bool fk_data_path(const char *relative, char *out, size_t size);

#endif
