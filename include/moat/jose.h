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
 * Memory: no heap. Whole-call stack peaks (moat and BearSSL, x86-64, gcc 12
 * -Os, docs/bench.md): JWK parse about 5 KiB, compact verify about 9 KiB
 * (header buffer + JSON arena on the stack), compact signing with an
 * in-memory signer about 6.5 KiB (the signature is also verified before
 * release). The JSON serialization functions and moat_jwt_check_time() take
 * a caller workspace (MOAT_JWS_JSON_WORK_SIZE(), MOAT_JWT_WORK_SIZE())
 * instead of stack for the document.
 *
 * Thread safety: every function is reentrant and keeps no global state;
 * signing calls the signer's callback, whose own thread safety applies.
 * Concurrent calls must not share an output buffer or workspace.
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

/** @brief Most certificates in an "x5c" header (RFC 7515 section 4.1.6). */
#define MOAT_JWS_X5C_MAX 4u
/**
 * @brief Largest decoded protected header accepted by the x5c-aware entry
 *        points (moat_jws_sign_compact_ex() with x5c,
 *        moat_jws_verify_compact_work(), moat_jws_compact_peek_header()):
 *        room for about four 1 KiB certificates in standard base64. The
 *        classic entry points keep ::MOAT_JWS_HEADER_MAX (and their stack
 *        use); these take a caller workspace instead.
 */
#define MOAT_JWS_X5C_HEADER_MAX 6144u
/**
 * @brief Workspace for moat_jws_verify_compact_work() and
 *        moat_jws_compact_peek_header(): header buffer + JSON arena for a
 *        header of up to ::MOAT_JWS_X5C_HEADER_MAX bytes (about 10 KiB).
 */
#define MOAT_JWS_X5C_WORK_SIZE \
    (MOAT_JSON_ARENA_SIZE(MOAT_JWS_X5C_HEADER_MAX, MOAT_JWS_HEADER_MAX_VALUES) + \
     MOAT_JWS_X5C_HEADER_MAX + 48u)
/**
 * @brief Output capacity always sufficient for moat_jws_sign_compact_ex()
 *        with an x5c header and a payload of @p n bytes, NUL included: the
 *        JWS itself plus the scratch room for the decoded header (which is
 *        built at the end of the output buffer, then wiped).
 */
#define MOAT_JWS_COMPACT_X5C_SIZE(n) \
    (MOAT_B64URL_ENC_LEN(MOAT_JWS_X5C_HEADER_MAX) + MOAT_B64URL_ENC_LEN((size_t)(n)) + \
     MOAT_B64URL_ENC_LEN(MOAT_ECDSA_RAW_MAX) + 3u + MOAT_JWS_X5C_HEADER_MAX + 1u)

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
 * @brief MOAT_JWS_COMPACT_SIZE() as a function (for the bindings).
 * @param payload_len the payload length in bytes
 * @return the bound, NUL included; SIZE_MAX when it would overflow (such a
 *         payload is refused by the signing functions). Cannot fail; no
 *         heap; reentrant.
 */
size_t moat_jws_compact_size(size_t payload_len);
/**
 * @brief MOAT_JWS_JSON_WORK_SIZE() as a function (for the bindings).
 * @param doc_len document length; clamped to ::MOAT_JWS_JSON_MAX_INPUT
 *        (larger documents are refused)
 * @return the workspace size in bytes. Cannot fail; no heap; reentrant.
 */
size_t moat_jws_json_work_size(size_t doc_len);

/** @brief Largest allowed clock skew for JWT time checks (seconds). */
#define MOAT_JWT_MAX_SKEW 3600u
/** @brief Largest claims set moat_jwt_check_time() parses (bytes). */
#define MOAT_JWT_MAX_INPUT 16384u
/** @brief Largest number of JSON values in a claims set. */
#define MOAT_JWT_MAX_VALUES 256u
/** @brief Workspace for moat_jwt_check_time() on @p len bytes of claims. */
#define MOAT_JWT_WORK_SIZE(len) MOAT_JSON_ARENA_SIZE((size_t)(len), MOAT_JWT_MAX_VALUES)

