/**
 * @file ec.c
 * @brief P-256 / P-384 keys over BearSSL: generation (br_ec_keygen), public
 *        key derivation (br_ec_compute_pub), point validation, SPKI
 *        (RFC 5480) import/export, SEC1 (RFC 5915) and PKCS#8 (RFC 5958)
 *        import (br_skey_decoder) and export (br_encode_ec_*_der).
 */
#include <string.h>

#include "core/der.h"
#include "crypto/internal.h"
#include "moat/core.h"

/* RFC 5480 section 2.1.1 / 2.1.1.1 object identifiers (content octets). */
static const uint8_t OID_EC_PUBLIC_KEY[] = { 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01 };
static const uint8_t OID_P256[] = { 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07 };
static const uint8_t OID_P384[] = { 0x2B, 0x81, 0x04, 0x00, 0x22 };

size_t moat_curve_size(moat_curve curve)
{
    switch (curve) {
    case MOAT_CURVE_P256:
        return 32u;
    case MOAT_CURVE_P384:
        return 48u;
    default:
        return 0u;
    }
}

moat_hash_alg moat_curve_hash(moat_curve curve)
{
    return (curve == MOAT_CURVE_P384) ? MOAT_HASH_SHA384 : MOAT_HASH_SHA256;
}

int moat_crypto_br_curve(moat_curve curve)
{
    switch (curve) {
    case MOAT_CURVE_P256:
        return BR_EC_secp256r1;
    case MOAT_CURVE_P384:
        return BR_EC_secp384r1;
    default:
        return 0;
    }
}

const br_ec_impl *moat_crypto_ec_impl(void)
{
    return br_ec_get_default();
}

const uint8_t *moat_crypto_curve_order(moat_curve curve)
{
    const br_ec_impl *impl = moat_crypto_ec_impl();
    int id = moat_crypto_br_curve(curve);
    size_t len = 0u;
    const unsigned char *n;

    if (id == 0 || ((impl->supported_curves >> id) & 1u) == 0u) {
        return NULL;
    }
    n = impl->order(id, &len);
    if (len != moat_curve_size(curve)) {
        return NULL;
    }
    return n;
}

uint32_t moat_crypto_scalar_in_range(moat_curve curve, const uint8_t *v, size_t len)
{
    const uint8_t *n = moat_crypto_curve_order(curve);
    uint32_t borrow = 0u;
    uint32_t nz = 0u;
    size_t i;

    if (n == NULL || len != moat_curve_size(curve)) {
        return 0u;
    }
    /* v - n from the least significant byte; final borrow = (v < n). */
    for (i = len; i-- > 0u;) {
        uint32_t d = (uint32_t)v[i] - (uint32_t)n[i] - borrow;
        borrow = (d >> 31) & 1u;
        nz |= v[i];
    }
    nz = ((nz | (0u - nz)) >> 31) & 1u; /* 1 if v != 0 */
    return borrow & nz;
}

/* ------------------------------------------------------------- private */

void moat_ec_private_wipe(moat_ec_private_key *priv)
{
    if (priv != NULL) {
        moat_wipe(priv, sizeof(*priv));
    }
}

