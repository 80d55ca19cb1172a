/*
 * libFuzzer harness: compact JWE decryption (ECDH-ES + A256GCM) with a
 * fixed recipient key (the RFC 7515 A.3 P-256 scalar, public spec data).
 * Seeds: JWEs produced by python3-jwcrypto to that key (fuzz/corpus/jwe_parse).
 * Properties: on failure the plaintext buffer is wiped over its capacity,
 * the length is 0 and the header output is wiped; on success the plaintext
 * is shorter than the input and the header output is NUL-terminated JSON
 * of the reported length; decrypting twice gives the same result.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "moat/jose.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static moat_ec_private_key g_priv;
static moat_jwe_decrypter g_dec;
static int g_ready;
static uint8_t g_pt[MOAT_JWE_PLAINTEXT_MAX];
static uint8_t g_pt2[MOAT_JWE_PLAINTEXT_MAX];
static char g_hdr[MOAT_JWE_HEADER_MAX + 1];

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

static void all_zero(const void *p, size_t n)
{
    const uint8_t *b = p;
    size_t i;
    for (i = 0; i < n; i++) {
        check(b[i] == 0);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const crit[] = {"x-a"};
    moat_jwe_decrypt_opts o;
    size_t n = 0, n2 = 0, hl = 0;
    moat_err e, e2;

    if (!g_ready) {
        check(moat_ec_private_from_scalar(MOAT_CURVE_P256, rfc_a3_d, 32, &g_priv) == MOAT_OK);
        check(moat_jwe_decrypter_from_private(&g_dec, &g_priv) == MOAT_OK);
        g_ready = 1;
    }
    memset(&o, 0, sizeof(o));
    o.crit_understood = crit;
    o.crit_count = 1;
    o.header_out = g_hdr;
    o.header_cap = sizeof(g_hdr);
    o.header_len = &hl;
    memset(g_pt, 0xA5, sizeof(g_pt));
    e = moat_jwe_decrypt((const char *)data, size, &g_dec, &o, g_pt, sizeof(g_pt), &n);
    if (e != MOAT_OK) {
        check(n == 0);
        check(hl == 0);
        all_zero(g_pt, sizeof(g_pt));
        all_zero(g_hdr, sizeof(g_hdr));
        return 0;
    }
    check(n < size || size == 0);
    check(hl <= MOAT_JWE_HEADER_MAX && g_hdr[hl] == '\0' && strlen(g_hdr) == hl);
    e2 = moat_jwe_decrypt((const char *)data, size, &g_dec, NULL, g_pt2, sizeof(g_pt2), &n2);
    check(e2 == MOAT_OK && n2 == n && memcmp(g_pt, g_pt2, n) == 0);
    return 0;
}
