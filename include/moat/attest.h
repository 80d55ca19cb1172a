/**
 * @file attest.h
 * @brief Attestation evidence and its verifier: EAT (RFC 9711) encoded as a
 *        JWT (RFC 7519) signed by the DICE alias key with an "x5c" chain
 *        (RFC 7515 section 4.1.6), moat's EAT profile (docs/eat-profile.md),
 *        the verifier (chain, signature, claims, nonce, TcbInfo
 *        consistency, policy), a single-use nonce issuer with expiry, and
 *        appraisal against reference values producing a RATS attestation
 *        result (RFC 9334 section 7.3) shaped like EAR, signable as a JWT.
 *
 * Device side: moat_eat_ueid() and moat_eat_issue(). Service side:
 * moat_nonce_issue(), moat_eat_verify(), moat_attest_appraise(),
 * moat_attest_result_sign(). docs/attestation.md describes the flow.
 *
 * Security decisions: moat_eat_verify() is the one decision function for
 * evidence (its check order is documented there and in
 * docs/attestation.md); the nonce store changes (the nonce is consumed)
 * only after every other check passed. moat_attest_appraise() is the one
 * appraisal function.
 *
 * Memory: no heap. Issuing needs ::MOAT_EAT_ISSUE_WORK_SIZE bytes of caller
 * workspace, verification moat_eat_verify_work_size() bytes (about 124 KiB:
 * it holds the X.509 path-building workspace; a verifier runs on a
 * service, not on the device), appraisal moat_attest_appraise_work_size().
 *
 * Thread safety: functions are reentrant with distinct workspaces and
 * outputs; a ::moat_nonce_store must not be used by two threads at once
 * (callers serialize issue and verify on one store).
 */
#ifndef MOAT_ATTEST_H
#define MOAT_ATTEST_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "moat/error.h"
#include "moat/crypto.h"
#include "moat/json.h"
#include "moat/jose.h"
#include "moat/x509.h"
#include "moat/dice.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ============================================================= profile */

/** @brief moat's EAT profile identifier (the "eat_profile" claim, a URI). */
#define MOAT_EAT_PROFILE "https://moat.dev/eat-profile/v1"
/** @brief The JWS "typ" of moat evidence: the "application/eat+jwt" media
 *         type of RFC 9782, shortened as RFC 7515 section 4.1.9 allows
 *         (explicit typing, RFC 8725 section 3.11). */
#define MOAT_EAT_TYP "eat+jwt"
/** @brief Profile identifier of moat attestation results. */
#define MOAT_AR_PROFILE "https://moat.dev/ar-profile/v1"

/* ============================================================== bounds */

/** @brief Shortest eat_nonce (bytes, RFC 9711 section 4.1). */
#define MOAT_EAT_NONCE_MIN 8u
/** @brief Longest eat_nonce (bytes, RFC 9711 section 4.1). */
#define MOAT_EAT_NONCE_MAX 64u
/** @brief Size of the nonces moat_nonce_issue() hands out. */
#define MOAT_NONCE_SIZE 32u
/** @brief Size of moat's UEID: type 0x01 (RAND) || 16 bytes (RFC 9711 4.2.1). */
#define MOAT_EAT_UEID_SIZE 17u
/** @brief Longest hwmodel (bytes, RFC 9711 section 4.2.5: 1..32). */
#define MOAT_EAT_HWMODEL_MAX 32u
/** @brief Longest text claim or component field (bytes, without NUL):
 *         hwversion, swname, swversion, component name and version. */
#define MOAT_EAT_STRING_MAX 64u
/** @brief Most measured components in one token. */
#define MOAT_EAT_MAX_MEASUREMENTS 8u
/** @brief Most certificates in the x5c chain (alias, CDI certificates,
 *         DeviceID). */
#define MOAT_EAT_CHAIN_MAX MOAT_JWS_X5C_MAX
/** @brief Most DICE layers (CDI certificates) in a chain: the x5c
 *         certificates between the alias and the DeviceID certificate. */
#define MOAT_EAT_MAX_LAYERS (MOAT_EAT_CHAIN_MAX - 2u)
/** @brief Largest certificate of the chain (bytes). */
#define MOAT_EAT_CERT_MAX MOAT_DICE_CERT_MAX
/** @brief Largest claims set (JWT payload, bytes). */
#define MOAT_EAT_CLAIMS_MAX 4096u
/** @brief Largest number of JSON values in a claims set. */
#define MOAT_EAT_CLAIMS_MAX_VALUES 128u
/** @brief Largest token moat_eat_verify() accepts (bytes). */
#define MOAT_EAT_TOKEN_MAX 16384u
/** @brief Workspace moat_eat_issue() needs (the claims set is built there). */
#define MOAT_EAT_ISSUE_WORK_SIZE (MOAT_EAT_CLAIMS_MAX + 1u)
/** @brief Output capacity always sufficient for moat_eat_issue(). */
#define MOAT_EAT_TOKEN_OUT_MAX MOAT_JWS_COMPACT_X5C_SIZE(MOAT_EAT_CLAIMS_MAX)

