/* Names and descriptions of the status table in status.h. */
#include "status.h"

#include "util/i18n.h"

const char *fk_status_name(fk_status s)
{
    switch (s) {
#define FK__STATUS_NAME(name, value, text)                                                         \
    case FK_##name:                                                                                \
        return "FK_" #name;
        FK_STATUS_MAP(FK__STATUS_NAME)
#undef FK__STATUS_NAME
    }
    return "FK_UNKNOWN";
}

const char *fk_strerror(fk_status s)
{
    switch (s) {
#define FK__STATUS_TEXT(name, value, text)                                                         \
    case FK_##name:                                                                                \
        return _(text);
        FK_STATUS_MAP(FK__STATUS_TEXT)
#undef FK__STATUS_TEXT
    }
    return _("unknown status");
}
