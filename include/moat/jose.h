/**
 * @file jose.h
 * @brief JOSE for EC keys: JWK (RFC 7517/7518) with RFC 7638 thumbprints,
 *        JWS compact serialization (RFC 7515 section 7.1), JWS General JSON
 *        Serialization with k-of-n signature thresholds (RFC 7515 section
 *        7.2.1), and JWT time-claim checks (RFC 7519 section 4.1).
 *
 * Policy (see docs/jose.md for the full text):
 * - Algorithms by allow-list only: ES256 (P-256 + SHA-256) and ES384
 *   (P-384 + SHA-384). "none", HS*, RS*, PS*, ES512, EdDSA and anything else
 *   give ::MOAT_ERR_JOSE_ALG_NOT_ALLOWED. The alg must match the verifying
 *   key's curve (::MOAT_ERR_JOSE_ALG_KEY_MISMATCH).
 * - The protected header is bounded (::MOAT_JWS_HEADER_MAX bytes decoded),
 *   parsed by the strict bounded JSON parser (duplicate names, bad UTF-8,
 *   excessive depth are rejected), must be an object with a string "alg".
 *   "crit" (RFC 7515 section 4.1.11) must be a non-empty array of distinct
 *   strings, each naming a member present in the protected header and not
 *   one defined by RFC 7515/7518; a name the caller did not declare
 *   understood gives ::MOAT_ERR_JOSE_CRIT_UNKNOWN (by default none is).
 *   "b64" (RFC 7797) other than true gives ::MOAT_ERR_UNSUPPORTED.
 *   Header-embedded keys (jwk, jku, x5c, x5u) are never used.
 * - The signature is verified over the received bytes
 *   BASE64URL(header) '.' BASE64URL(payload), never over re-serialized JSON.
 *   It must be raw r||s of exactly 2 * coordinate size bytes
 *   (::MOAT_ERR_CRYPTO_SIG_ENCODING); crypto errors propagate with their
 *   exact code (::MOAT_ERR_CRYPTO_SIG_RANGE, ::MOAT_ERR_CRYPTO_SIG_INVALID).
 * - The payload is decoded into the caller's buffer only after the signature
 *   check succeeded. On any failure the payload buffer is wiped over its whole
 *   capacity and the payload length is 0 (except ::MOAT_ERR_BUFFER_TOO_SMALL,
 *   which reports the size needed, after a successful verification).
 * - Every base64url field is decoded strictly (core.h); base64url errors
 *   propagate with their exact MOAT_ERR_B64_* code.
 *
 * Output strings (JWS, JWK) follow the moat convention (out, out_cap,
 * *out_len): they are NUL-terminated, @p out_len excludes the NUL, and on
 * ::MOAT_ERR_BUFFER_TOO_SMALL @p out_len receives the size needed INCLUDING
 * the NUL, with @p out wiped.
 *
 * Memory: no heap. Stack use: JWK parse about 5 KiB, compact verify about
 * 6 KiB (header buffer + JSON arena), signing about 1.5 KiB. The JSON
 * serialization functions take a caller workspace (MOAT_JWS_JSON_WORK_SIZE).
 *
 * Thread safety: every function is reentrant; signing calls the signer's
 * callback, whose own thread safety applies.
 */
#ifndef MOAT_JOSE_H
#define MOAT_JOSE_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "moat/error.h"
#include "moat/core.h"
#include "moat/json.h"
#include "moat/crypto.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ================================================================ sizes */

/** @brief Length of an RFC 7638 SHA-256 thumbprint in base64url (43). */
#define MOAT_JWK_THUMBPRINT_LEN 43u
/** @brief Size of the kid field of ::moat_jwk, NUL included (kids up to 63 bytes). */
#define MOAT_JWK_KID_SIZE 64u
/** @brief Largest "kid" a signer may put in a header (bytes, without NUL). */
#define MOAT_JWS_KID_MAX (MOAT_JWK_KID_SIZE - 1u)
/** @brief Largest JWK text accepted by moat_jwk_parse() (bytes). */
#define MOAT_JWK_MAX_INPUT 1024u
/** @brief Largest number of JSON values in a JWK. */
#define MOAT_JWK_MAX_VALUES 32u
/** @brief Output size sufficient for moat_jwk_emit() on any curve (NUL included). */
#define MOAT_JWK_EMIT_MAX 256u