/** @brief Capacity of a ::moat_nonce_store. */
#define MOAT_NONCE_STORE_MAX 64u
/** @brief Longest nonce lifetime moat_nonce_issue() accepts (seconds). */
#define MOAT_NONCE_TTL_MAX 86400u

/** @brief Largest reference values document (bytes). */
#define MOAT_REFVAL_MAX_INPUT 32768u
/** @brief Largest number of JSON values in a reference values document. */
#define MOAT_REFVAL_MAX_VALUES 1024u
/** @brief Largest attestation result JSON moat_attest_appraise() writes. */
#define MOAT_AR_MAX 4096u
/** @brief Most reasons recorded in one attestation result. */
#define MOAT_AR_MAX_REASONS 16u

/* ============================================================== claims */

/** @brief dbgstat values (RFC 9711 section 4.2.9; the JSON text form is
 *         "enabled", "disabled", "disabled-since-boot",
 *         "disabled-permanently", "disabled-fully-and-permanently"). */
typedef enum moat_eat_dbgstat {
    MOAT_EAT_DBG_ENABLED = 0,                        /**< "enabled" */
    MOAT_EAT_DBG_DISABLED = 1,                       /**< "disabled" */
    MOAT_EAT_DBG_DISABLED_SINCE_BOOT = 2,            /**< "disabled-since-boot" */
    MOAT_EAT_DBG_DISABLED_PERMANENTLY = 3,           /**< "disabled-permanently" */
    MOAT_EAT_DBG_DISABLED_FULLY_AND_PERMANENTLY = 4  /**< "disabled-fully-and-permanently" */
} moat_eat_dbgstat;

/** @brief Policy mask bit for a dbgstat value. */
#define MOAT_EAT_DBG_BIT(d) (1u << (unsigned)(d))
/** @brief Production policy: every dbgstat except "enabled". */
#define MOAT_EAT_DBG_PRODUCTION \
    (MOAT_EAT_DBG_BIT(MOAT_EAT_DBG_DISABLED) | \
     MOAT_EAT_DBG_BIT(MOAT_EAT_DBG_DISABLED_SINCE_BOOT) | \
     MOAT_EAT_DBG_BIT(MOAT_EAT_DBG_DISABLED_PERMANENTLY) | \
     MOAT_EAT_DBG_BIT(MOAT_EAT_DBG_DISABLED_FULLY_AND_PERMANENTLY))
/** @brief Development policy: every dbgstat value. */
#define MOAT_EAT_DBG_ANY (MOAT_EAT_DBG_PRODUCTION | MOAT_EAT_DBG_BIT(MOAT_EAT_DBG_ENABLED))

/** @brief One measured component to put in a token (borrowed strings). */
typedef struct moat_eat_measurement {
    const char *name;        /**< component name, 1..::MOAT_EAT_STRING_MAX bytes UTF-8 */
    const char *version;     /**< its version, 1..::MOAT_EAT_STRING_MAX bytes UTF-8 */
    bool has_svn;            /**< write "svn" */
    uint64_t svn;            /**< security version number (at most 2^53 - 1) */
    moat_hash_alg alg;       /**< digest algorithm: SHA-256, SHA-384 or SHA-512 */
    const uint8_t *digest;   /**< the digest, moat_hash_size(alg) bytes */
} moat_eat_measurement;

/**
 * @brief The claims of one token (device side). Zero-initialize, then set.
 *        Borrowed pointers are only read during moat_eat_issue().
 */
