/*
 * Unit tests for include/moat/crypto.h and the internal DER reader/writer
 * (src/core/der.h). Known answers: FIPS 180-2 appendix examples ("abc"),
 * RFC 4231 test case 2, RFC 5869 test case 1, RFC 7748 section 6.1, the
 * McGrew-Viega GCM test case 2. Every negative test asserts the exact code
 * and that outputs were wiped.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "core/der.h"
#include "moat/core.h"
#include "moat/crypto.h"

#define FILL 0xA5u

static void assert_filled(const void *p, size_t n, uint8_t v)
{
    const uint8_t *b = (const uint8_t *)p;
    size_t i;
    for (i = 0; i < n; i++) {
        assert_int_equal(b[i], v);
    }
}

static size_t unhex(const char *hex, uint8_t *out, size_t cap)
{
    size_t len = 0;
    assert_int_equal(moat_hex_decode(hex, strlen(hex), out, cap, &len), MOAT_OK);
    return len;
}

static void assert_hex(const uint8_t *got, size_t len, const char *hex)
{
    uint8_t want[256];
    size_t n = unhex(hex, want, sizeof(want));
    assert_int_equal(n, len);
    assert_memory_equal(got, want, len);
}

/* A deterministic test RNG: a counter stream. */
typedef struct test_rng {
    uint8_t next;
    unsigned calls;
    unsigned fail_at; /* fail on this call number (1-based), 0 = never */
} test_rng;

static moat_err rng_counter(void *ctx, uint8_t *out, size_t len)
{
    test_rng *r = (test_rng *)ctx;
    size_t i;
    r->calls++;
    if (r->fail_at != 0 && r->calls >= r->fail_at) {
        memset(out, 0x77, len); /* garbage the caller must not use */
        return MOAT_ERR_PORT_ENTROPY;
    }
    for (i = 0; i < len; i++) {
        out[i] = (uint8_t)(r->next++ * 37u + 11u);
    }
    return MOAT_OK;
}

static const char P256_N[] =
    "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551";
static const char P384_N[] =
    "ffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf"
    "581a0db248b0a77aecec196accc52973";

/* ---------------------------------------------------------------- hashes */

