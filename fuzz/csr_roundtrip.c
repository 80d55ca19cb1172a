/*
 * libFuzzer harness: PKCS#10 CSR creation round trip, and CSR parsing.
 *
 * The input drives the CSR parameters (curve, subject attributes and their
 * strings, subjectAltNames, key usage, basicConstraints, SKI). Properties:
 * - moat_x509_csr_create() either succeeds or fails with a parameter
 *   validation code, its output wiped;
 * - an accepted CSR parses back (moat_x509_csr_parse() verifies the
 *   signature) with the same subject Name bytes as the Name writer gives,
 *   the signer's key, and requested extensions iff some were asked for;
 * - the raw input fed to moat_x509_csr_parse() never crashes, and a
 *   failure leaves the output wiped.
 *
 * Input layout (anything missing reads as zero):
 *   [0] flags: bit0 P-384, bit1 SKI, bit2 basicConstraints, bit3 cA
 *   [1..2] keyUsage (little-endian)
 *   [3] attribute count, then per attribute: type byte, length byte, bytes
 *   then SAN count, then per SAN: type byte, length byte, bytes
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "moat/x509.h"
#include "moat/core.h"
#include "x509/internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define STR_MAX 80u
#define OUT_MAX 8192u

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

typedef struct cursor {
    const uint8_t *p;
    size_t n;
} cursor;

static uint8_t next(cursor *c)
{
    uint8_t b = 0;
    if (c->n > 0) {
        b = c->p[0];
        c->p++;
        c->n--;
    }
    return b;
}

/* Up to @p cap - 1 bytes into @p dst, NUL-terminated; returns the length. */
static size_t take(cursor *c, uint8_t *dst, size_t cap)
{
    size_t want = next(c) % cap;
    size_t i;
    for (i = 0; i < want && c->n > 0; i++) {
        dst[i] = next(c);
    }
    dst[i] = 0;
    return i;
}

static moat_signer g_signer[2];
static moat_ec_private_key g_priv[2];
static int g_ready;

static void init_keys(void)
{
    uint8_t d[MOAT_EC_PRIV_MAX];
    int k;
    for (k = 0; k < 2; k++) {
        moat_curve c = k ? MOAT_CURVE_P384 : MOAT_CURVE_P256;
        size_t n = moat_curve_size(c);
        size_t i;
        for (i = 0; i < n; i++) {
            d[i] = (uint8_t)(0x31 + 3 * i);
        }
        check(moat_ec_private_from_scalar(c, d, n, &g_priv[k]) == MOAT_OK);
        check(moat_signer_from_private(&g_signer[k], &g_priv[k]) == MOAT_OK);
    }
    g_ready = 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t out[OUT_MAX];
    static uint8_t name_der[OUT_MAX];
    static uint8_t strs[MOAT_X509_MAX_NAME_ATTRS][STR_MAX];
    static uint8_t sans[MOAT_X509_MAX_SAN][STR_MAX];
    moat_x509_name name;
    moat_x509_ext_params ext;
    moat_x509_csr csr;
    moat_der_writer w;
    const moat_signer *signer;
    cursor c = {data, size};
    size_t len = 0;
    size_t name_len = 0;
    size_t i;
    uint8_t flags;
    moat_err e;

    if (!g_ready) {
        init_keys();
    }

    /* 1. The raw input as a CSR: never crashes; wiped on failure. */
    e = moat_x509_csr_parse(data, size, &csr);
    if (e != MOAT_OK) {
        check(all_zero(&csr, sizeof(csr)));
    } else {
        check(csr.subject.len > 0 && csr.spki.len > 0);
    }

    /* 2. Parameters from the input -> create -> parse. */
    flags = next(&c);
    signer = &g_signer[flags & 1u];
    memset(&name, 0, sizeof(name));
    memset(&ext, 0, sizeof(ext));
    ext.path_len = -1;
    ext.ski = (flags & 2u) != 0;
    ext.basic_constraints = (flags & 4u) != 0;
    ext.is_ca = (flags & 8u) != 0;
    ext.key_usage = (uint16_t)(next(&c) | (next(&c) << 8));
    name.count = next(&c) % (MOAT_X509_MAX_NAME_ATTRS + 2u);
    for (i = 0; i < name.count && i < MOAT_X509_MAX_NAME_ATTRS; i++) {
        name.type[i] = (moat_x509_attr)(next(&c) % 6u);
        (void)take(&c, strs[i], STR_MAX);
        name.value[i] = (const char *)strs[i];
    }
    ext.san_count = next(&c) % (MOAT_X509_MAX_SAN + 2u);
    for (i = 0; i < ext.san_count && i < MOAT_X509_MAX_SAN; i++) {
        static const moat_x509_gn_type types[4] = {MOAT_X509_GN_DNS, MOAT_X509_GN_URI,
                                                   MOAT_X509_GN_IP, MOAT_X509_GN_OTHER};
        ext.san[i].type = types[next(&c) % 4u];
        ext.san[i].value.len = take(&c, sans[i], STR_MAX);
        ext.san[i].value.ptr = sans[i];
    }

    memset(out, 0xA5, sizeof(out));
    e = moat_x509_csr_create(&name, &ext, signer, out, sizeof(out), &len);
    if (e != MOAT_OK) {
        check(e == MOAT_ERR_X509_BAD_NAME || e == MOAT_ERR_X509_BAD_EXTENSION ||
              e == MOAT_ERR_X509_TOO_MANY || e == MOAT_ERR_INVALID_ARGUMENT);
        check(len == 0 && all_zero(out, sizeof(out)));
        return 0;
    }
    check(len > 0 && len <= sizeof(out));
    check(moat_x509_csr_parse(out, len, &csr) == MOAT_OK);
    /* The subject is exactly what the Name writer produces. */
    moat_der_writer_init(&w, name_der, sizeof(name_der));
    check(moat_x509i_put_name(&w, &name, NULL) == MOAT_OK);
    check(moat_der_writer_finish(&w, &name_len) == MOAT_OK);
    check(csr.subject.len == name_len && memcmp(csr.subject.ptr, name_der, name_len) == 0);
    check(csr.key.curve == signer->pub.curve && csr.key.q_len == signer->pub.q_len &&
          memcmp(csr.key.q, signer->pub.q, csr.key.q_len) == 0);
    check((csr.extensions.len != 0) ==
          (ext.ski || ext.basic_constraints || ext.key_usage != 0 || ext.san_count != 0));
    /* A single bit flip anywhere (structure, signed info, algorithm or
     * signature value) is never accepted. */
    if (size > 4) {
        size_t pos = (size_t)data[size - 1] % len;
        out[pos] ^= (uint8_t)(1u << (data[size - 2] % 8u));
        check(moat_x509_csr_parse(out, len, &csr) != MOAT_OK);
    }
    return 0;
}
