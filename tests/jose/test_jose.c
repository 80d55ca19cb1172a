/*
 * Unit tests for src/jose: JWK, JWS compact, JWS General JSON Serialization,
 * JWT time claims. Every negative test asserts the exact error code and that
 * the outputs were wiped.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "moat/jose.h"

/* ------------------------------------------------------------ fixtures */

/* RFC 7515 Appendix A.3.1: the ES256 key (public part) and the JWS. */
static const char rfc_a3_jwk[] =
    "{\"kty\":\"EC\",\"crv\":\"P-256\","
    "\"x\":\"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU\","
    "\"y\":\"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0\"}";
static const char rfc_a3_jwk_private[] =
    "{\"kty\":\"EC\",\"crv\":\"P-256\","
    "\"x\":\"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU\","
    "\"y\":\"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0\","
    "\"d\":\"jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI\"}";
static const char rfc_a3_jws[] =
    "eyJhbGciOiJFUzI1NiJ9"
    "."
    "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFt"
    "cGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
    "."
    "DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSA"
    "pmWQxfKTUJqPP3-Kg6NU1Q";
/* The payload of RFC 7515 A.1/A.3 (with its CRLFs). */
static const char rfc_a3_payload[] =
    "{\"iss\":\"joe\",\r\n \"exp\":1300819380,\r\n \"http://example.com/is_root\":true}";
/* RFC 7638 thumbprint of that key, as computed by python3-jwcrypto 1.1
 * (an independent implementation). */
static const char rfc_a3_thumbprint[] = "oKIywvGUpTVTyxMQ3bwIIeQUudfr_CkLMjCE19ECD-U";

/* Curve orders (SEC 2 / FIPS 186-4). */
static const uint8_t p256_n[32] = {
    0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF,
    0xFF, 0xFF, 0xFF, 0xFF, 0xBC, 0xE6, 0xFA, 0xAD, 0xA7, 0x17, 0x9E, 0x84,
    0xF3, 0xB9, 0xCA, 0xC2, 0xFC, 0x63, 0x25, 0x51};

#define NKEYS 4 /* A, B, C: P-256; D: P-384 */
static moat_ec_private_key privs[NKEYS];
static moat_signer signers[NKEYS];
static moat_jwk jwks[NKEYS];

#define BIG 8192
static char tok[BIG];
static char doc[BIG];
static char doc2[BIG];
static uint64_t work[(MOAT_JWS_JSON_WORK_SIZE(BIG) + 7) / 8];
static uint8_t payload[BIG];

static const uint8_t msg[] = "moat says hello";

static int setup_keys(void **state)
{
    size_t i, j;
    (void)state;
    for (i = 0; i < NKEYS; i++) {
        moat_curve c = (i == 3) ? MOAT_CURVE_P384 : MOAT_CURVE_P256;
        uint8_t d[48];
        size_t cs = moat_curve_size(c);
        for (j = 0; j < cs; j++) {
            d[j] = (uint8_t)(0x11u * (i + 1u) + j);
        }
        d[0] = 0x3c; /* below n */
        if (moat_ec_private_from_scalar(c, d, cs, &privs[i]) != MOAT_OK ||
            moat_signer_from_private(&signers[i], &privs[i]) != MOAT_OK ||
            moat_jwk_from_public(&signers[i].pub, &jwks[i]) != MOAT_OK) {
            return -1;
        }
    }
    return 0;
}

static bool all_byte(const void *p, size_t n, uint8_t v)
{
    const uint8_t *b = p;
    size_t i;
    for (i = 0; i < n; i++) {
        if (b[i] != v) {
            return false;
        }
    }
    return true;
}

/* Builds h64 '.' p64 '.' s64 from a header text; the signature is a real one
 * by @p s over the received bytes, unless @p raw is given. */
static size_t make_token(const char *hdr, const void *pl, size_t pl_len,
                         const moat_signer *s, const uint8_t *raw, size_t raw_len,
                         char *out, size_t cap)
{
    size_t pos = 0, n = 0;
    uint8_t sig[MOAT_ECDSA_RAW_MAX];
    size_t sig_len = 0;
    assert_int_equal(moat_b64url_encode((const uint8_t *)hdr, strlen(hdr), out, cap, &n),
                     MOAT_OK);
    pos = n;
    out[pos++] = '.';
    assert_int_equal(moat_b64url_encode(pl, pl_len, out + pos, cap - pos, &n), MOAT_OK);
    pos += n;
    if (raw == NULL) {
        assert_int_equal(moat_signer_sign(s, moat_curve_hash(s->curve), out, pos,
                                          MOAT_SIG_RAW, sig, sizeof(sig), &sig_len),
                         MOAT_OK);
        raw = sig;
        raw_len = sig_len;
    }
    out[pos++] = '.';
    assert_int_equal(moat_b64url_encode(raw, raw_len, out + pos, cap - pos, &n), MOAT_OK);
    pos += n;
    out[pos] = '\0';
    return pos;
}

/* Asserts a compact verification fails with @p want, wiping the payload. */
static void expect_compact(const char *t, size_t len, const moat_ec_public_key *key,
                           moat_err want)
{
    size_t plen = 12345;
    memset(payload, 0xAA, sizeof(payload));
    assert_int_equal(moat_jws_verify_compact(t, len, key, payload, sizeof(payload), &plen),
                     want);
    assert_int_equal(plen, 0);
    assert_true(all_byte(payload, sizeof(payload), 0));
}

static void expect_hdr(const char *hdr, const moat_signer *s,
                       const moat_ec_public_key *key, moat_err want)
{
    size_t n = make_token(hdr, msg, sizeof(msg), s, NULL, 0, tok, sizeof(tok));
    expect_compact(tok, n, key, want);
}

/* --------------------------------------------------------- RFC 7515 A.3 */

static void test_rfc7515_a3_es256_verifies(void **state)
{
    moat_jwk k;
    size_t plen = 0;
    (void)state;
    assert_int_equal(moat_jwk_parse(rfc_a3_jwk, strlen(rfc_a3_jwk), &k), MOAT_OK);
    assert_string_equal(k.kid, rfc_a3_thumbprint);
    assert_int_equal(moat_jws_verify_compact(rfc_a3_jws, strlen(rfc_a3_jws), &k.key,
                                             payload, sizeof(payload), &plen),
                     MOAT_OK);
    assert_int_equal(plen, strlen(rfc_a3_payload));
    assert_memory_equal(payload, rfc_a3_payload, plen);
}

static void test_rfc7515_a3_tampered_payload(void **state)
{
    moat_jwk k;
    char t[sizeof(rfc_a3_jws)];
    (void)state;
    assert_int_equal(moat_jwk_parse(rfc_a3_jwk, strlen(rfc_a3_jwk), &k), MOAT_OK);
    memcpy(t, rfc_a3_jws, sizeof(t));
    t[25] = (char)(t[25] == 'A' ? 'B' : 'A'); /* inside the payload segment */
    expect_compact(t, strlen(t), &k.key, MOAT_ERR_CRYPTO_SIG_INVALID);
}

