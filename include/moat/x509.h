/**
 * @file x509.h
 * @brief X.509 v3 certificates (RFC 5280): strict parsing and inspection,
 *        PEM, path building from an unordered bag and validation, trust
 *        store, PKCS#10 CSRs (RFC 2986), certificate issuance, and
 *        enrollment / renewal of the device's operational certificate.
 *
 * What BearSSL 0.6 lacks and moat adds here: a DER writer, path building
 * from an unordered set, extended key usage and name-constraint checks,
 * understanding of the DICE extensions (BearSSL rejects every unknown
 * critical extension), and a verdict that names the certificate and the
 * check that failed. The full validation policy is docs/x509-policy.md.
 *
 * Parsing is zero-copy: a ::moat_x509_cert points into the caller's DER
 * buffer, which must outlive it. No heap anywhere; bounds are the
 * MOAT_X509_* constants below. All functions are reentrant.
 */
#ifndef MOAT_X509_H
#define MOAT_X509_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "moat/error.h"
#include "moat/crypto.h"
#include "moat/port.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ================================================================ bounds */

/** @brief Largest certificate (DER bytes) accepted. */
#define MOAT_X509_MAX_CERT_SIZE 8192u
/** @brief Most extensions in one certificate. */
#define MOAT_X509_MAX_EXTENSIONS 24u
/** @brief Most subjectAltName entries kept per certificate. */
#define MOAT_X509_MAX_SAN 16u
/** @brief Most extKeyUsage OIDs kept per certificate. */
#define MOAT_X509_MAX_EKU 8u
/** @brief Most name-constraint subtrees (permitted + excluded) per certificate. */
#define MOAT_X509_MAX_SUBTREES 16u
/** @brief Longest chain, leaf and anchor included. */
#define MOAT_X509_MAX_DEPTH 8u
/** @brief Most certificates offered to path building (leaf + bag). */
#define MOAT_X509_MAX_CANDIDATES 32u
/**
 * @brief Most signature verifications one moat_x509_verify() call performs
 *        while building paths (results are cached per issuer/subject pair);
 *        beyond it the search stops with ::MOAT_ERR_X509_SEARCH_LIMIT.
 */
#define MOAT_X509_MAX_SIG_CHECKS 64u
/**
 * @brief Most candidate links (issuer tried for a certificate) one
 *        moat_x509_verify() call examines; beyond it the search stops with
 *        ::MOAT_ERR_X509_SEARCH_LIMIT. Bounds the work a crafted bag can cause.
 */
#define MOAT_X509_MAX_BUILD_STEPS 512u
/** @brief Most run-time trust anchors and pins in a store. */
#define MOAT_X509_MAX_RUNTIME_ANCHORS 8u
/** @brief Largest RFC 4514 string produced for a Name. */
#define MOAT_X509_NAME_STRING_MAX 512u
/** @brief Most attributes in a Name written by moat. */
#define MOAT_X509_MAX_NAME_ATTRS 8u

/* ======================================================== parsed shapes */

/** @brief A slice of the caller's DER buffer. */
typedef struct moat_x509_bytes {
    const uint8_t *ptr; /**< first byte (NULL when absent) */
    size_t len;         /**< length */
} moat_x509_bytes;

/** @brief Public key kinds. */
typedef enum moat_x509_key_type {
    MOAT_X509_KEY_NONE = 0, /**< no key parsed (zeroed view) */
    MOAT_X509_KEY_EC = 1,  /**< id-ecPublicKey, P-256 or P-384 */
    MOAT_X509_KEY_RSA = 2  /**< rsaEncryption (verification of CA chains only) */
} moat_x509_key_type;

/** @brief Signature algorithms. */
typedef enum moat_x509_sig_alg {
    MOAT_X509_SIG_UNKNOWN = 0,      /**< none parsed (zeroed view); never in a parsed certificate */
    MOAT_X509_SIG_ECDSA_SHA256 = 1, /**< ecdsa-with-SHA256 (RFC 5758 section 3.2) */
    MOAT_X509_SIG_ECDSA_SHA384 = 2, /**< ecdsa-with-SHA384 (RFC 5758 section 3.2) */
    MOAT_X509_SIG_RSA_SHA256 = 3,   /**< sha256WithRSAEncryption (PKCS#1 v1.5, RFC 4055) */
    MOAT_X509_SIG_RSA_SHA384 = 4    /**< sha384WithRSAEncryption (PKCS#1 v1.5, RFC 4055) */
} moat_x509_sig_alg;

/** @brief keyUsage bits (RFC 5280 section 4.2.1.3), bit 0 = digitalSignature. */
enum {
    MOAT_X509_KU_DIGITAL_SIGNATURE = 1u << 0, /**< digitalSignature (0) */
    MOAT_X509_KU_NON_REPUDIATION = 1u << 1,   /**< nonRepudiation / contentCommitment (1) */
    MOAT_X509_KU_KEY_ENCIPHERMENT = 1u << 2,  /**< keyEncipherment (2) */
    MOAT_X509_KU_DATA_ENCIPHERMENT = 1u << 3, /**< dataEncipherment (3) */
    MOAT_X509_KU_KEY_AGREEMENT = 1u << 4,     /**< keyAgreement (4) */
    MOAT_X509_KU_KEY_CERT_SIGN = 1u << 5,     /**< keyCertSign (5): required on issuers that have keyUsage */
    MOAT_X509_KU_CRL_SIGN = 1u << 6,          /**< cRLSign (6) */
    MOAT_X509_KU_ENCIPHER_ONLY = 1u << 7,     /**< encipherOnly (7) */
    MOAT_X509_KU_DECIPHER_ONLY = 1u << 8      /**< decipherOnly (8) */
};

/** @brief subjectAltName / name-constraint GeneralName kinds kept by moat. */
typedef enum moat_x509_gn_type {
    MOAT_X509_GN_OTHER = 0, /**< any other GeneralName form (kept, not interpreted) */
    MOAT_X509_GN_DNS = 2,   /**< dNSName [2] IA5String */
    MOAT_X509_GN_URI = 6,   /**< uniformResourceIdentifier [6] */
    MOAT_X509_GN_IP = 7     /**< iPAddress [7]: 4/16 bytes (SAN) or 8/32 (constraint) */
} moat_x509_gn_type;

/** @brief One GeneralName. */
typedef struct moat_x509_general_name {
    moat_x509_gn_type type;  /**< kind */
    moat_x509_bytes value;   /**< content octets (DNS, URI, IP); for
                                  ::MOAT_X509_GN_OTHER the whole GeneralName
                                  TLV, tag included, so its form stays known */
} moat_x509_general_name;

/** @brief One extension as it appears in the certificate. */
typedef struct moat_x509_extension {
    moat_x509_bytes oid;     /**< OID content octets */
    bool critical;           /**< criticality */
    bool understood;         /**< moat parses and enforces it */
    moat_x509_bytes value;   /**< extnValue OCTET STRING content */
} moat_x509_extension;

