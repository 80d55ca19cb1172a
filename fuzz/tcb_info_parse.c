/*
 * libFuzzer harness: strict TCG DiceTcbInfo parsing (moat_dice_tcb_info_parse).
 * Properties: a failed parse leaves the output all zero and returns
 * MOAT_ERR_DICE_TCB_INFO or MOAT_ERR_INPUT_TOO_LARGE; an accepted encoding
 * re-encodes to exactly the same bytes (the parser accepts DER only, and
 * the encoder writes DER), and the re-parse is equal.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "moat/dice.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok)
{
    if (!ok) {
        abort();
    }
}

static int all_zero(const void *p, size_t n)
{
    const uint8_t *b = p;
    size_t i;
    for (i = 0; i < n; i++) {
        if (b[i] != 0) {
            return 0;
        }
    }
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static moat_dice_tcb_info a;
    static moat_dice_tcb_info b;
    static uint8_t der[MOAT_DICE_TCB_DER_MAX];
    size_t len = 0;
    moat_err err;

    memset(&a, 0xA5, sizeof(a));
    err = moat_dice_tcb_info_parse(data, size, &a);
    if (err != MOAT_OK) {
        check(err == MOAT_ERR_DICE_TCB_INFO || err == MOAT_ERR_INPUT_TOO_LARGE);
        check(all_zero(&a, sizeof(a)));
        return 0;
    }
    /* Flags are re-encoded minimally; a fixed-width (e.g. 32-bit) flags
     * field is accepted by the parser, so compare values, and bytes only
     * when the flags field was minimal. */
    check(moat_dice_tcb_info_encode(&a, der, sizeof(der), &len) == MOAT_OK);
    check(moat_dice_tcb_info_parse(der, len, &b) == MOAT_OK);
    check(moat_dice_tcb_info_equal(&a, &b));
    if (!(a.present & MOAT_DICE_TCB_FLAGS)) {
        check(len == size && memcmp(der, data, size) == 0);
    }
    return 0;
}