static void test_rfc7515_a3_private_jwk(void **state)
{
    moat_jwk k, pub;
    moat_ec_private_key priv;
    (void)state;
    assert_int_equal(moat_jwk_parse(rfc_a3_jwk_private, strlen(rfc_a3_jwk_private), &k),
                     MOAT_ERR_JWK_PRIVATE_MEMBER);
    assert_true(all_byte(&k, sizeof(k), 0));
    assert_int_equal(moat_jwk_parse_private(rfc_a3_jwk_private,
                                            strlen(rfc_a3_jwk_private), &priv, &pub),
                     MOAT_OK);
    assert_string_equal(pub.kid, rfc_a3_thumbprint);
    moat_ec_private_wipe(&priv);
}

/* ---------------------------------------------------------------- JWK */

static void test_jwk_emit_parse_roundtrip(void **state)
{
    char text[MOAT_JWK_EMIT_MAX];
    size_t n = 0, i;
    moat_jwk k;
    (void)state;
    for (i = 0; i < NKEYS; i++) {
        assert_int_equal(moat_jwk_emit(&signers[i].pub, text, sizeof(text), &n), MOAT_OK);
        assert_int_equal(strlen(text), n);
        assert_int_equal(moat_jwk_parse(text, n, &k), MOAT_OK);
        assert_int_equal(k.key.curve, signers[i].pub.curve);
        assert_memory_equal(k.key.q, signers[i].pub.q, k.key.q_len);
        assert_string_equal(k.kid, jwks[i].kid);
    }
}

static void test_jwk_emit_buffer_too_small(void **state)
{
    char text[MOAT_JWK_EMIT_MAX];
    size_t n = 0, need = 0;
    (void)state;
    assert_int_equal(moat_jwk_emit(&signers[0].pub, text, sizeof(text), &n), MOAT_OK);
    memset(text, 0xAA, sizeof(text));
    assert_int_equal(moat_jwk_emit(&signers[0].pub, text, 20, &need),
                     MOAT_ERR_BUFFER_TOO_SMALL);
    assert_int_equal(need, n + 1);
    assert_true(all_byte(text, 20, 0));
}

static void expect_jwk(const char *text, moat_err want)
{
    moat_jwk k;
    memset(&k, 0xAA, sizeof(k));
    assert_int_equal(moat_jwk_parse(text, strlen(text), &k), want);
    assert_true(all_byte(&k, sizeof(k), 0));
}

#define A3_X "\"x\":\"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU\""
#define A3_Y "\"y\":\"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0\""

static void test_jwk_point_not_on_curve(void **state)
{
    (void)state;
    /* Last character of y changed: a different y, not on the curve. */
    expect_jwk("{\"kty\":\"EC\",\"crv\":\"P-256\"," A3_X
               ",\"y\":\"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a4\"}",
               MOAT_ERR_CRYPTO_POINT_NOT_ON_CURVE);
}

static void test_jwk_missing_members(void **state)
{
    (void)state;
    expect_jwk("{\"crv\":\"P-256\"," A3_X "," A3_Y "}", MOAT_ERR_JWK_MEMBER_MISSING);
    expect_jwk("{\"kty\":\"EC\"," A3_X "," A3_Y "}", MOAT_ERR_JWK_MEMBER_MISSING);
    expect_jwk("{\"kty\":\"EC\",\"crv\":\"P-256\"," A3_Y "}", MOAT_ERR_JWK_MEMBER_MISSING);
    expect_jwk("{\"kty\":\"EC\",\"crv\":\"P-256\"," A3_X "}", MOAT_ERR_JWK_MEMBER_MISSING);
    expect_jwk("[1]", MOAT_ERR_JWK_INVALID);
    expect_jwk("{\"kty\":7,\"crv\":\"P-256\"," A3_X "," A3_Y "}", MOAT_ERR_JWK_INVALID);
}

static void test_jwk_coordinate_wrong_length(void **state)
{
    (void)state;
    expect_jwk("{\"kty\":\"EC\",\"crv\":\"P-256\","
               "\"x\":\"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVE\"," A3_Y "}",
               MOAT_ERR_JWK_COORD_LENGTH);
    /* a P-256 point labelled P-384 */
    expect_jwk("{\"kty\":\"EC\",\"crv\":\"P-384\"," A3_X "," A3_Y "}",
               MOAT_ERR_JWK_COORD_LENGTH);
}

static void test_jwk_private_member_d(void **state)
{
    (void)state;
    expect_jwk(rfc_a3_jwk_private, MOAT_ERR_JWK_PRIVATE_MEMBER);
}

static void test_jwk_unsupported_kty(void **state)
{
    (void)state;
    expect_jwk("{\"kty\":\"RSA\",\"n\":\"AQAB\",\"e\":\"AQAB\"}", MOAT_ERR_JWK_KTY);
    expect_jwk("{\"kty\":\"oct\",\"k\":\"AQAB\"}", MOAT_ERR_JWK_KTY);
    expect_jwk("{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"AQAB\"}", MOAT_ERR_JWK_KTY);
    expect_jwk("{\"kty\":\"EC\",\"crv\":\"P-521\"," A3_X "," A3_Y "}", MOAT_ERR_JWK_KTY);
    expect_jwk("{\"kty\":\"EC\",\"crv\":\"secp256k1\"," A3_X "," A3_Y "}",
               MOAT_ERR_JWK_KTY);
}

static void test_jwk_alg_mismatch(void **state)
{
    (void)state;
    expect_jwk("{\"kty\":\"EC\",\"crv\":\"P-256\",\"alg\":\"ES384\"," A3_X "," A3_Y "}",
               MOAT_ERR_JOSE_ALG_KEY_MISMATCH);
}

static void test_jwk_kid_member_ignored(void **state)
{
    moat_jwk k;
    const char *t = "{\"kty\":\"EC\",\"crv\":\"P-256\",\"kid\":\"mine\",\"use\":\"sig\"," A3_X
                    "," A3_Y "}";
    (void)state;
    assert_int_equal(moat_jwk_parse(t, strlen(t), &k), MOAT_OK);
    assert_string_equal(k.kid, rfc_a3_thumbprint);
    expect_jwk("{\"kty\":\"EC\",\"crv\":\"P-256\",\"kid\":1," A3_X "," A3_Y "}",
               MOAT_ERR_JWK_INVALID);
}

static void test_jwk_noncanonical_base64(void **state)
{
    (void)state;
    expect_jwk("{\"kty\":\"EC\",\"crv\":\"P-256\","
               "\"x\":\"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVE+\"," A3_Y "}",
               MOAT_ERR_B64_CHAR);
}

