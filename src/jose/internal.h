/**
 * @file internal.h
 * @brief Helpers shared by the JOSE sources (internal, not installed).
 */
#ifndef MOAT_JOSE_INTERNAL_H
#define MOAT_JOSE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "moat/jose.h"

/** Aligned stack storage of at least @p n bytes. */
#define MOAT_JOSE_ALIGNED_WORDS(n) (((n) + sizeof(uint64_t) - 1u) / sizeof(uint64_t))

/** Largest encoded protected header (base64url of MOAT_JWS_HEADER_MAX). */
#define MOAT_JOSE_HEADER_B64_MAX MOAT_B64URL_ENC_LEN(MOAT_JWS_HEADER_MAX)

/** The parsed, policy-checked protected header of one JWS. */
typedef struct moat_jose_header {
    const moat_json *root;   /**< the parsed header object (in the work area) */
    moat_curve curve;        /**< curve implied by alg (ES256: P-256, ES384: P-384) */
    const char *kid;         /**< "kid" (points into the parse arena), or NULL */
    size_t kid_len;          /**< its length */
    const char *json;        /**< decoded header JSON (NUL-terminated, in the work area) */
    size_t json_len;         /**< its length */
} moat_jose_header;

/**
 * Decode and check a protected header (the policy of jose.h / docs/jose.md).
 * @param b64, b64_len the received BASE64URL(header)
 * @param opts crit names the caller understands (may be NULL)
 * @param unprotected the JSON "header" object of a JSON-serialization entry,
 *        or NULL (compact); its names must not repeat protected ones and it
 *        must not carry alg, crit or b64
 * @param work MOAT_JWS_HEADER_WORK_SIZE bytes, 8-aligned; @p h points into it
 */
moat_err moat_jose_header_parse(const char *b64, size_t b64_len,
                                const moat_jws_verify_opts *opts,
                                const moat_json *unprotected, void *work,
                                size_t work_size, moat_jose_header *h);

/** Work bytes moat_jose_header_parse_max() needs for @p max (16-aligned work). */
#define MOAT_JOSE_HEADER_WORK_FOR(max) \
    (MOAT_JSON_ARENA_SIZE((max), MOAT_JWS_HEADER_MAX_VALUES) + (max) + 32u)

/**
 * moat_jose_header_parse() with a header bound of @p header_max
 * (MOAT_JWS_HEADER_MAX or MOAT_JWS_X5C_HEADER_MAX; else MOAT_ERR_INTERNAL)
 * and MOAT_JOSE_HEADER_WORK_FOR(header_max) bytes of 16-aligned work.
 */
moat_err moat_jose_header_parse_max(const char *b64, size_t b64_len,
                                    size_t header_max,
                                    const moat_jws_verify_opts *opts,
                                    const moat_json *unprotected, void *work,
                                    size_t work_size, moat_jose_header *h);

/**
 * Decode the signature segment: strict base64url of exactly
 * 2 * moat_curve_size(curve) bytes (else MOAT_ERR_CRYPTO_SIG_ENCODING).
 * @param sig receives the raw r||s (MOAT_ECDSA_RAW_MAX bytes)
 */
moat_err moat_jose_sig_decode(moat_curve curve, const char *b64, size_t b64_len,
                              uint8_t sig[MOAT_ECDSA_RAW_MAX], size_t *sig_len);

/** Digest of the JWS signing input h64 '.' p64 with moat_curve_hash(curve). */
moat_err moat_jose_signing_digest(moat_curve curve, const char *h64, size_t h64_len,
                                  const char *p64, size_t p64_len,
                                  uint8_t digest[MOAT_HASH_MAX_SIZE],
                                  size_t *digest_len);

/**
 * Check a signer is usable (P-256/P-384, callback set, public key on the
 * same curve).
 */
moat_err moat_jose_signer_check(const moat_signer *signer);

/**
 * Write the protected header JSON {"alg":..,"kid":..,"typ":..,"cty":..} for
 * @p signer into @p buf (MOAT_JWS_HEADER_MAX bytes).
 */
moat_err moat_jose_header_build(const moat_signer *signer,
                                const moat_jws_sign_opts *opts, char *buf,
                                size_t cap, size_t *len);

/**
 * Sign the digest of h64 '.' p64 through @p signer, check the signature
 * under signer->pub (fault / mismatched-key defence) and write its base64url
 * form to @p out (at least MOAT_B64URL_ENC_LEN(2*size)+1 bytes).
 */
moat_err moat_jose_sign_input(const moat_signer *signer, const char *h64,
                              size_t h64_len, const char *p64, size_t p64_len,
                              char *out, size_t out_cap, size_t *out_len);

/** Exact decoded length of a base64url text of @p len characters, or an error
 *  (MOAT_ERR_B64_LENGTH for 1 mod 4). Does not look at the characters. */
moat_err moat_jose_b64_decoded_len(size_t len, size_t *out);

/** Byte-wise kid match between a header kid and a moat_jwk. */
bool moat_jose_kid_match(const moat_jwk *k, const char *kid, size_t kid_len);

/** Same curve and same point bytes. */
bool moat_jose_same_key(const moat_ec_public_key *a, const moat_ec_public_key *b);

/** Decode a base64url payload into the caller's buffer (size checks, wipe). */
moat_err moat_jose_payload_out(const char *p64, size_t p64_len, uint8_t *out,
                               size_t cap, size_t *out_len);

/* The one "crit" check of JWS and JWE (RFC 7515 4.1.11, RFC 7516 4.1.13). */
moat_err moat_jose_check_crit(const moat_json *root, const moat_json *crit,
                              const char *const *registered, size_t nregistered,
                              const char *builtin, const char *const *understood,
                              size_t nunderstood);

#endif /* MOAT_JOSE_INTERNAL_H */
