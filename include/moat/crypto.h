/**
 * @file crypto.h
 * @brief Cryptographic adapters over BearSSL 0.6: hashes, HMAC, HKDF,
 *        HMAC-DRBG, ECDSA (P-256/P-384), ECDH, X25519, AES-GCM,
 *        ChaCha20-Poly1305, EC key generation and key (de)serialization.
 *
 * These adapters close the gaps BearSSL 0.6 leaves (see docs/crypto-policy.md
 * for the full written policy, including Wycheproof "acceptable" cases):
 * - ECDSA DER signatures must be strict DER (minimal lengths and integers,
 *   no trailing data); raw (r||s) signatures must be exactly 2*coordinate
 *   bytes; r and s must be in [1, n-1].
 * - AES-GCM rejects an empty IV.
 * - X25519 rejects an all-zero shared secret (low-order peer point).
 * - Public points are validated on import (on the curve, uncompressed form).
 *
 * Contexts are caller-owned, fixed-size and opaque (no BearSSL types leak
 * into public headers). No heap. Every secret temporary is wiped before
 * return; outputs are wiped on failure. All functions are reentrant; a
 * context must not be used by two threads at once.
 *
 * Memory: no function allocates; stack figures quoted per function are
 * whole-call peaks (moat and BearSSL) measured on x86-64 with gcc 12 -Os
 * (docs/bench.md) or estimated from the frames; 32-bit targets use less.
 * Thread safety: no function keeps global state (the BearSSL
 * implementations are selected from constant tables), so concurrent calls
 * are safe when they share no context or output buffer.
 */
#ifndef MOAT_CRYPTO_H
#define MOAT_CRYPTO_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "moat/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ RNG */

/**
 * @brief A source of random bytes: fill @p out with @p len bytes or fail.
 *        The port's entropy function and moat_drbg_generate() both fit.
 *        A failing source (any return other than ::MOAT_OK) makes the caller
 *        fail closed with ::MOAT_ERR_CRYPTO_RNG_FAILED.
 *
 * Parameters: @c ctx the source's context, @c out the buffer to fill,
 * @c len its length. The function must be safe to call from the thread that
 * calls the moat function it was handed to.
 */
typedef moat_err (*moat_rng_fn)(void *ctx, uint8_t *out, size_t len);

/* --------------------------------------------------------------- hashes */

/** @brief Hash algorithms. */
typedef enum moat_hash_alg {
    MOAT_HASH_SHA256 = 1, /**< SHA-256 (FIPS 180-4) */
    MOAT_HASH_SHA384 = 2, /**< SHA-384 (FIPS 180-4) */
    MOAT_HASH_SHA512 = 3, /**< SHA-512 (FIPS 180-4) */
    /** SHA-1 (FIPS 180-4), for identifiers only: the subjectKeyIdentifier of
     *  RFC 5280 section 4.2.1.2 method 1. moat_hash() and the streaming hash
     *  accept it; HMAC, HKDF, ECDSA signing and RSA verification refuse it
     *  (::MOAT_ERR_UNSUPPORTED): it is never used for signatures or MACs. */
    MOAT_HASH_SHA1 = 4
} moat_hash_alg;

/** @brief Largest digest size (SHA-512). */
#define MOAT_HASH_MAX_SIZE 64u

/**
 * @brief Digest size of @p alg in bytes.
 * @param alg any value
 * @return 20 (SHA-1), 32, 48 or 64; 0 if @p alg is unknown. Cannot fail.
 *         No heap, no stack buffer; reentrant.
 */
size_t moat_hash_size(moat_hash_alg alg);

/** @brief Streaming hash context (opaque; caller-allocated). */
typedef struct moat_hash_ctx {
    uint64_t opaque_[28]; /**< implementation storage */
} moat_hash_ctx;

/**
 * @brief One-shot hash (FIPS 180-4).
 * @param alg SHA-256, SHA-384, SHA-512 or SHA-1
 * @param data the message (may be NULL when @p len is 0)
 * @param len its length
 * @param[out] out receives moat_hash_size(alg) bytes
 * @return ::MOAT_OK;
 *   ::MOAT_ERR_INVALID_ARGUMENT (@p out NULL, or @p data NULL with
 *   @p len != 0); ::MOAT_ERR_UNSUPPORTED (@p alg unknown; @p out is then
 *   not written).
 *
 * Memory: no heap; one ::moat_hash_ctx on the stack (about 0.9 KiB peak for
 * SHA-256). Thread safety: reentrant.
 */
moat_err moat_hash(moat_hash_alg alg, const void *data, size_t len, uint8_t *out);
/**
 * @brief Start a streaming hash. The context is wiped first.
 * @param[out] ctx caller-allocated context
 * @param alg SHA-256, SHA-384, SHA-512 or SHA-1
 * @return ::MOAT_OK; ::MOAT_ERR_INVALID_ARGUMENT (@p ctx NULL);
 *   ::MOAT_ERR_UNSUPPORTED (@p alg unknown; the context is left wiped, so
 *   moat_hash_update() ignores it and moat_hash_final() writes nothing).
 *
 * Memory: no heap; the state lives in @p ctx. Thread safety: reentrant; one
 * context must not be used by two threads at once.
 */
moat_err moat_hash_init(moat_hash_ctx *ctx, moat_hash_alg alg);
/**
 * @brief Feed data. Cannot fail: a NULL or not initialised @p ctx, NULL
 *        @p data or @p len 0 make it a no-op.
 * @param ctx a context started by moat_hash_init()
 * @param data bytes to hash
 * @param len their number
 *
 * Memory: no heap. Thread safety: as moat_hash_init().
 */
void moat_hash_update(moat_hash_ctx *ctx, const void *data, size_t len);
/**
 * @brief Write the digest to @p out and wipe the context. Cannot fail: with
 *        a not initialised context or a NULL @p out nothing is written (the
 *        context is still wiped); a NULL @p ctx is a no-op.
 * @param ctx a context started by moat_hash_init()
 * @param[out] out receives moat_hash_size() bytes of the context's algorithm
 *
 * Memory: no heap. Thread safety: as moat_hash_init().
 */
void moat_hash_final(moat_hash_ctx *ctx, uint8_t *out);

/* ----------------------------------------------------------- HMAC, HKDF */

/**
 * @brief HMAC (RFC 2104) one-shot.
 * @param alg SHA-256, SHA-384 or SHA-512 (SHA-1 is refused)
 * @param key secret key (may be NULL when @p key_len is 0); any length
 * @param key_len its length
 * @param data the message (may be NULL when @p len is 0)
 * @param len its length
 * @param[out] out receives moat_hash_size(alg) bytes
 * @return ::MOAT_OK;
 *   ::MOAT_ERR_INVALID_ARGUMENT (@p out NULL, @p data NULL with @p len != 0,
 *   or @p key NULL with @p key_len != 0);
 *   ::MOAT_ERR_UNSUPPORTED (@p alg not SHA-256/384/512). @p out is not
 *   written on failure.
 *
 * Memory: no heap; one ::moat_hmac_ctx (512 bytes) on the stack, about
 * 1 KiB peak; the key-derived state is wiped. Thread safety: reentrant.
 */
moat_err moat_hmac(moat_hash_alg alg, const uint8_t *key, size_t key_len,
                   const void *data, size_t len, uint8_t *out);

/** @brief Streaming HMAC context (opaque). */
typedef struct moat_hmac_ctx {
    uint64_t opaque_[64]; /**< implementation storage */
} moat_hmac_ctx;
/**
 * @brief Start a streaming HMAC. The context is wiped first.
 * @param[out] ctx caller-allocated context (holds key-derived secrets until
 *        moat_hmac_final())
 * @param alg SHA-256, SHA-384 or SHA-512 (SHA-1 is refused)
 * @param key secret key (may be NULL when @p key_len is 0)
 * @param key_len its length
 * @return ::MOAT_OK;
 *   ::MOAT_ERR_INVALID_ARGUMENT (@p ctx NULL, or @p key NULL with
 *   @p key_len != 0);
 *   ::MOAT_ERR_UNSUPPORTED (@p alg not SHA-256/384/512; the context is left
 *   wiped, so update/final ignore it).
 *
 * Memory: no heap; the state lives in @p ctx. Thread safety: reentrant; one
 * context must not be used by two threads at once.
 */