static void test_jwk_duplicate_member(void **state)
{
    (void)state;
    expect_jwk("{\"kty\":\"EC\",\"crv\":\"P-256\",\"crv\":\"P-384\"," A3_X "," A3_Y "}",
               MOAT_ERR_JSON_DUPLICATE_KEY);
}

static void test_jwk_private_mismatch(void **state)
{
    moat_ec_private_key priv;
    moat_jwk pub;
    /* d of RFC A.3 with another key's x/y: rejected. */
    char text[MOAT_JWK_EMIT_MAX + 80];
    char emitted[MOAT_JWK_EMIT_MAX];
    size_t n = 0;
    (void)state;
    assert_int_equal(moat_jwk_emit(&signers[0].pub, emitted, sizeof(emitted), &n), MOAT_OK);
    emitted[n - 1] = '\0'; /* drop the closing brace */
    snprintf(text, sizeof(text), "%s,\"d\":\"jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI\"}",
             emitted);
    memset(&priv, 0xAA, sizeof(priv));
    assert_int_equal(moat_jwk_parse_private(text, strlen(text), &priv, &pub),
                     MOAT_ERR_JWK_KEY_MISMATCH);
    assert_true(all_byte(&priv, sizeof(priv), 0));
    assert_true(all_byte(&pub, sizeof(pub), 0));
}

/* ----------------------------------------------------- compact: good */

static void roundtrip_compact(size_t i)
{
    size_t n = 0, plen = 0;
    assert_int_equal(moat_jws_sign_compact(&signers[i], NULL, msg, sizeof(msg), tok,
                                           sizeof(tok), &n),
                     MOAT_OK);
    assert_int_equal(strlen(tok), n);
    assert_true(n + 1 <= MOAT_JWS_COMPACT_SIZE(sizeof(msg)));
    assert_int_equal(moat_jws_verify_compact(tok, n, &signers[i].pub, payload,
                                             sizeof(payload), &plen),
                     MOAT_OK);
    assert_int_equal(plen, sizeof(msg));
    assert_memory_equal(payload, msg, plen);
    plen = 0;
    assert_int_equal(moat_jws_verify_compact_keyset(tok, n, jwks, NKEYS, payload,
                                                    sizeof(payload), &plen),
                     MOAT_OK);
    assert_int_equal(plen, sizeof(msg));
}

static void test_compact_roundtrip_p256(void **state)
{
    (void)state;
    roundtrip_compact(0);
}

static void test_compact_roundtrip_p384(void **state)
{
    (void)state;
    roundtrip_compact(3);
}

static void test_compact_empty_payload_and_typ(void **state)
{
    moat_jws_sign_opts o = {"device-1", "JWT", NULL, NULL, NULL, 0};
    char hdr[MOAT_JWS_HEADER_MAX + 1];
    size_t n = 0, plen = 99, hlen = 0;
    moat_jws_verify_opts vo;
    (void)state;
    assert_int_equal(moat_jws_sign_compact_ex(&signers[1], &o, NULL, 0, tok, sizeof(tok),
                                              &n),
                     MOAT_OK);
    memset(&vo, 0, sizeof(vo));
    vo.header_out = hdr;
    vo.header_cap = sizeof(hdr);
    vo.header_len = &hlen;
    assert_int_equal(moat_jws_verify_compact_ex(tok, n, &signers[1].pub, NULL, 0, &vo,
                                                NULL, 0, &plen),
                     MOAT_OK);
    assert_int_equal(plen, 0);
    assert_string_equal(hdr, "{\"alg\":\"ES256\",\"kid\":\"device-1\",\"typ\":\"JWT\"}");
    assert_int_equal(hlen, strlen(hdr));
}

static void test_compact_sign_buffer_too_small(void **state)
{
    size_t n = 0, need = 0;
    (void)state;
    assert_int_equal(moat_jws_sign_compact(&signers[0], NULL, msg, sizeof(msg), tok,
                                           sizeof(tok), &n),
                     MOAT_OK);
    memset(tok, 0xAA, sizeof(tok));
    assert_int_equal(moat_jws_sign_compact(&signers[0], NULL, msg, sizeof(msg), tok, 50,
                                           &need),
                     MOAT_ERR_BUFFER_TOO_SMALL);
    assert_int_equal(need, n + 1);
    assert_true(all_byte(tok, 50, 0));
}

static void test_compact_payload_buffer_too_small(void **state)
{
    size_t n = 0, plen = 0;
    (void)state;
    assert_int_equal(moat_jws_sign_compact(&signers[0], NULL, msg, sizeof(msg), tok,
                                           sizeof(tok), &n),
                     MOAT_OK);
    memset(payload, 0xAA, sizeof(payload));
    assert_int_equal(moat_jws_verify_compact(tok, n, &signers[0].pub, payload, 4, &plen),
                     MOAT_ERR_BUFFER_TOO_SMALL);
    assert_int_equal(plen, sizeof(msg));
    assert_true(all_byte(payload, 4, 0));
}

static moat_err bad_signer_cb(void *ctx, moat_hash_alg h, const uint8_t *d, size_t dl,
                              uint8_t *sig)
{
    /* Signs with another key than the signer's declared public key. */
    moat_signer *other = ctx;
    return other->sign(other->ctx, h, d, dl, sig);
}

static void test_compact_sign_mismatched_signer(void **state)
{
    moat_signer bad = signers[0];
    size_t n = 77;
    (void)state;
    bad.sign = bad_signer_cb;
    bad.ctx = &signers[1];
    memset(tok, 0xAA, sizeof(tok));
    assert_int_equal(moat_jws_sign_compact(&bad, NULL, msg, sizeof(msg), tok, sizeof(tok),
                                           &n),
                     MOAT_ERR_INTERNAL);
    assert_int_equal(n, 0);
    assert_true(all_byte(tok, sizeof(tok), 0));
}

static void test_compact_crit_understood_by_caller(void **state)
{
    static const char *const understood[] = {"exp"};
    moat_jws_verify_opts vo;
    size_t n, plen = 0;
    (void)state;
    memset(&vo, 0, sizeof(vo));
    vo.crit_understood = understood;
    vo.crit_count = 1;
    n = make_token("{\"alg\":\"ES256\",\"crit\":[\"exp\"],\"exp\":1363284000}", msg,
                   sizeof(msg), &signers[0], NULL, 0, tok, sizeof(tok));
    assert_int_equal(moat_jws_verify_compact_ex(tok, n, &signers[0].pub, NULL, 0, &vo,
                                                payload, sizeof(payload), &plen),
                     MOAT_OK);
    assert_int_equal(plen, sizeof(msg));
    /* ... and without the declaration it is refused. */
    expect_compact(tok, n, &signers[0].pub, MOAT_ERR_JOSE_CRIT_UNKNOWN);
}