/** @brief A parsed certificate (zero-copy view into the DER). */
typedef struct moat_x509_cert {
    moat_x509_bytes der;          /**< the whole certificate */
    moat_x509_bytes tbs;          /**< TBSCertificate TLV (the signed bytes) */
    unsigned version;             /**< 1, 2 or 3 */
    moat_x509_bytes serial;       /**< serialNumber content octets (as encoded) */
    moat_x509_bytes issuer;       /**< issuer Name TLV */
    moat_x509_bytes subject;      /**< subject Name TLV */
    int64_t not_before;           /**< seconds since the epoch (UTC) */
    int64_t not_after;            /**< seconds since the epoch (UTC) */
    moat_x509_bytes spki;         /**< SubjectPublicKeyInfo TLV */
    moat_x509_key_type key_type;  /**< public key kind */
    moat_ec_public_key ec_key;    /**< when key_type is EC (validated on the curve) */
    moat_x509_bytes rsa_n;        /**< when RSA: modulus magnitude */
    moat_x509_bytes rsa_e;        /**< when RSA: exponent magnitude */
    moat_x509_sig_alg sig_alg;    /**< outer signatureAlgorithm (== TBS signature) */
    moat_x509_bytes sig;          /**< signatureValue BIT STRING octets */

    /* extensions (RFC 5280 section 4.2) */
    bool has_basic_constraints;   /**< basicConstraints present */
    bool is_ca;                   /**< cA flag */
    int path_len;                 /**< pathLenConstraint, -1 when absent */
    bool has_key_usage;           /**< keyUsage present */
    uint16_t key_usage;           /**< MOAT_X509_KU_* bits */
    bool has_eku;                 /**< extKeyUsage present */
    size_t eku_count;             /**< number of entries in @c eku */
    moat_x509_bytes eku[MOAT_X509_MAX_EKU]; /**< KeyPurposeId OID content octets */
    size_t san_count;             /**< number of entries in @c san */
    moat_x509_general_name san[MOAT_X509_MAX_SAN]; /**< subjectAltName */
    moat_x509_bytes ski;          /**< subjectKeyIdentifier */
    moat_x509_bytes aki;          /**< authorityKeyIdentifier keyIdentifier */
    bool has_name_constraints;    /**< nameConstraints present */
    size_t permitted_count;       /**< entries of @c subtrees that are permitted */
    size_t excluded_count;        /**< entries after them that are excluded */
    moat_x509_general_name subtrees[MOAT_X509_MAX_SUBTREES]; /**< permitted then excluded */
    moat_x509_bytes dice_tcb_info;    /**< TCG DiceTcbInfo (2.23.133.5.4.1) value */
    moat_x509_bytes dice_open_attest; /**< open-dice 1.3.6.1.4.1.11129.2.1.24 value */
    size_t ext_count;             /**< number of entries in @c ext */
    moat_x509_extension ext[MOAT_X509_MAX_EXTENSIONS]; /**< every extension, in order */
} moat_x509_cert;

/* =============================================================== parsing */

/**
 * @brief Parse one DER certificate strictly.
 *
 * Rejects: anything not strict DER (MOAT_ERR_DER_* codes), a version other
 * than v1..v3 or extensions in a non-v3 certificate, outer and TBS signature
 * algorithms that differ (::MOAT_ERR_X509_SIG_ALG_MISMATCH), unsupported
 * algorithms (::MOAT_ERR_X509_UNSUPPORTED_ALG), EC points not on the curve
 * (::MOAT_ERR_CRYPTO_POINT_NOT_ON_CURVE), duplicate extensions
 * (::MOAT_ERR_X509_DUPLICATE_EXTENSION), malformed known extensions
 * (::MOAT_ERR_X509_BAD_EXTENSION), bad times (::MOAT_ERR_X509_BAD_TIME),
 * serial numbers that are negative, zero or longer than 20 octets
 * (::MOAT_ERR_X509_BAD_SERIAL; policy in docs/x509-policy.md), more than
 * the MOAT_X509_MAX_* entries (::MOAT_ERR_X509_TOO_MANY), trailing data.
 * @param der the certificate; must outlive @p cert
 * @param len at most ::MOAT_X509_MAX_CERT_SIZE
 * @param[out] cert wiped on failure
 * @return ::MOAT_OK;
 *   ::MOAT_ERR_INVALID_ARGUMENT (@p der or @p cert NULL);
 *   ::MOAT_ERR_INPUT_TOO_LARGE (@p len above ::MOAT_X509_MAX_CERT_SIZE);
 *   MOAT_ERR_DER_* codes (::MOAT_ERR_DER_TRUNCATED, ::MOAT_ERR_DER_TAG,
 *   ::MOAT_ERR_DER_LENGTH, ::MOAT_ERR_DER_INTEGER, ::MOAT_ERR_DER_TRAILING:
 *   not strict DER at some level, or trailing data);
 *   ::MOAT_ERR_X509_BAD_VERSION (version not v1..v3, an explicit v1, or
 *   extensions / unique identifiers outside the versions allowing them);
 *   ::MOAT_ERR_X509_SIG_ALG_MISMATCH (outer and TBS algorithms differ);
 *   ::MOAT_ERR_X509_UNSUPPORTED_ALG (signature algorithm, key algorithm or
 *   named curve not supported, or parameters not as required);
 *   ::MOAT_ERR_X509_BAD_SERIAL (negative, zero or over 20 octets);
 *   ::MOAT_ERR_X509_BAD_NAME (issuer empty, or a Name not SEQUENCE OF
 *   non-empty SET OF AttributeTypeAndValue with a string value);
 *   ::MOAT_ERR_X509_BAD_OID (an OID with a non-minimal subidentifier);
 *   ::MOAT_ERR_X509_BAD_TIME (malformed UTCTime / GeneralizedTime, or an
 *   impossible date);
 *   ::MOAT_ERR_X509_BAD_EXTENSION (a known extension malformed, an explicit
 *   DEFAULT value, an empty extensions field);
 *   ::MOAT_ERR_X509_DUPLICATE_EXTENSION (an extension OID twice);
 *   ::MOAT_ERR_X509_TOO_MANY (more than ::MOAT_X509_MAX_EXTENSIONS,
 *   ::MOAT_X509_MAX_SAN, ::MOAT_X509_MAX_EKU or ::MOAT_X509_MAX_SUBTREES
 *   entries);
 *   ::MOAT_ERR_CRYPTO_POINT_ENCODING (EC point compressed, infinity or of
 *   the wrong length), ::MOAT_ERR_CRYPTO_POINT_NOT_ON_CURVE (EC point not
 *   on its curve), ::MOAT_ERR_CRYPTO_BAD_KEY (RSA modulus or exponent zero).
 *
 * Memory: no heap; about 0.6 KiB of stack besides @p cert. Thread safety:
 * reentrant (distinct @p cert per thread; @p der is only read).
 */
moat_err moat_x509_parse(const uint8_t *der, size_t len, moat_x509_cert *cert);

