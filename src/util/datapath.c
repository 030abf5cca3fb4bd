/* Locating data files: see datapath.h. */
#include "datapath.h"
#include "fk-config.h"
#include "fsutil.h"

#include <stdlib.h>

bool fk_data_path(const char *relative, char *out, size_t size)
{
    const char *dirs[] = {getenv("FUKAN_DATA_DIR"), FK_DATADIR, FK_SOURCE_ROOT};
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
        if (dirs[i] == NULL || dirs[i][0] == '\0')
            continue;
        if (fk_fs_join(out, size, dirs[i], relative) && fk_fs_exists(out))
            return true;
    }
    return false;
}