/* ---------------------------------------------------- compact: attacks */

static void test_compact_alg_none(void **state)
{
    size_t n;
    (void)state;
    expect_hdr("{\"alg\":\"none\"}", &signers[0], &signers[0].pub,
               MOAT_ERR_JOSE_ALG_NOT_ALLOWED);
    /* the classic unsigned form: empty signature segment */
    n = make_token("{\"alg\":\"none\"}", msg, sizeof(msg), NULL, (const uint8_t *)"", 0,
                   tok, sizeof(tok));
    expect_compact(tok, n, &signers[0].pub, MOAT_ERR_JOSE_FORMAT);
}

static void test_compact_alg_hs256(void **state)
{
    (void)state;
    expect_hdr("{\"alg\":\"HS256\"}", &signers[0], &signers[0].pub,
               MOAT_ERR_JOSE_ALG_NOT_ALLOWED);
}

static void test_compact_alg_es512(void **state)
{
    (void)state;
    expect_hdr("{\"alg\":\"ES512\"}", &signers[0], &signers[0].pub,
               MOAT_ERR_JOSE_ALG_NOT_ALLOWED);
}

static void test_compact_alg_rs256_and_case(void **state)
{
    (void)state;
    expect_hdr("{\"alg\":\"RS256\"}", &signers[0], &signers[0].pub,
               MOAT_ERR_JOSE_ALG_NOT_ALLOWED);
    expect_hdr("{\"alg\":\"es256\"}", &signers[0], &signers[0].pub,
               MOAT_ERR_JOSE_ALG_NOT_ALLOWED);
}

static void test_compact_alg_curve_mismatch(void **state)
{
    (void)state;
    /* ES384 header, correctly signed by a P-384 key, given a P-256 key. */
    expect_hdr("{\"alg\":\"ES384\"}", &signers[3], &signers[0].pub,
               MOAT_ERR_JOSE_ALG_KEY_MISMATCH);
}

static void test_compact_key_of_another_curve(void **state)
{
    (void)state;
    expect_hdr("{\"alg\":\"ES256\"}", &signers[0], &signers[3].pub,
               MOAT_ERR_JOSE_ALG_KEY_MISMATCH);
}

static void test_compact_unknown_crit(void **state)
{
    (void)state;
    expect_hdr("{\"alg\":\"ES256\",\"crit\":[\"x-moat\"],\"x-moat\":1}", &signers[0],
               &signers[0].pub, MOAT_ERR_JOSE_CRIT_UNKNOWN);
}

static void test_compact_crit_malformed(void **state)
{
    (void)state;
    expect_hdr("{\"alg\":\"ES256\",\"crit\":[]}", &signers[0], &signers[0].pub,
               MOAT_ERR_JOSE_CRIT_MALFORMED);
    expect_hdr("{\"alg\":\"ES256\",\"crit\":\"x\",\"x\":1}", &signers[0], &signers[0].pub,
               MOAT_ERR_JOSE_CRIT_MALFORMED);
    expect_hdr("{\"alg\":\"ES256\",\"crit\":[1]}", &signers[0], &signers[0].pub,
               MOAT_ERR_JOSE_CRIT_MALFORMED);
    /* names a registered parameter */
    expect_hdr("{\"alg\":\"ES256\",\"crit\":[\"alg\"]}", &signers[0], &signers[0].pub,
               MOAT_ERR_JOSE_CRIT_MALFORMED);
    /* names a parameter absent from the header */
    expect_hdr("{\"alg\":\"ES256\",\"crit\":[\"x-moat\"]}", &signers[0], &signers[0].pub,
               MOAT_ERR_JOSE_CRIT_MALFORMED);
    /* duplicate names */
    expect_hdr("{\"alg\":\"ES256\",\"crit\":[\"b64\",\"b64\"],\"b64\":true}", &signers[0],
               &signers[0].pub, MOAT_ERR_JOSE_CRIT_MALFORMED);
}

static void test_compact_b64_false(void **state)
{
    (void)state;
    expect_hdr("{\"alg\":\"ES256\",\"b64\":false,\"crit\":[\"b64\"]}", &signers[0],
               &signers[0].pub, MOAT_ERR_UNSUPPORTED);
}

static void test_compact_header_invalid(void **state)
{
    (void)state;
    expect_hdr("{\"typ\":\"JWT\"}", &signers[0], &signers[0].pub,
               MOAT_ERR_JOSE_ALG_MISSING);
    expect_hdr("{\"alg\":256}", &signers[0], &signers[0].pub, MOAT_ERR_JOSE_ALG_MISSING);
    expect_hdr("[\"ES256\"]", &signers[0], &signers[0].pub, MOAT_ERR_JOSE_HEADER_INVALID);
    expect_hdr("{\"alg\":\"ES256\",\"kid\":5}", &signers[0], &signers[0].pub,
               MOAT_ERR_JOSE_HEADER_INVALID);
}

static void test_compact_header_duplicate_alg(void **state)
{
    (void)state;
    expect_hdr("{\"alg\":\"ES256\",\"alg\":\"none\"}", &signers[0], &signers[0].pub,
               MOAT_ERR_JSON_DUPLICATE_KEY);
}

static void test_compact_header_too_large(void **state)
{
    char hdr[MOAT_JWS_HEADER_MAX + 64];
    (void)state;
    memset(hdr, 0, sizeof(hdr));
    strcpy(hdr, "{\"alg\":\"ES256\",\"pad\":\"");
    memset(hdr + strlen(hdr), 'a', MOAT_JWS_HEADER_MAX - strlen(hdr));
    strcat(hdr, "\"}");
    expect_hdr(hdr, &signers[0], &signers[0].pub, MOAT_ERR_JOSE_HEADER_TOO_LARGE);
}

static void test_compact_missing_segment(void **state)
{
    char t[BIG];
    size_t n;
    (void)state;
    n = make_token("{\"alg\":\"ES256\"}", msg, sizeof(msg), &signers[0], NULL, 0, t,
                   sizeof(t));
    *strrchr(t, '.') = '\0'; /* header.payload */
    expect_compact(t, strlen(t), &signers[0].pub, MOAT_ERR_JOSE_FORMAT);
    (void)n;
    expect_compact("", 0, &signers[0].pub, MOAT_ERR_JOSE_FORMAT);
    expect_compact("abc", 3, &signers[0].pub, MOAT_ERR_JOSE_FORMAT);
}

static void test_compact_extra_segment(void **state)
{
    size_t n;
    (void)state;
    n = make_token("{\"alg\":\"ES256\"}", msg, sizeof(msg), &signers[0], NULL, 0, tok,
                   sizeof(tok));
    strcpy(tok + n, ".AAAA");
    expect_compact(tok, n + 5, &signers[0].pub, MOAT_ERR_JOSE_FORMAT);
    /* JWE-like five segments */
    expect_compact("a.b.c.d.e", 9, &signers[0].pub, MOAT_ERR_JOSE_FORMAT);
}