/** @brief Largest decoded JWS protected header (bytes). */
#define MOAT_JWS_HEADER_MAX 1024u
/** @brief Largest number of JSON values in a protected header. */
#define MOAT_JWS_HEADER_MAX_VALUES 32u
/** @brief Largest number of "crit" names a caller may declare understood. */
#define MOAT_JWS_CRIT_MAX 8u
/** @brief Largest "typ" / "cty" a signer may put in a header (bytes). */
#define MOAT_JWS_TYP_MAX 64u

/**
 * @brief Upper bound of a compact JWS for a payload of @p n bytes, NUL
 *        included (header at most ::MOAT_JWS_HEADER_MAX, P-384 signature).
 */
#define MOAT_JWS_COMPACT_SIZE(n) \
    (MOAT_B64URL_ENC_LEN(MOAT_JWS_HEADER_MAX) + MOAT_B64URL_ENC_LEN((size_t)(n)) + \
     MOAT_B64URL_ENC_LEN(MOAT_ECDSA_RAW_MAX) + 3u)

/** @brief Most signature entries a General JSON Serialization may carry. */
#define MOAT_JWS_JSON_MAX_SIGNATURES 16u
/** @brief Largest General JSON Serialization document (bytes). */
#define MOAT_JWS_JSON_MAX_INPUT 65536u
/** @brief Largest number of JSON values in one document (all levels). */
#define MOAT_JWS_JSON_MAX_VALUES (8u + MOAT_JWS_JSON_MAX_SIGNATURES * 8u)
/** @brief Workspace for parsing one protected header (JSON arena + buffer). */
#define MOAT_JWS_HEADER_WORK_SIZE \
    (MOAT_JSON_ARENA_SIZE(MOAT_JWS_HEADER_MAX, MOAT_JWS_HEADER_MAX_VALUES) + \
     MOAT_JWS_HEADER_MAX + 32u)
/**
 * @brief Workspace bytes that moat_jws_json_verify() and moat_jws_json_sign()
 *        need for a document of @p doc_len bytes (JSON tree of the document
 *        plus one protected-header parse). About 2 * doc_len + 17 KiB.
 */
#define MOAT_JWS_JSON_WORK_SIZE(doc_len) \
    (MOAT_JSON_ARENA_SIZE((size_t)(doc_len), MOAT_JWS_JSON_MAX_VALUES) + \
     MOAT_JWS_HEADER_WORK_SIZE + 64u)

/**
 * @brief MOAT_JWS_COMPACT_SIZE() as a function (for the bindings); saturates
 *        at SIZE_MAX.
 */
size_t moat_jws_compact_size(size_t payload_len);
/** @brief MOAT_JWS_JSON_WORK_SIZE() as a function (for the bindings); @p doc_len
 *        is clamped to ::MOAT_JWS_JSON_MAX_INPUT (larger documents are refused). */
size_t moat_jws_json_work_size(size_t doc_len);

/** @brief Largest allowed clock skew for JWT time checks (seconds). */
#define MOAT_JWT_MAX_SKEW 3600u
/** @brief Largest claims set moat_jwt_check_time() parses (bytes). */
#define MOAT_JWT_MAX_INPUT 16384u
/** @brief Largest number of JSON values in a claims set. */
#define MOAT_JWT_MAX_VALUES 256u
/** @brief Workspace for moat_jwt_check_time() on @p len bytes of claims. */
#define MOAT_JWT_WORK_SIZE(len) MOAT_JSON_ARENA_SIZE((size_t)(len), MOAT_JWT_MAX_VALUES)

/** @brief MOAT_JWT_WORK_SIZE() as a function (for the bindings); @p len is
 *        clamped to ::MOAT_JWT_MAX_INPUT (larger claims sets are refused). */
size_t moat_jwt_work_size(size_t len);

/* ================================================================== JWK */

/**
 * @brief A public EC key with its key id.
 *
 * moat_jwk_parse() and moat_jwk_from_public() always set @c kid to the RFC
 * 7638 SHA-256 thumbprint of the key; a "kid" member in the JWK text is
 * ignored (it is only checked to be a string). Callers may overwrite @c kid
 * with any NUL-terminated string of at most ::MOAT_JWS_KID_MAX bytes to match
 * another naming scheme; key selection compares @c kid with the JWS "kid"
 * header byte for byte.
 */
typedef struct moat_jwk {
    moat_ec_public_key key;        /**< the validated public key */
    char kid[MOAT_JWK_KID_SIZE];   /**< NUL-terminated key id */
} moat_jwk;