moat_err moat_hmac_init(moat_hmac_ctx *ctx, moat_hash_alg alg,
                        const uint8_t *key, size_t key_len);
/**
 * @brief Feed data. Cannot fail: a NULL or not initialised @p ctx, NULL
 *        @p data or @p len 0 make it a no-op.
 * @param ctx a context started by moat_hmac_init()
 * @param data bytes to authenticate
 * @param len their number
 *
 * Memory: no heap. Thread safety: as moat_hmac_init().
 */
void moat_hmac_update(moat_hmac_ctx *ctx, const void *data, size_t len);
/**
 * @brief Write the tag to @p out (moat_hash_size(alg) bytes) and wipe the
 *        context. Cannot fail: with a not initialised context or a NULL
 *        @p out nothing is written (the context is still wiped); a NULL
 *        @p ctx is a no-op.
 * @param ctx a context started by moat_hmac_init()
 * @param[out] out receives the full tag
 *
 * Memory: no heap. Thread safety: as moat_hmac_init().
 */
void moat_hmac_final(moat_hmac_ctx *ctx, uint8_t *out);

/** @brief Shortest truncated HMAC tag moat_hmac_verify() accepts (128 bits). */
#define MOAT_HMAC_MIN_TAG 16u

/**
 * @brief Recompute HMAC over @p data and compare it in constant time with
 *        @p tag, which may be truncated to its leftmost @p tag_len bytes
 *        (RFC 2104 section 5), ::MOAT_HMAC_MIN_TAG <= tag_len <= hash size.
 * @param alg SHA-256, SHA-384 or SHA-512
 * @param key secret key (may be NULL when @p key_len is 0)
 * @param key_len its length
 * @param data the message (may be NULL when @p len is 0)
 * @param len its length
 * @param tag the received tag
 * @param tag_len its length
 * @return ::MOAT_OK;
 *   ::MOAT_ERR_INVALID_ARGUMENT (@p tag NULL; @p data NULL with
 *   @p len != 0; @p key NULL with @p key_len != 0);
 *   ::MOAT_ERR_UNSUPPORTED (@p alg unknown, or SHA-1 with an acceptable
 *   @p tag_len);
 *   ::MOAT_ERR_CRYPTO_TAG_LENGTH (@p tag_len below ::MOAT_HMAC_MIN_TAG or
 *   above the hash size);
 *   ::MOAT_ERR_CRYPTO_TAG_MISMATCH (the tag does not match; compared with
 *   moat_ct_equal()).
 *
 * Memory: no heap; about 1 KiB of stack; the computed tag is wiped.
 * Thread safety: reentrant.
 */
moat_err moat_hmac_verify(moat_hash_alg alg, const uint8_t *key, size_t key_len,
                          const void *data, size_t len, const uint8_t *tag,
                          size_t tag_len);

/**
 * @brief HKDF (RFC 5869) extract-and-expand. An empty salt means HashLen
 *        zero bytes (RFC 5869 section 2.2).
 * @param alg hash function
 * @param salt optional salt (NULL when @p salt_len is 0)
 * @param salt_len its length
 * @param ikm input keying material (secret)
 * @param ikm_len its length
 * @param info optional context (NULL when @p info_len is 0)
 * @param info_len its length
 * @param[out] out receives @p out_len bytes (secret)
 * @param out_len 1 to 255 * moat_hash_size(alg), else
 *        ::MOAT_ERR_CRYPTO_OUTPUT_LENGTH (the output is then wiped).
 * @return ::MOAT_OK;
 *   ::MOAT_ERR_INVALID_ARGUMENT (@p out NULL, or @p salt, @p ikm or
 *   @p info NULL with a non-zero length);
 *   ::MOAT_ERR_UNSUPPORTED (@p alg not SHA-256/384/512);
 *   ::MOAT_ERR_CRYPTO_OUTPUT_LENGTH (@p out_len 0 or above 255 * HashLen);
 *   ::MOAT_ERR_INTERNAL (the backend produced fewer bytes: not expected).
 *   @p out is wiped on every failure except ::MOAT_ERR_INVALID_ARGUMENT.
 *
 * Memory: no heap; about 1 KiB of stack (the HKDF state, wiped).
 * Thread safety: reentrant.
 */
moat_err moat_hkdf(moat_hash_alg alg, const uint8_t *salt, size_t salt_len,
                   const uint8_t *ikm, size_t ikm_len, const uint8_t *info,
                   size_t info_len, uint8_t *out, size_t out_len);

/* ----------------------------------------------------------- HMAC-DRBG */

/** @brief HMAC-DRBG (NIST SP 800-90A) with SHA-256 (opaque context). */
typedef struct moat_drbg_ctx {
    uint64_t opaque_[24];  /**< implementation storage */
} moat_drbg_ctx;

/** @brief Minimum seed (entropy) length accepted by moat_drbg_init(). */
#define MOAT_DRBG_MIN_SEED 32u
/** @brief Largest seed, seed + personalization, or reseed input (bytes). */
#define MOAT_DRBG_MAX_INPUT 256u
/** @brief Largest single request (SP 800-90A: 2^19 bits). */
#define MOAT_DRBG_MAX_REQUEST 65536u
/** @brief Generate calls allowed between (re)seeds before
 *         ::MOAT_ERR_CRYPTO_DRBG_RESEED (SP 800-90A allows 2^48). */
#define MOAT_DRBG_RESEED_INTERVAL (1ull << 32)

/**
 * @brief Instantiate from @p seed (entropy || nonce, at least
 *        ::MOAT_DRBG_MIN_SEED bytes) and an optional personalization string
 *        (seed_len + pers_len <= ::MOAT_DRBG_MAX_INPUT).
 * @param[out] ctx the context; wiped first, so it is unusable after a
 *        failure (moat_drbg_generate() then returns
 *        ::MOAT_ERR_INVALID_ARGUMENT)
 * @param seed entropy input || nonce (secret)
 * @param seed_len its length
 * @param pers optional personalization string (NULL when @p pers_len is 0)
 * @param pers_len its length
 * @return ::MOAT_OK;
 *   ::MOAT_ERR_INVALID_ARGUMENT (@p ctx or @p seed NULL, or @p pers NULL
 *   with @p pers_len != 0);
 *   ::MOAT_ERR_CRYPTO_BAD_KEY (@p seed_len < ::MOAT_DRBG_MIN_SEED);
 *   ::MOAT_ERR_INPUT_TOO_LARGE (seed_len + pers_len > ::MOAT_DRBG_MAX_INPUT).
 *
 * Memory: no heap; a ::MOAT_DRBG_MAX_INPUT byte buffer on the stack (wiped).
 * Thread safety: reentrant; one context must not be used by two threads at
 * once (serialize moat_drbg_generate() calls on a shared DRBG).
 */
moat_err moat_drbg_init(moat_drbg_ctx *ctx, const uint8_t *seed, size_t seed_len,
                        const uint8_t *pers, size_t pers_len);
