/*
 * libFuzzer harness: JWS General JSON Serialization verification (k-of-n)
 * against fixed keys built at first call, and appending a signature to the
 * input document.
 * Properties: failures wipe the payload; the distinct valid-signer count
 * never exceeds the number of distinct keys; once a well-formed document
 * (one that verifies or only misses the threshold) has had a signature
 * appended by moat, it verifies with that signer at threshold 1.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "moat/jose.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define DOC_MAX 16384u

static moat_ec_private_key g_priv[2];
static moat_signer g_signer[2];
static moat_jwk g_keys[3];
static int g_ready;
static uint8_t g_payload[DOC_MAX];
static char g_out[DOC_MAX + 2048u];
static uint64_t g_work[(MOAT_JWS_JSON_WORK_SIZE(DOC_MAX + 2048u) + 7u) / 8u];

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
    uint8_t d384[48];
    size_t i;
    for (i = 0; i < sizeof(d384); i++) {
        d384[i] = (uint8_t)(i + 1u);
    }
    check(moat_ec_private_from_scalar(MOAT_CURVE_P256, rfc_a3_d, 32, &g_priv[0]) == MOAT_OK);
    check(moat_ec_private_from_scalar(MOAT_CURVE_P384, d384, 48, &g_priv[1]) == MOAT_OK);
    for (i = 0; i < 2; i++) {
        check(moat_signer_from_private(&g_signer[i], &g_priv[i]) == MOAT_OK);
        check(moat_jwk_from_public(&g_signer[i].pub, &g_keys[i]) == MOAT_OK);
    }
    /* the P-256 key again under a second kid: must never count twice */
    g_keys[2] = g_keys[0];
    strcpy(g_keys[2].kid, "alias");
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
    const char *doc = (const char *)data;
    size_t plen = 1, valid = 0, n = 0, k;
    int well_formed = 0;
    moat_err e;

    if (!g_ready) {
        setup();
    }
    if (size > DOC_MAX) {
        return 0;
    }
    for (k = 1; k <= 3; k++) {
        memset(g_payload, 0xA5, sizeof(g_payload));
        e = moat_jws_json_verify(doc, size, g_keys, 3, k, NULL, g_work, sizeof(g_work),
                                 g_payload, sizeof(g_payload), &plen, &valid);
        check_failure_wiped(e, plen);
        check(valid <= 2);
        check(e != MOAT_OK || valid >= k);
        check(e != MOAT_ERR_JOSE_THRESHOLD || valid < k);
        if (k == 1) {
            well_formed = (e == MOAT_OK || e == MOAT_ERR_JOSE_THRESHOLD);
        }
    }
    /* Append a signature; the result must verify under that signer. */
    e = moat_jws_json_sign(doc, size, NULL, 0, &g_signer[size & 1u], NULL, g_work,
                           sizeof(g_work), g_out, sizeof(g_out), &n);
    if (e == MOAT_OK && well_formed) {
        memset(g_payload, 0xA5, sizeof(g_payload));
        e = moat_jws_json_verify(g_out, n, &g_keys[size & 1u], 1, 1, NULL, g_work,
                                 sizeof(g_work), g_payload, sizeof(g_payload), &plen,
                                 &valid);
        check(e == MOAT_OK && valid == 1);
    }
    return 0;
}