static void test_sha_kat(void **state)
{
    uint8_t out[64];
    (void)state;
    assert_int_equal(moat_hash(MOAT_HASH_SHA256, "abc", 3, out), MOAT_OK);
    assert_hex(out, 32, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assert_int_equal(moat_hash(MOAT_HASH_SHA384, "abc", 3, out), MOAT_OK);
    assert_hex(out, 48, "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed"
                        "8086072ba1e7cc2358baeca134c825a7");
    assert_int_equal(moat_hash(MOAT_HASH_SHA512, "abc", 3, out), MOAT_OK);
    assert_hex(out, 64, "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
                        "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f");
    assert_int_equal(moat_hash_size(MOAT_HASH_SHA384), 48);
    assert_int_equal(moat_hash_size((moat_hash_alg)99), 0);
    assert_int_equal(moat_hash((moat_hash_alg)99, "abc", 3, out), MOAT_ERR_UNSUPPORTED);
}

static void test_hash_streaming(void **state)
{
    static const moat_hash_alg algs[] = { MOAT_HASH_SHA256, MOAT_HASH_SHA384,
                                          MOAT_HASH_SHA512 };
    uint8_t msg[300];
    uint8_t one[64];
    uint8_t two[64];
    moat_hash_ctx ctx;
    size_t a;
    size_t split;
    (void)state;
    for (split = 0; split < sizeof(msg); split++) {
        msg[split] = (uint8_t)(split * 7u);
    }
    for (a = 0; a < 3; a++) {
        size_t h = moat_hash_size(algs[a]);
        assert_int_equal(moat_hash(algs[a], msg, sizeof(msg), one), MOAT_OK);
        for (split = 0; split <= sizeof(msg); split += 13) {
            assert_int_equal(moat_hash_init(&ctx, algs[a]), MOAT_OK);
            moat_hash_update(&ctx, msg, split);
            moat_hash_update(&ctx, msg + split, sizeof(msg) - split);
            moat_hash_final(&ctx, two);
            assert_memory_equal(one, two, h);
            assert_filled(&ctx, sizeof(ctx), 0); /* final wipes */
        }
    }
}

/* ------------------------------------------------------------ HMAC/HKDF */

static void test_hmac_rfc4231(void **state)
{
    static const char data[] = "what do ya want for nothing?";
    const uint8_t *key = (const uint8_t *)"Jefe";
    uint8_t out[64];
    moat_hmac_ctx ctx;
    (void)state;
    /* RFC 4231 section 4.3, test case 2 */
    assert_int_equal(moat_hmac(MOAT_HASH_SHA256, key, 4, data, 28, out), MOAT_OK);
    assert_hex(out, 32, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    assert_int_equal(moat_hmac(MOAT_HASH_SHA384, key, 4, data, 28, out), MOAT_OK);
    assert_hex(out, 48, "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e"
                        "8e2240ca5e69e2c78b3239ecfab21649");
    assert_int_equal(moat_hmac(MOAT_HASH_SHA512, key, 4, data, 28, out), MOAT_OK);
    assert_hex(out, 64, "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
                        "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737");
    /* streaming */
    assert_int_equal(moat_hmac_init(&ctx, MOAT_HASH_SHA256, key, 4), MOAT_OK);
    moat_hmac_update(&ctx, data, 10);
    moat_hmac_update(&ctx, data + 10, 18);
    moat_hmac_final(&ctx, out);
    assert_hex(out, 32, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    assert_filled(&ctx, sizeof(ctx), 0);
    /* verify, full and truncated; tampering and bad lengths */
    assert_int_equal(moat_hmac_verify(MOAT_HASH_SHA256, key, 4, data, 28, out, 32), MOAT_OK);
    assert_int_equal(moat_hmac_verify(MOAT_HASH_SHA256, key, 4, data, 28, out, 16), MOAT_OK);
    assert_int_equal(moat_hmac_verify(MOAT_HASH_SHA256, key, 4, data, 28, out, 15),
                     MOAT_ERR_CRYPTO_TAG_LENGTH);
    assert_int_equal(moat_hmac_verify(MOAT_HASH_SHA256, key, 4, data, 28, out, 33),
                     MOAT_ERR_CRYPTO_TAG_LENGTH);
    out[31] ^= 1u;
    assert_int_equal(moat_hmac_verify(MOAT_HASH_SHA256, key, 4, data, 28, out, 32),
                     MOAT_ERR_CRYPTO_TAG_MISMATCH);
}

static void test_hkdf_rfc5869(void **state)
{
    uint8_t ikm[22];
    uint8_t salt[13];
    uint8_t info[10];
    uint8_t okm[42];
    uint8_t big[32];
    size_t i;
    (void)state;
    memset(ikm, 0x0b, sizeof(ikm));
    for (i = 0; i < sizeof(salt); i++) salt[i] = (uint8_t)i;
    for (i = 0; i < sizeof(info); i++) info[i] = (uint8_t)(0xf0u + i);
    assert_int_equal(moat_hkdf(MOAT_HASH_SHA256, salt, sizeof(salt), ikm, sizeof(ikm),
                               info, sizeof(info), okm, sizeof(okm)), MOAT_OK);
    assert_hex(okm, 42, "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf"
                        "34007208d5b887185865");
    /* L > 255*HashLen is refused (the check precedes any write beyond 32). */
    memset(big, FILL, sizeof(big));
    assert_int_equal(moat_hkdf(MOAT_HASH_SHA256, salt, sizeof(salt), ikm, sizeof(ikm),
                               info, sizeof(info), big, 0), MOAT_ERR_CRYPTO_OUTPUT_LENGTH);
    assert_filled(big, sizeof(big), FILL);
}

static void test_hkdf_too_long(void **state)
{
    static uint8_t out[255u * 32u + 1u];
    (void)state;
    memset(out, FILL, sizeof(out));
    assert_int_equal(moat_hkdf(MOAT_HASH_SHA256, NULL, 0, (const uint8_t *)"k", 1,
                               NULL, 0, out, sizeof(out)),
                     MOAT_ERR_CRYPTO_OUTPUT_LENGTH);
    assert_filled(out, sizeof(out), 0);
    assert_int_equal(moat_hkdf(MOAT_HASH_SHA256, NULL, 0, (const uint8_t *)"k", 1,
                               NULL, 0, out, sizeof(out) - 1u), MOAT_OK);
}

/* ------------------------------------------------------------------ DRBG */

static moat_err rng_fail(void *ctx, uint8_t *out, size_t len)
{
    (void)ctx;
    memset(out, 0x55, len);
    return MOAT_ERR_PORT_ENTROPY;
}

static void test_drbg(void **state)
{
    uint8_t seed[48];
    uint8_t a[100];
    uint8_t b[100];
    moat_drbg_ctx c1;
    moat_drbg_ctx c2;
    size_t i;
    (void)state;
    for (i = 0; i < sizeof(seed); i++) seed[i] = (uint8_t)i;
    assert_int_equal(moat_drbg_init(&c1, seed, sizeof(seed), (const uint8_t *)"p", 1), MOAT_OK);
    assert_int_equal(moat_drbg_init(&c2, seed, sizeof(seed), (const uint8_t *)"p", 1), MOAT_OK);
    assert_int_equal(moat_drbg_generate(&c1, a, sizeof(a)), MOAT_OK);
    assert_int_equal(moat_drbg_generate(&c2, b, sizeof(b)), MOAT_OK);
    assert_memory_equal(a, b, sizeof(a));
    assert_int_equal(moat_drbg_generate(&c1, b, sizeof(b)), MOAT_OK);
    assert_memory_not_equal(a, b, sizeof(a)); /* state advances */
    assert_int_equal(moat_drbg_init(&c2, seed, sizeof(seed), (const uint8_t *)"q", 1), MOAT_OK);
    assert_int_equal(moat_drbg_generate(&c2, b, sizeof(b)), MOAT_OK);
    assert_memory_not_equal(a, b, sizeof(a)); /* personalization matters */
    assert_int_equal(moat_drbg_reseed(&c2, seed, sizeof(seed)), MOAT_OK);
    assert_int_equal(moat_drbg_reseed(&c2, seed, 31), MOAT_ERR_CRYPTO_BAD_KEY);
    /* short seed */
    assert_int_equal(moat_drbg_init(&c2, seed, 31, NULL, 0), MOAT_ERR_CRYPTO_BAD_KEY);
    memset(b, FILL, sizeof(b));
    assert_int_equal(moat_drbg_generate(&c2, b, sizeof(b)), MOAT_ERR_INVALID_ARGUMENT);
    assert_filled(b, sizeof(b), 0);
    /* failing entropy: fails closed, context unusable */
    assert_int_equal(moat_drbg_init_from(&c2, rng_fail, NULL, NULL, 0),
                     MOAT_ERR_CRYPTO_RNG_FAILED);
    assert_filled(&c2, sizeof(c2), 0);
    assert_int_equal(moat_drbg_generate(&c2, b, sizeof(b)), MOAT_ERR_INVALID_ARGUMENT);
    /* too large a request */
    {
        static uint8_t huge[MOAT_DRBG_MAX_REQUEST + 1u];
        memset(huge, FILL, sizeof(huge));
        assert_int_equal(moat_drbg_generate(&c1, huge, sizeof(huge)),
                         MOAT_ERR_CRYPTO_OUTPUT_LENGTH);
        assert_filled(huge, sizeof(huge), 0);
    }
    moat_drbg_wipe(&c1);
    assert_filled(&c1, sizeof(c1), 0);
}

/* --------------------------------------------------------------- EC keys */

/* SP 800-90A section 10.1.2 HMAC_DRBG (SHA-256), written out from the
 * specification on top of moat_hmac (which has its own RFC 4231 KATs), as an
 * independent reference for moat_drbg over BearSSL's br_hmac_drbg. */
typedef struct ref_drbg {
    uint8_t k[32];
    uint8_t v[32];
} ref_drbg;

static void ref_update(ref_drbg *d, const uint8_t *data, size_t len)
{
    uint8_t buf[32 + 1 + 128];
    for (uint8_t round = 0; round < 2; round++) {
        if (round == 1 && len == 0) {
            return;
        }
        assert_true(len <= 128);
        memcpy(buf, d->v, 32);
        buf[32] = round;
        if (len > 0) {
            memcpy(buf + 33, data, len);
        }
        assert_int_equal(moat_hmac(MOAT_HASH_SHA256, d->k, 32, buf, 33 + len, d->k), MOAT_OK);
        assert_int_equal(moat_hmac(MOAT_HASH_SHA256, d->k, 32, d->v, 32, d->v), MOAT_OK);
    }
}

static void ref_instantiate(ref_drbg *d, const uint8_t *seed, size_t n, const uint8_t *pers,
                            size_t pn)
{
    uint8_t material[128];
    memset(d->k, 0x00, 32);
    memset(d->v, 0x01, 32);
    memcpy(material, seed, n);
    memcpy(material + n, pers, pn);
    ref_update(d, material, n + pn);
}

static void ref_generate(ref_drbg *d, uint8_t *out, size_t len)
{
    while (len > 0) {
        size_t take = len < 32 ? len : 32;
        assert_int_equal(moat_hmac(MOAT_HASH_SHA256, d->k, 32, d->v, 32, d->v), MOAT_OK);
        memcpy(out, d->v, take);
        out += take;
        len -= take;
    }
    ref_update(d, NULL, 0);
}

static void test_drbg_matches_sp800_90a(void **state)
{
    uint8_t seed[48], extra[32], a[100], b[100];
    moat_drbg_ctx c;
    ref_drbg r;
    (void)state;
    for (size_t i = 0; i < sizeof(seed); i++) seed[i] = (uint8_t)(0xA0u ^ i);
    for (size_t i = 0; i < sizeof(extra); i++) extra[i] = (uint8_t)(3u * i);
    assert_int_equal(moat_drbg_init(&c, seed, sizeof(seed), (const uint8_t *)"moat-pers", 9), MOAT_OK);
    ref_instantiate(&r, seed, sizeof(seed), (const uint8_t *)"moat-pers", 9);
    for (int round = 0; round < 3; round++) {
        assert_int_equal(moat_drbg_generate(&c, a, sizeof(a)), MOAT_OK);
        ref_generate(&r, b, sizeof(b));
        assert_memory_equal(a, b, sizeof(a));
    }
    /* Reseed (SP 800-90A 10.1.2.4: Update(entropy_input || additional_input)). */
    assert_int_equal(moat_drbg_reseed(&c, extra, sizeof(extra)), MOAT_OK);
    ref_update(&r, extra, sizeof(extra));
    assert_int_equal(moat_drbg_generate(&c, a, 37), MOAT_OK);
    ref_generate(&r, b, 37);
    assert_memory_equal(a, b, 37);
    moat_drbg_wipe(&c);
}

/* RFC 6979 appendix A.2.5: P-256, SHA-256, message "sample": the
 * deterministic signature is fixed by the private key and the message. */
static void test_ecdsa_rfc6979_kat(void **state)
{
    moat_ec_private_key priv;
    moat_ec_public_key pub;
    uint8_t d[32], sig[MOAT_ECDSA_RAW_MAX];
    size_t n = 0;
    (void)state;
    assert_int_equal(unhex("C9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721",
                           d, sizeof d), 32);
    assert_int_equal(moat_ec_private_from_scalar(MOAT_CURVE_P256, d, 32, &priv), MOAT_OK);
    assert_int_equal(moat_ec_public_from_private(&priv, &pub), MOAT_OK);
    assert_hex(pub.q + 1, 32, "60FED4BA255A9D31C961EB74C6356D68C049B8923B61FA6CE669622E60F29FB6");
    assert_hex(pub.q + 33, 32, "7903FE1008B8BC99A41AE9E95628BC64F2F1B20C2D7E9F5177A3C294D4462299");
    assert_int_equal(moat_ecdsa_sign(&priv, MOAT_HASH_SHA256, "sample", 6, MOAT_SIG_RAW, sig,
                                     sizeof sig, &n), MOAT_OK);
    assert_int_equal(n, 64);
    assert_hex(sig, 32, "EFD48B2AACB6A8FD1140DD9CD45E81D69D2C877B56AAF991C34D0EA84EAF3716");
    assert_hex(sig + 32, 32, "F7CB1C942D657C41D436C7A1B6E29F65F3E900DBB9AFF4064DC4AB2F843ACDA8");
    moat_ec_private_wipe(&priv);
}

static void make_key(moat_curve curve, uint8_t start, moat_ec_private_key *priv)
{
    test_rng r = { start, 0, 0 };
    assert_int_equal(moat_ec_generate(curve, rng_counter, &r, priv), MOAT_OK);
    assert_int_equal(priv->curve, curve);
}

static void test_keygen_fails_closed(void **state)
{
    moat_ec_private_key priv;
    test_rng r = { 0, 0, 1 };
    (void)state;
    memset(&priv, FILL, sizeof(priv));
    assert_int_equal(moat_ec_generate(MOAT_CURVE_P256, rng_counter, &r, &priv),
                     MOAT_ERR_CRYPTO_RNG_FAILED);
    assert_filled(&priv, sizeof(priv), 0);
    memset(&priv, FILL, sizeof(priv));
    assert_int_equal(moat_ec_generate(MOAT_CURVE_P384, rng_fail, NULL, &priv),
                     MOAT_ERR_CRYPTO_RNG_FAILED);
    assert_filled(&priv, sizeof(priv), 0);
}

static void test_scalar_range(void **state)
{
    uint8_t d[48];
    moat_ec_private_key priv;
    (void)state;
    unhex(P256_N, d, sizeof(d));
    assert_int_equal(moat_ec_private_from_scalar(MOAT_CURVE_P256, d, 32, &priv),
                     MOAT_ERR_CRYPTO_BAD_KEY);
    d[31]--; /* n-1 */
    assert_int_equal(moat_ec_private_from_scalar(MOAT_CURVE_P256, d, 32, &priv), MOAT_OK);
    memset(d, 0, sizeof(d));
    assert_int_equal(moat_ec_private_from_scalar(MOAT_CURVE_P256, d, 32, &priv),
                     MOAT_ERR_CRYPTO_BAD_KEY);
    assert_filled(&priv, sizeof(priv), 0);
    d[47] = 1;
    assert_int_equal(moat_ec_private_from_scalar(MOAT_CURVE_P384, d, 48, &priv), MOAT_OK);
    assert_int_equal(moat_ec_private_from_scalar(MOAT_CURVE_P384, d, 47, &priv),
                     MOAT_ERR_CRYPTO_BAD_KEY);
    unhex(P384_N, d, sizeof(d));
    assert_int_equal(moat_ec_private_from_scalar(MOAT_CURVE_P384, d, 48, &priv),
                     MOAT_ERR_CRYPTO_BAD_KEY);
    d[47]--;
    assert_int_equal(moat_ec_private_from_scalar(MOAT_CURVE_P384, d, 48, &priv), MOAT_OK);
}

static void test_sign_verify(void **state)
{
    static const moat_curve curves[] = { MOAT_CURVE_P256, MOAT_CURVE_P384 };
    static const char msg[] = "moat sign/verify";
    size_t c;
    (void)state;
    for (c = 0; c < 2; c++) {
        moat_ec_private_key priv;
        moat_ec_public_key pub;
        moat_hash_alg h = moat_curve_hash(curves[c]);
        size_t cs = moat_curve_size(curves[c]);
        uint8_t raw[MOAT_ECDSA_RAW_MAX], raw2[MOAT_ECDSA_RAW_MAX];
        uint8_t der[MOAT_ECDSA_DER_MAX], der2[MOAT_ECDSA_DER_MAX];
        size_t raw_len, raw2_len, der_len, der2_len;

        make_key(curves[c], (uint8_t)(c + 3u), &priv);
        assert_int_equal(moat_ec_public_from_private(&priv, &pub), MOAT_OK);
        assert_int_equal(pub.q_len, 1u + 2u * cs);
        assert_int_equal(moat_ecdsa_sign(&priv, h, msg, sizeof(msg), MOAT_SIG_RAW, raw,
                                         sizeof(raw), &raw_len), MOAT_OK);
        assert_int_equal(raw_len, 2u * cs);
        assert_int_equal(moat_ecdsa_verify(&pub, h, msg, sizeof(msg), MOAT_SIG_RAW, raw,
                                           raw_len), MOAT_OK);
        /* deterministic (RFC 6979) */
        assert_int_equal(moat_ecdsa_sign(&priv, h, msg, sizeof(msg), MOAT_SIG_RAW, raw2,
                                         sizeof(raw2), &raw2_len), MOAT_OK);
        assert_memory_equal(raw, raw2, raw_len);
        assert_int_equal(moat_ecdsa_sign(&priv, h, msg, sizeof(msg), MOAT_SIG_DER, der,
                                         sizeof(der), &der_len), MOAT_OK);
        assert_true(der_len <= MOAT_ECDSA_DER_MAX);
        assert_int_equal(moat_ecdsa_verify(&pub, h, msg, sizeof(msg), MOAT_SIG_DER, der,
                                           der_len), MOAT_OK);
        /* conversions agree both ways */
        assert_int_equal(moat_ecdsa_der_to_raw(curves[c], der, der_len, raw2,
                                               sizeof(raw2), &raw2_len), MOAT_OK);
        assert_int_equal(raw2_len, raw_len);
        assert_memory_equal(raw, raw2, raw_len);
        assert_int_equal(moat_ecdsa_raw_to_der(curves[c], raw, raw_len, der2,
                                               sizeof(der2), &der2_len), MOAT_OK);
        assert_int_equal(der2_len, der_len);
        assert_memory_equal(der, der2, der_len);
        /* wrong message / tampered signature */
        assert_int_equal(moat_ecdsa_verify(&pub, h, msg, sizeof(msg) - 1u, MOAT_SIG_RAW,
                                           raw, raw_len), MOAT_ERR_CRYPTO_SIG_INVALID);
        raw[5] ^= 0x40u;
        assert_int_equal(moat_ecdsa_verify(&pub, h, msg, sizeof(msg), MOAT_SIG_RAW, raw,
                                           raw_len), MOAT_ERR_CRYPTO_SIG_INVALID);
        /* buffer too small reports the size and wipes */
        memset(raw2, FILL, sizeof(raw2));
        assert_int_equal(moat_ecdsa_sign(&priv, h, msg, sizeof(msg), MOAT_SIG_RAW, raw2,
                                         2u * cs - 1u, &raw2_len),
                         MOAT_ERR_BUFFER_TOO_SMALL);
        assert_int_equal(raw2_len, 2u * cs);
        assert_filled(raw2, 2u * cs - 1u, 0);
        memset(der2, FILL, sizeof(der2));
        assert_int_equal(moat_ecdsa_sign(&priv, h, msg, sizeof(msg), MOAT_SIG_DER, der2,
                                         der_len - 1u, &der2_len),
                         MOAT_ERR_BUFFER_TOO_SMALL);
        assert_int_equal(der2_len, der_len);
        assert_filled(der2, der_len - 1u, 0);
        /* digest length must match the hash (RFC 6979 HMAC) */
        assert_int_equal(moat_ecdsa_sign_digest(&priv, h, raw, 20, MOAT_SIG_RAW, raw2,
                                                sizeof(raw2), &raw2_len),
                         MOAT_ERR_INVALID_ARGUMENT);
        moat_ec_private_wipe(&priv);
        assert_filled(&priv, sizeof(priv), 0);
    }
}

/* A raw signature with given r and s (hex of full width). */
static void verify_raw_hex(const moat_ec_public_key *pub, const uint8_t *hash,
                           const char *r, const char *s, moat_err want)
{
    uint8_t sig[MOAT_ECDSA_RAW_MAX];
    size_t rl = unhex(r, sig, sizeof(sig));
    size_t sl = unhex(s, sig + rl, sizeof(sig) - rl);
    assert_int_equal(moat_ecdsa_verify_digest(pub, hash, 32, MOAT_SIG_RAW, sig, rl + sl),
                     want);
}

static void verify_der_hex(const moat_ec_public_key *pub, const uint8_t *hash,
                           const char *der, moat_err want)
{
    uint8_t sig[200];
    size_t l = unhex(der, sig, sizeof(sig));
    assert_int_equal(moat_ecdsa_verify_digest(pub, hash, 32, MOAT_SIG_DER, sig, l), want);
}

static void test_sig_negative(void **state)
{
    static const char ONE[] = "0000000000000000000000000000000000000000000000000000000000000001";
    static const char ZERO[] = "0000000000000000000000000000000000000000000000000000000000000000";
    static const char FF[] = "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff";
    moat_ec_private_key priv;
    moat_ec_public_key pub;
    uint8_t hash[32];
    uint8_t raw[64];
    uint8_t out[MOAT_ECDSA_DER_MAX];
    size_t raw_len, out_len;
    (void)state;
    make_key(MOAT_CURVE_P256, 9, &priv);
    assert_int_equal(moat_ec_public_from_private(&priv, &pub), MOAT_OK);
    assert_int_equal(moat_hash(MOAT_HASH_SHA256, "x", 1, hash), MOAT_OK);
    assert_int_equal(moat_ecdsa_sign_digest(&priv, MOAT_HASH_SHA256, hash, 32, MOAT_SIG_RAW,
                                            raw, sizeof(raw), &raw_len), MOAT_OK);
    /* range: r = 0, s = 0, r = n, s = n, s = 2^256-1 */
    verify_raw_hex(&pub, hash, ZERO, ONE, MOAT_ERR_CRYPTO_SIG_RANGE);
    verify_raw_hex(&pub, hash, ONE, ZERO, MOAT_ERR_CRYPTO_SIG_RANGE);
    verify_raw_hex(&pub, hash, P256_N, ONE, MOAT_ERR_CRYPTO_SIG_RANGE);
    verify_raw_hex(&pub, hash, ONE, P256_N, MOAT_ERR_CRYPTO_SIG_RANGE);
    verify_raw_hex(&pub, hash, ONE, FF, MOAT_ERR_CRYPTO_SIG_RANGE);
    verify_raw_hex(&pub, hash, ONE, ONE, MOAT_ERR_CRYPTO_SIG_INVALID);
    /* wrong raw lengths */
    assert_int_equal(moat_ecdsa_verify_digest(&pub, hash, 32, MOAT_SIG_RAW, raw, 63),
                     MOAT_ERR_CRYPTO_SIG_ENCODING);
    assert_int_equal(moat_ecdsa_verify_digest(&pub, hash, 32, MOAT_SIG_RAW, raw, 0),
                     MOAT_ERR_CRYPTO_SIG_ENCODING);
    /* DER: r = s = 1 is well-formed (and does not verify) */
    verify_der_hex(&pub, hash, "3006020101020101", MOAT_ERR_CRYPTO_SIG_INVALID);
    verify_der_hex(&pub, hash, "3006020100020101", MOAT_ERR_CRYPTO_SIG_RANGE);
    /* non-minimal sequence length, non-minimal integer, negative integer,
     * trailing bytes (inside and after), wrong tags, indefinite length,
     * empty integer, missing s, integer longer than the order */
    verify_der_hex(&pub, hash, "308106020101020101", MOAT_ERR_CRYPTO_SIG_ENCODING);
    verify_der_hex(&pub, hash, "300702020001020101", MOAT_ERR_CRYPTO_SIG_ENCODING);
    verify_der_hex(&pub, hash, "30060201ff020101", MOAT_ERR_CRYPTO_SIG_ENCODING);
    verify_der_hex(&pub, hash, "300702010102010100", MOAT_ERR_CRYPTO_SIG_ENCODING);
    verify_der_hex(&pub, hash, "300602010102010100", MOAT_ERR_CRYPTO_SIG_ENCODING);
    verify_der_hex(&pub, hash, "3106020101020101", MOAT_ERR_CRYPTO_SIG_ENCODING);
    verify_der_hex(&pub, hash, "3006030101020101", MOAT_ERR_CRYPTO_SIG_ENCODING);
    verify_der_hex(&pub, hash, "3080020101020101" "0000", MOAT_ERR_CRYPTO_SIG_ENCODING);
    verify_der_hex(&pub, hash, "30050200020101", MOAT_ERR_CRYPTO_SIG_ENCODING);
    verify_der_hex(&pub, hash, "3003020101", MOAT_ERR_CRYPTO_SIG_ENCODING);
    verify_der_hex(&pub, hash,
                   "3026022101" "0000000000000000000000000000000000000000000000000000000000000001"
                   "020101", MOAT_ERR_CRYPTO_SIG_RANGE);
    /* conversions refuse the same things and wipe */
    memset(out, FILL, sizeof(out));
    assert_int_equal(moat_ecdsa_raw_to_der(MOAT_CURVE_P256, raw, 63, out, sizeof(out),
                                           &out_len), MOAT_ERR_CRYPTO_SIG_ENCODING);
    assert_filled(out, sizeof(out), 0);
    assert_int_equal(out_len, 0);
    memset(out, FILL, sizeof(out));
    assert_int_equal(moat_ecdsa_der_to_raw(MOAT_CURVE_P256,
                                           (const uint8_t *)"\x30\x07\x02\x02\x00\x01\x02\x01\x01",
                                           9, out, sizeof(out), &out_len),
                     MOAT_ERR_CRYPTO_SIG_ENCODING);
    assert_filled(out, sizeof(out), 0);
}

static void test_points(void **state)
{
    moat_ec_private_key priv;
    moat_ec_public_key pub;
    moat_ec_public_key pub2;
    uint8_t pt[MOAT_EC_PUB_MAX];
    (void)state;
    make_key(MOAT_CURVE_P256, 21, &priv);
    assert_int_equal(moat_ec_public_from_private(&priv, &pub), MOAT_OK);
    assert_int_equal(moat_ec_public_from_point(MOAT_CURVE_P256, pub.q, pub.q_len, &pub2),
                     MOAT_OK);
    assert_memory_equal(pub.q, pub2.q, pub.q_len);
    assert_int_equal(moat_ec_public_from_xy(MOAT_CURVE_P256, pub.q + 1, 32, pub.q + 33, 32,
                                            &pub2), MOAT_OK);
    assert_memory_equal(pub.q, pub2.q, pub.q_len);
    /* not on the curve */
    memcpy(pt, pub.q, pub.q_len);
    pt[64] ^= 1u;
    assert_int_equal(moat_ec_public_from_point(MOAT_CURVE_P256, pt, 65, &pub2),
                     MOAT_ERR_CRYPTO_POINT_NOT_ON_CURVE);
    assert_filled(&pub2, sizeof(pub2), 0);
    /* (0, 0) */
    memset(pt, 0, sizeof(pt));
    pt[0] = 4;
    assert_int_equal(moat_ec_public_from_point(MOAT_CURVE_P256, pt, 65, &pub2),
                     MOAT_ERR_CRYPTO_POINT_NOT_ON_CURVE);
    /* compressed form, infinity, wrong length, P-256 point as P-384 */
    memcpy(pt, pub.q, 33);
    pt[0] = (uint8_t)(2u + (pub.q[64] & 1u));
    assert_int_equal(moat_ec_public_from_point(MOAT_CURVE_P256, pt, 33, &pub2),
                     MOAT_ERR_CRYPTO_POINT_ENCODING);
    pt[0] = 0;
    assert_int_equal(moat_ec_public_from_point(MOAT_CURVE_P256, pt, 1, &pub2),
                     MOAT_ERR_CRYPTO_POINT_ENCODING);
    assert_int_equal(moat_ec_public_from_point(MOAT_CURVE_P256, pub.q, 64, &pub2),
                     MOAT_ERR_CRYPTO_POINT_ENCODING);
    assert_int_equal(moat_ec_public_from_point(MOAT_CURVE_P384, pub.q, 65, &pub2),
                     MOAT_ERR_CRYPTO_POINT_ENCODING);
    pt[0] = 6; /* hybrid form */
    memcpy(pt + 1, pub.q + 1, 64);
    assert_int_equal(moat_ec_public_from_point(MOAT_CURVE_P256, pt, 65, &pub2),
                     MOAT_ERR_CRYPTO_POINT_ENCODING);
}

static void test_spki_and_der_keys(void **state)
{
    static const moat_curve curves[] = { MOAT_CURVE_P256, MOAT_CURVE_P384 };
    static const char P256_SPKI_PREFIX[] =
        "3059301306072a8648ce3d020106082a8648ce3d03010703420004";
    size_t c;
    (void)state;
    for (c = 0; c < 2; c++) {
        moat_ec_private_key priv, priv2;
        moat_ec_public_key pub, pub2;
        uint8_t der[MOAT_EC_PRIV_DER_MAX];
        size_t len, need;
        moat_key_format fmt;

        make_key(curves[c], (uint8_t)(40u + c), &priv);
        assert_int_equal(moat_ec_public_from_private(&priv, &pub), MOAT_OK);
        assert_int_equal(moat_ec_public_to_spki(&pub, der, sizeof(der), &len), MOAT_OK);
        assert_int_equal(len, c == 0 ? 91u : 120u);
        assert_true(len <= MOAT_EC_SPKI_MAX);
        if (c == 0) {
            uint8_t prefix[27];
            assert_int_equal(unhex(P256_SPKI_PREFIX, prefix, sizeof(prefix)), 27);
            assert_memory_equal(der, prefix, 27);
        }
        assert_int_equal(moat_ec_public_from_spki(der, len, &pub2), MOAT_OK);
        assert_int_equal(pub2.curve, curves[c]);
        assert_memory_equal(pub.q, pub2.q, pub.q_len);
        /* exact-size buffer works, one byte less reports the size */
        need = len;
        assert_int_equal(moat_ec_public_to_spki(&pub, der, need, &len), MOAT_OK);
        assert_int_equal(moat_ec_public_to_spki(&pub, der, need - 1u, &len),
                         MOAT_ERR_BUFFER_TOO_SMALL);
        assert_int_equal(len, need);
        assert_filled(der, need - 1u, 0);
        /* trailing byte, bad outer length */
        assert_int_equal(moat_ec_public_to_spki(&pub, der, sizeof(der), &len), MOAT_OK);
        der[len] = 0;
        assert_int_equal(moat_ec_public_from_spki(der, len + 1u, &pub2),
                         MOAT_ERR_CRYPTO_KEY_ENCODING);
        assert_int_equal(moat_ec_public_from_spki(der, len - 1u, &pub2),
                         MOAT_ERR_CRYPTO_KEY_ENCODING);
        assert_filled(&pub2, sizeof(pub2), 0);
        /* the same SPKI with a long-form (non-minimal) outer length */
        {
            uint8_t lf[MOAT_EC_SPKI_MAX + 1];
            lf[0] = 0x30;
            lf[1] = 0x81;
            memcpy(lf + 2, der + 1, len - 1u);
            assert_int_equal(moat_ec_public_from_spki(lf, len + 1u, &pub2),
                             MOAT_ERR_CRYPTO_KEY_ENCODING);
        }

        for (fmt = MOAT_KEY_SEC1; fmt <= MOAT_KEY_PKCS8; fmt++) {
            assert_int_equal(moat_ec_private_to_der(&priv, fmt, der, sizeof(der), &len),
                             MOAT_OK);
            assert_true(len <= MOAT_EC_PRIV_DER_MAX);
            assert_int_equal(moat_ec_private_from_der(der, len, &priv2), MOAT_OK);
            assert_int_equal(priv2.curve, priv.curve);
            assert_memory_equal(priv2.d, priv.d, moat_curve_size(curves[c]));
            need = len;
            memset(der, FILL, sizeof(der));
            assert_int_equal(moat_ec_private_to_der(&priv, fmt, der, need - 1u, &len),
                             MOAT_ERR_BUFFER_TOO_SMALL);
            assert_int_equal(len, need);
            assert_filled(der, need - 1u, 0);
            moat_wipe(der, sizeof(der));
        }
        memset(der, 0x30, 8);
        assert_int_equal(moat_ec_private_from_der(der, 8, &priv2),
                         MOAT_ERR_CRYPTO_KEY_ENCODING);
        assert_filled(&priv2, sizeof(priv2), 0);
    }
}

/* Key files: strict DER, and an embedded publicKey must match d. */
static void test_private_der_strict(void **state)
{
    moat_ec_private_key priv, back;
    moat_ec_public_key pub;
    uint8_t der[MOAT_EC_PRIV_DER_MAX + 4], bad[MOAT_EC_PRIV_DER_MAX + 4];
    size_t n = 0;
    (void)state;
    make_key(MOAT_CURVE_P256, 0x31, &priv);
    assert_int_equal(moat_ec_public_from_private(&priv, &pub), MOAT_OK);
    for (int fmt = MOAT_KEY_SEC1; fmt <= MOAT_KEY_PKCS8; fmt++) {
        assert_int_equal(moat_ec_private_to_der(&priv, (moat_key_format)fmt, der, sizeof der, &n),
                         MOAT_OK);
        assert_int_equal(moat_ec_private_from_der(der, n, &back), MOAT_OK);
        assert_memory_equal(back.d, priv.d, 32);
        /* the last 64 bytes are the embedded point's X||Y: change one */
        memcpy(bad, der, n);
        bad[n - 1] ^= 0x01;
        memset(&back, 0xAA, sizeof back);
        assert_int_equal(moat_ec_private_from_der(bad, n, &back), MOAT_ERR_CRYPTO_KEY_ENCODING);
        assert_filled(&back, sizeof back, 0);
        /* non-minimal outer length: 30 LL -> 30 81 LL, or 30 81 LL -> 30 82 00 LL */
        bad[0] = 0x30;
        if (der[1] < 0x80) {
            bad[1] = 0x81;
            bad[2] = der[1];
            memcpy(bad + 3, der + 2, n - 2);
        } else {
            assert_int_equal(der[1], 0x81);
            bad[1] = 0x82;
            bad[2] = 0x00;
            memcpy(bad + 3, der + 2, n - 2);
        }
        assert_int_equal(moat_ec_private_from_der(bad, n + 1, &back), MOAT_ERR_CRYPTO_KEY_ENCODING);
        assert_filled(&back, sizeof back, 0);
        /* trailing byte */
        memcpy(bad, der, n);
        bad[n] = 0;
        assert_int_equal(moat_ec_private_from_der(bad, n + 1, &back), MOAT_ERR_CRYPTO_KEY_ENCODING);
    }
    moat_ec_private_wipe(&priv);
}

static void test_spki_negative(void **state)
{
    uint8_t der[200];
    moat_ec_public_key pub;
    size_t l;
    (void)state;
    /* secp256k1 named curve: unsupported */
    l = unhex("3056301006072a8648ce3d020106052b8104000a034200"
              "04a1263e75b87ae0937060ff1472f330ee55cdf8f4329bc8ceb8b0e8d0a89a5b"
              "7a8e8a0ac4fc8eeb3c6f0e9b3d3e7b8e6d7a0e5b3c9e1e8c7f2d6a5b4c3d2e1f00", der,
              sizeof(der));
    assert_int_equal(moat_ec_public_from_spki(der, l, &pub), MOAT_ERR_UNSUPPORTED);
    /* compressed point in a P-256 SPKI */
    l = unhex("3039301306072a8648ce3d020106082a8648ce3d03010703220002"
              "fd4bf61763b46581fd9174d623516cf3c81edd40e29ffa2777fb6cb0ae3ce535", der,
              sizeof(der));
    assert_int_equal(moat_ec_public_from_spki(der, l, &pub), MOAT_ERR_CRYPTO_POINT_ENCODING);
    /* explicit parameters (specifiedCurve SEQUENCE instead of a named OID) */
    l = unhex("3014300e06072a8648ce3d0201300302010103020004", der,
              sizeof(der));
    assert_int_equal(moat_ec_public_from_spki(der, l, &pub), MOAT_ERR_UNSUPPORTED);
    /* not an EC key (rsaEncryption) */
    l = unhex("3011300d06092a864886f70d01010105000300", der, sizeof(der));
    assert_int_equal(moat_ec_public_from_spki(der, l, &pub), MOAT_ERR_UNSUPPORTED);
}

/* ------------------------------------------------------------ ECDH/X25519 */

static void test_ecdh(void **state)
{
    moat_ec_private_key a, b, c;
    moat_ec_public_key pa, pb, pc;
    uint8_t s1[48], s2[48];
    size_t l1, l2;
    (void)state;
    make_key(MOAT_CURVE_P256, 1, &a);
    make_key(MOAT_CURVE_P256, 2, &b);
    make_key(MOAT_CURVE_P384, 3, &c);
    assert_int_equal(moat_ec_public_from_private(&a, &pa), MOAT_OK);
    assert_int_equal(moat_ec_public_from_private(&b, &pb), MOAT_OK);
    assert_int_equal(moat_ec_public_from_private(&c, &pc), MOAT_OK);
    assert_int_equal(moat_ecdh(&a, &pb, s1, sizeof(s1), &l1), MOAT_OK);
    assert_int_equal(moat_ecdh(&b, &pa, s2, sizeof(s2), &l2), MOAT_OK);
    assert_int_equal(l1, 32);
    assert_int_equal(l2, 32);
    assert_memory_equal(s1, s2, 32);
    /* key of another curve */
    memset(s1, FILL, sizeof(s1));
    assert_int_equal(moat_ecdh(&a, &pc, s1, sizeof(s1), &l1), MOAT_ERR_CRYPTO_CURVE_MISMATCH);
    assert_filled(s1, sizeof(s1), 0);
    assert_int_equal(l1, 0);
    /* a public key struct tampered after import is re-validated */
    pb.q[40] ^= 1u;
    memset(s1, FILL, sizeof(s1));
    assert_int_equal(moat_ecdh(&a, &pb, s1, sizeof(s1), &l1),
                     MOAT_ERR_CRYPTO_POINT_NOT_ON_CURVE);
    assert_filled(s1, sizeof(s1), 0);
    /* buffer too small */
    assert_int_equal(moat_ecdh(&c, &pc, s1, 47, &l1), MOAT_ERR_BUFFER_TOO_SMALL);
    assert_int_equal(l1, 48);
}

static void test_x25519(void **state)
{
    uint8_t a[32], b[32], pa[32], pb[32], s1[32], s2[32], zero[32];
    (void)state;
    /* RFC 7748 section 6.1 */
    unhex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a", a, 32);
    unhex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb", b, 32);
    assert_int_equal(moat_x25519_public(a, pa), MOAT_OK);
    assert_hex(pa, 32, "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
    assert_int_equal(moat_x25519_public(b, pb), MOAT_OK);
    assert_hex(pb, 32, "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
    assert_int_equal(moat_x25519(a, pb, s1), MOAT_OK);
    assert_int_equal(moat_x25519(b, pa, s2), MOAT_OK);
    assert_hex(s1, 32, "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
    assert_memory_equal(s1, s2, 32);
    /* zero point (and u = 1, order 1... order 4 point: all-zero output) */
    memset(zero, 0, sizeof(zero));
    memset(s1, FILL, sizeof(s1));
    assert_int_equal(moat_x25519(a, zero, s1), MOAT_ERR_CRYPTO_LOW_ORDER_POINT);
    assert_filled(s1, sizeof(s1), 0);
    zero[0] = 1;
    memset(s1, FILL, sizeof(s1));
    assert_int_equal(moat_x25519(a, zero, s1), MOAT_ERR_CRYPTO_LOW_ORDER_POINT);
    assert_filled(s1, sizeof(s1), 0);
}

/* ------------------------------------------------------------------ AEAD */

static void test_aead(void **state)
{
    uint8_t key[32], iv[12], pt[40], ct[40], out[40], tag[16];
    size_t i;
    (void)state;
    /* McGrew-Viega GCM test case 2 */
    memset(key, 0, sizeof(key));
    memset(iv, 0, sizeof(iv));
    memset(pt, 0, 16);
    assert_int_equal(moat_aead_seal(MOAT_AEAD_AES_GCM, key, 16, iv, 12, NULL, 0, pt, 16,
                                    ct, tag, 16), MOAT_OK);
    assert_hex(ct, 16, "0388dace60b6a392f328c2b971b2fe78");
    assert_hex(tag, 16, "ab6e47d42cec13bdf53a67b21257bddf");
    /* round trips, both algorithms, with AAD; in place too */
    for (i = 0; i < sizeof(pt); i++) pt[i] = (uint8_t)i;
    for (i = 0; i < sizeof(key); i++) key[i] = (uint8_t)(i * 3u);
    {
        static const moat_aead_alg algs[] = { MOAT_AEAD_AES_GCM, MOAT_AEAD_CHACHA20_POLY1305 };
        size_t a;
        for (a = 0; a < 2; a++) {
            assert_int_equal(moat_aead_seal(algs[a], key, 32, iv, 12, (const uint8_t *)"hdr",
                                            3, pt, sizeof(pt), ct, tag, 16), MOAT_OK);
            assert_int_equal(moat_aead_open(algs[a], key, 32, iv, 12, (const uint8_t *)"hdr",
                                            3, ct, sizeof(ct), tag, 16, out), MOAT_OK);
            assert_memory_equal(out, pt, sizeof(pt));
            memcpy(out, ct, sizeof(ct));
            assert_int_equal(moat_aead_open(algs[a], key, 32, iv, 12, (const uint8_t *)"hdr",
                                            3, out, sizeof(out), tag, 16, out), MOAT_OK);
            assert_memory_equal(out, pt, sizeof(pt));
            /* tampered tag: plaintext wiped */
            tag[0] ^= 1u;
            memset(out, FILL, sizeof(out));
            assert_int_equal(moat_aead_open(algs[a], key, 32, iv, 12, (const uint8_t *)"hdr",
                                            3, ct, sizeof(ct), tag, 16, out),
                             MOAT_ERR_CRYPTO_TAG_MISMATCH);
            assert_filled(out, sizeof(out), 0);
            tag[0] ^= 1u;
            /* tampered AAD */
            assert_int_equal(moat_aead_open(algs[a], key, 32, iv, 12, (const uint8_t *)"hdR",
                                            3, ct, sizeof(ct), tag, 16, out),
                             MOAT_ERR_CRYPTO_TAG_MISMATCH);
            assert_filled(out, sizeof(out), 0);
        }
    }
    /* empty GCM IV */
    memset(ct, FILL, sizeof(ct));
    assert_int_equal(moat_aead_seal(MOAT_AEAD_AES_GCM, key, 16, iv, 0, NULL, 0, pt, 16, ct,
                                    tag, 16), MOAT_ERR_CRYPTO_IV_LENGTH);
    assert_filled(ct, 16, 0);
    memset(out, FILL, sizeof(out));
    assert_int_equal(moat_aead_open(MOAT_AEAD_AES_GCM, key, 16, iv, 0, NULL, 0, ct, 16, tag,
                                    16, out), MOAT_ERR_CRYPTO_IV_LENGTH);
    assert_filled(out, 16, 0);
    assert_int_equal(moat_aead_seal(MOAT_AEAD_CHACHA20_POLY1305, key, 32, iv, 8, NULL, 0,
                                    pt, 16, ct, tag, 16), MOAT_ERR_CRYPTO_IV_LENGTH);
    assert_int_equal(moat_aead_seal(MOAT_AEAD_AES_GCM, key, 20, iv, 12, NULL, 0, pt, 16, ct,
                                    tag, 16), MOAT_ERR_CRYPTO_BAD_KEY);
    assert_int_equal(moat_aead_seal(MOAT_AEAD_AES_GCM, key, 16, iv, 12, NULL, 0, pt, 16, ct,
                                    tag, 8), MOAT_ERR_CRYPTO_TAG_LENGTH);
    assert_int_equal(moat_aead_seal(MOAT_AEAD_CHACHA20_POLY1305, key, 32, iv, 12, NULL, 0,
                                    pt, 16, ct, tag, 12), MOAT_ERR_CRYPTO_TAG_LENGTH);
}

/* --------------------------------------------------------------- signers */

static moat_err bad_sign(void *ctx, moat_hash_alg alg, const uint8_t *hash, size_t len,
                         uint8_t *sig)
{
    (void)ctx; (void)alg; (void)hash; (void)len;
    memset(sig, 0x11, 64); /* in range, but not a valid signature */
    return MOAT_OK;
}

static void test_signer(void **state)
{
    moat_ec_private_key priv;
    moat_signer s;
    uint8_t sig[MOAT_ECDSA_DER_MAX];
    size_t len;
    (void)state;
    make_key(MOAT_CURVE_P256, 77, &priv);
    assert_int_equal(moat_signer_from_private(&s, &priv), MOAT_OK);
    assert_int_equal(moat_signer_sign(&s, MOAT_HASH_SHA256, "m", 1, MOAT_SIG_DER, sig,
                                      sizeof(sig), &len), MOAT_OK);
    assert_int_equal(moat_ecdsa_verify(&s.pub, MOAT_HASH_SHA256, "m", 1, MOAT_SIG_DER, sig,
                                       len), MOAT_OK);
    s.sign = bad_sign;
    memset(sig, FILL, sizeof(sig));
    assert_int_equal(moat_signer_sign(&s, MOAT_HASH_SHA256, "m", 1, MOAT_SIG_RAW, sig,
                                      sizeof(sig), &len), MOAT_ERR_INTERNAL);
    assert_filled(sig, sizeof(sig), 0);
    assert_int_equal(len, 0);
}

/* ------------------------------------------------------------------- DER */

static moat_err read_one(const char *hex)
{
    uint8_t buf[64];
    size_t n = unhex(hex, buf, sizeof(buf));
    moat_der_reader r;
    uint8_t tag;
    const uint8_t *v;
    size_t l;
    moat_err err;
    moat_der_reader_init(&r, buf, n);
    err = moat_der_read_tlv(&r, &tag, &v, &l);
    if (err == MOAT_OK) {
        err = moat_der_finish(&r);
    }
    return err;
}

static void test_der_reader(void **state)
{
    uint8_t deep[2 * (MOAT_DER_MAX_DEPTH + 2)];
    moat_der_reader r, c1, c2;
    const uint8_t *mag;
    size_t ml, i;
    (void)state;
    assert_int_equal(read_one("0400"), MOAT_OK);
    assert_int_equal(read_one("04810100"), MOAT_ERR_DER_LENGTH);         /* long form < 128 */
    assert_int_equal(read_one("0482000100"), MOAT_ERR_DER_LENGTH);       /* leading zero */
    assert_int_equal(read_one("04800000"), MOAT_ERR_DER_LENGTH);         /* indefinite */
    assert_int_equal(read_one("0485ffffffffff"), MOAT_ERR_DER_LENGTH);   /* 5 length octets */
    assert_int_equal(read_one("040201"), MOAT_ERR_DER_TRUNCATED);
    assert_int_equal(read_one("04"), MOAT_ERR_DER_TRUNCATED);
    assert_int_equal(read_one("1f0100"), MOAT_ERR_DER_TAG);              /* high tag form */
    assert_int_equal(read_one("040100ff"), MOAT_ERR_DER_TRAILING);
    /* integers */
    assert_int_equal(moat_der_uint_magnitude((const uint8_t *)"\x00\x80", 2, &mag, &ml), MOAT_OK);
    assert_int_equal(ml, 1);
    assert_int_equal(moat_der_uint_magnitude((const uint8_t *)"\x00\x7f", 2, &mag, &ml),
                     MOAT_ERR_DER_INTEGER);
    assert_int_equal(moat_der_uint_magnitude((const uint8_t *)"\x80", 1, &mag, &ml),
                     MOAT_ERR_DER_INTEGER);
    assert_int_equal(moat_der_uint_magnitude((const uint8_t *)"", 0, &mag, &ml),
                     MOAT_ERR_DER_INTEGER);
    assert_int_equal(moat_der_uint_magnitude((const uint8_t *)"\x00", 1, &mag, &ml), MOAT_OK);
    assert_int_equal(ml, 0);
    /* nesting bound */
    for (i = 0; i < MOAT_DER_MAX_DEPTH + 2; i++) {
        deep[2 * i] = 0x30;
        deep[2 * i + 1] = (uint8_t)(2 * (MOAT_DER_MAX_DEPTH + 2 - i - 1));
    }
    moat_der_reader_init(&r, deep, sizeof(deep));
    c1 = r;
    for (i = 0; i < MOAT_DER_MAX_DEPTH; i++) {
        assert_int_equal(moat_der_enter(&c1, 0x30, &c2), MOAT_OK);
        c1 = c2;
    }
    assert_int_equal(moat_der_enter(&c1, 0x30, &c2), MOAT_ERR_DER_DEPTH);
    /* wrong tag leaves the cursor */
    moat_der_reader_init(&r, deep, sizeof(deep));
    assert_int_equal(moat_der_enter(&r, 0x31, &c1), MOAT_ERR_DER_TAG);
    assert_int_equal(r.pos, 0);
}

static void test_der_writer(void **state)
{
    uint8_t buf[300];
    uint8_t big[200];
    moat_der_writer w;
    size_t len, mark;
    (void)state;
    memset(big, 0x80, sizeof(big));
    moat_der_writer_init(&w, buf, sizeof(buf));
    mark = moat_der_mark(&w);
    moat_der_put_bit_string(&w, big, 3);
    moat_der_put_uint(&w, big, 2);                         /* 0x8080 -> 00 80 80 */
    moat_der_put_uint(&w, (const uint8_t *)"\x00\x00\x01", 3); /* -> 01 */
    moat_der_put_uint(&w, (const uint8_t *)"\x00", 1);         /* -> 00 */
    moat_der_put_constructed(&w, MOAT_DER_TAG_SEQUENCE, mark);
    assert_int_equal(moat_der_writer_finish(&w, &len), MOAT_OK);
    assert_hex(buf, len, "3011" "020100" "020101" "0203008080" "030400808080");
    /* long form lengths */
    moat_der_writer_init(&w, buf, sizeof(buf));
    moat_der_put_tlv(&w, MOAT_DER_TAG_OCTET_STRING, big, 200);
    assert_int_equal(moat_der_writer_finish(&w, &len), MOAT_OK);
    assert_int_equal(len, 203);
    assert_hex(buf, 3, "0481c8");
    /* too small: exact size reported, buffer wiped */
    memset(buf, FILL, sizeof(buf));
    moat_der_writer_init(&w, buf, 202);
    moat_der_put_tlv(&w, MOAT_DER_TAG_OCTET_STRING, big, 200);
    assert_int_equal(moat_der_writer_finish(&w, &len), MOAT_ERR_BUFFER_TOO_SMALL);
    assert_int_equal(len, 203);
    assert_filled(buf, 202, 0);
    assert_int_equal(moat_der_header_size(127), 2);
    assert_int_equal(moat_der_header_size(128), 3);
    assert_int_equal(moat_der_header_size(256), 4);
}

/* SHA-1 exists for key identifiers only: no signature path accepts it. */
static void test_sha1_never_signs(void **state)
{
    moat_ec_private_key priv;
    moat_ec_public_key pub;
    moat_signer signer;
    uint8_t sig[MOAT_ECDSA_DER_MAX], h[20] = {0};
    size_t n = 0;
    (void)state;
    make_key(MOAT_CURVE_P256, 0x51, &priv);
    assert_int_equal(moat_ec_public_from_private(&priv, &pub), MOAT_OK);
    assert_int_equal(moat_ecdsa_verify(&pub, MOAT_HASH_SHA1, "m", 1, MOAT_SIG_DER, sig, 8),
                     MOAT_ERR_UNSUPPORTED);
    assert_int_equal(moat_signer_from_private(&signer, &priv), MOAT_OK);
    assert_int_equal(moat_signer_sign_digest(&signer, MOAT_HASH_SHA1, h, sizeof h, sig),
                     MOAT_ERR_UNSUPPORTED);
    assert_int_equal(moat_signer_sign(&signer, MOAT_HASH_SHA1, "m", 1, MOAT_SIG_RAW, sig,
                                      sizeof sig, &n), MOAT_ERR_UNSUPPORTED);
    assert_int_equal(n, 0);
    moat_ec_private_wipe(&priv);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sha_kat),
        cmocka_unit_test(test_hash_streaming),
        cmocka_unit_test(test_hmac_rfc4231),
        cmocka_unit_test(test_hkdf_rfc5869),
        cmocka_unit_test(test_hkdf_too_long),
        cmocka_unit_test(test_drbg),
        cmocka_unit_test(test_drbg_matches_sp800_90a),
        cmocka_unit_test(test_ecdsa_rfc6979_kat),
        cmocka_unit_test(test_keygen_fails_closed),
        cmocka_unit_test(test_scalar_range),
        cmocka_unit_test(test_sign_verify),
        cmocka_unit_test(test_sig_negative),
        cmocka_unit_test(test_points),
        cmocka_unit_test(test_spki_and_der_keys),
        cmocka_unit_test(test_spki_negative),
        cmocka_unit_test(test_private_der_strict),
        cmocka_unit_test(test_ecdh),
        cmocka_unit_test(test_x25519),
        cmocka_unit_test(test_aead),
        cmocka_unit_test(test_signer),
        cmocka_unit_test(test_sha1_never_signs),
        cmocka_unit_test(test_der_reader),
        cmocka_unit_test(test_der_writer),
    };
    return cmocka_run_group_tests_name("crypto", tests, NULL, NULL);
}
