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
 *        A failing source makes the caller fail closed.
 */
typedef moat_err (*moat_rng_fn)(void *ctx, uint8_t *out, size_t len);

/* --------------------------------------------------------------- hashes */

/** @brief Hash algorithms. */
typedef enum moat_hash_alg {
    MOAT_HASH_SHA256 = 1,
    MOAT_HASH_SHA384 = 2,
    MOAT_HASH_SHA512 = 3
} moat_hash_alg;

/** @brief Largest digest size (SHA-512). */
#define MOAT_HASH_MAX_SIZE 64u

/** @brief Digest size of @p alg in bytes, 0 if unknown. */
size_t moat_hash_size(moat_hash_alg alg);

/** @brief Streaming hash context (opaque; caller-allocated). */
typedef struct moat_hash_ctx {
    uint64_t opaque_[28]; /**< implementation storage */
} moat_hash_ctx;

/** @brief One-shot hash; @p out receives moat_hash_size(alg) bytes. */
moat_err moat_hash(moat_hash_alg alg, const void *data, size_t len, uint8_t *out);
/** @brief Start a streaming hash. */
moat_err moat_hash_init(moat_hash_ctx *ctx, moat_hash_alg alg);
/** @brief Feed data. */
void moat_hash_update(moat_hash_ctx *ctx, const void *data, size_t len);
/** @brief Write the digest to @p out and wipe the context. */
void moat_hash_final(moat_hash_ctx *ctx, uint8_t *out);

/* ----------------------------------------------------------- HMAC, HKDF */

/** @brief HMAC (RFC 2104) one-shot; @p out receives moat_hash_size(alg) bytes. */
moat_err moat_hmac(moat_hash_alg alg, const uint8_t *key, size_t key_len,
                   const void *data, size_t len, uint8_t *out);

/** @brief Streaming HMAC context (opaque). */
typedef struct moat_hmac_ctx {
    uint64_t opaque_[64]; /**< implementation storage */
} moat_hmac_ctx;
/** @brief Start a streaming HMAC. */
moat_err moat_hmac_init(moat_hmac_ctx *ctx, moat_hash_alg alg,
                        const uint8_t *key, size_t key_len);
/** @brief Feed data. */
void moat_hmac_update(moat_hmac_ctx *ctx, const void *data, size_t len);
/** @brief Write the tag to @p out (moat_hash_size(alg) bytes) and wipe. */
void moat_hmac_final(moat_hmac_ctx *ctx, uint8_t *out);

/** @brief Shortest truncated HMAC tag moat_hmac_verify() accepts (128 bits). */
#define MOAT_HMAC_MIN_TAG 16u

/**
 * @brief Recompute HMAC over @p data and compare it in constant time with
 *        @p tag, which may be truncated to its leftmost @p tag_len bytes
 *        (RFC 2104 section 5), ::MOAT_HMAC_MIN_TAG <= tag_len <= hash size.
 * @return ::MOAT_OK, ::MOAT_ERR_CRYPTO_TAG_MISMATCH,
 *         ::MOAT_ERR_CRYPTO_TAG_LENGTH, ::MOAT_ERR_UNSUPPORTED.
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
 * @param out receives @p out_len bytes
 * @param out_len 1 to 255 * moat_hash_size(alg), else
 *        ::MOAT_ERR_CRYPTO_OUTPUT_LENGTH (the output is then wiped).
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
 * @return ::MOAT_ERR_CRYPTO_BAD_KEY (seed too short),
 *         ::MOAT_ERR_INPUT_TOO_LARGE. The context is wiped first.
 */
moat_err moat_drbg_init(moat_drbg_ctx *ctx, const uint8_t *seed, size_t seed_len,
                        const uint8_t *pers, size_t pers_len);
/**
 * @brief Instantiate by drawing ::MOAT_DRBG_MIN_SEED bytes from @p rng.
 * @return ::MOAT_ERR_CRYPTO_RNG_FAILED if @p rng fails (the context stays
 *         wiped and unusable: fail closed).
 */
moat_err moat_drbg_init_from(moat_drbg_ctx *ctx, moat_rng_fn rng, void *rng_ctx,
                             const uint8_t *pers, size_t pers_len);
/** @brief Reseed with additional entropy. */
moat_err moat_drbg_reseed(moat_drbg_ctx *ctx, const uint8_t *seed, size_t len);
/**
 * @brief Generate; matches ::moat_rng_fn (pass the context as @p ctx).
 * @return ::MOAT_ERR_INVALID_ARGUMENT (not instantiated),
 *         ::MOAT_ERR_CRYPTO_OUTPUT_LENGTH (len > ::MOAT_DRBG_MAX_REQUEST),
 *         ::MOAT_ERR_CRYPTO_DRBG_RESEED; the output is wiped on failure.
 */
moat_err moat_drbg_generate(void *ctx, uint8_t *out, size_t len);
/** @brief Wipe the context. */
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

