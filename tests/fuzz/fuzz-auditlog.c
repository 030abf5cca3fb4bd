/* libFuzzer target: the offline verifier of an exported audit log (the ward's report package
 * is outside input) never crashes, and accepts an export only with at least one entry whose
 * head it reports as 64 hex digits; a malformed export is FK_EFORMAT, never a pass. */
#include "core/auditlog.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fk_err err;
    fk_err_clear(&err);
    fk_audit_report rep;
    fk_status s = fk_audit_verify_jsonl((const char *)data, size, NULL, NULL, &rep, &err);
    if (s == FK_OK && (rep.entries < 1 || strlen(rep.head_hex) != 64))
        abort();
    if (s != FK_OK && s != FK_EFORMAT && s != FK_ETAMPER && s != FK_ENOMEM && s != FK_EINVAL)
        abort();
    return 0;
}
