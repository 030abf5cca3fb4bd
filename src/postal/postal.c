/* Postal code + address → customer barcode: see postal.h. */
#include "postal.h"

#include "addrnum.h"
#include "util/buf.h"
#include "util/i18n.h"

#include <stdio.h>
#include <string.h>

fk_status fk_postal_compute(const fk_postal_db *db, const char *postal, const char *address,
                            const char *building, fk_postal_result *out, fk_err *err)
{
    memset(out, 0, sizeof *out);
    char code[8];
    if (fk_postal_code_normalise(postal, code) != FK_OK)
        return fk_failf(err, FK_EINVAL, _("postal code must be 7 digits (NNN-NNNN)"));
    if (strlen(address) > FK_ADDRNUM_MAX_INPUT / 2 ||
        (building != NULL && strlen(building) > FK_ADDRNUM_MAX_INPUT / 2 - 1))
        return fk_failf(err, FK_ETOOBIG, _("address or building line too long"));
    if (fk_postal_db_lookup(db, code, &out->entry) != FK_OK) {
        memcpy(out->entry.code, code, sizeof code);
        out->verdict = FK_POSTAL_UNKNOWN_CODE;
        return FK_OK;
    }
    fk_status s = fk_postal_db_match(db, &out->entry, address, building, &out->split, err);
    if (s != FK_OK)
        return s;
    if (out->entry.kind == FK_POSTAL_KIND_CATCHALL) {
        out->verdict = FK_POSTAL_CATCHALL;
        return FK_OK;
    }
    if (out->split.match != FK_POSTAL_MATCH_OK) {
        out->verdict = FK_POSTAL_MISMATCH;
        return FK_OK;
    }
    if (out->entry.kind != FK_POSTAL_KIND_BUSINESS) {
        /* 住所B: the rest of the address line, then the building line. */
        char rest[FK_ADDRNUM_MAX_INPUT + 1];
        snprintf(rest, sizeof rest, "%s %s", address + out->split.rest,
                 building != NULL ? building : "");
        s = fk_addrnum_extract(rest, out->display, sizeof out->display, err);
        if (s != FK_OK)
            return s;
    }
    s = fk_custbar_encode(code, out->display, &out->barcode, err);
    if (s != FK_OK)
        return s;
    out->verdict = FK_POSTAL_OK;
    return FK_OK;
}

const char *fk_postal_verdict_reason(const fk_postal_result *r)
{
    switch (r->verdict) {
    case FK_POSTAL_OK:
        return "barcode computed";
    case FK_POSTAL_UNKNOWN_CODE:
        return "the postal code is not in Japan Post's list";
    case FK_POSTAL_CATCHALL:
        return "the postal code is the municipality's catch-all code (以下に掲載がない場合): "
               "Japan Post prints no barcode for it; use the town area's own code";
    case FK_POSTAL_MISMATCH:
        break;
    }
    switch (r->split.match) {
    case FK_POSTAL_MATCH_OTHER_TOWN:
        return "the address names another town area than the postal code's";
    case FK_POSTAL_MATCH_NO_TOWN:
        return "the postal code's town area is not found in the address";
    case FK_POSTAL_MATCH_OTHER_CITY:
        return "the address is not in the postal code's prefecture and municipality";
    case FK_POSTAL_MATCH_OK:
        break;
    }
    return "the postal code does not belong to the address";
}