/** @brief Coordinate / scalar size of @p curve in bytes (32, 48), 0 if unknown. */
size_t moat_curve_size(moat_curve curve);
/** @brief The hash JOSE pairs with @p curve (SHA-256 for P-256, SHA-384 for P-384). */
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
 * @return ::MOAT_ERR_CRYPTO_RNG_FAILED if @p rng fails: @p priv is then
 *         left wiped (fail closed).
 */
moat_err moat_ec_generate(moat_curve curve, moat_rng_fn rng, void *rng_ctx,
                          moat_ec_private_key *priv);
/**
 * @brief Check @p d (exactly moat_curve_size() bytes, big-endian) is a valid
 *        scalar in [1, n-1] and build a private key.
 * @return ::MOAT_ERR_CRYPTO_BAD_KEY (length or range), ::MOAT_ERR_UNSUPPORTED.
 */
moat_err moat_ec_private_from_scalar(moat_curve curve, const uint8_t *d,
                                     size_t d_len, moat_ec_private_key *priv);
/** @brief Derive the public key. */
moat_err moat_ec_public_from_private(const moat_ec_private_key *priv,
                                     moat_ec_public_key *pub);
/**
 * @brief Import an uncompressed SEC1 point, checking it is on the curve.
 * @return ::MOAT_ERR_CRYPTO_POINT_ENCODING (wrong length, compressed,
 *         infinity) or ::MOAT_ERR_CRYPTO_POINT_NOT_ON_CURVE.
 */
moat_err moat_ec_public_from_point(moat_curve curve, const uint8_t *point,
                                   size_t len, moat_ec_public_key *pub);
/** @brief Import from affine coordinates X and Y (each moat_curve_size() bytes). */
moat_err moat_ec_public_from_xy(moat_curve curve, const uint8_t *x, size_t x_len,
                                const uint8_t *y, size_t y_len,
                                moat_ec_public_key *pub);
/**
 * @brief Import a DER SubjectPublicKeyInfo (RFC 5480: id-ecPublicKey with a
 *        namedCurve OID).
 * @return ::MOAT_ERR_CRYPTO_KEY_ENCODING for anything but strict DER of that
 *         structure; ::MOAT_ERR_UNSUPPORTED for another algorithm, another
 *         named curve, or explicit (specifiedCurve) parameters; point errors
 *         as moat_ec_public_from_point() (compressed points are refused).
 */
moat_err moat_ec_public_from_spki(const uint8_t *der, size_t len,
                                  moat_ec_public_key *pub);
/** @brief Export a DER SubjectPublicKeyInfo (named curve, uncompressed
 *         point; 91 bytes for P-256, 120 for P-384, see ::MOAT_EC_SPKI_MAX). */
moat_err moat_ec_public_to_spki(const moat_ec_public_key *pub, uint8_t *out,
                                size_t out_cap, size_t *out_len);
/**
 * @brief Import a DER private key: SEC1 ECPrivateKey or PKCS#8 (decoded by
 *        BearSSL's br_skey_decoder; the scalar is then range-checked).
 * @return ::MOAT_ERR_CRYPTO_KEY_ENCODING, ::MOAT_ERR_UNSUPPORTED (curve),
 *         ::MOAT_ERR_CRYPTO_BAD_KEY (scalar out of range).
 */
moat_err moat_ec_private_from_der(const uint8_t *der, size_t len,
                                  moat_ec_private_key *priv);
/** @brief Private key DER formats. */
typedef enum moat_key_format {
    MOAT_KEY_SEC1 = 1,  /**< RFC 5915 ECPrivateKey */
    MOAT_KEY_PKCS8 = 2  /**< RFC 5208/5958 PrivateKeyInfo */
} moat_key_format;
/** @brief Export a private key as DER (the output is secret: wipe it). */
moat_err moat_ec_private_to_der(const moat_ec_private_key *priv,
                                moat_key_format fmt, uint8_t *out,
                                size_t out_cap, size_t *out_len);
/** @brief Wipe a private key. */
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
 * @param sig output buffer (at most ::MOAT_ECDSA_DER_MAX bytes are written)
 * @param sig_cap its capacity
 * @param sig_len bytes written, or the size needed
 * @return ::MOAT_ERR_BUFFER_TOO_SMALL (size needed in @p sig_len),
 *         ::MOAT_ERR_CRYPTO_BAD_KEY; @p sig is wiped on failure.
 */
moat_err moat_ecdsa_sign_digest(const moat_ec_private_key *priv,
                                moat_hash_alg hash_alg, const uint8_t *hash,
                                size_t hash_len, moat_sig_format fmt,
                                uint8_t *sig, size_t sig_cap, size_t *sig_len);
/** @brief Hash @p msg with @p hash_alg and sign it. */
moat_err moat_ecdsa_sign(const moat_ec_private_key *priv, moat_hash_alg hash_alg,
                         const void *msg, size_t msg_len, moat_sig_format fmt,
                         uint8_t *sig, size_t sig_cap, size_t *sig_len);
/**
 * @brief Verify a signature over a digest, strictly.
 * @return ::MOAT_OK; ::MOAT_ERR_CRYPTO_SIG_ENCODING (not strict DER, wrong raw
 *         length); ::MOAT_ERR_CRYPTO_SIG_RANGE (r or s zero or >= n);
 *         ::MOAT_ERR_CRYPTO_SIG_INVALID.
 */