static void test_compact_empty_signature(void **state)
{
    size_t n;
    (void)state;
    n = make_token("{\"alg\":\"ES256\"}", msg, sizeof(msg), &signers[0], NULL, 0, tok,
                   sizeof(tok));
    *(strrchr(tok, '.') + 1) = '\0';
    n = strlen(tok);
    expect_compact(tok, n, &signers[0].pub, MOAT_ERR_JOSE_FORMAT);
}

static void test_compact_wrong_signature_length(void **state)
{
    uint8_t raw[MOAT_ECDSA_RAW_MAX];
    size_t n;
    (void)state;
    memset(raw, 0x11, sizeof(raw));
    n = make_token("{\"alg\":\"ES256\"}", msg, sizeof(msg), NULL, raw, 63, tok, sizeof(tok));
    expect_compact(tok, n, &signers[0].pub, MOAT_ERR_CRYPTO_SIG_ENCODING);
    n = make_token("{\"alg\":\"ES256\"}", msg, sizeof(msg), NULL, raw, 65, tok, sizeof(tok));
    expect_compact(tok, n, &signers[0].pub, MOAT_ERR_CRYPTO_SIG_ENCODING);
    /* a P-384-sized signature under ES256 */
    n = make_token("{\"alg\":\"ES256\"}", msg, sizeof(msg), NULL, raw, 96, tok, sizeof(tok));
    expect_compact(tok, n, &signers[0].pub, MOAT_ERR_CRYPTO_SIG_ENCODING);
    /* a DER signature is not a JOSE signature */
    n = make_token("{\"alg\":\"ES256\"}", msg, sizeof(msg), NULL, raw, 70, tok, sizeof(tok));
    expect_compact(tok, n, &signers[0].pub, MOAT_ERR_CRYPTO_SIG_ENCODING);
}

/* A valid signature by key A with r or s replaced. */
static void range_case(int which_s, const uint8_t *val)
{
    uint8_t raw[64];
    size_t n, p;
    char *dot;
    n = make_token("{\"alg\":\"ES256\"}", msg, sizeof(msg), &signers[0], NULL, 0, tok,
                   sizeof(tok));
    dot = strrchr(tok, '.');
    assert_int_equal(moat_b64url_decode(dot + 1, strlen(dot + 1), raw, sizeof(raw), &p),
                     MOAT_OK);
    memcpy(raw + (which_s ? 32 : 0), val, 32);
    n = (size_t)(dot + 1 - tok);
    assert_int_equal(moat_b64url_encode(raw, 64, tok + n, sizeof(tok) - n, &p), MOAT_OK);
    expect_compact(tok, n + p, &signers[0].pub, MOAT_ERR_CRYPTO_SIG_RANGE);
}

static void test_compact_sig_r_zero(void **state)
{
    static const uint8_t zero[32];
    (void)state;
    range_case(0, zero);
}

static void test_compact_sig_s_zero(void **state)
{
    static const uint8_t zero[32];
    (void)state;
    range_case(1, zero);
}

static void test_compact_sig_r_ge_n(void **state)
{
    uint8_t v[32];
    (void)state;
    range_case(0, p256_n);
    memset(v, 0xFF, sizeof(v));
    range_case(0, v);
}

static void test_compact_sig_s_ge_n(void **state)
{
    uint8_t v[32];
    (void)state;
    range_case(1, p256_n);
    memcpy(v, p256_n, 32);
    v[31]++; /* n + 1 */
    range_case(1, v);
}

static void test_compact_wrong_key(void **state)
{
    (void)state;
    expect_hdr("{\"alg\":\"ES256\"}", &signers[0], &signers[1].pub,
               MOAT_ERR_CRYPTO_SIG_INVALID);
}

static void test_compact_noncanonical_base64(void **state)
{
    size_t n;
    (void)state;
    n = make_token("{\"alg\":\"ES256\"}", msg, sizeof(msg), &signers[0], NULL, 0, tok,
                   sizeof(tok));
    strcpy(tok + n, "=");
    expect_compact(tok, n + 1, &signers[0].pub, MOAT_ERR_B64_PADDING);
    /* whitespace in the header segment */
    n = make_token("{\"alg\":\"ES256\"}", msg, sizeof(msg), &signers[0], NULL, 0, tok,
                   sizeof(tok));
    tok[3] = ' ';
    expect_compact(tok, n, &signers[0].pub, MOAT_ERR_B64_CHAR);
}

static void test_compact_keyset_kid_unknown(void **state)
{
    size_t n, plen = 5;
    (void)state;
    /* no kid at all */
    n = make_token("{\"alg\":\"ES256\"}", msg, sizeof(msg), &signers[0], NULL, 0, tok,
                   sizeof(tok));
    memset(payload, 0xAA, sizeof(payload));
    assert_int_equal(moat_jws_verify_compact_keyset(tok, n, jwks, NKEYS, payload,
                                                    sizeof(payload), &plen),
                     MOAT_ERR_JOSE_KID_UNKNOWN);
    assert_int_equal(plen, 0);
    assert_true(all_byte(payload, sizeof(payload), 0));
    /* a kid nobody has */
    n = make_token("{\"alg\":\"ES256\",\"kid\":\"nobody\"}", msg, sizeof(msg), &signers[0],
                   NULL, 0, tok, sizeof(tok));
    plen = 5;
    assert_int_equal(moat_jws_verify_compact_keyset(tok, n, jwks, NKEYS, payload,
                                                    sizeof(payload), &plen),
                     MOAT_ERR_JOSE_KID_UNKNOWN);
    assert_int_equal(plen, 0);
}

static void test_compact_keyset_kid_of_other_key(void **state)
{
    char hdr[128];
    size_t n, plen = 5;
    (void)state;
    /* signed by A, claiming B's kid */
    snprintf(hdr, sizeof(hdr), "{\"alg\":\"ES256\",\"kid\":\"%s\"}", jwks[1].kid);
    n = make_token(hdr, msg, sizeof(msg), &signers[0], NULL, 0, tok, sizeof(tok));
    memset(payload, 0xAA, sizeof(payload));
    assert_int_equal(moat_jws_verify_compact_keyset(tok, n, jwks, NKEYS, payload,
                                                    sizeof(payload), &plen),
                     MOAT_ERR_CRYPTO_SIG_INVALID);
    assert_int_equal(plen, 0);
    assert_true(all_byte(payload, sizeof(payload), 0));
}

/* ----------------------------------------------------- JSON: k of n */