moat_err moat_ec_private_from_scalar(moat_curve curve, const uint8_t *d,
                                     size_t d_len, moat_ec_private_key *priv)
{
    size_t cs = moat_curve_size(curve);
    uint32_t in_range;

    if (priv == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    moat_ec_private_wipe(priv);
    if (d == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (cs == 0u) {
        return MOAT_ERR_UNSUPPORTED;
    }
    in_range = d_len == cs ? moat_crypto_scalar_in_range(curve, d, d_len) : 0u;
    MOAT_DECLASSIFY(&in_range, sizeof(in_range)); /* validity is reported */
    if (in_range == 0u) {
        return MOAT_ERR_CRYPTO_BAD_KEY;
    }
    priv->curve = curve;
    memcpy(priv->d, d, cs);
    return MOAT_OK;
}

/* Validate a private key structure handed in by a caller (internal.h). */
moat_err moat_crypto_check_private(const moat_ec_private_key *priv)
{
    size_t cs;
    uint32_t in_range;

    if (priv == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    cs = moat_curve_size(priv->curve);
    if (cs == 0u) {
        return MOAT_ERR_UNSUPPORTED;
    }
    in_range = moat_crypto_scalar_in_range(priv->curve, priv->d, cs);
    MOAT_DECLASSIFY(&in_range, sizeof(in_range)); /* validity is reported */
    if (in_range == 0u) {
        return MOAT_ERR_CRYPTO_BAD_KEY;
    }
    return MOAT_OK;
}

moat_err moat_ec_generate(moat_curve curve, moat_rng_fn rng, void *rng_ctx,
                          moat_ec_private_key *priv)
{
    moat_crypto_prng prng;
    br_ec_private_key sk;
    uint8_t kbuf[BR_EC_KBUF_PRIV_MAX_SIZE];
    size_t cs = moat_curve_size(curve);
    size_t got;
    moat_err err = MOAT_OK;

    if (priv == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    moat_ec_private_wipe(priv);
    if (rng == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (cs == 0u || moat_crypto_curve_order(curve) == NULL) {
        return MOAT_ERR_UNSUPPORTED;
    }
    moat_crypto_prng_init(&prng, rng, rng_ctx);
    got = br_ec_keygen(&prng.vtable, moat_crypto_ec_impl(), &sk, kbuf,
                       moat_crypto_br_curve(curve));
    if (prng.err != MOAT_OK) {
        err = MOAT_ERR_CRYPTO_RNG_FAILED; /* fail closed */
    } else {
        uint32_t in_range = got == cs ? moat_crypto_scalar_in_range(curve, kbuf, cs) : 0u;
        MOAT_DECLASSIFY(&in_range, sizeof(in_range)); /* a failed keygen is reported */
        if (in_range == 0u) {
            err = MOAT_ERR_INTERNAL;
        } else {
            priv->curve = curve;
            memcpy(priv->d, kbuf, cs);
        }
    }
    moat_wipe(kbuf, sizeof(kbuf));
    moat_wipe(&sk, sizeof(sk));
    moat_wipe(&prng, sizeof(prng));
    return err;
}

/* -------------------------------------------------------------- public */

moat_err moat_ec_public_from_private(const moat_ec_private_key *priv,
                                     moat_ec_public_key *pub)
{
    br_ec_private_key sk;
    br_ec_public_key pk;
    uint8_t kbuf[BR_EC_KBUF_PUB_MAX_SIZE];
    uint8_t d[MOAT_EC_PRIV_MAX];
    size_t cs;
    size_t got;
    moat_err err;

    if (pub == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    memset(pub, 0, sizeof(*pub));
    err = moat_crypto_check_private(priv);
    if (err != MOAT_OK) {
        return err;
    }
    cs = moat_curve_size(priv->curve);
    memcpy(d, priv->d, cs);
    sk.curve = moat_crypto_br_curve(priv->curve);
    sk.x = d;
    sk.xlen = cs;
    got = br_ec_compute_pub(moat_crypto_ec_impl(), &pk, kbuf, &sk);
    if (got != 1u + 2u * cs || kbuf[0] != 0x04u) {
        err = MOAT_ERR_INTERNAL;
    } else {
        pub->curve = priv->curve;
        memcpy(pub->q, kbuf, got);
        pub->q_len = got;
        MOAT_DECLASSIFY(pub->q, got); /* a public key is published (like a signature) */
    }
    moat_wipe(d, sizeof(d));
    moat_wipe(&sk, sizeof(sk));
    return err;
}

moat_err moat_ec_public_from_point(moat_curve curve, const uint8_t *point,
                                   size_t len, moat_ec_public_key *pub)
{
    static const uint8_t one[1] = { 1u };
    uint8_t tmp[MOAT_EC_PUB_MAX];
    size_t cs = moat_curve_size(curve);
    const br_ec_impl *impl = moat_crypto_ec_impl();

    if (pub == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    memset(pub, 0, sizeof(*pub));
    if (point == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (cs == 0u || moat_crypto_curve_order(curve) == NULL) {
        return MOAT_ERR_UNSUPPORTED;
    }
    /* SEC1 2.3.4: only the uncompressed form 0x04||X||Y. The infinity
     * encoding (a single 0x00) and compressed forms (0x02/0x03) are refused. */
    if (len != 1u + 2u * cs || point[0] != 0x04u) {
        return MOAT_ERR_CRYPTO_POINT_ENCODING;
    }
    /* BearSSL's mul() decodes the point and checks that the coordinates are
     * below p and satisfy the curve equation; it returns 0 otherwise. The
     * prime-order curves have cofactor 1, so on-curve means in-subgroup. */
    memcpy(tmp, point, len);
    if (impl->mul(tmp, len, one, sizeof(one), moat_crypto_br_curve(curve)) != 1u) {
        return MOAT_ERR_CRYPTO_POINT_NOT_ON_CURVE;
    }
    pub->curve = curve;
    memcpy(pub->q, point, len);
    pub->q_len = len;
    return MOAT_OK;
}

moat_err moat_ec_public_from_xy(moat_curve curve, const uint8_t *x, size_t x_len,
                                const uint8_t *y, size_t y_len,
                                moat_ec_public_key *pub)
{
    uint8_t pt[MOAT_EC_PUB_MAX];
    size_t cs = moat_curve_size(curve);

    if (pub == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    memset(pub, 0, sizeof(*pub));
    if (x == NULL || y == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (cs == 0u) {
        return MOAT_ERR_UNSUPPORTED;
    }
    if (x_len != cs || y_len != cs) {
        return MOAT_ERR_CRYPTO_POINT_ENCODING;
    }
    pt[0] = 0x04u;
    memcpy(pt + 1, x, cs);
    memcpy(pt + 1 + cs, y, cs);
    return moat_ec_public_from_point(curve, pt, 1u + 2u * cs, pub);
}

static bool oid_eq(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
    return alen == blen && memcmp(a, b, alen) == 0;
}

moat_err moat_ec_public_from_spki(const uint8_t *der, size_t len,
                                  moat_ec_public_key *pub)
{
    moat_der_reader top;
    moat_der_reader spki;
    moat_der_reader alg;
    const uint8_t *oid = NULL;
    size_t oid_len = 0u;
    const uint8_t *bits = NULL;
    size_t bits_len = 0u;
    uint8_t tag = 0u;
    moat_curve curve;

    if (pub == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    memset(pub, 0, sizeof(*pub));
    if (der == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    /* RFC 5280 4.1 / RFC 5480 2:
     * SubjectPublicKeyInfo ::= SEQUENCE { algorithm AlgorithmIdentifier,
     *                                     subjectPublicKey BIT STRING }
     * AlgorithmIdentifier ::= SEQUENCE { id-ecPublicKey, namedCurve OID } */
    moat_der_reader_init(&top, der, len);
    if (moat_der_enter(&top, MOAT_DER_TAG_SEQUENCE, &spki) != MOAT_OK ||
        moat_der_finish(&top) != MOAT_OK ||
        moat_der_enter(&spki, MOAT_DER_TAG_SEQUENCE, &alg) != MOAT_OK ||
        moat_der_read_oid(&alg, &oid, &oid_len) != MOAT_OK) {
        return MOAT_ERR_CRYPTO_KEY_ENCODING;
    }
    if (!oid_eq(oid, oid_len, OID_EC_PUBLIC_KEY, sizeof(OID_EC_PUBLIC_KEY))) {
        return MOAT_ERR_UNSUPPORTED; /* not an EC key */
    }
    if (moat_der_peek_tag(&alg, &tag) != MOAT_OK) {
        return MOAT_ERR_CRYPTO_KEY_ENCODING; /* parameters are required */
    }
    if (tag != MOAT_DER_TAG_OID) {
        /* specifiedCurve / implicitCurve: RFC 5480 2.1.1 forbids them. */
        return MOAT_ERR_UNSUPPORTED;
    }
    if (moat_der_read_oid(&alg, &oid, &oid_len) != MOAT_OK ||
        moat_der_finish(&alg) != MOAT_OK ||
        moat_der_read_bit_string_octets(&spki, &bits, &bits_len) != MOAT_OK ||
        moat_der_finish(&spki) != MOAT_OK) {
        return MOAT_ERR_CRYPTO_KEY_ENCODING;
    }
    if (oid_eq(oid, oid_len, OID_P256, sizeof(OID_P256))) {
        curve = MOAT_CURVE_P256;
    } else if (oid_eq(oid, oid_len, OID_P384, sizeof(OID_P384))) {
        curve = MOAT_CURVE_P384;
    } else {
        return MOAT_ERR_UNSUPPORTED;
    }
    return moat_ec_public_from_point(curve, bits, bits_len, pub);
}

/* Check a public key structure handed in by a caller (cheap form check;
 * keys built by this module were validated on the curve at import). */
moat_err moat_crypto_check_public(const moat_ec_public_key *pub)
{
    size_t cs;

    if (pub == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    cs = moat_curve_size(pub->curve);
    if (cs == 0u) {
        return MOAT_ERR_UNSUPPORTED;
    }
    if (pub->q_len != 1u + 2u * cs || pub->q[0] != 0x04u) {
        return MOAT_ERR_CRYPTO_POINT_ENCODING;
    }
    return MOAT_OK;
}

moat_err moat_ec_public_to_spki(const moat_ec_public_key *pub, uint8_t *out,
                                size_t out_cap, size_t *out_len)
{
    moat_der_writer w;
    size_t outer;
    size_t alg;
    moat_err err;

    if (out_len == NULL || (out == NULL && out_cap != 0u)) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    *out_len = 0u;
    err = moat_crypto_check_public(pub);
    if (err != MOAT_OK) {
        moat_wipe(out, out_cap);
        return err;
    }
    moat_der_writer_init(&w, out, out_cap);
    outer = moat_der_mark(&w);
    moat_der_put_bit_string(&w, pub->q, pub->q_len);
    alg = moat_der_mark(&w);
    if (pub->curve == MOAT_CURVE_P256) {
        moat_der_put_oid(&w, OID_P256, sizeof(OID_P256));
    } else {
        moat_der_put_oid(&w, OID_P384, sizeof(OID_P384));
    }
    moat_der_put_oid(&w, OID_EC_PUBLIC_KEY, sizeof(OID_EC_PUBLIC_KEY));
    moat_der_put_constructed(&w, MOAT_DER_TAG_SEQUENCE, alg);
    moat_der_put_constructed(&w, MOAT_DER_TAG_SEQUENCE, outer);
    return moat_der_writer_finish(&w, out_len);
}

/* ------------------------------------------------------- private DER */

/* Strict DER walk of an RFC 5915 ECPrivateKey; when it carries the optional
 * publicKey [1], return its point in *pub_bits (else NULL). */
static moat_err sec1_structure(const uint8_t *der, size_t len,
                               const uint8_t **pub_bits, size_t *pub_len)
{
    moat_der_reader top, seq, ctx;
    const uint8_t *v;
    size_t vlen;
    uint8_t tag = 0;
    moat_err err;

    *pub_bits = NULL;
    *pub_len = 0u;
    moat_der_reader_init(&top, der, len);
    err = moat_der_enter(&top, MOAT_DER_TAG_SEQUENCE, &seq);
    if (err == MOAT_OK) {
        err = moat_der_finish(&top);
    }
    if (err == MOAT_OK) { /* version 1 */
        err = moat_der_expect(&seq, MOAT_DER_TAG_INTEGER, &v, &vlen);
        if (err == MOAT_OK && (vlen != 1u || v[0] != 1u)) {
            err = MOAT_ERR_CRYPTO_KEY_ENCODING;
        }
    }
    if (err == MOAT_OK) { /* privateKey */
        err = moat_der_expect(&seq, MOAT_DER_TAG_OCTET_STRING, &v, &vlen);
    }
    if (err == MOAT_OK && moat_der_peek_tag(&seq, &tag) == MOAT_OK &&
        tag == MOAT_DER_TAG_CTX_CONS(0)) { /* parameters */
        err = moat_der_read_tlv(&seq, &tag, &v, &vlen);
    }
    if (err == MOAT_OK && moat_der_peek_tag(&seq, &tag) == MOAT_OK &&
        tag == MOAT_DER_TAG_CTX_CONS(1)) { /* publicKey */
        err = moat_der_enter(&seq, MOAT_DER_TAG_CTX_CONS(1), &ctx);
        if (err == MOAT_OK) {
            err = moat_der_read_bit_string_octets(&ctx, pub_bits, pub_len);
        }
        if (err == MOAT_OK) {
            err = moat_der_finish(&ctx);
        }
    }
    if (err == MOAT_OK) {
        err = moat_der_finish(&seq);
    }
    return err == MOAT_OK ? MOAT_OK : MOAT_ERR_CRYPTO_KEY_ENCODING;
}

/* Strict DER walk of a key file, SEC1 or PKCS#8 (RFC 5958 OneAsymmetricKey:
 * the ECPrivateKey sits in the privateKey OCTET STRING; a v2 publicKey [1]
 * may follow the optional attributes [0]). BearSSL's decoder, which extracts
 * the scalar, accepts some non-DER encodings and ignores the embedded public
 * key: this pass rejects the former and returns the latter for checking. */
static moat_err private_der_structure(const uint8_t *der, size_t len,
                                      const uint8_t **pub_bits, size_t *pub_len)
{
    moat_der_reader top, seq;
    const uint8_t *v, *inner;
    size_t vlen, inner_len;
    uint8_t tag = 0;
    moat_err err;

    moat_der_reader_init(&top, der, len);
    err = moat_der_enter(&top, MOAT_DER_TAG_SEQUENCE, &seq);
    if (err == MOAT_OK) {
        err = moat_der_expect(&seq, MOAT_DER_TAG_INTEGER, &v, &vlen);
    }
    if (err != MOAT_OK) {
        return MOAT_ERR_CRYPTO_KEY_ENCODING;
    }
    if (vlen == 1u && v[0] == 1u) {
        return sec1_structure(der, len, pub_bits, pub_len);
    }
    if (vlen != 1u || v[0] > 1u) { /* PKCS#8 v1 (0) or v2 (1 is SEC1 above) */
        return MOAT_ERR_CRYPTO_KEY_ENCODING;
    }
    err = moat_der_expect(&seq, MOAT_DER_TAG_SEQUENCE, &v, &vlen); /* algorithm */
    if (err == MOAT_OK) {
        err = moat_der_expect(&seq, MOAT_DER_TAG_OCTET_STRING, &inner, &inner_len);
    }
    if (err == MOAT_OK && moat_der_peek_tag(&seq, &tag) == MOAT_OK &&
        tag == MOAT_DER_TAG_CTX_CONS(0)) { /* attributes */
        err = moat_der_read_tlv(&seq, &tag, &v, &vlen);
    }
    if (err == MOAT_OK) {
        err = moat_der_finish(&seq);
    }
    if (err == MOAT_OK) {
        err = moat_der_finish(&top);
    }
    if (err != MOAT_OK) {
        return MOAT_ERR_CRYPTO_KEY_ENCODING;
    }
    return sec1_structure(inner, inner_len, pub_bits, pub_len);
}

moat_err moat_ec_private_from_der(const uint8_t *der, size_t len,
                                  moat_ec_private_key *priv)
{
    br_skey_decoder_context dc;
    const br_ec_private_key *sk;
    uint8_t d[MOAT_EC_PRIV_MAX];
    const uint8_t *pub_bits = NULL;
    size_t pub_len = 0u;
    moat_curve curve;
    size_t cs;
    moat_err err;

    if (priv == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    moat_ec_private_wipe(priv);
    if (der == NULL || len == 0u) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    err = private_der_structure(der, len, &pub_bits, &pub_len);
    if (err != MOAT_OK) {
        return err;
    }
    br_skey_decoder_init(&dc);
    br_skey_decoder_push(&dc, der, len);
    if (br_skey_decoder_last_error(&dc) != 0 ||
        br_skey_decoder_key_type(&dc) != BR_KEYTYPE_EC) {
        moat_wipe(&dc, sizeof(dc));
        return MOAT_ERR_CRYPTO_KEY_ENCODING;
    }
    sk = br_skey_decoder_get_ec(&dc);
    if (sk->curve == BR_EC_secp256r1) {
        curve = MOAT_CURVE_P256;
    } else if (sk->curve == BR_EC_secp384r1) {
        curve = MOAT_CURVE_P384;
    } else {
        moat_wipe(&dc, sizeof(dc));
        return MOAT_ERR_UNSUPPORTED;
    }
    cs = moat_curve_size(curve);
    if (sk->xlen == 0u || sk->xlen > cs) {
        moat_wipe(&dc, sizeof(dc));
        return MOAT_ERR_CRYPTO_BAD_KEY;
    }
    /* RFC 5915: privateKey is ceiling(log2(n)/8) octets; left-pad shorter
     * encodings produced by lax encoders. */
    memset(d, 0, sizeof(d));
    memcpy(d + (cs - sk->xlen), sk->x, sk->xlen);
    moat_wipe(&dc, sizeof(dc));
    err = moat_ec_private_from_scalar(curve, d, cs, priv);
    moat_wipe(d, sizeof(d));
    if (err == MOAT_OK && pub_bits != NULL) {
        /* The embedded public key must be the one d gives. */
        moat_ec_public_key derived;
        err = moat_ec_public_from_private(priv, &derived);
        if (err == MOAT_OK &&
            (pub_len != derived.q_len || memcmp(pub_bits, derived.q, pub_len) != 0)) {
            err = MOAT_ERR_CRYPTO_KEY_ENCODING;
        }
        if (err != MOAT_OK) {
            moat_ec_private_wipe(priv);
        }
    }
    return err;
}

moat_err moat_ec_private_to_der(const moat_ec_private_key *priv,
                                moat_key_format fmt, uint8_t *out,
                                size_t out_cap, size_t *out_len)
{
    moat_ec_public_key pub;
    br_ec_private_key sk;
    br_ec_public_key pk;
    uint8_t d[MOAT_EC_PRIV_MAX];
    size_t need;
    size_t cs;
    moat_err err;

    if (out_len == NULL || (out == NULL && out_cap != 0u)) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    *out_len = 0u;
    if (fmt != MOAT_KEY_SEC1 && fmt != MOAT_KEY_PKCS8) {
        moat_wipe(out, out_cap);
        return MOAT_ERR_UNSUPPORTED;
    }
    err = moat_ec_public_from_private(priv, &pub);
    if (err != MOAT_OK) {
        moat_wipe(out, out_cap);
        return err;
    }
    cs = moat_curve_size(priv->curve);
    memcpy(d, priv->d, cs);
    sk.curve = moat_crypto_br_curve(priv->curve);
    sk.x = d;
    sk.xlen = cs;
    pk.curve = sk.curve;
    pk.q = pub.q;
    pk.qlen = pub.q_len;
    need = (fmt == MOAT_KEY_SEC1) ? br_encode_ec_raw_der(NULL, &sk, &pk)
                                  : br_encode_ec_pkcs8_der(NULL, &sk, &pk);
    if (need == 0u) {
        err = MOAT_ERR_INTERNAL;
    } else if (need > out_cap) {
        *out_len = need;
        err = MOAT_ERR_BUFFER_TOO_SMALL;
    } else {
        size_t got = (fmt == MOAT_KEY_SEC1) ? br_encode_ec_raw_der(out, &sk, &pk)
                                            : br_encode_ec_pkcs8_der(out, &sk, &pk);
        if (got != need) {
            err = MOAT_ERR_INTERNAL;
        } else {
            *out_len = got;
        }
    }
    if (err != MOAT_OK) {
        moat_wipe(out, out_cap);
    }
    moat_wipe(d, sizeof(d));
    moat_wipe(&sk, sizeof(sk));
    return err;
}