/**
 * @brief Decode the next PEM block of a (possibly multi-block) text
 *        (RFC 7468; a bundle is walked by calling again with @p offset).
 *
 * Text outside blocks is skipped; LF or CRLF line ends and trailing spaces
 * or tabs are accepted; body lines hold 1 to 76 base64 characters,
 * canonical, '=' padding only at the very end. Headers (RFC 1421) are not
 * supported.
 * @param pem the text (need not be NUL-terminated)
 * @param pem_len its length in bytes
 * @param label expected label (e.g. "CERTIFICATE"), NUL-terminated; BEGIN
 *        and END labels must both equal it (::MOAT_ERR_PEM_LABEL)
 * @param[in,out] offset where to start (at most @p pem_len); on success,
 *        just past the block's END line; unchanged on failure
 * @param[out] out receives the DER (may be NULL when @p out_cap is 0);
 *        wiped over @p out_cap on failure
 * @param out_cap capacity of @p out
 * @param[out] out_len bytes decoded; on ::MOAT_ERR_BUFFER_TOO_SMALL the
 *        size needed; 0 on other failures
 * @return ::MOAT_OK;
 *   ::MOAT_ERR_INVALID_ARGUMENT (@p out_len, @p pem, @p label or @p offset
 *   NULL, @p out NULL with @p out_cap != 0, a label that is not an RFC 7468
 *   label of 1 to 64 characters, or *@p offset > @p pem_len);
 *   ::MOAT_ERR_NOT_FOUND (no further BEGIN line after *@p offset);
 *   ::MOAT_ERR_PEM_FORMAT (malformed BEGIN/END boundary, no END line, or
 *   another boundary inside the block);
 *   ::MOAT_ERR_PEM_LABEL (BEGIN or END label not @p label);
 *   ::MOAT_ERR_PEM_BASE64 (empty or over-long body line, a character
 *   outside base64, non-canonical base64, data after padding, a partial
 *   group, or an empty body);
 *   ::MOAT_ERR_BUFFER_TOO_SMALL (@p out_cap below the decoded size).
 *
 * Memory: no heap; about 0.2 KiB of stack; temporaries wiped (the body may
 * be a private key). Thread safety: reentrant.
 */
moat_err moat_pem_decode(const char *pem, size_t pem_len, const char *label,
                         size_t *offset, uint8_t *out, size_t out_cap,
                         size_t *out_len);

/**
 * @brief Write DER as PEM with @p label (RFC 7468: 64-column base64 lines,
 *        LF line ends, NUL-terminated).
 * @param der the bytes to encode (at least 1)
 * @param der_len their length, at most 8 * ::MOAT_X509_MAX_CERT_SIZE
 * @param label the label (e.g. "CERTIFICATE"), NUL-terminated
 * @param[out] out the text (may be NULL when @p out_cap is 0); wiped over
 *        @p out_cap on failure
 * @param out_cap its capacity, the NUL included
 * @param[out] out_len characters written, NUL excluded; on
 *        ::MOAT_ERR_BUFFER_TOO_SMALL the capacity needed (NUL included);
 *        0 on other failures
 * @return ::MOAT_OK;
 *   ::MOAT_ERR_INVALID_ARGUMENT (@p out_len or @p label NULL, @p der NULL
 *   with @p der_len != 0, @p out NULL with @p out_cap != 0, @p der_len 0,
 *   or a label that is not an RFC 7468 label of 1 to 64 characters);
 *   ::MOAT_ERR_INPUT_TOO_LARGE (@p der_len above 8 *
 *   ::MOAT_X509_MAX_CERT_SIZE);
 *   ::MOAT_ERR_BUFFER_TOO_SMALL (@p out_cap too small);
 *   ::MOAT_ERR_INTERNAL (base64 encoding failed; not expected).
 *
 * Memory: no heap; about 0.1 KiB of stack. Thread safety: reentrant.
 */
moat_err moat_pem_encode(const uint8_t *der, size_t der_len, const char *label,
                         char *out, size_t out_cap, size_t *out_len);

/**
 * @brief A Name TLV as an RFC 4514 string ("CN=dev,O=moat").
 *
 * RDNs last-first, separated by ','; multi-valued RDNs joined by '+';
 * short names of RFC 4514 section 3 plus serialNumber and emailAddress,
 * other types as dotted OID '=#' hex of the value's DER; special and
 * control characters escaped (RFC 4514 section 2.4).
 * @param name the Name TLV (e.g. ::moat_x509_cert::subject)
 * @param[out] out the NUL-terminated string (may be NULL when @p out_cap
 *        is 0); wiped over @p out_cap on failure
 * @param out_cap its capacity, the NUL included
 * @param[out] out_len characters written, NUL excluded; on
 *        ::MOAT_ERR_BUFFER_TOO_SMALL the capacity needed (NUL included);
 *        0 on other failures
 * @return ::MOAT_OK;
 *   ::MOAT_ERR_INVALID_ARGUMENT (@p out_len, @p name or @p name->ptr NULL,
 *   or @p out NULL with @p out_cap != 0);
 *   ::MOAT_ERR_X509_BAD_NAME (not SEQUENCE OF non-empty SET OF
 *   AttributeTypeAndValue, or a string value that does not decode);
 *   ::MOAT_ERR_X509_BAD_OID (an attribute type OID that does not decode);
 *   MOAT_ERR_DER_* codes other than ::MOAT_ERR_DER_TAG (::MOAT_ERR_DER_TRUNCATED,
 *   ::MOAT_ERR_DER_LENGTH, ::MOAT_ERR_DER_TRAILING: not DER);
 *   ::MOAT_ERR_INPUT_TOO_LARGE (the string would exceed
 *   ::MOAT_X509_NAME_STRING_MAX bytes with the NUL);
 *   ::MOAT_ERR_BUFFER_TOO_SMALL (@p out_cap too small).
 *
 * Memory: no heap; about 0.4 KiB of stack. Thread safety: reentrant.
 */
moat_err moat_x509_name_string(const moat_x509_bytes *name, char *out,
                               size_t out_cap, size_t *out_len);

/**
 * @brief OID content octets as dotted text ("2.23.133.5.4.1", X.690
 *        section 8.19).
 * @param oid the content octets (e.g. ::moat_x509_extension::oid)
 * @param[out] out the NUL-terminated text (may be NULL when @p out_cap is
 *        0); wiped over @p out_cap on failure
 * @param out_cap its capacity, the NUL included
 * @param[out] out_len characters written, NUL excluded; on
 *        ::MOAT_ERR_BUFFER_TOO_SMALL the capacity needed (NUL included);
 *        0 on other failures
 * @return ::MOAT_OK;
 *   ::MOAT_ERR_INVALID_ARGUMENT (@p out_len, @p oid or @p oid->ptr NULL,
 *   or @p out NULL with @p out_cap != 0);
 *   ::MOAT_ERR_X509_BAD_OID (empty, truncated last subidentifier,
 *   non-minimal subidentifier, or an arc beyond 64 bits);
 *   ::MOAT_ERR_BUFFER_TOO_SMALL (@p out_cap too small).
 *
 * Memory: no heap; about 0.1 KiB of stack. Thread safety: reentrant.
 */
moat_err moat_x509_oid_string(const moat_x509_bytes *oid, char *out,
                              size_t out_cap, size_t *out_len);