/* Appends a signature by signer @p i (kid NULL = thumbprint) to doc. */
static size_t add_sig(size_t len, size_t i, const char *kid)
{
    size_t n = 0;
    moat_err e;
    if (len == 0) {
        e = moat_jws_json_sign(NULL, 0, msg, sizeof(msg), &signers[i], kid, NULL, 0, doc,
                               sizeof(doc), &n);
    } else {
        e = moat_jws_json_sign(doc, len, NULL, 0, &signers[i], kid, work, sizeof(work),
                               doc2, sizeof(doc2), &n);
        memcpy(doc, doc2, n + 1);
    }
    assert_int_equal(e, MOAT_OK);
    assert_int_equal(strlen(doc), n);
    return n;
}

static moat_err json_verify(size_t len, const moat_jwk *keys, size_t nkeys, size_t k,
                            size_t *valid, size_t *plen)
{
    return moat_jws_json_verify(doc, len, keys, nkeys, k, NULL, work, sizeof(work),
                                payload, sizeof(payload), plen, valid);
}

static void expect_json(size_t len, const moat_jwk *keys, size_t nkeys, size_t k,
                        moat_err want, size_t want_valid)
{
    size_t valid = 99, plen = 99;
    memset(payload, 0xAA, sizeof(payload));
    assert_int_equal(json_verify(len, keys, nkeys, k, &valid, &plen), want);
    assert_int_equal(plen, 0);
    assert_int_equal(valid, want_valid);
    assert_true(all_byte(payload, sizeof(payload), 0));
}

static void test_json_roundtrip_2_of_3(void **state)
{
    size_t len, valid = 0, plen = 0;
    moat_jwk set[3];
    (void)state;
    set[0] = jwks[0];
    set[1] = jwks[1];
    set[2] = jwks[3]; /* P-384 */
    len = add_sig(0, 0, NULL);
    len = add_sig(len, 3, NULL);
    assert_int_equal(json_verify(len, set, 3, 2, &valid, &plen), MOAT_OK);
    assert_int_equal(valid, 2);
    assert_int_equal(plen, sizeof(msg));
    assert_memory_equal(payload, msg, plen);
    /* 3 of 3 is not met */
    expect_json(len, set, 3, 3, MOAT_ERR_JOSE_THRESHOLD, 2);
}

static void test_json_roundtrip_p384_single(void **state)
{
    size_t len, valid = 0, plen = 0;
    (void)state;
    len = add_sig(0, 3, NULL);
    assert_int_equal(json_verify(len, &jwks[3], 1, 1, &valid, &plen), MOAT_OK);
    assert_int_equal(valid, 1);
    assert_memory_equal(payload, msg, sizeof(msg));
}

static void test_json_one_valid_of_two_required(void **state)
{
    size_t len;
    (void)state;
    len = add_sig(0, 0, NULL);
    expect_json(len, jwks, 3, 2, MOAT_ERR_JOSE_THRESHOLD, 1);
}

static void test_json_duplicate_signatures_count_once(void **state)
{
    size_t len;
    (void)state;
    len = add_sig(0, 0, NULL);
    len = add_sig(len, 0, NULL);
    len = add_sig(len, 0, NULL);
    expect_json(len, jwks, 3, 2, MOAT_ERR_JOSE_THRESHOLD, 1);
}

static void test_json_one_key_two_kids_counts_once(void **state)
{
    moat_jwk set[2];
    size_t len;
    (void)state;
    set[0] = jwks[0];
    set[1] = jwks[0];
    strcpy(set[1].kid, "alias-of-A");
    len = add_sig(0, 0, NULL);
    len = add_sig(len, 0, "alias-of-A");
    expect_json(len, set, 2, 2, MOAT_ERR_JOSE_THRESHOLD, 1);
}

static void test_json_unknown_kids_ignored(void **state)
{
    size_t len, valid = 0, plen = 0;
    (void)state;
    len = add_sig(0, 2, "stranger"); /* C under a kid nobody trusts */
    len = add_sig(len, 0, NULL);
    len = add_sig(len, 1, "");       /* B without kid: not attributable */
    assert_int_equal(json_verify(len, jwks, 2, 1, &valid, &plen), MOAT_OK);
    assert_int_equal(valid, 1);
    expect_json(len, jwks, 2, 2, MOAT_ERR_JOSE_THRESHOLD, 1);
}

static void test_json_bad_signature_not_counted(void **state)
{
    size_t len, valid = 0, plen = 0;
    (void)state;
    len = add_sig(0, 0, NULL);
    len = add_sig(len, 2, jwks[1].kid); /* C claims to be B: fails, not counted */
    assert_int_equal(json_verify(len, jwks, 2, 1, &valid, &plen), MOAT_OK);
    assert_int_equal(valid, 1);
    expect_json(len, jwks, 2, 2, MOAT_ERR_JOSE_THRESHOLD, 1);
}

static void test_json_malformed_entry_rejects_doc(void **state)
{
    char h64[64], s64[128];
    size_t n = 0, len;
    (void)state;
    len = add_sig(0, 0, NULL);
    len = add_sig(len, 1, NULL);
    /* append an entry with alg none */
    assert_int_equal(moat_b64url_encode((const uint8_t *)"{\"alg\":\"none\"}", 14, h64,
                                        sizeof(h64), &n),
                     MOAT_OK);
    memset(payload, 0x22, 64);
    assert_int_equal(moat_b64url_encode(payload, 64, s64, sizeof(s64), &n), MOAT_OK);
    snprintf(doc + len - 2, sizeof(doc) - (len - 2), ",{\"protected\":\"%s\",\"signature\":\"%s\"}]}",
             h64, s64);
    expect_json(strlen(doc), jwks, 2, 2, MOAT_ERR_JOSE_ALG_NOT_ALLOWED, 0);
}

static void test_json_unprotected_alg_rejected(void **state)
{
    size_t len, pre;
    char *p;
    (void)state;
    len = add_sig(0, 0, NULL);
    /* {"payload":..,"signatures":[{"protected":..,"header":{"alg":"x"},"signature":..}]} */
    p = strstr(doc, "\"signature\":");
    assert_non_null(p);
    pre = (size_t)(p - doc);
    memcpy(doc2, doc, pre);
    snprintf(doc2 + pre, sizeof(doc2) - pre, "\"header\":{\"alg\":\"x\"},%s", p);
    memcpy(doc, doc2, strlen(doc2) + 1);
    len = strlen(doc);
    expect_json(len, jwks, 1, 1, MOAT_ERR_JOSE_HEADER_INVALID, 0);
    /* an unprotected header repeating a protected name (kid) is rejected */
    memcpy(doc2, doc, pre);
    snprintf(doc2 + pre, sizeof(doc2) - pre, "\"header\":{\"kid\":\"%s\"},%s", jwks[1].kid,
             p + strlen("\"header\":{\"alg\":\"x\"},"));
    memcpy(doc, doc2, strlen(doc2) + 1);
    len = strlen(doc);
    expect_json(len, jwks, 2, 1, MOAT_ERR_JOSE_HEADER_INVALID, 0);
}