/**
 * @brief MOAT_JWT_WORK_SIZE() as a function (for the bindings).
 * @param len claims set length; clamped to ::MOAT_JWT_MAX_INPUT (larger
 *        claims sets are refused)
 * @return the workspace size in bytes. Cannot fail; no heap; reentrant.
 */
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
 * @return ::MOAT_OK;
 *   ::MOAT_ERR_INVALID_ARGUMENT (@p pub or @p kid NULL, unknown curve, or
 *   @p pub->q not 0x04 || X || Y of the curve's length);
 *   ::MOAT_ERR_INTERNAL (encoding produced an unexpected length: not
 *   expected). On failure @p kid is wiped.
 *
 * Memory: no heap; about 0.6 KiB of stack. Thread safety: reentrant.
 */
moat_err moat_jwk_thumbprint(const moat_ec_public_key *pub,
                             char kid[MOAT_JWK_KID_SIZE]);

/**
 * @brief Build a ::moat_jwk from a public key (kid = thumbprint).
 * @param pub a valid public key (copied; its form is checked, not the curve
 *        equation)
 * @param[out] jwk the result
 * @return ::MOAT_OK;
 *   ::MOAT_ERR_INVALID_ARGUMENT (@p jwk NULL, and the cases of
 *   moat_jwk_thumbprint());
 *   ::MOAT_ERR_INTERNAL (as moat_jwk_thumbprint()).
 *   @p jwk is wiped on failure.
 *
 * Memory: no heap; about 0.6 KiB of stack. Thread safety: reentrant.
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
 *   ::MOAT_ERR_INVALID_ARGUMENT (@p json or @p jwk NULL);
 *   MOAT_ERR_JSON_* from the bounded parser: ::MOAT_ERR_JSON_TOO_LARGE
 *   (beyond ::MOAT_JWK_MAX_INPUT), ::MOAT_ERR_JSON_DEPTH (deeper than 4),
 *   ::MOAT_ERR_JSON_TOO_MANY_MEMBERS (more than ::MOAT_JWK_MAX_VALUES
 *   values), ::MOAT_ERR_JSON_SYNTAX, ::MOAT_ERR_JSON_UTF8,
 *   ::MOAT_ERR_JSON_SURROGATE, ::MOAT_ERR_JSON_NUL_CHAR,
 *   ::MOAT_ERR_JSON_NUMBER, ::MOAT_ERR_JSON_TRAILING,
 *   ::MOAT_ERR_JSON_DUPLICATE_KEY (::MOAT_ERR_JSON_ARENA and
 *   ::MOAT_ERR_INTERNAL are not expected: the arena is sized for the bounds);
 *   ::MOAT_ERR_JWK_INVALID (not an object, or kty/crv/x/y/kid/alg not a string);
 *   ::MOAT_ERR_JWK_PRIVATE_MEMBER ("d" present);
 *   ::MOAT_ERR_JWK_MEMBER_MISSING (kty, crv, x or y absent);
 *   ::MOAT_ERR_JWK_KTY (kty other than "EC", crv other than P-256/P-384);
 *   ::MOAT_ERR_JOSE_ALG_KEY_MISMATCH ("alg" not the curve's);
 *   ::MOAT_ERR_JWK_COORD_LENGTH (x or y not exactly the coordinate size);
 *   ::MOAT_ERR_B64_PADDING, ::MOAT_ERR_B64_CHAR,
 *   ::MOAT_ERR_B64_TRAILING_BITS (a coordinate not canonical base64url);
 *   ::MOAT_ERR_CRYPTO_POINT_NOT_ON_CURVE;
 *   ::MOAT_ERR_INTERNAL (thumbprint, not expected).
 *
 * Memory: no heap; about 5 KiB of stack (the JSON arena, wiped).
 * Thread safety: reentrant.
 */
moat_err moat_jwk_parse(const char *json, size_t len, moat_jwk *jwk);

/**
 * @brief Parse a private EC JWK (with "d") into a private key and its public
 *        JWK. The public members must match the key derived from "d".
 * @param json private JWK text, at most ::MOAT_JWK_MAX_INPUT bytes
 * @param len its length
 * @param[out] priv the private key (secret: wipe with moat_ec_private_wipe())
 * @param[out] pub its public key, kid = thumbprint; may be NULL
 * @return ::MOAT_OK;
 *   ::MOAT_ERR_INVALID_ARGUMENT (@p json or @p priv NULL);
 *   the errors of moat_jwk_parse() except ::MOAT_ERR_JWK_PRIVATE_MEMBER
 *   (MOAT_ERR_JSON_*, ::MOAT_ERR_JWK_INVALID, ::MOAT_ERR_JWK_MEMBER_MISSING,
 *   ::MOAT_ERR_JWK_KTY, ::MOAT_ERR_JOSE_ALG_KEY_MISMATCH,
 *   ::MOAT_ERR_JWK_COORD_LENGTH, MOAT_ERR_B64_*,
 *   ::MOAT_ERR_CRYPTO_POINT_NOT_ON_CURVE), and for "d":
 *   ::MOAT_ERR_JWK_MEMBER_MISSING if it is missing,
 *   ::MOAT_ERR_JWK_INVALID if it is not a string,
 *   ::MOAT_ERR_JWK_COORD_LENGTH if it has the wrong length,
 *   MOAT_ERR_B64_* if it is not canonical base64url,
 *   ::MOAT_ERR_CRYPTO_BAD_KEY if d is 0 or >= n;
 *   ::MOAT_ERR_JWK_KEY_MISMATCH if x/y do not match d;
 *   ::MOAT_ERR_INTERNAL (public key derivation or thumbprint, not expected).
 *   Every output and every temporary is wiped on failure.
 *
 * Memory: no heap; about 5 KiB of stack plus a scalar multiplication
 * (about 3 KiB). Thread safety: reentrant.
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
 *        needed (with the NUL) on ::MOAT_ERR_BUFFER_TOO_SMALL; 0 on other
 *        failures.
 * @return ::MOAT_OK;
 *   ::MOAT_ERR_INVALID_ARGUMENT (@p out_len NULL, @p out NULL with
 *   @p out_cap != 0, or @p pub NULL / unknown curve / malformed point);
 *   ::MOAT_ERR_BUFFER_TOO_SMALL (@p out may be NULL with @p out_cap 0 to
 *   query the size);
 *   ::MOAT_ERR_INTERNAL (thumbprint, not expected).
 *   @p out is wiped on failure (once @p out_len is known to be usable).
 *
 * Memory: no heap; about 0.8 KiB of stack. Thread safety: reentrant.
 */
moat_err moat_jwk_emit(const moat_ec_public_key *pub, char *out, size_t out_cap,
                       size_t *out_len);

/* ============================================================ JWS sign */

/**
 * @brief The JWS alg a curve signs with.
 * @param curve any value
 * @return "ES256" (P-256), "ES384" (P-384), or NULL for any other value.
 *         A static string. Cannot fail; no heap; reentrant.
 */
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
    /** "x5c" member (RFC 7515 section 4.1.6): DER certificates, the one
     *  holding the signing key first, each written in standard base64
     *  (RFC 4648 section 4, NOT base64url). NULL / 0 for none. The bytes are
     *  not parsed; the signer's key is not compared with the first one. */
    const uint8_t *const *x5c;
    /** Lengths of the @c x5c certificates (each at least 1). */
    const size_t *x5c_lens;
    /** Number of certificates, at most ::MOAT_JWS_X5C_MAX. */
    size_t x5c_count;
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
 * @return ::MOAT_OK;
 *   ::MOAT_ERR_INVALID_ARGUMENT (@p out_len, @p signer or @p signer->sign
 *   NULL; @p out NULL with @p out_cap != 0; @p payload NULL with
 *   @p payload_len != 0; @p signer->pub not on @p signer->curve or
 *   malformed; @p kid longer than ::MOAT_JWS_KID_MAX or not UTF-8);
 *   ::MOAT_ERR_UNSUPPORTED (@p signer->curve not P-256/P-384);
 *   ::MOAT_ERR_INPUT_TOO_LARGE (@p payload_len so large the size would
 *   overflow);
 *   ::MOAT_ERR_BUFFER_TOO_SMALL (checked before signing);
 *   the errors of moat_signer_sign_digest(): the signer's own error, or
 *   ::MOAT_ERR_INTERNAL when its signature does not verify;
 *   ::MOAT_ERR_INTERNAL (length inconsistency, not expected).
 *   @p out is wiped on failure (once @p out_len is known to be usable).
 *
 * Memory: no heap; about 6.5 KiB of stack peak with an in-memory signer
 * (docs/bench.md). Thread safety: reentrant; the signer's callback is
 * called on the calling thread.
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
 * @return as moat_jws_sign_compact() (::MOAT_OK, ::MOAT_ERR_INVALID_ARGUMENT,
 *         ::MOAT_ERR_UNSUPPORTED, ::MOAT_ERR_INPUT_TOO_LARGE,
 *         ::MOAT_ERR_BUFFER_TOO_SMALL, the signer's error,
 *         ::MOAT_ERR_INTERNAL); ::MOAT_ERR_INVALID_ARGUMENT also for a
 *         typ/cty longer than ::MOAT_JWS_TYP_MAX or not UTF-8, and for an
 *         inconsistent x5c (x5c_count above ::MOAT_JWS_X5C_MAX, x5c or
 *         x5c_lens NULL with x5c_count != 0, a NULL or empty certificate);
 *         ::MOAT_ERR_INPUT_TOO_LARGE also for an x5c header above
 *         ::MOAT_JWS_X5C_HEADER_MAX bytes.
 *
 * With x5c, the header JSON is built in the tail of @p out before being
 * encoded at its start: the capacity needed (reported on
 * ::MOAT_ERR_BUFFER_TOO_SMALL) is the JWS length + 1 + the header length + 1;
 * MOAT_JWS_COMPACT_X5C_SIZE(payload_len) is always enough. The scratch is
 * wiped; *out_len is the JWS length as usual.
 *
 * Memory and thread safety: as moat_jws_sign_compact() (x5c adds no stack:
 * certificates are encoded 48 bytes at a time).
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
 * (::MOAT_ERR_JOSE_ALG_KEY_MISMATCH), the signature length for the header's
 * alg (::MOAT_ERR_CRYPTO_SIG_ENCODING), r and s range
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
 * @return ::MOAT_OK or the first failed check's code:
 *   ::MOAT_ERR_INVALID_ARGUMENT (@p payload_len, @p jws or @p key NULL, or
 *   @p payload_out NULL with @p payload_cap != 0);
 *   ::MOAT_ERR_JOSE_FORMAT; ::MOAT_ERR_JOSE_HEADER_TOO_LARGE;
 *   MOAT_ERR_B64_* (::MOAT_ERR_B64_PADDING, ::MOAT_ERR_B64_CHAR,
 *   ::MOAT_ERR_B64_LENGTH, ::MOAT_ERR_B64_TRAILING_BITS) for a
 *   non-canonical header or signature segment, and for the payload segment
 *   (found only after the signature verified);
 *   MOAT_ERR_JSON_* from parsing the decoded header (::MOAT_ERR_JSON_SYNTAX,
 *   ::MOAT_ERR_JSON_DEPTH beyond 8, ::MOAT_ERR_JSON_TOO_MANY_MEMBERS beyond
 *   ::MOAT_JWS_HEADER_MAX_VALUES, ::MOAT_ERR_JSON_UTF8,
 *   ::MOAT_ERR_JSON_SURROGATE, ::MOAT_ERR_JSON_NUL_CHAR,
 *   ::MOAT_ERR_JSON_NUMBER, ::MOAT_ERR_JSON_TRAILING,
 *   ::MOAT_ERR_JSON_DUPLICATE_KEY);
 *   ::MOAT_ERR_JOSE_HEADER_INVALID (not an object; b64 not a boolean; kid,
 *   typ or cty not a string); ::MOAT_ERR_JOSE_ALG_MISSING;
 *   ::MOAT_ERR_JOSE_ALG_NOT_ALLOWED; ::MOAT_ERR_JOSE_CRIT_MALFORMED;
 *   ::MOAT_ERR_JOSE_CRIT_UNKNOWN; ::MOAT_ERR_UNSUPPORTED ("b64": false);
 *   ::MOAT_ERR_CRYPTO_SIG_ENCODING; ::MOAT_ERR_JOSE_ALG_KEY_MISMATCH;
 *   ::MOAT_ERR_CRYPTO_POINT_ENCODING (@p key malformed);
 *   ::MOAT_ERR_CRYPTO_SIG_RANGE; ::MOAT_ERR_CRYPTO_SIG_INVALID;
 *   ::MOAT_ERR_BUFFER_TOO_SMALL (after a successful verification).
 *   On failure @p payload_out is wiped.
 *
 * Memory: no heap; about 9 KiB of stack peak (docs/bench.md); the header
 * work area is wiped. Thread safety: reentrant.
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
 * @return ::MOAT_OK;
 *   ::MOAT_ERR_INVALID_ARGUMENT (@p payload_len, @p jws or @p keys NULL,
 *   @p nkeys 0, or @p payload_out NULL with @p payload_cap != 0);
 *   ::MOAT_ERR_JOSE_KID_UNKNOWN (no string "kid", or no key carries it);
 *   ::MOAT_ERR_JOSE_HEADER_INVALID ("kid" not a string, and the other
 *   header cases);
 *   ::MOAT_ERR_JOSE_ALG_KEY_MISMATCH, ::MOAT_ERR_CRYPTO_POINT_ENCODING,
 *   ::MOAT_ERR_CRYPTO_SIG_RANGE or ::MOAT_ERR_CRYPTO_SIG_INVALID: the
 *   failure for the last key carrying the kid;
 *   every other code of moat_jws_verify_compact(), for the same reasons.
 *   On failure @p payload_out is wiped.
 *
 * Memory and thread safety: as moat_jws_verify_compact().
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
 *   ::MOAT_ERR_INVALID_ARGUMENT also if both or neither key forms are
 *   given, @p keys is given with @p nkeys 0, or @p opts is inconsistent
 *   (crit_count above ::MOAT_JWS_CRIT_MAX, crit_count > 0 with a NULL
 *   crit_understood, header_out NULL with header_cap != 0);
 *   ::MOAT_ERR_BUFFER_TOO_SMALL also when the token verified but
 *   opts->header_out is too small (*opts->header_len = size needed, NUL
 *   included; *payload_len = 0).
 *   On failure @p payload_out and opts->header_out are wiped.
 *
 * Memory and thread safety: as moat_jws_verify_compact().
 */
moat_err moat_jws_verify_compact_ex(const char *jws, size_t jws_len,
                                    const moat_ec_public_key *key,
                                    const moat_jwk *keys, size_t nkeys,
                                    const moat_jws_verify_opts *opts,
                                    uint8_t *payload_out, size_t payload_cap,
                                    size_t *payload_len);

/**
 * @brief moat_jws_verify_compact_ex() with one key, for tokens whose
 *        protected header may be up to ::MOAT_JWS_X5C_HEADER_MAX bytes (e.g.
 *        an "x5c" chain), with the header work area in @p work instead of
 *        the stack. Same checks, same order, same error codes; the header
 *        bound is ::MOAT_JWS_X5C_HEADER_MAX (::MOAT_ERR_JOSE_HEADER_TOO_LARGE
 *        beyond it). An "x5c" member is NOT used to find the key: the
 *        caller validated the chain and passes its leaf key.
 * @param jws the compact serialization
 * @param jws_len its length
 * @param key the verifying key
 * @param opts NULL for the defaults (as moat_jws_verify_compact_ex())
 * @param work workspace of at least ::MOAT_JWS_X5C_WORK_SIZE bytes; wiped
 *        on return
 * @param work_size its size
 * @param payload_out receives the payload
 * @param payload_cap its capacity
 * @param[out] payload_len as for moat_jws_verify_compact()
 * @return the codes of moat_jws_verify_compact_ex();
 *   ::MOAT_ERR_OUT_OF_MEMORY (@p work NULL or smaller than
 *   ::MOAT_JWS_X5C_WORK_SIZE). On failure @p payload_out is wiped.
 *
 * Memory: no heap; about 1 KiB of own stack plus one ECDSA verification
 * (about 3 KiB) and the JSON parser's recursion (depth 8). Thread safety:
 * reentrant with distinct @p work.
 */
moat_err moat_jws_verify_compact_work(const char *jws, size_t jws_len,
                                      const moat_ec_public_key *key,
                                      const moat_jws_verify_opts *opts,
                                      void *work, size_t work_size,
                                      uint8_t *payload_out, size_t payload_cap,
                                      size_t *payload_len);

/**
 * @brief Decode and policy-check the protected header of an UNVERIFIED
 *        compact JWS, for key discovery (e.g. reading its "x5c" chain).
 *
 * UNTRUSTED INPUT: nothing returned here is authenticated. The caller
 * must choose a key by its own trust rules (validate the x5c chain to its
 * anchors) and then verify the token with that key
 * (moat_jws_verify_compact_work()); never use anything of the header for a
 * decision before that. The same header policy as verification is applied
 * (alg allow-list, crit, b64, member types) so that malformed tokens are
 * refused early with the same codes.
 * @param jws the compact serialization
 * @param jws_len its length
 * @param opts NULL or the crit names the later verification will accept
 * @param work workspace of at least ::MOAT_JWS_X5C_WORK_SIZE bytes; holds
 *        the results; the caller wipes or reuses it
 * @param work_size its size
 * @param[out] header the parsed header object (in @p work); NULL on failure
 * @param[out] header_json the decoded header text, NUL-terminated (in
 *        @p work); NULL on failure; may be NULL
 * @param[out] header_json_len its length; 0 on failure; may be NULL
 * @return ::MOAT_OK;
 *   ::MOAT_ERR_INVALID_ARGUMENT (@p jws or @p header NULL, or @p opts crit
 *   list inconsistent as for moat_jws_verify_compact_ex());
 *   ::MOAT_ERR_OUT_OF_MEMORY (@p work NULL or too small);
 *   ::MOAT_ERR_JOSE_FORMAT (not three segments, empty header or signature);
 *   ::MOAT_ERR_JOSE_HEADER_TOO_LARGE (above ::MOAT_JWS_X5C_HEADER_MAX);
 *   MOAT_ERR_B64_* (header segment not canonical base64url);
 *   MOAT_ERR_JSON_* (as moat_jws_verify_compact());
 *   ::MOAT_ERR_JOSE_HEADER_INVALID, ::MOAT_ERR_JOSE_ALG_MISSING,
 *   ::MOAT_ERR_JOSE_ALG_NOT_ALLOWED, ::MOAT_ERR_JOSE_CRIT_MALFORMED,
 *   ::MOAT_ERR_JOSE_CRIT_UNKNOWN, ::MOAT_ERR_UNSUPPORTED (b64 false).
 *   On failure @p work is wiped.
 *
 * Memory: no heap; the JSON parser's stack (depth 8). Thread safety:
 * reentrant with distinct @p work.
 */
moat_err moat_jws_compact_peek_header(const char *jws, size_t jws_len,
                                      const moat_jws_verify_opts *opts,
                                      void *work, size_t work_size,
                                      const moat_json **header,
                                      const char **header_json,
                                      size_t *header_json_len);

/**
 * @brief Decode the "x5c" member of a (peeked) protected header into
 *        @p der_out: RFC 7515 section 4.1.6, a non-empty array of standard
 *        base64 (RFC 4648 section 4, padded, canonical) DER certificates,
 *        leaf first. The certificates are not parsed (use moat_x509_parse()
 *        / moat_x509_verify()); each must be non-empty.
 * @param header the header object (from moat_jws_compact_peek_header())
 * @param der_out receives the certificates back to back
 * @param der_cap its capacity
 * @param[out] certs receives pointers into @p der_out, leaf first
 * @param[out] lens receives their lengths
 * @param max_certs capacity of @p certs and @p lens (at least 1)
 * @param[out] count number of certificates; 0 on failure
 * @return ::MOAT_OK;
 *   ::MOAT_ERR_INVALID_ARGUMENT (@p count, @p certs, @p lens or @p header
 *   NULL, @p der_out NULL with @p der_cap != 0, @p max_certs 0);
 *   ::MOAT_ERR_NOT_FOUND (no "x5c" member);
 *   ::MOAT_ERR_JOSE_HEADER_INVALID (not a non-empty array of non-empty
 *   strings);
 *   MOAT_ERR_B64_* (an element not canonical standard base64: base64url
 *   characters give ::MOAT_ERR_B64_CHAR);
 *   ::MOAT_ERR_INPUT_TOO_LARGE (more than @p max_certs elements);
 *   ::MOAT_ERR_BUFFER_TOO_SMALL (the certificates do not fit in @p der_cap).
 *   On failure @p der_out, @p certs and @p lens are wiped.
 *
 * Memory: no heap; a few dozen bytes of stack. Thread safety: reentrant
 * (read-only on the tree).
 */
moat_err moat_jws_header_x5c(const moat_json *header, uint8_t *der_out,
                             size_t der_cap, const uint8_t **certs, size_t *lens,
                             size_t max_certs, size_t *count);

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
 * @return ::MOAT_OK;
 *   ::MOAT_ERR_INVALID_ARGUMENT (@p out_len, @p signer or @p signer->sign
 *   NULL; @p out NULL with @p out_cap != 0; @p payload given with
 *   @p in_doc; @p payload NULL with @p payload_len != 0; a malformed
 *   signer public key; @p kid longer than ::MOAT_JWS_KID_MAX or not UTF-8);
 *   ::MOAT_ERR_UNSUPPORTED (@p signer->curve not P-256/P-384; @p in_doc
 *   has top-level members other than payload/signatures, or an entry with
 *   members other than protected/signature);
 *   ::MOAT_ERR_INPUT_TOO_LARGE (@p payload_len or @p in_len above
 *   ::MOAT_JWS_JSON_MAX_INPUT, already ::MOAT_JWS_JSON_MAX_SIGNATURES
 *   entries, or a resulting document larger than ::MOAT_JWS_JSON_MAX_INPUT);
 *   ::MOAT_ERR_OUT_OF_MEMORY (@p work NULL or too small, with @p in_doc);
 *   MOAT_ERR_JSON_* from parsing @p in_doc (as moat_json_parse(), depth
 *   bound 8, ::MOAT_JWS_JSON_MAX_VALUES values);
 *   ::MOAT_ERR_JOSE_FORMAT (not a general serialization: not an object,
 *   flattened members, no string payload, no non-empty signatures array,
 *   an entry without string protected/signature);
 *   MOAT_ERR_B64_* (a copied payload, protected or signature field that is
 *   not canonical base64url; checked after the size);
 *   ::MOAT_ERR_BUFFER_TOO_SMALL (checked before signing);
 *   the errors of moat_signer_sign_digest() (the signer's own error;
 *   ::MOAT_ERR_INTERNAL for a signature that does not verify);
 *   ::MOAT_ERR_INTERNAL (length inconsistency, not expected).
 *   @p out is wiped on failure (once @p out_len is known to be usable).
 *
 * Memory: no heap; the parsed document lives in @p work; about 7 KiB of
 * stack peak with an in-memory signer. Thread safety: reentrant.
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
 * @return ::MOAT_OK;
 *   ::MOAT_ERR_INVALID_ARGUMENT (@p payload_len, @p doc or @p keys NULL;
 *   @p payload_out NULL with @p payload_cap != 0; @p threshold 0, above
 *   @p nkeys or above ::MOAT_JWS_JSON_MAX_SIGNATURES; @p opts crit list
 *   inconsistent as for moat_jws_verify_compact_ex());
 *   ::MOAT_ERR_INPUT_TOO_LARGE (@p doc_len above ::MOAT_JWS_JSON_MAX_INPUT,
 *   or more than ::MOAT_JWS_JSON_MAX_SIGNATURES entries);
 *   ::MOAT_ERR_OUT_OF_MEMORY (@p work NULL or smaller than
 *   MOAT_JWS_JSON_WORK_SIZE(doc_len));
 *   MOAT_ERR_JSON_* from parsing the document (as moat_json_parse(), depth
 *   bound 8, ::MOAT_JWS_JSON_MAX_VALUES values) or an entry's protected
 *   header (as moat_jws_verify_compact());
 *   ::MOAT_ERR_JOSE_FORMAT (document or entry shape, empty protected or
 *   signature, an unprotected "header" that is not an object);
 *   header-policy codes as moat_jws_verify_compact()
 *   (::MOAT_ERR_JOSE_HEADER_TOO_LARGE, ::MOAT_ERR_JOSE_HEADER_INVALID also
 *   for an unprotected header repeating a protected name or carrying
 *   alg/crit/b64, ::MOAT_ERR_JOSE_ALG_MISSING,
 *   ::MOAT_ERR_JOSE_ALG_NOT_ALLOWED, ::MOAT_ERR_JOSE_CRIT_MALFORMED,
 *   ::MOAT_ERR_JOSE_CRIT_UNKNOWN, ::MOAT_ERR_UNSUPPORTED for b64 false);
 *   ::MOAT_ERR_CRYPTO_SIG_ENCODING (a signature of the wrong length);
 *   MOAT_ERR_B64_* (a non-canonical protected or signature field, or the
 *   payload once the threshold is met);
 *   ::MOAT_ERR_JOSE_THRESHOLD (fewer than @p threshold distinct keys);
 *   ::MOAT_ERR_BUFFER_TOO_SMALL (threshold met, payload does not fit).
 *   Verification failures of single entries (wrong curve, r/s out of
 *   range, invalid signature) are never returned: they are not counted.
 *
 * Memory: no heap; the document tree and header work area live in @p work;
 * about 4 KiB of stack peak. Thread safety: reentrant.
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
 * @param flags MOAT_JWT_REQUIRE_* bits (other bits:
 *        ::MOAT_ERR_INVALID_ARGUMENT)
 * @return ::MOAT_OK;
 *   ::MOAT_ERR_INVALID_ARGUMENT (@p skew above ::MOAT_JWT_MAX_SKEW, or
 *   unknown @p flags bits);
 *   ::MOAT_ERR_JWT_CLAIM (@p claims NULL or not an object; a time claim
 *   not an exact integer in [0, 2^53-1]; a required claim missing);
 *   ::MOAT_ERR_JWT_EXPIRED; ::MOAT_ERR_JWT_NOT_YET_VALID;
 *   ::MOAT_ERR_JWT_IAT_FUTURE (conditions above).
 *
 * Memory: no heap; a few dozen bytes of stack. Thread safety: reentrant
 * (read-only on the tree).
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
 * @return ::MOAT_OK;
 *   ::MOAT_ERR_INVALID_ARGUMENT (@p payload NULL, @p work NULL with
 *   @p work_size != 0, and the cases of moat_jwt_check_time_json());
 *   ::MOAT_ERR_INPUT_TOO_LARGE (@p len above ::MOAT_JWT_MAX_INPUT);
 *   ::MOAT_ERR_OUT_OF_MEMORY (@p work NULL or @p work_size below
 *   MOAT_JWT_WORK_SIZE(len));
 *   MOAT_ERR_JSON_* for malformed JSON (as moat_json_parse(): depth bound
 *   ::MOAT_JSON_DEFAULT_MAX_DEPTH, at most ::MOAT_JWT_MAX_VALUES values,
 *   duplicate names refused);
 *   ::MOAT_ERR_JWT_CLAIM, ::MOAT_ERR_JWT_EXPIRED,
 *   ::MOAT_ERR_JWT_NOT_YET_VALID, ::MOAT_ERR_JWT_IAT_FUTURE as
 *   moat_jwt_check_time_json().
 *
 * Memory: no heap; the tree lives in @p work; about 1 KiB of stack.
 * Thread safety: reentrant.
 */
moat_err moat_jwt_check_time(const uint8_t *payload, size_t len, int64_t now,
                             uint32_t skew, uint32_t flags, void *work,
                             size_t work_size);

/* ================================================================== JWE */
/*
 * JWE compact serialization (RFC 7516 section 7.1) with alg "ECDH-ES"
 * (direct key agreement, RFC 7518 section 4.6) and enc "A256GCM" (RFC 7518
 * section 5.3). Policy (docs/messages.md):
 * - alg allow-list {ECDH-ES} (::MOAT_ERR_JWE_ALG_NOT_ALLOWED for
 *   ECDH-ES+A128KW, RSA-OAEP, dir, ...), enc allow-list {A256GCM}
 *   (::MOAT_ERR_JWE_ENC_NOT_ALLOWED for A128GCM, A256CBC-HS512, ...);
 *   "zip" is refused (::MOAT_ERR_JWE_ZIP); "crit" as for JWS, against the
 *   parameter names registered for JWE (RFC 7516 section 4.1, RFC 7518
 *   section 4.6.1).
 * - "epk" must be a public EC JWK on P-256 (::MOAT_ERR_JWE_EPK_INVALID,
 *   ::MOAT_ERR_JWE_EPK_CURVE, ::MOAT_ERR_JWE_EPK_NOT_ON_CURVE).
 * - The encrypted-key segment must be empty (::MOAT_ERR_JWE_ENCRYPTED_KEY),
 *   the IV exactly 12 bytes, the tag exactly 16 bytes.
 * - CEK = Concat KDF (NIST SP 800-56A section 5.8.1, RFC 7518 section
 *   4.6.2) with SHA-256 over Z, AlgorithmID = "A256GCM", PartyUInfo =
 *   apu, PartyVInfo = apv, SuppPubInfo = 256.
 * - AAD = ASCII(BASE64URL(protected header)) exactly as received.
 * - The plaintext is written to the caller's buffer only after the tag
 *   verified; on every failure it is wiped.
 * No unprotected header, no JSON serialization, no multiple recipients.
 */

/** @brief Largest decoded JWE protected header (bytes). */
#define MOAT_JWE_HEADER_MAX 1024u
/** @brief Largest JWE plaintext accepted or produced (bytes). */
#define MOAT_JWE_PLAINTEXT_MAX 16384u
/** @brief Largest apu / apv value (decoded bytes). */
#define MOAT_JWE_PARTY_INFO_MAX 64u
/** @brief Most extra string members moat_jwe_encrypt() may add to the header. */
#define MOAT_JWE_EXTRA_MAX 8u
/** @brief Largest extra member name or value (bytes). */
#define MOAT_JWE_EXTRA_LEN_MAX 128u
/** @brief IV size of A256GCM in JWE (bytes). */
#define MOAT_JWE_IV_SIZE 12u
/** @brief Tag size of A256GCM in JWE (bytes). */
#define MOAT_JWE_TAG_SIZE 16u
/** @brief Size of the ECDH shared secret Z on P-256 (bytes). */
#define MOAT_JWE_Z_SIZE 32u
/**
 * @brief Upper bound of a compact JWE for a plaintext of @p n bytes, NUL
 *        included (header at most ::MOAT_JWE_HEADER_MAX).
 */
#define MOAT_JWE_COMPACT_SIZE(n) \
    (MOAT_B64URL_ENC_LEN(MOAT_JWE_HEADER_MAX) + MOAT_B64URL_ENC_LEN(MOAT_JWE_IV_SIZE) + \
     MOAT_B64URL_ENC_LEN((size_t)(n)) + MOAT_B64URL_ENC_LEN(MOAT_JWE_TAG_SIZE) + 5u)
/** @brief Largest compact JWE moat_jwe_decrypt() accepts (bytes). */
#define MOAT_JWE_COMPACT_MAX MOAT_JWE_COMPACT_SIZE(MOAT_JWE_PLAINTEXT_MAX)

/**
 * @brief MOAT_JWE_COMPACT_SIZE() as a function (for the bindings).
 * @param plaintext_len the plaintext length
 * @return the bound, NUL included; SIZE_MAX above ::MOAT_JWE_PLAINTEXT_MAX
 *         (refused by moat_jwe_encrypt()). Cannot fail; no heap; reentrant.
 */
size_t moat_jwe_compact_size(size_t plaintext_len);

/**
 * @brief ECDH key agreement with the recipient's private key, wherever it
 *        lives (memory, a secure element, a port): write the shared secret
 *        Z (the X coordinate of d*peer, ::MOAT_JWE_Z_SIZE bytes) to @p z.
 *        @p peer has been validated on P-256 by the caller. Return
 *        ::MOAT_OK or an error (passed on by moat_jwe_decrypt()); on
 *        failure @p z must be wiped.
 *
 * Parameters: @c ctx the agreement's context, @c peer the ephemeral public
 * key, @c z the output.
 */
typedef moat_err (*moat_ecdh_fn)(void *ctx, const moat_ec_public_key *peer,
                                 uint8_t z[MOAT_JWE_Z_SIZE]);

/** @brief A recipient's private key, as a key-agreement callback. */
typedef struct moat_jwe_decrypter {
    moat_curve curve;   /**< the key's curve (P-256) */
    moat_ecdh_fn ecdh;  /**< the agreement */
    void *ctx;          /**< passed to @c ecdh */
} moat_jwe_decrypter;

/**
 * @brief A decrypter over an in-memory private key (which must outlive the
 *        decrypter and not change while it is used); calls moat_ecdh().
 * @param[out] d the decrypter; zeroed on failure
 * @param priv a P-256 private key; the decrypter keeps a pointer to it
 * @return ::MOAT_OK;
 *   ::MOAT_ERR_INVALID_ARGUMENT (@p d or @p priv NULL);
 *   ::MOAT_ERR_UNSUPPORTED (@p priv not on P-256).
 *
 * Its callback returns the errors of moat_ecdh() (::MOAT_ERR_CRYPTO_BAD_KEY,
 * ::MOAT_ERR_CRYPTO_POINT_NOT_ON_CURVE, ...). Memory: no heap. Thread
 * safety: reentrant; the decrypter only reads the key.
 */
moat_err moat_jwe_decrypter_from_private(moat_jwe_decrypter *d,
                                         const moat_ec_private_key *priv);

/** @brief One extra string member of a JWE protected header. */
typedef struct moat_jwe_param {
    const char *name;   /**< member name, not a registered JWE parameter */
    const char *value;  /**< its string value (UTF-8) */
} moat_jwe_param;

/** @brief Optional protected-header members for moat_jwe_encrypt(). */
typedef struct moat_jwe_encrypt_opts {
    const char *typ;          /**< "typ", NULL for none (at most ::MOAT_JWS_TYP_MAX bytes) */
    const char *cty;          /**< "cty", NULL for none (at most ::MOAT_JWS_TYP_MAX bytes) */
    const char *kid;          /**< "kid" of the recipient key, NULL for none (at most ::MOAT_JWS_KID_MAX) */
    const uint8_t *apu;       /**< PartyUInfo, NULL for none */
    size_t apu_len;           /**< its length, at most ::MOAT_JWE_PARTY_INFO_MAX */
    const uint8_t *apv;       /**< PartyVInfo, NULL for none */
    size_t apv_len;           /**< its length, at most ::MOAT_JWE_PARTY_INFO_MAX */
    const moat_jwe_param *extra; /**< extra string members, integrity protected as AAD */
    size_t extra_count;       /**< their number, at most ::MOAT_JWE_EXTRA_MAX */
} moat_jwe_encrypt_opts;

/**
 * @brief Encrypt @p pt to @p recipient as a compact JWE (ECDH-ES, A256GCM).
 *
 * Generates an ephemeral P-256 key and a 96-bit IV from @p rng, derives
 * the CEK with the Concat KDF and seals with AES-256-GCM. Header:
 * {"alg":"ECDH-ES","enc":"A256GCM","epk":{"kty":"EC","crv":"P-256","x":..,"y":..}
 * [,"apu":..][,"apv":..][,"kid":..][,"typ":..][,"cty":..][,extra...]}.
 *
 * @param recipient the recipient's P-256 public key
 * @param opts NULL for none
 * @param pt the plaintext (may be NULL when @p pt_len is 0); it may lie
 *        inside @p out (it is moved with memmove before anything is written)
 * @param pt_len its length, at most ::MOAT_JWE_PLAINTEXT_MAX
 * @param rng random source (ephemeral key and IV)
 * @param rng_ctx its context
 * @param out receives the NUL-terminated JWE; MOAT_JWE_COMPACT_SIZE(pt_len)
 *        is always enough
 * @param out_cap its capacity
 * @param[out] out_len the length without the NUL, or the size needed with
 *        the NUL on ::MOAT_ERR_BUFFER_TOO_SMALL (nothing random drawn)
 * @return ::MOAT_OK;
 *   ::MOAT_ERR_INVALID_ARGUMENT (@p out_len, @p recipient or @p rng NULL,
 *   @p out NULL with @p out_cap != 0, @p pt NULL with @p pt_len != 0, an
 *   option too long, not UTF-8, NULL where required, an apu/apv above
 *   ::MOAT_JWE_PARTY_INFO_MAX, more than ::MOAT_JWE_EXTRA_MAX extras, an
 *   extra name that is registered or repeated);
 *   ::MOAT_ERR_UNSUPPORTED (@p recipient not on P-256);
 *   ::MOAT_ERR_CRYPTO_POINT_ENCODING, ::MOAT_ERR_CRYPTO_POINT_NOT_ON_CURVE
 *   (@p recipient malformed);
 *   ::MOAT_ERR_JWE_TOO_LARGE (@p pt_len above ::MOAT_JWE_PLAINTEXT_MAX);
 *   ::MOAT_ERR_JOSE_HEADER_TOO_LARGE (header above ::MOAT_JWE_HEADER_MAX);
 *   ::MOAT_ERR_BUFFER_TOO_SMALL;
 *   ::MOAT_ERR_CRYPTO_RNG_FAILED (the source failed; fail closed);
 *   ::MOAT_ERR_INTERNAL (backend failure, not expected).
 *   @p out is wiped on failure (once @p out_len is known to be usable).
 *
 * Memory: no heap; about 5 KiB of stack (header, ephemeral key, CEK, all
 * wiped). Thread safety: reentrant; @p rng is called on the calling thread.
 */
moat_err moat_jwe_encrypt(const moat_ec_public_key *recipient,
                          const moat_jwe_encrypt_opts *opts,
                          const uint8_t *pt, size_t pt_len,
                          moat_rng_fn rng, void *rng_ctx,
                          char *out, size_t out_cap, size_t *out_len);

/** @brief Decryption options (all optional). */
typedef struct moat_jwe_decrypt_opts {
    /** Header names the caller understands, so that "crit" may name them
     *  (at most ::MOAT_JWS_CRIT_MAX). */
    const char *const *crit_understood;
    /** Number of entries in @c crit_understood. */
    size_t crit_count;
    /** If non-NULL, receives the decoded protected header JSON
     *  (NUL-terminated) after a successful decryption: authenticated data.
     *  Wiped on failure. ::MOAT_JWE_HEADER_MAX + 1 bytes are enough. */
    char *header_out;
    /** Capacity of @c header_out. Too small: ::MOAT_ERR_BUFFER_TOO_SMALL
     *  with @c *header_len = size needed (NUL included), checked before any
     *  key agreement. */
    size_t header_cap;
    /** If non-NULL, receives the header length (without NUL). */
    size_t *header_len;
} moat_jwe_decrypt_opts;

/**
 * @brief Decrypt a compact JWE (ECDH-ES, A256GCM) with the recipient's key.
 *
 * Checks, in order: size (::MOAT_ERR_JWE_TOO_LARGE above
 * ::MOAT_JWE_COMPACT_MAX), five segments with a non-empty header
 * (::MOAT_ERR_JWE_FORMAT), header size (::MOAT_ERR_JOSE_HEADER_TOO_LARGE),
 * header base64url and JSON (MOAT_ERR_B64_*, MOAT_ERR_JSON_*), an object
 * (::MOAT_ERR_JWE_HEADER_INVALID), alg (::MOAT_ERR_JOSE_ALG_MISSING,
 * ::MOAT_ERR_JWE_ALG_NOT_ALLOWED), enc (::MOAT_ERR_JWE_ENC_NOT_ALLOWED),
 * zip (::MOAT_ERR_JWE_ZIP), crit (::MOAT_ERR_JOSE_CRIT_MALFORMED,
 * ::MOAT_ERR_JOSE_CRIT_UNKNOWN), typ/cty/kid strings, apu/apv canonical
 * base64url of at most ::MOAT_JWE_PARTY_INFO_MAX bytes
 * (::MOAT_ERR_JWE_HEADER_INVALID, MOAT_ERR_B64_*), epk
 * (::MOAT_ERR_JWE_EPK_INVALID, ::MOAT_ERR_JWE_EPK_CURVE, MOAT_ERR_B64_*,
 * ::MOAT_ERR_JWE_EPK_NOT_ON_CURVE), the empty encrypted key
 * (::MOAT_ERR_JWE_ENCRYPTED_KEY), the IV (MOAT_ERR_B64_*,
 * ::MOAT_ERR_JWE_IV_LENGTH), the tag (MOAT_ERR_B64_*,
 * ::MOAT_ERR_JWE_TAG_LENGTH), the ciphertext (MOAT_ERR_B64_*,
 * ::MOAT_ERR_BUFFER_TOO_SMALL for @p pt_cap or the header output), then
 * the key agreement (the callback's error), and the tag
 * (::MOAT_ERR_JWE_AUTH).
 *
 * @param jwe the compact serialization (not necessarily NUL-terminated)
 * @param jwe_len its length
 * @param key the recipient's key agreement (curve P-256)
 * @param opts NULL for defaults
 * @param pt receives the plaintext (may be NULL when @p pt_cap is 0)
 * @param pt_cap its capacity (the plaintext is at most 3/4 of @p jwe_len)
 * @param[out] pt_len the plaintext length; the size needed on
 *        ::MOAT_ERR_BUFFER_TOO_SMALL (before any decryption); 0 otherwise
 *        on failure
 * @return ::MOAT_OK or the first failed check above;
 *   ::MOAT_ERR_INVALID_ARGUMENT (@p pt_len, @p jwe, @p key or @p key->ecdh
 *   NULL, @p pt NULL with @p pt_cap != 0, @p opts inconsistent);
 *   ::MOAT_ERR_UNSUPPORTED (@p key->curve not P-256).
 *   On failure @p pt (over @p pt_cap) and opts->header_out are wiped.
 *
 * Memory: no heap; about 8 KiB of stack (header, JSON arena, CEK, wiped).
 * Thread safety: reentrant; the callback is called on the calling thread.
 */
moat_err moat_jwe_decrypt(const char *jwe, size_t jwe_len,
                          const moat_jwe_decrypter *key,
                          const moat_jwe_decrypt_opts *opts,
                          uint8_t *pt, size_t pt_cap, size_t *pt_len);

#ifdef __cplusplus
}
#endif
#endif /* MOAT_JOSE_H */