typedef struct moat_eat_claims {
    const uint8_t *nonce;          /**< eat_nonce, as received from the verifier */
    size_t nonce_len;              /**< ::MOAT_EAT_NONCE_MIN .. ::MOAT_EAT_NONCE_MAX */
    uint8_t ueid[MOAT_EAT_UEID_SIZE]; /**< from moat_eat_ueid() on the DeviceID key */
    uint32_t oemid_pen;            /**< oemid as an IANA Private Enterprise Number (0: none) */
    const uint8_t *oemid;          /**< or oemid bytes: 3 (IEEE OUI) or 16 (random); NULL: none */
    size_t oemid_len;              /**< their length */
    const uint8_t *hwmodel;        /**< hwmodel bytes (required) */
    size_t hwmodel_len;            /**< 1 .. ::MOAT_EAT_HWMODEL_MAX */
    const char *hwversion;         /**< optional (NULL: none) */
    const char *swname;            /**< required */
    const char *swversion;         /**< required */
    moat_eat_dbgstat dbgstat;      /**< debug status */
    size_t measurement_count;      /**< 1 .. ::MOAT_EAT_MAX_MEASUREMENTS */
    const moat_eat_measurement *measurements; /**< the components */
    int64_t iat;                   /**< issued-at, seconds since the epoch (0 .. 2^53-1) */
} moat_eat_claims;

/**
 * @brief moat's UEID of a device: 0x01 (RAND type, RFC 9711 section 4.2.1)
 *        || the first 16 bytes of SHA-256 of the DER SubjectPublicKeyInfo of
 *        its DeviceID public key. Stable across firmware updates (the
 *        DeviceID key depends on the UDS only), and computable by a verifier
 *        from the DeviceID certificate.
 * @param device_id_pub the DeviceID public key (P-256 or P-384)
 * @param[out] ueid receives ::MOAT_EAT_UEID_SIZE bytes; wiped on failure
 * @return ::MOAT_OK; ::MOAT_ERR_INVALID_ARGUMENT (a NULL pointer);
 *   the errors of moat_ec_public_to_spki() (malformed key).
 *
 * Memory: no heap; about 0.5 KiB of stack. Thread safety: reentrant.
 */
moat_err moat_eat_ueid(const moat_ec_public_key *device_id_pub,
                       uint8_t ueid[MOAT_EAT_UEID_SIZE]);

/**
 * @brief Issue evidence: the claims as a JSON claims set
 *        (docs/eat-profile.md), signed as a compact JWS with the header
 *        {"alg":"ES256","typ":"eat+jwt","x5c":[...]} (no kid).
 * @param claims the claims (checked: sizes, UTF-8, measurement digests)
 * @param alias the alias key's signer (P-256: ES256)
 * @param x5c the chain, leaf first: alias certificate, CDI certificate(s)
 *        (last layer first), DeviceID certificate; the leaf must certify
 *        @p alias (its key is compared)
 * @param x5c_lens their lengths
 * @param x5c_count 2 .. ::MOAT_EAT_CHAIN_MAX (moat_eat_verify() requires at
 *        least one CDI certificate, so 3 .. ::MOAT_EAT_CHAIN_MAX; the alias
 *        certificate's TcbInfo must list the last layer's code hash as a
 *        SHA-512 fwid, and the claims every fwid)
 * @param work workspace of ::MOAT_EAT_ISSUE_WORK_SIZE bytes (the claims
 *        set); wiped on return
 * @param work_size its size
 * @param[out] out the NUL-terminated token; wiped on failure
 * @param out_cap its capacity (::MOAT_EAT_TOKEN_OUT_MAX always suffices)
 * @param[out] out_len token length without the NUL; on
 *        ::MOAT_ERR_BUFFER_TOO_SMALL the capacity needed; 0 otherwise
 * @return ::MOAT_OK;
 *   ::MOAT_ERR_INVALID_ARGUMENT (a NULL pointer, @p out NULL with
 *   @p out_cap != 0, x5c_count out of range, a NULL/empty certificate);
 *   ::MOAT_ERR_OUT_OF_MEMORY (@p work too small);
 *   ::MOAT_ERR_EAT_NONCE_MISSING (nonce NULL or not 8..64 bytes);
 *   ::MOAT_ERR_EAT_CLAIM (any other claim out of its bounds: hwmodel,
 *   oemid, strings empty/too long/not UTF-8, no or too many measurements,
 *   a digest algorithm not SHA-256/384/512, svn or iat out of range, an
 *   unknown dbgstat);
 *   ::MOAT_ERR_EAT_UEID (ueid type byte not 0x01);
 *   the parse errors of moat_x509_parse() for the leaf;
 *   ::MOAT_ERR_EAT_NOT_ALIAS (the leaf does not certify @p alias->pub, or
 *   carries no DiceTcbInfo);
 *   ::MOAT_ERR_BUFFER_TOO_SMALL; ::MOAT_ERR_INPUT_TOO_LARGE (claims above
 *   ::MOAT_EAT_CLAIMS_MAX, or the x5c header too large);
 *   the errors of moat_jws_sign_compact_ex() (the signer's own error).
 *
 * Memory: no heap; a parsed certificate (about 3 KiB) plus JWS signing
 * (about 6.5 KiB peak with an in-memory signer). Thread safety: reentrant.
 */