/**
 * @brief Instantiate by drawing ::MOAT_DRBG_MIN_SEED bytes from @p rng.
 * @param[out] ctx the context; wiped first
 * @param rng the entropy source
 * @param rng_ctx its context
 * @param pers optional personalization string (NULL when @p pers_len is 0)
 * @param pers_len its length, at most ::MOAT_DRBG_MAX_INPUT -
 *        ::MOAT_DRBG_MIN_SEED
 * @return ::MOAT_OK;
 *   ::MOAT_ERR_INVALID_ARGUMENT (@p ctx or @p rng NULL, or @p pers NULL with
 *   @p pers_len != 0);
 *   ::MOAT_ERR_CRYPTO_RNG_FAILED if @p rng fails (whatever its code; the
 *   context stays wiped and unusable: fail closed);
 *   ::MOAT_ERR_INPUT_TOO_LARGE (@p pers_len too long).
 *
 * Memory: no heap; about 0.5 KiB of stack (seed and seed material, wiped).
 * Thread safety: reentrant; @p rng is called on the calling thread.
 */
moat_err moat_drbg_init_from(moat_drbg_ctx *ctx, moat_rng_fn rng, void *rng_ctx,
                             const uint8_t *pers, size_t pers_len);
/**
 * @brief Reseed with additional entropy (SP 800-90A 10.1.2.4) and reset the
 *        reseed counter.
 * @param ctx an instantiated context
 * @param seed fresh entropy (secret), at least ::MOAT_DRBG_MIN_SEED bytes
 * @param len its length, at most ::MOAT_DRBG_MAX_INPUT
 * @return ::MOAT_OK;
 *   ::MOAT_ERR_INVALID_ARGUMENT (@p ctx or @p seed NULL, or @p ctx not
 *   instantiated);
 *   ::MOAT_ERR_CRYPTO_BAD_KEY (@p len < ::MOAT_DRBG_MIN_SEED);
 *   ::MOAT_ERR_INPUT_TOO_LARGE (@p len > ::MOAT_DRBG_MAX_INPUT).
 *   On failure the context is unchanged.
 *
 * Memory: no heap; a few hundred bytes of stack. Thread safety: one context
 * must not be used by two threads at once.
 */
moat_err moat_drbg_reseed(moat_drbg_ctx *ctx, const uint8_t *seed, size_t len);
/**
 * @brief Generate; matches ::moat_rng_fn (pass the context as @p ctx).
 *        Every successful call, even with @p len 0, counts towards
 *        ::MOAT_DRBG_RESEED_INTERVAL.
 * @param ctx a ::moat_drbg_ctx instantiated by moat_drbg_init() or
 *        moat_drbg_init_from()
 * @param[out] out receives @p len bytes (may be NULL when @p len is 0)
 * @param len at most ::MOAT_DRBG_MAX_REQUEST
 * @return ::MOAT_OK;
 *   ::MOAT_ERR_INVALID_ARGUMENT (@p ctx NULL, @p out NULL with @p len != 0,
 *   or the context not instantiated);
 *   ::MOAT_ERR_CRYPTO_OUTPUT_LENGTH (@p len > ::MOAT_DRBG_MAX_REQUEST);
 *   ::MOAT_ERR_CRYPTO_DRBG_RESEED (::MOAT_DRBG_RESEED_INTERVAL calls since
 *   the last (re)seed: call moat_drbg_reseed()).
 *   The output is wiped on failure (when @p ctx and @p out are usable).
 *
 * Memory: no heap; a few hundred bytes of stack. Thread safety: one context
 * must not be used by two threads at once.
 */
moat_err moat_drbg_generate(void *ctx, uint8_t *out, size_t len);
/**
 * @brief Wipe the context (it must be instantiated again before use).
 *        Cannot fail; NULL is a no-op.
 * @param ctx the context
 *
 * Memory: no heap. Thread safety: not concurrently with other uses of @p ctx.
 */
void moat_drbg_wipe(moat_drbg_ctx *ctx);

/* ------------------------------------------------------------ EC keys */

/** @brief Elliptic curves. */
typedef enum moat_curve {
    MOAT_CURVE_P256 = 1, /**< secp256r1 / prime256v1 */
    MOAT_CURVE_P384 = 2  /**< secp384r1 */
} moat_curve;

/** @brief Largest private scalar (P-384). */
#define MOAT_EC_PRIV_MAX 48u
/** @brief Largest uncompressed public point 0x04||X||Y (P-384). */
#define MOAT_EC_PUB_MAX 97u
/** @brief Largest raw r||s signature (P-384). */
#define MOAT_ECDSA_RAW_MAX 96u
/** @brief Largest DER ECDSA signature (P-384). */
#define MOAT_ECDSA_DER_MAX 104u
/** @brief Largest DER private key export (PKCS#8, P-384). */
#define MOAT_EC_PRIV_DER_MAX 200u
/** @brief Largest DER SubjectPublicKeyInfo export (P-384). */
#define MOAT_EC_SPKI_MAX 120u

/**
 * @brief Coordinate / scalar size of @p curve in bytes.
 * @param curve any value
 * @return 32 (P-256), 48 (P-384), 0 if unknown. Cannot fail. No heap, no
 *         stack buffer; reentrant.
 */
size_t moat_curve_size(moat_curve curve);
/**
 * @brief The hash JOSE pairs with @p curve.
 * @param curve any value
 * @return ::MOAT_HASH_SHA384 for P-384, ::MOAT_HASH_SHA256 for anything else
 *         (P-256 and unknown values: check the curve with moat_curve_size()
 *         first). Cannot fail. No heap; reentrant.
 */
moat_hash_alg moat_curve_hash(moat_curve curve);

/** @brief An EC private key. Wipe with moat_ec_private_wipe(). */
typedef struct moat_ec_private_key {
    moat_curve curve;              /**< curve */
    uint8_t d[MOAT_EC_PRIV_MAX];   /**< big-endian scalar, moat_curve_size() bytes */
} moat_ec_private_key;

/** @brief An EC public key, validated on the curve. */
typedef struct moat_ec_public_key {
    moat_curve curve;              /**< curve */
    uint8_t q[MOAT_EC_PUB_MAX];    /**< 0x04 || X || Y */
    size_t q_len;                  /**< 1 + 2*moat_curve_size() */
} moat_ec_public_key;

/**
 * @brief Generate a private key with randomness from @p rng (br_ec_keygen,
 *        rejection sampling in [1, n-1]).
 * @param curve P-256 or P-384
 * @param rng the random source
 * @param rng_ctx its context
 * @param[out] priv the new key (secret); wiped first and left wiped on
 *        failure
 * @return ::MOAT_OK;
 *   ::MOAT_ERR_INVALID_ARGUMENT (@p priv or @p rng NULL);
 *   ::MOAT_ERR_UNSUPPORTED (@p curve unknown);
 *   ::MOAT_ERR_CRYPTO_RNG_FAILED if @p rng fails (fail closed);
 *   ::MOAT_ERR_INTERNAL (the backend returned a scalar of the wrong length
 *   or out of range: not expected).
 *
 * Memory: no heap; a few hundred bytes of stack plus BearSSL's (about
 * 3 KiB peak); temporaries wiped. Thread safety: reentrant; @p rng is
 * called on the calling thread.
 */
moat_err moat_ec_generate(moat_curve curve, moat_rng_fn rng, void *rng_ctx,
                          moat_ec_private_key *priv);
/**
 * @brief Check @p d (exactly moat_curve_size() bytes, big-endian) is a valid
 *        scalar in [1, n-1] and build a private key. The range check is
 *        constant time.
 * @param curve P-256 or P-384
 * @param d the scalar (secret)
 * @param d_len its length
 * @param[out] priv the key; wiped first and left wiped on failure
 * @return ::MOAT_OK;
 *   ::MOAT_ERR_INVALID_ARGUMENT (@p priv or @p d NULL);
 *   ::MOAT_ERR_UNSUPPORTED (@p curve unknown);
 *   ::MOAT_ERR_CRYPTO_BAD_KEY (@p d_len not the curve size, or d = 0 or
 *   d >= n).
 *
 * Memory: no heap; a few dozen bytes of stack. Thread safety: reentrant.
 */