moat_err moat_ecdsa_verify_digest(const moat_ec_public_key *pub,
                                  const uint8_t *hash, size_t hash_len,
                                  moat_sig_format fmt, const uint8_t *sig,
                                  size_t sig_len);
/** @brief Hash @p msg with @p hash_alg and verify. */
moat_err moat_ecdsa_verify(const moat_ec_public_key *pub, moat_hash_alg hash_alg,
                           const void *msg, size_t msg_len, moat_sig_format fmt,
                           const uint8_t *sig, size_t sig_len);
/** @brief Convert a strict DER signature to raw r||s for @p curve (same
 *         encoding and range checks as moat_ecdsa_verify_digest()). */
moat_err moat_ecdsa_der_to_raw(moat_curve curve, const uint8_t *der, size_t der_len,
                               uint8_t *raw, size_t raw_cap, size_t *raw_len);
/** @brief Convert raw r||s (exactly 2*moat_curve_size() bytes, r and s in
 *         [1, n-1]) to minimal DER. */
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
    /** Sign @p hash (of @p hash_alg) into @p sig_raw (2*curve size bytes). */
    moat_err (*sign)(void *ctx, moat_hash_alg hash_alg, const uint8_t *hash,
                     size_t hash_len, uint8_t *sig_raw);
    void *ctx;                        /**< passed to @p sign */
} moat_signer;

/**
 * @brief A signer over an in-memory private key (which must outlive the
 *        signer). Computes the public key.
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
 * @return ::MOAT_OK; ::MOAT_ERR_INVALID_ARGUMENT; ::MOAT_ERR_UNSUPPORTED
 *         (curve); the signer's own error; ::MOAT_ERR_INTERNAL if the
 *         returned signature does not verify.
 */
moat_err moat_signer_sign_digest(const moat_signer *signer, moat_hash_alg hash_alg,
                                 const uint8_t *hash, size_t hash_len,
                                 uint8_t *sig_raw);

/**
 * @brief Sign @p msg through @p signer, raw or DER output. The signature the
 *        signer returns is range-checked and verified against signer->pub
 *        before release (fault countermeasure); a bad one gives
 *        ::MOAT_ERR_INTERNAL.
 */
moat_err moat_signer_sign(const moat_signer *signer, moat_hash_alg hash_alg,
                          const void *msg, size_t msg_len, moat_sig_format fmt,
                          uint8_t *sig, size_t sig_cap, size_t *sig_len);

/* ---------------------------------------------------------- ECDH, X25519 */

/**
 * @brief ECDH: the X coordinate of d*Q (moat_curve_size() bytes).
 * @return ::MOAT_ERR_CRYPTO_CURVE_MISMATCH if the keys' curves differ.
 */
moat_err moat_ecdh(const moat_ec_private_key *priv, const moat_ec_public_key *peer,
                   uint8_t *out, size_t out_cap, size_t *out_len);

/** @brief X25519 key and shared-secret size. */
#define MOAT_X25519_SIZE 32u
/** @brief X25519 public key from a 32-byte private scalar (RFC 7748,
 *         little-endian, clamped internally). */
moat_err moat_x25519_public(const uint8_t priv[MOAT_X25519_SIZE],
                            uint8_t pub[MOAT_X25519_SIZE]);
/**
 * @brief X25519 shared secret.
 * @return ::MOAT_ERR_CRYPTO_LOW_ORDER_POINT if the result is all zero
 *         (the output is then wiped).
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
 * @param pt plaintext
 * @param len plaintext (= ciphertext) length
 * @param ct receives @p len bytes of ciphertext
 * @param tag receives @p tag_len bytes of tag
 * @param tag_len 16 (full tag); 12..16 for AES-GCM, per docs/crypto-policy.md
 * @return ::MOAT_ERR_CRYPTO_IV_LENGTH (empty IV for GCM, not 12 bytes for
 *         ChaCha20-Poly1305), ::MOAT_ERR_CRYPTO_BAD_KEY (key length),
 *         ::MOAT_ERR_CRYPTO_TAG_LENGTH. Outputs are wiped on failure.
 */
moat_err moat_aead_seal(moat_aead_alg alg, const uint8_t *key, size_t key_len,
                        const uint8_t *iv, size_t iv_len, const uint8_t *aad,
                        size_t aad_len, const uint8_t *pt, size_t len,
                        uint8_t *ct, uint8_t *tag, size_t tag_len);
/**
 * @brief Check the tag (constant time) and decrypt. On
 *        ::MOAT_ERR_CRYPTO_TAG_MISMATCH the output @p pt (len bytes) is wiped.
 */
moat_err moat_aead_open(moat_aead_alg alg, const uint8_t *key, size_t key_len,
                        const uint8_t *iv, size_t iv_len, const uint8_t *aad,
                        size_t aad_len, const uint8_t *ct, size_t len,
                        const uint8_t *tag, size_t tag_len, uint8_t *pt);

#ifdef __cplusplus
}
#endif
#endif /* MOAT_CRYPTO_H */