moat_err moat_eat_issue(const moat_eat_claims *claims, const moat_signer *alias,
                        const uint8_t *const *x5c, const size_t *x5c_lens,
                        size_t x5c_count, void *work, size_t work_size,
                        char *out, size_t out_cap, size_t *out_len);

/* ============================================================== nonces */

/** @brief One nonce slot (internal bookkeeping; treat as opaque). */
typedef struct moat_nonce_entry {
    uint8_t nonce[MOAT_NONCE_SIZE];   /**< the nonce */
    uint8_t ueid[MOAT_EAT_UEID_SIZE]; /**< the device it was issued to */
    bool bound;                       /**< true: only @c ueid may use it */
    uint8_t state;                    /**< 0 free, 1 issued, 2 used */
    int64_t expires;                  /**< unusable at and after this time */
} moat_nonce_entry;

/** @brief A caller-owned set of issued nonces (single use, expiry). */
typedef struct moat_nonce_store {
    moat_nonce_entry entries[MOAT_NONCE_STORE_MAX]; /**< the slots */
} moat_nonce_store;

/**
 * @brief Empty a nonce store.
 * @param store the store
 * @return ::MOAT_OK; ::MOAT_ERR_INVALID_ARGUMENT (@p store NULL).
 *
 * Memory: no heap. Thread safety: not concurrently with other uses of
 * @p store.
 */
moat_err moat_nonce_store_init(moat_nonce_store *store);

/**
 * @brief Issue a fresh ::MOAT_NONCE_SIZE-byte nonce from @p rng, valid until
 *        @p now + @p ttl, bound to the device @p ueid (or to any device when
 *        @p ueid is NULL). A full store first reclaims every expired slot
 *        (issued or used); if none is free, ::MOAT_ERR_EAT_NONCE_STORE_FULL.
 * @param store the store
 * @param rng random source (fail closed)
 * @param rng_ctx its context
 * @param ueid the device's UEID (::MOAT_EAT_UEID_SIZE bytes), or NULL
 * @param now current time (seconds since the epoch)
 * @param ttl lifetime in seconds, 1 .. ::MOAT_NONCE_TTL_MAX
 * @param[out] nonce receives the nonce; wiped on failure
 * @return ::MOAT_OK; ::MOAT_ERR_INVALID_ARGUMENT (@p store, @p rng or
 *   @p nonce NULL, @p ttl out of range, @p now negative or
 *   @p now + @p ttl above INT64_MAX);
 *   ::MOAT_ERR_EAT_NONCE_STORE_FULL; ::MOAT_ERR_CRYPTO_RNG_FAILED (the
 *   source failed: nothing issued, the store unchanged).
 *
 * Memory: no heap. Thread safety: not concurrently with other uses of
 * @p store.
 */
moat_err moat_nonce_issue(moat_nonce_store *store, moat_rng_fn rng, void *rng_ctx,
                          const uint8_t *ueid, int64_t now, uint32_t ttl,
                          uint8_t nonce[MOAT_NONCE_SIZE]);

/**
 * @brief Would @p nonce be accepted from device @p ueid at @p now? No state
 *        change (moat_eat_verify() checks with it first, consumes last).
 * @param store the store
 * @param nonce the eat_nonce of a token
 * @param nonce_len its length
 * @param ueid the token's (verified) UEID, ::MOAT_EAT_UEID_SIZE bytes
 * @param now current time
 * @return ::MOAT_OK; ::MOAT_ERR_INVALID_ARGUMENT (a NULL pointer);
 *   ::MOAT_ERR_EAT_NONCE_UNKNOWN (never issued, expired, or not
 *   ::MOAT_NONCE_SIZE bytes); ::MOAT_ERR_EAT_NONCE_USED (already consumed,
 *   not yet expired); ::MOAT_ERR_EAT_NONCE_DEVICE (bound to another device).
 *
 * Memory: no heap. Thread safety: as moat_nonce_issue().
 */
moat_err moat_nonce_check(const moat_nonce_store *store, const uint8_t *nonce,
                          size_t nonce_len, const uint8_t *ueid, int64_t now);

/**
 * @brief moat_nonce_check(), and on success mark the nonce used (it stays
 *        known as used until it expires, so a replay gives
 *        ::MOAT_ERR_EAT_NONCE_USED). Nothing changes on failure.
 * @param store the store
 * @param nonce the eat_nonce
 * @param nonce_len its length
 * @param ueid the token's UEID
 * @param now current time
 * @return as moat_nonce_check().
 *
 * Memory: no heap. Thread safety: as moat_nonce_issue().
 */