/**
 * @brief Encode a dotted OID ("1.3.6.1.5.5.7.3.1") as content octets
 *        (X.690 section 8.19), e.g. for ::moat_x509_verify_params::purpose_oid.
 * @param dotted NUL-terminated text: at least two arcs, the first 0..2,
 *        the second below 40 when the first is 0 or 1, each arc at most
 *        64 bits, shorter than 128 characters
 * @param[out] out the content octets (may be NULL when @p out_cap is 0);
 *        wiped over @p out_cap on failure
 * @param out_cap its capacity
 * @param[out] out_len bytes written; on ::MOAT_ERR_BUFFER_TOO_SMALL the
 *        size needed; 0 on other failures
 * @return ::MOAT_OK;
 *   ::MOAT_ERR_INVALID_ARGUMENT (@p out_len or @p dotted NULL, or @p out
 *   NULL with @p out_cap != 0);
 *   ::MOAT_ERR_X509_BAD_OID (text not as described for @p dotted);
 *   ::MOAT_ERR_BUFFER_TOO_SMALL (@p out_cap too small).
 *
 * Memory: no heap; about 0.1 KiB of stack. Thread safety: reentrant.
 */
moat_err moat_x509_oid_encode(const char *dotted, uint8_t *out, size_t out_cap,
                              size_t *out_len);

/* ========================================================== trust store */

/** @brief A trust anchor: a CA certificate in DER (may live in flash). */
typedef struct moat_x509_anchor {
    const uint8_t *der; /**< the certificate */
    size_t len;         /**< its length */
} moat_x509_anchor;

/**
 * @brief Trust anchors: a const array (from moat_add_trust_anchors() in
 *        CMake), plus anchors and SPKI pins added at run time.
 */
typedef struct moat_x509_store {
    const moat_x509_anchor *builtin;  /**< const anchors (may be NULL) */
    size_t builtin_count;             /**< their number */
    moat_x509_anchor runtime[MOAT_X509_MAX_RUNTIME_ANCHORS]; /**< added at run time */
    size_t runtime_count;             /**< their number */
    uint8_t pins[MOAT_X509_MAX_RUNTIME_ANCHORS][32]; /**< SHA-256 of SPKI DER */
    size_t pin_count;                 /**< number of pins; 0 = no pinning */
} moat_x509_store;

/**
 * @brief Initialize a store over a const anchor array (may be empty; it
 *        must outlive the store). Each anchor is parsed and must be a CA
 *        (docs/x509-policy.md "Trust anchors").
 * @param[out] store the store; zeroed first, left empty on failure
 * @param builtin the const anchors (NULL only when @p count is 0); their
 *        DER must outlive the store
 * @param count number of entries in @p builtin
 * @return ::MOAT_OK;
 *   ::MOAT_ERR_INVALID_ARGUMENT (@p store NULL, @p builtin NULL with
 *   @p count != 0, or an anchor with a NULL @c der or zero @c len);
 *   any moat_x509_parse() error of a bad anchor;
 *   ::MOAT_ERR_X509_NOT_CA (an anchor that is not a CA).
 *
 * Memory: no heap; about 2.9 KiB of stack (one parsed certificate).
 * Thread safety: reentrant (distinct @p store per thread).
 */
moat_err moat_x509_store_init(moat_x509_store *store, const moat_x509_anchor *builtin,
                              size_t count);
/**
 * @brief Add an anchor at run time (the DER must outlive the store); it is
 *        parsed and must be a CA: v3 with basicConstraints cA TRUE, or a
 *        self-issued v1/v2 root. Adding a present anchor is a no-op.
 * @param store an initialized store; unchanged on failure
 * @param der the anchor certificate (not copied)
 * @param len its length (1 .. ::MOAT_X509_MAX_CERT_SIZE)
 * @return ::MOAT_OK (added, or already present);
 *   ::MOAT_ERR_INVALID_ARGUMENT (@p store or @p der NULL, or @p len 0);
 *   any moat_x509_parse() error of @p der;
 *   ::MOAT_ERR_X509_NOT_CA (not a CA as above);
 *   ::MOAT_ERR_X509_TOO_MANY (already ::MOAT_X509_MAX_RUNTIME_ANCHORS
 *   run-time anchors).
 *
 * Memory: no heap; about 2.9 KiB of stack (one parsed certificate).
 * Thread safety: not safe against concurrent use of the same @p store
 * (including moat_x509_verify() on it); callers serialize.
 */
moat_err moat_x509_store_add(moat_x509_store *store, const uint8_t *der, size_t len);
/**
 * @brief Pin an SPKI: once any pin is set, a path is accepted only if some
 *        certificate in it (leaf, intermediate or anchor) has a pinned SPKI
 *        SHA-256 (::MOAT_ERR_X509_PIN_MISMATCH). At most
 *        ::MOAT_X509_MAX_RUNTIME_ANCHORS pins (else ::MOAT_ERR_X509_TOO_MANY);
 *        a present pin is a no-op.
 * @param store an initialized store; unchanged on failure
 * @param spki_sha256 SHA-256 of the SubjectPublicKeyInfo DER
 *        (::moat_x509_cert::spki), copied
 * @return ::MOAT_OK (added, or already present);
 *   ::MOAT_ERR_INVALID_ARGUMENT (@p store or @p spki_sha256 NULL);
 *   ::MOAT_ERR_X509_TOO_MANY (already ::MOAT_X509_MAX_RUNTIME_ANCHORS pins).
 *
 * Memory: no heap; a few bytes of stack. Thread safety: as
 * moat_x509_store_add().
 */
moat_err moat_x509_store_pin(moat_x509_store *store, const uint8_t spki_sha256[32]);

/* ===================================================== path validation */

/** @brief Purposes for extKeyUsage checks. */
typedef enum moat_x509_purpose {
    MOAT_X509_PURPOSE_ANY = 0,          /**< no EKU requirement */
    MOAT_X509_PURPOSE_SERVER_AUTH = 1,  /**< id-kp-serverAuth */
    MOAT_X509_PURPOSE_CLIENT_AUTH = 2,  /**< id-kp-clientAuth */
    MOAT_X509_PURPOSE_CUSTOM = 3        /**< the OID in params.purpose_oid */
} moat_x509_purpose;

/** @brief Validation parameters. Zero-initialize, then set. */
typedef struct moat_x509_verify_params {
    int64_t now;                    /**< validation time, seconds since the epoch */
    bool no_time;                   /**< true: no trusted time; policy in docs/x509-policy.md */
    moat_x509_purpose purpose;      /**< EKU requirement on the leaf */
    moat_x509_bytes purpose_oid;    /**< for ::MOAT_X509_PURPOSE_CUSTOM: OID content octets */
    const char *dns_name;           /**< required host name (NULL: none) */
    const uint8_t *ip;              /**< required IP address, 4 or 16 bytes (NULL: none) */
    size_t ip_len;                  /**< its length */
    unsigned max_depth;             /**< 0: ::MOAT_X509_MAX_DEPTH */
    bool leaf_must_not_be_ca;       /**< reject a CA certificate as the leaf */
} moat_x509_verify_params;

