/**
 * @file ecdsa.c
 * @brief ECDSA (FIPS 186-4 section 6) over BearSSL's br_ecdsa_i31_*, with
 *        strict signature decoding that BearSSL 0.6 lacks:
 *        - DER: exactly SEQUENCE { INTEGER r, INTEGER s } (X.690 10.1 minimal
 *          lengths, 8.3.2 minimal non-negative integers), nothing trailing;
 *        - raw (IEEE P1363 / RFC 7518 3.4): exactly 2 * coordinate bytes;
 *        - r, s in [1, n-1] (FIPS 186-4 6.4.2 step 1), compared against the
 *          curve order in constant time.
 *        Signing is deterministic (RFC 6979, inside BearSSL).
 */
#include <string.h>

#include "core/der.h"
#include "crypto/internal.h"
#include "moat/core.h"

/* Range check of a raw r||s of exactly 2*cs bytes. */
static moat_err raw_check(moat_curve curve, const uint8_t *raw, size_t raw_len)
{
    size_t cs = moat_curve_size(curve);

    if (cs == 0u || moat_crypto_curve_order(curve) == NULL) {
        return MOAT_ERR_UNSUPPORTED;
    }
    if (raw == NULL || raw_len != 2u * cs) {
        return MOAT_ERR_CRYPTO_SIG_ENCODING;
    }
    if ((moat_crypto_scalar_in_range(curve, raw, cs) &
         moat_crypto_scalar_in_range(curve, raw + cs, cs)) == 0u) {
        return MOAT_ERR_CRYPTO_SIG_RANGE;
    }
    return MOAT_OK;
}

/* Strict DER -> fixed-width raw (2*cs bytes written to raw). */
static moat_err der_decode(moat_curve curve, const uint8_t *der, size_t der_len,
                           uint8_t *raw)
{
    moat_der_reader top;
    moat_der_reader seq;
    const uint8_t *mag[2] = { NULL, NULL };
    size_t mag_len[2] = { 0u, 0u };
    size_t cs = moat_curve_size(curve);
    size_t i;

    if (der == NULL) {
        return MOAT_ERR_CRYPTO_SIG_ENCODING;
    }
    moat_der_reader_init(&top, der, der_len);
    if (moat_der_enter(&top, MOAT_DER_TAG_SEQUENCE, &seq) != MOAT_OK ||
        moat_der_finish(&top) != MOAT_OK ||
        moat_der_read_uint(&seq, &mag[0], &mag_len[0]) != MOAT_OK ||
        moat_der_read_uint(&seq, &mag[1], &mag_len[1]) != MOAT_OK ||
        moat_der_finish(&seq) != MOAT_OK) {
        return MOAT_ERR_CRYPTO_SIG_ENCODING;
    }
    for (i = 0; i < 2u; i++) {
        if (mag_len[i] > cs) {
            return MOAT_ERR_CRYPTO_SIG_RANGE; /* >= 2^(8cs) > n */
        }
        memset(raw + i * cs, 0, cs - mag_len[i]);
        if (mag_len[i] != 0u) {
            memcpy(raw + i * cs + (cs - mag_len[i]), mag[i], mag_len[i]);
        }
    }
    return raw_check(curve, raw, 2u * cs);
}

moat_err moat_ecdsa_der_to_raw(moat_curve curve, const uint8_t *der, size_t der_len,
                               uint8_t *raw, size_t raw_cap, size_t *raw_len)
{
    uint8_t tmp[MOAT_ECDSA_RAW_MAX];
    size_t cs = moat_curve_size(curve);
    moat_err err;

    if (raw_len == NULL || (raw == NULL && raw_cap != 0u)) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    *raw_len = 0u;
    if (cs == 0u) {
        moat_wipe(raw, raw_cap);
        return MOAT_ERR_UNSUPPORTED;
    }
    err = der_decode(curve, der, der_len, tmp);
    if (err == MOAT_OK && raw_cap < 2u * cs) {
        *raw_len = 2u * cs;
        err = MOAT_ERR_BUFFER_TOO_SMALL;
    }
    if (err != MOAT_OK) {
        moat_wipe(raw, raw_cap);
        return err;
    }
    memcpy(raw, tmp, 2u * cs);
    *raw_len = 2u * cs;
    return MOAT_OK;
}