moat_err moat_nonce_consume(moat_nonce_store *store, const uint8_t *nonce,
                            size_t nonce_len, const uint8_t *ueid, int64_t now);

/* ============================================================ verifier */

/** @brief Verification policy. Zero-initialize, then set. */
typedef struct moat_eat_policy {
    /** Manufacturer trust anchors the DeviceID certificate must chain to
     *  (NULL: registered DeviceID keys only). */
    const moat_x509_store *store;
    /** Registered DeviceID public keys: the last x5c certificate may carry
     *  one of them instead of chaining to @c store (NULL / 0: none). */
    const moat_ec_public_key *device_ids;
    /** Number of entries in @c device_ids. */
    size_t device_id_count;
    /** The nonce store (required): the token's eat_nonce is consumed. */
    moat_nonce_store *nonces;
    /** Current trusted time, seconds since the epoch (1 .. INT64_MAX -
     *  @c iat_skew). */
    int64_t now;
    /** Oldest accepted iat: now - @c iat_max_age (1 .. 86400 s). */
    uint32_t iat_max_age;
    /** Allowed clock skew for iat in the future (0 .. ::MOAT_JWT_MAX_SKEW). */
    uint32_t iat_skew;
    /** Allowed dbgstat values: MOAT_EAT_DBG_BIT() bits (0 allows none;
     *  ::MOAT_EAT_DBG_PRODUCTION for production fleets). Without the
     *  "enabled" bit the policy is a production one: DICE layers not in
     *  normal mode (::MOAT_ERR_EAT_DEBUG) and TcbInfo flags notConfigured,
     *  notSecure, recovery (::MOAT_ERR_EAT_TCB_FLAGS) are refused too. */
    uint32_t dbgstat_allowed;
    /** Reject (::MOAT_ERR_EAT_SVN) when the alias TcbInfo svn is below
     *  @c min_svn (or absent). That svn is written by the firmware itself;
     *  appraisal with per-digest svns is the sound check
     *  (docs/eat-profile.md). */
    bool require_min_svn;
    /** The minimum svn when @c require_min_svn. */
    uint64_t min_svn;
} moat_eat_policy;

/** @brief One verified measured component (owned copy). */
typedef struct moat_eat_component {
    char name[MOAT_EAT_STRING_MAX + 1u];    /**< NUL-terminated */
    char version[MOAT_EAT_STRING_MAX + 1u]; /**< NUL-terminated */
    bool has_svn;                           /**< "svn" present */
    uint64_t svn;                           /**< its value */
    moat_hash_alg alg;                      /**< digest algorithm */
    uint8_t digest[MOAT_HASH_MAX_SIZE];     /**< digest */
    size_t digest_len;                      /**< moat_hash_size(alg) */
} moat_eat_component;

/** @brief Verified evidence: every claim and the chain facts (owned copy). */
typedef struct moat_eat_evidence {
    uint8_t nonce[MOAT_EAT_NONCE_MAX];      /**< eat_nonce (consumed) */
    size_t nonce_len;                       /**< its length */
    uint8_t ueid[MOAT_EAT_UEID_SIZE];       /**< ueid (= the chain's DeviceID) */
    uint32_t oemid_pen;                     /**< oemid as PEN, 0 when not */
    uint8_t oemid[16];                      /**< oemid bytes (IEEE / random) */
    size_t oemid_len;                       /**< 0 when absent or a PEN */
    uint8_t hwmodel[MOAT_EAT_HWMODEL_MAX];  /**< hwmodel */
    size_t hwmodel_len;                     /**< its length */
    char hwversion[MOAT_EAT_STRING_MAX + 1u]; /**< "" when absent */
    char swname[MOAT_EAT_STRING_MAX + 1u];    /**< swname */
    char swversion[MOAT_EAT_STRING_MAX + 1u]; /**< swversion */
    moat_eat_dbgstat dbgstat;               /**< dbgstat */
    int64_t iat;                            /**< iat */
    size_t component_count;                 /**< measured components */
    moat_eat_component components[MOAT_EAT_MAX_MEASUREMENTS]; /**< them */
    moat_dice_tcb_info tcb;                 /**< the alias certificate's DiceTcbInfo */
    moat_ec_public_key alias_key;           /**< the key that signed the token */
    moat_ec_public_key device_id_key;       /**< the DeviceID key of the chain */
    size_t chain_len;                       /**< certificates in x5c */
    /** Number of DICE layers (CDI certificates in x5c), 1 ..
     *  ::MOAT_EAT_MAX_LAYERS. */
    size_t layer_count;
    /** What each CDI certificate certifies (its OpenDiceInput, written by
     *  the layer below: code hash, configuration, authority hash, mode),
     *  FIRST layer first: layers[0] is certified by the DeviceID key,
     *  layers[layer_count - 1] describes the firmware holding the alias
     *  key; its code hash is also a SHA-512 fwid of @c tcb and a component
     *  digest. */
    moat_dice_open_input layers[MOAT_EAT_MAX_LAYERS];
} moat_eat_evidence;

