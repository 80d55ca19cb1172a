/*
 * libFuzzer harness: PEM decoding (moat_pem_decode) over arbitrary text,
 * walking every block with the offset, and PEM encoding round trips.
 * Properties: the offset only moves forward and stays within the text; a
 * failure leaves the output wiped and the offset unchanged; every decoded
 * block re-encodes (moat_pem_encode) to a text that decodes to the same
 * bytes; a too-small buffer reports the exact size.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "moat/x509.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_DER_MAX 16384u
#define FUZZ_MAX_BLOCKS 64u

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
    static uint8_t der[FUZZ_DER_MAX];
    static uint8_t der2[FUZZ_DER_MAX];
    static char pem[FUZZ_DER_MAX * 2];
    const char *text = (const char *)data;
    size_t off = 0, n = 0, blocks;
    moat_err e = MOAT_OK;

    for (blocks = 0; blocks < FUZZ_MAX_BLOCKS; blocks++) {
        size_t before = off;
        size_t small = 0, pn = 0, n2 = 0, off2 = 0;

        e = moat_pem_decode(text, size, "CERTIFICATE", &off, der, sizeof(der), &n);
        if (e != MOAT_OK) {
            check(off == before);
            if (e != MOAT_ERR_BUFFER_TOO_SMALL) {
                check(all_zero(der, sizeof(der)));
            }
            break;
        }
        check(off > before && off <= size && n > 0 && n <= sizeof(der));
        /* exact size on a too-small buffer */
        off2 = before;
        check(moat_pem_decode(text, size, "CERTIFICATE", &off2, der2, n - 1, &small) ==
              MOAT_ERR_BUFFER_TOO_SMALL);
        check(small == n && off2 == before);
        /* re-encode and decode again */
        check(moat_pem_encode(der, n, "CERTIFICATE", pem, sizeof(pem), &pn) == MOAT_OK);
        off2 = 0;
        check(moat_pem_decode(pem, pn, "CERTIFICATE", &off2, der2, sizeof(der2), &n2) ==
              MOAT_OK);
        check(n2 == n && memcmp(der, der2, n) == 0 && off2 == pn);
    }
    return 0;
}