/**
 * @brief Set the validation time of @p params from the port's trusted clock.
 *
 * On ::MOAT_OK, @c now is the port's time and @c no_time is false. When the
 * port reports ::MOAT_ERR_PORT_NO_TIME, @c no_time is set to true and @c now
 * is left as the caller set it (a lower bound such as the build time, or 0):
 * validation then follows the no-time policy of docs/x509-policy.md and
 * the function returns ::MOAT_OK. Any other port error is returned and
 * @p params is unchanged (fail closed: the caller must not validate).
 * @param params the parameters to update
 * @param port the platform
 * @return ::MOAT_OK; ::MOAT_ERR_INVALID_ARGUMENT (NULL); the port's error
 *         (e.g. ::MOAT_ERR_PORT_POWER_CUT from the fault port).
 * Memory: no heap, a few words of stack. Thread safety: as the port.
 */
moat_err moat_x509_params_time_from_port(moat_x509_verify_params *params,
                                         const moat_port *port);

/** @brief The verdict: which certificate failed which check, and the path. */
typedef struct moat_x509_verify_result {
    moat_err err;             /**< same as the return value */
    int failed_index;         /**< index into the caller's array of the failing certificate; -1 none / anchor */
    size_t path_len;          /**< certificates in the path, leaf first, anchor last */
    int path[MOAT_X509_MAX_DEPTH]; /**< caller indices; -(1 + anchor index) for anchors */
} moat_x509_verify_result;

/** @brief Workspace for moat_x509_verify(): parsed views of the candidates. */
typedef struct moat_x509_verify_work {
    moat_x509_cert certs[MOAT_X509_MAX_CANDIDATES]; /**< candidates */
    moat_x509_cert anchor;                          /**< the anchor being tried */
} moat_x509_verify_work;

/**
 * @brief Build a path from @p certs[0] (the leaf) through any of
 *        @p certs[1..n-1] (unordered; unrelated ones are ignored) to an
 *        anchor of @p store, and validate it at @p params->now.
 *
 * Checks per RFC 5280 section 6 as profiled in docs/x509-policy.md:
 * signatures, validity, basicConstraints (cA, pathLen), keyUsage
 * (keyCertSign on issuers, digitalSignature on the leaf when present),
 * extKeyUsage for the purpose, host name / IP, name constraints (DNS and IP
 * subtrees of every CA above the certificate), critical extensions (known
 * DICE ones understood, any other rejects), pins. Building is depth-first
 * with backtracking over every issuer candidate (subject name match, AKI/SKI
 * consistent), loop-safe (a certificate appears at most once per path), and
 * bounded by ::MOAT_X509_MAX_DEPTH and ::MOAT_X509_MAX_CANDIDATES.
 *
 * A certs[0] that does not parse fails the call with its parse error; bag
 * members that do not parse, duplicates and copies of anchors are skipped.
 * The leaf may itself be an anchor (the path is then the leaf alone).
 * Building stops with ::MOAT_ERR_X509_SEARCH_LIMIT after
 * ::MOAT_X509_MAX_SIG_CHECKS signature verifications or
 * ::MOAT_X509_MAX_BUILD_STEPS links.
 * @param store trust anchors and pins
 * @param certs the leaf, then the bag (unordered)
 * @param lens lengths of @p certs
 * @param n entries in @p certs and @p lens: 1 .. ::MOAT_X509_MAX_CANDIDATES
 *        (else ::MOAT_ERR_X509_TOO_MANY, checked before any parsing)
 * @param params validation parameters (time, purpose, names, depth)
 * @param work caller workspace (large: sizeof is about 45 KiB on 64-bit);
 *        holds parsed views of @p certs on return, which stay valid while
 *        @p certs do
 * @param[out] result may be NULL; when several paths fail, the error of the
 *        most advanced attempt is reported (rules, and the meaning of
 *        failed_index, in docs/x509-policy.md "The verdict")
 * @return ::MOAT_OK (a valid path; @p result holds it), or:
 *   ::MOAT_ERR_INVALID_ARGUMENT (@p store, @p certs, @p lens, @p params or
 *   @p work NULL, @p n 0, certs[0] NULL, an unknown purpose,
 *   ::MOAT_X509_PURPOSE_CUSTOM with an empty purpose_oid, a dns_name that
 *   is empty, longer than 253 characters or holds '*', ip_len not 4 or 16
 *   with ip set, max_depth above ::MOAT_X509_MAX_DEPTH);
 *   ::MOAT_ERR_X509_TOO_MANY (@p n above ::MOAT_X509_MAX_CANDIDATES);
 *   ::MOAT_ERR_X509_NO_TIME (params->now <= 0 without params->no_time);
 *   any moat_x509_parse() error of the leaf;
 *   the check that failed on the best path: ::MOAT_ERR_X509_EXPIRED,
 *   ::MOAT_ERR_X509_NOT_YET_VALID, ::MOAT_ERR_X509_NO_ISSUER (no candidate
 *   issuer leads to an anchor), ::MOAT_ERR_X509_BAD_SIGNATURE,
 *   ::MOAT_ERR_X509_NOT_CA, ::MOAT_ERR_X509_PATH_LEN,
 *   ::MOAT_ERR_X509_KEY_USAGE, ::MOAT_ERR_X509_EKU,
 *   ::MOAT_ERR_X509_NAME_MISMATCH (dns_name / ip not in the leaf),
 *   ::MOAT_ERR_X509_NAME_CONSTRAINTS, ::MOAT_ERR_X509_UNKNOWN_CRITICAL,
 *   ::MOAT_ERR_X509_TOO_DEEP (paths exist only beyond the depth bound),
 *   ::MOAT_ERR_X509_PIN_MISMATCH, ::MOAT_ERR_X509_SELF_SIGNED_LEAF (a
 *   self-signed leaf that is not an anchor), ::MOAT_ERR_X509_LEAF_IS_CA
 *   (leaf_must_not_be_ca and the leaf is a CA);
 *   ::MOAT_ERR_X509_SEARCH_LIMIT (work bound reached before a verdict);
 *   ::MOAT_ERR_INTERNAL (an internal consistency check failed; not
 *   expected).
 *
 * Memory: no heap; @p work plus about 1.5 KiB of stack, plus one signature
 * verification at a time (crypto.h). Thread safety: reentrant with
 * distinct @p work and @p result; @p store is only read (it must not be
 * modified meanwhile).
 */
moat_err moat_x509_verify(const moat_x509_store *store,
                          const uint8_t *const *certs, const size_t *lens, size_t n,
                          const moat_x509_verify_params *params,
                          moat_x509_verify_work *work,
                          moat_x509_verify_result *result);

/* ================================================ writing: names, CSRs */

/** @brief Attribute types for names moat writes. */
typedef enum moat_x509_attr {
    MOAT_X509_ATTR_CN = 1,            /**< commonName (UTF8String) */
    MOAT_X509_ATTR_O = 2,             /**< organizationName (UTF8String) */
    MOAT_X509_ATTR_OU = 3,            /**< organizationalUnitName (UTF8String) */
    MOAT_X509_ATTR_C = 4,             /**< countryName (PrintableString, 2 letters) */
    MOAT_X509_ATTR_SERIAL_NUMBER = 5  /**< serialNumber (PrintableString) */
} moat_x509_attr;