/**
 * @brief RFC 7638 thumbprint: base64url(SHA-256 of the canonical JSON
 *        {"crv":..,"kty":"EC","x":..,"y":..} with members in lexicographic
 *        order and no whitespace).
 * @param pub a valid public key
 * @param[out] kid receives ::MOAT_JWK_THUMBPRINT_LEN characters and a NUL
 * @return ::MOAT_OK, ::MOAT_ERR_INVALID_ARGUMENT (NULL, unknown curve or a
 *         q_len inconsistent with the curve). On failure @p kid is wiped.
 */
moat_err moat_jwk_thumbprint(const moat_ec_public_key *pub,
                             char kid[MOAT_JWK_KID_SIZE]);

/**
 * @brief Build a ::moat_jwk from a public key (kid = thumbprint).
 * @return as moat_jwk_thumbprint(); @p jwk is wiped on failure.
 */
moat_err moat_jwk_from_public(const moat_ec_public_key *pub, moat_jwk *jwk);

/**
 * @brief Parse a public EC JWK (RFC 7517 section 4, RFC 7518 section 6.2).
 *
 * Requires "kty":"EC", "crv" "P-256" or "P-384", "x" and "y" base64url of
 * exactly the coordinate size, and a point on the curve. Other members are
 * ignored, except: "d" (a private key where a public one is expected) is
 * rejected, "kid" must be a string, and "alg", if present, must be the JWS
 * alg of the curve (ES256 / ES384).
 *
 * @param json JWK text (not necessarily NUL-terminated), at most
 *        ::MOAT_JWK_MAX_INPUT bytes
 * @param len its length
 * @param[out] jwk the key; kid = its thumbprint. Wiped on failure.
 * @return ::MOAT_OK;
 *   ::MOAT_ERR_JWK_PRIVATE_MEMBER ("d" present);
 *   ::MOAT_ERR_JWK_KTY (kty other than "EC", crv other than P-256/P-384);
 *   ::MOAT_ERR_JWK_MEMBER_MISSING (kty, crv, x or y absent);
 *   ::MOAT_ERR_JWK_INVALID (not an object, or kty/crv/x/y/kid/alg not a string);
 *   ::MOAT_ERR_JWK_COORD_LENGTH (x or y not exactly the coordinate size);
 *   ::MOAT_ERR_JOSE_ALG_KEY_MISMATCH ("alg" not the curve's);
 *   ::MOAT_ERR_CRYPTO_POINT_NOT_ON_CURVE; MOAT_ERR_B64_* from the
 *   coordinates; MOAT_ERR_JSON_* from the parser (::MOAT_ERR_JSON_TOO_LARGE
 *   beyond ::MOAT_JWK_MAX_INPUT); ::MOAT_ERR_INVALID_ARGUMENT.
 * Memory: about 5 KiB of stack.
 */
moat_err moat_jwk_parse(const char *json, size_t len, moat_jwk *jwk);

/**
 * @brief Parse a private EC JWK (with "d") into a private key and its public
 *        JWK. The public members must match the key derived from "d".
 * @param json private JWK text, at most ::MOAT_JWK_MAX_INPUT bytes
 * @param len its length
 * @param[out] priv the private key (secret: wipe with moat_ec_private_wipe())
 * @param[out] pub its public key, kid = thumbprint; may be NULL
 * @return as moat_jwk_parse() (without ::MOAT_ERR_JWK_PRIVATE_MEMBER);
 *   ::MOAT_ERR_JWK_MEMBER_MISSING if "d" is missing,
 *   ::MOAT_ERR_JWK_COORD_LENGTH if it has the wrong length,
 *   ::MOAT_ERR_JWK_KEY_MISMATCH if x/y do not match d;
 *   ::MOAT_ERR_CRYPTO_BAD_KEY if d is 0 or >= n.
 *   Every output and every temporary is wiped on failure.
 */
moat_err moat_jwk_parse_private(const char *json, size_t len,
                                moat_ec_private_key *priv, moat_jwk *pub);

