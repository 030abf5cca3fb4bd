/* libFuzzer target: a scanned insert-control code (outside input, from the inserter's camera
 * or a hand scanner) parses or is refused, never crashes; what parses is written back in the
 * canonical form and parses again to the same code (a round trip). */
#include "core/inscode.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char in[256];
    if (size >= sizeof in)
        return 0;
    memcpy(in, data, size);
    in[size] = '\0';
    fk_err err;
    fk_err_clear(&err);
    fk_insert_code a, b;
    if (fk_insert_code_parse(in, &a, &err) != FK_OK)
        return 0;
    if (a.sheet < 1 || a.sheet > a.sheets || a.serial < 0 || a.serial > 999999 ||
        strlen(a.check) != FK_CHECK_VALUE_HEX - 1 || a.job_code[0] == '\0')
        abort();
    char out[FK_INSERT_CODE_MAX * 2];
    snprintf(out, sizeof out, "%s|%s|%c|%06ld|%d/%d|%s", a.is_specimen ? "FKS1" : "FK1", a.job_code,
             fk_category_code(a.category), a.serial, a.sheet, a.sheets, a.check);
    if (fk_insert_code_parse(out, &b, &err) != FK_OK || memcmp(&a, &b, sizeof a) != 0)
        abort();
    return 0;
}
