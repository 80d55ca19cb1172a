/*
 * libFuzzer harness: compact JWS verification against fixed keys (the
 * RFC 7515 A.3 P-256 key and a fixed P-384 key, built at first call), by
 * key and by key set.
 * Properties: on failure the payload buffer is wiped and the length is 0;
 * on success the payload is no longer than the token; both entry points
 * agree when the token verifies under one key.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "moat/jose.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static moat_jwk g_keys[2];
static int g_ready;
static uint8_t g_payload[65536];

static void check(int ok)
{
    if (!ok) {
        abort();
    }
}

/* RFC 7515 Appendix A.3 private scalar d (public spec data). */
static const uint8_t rfc_a3_d[32] = {
    0x8e, 0x9b, 0x10, 0x9e, 0x71, 0x90, 0x98, 0xbf, 0x98, 0x04, 0x87,
    0xdf, 0x1f, 0x5d, 0x77, 0xe9, 0xcb, 0x29, 0x60, 0x6e, 0xbe, 0xd2,
    0x26, 0x3b, 0x5f, 0x57, 0xc2, 0x13, 0xdf, 0x84, 0xf4, 0xb2};

static void setup(void)
{
    moat_ec_private_key priv;
    moat_ec_public_key pub;
    uint8_t d384[48];
    size_t i;
    for (i = 0; i < sizeof(d384); i++) {
        d384[i] = (uint8_t)(i + 1u);
    }
    check(moat_ec_private_from_scalar(MOAT_CURVE_P256, rfc_a3_d, 32, &priv) == MOAT_OK);
    check(moat_ec_public_from_private(&priv, &pub) == MOAT_OK);
    check(moat_jwk_from_public(&pub, &g_keys[0]) == MOAT_OK);
    check(moat_ec_private_from_scalar(MOAT_CURVE_P384, d384, 48, &priv) == MOAT_OK);
    check(moat_ec_public_from_private(&priv, &pub) == MOAT_OK);
    check(moat_jwk_from_public(&pub, &g_keys[1]) == MOAT_OK);
    moat_ec_private_wipe(&priv);
    g_ready = 1;
}

static void check_failure_wiped(moat_err e, size_t plen)
{
    size_t i;
    if (e == MOAT_OK || e == MOAT_ERR_BUFFER_TOO_SMALL) {
        return;
    }
    check(plen == 0);
    for (i = 0; i < sizeof(g_payload); i++) {
        check(g_payload[i] == 0);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *t = (const char *)data;
    size_t plen = 1, plen2 = 1, i;
    moat_err e, e2;

    if (!g_ready) {
        setup();
    }
    for (i = 0; i < 2; i++) {
        memset(g_payload, 0xA5, sizeof(g_payload));
        e = moat_jws_verify_compact(t, size, &g_keys[i].key, g_payload,
                                    sizeof(g_payload), &plen);
        check_failure_wiped(e, plen);
        if (e == MOAT_OK) {
            check(plen <= size);
        }
        memset(g_payload, 0xA5, sizeof(g_payload));
        e2 = moat_jws_verify_compact_keyset(t, size, &g_keys[i], 1, g_payload,
                                            sizeof(g_payload), &plen2);
        check_failure_wiped(e2, plen2);
        if (e2 == MOAT_OK) {
            /* selection by kid found the key, so the key alone verifies too */
            check(e == MOAT_OK && plen2 == plen);
        }
    }
    return 0;
}