/**
 * @brief Workspace bytes moat_eat_verify() needs (X.509 path workspace,
 *        decoded chain, header and claims parse areas). Cannot fail; no
 *        heap; reentrant.
 * @return the size in bytes (about 124 KiB on 64-bit targets)
 */
size_t moat_eat_verify_work_size(void);

/**
 * @brief Verify evidence: the one decision function of the verifier.
 *
 * Checks, in this order (each failure returns at once, with nothing
 * changed; docs/attestation.md):
 * 1. size: at most ::MOAT_EAT_TOKEN_MAX bytes (::MOAT_ERR_EAT_TOO_LARGE);
 * 2. the protected header, untrusted peek (moat_jws_compact_peek_header():
 *    JOSE_FORMAT, B64_*, JSON_*, JOSE_ALG_NOT_ALLOWED for none/HS256/...,
 *    crit, b64), "typ" must be "eat+jwt" and the header must have no member
 *    other than alg, typ and x5c (::MOAT_ERR_JOSE_HEADER_INVALID);
 * 3. x5c: present, 3..::MOAT_EAT_CHAIN_MAX standard base64 certificates
 *    (alias, at least one CDI certificate, DeviceID; ::MOAT_ERR_EAT_X5C),
 *    each parsing (moat_x509_parse() codes);
 * 4. the leaf is an alias certificate (checked before the path, on the
 *    parsed certificate): an EC key, DiceTcbInfo present, not a CA, no
 *    open-dice CDI extension (::MOAT_ERR_EAT_NOT_ALIAS: e.g. evidence
 *    signed by a CDI key); its DiceTcbInfo parses (::MOAT_ERR_DICE_TCB_INFO);
 * 5. the DICE chain's shape: every certificate between the leaf and the
 *    last one carries the open-dice extension and no TcbInfo, and its
 *    OpenDiceInput parses (moat_dice_input_from_cert():
 *    ::MOAT_ERR_DICE_OPEN_INPUT); the last certificate is the DeviceID
 *    certificate: P-256, a CA, neither DICE extension, subject
 *    serialNumber = hex of moat_dice_id() of its key (::MOAT_ERR_EAT_X5C
 *    otherwise: x5c ends at the DeviceID, manufacturer intermediates
 *    belong in @c policy->store);
 * 6. the chain: with @c policy->store, moat_x509_verify() from the leaf
 *    through the other x5c certificates to an anchor, the path being
 *    exactly x5c in order then the anchor(s) (::MOAT_ERR_EAT_X5C
 *    otherwise); else, or when that fails with ::MOAT_ERR_X509_NO_ISSUER and
 *    @c policy->device_ids is set, the last x5c certificate must carry a
 *    registered DeviceID key and the others chain to it (X.509 codes,
 *    e.g. ::MOAT_ERR_X509_NO_ISSUER for an untrusted root,
 *    ::MOAT_ERR_X509_BAD_SIGNATURE for a certificate not issued by the next);
 * 7. every CDI certificate's certified mode is normal, unless
 *    @c policy->dbgstat_allowed contains "enabled" (::MOAT_ERR_EAT_DEBUG for
 *    debug, not configured and recovery);
 * 8. the JWS under the leaf key (moat_jws_verify_compact_work(): ES256 only
 *    for a P-256 leaf, ::MOAT_ERR_JOSE_ALG_KEY_MISMATCH for ES384,
 *    ::MOAT_ERR_CRYPTO_SIG_INVALID, ...);
 * 9. the claims set, strictly (MOAT_ERR_JSON_* incl.
 *    ::MOAT_ERR_JSON_DUPLICATE_KEY; ::MOAT_ERR_EAT_CLAIM for a missing,
 *    unknown or mistyped claim);
 * 10. eat_profile = ::MOAT_EAT_PROFILE (::MOAT_ERR_EAT_PROFILE);
 * 11. eat_nonce base64url of 8..64 bytes (::MOAT_ERR_EAT_NONCE_MISSING);
 * 12. ueid = moat_eat_ueid(DeviceID key of the chain) (::MOAT_ERR_EAT_UEID);
 * 13. now - iat_max_age <= iat <= now + iat_skew (::MOAT_ERR_EAT_IAT);
 * 14. measurements = the alias TcbInfo: the set of digests equals the set of
 *     fwids, and the components matching them carry the TcbInfo version and
 *     svn when the TcbInfo has them; a TcbInfo debug flag or a layer
 *     certified in debug mode requires dbgstat "enabled"; the TcbInfo has a
 *     SHA-512 fwid equal to the code hash the last CDI certificate
 *     certifies (::MOAT_ERR_EAT_TCB_MISMATCH);
 * 15. dbgstat in @c policy->dbgstat_allowed (::MOAT_ERR_EAT_DEBUG); TcbInfo
 *     flags notConfigured, notSecure or recovery only when the policy
 *     allows "enabled" (::MOAT_ERR_EAT_TCB_FLAGS);
 * 16. svn >= min_svn when required (::MOAT_ERR_EAT_SVN; the TcbInfo svn is
 *     written by the firmware itself, docs/eat-profile.md);
 * 17. the nonce: moat_nonce_consume() bound to the ueid
 *     (::MOAT_ERR_EAT_NONCE_UNKNOWN, ::MOAT_ERR_EAT_NONCE_USED,
 *     ::MOAT_ERR_EAT_NONCE_DEVICE) - the only state change, last.
 *
 * @param token the compact JWS (not necessarily NUL-terminated)
 * @param token_len its length
 * @param policy the policy (store and/or registered keys, nonces, time)
 * @param work workspace of moat_eat_verify_work_size() bytes; wiped on return
 * @param work_size its size
 * @param[out] ev the verified evidence; wiped on failure
 * @return ::MOAT_OK or the code of the failed check above;
 *   ::MOAT_ERR_INVALID_ARGUMENT (@p token, @p policy, @p ev NULL; no nonce
 *   store; neither store nor registered keys; now <= 0; iat_max_age 0 or
 *   above 86400; iat_skew above ::MOAT_JWT_MAX_SKEW; now + iat_skew above
 *   INT64_MAX);
 *   ::MOAT_ERR_OUT_OF_MEMORY (@p work NULL or too small).
 *
 * Memory: no heap; @p work plus about 4 KiB of stack (one ECDSA
 * verification and the JSON parser's recursion). Thread safety: reentrant
 * with distinct @p work and @p ev; the policy's nonce store must not be
 * used concurrently.
 */