/**
 * @brief Write a public key as a JWK:
 *        {"crv":"P-256","kty":"EC","x":"..","y":"..","kid":"<thumbprint>"}.
 * @param pub a valid public key
 * @param out buffer, ::MOAT_JWK_EMIT_MAX bytes are always enough
 * @param out_cap its capacity
 * @param[out] out_len characters written (without the NUL), or the size
 *        needed (with the NUL) on ::MOAT_ERR_BUFFER_TOO_SMALL.
 * @return ::MOAT_OK, ::MOAT_ERR_BUFFER_TOO_SMALL, ::MOAT_ERR_INVALID_ARGUMENT.
 */
moat_err moat_jwk_emit(const moat_ec_public_key *pub, char *out, size_t out_cap,
                       size_t *out_len);

/* ============================================================ JWS sign */

/** @brief The JWS alg a curve signs with ("ES256", "ES384"), or NULL. */
const char *moat_jws_alg_for_curve(moat_curve curve);

/** @brief Optional protected-header members for signing. */
typedef struct moat_jws_sign_opts {
    /** NULL: the RFC 7638 thumbprint of the signer's key; "": no kid member;
     *  otherwise this UTF-8 string (at most ::MOAT_JWS_KID_MAX bytes). */
    const char *kid;
    /** "typ" member (e.g. "JWT"), NULL for none; at most ::MOAT_JWS_TYP_MAX. */
    const char *typ;
    /** "cty" member, NULL for none; at most ::MOAT_JWS_TYP_MAX bytes. */
    const char *cty;
} moat_jws_sign_opts;

/**
 * @brief Sign @p payload as a compact JWS (RFC 7515 section 7.1) with the
 *        protected header {"alg":"ES256","kid":".."} ("ES384" for P-384).
 *
 * The signing input BASE64URL(header) '.' BASE64URL(payload) is hashed with
 * moat_curve_hash(signer->curve) and signed through @p signer->sign.
 *
 * @param signer the signing key (curve P-256 or P-384)
 * @param kid NULL for the thumbprint of the signer's key, "" for no kid,
 *        or a string of at most ::MOAT_JWS_KID_MAX bytes
 * @param payload any bytes (may be NULL if @p payload_len is 0)
 * @param payload_len its length
 * @param out receives the NUL-terminated JWS; MOAT_JWS_COMPACT_SIZE(payload_len)
 *        is always enough
 * @param out_cap its capacity
 * @param[out] out_len length without the NUL, or the size needed with the
 *        NUL on ::MOAT_ERR_BUFFER_TOO_SMALL (then nothing is signed)
 * @return ::MOAT_OK, ::MOAT_ERR_BUFFER_TOO_SMALL, ::MOAT_ERR_INVALID_ARGUMENT
 *         (NULL, kid too long or not UTF-8), ::MOAT_ERR_UNSUPPORTED (curve),
 *         or the signer's error. @p out is wiped on failure.
 */
moat_err moat_jws_sign_compact(const moat_signer *signer, const char *kid,
                               const uint8_t *payload, size_t payload_len,
                               char *out, size_t out_cap, size_t *out_len);

/**
 * @brief moat_jws_sign_compact() with "typ"/"cty" header members.
 * @param signer the signing key (curve P-256 or P-384)
 * @param opts NULL is the same as all-NULL members (kid = thumbprint).
 * @param payload any bytes (may be NULL if @p payload_len is 0)
 * @param payload_len its length
 * @param out receives the NUL-terminated JWS
 * @param out_cap its capacity
 * @param[out] out_len as for moat_jws_sign_compact()
 * @return as moat_jws_sign_compact(); ::MOAT_ERR_INVALID_ARGUMENT also for a
 *         typ/cty longer than ::MOAT_JWS_TYP_MAX or not UTF-8.
 */
moat_err moat_jws_sign_compact_ex(const moat_signer *signer,
                                  const moat_jws_sign_opts *opts,
                                  const uint8_t *payload, size_t payload_len,
                                  char *out, size_t out_cap, size_t *out_len);

/* ========================================================== JWS verify */

/** @brief Verification options (all optional). */
typedef struct moat_jws_verify_opts {
    /** Header parameter names the caller understands and processes itself,
     *  so that "crit" may name them (at most ::MOAT_JWS_CRIT_MAX). */
    const char *const *crit_understood;
    /** Number of entries in @c crit_understood. */
    size_t crit_count;
    /** If non-NULL, receives the decoded protected header JSON (NUL-terminated)
     *  after a successful verification, so the caller can read the
     *  parameters it declared understood, "typ", etc. Wiped on failure. */
    char *header_out;
    /** Capacity of @c header_out (::MOAT_JWS_HEADER_MAX + 1 is enough). If it
     *  is too small for a token that verified, the call returns
     *  ::MOAT_ERR_BUFFER_TOO_SMALL with @c *header_len = the size needed
     *  (NUL included) and the payload length 0: the payload's own size is
     *  reported only once the header fits. */
    size_t header_cap;
    /** If non-NULL, receives the header length (without NUL), or the size
     *  needed as described for @c header_cap. */
    size_t *header_len;
} moat_jws_verify_opts;