moat_err moat_ec_private_from_scalar(moat_curve curve, const uint8_t *d,
                                     size_t d_len, moat_ec_private_key *priv);
/**
 * @brief Derive the public key Q = d*G (uncompressed point).
 * @param priv the private key; its curve and range are checked
 * @param[out] pub the public key; zeroed on failure
 * @return ::MOAT_OK;
 *   ::MOAT_ERR_INVALID_ARGUMENT (@p priv or @p pub NULL);
 *   ::MOAT_ERR_UNSUPPORTED (@p priv->curve unknown);
 *   ::MOAT_ERR_CRYPTO_BAD_KEY (scalar 0 or >= n);
 *   ::MOAT_ERR_INTERNAL (the backend returned a malformed point: not
 *   expected).
 *
 * Memory: no heap; a few hundred bytes of stack plus BearSSL's (about
 * 3 KiB peak); the scalar copy is wiped. Thread safety: reentrant.
 */
moat_err moat_ec_public_from_private(const moat_ec_private_key *priv,
                                     moat_ec_public_key *pub);
/**
 * @brief Import an uncompressed SEC1 point, checking it is on the curve.
 * @param curve P-256 or P-384
 * @param point 0x04 || X || Y
 * @param len its length, 1 + 2 * moat_curve_size(curve)
 * @param[out] pub the key; zeroed on failure
 * @return ::MOAT_OK;
 *   ::MOAT_ERR_INVALID_ARGUMENT (@p pub or @p point NULL);
 *   ::MOAT_ERR_UNSUPPORTED (@p curve unknown);
 *   ::MOAT_ERR_CRYPTO_POINT_ENCODING (wrong length, compressed, infinity);
 *   ::MOAT_ERR_CRYPTO_POINT_NOT_ON_CURVE (a coordinate >= p, or the point
 *   does not satisfy the curve equation).
 *
 * Memory: no heap; a few hundred bytes of stack plus BearSSL's (about
 * 3 KiB peak). Thread safety: reentrant.
 */
moat_err moat_ec_public_from_point(moat_curve curve, const uint8_t *point,
                                   size_t len, moat_ec_public_key *pub);
/**
 * @brief Import from affine coordinates X and Y (big-endian, each exactly
 *        moat_curve_size() bytes), checking the point is on the curve.
 * @param curve P-256 or P-384
 * @param x the X coordinate
 * @param x_len its length
 * @param y the Y coordinate
 * @param y_len its length
 * @param[out] pub the key; zeroed on failure
 * @return ::MOAT_OK;
 *   ::MOAT_ERR_INVALID_ARGUMENT (@p pub, @p x or @p y NULL);
 *   ::MOAT_ERR_UNSUPPORTED (@p curve unknown);
 *   ::MOAT_ERR_CRYPTO_POINT_ENCODING (@p x_len or @p y_len not the curve
 *   size);
 *   ::MOAT_ERR_CRYPTO_POINT_NOT_ON_CURVE (as moat_ec_public_from_point()).
 *
 * Memory: no heap; as moat_ec_public_from_point(). Thread safety: reentrant.
 */
moat_err moat_ec_public_from_xy(moat_curve curve, const uint8_t *x, size_t x_len,
                                const uint8_t *y, size_t y_len,
                                moat_ec_public_key *pub);
/**
 * @brief Import a DER SubjectPublicKeyInfo (RFC 5480: id-ecPublicKey with a
 *        namedCurve OID).
 * @param der the DER encoding
 * @param len its length
 * @param[out] pub the key; zeroed on failure
 * @return ::MOAT_OK;
 *   ::MOAT_ERR_INVALID_ARGUMENT (@p pub or @p der NULL);
 *   ::MOAT_ERR_CRYPTO_KEY_ENCODING for anything but strict DER of that
 *   structure (including missing parameters, trailing data, a BIT STRING
 *   with unused bits);
 *   ::MOAT_ERR_UNSUPPORTED for another algorithm, another named curve, or
 *   explicit (specifiedCurve) parameters;
 *   ::MOAT_ERR_CRYPTO_POINT_ENCODING (compressed, infinity or wrong-length
 *   point) and ::MOAT_ERR_CRYPTO_POINT_NOT_ON_CURVE, as
 *   moat_ec_public_from_point().
 *
 * Memory: no heap; as moat_ec_public_from_point(). Thread safety: reentrant.
 */
moat_err moat_ec_public_from_spki(const uint8_t *der, size_t len,
                                  moat_ec_public_key *pub);
/**
 * @brief Export a DER SubjectPublicKeyInfo (named curve, uncompressed
 *        point; 91 bytes for P-256, 120 for P-384, see ::MOAT_EC_SPKI_MAX).
 * @param pub the key (its form is checked, not the curve equation)
 * @param[out] out DER buffer (may be NULL when @p out_cap is 0)
 * @param out_cap its capacity
 * @param[out] out_len bytes written, or the size needed on
 *        ::MOAT_ERR_BUFFER_TOO_SMALL; 0 on other failures
 * @return ::MOAT_OK;
 *   ::MOAT_ERR_INVALID_ARGUMENT (@p out_len or @p pub NULL, or @p out NULL
 *   with @p out_cap != 0);
 *   ::MOAT_ERR_UNSUPPORTED (@p pub->curve unknown);
 *   ::MOAT_ERR_CRYPTO_POINT_ENCODING (@p pub->q not 0x04 || X || Y of the
 *   curve's length);
 *   ::MOAT_ERR_BUFFER_TOO_SMALL (@p out_cap below the encoding's size).
 *   @p out is wiped on failure (once @p out_len is known to be usable).
 *
 * Memory: no heap; a few dozen bytes of stack. Thread safety: reentrant.
 */
moat_err moat_ec_public_to_spki(const moat_ec_public_key *pub, uint8_t *out,
                                size_t out_cap, size_t *out_len);
/**
 * @brief Import a DER private key: SEC1 ECPrivateKey or PKCS#8 (decoded by
 *        BearSSL's br_skey_decoder; the scalar is then range-checked).
 *        A scalar shorter than the curve size is left-padded with zeros.
 * @param der the DER encoding (secret)
 * @param len its length
 * @param[out] priv the key; wiped first and left wiped on failure
 * @return ::MOAT_OK;
 *   ::MOAT_ERR_INVALID_ARGUMENT (@p priv or @p der NULL, or @p len 0);
 *   ::MOAT_ERR_CRYPTO_KEY_ENCODING (not a well-formed SEC1/PKCS#8 key, or
 *   not an EC key);
 *   ::MOAT_ERR_UNSUPPORTED (curve other than P-256/P-384);
 *   ::MOAT_ERR_CRYPTO_BAD_KEY (scalar empty, longer than the curve size,
 *   0 or >= n).
 *
 * Memory: no heap; about 2.5 KiB of stack (the BearSSL decoder context,
 * wiped). Thread safety: reentrant.
 */
moat_err moat_ec_private_from_der(const uint8_t *der, size_t len,
                                  moat_ec_private_key *priv);
