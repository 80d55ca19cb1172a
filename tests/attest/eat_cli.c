/*
 * Test-only: build a device (eat_fixture.h) and print one evidence token
 * (compact JWS) on stdout, for the python3-jwcrypto interop check
 * (eat_interop.py). Usage: eat_cli [--fixed]
 * --fixed: the fixed CA key, nonce and iat of fuzz/eat_verify.c (used once
 * to write its seed corpus).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "eat_fixture.h"

int main(int argc, char **argv)
{
    static fx_ca ca;
    static fx_device dev;
    static char tok[MOAT_EAT_TOKEN_OUT_MAX];
    static uint8_t work[MOAT_EAT_ISSUE_WORK_SIZE];
    moat_eat_claims c;
    moat_eat_measurement m[FX_MEAS];
    uint8_t nonce[MOAT_NONCE_SIZE], dig[32];
    size_t len = 0;
    int fixed = argc > 1 && strcmp(argv[1], "--fixed") == 0;
    moat_err e;

    if (fx_ca_make_seeded(&ca, "moat EAT interop CA", fixed ? 0x3C : 0) != MOAT_OK ||
        fx_device_make(&dev, 0x5E, &ca, false) != MOAT_OK ||
        fx_urandom(NULL, nonce, sizeof(nonce)) != MOAT_OK) {
        fprintf(stderr, "eat_cli: fixture failed\n");
        return 1;
    }
    if (fixed) {
        memset(nonce, 0x4E, sizeof(nonce));
    }
    fx_fw_digest(dig);
    fx_claims(&c, m, dig, &dev, nonce, sizeof(nonce),
              fixed ? (int64_t)1700000000 : (int64_t)time(NULL));
    e = moat_eat_issue(&c, &dev.alias_signer, dev.x5c, dev.x5c_lens, 4, work, sizeof(work),
                       tok, sizeof(tok), &len);
    if (e != MOAT_OK) {
        fprintf(stderr, "eat_cli: %s\n", moat_strerror_name(e));
        return 1;
    }
    fwrite(tok, 1, len, stdout);
    fputc('\n', stdout);
    return 0;
}