/**
 * @brief Verify a compact JWS under one public key and return its payload.
 *
 * Checks, in order: exactly three '.'-separated segments
 * (::MOAT_ERR_JOSE_FORMAT; empty header or signature segments are format
 * errors too), header size (::MOAT_ERR_JOSE_HEADER_TOO_LARGE), the header
 * policy (see the file comment: ::MOAT_ERR_JOSE_HEADER_INVALID,
 * ::MOAT_ERR_JOSE_ALG_MISSING, ::MOAT_ERR_JOSE_ALG_NOT_ALLOWED,
 * ::MOAT_ERR_JOSE_CRIT_MALFORMED, ::MOAT_ERR_JOSE_CRIT_UNKNOWN,
 * ::MOAT_ERR_UNSUPPORTED for b64), alg against the key's curve
 * (::MOAT_ERR_JOSE_ALG_KEY_MISMATCH), the signature length
 * (::MOAT_ERR_CRYPTO_SIG_ENCODING), r and s range
 * (::MOAT_ERR_CRYPTO_SIG_RANGE), the signature itself
 * (::MOAT_ERR_CRYPTO_SIG_INVALID); then decodes the payload. A "kid" header
 * member, if any, is not used (the caller chose the key).
 *
 * @param jws the compact serialization (not necessarily NUL-terminated)
 * @param jws_len its length
 * @param key the verifying key
 * @param payload_out receives the payload (may be NULL if @p payload_cap is 0)
 * @param payload_cap its capacity (the payload is at most 3/4 of @p jws_len)
 * @param[out] payload_len payload length; the size needed on
 *        ::MOAT_ERR_BUFFER_TOO_SMALL (reported only after a successful
 *        verification); 0 on other failures.
 * @return ::MOAT_OK or the first failed check's code; MOAT_ERR_B64_* for a
 *         non-canonical segment. On failure @p payload_out is wiped.
 */
moat_err moat_jws_verify_compact(const char *jws, size_t jws_len,
                                 const moat_ec_public_key *key,
                                 uint8_t *payload_out, size_t payload_cap,
                                 size_t *payload_len);

/**
 * @brief Verify a compact JWS under the key of a set whose kid equals the
 *        header's "kid".
 *
 * The header must carry a string "kid"; if it is absent or no key has it,
 * ::MOAT_ERR_JOSE_KID_UNKNOWN. If several keys carry the kid, the JWS is
 * valid if it verifies under any of them (the last failure is returned
 * otherwise). Other errors as moat_jws_verify_compact().
 * @param jws the compact serialization
 * @param jws_len its length
 * @param keys array of @p nkeys keys
 * @param nkeys number of keys (at least 1)
 * @param payload_out receives the payload
 * @param payload_cap its capacity
 * @param[out] payload_len as for moat_jws_verify_compact()
 */
moat_err moat_jws_verify_compact_keyset(const char *jws, size_t jws_len,
                                        const moat_jwk *keys, size_t nkeys,
                                        uint8_t *payload_out, size_t payload_cap,
                                        size_t *payload_len);

/**
 * @brief The general form: exactly one of @p key (one key, kid ignored) or
 *        @p keys / @p nkeys (selection by kid) must be given.
 * @param jws the compact serialization
 * @param jws_len its length
 * @param key one verifying key, or NULL
 * @param keys a key set selected by kid, or NULL
 * @param nkeys number of keys in @p keys
 * @param opts NULL for the defaults (no crit parameter understood).
 * @param payload_out receives the payload
 * @param payload_cap its capacity
 * @param[out] payload_len as for moat_jws_verify_compact()
 * @return as moat_jws_verify_compact() / moat_jws_verify_compact_keyset();
 *         ::MOAT_ERR_INVALID_ARGUMENT if both or neither key forms are given
 *         or @p opts is inconsistent.
 */