/** @brief Private key DER formats. */
typedef enum moat_key_format {
    MOAT_KEY_SEC1 = 1,  /**< RFC 5915 ECPrivateKey */
    MOAT_KEY_PKCS8 = 2  /**< RFC 5208/5958 PrivateKeyInfo */
} moat_key_format;
/**
 * @brief Export a private key as DER (the output is secret: wipe it). The
 *        public key is recomputed and included.
 * @param priv the key; its curve and range are checked
 * @param fmt ::MOAT_KEY_SEC1 or ::MOAT_KEY_PKCS8
 * @param[out] out DER buffer (may be NULL when @p out_cap is 0);
 *        ::MOAT_EC_PRIV_DER_MAX bytes are always enough
 * @param out_cap its capacity
 * @param[out] out_len bytes written, or the size needed on
 *        ::MOAT_ERR_BUFFER_TOO_SMALL; 0 on other failures
 * @return ::MOAT_OK;
 *   ::MOAT_ERR_INVALID_ARGUMENT (@p out_len or @p priv NULL, or @p out NULL
 *   with @p out_cap != 0);
 *   ::MOAT_ERR_UNSUPPORTED (@p fmt unknown, or @p priv->curve unknown);
 *   ::MOAT_ERR_CRYPTO_BAD_KEY (scalar 0 or >= n);
 *   ::MOAT_ERR_BUFFER_TOO_SMALL (@p out_cap below the encoding's size);
 *   ::MOAT_ERR_INTERNAL (the backend encoder failed: not expected).
 *   @p out is wiped on failure (once @p out_len is known to be usable).
 *
 * Memory: no heap; as moat_ec_public_from_private() (about 3 KiB peak);
 * the scalar copy is wiped. Thread safety: reentrant.
 */
moat_err moat_ec_private_to_der(const moat_ec_private_key *priv,
                                moat_key_format fmt, uint8_t *out,
                                size_t out_cap, size_t *out_len);
/**
 * @brief Wipe a private key. Cannot fail; NULL is a no-op.
 * @param priv the key
 *
 * Memory: no heap. Thread safety: not concurrently with other uses of
 * @p priv (e.g. a signer built on it).
 */
void moat_ec_private_wipe(moat_ec_private_key *priv);

/* --------------------------------------------------------------- ECDSA */

/** @brief ECDSA signature encodings. */
typedef enum moat_sig_format {
    MOAT_SIG_RAW = 1, /**< r||s, each moat_curve_size() bytes (JOSE, P1363) */
    MOAT_SIG_DER = 2  /**< ASN.1 DER SEQUENCE { r INTEGER, s INTEGER } (X.509) */
} moat_sig_format;

/**
 * @brief Sign a digest, deterministically (RFC 6979 nonces).
 * @param priv the signing key
 * @param hash_alg the hash that produced @p hash
 * @param hash digest of the message, truncated to the order size per FIPS
 *        186-4 when longer
 * @param hash_len must equal moat_hash_size(hash_alg) (the RFC 6979 HMAC
 *        uses @p hash_alg), else ::MOAT_ERR_INVALID_ARGUMENT
 * @param fmt ::MOAT_SIG_RAW or ::MOAT_SIG_DER
 * @param[out] sig output buffer (at most ::MOAT_ECDSA_DER_MAX bytes are
 *        written; may be NULL when @p sig_cap is 0)
 * @param sig_cap its capacity
 * @param[out] sig_len bytes written, or the size needed on
 *        ::MOAT_ERR_BUFFER_TOO_SMALL; 0 on other failures
 * @return ::MOAT_OK;
 *   ::MOAT_ERR_INVALID_ARGUMENT (@p sig_len, @p priv or @p hash NULL,
 *   @p sig NULL with @p sig_cap != 0, or @p hash_len not the size of
 *   @p hash_alg);
 *   ::MOAT_ERR_UNSUPPORTED (@p fmt unknown, @p priv->curve unknown, or
 *   @p hash_alg not SHA-256/384/512: SHA-1 is refused);
 *   ::MOAT_ERR_CRYPTO_BAD_KEY (scalar 0 or >= n);
 *   ::MOAT_ERR_INTERNAL (the backend failed or returned r/s out of range:
 *   not expected);
 *   ::MOAT_ERR_BUFFER_TOO_SMALL (size needed in @p sig_len; the signature
 *   has been computed and discarded).
 *   @p sig is wiped on failure (once @p sig_len is known to be usable).
 *
 * Memory: no heap; about 3.2 KiB of stack peak (docs/bench.md); the scalar
 * and digest copies are wiped. Thread safety: reentrant.
 */
moat_err moat_ecdsa_sign_digest(const moat_ec_private_key *priv,
                                moat_hash_alg hash_alg, const uint8_t *hash,
                                size_t hash_len, moat_sig_format fmt,
                                uint8_t *sig, size_t sig_cap, size_t *sig_len);
/**
 * @brief Hash @p msg with @p hash_alg and sign it (moat_hash() then
 *        moat_ecdsa_sign_digest()).
 * @param priv the signing key
 * @param hash_alg SHA-256, SHA-384 or SHA-512
 * @param msg the message (may be NULL when @p msg_len is 0)
 * @param msg_len its length
 * @param fmt ::MOAT_SIG_RAW or ::MOAT_SIG_DER
 * @param[out] sig output buffer (may be NULL when @p sig_cap is 0)
 * @param sig_cap its capacity
 * @param[out] sig_len bytes written, or the size needed on
 *        ::MOAT_ERR_BUFFER_TOO_SMALL; 0 on other failures
 * @return ::MOAT_OK;
 *   ::MOAT_ERR_INVALID_ARGUMENT (@p sig_len or @p priv NULL, @p sig NULL
 *   with @p sig_cap != 0, or @p msg NULL with @p msg_len != 0);
 *   ::MOAT_ERR_UNSUPPORTED (@p hash_alg unknown or SHA-1, @p fmt unknown,
 *   or @p priv->curve unknown);
 *   ::MOAT_ERR_CRYPTO_BAD_KEY; ::MOAT_ERR_INTERNAL;
 *   ::MOAT_ERR_BUFFER_TOO_SMALL; all as moat_ecdsa_sign_digest().
 *   @p sig is wiped on failure (once @p sig_len is known to be usable).
 *
 * Memory: no heap; about 3.5 KiB of stack peak. Thread safety: reentrant.
 */
moat_err moat_ecdsa_sign(const moat_ec_private_key *priv, moat_hash_alg hash_alg,
                         const void *msg, size_t msg_len, moat_sig_format fmt,
                         uint8_t *sig, size_t sig_cap, size_t *sig_len);
/**
 * @brief Verify a signature over a digest, strictly.
 * @param pub the public key (its form is checked; it was validated on the
 *        curve when imported)
 * @param hash the digest (truncated to the order size when longer, FIPS
 *        186-4)
 * @param hash_len its length, 1 to ::MOAT_HASH_MAX_SIZE
 * @param fmt ::MOAT_SIG_RAW or ::MOAT_SIG_DER
 * @param sig the signature (may be NULL when @p sig_len is 0)
 * @param sig_len its length
 * @return ::MOAT_OK;
 *   ::MOAT_ERR_INVALID_ARGUMENT (@p pub or @p hash NULL, @p sig NULL with
 *   @p sig_len != 0, @p hash_len 0 or above ::MOAT_HASH_MAX_SIZE);
 *   ::MOAT_ERR_UNSUPPORTED (@p pub->curve unknown, or @p fmt unknown);
 *   ::MOAT_ERR_CRYPTO_POINT_ENCODING (@p pub->q not 0x04 || X || Y of the
 *   curve's length);
 *   ::MOAT_ERR_CRYPTO_SIG_ENCODING (not strict DER, wrong raw length);
 *   ::MOAT_ERR_CRYPTO_SIG_RANGE (r or s zero or >= n, or a DER integer
 *   longer than the curve size);
 *   ::MOAT_ERR_CRYPTO_SIG_INVALID (the signature does not verify).
 *
 * Memory: no heap; about 3 KiB of stack peak (BearSSL included). Thread
 * safety: reentrant.
 */
moat_err moat_ecdsa_verify_digest(const moat_ec_public_key *pub,
                                  const uint8_t *hash, size_t hash_len,
                                  moat_sig_format fmt, const uint8_t *sig,
                                  size_t sig_len);