/** @brief A Name to write: attributes in order (one RDN each), or raw DER. */
typedef struct moat_x509_name {
    size_t count;                                  /**< attributes used */
    moat_x509_attr type[MOAT_X509_MAX_NAME_ATTRS]; /**< their types */
    const char *value[MOAT_X509_MAX_NAME_ATTRS];   /**< NUL-terminated values */
    moat_x509_bytes raw;  /**< if raw.ptr is set: this Name TLV verbatim (count ignored) */
} moat_x509_name;

/** @brief A raw extension to add verbatim (e.g. DiceTcbInfo built by attest). */
typedef struct moat_x509_raw_ext {
    moat_x509_bytes oid;    /**< OID content octets */
    bool critical;          /**< criticality */
    moat_x509_bytes value;  /**< extnValue content (DER of the extension) */
} moat_x509_raw_ext;

/** @brief Extensions moat can write (in CSRs as requested extensions, and in certificates). */
typedef struct moat_x509_ext_params {
    bool basic_constraints;        /**< write basicConstraints (critical) */
    bool is_ca;                    /**< its cA flag */
    int path_len;                  /**< its pathLenConstraint, -1 for none */
    uint16_t key_usage;            /**< MOAT_X509_KU_* bits; 0 = no keyUsage (else critical) */
    size_t eku_count;              /**< KeyPurposeIds to write (non-critical) */
    moat_x509_bytes eku[MOAT_X509_MAX_EKU]; /**< their OID content octets */
    size_t san_count;              /**< subjectAltName entries (non-critical) */
    moat_x509_general_name san[MOAT_X509_MAX_SAN]; /**< DNS / URI / IP */
    bool ski;                      /**< write subjectKeyIdentifier (SHA-1 of the key bits, RFC 5280 4.2.1.2 method 1) */
    moat_x509_bytes aki;           /**< authorityKeyIdentifier keyIdentifier (empty: none) */
    size_t raw_count;              /**< extra extensions */
    const moat_x509_raw_ext *raw;  /**< their array */
} moat_x509_ext_params;

/**
 * @brief Create a PKCS#10 CSR (RFC 2986) signed by @p signer (ES256 for
 *        P-256, ES384 for P-384), with the subject and requested extensions
 *        (extensionRequest attribute, RFC 2985 section 5.4.2).
 *
 * The request carries @p signer->pub; its signature is the proof of
 * possession. With no extension requested (@p ext NULL or asking for none)
 * the attributes are an empty [0] SET. Extensions are written as for
 * moat_x509_issue() (SKI from @p signer->pub; the SAN is critical when the
 * subject is empty).
 * @param subject the subject (may have no attribute)
 * @param ext requested extensions, or NULL
 * @param signer signs the request (its key may live in a port)
 * @param out DER output; wiped on failure
 * @param out_cap its capacity
 * @param[out] out_len the size written; on ::MOAT_ERR_BUFFER_TOO_SMALL the
 *        size needed: exact when the CertificationRequestInfo fitted (it was
 *        signed), else an upper bound that is always sufficient
 * @return ::MOAT_OK;
 *   ::MOAT_ERR_INVALID_ARGUMENT (@p out_len, @p subject, @p signer or
 *   @p signer->sign NULL, @p out NULL with @p out_cap != 0, a NULL
 *   attribute value, or in @p ext: NULL aki.ptr with aki.len != 0, NULL
 *   raw with raw_count != 0);
 *   ::MOAT_ERR_UNSUPPORTED (the signer's curve unknown, or not the curve of
 *   @p signer->pub);
 *   ::MOAT_ERR_CRYPTO_POINT_ENCODING, ::MOAT_ERR_CRYPTO_POINT_NOT_ON_CURVE
 *   (@p signer->pub is not a valid point);
 *   ::MOAT_ERR_X509_BAD_NAME (an empty value, a value not valid for its
 *   attribute type, an unknown type, or a raw Name that is not a Name);
 *   ::MOAT_ERR_X509_TOO_MANY (more than ::MOAT_X509_MAX_NAME_ATTRS
 *   attributes, or more EKUs, SAN entries or extensions than their bound);
 *   ::MOAT_ERR_X509_BAD_EXTENSION (pathLen without cA or below -1, unknown
 *   keyUsage bits, a malformed EKU OID, a SAN entry not DNS/URI/IP or
 *   malformed, a raw extension with a bad OID or a value not one DER TLV);
 *   ::MOAT_ERR_X509_DUPLICATE_EXTENSION (an extension written twice);
 *   ::MOAT_ERR_BUFFER_TOO_SMALL (@p out_cap too small; see @p out_len);
 *   the errors of moat_signer_sign() (the signer's own error unchanged;
 *   ::MOAT_ERR_INTERNAL when the signature does not verify under
 *   @p signer->pub).
 *
 * Memory: no heap; about 1 KiB of stack plus moat_signer_sign() (about
 * 6.5 KiB peak with the in-memory signer). Thread safety: reentrant; the
 * signer's callback must be safe to call from the calling thread.
 */
moat_err moat_x509_csr_create(const moat_x509_name *subject,
                              const moat_x509_ext_params *ext,
                              const moat_signer *signer, uint8_t *out,
                              size_t out_cap, size_t *out_len);

/** @brief A parsed CSR (zero-copy). */
typedef struct moat_x509_csr {
    moat_x509_bytes subject;     /**< subject Name TLV */
    moat_x509_bytes spki;        /**< SubjectPublicKeyInfo TLV */
    moat_ec_public_key key;      /**< the requested key (EC) */
    moat_x509_bytes extensions;  /**< requested Extensions SEQUENCE TLV (empty if none) */
} moat_x509_csr;