moat_err moat_jws_verify_compact_ex(const char *jws, size_t jws_len,
                                    const moat_ec_public_key *key,
                                    const moat_jwk *keys, size_t nkeys,
                                    const moat_jws_verify_opts *opts,
                                    uint8_t *payload_out, size_t payload_cap,
                                    size_t *payload_len);

/* ================================================= JWS JSON (general) */

/**
 * @brief Add one signature to a JWS General JSON Serialization
 *        (RFC 7515 section 7.2.1), or start a new one.
 *
 * Output: {"payload":"..","signatures":[{"protected":"..","signature":".."},...]}
 * with the kid inside each protected header. Building a k-of-n document is
 * one call per signer, each feeding the previous output as @p in_doc.
 *
 * @param in_doc an existing document, or NULL to start one over @p payload.
 *        Its "payload" string is kept byte for byte (the new signature covers
 *        exactly it); existing signature entries are copied unchanged.
 *        Entries with an unprotected "header", flattened members, or other
 *        top-level members are not carried over: ::MOAT_ERR_UNSUPPORTED.
 * @param in_len length of @p in_doc (at most ::MOAT_JWS_JSON_MAX_INPUT)
 * @param payload the payload when @p in_doc is NULL (must be NULL / 0 otherwise)
 * @param payload_len its length
 * @param signer the new signer
 * @param kid as for moat_jws_sign_compact() (NULL: thumbprint)
 * @param work workspace of at least MOAT_JWS_JSON_WORK_SIZE(in_len) bytes
 *        (unused, may be NULL, when @p in_doc is NULL). Wiped on return.
 * @param work_size its size
 * @param out receives the new document, NUL-terminated
 * @param out_cap its capacity
 * @param[out] out_len its length without the NUL; on
 *        ::MOAT_ERR_BUFFER_TOO_SMALL the size needed (with the NUL).
 * @return ::MOAT_OK; ::MOAT_ERR_INPUT_TOO_LARGE (already
 *         ::MOAT_JWS_JSON_MAX_SIGNATURES entries, or an input or resulting
 *         document larger than ::MOAT_JWS_JSON_MAX_INPUT); ::MOAT_ERR_JOSE_FORMAT (not a general
 *         serialization); ::MOAT_ERR_OUT_OF_MEMORY (workspace too small);
 *         ::MOAT_ERR_BUFFER_TOO_SMALL; MOAT_ERR_JSON_*; the signer's error.
 */
moat_err moat_jws_json_sign(const char *in_doc, size_t in_len,
                            const uint8_t *payload, size_t payload_len,
                            const moat_signer *signer, const char *kid,
                            void *work, size_t work_size,
                            char *out, size_t out_cap, size_t *out_len);

/**
 * @brief Verify a JWS General JSON Serialization against a k-of-n threshold.
 *
 * Document rules: an object with a string "payload" and a non-empty array
 * "signatures" of at most ::MOAT_JWS_JSON_MAX_SIGNATURES objects, each with
 * string "protected" and "signature" and optionally an object "header" (which
 * must not repeat protected names nor carry "alg", "crit" or "b64"); no top-level
 * flattened members. Any violation, and any entry whose protected header
 * breaks the header policy (size, JSON, alg allow-list, crit, b64) or whose
 * signature is not canonical base64url of the alg's exact raw length,
 * REJECTS THE WHOLE DOCUMENT with that code.
 *
 * Counting rule: an entry is attributed by the "kid" of its protected header
 * (never the unprotected one) to every key of @p keys with that kid; entries
 * with no kid or an unknown kid are ignored. An entry whose alg does not
 * match the key's curve, or whose signature fails to verify (including r/s
 * out of range), is simply not counted. Each DISTINCT public key (compared by
 * curve and point bytes, not by kid) counts at most once, however many
 * entries or kids it has. At least @p threshold distinct keys must verify.
 *
 * @param doc the document (not necessarily NUL-terminated)
 * @param doc_len its length (at most ::MOAT_JWS_JSON_MAX_INPUT)
 * @param keys the trusted keys
 * @param nkeys their number (at least @p threshold)
 * @param threshold k, 1 <= k <= ::MOAT_JWS_JSON_MAX_SIGNATURES
 * @param opts NULL for defaults (crit list; header_out is not used here)
 * @param work workspace of at least MOAT_JWS_JSON_WORK_SIZE(doc_len) bytes;
 *        wiped on return.
 * @param work_size its size
 * @param payload_out receives the payload, decoded only once the threshold
 *        is met; wiped on failure
 * @param payload_cap its capacity
 * @param[out] payload_len the payload length; 0 on failure, the size needed
 *        on ::MOAT_ERR_BUFFER_TOO_SMALL
 * @param[out] valid_signers number of distinct valid keys found (also set on
 *        ::MOAT_ERR_JOSE_THRESHOLD; 0 on other failures); may be NULL.
 * @return ::MOAT_OK; ::MOAT_ERR_INVALID_ARGUMENT (threshold 0, above
 *         nkeys or above ::MOAT_JWS_JSON_MAX_SIGNATURES, NULL);
 *         ::MOAT_ERR_JOSE_THRESHOLD; ::MOAT_ERR_JOSE_FORMAT;
 *         ::MOAT_ERR_INPUT_TOO_LARGE (too many entries);
 *         ::MOAT_ERR_OUT_OF_MEMORY (workspace); header-policy codes as
 *         moat_jws_verify_compact(); MOAT_ERR_B64_*; MOAT_ERR_JSON_*;
 *         ::MOAT_ERR_BUFFER_TOO_SMALL.
 */