/**
 * @brief Hash @p msg with @p hash_alg and verify (moat_hash() then
 *        moat_ecdsa_verify_digest()).
 * @param pub the public key
 * @param hash_alg any algorithm moat_hash() computes (SHA-1 included:
 *        the caller's policy decides which hashes to accept)
 * @param msg the message (may be NULL when @p msg_len is 0)
 * @param msg_len its length
 * @param fmt ::MOAT_SIG_RAW or ::MOAT_SIG_DER
 * @param sig the signature
 * @param sig_len its length
 * @return ::MOAT_OK;
 *   ::MOAT_ERR_INVALID_ARGUMENT (@p msg NULL with @p msg_len != 0, and the
 *   cases of moat_ecdsa_verify_digest());
 *   ::MOAT_ERR_UNSUPPORTED (@p hash_alg unknown, and the cases of
 *   moat_ecdsa_verify_digest());
 *   ::MOAT_ERR_CRYPTO_POINT_ENCODING, ::MOAT_ERR_CRYPTO_SIG_ENCODING,
 *   ::MOAT_ERR_CRYPTO_SIG_RANGE, ::MOAT_ERR_CRYPTO_SIG_INVALID as
 *   moat_ecdsa_verify_digest().
 *
 * Memory: no heap; about 3.5 KiB of stack peak. Thread safety: reentrant.
 */
moat_err moat_ecdsa_verify(const moat_ec_public_key *pub, moat_hash_alg hash_alg,
                           const void *msg, size_t msg_len, moat_sig_format fmt,
                           const uint8_t *sig, size_t sig_len);
/**
 * @brief Convert a strict DER signature to raw r||s for @p curve (same
 *        encoding and range checks as moat_ecdsa_verify_digest()).
 * @param curve P-256 or P-384
 * @param der the DER signature
 * @param der_len its length
 * @param[out] raw receives 2 * moat_curve_size(curve) bytes (may be NULL
 *        when @p raw_cap is 0)
 * @param raw_cap its capacity
 * @param[out] raw_len bytes written, or the size needed on
 *        ::MOAT_ERR_BUFFER_TOO_SMALL; 0 on other failures
 * @return ::MOAT_OK;
 *   ::MOAT_ERR_INVALID_ARGUMENT (@p raw_len NULL, or @p raw NULL with
 *   @p raw_cap != 0);
 *   ::MOAT_ERR_UNSUPPORTED (@p curve unknown);
 *   ::MOAT_ERR_CRYPTO_SIG_ENCODING (@p der NULL, not strict DER
 *   SEQUENCE { INTEGER, INTEGER }, or trailing data);
 *   ::MOAT_ERR_CRYPTO_SIG_RANGE (r or s zero, >= n, or longer than the
 *   curve size);
 *   ::MOAT_ERR_BUFFER_TOO_SMALL (checked after decoding).
 *   @p raw is wiped on failure (once @p raw_len is known to be usable).
 *
 * Memory: no heap; a few hundred bytes of stack. Thread safety: reentrant.
 */
moat_err moat_ecdsa_der_to_raw(moat_curve curve, const uint8_t *der, size_t der_len,
                               uint8_t *raw, size_t raw_cap, size_t *raw_len);
/**
 * @brief Convert raw r||s (exactly 2*moat_curve_size() bytes, r and s in
 *        [1, n-1]) to minimal DER.
 * @param curve P-256 or P-384
 * @param raw the raw signature
 * @param raw_len its length
 * @param[out] der DER buffer (may be NULL when @p der_cap is 0);
 *        ::MOAT_ECDSA_DER_MAX bytes are always enough
 * @param der_cap its capacity
 * @param[out] der_len bytes written, or the size needed on
 *        ::MOAT_ERR_BUFFER_TOO_SMALL; 0 on other failures
 * @return ::MOAT_OK;
 *   ::MOAT_ERR_INVALID_ARGUMENT (@p der_len NULL, or @p der NULL with
 *   @p der_cap != 0);
 *   ::MOAT_ERR_UNSUPPORTED (@p curve unknown);
 *   ::MOAT_ERR_CRYPTO_SIG_ENCODING (@p raw NULL or @p raw_len not
 *   2 * curve size);
 *   ::MOAT_ERR_CRYPTO_SIG_RANGE (r or s zero or >= n);
 *   ::MOAT_ERR_BUFFER_TOO_SMALL.
 *   @p der is wiped on failure (once @p der_len is known to be usable).
 *
 * Memory: no heap; a few dozen bytes of stack. Thread safety: reentrant.
 */
moat_err moat_ecdsa_raw_to_der(moat_curve curve, const uint8_t *raw, size_t raw_len,
                               uint8_t *der, size_t der_cap, size_t *der_len);

/* -------------------------------------------------------------- signers */

/**
 * @brief Signs a digest with a key that may live outside moat's memory (a
 *        port's secure element, a DICE engine) or in a moat_ec_private_key.
 *        @p sign writes a raw r||s signature of 2*moat_curve_size(curve)
 *        bytes. JOSE and X.509 writers take a signer, never a raw key.
 */
typedef struct moat_signer {
    moat_curve curve;                 /**< the key's curve */
    moat_ec_public_key pub;           /**< its public key */
    /** Sign @c hash (of @c hash_alg, @c hash_len bytes) into @c sig_raw
     *  (2*curve size bytes), given @c ctx; return ::MOAT_OK or an error,
     *  which moat_signer_sign_digest() passes on. */
    moat_err (*sign)(void *ctx, moat_hash_alg hash_alg, const uint8_t *hash,
                     size_t hash_len, uint8_t *sig_raw);
    void *ctx;                        /**< passed to @p sign */
} moat_signer;

/**
 * @brief A signer over an in-memory private key (which must outlive the
 *        signer and not change while it is used). Computes the public key.
 * @param[out] signer the signer; zeroed on failure
 * @param priv the private key; the signer keeps a pointer to it
 * @return ::MOAT_OK;
 *   ::MOAT_ERR_INVALID_ARGUMENT (@p signer or @p priv NULL);
 *   ::MOAT_ERR_UNSUPPORTED (@p priv->curve unknown);
 *   ::MOAT_ERR_CRYPTO_BAD_KEY (scalar 0 or >= n);
 *   ::MOAT_ERR_INTERNAL (as moat_ec_public_from_private()).
 *
 * Its callback returns the errors of moat_ecdsa_sign_digest() for a raw
 * signature (::MOAT_ERR_INVALID_ARGUMENT, ::MOAT_ERR_UNSUPPORTED for a
 * hash other than SHA-256/384/512, ::MOAT_ERR_CRYPTO_BAD_KEY,
 * ::MOAT_ERR_INTERNAL).
 * Memory: no heap; about 3 KiB of stack peak. Thread safety: reentrant;
 * the resulting signer only reads the key, so several threads may sign
 * with it at once.
 */
moat_err moat_signer_from_private(moat_signer *signer,
                                  const moat_ec_private_key *priv);

/**
 * @brief Sign a digest through @p signer and check the result: the raw
 *        signature is verified under @p signer->pub before it is released
 *        (fault countermeasure; it also catches a signer whose key does not
 *        match its declared public key). Every signing path of moat (JOSE,
 *        X.509 writers) goes through this function.
 * @param signer the signer
 * @param hash_alg the digest's algorithm; @p hash_len must be its size
 * @param hash the digest
 * @param hash_len its length
 * @param[out] sig_raw 2 * moat_curve_size(signer->curve) bytes; wiped on failure
 * @return ::MOAT_OK;
 *   ::MOAT_ERR_INVALID_ARGUMENT (@p sig_raw, @p signer, @p signer->sign or
 *   @p hash NULL, or @p hash_len not moat_hash_size(hash_alg));
 *   ::MOAT_ERR_UNSUPPORTED (@p signer->curve unknown, or different from
 *   @p signer->pub.curve);
 *   the signer's own error, unchanged (for moat_signer_from_private():
 *   ::MOAT_ERR_UNSUPPORTED for SHA-1 or an unknown hash,
 *   ::MOAT_ERR_CRYPTO_BAD_KEY, ::MOAT_ERR_INTERNAL);
 *   ::MOAT_ERR_INTERNAL if the returned signature is out of range or does
 *   not verify under @p signer->pub (also when that public key is
 *   malformed).
 *   @p sig_raw is wiped on every failure after the argument checks.
 *
 * Memory: no heap; the signer's stack plus a verification (about 3 KiB
 * peak each; about 6.5 KiB together for the in-memory signer). Thread
 * safety: reentrant; the signer's callback must be safe to call from the
 * calling thread.
 */