moat_err moat_eat_verify(const char *token, size_t token_len,
                         const moat_eat_policy *policy, void *work, size_t work_size,
                         moat_eat_evidence *ev);

/* =========================================================== appraisal */

/** @brief Appraisal status (AR4SI / EAR tiers, RFC 9334 section 7.3). */
typedef enum moat_ar_status {
    MOAT_AR_NONE = 0,              /**< no claim made */
    MOAT_AR_AFFIRMING = 2,         /**< "affirming" */
    MOAT_AR_WARNING = 32,          /**< "warning" */
    MOAT_AR_CONTRAINDICATED = 96   /**< "contraindicated" */
} moat_ar_status;

/**
 * @brief Validate a reference values document against its schema
 *        (docs/attestation.md "Reference values"), without appraising.
 * @param json the document
 * @param len its length, at most ::MOAT_REFVAL_MAX_INPUT
 * @param work workspace of moat_attest_appraise_work_size() bytes; wiped on
 *        return
 * @param work_size its size
 * @return ::MOAT_OK; ::MOAT_ERR_INVALID_ARGUMENT (@p json NULL);
 *   ::MOAT_ERR_OUT_OF_MEMORY (@p work too small);
 *   ::MOAT_ERR_INPUT_TOO_LARGE (@p len above the bound);
 *   MOAT_ERR_JSON_* (malformed JSON, duplicate names, depth above 8, more
 *   than ::MOAT_REFVAL_MAX_VALUES values);
 *   ::MOAT_ERR_REFVAL_INVALID (schema violation: version, types, unknown
 *   members, bad base64url or digest sizes, a digest svn out of range,
 *   boot_layers not arrays of SHA-512 hashes or too many, unknown dbgstat
 *   or algorithm, duplicate hwmodel).
 *
 * Memory: no heap; the JSON parser's stack (depth 8). Thread safety:
 * reentrant.
 */
moat_err moat_attest_refvals_validate(const char *json, size_t len, void *work,
                                      size_t work_size);

/**
 * @brief Workspace bytes of moat_attest_appraise() and
 *        moat_attest_refvals_validate(). Cannot fail; reentrant.
 * @return the size in bytes (about 150 KiB)
 */