moat_err moat_jws_json_verify(const char *doc, size_t doc_len,
                              const moat_jwk *keys, size_t nkeys,
                              size_t threshold,
                              const moat_jws_verify_opts *opts,
                              void *work, size_t work_size,
                              uint8_t *payload_out, size_t payload_cap,
                              size_t *payload_len, size_t *valid_signers);

/* ================================================================== JWT */

/** @brief moat_jwt_check_time() flag: "exp" must be present. */
#define MOAT_JWT_REQUIRE_EXP 0x1u
/** @brief moat_jwt_check_time() flag: "nbf" must be present. */
#define MOAT_JWT_REQUIRE_NBF 0x2u
/** @brief moat_jwt_check_time() flag: "iat" must be present. */
#define MOAT_JWT_REQUIRE_IAT 0x4u

/**
 * @brief Check the time claims of a parsed JWT claims set
 *        (RFC 7519 sections 4.1.4-4.1.6).
 *
 * Each of "exp", "nbf", "iat" present must be an integer NumericDate in
 * [0, 2^53-1] (fractions are rejected): else ::MOAT_ERR_JWT_CLAIM, which is
 * also returned when a claim required by @p flags is missing. With
 * s = @p skew:
 * - exp <= now - s: ::MOAT_ERR_JWT_EXPIRED (RFC 7519: now must be before exp);
 * - nbf > now + s: ::MOAT_ERR_JWT_NOT_YET_VALID;
 * - iat > now + s: ::MOAT_ERR_JWT_IAT_FUTURE.
 * Checked in the order exp, nbf, iat.
 *
 * @param claims a JSON object (else ::MOAT_ERR_JWT_CLAIM)
 * @param now current time, seconds since the epoch (trusted time)
 * @param skew allowed clock skew, at most ::MOAT_JWT_MAX_SKEW
 *        (else ::MOAT_ERR_INVALID_ARGUMENT)
 * @param flags MOAT_JWT_REQUIRE_* bits
 */
moat_err moat_jwt_check_time_json(const moat_json *claims, int64_t now,
                                  uint32_t skew, uint32_t flags);

/**
 * @brief Parse a claims set (e.g. a verified JWS payload) with the bounded
 *        parser and check its time claims as moat_jwt_check_time_json().
 * @param payload the JSON claims set
 * @param len its length (at most ::MOAT_JWT_MAX_INPUT, else
 *        ::MOAT_ERR_INPUT_TOO_LARGE)
 * @param now current time, seconds since the epoch
 * @param skew allowed clock skew, at most ::MOAT_JWT_MAX_SKEW
 * @param flags MOAT_JWT_REQUIRE_* bits
 * @param work JSON arena of at least MOAT_JWT_WORK_SIZE(len) bytes; wiped on
 *        return.
 * @param work_size its size
 * @return as moat_jwt_check_time_json(); MOAT_ERR_JSON_* for malformed
 *         JSON; ::MOAT_ERR_OUT_OF_MEMORY if @p work_size is too small.
 */
moat_err moat_jwt_check_time(const uint8_t *payload, size_t len, int64_t now,
                             uint32_t skew, uint32_t flags, void *work,
                             size_t work_size);

#ifdef __cplusplus
}
#endif
#endif /* MOAT_JOSE_H */