moat_err moat_signer_sign_digest(const moat_signer *signer, moat_hash_alg hash_alg,
                                 const uint8_t *hash, size_t hash_len,
                                 uint8_t *sig_raw);

/**
 * @brief Sign @p msg through @p signer, raw or DER output. The signature the
 *        signer returns is range-checked and verified against signer->pub
 *        before release (fault countermeasure); a bad one gives
 *        ::MOAT_ERR_INTERNAL. The output capacity is checked only after
 *        signing: size @p sig with ::MOAT_ECDSA_DER_MAX (DER) or
 *        2 * moat_curve_size() (raw) to avoid a wasted signature.
 * @param signer the signer
 * @param hash_alg SHA-256, SHA-384 or SHA-512 (what the signer accepts)
 * @param msg the message (may be NULL when @p msg_len is 0)
 * @param msg_len its length
 * @param fmt ::MOAT_SIG_RAW or ::MOAT_SIG_DER
 * @param[out] sig output buffer (may be NULL when @p sig_cap is 0)
 * @param sig_cap its capacity
 * @param[out] sig_len bytes written, or the size needed on
 *        ::MOAT_ERR_BUFFER_TOO_SMALL; 0 on other failures
 * @return ::MOAT_OK;
 *   ::MOAT_ERR_INVALID_ARGUMENT (@p sig_len, @p signer or @p signer->sign
 *   NULL, @p sig NULL with @p sig_cap != 0, or @p msg NULL with
 *   @p msg_len != 0);
 *   ::MOAT_ERR_UNSUPPORTED (@p signer->curve unknown or different from
 *   @p signer->pub.curve, @p hash_alg unknown, @p fmt unknown);
 *   the errors of moat_signer_sign_digest() (the signer's own error;
 *   ::MOAT_ERR_INTERNAL for a signature that does not verify);
 *   ::MOAT_ERR_CRYPTO_SIG_RANGE (DER output only; not expected after the
 *   verification);
 *   ::MOAT_ERR_BUFFER_TOO_SMALL (size needed in @p sig_len).
 *   @p sig is wiped on failure (once @p sig_len is known to be usable).
 *
 * Memory: no heap; as moat_signer_sign_digest() plus about 0.3 KiB.
 * Thread safety: as moat_signer_sign_digest().
 */
moat_err moat_signer_sign(const moat_signer *signer, moat_hash_alg hash_alg,
                          const void *msg, size_t msg_len, moat_sig_format fmt,
                          uint8_t *sig, size_t sig_cap, size_t *sig_len);

/* ------------------------------------------------------------------ RSA */

/** @brief Smallest RSA modulus accepted for verification (bits). */
#define MOAT_RSA_MIN_BITS 2048u
/** @brief Largest RSA modulus accepted for verification (bits; BearSSL's bound). */
#define MOAT_RSA_MAX_BITS 4096u
/** @brief Longest RSA public exponent accepted (bytes; 65537 needs 3). */
#define MOAT_RSA_MAX_E_BYTES 8u

/**
 * @brief Verify an RSASSA-PKCS1-v1_5 signature (RFC 8017 section 8.2) over a
 *        digest, for certificate chains issued by RSA CAs. moat never signs
 *        with RSA.
 * @param n modulus magnitude (big-endian, no leading zero, odd),
 *        MOAT_RSA_MIN_BITS..MOAT_RSA_MAX_BITS bits (else ::MOAT_ERR_CRYPTO_BAD_KEY)
 * @param n_len its length in bytes
 * @param e public exponent magnitude (no leading zero, odd, >= 3, shorter
 *        than the modulus, else ::MOAT_ERR_CRYPTO_BAD_KEY)
 * @param e_len its length in bytes, at most ::MOAT_RSA_MAX_E_BYTES
 * @param hash_alg SHA-256 / SHA-384 / SHA-512
 * @param hash the expected digest
 * @param hash_len its length, exactly moat_hash_size(hash_alg)
 * @param sig the signature, exactly as long as the modulus
 *        (else ::MOAT_ERR_CRYPTO_SIG_ENCODING)
 * @param sig_len its length
 * @return ::MOAT_OK;
 *   ::MOAT_ERR_INVALID_ARGUMENT (@p n, @p e, @p hash or @p sig NULL, or
 *   @p hash_len not the size of @p hash_alg);
 *   ::MOAT_ERR_UNSUPPORTED (@p hash_alg not SHA-256/384/512: SHA-1 is
 *   refused);
 *   ::MOAT_ERR_CRYPTO_BAD_KEY (modulus or exponent outside the rules above);
 *   ::MOAT_ERR_CRYPTO_SIG_ENCODING (@p sig_len != @p n_len);
 *   ::MOAT_ERR_CRYPTO_SIG_INVALID (signature representative not below the
 *   modulus, padding or DigestInfo mismatch, or digest mismatch, compared
 *   in constant time).
 *
 * Memory: no heap; about 3 KiB of stack (modulus copy plus BearSSL's i31
 * modular exponentiation). Thread safety: reentrant.
 */
moat_err moat_rsa_pkcs1_verify_digest(const uint8_t *n, size_t n_len,
                                      const uint8_t *e, size_t e_len,
                                      moat_hash_alg hash_alg, const uint8_t *hash,
                                      size_t hash_len, const uint8_t *sig,
                                      size_t sig_len);

/* ---------------------------------------------------------- ECDH, X25519 */

/**
 * @brief ECDH (SEC1 3.3.1): the X coordinate of d*Q (moat_curve_size()
 *        bytes). The peer point is re-validated on the curve.
 * @param priv our private key
 * @param peer the peer's public key, on the same curve
 * @param[out] out receives the shared secret (secret; may be NULL when
 *        @p out_cap is 0)
 * @param out_cap its capacity, at least moat_curve_size()
 * @param[out] out_len bytes written, or the size needed on
 *        ::MOAT_ERR_BUFFER_TOO_SMALL; 0 on other failures
 * @return ::MOAT_OK;
 *   ::MOAT_ERR_INVALID_ARGUMENT (@p out_len, @p priv or @p peer NULL, or
 *   @p out NULL with @p out_cap != 0);
 *   ::MOAT_ERR_UNSUPPORTED (@p priv->curve unknown);
 *   ::MOAT_ERR_CRYPTO_CURVE_MISMATCH (the keys' curves differ);
 *   ::MOAT_ERR_CRYPTO_POINT_ENCODING (@p peer->q not 0x04 || X || Y of the
 *   curve's length);
 *   ::MOAT_ERR_CRYPTO_BAD_KEY (our scalar 0 or >= n);
 *   ::MOAT_ERR_BUFFER_TOO_SMALL (@p out_cap below the curve size);
 *   ::MOAT_ERR_CRYPTO_POINT_NOT_ON_CURVE (the peer point fails
 *   re-validation);
 *   ::MOAT_ERR_INTERNAL (backend inconsistency: not expected).
 *   @p out is wiped on failure (once @p out_len is known to be usable).
 *
 * Memory: no heap; about 3 KiB of stack peak; the scalar and point copies
 * are wiped. Thread safety: reentrant.
 */
moat_err moat_ecdh(const moat_ec_private_key *priv, const moat_ec_public_key *peer,
                   uint8_t *out, size_t out_cap, size_t *out_len);