size_t moat_attest_appraise_work_size(void);

/**
 * @brief Appraise verified evidence against reference values and write an
 *        attestation result (EAR-shaped JSON, docs/attestation.md
 *        "Attestation result"): per claim group (instance-identity,
 *        hardware, executables, configuration) a status with reasons; the
 *        overall status is the worst.
 *
 * Rules: hwmodel must have an entry (else ::MOAT_ERR_REFVAL_UNKNOWN_MODEL);
 * executables: each evidence component must have an entry of its name
 * (contraindicated "unknown component" otherwise) and every entry must be
 * reported (contraindicated "missing"); its digest must be accepted for its
 * name (contraindicated); when the accepted digest declares an svn, the
 * token's svn must equal it (contraindicated) and min_svn applies to the
 * declared svn, else to the token's (self-asserted) svn (contraindicated
 * below it); its version in the accepted list when one is given (warning);
 * the certified code hash of each DICE layer below the firmware's must be
 * in the model's "boot_layers" entry for that layer, with exactly as many
 * entries as such layers (contraindicated); configuration: dbgstat in the
 * entry's list, and a layer not in normal mode only when the list has
 * "enabled" (contraindicated otherwise); instance-identity and hardware
 * are affirming (verified chain, known model).
 * @param ev evidence from moat_eat_verify()
 * @param refvals the reference values document
 * @param refvals_len its length
 * @param now the result's iat
 * @param work workspace of moat_attest_appraise_work_size() bytes; wiped
 * @param work_size its size
 * @param[out] out the NUL-terminated result JSON; wiped on failure
 * @param out_cap its capacity (::MOAT_AR_MAX + 1 always suffices)
 * @param[out] out_len its length; the size needed (NUL included) on
 *        ::MOAT_ERR_BUFFER_TOO_SMALL; 0 otherwise
 * @param[out] status the overall status (may be NULL); ::MOAT_AR_NONE on
 *        failure
 * @return ::MOAT_OK (whatever the status);
 *   ::MOAT_ERR_INVALID_ARGUMENT (@p ev, @p refvals or @p out_len NULL,
 *   @p out NULL with @p out_cap != 0);
 *   the errors of moat_attest_refvals_validate();
 *   ::MOAT_ERR_REFVAL_UNKNOWN_MODEL; ::MOAT_ERR_BUFFER_TOO_SMALL.
 *
 * Memory: no heap; @p work plus about 1 KiB of stack. Thread safety:
 * reentrant.
 */
moat_err moat_attest_appraise(const moat_eat_evidence *ev, const char *refvals,
                              size_t refvals_len, int64_t now, void *work,
                              size_t work_size, char *out, size_t out_cap,
                              size_t *out_len, moat_ar_status *status);

/**
 * @brief Sign an attestation result as a JWT (compact JWS, header
 *        {"alg":"ES256","kid":..,"typ":"JWT"}, kid = the RFC 7638
 *        thumbprint of the verifier key).
 * @param result the result JSON (from moat_attest_appraise())
 * @param result_len its length, at most ::MOAT_AR_MAX
 * @param verifier the verifier's signer
 * @param[out] out the NUL-terminated JWT; wiped on failure
 * @param out_cap its capacity (MOAT_JWS_COMPACT_SIZE(::MOAT_AR_MAX) suffices)
 * @param[out] out_len as for moat_jws_sign_compact_ex()
 * @return ::MOAT_OK; ::MOAT_ERR_INVALID_ARGUMENT (@p result NULL);
 *   ::MOAT_ERR_INPUT_TOO_LARGE (@p result_len above ::MOAT_AR_MAX);
 *   the errors of moat_jws_sign_compact_ex().
 *
 * Memory: as moat_jws_sign_compact_ex(). Thread safety: reentrant.
 */
moat_err moat_attest_result_sign(const char *result, size_t result_len,
                                 const moat_signer *verifier, char *out,
                                 size_t out_cap, size_t *out_len);

/**
 * @brief The text of a status ("affirming", "warning", "contraindicated",
 *        "none").
 * @param s any value
 * @return a static string; "none" for unknown values. Cannot fail.
 */
const char *moat_ar_status_name(moat_ar_status s);

/**
 * @brief The RFC 9711 JSON text of a dbgstat value.
 * @param d any value
 * @return a static string, or NULL for an unknown value. Cannot fail.
 */
const char *moat_eat_dbgstat_name(moat_eat_dbgstat d);

#ifdef __cplusplus
}
#endif
#endif /* MOAT_ATTEST_H */
