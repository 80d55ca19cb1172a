/**
 * @file internal.h
 * @brief Helpers shared by the BearSSL adapters in src/crypto (internal; the
 *        only place besides the src/crypto sources that includes bearssl.h).
 */
#ifndef MOAT_CRYPTO_INTERNAL_H
#define MOAT_CRYPTO_INTERNAL_H

#include <bearssl.h>

#include "moat/crypto.h"
#include "core/declassify.h"

/** Compile-time check that an implementation struct fits its opaque storage. */
#define MOAT_STATIC_ASSERT(cond, msg) _Static_assert(cond, msg)

/** BearSSL hash vtable for @p alg, NULL if unknown. */
const br_hash_class *moat_crypto_hash_vtable(moat_hash_alg alg);

/** BearSSL curve id (BR_EC_secp256r1, ...) for @p curve, 0 if unknown. */
int moat_crypto_br_curve(moat_curve curve);

/** The EC implementation used for P-256/P-384 (br_ec_get_default()). */
const br_ec_impl *moat_crypto_ec_impl(void);

/** The curve order n (big-endian, moat_curve_size() bytes), NULL if unknown. */
const uint8_t *moat_crypto_curve_order(moat_curve curve);

/**
 * Constant-time check that the big-endian @p v (exactly @p len bytes, the
 * curve size) is in [1, n-1]. Returns 1 if so, else 0.
 */
uint32_t moat_crypto_scalar_in_range(moat_curve curve, const uint8_t *v, size_t len);

/* The one check of a caller's private key: known curve (else
 * MOAT_ERR_UNSUPPORTED), scalar in [1, n-1] in constant time (else
 * MOAT_ERR_CRYPTO_BAD_KEY; only the verdict is declassified). */
moat_err moat_crypto_check_private(const moat_ec_private_key *priv);

/* The one form check of a caller's public key: known curve, uncompressed
 * point of the curve's length (else MOAT_ERR_CRYPTO_POINT_ENCODING). */
moat_err moat_crypto_check_public(const moat_ec_public_key *pub);

/** Adapts a moat_rng_fn to BearSSL's br_prng_class (records failures). */
typedef struct moat_crypto_prng {
    const br_prng_class *vtable; /**< must be first */
    moat_rng_fn rng;             /**< the wrapped source */
    void *rng_ctx;               /**< its context */
    moat_err err;                /**< first failure, MOAT_OK if none */
} moat_crypto_prng;

/** Initialise the adapter. */
void moat_crypto_prng_init(moat_crypto_prng *p, moat_rng_fn rng, void *rng_ctx);

/** Sign @p hash (exactly moat_hash_size(hash_alg) bytes) into a raw r||s
 *  of 2*moat_curve_size() bytes (RFC 6979 deterministic). */
moat_err moat_crypto_ecdsa_sign_raw(const moat_ec_private_key *priv,
                                    moat_hash_alg hash_alg, const uint8_t *hash,
                                    size_t hash_len, uint8_t *sig_raw);

/** Write a checked raw signature to (sig, sig_cap, sig_len) in @p fmt. */
moat_err moat_crypto_ecdsa_output(moat_curve curve, const uint8_t *raw,
                                  moat_sig_format fmt, uint8_t *sig,
                                  size_t sig_cap, size_t *sig_len);

#endif /* MOAT_CRYPTO_INTERNAL_H */
