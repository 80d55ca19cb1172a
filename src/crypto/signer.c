/**
 * @file signer.c
 * @brief moat_signer: signing through a key that may live outside moat.
 *        Every signature a signer returns is range-checked and verified
 *        against the signer's public key before it is released (a
 *        countermeasure against faulty or glitched signing engines).
 */
#include <string.h>

#include "crypto/internal.h"
#include "moat/core.h"

static moat_err signer_private_cb(void *ctx, moat_hash_alg hash_alg,
                                  const uint8_t *hash, size_t hash_len,
                                  uint8_t *sig_raw)
{
    const moat_ec_private_key *priv = (const moat_ec_private_key *)ctx;

    return moat_crypto_ecdsa_sign_raw(priv, hash_alg, hash, hash_len, sig_raw);
}

moat_err moat_signer_from_private(moat_signer *signer,
                                  const moat_ec_private_key *priv)
{
    moat_err err;

    if (signer == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    memset(signer, 0, sizeof(*signer));
    err = moat_ec_public_from_private(priv, &signer->pub);
    if (err != MOAT_OK) {
        memset(signer, 0, sizeof(*signer));
        return err;
    }
    signer->curve = priv->curve;
    signer->sign = signer_private_cb;
    /* The callback only reads the key; the cast drops const for the
     * generic void * context. */
    signer->ctx = (void *)(uintptr_t)priv;
    return MOAT_OK;
}

moat_err moat_signer_sign_digest(const moat_signer *signer, moat_hash_alg hash_alg,
                                 const uint8_t *hash, size_t hash_len,
                                 uint8_t *sig_raw)
{
    size_t cs;
    moat_err err;

    if (sig_raw == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (signer == NULL || signer->sign == NULL || hash == NULL) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    cs = moat_curve_size(signer->curve);
    if (cs == 0u || signer->pub.curve != signer->curve) {
        return MOAT_ERR_UNSUPPORTED;
    }
    /* Only signature hashes (never SHA-1, which exists for key ids). */
    if (moat_crypto_hash_vtable(hash_alg) == NULL) {
        return MOAT_ERR_UNSUPPORTED;
    }
    if (hash_len != moat_hash_size(hash_alg)) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    memset(sig_raw, 0, 2u * cs);
    err = signer->sign(signer->ctx, hash_alg, hash, hash_len, sig_raw);
    if (err == MOAT_OK) {
        /* Range check + verification: a fault in the signer (or a signer
         * whose key does not match its declared public key) never leaks out
         * as an invalid signature. */
        err = moat_ecdsa_verify_digest(&signer->pub, hash, hash_len, MOAT_SIG_RAW,
                                       sig_raw, 2u * cs);
        if (err != MOAT_OK) {
            err = MOAT_ERR_INTERNAL;
        }
    }
    if (err != MOAT_OK) {
        moat_wipe(sig_raw, 2u * cs);
    }
    return err;
}

moat_err moat_signer_sign(const moat_signer *signer, moat_hash_alg hash_alg,
                          const void *msg, size_t msg_len, moat_sig_format fmt,
                          uint8_t *sig, size_t sig_cap, size_t *sig_len)
{
    uint8_t h[MOAT_HASH_MAX_SIZE];
    uint8_t raw[MOAT_ECDSA_RAW_MAX];
    size_t hlen = moat_hash_size(hash_alg);
    moat_err err;

    if (sig_len == NULL || (sig == NULL && sig_cap != 0u)) {
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    *sig_len = 0u;
    if (signer == NULL || signer->sign == NULL) {
        moat_wipe(sig, sig_cap);
        return MOAT_ERR_INVALID_ARGUMENT;
    }
    if (moat_curve_size(signer->curve) == 0u || signer->pub.curve != signer->curve ||
        hlen == 0u || (fmt != MOAT_SIG_RAW && fmt != MOAT_SIG_DER)) {
        moat_wipe(sig, sig_cap);
        return MOAT_ERR_UNSUPPORTED;
    }
    err = moat_hash(hash_alg, msg, msg_len, h);
    if (err == MOAT_OK) {
        err = moat_signer_sign_digest(signer, hash_alg, h, hlen, raw);
    }
    if (err == MOAT_OK) {
        err = moat_crypto_ecdsa_output(signer->curve, raw, fmt, sig, sig_cap, sig_len);
    } else {
        moat_wipe(sig, sig_cap);
    }
    moat_wipe(raw, sizeof(raw));
    moat_wipe(h, sizeof(h));
    return err;
}
