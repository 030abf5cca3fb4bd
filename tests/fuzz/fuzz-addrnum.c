/* libFuzzer target: the address display number (住所表示番号) extraction never crashes and
 * only ever yields the characters Japan Post's rules allow: digits, '-' and capital letters,
 * with no leading hyphen and no two hyphens in a row. */
#include "postal/addrnum.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char in[1024], out[2 * sizeof in + 1];
    if (size >= sizeof in)
        return 0;
    memcpy(in, data, size);
    in[size] = '\0';
    fk_err err;
    fk_err_clear(&err);
    if (fk_addrnum_extract(in, out, sizeof out, &err) != FK_OK) {
        if (out[0] != '\0')
            abort();
        return 0;
    }
    size_t n = strlen(out);
    if (strspn(out, "0123456789-ABCDEFGHIJKLMNOPQRSTUVWXYZ") != n || out[0] == '-' ||
        strstr(out, "--") != NULL)
        abort();
    return 0;
}