/**
 * @brief Parse a CSR strictly and verify its self-signature (proof of
 *        possession).
 *
 * Accepts version 0, an EC P-256/P-384 key, ecdsa-with-SHA256/384 with
 * absent parameters; the extensionRequest attribute must hold exactly one
 * well-formed Extensions (no OID twice); other attributes are checked for
 * form and ignored.
 * @param der the request; must outlive @p csr
 * @param len at most ::MOAT_X509_MAX_CERT_SIZE (else ::MOAT_ERR_INPUT_TOO_LARGE)
 * @param[out] csr wiped on failure
 * @return ::MOAT_OK;
 *   ::MOAT_ERR_INVALID_ARGUMENT (@p der or @p csr NULL);
 *   ::MOAT_ERR_INPUT_TOO_LARGE (@p len above ::MOAT_X509_MAX_CERT_SIZE);
 *   MOAT_ERR_DER_* codes (::MOAT_ERR_DER_TRUNCATED, ::MOAT_ERR_DER_TAG,
 *   ::MOAT_ERR_DER_LENGTH, ::MOAT_ERR_DER_INTEGER, ::MOAT_ERR_DER_TRAILING:
 *   not strict DER, an attribute with no value, trailing data);
 *   ::MOAT_ERR_X509_BAD_VERSION (version not 0);
 *   ::MOAT_ERR_X509_BAD_NAME (subject not a well-formed Name);
 *   ::MOAT_ERR_X509_UNSUPPORTED_ALG (key not EC P-256/P-384, or signature
 *   algorithm not ecdsa-with-SHA256/384 with absent parameters);
 *   ::MOAT_ERR_CRYPTO_KEY_ENCODING, ::MOAT_ERR_CRYPTO_POINT_ENCODING,
 *   ::MOAT_ERR_CRYPTO_POINT_NOT_ON_CURVE (malformed SubjectPublicKeyInfo or
 *   point);
 *   ::MOAT_ERR_X509_BAD_EXTENSION (requested Extensions empty or malformed,
 *   an extension with a bad OID or a critical BOOLEAN other than DER TRUE);
 *   ::MOAT_ERR_X509_DUPLICATE_EXTENSION (an extension OID twice, or the
 *   extensionRequest attribute twice);
 *   ::MOAT_ERR_X509_TOO_MANY (more than ::MOAT_X509_MAX_EXTENSIONS
 *   requested extensions);
 *   ::MOAT_ERR_X509_CSR_SIGNATURE (the self-signature does not verify).
 *
 * Memory: no heap; about 1 KiB of stack plus one ECDSA verification
 * (crypto.h). Thread safety: reentrant (distinct @p csr per thread).
 */
moat_err moat_x509_csr_parse(const uint8_t *der, size_t len, moat_x509_csr *csr);

/** @brief What to issue. */
typedef struct moat_x509_issue_params {
    moat_x509_bytes serial;           /**< positive big-endian magnitude, 1..20 bytes */
    int64_t not_before;               /**< seconds since the epoch */
    int64_t not_after;                /**< seconds since the epoch; 253402300799 = 99991231235959Z */
    moat_x509_name subject;           /**< subject name */
    moat_x509_name issuer;            /**< issuer name (use raw = the issuer cert's subject) */
    const moat_ec_public_key *subject_key; /**< the certified key */
    moat_x509_ext_params ext;         /**< extensions */
} moat_x509_issue_params;

/**
 * @brief Build and sign an X.509 v3 certificate with @p issuer_signer.
 * UTCTime is used for years 1950-2049 and GeneralizedTime otherwise
 * (RFC 5280 section 4.1.2.5).
 *
 * The signature algorithm follows the issuer's curve: ecdsa-with-SHA256
 * for P-256, ecdsa-with-SHA384 for P-384 (parameters absent, RFC 5758).
 * Extensions: basicConstraints (critical), keyUsage (critical, minimal DER
 * BIT STRING), extKeyUsage, subjectAltName (critical when the subject is
 * empty, RFC 5280 4.2.1.6), subjectKeyIdentifier, authorityKeyIdentifier,
 * then the raw ones in order; none is written twice.
 * @param params what to issue; the issuer Name must not be empty
 * @param issuer_signer the issuer's signer
 * @param out DER output; wiped on failure
 * @param out_cap its capacity
 * @param[out] out_len the size written; on ::MOAT_ERR_BUFFER_TOO_SMALL the
 *        size needed: exact when the TBSCertificate fitted in @p out (it was
 *        signed; exact for deterministic signers), else an upper bound
 *        (largest signature) that is always sufficient
 * @return ::MOAT_OK;
 *   ::MOAT_ERR_INVALID_ARGUMENT (@p out_len, @p params, @p issuer_signer or
 *   its sign callback NULL, @p out NULL with @p out_cap != 0, subject_key
 *   NULL, a NULL attribute value, or in the extensions: NULL aki.ptr with
 *   aki.len != 0, NULL raw with raw_count != 0);
 *   ::MOAT_ERR_X509_BAD_SERIAL (zero, empty, or more than 20 content
 *   octets once encoded);
 *   ::MOAT_ERR_UNSUPPORTED (issuer curve unknown, subject key curve
 *   unknown, or the signer's curve not that of its public key);
 *   ::MOAT_ERR_X509_BAD_TIME (not_before > not_after, or outside years
 *   0000-9999);
 *   ::MOAT_ERR_CRYPTO_POINT_ENCODING, ::MOAT_ERR_CRYPTO_POINT_NOT_ON_CURVE
 *   (the subject key is not a valid point);
 *   ::MOAT_ERR_X509_BAD_NAME (issuer Name empty; an empty value, a value
 *   not valid for its attribute type, an unknown type, or a raw Name that
 *   is not a Name);
 *   ::MOAT_ERR_X509_TOO_MANY (more attributes, EKUs, SAN entries or
 *   extensions than their MOAT_X509_MAX_* bound);
 *   ::MOAT_ERR_X509_BAD_EXTENSION (pathLen without cA or below -1, unknown
 *   keyUsage bits, a malformed EKU OID, a SAN that is not DNS/URI/IP or is
 *   malformed, a raw extension with a bad OID or a value not one DER TLV);
 *   ::MOAT_ERR_X509_DUPLICATE_EXTENSION (an extension written twice);
 *   ::MOAT_ERR_BUFFER_TOO_SMALL (@p out_cap too small; see @p out_len);
 *   the errors of moat_signer_sign() (the signer's own error unchanged;
 *   ::MOAT_ERR_INTERNAL when the signature does not verify under the
 *   signer's public key).
 *
 * Memory: no heap; about 1.5 KiB of stack plus moat_signer_sign() (about
 * 6.5 KiB peak with the in-memory signer). Thread safety: reentrant; the
 * signer's callback must be safe to call from the calling thread.
 */
moat_err moat_x509_issue(const moat_x509_issue_params *params,
                         const moat_signer *issuer_signer, uint8_t *out,
                         size_t out_cap, size_t *out_len);

/**
 * @brief Build the TBSCertificate only (for signers outside moat and for
 *        DICE known-answer checks): exactly the bytes moat_x509_issue()
 *        signs. Same parameter checks and errors; ::MOAT_ERR_BUFFER_TOO_SMALL
 *        reports the exact size.
 * @param params what to issue (as for moat_x509_issue())
 * @param issuer_curve the curve of the issuer's key; selects the signature
 *        algorithm written in the TBSCertificate
 * @param[out] out DER output (may be NULL when @p out_cap is 0); wiped
 *        over @p out_cap on failure
 * @param out_cap its capacity
 * @param[out] out_len the size written; on ::MOAT_ERR_BUFFER_TOO_SMALL the
 *        exact size needed; 0 on other failures
 * @return ::MOAT_OK; the parameter errors of moat_x509_issue()
 *   (::MOAT_ERR_INVALID_ARGUMENT, ::MOAT_ERR_X509_BAD_SERIAL,
 *   ::MOAT_ERR_UNSUPPORTED for an unknown @p issuer_curve or subject key
 *   curve, ::MOAT_ERR_X509_BAD_TIME, ::MOAT_ERR_CRYPTO_POINT_ENCODING,
 *   ::MOAT_ERR_CRYPTO_POINT_NOT_ON_CURVE, ::MOAT_ERR_X509_BAD_NAME,
 *   ::MOAT_ERR_X509_TOO_MANY, ::MOAT_ERR_X509_BAD_EXTENSION,
 *   ::MOAT_ERR_X509_DUPLICATE_EXTENSION, with the same conditions);
 *   ::MOAT_ERR_BUFFER_TOO_SMALL (@p out_cap too small). No signer is called.
 *
 * Memory: no heap; about 1 KiB of stack. Thread safety: reentrant.
 */
