/*
 * libFuzzer harness: strict base64url decoding (and hex decoding).
 * Property: whatever decodes re-encodes to exactly the input (one accepted
 * encoding per byte string); failures leave the output wiped; encoding any
 * bytes and decoding gives them back.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "moat/core.h"

#define FUZZ_MAX_IN 65536u

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint8_t g_bin[MOAT_B64URL_DEC_MAX(FUZZ_MAX_IN) + 1u];
static char g_txt[MOAT_B64URL_ENC_LEN(FUZZ_MAX_IN) + 1u];

static void check(int ok)
{
    if (!ok) {
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t n = 0;
    size_t m = 0;
    moat_err e;

    if (size > FUZZ_MAX_IN) {
        return 0;
    }

    /* decode -> encode must reproduce the input exactly */
    memset(g_bin, 0xA5, sizeof g_bin);
    e = moat_b64url_decode((const char *)data, size, g_bin, sizeof g_bin, &n);
    if (e == MOAT_OK) {
        check(n == MOAT_B64URL_DEC_MAX(size));
        check(moat_b64url_encode(g_bin, n, g_txt, sizeof g_txt, &m) == MOAT_OK);
        check(m == size);
        check(memcmp(g_txt, data, size) == 0);
    } else {
        check(e == MOAT_ERR_B64_PADDING || e == MOAT_ERR_B64_CHAR || e == MOAT_ERR_B64_LENGTH ||
              e == MOAT_ERR_B64_TRAILING_BITS);
        check(n == 0u);
        check(moat_ct_is_zero(g_bin, sizeof g_bin) == 1u);
    }

    /* encode arbitrary bytes -> decode gives them back */
    check(moat_b64url_encode(data, size, g_txt, sizeof g_txt, &m) == MOAT_OK);
    check(m == MOAT_B64URL_ENC_LEN(size));
    check(moat_b64url_decode(g_txt, m, g_bin, sizeof g_bin, &n) == MOAT_OK);
    check(n == size);
    check(size == 0u || memcmp(g_bin, data, size) == 0);

    /* hex: decode of the raw input; if it decodes, re-encoding matches
     * case-insensitively */
    e = moat_hex_decode((const char *)data, size, g_bin, sizeof g_bin, &n);
    if (e == MOAT_OK) {
        size_t i;
        check(n * 2u == size);
        check(moat_hex_encode(g_bin, n, g_txt, sizeof g_txt, &m) == MOAT_OK);
        check(m == size);
        for (i = 0; i < size; i++) {
            unsigned char c = data[i];
            if (c >= 'A' && c <= 'F') {
                c = (unsigned char)(c - 'A' + 'a');
            }
            check((unsigned char)g_txt[i] == c);
        }
    } else {
        check(e == MOAT_ERR_HEX_LENGTH || e == MOAT_ERR_HEX_CHAR);
    }
    return 0;
}