static void test_json_threshold_zero(void **state)
{
    size_t len;
    (void)state;
    len = add_sig(0, 0, NULL);
    expect_json(len, jwks, 1, 0, MOAT_ERR_INVALID_ARGUMENT, 0);
    expect_json(len, jwks, 1, 2, MOAT_ERR_INVALID_ARGUMENT, 0);
}

static void test_json_too_many_signatures(void **state)
{
    size_t len, i, n = 7;
    (void)state;
    len = add_sig(0, 0, NULL);
    for (i = 1; i < MOAT_JWS_JSON_MAX_SIGNATURES; i++) {
        len = add_sig(len, i % 3, NULL);
    }
    memset(doc2, 0xAA, sizeof(doc2));
    assert_int_equal(moat_jws_json_sign(doc, len, NULL, 0, &signers[0], NULL, work,
                                        sizeof(work), doc2, sizeof(doc2), &n),
                     MOAT_ERR_INPUT_TOO_LARGE);
    assert_int_equal(n, 0);
    assert_true(all_byte(doc2, sizeof(doc2), 0));
}

static void test_json_sign_result_too_large(void **state)
{
    static uint8_t big[MOAT_JWS_JSON_MAX_INPUT];
    size_t n = 7;
    (void)state;
    memset(big, 0x5a, sizeof(big));
    memset(doc, 0xAA, sizeof(doc));
    /* 64 KiB of payload encodes to more than a verifiable document */
    assert_int_equal(moat_jws_json_sign(NULL, 0, big, sizeof(big), &signers[0], NULL, NULL,
                                        0, doc, sizeof(doc), &n),
                     MOAT_ERR_INPUT_TOO_LARGE);
    assert_int_equal(n, 0);
    assert_true(all_byte(doc, sizeof(doc), 0));
}

static void test_json_not_general_serialization(void **state)
{
    static const char *bad[] = {
        "{\"payload\":\"AA\"}",
        "{\"payload\":\"AA\",\"signatures\":[]}",
        "{\"payload\":\"AA\",\"signatures\":{}}",
        "{\"payload\":\"AA\",\"signatures\":[1]}",
        "{\"payload\":\"AA\",\"signatures\":[{\"protected\":\"AA\"}]}",
        "{\"signatures\":[{\"protected\":\"AA\",\"signature\":\"AA\"}]}",
        "{\"payload\":\"AA\",\"protected\":\"AA\",\"signature\":\"AA\","
        "\"signatures\":[{\"protected\":\"AA\",\"signature\":\"AA\"}]}",
        "[]",
    };
    size_t i;
    (void)state;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        strcpy(doc, bad[i]);
        expect_json(strlen(doc), jwks, 1, 1, MOAT_ERR_JOSE_FORMAT, 0);
    }
}

static void test_json_workspace_too_small(void **state)
{
    size_t len, valid = 5, plen = 5;
    (void)state;
    len = add_sig(0, 0, NULL);
    assert_int_equal(moat_jws_json_verify(doc, len, jwks, 1, 1, NULL, work,
                                          MOAT_JWS_JSON_WORK_SIZE(len) - 1, payload,
                                          sizeof(payload), &plen, &valid),
                     MOAT_ERR_OUT_OF_MEMORY);
    assert_int_equal(plen, 0);
    assert_int_equal(valid, 0);
}

static void test_json_tampered_payload(void **state)
{
    size_t len;
    (void)state;
    len = add_sig(0, 0, NULL);
    len = add_sig(len, 1, NULL);
    doc[14] = (char)(doc[14] == 'A' ? 'B' : 'A'); /* inside "payload" */
    expect_json(len, jwks, 2, 1, MOAT_ERR_JOSE_THRESHOLD, 0);
}

/* ---------------------------------------------------------------- JWT */

static moat_err jwt(const char *claims, int64_t now, uint32_t skew, uint32_t flags)
{
    return moat_jwt_check_time((const uint8_t *)claims, strlen(claims), now, skew, flags,
                               work, sizeof(work));
}

static void test_jwt_exp(void **state)
{
    (void)state;
    assert_int_equal(jwt("{\"exp\":1000}", 999, 0, 0), MOAT_OK);
    assert_int_equal(jwt("{\"exp\":1000}", 1000, 0, 0), MOAT_ERR_JWT_EXPIRED);
    assert_int_equal(jwt("{\"exp\":1000}", 1059, 60, 0), MOAT_OK);
    assert_int_equal(jwt("{\"exp\":1000}", 1060, 60, 0), MOAT_ERR_JWT_EXPIRED);
}

static void test_jwt_nbf(void **state)
{
    (void)state;
    assert_int_equal(jwt("{\"nbf\":1000}", 1000, 0, 0), MOAT_OK);
    assert_int_equal(jwt("{\"nbf\":1000}", 999, 0, 0), MOAT_ERR_JWT_NOT_YET_VALID);
    assert_int_equal(jwt("{\"nbf\":1000}", 940, 60, 0), MOAT_OK);
    assert_int_equal(jwt("{\"nbf\":1000}", 939, 60, 0), MOAT_ERR_JWT_NOT_YET_VALID);
}

static void test_jwt_iat(void **state)
{
    (void)state;
    assert_int_equal(jwt("{\"iat\":1000}", 1000, 0, 0), MOAT_OK);
    assert_int_equal(jwt("{\"iat\":1000}", 999, 0, 0), MOAT_ERR_JWT_IAT_FUTURE);
    assert_int_equal(jwt("{\"iat\":1000}", 990, 10, 0), MOAT_OK);
    assert_int_equal(jwt("{\"iat\":1000}", 989, 10, 0), MOAT_ERR_JWT_IAT_FUTURE);
}

static void test_jwt_claim_malformed(void **state)
{
    (void)state;
    assert_int_equal(jwt("{\"exp\":1000.5}", 0, 0, 0), MOAT_ERR_JWT_CLAIM);
    assert_int_equal(jwt("{\"exp\":\"1000\"}", 0, 0, 0), MOAT_ERR_JWT_CLAIM);
    assert_int_equal(jwt("{\"nbf\":-1}", 0, 0, 0), MOAT_ERR_JWT_CLAIM);
    assert_int_equal(jwt("{\"iat\":null}", 0, 0, 0), MOAT_ERR_JWT_CLAIM);
    assert_int_equal(jwt("{\"exp\":1e300}", 0, 0, 0), MOAT_ERR_JWT_CLAIM);
    assert_int_equal(jwt("[1]", 0, 0, 0), MOAT_ERR_JWT_CLAIM);
    assert_int_equal(jwt("{}", 0, 0, MOAT_JWT_REQUIRE_EXP), MOAT_ERR_JWT_CLAIM);
    assert_int_equal(jwt("{\"exp\":5}", 0, 0, MOAT_JWT_REQUIRE_EXP | MOAT_JWT_REQUIRE_IAT),
                     MOAT_ERR_JWT_CLAIM);
    assert_int_equal(jwt("{\"exp\":5,\"exp\":6}", 0, 0, 0), MOAT_ERR_JSON_DUPLICATE_KEY);
}