moat_err moat_ecdsa_raw_to_der(moat_curve curve, const uint8_t *raw, size_t raw_len,
                               uint8_t *der, size_t der_cap, size_t *der_len)
{
    moat_der_writer w;
    size_t cs = moat_curve_size(curve);
    size_t mark;
    moat_err err;

    if (der_len == NULL || (der == NULL && der_cap != 0u)) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    *der_len = 0u;
    err = raw_check(curve, raw, raw_len);
    if (err != MOAT_OK) {
        moat_wipe(der, der_cap);
        return err;
    }
    /* Ecdsa-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER } (RFC 3279 2.2.3) */
    moat_der_writer_init(&w, der, der_cap);
    mark = moat_der_mark(&w);
    moat_der_put_uint(&w, raw + cs, cs);
    moat_der_put_uint(&w, raw, cs);
    moat_der_put_constructed(&w, MOAT_DER_TAG_SEQUENCE, mark);
    return moat_der_writer_finish(&w, der_len);
}

/* --------------------------------------------------------------- sign */

moat_err moat_crypto_ecdsa_sign_raw(const moat_ec_private_key *priv,
                                    moat_hash_alg hash_alg, const uint8_t *hash,
                                    size_t hash_len, uint8_t *sig_raw)
{
    const br_hash_class *hf = moat_crypto_hash_vtable(hash_alg);
    br_ec_private_key sk;
    uint8_t d[MOAT_EC_PRIV_MAX];
    uint8_t h[MOAT_HASH_MAX_SIZE];
    size_t cs;
    size_t got;
    moat_err err = MOAT_OK;

    if (priv == NULL || hash == NULL || sig_raw == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    cs = moat_curve_size(priv->curve);
    if (cs == 0u || hf == NULL || moat_crypto_curve_order(priv->curve) == NULL) {
        return MOAT_ERR_UNSUPPORTED;
    }
    /* BearSSL takes the digest length from hf (also the RFC 6979 HMAC). */
    if (hash_len != moat_hash_size(hash_alg)) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    err = moat_crypto_check_private(priv);
    if (err != MOAT_OK) {
        return err;
    }
    memcpy(d, priv->d, cs);
    memcpy(h, hash, hash_len);
    sk.curve = moat_crypto_br_curve(priv->curve);
    sk.x = d;
    sk.xlen = cs;
    got = br_ecdsa_i31_sign_raw(moat_crypto_ec_impl(), hf, h, &sk, sig_raw);
    /* The signature is the public output. */
    MOAT_DECLASSIFY(&got, sizeof(got));
    MOAT_DECLASSIFY(sig_raw, 2u * cs);
    if (got != 2u * cs || raw_check(priv->curve, sig_raw, got) != MOAT_OK) {
        moat_wipe(sig_raw, 2u * cs);
        err = MOAT_ERR_INTERNAL;
    }
    moat_wipe(d, sizeof(d));
    moat_wipe(&sk, sizeof(sk));
    moat_wipe(h, sizeof(h));
    return err;
}

/* Shared by moat_ecdsa_sign_digest() and moat_signer_sign(): raw -> output. */
moat_err moat_crypto_ecdsa_output(moat_curve curve, const uint8_t *raw,
                                  moat_sig_format fmt, uint8_t *sig,
                                  size_t sig_cap, size_t *sig_len)
{
    size_t cs = moat_curve_size(curve);

    if (fmt == MOAT_SIG_DER) {
        return moat_ecdsa_raw_to_der(curve, raw, 2u * cs, sig, sig_cap, sig_len);
    }
    if (fmt != MOAT_SIG_RAW) {
        moat_wipe(sig, sig_cap);
        return MOAT_ERR_UNSUPPORTED;
    }
    if (sig_cap < 2u * cs) {
        moat_wipe(sig, sig_cap);
        *sig_len = 2u * cs;
        return MOAT_ERR_BUFFER_TOO_SMALL;
    }
    memcpy(sig, raw, 2u * cs);
    *sig_len = 2u * cs;
    return MOAT_OK;
}

moat_err moat_ecdsa_sign_digest(const moat_ec_private_key *priv,
                                moat_hash_alg hash_alg, const uint8_t *hash,
                                size_t hash_len, moat_sig_format fmt,
                                uint8_t *sig, size_t sig_cap, size_t *sig_len)
{
    uint8_t raw[MOAT_ECDSA_RAW_MAX];
    moat_err err;

    if (sig_len == NULL || (sig == NULL && sig_cap != 0u)) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    *sig_len = 0u;
    if (fmt != MOAT_SIG_RAW && fmt != MOAT_SIG_DER) {
        moat_wipe(sig, sig_cap);
        return MOAT_ERR_UNSUPPORTED;
    }
    err = moat_crypto_ecdsa_sign_raw(priv, hash_alg, hash, hash_len, raw);
    if (err != MOAT_OK) {
        moat_wipe(sig, sig_cap);
        return err;
    }
    err = moat_crypto_ecdsa_output(priv->curve, raw, fmt, sig, sig_cap, sig_len);
    moat_wipe(raw, sizeof(raw));
    return err;
}

moat_err moat_ecdsa_sign(const moat_ec_private_key *priv, moat_hash_alg hash_alg,
                         const void *msg, size_t msg_len, moat_sig_format fmt,
                         uint8_t *sig, size_t sig_cap, size_t *sig_len)
{
    uint8_t h[MOAT_HASH_MAX_SIZE];
    moat_err err;

    if (sig_len == NULL || (sig == NULL && sig_cap != 0u)) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    *sig_len = 0u;
    err = moat_hash(hash_alg, msg, msg_len, h);
    if (err != MOAT_OK) {
        moat_wipe(sig, sig_cap);
        return err;
    }
    err = moat_ecdsa_sign_digest(priv, hash_alg, h, moat_hash_size(hash_alg), fmt,
                                 sig, sig_cap, sig_len);
    moat_wipe(h, sizeof(h));
    return err;
}

/* ------------------------------------------------------------- verify */

moat_err moat_ecdsa_verify_digest(const moat_ec_public_key *pub,
                                  const uint8_t *hash, size_t hash_len,
                                  moat_sig_format fmt, const uint8_t *sig,
                                  size_t sig_len)
{
    uint8_t raw[MOAT_ECDSA_RAW_MAX];
    uint8_t q[MOAT_EC_PUB_MAX];
    br_ec_public_key pk;
    size_t cs;
    moat_err err;

    if (pub == NULL || hash == NULL || (sig == NULL && sig_len != 0u)) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    cs = moat_curve_size(pub->curve);
    if (cs == 0u || moat_crypto_curve_order(pub->curve) == NULL) {
        return MOAT_ERR_UNSUPPORTED;
    }
    if (hash_len == 0u || hash_len > MOAT_HASH_MAX_SIZE) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (pub->q_len != 1u + 2u * cs || pub->q[0] != 0x04u) {
        return MOAT_ERR_CRYPTO_POINT_ENCODING;
    }
    if (fmt == MOAT_SIG_DER) {
        err = der_decode(pub->curve, sig, sig_len, raw);
    } else if (fmt == MOAT_SIG_RAW) {
        err = raw_check(pub->curve, sig, sig_len);
        if (err == MOAT_OK) {
            memcpy(raw, sig, 2u * cs);
        }
    } else {
        err = MOAT_ERR_UNSUPPORTED;
    }
    if (err != MOAT_OK) {
        return err;
    }
    /* Security decision: the signature is accepted only here. */
    memcpy(q, pub->q, pub->q_len);
    pk.curve = moat_crypto_br_curve(pub->curve);
    pk.q = q;
    pk.qlen = pub->q_len;
    if (br_ecdsa_i31_vrfy_raw(moat_crypto_ec_impl(), hash, hash_len, &pk, raw,
                              2u * cs) != 1u) {
        return MOAT_ERR_CRYPTO_SIG_INVALID;
    }
    return MOAT_OK;
}

moat_err moat_ecdsa_verify(const moat_ec_public_key *pub, moat_hash_alg hash_alg,
                           const void *msg, size_t msg_len, moat_sig_format fmt,
                           const uint8_t *sig, size_t sig_len)
{
    uint8_t h[MOAT_HASH_MAX_SIZE];
    moat_err err;

    /* SHA-1 exists for key identifiers only, never for signatures. */
    if (moat_crypto_hash_vtable(hash_alg) == NULL) {
        return MOAT_ERR_UNSUPPORTED;
    }
    err = moat_hash(hash_alg, msg, msg_len, h);
    if (err != MOAT_OK) {
        return err;
    }
    return moat_ecdsa_verify_digest(pub, h, moat_hash_size(hash_alg), fmt, sig,
                                    sig_len);
}