/** @brief X25519 key and shared-secret size. */
#define MOAT_X25519_SIZE 32u
/**
 * @brief X25519 public key from a 32-byte private scalar (RFC 7748,
 *        little-endian, clamped internally).
 * @param priv the private scalar (secret)
 * @param[out] pub receives the public u-coordinate
 * @return ::MOAT_OK;
 *   ::MOAT_ERR_INVALID_ARGUMENT (@p priv or @p pub NULL);
 *   ::MOAT_ERR_INTERNAL (the backend failed: not expected; @p pub is then
 *   wiped). (A clamped scalar times the base point is never the all-zero
 *   low-order result.)
 *
 * Memory: no heap; about 1.5 KiB of stack peak; the scalar copy is wiped.
 * Thread safety: reentrant.
 */
moat_err moat_x25519_public(const uint8_t priv[MOAT_X25519_SIZE],
                            uint8_t pub[MOAT_X25519_SIZE]);
/**
 * @brief X25519 shared secret (RFC 7748 section 6.1).
 * @param priv our private scalar (secret)
 * @param peer the peer's public u-coordinate (its top bit is ignored)
 * @param[out] out receives the shared secret (secret)
 * @return ::MOAT_OK;
 *   ::MOAT_ERR_INVALID_ARGUMENT (@p out NULL; or @p priv or @p peer NULL,
 *   then @p out is wiped);
 *   ::MOAT_ERR_CRYPTO_LOW_ORDER_POINT if the result is all zero (a
 *   low-order peer point; the output is then wiped);
 *   ::MOAT_ERR_INTERNAL (the backend failed: not expected; output wiped).
 *
 * Memory: no heap; about 1.5 KiB of stack peak; temporaries wiped.
 * Thread safety: reentrant.
 */
moat_err moat_x25519(const uint8_t priv[MOAT_X25519_SIZE],
                     const uint8_t peer[MOAT_X25519_SIZE],
                     uint8_t out[MOAT_X25519_SIZE]);

/* ----------------------------------------------------------------- AEAD */

/** @brief AEAD algorithms. */
typedef enum moat_aead_alg {
    MOAT_AEAD_AES_GCM = 1,            /**< AES-128/192/256-GCM by key length */
    MOAT_AEAD_CHACHA20_POLY1305 = 2   /**< RFC 8439 */
} moat_aead_alg;

/** @brief Full tag size. */
#define MOAT_AEAD_TAG_SIZE 16u
/** @brief Shortest AES-GCM tag accepted (NIST SP 800-38D 5.2.1.2: 96 bits);
 *         ChaCha20-Poly1305 requires the full 16 bytes. */
#define MOAT_AEAD_GCM_MIN_TAG 12u
/** @brief Longest AES-GCM IV accepted (bytes); 12 is recommended. */
#define MOAT_AEAD_GCM_IV_MAX 1024u

/**
 * @brief Encrypt and authenticate. @p ct may equal @p pt (in place).
 * @param alg the AEAD
 * @param key secret key: 16/24/32 bytes (AES-GCM), 32 (ChaCha20-Poly1305)
 * @param key_len its length, else ::MOAT_ERR_CRYPTO_BAD_KEY
 * @param iv nonce; never reuse one with the same key
 * @param iv_len 1..::MOAT_AEAD_GCM_IV_MAX (GCM), 12 (ChaCha20-Poly1305)
 * @param aad additional authenticated data (NULL when @p aad_len is 0)
 * @param aad_len its length
 * @param pt plaintext (may be NULL when @p len is 0)
 * @param len plaintext (= ciphertext) length
 * @param[out] ct receives @p len bytes of ciphertext
 * @param[out] tag receives @p tag_len bytes of tag (the leftmost bytes of
 *        the full tag)
 * @param tag_len 16 (full tag); 12..16 for AES-GCM, per docs/crypto-policy.md
 * @return ::MOAT_OK;
 *   ::MOAT_ERR_INVALID_ARGUMENT (@p key or @p tag NULL, @p iv NULL with
 *   @p iv_len != 0, @p aad NULL with @p aad_len != 0, or @p pt / @p ct
 *   NULL with @p len != 0);
 *   ::MOAT_ERR_UNSUPPORTED (@p alg unknown);
 *   ::MOAT_ERR_CRYPTO_BAD_KEY (key length);
 *   ::MOAT_ERR_CRYPTO_IV_LENGTH (empty or longer than
 *   ::MOAT_AEAD_GCM_IV_MAX for GCM, not 12 bytes for ChaCha20-Poly1305);
 *   ::MOAT_ERR_CRYPTO_TAG_LENGTH (outside the range above).
 *   Checked in this order. On failure @p ct is wiped (unless it is @p pt:
 *   the plaintext is left intact) and @p tag is wiped when
 *   @p tag_len <= ::MOAT_AEAD_TAG_SIZE.
 *
 * Memory: no heap; about 1.5 KiB of stack (cipher state, wiped).
 * Thread safety: reentrant.
 */
moat_err moat_aead_seal(moat_aead_alg alg, const uint8_t *key, size_t key_len,
                        const uint8_t *iv, size_t iv_len, const uint8_t *aad,
                        size_t aad_len, const uint8_t *pt, size_t len,
                        uint8_t *ct, uint8_t *tag, size_t tag_len);
/**
 * @brief Check the tag (constant time) and decrypt. @p pt may equal @p ct
 *        (in place). On ::MOAT_ERR_CRYPTO_TAG_MISMATCH the output @p pt
 *        (len bytes) is wiped, so no unauthenticated plaintext is released.
 * @param alg the AEAD
 * @param key secret key: 16/24/32 bytes (AES-GCM), 32 (ChaCha20-Poly1305)
 * @param key_len its length
 * @param iv the nonce used to seal
 * @param iv_len 1..::MOAT_AEAD_GCM_IV_MAX (GCM), 12 (ChaCha20-Poly1305)
 * @param aad additional authenticated data (NULL when @p aad_len is 0)
 * @param aad_len its length
 * @param ct ciphertext (may be NULL when @p len is 0)
 * @param len ciphertext (= plaintext) length
 * @param tag the received tag
 * @param tag_len its length: 16; 12..16 for AES-GCM (the leftmost bytes of
 *        the full tag are compared)
 * @param[out] pt receives @p len bytes of plaintext
 * @return ::MOAT_OK;
 *   ::MOAT_ERR_INVALID_ARGUMENT (@p key or @p tag NULL, @p iv NULL with
 *   @p iv_len != 0, @p aad NULL with @p aad_len != 0, or @p ct / @p pt
 *   NULL with @p len != 0);
 *   ::MOAT_ERR_UNSUPPORTED (@p alg unknown);
 *   ::MOAT_ERR_CRYPTO_BAD_KEY (key length);
 *   ::MOAT_ERR_CRYPTO_IV_LENGTH (as moat_aead_seal());
 *   ::MOAT_ERR_CRYPTO_TAG_LENGTH (as moat_aead_seal());
 *   ::MOAT_ERR_CRYPTO_TAG_MISMATCH (the tag does not authenticate the
 *   ciphertext, AAD, key and nonce).
 *   On the parameter errors @p pt is wiped unless it is @p ct (the
 *   ciphertext is left intact); on a tag mismatch it is always wiped.
 *
 * Memory: no heap; about 1.5 KiB of stack (cipher state and tag, wiped).
 * Thread safety: reentrant.
 */
moat_err moat_aead_open(moat_aead_alg alg, const uint8_t *key, size_t key_len,
                        const uint8_t *iv, size_t iv_len, const uint8_t *aad,
                        size_t aad_len, const uint8_t *ct, size_t len,
                        const uint8_t *tag, size_t tag_len, uint8_t *pt);

#ifdef __cplusplus
}
#endif
#endif /* MOAT_CRYPTO_H */
