/**
 * @file ecdh.c
 * @brief ECDH over P-256/P-384 (SEC1 3.3.1, the shared secret is the X
 *        coordinate) and X25519 (RFC 7748 section 5) over BearSSL's
 *        br_ec_impl->mul, with the checks BearSSL 0.6 leaves to callers:
 *        curve agreement, peer point re-validation, and the all-zero X25519
 *        output (RFC 7748 section 6.1) refused.
 */
#include <string.h>

#include "crypto/internal.h"
#include "moat/core.h"

moat_err moat_ecdh(const moat_ec_private_key *priv, const moat_ec_public_key *peer,
                   uint8_t *out, size_t out_cap, size_t *out_len)
{
    const br_ec_impl *impl = moat_crypto_ec_impl();
    uint8_t pt[MOAT_EC_PUB_MAX];
    uint8_t d[MOAT_EC_PRIV_MAX];
    size_t cs;
    size_t xlen = 0u;
    size_t xoff;
    moat_err err = MOAT_OK;

    if (out_len == NULL || (out == NULL && out_cap != 0u)) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    *out_len = 0u;
    if (priv == NULL || peer == NULL) {
        moat_wipe(out, out_cap);
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    cs = moat_curve_size(priv->curve);
    if (cs == 0u || moat_crypto_curve_order(priv->curve) == NULL) {
        moat_wipe(out, out_cap);
        return MOAT_ERR_UNSUPPORTED;
    }
    if (peer->curve != priv->curve) {
        moat_wipe(out, out_cap);
        return MOAT_ERR_CRYPTO_CURVE_MISMATCH;
    }
    err = moat_crypto_check_public(peer);
    if (err == MOAT_OK) {
        err = moat_crypto_check_private(priv);
    }
    if (err != MOAT_OK) {
        moat_wipe(out, out_cap);
        return err;
    }
    if (out_cap < cs) {
        moat_wipe(out, out_cap);
        *out_len = cs;
        return MOAT_ERR_BUFFER_TOO_SMALL;
    }
    memcpy(pt, peer->q, peer->q_len);
    memcpy(d, priv->d, cs);
    /* mul() re-validates the peer point (on the curve) and returns 0 if not. */
    if (impl->mul(pt, peer->q_len, d, cs, moat_crypto_br_curve(priv->curve)) != 1u) {
        err = MOAT_ERR_CRYPTO_POINT_NOT_ON_CURVE;
    } else {
        xoff = impl->xoff(moat_crypto_br_curve(priv->curve), &xlen);
        if (xlen != cs) {
            err = MOAT_ERR_INTERNAL;
        } else {
            memcpy(out, pt + xoff, cs);
            *out_len = cs;
        }
    }
    if (err != MOAT_OK) {
        moat_wipe(out, out_cap);
    }
    moat_wipe(pt, sizeof(pt));
    moat_wipe(d, sizeof(d));
    return err;
}

/* RFC 7748 section 5: for Curve25519, BearSSL's mul() takes the
 * u-coordinate and the scalar as 32 little-endian bytes each (the RFC's
 * encodings, checked against the RFC 7748 section 6.1 vectors in the unit
 * tests), clamps the scalar and ignores the top bit of u itself. */
static moat_err x25519_mul(const uint8_t priv[MOAT_X25519_SIZE],
                           const uint8_t u[MOAT_X25519_SIZE],
                           uint8_t out[MOAT_X25519_SIZE])
{
    const br_ec_impl *impl = &br_ec_c25519_i31;
    uint8_t k[MOAT_X25519_SIZE];
    uint8_t r[MOAT_X25519_SIZE];
    uint32_t mul_ok, is_zero;
    moat_err err = MOAT_OK;

    memcpy(k, priv, sizeof(k));
    memcpy(r, u, sizeof(r));
    mul_ok = impl->mul(r, sizeof(r), k, sizeof(k), BR_EC_curve25519);
    is_zero = moat_ct_is_zero(r, sizeof(r));
    /* Verdicts that the result reports anyway (RFC 7748 section 6.1 check). */
    MOAT_DECLASSIFY(&mul_ok, sizeof(mul_ok));
    MOAT_DECLASSIFY(&is_zero, sizeof(is_zero));
    if (mul_ok != 1u) {
        err = MOAT_ERR_INTERNAL;
    } else if (is_zero != 0u) {
        err = MOAT_ERR_CRYPTO_LOW_ORDER_POINT;
    } else {
        memcpy(out, r, sizeof(r));
    }
    if (err != MOAT_OK) {
        moat_wipe(out, MOAT_X25519_SIZE);
    }
    moat_wipe(k, sizeof(k));
    moat_wipe(r, sizeof(r));
    return err;
}

moat_err moat_x25519_public(const uint8_t priv[MOAT_X25519_SIZE],
                            uint8_t pub[MOAT_X25519_SIZE])
{
    static const uint8_t base[MOAT_X25519_SIZE] = { 9u };

    if (priv == NULL || pub == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    return x25519_mul(priv, base, pub);
}

moat_err moat_x25519(const uint8_t priv[MOAT_X25519_SIZE],
                     const uint8_t peer[MOAT_X25519_SIZE],
                     uint8_t out[MOAT_X25519_SIZE])
{
    if (out == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (priv == NULL || peer == NULL) {
        moat_wipe(out, MOAT_X25519_SIZE);
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    return x25519_mul(priv, peer, out);
}