static void test_jwt_skew_bound(void **state)
{
    (void)state;
    assert_int_equal(jwt("{\"exp\":1000}", 0, MOAT_JWT_MAX_SKEW, 0), MOAT_OK);
    assert_int_equal(jwt("{\"exp\":1000}", 0, MOAT_JWT_MAX_SKEW + 1, 0),
                     MOAT_ERR_INVALID_ARGUMENT);
}

static void test_jwt_extreme_now(void **state)
{
    (void)state;
    assert_int_equal(jwt("{\"exp\":9007199254740991}", INT64_MAX, 3600, 0),
                     MOAT_ERR_JWT_EXPIRED);
    assert_int_equal(jwt("{\"nbf\":0}", INT64_MIN, 3600, 0), MOAT_ERR_JWT_NOT_YET_VALID);
}

static void test_jwt_workspace_too_small(void **state)
{
    const char *c = "{\"exp\":1000}";
    (void)state;
    assert_int_equal(moat_jwt_check_time((const uint8_t *)c, strlen(c), 0, 0, 0, work,
                                         MOAT_JWT_WORK_SIZE(strlen(c)) - 1),
                     MOAT_ERR_OUT_OF_MEMORY);
}

static void test_size_functions(void **state)
{
    (void)state;
    assert_int_equal(moat_jws_compact_size(100), MOAT_JWS_COMPACT_SIZE(100));
    assert_int_equal(moat_jws_compact_size(SIZE_MAX), SIZE_MAX);
    assert_int_equal(moat_jws_json_work_size(4096), MOAT_JWS_JSON_WORK_SIZE(4096));
    assert_int_equal(moat_jwt_work_size(300), MOAT_JWT_WORK_SIZE(300));
    assert_string_equal(moat_jws_alg_for_curve(MOAT_CURVE_P384), "ES384");
    assert_null(moat_jws_alg_for_curve((moat_curve)9));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rfc7515_a3_es256_verifies),
        cmocka_unit_test(test_rfc7515_a3_tampered_payload),
        cmocka_unit_test(test_rfc7515_a3_private_jwk),
        cmocka_unit_test(test_jwk_emit_parse_roundtrip),
        cmocka_unit_test(test_jwk_emit_buffer_too_small),
        cmocka_unit_test(test_jwk_point_not_on_curve),
        cmocka_unit_test(test_jwk_missing_members),
        cmocka_unit_test(test_jwk_coordinate_wrong_length),
        cmocka_unit_test(test_jwk_private_member_d),
        cmocka_unit_test(test_jwk_unsupported_kty),
        cmocka_unit_test(test_jwk_alg_mismatch),
        cmocka_unit_test(test_jwk_kid_member_ignored),
        cmocka_unit_test(test_jwk_noncanonical_base64),
        cmocka_unit_test(test_jwk_duplicate_member),
        cmocka_unit_test(test_jwk_private_mismatch),
        cmocka_unit_test(test_compact_roundtrip_p256),
        cmocka_unit_test(test_compact_roundtrip_p384),
        cmocka_unit_test(test_compact_empty_payload_and_typ),
        cmocka_unit_test(test_compact_sign_buffer_too_small),
        cmocka_unit_test(test_compact_payload_buffer_too_small),
        cmocka_unit_test(test_compact_sign_mismatched_signer),
        cmocka_unit_test(test_compact_crit_understood_by_caller),
        cmocka_unit_test(test_compact_alg_none),
        cmocka_unit_test(test_compact_alg_hs256),
        cmocka_unit_test(test_compact_alg_es512),
        cmocka_unit_test(test_compact_alg_rs256_and_case),
        cmocka_unit_test(test_compact_alg_curve_mismatch),
        cmocka_unit_test(test_compact_key_of_another_curve),
        cmocka_unit_test(test_compact_unknown_crit),
        cmocka_unit_test(test_compact_crit_malformed),
        cmocka_unit_test(test_compact_b64_false),
        cmocka_unit_test(test_compact_header_invalid),
        cmocka_unit_test(test_compact_header_duplicate_alg),
        cmocka_unit_test(test_compact_header_too_large),
        cmocka_unit_test(test_compact_missing_segment),
        cmocka_unit_test(test_compact_extra_segment),
        cmocka_unit_test(test_compact_empty_signature),
        cmocka_unit_test(test_compact_wrong_signature_length),
        cmocka_unit_test(test_compact_sig_r_zero),
        cmocka_unit_test(test_compact_sig_s_zero),
        cmocka_unit_test(test_compact_sig_r_ge_n),
        cmocka_unit_test(test_compact_sig_s_ge_n),
        cmocka_unit_test(test_compact_wrong_key),
        cmocka_unit_test(test_compact_noncanonical_base64),
        cmocka_unit_test(test_compact_keyset_kid_unknown),
        cmocka_unit_test(test_compact_keyset_kid_of_other_key),
        cmocka_unit_test(test_json_roundtrip_2_of_3),
        cmocka_unit_test(test_json_roundtrip_p384_single),
        cmocka_unit_test(test_json_one_valid_of_two_required),
        cmocka_unit_test(test_json_duplicate_signatures_count_once),
        cmocka_unit_test(test_json_one_key_two_kids_counts_once),
        cmocka_unit_test(test_json_unknown_kids_ignored),
        cmocka_unit_test(test_json_bad_signature_not_counted),
        cmocka_unit_test(test_json_malformed_entry_rejects_doc),
        cmocka_unit_test(test_json_unprotected_alg_rejected),
        cmocka_unit_test(test_json_threshold_zero),
        cmocka_unit_test(test_json_too_many_signatures),
        cmocka_unit_test(test_json_sign_result_too_large),
        cmocka_unit_test(test_json_not_general_serialization),
        cmocka_unit_test(test_json_workspace_too_small),
        cmocka_unit_test(test_json_tampered_payload),
        cmocka_unit_test(test_jwt_exp),
        cmocka_unit_test(test_jwt_nbf),
        cmocka_unit_test(test_jwt_iat),
        cmocka_unit_test(test_jwt_claim_malformed),
        cmocka_unit_test(test_jwt_skew_bound),
        cmocka_unit_test(test_jwt_extreme_now),
        cmocka_unit_test(test_jwt_workspace_too_small),
        cmocka_unit_test(test_size_functions),
    };
    return cmocka_run_group_tests(tests, setup_keys, NULL);
}