moat_err moat_x509_tbs_build(const moat_x509_issue_params *params, moat_curve issuer_curve,
                             uint8_t *out, size_t out_cap, size_t *out_len);

/* ================================================= enrollment, renewal */

/**
 * @brief Renewal window check: true (renewal due) once @p now is within
 *        @p window_seconds of notAfter, or past @p percent % of the
 *        validity period (whichever comes first; 0 disables either).
 *        Always true at or after notAfter, for a NULL @p cert, and for a
 *        validity period that ends before it starts (fail closed).
 * @param cert the current certificate (parsed), or NULL
 * @param now the current time, seconds since the epoch
 * @param window_seconds renew when notAfter - @p now <= this (0 or
 *        negative: no window)
 * @param percent renew once this percentage of the validity period has
 *        elapsed (0: none; 100 or more: only at notAfter)
 * @return true if renewal is due (see above), false otherwise. Never fails.
 *
 * Memory: no heap; a few bytes of stack; overflow-free arithmetic.
 * Thread safety: reentrant (pure function).
 */
bool moat_x509_renewal_due(const moat_x509_cert *cert, int64_t now,
                           int64_t window_seconds, unsigned percent);

/**
 * @brief Install an issued operational certificate chain for a device key.
 *
 * Accepts @p chain (leaf first) only if the leaf's public key equals the
 * port key @p key_id's public key (::MOAT_ERR_X509_KEY_MISMATCH) and the
 * chain validates to @p store under @p params; then replaces port record
 * @p record_id atomically (power loss at any write leaves the old or the
 * new chain, never neither). Nothing is written on any failure.
 * Record format: the chain's DER certificates concatenated (each is a
 * self-delimiting SEQUENCE); at most ::MOAT_PORT_RECORD_MAX bytes.
 *
 * Exactly one port write (moat_port_record_write()) happens, after every
 * check passed. @p work is the verification workspace and then the scratch
 * buffer of the record; its content is undefined (wiped) on return.
 * @param port the port holding the device key and the record
 * @param key_id the device key the leaf must certify
 * @param record_id the record that receives the chain
 * @param store trust anchors (and pins) the chain must validate to
 * @param chain the leaf, then its issuing chain (or a bag, any order)
 * @param lens lengths of @p chain
 * @param n entries in @p chain and @p lens, 1 .. ::MOAT_X509_MAX_CANDIDATES
 * @param params validation parameters, as for moat_x509_verify()
 * @param work verification workspace (also the record's scratch buffer)
 * @return ::MOAT_OK (the record now holds the chain);
 *   ::MOAT_ERR_INVALID_ARGUMENT (@p port, @p store, @p chain, @p lens,
 *   @p params, @p work or an element of @p chain NULL, or @p n 0);
 *   ::MOAT_ERR_X509_TOO_MANY (@p n above ::MOAT_X509_MAX_CANDIDATES);
 *   ::MOAT_ERR_INPUT_TOO_LARGE (the concatenated chain exceeds
 *   ::MOAT_PORT_RECORD_MAX);
 *   MOAT_ERR_DER_* codes (an element is not exactly one SEQUENCE TLV);
 *   any moat_x509_parse() error of the leaf;
 *   the errors of moat_port_key_public() (e.g. ::MOAT_ERR_PORT_NOT_FOUND
 *   when no such key, ::MOAT_ERR_UNSUPPORTED without key_public,
 *   ::MOAT_ERR_PORT_CORRUPT, ::MOAT_ERR_PORT_IO);
 *   ::MOAT_ERR_X509_KEY_MISMATCH (the leaf's key is not EC or not the
 *   device key);
 *   any moat_x509_verify() error;
 *   the errors of moat_port_record_write() (e.g. ::MOAT_ERR_INVALID_ARGUMENT
 *   for a @p record_id out of range, ::MOAT_ERR_UNSUPPORTED without
 *   record_write, ::MOAT_ERR_PORT_IO with the outcome unknown,
 *   ::MOAT_ERR_PORT_POWER_CUT from the fault port).
 *
 * Memory: no heap; @p work plus about 0.2 KiB of own stack, plus that of
 * moat_x509_verify() and of the port. Thread safety: as the port (calls on
 * one port are serialized by the caller); @p store is only read.
 */
moat_err moat_x509_install(const moat_port *port, uint32_t key_id,
                           uint32_t record_id, const moat_x509_store *store,
                           const uint8_t *const *chain, const size_t *lens, size_t n,
                           const moat_x509_verify_params *params,
                           moat_x509_verify_work *work);

/**
 * @brief Read the installed chain back from record @p record_id into @p buf
 *        and split it: @p certs / @p lens receive up to @p max entries.
 *
 * Each entry is checked to be one well-formed SEQUENCE TLV (a certificate's
 * shape; parse it with moat_x509_parse()). @p certs point into @p buf.
 * @param port the port holding the record
 * @param record_id the record moat_x509_install() wrote
 * @param buf receives the record
 * @param buf_cap its capacity; ::MOAT_PORT_RECORD_MAX always suffices
 * @param[out] certs the certificates, leaf first (pointers into @p buf)
 * @param[out] lens their lengths
 * @param max capacity of @p certs and @p lens
 * @param[out] count number of certificates
 * @return ::MOAT_OK with *count >= 1;
 *   ::MOAT_ERR_INVALID_ARGUMENT (@p count, @p port, @p buf, @p certs or
 *   @p lens NULL, @p max 0, or @p record_id out of the port's range);
 *   ::MOAT_ERR_PORT_NOT_FOUND (nothing installed);
 *   ::MOAT_ERR_BUFFER_TOO_SMALL (@p buf_cap below the record's size);
 *   ::MOAT_ERR_X509_TOO_MANY (more than @p max certificates);
 *   MOAT_ERR_DER_* codes (the record is empty, ::MOAT_ERR_DER_TRUNCATED, or
 *   not a list of SEQUENCE TLVs);
 *   the other errors of moat_port_record_read() (::MOAT_ERR_UNSUPPORTED
 *   without record_read, ::MOAT_ERR_PORT_CORRUPT, ::MOAT_ERR_PORT_IO,
 *   ::MOAT_ERR_PORT_POWER_CUT from the fault port).
 *   On failure @p buf, @p certs and @p lens are wiped and *count is 0.
 *
 * Memory: no heap; about 0.2 KiB of own stack plus the port's. Thread
 * safety: as the port.
 */
moat_err moat_x509_installed(const moat_port *port, uint32_t record_id,
                             uint8_t *buf, size_t buf_cap,
                             const uint8_t **certs, size_t *lens, size_t max,
                             size_t *count);

#ifdef __cplusplus
}
#endif
#endif /* MOAT_X509_H */
